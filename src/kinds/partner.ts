/**
 * Replication into instances acrctl does not operate (a partner's, seed 003): what their owner must
 * create, derived from the rules whose `to:` is `{uid, region, instanceId, name?}`. No kind of its
 * own: acrctl reads and creates nothing in such an account. The sync-rule kind plans the first
 * creation of such a rule as a gate ("the target's owner has created the role"), verified by the
 * creation succeeding, and prints these outputs with every plan. Pure.
 */
import { DEFAULTS, type ExternalTarget, type RegistryDocument } from '../config/model.js';
import type { GateInfo, PlanOutput } from '../plan/model.js';
import { normaliseDocument, SYNC_ACTIONS } from './ram-policy.js';
import { servicePrincipal } from './ram-role.js';
import { externalRules, type ExternalRuleRef } from './replication.js';

/** The role the target account must hold, fixed by the service (sic "accout", DOMAIN.md 003). */
export const PARTNER_ROLE = DEFAULTS.crossAccountRole.roleName;

/** What one account acrctl does not operate must grant: every source rule into it, merged. */
export interface PartnerGrant {
  readonly uid: string;
  /** Source account UIDs to trust, sorted, unique. */
  readonly trustedUids: readonly string[];
  /** The target instances, by id, sorted. */
  readonly instances: readonly ExternalTarget[];
  readonly rules: readonly ExternalRuleRef[];
}

/** The partner accounts of a config, by UID, sorted. */
export function partnerGrants(config: RegistryDocument): PartnerGrant[] {
  const by = new Map<string, { uids: Set<string>; instances: Map<string, ExternalTarget>; rules: ExternalRuleRef[] }>();
  for (const r of externalRules(config)) {
    let e = by.get(r.target.uid);
    if (e === undefined) by.set(r.target.uid, (e = { uids: new Set(), instances: new Map(), rules: [] }));
    e.uids.add(r.sourceUid);
    const known = e.instances.get(r.target.instanceId);
    if (known === undefined || (known.name === undefined && r.target.name !== undefined)) e.instances.set(r.target.instanceId, r.target);
    e.rules.push(r);
  }
  return [...by]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([uid, e]) => ({
      uid,
      trustedUids: [...e.uids].sort(),
      instances: [...e.instances.values()].sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0)),
      rules: e.rules,
    }));
}

/** The trust policy of the partner's role: one Allow sts:AssumeRole for every source account's service principal. */
export function partnerTrustPolicy(g: Pick<PartnerGrant, 'trustedUids'>): Record<string, unknown> {
  return { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: g.trustedUids.map(servicePrincipal) } }], Version: '1' };
}

/** The least-privilege policy: cr:CreateSyncRule and cr:CreateRepositorySync on each target instance. */
export function partnerPolicy(g: Pick<PartnerGrant, 'uid' | 'instances'>): Record<string, unknown> {
  return normaliseDocument({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: [...SYNC_ACTIONS], Resource: g.instances.map((i) => `acs:cr:${i.region}:${g.uid}:instance/${i.instanceId}`) }],
  });
}

/** How plans name an external target. */
export function describeTarget(t: ExternalTarget): string {
  return `${t.name !== undefined ? `${t.name} (${t.instanceId})` : t.instanceId} in ${t.region} of account ${t.uid}`;
}

/** What a rule needs in the target instance (seed 003): the same-name namespace, auto-create on; or the same repository. */
export function prerequisite(config: RegistryDocument, r: ExternalRuleRef, name: string | undefined = r.target.name): string {
  const ns = r.rule.namespace;
  const where = name ?? r.target.instanceId;
  if ((r.rule.level ?? DEFAULTS.replication.level) === 'namespace') {
    return `rule ${r.rule.name}: namespace ${ns} in ${where}, with automatic repository creation on (every repository of ${r.source}/${ns} is replicated into it)`;
  }
  const repo = r.rule.repository ?? '';
  const declared = config.instances?.[r.source]?.namespaces?.[ns]?.repositories?.[repo];
  const type = declared?.type ?? config.instances?.[r.source]?.namespaces?.[ns]?.defaultRepoType ?? DEFAULTS.namespace.defaultRepoType;
  const facts = [type, ...(declared !== undefined ? [`summary ${JSON.stringify(declared.summary)}`] : []), ...(declared?.tagImmutability === true ? ['tag immutability on'] : [])];
  return `rule ${r.rule.name}: namespace ${ns} and repository ${ns}/${repo} in ${where}, configured as in the source (${facts.join(', ')})`;
}

/** The lines of a partner's output: the role, its trust policy and policy, the prerequisites. */
export function partnerLines(config: RegistryDocument, g: PartnerGrant): string[] {
  return [
    `In account ${g.uid} (its owner does this; acrctl reads nothing there):`,
    `1. RAM role (the name is fixed by the service): ${PARTNER_ROLE}`,
    `2. its trust policy: ${JSON.stringify(partnerTrustPolicy(g))}`,
    `3. a custom policy attached to the role: ${JSON.stringify(partnerPolicy(g))}`,
    `4. in the target instance${g.instances.length === 1 ? '' : 's'}:`,
    ...g.rules.map((r) => `   ${prerequisite(config, r, g.instances.find((i) => i.instanceId === r.target.instanceId)?.name)}`),
    `Then run acrctl apply: creating the rule${g.rules.length === 1 ? '' : 's'} verifies the role.`,
  ];
}

/** One plan output per partner account. */
export function partnerOutputs(config: RegistryDocument): PlanOutput[] {
  return partnerGrants(config).map((g) => ({
    id: `partner[${g.uid}].${PARTNER_ROLE}`,
    title: `For the owner of account ${g.uid}: let account${g.trustedUids.length === 1 ? '' : 's'} ${g.trustedUids.join(', ')} replicate into ${g.instances.map((i) => i.name ?? i.instanceId).join(', ')}`,
    lines: partnerLines(config, g),
  }));
}

/** The grant of the partner account an external target belongs to. */
export function grantOf(config: RegistryDocument, uid: string): PartnerGrant | undefined {
  return partnerGrants(config).find((g) => g.uid === uid);
}

/** The gate of a rule's first creation: the owner's steps, verified by CreateRepoSyncRule succeeding. */
export function partnerGate(config: RegistryDocument, r: ExternalRuleRef): GateInfo {
  const g = grantOf(config, r.target.uid);
  return {
    instructions: [
      `The target's owner has created the role: ask the owner of account ${r.target.uid} to do what follows, then run acrctl apply --resume.`,
      // The same lines as the output, without their own numbering (views number a gate's steps).
      ...(g !== undefined ? partnerLines(config, g).map((l) => l.replace(/^\d+\. /, '')) : []),
    ],
    verification: `CreateRepoSyncRule from ${r.source} into ${describeTarget(r.target)} succeeds (the service checks the role, its trust and its policy); a refusal (NoPrivilege) leaves the gate closed`,
    expect: { targetUid: r.target.uid, targetInstanceId: r.target.instanceId, role: PARTNER_ROLE },
  };
}
