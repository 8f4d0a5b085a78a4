/**
 * Kind `datacenter-route` (`datacenter[name].vpc-route[<cidr>]`): a route in the instance VPC's route
 * table to one data-centre CIDR, next hop the connection as the VPC API names it: `VpnGateway`
 * (`vpn-…`) for a VPN gateway, `RouterInterface` (`ri-…`, the VPC's router interface to the VBR)
 * for Express Connect. None is desired for SAG, or for Express Connect without `routerInterface`:
 * the plan prints those routes instead (datacenter.ts).
 *
 * Spec: `{ routeTable, destination, nextHop: { type, id } }`. No field updates in place (the API has
 * no next-hop update): every change replaces.
 *
 * Reads: DescribeRouteEntryList (Custom) of each declared table that exists (the evidence says so).
 * Managed entries: those whose destination is desired in that table, and those named
 * `acrctl-dc:<access>:<cidr>` (created by acrctl: deleted when no longer desired). Others are never
 * touched nor reported. Entries Deleting are ignored.
 * Acts: CreateRouteEntry (ClientToken, RouteEntryName) then wait Available; DeleteRouteEntry by id
 * then wait gone; the VPC's route-task conflicts are waited out (as vpc-route.ts).
 */
import type { VpcClient, VpcRouteEntry } from '../cloud/vpc.js';
import type { RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { compareSpec } from '../plan/compare.js';
import { str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, Diff, ExecContext, Kind, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { whileBusy } from './cross-region.js';
import { cloudHop, datacenterAddress, datacenterEvidenceOf, datacenterPaths, datacenterRequires, datacenterRouteName, parseDatacenterRouteName, plansCloudRoutes } from './datacenter.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';
import { TIMEOUTS, waitUntil } from './wait.js';
import { calls } from './permits.js';

/** Codes that mean "the VPC or the entry is busy with another route task: try again shortly". */
const BUSY: ReadonlySet<string> = new Set(['TaskConflict', 'IncorrectRouteEntryStatus', 'OperationConflict', 'LastTokenProcessing', 'IncorrectVpcStatus', 'SystemBusy']);

const keyShape = struct({ access: str, cidr: str });
const specShape = struct({ routeTable: str, destination: str, nextHop: struct({ type: str, id: str }) });
const idsShape = struct({ routeEntryId: str, routeTableId: str });
type Key = Decoded<typeof keyShape>;
type RouteSpec = Decoded<typeof specShape>;
type Ids = Decoded<typeof idsShape>;
type RouteLive = LiveObject<RouteSpec, Ids, Key>;

/** `datacenter[name].vpc-route[<cidr>]`. */
export function datacenterRouteAddress(access: string, cidr: string): string {
  return address(datacenterAddress(access), segment('vpc-route', cidr));
}

function liveObject(k: Key, place: { account: string; region: string }, e: VpcRouteEntry, requires: readonly string[]): RouteLive {
  const h = e.nextHops?.nextHop?.[0];
  return {
    id: datacenterRouteAddress(k.access, k.cidr),
    kind: 'datacenter-route',
    account: place.account,
    region: place.region,
    key: k,
    spec: { routeTable: e.routeTableId ?? '', destination: e.destinationCidrBlock ?? '', nextHop: { type: h?.nextHopType ?? '', id: h?.nextHopId ?? '' } },
    ids: { routeEntryId: e.routeEntryId ?? '', routeTableId: e.routeTableId ?? '' },
    container: datacenterAddress(k.access),
    prunable: true,
    requires,
  };
}

async function tableEntries(vpc: VpcClient, region: string, routeTableId: string, destination?: string): Promise<VpcRouteEntry[]> {
  const r = await vpc.allRouteEntries({ regionId: region, routeTableId, routeEntryType: 'Custom', ...(destination !== undefined ? { destinationCidrBlock: destination } : {}) });
  return r.items.filter((e) => e.status !== 'Deleting');
}

function sameHop(e: VpcRouteEntry, hop: RouteSpec['nextHop']): boolean {
  const h = e.nextHops?.nextHop?.[0];
  return h?.nextHopType === hop.type && h.nextHopId === hop.id;
}

async function waitEntry(ctx: ExecContext, vpc: VpcClient, region: string, table: string, entryId: string, want: 'Available' | 'gone'): Promise<void> {
  await waitUntil(
    ctx,
    async () => {
      const e = (await vpc.allRouteEntries({ regionId: region, routeTableId: table, routeEntryId: entryId })).items.find((x) => x.routeEntryId === entryId);
      if (want === 'gone') return e === undefined ? true : undefined;
      if (e === undefined) throw new AcrctlError('apply.route_vanished', `route entry ${entryId} in ${table} disappeared while it was being created`, { hint: 'run acrctl plan again' });
      return e.status === 'Available' ? true : undefined;
    },
    { what: `route entry ${entryId} in ${table} to be ${want}`, timeoutMs: TIMEOUTS.vpcRoute },
  );
}

async function create(ctx: ExecContext, s: Subject<RouteSpec, Ids, Key>): Promise<Outcome> {
  const { routeTable, destination, nextHop } = s.spec;
  const vpc = ctx.cloud.vpc(s.account, s.region);
  const pending = ctx.reconciled?.state === 'pending' ? ctx.reconciled.ids?.['routeEntryId'] : undefined;
  if (pending !== undefined) {
    await waitEntry(ctx, vpc, s.region, routeTable, pending, 'Available');
    return { ids: { routeEntryId: pending, routeTableId: routeTable } };
  }
  const existing = (await tableEntries(vpc, s.region, routeTable, destination))[0];
  if (existing?.routeEntryId !== undefined && sameHop(existing, nextHop)) {
    await waitEntry(ctx, vpc, s.region, routeTable, existing.routeEntryId, 'Available');
    return { ids: { routeEntryId: existing.routeEntryId, routeTableId: routeTable } };
  }
  await ctx.intent('CreateRouteEntry', { routeTable, destination, nextHop });
  const token = ctx.clientToken();
  const entryId = await whileBusy(ctx, `a free route task slot in the VPC of ${routeTable}`, BUSY, TIMEOUTS.vpcRoute, async () => {
    try {
      return (
        await vpc.createRouteEntry({
          regionId: s.region,
          routeTableId: routeTable,
          destinationCidrBlock: destination,
          nextHopType: nextHop.type,
          nextHopId: nextHop.id,
          routeEntryName: datacenterRouteName(s.key.access, s.key.cidr),
          description: `managed by acrctl: data-centre access ${s.key.access}, route to ${s.key.cidr}`,
          clientToken: token,
        })
      ).routeEntryId;
    } catch (err) {
      if (vendorCode(err) !== 'RouterEntryConflict.Duplicated') throw err;
      const found = (await tableEntries(vpc, s.region, routeTable, destination))[0];
      if (found?.routeEntryId === undefined) throw err;
      const h = found.nextHops?.nextHop?.[0];
      if (!sameHop(found, nextHop)) existsDifferent(s.id, [{ path: 'nextHop', before: { type: h?.nextHopType, id: h?.nextHopId }, after: nextHop, impact: 'replace' }]);
      return found.routeEntryId;
    }
  });
  if (entryId === undefined || entryId === '') throw new AcrctlError('apply.no_id', `CreateRouteEntry for ${s.id} returned no RouteEntryId`, { address: s.id });
  ctx.progress(`route ${destination} in ${routeTable} is ${entryId}`, { routeEntryId: entryId });
  await waitEntry(ctx, vpc, s.region, routeTable, entryId, 'Available');
  return { ids: { routeEntryId: entryId, routeTableId: routeTable } };
}

async function remove(ctx: ExecContext, r: Removal<RouteSpec, Ids, Key>): Promise<Outcome> {
  const { routeEntryId: entryId, routeTableId: table } = r.ids;
  const vpc = ctx.cloud.vpc(r.account, r.region);
  if (ctx.reconciled?.state !== 'pending') {
    await ctx.intent('DeleteRouteEntry', { routeTable: table, routeEntryId: entryId, destination: r.spec.destination });
    await whileBusy(ctx, `a free route task slot in the VPC of ${table}`, BUSY, TIMEOUTS.vpcRoute, async () => {
      const current = (await vpc.allRouteEntries({ regionId: r.region, routeTableId: table, routeEntryId: entryId })).items.find((e) => e.routeEntryId === entryId);
      if (current === undefined || current.status === 'Deleting') return true;
      try {
        await vpc.deleteRouteEntry({ regionId: r.region, routeEntryId: entryId, routeTableId: table });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return true;
    });
  }
  await waitEntry(ctx, vpc, r.region, table, entryId, 'gone');
  return {};
}

async function observe(ctx: ExecContext, s: Subject<RouteSpec, Ids, Key>): Promise<Observation<Ids>> {
  const vpc = ctx.cloud.vpc(s.account, s.region);
  if (s.ids !== undefined) {
    const { routeEntryId: entryId, routeTableId: table } = s.ids;
    const e = (await vpc.allRouteEntries({ regionId: s.region, routeTableId: table, routeEntryId: entryId })).items.find((x) => x.routeEntryId === entryId);
    if (e === undefined) return { state: 'absent' };
    return e.status === 'Deleting' ? { state: 'going' } : { state: 'present', upToDate: false, ready: true, ids: s.ids };
  }
  const found = (await tableEntries(vpc, s.region, s.spec.routeTable, s.spec.destination))[0];
  if (found?.routeEntryId === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: sameHop(found, s.spec.nextHop), ready: found.status === 'Available', ids: { routeEntryId: found.routeEntryId, routeTableId: s.spec.routeTable } };
}

/**
 * The calls of the kind (issue 17), per data-centre path with a route table: DescribeRouteEntryList
 * of the table (read, and while an entry settles), CreateRouteEntry, and DeleteRouteEntry for a
 * route no longer wanted (apply and destroy).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return datacenterPaths(config).flatMap((p) => {
    if (p.routeTable === undefined) return [];
    const table = { region: p.region, routeTable: p.routeTable };
    return [
      ...calls(['read', 'observe', 'create', 'delete'], p.account, table, ['vpc:DescribeRouteEntryList']),
      ...(plansCloudRoutes(p) ? calls(['create'], p.account, table, ['vpc:CreateRouteEntry']) : []),
      ...calls(['delete'], p.account, table, ['vpc:DeleteRouteEntry']),
    ];
  });
}

export const datacenterRouteKind: Kind<RouteSpec, Ids, Key> = {
  name: 'datacenter-route',
  readAfter: ['datacenter'],
  reportsUnmanaged: true,
  address: (k) => datacenterRouteAddress(k.access, k.cidr),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,

  desired(config: RegistryDocument) {
    const out: DesiredObject<RouteSpec, Key>[] = [];
    for (const p of datacenterPaths(config)) {
      const hop = cloudHop(p);
      if (!plansCloudRoutes(p) || hop === undefined) continue;
      for (const cidr of p.cidrs) {
        out.push({
          id: datacenterRouteAddress(p.name, cidr),
          kind: 'datacenter-route',
          account: p.account,
          region: p.region,
          key: { access: p.name, cidr },
          spec: { routeTable: p.routeTable!, destination: cidr, nextHop: { type: hop.type, id: hop.id } },
          requires: datacenterRequires(p),
          reason: `data-centre access ${p.name}: replies from the instance VPC to ${cidr} go through ${hop.id}`,
        });
      }
    }
    return out;
  },

  async read(ctx: ReadContext) {
    const evidence = ctx.live('datacenter');
    const desired = ctx.desired.filter((d) => d.kind === 'datacenter-route');
    const tables = new Map<string, { account: string; region: string; table: string; requires: Map<string, readonly string[]> }>();
    for (const p of datacenterPaths(ctx.config)) {
      if (p.routeTable === undefined) continue;
      // A table that is not in the VPC (an error finding says so) is not read.
      if ((datacenterEvidenceOf(evidence, p.name)?.spec['routeTable'] as { found?: boolean } | undefined)?.found !== true) continue;
      const k = `${p.account}\u0000${p.region}\u0000${p.routeTable}`;
      const t = tables.get(k) ?? { account: p.account, region: p.region, table: p.routeTable, requires: new Map() };
      t.requires.set(p.name, datacenterRequires(p));
      tables.set(k, t);
    }
    const perTable = await Promise.all(
      [...tables.values()].map(async (t) => {
        const entries = await tableEntries(ctx.cloud.vpc(t.account, t.region), t.region, t.table);
        const out: RouteLive[] = [];
        const used = new Set<VpcRouteEntry>();
        const taken = new Set<string>();
        for (const d of desired) {
          const s = d.spec as RouteSpec;
          if (d.account !== t.account || d.region !== t.region || s.routeTable !== t.table) continue;
          const match = entries.find((e) => !used.has(e) && e.destinationCidrBlock === s.destination);
          if (match === undefined) continue;
          used.add(match);
          taken.add(d.id);
          out.push(liveObject(d.key as Key, t, match, d.requires));
        }
        // acrctl's own routes of a path that no longer wants them (a CIDR removed, another hop).
        for (const e of entries) {
          if (used.has(e)) continue;
          const n = parseDatacenterRouteName(e.routeEntryName);
          if (n === undefined || !t.requires.has(n.access)) continue;
          let k: Key = { access: n.access, cidr: n.cidr };
          if (taken.has(datacenterRouteAddress(k.access, k.cidr))) k = { access: n.access, cidr: `${n.cidr}@${e.routeEntryId ?? ''}` };
          taken.add(datacenterRouteAddress(k.access, k.cidr));
          out.push(liveObject(k, t, e, t.requires.get(n.access) ?? []));
        }
        return out;
      }),
    );
    return perTable.flat();
  },

  diff(desired, live): Diff {
    return {
      changes: compareSpec(desired.spec, live.spec, {
        replace: ['routeTable', 'destination', 'nextHop'],
        notes: { nextHop: 'a route entry cannot be changed in place: delete, then create', destination: 'a route entry cannot be changed in place: delete, then create' },
      }),
    };
  },

  observe,
  create,
  delete: remove,
};
