/**
 * Kind `sync-rule`: a replication (sync) rule of a source instance (`instance[src].replication[name]`),
 * matched to live rules by rule name within the source instance.
 *
 * Reads: cr ListRepoSyncRule per declared instance found RUNNING (paged, one call per page), keeping
 * only `SyncDirection: FROM` (the target instance lists the same rule as TO). The live target
 * instance id is mapped back to an alias through the `instance` kind's live objects; a target outside
 * the declared estate keeps its raw `cri-` id in `targetInstance`, so the diff shows it.
 * Acts: CreateRepoSyncRule / DeleteRepoSyncRule from the source side. The API has no update, so every
 * change is a replacement (delete, then create).
 */
import type { CrClient, CrSyncRule } from '../cloud/cr.js';
import { DEFAULTS, type ReferenceCheck, type RegistryDocument } from '../config/model.js';
import { findPath } from '../config/references.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, Diff, ExecContext, GateSubject, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Reconciled, Removal, Subject } from '../plan/kind.js';
import type { GateInfo } from '../plan/model.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { describeTarget, PARTNER_ROLE, partnerGate, partnerOutputs, partnerPolicy, partnerTrustPolicy } from './partner.js';
import { namespaceAddress } from './namespace.js';
import { ramAttachmentAddress } from './ram-attachment.js';
import { ramPolicyAddress } from './ram-policy.js';
import { ramRoleAddress } from './ram-role.js';
import { crossAccountNames, externalRules, replicationRules, type ExternalRuleRef, type RuleRef } from './replication.js';
import { repositoryAddress } from './repository.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';
import { instanceCalls, instanceScope } from './permits.js';

const keyShape = struct({ instance: str, rule: str });
/** Live rules may name a target outside the estate: then only the raw fields are known. */
const specShape = struct({
  targetInstance: str,
  targetInstanceName: optional(str),
  targetRegion: str,
  targetAccountUid: optional(str),
  level: str,
  namespace: str,
  repository: optional(str),
  tagFilter: str,
  trigger: str,
});
const idsShape = struct({ syncRuleId: str, sourceInstanceId: str });
export type SyncRuleKey = Decoded<typeof keyShape>;
export type SyncRuleSpec = Decoded<typeof specShape>;
export type SyncRuleIds = Decoded<typeof idsShape>;

/** `instance[src].replication[name]`. */
export function syncRuleAddress(instance: string, rule: string): string {
  return address(instanceAddress(instance), segment('replication', rule));
}

/** A sync-rule desired object also carries its rule, for the backfill kind's derive and extras. */
export interface SyncRuleDesired extends DesiredObject<SyncRuleSpec, SyncRuleKey> {
  readonly ruleRef: RuleRef;
}

/**
 * A rule into an instance acrctl does not operate: its first creation is a gate (partner.ts), and
 * nothing of the target is read or required.
 */
export interface ExternalSyncRuleDesired extends DesiredObject<SyncRuleSpec, SyncRuleKey> {
  readonly external: ExternalRuleRef;
  readonly partnerGate: GateInfo;
}

function externalOf(d: DesiredObject | undefined): ExternalSyncRuleDesired | undefined {
  return d !== undefined && 'external' in d ? (d as ExternalSyncRuleDesired) : undefined;
}

/** The compared fields of a rule into an external target: its raw id, region and account, defaults applied. */
export function externalRuleSpec(r: ExternalRuleRef, name: string | undefined = r.target.name): SyncRuleSpec {
  const level = r.rule.level ?? DEFAULTS.replication.level;
  return {
    targetInstance: r.target.instanceId,
    ...(name !== undefined ? { targetInstanceName: name } : {}),
    targetRegion: r.target.region,
    targetAccountUid: r.target.uid,
    level,
    namespace: r.rule.namespace,
    ...(level === 'repository' && r.rule.repository !== undefined ? { repository: r.rule.repository } : {}),
    tagFilter: r.rule.tagFilter ?? DEFAULTS.replication.tagFilter,
    trigger: r.rule.trigger ?? DEFAULTS.replication.trigger,
  };
}

/** The external targets a config names, by instance id (a live rule's target is only its id). */
function externalTargetsById(config: RegistryDocument): Map<string, ExternalRuleRef['target']> {
  const out = new Map<string, ExternalRuleRef['target']>();
  for (const r of externalRules(config)) {
    const known = out.get(r.target.instanceId);
    // Any rule may give the target's name: every rule into it shows it.
    if (known === undefined || (known.name === undefined && r.target.name !== undefined)) out.set(r.target.instanceId, r.target);
  }
  return out;
}

/** The target instance id of a spec: a declared alias's (learned or read), or an external target's raw id. */
function targetIdOf(ctx: ExecContext, spec: SyncRuleSpec): string {
  return knownInstanceId(ctx, spec.targetInstance) ?? (/^cri-[0-9a-z]+$/.test(spec.targetInstance) ? spec.targetInstance : instanceIdOf(ctx, spec.targetInstance));
}

/** The rules the desired sync-rule objects carry (derived objects of other kinds never do). */
export function rulesOf(desired: readonly DesiredObject[]): RuleRef[] {
  return desired.filter((d): d is SyncRuleDesired => d.kind === 'sync-rule' && 'ruleRef' in d).map((d) => d.ruleRef);
}

/** The compared fields of a rule, defaults applied. */
export function ruleSpec(r: RuleRef): SyncRuleSpec {
  const level = r.rule.level ?? DEFAULTS.replication.level;
  return {
    targetInstance: r.target,
    targetInstanceName: r.targetInstance.name,
    targetRegion: r.targetInstance.region,
    targetAccountUid: r.targetUid,
    level,
    namespace: r.rule.namespace,
    ...(level === 'repository' && r.rule.repository !== undefined ? { repository: r.rule.repository } : {}),
    tagFilter: r.rule.tagFilter ?? DEFAULTS.replication.tagFilter,
    trigger: r.rule.trigger ?? DEFAULTS.replication.trigger,
  };
}

/** What a rule needs first: both namespaces (and repositories), and the RAM attachment across accounts. */
function ruleRequires(config: RegistryDocument, r: RuleRef): string[] {
  const ns = r.rule.namespace;
  const repo = (r.rule.level ?? DEFAULTS.replication.level) === 'repository' ? r.rule.repository : undefined;
  const out = [instanceAddress(r.source), instanceAddress(r.target), namespaceAddress(r.source, ns), namespaceAddress(r.target, ns)];
  if (repo !== undefined) out.push(repositoryAddress(r.source, ns, repo), repositoryAddress(r.target, ns, repo));
  if (r.crossAccount) {
    // The service checks the role's trust (this source account) and the policy's resources (this
    // target instance) when the rule is created: wait for changes to either, not only for the
    // attachment, which has no action of its own when the role and policy are merely updated.
    const account = r.targetInstance.account;
    const names = crossAccountNames(config, account);
    out.push(ramRoleAddress(account, names.role), ramPolicyAddress(account, names.policy), ramAttachmentAddress(account, names.role, names.policy));
  }
  return out;
}

const SCOPE = { namespace: 'NAMESPACE', repository: 'REPO' } as const;
const TRIGGER = { automatic: 'PASSIVE', manual: 'INITIATIVE' } as const;

/** Live fields of a rule (FROM side), before the target id is mapped to an alias. */
function rawSpec(r: CrSyncRule): Omit<SyncRuleSpec, 'targetInstance' | 'targetInstanceName' | 'targetAccountUid'> {
  const level = r.SyncScope === 'REPO' ? 'repository' : r.SyncScope === 'NAMESPACE' ? 'namespace' : (r.SyncScope ?? '');
  const trigger = r.SyncTrigger === 'INITIATIVE' ? 'manual' : r.SyncTrigger === 'PASSIVE' ? 'automatic' : (r.SyncTrigger ?? '');
  return {
    targetRegion: r.TargetRegionId ?? '',
    level,
    namespace: r.LocalNamespaceName ?? '',
    ...(r.SyncScope === 'REPO' && r.LocalRepoName ? { repository: r.LocalRepoName } : {}),
    tagFilter: r.TagFilter ?? '',
    trigger,
  };
}

/** The rules of a source instance, FROM side only, every page. */
async function sourceRules(cr: CrClient, instanceId: string): Promise<CrSyncRule[]> {
  return (await cr.allRepoSyncRules({ InstanceId: instanceId })).items.filter((r) => r.SyncDirection === 'FROM' || r.SyncDirection === undefined);
}

/** True when a live rule is the rule a spec asks for (ids resolved at apply time). */
function sameRule(ctx: ExecContext, r: CrSyncRule, spec: SyncRuleSpec): boolean {
  const { targetInstance, targetInstanceName: _n, targetAccountUid: _u, ...want } = spec;
  return r.TargetInstanceId === targetIdOf(ctx, spec) && compareSpec(want, rawSpec(r)).length === 0;
}

async function createRule(ctx: ExecContext, s: Subject<SyncRuleSpec, SyncRuleIds, SyncRuleKey>): Promise<Outcome> {
  const spec = s.spec;
  const name = s.key.rule;
  const sourceId = instanceIdOf(ctx, s.key.instance);
  const targetId = targetIdOf(ctx, spec);
  const cr = ctx.cloud.cr(s.account, s.region);
  const level = spec.level as 'namespace' | 'repository';
  const trigger = spec.trigger as 'automatic' | 'manual';
  const ns = spec.namespace;
  const repo = spec.repository;
  const targetUid = String(spec.targetAccountUid);
  const crossAccount = targetUid !== ctx.cloud.account(s.account).uid;
  await ctx.intent('CreateRepoSyncRule', { name, sourceInstanceId: sourceId, targetInstanceId: targetId, level, namespace: ns, ...(repo ? { repository: repo } : {}) });
  try {
    const r = await cr.createRepoSyncRule({
      InstanceId: sourceId,
      SyncRuleName: name,
      SyncScope: SCOPE[level],
      SyncTrigger: TRIGGER[trigger],
      TagFilter: spec.tagFilter,
      NamespaceName: ns,
      TargetNamespaceName: ns,
      ...(repo !== undefined ? { RepoName: repo, TargetRepoName: repo } : {}),
      TargetInstanceId: targetId,
      TargetRegionId: spec.targetRegion,
      ...(crossAccount ? { TargetUserId: targetUid } : {}),
    });
    if (r.SyncRuleId === undefined) throw new AcrctlError('apply.no_id', `CreateRepoSyncRule for ${name} returned no SyncRuleId`, { address: s.id });
    return { ids: { syncRuleId: r.SyncRuleId, sourceInstanceId: sourceId } };
  } catch (err) {
    if (crossAccount && vendorCode(err) === 'NoPrivilege' && knownInstanceId(ctx, spec.targetInstance) === undefined) throw notAuthorised(s, ctx.cloud.account(s.account).uid, targetId, err);
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    // Already there (an earlier run, or created by hand): accept it when it is the same rule.
    const found = (await sourceRules(cr, sourceId)).find((r) => r.SyncRuleName === name);
    if (found?.SyncRuleId === undefined) throw err;
    if (!sameRule(ctx, found, spec)) existsDifferent(s.id, [{ path: 'rule', impact: 'replace' }]);
    return { ids: { syncRuleId: found.SyncRuleId, sourceInstanceId: sourceId } };
  }
}

/**
 * The refusal of a rule into an external target whose owner has not (fully) created the role: said as
 * that, with what the owner must create for this rule, not as the raw API error.
 */
function notAuthorised(s: Subject<SyncRuleSpec, SyncRuleIds, SyncRuleKey>, sourceUid: string, targetId: string, cause: unknown): AcrctlError {
  const uid = String(s.spec.targetAccountUid);
  const instances = [{ uid, region: s.spec.targetRegion as ExternalRuleRef['target']['region'], instanceId: targetId }];
  return new AcrctlError('apply.partner_not_authorised', `account ${uid} has not authorised account ${sourceUid} to replicate into ${targetId}: the target's owner has not created the role ${PARTNER_ROLE} (or its trust or policy is missing)`, {
    address: s.id,
    cause,
    detail: [
      `the service answered: ${cause instanceof Error ? cause.message : String(cause)}`,
      `In account ${uid}, its owner creates the RAM role ${PARTNER_ROLE}`,
      `with at least this trust policy: ${JSON.stringify(partnerTrustPolicy({ trustedUids: [sourceUid] }))}`,
      `and a policy attached to it: ${JSON.stringify(partnerPolicy({ uid, instances }))}`,
    ].join('\n'),
    hint: 'the plan outputs list everything the target\'s owner must create; once done, run acrctl apply --resume',
  });
}

/**
 * A rule into an external target the first time: the gate opens when creating the rule succeeds
 * (the service checks the target's role then; acrctl cannot read that account). A refusal for the
 * missing role keeps the gate closed and says so.
 */
async function checkPartner(ctx: ExecContext, g: GateSubject<SyncRuleSpec, SyncRuleKey>): Promise<Reconciled> {
  const subject: Subject<SyncRuleSpec, SyncRuleIds, SyncRuleKey> = { id: g.id, account: g.account, region: g.region, key: g.key, spec: g.spec, ...(g.instance !== undefined ? { instance: g.instance } : {}) };
  const seen = await observe(ctx, subject);
  if (seen.state === 'present') return { state: 'done', ...(seen.ids !== undefined ? { ids: seen.ids } : {}) };
  try {
    const out = await createRule(ctx, subject);
    return { state: 'done', ...(out.ids !== undefined ? { ids: out.ids } : {}) };
  } catch (err) {
    if (!(err instanceof AcrctlError) || err.code !== 'apply.partner_not_authorised') throw err;
    ctx.progress(`${err.message}; the gate stays closed`, { code: err.code, detail: err.detail });
    return { state: 'absent' };
  }
}

async function deleteRule(ctx: ExecContext, r: Removal<SyncRuleSpec, SyncRuleIds, SyncRuleKey>): Promise<Outcome> {
  const { sourceInstanceId: sourceId, syncRuleId } = r.ids;
  await ctx.intent('DeleteRepoSyncRule', { name: r.key.rule, sourceInstanceId: sourceId, syncRuleId });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteRepoSyncRule({ InstanceId: sourceId, SyncRuleId: syncRuleId });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

/**
 * The live rule: by its id when the subject has one (the rule the plan read), else by its name.
 * Rules are created synchronously: there or not, never pending.
 */
async function observe(ctx: ExecContext, s: Subject<SyncRuleSpec, SyncRuleIds, SyncRuleKey>): Promise<Observation<SyncRuleIds>> {
  const sourceId = instanceIdOf(ctx, s.key.instance);
  const rules = await sourceRules(ctx.cloud.cr(s.account, s.region), sourceId);
  if (s.ids !== undefined) {
    const id = s.ids.syncRuleId;
    return rules.some((r) => r.SyncRuleId === id) ? { state: 'present', upToDate: false, ready: true, ids: s.ids } : { state: 'absent' };
  }
  const found = rules.find((r) => r.SyncRuleName === s.key.rule && sameRule(ctx, r, s.spec));
  return found?.SyncRuleId !== undefined ? { state: 'present', upToDate: true, ready: true, ids: { syncRuleId: found.SyncRuleId, sourceInstanceId: sourceId } } : { state: 'absent' };
}

/** A live rule as registry.yaml writes it, defaults left out. */
function adoptedRule(l: LiveObject<SyncRuleSpec, SyncRuleIds, SyncRuleKey>, to: unknown): Record<string, unknown> {
  const { level, trigger } = l.spec;
  const repository = l.spec.repository ?? '';
  return {
    name: l.key.rule,
    to,
    ...(level !== DEFAULTS.replication.level ? { level } : {}),
    namespace: l.spec.namespace,
    ...(level === 'repository' && repository !== '' ? { repository } : {}),
    ...(l.spec.tagFilter !== DEFAULTS.replication.tagFilter ? { tagFilter: l.spec.tagFilter } : {}),
    ...(trigger !== DEFAULTS.replication.trigger ? { trigger } : {}),
  };
}

/**
 * Rule names are unique per source instance; a rule copies a declared namespace to another declared
 * instance; replication never loops (over (instance, namespace) nodes, reported at the rule that
 * closes the loop).
 */
const REFERENCES: ReferenceCheck = ({ doc, entries, instances, items, str, quote, report, needNamespace, needInstance }) => {
  const accounts = entries(doc['accounts']);
  const edges: { from: string; to: string; path: (string | number)[] }[] = [];
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    for (const [i, rule] of items(inst['replication'])) {
      const path = ['instances', alias, 'replication', i];
      const name = str(rule['name']);
      const label = name === undefined ? `replication rule ${i}` : `replication rule ${quote(String(name))}`;
      if (name !== undefined) {
        const first = seen.get(name);
        if (first !== undefined) report('ref/duplicate-key', `replication rule name ${quote(String(name))} is used twice in instance ${quote(String(alias))} (first at replication[${first}])`, [...path, 'name'], 'a rule name is its natural key within the source instance');
        else seen.set(name, i);
      }
      needNamespace(alias, rule['namespace'], [...path, 'namespace'], label);
      const external = rule['to'];
      if (typeof external === 'object' && external !== null) {
        // An instance acrctl does not operate: not a declared account's, and nothing read from it.
        const uid = str((external as Record<string, unknown>)['uid']);
        const declared = accounts.find(([, a]) => str(a['uid']) === uid);
        if (uid !== undefined && declared !== undefined) {
          report('ref/external-target-declared', `${label} names account ${uid} by UID, but it is account ${quote(String(declared[0]))} of this file`, [...path, 'to', 'uid'], 'acrctl operates declared accounts: name the target instance by its alias (declare it under instances)');
        }
        if (rule['backfill'] !== undefined) {
          report('ref/external-target-backfill', `${label} backfills into an instance acrctl does not operate: backfill needs to read the target's tags`, [...path, 'backfill'], 'remove backfill; copy older images with a manual sync task, or ask the target\'s owner to import them');
        }
        continue;
      }
      const to = needInstance(rule['to'], [...path, 'to'], label);
      if (to === undefined) continue;
      if (to === alias) {
        report('ref/replication-to-self', `${label} replicates instance ${quote(String(alias))} to itself`, [...path, 'to'], 'set `to` to another instance');
        continue;
      }
      const ns = str(rule['namespace']);
      if (ns !== undefined) edges.push({ from: `${alias}/${ns}`, to: `${to}/${ns}`, path: [...path, 'to'] });
    }
  }
  const adjacency = new Map<string, string[]>();
  for (const edge of edges) {
    const loop = findPath(adjacency, edge.to, edge.from);
    if (loop) {
      const cycle = [edge.from, ...loop].join(' → ');
      report('ref/replication-cycle', `replication loop: ${cycle}`, edge.path, 'images would be copied round the loop; remove one of the rules or narrow their tagFilters to disjoint sets and split them across namespaces');
    }
    const list = adjacency.get(edge.from) ?? [];
    list.push(edge.to);
    adjacency.set(edge.from, list);
  }
};

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      replication: {
        description: 'Replication (sync) rules whose source is this instance.',
        type: 'array',
        items: { $ref: '#/$defs/replicationRule' },
      },
    },
  },
  defs: {
    externalTarget: {
      description: 'A replication target in an account acrctl does not operate (a partner\'s or another department\'s: its owner hands over the account UID, the region and the instance id). Its owner creates the role `aliyuncontainerregistrycrossaccoutsyncrole` with the trust policy and policy acrctl prints, and the namespace (auto-create on) or repository the rule needs.',
      type: 'object',
      required: ['uid', 'region', 'instanceId'],
      additionalProperties: false,
      properties: {
        uid: {
          description: 'UID of the account that owns the target instance: 16 digits, quoted. Not a declared account (name a declared account\'s instance by its alias).',
          type: 'string',
          pattern: '^([0-9]{16}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'an account UID is exactly 16 digits, quoted',
        },
        region: { description: 'Region of the target instance.', $ref: '#/$defs/region' },
        instanceId: {
          description: 'Id of the target instance, `cri-…`.',
          type: 'string',
          pattern: '^cri-[0-9a-z]+$',
          patternErrorMessage: 'an instance id is cri- and lowercase letters or digits',
        },
        name: {
          description: 'The target instance\'s name, for plans and outputs only (acrctl cannot read it).',
          type: 'string',
          pattern: '^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$',
          patternErrorMessage: 'an instance name is 3-30 lowercase letters, digits and hyphens, not starting or ending with a hyphen',
        },
      },
    },
    replicationRule: {
      description: 'A replication (sync) rule from this instance to another one, in the same or another account or region. Copies images pushed after the rule exists; `backfill` also copies older ones.',
      type: 'object',
      required: ['name', 'to', 'namespace'],
      additionalProperties: false,
      properties: {
        name: {
          description: 'Rule name, unique within the source instance (the natural key): 1-64 letters, digits, `_ . -`.',
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
          patternErrorMessage: 'a rule name is 1-64 letters, digits, \'_\', \'.\' or \'-\', starting with a letter or digit',
        },
        to: {
          description: 'The target instance: the alias of a declared instance (under `instances`), or an instance acrctl does not operate, in another account (`{uid, region, instanceId, name?}`: a partner\'s). For the latter acrctl reads and creates nothing in that account: it prints what the target\'s owner must create (role, trust policy, policy, namespaces) and plans the rule as a gate the first time.',
          oneOf: [
            { type: 'string', description: 'Alias of the target instance (under `instances`).' },
            { $ref: '#/$defs/externalTarget' },
          ],
        },
        level: {
          description: '`namespace`: every repository of the namespace (the target namespace needs autoCreateRepo). `repository`: one repository, which must exist on both sides.',
          type: 'string',
          enum: ['namespace', 'repository'],
          default: 'namespace',
        },
        namespace: {
          description: 'Namespace in the source instance (declared under its `namespaces`); the target namespace has the same name.',
          type: 'string',
        },
        repository: {
          description: 'Repository name. Required with `level: repository`, not allowed otherwise.',
          $ref: '#/$defs/repositoryName',
        },
        tagFilter: {
          description: 'Only tags matching this regular expression (RE2 syntax) are replicated.',
          $ref: '#/$defs/tagFilter',
          default: '.*',
        },
        trigger: {
          description: '`automatic`: on every push (API value PASSIVE). `manual`: only when started by hand (INITIATIVE).',
          type: 'string',
          enum: ['automatic', 'manual'],
          default: 'automatic',
        },
      },
      if: { required: ['level'], properties: { level: { const: 'repository' } } },
      then: { required: ['repository'] },
      // A `false` property with the message beside it: what editors show on the key (see importRule).
      else: { allOf: [{ properties: { repository: false }, errorMessage: 'repository is only used with level: repository' }] },
    },
  },
  sections: [['replicationRule', '#/$defs/replicationRule'], ['externalTarget', '#/$defs/externalTarget']],
};

/**
 * The calls of the kind (issue 17): ListRepoSyncRule on every declared instance (rules are read
 * where they start); CreateRepoSyncRule on the source instance (the vendor's cross-account role
 * needs the same action, `cr:CreateSyncRule`), then the rules are read back; a rule that changes
 * is replaced (DeleteRepoSyncRule, then a create), and an undeclared rule goes when its instance prunes.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  const out: CallNeed[] = [];
  const sources = new Set(replicationRules(config).map((r) => r.source));
  // A rule into a partner's instance is a gate the first time: its check creates the rule and
  // reads it back (it opens once the partner has created the role).
  const external = new Set(externalRules(config).map((r) => r.source));
  for (const [alias, inst] of Object.entries(config.instances ?? {})) {
    const s = instanceScope(config, alias)!;
    out.push(...instanceCalls(s, ['read', 'observe', 'create', ...(external.has(alias) ? (['check'] as const) : [])], ['cr:ListRepoSyncRule']));
    if (sources.has(alias) || external.has(alias)) out.push(...instanceCalls(s, ['create', ...(external.has(alias) ? (['check'] as const) : [])], ['cr:CreateRepoSyncRule']));
    if (sources.has(alias) || external.has(alias) || prunes(inst)) out.push(...instanceCalls(s, ['delete'], ['cr:DeleteRepoSyncRule'], {}, ['apply']));
  }
  return out;
}

export const syncRuleKind: Kind<SyncRuleSpec, SyncRuleIds, SyncRuleKey> = {
  name: 'sync-rule',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => syncRuleAddress(key.instance, key.rule),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    // Rules into an instance acrctl does not operate: nothing of the target is required or read.
    const targets = externalTargetsById(config);
    const external = externalRules(config).map((r): ExternalSyncRuleDesired => {
      const ns = r.rule.namespace;
      const repo = (r.rule.level ?? DEFAULTS.replication.level) === 'repository' ? r.rule.repository : undefined;
      return {
        id: syncRuleAddress(r.source, r.rule.name),
        kind: 'sync-rule',
        account: r.sourceInstance.account,
        region: r.sourceInstance.region,
        instance: r.source,
        key: { instance: r.source, rule: r.rule.name },
        spec: externalRuleSpec(r, targets.get(r.target.instanceId)?.name),
        requires: [instanceAddress(r.source), namespaceAddress(r.source, ns), ...(repo !== undefined ? [repositoryAddress(r.source, ns, repo)] : [])],
        reason: `replicates into ${describeTarget(r.target)}, an instance acrctl does not operate`,
        external: r,
        partnerGate: partnerGate(config, r),
      };
    });
    return [...external, ...replicationRules(config).map((r): SyncRuleDesired => ({
      id: syncRuleAddress(r.source, r.rule.name),
      kind: 'sync-rule',
      account: r.sourceInstance.account,
      region: r.sourceInstance.region,
      instance: r.source,
      key: { instance: r.source, rule: r.rule.name },
      spec: ruleSpec(r),
      requires: ruleRequires(config, r),
      ruleRef: r,
    }))];
  },

  async read(ctx: ReadContext) {
    const instances = ctx.live('instance');
    const byId = new Map(instances.filter((l) => l.ids['instanceId'] !== undefined).map((l) => [l.ids['instanceId']!, l] as const));
    const externals = externalTargetsById(ctx.config);
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const rules = await sourceRules(ctx.cloud.cr(m.account, m.region), m.instanceId);
        return rules.map((r): LiveObject<SyncRuleSpec, SyncRuleIds, SyncRuleKey> => {
          const target = r.TargetInstanceId === undefined ? undefined : byId.get(r.TargetInstanceId);
          const targetAlias = target?.instance !== undefined && target.id === instanceAddress(target.instance) ? target.instance : undefined;
          const sameAccount = r.CrossUser === false;
          // The API does not return the target's account: an external target the config names gives it.
          const external = target === undefined && r.CrossUser === true && r.TargetInstanceId !== undefined ? externals.get(r.TargetInstanceId) : undefined;
          const targetUid = target ? ctx.config.accounts[target.account]?.uid : sameAccount ? ctx.config.accounts[m.account]?.uid : external?.uid;
          const raw = rawSpec(r);
          const targetName = target?.spec['name'] ?? external?.name;
          const spec: SyncRuleSpec = {
            targetInstance: targetAlias ?? r.TargetInstanceId ?? '',
            ...(typeof targetName === 'string' ? { targetInstanceName: targetName } : {}),
            ...raw,
            ...(targetUid !== undefined ? { targetAccountUid: targetUid } : {}),
          };
          const name = r.SyncRuleName ?? r.SyncRuleId ?? '';
          const ns = raw.namespace;
          const repo = raw.repository;
          const requires = [namespaceAddress(m.alias, ns), ...(repo ? [repositoryAddress(m.alias, ns, repo)] : [])];
          if (targetAlias !== undefined) requires.push(namespaceAddress(targetAlias, ns), ...(repo ? [repositoryAddress(targetAlias, ns, repo)] : []));
          if (target && targetUid !== ctx.config.accounts[m.account]?.uid) {
            const names = crossAccountNames(ctx.config, target.account);
            requires.push(ramAttachmentAddress(target.account, names.role, names.policy));
          }
          return {
            id: syncRuleAddress(m.alias, name),
            kind: 'sync-rule',
            account: m.account,
            region: m.region,
            instance: m.alias,
            key: { instance: m.alias, rule: name },
            spec,
            ids: { syncRuleId: r.SyncRuleId ?? '', sourceInstanceId: m.instanceId },
            container: m.address,
            prunable: prunes(m.config),
            requires,
          };
        });
      }),
    );
    return per.flat();
  },

  diff(desired, live): Diff {
    const fields = Object.keys({ ...desired.spec, ...live.spec });
    return {
      changes: compareSpec(desired.spec, live.spec, {
        replace: fields,
        notes: Object.fromEntries(fields.map((f) => [f, 'the API has no update for sync rules: delete and create again'])),
      }),
    };
  },

  /**
   * A rule of an adopted source, defaults left out; one whose target is not adopted (the rule could
   * not name it) or whose level or trigger has no form in the language is a note instead.
   */
  /** A rule into an external target is a gate the first time: its owner has to create the role. */
  classify(desired, live) {
    return externalOf(desired) !== undefined && live === undefined ? 'gate' : undefined;
  },

  gate(desired) {
    const e = externalOf(desired);
    if (e === undefined) throw new AcrctlError('internal.no_gate', `${desired.id} is not a gate`, { address: desired.id });
    return e.partnerGate;
  },

  check: checkPartner,

  /** What the owners of accounts acrctl does not operate must create, one output per account. */
  extras(ctx) {
    return { outputs: partnerOutputs(ctx.config) };
  },

  toConfig(l, ctx) {
    const source = l.key.instance;
    if (ctx.instance(source) === undefined) return {};
    const { targetInstance: target, level, trigger } = l.spec;
    const uid = l.spec.targetAccountUid;
    if (ctx.instance(target) === undefined && /^cri-/.test(target) && uid !== undefined && uid !== '' && ctx.declaresUid?.(uid) === false && (level === 'namespace' || level === 'repository')) {
      // An instance of an account this adoption does not declare, whose UID the base file gives
      // (ListRepoSyncRule does not return it): written as an external target.
      const to = { uid, region: l.spec.targetRegion, instanceId: target, ...(l.spec.targetInstanceName !== undefined ? { name: l.spec.targetInstanceName } : {}) };
      return { pieces: [{ item: ['instances', source, 'replication'], value: adoptedRule(l, to), order: l.key.rule }] };
    }
    if (ctx.instance(target) === undefined) {
      const uid = l.spec.targetAccountUid ?? '';
      return {
        notes: [
          {
            address: l.id,
            message:
              `not adopted: its target instance ${target} (region ${l.spec.targetRegion}${uid !== '' ? `, account ${uid}` : ''}) is not part of this adoption` +
              `; adopt the target's account and region too (--account, --region) so the rule can name it`,
          },
        ],
      };
    }
    if ((level !== 'namespace' && level !== 'repository') || (trigger !== 'automatic' && trigger !== 'manual')) {
      return { notes: [{ address: l.id, message: `not adopted: level ${JSON.stringify(level)} / trigger ${JSON.stringify(trigger)} has no form in the language` }] };
    }
    return { pieces: [{ item: ['instances', source, 'replication'], value: adoptedRule(l, target), order: l.key.rule }] };
  },

  observe,
  create: createRule,
  delete: deleteRule,
};
