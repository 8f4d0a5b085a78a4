/**
 * Shards: the partition of a plan's action graph into slices that separate CI jobs can apply, and
 * the order between them.
 *
 * A shard is every action of one account (`--by account`, id `<alias>`) or of one account and
 * region (`--by account,region`, id `<alias>.<region>`; global actions such as RAM roles have region
 * `global`). Shard A comes before shard B when an action of B depends on one of A (a partner
 * account's RAM role before the source account's cross-account rule). Shards that depend on each
 * other both ways are merged into one (id `a+b`), so the order is a DAG; its stages are its levels:
 * stage 0 needs nothing, stage k needs only shards of earlier stages.
 *
 * Pure: a plan in, the partition out.
 */
import type { Action, Plan } from './model.js';

export type ShardBy = 'account' | 'account,region';

export interface Shard {
  readonly id: string;
  /** The accounts (aliases) whose actions it holds. */
  readonly accounts: readonly string[];
  /** With `--by account,region`: the regions. */
  readonly regions?: readonly string[];
  /** Its action ids, in plan order. */
  readonly actions: readonly string[];
  /** Shards it needs to have finished first (direct). */
  readonly needs: readonly string[];
  readonly stage: number;
}

export interface ShardPartition {
  readonly by: ShardBy;
  readonly shards: readonly Shard[];
  /** Shard ids per stage, in order. */
  readonly stages: readonly (readonly string[])[];
}

function keyOf(a: Pick<Action, 'account' | 'region'>, by: ShardBy): string {
  return by === 'account' ? a.account : `${a.account}.${a.region}`;
}

/** Which `--by` a shard id was made with. */
export function shardByOf(id: string): ShardBy {
  return id.split('+').some((p) => p.includes('.')) ? 'account,region' : 'account';
}

export function partition(plan: Pick<Plan, 'actions'>, by: ShardBy): ShardPartition {
  const keys: string[] = [];
  const members = new Map<string, Action[]>();
  for (const a of plan.actions) {
    const k = keyOf(a, by);
    if (!members.has(k)) {
      members.set(k, []);
      keys.push(k);
    }
    members.get(k)!.push(a);
  }
  const shardOfAction = new Map(plan.actions.map((a) => [a.id, keyOf(a, by)] as const));
  const edges = new Map<string, Set<string>>(keys.map((k) => [k, new Set<string>()]));
  for (const a of plan.actions) {
    const to = keyOf(a, by);
    for (const d of a.dependsOn) {
      const from = shardOfAction.get(d);
      if (from !== undefined && from !== to) edges.get(to)!.add(from);
    }
  }
  // Merge shards that need each other (strongly connected components, Tarjan).
  const comp = new Map<string, number>();
  const comps: string[][] = [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const w of [...edges.get(v)!].sort()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.set(w, comps.length);
        c.push(w);
      } while (w !== v);
      comps.push(c.sort());
    }
  };
  for (const k of [...keys].sort()) if (!index.has(k)) visit(k);
  const idOf = (c: number) => comps[c]!.join('+');
  const needs = new Map<number, Set<number>>(comps.map((_, i) => [i, new Set<number>()]));
  for (const [to, froms] of edges) for (const from of froms) if (comp.get(from) !== comp.get(to)) needs.get(comp.get(to)!)!.add(comp.get(from)!);
  const stage = new Map<number, number>();
  const stageOf = (c: number): number => {
    const s = stage.get(c);
    if (s !== undefined) return s;
    const v = Math.max(-1, ...[...needs.get(c)!].map(stageOf)) + 1;
    stage.set(c, v);
    return v;
  };
  const shards: Shard[] = comps
    .map((c, i) => {
      const actions = plan.actions.filter((a) => c.includes(keyOf(a, by)));
      return {
        id: idOf(i),
        accounts: [...new Set(actions.map((a) => a.account))].sort(),
        ...(by === 'account,region' ? { regions: [...new Set(actions.map((a) => a.region))].sort() } : {}),
        actions: actions.map((a) => a.id),
        needs: [...needs.get(i)!].map(idOf).sort(),
        stage: stageOf(i),
      };
    })
    .sort((a, b) => a.stage - b.stage || a.id.localeCompare(b.id));
  const stages: string[][] = [];
  for (const s of shards) (stages[s.stage] ??= []).push(s.id);
  return { by, shards, stages };
}

/** The actions of a shard that depend on actions outside it: [action, dependency, dependency's shard]. */
export function crossShardNeeds(plan: Pick<Plan, 'actions'>, parts: ShardPartition, shardId: string): { action: string; needs: string; shard: string }[] {
  const shardOf = new Map<string, string>();
  for (const s of parts.shards) for (const a of s.actions) shardOf.set(a, s.id);
  const out: { action: string; needs: string; shard: string }[] = [];
  for (const a of plan.actions) {
    if (shardOf.get(a.id) !== shardId) continue;
    for (const d of a.dependsOn) {
      const s = shardOf.get(d);
      if (s !== undefined && s !== shardId) out.push({ action: a.id, needs: d, shard: s });
    }
  }
  return out;
}
