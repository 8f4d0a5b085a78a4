/**
 * Kind `backfill`: one manual sync task copying one existing tag along a replication rule
 * (`instance[src].replication[name].backfill[ns/repo:tag]`). Automatic replication only copies
 * images pushed after the rule exists (DOMAIN.md 003); `backfill` on a rule asks for the older ones.
 *
 * Derived after reading (`derive`), from the `tag` kind's live objects: for each rule with
 * `backfill`, the source repositories in scope (namespace level: every repository of the source
 * namespace; repository level: that one), their tags matching `backfill.tagFilter` (default: the
 * rule's `tagFilter`, default `.*`), newest `latest` per repository by update time (ties: tag name),
 * minus tags the target already has with the same digest. A target tag with another digest is skipped
 * and reported (finding `backfill-digest-conflict`) unless `backfill.overwrite`. Each remaining tag is
 * a `run` action that requires the sync rule. Filters are RE2 (the service is written in Go), checked
 * and matched by src/config/lints/re2.ts, and match the WHOLE tag (`^(?:filter)$`), as the
 * emulator's SPEC.md says the service applies them.
 *
 * Never read live (a task is not an object to match): a second plan after apply finds the tags in
 * the target and derives nothing. Apply: CreateRepoSyncTask for that one tag, then wait for SUCCESS
 * (ERROR fails the action with the TaskIssue); never twice: reconcile looks the task up by
 * (namespace, repository, tag, target) in ListRepoSyncTask.
 */
import type { CrClient, CrSyncTask } from '../cloud/cr.js';
import { DEFAULTS, type RegistryDocument } from '../config/model.js';
import { BACKFILL_TASK_THRESHOLD } from '../config/lints/replication.js';
import { checkRe2, type Re2Matcher } from '../config/lints/re2.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { bool, num, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, Subject } from '../plan/kind.js';
import type { PlanFinding } from '../plan/model.js';
import { shortDigest } from '../plan/units.js';
import { instanceAddress, instanceIdOf } from './instance.js';
import { replicationRules, type RuleRef } from './replication.js';
import { rulesOf, syncRuleAddress } from './sync-rule.js';
import { repoTags, tagAddress, type TagLive } from './tag.js';
import { TIMEOUTS, waitUntil } from './wait.js';
import { instanceCalls, instanceScope } from './permits.js';

const keyShape = struct({ instance: str, rule: str, namespace: str, repository: str, tag: str });
const specShape = struct({
  namespace: str,
  repository: str,
  tag: str,
  digest: str,
  sizeBytes: num,
  targetInstance: str,
  targetAccount: str,
  targetRegion: str,
  targetAccountUid: str,
  overwrite: bool,
});
const idsShape = struct({ syncTaskId: optional(str) });
export type BackfillKey = Decoded<typeof keyShape>;
export type BackfillSpec = Decoded<typeof specShape>;
export type BackfillIds = Decoded<typeof idsShape>;

/** `instance[src].replication[rule].backfill[ns/repo:tag]`. */
export function backfillAddress(instance: string, rule: string, namespace: string, repository: string, tag: string): string {
  return address(syncRuleAddress(instance, rule), segment('backfill', `${namespace}/${repository}:${tag}`));
}

/** Statuses of a sync task still on its way. */
const RUNNING = new Set(['PENDING', 'SYNCHRONIZING', 'WAITING', 'RUNNING']);

/**
 * The matcher of exactly the tags the service's RE2 filter matches (whole tag, RE2 semantics).
 * An invalid filter is a plan error (validate reports it first, with its position).
 */
export function tagMatcher(filter: string, where: string): Re2Matcher {
  const r = checkRe2(filter);
  if (!r.ok) {
    throw new AcrctlError('plan.tag_filter', `tag filter ${JSON.stringify(filter)} of ${where} is not RE2: ${r.message}`, {
      address: where,
      hint: 'run acrctl validate for the position and the RE2 way to write it',
    });
  }
  return r.whole;
}

/** One skipped tag: the target holds it with another digest and the rule does not overwrite. */
export interface DigestConflict {
  readonly address: string;
  readonly rule: string;
  readonly image: string;
  readonly target: string;
  readonly sourceDigest: string;
  readonly targetDigest: string;
}

export interface BackfillPlan {
  readonly objects: DesiredObject<BackfillSpec, BackfillKey>[];
  readonly conflicts: DigestConflict[];
  /** Copies planned per rule address. */
  readonly perRule: ReadonlyMap<string, number>;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}


/**
 * The copies the backfills need, given the rules and the live tags. Pure and deterministic (tags
 * sorted by update time, newest first, then by name).
 */
export function planBackfills(rules: readonly RuleRef[], tags: readonly LiveObject[]): BackfillPlan {
  const index = new Map<string, Map<string, TagLive>>();
  const key = (alias: string, ns: string, repo: string) => `${alias}\u0000${ns}\u0000${repo}`;
  for (const t of tags as readonly TagLive[]) {
    const k = key(t.key.instance, t.key.namespace, t.key.repository);
    let m = index.get(k);
    if (!m) index.set(k, (m = new Map()));
    m.set(t.key.tag, t);
  }
  const objects: DesiredObject<BackfillSpec, BackfillKey>[] = [];
  const conflicts: DigestConflict[] = [];
  const perRule = new Map<string, number>();
  for (const r of rules) {
    const backfill = r.rule.backfill;
    if (backfill === undefined) continue;
    const ruleAddress = syncRuleAddress(r.source, r.rule.name);
    const level = r.rule.level ?? DEFAULTS.replication.level;
    const ns = r.rule.namespace;
    const match = tagMatcher(backfill.tagFilter ?? r.rule.tagFilter ?? DEFAULTS.replication.tagFilter, ruleAddress);
    const overwrite = backfill.overwrite ?? DEFAULTS.backfill.overwrite;
    const prefix = key(r.source, ns, '');
    const repos = [...index.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .filter((repo) => level === 'namespace' || repo === r.rule.repository)
      .sort();
    let count = 0;
    for (const repo of repos) {
      const candidates = [...index.get(key(r.source, ns, repo))!.values()]
        .filter((t) => match.test(t.key.tag))
        .sort((a, b) => b.spec.updatedAt - a.spec.updatedAt || (a.key.tag < b.key.tag ? -1 : a.key.tag > b.key.tag ? 1 : 0))
        .slice(0, backfill.latest);
      const inTarget = index.get(key(r.target, ns, repo));
      for (const t of candidates) {
        const digest = t.spec.digest;
        const there = inTarget?.get(t.key.tag);
        const address = backfillAddress(r.source, r.rule.name, ns, repo, t.key.tag);
        const image = `${ns}/${repo}:${t.key.tag}`;
        if (there !== undefined && there.spec.digest === digest) continue;
        if (there !== undefined && !overwrite) {
          conflicts.push({ address, rule: ruleAddress, image, target: r.target, sourceDigest: digest, targetDigest: there.spec.digest });
          continue;
        }
        const size = t.spec.sizeBytes;
        count++;
        objects.push({
          id: address,
          kind: 'backfill',
          account: r.sourceInstance.account,
          region: r.sourceInstance.region,
          instance: r.source,
          key: { instance: r.source, rule: r.rule.name, namespace: ns, repository: repo, tag: t.key.tag },
          spec: {
            namespace: ns,
            repository: repo,
            tag: t.key.tag,
            digest,
            sizeBytes: size,
            targetInstance: r.target,
            targetAccount: r.targetInstance.account,
            targetRegion: r.targetInstance.region,
            targetAccountUid: r.targetUid,
            overwrite: there !== undefined,
          },
          // The live ids of the source tag (its repoId) and of both instances reach the executor
          // through the plan's refs, also when the rule itself has no action.
          requires: [ruleAddress, t.id, instanceAddress(r.source), instanceAddress(r.target)],
          reason: `backfill of replication rule ${r.rule.name}`,
          summary: `copy ${image} (${megabytes(size)})${there !== undefined ? ', overwriting the target tag' : ''}`,
        });
      }
    }
    perRule.set(ruleAddress, count);
  }
  return { objects, conflicts, perRule };
}

/** The plan findings of the backfills: digest conflicts and rules above the task threshold. */
export function backfillFindings(plan: BackfillPlan): PlanFinding[] {
  const findings: PlanFinding[] = [];
  for (const c of plan.conflicts) {
    findings.push({
      id: 'backfill-digest-conflict',
      severity: 'warning',
      where: c.address,
      message: `instance[${c.target}] already has ${c.image} with another digest (${shortDigest(c.targetDigest)}, source ${shortDigest(c.sourceDigest)}); not copied: set backfill.overwrite: true on ${c.rule} to overwrite it`,
    });
  }
  for (const [rule, n] of plan.perRule) {
    if (n <= BACKFILL_TASK_THRESHOLD) continue;
    findings.push({
      id: 'backfill-above-threshold',
      severity: 'warning',
      where: rule,
      message: `the backfill of ${rule} plans ${n} sync tasks, one per tag (more than ${BACKFILL_TASK_THRESHOLD}): for this many images copy the OSS bucket and import it on the target (imports: from: oss), or lower backfill.latest`,
    });
  }
  return findings;
}

interface Copy {
  readonly source: string;
  readonly namespace: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly target: string;
  readonly targetAccount: string;
  readonly targetRegion: string;
  readonly targetUid: string;
  readonly overwrite: boolean;
}

function copyOf(s: Subject<BackfillSpec, BackfillIds, BackfillKey>): Copy {
  return {
    source: s.key.instance,
    namespace: s.spec.namespace,
    repository: s.spec.repository,
    tag: s.spec.tag,
    digest: s.spec.digest,
    target: s.spec.targetInstance,
    targetAccount: s.spec.targetAccount,
    targetRegion: s.spec.targetRegion,
    targetUid: s.spec.targetAccountUid,
    overwrite: s.spec.overwrite,
  };
}

/** Tasks of the source instance copying this tag into this target, newest first (paged). */
async function tasksFor(cr: CrClient, sourceId: string, targetId: string, c: Copy): Promise<CrSyncTask[]> {
  const all = await cr.allRepoSyncTasks({ InstanceId: sourceId, RepoNamespaceName: c.namespace, RepoName: c.repository, Tag: c.tag });
  return all.items
    .filter(
      (t) =>
        t.ImageFrom?.RepoNamespaceName === c.namespace &&
        t.ImageFrom.RepoName === c.repository &&
        t.ImageFrom.ImageTag === c.tag &&
        t.ImageTo?.InstanceId === targetId &&
        t.ImageTo.ImageTag === c.tag,
    )
    .sort((a, b) => (b.CreateTime ?? 0) - (a.CreateTime ?? 0));
}

/** True when the target already holds the tag with the source digest (the copy's effect). */
async function copiedToTarget(ctx: ExecContext, targetId: string, c: Copy): Promise<boolean> {
  const cr = ctx.cloud.cr(c.targetAccount, c.targetRegion);
  const repos = (await cr.allRepositories({ InstanceId: targetId, RepoNamespaceName: c.namespace })).items;
  const repo = repos.find((r) => r.RepoNamespaceName === c.namespace && r.RepoName === c.repository);
  if (repo?.RepoId === undefined) return false;
  return (await repoTags(cr, targetId, repo.RepoId)).some((i) => i.Tag === c.tag && i.Digest === c.digest);
}

async function waitTask(ctx: ExecContext, cr: CrClient, sourceId: string, taskId: string, c: Copy): Promise<void> {
  await waitUntil(
    ctx,
    async () => {
      const t = await cr.getRepoSyncTask({ InstanceId: sourceId, SyncTaskId: taskId });
      const status = t.TaskStatus ?? '';
      if (status === 'SUCCESS') return true;
      if (RUNNING.has(status)) return undefined;
      throw new AcrctlError('apply.sync_task_failed', `sync task ${taskId} copying ${c.namespace}/${c.repository}:${c.tag} ended ${status || 'without a status'}${t.TaskIssue ? `: ${t.TaskIssue}` : ''}`, {
        hint: t.TaskIssue === 'TAG_CONFLICT' ? 'the target holds this tag with another digest: set backfill.overwrite: true to overwrite it' : 'look at the sync task in the console, then run acrctl plan again',
      });
    },
    { what: `sync task ${taskId} (${c.namespace}/${c.repository}:${c.tag}) to finish`, timeoutMs: TIMEOUTS.syncTask },
  );
}

async function run(ctx: ExecContext, s: Subject<BackfillSpec, BackfillIds, BackfillKey>): Promise<Outcome> {
  const c = copyOf(s);
  const sourceId = instanceIdOf(ctx, c.source);
  const cr = ctx.cloud.cr(s.account, s.region);
  let taskId = ctx.reconciled?.state === 'pending' ? ctx.reconciled.ids?.['syncTaskId'] : undefined;
  if (taskId === undefined) {
    const repoId = ctx.ids(tagAddress(c.source, c.namespace, c.repository, c.tag))['repoId'];
    if (repoId === undefined || repoId === '') {
      throw new AcrctlError('apply.missing_id', `the repository id of ${c.namespace}/${c.repository} in instance[${c.source}] is not known`, { address: s.id, hint: 'run acrctl plan again' });
    }
    const targetId = instanceIdOf(ctx, c.target);
    const crossAccount = c.targetUid !== ctx.cloud.account(s.account).uid;
    await ctx.intent('CreateRepoSyncTask', { namespace: c.namespace, repository: c.repository, tag: c.tag, sourceInstanceId: sourceId, targetInstanceId: targetId });
    const r = await cr.createRepoSyncTask({
      InstanceId: sourceId,
      RepoId: repoId,
      Tag: c.tag,
      TargetInstanceId: targetId,
      TargetRegionId: c.targetRegion,
      TargetNamespace: c.namespace,
      TargetRepoName: c.repository,
      TargetTag: c.tag,
      Override: c.overwrite,
      ...(crossAccount ? { TargetUserId: c.targetUid } : {}),
    });
    taskId = r.SyncTaskId;
    if (taskId === undefined) throw new AcrctlError('apply.no_id', `CreateRepoSyncTask for ${c.namespace}/${c.repository}:${c.tag} returned no SyncTaskId`, { address: s.id });
  }
  ctx.progress(`sync task ${taskId} copies ${c.namespace}/${c.repository}:${c.tag}`, { syncTaskId: taskId });
  await waitTask(ctx, cr, sourceId, taskId, c);
  return { ids: { syncTaskId: taskId } };
}

/**
 * `pending` when the newest task copying this tag into this target is still running; `done` when
 * the target holds the tag with the source digest; otherwise `absent`: an older task that failed
 * or succeeded before the target lost the tag is history, and nothing runs that a new task could
 * duplicate.
 */
async function observe(ctx: ExecContext, s: Subject<BackfillSpec, BackfillIds, BackfillKey>): Promise<Observation<BackfillIds>> {
  const c = copyOf(s);
  const sourceId = instanceIdOf(ctx, c.source);
  const targetId = instanceIdOf(ctx, c.target);
  const tasks = await tasksFor(ctx.cloud.cr(s.account, s.region), sourceId, targetId, c);
  const newest = tasks[0];
  if (newest?.SyncTaskId !== undefined && RUNNING.has(newest.TaskStatus ?? '')) return { state: 'present', upToDate: true, ready: false, ids: { syncTaskId: newest.SyncTaskId } };
  if (await copiedToTarget(ctx, targetId, c)) {
    const ok = tasks.find((t) => t.TaskStatus === 'SUCCESS')?.SyncTaskId;
    return { state: 'present', upToDate: true, ready: true, ...(ok !== undefined ? { ids: { syncTaskId: ok } } : {}) };
  }
  return { state: 'absent' };
}

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/replicationRule': {
      backfill: {
        description: 'Also copy images that predate the rule, as one sync task per tag. Above a threshold, the OSS copy and import route is recommended instead.',
        $ref: '#/$defs/backfill',
      },
    },
  },
  defs: {
    backfill: {
      description: 'Backfill of existing images.',
      type: 'object',
      required: ['latest'],
      additionalProperties: false,
      properties: {
        latest: {
          description: 'Latest N tags per repository to copy (at least 1).',
          type: 'integer',
          minimum: 1,
          maximum: 100000,
        },
        tagFilter: {
          description: 'Tag regex (RE2) for the backfill. Default: the rule\'s tagFilter.',
          $ref: '#/$defs/tagFilter',
        },
        overwrite: {
          description: 'Overwrite target tags whose digest differs.',
          type: 'boolean',
          default: false,
        },
      },
    },
  },
  sections: [['backfill', '#/$defs/backfill']],
};

/**
 * The calls of the kind (issue 17): no read of its own (the tags are the tag kind's); a copy is a
 * sync task on the source instance (CreateRepoSyncTask, All Resources), followed with
 * ListRepoSyncTask / GetRepoSyncTask, and judged done by the target's repositories and tags
 * (ListRepository and ListRepoTag in the target's account).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return replicationRules(config)
    .filter((r) => r.rule.backfill !== undefined)
    .flatMap((r) => {
      const source = instanceScope(config, r.source)!;
      const target = instanceScope(config, r.target)!;
      const repo = (r.rule.level ?? DEFAULTS.replication.level) === 'repository' ? r.rule.repository : undefined;
      const ns = { namespace: r.rule.namespace };
      return [
        ...instanceCalls(source, ['create'], ['cr:CreateRepoSyncTask', 'cr:GetRepoSyncTask']),
        ...instanceCalls(source, ['observe', 'create'], ['cr:ListRepoSyncTask']),
        ...instanceCalls(target, ['observe', 'create'], ['cr:ListRepository'], ns),
        ...instanceCalls(target, ['observe', 'create'], ['cr:ListRepoTag'], { ...ns, ...(repo !== undefined ? { repository: repo } : {}) }),
      ];
    });
}

export const backfillKind: Kind<BackfillSpec, BackfillIds, BackfillKey> = {
  name: 'backfill',
  readAfter: [],
  reportsUnmanaged: false,
  address: (key) => backfillAddress(key.instance, key.rule, key.namespace, key.repository, key.tag),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired() {
    return [];
  },

  derive(ctx) {
    return planBackfills(rulesOf(ctx.desired), ctx.live('tag')).objects;
  },

  extras(ctx) {
    return { findings: backfillFindings(planBackfills(rulesOf(ctx.desired), ctx.live('tag'))) };
  },

  async read() {
    return [];
  },


  classify(desired) {
    return desired !== undefined ? 'run' : undefined;
  },

  observe,
  /** A run: one CreateRepoSyncTask, then the wait for it. */
  create: run,
};
