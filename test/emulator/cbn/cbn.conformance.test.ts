/**
 * CBN conformance over HTTP with generic openapi-core calls (no CBN SDK on the registry): the
 * cross-region access scenario of DOMAIN.md seeds 001/004, lifecycles derived from the clock,
 * busy-object refusals, DryRun, ClientToken, Basic routers, paging, and wire fields checked
 * against shared/api/cbn-2017-09-12.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { checkFields } from '../ram/fields.js';
import { seedVpc, type SeededVpc } from '../vpc/seed.js';

const UID = '3000000000000001';
const FILE = 'cbn-2017-09-12.json';
const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
const STEP = 500;
const clock = { t: Date.now() };

let t: TestEmulator;
let keys: AccountKeys;
let hz: SeededVpc;
let sh: SeededVpc;

const cbn = async (action: string, params: Record<string, unknown> = {}, optional: string[] = [], k: AccountKeys = keys) => {
  const body = await t.callRpc('cbn', 'global', action, params, k);
  expect(typeof body['RequestId']).toBe('string');
  checkFields(FILE, action, body, optional);
  return body;
};
const tick = () => void (clock.t += STEP);

async function failure(p: Promise<unknown>): Promise<{ code: string; statusCode: number; name: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; statusCode: number; name: string };
  }
  throw new Error('expected the call to fail');
}
const fails = (action: string, params: Record<string, unknown>, k: AccountKeys = keys) => failure(t.callRpc('cbn', 'global', action, params, k));

async function statusOf(action: string, params: Record<string, unknown>, listKey: string, pick: (x: Record<string, unknown>) => unknown): Promise<unknown[]> {
  const body = await cbn(action, params, ['NextToken']);
  const list = (listKey === 'Cens' ? (body['Cens'] as { Cen: Record<string, unknown>[] }).Cen : (body[listKey] as Record<string, unknown>[]));
  return list.map(pick);
}

beforeAll(async () => {
  t = await startTestEmulator({ now: () => clock.t, async: { cbnTransition: STEP, vpcRouteEntry: STEP } });
  keys = await t.account(UID);
  hz = await seedVpc(t, UID, HZ, '192.168.0.0/16');
  sh = await seedVpc(t, UID, SH, '172.16.0.0/16');
});
afterAll(() => t.close());

describe('CBN: the cross-region access scenario end to end', () => {
  let cenId: string;
  let trHz: string;
  let trSh: string;
  let attHz: string;
  let peer: string;
  let hzTable: string;

  it('CreateCen: Creating, then Active; ClientToken returns the first CenId', async () => {
    const a = await cbn('CreateCen', { Name: 'main', ClientToken: 'cen-1' });
    const b = await cbn('CreateCen', { Name: 'main', ClientToken: 'cen-1' });
    cenId = a['CenId'] as string;
    expect(cenId).toMatch(/^cen-/);
    expect(b['CenId']).toBe(cenId);
    expect(await statusOf('DescribeCens', {}, 'Cens', (c) => c['Status'])).toEqual(['Creating']);
    // a busy CEN blocks work under it
    expect((await fails('CreateTransitRouter', { CenId: cenId, RegionId: HZ })).code).toBe('Operation.Blocking');
    tick();
    expect(await statusOf('DescribeCens', {}, 'Cens', (c) => c['Status'])).toEqual(['Active']);
  });

  it('CreateTransitRouter makes Enterprise routers, one per region, each with a System route table', async () => {
    expect((await fails('CreateTransitRouter', { CenId: cenId, RegionId: HZ, DryRun: true })).code).toBe('DryRunOperation');
    trHz = (await cbn('CreateTransitRouter', { CenId: cenId, RegionId: HZ, TransitRouterName: 'hz' }))['TransitRouterId'] as string;
    trSh = (await cbn('CreateTransitRouter', { CenId: cenId, RegionId: SH, TransitRouterName: 'sh' }))['TransitRouterId'] as string;
    expect(trHz).toMatch(/^tr-/);
    expect((await fails('CreateTransitRouter', { CenId: cenId, RegionId: HZ })).code).toBe('ParameterInstanceId.TransitRouterExists');
    expect(await statusOf('ListTransitRouters', { CenId: cenId }, 'TransitRouters', (r) => [r['TransitRouterId'], r['Type'], r['Status']])).toEqual([
      [trHz, 'Enterprise', 'Creating'],
      [trSh, 'Enterprise', 'Creating'],
    ]);
    // a router that is still Creating cannot take attachments yet
    expect((await fails('CreateTransitRouterVpcAttachment', { TransitRouterId: trHz, VpcId: hz.vpcId, ZoneMappings: [{ VSwitchId: hz.vswitches[0], ZoneId: `${HZ}-a` }] })).code).toBe('IncorrectStatus.Status');
    tick();
    const tables = await cbn('ListTransitRouterRouteTables', { TransitRouterId: trHz }, ['NextToken']);
    const rows = tables['TransitRouterRouteTables'] as { TransitRouterRouteTableId: string; TransitRouterRouteTableType: string; TransitRouterRouteTableStatus: string }[];
    expect(rows.map((r) => [r.TransitRouterRouteTableType, r.TransitRouterRouteTableStatus])).toEqual([['System', 'Active']]);
    hzTable = rows[0]!.TransitRouterRouteTableId;
    expect(hzTable).toMatch(/^vtb-/);
  });

  it('attaches the instance VPC: Attaching, then Attached; the VPC reports CenStatus Attached', async () => {
    const bad: [Record<string, unknown>, string, string][] = [
      [{ VpcId: 'vpc-none', ZoneMappings: [{ VSwitchId: hz.vswitches[0], ZoneId: `${HZ}-a` }] }, 'IncorrectStatus.VpcOrVswitch', 'unknown VPC'],
      [{ VpcId: hz.vpcId, ZoneMappings: [{ VSwitchId: sh.vswitches[0], ZoneId: `${HZ}-a` }] }, 'IncorrectStatus.VpcOrVswitch', 'vSwitch of another VPC'],
      [{ VpcId: hz.vpcId, ZoneMappings: [{ VSwitchId: hz.vswitches[0], ZoneId: `${HZ}-b` }] }, 'IncorrectStatus.VpcSwitch', 'wrong zone'],
      [{ VpcId: hz.vpcId }, 'IllegalParam.ZoneMappings', 'no zone mapping'],
    ];
    for (const [p, code, reason] of bad) expect((await fails('CreateTransitRouterVpcAttachment', { TransitRouterId: trHz, ...p })).code, reason).toBe(code);
    const p = { TransitRouterId: trHz, VpcId: hz.vpcId, ZoneMappings: [{ VSwitchId: hz.vswitches[0], ZoneId: `${HZ}-a` }, { VSwitchId: hz.vswitches[1], ZoneId: `${HZ}-b` }], ClientToken: 'att-1' };
    attHz = (await cbn('CreateTransitRouterVpcAttachment', p))['TransitRouterAttachmentId'] as string;
    expect(attHz).toMatch(/^tr-attach-/);
    expect((await cbn('CreateTransitRouterVpcAttachment', p))['TransitRouterAttachmentId']).toBe(attHz);
    expect((await fails('CreateTransitRouterVpcAttachment', { ...p, ClientToken: 'att-2' })).code).toBe('IncorrectStatus.VpcResource');
    expect(await statusOf('ListTransitRouterVpcAttachments', { TransitRouterId: trHz }, 'TransitRouterAttachments', (x) => [x['VpcId'], x['Status']])).toEqual([[hz.vpcId, 'Attaching']]);
    // while Attaching it cannot be a next hop or be deleted
    expect((await fails('CreateTransitRouterRouteEntry', { TransitRouterRouteTableId: hzTable, TransitRouterRouteEntryDestinationCidrBlock: '100.0.0.0/8', TransitRouterRouteEntryNextHopType: 'Attachment', TransitRouterRouteEntryNextHopId: attHz })).code).toBe('IncorrectStatus.Attachment');
    expect((await fails('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: attHz })).code).toBe('IncorrectStatus.Status');
    tick();
    expect(await statusOf('ListTransitRouterVpcAttachments', { VpcId: hz.vpcId }, 'TransitRouterAttachments', (x) => x['Status'])).toEqual(['Attached']);
    const vpcs = await t.callRpc('vpc', HZ, 'DescribeVpcs', { RegionId: HZ, VpcId: hz.vpcId }, keys);
    expect((vpcs['Vpcs'] as { Vpc: { CenStatus: string }[] }).Vpc[0]?.CenStatus).toBe('Attached');
  });

  it('peers the two Enterprise routers across regions', async () => {
    expect((await fails('CreateTransitRouterPeerAttachment', { TransitRouterId: trHz, PeerTransitRouterId: trHz })).code).toBe('IllegalParam.PeerTransitRouterRegionId');
    peer = (await cbn('CreateTransitRouterPeerAttachment', { TransitRouterId: trSh, PeerTransitRouterId: trHz, PeerTransitRouterRegionId: HZ, CenId: cenId, Bandwidth: 2, BandwidthType: 'DataTransfer' }))['TransitRouterAttachmentId'] as string;
    expect((await fails('CreateTransitRouterPeerAttachment', { TransitRouterId: trHz, PeerTransitRouterId: trSh })).code).toBe('IncorrectStatus.Attachment');
    expect(await statusOf('ListTransitRouterPeerAttachments', { CenId: cenId }, 'TransitRouterAttachments', (x) => [x['TransitRouterId'], x['PeerTransitRouterId'], x['PeerTransitRouterRegionId'], x['Status'], x['ResourceType']])).toEqual([
      [trSh, trHz, HZ, 'Attaching', 'TR'],
    ]);
    tick();
    expect(await statusOf('ListTransitRouterPeerAttachments', { TransitRouterId: trSh }, 'TransitRouterAttachments', (x) => x['Status'])).toEqual(['Attached']);
  });

  it('route entries: 100.0.0.0/8 to the instance VPC attachment; Creating, then Active; duplicates refused; listed as Active by default', async () => {
    const p = { TransitRouterRouteTableId: hzTable, TransitRouterRouteEntryDestinationCidrBlock: '100.0.0.0/8', TransitRouterRouteEntryNextHopType: 'Attachment', TransitRouterRouteEntryNextHopId: attHz };
    const id = (await cbn('CreateTransitRouterRouteEntry', p))['TransitRouterRouteEntryId'] as string;
    expect(id).toMatch(/^rte-/);
    expect((await fails('CreateTransitRouterRouteEntry', p)).code).toBe('OperationFailed.CreateRouteEntryWithSameDestinationCidrBlock');
    // the default status filter is Active: a Creating entry shows only with Status All
    expect((await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: hzTable }, ['NextToken']))['TotalCount']).toBe(0);
    const all = await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: hzTable, TransitRouterRouteEntryStatus: 'All' }, ['NextToken']);
    expect((all['TransitRouterRouteEntries'] as Record<string, unknown>[]).map((e) => [e['TransitRouterRouteEntryStatus'], e['TransitRouterRouteEntryNextHopResourceId'], e['TransitRouterRouteEntryNextHopResourceType']])).toEqual([['Creating', hz.vpcId, 'VPC']]);
    expect((await fails('DeleteTransitRouterRouteEntry', { TransitRouterRouteEntryId: id })).code).toBe('IncorrectStatus.Status');
    tick();
    const active = await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: hzTable }, ['NextToken']);
    expect((active['TransitRouterRouteEntries'] as Record<string, unknown>[]).map((e) => [e['TransitRouterRouteEntryId'], e['TransitRouterRouteEntryDestinationCidrBlock'], e['TransitRouterRouteEntryType']])).toEqual([[id, '100.0.0.0/8', 'Static']]);
    // a blackhole route takes no next hop
    expect((await fails('CreateTransitRouterRouteEntry', { TransitRouterRouteTableId: hzTable, TransitRouterRouteEntryDestinationCidrBlock: '10.0.0.0/8', TransitRouterRouteEntryNextHopType: 'BlackHole', TransitRouterRouteEntryNextHopId: attHz })).code).toBe('IllegalParam.TransitRouterRouteEntryNextHopId');
  });

  it('a VPC route to the attachment blocks its deletion; routes must go first (reverse order of creation)', async () => {
    const vpcRoute = await t.callRpc('vpc', HZ, 'CreateRouteEntry', { RegionId: HZ, RouteTableId: hz.customTableId, DestinationCidrBlock: '10.50.0.0/16', NextHopType: 'Attachment', NextHopId: attHz }, keys);
    tick();
    expect((await fails('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: attHz })).code).toBe('IncorrectStatus.VpcRouteEntry');
    await t.callRpc('vpc', HZ, 'DeleteRouteEntry', { RegionId: HZ, RouteEntryId: vpcRoute['RouteEntryId'] }, keys);
    tick();
    expect((await fails('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: attHz })).code).toBe('IncorrectStatus.Attachment');
    expect((await fails('DeleteTransitRouter', { TransitRouterId: trHz })).code).toBe('InvalidOperation.AttachedChildInstanceExist');
    expect((await fails('DeleteCen', { CenId: cenId })).code).toBe('InvalidOperation.AttachedChildInstanceExist');
    const e = await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: hzTable }, ['NextToken']);
    await cbn('DeleteTransitRouterRouteEntry', { TransitRouterRouteEntryId: (e['TransitRouterRouteEntries'] as { TransitRouterRouteEntryId: string }[])[0]!.TransitRouterRouteEntryId });
    expect((await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: hzTable, TransitRouterRouteEntryStatus: 'All' }, ['NextToken']))['TotalCount']).toBe(1);
    tick();
    expect((await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: hzTable, TransitRouterRouteEntryStatus: 'All' }, ['NextToken']))['TotalCount']).toBe(0);
    expect((await fails('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: attHz, DryRun: true })).code).toBe('DryRunOperation');
    await cbn('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: attHz });
    expect(await statusOf('ListTransitRouterVpcAttachments', { TransitRouterId: trHz }, 'TransitRouterAttachments', (x) => x['Status'])).toEqual(['Detaching']);
    await cbn('DeleteTransitRouterPeerAttachment', { TransitRouterAttachmentId: peer, ClientToken: 'del-peer' });
    // the same ClientToken again is the same (successful) request, not an IncorrectStatus error
    await cbn('DeleteTransitRouterPeerAttachment', { TransitRouterAttachmentId: peer, ClientToken: 'del-peer' });
    expect((await fails('DeleteTransitRouterPeerAttachment', { TransitRouterAttachmentId: peer, ClientToken: 'del-peer-2' })).code).toBe('IncorrectStatus.Status');
    tick();
    expect((await cbn('ListTransitRouterVpcAttachments', { TransitRouterId: trHz }, ['NextToken']))['TotalCount']).toBe(0);
    expect((await cbn('ListTransitRouterPeerAttachments', { CenId: cenId }, ['NextToken']))['TotalCount']).toBe(0);
    await cbn('DeleteTransitRouter', { TransitRouterId: trHz });
    expect((await fails('DeleteTransitRouter', { TransitRouterId: trHz })).code).toBe('IncorrectStatus.TransitRouterInstance');
    tick();
    await cbn('DeleteCen', { CenId: cenId });
    expect(await statusOf('DescribeCens', {}, 'Cens', (c) => c['Status'])).toEqual(['Deleting']);
    expect((await fails('DeleteCen', { CenId: cenId })).code).toBe('InvalidOperation.CenInstanceStatus');
    tick();
    expect((await cbn('DescribeCens'))['TotalCount']).toBe(0);
    expect((await cbn('ListTransitRouters', {}))['TotalCount']).toBe(0);
  });
});

describe('CBN: Basic Edition transit routers', () => {
  it('refuse attachments, route tables and cross-region peering (InstanceStatus.NotSupport)', async () => {
    const cenId = (await cbn('CreateCen', { Name: 'legacy' }))['CenId'] as string;
    tick();
    const seeded = await t.admin<{ TransitRouterId: string }>('POST', '/_emulator/cbn/transit-routers', { accountUid: UID, cenId, regionId: HZ, type: 'Basic' });
    expect(seeded.status).toBe(200);
    const enterprise = (await cbn('CreateTransitRouter', { CenId: cenId, RegionId: SH }))['TransitRouterId'] as string;
    tick();
    const basic = seeded.body.TransitRouterId;
    expect(await statusOf('ListTransitRouters', { CenId: cenId, Type: 'Basic' }, 'TransitRouters', (r) => [r['TransitRouterId'], r['Type']])).toEqual([[basic, 'Basic']]);
    expect((await fails('CreateTransitRouterPeerAttachment', { TransitRouterId: enterprise, PeerTransitRouterId: basic })).code).toBe('InstanceStatus.NotSupport');
    expect((await fails('CreateTransitRouterPeerAttachment', { TransitRouterId: basic, PeerTransitRouterId: enterprise })).code).toBe('InstanceStatus.NotSupport');
    expect((await fails('CreateTransitRouterVpcAttachment', { TransitRouterId: basic, VpcId: hz.vpcId, ZoneMappings: [{ VSwitchId: hz.vswitches[0], ZoneId: `${HZ}-a` }] })).code).toBe('InstanceStatus.NotSupport');
    expect((await cbn('ListTransitRouterRouteTables', { TransitRouterId: basic }, ['NextToken']))['TotalCount']).toBe(0);
  });
});

describe('CBN paging', () => {
  it('DescribeCens and ListTransitRouters page by PageNumber/PageSize; attachments by NextToken/MaxResults, at 1, 7 and 100', async () => {
    const acct = await t.account('3000000000000002');
    const cens: string[] = [];
    for (let i = 0; i < 9; i++) cens.push((await cbn('CreateCen', { Name: `c${i}` }, [], acct))['CenId'] as string);
    tick();
    for (const size of [1, 7, 100]) {
      const seen: string[] = [];
      for (let page = 1; page <= 20; page++) {
        const body = await cbn('DescribeCens', { PageNumber: page, PageSize: size }, [], acct);
        expect(body['TotalCount']).toBe(9);
        expect(body['PageSize']).toBe(Math.min(size, 50));
        const got = (body['Cens'] as { Cen: { CenId: string }[] }).Cen.map((c) => c.CenId);
        if (got.length === 0) break;
        seen.push(...got);
      }
      expect(seen, `PageSize ${size}`).toEqual(cens);
    }
    const regions = ['cn-beijing', 'cn-hangzhou', 'cn-shanghai', 'cn-shenzhen', 'cn-zhangjiakou', 'cn-hongkong', 'ap-southeast-1', 'us-west-1', 'eu-central-1'];
    const trs: string[] = [];
    for (const r of regions) trs.push((await cbn('CreateTransitRouter', { CenId: cens[0], RegionId: r }, [], acct))['TransitRouterId'] as string);
    tick();
    for (const size of [1, 7, 100]) {
      const seen: string[] = [];
      for (let page = 1; page <= 20; page++) {
        const got = ((await cbn('ListTransitRouters', { CenId: cens[0], PageNumber: page, PageSize: size }, [], acct))['TransitRouters'] as { TransitRouterId: string }[]).map((r) => r.TransitRouterId);
        if (got.length === 0) break;
        seen.push(...got);
      }
      expect(seen, `PageSize ${size}`).toEqual(trs);
    }
    // peer attachments between the first router and the 8 others: NextToken paging
    const peers: string[] = [];
    for (const other of trs.slice(1)) peers.push((await cbn('CreateTransitRouterPeerAttachment', { TransitRouterId: trs[0], PeerTransitRouterId: other }, [], acct))['TransitRouterAttachmentId'] as string);
    for (const size of [1, 7, 100]) {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const body = await cbn('ListTransitRouterPeerAttachments', { CenId: cens[0], MaxResults: size, ...(token === undefined ? {} : { NextToken: token }) }, ['NextToken'], acct);
        expect(body['TotalCount']).toBe(8);
        seen.push(...(body['TransitRouterAttachments'] as { TransitRouterAttachmentId: string }[]).map((x) => x.TransitRouterAttachmentId));
        token = body['NextToken'] as string | undefined;
      } while (token !== undefined);
      expect(seen, `MaxResults ${size}`).toEqual(peers);
    }
  });
});
