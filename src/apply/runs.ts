/**
 * Runs and their store: which run an apply continues, what it takes over from unfinished runs, and
 * where journals, run plans and the lock live.
 *
 * A run is one `acrctl apply` (or `destroy`) invocation and every `--resume` of it. It has an id
 * unique per invocation, a journal (src/apply/journal.ts) whose header names its estate (config
 * file and account UIDs), its command and its plan, and a copy of the plan it works on. Policy:
 * - `--resume` continues one unfinished run of this estate and command: the only one, or the one
 *   `--run ID` names (several without `--run` is an error listing them). Never a completed run,
 *   never one of another estate, never one a later run superseded. The run keeps its id, so its
 *   ClientTokens stay the same. Its plan copy is used only while it is still what the config and
 *   the live state derive: every action it had not started must be derived again unchanged;
 *   otherwise (or with `--replan`, or when the config changed) the run continues with a plan
 *   derived afresh, reconciling what its journal left in flight. A missing or unusable plan copy
 *   stops `--resume` unless `--replan` is given.
 * - `apply` without `--resume` starts a new run from a fresh plan. It takes over the in-flight
 *   actions of every unfinished run of the estate (written into its own journal, with the
 *   ClientTokens of the run that sent them) and supersedes those runs.
 * - `apply PLAN` derives the plan again and starts a run only if it is exactly the saved one (see
 *   src/plan/verify.ts); a saved plan already applied (or started) by a run is refused.
 * - A journal whose header is damaged cannot be attributed: while it may have actions in flight it
 *   stops every apply of the directory until it is resumed with `--run` or moved away.
 *
 * Owns: {@link RunStore} (the interface a remote store implements too) and its local directory
 * implementation, run ids, choosing the plan and resume state of a run, and starting or continuing
 * its journal. Never prints: notes and warnings come back as strings for the CLI to render.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { AcrctlError } from '../errors.js';
import { writeFileAtomically } from './atomic.js';
import type { Action, Plan } from '../plan/model.js';
import { firstDifference } from '../plan/verify.js';
import { acquireLock, forceUnlock, processAlive, readHolder, type LockHolder } from './lock.js';
import {
  actionDigest,
  foldRun,
  Journal,
  parseJournal,
  toResumeState,
  type EstateIdentity,
  type JournalRecord,
  type JournalWriter,
  type ResumeState,
  type RunHeader,
  type RunState,
} from './journal.js';

/**
 * Where runs live. The local implementation is a directory (`.acrctl/`); a shared one (an OSS
 * bucket) implements the same calls, so that two machines share the lock and a run can be resumed
 * on another machine. Contract: `appendJournal` writers are durable when `append` resolves (the
 * executor announces every call before it is sent); `lock` fails while another live holder has it,
 * naming the holder; run ids sort by start time.
 */
export interface RunStore {
  /** For messages: `.acrctl/runs` or `oss://bucket/prefix`. */
  readonly where: string;
  /** Ids of every run with a journal, sorted. */
  listRuns(): Promise<string[]>;
  /** A run's journal text; undefined when it has none. */
  readJournal(runId: string): Promise<string | undefined>;
  /** Creates a run's journal (refused if it exists) and writes its header. */
  createJournal(header: RunHeader, scrub: (text: string) => string): Promise<JournalWriter>;
  /** Opens an existing run's journal to append to it. */
  appendJournal(runId: string, scrub: (text: string) => string): Promise<JournalWriter>;
  /** A run's plan copy (text), undefined when missing. */
  readPlan(runId: string): Promise<string | undefined>;
  /** Writes a run's plan copy (replacing an earlier one), atomically. */
  writePlan(runId: string, text: string): Promise<void>;
  /** Keeps a report next to a run (`<run>.<name>`); returns where, for messages. */
  writeArtifact(runId: string, name: string, text: string): Promise<string>;
  /**
   * Takes a lock for `command` (the estate's, or `name`'s: `shard-<id>`), or fails naming its
   * holder. A shared store keeps the lock alive (heartbeat) until `release`, lets it be taken over
   * only once it has expired, and calls `onLost` if it is lost all the same.
   */
  lock(command: string, opts?: LockRequest): Promise<StoreLock>;
  /** Who holds lock `name` now (a live holder only), without taking it. */
  holder(name?: string): Promise<LockHolder | undefined>;
  /** The names of the shard locks the store has (held or not): `shard-<id>`. */
  shardLocks(): Promise<string[]>;
  /** Removes a lock whoever holds it; says whose it was and where. */
  forceUnlock(opts?: { readonly name?: string }): Promise<RemovedLock | undefined>;
}

export interface LockRequest {
  /** Default `estate`; `shard-<id>` for a shard's lock. */
  readonly name?: string;
  readonly onLost?: (why: string) => void;
}

/** What force-unlock removed. */
export interface RemovedLock extends LockHolder {
  /** The lock file or object removed. */
  readonly where?: string;
  /** Whether its holder was still heartbeating (a shared store): removing it stops that run. */
  readonly live?: boolean;
}

/** A lock held in a run store. */
export interface StoreLock {
  readonly holder: LockHolder;
  /** A stale lock of a dead holder that this one replaced, if any. */
  readonly replaced?: LockHolder;
  /** Where the lock is, for messages. */
  readonly where?: string;
  /** Gives the lock up if it is still this holder's; idempotent. */
  release(): void | Promise<void>;
}

/** The local store: `<stateDir>/runs/<run>.jsonl`, `<run>.plan.json`, reports, and `<stateDir>/lock`. */
export function localRunStore(stateDir: string, opts: { readonly display?: string } = {}): RunStore {
  const runs = join(stateDir, 'runs');
  const lockPath = (name = 'estate') => join(stateDir, name === 'estate' ? 'lock' : `lock-${name}`);
  const display = opts.display ?? runs;
  return {
    where: display,
    async listRuns() {
      if (!existsSync(runs)) return [];
      return readdirSync(runs)
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => f.slice(0, -'.jsonl'.length))
        .sort();
    },
    async readJournal(runId) {
      const p = join(runs, `${runId}.jsonl`);
      return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    },
    async createJournal(header, scrub) {
      const { t: _t, ...run } = header;
      return Journal.create(runs, run, scrub);
    },
    async appendJournal(runId, scrub) {
      return Journal.continue(join(runs, `${runId}.jsonl`), scrub);
    },
    async readPlan(runId) {
      const p = join(runs, `${runId}.plan.json`);
      return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    },
    async writePlan(runId, text) {
      writeFileAtomically(join(runs, `${runId}.plan.json`), text, `cannot write the plan of run ${runId} in ${display}`);
    },
    async writeArtifact(runId, name, text) {
      writeFileAtomically(join(runs, `${runId}.${name}`), text, `cannot write ${runId}.${name} in ${display}`);
      return join(display, `${runId}.${name}`);
    },
    async lock(command, opts = {}) {
      const path = lockPath(opts.name);
      return { ...acquireLock(path, command), where: path };
    },
    async shardLocks() {
      if (!existsSync(stateDir)) return [];
      return readdirSync(stateDir)
        .filter((f) => /^lock-shard-[^.]+(\.[^.]+)*$/.test(f) && !/\.(break|tmp|removed)-/.test(f))
        .map((f) => f.slice('lock-'.length))
        .sort();
    },
    async holder(name) {
      const h = readHolder(lockPath(name));
      return h && !(h.host === hostname() && !processAlive(h.pid)) ? h : undefined;
    },
    async forceUnlock(opts = {}) {
      const path = lockPath(opts.name);
      const removed = forceUnlock(path);
      return removed === undefined ? undefined : { ...removed, where: path };
    },
  };
}

/** A new run id: UTC start time to the second, then 6 random hex digits (sorts by start time). */
export function newRunId(now: Date = new Date(), random: () => string = () => randomBytes(3).toString('hex')): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${random()}`;
}

/** The estate identity of a config file (as given, relative to `cwd`) and its accounts' UIDs. */
export function estateIdentity(cwd: string, file: string, uids: Iterable<string>, shard?: string): EstateIdentity {
  const rel = relative(cwd, resolve(cwd, file)).split(sep).join('/');
  return { configFile: rel === '' ? file : rel, accounts: [...new Set(uids)].sort(), ...(shard !== undefined ? { shard } : {}) };
}

/**
 * Whether a run's estate is `b`'s. A shard run (`b.shard`) matches runs of that shard only; a run of
 * the whole estate matches shard runs too, so that it takes over what a killed shard run left in
 * flight (a shard's actions are the estate's).
 */
function sameEstate(a: EstateIdentity | undefined, b: EstateIdentity): boolean {
  if (a === undefined || a.configFile !== b.configFile || a.accounts.length !== b.accounts.length || !a.accounts.every((u, i) => u === b.accounts[i])) return false;
  return b.shard === undefined || a.shard === b.shard;
}

/** One run as found in the store. */
export interface RunInfo {
  readonly runId: string;
  readonly state: RunState;
}

async function scanRuns(store: RunStore): Promise<RunInfo[]> {
  const out: RunInfo[] = [];
  for (const runId of await store.listRuns()) {
    const text = await store.readJournal(runId);
    if (text === undefined) continue;
    out.push({ runId, state: foldRun(parseJournal(text), runId) });
  }
  return out;
}

/** What the caller (the CLI) knows that run policy needs. */
export interface RunContext {
  readonly store: RunStore;
  readonly mode: 'apply' | 'destroy';
  readonly estate: EstateIdentity;
  readonly configDigest: string;
  /** Derives the plan now, from the config and the live state. */
  derive(targets: readonly string[]): Promise<Plan>;
  /** Parses and checks a plan file's text (hash, signature); throws AcrctlError when unusable. */
  parsePlan(text: string, where: string): Plan;
}

export interface RunRequest {
  /** `apply PLAN`: the saved plan, already read and checked. */
  readonly saved?: { readonly plan: Plan; readonly file: string };
  readonly resume?: boolean;
  /** `--run ID`: the run to resume. */
  readonly runId?: string;
  /** `--replan`: continue the run from a plan derived afresh, not from its plan copy. */
  readonly replan?: boolean;
  /** `--target` addresses. */
  readonly targets?: readonly string[];
}

/** What to run. */
export interface RunDecision {
  /** The plan to execute (derived now, or the run's own when it still holds). */
  readonly plan: Plan;
  readonly resume?: ResumeState;
  /** The run to continue; absent when a new run starts. */
  readonly continues?: string;
  /** Unfinished runs a new run takes over. */
  readonly supersedes: readonly string[];
  /** In-flight actions a new run takes over: `inherit` records for its journal. */
  readonly inherited: readonly Extract<JournalRecord, { t: 'inherit' }>[];
  readonly savedPlan?: string;
  readonly targets: readonly string[];
  /** Lines for the operator (what is resumed or reconciled). */
  readonly notes: readonly string[];
}

/** Chooses what an apply (or destroy) runs; see the file comment for the policy. */
export async function decideRun(ctx: RunContext, req: RunRequest): Promise<RunDecision> {
  const runs = await scanRuns(ctx.store);
  const notes: string[] = [];
  const superseded = new Set(runs.flatMap((r) => r.state.header?.supersedes ?? []));
  const command = (r: RunInfo) => r.state.header?.command ?? 'apply';
  const unfinished = (r: RunInfo) => r.state.status !== 'complete' && !superseded.has(r.runId);
  const orphans = runs.filter((r) => r.state.header === undefined && unfinished(r) && r.state.inFlight.size > 0 && r.runId !== req.runId);
  if (orphans.length > 0) {
    const o = orphans[0]!;
    throw new AcrctlError('apply.run-unreadable', `the header of run ${o.runId} (line 1 of ${ctx.store.where}/${o.runId}.jsonl) is damaged: its estate cannot be told, and it has ${o.state.inFlight.size} action${o.state.inFlight.size === 1 ? '' : 's'} that may be in flight`, {
      hint: `if it is a run of this estate, continue it with acrctl ${ctx.mode} --resume --run ${o.runId}; otherwise move ${o.runId}.jsonl out of ${ctx.store.where}`,
    });
  }
  const mine = runs.filter((r) => r.state.header !== undefined && command(r) === ctx.mode && sameEstate(r.state.header.estate, ctx.estate));

  if (req.saved) return savedPlanRun(ctx, req, req.saved, runs, mine.filter(unfinished), notes);

  if (req.resume || req.runId !== undefined) {
    if (req.targets && req.targets.length > 0) {
      throw new AcrctlError('cli.bad-option', '--target cannot be given with --resume: a resumed run keeps the targets it started with', { hint: `run acrctl ${ctx.mode} --resume without --target` });
    }
    const chosen = req.runId !== undefined ? namedRun(ctx, runs, req.runId, superseded) : onlyCandidate(ctx, mine.filter(unfinished));
    if (chosen) return continueRun(ctx, req, chosen, notes);
    notes.push(`no interrupted ${ctx.mode} to resume: ${ctx.mode === 'destroy' ? 'destroying what' : 'applying'} the configuration${ctx.mode === 'destroy' ? ' declares' : ''}`);
  }
  const targets = [...(req.targets ?? [])];
  const plan = await ctx.derive(targets);
  return { ...takeOver(ctx, plan, mine.filter(unfinished), notes), targets };
}

/** `--run ID`: that run, if it may be continued here. */
function namedRun(ctx: RunContext, runs: readonly RunInfo[], runId: string, superseded: ReadonlySet<string>): RunInfo {
  const r = runs.find((x) => x.runId === runId);
  if (!r) throw new AcrctlError('apply.no-such-run', `there is no run ${runId} in ${ctx.store.where}`, { hint: `acrctl ${ctx.mode} --resume lists the unfinished runs of this estate when there are several` });
  const h = r.state.header;
  if (h && (h.command ?? 'apply') !== ctx.mode) {
    throw new AcrctlError('apply.other-command', `run ${runId} is an unfinished ${h.command ?? 'apply'}, not ${ctx.mode === 'apply' ? 'an apply' : 'a destroy'}`, { hint: `continue it with acrctl ${h.command ?? 'apply'} --resume --run ${runId}` });
  }
  if (h && !sameEstate(h.estate, ctx.estate)) {
    throw new AcrctlError('apply.other-estate', `run ${runId} belongs to another estate (${describeEstate(h.estate)}), not to ${describeEstate(ctx.estate)}`, {
      hint: 'resume it from the directory and config file it was started with',
    });
  }
  if (r.state.status === 'complete') {
    throw new AcrctlError('apply.run-complete', `run ${runId} completed: there is nothing to resume`, { hint: `run acrctl ${ctx.mode} to plan and apply again` });
  }
  if (superseded.has(runId)) {
    const by = runs.find((x) => x.state.header?.supersedes?.includes(runId));
    throw new AcrctlError('apply.run-superseded', `run ${runId} was taken over by run ${by?.runId ?? '?'}, which holds its in-flight actions`, { hint: `continue that one: acrctl ${ctx.mode} --resume --run ${by?.runId ?? ''}`.trim() });
  }
  return r;
}

function describeEstate(e: EstateIdentity | undefined): string {
  if (e === undefined) return 'an estate an older acrctl did not record';
  return `${e.configFile}, account${e.accounts.length === 1 ? '' : 's'} ${e.accounts.join(', ') || 'none'}`;
}

function onlyCandidate(ctx: RunContext, candidates: readonly RunInfo[]): RunInfo | undefined {
  if (candidates.length <= 1) return candidates[0];
  const list = candidates.map((c) => `${c.runId} (started ${c.state.startedAt ?? '?'}, ${c.state.status === 'running' ? 'stopped' : c.state.status}, ${c.state.done.size} done, ${c.state.inFlight.size} in flight)`);
  throw new AcrctlError('apply.several-runs', `${candidates.length} unfinished ${ctx.mode} runs of this estate: ${list.join('; ')}`, { hint: `choose one: acrctl ${ctx.mode} --resume --run ID` });
}

/** Continues run `r`: with its own plan while that still holds, else with a plan derived afresh. */
async function continueRun(ctx: RunContext, req: RunRequest, r: RunInfo, notes: string[]): Promise<RunDecision> {
  const { state } = r;
  const targets = [...(state.header?.targets ?? [])];
  const resumeHint = `acrctl ${ctx.mode} --resume${req.runId !== undefined ? ` --run ${r.runId}` : ''} --replan`;
  let runPlan: Plan | undefined;
  if (!req.replan) {
    const text = await ctx.store.readPlan(r.runId);
    if (text === undefined) {
      throw new AcrctlError('apply.run-plan-missing', `the plan of run ${r.runId} is missing: run \`${resumeHint}\` to reconcile from the journal's intents`, {
        hint: `${resumeHint} plans again from the configuration and reconciles the ${state.inFlight.size} action${state.inFlight.size === 1 ? '' : 's'} the journal left in flight before sending anything`,
      });
    }
    try {
      runPlan = ctx.parsePlan(text, `${ctx.store.where}/${r.runId}.plan.json`);
    } catch (err) {
      if (!(err instanceof AcrctlError)) throw err;
      throw new AcrctlError('apply.run-plan-unusable', `the plan of run ${r.runId} cannot be used (${err.message}): run \`${resumeHint}\` to reconcile from the journal's intents`, { cause: err });
    }
    if (state.planId !== undefined && runPlan.planId !== state.planId) {
      // A continuation was interrupted between naming its plan in the journal and saving it: the
      // copy is an older plan of the run. Plan again (safe: derived from the config).
      notes.push(`the plan copy of run ${r.runId} is older than its journal (a continuation was interrupted while starting)`);
      runPlan = undefined;
    }
  }
  for (const d of state.damaged) notes.push(`warning: ${ctx.store.where}/${r.runId}.jsonl line ${d.line} ${d.torn ? 'was torn by the interruption' : 'is damaged (not a journal record)'}; ignored`);
  const fresh = await ctx.derive(targets);
  const base = { continues: r.runId, supersedes: [] as string[], inherited: [], targets, ...(state.header?.savedPlan !== undefined ? { savedPlan: state.header.savedPlan } : {}) };

  if (runPlan && runPlan.configDigest === ctx.configDigest) {
    const moved = pendingDifference(runPlan, fresh, state);
    if (moved === undefined) {
      const { plan, resume } = ownPlan(r.runId, runPlan, fresh, state);
      notes.push(`resuming run ${r.runId}: ${resume.done.size} action${resume.done.size === 1 ? '' : 's'} finished, ${resume.inFlight.size} to reconcile`);
      return { ...base, plan, resume, notes };
    }
    const resume = freshResume(r.runId, fresh, state);
    notes.push(`the live estate moved since run ${r.runId} was planned (${moved}): planned again; reconciling ${resume.inFlight.size} action${resume.inFlight.size === 1 ? '' : 's'} it left in flight`);
    return { ...base, plan: fresh, resume, notes };
  }
  const resume = freshResume(r.runId, fresh, state);
  notes.push(
    runPlan
      ? `the configuration changed since run ${r.runId}: planned again; reconciling ${resume.inFlight.size} action${resume.inFlight.size === 1 ? '' : 's'} it left in flight`
      : `continuing run ${r.runId} from a plan derived again${req.replan ? ' (--replan)' : ''}: reconciling ${resume.inFlight.size} action${resume.inFlight.size === 1 ? '' : 's'} its journal left in flight`,
  );
  return { ...base, plan: fresh, resume, notes };
}

/** Finished in this run: journalled done, and (when the journal says) the same action. */
function doneAs(state: RunState, a: Action): boolean {
  const d = state.done.get(a.id);
  return d !== undefined && (d.digest === undefined || d.digest === actionDigest(a));
}

/**
 * Why the run's own plan no longer holds, or undefined when it does: every action it had not
 * started (neither done nor in flight) must be derived again unchanged, and the fresh plan may ask
 * for nothing the run's plan lacks. A gate the fresh plan no longer shows was flipped: it holds.
 */
function pendingDifference(runPlan: Plan, fresh: Plan, state: RunState): string | undefined {
  const freshById = new Map(fresh.actions.map((a) => [a.id, a] as const));
  const runIds = new Set(runPlan.actions.map((a) => a.id));
  for (const a of runPlan.actions) {
    if (state.done.has(a.id) || state.inFlight.has(a.id)) continue;
    const f = freshById.get(a.id);
    if (f === undefined) {
      if (a.type === 'gate') continue;
      return `${a.id} is no longer to ${a.type}`;
    }
    if (actionDigest(f) !== actionDigest(a)) return `${a.id} would now be planned differently`;
  }
  for (const f of fresh.actions) if (!runIds.has(f.id)) return `${f.id} is new`;
  return undefined;
}

/**
 * The run's own plan with the real values of the fresh derivation: actions the run finished are
 * kept as they were (they are not run again); those it had not started are the fresh plan's (the
 * same in public form); an in-flight one is the fresh plan's version when there is one (reconciled,
 * then completed as the configuration asks now), else kept as sent and only reconciled, never
 * requested again: nothing is sent that the configuration does not derive. A gate the fresh plan no
 * longer shows is kept: the executor verifies it by a live read.
 */
function ownPlan(runId: string, runPlan: Plan, fresh: Plan, state: RunState): { plan: Plan; resume: ResumeState } {
  const freshById = new Map(fresh.actions.map((a) => [a.id, a] as const));
  const all = toResumeState([runId], state);
  const done = new Map<string, Readonly<Record<string, string>>>();
  const reconcileOnly = new Set<string>();
  const actions = runPlan.actions.map((a) => {
    const f = freshById.get(a.id);
    if (doneAs(state, a)) {
      done.set(a.id, all.done.get(a.id) ?? {});
      return a;
    }
    // Not started: the same as derived now (pendingDifference). In flight: what the configuration
    // derives now for it (the live state may have moved with it: its container exists now).
    if (f !== undefined) return { ...f, dependsOn: a.dependsOn };
    reconcileOnly.add(a.id);
    return a;
  });
  return {
    plan: { ...runPlan, actions },
    resume: { ...all, done, inFlight: new Set([...all.inFlight].filter((id) => !done.has(id))), reconcileOnly },
  };
}

/** Resume state of run `runId` over a plan derived afresh: done only where the same action finished; in flight where it still is. */
function freshResume(runId: string, fresh: Plan, state: RunState): ResumeState {
  const all = toResumeState([runId], state);
  const ids = new Set(fresh.actions.map((a) => a.id));
  const done = new Map<string, Readonly<Record<string, string>>>();
  for (const a of fresh.actions) if (doneAs(state, a)) done.set(a.id, all.done.get(a.id) ?? {});
  return { ...all, done, inFlight: new Set([...all.inFlight].filter((id) => ids.has(id) && !done.has(id))), failed: new Map() };
}

/** A new run over `plan` that takes over the in-flight actions of the unfinished runs given. */
function takeOver(ctx: RunContext, plan: Plan, unfinished: readonly RunInfo[], notes: string[]): Omit<RunDecision, 'targets'> {
  if (unfinished.length === 0) return { plan, supersedes: [], inherited: [], notes };
  const ids = new Set(plan.actions.map((a) => a.id));
  const inherited = new Map<string, Extract<JournalRecord, { t: 'inherit' }>>();
  for (const r of unfinished) {
    for (const d of r.state.damaged) notes.push(`warning: ${ctx.store.where}/${r.runId}.jsonl line ${d.line} ${d.torn ? 'was torn by the interruption' : 'is damaged (not a journal record)'}; ignored`);
    for (const [id, f] of r.state.inFlight) {
      if (!ids.has(id)) continue;
      inherited.set(id, { t: 'inherit', id, from: r.runId, tokenRun: f.tokenRun, calls: f.calls, ...(f.at !== undefined ? { at: f.at } : {}) });
    }
  }
  const records = [...inherited.values()];
  const resume: ResumeState | undefined =
    records.length > 0
      ? {
          runs: unfinished.map((r) => r.runId),
          done: new Map(),
          inFlight: new Set(records.map((r) => r.id)),
          intents: new Map(records.filter((r) => r.calls.length > 0).map((r) => [r.id, r.calls] as const)),
          failed: new Map(),
          tornLines: unfinished.reduce((n, r) => n + r.state.damaged.length, 0),
          tokenRuns: new Map(records.map((r) => [r.id, r.tokenRun] as const)),
          intentAt: new Map(records.flatMap((r) => (r.at !== undefined ? [[r.id, r.at] as const] : []))),
        }
      : undefined;
  if (records.length > 0) notes.push(`an earlier ${ctx.mode} did not finish: reconciling ${records.length} action${records.length === 1 ? '' : 's'} it left in flight before requesting them again`);
  return { plan, ...(resume ? { resume } : {}), supersedes: unfinished.map((r) => r.runId), inherited: records, notes };
}

/** `apply PLAN`: the saved plan, if it is exactly what would be derived now and was never applied. */
async function savedPlanRun(ctx: RunContext, req: RunRequest, saved: { plan: Plan; file: string }, runs: readonly RunInfo[], unfinished: readonly RunInfo[], notes: string[]): Promise<RunDecision> {
  const earlier = runs.find((r) => r.state.header?.savedPlan === saved.plan.planId);
  if (earlier) {
    const by = runs.find((r) => r.state.header?.supersedes?.includes(earlier.runId));
    if (earlier.state.status === 'complete' || by) {
      throw new AcrctlError('apply.plan-applied', `refusing ${saved.file}: this plan was already applied in run ${earlier.runId}${by ? ` (which run ${by.runId} took over)` : ''}`, { hint: 'to apply the configuration again, make and review a new plan: acrctl plan --out FILE' });
    }
    throw new AcrctlError('apply.plan-applied', `refusing ${saved.file}: this plan was started in run ${earlier.runId}, which did not finish`, { hint: `continue that run with acrctl apply --resume --run ${earlier.runId}` });
  }
  if (req.targets && req.targets.length > 0) {
    throw new AcrctlError('cli.bad-option', '--target cannot be given with a saved plan: it is applied as it was made', { hint: 'make a targeted plan with acrctl plan --target ADDR --out FILE' });
  }
  const targets = [...(saved.plan.target?.addresses ?? [])];
  const fresh = await ctx.derive(targets);
  const diff = firstDifference(saved.plan, fresh);
  if (diff !== undefined) {
    const stale = diff.startsWith('the configuration') || diff.startsWith('the live estate');
    throw new AcrctlError(stale ? 'apply.stale_plan' : 'apply.plan-mismatch', `refusing ${saved.file}: ${stale ? diff.replace('the configuration', fresh.configFile) : `it is not what the configuration and the live estate derive now: ${diff}`}`, {
      hint: 'run acrctl plan --out again and review the new plan',
    });
  }
  return { ...takeOver(ctx, fresh, unfinished, notes), savedPlan: saved.plan.planId, targets };
}

/** Starts (or continues) the journal of the run decided on, and writes its plan copy. */
export async function beginRun(
  ctx: Pick<RunContext, 'store' | 'mode' | 'estate' | 'configDigest'>,
  d: RunDecision,
  opts: { readonly planText: string; readonly scrub: (text: string) => string; readonly now?: () => Date; readonly pid?: number; readonly host?: string },
): Promise<{ runId: string; journal: JournalWriter }> {
  const now = opts.now?.() ?? new Date();
  const pid = opts.pid ?? process.pid;
  const host = opts.host ?? hostname();
  if (d.continues !== undefined) {
    // The journal names the continuation's plan before the copy is replaced: a crash in between
    // leaves an older copy, which the next resume recognises and does not use.
    const journal = await ctx.store.appendJournal(d.continues, opts.scrub);
    await journal.append({ t: 'resume', planId: d.plan.planId, startedAt: now.toISOString(), pid, host });
    await ctx.store.writePlan(d.continues, opts.planText);
    return { runId: d.continues, journal };
  }
  const runId = newRunId(now);
  await ctx.store.writePlan(runId, opts.planText);
  const journal = await ctx.store.createJournal(
    {
      t: 'run',
      runId,
      planId: d.plan.planId,
      startedAt: now.toISOString(),
      pid,
      command: ctx.mode,
      host,
      estate: ctx.estate,
      configDigest: ctx.configDigest,
      ...(d.targets.length > 0 ? { targets: d.targets } : {}),
      ...(d.savedPlan !== undefined ? { savedPlan: d.savedPlan } : {}),
      ...(d.supersedes.length > 0 ? { supersedes: d.supersedes } : {}),
    },
    opts.scrub,
  );
  for (const r of d.inherited) await journal.append(r);
  return { runId, journal };
}

/** Closes a continued run whose plan has nothing left to do (so it is no longer unfinished). */
export async function closeRun(store: RunStore, runId: string, planId: string, scrub: (text: string) => string): Promise<void> {
  const journal = await store.appendJournal(runId, scrub);
  try {
    await journal.append({ t: 'resume', planId, startedAt: new Date().toISOString(), pid: process.pid, host: hostname() });
    await journal.append({ t: 'end', status: 'complete' });
  } finally {
    await journal.close();
  }
}
