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
import { accountAddress, address, segment } from '../plan/address.js';
import { json, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, Diff, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec, deepEqual } from '../plan/compare.js';
import { instanceAddress } from './instance.js';
import { crossAccountTargets, parseDocument, type CrossAccountTarget } from './ram-role.js';
import { isNotFound, vendorCode } from './support.js';
import { calls } from './permits.js';

const keyShape = struct({ account: str, policy: str });
const specShape = struct({ policyName: str, document: json });
const idsShape = struct({ policyName: str, defaultVersion: optional(str) });
export type PolicyKey = Decoded<typeof keyShape>;
export type PolicySpec = Decoded<typeof specShape>;
export type PolicyIds = Decoded<typeof idsShape>;

/** `account[a].ram-policy[name]`. */
export function ramPolicyAddress(account: string, policy: string): string {
  return address(accountAddress(account), segment('ram-policy', policy));
}

/** The actions cross-account replication needs in the target account (DOMAIN.md 003), sorted. */
export const SYNC_ACTIONS = ['cr:CreateRepositorySync', 'cr:CreateSyncRule'] as const;
/** RAM keeps at most this many versions of a policy. */
export const MAX_POLICY_VERSIONS = 5;

/** The placeholder for an instance id not known at plan time. */
export const idPlaceholder = (alias: string) => `{{${instanceAddress(alias)}.instanceId}}`;
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

type PolicySubject = Pick<Subject<PolicySpec, PolicyIds, PolicyKey>, 'id' | 'account' | 'key'>;

function wantedDocument(ctx: ExecContext, s: Subject<PolicySpec, PolicyIds, PolicyKey>): Json {
  return resolvePlaceholders((s.spec.document ?? {}) as Json, ctx.ids, s.id);
}

async function defaultDocument(ctx: ExecContext, s: PolicySubject): Promise<Json | undefined> {
  try {
    const r = await ctx.cloud.ram(s.account).getPolicy({ policyName: s.key.policy, policyType: 'Custom' });
    return normaliseDocument(parseDocument(r.defaultPolicyVersion?.policyDocument ?? '{}', s.id));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function versionNumber(v: string | undefined): number {
  return Number(/^v(\d+)$/.exec(v ?? '')?.[1] ?? Number.MAX_SAFE_INTEGER);
}

async function newVersion(ctx: ExecContext, s: Subject<PolicySpec, PolicyIds, PolicyKey>): Promise<Outcome> {
  const name = s.key.policy;
  const doc = wantedDocument(ctx, s);
  const current = await defaultDocument(ctx, s);
  if (current === undefined) throw new AcrctlError('apply.policy_gone', `policy ${name} disappeared while acrctl was updating it`, { address: s.id, hint: 'run acrctl plan again' });
  if (deepEqual(current, doc)) return { ids: { policyName: name } };
  const ram = ctx.cloud.ram(s.account);
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

async function createPolicy(ctx: ExecContext, s: Subject<PolicySpec, PolicyIds, PolicyKey>): Promise<Outcome> {
  const name = s.key.policy;
  const doc = wantedDocument(ctx, s);
  await ctx.intent('CreatePolicy', { policyName: name });
  try {
    await ctx.cloud.ram(s.account).createPolicy({
      policyName: name,
      policyDocument: JSON.stringify(doc),
      description: 'acrctl: what cross-account image replication needs in this account',
    });
    return { ids: { policyName: name, defaultVersion: 'v1' } };
  } catch (err) {
    if (!/^EntityAlreadyExists/.test(vendorCode(err) ?? '')) throw err;
    return newVersion(ctx, s);
  }
}

async function deletePolicy(ctx: ExecContext, r: Removal<PolicySpec, PolicyIds, PolicyKey>): Promise<Outcome> {
  const name = r.key.policy;
  await ctx.intent('DeletePolicy', { policyName: name });
  try {
    await ctx.cloud.ram(r.account).deletePolicy({ policyName: name, cascadingDelete: true });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

/** The policy's default version, up to date when it is the wanted document (placeholders filled in). */
async function observe(ctx: ExecContext, s: Subject<PolicySpec, PolicyIds, PolicyKey>): Promise<Observation<PolicyIds>> {
  const current = await defaultDocument(ctx, s);
  if (current === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: deepEqual(current, wantedDocument(ctx, s)), ready: true, ids: { policyName: s.key.policy } };
}

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  defs: {
    ramPolicy: {
      description: 'A custom RAM policy.',
      type: 'object',
      required: ['statements'],
      additionalProperties: false,
      properties: {
        name: {
          description: 'Policy name, 1-128 letters, digits and hyphens.',
          type: 'string',
          pattern: '^[A-Za-z0-9-]{1,128}$',
          default: 'AcrctlCrossAccountSync',
          patternErrorMessage: 'a policy name is 1-128 letters, digits and hyphens',
        },
        statements: {
          description: 'Policy statements.',
          type: 'array',
          minItems: 1,
          items: { $ref: '#/$defs/policyStatement' },
        },
      },
    },
    policyStatement: {
      description: 'One statement of a RAM policy.',
      type: 'object',
      required: ['actions', 'resources'],
      additionalProperties: false,
      properties: {
        effect: {
          description: 'Allow or Deny.',
          type: 'string',
          enum: ['Allow', 'Deny'],
          default: 'Allow',
        },
        actions: {
          description: 'RAM actions, e.g. `cr:CreateSyncRule`.',
          type: 'array',
          minItems: 1,
          items: {
            type: 'string',
            pattern: '^(\\*|[a-z0-9-]+:[A-Za-z0-9*]+)$',
            patternErrorMessage: 'an action looks like cr:CreateSyncRule',
          },
        },
        resources: {
          description: 'Resources: ARNs such as `acs:cr:cn-beijing:1234567890123456:instance/cri-example`, or `*`.',
          type: 'array',
          minItems: 1,
          items: {
            type: 'string',
            pattern: '^(\\*|acs:.+)$',
            patternErrorMessage: 'a resource is * or an ARN starting with acs:',
          },
        },
      },
    },
  },
  sections: [['ramPolicy', '#/$defs/ramPolicy'], ['policyStatement', '#/$defs/policyStatement']],
};

/**
 * The calls of the kind (issue 17), in the role's account: GetPolicy (read; its default version
 * is the document), CreatePolicy; an update adds a version as the default (ListPolicyVersions,
 * DeletePolicyVersion of the oldest when five exist, CreatePolicyVersion); only destroy deletes it.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return crossAccountTargets(config).flatMap((t) => {
    const on = { policy: t.policyName };
    return [
      ...calls(['read', 'observe', 'create', 'update'], t.account, on, ['ram:GetPolicy']),
      ...calls(['create'], t.account, on, ['ram:CreatePolicy']),
      ...calls(['update'], t.account, on, ['ram:ListPolicyVersions', 'ram:DeletePolicyVersion', 'ram:CreatePolicyVersion']),
      ...calls(['delete'], t.account, on, ['ram:DeletePolicy'], { only: ['destroy'] }),
    ];
  });
}

export const ramPolicyKind: Kind<PolicySpec, PolicyIds, PolicyKey> = {
  name: 'ram-policy',
  readAfter: [],
  reportsUnmanaged: true,
  address: (key) => ramPolicyAddress(key.account, key.policy),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired() {
    return [];
  },

  derive(ctx) {
    const ids = new Map(ctx.live('instance').map((l) => [l.id, l.ids['instanceId']] as const));
    return crossAccountTargets(ctx.config).map((t) => ({
      id: ramPolicyAddress(t.account, t.policyName),
      kind: 'ram-policy',
      account: t.account,
      region: 'global',
      key: { account: t.account, policy: t.policyName },
      spec: { policyName: t.policyName, document: policyDocument(ctx.config, t, (alias) => ids.get(instanceAddress(alias))) },
      requires: t.instances.map((alias) => instanceAddress(alias)),
      reason: t.because.join('; '),
    }));
  },

  async read(ctx: ReadContext) {
    const found = await Promise.all(
      crossAccountTargets(ctx.config).map(async (t): Promise<LiveObject<PolicySpec, PolicyIds, PolicyKey> | undefined> => {
        let r;
        try {
          r = await ctx.cloud.ram(t.account).getPolicy({ policyName: t.policyName, policyType: 'Custom' });
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
        const id = ramPolicyAddress(t.account, t.policyName);
        return {
          id,
          kind: 'ram-policy',
          account: t.account,
          region: 'global',
          key: { account: t.account, policy: t.policyName },
          spec: { policyName: t.policyName, document: normaliseDocument(parseDocument(r.defaultPolicyVersion?.policyDocument ?? '{}', id)) },
          ids: { policyName: t.policyName, ...(r.policy?.defaultVersion ? { defaultVersion: r.policy.defaultVersion } : {}) },
          container: accountAddress(t.account),
          prunable: false,
          requires: [],
        };
      }),
    );
    return found.filter((p) => p !== undefined);
  },

  diff(desired, live): Diff {
    return {
      changes: compareSpec(desired.spec, live.spec, {
        notes: { document: 'a new default policy version (CreatePolicyVersion SetAsDefault=true); {{…instanceId}} is filled in at apply' },
      }),
    };
  },

  observe,
  create: createPolicy,
  update: (ctx: ExecContext, c: Change<PolicySpec, PolicyIds, PolicyKey>) => newVersion(ctx, c),
  delete: deletePolicy,
};
