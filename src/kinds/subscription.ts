/**
 * Pull-through subscriptions: kind `subscription`, an artifact subscription rule that keeps a
 * repository of the instance filled from a public registry (Docker Hub, GCR, Quay), Terraform's
 * `alicloud_cr_artifact_subscription_rule`; and kind `subscription-pull`, one
 * CreateArtifactSubscriptionTask run right after a rule is created (`pullOnCreate`).
 *
 * Identity: the service stores no name for a rule, only its source and target, so the natural key
 * is (from, sourceNamespace, sourceRepository, namespace, repository):
 * `instance[i].subscription[DOCKER_HUB:library/nginx>mirror/nginx]`. `name` is a label of the
 * declaration (plan summaries), not stored in the cloud. A changed source or target is therefore
 * another rule: a create, and a delete under prune.
 * Reads: cr ListArtifactSubscriptionRule (HTTP GET, paged) per matched RUNNING instance; it returns
 * every field, so there is no Get. Rules not declared are unmanaged under the instance, pruned with
 * its `prune: true`.
 * Acts: CreateArtifactSubscriptionRule; UpdateArtifactSubscriptionRule (tagFilter, tagCount,
 * override, platforms, accelerate in place; eventually consistent, so apply waits until the list
 * shows the change, as Terraform polls); DeleteArtifactSubscriptionRule.
 * The pull (`subscription-pull`, a `run` action) is derived after reading for each declared
 * subscription with `pullOnCreate` whose rule is not live yet; it waits until the task is no longer
 * RUNNING and fails unless its TaskResult is SUCCESS. Never twice: observe finds the manual task of
 * the rule's source and target in ListArtifactSubscriptionTask.
 */
import type { CrClient, CrSubscriptionRule, CrSubscriptionTask } from '../cloud/cr.js';
import type { Instance, ReferenceCheck, RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { bool, list, num, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { instanceCalls, instanceChildCalls, instanceScopes } from './permits.js';
import { namespaceAddress } from './namespace.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';
import { waitUntil } from './wait.js';

/** The public registries a rule may pull from (the API's SourceProvider). */
export const SUBSCRIPTION_SOURCES = ['DOCKER_HUB', 'GCR', 'QUAY'] as const;
/** Defaults of a declared subscription (the schema's `default`s). */
export const SUBSCRIPTION_DEFAULTS = { tagFilter: '.*', tagCount: 1, override: false, platforms: ['linux/amd64'], accelerate: false, pullOnCreate: false } as const;
/** How long an update may take to show in the list (Terraform polls; 5 min, its update timeout). */
const UPDATE_SHOW_TIMEOUT_MS = 300_000;
/** How long a pull task may run before apply gives up waiting (the task goes on). */
const PULL_TIMEOUT_MS = 1_800_000;

const keyShape = struct({ instance: str, from: str, sourceNamespace: str, sourceRepository: str, namespace: str, repository: str });
const specShape = struct({ tagFilter: str, tagCount: num, override: bool, platforms: list(str), accelerate: bool });
const idsShape = struct({ instanceId: str, ruleId: optional(str) });
export type SubscriptionKey = Decoded<typeof keyShape>;
export type SubscriptionSpec = Decoded<typeof specShape>;
export type SubscriptionIds = Decoded<typeof idsShape>;

type Declared = NonNullable<Instance['subscriptions']>[number];

/** `instance[i].subscription[FROM:srcns/srcrepo>ns/repo]`. */
export function subscriptionAddress(k: Omit<SubscriptionKey, 'instance'> & { instance: string }): string {
  return address(instanceAddress(k.instance), segment('subscription', `${k.from}:${k.sourceNamespace}/${k.sourceRepository}>${k.namespace}/${k.repository}`));
}

/** The key of a declaration: the target repository defaults to the source repository's name. */
function keyOf(alias: string, s: Declared): SubscriptionKey {
  return { instance: alias, from: s.from, sourceNamespace: s.sourceNamespace, sourceRepository: s.sourceRepository, namespace: s.namespace, repository: s.repository ?? s.sourceRepository };
}

const normPlatforms = (p: readonly string[] | undefined): string[] => [...new Set(p ?? [])].sort();

function specOf(s: Declared): SubscriptionSpec {
  return {
    tagFilter: s.tagFilter ?? SUBSCRIPTION_DEFAULTS.tagFilter,
    tagCount: s.tagCount ?? SUBSCRIPTION_DEFAULTS.tagCount,
    override: s.override ?? SUBSCRIPTION_DEFAULTS.override,
    platforms: normPlatforms(s.platforms ?? SUBSCRIPTION_DEFAULTS.platforms),
    accelerate: s.accelerate ?? SUBSCRIPTION_DEFAULTS.accelerate,
  };
}

function liveKey(alias: string, r: CrSubscriptionRule): SubscriptionKey | undefined {
  if (r.SourceProvider === undefined || r.SourceRepoName === undefined || r.NamespaceName === undefined || r.RepoName === undefined) return undefined;
  return { instance: alias, from: r.SourceProvider, sourceNamespace: r.SourceNamespaceName ?? '', sourceRepository: r.SourceRepoName, namespace: r.NamespaceName, repository: r.RepoName };
}

function liveSpec(r: CrSubscriptionRule): SubscriptionSpec {
  return { tagFilter: r.TagRegexp ?? '', tagCount: r.TagCount ?? 0, override: r.Override ?? false, platforms: normPlatforms(r.Platform), accelerate: r.Accelerate ?? false };
}

const sameKey = (a: SubscriptionKey, b: SubscriptionKey | undefined): boolean =>
  b !== undefined && a.from === b.from && a.sourceNamespace === b.sourceNamespace && a.sourceRepository === b.sourceRepository && a.namespace === b.namespace && a.repository === b.repository;

async function findRule(cr: CrClient, instanceId: string, key: SubscriptionKey): Promise<CrSubscriptionRule | undefined> {
  const { items } = await cr.allArtifactSubscriptionRules({ InstanceId: instanceId });
  return items.find((r) => sameKey(key, liveKey(key.instance, r)));
}

const idsOf = (instanceId: string, ruleId: string | undefined): SubscriptionIds => ({ instanceId, ...(ruleId ? { ruleId } : {}) });

async function create(ctx: ExecContext, s: Subject<SubscriptionSpec, SubscriptionIds, SubscriptionKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const k = s.key;
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateArtifactSubscriptionRule', { instanceId, from: k.from, source: `${k.sourceNamespace}/${k.sourceRepository}`, target: `${k.namespace}/${k.repository}` });
  try {
    const r = await cr.createArtifactSubscriptionRule({
      InstanceId: instanceId,
      SourceProvider: k.from,
      ...(k.sourceNamespace !== '' ? { SourceNamespaceName: k.sourceNamespace } : {}),
      SourceRepoName: k.sourceRepository,
      NamespaceName: k.namespace,
      RepoName: k.repository,
      TagRegexp: s.spec.tagFilter,
      TagCount: s.spec.tagCount,
      Override: s.spec.override,
      Platform: s.spec.platforms,
      Accelerate: s.spec.accelerate,
    });
    return { ids: idsOf(instanceId, r.RuleId) };
  } catch (err) {
    // No "already exists" code is documented (the emulator's is chosen): check what is there.
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    const found = await findRule(cr, instanceId, k);
    if (found === undefined) throw err;
    const changes = compareSpec(s.spec, liveSpec(found));
    if (changes.length > 0) existsDifferent(s.id, changes);
    return { ids: idsOf(instanceId, found.RuleId) };
  }
}

async function update(ctx: ExecContext, c: Change<SubscriptionSpec, SubscriptionIds, SubscriptionKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, c.key.instance);
  const cr = ctx.cloud.cr(c.account, c.region);
  const ruleId = c.ids.ruleId ?? (await findRule(cr, instanceId, c.key))?.RuleId;
  if (ruleId === undefined) throw new AcrctlError('apply.vanished', `${c.id} is no longer there to update`, { address: c.id, hint: 'run acrctl plan again' });
  await ctx.intent('UpdateArtifactSubscriptionRule', { instanceId, ruleId, fields: c.changes.map((x) => x.path) });
  await cr.updateArtifactSubscriptionRule({
    InstanceId: instanceId,
    RuleId: ruleId,
    TagRegexp: c.spec.tagFilter,
    TagCount: c.spec.tagCount,
    Override: String(c.spec.override),
    Platform: c.spec.platforms,
    Accelerate: String(c.spec.accelerate),
  });
  // Eventually consistent (cr-api-notes §4): wait until the list shows the new spec.
  await waitUntil(
    ctx,
    async () => {
      const found = await findRule(cr, instanceId, c.key);
      return found !== undefined && compareSpec(c.spec, liveSpec(found)).length === 0 ? true : undefined;
    },
    { what: `subscription rule ${ruleId} to show its update`, timeoutMs: UPDATE_SHOW_TIMEOUT_MS },
  );
  return { ids: idsOf(instanceId, ruleId) };
}

async function remove(ctx: ExecContext, r: Removal<SubscriptionSpec, SubscriptionIds, SubscriptionKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, r.key.instance);
  const cr = ctx.cloud.cr(r.account, r.region);
  const ruleId = r.ids.ruleId ?? (await findRule(cr, instanceId, r.key))?.RuleId;
  if (ruleId === undefined) return {};
  await ctx.intent('DeleteArtifactSubscriptionRule', { instanceId, ruleId });
  try {
    await cr.deleteArtifactSubscriptionRule({ InstanceId: instanceId, RuleId: ruleId });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<SubscriptionSpec, SubscriptionIds, SubscriptionKey>): Promise<Observation<SubscriptionIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const found = await findRule(ctx.cloud.cr(s.account, s.region), instanceId, s.key);
  if (found === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: compareSpec(s.spec, liveSpec(found)).length === 0, ready: true, ids: idsOf(instanceId, found.RuleId) };
}

/** Natural keys are unique per instance; the target namespace is one the instance declares. */
const REFERENCES: ReferenceCheck = ({ instances, items, str, report, needNamespace }) => {
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    for (const [i, s] of items(inst['subscriptions'])) {
      needNamespace(alias, s['namespace'], ['instances', alias, 'subscriptions', i, 'namespace'], `subscriptions[${i}]`);
      const key = [s['from'], s['sourceNamespace'], s['sourceRepository'], s['namespace'], s['repository'] ?? s['sourceRepository']].map((v) => str(v) ?? '').join('|');
      const first = seen.get(key);
      if (first !== undefined) report('ref/duplicate-key', `subscriptions[${i}] subscribes the same source into the same repository as subscriptions[${first}]`, ['instances', alias, 'subscriptions', i]);
      else seen.set(key, i);
    }
  }
};

/** What the kinds add to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      subscriptions: {
        description:
          'Pull-through subscriptions: repositories of the instance kept filled from a public registry (Docker Hub, GCR, Quay), the newest `tagCount` tags matching `tagFilter`. Natural key: from + sourceNamespace + sourceRepository + namespace + repository. Terraform: `alicloud_cr_artifact_subscription_rule`.',
        type: 'array',
        items: { $ref: '#/$defs/subscription' },
        examples: [[{ name: 'nginx', from: 'DOCKER_HUB', sourceNamespace: 'library', sourceRepository: 'nginx', tagFilter: '1\\.2[0-9]\\..*', namespace: 'mirror', tagCount: 5 }]],
      },
    },
  },
  defs: {
    subscription: {
      description: 'A pull-through subscription (an artifact subscription rule).',
      type: 'object',
      required: ['from', 'sourceNamespace', 'sourceRepository', 'namespace'],
      additionalProperties: false,
      properties: {
        name: {
          description: 'A label for the subscription in plans. Not stored by the service (rules have no name), so adopt cannot write it back.',
          type: 'string',
          minLength: 1,
          maxLength: 64,
        },
        from: { description: 'The public registry pulled from.', type: 'string', enum: [...SUBSCRIPTION_SOURCES] },
        sourceNamespace: {
          description: 'Namespace (organisation) in the source registry; `library` for Docker Hub official images.',
          type: 'string',
          minLength: 1,
          maxLength: 255,
          examples: ['library', 'google-containers'],
        },
        sourceRepository: { description: 'Repository in the source registry, e.g. `nginx`.', type: 'string', minLength: 1, maxLength: 255 },
        tagFilter: { description: 'Tags to pull (RE2, whole tag). Default: every tag.', $ref: '#/$defs/tagFilter' },
        namespace: { description: 'Namespace of this instance the images go to (declared under `namespaces`).', $ref: '#/$defs/namespaceName' },
        repository: { description: 'Repository the images go to. Default: the source repository\'s name.', $ref: '#/$defs/repositoryName' },
        tagCount: { description: 'How many of the newest matching tags to keep pulled.', type: 'integer', minimum: 1, maximum: 1000, default: SUBSCRIPTION_DEFAULTS.tagCount },
        override: { description: 'Overwrite a tag already in the repository when the source\'s differs.', type: 'boolean', default: SUBSCRIPTION_DEFAULTS.override },
        platforms: {
          description: 'Operating system/architecture of the images pulled from multi-arch sources.',
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', pattern: '^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$', examples: ['linux/amd64', 'linux/arm64'] },
          default: [...SUBSCRIPTION_DEFAULTS.platforms],
        },
        accelerate: { description: 'Use the accelerated subscription channel (public preview).', type: 'boolean', default: SUBSCRIPTION_DEFAULTS.accelerate },
        pullOnCreate: {
          description: 'When the rule is created, pull once right away (one subscription task, a `run` action) rather than waiting for the service\'s next pull.',
          type: 'boolean',
          default: SUBSCRIPTION_DEFAULTS.pullOnCreate,
        },
      },
    },
  },
  sections: [['subscription', '#/$defs/subscription']],
};

/**
 * The calls of the kinds (issue 17): ListArtifactSubscriptionRule on every instance (read, and to
 * find a rule again after a write; an update is waited for until the List shows it); Create and
 * Update where subscriptions are declared; Delete where the instance prunes. The on-demand pull
 * (`pullOnCreate`) creates a subscription task and follows it in the task list.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceChildCalls(config, {
    reads: ['cr:ListArtifactSubscriptionRule'],
    create: 'cr:CreateArtifactSubscriptionRule',
    update: 'cr:UpdateArtifactSubscriptionRule',
    delete: 'cr:DeleteArtifactSubscriptionRule',
    declared: (inst) => (inst.subscriptions ?? []).length > 0,
    deletes: (inst) => prunes(inst),
  });
}

function PULL_PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config)
    .filter((s) => (config.instances![s.alias]!.subscriptions ?? []).some((x) => x.pullOnCreate === true))
    .flatMap((s) => [
      ...instanceCalls(s, ['observe', 'create'], ['cr:ListArtifactSubscriptionTask', 'cr:GetArtifactSubscriptionTask']),
      ...instanceCalls(s, ['create'], ['cr:CreateArtifactSubscriptionTask']),
    ]);
}

export const subscriptionKind: Kind<SubscriptionSpec, SubscriptionIds, SubscriptionKey> = {
  name: 'subscription',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: subscriptionAddress,
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.subscriptions ?? []).map((s): DesiredObject<SubscriptionSpec, SubscriptionKey> => {
        const key = keyOf(alias, s);
        return {
          id: subscriptionAddress(key),
          kind: 'subscription',
          account: inst.account,
          region: inst.region,
          instance: alias,
          key,
          spec: specOf(s),
          requires: [namespaceAddress(alias, key.namespace), instanceAddress(alias)],
          ...(s.name !== undefined ? { summary: `subscription ${s.name}` } : {}),
        };
      }),
    );
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const { items } = await ctx.cloud.cr(m.account, m.region).allArtifactSubscriptionRules({ InstanceId: m.instanceId });
        const out: LiveObject<SubscriptionSpec, SubscriptionIds, SubscriptionKey>[] = [];
        for (const r of items) {
          const key = liveKey(m.alias, r);
          if (key === undefined) continue;
          out.push({
            id: subscriptionAddress(key),
            kind: 'subscription',
            account: m.account,
            region: m.region,
            instance: m.alias,
            key,
            spec: liveSpec(r),
            ids: idsOf(m.instanceId, r.RuleId),
            container: m.address,
            prunable: prunes(m.config),
            requires: [namespaceAddress(m.alias, key.namespace), m.address],
          });
        }
        return out;
      }),
    );
    return per.flat();
  },

  /** A subscription, defaults left out (the target repository when it is the source's name). */
  toConfig(l) {
    const k = l.key;
    const s = l.spec;
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    const value = {
      from: k.from,
      sourceNamespace: k.sourceNamespace,
      sourceRepository: k.sourceRepository,
      ...(s.tagFilter !== SUBSCRIPTION_DEFAULTS.tagFilter ? { tagFilter: s.tagFilter } : {}),
      namespace: k.namespace,
      ...(k.repository !== k.sourceRepository ? { repository: k.repository } : {}),
      ...(s.tagCount !== SUBSCRIPTION_DEFAULTS.tagCount ? { tagCount: s.tagCount } : {}),
      ...(s.override !== SUBSCRIPTION_DEFAULTS.override ? { override: s.override } : {}),
      ...(!same(s.platforms, SUBSCRIPTION_DEFAULTS.platforms) ? { platforms: [...s.platforms] } : {}),
      ...(s.accelerate !== SUBSCRIPTION_DEFAULTS.accelerate ? { accelerate: s.accelerate } : {}),
    };
    return { pieces: [{ item: ['instances', k.instance, 'subscriptions'], value, order: l.id }] };
  },

  observe,
  create,
  update,
  delete: remove,
};

// ---------------------------------------------------------------------------------------------
// subscription-pull: one CreateArtifactSubscriptionTask right after the rule is created

const pullSpecShape = struct({ namespace: str, repository: str });
const pullIdsShape = struct({ taskId: optional(str) });
type PullSpec = Decoded<typeof pullSpecShape>;
type PullIds = Decoded<typeof pullIdsShape>;

/** `instance[i].subscription[…].pull`. */
export function subscriptionPullAddress(k: SubscriptionKey): string {
  return `${subscriptionAddress(k)}.pull`;
}

/** Task statuses still on their way (the docs show RUNNING; PENDING assumed). */
const TASK_RUNNING = new Set(['RUNNING', 'PENDING', '']);

const sameTaskTarget = (k: SubscriptionKey, t: CrSubscriptionTask): boolean =>
  t.SourceProvider === k.from && (t.SourceNamespaceName ?? '') === k.sourceNamespace && t.SourceRepoName === k.sourceRepository && t.NamespaceName === k.namespace && t.RepoName === k.repository;

/** The newest manual task of the rule's source and target (the list is newest first). */
async function manualTask(cr: CrClient, instanceId: string, k: SubscriptionKey): Promise<CrSubscriptionTask | undefined> {
  const { items } = await cr.allArtifactSubscriptionTasks({ InstanceId: instanceId });
  return items.find((t) => t.TaskType !== 'AUTO' && sameTaskTarget(k, t));
}

async function pull(ctx: ExecContext, s: Subject<PullSpec, PullIds, SubscriptionKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const cr = ctx.cloud.cr(s.account, s.region);
  let taskId = ctx.reconciled?.state === 'pending' ? ctx.reconciled.ids?.['taskId'] : undefined;
  if (taskId === undefined) {
    const ruleId = ctx.ids(subscriptionAddress(s.key))['ruleId'] ?? (await findRule(cr, instanceId, s.key))?.RuleId;
    if (ruleId === undefined) throw new AcrctlError('apply.missing_id', `the subscription rule of ${s.id} is not known`, { address: s.id, hint: 'run acrctl plan again' });
    await ctx.intent('CreateArtifactSubscriptionTask', { instanceId, ruleId });
    taskId = (await cr.createArtifactSubscriptionTask({ InstanceId: instanceId, RuleId: ruleId })).TaskId;
    if (taskId === undefined) throw new AcrctlError('apply.no_task', `CreateArtifactSubscriptionTask returned no TaskId for ${s.id}`, { address: s.id });
  }
  const id = taskId;
  ctx.progress(`subscription task ${id} pulls into ${s.key.namespace}/${s.key.repository}`, { taskId: id });
  const done = await waitUntil(
    ctx,
    async () => {
      const t = await cr.getArtifactSubscriptionTask({ InstanceId: instanceId, TaskId: id });
      return TASK_RUNNING.has(t.TaskStatus ?? '') ? undefined : t;
    },
    { what: `subscription task ${id} to finish`, timeoutMs: PULL_TIMEOUT_MS },
  );
  if (done.TaskResult !== undefined && done.TaskResult !== '' && done.TaskResult !== 'SUCCESS') {
    throw new AcrctlError('apply.subscription_pull_failed', `subscription task ${id} ended ${done.TaskStatus ?? ''} with result ${done.TaskResult}${done.Message ? `: ${done.Message}` : ''}`, { address: s.id });
  }
  return { ids: { taskId: id }, report: { tagsPulled: done.TagSubscriptionCount ?? 0 } };
}

/** Pending while the rule's manual task runs, done once it finished; absent when there is none. */
async function observePull(ctx: ExecContext, s: Subject<PullSpec, PullIds, SubscriptionKey>): Promise<Observation<PullIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const t = await manualTask(ctx.cloud.cr(s.account, s.region), instanceId, s.key);
  if (t?.TaskId === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: true, ready: !TASK_RUNNING.has(t.TaskStatus ?? ''), ids: { taskId: t.TaskId } };
}

export const subscriptionPullKind: Kind<PullSpec, PullIds, SubscriptionKey> = {
  name: 'subscription-pull',
  readAfter: [],
  reportsUnmanaged: false,
  address: subscriptionPullAddress,
  decode: { key: keyShape, spec: pullSpecShape, ids: pullIdsShape },
  permissions: PULL_PERMISSIONS,

  desired() {
    return [];
  },

  /** One pull per declared `pullOnCreate` subscription whose rule is not live yet. */
  derive(ctx) {
    const live = new Set(ctx.live('subscription').map((l) => l.id));
    const out: DesiredObject[] = [];
    for (const [alias, inst] of Object.entries(ctx.config.instances ?? {})) {
      for (const s of inst.subscriptions ?? []) {
        if (!(s.pullOnCreate ?? SUBSCRIPTION_DEFAULTS.pullOnCreate)) continue;
        const key = keyOf(alias, s);
        const rule = subscriptionAddress(key);
        if (live.has(rule)) continue;
        out.push({
          id: subscriptionPullAddress(key),
          kind: 'subscription-pull',
          account: inst.account,
          region: inst.region,
          instance: alias,
          key,
          spec: { namespace: key.namespace, repository: key.repository },
          requires: [rule, instanceAddress(alias)],
          summary: `pull the newest ${s.tagCount ?? SUBSCRIPTION_DEFAULTS.tagCount} matching tag(s) of ${key.from} ${key.sourceNamespace}/${key.sourceRepository} now`,
        });
      }
    }
    return out;
  },

  async read() {
    return [];
  },

  classify(desired) {
    return desired !== undefined ? 'run' : undefined;
  },

  observe: observePull,
  /** A run: one CreateArtifactSubscriptionTask, then the wait for it. */
  create: pull,
};
