import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { CloudSession } from '../../src/cloud/session.js';
import type { InternetEndpoint, RegistryDocument } from '../../src/config/model.js';
import { makeAclEntryKind } from '../../src/kinds/acl-entry.js';
import { allKinds } from '../../src/kinds/index.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import type { Action } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const aclEntryKind: Kind = makeAclEntryKind();

const UID = '1234567890123456';

function doc(internetEndpoint?: InternetEndpoint): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: UID } },
    instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', ...(internetEndpoint ? { internetEndpoint } : {}) } },
  };
}

describe('acl-entry: desired, diff, extras', () => {
  const cases: { reason: string; config: RegistryDocument; want: [string, Record<string, unknown>][] }[] = [
    { reason: 'no internet endpoint declared: no entries', config: doc(), want: [] },
    { reason: 'a disabled endpoint: entries wait for it (the service drops them)', config: doc({ allow: [{ cidr: '203.0.113.0/24' }] }), want: [] },
    {
      reason: 'an enabled endpoint: one object per CIDR, description defaults to empty',
      config: doc({ enabled: true, allow: [{ cidr: '203.0.113.0/24', description: 'office' }, { cidr: '198.51.100.7/32' }] }),
      want: [
        ['instance[hz].acl[203.0.113.0/24]', { cidr: '203.0.113.0/24', description: 'office' }],
        ['instance[hz].acl[198.51.100.7/32]', { cidr: '198.51.100.7/32', description: '' }],
      ],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const d = aclEntryKind.desired(c.config);
      expect(d.map((x) => [x.id, x.spec])).toEqual(c.want);
      for (const x of d) expect(x.requires).toEqual(['instance[hz].internet-endpoint', 'instance[hz]']);
    });
  }
  it('a description change replaces the entry, with a note why', () => {
    const d: DesiredObject = { id: 'a', kind: 'acl-entry', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', cidr: '10.0.0.0/8' }, spec: { cidr: '10.0.0.0/8', description: 'new' }, requires: [] };
    const l: LiveObject = { ...d, spec: { cidr: '10.0.0.0/8', description: 'old' }, ids: {}, container: 'c', prunable: false };
    expect(diffOf(aclEntryKind, d, l).changes).toEqual([{ path: 'description', before: 'old', after: 'new', impact: 'replace', note: 'the API has no update for ACL entries: deleted and created again' }]);
    expect(diffOf(aclEntryKind, d, { ...l, spec: d.spec }).changes).toEqual([]);
  });
  it('says when declared entries wait for a disabled endpoint', () => {
    const config = doc({ allow: [{ cidr: '203.0.113.0/24' }] });
    const desired = allKinds.flatMap((k) => k.desired(config));
    expect(aclEntryKind.extras!({ config, desired, live: () => [] }).findings?.map((f) => [f.id, f.severity, f.where])).toEqual([['acl-waits-for-endpoint', 'info', 'instance[hz].internet-endpoint']]);
  });
});

describe('acl-entry: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: instanceId, EndpointType: 'internet', ...params }, estate.keys['prod']!);
  const entries = async () => ((await cr('GetInstanceEndpoint', {}))['AclEntries'] as { Entry: string; Comment: string }[]).map((e) => `${e.Entry} ${e.Comment}`).sort();
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('enables the endpoint, then creates the entries once it runs; the next plan is empty and 127.0.0.1/32 is left alone', async () => {
    const config = doc({ enabled: true, allow: [{ cidr: '203.0.113.0/24', description: 'office' }, { cidr: '198.51.100.7/32' }] });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id} <- ${a.dependsOn.join(',')}`)).toEqual([
      'create instance[hz].acl[198.51.100.7/32] <- instance[hz].internet-endpoint',
      'create instance[hz].acl[203.0.113.0/24] <- instance[hz].internet-endpoint',
      'update instance[hz].internet-endpoint <- ',
    ]);
    await estate.t.admin('DELETE', '/_emulator/calls');
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(await successfulCalls(estate, 'CreateInstanceEndpointAclPolicy')).toBe(2);
    expect(await entries()).toEqual(['127.0.0.1/32 default', '198.51.100.7/32 ', '203.0.113.0/24 office']);
    const next = await planFor(config, estate.session, allKinds);
    expect(next.actions).toEqual([]);
    expect(next.unmanaged).toEqual([]);
  });

  it('reports undeclared entries, prunes them with prune (never 127.0.0.1/32), and replaces on a description change', async () => {
    await cr('CreateInstanceEndpointAclPolicy', { Entry: '192.0.2.0/24', Comment: 'stray' });
    clock.advance(60_000);
    const keep = doc({ enabled: true, allow: [{ cidr: '203.0.113.0/24', description: 'office' }, { cidr: '198.51.100.7/32' }] });
    expect((await planFor(keep, estate.session, allKinds)).unmanaged.map((u) => `${u.id} in ${u.container}`)).toEqual(['instance[hz].acl[192.0.2.0/24] in instance[hz].internet-endpoint']);
    const config = doc({ enabled: true, prune: true, allow: [{ cidr: '203.0.113.0/24', description: 'head office' }, { cidr: '198.51.100.7/32' }] });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['delete instance[hz].acl[192.0.2.0/24]', 'replace instance[hz].acl[203.0.113.0/24]']);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(await entries()).toEqual(['127.0.0.1/32 default', '198.51.100.7/32 ', '203.0.113.0/24 head office']);
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });

  it('create is idempotent and reconciles; delete reconciles done once gone', async () => {
    const config = doc({ enabled: true, allow: [{ cidr: '203.0.113.0/24', description: 'head office' }, { cidr: '198.51.100.7/32' }, { cidr: '100.64.0.0/10', description: 'ci' }] });
    const plan = await planFor(config, estate.session, allKinds);
    const action = plan.actions[0]!;
    expect(action.id).toBe('instance[hz].acl[100.64.0.0/10]');
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(aclEntryKind, h.ctx, action)).toEqual({ state: 'absent' });
    await carryOut(aclEntryKind, h.ctx, action);
    await carryOut(aclEntryKind, h.ctx, action); // already there with this description: nothing sent
    expect(h.intents.map((i) => i.call)).toEqual(['CreateInstanceEndpointAclPolicy']);
    expect(await reconcileAction(aclEntryKind, h.ctx, action)).toEqual({ state: 'done', ids: { instanceId } });
    const del: Action = { ...action, type: 'delete', before: action.after!, ids: { instanceId } };
    delete (del as { after?: unknown }).after;
    expect(await reconcileAction(aclEntryKind, h.ctx, del)).toEqual({ state: 'absent' });
    await carryOut(aclEntryKind, h.ctx, del);
    await carryOut(aclEntryKind, h.ctx, del);
    expect(await reconcileAction(aclEntryKind, h.ctx, del)).toEqual({ state: 'done' });
  });
  it('after an interrupted create: pending while unseen, waits settleMs before sending again, never sends twice when it lands', async () => {
    const config = doc({ enabled: true, allow: [{ cidr: '203.0.113.0/24', description: 'head office' }, { cidr: '198.51.100.7/32' }, { cidr: '100.64.0.0/10', description: 'ci' }, { cidr: '192.0.2.0/28', description: 'vpn' }] });
    const plan = await planFor(config, estate.session, allKinds);
    const action = plan.actions.find((a) => a.id === 'instance[hz].acl[192.0.2.0/28]')!;
    // The interrupted run announced the create; the service got it just before the crash.
    const announced = ['CreateInstanceEndpointAclPolicy'];
    await cr('CreateInstanceEndpointAclPolicy', { Entry: '192.0.2.0/28', Comment: 'vpn' });
    const settling = makeAclEntryKind({ settleMs: 5_000 });
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs, announced });
    const r = await reconcileAction(settling, h.ctx, action, h.resumed);
    expect(r).toEqual({ state: 'pending', ids: { instanceId } });
    const resumed = execContext({ cloud: estate.session, clock, ids: plan.refs, announced, reconciled: r });
    await carryOut(settling, resumed.ctx, action);
    expect(resumed.intents).toEqual([]); // it appeared: nothing sent again
    // Announced but never sent: after settleMs it is sent, once.
    const other = { ...action, id: 'instance[hz].acl[100.64.0.0/10]', key: { instance: 'hz', cidr: '100.64.0.0/10' }, after: { cidr: '100.64.0.0/10', description: 'ci2' } };
    const h2 = execContext({ cloud: estate.session, clock, ids: plan.refs, announced, reconciled: { state: 'pending', ids: { instanceId } } });
    const before = clock.now;
    await carryOut(settling, h2.ctx, other);
    expect(h2.intents.map((i) => i.call)).toEqual(['CreateInstanceEndpointAclPolicy']);
    expect(clock.now - before).toBeGreaterThanOrEqual(5_000);
    // Announced 2 s ago by a run killed while the service was still working on it: the request can
    // land until its read budget (60 s for this call) is over, so nothing is sent before then, plus
    // the settle time (issue 16: 10 s of settle alone was shorter than a slow create).
    const budget = estate.session.readBudgetMs('cr', 'CreateInstanceEndpointAclPolicy');
    expect(budget).toBe(60_000);
    const slow = { ...other, id: 'instance[hz].acl[100.64.0.0/11]', key: { instance: 'hz', cidr: '100.64.0.0/11' }, after: { cidr: '100.64.0.0/11', description: 'slow' } };
    const announcedAt = clock.now - 2_000;
    const h4 = execContext({ cloud: estate.session, clock, ids: plan.refs, announced, reconciled: { state: 'pending', ids: { instanceId }, sentAt: announcedAt } });
    await carryOut(settling, h4.ctx, slow);
    expect(h4.intents.map((i) => i.call)).toEqual(['CreateInstanceEndpointAclPolicy']);
    expect(clock.now - announcedAt, 'sent again only after the budget and the settle time').toBeGreaterThanOrEqual(budget + 5_000);
    // Without an announced call, unseen is simply absent.
    const h3 = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(settling, h3.ctx, { ...action, id: 'instance[hz].acl[10.9.0.0/16]', key: { instance: 'hz', cidr: '10.9.0.0/16' }, after: { cidr: '10.9.0.0/16', description: 'x' } }, h3.resumed)).toEqual({ state: 'absent' });
  });
});

describe('acl-entry: an entry the service dropped is sent again', () => {
  it('waits for RUNNING, sends, and sends again after the endpoint went back to CREATING and the entry never showed', async () => {
    // A plain fake of the two cr calls the create uses: the first send lands while the endpoint
    // (re)starts, so the service drops it, as it does for entries sent while CREATING.
    let reads = 0;
    let sends = 0;
    const shown: { Entry: string; Comment: string }[] = [];
    const cr = {
      getInstanceEndpoint: async () => {
        reads++;
        const status = sends === 1 && reads < 6 ? 'CREATING' : 'RUNNING';
        return { Enable: true, Status: status, AclEntries: [...shown] };
      },
      createInstanceEndpointAclPolicy: async (req: { Entries: { Entry: string; Comment: string }[] }) => {
        sends++;
        if (sends > 1) shown.push(...req.Entries);
        return {};
      },
    };
    const cloud = { cr: () => cr } as unknown as CloudSession;
    let now = 0;
    const h = execContext({ cloud, ids: { 'instance[hz]': { instanceId: 'cri-x' } } });
    const ctx = { ...h.ctx, now: () => now, sleep: async (ms: number) => void (now += ms) };
    const action: Action = {
      id: 'instance[hz].acl[10.0.0.0/8]',
      kind: 'acl-entry',
      type: 'create',
      account: 'prod',
      region: 'cn-hangzhou',
      instance: 'hz',
      key: { instance: 'hz', cidr: '10.0.0.0/8' },
      after: { cidr: '10.0.0.0/8', description: 'vpn' },
      changes: [],
      dependsOn: [],
    };
    await carryOut(aclEntryKind, ctx, action);
    expect(sends).toBe(2);
    expect(h.intents.map((i) => i.call)).toEqual(['CreateInstanceEndpointAclPolicy', 'CreateInstanceEndpointAclPolicy']);
    expect(shown).toEqual([{ Entry: '10.0.0.0/8', Comment: 'vpn' }]);
  });
});
