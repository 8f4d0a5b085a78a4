import { afterEach, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { VpcRouteEntry } from '../../src/cloud/vpc.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { crossRegionKind as crossRegionKindTyped, type Hop } from '../../src/kinds/cross-region.js';
import { instanceKind as instanceKindTyped } from '../../src/kinds/instance.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { matchEntries, vpcRouteKind as vpcRouteKindTyped } from '../../src/kinds/vpc-route.js';
import type { Action, Plan } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { execContext, planFor, successfulCalls, testClock, type TestClock } from '../support/exec.js';
import { exampleConfig, SH, seedCrossRegion, UID, type Seeded } from './cross-region.seed.js';

/** The kind as the engine sees it (the tests build plain objects). */
const crossRegionKind: Kind = crossRegionKindTyped;
const instanceKind: Kind = instanceKindTyped;
const vpcRouteKind: Kind = vpcRouteKindTyped;

const AUTH = 'cross-region[sh-to-hz].vpc-route[auth]';
const OSS = 'cross-region[sh-to-hz].vpc-route[oss]';
const hop = { type: 'Attachment', transitRouter: 'tr-sh', vpc: 'vpc-uf6example' };

/** The natural keys of the two routes of the path (actions and objects carry them). */
const KEYS: Record<string, { access: string; which: string }> = { [AUTH]: { access: 'sh-to-hz', which: 'auth' }, [OSS]: { access: 'sh-to-hz', which: 'oss' } };

function desired(id: string, destination: string): DesiredObject {
  return { id, kind: 'vpc-route', account: 'prod', region: SH, key: KEYS[id]!, spec: { routeTable: 'vtb-uf6example', destination, nextHop: hop }, requires: [] };
}
function liveSpec(spec: Record<string, unknown>): LiveObject {
  return { id: AUTH, kind: 'vpc-route', account: 'prod', region: SH, key: KEYS[AUTH]!, spec, ids: { routeEntryId: 'rte-1' }, container: 'cross-region[sh-to-hz]', prunable: true, requires: [] };
}

describe('vpc-route diff', () => {
  const base = { routeTable: 'vtb-uf6example', destination: '100.103.7.181/32', nextHop: hop };
  const cases: { reason: string; live: Record<string, unknown>; want: string[] }[] = [
    { reason: 'the same route plans nothing', live: base, want: [] },
    { reason: 'another destination (the address moved) replaces', live: { ...base, destination: '100.103.7.180/32' }, want: ['destination:replace'] },
    { reason: 'a next hop that is not the source attachment replaces', live: { ...base, nextHop: { type: 'Instance', id: 'i-123' } }, want: ['nextHop:replace'] },
    { reason: 'an attachment of another router replaces', live: { ...base, nextHop: { ...hop, transitRouter: 'tr-other' } }, want: ['nextHop:replace'] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const d = desired(AUTH, '100.103.7.181/32');
      expect(diffOf(vpcRouteKind, d, liveSpec(c.live)).changes.map((x) => `${x.path}:${x.impact}`)).toEqual(c.want);
    });
  }
});

describe('vpc-route matching of a table', () => {
  const hops = new Map<string, Hop>([['tr-attach-sh', { kind: 'vpc', transitRouter: 'tr-sh', vpc: 'vpc-uf6example', status: 'Attached' }]]);
  const entry = (id: string, dest: string, name = '', hopId = 'tr-attach-sh', type = 'Attachment'): VpcRouteEntry =>
    ({ routeEntryId: id, routeTableId: 'vtb-uf6example', destinationCidrBlock: dest, routeEntryName: name, type: 'Custom', status: 'Available', nextHops: { nextHop: [{ nextHopType: type, nextHopId: hopId }] } }) as VpcRouteEntry;
  const place = { account: 'prod', region: SH };
  const cases: { reason: string; entries: VpcRouteEntry[]; desired: DesiredObject[]; want: string[] }[] = [
    {
      reason: 'routes of others are neither matched nor reported',
      entries: [entry('rte-a', '192.168.0.0/24', 'office', 'i-1', 'Instance')],
      desired: [desired(AUTH, '100.103.7.181/32')],
      want: [],
    },
    {
      reason: 'a route with the desired destination is ours even without our name (adopted)',
      entries: [entry('rte-a', '100.103.7.181/32', 'by-hand')],
      desired: [desired(AUTH, '100.103.7.181/32')],
      want: [`${AUTH}=rte-a`],
    },
    {
      reason: 'a named route whose destination moved matches its address, so the plan replaces it',
      entries: [entry('rte-a', '100.103.7.1/32', 'acrctl:sh-to-hz:auth')],
      desired: [desired(AUTH, '100.103.7.181/32')],
      want: [`${AUTH}=rte-a`],
    },
    {
      reason: 'a named route no longer desired keeps its address so it is deleted',
      entries: [entry('rte-a', '100.103.7.181/32', 'acrctl:sh-to-hz:auth'), entry('rte-b', '100.118.28.43/32', 'acrctl:sh-to-hz:oss')],
      desired: [desired(OSS, '100.118.28.43/32')],
      want: [`${OSS}=rte-b`, `${AUTH}=rte-a`],
    },
    {
      reason: 'a stale named route whose address is taken by an adopted one gets an address naming its destination',
      entries: [entry('rte-a', '100.103.7.1/32', 'acrctl:sh-to-hz:auth'), entry('rte-b', '100.103.7.181/32')],
      desired: [desired(AUTH, '100.103.7.181/32')],
      want: [`${AUTH}=rte-b`, 'cross-region[sh-to-hz].vpc-route[auth@100.103.7.1/32]=rte-a'],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const got = matchEntries(c.entries, c.desired, place, hops);
      expect(got.map((l) => `${l.id}=${l.ids['routeEntryId']}`)).toEqual(c.want);
      for (const l of got) expect(l.prunable).toBe(true);
    });
  }
  it('a known attachment reads back as the desired next hop', () => {
    const [l] = matchEntries([entry('rte-a', '100.103.7.181/32')], [desired(AUTH, '100.103.7.181/32')], place, hops);
    expect(l!.spec).toEqual(desired(AUTH, '100.103.7.181/32').spec);
  });
});

describe('vpc-route against the emulator', () => {
  let estate: Estate | undefined;
  afterEach(async () => {
    await estate?.close();
    estate = undefined;
  });
  const kinds = [instanceKind, crossRegionKind, vpcRouteKind];

  async function setup(): Promise<{ estate: Estate; clock: TestClock; seeded: Seeded; cfg: RegistryDocument }> {
    const clock = testClock();
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    const seeded = await seedCrossRegion(estate, clock);
    return { estate, clock, seeded, cfg: exampleConfig(seeded) };
  }
  const action = (plan: Plan, id: string): Action => {
    const a = plan.actions.find((x) => x.id === id);
    if (!a) throw new Error(`no action ${id} in ${plan.actions.map((x) => x.id).join(', ')}`);
    return a;
  };
  const routeActions = (p: Plan) => p.actions.filter((a) => a.kind === 'vpc-route').map((a) => `${a.type} ${a.id}`);
  const liveRoutes = async (estate: Estate) => {
    const r = await estate.session.vpc('prod', SH).allRouteEntries({ regionId: SH, routeTableId: 'vtb-uf6example', routeEntryType: 'Custom' });
    return r.items.map((e) => `${e.destinationCidrBlock} ${e.routeEntryName} ${e.status}`).sort();
  };

  it('creates both routes; the read then sees exactly the desired spec; a foreign route is never reported', async () => {
    const { estate, clock, seeded, cfg } = await setup();
    // Someone's own route in the same table: not ours, not reported, not touched.
    await estate.session.vpc('prod', SH).createRouteEntry({ regionId: SH, routeTableId: 'vtb-uf6example', destinationCidrBlock: '192.168.50.0/24', nextHopType: 'Instance', nextHopId: 'i-office', routeEntryName: 'office' });
    clock.advance(5_000);
    const plan = await planFor(cfg, estate.session, kinds);
    expect(routeActions(plan)).toEqual([`create ${AUTH}`, `create ${OSS}`]);
    expect(plan.unmanaged.filter((u) => u.kind === 'vpc-route')).toEqual([]);
    for (const id of [AUTH, OSS]) {
      const h = execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: id });
      const out = await carryOut(vpcRouteKind, h.ctx, action(plan, id));
      expect(h.intents.map((i) => i.call)).toEqual(['CreateRouteEntry']);
      expect(h.intents[0]!.detail).toMatchObject({ nextHop: seeded.shAttachment });
      expect(out.ids?.['routeEntryId']).toMatch(/^rte-/);
    }
    const after = await planFor(cfg, estate.session, kinds);
    expect(routeActions(after)).toEqual([]);
    expect(after.unmanaged.filter((u) => u.kind === 'vpc-route')).toEqual([]);
    expect(await liveRoutes(estate)).toEqual([
      '100.103.7.181/32 acrctl:sh-to-hz:auth Available',
      '100.118.28.43/32 acrctl:sh-to-hz:oss Available',
      '192.168.50.0/24 office Available',
    ]);
  });

  it('is idempotent: applying the create twice makes one route and one CreateRouteEntry', async () => {
    const { estate, clock, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    const a = action(plan, AUTH);
    const first = await carryOut(vpcRouteKind, execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: AUTH }).ctx, a);
    const second = await carryOut(vpcRouteKind, execContext({ cloud: estate.session, clock, planId: 'another-plan', actionId: AUTH }).ctx, a);
    expect(second.ids).toEqual(first.ids);
    expect(await successfulCalls(estate, 'CreateRouteEntry')).toBe(1);
    expect((await liveRoutes(estate)).filter((r) => r.startsWith('100.103.7.181/32'))).toHaveLength(1);
  });

  it('reconciles absent, then pending while the entry is Pending, then done; a pending apply only waits', async () => {
    const { estate, clock, seeded, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    const a = action(plan, AUTH);
    const h = () => execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: AUTH });
    expect(await reconcileAction(vpcRouteKind, h().ctx, a)).toEqual({ state: 'absent' });
    // The create landed but the run died before the outcome was journalled.
    const landed = await estate.session.vpc('prod', SH).createRouteEntry({ regionId: SH, routeTableId: 'vtb-uf6example', destinationCidrBlock: '100.103.7.181/32', nextHopType: 'Attachment', nextHopId: seeded.shAttachment!, routeEntryName: 'acrctl:sh-to-hz:auth' });
    const pending = await reconcileAction(vpcRouteKind, h().ctx, a);
    expect(pending).toEqual({ state: 'pending', ids: { routeEntryId: landed.routeEntryId, routeTableId: 'vtb-uf6example' } });
    const resumed = execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: AUTH, reconciled: pending });
    const out = await carryOut(vpcRouteKind, resumed.ctx, a);
    expect(resumed.intents).toEqual([]);
    expect(out.ids?.['routeEntryId']).toBe(landed.routeEntryId);
    expect(await reconcileAction(vpcRouteKind, h().ctx, a)).toEqual({ state: 'done', ids: { routeEntryId: landed.routeEntryId, routeTableId: 'vtb-uf6example' } });
    expect(await successfulCalls(estate, 'CreateRouteEntry')).toBe(1);
  });

  it('waits out TaskConflict while another route task of the VPC is in progress', async () => {
    const { estate, clock, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    // A route task of someone else keeps the VPC busy until the clock moves.
    await estate.session.vpc('prod', SH).createRouteEntry({ regionId: SH, routeTableId: 'vtb-uf6example', destinationCidrBlock: '192.168.60.0/24', nextHopType: 'Instance', nextHopId: 'i-x' });
    const h = execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: OSS });
    await carryOut(vpcRouteKind, h.ctx, action(plan, OSS));
    const { body } = await estate.t.admin<{ action: string; code: string | null }[]>('GET', '/_emulator/calls');
    expect(body.some((c) => c.action === 'CreateRouteEntry' && c.code === 'TaskConflict')).toBe(true);
    expect(await liveRoutes(estate)).toContain('100.118.28.43/32 acrctl:sh-to-hz:oss Available');
  });

  it('deletes its own route once it is no longer needed (routes.auth false), and reconcile says done when gone', async () => {
    const { estate, clock, seeded, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    for (const id of [AUTH, OSS]) await carryOut(vpcRouteKind, execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: id }).ctx, action(plan, id));
    const off = exampleConfig(seeded, (y) => y.replace('auth: true', 'auth: false'));
    const next = await planFor(off, estate.session, kinds);
    expect(routeActions(next)).toEqual([`delete ${AUTH}`]);
    const del = action(next, AUTH);
    const h = execContext({ cloud: estate.session, clock, planId: next.planId, actionId: AUTH });
    expect(await reconcileAction(vpcRouteKind, h.ctx, del)).toEqual({ state: 'absent' });
    await carryOut(vpcRouteKind, h.ctx, del);
    expect(h.intents.map((i) => i.call)).toEqual(['DeleteRouteEntry']);
    expect(await reconcileAction(vpcRouteKind, h.ctx, del)).toEqual({ state: 'done' });
    // Deleting again (a resumed run) succeeds without another call.
    await carryOut(vpcRouteKind, execContext({ cloud: estate.session, clock, planId: next.planId, actionId: AUTH }).ctx, del);
    expect(await successfulCalls(estate, 'DeleteRouteEntry')).toBe(1);
    expect(routeActions(await planFor(off, estate.session, kinds))).toEqual([]);
    expect(await liveRoutes(estate)).toEqual(['100.118.28.43/32 acrctl:sh-to-hz:oss Available']);
  });

  it('replaces a route whose address changed', async () => {
    const { estate, clock, seeded, cfg } = await setup();
    const plan = await planFor(cfg, estate.session, kinds);
    await carryOut(vpcRouteKind, execContext({ cloud: estate.session, clock, planId: plan.planId, actionId: AUTH }).ctx, action(plan, AUTH));
    const moved = exampleConfig(seeded, (y) => y.replace('auth: 100.103.7.181', 'auth: 100.103.7.99'));
    const next = await planFor(moved, estate.session, kinds);
    expect(routeActions(next)).toEqual([`replace ${AUTH}`, `create ${OSS}`]);
    const r = action(next, AUTH);
    expect(r.changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['destination:replace']);
    const h = execContext({ cloud: estate.session, clock, planId: next.planId, actionId: AUTH });
    await carryOut(vpcRouteKind, h.ctx, r);
    expect(h.intents.map((i) => i.call)).toEqual(['DeleteRouteEntry', 'CreateRouteEntry']);
    expect(await reconcileAction(vpcRouteKind, h.ctx, r)).toMatchObject({ state: 'done' });
    expect((await liveRoutes(estate)).filter((x) => x.includes('auth'))).toEqual(['100.103.7.99/32 acrctl:sh-to-hz:auth Available']);
  });
});
