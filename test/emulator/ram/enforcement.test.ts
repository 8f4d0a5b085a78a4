/**
 * RAM enforcement over HTTP with the official clients: a RAM user created through the RAM API
 * (official @alicloud/ram20150501 client: CreateUser, CreateAccessKey, CreatePolicy,
 * AttachPolicyToUser, groups) signs cr, ram, vpc, bss, sts and OSS calls; they succeed exactly when
 * its policies allow the call's RAM action on the call's resource (src/cloud/ram-actions.ts), and
 * otherwise fail with the product's own permission error naming both. Explicit deny wins,
 * wildcards match as RAM's, conditions are evaluated or refuse, assumed roles are enforced when
 * their account opted in, and the root account's keys stay unrestricted.
 */
import * as RamSdk from '@alicloud/ram20150501';
import * as StsSdk from '@alicloud/sts20150401';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAM_ACTIONS, ramRule, type RamProduct } from '../../../src/cloud/ram-actions.js';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { OSS_OPERATIONS } from '../../../src/emulator/core/faults.js';
import { services } from '../../../src/emulator/services/index.js';
import type { ClientKeys, TestEmulator } from '../../helpers/emulator.js';
import { buyInstance, startCrEmulator, type Clock } from '../cr/setup.js';

const A = '6100000000000001';
const B = '6100000000000002';
const REGION = 'cn-hangzhou';

let t: TestEmulator;
let clock: Clock;
let root: AccountKeys;
let ram: Awaited<ReturnType<TestEmulator['ramClient']>>;
let inst: string;
let other: string;

interface Failure {
  code?: string;
  statusCode?: number;
  name?: string;
  message?: string;
  data?: Record<string, unknown>;
  accessDeniedDetail?: Record<string, unknown>;
}

async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (e) {
    return e as Failure;
  }
  throw new Error('expected the call to be refused');
}

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '1', Statement: statements });
let policies = 0;

/** A RAM user of account A with its own access key, and a policy (replaced by each `grant`). */
async function newUser(name: string): Promise<ClientKeys & { grant(...statements: Record<string, unknown>[]): Promise<void> }> {
  await ram.createUser(new RamSdk.CreateUserRequest({ userName: name }));
  const key = (await ram.createAccessKey(new RamSdk.CreateAccessKeyRequest({ userName: name }))).body?.accessKey;
  let attached: string | undefined;
  return {
    accessKeyId: key?.accessKeyId ?? '',
    accessKeySecret: key?.accessKeySecret ?? '',
    async grant(...statements) {
      if (attached !== undefined) await ram.detachPolicyFromUser(new RamSdk.DetachPolicyFromUserRequest({ userName: name, policyName: attached, policyType: 'Custom' }));
      attached = `p${++policies}`;
      await ram.createPolicy(new RamSdk.CreatePolicyRequest({ policyName: attached, policyDocument: doc(...statements) }));
      await ram.attachPolicyToUser(new RamSdk.AttachPolicyToUserRequest({ userName: name, policyName: attached, policyType: 'Custom' }));
    },
  };
}

const crCall = (keys: ClientKeys, action: string, params: Record<string, unknown> = {}) => t.callRpc('cr', REGION, action, params, keys);

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  root = await t.account(A);
  await t.account(B);
  ram = await t.ramClient(root);
  inst = await buyInstance(t, clock, root, REGION, 'enforced');
  other = await buyInstance(t, clock, root, REGION, 'enforced-other');
});
afterAll(() => t.close());

describe('RAM users and groups through the official RAM client', () => {
  it('creates a user with an access key (secret shown once), lists keys without secrets, and the key signs as the user', async () => {
    const created = await ram.createUser(new RamSdk.CreateUserRequest({ userName: 'alice', displayName: 'Alice' }));
    expect(created.body?.user?.userName).toBe('alice');
    const key = (await ram.createAccessKey(new RamSdk.CreateAccessKeyRequest({ userName: 'alice' }))).body?.accessKey;
    expect(key).toMatchObject({ status: 'Active' });
    expect(key?.accessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    const listed = (await ram.listAccessKeys(new RamSdk.ListAccessKeysRequest({ userName: 'alice' }))).body?.accessKeys?.accessKey ?? [];
    expect(listed.map((k) => k.accessKeyId)).toEqual([key?.accessKeyId]);
    expect(JSON.stringify(listed)).not.toContain(key?.accessKeySecret ?? '-');
    const userKeys = { accessKeyId: key?.accessKeyId ?? '', accessKeySecret: key?.accessKeySecret ?? '' };
    const who = await (await t.stsClient(userKeys)).getCallerIdentity();
    expect(who.body?.toMap()).toMatchObject({ IdentityType: 'RAMUser', AccountId: A, Arn: `acs:ram::${A}:user/alice`, UserId: created.body?.user?.userId });
    const again = await failure(ram.createUser(new RamSdk.CreateUserRequest({ userName: 'alice' })));
    expect([again.code, again.statusCode]).toEqual(['EntityAlreadyExists.User', 409]);
    expect((await failure(ram.deleteUser(new RamSdk.DeleteUserRequest({ userName: 'alice' })))).code, 'a user with keys').toBe('DeleteConflict.User.AccessKey');
    await ram.updateAccessKey(new RamSdk.UpdateAccessKeyRequest({ userName: 'alice', userAccessKeyId: userKeys.accessKeyId, status: 'Inactive' }));
    expect((await failure((await t.stsClient(userKeys)).getCallerIdentity())).code, 'an inactive key').toBe('InvalidAccessKeyId.Inactive');
    await ram.deleteAccessKey(new RamSdk.DeleteAccessKeyRequest({ userName: 'alice', userAccessKeyId: userKeys.accessKeyId }));
    expect((await failure((await t.stsClient(userKeys)).getCallerIdentity())).code).toBe('InvalidAccessKeyId.NotFound');
    await ram.deleteUser(new RamSdk.DeleteUserRequest({ userName: 'alice' }));
    expect((await failure(ram.getUser(new RamSdk.GetUserRequest({ userName: 'alice' })))).code).toBe('EntityNotExist.User');
  });

  it('groups: members, attached policies, ListEntitiesForPolicy, and the delete conflicts', async () => {
    await ram.createUser(new RamSdk.CreateUserRequest({ userName: 'bob' }));
    await ram.createGroup(new RamSdk.CreateGroupRequest({ groupName: 'deployers', comments: 'CI' }));
    await ram.addUserToGroup(new RamSdk.AddUserToGroupRequest({ groupName: 'deployers', userName: 'bob' }));
    expect((await failure(ram.addUserToGroup(new RamSdk.AddUserToGroupRequest({ groupName: 'deployers', userName: 'bob' })))).code).toBe('EntityAlreadyExists.User.Group');
    await ram.createPolicy(new RamSdk.CreatePolicyRequest({ policyName: 'read-cr', policyDocument: doc({ Effect: 'Allow', Action: 'cr:List*', Resource: '*' }) }));
    await ram.attachPolicyToGroup(new RamSdk.AttachPolicyToGroupRequest({ groupName: 'deployers', policyName: 'read-cr', policyType: 'Custom' }));
    await ram.attachPolicyToUser(new RamSdk.AttachPolicyToUserRequest({ userName: 'bob', policyName: 'read-cr', policyType: 'Custom' }));
    const entities = (await ram.listEntitiesForPolicy(new RamSdk.ListEntitiesForPolicyRequest({ policyName: 'read-cr', policyType: 'Custom' }))).body;
    expect(entities?.users?.user?.map((u) => u.userName)).toEqual(['bob']);
    expect(entities?.groups?.group?.map((g) => g.groupName)).toEqual(['deployers']);
    expect((await ram.listGroupsForUser(new RamSdk.ListGroupsForUserRequest({ userName: 'bob' }))).body?.groups?.group?.map((g) => g.groupName)).toEqual(['deployers']);
    expect((await ram.listPoliciesForGroup(new RamSdk.ListPoliciesForGroupRequest({ groupName: 'deployers' }))).body?.policies?.policy?.map((p) => p.policyName)).toEqual(['read-cr']);
    expect((await failure(ram.deletePolicy(new RamSdk.DeletePolicyRequest({ policyName: 'read-cr' })))).code, 'attached to a user').toBe('DeleteConflict.User.Policy');
    expect((await failure(ram.deleteGroup(new RamSdk.DeleteGroupRequest({ groupName: 'deployers' })))).code, 'a group with members').toBe('DeleteConflict.Group.User');
    expect((await failure(ram.deleteUser(new RamSdk.DeleteUserRequest({ userName: 'bob' })))).code, 'a user with policies').toBe('DeleteConflict.User.Policy');
    await ram.detachPolicyFromUser(new RamSdk.DetachPolicyFromUserRequest({ userName: 'bob', policyName: 'read-cr', policyType: 'Custom' }));
    expect((await failure(ram.deleteUser(new RamSdk.DeleteUserRequest({ userName: 'bob' })))).code, 'a user in a group').toBe('DeleteConflict.User.Group');
  });
});

describe('enforcement for RAM users', () => {
  it('a missing statement refuses the call with the product’s error naming the RAM action and resource; granting it lets the same call through', async () => {
    const u = await newUser('ci-1');
    const refused = await failure(crCall(u, 'ListInstance'));
    expect([refused.code, refused.statusCode, refused.name]).toEqual(['NoPrivilege', 403, 'ClientError']);
    expect(refused.message).toMatch(/not authorized to do action cr:ListInstance on resource \*/);
    expect(refused.accessDeniedDetail).toMatchObject({ AuthAction: 'cr:ListInstance', AuthPrincipalType: 'SubUser', AuthPrincipalDisplayName: 'user/ci-1', NoPermissionType: 'ImplicitDeny' });
    await u.grant({ Effect: 'Allow', Action: 'cr:ListInstance', Resource: '*' });
    expect((await crCall(u, 'ListInstance'))['Instances']).toHaveLength(2);
    const ns = await failure(crCall(u, 'CreateNamespace', { InstanceId: inst, NamespaceName: 'team-a' }));
    expect([ns.code, ns.accessDeniedDetail?.['AuthAction'], ns.accessDeniedDetail?.['AuthResource']]).toEqual(['NoPrivilege', 'cr:CreateNamespace', `acs:cr:${REGION}:${A}:repository/${inst}`]);
    const log = (await t.admin<{ action: string; accountUid: string; code: string | null }[]>('GET', '/_emulator/calls')).body;
    expect(log.filter((e) => e.action === 'CreateNamespace').at(-1)).toMatchObject({ accountUid: A, code: 'NoPrivilege' });
  });

  it('resources narrow: a grant on one instance’s repositories allows that instance only; deeper ARNs name namespaces and repositories', async () => {
    const u = await newUser('ci-2');
    await u.grant(
      { Effect: 'Allow', Action: ['cr:CreateNamespace', 'cr:CreateRepository'], Resource: [`acs:cr:*:${A}:repository/${inst}`, `acs:cr:*:${A}:repository/${inst}/team-b`] },
      { Effect: 'Allow', Action: 'cr:GetRepository', Resource: `acs:cr:${REGION}:${A}:repository/${inst}/team-b/api` },
    );
    await crCall(u, 'CreateNamespace', { InstanceId: inst, NamespaceName: 'team-b', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    const elsewhere = await failure(crCall(u, 'CreateNamespace', { InstanceId: other, NamespaceName: 'team-b' }));
    expect(elsewhere.accessDeniedDetail?.['AuthResource']).toBe(`acs:cr:${REGION}:${A}:repository/${other}`);
    const repoId = (await crCall(u, 'CreateRepository', { InstanceId: inst, RepoNamespaceName: 'team-b', RepoName: 'api', RepoType: 'PRIVATE', Summary: 's' }))['RepoId'];
    expect((await crCall(u, 'GetRepository', { InstanceId: inst, RepoId: repoId }))['RepoName'], 'RepoId is resolved to namespace and name').toBe('api');
    const web = (await crCall(root, 'CreateRepository', { InstanceId: inst, RepoNamespaceName: 'team-b', RepoName: 'web', RepoType: 'PRIVATE', Summary: 's' }))['RepoId'];
    const denied = await failure(crCall(u, 'GetRepository', { InstanceId: inst, RepoId: web }));
    expect(denied.accessDeniedDetail?.['AuthResource']).toBe(`acs:cr:${REGION}:${A}:repository/${inst}/team-b/web`);
  });

  it('wildcards match as RAM’s: * and ? in actions (case-insensitive) and resources (case-sensitive)', async () => {
    const u = await newUser('ci-3');
    const cases: [Record<string, unknown>, boolean, string][] = [
      [{ Action: 'cr:Get*', Resource: '*' }, true, 'action prefix'],
      [{ Action: 'CR:getinstance', Resource: '*' }, true, 'actions ignore case'],
      [{ Action: 'cr:GetInstanc?', Resource: '*' }, true, '? is one character'],
      [{ Action: '*', Resource: `acs:cr:*:*:instance/${inst}` }, true, 'region and account wildcards'],
      [{ Action: 'cr:GetInstance', Resource: `acs:cr:*:*:instance/${inst.toUpperCase()}` }, false, 'resources are case-sensitive'],
      [{ Action: 'cr:GetInstance', Resource: 'acs:cr:*:*:instance/cri-other*' }, false, 'another instance'],
      [{ Action: 'ecs:*', Resource: '*' }, false, 'another product'],
    ];
    for (const [statement, allowed, reason] of cases) {
      await u.grant({ Effect: 'Allow', ...statement });
      const r = await crCall(u, 'GetInstance', { InstanceId: inst }).then(
        () => 'allowed',
        (e: Failure) => e.code,
      );
      expect(r, reason).toBe(allowed ? 'allowed' : 'NoPrivilege');
    }
  });

  it('an explicit Deny wins over any Allow, and is reported as ExplicitDeny; NotAction and NotResource invert the match', async () => {
    const u = await newUser('ci-4');
    await u.grant({ Effect: 'Allow', Action: 'cr:*', Resource: '*' }, { Effect: 'Deny', Action: 'cr:Delete*', Resource: `acs:cr:*:*:repository/${inst}/*` });
    await crCall(root, 'CreateNamespace', { InstanceId: inst, NamespaceName: 'keep', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    const denied = await failure(crCall(u, 'DeleteNamespace', { InstanceId: inst, NamespaceName: 'keep' }));
    expect([denied.code, denied.accessDeniedDetail?.['NoPermissionType']]).toEqual(['NoPrivilege', 'ExplicitDeny']);
    await crCall(u, 'GetNamespace', { InstanceId: inst, NamespaceName: 'keep' });
    await u.grant({ Effect: 'Allow', NotAction: 'cr:Delete*', Resource: '*' });
    await crCall(u, 'GetInstance', { InstanceId: inst });
    expect((await failure(crCall(u, 'DeleteNamespace', { InstanceId: inst, NamespaceName: 'keep' }))).code).toBe('NoPrivilege');
    await u.grant({ Effect: 'Allow', Action: 'cr:GetInstance', NotResource: `acs:cr:*:*:instance/${other}` });
    await crCall(u, 'GetInstance', { InstanceId: inst });
    expect((await failure(crCall(u, 'GetInstance', { InstanceId: other }))).code).toBe('NoPrivilege');
  });

  it('conditions: acs:SourceIp and acs:SecureTransport are evaluated; one the emulator cannot evaluate never grants, and always denies', async () => {
    const u = await newUser('ci-5');
    const cases: [Record<string, unknown>[], boolean, string][] = [
      [[{ Effect: 'Allow', Action: 'cr:GetInstance', Resource: '*', Condition: { IpAddress: { 'acs:SourceIp': '127.0.0.0/8' } } }], true, 'the caller is on loopback'],
      [[{ Effect: 'Allow', Action: 'cr:GetInstance', Resource: '*', Condition: { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } } }], false, 'not from these networks'],
      [[{ Effect: 'Allow', Action: 'cr:GetInstance', Resource: '*', Condition: { Bool: { 'acs:SecureTransport': 'true' } } }], false, 'the emulator speaks plain http'],
      [[{ Effect: 'Allow', Action: 'cr:GetInstance', Resource: '*', Condition: { StringEquals: { 'cr:Unknown': 'x' } } }], false, 'an Allow with a condition the emulator cannot evaluate grants nothing'],
      [
        [
          { Effect: 'Allow', Action: 'cr:GetInstance', Resource: '*' },
          { Effect: 'Deny', Action: 'cr:GetInstance', Resource: '*', Condition: { StringEquals: { 'acs:Unknown': 'x' } } },
        ],
        false,
        'a Deny with a condition the emulator cannot evaluate applies',
      ],
    ];
    for (const [statements, allowed, reason] of cases) {
      await u.grant(...statements);
      const r = await crCall(u, 'GetInstance', { InstanceId: inst }).then(
        () => 'allowed',
        (e: Failure) => e.code,
      );
      expect(r, reason).toBe(allowed ? 'allowed' : 'NoPrivilege');
    }
  });

  it('a group’s policies count for its members', async () => {
    const u = await newUser('ci-6');
    await ram.createGroup(new RamSdk.CreateGroupRequest({ groupName: 'readers' }));
    await ram.createPolicy(new RamSdk.CreatePolicyRequest({ policyName: 'get-instance', policyDocument: doc({ Effect: 'Allow', Action: 'cr:GetInstance', Resource: '*' }) }));
    await ram.attachPolicyToGroup(new RamSdk.AttachPolicyToGroupRequest({ groupName: 'readers', policyName: 'get-instance', policyType: 'Custom' }));
    expect((await failure(crCall(u, 'GetInstance', { InstanceId: inst }))).code).toBe('NoPrivilege');
    await ram.addUserToGroup(new RamSdk.AddUserToGroupRequest({ groupName: 'readers', userName: 'ci-6' }));
    await crCall(u, 'GetInstance', { InstanceId: inst });
  });

  it('every product answers its own permission error: ram NoPermission, vpc Forbidden.RAM, bss NotAuthorized, Personal Edition NoPermission', async () => {
    const u = await newUser('ci-7');
    const r = await failure((await t.ramClient(u)).listRoles(new RamSdk.ListRolesRequest({})));
    expect([r.code, r.statusCode, r.accessDeniedDetail?.['AuthAction'], r.accessDeniedDetail?.['AuthResource']]).toEqual(['NoPermission', 403, 'ram:ListRoles', `acs:ram:*:${A}:role/*`]);
    const VpcSdk = await import('@alicloud/vpc20160428');
    const v = await failure((await t.vpcClient(REGION, u)).describeVpcs(new VpcSdk.DescribeVpcsRequest({ regionId: REGION })));
    expect([v.code, v.statusCode, v.accessDeniedDetail?.['AuthResource']]).toEqual(['Forbidden.RAM', 403, `acs:vpc:${REGION}:${A}:vpc/*`]);
    const b = await failure(t.callRpc('bss', 'global', 'QueryAvailableInstances', { ProductCode: 'acr' }, u));
    expect([b.code, b.statusCode]).toEqual(['NotAuthorized', 400]);
    const pe = await failure(t.callRoa(REGION, 'GetNamespace', 'GET', '/namespace/mine', u));
    expect([pe.code, pe.statusCode]).toEqual(['NoPermission', 403]);
    expect(pe.message).toMatch(/cr:GetNamespace on resource acs:cr:cn-hangzhou:6100000000000001:repository\/mine/);
    await u.grant({ Effect: 'Allow', Action: ['ram:ListRoles', 'vpc:Describe*'], Resource: '*' });
    await (await t.ramClient(u)).listRoles(new RamSdk.ListRolesRequest({}));
    await (await t.vpcClient(REGION, u)).describeVpcs(new VpcSdk.DescribeVpcsRequest({ regionId: REGION }));
    expect((await (await t.stsClient(u)).getCallerIdentity()).body?.identityType, 'GetCallerIdentity needs no permission').toBe('RAMUser');
  });

  it('OSS: oss:GetObject on a bucket’s objects allows reads; a write is AccessDenied naming oss:PutObject and the object ARN', async () => {
    const endpoint = (await t.admin<{ endpoint: string }>('GET', `/_emulator/endpoint?product=oss&region=${REGION}`)).body.endpoint;
    await t.admin('POST', '/_emulator/oss/buckets', { accountUid: A, region: REGION, bucket: 'enforced-runs' });
    const as = (k: ClientKeys) => new OSS({ endpoint: `http://${endpoint}`, region: `oss-${REGION}`, accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret, bucket: 'enforced-runs' });
    await as(root).put('runs/r1', Buffer.from('journal'));
    const u = await newUser('ci-8');
    await u.grant({ Effect: 'Allow', Action: 'oss:GetObject', Resource: `acs:oss:*:${A}:enforced-runs/runs/*` });
    expect(((await as(u).get('runs/r1')).content as Buffer).toString()).toBe('journal');
    const put = (await as(u)
      .put('runs/r2', Buffer.from('x'))
      .catch((e: unknown) => e)) as { code: string; status: number; message: string };
    expect([put.code, put.status]).toEqual(['AccessDenied', 403]);
    expect(put.message).toMatch(new RegExp(`oss:PutObject on acs:oss:\\*:${A}:enforced-runs/runs/r2`));
  });

  it('the root account’s keys stay unrestricted', async () => {
    await crCall(root, 'GetInstance', { InstanceId: inst });
    await ram.listUsers(new RamSdk.ListUsersRequest({}));
  });
});

describe('STS and assumed roles', () => {
  const trust = (principals: string[]) => doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: principals } });
  const assume = async (k: ClientKeys, role: string, policy?: string) => {
    const res = await (await t.stsClient(k)).assumeRole(new StsSdk.AssumeRoleRequest({ roleArn: `acs:ram::${A}:role/${role}`, roleSessionName: 's1', ...(policy !== undefined ? { policy } : {}) }));
    const c = res.body?.credentials;
    return { accessKeyId: c?.accessKeyId ?? '', accessKeySecret: c?.accessKeySecret ?? '', securityToken: c?.securityToken ?? '' };
  };

  it('AssumeRole needs sts:AssumeRole on the role for a RAM user, and the trust policy must name the user or the whole account', async () => {
    await ram.createRole(new RamSdk.CreateRoleRequest({ roleName: 'deployer', assumeRolePolicyDocument: trust([`acs:ram::${A}:root`]) }));
    await ram.createRole(new RamSdk.CreateRoleRequest({ roleName: 'only-ops', assumeRolePolicyDocument: trust([`acs:ram::${A}:user/ops-*`]) }));
    const u = await newUser('ci-9');
    const noPerm = await failure(assume(u, 'deployer'));
    expect([noPerm.code, noPerm.accessDeniedDetail?.['AuthAction'], noPerm.accessDeniedDetail?.['AuthResource']]).toEqual(['NoPermission', 'sts:AssumeRole', `acs:ram:*:${A}:role/deployer`]);
    await u.grant({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `acs:ram:*:${A}:role/*` });
    expect((await assume(u, 'deployer')).accessKeyId).toMatch(/^STS\./);
    const untrusted = await failure(assume(u, 'only-ops'));
    expect(untrusted.message).toMatch(/trust policy/);
    const ops = await newUser('ops-1');
    await ops.grant({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' });
    expect((await assume(ops, 'only-ops')).accessKeyId).toMatch(/^STS\./);
  });

  it('an assumed role is enforced only when its account opted in ("enforce": true); then the role’s policies, narrowed by the session Policy, decide', async () => {
    await ram.createRole(new RamSdk.CreateRoleRequest({ roleName: 'ci-role', assumeRolePolicyDocument: trust([`acs:ram::${A}:root`]) }));
    const before = await assume(root, 'ci-role');
    await crCall(before, 'GetInstance', { InstanceId: inst });
    await t.admin('POST', '/_emulator/accounts', { uid: A, enforce: true });
    try {
      const refused = await failure(crCall(before, 'GetInstance', { InstanceId: inst }));
      expect([refused.code, refused.accessDeniedDetail?.['AuthPrincipalType'], refused.accessDeniedDetail?.['AuthPrincipalDisplayName']]).toEqual(['NoPrivilege', 'AssumedRoleUser', 'assumed-role/ci-role/s1']);
      await ram.createPolicy(new RamSdk.CreatePolicyRequest({ policyName: 'ci-role-cr', policyDocument: doc({ Effect: 'Allow', Action: 'cr:Get*', Resource: '*' }) }));
      await ram.attachPolicyToRole(new RamSdk.AttachPolicyToRoleRequest({ roleName: 'ci-role', policyName: 'ci-role-cr', policyType: 'Custom' }));
      await crCall(before, 'GetInstance', { InstanceId: inst });
      const narrowed = await assume(root, 'ci-role', doc({ Effect: 'Allow', Action: 'cr:GetInstance', Resource: `acs:cr:*:*:instance/${other}` }));
      await crCall(narrowed, 'GetInstance', { InstanceId: other });
      expect((await failure(crCall(narrowed, 'GetInstance', { InstanceId: inst }))).code, 'the session policy narrows the role').toBe('NoPrivilege');
      await crCall(root, 'GetInstance', { InstanceId: inst });
    } finally {
      await t.admin('POST', '/_emulator/accounts', { uid: A, enforce: false });
    }
    const accounts = (await t.admin<{ uid: string; enforce: boolean }[]>('GET', '/_emulator/accounts')).body;
    expect(accounts.find((a) => a.uid === A)?.enforce).toBe(false);
  });
});

describe('the RAM action table (src/cloud/ram-actions.ts)', () => {
  it('covers every API the emulator serves, with actions of the product’s RAM code and ARN templates', () => {
    const missing: string[] = [];
    for (const svc of services) {
      const apis = svc.style === 'RPC' ? Object.keys(svc.actions) : svc.routes.map((r) => r.action);
      for (const api of apis) if (ramRule(svc.product as RamProduct, api) === undefined) missing.push(`${svc.product}:${api}`);
    }
    for (const op of OSS_OPERATIONS) if (ramRule('oss', op) === undefined) missing.push(`oss:${op}`);
    expect(missing).toEqual([]);
    const codes: Record<RamProduct, string> = { cr: 'cr', crpe: 'cr', bss: 'bss', ram: 'ram', sts: 'sts', cbn: 'cen', vpc: 'vpc', pvtz: 'pvtz', oss: 'oss', cas: 'yundun-cert' };
    for (const [product, table] of Object.entries(RAM_ACTIONS) as [RamProduct, (typeof RAM_ACTIONS)[RamProduct]][]) {
      for (const [api, rule] of Object.entries(table)) {
        if (rule === null) continue;
        expect(rule.action, `${product}:${api}`).toMatch(new RegExp(`^${codes[product]}:[A-Z][A-Za-z]+$`));
        for (const r of rule.resources) expect(r === '*' || r.startsWith(`acs:${codes[product] === 'sts' ? 'ram' : codes[product]}:`), `${product}:${api} ${r}`).toBe(true);
      }
    }
  });
});
