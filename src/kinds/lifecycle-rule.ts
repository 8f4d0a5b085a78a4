/**
 * Kind `lifecycle-rule`: an artifact lifecycle (retention) rule of an instance
 * (`instance[i].lifecycle-rule[*]`, `…[team-a]`, `…[team-a/api]`), matched to live rules by what it
 * covers: the whole instance (`*`), one namespace, or one repository. The API gives rules no name,
 * so the scope target is the natural key: one rule per target (a second live rule on the same target
 * is unmanaged under `#<ruleId>`).
 *
 * Reads: cr ListArtifactLifecycleRule (HTTP GET, paged) per matched RUNNING instance; it returns
 * every field, so no GetArtifactLifecycleRule. Rules not declared are unmanaged under the instance,
 * pruned when it has `prune: true`.
 * Acts: CreateArtifactLifecycleRule / UpdateArtifactLifecycleRule (every field in place) /
 * DeleteArtifactLifecycleRule. A scope change is another natural key: a create (and, with prune, a
 * delete of the old rule).
 *
 * Also the evidence kind `lifecycle-preview`: for every declared rule that is new or whose retention
 * changes, the live tags of the repositories it covers (ListRepository once per instance, ListRepoTag
 * per repository in scope, both paged) and how many of them the rule would delete at its next run.
 * The rule kind's `extras` turns those into plan findings ("would delete 240 tags in 12
 * repositories"). Retention order (docs/kinds.md): tags whose whole name matches `keepTags` are
 * kept; of the others, the `retainLatest` most recently pushed are kept; the rest are deleted.
 */
import type { CrClient, CrImage, CrLifecycleRuleFields, CrRepository } from '../cloud/cr.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import type { LifecycleRule } from '../config/model.generated.js';
import { checkRe2 } from '../config/lints/re2.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { bool, num, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { PlanFinding } from '../plan/model.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances, type MatchedInstance } from './instance.js';
import { instanceCalls, instanceChildCalls, instanceScopes } from './permits.js';
import { namespaceAddress } from './namespace.js';
import { repositoryAddress } from './repository.js';
import { existsDifferent, isNotFound, mapLimit, vendorCode } from './support.js';

/** Defaults of the language (and of the API where it has one: the emulator's guesses, SPEC.md). */
export const LIFECYCLE_DEFAULTS = { keepTags: '', schedule: 'WEEK', auto: false, enabled: true } as const;
const SCOPE_API = { instance: 'INSTANCE', namespace: 'NAMESPACE', repository: 'REPO' } as const;
const SCHEDULES = ['DAY', 'WEEK', 'MONTH'] as const;
/** ListRepoTag calls in flight at once while previewing a rule. */
const TAG_READS_IN_FLIGHT = 8;

const keyShape = struct({ instance: str, rule: str });
const specShape = struct({
  scope: str,
  namespace: optional(str),
  repository: optional(str),
  retainLatest: num,
  keepTags: str,
  schedule: str,
  auto: bool,
  enabled: bool,
});
const idsShape = struct({ instanceId: str, ruleId: str });
export type LifecycleRuleKey = Decoded<typeof keyShape>;
export type LifecycleRuleSpec = Decoded<typeof specShape>;
export type LifecycleRuleIds = Decoded<typeof idsShape>;

/** The natural key of a rule: `*` (instance), `ns` (namespace) or `ns/repo` (repository). */
export function ruleTarget(scope: string, namespace?: string, repository?: string): string {
  return scope === 'instance' ? '*' : scope === 'namespace' ? (namespace ?? '') : `${namespace ?? ''}/${repository ?? ''}`;
}

/** `instance[i].lifecycle-rule[target]`. */
export function lifecycleRuleAddress(instance: string, rule: string): string {
  return address(instanceAddress(instance), segment('lifecycle-rule', rule));
}

function desiredSpec(r: LifecycleRule): LifecycleRuleSpec {
  return {
    scope: r.scope,
    ...(r.scope !== 'instance' ? { namespace: r.namespace } : {}),
    ...(r.scope === 'repository' ? { repository: r.repository } : {}),
    retainLatest: r.retainLatest,
    keepTags: r.keepTags ?? LIFECYCLE_DEFAULTS.keepTags,
    schedule: r.schedule ?? LIFECYCLE_DEFAULTS.schedule,
    auto: r.auto ?? LIFECYCLE_DEFAULTS.auto,
    enabled: r.enabled ?? LIFECYCLE_DEFAULTS.enabled,
  };
}

/** The live fields of a rule in the language's terms (an unknown scope keeps its API value). */
function liveSpec(r: CrLifecycleRuleFields): LifecycleRuleSpec {
  const scope = r.Scope === 'INSTANCE' ? 'instance' : r.Scope === 'NAMESPACE' ? 'namespace' : r.Scope === 'REPO' ? 'repository' : (r.Scope ?? '');
  return {
    scope,
    ...(scope === 'namespace' || scope === 'repository' ? { namespace: r.NamespaceName ?? '' } : {}),
    ...(scope === 'repository' ? { repository: r.RepoName ?? '' } : {}),
    retainLatest: r.RetentionTagCount ?? 0,
    keepTags: r.TagRegexp ?? '',
    schedule: r.ScheduleTime ?? '',
    auto: r.Auto ?? false,
    enabled: r.EnableDeleteTag ?? false,
  };
}

function requiresOf(alias: string, spec: Pick<LifecycleRuleSpec, 'namespace' | 'repository'>): string[] {
  const out = [instanceAddress(alias)];
  if (spec.namespace !== undefined) out.push(namespaceAddress(alias, spec.namespace));
  if (spec.namespace !== undefined && spec.repository !== undefined) out.push(repositoryAddress(alias, spec.namespace, spec.repository));
  return out;
}

async function liveRules(cr: CrClient, instanceId: string): Promise<CrLifecycleRuleFields[]> {
  return (await cr.allArtifactLifecycleRules({ InstanceId: instanceId })).items;
}

function targetOf(spec: LifecycleRuleSpec): string {
  return ruleTarget(spec.scope, spec.namespace, spec.repository);
}

/** The API fields of a spec (Create and Update send all of them). */
function apiFields(instanceId: string, spec: LifecycleRuleSpec) {
  return {
    InstanceId: instanceId,
    Scope: SCOPE_API[spec.scope as keyof typeof SCOPE_API],
    ...(spec.namespace !== undefined ? { NamespaceName: spec.namespace } : {}),
    ...(spec.repository !== undefined ? { RepoName: spec.repository } : {}),
    RetentionTagCount: spec.retainLatest,
    TagRegexp: spec.keepTags,
    ScheduleTime: spec.schedule,
    Auto: spec.auto,
    EnableDeleteTag: spec.enabled,
  };
}

async function create(ctx: ExecContext, s: Subject<LifecycleRuleSpec, LifecycleRuleIds, LifecycleRuleKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateArtifactLifecycleRule', { instanceId, rule: s.key.rule });
  try {
    const r = await cr.createArtifactLifecycleRule(apiFields(instanceId, s.spec));
    if (r.RuleId === undefined) throw new AcrctlError('apply.no_id', `CreateArtifactLifecycleRule for ${s.id} returned no RuleId`, { address: s.id });
    return { ids: { instanceId, ruleId: r.RuleId } };
  } catch (err) {
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    // A rule on this target exists (an earlier run, or made by hand): accept it when it is the same.
    const found = (await liveRules(cr, instanceId)).find((r) => targetOf(liveSpec(r)) === s.key.rule);
    if (found?.RuleId === undefined) throw err;
    const changes = compareSpec(s.spec, liveSpec(found));
    if (changes.length > 0) existsDifferent(s.id, changes);
    return { ids: { instanceId, ruleId: found.RuleId } };
  }
}

async function update(ctx: ExecContext, c: Change<LifecycleRuleSpec, LifecycleRuleIds, LifecycleRuleKey>): Promise<Outcome> {
  const { instanceId, ruleId } = c.ids;
  await ctx.intent('UpdateArtifactLifecycleRule', { instanceId, ruleId, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateArtifactLifecycleRule({ ...apiFields(instanceId, c.spec), RuleId: ruleId });
  return { ids: c.ids };
}

async function remove(ctx: ExecContext, r: Removal<LifecycleRuleSpec, LifecycleRuleIds, LifecycleRuleKey>): Promise<Outcome> {
  const { instanceId, ruleId } = r.ids;
  await ctx.intent('DeleteArtifactLifecycleRule', { instanceId, ruleId });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteArtifactLifecycleRule({ InstanceId: instanceId, RuleId: ruleId });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

/** The live rule: by its id when the subject has one, else by its target. Rules are synchronous. */
async function observe(ctx: ExecContext, s: Subject<LifecycleRuleSpec, LifecycleRuleIds, LifecycleRuleKey>): Promise<Observation<LifecycleRuleIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const rules = await liveRules(ctx.cloud.cr(s.account, s.region), instanceId);
  const found = s.ids !== undefined ? rules.find((r) => r.RuleId === s.ids!.ruleId) : rules.find((r) => targetOf(liveSpec(r)) === s.key.rule);
  if (found?.RuleId === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: compareSpec(s.spec, liveSpec(found)).length === 0, ready: true, ids: { instanceId, ruleId: found.RuleId } };
}

/** One rule per target in an instance; a namespace (and its repository) the rule names is declared there. */
const REFERENCES: ReferenceCheck = ({ instances, items, entries, str, quote, report, needNamespace }) => {
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    const namespaces = new Map(entries(inst['namespaces']));
    for (const [i, rule] of items(inst['lifecycleRules'])) {
      const path = ['instances', alias, 'lifecycleRules', i];
      const scope = str(rule['scope']);
      const ns = str(rule['namespace']);
      const repo = str(rule['repository']);
      const label = `lifecycle rule ${i}`;
      if (scope === 'namespace' || scope === 'repository') needNamespace(alias, rule['namespace'], [...path, 'namespace'], label);
      if (scope === 'repository' && ns !== undefined && repo !== undefined && namespaces.has(ns)) {
        const declared = new Map(entries(namespaces.get(ns)!['repositories']));
        if (!declared.has(repo)) {
          report('ref/unknown-repository', `${label} names repository ${quote(`${ns}/${repo}`)}, which instance ${quote(alias)} does not declare`, [...path, 'repository'], `declare it under namespaces.${ns}.repositories, or use scope: namespace`);
        }
      }
      if (scope === undefined) continue;
      const target = ruleTarget(scope, ns, repo);
      const first = seen.get(target);
      if (first !== undefined) report('ref/duplicate-key', `two lifecycle rules cover ${target === '*' ? 'the whole instance' : quote(target)} in instance ${quote(alias)} (first at lifecycleRules[${first}])`, path, 'a rule is keyed by what it covers: merge them');
      else seen.set(target, i);
    }
  }
};

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      lifecycleRules: {
        description:
          'Artifact lifecycle (retention) rules: which image tags the service deletes on a schedule. One rule per target (natural key: the instance, a namespace, or a repository). Plans show how many live tags a new or changed rule would delete at its next run.',
        type: 'array',
        items: { $ref: '#/$defs/lifecycleRule' },
        examples: [[{ scope: 'namespace', namespace: 'team-a', retainLatest: 30, keepTags: 'release-.*', schedule: 'WEEK', auto: true }]],
      },
    },
  },
  defs: {
    lifecycleRule: {
      description:
        'An artifact lifecycle rule (API CreateArtifactLifecycleRule; Terraform alicloud_cr_artifact_lifecycle_rule, ROS ALIYUN::CR::ArtifactLifecycleRule). In each repository it covers, tags matching `keepTags` are kept, then the `retainLatest` most recently pushed of the others; the rest are deleted when the rule runs.',
      type: 'object',
      required: ['scope', 'retainLatest'],
      additionalProperties: false,
      properties: {
        scope: {
          description: '`instance`: every repository of the instance; `namespace`: every repository of `namespace`; `repository`: `namespace`/`repository` only (API INSTANCE | NAMESPACE | REPO).',
          type: 'string',
          enum: ['instance', 'namespace', 'repository'],
        },
        namespace: {
          description: 'Namespace of the instance (declared under its `namespaces`). Required with scope namespace and repository.',
          $ref: '#/$defs/namespaceName',
        },
        repository: {
          description: 'Repository of that namespace (declared there). Required with scope repository.',
          $ref: '#/$defs/repositoryName',
        },
        retainLatest: {
          description: 'How many of the most recently pushed tags (not matching `keepTags`) each repository keeps (API RetentionTagCount).',
          type: 'integer',
          minimum: 1,
          examples: [30],
        },
        keepTags: {
          description: 'Tags whose WHOLE name matches this RE2 expression are always kept (API TagRegexp). Empty or absent: none is kept for its name.',
          type: 'string',
          maxLength: 1024,
          default: '',
          examples: ['release-.*|v[0-9]+\\.[0-9]+\\.[0-9]+'],
        },
        schedule: {
          description: 'How often the rule runs when `auto` is true (API ScheduleTime).',
          type: 'string',
          enum: [...SCHEDULES],
          default: LIFECYCLE_DEFAULTS.schedule,
        },
        auto: {
          description: 'Run on the schedule (true), or only when started by hand (false).',
          type: 'boolean',
          default: LIFECYCLE_DEFAULTS.auto,
        },
        enabled: {
          description: 'Delete tags when the rule runs (API EnableDeleteTag). false keeps the rule but deletes nothing.',
          type: 'boolean',
          default: LIFECYCLE_DEFAULTS.enabled,
        },
      },
      allOf: [
        {
          if: { required: ['scope'], properties: { scope: { const: 'instance' } } },
          then: {
            properties: {
              namespace: { not: {}, errorMessage: 'namespace is only used with scope: namespace or repository' },
              repository: { not: {}, errorMessage: 'repository is only used with scope: repository' },
            },
          },
        },
        {
          if: { required: ['scope'], properties: { scope: { const: 'namespace' } } },
          then: {
            required: ['namespace'],
            properties: { repository: { not: {}, errorMessage: 'repository is only used with scope: repository' } },
          },
        },
        {
          if: { required: ['scope'], properties: { scope: { const: 'repository' } } },
          then: { required: ['namespace', 'repository'] },
        },
      ],
    },
  },
  sections: [['lifecycleRule', '#/$defs/lifecycleRule']],
};

function liveObject(m: MatchedInstance, r: CrLifecycleRuleFields, key: string): LiveObject<LifecycleRuleSpec, LifecycleRuleIds, LifecycleRuleKey> {
  const spec = liveSpec(r);
  return {
    id: lifecycleRuleAddress(m.alias, key),
    kind: 'lifecycle-rule',
    account: m.account,
    region: m.region,
    instance: m.alias,
    key: { instance: m.alias, rule: key },
    spec,
    ids: { instanceId: m.instanceId, ruleId: r.RuleId ?? '' },
    container: m.address,
    prunable: prunes(m.config),
    requires: requiresOf(m.alias, spec).slice(1),
  };
}

/** The lifecycle rule kind. */
/**
 * The calls of the kind (issue 17): ListArtifactLifecycleRule on every instance (read, and to find a
 * rule again after a create); Create and Update where rules are declared; Delete where the instance
 * prunes. The preview (lifecycle-preview) lists the repositories and their tags of instances with rules.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceChildCalls(config, {
    reads: ['cr:ListArtifactLifecycleRule'],
    readVerbs: ['read', 'observe', 'create'],
    create: 'cr:CreateArtifactLifecycleRule',
    update: 'cr:UpdateArtifactLifecycleRule',
    delete: 'cr:DeleteArtifactLifecycleRule',
    declared: (inst) => (inst.lifecycleRules ?? []).length > 0,
    deletes: (inst) => prunes(inst),
  });
}

function PREVIEW_PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config)
    .filter((s) => (config.instances![s.alias]!.lifecycleRules ?? []).length > 0)
    .flatMap((s) => instanceCalls(s, ['read'], ['cr:ListRepository', 'cr:ListRepoTag']));
}

export const lifecycleRuleKind: Kind<LifecycleRuleSpec, LifecycleRuleIds, LifecycleRuleKey> = {
  name: 'lifecycle-rule',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => lifecycleRuleAddress(key.instance, key.rule),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.lifecycleRules ?? []).map((r): DesiredObject<LifecycleRuleSpec, LifecycleRuleKey> => {
        const spec = desiredSpec(r);
        const rule = targetOf(spec);
        return {
          id: lifecycleRuleAddress(alias, rule),
          kind: 'lifecycle-rule',
          account: inst.account,
          region: inst.region,
          instance: alias,
          key: { instance: alias, rule },
          spec,
          requires: requiresOf(alias, spec),
        };
      }),
    );
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const seen = new Set<string>();
        return (await liveRules(ctx.cloud.cr(m.account, m.region), m.instanceId)).map((r) => {
          const target = targetOf(liveSpec(r));
          const key = seen.has(target) ? `${target}#${r.RuleId ?? ''}` : target;
          seen.add(target);
          return liveObject(m, r, key);
        });
      }),
    );
    return per.flat();
  },

  /** Every field updates in place (UpdateArtifactLifecycleRule takes them all). */
  diff(desired, live) {
    return { changes: compareSpec(desired.spec, live.spec) };
  },

  extras(ctx) {
    const findings: PlanFinding[] = [];
    for (const p of ctx.live('lifecycle-preview') as readonly PreviewLive[]) {
      const s = p.spec;
      const rule = lifecycleRuleAddress(p.key.instance, p.key.rule);
      const when = `at its next run (${s.auto ? `automatic, every ${s.schedule.toLowerCase()}` : 'when started by hand'})`;
      const message =
        s.deleteTags === 0
          ? `${when} this rule would delete no tag (${plural(s.tags, 'tag')} in ${plural(s.repositories, 'repository', 'repositories')} in its scope)`
          : `${when} this rule would delete ${plural(s.deleteTags, 'tag')} in ${plural(s.deleteRepositories, 'repository', 'repositories')} (of ${plural(s.tags, 'tag')} in ${plural(s.repositories, 'repository', 'repositories')} in its scope)`;
      findings.push({ id: 'retention/would-delete', severity: s.deleteTags > 0 ? 'warning' : 'info', message, where: rule, key: { instance: p.key.instance, rule: p.key.rule } });
    }
    return { findings };
  },

  toConfig(l) {
    const s = l.spec;
    if (l.key.rule.includes('#')) return { notes: [{ address: l.id, message: `not adopted: a second lifecycle rule (${l.ids.ruleId}) covers the same ${s.scope}; registry.yaml has one rule per target` }] };
    if (!(s.scope in SCOPE_API) || !(SCHEDULES as readonly string[]).includes(s.schedule) || s.retainLatest < 1) {
      return { notes: [{ address: l.id, message: `not adopted: scope ${JSON.stringify(s.scope)}, schedule ${JSON.stringify(s.schedule)} or retainLatest ${s.retainLatest} has no form in the language` }] };
    }
    const value = {
      scope: s.scope,
      ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
      ...(s.repository !== undefined ? { repository: s.repository } : {}),
      retainLatest: s.retainLatest,
      ...(s.keepTags !== LIFECYCLE_DEFAULTS.keepTags ? { keepTags: s.keepTags } : {}),
      ...(s.schedule !== LIFECYCLE_DEFAULTS.schedule ? { schedule: s.schedule } : {}),
      ...(s.auto !== LIFECYCLE_DEFAULTS.auto ? { auto: s.auto } : {}),
      ...(s.enabled !== LIFECYCLE_DEFAULTS.enabled ? { enabled: s.enabled } : {}),
    };
    return { pieces: [{ item: ['instances', l.key.instance, 'lifecycleRules'], value, order: l.key.rule }] };
  },

  observe,
  create,
  update,
  delete: remove,
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// The preview: evidence of what a new or changed rule would delete

const previewSpecShape = struct({ repositories: num, tags: num, deleteRepositories: num, deleteTags: num, schedule: str, auto: bool });
const previewIdsShape = struct({ instanceId: str });
export type LifecyclePreviewSpec = Decoded<typeof previewSpecShape>;
type PreviewLive = LiveObject<LifecyclePreviewSpec, Decoded<typeof previewIdsShape>, LifecycleRuleKey>;

/** `instance[i].lifecycle-rule[target].preview`. */
export function lifecyclePreviewAddress(instance: string, rule: string): string {
  return address(lifecycleRuleAddress(instance, rule), 'preview');
}

/**
 * The tags one repository loses to a rule: tags whose whole name matches `keepTags` stay; of the
 * others, the `retainLatest` most recently pushed (ListRepoTag ImageUpdate, ties by name) stay.
 */
export function tagsToDelete(tags: readonly Pick<CrImage, 'Tag' | 'ImageUpdate' | 'ImageCreate'>[], spec: Pick<LifecycleRuleSpec, 'retainLatest' | 'keepTags' | 'enabled'>): string[] {
  if (!spec.enabled) return [];
  const re = spec.keepTags === '' ? undefined : checkRe2(spec.keepTags);
  const keep = re !== undefined && re.ok ? re.whole : undefined;
  if (re !== undefined && !re.ok) return []; // the lint reports it; nothing can be predicted
  const time = (t: Pick<CrImage, 'ImageUpdate' | 'ImageCreate'>) => Number(t.ImageUpdate ?? t.ImageCreate ?? 0) || 0;
  const candidates = [...tags]
    .filter((t) => t.Tag !== undefined && (keep === undefined || !keep.test(t.Tag)))
    .sort((a, b) => time(b) - time(a) || ((a.Tag ?? '') < (b.Tag ?? '') ? -1 : (a.Tag ?? '') > (b.Tag ?? '') ? 1 : 0));
  return candidates.slice(spec.retainLatest).map((t) => t.Tag!);
}

function inScope(repo: CrRepository, spec: LifecycleRuleSpec): boolean {
  if (spec.scope === 'instance') return true;
  if (repo.RepoNamespaceName !== spec.namespace) return false;
  return spec.scope === 'namespace' || repo.RepoName === spec.repository;
}

/** Retention fields: a change of any of them changes what the next run deletes. */
const RETENTION_FIELDS = ['scope', 'namespace', 'repository', 'retainLatest', 'keepTags', 'enabled'] as const;

/** The evidence kind: never desired, never unmanaged, no verbs. */
export const lifecyclePreviewKind: Kind<LifecyclePreviewSpec, Decoded<typeof previewIdsShape>, LifecycleRuleKey> = {
  name: 'lifecycle-preview',
  readAfter: ['instance', 'lifecycle-rule'],
  reportsUnmanaged: false,
  address: (key) => lifecyclePreviewAddress(key.instance, key.rule),
  decode: { key: keyShape, spec: previewSpecShape, ids: previewIdsShape },
  permissions: PREVIEW_PERMISSIONS,

  desired() {
    return [];
  },

  async read(ctx: ReadContext) {
    const live = new Map(ctx.live('lifecycle-rule').map((l) => [l.id, l] as const));
    const running = new Map(runningInstances(ctx).map((m) => [m.alias, m] as const));
    const wanted = ctx.desired.filter((d) => {
      if (d.kind !== 'lifecycle-rule' || d.instance === undefined || !running.has(d.instance)) return false;
      const l = live.get(d.id);
      return l === undefined || RETENTION_FIELDS.some((f) => d.spec[f] !== l.spec[f]);
    }) as DesiredObject<LifecycleRuleSpec, LifecycleRuleKey>[];
    const repos = new Map<string, Promise<CrRepository[]>>();
    const tags = new Map<string, Promise<CrImage[]>>();
    const out: PreviewLive[] = [];
    for (const d of wanted) {
      const m = running.get(d.instance!)!;
      const cr = ctx.cloud.cr(m.account, m.region);
      let listed = repos.get(m.alias);
      if (listed === undefined) repos.set(m.alias, (listed = cr.allRepositories({ InstanceId: m.instanceId }).then((r) => r.items)));
      const scoped = (await listed).filter((r) => r.RepoId !== undefined && inScope(r, d.spec));
      const perRepo = await mapLimit(scoped, TAG_READS_IN_FLIGHT, async (repo) => {
        let t = tags.get(repo.RepoId!);
        if (t === undefined) tags.set(repo.RepoId!, (t = cr.allRepoTags({ InstanceId: m.instanceId, RepoId: repo.RepoId! }).then((r) => r.items)));
        const all = await t;
        return { total: all.length, gone: tagsToDelete(all, d.spec).length };
      });
      out.push({
        id: lifecyclePreviewAddress(m.alias, d.key.rule),
        kind: 'lifecycle-preview',
        account: m.account,
        region: m.region,
        instance: m.alias,
        key: d.key,
        spec: {
          repositories: perRepo.length,
          tags: perRepo.reduce((n, r) => n + r.total, 0),
          deleteRepositories: perRepo.filter((r) => r.gone > 0).length,
          deleteTags: perRepo.reduce((n, r) => n + r.gone, 0),
          schedule: d.spec.schedule,
          auto: d.spec.auto,
        },
        ids: { instanceId: m.instanceId },
        container: m.address,
        prunable: false,
        requires: [],
      });
    }
    return out;
  },

  classify(): 'none' {
    return 'none';
  },
};
