/**
 * Emulator throughput benchmark: ListRepository (cr, regional port) and GetCallerIdentity (sts,
 * main port) calls per second over HTTP on loopback, faults off, through the official runtime
 * (@alicloud/openapi-core callApi, ACS3 signatures verified by the server, keep-alive connections).
 *
 * Each call is measured twice: through the official runtime (its own signing and bookkeeping cost
 * about as much CPU as the server's work, so on a small machine that figure is bounded by the client)
 * and through a lean client (an independent ACS3 signer over a keep-alive agent), which shows what
 * the emulator itself sustains.
 *
 * By default the emulator runs in a child process (`acrctl emulator serve`), so client and server
 * each get a core; `--in-process` runs both in this process. Prints figures; asserts nothing.
 *
 *   npm run build && npm run bench:emulator [-- --seconds 5 --concurrency 32 --in-process]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as OpenApi from '@alicloud/openapi-core';
import { RuntimeOptions } from '@darabonba/typescript';
import { startEmulator } from '../src/emulator/server.js';

interface Args {
  seconds: number;
  concurrency: number;
  inProcess: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seconds: 5, concurrency: 32, inProcess: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') args.seconds = Number(argv[++i]);
    else if (a === '--concurrency') args.concurrency = Number(argv[++i]);
    else if (a === '--in-process') args.inProcess = true;
  }
  return args;
}

/** The openapi-core Client class (CommonJS `exports.default`; Node's loader nests it once more). */
const ClientClass = ((): typeof OpenApi.default.default => {
  const d = OpenApi.default as unknown;
  return (typeof d === 'function' ? d : (d as { default: unknown }).default) as typeof OpenApi.default.default;
})();

interface Keys {
  accessKeyId: string;
  accessKeySecret: string;
}

async function admin<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function rpc(endpoint: string, keys: Keys, regionId: string) {
  const client = new ClientClass(new OpenApi.$OpenApiUtil.Config({ ...keys, endpoint, protocol: 'http', regionId }));
  const runtime = new RuntimeOptions({});
  return async (action: string, version: string, params: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = (await client.callApi(
      new OpenApi.$OpenApiUtil.Params({ action, version, protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' }),
      new OpenApi.$OpenApiUtil.OpenApiRequest({ query: OpenApi.OpenApiUtil.query(params) }),
      runtime,
    )) as { body: Record<string, unknown> };
    return res.body;
  };
}

const leanAgent = new Agent({ keepAlive: true, maxSockets: 256 });

function enc(v: string): string {
  return encodeURIComponent(v).replace(/!/g, '%21').replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\*/g, '%2A');
}

/** A minimal ACS3-HMAC-SHA256 client (PROTOCOL.md §2), written independently of the server's code. */
function lean(endpoint: string, keys: Keys) {
  const [host, port] = endpoint.split(':');
  const emptyHash = createHash('sha256').update('').digest('hex');
  return (action: string, version: string, params: Record<string, string>): Promise<void> => {
    const headers: Record<string, string> = {
      host: endpoint,
      'x-acs-action': action,
      'x-acs-version': version,
      'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'x-acs-signature-nonce': randomUUID(),
      'x-acs-content-sha256': emptyHash,
    };
    const names = Object.keys(headers).sort();
    const query = Object.keys(params).sort().map((k) => `${k}=${enc(params[k] ?? '')}`).join('&');
    const canonical = ['POST', '/', query, names.map((n) => `${n}:${headers[n] ?? ''}\n`).join(''), names.join(';'), emptyHash].join('\n');
    const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', keys.accessKeySecret).update(toSign).digest('hex');
    headers['authorization'] = `ACS3-HMAC-SHA256 Credential=${keys.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`;
    return new Promise((resolve, reject) => {
      const req = request({ host, port: Number(port), method: 'POST', path: `/?${query}`, headers, agent: leanAgent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200 && !body.includes('"IsSuccess":false')) resolve();
          else reject(new Error(`${res.statusCode ?? 0} ${body.slice(0, 200)}`));
        });
      });
      req.on('error', reject);
      req.end();
    });
  };
}

async function measure(name: string, seconds: number, concurrency: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await call(); // warm-up: JIT, connections
  let done = 0;
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        try {
          await call();
          done++;
        } catch {
          failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const rate = done / elapsed;
  process.stdout.write(`${name.padEnd(34)} ${rate.toFixed(0).padStart(7)} calls/s  (${done} calls in ${elapsed.toFixed(2)} s, concurrency ${concurrency}, ${failed} failed)\n`);
  return rate;
}

async function serveChild(): Promise<{ url: string; child: ChildProcess }> {
  const bin = fileURLToPath(new URL('../../bin/acrctl.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'emulator', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    if (child.stdout === null) return reject(new Error('no stdout'));
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited ${String(code)}`)));
  });
  return { url, child };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let url: string;
  let stop: () => Promise<void>;
  if (args.inProcess) {
    const emu = await startEmulator({ port: 0 });
    url = emu.url;
    stop = () => emu.close();
  } else {
    const served = await serveChild();
    url = served.url;
    stop = () =>
      new Promise((resolve) => {
        served.child.once('exit', () => resolve());
        served.child.kill('SIGTERM');
      });
  }
  try {
    const info = await admin<{ products: { product: string }[] }>(url, 'GET', '/_emulator/info');
    const products = info.products.map((p) => p.product);
    const keys = await admin<Keys>(url, 'POST', '/_emulator/accounts', { uid: '1234567890123456' });
    process.stdout.write(`emulator ${url} (${args.inProcess ? 'in-process' : 'child process'}), products: ${products.join(', ')}\n`);

    const stsEndpoint = (await admin<{ endpoint: string }>(url, 'GET', '/_emulator/endpoint?product=sts&region=global')).endpoint;
    const sts = rpc(stsEndpoint, keys, 'cn-hangzhou');
    const stsLean = lean(stsEndpoint, keys);
    await measure('sts GetCallerIdentity [official]', args.seconds, args.concurrency, () => sts('GetCallerIdentity', '2015-04-01', {}));
    await measure('sts GetCallerIdentity [lean]', args.seconds, args.concurrency, () => stsLean('GetCallerIdentity', '2015-04-01', {}));

    if (!products.includes('cr') || !products.includes('bss')) {
      process.stdout.write('cr ListRepository                  skipped: the cr and bss services are not registered\n');
      return;
    }
    const region = 'cn-hangzhou';
    const bss = rpc((await admin<{ endpoint: string }>(url, 'GET', '/_emulator/endpoint?product=bss&region=global')).endpoint, keys, region);
    const crEndpoint = (await admin<{ endpoint: string }>(url, 'GET', `/_emulator/endpoint?product=cr&region=${region}`)).endpoint;
    const cr = rpc(crEndpoint, keys, region);
    const crLean = lean(crEndpoint, keys);
    const bought = await bss('CreateInstance', '2017-12-14', {
      ProductCode: 'acr',
      ProductType: 'acr_ee_public_cn',
      SubscriptionType: 'Subscription',
      Period: 1,
      Parameter: [
        { Code: 'InstanceType', Value: 'Advanced' },
        { Code: 'InstanceName', Value: 'bench' },
        { Code: 'Region', Value: region },
        { Code: 'DefaultOssBucket', Value: 'true' },
      ],
    });
    const instanceId = (bought['Data'] as { InstanceId: string }).InstanceId;
    await admin(url, 'POST', '/_emulator/clock', { advanceMs: 60_000 });
    await cr('CreateNamespace', '2018-12-01', { InstanceId: instanceId, NamespaceName: 'bench', AutoCreateRepo: true, DefaultRepoType: 'PRIVATE' });
    for (let i = 0; i < 30; i++) {
      await cr('CreateRepository', '2018-12-01', { InstanceId: instanceId, RepoNamespaceName: 'bench', RepoName: `repo-${i}`, RepoType: 'PRIVATE', Summary: 'bench' });
    }
    const page = await cr('ListRepository', '2018-12-01', { InstanceId: instanceId, PageSize: 30 });
    const count = (page['Repositories'] as unknown[] | undefined)?.length ?? 0;
    if (count !== 30) throw new Error(`ListRepository returned ${count} repositories, expected 30: ${JSON.stringify(page).slice(0, 300)}`);
    await admin(url, 'DELETE', '/_emulator/calls');
    await measure('cr ListRepository [official]', args.seconds, args.concurrency, () => cr('ListRepository', '2018-12-01', { InstanceId: instanceId, PageSize: 30 }));
    await measure('cr ListRepository [lean]', args.seconds, args.concurrency, () => crLean('ListRepository', '2018-12-01', { InstanceId: instanceId, PageSize: '30' }));
    process.stdout.write('(ListRepository pages hold 30 repositories; faults off; ACS3 signatures verified on every call)\n');
  } finally {
    leanAgent.destroy();
    await stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
