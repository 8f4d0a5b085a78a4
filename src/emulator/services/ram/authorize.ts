/**
 * RAM enforcement: whether a caller is subject to it, and the verdict of its policies on a call.
 *
 * Who is enforced (docs/emulator.md "RAM enforcement"): a RAM user's keys always; an assumed
 * role's STS credentials when the role's account was created with `"enforce": true`; an
 * account's own (root) keys never. A RAM user is authorised by the policies attached to it and to
 * its groups; an assumed role by the policies attached to the role, narrowed by the session
 * `Policy` given to AssumeRole (both must allow). Evaluation is RAM's (policy.ts): explicit deny
 * wins, then some allow, else implicit deny; the call needs every resource of its rule allowed.
 *
 * Read-only over the state; never throws on a malformed stored document (it grants nothing).
 */
import type { CallerIdentity, EmulatorState } from '../../core/contract.js';
import { defaultDocument, peekRamAccount, type PolicyType, type RamAccount } from './models.js';
import { evaluate, parsePolicyDocument, type PolicyDocument, type RequestContext, type Verdict } from './policy.js';
import { findSession } from '../sts/models.js';

/** A refused call: which action on which resource, and why. */
export interface Denial {
  readonly verdict: Exclude<Verdict, 'Allow'>;
  readonly action: string;
  readonly resource: string;
  readonly caller: CallerIdentity;
  /** The account the caller belongs to. */
  readonly accountUid: string;
}

/** Whether RAM enforcement applies to this caller. */
export function isEnforced(state: EmulatorState, accountUid: string, caller: CallerIdentity | undefined): boolean {
  if (caller === undefined) return false;
  if (caller.type === 'RAMUser') return true;
  if (caller.type === 'AssumedRoleUser') return state.accounts[accountUid]?.enforce === true;
  return false;
}

function parsed(text: string | undefined): PolicyDocument | undefined {
  if (text === undefined) return undefined;
  try {
    return parsePolicyDocument(text, 'permission');
  } catch {
    return undefined;
  }
}

function docsOf(acct: RamAccount, attached: readonly { policyName: string; policyType: PolicyType }[]): PolicyDocument[] {
  return attached.flatMap((x) => {
    const doc = parsed(defaultDocument(acct, x.policyName, x.policyType));
    return doc === undefined ? [] : [doc];
  });
}

/**
 * The policy sets a caller's calls must pass: one set for a RAM user (its policies and its groups'),
 * one for an assumed role (the role's), plus the session policy as a second set when there is one.
 */
export function policySets(state: EmulatorState, accountUid: string, caller: CallerIdentity): PolicyDocument[][] {
  const acct = peekRamAccount(state, accountUid);
  if (acct === undefined) return [[]];
  if (caller.type === 'RAMUser') {
    const name = caller.userName ?? '';
    const groups = new Set((acct.memberships ?? []).filter((m) => m.userName === name).map((m) => m.groupName));
    return [[...docsOf(acct, (acct.userAttachments ?? []).filter((x) => x.principal === name)), ...docsOf(acct, (acct.groupAttachments ?? []).filter((x) => groups.has(x.principal)))]];
  }
  if (caller.type === 'AssumedRoleUser') {
    const sets = [docsOf(acct, acct.attachments.filter((x) => x.roleName === caller.roleName))];
    const session = findSession(state, caller.accessKeyId);
    if (session?.policy !== undefined) {
      const doc = parsed(session.policy);
      sets.push(doc === undefined ? [] : [doc]);
    }
    return sets;
  }
  return [];
}

/**
 * The denial of `action` on `resources` for an enforced caller, or undefined when every resource
 * is allowed by every policy set. The first refused resource is reported; an explicit deny in any
 * set is reported as such.
 */
export function authorize(
  state: EmulatorState,
  accountUid: string,
  caller: CallerIdentity,
  action: string,
  resources: readonly string[],
  ctx: RequestContext,
): Denial | undefined {
  const sets = policySets(state, accountUid, caller);
  for (const resource of resources) {
    const verdicts = sets.map((docs) => evaluate(docs, action, resource, ctx));
    const explicit = verdicts.includes('ExplicitDeny');
    if (explicit || verdicts.includes('ImplicitDeny')) {
      return { verdict: explicit ? 'ExplicitDeny' : 'ImplicitDeny', action, resource, caller, accountUid };
    }
  }
  return undefined;
}

/** The principal as RAM error details name it: `user/alice`, `assumed-role/ci/session`. */
export function principalName(caller: CallerIdentity): string {
  return caller.arn.replace(/^acs:ram::\d+:/, '');
}

/**
 * The `AccessDeniedDetail` object newer POP gateways add to permission errors (openapi-core exposes
 * it as `accessDeniedDetail`); field names as the vendor's diagnostic documents them (guessed).
 */
export function accessDeniedDetail(d: Denial): Record<string, string> {
  return {
    AuthAction: d.action,
    AuthResource: d.resource,
    AuthPrincipalType: d.caller.type === 'RAMUser' ? 'SubUser' : 'AssumedRoleUser',
    AuthPrincipalOwnerId: d.accountUid,
    AuthPrincipalDisplayName: principalName(d.caller),
    NoPermissionType: d.verdict,
    PolicyType: 'AccountLevelIdentityBasedPolicy',
  };
}

/** The sentence every permission error carries: the action, the resource and the reason. */
export function denialSentence(d: Denial): string {
  const why = d.verdict === 'ExplicitDeny' ? 'an explicit Deny statement matches' : 'no policy allows it';
  return `${principalName(d.caller)} is not authorized to do action ${d.action} on resource ${d.resource} (${d.verdict}: ${why}).`;
}
