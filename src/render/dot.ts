/**
 * Graphviz DOT of a plan's action graph: a cluster per account and per instance, the transitively
 * reduced edges (see src/render/picture.ts) and a legend of the marks used. Pure; every id and label
 * is a quoted DOT string, and nodes keep their addresses as ids so other tools can find them.
 */
import type { ActionType, Plan } from '../plan/model.js';
import { LEGEND_TITLE, picture, type PictureGroup } from './picture.js';

const COLOURS: Readonly<Record<ActionType, string>> = {
  create: '#2da44e',
  update: '#bf8700',
  replace: '#cf222e',
  delete: '#cf222e',
  run: '#0969da',
  gate: '#8250df',
};

export function renderDot(plan: Pick<Plan, 'actions'>): string {
  const pic = picture(plan);
  const ids = new Map<string, string>(plan.actions.map((a, i) => [`a${i}`, a.id]));
  const out = ['digraph acrctl {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  const group = (g: PictureGroup, indent: string): void => {
    out.push(`${indent}subgraph ${quote(`cluster_${g.key}`)} {`, `${indent}  label=${quote(g.title)};`);
    for (const n of g.nodes) out.push(`${indent}  ${quote(n.id)} [label=${quote(n.label)}, color=${quote(COLOURS[n.type])}];`);
    for (const inner of g.groups) group(inner, `${indent}  `);
    out.push(`${indent}}`);
  };
  for (const g of pic.groups) group(g, '  ');
  for (const e of pic.edges) out.push(`  ${quote(ids.get(e.from)!)} -> ${quote(ids.get(e.to)!)};`);
  if (pic.legend.length > 0) {
    out.push(`  subgraph "cluster_legend" {`, `    label=${quote(LEGEND_TITLE)};`);
    for (const l of pic.legend) out.push(`    ${quote(`legend:${l.type}`)} [label=${quote(l.label)}, color=${quote(COLOURS[l.type])}];`);
    out.push('  }');
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
