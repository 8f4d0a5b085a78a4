/**
 * Views of a drift report: text for terminals and alarm logs, Markdown for an issue body, JSON (the
 * report itself, schemas/drift.schema.json).
 *
 * Owns: turning a DriftReport into text. Pure: must not import `node:` modules or cloud clients.
 * Contracts: every view says the run was read-only; the Markdown never exceeds `maxChars` (default
 * 60,000, under the issue body limits of the common hosts): when the full view does not fit it falls
 * back to one line per object grouped by account and instance (the plan Markdown's compact mode),
 * then truncates with a note that says so.
 */
import { assertNever } from '../errors.js';
import type { Action, ActionType } from '../plan/model.js';
import { canonical } from '../plan/canonical.js';
import { DEFAULT_MARKDOWN_LIMIT, groupActions } from './markdown.js';
import { formatValue, MARKS } from './text.js';
import { shortDigest } from '../plan/units.js';
import { fixCommand, type DriftCategory, type DriftedObject, type DriftReport, type FieldDrift, type Location, type ReplicationHealth } from '../drift/model.js';

export const DRIFT_FORMATS = ['text', 'markdown', 'json'] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

export const READ_ONLY_NOTE = 'read-only: no change was made';

/** The plan action type whose mark an object of this category carries (so both views agree). */
function typeOf(o: DriftedObject): ActionType {
  const byCategory: Readonly<Record<DriftCategory, ActionType>> = { changed: 'update', missing: 'create', unexpected: 'delete', switch: 'gate' };
  return o.category === 'changed' && o.fields.some((f) => f.impact === 'replace') ? 'replace' : byCategory[o.category];
}

/** Objects grouped by account and instance with the plan Markdown's grouping (same keys, same order). */
function groups(report: DriftReport): Map<string, DriftedObject[]> {
  const byAddress = new Map(report.objects.map((o) => [o.address, o] as const));
  const asActions: Action[] = report.objects.map((o) => ({
    id: o.address,
    kind: o.kind,
    type: typeOf(o),
    account: o.account,
    region: o.region,
    ...(o.instance !== undefined ? { instance: o.instance } : {}),
    key: {},
    changes: [],
    dependsOn: [],
  }));
  const out = new Map<string, DriftedObject[]>();
  for (const [key, actions] of groupActions(asActions)) out.set(key, actions.map((a) => byAddress.get(a.id)!));
  return out;
}

/** `account prod (UID 1234…), instance hz (acme-hz), cn-hangzhou`. */
export function where(l: Location): string {
  const account = `account ${l.account}${l.accountUid !== undefined ? ` (UID ${l.accountUid})` : ''}`;
  const instance = l.instance !== undefined ? `, instance ${l.instance}${l.instanceName !== undefined && l.instanceName !== l.instance ? ` (${l.instanceName})` : ''}` : '';
  return `${account}${instance}, ${l.region}`;
}

function statusLine(r: DriftReport): string {
  const s = r.summary;
  const parts = [
    s.changed > 0 ? `${s.changed} changed` : '',
    s.missing > 0 ? `${s.missing} missing` : '',
    s.unexpected > 0 ? `${s.unexpected} to prune` : '',
    s.switches > 0 ? `${s.switches} console switch${s.switches === 1 ? '' : 'es'} moved` : '',
    s.replicationBehind > 0 ? `${s.replicationBehind} replication rule${s.replicationBehind === 1 ? '' : 's'} behind by ${s.tagsBehind} tag${s.tagsBehind === 1 ? '' : 's'}` : '',
    s.unmanaged > 0 ? `${s.unmanaged} unmanaged` : '',
  ].filter((p) => p !== '');
  const counts = parts.length > 0 ? parts.join(', ') : 'nothing differs';
  switch (r.status) {
    case 'clean':
      return `No drift (--fail-on ${r.failOn}): ${counts}.`;
    case 'drift':
      return `DRIFT (--fail-on ${r.failOn}): ${counts}.`;
    case 'error':
      return `ERROR: the plan has error findings, so drift cannot be judged (${counts}).`;
    default:
      return assertNever(r.status, 'drift status');
  }
}

function fieldLine(f: FieldDrift): string[] {
  const desired = f.desired === undefined ? '(not set)' : formatValue(f.desired);
  const live = f.live === undefined ? '(absent)' : formatValue(f.live);
  const tail = `${f.impact === 'replace' ? ' [fix replaces the object]' : ''}${f.note ? ` (${f.note})` : ''}`;
  if (!desired.includes('\n') && !live.includes('\n')) return [`${f.path}: desired ${desired}, live ${live}${tail}`];
  return [`${f.path}:${tail}`, '  desired:', ...desired.split('\n').map((l) => `    ${l}`), '  live:', ...live.split('\n').map((l) => `    ${l}`)];
}

function objectDetail(o: DriftedObject): string[] {
  const lines: string[] = [];
  for (const f of o.fields) lines.push(...fieldLine(f));
  if (o.category === 'missing' && o.desired) {
    for (const [k, v] of Object.entries(o.desired).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${k} = ${formatValue(v).split('\n').join('\n  ')}`);
  }
  if (o.category === 'unexpected' && o.live) {
    for (const [k, v] of Object.entries(o.live).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${k} = ${formatValue(v).split('\n').join('\n  ')}`);
  }
  if (o.ids && Object.keys(o.ids).length > 0) lines.push(`cloud ids: ${Object.entries(o.ids).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return lines.flatMap((l) => l.split('\n'));
}

function healthLine(h: ReplicationHealth): string {
  const scope = `${h.namespace}${h.repository !== undefined ? `/${h.repository}` : ''}`;
  const target = `instance ${h.target.instance ?? '?'}${h.target.instanceName ? ` (${h.target.instanceName})` : ''}, ${h.target.region}, account ${h.target.account}`;
  const counts = `${h.missing} missing${h.stale > 0 ? `, ${h.stale} with another digest` : ''} of ${h.sourceTags} source tag${h.sourceTags === 1 ? '' : 's'} matching ${JSON.stringify(h.tagFilter)} in ${scope}`;
  return `${h.address} → ${target}: ${counts}${h.behindSince ? `; behind since ${h.behindSince} (oldest push not copied)` : ''}`;
}

/** The text view, for terminals and logs. */
export function renderDriftText(r: DriftReport): string {
  const out: string[] = [`acrctl drift: ${r.configFile} against the live estate (${READ_ONLY_NOTE}).`, '', statusLine(r), ''];
  for (const [group, objects] of groups(r)) {
    out.push(`${group}:`);
    for (const o of objects) {
      out.push(`  ${MARKS[typeOf(o)].padStart(3)} ${o.address}`, `      ${o.kind} in ${where(o)}`, `      ${o.headline}`);
      if (o.reason) out.push(`      (${o.reason})`);
      for (const l of objectDetail(o)) out.push(`      ${l}`);
      out.push(`      fix: ${o.fix}`);
      if (o.alternative) out.push(`           ${o.alternative}`);
      out.push('');
    }
  }
  const behind = r.replication.filter((h) => h.missing + h.stale > 0);
  if (r.replication.length > 0) {
    out.push(`Replication health (${r.replication.length} live rule${r.replication.length === 1 ? '' : 's'} checked, ${behind.length} behind):`);
    for (const h of r.replication) {
      out.push(`  ${h.missing + h.stale === 0 ? 'ok' : h.healthy ? '--' : '!!'} ${healthLine(h)}`);
      if (h.missing + h.stale === 0) continue;
      out.push(`      source: ${where(h.source)}`);
      for (const e of h.examples) out.push(`      ${e.state === 'missing' ? 'missing' : 'stale  '} ${e.image} (${shortDigest(e.digest)}${e.pushedAt ? `, pushed ${e.pushedAt}` : ''})`);
      const more = h.missing + h.stale - h.examples.length;
      if (more > 0) out.push(`      … and ${more} more`);
      out.push(`      fix: ${h.fix}`);
    }
    out.push('');
  }
  if (r.unmanaged.length > 0) {
    out.push(`Unmanaged objects (live, not in ${r.configFile}; ${r.failOn === 'changes' ? 'not drift with --fail-on changes' : 'drift with --fail-on ' + r.failOn}):`);
    for (const u of r.unmanaged) out.push(`  ? ${u.address}  (${u.kind} in ${where(u)}; container ${u.container}${u.pruned ? '; apply prunes it' : ''})`);
    out.push(`  to manage one: declare it in ${r.configFile}; to remove one: delete it in the console, or set prune: true on its container and apply`, '');
  }
  if (r.notDrift.backfillTasks > 0) {
    out.push(`Not drift: ${r.notDrift.backfillTasks} backfill task${r.notDrift.backfillTasks === 1 ? '' : 's'} (one-off copies of images that predate a rule); \`acrctl plan\` lists them, apply runs them.`, '');
  }
  if (r.findings.length > 0) {
    out.push('Findings:');
    for (const f of r.findings) out.push(`  ${f.severity}[${f.id}]: ${f.where ? `${f.where}: ` : ''}${f.message}`);
    out.push('');
  }
  const all = [...r.objects.map((o) => o.address), ...behind.filter((h) => !h.healthy && h.backfillPlanned > 0).map((h) => h.address)];
  if (all.length > 1) out.push(`Fix all of the above at once: ${fixCommand(r.configFile, all, r.connection)}`, '');
  out.push(`Result: ${resultWord(r)} (exit ${r.exitCode}). Times are push times read from the registry; the APIs keep no history of other changes (ActionTrail does: who changed what, and when).`);
  return `${out.join('\n')}\n`;
}

function resultWord(r: DriftReport): string {
  return r.status === 'clean' ? 'no drift' : r.status === 'drift' ? 'drift' : 'error';
}

/** The JSON view: the report itself, keys sorted, final newline. */
export function renderDriftJson(r: DriftReport): string {
  return `${JSON.stringify(canonical(r), null, 2)}\n`;
}

export interface DriftMarkdownOptions {
  readonly maxChars?: number;
}

/** The Markdown view, for an issue body: never longer than `maxChars`. */
export function renderDriftMarkdown(r: DriftReport, opts: DriftMarkdownOptions = {}): string {
  const max = opts.maxChars ?? DEFAULT_MARKDOWN_LIMIT;
  if (r.objects.length * 80 <= max) {
    const full = compose(r, 'full');
    if (full.length <= max) return full;
  }
  const compact = compose(r, 'compact');
  if (compact.length <= max) return compact;
  return truncate(compact, max, r);
}

function compose(r: DriftReport, mode: 'full' | 'compact'): string {
  const s = r.summary;
  const title = r.status === 'clean' ? 'no drift' : r.status === 'drift' ? 'drift found' : 'error';
  const out: string[] = [
    `### acrctl drift: ${title}`,
    '',
    `_${capitalise(READ_ONLY_NOTE)}. \`${escapeHtml(r.configFile)}\` against the live estate, \`--fail-on ${r.failOn}\`, exit ${r.exitCode}._`,
    '',
    '| changed | missing | to prune | switches | replication behind (tags) | unmanaged |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${s.changed} | ${s.missing} | ${s.unexpected} | ${s.switches} | ${s.replicationBehind} (${s.tagsBehind}) | ${s.unmanaged} |`,
    '',
  ];
  if (r.status === 'error') out.push('> [!CAUTION]\n> The plan has error findings (below): drift cannot be judged until they are fixed.', '');
  if (mode === 'compact') out.push('_The full report is too large for one issue: one line per object. `acrctl drift --format json` has every field._', '');
  for (const [group, objects] of groups(r)) {
    const first = objects[0]!;
    const ids = [first.accountUid !== undefined ? `account UID ${first.accountUid}` : '', first.instanceName !== undefined ? `instance name ${first.instanceName}` : ''].filter((x) => x !== '');
    out.push(`<details${mode === 'full' && objects.length <= 20 ? ' open' : ''}><summary><b>${escapeHtml(group)}</b>: ${objects.length} drifted${ids.length > 0 ? ` (${escapeHtml(ids.join(', '))})` : ''}</summary>`, '', '```diff');
    for (const o of objects) {
      const mark = MARKS[typeOf(o)];
      out.push(margin(mark, `${mark.padStart(3)} ${o.address}: ${o.headline}`));
      if (mode === 'full') {
        if (o.reason) out.push(`#     (${o.reason})`);
        for (const l of objectDetail(o)) out.push(`      ${l}`);
      }
    }
    out.push('```', '', 'Fix:', '', '```sh', fixCommand(r.configFile, groupTargets(objects), r.connection), '```', '', '</details>', '');
  }
  if (r.replication.length > 0) {
    out.push('#### Replication health', '', '| rule | target | behind | since | fix |', '|---|---|---:|---|---|');
    for (const h of r.replication) {
      const behind = h.missing + h.stale;
      const state = behind === 0 ? `0 of ${h.sourceTags}` : `**${behind}** of ${h.sourceTags}${h.stale > 0 ? ` (${h.stale} stale)` : ''}${h.healthy ? ' (manual rule: not drift)' : ''}`;
      out.push(`| \`${h.address}\` | ${escapeCell(where(h.target))} | ${state} | ${h.behindSince ?? ''} | ${behind === 0 ? '' : escapeCell(h.fix)} |`);
    }
    out.push('');
    if (mode === 'full') {
      for (const h of r.replication.filter((x) => x.examples.length > 0)) {
        out.push(`<details><summary>Tags behind in <code>${escapeHtml(h.address)}</code></summary>`, '');
        for (const e of h.examples) out.push(`- \`${e.image}\` ${e.state}${e.pushedAt ? `, pushed ${e.pushedAt}` : ''}`);
        const more = h.missing + h.stale - h.examples.length;
        if (more > 0) out.push(`- … and ${more} more`);
        out.push('', '</details>', '');
      }
    }
  }
  if (r.unmanaged.length > 0) {
    out.push(`<details><summary><b>Unmanaged objects</b>: ${r.unmanaged.length} (${r.failOn === 'changes' ? 'not drift with <code>--fail-on changes</code>' : `drift with <code>--fail-on ${r.failOn}</code>`})</summary>`, '');
    for (const u of r.unmanaged) out.push(`- \`${u.address}\` (${u.kind}, ${escapeHtml(where(u))})${u.pruned ? ': apply prunes it' : ''}`);
    out.push('', `Declare one in \`${escapeHtml(r.configFile)}\` to manage it, or delete it in the console.`, '', '</details>', '');
  }
  if (r.notDrift.backfillTasks > 0) out.push(`_Not drift: ${r.notDrift.backfillTasks} backfill task${r.notDrift.backfillTasks === 1 ? '' : 's'} (one-off copies of images that predate a rule)._`, '');
  if (r.findings.length > 0) {
    out.push('#### Findings', '', '| severity | id | where | message |', '|---|---|---|---|');
    for (const f of r.findings) out.push(`| ${f.severity} | \`${f.id}\` | ${f.where ? `\`${escapeCell(f.where)}\`` : ''} | ${escapeCell(f.message)} |`);
    out.push('');
  }
  out.push(`\`${statusLine(r)}\``, '');
  return out.join('\n');
}

/**
 * The `--target` addresses that fix a group: each object's address, or, past five objects, their
 * longest common address prefix (whole segments), which `--target` selects everything under.
 */
export function groupTargets(objects: readonly Pick<DriftedObject, 'address'>[]): string[] {
  const addresses = objects.map((o) => o.address);
  if (addresses.length <= 5) return addresses;
  const split = addresses.map(segments);
  const first = split[0]!;
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return n > 0 ? [first.slice(0, n).join('.')] : addresses;
}

/** Splits an address at the dots between segments (not inside `[…]`, where names may hold dots). */
function segments(address: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '.' && depth === 0) {
      out.push(address.slice(start, i));
      start = i + 1;
    }
  }
  out.push(address.slice(start));
  return out;
}

/** In a ```diff block the first column colours the line, as in the plan Markdown. */
function margin(mark: string, line: string): string {
  const col = mark === '+' ? '+' : mark === '-' || mark === '-/+' ? '-' : '!';
  return col + line.slice(1);
}

function truncate(text: string, max: number, r: DriftReport): string {
  const note = `\n\n> [!CAUTION]\n> Truncated: ${r.objects.length} drifted objects do not fit in one issue. Run \`acrctl drift --format json\` (or look at the job's artefact) for all of them.\n\n\`${statusLine(r)}\`\n`;
  const budget = max - note.length;
  let cut = text.lastIndexOf('\n', budget);
  if (cut < 0) cut = budget;
  let head = text.slice(0, cut);
  if ((head.match(/^```/gm) ?? []).length % 2 === 1) head += '\n```';
  if ((head.match(/<details/g) ?? []).length > (head.match(/<\/details>/g) ?? []).length) head += '\n</details>';
  return (head + note).slice(0, max);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeCell(s: string): string {
  return escapeHtml(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
