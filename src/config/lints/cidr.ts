/**
 * IPv4 CIDR arithmetic for lints and the planner. Pure. Parsing and masking are ipaddr.js's; this
 * module only adds the schema's strictness and an interval form that is easy to compare.
 *
 * Contract: {@link parseCidr} accepts only canonical dotted-quad notation with a prefix 0..32 (the
 * schema's `cidr` pattern: no leading zeros, no shorthand such as `10.1`, no hex or octal, all of which
 * ipaddr.js's own parser would take) and returns undefined for anything else; it never throws. Host
 * bits set in the address (`10.0.0.1/8`) are accepted and masked, as the VPC and ACL APIs do.
 */
import ipaddr from 'ipaddr.js';

export interface Ipv4Block {
  /** First address of the block, as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address of the block, inclusive. */
  readonly end: number;
  readonly prefix: number;
}

const PREFIX = /^(3[0-2]|[12]?[0-9])$/;

function toNumber(address: ipaddr.IPv4): number {
  return address.toByteArray().reduce((n, octet) => n * 256 + octet, 0);
}

/** Parses `a.b.c.d` (four decimal parts, no leading zeros) to an unsigned integer, or undefined. */
export function parseIpv4(text: string): number | undefined {
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? toNumber(ipaddr.IPv4.parse(text)) : undefined;
}

/** Parses `a.b.c.d/n`; a bare address is a /32. */
export function parseCidr(text: string): Ipv4Block | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? '32' : text.slice(slash + 1);
  if (!PREFIX.test(prefixText) || !ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
  const cidr = `${address}/${prefixText}`;
  return {
    start: toNumber(ipaddr.IPv4.networkAddressFromCIDR(cidr)),
    end: toNumber(ipaddr.IPv4.broadcastAddressFromCIDR(cidr)),
    prefix: Number(prefixText),
  };
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** The carrier-grade/Alibaba service range that CR's auth and OSS VPC addresses live in. */
export const SERVICE_RANGE: Ipv4Block = parseCidr('100.0.0.0/8')!;
