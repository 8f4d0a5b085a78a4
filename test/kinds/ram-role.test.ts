import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import type { DesiredObject, Kind } from '../../src/plan/kind.js';
import { crossAccountTargets, ramRoleKind as ramRoleKindTyped, rewriteTrust, trustedServices, type RoleLive } from '../../src/kinds/ram-role.js';
import { computeDestroyPlan, diffOf } from '../../src/plan/planner.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';
import { createHash } from 'node:crypto';

/** The kind as the engine sees it (the tests build plain objects). */
const ramRoleKind: Kind = ramRoleKindTyped;

const PROD = '1234567890123456';
const DEV = '2222222222222222';
const PARTNER = '6543210987654321';
const ROLE = 'aliyuncontainerregistrycrossaccoutsyncrole';
const accounts = { prod: { uid: PROD }, dev: { uid: DEV }, partner: { uid: PARTNER } };

function doc(instances: Record<string, Partial<Instance> & { name: string; account: string }>, extra: Partial<RegistryDocument> = {}): RegistryDocument {
  const out: Record<string, Instance> = {};
  for (const [k, v] of Object.entries(instances)) out[k] = { region: 'cn-hangzhou', edition: 'Advanced', ...v } as Instance;
  return { version: 1, accounts, instances: out, ...extra };
}

describe('ram-role: which target accounts need the role', () => {
  const cases: { reason: string; config: RegistryDocument; want: { account: string; trustedUids: string[]; instances: string[] }[] }[] = [
    {
      reason: 'a rule within one account needs no role',
      config: doc({ hz: { name: 'a', account: 'prod', replication: [{ name: 'r', to: 'bj', namespace: 'n' }] }, bj: { name: 'b', account: 'prod', region: 'cn-beijing' } }),
      want: [],
    },
    {
      reason: 'two source accounts into one target account merge into one role',
      config: doc({
        hz: { name: 'a', account: 'prod', replication: [{ name: 'r', to: 'bj', namespace: 'n' }] },
        sh: { name: 's', account: 'dev', region: 'cn-shanghai', replication: [{ name: 'r', to: 'bj', namespace: 'n' }, { name: 'r2', to: 'bj', namespace: 'm' }] },
        bj: { name: 'b', account: 'partner', region: 'cn-beijing' },
      }),
      want: [{ account: 'partner', trustedUids: [PROD, DEV], instances: ['bj'] }],
    },
    {
      reason: 'explicit trusted accounts and instances are merged with the derived ones',
      config: doc(
        {
          hz: { name: 'a', account: 'prod', replication: [{ name: 'r', to: 'bj', namespace: 'n' }] },
          bj: { name: 'b', account: 'partner', region: 'cn-beijing' },
          bj2: { name: 'b2', account: 'partner', region: 'cn-beijing' },
        },
        { crossAccountRoles: { partner: { trustedAccounts: ['dev'], instances: ['bj2'] } } },
      ),
      want: [{ account: 'partner', trustedUids: [PROD, DEV], instances: ['bj', 'bj2'] }],
    },
    {
      reason: 'an explicit role that trusts nobody yields nothing (a trust policy needs a statement)',
      config: doc({ bj: { name: 'b', account: 'partner' } }, { crossAccountRoles: { partner: { instances: ['bj'] } } }),
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(crossAccountTargets(c.config).map((t) => ({ account: t.account, trustedUids: t.trustedUids, instances: t.instances }))).toEqual(c.want);
    });
  }
  it('desired: one role per target account, principals sorted, with the reason', () => {
    const [role] = ramRoleKind.desired(
      doc({ hz: { name: 'a', account: 'prod', replication: [{ name: 'r', to: 'bj', namespace: 'n' }] }, sh: { name: 's', account: 'dev', replication: [{ name: 'q', to: 'bj', namespace: 'n' }] }, bj: { name: 'b', account: 'partner' } }),
    );
    expect(role!.id).toBe(`account[partner].ram-role[${ROLE}]`);
    expect([role!.account, role!.region]).toEqual(['partner', 'global']);
    expect(role!.spec['trustedServices']).toEqual([`${PROD}@cr.aliyuncs.com`, `${DEV}@cr.aliyuncs.com`].sort());
    expect(role!.reason).toContain('replication rule r of instance[hz] crosses accounts');
  });
});

describe('ram-role: trust policy parsing and rewriting', () => {
  const ecs = { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['ecs.aliyuncs.com'] } };
  const cases: { reason: string; doc: Record<string, unknown>; services: string[]; live: string[]; statements: unknown[] }[] = [
    {
      reason: 'other statements are kept; ours go into one statement at the end',
      doc: { Version: '1', Statement: [ecs] },
      services: [`${PROD}@cr.aliyuncs.com`],
      live: [],
      statements: [ecs, { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${PROD}@cr.aliyuncs.com`] } }],
    },
    {
      reason: 'ours are taken out of a mixed statement, whose other principals stay',
      doc: { Version: '1', Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['ecs.aliyuncs.com', `${DEV}@cr.aliyuncs.com`], RAM: ['acs:ram::1:root'] } }] },
      services: [`${PROD}@cr.aliyuncs.com`],
      live: [`${DEV}@cr.aliyuncs.com`],
      statements: [
        { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['ecs.aliyuncs.com'], RAM: ['acs:ram::1:root'] } },
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${PROD}@cr.aliyuncs.com`] } },
      ],
    },
    {
      reason: 'a Deny statement naming our principal is not ours to manage',
      doc: { Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Deny', Principal: { Service: `${DEV}@cr.aliyuncs.com` } }] },
      services: [],
      live: [],
      statements: [{ Action: 'sts:AssumeRole', Effect: 'Deny', Principal: { Service: `${DEV}@cr.aliyuncs.com` } }],
    },
    {
      reason: 'removing every principal of ours drops our statement',
      doc: { Version: '1', Statement: [ecs, { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: `${DEV}@cr.aliyuncs.com` } }] },
      services: [],
      live: [`${DEV}@cr.aliyuncs.com`],
      statements: [ecs],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(trustedServices(c.doc)).toEqual(c.live);
      const out = rewriteTrust(c.doc, c.services);
      expect(out['Statement']).toEqual(c.statements);
      expect(trustedServices(out)).toEqual(c.services);
      expect(rewriteTrust(out, c.services)).toEqual(out); // rewriting is stable
    });
  }
  it('diff compares the principal set only, and shows the whole document when it changes', () => {
    const desired: DesiredObject = { id: 'r', kind: 'ram-role', account: 'partner', region: 'global', key: { account: 'partner', role: ROLE }, spec: { roleName: ROLE, trustedServices: [`${PROD}@cr.aliyuncs.com`], description: 'x' }, requires: [] };
    const live = (d: Record<string, unknown>): RoleLive => ({ ...desired, key: { account: 'partner', role: ROLE }, spec: { roleName: ROLE, trustedServices: trustedServices(d), description: 'other' }, ids: { roleName: ROLE }, container: 'account[partner]', prunable: false, document: d });
    const same = { Version: '1', Statement: [ecs, { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${PROD}@cr.aliyuncs.com`] } }] };
    expect(diffOf(ramRoleKind, desired, live(same)).changes).toEqual([]);
    const changes = diffOf(ramRoleKind, desired, live({ Version: '1', Statement: [ecs] })).changes;
    expect(changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['trustedServices:update', 'trustPolicy:update']);
    expect(JSON.parse(String(changes[1]!.after))).toEqual(same);
    expect(JSON.parse(String(changes[1]!.before))).toEqual({ Version: '1', Statement: [ecs] });
  });
});

describe('cross-account replication against the emulator: role → policy → attachment → rule', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  let sh: string;
  let bj: string;
  const config = doc({
    hz: { name: 'acme-hz', account: 'prod', namespaces: { 'team-a': {} }, replication: [{ name: 'to-partner', to: 'bj', namespace: 'team-a' }] },
    sh: { name: 'dev-sh', account: 'dev', region: 'cn-shanghai', namespaces: { 'team-a': {} }, replication: [{ name: 'to-partner', to: 'bj', namespace: 'team-a' }] },
    bj: { name: 'partner-bj', account: 'partner', region: 'cn-beijing', edition: 'Basic' },
  });
  const ecs = { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['ecs.aliyuncs.com'] } };
  const ram = (action: string, params: Record<string, unknown>) => estate.t.callRpc('ram', 'global', action, params, estate.keys['partner']!);
  const trust = async () => JSON.parse(String(((await ram('GetRole', { RoleName: ROLE }))['Role'] as Record<string, unknown>)['AssumeRolePolicyDocument'])) as Record<string, unknown>;

  beforeAll(async () => {
    estate = await startEstate({ prod: PROD, dev: DEV, partner: PARTNER }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    sh = await buyInstance(estate, 'dev', 'cn-shanghai', 'dev-sh', 'Advanced', clock);
    bj = await buyInstance(estate, 'partner', 'cn-beijing', 'partner-bj', 'Basic', clock);
    await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateNamespace', { InstanceId: hz, NamespaceName: 'team-a' }, estate.keys['prod']!);
    await estate.t.callRpc('cr', 'cn-shanghai', 'CreateNamespace', { InstanceId: sh, NamespaceName: 'team-a' }, estate.keys['dev']!);
    // The role already exists (made by hand for another service): its statement must survive.
    await ram('CreateRole', { RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [ecs] }) });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('plans the RAM objects in the target account before the rules, with the reasons', async () => {
    const plan = await planFor(config, estate.session, allKinds);
    const role = `account[partner].ram-role[${ROLE}]`;
    const policy = 'account[partner].ram-policy[AcrctlCrossAccountSync]';
    const attachment = `account[partner].ram-attachment[${ROLE}/AcrctlCrossAccountSync]`;
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([
      `create ${attachment}`,
      `create ${policy}`,
      `update ${role}`,
      'create instance[bj].namespace[team-a]',
      'create instance[hz].replication[to-partner]',
      'create instance[sh].replication[to-partner]',
    ]);
    const byId = new Map(plan.actions.map((a) => [a.id, a] as const));
    expect(byId.get(attachment)!.dependsOn).toEqual([policy, role]);
    expect(byId.get('instance[hz].replication[to-partner]')!.dependsOn).toEqual([attachment, policy, role, 'instance[bj].namespace[team-a]']);
    expect(byId.get(policy)!.after).toEqual({
      policyName: 'AcrctlCrossAccountSync',
      document: { Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:CreateRepositorySync', 'cr:CreateSyncRule'], Resource: [`acs:cr:cn-beijing:${PARTNER}:instance/${bj}`] }] },
    });
    const roleChanges = byId.get(role)!.changes;
    expect(roleChanges[0]).toMatchObject({ path: 'trustedServices', before: [], after: [`${PROD}@cr.aliyuncs.com`, `${DEV}@cr.aliyuncs.com`].sort() });
    expect(roleChanges[1]!.path).toBe('trustPolicy');
    expect(byId.get(role)!.reason).toContain('replication rule to-partner of instance[sh] crosses accounts');
  });

  it('applies: the emulator accepts both cross-account rules, the hand-made statement survives, and the next plan is empty', async () => {
    const plan = await planFor(config, estate.session, allKinds);
    const { result, events } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status, JSON.stringify(events.filter((e) => e.level === 'error'))).toBe('complete');
    expect((await trust())['Statement']).toEqual([ecs, { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${PROD}@cr.aliyuncs.com`, `${DEV}@cr.aliyuncs.com`].sort() } }]);
    const next = await planFor(config, estate.session, allKinds);
    expect(next.actions).toEqual([]);
    expect(next.unmanaged).toEqual([]);
    const rules = (await estate.t.callRpc('cr', 'cn-beijing', 'ListRepoSyncRule', { InstanceId: bj }, estate.keys['partner']!))['SyncRules'] as Record<string, unknown>[];
    expect(rules.map((r) => [r['LocalInstanceId'], r['SyncDirection'], r['CrossUser']]).sort()).toEqual([[hz, 'TO', true], [sh, 'TO', true]].sort());
  });

  it('create is idempotent (an existing role is updated, not created twice) and reconciles on the principal set', async () => {
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions).toEqual([]);
    const action = {
      id: `account[partner].ram-role[${ROLE}]`, kind: 'ram-role', type: 'create' as const, account: 'partner', region: 'global', key: { account: 'partner', role: ROLE },
      after: { roleName: ROLE, trustedServices: [`${PROD}@cr.aliyuncs.com`], description: 'd' }, changes: [], dependsOn: [],
    };
    const h = execContext({ cloud: estate.session, clock });
    expect(await reconcileAction(ramRoleKind, h.ctx, action)).toEqual({ state: 'absent' }); // live trusts two accounts
    await estate.t.admin('DELETE', '/_emulator/calls');
    await carryOut(ramRoleKind, h.ctx, action);
    await carryOut(ramRoleKind, h.ctx, action);
    expect(await successfulCalls(estate, 'CreateRole')).toBe(0);
    expect(await successfulCalls(estate, 'UpdateRole')).toBe(1);
    expect(h.intents.map((i) => i.call)).toEqual(['CreateRole', 'UpdateRole', 'CreateRole']);
    expect(await reconcileAction(ramRoleKind, h.ctx, action)).toEqual({ state: 'done', ids: { roleName: ROLE } });
    expect((await trust())['Statement']).toEqual([ecs, { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${PROD}@cr.aliyuncs.com`] } }]);
  });

  it('destroy deletes the attachment and the policy, and keeps a role that trusts someone else (only our principals go)', async () => {
    // Put both principals back first.
    await applyPlan(await planFor(config, estate.session, allKinds), allKinds, estate.session, { clock });
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const plan = await computeDestroyPlan({ config, configDigest: sha('c'), configFile: 'r.yaml', kinds: allKinds, cloud: estate.session, sha256: sha });
    const ram2 = plan.actions.filter((a) => a.account === 'partner' && a.region === 'global').map((a) => `${a.type} ${a.id}`);
    expect(ram2).toEqual([
      `delete account[partner].ram-attachment[${ROLE}/AcrctlCrossAccountSync]`,
      'delete account[partner].ram-policy[AcrctlCrossAccountSync]',
      `delete account[partner].ram-role[${ROLE}]`,
    ]);
    // The rules go with their source instances, which destroy refunds.
    expect(plan.actions.filter((a) => a.kind === 'sync-rule')).toEqual([]);
    // Apply only the RAM deletes (the instances stay for the other tests).
    const keep = plan.actions.filter((a) => a.kind.startsWith('ram-'));
    const ids = new Set(keep.map((a) => a.id));
    const { result } = await applyPlan({ ...plan, actions: keep.map((a) => ({ ...a, dependsOn: a.dependsOn.filter((d) => ids.has(d)) })) }, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await trust())['Statement']).toEqual([ecs]);
    expect(await ram('ListPoliciesForRole', { RoleName: ROLE })).toMatchObject({ Policies: { Policy: [] } });
  });

  it('deletes a role only when nothing else trusts it; a role with a foreign policy attached is refused', async () => {
    const h = execContext({ cloud: estate.session, clock });
    const del = { id: `account[partner].ram-role[${ROLE}]`, kind: 'ram-role', type: 'delete' as const, account: 'partner', region: 'global', key: { account: 'partner', role: ROLE }, ids: { roleName: ROLE }, before: { roleName: ROLE, trustedServices: [] }, changes: [], dependsOn: [] };
    await ram('UpdateRole', { RoleName: ROLE, NewAssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${PROD}@cr.aliyuncs.com`] } }] }) });
    await ram('AttachPolicyToRole', { RoleName: ROLE, PolicyName: 'AliyunContainerRegistryReadOnlyAccess', PolicyType: 'System' });
    expect(await reconcileAction(ramRoleKind, h.ctx, del)).toEqual({ state: 'absent' });
    await expect(carryOut(ramRoleKind, h.ctx, del)).rejects.toMatchObject({ code: 'apply.role_in_use' });
    await ram('DetachPolicyFromRole', { RoleName: ROLE, PolicyName: 'AliyunContainerRegistryReadOnlyAccess', PolicyType: 'System' });
    await carryOut(ramRoleKind, h.ctx, del);
    await carryOut(ramRoleKind, h.ctx, del); // already gone
    expect(await reconcileAction(ramRoleKind, h.ctx, del)).toEqual({ state: 'done' });
    await expect(ram('GetRole', { RoleName: ROLE })).rejects.toMatchObject({ code: expect.stringMatching(/EntityNotExist/) });
  });
});
