/**
 * Kind `tr-route` (`cross-region[name].tr-route[source|target]`): the `100.0.0.0/8` static route that
 * carries auth and OSS traffic between the regions, in the System route table of an Enterprise
 * transit router (seed 004):
 * - `source`: in the source region's router, next hop the inter-region (peer) attachment to the
 *   target router;
 * - `target`: in the target region's router, next hop the VPC attachment of the instance's VPC (the
 *   VPC of the instance's first declared `vpcEndpoints` link).
 * Planned only while the path needs an auth or OSS route. When both routers are the same (the source
 * and the instance share a region and a router) only `target` exists.
 *
 * Spec: `{ transitRouter, destination, nextHop: { type: 'peer', transitRouter } | { type: 'vpc', vpc } }`,
 * next hops by natural key. Every change replaces (no update API).
 *
 * Reads: ListTransitRouterRouteEntries (NextToken paged, `TransitRouterRouteEntryStatus=All`, so routes
 * still Creating are seen) of the System table of each declared router, found by the `cross-region`
 * evidence. Managed entries: Static ones whose destination is desired in that table, and those named
 * `acrctl:<access>:<source|target>`; others are never touched nor reported. All CEN calls use the
 * credentials of `from.account`.
 * Acts: CreateTransitRouterRouteEntry (ClientToken) then wait Active; DeleteTransitRouterRouteEntry by
 * id then wait gone. `IncorrectStatus.*` and `Operation.Blocking` (router, table or entry in
 * transition) are waited out.
 */
import type { CbnClient, CbnRouteEntry } from '../cloud/cbn.js';
import type { RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { either, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, Diff, ExecContext, Kind, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import {
  accessPaths,
  allHops,
  crossRegionAddress,
  missingAttachment,
  needsTransit,
  parseRouteName,
  peerAttachmentOf,
  routeDescription,
  routeName,
  routeRequires,
  SERVICE_CIDR,
  systemTableOf,
  vpcAttachmentOf,
  whileBusy,
  type AccessPath,
  type Hop,
  type TrSide,
} from './cross-region.js';
import { existsDifferent, vendorCode } from './support.js';
import { TIMEOUTS, waitUntil } from './wait.js';
import { calls } from './permits.js';

const BUSY: ReadonlySet<string> = new Set(['IncorrectStatus.Status', 'IncorrectStatus.TransitRouterInstance', 'Operation.Blocking', 'IncorrectStatus.RouteTableStatus']);
const DUPLICATE = 'OperationFailed.CreateRouteEntryWithSameDestinationCidrBlock';
const ENTRY_NOT_FOUND = 'IllegalParam.TransitRouterRouteEntryId';

/** A next hop by natural key: the peer router, the VPC, or (anyone else's route) its raw type and id. */
const hopShape = either(struct({ type: str, transitRouter: str }), either(struct({ type: str, vpc: str }), struct({ type: str, id: str })));
const keyShape = struct({ access: str, which: str });
const specShape = struct({ transitRouter: str, destination: str, nextHop: hopShape });
const idsShape = struct({ routeEntryId: str, routeTableId: str });
export type TrRouteKey = Decoded<typeof keyShape>;
export type TrRouteSpec = Decoded<typeof specShape>;
export type TrRouteIds = Decoded<typeof idsShape>;
export type TrHop = TrRouteSpec['nextHop'];
type TrRouteLive = LiveObject<TrRouteSpec, TrRouteIds, TrRouteKey>;

/** `cross-region[name].tr-route[source|target]`. */
export function trRouteAddress(access: string, which: string): string {
  return address(crossRegionAddress(access), segment('tr-route', which));
}

const specOf = (s: Readonly<Record<string, unknown>>): TrRouteSpec => s as TrRouteSpec;

function desiredOf(p: AccessPath, side: TrSide): DesiredObject<TrRouteSpec, TrRouteKey> | undefined {
  const region = side === 'source' ? p.sourceRegion : p.targetRegion;
  let spec: TrRouteSpec;
  if (side === 'source') {
    if (p.sourceRouter === p.targetRouter) return undefined;
    spec = { transitRouter: p.sourceRouter, destination: SERVICE_CIDR, nextHop: { type: 'peer', transitRouter: p.targetRouter } };
  } else {
    if (p.targetVpc === undefined) return undefined;
    spec = { transitRouter: p.targetRouter, destination: SERVICE_CIDR, nextHop: { type: 'vpc', vpc: p.targetVpc.vpc } };
  }
  return {
    id: trRouteAddress(p.name, side),
    kind: 'tr-route',
    account: p.account,
    region,
    key: { access: p.name, which: side },
    spec,
    requires: routeRequires(p),
    reason:
      side === 'source'
        ? `cross-region access ${p.name}: 100.0.0.0/8 from ${p.sourceRegion} to the transit router of ${p.targetRegion}`
        : `cross-region access ${p.name}: 100.0.0.0/8 in ${p.targetRegion} to the instance VPC ${p.targetVpc?.vpc ?? ''}`,
  };
}

/** A live entry's next hop by natural key, seen from router `tr`. */
function liveHop(e: CbnRouteEntry, tr: string, hops: ReadonlyMap<string, Hop>): TrHop {
  const id = e.TransitRouterRouteEntryNextHopId ?? '';
  const h = hops.get(id);
  if (e.TransitRouterRouteEntryNextHopType === 'Attachment' && h !== undefined) {
    if (h.kind === 'vpc') return { type: 'vpc', vpc: h.vpc };
    return { type: 'peer', transitRouter: h.transitRouter === tr ? h.peer : h.transitRouter };
  }
  // Not an attachment of the declared CEN: use what the entry says about its next hop resource.
  if (e.TransitRouterRouteEntryNextHopResourceType === 'VPC' && e.TransitRouterRouteEntryNextHopResourceId) return { type: 'vpc', vpc: e.TransitRouterRouteEntryNextHopResourceId };
  if (e.TransitRouterRouteEntryNextHopResourceType === 'TR' && e.TransitRouterRouteEntryNextHopResourceId) return { type: 'peer', transitRouter: e.TransitRouterRouteEntryNextHopResourceId };
  return { type: e.TransitRouterRouteEntryNextHopType ?? '', id };
}

/** Static entries of a table, every status but Deleting. */
async function tableEntries(cbn: CbnClient, tableId: string, destination?: string): Promise<CbnRouteEntry[]> {
  const r = await cbn.allRouteEntries({
    TransitRouterRouteTableId: tableId,
    TransitRouterRouteEntryStatus: 'All',
    ...(destination !== undefined ? { TransitRouterRouteEntryDestinationCidrBlock: destination } : {}),
  });
  return r.items.filter((e) => e.TransitRouterRouteEntryStatus !== 'Deleting' && (e.TransitRouterRouteEntryType ?? 'Static') === 'Static');
}

interface TableScope {
  readonly account: string;
  readonly region: string;
  readonly router: string;
  readonly table: string;
}

/** Same matching rules as vpc-route's (see vpc-route.ts matchEntries). */
export function matchTrEntries(
  entries: readonly CbnRouteEntry[],
  desired: readonly DesiredObject[],
  t: TableScope,
  hops: ReadonlyMap<string, Hop>,
  /** What each access path's routes need (the instance and its VPC link), so deletes are ordered. */
  requires: ReadonlyMap<string, readonly string[]> = new Map(),
): TrRouteLive[] {
  const live = (key: TrRouteKey, e: CbnRouteEntry): TrRouteLive => ({
    id: trRouteAddress(key.access, key.which),
    kind: 'tr-route',
    account: t.account,
    region: t.region,
    key,
    spec: { transitRouter: t.router, destination: e.TransitRouterRouteEntryDestinationCidrBlock ?? '', nextHop: liveHop(e, t.router, hops) },
    ids: { routeEntryId: e.TransitRouterRouteEntryId ?? '', routeTableId: t.table },
    container: crossRegionAddress(key.access),
    prunable: true,
    requires: requires.get(key.access) ?? [],
  });
  const named = new Map<string, CbnRouteEntry>();
  for (const e of entries) {
    const n = parseRouteName(e.TransitRouterRouteEntryName);
    if (n !== undefined && !named.has(trRouteAddress(n.access, n.which))) named.set(trRouteAddress(n.access, n.which), e);
  }
  const out: TrRouteLive[] = [];
  const used = new Set<CbnRouteEntry>();
  const taken = new Set<string>();
  for (const d of desired) {
    const s = specOf(d.spec);
    const match = entries.find((e) => e.TransitRouterRouteEntryDestinationCidrBlock === s.destination) ?? named.get(d.id);
    if (match === undefined) continue;
    used.add(match);
    taken.add(d.id);
    out.push(live(d.key as TrRouteKey, match));
  }
  for (const e of entries) {
    if (used.has(e)) continue;
    const n = parseRouteName(e.TransitRouterRouteEntryName);
    if (n === undefined) continue;
    let key: TrRouteKey = { access: n.access, which: n.which };
    if (taken.has(trRouteAddress(key.access, key.which))) key = { access: n.access, which: `${n.which}@${e.TransitRouterRouteEntryDestinationCidrBlock ?? e.TransitRouterRouteEntryId ?? ''}` };
    const id = trRouteAddress(key.access, key.which);
    if (taken.has(id)) continue;
    taken.add(id);
    out.push(live(key, e));
  }
  return out;
}

async function tableOf(action: { readonly id: string }, cbn: CbnClient, tr: string): Promise<string> {
  const t = await systemTableOf(cbn, tr);
  if (t?.TransitRouterRouteTableId === undefined) {
    throw new AcrctlError('apply.cross_region.no_route_table', `cannot route ${action.id}: transit router ${tr} has no System route table`, {
      address: action.id,
      hint: 'a Basic Edition transit router has none: cross-region routing needs an Enterprise Edition transit router',
    });
  }
  return t.TransitRouterRouteTableId;
}

/** The attachment the route goes to, waited on until Attached. */
async function nextHopId(ctx: ExecContext, action: { readonly id: string }, cbn: CbnClient, s: TrRouteSpec): Promise<string> {
  const tr = s.transitRouter;
  const hop = s.nextHop;
  return waitUntil(
    ctx,
    async () => {
      let att: { TransitRouterAttachmentId?: string; Status?: string } | undefined;
      if (hop.type === 'vpc' && 'vpc' in hop) {
        att = vpcAttachmentOf((await cbn.allVpcAttachments({ TransitRouterId: tr, VpcId: hop.vpc })).items, tr, hop.vpc);
        if (att === undefined) return missingAttachment(action.id, `${hop.vpc} is not attached to transit router ${tr}`, 'attach the instance VPC to the transit router first, then run acrctl apply again');
      } else if (hop.type === 'peer' && 'transitRouter' in hop) {
        const peer = hop.transitRouter;
        const [mine, theirs] = await Promise.all([cbn.allPeerAttachments({ TransitRouterId: tr }), cbn.allPeerAttachments({ TransitRouterId: peer })]);
        att = peerAttachmentOf([...mine.items, ...theirs.items], tr, peer);
        if (att === undefined) return missingAttachment(action.id, `transit routers ${tr} and ${peer} have no inter-region connection`, 'create the inter-region connection (CreateTransitRouterPeerAttachment) first, then run acrctl apply again');
      } else {
        throw new AcrctlError('internal.tr_route_hop', `${action.id}: unexpected next hop ${JSON.stringify(hop)}`, { address: action.id });
      }
      if (att.TransitRouterAttachmentId === undefined) return undefined;
      return att.Status === 'Attached' ? att.TransitRouterAttachmentId : undefined;
    },
    { what: `the next hop of ${action.id} to be Attached`, timeoutMs: TIMEOUTS.cbn },
  );
}

async function waitEntry(ctx: ExecContext, cbn: CbnClient, table: string, entryId: string, want: 'Active' | 'gone'): Promise<void> {
  await waitUntil(
    ctx,
    async () => {
      const r = await cbn.allRouteEntries({ TransitRouterRouteTableId: table, TransitRouterRouteEntryIds: [entryId], TransitRouterRouteEntryStatus: 'All' });
      const e = r.items.find((x) => x.TransitRouterRouteEntryId === entryId);
      if (want === 'gone') return e === undefined ? true : undefined;
      if (e === undefined) throw new AcrctlError('apply.route_vanished', `route entry ${entryId} in ${table} disappeared while it was being created`, { hint: 'run acrctl plan again' });
      return e.TransitRouterRouteEntryStatus === 'Active' ? true : undefined;
    },
    { what: `transit router route entry ${entryId} to be ${want}`, timeoutMs: TIMEOUTS.cbn },
  );
}

async function create(ctx: ExecContext, action: Subject<TrRouteSpec, TrRouteIds, TrRouteKey>): Promise<Outcome> {
  const s = action.spec;
  const cbn = ctx.cloud.cbn(action.account);
  const table = await tableOf(action, cbn, s.transitRouter);
  const pending = ctx.reconciled?.state === 'pending' ? ctx.reconciled.ids?.['routeEntryId'] : undefined;
  if (pending !== undefined) {
    await waitEntry(ctx, cbn, table, pending, 'Active');
    return { ids: { routeEntryId: pending, routeTableId: table } };
  }
  const hop = await nextHopId(ctx, action, cbn, s);
  // Already there with this next hop (an earlier apply, or the same route made by hand): done.
  const existing = (await tableEntries(cbn, table, s.destination))[0];
  if (existing?.TransitRouterRouteEntryId !== undefined && existing.TransitRouterRouteEntryNextHopId === hop) {
    await waitEntry(ctx, cbn, table, existing.TransitRouterRouteEntryId, 'Active');
    return { ids: { routeEntryId: existing.TransitRouterRouteEntryId, routeTableId: table } };
  }
  const { access, which } = action.key;
  await ctx.intent('CreateTransitRouterRouteEntry', { routeTable: table, destination: s.destination, nextHop: hop });
  const token = ctx.clientToken();
  const entryId = await whileBusy(ctx, `transit router ${s.transitRouter} to be ready for route changes`, BUSY, TIMEOUTS.cbn, async () => {
    try {
      const r = await cbn.createTransitRouterRouteEntry({
        ClientToken: token,
        TransitRouterRouteTableId: table,
        TransitRouterRouteEntryDestinationCidrBlock: s.destination,
        TransitRouterRouteEntryNextHopType: 'Attachment',
        TransitRouterRouteEntryNextHopId: hop,
        TransitRouterRouteEntryName: routeName(access, which),
        TransitRouterRouteEntryDescription: routeDescription(access, `${which} side, auth and OSS addresses`),
      });
      return r.TransitRouterRouteEntryId;
    } catch (err) {
      if (vendorCode(err) !== DUPLICATE) throw err;
      const found = (await tableEntries(cbn, table, s.destination))[0];
      if (found?.TransitRouterRouteEntryId === undefined) throw err;
      if (found.TransitRouterRouteEntryNextHopId !== hop) {
        existsDifferent(action.id, [{ path: 'nextHop', before: { id: found.TransitRouterRouteEntryNextHopId }, after: s.nextHop, impact: 'replace' }]);
      }
      return found.TransitRouterRouteEntryId;
    }
  });
  if (entryId === undefined || entryId === '') throw new AcrctlError('apply.no_id', `CreateTransitRouterRouteEntry for ${action.id} returned no id`, { address: action.id });
  ctx.progress(`route ${s.destination} in ${table} is ${entryId}`, { routeEntryId: entryId });
  await waitEntry(ctx, cbn, table, entryId, 'Active');
  return { ids: { routeEntryId: entryId, routeTableId: table } };
}

async function removeEntry(ctx: ExecContext, action: Removal<TrRouteSpec, TrRouteIds, TrRouteKey>): Promise<Outcome> {
  const { routeEntryId: entryId, routeTableId: table } = action.ids;
  const cbn = ctx.cloud.cbn(action.account);
  if (ctx.reconciled?.state !== 'pending') {
    await ctx.intent('DeleteTransitRouterRouteEntry', { routeTable: table, routeEntryId: entryId, destination: action.spec.destination });
    const token = ctx.clientToken();
    await whileBusy(ctx, `route entry ${entryId} to be stable`, BUSY, TIMEOUTS.cbn, async () => {
      try {
        await cbn.deleteTransitRouterRouteEntry({ ClientToken: token, TransitRouterRouteEntryId: entryId });
      } catch (err) {
        if (vendorCode(err) !== ENTRY_NOT_FOUND) throw err;
      }
      return true;
    });
  }
  await waitEntry(ctx, cbn, table, entryId, 'gone');
  return {};
}

/** The entry the plan read, by its id (a delete; `going` while Deleting). */
async function observeEntry(ctx: ExecContext, action: Subject<TrRouteSpec, TrRouteIds, TrRouteKey>, ids: TrRouteIds): Promise<Observation<TrRouteIds>> {
  const { routeTableId: table, routeEntryId: entryId } = ids;
  const cbn = ctx.cloud.cbn(action.account);
  let e: CbnRouteEntry | undefined;
  try {
    e = (await cbn.allRouteEntries({ TransitRouterRouteTableId: table, TransitRouterRouteEntryIds: [entryId], TransitRouterRouteEntryStatus: 'All' })).items.find(
      (x) => x.TransitRouterRouteEntryId === entryId,
    );
  } catch (err) {
    // The table went with its router: the entry is gone too.
    if (vendorCode(err) === 'IllegalParam.TransitRouterRouteTableId') return { state: 'absent' };
    throw err;
  }
  if (e === undefined) return { state: 'absent' };
  return e.TransitRouterRouteEntryStatus === 'Deleting' ? { state: 'going' } : { state: 'present', upToDate: false, ready: true, ids };
}

/**
 * The entry the plan read (a delete), or the entry of the desired destination in the router's System
 * table (a create: up to date when its next hop is the desired one, ready once Active).
 */
async function observe(ctx: ExecContext, action: Subject<TrRouteSpec, TrRouteIds, TrRouteKey>): Promise<Observation<TrRouteIds>> {
  if (action.ids !== undefined) return observeEntry(ctx, action, action.ids);
  const s = action.spec;
  const cbn = ctx.cloud.cbn(action.account);
  const t = await systemTableOf(cbn, s.transitRouter);
  if (t?.TransitRouterRouteTableId === undefined) return { state: 'absent' };
  const found = (await tableEntries(cbn, t.TransitRouterRouteTableId, s.destination))[0];
  if (found?.TransitRouterRouteEntryId === undefined) return { state: 'absent' };
  const peer = s.nextHop.type === 'peer' && 'transitRouter' in s.nextHop ? s.nextHop.transitRouter : undefined;
  const [vpcAtts, mine, theirs] = await Promise.all([
    cbn.allVpcAttachments({ TransitRouterId: s.transitRouter }),
    cbn.allPeerAttachments({ TransitRouterId: s.transitRouter }),
    peer !== undefined ? cbn.allPeerAttachments({ TransitRouterId: peer }) : Promise.resolve({ items: [], pages: 0 }),
  ]);
  const peerAtts = { items: [...mine.items, ...theirs.items] };
  const hops = new Map<string, Hop>();
  for (const a of vpcAtts.items) if (a.TransitRouterAttachmentId) hops.set(a.TransitRouterAttachmentId, { kind: 'vpc', transitRouter: a.TransitRouterId ?? '', vpc: a.VpcId ?? '', status: a.Status ?? '' });
  for (const a of peerAtts.items) if (a.TransitRouterAttachmentId) hops.set(a.TransitRouterAttachmentId, { kind: 'peer', transitRouter: a.TransitRouterId ?? '', peer: a.PeerTransitRouterId ?? '', status: a.Status ?? '' });
  const upToDate = JSON.stringify(liveHop(found, s.transitRouter, hops)) === JSON.stringify(s.nextHop);
  const ids = { routeEntryId: found.TransitRouterRouteEntryId, routeTableId: t.TransitRouterRouteTableId };
  return { state: 'present', upToDate, ready: found.TransitRouterRouteEntryStatus === 'Active', ids };
}

/**
 * The calls of the kind (issue 17), per access path, all on its CEN: ListTransitRouterRouteEntries
 * (read, and while an entry settles); a create finds the router's System table and the next hop's
 * attachment (ListTransitRouterRouteTables, …VpcAttachments, …PeerAttachments) and sends
 * CreateTransitRouterRouteEntry; a route no longer wanted is deleted by apply too, and by destroy.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return accessPaths(config).flatMap((p) => {
    const cen = { cen: p.cenId };
    return [
      ...calls(['read', 'observe', 'create', 'delete'], p.account, cen, ['cbn:ListTransitRouterRouteEntries']),
      ...calls(['observe', 'create', 'delete'], p.account, cen, ['cbn:ListTransitRouterRouteTables', 'cbn:ListTransitRouterVpcAttachments', 'cbn:ListTransitRouterPeerAttachments']),
      ...calls(['create'], p.account, cen, ['cbn:CreateTransitRouterRouteEntry']),
      ...calls(['delete'], p.account, cen, ['cbn:DeleteTransitRouterRouteEntry']),
    ];
  });
}

export const trRouteKind: Kind<TrRouteSpec, TrRouteIds, TrRouteKey> = {
  name: 'tr-route',
  readAfter: ['cross-region'],
  reportsUnmanaged: true,
  address: (key) => trRouteAddress(key.access, key.which),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,

  desired(config: RegistryDocument) {
    const out: DesiredObject<TrRouteSpec, TrRouteKey>[] = [];
    for (const p of accessPaths(config)) {
      if (!needsTransit(p)) continue;
      for (const side of ['source', 'target'] as const) {
        const d = desiredOf(p, side);
        if (d !== undefined) out.push(d);
      }
    }
    return out;
  },

  async read(ctx: ReadContext) {
    const evidence = ctx.live('cross-region');
    const hops = allHops(evidence);
    const tables = new Map<string, TableScope>();
    for (const p of accessPaths(ctx.config)) {
      const ev = evidence.find((l) => l.id === crossRegionAddress(p.name));
      const add = (router: string, region: string, table: string | undefined) => {
        if (table !== undefined) tables.set(table, { account: p.account, region, router, table });
      };
      add(p.sourceRouter, p.sourceRegion, ev?.ids['sourceRouteTableId']);
      add(p.targetRouter, p.targetRegion, ev?.ids['targetRouteTableId']);
    }
    const desired = ctx.desired.filter((d) => d.kind === 'tr-route');
    const requires = new Map(accessPaths(ctx.config).map((p) => [p.name, routeRequires(p)] as const));
    const perTable = await Promise.all(
      [...tables.values()].map(async (t) => {
        const entries = await tableEntries(ctx.cloud.cbn(t.account), t.table);
        const here = desired.filter((d) => d.account === t.account && specOf(d.spec).transitRouter === t.router);
        return matchTrEntries(entries, here, t, hops, requires);
      }),
    );
    const seen = new Set<string>();
    return perTable.flat().filter((l) => (seen.has(l.id) ? false : (seen.add(l.id), true)));
  },

  diff(desired, live): Diff {
    return {
      changes: compareSpec(desired.spec, live.spec, {
        replace: ['transitRouter', 'destination', 'nextHop'],
        notes: { nextHop: 'a transit router route cannot be changed in place: delete, then create' },
      }),
    };
  },

  observe,
  create,
  delete: removeEntry,
};
