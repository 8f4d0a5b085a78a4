import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { authDomainTakeoverKind as authDomainTakeoverKindTyped, personalEditionDomainKind as personalEditionDomainKindTyped } from '../../src/kinds/console-switch.js';
import { allKinds } from '../../src/kinds/index.js';
import type { Kind, LiveObject } from '../../src/plan/kind.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const authDomainTakeoverKind: Kind = authDomainTakeoverKindTyped;
const personalEditionDomainKind: Kind = personalEditionDomainKindTyped;

const UID = '1234567890123456';

function doc(inst: Partial<Instance>): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', ...inst } } };
}

describe('console switches: desired, classify, gate, extras', () => {
  it('are desired only where the key is declared', () => {
    expect(personalEditionDomainKind.desired(doc({}))).toEqual([]);
    expect(personalEditionDomainKind.desired(doc({ personalEditionDomain: false })).map((d) => [d.id, d.spec, d.requires])).toEqual([
      ['instance[hz].personal-edition-domain', { enabled: false }, ['instance[hz]']],
    ]);
    expect(authDomainTakeoverKind.desired(doc({ authDomainTakeover: true, personalEditionDomain: true })).map((d) => [d.id, d.spec])).toEqual([
      ['instance[hz].auth-domain-takeover', { enabled: true }],
    ]);
  });

  const [on] = personalEditionDomainKind.desired(doc({ personalEditionDomain: true }));
  const [off] = personalEditionDomainKind.desired(doc({ personalEditionDomain: false }));
  const live = (enabled: boolean): LiveObject => ({ ...on!, spec: { enabled }, ids: { instanceId: 'cri-abc' }, container: 'instance[hz]', prunable: false });
  const cases = [
    { reason: 'on for an instance to be created: a gate', desired: on!, live: undefined, want: 'gate' },
    { reason: 'off for an instance to be created: nothing (new instances have it off)', desired: off!, live: undefined, want: 'none' },
    { reason: 'on and live on: nothing', desired: on!, live: live(true), want: 'none' },
    { reason: 'on and live off: a gate', desired: on!, live: live(false), want: 'gate' },
    { reason: 'off and live on: a gate (turning it off is console-only too)', desired: off!, live: live(true), want: 'gate' },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const diff = c.live ? diffOf(personalEditionDomainKind, c.desired, c.live) : undefined;
      expect(personalEditionDomainKind.classify!(c.desired, c.live, diff)).toBe(c.want);
    });
  }

  it('the gate names the instance (name, id, region), the ticket, the console path, the pause, and what is verified', () => {
    const g = personalEditionDomainKind.gate!(on!, live(false));
    const text = g.instructions.join('\n');
    expect(text).toContain('Open a ticket with Alibaba Cloud asking to allow-list instance acme-hz (cri-abc) in cn-hangzhou');
    expect(text).toContain('Instances → acme-hz → Overview → Domain → Personal Edition domain → switch');
    expect(text).toContain('namespace and network ACL operations on the instance are unavailable');
    expect(text).toContain('acrctl apply --resume');
    expect(g.verification).toContain('registry.cn-hangzhou.aliyuncs.com');
    expect(g.expect).toEqual({ enabled: true, hosts: ['registry.cn-hangzhou.aliyuncs.com', 'registry-vpc.cn-hangzhou.aliyuncs.com'] });
    const offGate = personalEditionDomainKind.gate!(off!, live(true));
    expect(offGate.instructions[0]).toContain('Turn Personal Edition domain support off for instance acme-hz (cri-abc)');
    expect(offGate.expect).toMatchObject({ enabled: false });
    expect(authDomainTakeoverKind.gate!(authDomainTakeoverKind.desired(doc({ authDomainTakeover: true }))[0]!, undefined).expect).toEqual({
      enabled: true,
      hosts: ['dockerauth.cn-hangzhou.aliyuncs.com', 'dockerauth-vpc.cn-hangzhou.aliyuncs.com'],
    });
  });

  it('apply is never for gates: it throws a clear internal error', async () => {
    const h = execContext({ cloud: undefined as never });
    const action = { id: on!.id, kind: on!.kind, type: 'gate' as const, account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz' }, changes: [], dependsOn: [] };
    await expect(carryOut(personalEditionDomainKind, h.ctx, action)).rejects.toMatchObject({ code: 'internal.gate_apply' });
  });

  it('outputs the hosts line and PrivateZone record for the public Personal Edition host only when it is desired on', () => {
    const config = doc({ personalEditionDomain: true, internetEndpoint: { enabled: true } });
    const desired = allKinds.flatMap((k) => k.desired(config));
    const out = personalEditionDomainKind.extras!({ config, desired, live: () => [] }).outputs ?? [];
    expect(out.map((o) => o.id)).toEqual(['instance[hz].personal-edition-domain.hosts', 'instance[hz].personal-edition-domain.ram-users']);
    const hosts = out[0]!.lines.join('\n');
    // All four Personal Edition hosts (public and VPC, China and international site), each with what it needs.
    for (const h of ['registry.cn-hangzhou.aliyuncs.com', 'registry-vpc.cn-hangzhou.aliyuncs.com', 'registry-intl.cn-hangzhou.aliyuncs.com', 'registry-intl-vpc.cn-hangzhou.aliyuncs.com']) expect(hosts).toContain(h);
    expect(hosts).toContain('resolves automatically inside VPCs linked to the instance (PrivateZone)');
    expect(hosts).toContain('hosts file line:    <IP of acme-hz-registry.cn-hangzhou.cr.aliyuncs.com> registry.cn-hangzhou.aliyuncs.com registry-intl.cn-hangzhou.aliyuncs.com');
    expect(hosts).toContain('a PrivateZone record: zone registry.cn-hangzhou.aliyuncs.com (or registry-intl.cn-hangzhou.aliyuncs.com), record @, type A');
    expect(hosts).toContain("the client's public CIDR in instances.hz.internetEndpoint.allow");
    // Seed 000: RAM users logging in through the Personal Edition domain need credentials and a policy on the instance.
    expect(out[1]!.lines.join('\n')).toContain("set that user's access credentials on the instance");
    expect(out[1]!.lines.join('\n')).toContain('policy for the instance\'s resources');
    const offConfig = doc({ personalEditionDomain: false });
    const offDesired = allKinds.flatMap((k) => k.desired(offConfig));
    expect(personalEditionDomainKind.extras!({ config: offConfig, desired: offDesired, live: () => [] }).outputs).toEqual([]);
    expect(authDomainTakeoverKind.extras!({ config, desired, live: () => [] })).toEqual({});
  });
});

describe('console switches: Personal Edition hosts follow the account\'s site', () => {
  it('an international-site account: the gate verifies and the output names registry-intl… hosts', () => {
    const config: RegistryDocument = { ...doc({ personalEditionDomain: true, internetEndpoint: { enabled: true } }), accounts: { prod: { uid: UID, site: 'international' } } };
    const desired = allKinds.flatMap((k) => k.desired(config));
    const d = desired.find((x) => x.kind === 'personal-edition-domain')!;
    expect(personalEditionDomainKind.gate!(d, undefined).expect).toEqual({ enabled: true, hosts: ['registry-intl.cn-hangzhou.aliyuncs.com', 'registry-intl-vpc.cn-hangzhou.aliyuncs.com'] });
    const out = personalEditionDomainKind.extras!({ config, desired, live: () => [] }).outputs ?? [];
    // All four hosts are listed whatever the site; the RAM-user note names the account's own.
    expect(out[0]!.title).toBe('The four Personal Edition hosts of cn-hangzhou and what each needs to reach instance acme-hz');
    expect(out[0]!.lines.join('\n')).toContain('registry-intl-vpc.cn-hangzhou.aliyuncs.com (VPC, international site): resolves automatically');
    expect(out[1]!.title).toBe('RAM users who log in through registry-intl.cn-hangzhou.aliyuncs.com now log in to instance acme-hz');
  });
});

describe('console switches: the cut-over order (seed 000: the data is migrated first)', () => {
  const config = doc({ personalEditionDomain: true, authDomainTakeover: true, namespaces: { shop: {}, other: {} }, imports: [{ from: 'personal', namespace: 'shop' }] });
  const copy = (tag: string) => ({
    id: `instance[hz].import[personal:cn-hangzhou/shop].image[shop/web:${tag}]`, kind: 'image-import', account: 'prod', region: 'cn-hangzhou', instance: 'hz',
    key: { instance: 'hz', rule: 'personal:cn-hangzhou/shop', part: 'image', namespace: 'shop', repository: 'web', tag }, spec: {}, requires: [],
  });
  const repo = (namespace: string, repository: string) => ({ id: `instance[hz].namespace[${namespace}].repository[${repository}]`, kind: 'repository', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', namespace, repository }, spec: {}, requires: [] });
  const desired = [...allKinds.flatMap((k) => k.desired(config)), copy('v1'), copy('v2'), repo('shop', 'web'), repo('other', 'tools')];
  const ctx = { config, desired, live: () => [] };

  it('turning a switch on waits for every copy of the instance\'s imports and the namespaces and repositories they fill, and says why', () => {
    for (const kind of [personalEditionDomainKind, authDomainTakeoverKind]) {
      const w = kind.waitFor!(kind.desired(config)[0]!, ctx)!;
      expect(w.requires).toEqual(['instance[hz].namespace[shop]', 'instance[hz].namespace[shop].repository[web]', copy('v1').id, copy('v2').id]);
      expect(w.reason).toContain('after the 2 image copies of imports personal:cn-hangzhou/shop');
    }
  });

  it('waits for nothing more when turning it off, or when the instance imports nothing', () => {
    const off = doc({ personalEditionDomain: false, imports: [{ from: 'personal', namespace: 'shop' }] });
    expect(personalEditionDomainKind.waitFor!(personalEditionDomainKind.desired(off)[0]!, ctx)).toBeUndefined();
    const none = doc({ personalEditionDomain: true });
    expect(personalEditionDomainKind.waitFor!(personalEditionDomainKind.desired(none)[0]!, { ...ctx, config: none })).toBeUndefined();
  });

  it('with the switch live on and images still to copy: a warning for plan (its apply copies them) that drift judges an error', () => {
    const liveOn: LiveObject = { ...personalEditionDomainKind.desired(config)[0]!, spec: { enabled: true }, ids: { instanceId: 'cri-abc' }, container: 'instance[hz]', prunable: false };
    const f = personalEditionDomainKind.extras!({ ...ctx, live: (k) => (k === 'personal-edition-domain' ? [liveOn] : []) }).findings ?? [];
    expect(f.map((x) => [x.id, x.severity, x.drift, x.where])).toEqual([['pe-domain-before-data', 'warning', 'error', 'instance[hz].personal-edition-domain']]);
    expect(f[0]!.message).toContain('2 images its import rules select are not in it yet (shop/web:v1, shop/web:v2)');
    expect(f[0]!.message).toContain('cri-abc');
    const none = personalEditionDomainKind.extras!({ ...ctx, desired: desired.filter((d) => d.kind !== 'image-import'), live: (k) => (k === 'personal-edition-domain' ? [liveOn] : []) }).findings;
    expect(none).toEqual([]);
  });
});

describe('console switches: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const dir = mkdtempSync(join(tmpdir(), 'acrctl-gate-'));
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
  });
  afterAll(async () => {
    await estate.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('apply stops at the gate; after the console switch, apply --resume verifies it; the next plan is empty', async () => {
    const config = doc({ personalEditionDomain: true, namespaces: { 'team-a': {} } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].namespace[team-a]', 'gate instance[hz].personal-edition-domain']);
    expect(plan.outputs.map((o) => o.id)).toEqual(['instance[hz].personal-edition-domain.hosts', 'instance[hz].personal-edition-domain.ram-users']);
    const first = await applyPlan(plan, allKinds, estate.session, { clock, dir });
    expect(first.result.status).toBe('gated');
    expect(first.result.actions.get('instance[hz].namespace[team-a]')?.status).toBe('done');

    // The human: a ticket (allow-list), then the console switch.
    expect((await estate.t.admin('POST', `/_emulator/cr/instances/${instanceId}/allowlist`, { allowListed: true })).status).toBe(200);
    expect((await estate.t.admin('POST', `/_emulator/cr/instances/${instanceId}/switches`, { personalEditionDomain: true })).status).toBe(200);

    const second = await applyPlan(plan, allKinds, estate.session, { clock, dir, resume: true });
    expect(second.result.status).toBe('complete');
    expect(second.result.actions.get('instance[hz].personal-edition-domain')?.status).toBe('done');
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });

  it('auth-domain takeover: reconcile is the verification read, in both directions', async () => {
    const config = doc({ authDomainTakeover: true });
    const plan = await planFor(config, estate.session, allKinds);
    const gate = plan.actions.find((a) => a.id === 'instance[hz].auth-domain-takeover')!;
    expect(gate.type).toBe('gate');
    expect(gate.gate?.instructions[0]).toContain(`instance acme-hz (${instanceId}) in cn-hangzhou for auth-domain takeover`);
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(authDomainTakeoverKind, h.ctx, gate)).toEqual({ state: 'absent' });
    await estate.t.admin('POST', `/_emulator/cr/instances/${instanceId}/switches`, { authDomainTakeover: true });
    expect(await reconcileAction(authDomainTakeoverKind, h.ctx, gate)).toEqual({ state: 'done', ids: { instanceId } });
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
    const offPlan = await planFor(doc({ authDomainTakeover: false }), estate.session, allKinds);
    expect(offPlan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['gate instance[hz].auth-domain-takeover']);
    expect(offPlan.outputs).toEqual([]);
  });
});
