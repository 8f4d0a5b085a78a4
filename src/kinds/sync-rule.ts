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
 *
 * Also exports the flattening of `instances.*.replication` that the backfill and RAM kinds share.
 */
import type { CrClient, CrSyncRule } from '../cloud/cr.js';
import { DEFAULTS, type Instance, type RegistryDocument, type ReplicationRule } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import type { Action } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import { instanceIdOf, prunes, runningInstances } from './instance.js';
import { crFor, existsDifferent, isNotFound, lastName, unsupported, vendorCode } from './support.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';

/** One replication rule of the config, with both ends resolved. */
export interface RuleRef {
  /** Alias of the source instance. */
  readonly source: string;
  readonly sourceInstance: Instance;
  /** Alias of the target instance. */
  readonly target: string;
  readonly targetInstance: Instance;
  readonly rule: ReplicationRule;
  readonly sourceUid: string;
  readonly targetUid: string;
  /** True when the two instances belong to accounts with different UIDs. */
  readonly crossAccount: boolean;
}

/**
 * Every replication rule whose source and target are declared instances of declared accounts, in
 * config order. Rules naming an unknown instance are left out: the reference checker reports them.
 * Pure.
 */
export function replicationRules(config: RegistryDocument): RuleRef[] {
  const out: RuleRef[] = [];
  for (const [source, sourceInstance] of Object.entries(config.instances ?? {})) {
    for (const rule of sourceInstance.replication ?? []) {
      const targetInstance = config.instances?.[rule.to];
      const sourceUid = config.accounts[sourceInstance.account]?.uid;
      const targetUid = targetInstance ? config.accounts[targetInstance.account]?.uid : undefined;
      if (targetInstance === undefined || sourceUid === undefined || targetUid === undefined) continue;
      out.push({ source, sourceInstance, target: rule.to, targetInstance, rule, sourceUid, targetUid, crossAccount: sourceUid !== targetUid });
    }
  }
  return out;
}

/** The names of the cross-account role and its policy in a target account (explicit name or default). */
export function crossAccountNames(config: RegistryDocument, account: string): { role: string; policy: string } {
  return {
    role: DEFAULTS.crossAccountRole.roleName,
    policy: config.crossAccountRoles?.[account]?.policy?.name ?? DEFAULTS.crossAccountRole.policyName,
  };
}

/** A sync-rule desired object also carries its rule, for the backfill kind's derive and extras. */
export interface SyncRuleDesired extends DesiredObject {
  readonly ruleRef: RuleRef;
}

/** The compared fields of a rule, defaults applied. */
export function ruleSpec(r: RuleRef): Record<string, unknown> {
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
  const out = [addr.instance(r.source), addr.instance(r.target), addr.namespace(r.source, ns), addr.namespace(r.target, ns)];
  if (repo !== undefined) out.push(addr.repository(r.source, ns, repo), addr.repository(r.target, ns, repo));
  if (r.crossAccount) {
    // The service checks the role's trust (this source account) and the policy's resources (this
    // target instance) when the rule is created: wait for changes to either, not only for the
    // attachment, which has no action of its own when the role and policy are merely updated.
    const account = r.targetInstance.account;
    const names = crossAccountNames(config, account);
    out.push(addr.ramRole(account, names.role), addr.ramPolicy(account, names.policy), addr.ramAttachment(account, names.role, names.policy));
  }
  return out;
}

const SCOPE = { namespace: 'NAMESPACE', repository: 'REPO' } as const;
const TRIGGER = { automatic: 'PASSIVE', manual: 'INITIATIVE' } as const;

/** Live fields of a rule (FROM side), before the target id is mapped to an alias. */
function rawSpec(r: CrSyncRule): Record<string, unknown> {
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

/** True when a live rule is the rule an action asks for (ids resolved at apply time). */
function sameRule(ctx: ExecContext, r: CrSyncRule, spec: Readonly<Record<string, unknown>>): boolean {
  const want = { ...spec };
  delete want['targetInstance'];
  delete want['targetInstanceName'];
  delete want['targetAccountUid'];
  const have = rawSpec(r);
  return r.TargetInstanceId === instanceIdOf(ctx, String(spec['targetInstance'])) && compareSpec(want, have).length === 0;
}

function actionSpec(action: Action): Readonly<Record<string, unknown>> {
  return action.after ?? action.before ?? {};
}

function sourceAlias(action: Action): string {
  if (action.instance === undefined) throw new Error(`action ${action.id} has no instance`);
  return action.instance;
}

function ruleName(action: Action): string {
  return lastName(action.id, addr.instance(sourceAlias(action)), 'replication');
}

async function createRule(ctx: ExecContext, action: Action): Promise<Outcome> {
  const spec = action.after ?? {};
  const name = ruleName(action);
  const sourceId = instanceIdOf(ctx, sourceAlias(action));
  const targetId = instanceIdOf(ctx, String(spec['targetInstance']));
  const cr = crFor(ctx, action);
  const level = spec['level'] as 'namespace' | 'repository';
  const trigger = spec['trigger'] as 'automatic' | 'manual';
  const ns = String(spec['namespace']);
  const repo = spec['repository'] === undefined ? undefined : String(spec['repository']);
  const targetUid = String(spec['targetAccountUid']);
  const crossAccount = targetUid !== ctx.cloud.account(action.account).uid;
  await ctx.intent('CreateRepoSyncRule', { name, sourceInstanceId: sourceId, targetInstanceId: targetId, level, namespace: ns, ...(repo ? { repository: repo } : {}) });
  try {
    const r = await cr.createRepoSyncRule({
      InstanceId: sourceId,
      SyncRuleName: name,
      SyncScope: SCOPE[level],
      SyncTrigger: TRIGGER[trigger],
      TagFilter: String(spec['tagFilter']),
      NamespaceName: ns,
      TargetNamespaceName: ns,
      ...(repo !== undefined ? { RepoName: repo, TargetRepoName: repo } : {}),
      TargetInstanceId: targetId,
      TargetRegionId: String(spec['targetRegion']),
      ...(crossAccount ? { TargetUserId: targetUid } : {}),
    });
    if (r.SyncRuleId === undefined) throw new AcrctlError('apply.no_id', `CreateRepoSyncRule for ${name} returned no SyncRuleId`, { address: action.id });
    return { ids: { syncRuleId: r.SyncRuleId, sourceInstanceId: sourceId } };
  } catch (err) {
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    // Already there (an earlier run, or created by hand): accept it when it is the same rule.
    const found = (await sourceRules(cr, sourceId)).find((r) => r.SyncRuleName === name);
    if (found?.SyncRuleId === undefined) throw err;
    if (!sameRule(ctx, found, spec)) existsDifferent(action.id, [{ path: 'rule', impact: 'replace' }]);
    return { ids: { syncRuleId: found.SyncRuleId, sourceInstanceId: sourceId } };
  }
}

async function deleteRule(ctx: ExecContext, action: Action): Promise<void> {
  const ids = (action.before?.['ids'] ?? {}) as Record<string, string>;
  const sourceId = ids['sourceInstanceId'] ?? instanceIdOf(ctx, sourceAlias(action));
  const syncRuleId = ids['syncRuleId'];
  if (syncRuleId === undefined) throw new AcrctlError('apply.missing_id', `the sync rule id of ${action.id} is not known`, { address: action.id });
  await ctx.intent('DeleteRepoSyncRule', { name: ruleName(action), sourceInstanceId: sourceId, syncRuleId });
  try {
    await crFor(ctx, action).deleteRepoSyncRule({ InstanceId: sourceId, SyncRuleId: syncRuleId });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export const syncRuleKind: Kind = {
  name: 'sync-rule',
  readAfter: ['instance'],
  reportsUnmanaged: true,

  desired(config: RegistryDocument): DesiredObject[] {
    return replicationRules(config).map((r): SyncRuleDesired => ({
      id: addr.syncRule(r.source, r.rule.name),
      kind: 'sync-rule',
      account: r.sourceInstance.account,
      region: r.sourceInstance.region,
      instance: r.source,
      spec: ruleSpec(r),
      requires: ruleRequires(config, r),
      ruleRef: r,
    }));
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
    const instances = ctx.live('instance');
    const byId = new Map(instances.filter((l) => l.ids['instanceId'] !== undefined).map((l) => [l.ids['instanceId']!, l] as const));
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const rules = await sourceRules(ctx.cloud.cr(m.account, m.region), m.instanceId);
        return rules.map((r): LiveObject => {
          const target = r.TargetInstanceId === undefined ? undefined : byId.get(r.TargetInstanceId);
          const targetAlias = target?.instance !== undefined && target.id === addr.instance(target.instance) ? target.instance : undefined;
          const sameAccount = r.CrossUser === false;
          const targetUid = target ? ctx.config.accounts[target.account]?.uid : sameAccount ? ctx.config.accounts[m.account]?.uid : undefined;
          const raw = rawSpec(r);
          const spec: Record<string, unknown> = {
            targetInstance: targetAlias ?? r.TargetInstanceId ?? '',
            ...(target ? { targetInstanceName: target.spec['name'] } : {}),
            ...raw,
            ...(targetUid !== undefined ? { targetAccountUid: targetUid } : {}),
          };
          const name = r.SyncRuleName ?? r.SyncRuleId ?? '';
          const ns = String(raw['namespace']);
          const repo = raw['repository'] as string | undefined;
          const requires = [addr.namespace(m.alias, ns), ...(repo ? [addr.repository(m.alias, ns, repo)] : [])];
          if (targetAlias !== undefined) requires.push(addr.namespace(targetAlias, ns), ...(repo ? [addr.repository(targetAlias, ns, repo)] : []));
          if (target && targetUid !== ctx.config.accounts[m.account]?.uid) {
            const names = crossAccountNames(ctx.config, target.account);
            requires.push(addr.ramAttachment(target.account, names.role, names.policy));
          }
          return {
            id: addr.syncRule(m.alias, name),
            kind: 'sync-rule',
            account: m.account,
            region: m.region,
            instance: m.alias,
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

  diff(desired: DesiredObject, live: LiveObject): Diff {
    const fields = Object.keys({ ...desired.spec, ...live.spec });
    return {
      changes: compareSpec(desired.spec, live.spec, {
        replace: fields,
        notes: Object.fromEntries(fields.map((f) => [f, 'the API has no update for sync rules: delete and create again'])),
      }),
    };
  },

  async apply(ctx: ExecContext, action: Action): Promise<Outcome> {
    switch (action.type) {
      case 'create':
        return createRule(ctx, action);
      case 'replace':
        await deleteRule(ctx, action);
        return createRule(ctx, action);
      case 'delete':
        await deleteRule(ctx, action);
        return {};
      default:
        return unsupported('sync-rule', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const sourceId = instanceIdOf(ctx, sourceAlias(action));
    const name = ruleName(action);
    const rules = await sourceRules(crFor(ctx, action), sourceId);
    switch (action.type) {
      case 'create':
      case 'replace': {
        // Rules are created synchronously: there or not, never pending.
        const found = rules.find((r) => r.SyncRuleName === name && sameRule(ctx, r, actionSpec(action)));
        return found?.SyncRuleId !== undefined ? { state: 'done', ids: { syncRuleId: found.SyncRuleId, sourceInstanceId: sourceId } } : { state: 'absent' };
      }
      case 'delete': {
        const id = ((action.before?.['ids'] ?? {}) as Record<string, string>)['syncRuleId'];
        return rules.some((r) => r.SyncRuleId === id) ? { state: 'absent' } : { state: 'done' };
      }
      default:
        return unsupported('sync-rule', action);
    }
  },
};
