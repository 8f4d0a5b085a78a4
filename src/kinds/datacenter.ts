/**
 * Data-centre access (DOMAIN.md "Access across regions or from a data centre", seeds 001 and 004):
 * the derivation of `datacenterAccess` entries, and kind `datacenter` (`datacenter[name]`), the
 * evidence the route kind (datacenter-route.ts) and the plan's findings and outputs are built from.
 *
 * A data centre reaches the instance's VPC over a VPN gateway, an Express Connect virtual border
 * router (VBR) or a Smart Access Gateway (SAG). Its own routers and DNS are outside any cloud API, so
 * acrctl derives and prints what they need: the instance VPC address, the auth service address and
 * the OSS bucket address as /32s towards the connection, and the three names for DNS. On the cloud
 * side it creates what the VPC API allows: in the instance VPC's route table, one route per
 * data-centre CIDR towards the connection (next hop `VpnGateway`, or `RouterInterface` for Express
 * Connect when the VPC's router interface to the VBR is declared). The rest (the VPN gateway's IPsec
 * subnets, the VBR's own routes, SAG/CCN) it prints.
 *
 * Why a sibling of `crossRegionAccess` and not a new kind of source in it: a CEN path is built around
 * a source VPC, its route table and two transit routers, all required there; a data centre has none
 * of them, and its connection ends in the instance's own region and VPC. One list with two shapes
 * would make every field conditional and every schema error message vaguer.
 *
 * Kind `datacenter` never acts (`classify` is always `none`, nothing is unmanaged). Its live object
 * says: the instance VPC's CIDRs, whether the route table is in that VPC, the connection as read
 * (VPN gateway: found, status, VPC; VBR: found, status; SAG: not readable, no smartag client), and
 * the instance id and VPC address.
 *
 * Reads (List calls, paged, with the instance's account in its region): VPC DescribeVpcs and
 * DescribeRouteTableList of the instance VPC; DescribeVpnGateways (VpnGatewayId) or
 * DescribeVirtualBorderRouters (Filter VbrId); cr GetInstanceVpcEndpoint per RUNNING instance.
 */
import type { VpcClient } from '../cloud/vpc.js';
import { DEFAULTS, type ReferenceCheck, type RegistryDocument } from '../config/model.js';
import { overlaps, parseCidr, SERVICE_RANGE } from '../config/lints/cidr.js';
import { accountAddress, segment } from '../plan/address.js';
import { json, record, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Diff, Kind, LanguageFragment, LiveObject, ReadContext, Spec } from '../plan/kind.js';
import type { PlanFinding, PlanOutput } from '../plan/model.js';
import { containedAddresses, ossHostOf, type ServiceRoute } from './cross-region.js';
import { instanceAddress, runningInstances } from './instance.js';
import { vpcLinkAddress } from './vpc-link.js';
import { calls, instanceCalls, instanceScope } from './permits.js';

const keyShape = struct({ access: str });
const specShape = record(json);
const idsShape = record(str);
type DcKey = Decoded<typeof keyShape>;
type DcIds = Decoded<typeof idsShape>;

/** `datacenter[name]`: a data centre's access path, the container of its routes. */
export function datacenterAddress(name: string): string {
  return segment('datacenter', name);
}

// ---------------------------------------------------------------------------------------------
// The derivation (pure)

export type ConnectionKind = 'vpn' | 'expressConnect' | 'sag';

/** The id prefix of each connection kind's instance. */
export const CONNECTION_PREFIX: Readonly<Record<ConnectionKind, string>> = { vpn: 'vpn-', expressConnect: 'vbr-', sag: 'sag-' };

const CONNECTION_NAME: Readonly<Record<ConnectionKind, string>> = { vpn: 'VPN gateway', expressConnect: 'virtual border router', sag: 'Smart Access Gateway' };

/** The next hop of the cloud-side routes, when the VPC API can express it. */
export interface CloudHop {
  readonly type: 'VpnGateway' | 'RouterInterface';
  readonly id: string;
}

/** One `datacenterAccess` entry, resolved against the config. JSON values only. */
export interface DatacenterPath {
  readonly name: string;
  readonly index: number;
  /** Target instance alias, its account, region and cloud name. */
  readonly target: string;
  readonly account: string;
  readonly region: string;
  readonly instanceName: string;
  readonly ossBucket?: string;
  /** The instance's VPC endpoint link the connection ends in (`vpc`, else the first `vpcEndpoints`). */
  readonly targetVpc?: { readonly vpc: string; readonly vswitch: string };
  readonly routeTable?: string;
  readonly cidrs: readonly string[];
  readonly connection: { readonly kind: ConnectionKind; readonly id: string; readonly routerInterface?: string };
  readonly auth: ServiceRoute;
  readonly oss: ServiceRoute;
  readonly instanceAddress?: string;
}

/** Data-centre paths whose `to` names a declared instance (references are validated before planning). */
export function datacenterPaths(config: RegistryDocument): DatacenterPath[] {
  const out: DatacenterPath[] = [];
  (config.datacenterAccess ?? []).forEach((a, index) => {
    const inst = config.instances?.[a.to];
    if (inst === undefined) return;
    const takeover = inst.authDomainTakeover ?? DEFAULTS.instance.authDomainTakeover;
    const authOn = a.routes?.auth ?? DEFAULTS.routes.auth;
    const ossOn = a.routes?.oss ?? DEFAULTS.routes.oss;
    const link = (a.vpc !== undefined ? inst.vpcEndpoints?.find((l) => l.vpc === a.vpc) : undefined) ?? inst.vpcEndpoints?.[0];
    out.push({
      name: a.name,
      index,
      target: a.to,
      account: inst.account,
      region: inst.region,
      instanceName: inst.name,
      ...(inst.ossBucket !== undefined ? { ossBucket: inst.ossBucket } : {}),
      ...(link !== undefined ? { targetVpc: { vpc: link.vpc, vswitch: link.vswitch } } : {}),
      ...(a.routeTable !== undefined ? { routeTable: a.routeTable } : {}),
      cidrs: [...a.datacenter.cidrs],
      connection: { kind: a.connection.kind, id: a.connection.id, ...(a.connection.routerInterface !== undefined ? { routerInterface: a.connection.routerInterface } : {}) },
      auth: {
        needed: authOn && !takeover,
        ...(takeover ? { skipped: 'auth-domain-takeover' as const } : !authOn ? { skipped: 'routes-off' as const } : {}),
        ...(a.addresses?.auth !== undefined ? { address: a.addresses.auth } : {}),
      },
      oss: { needed: ossOn, ...(!ossOn ? { skipped: 'routes-off' as const } : {}), ...(a.addresses?.oss !== undefined ? { address: a.addresses.oss } : {}) },
      ...(a.addresses?.instance !== undefined ? { instanceAddress: a.addresses.instance } : {}),
    });
  });
  return out;
}

/** The next hop of the instance VPC's routes to the data centre, or undefined when the VPC API has none acrctl can name. */
export function cloudHop(p: DatacenterPath): CloudHop | undefined {
  if (p.connection.kind === 'vpn') return { type: 'VpnGateway', id: p.connection.id };
  if (p.connection.kind === 'expressConnect' && p.connection.routerInterface !== undefined) return { type: 'RouterInterface', id: p.connection.routerInterface };
  return undefined;
}

/** True when acrctl plans the cloud-side routes of the path (a hop it can name and a table). */
export function plansCloudRoutes(p: DatacenterPath): boolean {
  return cloudHop(p) !== undefined && p.routeTable !== undefined && p.targetVpc !== undefined;
}

/** What the cloud-side routes need first: the instance and its VPC endpoint link. */
export function datacenterRequires(p: DatacenterPath): string[] {
  return [instanceAddress(p.target), ...(p.targetVpc !== undefined ? [vpcLinkAddress(p.target, p.targetVpc.vpc, p.targetVpc.vswitch)] : [])];
}

/** The name acrctl gives a data-centre route it creates, and by which it recognises it later. */
export function datacenterRouteName(access: string, cidr: string): string {
  return `acrctl-dc:${access}:${cidr}`;
}

/** The (access, cidr) of a data-centre route acrctl created, or undefined for anyone else's route. */
export function parseDatacenterRouteName(name: string | undefined): { access: string; cidr: string } | undefined {
  const m = /^acrctl-dc:([A-Za-z0-9][A-Za-z0-9_.-]{0,63}):([0-9./]+)$/.exec(name ?? '');
  return m === null ? undefined : { access: m[1]!, cidr: m[2]! };
}

// ---------------------------------------------------------------------------------------------
// Live evidence

interface ConnectionFacts {
  /** False for SAG: acrctl has no client of the smartag product. */
  readonly readable: boolean;
  readonly found?: boolean;
  readonly status?: string;
  /** VPN gateways: the VPC the gateway belongs to. */
  readonly vpc?: string;
}

const key = (...parts: string[]) => parts.join('\u0000');

async function readConnection(vpc: VpcClient, p: DatacenterPath): Promise<ConnectionFacts> {
  if (p.connection.kind === 'vpn') {
    const g = (await vpc.allVpnGateways({ regionId: p.region, vpnGatewayId: p.connection.id })).items.find((x) => x.vpnGatewayId === p.connection.id);
    if (g === undefined) return { readable: true, found: false };
    return { readable: true, found: true, ...(g.status !== undefined ? { status: g.status } : {}), ...(g.vpcId !== undefined ? { vpc: g.vpcId } : {}) };
  }
  if (p.connection.kind === 'expressConnect') {
    const v = (await vpc.allVirtualBorderRouters({ regionId: p.region, filter: [{ key: 'VbrId', value: [p.connection.id] }] })).items.find((x) => x.vbrId === p.connection.id);
    if (v === undefined) return { readable: true, found: false };
    return { readable: true, found: true, ...(v.status !== undefined ? { status: v.status } : {}) };
  }
  return { readable: false };
}

async function readEvidence(ctx: ReadContext, paths: readonly DatacenterPath[]): Promise<LiveObject<Spec, DcIds, DcKey>[]> {
  const running = new Map(runningInstances(ctx).map((m) => [m.alias, m] as const));
  const linkIps = new Map<string, Map<string, string>>();
  await Promise.all(
    [...new Set(paths.map((p) => p.target))].map(async (alias) => {
      const m = running.get(alias);
      if (m === undefined) return;
      const r = await ctx.cloud.cr(m.account, m.region).getInstanceVpcEndpoint({ InstanceId: m.instanceId, ModuleName: 'Registry' });
      const ips = new Map<string, string>();
      for (const l of r.LinkedVpcs ?? []) if (l.Ip && l.VpcId) ips.set(key(l.VpcId, l.VswitchId ?? ''), l.Ip);
      linkIps.set(alias, ips);
    }),
  );
  const instanceIds = new Map<string, string>();
  for (const l of ctx.live('instance')) {
    if (l.instance !== undefined && l.id === instanceAddress(l.instance) && l.ids['instanceId']) instanceIds.set(l.instance, l.ids['instanceId']);
  }
  return Promise.all(
    paths.map(async (p) => {
      const vpc = ctx.cloud.vpc(p.account, p.region);
      let vpcFacts: { found: boolean; cidrs?: string[] } = { found: false };
      let table: { found: boolean } | undefined;
      if (p.targetVpc !== undefined) {
        const v = (await vpc.allVpcs({ regionId: p.region, vpcId: p.targetVpc.vpc })).items.find((x) => x.vpcId === p.targetVpc!.vpc);
        if (v !== undefined) vpcFacts = { found: true, cidrs: [v.cidrBlock, ...(v.secondaryCidrBlocks?.secondaryCidrBlock ?? [])].filter((c): c is string => !!c) };
        if (v !== undefined && p.routeTable !== undefined) {
          const tables = (await vpc.allRouteTables({ regionId: p.region, vpcId: p.targetVpc.vpc })).items;
          table = { found: tables.some((t) => t.routeTableId === p.routeTable) };
        }
      }
      const connection = await readConnection(vpc, p);
      const instanceId = instanceIds.get(p.target);
      const ip = p.targetVpc === undefined ? undefined : linkIps.get(p.target)?.get(key(p.targetVpc.vpc, p.targetVpc.vswitch));
      return {
        id: datacenterAddress(p.name),
        kind: 'datacenter',
        account: p.account,
        region: p.region,
        key: { access: p.name },
        spec: {
          vpc: vpcFacts,
          ...(table !== undefined ? { routeTable: table } : {}),
          connection,
          instance: { ...(instanceId !== undefined ? { id: instanceId } : {}), ...(ip !== undefined ? { ip } : {}) },
        },
        ids: instanceId !== undefined ? { instanceId } : {},
        container: accountAddress(p.account),
        prunable: false,
        requires: [],
      } satisfies LiveObject<Spec, DcIds, DcKey>;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Findings and outputs

function spec<T>(l: LiveObject | undefined, field: string): T | undefined {
  return l?.spec[field] as T | undefined;
}

function finding(p: DatacenterPath, id: string, severity: PlanFinding['severity'], message: string): PlanFinding {
  return { id, severity, message, where: datacenterAddress(p.name) };
}

const connectionLabel = (p: DatacenterPath) => `${CONNECTION_NAME[p.connection.kind]} ${p.connection.id}`;

/** Findings of one path from its live evidence (the declared CIDRs are linted: docs/lints.md). */
export function datacenterFindings(p: DatacenterPath, live: LiveObject | undefined): PlanFinding[] {
  const out: PlanFinding[] = [];
  const field = `datacenterAccess[${p.index}]`;
  if (p.targetVpc === undefined) {
    out.push(finding(p, 'datacenter-no-vpc-endpoint', 'error', `instance ${p.target} declares no vpcEndpoints, so there is no instance VPC for the data centre to connect to: add a vpcEndpoints entry to it`));
  }
  for (const which of ['auth', 'oss'] as const) {
    if (!p[which].needed || p[which].address !== undefined) continue;
    out.push(
      finding(
        p,
        'datacenter-address-unknown',
        'warning',
        `the VPC address of the ${which === 'auth' ? 'auth service' : 'OSS bucket'} in ${p.region} is not set, so the data centre's router lines route all of 100.0.0.0/8 towards ` +
          `${connectionLabel(p)} and its DNS record cannot be printed. Find it from an ECS instance in the instance's VPC (${which === 'auth' ? `ping dockerauth-vpc.${p.region}.aliyuncs.com` : `ping ${ossHostOf(p.region, p.ossBucket, '<instance id>')}`}), then set ${field}.addresses.${which}`,
      ),
    );
  }
  if (live === undefined) return out;
  const c = spec<ConnectionFacts>(live, 'connection');
  if (c?.readable === false) {
    out.push(
      finding(
        p,
        'datacenter-connection-unverified',
        'info',
        `acrctl cannot read Smart Access Gateway instances (no client of the smartag API), so ${p.connection.id} is not verified: check that its CCN instance is attached to a CEN together with ${p.targetVpc?.vpc ?? 'the instance VPC'}`,
      ),
    );
  } else if (c?.found === false) {
    out.push(finding(p, 'datacenter-connection-missing', 'error', `the ${connectionLabel(p)} does not exist in ${p.region} for account ${p.account}: fix ${field}.connection.id`));
  } else if (c?.found === true) {
    if (c.vpc !== undefined && p.targetVpc !== undefined && c.vpc !== p.targetVpc.vpc) {
      out.push(finding(p, 'datacenter-connection-other-vpc', 'error', `the ${connectionLabel(p)} belongs to ${c.vpc}, not to the instance VPC ${p.targetVpc.vpc}: routes in ${p.targetVpc.vpc} cannot go through it. Name the gateway of ${p.targetVpc.vpc}, or set ${field}.vpc`));
    }
    if (c.status !== undefined && c.status !== 'active') {
      out.push(finding(p, 'datacenter-connection-status', 'warning', `the ${connectionLabel(p)} is ${c.status}, not active: traffic from the data centre will not pass until it is`));
    }
  }
  const vpc = spec<{ found: boolean; cidrs?: string[] }>(live, 'vpc');
  if (p.targetVpc !== undefined && vpc?.found === false) {
    out.push(finding(p, 'datacenter-vpc-missing', 'error', `the instance VPC ${p.targetVpc.vpc} does not exist in ${p.region} for account ${p.account}`));
  }
  if (spec<{ found: boolean }>(live, 'routeTable')?.found === false) {
    out.push(finding(p, 'datacenter-route-table-missing', 'error', `the route table ${p.routeTable} is not a route table of the instance VPC ${p.targetVpc?.vpc}: fix ${field}.routeTable`));
  }
  for (const cidr of p.cidrs) {
    const block = parseCidr(cidr);
    const hit = (vpc?.cidrs ?? []).find((v) => {
      const b = parseCidr(v);
      return block !== undefined && b !== undefined && overlaps(block, b);
    });
    if (hit !== undefined) {
      out.push(finding(p, 'datacenter-vpc-cidr-overlap', 'error', `the data-centre CIDR ${cidr} overlaps ${hit}, the CIDR of the instance VPC ${p.targetVpc?.vpc}: traffic between them cannot be routed. Renumber one side, or connect the data centre to a VPC of other addresses`));
    }
  }
  const ip = p.instanceAddress === undefined ? spec<{ ip?: string }>(live, 'instance')?.ip : undefined;
  for (const h of containedAddresses(p.cidrs, [{ what: `the instance's VPC address (${p.instanceName}-registry-vpc.${p.region}.cr.aliyuncs.com)`, address: ip }])) {
    out.push(finding(p, 'datacenter-contains-address', 'error', `the data-centre CIDR ${h.cidr} contains ${h.what} ${h.address}: the data centre would route it locally and never reach the registry`));
  }
  return out;
}

const AFTER_APPLY = '(known after apply)';

/** The plan outputs of a path: the data centre's router lines and DNS records, and the cloud-side steps acrctl cannot take. */
export function datacenterOutputs(p: DatacenterPath, live: LiveObject | undefined): PlanOutput[] {
  const inst = spec<{ id?: string; ip?: string }>(live, 'instance') ?? {};
  const instanceIp = p.instanceAddress ?? inst.ip;
  const via = connectionLabel(p);
  const registryHost = `${p.instanceName}-registry-vpc.${p.region}.cr.aliyuncs.com`;
  const authHost = `dockerauth-vpc.${p.region}.aliyuncs.com`;
  const ossHost = ossHostOf(p.region, p.ossBucket, inst.id);
  const services = [
    { which: 'auth' as const, host: authHost, route: p.auth },
    { which: 'oss' as const, host: ossHost, route: p.oss },
  ];

  const routerLines = [`${instanceIp ?? AFTER_APPLY}/32 -> ${via}  # ${registryHost}`];
  for (const s of services) if (s.route.needed && s.route.address !== undefined) routerLines.push(`${s.route.address}/32 -> ${via}  # ${s.host}`);
  if (services.some((s) => s.route.needed && s.route.address === undefined)) routerLines.push(`100.0.0.0/8 -> ${via}  # service addresses not set: ${services.filter((s) => s.route.needed && s.route.address === undefined).map((s) => s.host).join(', ')}`);

  const dns: string[] = [`A ${instanceIp ?? AFTER_APPLY} ${registryHost}`];
  for (const s of services) {
    if (s.route.skipped === 'auth-domain-takeover') dns.push(`# ${s.host}: not needed: instance ${p.target} answers auth itself (authDomainTakeover)`);
    else if (s.route.skipped === 'routes-off' && s.route.address === undefined) dns.push(`# ${s.host}: ${s.which === 'oss' ? 'resolved through your PrivateLink CNAME (routes.oss: false)' : 'not routed (routes.auth: false)'}`);
    else if (s.route.address === undefined) dns.push(`# ${s.host}: address unknown: set datacenterAccess[${p.index}].addresses.${s.which}`);
    else dns.push(`A ${s.route.address} ${s.host}`);
  }

  const steps: string[] = [];
  const vpcName = p.targetVpc?.vpc ?? '<instance VPC>';
  const serviceCidrs = [`${instanceIp ?? AFTER_APPLY}/32`, ...services.filter((s) => s.route.needed).map((s) => (s.route.address !== undefined ? `${s.route.address}/32` : '100.0.0.0/8'))];
  const uniqueCidrs = [...new Set(serviceCidrs)].join(', ');
  if (!plansCloudRoutes(p)) {
    for (const cidr of p.cidrs) steps.push(`route table ${p.routeTable ?? `<route table of ${vpcName}>`}: ${cidr} -> ${p.connection.kind === 'expressConnect' ? `the router interface of ${vpcName} to ${p.connection.id}` : via}`);
  }
  if (p.connection.kind === 'vpn') {
    steps.push(`${via}: the IPsec connection's local subnets (or the gateway's destination routes) include ${uniqueCidrs}; its remote subnets include ${p.cidrs.join(', ')}`);
  } else if (p.connection.kind === 'expressConnect') {
    steps.push(`${via}, its route table: ${p.cidrs.join(', ')} -> the physical connection; ${uniqueCidrs} -> its router interface to ${vpcName}`);
  } else {
    steps.push(`${via}: its CCN instance is attached to a CEN with ${vpcName}, and the CEN advertises ${uniqueCidrs} to the CCN and ${p.cidrs.join(', ')} to ${vpcName}`);
  }
  return [
    { id: `${datacenterAddress(p.name)}.router`, title: `${p.name}: routes for the data centre's routers (${p.cidrs.join(', ')}), towards ${via}`, lines: routerLines },
    { id: `${datacenterAddress(p.name)}.dns`, title: `${p.name}: DNS A records for the data centre's resolvers`, lines: dns },
    { id: `${datacenterAddress(p.name)}.cloud-side`, title: `${p.name}: cloud-side configuration acrctl does not manage`, lines: steps },
  ];
}

// ---------------------------------------------------------------------------------------------
// The language and the evidence kind

/** Names are unique (with crossRegionAccess too: the two share no route names, but messages would); `to` and `vpc` resolve; ids match the kind. */
const REFERENCES: ReferenceCheck = ({ doc, items, str, quote, report, needInstance, instances }) => {
  const seen = new Map<string, number>();
  for (const [i, access] of items(doc['datacenterAccess'])) {
    const base = ['datacenterAccess', i];
    const name = str(access['name']);
    const what = `data-centre access ${quote(String(name ?? i))}`;
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) report('ref/duplicate-key', `data-centre access name ${quote(name)} is used twice (first at datacenterAccess[${first}])`, [...base, 'name']);
      else seen.set(name, i);
    }
    const alias = needInstance(access['to'], [...base, 'to'], what);
    const vpc = str(access['vpc']);
    if (alias !== undefined && vpc !== undefined) {
      const links = items(instances.get(alias)?.['vpcEndpoints']).map(([, l]) => str(l['vpc']));
      if (!links.includes(vpc)) report('ref/unknown-vpc', `${what}: ${vpc} is not among the vpcEndpoints of instance ${alias}`, [...base, 'vpc'], `bind it first: add { vpc: ${vpc}, vswitch: … } to instances.${alias}.vpcEndpoints`);
    }
    const connection = access['connection'];
    if (connection === null || typeof connection !== 'object' || Array.isArray(connection)) continue;
    const c = connection as Record<string, unknown>;
    const kind = str(c['kind']) as ConnectionKind | undefined;
    const id = str(c['id']);
    if (kind !== undefined && id !== undefined && CONNECTION_PREFIX[kind] !== undefined && !id.startsWith(CONNECTION_PREFIX[kind]) && !id.startsWith('${env:')) {
      report('ref/datacenter-connection', `${what}: a ${CONNECTION_NAME[kind]} id starts with ${CONNECTION_PREFIX[kind]}, got ${quote(id)}`, [...base, 'connection', 'id']);
    }
    if (c['routerInterface'] !== undefined && kind !== 'expressConnect') {
      report('ref/datacenter-connection', `${what}: routerInterface is for kind expressConnect only`, [...base, 'connection', 'routerInterface']);
    }
    const hopKnown = kind === 'vpn' || (kind === 'expressConnect' && c['routerInterface'] !== undefined);
    if (hopKnown && access['routeTable'] === undefined) {
      report(
        'ref/datacenter-connection',
        `${what}: acrctl creates the instance VPC's routes to the data centre through ${kind === 'vpn' ? 'the VPN gateway' : 'the router interface'}, so it needs routeTable (the vtb- of the vSwitch the instance is bound to)`,
        [...base],
      );
    }
  }
};

const ID = (prefix: string, example: string) => ({
  type: 'string',
  pattern: `^(${prefix}[a-z0-9]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$`,
  patternErrorMessage: `an id looks like ${example}`,
});

const LANGUAGE: LanguageFragment = {
  properties: {
    '#': {
      datacenterAccess: {
        description:
          'Access paths from a data centre to an instance over VPN Gateway, Express Connect or Smart Access Gateway into the instance\'s VPC: acrctl plans the instance VPC\'s routes to the data centre where the VPC API allows, and prints the router lines, DNS records and cloud-side steps the rest needs.',
        type: 'array',
        items: { $ref: '#/$defs/datacenterAccess' },
      },
    },
  },
  defs: {
    datacenterAccess: {
      description: 'One access path from a data centre to an instance.',
      type: 'object',
      required: ['name', 'to', 'datacenter', 'connection'],
      additionalProperties: false,
      properties: {
        name: {
          description: 'Unique name of this access path (its natural key).',
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
          patternErrorMessage: "a name is 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit",
        },
        to: { description: 'Alias of the target instance (under `instances`).', type: 'string' },
        vpc: { description: 'The instance VPC the connection ends in: one of the instance\'s `vpcEndpoints` VPCs (default: the first).', ...ID('vpc-', 'vpc-bp1example') },
        routeTable: {
          description: 'Route table of the instance VPC, `vtb-…`, that receives one route per data-centre CIDR towards the connection. Required for `vpn`, and for `expressConnect` with `routerInterface`.',
          ...ID('vtb-', 'vtb-bp1example'),
        },
        datacenter: {
          description: 'The data centre.',
          type: 'object',
          required: ['cidrs'],
          additionalProperties: false,
          properties: {
            cidrs: { description: 'CIDRs in use in the data centre: routed to from the instance VPC, and checked against the registry\'s addresses.', type: 'array', minItems: 1, items: { $ref: '#/$defs/cidr' } },
          },
        },
        connection: {
          description: 'How the data centre is connected to the instance VPC.',
          type: 'object',
          required: ['kind', 'id'],
          additionalProperties: false,
          properties: {
            kind: { description: '`vpn` (VPN Gateway), `expressConnect` (a virtual border router) or `sag` (Smart Access Gateway).', type: 'string', enum: ['vpn', 'expressConnect', 'sag'] },
            id: {
              description: 'The VPN gateway (`vpn-…`), virtual border router (`vbr-…`) or SAG instance (`sag-…`). acrctl reads VPN gateways and VBRs to verify them; SAG instances it cannot read.',
              type: 'string',
              pattern: '^((vpn|vbr|sag)-[a-z0-9]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
              patternErrorMessage: 'a connection id looks like vpn-bp1example, vbr-bp1example or sag-example',
            },
            routerInterface: {
              description: 'Express Connect only: the instance VPC\'s router interface to the VBR, `ri-…`. With it acrctl creates the VPC routes to the data centre (next hop RouterInterface); without it, it prints them.',
              ...ID('ri-', 'ri-bp1example'),
            },
          },
        },
        routes: {
          description: 'Which service addresses the data centre routes (and resolves).',
          type: 'object',
          additionalProperties: false,
          properties: {
            auth: { description: 'The auth service address. Not needed when the instance has authDomainTakeover.', type: 'boolean', default: true },
            oss: { description: 'The OSS bucket address. Set false when OSS is reached over PrivateLink with a CNAME.', type: 'boolean', default: true },
          },
        },
        addresses: {
          description: 'Service addresses no API tells (and an override of the instance\'s).',
          type: 'object',
          additionalProperties: false,
          properties: {
            instance: { description: 'Address of the instance\'s VPC host (default: the VPC endpoint link\'s, read live).', $ref: '#/$defs/ipv4' },
            auth: { description: 'Address of the auth service VPC host (e.g. 100.103.7.181).', $ref: '#/$defs/ipv4' },
            oss: { description: 'Address of the OSS internal host (e.g. 100.118.28.43).', $ref: '#/$defs/ipv4' },
          },
        },
      },
    },
  },
  sections: [
    ['datacenterAccess', '#/$defs/datacenterAccess'],
    ['datacenterAccess.datacenter', '#/$defs/datacenterAccess/properties/datacenter'],
    ['datacenterAccess.connection', '#/$defs/datacenterAccess/properties/connection'],
    ['datacenterAccess.routes', '#/$defs/datacenterAccess/properties/routes'],
    ['datacenterAccess.addresses', '#/$defs/datacenterAccess/properties/addresses'],
  ],
};

/** The evidence of the path named `access`, when it was read. */
export function datacenterEvidenceOf(live: readonly LiveObject[], access: string): LiveObject | undefined {
  return live.find((l) => l.id === datacenterAddress(access));
}

/** Evidence only: no verbs, so the engine refuses any action on it (`classify` never makes one). */
/**
 * The calls of the kind (issue 17), per data-centre path, all reads: the instance's VPC endpoint
 * (GetInstanceVpcEndpoint), the instance VPC and its route tables (DescribeVpcs,
 * DescribeRouteTableList), and the connection: DescribeVpnGateways for a VPN,
 * DescribeVirtualBorderRouters for Express Connect (a SAG cannot be read).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return datacenterPaths(config).flatMap((p) => {
    const region = { region: p.region };
    return [
      ...instanceCalls(instanceScope(config, p.target)!, ['read'], ['cr:GetInstanceVpcEndpoint']),
      ...(p.targetVpc !== undefined ? calls(['read'], p.account, { ...region, vpc: p.targetVpc.vpc }, ['vpc:DescribeVpcs']) : []),
      ...(p.targetVpc !== undefined && p.routeTable !== undefined ? calls(['read'], p.account, { ...region, vpc: p.targetVpc.vpc }, ['vpc:DescribeRouteTableList']) : []),
      ...(p.connection.kind === 'vpn' ? calls(['read'], p.account, region, ['vpc:DescribeVpnGateways']) : []),
      ...(p.connection.kind === 'expressConnect' ? calls(['read'], p.account, region, ['vpc:DescribeVirtualBorderRouters']) : []),
    ];
  });
}

export const datacenterKind: Kind<Spec, DcIds, DcKey> = {
  name: 'datacenter',
  readAfter: ['instance'],
  reportsUnmanaged: false,
  address: (k) => datacenterAddress(k.access),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return datacenterPaths(config).map((p) => ({
      id: datacenterAddress(p.name),
      kind: 'datacenter',
      account: p.account,
      region: p.region,
      key: { access: p.name },
      spec: JSON.parse(JSON.stringify(p)) as Spec,
      requires: [],
      reason: `data-centre access ${p.name}: evidence for findings and outputs, never acted on`,
    }));
  },

  async read(ctx: ReadContext) {
    const paths = datacenterPaths(ctx.config);
    return paths.length === 0 ? [] : readEvidence(ctx, paths);
  },

  diff(): Diff {
    return { changes: [] };
  },

  classify() {
    return 'none';
  },

  extras({ desired, live }) {
    const evidence = live('datacenter');
    const findings: PlanFinding[] = [];
    const outputs: PlanOutput[] = [];
    for (const d of desired) {
      if (d.kind !== 'datacenter') continue;
      const p = d.spec as unknown as DatacenterPath;
      const l = datacenterEvidenceOf(evidence, p.name);
      findings.push(...datacenterFindings(p, l));
      outputs.push(...datacenterOutputs(p, l));
    }
    return { findings, outputs };
  },
};
