/**
 * The repository kind's discover mode (ReadContext.discover, set only by adopt) against the emulator:
 * it reads the repositories of namespaces nobody declared, each with its detail; without it (every
 * plan) the kind reads exactly as before: nothing under undeclared namespaces, no GetRepository
 * unless a declaration asks for `detail`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { readLive } from '../../src/plan/planner.js';
import { startEstate, type Estate } from '../support/estate.js';
import { buyInstance, testClock } from '../support/exec.js';

const UID = '1234567890123456';
const kinds = allKinds.filter((k) => ['instance', 'namespace', 'repository'].includes(k.name));

function doc(namespaces: Record<string, object>): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', namespaces } } };
}

describe('repository kind: discover mode', () => {
  const clock = testClock();
  let estate: Estate;
  const getRepositoryCalls = async () => (await estate.t.admin<{ action: string }[]>('GET', '/_emulator/calls')).body.filter((c) => c.action === 'GetRepository').length;

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    const id = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: id, ...params }, estate.keys['prod']!);
    for (const ns of ['declared', 'stray']) await cr('CreateNamespace', { NamespaceName: ns, AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    await cr('CreateRepository', { RepoNamespaceName: 'declared', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'API', Detail: 'the API' });
    await cr('CreateRepository', { RepoNamespaceName: 'stray', RepoName: 'tool', RepoType: 'PUBLIC', Summary: 'Tool', Detail: 'a tool' });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('without it (plans): reads only declared namespaces, and no detail unless declared', async () => {
    const before = await getRepositoryCalls();
    const live = await readLive(kinds, doc({ declared: {} }), [], estate.session);
    expect((live.get('repository') ?? []).map((l) => [l.id, l.spec])).toEqual([]);
    // The repository kind lists only under desired namespaces: with no desired objects, nothing.
    const planned = await readLive(kinds, doc({ declared: {} }), [{ id: 'instance[hz].namespace[declared]', kind: 'namespace', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', namespace: 'declared' }, spec: {}, requires: [] }], estate.session);
    expect((planned.get('repository') ?? []).map((l) => [l.id, l.spec])).toEqual([['instance[hz].namespace[declared].repository[api]', { type: 'PRIVATE', summary: 'API', tagImmutability: false }]]);
    expect(await getRepositoryCalls()).toBe(before);
  });

  it('with it (adopt): reads every namespace with every detail, one GetRepository per repository', async () => {
    const before = await getRepositoryCalls();
    const live = await readLive(kinds, doc({}), [], estate.session, { discover: true });
    expect((live.get('repository') ?? []).map((l) => [l.id, l.container, l.spec]).sort()).toEqual([
      ['instance[hz].namespace[declared].repository[api]', 'instance[hz].namespace[declared]', { type: 'PRIVATE', summary: 'API', tagImmutability: false, detail: 'the API' }],
      ['instance[hz].namespace[stray].repository[tool]', 'instance[hz].namespace[stray]', { type: 'PUBLIC', summary: 'Tool', tagImmutability: false, detail: 'a tool' }],
    ]);
    expect(await getRepositoryCalls()).toBe(before + 2);
  });
});
