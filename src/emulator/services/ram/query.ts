/**
 * Cross-product RAM queries for other services (STS AssumeRole, cr's cross-account sync rule
 * check). Read-only: never creates or changes state, never throws on a malformed stored document
 * (such a role simply allows nothing).
 */
import type { CallerIdentity, EmulatorState } from '../../core/contract.js';
import { defaultDocument, peekRamAccount, roleArn } from './models.js';
import { documentsAllow, parsePolicyDocument, trustAllows, wildcardMatch, type PolicyDocument } from './policy.js';

export interface RoleView {
  roleName: string;
  arn: string;
  accountUid: string;
  assumeRolePolicyDocument: string;
}

/** The role `roleName` of account `accountUid`, or undefined. Exact name match. */
export function findRole(state: EmulatorState, accountUid: string, roleName: string): RoleView | undefined {
  const role = peekRamAccount(state, accountUid)?.roles[roleName];
  if (role === undefined) return undefined;
  return {
    roleName: role.roleName,
    arn: roleArn(accountUid, role.roleName),
    accountUid,
    assumeRolePolicyDocument: role.assumeRolePolicyDocument,
  };
}

function parsed(text: string, kind: 'trust' | 'permission'): PolicyDocument | undefined {
  try {
    return parsePolicyDocument(text, kind);
  } catch {
    return undefined;
  }
}

/**
 * Trust policy lets the service principal (e.g. "1234567890123456@cr.aliyuncs.com") assume the
 * role. Service principals compare case-insensitively.
 */
export function trustAllowsService(role: RoleView, servicePrincipal: string): boolean {
  const doc = parsed(role.assumeRolePolicyDocument, 'trust');
  if (doc === undefined) return false;
  const want = servicePrincipal.toLowerCase();
  return trustAllows(doc, 'Service', (entry) => entry.toLowerCase() === want);
}

/**
 * Trust policy lets a RAM principal of account `callerUid` assume the role: a Principal.RAM entry
 * `acs:ram::<uid>:root`, a user/role ARN of that account (`acs:ram::<uid>:user/…`, `…:role/…`,
 * wildcards allowed in the name part), or the bare UID.
 */
export function trustAllowsAccount(role: RoleView, callerUid: string): boolean {
  const doc = parsed(role.assumeRolePolicyDocument, 'trust');
  if (doc === undefined) return false;
  return trustAllows(doc, 'RAM', (entry) => {
    if (entry === callerUid) return true;
    const m = /^acs:ram::(\d+):(root|user\/.+|role\/.+)$/.exec(entry);
    return m !== null && m[1] === callerUid;
  });
}

/**
 * Trust policy lets a RAM user or an assumed role of account `callerUid` assume the role: an entry
 * naming the whole account (`acs:ram::<uid>:root` or the bare UID), or one naming this principal
 * (`acs:ram::<uid>:user/<name>` for a user, `acs:ram::<uid>:role/<name>` for a role; wildcards in
 * the name). A user entry never lets a role in, nor the reverse.
 */
export function trustAllowsPrincipal(role: RoleView, callerUid: string, caller: CallerIdentity): boolean {
  const doc = parsed(role.assumeRolePolicyDocument, 'trust');
  if (doc === undefined) return false;
  const kind = caller.type === 'RAMUser' ? 'user' : 'role';
  const name = caller.type === 'RAMUser' ? (caller.userName ?? '') : (caller.roleName ?? '');
  return trustAllows(doc, 'RAM', (entry) => {
    if (entry === callerUid || entry === `acs:ram::${callerUid}:root`) return true;
    const m = /^acs:ram::(\d+):(user|role)\/(.+)$/.exec(entry);
    return m !== null && m[1] === callerUid && m[2] === kind && wildcardMatch(m[3] ?? '', name, false);
  });
}

/**
 * Some policy attached to the role (default versions) allows `action` (e.g. "cr:CreateSyncRule")
 * on `resource` (ARN), with wildcard matching, and no Deny matches.
 */
export function roleAllows(state: EmulatorState, accountUid: string, roleName: string, action: string, resource: string): boolean {
  const acct = peekRamAccount(state, accountUid);
  if (acct === undefined || acct.roles[roleName] === undefined) return false;
  const docs: PolicyDocument[] = [];
  for (const a of acct.attachments) {
    if (a.roleName !== roleName) continue;
    const text = defaultDocument(acct, a.policyName, a.policyType);
    const doc = text === undefined ? undefined : parsed(text, 'permission');
    if (doc !== undefined) docs.push(doc);
  }
  return documentsAllow(docs, action, resource);
}
