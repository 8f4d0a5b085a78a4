/**
 * GitHub Actions workflow commands: annotations for findings (`::error file=…,line=…,col=…::…`) and
 * log groups (`::group::…` / `::endgroup::`), written only when `GITHUB_ACTIONS=true`.
 *
 * Owns: the escaping GitHub requires (in the message `%`, CR and LF; in properties also `:` and
 * `,`), GitHub's limit of 10 annotations of each level per step, and file paths relative to the
 * checkout. Formatting is pure; only {@link workspacePath} resolves paths (node:path, no I/O).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding } from '../config/model.js';
import type { DriftReport } from '../drift/model.js';
import type { PlanFinding } from '../plan/model.js';
import type { CliIo } from './main.js';

/** True inside a GitHub Actions job (the runner sets GITHUB_ACTIONS=true). */
export function onGitHubActions(env: CliIo['env']): boolean {
  return env['GITHUB_ACTIONS'] === 'true';
}

/** A workflow command's message: `%`, CR and LF escaped, so it stays one command on one line. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: as {@link escapeData}, plus `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::name key=value,…::message`, escaped; properties without a value are left out. */
export function workflowCommand(name: string, properties: Readonly<Record<string, string | number | undefined>>, message: string): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${name}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  readonly level: AnnotationLevel;
  readonly message: string;
  readonly title?: string;
  /** Path relative to the checkout; `line` and `col` only with a file. */
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
}

/** GitHub shows at most this many annotations of each level per step (and drops the rest silently). */
export const ANNOTATIONS_PER_LEVEL = 10;

const LEVEL_OF = { error: 'error', warning: 'warning', info: 'notice' } as const;

/**
 * The annotation lines, in order. Past {@link ANNOTATIONS_PER_LEVEL} of a level, the last one shown
 * says how many more there are, instead of GitHub dropping them without a word.
 */
export function renderAnnotations(annotations: readonly Annotation[]): string {
  const byLevel = new Map<AnnotationLevel, number>();
  for (const a of annotations) byLevel.set(a.level, (byLevel.get(a.level) ?? 0) + 1);
  const shown = new Map<AnnotationLevel, number>();
  const lines: string[] = [];
  for (const a of annotations) {
    const total = byLevel.get(a.level) ?? 0;
    const n = (shown.get(a.level) ?? 0) + 1;
    shown.set(a.level, n);
    if (total > ANNOTATIONS_PER_LEVEL && n >= ANNOTATIONS_PER_LEVEL) {
      if (n === ANNOTATIONS_PER_LEVEL) {
        const rest = total - ANNOTATIONS_PER_LEVEL + 1;
        lines.push(workflowCommand(a.level, { title: 'acrctl' }, `${rest} more ${a.level === 'notice' ? 'notices' : `${a.level}s`} are in the log (GitHub shows ${ANNOTATIONS_PER_LEVEL} per step)`));
      }
      continue;
    }
    const located = a.file !== undefined;
    lines.push(workflowCommand(a.level, { file: a.file, line: located ? a.line : undefined, col: located ? a.col : undefined, title: a.title }, a.message));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Where files are, for annotation paths: the working directory and the checkout (GITHUB_WORKSPACE). */
export interface PathContext {
  readonly cwd: string;
  readonly workspace?: string | undefined;
}

export function pathContext(io: Pick<CliIo, 'cwd' | 'env'>): PathContext {
  return { cwd: io.cwd, workspace: io.env['GITHUB_WORKSPACE'] };
}

/**
 * A file as GitHub names it: relative to the checkout (forward slashes) when inside it, else
 * undefined (GitHub cannot place an annotation there).
 */
export function workspacePath(file: string, ctx: PathContext): string | undefined {
  const root = resolve(ctx.cwd, ctx.workspace ?? '.');
  const rel = relative(root, resolve(ctx.cwd, file));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function withHint(message: string, hint: string | undefined): string {
  return hint ? `${message}\nhint: ${hint}` : message;
}

/** Annotations of registry.yaml findings, each at its file, line and column. */
export function configAnnotations(findings: readonly Finding[], ctx: PathContext): Annotation[] {
  return findings.map((f) => {
    const file = workspacePath(f.location.file, ctx);
    return {
      level: LEVEL_OF[f.severity],
      title: `acrctl: ${f.id}`,
      message: withHint(file === undefined ? `${f.location.file}:${f.location.line}:${f.location.column}: ${f.message}` : f.message, f.hint),
      ...(file === undefined ? {} : { file, line: f.location.line, col: f.location.column }),
    };
  });
}

/** `file:line:column` of a plan finding's `where`, when it is a position and not an address. */
function position(where: string): { file: string; line: number; col: number } | undefined {
  const m = /^(.+):(\d+):(\d+)$/.exec(where);
  if (m === null || m[1]!.endsWith(']')) return undefined;
  return { file: m[1]!, line: Number(m[2]), col: Number(m[3]) };
}

/**
 * Annotations of a plan's findings: at the file position for those from registry.yaml, and without a
 * file (the address in the title) for those the planner raised from live data.
 */
export function planAnnotations(findings: readonly PlanFinding[], ctx: PathContext): Annotation[] {
  return findings.map((f) => {
    const at = f.where === undefined ? undefined : position(f.where);
    const file = at === undefined ? undefined : workspacePath(at.file, ctx);
    if (at !== undefined && file !== undefined) return { level: LEVEL_OF[f.severity], title: `acrctl: ${f.id}`, message: f.message, file, line: at.line, col: at.col };
    return { level: LEVEL_OF[f.severity], title: `acrctl: ${f.id}${f.where ? ` (${f.where})` : ''}`, message: f.message };
  });
}

/**
 * Annotations of a drift report: its plan findings, then one warning per drifted object and per
 * replication rule behind, and the unmanaged objects (warnings when `--fail-on` counts them, else
 * notices). Drift has no file position: each names its address.
 */
export function driftAnnotations(report: DriftReport, ctx: PathContext): Annotation[] {
  const where = (o: { account: string; region: string; instance?: string }) => [o.account, o.region, o.instance === undefined ? undefined : `instance ${o.instance}`].filter(Boolean).join(', ');
  const out: Annotation[] = planAnnotations(report.findings, ctx);
  for (const o of report.objects) out.push({ level: 'warning', title: `acrctl drift: ${o.address}`, message: `${o.headline} (${where(o)}).\nFix: ${o.fix}` });
  for (const r of report.replication) {
    if (!r.healthy) out.push({ level: 'warning', title: `acrctl drift: ${r.address}`, message: `the target is behind: ${r.missing} missing and ${r.stale} stale of ${r.sourceTags} tags.\nFix: ${r.fix}` });
  }
  const counted = report.failOn !== 'changes';
  for (const u of report.unmanaged) {
    out.push({ level: counted ? 'warning' : 'notice', title: `acrctl drift: ${u.address}`, message: `not in registry.yaml (${u.kind} in ${u.container}).\nFix: ${u.fix}` });
  }
  return out;
}

/** Writes the annotations to stderr when running on GitHub Actions (the runner reads both streams). */
export function annotate(io: CliIo, annotations: () => readonly Annotation[]): void {
  if (!onGitHubActions(io.env)) return;
  const text = renderAnnotations(annotations());
  if (text) io.stderr.write(text);
}
