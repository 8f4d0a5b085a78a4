/**
 * The engine chooses the verb (src/apply/verbs.ts): the steps of each action type, a replace as
 * delete → create (or create → delete where the kind says both can exist), ClientTokens per step,
 * how a half-done replace resumes from live state, the verdict rules, and the decoding of actions
 * against their kind. Fakes are plain objects; every case says why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { carryOut, decodeAction, resumeAction, stepsOf, verdict } from '../../src/apply/verbs.js';
import { readPlanFile } from '../../src/cli/planfile.js';
import { bool, str, struct } from '../../src/plan/decode.js';
import type { ExecContext, Kind, Observation, Subject } from '../../src/plan/kind.js';
import type { Action } from '../../src/plan/model.js';

type World = Map<string, { spec: Record<string, unknown>; id: string }>;

/**
 * A kind over an in-memory world keyed by `name`; every verb is logged with the ClientToken suffix
 * it used. `coexist` makes it a create-first kind (the new object gets a new id, so both can exist).
 */
function worldKind(world: World, log: string[], opts: { coexist?: boolean } = {}): Kind {
  let next = 1;
  return {
    name: 'thing',
    readAfter: [],
    permissions: () => [],
    reportsUnmanaged: true,
    address: (key) => `thing[${key['name'] ?? ''}]`,
    decode: { key: struct({ name: str }), spec: struct({ size: str, on: bool }), ids: struct({ thingId: str }) },
    ...(opts.coexist ? { replaceOrder: 'create-first' as const } : {}),
    desired: () => [],
    read: async () => [],
    diff: () => ({ changes: [] }),
    async observe(_ctx: ExecContext, s: Subject): Promise<Observation> {
      const name = String(s.key['name']);
      const o = s.ids !== undefined ? [...world.values()].find((x) => x.id === s.ids!['thingId']) : world.get(name);
      if (o === undefined) return { state: 'absent' };
      return { state: 'present', upToDate: JSON.stringify(o.spec) === JSON.stringify(s.spec), ready: true, ids: { thingId: o.id } };
    },
    async create(ctx: ExecContext, s: Subject) {
      const id = `t-${next++}`;
      log.push(`create ${String(s.key['name'])} token:${ctx.clientToken('x')}`);
      world.set(opts.coexist ? `${String(s.key['name'])}#${id}` : String(s.key['name']), { spec: { ...s.spec }, id });
      return { ids: { thingId: id } };
    },
    async delete(ctx: ExecContext, r: Subject) {
      log.push(`delete ${String(r.key['name'])} token:${ctx.clientToken('x')}`);
      for (const [k, v] of world) if (v.id === r.ids?.['thingId']) world.delete(k);
      return {};
    },
  };
}

const ctx = (): ExecContext => ({
  cloud: undefined as never,
  ids: () => ({}),
  clientToken: (suffix = '') => suffix,
  intent: async () => {},
  progress: () => {},
  now: () => 0,
  sleep: async () => {},
});

function replace(oldId = 't-0'): Action {
  return {
    id: 'thing[a]',
    kind: 'thing',
    type: 'replace',
    account: 'p',
    region: 'r',
    key: { name: 'a' },
    ids: { thingId: oldId },
    before: { size: 'small', on: true },
    after: { size: 'large', on: true },
    changes: [{ path: 'size', before: 'small', after: 'large', impact: 'replace' }],
    dependsOn: [],
  };
}

describe('the steps of an action', () => {
  const kind = worldKind(new Map(), []);
  const cases: { reason: string; type: Action['type']; coexist?: boolean; want: string[] }[] = [
    { reason: 'a create is one create', type: 'create', want: ['create'] },
    { reason: 'a run is carried out by create (a task is brought into being)', type: 'run', want: ['create'] },
    { reason: 'an update is one update', type: 'update', want: ['update'] },
    { reason: 'a delete is one delete', type: 'delete', want: ['delete'] },
    { reason: 'a replace deletes the old object first by default (it holds the natural key)', type: 'replace', want: ['delete', 'create'] },
    { reason: 'a replace of objects that can coexist creates the new one first (no gap)', type: 'replace', coexist: true, want: ['create', 'delete'] },
    { reason: 'a gate has no step: it is checked, never carried out', type: 'gate', want: [] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const k = c.coexist ? { ...kind, replaceOrder: 'create-first' as const } : kind;
      expect(stepsOf(k, { ...replace(), type: c.type }).map((s) => s.verb)).toEqual(c.want);
    });
  }
});

describe('a replace carried out by the engine', () => {
  it('deletes the old object, then creates the new one, each step with ClientTokens of its own', async () => {
    const world: World = new Map([['a', { spec: { size: 'small', on: true }, id: 't-0' }]]);
    const log: string[] = [];
    const out = await carryOut(worldKind(world, log), ctx(), replace());
    expect(log).toEqual(['delete a token:deletex', 'create a token:createx']);
    expect(out).toEqual({ ids: { thingId: 't-1' } });
    expect([...world.values()].map((v) => v.spec['size'])).toEqual(['large']);
  });

  it('creates first, then deletes the old object, for a kind whose objects can coexist', async () => {
    const world: World = new Map([['a#t-0', { spec: { size: 'small', on: true }, id: 't-0' }]]);
    const log: string[] = [];
    await carryOut(worldKind(world, log, { coexist: true }), ctx(), replace());
    expect(log).toEqual(['create a token:createx', 'delete a token:deletex']);
    expect([...world.values()].map((v) => v.id)).toEqual(['t-1']);
  });
});

describe('resuming a half-done replace, in one place', () => {
  const cases: { reason: string; world: [string, { spec: Record<string, unknown>; id: string }][]; coexist?: boolean; state: string; steps: string[] }[] = [
    { reason: 'nothing happened yet: the old object is there, so delete then create', world: [['a', { spec: { size: 'small', on: true }, id: 't-0' }]], state: 'absent', steps: ['delete', 'create'] },
    { reason: 'the delete landed, the create did not: only the create is left', world: [], state: 'absent', steps: ['create'] },
    { reason: 'both landed: nothing is left, and the new ids are learned', world: [['a', { spec: { size: 'large', on: true }, id: 't-9' }]], state: 'done', steps: [] },
    { reason: 'create first: the new object is there but the old one too: only the delete is left', coexist: true, world: [['a', { spec: { size: 'large', on: true }, id: 't-9' }], ['old', { spec: { size: 'small', on: true }, id: 't-0' }]], state: 'absent', steps: ['delete'] },
    { reason: 'create first: nothing happened: create then delete', coexist: true, world: [['old', { spec: { size: 'small', on: true }, id: 't-0' }]], state: 'absent', steps: ['create', 'delete'] },
  ];
  for (const c of cases) {
    it(c.reason, async () => {
      const standing = await resumeAction(worldKind(new Map(c.world), [], { coexist: c.coexist ?? false }), ctx(), replace());
      expect(standing.reconciled.state).toBe(c.state);
      expect(standing.steps.map((s) => s.verb)).toEqual(c.steps);
      if (c.state === 'done') expect(standing.learned).toEqual({ thingId: 't-9' });
    });
  }
});

describe('the verdict on an observation', () => {
  const kind = worldKind(new Map(), []);
  const late = { ...kind, showsLate: { calls: ['CreateThing'] } };
  const cases: { reason: string; kind?: Kind; verb: 'create' | 'update' | 'delete'; obs: Observation; announced?: string[]; satisfied?: boolean; want: string }[] = [
    { reason: 'a create that is there and up to date landed', verb: 'create', obs: { state: 'present', upToDate: true, ready: true }, want: 'done' },
    { reason: 'a create that is there but not ready yet is on its way', verb: 'create', obs: { state: 'present', upToDate: true, ready: false }, want: 'pending' },
    { reason: 'an object there with another spec is not what was asked: send again (create then refuses it)', verb: 'create', obs: { state: 'present', upToDate: false, ready: true }, want: 'absent' },
    { reason: 'an unseen create is absent', verb: 'create', obs: { state: 'absent' }, want: 'absent' },
    { reason: 'an unseen create of a late-showing kind whose call was announced is pending', kind: late, verb: 'create', obs: { state: 'absent' }, announced: ['CreateThing'], want: 'pending' },
    { reason: 'an unseen create of a late-showing kind whose call was not announced is absent', kind: late, verb: 'create', obs: { state: 'absent' }, announced: ['DeleteThing'], want: 'absent' },
    { reason: 'an update that is there and up to date landed', verb: 'update', obs: { state: 'present', upToDate: true, ready: true }, want: 'done' },
    { reason: 'a delete of an object gone landed', verb: 'delete', obs: { state: 'absent' }, want: 'done' },
    { reason: 'a delete of an object on its way out is pending', verb: 'delete', obs: { state: 'going' }, want: 'pending' },
    { reason: 'a delete of an object still there did not land', verb: 'delete', obs: { state: 'present', upToDate: true, ready: true }, want: 'absent' },
    { reason: 'a create the configuration no longer derives, found present with another spec (its plan copy masks a secret), landed', verb: 'create', obs: { state: 'present', upToDate: false, ready: true }, satisfied: true, want: 'done' },
    { reason: 'such a create still becoming ready is pending', verb: 'create', obs: { state: 'present', upToDate: false, ready: false }, satisfied: true, want: 'pending' },
    { reason: 'such a create not found did not land (and is never sent again)', verb: 'create', obs: { state: 'absent' }, satisfied: true, want: 'absent' },
    { reason: 'a delete the configuration no longer derives whose object is still there did not land', verb: 'delete', obs: { state: 'present', upToDate: false, ready: true }, satisfied: true, want: 'absent' },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(verdict(c.kind ?? kind, c.verb, c.obs, { ...(c.announced ? { announced: c.announced } : {}), ...(c.satisfied ? { satisfied: true } : {}) }).state).toBe(c.want);
    });
  }
});

describe('decoding an action for its kind', () => {
  const kind = worldKind(new Map(), []);
  it('gives the verbs typed keys, specs and ids', () => {
    expect(decodeAction(kind, replace())).toEqual({ key: { name: 'a' }, after: { size: 'large', on: true }, before: { size: 'small', on: true }, ids: { thingId: 't-0' } });
  });
  const bad: { reason: string; action: Action; message: RegExp }[] = [
    { reason: 'a key that does not build the address is refused (nothing parses addresses, so the two must agree)', action: { ...replace(), key: { name: 'b' } }, message: /its key names thing\[b\]/ },
    { reason: 'a spec field of the wrong type is refused, naming it', action: { ...replace(), after: { size: 1, on: true } }, message: /thing\[a\]: after\.size: expected a string/ },
    { reason: 'a spec field the kind does not know is refused', action: { ...replace(), after: { size: 'l', on: true, extra: 1 } }, message: /after\.extra: expected no such field/ },
    { reason: 'missing ids are refused', action: { ...replace(), ids: {} }, message: /ids\.thingId: expected a string, found nothing/ },
  ];
  for (const c of bad) {
    it(c.reason, () => {
      expect(() => decodeAction(kind, c.action)).toThrow(expect.objectContaining({ code: 'plan.bad_action', message: expect.stringMatching(c.message) }));
    });
  }
});

describe('saved plans of another format version', () => {
  it('are refused with a message that says what to do, before their shape is checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'acrctl-format-'));
    try {
      const path = join(dir, 'old.json');
      writeFileSync(path, JSON.stringify({ formatVersion: 1, planId: 'x', actions: [{ id: 'a', before: { ids: { instanceId: 'cri-1' } } }] }));
      expect(() => readPlanFile(path)).toThrow(
        expect.objectContaining({ code: 'plan.format-version', message: `${path} is a plan of format 1; this acrctl reads format 3 only` }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
