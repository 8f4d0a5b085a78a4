import type { CloudSession } from '../../src/cloud/session.js';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApplyEvent, OUTCOME_UNKNOWN, clientToken, execute } from '../../src/apply/executor.js';
import { Journal, loadResumeState, readJournal } from '../../src/apply/journal.js';
import { acquireLock, forceUnlock } from '../../src/apply/lock.js';
import { AcrctlError } from '../../src/errors.js';
import { json, record, str } from '../../src/plan/decode.js';
import type { ExecContext, Kind, Observation, Reconciled, Subject } from '../../src/plan/kind.js';
import { type Action, type Plan, summarise } from '../../src/plan/model.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'acrctl-exec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function action(id: string, dependsOn: string[] = [], type: Action['type'] = 'create', kind = 'fake'): Action {
  return { id, kind, type, account: 'prod', region: 'cn-hangzhou', key: { id }, after: {}, changes: [], dependsOn, ...(type === 'gate' ? { gate: { instructions: [], verification: 'read it', expect: {} } } : {}) };
}
function plan(actions: Action[], refs: Plan['refs'] = {}): Plan {
  return { formatVersion: 3, planId: 'p'.repeat(64), configDigest: 'c'.repeat(64), liveFingerprint: 'f'.repeat(64), configFile: 'r.yaml', acrctlVersion: 't', actions, refs, unmanaged: [], outputs: [], findings: [], summary: summarise(actions) };
}

interface FakeOpts {
  fail?: Set<string>;
  delayMs?: number;
  reconcile?: (id: string) => Reconciled;
  onApply?: (ctx: ExecContext, a: Subject) => Promise<void> | void;
  /** The kind's creates show late (see Kind.showsLate), announced as these calls. */
  showsLate?: readonly string[];
}
/** The observation that makes the engine conclude `r` (the fake's verdicts are given as verdicts). */
function observationOf(r: Reconciled): Observation {
  if (r.state === 'absent') return { state: 'absent' };
  return { state: 'present', upToDate: true, ready: r.state === 'done', ...(r.ids ? { ids: r.ids } : {}) };
}
function fakeKind(log: string[], o: FakeOpts = {}): Kind & { maxConcurrent: number } {
  let running = 0;
  const k = {
    name: 'fake',
    readAfter: [],
    permissions: () => [],
    reportsUnmanaged: true,
    maxConcurrent: 0,
    address: (key: Readonly<Record<string, string>>) => key['id'] ?? '',
    decode: { key: record(str), spec: record(json), ids: record(str) },
    ...(o.showsLate ? { showsLate: { calls: o.showsLate } } : {}),
    desired: () => [],
    read: async () => [],
    diff: () => ({ changes: [] }),
    async create(ctx: ExecContext, a: Subject) {
      running++;
      k.maxConcurrent = Math.max(k.maxConcurrent, running);
      try {
        await ctx.intent('Create', { id: a.id });
        await o.onApply?.(ctx, a);
        await new Promise((r) => setTimeout(r, o.delayMs ?? 1));
        log.push(`apply ${a.id}${ctx.reconciled ? ` (waiting on ${ctx.reconciled.state})` : ''}`);
        if (o.fail?.has(a.id)) throw new AcrctlError('cloud.client', `${a.id} refused`);
        return { ids: { id: `x-${a.id}` } };
      } finally {
        running--;
      }
    },
    async observe(_ctx: ExecContext, a: Subject): Promise<Observation> {
      log.push(`reconcile ${a.id}`);
      return observationOf(o.reconcile?.(a.id) ?? { state: 'absent' });
    },
    async check(_ctx: ExecContext, a: Subject): Promise<Reconciled> {
      log.push(`reconcile ${a.id}`);
      return o.reconcile?.(a.id) ?? { state: 'absent' };
    },
  };
  return k;
}

async function run(p: Plan, kind: Kind, extra: { parallelism?: number; resume?: boolean; stop?: AbortSignal; signal?: AbortSignal } = {}) {
  const events: ApplyEvent[] = [];
  const runs = join(dir, 'runs');
  const resume = extra.resume ? loadResumeState(runs, p.planId) : undefined;
  const runId = `run-${readdirSafe(runs).length}`;
  const journal = Journal.create(runs, { runId, planId: p.planId, startedAt: 'now', pid: 1 });
  try {
    const result = await execute({ plan: p, kinds: new Map([[kind.name, kind]]), cloud: undefined as unknown as CloudSession, journal, runId, emit: (e) => events.push(e), ...(resume ? { resume } : {}), ...(extra.parallelism ? { parallelism: extra.parallelism } : {}), ...(extra.stop ? { stop: extra.stop } : {}), ...(extra.signal ? { signal: extra.signal } : {}) });
    return { result, events, journal: journal.path };
  } finally {
    journal.close();
  }
}
function readdirSafe(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

describe('execute', () => {
  it('runs in dependency order and passes learned ids to dependants', async () => {
    const log: string[] = [];
    const seen: Record<string, unknown>[] = [];
    const k = fakeKind(log, { onApply: (ctx, a) => void (a.id === 'c' && seen.push({ ...ctx.ids('a') }, { ...ctx.ids('ref') })) });
    const { result } = await run(plan([action('a'), action('b', ['a']), action('c', ['b'])], { ref: { instanceId: 'cri-1' } }), k);
    expect(result.status).toBe('complete');
    expect(log).toEqual(['apply a', 'apply b', 'apply c']);
    expect(seen).toEqual([{ id: 'x-a' }, { instanceId: 'cri-1' }]);
  });

  it('never runs more than --parallelism actions at once', async () => {
    const log: string[] = [];
    const k = fakeKind(log, { delayMs: 15 });
    const actions = Array.from({ length: 12 }, (_, i) => action(`n${String(i).padStart(2, '0')}`));
    await run(plan(actions), k, { parallelism: 3 });
    expect(k.maxConcurrent).toBe(3);
    expect(log).toHaveLength(12);
  });

  it('skips the dependants of a failure and finishes independent branches', async () => {
    const log: string[] = [];
    const { result, events } = await run(plan([action('a'), action('a2', ['a']), action('a3', ['a2']), action('b')]), fakeKind(log, { fail: new Set(['a']) }));
    expect(result.status).toBe('failed');
    expect(result.actions.get('a')?.status).toBe('failed');
    expect(result.actions.get('a2')?.status).toBe('skipped');
    expect(result.actions.get('a3')?.status).toBe('skipped');
    expect(result.actions.get('b')?.status).toBe('done');
    expect(events.find((e) => e.code === 'action.failed')?.message).toContain('a refused');
  });

  it('stops at a gate after everything not behind it, and continues once the gate is verified', async () => {
    const log: string[] = [];
    let flipped = false;
    const p = plan([action('i'), action('i.gate', ['i'], 'gate'), action('i.after', ['i.gate']), action('other')]);
    const k = fakeKind(log, { reconcile: (id) => (id === 'i.gate' && flipped ? { state: 'done' } : { state: 'absent' }) });
    const first = await run(p, k);
    expect(first.result.status).toBe('gated');
    expect(first.result.actions.get('i.after')?.status).toBe('blocked');
    expect(first.result.actions.get('other')?.status).toBe('done');
    flipped = true;
    log.length = 0;
    const second = await run(p, k, { resume: true });
    expect(second.result.status).toBe('complete');
    expect(log).toEqual(['reconcile i.gate', 'apply i.after']);
  });

  it('on resume skips finished actions and reconciles the in-flight one instead of repeating it', async () => {
    const p = plan([action('a'), action('b', ['a']), action('c', ['b'])]);
    // A first run that died after a finished and b's call was announced.
    const runs = join(dir, 'runs');
    const j = Journal.create(runs, { runId: 'run-0', planId: p.planId, startedAt: 'then', pid: 9 });
    j.append({ t: 'start', id: 'a' });
    j.append({ t: 'intent', id: 'a', call: 'Create' });
    j.append({ t: 'done', id: 'a', ids: { id: 'x-a' } });
    j.append({ t: 'start', id: 'b' });
    j.append({ t: 'intent', id: 'b', call: 'Create' });
    j.close();
    appendFileSync(j.path, '{"t":"done","id":"b"'); // torn by the crash
    const log: string[] = [];
    const { result } = await run(p, fakeKind(log, { reconcile: (id) => (id === 'b' ? { state: 'done', ids: { id: 'x-b' } } : { state: 'absent' }) }), { resume: true });
    expect(result.status).toBe('complete');
    expect(log).toEqual(['reconcile b', 'apply c']);
    expect(result.actions.get('a')?.status).toBe('already-done');
    expect(result.ids.get('b')).toEqual({ id: 'x-b' });
  });

  it('passes a pending reconcile to apply so it waits instead of requesting again', async () => {
    const p = plan([action('t', [], 'run')]);
    const runs = join(dir, 'runs');
    const j = Journal.create(runs, { runId: 'run-0', planId: p.planId, startedAt: 'then', pid: 9 });
    j.append({ t: 'intent', id: 't', call: 'CreateRepoSyncTask' });
    j.close();
    const log: string[] = [];
    await run(p, fakeKind(log, { reconcile: () => ({ state: 'pending', ids: { taskId: 'rst-1' } }) }), { resume: true });
    expect(log).toEqual(['reconcile t', 'apply t (waiting on pending)']);
  });

  it('judges an unseen create pending, not absent, for a kind whose creates show late, when the interrupted run announced the call', async () => {
    // The engine, not the kind, knows what the interrupted run announced (ExecContext carries no
    // journal): for a kind that says its creates show late, an announced create that does not show
    // yet is pending, so the kind waits before sending it again; unannounced, it is simply absent.
    const p = plan([action('acl', [], 'create'), action('other', [], 'create')]);
    const j = Journal.create(join(dir, 'runs'), { runId: 'run-0', planId: p.planId, startedAt: 'then', pid: 9 });
    j.append({ t: 'start', id: 'acl' });
    j.append({ t: 'intent', id: 'acl', call: 'CreateInstanceEndpointAclPolicy' });
    j.append({ t: 'start', id: 'other' });
    j.append({ t: 'intent', id: 'other', call: 'DescribeSomething' });
    j.close();
    const log: string[] = [];
    const { events } = await run(p, fakeKind(log, { showsLate: ['CreateInstanceEndpointAclPolicy'] }), { resume: true, parallelism: 1 });
    expect(log).toEqual(['reconcile acl', 'apply acl (waiting on pending)', 'reconcile other', 'apply other']);
    expect(events.filter((e) => e.code === 'action.reconciled').map((e) => `${e.action} ${String(e.data?.['state'])}`)).toEqual(['acl pending', 'other absent']);
  });

  it('reconciles after a lost connection rather than blindly repeating the call', async () => {
    const log: string[] = [];
    let calls = 0;
    const k = fakeKind(log, {
      onApply: () => {
        if (calls++ === 0) throw new AcrctlError(OUTCOME_UNKNOWN, 'connection dropped');
      },
      reconcile: () => ({ state: 'done', ids: { id: 'landed' } }),
    });
    const { result } = await run(plan([action('a')]), k);
    expect(result.status).toBe('complete');
    expect(result.ids.get('a')).toEqual({ id: 'landed' });
    expect(log).toEqual(['reconcile a']);
  });
});

describe('journal', () => {
  it('is readable after every record and tolerates a torn last line', async () => {
    const { journal } = await run(plan([action('a'), action('b', ['a'])]), fakeKind([]));
    const { records, tornLines } = readJournal(journal);
    expect(tornLines).toBe(0);
    expect(records.map((r) => r.t)).toEqual(['run', 'start', 'intent', 'done', 'start', 'intent', 'done', 'end']);
    writeFileSync(journal, `${records.map((r) => JSON.stringify(r)).join('\n')}\n{"t":"sta`);
    expect(readJournal(journal).tornLines).toBe(1);
    expect(loadResumeState(join(dir, 'runs'), 'p'.repeat(64)).done.size).toBe(2);
  });
  it('ignores journals of other plans', () => {
    const j = Journal.create(join(dir, 'runs'), { runId: 'r', planId: 'other', startedAt: 'x', pid: 1 });
    j.append({ t: 'done', id: 'a' });
    j.close();
    expect(loadResumeState(join(dir, 'runs'), 'p'.repeat(64)).done.size).toBe(0);
  });
});

describe('clientToken', () => {
  it('is stable, action-specific and at most 64 ASCII characters', () => {
    const t = clientToken('p'.repeat(64), 'instance[hz]');
    expect(t).toBe(clientToken('p'.repeat(64), 'instance[hz]'));
    expect(t).not.toBe(clientToken('p'.repeat(64), 'instance[bj]'));
    expect(t).not.toBe(clientToken('p'.repeat(64), 'instance[hz]', 'refund'));
    expect(t.length).toBeLessThanOrEqual(64);
    expect(t).toMatch(/^[\x21-\x7e]+$/);
  });
});

describe('lock', () => {
  it('refuses a second holder, naming pid, host and start time', () => {
    const path = join(dir, 'lock');
    const held = acquireLock(path, 'apply', { pid: 111, host: 'h', isAlive: () => true, now: () => new Date('2026-01-01T00:00:00Z') });
    expect(() => acquireLock(path, 'apply', { pid: 222, host: 'h', isAlive: () => true })).toThrow(/pid 111 on h, started 2026-01-01T00:00:00.000Z/);
    held.release();
    acquireLock(path, 'apply', { pid: 222, host: 'h', isAlive: () => true }).release();
  });
  it('replaces the stale lock of a dead holder on this host', () => {
    const path = join(dir, 'lock');
    acquireLock(path, 'apply', { pid: 111, host: 'h', isAlive: () => true });
    const second = acquireLock(path, 'apply', { pid: 222, host: 'h', isAlive: (pid) => pid !== 111 });
    expect(second.replaced?.pid).toBe(111);
    second.release();
  });
  it('refuses a holder on another host, with the way out', () => {
    const path = join(dir, 'lock');
    acquireLock(path, 'apply', { pid: 111, host: 'elsewhere', isAlive: () => false });
    expect(() => acquireLock(path, 'apply', { pid: 222, host: 'here', isAlive: () => false })).toThrow(AcrctlError);
    expect(forceUnlock(path)?.host).toBe('elsewhere');
    acquireLock(path, 'apply', { pid: 222, host: 'here' }).release();
  });
});

describe('outcome-unknown code', () => {
  it('is the code the cloud layer really gives a dropped connection on a create', async () => {
    const { CloudApiError } = await import('../../src/cloud/errors.js');
    const err = new CloudApiError({ product: 'cr', action: 'CreateNamespace', vendorCode: 'ECONNRESET', vendorMessage: 'socket hang up', failure: 'outcome-unknown', attempts: 1 } as ConstructorParameters<typeof CloudApiError>[0]);
    expect(err.code).toBe(OUTCOME_UNKNOWN);
  });
});

describe('execute, interrupted', () => {
  it('stop: nothing more starts, the action in flight finishes and is journalled done, the run ends interrupted', async () => {
    const log: string[] = [];
    const stop = new AbortController();
    const k = fakeKind(log, { delayMs: 30, onApply: (_ctx, a) => void (a.id === 'a' && stop.abort()) });
    const { result, journal } = await run(plan([action('a'), action('b'), action('c', ['a'])]), k, { parallelism: 1, stop: stop.signal });
    expect(result.status).toBe('interrupted');
    expect(log).toEqual(['apply a']);
    expect(result.actions.get('a')?.status).toBe('done');
    expect(result.actions.has('b')).toBe(false);
    const records = readJournal(journal).records.map((r) => `${r.t}${'id' in r ? ` ${r.id}` : ''}`);
    expect(records.slice(1)).toEqual(['start a', 'intent a', 'done a', 'end']);
    expect(readJournal(journal).records.at(-1)).toEqual({ t: 'end', status: 'interrupted' });
  });

  it('stop with nothing left to start is a complete run', async () => {
    const stop = new AbortController();
    const k = fakeKind([], { delayMs: 10, onApply: () => stop.abort() });
    const { result } = await run(plan([action('a')]), k, { stop: stop.signal });
    expect(result.status).toBe('complete');
  });

  it('abort: the action in flight ends at once, journalled interrupted, and announces nothing more', async () => {
    const log: string[] = [];
    const abort = new AbortController();
    let second: Promise<unknown> | undefined;
    const k = fakeKind(log, {
      onApply: async (ctx) => {
        abort.abort();
        // A call the kind would send after the interruption is refused before it is announced.
        second = ctx.intent('Second').then(
          () => 'announced',
          (err: unknown) => (err instanceof AcrctlError ? err.code : 'other'),
        );
        await new Promise((r) => setTimeout(r, 5_000));
      },
    });
    const started = Date.now();
    const { result, journal } = await run(plan([action('a'), action('b', ['a'])]), k, { signal: abort.signal });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.status).toBe('interrupted');
    expect(result.actions.get('a')?.status).toBe('interrupted');
    expect(await second).toBe('apply.interrupted');
    const records = readJournal(journal).records;
    expect(records.filter((r) => r.t === 'intent').map((r) => (r as { call: string }).call)).toEqual(['Create']);
    expect(records.some((r) => r.t === 'interrupted' && r.id === 'a')).toBe(true);
    expect(records.at(-1)).toEqual({ t: 'end', status: 'interrupted' });
  });
});
