/**
 * What the Mermaid and DOT pictures of a plan draw, computed once for both: one box per account,
 * one box per instance inside its account, the actions in them (labelled relative to their box),
 * the edges of the transitively reduced action graph, and the legend of the marks the plan uses.
 *
 * Owns: the picture's content; the two renderers only spell it. Pure. The plan's `dependsOn` stays
 * complete (apply needs every edge); only the drawing leaves out edges another path implies.
 */
import { transitiveReduction } from '../graph/reduce.js';
import { ACTION_TYPES, segment, type ActionType, type Plan } from '../plan/model.js';
import { MARKS } from './text.js';

export interface PictureNode {
  /** Positional id (`a0`, `a1`, … in plan order), safe in any syntax. */
  readonly key: string;
  /** The action's address. */
  readonly id: string;
  readonly type: ActionType;
  /** Mark and address, relative to the enclosing box (`+ namespace[team-a]` inside instance hz). */
  readonly label: string;
}

export interface PictureGroup {
  /** Positional id (`g0`, `g1`, …). */
  readonly key: string;
  readonly title: string;
  readonly nodes: readonly PictureNode[];
  readonly groups: readonly PictureGroup[];
}

export interface Picture {
  /** One group per account, sorted by alias; instances nested inside, sorted by alias. */
  readonly groups: readonly PictureGroup[];
  /** Reduced edges between node keys, `from` first: `from` must finish before `to` starts. */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  /** The legend: one entry per action type present, in the closed order of ACTION_TYPES. */
  readonly legend: readonly { readonly type: ActionType; readonly label: string }[];
}

/** What each mark means, for the legend. */
export const MARK_MEANINGS: Readonly<Record<ActionType, string>> = {
  create: 'create',
  update: 'update in place',
  replace: 'replace (delete, then create)',
  delete: 'delete',
  run: 'task (runs once)',
  gate: 'gate (a console-only step)',
};

/** The legend's title; it also says what an arrow means. */
export const LEGEND_TITLE = 'Legend: A → B means A finishes before B starts';

export function picture(plan: Pick<Plan, 'actions'>): Picture {
  const keys = new Map(plan.actions.map((a, i) => [a.id, `a${i}`] as const));
  const accounts = new Map<string, { loose: PictureNode[]; instances: Map<string, { region: string; nodes: PictureNode[] }> }>();
  const prefixes = new Map<string, string>();
  const prefixOf = (kind: 'instance' | 'account', name: string): string => {
    const key = `${kind}\u0000${name}`;
    let p = prefixes.get(key);
    if (p === undefined) prefixes.set(key, (p = `${segment(kind, name)}.`));
    return p;
  };
  for (const a of plan.actions) {
    let acc = accounts.get(a.account);
    if (acc === undefined) accounts.set(a.account, (acc = { loose: [], instances: new Map() }));
    const prefix = a.instance !== undefined ? prefixOf('instance', a.instance) : prefixOf('account', a.account);
    const relative = a.id.startsWith(prefix) ? a.id.slice(prefix.length) : a.id;
    const node: PictureNode = { key: keys.get(a.id)!, id: a.id, type: a.type, label: `${MARKS[a.type]} ${relative}` };
    if (a.instance === undefined) {
      acc.loose.push(node);
    } else {
      let inst = acc.instances.get(a.instance);
      if (inst === undefined) acc.instances.set(a.instance, (inst = { region: a.region, nodes: [] }));
      inst.nodes.push(node);
    }
  }
  let g = 0;
  const groups: PictureGroup[] = [...accounts.keys()].sort(compare).map((alias) => {
    const acc = accounts.get(alias)!;
    const key = `g${g++}`;
    const instances = [...acc.instances.keys()].sort(compare).map((name): PictureGroup => {
      const inst = acc.instances.get(name)!;
      return { key: `g${g++}`, title: `instance ${name} (${inst.region})`, nodes: inst.nodes, groups: [] };
    });
    return { key, title: `account ${alias}`, nodes: acc.loose, groups: instances };
  });
  const edges = transitiveReduction(
    plan.actions.map((a) => a.id),
    plan.actions.flatMap((a) => a.dependsOn.filter((d) => keys.has(d)).map((d) => ({ from: d, to: a.id }))),
  ).map((e) => ({ from: keys.get(e.from)!, to: keys.get(e.to)! }));
  const present = new Set(plan.actions.map((a) => a.type));
  const legend = ACTION_TYPES.filter((t) => present.has(t)).map((type) => ({ type, label: `${MARKS[type]} ${MARK_MEANINGS[type]}` }));
  return { groups, edges, legend };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
