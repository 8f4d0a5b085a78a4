/**
 * cr 2018-12-01 conformance: every action driven over HTTP by the official openapi-core runtime,
 * response fields and types checked against cr-2018-12-01.json, lifecycles derived from a moved
 * clock, pagination at page sizes 1, 7 and 100.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';
const UID = '1111111111111111';
const OTHER = '2222222222222222';
const DIGEST = (n: number): string => n.toString(16).padStart(64, '0');

let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let other: AccountKeys;
let inst: string;

const cr = (action: string, params: Record<string, unknown> = {}, k: AccountKeys = keys, region = REGION): Promise<Record<string, unknown>> =>
  t.callRpc('cr', region, action, params, k);

async function push(instanceId: string, namespace: string, repository: string, tag: string, digest: string, size = 1000): Promise<{ status: number; body: Record<string, unknown> }> {
  return t.admin('POST', `/_emulator/cr/instances/${instanceId}/images`, { namespace, repository, tag, digest, size });
}

/** Walks every page at `size` in PageNo mode, checking each page, and returns the concatenation. */
async function allPages(action: string, listField: string, params: Record<string, unknown>, size: number, stringTotal: boolean): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let page = 1; ; page++) {
    const body = await cr(action, { ...params, PageNo: page, PageSize: size });
    expectCr(action, body, ['PageNo', 'PageSize', 'TotalCount', listField]);
    expect(typeof body['TotalCount']).toBe(stringTotal ? 'string' : 'number');
    expect(body['PageSize']).toBe(size);
    const items = body[listField] as unknown[];
    out.push(...items);
    if (items.length < size) return out;
  }
}

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account(UID);
  other = await t.account(OTHER);
  inst = await buyInstance(t, clock, keys, REGION, 'conf-main', 'Advanced');
});
afterAll(async () => {
  await t.close();
});

describe('instances', () => {
  it('goes PENDING → STARTING → RUNNING after BSS CreateInstance, with the edition as InstanceSpecification', async () => {
    const body = await t.callRpc('bss', 'global', 'CreateInstance', {
      ProductCode: 'acr',
      SubscriptionType: 'PayAsYouGo',
      Parameter: [
        { Code: 'InstanceType', Value: 'Standard' },
        { Code: 'InstanceName', Value: 'conf-life' },
        { Code: 'Region', Value: REGION },
      ],
    }, keys);
    const id = (body['Data'] as { InstanceId: string }).InstanceId;
    expect(id).toMatch(/^cri-[a-z0-9]{16}$/);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const g = await cr('GetInstance', { InstanceId: id });
      expectCr('GetInstance', g, ['InstanceId', 'InstanceName', 'InstanceSpecification', 'InstanceStatus', 'CreateTime', 'ModifiedTime']);
      expect(g['InstanceSpecification']).toBe('Enterprise_Standard');
      seen.push(g['InstanceStatus'] as string);
      clock.advance(300);
    }
    expect(seen).toEqual(['PENDING', 'STARTING', 'RUNNING']);
  });

  it('refuses work on an instance that is not RUNNING yet', async () => {
    const body = await t.callRpc('bss', 'global', 'CreateInstance', {
      ProductCode: 'acr',
      SubscriptionType: 'PayAsYouGo',
      Parameter: [
        { Code: 'InstanceType', Value: 'Basic' },
        { Code: 'InstanceName', Value: 'conf-pending' },
        { Code: 'Region', Value: REGION },
      ],
    }, keys);
    const id = (body['Data'] as { InstanceId: string }).InstanceId;
    expectCrError(await cr('CreateNamespace', { InstanceId: id, NamespaceName: 'early' }), 'INSTANCE_STATUS_NOT_SUPPORT');
    clock.advance(1000);
    expectCr('CreateNamespace', await cr('CreateNamespace', { InstanceId: id, NamespaceName: 'early' }));
  });

  it('hides an instance from other accounts and other regions (INSTANCE_NOT_EXIST in a 200 body)', async () => {
    expectCrError(await cr('GetInstance', { InstanceId: inst }, other), 'INSTANCE_NOT_EXIST');
    expectCrError(await cr('GetInstance', { InstanceId: inst }, keys, 'cn-beijing'), 'INSTANCE_NOT_EXIST');
    expectCrError(await cr('GetInstance', { InstanceId: 'cri-doesnotexist0000' }), 'INSTANCE_NOT_EXIST');
  });

  it('lists instances with integer TotalCount and string times, counts them, pages at 1, 7 and 100', async () => {
    const list = await cr('ListInstance', {});
    expectCr('ListInstance', list, ['Instances', 'TotalCount', 'PageNo', 'PageSize']);
    const total = list['TotalCount'] as number;
    expect(total).toBeGreaterThanOrEqual(3);
    const first = (list['Instances'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(typeof first['CreateTime']).toBe('string');
    const count = await cr('GetInstanceCount');
    expectCr('GetInstanceCount', count, ['Count']);
    expect(count['Count']).toBe(total);
    for (const size of [1, 7, 100]) {
      const ids = (await allPages('ListInstance', 'Instances', {}, size, false)).map((i) => (i as { InstanceId: string }).InstanceId);
      expect(ids).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
    }
    const filtered = await cr('ListInstance', { InstanceName: 'conf-main' });
    expect((filtered['Instances'] as unknown[]).length).toBe(1);
  });

  it('reports usage and quotas as strings', async () => {
    const u = await cr('GetInstanceUsage', { InstanceId: inst });
    expectCr('GetInstanceUsage', u, ['NamespaceQuota', 'NamespaceUsage', 'RepoQuota', 'RepoUsage', 'VpcQuota', 'VpcUsage', 'ChartNamespaceQuota', 'ChartRepoQuota']);
    expect(u['NamespaceQuota']).toBe('100');
    expect(u['RepoQuota']).toBe('1000');
  });

  it('answers GetAuthorizationToken, ListInstanceRegion, ResetLoginPassword, ChangeResourceGroup and instance tags', async () => {
    const tok = await cr('GetAuthorizationToken', { InstanceId: inst, ExpiresInHours: 2 });
    expectCr('GetAuthorizationToken', tok, ['AuthorizationToken', 'TempUsername', 'ExpireTime']);
    expect(tok['ExpireTime']).toBe(clock.now + 2 * 3_600_000);
    const regions = await cr('ListInstanceRegion');
    expectCr('ListInstanceRegion', regions, ['Regions']);
    expect((regions['Regions'] as { RegionId: string }[]).map((r) => r.RegionId)).toContain(REGION);
    expectCr('ResetLoginPassword', await cr('ResetLoginPassword', { InstanceId: inst, Password: 'Passw0rd!x' }));
    await expect(cr('ResetLoginPassword', { InstanceId: inst, Password: 'short' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await cr('ChangeResourceGroup', { ResourceId: inst, ResourceGroupId: 'rg-acfmtest', ResourceRegionId: REGION });
    expect((await cr('GetInstance', { InstanceId: inst }))['ResourceGroupId']).toBe('rg-acfmtest');
    await cr('TagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: [inst], Tag: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'a' }] });
    const lt = await cr('ListTagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: [inst] });
    expect(lt['TagResources']).toEqual({
      TagResource: [
        { ResourceId: inst, ResourceType: 'Instance', TagKey: 'env', TagValue: 'prod' },
        { ResourceId: inst, ResourceType: 'Instance', TagKey: 'team', TagValue: 'a' },
      ],
    });
    await cr('UntagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: [inst], TagKey: ['team'] });
    const g = await cr('GetInstance', { InstanceId: inst });
    expectCr('GetInstance', g, ['Tags']);
    expect(g['Tags']).toEqual([{ TagKey: 'env', TagValue: 'prod' }]);
  });
});

describe('namespaces', () => {
  it('creates, reads, updates and deletes a namespace with DefaultRepoConfiguration (a JSON parameter)', async () => {
    expectCr('CreateNamespace', await cr('CreateNamespace', {
      InstanceId: inst,
      NamespaceName: 'team-a',
      AutoCreateRepo: true,
      DefaultRepoConfiguration: JSON.stringify({ RepoType: 'PUBLIC', TagImmutability: true, ArtifactBuildRuleParameters: { ImageIndexOnly: false } }),
    }));
    const g = await cr('GetNamespace', { InstanceId: inst, NamespaceName: 'team-a' });
    expectCr('GetNamespace', g, ['NamespaceId', 'NamespaceName', 'NamespaceStatus', 'AutoCreateRepo', 'DefaultRepoType', 'DefaultRepoConfiguration', 'InstanceId']);
    expect(g).toMatchObject({ AutoCreateRepo: true, DefaultRepoType: 'PUBLIC', DefaultRepoConfiguration: { RepoType: 'PUBLIC', TagImmutability: true } });
    const byId = await cr('GetNamespace', { InstanceId: inst, NamespaceId: g['NamespaceId'] });
    expect(byId['NamespaceName']).toBe('team-a');
    expectCr('UpdateNamespace', await cr('UpdateNamespace', { InstanceId: inst, NamespaceName: 'team-a', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' }));
    expect(await cr('GetNamespace', { InstanceId: inst, NamespaceName: 'team-a' })).toMatchObject({ AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    expectCrError(await cr('CreateNamespace', { InstanceId: inst, NamespaceName: 'team-a' }), 'NAMESPACE_ALREADY_EXIST');
    expectCr('DeleteNamespace', await cr('DeleteNamespace', { InstanceId: inst, NamespaceName: 'team-a' }));
    expectCrError(await cr('GetNamespace', { InstanceId: inst, NamespaceName: 'team-a' }), 'NAMESPACE_NOT_EXIST');
    expectCrError(await cr('UpdateNamespace', { InstanceId: inst, NamespaceName: 'team-a' }), 'NAMESPACE_NOT_EXIST');
    expectCrError(await cr('DeleteNamespace', { InstanceId: inst, NamespaceName: 'team-a' }), 'NAMESPACE_NOT_EXIST');
  });

  it.each([
    { name: 'a', ok: false, reason: 'shorter than 2' },
    { name: 'ab', ok: true, reason: 'shortest allowed' },
    { name: 'x'.repeat(120), ok: true, reason: 'longest allowed' },
    { name: 'x'.repeat(121), ok: false, reason: 'longer than 120' },
    { name: 'Upper', ok: false, reason: 'upper case' },
    { name: '-lead', ok: false, reason: 'separator first' },
    { name: 'trail.', ok: false, reason: 'separator last' },
    { name: 'a_b-c.d', ok: true, reason: 'all separators inside' },
  ])('applies the namespace naming rule: $reason', async ({ name, ok }) => {
    const call = cr('CreateNamespace', { InstanceId: inst, NamespaceName: name });
    if (ok) {
      expectCr('CreateNamespace', await call);
      await cr('DeleteNamespace', { InstanceId: inst, NamespaceName: name });
    } else await expect(call).rejects.toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
  });

  it('lists namespaces with a string TotalCount, paging at 1, 7 and 100', async () => {
    for (let i = 0; i < 15; i++) await cr('CreateNamespace', { InstanceId: inst, NamespaceName: `page-${String(i).padStart(2, '0')}` });
    const names = (await allPages('ListNamespace', 'Namespaces', { InstanceId: inst, NamespaceName: 'page-' }, 100, true)).map((n) => (n as { NamespaceName: string }).NamespaceName);
    expect(names).toHaveLength(15);
    for (const size of [1, 7]) {
      const got = (await allPages('ListNamespace', 'Namespaces', { InstanceId: inst, NamespaceName: 'page-' }, size, true)).map((n) => (n as { NamespaceName: string }).NamespaceName);
      expect(got).toEqual(names);
    }
    for (let i = 0; i < 15; i++) await cr('DeleteNamespace', { InstanceId: inst, NamespaceName: `page-${String(i).padStart(2, '0')}` });
  });

  it('enforces the namespace quota of the instance', async () => {
    const small = await buyInstance(t, clock, keys, REGION, 'conf-nsquota', 'Basic');
    for (let i = 0; i < 100; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => cr('CreateNamespace', { InstanceId: small, NamespaceName: `q${i + j}` })));
    }
    const u = await cr('GetInstanceUsage', { InstanceId: small });
    expect(u).toMatchObject({ NamespaceQuota: '100', NamespaceUsage: '100' });
    expectCrError(await cr('CreateNamespace', { InstanceId: small, NamespaceName: 'one-too-many' }), 'NAMESPACE_QUOTA_EXCEED');
  });
});

describe('repositories and tags', () => {
  beforeAll(async () => {
    await cr('CreateNamespace', { InstanceId: inst, NamespaceName: 'apps', AutoCreateRepo: true });
  });

  it('creates, reads, updates and deletes a repository by name and by RepoId', async () => {
    const c = await cr('CreateRepository', { InstanceId: inst, RepoNamespaceName: 'apps', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'API server', Detail: '# api' });
    expectCr('CreateRepository', c, ['RepoId']);
    const id = c['RepoId'] as string;
    expect(id).toMatch(/^crr-[a-z0-9]{16}$/);
    const g = await cr('GetRepository', { InstanceId: inst, RepoNamespaceName: 'apps', RepoName: 'api' });
    expectCr('GetRepository', g, ['RepoId', 'RepoName', 'RepoNamespaceName', 'RepoType', 'RepoStatus', 'Summary', 'Detail', 'CreateTime', 'ModifiedTime', 'TagImmutability']);
    expect(g).toMatchObject({ RepoId: id, Summary: 'API server', Detail: '# api', RepoStatus: 'NORMAL' });
    expectCr('UpdateRepository', await cr('UpdateRepository', { InstanceId: inst, RepoId: id, RepoType: 'PUBLIC', Summary: 'changed', TagImmutability: true }));
    expect(await cr('GetRepository', { InstanceId: inst, RepoId: id })).toMatchObject({ RepoType: 'PUBLIC', Summary: 'changed', TagImmutability: true });
    expectCrError(await cr('CreateRepository', { InstanceId: inst, RepoNamespaceName: 'apps', RepoName: 'api', RepoType: 'PRIVATE', Summary: 's' }), 'REPO_ALREADY_EXIST');
    expectCrError(await cr('CreateRepository', { InstanceId: inst, RepoNamespaceName: 'nope', RepoName: 'x1', RepoType: 'PRIVATE', Summary: 's' }), 'NAMESPACE_NOT_EXIST');
    expectCr('DeleteRepository', await cr('DeleteRepository', { InstanceId: inst, RepoId: id }));
    expectCrError(await cr('GetRepository', { InstanceId: inst, RepoId: id }), 'REPO_NOT_EXIST');
    expectCrError(await cr('DeleteRepository', { InstanceId: inst, RepoId: id }), 'REPO_NOT_EXIST');
    await expect(cr('CreateRepository', { InstanceId: inst, RepoNamespaceName: 'apps', RepoName: 'api' })).rejects.toMatchObject({ code: 'MissingRepoType' });
  });

  it('lists repositories with a string TotalCount in PageNo and NextToken modes at 1, 7 and 100', async () => {
    await cr('CreateNamespace', { InstanceId: inst, NamespaceName: 'many' });
    for (let i = 0; i < 16; i++) await cr('CreateRepository', { InstanceId: inst, RepoNamespaceName: 'many', RepoName: `r${i}`, RepoType: 'PRIVATE', Summary: 's' });
    const expected = Array.from({ length: 16 }, (_, i) => `r${i}`);
    for (const size of [1, 7, 100]) {
      const names = (await allPages('ListRepository', 'Repositories', { InstanceId: inst, RepoNamespaceName: 'many', RepoStatus: 'ALL' }, size, true)).map((r) => (r as { RepoName: string }).RepoName);
      expect(names).toEqual(expected);
      const viaToken: string[] = [];
      let token: string | undefined;
      do {
        const body = await cr('ListRepository', { InstanceId: inst, RepoNamespaceName: 'many', MaxResults: size, ...(token === undefined ? {} : { NextToken: token }) });
        expectCr('ListRepository', body, ['MaxResults', 'TotalCount', 'Repositories']);
        expect(body['TotalCount']).toBe('16');
        viaToken.push(...(body['Repositories'] as { RepoName: string }[]).map((r) => r.RepoName));
        token = body['NextToken'] as string | undefined;
      } while (token !== undefined);
      expect(viaToken).toEqual(expected);
    }
    const deleted = await cr('ListRepository', { InstanceId: inst, RepoStatus: 'DELETED' });
    expect(deleted['Repositories']).toEqual([]);
    expectCrError(await cr('ListRepository', { InstanceId: inst, RepoNamespaceName: 'nope' }), 'NAMESPACE_NOT_EXIST');
  });

  it('serves tags pushed through the admin API, newest first, with ListRepoTag times as strings and GetRepoTag times as longs', async () => {
    for (let i = 0; i < 9; i++) {
      const res = await push(inst, 'apps', 'web', `v${i}`, DIGEST(i + 1), 1000 + i);
      expect(res.status).toBe(200);
      clock.advance(1000);
    }
    const repo = await cr('GetRepository', { InstanceId: inst, RepoNamespaceName: 'apps', RepoName: 'web' });
    expect(repo['RepoType']).toBe('PRIVATE');
    const repoId = repo['RepoId'] as string;
    for (const size of [1, 7, 100]) {
      const tags = (await allPages('ListRepoTag', 'Images', { InstanceId: inst, RepoId: repoId }, size, true)) as Record<string, unknown>[];
      expect(tags.map((x) => x['Tag'])).toEqual(['v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1', 'v0']);
      expect(typeof tags[0]?.['ImageUpdate']).toBe('string');
    }
    const tok = await cr('ListRepoTag', { InstanceId: inst, RepoId: repoId, MaxResults: 7 });
    expectCr('ListRepoTag', tok, ['NextToken', 'MaxResults', 'TotalCount']);
    expect(tok['TotalCount']).toBe('9');
    const g = await cr('GetRepoTag', { InstanceId: inst, RepoId: repoId, Tag: 'v3' });
    expectCr('GetRepoTag', g, ['Tag', 'Digest', 'ImageId', 'ImageSize', 'ImageCreate', 'ImageUpdate', 'Status']);
    expect(g).toMatchObject({ Digest: DIGEST(4), ImageSize: 1003 });
    expect(typeof g['ImageUpdate']).toBe('number');
    expectCr('CreateRepoTag', await cr('CreateRepoTag', { InstanceId: inst, NamespaceName: 'apps', RepoName: 'web', FromTag: 'v3', ToTag: 'stable' }));
    expect((await cr('GetRepoTag', { InstanceId: inst, RepoId: repoId, Tag: 'stable' }))['Digest']).toBe(DIGEST(4));
    expectCr('DeleteRepoTag', await cr('DeleteRepoTag', { InstanceId: inst, RepoId: repoId, Tag: 'stable' }));
    expectCrError(await cr('GetRepoTag', { InstanceId: inst, RepoId: repoId, Tag: 'stable' }), 'TAG_NOT_EXIST');
    expectCrError(await cr('ListRepoTag', { InstanceId: inst, RepoId: 'crr-nope' }), 'REPO_NOT_EXIST');
  });

  it('refuses a push into a repository that does not exist when the namespace does not auto-create', async () => {
    await cr('CreateNamespace', { InstanceId: inst, NamespaceName: 'manual', AutoCreateRepo: false });
    const res = await push(inst, 'manual', 'ghost', 'v1', DIGEST(99));
    expect(res.status).toBe(404);
    expect(res.body['code']).toBe('REPO_NOT_EXIST');
  });

  it('enforces the repository quota of the instance', async () => {
    const small = await buyInstance(t, clock, keys, REGION, 'conf-repoquota', 'Basic');
    await cr('CreateNamespace', { InstanceId: small, NamespaceName: 'bulk' });
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => cr('CreateRepository', { InstanceId: small, RepoNamespaceName: 'bulk', RepoName: `r${i + j}`, RepoType: 'PRIVATE', Summary: 's' })),
      );
    }
    expect(await cr('GetInstanceUsage', { InstanceId: small })).toMatchObject({ RepoQuota: '1000', RepoUsage: '1000' });
    expectCrError(await cr('CreateRepository', { InstanceId: small, RepoNamespaceName: 'bulk', RepoName: 'extra', RepoType: 'PRIVATE', Summary: 's' }), 'REPO_QUOTA_EXCEED');
  });
});

describe('endpoints', () => {
  it('enables the internet endpoint CREATING → RUNNING with the automatic 127.0.0.1/32 "default" entry; ACL entries sent while CREATING are dropped', async () => {
    const ep = await buyInstance(t, clock, keys, REGION, 'conf-endpoint');
    const off = await cr('GetInstanceEndpoint', { InstanceId: ep, EndpointType: 'internet' });
    expectCr('GetInstanceEndpoint', off, ['Enable', 'Domains']);
    expect(off['Enable']).toBe(false);
    expect(off['Status']).toBeUndefined();
    expectCr('UpdateInstanceEndpointStatus', await cr('UpdateInstanceEndpointStatus', { InstanceId: ep, EndpointType: 'internet', Enable: true, ModuleName: 'Registry' }));
    const creating = await cr('GetInstanceEndpoint', { InstanceId: ep, EndpointType: 'Internet' });
    expect(creating).toMatchObject({ Enable: true, Status: 'CREATING', AclEntries: [] });
    // Sent while CREATING: accepted, then silently dropped.
    expectCr('CreateInstanceEndpointAclPolicy', await cr('CreateInstanceEndpointAclPolicy', { InstanceId: ep, EndpointType: 'internet', Entry: '198.51.100.0/24', Comment: 'too early' }));
    clock.advance(300);
    const running = await cr('GetInstanceEndpoint', { InstanceId: ep, EndpointType: 'internet' });
    expectCr('GetInstanceEndpoint', running, ['Status', 'AclEntries', 'AclEnable']);
    expect(running['Status']).toBe('RUNNING');
    expect(running['AclEntries']).toEqual([{ Entry: '127.0.0.1/32', Comment: 'default' }]);
    // Sent while RUNNING: appears asynchronously.
    await cr('CreateInstanceEndpointAclPolicy', { InstanceId: ep, EndpointType: 'internet', Entries: JSON.stringify([{ Entry: '203.0.113.0/24', Comment: 'office' }]) });
    expect((await cr('GetInstanceEndpoint', { InstanceId: ep, EndpointType: 'internet' }))['AclEntries']).toHaveLength(1);
    clock.advance(100);
    expect((await cr('GetInstanceEndpoint', { InstanceId: ep, EndpointType: 'internet' }))['AclEntries']).toEqual([
      { Entry: '127.0.0.1/32', Comment: 'default' },
      { Entry: '203.0.113.0/24', Comment: 'office' },
    ]);
    const list = await cr('ListInstanceEndpoint', { InstanceId: ep, ModuleName: 'Registry' });
    expectCr('ListInstanceEndpoint', list, ['Endpoints']);
    const internet = (list['Endpoints'] as Record<string, unknown>[]).find((e) => e['EndpointType'] === 'internet');
    expect(internet).toMatchObject({ Enable: true, Status: 'RUNNING', AclEntries: [{ Entry: '127.0.0.1/32' }, { Entry: '203.0.113.0/24' }] });
    expect(internet?.['Domains']).toEqual([{ Domain: `conf-endpoint-registry.${REGION}.cr.aliyuncs.com`, Type: 'SYSTEM' }]);
    expectCr('DeleteInstanceEndpointAclPolicy', await cr('DeleteInstanceEndpointAclPolicy', { InstanceId: ep, EndpointType: 'internet', Entry: '203.0.113.0/24' }));
    expect((await cr('GetInstanceEndpoint', { InstanceId: ep, EndpointType: 'internet' }))['AclEntries']).toEqual([{ Entry: '127.0.0.1/32', Comment: 'default' }]);
    await expect(cr('CreateInstanceEndpointAclPolicy', { InstanceId: ep, EndpointType: 'internet', Entry: '300.1.1.1/8' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await cr('UpdateInstanceEndpointStatus', { InstanceId: ep, EndpointType: 'internet', Enable: false });
    const disabled = await cr('GetInstanceEndpoint', { InstanceId: ep, EndpointType: 'internet' });
    expect(disabled['Enable']).toBe(false);
    expect(disabled['Status']).toBeUndefined();
  });

  it('links VPCs CREATING → RUNNING, refuses duplicates and a fourth… beyond the VPC quota, and unlinks', async () => {
    const v = await buyInstance(t, clock, keys, REGION, 'conf-vpc', 'Basic', [{ Code: 'vpc_num', Value: '2' }]);
    expectCr('CreateInstanceVpcEndpointLinkedVpc', await cr('CreateInstanceVpcEndpointLinkedVpc', { InstanceId: v, VpcId: 'vpc-bp1aaa', VswitchId: 'vsw-bp1aaa', ModuleName: 'Registry' }));
    const creating = await cr('GetInstanceVpcEndpoint', { InstanceId: v, ModuleName: 'Registry' });
    expectCr('GetInstanceVpcEndpoint', creating, ['Enable', 'LinkedVpcs', 'Domains', 'ModuleName']);
    expect(creating['LinkedVpcs']).toMatchObject([{ VpcId: 'vpc-bp1aaa', VswitchId: 'vsw-bp1aaa', Status: 'CREATING' }]);
    expect(creating['Domains']).toEqual([`conf-vpc-registry-vpc.${REGION}.cr.aliyuncs.com`]);
    clock.advance(300);
    expect((await cr('GetInstanceVpcEndpoint', { InstanceId: v }))['LinkedVpcs']).toMatchObject([{ Status: 'RUNNING' }]);
    expectCrError(await cr('CreateInstanceVpcEndpointLinkedVpc', { InstanceId: v, VpcId: 'vpc-bp1aaa', VswitchId: 'vsw-bp1aaa' }), 'INSTANCE_ACCESS_ALREADY_EXIST');
    await cr('CreateInstanceVpcEndpointLinkedVpc', { InstanceId: v, VpcId: 'vpc-bp1bbb', VswitchId: 'vsw-bp1bbb' });
    expectCrError(await cr('CreateInstanceVpcEndpointLinkedVpc', { InstanceId: v, VpcId: 'vpc-bp1ccc', VswitchId: 'vsw-bp1ccc' }), 'VPC_QUOTA_EXCEED');
    expect(await cr('GetInstanceUsage', { InstanceId: v })).toMatchObject({ VpcQuota: '2', VpcUsage: '2' });
    const list = await cr('ListInstanceEndpoint', { InstanceId: v });
    const vpc = (list['Endpoints'] as Record<string, unknown>[]).find((e) => e['EndpointType'] === 'vpc');
    expect(vpc?.['LinkedVpcs']).toEqual([{ VpcId: 'vpc-bp1aaa' }, { VpcId: 'vpc-bp1bbb' }]);
    expectCr('DeleteInstanceVpcEndpointLinkedVpc', await cr('DeleteInstanceVpcEndpointLinkedVpc', { InstanceId: v, VpcId: 'vpc-bp1aaa', VswitchId: 'vsw-bp1aaa' }));
    expectCrError(await cr('DeleteInstanceVpcEndpointLinkedVpc', { InstanceId: v, VpcId: 'vpc-bp1aaa', VswitchId: 'vsw-bp1aaa' }), 'INSTANCE_ACCESS_NOT_EXIST');
  });

  it('registers customized domains, which show as USER domains of the internet endpoint', async () => {
    expectCr('CreateInstanceCustomizedDomain', await cr('CreateInstanceCustomizedDomain', { InstanceId: inst, Domain: 'registry.example.com', CertId: 'cert-1', ModuleName: 'Registry' }));
    const g = await cr('GetInstanceCustomizedDomain', { InstanceId: inst, Domain: 'registry.example.com', ModuleName: 'Registry' });
    expectCr('GetInstanceCustomizedDomain', g, ['Domain', 'DomainType', 'CertId', 'CreateTime', 'ModuleName']);
    expect(g).toMatchObject({ DomainType: 'USER', CertId: 'cert-1' });
    expectCr('UpdateInstanceCustomizedDomain', await cr('UpdateInstanceCustomizedDomain', { InstanceId: inst, Domain: 'registry.example.com', CertId: 'cert-2', ModuleName: 'Registry' }));
    expect((await cr('GetInstanceCustomizedDomain', { InstanceId: inst, Domain: 'registry.example.com', ModuleName: 'Registry' }))['CertId']).toBe('cert-2');
    const ep = await cr('GetInstanceEndpoint', { InstanceId: inst, EndpointType: 'internet' });
    expect(ep['Domains']).toContainEqual({ Domain: 'registry.example.com', Type: 'USER' });
    expectCr('DeleteInstanceCustomizedDomain', await cr('DeleteInstanceCustomizedDomain', { InstanceId: inst, Domain: 'registry.example.com', ModuleName: 'Registry' }));
    expectCrError(await cr('GetInstanceCustomizedDomain', { InstanceId: inst, Domain: 'registry.example.com', ModuleName: 'Registry' }), 'INSTANCE_DOMAIN_NOT_EXIST');
  });
});
