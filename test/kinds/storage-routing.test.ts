import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import { validateSource } from '../../src/config/load.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import type { StorageRoute } from '../../src/config/model.generated.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import { storageRoutingKind as typed } from '../../src/kinds/storage-routing.js';
import type { Kind } from '../../src/plan/kind.js';
import { diffOf } from '../../src/plan/planner.js';
import { cliFor, expectRoundTrip } from '../adopt/support.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const kind: Kind = typed;
const UID = '1234567890123456';
const VPC = 'acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com';
const NET = 'acme-hz-registry.cn-hangzhou.cr.aliyuncs.com';

function doc(routes: StorageRoute[] | undefined, over: Partial<Instance> = {}): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', ...(routes ? { storageRoutingRules: routes } : {}), ...over } } };
}

describe('storage-routing: desired, diff and references', () => {
  it('is one object per instance; routes are normalised (no https://, lower case, known type spelling) and sorted', () => {
    const [d, ...rest] = kind.desired(doc([
      { endpointType: 'Vpc', instanceDomain: VPC, storageDomain: 'https://Bucket.oss-cn-hangzhou-internal.aliyuncs.com/' },
      { endpointType: 'Internet', instanceDomain: NET, storageDomain: 'bucket.oss-cn-hangzhou.aliyuncs.com' },
    ]));
    expect(rest).toEqual([]);
    expect([d!.id, d!.spec, d!.requires]).toEqual([
      'instance[hz].storage-routing',
      { routes: [
        { endpointType: 'Vpc', instanceDomain: VPC, storageDomain: 'bucket.oss-cn-hangzhou-internal.aliyuncs.com' },
        { endpointType: 'Internet', instanceDomain: NET, storageDomain: 'bucket.oss-cn-hangzhou.aliyuncs.com' },
      ] },
      ['instance[hz]'],
    ]);
    expect(kind.desired(doc(undefined))).toEqual([]);
  });

  it('compares routes as a set and updates them in place', () => {
    const [d] = kind.desired(doc([{ endpointType: 'Vpc', instanceDomain: VPC, storageDomain: 'b.oss-cn-hangzhou-internal.aliyuncs.com' }]));
    const live = { ...d!, ids: { instanceId: 'cri-1', ruleId: 'crsdr-1' }, container: 'instance[hz]', prunable: false };
    expect(diffOf(kind, d!, live).changes).toEqual([]);
    const other = { ...live, spec: { routes: [{ endpointType: 'Vpc', instanceDomain: VPC, storageDomain: 'c.oss-cn-hangzhou-internal.aliyuncs.com' }] } };
    expect(diffOf(kind, d!, other).changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['routes:update']);
  });

  const head = `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    customDomains:
      - { domain: registry.example.com, certificate: { id: "1" } }
    storageRoutingRules:
`;
  const ids = (items: string): string[] => validateSource(head + items, 'r.yaml', { references: languageReferences(allKinds) }).findings.map((f) => `${f.id}@${f.location.line}:${f.location.column}`);
  it.each([
    { reason: 'the VPC host to the internal OSS domain', items: `      - { endpointType: Vpc, instanceDomain: ${VPC}, storageDomain: b.oss-cn-hangzhou-internal.aliyuncs.com }\n`, want: [] as string[] },
    { reason: 'a declared custom domain over the internet', items: '      - { endpointType: Internet, instanceDomain: registry.example.com, storageDomain: https://b.oss-cn-hangzhou.aliyuncs.com }\n', want: [] },
    { reason: 'the VPC host named as Internet', items: `      - { endpointType: Internet, instanceDomain: ${VPC}, storageDomain: b.oss-cn-hangzhou.aliyuncs.com }\n`, want: ['ref/storage-routing-domain@13:51'] },
    { reason: 'another instance\'s host', items: '      - { endpointType: Vpc, instanceDomain: other-registry-vpc.cn-hangzhou.cr.aliyuncs.com, storageDomain: b.oss-cn-hangzhou.aliyuncs.com }\n', want: ['ref/storage-routing-domain@13:46'] },
    { reason: 'OSS of another region', items: `      - { endpointType: Vpc, instanceDomain: ${VPC}, storageDomain: b.oss-cn-beijing.aliyuncs.com }\n`, want: ['ref/storage-routing-domain@13:111'] },
    { reason: 'the same domain routed twice', items: `      - { endpointType: Vpc, instanceDomain: ${VPC}, storageDomain: b.oss-cn-hangzhou.aliyuncs.com }\n      - { endpointType: Vpc, instanceDomain: ${VPC}, storageDomain: c.oss-cn-hangzhou.aliyuncs.com }\n`, want: ['ref/duplicate-key@14:46'] },
    { reason: 'an unknown endpoint type', items: `      - { endpointType: Satellite, instanceDomain: ${VPC}, storageDomain: b.oss-cn-hangzhou.aliyuncs.com }\n`, want: ['schema/enum@13:25'] },
    { reason: 'an empty list', items: '      []\n', want: ['schema/range@13:7'] },
  ])('validation: $reason', ({ items, want }) => {
    expect(ids(items)).toEqual(want);
  });
});

describe('storage-routing: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: hz, ...params }, estate.keys['prod']!);
  const routes = [{ endpointType: 'Vpc' as const, instanceDomain: VPC, storageDomain: 'cri-x-registry.oss-cn-hangzhou-internal.aliyuncs.com' }];

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('refuses a non-allow-listed instance as an error finding, planning nothing and not crashing', async () => {
    const plan = await planFor(doc(routes, { prune: true }), estate.session, allKinds);
    expect(plan.actions).toEqual([]);
    expect(plan.findings.filter((f) => f.id.startsWith('storage-routing/')).map((f) => [f.severity, f.where, f.message.split(': The instance')[0]])).toEqual([
      ['error', 'instance[hz].storage-routing', 'instance hz (acme-hz) declares storageRoutingRules, but the storage domain routing API refused it (NOT_IN_WHITELIST'],
    ]);
    expect(plan.findings.find((f) => f.id === 'storage-routing/not-allow-listed')!.message).toContain('open a ticket asking to allow-list');
    // Drift: the refusal is an error (exit 1), with the finding, not "no drift".
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-drift-routing-'));
    try {
      writeFileSync(join(cwd, 'registry.yaml'), JSON.stringify(doc(routes)));
      const drift = await cliFor(estate.t, cwd)(['drift']);
      expect(drift.code).toBe(1);
      expect(drift.stdout + drift.stderr).toContain('storage-routing/not-allow-listed');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    // Not declared: the instance is read (it prunes) but the refusal says nothing and plans nothing.
    const quiet = await planFor(doc(undefined, { prune: true }), estate.session, allKinds);
    expect(quiet.findings.filter((f) => f.id.startsWith('storage-routing/'))).toEqual([]);
    expect(quiet.actions).toEqual([]);
  });

  it('once allow-listed: creates the rule, reads it back exactly, updates in place, and the undeclared rule is unmanaged or pruned', async () => {
    await estate.t.admin('POST', '/_emulator/cr/api-allowlist', { feature: 'StorageDomainRouting', accountUid: UID });
    const plan = await planFor(doc(routes), estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].storage-routing']);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(doc(routes), estate.session, allKinds)).actions).toEqual([]);
    expect((await cr('GetStorageDomainRoutingRule', {}))['Routes']).toEqual([{ EndpointType: 'Vpc', InstanceDomain: VPC, StorageDomain: 'https://cri-x-registry.oss-cn-hangzhou-internal.aliyuncs.com' }]);

    const more = [...routes, { endpointType: 'Internet' as const, instanceDomain: NET, storageDomain: 'https://cri-x-registry.oss-cn-hangzhou.aliyuncs.com' }];
    const up = await planFor(doc(more), estate.session, allKinds);
    expect(up.actions.map((a) => `${a.type} ${a.id} ${a.changes.map((c) => c.path).join(',')}`)).toEqual(['update instance[hz].storage-routing routes']);
    const ruleId = up.actions[0]!.ids!['ruleId'];
    expect((await applyPlan(up, allKinds, estate.session, { clock })).result.status).toBe('complete');
    expect((await planFor(doc(more), estate.session, allKinds)).actions).toEqual([]);
    expect((await cr('GetStorageDomainRoutingRule', {}))['RuleId']).toBe(ruleId);

    const without = await planFor(doc(undefined), estate.session, allKinds);
    expect(without.actions).toEqual([]);
    expect(without.unmanaged.map((u) => u.id)).toContain('instance[hz].storage-routing');
  });

  it('adopts the routes, and a plan of the adopted file shows no changes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-routing-'));
    try {
      const cli = cliFor(estate.t, cwd);
      const r = await cli(['adopt', '--account', `prod=${UID}`, '-o', 'adopted.yaml']);
      expect(r.code, r.stderr).toBe(0);
      const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { storageRoutingRules?: unknown[] }> };
      expect(Object.values(adopted.instances)[0]!.storageRoutingRules).toEqual([
        { endpointType: 'Vpc', instanceDomain: VPC, storageDomain: 'cri-x-registry.oss-cn-hangzhou-internal.aliyuncs.com' },
        { endpointType: 'Internet', instanceDomain: NET, storageDomain: 'cri-x-registry.oss-cn-hangzhou.aliyuncs.com' },
      ]);
      await expectRoundTrip(cli, 'adopted.yaml', cwd);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('prunes the undeclared rule; create reconciles (same routes: success) and delete accepts a rule already gone', async () => {
    const prune = await planFor(doc(undefined, { prune: true }), estate.session, allKinds);
    expect(prune.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['delete instance[hz].storage-routing']);
    expect((await applyPlan(prune, allKinds, estate.session, { clock })).result.status).toBe('complete');
    await expect(cr('GetStorageDomainRoutingRule', {})).rejects.toMatchObject({ code: 'InvalidInstanceStorageDomainRoutingRule.NotFound' });

    const plan = await planFor(doc(routes), estate.session, allKinds);
    const action = plan.actions.find((a) => a.id === 'instance[hz].storage-routing')!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(kind, h.ctx, action);
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'done', ids: first.ids });
    expect(await carryOut(kind, h.ctx, action)).toEqual(first); // AlreadyExist with the same routes: success
    expect(await successfulCalls(estate, 'CreateStorageDomainRoutingRule')).toBe(1);
    const different = { ...action, after: { routes: [{ ...routes[0]!, storageDomain: 'other.oss-cn-hangzhou-internal.aliyuncs.com' }] } };
    await expect(carryOut(kind, h.ctx, different)).rejects.toMatchObject({ code: 'apply.exists_different' });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: first.ids! };
    delete (del as { after?: unknown }).after;
    await carryOut(kind, h.ctx, del);
    await carryOut(kind, h.ctx, del); // NotFound is success
    expect(await reconcileAction(kind, h.ctx, del)).toEqual({ state: 'done' });
    expect(await successfulCalls(estate, 'DeleteStorageDomainRoutingRule')).toBe(1);
  });

  it('says it cannot check the allow-list of an instance apply has yet to buy; apply stops on the refusal with the fix', async () => {
    await estate.t.admin('POST', '/_emulator/cr/api-allowlist', { feature: 'StorageDomainRouting', accountUid: UID, allowed: false });
    const cfg: RegistryDocument = { version: 1, accounts: { prod: { uid: UID } }, instances: { sh: { account: 'prod', region: 'cn-shanghai', edition: 'Basic', name: 'acme-sh', storageRoutingRules: [{ endpointType: 'Vpc', instanceDomain: 'acme-sh-registry-vpc.cn-shanghai.cr.aliyuncs.com', storageDomain: 'b.oss-cn-shanghai-internal.aliyuncs.com' }] } } };
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[sh]', 'create instance[sh].storage-routing']);
    expect(plan.findings.filter((f) => f.id.startsWith('storage-routing/')).map((f) => `${f.severity} ${f.id}`)).toEqual(['info storage-routing/allow-list-unchecked']);
    const { result, events } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('failed');
    const failed = events.find((e) => e.code === 'action.failed');
    expect(failed?.message).toContain('the storage domain routing API refused instance sh');
    expect(JSON.stringify(failed?.data ?? {})).toContain('open a ticket asking to allow-list');
  });
});
