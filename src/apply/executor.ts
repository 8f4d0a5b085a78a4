/**
 * The executor: carries out a plan's actions in dependency order with bounded concurrency,
 * journalling every step, and resumes from earlier runs of the same plan.
 *
 * Owns: scheduling, failure propagation (a failed action skips its dependants; independent branches
 * finish), gates (stop, after everything not behind them), resume (skip finished actions, reconcile
 * in-flight ones through live reads), ClientTokens, and events. Never prints: views render events.
 * Knows no kind by name. What each action's steps are and how an interrupted step is judged is
 * src/apply/verbs.ts.
 */
import { createHash } from 'node:crypto';
import type { CloudSession } from '../cloud/session.js';
import { AcrctlError } from '../errors.js';
import { Dag } from '../graph/dag.js';
import type { ExecContext, Ids, Kind, Outcome } from '../plan/kind.js';
import type { Action, Plan } from '../plan/model.js';
import { actionDigest, type JournalWriter, type ResumeState } from './journal.js';
import { checkGate, decodeAction, reconcileStep, resumeAction, runStep, stepContext, stepsOf, type Decoded, type Resumed, type Step } from './verbs.js';

/** Events the executor emits (STYLE.md habit 4). `data` is JSON and never holds secrets. */
export interface ApplyEvent {
  readonly level: 'info' | 'warn' | 'error';
  readonly code:
    | 'run.start'
    | 'run.end'
    | 'action.start'
    | 'action.progress'
    | 'action.done'
    | 'action.failed'
    | 'action.skipped'
    | 'action.gate'
    | 'action.resumed'
    | 'action.reconciled';
  readonly message: string;
  readonly action?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type ActionStatus = 'done' | 'failed' | 'skipped' | 'gated' | 'blocked' | 'already-done' | 'interrupted';

export interface ApplyResult {
  readonly status: 'complete' | 'failed' | 'gated' | 'interrupted';
  readonly actions: ReadonlyMap<string, { status: ActionStatus; message?: string; report?: Readonly<Record<string, string | number | boolean>> }>;
  /** Ids learned per address in this run and earlier runs. */
  readonly ids: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

export interface ExecuteOptions {
  readonly plan: Plan;
  readonly kinds: ReadonlyMap<string, Kind>;
  readonly cloud: CloudSession;
  readonly journal: Pick<JournalWriter, 'append'>;
  /** The run this execution belongs to: ClientTokens derive from it (see {@link clientToken}). */
  readonly runId: string;
  /** What earlier work on this run (and the runs it took over) left; absent on a first run. */
  readonly resume?: ResumeState;
  /** Maximum actions running at once (default 10). */
  readonly parallelism?: number;
  readonly emit: (e: ApplyEvent) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Stops what runs: actions in flight are journalled `interrupted` at once (their calls may have
   * landed; resume reconciles them), waits and copies are cancelled, no further call is announced.
   */
  readonly signal?: AbortSignal;
  /** A graceful stop: once aborted, no action is started; those in flight go on to their outcome. */
  readonly stop?: AbortSignal;
  /** How often a running action reports that it is still running (ms, default 10,000). */
  readonly heartbeatMs?: number;
}

/**
 * `acrctl-<sha256(runId, action, suffix)[:40]>`: ≤ 64 ASCII. Stable across retries and resumes of
 * one run (an in-flight action a new run takes over keeps the token of the run that sent it), new
 * for a new run: a purchase after a refund is a new request, never answered with the refunded one.
 */
export function clientToken(runId: string, actionId: string, suffix = ''): string {
  return `acrctl-${createHash('sha256').update(`${runId}\u0000${actionId}\u0000${suffix}`).digest('hex').slice(0, 40)}`;
}

/**
 * The code of a CloudApiError whose call may or may not have landed (a dropped connection on a
 * non-idempotent call, src/cloud/errors.ts): the executor reconciles it by reading.
 */
export const OUTCOME_UNKNOWN = 'cloud.outcome-unknown';

/** An error whose outcome is unknown is reconciled. */
function outcomeUnknown(err: unknown): boolean {
  return err instanceof AcrctlError && err.code === OUTCOME_UNKNOWN;
}

export async function execute(opts: ExecuteOptions): Promise<ApplyResult> {
  const { plan, kinds, journal, emit } = opts;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const parallelism = Math.max(1, opts.parallelism ?? 10);
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const byId = new Map(plan.actions.map((a) => [a.id, a] as const));
  const dag = new Dag();
  for (const a of plan.actions) {
    dag.addNode(a.id);
    for (const d of a.dependsOn) dag.addEdge(d, a.id);
  }
  const order = dag.topologicalOrder();
  const position = new Map(order.map((id, i) => [id, i] as const));

  const learned = new Map<string, Readonly<Record<string, string>>>();
  for (const [addr, ids] of Object.entries(plan.refs)) learned.set(addr, ids);
  for (const a of plan.actions) if (a.ids !== undefined) learned.set(a.id, a.ids);
  const status = new Map<string, { status: ActionStatus; message?: string; report?: Readonly<Record<string, string | number | boolean>> }>();
  for (const [id, ids] of opts.resume?.done ?? []) {
    if (!byId.has(id)) continue;
    learned.set(id, { ...(learned.get(id) ?? {}), ...ids });
    status.set(id, { status: 'already-done' });
  }

  emit({ level: 'info', code: 'run.start', message: `applying plan ${plan.planId.slice(0, 12)}: ${plan.actions.length} actions`, data: { planId: plan.planId, total: plan.actions.length, alreadyDone: status.size, resumedRuns: opts.resume?.runs.length ?? 0 } });
  for (const id of status.keys()) emit({ level: 'info', code: 'action.resumed', action: id, message: `${id}: finished in an earlier run` });

  const finished = (id: string) => {
    const s = status.get(id)?.status;
    return s === 'done' || s === 'already-done';
  };
  const settled = (id: string) => status.has(id);
  const running = new Map<string, Promise<void>>();
  const aborted = opts.signal ? abortedPromise(opts.signal) : undefined;
  const untilAborted = <T>(work: Promise<T>): Promise<T> => (aborted ? Promise.race([work, aborted]) : work);


  const markBehind = (id: string, why: 'skipped' | 'blocked', cause: string) => {
    for (const dep of dag.transitiveDependants(id)) {
      if (settled(dep)) continue;
      status.set(dep, { status: why, message: cause });
      emit({ level: why === 'skipped' ? 'warn' : 'info', code: 'action.skipped', action: dep, message: `${dep}: ${why === 'skipped' ? 'skipped because' : 'waits behind'} ${cause}`, data: { because: id, kind: why } });
    }
  };

  const runOne = async (action: Action): Promise<void> => {
    const kind = kinds.get(action.kind);
    if (!kind) throw new AcrctlError('apply.unknown_kind', `the plan names kind ${action.kind}, which this acrctl does not know`, { address: action.id, hint: 'apply the plan with the acrctl version that made it' });
    const started = now();
    emit({ level: 'info', code: 'action.start', action: action.id, message: `${verb(action)} ${action.id}`, data: { type: action.type, kind: action.kind } });
    const heartbeat = setInterval(() => {
      emit({ level: 'info', code: 'action.progress', action: action.id, message: `still ${verbing(action)} ${action.id} … [${Math.round((now() - started) / 1000)}s elapsed]`, data: { elapsedMs: now() - started } });
    }, heartbeatMs);
    heartbeat.unref?.();
    try {
      await journal.append({ t: 'start', id: action.id });
      const d = decodeAction(kind, action);
      const baseCtx = makeContext(action);
      if (action.type === 'gate') {
        // A gate is verified by a live read, never carried out.
        const r = await untilAborted(checkGate(kind, baseCtx, action, d));
        if (r.state === 'done') {
          await journal.append({ t: 'done', id: action.id, digest: actionDigest(action) });
          status.set(action.id, { status: 'done' });
          emit({ level: 'info', code: 'action.done', action: action.id, message: `${action.id}: gate verified`, data: { elapsedMs: now() - started } });
        } else {
          await journal.append({ t: 'gate', id: action.id });
          status.set(action.id, { status: 'gated' });
          emit({ level: 'warn', code: 'action.gate', action: action.id, message: `${action.id}: waiting at a gate (a console-only switch, or a step for someone acrctl cannot act for)`, data: { gate: action.gate } });
          markBehind(action.id, 'blocked', `gate ${action.id}`);
        }
        return;
      }
      let steps: readonly Step[] = stepsOf(kind, action);
      let outcome: Outcome = {};
      if (opts.resume?.inFlight.has(action.id)) {
        const satisfied = opts.resume.reconcileOnly?.has(action.id) === true;
        const r = await untilAborted(resumeAction(kind, baseCtx, action, { ...resumed(action.id), ...(satisfied ? { satisfied } : {}) }, d));
        emit({ level: 'info', code: 'action.reconciled', action: action.id, message: `${action.id}: interrupted earlier; live state says ${r.reconciled.state}`, data: { state: r.reconciled.state } });
        if (r.reconciled.state === 'absent' && opts.resume.reconcileOnly?.has(action.id)) {
          // Sent by an earlier run as it was planned then, which the configuration no longer derives:
          // never request it again on the strength of an old plan.
          throw new AcrctlError('apply.not-rederived', `${action.id} was in flight when the run stopped and did not land; it is not sent again, since the configuration no longer derives it as it was sent`, {
            address: action.id,
            hint: 'run acrctl plan to see what the configuration asks for now, then acrctl apply',
          });
        }
        steps = r.steps;
        if (r.learned !== undefined) outcome = { ids: r.learned };
      }
      for (const step of steps) {
        const out = await untilAborted(runWithRetry(kind, action, d, step, baseCtx));
        if (step.verb !== 'delete') outcome = out;
      }
      const ids = outcome.ids ?? {};
      learned.set(action.id, { ...(learned.get(action.id) ?? {}), ...ids });
      await journal.append({ t: 'done', id: action.id, ...(Object.keys(ids).length > 0 ? { ids } : {}), digest: actionDigest(action), ...(outcome.report ? { report: outcome.report } : {}) });
      status.set(action.id, { status: 'done', ...(outcome.report ? { report: outcome.report } : {}) });
      emit({ level: 'info', code: 'action.done', action: action.id, message: `${action.id}: ${pastVerb(action)}`, data: { elapsedMs: now() - started, ids, ...(outcome.report ? { report: outcome.report } : {}) } });
    } catch (err) {
      const code = err instanceof AcrctlError ? err.code : 'internal';
      const message = err instanceof Error ? err.message : String(err);
      if (opts.signal?.aborted) {
        // Stopped by an interruption mid-call: the outcome is unknown, not a failure. Resume reconciles it.
        await journal.append({ t: 'interrupted', id: action.id, message });
        status.set(action.id, { status: 'interrupted', message: 'interrupted' });
        emit({ level: 'warn', code: 'action.failed', action: action.id, message: `${action.id}: interrupted`, data: { code: 'interrupted' } });
        return;
      }
      await journal.append({ t: 'failed', id: action.id, code, message });
      status.set(action.id, { status: 'failed', message });
      emit({ level: 'error', code: 'action.failed', action: action.id, message: `${action.id}: ${message}`, data: { code, ...(err instanceof AcrctlError && err.hint ? { hint: err.hint } : {}) } });
      markBehind(action.id, 'skipped', `${action.id} failed`);
    } finally {
      clearInterval(heartbeat);
    }
  };

  // Calls announced for an action: by an interrupted run (resume), then by this run. A call of this
  // run whose answer was lost (outcome unknown) is reconciled like an interrupted one: an object that
  // shows only some time after its create is pending, not absent, so it is not sent twice.
  const announcedInRun = new Map<string, string[]>();
  const announcedAt = new Map<string, number>();
  const resumed = (id: string): Resumed => {
    const calls = [...(opts.resume?.intents.get(id) ?? []), ...(announcedInRun.get(id) ?? [])];
    const at = announcedAt.get(id) ?? opts.resume?.intentAt?.get(id);
    return calls.length > 0 ? { announced: calls, ...(at !== undefined ? { announcedAt: at } : {}) } : {};
  };

  const makeContext = (action: Action): ExecContext => ({
    cloud: opts.cloud,
    ids: (address) => learned.get(address) ?? {},
    clientToken: (suffix) => clientToken(opts.resume?.tokenRuns?.get(action.id) ?? opts.runId, action.id, suffix),
    intent: async (call, detail) => {
      // Once stopped, nothing more is sent: a call not yet announced is never made.
      if (opts.signal?.aborted) throw new AcrctlError('apply.interrupted', `interrupted before ${call}`);
      const at = now();
      await journal.append({ t: 'intent', id: action.id, call, ...(detail ? { detail } : {}), at });
      announcedInRun.set(action.id, [...(announcedInRun.get(action.id) ?? []), call]);
      announcedAt.set(action.id, at);
    },
    progress: (message, data) => emit({ level: 'info', code: 'action.progress', action: action.id, message, ...(data ? { data } : {}) }),
    now,
    sleep,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });

  /**
   * One step, sent again (at most three attempts) when its outcome is unknown (a dropped connection):
   * the live state says first whether it landed, is on its way, or must be sent again.
   */
  const runWithRetry = async (kind: Kind, action: Action, d: Decoded, step: Step, baseCtx: ExecContext): Promise<Outcome> => {
    let pending = step.pending;
    for (let attempt = 1; ; attempt++) {
      try {
        return await runStep(kind, stepContext(baseCtx, action, step.verb, pending), action, d, step.verb);
      } catch (err) {
        if (!outcomeUnknown(err) || attempt >= 3) throw err;
        // The calls this run announced count: a create that shows late and was sent is pending.
        const r = await reconcileStep(kind, stepContext(baseCtx, action, step.verb, undefined), action, d, step.verb, resumed(action.id));
        emit({ level: 'warn', code: 'action.reconciled', action: action.id, message: `${action.id}: connection lost mid-call; live state says ${r.state}`, data: { state: r.state } });
        if (r.state === 'done') return r.ids ? { ids: r.ids } : {};
        pending = r.state === 'pending' ? r : undefined;
      }
    }
  };

  // Schedule by dependency counts: an action becomes ready when its last dependency finishes; the
  // ready list is kept in topological position order so runs are deterministic for a given timing.
  const waitingOn = new Map<string, number>();
  const ready: string[] = [];
  for (const id of order) {
    if (settled(id)) continue;
    const n = byId.get(id)!.dependsOn.filter((d) => !finished(d)).length;
    waitingOn.set(id, n);
    if (n === 0) ready.push(id);
  }
  const release = (id: string) => {
    if (!finished(id)) return;
    for (const dep of dag.dependants(id)) {
      const n = waitingOn.get(dep);
      if (n === undefined) continue;
      waitingOn.set(dep, n - 1);
      if (n - 1 === 0 && !settled(dep)) insertSorted(ready, dep, position);
    }
  };
  while (ready.length > 0 || running.size > 0) {
    while (ready.length > 0 && running.size < parallelism && !opts.signal?.aborted && !opts.stop?.aborted) {
      const id = ready.shift()!;
      if (settled(id)) continue;
      const p = runOne(byId.get(id)!).finally(() => {
        running.delete(id);
        release(id);
      });
      running.set(id, p);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  await Promise.all(running.values());

  const statuses = [...status.values()].map((s) => s.status);
  // Stopped with work left (not started, or cut off mid-call): interrupted, whatever else happened.
  const stopped = (opts.signal?.aborted || opts.stop?.aborted) && (statuses.includes('interrupted') || plan.actions.some((a) => !settled(a.id)));
  const result: ApplyResult['status'] = stopped ? 'interrupted' : statuses.includes('failed') ? 'failed' : statuses.includes('gated') ? 'gated' : 'complete';
  await journal.append({ t: 'end', status: result });
  emit({ level: result === 'failed' ? 'error' : 'info', code: 'run.end', message: `${plan.mode === 'destroy' ? 'destroy' : 'apply'} ${result}`, data: { status: result, counts: countStatuses(status) } });
  return { status: result, actions: status, ids: learned };
}

/**
 * A promise that rejects when `signal` aborts (one listener per run, whatever the parallelism).
 * Raced with an action's work, it ends the action at once; the work goes on unobserved, and what it
 * would announce next is refused by the context's intent, so it sends nothing more.
 */
function abortedPromise(signal: AbortSignal): Promise<never> {
  const p = new Promise<never>((_, reject) => {
    const fail = () => reject(new AcrctlError('apply.interrupted', 'interrupted'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  p.catch(() => undefined);
  return p;
}

function insertSorted(list: string[], id: string, position: ReadonlyMap<string, number>): void {
  const p = position.get(id)!;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (position.get(list[mid]!)! < p) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, id);
}

function countStatuses(status: ReadonlyMap<string, { status: ActionStatus }>): Record<ActionStatus, number> {
  const c: Record<ActionStatus, number> = { done: 0, failed: 0, skipped: 0, gated: 0, blocked: 0, 'already-done': 0, interrupted: 0 };
  for (const s of status.values()) c[s.status]++;
  return c;
}

function verb(a: Action): string {
  return { create: 'creating', update: 'updating', replace: 'replacing', delete: 'destroying', run: 'running', gate: 'verifying gate' }[a.type];
}
const verbing = verb;
function pastVerb(a: Action): string {
  return { create: 'created', update: 'updated', replace: 'replaced', delete: 'destroyed', run: 'finished', gate: 'gate verified' }[a.type];
}
