import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Edge } from '../../src/graph/dag.js';
import { transitiveReduction } from '../../src/graph/reduce.js';

/** Every (from, to) pair connected by a path. */
function closure(nodes: readonly string[], edges: readonly Edge[]): Set<string> {
  const succ = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) succ.get(e.from)!.push(e.to);
  const out = new Set<string>();
  for (const n of nodes) {
    const stack = [...succ.get(n)!];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.add(`${n}>${m}`);
      stack.push(...succ.get(m)!);
    }
  }
  return out;
}

/** A seeded random DAG: edges only from lower to higher index, so it is acyclic. */
function randomDag(seed: number, n: number, p: number): { nodes: string[]; edges: Edge[] } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const nodes = Array.from({ length: n }, (_, i) => `n${String(i).padStart(3, '0')}`);
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rnd() < p) edges.push({ from: nodes[i]!, to: nodes[j]! });
  return { nodes, edges };
}

describe('transitiveReduction', () => {
  it('drops an edge another path implies, and keeps the rest', () => {
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'a', to: 'c' },
      { from: 'a', to: 'd' },
    ];
    expect(transitiveReduction(['a', 'b', 'c', 'd'], edges)).toEqual([
      { from: 'a', to: 'b' },
      { from: 'a', to: 'd' },
      { from: 'b', to: 'c' },
    ]);
  });

  it('keeps reachability and is minimal on random DAGs', () => {
    for (const [seed, n, p] of [[1, 12, 0.3], [2, 30, 0.15], [3, 40, 0.5], [4, 25, 0.05]] as const) {
      const { nodes, edges } = randomDag(seed, n, p);
      const reduced = transitiveReduction(nodes, edges);
      const want = closure(nodes, edges);
      expect(closure(nodes, reduced)).toEqual(want);
      // Minimal: without any one kept edge, some pair is no longer connected.
      for (let i = 0; i < reduced.length; i++) {
        const without = reduced.filter((_, j) => j !== i);
        expect(closure(nodes, without).size).toBeLessThan(want.size);
      }
      // Only edges of the input.
      const input = new Set(edges.map((e) => `${e.from}>${e.to}`));
      for (const e of reduced) expect(input.has(`${e.from}>${e.to}`)).toBe(true);
    }
  });

  it('does not depend on the order of nodes or edges, and counts a duplicate edge once', () => {
    const { nodes, edges } = randomDag(9, 20, 0.3);
    const a = transitiveReduction(nodes, edges);
    const b = transitiveReduction([...nodes].reverse(), [...edges, ...edges].reverse());
    expect(b).toEqual(a);
  });

  it('returns the edges of a graph with a cycle unchanged (sorted), and ignores self-edges', () => {
    const edges = [
      { from: 'b', to: 'a' },
      { from: 'a', to: 'b' },
      { from: 'a', to: 'c' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'c' },
    ];
    expect(transitiveReduction([], edges)).toEqual([
      { from: 'a', to: 'b' },
      { from: 'a', to: 'c' },
      { from: 'b', to: 'a' },
      { from: 'b', to: 'c' },
    ]);
  });

  it('reduces the cross-account-replication example from 31 edges to 17', () => {
    const plan = JSON.parse(readFileSync(new URL('../golden/plan/example-cross-account-replication/plan.json', import.meta.url), 'utf8')) as { actions: { id: string; dependsOn: string[] }[] };
    const edges = plan.actions.flatMap((a) => a.dependsOn.map((d) => ({ from: d, to: a.id })));
    expect(edges).toHaveLength(31);
    const reduced = transitiveReduction(plan.actions.map((a) => a.id), edges);
    expect(reduced).toHaveLength(17);
    // The rule still visibly waits for its role through the attachment, and for its target namespace.
    expect(reduced).toContainEqual({ from: 'account[partner].ram-attachment[aliyuncontainerregistrycrossaccoutsyncrole/AcrctlCrossAccountSync]', to: 'instance[hz-main].replication[team-a-to-partner]' });
    expect(reduced).toContainEqual({ from: 'instance[partner-bj].namespace[team-a]', to: 'instance[hz-main].replication[team-a-to-partner]' });
    expect(reduced).not.toContainEqual({ from: 'instance[hz-main]', to: 'instance[hz-main].replication[team-a-to-partner]' });
  });
});
