import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { AcrctlError } from '../../src/errors.js';
import { allKinds } from '../../src/kinds/index.js';
import { createParameters, instanceKind as instanceKindTyped, type InstanceLive } from '../../src/kinds/instance.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import type { Action } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const instanceKind: Kind = instanceKindTyped;

const UID = '1234567890123456';

function doc(instances: NonNullable<RegistryDocument['instances']>): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances };
}

function live(spec: Record<string, unknown>, status = 'RUNNING'): InstanceLive {
  return { id: 'instance[hz]', kind: 'instance', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz' }, spec: spec as InstanceLive['spec'], ids: { instanceId: 'cri-x' }, container: 'account[prod]', prunable: false, requires: [], status };
}

describe('instance: desired', () => {
  const cases: { reason: string; config: RegistryDocument; want: Pick<DesiredObject, 'id' | 'account' | 'region' | 'spec'>[] }[] = [
    { reason: 'no instances, nothing desired', config: doc({}), want: [] },
    {
      reason: 'name and edition are the spec; no quotas declared, none compared',
      config: doc({ hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Basic', name: 'acme-hz' } }),
      want: [{ id: 'instance[hz]', account: 'prod', region: 'cn-hangzhou', spec: { name: 'acme-hz', edition: 'Basic' } }],
    },
    {
      reason: 'only the quotas declared are in the spec',
      config: doc({ hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', quotas: { namespaces: 10 } } }),
      want: [{ id: 'instance[hz]', account: 'prod', region: 'cn-hangzhou', spec: { name: 'acme-hz', edition: 'Advanced', quotas: { namespaces: 10 } } }],
    },
    {
      reason: 'an empty quotas block manages no quota',
      config: doc({ hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', quotas: {} } }),
      want: [{ id: 'instance[hz]', account: 'prod', region: 'cn-hangzhou', spec: { name: 'acme-hz', edition: 'Advanced' } }],
    },
    {
      reason: 'a custom OSS bucket is in the spec (it is sent at purchase)',
      config: doc({ hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Basic', name: 'acme-hz', ossBucket: 'acme-images' } }),
      want: [{ id: 'instance[hz]', account: 'prod', region: 'cn-hangzhou', spec: { name: 'acme-hz', edition: 'Basic', ossBucket: 'acme-images' } }],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(instanceKind.desired(c.config).map((d) => ({ id: d.id, account: d.account, region: d.region, spec: d.spec }))).toEqual(c.want);
    });
  }
});

describe('instance: diff', () => {
  const want = (edition: string, quotas?: Record<string, number>): DesiredObject => ({
    id: 'instance[hz]',
    kind: 'instance',
    account: 'prod',
    region: 'cn-hangzhou',
    instance: 'hz',
    key: { instance: 'hz' },
    spec: { name: 'acme-hz', edition, ...(quotas ? { quotas } : {}) },
    requires: [],
  });
  const cases: { reason: string; desired: DesiredObject; live: LiveObject; changes: { path: string; before?: unknown; after?: unknown }[] }[] = [
    { reason: 'same edition, nothing to do', desired: want('Standard'), live: live({ name: 'acme-hz', edition: 'Standard' }), changes: [] },
    { reason: 'an upgrade is an update of edition', desired: want('Advanced'), live: live({ name: 'acme-hz', edition: 'Basic' }), changes: [{ path: 'edition', before: 'Basic', after: 'Advanced' }] },
    {
      reason: 'quotas are minimums: a larger live quota is enough',
      desired: want('Basic', { namespaces: 10 }),
      live: live({ name: 'acme-hz', edition: 'Basic', quotas: { namespaces: 20, repositories: 0, vpcs: 5 } }),
      changes: [],
    },
    {
      reason: 'a smaller live quota is an update',
      desired: want('Basic', { vpcs: 10 }),
      live: live({ name: 'acme-hz', edition: 'Basic', quotas: { namespaces: 0, repositories: 0, vpcs: 5 } }),
      changes: [{ path: 'quotas', before: { namespaces: 0, repositories: 0, vpcs: 5 }, after: { vpcs: 10 } }],
    },
    {
      reason: 'an instance still starting gets a wait, shown as its status',
      desired: want('Basic'),
      live: live({ name: 'acme-hz', edition: 'Basic' }, 'STARTING'),
      changes: [{ path: 'status', before: 'STARTING', after: 'RUNNING' }],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(diffOf(instanceKind, c.desired, c.live).changes.map((x) => ({ path: x.path, ...(x.before !== undefined ? { before: x.before } : {}), after: x.after }))).toEqual(c.changes);
    });
  }

  it('a downgrade is a plan error naming the instance, both editions and the fix', () => {
    let err: unknown;
    try {
      diffOf(instanceKind, want('Basic'), live({ name: 'acme-hz', edition: 'Advanced' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AcrctlError);
    const e = err as AcrctlError;
    expect(e.code).toBe('plan.edition_downgrade');
    expect(e.message).toContain('hz (acme-hz) is Advanced Edition');
    expect(e.message).toContain('asks for Basic');
    expect(e.hint).toContain('set instances.hz.edition to Advanced');
    expect(e.address).toBe('instance[hz]');
  });
});

describe('instance: custom OSS bucket', () => {
  it('a purchase sends DefaultOssBucket=false and InstanceStorageName, as the Terraform provider does; the default bucket otherwise', () => {
    const codes = (bucket?: string) => createParameters({ name: 'acme-hz', edition: 'Basic', ...(bucket ? { ossBucket: bucket } : {}) }, 'cn-hangzhou').filter((p) => /Oss|Storage/.test(p.Code));
    expect(codes('acme-images')).toEqual([{ Code: 'DefaultOssBucket', Value: 'false' }, { Code: 'InstanceStorageName', Value: 'acme-images' }]);
    expect(codes()).toEqual([{ Code: 'DefaultOssBucket', Value: 'true' }]);
  });

  it('no API reads the bucket back: a declared bucket never diffs against a live instance', () => {
    const [d] = instanceKind.desired(doc({ hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Basic', name: 'acme-hz', ossBucket: 'acme-images' } }));
    expect(diffOf(instanceKind, d!, live({ name: 'acme-hz', edition: 'Basic' })).changes).toEqual([]);
  });
});

describe('instance: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('reads by name in declared account+region only; an undeclared instance is unmanaged and never pruned', async () => {
    const id = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Standard', clock);
    await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-other', 'Basic', clock);
    await buyInstance(estate, 'prod', 'cn-shanghai', 'acme-sh', 'Basic', clock); // a region nothing is declared in
    const config = doc({ hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Standard', name: 'acme-hz', prune: true } });
    const objs = await instanceKind.read({ config, desired: instanceKind.desired(config), live: () => [], cloud: estate.session });
    expect(objs.map((o) => [o.id, o.spec, o.ids, o.prunable, o.container])).toEqual([
      ['instance[hz]', { name: 'acme-hz', edition: 'Standard' }, { instanceId: id }, false, 'account[prod]'],
      ['account[prod].instance[cn-hangzhou/acme-other]', { name: 'acme-other', edition: 'Basic' }, { instanceId: expect.stringMatching(/^cri-/) }, false, 'account[prod]'],
    ]);
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions).toEqual([]);
    expect(plan.unmanaged.map((u) => u.id)).toEqual(['account[prod].instance[cn-hangzhou/acme-other]']);
  });

  it('creates through BSS with a ClientToken, waits RUNNING, and the next plan is empty; applying twice buys once', async () => {
    const config = doc({ bj: { account: 'prod', region: 'cn-beijing', edition: 'Standard', name: 'acme-bj', quotas: { namespaces: 5, vpcs: 3 } } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[bj]']);
    await estate.t.admin('DELETE', '/_emulator/calls');
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    const instanceId = result.ids.get('instance[bj]')?.['instanceId'];
    expect(instanceId).toMatch(/^cri-/);
    const body = await estate.t.callRpc('cr', 'cn-beijing', 'GetInstanceUsage', { InstanceId: instanceId }, estate.keys['prod']!);
    expect([body['NamespaceQuota'], body['VpcQuota']]).toEqual(['105', '3']);
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);

    // The same create once more (a retry of the action): it finds the instance and buys nothing.
    const h = execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: 'instance[bj]' });
    const again = await carryOut(instanceKind, h.ctx, plan.actions[0]!);
    expect(again.ids).toEqual({ instanceId });
    expect(h.intents).toEqual([]);
    expect(await successfulCalls(estate, 'CreateInstance')).toBe(1);
  });

  it('reconciles a create: absent before, pending while starting, done when RUNNING', async () => {
    const config = doc({ sz: { account: 'prod', region: 'cn-shenzhen', edition: 'Basic', name: 'acme-sz' } });
    const plan = await planFor(config, estate.session, allKinds);
    const action = plan.actions[0]!;
    const h = execContext({ cloud: estate.session, clock });
    expect(await reconcileAction(instanceKind, h.ctx, action)).toEqual({ state: 'absent' });
    const id = await buyInstance(estate, 'prod', 'cn-shenzhen', 'acme-sz', 'Basic'); // clock not moved: PENDING
    expect(await reconcileAction(instanceKind, h.ctx, action)).toEqual({ state: 'pending', ids: { instanceId: id } });
    // apply after a pending reconcile waits on the id it was given and does not buy again
    const resumed = execContext({ cloud: estate.session, clock, reconciled: { state: 'pending', ids: { instanceId: id } } });
    expect(await carryOut(instanceKind, resumed.ctx, action)).toEqual({ ids: { instanceId: id } });
    expect(resumed.intents).toEqual([]);
    expect(await reconcileAction(instanceKind, h.ctx, action)).toEqual({ state: 'done', ids: { instanceId: id } });
  });

  it('a plan made while the instance starts waits for it before its children', async () => {
    await buyInstance(estate, 'prod', 'cn-qingdao', 'acme-qd', 'Basic'); // PENDING
    const config = doc({ qd: { account: 'prod', region: 'cn-qingdao', edition: 'Basic', name: 'acme-qd', namespaces: { team: {} } } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id} <- ${a.dependsOn.join(',')}`)).toEqual([
      'update instance[qd] <- ',
      'create instance[qd].namespace[team] <- instance[qd]',
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });

  it('upgrades the edition with BSS ModifyInstance; a downgrade fails the plan', async () => {
    await buyInstance(estate, 'prod', 'cn-zhangjiakou', 'acme-zjk', 'Basic', clock);
    const config = doc({ zjk: { account: 'prod', region: 'cn-zhangjiakou', edition: 'Advanced', name: 'acme-zjk' } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => [a.type, a.changes.map((c) => `${c.path}: ${String(c.before)} -> ${String(c.after)}`)])).toEqual([['update', ['edition: Basic -> Advanced']]]);
    const h = execContext({ cloud: estate.session, clock });
    expect(await reconcileAction(instanceKind, h.ctx, plan.actions[0]!)).toEqual({ state: 'absent' });
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(await reconcileAction(instanceKind, h.ctx, plan.actions[0]!)).toMatchObject({ state: 'done' });
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
    const down = doc({ zjk: { account: 'prod', region: 'cn-zhangjiakou', edition: 'Standard', name: 'acme-zjk' } });
    await expect(planFor(down, estate.session, allKinds)).rejects.toMatchObject({ code: 'plan.edition_downgrade' });
  });

  it('raises quotas that are below the declared minimum', async () => {
    await buyInstance(estate, 'prod', 'cn-chengdu', 'acme-cd', 'Basic', clock);
    const config = doc({ cd: { account: 'prod', region: 'cn-chengdu', edition: 'Basic', name: 'acme-cd', quotas: { repositories: 2000 } } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => a.changes.map((c) => c.path))).toEqual([['quotas']]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });

  it('releases an instance (destroy) through BSS RefundInstance and waits until it is gone', async () => {
    const id = await buyInstance(estate, 'prod', 'cn-huhehaote', 'acme-hh', 'Basic', clock);
    const action: Action = {
      id: 'instance[hh]',
      kind: 'instance',
      type: 'delete',
      account: 'prod',
      region: 'cn-huhehaote',
      instance: 'hh',
      key: { instance: 'hh' },
      ids: { instanceId: id },
      before: { name: 'acme-hh', edition: 'Basic' },
      changes: [],
      dependsOn: [],
    };
    const h = execContext({ cloud: estate.session, clock });
    expect(await reconcileAction(instanceKind, h.ctx, action)).toEqual({ state: 'absent' });
    expect(await carryOut(instanceKind, h.ctx, action)).toEqual({});
    expect(h.intents.map((i) => i.call)).toEqual(['RefundInstance']);
    expect(await reconcileAction(instanceKind, h.ctx, action)).toEqual({ state: 'done' });
    // releasing again is a no-op success (ResourceNotExists is "already gone")
    expect(await carryOut(instanceKind, h.ctx, action)).toEqual({});
  });

  it('a whole instance from nothing: one plan in dependency order, applied, gated, resumed, then an empty plan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acrctl-estate-'));
    const config = doc({
      gz: {
        account: 'prod',
        region: 'cn-guangzhou',
        edition: 'Advanced',
        name: 'acme-gz',
        vpcEndpoints: [{ vpc: 'vpc-gz1', vswitch: 'vsw-gz1' }],
        internetEndpoint: { enabled: true, allow: [{ cidr: '203.0.113.0/24', description: 'office' }] },
        personalEditionDomain: true,
        namespaces: { 'team-a': { autoCreateRepo: true, repositories: { api: { summary: 'API', detail: 'the API' } } } },
      },
    });
    try {
      const plan = await planFor(config, estate.session, allKinds);
      expect(plan.actions.map((a) => `${a.type} ${a.id} <- ${a.dependsOn.join(',')}`)).toEqual([
        'create instance[gz] <- ',
        'create instance[gz].acl[203.0.113.0/24] <- instance[gz],instance[gz].internet-endpoint',
        'create instance[gz].internet-endpoint <- instance[gz]',
        'create instance[gz].namespace[team-a] <- instance[gz]',
        'create instance[gz].namespace[team-a].repository[api] <- instance[gz],instance[gz].namespace[team-a]',
        'gate instance[gz].personal-edition-domain <- instance[gz]',
        'create instance[gz].vpc-link[vpc-gz1/vsw-gz1] <- instance[gz]',
      ]);
      const first = await applyPlan(plan, allKinds, estate.session, { clock, dir });
      expect(first.result.status).toBe('gated');
      const id = first.result.ids.get('instance[gz]')?.['instanceId'];
      await estate.t.admin('POST', `/_emulator/cr/instances/${id}/allowlist`, { allowListed: true });
      await estate.t.admin('POST', `/_emulator/cr/instances/${id}/switches`, { personalEditionDomain: true });
      const second = await applyPlan(plan, allKinds, estate.session, { clock, dir, resume: true });
      expect(second.result.status).toBe('complete');
      const next = await planFor(config, estate.session, allKinds);
      expect(next.actions).toEqual([]);
      expect(next.unmanaged).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
