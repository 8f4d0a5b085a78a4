/**
 * Mermaid flowchart of a plan's action graph: a box per account and per instance, the transitively
 * reduced edges (see src/render/picture.ts) and a legend of the marks used. Pure. Node and box ids
 * are positional (`a0`, `g0`, …) so any address is safe; labels are quoted with Mermaid's entity
 * escapes.
 */
import type { Plan } from '../plan/model.js';
import { LEGEND_TITLE, picture, type PictureGroup } from './picture.js';

const CLASS_STYLES = [
  'classDef create fill:#e6ffed,stroke:#2da44e',
  'classDef update fill:#fff8c5,stroke:#bf8700',
  'classDef replace fill:#ffebe9,stroke:#cf222e',
  'classDef delete fill:#ffebe9,stroke:#cf222e',
  'classDef run fill:#ddf4ff,stroke:#0969da',
  'classDef gate fill:#fbefff,stroke:#8250df',
];

export function renderMermaid(plan: Pick<Plan, 'actions'>): string {
  const pic = picture(plan);
  const out = ['flowchart LR'];
  const group = (g: PictureGroup, indent: string): void => {
    out.push(`${indent}subgraph ${g.key}["${mermaidText(g.title)}"]`);
    for (const n of g.nodes) out.push(`${indent}  ${n.key}["${mermaidText(n.label)}"]:::${n.type}`);
    for (const inner of g.groups) group(inner, `${indent}  `);
    out.push(`${indent}end`);
  };
  for (const g of pic.groups) group(g, '  ');
  for (const e of pic.edges) out.push(`  ${e.from} --> ${e.to}`);
  if (pic.legend.length > 0) {
    out.push(`  subgraph legend["${mermaidText(LEGEND_TITLE)}"]`);
    for (const l of pic.legend) out.push(`    legend_${l.type}["${mermaidText(l.label)}"]:::${l.type}`);
    out.push('  end');
  }
  out.push(...CLASS_STYLES.map((s) => `  ${s}`));
  return `${out.join('\n')}\n`;
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
