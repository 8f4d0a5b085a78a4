/**
 * Seeding a CEN instance and transit routers under chosen ids through the admin API (what
 * `acrctl emulator seed` uses to match an example config): the ids show in the API, the objects go
 * through the usual lifecycle, and a taken or malformed id is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

const UID = '3000000000000002';
const clock = { t: Date.now() };
let t: TestEmulator;
let keys: AccountKeys;

beforeAll(async () => {
  t = await startTestEmulator({ now: () => clock.t });
  keys = await t.account(UID);
});
afterAll(() => t.close());

describe('admin seeding with chosen CBN ids', () => {
  it('creates the CEN and routers under the given ids, Creating then Active', async () => {
    const cen = await t.admin<{ CenId: string }>('POST', '/_emulator/cbn/cens', { accountUid: UID, cenId: 'cen-example01', name: 'main' });
    expect(cen).toMatchObject({ status: 200, body: { CenId: 'cen-example01' } });
    const listed = await t.callRpc('cbn', 'global', 'DescribeCens', { 'Filter.1.Key': 'CenId', 'Filter.1.Value.1': 'cen-example01' }, keys);
    expect((listed['Cens'] as { Cen: { CenId: string; Name: string; Status: string }[] }).Cen).toEqual([expect.objectContaining({ CenId: 'cen-example01', Name: 'main', Status: 'Creating' })]);
    clock.t += 10_000;
    const tr = await t.admin<{ TransitRouterId: string }>('POST', '/_emulator/cbn/transit-routers', { accountUid: UID, cenId: 'cen-example01', regionId: 'cn-hangzhou', type: 'Enterprise', transitRouterId: 'tr-bp1example' });
    expect(tr).toMatchObject({ status: 200, body: { TransitRouterId: 'tr-bp1example' } });
    clock.t += 10_000;
    const routers = await t.callRpc('cbn', 'global', 'ListTransitRouters', { TransitRouterId: 'tr-bp1example' }, keys);
    expect(routers['TransitRouters']).toEqual([expect.objectContaining({ TransitRouterId: 'tr-bp1example', CenId: 'cen-example01', Status: 'Active', Type: 'Enterprise' })]);
    // An Enterprise router seeded this way has its System route table, as one CreateTransitRouter makes.
    const tables = await t.callRpc('cbn', 'global', 'ListTransitRouterRouteTables', { TransitRouterId: 'tr-bp1example' }, keys);
    expect(tables['TotalCount']).toBe(1);
  });

  it('refuses a taken id (409) or one without the kind prefix (400), and generates one when none is given', async () => {
    expect((await t.admin('POST', '/_emulator/cbn/cens', { accountUid: UID, cenId: 'cen-example01' })).status).toBe(409);
    expect((await t.admin('POST', '/_emulator/cbn/cens', { accountUid: UID, cenId: 'vpc-example01' })).status).toBe(400);
    expect((await t.admin('POST', '/_emulator/cbn/cens', { accountUid: '9999999999999999' })).status).toBe(404);
    const other = await t.admin<{ CenId: string }>('POST', '/_emulator/cbn/cens', { accountUid: UID });
    expect(other.body.CenId).toMatch(/^cen-[0-9a-z]+$/);
    clock.t += 10_000;
    expect((await t.admin('POST', '/_emulator/cbn/transit-routers', { accountUid: UID, cenId: other.body.CenId, regionId: 'cn-shanghai', type: 'Enterprise', transitRouterId: 'tr-bp1example' })).status).toBe(409);
  });
});
