/**
 * Kind `vpc-link`: a VPC endpoint link of an instance (`instance[i].vpc-link[vpc-…/vsw-…]`).
 *
 * Reads: cr GetInstanceVpcEndpoint (ModuleName Registry) per matched RUNNING instance: it lists every
 * link. Links not declared are unmanaged under the instance, pruned when it has `prune: true`.
 * No update exists: the natural key is the whole spec, so a change is another address (a create and,
 * with prune, a delete). `privateZone` is sent at create (EnableCreateDNSRecordInPvzt) and is not
 * readable back, so it is never compared.
 * Acts: CreateInstanceVpcEndpointLinkedVpc then wait RUNNING; DeleteInstanceVpcEndpointLinkedVpc
 * then wait until the link is gone (TIMEOUTS.vpcLink).
 */
import type { CrClient, GetInstanceVpcEndpointResponse } from '../cloud/cr.js';
import { DEFAULTS, type RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import type { Action } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import { aliasOf, instanceIdOf, prunes, runningInstances } from './instance.js';
import { crFor, isNotFound, unsupported, vendorCode } from './support.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';
import { TIMEOUTS, waitUntil } from './wait.js';

type Link = NonNullable<GetInstanceVpcEndpointResponse['LinkedVpcs']>[number];

const MODULE = 'Registry';
const always = () => true;

async function links(cr: CrClient, instanceId: string): Promise<readonly Link[]> {
  return (await cr.getInstanceVpcEndpoint({ InstanceId: instanceId, ModuleName: MODULE })).LinkedVpcs ?? [];
}

async function findLink(cr: CrClient, instanceId: string, vpc: string, vswitch: string): Promise<Link | undefined> {
  return (await links(cr, instanceId)).find((l) => l.VpcId === vpc && l.VswitchId === vswitch);
}

function keyOf(action: Action): { vpc: string; vswitch: string } {
  const spec = action.after ?? action.before ?? {};
  return { vpc: String(spec['vpc']), vswitch: String(spec['vswitch']) };
}

async function create(ctx: ExecContext, action: Action): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const { vpc, vswitch } = keyOf(action);
  const cr = crFor(ctx, action);
  if (ctx.reconciled?.state !== 'pending') {
    await ctx.intent('CreateInstanceVpcEndpointLinkedVpc', { instanceId, vpc, vswitch });
    try {
      await cr.createInstanceVpcEndpointLinkedVpc({
        InstanceId: instanceId,
        VpcId: vpc,
        VswitchId: vswitch,
        ModuleName: MODULE,
        EnableCreateDNSRecordInPvzt: action.after?.['privateZone'] !== false,
      });
    } catch (err) {
      if (vendorCode(err) !== 'INSTANCE_ACCESS_ALREADY_EXIST') throw err;
    }
  }
  const ip = await waitUntil(
    ctx,
    async () => {
      const l = await findLink(cr, instanceId, vpc, vswitch);
      if (l === undefined) throw new AcrctlError('apply.vpc_link_vanished', `the link of ${vpc}/${vswitch} to ${instanceId} disappeared while it was being created`, { address: action.id });
      return l.Status === 'RUNNING' ? (l.Ip ?? '') : undefined;
    },
    { what: `VPC link ${vpc}/${vswitch} to be RUNNING`, timeoutMs: TIMEOUTS.vpcLink },
  );
  return { ids: { instanceId, ...(ip !== '' ? { ip } : {}) } };
}

async function remove(ctx: ExecContext, action: Action): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const { vpc, vswitch } = keyOf(action);
  const cr = crFor(ctx, action);
  await ctx.intent('DeleteInstanceVpcEndpointLinkedVpc', { instanceId, vpc, vswitch });
  try {
    await cr.deleteInstanceVpcEndpointLinkedVpc({ InstanceId: instanceId, VpcId: vpc, VswitchId: vswitch, ModuleName: MODULE });
  } catch (err) {
    if (!isNotFound(err)) throw err; // INSTANCE_ACCESS_NOT_EXIST: already gone
  }
  await waitUntil(ctx, async () => ((await findLink(cr, instanceId, vpc, vswitch)) === undefined ? true : undefined), {
    what: `VPC link ${vpc}/${vswitch} to be removed`,
    timeoutMs: TIMEOUTS.vpcLink,
  });
  return {};
}

export const vpcLinkKind: Kind = {
  name: 'vpc-link',
  readAfter: ['instance'],
  reportsUnmanaged: true,

  desired(config: RegistryDocument): DesiredObject[] {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.vpcEndpoints ?? []).map((e) => ({
        id: addr.vpcLink(alias, e.vpc, e.vswitch),
        kind: 'vpc-link',
        account: inst.account,
        region: inst.region,
        instance: alias,
        spec: { vpc: e.vpc, vswitch: e.vswitch, privateZone: e.privateZone ?? DEFAULTS.vpcEndpoint.privateZone },
        requires: [addr.instance(alias)],
      })),
    );
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const found = await links(ctx.cloud.cr(m.account, m.region), m.instanceId);
        return found
          .filter((l) => l.VpcId !== undefined && l.VswitchId !== undefined)
          .map(
            (l): LiveObject => ({
              id: addr.vpcLink(m.alias, l.VpcId!, l.VswitchId!),
              kind: 'vpc-link',
              account: m.account,
              region: m.region,
              instance: m.alias,
              spec: { vpc: l.VpcId!, vswitch: l.VswitchId! },
              ids: { instanceId: m.instanceId, ...(l.Ip ? { ip: l.Ip } : {}) },
              container: m.address,
              prunable: prunes(m.config),
              requires: [m.address],
            }),
          );
      }),
    );
    return per.flat();
  },

  diff(desired: DesiredObject, live: LiveObject): Diff {
    return { changes: compareSpec(desired.spec, live.spec, { equal: { privateZone: always } }) };
  },

  async apply(ctx: ExecContext, action: Action): Promise<Outcome> {
    switch (action.type) {
      case 'create':
        return create(ctx, action);
      case 'delete':
        return remove(ctx, action);
      default:
        return unsupported('vpc-link', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const instanceId = ctx.ids(addr.instance(aliasOf(action)))['instanceId'];
    if (instanceId === undefined) return action.type === 'delete' ? { state: 'done' } : { state: 'absent' };
    const { vpc, vswitch } = keyOf(action);
    const l = await findLink(crFor(ctx, action), instanceId, vpc, vswitch);
    if (action.type === 'delete') return l === undefined ? { state: 'done' } : { state: 'absent' };
    if (l === undefined) return { state: 'absent' };
    const ids = { instanceId, ...(l.Ip ? { ip: l.Ip } : {}) };
    return l.Status === 'RUNNING' ? { state: 'done', ids } : { state: 'pending', ids };
  },
};
