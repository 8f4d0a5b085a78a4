/**
 * cr 2018-12-01 scan rules, driven over HTTP by the official openapi-core runtime: Create/Update/
 * Delete/GetScanRule and ListScanRule (HTTP GET), `Namespaces`/`RepoNames` as JSON-string
 * parameters, response fields checked against cr-2018-12-01.json, the documented scope rules; and
 * BSS CreateInstance's `image_scanner`, recorded on the instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError, referenceProblems } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';

let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;

const cr = (action: string, params: Record<string, unknown> = {}, method: 'GET' | 'POST' = 'POST'): Promise<Record<string, unknown>> =>
  t.callRpc('cr', REGION, action, { InstanceId: inst, ...params }, keys, { method });

/** Create/UpdateScanRule document `Code` as a long and no IsSuccess: the emulator sends "success" (the example), nothing else undocumented. */
function expectScanWrite(action: string, body: Record<string, unknown>): void {
  expect(body['Code'], JSON.stringify(body)).toBe('success');
  expect(body['IsSuccess']).toBeUndefined();
  expect(referenceProblems('cr-2018-12-01.json', action, body).filter((p) => !p.startsWith('Code should be'))).toEqual([]);
}

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account('5656565656565656');
  inst = await buyInstance(t, clock, keys, REGION, 'scanning', 'Advanced', [{ Code: 'image_scanner', Value: 'SAS' }]);
  await cr('CreateNamespace', { NamespaceName: 'team', AutoCreateRepo: false });
  await cr('CreateNamespace', { NamespaceName: 'other', AutoCreateRepo: false });
  await cr('CreateRepository', { RepoNamespaceName: 'team', RepoName: 'api', RepoType: 'PRIVATE', Summary: 's' });
  await cr('CreateRepository', { RepoNamespaceName: 'team', RepoName: 'web', RepoType: 'PRIVATE', Summary: 's' });
});
afterAll(async () => {
  await t.close();
});

describe('scan rules', () => {
  it('creates a rule with JSON list parameters, lists it (HTTP GET) and gets it with documented fields, updates and deletes it', async () => {
    const created = await cr('CreateScanRule', { RuleName: 'prod', ScanScope: 'REPO', Namespaces: JSON.stringify(['team']), RepoNames: JSON.stringify(['api', 'web']), RepoTagFilterPattern: 'release-.*', TriggerType: 'AUTO', ScanType: 'SBOM' });
    expectScanWrite('CreateScanRule', created);
    const id = created['ScanRuleId'] as string;
    expect(id).toMatch(/^crscnr-/);
    const listed = await cr('ListScanRule', { PageSize: 10 }, 'GET');
    expectCr('ListScanRule', listed, ['ScanRules', 'TotalCount']);
    expect(listed['TotalCount']).toBe(1);
    expect(listed['ScanRules']).toEqual([expect.objectContaining({ ScanRuleId: id, RuleName: 'prod', ScanScope: 'REPO', Namespaces: ['team'], RepoNames: ['api', 'web'], RepoTagFilterPattern: 'release-.*', TriggerType: 'AUTO', ScanType: 'SBOM' })]);
    expect((await cr('ListScanRule', { ScanType: 'VUL' }, 'GET'))['ScanRules']).toEqual([]);
    const got = await cr('GetScanRule', { ScanRuleId: id });
    expectCr('GetScanRule', got, ['ScanRule.ScanRuleId', 'ScanRule.InstanceId']);

    const updated = await cr('UpdateScanRule', { ScanRuleId: id, RuleName: 'prod-2', ScanScope: 'NAMESPACE', Namespaces: JSON.stringify(['team', 'other']), RepoTagFilterPattern: '.*', TriggerType: 'MANUAL' });
    expectScanWrite('UpdateScanRule', updated);
    const after = ((await cr('ListScanRule', {}, 'GET'))['ScanRules'] as Record<string, unknown>[])[0]!;
    // UpdateScanRule has no ScanType: it stays.
    expect([after['RuleName'], after['ScanScope'], after['Namespaces'], after['RepoNames'], after['TriggerType'], after['ScanType']]).toEqual(['prod-2', 'NAMESPACE', ['team', 'other'], [], 'MANUAL', 'SBOM']);

    const deleted = await cr('DeleteScanRule', { ScanRuleId: id });
    expect(deleted['Code']).toBe('success');
    expect(referenceProblems('cr-2018-12-01.json', 'DeleteScanRule', deleted)).toEqual([]);
    expectCrError(await cr('DeleteScanRule', { ScanRuleId: id }), 'SCAN_RULE_NOT_EXIST');
    expectCrError(await cr('GetScanRule', { ScanRuleId: id }), 'SCAN_RULE_NOT_EXIST');
    expectCrError(await cr('UpdateScanRule', { ScanRuleId: id, RuleName: 'x', ScanScope: 'INSTANCE', RepoTagFilterPattern: '.*', TriggerType: 'AUTO' }), 'SCAN_RULE_NOT_EXIST');
  });

  it('enforces the documented scope rules, required fields, existing namespaces and repositories, and unique names', async () => {
    const base = { RuleName: 'r', RepoTagFilterPattern: '.*', TriggerType: 'AUTO' };
    const invalid = [
      { ...base, ScanScope: 'NAMESPACE' }, // NAMESPACE needs namespaces
      { ...base, ScanScope: 'NAMESPACE', Namespaces: '["team"]', RepoNames: '["api"]' }, // and no repositories
      { ...base, ScanScope: 'REPO', Namespaces: '["team","other"]', RepoNames: '["api"]' }, // REPO: exactly one namespace
      { ...base, ScanScope: 'REPO', Namespaces: '["team"]' }, // and repositories
      { ...base, ScanScope: 'INSTANCE', Namespaces: '["team"]' },
      { ...base, ScanScope: 'ELSEWHERE' },
      { ...base, ScanScope: 'INSTANCE', TriggerType: 'SOMETIMES' },
      { ...base, ScanScope: 'INSTANCE', ScanType: 'MALWARE' },
      { ...base, ScanScope: 'INSTANCE', RepoTagFilterPattern: '(open' },
      { ...base, ScanScope: 'INSTANCE', Namespaces: 'not json' },
    ];
    for (const params of invalid) await expect(cr('CreateScanRule', params), JSON.stringify(params)).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateScanRule', { RuleName: 'r', ScanScope: 'INSTANCE', TriggerType: 'AUTO' })).rejects.toMatchObject({ code: 'MissingRepoTagFilterPattern' });
    expectCrError(await cr('CreateScanRule', { ...base, ScanScope: 'NAMESPACE', Namespaces: '["ghost"]' }), 'NAMESPACE_NOT_EXIST');
    expectCrError(await cr('CreateScanRule', { ...base, ScanScope: 'REPO', Namespaces: '["team"]', RepoNames: '["ghost"]' }), 'REPO_NOT_EXIST');
    const first = await cr('CreateScanRule', { ...base, ScanScope: 'INSTANCE' });
    expectScanWrite('CreateScanRule', first);
    expectCrError(await cr('CreateScanRule', { ...base, ScanScope: 'INSTANCE' }), 'SCAN_RULE_ALREADY_EXIST');
    // A bare rule scans for vulnerabilities.
    const got = await cr('GetScanRule', { ScanRuleId: first['ScanRuleId'] });
    expect((got['ScanRule'] as Record<string, unknown>)['ScanType']).toBe('VUL');
    await cr('DeleteScanRule', { ScanRuleId: first['ScanRuleId'] });
  });

  it('pages the list at 1 with an integer TotalCount', async () => {
    for (const name of ['a', 'b', 'c']) await cr('CreateScanRule', { RuleName: name, ScanScope: 'INSTANCE', RepoTagFilterPattern: '.*', TriggerType: 'MANUAL' });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const body = await cr('ListScanRule', { PageNo: page, PageSize: 1 }, 'GET');
      expectCr('ListScanRule', body);
      expect(body['TotalCount']).toBe(3);
      seen.push(...(body['ScanRules'] as { RuleName: string }[]).map((r) => r.RuleName));
    }
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('records BSS CreateInstance image_scanner on the instance (no cr action returns it)', async () => {
    const state = await t.admin<{ services: { cr: { instances: Record<string, { imageScanner?: string }> } } }>('GET', '/_emulator/state');
    const dump = JSON.stringify(state.body);
    expect(dump).toContain('"imageScanner":"SAS"');
    const get = await cr('GetInstance');
    expect(JSON.stringify(get)).not.toContain('SAS');
  });
});
