/**
 * RAM 2015-05-01 users, access keys and groups, and the attachment of policies to users and groups
 * (roles are in handlers.ts). Field names follow the official @alicloud/ram20150501 models.
 *
 * A RAM user's access keys sign requests like the account's own keys, but the calls are always
 * authorised against the user's policies and those of its groups (docs/emulator.md "RAM
 * enforcement"). Access key secrets are returned once, by CreateAccessKey, never listed.
 */
import { randomBytes } from 'node:crypto';
import type { CallContext, RpcAction, RpcRequest } from '../../core/contract.js';
import { optionalString, requireString } from '../../core/params.js';
import { ramErrors } from './errors.js';
import { action, byName, findPolicy, markerPage, policyTypeParam, policyViews } from './handlers.js';
import {
  RAM_LIMITS,
  ramAccount,
  ramDate,
  withPrincipals,
  type FullRamAccount,
  type GroupRecord,
  type PolicyType,
  type PrincipalAttachmentRecord,
  type UserRecord,
} from './models.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(length: number): string {
  let out = '';
  for (const b of randomBytes(length)) out += ALNUM[b % ALNUM.length];
  return out;
}

function acct(ctx: CallContext): FullRamAccount {
  return withPrincipals(ramAccount(ctx, ctx.accountUid));
}

function userNameParam(params: RpcRequest['params'], name = 'UserName'): string {
  const v = requireString(params, name);
  if (v.length > RAM_LIMITS.userNameMax) throw ramErrors.invalid('InvalidParameter.UserName.Length', `The length of ${name} must be 1-${RAM_LIMITS.userNameMax} characters.`);
  if (!/^[a-zA-Z0-9._-]+$/.test(v)) throw ramErrors.invalid('InvalidParameter.UserName.InvalidChars', `${name} may contain only letters, digits, periods (.), underscores (_) and hyphens (-).`);
  return v;
}

function groupNameParam(params: RpcRequest['params'], name = 'GroupName'): string {
  const v = requireString(params, name);
  if (v.length > RAM_LIMITS.groupNameMax) throw ramErrors.invalid('InvalidParameter.GroupName.Length', `The length of ${name} must be 1-${RAM_LIMITS.groupNameMax} characters.`);
  if (!/^[a-zA-Z0-9-]+$/.test(v)) throw ramErrors.invalid('InvalidParameter.GroupName.InvalidChars', `${name} may contain only letters, digits and hyphens (-).`);
  return v;
}

function user(a: FullRamAccount, name: string): UserRecord {
  const u = a.users[name];
  if (u === undefined) throw ramErrors.userNotFound(name);
  return u;
}

function group(a: FullRamAccount, name: string): GroupRecord {
  const g = a.groups[name];
  if (g === undefined) throw ramErrors.groupNotFound(name);
  return g;
}

function renderUser(u: UserRecord, withUpdate: boolean): Record<string, unknown> {
  return {
    UserId: u.userId,
    UserName: u.userName,
    DisplayName: u.displayName,
    Email: u.email,
    MobilePhone: u.mobilePhone,
    Comments: u.comments,
    CreateDate: ramDate(u.createdAt),
    ...(withUpdate ? { UpdateDate: ramDate(u.updatedAt) } : {}),
  };
}

function renderGroup(g: GroupRecord, withUpdate: boolean): Record<string, unknown> {
  return { GroupId: g.groupId, GroupName: g.groupName, Comments: g.comments, CreateDate: ramDate(g.createdAt), ...(withUpdate ? { UpdateDate: ramDate(g.updatedAt) } : {}) };
}

/**
 * The user a key action is about: `UserName`, or the calling RAM user when it is omitted (as the
 * real API does for a user managing its own keys).
 */
function keyOwner(ctx: CallContext, a: FullRamAccount, params: RpcRequest['params']): UserRecord {
  const name = optionalString(params, 'UserName') ?? (ctx.caller?.type === 'RAMUser' ? ctx.caller.userName : undefined);
  if (name === undefined) throw ramErrors.invalid('MissingUserName', 'UserName is mandatory for this action.');
  return user(a, name);
}

function attach(
  a: FullRamAccount,
  list: PrincipalAttachmentRecord[],
  kind: 'User' | 'Group',
  principal: string,
  params: RpcRequest['params'],
  now: number,
): Record<string, unknown> {
  const type = policyTypeParam(params, true) ?? 'Custom';
  const policyName = requireString(params, 'PolicyName');
  findPolicy(a, policyName, type);
  if (list.some((x) => x.principal === principal && x.policyName === policyName && x.policyType === type)) throw ramErrors.alreadyAttachedTo(kind, policyName, principal);
  list.push({ principal, policyName, policyType: type, attachedAt: now });
  return {};
}

function detach(a: FullRamAccount, list: PrincipalAttachmentRecord[], kind: 'User' | 'Group', principal: string, params: RpcRequest['params']): Record<string, unknown> {
  const type = policyTypeParam(params, true) ?? 'Custom';
  const policyName = requireString(params, 'PolicyName');
  findPolicy(a, policyName, type);
  const i = list.findIndex((x) => x.principal === principal && x.policyName === policyName && x.policyType === type);
  if (i < 0) throw ramErrors.notAttachedTo(kind, policyName, principal);
  list.splice(i, 1);
  return {};
}

function policiesOf(a: FullRamAccount, list: readonly PrincipalAttachmentRecord[], principal: string): Record<string, unknown> {
  const views = policyViews(a, undefined);
  return {
    Policies: {
      Policy: list
        .filter((x) => x.principal === principal)
        .map((x) => {
          const v = views.find((p) => p.name === x.policyName && p.type === x.policyType);
          return { PolicyName: x.policyName, PolicyType: x.policyType as PolicyType, Description: v?.description ?? '', DefaultVersion: v?.defaultVersion ?? 'v1', AttachDate: ramDate(x.attachedAt) };
        }),
    },
  };
}

export const principalActions: Readonly<Record<string, RpcAction>> = {
  CreateUser: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const name = userNameParam(params);
    if (a.users[name] !== undefined) throw ramErrors.userExists(name);
    if (Object.keys(a.users).length >= RAM_LIMITS.users) throw ramErrors.userLimit(RAM_LIMITS.users);
    const now = ctx.now();
    const u: UserRecord = {
      userName: name,
      userId: String(200000000000000000n + BigInt(ctx.ids.seq('ram.user'))),
      displayName: optionalString(params, 'DisplayName') ?? name,
      email: optionalString(params, 'Email') ?? '',
      mobilePhone: optionalString(params, 'MobilePhone') ?? '',
      comments: optionalString(params, 'Comments') ?? '',
      accessKeys: {},
      createdAt: now,
      updatedAt: now,
    };
    a.users[name] = u;
    return { User: renderUser(u, false) };
  }),

  GetUser: action(false, (ctx, { params }) => ({ User: renderUser(user(acct(ctx), userNameParam(params)), true) })),

  UpdateUser: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const u = user(a, userNameParam(params));
    const rename = optionalString(params, 'NewUserName');
    if (rename !== undefined && rename !== u.userName) {
      userNameParam(params, 'NewUserName');
      if (a.users[rename] !== undefined) throw ramErrors.userExists(rename);
      delete a.users[u.userName];
      for (const x of a.userAttachments) if (x.principal === u.userName) x.principal = rename;
      for (const m of a.memberships) if (m.userName === u.userName) m.userName = rename;
      u.userName = rename;
      a.users[rename] = u;
    }
    u.displayName = optionalString(params, 'NewDisplayName') ?? u.displayName;
    u.email = optionalString(params, 'NewEmail') ?? u.email;
    u.mobilePhone = optionalString(params, 'NewMobilePhone') ?? u.mobilePhone;
    u.comments = optionalString(params, 'NewComments') ?? u.comments;
    u.updatedAt = ctx.now();
    return { User: renderUser(u, true) };
  }),

  DeleteUser: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const u = user(a, userNameParam(params));
    if (Object.keys(u.accessKeys).length > 0) throw ramErrors.userHas('AccessKey', u.userName);
    if (a.userAttachments.some((x) => x.principal === u.userName)) throw ramErrors.userHas('Policy', u.userName);
    if (a.memberships.some((m) => m.userName === u.userName)) throw ramErrors.userHas('Group', u.userName);
    delete a.users[u.userName];
    return {};
  }),

  ListUsers: action(false, (ctx, { params }) => {
    const users = Object.values(acct(ctx).users).sort(byName((u) => u.userName));
    const { page, more } = markerPage(users, (u) => u.userName, params);
    return { ...more, Users: { User: page.map((u) => renderUser(u, true)) } };
  }),

  CreateAccessKey: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const u = keyOwner(ctx, a, params);
    if (Object.keys(u.accessKeys).length >= RAM_LIMITS.accessKeysPerUser) throw ramErrors.accessKeyLimit(u.userName, RAM_LIMITS.accessKeysPerUser);
    const key = { accessKeyId: `LTAI${randomAlnum(20)}`, accessKeySecret: randomAlnum(30), status: 'Active' as const, createdAt: ctx.now() };
    u.accessKeys[key.accessKeyId] = key;
    return { AccessKey: { AccessKeyId: key.accessKeyId, AccessKeySecret: key.accessKeySecret, Status: key.status, CreateDate: ramDate(key.createdAt) } };
  }),

  UpdateAccessKey: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const u = keyOwner(ctx, a, params);
    const id = requireString(params, 'UserAccessKeyId');
    const status = requireString(params, 'Status');
    if (status !== 'Active' && status !== 'Inactive') throw ramErrors.invalid('InvalidParameter.Status', `Status must be Active or Inactive: ${status}.`);
    const key = u.accessKeys[id];
    if (key === undefined) throw ramErrors.accessKeyNotFound(id);
    key.status = status;
    return {};
  }),

  DeleteAccessKey: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const u = keyOwner(ctx, a, params);
    const id = requireString(params, 'UserAccessKeyId');
    if (u.accessKeys[id] === undefined) throw ramErrors.accessKeyNotFound(id);
    delete u.accessKeys[id];
    return {};
  }),

  ListAccessKeys: action(false, (ctx, { params }) => {
    const u = keyOwner(ctx, acct(ctx), params);
    return {
      AccessKeys: {
        AccessKey: Object.values(u.accessKeys)
          .sort((x, y) => x.createdAt - y.createdAt || (x.accessKeyId < y.accessKeyId ? -1 : 1))
          .map((k) => ({ AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: ramDate(k.createdAt) })),
      },
    };
  }),

  AttachPolicyToUser: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    return attach(a, a.userAttachments, 'User', user(a, userNameParam(params)).userName, params, ctx.now());
  }),

  DetachPolicyFromUser: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    return detach(a, a.userAttachments, 'User', user(a, userNameParam(params)).userName, params);
  }),

  ListPoliciesForUser: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    return policiesOf(a, a.userAttachments, user(a, userNameParam(params)).userName);
  }),

  CreateGroup: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const name = groupNameParam(params);
    if (a.groups[name] !== undefined) throw ramErrors.groupExists(name);
    if (Object.keys(a.groups).length >= RAM_LIMITS.groups) throw ramErrors.groupLimit(RAM_LIMITS.groups);
    const now = ctx.now();
    const g: GroupRecord = { groupName: name, groupId: String(100000000000000000n + BigInt(ctx.ids.seq('ram.group'))), comments: optionalString(params, 'Comments') ?? '', createdAt: now, updatedAt: now };
    a.groups[name] = g;
    return { Group: renderGroup(g, false) };
  }),

  GetGroup: action(false, (ctx, { params }) => ({ Group: renderGroup(group(acct(ctx), groupNameParam(params)), true) })),

  DeleteGroup: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const g = group(a, groupNameParam(params));
    if (a.memberships.some((m) => m.groupName === g.groupName)) throw ramErrors.groupHas('User', g.groupName);
    if (a.groupAttachments.some((x) => x.principal === g.groupName)) throw ramErrors.groupHas('Policy', g.groupName);
    delete a.groups[g.groupName];
    return {};
  }),

  ListGroups: action(false, (ctx, { params }) => {
    const groups = Object.values(acct(ctx).groups).sort(byName((g) => g.groupName));
    const { page, more } = markerPage(groups, (g) => g.groupName, params);
    return { ...more, Groups: { Group: page.map((g) => renderGroup(g, true)) } };
  }),

  AddUserToGroup: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const g = group(a, groupNameParam(params));
    const u = user(a, userNameParam(params));
    if (a.memberships.some((m) => m.groupName === g.groupName && m.userName === u.userName)) throw ramErrors.alreadyMember(u.userName, g.groupName);
    if (a.memberships.filter((m) => m.userName === u.userName).length >= RAM_LIMITS.groupsPerUser) throw ramErrors.groupsPerUserLimit(u.userName, RAM_LIMITS.groupsPerUser);
    a.memberships.push({ groupName: g.groupName, userName: u.userName, joinedAt: ctx.now() });
    return {};
  }),

  RemoveUserFromGroup: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const g = group(a, groupNameParam(params));
    const u = user(a, userNameParam(params));
    const i = a.memberships.findIndex((m) => m.groupName === g.groupName && m.userName === u.userName);
    if (i < 0) throw ramErrors.notMember(u.userName, g.groupName);
    a.memberships.splice(i, 1);
    return {};
  }),

  ListGroupsForUser: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    const u = user(a, userNameParam(params));
    return {
      Groups: {
        Group: a.memberships
          .filter((m) => m.userName === u.userName)
          .flatMap((m) => {
            const g = a.groups[m.groupName];
            return g === undefined ? [] : [{ GroupName: g.groupName, GroupId: g.groupId, Comments: g.comments, JoinDate: ramDate(m.joinedAt) }];
          }),
      },
    };
  }),

  ListUsersForGroup: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    const g = group(a, groupNameParam(params));
    const members = a.memberships.filter((m) => m.groupName === g.groupName).sort(byName((m) => m.userName));
    const { page, more } = markerPage(members, (m) => m.userName, params);
    return { ...more, Users: { User: page.map((m) => ({ UserName: m.userName, DisplayName: a.users[m.userName]?.displayName ?? m.userName, JoinDate: ramDate(m.joinedAt) })) } };
  }),

  AttachPolicyToGroup: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    return attach(a, a.groupAttachments, 'Group', group(a, groupNameParam(params)).groupName, params, ctx.now());
  }),

  DetachPolicyFromGroup: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    return detach(a, a.groupAttachments, 'Group', group(a, groupNameParam(params)).groupName, params);
  }),

  ListPoliciesForGroup: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    return policiesOf(a, a.groupAttachments, group(a, groupNameParam(params)).groupName);
  }),
};
