/**
 * Lints about access to an instance from another region over CEN (DOMAIN.md "Access across regions or
 * from a data centre", seeds 001 and 004). Pure.
 */
import { DEFAULTS, type CrossRegionAccess, type Instance } from '../model.js';
import { overlaps, parseCidr, SERVICE_RANGE } from './cidr.js';
import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

interface AccessEntry {
  readonly index: number;
  readonly access: CrossRegionAccess;
  /** Resolved target instance, or undefined when `to` does not resolve. */
  readonly target: Instance | undefined;
}

function entries(ctx: LintContext): AccessEntry[] {
  return (ctx.doc.crossRegionAccess ?? []).map((access, index) => ({
    index,
    access,
    target: ctx.instance(access.to),
  }));
}

const isCrossRegion = (e: AccessEntry): e is AccessEntry & { target: Instance } =>
  e.target !== undefined && e.target.region !== e.access.from.region;

export const crossRegionBasicTransitRouter: LintRule = {
  id: 'cross-region-basic-transit-router',
  severity: 'error',
  summary: 'Cross-region access over a Basic edition transit router',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const e of entries(ctx)) {
      if (!isCrossRegion(e)) continue;
      for (const side of ['sourceTransitRouter', 'targetTransitRouter'] as const) {
        const router = e.access.cen[side];
        if ((router.edition ?? DEFAULTS.transitRouter.edition) !== 'Basic') continue;
        hits.push({
          path: ['crossRegionAccess', e.index, 'cen', side, 'edition'],
          message:
            `${e.access.name}: transit router ${router.id} is Basic edition, and Basic transit routers do not ` +
            `route across regions (${e.access.from.region} → ${e.target.region}). Use an Enterprise edition ` +
            `transit router (upgrade it, then set edition: Enterprise)`,
          hint: 'CEN routes between regions only through Enterprise Edition transit routers',
        });
      }
    }
    return hits;
  },
};

export const crossRegionCidrCollision: LintRule = {
  id: 'cross-region-cidr-collision',
  severity: 'error',
  summary: 'Source CIDRs overlap 100.0.0.0/8 while routes to the auth service or OSS are needed',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const e of entries(ctx)) {
      const takeover = e.target?.authDomainTakeover ?? DEFAULTS.instance.authDomainTakeover;
      const authNeeded = (e.access.routes?.auth ?? DEFAULTS.routes.auth) && !takeover;
      const ossNeeded = e.access.routes?.oss ?? DEFAULTS.routes.oss;
      if (!authNeeded && !ossNeeded) continue;
      (e.access.from.cidrs ?? []).forEach((cidr, cidrIndex) => {
        const block = parseCidr(cidr);
        if (block === undefined || !overlaps(block, SERVICE_RANGE)) return;
        const fixes: string[] = [];
        if (authNeeded) {
          fixes.push(
            `turn on authDomainTakeover on instance ${e.access.to} (the instance then answers auth itself; no auth route)`,
          );
        }
        if (ossNeeded) {
          fixes.push('reach OSS over PrivateLink with a CNAME for the bucket host, then set routes.oss: false (no OSS route)');
        }
        const needed = [authNeeded ? 'auth service' : '', ossNeeded ? 'OSS' : ''].filter(Boolean).join(' and ');
        hits.push({
          path: ['crossRegionAccess', e.index, 'from', 'cidrs', cidrIndex],
          message:
            `${e.access.name}: source CIDR ${cidr} overlaps 100.0.0.0/8, the range of the ${needed} VPC addresses ` +
            `that must be routed to the transit router, so the routes would collide with addresses in use. ` +
            `Fix: ${fixes.join('; and ')}`,
          hint: 'the registry service addresses routed to the transit router must not collide with the access source; authDomainTakeover and OSS over PrivateLink remove the need for those routes',
        });
      });
    }
    return hits;
  },
};

export const crossRegionAddressCollision: LintRule = {
  id: 'cross-region-address-collision',
  severity: 'error',
  summary: 'A service address override lies inside one of the source CIDRs',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const e of entries(ctx)) {
      const addresses = e.access.addresses ?? {};
      for (const kind of ['instance', 'auth', 'oss'] as const) {
        const address = addresses[kind];
        if (address === undefined) continue;
        const point = parseCidr(address);
        if (point === undefined) continue;
        const cidr = (e.access.from.cidrs ?? []).find((c) => {
          const block = parseCidr(c);
          return block !== undefined && overlaps(block, point);
        });
        if (cidr === undefined) continue;
        hits.push({
          path: ['crossRegionAccess', e.index, 'addresses', kind],
          message:
            `${e.access.name}: the ${kind} address ${address} is inside the source CIDR ${cidr}, so the source would ` +
            `route it locally and never reach the registry. Move the source workload off that range, or use a ` +
            `different address for the ${kind} host`,
          hint: 'the registry service addresses must not collide with addresses in use at the access source',
        });
      }
    }
    return hits;
  },
};

export const crossRegionPreferReplication: LintRule = {
  id: 'cross-region-prefer-replication',
  severity: 'info',
  summary: 'Cross-region pulls, where an instance per region plus replication is the documented recommendation',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const e of entries(ctx)) {
      if (!isCrossRegion(e)) continue;
      const fromRegion = e.access.from.region;
      const replica = ctx.instances.find(
        ({ alias, instance }) =>
          instance.region === fromRegion &&
          (e.target.replication ?? []).some((rule) => rule.to === alias),
      );
      const suggestion = replica
        ? `instance ${replica.alias} in ${fromRegion} already receives replication from ${e.access.to}: pull from it instead`
        : `consider an instance in ${fromRegion} and a replication rule from ${e.access.to}, and pull locally`;
      hits.push({
        path: ['crossRegionAccess', e.index],
        message:
          `${e.access.name}: pulls from ${fromRegion} cross into ${e.target.region}; ${suggestion}. ` +
          `Cross-region routing can also cost extra`,
        hint: 'to pull in several regions, Container Registry recommends an instance per region, kept in step by replication',
      });
    }
    return hits;
  },
};

export const crossRegionSameRegion: LintRule = {
  id: 'cross-region-same-region',
  severity: 'warning',
  summary: 'A crossRegionAccess whose source VPC is in the instance\'s own region',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const e of entries(ctx)) {
      if (e.target === undefined || e.target.region !== e.access.from.region) continue;
      hits.push({
        path: ['crossRegionAccess', e.index, 'from', 'region'],
        message:
          `${e.access.name}: the source VPC ${e.access.from.vpc} is in ${e.target.region}, the region of instance ${e.access.to}: ` +
          `ECS instances in the instance's own region reach it over the VPC, not over CEN. Bind the VPC to the instance instead ` +
          `(add { vpc: ${e.access.from.vpc}, vswitch: <a vSwitch of it> } to instances.${e.access.to}.vpcEndpoints) and remove this entry`,
        hint: 'in the instance\'s region, access goes through a VPC endpoint of the instance (VPC ACL), which needs no routes and no CEN',
      });
    }
    return hits;
  },
};

export const CROSS_REGION_LINTS: readonly LintRule[] = [
  crossRegionBasicTransitRouter,
  crossRegionCidrCollision,
  crossRegionAddressCollision,
  crossRegionPreferReplication,
  crossRegionSameRegion,
];
