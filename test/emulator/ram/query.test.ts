import { describe, expect, it } from 'vitest';
import { service as ram } from '../../../src/emulator/services/ram/index.js';
import { findRole, roleAllows, trustAllowsAccount, trustAllowsService } from '../../../src/emulator/services/ram/query.js';
import { harness } from './context.js';

const A = '1111111111111111';
const B = '2222222222222222';
const ROLE = 'aliyuncontainerregistrycrossaccoutsyncrole';
const instanceArn = `acs:cr:cn-beijing:${B}:instance/cri-target`;

function trust(service: string[], ram: string[] = []): string {
  const principal: Record<string, string[]> = {};
  if (service.length > 0) principal['Service'] = service;
  if (ram.length > 0) principal['RAM'] = ram;
  return JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: principal }] });
}

function setup(policyDoc: object, trustDoc = trust([`${A}@cr.aliyuncs.com`])) {
  const h = harness();
  h.call(ram, B, 'CreateRole', { RoleName: ROLE, AssumeRolePolicyDocument: trustDoc });
  h.call(ram, B, 'CreatePolicy', { PolicyName: 'cr-sync', PolicyDocument: JSON.stringify(policyDoc) });
  h.call(ram, B, 'AttachPolicyToRole', { PolicyName: 'cr-sync', PolicyType: 'Custom', RoleName: ROLE });
  return h;
}

const allowSync = { Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:CreateSyncRule', 'cr:CreateRepositorySync'], Resource: instanceArn }] };

describe('ram query.ts (cross-product checks on real RAM state)', () => {
  it('findRole returns the role with its ARN and trust policy, and undefined for other accounts or names', () => {
    const h = setup(allowSync);
    const r = findRole(h.state, B, ROLE);
    expect(r).toEqual({ roleName: ROLE, arn: `acs:ram::${B}:role/${ROLE}`, accountUid: B, assumeRolePolicyDocument: trust([`${A}@cr.aliyuncs.com`]) });
    expect(findRole(h.state, A, ROLE)).toBeUndefined();
    expect(findRole(h.state, B, 'other')).toBeUndefined();
  });

  it('trustAllowsService matches the listed service principal only', () => {
    const r = findRole(setup(allowSync).state, B, ROLE)!;
    expect(trustAllowsService(r, `${A}@cr.aliyuncs.com`)).toBe(true);
    expect(trustAllowsService(r, `${A}@CR.aliyuncs.com`)).toBe(true);
    expect(trustAllowsService(r, `3333333333333333@cr.aliyuncs.com`)).toBe(false);
    expect(trustAllowsAccount(r, A)).toBe(false);
  });

  it('trustAllowsService: an explicit Deny for the same principal wins', () => {
    const doc = JSON.stringify({
      Version: '1',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${A}@cr.aliyuncs.com`] } },
        { Action: 'sts:*', Effect: 'Deny', Principal: { Service: `${A}@cr.aliyuncs.com` } },
      ],
    });
    const r = findRole(setup(allowSync, doc).state, B, ROLE)!;
    expect(trustAllowsService(r, `${A}@cr.aliyuncs.com`)).toBe(false);
  });

  it('trustAllowsAccount accepts root, user and role ARNs of the caller account, and the bare UID', () => {
    for (const [entry, reason] of [
      [`acs:ram::${A}:root`, 'account root'],
      [`acs:ram::${A}:user/deployer`, 'a RAM user of the account'],
      [`acs:ram::${A}:role/ci`, 'a RAM role of the account'],
      [A, 'bare UID'],
    ] as const) {
      const r = findRole(setup(allowSync, trust([], [entry])).state, B, ROLE)!;
      expect(trustAllowsAccount(r, A), reason).toBe(true);
      expect(trustAllowsAccount(r, '3333333333333333'), reason).toBe(false);
    }
  });

  it('roleAllows evaluates the default version of attached policies with wildcards', () => {
    const h = setup(allowSync);
    expect(roleAllows(h.state, B, ROLE, 'cr:CreateSyncRule', instanceArn)).toBe(true);
    expect(roleAllows(h.state, B, ROLE, 'cr:CreateRepositorySync', instanceArn)).toBe(true);
    expect(roleAllows(h.state, B, ROLE, 'cr:DeleteSyncRule', instanceArn)).toBe(false);
    expect(roleAllows(h.state, B, ROLE, 'cr:CreateSyncRule', `acs:cr:cn-beijing:${B}:instance/cri-other`)).toBe(false);
    // a new non-default version does not count until it becomes the default
    h.call(ram, B, 'CreatePolicyVersion', { PolicyName: 'cr-sync', PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:*', Resource: 'acs:cr:*:*:instance/*' }] }) });
    expect(roleAllows(h.state, B, ROLE, 'cr:DeleteSyncRule', instanceArn)).toBe(false);
    h.call(ram, B, 'SetDefaultPolicyVersion', { PolicyName: 'cr-sync', VersionId: 'v2' });
    expect(roleAllows(h.state, B, ROLE, 'cr:DeleteSyncRule', instanceArn)).toBe(true);
  });

  it('roleAllows: Deny wins, detached policies and missing roles allow nothing, System policies count', () => {
    const h = setup({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:*', Resource: '*' }, { Effect: 'Deny', Action: 'cr:CreateSyncRule', Resource: instanceArn }] });
    expect(roleAllows(h.state, B, ROLE, 'cr:CreateSyncRule', instanceArn)).toBe(false);
    expect(roleAllows(h.state, B, ROLE, 'cr:CreateRepositorySync', instanceArn)).toBe(true);
    h.call(ram, B, 'DetachPolicyFromRole', { PolicyName: 'cr-sync', PolicyType: 'Custom', RoleName: ROLE });
    expect(roleAllows(h.state, B, ROLE, 'cr:CreateRepositorySync', instanceArn)).toBe(false);
    h.call(ram, B, 'AttachPolicyToRole', { PolicyName: 'AliyunContainerRegistryFullAccess', PolicyType: 'System', RoleName: ROLE });
    expect(roleAllows(h.state, B, ROLE, 'cr:CreateSyncRule', instanceArn)).toBe(true);
    expect(roleAllows(h.state, B, 'nope', 'cr:CreateSyncRule', instanceArn)).toBe(false);
    expect(roleAllows(h.state, A, ROLE, 'cr:CreateSyncRule', instanceArn)).toBe(false);
  });
});
