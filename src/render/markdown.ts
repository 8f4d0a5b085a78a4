/**
 * Markdown rendering of a plan for pull-request comments: a summary table, collapsible details per
 * account and instance, findings, outputs and a Mermaid picture of the action graph.
 *
 * Owns: the Markdown view. Pure. Contract: the result never exceeds `maxChars` (default 60,000,
 * under the comment limits of the common pull-request hosts); when the full view does not fit it
 * falls back to one line per action, and then truncates with a note that says so.
 */
import type { Action, Plan } from '../plan/model.js';
import { renderMermaid } from './mermaid.js';
import { copyLine, copyTotals, MARKS, renderAction, summaryLine } from './text.js';

export interface MarkdownOptions {
  readonly maxChars?: number;
  /** Largest graph drawn in Mermaid; bigger graphs get a note instead (renderers choke on them). */
  readonly maxGraphNodes?: number;
}

export const DEFAULT_MARKDOWN_LIMIT = 60_000;

/** Groups actions by `account / instance` (or `account / region` outside instances), in order. */
export function groupActions(actions: readonly Action[]): Map<string, Action[]> {
  const groups = new Map<string, Action[]>();
  for (const a of actions) {
    const key = a.instance ? `${a.account} / instance ${a.instance} (${a.region})` : `${a.account} / ${a.region}`;
    const list = groups.get(key) ?? [];
    list.push(a);
    groups.set(key, list);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function renderMarkdown(plan: Plan, opts: MarkdownOptions = {}): string {
  const max = opts.maxChars ?? DEFAULT_MARKDOWN_LIMIT;
  // Every action takes well over 60 characters in the full view: skip composing what cannot fit.
  if (plan.actions.length * 60 <= max) {
    const full = compose(plan, 'full', opts);
    if (full.length <= max) return full;
  }
  const compact = compose(plan, 'compact', opts);
  if (compact.length <= max) return compact;
  return truncate(compact, max, plan);
}

function compose(plan: Plan, mode: 'full' | 'compact', opts: MarkdownOptions): string {
  const s = plan.summary;
  const out: string[] = ['### acrctl plan', ''];
  if (plan.actions.length === 0) {
    out.push('**No changes.** The live estate matches the configuration.', '');
  } else {
    out.push(
      '| add | change | destroy | tasks | gates |',
      '|---:|---:|---:|---:|---:|',
      `| ${s.add} | ${s.change} | ${s.destroy} | ${s.tasks} | ${s.gates} |`,
      '',
    );
    const copies = copyTotals(plan.actions);
    if (copies.images > 0) out.push(`**${copyLine(copies)}**`, '');
    if (s.gates > 0) {
      out.push(`> [!IMPORTANT]\n> This plan has ${s.gates} gate${s.gates === 1 ? '' : 's'}: console-only steps a human must take. Apply stops there with instructions and continues with \`acrctl apply --resume\`.`, '');
    }
    if (s.destroy > 0) out.push(`> [!WARNING]\n> This plan destroys ${s.destroy} object${s.destroy === 1 ? '' : 's'}.`, '');
    if (mode === 'compact') out.push('_The full view is too large for one comment: one line per action._', '');
    for (const [group, actions] of groupActions(plan.actions)) {
      const counts = countTypes(actions);
      out.push(`<details${mode === 'full' && actions.length <= 20 ? ' open' : ''}><summary><b>${escapeHtml(group)}</b>: ${counts}</summary>`, '');
      out.push('```diff');
      if (mode === 'full') {
        for (const a of actions) out.push(...renderAction(a, { color: false }).map(diffMargin), '');
      } else {
        for (const a of actions) out.push(diffMargin(`${MARKS[a.type].padStart(3)} ${a.id}${a.summary ? `: ${a.summary}` : ''}`));
      }
      out.push('```', '', '</details>', '');
    }
  }
  if (plan.unmanaged.length > 0) {
    out.push(`<details><summary><b>Unmanaged objects</b>: ${plan.unmanaged.length} (kept unless their container sets <code>prune: true</code>)</summary>`, '');
    for (const u of plan.unmanaged) out.push(`- \`${u.id}\` (${u.kind})`);
    out.push('', '</details>', '');
  }
  if (plan.findings.length > 0) {
    out.push('#### Findings', '', '| severity | id | where | message |', '|---|---|---|---|');
    for (const f of plan.findings) out.push(`| ${f.severity} | \`${f.id}\` | ${f.where ? `\`${f.where}\`` : ''} | ${escapeCell(f.message)} |`);
    out.push('');
  }
  if (plan.outputs.length > 0) {
    out.push('#### After apply', '');
    for (const o of plan.outputs) out.push(`**${escapeHtml(o.title)}**`, '', '```', ...o.lines, '```', '');
  }
  if (plan.actions.length > 0) {
    const maxNodes = opts.maxGraphNodes ?? 150;
    out.push('<details><summary><b>Action graph</b></summary>', '');
    if (plan.actions.length <= maxNodes && mode === 'full') {
      out.push('```mermaid', renderMermaid(plan).trimEnd(), '```');
    } else {
      out.push(`_${plan.actions.length} actions: too many to draw here. Run \`acrctl graph --format dot\` locally._`);
    }
    out.push('', '</details>', '');
  }
  out.push(`\`${summaryLine(plan.summary)}\``, '');
  return out.join('\n');
}

/**
 * In a ```diff block the first column colours the line: put a colour mark there (`+` green, `-` red,
 * `!` orange, `#` grey) and keep the rest of the line, indentation included.
 */
function diffMargin(line: string): string {
  const m = /^\s*(-\/\+|[+~\->!#])/.exec(line);
  const mark = m?.[1];
  const col = mark === '+' ? '+' : mark === '-' || mark === '-/+' ? '-' : mark === '~' ? '!' : mark === undefined ? ' ' : '#';
  return line.startsWith(' ') ? col + line.slice(1) : `${col}${line}`;
}

function countTypes(actions: readonly Action[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${n} ${t}`).join(', ');
}

function truncate(text: string, max: number, plan: Plan): string {
  const note = `\n\n> [!CAUTION]\n> Truncated: the plan has ${plan.actions.length} actions and does not fit in one comment. Download the plan artefact or run \`acrctl plan\` to see it all.\n\n\`${summaryLine(plan.summary)}\`\n`;
  const budget = max - note.length;
  let cut = text.lastIndexOf('\n', budget);
  if (cut < 0) cut = budget;
  let head = text.slice(0, cut);
  // Close an open code fence and details block so the comment still renders.
  if ((head.match(/^```/gm) ?? []).length % 2 === 1) head += '\n```';
  if ((head.match(/<details/g) ?? []).length > (head.match(/<\/details>/g) ?? []).length) head += '\n</details>';
  return (head + note).slice(0, max);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeCell(s: string): string {
  return escapeHtml(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
