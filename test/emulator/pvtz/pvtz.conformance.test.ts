/**
 * PrivateZone conformance over HTTP with generic openapi-core calls: zones, records with their
 * uniqueness rules, VPC bindings (full overwrite), paging, and wire fields checked against
 * shared/api/pvtz-2018-01-01.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { checkFields } from '../ram/fields.js';
import { seedVpc, type SeededVpc } from '../vpc/seed.js';

const UID = '4000000000000001';
const FILE = 'pvtz-2018-01-01.json';
const REGION = 'cn-hangzhou';

let t: TestEmulator;
let keys: AccountKeys;
let vpcA: SeededVpc;

const pvtz = async (action: string, params: Record<string, unknown> = {}, k: AccountKeys = keys) => {
  const body = await t.callRpc('pvtz', 'global', action, params, k);
  expect(typeof body['RequestId']).toBe('string');
  checkFields(FILE, action, body);
  return body;
};

async function fails(action: string, params: Record<string, unknown>, k: AccountKeys = keys): Promise<{ code: string; statusCode: number }> {
  try {
    await t.callRpc('pvtz', 'global', action, params, k);
  } catch (e) {
    return e as { code: string; statusCode: number };
  }
  throw new Error(`${action} was expected to fail`);
}

beforeAll(async () => {
  t = await startTestEmulator();
  keys = await t.account(UID);
  vpcA = await seedVpc(t, UID, REGION, '192.168.0.0/16');
});
afterAll(() => t.close());

describe('PrivateZone zones and bindings', () => {
  it('adds a zone, binds VPCs (full overwrite), refuses deleting a bound zone, unbinds with an empty list', async () => {
    const host = 'cn-hangzhou.cr.aliyuncs.com';
    expect((await pvtz('CheckZoneName', { ZoneName: host }))['Check']).toBe(true);
    const added = await pvtz('AddZone', { ZoneName: host, ProxyPattern: 'RECORD' });
    const zoneId = added['ZoneId'] as string;
    expect(zoneId).toMatch(/^[0-9a-f]{32}$/);
    expect(added).toMatchObject({ Success: true, ZoneName: host });
    expect((await pvtz('CheckZoneName', { ZoneName: host }))['Check']).toBe(false);
    expect((await fails('AddZone', { ZoneName: host })).code).toBe('Zone.Exists');
    expect((await fails('AddZone', { ZoneName: 'no_dots' })).code).toBe('Zone.Invalid.Name');

    expect((await fails('BindZoneVpc', { ZoneId: zoneId, Vpcs: [{ RegionId: REGION, VpcId: 'vpc-none' }] })).code).toBe('ZoneVpc.NotExists.VpcId');
    await pvtz('BindZoneVpc', { ZoneId: zoneId, Vpcs: [{ RegionId: REGION, VpcId: vpcA.vpcId }] });
    const info = await pvtz('DescribeZoneInfo', { ZoneId: zoneId });
    expect(info).toMatchObject({ ZoneId: zoneId, ZoneName: host, ProxyPattern: 'RECORD', RecordCount: 0 });
    expect((info['BindVpcs'] as { Vpc: unknown[] }).Vpc).toEqual([expect.objectContaining({ VpcId: vpcA.vpcId, RegionId: REGION, VpcName: 'main', VpcType: 'STANDARD' })]);
    const byVpc = await pvtz('DescribeZones', { QueryVpcId: vpcA.vpcId, QueryRegionId: REGION });
    expect((byVpc['Zones'] as { Zone: { ZoneId: string }[] }).Zone.map((z) => z.ZoneId)).toEqual([zoneId]);
    const tree = await pvtz('DescribeZoneVpcTree');
    expect((tree['Zones'] as { Zone: { Vpcs: { Vpc: { VpcId: string }[] } }[] }).Zone[0]?.Vpcs.Vpc.map((v) => v.VpcId)).toEqual([vpcA.vpcId]);

    expect(await fails('DeleteZone', { ZoneId: zoneId })).toMatchObject({ code: 'Zone.VpcExists', statusCode: 400 });
    await pvtz('BindZoneVpc', { ZoneId: zoneId });
    expect(((await pvtz('DescribeZoneInfo', { ZoneId: zoneId }))['BindVpcs'] as { Vpc: unknown[] }).Vpc).toEqual([]);
    await pvtz('UpdateZoneRemark', { ZoneId: zoneId, Remark: 'registry' });
    await pvtz('SetProxyPattern', { ZoneId: zoneId, ProxyPattern: 'ZONE' });
    expect(await pvtz('DescribeZoneInfo', { ZoneId: zoneId })).toMatchObject({ Remark: 'registry', ProxyPattern: 'ZONE' });
    expect((await pvtz('DeleteZone', { ZoneId: zoneId }))['ZoneId']).toBe(zoneId);
    expect(await fails('DescribeZoneInfo', { ZoneId: zoneId })).toMatchObject({ code: 'Zone.NotExists', statusCode: 404 });
  });

  it('DescribeZones pages by PageNumber/PageSize at 1, 7 and 100 and searches by keyword', async () => {
    const acct = await t.account('4000000000000002');
    for (let i = 0; i < 9; i++) await pvtz('AddZone', { ZoneName: `z${i}.example.com` }, acct);
    for (const size of [1, 7, 100]) {
      const names: string[] = [];
      for (let page = 1; page <= 20; page++) {
        const body = await pvtz('DescribeZones', { PageNumber: page, PageSize: size }, acct);
        expect(body['TotalItems']).toBe(9);
        expect(body['TotalPages']).toBe(Math.ceil(9 / size));
        const got = (body['Zones'] as { Zone: { ZoneName: string }[] }).Zone.map((z) => z.ZoneName);
        if (got.length === 0) break;
        names.push(...got);
      }
      expect(names, `PageSize ${size}`).toEqual(Array.from({ length: 9 }, (_, i) => `z${i}.example.com`));
    }
    expect((await pvtz('DescribeZones', { Keyword: 'z3', SearchMode: 'LIKE' }, acct))['TotalItems']).toBe(1);
    expect((await pvtz('DescribeZones', { Keyword: 'z3', SearchMode: 'EXACT' }, acct))['TotalItems']).toBe(0);
  });
});

describe('PrivateZone records', () => {
  it('adds, reads, updates, disables and deletes records; enforces the uniqueness limits', async () => {
    const zoneId = (await pvtz('AddZone', { ZoneName: 'cn-shanghai.aliyuncs.com' }))['ZoneId'] as string;
    const a = await pvtz('AddZoneRecord', { ZoneId: zoneId, Rr: 'dockerauth-vpc', Type: 'A', Value: '100.103.7.181', Ttl: 60 });
    const id = a['RecordId'] as number;
    expect(typeof id).toBe('number');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ Rr: 'dockerauth-vpc', Type: 'A', Value: '100.103.7.181' }, 'DomainRecordDuplicate', 'same Rr, type, value and line'],
      [{ Rr: 'dockerauth-vpc', Type: 'CNAME', Value: 'x.example.com' }, 'DomainRecordConflict', 'CNAME beside an A record'],
      [{ Rr: 'x', Type: 'A', Value: 'not-an-ip' }, 'InvalidParameter.Value', 'A needs IPv4'],
      [{ Rr: 'x', Type: 'A', Value: '10.0.0.1', Ttl: 61 }, 'InvalidParameter.Ttl', 'TTL outside the allowed set'],
      [{ Rr: 'x', Type: 'MX', Value: 'mail.example.com', Priority: 100 }, 'InvalidParameter.Priority', 'MX priority 1-99'],
      [{ Rr: 'x', Type: 'TXT', Value: 'a'.repeat(256) }, 'InvalidParameter.Value', 'TXT up to 255'],
      [{ Rr: 'x', Type: 'NS', Value: 'ns1' }, 'InvalidParameter.Type', 'type outside the enum'],
    ];
    for (const [p, code, reason] of cases) expect((await fails('AddZoneRecord', { ZoneId: zoneId, ...p })).code, reason).toBe(code);
    // a second A record with another value at the same Rr is fine (round robin)
    await pvtz('AddZoneRecord', { ZoneId: zoneId, Rr: 'dockerauth-vpc', Type: 'A', Value: '100.103.7.182' });
    const cname = await pvtz('AddZoneRecord', { ZoneId: zoneId, Rr: 'alias', Type: 'CNAME', Value: 'x.example.com' });
    expect((await fails('AddZoneRecord', { ZoneId: zoneId, Rr: 'alias', Type: 'A', Value: '10.0.0.1' })).code).toBe('DomainRecordConflict');
    // ClientToken makes AddZoneRecord idempotent
    const t1 = await pvtz('AddZoneRecord', { ZoneId: zoneId, Rr: 'oss', Type: 'A', Value: '100.118.28.43', ClientToken: 'tok' });
    expect((await pvtz('AddZoneRecord', { ZoneId: zoneId, Rr: 'oss', Type: 'A', Value: '100.118.28.43', ClientToken: 'tok' }))['RecordId']).toBe(t1['RecordId']);

    const one = await pvtz('DescribeZoneRecord', { RecordId: id });
    expect(one).toMatchObject({ RecordId: id, ZoneId: zoneId, Rr: 'dockerauth-vpc', Type: 'A', Value: '100.103.7.181', Ttl: 60, Status: 'ENABLE', Line: 'default' });
    await pvtz('UpdateZoneRecord', { RecordId: id, Rr: 'dockerauth-vpc', Type: 'A', Value: '100.103.7.190', Ttl: 3600 });
    expect((await fails('UpdateZoneRecord', { RecordId: id, Rr: 'dockerauth-vpc', Type: 'A', Value: '100.103.7.182' })).code).toBe('DomainRecordDuplicate');
    expect((await pvtz('SetZoneRecordStatus', { RecordId: id, Status: 'DISABLE' }))['Status']).toBe('DISABLE');
    await pvtz('UpdateRecordRemark', { RecordId: id, Remark: 'auth' });
    expect(await pvtz('DescribeZoneRecord', { RecordId: id })).toMatchObject({ Value: '100.103.7.190', Ttl: 3600, Status: 'DISABLE', Remark: 'auth' });
    expect((await pvtz('DescribeZoneInfo', { ZoneId: zoneId }))['RecordCount']).toBe(4);
    const search = await pvtz('DescribeZoneRecords', { ZoneId: zoneId, Keyword: 'dockerauth' });
    expect(search['TotalItems']).toBe(2);
    await pvtz('DeleteZoneRecord', { RecordId: cname['RecordId'] });
    expect(await fails('DescribeZoneRecord', { RecordId: cname['RecordId'] })).toMatchObject({ code: 'Record.Invalid.Id', statusCode: 404 });
    expect((await fails('AddZoneRecord', { ZoneId: 'nope', Rr: 'a', Type: 'A', Value: '10.0.0.1' })).code).toBe('Zone.NotExists');
  });

  it('DescribeZoneRecords pages at 1, 7 and 100', async () => {
    const zoneId = (await pvtz('AddZone', { ZoneName: 'paging.example.com' }))['ZoneId'] as string;
    for (let i = 0; i < 10; i++) await pvtz('AddZoneRecord', { ZoneId: zoneId, Rr: `h${i}`, Type: 'A', Value: `10.0.0.${i}` });
    for (const size of [1, 7, 100]) {
      const rrs: string[] = [];
      for (let page = 1; page <= 20; page++) {
        const body = await pvtz('DescribeZoneRecords', { ZoneId: zoneId, PageNumber: page, PageSize: size });
        expect(body['TotalItems']).toBe(10);
        const got = (body['Records'] as { Record: { Rr: string }[] }).Record.map((r) => r.Rr);
        if (got.length === 0) break;
        rrs.push(...got);
      }
      expect(rrs, `PageSize ${size}`).toEqual(Array.from({ length: 10 }, (_, i) => `h${i}`));
    }
  });

  it('the remaining read actions answer with documented fields', async () => {
    expect(((await pvtz('DescribeRegions'))['Regions'] as { Region: unknown[] }).Region.length).toBeGreaterThan(0);
    expect((await pvtz('DescribeUserServiceStatus'))['Status']).toBe('OPENED');
  });
});
