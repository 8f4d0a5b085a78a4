/**
 * Transitive reduction of a DAG, for pictures: the fewest edges with the same reachability. An edge
 * `a → c` is left out when another path `a → b → … → c` already says that `a` comes before `c`.
 * The plan keeps every dependency (`dependsOn` stays complete, apply needs it); only drawings use
 * this, so that a tangle of implied edges does not hide the order.
 *
 * Owns: the reduction only. Pure; no `node:` imports. Deterministic: the result is sorted by
 * (from, to) whatever the input order.
 * Cost: each node unions its successors' descendant sets, in reverse topological order; plan graphs
 * are shallow hierarchies (instance → namespace → repository, rules behind roles), so this stays
 * close to linear in the edges times the depth.
 */
import type { Edge } from './dag.js';

/**
 * The transitive reduction of the graph `nodes` + `edges` (edges naming unknown nodes add them;
 * duplicate edges count once). A graph with a cycle has no unique reduction: its edges come back
 * unchanged (deduplicated and sorted), so a drawing of a broken plan still shows everything.
 */
export function transitiveReduction(nodes: Iterable<string>, edges: Iterable<Edge>): Edge[] {
  const index = new Map<string, number>();
  const names: string[] = [];
  const id = (n: string): number => {
    let i = index.get(n);
    if (i === undefined) {
      i = names.length;
      index.set(n, i);
      names.push(n);
    }
    return i;
  };
  for (const n of nodes) id(n);
  const succ: Set<number>[] = [];
  for (const e of edges) {
    if (e.from === e.to) continue;
    const f = id(e.from);
    const t = id(e.to);
    (succ[f] ??= new Set()).add(t);
  }
  for (let i = 0; i < names.length; i++) succ[i] ??= new Set();

  const order = topological(succ);
  const kept: Edge[] = [];
  if (order === undefined) {
    for (let f = 0; f < names.length; f++) for (const t of succ[f]!) kept.push({ from: names[f]!, to: names[t]! });
    return kept.sort(byEdge);
  }
  // desc[n]: every node reachable from n, n excluded. Filled from the sinks up; a set is dropped
  // once every predecessor of its node has used it, and sinks share one empty set.
  const desc: (ReadonlySet<number> | undefined)[] = new Array<ReadonlySet<number> | undefined>(names.length);
  const waiting = new Array<number>(names.length).fill(0);
  for (const s of succ) for (const t of s) waiting[t]!++;
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const next = succ[n]!;
    if (next.size === 0) {
      desc[n] = EMPTY;
      continue;
    }
    const reach = new Set<number>();
    for (const s of next) for (const d of desc[s]!) reach.add(d);
    // In a DAG s is never its own descendant, so an edge is implied exactly when another
    // successor reaches it.
    for (const s of next) if (!reach.has(s)) kept.push({ from: names[n]!, to: names[s]! });
    for (const s of next) {
      reach.add(s);
      if (--waiting[s]! === 0) desc[s] = undefined;
    }
    desc[n] = reach;
  }
  return kept.sort(byEdge);
}

const EMPTY: ReadonlySet<number> = new Set<number>();

/** Kahn's order, or undefined when there is a cycle. */
function topological(succ: readonly Set<number>[]): number[] | undefined {
  const indegree = new Array<number>(succ.length).fill(0);
  for (const s of succ) for (const t of s) indegree[t]!++;
  const queue: number[] = [];
  for (let i = 0; i < succ.length; i++) if (indegree[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    for (const t of succ[queue[q]!]!) if (--indegree[t]! === 0) queue.push(t);
  }
  return queue.length === succ.length ? queue : undefined;
}

function byEdge(a: Edge, b: Edge): number {
  return a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0;
}
