/** Graphviz DOT of a plan's action graph. Pure; every label is a quoted DOT string. */
import type { ActionType, Plan } from '../plan/model.js';
import { MARKS } from './text.js';

const COLOURS: Readonly<Record<ActionType, string>> = {
  create: '#2da44e',
  update: '#bf8700',
  replace: '#cf222e',
  delete: '#cf222e',
  run: '#0969da',
  gate: '#8250df',
};

export function renderDot(plan: Pick<Plan, 'actions'>): string {
  const out = ['digraph acrctl {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  for (const a of plan.actions) {
    out.push(`  ${quote(a.id)} [label=${quote(`${MARKS[a.type]} ${a.id}`)}, color=${quote(COLOURS[a.type])}];`);
  }
  for (const a of plan.actions) for (const d of a.dependsOn) out.push(`  ${quote(d)} -> ${quote(a.id)};`);
  out.push('}');
  return `${out.join('\n')}\n`;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
