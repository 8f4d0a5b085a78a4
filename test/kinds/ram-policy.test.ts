import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kind } from '../../src/plan/kind.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { crossAccountTargets } from '../../src/kinds/ram-role.js';
import { normaliseDocument, policyDocument, ramPolicyKind as ramPolicyKindTyped, resolvePlaceholders } from '../../src/kinds/ram-policy.js';
import type { Action } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const ramPolicyKind: Kind = ramPolicyKindTyped;

const PROD = '1234567890123456';
const PARTNER = '6543210987654321';
const POLICY = 'AcrctlCrossAccountSync';

function doc(extra: Partial<RegistryDocument> = {}, bj: Partial<Instance> = {}): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: PROD }, partner: { uid: PARTNER } },
    instances: {
      hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', namespaces: { 'team-a': {} }, replication: [{ name: 'to-partner', to: 'bj', namespace: 'team-a' }] },
      bj: { account: 'partner', region: 'cn-beijing', edition: 'Basic', name: 'partner-bj', ...bj },
    },
    ...extra,
  };
}

describe('ram-policy: documents', () => {
  const target = (config: RegistryDocument) => crossAccountTargets(config)[0]!;
  const cases: { reason: string; config: RegistryDocument; id?: string; want: unknown }[] = [
    {
      reason: 'least privilege: the two sync actions on the target instance ARN',
      config: doc(),
      id: 'cri-known',
      want: { Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:CreateRepositorySync', 'cr:CreateSyncRule'], Resource: [`acs:cr:cn-beijing:${PARTNER}:instance/cri-known`] }] },
    },
    {
      reason: 'an instance not created yet appears as a placeholder apply fills in',
      config: doc(),
      want: { Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:CreateRepositorySync', 'cr:CreateSyncRule'], Resource: [`acs:cr:cn-beijing:${PARTNER}:instance/{{instance[bj].instanceId}}`] }] },
    },
    {
      reason: 'an explicit policy replaces the derived one (effect defaults to Allow, lists sorted)',
      config: doc({ crossAccountRoles: { partner: { policy: { name: 'Mine', statements: [{ actions: ['cr:CreateSyncRule', 'cr:CreateRepositorySync'], resources: ['acs:cr:cn-beijing:6543210987654321:instance/cri-b', 'acs:cr:cn-beijing:6543210987654321:instance/cri-a'] }] } } } }),
      want: {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['cr:CreateRepositorySync', 'cr:CreateSyncRule'], Resource: ['acs:cr:cn-beijing:6543210987654321:instance/cri-a', 'acs:cr:cn-beijing:6543210987654321:instance/cri-b'] }],
      },
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(policyDocument(c.config, target(c.config), () => c.id)).toEqual(c.want);
    });
  }
  it('normalises what RAM returns the way desired documents are built (strings become sorted lists)', () => {
    expect(normaliseDocument({ Version: '1', Statement: { Effect: 'Allow', Action: 'cr:CreateSyncRule', Resource: ['b', 'a'] } })).toEqual({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['cr:CreateSyncRule'], Resource: ['a', 'b'] }],
    });
  });
  it('placeholders resolve from learned ids, and an unknown id is an error naming the instance', () => {
    const d = { Statement: [{ Resource: ['acs:cr:r:u:instance/{{instance[bj].instanceId}}'] }] };
    expect(resolvePlaceholders(d, (a) => (a === 'instance[bj]' ? { instanceId: 'cri-1' } : {}), 'p')).toEqual({ Statement: [{ Resource: ['acs:cr:r:u:instance/cri-1'] }] });
    expect(() => resolvePlaceholders(d, () => ({}), 'p')).toThrow(/instance\[bj\]/);
  });
  it('derive uses live instance ids and requires the covered instances', () => {
    const [p] = ramPolicyKind.derive!({ config: doc(), desired: [], live: (k) => (k === 'instance' ? [{ id: 'instance[bj]', ids: { instanceId: 'cri-live' } } as never] : []) });
    expect(p!.id).toBe(`account[partner].ram-policy[${POLICY}]`);
    expect(p!.requires).toEqual(['instance[bj]']);
    expect(JSON.stringify(p!.spec['document'])).toContain('instance/cri-live');
  });
});

describe('ram-policy against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  const ram = (action: string, params: Record<string, unknown>) => estate.t.callRpc('ram', 'global', action, params, estate.keys['partner']!);

  beforeAll(async () => {
    estate = await startEstate({ prod: PROD, partner: PARTNER }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateNamespace', { InstanceId: hz, NamespaceName: 'team-a' }, estate.keys['prod']!);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('a target instance created by the same plan: the policy shows a placeholder, apply fills in the new id, the next plan is empty', async () => {
    const config = doc();
    const plan = await planFor(config, estate.session, allKinds);
    const policy = plan.actions.find((a) => a.kind === 'ram-policy')!;
    expect(policy.type).toBe('create');
    expect(policy.dependsOn).toContain('instance[bj]');
    expect(JSON.stringify(policy.after)).toContain('instance/{{instance[bj].instanceId}}');
    const { result, events } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status, JSON.stringify(events.filter((e) => e.level === 'error'))).toBe('complete');
    const bj = result.ids.get('instance[bj]')!['instanceId']!;
    const got = await ram('GetPolicy', { PolicyName: POLICY, PolicyType: 'Custom' });
    const text = String((got['DefaultPolicyVersion'] as Record<string, unknown>)['PolicyDocument']);
    expect(JSON.parse(text)['Statement'][0]['Resource']).toEqual([`acs:cr:cn-beijing:${PARTNER}:instance/${bj}`]);
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });

  it('an update is a new default version; with 5 versions the oldest non-default goes first; applying twice makes one version', async () => {
    for (let i = 0; i < 4; i++) {
      await ram('CreatePolicyVersion', { PolicyName: POLICY, PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:GetInstance', Resource: `acs:cr:*:${PARTNER}:instance/cri-${i}` }] }), SetAsDefault: i === 3 });
    }
    const config = doc();
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([`update account[partner].ram-policy[${POLICY}]`]);
    const action = plan.actions[0] as Action;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(ramPolicyKind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    await carryOut(ramPolicyKind, h.ctx, action);
    await carryOut(ramPolicyKind, h.ctx, action);
    expect(await successfulCalls(estate, 'CreatePolicyVersion')).toBe(1);
    expect(h.intents.map((i) => i.call)).toEqual(['DeletePolicyVersion', 'CreatePolicyVersion']);
    const versions = ((await ram('ListPolicyVersions', { PolicyName: POLICY, PolicyType: 'Custom' }))['PolicyVersions'] as { PolicyVersion: { VersionId: string; IsDefaultVersion: boolean }[] }).PolicyVersion;
    expect(versions.map((v) => v.VersionId).sort()).toEqual(['v2', 'v3', 'v4', 'v5', 'v6']);
    expect(versions.find((v) => v.IsDefaultVersion)!.VersionId).toBe('v6');
    expect(await reconcileAction(ramPolicyKind, h.ctx, action)).toEqual({ state: 'done', ids: { policyName: POLICY } });
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
  });

  it('create finds an existing policy and updates it; delete accepts a policy already gone', async () => {
    const h = execContext({ cloud: estate.session, clock });
    const create: Action = {
      id: `account[partner].ram-policy[${POLICY}]`, kind: 'ram-policy', type: 'create', account: 'partner', region: 'global', key: { account: 'partner', policy: POLICY },
      after: { policyName: POLICY, document: { Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:CreateSyncRule'], Resource: ['acs:cr:cn-beijing:6543210987654321:instance/cri-x'] }] } },
      changes: [], dependsOn: [],
    };
    await carryOut(ramPolicyKind, h.ctx, create);
    expect(await reconcileAction(ramPolicyKind, h.ctx, create)).toMatchObject({ state: 'done' });
    const del: Action = { ...create, type: 'delete', before: { policyName: POLICY }, ids: { policyName: POLICY } };
    delete (del as { after?: unknown }).after;
    await ram('DetachPolicyFromRole', { RoleName: 'aliyuncontainerregistrycrossaccoutsyncrole', PolicyName: POLICY, PolicyType: 'Custom' });
    expect(await reconcileAction(ramPolicyKind, h.ctx, del)).toEqual({ state: 'absent' });
    await carryOut(ramPolicyKind, h.ctx, del);
    await carryOut(ramPolicyKind, h.ctx, del);
    expect(await reconcileAction(ramPolicyKind, h.ctx, del)).toEqual({ state: 'done' });
  });
});
