/**
 * VPC conformance over HTTP: the official @alicloud/vpc20160428 client on the region's port, raw
 * openapi-core calls for the wire fields (checked against shared/api/vpc-2016-04-28.json), admin
 * seeding, route entry lifecycle and conflicts.
 */
import * as VpcSdk from '@alicloud/vpc20160428';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { checkFields } from '../ram/fields.js';
import { seedVpc, type SeededVpc } from './seed.js';

const UID = '2000000000000001';
const REGION = 'cn-shanghai';
const FILE = 'vpc-2016-04-28.json';
const clock = { t: Date.now() };

let t: TestEmulator;
let keys: AccountKeys;
let vpc: Awaited<ReturnType<TestEmulator['vpcClient']>>;
let seeded: SeededVpc;

const raw = (action: string, params: Record<string, unknown>, k: AccountKeys = keys, region = REGION) => t.callRpc('vpc', region, action, params, k);

async function failure(p: Promise<unknown>): Promise<{ code: string; statusCode: number; name: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; statusCode: number; name: string };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  t = await startTestEmulator({ now: () => clock.t, async: { vpcRouteEntry: 1000 } });
  keys = await t.account(UID);
  vpc = await t.vpcClient(REGION, keys);
  seeded = await seedVpc(t, UID, REGION, '192.168.0.0/16', 'vpc-uf6example');
});
afterAll(() => t.close());

describe('VPC read side', () => {
  it('DescribeVpcs returns the seeded VPC with its vSwitches, route tables and vRouter', async () => {
    const r = await vpc.describeVpcs(new VpcSdk.DescribeVpcsRequest({ regionId: REGION }));
    const v = r.body?.vpcs?.vpc?.[0];
    expect(v).toMatchObject({ vpcId: 'vpc-uf6example', cidrBlock: '192.168.0.0/16', status: 'Available', regionId: REGION, VRouterId: seeded.vRouterId, ownerId: Number(UID), cenStatus: 'Detached' });
    expect(v?.vSwitchIds?.vSwitchId).toEqual(seeded.vswitches);
    expect(v?.routerTableIds?.routerTableIds).toEqual([seeded.systemTableId, seeded.customTableId]);
    const body = await raw('DescribeVpcs', { RegionId: REGION });
    checkFields(FILE, 'DescribeVpcs', body);
    expect(body['TotalCount']).toBe(1);
  });

  it('is regional: another region and another account see nothing', async () => {
    expect((await raw('DescribeVpcs', { RegionId: 'cn-beijing' }, keys, 'cn-beijing'))['TotalCount']).toBe(0);
    const other = await t.account('2000000000000002');
    expect((await raw('DescribeVpcs', { RegionId: REGION }, other))['TotalCount']).toBe(0);
  });

  it('DescribeVSwitches filters by VPC, zone and route table and reports the association', async () => {
    const r = await vpc.describeVSwitches(new VpcSdk.DescribeVSwitchesRequest({ regionId: REGION, vpcId: seeded.vpcId }));
    expect(r.body?.vSwitches?.vSwitch?.map((s) => [s.vSwitchId, s.zoneId, s.cidrBlock, s.routeTable?.routeTableId, s.routeTable?.routeTableType, s.availableIpAddressCount])).toEqual([
      [seeded.vswitches[0], `${REGION}-a`, '192.168.1.0/24', seeded.customTableId, 'Custom', 252],
      [seeded.vswitches[1], `${REGION}-b`, '192.168.2.0/24', seeded.systemTableId, 'System', 252],
    ]);
    const byZone = await raw('DescribeVSwitches', { RegionId: REGION, ZoneId: `${REGION}-b` });
    checkFields(FILE, 'DescribeVSwitches', byZone);
    expect(byZone['TotalCount']).toBe(1);
  });

  it('DescribeRouteTableList and DescribeRouteTables list system and custom tables with their entries', async () => {
    const list = await raw('DescribeRouteTableList', { RegionId: REGION, VpcId: seeded.vpcId });
    checkFields(FILE, 'DescribeRouteTableList', list);
    const rows = (list['RouterTableList'] as { RouterTableListType: { RouteTableId: string; RouteTableType: string; VSwitchIds: { VSwitchId: string[] } }[] }).RouterTableListType;
    expect(rows.map((x) => [x.RouteTableId, x.RouteTableType, x.VSwitchIds.VSwitchId])).toEqual([
      [seeded.systemTableId, 'System', [seeded.vswitches[1]]],
      [seeded.customTableId, 'Custom', [seeded.vswitches[0]]],
    ]);
    const custom = await raw('DescribeRouteTableList', { RegionId: REGION, RouteTableType: 'Custom' });
    expect(custom['TotalCount']).toBe(1);
    const tables = await raw('DescribeRouteTables', { RegionId: REGION, RouteTableId: seeded.systemTableId });
    checkFields(FILE, 'DescribeRouteTables', tables);
    const entries = (tables['RouteTables'] as { RouteTable: { RouteEntrys: { RouteEntry: { DestinationCidrBlock: string; Type: string }[] } }[] }).RouteTable[0]!.RouteEntrys.RouteEntry;
    expect(entries.map((e) => `${e.Type} ${e.DestinationCidrBlock}`)).toEqual(['System 192.168.1.0/24', 'System 192.168.2.0/24', 'System 100.64.0.0/10']);
  });

  it('the official client parses DescribeRouteTableList, DescribeRouteTables and DescribeRouteEntryList', async () => {
    const list = await vpc.describeRouteTableList(new VpcSdk.DescribeRouteTableListRequest({ regionId: REGION, vpcId: seeded.vpcId }));
    expect(list.body?.routerTableList?.routerTableListType?.map((x) => [x.routeTableId, x.routeTableType])).toEqual([
      [seeded.systemTableId, 'System'],
      [seeded.customTableId, 'Custom'],
    ]);
    const tables = await vpc.describeRouteTables(new VpcSdk.DescribeRouteTablesRequest({ regionId: REGION, routeTableId: seeded.customTableId }));
    expect(tables.body?.routeTables?.routeTable?.[0]?.routeEntrys?.routeEntry?.map((e) => e.destinationCidrBlock)).toEqual(['192.168.1.0/24', '192.168.2.0/24', '100.64.0.0/10']);
    const entries = await vpc.describeRouteEntryList(new VpcSdk.DescribeRouteEntryListRequest({ regionId: REGION, routeTableId: seeded.customTableId, maxResult: 2 }));
    expect(entries.body?.routeEntrys?.routeEntry?.length).toBe(2);
    expect(entries.body?.totalCount).toBe(3);
    expect(entries.body?.nextToken).toBeTruthy();
  });

  it('paginates DescribeVpcs at page sizes 1, 7 and 100 (clamped to the documented max 50)', async () => {
    const acct = await t.account('2000000000000003');
    for (let i = 0; i < 12; i++) await t.admin('POST', '/_emulator/vpc/vpcs', { accountUid: '2000000000000003', regionId: REGION, cidrBlock: `10.${i}.0.0/16`, vpcName: `v${i}` });
    for (const size of [1, 7, 100]) {
      const names: string[] = [];
      for (let page = 1; ; page++) {
        const body = await raw('DescribeVpcs', { RegionId: REGION, PageSize: size, PageNumber: page }, acct);
        checkFields(FILE, 'DescribeVpcs', body);
        expect(body['PageSize']).toBe(Math.min(size, 50));
        expect(body['TotalCount']).toBe(12);
        const got = (body['Vpcs'] as { Vpc: { VpcName: string }[] }).Vpc.map((v) => v.VpcName);
        if (got.length === 0) break;
        names.push(...got);
      }
      expect(names, `PageSize ${size}`).toEqual(Array.from({ length: 12 }, (_, i) => `v${i}`));
    }
  });
});

describe('VPC route entries', () => {
  it('CreateRouteEntry: Pending until the lifecycle elapses, then Available; DeleteRouteEntry: Deleting, then gone', async () => {
    const created = await vpc.createRouteEntry(new VpcSdk.CreateRouteEntryRequest({ regionId: REGION, routeTableId: seeded.customTableId, destinationCidrBlock: '100.103.7.181/32', nextHopType: 'Instance', nextHopId: 'i-abc', routeEntryName: 'auth' }));
    const id = created.body?.routeEntryId;
    expect(id).toMatch(/^rte-/);
    const list = async () => {
      const body = await raw('DescribeRouteEntryList', { RegionId: REGION, RouteTableId: seeded.customTableId, RouteEntryType: 'Custom' });
      checkFields(FILE, 'DescribeRouteEntryList', body);
      return (body['RouteEntrys'] as { RouteEntry: { RouteEntryId: string; Status: string; NextHops: { NextHop: { NextHopType: string; NextHopId: string }[] } }[] }).RouteEntry;
    };
    expect((await list()).map((e) => [e.RouteEntryId, e.Status])).toEqual([[id, 'Pending']]);
    expect((await failure(raw('DeleteRouteEntry', { RegionId: REGION, RouteEntryId: id }))).code).toBe('IncorrectRouteEntryStatus');
    clock.t += 1000;
    const [e] = await list();
    expect(e).toMatchObject({ Status: 'Available', NextHops: { NextHop: [{ NextHopType: 'Instance', NextHopId: 'i-abc' }] } });
    await vpc.deleteRouteEntry(new VpcSdk.DeleteRouteEntryRequest({ regionId: REGION, routeEntryId: id }));
    expect((await list()).map((x) => x.Status)).toEqual(['Deleting']);
    clock.t += 1000;
    expect(await list()).toEqual([]);
    expect(await failure(raw('DeleteRouteEntry', { RegionId: REGION, RouteEntryId: id }))).toMatchObject({ code: 'InvalidRouteEntry.NotFound', statusCode: 404 });
  });

  it('refuses a second route to the same destination, a vSwitch CIDR, the reserved block, and concurrent tasks', async () => {
    const base = { RegionId: REGION, RouteTableId: seeded.customTableId, NextHopType: 'Instance', NextHopId: 'i-1' };
    await raw('CreateRouteEntry', { ...base, DestinationCidrBlock: '100.118.28.43/32' });
    // while the first is Pending, any other route change in the VPC is a TaskConflict
    expect((await failure(raw('CreateRouteEntry', { ...base, DestinationCidrBlock: '10.9.0.0/16' }))).code).toBe('TaskConflict');
    clock.t += 1000;
    const cases: [string, string, string][] = [
      ['100.118.28.43/32', 'RouterEntryConflict.Duplicated', 'same destination in the table'],
      ['192.168.2.0/24', 'InvalidCIDRBlock.Duplicate', 'the CIDR of a vSwitch'],
      ['100.64.0.0/10', 'InvalidDestinationCidrBlock.Reserved', 'reserved by the system'],
      ['10.0.0.1/8', 'InvalidParameter.DestinationCidrBlock', 'host bits set'],
    ];
    for (const [dest, code, reason] of cases) expect((await failure(raw('CreateRouteEntry', { ...base, DestinationCidrBlock: dest }))).code, reason).toBe(code);
    // the same destination is fine in another table
    await raw('CreateRouteEntry', { ...base, RouteTableId: seeded.systemTableId, DestinationCidrBlock: '100.118.28.43/32' });
    clock.t += 1000;
    // DryRun checks everything and creates nothing
    expect((await failure(raw('CreateRouteEntry', { ...base, DestinationCidrBlock: '10.8.0.0/16', DryRun: true }))).code).toBe('DryRunOperation');
    expect((await raw('DescribeRouteEntryList', { RegionId: REGION, RouteTableId: seeded.customTableId, DestinationCidrBlock: '10.8.0.0/16' }))['TotalCount']).toBe(0);
    expect((await failure(raw('CreateRouteEntry', { ...base, RouteTableId: 'vtb-nope', DestinationCidrBlock: '10.8.0.0/16' }))).code).toBe('InvalidRouteTableId.NotFound');
    expect((await failure(raw('DeleteRouteEntry', { RegionId: REGION, RouteTableId: seeded.customTableId, DestinationCidrBlock: '192.168.1.0/24' }))).code).toBe('OperationUnsupported.SystemRouteEntry');
    await raw('DeleteRouteEntry', { RegionId: REGION, RouteTableId: seeded.customTableId, DestinationCidrBlock: '100.118.28.43/32' });
    clock.t += 1000;
  });

  it('ClientToken makes CreateRouteEntry idempotent', async () => {
    const p = { RegionId: REGION, RouteTableId: seeded.customTableId, DestinationCidrBlock: '10.7.0.0/16', NextHopType: 'Instance', NextHopId: 'i-1', ClientToken: 'tok-1' };
    const a = await raw('CreateRouteEntry', p);
    const b = await raw('CreateRouteEntry', p);
    checkFields(FILE, 'CreateRouteEntry', a);
    expect(b['RouteEntryId']).toBe(a['RouteEntryId']);
    clock.t += 1000;
    const d = await raw('DeleteRouteEntry', { RegionId: REGION, RouteEntryId: a['RouteEntryId'] });
    checkFields(FILE, 'DeleteRouteEntry', d);
    clock.t += 1000;
  });

  it('DescribeRouteEntryList pages with NextToken/MaxResult at 1, 7 and 100', async () => {
    const acct = await t.account('2000000000000004');
    const s = await seedVpc(t, '2000000000000004', REGION, '172.16.0.0/16');
    for (let i = 0; i < 10; i++) {
      await raw('CreateRouteEntry', { RegionId: REGION, RouteTableId: s.customTableId, DestinationCidrBlock: `10.${i}.0.0/16`, NextHopType: 'Instance', NextHopId: 'i-1' }, acct);
      clock.t += 1000;
    }
    // the custom table holds 3 system entries (2 vSwitches + 100.64.0.0/10) and 10 custom ones
    for (const size of [1, 7, 100]) {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const body = await raw('DescribeRouteEntryList', { RegionId: REGION, RouteTableId: s.customTableId, MaxResult: size, ...(token === undefined ? {} : { NextToken: token }) }, acct);
        checkFields(FILE, 'DescribeRouteEntryList', body);
        expect(body['TotalCount']).toBe(13);
        seen.push(...(body['RouteEntrys'] as { RouteEntry: { DestinationCidrBlock: string }[] }).RouteEntry.map((e) => e.DestinationCidrBlock));
        token = body['NextToken'] === '' ? undefined : (body['NextToken'] as string);
      } while (token !== undefined);
      expect(seen.length, `MaxResult ${size}`).toBe(13);
      expect(new Set(seen).size).toBe(13);
    }
  });
});

describe('VPC admin seeding', () => {
  it('refuses vSwitches outside the VPC CIDR or overlapping another, unknown VPCs and unknown accounts', async () => {
    const b = { accountUid: UID, regionId: REGION, vpcId: seeded.vpcId, zoneId: `${REGION}-a` };
    expect((await t.admin<{ code: string }>('POST', '/_emulator/vpc/vswitches', { ...b, cidrBlock: '10.0.0.0/24' })).body.code).toBe('InvalidCidrBlock.Malformed');
    expect((await t.admin<{ code: string }>('POST', '/_emulator/vpc/vswitches', { ...b, cidrBlock: '192.168.1.128/25' })).body.code).toBe('InvalidCidrBlock.Overlapped');
    expect((await t.admin('POST', '/_emulator/vpc/vswitches', { ...b, vpcId: 'vpc-none', cidrBlock: '192.168.9.0/24' })).status).toBe(404);
    expect((await t.admin('POST', '/_emulator/vpc/vpcs', { accountUid: '9999999999999999', regionId: REGION, cidrBlock: '10.0.0.0/8' })).status).toBe(404);
  });
});
