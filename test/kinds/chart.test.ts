/**
 * The Helm chart kinds, `chart-namespace` and `chart-repository`, and VPC links of module Chart:
 * desired objects and diffs, then against the emulator: plan (unmanaged, prune), apply, the next plan
 * empty, create idempotent and reconciled after a drop, delete done once gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { chartNamespaceKind as nsTyped } from '../../src/kinds/chart-namespace.js';
import { chartRepositoryKind as repoTyped } from '../../src/kinds/chart-repository.js';
import { vpcLinkKind as vpcTyped } from '../../src/kinds/vpc-link.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const chartNamespaceKind: Kind = nsTyped;
const chartRepositoryKind: Kind = repoTyped;
const vpcLinkKind: Kind = vpcTyped;

const UID = '1234567890123456';

function doc(inst: Partial<Instance>): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', ...inst } } };
}

describe('chart kinds: desired and diff', () => {
  it('a chart namespace gets the defaults; a repository the namespace type and an empty summary unless declared', () => {
    const config = doc({ chartNamespaces: { charts: { defaultRepoType: 'PUBLIC', repositories: { api: {}, web: { type: 'PRIVATE', summary: 'Web' } } }, plain: {} } });
    expect(chartNamespaceKind.desired(config).map((d) => [d.id, d.spec, d.requires])).toEqual([
      ['instance[hz].chart-namespace[charts]', { autoCreateRepo: false, defaultRepoType: 'PUBLIC' }, ['instance[hz]']],
      ['instance[hz].chart-namespace[plain]', { autoCreateRepo: false, defaultRepoType: 'PRIVATE' }, ['instance[hz]']],
    ]);
    expect(chartRepositoryKind.desired(config).map((d) => [d.id, d.spec, d.requires])).toEqual([
      ['instance[hz].chart-namespace[charts].chart-repository[api]', { type: 'PUBLIC', summary: '' }, ['instance[hz].chart-namespace[charts]', 'instance[hz]']],
      ['instance[hz].chart-namespace[charts].chart-repository[web]', { type: 'PRIVATE', summary: 'Web' }, ['instance[hz].chart-namespace[charts]', 'instance[hz]']],
    ]);
  });

  it('every field of both kinds updates in place', () => {
    const d = (kind: string, spec: Record<string, unknown>): DesiredObject => ({ id: 'x', kind, account: 'prod', region: 'cn-hangzhou', key: {}, spec, requires: [] });
    const l = (kind: string, spec: Record<string, unknown>): LiveObject => ({ id: 'x', kind, account: 'prod', region: 'cn-hangzhou', key: {}, spec, ids: {}, container: 'instance[hz]', prunable: false, requires: [] });
    const ns = diffOf(chartNamespaceKind, d('chart-namespace', { autoCreateRepo: true, defaultRepoType: 'PUBLIC' }), l('chart-namespace', { autoCreateRepo: false, defaultRepoType: 'PRIVATE' })).changes;
    expect(ns.map((c) => `${c.path} ${c.impact}`)).toEqual(['autoCreateRepo update', 'defaultRepoType update']);
    const repo = diffOf(chartRepositoryKind, d('chart-repository', { type: 'PUBLIC', summary: 'b' }), l('chart-repository', { type: 'PRIVATE', summary: 'a' })).changes;
    expect(repo.map((c) => `${c.path} ${c.impact}`).sort()).toEqual(['summary update', 'type update']);
  });

  it('a Chart VPC link has its own address; a Registry one keeps the address without the module', () => {
    const config = doc({ vpcEndpoints: [{ vpc: 'vpc-a', vswitch: 'vsw-a' }, { vpc: 'vpc-a', vswitch: 'vsw-a', module: 'Chart' }] });
    expect(vpcLinkKind.desired(config).map((d) => [d.id, d.key])).toEqual([
      ['instance[hz].vpc-link[vpc-a/vsw-a]', { instance: 'hz', vpc: 'vpc-a', vswitch: 'vsw-a' }],
      ['instance[hz].vpc-link[vpc-a/vsw-a/Chart]', { instance: 'hz', vpc: 'vpc-a', vswitch: 'vsw-a', module: 'Chart' }],
    ]);
  });
});

describe('chart kinds: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: instanceId, ...params }, estate.keys['prod']!);
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await cr('CreateChartNamespace', { NamespaceName: 'charts', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    await cr('CreateChartNamespace', { NamespaceName: 'legacy', AutoCreateRepo: true });
    await cr('CreateChartRepository', { RepoNamespaceName: 'charts', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'old' });
    await cr('CreateChartRepository', { RepoNamespaceName: 'charts', RepoName: 'stray', RepoType: 'PUBLIC' });
    await cr('CreateChartRepository', { RepoNamespaceName: 'legacy', RepoName: 'inside', RepoType: 'PUBLIC' });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('reads chart namespaces and the repositories of declared ones: the rest is unmanaged, pruned only with prune', async () => {
    const config = doc({ chartNamespaces: { charts: { repositories: { api: { summary: 'API chart' }, web: {} } } } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([
      'update instance[hz].chart-namespace[charts].chart-repository[api]',
      'create instance[hz].chart-namespace[charts].chart-repository[web]',
    ]);
    expect(plan.unmanaged.map((u) => `${u.id} in ${u.container}`)).toEqual([
      'instance[hz].chart-namespace[charts].chart-repository[stray] in instance[hz].chart-namespace[charts]',
      'instance[hz].chart-namespace[legacy] in instance[hz]',
    ]);
  });

  it('creates, updates and prunes; the next plan is empty', async () => {
    const config = doc({
      prune: true,
      chartNamespaces: { charts: { prune: true, defaultRepoType: 'PUBLIC', repositories: { api: { type: 'PRIVATE', summary: 'API chart' }, web: {} } }, apps: { autoCreateRepo: true, repositories: { svc: { summary: 'svc' } } } },
      vpcEndpoints: [{ vpc: 'vpc-charts', vswitch: 'vsw-charts', module: 'Chart' }],
    });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`).sort()).toEqual(
      [
        'create instance[hz].vpc-link[vpc-charts/vsw-charts/Chart]',
        'update instance[hz].chart-namespace[charts]',
        'create instance[hz].chart-namespace[apps]',
        'delete instance[hz].chart-namespace[legacy]',
        'update instance[hz].chart-namespace[charts].chart-repository[api]',
        'create instance[hz].chart-namespace[charts].chart-repository[web]',
        'delete instance[hz].chart-namespace[charts].chart-repository[stray]',
        'create instance[hz].chart-namespace[apps].chart-repository[svc]',
      ].sort(),
    );
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(result.ids.get('instance[hz].chart-namespace[apps].chart-repository[svc]')).toMatchObject({ instanceId, repoId: expect.stringMatching(/^crcr-/) });
    const next = await planFor(config, estate.session, allKinds);
    expect(next.actions).toEqual([]);
    expect(next.unmanaged).toEqual([]);
    const repos = (await cr('ListChartRepository', { RepoNamespaceName: 'charts' }))['Repositories'] as { RepoName: string; RepoType: string; Summary: string }[];
    expect(repos.map((r) => `${r.RepoName} ${r.RepoType} ${r.Summary}`)).toEqual(['api PRIVATE API chart', 'web PUBLIC ']);
    const chartLinks = (await cr('GetInstanceVpcEndpoint', { ModuleName: 'Chart' }))['LinkedVpcs'] as { VpcId: string }[];
    const registryLinks = (await cr('GetInstanceVpcEndpoint', { ModuleName: 'Registry' }))['LinkedVpcs'] as { VpcId: string }[];
    expect([chartLinks.map((l) => l.VpcId), registryLinks]).toEqual([['vpc-charts'], []]);
  });

  it('create is idempotent and reconciled by name; the same name with another spec is not silently accepted', async () => {
    const config = doc({ chartNamespaces: { extra: { defaultRepoType: 'PUBLIC', repositories: { one: { summary: 'one' } } } } });
    const plan = await planFor(config, estate.session, allKinds);
    const nsAction = plan.actions.find((a) => a.id === 'instance[hz].chart-namespace[extra]')!;
    const repoAction = plan.actions.find((a) => a.id === 'instance[hz].chart-namespace[extra].chart-repository[one]')!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(chartNamespaceKind, h.ctx, nsAction)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    await carryOut(chartNamespaceKind, h.ctx, nsAction);
    await carryOut(chartNamespaceKind, h.ctx, nsAction); // a retry: already there with the same spec
    expect(await successfulCalls(estate, 'CreateChartNamespace')).toBe(1);
    expect(await reconcileAction(chartNamespaceKind, h.ctx, nsAction)).toMatchObject({ state: 'done', ids: { instanceId, namespaceId: expect.stringMatching(/^crcn-/) } });
    await carryOut(chartRepositoryKind, h.ctx, repoAction);
    await carryOut(chartRepositoryKind, h.ctx, repoAction);
    expect(await successfulCalls(estate, 'CreateChartRepository')).toBe(1);
    expect(await reconcileAction(chartRepositoryKind, h.ctx, repoAction)).toMatchObject({ state: 'done', ids: { instanceId, repoId: expect.stringMatching(/^crcr-/) } });
    const other = { ...nsAction, after: { autoCreateRepo: true, defaultRepoType: 'PUBLIC' } };
    await expect(carryOut(chartNamespaceKind, h.ctx, other)).rejects.toMatchObject({ code: 'apply.exists_different' });
    const otherRepo = { ...repoAction, after: { type: 'PRIVATE', summary: 'one' } };
    await expect(carryOut(chartRepositoryKind, h.ctx, otherRepo)).rejects.toMatchObject({ code: 'apply.exists_different' });
    // delete: done only once gone; twice succeeds; deleting the namespace takes its repositories
    const del = (a: typeof nsAction) => ({ ...a, type: 'delete' as const, after: undefined, before: a.after, ids: { instanceId } }) as unknown as typeof a;
    await carryOut(chartNamespaceKind, h.ctx, del(nsAction));
    await carryOut(chartNamespaceKind, h.ctx, del(nsAction));
    expect(await reconcileAction(chartNamespaceKind, h.ctx, del(nsAction))).toEqual({ state: 'done' });
    expect(await reconcileAction(chartRepositoryKind, h.ctx, del(repoAction))).toEqual({ state: 'done' });
    await carryOut(chartRepositoryKind, h.ctx, del(repoAction)); // its namespace is gone: success
  });

  it('a create whose connection drops after it landed is reconciled: done, not sent twice', async () => {
    const config = doc({ chartNamespaces: { dropped: { repositories: { r: { summary: 'r' } } } } });
    const plan = await planFor(config, estate.session, allKinds, ['instance[hz].chart-namespace[dropped]']);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].chart-namespace[dropped]', 'create instance[hz].chart-namespace[dropped].chart-repository[r]']);
    await estate.t.admin('PUT', '/_emulator/faults', { actions: { 'cr:CreateChartNamespace': { dropRate: 1, dropPhase: 'after' }, 'cr:CreateChartRepository': { dropRate: 1, dropPhase: 'after' } } });
    await estate.t.admin('DELETE', '/_emulator/calls');
    try {
      const { result, events } = await applyPlan(plan, allKinds, estate.session, { clock });
      expect(result.status).toBe('complete');
      expect(events.filter((e) => e.code === 'action.reconciled').map((e) => `${e.action}: ${String(e.data?.['state'])}`)).toEqual([
        'instance[hz].chart-namespace[dropped]: done',
        'instance[hz].chart-namespace[dropped].chart-repository[r]: done',
      ]);
    } finally {
      await estate.t.admin('DELETE', '/_emulator/faults');
    }
    const { body } = await estate.t.admin<{ action: string }[]>('GET', '/_emulator/calls');
    expect(body.filter((c) => c.action.startsWith('CreateChart')).map((c) => c.action)).toEqual(['CreateChartNamespace', 'CreateChartRepository']);
    expect((await planFor(config, estate.session, allKinds, ['instance[hz].chart-namespace[dropped]'])).actions).toEqual([]);
  });
});
