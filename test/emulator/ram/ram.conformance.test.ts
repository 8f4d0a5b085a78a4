/**
 * RAM conformance over HTTP: the official @alicloud/ram20150501 client for behaviour, and raw
 * openapi-core calls for the exact wire fields (checked against shared/api/ram-2015-05-01.json).
 */
import * as RamSdk from '@alicloud/ram20150501';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { checkFields } from './fields.js';

const UID = '1000000000000001';
const OTHER = '1000000000000002';
const FILE = 'ram-2015-05-01.json';
const trust = (svc: string) => JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [svc] } }] });
const perm = (action: string) => JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

let t: TestEmulator;
let keys: AccountKeys;
let other: AccountKeys;
type RamClient = Awaited<ReturnType<TestEmulator['ramClient']>>;
let ram: RamClient;

const raw = (action: string, params: Record<string, unknown> = {}, k: AccountKeys = keys) => t.callRpc('ram', 'global', action, params, k);

async function failure(p: Promise<unknown>): Promise<{ code: string; statusCode: number; name: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; statusCode: number; name: string };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  t = await startTestEmulator();
  keys = await t.account(UID);
  other = await t.account(OTHER);
  ram = await t.ramClient(keys);
});
afterAll(() => t.close());

describe('RAM roles (official client)', () => {
  it('creates, reads, updates, lists and deletes a role with a trust policy', async () => {
    const created = await ram.createRole(new RamSdk.CreateRoleRequest({ roleName: 'ci-deployer', assumeRolePolicyDocument: trust(`${OTHER}@cr.aliyuncs.com`), description: 'CI', maxSessionDuration: 7200 }));
    expect(created.statusCode).toBe(200);
    expect(created.body?.role?.arn).toBe(`acs:ram::${UID}:role/ci-deployer`);
    expect(created.body?.role?.maxSessionDuration).toBe(7200);
    expect(created.body?.requestId).toBeTruthy();
    const got = await ram.getRole(new RamSdk.GetRoleRequest({ roleName: 'ci-deployer' }));
    expect(got.body?.role?.assumeRolePolicyDocument).toBe(trust(`${OTHER}@cr.aliyuncs.com`));
    expect(got.body?.role?.createDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const updated = await ram.updateRole(new RamSdk.UpdateRoleRequest({ roleName: 'ci-deployer', newAssumeRolePolicyDocument: trust('ecs.aliyuncs.com'), newDescription: 'CI 2' }));
    expect(updated.body?.role?.description).toBe('CI 2');
    expect((await ram.getRole(new RamSdk.GetRoleRequest({ roleName: 'ci-deployer' }))).body?.role?.assumeRolePolicyDocument).toBe(trust('ecs.aliyuncs.com'));
    const listed = await ram.listRoles(new RamSdk.ListRolesRequest({}));
    expect(listed.body?.roles?.role?.map((r) => r.roleName)).toContain('ci-deployer');
    await ram.deleteRole(new RamSdk.DeleteRoleRequest({ roleName: 'ci-deployer' }));
    const gone = await failure(ram.getRole(new RamSdk.GetRoleRequest({ roleName: 'ci-deployer' })));
    expect(gone).toMatchObject({ code: 'EntityNotExist.Role', statusCode: 404, name: 'ClientError' });
  });

  it('roles are per account: another account does not see them', async () => {
    await raw('CreateRole', { RoleName: 'mine', AssumeRolePolicyDocument: trust('ecs.aliyuncs.com') });
    const e = await failure(raw('GetRole', { RoleName: 'mine' }, other));
    expect(e.code).toBe('EntityNotExist.Role');
  });

  it('refuses duplicates, bad names and malformed trust policies with the real codes', async () => {
    await raw('CreateRole', { RoleName: 'dup', AssumeRolePolicyDocument: trust('ecs.aliyuncs.com') });
    const cases: [Record<string, unknown>, string, number, string][] = [
      [{ RoleName: 'dup', AssumeRolePolicyDocument: trust('ecs.aliyuncs.com') }, 'EntityAlreadyExists.Role', 409, 'same name twice'],
      [{ RoleName: 'a'.repeat(65), AssumeRolePolicyDocument: trust('x') }, 'InvalidParameter.RoleName.Length', 400, 'limit 64'],
      [{ RoleName: 'bad_name', AssumeRolePolicyDocument: trust('x') }, 'InvalidParameter.RoleName.InvalidChars', 400, 'underscore not allowed'],
      [{ RoleName: 'ok', AssumeRolePolicyDocument: '{not json' }, 'MalformedPolicyDocument', 400, 'not JSON'],
      [{ RoleName: 'ok', AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow' }] }) }, 'MalformedPolicyDocument', 400, 'no Principal'],
      [{ RoleName: 'ok', AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'ecs:*', Effect: 'Allow', Principal: { Service: 'x' } }] }) }, 'MalformedPolicyDocument', 400, 'non-sts action in a trust policy'],
      [{ RoleName: 'ok', AssumeRolePolicyDocument: trust('x'), MaxSessionDuration: 100 }, 'InvalidParameter.MaxSessionDuration', 400, 'below 3600'],
    ];
    for (const [params, code, status, reason] of cases) {
      const e = await failure(raw('CreateRole', params));
      expect(e.code, reason).toBe(code);
      expect(e.statusCode, reason).toBe(status);
    }
    const e = await failure(ram.updateRole(new RamSdk.UpdateRoleRequest({ roleName: 'dup', newAssumeRolePolicyDocument: '[]' })));
    expect(e.code).toBe('MalformedPolicyDocument');
  });

  it('ListRoles pages with Marker/MaxItems at 1, 7 and 100', async () => {
    const fresh = await t.account('1000000000000003');
    for (let i = 0; i < 15; i++) await raw('CreateRole', { RoleName: `r${String(i).padStart(2, '0')}`, AssumeRolePolicyDocument: trust('ecs.aliyuncs.com') }, fresh);
    for (const size of [1, 7, 100]) {
      const names: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const body = await raw('ListRoles', { MaxItems: size, ...(marker === undefined ? {} : { Marker: marker }) }, fresh);
        checkFields(FILE, 'ListRoles', body, ['Marker']);
        const roles = (body['Roles'] as { Role: { RoleName: string }[] }).Role;
        expect(roles.length).toBeLessThanOrEqual(size);
        names.push(...roles.map((r) => r.RoleName));
        marker = body['IsTruncated'] === true ? (body['Marker'] as string) : undefined;
        if (body['IsTruncated'] === false) expect(body).not.toHaveProperty('Marker');
        pages++;
      } while (marker !== undefined);
      expect(names, `MaxItems ${size}`).toEqual(Array.from({ length: 15 }, (_, i) => `r${String(i).padStart(2, '0')}`));
      expect(pages).toBe(Math.ceil(15 / size));
    }
    expect((await failure(raw('ListRoles', { MaxItems: 1001 }, fresh))).code).toBe('InvalidParameter.MaxItems');
  });
});

describe('RAM policies and versions', () => {
  it('CreatePolicy makes v1 default; versions go up to 5, then LimitExceeded.Policy.Version (409)', async () => {
    const c = await ram.createPolicy(new RamSdk.CreatePolicyRequest({ policyName: 'cr-sync', policyDocument: perm('cr:CreateSyncRule'), description: 'sync' }));
    expect(c.body?.policy).toMatchObject({ policyName: 'cr-sync', policyType: 'Custom', defaultVersion: 'v1' });
    for (let i = 2; i <= 5; i++) {
      const v = await ram.createPolicyVersion(new RamSdk.CreatePolicyVersionRequest({ policyName: 'cr-sync', policyDocument: perm(`cr:Get${i}`), setAsDefault: i === 3 }));
      expect(v.body?.policyVersion).toMatchObject({ versionId: `v${i}`, isDefaultVersion: i === 3 });
    }
    const e = await failure(ram.createPolicyVersion(new RamSdk.CreatePolicyVersionRequest({ policyName: 'cr-sync', policyDocument: perm('cr:Get6') })));
    expect(e).toMatchObject({ code: 'LimitExceeded.Policy.Version', statusCode: 409, name: 'ClientError' });
    const list = await ram.listPolicyVersions(new RamSdk.ListPolicyVersionsRequest({ policyName: 'cr-sync', policyType: 'Custom' }));
    expect(list.body?.policyVersions?.policyVersion?.map((v) => [v.versionId, v.isDefaultVersion])).toEqual([
      ['v1', false],
      ['v2', false],
      ['v3', true],
      ['v4', false],
      ['v5', false],
    ]);
    // rotation deletes the oldest non-default version instead of failing
    const rotated = await raw('CreatePolicyVersion', { PolicyName: 'cr-sync', PolicyDocument: perm('cr:Get6'), RotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded' });
    checkFields(FILE, 'CreatePolicyVersion', rotated);
    expect((rotated['PolicyVersion'] as { VersionId: string }).VersionId).toBe('v6');
    const after = await raw('ListPolicyVersions', { PolicyName: 'cr-sync', PolicyType: 'Custom' });
    checkFields(FILE, 'ListPolicyVersions', after);
    expect((after['PolicyVersions'] as { PolicyVersion: { VersionId: string }[] }).PolicyVersion.map((v) => v.VersionId)).toEqual(['v2', 'v3', 'v4', 'v5', 'v6']);
  });

  it('the default version cannot be deleted; SetDefaultPolicyVersion moves it; unknown versions are 404', async () => {
    await raw('CreatePolicy', { PolicyName: 'p-default', PolicyDocument: perm('cr:A') });
    await raw('CreatePolicyVersion', { PolicyName: 'p-default', PolicyDocument: perm('cr:B') });
    expect(await failure(raw('DeletePolicyVersion', { PolicyName: 'p-default', VersionId: 'v1' }))).toMatchObject({ code: 'DeleteConflict.Policy.Version.Default', statusCode: 409 });
    await ram.setDefaultPolicyVersion(new RamSdk.SetDefaultPolicyVersionRequest({ policyName: 'p-default', versionId: 'v2' }));
    await ram.deletePolicyVersion(new RamSdk.DeletePolicyVersionRequest({ policyName: 'p-default', versionId: 'v1' }));
    expect(await failure(raw('GetPolicyVersion', { PolicyName: 'p-default', PolicyType: 'Custom', VersionId: 'v1' }))).toMatchObject({ code: 'EntityNotExist.Policy.Version', statusCode: 404 });
    expect(await failure(raw('SetDefaultPolicyVersion', { PolicyName: 'p-default', VersionId: 'v9' }))).toMatchObject({ code: 'EntityNotExist.Policy.Version', statusCode: 404 });
    const v = await raw('GetPolicyVersion', { PolicyName: 'p-default', PolicyType: 'Custom', VersionId: 'v2' });
    checkFields(FILE, 'GetPolicyVersion', v);
    expect(v['PolicyVersion']).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true, PolicyDocument: perm('cr:B') });
    const g = await raw('GetPolicy', { PolicyName: 'p-default', PolicyType: 'Custom' });
    checkFields(FILE, 'GetPolicy', g);
    expect(g['DefaultPolicyVersion']).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    expect((await failure(raw('GetPolicy', { PolicyName: 'p-default', PolicyType: 'Bogus' }))).code).toBe('InvalidParameter.PolicyType');
  });

  it('DeletePolicy is refused while attached (DeleteConflict.Role.Policy) and while non-default versions exist (DeleteConflict.Policy.Version)', async () => {
    await raw('CreateRole', { RoleName: 'holder', AssumeRolePolicyDocument: trust('ecs.aliyuncs.com') });
    await raw('CreatePolicy', { PolicyName: 'p-del', PolicyDocument: perm('cr:A') });
    await raw('CreatePolicyVersion', { PolicyName: 'p-del', PolicyDocument: perm('cr:B') });
    await ram.attachPolicyToRole(new RamSdk.AttachPolicyToRoleRequest({ policyName: 'p-del', policyType: 'Custom', roleName: 'holder' }));
    expect(await failure(raw('AttachPolicyToRole', { PolicyName: 'p-del', PolicyType: 'Custom', RoleName: 'holder' }))).toMatchObject({ code: 'EntityAlreadyExists.Role.Policy', statusCode: 409 });
    expect(await failure(raw('DeletePolicy', { PolicyName: 'p-del' }))).toMatchObject({ code: 'DeleteConflict.Role.Policy', statusCode: 409 });
    expect(await failure(raw('DeleteRole', { RoleName: 'holder' }))).toMatchObject({ code: 'DeleteConflict.Role.Policy', statusCode: 409 });
    await ram.detachPolicyFromRole(new RamSdk.DetachPolicyFromRoleRequest({ policyName: 'p-del', policyType: 'Custom', roleName: 'holder' }));
    expect(await failure(raw('DetachPolicyFromRole', { PolicyName: 'p-del', PolicyType: 'Custom', RoleName: 'holder' }))).toMatchObject({ code: 'EntityNotExist.Role.Policy', statusCode: 404 });
    expect(await failure(raw('DeletePolicy', { PolicyName: 'p-del' }))).toMatchObject({ code: 'DeleteConflict.Policy.Version', statusCode: 409 });
    await ram.deletePolicy(new RamSdk.DeletePolicyRequest({ policyName: 'p-del', cascadingDelete: true }));
    expect(await failure(raw('GetPolicy', { PolicyName: 'p-del', PolicyType: 'Custom' }))).toMatchObject({ code: 'EntityNotExist.Policy', statusCode: 404 });
    await raw('DeleteRole', { RoleName: 'holder' });
  });

  it('attachments are listed from both sides, System policies included', async () => {
    await raw('CreateRole', { RoleName: 'att-role', AssumeRolePolicyDocument: trust('ecs.aliyuncs.com'), Description: 'd' });
    await raw('CreatePolicy', { PolicyName: 'att-pol', PolicyDocument: perm('cr:*') });
    await raw('AttachPolicyToRole', { PolicyName: 'att-pol', PolicyType: 'Custom', RoleName: 'att-role' });
    await raw('AttachPolicyToRole', { PolicyName: 'AliyunContainerRegistryReadOnlyAccess', PolicyType: 'System', RoleName: 'att-role' });
    expect((await failure(raw('AttachPolicyToRole', { PolicyName: 'NoSuch', PolicyType: 'System', RoleName: 'att-role' }))).code).toBe('EntityNotExist.Policy');
    expect((await failure(raw('AttachPolicyToRole', { PolicyName: 'att-pol', PolicyType: 'Custom', RoleName: 'nobody' }))).code).toBe('EntityNotExist.Role');
    const forRole = await raw('ListPoliciesForRole', { RoleName: 'att-role' });
    checkFields(FILE, 'ListPoliciesForRole', forRole);
    expect((forRole['Policies'] as { Policy: { PolicyName: string; PolicyType: string }[] }).Policy.map((p) => `${p.PolicyType}/${p.PolicyName}`)).toEqual(['Custom/att-pol', 'System/AliyunContainerRegistryReadOnlyAccess']);
    const entities = await raw('ListEntitiesForPolicy', { PolicyName: 'att-pol', PolicyType: 'Custom' });
    checkFields(FILE, 'ListEntitiesForPolicy', entities);
    expect((entities['Roles'] as { Role: { RoleName: string; Arn: string }[] }).Role).toEqual([expect.objectContaining({ RoleName: 'att-role', Arn: `acs:ram::${UID}:role/att-role` })]);
    const sdk = await ram.getPolicy(new RamSdk.GetPolicyRequest({ policyName: 'att-pol', policyType: 'Custom' }));
    expect(sdk.body?.policy?.attachmentCount).toBe(1);
  });

  it('ListPolicies pages with Marker at 1, 7 and 100 and filters by PolicyType', async () => {
    const fresh = await t.account('1000000000000004');
    for (let i = 0; i < 9; i++) await raw('CreatePolicy', { PolicyName: `pol-${i}`, PolicyDocument: perm('cr:*') }, fresh);
    for (const size of [1, 7, 100]) {
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const body = await raw('ListPolicies', { PolicyType: 'Custom', MaxItems: size, ...(marker === undefined ? {} : { Marker: marker }) }, fresh);
        checkFields(FILE, 'ListPolicies', body, ['Marker']);
        names.push(...(body['Policies'] as { Policy: { PolicyName: string }[] }).Policy.map((p) => p.PolicyName));
        marker = body['IsTruncated'] === true ? (body['Marker'] as string) : undefined;
      } while (marker !== undefined);
      expect(names, `MaxItems ${size}`).toEqual(Array.from({ length: 9 }, (_, i) => `pol-${i}`));
    }
    const sys = await raw('ListPolicies', { PolicyType: 'System' }, fresh);
    expect((sys['Policies'] as { Policy: { PolicyType: string }[] }).Policy.every((p) => p.PolicyType === 'System')).toBe(true);
  });

  it('policy documents are validated (Resource required, Effect, length 6144)', async () => {
    const bad: [string, string, string][] = [
      [JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:*' }] }), 'MalformedPolicyDocument', 'no Resource'],
      [JSON.stringify({ Version: '1', Statement: [{ Effect: 'Maybe', Action: 'cr:*', Resource: '*' }] }), 'MalformedPolicyDocument', 'bad Effect'],
      [JSON.stringify({ Version: '2', Statement: [{ Effect: 'Allow', Action: 'cr:*', Resource: '*' }] }), 'MalformedPolicyDocument', 'bad Version'],
      [JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:*', Resource: 'x'.repeat(6200) }] }), 'InvalidParameter.PolicyDocument.Length', 'too long'],
    ];
    for (const [doc, code, reason] of bad) expect((await failure(raw('CreatePolicy', { PolicyName: 'bad', PolicyDocument: doc }))).code, reason).toBe(code);
    expect((await failure(raw('CreatePolicy', { PolicyName: 'bad_name', PolicyDocument: perm('cr:*') }))).code).toBe('InvalidParameter.PolicyName.InvalidChars');
    await raw('CreatePolicy', { PolicyName: 'once', PolicyDocument: perm('cr:*') });
    expect(await failure(raw('CreatePolicy', { PolicyName: 'once', PolicyDocument: perm('cr:*') }))).toMatchObject({ code: 'EntityAlreadyExists.Policy', statusCode: 409 });
  });
});

describe('RAM response fields match the JSON reference', () => {
  it('every action returns only documented fields, with their types, and RequestId', async () => {
    const f = await t.account('1000000000000005');
    const call = async (action: string, params: Record<string, unknown> = {}, optional: string[] = []) => {
      const body = await raw(action, params, f);
      expect(typeof body['RequestId']).toBe('string');
      checkFields(FILE, action, body, optional);
      return body;
    };
    await call('CreateRole', { RoleName: 'fr', AssumeRolePolicyDocument: trust('ecs.aliyuncs.com'), Tag: JSON.stringify([{ Key: 'team', Value: 'a' }]) });
    await call('GetRole', { RoleName: 'fr' });
    await call('UpdateRole', { RoleName: 'fr', NewDescription: 'x' });
    const listed = await call('ListRoles', { Tag: JSON.stringify([{ Key: 'team', Value: 'a' }]) }, ['Marker']);
    expect((listed['Roles'] as { Role: { Tags: { Tag: unknown[] } }[] }).Role[0]?.Tags.Tag).toEqual([{ TagKey: 'team', TagValue: 'a' }]);
    await call('CreatePolicy', { PolicyName: 'fp', PolicyDocument: perm('cr:*') });
    await call('GetPolicy', { PolicyName: 'fp', PolicyType: 'Custom' });
    await call('GetPolicy', { PolicyName: 'AdministratorAccess', PolicyType: 'System' });
    await call('CreatePolicyVersion', { PolicyName: 'fp', PolicyDocument: perm('cr:Get*') });
    await call('GetPolicyVersion', { PolicyName: 'fp', PolicyType: 'Custom', VersionId: 'v2' });
    await call('ListPolicyVersions', { PolicyName: 'fp', PolicyType: 'Custom' });
    await call('SetDefaultPolicyVersion', { PolicyName: 'fp', VersionId: 'v2' });
    await call('DeletePolicyVersion', { PolicyName: 'fp', VersionId: 'v1' });
    await call('AttachPolicyToRole', { PolicyName: 'fp', PolicyType: 'Custom', RoleName: 'fr' });
    await call('ListPoliciesForRole', { RoleName: 'fr' });
    await call('ListEntitiesForPolicy', { PolicyName: 'fp', PolicyType: 'Custom' });
    await call('ListPolicies', {}, ['Marker']);
    await call('DetachPolicyFromRole', { PolicyName: 'fp', PolicyType: 'Custom', RoleName: 'fr' });
    await call('DeletePolicy', { PolicyName: 'fp' });
    await call('DeleteRole', { RoleName: 'fr' });
    const alias = await call('GetAccountAlias');
    expect(alias['AccountAlias']).toBe('1000000000000005');
  });

  it('v1 HMAC-SHA1 signing through the official client works too', async () => {
    const v1 = await t.ramClient(keys, { signatureAlgorithm: 'v2' });
    const r = await v1.getAccountAlias();
    expect(r.body?.accountAlias).toBe(UID);
  });
});
