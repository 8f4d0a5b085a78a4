import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import type { ScanRule } from '../../src/config/model.generated.js';
import { allKinds } from '../../src/kinds/index.js';
import { scanRuleKind as typed } from '../../src/kinds/scan-rule.js';
import type { Kind } from '../../src/plan/kind.js';
import { diffOf } from '../../src/plan/planner.js';
import { cliFor, expectRoundTrip } from '../adopt/support.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const kind: Kind = typed;
const UID = '1234567890123456';
const NAMESPACES = { 'team-a': { repositories: { api: { summary: 'api' }, web: { summary: 'web' } } }, 'team-b': {} };

function doc(rules: ScanRule[], over: Partial<Instance> = {}): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', namespaces: NAMESPACES, scanRules: rules, ...over } } };
}

describe('scan-rule: desired and diff', () => {
  it('normalises the three scopes to API lists (sorted), applies defaults, requires what it names', () => {
    const found = kind.desired(doc([
      { name: 'all', scope: 'instance' },
      { name: 'ns', scope: 'namespace', namespaces: ['team-b', 'team-a'], trigger: 'manual' },
      { name: 'repo', scope: 'repository', namespace: 'team-a', repositories: ['web', 'api'], tagFilter: 'v.*', scanType: 'SBOM' },
    ]));
    expect(found.map((d) => [d.id, d.spec, d.requires])).toEqual([
      ['instance[hz].scan-rule[all]', { scope: 'instance', namespaces: [], repositories: [], tagFilter: '.*', trigger: 'auto', scanType: 'VUL' }, ['instance[hz]']],
      ['instance[hz].scan-rule[ns]', { scope: 'namespace', namespaces: ['team-a', 'team-b'], repositories: [], tagFilter: '.*', trigger: 'manual', scanType: 'VUL' }, ['instance[hz]', 'instance[hz].namespace[team-a]', 'instance[hz].namespace[team-b]']],
      [
        'instance[hz].scan-rule[repo]',
        { scope: 'repository', namespaces: ['team-a'], repositories: ['api', 'web'], tagFilter: 'v.*', trigger: 'auto', scanType: 'SBOM' },
        ['instance[hz]', 'instance[hz].namespace[team-a]', 'instance[hz].namespace[team-a].repository[api]', 'instance[hz].namespace[team-a].repository[web]'],
      ],
    ]);
  });

  it('changes in place, except the scan type, which replaces the rule', () => {
    const [d] = kind.desired(doc([{ name: 'ns', scope: 'namespace', namespaces: ['team-a'], scanType: 'SBOM' }]));
    const live = { ...d!, spec: { ...d!.spec, namespaces: ['team-b'], trigger: 'manual', scanType: 'VUL' }, ids: { instanceId: 'cri-1', scanRuleId: 'crscnr-1' }, container: 'instance[hz]', prunable: false };
    expect(diffOf(kind, d!, live).changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['namespaces:update', 'scanType:replace', 'trigger:update']);
  });
});

describe('scan-rule: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  const cr = (action: string, params: Record<string, unknown>, method: 'GET' | 'POST' = 'POST') => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: hz, ...params }, estate.keys['prod']!, { method });
  const rules = async () => ((await cr('ListScanRule', {}, 'GET'))['ScanRules'] as Record<string, unknown>[]).map((r) => [r['RuleName'], r['ScanScope'], r['Namespaces'], r['RepoNames'], r['RepoTagFilterPattern'], r['TriggerType'], r['ScanType']]);

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await cr('CreateNamespace', { NamespaceName: 'team-a', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    await cr('CreateNamespace', { NamespaceName: 'team-b', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    for (const r of ['api', 'web']) await cr('CreateRepository', { RepoNamespaceName: 'team-a', RepoName: r, RepoType: 'PRIVATE', Summary: r });
    await cr('CreateScanRule', { RuleName: 'by-hand', ScanScope: 'INSTANCE', RepoTagFilterPattern: '.*', TriggerType: 'MANUAL' });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('plans and applies rules; they read back exactly; the undeclared rule is unmanaged', async () => {
    const cfg = doc([{ name: 'prod', scope: 'repository', namespace: 'team-a', repositories: ['api', 'web'], tagFilter: 'release-.*' }, { name: 'sbom', scope: 'namespace', namespaces: ['team-b'], scanType: 'SBOM', trigger: 'manual' }]);
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].scan-rule[prod]', 'create instance[hz].scan-rule[sbom]']);
    expect(plan.unmanaged.filter((u) => u.kind === 'scan-rule').map((u) => u.id)).toEqual(['instance[hz].scan-rule[by-hand]']);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(cfg, estate.session, allKinds)).actions).toEqual([]);
    expect((await rules()).filter((r) => r[0] !== 'by-hand')).toEqual([
      ['prod', 'REPO', ['team-a'], ['api', 'web'], 'release-.*', 'AUTO', 'VUL'],
      ['sbom', 'NAMESPACE', ['team-b'], [], '.*', 'MANUAL', 'SBOM'],
    ]);
  });

  it('updates in place, replaces on a new scan type (same name, new id), and prunes the rule made by hand', async () => {
    const before = (await cr('ListScanRule', {}, 'GET'))['ScanRules'] as { RuleName: string; ScanRuleId: string }[];
    const cfg = doc([{ name: 'prod', scope: 'namespace', namespaces: ['team-a', 'team-b'], tagFilter: 'v.*', trigger: 'manual' }, { name: 'sbom', scope: 'namespace', namespaces: ['team-b'], scanType: 'VUL', trigger: 'manual' }], { prune: true });
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id} ${a.changes.map((c) => `${c.path}:${c.impact}`).join(',')}`)).toEqual([
      'delete instance[hz].scan-rule[by-hand] ',
      'update instance[hz].scan-rule[prod] namespaces:update,repositories:update,scope:update,tagFilter:update,trigger:update',
      'replace instance[hz].scan-rule[sbom] scanType:replace',
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(cfg, estate.session, allKinds)).actions).toEqual([]);
    const after = (await cr('ListScanRule', {}, 'GET'))['ScanRules'] as { RuleName: string; ScanRuleId: string }[];
    const id = (list: typeof after, name: string) => list.find((r) => r.RuleName === name)?.ScanRuleId;
    expect(id(after, 'prod')).toBe(id(before, 'prod'));
    expect(id(after, 'sbom')).not.toBe(id(before, 'sbom'));
    expect(after.map((r) => r.RuleName).sort()).toEqual(['prod', 'sbom']);
  });

  it('create reconciles by name and is idempotent; delete accepts a rule already gone', async () => {
    const cfg = doc([{ name: 'extra', scope: 'instance', tagFilter: 'x-.*' }]);
    const plan = await planFor(cfg, estate.session, allKinds);
    const action = plan.actions.find((a) => a.id === 'instance[hz].scan-rule[extra]')!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(kind, h.ctx, action);
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'done', ids: first.ids });
    expect(await carryOut(kind, h.ctx, action)).toEqual(first); // SCAN_RULE_ALREADY_EXIST, same rule: success
    expect(await successfulCalls(estate, 'CreateScanRule')).toBe(1);
    await expect(carryOut(kind, h.ctx, { ...action, after: { ...action.after, tagFilter: 'other' } })).rejects.toMatchObject({ code: 'apply.exists_different' });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: first.ids! };
    delete (del as { after?: unknown }).after;
    await carryOut(kind, h.ctx, del);
    await carryOut(kind, h.ctx, del); // SCAN_RULE_NOT_EXIST is success
    expect(await reconcileAction(kind, h.ctx, del)).toEqual({ state: 'done' });
    expect(await successfulCalls(estate, 'DeleteScanRule')).toBe(1);
  });

  it('adopts the rules, and a plan of the adopted file shows no changes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-scan-'));
    try {
      const cli = cliFor(estate.t, cwd);
      const r = await cli(['adopt', '--account', `prod=${UID}`, '-o', 'adopted.yaml']);
      expect(r.code, r.stderr).toBe(0);
      const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { scanRules?: unknown[] }> };
      expect(Object.values(adopted.instances)[0]!.scanRules).toEqual([
        { name: 'prod', scope: 'namespace', namespaces: ['team-a', 'team-b'], tagFilter: 'v.*', trigger: 'manual' },
        { name: 'sbom', scope: 'namespace', namespaces: ['team-b'], trigger: 'manual' },
      ]);
      await expectRoundTrip(cli, 'adopted.yaml', cwd);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('imageScanner', () => {
  const clock = testClock();
  let estate: Estate;
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('is sent as BSS image_scanner when acrctl buys the instance, then never compared; the plan says it cannot be checked', async () => {
    const cfg: RegistryDocument = { version: 1, accounts: { prod: { uid: UID } }, instances: { sh: { account: 'prod', region: 'cn-shanghai', edition: 'Basic', name: 'acme-sh', imageScanner: 'DISABLE' } } };
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.map((a) => [a.id, a.after])).toEqual([['instance[sh]', { name: 'acme-sh', edition: 'Basic', imageScanner: 'DISABLE' }]]);
    expect(plan.findings.filter((f) => f.id.startsWith('scanning/'))).toEqual([]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(JSON.stringify((await estate.t.admin('GET', '/_emulator/state')).body)).toContain('"imageScanner":"DISABLE"');
    const next = await planFor({ ...cfg, instances: { sh: { ...cfg.instances!['sh']!, imageScanner: 'SAS' } } }, estate.session, allKinds);
    expect(next.actions).toEqual([]);
    expect(next.findings.filter((f) => f.id.startsWith('scanning/')).map((f) => `${f.severity} ${f.where}: ${f.message}`)).toEqual([
      'info instance[sh]: imageScanner SAS is only sent when acrctl buys an instance; no API reads or changes it on this existing one, so acrctl neither compares nor applies it (check it in the console)',
    ]);
  });
});
