/**
 * Lints about over-broad access: RAM policies of cross-account roles and the internet ACL. Pure.
 */
import { DEFAULTS } from '../model.js';
import { parseCidr } from './cidr.js';
import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

/** The actions of the documented cross-account sync policy (seed 003). */
export const SYNC_POLICY_ACTIONS: readonly string[] = ['cr:CreateSyncRule', 'cr:CreateRepositorySync'];

export const ramPolicyWildcard: LintRule = {
  id: 'ram-policy-wildcard',
  severity: 'error',
  summary: 'An explicit cross-account role policy allows wildcard actions (`*`, `cr:*`, `cr:Get*`) or all resources (`*`)',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const [target, role] of Object.entries(ctx.doc.crossAccountRoles ?? {})) {
      (role.policy?.statements ?? []).forEach((statement, index) => {
        if ((statement.effect ?? DEFAULTS.policyStatement.effect) !== 'Allow') return;
        const base = ['crossAccountRoles', target, 'policy', 'statements', index];
        statement.actions.forEach((action, actionIndex) => {
          if (!action.includes('*')) return;
          hits.push({
            path: [...base, 'actions', actionIndex],
            message:
              `the sync role in ${target} allows ${action}, which lets every trusted source account do far more than ` +
              `replicate. Allow exactly ${SYNC_POLICY_ACTIONS.join(' and ')}, or drop policy to use the derived minimal one`,
            hint: 'the sync role needs only cr:CreateSyncRule and cr:CreateRepositorySync, on the target instance',
          });
        });
        statement.resources.forEach((resource, resourceIndex) => {
          if (resource !== '*') return;
          hits.push({
            path: [...base, 'resources', resourceIndex],
            message:
              `the sync role in ${target} applies to every resource (*). Name the target instances: ` +
              `acs:cr:<region>:<uid>:instance/<instance id>, or drop policy to use the derived minimal one`,
            hint: 'name the target instance: acs:cr:<target region>:<target account uid>:instance/<target instance id>',
          });
        });
      });
    }
    return hits;
  },
};

export const internetAclOpenWorld: LintRule = {
  id: 'internet-acl-open-world',
  severity: 'warning',
  summary: 'The internet endpoint ACL allows every address (0.0.0.0/0)',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      const endpoint = instance.internetEndpoint;
      if (endpoint === undefined) continue;
      const enabled = endpoint.enabled ?? DEFAULTS.internetEndpoint.enabled;
      (endpoint.allow ?? []).forEach((entry, index) => {
        if (parseCidr(entry.cidr)?.prefix !== 0) return;
        hits.push({
          path: ['instances', alias, 'internetEndpoint', 'allow', index, 'cidr'],
          message:
            `${entry.cidr} opens the public endpoint of ${alias} to the whole internet` +
            `${enabled ? '' : ' (once enabled)'}. List the CIDRs of your offices and CI runners instead`,
          hint: 'registry credentials then become the only protection of the registry',
        });
      });
    }
    return hits;
  },
};

export const SECURITY_LINTS: readonly LintRule[] = [ramPolicyWildcard, internetAclOpenWorld];
