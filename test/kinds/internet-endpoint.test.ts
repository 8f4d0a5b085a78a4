import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { InternetEndpoint, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { internetEndpointKind as internetEndpointKindTyped } from '../../src/kinds/internet-endpoint.js';
import type { Kind, LiveObject } from '../../src/plan/kind.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const internetEndpointKind: Kind = internetEndpointKindTyped;

const UID = '1234567890123456';

function doc(internetEndpoint?: InternetEndpoint, name = 'acme-hz'): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: UID } },
    instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name, ...(internetEndpoint ? { internetEndpoint } : {}) } },
  };
}

describe('internet-endpoint: desired and classify', () => {
  const cases: { reason: string; config: RegistryDocument; want: [string, Record<string, unknown>][] }[] = [
    { reason: 'not declared: not managed', config: doc(), want: [] },
    { reason: 'declared without enabled: off (the default)', config: doc({ allow: [] }), want: [['instance[hz].internet-endpoint', { enabled: false }]] },
    { reason: 'declared on', config: doc({ enabled: true }), want: [['instance[hz].internet-endpoint', { enabled: true }]] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(internetEndpointKind.desired(c.config).map((d) => [d.id, d.spec])).toEqual(c.want);
    });
  }
  it('off on an instance still to be created plans nothing (a new endpoint is off); on plans a create', () => {
    const [off] = internetEndpointKind.desired(doc({ enabled: false }));
    const [on] = internetEndpointKind.desired(doc({ enabled: true }));
    expect(internetEndpointKind.classify!(off, undefined, undefined)).toBe('none');
    expect(internetEndpointKind.classify!(on, undefined, undefined)).toBeUndefined();
    const live: LiveObject = { ...on!, ids: {}, container: 'instance[hz]', prunable: false, spec: { enabled: false } };
    expect(diffOf(internetEndpointKind, on!, live).changes.map((c) => [c.path, c.before, c.after, c.impact])).toEqual([['enabled', false, true, 'update']]);
  });
});

describe('internet-endpoint: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('turns the endpoint on (waiting RUNNING) and off again; each next plan is empty', async () => {
    const on = doc({ enabled: true });
    const plan = await planFor(on, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['update instance[hz].internet-endpoint']);
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(internetEndpointKind, h.ctx, plan.actions[0]!)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(await successfulCalls(estate, 'UpdateInstanceEndpointStatus')).toBe(1);
    const body = await estate.t.callRpc('cr', 'cn-hangzhou', 'GetInstanceEndpoint', { InstanceId: instanceId, EndpointType: 'internet' }, estate.keys['prod']!);
    expect(body['Status']).toBe('RUNNING');
    const next = await planFor(on, estate.session, allKinds);
    expect(next.actions).toEqual([]);
    expect(next.unmanaged).toEqual([]); // the service's 127.0.0.1/32 entry is never unmanaged
    expect(await reconcileAction(internetEndpointKind, h.ctx, plan.actions[0]!)).toEqual({ state: 'done', ids: { instanceId } });
    // applying the same update again sends nothing
    await carryOut(internetEndpointKind, h.ctx, plan.actions[0]!);
    expect(h.intents).toEqual([]);

    const off = doc({ enabled: false });
    const p2 = await planFor(off, estate.session, allKinds);
    expect(p2.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['update instance[hz].internet-endpoint']);
    expect((await applyPlan(p2, allKinds, estate.session, { clock })).result.status).toBe('complete');
    expect((await planFor(off, estate.session, allKinds)).actions).toEqual([]);
  });

  it('reconciles pending while the endpoint is CREATING', async () => {
    const on = doc({ enabled: true });
    const plan = await planFor(on, estate.session, allKinds);
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    await estate.t.callRpc('cr', 'cn-hangzhou', 'UpdateInstanceEndpointStatus', { InstanceId: instanceId, EndpointType: 'internet', Enable: true }, estate.keys['prod']!);
    expect(await reconcileAction(internetEndpointKind, h.ctx, plan.actions[0]!)).toEqual({ state: 'pending', ids: { instanceId } });
    clock.advance(60_000);
    expect(await reconcileAction(internetEndpointKind, h.ctx, plan.actions[0]!)).toEqual({ state: 'done', ids: { instanceId } });
  });

  it('on a new instance: the endpoint is switched on after the instance is bought', async () => {
    const config = doc({ enabled: true }, 'acme-new');
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id} <- ${a.dependsOn.join(',')}`)).toEqual(['create instance[hz] <- ', 'create instance[hz].internet-endpoint <- instance[hz]']);
    expect((await applyPlan(plan, allKinds, estate.session, { clock })).result.status).toBe('complete');
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });
});
