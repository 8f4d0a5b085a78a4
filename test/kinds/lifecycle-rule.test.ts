import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import type { LifecycleRule } from '../../src/config/model.generated.js';
import { allKinds } from '../../src/kinds/index.js';
import { lifecycleRuleKind as typed, tagsToDelete } from '../../src/kinds/lifecycle-rule.js';
import type { Kind } from '../../src/plan/kind.js';
import { diffOf } from '../../src/plan/planner.js';
import { cliFor, expectRoundTrip } from '../adopt/support.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const kind: Kind = typed;
const UID = '1234567890123456';
const DIGEST = (n: number): string => n.toString(16).padStart(64, 'd');

function doc(rules: LifecycleRule[], over: Partial<Instance> = {}): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: UID } },
    instances: {
      hz: {
        account: 'prod',
        region: 'cn-hangzhou',
        edition: 'Standard',
        name: 'acme-hz',
        namespaces: { 'team-a': { autoCreateRepo: true, repositories: { api: { summary: 'api' } } }, 'team-b': { autoCreateRepo: true } },
        lifecycleRules: rules,
        ...over,
      },
    },
  };
}

describe('lifecycle-rule: desired and diff', () => {
  it('keys a rule by what it covers, applies defaults, and requires its namespace and repository', () => {
    const found = kind.desired(doc([{ scope: 'instance', retainLatest: 50 }, { scope: 'namespace', namespace: 'team-a', retainLatest: 5, keepTags: 'v.*' }, { scope: 'repository', namespace: 'team-a', repository: 'api', retainLatest: 3, schedule: 'DAY', auto: true, enabled: false }]));
    expect(found.map((d) => [d.id, d.spec, d.requires])).toEqual([
      ['instance[hz].lifecycle-rule[*]', { scope: 'instance', retainLatest: 50, keepTags: '', schedule: 'WEEK', auto: false, enabled: true }, ['instance[hz]']],
      ['instance[hz].lifecycle-rule[team-a]', { scope: 'namespace', namespace: 'team-a', retainLatest: 5, keepTags: 'v.*', schedule: 'WEEK', auto: false, enabled: true }, ['instance[hz]', 'instance[hz].namespace[team-a]']],
      [
        'instance[hz].lifecycle-rule[team-a/api]',
        { scope: 'repository', namespace: 'team-a', repository: 'api', retainLatest: 3, keepTags: '', schedule: 'DAY', auto: true, enabled: false },
        ['instance[hz]', 'instance[hz].namespace[team-a]', 'instance[hz].namespace[team-a].repository[api]'],
      ],
    ]);
  });

  it('every field changes in place', () => {
    const [d] = kind.desired(doc([{ scope: 'namespace', namespace: 'team-a', retainLatest: 5 }]));
    const live = { ...d!, spec: { ...d!.spec, retainLatest: 9, auto: true, keepTags: 'x' }, ids: { instanceId: 'cri-1', ruleId: 'cralr-1' }, container: 'instance[hz]', prunable: false };
    expect(diffOf(kind, d!, live).changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['auto:update', 'keepTags:update', 'retainLatest:update']);
  });

  it('predicts deletions: whole-name keepTags (RE2) first, then the newest retainLatest others', () => {
    const tags = ['r1', 'a', 'b', 'r2', 'c', 'r3x'].map((Tag, i) => ({ Tag, ImageUpdate: String(1000 + i) }));
    expect(tagsToDelete(tags, { retainLatest: 2, keepTags: 'r[0-9]', enabled: true }).sort()).toEqual(['a', 'b']);
    expect(tagsToDelete(tags, { retainLatest: 10, keepTags: '', enabled: true })).toEqual([]);
    expect(tagsToDelete(tags, { retainLatest: 1, keepTags: '', enabled: false })).toEqual([]);
    expect(tagsToDelete(tags, { retainLatest: 1, keepTags: '(?P<n>r[0-9])', enabled: true }).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('lifecycle-rule: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  const cr = (action: string, params: Record<string, unknown>, method: 'GET' | 'POST' = 'POST') => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: hz, ...params }, estate.keys['prod']!, { method });
  const rules = async () => ((await cr('ListArtifactLifecycleRule', {}, 'GET'))['Rules'] as Record<string, unknown>[]).map((r) => [r['Scope'], r['NamespaceName'], r['RepoName'], r['RetentionTagCount'], r['TagRegexp'], r['Auto']]);

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Standard', clock);
    await cr('CreateNamespace', { NamespaceName: 'team-a', AutoCreateRepo: true, DefaultRepoType: 'PRIVATE' });
    await cr('CreateNamespace', { NamespaceName: 'team-b', AutoCreateRepo: true, DefaultRepoType: 'PRIVATE' });
    await cr('CreateRepository', { RepoNamespaceName: 'team-a', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'api' });
    // 12 tags in team-a/api, 3 in team-a/web, 4 in team-b/tool; releases are kept by name.
    let n = 0;
    for (const [repo, ns, tags] of [
      ['api', 'team-a', ['release-1', 'c1', 'c2', 'c3', 'release-2', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']],
      ['web', 'team-a', ['w1', 'w2', 'w3']],
      ['tool', 'team-b', ['t1', 't2', 't3', 't4']],
    ] as const) {
      for (const tag of tags) {
        clock.advance(1000);
        const r = await estate.t.admin('POST', `/_emulator/cr/instances/${hz}/images`, { namespace: ns, repository: repo, tag, digest: DIGEST(n++), size: 10 });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
    }
    // A rule made by hand on team-b.
    await cr('CreateArtifactLifecycleRule', { Scope: 'NAMESPACE', NamespaceName: 'team-b', RetentionTagCount: 2 });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('plans a new rule with what it would delete from the live tags; the undeclared rule is unmanaged', async () => {
    const cfg = doc([{ scope: 'namespace', namespace: 'team-a', retainLatest: 2, keepTags: 'release-.*', auto: true }], { namespaces: { 'team-a': { autoCreateRepo: true, repositories: { api: { summary: 'api' }, web: { summary: 'web' } } }, 'team-b': { autoCreateRepo: true } } });
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.filter((a) => a.kind === 'lifecycle-rule').map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].lifecycle-rule[team-a]']);
    expect(plan.unmanaged.filter((u) => u.kind === 'lifecycle-rule').map((u) => u.id)).toEqual(['instance[hz].lifecycle-rule[team-b]']);
    // api: 12 tags, 2 releases kept, 2 newest kept: 8 go; web: 3 tags, 1 goes.
    expect(plan.findings.filter((f) => f.id === 'retention/would-delete').map((f) => `${f.severity} ${f.where}: ${f.message}`)).toEqual([
      'warning instance[hz].lifecycle-rule[team-a]: at its next run (automatic, every week) this rule would delete 9 tags in 2 repositories (of 15 tags in 2 repositories in its scope)',
    ]);
  });

  it('applies, reads back exactly (the next plan is empty, no preview for an unchanged rule), and a run deletes what the plan said', async () => {
    const cfg = doc([{ scope: 'repository', namespace: 'team-a', repository: 'api', retainLatest: 3, keepTags: 'release-.*' }]);
    const plan = await planFor(cfg, estate.session, allKinds);
    const finding = plan.findings.find((f) => f.id === 'retention/would-delete')!;
    expect(finding.message).toContain('would delete 7 tags in 1 repository (of 12 tags in 1 repository');
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    const next = await planFor(cfg, estate.session, allKinds);
    expect(next.actions).toEqual([]);
    expect(next.findings.filter((f) => f.id === 'retention/would-delete')).toEqual([]);
    const id = result.ids.get('instance[hz].lifecycle-rule[team-a/api]')!['ruleId']!;
    expect(id).toMatch(/^cralr-/);
    const run = await estate.t.admin<{ deleted: string[] }>('POST', `/_emulator/cr/instances/${hz}/lifecycle-rules/${id}/run`);
    expect(run.body.deleted.length).toBe(7);
    // Nothing left to delete: a changed rule now previews against the tags that remain.
    const changed = doc([{ scope: 'repository', namespace: 'team-a', repository: 'api', retainLatest: 1, keepTags: 'release-.*' }]);
    const again = await planFor(changed, estate.session, allKinds);
    expect(again.actions.map((a) => `${a.type} ${a.id} ${a.changes.map((c) => c.path).join(',')}`)).toEqual(['update instance[hz].lifecycle-rule[team-a/api] retainLatest']);
    expect(again.findings.find((f) => f.id === 'retention/would-delete')!.message).toContain('would delete 2 tags in 1 repository (of 5 tags');
  });

  it('updates in place; a changed scope is another rule; prune deletes the rule made by hand', async () => {
    const cfg = doc([{ scope: 'repository', namespace: 'team-a', repository: 'api', retainLatest: 4, keepTags: 'v.*', auto: true, schedule: 'MONTH' }, { scope: 'instance', retainLatest: 100 }], { prune: true });
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.filter((a) => a.kind === 'lifecycle-rule').map((a) => `${a.type} ${a.id}`)).toEqual([
      'create instance[hz].lifecycle-rule[*]',
      'update instance[hz].lifecycle-rule[team-a/api]',
      'delete instance[hz].lifecycle-rule[team-b]',
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(cfg, estate.session, allKinds)).actions).toEqual([]);
    expect((await rules()).sort()).toEqual([
      ['INSTANCE', '', '', 100, '', false],
      ['REPO', 'team-a', 'api', 4, 'v.*', true],
    ]);
  });

  it('create reconciles by target and is idempotent; delete accepts a rule already gone', async () => {
    const cfg = doc([{ scope: 'namespace', namespace: 'team-b', retainLatest: 6 }]);
    const plan = await planFor(cfg, estate.session, allKinds);
    const action = plan.actions.find((a) => a.id === 'instance[hz].lifecycle-rule[team-b]')!;
    expect(action.type).toBe('create');
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(kind, h.ctx, action);
    // An interrupted run that did send the create: observe finds it by target, done.
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'done', ids: first.ids });
    const second = await carryOut(kind, h.ctx, action); // LIFECYCLE_RULE_ALREADY_EXIST with the same rule is success
    expect(second).toEqual(first);
    expect(await successfulCalls(estate, 'CreateArtifactLifecycleRule')).toBe(1);
    const other = { ...action, after: { ...action.after, retainLatest: 99 } };
    await expect(carryOut(kind, h.ctx, other)).rejects.toMatchObject({ code: 'apply.exists_different' });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: first.ids! };
    delete (del as { after?: unknown }).after;
    await carryOut(kind, h.ctx, del);
    await carryOut(kind, h.ctx, del);
    expect(await reconcileAction(kind, h.ctx, del)).toEqual({ state: 'done' });
    expect(await successfulCalls(estate, 'DeleteArtifactLifecycleRule')).toBe(1);
  });

});

describe('lifecycle-rule: adopt', () => {
  const clock = testClock();
  let estate: Estate;
  let cwd: string;
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-lifecycle-'));
  });
  afterAll(async () => {
    await estate.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('adopts every rule (in natural-key order), defaults left out, and a plan of the adopted file shows no changes', async () => {
    const hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Standard', clock);
    const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: hz, ...params }, estate.keys['prod']!);
    await cr('CreateNamespace', { NamespaceName: 'team-a', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    await cr('CreateNamespace', { NamespaceName: 'team-b', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    await cr('CreateRepository', { RepoNamespaceName: 'team-a', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'api' });
    await cr('CreateArtifactLifecycleRule', { Scope: 'INSTANCE', RetentionTagCount: 100 });
    await cr('CreateArtifactLifecycleRule', { Scope: 'REPO', NamespaceName: 'team-a', RepoName: 'api', RetentionTagCount: 4, TagRegexp: 'v.*', ScheduleTime: 'MONTH', Auto: true });
    await cr('CreateArtifactLifecycleRule', { Scope: 'NAMESPACE', NamespaceName: 'team-b', RetentionTagCount: 7, TagRegexp: 'keep-.*', ScheduleTime: 'DAY', Auto: true, EnableDeleteTag: false });
    const cli = cliFor(estate.t, cwd);
    const r = await cli(['adopt', '--account', `prod=${UID}`, '-o', 'adopted.yaml']);
    expect(r.code, r.stderr).toBe(0);
    const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { lifecycleRules?: unknown[] }> };
    expect(Object.values(adopted.instances)[0]!.lifecycleRules).toEqual([
      { scope: 'instance', retainLatest: 100 },
      { scope: 'repository', namespace: 'team-a', repository: 'api', retainLatest: 4, keepTags: 'v.*', schedule: 'MONTH', auto: true },
      { scope: 'namespace', namespace: 'team-b', retainLatest: 7, keepTags: 'keep-.*', schedule: 'DAY', auto: true, enabled: false },
    ]);
    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  });
});
