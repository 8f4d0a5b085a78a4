/**
 * Kind `vpc-route` (`cross-region[name].vpc-route[auth|oss]`): a /32 route in the source VPC's route
 * table to the auth service or OSS VPC address of the target region, next hop the source transit
 * router's attachment of the source VPC (NextHopType `Attachment`; vpc JSON CreateRouteEntry).
 *
 * Only needed routes are desired: none for auth when `routes.auth` is false or the target instance has
 * authDomainTakeover, none for OSS when `routes.oss` is false, and none whose address is unknown (the
 * plan has an error finding for that instead; see cross-region.ts).
 *
 * Spec: `{ routeTable, destination, nextHop: { type: 'Attachment', transitRouter, vpc } }`: the next hop
 * by natural key, so the live attachment id read back compares equal. No field can be updated in place
 * (the API has no next-hop update): every change replaces.
 *
 * Reads: DescribeRouteEntryList of each declared source route table (NextToken/MaxResult paged).
 * Managed entries: those whose destination is desired in that table, and those named
 * `acrctl:<access>:<auth|oss>` (created by acrctl, deleted when no longer desired). Others are never
 * touched nor reported. Entries Deleting are ignored.
 * Acts: CreateRouteEntry (ClientToken, RouteEntryName) then wait Available; DeleteRouteEntry by id then
 * wait gone. `TaskConflict` (another route task in the VPC) and `IncorrectRouteEntryStatus` are waited
 * out, not failures.
 */
import type { VpcClient, VpcRouteEntry } from '../cloud/vpc.js';
import type { RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, Diff, ExecContext, Kind, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import {
  accessPaths,
  allHops,
  crossRegionAddress,
  missingAttachment,
  parseRouteName,
  routeDescription,
  routeName,
  routeRequires,
  SERVICES,
  vpcAttachmentOf,
  whileBusy,
  type Hop,
} from './cross-region.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';
import { TIMEOUTS, waitUntil } from './wait.js';
import { calls } from './permits.js';

/** Codes that mean "the VPC or the entry is busy with another route task: try again shortly". */
const BUSY: ReadonlySet<string> = new Set(['TaskConflict', 'IncorrectRouteEntryStatus', 'OperationConflict', 'LastTokenProcessing', 'IncorrectVpcStatus', 'SystemBusy']);

const keyShape = struct({ access: str, which: str });
const specShape = struct({
  routeTable: str,
  destination: str,
  nextHop: struct({ type: str, transitRouter: optional(str), vpc: optional(str), id: optional(str) }),
});
const idsShape = struct({ routeEntryId: str, routeTableId: str });
export type VpcRouteKey = Decoded<typeof keyShape>;
export type VpcRouteSpec = Decoded<typeof specShape>;
export type VpcRouteIds = Decoded<typeof idsShape>;
type VpcRouteLive = LiveObject<VpcRouteSpec, VpcRouteIds, VpcRouteKey>;

/** `cross-region[name].vpc-route[auth|oss]`. */
export function vpcRouteAddress(access: string, which: string): string {
  return address(crossRegionAddress(access), segment('vpc-route', which));
}

const specOf = (o: { readonly spec: Readonly<Record<string, unknown>> }): VpcRouteSpec => o.spec as VpcRouteSpec;

/** The next hop of a live entry by natural key when it is a known attachment, else as sent. */
function liveHop(e: VpcRouteEntry, hops: ReadonlyMap<string, Hop>): VpcRouteSpec['nextHop'] {
  const h = e.nextHops?.nextHop?.[0];
  const type = h?.nextHopType ?? '';
  const id = h?.nextHopId ?? '';
  const known = hops.get(id);
  if (type === 'Attachment' && known?.kind === 'vpc') return { type, transitRouter: known.transitRouter, vpc: known.vpc };
  return { type, id };
}

function liveObject(key: VpcRouteKey, region: string, account: string, e: VpcRouteEntry, hops: ReadonlyMap<string, Hop>, requires: readonly string[]): VpcRouteLive {
  return {
    id: vpcRouteAddress(key.access, key.which),
    kind: 'vpc-route',
    account,
    region,
    key,
    spec: { routeTable: e.routeTableId ?? '', destination: e.destinationCidrBlock ?? '', nextHop: liveHop(e, hops) },
    ids: { routeEntryId: e.routeEntryId ?? '', routeTableId: e.routeTableId ?? '' },
    container: crossRegionAddress(key.access),
    // Only entries acrctl manages are returned: desired ones and ones it created.
    prunable: true,
    requires,
  };
}

/** Custom entries of a table that are not on their way out. */
async function tableEntries(vpc: VpcClient, region: string, routeTableId: string, destination?: string): Promise<VpcRouteEntry[]> {
  const r = await vpc.allRouteEntries({ regionId: region, routeTableId, routeEntryType: 'Custom', ...(destination !== undefined ? { destinationCidrBlock: destination } : {}) });
  return r.items.filter((e) => e.status !== 'Deleting');
}

/**
 * Matches one table's entries to addresses: a desired object takes the entry with its destination
 * (an adopted route, or one acrctl made), else the entry acrctl named for it (a replace). Named
 * entries left over are acrctl's own routes that are no longer desired; they keep their address when
 * it is free, else get one naming their destination.
 */
export function matchEntries(
  entries: readonly VpcRouteEntry[],
  desired: readonly DesiredObject[],
  place: { account: string; region: string },
  hops: ReadonlyMap<string, Hop>,
  /** What each access path's routes need (the instance and its VPC link), so deletes are ordered. */
  requires: ReadonlyMap<string, readonly string[]> = new Map(),
): VpcRouteLive[] {
  const out: VpcRouteLive[] = [];
  const used = new Set<VpcRouteEntry>();
  const named = new Map<string, VpcRouteEntry>();
  for (const e of entries) {
    const n = parseRouteName(e.routeEntryName);
    if (n !== undefined && !named.has(vpcRouteAddress(n.access, n.which))) named.set(vpcRouteAddress(n.access, n.which), e);
  }
  const taken = new Set<string>();
  for (const d of desired) {
    const s = specOf(d);
    const match = entries.find((e) => e.destinationCidrBlock === s.destination) ?? named.get(d.id);
    if (match === undefined) continue;
    used.add(match);
    taken.add(d.id);
    out.push(liveObject(d.key as VpcRouteKey, place.region, place.account, match, hops, d.requires));
  }
  for (const e of entries) {
    if (used.has(e)) continue;
    const n = parseRouteName(e.routeEntryName);
    if (n === undefined) continue;
    let key: VpcRouteKey = { access: n.access, which: n.which };
    if (taken.has(vpcRouteAddress(key.access, key.which))) key = { access: n.access, which: `${n.which}@${e.destinationCidrBlock ?? e.routeEntryId ?? ''}` };
    const id = vpcRouteAddress(key.access, key.which);
    if (taken.has(id)) continue;
    taken.add(id);
    out.push(liveObject(key, place.region, place.account, e, hops, requires.get(n.access) ?? []));
  }
  return out;
}

/** True when the entry's next hop is the attachment `hop`. */
function sameHop(e: VpcRouteEntry, hop: string): boolean {
  const h = e.nextHops?.nextHop?.[0];
  return h?.nextHopType === 'Attachment' && h.nextHopId === hop;
}

/** The attachment of the source VPC on the source router, waited on until Attached. */
async function nextHopId(ctx: ExecContext, subject: Subject<VpcRouteSpec, VpcRouteIds, VpcRouteKey>): Promise<string> {
  const s = subject.spec;
  const tr = s.nextHop.transitRouter;
  const vpc = s.nextHop.vpc;
  if (s.nextHop.type !== 'Attachment' || tr === undefined || vpc === undefined) {
    throw new AcrctlError('internal.vpc_route_hop', `${subject.id}: unexpected next hop ${JSON.stringify(s.nextHop)}`, { address: subject.id });
  }
  const cbn = ctx.cloud.cbn(subject.account);
  return waitUntil(
    ctx,
    async () => {
      const att = vpcAttachmentOf((await cbn.allVpcAttachments({ TransitRouterId: tr, VpcId: vpc })).items, tr, vpc);
      if (att?.TransitRouterAttachmentId === undefined) {
        return missingAttachment(subject.id, `${vpc} is not attached to transit router ${tr}`, 'attach the VPC to the transit router (CEN console or CreateTransitRouterVpcAttachment), then run acrctl apply again');
      }
      return att.Status === 'Attached' ? att.TransitRouterAttachmentId : undefined;
    },
    { what: `the attachment of ${vpc} to ${tr} to be Attached`, timeoutMs: TIMEOUTS.cbn },
  );
}

async function waitEntry(ctx: ExecContext, vpc: VpcClient, region: string, table: string, entryId: string, want: 'Available' | 'gone'): Promise<void> {
  await waitUntil(
    ctx,
    async () => {
      const r = await vpc.allRouteEntries({ regionId: region, routeTableId: table, routeEntryId: entryId });
      const e = r.items.find((x) => x.routeEntryId === entryId);
      if (want === 'gone') return e === undefined ? true : undefined;
      if (e === undefined) throw new AcrctlError('apply.route_vanished', `route entry ${entryId} in ${table} disappeared while it was being created`, { hint: 'run acrctl plan again' });
      return e.status === 'Available' ? true : undefined;
    },
    { what: `route entry ${entryId} in ${table} to be ${want}`, timeoutMs: TIMEOUTS.vpcRoute },
  );
}

async function create(ctx: ExecContext, subject: Subject<VpcRouteSpec, VpcRouteIds, VpcRouteKey>): Promise<Outcome> {
  const s = subject.spec;
  const vpc = ctx.cloud.vpc(subject.account, subject.region);
  const pending = ctx.reconciled?.state === 'pending' ? ctx.reconciled.ids?.['routeEntryId'] : undefined;
  if (pending !== undefined) {
    await waitEntry(ctx, vpc, subject.region, s.routeTable, pending, 'Available');
    return { ids: { routeEntryId: pending, routeTableId: s.routeTable } };
  }
  const hop = await nextHopId(ctx, subject);
  // Already there with this next hop (an earlier apply, or the same route made by hand): done.
  const existing = (await tableEntries(vpc, subject.region, s.routeTable, s.destination))[0];
  if (existing?.routeEntryId !== undefined && sameHop(existing, hop)) {
    await waitEntry(ctx, vpc, subject.region, s.routeTable, existing.routeEntryId, 'Available');
    return { ids: { routeEntryId: existing.routeEntryId, routeTableId: s.routeTable } };
  }
  const { access, which } = subject.key;
  await ctx.intent('CreateRouteEntry', { routeTable: s.routeTable, destination: s.destination, nextHop: hop });
  const token = ctx.clientToken();
  const entryId = await whileBusy(ctx, `a free route task slot in the VPC of ${s.routeTable}`, BUSY, TIMEOUTS.vpcRoute, async () => {
    try {
      const r = await vpc.createRouteEntry({
        regionId: subject.region,
        routeTableId: s.routeTable,
        destinationCidrBlock: s.destination,
        nextHopType: 'Attachment',
        nextHopId: hop,
        routeEntryName: routeName(access, which),
        description: routeDescription(access, `${which} service route`),
        clientToken: token,
      });
      return r.routeEntryId;
    } catch (err) {
      if (vendorCode(err) !== 'RouterEntryConflict.Duplicated') throw err;
      // Already there: accept it when it goes to the same next hop.
      const found = (await tableEntries(vpc, subject.region, s.routeTable, s.destination))[0];
      const h = found?.nextHops?.nextHop?.[0];
      if (found?.routeEntryId === undefined) throw err;
      if (!sameHop(found, hop)) {
        existsDifferent(subject.id, [{ path: 'nextHop', before: { type: h?.nextHopType, id: h?.nextHopId }, after: s.nextHop, impact: 'replace' }]);
      }
      return found.routeEntryId;
    }
  });
  if (entryId === undefined || entryId === '') throw new AcrctlError('apply.no_id', `CreateRouteEntry for ${subject.id} returned no RouteEntryId`, { address: subject.id });
  ctx.progress(`route ${s.destination} in ${s.routeTable} is ${entryId}`, { routeEntryId: entryId });
  await waitEntry(ctx, vpc, subject.region, s.routeTable, entryId, 'Available');
  return { ids: { routeEntryId: entryId, routeTableId: s.routeTable } };
}

/** Deletes the live entry the plan read; succeeds when it is already gone. */
async function removeEntry(ctx: ExecContext, action: Removal<VpcRouteSpec, VpcRouteIds, VpcRouteKey>): Promise<Outcome> {
  const { routeEntryId: entryId, routeTableId: table } = action.ids;
  const vpc = ctx.cloud.vpc(action.account, action.region);
  if (ctx.reconciled?.state !== 'pending') {
    await ctx.intent('DeleteRouteEntry', { routeTable: table, routeEntryId: entryId, destination: action.spec.destination });
    await whileBusy(ctx, `a free route task slot in the VPC of ${table}`, BUSY, TIMEOUTS.vpcRoute, async () => {
      const current = (await vpc.allRouteEntries({ regionId: action.region, routeTableId: table, routeEntryId: entryId })).items.find((e) => e.routeEntryId === entryId);
      if (current === undefined || current.status === 'Deleting') return true;
      try {
        await vpc.deleteRouteEntry({ regionId: action.region, routeEntryId: entryId, routeTableId: table });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return true;
    });
  }
  await waitEntry(ctx, vpc, action.region, table, entryId, 'gone');
  return {};
}

/**
 * The entry the plan read, by its id (a delete: `going` while Deleting), or the entry of the
 * desired destination (a create: up to date when it goes to the desired attachment, ready once
 * Available).
 */
async function observe(ctx: ExecContext, subject: Subject<VpcRouteSpec, VpcRouteIds, VpcRouteKey>): Promise<Observation<VpcRouteIds>> {
  const vpc = ctx.cloud.vpc(subject.account, subject.region);
  if (subject.ids !== undefined) {
    const { routeEntryId: entryId, routeTableId: table } = subject.ids;
    const e = (await vpc.allRouteEntries({ regionId: subject.region, routeTableId: table, routeEntryId: entryId })).items.find((x) => x.routeEntryId === entryId);
    if (e === undefined) return { state: 'absent' };
    return e.status === 'Deleting' ? { state: 'going' } : { state: 'present', upToDate: false, ready: true, ids: subject.ids };
  }
  const s = subject.spec;
  const found = (await tableEntries(vpc, subject.region, s.routeTable, s.destination))[0];
  if (found?.routeEntryId === undefined) return { state: 'absent' };
  const atts = (await ctx.cloud.cbn(subject.account).allVpcAttachments({ TransitRouterId: s.nextHop.transitRouter ?? '', VpcId: s.nextHop.vpc ?? '' })).items;
  const want = vpcAttachmentOf(atts, s.nextHop.transitRouter ?? '', s.nextHop.vpc ?? '')?.TransitRouterAttachmentId;
  const upToDate = want !== undefined && sameHop(found, want);
  return { state: 'present', upToDate, ready: found.status === 'Available', ids: { routeEntryId: found.routeEntryId, routeTableId: s.routeTable } };
}

/**
 * The calls of the kind (issue 17), per access path: DescribeRouteEntryList of the source route
 * table (read, and while an entry settles); a create finds the VPC's attachment on the CEN
 * (ListTransitRouterVpcAttachments) and sends CreateRouteEntry; a route no longer wanted (routes
 * turned off, a changed next hop: a replace) is deleted by apply too, and by destroy.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return accessPaths(config).flatMap((p) => {
    const table = { region: p.sourceRegion, routeTable: p.routeTable };
    return [
      ...calls(['read', 'observe', 'create', 'delete'], p.account, table, ['vpc:DescribeRouteEntryList']),
      ...calls(['create'], p.account, table, ['vpc:CreateRouteEntry']),
      ...calls(['delete'], p.account, table, ['vpc:DeleteRouteEntry']),
      ...calls(['create'], p.account, { cen: p.cenId }, ['cbn:ListTransitRouterVpcAttachments']),
    ];
  });
}

export const vpcRouteKind: Kind<VpcRouteSpec, VpcRouteIds, VpcRouteKey> = {
  name: 'vpc-route',
  readAfter: ['cross-region'],
  reportsUnmanaged: true,
  address: (key) => vpcRouteAddress(key.access, key.which),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,

  desired(config: RegistryDocument) {
    const out: DesiredObject<VpcRouteSpec, VpcRouteKey>[] = [];
    for (const p of accessPaths(config)) {
      for (const which of SERVICES) {
        const route = p[which];
        if (!route.needed || route.address === undefined) continue;
        out.push({
          id: vpcRouteAddress(p.name, which),
          kind: 'vpc-route',
          account: p.account,
          region: p.sourceRegion,
          key: { access: p.name, which },
          spec: {
            routeTable: p.routeTable,
            destination: `${route.address}/32`,
            nextHop: { type: 'Attachment', transitRouter: p.sourceRouter, vpc: p.sourceVpc },
          },
          requires: routeRequires(p),
          reason: `cross-region access ${p.name}: the ${which === 'auth' ? 'auth service' : 'OSS'} address of ${p.targetRegion} through transit router ${p.sourceRouter}`,
        });
      }
    }
    return out;
  },

  async read(ctx: ReadContext) {
    const evidence = ctx.live('cross-region');
    const hops = allHops(evidence);
    const tables = new Map<string, { account: string; region: string; table: string }>();
    for (const p of accessPaths(ctx.config)) {
      const ev = evidence.find((l) => l.id === crossRegionAddress(p.name));
      // A table that is not there (an error finding says so) is not read.
      if ((ev?.spec['routeTable'] as { found?: boolean } | undefined)?.found !== true) continue;
      tables.set(`${p.account}\u0000${p.sourceRegion}\u0000${p.routeTable}`, { account: p.account, region: p.sourceRegion, table: p.routeTable });
    }
    const desired = ctx.desired.filter((d) => d.kind === 'vpc-route');
    const requires = new Map(accessPaths(ctx.config).map((p) => [p.name, routeRequires(p)] as const));
    const perTable = await Promise.all(
      [...tables.values()].map(async (t) => {
        const entries = await tableEntries(ctx.cloud.vpc(t.account, t.region), t.region, t.table);
        const here = desired.filter((d) => d.account === t.account && d.region === t.region && specOf(d).routeTable === t.table);
        return matchEntries(entries, here, t, hops, requires);
      }),
    );
    // A route shared by two paths of one table is read once per address; keep the first per address.
    const seen = new Set<string>();
    return perTable.flat().filter((l) => (seen.has(l.id) ? false : (seen.add(l.id), true)));
  },

  diff(desired, live): Diff {
    return {
      changes: compareSpec(desired.spec, live.spec, {
        replace: ['routeTable', 'destination', 'nextHop'],
        notes: {
          destination: 'a route entry cannot be changed in place: delete, then create',
          nextHop: 'a route entry cannot be changed in place: delete, then create',
          routeTable: 'the route moves to another table',
        },
      }),
    };
  },

  observe,
  create,
  delete: removeEntry,
};
