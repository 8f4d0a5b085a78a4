/**
 * Lints about replication (sync) rules and their backfill (DOMAIN.md "Replication across accounts",
 * seed 003). Pure.
 */
import { DEFAULTS, type Instance, type Namespace, type ReplicationRule, type RepoType } from '../model.js';
import { isRestrictedCloudRegion, type LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

/**
 * Above this many planned sync tasks, a backfill should rather copy the source's OSS bucket and
 * import from OSS (seed 003 recommends that route "when there are many existing images" without a
 * number; 1000 tasks is where one-task-per-tag stops being a reasonable apply).
 */
export const BACKFILL_TASK_THRESHOLD = 1000;

interface RuleEntry {
  readonly alias: string;
  readonly source: Instance;
  readonly index: number;
  readonly rule: ReplicationRule;
  /** Resolved target instance, when `to` names a declared instance other than the source. */
  readonly target: Instance | undefined;
  readonly crossAccount: boolean;
}

function rules(ctx: LintContext): RuleEntry[] {
  const out: RuleEntry[] = [];
  for (const { alias, instance } of ctx.instances) {
    (instance.replication ?? []).forEach((rule, index) => {
      // An external target (`to: {uid, …}`) is an instance of an account acrctl does not operate.
      const external = typeof rule.to !== 'string';
      const target = typeof rule.to !== 'string' || rule.to === alias ? undefined : ctx.instance(rule.to);
      const crossAccount =
        external || (target !== undefined && ctx.accountKey(target.account) !== ctx.accountKey(instance.account));
      out.push({ alias, source: instance, index, rule, target, crossAccount });
    });
  }
  return out;
}

/** How a message names a rule's target: its alias, or an external target's instance and account. */
function targetLabel(rule: ReplicationRule): string {
  return typeof rule.to === 'string' ? rule.to : `${rule.to.name ?? rule.to.instanceId} (account ${rule.to.uid})`;
}

const rulePath = (e: RuleEntry, ...rest: (string | number)[]): (string | number)[] => [
  'instances',
  e.alias,
  'replication',
  e.index,
  ...rest,
];

export const crossAccountSourceNotAdvanced: LintRule = {
  id: 'cross-account-source-not-advanced',
  severity: 'error',
  summary: 'Cross-account replication needs an Advanced edition source instance',
  check(ctx: LintContext): LintHit[] {
    return rules(ctx)
      .filter((e) => e.crossAccount && e.source.edition !== 'Advanced')
      .map((e) => ({
        path: rulePath(e, 'to'),
        message:
          `rule ${e.rule.name} replicates from ${e.alias} (${e.source.edition}) to ${targetLabel(e.rule)} in another account; ` +
          `cross-account replication needs an Advanced source. Set edition: Advanced on ${e.alias} (an upgrade), ` +
          `or replicate within one account`,
        hint: 'cross-account replication needs an Advanced Edition source and a Basic or Advanced Edition target',
      }));
  },
};

export const crossAccountTargetEdition: LintRule = {
  id: 'cross-account-target-edition',
  severity: 'error',
  summary: 'Cross-account replication needs a Basic or Advanced edition target instance',
  check(ctx: LintContext): LintHit[] {
    return rules(ctx)
      .filter((e) => e.crossAccount && e.target?.edition === 'Standard')
      .map((e) => ({
        path: rulePath(e, 'to'),
        message:
          `rule ${e.rule.name} replicates into ${e.rule.to}, a Standard edition instance in another account; ` +
          `a cross-account target must be Basic or Advanced. Change the edition of ${e.rule.to} to Advanced`,
        hint: 'cross-account replication needs a Basic or Advanced Edition target',
      }));
  },
};

export const replicationIntoRestrictedCloud: LintRule = {
  id: 'replication-into-restricted-cloud',
  severity: 'error',
  summary: 'Replication from a public-cloud region into a finance or government cloud region',
  check(ctx: LintContext): LintHit[] {
    return rules(ctx)
      .filter(
        (e) =>
          e.target !== undefined &&
          !isRestrictedCloudRegion(e.source.region) &&
          isRestrictedCloudRegion(e.target.region),
      )
      .map((e) => ({
        path: rulePath(e, 'to'),
        message:
          `rule ${e.rule.name} replicates from ${e.source.region} (public cloud) into ${e.target?.region ?? ''}, ` +
          `a finance/government cloud region; the service does not replicate across that boundary. ` +
          `Choose a target instance in a public-cloud region`,
        hint: 'Container Registry does not replicate from public-cloud regions into Alibaba Finance Cloud or Gov Cloud regions',
      }));
  },
};

const levelOf = (rule: ReplicationRule): string => rule.level ?? DEFAULTS.replication.level;

export const namespaceRuleTargetAutoCreate: LintRule = {
  id: 'namespace-rule-target-auto-create',
  severity: 'error',
  summary: "A namespace-level rule's target namespace must have autoCreateRepo on",
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const e of rules(ctx)) {
      if (levelOf(e.rule) !== 'namespace' || e.target === undefined) continue;
      const ns = ctx.namespace(e.target, e.rule.namespace);
      // Not declared on the target: acrctl plans it, with autoCreateRepo on (docs/lints.md).
      if (ns === undefined) continue;
      if (ns.autoCreateRepo ?? DEFAULTS.namespace.autoCreateRepo) continue;
      hits.push({
        path: rulePath(e, 'namespace'),
        message:
          `rule ${e.rule.name} replicates namespace ${e.rule.namespace} into ${e.rule.to}, whose namespace ` +
          `${e.rule.namespace} has autoCreateRepo off, so replicated repositories cannot be created there. ` +
          `Set autoCreateRepo: true at instances.${e.rule.to}.namespaces.${e.rule.namespace}`,
        hint: 'a namespace-level rule needs the same namespace on both sides, with automatic repository creation on in the target',
      });
    }
    return hits;
  },
};

interface RepoConfig {
  readonly type: RepoType;
  readonly tagImmutability: boolean;
}

function repoConfig(ns: Namespace, name: string): RepoConfig | undefined {
  const repos = ns.repositories;
  if (!repos || !Object.hasOwn(repos, name)) return undefined;
  const repo = repos[name];
  if (repo === undefined) return undefined;
  return {
    type: repo.type ?? ns.defaultRepoType ?? DEFAULTS.namespace.defaultRepoType,
    tagImmutability: repo.tagImmutability ?? DEFAULTS.repository.tagImmutability,
  };
}

export const repositoryRuleRepositoryMismatch: LintRule = {
  id: 'repository-rule-repository-mismatch',
  severity: 'error',
  summary:
    'A repository-level rule needs its repository declared on the source side, and the same configuration wherever it is declared on the target side',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const e of rules(ctx)) {
      const repoName = e.rule.repository;
      if (levelOf(e.rule) !== 'repository' || repoName === undefined) continue;
      const sourceNs = ctx.namespace(e.source, e.rule.namespace);
      // An undeclared source namespace is a reference error, reported by the reference checker.
      if (sourceNs === undefined) continue;
      const sourceRepo = repoConfig(sourceNs, repoName);
      if (sourceRepo === undefined) {
        hits.push({
          path: rulePath(e, 'repository'),
          message:
            `rule ${e.rule.name} replicates repository ${e.rule.namespace}/${repoName}, which is not declared in ` +
            `${e.alias}. Declare it under instances.${e.alias}.namespaces.${e.rule.namespace}.repositories.${repoName} ` +
            `(acrctl creates the target copy from that declaration)`,
          hint: 'a repository-level rule needs a repository of the same name and configuration on both sides',
        });
        continue;
      }
      if (e.target === undefined) continue;
      const targetNs = ctx.namespace(e.target, e.rule.namespace);
      // Missing on the target side (namespace or repository): acrctl plans it from the source's declaration.
      const targetRepo = targetNs === undefined ? undefined : repoConfig(targetNs, repoName);
      if (targetRepo === undefined) continue;
      const differences: string[] = [];
      if (targetRepo.type !== sourceRepo.type) differences.push(`type ${sourceRepo.type} vs ${targetRepo.type}`);
      if (targetRepo.tagImmutability !== sourceRepo.tagImmutability) {
        differences.push(`tagImmutability ${sourceRepo.tagImmutability} vs ${targetRepo.tagImmutability}`);
      }
      if (differences.length === 0) continue;
      hits.push({
        path: rulePath(e, 'repository'),
        message:
          `rule ${e.rule.name} replicates ${e.rule.namespace}/${repoName} into ${e.rule.to}, where it is declared ` +
          `with a different configuration (${differences.join('; ')}, source vs target). Make ` +
          `instances.${e.rule.to}.namespaces.${e.rule.namespace}.repositories.${repoName} match the source`,
        hint: 'a repository-level rule needs a repository of the same name and configuration on both sides',
      });
    }
    return hits;
  },
};

export const backfillAboveThreshold: LintRule = {
  id: 'backfill-above-threshold',
  severity: 'warning',
  summary: `A backfill that may plan more than ${BACKFILL_TASK_THRESHOLD} sync tasks, where the OSS copy and import route is recommended`,
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const e of rules(ctx)) {
      const backfill = e.rule.backfill;
      if (backfill === undefined) continue;
      let repositories = 1;
      let scope = `repository ${e.rule.namespace}/${e.rule.repository ?? ''}`;
      if (levelOf(e.rule) === 'namespace') {
        const ns = ctx.namespace(e.source, e.rule.namespace);
        repositories = Math.max(1, Object.keys(ns?.repositories ?? {}).length);
        scope = `${repositories} declared repositor${repositories === 1 ? 'y' : 'ies'} of ${e.rule.namespace}`;
      }
      const tasks = backfill.latest * repositories;
      if (tasks <= BACKFILL_TASK_THRESHOLD) continue;
      hits.push({
        path: rulePath(e, 'backfill', 'latest'),
        message:
          `backfill of rule ${e.rule.name} may plan up to ${tasks} sync tasks (latest ${backfill.latest} × ${scope}), ` +
          `above ${BACKFILL_TASK_THRESHOLD}. For that many images copy the source's OSS bucket and add an import ` +
          `from: oss on ${targetLabel(e.rule)} instead, or lower backfill.latest`,
        hint: 'for many existing images, copy through OSS and an OSS import rather than one sync task per image',
      });
    }
    return hits;
  },
};

export const REPLICATION_LINTS: readonly LintRule[] = [
  crossAccountSourceNotAdvanced,
  crossAccountTargetEdition,
  replicationIntoRestrictedCloud,
  namespaceRuleTargetAutoCreate,
  repositoryRuleRepositoryMismatch,
  backfillAboveThreshold,
];
