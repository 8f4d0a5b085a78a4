/** IPv4 CIDR arithmetic for the VPC and CBN services. Pure. Masking and matching are ipaddr.js's. */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  readonly address: ipaddr.IPv4;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n` with no host bits set; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (m === null) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = new ipaddr.IPv4(octets);
  if (ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`).toString() !== address.toString()) return undefined;
  return { address, prefix };
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.address.match(outer.address, outer.prefix);
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** Usable addresses of a vSwitch CIDR (the vendor reserves 4 per vSwitch). */
export function usableAddresses(c: Cidr): number {
  return Math.max(0, 2 ** (32 - c.prefix) - 4);
}
