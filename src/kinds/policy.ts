/**
 * Least-privilege RAM policies from the kinds' call declarations (issue 17, `acrctl policy`).
 *
 * Every kind declares, for a config, the API calls its read and verbs can make and the names of
 * their resources (`Kind.permissions`). A command runs some of those entry points (plan and drift
 * read; apply reads, observes, creates, updates, deletes and checks gates; destroy reads, observes
 * and deletes); each call's RAM action and resource ARNs come from the shared table
 * (src/cloud/ram-actions.ts). The result is one policy document per declared account: Version "1",
 * Allow statements, one per set of resources that need the same actions, everything sorted, so the
 * output is the same byte for byte for the same config and can be committed and reviewed.
 *
 * `covers` answers whether a (committed) policy document still allows every (action, resource)
 * a config needs, evaluating it as RAM does (explicit Deny wins, then some Allow; `*` and `?`
 * wildcards, actions case-insensitive, resources case-sensitive; a statement with a Condition is
 * not counted as granting, since its condition cannot be known here).
 *
 * Pure: no cloud call, no file.
 */
import { ramResource, ramRule, type RamPlaceholder } from '../cloud/ram-actions.js';
import type { RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import type { CallNeed, CallVerb, Kind, PolicyCommand } from '../plan/kind.js';

export const POLICY_COMMANDS: readonly PolicyCommand[] = ['plan', 'apply', 'drift', 'adopt', 'destroy'];

/** The entry points of the kinds each command runs. */
export const COMMAND_VERBS: Readonly<Record<PolicyCommand, readonly CallVerb[]>> = {
  plan: ['read'],
  drift: ['read'],
  adopt: ['read'],
  apply: ['read', 'observe', 'create', 'update', 'delete', 'check'],
  destroy: ['read', 'observe', 'delete'],
};

export interface PolicyStatement {
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

/** A RAM policy document as the console and CreatePolicy take it. */
export interface PolicyDocument {
  readonly Version: '1';
  readonly Statement: readonly PolicyStatement[];
}

/** One (action, resource) a command needs, and where it comes from. */
export interface Grant {
  readonly action: string;
  readonly resource: string;
  /** `kind verb product:Api`, for messages. */
  readonly from: string;
}

/** The policy of one declared account. */
export interface AccountPolicy {
  readonly account: string;
  readonly uid: string;
  readonly document: PolicyDocument;
  /** What the document cannot say exactly (unknown ids), and what else the credentials need. Sorted. */
  readonly notes: readonly string[];
  /** Every (action, resource) pair, sorted (what `covers` checks). */
  readonly grants: readonly Grant[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Calls outside the kinds that a command makes: adopt's discovery (every instance, CEN and route). */
function commandCalls(config: RegistryDocument, command: PolicyCommand): CallNeed[] {
  if (command !== 'adopt') return [];
  const out: CallNeed[] = [];
  const regions = new Map<string, Set<string>>();
  for (const inst of Object.values(config.instances ?? {})) regions.set(inst.account, (regions.get(inst.account) ?? new Set()).add(inst.region));
  for (const p of config.crossRegionAccess ?? []) regions.set(p.from.account, (regions.get(p.from.account) ?? new Set()).add(p.from.region));
  for (const [account, rs] of regions) {
    for (const region of rs) {
      out.push({ verbs: ['read'], product: 'cr', api: 'ListInstance', account, on: { region } });
      for (const api of ['DescribeRouteTableList', 'DescribeRouteEntryList']) out.push({ verbs: ['read'], product: 'vpc', api, account, on: { region } });
    }
    for (const api of ['DescribeCens', 'ListTransitRouters', 'ListTransitRouterVpcAttachments', 'ListTransitRouterRouteTables', 'ListTransitRouterRouteEntries']) {
      out.push({ verbs: ['read'], product: 'cbn', api, account, on: {} });
    }
  }
  return out;
}

/** Every call a command makes for a config, from the kinds' declarations. */
export function commandNeeds(kinds: readonly Kind[], config: RegistryDocument, command: PolicyCommand): { kind: string; need: CallNeed }[] {
  const verbs = new Set(COMMAND_VERBS[command]);
  const out: { kind: string; need: CallNeed }[] = [];
  for (const k of kinds) {
    for (const n of k.permissions(config)) {
      if (!n.verbs.some((v) => verbs.has(v))) continue;
      if (n.only !== undefined && !n.only.includes(command)) continue;
      out.push({ kind: k.name, need: n });
    }
  }
  for (const n of commandCalls(config, command)) out.push({ kind: command, need: n });
  return out;
}

/** The (action, resource) pairs of one call; none for a call that needs no permission. */
function grantsOf(kind: string, n: CallNeed, uid: string, verbs: ReadonlySet<CallVerb>): Grant[] {
  const rule = ramRule(n.product, n.api);
  if (rule === null) return [];
  if (rule === undefined) {
    throw new AcrctlError('internal.ram_table', `kind ${kind} declares ${n.product}:${n.api}, which src/cloud/ram-actions.ts does not know`);
  }
  const values: Partial<Record<RamPlaceholder, string>> = { ...n.on, account: uid };
  const from = `${kind} ${n.verbs.filter((v) => verbs.has(v)).join('/')} ${n.product}:${n.api}`;
  return rule.resources.map((t) => ({ action: rule.action, resource: ramResource(t, values), from }));
}

/**
 * The grants left when those another grant of the same action covers are dropped: RAM's `*`
 * matches any characters, `/` included, so `repository/*` already covers `repository/*` + `/x`
 * and a statement for the narrower one would change nothing.
 */
function withoutCovered(grants: readonly Grant[]): Grant[] {
  return grants.filter((g) => !grants.some((o) => o !== g && o.action.toLowerCase() === g.action.toLowerCase() && o.resource !== g.resource && wildcard(o.resource, g.resource, false)));
}

/** The Allow statements of a set of grants: resources that need the same actions share one. */
export function statementsOf(grants: readonly Pick<Grant, 'action' | 'resource'>[]): PolicyStatement[] {
  const byResource = new Map<string, Set<string>>();
  for (const g of grants) byResource.set(g.resource, (byResource.get(g.resource) ?? new Set()).add(g.action));
  const byActions = new Map<string, { actions: string[]; resources: string[] }>();
  for (const [resource, actions] of byResource) {
    const sorted = [...actions].sort(compare);
    const key = sorted.join('\n');
    const e = byActions.get(key) ?? { actions: sorted, resources: [] };
    e.resources.push(resource);
    byActions.set(key, e);
  }
  return [...byActions.values()]
    .map((e) => ({ Effect: 'Allow' as const, Action: e.actions, Resource: e.resources.sort(compare) }))
    .sort((a, b) => compare(a.Resource[0] ?? '', b.Resource[0] ?? '') || compare(a.Action.join(','), b.Action.join(',')));
}

/**
 * The policy each declared account needs for `command` on this config, in alias order (`only`:
 * just these aliases). An account the command makes no call for gets an empty statement list.
 */
export function derivePolicies(kinds: readonly Kind[], config: RegistryDocument, command: PolicyCommand, only?: readonly string[]): AccountPolicy[] {
  const verbs = new Set(COMMAND_VERBS[command]);
  const needs = commandNeeds(kinds, config, command);
  return Object.keys(config.accounts)
    .sort(compare)
    .filter((alias) => only === undefined || only.includes(alias))
    .map((alias) => {
      const account = config.accounts[alias]!;
      const mine = needs.filter((x) => x.need.account === alias);
      const seen = new Map<string, Grant>();
      for (const { kind, need } of mine) for (const g of grantsOf(kind, need, account.uid, verbs)) if (!seen.has(`${g.action} ${g.resource}`)) seen.set(`${g.action} ${g.resource}`, g);
      const grants = withoutCovered([...seen.values()]).sort((a, b) => compare(a.action, b.action) || compare(a.resource, b.resource));
      const notes = new Set<string>();
      for (const { need } of mine) if (need.unknown !== undefined) notes.add(need.unknown);
      const creds = account.credentials;
      if (creds !== undefined && 'ramRoleArn' in creds) {
        notes.add(`this is the policy of the role ${creds.ramRoleArn}; the credentials that assume it also need sts:AssumeRole on acs:ram:*:${account.uid}:role/${creds.ramRoleArn.replace(/^.*:role\//, '')}, and the role's trust policy must name them`);
      }
      return { account: alias, uid: account.uid, document: { Version: '1', Statement: statementsOf(grants) }, notes: [...notes].sort(compare), grants };
    });
}

// ---- evaluation ---------------------------------------------------------------------------------

function wildcard(pattern: string, value: string, caseless: boolean): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseless ? 'is' : 's');
  return re.test(value);
}

function list(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function matches(st: Readonly<Record<string, unknown>>, action: string, resource: string): boolean {
  const actionOk =
    st['Action'] !== undefined ? list(st['Action']).some((p) => wildcard(p, action, true)) : st['NotAction'] !== undefined ? !list(st['NotAction']).some((p) => wildcard(p, action, true)) : false;
  const resourceOk =
    st['Resource'] !== undefined ? list(st['Resource']).some((p) => wildcard(p, resource, false)) : st['NotResource'] !== undefined ? !list(st['NotResource']).some((p) => wildcard(p, resource, false)) : false;
  return actionOk && resourceOk;
}

/** Whether a policy document (parsed JSON) allows `action` on `resource`, as RAM evaluates it. */
export function allows(document: unknown, action: string, resource: string): boolean {
  const statements = (document as { Statement?: unknown } | null)?.Statement;
  const all = (Array.isArray(statements) ? statements : statements !== undefined ? [statements] : []).filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null);
  if (all.some((s) => s['Effect'] === 'Deny' && matches(s, action, resource))) return false;
  return all.some((s) => s['Effect'] === 'Allow' && s['Condition'] === undefined && matches(s, action, resource));
}

/** The grants a document does not allow. */
export function uncovered(document: unknown, grants: readonly Grant[]): Grant[] {
  return grants.filter((g) => !allows(document, g.action, g.resource));
}
