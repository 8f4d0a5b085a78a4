import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { vpcLinkKind as vpcLinkKindTyped } from '../../src/kinds/vpc-link.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const vpcLinkKind: Kind = vpcLinkKindTyped;

const UID = '1234567890123456';

function doc(inst: Partial<Instance>): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', ...inst } } };
}

describe('vpc-link: desired and diff', () => {
  it('the address is vpc/vswitch; privateZone defaults to true and is sent, never compared', () => {
    const d = vpcLinkKind.desired(doc({ vpcEndpoints: [{ vpc: 'vpc-a', vswitch: 'vsw-a' }, { vpc: 'vpc-b', vswitch: 'vsw-b', privateZone: false }] }));
    expect(d.map((x) => [x.id, x.spec, x.requires])).toEqual([
      ['instance[hz].vpc-link[vpc-a/vsw-a]', { vpc: 'vpc-a', vswitch: 'vsw-a', privateZone: true }, ['instance[hz]']],
      ['instance[hz].vpc-link[vpc-b/vsw-b]', { vpc: 'vpc-b', vswitch: 'vsw-b', privateZone: false }, ['instance[hz]']],
    ]);
  });
  const live: LiveObject = { id: 'x', kind: 'vpc-link', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', vpc: 'vpc-a', vswitch: 'vsw-a' }, spec: { vpc: 'vpc-a', vswitch: 'vsw-a' }, ids: {}, container: 'instance[hz]', prunable: false, requires: [] };
  const cases: { reason: string; desired: Record<string, unknown>; paths: string[] }[] = [
    { reason: 'the live link has no privateZone to compare: no change', desired: { vpc: 'vpc-a', vswitch: 'vsw-a', privateZone: false }, paths: [] },
    { reason: 'same key, same link', desired: { vpc: 'vpc-a', vswitch: 'vsw-a', privateZone: true }, paths: [] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const d: DesiredObject = { id: 'x', kind: 'vpc-link', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', vpc: 'vpc-a', vswitch: 'vsw-a' }, spec: c.desired, requires: [] };
      expect(diffOf(vpcLinkKind, d, live).changes.map((x) => x.path)).toEqual(c.paths);
    });
  }
});

describe('vpc-link: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: instanceId, ...params }, estate.keys['prod']!);
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await cr('CreateInstanceVpcEndpointLinkedVpc', { VpcId: 'vpc-old', VswitchId: 'vsw-old', ModuleName: 'Registry' });
    clock.advance(60_000);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('reads every link of the instance; undeclared ones are unmanaged, pruned with prune', async () => {
    const config = doc({ vpcEndpoints: [{ vpc: 'vpc-new', vswitch: 'vsw-new' }] });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].vpc-link[vpc-new/vsw-new]']);
    expect(plan.unmanaged.map((u) => u.id)).toEqual(['instance[hz].vpc-link[vpc-old/vsw-old]']);
  });

  it('creates (waiting RUNNING) and prunes (waiting until gone); the next plan is empty', async () => {
    const config = doc({ prune: true, vpcEndpoints: [{ vpc: 'vpc-new', vswitch: 'vsw-new' }] });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].vpc-link[vpc-new/vsw-new]', 'delete instance[hz].vpc-link[vpc-old/vsw-old]']);
    await estate.t.admin('DELETE', '/_emulator/calls');
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(await successfulCalls(estate, 'CreateInstanceVpcEndpointLinkedVpc')).toBe(1);
    expect(result.ids.get('instance[hz].vpc-link[vpc-new/vsw-new]')).toMatchObject({ instanceId, ip: expect.stringMatching(/^10\./) });
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
    const body = await cr('GetInstanceVpcEndpoint', { ModuleName: 'Registry' });
    expect((body['LinkedVpcs'] as { VpcId: string; Status: string }[]).map((l) => `${l.VpcId} ${l.Status}`)).toEqual(['vpc-new RUNNING']);
  });

  it('create is idempotent; reconcile says absent, pending while CREATING, done when RUNNING, and done for a delete once gone', async () => {
    const config = doc({ vpcEndpoints: [{ vpc: 'vpc-new', vswitch: 'vsw-new' }, { vpc: 'vpc-c', vswitch: 'vsw-c' }] });
    const plan = await planFor(config, estate.session, allKinds);
    const action = plan.actions.find((a) => a.id === 'instance[hz].vpc-link[vpc-c/vsw-c]')!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(vpcLinkKind, h.ctx, action)).toEqual({ state: 'absent' });
    await cr('CreateInstanceVpcEndpointLinkedVpc', { VpcId: 'vpc-c', VswitchId: 'vsw-c', ModuleName: 'Registry' }); // as if sent before a crash
    expect(await reconcileAction(vpcLinkKind, h.ctx, action)).toMatchObject({ state: 'pending', ids: { instanceId } });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const resumed = execContext({ cloud: estate.session, clock, ids: plan.refs, reconciled: { state: 'pending', ids: { instanceId } } });
    await carryOut(vpcLinkKind, resumed.ctx, action); // waits, sends nothing
    expect(resumed.intents).toEqual([]);
    await carryOut(vpcLinkKind, h.ctx, action); // a plain retry: INSTANCE_ACCESS_ALREADY_EXIST is success
    expect(await successfulCalls(estate, 'CreateInstanceVpcEndpointLinkedVpc')).toBe(0);
    expect(await reconcileAction(vpcLinkKind, h.ctx, action)).toMatchObject({ state: 'done' });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: { instanceId }, after: undefined } as unknown as typeof action;
    expect(await reconcileAction(vpcLinkKind, h.ctx, del)).toEqual({ state: 'absent' });
    await carryOut(vpcLinkKind, h.ctx, del);
    await carryOut(vpcLinkKind, h.ctx, del); // INSTANCE_ACCESS_NOT_EXIST is success
    expect(await reconcileAction(vpcLinkKind, h.ctx, del)).toEqual({ state: 'done' });
  });
});
