/**
 * Kind `ram-policy`: the custom policy attached to the cross-account sync role in a TARGET account
 * (`account[target].ram-policy[AcrctlCrossAccountSync]`, or the name of an explicit
 * `crossAccountRoles.<account>.policy`).
 *
 * Least privilege by default: Allow `cr:CreateRepositorySync` and `cr:CreateSyncRule` on
 * `acs:cr:<region>:<uid>:instance/<instance id>` of each covered target instance (DOMAIN.md 003).
 * Instance ids are only known with live data, so the policy is DERIVED after reading; an instance
 * this plan creates appears as the placeholder `{{instance[<alias>].instanceId}}`, which apply
 * replaces with the id learned when the instance was created (the policy requires the instance, so
 * it runs after it). An explicit `policy` replaces the derived document (lint rejects wildcards).
 * Documents are compared normalised: `Version`, then each statement's `Effect` and its `Action` and
 * `Resource` as sorted arrays (statement order kept).
 *
 * Reads: RAM GetPolicy (Custom) by the fixed name, once per target account (ListPolicies returns no
 * document). Acts: CreatePolicy; update = CreatePolicyVersion SetAsDefault=true, deleting the oldest
 * non-default version first when the policy already has 5; delete (destroy only) = DeletePolicy with
 * CascadingDelete (the attachment goes first; RAM refuses while anything else is attached).
 */
import type { RegistryDocument } from '../config/model.js';
import { DEFAULTS } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import type { Action } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec, deepEqual } from './compare.js';
import { isNotFound, unsupported, vendorCode } from './support.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';
import { crossAccountTargets, parseDocument, type CrossAccountTarget } from './ram-role.js';

/** The actions cross-account replication needs in the target account (DOMAIN.md 003), sorted. */
export const SYNC_ACTIONS = ['cr:CreateRepositorySync', 'cr:CreateSyncRule'] as const;
/** RAM keeps at most this many versions of a policy. */
export const MAX_POLICY_VERSIONS = 5;

/** The placeholder for an instance id not known at plan time. */
export const idPlaceholder = (alias: string) => `{{${addr.instance(alias)}.instanceId}}`;
const PLACEHOLDER = /\{\{([^{}]+)\.instanceId\}\}/g;

type Json = Record<string, unknown>;
const sortedList = (v: unknown): unknown[] => (Array.isArray(v) ? [...v] : v === undefined ? [] : [v]).sort();

/** A policy document in the compared form (see module doc). Pure. */
export function normaliseDocument(doc: Json): Json {
  const statements = (Array.isArray(doc['Statement']) ? doc['Statement'] : doc['Statement'] === undefined ? [] : [doc['Statement']]) as Json[];
  return {
    Version: String(doc['Version'] ?? '1'),
    Statement: statements.map((s) => {
      const out: Json = { ...s, Effect: s['Effect'] ?? DEFAULTS.policyStatement.effect, Action: sortedList(s['Action']) };
      if (s['Resource'] !== undefined) out['Resource'] = sortedList(s['Resource']);
      return out;
    }),
  };
}

/** The document a target account's policy should hold, with placeholders for unknown instance ids. */
export function policyDocument(config: RegistryDocument, t: CrossAccountTarget, instanceId: (alias: string) => string | undefined): Json {
  if (t.explicit?.policy !== undefined) {
    return normaliseDocument({
      Version: '1',
      Statement: t.explicit.policy.statements.map((s) => ({ Effect: s.effect ?? DEFAULTS.policyStatement.effect, Action: [...s.actions], Resource: [...s.resources] })),
    });
  }
  const resources = t.instances.map((alias) => {
    const inst = config.instances![alias]!;
    return `acs:cr:${inst.region}:${t.uid}:instance/${instanceId(alias) ?? idPlaceholder(alias)}`;
  });
  return normaliseDocument({ Version: '1', Statement: [{ Effect: 'Allow', Action: [...SYNC_ACTIONS], Resource: resources }] });
}

/** Replaces placeholders with the ids learned in this run (or read when planning). */
export function resolvePlaceholders(doc: Json, ids: (address: string) => Readonly<Record<string, string>>, where: string): Json {
  const text = JSON.stringify(doc).replace(PLACEHOLDER, (_m, address: string) => {
    const id = ids(address)['instanceId'];
    if (id === undefined || id === '') {
      throw new AcrctlError('apply.missing_id', `the id of ${address} is not known, so the policy ${where} cannot name it`, { address: where, hint: 'run acrctl plan again' });
    }
    return id;
  });
  return JSON.parse(text) as Json;
}

function policyName(action: Action): string {
  return String((action.after ?? action.before ?? {})['policyName']);
}

function wantedDocument(ctx: ExecContext, action: Action): Json {
  return resolvePlaceholders((action.after?.['document'] ?? {}) as Json, ctx.ids, action.id);
}

async function defaultDocument(ctx: ExecContext, action: Action): Promise<Json | undefined> {
  try {
    const r = await ctx.cloud.ram(action.account).getPolicy({ policyName: policyName(action), policyType: 'Custom' });
    return normaliseDocument(parseDocument(r.defaultPolicyVersion?.policyDocument ?? '{}', action.id));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function versionNumber(v: string | undefined): number {
  return Number(/^v(\d+)$/.exec(v ?? '')?.[1] ?? Number.MAX_SAFE_INTEGER);
}

async function newVersion(ctx: ExecContext, action: Action): Promise<Outcome> {
  const name = policyName(action);
  const doc = wantedDocument(ctx, action);
  const current = await defaultDocument(ctx, action);
  if (current === undefined) throw new AcrctlError('apply.policy_gone', `policy ${name} disappeared while acrctl was updating it`, { address: action.id, hint: 'run acrctl plan again' });
  if (deepEqual(current, doc)) return { ids: { policyName: name } };
  const ram = ctx.cloud.ram(action.account);
  const versions = (await ram.listPolicyVersions({ policyName: name, policyType: 'Custom' })).policyVersions?.policyVersion ?? [];
  if (versions.length >= MAX_POLICY_VERSIONS) {
    const oldest = versions
      .filter((v) => v.isDefaultVersion !== true)
      .sort((a, b) => (a.createDate ?? '').localeCompare(b.createDate ?? '') || versionNumber(a.versionId) - versionNumber(b.versionId))[0];
    if (oldest?.versionId !== undefined) {
      await ctx.intent('DeletePolicyVersion', { policyName: name, versionId: oldest.versionId });
      try {
        await ram.deletePolicyVersion({ policyName: name, versionId: oldest.versionId });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
  await ctx.intent('CreatePolicyVersion', { policyName: name, setAsDefault: true });
  const r = await ram.createPolicyVersion({ policyName: name, policyDocument: JSON.stringify(doc), setAsDefault: true });
  return { ids: { policyName: name, ...(r.policyVersion?.versionId ? { defaultVersion: r.policyVersion.versionId } : {}) } };
}

async function createPolicy(ctx: ExecContext, action: Action): Promise<Outcome> {
  const name = policyName(action);
  const doc = wantedDocument(ctx, action);
  await ctx.intent('CreatePolicy', { policyName: name });
  try {
    await ctx.cloud.ram(action.account).createPolicy({
      policyName: name,
      policyDocument: JSON.stringify(doc),
      description: 'acrctl: what cross-account image replication needs in this account',
    });
    return { ids: { policyName: name, defaultVersion: 'v1' } };
  } catch (err) {
    if (!/^EntityAlreadyExists/.test(vendorCode(err) ?? '')) throw err;
    return newVersion(ctx, action);
  }
}

async function deletePolicy(ctx: ExecContext, action: Action): Promise<Outcome> {
  const name = policyName(action);
  await ctx.intent('DeletePolicy', { policyName: name });
  try {
    await ctx.cloud.ram(action.account).deletePolicy({ policyName: name, cascadingDelete: true });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

export const ramPolicyKind: Kind = {
  name: 'ram-policy',
  readAfter: [],
  reportsUnmanaged: true,

  desired(): DesiredObject[] {
    return [];
  },

  derive(ctx): DesiredObject[] {
    const ids = new Map(ctx.live('instance').map((l) => [l.id, l.ids['instanceId']] as const));
    return crossAccountTargets(ctx.config).map((t) => ({
      id: addr.ramPolicy(t.account, t.policyName),
      kind: 'ram-policy',
      account: t.account,
      region: 'global',
      spec: { policyName: t.policyName, document: policyDocument(ctx.config, t, (alias) => ids.get(addr.instance(alias))) },
      requires: t.instances.map((alias) => addr.instance(alias)),
      reason: t.because.join('; '),
    }));
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
    const found = await Promise.all(
      crossAccountTargets(ctx.config).map(async (t): Promise<LiveObject | undefined> => {
        let r;
        try {
          r = await ctx.cloud.ram(t.account).getPolicy({ policyName: t.policyName, policyType: 'Custom' });
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
        const id = addr.ramPolicy(t.account, t.policyName);
        return {
          id,
          kind: 'ram-policy',
          account: t.account,
          region: 'global',
          spec: { policyName: t.policyName, document: normaliseDocument(parseDocument(r.defaultPolicyVersion?.policyDocument ?? '{}', id)) },
          ids: { policyName: t.policyName, ...(r.policy?.defaultVersion ? { defaultVersion: r.policy.defaultVersion } : {}) },
          container: addr.account(t.account),
          prunable: false,
          requires: [],
        };
      }),
    );
    return found.filter((p): p is LiveObject => p !== undefined);
  },

  diff(desired: DesiredObject, live: LiveObject): Diff {
    return {
      changes: compareSpec(desired.spec, live.spec, {
        notes: { document: 'a new default policy version (CreatePolicyVersion SetAsDefault=true); {{…instanceId}} is filled in at apply' },
      }),
    };
  },

  async apply(ctx: ExecContext, action: Action): Promise<Outcome> {
    switch (action.type) {
      case 'create':
        return createPolicy(ctx, action);
      case 'update':
        return newVersion(ctx, action);
      case 'delete':
        return deletePolicy(ctx, action);
      default:
        return unsupported('ram-policy', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const current = await defaultDocument(ctx, action);
    switch (action.type) {
      case 'create':
      case 'update':
        return current !== undefined && deepEqual(current, wantedDocument(ctx, action)) ? { state: 'done', ids: { policyName: policyName(action) } } : { state: 'absent' };
      case 'delete':
        return current === undefined ? { state: 'done' } : { state: 'absent' };
      default:
        return unsupported('ram-policy', action);
    }
  },
};
