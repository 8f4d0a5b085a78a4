/**
 * IPv4 CIDR arithmetic for lints. Pure.
 *
 * Contract: {@link parseCidr} accepts only canonical dotted-quad notation with a prefix 0..32 (the
 * schema's `cidr` pattern) and returns undefined for anything else; it never throws. Host bits set in
 * the address (`10.0.0.1/8`) are accepted and masked, as the VPC and ACL APIs do.
 */

export interface Ipv4Block {
  /** First address of the block, as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address of the block, inclusive. */
  readonly end: number;
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;

/** Parses `a.b.c.d` to an unsigned integer, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Parses `a.b.c.d/n`; a bare address is a /32. */
export function parseCidr(text: string): Ipv4Block | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? '32' : text.slice(slash + 1);
  if (!/^(3[0-2]|[12]?[0-9])$/.test(prefixText)) return undefined;
  const address = parseIpv4(addressText);
  if (address === undefined) return undefined;
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(address / size) * size;
  return { start, end: start + size - 1, prefix };
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** The carrier-grade/Alibaba service range that CR's auth and OSS VPC addresses live in. */
export const SERVICE_RANGE: Ipv4Block = { start: 100 * 2 ** 24, end: 101 * 2 ** 24 - 1, prefix: 8 };
