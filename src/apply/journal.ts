/**
 * The apply journal: one append-only JSONL file per run, each record written and fsynced before
 * the call it announces is sent, so a crash at any instant leaves a journal that says what may have
 * happened. A run's journal is self-contained: its header names the run's estate and plan, a
 * resumed run appends to it (a `resume` record per continuation), and the in-flight actions a run
 * takes over from runs it supersedes are written into it (`inherit` records).
 *
 * Owns: the record format, serialising a record (with secrets scrubbed), parsing a journal's text
 * (the one reader: damaged lines are reported with their line number, a torn last line is
 * tolerated), folding one run's records into its state, and the digest that tells whether a
 * finished action is the same action a new plan asks for. Records hold action ids, call names,
 * cloud ids, digests and error codes; error messages are scrubbed of known secret values.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Action } from '../plan/model.js';
import { publicAction } from '../plan/sensitive.js';
import { canonical } from '../plan/canonical.js';
import { ensureDir } from './atomic.js';

/** Which estate a run belongs to: its config file (relative to the working directory) and account UIDs. */
export interface EstateIdentity {
  /** The config file, relative to the working directory, `/`-separated. */
  readonly configFile: string;
  /** The UIDs of every declared account, sorted, without duplicates. */
  readonly accounts: readonly string[];
  /** `--shard ID`: the run applies only that shard (src/plan/shards.ts). */
  readonly shard?: string;
}

/** The first record of a run's journal. */
export interface RunHeader {
  readonly t: 'run';
  readonly runId: string;
  /** The plan the run started with (a `resume` record names the plan of each continuation). */
  readonly planId: string;
  readonly startedAt: string;
  readonly pid: number;
  /** The command that started the run; `--resume` only continues runs of its own command. */
  readonly command?: 'apply' | 'destroy';
  readonly host?: string;
  /** The estate; runs without one (made by older versions) are never resumed on their own. */
  readonly estate?: EstateIdentity;
  /** sha256 of the config the run's plan was made from. */
  readonly configDigest?: string;
  /** `--target` addresses of the run; its resumes plan with the same ones. */
  readonly targets?: readonly string[];
  /** The planId of the saved plan this run applies (`apply PLAN`): a saved plan is applied once. */
  readonly savedPlan?: string;
  /** Unfinished runs this one took over (their in-flight actions are `inherit` records here). */
  readonly supersedes?: readonly string[];
}

export type JournalRecord =
  | RunHeader
  | { readonly t: 'resume'; readonly planId: string; readonly startedAt: string; readonly pid: number; readonly host?: string }
  | {
      readonly t: 'inherit';
      readonly id: string;
      /** The run that left the action in flight. */
      readonly from: string;
      /** The run whose ClientTokens the action continues with (a re-send must reuse them). */
      readonly tokenRun: string;
      readonly calls: readonly string[];
      /** When the last of those calls was announced (epoch ms), when known. */
      readonly at?: number;
    }
  | { readonly t: 'start'; readonly id: string }
  /** `at`: when the call was announced (epoch ms): a resume waits out the call's read budget from then. */
  | { readonly t: 'intent'; readonly id: string; readonly call: string; readonly detail?: Readonly<Record<string, unknown>>; readonly at?: number }
  | {
      readonly t: 'done';
      readonly id: string;
      readonly ids?: Readonly<Record<string, string>>;
      /** {@link actionDigest} of the action as carried out: a new plan's action is done only if it is the same. */
      readonly digest?: string;
      /** What the action did, for reports (an image copy's outcome and bytes); never a secret. */
      readonly report?: Readonly<Record<string, string | number | boolean>>;
    }
  | { readonly t: 'failed'; readonly id: string; readonly code: string; readonly message: string }
  /** Stopped by an interruption (SIGINT, SIGTERM) while running: its outcome is unknown, so it is reconciled on resume. */
  | { readonly t: 'interrupted'; readonly id: string; readonly message?: string }
  | { readonly t: 'gate'; readonly id: string }
  | { readonly t: 'end'; readonly status: 'complete' | 'failed' | 'gated' | 'interrupted' };

/** Where journal records go; appends are durable when they resolve (fsync locally, a store write remotely). */
export interface JournalWriter {
  append(record: JournalRecord): void | Promise<void>;
  close(): void | Promise<void>;
}

/** One journal line: the record's JSON with every occurrence of a secret value replaced. */
export function journalLine(record: JournalRecord, scrub: (text: string) => string = (s) => s): string {
  return `${scrub(JSON.stringify(record))}\n`;
}

/** An open local journal file. Appends are synchronous and durable when they return. */
export class Journal implements JournalWriter {
  readonly #fd: number;
  readonly #scrub: (text: string) => string;
  readonly path: string;
  #closed = false;

  private constructor(path: string, fd: number, scrub: (text: string) => string) {
    this.path = path;
    this.#fd = fd;
    this.#scrub = scrub;
  }

  /** Creates `<dir>/<runId>.jsonl` (never reusing a file) and writes the run record. */
  static create(dir: string, run: Omit<RunHeader, 't'>, scrub: (text: string) => string = (s) => s): Journal {
    ensureDir(dir);
    const path = join(dir, `${run.runId}.jsonl`);
    const j = new Journal(path, openSync(path, 'wx'), scrub);
    j.append({ t: 'run', ...run });
    return j;
  }

  /**
   * Opens an existing journal to continue its run. A torn last line (a crash mid-write) is closed
   * with a newline first, so the next record starts a line of its own.
   */
  static continue(path: string, scrub: (text: string) => string = (s) => s): Journal {
    const text = readFileSync(path, 'utf8');
    const j = new Journal(path, openSync(path, 'a'), scrub);
    if (text.length > 0 && !text.endsWith('\n')) {
      writeSync(j.#fd, '\n');
      fsyncSync(j.#fd);
    }
    return j;
  }

  append(record: JournalRecord): void {
    if (this.#closed) throw new Error(`journal ${this.path} is closed`);
    writeSync(this.#fd, journalLine(record, this.#scrub));
    fsyncSync(this.#fd);
  }

  close(): void {
    if (!this.#closed) {
      this.#closed = true;
      closeSync(this.#fd);
    }
  }
}

/** A line of a journal that is not a record. */
export interface DamagedLine {
  /** 1-based line number. */
  readonly line: number;
  /** True for the last line of a journal that does not end with a newline: torn by a crash mid-write. */
  readonly torn: boolean;
}

export interface ParsedJournal {
  readonly records: JournalRecord[];
  /** Damaged lines, in order (a torn last line included). */
  readonly damaged: readonly DamagedLine[];
  /** How many lines are damaged (kept for older callers). */
  readonly tornLines: number;
}

const RECORD_TYPES: ReadonlySet<string> = new Set(['run', 'resume', 'inherit', 'start', 'intent', 'done', 'failed', 'interrupted', 'gate', 'end']);

/** Parses a journal's text. Lines that are not records are reported, never silently dropped. */
export function parseJournal(text: string): ParsedJournal {
  const records: JournalRecord[] = [];
  const damaged: DamagedLine[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const torn = i === lines.length - 1; // no newline after it
    try {
      const r = JSON.parse(line) as JournalRecord;
      if (r !== null && typeof r === 'object' && typeof r.t === 'string' && RECORD_TYPES.has(r.t) && wellFormed(r)) records.push(r);
      else damaged.push({ line: i + 1, torn });
    } catch {
      damaged.push({ line: i + 1, torn });
    }
  });
  return { records, damaged, tornLines: damaged.length };
}

function wellFormed(r: JournalRecord): boolean {
  switch (r.t) {
    case 'run':
      return typeof r.runId === 'string' && typeof r.planId === 'string';
    case 'resume':
      return typeof r.planId === 'string';
    case 'inherit':
      return typeof r.id === 'string' && typeof r.tokenRun === 'string' && Array.isArray(r.calls);
    case 'end':
      return typeof r.status === 'string';
    default:
      return typeof r.id === 'string';
  }
}

/** Parses one local journal file. */
export function readJournal(path: string): ParsedJournal {
  return parseJournal(readFileSync(path, 'utf8'));
}

/** What one run's journal says. */
export interface RunState {
  /** The header, when the first line is one (undefined when it is damaged). */
  readonly header: RunHeader | undefined;
  /** The plan the run's latest continuation works on. */
  readonly planId: string | undefined;
  /** How the run's latest continuation ended; `running` when it has not (killed, or still running). */
  readonly status: 'running' | 'complete' | 'failed' | 'gated' | 'interrupted';
  readonly startedAt: string | undefined;
  readonly done: ReadonlyMap<string, { readonly ids: Readonly<Record<string, string>>; readonly digest?: string; readonly report?: Readonly<Record<string, string | number | boolean>> }>;
  /** Actions started (and maybe sent) whose outcome was never recorded. */
  readonly inFlight: ReadonlyMap<string, { readonly calls: readonly string[]; readonly tokenRun: string; readonly at?: number }>;
  readonly failed: ReadonlyMap<string, string>;
  readonly damaged: readonly DamagedLine[];
}

/** Folds one run's records, in order. `runId` names the run when its header is damaged. */
export function foldRun(parsed: ParsedJournal, runId: string): RunState {
  const first = parsed.records[0];
  const header = first?.t === 'run' && !parsed.damaged.some((d) => d.line === 1) ? first : undefined;
  const self = header?.runId ?? runId;
  const done = new Map<string, { ids: Readonly<Record<string, string>>; digest?: string; report?: Readonly<Record<string, string | number | boolean>> }>();
  const inFlight = new Map<string, { calls: string[]; tokenRun: string; at?: number }>();
  const failed = new Map<string, string>();
  let status: RunState['status'] = 'running';
  let planId = header?.planId;
  let startedAt = header?.startedAt;
  const fly = (id: string) => {
    let f = inFlight.get(id);
    if (!f) inFlight.set(id, (f = { calls: [], tokenRun: self }));
    return f;
  };
  for (const r of parsed.records) {
    switch (r.t) {
      case 'run':
        break;
      case 'resume':
        status = 'running';
        planId = r.planId;
        startedAt ??= r.startedAt;
        break;
      case 'inherit':
        if (!done.has(r.id)) inFlight.set(r.id, { calls: [...r.calls], tokenRun: r.tokenRun, ...(r.at !== undefined ? { at: r.at } : {}) });
        break;
      case 'start':
        // Started (again): whatever an earlier continuation finished is being redone.
        done.delete(r.id);
        fly(r.id);
        break;
      case 'intent':
        done.delete(r.id);
        {
          const f = fly(r.id);
          f.calls.push(r.call);
          if (r.at !== undefined) f.at = r.at;
        }
        break;
      case 'done':
        done.set(r.id, { ids: { ...(r.ids ?? {}) }, ...(r.digest !== undefined ? { digest: r.digest } : {}), ...(r.report !== undefined ? { report: r.report } : {}) });
        inFlight.delete(r.id);
        failed.delete(r.id);
        break;
      case 'failed':
        // The call was answered with an error; what it did is known (nothing, for a rejected call),
        // but a half-done multi-call action still needs reconciling: keep it in flight if it
        // announced calls.
        failed.set(r.id, r.code);
        if ((inFlight.get(r.id)?.calls.length ?? 0) === 0) inFlight.delete(r.id);
        break;
      case 'interrupted':
        // Stopped mid-call: the request may have landed. It stays in flight, to be reconciled.
        if (!done.has(r.id)) fly(r.id);
        break;
      case 'gate':
        inFlight.delete(r.id);
        break;
      case 'end':
        status = r.status;
        break;
    }
  }
  return { header, planId, status, startedAt, done, inFlight, failed, damaged: parsed.damaged };
}

/** What the executor needs to know about earlier work on a plan. */
export interface ResumeState {
  /** Runs this state comes from (the resumed run and those it inherited from). */
  readonly runs: readonly string[];
  /** Finished actions and the ids they learned. */
  readonly done: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The reports finished actions recorded (image copies), for reports covering every run. */
  readonly reports?: ReadonlyMap<string, Readonly<Record<string, string | number | boolean>>>;
  /** Actions started (and maybe sent) whose outcome was never recorded. */
  readonly inFlight: ReadonlySet<string>;
  /** Calls announced for in-flight actions, in order (for reconciling). */
  readonly intents: ReadonlyMap<string, readonly string[]>;
  /** When the last call of an in-flight action was announced (epoch ms), where the journal says. */
  readonly intentAt?: ReadonlyMap<string, number>;
  /** Actions that failed last time they ran (they are tried again). */
  readonly failed: ReadonlyMap<string, string>;
  readonly tornLines: number;
  /**
   * The run whose ClientTokens an in-flight action keeps (the run that sent it), when not the
   * current one: a re-send after an unknown outcome must reuse the token of the first send.
   */
  readonly tokenRuns?: ReadonlyMap<string, string>;
  /**
   * In-flight actions the current plan no longer derives as they were sent: they are reconciled
   * and waited on, never requested again.
   */
  readonly reconcileOnly?: ReadonlySet<string>;
}

/**
 * Identifies an action as carried out: sha256 of its public form without `dependsOn` (which shrinks
 * as dependencies finish). Two plans' actions with equal digests do the same thing.
 */
export function actionDigest(action: Action): string {
  const { dependsOn: _deps, ...rest } = publicAction(action);
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex');
}

/**
 * Folds, in run order, every journal in `dir` whose header names `planId` (a fixture for tests of
 * the executor, which resume a plan across several journals; apply resumes one run, src/apply/runs.ts).
 */
export function loadResumeState(dir: string, planId: string): ResumeState {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  } catch {
    files = [];
  }
  const runs: string[] = [];
  const records: JournalRecord[] = [];
  let torn = 0;
  for (const f of files) {
    const parsed = readJournal(join(dir, f));
    const head = parsed.records[0];
    if (!head || head.t !== 'run' || head.planId !== planId) continue;
    runs.push(head.runId);
    torn += parsed.tornLines;
    records.push(...parsed.records.filter((r) => r.t !== 'run'));
  }
  const state = foldRun({ records, damaged: [], tornLines: 0 }, runs.at(-1) ?? 'fixture');
  return toResumeState(runs, state, torn);
}

/** The executor's view of a folded run (all its done and in-flight actions). */
export function toResumeState(runs: readonly string[], state: RunState, tornLines = state.damaged.length): ResumeState {
  const done = new Map<string, Readonly<Record<string, string>>>();
  const reports = new Map<string, Readonly<Record<string, string | number | boolean>>>();
  for (const [id, d] of state.done) {
    done.set(id, d.ids);
    if (d.report !== undefined) reports.set(id, d.report);
  }
  const intents = new Map<string, readonly string[]>();
  const tokenRuns = new Map<string, string>();
  const intentAt = new Map<string, number>();
  for (const [id, f] of state.inFlight) {
    if (f.calls.length > 0) intents.set(id, f.calls);
    if (f.at !== undefined) intentAt.set(id, f.at);
    tokenRuns.set(id, f.tokenRun);
  }
  return { runs, done, reports, inFlight: new Set(state.inFlight.keys()), intents, intentAt, failed: state.failed, tornLines, tokenRuns };
}
