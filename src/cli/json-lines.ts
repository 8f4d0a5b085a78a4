/**
 * `--json` on plan, apply, destroy and drift: a machine-readable stream on standard output, one
 * JSON object per line, each described by schemas/events.schema.json. Every line has `type`,
 * `level`, `message` (what the text output would say) and `timestamp`; the rest depends on the
 * type:
 * - `plan_action`: an action of the plan (`action`: id, kind, type, account, region, instance);
 * - `finding`: a lint or planner finding (`finding`);
 * - `plan_summary`: the plan's counts (`planId`, `summary`, `changes`, `mode` for a destroy plan);
 * - `event`: an event of the executor while apply or destroy runs (`code`, `action`, `data`);
 * - `apply_summary`: how apply or destroy ended (`mode`, `status`, `counts`, `exitCode`, `resume`);
 * - `drift_object`: a drifted object of the drift report (`object`, as in drift.schema.json);
 * - `drift_summary`: drift's verdict (`status`, `exitCode`, `failOn`, `summary`);
 * - `error`: the error a command stopped with (`code`, `hint`, `where`).
 * Human text (the plan, the live view, notes) goes to standard error meanwhile. No line holds a
 * value the text output would mask.
 */
import type { ApplyEvent } from '../apply/executor.js';
import type { DriftReport } from '../drift/model.js';
import { AcrctlError } from '../errors.js';
import type { Plan, PlanFinding } from '../plan/model.js';
import { summaryLine } from '../render/text.js';

export type JsonLineType = 'plan_action' | 'finding' | 'plan_summary' | 'event' | 'apply_summary' | 'drift_object' | 'drift_summary' | 'error';

export interface JsonLine {
  readonly type: JsonLineType;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly [field: string]: unknown;
}

/** Writes JSON lines to a stream, each stamped with the time it was written. */
export function jsonLines(write: (text: string) => void, now: () => Date = () => new Date()): (line: JsonLine) => void {
  return (line) => write(`${JSON.stringify({ ...line, timestamp: now().toISOString() })}\n`);
}

const PHRASE: Record<Plan['actions'][number]['type'], string> = {
  create: 'will be created',
  update: 'will be updated in place',
  replace: 'will be replaced',
  delete: 'will be destroyed',
  run: 'will be run',
  gate: 'waits for a console-only switch',
};

export function findingLine(f: PlanFinding): JsonLine {
  return {
    type: 'finding',
    level: f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warn' : 'info',
    message: `${f.severity}[${f.id}]: ${f.message}${f.where ? ` (${f.where})` : ''}`,
    finding: { id: f.id, severity: f.severity, message: f.message, ...(f.where !== undefined ? { where: f.where } : {}) },
  };
}

/** The lines of a plan: its actions, its findings, its summary. */
export function planLines(plan: Plan): JsonLine[] {
  const actions = plan.actions.map(
    (a): JsonLine => ({
      type: 'plan_action',
      level: 'info',
      message: `${a.id} ${PHRASE[a.type]}`,
      action: { id: a.id, kind: a.kind, type: a.type, account: a.account, region: a.region, ...(a.instance !== undefined ? { instance: a.instance } : {}) },
    }),
  );
  const errors = plan.findings.some((f) => f.severity === 'error');
  return [
    ...actions,
    ...plan.findings.map(findingLine),
    {
      type: 'plan_summary',
      level: errors ? 'error' : 'info',
      message: summaryLine(plan.summary),
      planId: plan.planId,
      summary: plan.summary,
      changes: plan.actions.length > 0,
      ...(plan.mode !== undefined ? { mode: plan.mode } : {}),
      ...(plan.target !== undefined ? { target: plan.target } : {}),
    },
  ];
}

/** An executor event as a line. */
export function eventLine(e: ApplyEvent): JsonLine {
  return { type: 'event', level: e.level, message: e.message, code: e.code, ...(e.action !== undefined ? { action: e.action } : {}), ...(e.data !== undefined ? { data: e.data } : {}) };
}

export interface ApplySummary {
  readonly mode: 'apply' | 'destroy';
  readonly status: 'complete' | 'failed' | 'gated' | 'interrupted' | 'cancelled';
  readonly message: string;
  readonly exitCode: number;
  readonly counts?: Readonly<Record<string, number>>;
  readonly runId?: string;
  /** The command that continues the run, when there is one to continue. */
  readonly resume?: string;
}

export function applySummaryLine(s: ApplySummary): JsonLine {
  return {
    type: 'apply_summary',
    level: s.status === 'complete' ? 'info' : s.status === 'failed' ? 'error' : 'warn',
    message: s.message,
    mode: s.mode,
    status: s.status,
    exitCode: s.exitCode,
    ...(s.counts !== undefined ? { counts: s.counts } : {}),
    ...(s.runId !== undefined ? { runId: s.runId } : {}),
    ...(s.resume !== undefined ? { resume: s.resume } : {}),
  };
}

/** The lines of a drift report: its drifted objects, its findings, its verdict. */
export function driftLines(report: DriftReport): JsonLine[] {
  return [
    ...report.objects.map((o): JsonLine => ({ type: 'drift_object', level: 'warn', message: `${o.address}: ${o.headline}`, object: o })),
    ...report.findings.map(findingLine),
    {
      type: 'drift_summary',
      level: report.status === 'error' ? 'error' : report.status === 'drift' ? 'warn' : 'info',
      message: report.status === 'clean' ? 'No drift.' : report.status === 'drift' ? 'Drift found.' : 'Drift cannot be judged: the plan has error findings.',
      status: report.status,
      exitCode: report.exitCode,
      failOn: report.failOn,
      summary: report.summary,
    },
  ];
}

export const JSON_HELP = 'one JSON object per line on standard output (schemas/events.schema.json); text goes to standard error';

/** `--json` goes with the text format only (the JSON document format is `--format json`). */
export function checkJsonFormat(json: boolean | undefined, format: string): void {
  if (json && format !== 'text') throw new AcrctlError('cli.bad-option', `--json cannot be given with --format ${format}`, { hint: '--json streams JSON lines; --format json prints one JSON document' });
}

/** The error a command stopped with, as a line. */
export function errorLine(err: AcrctlError): JsonLine {
  const where = err.location ? `${err.location.file}:${err.location.line}:${err.location.column}` : err.address;
  return { type: 'error', level: 'error', message: err.message, code: err.code, ...(err.hint !== undefined ? { hint: err.hint } : {}), ...(where !== undefined ? { where } : {}) };
}
