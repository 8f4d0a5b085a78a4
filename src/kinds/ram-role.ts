/**
 * Kind `ram-role`: the cross-account sync role in a TARGET account
 * (`account[target].ram-role[aliyuncontainerregistrycrossaccoutsyncrole]`, sic "accout": the name is
 * fixed by the service, DOMAIN.md 003), derived from replication rules that cross accounts plus
 * explicit `crossAccountRoles`. Several source accounts merge into ONE role.
 *
 * Managed part: only the service principals `<uid>@cr.aliyuncs.com` of Allow `sts:AssumeRole`
 * statements (spec `trustedServices`, sorted). Every other statement and principal of the trust
 * policy is kept as it is; ours go into one statement, appended. A change shows the whole trust
 * policy before and after (display-only field `trustPolicy`); the comparison is on the principal set
 * only, so a second plan is a no-op whatever else the document holds.
 *
 * Reads: RAM GetRole for the fixed name, once per account that needs the role (no List returns the
 * trust policy, and the name is fixed, so there is exactly one object to get per account).
 * Acts: CreateRole; UpdateRole NewAssumeRolePolicyDocument. Delete (destroy only; a role that is no
 * longer derived is not read, so never pruned): removes our principals and keeps the role when other
 * statements remain; deletes the role only when nothing else trusts it and no other policy is
 * attached, and otherwise fails rather than guess.
 *
 * Also exports the cross-account derivation the policy and attachment kinds share.
 */
import type { CrossAccountRole, ReferenceCheck, RegistryDocument } from '../config/model.js';
import { closest } from '../config/suggest.js';
import { AcrctlError } from '../errors.js';
import { accountAddress, address, segment } from '../plan/address.js';
import { list as listOf, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, Diff, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { FieldChange } from '../plan/model.js';
import { compareSpec, deepEqual } from '../plan/compare.js';
import { crossAccountNames, replicationRules } from './replication.js';
import { isNotFound, vendorCode } from './support.js';
import { calls } from './permits.js';

const keyShape = struct({ account: str, role: str });
const specShape = struct({ roleName: str, trustedServices: listOf(str), description: optional(str) });
const idsShape = struct({ roleName: str, arn: optional(str) });
export type RoleKey = Decoded<typeof keyShape>;
export type RoleSpec = Decoded<typeof specShape>;
export type RoleIds = Decoded<typeof idsShape>;

/** `account[a].ram-role[name]`. */
export function ramRoleAddress(account: string, role: string): string {
  return address(accountAddress(account), segment('ram-role', role));
}

/** The cross-account objects one target account needs. */
export interface CrossAccountTarget {
  /** Alias of the target account (where the role lives). */
  readonly account: string;
  readonly uid: string;
  readonly roleName: string;
  readonly policyName: string;
  /** Source account UIDs the role trusts, sorted, unique. */
  readonly trustedUids: readonly string[];
  /** Aliases of this account's instances the policy covers, sorted. */
  readonly instances: readonly string[];
  /** Display: rule addresses and declarations that ask for it. */
  readonly because: readonly string[];
  readonly explicit?: CrossAccountRole;
}

/**
 * Target accounts of cross-account replication, merged with `crossAccountRoles` (trusted accounts
 * and instances are unions of both; an explicit `policy` replaces the derived one). An account whose
 * role would trust nobody gets nothing (a trust policy needs a statement). Pure; sorted by alias.
 */
export function crossAccountTargets(config: RegistryDocument): CrossAccountTarget[] {
  const acc = new Map<string, { uids: Set<string>; instances: Set<string>; because: string[] }>();
  const entry = (account: string) => {
    let e = acc.get(account);
    if (!e) acc.set(account, (e = { uids: new Set(), instances: new Set(), because: [] }));
    return e;
  };
  for (const r of replicationRules(config)) {
    if (!r.crossAccount) continue;
    const e = entry(r.targetInstance.account);
    e.uids.add(r.sourceUid);
    e.instances.add(r.target);
    e.because.push(`replication rule ${r.rule.name} of instance[${r.source}] crosses accounts`);
  }
  for (const [account, role] of Object.entries(config.crossAccountRoles ?? {})) {
    if (config.accounts[account] === undefined) continue;
    const e = entry(account);
    for (const a of role.trustedAccounts ?? []) {
      const uid = config.accounts[a]?.uid;
      if (uid !== undefined) e.uids.add(uid);
    }
    for (const i of role.instances ?? []) if (config.instances?.[i]?.account === account) e.instances.add(i);
    e.because.push(`crossAccountRoles.${account}`);
  }
  const out: CrossAccountTarget[] = [];
  for (const [account, e] of [...acc].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (e.uids.size === 0) continue;
    const names = crossAccountNames(config, account);
    const explicit = config.crossAccountRoles?.[account];
    out.push({
      account,
      uid: config.accounts[account]!.uid,
      roleName: names.role,
      policyName: names.policy,
      trustedUids: [...e.uids].sort(),
      instances: [...e.instances].sort(),
      because: e.because,
      ...(explicit !== undefined ? { explicit } : {}),
    });
  }
  return out;
}

/** The service principal of a source account. */
export const servicePrincipal = (uid: string) => `${uid}@cr.aliyuncs.com`;
const OURS = /^\d+@cr\.aliyuncs\.com$/i;

type Json = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function isAssumeAllow(s: Json): boolean {
  return s['Effect'] === 'Allow' && list(s['Action']).some((a) => typeof a === 'string' && a.toLowerCase() === 'sts:assumerole');
}

/** Parses a policy document; a document that is not JSON is an error naming the role. */
export function parseDocument(text: string, what: string): Json {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
  } catch {
    // fall through
  }
  throw new AcrctlError('plan.bad_policy_document', `the policy document of ${what} is not a JSON object`, { hint: 'fix it in the RAM console' });
}

/** The managed part of a trust policy: our service principals in Allow sts:AssumeRole statements, sorted. */
export function trustedServices(doc: Json): string[] {
  const out = new Set<string>();
  for (const s of list(doc['Statement']) as Json[]) {
    if (typeof s !== 'object' || s === null || !isAssumeAllow(s)) continue;
    const principal = (s['Principal'] ?? {}) as Json;
    for (const p of list(principal['Service'])) if (typeof p === 'string' && OURS.test(p)) out.add(p);
  }
  return [...out].sort();
}

/**
 * The trust policy with our principals set to `services`: every other statement and principal kept
 * in place, ours removed from where they were and put in one statement at the end (none when
 * `services` is empty). Pure.
 */
export function rewriteTrust(doc: Json, services: readonly string[]): Json {
  const statements: Json[] = [];
  for (const s of list(doc['Statement']) as Json[]) {
    if (typeof s !== 'object' || s === null || !isAssumeAllow(s)) {
      statements.push(s);
      continue;
    }
    const principal = { ...((s['Principal'] ?? {}) as Json) };
    const service = list(principal['Service']);
    const kept = service.filter((p) => !(typeof p === 'string' && OURS.test(p)));
    if (kept.length === service.length) {
      statements.push(s);
      continue;
    }
    if (kept.length === 0) delete principal['Service'];
    else principal['Service'] = Array.isArray(principal['Service']) ? kept : kept[0];
    if (Object.keys(principal).length > 0) statements.push({ ...s, Principal: principal });
  }
  if (services.length > 0) statements.push({ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [...services] } });
  return { ...doc, Version: doc['Version'] ?? '1', Statement: statements };
}

/** A live role also carries its whole trust policy (display and rewriting; not compared). */
export interface RoleLive extends LiveObject<RoleSpec, RoleIds, RoleKey> {
  readonly document: Json;
}

const pretty = (doc: Json) => JSON.stringify(doc, null, 2);

function roleDescription(t: CrossAccountTarget): string {
  return t.explicit?.description ?? 'acrctl: lets Container Registry in the trusted accounts replicate images into this account';
}

type RoleSubject = Pick<Subject<RoleSpec, RoleIds, RoleKey>, 'id' | 'account' | 'key'>;

async function getDocument(ctx: ExecContext, s: RoleSubject): Promise<Json | undefined> {
  try {
    const r = await ctx.cloud.ram(s.account).getRole({ roleName: s.key.role });
    return parseDocument(r.role?.assumeRolePolicyDocument ?? '{}', s.id);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function updateTrust(ctx: ExecContext, s: Subject<RoleSpec, RoleIds, RoleKey>): Promise<Outcome> {
  const name = s.key.role;
  const doc = await getDocument(ctx, s);
  if (doc === undefined) throw new AcrctlError('apply.role_gone', `role ${name} disappeared while acrctl was updating it`, { address: s.id, hint: 'run acrctl plan again' });
  const services = [...s.spec.trustedServices];
  if (!deepEqual(trustedServices(doc), services)) {
    await ctx.intent('UpdateRole', { roleName: name, trustedServices: services });
    await ctx.cloud.ram(s.account).updateRole({ roleName: name, newAssumeRolePolicyDocument: JSON.stringify(rewriteTrust(doc, services)) });
  }
  return { ids: { roleName: name } };
}

async function createRole(ctx: ExecContext, s: Subject<RoleSpec, RoleIds, RoleKey>): Promise<Outcome> {
  const name = s.key.role;
  const services = [...s.spec.trustedServices];
  await ctx.intent('CreateRole', { roleName: name, trustedServices: services });
  try {
    await ctx.cloud.ram(s.account).createRole({
      roleName: name,
      assumeRolePolicyDocument: JSON.stringify(rewriteTrust({ Version: '1', Statement: [] }, services)),
      description: s.spec.description ?? '',
    });
    return { ids: { roleName: name } };
  } catch (err) {
    if (!/^EntityAlreadyExists/.test(vendorCode(err) ?? '')) throw err;
    // Created by hand, or by an earlier run: make its trust what we want, keeping everything else.
    return updateTrust(ctx, s);
  }
}

async function deleteRole(ctx: ExecContext, r: Removal<RoleSpec, RoleIds, RoleKey>): Promise<Outcome> {
  const name = r.key.role;
  const doc = await getDocument(ctx, r);
  if (doc === undefined) return {};
  const rest = rewriteTrust(doc, []);
  const ram = ctx.cloud.ram(r.account);
  if (list(rest['Statement']).length > 0) {
    // Something else trusts this role too: keep it, only drop our principals.
    if (trustedServices(doc).length > 0) {
      await ctx.intent('UpdateRole', { roleName: name, trustedServices: [] });
      await ram.updateRole({ roleName: name, newAssumeRolePolicyDocument: JSON.stringify(rest) });
    }
    return {};
  }
  const attached = (await ram.listPoliciesForRole({ roleName: name })).policies?.policy ?? [];
  if (attached.length > 0) {
    throw new AcrctlError('apply.role_in_use', `role ${name} still has policies attached (${attached.map((p) => p.policyName).join(', ')}) that acrctl does not manage`, {
      address: r.id,
      hint: 'detach them in the RAM console if nothing needs them, then run acrctl again',
    });
  }
  await ctx.intent('DeleteRole', { roleName: name });
  try {
    await ram.deleteRole({ roleName: name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

/**
 * The managed part of the role: absent when the role is gone or trusts none of our principals (a
 * delete keeps a role other statements still use); up to date when it trusts exactly the wanted ones.
 */
async function observe(ctx: ExecContext, s: Subject<RoleSpec, RoleIds, RoleKey>): Promise<Observation<RoleIds>> {
  const doc = await getDocument(ctx, s);
  if (doc === undefined) return { state: 'absent' };
  const trusted = trustedServices(doc);
  if (trusted.length === 0) return { state: 'absent' };
  return { state: 'present', upToDate: deepEqual(trusted, [...s.spec.trustedServices]), ready: true, ids: { roleName: s.key.role } };
}

/** A role is keyed by a declared account, trusts other declared accounts, covers that account's instances. */
const REFERENCES: ReferenceCheck = ({ doc, accounts, instances, entries, str, quote, report, needAccount, needInstance }) => {
  for (const [account, role] of entries(doc['crossAccountRoles'])) {
    const base = ['crossAccountRoles', account];
    if (!accounts.includes(account)) {
      const s = closest(account, accounts);
      report('ref/unknown-account', `cross-account role for unknown account ${quote(account)}${s ? `; did you mean ${quote(String(s))}?` : ''}`, base, undefined, 'key');
    }
    const trusted = role['trustedAccounts'];
    if (Array.isArray(trusted)) {
      trusted.forEach((t: unknown, i: number) => {
        needAccount(t, [...base, 'trustedAccounts', i], `trustedAccounts of ${quote(String(account))}`);
        if (t === account) report('ref/self-trust', `account ${quote(String(account))} trusts itself; the sync role is only for other accounts`, [...base, 'trustedAccounts', i]);
      });
    }
    const covered = role['instances'];
    if (Array.isArray(covered)) {
      covered.forEach((x: unknown, i: number) => {
        const alias = needInstance(x, [...base, 'instances', i], `cross-account role ${quote(String(account))}`);
        if (alias === undefined) return;
        const owner = str(instances.get(alias)?.['account']);
        if (owner !== undefined && owner !== account) {
          report('ref/instance-account-mismatch', `instance ${quote(String(alias))} belongs to account ${quote(String(owner))}, not ${quote(String(account))}; the role can only cover instances of its own account`, [...base, 'instances', i]);
        }
      });
    }
  }
};

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#': {
      crossAccountRoles: {
        description: 'Explicit cross-account sync roles, keyed by the alias of the TARGET account (the account the role is created in). Normally acrctl derives the role, its trust policy and its policy from replication rules that cross accounts; declare one here to trust extra source accounts or to replace the derived policy.',
        type: 'object',
        propertyNames: { $ref: '#/$defs/alias' },
        additionalProperties: { $ref: '#/$defs/crossAccountRole' },
      },
    },
  },
  defs: {
    crossAccountRole: {
      description: 'The cross-account sync role `aliyuncontainerregistrycrossaccoutsyncrole` in one target account: its trust policy (one `<uid>@cr.aliyuncs.com` principal per source account) and its policy.',
      type: 'object',
      additionalProperties: false,
      properties: {
        trustedAccounts: {
          description: 'Aliases of source accounts allowed to assume the role, merged with those derived from replication rules.',
          type: 'array',
          items: { type: 'string' },
          uniqueItems: true,
        },
        instances: {
          description: 'Aliases of instances in this account that the derived policy covers. Default: the instances targeted by cross-account replication rules.',
          type: 'array',
          items: { type: 'string' },
          uniqueItems: true,
        },
        description: {
          description: 'Role description, up to 1024 characters.',
          type: 'string',
          minLength: 1,
          maxLength: 1024,
        },
        policy: {
          description: 'A custom policy replacing the derived one (`cr:CreateSyncRule` and `cr:CreateRepositorySync` on the covered instances).',
          $ref: '#/$defs/ramPolicy',
        },
      },
    },
  },
  sections: [['crossAccountRole', '#/$defs/crossAccountRole']],
};

/**
 * The calls of the kind (issue 17), in the account of each derived cross-account role: GetRole
 * (read, and before a trust update), CreateRole, UpdateRole (the trust policy); only destroy
 * deletes a role: it narrows the trust, lists and detaches nothing it does not own, and deletes it.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return crossAccountTargets(config).flatMap((t) => {
    const on = { role: t.roleName };
    return [
      ...calls(['read', 'observe', 'create', 'update', 'delete'], t.account, on, ['ram:GetRole']),
      ...calls(['create'], t.account, on, ['ram:CreateRole']),
      ...calls(['update', 'delete'], t.account, on, ['ram:UpdateRole']),
      ...calls(['delete'], t.account, on, ['ram:ListPoliciesForRole', 'ram:DeleteRole'], { only: ['destroy'] }),
    ];
  });
}

export const ramRoleKind: Kind<RoleSpec, RoleIds, RoleKey> = {
  name: 'ram-role',
  readAfter: [],
  reportsUnmanaged: true,
  address: (key) => ramRoleAddress(key.account, key.role),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return crossAccountTargets(config).map((t) => ({
      id: ramRoleAddress(t.account, t.roleName),
      kind: 'ram-role',
      account: t.account,
      region: 'global',
      key: { account: t.account, role: t.roleName },
      spec: { roleName: t.roleName, trustedServices: t.trustedUids.map(servicePrincipal), description: roleDescription(t) },
      requires: [],
      reason: t.because.join('; '),
    }));
  },

  async read(ctx: ReadContext) {
    const found = await Promise.all(
      crossAccountTargets(ctx.config).map(async (t): Promise<RoleLive | undefined> => {
        let role;
        try {
          role = (await ctx.cloud.ram(t.account).getRole({ roleName: t.roleName })).role;
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
        const id = ramRoleAddress(t.account, t.roleName);
        const document = parseDocument(role?.assumeRolePolicyDocument ?? '{}', id);
        return {
          id,
          kind: 'ram-role',
          account: t.account,
          region: 'global',
          key: { account: t.account, role: t.roleName },
          spec: { roleName: role?.roleName ?? t.roleName, trustedServices: trustedServices(document), description: role?.description ?? '' },
          ids: { roleName: role?.roleName ?? t.roleName, ...(role?.arn ? { arn: role.arn } : {}) },
          container: accountAddress(t.account),
          prunable: false,
          requires: [],
          document,
        };
      }),
    );
    return found.filter((r): r is RoleLive => r !== undefined);
  },

  /** Compares the principal set (and name); the description is set on create only and never compared. */
  diff(desired, live): Diff {
    const { description: _d, ...want } = desired.spec;
    const changes: FieldChange[] = compareSpec(want, live.spec, {
      notes: { trustedServices: 'only these principals are managed; other statements and principals of the trust policy are kept' },
    });
    const doc = (live as Partial<RoleLive>).document;
    if (changes.length > 0 && doc !== undefined) {
      changes.push({
        path: 'trustPolicy',
        before: pretty(doc),
        after: pretty(rewriteTrust(doc, desired.spec.trustedServices)),
        impact: 'update',
        note: 'display only: the whole trust policy UpdateRole writes',
      });
    }
    return { changes };
  },

  observe,
  create: createRole,
  update: (ctx: ExecContext, c: Change<RoleSpec, RoleIds, RoleKey>) => updateTrust(ctx, c),
  delete: deleteRole,
};
