/**
 * Did-you-mean: the edit distance is the optimal-string-alignment variant on purpose (see
 * src/config/suggest.ts for the measurement), so swapped letters in short keys still get a suggestion.
 */
import { describe, expect, it } from 'vitest';
import { closest, levenshtein } from '../../src/config/suggest.js';

/** The textbook full-matrix definition, to check the three-row implementation against. */
function reference(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('closest', () => {
  const cases: readonly { reason: string; input: string; candidates: string[]; expected: string | undefined }[] = [
    { reason: 'a swap in a four-letter key (plain Levenshtein: 2, over the budget of 1)', input: 'nmae', candidates: ['name', 'summary', 'type'], expected: 'name' },
    { reason: 'a swap in an enum value', input: 'PIRVATE', candidates: ['PUBLIC', 'PRIVATE'], expected: 'PRIVATE' },
    { reason: 'a swap in a short key', input: 'cdir', candidates: ['cidr', 'description'], expected: 'cidr' },
    { reason: 'two swaps in a long key', input: 'vpcEdnpoinst', candidates: ['vpcEndpoints', 'internetEndpoint'], expected: 'vpcEndpoints' },
    { reason: 'a swap and nothing near', input: 'xq', candidates: ['to', 'from'], expected: undefined },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(closest(c.input, c.candidates)).toBe(c.expected);
    });
  }
});

describe('levenshtein', () => {
  it('equals the full-matrix definition on 3000 random pairs', () => {
    let seed = 0x1234567;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const alphabet = 'abcab-_Aé';
    const word = () => Array.from({ length: rnd(9) }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let k = 0; k < 3000; k++) {
      const a = word();
      const b = word();
      expect(levenshtein(a, b), `${a} ${b}`).toBe(reference(a, b));
    }
  });
});
