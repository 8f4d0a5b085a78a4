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
import { accountAddress, address, segment } from '../plan/address.js';
import { str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, ExecContext, Kind, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { ramPolicyAddress } from './ram-policy.js';
import { crossAccountTargets, ramRoleAddress } from './ram-role.js';
import { isNotFound, vendorCode } from './support.js';
import { calls } from './permits.js';

const POLICY_TYPE = 'Custom';

const keyShape = struct({ account: str, role: str, policy: str });
const specShape = struct({ roleName: str, policyName: str, policyType: str });
const idsShape = struct({ roleName: str, policyName: str });
export type AttachmentKey = Decoded<typeof keyShape>;
export type AttachmentSpec = Decoded<typeof specShape>;
export type AttachmentIds = Decoded<typeof idsShape>;

/** `account[a].ram-attachment[role/policy]`. */
export function ramAttachmentAddress(account: string, role: string, policy: string): string {
  return address(accountAddress(account), segment('ram-attachment', `${role}/${policy}`));
}

type AttachmentSubject = Pick<Subject<AttachmentSpec, AttachmentIds, AttachmentKey>, 'account' | 'key'>;

/** Whether the policy is attached to the role; undefined when the role does not exist. */
async function attached(ctx: ExecContext, s: AttachmentSubject): Promise<boolean | undefined> {
  const { role: roleName, policy: policyName } = s.key;
  try {
    const r = await ctx.cloud.ram(s.account).listPoliciesForRole({ roleName });
    return (r.policies?.policy ?? []).some((p) => p.policyName === policyName && p.policyType === POLICY_TYPE);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function attach(ctx: ExecContext, s: Subject<AttachmentSpec, AttachmentIds, AttachmentKey>): Promise<Outcome> {
  const { role: roleName, policy: policyName } = s.key;
  await ctx.intent('AttachPolicyToRole', { roleName, policyName });
  try {
    await ctx.cloud.ram(s.account).attachPolicyToRole({ roleName, policyName, policyType: POLICY_TYPE });
  } catch (err) {
    if (!/^EntityAlreadyExists/.test(vendorCode(err) ?? '')) throw err;
  }
  return { ids: { roleName, policyName } };
}

async function detach(ctx: ExecContext, r: Removal<AttachmentSpec, AttachmentIds, AttachmentKey>): Promise<Outcome> {
  const { role: roleName, policy: policyName } = r.key;
  await ctx.intent('DetachPolicyFromRole', { roleName, policyName });
  try {
    await ctx.cloud.ram(r.account).detachPolicyFromRole({ roleName, policyName, policyType: POLICY_TYPE });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<AttachmentSpec, AttachmentIds, AttachmentKey>): Promise<Observation<AttachmentIds>> {
  return (await attached(ctx, s)) === true ? { state: 'present', upToDate: true, ready: true, ids: { roleName: s.key.role, policyName: s.key.policy } } : { state: 'absent' };
}

/**
 * The calls of the kind (issue 17), in the role's account: ListPoliciesForRole (read), then
 * AttachPolicyToRole on the role and the policy; only destroy detaches (DetachPolicyFromRole).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return crossAccountTargets(config).flatMap((t) => [
    ...calls(['read', 'observe', 'create', 'delete'], t.account, { role: t.roleName }, ['ram:ListPoliciesForRole']),
    ...calls(['create'], t.account, { role: t.roleName, policy: t.policyName }, ['ram:AttachPolicyToRole']),
    ...calls(['delete'], t.account, { role: t.roleName, policy: t.policyName }, ['ram:DetachPolicyFromRole'], { only: ['destroy'] }),
  ]);
}

export const ramAttachmentKind: Kind<AttachmentSpec, AttachmentIds, AttachmentKey> = {
  name: 'ram-attachment',
  readAfter: [],
  reportsUnmanaged: true,
  address: (key) => ramAttachmentAddress(key.account, key.role, key.policy),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,

  desired(config: RegistryDocument) {
    return crossAccountTargets(config).map((t) => ({
      id: ramAttachmentAddress(t.account, t.roleName, t.policyName),
      kind: 'ram-attachment',
      account: t.account,
      region: 'global',
      key: { account: t.account, role: t.roleName, policy: t.policyName },
      spec: { roleName: t.roleName, policyName: t.policyName, policyType: POLICY_TYPE },
      requires: [ramRoleAddress(t.account, t.roleName), ramPolicyAddress(t.account, t.policyName)],
      reason: t.because.join('; '),
    }));
  },

  async read(ctx: ReadContext) {
    const found = await Promise.all(
      crossAccountTargets(ctx.config).map(async (t): Promise<LiveObject<AttachmentSpec, AttachmentIds, AttachmentKey> | undefined> => {
        let policies;
        try {
          policies = (await ctx.cloud.ram(t.account).listPoliciesForRole({ roleName: t.roleName })).policies?.policy ?? [];
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
        if (!policies.some((p) => p.policyName === t.policyName && p.policyType === POLICY_TYPE)) return undefined;
        return {
          id: ramAttachmentAddress(t.account, t.roleName, t.policyName),
          kind: 'ram-attachment',
          account: t.account,
          region: 'global',
          key: { account: t.account, role: t.roleName, policy: t.policyName },
          spec: { roleName: t.roleName, policyName: t.policyName, policyType: POLICY_TYPE },
          ids: { roleName: t.roleName, policyName: t.policyName },
          container: accountAddress(t.account),
          prunable: false,
          requires: [ramRoleAddress(t.account, t.roleName), ramPolicyAddress(t.account, t.policyName)],
        };
      }),
    );
    return found.filter((a) => a !== undefined);
  },


  observe,
  create: attach,
  delete: detach,
};
