/**
 * Kind `instance-resource-group`: the resource group an instance belongs to
 * (`instance[i].settings[resource-group]`; Terraform `alicloud_cr_ee_instance.resource_group_id`).
 *
 * Reads no API of its own: the instance kind's ListInstance gives each instance's ResourceGroupId
 * (src/kinds/instance.ts InstanceLive). Only instances that declare `resourceGroup` are compared
 * (every running instance for adopt); without it the instance stays in whatever group it is in.
 * Acts: ChangeResourceGroup (in place, idempotent: moving to the group it is in changes nothing),
 * then waits until GetInstance shows the new group (Terraform polls the same way). The plan shows
 * the move as `resourceGroupId = "rg-old" -> "rg-new"`. Resource Manager is not read: a group id
 * that does not exist is the service's error at apply time.
 */
import type { RegistryDocument } from '../config/model.js';
import { address, segment } from '../plan/address.js';
import { str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, runningInstances, type InstanceLive } from './instance.js';
import { instanceCalls, instanceScopes } from './permits.js';
import { isNotFound } from './support.js';
import { waitUntil } from './wait.js';

/** How long a move may take to show in GetInstance (Terraform: 5 min update timeout). */
const MOVE_TIMEOUT_MS = 5 * 60_000;

const keyShape = struct({ instance: str });
const specShape = struct({ resourceGroupId: str });
const idsShape = struct({ instanceId: str });
export type ResourceGroupKey = Decoded<typeof keyShape>;
export type ResourceGroupSpec = Decoded<typeof specShape>;
export type ResourceGroupIds = Decoded<typeof idsShape>;

/** `instance[i].settings[resource-group]`. */
export function resourceGroupAddress(instance: string): string {
  return address(instanceAddress(instance), segment('settings', 'resource-group'));
}

async function currentGroup(ctx: ExecContext, s: Subject<ResourceGroupSpec, ResourceGroupIds, ResourceGroupKey>, instanceId: string): Promise<string | undefined> {
  try {
    return (await ctx.cloud.cr(s.account, s.region).getInstance({ InstanceId: instanceId })).ResourceGroupId;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function move(ctx: ExecContext, s: Subject<ResourceGroupSpec, ResourceGroupIds, ResourceGroupKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const want = s.spec.resourceGroupId;
  if ((await currentGroup(ctx, s, instanceId)) !== want) {
    await ctx.intent('ChangeResourceGroup', { instanceId, resourceGroupId: want });
    await ctx.cloud.cr(s.account, s.region).changeResourceGroup({ ResourceId: instanceId, ResourceRegionId: s.region, ResourceGroupId: want });
  }
  await waitUntil(ctx, async () => ((await currentGroup(ctx, s, instanceId)) === want ? true : undefined), { what: `instance ${s.key.instance} to show resource group ${want}`, timeoutMs: MOVE_TIMEOUT_MS });
  return { ids: { instanceId } };
}

async function observe(ctx: ExecContext, s: Subject<ResourceGroupSpec, ResourceGroupIds, ResourceGroupKey>): Promise<Observation<ResourceGroupIds>> {
  const instanceId = s.ids?.instanceId ?? knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined || instanceId === '') return { state: 'absent' };
  const rg = await currentGroup(ctx, s, instanceId);
  if (rg === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: rg === s.spec.resourceGroupId, ready: true, ids: { instanceId } };
}

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      resourceGroup: {
        description:
          'Resource group of the instance (API ChangeResourceGroup; Terraform alicloud_cr_ee_instance.resource_group_id). A change moves the instance in place; the plan shows the group it leaves and the one it joins. Without it, the instance stays in its group.',
        type: 'string',
        pattern: '^rg-[a-z0-9]{1,60}$',
        patternErrorMessage: 'a resource group id is rg- followed by lowercase letters and digits (Resource Management console, or `aliyun resourcemanager ListResourceGroups`)',
        examples: ['rg-aekz5nlvlaksnvi'],
      },
    },
  },
};

/** The calls of the kind (issue 17): GetInstance to observe and wait, ChangeResourceGroup where declared. */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) =>
    config.instances![s.alias]!.resourceGroup === undefined ? [] : [...instanceCalls(s, ['observe', 'create', 'update'], ['cr:GetInstance']), ...instanceCalls(s, ['create', 'update'], ['cr:ChangeResourceGroup'])],
  );
}

export const resourceGroupKind: Kind<ResourceGroupSpec, ResourceGroupIds, ResourceGroupKey> = {
  name: 'instance-resource-group',
  readAfter: ['instance'],
  // One field of the instance: never unmanaged, never pruned or destroyed.
  reportsUnmanaged: false,
  address: (k) => resourceGroupAddress(k.instance),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]): DesiredObject<ResourceGroupSpec, ResourceGroupKey>[] =>
      inst.resourceGroup === undefined
        ? []
        : [{ id: resourceGroupAddress(alias), kind: 'instance-resource-group', account: inst.account, region: inst.region, instance: alias, key: { instance: alias }, spec: { resourceGroupId: inst.resourceGroup }, requires: [instanceAddress(alias)] }],
    );
  },

  async read(ctx: ReadContext) {
    const groups = new Map(ctx.live('instance').map((l) => [l.id, (l as Partial<InstanceLive>).resourceGroupId] as const));
    return runningInstances(ctx).flatMap((m): LiveObject<ResourceGroupSpec, ResourceGroupIds, ResourceGroupKey>[] => {
      const rg = groups.get(m.address);
      if (rg === undefined || (ctx.discover !== true && m.config.resourceGroup === undefined)) return [];
      return [{ id: resourceGroupAddress(m.alias), kind: 'instance-resource-group', account: m.account, region: m.region, instance: m.alias, key: { instance: m.alias }, spec: { resourceGroupId: rg }, ids: { instanceId: m.instanceId }, container: m.address, prunable: false, requires: [] }];
    });
  },

  diff(desired, live) {
    return { changes: compareSpec(desired.spec, live.spec, { notes: { resourceGroupId: 'ChangeResourceGroup moves the instance in place' } }) };
  },

  /** Adopt writes the group every instance is in (the default group too: nothing tells it apart). */
  toConfig(l) {
    return { pieces: [{ set: ['instances', l.key.instance], fields: { resourceGroup: l.spec.resourceGroupId } }] };
  },

  observe,
  create: move,
  update: (ctx: ExecContext, c: Change<ResourceGroupSpec, ResourceGroupIds, ResourceGroupKey>) => move(ctx, c),
};
