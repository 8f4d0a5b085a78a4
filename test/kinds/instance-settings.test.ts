/**
 * Instance settings (issue 14 item 8): resource tags (`instance-tags`, authoritative map, system
 * tags untouched) and the resource group (`instance-resource-group`, moved in place), planned,
 * applied, reconciled and adopted against the emulator. The login password has its own file
 * (test/kinds/login-password.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import { validateSource } from '../../src/config/load.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { instanceTagsKind } from '../../src/kinds/instance-tags.js';
import { languageReferences } from '../../src/kinds/language.js';
import { resourceGroupKind } from '../../src/kinds/resource-group.js';
import type { Kind } from '../../src/plan/kind.js';
import { diffOf } from '../../src/plan/planner.js';
import { cliFor, expectRoundTrip } from '../adopt/support.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const tagsKind: Kind = instanceTagsKind;
const rgKind: Kind = resourceGroupKind;
const UID = '1234567890123456';
const REGION = 'cn-hangzhou';

function doc(over: Partial<Instance> = {}): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: REGION, edition: 'Standard', name: 'acme-hz', ...over } } };
}

describe('instance-tags: desired, diff and validation', () => {
  it('is declared only where tags are; one change per key, removals say the map is authoritative', () => {
    expect(tagsKind.desired(doc())).toEqual([]);
    const [d] = tagsKind.desired(doc({ tags: { team: 'a', env: 'prod' } }));
    expect([d!.id, d!.spec, d!.requires]).toEqual(['instance[hz].settings[tags]', { tags: { env: 'prod', team: 'a' } }, ['instance[hz]']]);
    const live = { ...d!, spec: { tags: { env: 'dev', owner: 'x' } }, ids: { instanceId: 'cri-1' }, container: 'instance[hz]', prunable: false };
    expect(diffOf(tagsKind, d!, live).changes).toEqual([
      { path: 'tags.env', before: 'dev', after: 'prod', impact: 'update' },
      { path: 'tags.owner', before: 'x', impact: 'update', note: 'not in the declared tags, which are authoritative' },
      { path: 'tags.team', after: 'a', impact: 'update' },
    ]);
  });

  it('rejects system keys, URL schemes, long keys and values and more than 20 tags, at file:line:column', () => {
    const yaml = (tags: string) => `version: 1\naccounts:\n  prod: { uid: "${UID}" }\ninstances:\n  hz:\n    account: prod\n    region: ${REGION}\n    edition: Standard\n    name: acme-hz\n    tags:\n${tags}`;
    const check = (tags: string) => validateSource(yaml(tags), 'registry.yaml', { references: languageReferences(allKinds), lint: false }).findings.filter((f) => f.severity === 'error').map((f) => `${f.location?.line}:${f.location?.column} ${f.message}`);
    const cases: { reason: string; tags: string; expect: RegExp }[] = [
      { reason: 'acs: is the system prefix', tags: '      "acs:owner": x\n', expect: /^11:7 invalid tag key "acs:owner" in instances\.hz\.tags: keys starting with acs: or aliyun are system tags/ },
      { reason: 'so is aliyun, in any case', tags: '      AliyunThing: x\n', expect: /^11:7 invalid tag key "AliyunThing"/ },
      { reason: 'no URL scheme in a key', tags: '      "see-https://x": x\n', expect: /cannot contain http:\/\/ or https:\/\// },
      { reason: 'no URL scheme in a value', tags: '      docs: "http://wiki"\n', expect: /^11:13 invalid value of tag "docs"/ },
      { reason: 'keys are at most 128 characters', tags: `      ${'k'.repeat(129)}: x\n`, expect: /11:7/ },
      { reason: 'values are at most 128 characters', tags: `      k: ${'v'.repeat(129)}\n`, expect: /11:10/ },
      { reason: 'values are strings (quote numbers)', tags: '      cost: 100\n', expect: /11:13/ },
      { reason: 'at most 20 tags', tags: Array.from({ length: 21 }, (_, i) => `      k${i}: v\n`).join(''), expect: /10:5|tags/ },
    ];
    for (const c of cases) expect(check(c.tags), c.reason).toEqual([expect.stringMatching(c.expect)]);
    expect(check('      env: prod\n      empty: ""\n')).toEqual([]);
  });
});

describe('instance settings against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', REGION, action, params, estate.keys['prod']!);
  const liveTags = async () =>
    (((await cr('ListTagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: [hz] }))['TagResources'] as { TagResource: { TagKey: string; TagValue: string }[] }).TagResource).map((t) => `${t.TagKey}=${t.TagValue}`);
  const group = async () => (await cr('GetInstance', { InstanceId: hz }))['ResourceGroupId'];

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', REGION, 'acme-hz', 'Standard', clock);
    await cr('TagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: [hz], Tag: [{ Key: 'owner', Value: 'by-hand' }, { Key: 'env', Value: 'dev' }] });
    // A system tag, as the platform sets it (no caller can).
    const state = (await estate.t.admin('GET', '/_emulator/state')).body as { services: { cr: { instances: Record<string, { tags: { key: string; value: string }[] }> } } };
    state.services.cr.instances[hz]!.tags.push({ key: 'acs:rm:rgId', value: 'rg-sys' });
    await estate.t.admin('PUT', '/_emulator/state', state);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('leaves tags and group alone when neither is declared', async () => {
    const plan = await planFor(doc(), estate.session, allKinds);
    expect(plan.actions).toEqual([]);
    expect(plan.unmanaged.filter((u) => u.id.includes('settings'))).toEqual([]);
  });

  it('makes the tags exactly the declared map (removing the undeclared user tag, keeping the system tag) and moves the group, in place', async () => {
    const before = await group();
    const cfg = doc({ tags: { env: 'prod', team: 'a' }, resourceGroup: 'rg-platform1' });
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id} ${a.changes.map((c) => `${c.path}:${JSON.stringify(c.before)}->${JSON.stringify(c.after)}`).join(',')}`)).toEqual([
      `update instance[hz].settings[resource-group] resourceGroupId:"${String(before)}"->"rg-platform1"`,
      'update instance[hz].settings[tags] tags.env:"dev"->"prod",tags.owner:"by-hand"->undefined,tags.team:undefined->"a"',
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(await liveTags()).toEqual(['env=prod', 'acs:rm:rgId=rg-sys', 'team=a']);
    expect(await group()).toBe('rg-platform1');
    expect((await planFor(cfg, estate.session, allKinds)).actions).toEqual([]);
    // `tags: {}` removes every user tag, never the system one.
    const { result: r2 } = await applyPlan(await planFor(doc({ tags: {} }), estate.session, allKinds), allKinds, estate.session, { clock });
    expect(r2.status).toBe('complete');
    expect(await liveTags()).toEqual(['acs:rm:rgId=rg-sys']);
  });

  it('observe judges an interrupted change; the verbs are idempotent and send nothing when already done', async () => {
    const cfg = doc({ tags: { env: 'qa' }, resourceGroup: 'rg-platform2' });
    const plan = await planFor(cfg, estate.session, allKinds);
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    for (const [kind, id] of [[tagsKind, 'instance[hz].settings[tags]'], [rgKind, 'instance[hz].settings[resource-group]']] as const) {
      const action = plan.actions.find((a) => a.id === id)!;
      expect(await reconcileAction(kind, h.ctx, action), id).toEqual({ state: 'absent' }); // present but not up to date: send (again)
      await carryOut(kind, h.ctx, action);
      expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'done', ids: { instanceId: hz } });
      await estate.t.admin('DELETE', '/_emulator/calls');
      await carryOut(kind, h.ctx, action);
    }
    expect(await successfulCalls(estate, 'TagResources')).toBe(0);
    expect(await successfulCalls(estate, 'ChangeResourceGroup')).toBe(0);
  });

  it('drift reports a tag and a group changed by hand, and nothing once apply has put them back', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-drift-settings-'));
    try {
      writeFileSync(join(cwd, 'registry.yaml'), `version: 1\naccounts:\n  prod: { uid: "${UID}" }\ninstances:\n  hz: { account: prod, region: ${REGION}, edition: Standard, name: acme-hz, tags: { env: qa }, resourceGroup: rg-platform2 }\n`);
      const cli = cliFor(estate.t, cwd);
      expect((await cli(['drift'])).code).toBe(0);
      await cr('TagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: [hz], Tag: [{ Key: 'env', Value: 'by-hand' }] });
      await cr('ChangeResourceGroup', { ResourceId: hz, ResourceRegionId: REGION, ResourceGroupId: 'rg-elsewhere' });
      const d = await cli(['drift']);
      expect(d.code, d.stdout + d.stderr).toBe(2);
      expect(d.stdout).toContain('instance[hz].settings[tags]');
      expect(d.stdout).toContain('instance[hz].settings[resource-group]');
      expect((await cli(['apply', '--auto-approve'])).code).toBe(0);
      expect((await cli(['drift'])).code).toBe(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('adopts the user tags and the group (never system tags), and a plan of the adopted file shows no changes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-settings-'));
    try {
      const cli = cliFor(estate.t, cwd);
      const r = await cli(['adopt', '--account', `prod=${UID}`, '-o', 'adopted.yaml']);
      expect(r.code, r.stderr).toBe(0);
      const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { tags?: unknown; resourceGroup?: unknown }> };
      const inst = Object.values(adopted.instances)[0]!;
      expect([inst.tags, inst.resourceGroup]).toEqual([{ env: 'qa' }, 'rg-platform2']);
      await expectRoundTrip(cli, 'adopted.yaml', cwd);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
