/**
 * ExecContexts for kind tests, and a way to run a whole plan through the real executor, with an
 * emulated clock: sleeping moves the emulator's clock instead of waiting, so instance purchases, VPC
 * links and endpoints settle at once and no test depends on timing.
 *
 * Usage:
 *   const clock = testClock();
 *   const estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
 *   const h = execContext({ cloud: estate.session, clock, ids: { 'instance[hz]': { instanceId } } });
 *   await carryOut(kind, h.ctx, action);  // the engine's verbs for the action; h.intents lists the journalled calls
 *   await reconcileAction(kind, h.ctx, action, h.resumed);  // the engine's verdict from the kind's observe
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientToken, execute, type ApplyEvent, type ApplyResult } from '../../src/apply/executor.js';
import type { Resumed } from '../../src/apply/verbs.js';
import { Journal, loadResumeState } from '../../src/apply/journal.js';
import type { CloudSession } from '../../src/cloud/session.js';
import type { RegistryDocument } from '../../src/config/model.js';
import type { ExecContext, Kind, Reconciled } from '../../src/plan/kind.js';
import type { Plan } from '../../src/plan/model.js';
import { computePlan } from '../../src/plan/planner.js';
import type { Estate } from './estate.js';

/** A clock the emulator reads (`emulator: { now: () => clock.now }`) and the ExecContext sleeps on. */
export interface TestClock {
  now: number;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 10, 22, 12, 0, 0)): TestClock {
  return {
    now: start,
    advance(ms: number) {
      this.now += ms;
    },
  };
}

export interface ExecHarness {
  readonly ctx: ExecContext;
  /** Every `ctx.intent` call, in order. */
  readonly intents: { call: string; detail?: Readonly<Record<string, unknown>> }[];
  readonly progress: string[];
  /** Makes ids known to `ctx.ids` (as the executor does after an action finishes). */
  learn(address: string, ids: Readonly<Record<string, string>>): void;
  /** What an interrupted earlier run announced (`announced`), for the engine's reconcile. */
  readonly resumed: Resumed;
}

export interface ExecOptions {
  readonly cloud: CloudSession;
  /** Sleeps advance this clock; `now` reads it. Without one, sleeps are real (capped at 10 ms). */
  readonly clock?: TestClock;
  readonly ids?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** ClientTokens derive from plan id and action id exactly as the executor's do. */
  readonly planId?: string;
  readonly actionId?: string;
  readonly reconciled?: Reconciled;
  /** The calls an interrupted earlier run announced (given to the engine's reconcile through `resumed`). */
  readonly announced?: readonly string[];
}

export function execContext(opts: ExecOptions): ExecHarness {
  const known = new Map<string, Readonly<Record<string, string>>>(Object.entries(opts.ids ?? {}));
  const intents: ExecHarness['intents'] = [];
  const progress: string[] = [];
  const clock = opts.clock;
  const ctx: ExecContext = {
    cloud: opts.cloud,
    ids: (address) => known.get(address) ?? {},
    clientToken: (suffix) => clientToken(opts.planId ?? 'test-plan', opts.actionId ?? 'test-action', suffix),
    intent: async (call, detail) => {
      intents.push({ call, ...(detail ? { detail } : {}) });
    },
    progress: (message) => progress.push(message),
    now: clock ? () => clock.now : Date.now,
    sleep: clock
      ? async (ms) => {
          clock.advance(ms);
        }
      : (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 10))),
    ...(opts.reconciled ? { reconciled: opts.reconciled } : {}),
  };
  return {
    ctx,
    intents,
    progress,
    resumed: opts.announced ? { announced: opts.announced } : {},
    learn(address, ids) {
      known.set(address, { ...(known.get(address) ?? {}), ...ids });
    },
  };
}

/**
 * Applies a plan with the real executor and a journal in a temporary folder (removed afterwards
 * unless `dir` is given, so a test can resume a plan by passing the same `dir` again).
 */
export async function applyPlan(
  plan: Plan,
  kinds: readonly Kind[],
  cloud: CloudSession,
  opts: { clock?: TestClock; dir?: string; resume?: boolean; parallelism?: number } = {},
): Promise<{ result: ApplyResult; events: ApplyEvent[] }> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'acrctl-apply-'));
  const runs = join(dir, 'runs');
  const events: ApplyEvent[] = [];
  const resume = opts.resume ? loadResumeState(runs, plan.planId) : undefined;
  const runId = `run-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
  const journal = Journal.create(runs, { runId, planId: plan.planId, startedAt: 'test', pid: process.pid });
  const clock = opts.clock;
  try {
    const result = await execute({
      plan,
      kinds: new Map(kinds.map((k) => [k.name, k] as const)),
      cloud,
      journal,
      runId,
      emit: (e) => events.push(e),
      ...(resume ? { resume } : {}),
      ...(opts.parallelism ? { parallelism: opts.parallelism } : {}),
      ...(clock
        ? {
            now: () => clock.now,
            sleep: async (ms: number) => {
              clock.advance(ms);
            },
          }
        : {}),
    });
    return { result, events };
  } finally {
    journal.close();
    if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** computePlan with a real sha256 and no findings: the plan `acrctl plan` would make. */
export async function planFor(config: RegistryDocument, cloud: CloudSession, kinds: readonly Kind[], targets?: readonly string[]): Promise<Plan> {
  return computePlan({
    config,
    configDigest: createHash('sha256').update(JSON.stringify(config)).digest('hex'),
    configFile: 'registry.yaml',
    kinds,
    cloud,
    sha256: (s) => createHash('sha256').update(s).digest('hex'),
    ...(targets ? { targets } : {}),
  });
}

/** Buys an instance through BSS as the console would, and (with a clock) lets it reach RUNNING. */
export async function buyInstance(
  estate: Estate,
  alias: string,
  region: string,
  name: string,
  edition: 'Basic' | 'Standard' | 'Advanced' = 'Advanced',
  clock?: TestClock,
): Promise<string> {
  const keys = estate.keys[alias];
  if (!keys) throw new Error(`no keys for ${alias}`);
  const body = await estate.t.callRpc(
    'bss',
    'global',
    'CreateInstance',
    {
      ProductCode: 'acr',
      ProductType: 'acr_ee_public_cn',
      SubscriptionType: 'Subscription',
      Period: 1,
      Parameter: [
        { Code: 'InstanceType', Value: edition },
        { Code: 'InstanceName', Value: name },
        { Code: 'Region', Value: region },
        { Code: 'DefaultOssBucket', Value: 'true' },
      ],
    },
    keys,
  );
  clock?.advance(60_000);
  return (body['Data'] as { InstanceId: string }).InstanceId;
}

/** Successful mutating calls of one action in the emulator's call log. */
export async function successfulCalls(estate: Estate, action: string): Promise<number> {
  const { body } = await estate.t.admin<{ action: string; mutating: boolean; status: number; code: string | null }[]>('GET', '/_emulator/calls');
  return body.filter((c) => c.action === action && c.mutating && c.status === 200 && c.code === null).length;
}
