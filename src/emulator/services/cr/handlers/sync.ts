/** cr 2018-12-01 sync (replication) rules and sync tasks, with the cross-account rules of DOMAIN.md (003). */
import type { CallContext, FlatParams, RpcAction } from '../../../core/contract.js';
import { optionalEnum, optionalInt, optionalString, requireString } from '../../../core/params.js';
import { findRole, roleAllows, trustAllowsService } from '../../ram/query.js';
import {
  createSyncTask,
  findRepoByName,
  instanceStatus,
  taskSpecForRule,
  taskStatus,
  type CrState,
  type InstanceRecord,
  type SyncRuleRecord,
  type SyncTaskRecord,
} from '../models.js';
import { crError, invalidParameter, noPrivilege } from '../errors.js';
import { isIsolatedCloud } from '../regions.js';
import { action, callInstance, ok, pageFields } from './common.js';

/** The RAM role a target account must hold for cross-account replication (sic: "accout"). */
export const CROSS_ACCOUNT_ROLE = 'aliyuncontainerregistrycrossaccoutsyncrole';

/**
 * The target instance of a rule or task: owned by `TargetUserId` (default: the caller), in
 * `TargetRegionId`, RUNNING. Another account's instance without TargetUserId is not found.
 */
function targetInstance(ctx: CallContext, p: FlatParams, st: CrState): InstanceRecord {
  const id = requireString(p, 'TargetInstanceId');
  const region = requireString(p, 'TargetRegionId');
  const uid = optionalString(p, 'TargetUserId') ?? ctx.accountUid;
  const inst = st.instances[id];
  const status = inst === undefined ? undefined : instanceStatus(inst, ctx.now());
  if (inst === undefined || status === undefined || inst.accountUid !== uid || inst.region !== region) {
    throw crError('INSTANCE_NOT_EXIST', `The target instance ${id} does not exist in ${region} of account ${uid}.`);
  }
  if (status !== 'RUNNING') throw crError('INSTANCE_STATUS_NOT_SUPPORT', `The target instance ${id} is ${status}.`);
  return inst;
}

/**
 * Cross-account checks (DOMAIN.md 003): the source must be Advanced, public-cloud sources cannot
 * replicate into finance/government regions, and the target account must hold the cross-account
 * role, trusting `<source uid>@cr.aliyuncs.com`, with a policy allowing every `actions` entry on the
 * target instance's ARN.
 */
function checkCrossAccount(ctx: CallContext, source: InstanceRecord, target: InstanceRecord, actions: readonly string[]): void {
  if (source.accountUid === target.accountUid) return;
  if (source.edition !== 'Advanced') {
    throw crError('INSTANCE_SPECIFICATION_NOT_SUPPORT', `Cross-account replication needs an Advanced source instance; ${source.instanceId} is ${source.edition}.`);
  }
  if (isIsolatedCloud(target.region) && !isIsolatedCloud(source.region)) {
    throw crError('REGION_NOT_SUPPORT', `Images cannot be replicated from public-cloud region ${source.region} into ${target.region}.`);
  }
  const principal = `${source.accountUid}@cr.aliyuncs.com`;
  const arn = `acs:cr:${target.region}:${target.accountUid}:instance/${target.instanceId}`;
  const role = findRole(ctx.state, target.accountUid, CROSS_ACCOUNT_ROLE);
  const missing: string[] = [];
  if (role === undefined) missing.push(`role ${CROSS_ACCOUNT_ROLE} does not exist`);
  else {
    if (!trustAllowsService(role, principal)) missing.push(`its trust policy does not let ${principal} assume it`);
    for (const a of actions) if (!roleAllows(ctx.state, target.accountUid, CROSS_ACCOUNT_ROLE, a, arn)) missing.push(`no attached policy allows ${a} on ${arn}`);
  }
  if (missing.length > 0) {
    throw noPrivilege(`Account ${target.accountUid} has not authorized account ${source.accountUid} to replicate into ${target.instanceId}: ${missing.join('; ')}.`);
  }
}

function ruleView(rule: SyncRuleRecord, direction: 'FROM' | 'TO'): Record<string, unknown> {
  return {
    SyncRuleId: rule.syncRuleId,
    SyncRuleName: rule.name,
    SyncDirection: direction,
    SyncScope: rule.scope,
    SyncTrigger: rule.trigger,
    TagFilter: rule.tagFilter,
    NamespaceNameFilter: rule.namespaceNameFilter ?? '',
    RepoNameFilter: rule.repoNameFilter ?? '',
    CrossUser: rule.sourceUid !== rule.targetUid,
    LinkId: '',
    Priority: rule.priority,
    LocalInstanceId: rule.sourceInstanceId,
    LocalRegionId: rule.sourceRegion,
    LocalNamespaceName: rule.namespace,
    LocalRepoName: rule.repo ?? '',
    TargetInstanceId: rule.targetInstanceId,
    TargetRegionId: rule.targetRegion,
    TargetNamespaceName: rule.targetNamespace,
    TargetRepoName: rule.targetRepo ?? '',
    CreateTime: rule.createdAt,
    ModifiedTime: rule.createdAt,
  };
}

function imageRefView(r: SyncTaskRecord['from']): Record<string, unknown> {
  return { InstanceId: r.instanceId, RegionId: r.region, RepoNamespaceName: r.namespace, RepoName: r.repo, ImageTag: r.tag };
}

function taskView(task: SyncTaskRecord, now: number): Record<string, unknown> {
  return {
    SyncTaskId: task.syncTaskId,
    SyncRuleId: task.syncRuleId ?? '',
    SyncBatchTaskId: task.batchTaskId,
    TaskStatus: taskStatus(task, now),
    TaskTrigger: task.trigger,
    TaskIssue: task.outcome?.issue ?? '',
    CrossUser: task.crossUser,
    SyncTransAccelerate: false,
    Priority: task.priority,
    ImageFrom: imageRefView(task.from),
    ImageTo: imageRefView(task.to),
    CreateTime: task.createdAt,
    ModifiedTime: task.outcome?.at ?? task.createdAt,
  };
}

/** The task `SyncTaskId` of the source instance of the call. */
function callTask(p: FlatParams, st: CrState, inst: InstanceRecord): SyncTaskRecord {
  const id = requireString(p, 'SyncTaskId');
  const task = st.syncTasks[id];
  if (task === undefined || task.from.instanceId !== inst.instanceId) throw crError('SYNC_TASK_NOT_EXIST', `The sync task ${id} does not exist.`);
  return task;
}

export const syncActions: Readonly<Record<string, RpcAction>> = {
  CreateRepoSyncRule: action(true, (ctx, p, st) => {
    const source = callInstance(ctx, p, st);
    const name = requireString(p, 'SyncRuleName');
    requireString(p, 'SyncScope');
    const scope = optionalEnum(p, 'SyncScope', ['REPO', 'NAMESPACE'] as const) ?? 'REPO';
    const trigger = optionalEnum(p, 'SyncTrigger', ['PASSIVE', 'INITIATIVE'] as const) ?? 'PASSIVE';
    const tagFilter = requireString(p, 'TagFilter');
    try {
      new RegExp(tagFilter);
    } catch {
      throw invalidParameter('TagFilter', `${tagFilter} is not a regular expression.`);
    }
    const namespace = requireString(p, 'NamespaceName');
    const targetNamespace = optionalString(p, 'TargetNamespaceName') ?? namespace;
    const target = targetInstance(ctx, p, st);
    if (target.instanceId === source.instanceId) throw invalidParameter('TargetInstanceId', 'a rule cannot replicate an instance into itself.');
    if (Object.values(st.syncRules).some((r) => r.sourceInstanceId === source.instanceId && r.name === name)) {
      throw crError('SYNC_RULE_ALREADY_EXIST', `A sync rule named ${name} already exists on ${source.instanceId}.`);
    }
    // Both sides need the namespace, under the same name (DOMAIN.md 003).
    if (targetNamespace !== namespace) {
      throw crError('SYNC_NAMESPACE_NOT_MATCH', `The target namespace must have the same name as the source namespace ${namespace}.`);
    }
    if (source.namespaces[namespace] === undefined) throw crError('NAMESPACE_NOT_EXIST', `The namespace ${namespace} does not exist in the source instance.`);
    const targetNs = target.namespaces[targetNamespace];
    if (targetNs === undefined) throw crError('NAMESPACE_NOT_EXIST', `The namespace ${targetNamespace} does not exist in the target instance ${target.instanceId}.`);
    let repo: string | undefined;
    let targetRepo: string | undefined;
    if (scope === 'NAMESPACE') {
      if (!targetNs.autoCreateRepo) {
        throw crError('TARGET_NAMESPACE_AUTO_CREATE_REPO_DISABLED', `A namespace-level rule needs automatic repository creation on namespace ${targetNamespace} of the target instance.`);
      }
    } else {
      repo = requireString(p, 'RepoName');
      targetRepo = optionalString(p, 'TargetRepoName') ?? repo;
      if (targetRepo !== repo) throw crError('SYNC_REPO_NOT_MATCH', `The target repository must have the same name as the source repository ${repo}.`);
      if (findRepoByName(source, namespace, repo) === undefined) throw crError('REPO_NOT_EXIST', `The repository ${namespace}/${repo} does not exist in the source instance.`);
      if (findRepoByName(target, targetNamespace, targetRepo) === undefined) {
        throw crError('REPO_NOT_EXIST', `The repository ${targetNamespace}/${targetRepo} does not exist in the target instance ${target.instanceId}.`);
      }
    }
    checkCrossAccount(ctx, source, target, ['cr:CreateSyncRule', 'cr:CreateRepositorySync']);
    const rule: SyncRuleRecord = {
      syncRuleId: ctx.ids.next('crsr-'),
      name,
      sourceInstanceId: source.instanceId,
      sourceRegion: source.region,
      sourceUid: source.accountUid,
      namespace,
      targetInstanceId: target.instanceId,
      targetRegion: target.region,
      targetUid: target.accountUid,
      targetNamespace,
      scope,
      trigger,
      tagFilter,
      priority: optionalInt(p, 'Priority') ?? 0,
      createdAt: ctx.now(),
    };
    if (repo !== undefined) rule.repo = repo;
    if (targetRepo !== undefined) rule.targetRepo = targetRepo;
    const nsf = optionalString(p, 'NamespaceNameFilter');
    if (nsf !== undefined) rule.namespaceNameFilter = nsf;
    const rf = optionalString(p, 'RepoNameFilter');
    if (rf !== undefined) rule.repoNameFilter = rf;
    st.syncRules[rule.syncRuleId] = rule;
    return ok({ SyncRuleId: rule.syncRuleId });
  }),

  ListRepoSyncRule: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const ns = optionalString(p, 'NamespaceName');
    const repo = optionalString(p, 'RepoName');
    const tid = optionalString(p, 'TargetInstanceId');
    const treg = optionalString(p, 'TargetRegionId');
    const rows = Object.values(st.syncRules)
      .filter((r) => r.sourceInstanceId === inst.instanceId || r.targetInstanceId === inst.instanceId)
      .filter((r) => {
        const local = r.sourceInstanceId === inst.instanceId;
        return (
          (ns === undefined || (local ? r.namespace : r.targetNamespace) === ns) &&
          (repo === undefined || (local ? r.repo : r.targetRepo) === repo) &&
          (tid === undefined || r.targetInstanceId === tid) &&
          (treg === undefined || r.targetRegion === treg)
        );
      })
      .sort((a, b) => a.createdAt - b.createdAt || (a.syncRuleId < b.syncRuleId ? -1 : 1));
    const page = pageFields(ctx, rows, p, false);
    return ok({
      ...page.fields,
      SyncRules: page.items.map((r) => ruleView(r, r.sourceInstanceId === inst.instanceId ? 'FROM' : 'TO')),
    });
  }),

  DeleteRepoSyncRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const id = requireString(p, 'SyncRuleId');
    const rule = st.syncRules[id];
    if (rule === undefined || (rule.sourceInstanceId !== inst.instanceId && rule.targetInstanceId !== inst.instanceId)) {
      throw crError('SYNC_RULE_NOT_EXIST', `The sync rule ${id} does not exist.`);
    }
    if (rule.sourceInstanceId !== inst.instanceId) {
      throw crError('SYNC_RULE_DIRECTION_NOT_SUPPORT', `The sync rule ${id} replicates into ${inst.instanceId}; delete it from its source instance ${rule.sourceInstanceId}.`);
    }
    delete st.syncRules[id];
    return ok();
  }),

  CreateRepoSyncTask: action(true, (ctx, p, st) => {
    const source = callInstance(ctx, p, st);
    const repoId = requireString(p, 'RepoId');
    const repo = source.repos[repoId];
    if (repo === undefined) throw crError('REPO_NOT_EXIST', `The repository ${repoId} does not exist.`);
    const tagName = requireString(p, 'Tag');
    const tag = repo.tags[tagName];
    if (tag === undefined) throw crError('TAG_NOT_EXIST', `The tag ${tagName} of ${repo.namespace}/${repo.name} does not exist.`);
    const targetNs = requireString(p, 'TargetNamespace');
    const targetRepo = requireString(p, 'TargetRepoName');
    const targetTag = requireString(p, 'TargetTag');
    const target = targetInstance(ctx, p, st);
    checkCrossAccount(ctx, source, target, ['cr:CreateRepositorySync']);
    const image: SyncTaskRecord['image'] = { digest: tag.digest, imageId: tag.imageId, size: tag.size };
    if (tag.mediaType !== undefined) image.mediaType = tag.mediaType;
    const task = createSyncTask(ctx, {
      trigger: 'INITIATIVE',
      crossUser: source.accountUid !== target.accountUid,
      from: { instanceId: source.instanceId, region: source.region, namespace: repo.namespace, repo: repo.name, tag: tag.tag },
      to: { instanceId: target.instanceId, region: target.region, namespace: targetNs, repo: targetRepo, tag: targetTag },
      image,
      override: p['Override'] !== 'false',
      priority: optionalInt(p, 'Priority') ?? 0,
    });
    return ok({ SyncTaskId: task.syncTaskId });
  }),

  CreateRepoSyncTaskByRule: action(true, (ctx, p, st) => {
    const source = callInstance(ctx, p, st);
    const ruleId = requireString(p, 'SyncRuleId');
    const rule = st.syncRules[ruleId];
    if (rule === undefined || rule.sourceInstanceId !== source.instanceId) throw crError('SYNC_RULE_NOT_EXIST', `The sync rule ${ruleId} does not exist.`);
    const repoId = requireString(p, 'RepoId');
    const repo = source.repos[repoId];
    if (repo === undefined) throw crError('REPO_NOT_EXIST', `The repository ${repoId} does not exist.`);
    if (repo.namespace !== rule.namespace || (rule.scope === 'REPO' && repo.name !== rule.repo)) {
      throw crError('SYNC_RULE_NOT_MATCH', `The repository ${repo.namespace}/${repo.name} is outside the scope of rule ${ruleId}.`);
    }
    const tagName = requireString(p, 'Tag');
    const tag = repo.tags[tagName];
    if (tag === undefined) throw crError('TAG_NOT_EXIST', `The tag ${tagName} of ${repo.namespace}/${repo.name} does not exist.`);
    const task = createSyncTask(ctx, { ...taskSpecForRule(rule, repo, tag, 'INITIATIVE'), priority: optionalInt(p, 'Priority') ?? rule.priority });
    return ok({ SyncTaskId: task.syncTaskId });
  }),

  ListRepoSyncTask: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const ns = optionalString(p, 'RepoNamespaceName');
    const repo = optionalString(p, 'RepoName');
    const tag = optionalString(p, 'Tag');
    const batch = optionalString(p, 'SyncRecordId');
    const now = ctx.now();
    const rows = Object.values(st.syncTasks)
      .filter(
        (t) =>
          t.from.instanceId === inst.instanceId &&
          (ns === undefined || t.from.namespace === ns) &&
          (repo === undefined || t.from.repo === repo) &&
          (tag === undefined || t.from.tag === tag) &&
          (batch === undefined || t.batchTaskId === batch),
      )
      .sort((a, b) => b.createdAt - a.createdAt || (a.syncTaskId < b.syncTaskId ? 1 : -1));
    const page = pageFields(ctx, rows, p, true);
    return ok({ ...page.fields, SyncTasks: page.items.map((t) => taskView(t, now)) });
  }),

  GetRepoSyncTask: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const task = callTask(p, st, inst);
    const now = ctx.now();
    const status = taskStatus(task, now);
    const view = taskView(task, now);
    delete view['CreateTime'];
    delete view['ModifiedTime'];
    return ok({
      ...view,
      Progress: status === 'SUCCESS' ? 1 : 0,
      SyncedSize: status === 'SUCCESS' ? task.image.size : 0,
      LayerTasks: [],
    });
  }),

  CancelRepoSyncTask: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const task = callTask(p, st, inst);
    const now = ctx.now();
    const status = taskStatus(task, now);
    if (status !== 'PENDING' && status !== 'SYNCHRONIZING') {
      throw crError('SYNC_TASK_STATUS_NOT_SUPPORT', `The sync task ${task.syncTaskId} is ${status} and can no longer be cancelled.`);
    }
    task.outcome = { status: 'CANCELED', issue: '', at: now };
    st.unsettledTasks = st.unsettledTasks.filter((id) => id !== task.syncTaskId);
    return ok();
  }),
};
