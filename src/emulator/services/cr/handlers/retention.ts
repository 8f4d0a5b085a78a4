/**
 * cr 2018-12-01 artifact lifecycle (retention) rules: Create/Update/Delete/Get/ListArtifactLifecycleRule,
 * and an admin route that runs a rule now (the service runs them on their schedule), so tests can
 * check what a plan predicted against what a run deletes. Behaviour and guesses: SPEC.md "Retention".
 */
import { ApiError, type AdminRoute, type FlatParams, type RpcAction } from '../../../core/contract.js';
import { optionalBool, optionalEnum, optionalInt, optionalString, requireString } from '../../../core/params.js';
import { crState, findNamespace, findRepoByName, instanceStatus, settle, sortedTags, type InstanceRecord, type LifecycleRuleRecord, type RepoRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields } from './common.js';

export const LIFECYCLE_SCOPES = ['INSTANCE', 'NAMESPACE', 'REPO'] as const;
/** Schedules the emulator accepts (WEEK is the documented example; DAY and MONTH are guesses, SPEC.md). */
export const LIFECYCLE_SCHEDULES = ['DAY', 'WEEK', 'MONTH'] as const;
const PERIOD_MS: Readonly<Record<string, number>> = { DAY: 86_400_000, WEEK: 7 * 86_400_000, MONTH: 30 * 86_400_000 };

function rulesOf(inst: InstanceRecord): LifecycleRuleRecord[] {
  return (inst.lifecycleRules ??= []);
}

function findRule(inst: InstanceRecord, p: FlatParams): LifecycleRuleRecord {
  const id = requireString(p, 'RuleId');
  const rule = rulesOf(inst).find((r) => r.ruleId === id);
  if (rule === undefined) throw crError('LIFECYCLE_RULE_NOT_EXIST', `The lifecycle rule ${id} does not exist.`);
  return rule;
}

/** The scope target of a rule as its natural identity: one rule per instance, namespace or repository. */
function target(r: Pick<LifecycleRuleRecord, 'scope' | 'namespace' | 'repo'>): string {
  return r.scope === 'INSTANCE' ? '' : r.scope === 'NAMESPACE' ? `${r.namespace ?? ''}/` : `${r.namespace ?? ''}/${r.repo ?? ''}`;
}

/** Scope, namespace and repository of a call, checked against the instance (existing objects only). */
function scopeOf(inst: InstanceRecord, p: FlatParams, current?: LifecycleRuleRecord): Pick<LifecycleRuleRecord, 'scope' | 'namespace' | 'repo'> {
  const scope = optionalEnum(p, 'Scope', LIFECYCLE_SCOPES) ?? current?.scope ?? 'INSTANCE';
  const namespace = optionalString(p, 'NamespaceName') ?? (current?.scope === scope ? current.namespace : undefined);
  const repo = optionalString(p, 'RepoName') ?? (current?.scope === scope ? current.repo : undefined);
  if (scope === 'INSTANCE') {
    if (namespace !== undefined || repo !== undefined) throw invalidParameter('Scope', 'a rule of scope INSTANCE names no namespace or repository.');
    return { scope };
  }
  if (namespace === undefined) throw invalidParameter('NamespaceName', `a rule of scope ${scope} needs NamespaceName.`);
  findNamespace(inst, namespace);
  if (scope === 'NAMESPACE') {
    if (repo !== undefined) throw invalidParameter('RepoName', 'a rule of scope NAMESPACE names no repository.');
    return { scope, namespace };
  }
  if (repo === undefined) throw invalidParameter('RepoName', 'a rule of scope REPO needs RepoName.');
  if (findRepoByName(inst, namespace, repo) === undefined) throw crError('REPO_NOT_EXIST', `The repository ${namespace}/${repo} does not exist.`);
  return { scope, namespace, repo };
}

function settings(p: FlatParams, current?: LifecycleRuleRecord): Pick<LifecycleRuleRecord, 'retentionTagCount' | 'tagRegexp' | 'scheduleTime' | 'auto' | 'enableDeleteTag'> {
  const count = optionalInt(p, 'RetentionTagCount') ?? current?.retentionTagCount ?? 30;
  if (count < 1) throw invalidParameter('RetentionTagCount', 'at least one tag is retained.');
  const tagRegexp = p['TagRegexp'] ?? current?.tagRegexp ?? '';
  if (tagRegexp !== '') {
    try {
      new RegExp(tagRegexp);
    } catch {
      throw invalidParameter('TagRegexp', `${tagRegexp} is not a regular expression.`);
    }
  }
  return {
    retentionTagCount: count,
    tagRegexp,
    scheduleTime: optionalEnum(p, 'ScheduleTime', LIFECYCLE_SCHEDULES) ?? current?.scheduleTime ?? 'WEEK',
    auto: optionalBool(p, 'Auto') ?? current?.auto ?? false,
    enableDeleteTag: optionalBool(p, 'EnableDeleteTag') ?? current?.enableDeleteTag ?? true,
  };
}

function unique(inst: InstanceRecord, scope: Pick<LifecycleRuleRecord, 'scope' | 'namespace' | 'repo'>, except?: string): void {
  const clash = rulesOf(inst).find((r) => r.ruleId !== except && target(r) === target(scope));
  if (clash !== undefined) throw crError('LIFECYCLE_RULE_ALREADY_EXIST', `The lifecycle rule ${clash.ruleId} already covers this scope.`);
}

function view(inst: InstanceRecord, r: LifecycleRuleRecord): Record<string, unknown> {
  return {
    RuleId: r.ruleId,
    InstanceId: inst.instanceId,
    Scope: r.scope,
    NamespaceName: r.namespace ?? '',
    RepoName: r.repo ?? '',
    RetentionTagCount: r.retentionTagCount,
    TagRegexp: r.tagRegexp,
    ScheduleTime: r.scheduleTime,
    Auto: r.auto,
    EnableDeleteTag: r.enableDeleteTag,
    CreateTime: r.createdAt,
    ModifiedTime: r.modifiedAt,
    NextTime: r.modifiedAt + (PERIOD_MS[r.scheduleTime] ?? PERIOD_MS['WEEK']!),
  };
}

/** The repositories a rule covers. */
function reposInScope(inst: InstanceRecord, r: LifecycleRuleRecord): RepoRecord[] {
  return inst.repoOrder
    .map((id) => inst.repos[id]!)
    .filter((repo) => r.scope === 'INSTANCE' || (repo.namespace === r.namespace && (r.scope === 'NAMESPACE' || repo.name === r.repo)));
}

/**
 * The tags a run deletes from one repository (SPEC.md, a guess at the service's order): tags whose
 * whole name matches TagRegexp are kept; of the others, the RetentionTagCount most recently pushed
 * are kept; the rest go.
 */
export function retentionVictims(repo: RepoRecord, r: Pick<LifecycleRuleRecord, 'retentionTagCount' | 'tagRegexp' | 'enableDeleteTag'>): string[] {
  if (!r.enableDeleteTag) return [];
  const keep = r.tagRegexp === '' ? undefined : new RegExp(`^(?:${r.tagRegexp})$`);
  const candidates = sortedTags(repo).filter((t) => keep === undefined || !keep.test(t.tag));
  return candidates.slice(r.retentionTagCount).map((t) => t.tag);
}

export const retentionActions: Readonly<Record<string, RpcAction>> = {
  CreateArtifactLifecycleRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const scope = scopeOf(inst, p);
    const set = settings(p);
    unique(inst, scope);
    const now = ctx.now();
    const rule: LifecycleRuleRecord = { ruleId: ctx.ids.next('cralr-'), ...scope, ...set, createdAt: now, modifiedAt: now };
    rulesOf(inst).push(rule);
    return ok({ RuleId: rule.ruleId });
  }),

  UpdateArtifactLifecycleRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const rule = findRule(inst, p);
    const scope = scopeOf(inst, p, rule);
    const set = settings(p, rule);
    unique(inst, scope, rule.ruleId);
    delete rule.namespace;
    delete rule.repo;
    Object.assign(rule, scope, set, { modifiedAt: ctx.now() });
    return ok();
  }),

  DeleteArtifactLifecycleRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const rule = findRule(inst, p);
    inst.lifecycleRules = rulesOf(inst).filter((r) => r !== rule);
    return ok();
  }),

  GetArtifactLifecycleRule: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    return ok(view(inst, findRule(inst, p)));
  }),

  ListArtifactLifecycleRule: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const enabled = optionalBool(p, 'EnableDeleteTag');
    const rules = rulesOf(inst).filter((r) => enabled === undefined || r.enableDeleteTag === enabled);
    const page = pageFields(ctx, rules, p, false);
    return ok({ ...page.fields, Rules: page.items.map((r) => view(inst, r)) });
  }),
};

export const retentionAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/cr/instances/{InstanceId}/lifecycle-rules/{RuleId}/run',
    summary: 'Run an artifact lifecycle rule now (the service runs them on their schedule): deletes the tags it does not retain; answers {"deleted": ["ns/repo:tag", …]}.',
    handle(ctx, pp) {
      settle(ctx);
      const inst = pp['InstanceId'] === undefined ? undefined : crState(ctx).instances[pp['InstanceId']];
      if (inst === undefined || instanceStatus(inst, ctx.now()) !== 'RUNNING') throw new ApiError('INSTANCE_NOT_EXIST', `The instance ${pp['InstanceId'] ?? ''} is not RUNNING.`, 404);
      const rule = rulesOf(inst).find((r) => r.ruleId === pp['RuleId']);
      if (rule === undefined) throw new ApiError('LIFECYCLE_RULE_NOT_EXIST', `The lifecycle rule ${pp['RuleId'] ?? ''} does not exist.`, 404);
      const deleted: string[] = [];
      for (const repo of reposInScope(inst, rule)) {
        for (const tag of retentionVictims(repo, rule)) {
          delete repo.tags[tag];
          deleted.push(`${repo.namespace}/${repo.name}:${tag}`);
        }
      }
      return { deleted };
    },
  },
];
