/**
 * The apply journal: one append-only JSONL file per run in `.acrctl/runs/`, each record written and
 * fsynced before the call it announces is sent, so a crash at any instant leaves a journal that says
 * what may have happened.
 *
 * Owns: the record format, writing, reading (a torn last line is tolerated), and folding the
 * journals of every run of one plan into the resume state. Never writes secrets: records hold
 * action ids, call names, cloud ids and error codes only.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type JournalRecord =
  | {
      readonly t: 'run';
      readonly runId: string;
      readonly planId: string;
      readonly startedAt: string;
      readonly pid: number;
      /** The command that started the run; `--resume` only continues runs of its own command. */
      readonly command?: 'apply' | 'destroy';
    }
  | { readonly t: 'start'; readonly id: string }
  | { readonly t: 'intent'; readonly id: string; readonly call: string; readonly detail?: Readonly<Record<string, unknown>> }
  | {
      readonly t: 'done';
      readonly id: string;
      readonly ids?: Readonly<Record<string, string>>;
      /** What the action did, for reports (an image copy's outcome and bytes); never a secret. */
      readonly report?: Readonly<Record<string, string | number | boolean>>;
    }
  | { readonly t: 'failed'; readonly id: string; readonly code: string; readonly message: string }
  | { readonly t: 'gate'; readonly id: string }
  | { readonly t: 'end'; readonly status: 'complete' | 'failed' | 'gated' | 'interrupted' };

/** An open journal. Appends are synchronous and durable when they return. */
export class Journal {
  readonly #fd: number;
  readonly path: string;
  #closed = false;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  /** Creates `<dir>/<runId>.jsonl` (never reusing a file) and writes the run record. */
  static create(dir: string, run: { runId: string; planId: string; startedAt: string; pid: number; command?: 'apply' | 'destroy' }): Journal {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${run.runId}.jsonl`);
    const j = new Journal(path, openSync(path, 'wx'));
    j.append({ t: 'run', ...run });
    return j;
  }

  append(record: JournalRecord): void {
    if (this.#closed) throw new Error(`journal ${this.path} is closed`);
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.#fd);
  }

  close(): void {
    if (!this.#closed) {
      this.#closed = true;
      closeSync(this.#fd);
    }
  }
}

/** Parses one journal file. Unparsable lines are skipped: only the last can be torn by a crash. */
export function readJournal(path: string): { records: JournalRecord[]; tornLines: number } {
  const text = readFileSync(path, 'utf8');
  const records: JournalRecord[] = [];
  let tornLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as JournalRecord;
      if (r && typeof r === 'object' && typeof r.t === 'string') records.push(r);
      else tornLines++;
    } catch {
      tornLines++;
    }
  }
  return { records, tornLines };
}

/** What the journals of earlier runs of a plan say about each action. */
export interface ResumeState {
  /** Runs of this plan found, oldest first. */
  readonly runs: readonly string[];
  /** Finished actions and the ids they learned. */
  readonly done: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The reports finished actions recorded (image copies), for reports covering every run. */
  readonly reports?: ReadonlyMap<string, Readonly<Record<string, string | number | boolean>>>;
  /** Actions started (and maybe sent) whose outcome was never recorded. */
  readonly inFlight: ReadonlySet<string>;
  /** Calls announced for in-flight actions, in order (for reconciling). */
  readonly intents: ReadonlyMap<string, readonly string[]>;
  /** Actions that failed last time they ran (they are tried again). */
  readonly failed: ReadonlyMap<string, string>;
  readonly tornLines: number;
}

/** Folds every journal in `dir` that belongs to `planId`, in run order. */
export function loadResumeState(dir: string, planId: string): ResumeState {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  } catch {
    files = [];
  }
  const runs: string[] = [];
  const done = new Map<string, Record<string, string>>();
  const inFlight = new Set<string>();
  const intents = new Map<string, string[]>();
  const failed = new Map<string, string>();
  const reports = new Map<string, Readonly<Record<string, string | number | boolean>>>();
  let tornLines = 0;
  for (const f of files) {
    const { records, tornLines: torn } = readJournal(join(dir, f));
    const head = records[0];
    if (!head || head.t !== 'run' || head.planId !== planId) continue;
    runs.push(head.runId);
    tornLines += torn;
    for (const r of records) {
      switch (r.t) {
        case 'start':
          if (!done.has(r.id)) inFlight.add(r.id);
          break;
        case 'intent':
          if (!done.has(r.id)) {
            inFlight.add(r.id);
            intents.set(r.id, [...(intents.get(r.id) ?? []), r.call]);
          }
          break;
        case 'done':
          done.set(r.id, { ...(r.ids ?? {}) });
          if (r.report !== undefined) reports.set(r.id, r.report);
          inFlight.delete(r.id);
          failed.delete(r.id);
          intents.delete(r.id);
          break;
        case 'failed':
          // The call was answered with an error; what it did is known (nothing, for a rejected call),
          // but a half-done multi-call action still needs reconciling: keep it in flight if it
          // announced calls.
          failed.set(r.id, r.code);
          if (!intents.has(r.id)) inFlight.delete(r.id);
          break;
        case 'gate':
          inFlight.delete(r.id);
          break;
        case 'run':
        case 'end':
          break;
      }
    }
  }
  return { runs, done, reports, inFlight, intents, failed, tornLines };
}
