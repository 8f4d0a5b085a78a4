/**
 * cr 2018-12-01 storage domain routing rules, driven over HTTP by the official openapi-core runtime:
 * the vendor's allow-list (refused until the admin route allow-lists the account or the instance),
 * Create/Update/Delete/GetStorageDomainRoutingRule with `Routes` as one JSON-string parameter,
 * Get without RuleId answering the instance's one rule, documented response fields only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCrError, referenceProblems } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';
const UID = '5757575757575757';

let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;
let other: string;

const cr = (action: string, params: Record<string, unknown> = {}, instanceId = inst): Promise<Record<string, unknown>> => t.callRpc('cr', REGION, action, { InstanceId: instanceId, ...params }, keys);
const routes = (...r: { EndpointType: string; InstanceDomain: string; StorageDomain: string }[]) => JSON.stringify(r);
const vpcRoute = { EndpointType: 'Vpc', InstanceDomain: 'routing-registry-vpc.cn-hangzhou.cr.aliyuncs.com', StorageDomain: 'cri-x-registry.oss-cn-hangzhou-internal.aliyuncs.com' };
const netRoute = { EndpointType: 'Internet', InstanceDomain: 'routing-registry.cn-hangzhou.cr.aliyuncs.com', StorageDomain: 'https://cri-x-registry.oss-cn-hangzhou.aliyuncs.com' };

/** A success body: documented fields only (`Code`, `Success`, …; no IsSuccess). */
function expectRoutingOk(action: string, body: Record<string, unknown>): void {
  expect(body['Code'], JSON.stringify(body)).toBe('success');
  expect(body['Success']).toBe(true);
  expect(referenceProblems('cr-2018-12-01.json', action, body)).toEqual([]);
}

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account(UID);
  inst = await buyInstance(t, clock, keys, REGION, 'routing', 'Advanced');
  other = await buyInstance(t, clock, keys, REGION, 'routing-two', 'Standard');
});
afterAll(async () => {
  await t.close();
});

describe('storage domain routing rules', () => {
  it('refuses every action until the instance is allow-listed (guessed code NOT_IN_WHITELIST)', async () => {
    for (const [action, params] of [
      ['GetStorageDomainRoutingRule', {}],
      ['CreateStorageDomainRoutingRule', { Routes: routes(vpcRoute) }],
      ['UpdateStorageDomainRoutingRule', { RuleId: 'crsdr-x', Routes: routes(vpcRoute) }],
      ['DeleteStorageDomainRoutingRule', { RuleId: 'crsdr-x' }],
    ] as const) {
      expectCrError(await cr(action, params), 'NOT_IN_WHITELIST');
    }
    const r = await t.admin('POST', '/_emulator/cr/api-allowlist', { feature: 'StorageDomainRouting', instanceId: inst });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ feature: 'StorageDomainRouting', accounts: [], instances: [inst], changed: true });
    // The other instance of the account is still refused.
    expectCrError(await cr('GetStorageDomainRoutingRule', {}, other), 'NOT_IN_WHITELIST');
  });

  it('creates the rule, gets it with and without RuleId (https:// added), updates, deletes it', async () => {
    await expect(cr('GetStorageDomainRoutingRule')).rejects.toMatchObject({ code: 'InvalidInstanceStorageDomainRoutingRule.NotFound' });
    const created = await cr('CreateStorageDomainRoutingRule', { Routes: routes(vpcRoute) });
    expectRoutingOk('CreateStorageDomainRoutingRule', created);
    const id = created['RuleId'] as string;
    expect(id).toMatch(/^crsdr-/);
    const bare = await cr('GetStorageDomainRoutingRule');
    expectRoutingOk('GetStorageDomainRoutingRule', bare);
    expect(bare).toMatchObject({ RuleId: id, Routes: [{ ...vpcRoute, StorageDomain: `https://${vpcRoute.StorageDomain}` }] });
    expect(typeof bare['CreateTime']).toBe('number');
    expect(await cr('GetStorageDomainRoutingRule', { RuleId: id })).toMatchObject({ RuleId: id });
    await expect(cr('CreateStorageDomainRoutingRule', { Routes: routes(netRoute) })).rejects.toMatchObject({ code: 'InvalidInstanceStorageDomainRoutingRule.AlreadyExist' });

    expectRoutingOk('UpdateStorageDomainRoutingRule', await cr('UpdateStorageDomainRoutingRule', { RuleId: id, Routes: routes(vpcRoute, { ...netRoute, EndpointType: 'internet' }) }));
    expect((await cr('GetStorageDomainRoutingRule'))['Routes']).toEqual([
      { ...vpcRoute, StorageDomain: `https://${vpcRoute.StorageDomain}` },
      { ...netRoute, EndpointType: 'Internet' },
    ]);

    expectRoutingOk('DeleteStorageDomainRoutingRule', await cr('DeleteStorageDomainRoutingRule', { RuleId: id }));
    for (const action of ['DeleteStorageDomainRoutingRule', 'GetStorageDomainRoutingRule']) {
      await expect(cr(action, { RuleId: id })).rejects.toMatchObject({ code: 'InvalidInstanceStorageDomainRoutingRule.NotFound' });
    }
    await expect(cr('UpdateStorageDomainRoutingRule', { RuleId: id, Routes: routes(vpcRoute) })).rejects.toMatchObject({ code: 'InvalidInstanceStorageDomainRoutingRule.NotFound' });
  });

  it('checks the routes: required fields, endpoint types, domains of this instance, OSS domains of its region, no route twice', async () => {
    const invalid = [
      {},
      { Routes: 'not json' },
      { Routes: '[]' },
      { Routes: routes({ ...vpcRoute, EndpointType: 'Satellite' }) },
      { Routes: routes({ ...vpcRoute, InstanceDomain: 'routing-two-registry-vpc.cn-hangzhou.cr.aliyuncs.com' }) }, // another instance's host
      { Routes: routes({ ...vpcRoute, StorageDomain: 'cri-x-registry.oss-cn-beijing.aliyuncs.com' }) }, // another region
      { Routes: routes({ ...vpcRoute, StorageDomain: 'example.com' }) },
      { Routes: routes(vpcRoute, vpcRoute) },
      { Routes: JSON.stringify([{ EndpointType: 'Vpc', InstanceDomain: vpcRoute.InstanceDomain }]) },
    ];
    for (const params of invalid) await expect(cr('CreateStorageDomainRoutingRule', params), JSON.stringify(params)).rejects.toMatchObject({ code: expect.stringMatching(/^(InvalidParameter|MissingRoutes)$/) });
  });

  it('allow-lists a whole account, instances bought later included, and withdraws it', async () => {
    await t.admin('POST', '/_emulator/cr/api-allowlist', { feature: 'StorageDomainRouting', accountUid: UID });
    const later = await buyInstance(t, clock, keys, REGION, 'routing-three', 'Basic');
    await expect(cr('GetStorageDomainRoutingRule', {}, later)).rejects.toMatchObject({ code: 'InvalidInstanceStorageDomainRoutingRule.NotFound' });
    await t.admin('POST', '/_emulator/cr/api-allowlist', { feature: 'StorageDomainRouting', accountUid: UID, allowed: false });
    expectCrError(await cr('GetStorageDomainRoutingRule', {}, later), 'NOT_IN_WHITELIST');
    expect((await t.admin('POST', '/_emulator/cr/api-allowlist', { feature: 'Other', accountUid: UID })).status).toBe(400);
  });
});
