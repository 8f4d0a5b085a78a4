/**
 * Seeded faults on the registries' data plane (docs/emulator.md, "Registry faults"): the
 * pseudo-product `registry` with its operations, each outcome in distribution-spec terms,
 * determinism by seed, per-operation rules, what the global rule does and does not reach, drops
 * before and after the handler (after: the upload or manifest is committed), keep-alive after a
 * refused upload body, and the call log entries registry requests leave.
 */
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallLogEntry } from '../../../src/emulator/core/calllog.js';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { FaultInjector, parseFaultConfig, REGISTRY_OPERATIONS, type FaultOutcome } from '../../../src/emulator/core/faults.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { buyInstance, type Clock } from '../cr/setup.js';
import { createNamespace, eeLogin, listTags, makeImage, RegistryClient, registryOf, sha, type Creds } from './client.js';

const REGION = 'cn-hangzhou';
const UID = '2222333344445555';

let t: TestEmulator;
let keys: AccountKeys;
let inst: string;
let host: string;
let creds: Creds;
const slept: number[] = [];

beforeAll(async () => {
  const clock: Clock = {
    now: Date.UTC(2026, 10, 22, 12, 0, 0),
    advance(ms) {
      this.now += ms;
    },
  };
  t = await startTestEmulator({ now: () => clock.now, sleep: async (ms) => void slept.push(ms) });
  keys = await t.account(UID);
  inst = await buyInstance(t, clock, keys, REGION, 'acme-hz');
  await createNamespace(t, keys, REGION, inst, 'team-a', true, 'PRIVATE');
  host = await registryOf(t, `instance=${inst}`);
  creds = await eeLogin(t, keys, REGION, inst);
});
afterAll(async () => t.close());
beforeEach(async () => {
  expect((await t.admin('DELETE', '/_emulator/faults')).status).toBe(200);
  slept.length = 0;
});

async function faults(body: unknown): Promise<void> {
  const r = await t.admin<{ error?: string }>('PUT', '/_emulator/faults', body);
  expect(r.status, r.body.error).toBe(200);
}

/** Sequence number of the newest call-log entry (entries after it are this test's). */
async function lastSeq(): Promise<number> {
  const r = await t.admin<CallLogEntry[]>('GET', '/_emulator/calls');
  return r.body.at(-1)?.seq ?? 0;
}

async function registryCalls(since: number): Promise<CallLogEntry[]> {
  return (await t.admin<CallLogEntry[]>('GET', `/_emulator/calls?since=${since}`)).body.filter((c) => c.product === 'registry');
}

async function errorCode(r: Response): Promise<string | undefined> {
  const body = (await r.json()) as { errors?: { code: string }[] };
  return body.errors?.[0]?.code;
}

/** The fault a fresh injector with `config` picks for the next `n` calls of `operation`. */
function expected(config: unknown, operation: string, n: number): FaultOutcome['kind'][] {
  const f = new FaultInjector(parseFaultConfig(config, 1));
  return Array.from({ length: n }, () => f.decide('registry', operation).outcome.kind);
}

/** The status each fault kind gives an unauthenticated `GET /v2/` (401 when none). */
const PING_STATUS: Record<FaultOutcome['kind'], number> = { none: 401, throttle: 429, unavailable: 503, internal: 500, error: 403, drop: 0 };

async function pings(n: number, between?: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`http://${host}/v2/`);
    await r.arrayBuffer();
    out.push(r.status);
    if (between !== undefined) await between();
  }
  return out;
}

/** One request over node:http; resolves to the answer, or `dropped` when the connection was destroyed. */
function raw(
  method: string,
  path: string,
  opts: { body?: Buffer; agent?: Agent; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string; reused: boolean } | 'dropped'> {
  return new Promise((resolve, reject) => {
    const [hostname, port] = host.split(':') as [string, string];
    const req = httpRequest({ hostname, port: Number(port), method, path, agent: opts.agent ?? false, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reused: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve('dropped') : reject(err)));
    req.end(opts.body);
  });
}

describe('configuration', () => {
  it('accepts products.registry, registry:<operation> and rateLimits.registry, and names a mistyped operation', () => {
    const cfg = parseFaultConfig({ products: { registry: { unavailableRate: 0.2 } }, actions: { 'registry:GetBlob': { dropRate: 0.1, dropPhase: 'after' } }, rateLimits: { registry: 50 } }, 1);
    expect(cfg.products.registry).toEqual({ unavailableRate: 0.2 });
    expect(cfg.actions['registry:GetBlob']).toEqual({ dropRate: 0.1, dropPhase: 'after' });
    expect(cfg.rateLimits.registry).toBe(50);
    expect(() => parseFaultConfig({ actions: { 'registry:GetBlobs': { dropRate: 1 } } }, 1)).toThrow(/actions\.registry:GetBlobs: unknown registry operation GetBlobs \(one of Ping, GetToken/);
    expect(() => parseFaultConfig({ products: { registri: {} } }, 1)).toThrow(/unknown product registri \(one of .*registry\)/);
    for (const op of REGISTRY_OPERATIONS) expect(() => parseFaultConfig({ actions: { [`registry:${op}`]: { throttleRate: 1 } } }, 1)).not.toThrow();
  });

  it('answers a bad registry rule over the admin API with 400 and keeps the previous configuration', async () => {
    await faults({ products: { registry: { latencyMs: 4 } } });
    const bad = await t.admin<{ error: string }>('PUT', '/_emulator/faults', { actions: { 'registry:Nope': {} } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/unknown registry operation Nope/);
    expect((await t.admin<{ products: unknown }>('GET', '/_emulator/faults')).body.products).toEqual({ registry: { latencyMs: 4 } });
  });
});

describe('outcomes in distribution terms', () => {
  it('throttle: 429 TOOMANYREQUESTS with Retry-After in seconds', async () => {
    await faults({ actions: { 'registry:Ping': { throttleRate: 1, retryAfter: 3 } } });
    const r = await fetch(`http://${host}/v2/`);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(r.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await errorCode(r)).toBe('TOOMANYREQUESTS');
  });

  it('unavailable: 503 UNAVAILABLE; internal: 500 UNKNOWN; a HEAD gets the status without a body', async () => {
    await faults({ actions: { 'registry:Ping': { unavailableRate: 1 }, 'registry:HeadBlob': { internalErrorRate: 1 }, 'registry:GetBlob': { internalErrorRate: 1 } } });
    const a = await fetch(`http://${host}/v2/`);
    expect([a.status, await errorCode(a)]).toEqual([503, 'UNAVAILABLE']);
    const b = await fetch(`http://${host}/v2/team-a/x/blobs/${sha('x')}`, { method: 'HEAD' });
    expect(b.status).toBe(500);
    expect(await b.text()).toBe('');
    const c = await fetch(`http://${host}/v2/team-a/x/blobs/${sha('x')}`);
    expect([c.status, await errorCode(c)]).toEqual([500, 'UNKNOWN']);
  });

  it('error: DENIED at errorStatus (default 403); an explicit errorCode and status are kept', async () => {
    await faults({ actions: { 'registry:Ping': { errorRate: 1 }, 'registry:ListTags': { errorRate: 1, errorCode: 'NAME_UNKNOWN', errorStatus: 404 } } });
    const a = await fetch(`http://${host}/v2/`);
    expect([a.status, await errorCode(a)]).toEqual([403, 'DENIED']);
    const b = await fetch(`http://${host}/v2/team-a/x/tags/list`);
    expect([b.status, await errorCode(b)]).toEqual([404, 'NAME_UNKNOWN']);
  });

  it('rate limit (rateLimits.registry): 429 TOOMANYREQUESTS with the rule’s Retry-After once the bucket is empty', async () => {
    // 0.001 calls per second: a burst of one, refilled only after 1000 s, so the second call is refused whatever the machine's speed.
    await faults({ products: { registry: { retryAfter: 2 } }, rateLimits: { registry: 0.001 } });
    const first = await fetch(`http://${host}/v2/`);
    expect(first.status).toBe(401);
    await first.arrayBuffer();
    const second = await fetch(`http://${host}/v2/team-a/x/tags/list`);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('2');
    expect(await errorCode(second)).toBe('TOOMANYREQUESTS');
  });

  it('drains a refused upload body so the keep-alive connection serves the next request', async () => {
    await faults({ actions: { 'registry:PatchUpload': { unavailableRate: 1 } } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = Buffer.alloc(2 * 1024 * 1024, 7);
      const refused = await raw('PATCH', '/v2/team-a/x/blobs/uploads/some-upload', { agent, body, headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) } });
      if (refused === 'dropped') throw new Error('the refused PATCH lost its connection');
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });
      const next = await raw('GET', '/v2/', { agent });
      if (next === 'dropped') throw new Error('the keep-alive connection was lost');
      expect(next.status).toBe(401);
      expect(next.reused, 'the second request went over the same connection').toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('drop before: the connection is destroyed unanswered and nothing is committed', async () => {
    const c = new RegistryClient(host, creds);
    const blob = Buffer.from('dropped before the handler');
    // A token with push scope first, so the faulted PUT is the authorised one.
    expect((await c.pushBlobMonolithic('team-a/drop', Buffer.from('warm-up'))).status).toBe(201);
    await faults({ actions: { 'registry:PutUpload': { dropRate: 1 } } });
    const since = await lastSeq();
    await expect(c.pushBlobChunked('team-a/drop', [blob])).rejects.toThrow();
    await t.admin('DELETE', '/_emulator/faults');
    expect(await c.blobExists('team-a/drop', sha(blob))).toBe(false);
    const puts = (await registryCalls(since)).filter((e) => e.action === 'PutUpload');
    expect(puts).toEqual([expect.objectContaining({ status: 0, code: 'Emulator.DroppedBeforeApply', mutating: true })]);
  });

  it('drop after: a blob upload is committed, then the connection is destroyed before the answer', async () => {
    const c = new RegistryClient(host, creds);
    const chunks = [Buffer.alloc(30_000, 1), Buffer.alloc(20_000, 2)];
    const digest = sha(Buffer.concat(chunks));
    expect((await c.pushBlobMonolithic('team-a/after', Buffer.from('warm-up'))).status).toBe(201);
    await faults({ actions: { 'registry:PutUpload': { dropRate: 1, dropPhase: 'after' } } });
    const since = await lastSeq();
    await expect(c.pushBlobChunked('team-a/after', chunks)).rejects.toThrow();
    const log = await registryCalls(since);
    await t.admin('DELETE', '/_emulator/faults');
    expect(await c.blobExists('team-a/after', digest)).toBe(true);
    const got = await c.getBlob('team-a/after', digest);
    expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.concat(chunks))).toBe(true);
    expect(log.map((e) => `${e.action} ${e.status}`)).toEqual(['StartUpload 202', 'PatchUpload 202', 'PatchUpload 202', 'PutUpload 0']);
    expect(log.at(-1)).toMatchObject({ code: 'Emulator.DroppedAfterApply', mutating: true, repository: 'team-a/after' });
  });

  it('drop after: a manifest PUT is committed (the tag shows in ListRepoTag), the client sees a broken connection', async () => {
    const c = new RegistryClient(host, creds);
    const img = makeImage('drop-after-manifest');
    for (const b of [img.config, ...img.layers]) expect((await c.pushBlobMonolithic('team-a/m', b)).status).toBe(201);
    await faults({ actions: { 'registry:PutManifest': { dropRate: 1, dropPhase: 'after' } } });
    await expect(c.putManifest('team-a/m', 'v1', img.manifest, img.mediaType)).rejects.toThrow();
    await t.admin('DELETE', '/_emulator/faults');
    const back = await c.getManifest('team-a/m', 'v1');
    expect(back.status).toBe(200);
    expect(back.headers.get('docker-content-digest')).toBe(img.digest);
    expect(Buffer.from(await back.arrayBuffer()).equals(img.manifest)).toBe(true);
    expect((await listTags(t, keys, REGION, inst, 'team-a', 'm')).map((x) => [x.Tag, x.Digest])).toEqual([['v1', img.digest.slice('sha256:'.length)]]);
  });

  it('drop after on a read: nothing to commit, the answer is never written', async () => {
    await faults({ actions: { 'registry:Ping': { dropRate: 1, dropPhase: 'after' } } });
    const since = await lastSeq();
    expect(await raw('GET', '/v2/')).toBe('dropped');
    expect(await registryCalls(since)).toEqual([expect.objectContaining({ action: 'Ping', status: 0, code: 'Emulator.DroppedAfterApply', mutating: false })]);
  });
});

describe('seeded streams', () => {
  const config = { seed: 11, products: { registry: { throttleRate: 0.2, unavailableRate: 0.3, internalErrorRate: 0.1 } } };

  it('gives the same outcomes for the same seed, the ones the injector’s registry:Ping stream picks', async () => {
    const want = expected(config, 'Ping', 40).map((k) => PING_STATUS[k]);
    expect(new Set(want), 'the seed must exercise every outcome of the rule').toEqual(new Set([401, 429, 503, 500]));
    await faults(config);
    expect(await pings(40)).toEqual(want);
    await faults(config);
    expect(await pings(40), 'PUT /_emulator/faults restarts the streams').toEqual(want);
    await faults({ ...config, seed: 12 });
    expect(await pings(40)).not.toEqual(want);
  });

  it('keeps an operation’s outcomes independent of other operations’ requests in between', async () => {
    const want = expected(config, 'Ping', 20).map((k) => PING_STATUS[k]);
    await faults(config);
    const interleaved = await pings(20, async () => {
      const r = await fetch(`http://${host}/v2/team-a/x/blobs/${sha('y')}`, { method: 'HEAD' });
      await r.arrayBuffer();
      const s = await fetch(`http://${host}/v2/team-a/x/tags/list`);
      await s.arrayBuffer();
    });
    expect(interleaved).toEqual(want);
  });
});

describe('which rules reach registry requests', () => {
  it('an operation rule overrides the registry product rule field by field', async () => {
    await faults({ products: { registry: { unavailableRate: 1, latencyMs: 5 } }, actions: { 'registry:Ping': { unavailableRate: 0 } } });
    const ping = await fetch(`http://${host}/v2/`);
    expect(ping.status).toBe(401);
    const tags = await fetch(`http://${host}/v2/team-a/x/tags/list`);
    expect([tags.status, await errorCode(tags)]).toEqual([503, 'UNAVAILABLE']);
    expect(slept).toEqual([5, 5]);
  });

  it('global rates stay on the API (registries take only the global latency); the registry rule’s latency wins over it', async () => {
    await faults({ global: { unavailableRate: 1, latencyMs: 7 } });
    const ping = await fetch(`http://${host}/v2/`);
    expect(ping.status).toBe(401);
    expect(slept).toEqual([7]);
    await expect(t.callRpc('cr', REGION, 'ListInstance', {}, keys)).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    slept.length = 0;
    await faults({ global: { latencyMs: 7 }, products: { registry: { latencyMs: 3 } } });
    await (await fetch(`http://${host}/v2/`)).arrayBuffer();
    expect(slept).toEqual([3]);
  });

  it('a registry rule does not reach the API', async () => {
    await faults({ products: { registry: { unavailableRate: 1 } }, rateLimits: { registry: 0.001 } });
    const body = await t.callRpc('cr', REGION, 'ListInstance', {}, keys);
    expect(body['Instances']).toHaveLength(1);
  });
});

describe('call log', () => {
  it('notes every registry request with its operation, status, account, registry, region and repository', async () => {
    const c = new RegistryClient(host, creds);
    const img = makeImage('logged', { layers: 1, layerBytes: 3 * 1024 * 1024 });
    const since = await lastSeq();
    for (const b of [img.config, ...img.layers]) expect((await c.pushBlobMonolithic('team-a/log', b)).status).toBe(201);
    expect((await c.putManifest('team-a/log', 'v1', img.manifest, img.mediaType)).status).toBe(201);
    const layer = await c.getBlob('team-a/log', sha(img.layers[0] as Buffer));
    expect((await layer.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024);
    const log = await registryCalls(since);
    expect(log.map((e) => `${e.action} ${e.status} ${e.code ?? '-'}`)).toEqual([
      'StartUpload 401 UNAUTHORIZED',
      'GetToken 200 -',
      'StartUpload 201 -',
      'StartUpload 201 -',
      'PutManifest 201 -',
      'GetBlob 401 UNAUTHORIZED',
      'GetToken 200 -',
      'GetBlob 200 -',
    ]);
    const where = { product: 'registry', region: REGION, registry: `ee:${inst}` };
    expect(log[0]).toEqual({ seq: expect.any(Number), ...where, action: 'StartUpload', accountUid: '', repository: 'team-a/log', mutating: true, status: 401, code: 'UNAUTHORIZED' });
    expect(log[1]).toEqual({ seq: expect.any(Number), ...where, action: 'GetToken', accountUid: UID, mutating: false, status: 200, code: null });
    expect(log[4]).toMatchObject({ ...where, action: 'PutManifest', accountUid: UID, repository: 'team-a/log', mutating: true });
    expect(log[7]).toMatchObject({ ...where, action: 'GetBlob', accountUid: UID, mutating: false });
    // Secrets never reach the log.
    expect(JSON.stringify(log)).not.toContain(creds.password);
  });

  it('notes injected refusals with their distribution code, and the Personal Edition registry with its region', async () => {
    const pe = await registryOf(t, `personal=${REGION}`);
    await faults({ actions: { 'registry:Ping': { throttleRate: 1 } } });
    const since = await lastSeq();
    await (await fetch(`http://${host}/v2/`)).arrayBuffer();
    await (await fetch(`http://${pe}/v2/`)).arrayBuffer();
    expect(await registryCalls(since)).toEqual([
      expect.objectContaining({ action: 'Ping', status: 429, code: 'TOOMANYREQUESTS', registry: `ee:${inst}`, region: REGION }),
      expect.objectContaining({ action: 'Ping', status: 429, code: 'TOOMANYREQUESTS', registry: `pe:${REGION}`, region: REGION }),
    ]);
  });

  it('notes a request no operation matches as Unsupported', async () => {
    const since = await lastSeq();
    const r = await fetch(`http://${host}/v2/team-a/x/blobs/${sha('z')}`, { method: 'DELETE' });
    expect(r.status).toBe(405);
    expect(await registryCalls(since)).toEqual([expect.objectContaining({ action: 'Unsupported', status: 405, code: 'UNSUPPORTED', repository: 'team-a/x' })]);
  });

  it('answers a malformed percent-encoding with NAME_INVALID (the operation is decided before the handler, so it must not throw)', async () => {
    const since = await lastSeq();
    const r = await fetch(`http://${host}/v2/team-a/%E0%A4%A/tags/list`);
    expect([r.status, await errorCode(r)]).toEqual([400, 'NAME_INVALID']);
    expect((await fetch(`http://${host}/v2/`)).status).toBe(401);
    expect((await registryCalls(since)).map((e) => `${e.action} ${e.status}`)).toEqual(['Unsupported 400', 'Ping 401']);
  });
});
