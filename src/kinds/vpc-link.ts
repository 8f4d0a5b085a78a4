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
import { DEFAULTS, type ReferenceCheck, type RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { bool, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Diff, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { isNotFound, vendorCode } from './support.js';
import { TIMEOUTS, waitUntil } from './wait.js';
import { instanceCalls, instanceScope } from './permits.js';

type Link = NonNullable<GetInstanceVpcEndpointResponse['LinkedVpcs']>[number];

const MODULE = 'Registry';
const always = () => true;

const keyShape = struct({ instance: str, vpc: str, vswitch: str });
const specShape = struct({ vpc: str, vswitch: str, privateZone: optional(bool) });
const idsShape = struct({ instanceId: str, ip: optional(str) });
export type VpcLinkKey = Decoded<typeof keyShape>;
export type VpcLinkSpec = Decoded<typeof specShape>;
export type VpcLinkIds = Decoded<typeof idsShape>;

/** `instance[i].vpc-link[vpc-…/vsw-…]`. */
export function vpcLinkAddress(instance: string, vpc: string, vswitch: string): string {
  return address(instanceAddress(instance), segment('vpc-link', `${vpc}/${vswitch}`));
}

async function links(cr: CrClient, instanceId: string): Promise<readonly Link[]> {
  return (await cr.getInstanceVpcEndpoint({ InstanceId: instanceId, ModuleName: MODULE })).LinkedVpcs ?? [];
}

async function findLink(cr: CrClient, instanceId: string, vpc: string, vswitch: string): Promise<Link | undefined> {
  return (await links(cr, instanceId)).find((l) => l.VpcId === vpc && l.VswitchId === vswitch);
}

async function create(ctx: ExecContext, s: Subject<VpcLinkSpec, VpcLinkIds, VpcLinkKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const { vpc, vswitch } = s.key;
  const cr = ctx.cloud.cr(s.account, s.region);
  if (ctx.reconciled?.state !== 'pending') {
    await ctx.intent('CreateInstanceVpcEndpointLinkedVpc', { instanceId, vpc, vswitch });
    try {
      await cr.createInstanceVpcEndpointLinkedVpc({
        InstanceId: instanceId,
        VpcId: vpc,
        VswitchId: vswitch,
        ModuleName: MODULE,
        EnableCreateDNSRecordInPvzt: s.spec.privateZone !== false,
      });
    } catch (err) {
      if (vendorCode(err) !== 'INSTANCE_ACCESS_ALREADY_EXIST') throw err;
    }
  }
  const ip = await waitUntil(
    ctx,
    async () => {
      const l = await findLink(cr, instanceId, vpc, vswitch);
      if (l === undefined) throw new AcrctlError('apply.vpc_link_vanished', `the link of ${vpc}/${vswitch} to ${instanceId} disappeared while it was being created`, { address: s.id });
      return l.Status === 'RUNNING' ? (l.Ip ?? '') : undefined;
    },
    { what: `VPC link ${vpc}/${vswitch} to be RUNNING`, timeoutMs: TIMEOUTS.vpcLink },
  );
  return { ids: { instanceId, ...(ip !== '' ? { ip } : {}) } };
}

async function remove(ctx: ExecContext, r: Removal<VpcLinkSpec, VpcLinkIds, VpcLinkKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, r.key.instance);
  const { vpc, vswitch } = r.key;
  const cr = ctx.cloud.cr(r.account, r.region);
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

/** The link of the key's VPC and vSwitch: ready once RUNNING. The key is the whole compared spec. */
async function observe(ctx: ExecContext, s: Subject<VpcLinkSpec, VpcLinkIds, VpcLinkKey>): Promise<Observation<VpcLinkIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const l = await findLink(ctx.cloud.cr(s.account, s.region), instanceId, s.key.vpc, s.key.vswitch);
  if (l === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: true, ready: l.Status === 'RUNNING', ids: { instanceId, ...(l.Ip ? { ip: l.Ip } : {}) } };
}

/** A link's natural key (vpc + vswitch) is declared once per instance. */
const REFERENCES: ReferenceCheck = ({ instances, items, str, report }) => {
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    for (const [i, ep] of items(inst['vpcEndpoints'])) {
      const key = `${str(ep['vpc']) ?? ''}/${str(ep['vswitch']) ?? ''}`;
      const first = seen.get(key);
      if (first !== undefined) report('ref/duplicate-key', `VPC endpoint ${key} is declared twice (first at vpcEndpoints[${first}])`, ['instances', alias, 'vpcEndpoints', i]);
      else seen.set(key, i);
    }
  }
};

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      vpcEndpoints: {
        description: 'VPC endpoint links (natural key: vpc + vswitch). Imports need one in RUNNING state.',
        type: 'array',
        items: { $ref: '#/$defs/vpcEndpoint' },
      },
    },
  },
  defs: {
    vpcEndpoint: {
      description: 'A VPC endpoint link.',
      type: 'object',
      required: ['vpc', 'vswitch'],
      additionalProperties: false,
      properties: {
        vpc: {
          description: 'VPC id, `vpc-…`.',
          type: 'string',
          pattern: '^(vpc-[a-z0-9]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'a VPC id looks like vpc-bp1example',
        },
        vswitch: {
          description: 'vSwitch id, `vsw-…`, in that VPC and in a zone that supports the feature you need (imports).',
          type: 'string',
          pattern: '^(vsw-[a-z0-9]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'a vSwitch id looks like vsw-bp1example',
        },
        privateZone: {
          description: 'Create the PrivateZone records that resolve the VPC host inside the VPC.',
          type: 'boolean',
          default: true,
        },
      },
    },
  },
  sections: [['vpcEndpoint', '#/$defs/vpcEndpoint']],
};

/**
 * The calls of the kind (issue 17): GetInstanceVpcEndpoint per instance (it lists every link);
 * CreateInstanceVpcEndpointLinkedVpc / DeleteInstanceVpcEndpointLinkedVpc on the instance, each
 * followed by reads until the link settles. A delete happens for an undeclared link of a pruning
 * instance (a changed link is another key: a create and, with prune, a delete).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) => {
    const s = instanceScope(config, alias)!;
    const links = (inst.vpcEndpoints ?? []).length > 0;
    return [
      ...instanceCalls(s, ['read', 'observe', 'create', 'delete'], ['cr:GetInstanceVpcEndpoint']),
      ...(links ? instanceCalls(s, ['create'], ['cr:CreateInstanceVpcEndpointLinkedVpc']) : []),
      ...(prunes(inst) ? instanceCalls(s, ['delete'], ['cr:DeleteInstanceVpcEndpointLinkedVpc'], {}, ['apply']) : []),
    ];
  });
}

export const vpcLinkKind: Kind<VpcLinkSpec, VpcLinkIds, VpcLinkKey> = {
  name: 'vpc-link',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => vpcLinkAddress(key.instance, key.vpc, key.vswitch),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.vpcEndpoints ?? []).map((e) => ({
        id: vpcLinkAddress(alias, e.vpc, e.vswitch),
        kind: 'vpc-link',
        account: inst.account,
        region: inst.region,
        instance: alias,
        key: { instance: alias, vpc: e.vpc, vswitch: e.vswitch },
        spec: { vpc: e.vpc, vswitch: e.vswitch, privateZone: e.privateZone ?? DEFAULTS.vpcEndpoint.privateZone },
        requires: [instanceAddress(alias)],
      })),
    );
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const found = await links(ctx.cloud.cr(m.account, m.region), m.instanceId);
        return found
          .filter((l) => l.VpcId !== undefined && l.VswitchId !== undefined)
          .map(
            (l): LiveObject<VpcLinkSpec, VpcLinkIds, VpcLinkKey> => ({
              id: vpcLinkAddress(m.alias, l.VpcId!, l.VswitchId!),
              kind: 'vpc-link',
              account: m.account,
              region: m.region,
              instance: m.alias,
              key: { instance: m.alias, vpc: l.VpcId!, vswitch: l.VswitchId! },
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

  diff(desired, live): Diff {
    return { changes: compareSpec(desired.spec, live.spec, { equal: { privateZone: always } }) };
  },

  toConfig(l) {
    const { vpc, vswitch } = l.spec;
    return { pieces: [{ item: ['instances', l.key.instance, 'vpcEndpoints'], value: { vpc, vswitch }, order: `${vpc}/${vswitch}` }] };
  },

  observe,
  create,
  delete: remove,
};
