/**
 * The cloud layer against the emulator over HTTP on loopback: the official runtime signs and sends,
 * the emulator verifies and answers. Sleep is instant (recorded) so retries cost no wall time.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcrctlError } from '../../src/errors.js';
import { connectRemoteEmulator, startEmbeddedEmulator } from '../../src/cloud/emulated.js';
import { startLocalEmulator } from '../../src/cli/estate.js';
import { emulatorEndpoints } from '../../src/cloud/endpoints.js';
import { CloudApiError } from '../../src/cloud/errors.js';
import type { CloudEvent } from '../../src/cloud/pipeline.js';
import { CloudSession, type AccountSpec, type CloudSessionOptions } from '../../src/cloud/session.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PROD = '1111222233334444';
const PARTNER = '5555666677778888';
const REGION = 'cn-hangzhou';
const CANARY = 'CANARY-s3cr3t-9c1e77';

let emu: TestEmulator;
let accounts: Record<string, AccountSpec>;

function session(extra: Partial<CloudSessionOptions> = {}): { s: CloudSession; sleeps: number[]; events: CloudEvent[] } {
  const sleeps: number[] = [];
  const events: CloudEvent[] = [];
  // A fake clock: sleeping advances it at once, so limiter waits and retry backoffs cost no wall time.
  let t = 0;
  const s = new CloudSession({
    accounts,
    endpoints: emulatorEndpoints(emu.url),
    now: () => t,
    sleep: (ms) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
    reporter: (e) => events.push(e),
    ...extra,
  });
  return { s, sleeps, events };
}

async function waitRunning(s: CloudSession, instanceId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await s.cr('prod', REGION).getInstance({ InstanceId: instanceId });
    if (r.InstanceStatus === 'RUNNING') return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`instance ${instanceId} never reached RUNNING`);
}

let instanceId = '';

beforeAll(async () => {
  emu = await startTestEmulator({ async: { instancePending: 0, instanceStarting: 0 } });
  const prodKeys = await emu.account(PROD);
  const partnerKeys = await emu.account(PARTNER);
  accounts = {
    prod: { uid: PROD, credentials: { kind: 'static', accessKeyId: prodKeys.accessKeyId, accessKeySecret: prodKeys.accessKeySecret } },
    partner: { uid: PARTNER, credentials: { kind: 'static', accessKeyId: partnerKeys.accessKeyId, accessKeySecret: partnerKeys.accessKeySecret } },
  };
  const { s } = session();
  const created = await s.bss('prod').createInstance({
    ProductCode: 'acr',
    ProductType: 'acr_ee_public_cn',
    SubscriptionType: 'Subscription',
    Period: 1,
    Parameter: [
      { Code: 'InstanceType', Value: 'Advanced' },
      { Code: 'InstanceName', Value: 'acme-hz' },
      { Code: 'Region', Value: REGION },
      { Code: 'DefaultOssBucket', Value: 'true' },
    ],
  });
  instanceId = created.Data?.InstanceId ?? '';
  expect(instanceId).toMatch(/^cri-/);
  await waitRunning(s, instanceId);
  const cr = s.cr('prod', REGION);
  for (let i = 0; i < 23; i++) {
    await cr.createNamespace({ InstanceId: instanceId, NamespaceName: `ns-${String(i).padStart(2, '0')}`, AutoCreateRepo: true, DefaultRepoType: 'PRIVATE' });
  }
});

afterAll(async () => {
  await emu?.close();
});

describe('identity', () => {
  it('verifies that each account’s keys belong to its declared UID (STS GetCallerIdentity)', async () => {
    const { s } = session();
    const checks = await s.verifyIdentities();
    expect(checks.map((c) => [c.alias, c.uid])).toEqual([
      ['partner', PARTNER],
      ['prod', PROD],
    ]);
    expect(s.calls.snapshot()).toEqual({ sts: { GetCallerIdentity: 2 } });
  });

  it('a UID mismatch is a clear error naming the alias and both UIDs, never a secret', async () => {
    const prod = accounts['prod'];
    if (!prod) throw new Error('setup');
    const { s } = session({ accounts: { ...accounts, prod: { uid: '9999999999999999', credentials: prod.credentials } } });
    const err = await s.verifyIdentities(['prod']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AcrctlError);
    expect((err as AcrctlError).code).toBe('credentials.mismatch');
    expect((err as AcrctlError).message).toContain('account prod');
    expect((err as AcrctlError).message).toContain(PROD);
    expect((err as AcrctlError).message).toContain('9999999999999999');
    if (prod.credentials.kind !== 'static') throw new Error('setup');
    expect((err as AcrctlError).message).not.toContain(prod.credentials.accessKeySecret);
  });
});

describe('cr over several pages', () => {
  it.each([
    { pageSize: 1, pages: 23 },
    { pageSize: 7, pages: 4 },
    { pageSize: 100, pages: 1 },
  ])('lists the same 23 namespaces at page size $pageSize in $pages ListNamespace calls', async ({ pageSize, pages }) => {
    const { s } = session();
    const got = await s.cr('prod', REGION).allNamespaces({ InstanceId: instanceId }, pageSize);
    expect(got.items.map((n) => n.NamespaceName)).toEqual(Array.from({ length: 23 }, (_, i) => `ns-${String(i).padStart(2, '0')}`));
    expect(got.pages).toBe(pages);
    expect(s.calls.snapshot()['cr']?.['ListNamespace']).toBe(pages);
  });
});

describe('failures', () => {
  afterAll(async () => {
    await emu.admin('DELETE', '/_emulator/faults');
  });

  it('a throttled call succeeds after retries, and the limiter slows down', async () => {
    const put = await emu.admin('PUT', '/_emulator/faults', { seed: 3, actions: { 'cr:ListNamespace': { throttleRate: 0.7, retryAfter: 250 } } });
    expect(put.status).toBe(200);
    const { s, events } = session();
    const got = await s.cr('prod', REGION).allNamespaces({ InstanceId: instanceId }, 100);
    expect(got.items).toHaveLength(23);
    expect(s.calls.throttled).toBeGreaterThan(0);
    expect(s.calls.snapshot()['cr']?.['ListNamespace']).toBe(1 + s.calls.throttled);
    // x-acs-retry-after (250, milliseconds as assumed) is honoured: no retry waited less.
    const retries = events.filter((e) => e.code === 'cloud.retry');
    expect(retries).toHaveLength(s.calls.throttled);
    expect(Math.min(...retries.map((e) => Number(e.data['delayMs'])))).toBeGreaterThanOrEqual(250);
    expect(s.limiters.get('cr').stats.throttles).toBe(s.calls.throttled);
    expect(s.limiters.get('cr').rate).toBeLessThan(100);
    expect(events.some((e) => e.code === 'cloud.retry')).toBe(true);
    await emu.admin('DELETE', '/_emulator/faults');
  });

  it('a non-retryable error fails at once (one request, no sleep)', async () => {
    const { s, sleeps } = session();
    const err = await s
      .cr('prod', REGION)
      .getNamespace({ InstanceId: instanceId, NamespaceName: 'no-such-namespace' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudApiError);
    expect((err as CloudApiError).code).toBe('cloud.not-found');
    expect((err as CloudApiError).vendorCode).toBe('NAMESPACE_NOT_EXIST');
    expect((err as CloudApiError).requestId).toBeTruthy();
    expect(s.calls.total).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('a dropped connection on a create is outcome-unknown, not retried; reading shows what happened', async () => {
    await emu.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateNamespace': { dropRate: 1, dropPhase: 'after' } } });
    const { s } = session();
    const cr = s.cr('prod', REGION);
    const err = await cr.createNamespace({ InstanceId: instanceId, NamespaceName: 'dropped' }).catch((e: unknown) => e);
    expect((err as CloudApiError).code).toBe('cloud.outcome-unknown');
    expect(s.calls.snapshot()['cr']?.['CreateNamespace']).toBe(1);
    await emu.admin('DELETE', '/_emulator/faults');
    const ns = await cr.getNamespace({ InstanceId: instanceId, NamespaceName: 'dropped' });
    expect(ns.NamespaceName).toBe('dropped');
  });

  it('a canary secret never appears in error messages', async () => {
    const prod = accounts['prod'];
    if (prod?.credentials.kind !== 'static') throw new Error('setup');
    const { s } = session({
      accounts: { prod: { uid: PROD, credentials: { kind: 'static', accessKeyId: prod.credentials.accessKeyId, accessKeySecret: CANARY } } },
    });
    const err = await s
      .cr('prod', REGION)
      .listNamespace({ InstanceId: instanceId })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudApiError);
    expect((err as CloudApiError).code).toBe('cloud.fatal');
    const everything = JSON.stringify({ m: (err as Error).message, d: (err as AcrctlError).detail, h: (err as AcrctlError).hint, s: String(err) });
    expect(everything).not.toContain(CANARY);
    expect((err as CloudApiError).vendorCode).toMatch(/Signature/);
  });
});

describe('every product client reaches its service', () => {
  it('bss, ram, vpc, cbn, pvtz and Personal Edition answer through the session', async () => {
    const seeded = await emu.admin('POST', '/_emulator/crpe/estates', {
      uid: PROD,
      region: REGION,
      namespaces: [{ name: 'legacy', repos: [{ name: 'web', tags: [{ tag: 'v1', digest: 'a'.repeat(64), size: 10 }] }] }],
    });
    expect(seeded.status).toBe(200);
    const { s } = session();
    const bss = await s.bss('prod').allAvailableInstances({ ProductCode: 'acr' });
    expect(bss.items.map((i) => i.InstanceID)).toContain(instanceId);
    expect((await s.ram('prod').allRoles()).items).toEqual([]);
    expect((await s.vpc('prod', REGION).allVpcs({ regionId: REGION })).pages).toBe(1);
    expect((await s.cbn('prod').allCens()).pages).toBe(1);
    expect((await s.pvtz('prod').allZones()).pages).toBe(1);
    const repos = await s.crpe('prod', REGION).allRepos({ RepoNamespace: 'legacy' });
    expect(repos.items.map((r) => r.repoName)).toEqual(['web']);
    const tags = await s.crpe('prod', REGION).allTags({ RepoNamespace: 'legacy', RepoName: 'web' });
    expect(tags.items.map((t) => t.tag)).toEqual(['v1']);
    const counted = s.calls.snapshot();
    expect(Object.keys(counted).sort()).toEqual(['bss', 'cbn', 'crpe', 'pvtz', 'ram', 'vpc']);
    await s.close();
    expect(() => s.cr('prod', REGION)).toThrow(/closed/);
  });
});

describe('emulator modes', () => {
  it('embedded: starts in-process with a state file, provisions keys, verifies identities, closes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acrctl-cloud-'));
    try {
      const stateFile = join(dir, '.acrctl', 'emulator.json');
      const events: CloudEvent[] = [];
      const binding = await startEmbeddedEmulator({ accounts: { prod: PROD, partner: PARTNER }, stateFile, reporter: (e) => events.push(e), start: startLocalEmulator });
      try {
        expect(binding.summary).toContain(stateFile);
        expect(events.map((e) => e.code)).toEqual(['cloud.emulator']);
        const s = new CloudSession({ ...binding.session, sleep: () => Promise.resolve() });
        expect((await s.verifyIdentities()).map((c) => c.uid)).toEqual([PARTNER, PROD]);
        for (const a of Object.values(binding.session.accounts)) {
          if (a.credentials.kind === 'static') expect(binding.summary).not.toContain(a.credentials.accessKeySecret);
        }
      } finally {
        await binding.close();
        await binding.close();
      }
      expect((await stat(stateFile)).isFile()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('remote (--endpoint URL): provisions keys through POST /_emulator/accounts', async () => {
    const binding = await connectRemoteEmulator({ url: `${emu.url}/`, accounts: { prod: PROD } });
    const s = new CloudSession({ ...binding.session, sleep: () => Promise.resolve() });
    expect((await s.verifyIdentities()).map((c) => c.alias)).toEqual(['prod']);
    await binding.close();
  });

  it('an unreachable emulator is a clear endpoint error', async () => {
    const { s } = session({ endpoints: emulatorEndpoints('http://127.0.0.1:1') });
    const err = await s.sts('prod').getCallerIdentity().catch((e: unknown) => e);
    expect((err as AcrctlError).code).toBe('cloud.endpoint');
  });
});
