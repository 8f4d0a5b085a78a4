import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { namespaceKind as namespaceKindTyped } from '../../src/kinds/namespace.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const namespaceKind: Kind = namespaceKindTyped;

const UID = '1234567890123456';
const base = { account: 'prod', region: 'cn-hangzhou' as const, edition: 'Advanced' as const };

function doc(instances: Record<string, Partial<Instance> & { name: string }>): RegistryDocument {
  const out: Record<string, Instance> = {};
  for (const [k, v] of Object.entries(instances)) out[k] = { ...base, ...v };
  return { version: 1, accounts: { prod: { uid: UID } }, instances: out };
}

describe('namespace: desired', () => {
  const cases: { reason: string; config: RegistryDocument; want: { id: string; spec: Record<string, unknown>; reason?: string }[] }[] = [
    {
      reason: 'defaults: autoCreateRepo false, PRIVATE',
      config: doc({ hz: { name: 'acme-hz', namespaces: { a: {} } } }),
      want: [{ id: 'instance[hz].namespace[a]', spec: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' } }],
    },
    {
      reason: 'declared values are kept',
      config: doc({ hz: { name: 'acme-hz', namespaces: { a: { autoCreateRepo: true, defaultRepoType: 'PUBLIC' } } } }),
      want: [{ id: 'instance[hz].namespace[a]', spec: { autoCreateRepo: true, defaultRepoType: 'PUBLIC' } }],
    },
    {
      reason: 'a namespace-level rule into a target that does not declare the namespace derives it with autoCreateRepo on',
      config: doc({ hz: { name: 'acme-hz', namespaces: { a: {} }, replication: [{ name: 'r1', to: 'bj', namespace: 'a' }] }, bj: { name: 'acme-bj' } }),
      want: [
        { id: 'instance[hz].namespace[a]', spec: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' } },
        { id: 'instance[bj].namespace[a]', spec: { autoCreateRepo: true, defaultRepoType: 'PRIVATE' }, reason: 'replication rule hz/r1 copies into this namespace, which needs autoCreateRepo on' },
      ],
    },
    {
      reason: 'a repository-level rule derives the namespace with the defaults',
      config: doc({
        hz: { name: 'acme-hz', namespaces: { a: { repositories: { api: { summary: 'api' } } } }, replication: [{ name: 'r1', to: 'bj', level: 'repository', namespace: 'a', repository: 'api' }] },
        bj: { name: 'acme-bj' },
      }),
      want: [
        { id: 'instance[hz].namespace[a]', spec: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' } },
        { id: 'instance[bj].namespace[a]', spec: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' }, reason: 'replication rule hz/r1 copies into this namespace' },
      ],
    },
    {
      reason: 'two rules into one namespace derive it once; a namespace-level one turns autoCreateRepo on',
      config: doc({
        hz: { name: 'acme-hz', namespaces: { a: {} }, replication: [{ name: 'r2', to: 'bj', level: 'repository', namespace: 'a', repository: 'x' }, { name: 'r1', to: 'bj', namespace: 'a' }] },
        bj: { name: 'acme-bj' },
      }),
      want: [
        { id: 'instance[hz].namespace[a]', spec: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' } },
        { id: 'instance[bj].namespace[a]', spec: { autoCreateRepo: true, defaultRepoType: 'PRIVATE' }, reason: 'replication rules hz/r1, hz/r2 copy into this namespace, which needs autoCreateRepo on' },
      ],
    },
    {
      reason: 'a target that declares the namespace gets nothing derived (the lint checks autoCreateRepo)',
      config: doc({ hz: { name: 'acme-hz', namespaces: { a: {} }, replication: [{ name: 'r1', to: 'bj', namespace: 'a' }] }, bj: { name: 'acme-bj', namespaces: { a: { autoCreateRepo: true } } } }),
      want: [
        { id: 'instance[hz].namespace[a]', spec: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' } },
        { id: 'instance[bj].namespace[a]', spec: { autoCreateRepo: true, defaultRepoType: 'PRIVATE' } },
      ],
    },
    {
      reason: 'a rule to an undeclared instance derives nothing (the reference checker reports it)',
      config: doc({ hz: { name: 'acme-hz', replication: [{ name: 'r1', to: 'nowhere', namespace: 'a' }] } }),
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const got = namespaceKind.desired(c.config).map((d) => ({ id: d.id, spec: d.spec, ...(d.reason ? { reason: d.reason } : {}) }));
      expect(got).toEqual(c.want);
      for (const d of namespaceKind.desired(c.config)) expect(d.requires).toEqual([`instance[${d.instance}]`]);
    });
  }
});

describe('namespace: diff', () => {
  const d = (spec: Record<string, unknown>): DesiredObject => ({ id: 'instance[hz].namespace[a]', kind: 'namespace', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', namespace: 'a' }, spec, requires: [] });
  const l = (spec: Record<string, unknown>): LiveObject => ({ id: 'instance[hz].namespace[a]', kind: 'namespace', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', namespace: 'a' }, spec, ids: {}, container: 'instance[hz]', prunable: false, requires: [] });
  const cases = [
    { reason: 'equal specs', desired: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' }, live: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' }, paths: [] as string[] },
    { reason: 'both fields update in place', desired: { autoCreateRepo: true, defaultRepoType: 'PUBLIC' }, live: { autoCreateRepo: false, defaultRepoType: 'PRIVATE' }, paths: ['autoCreateRepo', 'defaultRepoType'] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const changes = diffOf(namespaceKind, d(c.desired), l(c.live)).changes;
      expect(changes.map((x) => x.path)).toEqual(c.paths);
      expect(changes.every((x) => x.impact === 'update')).toBe(true);
    });
  }
});

describe('namespace: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: instanceId, ...params }, estate.keys['prod']!);
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await cr('CreateNamespace', { NamespaceName: 'team-a', AutoCreateRepo: false, DefaultRepoType: 'PUBLIC' });
    await cr('CreateNamespace', { NamespaceName: 'legacy', AutoCreateRepo: true });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('reads every namespace of the instance: declared ones diffed, others unmanaged, pruned only with prune', async () => {
    const config = doc({ hz: { name: 'acme-hz', namespaces: { 'team-a': { defaultRepoType: 'PUBLIC' }, 'team-b': { autoCreateRepo: true } } } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].namespace[team-b]']);
    expect(plan.unmanaged.map((u) => `${u.id} in ${u.container}`)).toEqual(['instance[hz].namespace[legacy] in instance[hz]']);
    const pruning = doc({ hz: { name: 'acme-hz', prune: true, namespaces: { 'team-a': { autoCreateRepo: true, defaultRepoType: 'PUBLIC' } } } });
    const p2 = await planFor(pruning, estate.session, allKinds);
    expect(p2.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['delete instance[hz].namespace[legacy]', 'update instance[hz].namespace[team-a]']);
  });

  it('creates, updates and prunes; the next plan is empty', async () => {
    const config = doc({ hz: { name: 'acme-hz', prune: true, namespaces: { 'team-a': { autoCreateRepo: true, defaultRepoType: 'PRIVATE' }, 'team-b': { autoCreateRepo: true } } } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([
      'delete instance[hz].namespace[legacy]',
      'update instance[hz].namespace[team-a]',
      'create instance[hz].namespace[team-b]',
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(result.ids.get('instance[hz].namespace[team-b]')).toMatchObject({ instanceId, namespaceId: expect.any(String) });
    const next = await planFor(config, estate.session, allKinds);
    expect(next.actions).toEqual([]);
    expect(next.unmanaged).toEqual([]);
    const body = await cr('GetNamespace', { NamespaceName: 'team-a' });
    expect([body['AutoCreateRepo'], body['DefaultRepoType']]).toEqual([true, 'PRIVATE']);
  });

  it('create is idempotent and reconciles by name', async () => {
    const config = doc({ hz: { name: 'acme-hz', namespaces: { 'team-c': { defaultRepoType: 'PUBLIC' } } } });
    const plan = await planFor(config, estate.session, allKinds);
    const action = plan.actions.find((a) => a.id === 'instance[hz].namespace[team-c]')!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(namespaceKind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    await carryOut(namespaceKind, h.ctx, action);
    await carryOut(namespaceKind, h.ctx, action); // a retry: NAMESPACE_ALREADY_EXIST with the same spec is success
    expect(await successfulCalls(estate, 'CreateNamespace')).toBe(1);
    expect(h.intents.map((i) => i.call)).toEqual(['CreateNamespace', 'CreateNamespace']);
    expect(await reconcileAction(namespaceKind, h.ctx, action)).toMatchObject({ state: 'done', ids: { instanceId } });
    // the same name with another spec is not silently accepted
    const other = { ...action, after: { autoCreateRepo: true, defaultRepoType: 'PUBLIC' } };
    await expect(carryOut(namespaceKind, h.ctx, other)).rejects.toMatchObject({ code: 'apply.exists_different' });
    expect(await reconcileAction(namespaceKind, h.ctx, other)).toEqual({ state: 'absent' });
    // delete: reconcile says done only once it is gone; deleting twice succeeds
    const del = { ...action, type: 'delete' as const, after: undefined, before: action.after, ids: { instanceId } } as unknown as typeof action;
    expect(await reconcileAction(namespaceKind, h.ctx, del)).toEqual({ state: 'absent' });
    await carryOut(namespaceKind, h.ctx, del);
    await carryOut(namespaceKind, h.ctx, del);
    expect(await reconcileAction(namespaceKind, h.ctx, del)).toEqual({ state: 'done' });
  });

  it('plans and applies the namespace a replication rule needs in its target, with the reason', async () => {
    await buyInstance(estate, 'prod', 'cn-beijing', 'acme-bj', 'Basic', clock);
    const config = doc({
      hz: { name: 'acme-hz', prune: true, namespaces: { 'team-a': { autoCreateRepo: true }, 'team-b': { autoCreateRepo: true } }, replication: [{ name: 'to-bj', to: 'bj', namespace: 'team-a' }] },
      bj: { name: 'acme-bj', region: 'cn-beijing', edition: 'Basic' },
    });
    const plan = await planFor(config, estate.session, allKinds);
    const derived = plan.actions.find((a) => a.id === 'instance[bj].namespace[team-a]')!;
    expect(derived.type).toBe('create');
    expect(derived.reason).toContain('replication rule hz/to-bj');
    expect(derived.after).toEqual({ autoCreateRepo: true, defaultRepoType: 'PRIVATE' });
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });

  it('a create whose connection drops after it landed is reconciled by the executor: done, not sent twice', async () => {
    const config = doc({ hz: { name: 'acme-hz', namespaces: { 'team-d': { repositories: { svc: { summary: 'svc' } } } } } });
    const plan = await planFor(config, estate.session, allKinds, ['instance[hz].namespace[team-d]']);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].namespace[team-d]', 'create instance[hz].namespace[team-d].repository[svc]']);
    await estate.t.admin('PUT', '/_emulator/faults', { actions: { 'cr:CreateNamespace': { dropRate: 1, dropPhase: 'after' }, 'cr:CreateRepository': { dropRate: 1, dropPhase: 'after' } } });
    await estate.t.admin('DELETE', '/_emulator/calls');
    try {
      const { result, events } = await applyPlan(plan, allKinds, estate.session, { clock });
      expect(result.status).toBe('complete');
      expect(events.filter((e) => e.code === 'action.reconciled').map((e) => `${e.action}: ${String(e.data?.['state'])}`)).toEqual([
        'instance[hz].namespace[team-d]: done',
        'instance[hz].namespace[team-d].repository[svc]: done',
      ]);
      expect(result.ids.get('instance[hz].namespace[team-d].repository[svc]')).toMatchObject({ repoId: expect.stringMatching(/^crr-/) });
    } finally {
      await estate.t.admin('DELETE', '/_emulator/faults');
    }
    const { body } = await estate.t.admin<{ action: string }[]>('GET', '/_emulator/calls');
    expect(body.filter((c) => c.action === 'CreateNamespace' || c.action === 'CreateRepository').map((c) => c.action)).toEqual(['CreateNamespace', 'CreateRepository']);
    expect((await planFor(config, estate.session, allKinds, ['instance[hz].namespace[team-d]'])).actions).toEqual([]);
  });
});
