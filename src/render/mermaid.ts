/**
 * Mermaid flowchart of a plan's action graph. Pure. Node ids are positional (`a0`, `a1`, …) so any
 * address is safe; labels are quoted with Mermaid's entity escapes.
 */
import type { Plan } from '../plan/model.js';
import { MARKS } from './text.js';

const CLASS_STYLES = [
  'classDef create fill:#e6ffed,stroke:#2da44e',
  'classDef update fill:#fff8c5,stroke:#bf8700',
  'classDef replace fill:#ffebe9,stroke:#cf222e',
  'classDef delete fill:#ffebe9,stroke:#cf222e',
  'classDef run fill:#ddf4ff,stroke:#0969da',
  'classDef gate fill:#fbefff,stroke:#8250df',
];

export function renderMermaid(plan: Pick<Plan, 'actions'>): string {
  const ids = new Map(plan.actions.map((a, i) => [a.id, `a${i}`] as const));
  const out = ['flowchart LR'];
  for (const a of plan.actions) {
    out.push(`  ${ids.get(a.id)}["${mermaidText(`${MARKS[a.type]} ${a.id}`)}"]:::${a.type}`);
  }
  for (const a of plan.actions) {
    for (const d of a.dependsOn) {
      const from = ids.get(d);
      if (from) out.push(`  ${from} --> ${ids.get(a.id)}`);
    }
  }
  out.push(...CLASS_STYLES.map((s) => `  ${s}`));
  return `${out.join('\n')}\n`;
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
