/**
 * External replication targets (issue 12 item 2, seed 003): a rule into an instance of an account
 * acrctl does not operate. acrctl reads and creates nothing there; it prints what the target's owner
 * must create, plans the rule as a gate, and opens the gate when creating the rule succeeds. The
 * two-party flow: the partner creates its role through the RAM API itself (the official SDK, with
 * its own keys), never acrctl.
 */
import * as RamSdk from '@alicloud/ram20150501';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryDocument } from '../../src/config/model.js';
import { checkReferences } from '../../src/config/references.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import { partnerOutputs, partnerPolicy, partnerTrustPolicy } from '../../src/kinds/partner.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, planFor, testClock } from '../support/exec.js';

const A = '1000000000000001'; // the source account (declared)
const A2 = '1000000000000002'; // a second source account (declared)
const B = '2000000000000002'; // the partner: never declared

function doc(targetId: string, extra: Partial<RegistryDocument> = {}): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: A }, other: { uid: A2 } },
    instances: {
      src: {
        account: 'prod',
        region: 'cn-hangzhou',
        edition: 'Advanced',
        name: 'acme-src',
        namespaces: { team: {}, apps: { repositories: { web: { summary: 'the web app', type: 'PRIVATE' } } } },
        replication: [
          { name: 'to-partner', to: { uid: B, region: 'cn-beijing', instanceId: targetId, name: 'partner-bj' }, namespace: 'team' },
          { name: 'web-to-partner', to: { uid: B, region: 'cn-beijing', instanceId: targetId }, level: 'repository', namespace: 'apps', repository: 'web' },
        ],
      },
    },
    ...extra,
  };
}

describe('external replication targets: outputs and references (pure)', () => {
  it('merges every source rule into one trust policy and one least-privilege policy per partner account', () => {
    const config: RegistryDocument = {
      ...doc('cri-partner1'),
      instances: {
        ...doc('cri-partner1').instances,
        two: { account: 'other', region: 'cn-shanghai', edition: 'Advanced', name: 'acme-two', namespaces: { team: {} }, replication: [{ name: 'also', to: { uid: B, region: 'cn-shenzhen', instanceId: 'cri-partner2' }, namespace: 'team' }] },
      },
    };
    expect(partnerTrustPolicy({ trustedUids: [A, A2] })).toEqual({ Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${A}@cr.aliyuncs.com`, `${A2}@cr.aliyuncs.com`] } }], Version: '1' });
    const out = partnerOutputs(config);
    expect(out.map((o) => o.id)).toEqual([`partner[${B}].aliyuncontainerregistrycrossaccoutsyncrole`]);
    const text = out[0]!.lines.join('\n');
    expect(text).toContain('RAM role (the name is fixed by the service): aliyuncontainerregistrycrossaccoutsyncrole');
    expect(text).toContain(JSON.stringify(partnerTrustPolicy({ trustedUids: [A, A2] })));
    expect(text).toContain(
      JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:CreateRepositorySync', 'cr:CreateSyncRule'], Resource: [`acs:cr:cn-beijing:${B}:instance/cri-partner1`, `acs:cr:cn-shenzhen:${B}:instance/cri-partner2`] }] }),
    );
    expect(text).toContain('rule to-partner: namespace team in partner-bj, with automatic repository creation on');
    expect(text).toContain('rule web-to-partner: namespace apps and repository apps/web in partner-bj, configured as in the source (PRIVATE, summary "the web app")');
    expect(partnerPolicy({ uid: B, instances: [{ uid: B, region: 'cn-beijing', instanceId: 'cri-x' }] })).toMatchObject({ Statement: [{ Resource: [`acs:cr:cn-beijing:${B}:instance/cri-x`] }] });
  });

  it('a declared account named by UID, and backfill into an external target, are reference errors', () => {
    const config = {
      version: 1,
      accounts: { prod: { uid: A }, partner: { uid: B } },
      instances: {
        src: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-src', namespaces: { team: {} }, replication: [{ name: 'r', to: { uid: B, region: 'cn-beijing', instanceId: 'cri-x' }, namespace: 'team', backfill: { latest: 5 } }] },
      },
    };
    const findings = checkReferences(config, () => ({ file: 'registry.yaml', line: 1, column: 1 }), languageReferences(allKinds));
    expect(findings.map((f) => f.id).sort()).toEqual(['ref/external-target-backfill', 'ref/external-target-declared']);
  });
});

describe('external replication targets: a two-party flow against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let partnerInstance: string;
  beforeAll(async () => {
    // acrctl's session knows only the source account; the partner has keys of its own.
    estate = await startEstate({ prod: A }, { emulator: { now: () => clock.now } });
    await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-src', 'Advanced', clock);
    const partnerKeys = await estate.t.account(B);
    const partner = { ...estate, keys: { ...estate.keys, partner: partnerKeys } };
    partnerInstance = await buyInstance(partner, 'partner', 'cn-beijing', 'partner-bj', 'Basic', clock);
    // Seed 003's prerequisites, done by the partner: the same-name namespace with auto-create on, and the repository.
    await estate.t.callRpc('cr', 'cn-beijing', 'CreateNamespace', { InstanceId: partnerInstance, NamespaceName: 'team', AutoCreateRepo: true }, partnerKeys);
    await estate.t.callRpc('cr', 'cn-beijing', 'CreateNamespace', { InstanceId: partnerInstance, NamespaceName: 'apps', AutoCreateRepo: false }, partnerKeys);
    await estate.t.callRpc('cr', 'cn-beijing', 'CreateRepository', { InstanceId: partnerInstance, RepoNamespaceName: 'apps', RepoName: 'web', RepoType: 'PRIVATE', Summary: 'the web app' }, partnerKeys);
  });
  afterAll(async () => {
    await estate.close();
  });

  const config = () => ({ ...doc(partnerInstance), accounts: { prod: { uid: A } } });

  /** Calls signed by the partner's account since the log was cleared. */
  const partnerCalls = async (): Promise<string[]> => {
    const { body } = await estate.t.admin<{ action: string; accountUid: string }[]>('GET', '/_emulator/calls');
    return body.filter((c) => c.accountUid === B).map((c) => c.action);
  };

  it('plans the rules as gates with the outputs; apply stops there (NoPrivilege said as the missing role); after the partner creates the role, apply --resume creates the rules; then a clean plan', async () => {
    await estate.t.admin('DELETE', '/_emulator/calls');
    const plan = await planFor(config(), estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([
      'create instance[src].namespace[apps]',
      'create instance[src].namespace[apps].repository[web]',
      'create instance[src].namespace[team]',
      'gate instance[src].replication[to-partner]',
      'gate instance[src].replication[web-to-partner]',
    ]);
    const gate = plan.actions.find((a) => a.id === 'instance[src].replication[to-partner]')!.gate!;
    expect(gate.instructions[0]).toContain(`The target's owner has created the role: ask the owner of account ${B}`);
    expect(gate.verification).toContain('CreateRepoSyncRule from src into partner-bj');
    expect(plan.outputs.map((o) => o.id)).toEqual([`partner[${B}].aliyuncontainerregistrycrossaccoutsyncrole`]);
    // Nothing in the target's account: no RAM kind, no read there.
    expect(plan.actions.some((a) => a.kind.startsWith('ram-'))).toBe(false);

    const dir = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'acrctl-partner-'));
    const first = await applyPlan(plan, allKinds, estate.session, { clock, dir });
    expect(first.result.status).toBe('gated');
    const refused = first.events.filter((e) => e.code === 'action.progress' && e.message.includes('has not authorised'));
    expect(refused.map((e) => e.message)[0]).toContain(`account ${B} has not authorised account ${A} to replicate into ${partnerInstance}: the target's owner has not created the role aliyuncontainerregistrycrossaccoutsyncrole`);
    expect(first.events.some((e) => e.code === 'action.failed')).toBe(false);

    // The partner, in its own RAM console (here: the official RAM SDK with its own keys).
    const ram = await estate.t.ramClient(await estate.t.account(B));
    const lines = plan.outputs[0]!.lines;
    const trust = lines.find((l) => l.startsWith('2. its trust policy: '))!.slice('2. its trust policy: '.length);
    const policy = lines.find((l) => l.startsWith('3. a custom policy attached to the role: '))!.slice('3. a custom policy attached to the role: '.length);
    await ram.createRole(new RamSdk.CreateRoleRequest({ roleName: 'aliyuncontainerregistrycrossaccoutsyncrole', assumeRolePolicyDocument: trust }));
    await ram.createPolicy(new RamSdk.CreatePolicyRequest({ policyName: 'acr-sync-from-acme', policyDocument: policy }));
    await ram.attachPolicyToRole(new RamSdk.AttachPolicyToRoleRequest({ policyType: 'Custom', policyName: 'acr-sync-from-acme', roleName: 'aliyuncontainerregistrycrossaccoutsyncrole' }));

    await estate.t.admin('DELETE', '/_emulator/calls');
    const second = await applyPlan(plan, allKinds, estate.session, { clock, dir, resume: true });
    expect(second.result.status).toBe('complete');
    expect(second.result.actions.get('instance[src].replication[to-partner]')?.status).toBe('done');
    expect(await partnerCalls(), 'acrctl never calls the partner account').toEqual([]);
    const again = await planFor(config(), estate.session, allKinds);
    expect(again.actions).toEqual([]);
    expect(again.outputs.map((o) => o.id), 'the outputs stay: the partner must keep the role').toEqual([`partner[${B}].aliyuncontainerregistrycrossaccoutsyncrole`]);
  });
});
