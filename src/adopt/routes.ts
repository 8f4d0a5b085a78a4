/**
 * Recognising cross-region access paths in the live estate, for adopt. Read-only.
 *
 * A path is recognisable because acrctl names every route it creates `acrctl:<access>:<which>`
 * (src/kinds/cross-region.ts `routeName`): the `source` and `target` routes in the system route
 * tables of two Enterprise transit routers of a CEN, and the `auth` and `oss` routes in a custom
 * route table of a VPC attached to the source router. Routes anyone else made carry no purpose, so
 * they are never guessed at. Each recognised path is then planned by the cross-region kinds like any
 * other (src/adopt/read.ts): only one that plans clean is written.
 *
 * Reads (List calls, paged), per adopted account that owns CENs: DescribeCens, then per CEN
 * ListTransitRouters and ListTransitRouterVpcAttachments, per Enterprise router its system route
 * table's entries, and per VPC attached to a source router its route tables' custom entries.
 */
import type { CloudSession } from '../cloud/session.js';
import type { CrossRegionAccess, Region, RegistryDocument } from '../config/model.js';
import { crossRegionAddress, parseRouteName, systemTableOf } from '../kinds/cross-region.js';
import { type AdoptNote, compare } from './build.js';

interface Side {
  readonly router: string;
  readonly region: string;
  /** The target route's next hop (a VPC attachment id). */
  readonly nextHop?: string;
}

interface Found {
  source?: Side;
  target?: Side;
  table?: { vpc: string; routeTable: string };
  addresses: { auth?: string; oss?: string };
}

const address = (cidr: string | undefined) => (cidr !== undefined && cidr.endsWith('/32') ? cidr.slice(0, -3) : undefined);

/** Paths acrctl's named routes describe, in the CENs of the adopted accounts. Sorted by name. */
export async function recogniseAccess(cloud: CloudSession, accounts: readonly string[], document: RegistryDocument): Promise<{ paths: CrossRegionAccess[]; notes: AdoptNote[] }> {
  const paths: CrossRegionAccess[] = [];
  const notes: AdoptNote[] = [];
  for (const account of accounts) {
    const cbn = cloud.cbn(account);
    for (const cen of (await cbn.allCens()).items) {
      const cenId = cen.CenId;
      if (cenId === undefined) continue;
      const [routers, vpcAtts] = await Promise.all([cbn.allTransitRouters({ CenId: cenId }).then((r) => r.items), cbn.allVpcAttachments({ CenId: cenId }).then((r) => r.items)]);
      const found = new Map<string, Found>();
      const entry = (name: string) => {
        let f = found.get(name);
        if (!f) found.set(name, (f = { addresses: {} }));
        return f;
      };
      for (const r of routers) {
        if (r.TransitRouterId === undefined || r.Type === 'Basic') continue;
        const table = await systemTableOf(cbn, r.TransitRouterId);
        if (table?.TransitRouterRouteTableId === undefined) continue;
        for (const e of (await cbn.allRouteEntries({ TransitRouterRouteTableId: table.TransitRouterRouteTableId })).items) {
          const n = parseRouteName(e.TransitRouterRouteEntryName);
          if (n === undefined || (n.which !== 'source' && n.which !== 'target')) continue;
          const side: Side = { router: r.TransitRouterId, region: r.RegionId ?? '', ...(e.TransitRouterRouteEntryNextHopId !== undefined ? { nextHop: e.TransitRouterRouteEntryNextHopId } : {}) };
          entry(n.access)[n.which] = side;
        }
      }
      for (const [name, f] of found) {
        if (f.source === undefined) continue;
        const region = f.source.region;
        const vpcs = vpcAtts.filter((a) => a.TransitRouterId === f.source!.router && a.VpcId !== undefined).map((a) => a.VpcId!);
        const vpc = cloud.vpc(account, region);
        for (const vpcId of [...new Set(vpcs)].sort(compare)) {
          for (const t of (await vpc.allRouteTables({ regionId: region, vpcId })).items) {
            if (t.routeTableId === undefined) continue;
            const entries = (await vpc.allRouteEntries({ regionId: region, routeTableId: t.routeTableId, routeEntryType: 'Custom' })).items;
            for (const e of entries) {
              const n = parseRouteName(e.routeEntryName);
              if (n?.access !== name || (n.which !== 'auth' && n.which !== 'oss')) continue;
              f.table = { vpc: vpcId, routeTable: t.routeTableId };
              const a = address(e.destinationCidrBlock);
              if (a !== undefined) f.addresses[n.which] = a;
            }
          }
        }
      }
      for (const [name, f] of [...found].sort(([a], [b]) => compare(a, b))) {
        const where = crossRegionAddress(name);
        if (f.source === undefined || f.target === undefined || f.table === undefined) {
          notes.push({ address: where, message: `not adopted: only part of its routes were found in CEN ${cenId} (${[f.source && 'source', f.target && 'target', f.table && 'VPC'].filter(Boolean).join(', ') || 'none'})` });
          continue;
        }
        const targetVpc = vpcAtts.find((a) => a.TransitRouterAttachmentId === f.target!.nextHop)?.VpcId;
        const to = Object.entries(document.instances ?? {})
          .filter(([, i]) => i.region === f.target!.region && i.vpcEndpoints?.some((l) => l.vpc === targetVpc) === true)
          .map(([alias]) => alias)
          .sort(compare)[0];
        if (to === undefined) {
          notes.push({ address: where, message: `not adopted: its routes lead to VPC ${targetVpc ?? '(unknown)'} in ${f.target.region}, which no adopted instance is linked to` });
          continue;
        }
        const inst = document.instances![to]!;
        const routes = {
          ...(f.addresses.auth === undefined && inst.authDomainTakeover !== true ? { auth: false } : {}),
          ...(f.addresses.oss === undefined ? { oss: false } : {}),
        };
        paths.push({
          name,
          from: { account, region: f.source.region as Region, vpc: f.table.vpc, routeTable: f.table.routeTable },
          to,
          cen: { id: cenId, sourceTransitRouter: { id: f.source.router }, targetTransitRouter: { id: f.target.router } },
          ...(Object.keys(routes).length > 0 ? { routes } : {}),
          ...(Object.keys(f.addresses).length > 0 ? { addresses: { ...f.addresses } } : {}),
        });
      }
    }
  }
  return { paths: paths.sort((a, b) => compare(a.name, b.name)), notes };
}
