/**
 * Terraform-style text rendering of a plan, for terminals and logs.
 *
 * Owns: turning a Plan value into text. Pure: must not import `node:` modules or cloud clients;
 * colour is decided by the caller (colourWanted in ./colour.ts) and passed in.
 */
import { diffLines } from 'diff';
import { assertNever } from '../errors.js';
import type { Action, ActionType, FieldChange, Plan, PlanSummary } from '../plan/model.js';
import { formatBytes } from '../plan/units.js';
import { palette } from './colour.js';
import { fillIds, planIds } from './placeholders.js';
import { publicAction, SENSITIVE } from '../plan/sensitive.js';

export interface TextOptions {
  /** ANSI colours; the CLI decides with colourWanted (TTY, NO_COLOR, FORCE_COLOR). */
  readonly color: boolean;
}

/** The mark in the left margin for each action type; tasks and gates have their own. */
export const MARKS: Readonly<Record<ActionType, string>> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  run: '>',
  gate: '!',
};

const VERBS: Readonly<Record<ActionType, string>> = {
  create: 'will be created',
  update: 'will be updated in place',
  replace: 'must be replaced',
  delete: 'will be destroyed',
  run: 'will run as a task',
  gate: 'needs a console-only step (gate)',
};

type Colour = 'green' | 'yellow' | 'red' | 'cyan' | 'magenta' | 'bold' | 'dim';

function paint(on: boolean, colour: Colour, s: string): string {
  return palette(on)[colour](s);
}

function colourOf(type: ActionType): Colour {
  switch (type) {
    case 'create':
      return 'green';
    case 'update':
      return 'yellow';
    case 'replace':
    case 'delete':
      return 'red';
    case 'run':
      return 'cyan';
    case 'gate':
      return 'magenta';
    default:
      return assertNever(type, 'action type');
  }
}

/**
 * Renders a whole plan. The last line is always the `Plan: …` summary. Id placeholders are filled
 * in (src/render/placeholders.ts): an id this plan creates reads `(known after apply)`.
 */
export function renderText(plan: Plan, opts: TextOptions): string {
  const ids = planIds(plan);
  const fill = (line: string) => fillIds(line, ids);
  const out: string[] = [];
  if (plan.actions.length === 0) {
    out.push('No changes. The live estate matches the configuration.');
  } else {
    out.push('acrctl will perform the following actions (listed by address; `acrctl graph` shows the order):', '');
    for (const action of plan.actions) out.push(...renderAction(action, opts).map(fill), '');
  }
  if (plan.unmanaged.length > 0) {
    out.push(
      `Unmanaged objects (live but not in ${plan.configFile}; kept unless their container sets prune: true):`,
    );
    for (const u of plan.unmanaged) out.push(`  ${paint(opts.color, 'dim', '?')} ${u.id}  (${u.kind}; container ${u.container})`);
    out.push('');
  }
  if (plan.findings.length > 0) {
    out.push('Findings:');
    for (const f of plan.findings) out.push(`  ${f.severity}[${f.id}]: ${f.where ? `${f.where}: ` : ''}${f.message}`);
    out.push('');
  }
  if (plan.outputs.length > 0) {
    out.push('Outputs (to do after apply):');
    for (const o of plan.outputs) {
      out.push(`  ${fill(o.title)}:`);
      for (const line of o.lines) out.push(`    ${fill(line)}`);
    }
    out.push('');
  }
  const copies = copyTotals(plan.actions);
  if (copies.images > 0) out.push(copyLine(copies));
  out.push(summaryLine(plan.summary));
  return `${out.join('\n')}\n`;
}

/**
 * Image copies in a plan: `run` actions whose `after.copyBytes` says how many bytes the copy moves
 * at most (image imports). Display only.
 */
export function copyTotals(actions: readonly Action[]): { images: number; bytes: number } {
  let images = 0;
  let bytes = 0;
  for (const a of actions) {
    const n = a.type === 'run' ? a.after?.['copyBytes'] : undefined;
    if (typeof n !== 'number') continue;
    images++;
    bytes += n;
  }
  return { images, bytes };
}

/** `Images to copy: 3 (24.6 MB).` */
export function copyLine(t: { images: number; bytes: number }): string {
  return `Images to copy: ${t.images} (${formatBytes(t.bytes)}).`;
}

/** `Plan: N to add, N to change, N to destroy, N tasks, N gates.` */
export function summaryLine(s: PlanSummary): string {
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy, ${s.tasks} ${s.tasks === 1 ? 'task' : 'tasks'}, ${s.gates} ${s.gates === 1 ? 'gate' : 'gates'}.`;
}

/** One action: a comment line, the marked address, then its fields (sensitive ones as `(sensitive)`). */
export function renderAction(input: Action, opts: TextOptions): string[] {
  const action = publicAction(input);
  const c = colourOf(action.type);
  const mark = MARKS[action.type];
  const where = [action.account, action.region].join(', ');
  const ids = action.type === 'delete' ? idsOf(action) : '';
  const lines = [
    paint(opts.color, 'bold', `  # ${action.id} (${where}) ${VERBS[action.type]}${ids ? ` [${ids}]` : ''}`),
  ];
  if (action.reason) lines.push(`  # (${action.reason})`);
  lines.push(`${paint(opts.color, c, mark.padStart(3))} ${action.id}${action.summary ? `: ${action.summary}` : ''}`);
  const width = fieldWidth(action);
  switch (action.type) {
    case 'create':
      for (const [k, v] of sortedEntries(action.after)) lines.push(...renderValue('+', k, v, width, opts, 'green'));
      break;
    case 'delete':
      for (const [k, v] of sortedEntries(action.before)) lines.push(...renderValue('-', k, v, width, opts, 'red'));
      break;
    case 'update':
    case 'replace':
      for (const ch of action.changes) lines.push(...renderChange(ch, width, opts));
      break;
    case 'run':
      // Image copies come by the thousand: one line each besides the summary (JSON has every field).
      if (typeof action.after?.['copyBytes'] === 'number') {
        lines.push(`      from ${String(action.after['source'] ?? '?')} @ ${String(action.after['digest'] ?? '?')}`);
        break;
      }
      for (const [k, v] of sortedEntries(action.after)) lines.push(...renderValue(' ', k, v, width, opts, 'cyan'));
      break;
    case 'gate':
      if (action.gate) {
        lines.push('      what to do:');
        action.gate.instructions.forEach((step, i) => lines.push(`        ${i + 1}. ${step}`));
        lines.push(`      verified by: ${action.gate.verification}`);
      }
      break;
    default:
      assertNever(action.type, 'action type');
  }
  return lines;
}

function fieldWidth(action: Action): number {
  const keys =
    action.type === 'update' || action.type === 'replace'
      ? action.changes.map((c) => c.path)
      : Object.keys((action.type === 'delete' ? action.before : action.after) ?? {}).filter((k) => k !== 'ids');
  return Math.min(30, keys.reduce((w, k) => Math.max(w, k.length), 0));
}

/** `instanceId cri-…, repoId crr-…`: the cloud ids a delete acts on, for the reviewer. */
function idsOf(action: Action): string {
  const ids = action.ids;
  if (!ids) return '';
  return Object.entries(ids)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

/** Fields to list, sorted; `ids` is shown on the comment line instead. */
function sortedEntries(obj: Readonly<Record<string, unknown>> | undefined): [string, unknown][] {
  return Object.entries(obj ?? {})
    .filter(([k, v]) => v !== undefined && k !== 'ids')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function renderValue(
  mark: string,
  key: string,
  value: unknown,
  width: number,
  opts: TextOptions,
  colour: Colour,
): string[] {
  const text = formatValue(value);
  const [first, ...rest] = text.split('\n');
  return [
    `      ${paint(opts.color, colour, mark)} ${key.padEnd(width)} = ${first ?? ''}`,
    ...rest.map((l) => `        ${' '.repeat(width)}   ${l}`),
  ];
}

function renderChange(ch: FieldChange, width: number, opts: TextOptions): string[] {
  const forces = ch.impact === 'replace' ? paint(opts.color, 'red', ' # forces replacement') : '';
  const note = ch.note ? paint(opts.color, 'dim', ` (${ch.note})`) : '';
  if (ch.before === undefined) {
    return renderValue('+', ch.path, ch.after, width, opts, 'green').map((l, i) => (i === 0 ? l + forces + note : l));
  }
  if (ch.after === undefined) {
    return renderValue('-', ch.path, ch.before, width, opts, 'red').map((l, i) => (i === 0 ? l + forces + note : l));
  }
  const before = formatValue(ch.before);
  const after = formatValue(ch.after);
  if (!before.includes('\n') && !after.includes('\n')) {
    return [`      ${paint(opts.color, 'yellow', '~')} ${ch.path.padEnd(width)} = ${before} -> ${after}${forces}${note}`];
  }
  // Multi-line values (policy documents): a line diff, so a reviewer sees exactly what moves.
  const lines = [`      ${paint(opts.color, 'yellow', '~')} ${ch.path}${forces}${note}`];
  for (const part of diffLines(before, after)) {
    const mark = part.added ? '+' : part.removed ? '-' : ' ';
    const colour: Colour = part.added ? 'green' : part.removed ? 'red' : 'dim';
    for (const l of part.value.replace(/\n$/, '').split('\n')) lines.push(`          ${paint(opts.color, colour, `${mark} ${l}`)}`);
  }
  return lines;
}

/** Formats a value for display: strings quoted, objects as indented JSON with sorted keys; a masked value as `(sensitive)`. */
export function formatValue(value: unknown): string {
  if (value === SENSITIVE) return SENSITIVE;
  if (typeof value === 'string') {
    // A JSON document held in a string (RAM policies) is shown pretty, so diffs are per line.
    if (/^\s*[{[]/.test(value)) {
      try {
        return JSON.stringify(sortKeys(JSON.parse(value)), null, 2);
      } catch {
        // not JSON after all: fall through and quote it
      }
    }
    return JSON.stringify(value);
  }
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
