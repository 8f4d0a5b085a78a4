/**
 * cr 2018-12-01 Helm charts in the emulator, driven by the official openapi-core runtime: chart
 * namespaces and chart repositories (Create/Get/List/Update/Delete), response fields and types
 * checked against cr-2018-12-01.json, string TotalCount paging, the documented errors, a namespace
 * delete taking its repositories, usage counted; and VPC links of module Chart kept apart from
 * Registry ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';
const UID = '1111111111111111';
let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;

const cr = (action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> => t.callRpc('cr', REGION, action, { InstanceId: inst, ...params }, keys);

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account(UID);
  inst = await buyInstance(t, clock, keys, REGION, 'charts-conf');
});
afterAll(async () => t?.close());

describe('chart namespaces', () => {
  it('creates, gets, lists, updates and deletes a chart namespace', async () => {
    expectCr('CreateChartNamespace', await cr('CreateChartNamespace', { NamespaceName: 'helm', AutoCreateRepo: true, DefaultRepoType: 'PUBLIC' }));
    const got = await cr('GetChartNamespace', { NamespaceName: 'helm' });
    expectCr('GetChartNamespace', got, ['NamespaceId', 'NamespaceName', 'NamespaceStatus', 'AutoCreateRepo', 'DefaultRepoType', 'InstanceId']);
    expect(got).toMatchObject({ NamespaceName: 'helm', NamespaceStatus: 'NORMAL', AutoCreateRepo: true, DefaultRepoType: 'PUBLIC', InstanceId: inst });
    expect(got['NamespaceId']).toMatch(/^crcn-/);
    expectCr('UpdateChartNamespace', await cr('UpdateChartNamespace', { NamespaceName: 'helm', AutoCreateRepo: false }));
    const list = await cr('ListChartNamespace', { NamespaceName: 'helm' });
    expectCr('ListChartNamespace', list, ['Namespaces', 'TotalCount', 'PageNo', 'PageSize']);
    expect(list).toMatchObject({ TotalCount: '1', Namespaces: [{ NamespaceName: 'helm', AutoCreateRepo: false, DefaultRepoType: 'PUBLIC' }] });
    expectCr('DeleteChartNamespace', await cr('DeleteChartNamespace', { NamespaceName: 'helm' }));
    expectCrError(await cr('GetChartNamespace', { NamespaceName: 'helm' }), 'CHART_NAMESPACE_NOT_EXIST');
  });

  it('defaults to no auto-create and PRIVATE; refuses a duplicate, a bad name, a bad type and an unknown namespace', async () => {
    await cr('CreateChartNamespace', { NamespaceName: 'plain' });
    expect(await cr('GetChartNamespace', { NamespaceName: 'plain' })).toMatchObject({ AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    expectCrError(await cr('CreateChartNamespace', { NamespaceName: 'plain' }), 'CHART_NAMESPACE_ALREADY_EXIST');
    await expect(cr('CreateChartNamespace', { NamespaceName: '-bad' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateChartNamespace', { NamespaceName: 'typed', DefaultRepoType: 'SECRET' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateChartNamespace', {})).rejects.toMatchObject({ code: 'MissingNamespaceName' });
    expectCrError(await cr('UpdateChartNamespace', { NamespaceName: 'nope', AutoCreateRepo: true }), 'CHART_NAMESPACE_NOT_EXIST');
    expectCrError(await cr('DeleteChartNamespace', { NamespaceName: 'nope' }), 'CHART_NAMESPACE_NOT_EXIST');
    expectCrError(await t.callRpc('cr', REGION, 'ListChartNamespace', { InstanceId: 'cri-nope' }, keys), 'INSTANCE_NOT_EXIST');
  });

  it('pages with a string TotalCount at 1, 7 and 100', async () => {
    for (let i = 0; i < 8; i++) await cr('CreateChartNamespace', { NamespaceName: `page-${i}` });
    const total = Number((await cr('ListChartNamespace', { PageSize: 100 }))['TotalCount']);
    for (const size of [1, 7, 100]) {
      const names: string[] = [];
      for (let page = 1; ; page++) {
        const body = await cr('ListChartNamespace', { PageNo: page, PageSize: size });
        expectCr('ListChartNamespace', body, ['Namespaces', 'TotalCount', 'PageNo', 'PageSize']);
        expect(typeof body['TotalCount']).toBe('string');
        const items = body['Namespaces'] as { NamespaceName: string }[];
        names.push(...items.map((n) => n.NamespaceName));
        if (items.length < size) break;
      }
      expect(names.length).toBe(total);
      expect(new Set(names).size).toBe(total);
    }
  });
});

describe('chart repositories', () => {
  it('creates (type defaulting to the namespace type), gets, lists, updates and deletes a chart repository', async () => {
    await cr('CreateChartNamespace', { NamespaceName: 'apps', DefaultRepoType: 'PUBLIC' });
    const created = await cr('CreateChartRepository', { RepoNamespaceName: 'apps', RepoName: 'api', Summary: 'API chart' });
    expectCr('CreateChartRepository', created, ['RepoId']);
    expect(created['RepoId']).toMatch(/^crcr-/);
    const got = await cr('GetChartRepository', { RepoNamespaceName: 'apps', RepoName: 'api' });
    expectCr('GetChartRepository', got, ['RepoId', 'RepoName', 'RepoNamespaceName', 'RepoStatus', 'RepoType', 'Summary', 'CreateTime', 'ModifiedTime']);
    expect(got).toMatchObject({ RepoId: created['RepoId'], RepoType: 'PUBLIC', Summary: 'API chart', RepoStatus: 'NORMAL' });
    expect(typeof got['CreateTime']).toBe('number');
    expectCr('UpdateChartRepository', await cr('UpdateChartRepository', { RepoNamespaceName: 'apps', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'new' }));
    await cr('CreateChartRepository', { RepoNamespaceName: 'apps', RepoName: 'web', RepoType: 'PRIVATE' });
    const list = await cr('ListChartRepository', { RepoNamespaceName: 'apps', RepoStatus: 'ALL' });
    expectCr('ListChartRepository', list, ['Repositories', 'TotalCount', 'PageNo', 'PageSize']);
    expect(list['TotalCount']).toBe('2');
    expect((list['Repositories'] as { RepoName: string; RepoType: string; Summary: string }[]).map((r) => `${r.RepoName} ${r.RepoType} ${r.Summary}`)).toEqual(['api PRIVATE new', 'web PRIVATE ']);
    expect((await cr('ListChartRepository', { RepoName: 'web' }))['Repositories']).toMatchObject([{ RepoNamespaceName: 'apps', RepoName: 'web' }]);
    expect(await cr('GetInstanceUsage')).toMatchObject({ ChartRepoUsage: '2' });
    expectCr('DeleteChartRepository', await cr('DeleteChartRepository', { RepoNamespaceName: 'apps', RepoName: 'web' }));
    expectCrError(await cr('GetChartRepository', { RepoNamespaceName: 'apps', RepoName: 'web' }), 'CHART_REPO_NOT_EXIST');
  });

  it('refuses a repository in an unknown namespace, a duplicate, a long summary; deleting a namespace deletes its repositories', async () => {
    expectCrError(await cr('CreateChartRepository', { RepoNamespaceName: 'nope', RepoName: 'x' }), 'CHART_NAMESPACE_NOT_EXIST');
    expectCrError(await cr('CreateChartRepository', { RepoNamespaceName: 'apps', RepoName: 'api' }), 'CHART_REPO_ALREADY_EXIST');
    await expect(cr('CreateChartRepository', { RepoNamespaceName: 'apps', RepoName: 'long', Summary: 'x'.repeat(101) })).rejects.toMatchObject({ code: 'InvalidParameter' });
    expectCrError(await cr('UpdateChartRepository', { RepoNamespaceName: 'apps', RepoName: 'nope', Summary: 's' }), 'CHART_REPO_NOT_EXIST');
    await cr('DeleteChartNamespace', { NamespaceName: 'apps' });
    expect(await cr('ListChartRepository', { RepoNamespaceName: 'apps' })).toMatchObject({ Repositories: [], TotalCount: '0' });
  });
});

describe('VPC links of module Chart', () => {
  it('are listed under ModuleName Chart only, and the same VPC may be linked to both modules', async () => {
    await cr('CreateInstanceVpcEndpointLinkedVpc', { VpcId: 'vpc-a', VswitchId: 'vsw-a', ModuleName: 'Chart' });
    await cr('CreateInstanceVpcEndpointLinkedVpc', { VpcId: 'vpc-a', VswitchId: 'vsw-a', ModuleName: 'Registry' });
    expectCrError(await cr('CreateInstanceVpcEndpointLinkedVpc', { VpcId: 'vpc-a', VswitchId: 'vsw-a', ModuleName: 'Chart' }), 'INSTANCE_ACCESS_ALREADY_EXIST');
    const chart = await cr('GetInstanceVpcEndpoint', { ModuleName: 'Chart' });
    expectCr('GetInstanceVpcEndpoint', chart, ['LinkedVpcs', 'ModuleName']);
    expect(chart).toMatchObject({ ModuleName: 'Chart', LinkedVpcs: [{ VpcId: 'vpc-a', VswitchId: 'vsw-a' }] });
    await cr('DeleteInstanceVpcEndpointLinkedVpc', { VpcId: 'vpc-a', VswitchId: 'vsw-a', ModuleName: 'Chart' });
    expect((await cr('GetInstanceVpcEndpoint', { ModuleName: 'Chart' }))['LinkedVpcs']).toEqual([]);
    expect((await cr('GetInstanceVpcEndpoint', { ModuleName: 'Registry' }))['LinkedVpcs']).toMatchObject([{ VpcId: 'vpc-a' }]);
  });
});
