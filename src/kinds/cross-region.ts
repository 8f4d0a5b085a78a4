/**
 * Cross-region access (DOMAIN.md "Access across regions or from a data centre", seeds 001 and 004):
 * the shared derivation of `crossRegionAccess` entries, and kind `cross-region`, the evidence the
 * route kinds (vpc-route.ts, tr-route.ts) and the plan's findings and outputs are built from.
 *
 * Kind `cross-region` (`cross-region[name]`) never acts: `classify` always answers `none` and it
 * reports nothing unmanaged. Its desired object is the access path as derived from the config (which
 * routes are needed, which addresses are known); its live object is what the cloud says about that
 * path: the source VPC's CIDRs, whether the route table exists, the two transit routers (edition,
 * region), the attachments the routes go through, the instance id and its VPC address. `extras`
 * turns the pair into findings (errors that block apply, the CEN cost note) and outputs (hosts lines
 * and PrivateZone records for the three names).
 *
 * Reads (all List calls, paged): VPC DescribeVpcs (ids batched per account+region) and
 * DescribeRouteTableList per source VPC; CBN ListTransitRouters, ListTransitRouterVpcAttachments and
 * ListTransitRouterPeerAttachments per (account, CEN), ListTransitRouterRouteTables (System) per
 * Enterprise router; cr GetInstanceVpcEndpoint per RUNNING target instance (it lists every link with
 * its `Ip`). CEN objects are read with the credentials of `from.account` (the CEN's owner).
 *
 * Ownership of routes: acrctl names every route it creates `acrctl:<access>:<which>` (RouteEntryName /
 * TransitRouterRouteEntryName). A route is managed when its destination is desired in its table or
 * when it carries that name; every other route in the tables is never touched nor reported.
 */
import type { CbnClient, CbnPeerAttachment, CbnRouteTable, CbnTransitRouter, CbnVpcAttachment } from '../cloud/cbn.js';
import { DEFAULTS, type ReferenceCheck, type RegistryDocument } from '../config/model.js';
import { overlaps, parseCidr, SERVICE_RANGE } from '../config/lints/cidr.js';
import { AcrctlError } from '../errors.js';
import { accountAddress, segment } from '../plan/address.js';
import { json, record, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Diff, ExecContext, Kind, LanguageFragment, LiveObject, ReadContext, Spec } from '../plan/kind.js';
import type { PlanFinding, PlanOutput } from '../plan/model.js';
import { instanceAddress, runningInstances } from './instance.js';
import { vendorCode } from './support.js';
import { vpcLinkAddress } from './vpc-link.js';
import { waitUntil } from './wait.js';
import { calls, instanceCalls, instanceScope } from './permits.js';

const keyShape = struct({ access: str });
/** The path as derived, and the evidence read: JSON the kind only compares and reports, never acts on. */
const specShape = record(json);
const idsShape = record(str);
export type AccessKey = Decoded<typeof keyShape>;
type AccessIds = Decoded<typeof idsShape>;

/** `cross-region[name]`: an access path, the container of its routes. */
export function crossRegionAddress(name: string): string {
  return segment('cross-region', name);
}

// ---------------------------------------------------------------------------------------------
// The derivation (pure)

/** The range the auth and OSS VPC addresses live in; routed between the transit routers. */
export const SERVICE_CIDR = '100.0.0.0/8';

/** The two service routes of a source VPC. */
export const SERVICES = ['auth', 'oss'] as const;
export type Service = (typeof SERVICES)[number];

/** The two transit-router routes of an access path. */
export const TR_SIDES = ['source', 'target'] as const;
export type TrSide = (typeof TR_SIDES)[number];

/** Whether a service route is needed, and the address it goes to when known. */
export interface ServiceRoute {
  readonly needed: boolean;
  /** Why not needed: switched off with `routes.<x>: false`, or auth-domain takeover on the instance. */
  readonly skipped?: 'routes-off' | 'auth-domain-takeover';
  /** IPv4 address from `addresses.<x>`; there is no API that tells it. */
  readonly address?: string;
}

/** One `crossRegionAccess` entry, resolved against the config. JSON values only. */
export interface AccessPath {
  readonly name: string;
  /** Index in `crossRegionAccess`, for messages that name the key to set. */
  readonly index: number;
  /** Source account alias: owns the source VPC and the CEN. */
  readonly account: string;
  readonly sourceRegion: string;
  readonly sourceVpc: string;
  readonly routeTable: string;
  /** Target instance alias, its account, region and cloud name. */
  readonly target: string;
  readonly targetAccount: string;
  readonly targetRegion: string;
  readonly instanceName: string;
  /** The instance's VPC endpoint link the traffic ends in: its first declared `vpcEndpoints` entry of module Registry. */
  readonly targetVpc?: { readonly vpc: string; readonly vswitch: string };
  readonly cenId: string;
  readonly sourceRouter: string;
  readonly targetRouter: string;
  readonly auth: ServiceRoute;
  readonly oss: ServiceRoute;
  /** `addresses.instance`, when given; otherwise the link's `Ip` read live. */
  readonly instanceAddress?: string;
  /** The instance's custom OSS bucket (`ossBucket`), when it declares one. */
  readonly ossBucket?: string;
}

/** The OSS internal host of an instance: its custom bucket's, else the default `<id>-registry` one. */
export function ossHostOf(region: string, bucket: string | undefined, instanceId: string | undefined): string {
  return `${bucket ?? `${instanceId ?? '<instance id (known after apply)>'}-registry`}.oss-${region}-internal.aliyuncs.com`;
}

/** Access paths whose `to` names a declared instance (references are validated before planning). */
export function accessPaths(config: RegistryDocument): AccessPath[] {
  const out: AccessPath[] = [];
  (config.crossRegionAccess ?? []).forEach((a, index) => {
    const inst = config.instances?.[a.to];
    if (inst === undefined) return;
    const takeover = inst.authDomainTakeover ?? DEFAULTS.instance.authDomainTakeover;
    const authOn = a.routes?.auth ?? DEFAULTS.routes.auth;
    const ossOn = a.routes?.oss ?? DEFAULTS.routes.oss;
    const link = inst.vpcEndpoints?.find((l) => (l.module ?? 'Registry') === 'Registry'); // a Chart link carries no image traffic
    const auth: ServiceRoute = {
      needed: authOn && !takeover,
      ...(takeover ? { skipped: 'auth-domain-takeover' as const } : !authOn ? { skipped: 'routes-off' as const } : {}),
      ...(a.addresses?.auth !== undefined ? { address: a.addresses.auth } : {}),
    };
    const oss: ServiceRoute = {
      needed: ossOn,
      ...(!ossOn ? { skipped: 'routes-off' as const } : {}),
      ...(a.addresses?.oss !== undefined ? { address: a.addresses.oss } : {}),
    };
    out.push({
      name: a.name,
      index,
      account: a.from.account,
      sourceRegion: a.from.region,
      sourceVpc: a.from.vpc,
      routeTable: a.from.routeTable,
      target: a.to,
      targetAccount: inst.account,
      targetRegion: inst.region,
      instanceName: inst.name,
      ...(link !== undefined ? { targetVpc: { vpc: link.vpc, vswitch: link.vswitch } } : {}),
      cenId: a.cen.id,
      sourceRouter: a.cen.sourceTransitRouter.id,
      targetRouter: a.cen.targetTransitRouter.id,
      auth,
      oss,
      ...(a.addresses?.instance !== undefined ? { instanceAddress: a.addresses.instance } : {}),
      ...(inst.ossBucket !== undefined ? { ossBucket: inst.ossBucket } : {}),
    });
  });
  return out;
}

/** Objects every route of a path needs first: the target instance and its VPC endpoint link. */
export function routeRequires(p: AccessPath): string[] {
  return [instanceAddress(p.target), ...(p.targetVpc !== undefined ? [vpcLinkAddress(p.target, p.targetVpc.vpc, p.targetVpc.vswitch)] : [])];
}

/** True when the path needs the 100.0.0.0/8 transit-router routes at all. */
export function needsTransit(p: AccessPath): boolean {
  return p.auth.needed || p.oss.needed;
}

/** The name acrctl gives a route it creates, and by which it recognises it later. */
export function routeName(access: string, which: string): string {
  return `acrctl:${access}:${which}`;
}

/** The (access, which) of a route acrctl created, or undefined for anyone else's route. */
export function parseRouteName(name: string | undefined): { access: string; which: string } | undefined {
  const m = /^acrctl:([A-Za-z0-9][A-Za-z0-9_.-]{0,63}):([A-Za-z0-9@./_-]+)$/.exec(name ?? '');
  return m === null ? undefined : { access: m[1]!, which: m[2]! };
}

/** Description of a route acrctl creates (display only, for people looking at the console). */
export function routeDescription(access: string, what: string): string {
  return `managed by acrctl: cross-region access ${access}, ${what}`;
}

// ---------------------------------------------------------------------------------------------
// Live evidence

/** A next hop by natural key: what an attachment id means. */
export type Hop =
  | { readonly kind: 'vpc'; readonly transitRouter: string; readonly vpc: string; readonly status: string }
  | { readonly kind: 'peer'; readonly transitRouter: string; readonly peer: string; readonly status: string };

/** What `cross-region` live objects carry besides the fingerprinted spec. */
export interface AccessEvidence extends LiveObject<Spec, AccessIds, AccessKey> {
  /** Attachment id → natural key, for every attachment of the path's CEN (both ends of peers). */
  readonly hops: Readonly<Record<string, Hop>>;
}

interface RouterFacts {
  readonly found: boolean;
  readonly type?: string;
  readonly region?: string;
}

function routerFacts(r: CbnTransitRouter | undefined): RouterFacts {
  if (r === undefined) return { found: false };
  return { found: true, ...(r.Type !== undefined ? { type: r.Type } : {}), ...(r.RegionId !== undefined ? { region: r.RegionId } : {}) };
}

const key = (...parts: string[]) => parts.join('\u0000');

/** Unique values, order kept. */
function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** VPC attachment of `vpc` on router `tr` (live, not detaching). */
export function vpcAttachmentOf(atts: readonly CbnVpcAttachment[], tr: string, vpc: string): CbnVpcAttachment | undefined {
  return atts.find((a) => a.TransitRouterId === tr && a.VpcId === vpc && a.Status !== 'Detaching');
}

/** The peer attachment joining routers `a` and `b`, whichever side lists it. */
export function peerAttachmentOf(atts: readonly CbnPeerAttachment[], a: string, b: string): CbnPeerAttachment | undefined {
  return atts.find(
    (x) => x.Status !== 'Detaching' && ((x.TransitRouterId === a && x.PeerTransitRouterId === b) || (x.TransitRouterId === b && x.PeerTransitRouterId === a)),
  );
}

/** The System route table of an Enterprise router (custom tables are not used). */
export async function systemTableOf(cbn: CbnClient, tr: string): Promise<CbnRouteTable | undefined> {
  const tables = (await cbn.allRouteTables({ TransitRouterId: tr, TransitRouterRouteTableType: 'System' })).items;
  return tables.find((t) => t.TransitRouterRouteTableStatus !== 'Deleting');
}

function hopsOf(vpcAtts: readonly CbnVpcAttachment[], peerAtts: readonly CbnPeerAttachment[]): Record<string, Hop> {
  const hops: Record<string, Hop> = {};
  for (const a of vpcAtts) {
    if (a.TransitRouterAttachmentId === undefined) continue;
    hops[a.TransitRouterAttachmentId] = { kind: 'vpc', transitRouter: a.TransitRouterId ?? '', vpc: a.VpcId ?? '', status: a.Status ?? '' };
  }
  for (const a of peerAtts) {
    if (a.TransitRouterAttachmentId === undefined) continue;
    hops[a.TransitRouterAttachmentId] = { kind: 'peer', transitRouter: a.TransitRouterId ?? '', peer: a.PeerTransitRouterId ?? '', status: a.Status ?? '' };
  }
  return hops;
}

/** What one CEN looks like to one account. */
interface CenView {
  readonly routers: readonly CbnTransitRouter[];
  readonly vpcAtts: readonly CbnVpcAttachment[];
  readonly peerAtts: readonly CbnPeerAttachment[];
  /** Router id → its System table id (Enterprise routers of declared paths only). */
  readonly tables: ReadonlyMap<string, string>;
}

async function readCen(cbn: CbnClient, cenId: string, routersUsed: readonly string[]): Promise<CenView> {
  const [routers, vpcAtts, peerAtts] = await Promise.all([
    cbn.allTransitRouters({ CenId: cenId }).then((r) => r.items),
    cbn.allVpcAttachments({ CenId: cenId }).then((r) => r.items),
    cbn.allPeerAttachments({ CenId: cenId }).then((r) => r.items),
  ]);
  const tables = new Map<string, string>();
  await Promise.all(
    routersUsed.map(async (id) => {
      const r = routers.find((x) => x.TransitRouterId === id);
      if (r === undefined || r.Type === 'Basic') return;
      const t = await systemTableOf(cbn, id);
      if (t?.TransitRouterRouteTableId !== undefined) tables.set(id, t.TransitRouterRouteTableId);
    }),
  );
  return { routers, vpcAtts, peerAtts, tables };
}

/** VPC ids the DescribeVpcs VpcId parameter accepts at once (comma-separated). */
const VPC_IDS_PER_CALL = 20;

async function readEvidence(ctx: ReadContext, paths: readonly AccessPath[]): Promise<AccessEvidence[]> {
  // Source VPCs, batched per (account, region).
  const vpcScopes = new Map<string, { account: string; region: string; vpcs: string[] }>();
  for (const p of paths) {
    const k = key(p.account, p.sourceRegion);
    const s = vpcScopes.get(k) ?? { account: p.account, region: p.sourceRegion, vpcs: [] };
    s.vpcs.push(p.sourceVpc);
    vpcScopes.set(k, s);
  }
  const vpcCidrs = new Map<string, string[]>();
  const routeTables = new Map<string, { found: boolean; type?: string }>();
  await Promise.all(
    [...vpcScopes.values()].map(async (s) => {
      const client = ctx.cloud.vpc(s.account, s.region);
      const ids = unique(s.vpcs);
      for (let i = 0; i < ids.length; i += VPC_IDS_PER_CALL) {
        const batch = ids.slice(i, i + VPC_IDS_PER_CALL);
        const vpcs = (await client.allVpcs({ regionId: s.region, vpcId: batch.join(',') })).items;
        for (const v of vpcs) {
          if (v.vpcId === undefined) continue;
          vpcCidrs.set(key(s.account, s.region, v.vpcId), [v.cidrBlock, ...(v.secondaryCidrBlocks?.secondaryCidrBlock ?? [])].filter((c): c is string => !!c));
        }
      }
      await Promise.all(
        ids
          .filter((id) => vpcCidrs.has(key(s.account, s.region, id)))
          .map(async (vpcId) => {
            const tables = (await client.allRouteTables({ regionId: s.region, vpcId })).items;
            for (const t of tables) {
              if (t.routeTableId !== undefined) routeTables.set(key(s.account, s.region, t.routeTableId), { found: true, ...(t.routeTableType ? { type: t.routeTableType } : {}) });
            }
          }),
      );
    }),
  );

  // CENs, per (account, CEN id).
  const cenScopes = new Map<string, { account: string; cenId: string; routers: string[] }>();
  for (const p of paths) {
    const k = key(p.account, p.cenId);
    const s = cenScopes.get(k) ?? { account: p.account, cenId: p.cenId, routers: [] };
    s.routers.push(p.sourceRouter, p.targetRouter);
    cenScopes.set(k, s);
  }
  const cens = new Map<string, CenView>();
  await Promise.all(
    [...cenScopes.entries()].map(async ([k, s]) => {
      cens.set(k, await readCen(ctx.cloud.cbn(s.account), s.cenId, unique(s.routers)));
    }),
  );

  // The target instances' VPC addresses (one GetInstanceVpcEndpoint per RUNNING instance).
  const running = new Map(runningInstances(ctx).map((m) => [m.alias, m] as const));
  const linkIps = new Map<string, Map<string, string>>();
  await Promise.all(
    unique(paths.map((p) => p.target)).map(async (alias) => {
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

  return paths.map((p) => {
    const cidrs = vpcCidrs.get(key(p.account, p.sourceRegion, p.sourceVpc));
    const table = routeTables.get(key(p.account, p.sourceRegion, p.routeTable)) ?? { found: false };
    const cen = cens.get(key(p.account, p.cenId))!;
    const src = cen.routers.find((r) => r.TransitRouterId === p.sourceRouter);
    const dst = cen.routers.find((r) => r.TransitRouterId === p.targetRouter);
    const sourceAtt = vpcAttachmentOf(cen.vpcAtts, p.sourceRouter, p.sourceVpc)?.TransitRouterAttachmentId;
    const peerAtt = p.sourceRouter === p.targetRouter ? undefined : peerAttachmentOf(cen.peerAtts, p.sourceRouter, p.targetRouter)?.TransitRouterAttachmentId;
    const targetAtt = p.targetVpc === undefined ? undefined : vpcAttachmentOf(cen.vpcAtts, p.targetRouter, p.targetVpc.vpc)?.TransitRouterAttachmentId;
    const instanceId = instanceIds.get(p.target);
    const ips = linkIps.get(p.target);
    const ip = p.targetVpc === undefined ? undefined : ips?.get(key(p.targetVpc.vpc, p.targetVpc.vswitch)) ?? [...(ips?.entries() ?? [])].find(([k]) => k.startsWith(key(p.targetVpc!.vpc, '')))?.[1];
    const ids: Record<string, string> = {};
    if (instanceId !== undefined) ids['instanceId'] = instanceId;
    if (sourceAtt !== undefined) ids['sourceVpcAttachmentId'] = sourceAtt;
    if (peerAtt !== undefined) ids['peerAttachmentId'] = peerAtt;
    if (targetAtt !== undefined) ids['targetVpcAttachmentId'] = targetAtt;
    const srcTable = cen.tables.get(p.sourceRouter);
    const dstTable = cen.tables.get(p.targetRouter);
    if (srcTable !== undefined) ids['sourceRouteTableId'] = srcTable;
    if (dstTable !== undefined) ids['targetRouteTableId'] = dstTable;
    const evidence: AccessEvidence = {
      id: crossRegionAddress(p.name),
      kind: 'cross-region',
      account: p.account,
      region: p.sourceRegion,
      key: { access: p.name },
      spec: {
        sourceVpc: cidrs === undefined ? { found: false } : { found: true, cidrs },
        routeTable: table,
        sourceRouter: routerFacts(src),
        targetRouter: routerFacts(dst),
        attachments: { sourceVpc: sourceAtt !== undefined, peer: peerAtt !== undefined, targetVpc: targetAtt !== undefined },
        instance: { ...(instanceId !== undefined ? { id: instanceId } : {}), ...(ip !== undefined ? { ip } : {}) },
      },
      ids,
      // Never itself (containers form chains the planner walks up): the source account.
      container: accountAddress(p.account),
      prunable: false,
      requires: [],
      hops: hopsOf(cen.vpcAtts, cen.peerAtts),
    };
    return evidence;
  });
}

/** The evidence of the path named `access`, when it was read. */
export function evidenceOf(live: readonly LiveObject[], access: string): AccessEvidence | undefined {
  return live.find((l) => l.id === crossRegionAddress(access)) as AccessEvidence | undefined;
}

/** Attachment id → natural key, merged over every path's evidence. */
export function allHops(live: readonly LiveObject[]): Map<string, Hop> {
  const out = new Map<string, Hop>();
  for (const l of live) for (const [id, h] of Object.entries((l as Partial<AccessEvidence>).hops ?? {})) out.set(id, h);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Waiting out busy objects (VPC TaskConflict, CBN IncorrectStatus / Operation.Blocking)

/**
 * Runs a mutating call, waiting (bounded by `timeoutMs`) while the service answers one of the `busy`
 * codes: another route task in the same VPC, a router or table in transition. Those are not failures;
 * anything else propagates (outcome-unknown included, so the executor reconciles).
 */
export async function whileBusy<T>(ctx: ExecContext, what: string, busy: ReadonlySet<string>, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  const r = await waitUntil(
    ctx,
    async () => {
      try {
        return { value: await call() };
      } catch (err) {
        const code = vendorCode(err);
        if (code !== undefined && busy.has(code)) return undefined;
        throw err;
      }
    },
    { what, timeoutMs },
  );
  return r.value;
}

/** Fails a route that needs an attachment acrctl does not manage and that is not there. */
export function missingAttachment(id: string, what: string, hint: string): never {
  throw new AcrctlError('apply.cross_region.no_attachment', `cannot route ${id}: ${what}`, { address: id, hint });
}

// ---------------------------------------------------------------------------------------------
// Findings and outputs

const FIND_AUTH = (p: AccessPath) =>
  `curl -v https://${p.instanceName}-registry-vpc.${p.targetRegion}.cr.aliyuncs.com/v2/ from an ECS instance in the instance's VPC ` +
  `(the realm in the WWW-Authenticate header names the auth host, normally dockerauth-vpc.${p.targetRegion}.aliyuncs.com), then ` +
  `ping dockerauth-vpc.${p.targetRegion}.aliyuncs.com from that ECS instance`;
const FIND_OSS = (p: Pick<AccessPath, 'targetRegion' | 'ossBucket'>) =>
  `ping ${ossHostOf(p.targetRegion, p.ossBucket, '<instance id>')} (or oss-${p.targetRegion}-internal.aliyuncs.com) from an ECS ` +
  `instance in the instance's VPC`;

function unknownAddress(p: AccessPath, which: Service): PlanFinding {
  const what = which === 'auth' ? 'auth service' : 'OSS bucket';
  const how = which === 'auth' ? FIND_AUTH(p) : FIND_OSS(p);
  return {
    id: 'cross-region-address-unknown',
    severity: 'error',
    message:
      `the VPC address of the ${what} in ${p.targetRegion} is needed for the /32 route in ${p.routeTable} but no API tells it, ` +
      `so no ${which} route is planned. Find it: ${how}; then set crossRegionAccess[${p.index}].addresses.${which}` +
      (which === 'auth' ? ` (or turn on authDomainTakeover on instance ${p.target}, which removes the auth route)` : ' (or reach OSS over PrivateLink with a CNAME and set routes.oss: false)'),
    where: crossRegionAddress(p.name),
  };
}

function cidrCollision(p: AccessPath, cidr: string): PlanFinding {
  const fixes: string[] = [];
  if (p.auth.needed) fixes.push(`for the auth route: turn on authDomainTakeover on instance ${p.target} (the instance then answers auth itself; no auth route is needed)`);
  if (p.oss.needed) fixes.push('for the OSS route: reach OSS over PrivateLink with a CNAME for the bucket host, then set routes.oss: false (no OSS route is needed)');
  const needed = [p.auth.needed ? 'auth service' : '', p.oss.needed ? 'OSS' : ''].filter(Boolean).join(' and ');
  return {
    id: 'cross-region-live-cidr-collision',
    severity: 'error',
    message:
      `the source VPC ${p.sourceVpc} uses ${cidr}, which overlaps 100.0.0.0/8, the range of the ${needed} VPC addresses routed to ` +
      `the transit router: the routes would collide with addresses in use. Fix ${fixes.join('; ')}`,
    where: crossRegionAddress(p.name),
  };
}

/** Each (CIDR, address) pair where one of `cidrs` contains a known address of `points`. */
export function containedAddresses(
  cidrs: readonly string[],
  points: readonly { readonly what: string; readonly address: string | undefined }[],
): { cidr: string; what: string; address: string }[] {
  const out: { cidr: string; what: string; address: string }[] = [];
  for (const pt of points) {
    const a = pt.address === undefined ? undefined : parseCidr(pt.address);
    if (a === undefined) continue;
    for (const cidr of cidrs) {
      const block = parseCidr(cidr);
      if (block !== undefined && overlaps(block, a)) out.push({ cidr, what: pt.what, address: pt.address! });
    }
  }
  return out;
}

function error(p: AccessPath, id: string, message: string): PlanFinding {
  return { id, severity: 'error', message, where: crossRegionAddress(p.name) };
}

function spec<T>(l: LiveObject | undefined, field: string): T | undefined {
  return l?.spec[field] as T | undefined;
}

/** Findings of one path: from the config (unknown addresses, no VPC endpoint) and from live reads. */
export function pathFindings(p: AccessPath, live: AccessEvidence | undefined): PlanFinding[] {
  const out: PlanFinding[] = [];
  if (p.sourceRegion !== p.targetRegion) {
    out.push({
      id: 'cross-region-cost',
      severity: 'info',
      message:
        `pulls from ${p.sourceRegion} reach ${p.instanceName} in ${p.targetRegion} over CEN; cross-region traffic can cost extra ` +
        `(CEN inter-region bandwidth or data transfer fees, billed to the CEN owner)`,
      where: crossRegionAddress(p.name),
    });
  }
  for (const which of SERVICES) if (p[which].needed && p[which].address === undefined) out.push(unknownAddress(p, which));
  if (p.targetVpc === undefined && needsTransit(p)) {
    out.push(error(p, 'cross-region-no-vpc-endpoint', `instance ${p.target} declares no vpcEndpoints, so there is no instance VPC to route 100.0.0.0/8 to in ${p.targetRegion}: add a vpcEndpoints entry to it`));
  }
  if (live === undefined) return out;

  const vpc = spec<{ found: boolean; cidrs?: string[] }>(live, 'sourceVpc');
  if (vpc?.found === false) {
    out.push(error(p, 'cross-region-source-vpc-missing', `the source VPC ${p.sourceVpc} does not exist in ${p.sourceRegion} for account ${p.account}: fix crossRegionAccess[${p.index}].from.vpc`));
  } else if (needsTransit(p)) {
    for (const cidr of vpc?.cidrs ?? []) {
      const block = parseCidr(cidr);
      if (block !== undefined && overlaps(block, SERVICE_RANGE)) out.push(cidrCollision(p, cidr));
    }
  }
  if (vpc?.found === true) {
    const instanceIp = p.instanceAddress ?? spec<{ ip?: string }>(live, 'instance')?.ip;
    const points: { what: string; address: string | undefined }[] = [
      { what: `the instance's VPC address (${p.instanceName}-registry-vpc.${p.targetRegion}.cr.aliyuncs.com)`, address: instanceIp },
      ...(p.auth.needed ? [{ what: 'the auth service address', address: p.auth.address }] : []),
      ...(p.oss.needed ? [{ what: 'the OSS bucket address', address: p.oss.address }] : []),
    ];
    // A CIDR overlapping 100.0.0.0/8 has its collision finding (with the fixes) already.
    const collides = (cidr: string) => needsTransit(p) && overlaps(parseCidr(cidr) ?? { start: 1, end: 0, prefix: 0 }, SERVICE_RANGE);
    for (const hit of containedAddresses(vpc.cidrs ?? [], points)) {
      if (hit.what !== points[0]!.what && collides(hit.cidr)) continue;
      out.push(
        error(
          p,
          'cross-region-source-contains-address',
          `the source VPC ${p.sourceVpc} uses ${hit.cidr}, which contains ${hit.what} ${hit.address}: clients in ${p.sourceVpc} would reach that address ` +
            `locally and never the registry in ${p.targetRegion}. Move the source VPC off that range, or bind the instance to a VPC whose addresses do not collide`,
        ),
      );
    }
  }
  if (vpc?.found !== false && spec<{ found: boolean }>(live, 'routeTable')?.found === false && (p.auth.needed || p.oss.needed)) {
    out.push(error(p, 'cross-region-route-table-missing', `the route table ${p.routeTable} is not a route table of ${p.sourceVpc}: fix crossRegionAccess[${p.index}].from.routeTable`));
  }
  const sides = [
    ['source', p.sourceRouter, p.sourceRegion, 'sourceRouter'],
    ['target', p.targetRouter, p.targetRegion, 'targetRouter'],
  ] as const;
  for (const [side, id, region, field] of sides) {
    if (side === 'target' && p.targetRouter === p.sourceRouter) continue;
    const r = spec<RouterFacts>(live, field);
    if (r?.found === false) {
      out.push(error(p, 'cross-region-transit-router-missing', `the ${side} transit router ${id} is not in CEN ${p.cenId} (read as account ${p.account}): fix crossRegionAccess[${p.index}].cen.${side}TransitRouter.id`));
      continue;
    }
    if (r?.type === 'Basic') {
      out.push(
        error(
          p,
          'cross-region-basic-transit-router',
          `the ${side} transit router ${id} is a Basic Edition transit router, and Basic transit routers do not support cross-region routing: ` +
            `an Enterprise Edition transit router is required (upgrade it in the CEN console; then set edition: Enterprise)`,
        ),
      );
    }
    if (r?.region !== undefined && r.region !== region) {
      out.push(error(p, 'cross-region-transit-router-region', `the ${side} transit router ${id} is in ${r.region}, not in ${region}: name the router of ${region}`));
    }
  }
  if (needsTransit(p)) {
    const atts = spec<{ sourceVpc: boolean; peer: boolean; targetVpc: boolean }>(live, 'attachments');
    const srcOk = spec<RouterFacts>(live, 'sourceRouter')?.found === true;
    const dstOk = spec<RouterFacts>(live, 'targetRouter')?.found === true;
    if (atts?.sourceVpc === false && srcOk) {
      out.push(error(p, 'cross-region-attachment-missing', `${p.sourceVpc} is not attached to transit router ${p.sourceRouter}: attach it (CEN console or CreateTransitRouterVpcAttachment) first; acrctl does not manage attachments`));
    }
    if (atts?.peer === false && srcOk && dstOk && p.sourceRouter !== p.targetRouter) {
      out.push(error(p, 'cross-region-attachment-missing', `transit routers ${p.sourceRouter} and ${p.targetRouter} have no inter-region connection: create it (CreateTransitRouterPeerAttachment) first; acrctl does not manage attachments`));
    }
    if (atts?.targetVpc === false && dstOk && p.targetVpc !== undefined) {
      out.push(error(p, 'cross-region-attachment-missing', `the instance VPC ${p.targetVpc.vpc} is not attached to transit router ${p.targetRouter}: attach it first; acrctl does not manage attachments`));
    }
  }
  return out;
}

const AFTER_APPLY = '(known after apply)';

/** The hosts lines and PrivateZone records the access source needs, for the three names. */
export function pathOutputs(p: AccessPath, live: AccessEvidence | undefined): PlanOutput[] {
  const inst = spec<{ id?: string; ip?: string }>(live, 'instance') ?? {};
  const instanceIp = p.instanceAddress ?? inst.ip;
  const registryHost = `${p.instanceName}-registry-vpc.${p.targetRegion}.cr.aliyuncs.com`;
  const authHost = `dockerauth-vpc.${p.targetRegion}.aliyuncs.com`;
  const ossHost = ossHostOf(p.targetRegion, p.ossBucket, inst.id);
  type Line = { ip: string | undefined; host: string; note?: string; comment?: string };
  const lines: Line[] = [{ ip: instanceIp, host: registryHost, ...(instanceIp === undefined ? { note: AFTER_APPLY } : {}) }];
  if (p.auth.skipped === 'auth-domain-takeover') {
    lines.push({ ip: undefined, host: authHost, comment: `not needed: instance ${p.target} answers auth itself (authDomainTakeover)` });
  } else {
    lines.push({ ip: p.auth.address, host: authHost, ...(p.auth.address === undefined ? { comment: `address unknown: set crossRegionAccess[${p.index}].addresses.auth` } : {}) });
  }
  if (p.oss.skipped === 'routes-off' && p.oss.address === undefined) {
    lines.push({ ip: undefined, host: ossHost, comment: 'resolved through your PrivateLink CNAME (routes.oss: false)' });
  } else {
    lines.push({ ip: p.oss.address, host: ossHost, ...(p.oss.address === undefined ? { comment: `address unknown: set crossRegionAccess[${p.index}].addresses.oss` } : {}) });
  }
  const render = (form: 'hosts' | 'zone') =>
    lines.map((l) => {
      if (l.comment !== undefined) return `# ${l.host}: ${l.comment}`;
      const ip = l.ip ?? AFTER_APPLY;
      return form === 'hosts' ? `${ip} ${l.host}` : `A ${ip} ${l.host}`;
    });
  return [
    { id: `${crossRegionAddress(p.name)}.hosts`, title: `${p.name}: /etc/hosts lines for clients in ${p.sourceVpc} (${p.sourceRegion})`, lines: render('hosts') },
    { id: `${crossRegionAddress(p.name)}.private-zone`, title: `${p.name}: PrivateZone A records for ${p.sourceVpc} (${p.sourceRegion})`, lines: render('zone') },
  ];
}

// ---------------------------------------------------------------------------------------------
// The evidence kind

function pathSpec(p: AccessPath): Record<string, unknown> {
  return JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
}

/** Access names are unique; a path starts in a declared account and ends at a declared instance. */
const REFERENCES: ReferenceCheck = ({ doc, items, str, quote, report, needAccount, needInstance }) => {
  const seen = new Map<string, number>();
  for (const [i, access] of items(doc['crossRegionAccess'])) {
    const base = ['crossRegionAccess', i];
    const name = str(access['name']);
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) report('ref/duplicate-key', `cross-region access name ${quote(String(name))} is used twice (first at crossRegionAccess[${first}])`, [...base, 'name']);
      else seen.set(name, i);
    }
    const from = access['from'];
    if (from !== null && typeof from === 'object' && !Array.isArray(from)) needAccount((from as Record<string, unknown>)['account'], [...base, 'from', 'account'], `cross-region access ${quote(String(name ?? i))}`);
    needInstance(access['to'], [...base, 'to'], `cross-region access ${quote(String(name ?? i))}`);
  }
};

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#': {
      crossRegionAccess: {
        description: 'Access paths from a VPC in another region to an instance, over CEN transit routers: acrctl plans the routes (auth service /32, OSS /32 and 100.0.0.0/8 on the transit routers) and prints the DNS/hosts lines the source needs.',
        type: 'array',
        items: { $ref: '#/$defs/crossRegionAccess' },
      },
    },
  },
  defs: {
    transitRouter: {
      description: 'A CEN transit router.',
      type: 'object',
      required: ['id'],
      additionalProperties: false,
      properties: {
        id: {
          description: 'Transit router id, `tr-…`.',
          type: 'string',
          pattern: '^(tr-[a-z0-9]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'a transit router id looks like tr-bp1example',
        },
        edition: {
          description: 'Transit router edition. Cross-region routing needs Enterprise.',
          type: 'string',
          enum: ['Enterprise', 'Basic'],
          default: 'Enterprise',
        },
      },
    },
    ipv4: { description: 'An IPv4 address.', type: 'string', format: 'ipv4' },
    crossRegionAccess: {
      description: 'One access path from a VPC in another region to an instance.',
      type: 'object',
      required: ['name', 'from', 'to', 'cen'],
      additionalProperties: false,
      properties: {
        name: {
          description: 'Unique name of this access path (its natural key).',
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
          patternErrorMessage: 'a name is 1-64 letters, digits, \'_\', \'.\' or \'-\', starting with a letter or digit',
        },
        from: {
          description: 'The access source: a VPC in another region.',
          type: 'object',
          required: ['account', 'region', 'vpc', 'routeTable'],
          additionalProperties: false,
          properties: {
            account: {
              description: 'Alias of the account owning the source VPC.',
              type: 'string',
            },
            region: {
              description: 'Region of the source VPC.',
              $ref: '#/$defs/region',
            },
            vpc: {
              description: 'Source VPC id, `vpc-…`.',
              type: 'string',
              pattern: '^(vpc-[a-z0-9]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
              patternErrorMessage: 'a VPC id looks like vpc-uf6example',
            },
            routeTable: {
              description: 'Custom route table of the source VPC, `vtb-…`, that receives the auth and OSS /32 routes.',
              type: 'string',
              pattern: '^(vtb-[a-z0-9]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
              patternErrorMessage: 'a route table id looks like vtb-uf6example',
            },
            cidrs: {
              description: 'CIDRs in use at the source; checked against the 100.0.0.0/8 service addresses.',
              type: 'array',
              items: { $ref: '#/$defs/cidr' },
            },
          },
        },
        to: {
          description: 'Alias of the target instance (under `instances`).',
          type: 'string',
        },
        cen: {
          description: 'The CEN instance and the transit routers of the two regions.',
          type: 'object',
          required: ['id', 'sourceTransitRouter', 'targetTransitRouter'],
          additionalProperties: false,
          properties: {
            id: {
              description: 'CEN instance id, `cen-…`.',
              type: 'string',
              pattern: '^(cen-[a-z0-9]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
              patternErrorMessage: 'a CEN id looks like cen-example',
            },
            sourceTransitRouter: {
              description: 'Transit router in the source region.',
              $ref: '#/$defs/transitRouter',
            },
            targetTransitRouter: {
              description: 'Transit router in the instance\'s region.',
              $ref: '#/$defs/transitRouter',
            },
          },
        },
        routes: {
          description: 'Which service routes are created at the source.',
          type: 'object',
          additionalProperties: false,
          properties: {
            auth: {
              description: 'A /32 route to the auth service. Set false when the instance has authDomainTakeover.',
              type: 'boolean',
              default: true,
            },
            oss: {
              description: 'A /32 route to the instance\'s OSS bucket. Set false when OSS is reached over PrivateLink with a CNAME.',
              type: 'boolean',
              default: true,
            },
          },
        },
        addresses: {
          description: 'Overrides for service addresses acrctl would otherwise discover.',
          type: 'object',
          additionalProperties: false,
          properties: {
            instance: {
              description: 'Address of the instance\'s VPC host.',
              $ref: '#/$defs/ipv4',
            },
            auth: {
              description: 'Address of the auth service VPC host (e.g. 100.103.7.181).',
              $ref: '#/$defs/ipv4',
            },
            oss: {
              description: 'Address of the OSS internal host (e.g. 100.118.28.43).',
              $ref: '#/$defs/ipv4',
            },
          },
        },
      },
    },
  },
  sections: [
    ['crossRegionAccess', '#/$defs/crossRegionAccess'],
    ['crossRegionAccess.from', '#/$defs/crossRegionAccess/properties/from'],
    ['crossRegionAccess.cen', '#/$defs/crossRegionAccess/properties/cen'],
    ['transitRouter', '#/$defs/transitRouter'],
    ['crossRegionAccess.routes', '#/$defs/crossRegionAccess/properties/routes'],
    ['crossRegionAccess.addresses', '#/$defs/crossRegionAccess/properties/addresses'],
  ],
};

/** Evidence only: no verbs, so the engine refuses any action on it (`classify` never makes one). */
/**
 * The calls of the kind (issue 17), per access path, all reads: the source VPC and its route
 * tables (DescribeVpcs, DescribeRouteTableList in the source region), the CEN's transit routers,
 * attachments and System route tables (CBN, evaluated on the CEN), and the target instance's VPC
 * endpoint (GetInstanceVpcEndpoint, in the instance's account).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return accessPaths(config).flatMap((p) => [
    ...calls(['read'], p.account, { region: p.sourceRegion, vpc: p.sourceVpc }, ['vpc:DescribeVpcs', 'vpc:DescribeRouteTableList']),
    ...calls(['read'], p.account, { cen: p.cenId }, ['cbn:ListTransitRouters', 'cbn:ListTransitRouterVpcAttachments', 'cbn:ListTransitRouterPeerAttachments', 'cbn:ListTransitRouterRouteTables']),
    ...instanceCalls(instanceScope(config, p.target)!, ['read'], ['cr:GetInstanceVpcEndpoint']),
  ]);
}

export const crossRegionKind: Kind<Spec, AccessIds, AccessKey> = {
  name: 'cross-region',
  readAfter: ['instance'],
  reportsUnmanaged: false,
  address: (key) => crossRegionAddress(key.access),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return accessPaths(config).map((p) => ({
      id: crossRegionAddress(p.name),
      kind: 'cross-region',
      account: p.account,
      region: p.sourceRegion,
      key: { access: p.name },
      spec: pathSpec(p),
      requires: [],
      reason: `cross-region access ${p.name}: evidence for findings and outputs, never acted on`,
    }));
  },

  async read(ctx: ReadContext) {
    const paths = accessPaths(ctx.config);
    if (paths.length === 0) return [];
    return readEvidence(ctx, paths);
  },

  diff(): Diff {
    return { changes: [] };
  },

  classify() {
    return 'none';
  },

  extras({ desired, live }) {
    const evidence = live('cross-region');
    const findings: PlanFinding[] = [];
    const outputs: PlanOutput[] = [];
    for (const d of desired) {
      if (d.kind !== 'cross-region') continue;
      const p = d.spec as unknown as AccessPath;
      const l = evidenceOf(evidence, p.name);
      findings.push(...pathFindings(p, l));
      outputs.push(...pathOutputs(p, l));
    }
    return { findings, outputs };
  },
};
