/**
 * The replication rules of a config, flattened with both ends resolved: what the sync-rule, backfill,
 * tag and cross-account RAM kinds all derive their objects from. Pure; no kind of its own.
 */
import { DEFAULTS, type ExternalTarget, type Instance, type RegistryDocument, type ReplicationRule } from '../config/model.js';

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
 * config order (rules into an external target are `externalRules`). Rules naming an unknown instance are left out: the reference checker reports them.
 * Pure.
 */
export function replicationRules(config: RegistryDocument): RuleRef[] {
  const out: RuleRef[] = [];
  for (const [source, sourceInstance] of Object.entries(config.instances ?? {})) {
    for (const rule of sourceInstance.replication ?? []) {
      if (typeof rule.to !== 'string') continue; // an external target: externalRules
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


/** One replication rule into an instance acrctl does not operate (`to: {uid, region, instanceId}`). */
export interface ExternalRuleRef {
  /** Alias of the source instance. */
  readonly source: string;
  readonly sourceInstance: Instance;
  readonly rule: ReplicationRule;
  readonly target: ExternalTarget;
  readonly sourceUid: string;
}

/** Every rule into an external target whose source is a declared instance of a declared account, in config order. Pure. */
export function externalRules(config: RegistryDocument): ExternalRuleRef[] {
  const out: ExternalRuleRef[] = [];
  for (const [source, sourceInstance] of Object.entries(config.instances ?? {})) {
    for (const rule of sourceInstance.replication ?? []) {
      if (typeof rule.to === 'string') continue;
      const sourceUid = config.accounts[sourceInstance.account]?.uid;
      if (sourceUid === undefined) continue;
      out.push({ source, sourceInstance, rule, target: rule.to, sourceUid });
    }
  }
  return out;
}
