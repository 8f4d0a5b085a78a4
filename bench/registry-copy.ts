/**
 * Registry copy benchmark: streams one big generated layer (default 200 MB) from the emulator's
 * Personal Edition registry in cn-hangzhou to the one in cn-beijing (two registries, so nothing can
 * be mounted) through {@link ImageCopier}, and prints the throughput and this process's RSS growth
 * during the copy. The point: a blob goes GET → PUT as a stream, so RSS growth stays far below the
 * blob's size. Twice: one streamed `PUT ?digest=`, then PATCH chunks of 16 MiB.
 *
 * The emulator runs in a child process (`acrctl emulator serve` with a state file, so its blob store
 * is on disk) and its memory is not counted; each measured copy runs in a fresh process of its own,
 * so the seeding leaves nothing in the measured heap. Prints figures; asserts nothing.
 *
 *   npm run build && node dist/bench/registry-copy.js [--mb 200]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { emulatorEndpoints } from '../src/cloud/endpoints.js';
import { CloudSession } from '../src/cloud/session.js';
import { ImageCopier } from '../src/registry/copy.js';
import { registryClients, type RegistryClients } from '../src/registry/session.js';
import type { RegistryTarget } from '../src/registry/types.js';

const UID = '1234567890123456';
const MiB = 1024 * 1024;

function parseArgs(argv: readonly string[]): { mb: number } {
  let mb = 200;
  for (let i = 0; i < argv.length; i++) if (argv[i] === '--mb') mb = Number(argv[++i]);
  if (!Number.isFinite(mb) || mb <= 0) throw new Error('--mb must be a positive number');
  return { mb };
}

async function serveChild(stateFile: string): Promise<{ url: string; child: ChildProcess }> {
  const bin = fileURLToPath(new URL('../../bin/acrctl.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'emulator', 'serve', '--port', '0', '--state', stateFile], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    if (child.stdout === null) return reject(new Error('no stdout'));
    createInterface({ input: child.stdout }).once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`emulator exited ${String(code)}`)));
  });
  return { url, child };
}

async function admin<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** `bytes` of deterministic pseudo-random content (AES-CTR keystream), in 1 MiB chunks. */
function generated(bytes: number): ReadableStream<Uint8Array> {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const zero = Buffer.alloc(MiB);
  let left = bytes;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left === 0) {
        controller.close();
        return;
      }
      const n = Math.min(MiB, left);
      left -= n;
      controller.enqueue(new Uint8Array(cipher.update(zero.subarray(0, n))));
    },
  });
}

async function digestOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk);
  return `sha256:${h.digest('hex')}`;
}

/** Pushes an image with one generated layer into `repo` of `target`, streaming the layer. */
async function seedImage(clients: RegistryClients, target: RegistryTarget, repo: string, bytes: number): Promise<void> {
  const client = await clients.for(target);
  const layerDigest = await digestOf(generated(bytes));
  const scopes = [`repository:${repo}:pull,push`];
  const push = async (body: ReadableStream<Uint8Array> | Uint8Array, digest: string, size: number): Promise<void> => {
    const start = await client.send('POST', `/v2/${repo}/blobs/uploads/`, { op: 'upload.start', scopes });
    await start.arrayBuffer();
    const url = new URL(client.url(start.headers.get('location') ?? ''));
    url.searchParams.set('digest', digest);
    const put = await client.send('PUT', url.toString(), { op: 'upload.put', scopes, headers: { 'content-length': String(size) }, body });
    if (put.status !== 201) throw new Error(`seeding blob: HTTP ${put.status} ${await put.text()}`);
  };
  await push(generated(bytes), layerDigest, bytes);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDigest] } }));
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  await push(config, configDigest, config.length);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: configDigest },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: bytes, digest: layerDigest }],
    }),
  );
  const put = await client.send('PUT', `/v2/${repo}/manifests/v1`, { op: 'manifest.put', scopes, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: manifest });
  if (put.status !== 201) throw new Error(`seeding manifest: HTTP ${put.status} ${await put.text()}`);
}

async function measure(label: string, run: () => Promise<{ bytesMoved: number }>, blobBytes: number): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  let peakBuffers = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
    if (process.env['BENCH_GC'] === '1') (globalThis as { gc?: () => void }).gc?.();
  }, 5);
  const t0 = performance.now();
  const r = await run();
  const secs = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (n: number): string => (n / MiB).toFixed(1);
  process.stdout.write(
    `${label}: ${mb(r.bytesMoved)} MiB moved in ${secs.toFixed(2)} s = ${(r.bytesMoved / MiB / secs).toFixed(1)} MiB/s; ` +
      `RSS ${mb(base)} → peak ${mb(peak)} MiB (growth ${mb(peak - base)} MiB = ${(((peak - base) / blobBytes) * 100).toFixed(1)}% of the blob; peak ArrayBuffers ${mb(peakBuffers)} MiB)\n`,
  );
}

interface Job {
  readonly url: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly bytes: number;
  readonly chunkBytes: number | undefined;
  readonly to: string;
}

const HZ: RegistryTarget = { kind: 'pe', account: 'me', region: 'cn-hangzhou' };
const BJ: RegistryTarget = { kind: 'pe', account: 'me', region: 'cn-beijing' };

function session(job: Pick<Job, 'url' | 'accessKeyId' | 'accessKeySecret'>): CloudSession {
  return new CloudSession({
    accounts: { me: { uid: UID, credentials: { kind: 'static', accessKeyId: job.accessKeyId, accessKeySecret: job.accessKeySecret } } },
    endpoints: emulatorEndpoints(job.url),
  });
}

/** The measured part, in a fresh process so seeding leaves nothing in its heap. */
async function measureChild(job: Job): Promise<void> {
  const cloud = session(job);
  const label = job.chunkBytes === undefined ? 'streamed PUT' : `PATCH chunks of ${job.chunkBytes / MiB} MiB`;
  const copier = new ImageCopier(registryClients(cloud), job.chunkBytes !== undefined ? { chunkBytes: job.chunkBytes } : {});
  await measure(label, () => copier.copy({ target: HZ, image: { repo: 'bench/big', reference: 'v1' } }, { target: BJ, repo: job.to, tag: 'v1' }, { overwrite: false }), job.bytes);
  await cloud.close();
}

function runChild(job: Job): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  // The job (with the emulator's keys) goes through the environment, never the command line.
  const child = spawn(process.execPath, ['--expose-gc', self, '--child'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ACRCTL_BENCH_JOB: JSON.stringify(job) } });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`measurement exited ${String(code)}`)))));
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) return measureChild(JSON.parse(process.env['ACRCTL_BENCH_JOB'] ?? '{}') as Job);
  const { mb } = parseArgs(process.argv.slice(2));
  const bytes = Math.round(mb * MiB);
  const dir = await mkdtemp(join(tmpdir(), 'acrctl-bench-registry-'));
  const { url, child } = await serveChild(join(dir, 'emulator.json'));
  try {
    const keys = await admin<{ accessKeyId: string; accessKeySecret: string }>(url, 'POST', '/_emulator/accounts', { uid: UID });
    for (const region of ['cn-hangzhou', 'cn-beijing']) {
      await admin(url, 'POST', '/_emulator/crpe/estates', { uid: UID, region, namespaces: [{ name: 'bench', autoCreate: true }] });
    }
    const cloud = session({ url, ...keys });
    process.stdout.write(`emulator ${url} (child process, blobs on disk); seeding a ${mb} MiB layer…\n`);
    await seedImage(registryClients(cloud), HZ, 'bench/big', bytes);
    await cloud.close();
    await runChild({ url, ...keys, bytes, chunkBytes: undefined, to: 'bench/big-put' });
    await runChild({ url, ...keys, bytes, chunkBytes: 16 * MiB, to: 'bench/big-patch' });
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
