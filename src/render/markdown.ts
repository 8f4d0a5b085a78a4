/**
 * Markdown rendering of a plan for pull-request comments: a summary table, collapsible details per
 * account and instance, findings, outputs and a Mermaid picture of the action graph.
 *
 * Owns: the Markdown view. Pure. Contract: the result never exceeds `maxChars` (default 60,000,
 * under the comment limits of the common pull-request hosts); when the full view does not fit it
 * falls back to one line per action, and then truncates with a note that says so.
 */
import { ACTION_TYPES, type Action, type Plan } from '../plan/model.js';
import { renderMermaid } from './mermaid.js';
import { MARK_MEANINGS } from './picture.js';
import { fillIds, planIds } from './placeholders.js';
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
  const ids = planIds(plan);
  const fill = (line: string) => fillIds(line, ids);
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
    out.push(marksLegend(plan.actions), '');
    if (mode === 'compact') out.push('_The full view is too large for one comment: one line per action._', '');
    for (const [group, actions] of groupActions(plan.actions)) {
      const counts = countTypes(actions);
      out.push(`<details${mode === 'full' && actions.length <= 20 ? ' open' : ''}><summary><b>${escapeHtml(group)}</b>: ${counts}</summary>`, '');
      out.push('```diff');
      if (mode === 'full') {
        for (const a of actions) {
          // A gate's steps are prose: a Markdown list after the block, not lines to scroll sideways.
          const lines = a.gate ? [...renderAction(withoutGate(a), { color: false }), '      (console-only steps: below this block)'] : renderAction(a, { color: false });
          out.push(...lines.map((l) => diffLine(fill(l))), '');
        }
        out.pop();
      } else {
        for (const a of actions) out.push(diffLine(fill(`${MARKS[a.type].padStart(3)} ${a.id}${a.summary ? `: ${a.summary}` : ''}`)));
      }
      out.push('```', '');
      if (mode === 'full') {
        for (const a of actions) {
          if (!a.gate) continue;
          out.push(`**Gate ${code(a.id)}**: what to do`, '');
          a.gate.instructions.forEach((step, i) => out.push(`${i + 1}. ${escapeText(fill(step))}`));
          out.push('', `Verified by: ${escapeText(fill(a.gate.verification))}`, '');
        }
      }
      out.push('</details>', '');
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
    // One list item per line, each as code: hosts lines and records are copied as they are.
    for (const o of plan.outputs) out.push(`**${escapeText(fill(o.title))}**`, '', ...o.lines.map((l) => `- ${code(fill(l))}`), '');
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

function withoutGate(a: Action): Action {
  const { gate: _steps, ...rest } = a;
  return rest;
}

/** `Marks: + create · ~ update in place …`, for the action types the plan has. */
function marksLegend(actions: readonly Action[]): string {
  const present = new Set(actions.map((a) => a.type));
  const marks = ACTION_TYPES.filter((t) => present.has(t)).map((t) => `${code(MARKS[t])} ${MARK_MEANINGS[t]}`);
  return `Marks: ${marks.join(' · ')}.`;
}

/**
 * One line of an action's text rendering, for a \`\`\`diff block, whose first column colours the line
 * (\`+\` green, \`-\` red, \`!\` orange, \`#\` grey). The text view carries a line's mark in column 2
 * (address and comment lines), 6 (fields) or 10 (lines of a multi-line value's diff); the block moves
 * everything two columns left and puts the colour in column 0. Where the colour and the mark are the
 * same character the mark moves into column 0 instead of being written twice (\`+ instance[…]\`,
 * \`+     edition\`); an update keeps its \`~\` behind the orange column (\`! ~ …\`).
 */
function diffLine(line: string): string {
  if (line.startsWith('-/+')) return line;
  const shifted = line.startsWith('  ') ? line.slice(2) : line;
  const m = /^(?:([+~\-!#>])|    ([+~-])|        ([+-])) /.exec(shifted);
  const mark = m?.[1] ?? m?.[2] ?? m?.[3];
  if (mark === undefined) return shifted === '' || shifted.startsWith(' ') ? shifted : ` ${shifted}`;
  const at = m?.[1] !== undefined ? 0 : m?.[2] !== undefined ? 4 : 8;
  const colour = DIFF_COLOUR[mark] ?? ' ';
  if (colour === mark) return at === 0 ? shifted : `${colour}${shifted.slice(1, at)} ${shifted.slice(at + 1)}`;
  if (colour === ' ') return at === 0 ? shifted : ` ${shifted.slice(1)}`;
  return at === 0 ? `${colour} ${shifted}` : `${colour}${shifted.slice(1)}`;
}

/** The diff colour of each mark: tasks (\`>\`) stay uncoloured. */
const DIFF_COLOUR: Readonly<Record<string, string>> = { '+': '+', '-': '-', '~': '!', '!': '!', '#': '#', '>': ' ' };

/** Inline code that survives backticks in its content. */
function code(s: string): string {
  const ticks = (s.match(/`+/g) ?? []).reduce((n, t) => Math.max(n, t.length), 0);
  const fence = '`'.repeat(ticks + 1);
  return ticks === 0 ? `${fence}${s}${fence}` : `${fence} ${s} ${fence}`;
}

/** Prose for Markdown: HTML and emphasis characters escaped, and no list or heading marker at the start. */
function escapeText(s: string): string {
  const t = escapeHtml(s).replace(/[\\`*_[\]|]/g, '\\$&');
  return /^(?:[#+=-]|\d+[.)])/.test(t) ? `\\${t}` : t;
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
