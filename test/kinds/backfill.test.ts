import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kind } from '../../src/plan/kind.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Backfill, RegistryDocument, ReplicationRule } from '../../src/config/model.js';
import { loadConfig } from '../../src/config/load.js';
import { backfillFindings, backfillKind as backfillKindTyped, planBackfills, tagMatcher } from '../../src/kinds/backfill.js';
import { allKinds } from '../../src/kinds/index.js';
import { replicationRules } from '../../src/kinds/replication.js';
import type { TagLive } from '../../src/kinds/tag.js';
import type { Action } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';
import { languageReferences } from '../../src/kinds/language.js';

/** Every kind's reference checks, as the CLI runs them. */
const REFS = languageReferences(allKinds);

/** The kind as the engine sees it (the tests build plain objects). */
const backfillKind: Kind = backfillKindTyped;

const PROD = '1234567890123456';
const D = (c: string) => c.repeat(64);

function doc(rule: Partial<ReplicationRule> & { backfill?: Backfill }): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: PROD } },
    instances: {
      hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', namespaces: { 'team-a': { autoCreateRepo: true } }, replication: [{ name: 'to-bj', to: 'bj', namespace: 'team-a', ...rule }] },
      bj: { account: 'prod', region: 'cn-beijing', edition: 'Basic', name: 'acme-bj', namespaces: { 'team-a': { autoCreateRepo: true } } },
    },
  };
}

function tag(instance: string, repository: string, name: string, digest: string, updatedAt: number, sizeBytes = 5_000_000): TagLive {
  return {
    id: `instance[${instance}].namespace[team-a].repository[${repository}].tag[${name}]`,
    kind: 'tag',
    account: 'prod',
    region: instance === 'hz' ? 'cn-hangzhou' : 'cn-beijing',
    instance,
    key: { instance, namespace: 'team-a', repository, tag: name },
    spec: { digest, sizeBytes, updatedAt },
    ids: { instanceId: `cri-${instance}`, repoId: `crr-${instance}-${repository}` },
    container: '',
    prunable: false,
    requires: [],
  };
}

describe('backfill: which tags are copied', () => {
  const source = [
    tag('hz', 'api', 'v1', D('1'), 1),
    tag('hz', 'api', 'v2', D('2'), 2),
    tag('hz', 'api', 'v3', D('3'), 3),
    tag('hz', 'api', 'v10', D('a'), 4),
    tag('hz', 'api', 'latest', D('3'), 5),
    tag('hz', 'web', 'v1', D('b'), 1),
  ];
  const cases: { reason: string; rule: Partial<ReplicationRule> & { backfill: Backfill }; tags: TagLive[]; copies: string[]; conflicts?: string[] }[] = [
    {
      reason: 'namespace level: the newest N per repository of every source repository, filtered by the rule filter',
      rule: { tagFilter: 'v.*', backfill: { latest: 2 } },
      tags: source,
      copies: ['team-a/api:v10', 'team-a/api:v3', 'team-a/web:v1'],
    },
    {
      reason: 'the backfill filter overrides the rule filter, and matches whole tags only (v1 is not v10)',
      rule: { tagFilter: '.*', backfill: { latest: 5, tagFilter: 'v1' } },
      tags: source,
      copies: ['team-a/api:v1', 'team-a/web:v1'],
    },
    {
      reason: 'repository level: only that repository',
      rule: { level: 'repository', repository: 'web', backfill: { latest: 5 } },
      tags: source,
      copies: ['team-a/web:v1'],
    },
    {
      reason: 'tags already in the target with the same digest are not copied; another digest is skipped and reported',
      rule: { tagFilter: 'v.*', backfill: { latest: 2 } },
      tags: [...source, tag('bj', 'api', 'v10', D('a'), 9), tag('bj', 'api', 'v3', D('f'), 9)],
      copies: ['team-a/web:v1'],
      conflicts: ['instance[hz].replication[to-bj].backfill[team-a/api:v3]'],
    },
    {
      reason: 'with overwrite, a target tag with another digest is copied over',
      rule: { tagFilter: 'v.*', backfill: { latest: 2, overwrite: true } },
      tags: [...source, tag('bj', 'api', 'v3', D('f'), 9)],
      copies: ['team-a/api:v10', 'team-a/api:v3', 'team-a/web:v1'],
    },
    {
      reason: 'equal update times are ordered by tag name',
      rule: { backfill: { latest: 1 } },
      tags: [tag('hz', 'api', 'b', D('1'), 7), tag('hz', 'api', 'a', D('2'), 7)],
      copies: ['team-a/api:a'],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const plan = planBackfills(replicationRules(doc(c.rule)), c.tags);
      expect(plan.objects.map((o) => `${o.spec['namespace']}/${o.spec['repository']}:${o.spec['tag']}`).sort()).toEqual(c.copies);
      expect(plan.conflicts.map((x) => x.address)).toEqual(c.conflicts ?? []);
      for (const o of plan.objects) {
        expect(o.kind).toBe('backfill');
        expect(o.requires[0]).toBe('instance[hz].replication[to-bj]');
        expect(o.requires.slice(1)).toEqual([`instance[hz].namespace[team-a].repository[${o.spec['repository']}].tag[${o.spec['tag']}]`, 'instance[hz]', 'instance[bj]']);
        expect(o.reason).toBe('backfill of replication rule to-bj');
        expect(o.summary).toMatch(/^copy team-a\/\w+:\w+ \(5\.0 MB\)/);
      }
    });
  }
  it('derive classifies each copy as a run', () => {
    expect(backfillKind.classify!({ id: 'x', kind: 'backfill', account: 'a', region: 'r', key: {}, spec: {}, requires: [] }, undefined, undefined)).toBe('run');
  });
  it('findings: digest conflicts, and a rule above the task threshold recommends the OSS route', () => {
    const many = Array.from({ length: 1002 }, (_, i) => tag('hz', `r${i}`, 'v1', D('1'), 1));
    const plan = planBackfills(replicationRules(doc({ backfill: { latest: 1 } })), [...many, tag('bj', 'r0', 'v1', D('2'), 1)]);
    const findings = backfillFindings(plan);
    expect(findings.map((f) => `${f.id} ${f.severity} ${f.where}`)).toEqual([
      'backfill-digest-conflict warning instance[hz].replication[to-bj].backfill[team-a/r0:v1]',
      'backfill-above-threshold warning instance[hz].replication[to-bj]',
    ]);
    expect(findings[1]!.message).toContain("1001 sync tasks");
    expect(findings[1]!.message).toContain('from: oss');
    expect(backfillFindings(planBackfills(replicationRules(doc({ backfill: { latest: 1 } })), many.slice(0, 1000)))).toEqual([]);
  });
  it('filters are RE2, anchored, and a non-RE2 filter is a plan error', () => {
    expect(tagMatcher('v[0-9]+', 'w').test('v12')).toBe(true);
    expect(tagMatcher('v[0-9]+', 'w').test('xv12')).toBe(false);
    expect(tagMatcher('a|b', 'w').test('ab')).toBe(false);
    expect(() => tagMatcher('(?!x)', 'w')).toThrow(/not RE2/);
  });
});

describe('backfill against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  let bj: string;
  const push = async (id: string, repository: string, tagName: string, digest: string) => {
    clock.advance(1000);
    const r = await estate.t.admin('POST', `/_emulator/cr/instances/${id}/images`, { namespace: 'team-a', repository, tag: tagName, digest, size: 3_000_000 });
    expect(r.status).toBe(200);
  };
  const targetDigest = async (repository: string, tagName: string) => {
    const repos = (await estate.t.callRpc('cr', 'cn-beijing', 'ListRepository', { InstanceId: bj, RepoNamespaceName: 'team-a' }, estate.keys['prod']!))['Repositories'] as { RepoName: string; RepoId: string }[];
    const repo = repos.find((r) => r.RepoName === repository);
    if (!repo) return undefined;
    const tags = (await estate.t.callRpc('cr', 'cn-beijing', 'ListRepoTag', { InstanceId: bj, RepoId: repo.RepoId }, estate.keys['prod']!))['Images'] as { Tag: string; Digest: string }[];
    return tags.find((t) => t.Tag === tagName)?.Digest;
  };

  beforeAll(async () => {
    estate = await startEstate({ prod: PROD }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    bj = await buyInstance(estate, 'prod', 'cn-beijing', 'acme-bj', 'Basic', clock);
    for (const [region, id] of [['cn-hangzhou', hz], ['cn-beijing', bj]] as const) {
      await estate.t.callRpc('cr', region, 'CreateNamespace', { InstanceId: id, NamespaceName: 'team-a', AutoCreateRepo: true }, estate.keys['prod']!);
    }
    await push(hz, 'api', 'v1', D('1'));
    await push(hz, 'api', 'v2', D('2'));
    await push(hz, 'api', 'v3', D('3'));
    await push(hz, 'api', 'dev', D('4'));
    await push(hz, 'web', 'v1', D('5'));
    await push(bj, 'api', 'v3', D('3')); // already there: nothing to copy
    await push(bj, 'api', 'v2', D('f')); // another digest: skipped and reported
  });
  afterAll(async () => {
    await estate.close();
  });

  it('tags are read only for backfill rules: without backfill no ListRepoTag at all', async () => {
    await estate.t.admin('DELETE', '/_emulator/calls');
    await planFor(doc({ tagFilter: 'v.*' }), estate.session, allKinds);
    const { body } = await estate.t.admin<{ action: string }[]>('GET', '/_emulator/calls');
    expect(body.filter((c) => c.action === 'ListRepoTag')).toEqual([]);
  });

  it('plans one run per missing tag behind the rule, reports the digest conflict, applies, and the next plan is empty', async () => {
    const config = doc({ tagFilter: 'v.*', backfill: { latest: 2 } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].replication[to-bj]', 'run instance[hz].replication[to-bj].backfill[team-a/web:v1]']);
    const run = plan.actions[1]!;
    expect(run.dependsOn).toEqual(['instance[hz].replication[to-bj]']);
    expect(run.reason).toBe('backfill of replication rule to-bj');
    expect(run.summary).toBe('copy team-a/web:v1 (3.0 MB)');
    expect(plan.refs['instance[hz].namespace[team-a].repository[web].tag[v1]']).toMatchObject({ repoId: expect.stringMatching(/^crr-/) });
    expect(plan.summary.tasks).toBe(1);
    expect(plan.findings.map((f) => `${f.id} ${f.where}`)).toEqual(['backfill-digest-conflict instance[hz].replication[to-bj].backfill[team-a/api:v2]']);
    await estate.t.admin('DELETE', '/_emulator/calls');
    const { result, events } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status, JSON.stringify(events.filter((e) => e.level === 'error'))).toBe('complete');
    expect(result.ids.get(run.id)).toMatchObject({ syncTaskId: expect.any(String) });
    expect(await successfulCalls(estate, 'CreateRepoSyncTask')).toBe(1);
    expect(await targetDigest('web', 'v1')).toBe(D('5'));
    const next = await planFor(config, estate.session, allKinds);
    expect(next.actions).toEqual([]);
  });

  it('a task that ends in ERROR fails the action with its TaskIssue', async () => {
    const config = doc({ tagFilter: 'v.*', backfill: { latest: 2, overwrite: true } });
    const plan = await planFor(config, estate.session, allKinds);
    const run = plan.actions.find((a) => a.type === 'run')!;
    expect(run.id).toBe('instance[hz].replication[to-bj].backfill[team-a/api:v2]');
    const noOverride = { ...run, after: { ...run.after, overwrite: false } } as Action;
    const h = execContext({ cloud: estate.session, clock, ids: { ...plan.refs, 'instance[hz]': { instanceId: hz }, 'instance[bj]': { instanceId: bj } } });
    await expect(carryOut(backfillKind, h.ctx, noOverride)).rejects.toMatchObject({ code: 'apply.sync_task_failed', message: expect.stringContaining('ERROR') });
  });

  it('with overwrite the conflicting tag is copied over; never twice', async () => {
    const config = doc({ tagFilter: 'v.*', backfill: { latest: 2, overwrite: true } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['run instance[hz].replication[to-bj].backfill[team-a/api:v2]']);
    expect(plan.findings).toEqual([]);
    expect(plan.actions[0]!.summary).toContain('overwriting the target tag');
    const { result, events } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status, JSON.stringify(events.filter((e) => e.level === 'error'))).toBe('complete');
    expect(await targetDigest('api', 'v2')).toBe(D('2'));
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });

  it('reconcile: absent, then pending while a landed task runs (apply waits on it, no second task), then done', async () => {
    await push(hz, 'api', 'old-1', D('6')); // does not match the rule filter: no automatic copy
    const action: Action = {
      id: 'instance[hz].replication[to-bj].backfill[team-a/api:old-1]', kind: 'backfill', type: 'run', account: 'prod', region: 'cn-hangzhou', instance: 'hz',
      key: { instance: 'hz', rule: 'to-bj', namespace: 'team-a', repository: 'api', tag: 'old-1' },
      after: { namespace: 'team-a', repository: 'api', tag: 'old-1', digest: D('6'), sizeBytes: 3_000_000, targetInstance: 'bj', targetAccount: 'prod', targetRegion: 'cn-beijing', targetAccountUid: PROD, overwrite: false },
      changes: [], dependsOn: [],
    };
    const repos = (await estate.t.callRpc('cr', 'cn-hangzhou', 'ListRepository', { InstanceId: hz, RepoNamespaceName: 'team-a' }, estate.keys['prod']!))['Repositories'] as { RepoName: string; RepoId: string }[];
    const repoId = repos.find((r) => r.RepoName === 'api')!.RepoId;
    const ids = { 'instance[hz]': { instanceId: hz }, 'instance[bj]': { instanceId: bj }, 'instance[hz].namespace[team-a].repository[api].tag[old-1]': { instanceId: hz, repoId } };
    const h = execContext({ cloud: estate.session, clock, ids });
    expect(await reconcileAction(backfillKind, h.ctx, action)).toEqual({ state: 'absent' });
    // An earlier run's call landed, then the process died.
    const landed = await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateRepoSyncTask', {
      InstanceId: hz, RepoId: repoId, Tag: 'old-1', TargetInstanceId: bj, TargetRegionId: 'cn-beijing', TargetNamespace: 'team-a', TargetRepoName: 'api', TargetTag: 'old-1',
    }, estate.keys['prod']!);
    const taskId = String(landed['SyncTaskId']);
    const reconciled = await reconcileAction(backfillKind, h.ctx, action);
    expect(reconciled).toEqual({ state: 'pending', ids: { syncTaskId: taskId } });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const resumed = execContext({ cloud: estate.session, clock, ids, reconciled });
    expect(await carryOut(backfillKind, resumed.ctx, action)).toEqual({ ids: { syncTaskId: taskId } });
    expect(resumed.intents).toEqual([]);
    expect(await successfulCalls(estate, 'CreateRepoSyncTask')).toBe(0);
    expect(await reconcileAction(backfillKind, h.ctx, action)).toEqual({ state: 'done', ids: { syncTaskId: taskId } });
  });
});

describe('examples/cross-account-replication end to end', () => {
  const clock = testClock();
  let estate: Estate;
  beforeAll(async () => {
    estate = await startEstate({ prod: PROD, partner: '6543210987654321' }, { emulator: { now: () => clock.now } });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('from nothing: instances, namespaces, RAM and rules in one apply; pushed images are then backfilled; every second plan is empty', async () => {
    const loaded = await loadConfig('examples/cross-account-replication/registry.yaml', { references: REFS });
    expect(loaded.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const config = loaded.document!;
    const first = await planFor(config, estate.session, allKinds);
    const kinds = [...new Set(first.actions.map((a) => a.kind))].sort();
    expect(kinds).toEqual(['instance', 'namespace', 'ram-attachment', 'ram-policy', 'ram-role', 'repository', 'sync-rule']);
    let applied = await applyPlan(first, allKinds, estate.session, { clock });
    expect(applied.result.status, JSON.stringify(applied.events.filter((e) => e.level === 'error'))).toBe('complete');
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);

    // Images that predate the rules: drop the rules, push, and plan again.
    const hz = applied.result.ids.get('instance[hz-main]')!['instanceId']!;
    const call = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: hz, ...params }, estate.keys['prod']!);
    for (const r of (await call('ListRepoSyncRule', {}))['SyncRules'] as { SyncRuleId: string }[]) await call('DeleteRepoSyncRule', { SyncRuleId: r.SyncRuleId });
    const pushes = [['team-a', 'api', 'v1.0.0', '1'], ['team-a', 'api', 'v1.1.0', '2'], ['team-a', 'api', 'nightly', '3'], ['team-a', 'web', 'v2.0.0', '4'], ['shared', 'base', 'old', '5']] as const;
    for (const [namespace, repository, tagName, digest] of pushes) {
      clock.advance(1000);
      await estate.t.admin('POST', `/_emulator/cr/instances/${hz}/images`, { namespace, repository, tag: tagName, digest: D(digest), size: 1_000_000 });
    }
    const second = await planFor(config, estate.session, allKinds);
    expect(second.actions.map((a) => `${a.type} ${a.id}`)).toEqual([
      'create instance[hz-main].replication[base-to-partner]',
      'run instance[hz-main].replication[base-to-partner].backfill[shared/base:old]',
      'create instance[hz-main].replication[team-a-to-partner]',
      'run instance[hz-main].replication[team-a-to-partner].backfill[team-a/api:v1.0.0]',
      'run instance[hz-main].replication[team-a-to-partner].backfill[team-a/api:v1.1.0]',
      'run instance[hz-main].replication[team-a-to-partner].backfill[team-a/web:v2.0.0]',
    ]);
    applied = await applyPlan(second, allKinds, estate.session, { clock });
    expect(applied.result.status, JSON.stringify(applied.events.filter((e) => e.level === 'error'))).toBe('complete');
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });
});
