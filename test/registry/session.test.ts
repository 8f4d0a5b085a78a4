/**
 * Registry clients of a cloud session: where registries are found (emulator in both modes, real
 * hosts from ListInstanceEndpoint), the temporary credentials (registered as secrets, never in
 * errors), token refresh when a token expires, the bound on transfers in flight, and cancellation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedEndpoints, realEndpoints, type EndpointResolver } from '../../src/cloud/endpoints.js';
import type { ClientConfig, OpenApiClientLike } from '../../src/cloud/rpc.js';
import { CloudSession } from '../../src/cloud/session.js';
import { startEmbeddedEmulator } from '../../src/cloud/emulated.js';
import { startLocalEmulator } from '../../src/cli/estate.js';
import { ImageCopier } from '../../src/registry/copy.js';
import { RegistryError } from '../../src/registry/errors.js';
import { registryClients, resolveRegistry } from '../../src/registry/session.js';
import type { FetchLike } from '../../src/registry/client.js';
import { httpTransport } from '../../src/registry/http.js';

/** The production transport, wrapped by the tests that watch requests. */
const transport = httpTransport();
import type { RegistryTarget } from '../../src/registry/types.js';
import { makeImage, registryOf } from '../emulator/registry/client.js';
import { pushImage, startEstate, UID, type Estate } from './setup.js';

let e: Estate;
beforeAll(async () => {
  e = await startEstate();
});
afterAll(async () => e.close());

const eeTarget = (instanceId: string, name = 'acme-hz'): RegistryTarget => ({ kind: 'ee', account: 'prod', region: 'cn-hangzhou', instanceId, instanceName: name });

/** A session on the real endpoints whose runtime answers ListInstanceEndpoint with `endpoints`. */
function realSession(endpoints: unknown[]): CloudSession {
  const factory = (_p: string, _c: ClientConfig): OpenApiClientLike => ({
    callApi: (params) => {
      if ((params as { action?: string }).action !== 'ListInstanceEndpoint') throw new Error(`unexpected ${(params as { action?: string }).action}`);
      return Promise.resolve({ statusCode: 200, body: { IsSuccess: true, Code: 'success', Endpoints: endpoints } });
    },
  });
  return new CloudSession({
    accounts: { prod: { uid: UID, credentials: { kind: 'static', accessKeyId: 'AKID-test', accessKeySecret: 'secret-test' } } },
    endpoints: realEndpoints(),
    clientFactory: factory,
  });
}

describe('where registries are', () => {
  it('asks the emulator in --endpoint mode, and the embedded mode too', async () => {
    const hzId = (e.hz as { instanceId: string }).instanceId;
    expect(await resolveRegistry(e.cloud, e.hz)).toEqual({ base: `http://${await registryOf(e.t, `instance=${hzId}`)}` });
    expect(await resolveRegistry(e.cloud, e.pe)).toEqual({ base: `http://${await registryOf(e.t, 'personal=cn-hangzhou')}` });
    const dir = await mkdtemp(join(tmpdir(), 'acrctl-registry-'));
    const binding = await startEmbeddedEmulator({ accounts: { prod: UID }, stateFile: join(dir, 'emulator.json'), start: startLocalEmulator });
    try {
      const s = new CloudSession(binding.session);
      const r = await resolveRegistry(s, { kind: 'pe', account: 'prod', region: 'cn-beijing' });
      expect(r.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(resolveRegistry(s, eeTarget('cri-doesnotexist'))).rejects.toMatchObject({ code: 'cloud.endpoint', message: expect.stringContaining('no registry for instance cri-doesnotexist') });
    } finally {
      await binding.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses the real hosts: Personal Edition by region, EE from the SYSTEM domain of its internet endpoint', async () => {
    const s = realSession([
      { EndpointType: 'vpc', Enable: true, Domains: [{ Domain: 'acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com', Type: 'SYSTEM' }] },
      {
        EndpointType: 'internet',
        Enable: true,
        Domains: [
          { Domain: 'registry.example.com', Type: 'USER' },
          { Domain: 'acme-hz-registry.cn-hangzhou.cr.aliyuncs.com', Type: 'SYSTEM' },
        ],
      },
    ]);
    expect(await resolveRegistry(s, { kind: 'pe', account: 'prod', region: 'cn-shanghai' })).toEqual({ base: 'https://registry.cn-shanghai.aliyuncs.com' });
    expect(await resolveRegistry(s, eeTarget('cri-abc'))).toEqual({ base: 'https://acme-hz-registry.cn-hangzhou.cr.aliyuncs.com' });
  });

  it('says to enable the internet endpoint (or use a VPC) when it is off', async () => {
    const s = realSession([{ EndpointType: 'internet', Enable: false, Domains: [{ Domain: 'acme-hz-registry.cn-hangzhou.cr.aliyuncs.com', Type: 'SYSTEM' }] }]);
    const err = await resolveRegistry(s, eeTarget('cri-abc')).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ code: 'registry.endpoint', address: 'instance.acme-hz' });
    expect((err as RegistryError).message).toContain('internet endpoint of instance acme-hz (cri-abc, cn-hangzhou) is off');
    expect((err as RegistryError).hint).toMatch(/enable it .* or run acrctl from a VPC/);
  });

  it('refuses an emulated resolver that does not know registries', async () => {
    const s = new CloudSession({ accounts: {}, endpoints: fixedEndpoints(() => '127.0.0.1:1') as EndpointResolver });
    await expect(resolveRegistry(s, { kind: 'pe', account: 'prod', region: 'cn-hangzhou' })).rejects.toMatchObject({ code: 'registry.endpoint' });
  });
});

describe('credentials and tokens', () => {
  it('registers the temporary passwords and bearer tokens as secrets and never puts them in errors', async () => {
    const clients = registryClients(e.cloud);
    const img = makeImage('secret-check');
    await pushImage(await e.client(e.pe), 'legacy/secret', img, 'v1');
    const copier = new ImageCopier(clients);
    await copier.copy({ target: e.pe, image: { repo: 'legacy/secret', reference: 'v1' } }, { target: e.hz, repo: 'team-a/secret', tag: 'v1' }, { overwrite: false });
    const secrets = [...e.cloud.secrets.values()];
    // Two passwords (PE and EE) and at least two tokens.
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const err = await copier.copy({ target: e.pe, image: { repo: 'legacy/secret', reference: 'missing' } }, { target: e.hz, repo: 'team-a/secret', tag: 'x' }, { overwrite: false }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'registry.not-found' });
    const text = JSON.stringify({ m: (err as Error).message, d: (err as RegistryError).detail, h: (err as RegistryError).hint });
    for (const s of secrets) expect(text).not.toContain(s);
  });

  it('fetches new tokens when they expire, and not before', async () => {
    let now = Date.now();
    const clients = registryClients(e.cloud, { now: () => now });
    const copier = new ImageCopier(clients);
    const imgs = [makeImage('exp-1'), makeImage('exp-2'), makeImage('exp-3')];
    for (const [i, img] of imgs.entries()) await pushImage(await e.client(e.pe), 'legacy/expiry', img, `v${i}`);
    const go = (i: number): ReturnType<ImageCopier['copy']> =>
      copier.copy({ target: e.pe, image: { repo: 'legacy/expiry', reference: `v${i}` } }, { target: e.bj, repo: 'team-a/expiry', tag: `v${i}` }, { overwrite: false });
    const tokenCount = (): number => clients.requests.snapshot().byOperation['token'] ?? 0;
    const credCalls = (): number => (e.cloud.calls.snapshot()['cr']?.['GetAuthorizationToken'] ?? 0) + (e.cloud.calls.snapshot()['crpe']?.['GetAuthorizationToken'] ?? 0);
    await go(0);
    const t0 = tokenCount();
    const c0 = credCalls();
    expect(t0).toBeGreaterThan(0);
    now += 10 * 60_000; // well within the emulator's 3600 s tokens
    await go(1);
    expect(tokenCount()).toBe(t0);
    expect(credCalls()).toBe(c0);
    now += 2 * 3600_000; // past the tokens' life (and the temporary credentials' hour)
    await go(2);
    expect(tokenCount()).toBeGreaterThan(t0);
  });
});

describe('bounds', () => {
  it('keeps blob transfers in flight at or under the concurrency across copies', async () => {
    const src = await e.client(e.pe);
    const imgs = [0, 1, 2, 3, 4].map((i) => makeImage(`bound-${i}`, { layers: 3, layerBytes: 30_000 }));
    for (const [i, img] of imgs.entries()) await pushImage(src, `old/bound${i}`, img, 'v1');
    let inFlight = 0;
    let peak = 0;
    const fetchFn: FetchLike = async (input, init) => {
      const upload = init.method === 'PUT' && input.includes('/blobs/uploads/');
      if (upload) peak = Math.max(peak, ++inFlight);
      try {
        const res = await transport(input, init);
        if (upload) await new Promise((r) => setTimeout(r, 5));
        return res;
      } finally {
        if (upload) inFlight--;
      }
    };
    const copier = new ImageCopier(registryClients(e.cloud, { fetch: fetchFn }), { concurrency: 2 });
    await Promise.all(imgs.map((_, i) => copier.copy({ target: e.pe, image: { repo: `old/bound${i}`, reference: 'v1' } }, { target: e.hz, repo: `team-b/bound${i}`, tag: 'v1' }, { overwrite: false })));
    expect(peak).toBe(2);
  });

  it('stops when its signal is aborted', async () => {
    const ac = new AbortController();
    const img = makeImage('abort-me', { layers: 2, layerBytes: 50_000 });
    await pushImage(await e.client(e.pe), 'legacy/abort', img, 'v1');
    const fetchFn: FetchLike = (input, init) => {
      if (init.method === 'PUT' && input.includes('/blobs/uploads/')) ac.abort();
      return transport(input, init);
    };
    const copier = new ImageCopier(registryClients(e.cloud, { fetch: fetchFn }), { signal: ac.signal });
    const err = await copier.copy({ target: e.pe, image: { repo: 'legacy/abort', reference: 'v1' } }, { target: e.hz, repo: 'team-a/abort', tag: 'v1' }, { overwrite: false }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'registry.aborted' });
    expect((await (await e.client(e.hz)).getManifest('team-a/abort', 'v1')).status).toBe(404);
  });
});
