/**
 * cr 2018-12-01 delivery chains (issue 14 item 7), driven over HTTP by the official openapi-core
 * runtime: Create/Update/Delete/GetChain and ListChain, `ChainConfig` as one JSON string,
 * `ScopeExclude` as a repeat list, response fields checked against cr-2018-12-01.json, the scope
 * types, the documented enums and the checks of the config's graph (SPEC.md "Delivery chains").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';

let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;
let apiRepoId: string;
let teamNamespaceId: string;

const cr = (action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> => t.callRpc('cr', REGION, action, { InstanceId: inst, ...params }, keys);

const node = (NodeName: string, Enable = true, DenyPolicy: Record<string, unknown> = {}) => ({ NodeName, Enable, NodeConfig: { DenyPolicy } });
const route = (from: string, to: string) => ({ From: { NodeName: from }, To: { NodeName: to } });
const CONFIG = {
  Nodes: [
    node('DOCKER_IMAGE_BUILD'),
    node('DOCKER_IMAGE_PUSH'),
    node('VULNERABILITY_SCANNING', true, { IssueLevel: 'HIGH', IssueCount: '1', Logic: 'AND', Action: 'BLOCK' }),
    node('ACTIVATE_REPLICATION', false),
    node('TRIGGER'),
  ],
  Routers: [route('DOCKER_IMAGE_BUILD', 'DOCKER_IMAGE_PUSH'), route('DOCKER_IMAGE_PUSH', 'VULNERABILITY_SCANNING'), route('VULNERABILITY_SCANNING', 'ACTIVATE_REPLICATION'), route('ACTIVATE_REPLICATION', 'TRIGGER')],
};

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account('5757575757575757');
  inst = await buyInstance(t, clock, keys, REGION, 'chains', 'Advanced');
  teamNamespaceId = ((await cr('CreateNamespace', { NamespaceName: 'team', AutoCreateRepo: false })) as { NamespaceId?: string }).NamespaceId ?? '';
  for (const r of ['api', 'web', 'legacy']) await cr('CreateRepository', { RepoNamespaceName: 'team', RepoName: r, RepoType: 'PRIVATE', Summary: 's' });
  const repos = (await cr('ListRepository', { RepoNamespaceName: 'team' }))['Repositories'] as { RepoName: string; RepoId: string }[];
  apiRepoId = repos.find((r) => r.RepoName === 'api')!.RepoId;
  if (teamNamespaceId === '') teamNamespaceId = ((await cr('GetNamespace', { NamespaceName: 'team' })) as { NamespaceId: string }).NamespaceId;
});
afterAll(async () => {
  await t.close();
});

describe('delivery chains', () => {
  it('creates a repository chain with a JSON ChainConfig, lists it without its config, gets it with the config, updates and deletes it', async () => {
    const created = await cr('CreateChain', { Name: 'api-release', Description: 'ship api', RepoNamespaceName: 'team', RepoName: 'api', ChainConfig: JSON.stringify(CONFIG) });
    expectCr('CreateChain', created, ['ChainId']);
    const id = created['ChainId'] as string;
    expect(id).toMatch(/^chi-/);

    const listed = await cr('ListChain', { PageSize: 10 });
    expectCr('ListChain', listed, ['Chains', 'TotalCount']);
    expect(listed['TotalCount']).toBe(1);
    const [item] = listed['Chains'] as Record<string, unknown>[];
    expect(item).toMatchObject({ ChainId: id, Name: 'api-release', Description: 'ship api', InstanceId: inst, ScopeType: 'REPOSITORY', ScopeId: apiRepoId, ScopeExclude: [] });
    expect(item!['ChainConfig']).toBeUndefined();

    const got = await cr('GetChain', { ChainId: id });
    expectCr('GetChain', got, ['ChainConfig.Nodes', 'ChainConfig.Routers', 'ChainConfig.ChainConfigId', 'ScopeType', 'ScopeId']);
    const config = got['ChainConfig'] as { Nodes: unknown[]; Routers: unknown[]; Version: string; IsActive: boolean };
    expect(config.Nodes).toEqual(CONFIG.Nodes);
    expect(config.Routers).toEqual(CONFIG.Routers);
    expect([config.Version, config.IsActive]).toEqual(['1', true]);

    const next = { Nodes: [node('DOCKER_IMAGE_PUSH'), node('VULNERABILITY_SCANNING', true, { IssueLevel: 'MEDIUM', IssueCount: 3, Logic: 'OR', Action: 'BLOCK_RETAG' })], Routers: [route('DOCKER_IMAGE_PUSH', 'VULNERABILITY_SCANNING')] };
    expectCr('UpdateChain', await cr('UpdateChain', { ChainId: id, Name: 'api-release-2', ChainConfig: JSON.stringify(next) }));
    const after = await cr('GetChain', { ChainId: id });
    // A full replacement: the description not sent is cleared; the scope never changes; IssueCount is kept as a string.
    expect([after['Name'], after['Description'], after['ScopeType'], after['ScopeId']]).toEqual(['api-release-2', '', 'REPOSITORY', apiRepoId]);
    expect((after['ChainConfig'] as { Nodes: unknown[]; Version: string }).Nodes).toEqual([node('DOCKER_IMAGE_PUSH'), node('VULNERABILITY_SCANNING', true, { IssueLevel: 'MEDIUM', IssueCount: '3', Logic: 'OR', Action: 'BLOCK_RETAG' })]);
    expect((after['ChainConfig'] as { Version: string }).Version).toBe('2');

    expectCr('DeleteChain', await cr('DeleteChain', { ChainId: id }));
    expectCrError(await cr('DeleteChain', { ChainId: id }), 'CHAIN_NOT_EXIST');
    expectCrError(await cr('GetChain', { ChainId: id }), 'CHAIN_NOT_EXIST');
    expectCrError(await cr('UpdateChain', { ChainId: id, Name: 'x', ChainConfig: '{}' }), 'CHAIN_NOT_EXIST');
  });

  it('scopes a chain to a namespace (ScopeExclude.N of its repositories) or the instance, and filters the list by scope', async () => {
    const ns = await cr('CreateChain', { Name: 'team-wide', RepoNamespaceName: 'team', ScopeExclude: ['legacy', 'web'], ChainConfig: JSON.stringify(CONFIG) });
    expectCr('CreateChain', ns);
    const all = await cr('CreateChain', { Name: 'everything', ChainConfig: JSON.stringify(CONFIG) });
    const repo = await cr('CreateChain', { Name: 'api-only', RepoNamespaceName: 'team', RepoName: 'api', ChainConfig: JSON.stringify(CONFIG) });
    const get = async (id: unknown) => {
      const g = await cr('GetChain', { ChainId: id });
      return [g['ScopeType'], g['ScopeId'], g['ScopeExclude']];
    };
    expect(await get(ns['ChainId'])).toEqual(['NAMESPACE', teamNamespaceId, ['legacy', 'web']]);
    expect(await get(all['ChainId'])).toEqual(['INSTANCE', inst, []]);
    const names = async (params: Record<string, unknown>) => ((await cr('ListChain', params))['Chains'] as { Name: string }[]).map((c) => c.Name);
    expect(await names({ RepoNamespaceName: 'team' })).toEqual(['team-wide', 'api-only']);
    expect(await names({ RepoNamespaceName: 'team', RepoName: 'api' })).toEqual(['api-only']);
    expect(await names({ RepoNamespaceName: 'ghost' })).toEqual([]);
    // UpdateChain replaces the exclusions with what it is sent.
    expectCr('UpdateChain', await cr('UpdateChain', { ChainId: ns['ChainId'], Name: 'team-wide', ChainConfig: JSON.stringify(CONFIG), ScopeExclude: ['web'] }));
    expect(await get(ns['ChainId'])).toEqual(['NAMESPACE', teamNamespaceId, ['web']]);
    for (const c of [ns, all, repo]) await cr('DeleteChain', { ChainId: c['ChainId'] });
  });

  it('pages the list at 1 with an integer TotalCount', async () => {
    for (const name of ['a', 'b', 'c']) await cr('CreateChain', { Name: name, ChainConfig: JSON.stringify(CONFIG) });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const body = await cr('ListChain', { PageNo: page, PageSize: 1 });
      expectCr('ListChain', body);
      expect(body['TotalCount']).toBe(3);
      seen.push(...(body['Chains'] as { Name: string }[]).map((c) => c.Name));
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    const ids = ((await cr('ListChain', {}))['Chains'] as { ChainId: string }[]).map((c) => c.ChainId);
    for (const id of ids) await cr('DeleteChain', { ChainId: id });
  });

  it('refuses bad names, scopes, enums and graphs, and a second chain of the same name', async () => {
    const cfg = (c: unknown) => JSON.stringify(c);
    const invalid: Record<string, unknown>[] = [
      { Name: 'Upper', ChainConfig: cfg(CONFIG) }, // naming rule
      { Name: '-x', ChainConfig: cfg(CONFIG) },
      { Name: 'x', RepoName: 'api', ChainConfig: cfg(CONFIG) }, // RepoName needs the namespace
      { Name: 'x', RepoNamespaceName: 'team', RepoName: 'api', ScopeExclude: ['web'], ChainConfig: cfg(CONFIG) }, // a repository chain excludes none
      { Name: 'x', ChainConfig: 'not json' },
      { Name: 'x', ChainConfig: cfg([]) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('DEPLOY')], Routers: [] }) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('TRIGGER'), node('TRIGGER')], Routers: [] }) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [{ NodeName: 'TRIGGER', Enable: 'yes' }], Routers: [] }) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('VULNERABILITY_SCANNING', true, { IssueLevel: 'CRITICAL' })], Routers: [] }) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('VULNERABILITY_SCANNING', true, { Logic: 'XOR' })], Routers: [] }) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('VULNERABILITY_SCANNING', true, { Action: 'WARN' })], Routers: [] }) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('VULNERABILITY_SCANNING', true, { IssueCount: 'many' })], Routers: [] }) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('DOCKER_IMAGE_PUSH')], Routers: [route('DOCKER_IMAGE_PUSH', 'TRIGGER')] }) }, // a route to an unlisted node
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('TRIGGER')], Routers: [route('TRIGGER', 'TRIGGER')] }) },
      { Name: 'x', ChainConfig: cfg({ Nodes: [node('DOCKER_IMAGE_PUSH'), node('TRIGGER')], Routers: [route('DOCKER_IMAGE_PUSH', 'TRIGGER'), route('DOCKER_IMAGE_PUSH', 'TRIGGER')] }) },
    ];
    for (const params of invalid) await expect(cr('CreateChain', params), JSON.stringify(params)).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateChain', { ChainConfig: cfg(CONFIG) })).rejects.toMatchObject({ code: 'MissingName' });
    expectCrError(await cr('CreateChain', { Name: 'x', RepoNamespaceName: 'ghost' }), 'NAMESPACE_NOT_EXIST');
    expectCrError(await cr('CreateChain', { Name: 'x', RepoNamespaceName: 'team', RepoName: 'ghost' }), 'REPO_NOT_EXIST');
    expectCrError(await cr('CreateChain', { Name: 'x', RepoNamespaceName: 'team', ScopeExclude: ['ghost'] }), 'REPO_NOT_EXIST');

    const first = await cr('CreateChain', { Name: 'dup' });
    expectCr('CreateChain', first);
    // Without a ChainConfig a chain has no nodes and no routes (a guess).
    const bare = (await cr('GetChain', { ChainId: first['ChainId'] }))['ChainConfig'] as { Nodes: unknown[]; Routers: unknown[] };
    expect([bare.Nodes, bare.Routers]).toEqual([[], []]);
    expectCrError(await cr('CreateChain', { Name: 'dup' }), 'CHAIN_ALREADY_EXIST');
    const other = await cr('CreateChain', { Name: 'other' });
    expectCrError(await cr('UpdateChain', { ChainId: other['ChainId'], Name: 'dup', ChainConfig: '{}' }), 'CHAIN_ALREADY_EXIST');
    await expect(cr('UpdateChain', { ChainId: other['ChainId'], Name: 'other' })).rejects.toMatchObject({ code: 'MissingChainConfig' });
    for (const c of [first, other]) await cr('DeleteChain', { ChainId: c['ChainId'] });
  });
});
