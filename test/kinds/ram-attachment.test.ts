import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import type { Kind } from '../../src/plan/kind.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { ramAttachmentKind as ramAttachmentKindTyped } from '../../src/kinds/ram-attachment.js';
import type { Action } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { execContext, successfulCalls } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const ramAttachmentKind: Kind = ramAttachmentKindTyped;

const PROD = '1234567890123456';
const PARTNER = '6543210987654321';
const ROLE = 'aliyuncontainerregistrycrossaccoutsyncrole';
const config: RegistryDocument = {
  version: 1,
  accounts: { prod: { uid: PROD }, partner: { uid: PARTNER } },
  instances: {
    hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', replication: [{ name: 'r', to: 'bj', namespace: 'a' }] },
    bj: { account: 'partner', region: 'cn-beijing', edition: 'Basic', name: 'partner-bj' },
  },
};

describe('ram-attachment: desired', () => {
  it('one attachment per target account, requiring the role and the policy', () => {
    expect(ramAttachmentKind.desired(config)).toEqual([
      {
        id: `account[partner].ram-attachment[${ROLE}/AcrctlCrossAccountSync]`,
        kind: 'ram-attachment',
        account: 'partner',
        region: 'global',
        key: { account: 'partner', role: ROLE, policy: 'AcrctlCrossAccountSync' },
        spec: { roleName: ROLE, policyName: 'AcrctlCrossAccountSync', policyType: 'Custom' },
        requires: [`account[partner].ram-role[${ROLE}]`, 'account[partner].ram-policy[AcrctlCrossAccountSync]'],
        reason: 'replication rule r of instance[hz] crosses accounts',
      },
    ]);
  });
  it('a rule within one account needs none', () => {
    const same: RegistryDocument = { ...config, instances: { ...config.instances, bj: { ...config.instances!['bj']!, account: 'prod' } } };
    expect(ramAttachmentKind.desired(same)).toEqual([]);
  });
});

describe('ram-attachment against the emulator', () => {
  let estate: Estate;
  const ram = (action: string, params: Record<string, unknown>) => estate.t.callRpc('ram', 'global', action, params, estate.keys['partner']!);
  const [desired] = ramAttachmentKind.desired(config);
  const create: Action = { id: desired!.id, kind: 'ram-attachment', type: 'create', account: 'partner', region: 'global', key: desired!.key, after: desired!.spec, changes: [], dependsOn: [] };
  const del: Action = { id: desired!.id, kind: 'ram-attachment', type: 'delete', account: 'partner', region: 'global', key: desired!.key, ids: { roleName: String(desired!.spec['roleName']), policyName: String(desired!.spec['policyName']) }, before: desired!.spec, changes: [], dependsOn: [] };
  const read = () => ramAttachmentKind.read({ config, desired: [], cloud: estate.session, live: () => [] });

  beforeAll(async () => {
    estate = await startEstate({ prod: PROD, partner: PARTNER });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('reads nothing while the role does not exist; reconcile says absent', async () => {
    expect(await read()).toEqual([]);
    expect(await reconcileAction(ramAttachmentKind, execContext({ cloud: estate.session }).ctx, create)).toEqual({ state: 'absent' });
  });

  it('attaches once (a second apply is success), reads back the desired spec, ignores foreign attachments, detaches idempotently', async () => {
    await ram('CreateRole', { RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${PROD}@cr.aliyuncs.com`] } }] }) });
    await ram('CreatePolicy', { PolicyName: 'AcrctlCrossAccountSync', PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:CreateSyncRule', Resource: '*' }] }) });
    await ram('AttachPolicyToRole', { RoleName: ROLE, PolicyName: 'AliyunContainerRegistryReadOnlyAccess', PolicyType: 'System' });
    expect(await read()).toEqual([]);
    const h = execContext({ cloud: estate.session });
    await estate.t.admin('DELETE', '/_emulator/calls');
    await carryOut(ramAttachmentKind, h.ctx, create);
    await carryOut(ramAttachmentKind, h.ctx, create);
    expect(await successfulCalls(estate, 'AttachPolicyToRole')).toBe(1);
    expect(h.intents.map((i) => i.call)).toEqual(['AttachPolicyToRole', 'AttachPolicyToRole']);
    const live = await read();
    expect(live.map((l) => [l.id, l.spec])).toEqual([[desired!.id, desired!.spec]]);
    expect(diffOf(ramAttachmentKind, desired!, live[0]!).changes).toEqual([]);
    expect(await reconcileAction(ramAttachmentKind, h.ctx, create)).toEqual({ state: 'done', ids: { roleName: ROLE, policyName: 'AcrctlCrossAccountSync' } });
    expect(await reconcileAction(ramAttachmentKind, h.ctx, del)).toEqual({ state: 'absent' });
    await carryOut(ramAttachmentKind, h.ctx, del);
    await carryOut(ramAttachmentKind, h.ctx, del);
    expect(await reconcileAction(ramAttachmentKind, h.ctx, del)).toEqual({ state: 'done' });
    const left = (await ram('ListPoliciesForRole', { RoleName: ROLE }))['Policies'] as { Policy: { PolicyName: string }[] };
    expect(left.Policy.map((p) => p.PolicyName)).toEqual(['AliyunContainerRegistryReadOnlyAccess']);
  });
});
