/**
 * RAM 2015-05-01 actions. Each handler validates its parameters as the real service does, changes
 * the caller's RamAccount, and returns the response body (PascalCase, without RequestId).
 */
import type { CallContext, RpcAction, RpcRequest } from '../../core/contract.js';
import { jsonParam, optionalBool, optionalInt, optionalString, requireString } from '../../core/params.js';
import { ramErrors } from './errors.js';
import {
  RAM_LIMITS,
  SYSTEM_POLICIES,
  SYSTEM_POLICY_CREATED,
  defaultDocument,
  ramAccount,
  ramDate,
  roleArn,
  type CustomPolicyRecord,
  type PolicyType,
  type RamAccount,
  type RoleRecord,
  type TagRecord,
} from './models.js';
import { parsePolicyDocument } from './policy.js';

export type Handler = (ctx: CallContext, req: RpcRequest) => Record<string, unknown>;

export function action(mutating: boolean, handle: Handler): RpcAction {
  return { mutating, handle };
}

function acct(ctx: CallContext): RamAccount {
  return ramAccount(ctx, ctx.accountUid);
}

// ---- parameter validation -------------------------------------------------------------------

function roleNameParam(params: RpcRequest['params'], name = 'RoleName'): string {
  const v = requireString(params, name);
  if (v.length > RAM_LIMITS.roleNameMax) throw ramErrors.invalid('InvalidParameter.RoleName.Length', `The length of ${name} must be 1-${RAM_LIMITS.roleNameMax} characters.`);
  if (!/^[a-zA-Z0-9.-]+$/.test(v)) throw ramErrors.invalid('InvalidParameter.RoleName.InvalidChars', `${name} may contain only letters, digits, periods (.) and hyphens (-).`);
  return v;
}

function policyNameParam(params: RpcRequest['params']): string {
  const v = requireString(params, 'PolicyName');
  if (v.length > RAM_LIMITS.policyNameMax) throw ramErrors.invalid('InvalidParameter.PolicyName.Length', `The length of PolicyName must be 1-${RAM_LIMITS.policyNameMax} characters.`);
  if (!/^[a-zA-Z0-9-]+$/.test(v)) throw ramErrors.invalid('InvalidParameter.PolicyName.InvalidChars', 'PolicyName may contain only letters, digits and hyphens (-).');
  return v;
}

export function policyTypeParam(params: RpcRequest['params'], required: boolean): PolicyType | undefined {
  const v = required ? requireString(params, 'PolicyType') : optionalString(params, 'PolicyType');
  if (v === undefined) return undefined;
  if (v !== 'System' && v !== 'Custom') throw ramErrors.invalid('InvalidParameter.PolicyType', `PolicyType must be System or Custom: ${v}.`);
  return v;
}

export function descriptionParam(params: RpcRequest['params'], name: string): string | undefined {
  const v = optionalString(params, name);
  if (v !== undefined && v.length > RAM_LIMITS.descriptionMax) {
    throw ramErrors.invalid('InvalidParameter.Description.Length', `The length of ${name} must be 1-${RAM_LIMITS.descriptionMax} characters.`);
  }
  return v;
}

function sessionParam(params: RpcRequest['params'], name: string): number | undefined {
  const v = optionalInt(params, name);
  if (v !== undefined && (v < RAM_LIMITS.minSession || v > RAM_LIMITS.maxSession)) {
    throw ramErrors.invalid('InvalidParameter.MaxSessionDuration', `${name} must be between ${RAM_LIMITS.minSession} and ${RAM_LIMITS.maxSession} seconds.`);
  }
  return v;
}

function trustDocParam(params: RpcRequest['params'], name: string, required: boolean): string | undefined {
  const v = required ? requireString(params, name) : optionalString(params, name);
  if (v === undefined) return undefined;
  if (v.length > RAM_LIMITS.trustPolicyMax) {
    throw ramErrors.invalid('InvalidParameter.AssumeRolePolicyDocument.Length', `The length of ${name} must not exceed ${RAM_LIMITS.trustPolicyMax} characters.`);
  }
  parsePolicyDocument(v, 'trust');
  return v;
}

function permissionDocParam(params: RpcRequest['params']): string {
  const v = requireString(params, 'PolicyDocument');
  if (v.length > RAM_LIMITS.policyDocumentMax) {
    throw ramErrors.invalid('InvalidParameter.PolicyDocument.Length', `The length of PolicyDocument must not exceed ${RAM_LIMITS.policyDocumentMax} characters.`);
  }
  parsePolicyDocument(v, 'permission');
  return v;
}

function tagsParam(params: RpcRequest['params']): TagRecord[] {
  const raw = jsonParam(params, 'Tag');
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw ramErrors.invalid('InvalidParameter.Tag', 'Tag must be a JSON array of {Key, Value}.');
  return raw.map((t: unknown) => {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    if (typeof o['Key'] !== 'string' || o['Key'] === '') throw ramErrors.invalid('InvalidParameter.Tag', 'Every tag needs a non-empty Key.');
    return { Key: o['Key'], Value: typeof o['Value'] === 'string' ? o['Value'] : '' };
  });
}

function tagsMatch(have: readonly TagRecord[], want: readonly TagRecord[]): boolean {
  return want.every((w) => have.some((h) => h.Key === w.Key && (w.Value === '' || h.Value === w.Value)));
}

function renderTags(tags: readonly TagRecord[]): { Tag: { TagKey: string; TagValue: string }[] } {
  return { Tag: tags.map((t) => ({ TagKey: t.Key, TagValue: t.Value })) };
}

/**
 * Marker/MaxItems paging over items sorted by `key`. The marker is the (base64url) key of the
 * first item of the next page, so it stays valid when earlier items are deleted.
 */
export function markerPage<T>(items: readonly T[], key: (t: T) => string, params: RpcRequest['params']): { page: T[]; more: Record<string, unknown> } {
  const maxItems = optionalInt(params, 'MaxItems') ?? 100;
  if (maxItems < 1 || maxItems > 1000) throw ramErrors.invalid('InvalidParameter.MaxItems', 'MaxItems must be between 1 and 1000.');
  const marker = optionalString(params, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    const from = Buffer.from(marker, 'base64url').toString('utf8');
    if (from === '' || Buffer.from(from, 'utf8').toString('base64url') !== marker) throw ramErrors.invalid('InvalidParameter.Marker', 'The Marker is invalid.');
    start = items.findIndex((t) => key(t) >= from);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + maxItems);
  const next = items[start + maxItems];
  return {
    page,
    more: next === undefined ? { IsTruncated: false } : { IsTruncated: true, Marker: Buffer.from(key(next), 'utf8').toString('base64url') },
  };
}

// ---- renderers --------------------------------------------------------------------------------

function renderRole(r: RoleRecord, withUpdate: boolean): Record<string, unknown> {
  return {
    RoleId: r.roleId,
    RoleName: r.roleName,
    Arn: r.arn,
    Description: r.description,
    AssumeRolePolicyDocument: r.assumeRolePolicyDocument,
    MaxSessionDuration: r.maxSessionDuration,
    CreateDate: ramDate(r.createdAt),
    ...(withUpdate ? { UpdateDate: ramDate(r.updatedAt) } : {}),
  };
}

function renderVersion(p: CustomPolicyRecord, v: CustomPolicyRecord['versions'][number]): Record<string, unknown> {
  return { VersionId: v.versionId, IsDefaultVersion: v.versionId === p.defaultVersion, PolicyDocument: v.document, CreateDate: ramDate(v.createdAt) };
}

function attachmentCount(a: RamAccount, name: string, type: PolicyType): number {
  const on = (x: { policyName: string; policyType: PolicyType }): boolean => x.policyName === name && x.policyType === type;
  return a.attachments.filter(on).length + (a.userAttachments ?? []).filter(on).length + (a.groupAttachments ?? []).filter(on).length;
}

export interface PolicyView {
  name: string;
  type: PolicyType;
  description: string;
  defaultVersion: string;
  createdAt: number;
  updatedAt: number;
  tags: readonly TagRecord[];
}

export function policyViews(a: RamAccount, type: PolicyType | undefined): PolicyView[] {
  const out: PolicyView[] = [];
  if (type !== 'Custom') {
    for (const [name, p] of Object.entries(SYSTEM_POLICIES)) {
      out.push({ name, type: 'System', description: p.description, defaultVersion: 'v1', createdAt: SYSTEM_POLICY_CREATED, updatedAt: SYSTEM_POLICY_CREATED, tags: [] });
    }
  }
  if (type !== 'System') {
    for (const p of Object.values(a.policies)) {
      out.push({ name: p.policyName, type: 'Custom', description: p.description, defaultVersion: p.defaultVersion, createdAt: p.createdAt, updatedAt: p.updatedAt, tags: p.tags });
    }
  }
  return out;
}

export function findPolicy(a: RamAccount, name: string, type: PolicyType): PolicyView {
  const v = policyViews(a, type).find((p) => p.name === name);
  if (v === undefined) throw ramErrors.policyNotFound(name);
  return v;
}

function customPolicy(a: RamAccount, name: string): CustomPolicyRecord {
  const p = a.policies[name];
  if (p === undefined) throw ramErrors.policyNotFound(name);
  return p;
}

function role(a: RamAccount, name: string): RoleRecord {
  const r = a.roles[name];
  if (r === undefined) throw ramErrors.roleNotFound(name);
  return r;
}

export function byName<T>(key: (t: T) => string): (x: T, y: T) => number {
  return (x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0);
}

// ---- actions ---------------------------------------------------------------------------------

export const ramActions: Readonly<Record<string, RpcAction>> = {
  CreateRole: action(true, (ctx, { params }) => {
    const name = roleNameParam(params);
    const doc = trustDocParam(params, 'AssumeRolePolicyDocument', true) ?? '';
    const description = descriptionParam(params, 'Description') ?? '';
    const session = sessionParam(params, 'MaxSessionDuration') ?? RAM_LIMITS.minSession;
    const tags = tagsParam(params);
    const a = acct(ctx);
    if (a.roles[name] !== undefined) throw ramErrors.roleExists(name);
    if (Object.keys(a.roles).length >= RAM_LIMITS.roles) throw ramErrors.roleLimit(RAM_LIMITS.roles);
    const now = ctx.now();
    const r: RoleRecord = {
      roleName: name,
      roleId: String(300000000000000000n + BigInt(ctx.ids.seq('ram.role'))),
      arn: roleArn(ctx.accountUid, name),
      description,
      assumeRolePolicyDocument: doc,
      maxSessionDuration: session,
      tags,
      createdAt: now,
      updatedAt: now,
    };
    a.roles[name] = r;
    return { Role: renderRole(r, false) };
  }),

  GetRole: action(false, (ctx, { params }) => ({ Role: renderRole(role(acct(ctx), roleNameParam(params)), true) })),

  UpdateRole: action(true, (ctx, { params }) => {
    const r = role(acct(ctx), roleNameParam(params));
    const doc = trustDocParam(params, 'NewAssumeRolePolicyDocument', false);
    const description = descriptionParam(params, 'NewDescription');
    const session = sessionParam(params, 'NewMaxSessionDuration');
    if (doc !== undefined) r.assumeRolePolicyDocument = doc;
    if (description !== undefined) r.description = description;
    if (session !== undefined) r.maxSessionDuration = session;
    r.updatedAt = ctx.now();
    return { Role: renderRole(r, true) };
  }),

  DeleteRole: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const r = role(a, roleNameParam(params));
    if (a.attachments.some((x) => x.roleName === r.roleName)) throw ramErrors.roleHasPolicies(r.roleName);
    delete a.roles[r.roleName];
    return {};
  }),

  ListRoles: action(false, (ctx, { params }) => {
    const want = tagsParam(params);
    const roles = Object.values(acct(ctx).roles)
      .filter((r) => tagsMatch(r.tags, want))
      .sort(byName((r) => r.roleName));
    const { page, more } = markerPage(roles, (r) => r.roleName, params);
    return {
      ...more,
      Roles: {
        Role: page.map((r) => {
          const { AssumeRolePolicyDocument: _omit, ...rest } = renderRole(r, true);
          return { ...rest, Tags: renderTags(r.tags) };
        }),
      },
    };
  }),

  CreatePolicy: action(true, (ctx, { params }) => {
    const name = policyNameParam(params);
    const doc = permissionDocParam(params);
    const description = descriptionParam(params, 'Description') ?? '';
    const tags = tagsParam(params);
    const a = acct(ctx);
    if (a.policies[name] !== undefined || SYSTEM_POLICIES[name] !== undefined) throw ramErrors.policyExists(name);
    if (Object.keys(a.policies).length >= RAM_LIMITS.customPolicies) throw ramErrors.policyLimit(RAM_LIMITS.customPolicies);
    const now = ctx.now();
    const p: CustomPolicyRecord = {
      policyName: name,
      description,
      defaultVersion: 'v1',
      versions: [{ versionId: 'v1', document: doc, createdAt: now }],
      nextVersion: 2,
      tags,
      createdAt: now,
      updatedAt: now,
    };
    a.policies[name] = p;
    return { Policy: { PolicyName: name, PolicyType: 'Custom', Description: description, DefaultVersion: 'v1', CreateDate: ramDate(now) } };
  }),

  GetPolicy: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    const name = requireString(params, 'PolicyName');
    const type = policyTypeParam(params, true) ?? 'Custom';
    const v = findPolicy(a, name, type);
    const doc = defaultDocument(a, name, type) ?? '';
    const versionCreated = type === 'Custom' ? (a.policies[name]?.versions.find((x) => x.versionId === v.defaultVersion)?.createdAt ?? v.createdAt) : v.createdAt;
    return {
      Policy: {
        PolicyName: v.name,
        PolicyType: v.type,
        Description: v.description,
        DefaultVersion: v.defaultVersion,
        PolicyDocument: doc,
        AttachmentCount: attachmentCount(a, name, type),
        CreateDate: ramDate(v.createdAt),
        UpdateDate: ramDate(v.updatedAt),
      },
      DefaultPolicyVersion: { VersionId: v.defaultVersion, IsDefaultVersion: true, PolicyDocument: doc, CreateDate: ramDate(versionCreated) },
    };
  }),

  GetPolicyVersion: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    const name = requireString(params, 'PolicyName');
    const type = policyTypeParam(params, true) ?? 'Custom';
    const versionId = requireString(params, 'VersionId');
    if (!/^v\d+$/.test(versionId)) throw ramErrors.invalid('InvalidParameter.VersionId.Format', `The VersionId is invalid: ${versionId}.`);
    if (type === 'System') {
      const sys = findPolicy(a, name, 'System');
      if (versionId !== 'v1') throw ramErrors.versionNotFound(name, versionId);
      return { PolicyVersion: { VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: defaultDocument(a, name, 'System') ?? '', CreateDate: ramDate(sys.createdAt) } };
    }
    const p = customPolicy(a, name);
    const v = p.versions.find((x) => x.versionId === versionId);
    if (v === undefined) throw ramErrors.versionNotFound(name, versionId);
    return { PolicyVersion: renderVersion(p, v) };
  }),

  CreatePolicyVersion: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const p = customPolicy(a, requireString(params, 'PolicyName'));
    const doc = permissionDocParam(params);
    const setDefault = optionalBool(params, 'SetAsDefault') ?? false;
    const rotate = optionalString(params, 'RotateStrategy') ?? 'None';
    if (rotate !== 'None' && rotate !== 'DeleteOldestNonDefaultVersionWhenLimitExceeded') {
      throw ramErrors.invalid('InvalidParameter.RotateStrategy', `RotateStrategy is invalid: ${rotate}.`);
    }
    if (p.versions.length >= RAM_LIMITS.policyVersions) {
      if (rotate === 'None') throw ramErrors.versionLimit(p.policyName, RAM_LIMITS.policyVersions);
      const oldest = p.versions.findIndex((v) => v.versionId !== p.defaultVersion);
      p.versions.splice(oldest, 1);
    }
    const now = ctx.now();
    const v = { versionId: `v${p.nextVersion}`, document: doc, createdAt: now };
    p.nextVersion += 1;
    p.versions.push(v);
    if (setDefault) p.defaultVersion = v.versionId;
    p.updatedAt = now;
    return { PolicyVersion: renderVersion(p, v) };
  }),

  ListPolicyVersions: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    const name = requireString(params, 'PolicyName');
    const type = policyTypeParam(params, true) ?? 'Custom';
    if (type === 'System') {
      const sys = findPolicy(a, name, 'System');
      return { PolicyVersions: { PolicyVersion: [{ VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: defaultDocument(a, name, 'System') ?? '', CreateDate: ramDate(sys.createdAt) }] } };
    }
    const p = customPolicy(a, name);
    return { PolicyVersions: { PolicyVersion: p.versions.map((v) => renderVersion(p, v)) } };
  }),

  DeletePolicyVersion: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const p = customPolicy(a, requireString(params, 'PolicyName'));
    const versionId = requireString(params, 'VersionId');
    const i = p.versions.findIndex((v) => v.versionId === versionId);
    if (i < 0) throw ramErrors.versionNotFound(p.policyName, versionId);
    if (versionId === p.defaultVersion) throw ramErrors.versionIsDefault(p.policyName, versionId);
    p.versions.splice(i, 1);
    p.updatedAt = ctx.now();
    return {};
  }),

  SetDefaultPolicyVersion: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const p = customPolicy(a, requireString(params, 'PolicyName'));
    const versionId = requireString(params, 'VersionId');
    if (!p.versions.some((v) => v.versionId === versionId)) throw ramErrors.versionNotFound(p.policyName, versionId);
    p.defaultVersion = versionId;
    p.updatedAt = ctx.now();
    return {};
  }),

  DeletePolicy: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const p = customPolicy(a, requireString(params, 'PolicyName'));
    const cascade = optionalBool(params, 'CascadingDelete') ?? false;
    if (a.attachments.some((x) => x.policyType === 'Custom' && x.policyName === p.policyName)) throw ramErrors.policyAttachedToRole(p.policyName);
    if ((a.userAttachments ?? []).some((x) => x.policyType === 'Custom' && x.policyName === p.policyName)) throw ramErrors.policyAttachedTo('User', p.policyName);
    if ((a.groupAttachments ?? []).some((x) => x.policyType === 'Custom' && x.policyName === p.policyName)) throw ramErrors.policyAttachedTo('Group', p.policyName);
    if (!cascade && p.versions.length > 1) throw ramErrors.policyHasVersions(p.policyName);
    delete a.policies[p.policyName];
    return {};
  }),

  ListPolicies: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    const type = policyTypeParam(params, false);
    const want = tagsParam(params);
    const all = policyViews(a, type)
      .filter((p) => tagsMatch(p.tags, want))
      .sort(byName((p) => `${p.type}:${p.name}`));
    const { page, more } = markerPage(all, (p) => `${p.type}:${p.name}`, params);
    return {
      ...more,
      Policies: {
        Policy: page.map((p) => ({
          PolicyName: p.name,
          PolicyType: p.type,
          Description: p.description,
          DefaultVersion: p.defaultVersion,
          AttachmentCount: attachmentCount(a, p.name, p.type),
          CreateDate: ramDate(p.createdAt),
          UpdateDate: ramDate(p.updatedAt),
          Tags: renderTags(p.tags),
        })),
      },
    };
  }),

  AttachPolicyToRole: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const type = policyTypeParam(params, true) ?? 'Custom';
    const policyName = requireString(params, 'PolicyName');
    const r = role(a, requireString(params, 'RoleName'));
    findPolicy(a, policyName, type);
    if (a.attachments.some((x) => x.roleName === r.roleName && x.policyName === policyName && x.policyType === type)) {
      throw ramErrors.alreadyAttached(policyName, r.roleName);
    }
    if (a.attachments.filter((x) => x.roleName === r.roleName).length >= RAM_LIMITS.policiesPerRole) throw ramErrors.attachLimit(r.roleName, RAM_LIMITS.policiesPerRole);
    a.attachments.push({ roleName: r.roleName, policyName, policyType: type, attachedAt: ctx.now() });
    return {};
  }),

  DetachPolicyFromRole: action(true, (ctx, { params }) => {
    const a = acct(ctx);
    const type = policyTypeParam(params, true) ?? 'Custom';
    const policyName = requireString(params, 'PolicyName');
    const r = role(a, requireString(params, 'RoleName'));
    findPolicy(a, policyName, type);
    const i = a.attachments.findIndex((x) => x.roleName === r.roleName && x.policyName === policyName && x.policyType === type);
    if (i < 0) throw ramErrors.notAttached(policyName, r.roleName);
    a.attachments.splice(i, 1);
    return {};
  }),

  ListPoliciesForRole: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    const r = role(a, requireString(params, 'RoleName'));
    const views = [...policyViews(a, undefined)];
    return {
      Policies: {
        Policy: a.attachments
          .filter((x) => x.roleName === r.roleName)
          .map((x) => {
            const v = views.find((p) => p.name === x.policyName && p.type === x.policyType);
            return {
              PolicyName: x.policyName,
              PolicyType: x.policyType,
              Description: v?.description ?? '',
              DefaultVersion: v?.defaultVersion ?? 'v1',
              AttachDate: ramDate(x.attachedAt),
            };
          }),
      },
    };
  }),

  ListEntitiesForPolicy: action(false, (ctx, { params }) => {
    const a = acct(ctx);
    const type = policyTypeParam(params, true) ?? 'Custom';
    const name = requireString(params, 'PolicyName');
    findPolicy(a, name, type);
    const on = (x: { policyName: string; policyType: PolicyType }): boolean => x.policyName === name && x.policyType === type;
    return {
      Users: {
        User: (a.userAttachments ?? []).filter(on).flatMap((x) => {
          const u = a.users?.[x.principal];
          return u === undefined ? [] : [{ UserName: u.userName, UserId: u.userId, DisplayName: u.displayName, AttachDate: ramDate(x.attachedAt) }];
        }),
      },
      Groups: {
        Group: (a.groupAttachments ?? []).filter(on).flatMap((x) => {
          const g = a.groups?.[x.principal];
          return g === undefined ? [] : [{ GroupName: g.groupName, Comments: g.comments, AttachDate: ramDate(x.attachedAt) }];
        }),
      },
      Roles: {
        Role: a.attachments
          .filter((x) => x.policyName === name && x.policyType === type)
          .flatMap((x) => {
            const r = a.roles[x.roleName];
            return r === undefined ? [] : [{ RoleName: r.roleName, RoleId: r.roleId, Arn: r.arn, Description: r.description, AttachDate: ramDate(x.attachedAt) }];
          }),
      },
    };
  }),

  GetAccountAlias: action(false, (ctx) => ({ AccountAlias: acct(ctx).alias })),
};
