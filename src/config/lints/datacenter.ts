/**
 * Lints about access to an instance from a data centre (DOMAIN.md "Access across regions or from a
 * data centre", seeds 001 and 004): the declared data-centre CIDRs against the registry's addresses,
 * as the cross-region lints check a CEN source's. Pure.
 */
import { DEFAULTS } from '../model.js';
import { overlaps, parseCidr, SERVICE_RANGE } from './cidr.js';
import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

export const datacenterCidrCollision: LintRule = {
  id: 'datacenter-cidr-collision',
  severity: 'error',
  summary: 'Data-centre CIDRs overlap 100.0.0.0/8 while the auth service or OSS must be reached',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    (ctx.doc.datacenterAccess ?? []).forEach((a, index) => {
      const target = ctx.instance(a.to);
      const takeover = target?.authDomainTakeover ?? DEFAULTS.instance.authDomainTakeover;
      const authNeeded = (a.routes?.auth ?? DEFAULTS.routes.auth) && !takeover;
      const ossNeeded = a.routes?.oss ?? DEFAULTS.routes.oss;
      if (!authNeeded && !ossNeeded) return;
      a.datacenter.cidrs.forEach((cidr, i) => {
        const block = parseCidr(cidr);
        if (block === undefined || !overlaps(block, SERVICE_RANGE)) return;
        const fixes: string[] = [];
        if (authNeeded) fixes.push(`turn on authDomainTakeover on instance ${a.to} (the instance then answers auth itself; the auth address is not needed)`);
        if (ossNeeded) fixes.push('reach OSS over PrivateLink with a CNAME for the bucket host, then set routes.oss: false (the OSS address is not needed)');
        const needed = [authNeeded ? 'auth service' : '', ossNeeded ? 'OSS' : ''].filter(Boolean).join(' and ');
        hits.push({
          path: ['datacenterAccess', index, 'datacenter', 'cidrs', i],
          message:
            `${a.name}: data-centre CIDR ${cidr} overlaps 100.0.0.0/8, the range of the ${needed} VPC addresses the data centre must ` +
            `route towards ${a.connection.id}, so the routes would collide with addresses in use. Fix: ${fixes.join('; and ')}`,
          hint: 'the registry service addresses must not collide with addresses in use in the data centre; authDomainTakeover and OSS over PrivateLink remove the need for them',
        });
      });
    });
    return hits;
  },
};

export const datacenterAddressCollision: LintRule = {
  id: 'datacenter-address-collision',
  severity: 'error',
  summary: 'A declared instance, auth or OSS address lies inside one of the data-centre CIDRs',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    (ctx.doc.datacenterAccess ?? []).forEach((a, index) => {
      for (const kind of ['instance', 'auth', 'oss'] as const) {
        const address = a.addresses?.[kind];
        const point = address === undefined ? undefined : parseCidr(address);
        if (point === undefined) continue;
        const cidr = a.datacenter.cidrs.find((c) => {
          const block = parseCidr(c);
          return block !== undefined && overlaps(block, point);
        });
        if (cidr === undefined) continue;
        hits.push({
          path: ['datacenterAccess', index, 'addresses', kind],
          message: `${a.name}: the ${kind} address ${address} is inside the data-centre CIDR ${cidr}, so the data centre would route it locally and never reach the registry. Renumber that range in the data centre, or correct the address`,
          hint: 'the registry addresses must not collide with addresses in use in the data centre',
        });
      }
    });
    return hits;
  },
};

export const DATACENTER_LINTS: readonly LintRule[] = [datacenterCidrCollision, datacenterAddressCollision];
