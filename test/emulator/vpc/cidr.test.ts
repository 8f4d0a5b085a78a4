import { describe, expect, it } from 'vitest';
import { cidrContains, cidrOverlaps, parseCidr, usableAddresses } from '../../../src/emulator/services/vpc/cidr.js';

describe('vpc cidr helpers', () => {
  it.each([
    ['10.0.0.0/8', true, 'canonical /8'],
    ['100.103.7.181/32', true, 'host route'],
    ['0.0.0.0/0', true, 'default route'],
    ['10.0.0.1/8', false, 'host bits set'],
    ['256.0.0.0/8', false, 'octet out of range'],
    ['10.0.0.0/33', false, 'prefix out of range'],
    ['10.0.0.0', false, 'no prefix'],
  ])('parseCidr(%s) valid=%s (%s)', (text, valid) => {
    expect(parseCidr(text) !== undefined).toBe(valid);
  });

  it('containment and overlap', () => {
    const p = (s: string) => parseCidr(s)!;
    expect(cidrContains(p('192.168.0.0/16'), p('192.168.1.0/24'))).toBe(true);
    expect(cidrContains(p('192.168.1.0/24'), p('192.168.0.0/16'))).toBe(false);
    expect(cidrContains(p('0.0.0.0/0'), p('100.64.0.0/10'))).toBe(true);
    expect(cidrOverlaps(p('192.168.1.128/25'), p('192.168.1.0/24'))).toBe(true);
    expect(cidrOverlaps(p('192.168.2.0/24'), p('192.168.1.0/24'))).toBe(false);
    expect(usableAddresses(p('192.168.1.0/24'))).toBe(252);
  });
});
