/**
 * cr 2018-12-01 event notification rules, driven over HTTP by the official openapi-core runtime:
 * no create in the API (rules are made in the console: the admin route), ListEventCenterRuleName
 * (HTTP GET) with names and ids only, UpdateEventCenterRule keeping what it is not sent, with
 * `Namespaces`/`RepoNames` as JSON strings, DeleteEventCenterRule, ListEventCenterRecord (HTTP GET).
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
const consoleCreate = (body: Record<string, unknown>, id = inst) => t.admin<{ RuleId?: string }>('POST', `/_emulator/cr/instances/${id}/event-rules`, body);
const RULE = 'scan-done';

/** Update/Delete document `Code` (an integer in the SDK model) and no IsSuccess: "success" is sent, as the other cr writes. */
function expectEventWrite(action: string, body: Record<string, unknown>): void {
  expect(body['Code'], JSON.stringify(body)).toBe('success');
  expect(body['IsSuccess']).toBeUndefined();
  expect(referenceProblems('cr-2018-12-01.json', action, body).filter((p) => !p.startsWith('Code should be'))).toEqual([]);
}

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account('5858585858585858');
  inst = await buyInstance(t, clock, keys, REGION, 'events', 'Advanced');
  await cr('CreateNamespace', { NamespaceName: 'team', AutoCreateRepo: false });
  await cr('CreateRepository', { RepoNamespaceName: 'team', RepoName: 'api', RepoType: 'PRIVATE', Summary: 's' });
});
afterAll(async () => {
  await t.close();
});

describe('event notification rules', () => {
  it('has no create action: a rule is made in the console (admin route) and listed by name and id only', async () => {
    await expect(cr('CreateEventCenterRule', { RuleName: RULE })).rejects.toMatchObject({ code: 'InvalidAction.NotFound' });
    const made = await consoleCreate({ RuleName: RULE, EventType: 'cr:Artifact:ScanCompleted', EventConfig: '{"url":"https://hooks.example.com/x"}' });
    expect(made.status).toBe(200);
    expect(made.body.RuleId).toMatch(/^crecr-/);
    const listed = await cr('ListEventCenterRuleName', {}, 'GET');
    expectCr('ListEventCenterRuleName', listed, ['RuleNames']);
    expect(listed['RuleNames']).toEqual([{ RuleId: made.body.RuleId, RuleName: RULE }]);
    expect((await consoleCreate({ RuleName: RULE, EventType: 'cr:Artifact:ScanCompleted' })).status).toBe(409);
    expect((await consoleCreate({ RuleName: 'x', EventType: 'cr:Artifact:Nope' })).status).toBe(400);
  });

  it('updates the fields it is sent (JSON list parameters, scope rules, names unique), keeps the others, and deletes', async () => {
    const id = ((await cr('ListEventCenterRuleName', {}, 'GET'))['RuleNames'] as { RuleId: string }[])[0]!.RuleId;
    const updated = await cr('UpdateEventCenterRule', { RuleId: id, EventScope: 'REPO', Namespaces: JSON.stringify(['team']), RepoNames: JSON.stringify(['api']), RepoTagFilterPattern: 'release-.*' });
    expectEventWrite('UpdateEventCenterRule', updated);
    expect(updated['RuleId']).toBe(id);
    const state = JSON.stringify((await t.admin('GET', '/_emulator/state')).body);
    expect(state).toContain('"eventType":"cr:Artifact:ScanCompleted"');
    expect(state).toContain('"eventScope":"REPO"');

    const invalid = [
      { EventScope: 'NAMESPACE', RepoNames: '["api"]' }, // NAMESPACE names no repository
      { EventScope: 'INSTANCE' }, // keeps the namespaces: INSTANCE names none
      { EventScope: 'GALAXY' },
      { EventType: 'cr:Artifact:Pushed' },
      { RepoTagFilterPattern: '(open' },
      { EventConfig: 'not json' },
      { Namespaces: 'not json' },
    ];
    for (const params of invalid) await expect(cr('UpdateEventCenterRule', { RuleId: id, ...params }), JSON.stringify(params)).rejects.toMatchObject({ code: 'InvalidParameter' });
    expectCrError(await cr('UpdateEventCenterRule', { RuleId: id, Namespaces: '["ghost"]', RepoNames: '["api"]' }), 'NAMESPACE_NOT_EXIST');
    await consoleCreate({ RuleName: 'other', EventType: 'cr:Artifact:BuildCompleted' });
    expectCrError(await cr('UpdateEventCenterRule', { RuleId: id, RuleName: 'other' }), 'EVENT_CENTER_RULE_ALREADY_EXIST');

    const records = await cr('ListEventCenterRecord', { RuleId: id, PageNo: 1, PageSize: 10 }, 'GET');
    expectCr('ListEventCenterRecord', records, ['Records', 'TotalCount']);
    expect([records['Records'], records['TotalCount']]).toEqual([[], 0]);

    const deleted = await cr('DeleteEventCenterRule', { RuleId: id });
    expectEventWrite('DeleteEventCenterRule', deleted);
    expectCrError(await cr('DeleteEventCenterRule', { RuleId: id }), 'EVENT_CENTER_RULE_NOT_EXIST');
    expectCrError(await cr('UpdateEventCenterRule', { RuleId: id, RuleName: 'x' }), 'EVENT_CENTER_RULE_NOT_EXIST');
    expect(((await cr('ListEventCenterRuleName', {}, 'GET'))['RuleNames'] as { RuleName: string }[]).map((r) => r.RuleName)).toEqual(['other']);
  });

  it('refuses an 11th rule in the account and region (documented maximum of 10)', async () => {
    const second = await buyInstance(t, clock, keys, REGION, 'events-two', 'Basic');
    for (let i = 0; i < 9; i++) expect((await consoleCreate({ RuleName: `r${i}`, EventType: 'cr:Artifact:SigningCompleted' }, second)).status).toBe(200);
    const over = await consoleCreate({ RuleName: 'r9', EventType: 'cr:Artifact:SigningCompleted' }, second);
    expect([over.status, JSON.stringify(over.body)]).toEqual([409, expect.stringContaining('EventRuleQuotaExceeded')]);
  });
});
