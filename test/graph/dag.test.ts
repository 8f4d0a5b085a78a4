import { describe, expect, it } from 'vitest';
import { AcrctlError } from '../../src/errors.js';
import { Dag } from '../../src/graph/dag.js';

function build(edges: readonly (readonly [string, string])[], nodes: readonly string[] = []): Dag {
  const g = new Dag();
  for (const n of nodes) g.addNode(n);
  for (const [a, b] of edges) g.addEdge(a, b);
  return g;
}

describe('Dag.topologicalOrder', () => {
  const cases: { reason: string; edges: [string, string][]; nodes?: string[]; want: string[] }[] = [
    { reason: 'an empty graph has an empty order', edges: [], want: [] },
    { reason: 'isolated nodes come out sorted by id', edges: [], nodes: ['c', 'a', 'b'], want: ['a', 'b', 'c'] },
    {
      reason: 'instance before namespace before repository before sync rule',
      edges: [
        ['ns', 'repo'],
        ['inst', 'ns'],
        ['repo', 'rule'],
      ],
      want: ['inst', 'ns', 'repo', 'rule'],
    },
    {
      reason: 'among ready nodes the smallest id goes first, whatever the insertion order',
      edges: [
        ['r', 'z'],
        ['r', 'a'],
        ['a', 'm'],
      ],
      want: ['r', 'a', 'm', 'z'],
    },
    {
      reason: 'a diamond waits for both branches',
      edges: [
        ['top', 'left'],
        ['top', 'right'],
        ['left', 'bottom'],
        ['right', 'bottom'],
      ],
      want: ['top', 'left', 'right', 'bottom'],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(build(c.edges, c.nodes).topologicalOrder()).toEqual(c.want);
    });
  }

  it('is independent of insertion order', () => {
    const edges: [string, string][] = [
      ['a', 'd'],
      ['b', 'd'],
      ['c', 'e'],
      ['d', 'e'],
      ['x', 'y'],
    ];
    const forward = build(edges).topologicalOrder();
    const backward = build([...edges].reverse()).topologicalOrder();
    expect(backward).toEqual(forward);
  });

  it('names the cycle when there is one', () => {
    const g = build([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
      ['c', 'd'],
    ]);
    expect(g.findCycle()).toEqual(['a', 'b', 'c', 'a']);
    let caught: unknown;
    try {
      g.topologicalOrder();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AcrctlError);
    expect((caught as AcrctlError).code).toBe('graph.cycle');
    expect((caught as AcrctlError).message).toContain('a → b → c → a');
  });

  it('finds a cycle reached only through an acyclic prefix', () => {
    const g = build([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'b'],
    ]);
    expect(g.findCycle()).toEqual(['b', 'c', 'b']);
  });

  it('reports no cycle on a DAG', () => {
    expect(build([['a', 'b']]).findCycle()).toBeUndefined();
  });

  it('refuses a self edge', () => {
    expect(() => build([['a', 'a']])).toThrow(/cannot depend on itself/);
  });

  it('handles 100,000 nodes in a chain without recursion limits', () => {
    const g = new Dag();
    for (let i = 1; i < 100_000; i++) g.addEdge(`n${String(i - 1).padStart(6, '0')}`, `n${String(i).padStart(6, '0')}`);
    const order = g.topologicalOrder();
    expect(order.length).toBe(100_000);
    expect(order[0]).toBe('n000000');
    expect(order.at(-1)).toBe('n099999');
    expect(g.findCycle()).toBeUndefined();
  });
});

describe('Dag.criticalPath', () => {
  it('follows the heaviest chain', () => {
    const g = build([
      ['inst', 'ns'],
      ['ns', 'repo'],
      ['inst', 'link'],
      ['link', 'import'],
    ]);
    const w: Record<string, number> = { inst: 60, ns: 1, repo: 1, link: 30, import: 5 };
    expect(g.criticalPath((id) => w[id]!)).toEqual({ path: ['inst', 'link', 'import'], length: 95 });
  });

  it('is empty on an empty graph', () => {
    expect(new Dag().criticalPath(() => 1)).toEqual({ path: [], length: 0 });
  });
});

describe('Dag neighbours', () => {
  it('lists dependencies, dependants and transitive dependants sorted', () => {
    const g = build([
      ['a', 'c'],
      ['b', 'c'],
      ['c', 'd'],
      ['c', 'e'],
      ['e', 'f'],
    ]);
    expect(g.dependencies('c')).toEqual(['a', 'b']);
    expect(g.dependants('c')).toEqual(['d', 'e']);
    expect(g.transitiveDependants('a')).toEqual(['c', 'd', 'e', 'f']);
    expect(g.edges()[0]).toEqual({ from: 'a', to: 'c' });
    expect(g.size).toBe(6);
  });
});

describe('Dag.isAcyclic', () => {
  it('agrees with findCycle', () => {
    expect(build([['a', 'b'], ['b', 'c']]).isAcyclic()).toBe(true);
    expect(build([['a', 'b'], ['b', 'c'], ['c', 'a']]).isAcyclic()).toBe(false);
    expect(new Dag().isAcyclic()).toBe(true);
  });
});
