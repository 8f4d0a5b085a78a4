import { describe, expect, it } from 'vitest';
import { compareSpec, deepEqual } from '../../src/plan/compare.js';

describe('compareSpec', () => {
  const cases = [
    { reason: 'equal specs have no changes', d: { a: 1, b: 'x' }, l: { a: 1, b: 'x' }, want: [] },
    { reason: 'live-only fields are not managed', d: { a: 1 }, l: { a: 1, extra: true }, want: [] },
    { reason: 'undefined desired fields are not managed', d: { a: undefined }, l: { a: 2 }, want: [] },
    { reason: 'a changed field is an update', d: { a: 2 }, l: { a: 1 }, want: [{ path: 'a', before: 1, after: 2, impact: 'update' }] },
    { reason: 'a field missing live shows no before', d: { a: 2 }, l: {}, want: [{ path: 'a', after: 2, impact: 'update' }] },
    { reason: 'object key order is ignored', d: { o: { x: 1, y: 2 } }, l: { o: { y: 2, x: 1 } }, want: [] },
  ];
  for (const c of cases) it(c.reason, () => expect(compareSpec(c.d, c.l)).toEqual(c.want));

  it('tags replace fields and notes, and honours custom equality', () => {
    expect(compareSpec({ f: 'b', g: 'A' }, { f: 'a', g: 'a' }, { replace: ['f'], notes: { f: 'no update API' }, equal: { g: (x, y) => String(x).toLowerCase() === String(y).toLowerCase() } })).toEqual([
      { path: 'f', before: 'a', after: 'b', impact: 'replace', note: 'no update API' },
    ]);
  });

  it('deepEqual distinguishes arrays from objects and array order', () => {
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual([], {})).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});
