/**
 * cr 2018-12-01 pull-through subscriptions: artifact subscription rules (Create/Get/List/Update/
 * DeleteArtifactSubscriptionRule) and tasks (CreateArtifactSubscriptionTask, Get/List…Task,
 * GetArtifactSubscriptionTaskResult). Records only: nothing is pulled from Docker Hub, GCR or Quay
 * (the emulator never leaves loopback), so a task completes with no tag (SPEC.md, "Pull-through
 * subscriptions").
 */
import type { CallContext, FlatParams, RpcAction } from '../../../core/contract.js';
import { optionalBool, optionalEnum, optionalInt, optionalString, repeatList, requireString, statusAt } from '../../../core/params.js';
import { findNamespace, REPO_NAME_RE, type CrState, type InstanceRecord, type SubscriptionRuleRecord, type SubscriptionState, type SubscriptionTaskRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields } from './common.js';

const PROVIDERS = ['DOCKER_HUB', 'GCR', 'QUAY'] as const;
/** Accepted TagCount (chosen: the docs give no range). */
const TAG_COUNT_MAX = 1000;
const SOURCE_DOMAIN: Readonly<Record<(typeof PROVIDERS)[number], string>> = { DOCKER_HUB: 'docker.io', GCR: 'gcr.io', QUAY: 'quay.io' };

function state(inst: InstanceRecord): SubscriptionState {
  inst.subscriptions ??= { rules: [], tasks: [] };
  return inst.subscriptions;
}
function peek(inst: InstanceRecord): SubscriptionState {
  return inst.subscriptions ?? { rules: [], tasks: [] };
}

function findRule(inst: InstanceRecord, p: FlatParams): SubscriptionRuleRecord {
  const id = requireString(p, 'RuleId');
  const r = peek(inst).rules.find((x) => x.ruleId === id);
  if (r === undefined) throw crError('ARTIFACT_SUBSCRIPTION_RULE_NOT_EXIST', `The artifact subscription rule ${id} does not exist.`);
  return r;
}

function findTask(inst: InstanceRecord, p: FlatParams): SubscriptionTaskRecord {
  const id = requireString(p, 'TaskId');
  const t = peek(inst).tasks.find((x) => x.taskId === id);
  if (t === undefined) throw crError('ARTIFACT_SUBSCRIPTION_TASK_NOT_EXIST', `The artifact subscription task ${id} does not exist.`);
  return t;
}

function ruleBody(inst: InstanceRecord, r: SubscriptionRuleRecord): Record<string, unknown> {
  return {
    InstanceId: inst.instanceId,
    RuleId: r.ruleId,
    SourceProvider: r.sourceProvider,
    SourceDomain: SOURCE_DOMAIN[r.sourceProvider],
    SourceNamespaceName: r.sourceNamespace,
    SourceRepoName: r.sourceRepo,
    NamespaceName: r.namespace,
    RepoName: r.repo,
    TagRegexp: r.tagRegexp,
    TagCount: r.tagCount,
    Override: r.override,
    Accelerate: r.accelerate,
    Platform: [...r.platforms],
    CreateTime: r.createdAt,
    ModifiedTime: r.modifiedAt,
  };
}

function taskBody(ctx: CallContext, inst: InstanceRecord, t: SubscriptionTaskRecord, timesAsStrings: boolean): Record<string, unknown> {
  const status = statusAt(t.lifecycle, ctx.now());
  const end = t.lifecycle.startedAt + t.lifecycle.phases.reduce((n, [, d]) => n + d, 0);
  const time = (ms: number) => (timesAsStrings ? String(ms) : ms);
  return {
    InstanceId: inst.instanceId,
    TaskId: t.taskId,
    TaskType: t.taskType,
    TaskStatus: status,
    TaskResult: status === 'COMPLETED' ? 'SUCCESS' : '',
    Message: status === 'COMPLETED' ? 'success' : '',
    ArtifactType: 'IMAGE',
    SourceProvider: t.source.provider,
    SourceNamespaceName: t.source.namespace,
    SourceRepoName: t.source.repo,
    SourceRepoType: 'PUBLIC',
    NamespaceName: t.target.namespace,
    RepoName: t.target.repo,
    // Nothing is pulled from the internet: no tag is found or subscribed (chosen, see SPEC.md).
    TagTotalCount: 0,
    TagSubscriptionCount: 0,
    StartTime: time(t.lifecycle.startedAt),
    ...(status === 'COMPLETED' ? { EndTime: time(end) } : {}),
  };
}

function tagRegexp(p: FlatParams, required: boolean): string | undefined {
  const re = required ? requireString(p, 'TagRegexp') : optionalString(p, 'TagRegexp');
  if (re === undefined) return undefined;
  try {
    new RegExp(re);
  } catch {
    throw invalidParameter('TagRegexp', `${re} is not a regular expression.`);
  }
  return re;
}

function tagCount(p: FlatParams, required: boolean): number | undefined {
  if (required) requireString(p, 'TagCount');
  const n = optionalInt(p, 'TagCount');
  if (n !== undefined && (n < 1 || n > TAG_COUNT_MAX)) throw invalidParameter('TagCount', `must be between 1 and ${TAG_COUNT_MAX}.`);
  return n;
}

function platforms(p: FlatParams, required: boolean): string[] | undefined {
  const list = repeatList(p, 'Platform');
  if (list.length === 0) {
    if (required) throw invalidParameter('Platform', 'at least one operating system and architecture (Platform.1) is required.');
    return undefined;
  }
  for (const x of list) if (!/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(x)) throw invalidParameter('Platform', `${x} is not an os/architecture such as linux/amd64.`);
  return [...new Set(list)];
}

/** The target repository must be a valid name in an existing namespace; one rule per target repository (chosen). */
function checkTarget(inst: InstanceRecord, namespace: string, repo: string, except?: SubscriptionRuleRecord): void {
  findNamespace(inst, namespace);
  if (!REPO_NAME_RE.test(repo)) throw invalidParameter('RepoName', `${repo} breaks the repository naming rule.`);
  if (peek(inst).rules.some((r) => r !== except && r.namespace === namespace && r.repo === repo)) {
    throw crError('ARTIFACT_SUBSCRIPTION_RULE_ALREADY_EXIST', `The repository ${namespace}/${repo} already has a subscription rule.`);
  }
}

function listRules(ctx: CallContext, p: FlatParams, st: CrState): Record<string, unknown> {
  const inst = callInstance(ctx, p, st);
  const page = pageFields(ctx, peek(inst).rules, p, false);
  return ok({ Rules: page.items.map((r) => ruleBody(inst, r)), ...page.fields });
}

export const subscriptionActions: Readonly<Record<string, RpcAction>> = {
  ListArtifactSubscriptionRule: action(false, listRules),

  GetArtifactSubscriptionRule: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    return ok(ruleBody(inst, findRule(inst, p)));
  }),

  CreateArtifactSubscriptionRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const provider = optionalEnum(p, 'SourceProvider', PROVIDERS) ?? (requireString(p, 'SourceProvider') as never);
    const sourceRepo = requireString(p, 'SourceRepoName');
    const namespace = requireString(p, 'NamespaceName');
    const repo = requireString(p, 'RepoName');
    const re = tagRegexp(p, true)!;
    const count = tagCount(p, true)!;
    const plats = platforms(p, true)!;
    checkTarget(inst, namespace, repo);
    const now = ctx.now();
    const rule: SubscriptionRuleRecord = {
      ruleId: ctx.ids.next('crasr-'),
      sourceProvider: provider,
      sourceNamespace: optionalString(p, 'SourceNamespaceName') ?? '',
      sourceRepo,
      namespace,
      repo,
      tagRegexp: re,
      tagCount: count,
      override: optionalBool(p, 'Override') ?? false,
      accelerate: optionalBool(p, 'Accelerate') ?? false,
      platforms: plats,
      createdAt: now,
      modifiedAt: now,
    };
    state(inst).rules.push(rule);
    return ok({ RuleId: rule.ruleId });
  }),

  /** Every field but the id may change; Accelerate and Override come as strings here (the SDK model). */
  UpdateArtifactSubscriptionRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const rule = findRule(inst, p);
    const provider = optionalEnum(p, 'SourceProvider', PROVIDERS);
    const namespace = optionalString(p, 'NamespaceName') ?? rule.namespace;
    const repo = optionalString(p, 'RepoName') ?? rule.repo;
    if (namespace !== rule.namespace || repo !== rule.repo) checkTarget(inst, namespace, repo, rule);
    const re = tagRegexp(p, false);
    const count = tagCount(p, false);
    const plats = platforms(p, false);
    const override = optionalBool(p, 'Override');
    const accelerate = optionalBool(p, 'Accelerate');
    if (provider !== undefined) rule.sourceProvider = provider;
    const srcNs = optionalString(p, 'SourceNamespaceName');
    if (srcNs !== undefined) rule.sourceNamespace = srcNs;
    const srcRepo = optionalString(p, 'SourceRepoName');
    if (srcRepo !== undefined) rule.sourceRepo = srcRepo;
    rule.namespace = namespace;
    rule.repo = repo;
    if (re !== undefined) rule.tagRegexp = re;
    if (count !== undefined) rule.tagCount = count;
    if (plats !== undefined) rule.platforms = plats;
    if (override !== undefined) rule.override = override;
    if (accelerate !== undefined) rule.accelerate = accelerate;
    rule.modifiedAt = ctx.now();
    return ok();
  }),

  DeleteArtifactSubscriptionRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const rule = findRule(inst, p);
    const s = state(inst);
    s.rules = s.rules.filter((r) => r !== rule);
    return ok();
  }),

  CreateArtifactSubscriptionTask: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const rule = findRule(inst, p);
    const now = ctx.now();
    const task: SubscriptionTaskRecord = {
      taskId: ctx.ids.next('crast-'),
      ruleId: rule.ruleId,
      taskType: 'MANUAL',
      source: { provider: rule.sourceProvider, namespace: rule.sourceNamespace, repo: rule.sourceRepo },
      target: { namespace: rule.namespace, repo: rule.repo },
      lifecycle: { startedAt: now, phases: [['RUNNING', ctx.settings.async.syncTaskRunning]], final: 'COMPLETED' },
      createdAt: now,
    };
    state(inst).tasks.push(task);
    return ok({ TaskId: task.taskId });
  }),

  GetArtifactSubscriptionTask: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    return ok(taskBody(ctx, inst, findTask(inst, p), false));
  }),

  ListArtifactSubscriptionTask: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const newestFirst = [...peek(inst).tasks].reverse();
    const page = pageFields(ctx, newestFirst, p, false);
    return ok({ Tasks: page.items.map((t) => taskBody(ctx, inst, t, true)), ...page.fields });
  }),

  /** The tags a task pulled: none, as nothing is pulled from the internet (chosen). */
  GetArtifactSubscriptionTaskResult: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    findTask(inst, p);
    const page = pageFields(ctx, [] as unknown[], p, false);
    return ok({ TaskResults: page.items, ...page.fields });
  }),
};
