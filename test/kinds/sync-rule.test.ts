import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument, ReplicationRule } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { instanceKind as instanceKindTyped } from '../../src/kinds/instance.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { syncRuleKind as syncRuleKindTyped } from '../../src/kinds/sync-rule.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const instanceKind: Kind = instanceKindTyped;
const syncRuleKind: Kind = syncRuleKindTyped;

const PROD = '1234567890123456';
const PARTNER = '6543210987654321';
const base = { account: 'prod', region: 'cn-hangzhou' as const, edition: 'Advanced' as const };

function doc(instances: Record<string, Partial<Instance> & { name: string }>, extra: Partial<RegistryDocument> = {}): RegistryDocument {
  const out: Record<string, Instance> = {};
  for (const [k, v] of Object.entries(instances)) out[k] = { ...base, ...v };
  return { version: 1, accounts: { prod: { uid: PROD }, partner: { uid: PARTNER } }, instances: out, ...extra };
}
const withRule = (rule: ReplicationRule, target: Partial<Instance> = {}) =>
  doc({ hz: { name: 'acme-hz', namespaces: { 'team-a': { repositories: { api: { summary: 'api' } } } }, replication: [rule] }, bj: { name: 'acme-bj', region: 'cn-beijing', ...target } });

describe('sync-rule: desired', () => {
  const cases: { reason: string; config: RegistryDocument; spec?: Record<string, unknown>; requires?: string[] }[] = [
    {
      reason: 'defaults: namespace level, every tag, automatic; requires both namespaces and instances',
      config: withRule({ name: 'to-bj', to: 'bj', namespace: 'team-a' }),
      spec: { targetInstance: 'bj', targetInstanceName: 'acme-bj', targetRegion: 'cn-beijing', targetAccountUid: PROD, level: 'namespace', namespace: 'team-a', tagFilter: '.*', trigger: 'automatic' },
      requires: ['instance[hz]', 'instance[bj]', 'instance[hz].namespace[team-a]', 'instance[bj].namespace[team-a]'],
    },
    {
      reason: 'repository level names the repository and requires it on both sides',
      config: withRule({ name: 'to-bj', to: 'bj', level: 'repository', namespace: 'team-a', repository: 'api', tagFilter: 'v.*', trigger: 'manual' }),
      spec: { targetInstance: 'bj', targetInstanceName: 'acme-bj', targetRegion: 'cn-beijing', targetAccountUid: PROD, level: 'repository', namespace: 'team-a', repository: 'api', tagFilter: 'v.*', trigger: 'manual' },
      requires: [
        'instance[hz]',
        'instance[bj]',
        'instance[hz].namespace[team-a]',
        'instance[bj].namespace[team-a]',
        'instance[hz].namespace[team-a].repository[api]',
        'instance[bj].namespace[team-a].repository[api]',
      ],
    },
    {
      reason: 'a rule into another account requires the RAM role, policy and attachment in the target account (the service checks trust and policy at create)',
      config: withRule({ name: 'to-bj', to: 'bj', namespace: 'team-a' }, { account: 'partner' }),
      requires: [
        'instance[hz]',
        'instance[bj]',
        'instance[hz].namespace[team-a]',
        'instance[bj].namespace[team-a]',
        'account[partner].ram-role[aliyuncontainerregistrycrossaccoutsyncrole]',
        'account[partner].ram-policy[AcrctlCrossAccountSync]',
        'account[partner].ram-attachment[aliyuncontainerregistrycrossaccoutsyncrole/AcrctlCrossAccountSync]',
      ],
    },
    {
      reason: 'an explicit policy name changes the attachment it requires',
      config: {
        ...withRule({ name: 'to-bj', to: 'bj', namespace: 'team-a' }, { account: 'partner' }),
        crossAccountRoles: { partner: { policy: { name: 'MySync', statements: [{ actions: ['cr:CreateSyncRule'], resources: ['acs:cr:cn-beijing:6543210987654321:instance/cri-x'] }] } } },
      },
      requires: [
        'instance[hz]',
        'instance[bj]',
        'instance[hz].namespace[team-a]',
        'instance[bj].namespace[team-a]',
        'account[partner].ram-role[aliyuncontainerregistrycrossaccoutsyncrole]',
        'account[partner].ram-policy[MySync]',
        'account[partner].ram-attachment[aliyuncontainerregistrycrossaccoutsyncrole/MySync]',
      ],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const [d, ...rest] = syncRuleKind.desired(c.config);
      expect(rest).toEqual([]);
      expect(d!.id).toBe('instance[hz].replication[to-bj]');
      expect([d!.account, d!.region, d!.instance]).toEqual(['prod', 'cn-hangzhou', 'hz']);
      if (c.spec) expect(d!.spec).toEqual(c.spec);
      if (c.requires) expect(d!.requires).toEqual(c.requires);
    });
  }
  it('a rule to an undeclared instance is left to the reference checker', () => {
    expect(syncRuleKind.desired(doc({ hz: { name: 'acme-hz', replication: [{ name: 'x', to: 'nowhere', namespace: 'a' }] } }))).toEqual([]);
  });
});

describe('sync-rule: diff', () => {
  const spec = { targetInstance: 'bj', targetInstanceName: 'acme-bj', targetRegion: 'cn-beijing', targetAccountUid: PROD, level: 'namespace', namespace: 'a', tagFilter: '.*', trigger: 'automatic' };
  const d = (s: Record<string, unknown>): DesiredObject => ({ id: 'instance[hz].replication[r]', kind: 'sync-rule', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', rule: 'r' }, spec: s, requires: [] });
  const l = (s: Record<string, unknown>): LiveObject => ({ ...d(s), ids: { syncRuleId: 'crsr-1' }, container: 'instance[hz]', prunable: false });
  const cases = [
    { reason: 'equal specs: no change', desired: spec, live: spec, paths: [] as string[] },
    { reason: 'another tag filter replaces (no update API)', desired: { ...spec, tagFilter: 'v.*' }, live: spec, paths: ['tagFilter'] },
    { reason: 'another trigger replaces', desired: { ...spec, trigger: 'manual' }, live: spec, paths: ['trigger'] },
    {
      reason: 'a live target outside the estate shows its raw id',
      desired: spec,
      live: { ...spec, targetInstance: 'cri-elsewhere', targetInstanceName: 'other' },
      paths: ['targetInstance', 'targetInstanceName'],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const changes = diffOf(syncRuleKind, d(c.desired), l(c.live)).changes;
      expect(changes.map((x) => x.path)).toEqual(c.paths);
      for (const x of changes) {
        expect(x.impact).toBe('replace');
        expect(x.note).toContain('no update');
      }
    });
  }
});

describe('sync-rule: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  let bj: string;
  let other: string;
  const cr = (region: string, action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', region, action, params, estate.keys['prod']!);
  const config = (rule: Partial<ReplicationRule> = {}, prune = false) =>
    doc({
      hz: { name: 'acme-hz', prune, namespaces: { 'team-a': { repositories: { api: { summary: 'api' } } } }, replication: [{ name: 'to-bj', to: 'bj', namespace: 'team-a', ...rule }] },
      bj: { name: 'acme-bj', region: 'cn-beijing', edition: 'Basic' },
    });

  beforeAll(async () => {
    estate = await startEstate({ prod: PROD }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    bj = await buyInstance(estate, 'prod', 'cn-beijing', 'acme-bj', 'Basic', clock);
    other = await buyInstance(estate, 'prod', 'cn-beijing', 'acme-other', 'Basic', clock);
    await cr('cn-hangzhou', 'CreateNamespace', { InstanceId: hz, NamespaceName: 'team-a', AutoCreateRepo: false });
    await cr('cn-hangzhou', 'CreateRepository', { InstanceId: hz, RepoNamespaceName: 'team-a', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'api' });
    await cr('cn-beijing', 'CreateNamespace', { InstanceId: other, NamespaceName: 'team-a', AutoCreateRepo: true });
    // A rule made by hand into an instance the config does not declare.
    await cr('cn-hangzhou', 'CreateRepoSyncRule', {
      InstanceId: hz, SyncRuleName: 'by-hand', SyncScope: 'NAMESPACE', SyncTrigger: 'PASSIVE', TagFilter: '.*', NamespaceName: 'team-a',
      TargetInstanceId: other, TargetRegionId: 'cn-beijing', TargetNamespaceName: 'team-a',
    });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('plans the rule after the target namespace; undeclared rules are unmanaged and keep their raw target id', async () => {
    const plan = await planFor(config(), estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[bj].namespace[team-a]', 'create instance[hz].replication[to-bj]']);
    const rule = plan.actions.find((a) => a.kind === 'sync-rule')!;
    expect(rule.dependsOn).toEqual(['instance[bj].namespace[team-a]']);
    expect(plan.unmanaged.filter((u) => u.kind === 'sync-rule').map((u) => `${u.id} in ${u.container}`)).toEqual(['instance[hz].replication[by-hand] in instance[hz]']);
    const instances = await instanceKind.read({ config: config(), desired: [], cloud: estate.session, live: () => [] });
    const live = await syncRuleKind.read({ config: config(), desired: [], cloud: estate.session, live: () => instances });
    expect(live.map((l) => [l.id, l.spec['targetInstance'], l.spec['targetInstanceName'], l.ids['syncRuleId']?.startsWith('crsr-')])).toEqual([
      ['instance[hz].replication[by-hand]', other, 'acme-other', true],
    ]);
    expect(live[0]!.requires).toEqual(['instance[hz].namespace[team-a]']);
  });

  it('applies, and the next plan is empty: the live spec reads back exactly as desired', async () => {
    const plan = await planFor(config(), estate.session, allKinds);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(result.ids.get('instance[hz].replication[to-bj]')).toMatchObject({ syncRuleId: expect.stringMatching(/^crsr-/), sourceInstanceId: hz });
    const next = await planFor(config(), estate.session, allKinds);
    expect(next.actions).toEqual([]);
    const body = await cr('cn-hangzhou', 'ListRepoSyncRule', { InstanceId: hz });
    const created = (body['SyncRules'] as Record<string, unknown>[]).find((r) => r['SyncRuleName'] === 'to-bj')!;
    expect([created['SyncScope'], created['SyncTrigger'], created['TargetInstanceId'], created['TagFilter']]).toEqual(['NAMESPACE', 'PASSIVE', bj, '.*']);
  });

  it('a changed rule is replaced (delete then create); prune deletes the rule made by hand', async () => {
    const changed = config({ tagFilter: 'release-.*', trigger: 'manual' }, true);
    const plan = await planFor(changed, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['delete instance[hz].replication[by-hand]', 'replace instance[hz].replication[to-bj]']);
    const replace = plan.actions.find((a) => a.type === 'replace')!;
    expect(replace.changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['tagFilter:replace', 'trigger:replace']);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(changed, estate.session, allKinds)).actions).toEqual([]);
    const rules = (await cr('cn-hangzhou', 'ListRepoSyncRule', { InstanceId: hz }))['SyncRules'] as Record<string, unknown>[];
    expect(rules.map((r) => [r['SyncRuleName'], r['SyncTrigger'], r['TagFilter']])).toEqual([['to-bj', 'INITIATIVE', 'release-.*']]);
  });

  it('create is idempotent, reconciles by name, and delete accepts a rule already gone', async () => {
    const cfg = config({ name: 'repo-level', level: 'repository', repository: 'api' });
    const plan = await planFor(cfg, estate.session, allKinds);
    // The target repository is derived by the repository kind; create it first here.
    await applyPlan({ ...plan, actions: plan.actions.filter((a) => a.kind !== 'sync-rule').map((a) => ({ ...a, dependsOn: a.dependsOn.filter((d) => !d.includes('replication')) })) }, allKinds, estate.session, { clock });
    const action = plan.actions.find((a) => a.id === 'instance[hz].replication[repo-level]')!;
    expect(action.type).toBe('create');
    const h = execContext({ cloud: estate.session, clock, ids: { ...plan.refs, 'instance[bj]': { instanceId: bj } } });
    expect(await reconcileAction(syncRuleKind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(syncRuleKind, h.ctx, action);
    const second = await carryOut(syncRuleKind, h.ctx, action); // SYNC_RULE_ALREADY_EXIST with the same rule is success
    expect(second).toEqual(first);
    expect(await successfulCalls(estate, 'CreateRepoSyncRule')).toBe(1);
    expect(h.intents.map((i) => i.call)).toEqual(['CreateRepoSyncRule', 'CreateRepoSyncRule']);
    expect(await reconcileAction(syncRuleKind, h.ctx, action)).toEqual({ state: 'done', ids: first.ids });
    // the same name with another rule is not silently accepted
    const other = { ...action, after: { ...action.after, tagFilter: 'x' } };
    await expect(carryOut(syncRuleKind, h.ctx, other)).rejects.toMatchObject({ code: 'apply.exists_different' });
    expect(await reconcileAction(syncRuleKind, h.ctx, other)).toEqual({ state: 'absent' });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: first.ids! };
    delete (del as { after?: unknown }).after;
    expect(await reconcileAction(syncRuleKind, h.ctx, del)).toEqual({ state: 'absent' });
    await carryOut(syncRuleKind, h.ctx, del);
    await carryOut(syncRuleKind, h.ctx, del);
    expect(await reconcileAction(syncRuleKind, h.ctx, del)).toEqual({ state: 'done' });
    expect(await successfulCalls(estate, 'DeleteRepoSyncRule')).toBe(1);
  });
});
