/** Small core pieces: nonce memory (window and bound), deterministic unique ids, path patterns. */
import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '../../../src/emulator/core/ids.js';
import { NonceCache } from '../../../src/emulator/core/nonces.js';
import { compilePattern, matchPattern, sortPatterns } from '../../../src/emulator/core/routing.js';
import { freshState } from '../../../src/emulator/server.js';

describe('NonceCache', () => {
  it('refuses a nonce within the window and accepts it again after the window', () => {
    const c = new NonceCache(1000, 100);
    expect(c.remember('a', 0)).toBe(true);
    expect(c.remember('a', 1000)).toBe(false);
    expect(c.remember('a', 1001)).toBe(true);
  });

  it('forgets expired nonces and never holds more than its capacity', () => {
    const c = new NonceCache(1000, 50);
    for (let i = 0; i < 500; i++) c.remember(`n${i}`, 0);
    expect(c.size).toBeLessThanOrEqual(51);
    c.remember('late', 5000);
    expect(c.size, 'everything older than the window was dropped').toBe(1);
  });
});

describe('ids', () => {
  it('are unique, shaped <prefix><16 lowercase alphanumerics>, and replay from the same counters', () => {
    const state = freshState();
    const ids = createIdGenerator(state);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = ids.next('cri-');
      expect(id).toMatch(/^cri-[a-z0-9]{16}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
    expect(ids.next('crr-')).not.toBe(ids.next('crr-'));
    expect([ids.seq('order'), ids.seq('order')]).toEqual([1, 2]);
    const again = createIdGenerator({ ...freshState(), counters: {} });
    expect(again.next('cri-')).toBe([...seen][0]);
  });
});

describe('path patterns', () => {
  it('prefers literal segments and decodes parameters', () => {
    const patterns = sortPatterns([
      compilePattern('GET', '/repos/{Ns}/{Name}', 'repo'),
      compilePattern('GET', '/repos/{Ns}/tags', 'literal'),
    ]);
    expect(matchPattern(patterns, 'GET', '/repos/team-a/tags')?.match.value).toBe('literal');
    const m = matchPattern(patterns, 'GET', '/repos/team%2Da/my%20repo');
    expect(m?.match.value).toBe('repo');
    expect(m?.params).toEqual({ Ns: 'team-a', Name: 'my repo' });
    expect(matchPattern(patterns, 'PUT', '/repos/a/b')).toBeUndefined();
    expect(matchPattern(patterns, 'GET', '/repos/a/b/c')).toBeUndefined();
  });
});
