/**
 * Folding the cross-account RAM objects: the desired side is what the kinds derive from an adopted
 * document with a cross-account rule; the live side is varied. Uses the kinds' own desired/derive/diff.
 */
import { describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { discoverRoles, foldRoles, mergeRoles } from '../../src/adopt/roles.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { instanceAddress } from '../../src/kinds/instance.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { ramAttachmentAddress, ramAttachmentKind } from '../../src/kinds/ram-attachment.js';
import { ramPolicyAddress, ramPolicyKind } from '../../src/kinds/ram-policy.js';
import { ramRoleAddress, ramRoleKind } from '../../src/kinds/ram-role.js';

const addr = { instance: instanceAddress, ramRole: ramRoleAddress, ramPolicy: ramPolicyAddress, ramAttachment: ramAttachmentAddress };

const PROD = '1234567890123456';
const PARTNER = '6543210987654321';
const OTHER = '1111111111111111';
const ROLE = 'aliyuncontainerregistrycrossaccoutsyncrole';
const POLICY = 'AcrctlCrossAccountSync';
const ARN = `acs:cr:cn-beijing:${PARTNER}:instance/cri-bj`;

const doc: RegistryDocument = {
  version: 1,
  accounts: { prod: { uid: PROD }, partner: { uid: PARTNER }, other: { uid: OTHER } },
  instances: {
    hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', replication: [{ name: 'r', to: 'bj', namespace: 'team' }] },
    bj: { account: 'partner', region: 'cn-beijing', edition: 'Basic', name: 'acme-bj' },
  },
};
const instances: LiveObject[] = [
  { id: addr.instance('bj'), kind: 'instance', account: 'partner', region: 'cn-beijing', instance: 'bj', key: { instance: 'bj' }, spec: {}, ids: { instanceId: 'cri-bj' }, container: 'account[partner]', prunable: false, requires: [] },
];
const kinds: Kind[] = [ramRoleKind, ramPolicyKind, ramAttachmentKind];
const declared = kinds.flatMap((k) => k.desired(doc));
const desired: DesiredObject[] = [...declared, ...kinds.flatMap((k) => k.derive?.({ config: doc, desired: declared, live: (n) => (n === 'instance' ? instances : []) }) ?? [])];

const base = { account: 'partner', region: 'global', ids: {}, container: 'account[partner]', prunable: false, requires: [] };
const role = (services: string[], description = 'acrctl: lets Container Registry in the trusted accounts replicate images into this account'): LiveObject => ({
  ...base,
  id: addr.ramRole('partner', ROLE),
  kind: 'ram-role',
  key: { account: 'partner', role: ROLE },
  spec: { roleName: ROLE, trustedServices: services.map((u) => `${u}@cr.aliyuncs.com`).sort(), description },
});
const policy = (statements: Record<string, unknown>[]): LiveObject => ({
  ...base,
  id: addr.ramPolicy('partner', POLICY),
  kind: 'ram-policy',
  key: { account: 'partner', policy: POLICY },
  spec: { policyName: POLICY, document: { Version: '1', Statement: statements } },
});
const derivedStatement = { Effect: 'Allow', Action: ['cr:CreateRepositorySync', 'cr:CreateSyncRule'], Resource: [ARN] };
const attachment: LiveObject = { ...base, id: addr.ramAttachment('partner', ROLE, POLICY), kind: 'ram-attachment', key: { account: 'partner', role: ROLE, policy: POLICY }, spec: { roleName: ROLE, policyName: POLICY, policyType: 'Custom' } };

function fold(live: LiveObject[]) {
  const byKind = new Map(kinds.map((k) => [k.name, k] as const));
  return foldRoles({ accounts: doc.accounts, desired, live, diff: (d, l) => diffOf(byKind.get(d.kind)!, d, l).changes });
}

describe('foldRoles', () => {
  it('derives the three objects it compares against (sanity of the fixture)', () => {
    expect(desired.map((d) => d.id).sort()).toEqual([addr.ramAttachment('partner', ROLE, POLICY), addr.ramPolicy('partner', POLICY), addr.ramRole('partner', ROLE)]);
  });

  const cases: { reason: string; live: LiveObject[]; roles: unknown; notes: RegExp[] }[] = [
    { reason: 'live objects identical to the derived ones fold away completely', live: [role([PROD]), policy([derivedStatement]), attachment], roles: {}, notes: [] },
    {
      reason: 'a principal of another adopted account becomes trustedAccounts',
      live: [role([PROD, OTHER]), policy([derivedStatement]), attachment],
      roles: { partner: { trustedAccounts: ['other'] } },
      notes: [],
    },
    {
      reason: 'a principal of an account that is not adopted cannot be named: a note',
      live: [role([PROD, '9999999999999999']), policy([derivedStatement]), attachment],
      roles: {},
      notes: [/trusts 9999999999999999@cr.aliyuncs.com, an account that is not adopted/],
    },
    {
      reason: 'a custom description is kept (the role diff never compares it, so nothing else would)',
      live: [role([PROD], 'made by hand'), policy([derivedStatement]), attachment],
      roles: { partner: { description: 'made by hand' } },
      notes: [],
    },
    {
      reason: 'a policy with more than the derived statement becomes a custom policy',
      live: [role([PROD]), policy([derivedStatement, { Effect: 'Deny', Action: ['cr:DeleteRepository'], Resource: [ARN] }]), attachment],
      roles: { partner: { policy: { statements: [{ actions: ['cr:CreateRepositorySync', 'cr:CreateSyncRule'], resources: [ARN] }, { effect: 'Deny', actions: ['cr:DeleteRepository'], resources: [ARN] }] } } },
      notes: [],
    },
    {
      reason: 'a policy with a condition has no form in the language: a note',
      live: [role([PROD]), policy([{ ...derivedStatement, Condition: { Bool: { 'acs:SecureTransport': 'true' } } }]), attachment],
      roles: {},
      notes: [/has no form in the language/],
    },
    {
      reason: 'a missing role, policy and attachment are notes (a plan creates them)',
      live: [],
      roles: {},
      notes: [/missing live/, /missing live/, /missing live/],
    },
    {
      reason: 'a role not yet trusting the rule source is a note (a plan adds it)',
      live: [role([OTHER]), policy([derivedStatement]), attachment],
      roles: { partner: { trustedAccounts: ['other'] } },
      notes: [/does not trust 1234567890123456@cr.aliyuncs.com yet/],
    },
  ];
  it.each(cases)('$reason', ({ live, roles, notes }) => {
    const r = fold(live);
    expect(r.roles).toEqual(roles);
    expect(r.notes).toHaveLength(notes.length);
    notes.forEach((re, i) => expect(r.notes[i]!.message).toMatch(re));
  });
});

describe('discoverRoles: roles no adopted rule derives', () => {
  const found = [{ alias: 'bj', account: 'partner', region: 'cn-beijing' as const, name: 'acme-bj', edition: 'Basic' as const, instanceId: 'cri-bj', status: 'RUNNING' }];
  const cases: { reason: string; live: LiveObject[]; roles: unknown; notes: RegExp[] }[] = [
    { reason: 'no role in the probed account: nothing', live: [], roles: {}, notes: [] },
    {
      reason: 'a role trusting an adopted account, whose policy names an adopted instance, becomes trustedAccounts and instances',
      live: [role([PROD]), policy([derivedStatement])],
      roles: { partner: { trustedAccounts: ['prod'], instances: ['bj'] } },
      notes: [],
    },
    {
      reason: 'resources that name no adopted instance are left to the policy comparison (foldRoles)',
      live: [role([PROD, OTHER]), policy([{ ...derivedStatement, Resource: ['acs:cr:cn-beijing:6543210987654321:instance/cri-gone'] }])],
      roles: { partner: { trustedAccounts: ['other', 'prod'] } },
      notes: [],
    },
    {
      reason: 'a role trusting only accounts that are not adopted is a note naming them',
      live: [role(['9999999999999999'])],
      roles: {},
      notes: [/trusts no other adopted account \(9999999999999999@cr.aliyuncs.com\)/],
    },
  ];
  it.each(cases)('$reason', ({ live, roles, notes }) => {
    const r = discoverRoles({ accounts: doc.accounts, probed: ['partner'], live, instances: found });
    expect(r.roles).toEqual(roles);
    expect(r.notes.map((n) => n.message)).toHaveLength(notes.length);
    notes.forEach((re, i) => expect(r.notes[i]!.message).toMatch(re));
  });

  it('merges discovered entries with folded ones: lists united, the folded description and policy kept', () => {
    expect(
      mergeRoles(
        { partner: { trustedAccounts: ['prod'], instances: ['bj'] } },
        { partner: { trustedAccounts: ['other'], description: 'by hand' }, prod: { description: 'x' } },
      ),
    ).toEqual({ partner: { trustedAccounts: ['other', 'prod'], instances: ['bj'], description: 'by hand' }, prod: { description: 'x' } });
  });
});
