/**
 * RAM model: per-account roles, users (with access keys), groups, custom policies with versions,
 * and the attachments of policies to roles, users and groups. RAM is a global product: one
 * RamAccount per account UID, whatever port the call arrived on.
 *
 * Invariants: role, user and group names are unique per account (exact match); policy names are
 * unique per account and type; a custom policy has 1..5 versions, exactly one of them default;
 * version ids are `v<N>` with N monotonic per policy (never reused); an attachment names an
 * existing principal and policy; a user has at most 2 access keys, each id unique in the whole
 * emulator. Every record is JSON-serialisable (persisted with the emulator state; states saved
 * before users existed have no `users`/`groups` fields, which read as empty).
 */
import type { CallContext, EmulatorState, EpochMs } from '../../core/contract.js';

export type PolicyType = 'System' | 'Custom';

export interface TagRecord {
  Key: string;
  Value: string;
}

export interface RoleRecord {
  roleName: string;
  roleId: string;
  arn: string;
  description: string;
  assumeRolePolicyDocument: string;
  maxSessionDuration: number;
  tags: TagRecord[];
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface PolicyVersionRecord {
  versionId: string;
  document: string;
  createdAt: EpochMs;
}

export interface CustomPolicyRecord {
  policyName: string;
  description: string;
  defaultVersion: string;
  /** Oldest first. */
  versions: PolicyVersionRecord[];
  nextVersion: number;
  tags: TagRecord[];
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface AttachmentRecord {
  roleName: string;
  policyName: string;
  policyType: PolicyType;
  attachedAt: EpochMs;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  accessKeySecret: string;
  status: 'Active' | 'Inactive';
  createdAt: EpochMs;
}

export interface UserRecord {
  userName: string;
  userId: string;
  displayName: string;
  email: string;
  mobilePhone: string;
  comments: string;
  accessKeys: Record<string, AccessKeyRecord>;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface GroupRecord {
  groupName: string;
  groupId: string;
  comments: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** A policy attached to a user or a group (role attachments are {@link AttachmentRecord}). */
export interface PrincipalAttachmentRecord {
  principal: string;
  policyName: string;
  policyType: PolicyType;
  attachedAt: EpochMs;
}

export interface MembershipRecord {
  groupName: string;
  userName: string;
  joinedAt: EpochMs;
}

export interface RamAccount {
  alias: string;
  roles: Record<string, RoleRecord>;
  policies: Record<string, CustomPolicyRecord>;
  /** Policies attached to roles. */
  attachments: AttachmentRecord[];
  users?: Record<string, UserRecord>;
  groups?: Record<string, GroupRecord>;
  userAttachments?: PrincipalAttachmentRecord[];
  groupAttachments?: PrincipalAttachmentRecord[];
  memberships?: MembershipRecord[];
}

/** A RamAccount whose user and group collections exist (see {@link withPrincipals}). */
export type FullRamAccount = RamAccount & Required<Pick<RamAccount, 'users' | 'groups' | 'userAttachments' | 'groupAttachments' | 'memberships'>>;

/** The account with its user/group collections created when missing (older states lack them). */
export function withPrincipals(a: RamAccount): FullRamAccount {
  a.users ??= {};
  a.groups ??= {};
  a.userAttachments ??= [];
  a.groupAttachments ??= [];
  a.memberships ??= [];
  return a as FullRamAccount;
}

export interface RamState {
  accounts: Record<string, RamAccount>;
}

export function initRamState(): RamState {
  return { accounts: {} };
}

/** Limits from ram-2015-05-01.json `limits` (and the RAM quota docs where the JSON is silent). */
export const RAM_LIMITS = {
  roleNameMax: 64,
  descriptionMax: 1024,
  trustPolicyMax: 2048,
  policyNameMax: 128,
  policyDocumentMax: 6144,
  policyVersions: 5,
  customPolicies: 1500,
  roles: 1000,
  policiesPerRole: 20,
  users: 1000,
  groups: 300,
  accessKeysPerUser: 2,
  groupsPerUser: 5,
  userNameMax: 64,
  groupNameMax: 64,
  minSession: 3600,
  maxSession: 43200,
} as const;

/** A small catalogue of vendor System policies, enough for demos and tests. */
export const SYSTEM_POLICIES: Readonly<Record<string, { description: string; document: string }>> = {
  AdministratorAccess: {
    description: 'Provides full access to Alibaba Cloud services and resources.',
    document: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
  },
  AliyunContainerRegistryFullAccess: {
    description: 'Provides full access to Container Registry.',
    document: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:*', Resource: '*' }] }),
  },
  AliyunContainerRegistryReadOnlyAccess: {
    description: 'Provides read-only access to Container Registry.',
    document: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:Get*', 'cr:List*', 'cr:Pull*'], Resource: '*' }] }),
  },
  AliyunVPCFullAccess: {
    description: 'Provides full access to Virtual Private Cloud (VPC).',
    document: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'vpc:*', Resource: '*' }] }),
  },
  AliyunCENFullAccess: {
    description: 'Provides full access to Cloud Enterprise Network (CEN).',
    document: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cen:*', Resource: '*' }] }),
  },
};

/** The fixed creation time reported for System policies. */
export const SYSTEM_POLICY_CREATED: EpochMs = Date.UTC(2015, 0, 23, 12, 33, 18);

/** Reads an account's RAM data from the whole state without creating anything (for queries). */
export function peekRamAccount(state: EmulatorState, accountUid: string): RamAccount | undefined {
  const ram = state.services.ram as RamState | undefined;
  return ram?.accounts[accountUid];
}

/** The caller's RAM data, created empty on first use. */
export function ramAccount(ctx: Pick<CallContext, 'serviceState'>, accountUid: string): RamAccount {
  const ram = ctx.serviceState<RamState>('ram');
  let acct = ram.accounts[accountUid];
  if (acct === undefined) {
    acct = { alias: accountUid, roles: {}, policies: {}, attachments: [] };
    ram.accounts[accountUid] = acct;
  }
  return acct;
}

export function userArn(accountUid: string, userName: string): string {
  return `acs:ram::${accountUid}:user/${userName}`;
}

/** The RAM user that owns access key `accessKeyId`, searched across every account (state read only). */
export function findUserKey(state: EmulatorState, accessKeyId: string): { accountUid: string; user: UserRecord; key: AccessKeyRecord } | undefined {
  const ram = state.services.ram as RamState | undefined;
  if (ram === undefined) return undefined;
  for (const [accountUid, a] of Object.entries(ram.accounts)) {
    for (const user of Object.values(a.users ?? {})) {
      const key = user.accessKeys[accessKeyId];
      if (key !== undefined) return { accountUid, user, key };
    }
  }
  return undefined;
}

export function roleArn(accountUid: string, roleName: string): string {
  return `acs:ram::${accountUid}:role/${roleName}`;
}

/** RAM dates: ISO 8601 UTC to the second, e.g. 2015-01-23T12:33:18Z. */
export function ramDate(ms: EpochMs): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The document of a policy's default version (System or Custom), or undefined when unknown. */
export function defaultDocument(acct: RamAccount, policyName: string, policyType: PolicyType): string | undefined {
  if (policyType === 'System') return SYSTEM_POLICIES[policyName]?.document;
  const p = acct.policies[policyName];
  return p?.versions.find((v) => v.versionId === p.defaultVersion)?.document;
}
