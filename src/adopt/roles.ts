/**
 * Folding the cross-account RAM objects (role, trust policy, policy, attachment) back into the
 * replication rules that derive them. Pure.
 *
 * The adopted document's cross-account rules already make the kinds derive a role, a policy and an
 * attachment in each target account. This compares those derived objects with the live ones: what
 * the rules re-derive identically is not written at all; what differs is written as the smallest
 * `crossAccountRoles` entry that makes the derivation match (extra trusted accounts, a custom
 * description, a custom policy); what cannot be written becomes a note.
 */
import type { Account, CrossAccountRole, PolicyStatement } from '../config/model.js';
import { DEFAULTS } from '../config/model.js';
import type { DesiredObject, LiveObject } from '../plan/kind.js';
import type { FieldChange } from '../plan/model.js';
import { type AdoptNote, compare, type FoundInstance } from './build.js';

export interface RoleFacts {
  /** Accounts of the adopted document (alias → declaration). */
  readonly accounts: Readonly<Record<string, Account>>;
  /** Desired objects of the kinds ram-role, ram-policy and ram-attachment (derived policies included). */
  readonly desired: readonly DesiredObject[];
  /** Live objects of those kinds. */
  readonly live: readonly LiveObject[];
  /** The kind's diff for a desired/live pair. */
  readonly diff: (desired: DesiredObject, live: LiveObject) => readonly FieldChange[];
}

type Json = Record<string, unknown>;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const UID_OF_PRINCIPAL = /^(\d+)@cr\.aliyuncs\.com$/i;

/** Statements of a normalised policy document in the language's form, or undefined when one has no form. */
function statementsOf(doc: Json): PolicyStatement[] | undefined {
  if (String(doc['Version'] ?? '1') !== '1' || !Array.isArray(doc['Statement'])) return undefined;
  const out: PolicyStatement[] = [];
  for (const s of doc['Statement'] as Json[]) {
    if (Object.keys(s).some((k) => k !== 'Effect' && k !== 'Action' && k !== 'Resource')) return undefined;
    const effect = s['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') return undefined;
    const actions = strings(s['Action']);
    const resources = strings(s['Resource']);
    if (actions.length === 0 || resources.length === 0) return undefined;
    out.push({ ...(effect !== DEFAULTS.policyStatement.effect ? { effect } : {}), actions, resources });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The `crossAccountRoles` entries the live RAM objects need beyond what the rules derive, and notes
 * for what no entry can say. Deterministic: entries and notes sorted.
 */
export function foldRoles(facts: RoleFacts): { roles: Record<string, CrossAccountRole>; notes: AdoptNote[] } {
  const notes: AdoptNote[] = [];
  const liveById = new Map(facts.live.map((l) => [l.id, l] as const));
  const aliasByUid = new Map<string, string>();
  for (const [alias, a] of Object.entries(facts.accounts).sort(([x], [y]) => compare(x, y))) if (!aliasByUid.has(a.uid)) aliasByUid.set(a.uid, alias);
  const roles = new Map<string, { trustedAccounts?: string[]; description?: string; policy?: { statements: PolicyStatement[] } }>();
  const entry = (account: string) => {
    let e = roles.get(account);
    if (!e) roles.set(account, (e = {}));
    return e;
  };

  for (const d of [...facts.desired].sort((a, b) => compare(a.id, b.id))) {
    const l = liveById.get(d.id);
    if (l === undefined) {
      notes.push({ address: d.id, message: `missing live although ${d.reason ?? 'a replication rule'} needs it: the adopted file derives it, so a plan will create it` });
      continue;
    }
    switch (d.kind) {
      case 'ram-role': {
        const want = new Set(strings(d.spec['trustedServices']));
        const have = strings(l.spec['trustedServices']);
        const extra: string[] = [];
        for (const p of have) {
          if (want.has(p)) continue;
          const uid = UID_OF_PRINCIPAL.exec(p)?.[1];
          const alias = uid === undefined ? undefined : aliasByUid.get(uid);
          if (alias === undefined) {
            notes.push({ address: d.id, message: `trusts ${p}, an account that is not adopted: a plan of the adopted file removes that principal; add its account to adopt it` });
          } else extra.push(alias);
        }
        for (const p of want) {
          if (!have.includes(p)) notes.push({ address: d.id, message: `does not trust ${p} yet, which a replication rule needs: a plan will add it` });
        }
        if (extra.length > 0) entry(d.account).trustedAccounts = [...new Set(extra)].sort(compare);
        const description = typeof l.spec['description'] === 'string' ? l.spec['description'] : '';
        if (description !== '' && description !== d.spec['description']) entry(d.account).description = description;
        break;
      }
      case 'ram-policy': {
        if (facts.diff(d, l).length === 0) break;
        const statements = statementsOf((l.spec['document'] ?? {}) as Json);
        if (statements === undefined) {
          notes.push({ address: d.id, message: 'its document differs from the derived one and has no form in the language (conditions, principals or another version): a plan replaces it with the derived document' });
        } else entry(d.account).policy = { statements };
        break;
      }
      default:
        if (facts.diff(d, l).length > 0) notes.push({ address: d.id, message: 'differs from what the rules derive: a plan will change it' });
    }
  }
  const out: Record<string, CrossAccountRole> = {};
  for (const [account, e] of [...roles].sort(([a], [b]) => compare(a, b))) {
    out[account] = {
      ...(e.trustedAccounts !== undefined ? { trustedAccounts: e.trustedAccounts } : {}),
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.policy !== undefined ? { policy: e.policy } : {}),
    };
  }
  return { roles: out, notes: notes.sort((a, b) => compare(a.address, b.address) || compare(a.message, b.message)) };
}

const INSTANCE_ARN = /^acs:cr:[^:]+:(\d+):instance\/([^/]+)$/;

/**
 * Cross-account roles that no adopted rule derives (left by rules since deleted, or made by hand), in
 * the accounts `probed`: each role found becomes `crossAccountRoles.<account>` with the adopted
 * accounts it trusts and the adopted instances its policy names. `foldRoles` then compares the
 * result with what is live, like any other role. A role that trusts no adopted account is a note.
 */
export function discoverRoles(facts: {
  readonly accounts: Readonly<Record<string, Account>>;
  readonly probed: readonly string[];
  readonly live: readonly LiveObject[];
  readonly instances: readonly FoundInstance[];
}): { roles: Record<string, CrossAccountRole>; notes: AdoptNote[] } {
  const notes: AdoptNote[] = [];
  const aliasByUid = new Map<string, string>();
  for (const [alias, a] of Object.entries(facts.accounts).sort(([x], [y]) => compare(x, y))) if (!aliasByUid.has(a.uid)) aliasByUid.set(a.uid, alias);
  const roles: Record<string, CrossAccountRole> = {};
  for (const account of [...facts.probed].sort(compare)) {
    const role = facts.live.find((l) => l.kind === 'ram-role' && l.account === account);
    if (role === undefined) continue;
    const trusted = new Set<string>();
    for (const p of strings(role.spec['trustedServices'])) {
      const alias = aliasByUid.get(UID_OF_PRINCIPAL.exec(p)?.[1] ?? '');
      if (alias !== undefined && alias !== account) trusted.add(alias);
    }
    if (trusted.size === 0) {
      const principals = strings(role.spec['trustedServices']);
      notes.push({
        address: role.id,
        message: `not adopted: no adopted rule uses this cross-account role, and it trusts no other adopted account (${principals.length > 0 ? principals.join(', ') : 'no Container Registry principal'}); adopt those accounts too`,
      });
      continue;
    }
    const uid = facts.accounts[account]?.uid;
    const instances = new Set<string>();
    const policy = facts.live.find((l) => l.kind === 'ram-policy' && l.account === account);
    const doc = (policy?.spec['document'] ?? {}) as Json;
    for (const s of (Array.isArray(doc['Statement']) ? doc['Statement'] : []) as Json[]) {
      for (const r of strings(s['Resource'])) {
        const m = INSTANCE_ARN.exec(r);
        const found = m === null || m[1] !== uid ? undefined : facts.instances.find((i) => i.account === account && i.instanceId === m[2]);
        if (found !== undefined) instances.add(found.alias);
      }
    }
    roles[account] = { trustedAccounts: [...trusted].sort(compare), ...(instances.size > 0 ? { instances: [...instances].sort(compare) } : {}) };
  }
  return { roles, notes };
}

/** Two sets of `crossAccountRoles` entries in one (unions of lists; the later entry's other fields win). Pure. */
export function mergeRoles(a: Readonly<Record<string, CrossAccountRole>>, b: Readonly<Record<string, CrossAccountRole>>): Record<string, CrossAccountRole> {
  const out: Record<string, CrossAccountRole> = {};
  for (const account of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compare)) {
    const x = a[account] ?? {};
    const y = b[account] ?? {};
    const union = (p?: readonly string[], q?: readonly string[]) => (p === undefined && q === undefined ? undefined : [...new Set([...(p ?? []), ...(q ?? [])])].sort(compare));
    const trustedAccounts = union(x.trustedAccounts, y.trustedAccounts);
    const instances = union(x.instances, y.instances);
    const description = y.description ?? x.description;
    const policy = y.policy ?? x.policy;
    out[account] = {
      ...(trustedAccounts !== undefined ? { trustedAccounts } : {}),
      ...(instances !== undefined ? { instances } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(policy !== undefined ? { policy } : {}),
    };
  }
  return out;
}
