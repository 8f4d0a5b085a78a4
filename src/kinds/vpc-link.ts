/**
 * Kind `vpc-link`: a VPC endpoint link of an instance (`instance[i].vpc-link[vpc-…/vsw-…]`; a link
 * of the Helm chart module `Chart` is `instance[i].vpc-link[vpc-…/vsw-…/Chart]`).
 *
 * Reads: cr GetInstanceVpcEndpoint per module (Registry, Chart) per matched RUNNING instance: each
 * lists every link of its module. Links not declared are unmanaged under the instance, pruned when it has `prune: true`.
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

/** The modules a VPC can be linked to: the image registry and the Helm chart repository. */
export const VPC_LINK_MODULES = ['Registry', 'Chart'] as const;
const DEFAULT_MODULE = 'Registry';
const always = () => true;

/** `module` is absent for the default module, Registry (so addresses and plans of Registry links stay as they were). */
const keyShape = struct({ instance: str, vpc: str, vswitch: str, module: optional(str) });
const specShape = struct({ vpc: str, vswitch: str, privateZone: optional(bool) });
const idsShape = struct({ instanceId: str, ip: optional(str) });
export type VpcLinkKey = Decoded<typeof keyShape>;
export type VpcLinkSpec = Decoded<typeof specShape>;
export type VpcLinkIds = Decoded<typeof idsShape>;

/** `instance[i].vpc-link[vpc-…/vsw-…]`, or `…/Chart]` for a link of the Chart module. */
export function vpcLinkAddress(instance: string, vpc: string, vswitch: string, module: string = DEFAULT_MODULE): string {
  return address(instanceAddress(instance), segment('vpc-link', module === DEFAULT_MODULE ? `${vpc}/${vswitch}` : `${vpc}/${vswitch}/${module}`));
}

/** The module of a key: `Registry` unless it says otherwise. */
const moduleOf = (key: VpcLinkKey): string => key.module ?? DEFAULT_MODULE;
/** The key of a link; the module only when it is not the default. */
const keyOf = (instance: string, vpc: string, vswitch: string, module: string): VpcLinkKey => ({ instance, vpc, vswitch, ...(module !== DEFAULT_MODULE ? { module } : {}) });

async function links(cr: CrClient, instanceId: string, module: string): Promise<readonly Link[]> {
  return (await cr.getInstanceVpcEndpoint({ InstanceId: instanceId, ModuleName: module })).LinkedVpcs ?? [];
}

async function findLink(cr: CrClient, instanceId: string, vpc: string, vswitch: string, module: string): Promise<Link | undefined> {
  return (await links(cr, instanceId, module)).find((l) => l.VpcId === vpc && l.VswitchId === vswitch);
}

async function create(ctx: ExecContext, s: Subject<VpcLinkSpec, VpcLinkIds, VpcLinkKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const { vpc, vswitch } = s.key;
  const module = moduleOf(s.key);
  const cr = ctx.cloud.cr(s.account, s.region);
  if (ctx.reconciled?.state !== 'pending') {
    await ctx.intent('CreateInstanceVpcEndpointLinkedVpc', { instanceId, vpc, vswitch, module });
    try {
      await cr.createInstanceVpcEndpointLinkedVpc({
        InstanceId: instanceId,
        VpcId: vpc,
        VswitchId: vswitch,
        ModuleName: module,
        EnableCreateDNSRecordInPvzt: s.spec.privateZone !== false,
      });
    } catch (err) {
      if (vendorCode(err) !== 'INSTANCE_ACCESS_ALREADY_EXIST') throw err;
    }
  }
  const ip = await waitUntil(
    ctx,
    async () => {
      const l = await findLink(cr, instanceId, vpc, vswitch, module);
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
  const module = moduleOf(r.key);
  const cr = ctx.cloud.cr(r.account, r.region);
  await ctx.intent('DeleteInstanceVpcEndpointLinkedVpc', { instanceId, vpc, vswitch, module });
  try {
    await cr.deleteInstanceVpcEndpointLinkedVpc({ InstanceId: instanceId, VpcId: vpc, VswitchId: vswitch, ModuleName: module });
  } catch (err) {
    if (!isNotFound(err)) throw err; // INSTANCE_ACCESS_NOT_EXIST: already gone
  }
  await waitUntil(ctx, async () => ((await findLink(cr, instanceId, vpc, vswitch, module)) === undefined ? true : undefined), {
    what: `VPC link ${vpc}/${vswitch} to be removed`,
    timeoutMs: TIMEOUTS.vpcLink,
  });
  return {};
}

/** The link of the key's VPC and vSwitch: ready once RUNNING. The key is the whole compared spec. */
async function observe(ctx: ExecContext, s: Subject<VpcLinkSpec, VpcLinkIds, VpcLinkKey>): Promise<Observation<VpcLinkIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const l = await findLink(ctx.cloud.cr(s.account, s.region), instanceId, s.key.vpc, s.key.vswitch, moduleOf(s.key));
  if (l === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: true, ready: l.Status === 'RUNNING', ids: { instanceId, ...(l.Ip ? { ip: l.Ip } : {}) } };
}

/** A link's natural key (vpc + vswitch + module) is declared once per instance. */
const REFERENCES: ReferenceCheck = ({ instances, items, str, report }) => {
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    for (const [i, ep] of items(inst['vpcEndpoints'])) {
      const module = str(ep['module']) ?? DEFAULT_MODULE;
      const key = `${str(ep['vpc']) ?? ''}/${str(ep['vswitch']) ?? ''}${module === DEFAULT_MODULE ? '' : ` (module ${module})`}`;
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
        description: 'VPC endpoint links (natural key: vpc + vswitch + module). Imports need one of module Registry in RUNNING state.',
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
        module: {
          description: 'What the VPC reaches: `Registry` (images) or `Chart` (Helm charts, `chartNamespaces`). A VPC may be linked to both, as two entries. Terraform: `module_name` of `alicloud_cr_vpc_endpoint_linked_vpc`.',
          type: 'string',
          enum: [...VPC_LINK_MODULES],
          default: DEFAULT_MODULE,
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
  address: (key) => vpcLinkAddress(key.instance, key.vpc, key.vswitch, moduleOf(key)),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.vpcEndpoints ?? []).map((e) => ({
        id: vpcLinkAddress(alias, e.vpc, e.vswitch, e.module ?? DEFAULT_MODULE),
        kind: 'vpc-link',
        account: inst.account,
        region: inst.region,
        instance: alias,
        key: keyOf(alias, e.vpc, e.vswitch, e.module ?? DEFAULT_MODULE),
        spec: { vpc: e.vpc, vswitch: e.vswitch, privateZone: e.privateZone ?? DEFAULTS.vpcEndpoint.privateZone },
        requires: [instanceAddress(alias)],
      })),
    );
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).flatMap((m) => VPC_LINK_MODULES.map((module) => ({ m, module }))).map(async ({ m, module }) => {
        const found = await links(ctx.cloud.cr(m.account, m.region), m.instanceId, module);
        return found
          .filter((l) => l.VpcId !== undefined && l.VswitchId !== undefined)
          .map(
            (l): LiveObject<VpcLinkSpec, VpcLinkIds, VpcLinkKey> => ({
              id: vpcLinkAddress(m.alias, l.VpcId!, l.VswitchId!, module),
              kind: 'vpc-link',
              account: m.account,
              region: m.region,
              instance: m.alias,
              key: keyOf(m.alias, l.VpcId!, l.VswitchId!, module),
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
    const module = moduleOf(l.key);
    return { pieces: [{ item: ['instances', l.key.instance, 'vpcEndpoints'], value: { vpc, vswitch, ...(module !== DEFAULT_MODULE ? { module } : {}) }, order: `${vpc}/${vswitch}/${module}` }] };
  },

  observe,
  create,
  delete: remove,
};
