/**
 * Kind `ram-attachment`: the cross-account sync policy attached to the cross-account sync role in a
 * TARGET account (`account[target].ram-attachment[<role>/<policy>]`). Requires the role and the
 * policy; every cross-account sync rule requires it, so the planner orders
 * role → policy → attachment → rule (and deletes the other way round).
 *
 * Reads: RAM ListPoliciesForRole for the fixed role name, once per target account (it returns every
 * attachment in one response). Only our Custom policy counts; other attachments are not ours and are
 * never reported or touched. Acts: AttachPolicyToRole (Custom; "already attached" is success);
 * delete (destroy only) = DetachPolicyFromRole ("not attached" is success).
 */
import type { RegistryDocument } from '../config/model.js';
import type { Action } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import { isNotFound, unsupported, vendorCode } from './support.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';
import { crossAccountTargets } from './ram-role.js';

const POLICY_TYPE = 'Custom';

function names(action: Action): { roleName: string; policyName: string } {
  const s = action.after ?? action.before ?? {};
  return { roleName: String(s['roleName']), policyName: String(s['policyName']) };
}

/** Whether the policy is attached to the role; undefined when the role does not exist. */
async function attached(ctx: ExecContext, action: Action): Promise<boolean | undefined> {
  const { roleName, policyName } = names(action);
  try {
    const r = await ctx.cloud.ram(action.account).listPoliciesForRole({ roleName });
    return (r.policies?.policy ?? []).some((p) => p.policyName === policyName && p.policyType === POLICY_TYPE);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export const ramAttachmentKind: Kind = {
  name: 'ram-attachment',
  readAfter: [],
  reportsUnmanaged: true,

  desired(config: RegistryDocument): DesiredObject[] {
    return crossAccountTargets(config).map((t) => ({
      id: addr.ramAttachment(t.account, t.roleName, t.policyName),
      kind: 'ram-attachment',
      account: t.account,
      region: 'global',
      spec: { roleName: t.roleName, policyName: t.policyName, policyType: POLICY_TYPE },
      requires: [addr.ramRole(t.account, t.roleName), addr.ramPolicy(t.account, t.policyName)],
      reason: t.because.join('; '),
    }));
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
    const found = await Promise.all(
      crossAccountTargets(ctx.config).map(async (t): Promise<LiveObject | undefined> => {
        let policies;
        try {
          policies = (await ctx.cloud.ram(t.account).listPoliciesForRole({ roleName: t.roleName })).policies?.policy ?? [];
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
        if (!policies.some((p) => p.policyName === t.policyName && p.policyType === POLICY_TYPE)) return undefined;
        return {
          id: addr.ramAttachment(t.account, t.roleName, t.policyName),
          kind: 'ram-attachment',
          account: t.account,
          region: 'global',
          spec: { roleName: t.roleName, policyName: t.policyName, policyType: POLICY_TYPE },
          ids: { roleName: t.roleName, policyName: t.policyName },
          container: addr.account(t.account),
          prunable: false,
          requires: [addr.ramRole(t.account, t.roleName), addr.ramPolicy(t.account, t.policyName)],
        };
      }),
    );
    return found.filter((a): a is LiveObject => a !== undefined);
  },

  diff(desired: DesiredObject, live: LiveObject): Diff {
    return { changes: compareSpec(desired.spec, live.spec) };
  },

  async apply(ctx: ExecContext, action: Action): Promise<Outcome> {
    const { roleName, policyName } = names(action);
    const ram = ctx.cloud.ram(action.account);
    switch (action.type) {
      case 'create':
        await ctx.intent('AttachPolicyToRole', { roleName, policyName });
        try {
          await ram.attachPolicyToRole({ roleName, policyName, policyType: POLICY_TYPE });
        } catch (err) {
          if (!/^EntityAlreadyExists/.test(vendorCode(err) ?? '')) throw err;
        }
        return { ids: { roleName, policyName } };
      case 'delete':
        await ctx.intent('DetachPolicyFromRole', { roleName, policyName });
        try {
          await ram.detachPolicyFromRole({ roleName, policyName, policyType: POLICY_TYPE });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        return {};
      default:
        return unsupported('ram-attachment', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const is = await attached(ctx, action);
    switch (action.type) {
      case 'create':
        return is === true ? { state: 'done', ids: names(action) } : { state: 'absent' };
      case 'delete':
        return is === true ? { state: 'absent' } : { state: 'done' };
      default:
        return unsupported('ram-attachment', action);
    }
  },
};
