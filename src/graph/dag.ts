/**
 * A generic directed acyclic graph of string-keyed nodes. It knows nothing of resources or actions:
 * the planner adds nodes and "must happen before" edges, and asks for an order, the cycle that makes
 * an order impossible, or the critical path.
 *
 * Owns: graph algorithms only. Must not import any `node:` module, cloud client or kind.
 * Determinism: every result is a pure function of the nodes and edges added, independent of the
 * order they were added in (ties are broken by node id, in code-point order).
 */
import { AcrctlError } from '../errors.js';

/** An edge `from → to` means `from` must finish before `to` starts. */
export interface Edge {
  readonly from: string;
  readonly to: string;
}

export class Dag {
  readonly #succ = new Map<string, Set<string>>();
  readonly #pred = new Map<string, Set<string>>();

  /** Adds a node; adding one twice is a no-op. */
  addNode(id: string): void {
    if (!this.#succ.has(id)) {
      this.#succ.set(id, new Set());
      this.#pred.set(id, new Set());
    }
  }

  /** Adds `from → to`, creating either node if needed. Self-edges are refused: they are always a bug. */
  addEdge(from: string, to: string): void {
    if (from === to) throw new AcrctlError('graph.self_edge', `action ${from} cannot depend on itself`);
    this.addNode(from);
    this.addNode(to);
    this.#succ.get(from)!.add(to);
    this.#pred.get(to)!.add(from);
  }

  has(id: string): boolean {
    return this.#succ.has(id);
  }

  get size(): number {
    return this.#succ.size;
  }

  /** Node ids, sorted. */
  nodes(): string[] {
    return [...this.#succ.keys()].sort(compare);
  }

  /** Edges sorted by (from, to). */
  edges(): Edge[] {
    const out: Edge[] = [];
    for (const from of this.nodes()) {
      for (const to of [...this.#succ.get(from)!].sort(compare)) out.push({ from, to });
    }
    return out;
  }

  /** Direct dependencies of `id` (nodes that must finish first), sorted. */
  dependencies(id: string): string[] {
    return [...(this.#pred.get(id) ?? [])].sort(compare);
  }

  /** Direct dependants of `id`, sorted. */
  dependants(id: string): string[] {
    return [...(this.#succ.get(id) ?? [])].sort(compare);
  }

  /** Every node reachable from `id` through dependant edges (not including `id`), sorted. */
  transitiveDependants(id: string): string[] {
    const seen = new Set<string>();
    const stack = [...(this.#succ.get(id) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const s of this.#succ.get(n) ?? []) stack.push(s);
    }
    return [...seen].sort(compare);
  }

  /**
   * A topological order (Kahn's algorithm, smallest id first among the ready nodes).
   * Throws `graph.cycle` naming one cycle when there is none.
   */
  topologicalOrder(): string[] {
    const indegree = new Map<string, number>();
    for (const [id, preds] of this.#pred) indegree.set(id, preds.size);
    const ready = new MinHeap();
    for (const [id, d] of indegree) if (d === 0) ready.push(id);
    const order: string[] = [];
    while (ready.size > 0) {
      const id = ready.pop();
      order.push(id);
      for (const s of this.#succ.get(id)!) {
        const d = indegree.get(s)! - 1;
        indegree.set(s, d);
        if (d === 0) ready.push(s);
      }
    }
    if (order.length !== this.#succ.size) {
      const cycle = this.findCycle();
      throw new AcrctlError('graph.cycle', `the actions form a cycle: ${(cycle ?? []).join(' → ')}`, {
        hint: 'a dependency loop between objects in registry.yaml; break one of the references named above',
      });
    }
    return order;
  }

  /** True when the graph has no cycle. O(V + E), cheaper than an ordered topological sort. */
  isAcyclic(): boolean {
    const indegree = new Map<string, number>();
    const queue: string[] = [];
    for (const [id, preds] of this.#pred) {
      indegree.set(id, preds.size);
      if (preds.size === 0) queue.push(id);
    }
    let seen = 0;
    for (let i = 0; i < queue.length; i++) {
      seen++;
      for (const s of this.#succ.get(queue[i]!)!) {
        const d = indegree.get(s)! - 1;
        indegree.set(s, d);
        if (d === 0) queue.push(s);
      }
    }
    return seen === this.#succ.size;
  }

  /** One cycle as a closed path `[a, b, …, a]`, or undefined when the graph is acyclic. */
  findCycle(): string[] | undefined {
    const colour = new Map<string, 0 | 1 | 2>();
    const parent = new Map<string, string>();
    for (const root of this.nodes()) {
      if (colour.get(root)) continue;
      // Iterative DFS; each frame holds the node and its sorted successors still to visit.
      const stack: { id: string; next: string[] }[] = [{ id: root, next: this.dependants(root).reverse() }];
      colour.set(root, 1);
      while (stack.length > 0) {
        const frame = stack[stack.length - 1]!;
        const n = frame.next.pop();
        if (n === undefined) {
          colour.set(frame.id, 2);
          stack.pop();
          continue;
        }
        const c = colour.get(n) ?? 0;
        if (c === 1) {
          const path = [n];
          for (let at = frame.id; at !== n; at = parent.get(at)!) path.push(at);
          path.push(n);
          return path.reverse();
        }
        if (c === 0) {
          colour.set(n, 1);
          parent.set(n, frame.id);
          stack.push({ id: n, next: this.dependants(n).reverse() });
        }
      }
    }
    return undefined;
  }

  /**
   * The longest path by summed node weight (the critical path): a lower bound on any schedule's
   * makespan whatever the parallelism. Ties go to the smaller id. Returns the path and its length.
   */
  criticalPath(weight: (id: string) => number): { path: string[]; length: number } {
    const order = this.topologicalOrder();
    const best = new Map<string, number>();
    const via = new Map<string, string>();
    for (const id of order) {
      let start = 0;
      let from: string | undefined;
      for (const p of this.dependencies(id)) {
        const b = best.get(p)!;
        if (b > start) {
          start = b;
          from = p;
        }
      }
      best.set(id, start + weight(id));
      if (from !== undefined) via.set(id, from);
    }
    let end: string | undefined;
    let length = 0;
    for (const id of order.slice().sort(compare)) {
      const b = best.get(id)!;
      if (end === undefined || b > length) {
        end = id;
        length = b;
      }
    }
    const path: string[] = [];
    for (let at = end; at !== undefined; at = via.get(at)) path.push(at);
    return { path: path.reverse(), length };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A binary min-heap of strings, so topological order stays O((V + E) log V) on big plans. */
class MinHeap {
  readonly #items: string[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(value: string): void {
    const a = this.#items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compare(a[p]!, a[i]!) <= 0) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  pop(): string {
    const a = this.#items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && compare(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && compare(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
