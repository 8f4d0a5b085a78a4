/**
 * The copy engine under faults, with a fault-injecting proxy in front of the emulated source and
 * target registries: 5xx and 429 answers, reset connections in the middle of an upload or a
 * download, corrupt source bytes (digest mismatch: the upload is never committed), a refused token,
 * a schema 1 image, and non-retryable refusals. Backoff sleeps are recorded, not waited.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImageCopier, type ImageCopierOptions } from '../../src/registry/copy.js';
import { RegistryError } from '../../src/registry/errors.js';
import { registryClients, type RegistryClients } from '../../src/registry/session.js';
import { makeImage, makeIndex, registryOf, type TestImage } from '../emulator/registry/client.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from './proxy.js';
import { blobsMatch, pushImage, readManifest, sha, startEstate, type Estate } from './setup.js';

let e: Estate;
let src: FaultProxy;
let dst: FaultProxy;

beforeAll(async () => {
  e = await startEstate();
  src = await startFaultProxy(await registryOf(e.t, `personal=${e.pe.region}`));
  dst = await startFaultProxy(await registryOf(e.t, `instance=${(e.hz as { instanceId: string }).instanceId}`));
});
afterAll(async () => {
  await src.close();
  await dst.close();
  await e.close();
});
afterEach(() => {
  src.rule = () => undefined;
  dst.rule = () => undefined;
});

function setup(opts: Partial<ImageCopierOptions> = {}): { clients: RegistryClients; copier: ImageCopier; sleeps: number[] } {
  const clients = registryClients(e.cloud, { resolve: (t) => Promise.resolve({ base: t.kind === 'pe' ? src.base : dst.base }) });
  const sleeps: number[] = [];
  const copier = new ImageCopier(clients, {
    retry: { maxAttempts: 4 },
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...opts,
  });
  return { clients, copier, sleeps };
}

let seq = 0;
async function seed(layerBytes = 5000): Promise<{ img: TestImage; repo: string }> {
  seq++;
  const img = makeImage(`fault-${seq}`, { layers: 2, layerBytes });
  await pushImage(await e.client(e.pe), `legacy/f${seq}`, img, 'v1');
  return { img, repo: `legacy/f${seq}` };
}

function copy(copier: ImageCopier, repo: string, to: string): ReturnType<ImageCopier['copy']> {
  return copier.copy({ target: e.pe, image: { repo, reference: 'v1' } }, { target: e.hz, repo: to, tag: 'v1' }, { overwrite: false });
}

/** A rule answering the first `times` requests that match with `fault`. */
function first(times: number, match: (m: string, p: string) => boolean, fault: ReturnType<FaultRule>): FaultRule {
  let left = times;
  return ({ method, path }) => {
    if (left > 0 && match(method, path)) {
      left--;
      return fault;
    }
    return undefined;
  };
}

const isUploadPut = (m: string, p: string): boolean => m === 'PUT' && p.includes('/blobs/uploads/');
const isBlobGet = (m: string, p: string): boolean => m === 'GET' && /\/blobs\/sha256:/.test(p);

describe('retries', () => {
  it('retries 503 on an upload and 429 on a HEAD, honouring Retry-After', async () => {
    const { img, repo } = await seed();
    const { clients, copier, sleeps } = setup();
    let headDone = false;
    const once = first(1, isUploadPut, { kind: 'status', status: 503 });
    dst.rule = (r) => {
      if (!headDone && r.method === 'HEAD' && r.path.includes('/blobs/')) {
        headDone = true;
        return { kind: 'status', status: 429, headers: { 'retry-after': '2' }, code: 'TOOMANYREQUESTS' };
      }
      return once(r);
    };
    const r = await copy(copier, repo, 'team-a/r1');
    expect(r.outcome).toBe('copied');
    expect(dst.injected).toEqual(expect.arrayContaining([expect.stringMatching(/^status HEAD /), expect.stringMatching(/^status PUT .*\/blobs\/uploads\//)]));
    expect(clients.requests.snapshot().retries).toBe(2);
    expect(sleeps.some((ms) => ms >= 2000)).toBe(true);
    expect(await blobsMatch(await e.client(e.hz), 'team-a/r1', img)).toBe(true);
  });

  it('redoes a blob transfer whose upload session the registry no longer knows (BLOB_UPLOAD_UNKNOWN)', async () => {
    const { img, repo } = await seed();
    const { clients, copier } = setup();
    dst.rule = first(1, isUploadPut, { kind: 'status', status: 404, code: 'BLOB_UPLOAD_UNKNOWN' });
    const before = dst.injected.length;
    const r = await copy(copier, repo, 'team-a/r7');
    expect(r.outcome).toBe('copied');
    expect(dst.injected.slice(before)).toEqual([expect.stringMatching(/^status PUT .*\/blobs\/uploads\//)]);
    expect(clients.requests.snapshot().retries).toBe(1);
    expect(await blobsMatch(await e.client(e.hz), 'team-a/r7', img)).toBe(true);
  });

  it('redoes a blob transfer whose upload connection was reset mid-body', async () => {
    const { img, repo } = await seed(40_000);
    const { clients, copier } = setup();
    const layer = encodeURIComponent(sha(img.layers[0] as Buffer));
    dst.rule = first(1, (m, p) => isUploadPut(m, p) && p.includes(layer), { kind: 'reset-request-body', afterBytes: 10_000 });
    const r = await copy(copier, repo, 'team-a/r2');
    expect(dst.injected.at(-1)).toMatch(/^reset-request-body PUT /);
    expect(r.outcome).toBe('copied');
    expect(clients.requests.snapshot().retries).toBe(1);
    expect(await blobsMatch(await e.client(e.hz), 'team-a/r2', img)).toBe(true);
  });

  it('redoes a blob transfer whose download was cut mid-body, and a connection reset before any answer', async () => {
    const { img, repo } = await seed(40_000);
    const { clients, copier } = setup();
    src.rule = first(1, isBlobGet, { kind: 'reset-response-body', afterBytes: 8_000 });
    dst.rule = first(1, (m, p) => m === 'POST' && p.includes('/blobs/uploads/'), { kind: 'reset' });
    const r = await copy(copier, repo, 'team-a/r3');
    expect(r.outcome).toBe('copied');
    expect(clients.requests.snapshot().retries).toBe(2);
    expect(await blobsMatch(await e.client(e.hz), 'team-a/r3', img)).toBe(true);
  });

  it('redoes a blob transfer whose download went silent, once the idle timeout passes', async () => {
    const { img, repo } = await seed(40_000);
    const clients = registryClients(e.cloud, { idleTimeoutMs: 300, resolve: (t) => Promise.resolve({ base: t.kind === 'pe' ? src.base : dst.base }) });
    const copier = new ImageCopier(clients, { retry: { maxAttempts: 3 }, sleep: () => Promise.resolve() });
    const layer = sha(img.layers[1] as Buffer);
    src.rule = first(1, (m, p) => isBlobGet(m, p) && p.endsWith(layer), { kind: 'stall-response-body', afterBytes: 5_000 });
    const r = await copy(copier, repo, 'team-a/r6');
    expect(r.outcome).toBe('copied');
    expect(src.injected.at(-1)).toMatch(/^stall-response-body GET /);
    expect(clients.requests.snapshot().retries).toBe(1);
    expect(await blobsMatch(await e.client(e.hz), 'team-a/r6', img)).toBe(true);
  });

  it('gives up after maxAttempts on a persistent 500 with a clear, retryable-class error', async () => {
    const { repo } = await seed();
    const { clients, copier } = setup();
    dst.rule = ({ method, path }) => (method === 'PUT' && path.includes('/manifests/') ? { kind: 'status', status: 500, code: 'UNKNOWN' } : undefined);
    const err = await copy(copier, repo, 'team-a/r4').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('registry.unavailable');
    expect((err as RegistryError).message).toMatch(/HTTP 500 UNKNOWN/);
    expect(dst.log.filter((l) => l.startsWith('PUT /v2/team-a/r4/manifests/'))).toHaveLength(4);
    expect(clients.requests.snapshot().retries).toBe(3);
  });

  it('does not retry a refusal (403 DENIED) and leaves the target without the tag', async () => {
    const { repo } = await seed();
    const { clients, copier } = setup();
    dst.rule = ({ method, path }) => (method === 'POST' && path.includes('/blobs/uploads/') ? { kind: 'status', status: 403, code: 'DENIED' } : undefined);
    const err = await copy(copier, repo, 'team-a/r5').catch((x: unknown) => x);
    expect((err as RegistryError).code).toBe('registry.http');
    expect((err as RegistryError).message).toMatch(/HTTP 403 DENIED/);
    expect(clients.requests.snapshot().retries).toBe(0);
    expect((await readManifest(await e.client(e.hz), 'team-a/r5', 'v1')).status).toBe(404);
  });
});

describe('cancellation', () => {
  it('stops waiting out a backoff when the run is cancelled', async () => {
    const { repo } = await seed();
    const ac = new AbortController();
    const clients = registryClients(e.cloud, { resolve: (t) => Promise.resolve({ base: t.kind === 'pe' ? src.base : dst.base }) });
    // The default sleep: a real timer that the signal cuts short.
    const copier = new ImageCopier(clients, { signal: ac.signal, retry: { maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    dst.rule = ({ method, path }) => {
      if (isUploadPut(method, path)) {
        setTimeout(() => ac.abort(), 20);
        return { kind: 'status', status: 503 };
      }
      return undefined;
    };
    const err = await copy(copier, repo, 'team-a/c1').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('registry.aborted');
  });
});

describe('digest verification while streaming', () => {
  it('detects corrupt source bytes, never commits the upload, and writes no manifest', async () => {
    const { img, repo } = await seed(20_000);
    const { copier } = setup({ retry: { maxAttempts: 2 } });
    const bad = sha(img.layers[1] as Buffer);
    src.rule = ({ method, path }) => (method === 'GET' && path.endsWith(bad) ? { kind: 'corrupt-response-body' } : undefined);
    const err = await copy(copier, repo, 'team-a/d1').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('registry.digest');
    expect((err as RegistryError).message).toContain(bad);
    const hz = await e.client(e.hz);
    expect(await hz.blobExists('team-a/d1', bad)).toBe(false);
    expect((await readManifest(hz, 'team-a/d1', 'v1')).status).toBe(404);
    // Each abandoned upload session was cancelled.
    expect(dst.log.filter((l) => l.startsWith('DELETE /v2/team-a/d1/blobs/uploads/')).length).toBeGreaterThanOrEqual(1);
  });

  it('detects corrupt bytes in a chunked upload before the final PUT', async () => {
    const { img, repo } = await seed(20_000);
    const { clients, copier } = setup({ retry: { maxAttempts: 1 }, chunkBytes: 4096 });
    const bad = sha(img.layers[0] as Buffer);
    src.rule = ({ method, path }) => (method === 'GET' && path.endsWith(bad) ? { kind: 'corrupt-response-body' } : undefined);
    const err = await copy(copier, repo, 'team-a/d2').catch((x: unknown) => x);
    expect((err as RegistryError).code).toBe('registry.digest');
    expect(clients.requests.snapshot().byOperation['upload.patch']).toBeGreaterThan(0);
    expect(dst.log.some((l) => l.startsWith('PUT ') && l.includes(`digest=${encodeURIComponent(bad)}`))).toBe(false);
    expect(await (await e.client(e.hz)).blobExists('team-a/d2', bad)).toBe(false);
  });

  it('uploads big blobs in PATCH chunks and the result is byte for byte', async () => {
    const { img, repo } = await seed(20_000);
    const { clients, copier } = setup({ chunkBytes: 4096 });
    const r = await copy(copier, repo, 'team-a/d3');
    expect(r.outcome).toBe('copied');
    // Two 20 000-byte layers in 4096-byte chunks: 5 PATCHes each; the config fits one PUT.
    expect(clients.requests.snapshot().byOperation['upload.patch']).toBe(10);
    expect(await blobsMatch(await e.client(e.hz), 'team-a/d3', img)).toBe(true);
  });
});

describe('tokens', () => {
  it('runs the token step again after a 401 insufficient_scope on a manifest and on an upload', async () => {
    const { img, repo } = await seed();
    const { clients, copier } = setup();
    const challenge = `Bearer realm="http://${await registryOf(e.t, `instance=${(e.hz as { instanceId: string }).instanceId}`)}/auth",service="acme-hz-registry.cn-hangzhou.cr.aliyuncs.com",scope="repository:team-a/t1:pull,push",error="insufficient_scope"`;
    const manifest401 = first(1, (m, p) => m === 'PUT' && p.includes('/manifests/'), { kind: 'status', status: 401, code: 'UNAUTHORIZED', headers: { 'www-authenticate': challenge } });
    const upload401 = first(1, isUploadPut, { kind: 'status', status: 401, code: 'UNAUTHORIZED', headers: { 'www-authenticate': challenge } });
    dst.rule = (r) => manifest401(r) ?? upload401(r);
    const before = dst.injected.length;
    const r = await copy(copier, repo, 'team-a/t1');
    expect(r.outcome).toBe('copied');
    expect(dst.injected.slice(before)).toHaveLength(2);
    // First token for the push scope, then one per refusal.
    const tokens = clients.requests.snapshot().byOperation['token'] ?? 0;
    expect(tokens).toBeGreaterThanOrEqual(4);
    expect(await blobsMatch(await e.client(e.hz), 'team-a/t1', img)).toBe(true);
  });

  it('refuses a Docker schema 1 image with a reason a migration report can show', async () => {
    const { repo } = await seed();
    const { copier } = setup();
    const schema1 = JSON.stringify({ schemaVersion: 1, name: repo, tag: 'v1', architecture: 'amd64', fsLayers: [], history: [], signatures: [] });
    src.rule = ({ method, path }) =>
      method === 'GET' && path.includes('/manifests/')
        ? { kind: 'answer', status: 200, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }, body: schema1 }
        : undefined;
    const err = await copy(copier, repo, 'team-a/s1').catch((x: unknown) => x);
    expect((err as RegistryError).code).toBe('registry.schema1');
    expect((err as RegistryError).message).toBe(`${repo}:v1 is a Docker schema 1 manifest, which acrctl does not copy`);
    expect((err as RegistryError).hint).toMatch(/skopeo copy --format v2s2/);
    expect(dst.log.some((l) => l.includes('/team-a/s1/'))).toBe(false);
  });
});

describe('incomplete sources', () => {
  it('names the missing child of an index instead of calling the image absent', async () => {
    const pe = await e.client(e.pe);
    const kids = [makeImage('gone-amd', { oci: true }), makeImage('gone-arm', { oci: true })];
    for (const k of kids) await pushImage(pe, 'legacy/gone', k, `k-${k.digest.slice(7, 15)}`);
    const index = makeIndex(kids, true);
    expect((await pe.putManifest('legacy/gone', 'v1', index.bytes, index.mediaType)).status).toBe(201);
    const missing = kids[1]?.digest ?? '';
    src.rule = ({ method, path }) => (method === 'GET' && path.endsWith(`/manifests/${missing}`) ? { kind: 'status', status: 404, code: 'MANIFEST_UNKNOWN' } : undefined);
    const { copier } = setup();
    const err = await copy(copier, 'legacy/gone', 'team-a/gone').catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'registry.manifest', message: `the index legacy/gone:v1 lists ${missing}, which Personal Edition registry cn-hangzhou of prod does not have` });
    await expect(copier.inspect(e.pe, { repo: 'legacy/gone', reference: 'v1' })).rejects.toMatchObject({ code: 'registry.manifest' });
    expect(dst.log.some((l) => l.includes('/team-a/gone/') && !l.startsWith('HEAD'))).toBe(false);
  });
});
