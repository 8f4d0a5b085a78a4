import { afterEach, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { CbnRouteEntry } from '../../src/cloud/cbn.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { crossRegionKind as crossRegionKindTyped, type Hop } from '../../src/kinds/cross-region.js';
import { instanceKind as instanceKindTyped } from '../../src/kinds/instance.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { matchTrEntries, trRouteKind as trRouteKindTyped } from '../../src/kinds/tr-route.js';
import type { Action, Plan } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { execContext, planFor, successfulCalls, testClock, type TestClock } from '../support/exec.js';
import { exampleConfig, HZ, SH, seedCrossRegion, UID, type Seeded } from './cross-region.seed.js';

/** The kind as the engine sees it (the tests build plain objects). */
const crossRegionKind: Kind = crossRegionKindTyped;
const instanceKind: Kind = instanceKindTyped;
const trRouteKind: Kind = trRouteKindTyped;

const SOURCE = 'cross-region[sh-to-hz].tr-route[source]';
const TARGET = 'cross-region[sh-to-hz].tr-route[target]';
/** The natural keys of the two routes of the path (actions and objects carry them). */
const KEYS: Record<string, { access: string; which: string }> = { [SOURCE]: { access: 'sh-to-hz', which: 'source' }, [TARGET]: { access: 'sh-to-hz', which: 'target' } };

function desired(id: string, router: string, nextHop: Record<string, string>): DesiredObject {
  return { id, kind: 'tr-route', account: 'prod', region: SH, key: KEYS[id]!, spec: { transitRouter: router, destination: '100.0.0.0/8', nextHop }, requires: [] };
}

describe('tr-route diff', () => {
  const base = { transitRouter: 'tr-sh', destination: '100.0.0.0/8', nextHop: { type: 'peer', transitRouter: 'tr-hz' } };
  const live = (spec: Record<string, unknown>): LiveObject => ({ id: SOURCE, kind: 'tr-route', account: 'prod', region: SH, key: KEYS[SOURCE]!, spec, ids: {}, container: 'cross-region[sh-to-hz]', prunable: true, requires: [] });
  const cases: { reason: string; live: Record<string, unknown>; want: string[] }[] = [
    { reason: 'the same route plans nothing', live: base, want: [] },
    { reason: 'a route to a VPC instead of the peer router replaces', live: { ...base, nextHop: { type: 'vpc', vpc: 'vpc-x' } }, want: ['nextHop:replace'] },
    { reason: 'a blackhole route with our destination replaces', live: { ...base, nextHop: { type: 'BlackHole', id: '' } }, want: ['nextHop:replace'] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(diffOf(trRouteKind, desired(SOURCE, 'tr-sh', { type: 'peer', transitRouter: 'tr-hz' }), live(c.live)).changes.map((x) => `${x.path}:${x.impact}`)).toEqual(c.want);
    });
  }
});

describe('tr-route matching of a table', () => {
  const hops = new Map<string, Hop>([
    ['tr-attach-peer', { kind: 'peer', transitRouter: 'tr-sh', peer: 'tr-hz', status: 'Attached' }],
    ['tr-attach-hz', { kind: 'vpc', transitRouter: 'tr-hz', vpc: 'vpc-bp1example', status: 'Attached' }],
  ]);
  const entry = (id: string, dest: string, name: string, hop: string, type = 'Attachment'): CbnRouteEntry => ({
    TransitRouterRouteEntryId: id,
    TransitRouterRouteEntryDestinationCidrBlock: dest,
    TransitRouterRouteEntryName: name,
    TransitRouterRouteEntryNextHopType: type,
    TransitRouterRouteEntryNextHopId: hop,
    TransitRouterRouteEntryStatus: 'Active',
    TransitRouterRouteEntryType: 'Static',
  });
  const cases: { reason: string; router: string; entries: CbnRouteEntry[]; desired: DesiredObject[]; want: { id: string; hop?: unknown }[] }[] = [
    {
      reason: 'a peer attachment listed under the source router reads as the peer router from the source table',
      router: 'tr-sh',
      entries: [entry('rte-1', '100.0.0.0/8', 'acrctl:sh-to-hz:source', 'tr-attach-peer')],
      desired: [desired(SOURCE, 'tr-sh', { type: 'peer', transitRouter: 'tr-hz' })],
      want: [{ id: SOURCE, hop: { type: 'peer', transitRouter: 'tr-hz' } }],
    },
    {
      reason: 'the same peer attachment seen from the target router names the source router',
      router: 'tr-hz',
      entries: [entry('rte-2', '100.0.0.0/8', '', 'tr-attach-peer')],
      desired: [desired(TARGET, 'tr-hz', { type: 'vpc', vpc: 'vpc-bp1example' })],
      want: [{ id: TARGET, hop: { type: 'peer', transitRouter: 'tr-sh' } }],
    },
    {
      reason: 'routes of others (other destinations, no acrctl name) are not reported',
      router: 'tr-hz',
      entries: [entry('rte-3', '10.99.0.0/16', 'mine', '', 'BlackHole')],
      desired: [desired(TARGET, 'tr-hz', { type: 'vpc', vpc: 'vpc-bp1example' })],
      want: [],
    },
    {
      reason: 'an acrctl route no longer desired is reported under its address (and deleted: prunable)',
      router: 'tr-hz',
      entries: [entry('rte-4', '100.0.0.0/8', 'acrctl:old-path:target', 'tr-attach-hz')],
      desired: [],
      want: [{ id: 'cross-region[old-path].tr-route[target]', hop: { type: 'vpc', vpc: 'vpc-bp1example' } }],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const got = matchTrEntries(c.entries, c.desired, { account: 'prod', region: SH, router: c.router, table: 'vtb-x' }, hops);
      expect(got.map((l) => ({ id: l.id, hop: l.spec['nextHop'] }))).toEqual(c.want);
      for (const l of got) expect(l.prunable).toBe(true);
    });
  }
});

describe('tr-route against the emulator', () => {
  let estate: Estate | undefined;
  afterEach(async () => {
    await estate?.close();
    estate = undefined;
  });
  const kinds = [instanceKind, crossRegionKind, trRouteKind];

  async function setup(opts: { basicSource?: boolean } = {}): Promise<{ estate: Estate; clock: TestClock; seeded: Seeded; cfg: RegistryDocument }> {
    const clock = testClock();
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    const seeded = await seedCrossRegion(estate, clock, opts);
    return { estate, clock, seeded, cfg: exampleConfig(seeded) };
  }
  const action = (plan: Plan, id: string): Action => {
    const a = plan.actions.find((x) => x.id === id);
    if (!a) throw new Error(`no action ${id} in ${plan.actions.map((x) => x.id).join(', ')}`);
    return a;
  };
  const routeActions = (p: Plan) => p.actions.filter((a) => a.kind === 'tr-route').map((a) => `${a.type} ${a.id}`);
  const tableOf = async (estate: Estate, tr: string) => (await estate.session.cbn('prod').allRouteTables({ TransitRouterId: tr })).items[0]!.TransitRouterRouteTableId!;
  const entries = async (estate: Estate, tr: string) =>
    (await estate.session.cbn('prod').allRouteEntries({ TransitRouterRouteTableId: await tableOf(estate, tr), TransitRouterRouteEntryStatus: 'All' })).items
      .map((e) => `${e.TransitRouterRouteEntryDestinationCidrBlock} ${e.TransitRouterRouteEntryName} ${e.TransitRouterRouteEntryNextHopId ?? ''} ${e.TransitRouterRouteEntryStatus}`)
      .sort();
  const apply = (estate: Estate, clock: TestClock, plan: Plan, id: string, planId = plan.planId) => {
    const h = execContext({ cloud: estate.session, clock, planId, actionId: id });
    return carryOut(trRouteKind, h.ctx, action(plan, id)).then((out) => ({ out, h }));
  };

  it('creates both routes to the right attachments; the read then sees exactly the desired spec', async () => {
    const { estate, clock, seeded, cfg } = await setup();
    // Someone's own static route in the source table: never reported nor touched.
    await estate.session.cbn('prod').createTransitRouterRouteEntry({ TransitRouterRouteTableId: await tableOf(estate, seeded.shRouter), TransitRouterRouteEntryDestinationCidrBlock: '10.99.0.0/16', TransitRouterRouteEntryNextHopType: 'BlackHole', TransitRouterRouteEntryName: 'mine' });
    clock.advance(5_000);
    const plan = await planFor(cfg, estate.session, kinds);
    expect(routeActions(plan)).toEqual([`create ${SOURCE}`, `create ${TARGET}`]);
    expect(action(plan, SOURCE).region).toBe(SH);
    expect(action(plan, TARGET).region).toBe(HZ);
    const src = await apply(estate, clock, plan, SOURCE);
    expect(src.h.intents.map((i) => i.call)).toEqual(['CreateTransitRouterRouteEntry']);
    expect(src.h.intents[0]!.detail).toMatchObject({ nextHop: seeded.peerAttachment, destination: '100.0.0.0/8' });
    const dst = await apply(estate, clock, plan, TARGET);
    expect(dst.h.intents[0]!.detail).toMatchObject({ nextHop: seeded.hzAttachment });
    const after = await planFor(cfg, estate.session, kinds);
    expect(routeActions(after)).toEqual([]);
    expect(after.unmanaged.filter((u) => u.kind === 'tr-route')).toEqual([]);
    expect(await entries(estate, seeded.shRouter)).toEqual(['10.99.0.0/16 mine  Active', `100.0.0.0/8 acrctl:sh-to-hz:source ${seeded.peerAttachment} Active`]);
    expect(await entries(estate, seeded.hzRouter)).toEqual([`100.0.0.0/8 acrctl:sh-to-hz:target ${seeded.hzAttachment} Active`]);
  });

  it('is idempotent: applying the create twice makes one entry and one CreateTransitRouterRouteEntry', async () => {
    const { estate, clock, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    const first = await apply(estate, clock, plan, TARGET);
    const second = await apply(estate, clock, plan, TARGET, 'another-plan');
    expect(second.out.ids).toEqual(first.out.ids);
    expect(second.h.intents).toEqual([]);
    expect(await successfulCalls(estate, 'CreateTransitRouterRouteEntry')).toBe(1);
  });

  it('reconciles absent, pending (entry Creating, only seen with status All), then done; a pending apply only waits', async () => {
    const { estate, clock, seeded, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    const a = action(plan, SOURCE);
    const ctx = () => execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: SOURCE }).ctx;
    expect(await reconcileAction(trRouteKind, ctx(), a)).toEqual({ state: 'absent' });
    const table = await tableOf(estate, seeded.shRouter);
    const landed = await estate.session.cbn('prod').createTransitRouterRouteEntry({ TransitRouterRouteTableId: table, TransitRouterRouteEntryDestinationCidrBlock: '100.0.0.0/8', TransitRouterRouteEntryNextHopType: 'Attachment', TransitRouterRouteEntryNextHopId: seeded.peerAttachment! });
    const pending = await reconcileAction(trRouteKind, ctx(), a);
    expect(pending).toEqual({ state: 'pending', ids: { routeEntryId: landed.TransitRouterRouteEntryId, routeTableId: table } });
    const resumed = execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: SOURCE, reconciled: pending });
    const out = await carryOut(trRouteKind, resumed.ctx, a);
    expect(resumed.intents).toEqual([]);
    expect(out.ids?.['routeEntryId']).toBe(landed.TransitRouterRouteEntryId);
    expect(await reconcileAction(trRouteKind, ctx(), a)).toMatchObject({ state: 'done' });
  });

  it('a route to the wrong next hop is not "done": reconcile says absent', async () => {
    const { estate, clock, seeded, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    await estate.session.cbn('prod').createTransitRouterRouteEntry({ TransitRouterRouteTableId: await tableOf(estate, seeded.hzRouter), TransitRouterRouteEntryDestinationCidrBlock: '100.0.0.0/8', TransitRouterRouteEntryNextHopType: 'BlackHole' });
    clock.advance(5_000);
    expect(await reconcileAction(trRouteKind, execContext({ cloud: estate.session, clock }).ctx, action(plan, TARGET))).toEqual({ state: 'absent' });
    // And the plan replaces that adopted blackhole route.
    expect(routeActions(await planFor(cfg, estate.session, kinds))).toEqual([`create ${SOURCE}`, `replace ${TARGET}`]);
  });

  it('deletes its routes when no service route is needed any more, waiting while an entry is still Creating', async () => {
    const { estate, clock, seeded, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    await apply(estate, clock, plan, SOURCE);
    const off = exampleConfig(seeded, (y) => y.replace('auth: true', 'auth: false').replace('oss: true', 'oss: false'));
    const next = await planFor(off, estate.session, kinds);
    expect(routeActions(next)).toEqual([`delete ${SOURCE}`]);
    const table = await tableOf(estate, seeded.shRouter);
    const del = action(next, SOURCE);
    const h = execContext({ cloud: estate.session, clock, planId: next.planId, actionId: SOURCE });
    await carryOut(trRouteKind, h.ctx, del);
    expect(h.intents.map((i) => i.call)).toEqual(['DeleteTransitRouterRouteEntry']);
    expect(await reconcileAction(trRouteKind, h.ctx, del)).toEqual({ state: 'done' });
    expect(await entries(estate, seeded.shRouter)).toEqual([]);
    expect(routeActions(await planFor(off, estate.session, kinds))).toEqual([]);

    // An entry still Creating is refused with IncorrectStatus.Status: the delete waits it out.
    const fresh = await estate.session.cbn('prod').createTransitRouterRouteEntry({ TransitRouterRouteTableId: table, TransitRouterRouteEntryDestinationCidrBlock: '100.0.0.0/8', TransitRouterRouteEntryNextHopType: 'Attachment', TransitRouterRouteEntryNextHopId: seeded.peerAttachment!, TransitRouterRouteEntryName: 'acrctl:sh-to-hz:source' });
    const busy = await planFor(off, estate.session, kinds);
    expect(routeActions(busy)).toEqual([`delete ${SOURCE}`]);
    expect(action(busy, SOURCE).ids).toMatchObject({ routeEntryId: fresh.TransitRouterRouteEntryId });
    await carryOut(trRouteKind, execContext({ cloud: estate.session, clock, planId: busy.planId, actionId: SOURCE }).ctx, action(busy, SOURCE));
    const { body } = await estate.t.admin<{ action: string; code: string | null }[]>('GET', '/_emulator/calls');
    expect(body.some((c) => c.action === 'DeleteTransitRouterRouteEntry' && c.code === 'IncorrectStatus.Status')).toBe(true);
    expect(await entries(estate, seeded.shRouter)).toEqual([]);
  });

  it('a Basic Edition router has no route table: apply fails saying Enterprise is needed', async () => {
    const { estate, clock, cfg } = await setup({ basicSource: true });
    const plan = await planFor(cfg, estate.session, kinds);
    expect(plan.findings.some((f) => f.id === 'cross-region-basic-transit-router')).toBe(true);
    await expect(apply(estate, clock, plan, SOURCE)).rejects.toThrow(/no System route table/);
  });
});
