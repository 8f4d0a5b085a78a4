import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { instanceKind as instanceKindTyped } from '../../src/kinds/instance.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { namespaceKind as namespaceKindTyped } from '../../src/kinds/namespace.js';
import { repositoryKind as repositoryKindTyped } from '../../src/kinds/repository.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const instanceKind: Kind = instanceKindTyped;
const namespaceKind: Kind = namespaceKindTyped;
const repositoryKind: Kind = repositoryKindTyped;

const UID = '1234567890123456';
const base = { account: 'prod', region: 'cn-hangzhou' as const, edition: 'Advanced' as const };

function doc(instances: Record<string, Partial<Instance> & { name: string }>): RegistryDocument {
  const out: Record<string, Instance> = {};
  for (const [k, v] of Object.entries(instances)) out[k] = { ...base, ...v };
  return { version: 1, accounts: { prod: { uid: UID } }, instances: out };
}

describe('repository: desired', () => {
  const cases: { reason: string; config: RegistryDocument; want: { id: string; spec: Record<string, unknown>; requires: string[]; reason?: string }[] }[] = [
    {
      reason: 'type defaults to the namespace default (PRIVATE), immutability off, no detail unless declared',
      config: doc({ hz: { name: 'acme-hz', namespaces: { a: { repositories: { api: { summary: 'API' } } } } } }),
      want: [{ id: 'instance[hz].namespace[a].repository[api]', spec: { type: 'PRIVATE', summary: 'API', tagImmutability: false }, requires: ['instance[hz].namespace[a]', 'instance[hz]'] }],
    },
    {
      reason: "the namespace's defaultRepoType is the repository's default type; a declared detail is compared",
      config: doc({ hz: { name: 'acme-hz', namespaces: { a: { defaultRepoType: 'PUBLIC', repositories: { api: { summary: 'API', detail: '# API' } } } } } }),
      want: [{ id: 'instance[hz].namespace[a].repository[api]', spec: { type: 'PUBLIC', summary: 'API', tagImmutability: false, detail: '# API' }, requires: ['instance[hz].namespace[a]', 'instance[hz]'] }],
    },
    {
      reason: "a repository-level rule derives the target's repository from the source's effective declaration",
      config: doc({
        hz: {
          name: 'acme-hz',
          namespaces: { a: { defaultRepoType: 'PUBLIC', repositories: { api: { summary: 'API', tagImmutability: true } } } },
          replication: [{ name: 'r1', to: 'bj', level: 'repository', namespace: 'a', repository: 'api' }],
        },
        bj: { name: 'acme-bj' },
      }),
      want: [
        { id: 'instance[hz].namespace[a].repository[api]', spec: { type: 'PUBLIC', summary: 'API', tagImmutability: true }, requires: ['instance[hz].namespace[a]', 'instance[hz]'] },
        {
          id: 'instance[bj].namespace[a].repository[api]',
          spec: { type: 'PUBLIC', summary: 'API', tagImmutability: true },
          requires: ['instance[bj].namespace[a]', 'instance[bj]'],
          reason: 'replication rule hz/r1 copies this repository; configuration copied from instance[hz].namespace[a].repository[api]',
        },
      ],
    },
    {
      reason: 'a target that declares the repository keeps its own declaration (the lint compares them)',
      config: doc({
        hz: { name: 'acme-hz', namespaces: { a: { repositories: { api: { summary: 'API' } } } }, replication: [{ name: 'r1', to: 'bj', level: 'repository', namespace: 'a', repository: 'api' }] },
        bj: { name: 'acme-bj', namespaces: { a: { repositories: { api: { summary: 'API in Beijing' } } } } },
      }),
      want: [
        { id: 'instance[hz].namespace[a].repository[api]', spec: { type: 'PRIVATE', summary: 'API', tagImmutability: false }, requires: ['instance[hz].namespace[a]', 'instance[hz]'] },
        { id: 'instance[bj].namespace[a].repository[api]', spec: { type: 'PRIVATE', summary: 'API in Beijing', tagImmutability: false }, requires: ['instance[bj].namespace[a]', 'instance[bj]'] },
      ],
    },
    {
      reason: 'a rule whose source repository is not declared derives nothing (the lint reports it)',
      config: doc({ hz: { name: 'acme-hz', namespaces: { a: {} }, replication: [{ name: 'r1', to: 'bj', level: 'repository', namespace: 'a', repository: 'api' }] }, bj: { name: 'acme-bj' } }),
      want: [],
    },
    {
      reason: 'a namespace-level rule derives no repository',
      config: doc({ hz: { name: 'acme-hz', namespaces: { a: { repositories: { api: { summary: 'API' } } } }, replication: [{ name: 'r1', to: 'bj', namespace: 'a' }] }, bj: { name: 'acme-bj' } }),
      want: [{ id: 'instance[hz].namespace[a].repository[api]', spec: { type: 'PRIVATE', summary: 'API', tagImmutability: false }, requires: ['instance[hz].namespace[a]', 'instance[hz]'] }],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(repositoryKind.desired(c.config).map((d) => ({ id: d.id, spec: d.spec, requires: d.requires, ...(d.reason ? { reason: d.reason } : {}) }))).toEqual(c.want);
    });
  }
});

describe('repository: diff', () => {
  const d = (spec: Record<string, unknown>): DesiredObject => ({ id: 'r', kind: 'repository', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', namespace: 'a', repository: 'r' }, spec, requires: [] });
  const l = (spec: Record<string, unknown>): LiveObject => ({ id: 'r', kind: 'repository', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', namespace: 'a', repository: 'r' }, spec, ids: {}, container: 'n', prunable: false, requires: [] });
  const live = { type: 'PRIVATE', summary: 'API', tagImmutability: false };
  const cases = [
    { reason: 'equal list fields and no detail declared: nothing to do', desired: { ...live }, live, paths: [] as string[] },
    { reason: 'a live detail is not managed unless declared', desired: { ...live }, live: { ...live, detail: 'x' }, paths: [] },
    { reason: 'every field updates in place', desired: { type: 'PUBLIC', summary: 'new', tagImmutability: true, detail: 'd' }, live: { ...live, detail: '' }, paths: ['detail', 'summary', 'tagImmutability', 'type'] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const changes = diffOf(repositoryKind, d(c.desired), l(c.live)).changes;
      expect(changes.map((x) => x.path)).toEqual(c.paths);
      expect(changes.every((x) => x.impact === 'update')).toBe(true);
    });
  }
});

describe('repository: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const cr = (action: string, params: Record<string, unknown>, id = instanceId) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: id, ...params }, estate.keys['prod']!);
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await cr('CreateNamespace', { NamespaceName: 'team-a' });
    await cr('CreateNamespace', { NamespaceName: 'other' });
    await cr('CreateRepository', { RepoNamespaceName: 'team-a', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'old summary', Detail: 'old' });
    await cr('CreateRepository', { RepoNamespaceName: 'team-a', RepoName: 'stray', RepoType: 'PRIVATE', Summary: 'stray' });
    await cr('CreateRepository', { RepoNamespaceName: 'other', RepoName: 'x', RepoType: 'PUBLIC', Summary: 'x' });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('reads repositories of desired namespaces only; those of undeclared namespaces are not listed', async () => {
    const config = doc({ hz: { name: 'acme-hz', namespaces: { 'team-a': { repositories: { api: { summary: 'API', detail: 'new' }, web: { summary: 'Web', type: 'PUBLIC' } } } } } });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id} ${a.changes.map((c) => c.path).join(',')}`)).toEqual([
      'update instance[hz].namespace[team-a].repository[api] detail,summary',
      'create instance[hz].namespace[team-a].repository[web] ',
    ]);
    expect(plan.unmanaged.map((u) => u.id)).toEqual(['instance[hz].namespace[other]', 'instance[hz].namespace[team-a].repository[stray]']);
  });

  it('creates, updates and prunes; the next plan is empty', async () => {
    const config = doc({
      hz: { name: 'acme-hz', namespaces: { 'team-a': { prune: true, repositories: { api: { summary: 'API', detail: 'new', tagImmutability: true }, web: { summary: 'Web', type: 'PUBLIC' } } }, other: {} } },
    });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([
      'update instance[hz].namespace[team-a].repository[api]',
      'delete instance[hz].namespace[team-a].repository[stray]',
      'create instance[hz].namespace[team-a].repository[web]',
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(result.ids.get('instance[hz].namespace[team-a].repository[web]')).toMatchObject({ repoId: expect.stringMatching(/^crr-/) });
    const next = await planFor(config, estate.session, allKinds);
    expect(next.actions).toEqual([]);
    expect(next.unmanaged.map((u) => u.id)).toEqual(['instance[hz].namespace[other].repository[x]']);
    const api = await cr('GetRepository', { RepoNamespaceName: 'team-a', RepoName: 'api' });
    expect([api['Summary'], api['Detail'], api['TagImmutability']]).toEqual(['API', 'new', true]);
  });

  it('create is idempotent and reconciles by name; delete reconciles done once gone', async () => {
    const config = doc({ hz: { name: 'acme-hz', namespaces: { 'team-a': { repositories: { idem: { summary: 'idem', detail: 'd' } } } } } });
    const plan = await planFor(config, estate.session, allKinds, ['instance[hz].namespace[team-a].repository[idem]']);
    const action = plan.actions[0]!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(repositoryKind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(repositoryKind, h.ctx, action);
    const second = await carryOut(repositoryKind, h.ctx, action);
    expect(second).toEqual(first);
    expect(await successfulCalls(estate, 'CreateRepository')).toBe(1);
    expect(await reconcileAction(repositoryKind, h.ctx, action)).toEqual({ state: 'done', ids: first.ids });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: first.ids! };
    expect(await reconcileAction(repositoryKind, h.ctx, del)).toEqual({ state: 'absent' });
    await carryOut(repositoryKind, h.ctx, del);
    await carryOut(repositoryKind, h.ctx, del);
    expect(await reconcileAction(repositoryKind, h.ctx, del)).toEqual({ state: 'done' });
  });

  it('derives and creates the target namespace and repository of a repository-level rule', async () => {
    await buyInstance(estate, 'prod', 'cn-beijing', 'acme-bj', 'Basic', clock);
    const config = doc({
      hz: { name: 'acme-hz', namespaces: { 'team-a': { repositories: { api: { summary: 'API', detail: 'new', tagImmutability: true } } }, other: {} }, replication: [{ name: 'r1', to: 'bj', level: 'repository', namespace: 'team-a', repository: 'api' }] },
      bj: { name: 'acme-bj', region: 'cn-beijing', edition: 'Basic' },
    });
    const plan = await planFor(config, estate.session, allKinds, ['instance[bj]']);
    expect(plan.actions.map((a) => `${a.type} ${a.id} <- ${a.dependsOn.join(',')}`)).toEqual([
      'create instance[bj].namespace[team-a] <- ',
      'create instance[bj].namespace[team-a].repository[api] <- instance[bj].namespace[team-a]',
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(config, estate.session, allKinds, ['instance[bj]'])).actions).toEqual([]);
  });
});

describe('repository: read cost', () => {
  let estate: Estate;
  const clock = testClock();
  afterAll(async () => {
    await estate?.close();
  });

  it('10,000 repositories cost 100 ListRepository calls; detail costs one GetRepository per repository that declares it', async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    const instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-big', 'Advanced', clock);
    await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateNamespace', { InstanceId: instanceId, NamespaceName: 'big' }, estate.keys['prod']!);
    // Seed 10,000 repositories straight into the emulator's state (10,000 API calls would be slow).
    const { body: state } = await estate.t.admin<{ services: { cr: { instances: Record<string, Record<string, unknown>> } } }>('GET', '/_emulator/state');
    const inst = state.services.cr.instances[instanceId] as {
      repos: Record<string, unknown>;
      repoOrder: string[];
      namespaces: Record<string, { repoOrder: string[]; repoByName: Record<string, string> }>;
      quotas: { repo: number };
    };
    inst.quotas.repo = 20_000;
    for (let i = 0; i < 10_000; i++) {
      const repoId = `crr-seed${String(i).padStart(8, '0')}`;
      inst.repos[repoId] = { repoId, namespace: 'big', name: `r${i}`, repoType: 'PRIVATE', summary: `repo ${i}`, detail: `detail ${i}`, tagImmutability: false, createdAt: clock.now, modifiedAt: clock.now, tags: {} };
      inst.repoOrder.push(repoId);
      inst.namespaces['big']!.repoOrder.push(repoId);
      inst.namespaces['big']!.repoByName[`r${i}`] = repoId;
    }
    expect((await estate.t.admin('PUT', '/_emulator/state', state)).status).toBe(200);

    const repositories: Record<string, { summary: string; detail?: string }> = {};
    for (let i = 0; i < 10_000; i++) repositories[`r${i}`] = { summary: `repo ${i}`, ...(i < 3 ? { detail: `detail ${i}` } : {}) };
    const config = doc({ big: { name: 'acme-big', namespaces: { big: { repositories } } } });
    const before = estate.session.calls.snapshot()['cr'] ?? {};
    const plan = await planFor(config, estate.session, [instanceKind, namespaceKind, repositoryKind]);
    const after = estate.session.calls.snapshot()['cr'] ?? {};
    const delta = (a: string) => (after[a] ?? 0) - (before[a] ?? 0);
    expect(plan.actions).toEqual([]);
    expect(plan.unmanaged).toEqual([]);
    expect(delta('ListRepository')).toBe(100);
    expect(delta('GetRepository')).toBe(3);
    process.stdout.write(`repository read of 10,000 repositories: ${delta('ListRepository')} ListRepository + ${delta('GetRepository')} GetRepository calls\n`);
  }, 120_000);
});
