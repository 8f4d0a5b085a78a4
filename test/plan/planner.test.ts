import type { CloudSession } from '../../src/cloud/session.js';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RegistryDocument } from '../../src/config/model.js';
import { json, record, str } from '../../src/plan/decode.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { buildPlan, computePlan } from '../../src/plan/planner.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const config = { version: 1, accounts: {} } as unknown as RegistryDocument;

/** A fake kind whose desired and live objects are given by the test; diff compares spec fields. */
function fakeKind(name: string, opts: Partial<Kind> & { replaceFields?: string[] } = {}): Kind {
  return {
    name,
    readAfter: [],
    permissions: () => [],
    reportsUnmanaged: true,
    address: (key) => key['id'] ?? '',
    decode: { key: record(str), spec: record(json), ids: record(str) },
    desired: () => [],
    read: async () => [],
    diff(d, l) {
      const keys = [...new Set([...Object.keys(d.spec), ...Object.keys(l.spec)])].sort();
      return {
        changes: keys
          .filter((k) => JSON.stringify(d.spec[k]) !== JSON.stringify(l.spec[k]))
          .map((k) => ({ path: k, before: l.spec[k], after: d.spec[k], impact: opts.replaceFields?.includes(k) ? 'replace' : 'update' }) as const),
      };
    },
    ...opts,
  };
}

const kinds = new Map<string, Kind>([
  ['instance', fakeKind('instance')],
  ['namespace', fakeKind('namespace', { replaceFields: ['region'] })],
  ['rule', fakeKind('rule', { replaceFields: ['filter'] })],
  ['gate', fakeKind('gate', { classify: (d, l) => (l?.spec.on === d?.spec.on ? 'none' : 'gate'), gate: () => ({ instructions: ['flip it'], verification: 'read it', expect: { on: true } }) })],
  ['tag', fakeKind('tag', { reportsUnmanaged: false })],
]);

function d(kind: string, id: string, spec: Record<string, unknown> = {}, requires: string[] = []): DesiredObject {
  return { id, kind, account: 'prod', region: 'cn-hangzhou', key: { id }, spec, requires };
}
function l(kind: string, id: string, spec: Record<string, unknown> = {}, opts: { prunable?: boolean; requires?: string[]; ids?: Record<string, string> } = {}): LiveObject {
  return { id, kind, account: 'prod', region: 'cn-hangzhou', key: { id }, spec, ids: opts.ids ?? { id: `x-${id}` }, container: 'instance[hz]', prunable: opts.prunable ?? false, requires: opts.requires ?? [] };
}
function plan(desired: DesiredObject[], live: LiveObject[], targets?: string[]) {
  const byKind = new Map<string, LiveObject[]>();
  for (const o of live) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  return buildPlan({ config, configDigest: 'c'.repeat(64), configFile: 'registry.yaml', kinds, desired, live: byKind, sha256, ...(targets ? { targets } : {}) });
}
const brief = (p: ReturnType<typeof plan>) => p.actions.map((a) => `${a.type} ${a.id}${a.dependsOn.length ? ` <- ${a.dependsOn.join(',')}` : ''}`);

describe('buildPlan', () => {
  const cases: { reason: string; desired: DesiredObject[]; live: LiveObject[]; targets?: string[]; want: string[]; unmanaged?: string[] }[] = [
    {
      reason: 'an empty estate creates everything, children after parents',
      desired: [d('instance', 'i'), d('namespace', 'i.n', {}, ['i']), d('rule', 'i.r', {}, ['i.n'])],
      live: [],
      want: ['create i', 'create i.n <- i', 'create i.r <- i.n'],
    },
    {
      reason: 'a matching live estate plans nothing',
      desired: [d('instance', 'i', { a: 1 }), d('namespace', 'i.n', { b: 2 }, ['i'])],
      live: [l('instance', 'i', { a: 1 }), l('namespace', 'i.n', { b: 2 })],
      want: [],
    },
    {
      reason: 'a changed field updates in place; an unchanged parent adds no edge',
      desired: [d('instance', 'i', { a: 1 }), d('namespace', 'i.n', { auto: true }, ['i'])],
      live: [l('instance', 'i', { a: 1 }), l('namespace', 'i.n', { auto: false })],
      want: ['update i.n'],
    },
    {
      reason: 'a field that forces replacement makes a replace',
      desired: [d('rule', 'i.r', { filter: 'b' })],
      live: [l('rule', 'i.r', { filter: 'a' })],
      want: ['replace i.r'],
    },
    {
      reason: 'an update waits for an update of what it requires',
      desired: [d('namespace', 'i.n', { auto: true }), d('rule', 'i.r', {}, ['i.n'])],
      live: [l('namespace', 'i.n', { auto: false })],
      want: ['update i.n', 'create i.r <- i.n'],
    },
    {
      reason: 'unmanaged objects are listed, not deleted, without prune',
      desired: [d('instance', 'i')],
      live: [l('instance', 'i'), l('namespace', 'i.legacy')],
      want: [],
      unmanaged: ['i.legacy'],
    },
    {
      reason: 'with prune, unmanaged objects are deleted, dependants first',
      desired: [d('instance', 'i')],
      live: [l('instance', 'i'), l('namespace', 'i.old', {}, { prunable: true, requires: ['i'] }), l('rule', 'i.old-rule', {}, { prunable: true, requires: ['i.old'] })],
      want: ['delete i.old <- i.old-rule', 'delete i.old-rule'],
    },
    {
      reason: 'evidence kinds (tags) are never unmanaged nor pruned',
      desired: [],
      live: [l('tag', 'i.n.repo:v1', {}, { prunable: true })],
      want: [],
      unmanaged: [],
    },
    {
      reason: 'a console switch becomes a gate; an instance change it requires goes first',
      desired: [d('instance', 'i', { e: 'Advanced' }), d('gate', 'i.pe', { on: true }, ['i'])],
      live: [l('instance', 'i', { e: 'Basic' }), l('gate', 'i.pe', { on: false })],
      want: ['update i', 'gate i.pe <- i'],
    },
    {
      reason: '--target keeps the target and what it depends on, nothing else',
      desired: [d('instance', 'i'), d('namespace', 'i.a', {}, ['i']), d('namespace', 'i.b', {}, ['i'])],
      live: [],
      targets: ['i.a'],
      want: ['create i', 'create i.a <- i'],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const p = plan(c.desired, c.live, c.targets);
      expect(brief(p)).toEqual(c.want);
      if (c.unmanaged) expect(p.unmanaged.map((u) => u.id)).toEqual(c.unmanaged);
    });
  }

  it('refuses a plan where a kept object needs one being deleted', () => {
    expect(() =>
      plan([d('rule', 'i.r', {}, ['i.n'])], [l('namespace', 'i.n', {}, { prunable: true })]),
    ).toThrow(/i\.r needs i\.n, which this plan deletes/);
  });

  it('carries the ids of unchanged objects the actions need in refs', () => {
    const p = plan([d('instance', 'i'), d('namespace', 'i.n', {}, ['i'])], [l('instance', 'i', {}, { ids: { instanceId: 'cri-1' } })]);
    expect(p.refs).toEqual({ i: { instanceId: 'cri-1' } });
  });

  it('fingerprints the live state: the same live state gives the same fingerprint and plan id', () => {
    const a = plan([d('instance', 'i', { a: 2 })], [l('instance', 'i', { a: 1 })]);
    const b = plan([d('instance', 'i', { a: 2 })], [l('instance', 'i', { a: 1 })]);
    const c = plan([d('instance', 'i', { a: 2 })], [l('instance', 'i', { a: 3 })]);
    expect(a.liveFingerprint).toBe(b.liveFingerprint);
    expect(a.planId).toBe(b.planId);
    expect(c.liveFingerprint).not.toBe(a.liveFingerprint);
  });
});

describe('computePlan', () => {
  it('reads kinds after the kinds they need and refuses duplicate addresses', async () => {
    const order: string[] = [];
    const parent = fakeKind('instance', {
      desired: () => [d('instance', 'i')],
      read: async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push('instance');
        return [l('instance', 'i')];
      },
    });
    const child = fakeKind('namespace', {
      readAfter: ['instance'],
      desired: () => [d('namespace', 'i.n', {}, ['i'])],
      read: async (ctx) => {
        order.push(`namespace saw ${ctx.live('instance').length}`);
        return [];
      },
    });
    const p = await computePlan({ config, configDigest: 'c'.repeat(64), configFile: 'r.yaml', kinds: [child, parent], cloud: undefined as unknown as CloudSession, sha256 });
    expect(order).toEqual(['instance', 'namespace saw 1']);
    expect(brief(p)).toEqual(['create i.n']);

    const dup = fakeKind('rule', { desired: () => [d('rule', 'i')] });
    await expect(computePlan({ config, configDigest: 'c'.repeat(64), configFile: 'r.yaml', kinds: [parent, dup], cloud: undefined as unknown as CloudSession, sha256 })).rejects.toThrow(/two objects in the configuration have the address i/);
  });
});

describe('computeDestroyPlan', () => {
  it('deletes declared objects, leaves children to their destroyed container, and survives a container cycle', async () => {
    const { computeDestroyPlan } = await import('../../src/plan/planner.js');
    const inst = fakeKind('instance', { desired: () => [d('instance', 'i')], read: async () => [{ ...l('instance', 'i'), container: 'account[prod]' }] });
    const ns = fakeKind('namespace', { readAfter: ['instance'], desired: () => [d('namespace', 'i.n', {}, ['i'])], read: async () => [{ ...l('namespace', 'i.n'), container: 'i', requires: ['i'] }] });
    // A buggy evidence-like kind whose object is its own container must not hang the walk.
    const loop = fakeKind('rule', { desired: () => [d('rule', 'x')], read: async () => [{ ...l('rule', 'x'), container: 'x' }] });
    const p = await computeDestroyPlan({ config, configDigest: 'c'.repeat(64), configFile: 'r.yaml', kinds: [inst, ns, loop], cloud: undefined as unknown as CloudSession, sha256 });
    expect(brief(p)).toEqual(['delete i', 'delete x']);
    // Its id covers the actions as returned (with their destroy reason): a saved destroy plan verifies.
    const { planIdOf } = await import('../../src/plan/planner.js');
    expect(p.actions[0]!.reason).toBe('acrctl destroy');
    expect(planIdOf(p, sha256)).toBe(p.planId);
  });
});
