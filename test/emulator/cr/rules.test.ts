/**
 * cr product rules (DOMAIN.md 000, 003), each with a test that fails without the rule: sync rule
 * prerequisites, cross-account authorisation through RAM, push-driven replication, manual sync
 * tasks and their lifecycle, rule visibility and deletion side, console-only switches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const A = '3333333333333333';
const B = '4444444444444444';
const HZ = 'cn-hangzhou';
const BJ = 'cn-beijing';
const ROLE = 'aliyuncontainerregistrycrossaccoutsyncrole';
const DIGEST = (n: number): string => n.toString(16).padStart(64, 'a');

let t: TestEmulator;
let clock: Clock;
let ka: AccountKeys;
let kb: AccountKeys;

const cr = (region: string, action: string, params: Record<string, unknown>, k: AccountKeys = ka): Promise<Record<string, unknown>> =>
  t.callRpc('cr', region, action, params, k);

async function push(instanceId: string, namespace: string, repository: string, tag: string, digest: string): Promise<Record<string, unknown>> {
  const res = await t.admin<Record<string, unknown>>('POST', `/_emulator/cr/instances/${instanceId}/images`, { namespace, repository, tag, digest, size: 4096 });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function tagsOf(region: string, k: AccountKeys, instanceId: string, ns: string, repo: string): Promise<string[] | undefined> {
  const r = await cr(region, 'GetRepository', { InstanceId: instanceId, RepoNamespaceName: ns, RepoName: repo }, k);
  if (r['IsSuccess'] !== true) return undefined;
  const l = await cr(region, 'ListRepoTag', { InstanceId: instanceId, RepoId: r['RepoId'], PageSize: 100 }, k);
  return (l['Images'] as { Tag: string }[]).map((i) => i.Tag).sort();
}

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  ka = await t.account(A);
  kb = await t.account(B);
});
afterAll(async () => {
  await t.close();
});

describe('same-account sync rules', () => {
  let src: string;
  let dst: string;
  beforeAll(async () => {
    src = await buyInstance(t, clock, ka, HZ, 'rules-src', 'Advanced');
    dst = await buyInstance(t, clock, ka, BJ, 'rules-dst', 'Basic');
    await cr(HZ, 'CreateNamespace', { InstanceId: src, NamespaceName: 'team' });
    await cr(HZ, 'CreateRepository', { InstanceId: src, RepoNamespaceName: 'team', RepoName: 'api', RepoType: 'PRIVATE', Summary: 's' });
  });

  const nsRule = (name: string): Record<string, unknown> => ({
    InstanceId: src,
    SyncRuleName: name,
    SyncScope: 'NAMESPACE',
    NamespaceName: 'team',
    TargetNamespaceName: 'team',
    TargetInstanceId: dst,
    TargetRegionId: BJ,
    TagFilter: 'release-.*',
  });

  it('refuses a namespace-level rule until the target has the namespace with autoCreateRepo on', async () => {
    expectCrError(await cr(HZ, 'CreateRepoSyncRule', nsRule('ns-rule')), 'NAMESPACE_NOT_EXIST');
    await cr(BJ, 'CreateNamespace', { InstanceId: dst, NamespaceName: 'team', AutoCreateRepo: false });
    expectCrError(await cr(HZ, 'CreateRepoSyncRule', nsRule('ns-rule')), 'TARGET_NAMESPACE_AUTO_CREATE_REPO_DISABLED');
    await cr(BJ, 'UpdateNamespace', { InstanceId: dst, NamespaceName: 'team', AutoCreateRepo: true });
    const ok = await cr(HZ, 'CreateRepoSyncRule', nsRule('ns-rule'));
    expectCr('CreateRepoSyncRule', ok, ['SyncRuleId']);
    expect(ok['SyncRuleId']).toMatch(/^crsr-[a-z0-9]{16}$/);
    expectCrError(await cr(HZ, 'CreateRepoSyncRule', nsRule('ns-rule')), 'SYNC_RULE_ALREADY_EXIST');
    expectCrError(await cr(HZ, 'CreateRepoSyncRule', { ...nsRule('renamed'), TargetNamespaceName: 'other' }), 'SYNC_NAMESPACE_NOT_MATCH');
  });

  it('refuses a repository-level rule unless the same namespace and repository exist on both sides', async () => {
    const repoRule = { ...nsRule('repo-rule'), SyncScope: 'REPO', RepoName: 'api', TargetRepoName: 'api' };
    expectCrError(await cr(HZ, 'CreateRepoSyncRule', repoRule), 'REPO_NOT_EXIST');
    await cr(BJ, 'CreateRepository', { InstanceId: dst, RepoNamespaceName: 'team', RepoName: 'api', RepoType: 'PRIVATE', Summary: 's' });
    expectCrError(await cr(HZ, 'CreateRepoSyncRule', { ...repoRule, RepoName: 'ghost', TargetRepoName: 'ghost' }), 'REPO_NOT_EXIST');
    expectCr('CreateRepoSyncRule', await cr(HZ, 'CreateRepoSyncRule', { ...repoRule, SyncTrigger: 'INITIATIVE' }));
  });

  it('visible from both instances (FROM / TO), deletable only from the source', async () => {
    const fromSrc = await cr(HZ, 'ListRepoSyncRule', { InstanceId: src, PageSize: 50 });
    expectCr('ListRepoSyncRule', fromSrc, ['SyncRules', 'TotalCount', 'PageNo', 'PageSize']);
    expect(typeof fromSrc['TotalCount']).toBe('number');
    const rules = fromSrc['SyncRules'] as Record<string, unknown>[];
    expect(rules.map((r) => [r['SyncRuleName'], r['SyncDirection']])).toEqual([['ns-rule', 'FROM'], ['repo-rule', 'FROM']]);
    const fromDst = await cr(BJ, 'ListRepoSyncRule', { InstanceId: dst });
    const seen = fromDst['SyncRules'] as Record<string, unknown>[];
    expect(seen.map((r) => [r['SyncRuleName'], r['SyncDirection'], r['LocalInstanceId']])).toEqual([['ns-rule', 'TO', src], ['repo-rule', 'TO', src]]);
    for (const size of [1, 7, 100]) {
      const page1 = await cr(HZ, 'ListRepoSyncRule', { InstanceId: src, PageNo: 1, PageSize: size });
      expect((page1['SyncRules'] as unknown[]).length).toBe(Math.min(size, 2));
    }
    const repoRuleId = rules[1]?.['SyncRuleId'];
    expectCrError(await cr(BJ, 'DeleteRepoSyncRule', { InstanceId: dst, SyncRuleId: repoRuleId }), 'SYNC_RULE_DIRECTION_NOT_SUPPORT');
    expectCr('DeleteRepoSyncRule', await cr(HZ, 'DeleteRepoSyncRule', { InstanceId: src, SyncRuleId: repoRuleId }));
    expectCrError(await cr(HZ, 'DeleteRepoSyncRule', { InstanceId: src, SyncRuleId: repoRuleId }), 'SYNC_RULE_NOT_EXIST');
    expect(((await cr(BJ, 'ListRepoSyncRule', { InstanceId: dst }))['SyncRules'] as unknown[]).length).toBe(1);
  });
});

describe('replication by rule and by task', () => {
  let src: string;
  let dst: string;
  let ruleId: string;
  beforeAll(async () => {
    src = await buyInstance(t, clock, ka, HZ, 'repl-src', 'Advanced');
    dst = await buyInstance(t, clock, ka, BJ, 'repl-dst', 'Basic');
    await cr(HZ, 'CreateNamespace', { InstanceId: src, NamespaceName: 'team', AutoCreateRepo: true });
    await cr(BJ, 'CreateNamespace', { InstanceId: dst, NamespaceName: 'team', AutoCreateRepo: true });
  });

  it('copies only tags pushed after the rule exists, through PASSIVE tasks PENDING → SYNCHRONIZING → SUCCESS, auto-creating the target repository', async () => {
    await push(src, 'team', 'web', 'release-old', DIGEST(1));
    const created = await cr(HZ, 'CreateRepoSyncRule', {
      InstanceId: src,
      SyncRuleName: 'auto',
      SyncScope: 'NAMESPACE',
      NamespaceName: 'team',
      TargetInstanceId: dst,
      TargetRegionId: BJ,
      TagFilter: 'release-.*',
    });
    ruleId = created['SyncRuleId'] as string;
    const pushed = await push(src, 'team', 'web', 'release-1', DIGEST(2));
    expect(pushed['syncTaskIds']).toHaveLength(1);
    const skipped = await push(src, 'team', 'web', 'dev-1', DIGEST(3));
    expect(skipped['syncTaskIds']).toEqual([]);
    const taskId = (pushed['syncTaskIds'] as string[])[0];
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const g = await cr(HZ, 'GetRepoSyncTask', { InstanceId: src, SyncTaskId: taskId });
      expectCr('GetRepoSyncTask', g, ['SyncTaskId', 'TaskStatus', 'TaskTrigger', 'ImageFrom', 'ImageTo', 'Progress', 'SyncRuleId']);
      statuses.push(g['TaskStatus'] as string);
      if (i === 0) expect(await tagsOf(BJ, ka, dst, 'team', 'web')).toBeUndefined();
      if (i === 2) expect(g).toMatchObject({ TaskTrigger: 'PASSIVE', Progress: 1, SyncRuleId: ruleId, ImageTo: { InstanceId: dst, RepoName: 'web', ImageTag: 'release-1' } });
      clock.advance(i === 0 ? 100 : 200);
    }
    expect(statuses).toEqual(['PENDING', 'SYNCHRONIZING', 'SUCCESS']);
    expect(await tagsOf(BJ, ka, dst, 'team', 'web')).toEqual(['release-1']);
    const copied = await cr(BJ, 'GetRepository', { InstanceId: dst, RepoNamespaceName: 'team', RepoName: 'web' });
    const tag = await cr(BJ, 'GetRepoTag', { InstanceId: dst, RepoId: copied['RepoId'], Tag: 'release-1' });
    expect(tag['Digest']).toBe(DIGEST(2));
  });

  it('copies one existing tag on demand with CreateRepoSyncTask (INITIATIVE), and lists tasks with a string TotalCount', async () => {
    const repo = await cr(HZ, 'GetRepository', { InstanceId: src, RepoNamespaceName: 'team', RepoName: 'web' });
    const created = await cr(HZ, 'CreateRepoSyncTask', {
      InstanceId: src,
      RepoId: repo['RepoId'],
      Tag: 'release-old',
      TargetInstanceId: dst,
      TargetRegionId: BJ,
      TargetNamespace: 'team',
      TargetRepoName: 'web',
      TargetTag: 'release-old',
    });
    expectCr('CreateRepoSyncTask', created, ['SyncTaskId']);
    expect(created['SyncTaskId']).toMatch(/^rst-/);
    clock.advance(300);
    expect(await tagsOf(BJ, ka, dst, 'team', 'web')).toEqual(['release-1', 'release-old']);
    const byRule = await cr(HZ, 'CreateRepoSyncTaskByRule', { InstanceId: src, SyncRuleId: ruleId, RepoId: repo['RepoId'], Tag: 'dev-1' });
    expectCr('CreateRepoSyncTaskByRule', byRule, ['SyncTaskId']);
    clock.advance(300);
    expect(await tagsOf(BJ, ka, dst, 'team', 'web')).toEqual(['dev-1', 'release-1', 'release-old']);
    for (const size of [1, 7, 100]) {
      const ids: string[] = [];
      for (let page = 1; ; page++) {
        const l = await cr(HZ, 'ListRepoSyncTask', { InstanceId: src, PageNo: page, PageSize: size });
        expectCr('ListRepoSyncTask', l, ['SyncTasks', 'TotalCount']);
        expect(l['TotalCount']).toBe('3');
        const items = l['SyncTasks'] as { SyncTaskId: string; TaskStatus: string; TaskTrigger: string }[];
        ids.push(...items.map((x) => x.SyncTaskId));
        if (items.length < size) break;
      }
      expect(new Set(ids).size).toBe(3);
    }
    const triggers = ((await cr(HZ, 'ListRepoSyncTask', { InstanceId: src }))['SyncTasks'] as { TaskTrigger: string }[]).map((x) => x.TaskTrigger);
    expect(triggers).toEqual(['INITIATIVE', 'INITIATIVE', 'PASSIVE']);
  });

  it('cancels a running task (CANCELED, nothing copied) and refuses to cancel a finished one', async () => {
    const repo = await cr(HZ, 'GetRepository', { InstanceId: src, RepoNamespaceName: 'team', RepoName: 'web' });
    const task = { InstanceId: src, RepoId: repo['RepoId'], Tag: 'dev-1', TargetInstanceId: dst, TargetRegionId: BJ, TargetNamespace: 'team', TargetRepoName: 'web', TargetTag: 'cancelled' };
    const id = (await cr(HZ, 'CreateRepoSyncTask', task))['SyncTaskId'];
    expectCr('CancelRepoSyncTask', await cr(HZ, 'CancelRepoSyncTask', { InstanceId: src, SyncTaskId: id }));
    clock.advance(1000);
    expect((await cr(HZ, 'GetRepoSyncTask', { InstanceId: src, SyncTaskId: id }))['TaskStatus']).toBe('CANCELED');
    expect(await tagsOf(BJ, ka, dst, 'team', 'web')).not.toContain('cancelled');
    expectCrError(await cr(HZ, 'CancelRepoSyncTask', { InstanceId: src, SyncTaskId: id }), 'SYNC_TASK_STATUS_NOT_SUPPORT');
    expectCrError(await cr(HZ, 'GetRepoSyncTask', { InstanceId: src, SyncTaskId: 'rst-nope' }), 'SYNC_TASK_NOT_EXIST');
  });

  it('ends a task in ERROR with a TaskIssue when the target namespace is missing', async () => {
    const repo = await cr(HZ, 'GetRepository', { InstanceId: src, RepoNamespaceName: 'team', RepoName: 'web' });
    const id = (await cr(HZ, 'CreateRepoSyncTask', { InstanceId: src, RepoId: repo['RepoId'], Tag: 'dev-1', TargetInstanceId: dst, TargetRegionId: BJ, TargetNamespace: 'absent', TargetRepoName: 'web', TargetTag: 'x' }))['SyncTaskId'];
    clock.advance(1000);
    expect(await cr(HZ, 'GetRepoSyncTask', { InstanceId: src, SyncTaskId: id })).toMatchObject({ TaskStatus: 'ERROR', TaskIssue: 'TARGET_NAMESPACE_NOT_EXIST', Progress: 0 });
  });

  it('stops replicating once the rule is deleted', async () => {
    await cr(HZ, 'DeleteRepoSyncRule', { InstanceId: src, SyncRuleId: ruleId });
    expect((await push(src, 'team', 'web', 'release-2', DIGEST(9)))['syncTaskIds']).toEqual([]);
  });
});

describe('cross-account sync rules', () => {
  let src: string;
  let basicSrc: string;
  let dst: string;
  const rule = (instanceId: string, name: string): Record<string, unknown> => ({
    InstanceId: instanceId,
    SyncRuleName: name,
    SyncScope: 'NAMESPACE',
    NamespaceName: 'shared',
    TargetInstanceId: dst,
    TargetRegionId: BJ,
    TargetUserId: B,
    TagFilter: '.*',
  });
  const ram = (action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> => t.callRpc('ram', 'global', action, params, kb);
  const trust = (uid: string): string =>
    JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${uid}@cr.aliyuncs.com`] } }] });
  const policy = (actions: string[]): string =>
    JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: actions, Resource: [`acs:cr:${BJ}:${B}:instance/${dst}`] }] });

  beforeAll(async () => {
    src = await buyInstance(t, clock, ka, HZ, 'cross-src', 'Advanced');
    basicSrc = await buyInstance(t, clock, ka, HZ, 'cross-basic', 'Basic');
    dst = await buyInstance(t, clock, kb, BJ, 'cross-dst', 'Basic');
    for (const i of [src, basicSrc]) await cr(HZ, 'CreateNamespace', { InstanceId: i, NamespaceName: 'shared', AutoCreateRepo: true });
    await cr(BJ, 'CreateNamespace', { InstanceId: dst, NamespaceName: 'shared', AutoCreateRepo: true }, kb);
  });

  it('does not find another account’s instance unless the rule names TargetUserId', async () => {
    const { TargetUserId: _dropped, ...withoutUid } = rule(src, 'no-uid');
    expectCrError(await cr(HZ, 'CreateRepoSyncRule', withoutUid), 'INSTANCE_NOT_EXIST');
  });

  it('refuses with NoPrivilege (403) until the target account’s role trusts the source and a policy allows both actions', async () => {
    const refused = async (): Promise<void> => {
      await expect(cr(HZ, 'CreateRepoSyncRule', rule(src, 'cross'))).rejects.toMatchObject({ code: 'NoPrivilege', statusCode: 403 });
    };
    await refused(); // no role
    await ram('CreateRole', { RoleName: ROLE, AssumeRolePolicyDocument: trust('9999999999999999') });
    await refused(); // trust names another account
    await ram('UpdateRole', { RoleName: ROLE, NewAssumeRolePolicyDocument: trust(A) });
    await refused(); // no policy attached
    await ram('CreatePolicy', { PolicyName: 'cr-sync', PolicyDocument: policy(['cr:CreateSyncRule']) });
    await ram('AttachPolicyToRole', { PolicyType: 'Custom', PolicyName: 'cr-sync', RoleName: ROLE });
    await refused(); // cr:CreateRepositorySync missing
    await ram('CreatePolicyVersion', { PolicyName: 'cr-sync', PolicyDocument: policy(['cr:CreateSyncRule', 'cr:CreateRepositorySync']), SetAsDefault: true });
    const ok = await cr(HZ, 'CreateRepoSyncRule', rule(src, 'cross'));
    expectCr('CreateRepoSyncRule', ok, ['SyncRuleId']);
    const seen = await cr(BJ, 'ListRepoSyncRule', { InstanceId: dst }, kb);
    expect(seen['SyncRules']).toMatchObject([{ SyncRuleName: 'cross', SyncDirection: 'TO', CrossUser: true }]);
    expectCrError(await cr(BJ, 'DeleteRepoSyncRule', { InstanceId: dst, SyncRuleId: ok['SyncRuleId'] }, kb), 'SYNC_RULE_DIRECTION_NOT_SUPPORT');
  });

  it('refuses a cross-account rule from a source that is not Advanced', async () => {
    expectCrError(await cr(HZ, 'CreateRepoSyncRule', rule(basicSrc, 'from-basic')), 'INSTANCE_SPECIFICATION_NOT_SUPPORT');
  });

  it('replicates a pushed tag into the other account', async () => {
    const pushed = await push(src, 'shared', 'app', 'v1', DIGEST(42));
    expect(pushed['syncTaskIds']).toHaveLength(1);
    clock.advance(1000);
    expect(await tagsOf(BJ, kb, dst, 'shared', 'app')).toEqual(['v1']);
    const task = await cr(HZ, 'GetRepoSyncTask', { InstanceId: src, SyncTaskId: (pushed['syncTaskIds'] as string[])[0] });
    expect(task).toMatchObject({ TaskStatus: 'SUCCESS', CrossUser: true });
  });
});

describe('console-only switches', () => {
  let one: string;
  let two: string;
  const sw = (id: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => t.admin('POST', `/_emulator/cr/instances/${id}/switches`, body);
  const domains = async (id: string, type: 'internet' | 'vpc'): Promise<string[]> =>
    ((await cr(HZ, 'GetInstanceEndpoint', { InstanceId: id, EndpointType: type }))['Domains'] as { Domain: string }[]).map((d) => d.Domain);

  beforeAll(async () => {
    one = await buyInstance(t, clock, ka, HZ, 'console-one', 'Standard');
    two = await buyInstance(t, clock, ka, HZ, 'console-two', 'Standard');
  });

  it('refuses the switches on an instance that is not allow-listed', async () => {
    const res = await sw(one, { personalEditionDomain: true });
    expect(res.status).toBe(403);
    expect(await domains(one, 'internet')).toEqual([`console-one-registry.${HZ}.cr.aliyuncs.com`]);
  });

  it('adds the Personal Edition hosts to the endpoint domains once on, and refuses a second instance in the region', async () => {
    expect((await t.admin('POST', `/_emulator/cr/instances/${one}/allowlist`, {})).status).toBe(200);
    expect((await sw(one, { personalEditionDomain: true })).status).toBe(200);
    expect(await domains(one, 'internet')).toContain(`registry.${HZ}.aliyuncs.com`);
    expect(await domains(one, 'vpc')).toContain(`registry-vpc.${HZ}.aliyuncs.com`);
    const list = await cr(HZ, 'ListInstanceEndpoint', { InstanceId: one });
    const all = (list['Endpoints'] as { Domains: { Domain: string }[] }[]).flatMap((e) => e.Domains.map((d) => d.Domain));
    expect(all).toEqual(expect.arrayContaining([`registry.${HZ}.aliyuncs.com`, `registry-vpc.${HZ}.aliyuncs.com`]));
    await t.admin('POST', `/_emulator/cr/instances/${two}/allowlist`, {});
    const second = await sw(two, { personalEditionDomain: true });
    expect(second.status).toBe(409);
    expect(second.body['code']).toBe('PersonalEditionDomainInUse');
    expect(await domains(two, 'internet')).not.toContain(`registry.${HZ}.aliyuncs.com`);
    await sw(one, { personalEditionDomain: false });
    expect(await domains(one, 'internet')).not.toContain(`registry.${HZ}.aliyuncs.com`);
    expect((await sw(two, { personalEditionDomain: true })).status).toBe(200);
  });

  it('adds the auth host when auth-domain takeover is on', async () => {
    expect((await sw(one, { authDomainTakeover: true })).status).toBe(200);
    expect(await domains(one, 'vpc')).toContain(`dockerauth-vpc.${HZ}.aliyuncs.com`);
    expect(await domains(one, 'internet')).toContain(`dockerauth.${HZ}.aliyuncs.com`);
    const read = await t.admin<Record<string, unknown>>('GET', `/_emulator/cr/instances/${one}/switches`);
    expect(read.body).toEqual({ instanceId: one, allowListed: true, personalEditionDomain: false, authDomainTakeover: true });
  });
});
