/**
 * Run policy (src/apply/runs.ts) and the journal format (src/apply/journal.ts) against an in-memory
 * run store: which run a resume continues, what a new run takes over, ClientTokens per run, and
 * how damaged journals read.
 */
import { describe, expect, it } from 'vitest';
import type { CloudSession } from '../../src/cloud/session.js';
import { clientToken, execute } from '../../src/apply/executor.js';
import { foldRun, journalLine, parseJournal, type JournalRecord, type JournalWriter, type RunHeader } from '../../src/apply/journal.js';
import { beginRun, decideRun, estateIdentity, type RunContext, type RunStore, type StoreLock } from '../../src/apply/runs.js';
import { json, record, str } from '../../src/plan/decode.js';
import type { ExecContext, Kind, Subject } from '../../src/plan/kind.js';
import { type Action, type Plan, summarise } from '../../src/plan/model.js';
import { renderJson } from '../../src/render/json.js';

const ESTATE = { configFile: 'registry.yaml', accounts: ['1234567890123456'] };

function action(id: string, dependsOn: string[] = []): Action {
  return { id, kind: 'fake', type: 'create', account: 'prod', region: 'cn-hangzhou', key: { id }, after: { name: id }, changes: [], dependsOn };
}
function plan(actions: Action[], planId = 'p'.repeat(64)): Plan {
  return { formatVersion: 3, planId, configDigest: 'c'.repeat(64), liveFingerprint: 'f'.repeat(64), configFile: 'registry.yaml', acrctlVersion: 't', actions, refs: {}, unmanaged: [], outputs: [], findings: [], summary: summarise(actions) };
}

/** A run store in memory (a remote store would keep the same things). */
function memoryStore(): RunStore & { journals: Map<string, string>; plans: Map<string, string> } {
  const journals = new Map<string, string>();
  const plans = new Map<string, string>();
  const writer = (runId: string, scrub: (s: string) => string): JournalWriter => ({
    append(r: JournalRecord) {
      journals.set(runId, (journals.get(runId) ?? '') + journalLine(r, scrub));
    },
    close() {},
  });
  return {
    where: 'mem',
    journals,
    plans,
    async listRuns() {
      return [...journals.keys()].sort();
    },
    async readJournal(id) {
      return journals.get(id);
    },
    async createJournal(header: RunHeader, scrub) {
      if (journals.has(header.runId)) throw new Error('exists');
      const w = writer(header.runId, scrub);
      await w.append(header);
      return w;
    },
    async appendJournal(id, scrub) {
      return writer(id, scrub);
    },
    async readPlan(id) {
      return plans.get(id);
    },
    async writePlan(id, text) {
      plans.set(id, text);
    },
    async writeArtifact(id, name) {
      return `mem/${id}.${name}`;
    },
    async lock(): Promise<StoreLock> {
      throw new Error('not used');
    },
    async holder() {
      return undefined;
    },
    async shardLocks() {
      return [];
    },
    async forceUnlock() {
      return undefined;
    },
  };
}

function context(store: RunStore, derived: Plan, mode: 'apply' | 'destroy' = 'apply'): RunContext {
  return { store, mode, estate: ESTATE, configDigest: derived.configDigest, derive: async () => derived, parsePlan: (text) => JSON.parse(text) as Plan };
}

/** Writes a run's journal from records. */
function seedRun(store: ReturnType<typeof memoryStore>, runId: string, records: JournalRecord[], header: Partial<RunHeader> & { legacy?: boolean } = {}): void {
  const { legacy, ...rest } = header;
  const head: RunHeader = { t: 'run', runId, planId: 'p'.repeat(64), startedAt: runId, pid: 1, command: 'apply', ...(legacy ? {} : { estate: ESTATE }), ...rest };
  store.journals.set(runId, [head, ...records].map((r) => journalLine(r)).join(''));
}

describe('ClientTokens', () => {
  it('derive from the run: a new run of the same plan gets new ones; an action taken over keeps the token of the run that sent it', async () => {
    const tokens: Record<string, string> = {};
    const kind: Kind = {
      name: 'fake',
      readAfter: [],
      permissions: () => [],
      reportsUnmanaged: true,
      address: (key) => key['id'] ?? '',
      decode: { key: record(str), spec: record(json), ids: record(str) },
      desired: () => [],
      read: async () => [],
      diff: () => ({ changes: [] }),
      async create(ctx: ExecContext, a: Subject) {
        tokens[a.id] = ctx.clientToken();
        return {};
      },
      observe: async () => ({ state: 'absent' }),
    };
    const p = plan([action('a'), action('b')]);
    const run = async (runId: string, tokenRuns?: Map<string, string>) =>
      execute({
        plan: p,
        kinds: new Map([['fake', kind]]),
        cloud: undefined as unknown as CloudSession,
        journal: { append() {} },
        runId,
        emit: () => undefined,
        ...(tokenRuns ? { resume: { runs: [], done: new Map(), inFlight: new Set(tokenRuns.keys()), intents: new Map(), failed: new Map(), tornLines: 0, tokenRuns } } : {}),
      });
    await run('run-1');
    const first = { ...tokens };
    expect(first['a']).toBe(clientToken('run-1', 'a'));
    await run('run-1');
    expect(tokens).toEqual(first);
    await run('run-2', new Map([['b', 'run-1']]));
    expect(tokens['a']).not.toBe(first['a']);
    expect(tokens['b']).toBe(first['b']);
  });
});

describe('journal', () => {
  it('reports each damaged line with its number, and tells a torn last line from damage', () => {
    const text = `${journalLine({ t: 'run', runId: 'r', planId: 'x', startedAt: 's', pid: 1 })}not json\n${journalLine({ t: 'start', id: 'a' })}{"t":"nonsense"}\n{"t":"done","id":`;
    const parsed = parseJournal(text);
    expect(parsed.records.map((r) => r.t)).toEqual(['run', 'start']);
    expect(parsed.damaged).toEqual([
      { line: 2, torn: false },
      { line: 4, torn: false },
      { line: 5, torn: true },
    ]);
  });

  it('keeps an interrupted action in flight, and an action started again after it was done is no longer done', () => {
    const state = foldRun(
      parseJournal(
        [
          { t: 'run', runId: 'r', planId: 'x', startedAt: 's', pid: 1 },
          { t: 'start', id: 'a' },
          { t: 'intent', id: 'a', call: 'Create' },
          { t: 'interrupted', id: 'a' },
          { t: 'done', id: 'b' },
          { t: 'resume', planId: 'y', startedAt: 't', pid: 2 },
          { t: 'start', id: 'b' },
          { t: 'inherit', id: 'c', from: 'q', tokenRun: 'q0', calls: ['Create'] },
        ]
          .map((r) => journalLine(r as JournalRecord))
          .join(''),
      ),
      'r',
    );
    expect(state.status).toBe('running');
    expect(state.planId).toBe('y');
    expect([...state.inFlight.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(state.inFlight.get('a')).toEqual({ calls: ['Create'], tokenRun: 'r' });
    expect(state.inFlight.get('c')).toEqual({ calls: ['Create'], tokenRun: 'q0' });
    expect(state.done.size).toBe(0);
  });

  it('scrubs secret values from every line it writes, raw or JSON-escaped', () => {
    const line = journalLine({ t: 'failed', id: 'a', code: 'x', message: 'summary "tok-123456" refused' }, (s) => s.split('tok-123456').join('(sensitive)'));
    expect(line).not.toContain('tok-123456');
    expect(line).toContain('(sensitive)');
  });
});

describe('run policy', () => {
  it('never continues a completed run, and a new run takes over the in-flight actions of unfinished ones', async () => {
    const store = memoryStore();
    seedRun(store, '20260101T000000Z-aaaaaa', [{ t: 'start', id: 'a' }, { t: 'intent', id: 'a', call: 'Create' }, { t: 'done', id: 'a' }, { t: 'end', status: 'complete' }]);
    seedRun(store, '20260102T000000Z-bbbbbb', [{ t: 'start', id: 'b' }, { t: 'intent', id: 'b', call: 'Create' }]);
    const derived = plan([action('a'), action('b')]);
    const resumeless = await decideRun(context(store, derived), {});
    expect(resumeless.supersedes).toEqual(['20260102T000000Z-bbbbbb']);
    expect(resumeless.inherited).toEqual([{ t: 'inherit', id: 'b', from: '20260102T000000Z-bbbbbb', tokenRun: '20260102T000000Z-bbbbbb', calls: ['Create'] }]);
    expect([...(resumeless.resume?.inFlight ?? [])]).toEqual(['b']);
    expect(resumeless.resume?.done.size ?? 0).toBe(0); // the completed run's "done a" is never merged
    const { runId } = await beginRun(context(store, derived), resumeless, { planText: renderJson(derived), scrub: (s) => s });
    // The run taken over is no longer one to resume; the new one is, with the inherited action in flight.
    const resumed = await decideRun(context(store, derived), { resume: true });
    expect(resumed.continues).toBe(runId);
    expect([...(resumed.resume?.inFlight ?? [])]).toEqual(['b']);
    expect(resumed.resume?.tokenRuns?.get('b')).toBe('20260102T000000Z-bbbbbb');
  });

  it('ignores runs of another estate or command, and of older versions that recorded no estate', async () => {
    const store = memoryStore();
    seedRun(store, '20260101T000000Z-000001', [{ t: 'start', id: 'a' }], { estate: { configFile: 'other.yaml', accounts: ['1234567890123456'] } });
    seedRun(store, '20260101T000000Z-000002', [{ t: 'start', id: 'a' }], { estate: { configFile: 'registry.yaml', accounts: ['6543210987654321'] } });
    seedRun(store, '20260101T000000Z-000003', [{ t: 'start', id: 'a' }], { command: 'destroy' });
    seedRun(store, '20260101T000000Z-000004', [{ t: 'start', id: 'a' }], { legacy: true });
    const d = await decideRun(context(store, plan([action('a')])), { resume: true });
    expect(d.continues).toBeUndefined();
    expect(d.supersedes).toEqual([]);
    expect(d.notes).toContain('no interrupted apply to resume: applying the configuration');
  });

  it('names the estate of a config file by its path relative to the working directory and its sorted UIDs', () => {
    expect(estateIdentity('/w', './sub/../registry.yaml', ['2', '1', '2'])).toEqual({ configFile: 'registry.yaml', accounts: ['1', '2'] });
    expect(estateIdentity('/w', '/w/envs/prod.yaml', [])).toEqual({ configFile: 'envs/prod.yaml', accounts: [] });
  });
});
