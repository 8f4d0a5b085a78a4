/**
 * The lints' CIDR helpers: ipaddr.js does the arithmetic; these cases pin the schema's strictness on
 * top of it (ipaddr.js's own parser also takes shorthand, hex and octal forms) and the interval form.
 */
import { describe, expect, it } from 'vitest';
import { overlaps, parseCidr, parseIpv4, SERVICE_RANGE } from '../../src/config/lints/cidr.js';

describe('parseCidr', () => {
  const cases: readonly { reason: string; text: string; block: { start: number; end: number; prefix: number } | undefined }[] = [
    { reason: 'a canonical block', text: '10.0.0.0/8', block: { start: 10 * 2 ** 24, end: 11 * 2 ** 24 - 1, prefix: 8 } },
    { reason: 'host bits are masked, as the VPC and ACL APIs do', text: '10.0.0.1/24', block: { start: 10 * 2 ** 24, end: 10 * 2 ** 24 + 255, prefix: 24 } },
    { reason: 'a bare address is a /32', text: '203.0.113.7', block: { start: 3405803783, end: 3405803783, prefix: 32 } },
    { reason: 'the whole space', text: '0.0.0.0/0', block: { start: 0, end: 2 ** 32 - 1, prefix: 0 } },
    { reason: 'the top address', text: '255.255.255.255/32', block: { start: 2 ** 32 - 1, end: 2 ** 32 - 1, prefix: 32 } },
    { reason: 'a prefix above 32', text: '10.0.0.0/33', block: undefined },
    { reason: 'a prefix with a leading zero', text: '10.0.0.0/08', block: undefined },
    { reason: 'an octet with a leading zero (octal to ipaddr.js)', text: '010.0.0.0/8', block: undefined },
    { reason: 'shorthand that ipaddr.js would expand', text: '10.1/16', block: undefined },
    { reason: 'a hex octet that ipaddr.js would read', text: '0x0a.0.0.0/8', block: undefined },
    { reason: 'an octet above 255', text: '10.0.0.256/32', block: undefined },
    { reason: 'surrounding space', text: ' 10.0.0.0/8', block: undefined },
    { reason: 'an IPv6 block (not supported by these endpoints)', text: '2001:db8::/32', block: undefined },
    { reason: 'an empty prefix', text: '10.0.0.0/', block: undefined },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(parseCidr(c.text)).toEqual(c.block);
    });
  }

  it('parses addresses with the same strictness', () => {
    expect(parseIpv4('192.168.1.1')).toBe(3232235777);
    expect(parseIpv4('192.168.01.1')).toBeUndefined();
    expect(parseIpv4('192.168.1')).toBeUndefined();
  });
});

describe('overlaps', () => {
  const p = (s: string) => parseCidr(s)!;
  it('is true when the blocks share an address, in either order', () => {
    expect(overlaps(p('100.64.0.0/10'), SERVICE_RANGE)).toBe(true);
    expect(overlaps(SERVICE_RANGE, p('100.255.255.255'))).toBe(true);
    expect(overlaps(p('10.0.0.0/8'), p('10.1.2.0/24'))).toBe(true);
  });
  it('is false for adjacent blocks', () => {
    expect(overlaps(p('99.255.255.0/24'), SERVICE_RANGE)).toBe(false);
    expect(overlaps(p('101.0.0.0/8'), SERVICE_RANGE)).toBe(false);
  });
});
