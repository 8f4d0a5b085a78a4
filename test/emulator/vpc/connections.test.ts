/**
 * VPN gateways and virtual border routers in the emulator's VPC service (data-centre access, issue
 * 12.3): admin seeding, DescribeVpnGateways / DescribeVirtualBorderRouters through the official
 * @alicloud/vpc20160428 client (the two actions are not in shared/api; fields are the SDK 7.3.2
 * models'), and CreateRouteEntry with a VpnGateway next hop checked against the seeded gateways.
 */
import * as VpcSdk from '@alicloud/vpc20160428';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { seedVpc, type SeededVpc } from './seed.js';

const UID = '2000000000000002';
const OTHER = '2000000000000003';
const REGION = 'cn-hangzhou';
const clock = { t: Date.now() };

let t: TestEmulator;
let keys: AccountKeys;
let vpc: Awaited<ReturnType<TestEmulator['vpcClient']>>;
let main: SeededVpc;
let second: SeededVpc;

async function failure(p: Promise<unknown>): Promise<{ code: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  t = await startTestEmulator({ now: () => clock.t, async: { vpcRouteEntry: 1000 } });
  keys = await t.account(UID);
  await t.account(OTHER);
  vpc = await t.vpcClient(REGION, keys);
  main = await seedVpc(t, UID, REGION, '10.0.0.0/16', 'vpc-main');
  second = await seedVpc(t, UID, REGION, '10.1.0.0/16', 'vpc-second');
  for (const [body, status] of [
    [{ accountUid: UID, regionId: REGION, vpcId: 'vpc-main', vpnGatewayId: 'vpn-main', name: 'idc', vSwitchId: main.vswitches[0] }, 200],
    [{ accountUid: UID, regionId: REGION, vpcId: 'vpc-second', vpnGatewayId: 'vpn-second' }, 200],
    [{ accountUid: UID, regionId: REGION, vpcId: 'vpc-main', vpnGatewayId: 'vpn-starting', status: 'provisioning' }, 200],
    [{ accountUid: UID, regionId: REGION, vpcId: 'vpc-main', vpnGatewayId: 'vpn-main' }, 409],
    [{ accountUid: UID, regionId: REGION, vpcId: 'vpc-nope' }, 404],
    [{ accountUid: UID, regionId: REGION, vpcId: 'vpc-main', vSwitchId: second.vswitches[0] }, 404],
    [{ accountUid: UID, regionId: REGION, vpcId: 'vpc-main', status: 'sleeping' }, 400],
  ] as const) {
    expect((await t.admin('POST', '/_emulator/vpc/vpn-gateways', body)).status, JSON.stringify(body)).toBe(status);
  }
  expect((await t.admin('POST', '/_emulator/vpc/virtual-border-routers', { accountUid: UID, regionId: REGION, vbrId: 'vbr-idc', name: 'idc', vlanId: 100 })).status).toBe(200);
  expect((await t.admin('POST', '/_emulator/vpc/virtual-border-routers', { accountUid: UID, regionId: REGION, vbrId: 'vbr-down', status: 'terminated' })).status).toBe(200);
  expect((await t.admin('POST', '/_emulator/vpc/virtual-border-routers', { accountUid: UID, regionId: REGION, vbrId: 'not-a-vbr' })).status).toBe(400);
});
afterAll(() => t.close());

describe('DescribeVpnGateways', () => {
  it('lists the seeded gateways with their VPC, filtered by id, VPC and status', async () => {
    const all = await vpc.describeVpnGateways(new VpcSdk.DescribeVpnGatewaysRequest({ regionId: REGION }));
    expect(all.body?.totalCount).toBe(3);
    expect(all.body?.vpnGateways?.vpnGateway?.map((g) => [g.vpnGatewayId, g.vpcId, g.status])).toEqual([
      ['vpn-main', 'vpc-main', 'active'],
      ['vpn-second', 'vpc-second', 'active'],
      ['vpn-starting', 'vpc-main', 'provisioning'],
    ]);
    const one = await vpc.describeVpnGateways(new VpcSdk.DescribeVpnGatewaysRequest({ regionId: REGION, vpnGatewayId: 'vpn-main' }));
    expect(one.body?.vpnGateways?.vpnGateway).toMatchObject([{ vpnGatewayId: 'vpn-main', name: 'idc', vSwitchId: main.vswitches[0], businessStatus: 'Normal', internetIp: expect.stringMatching(/^198\.51\.100\./) }]);
    const byVpc = await vpc.describeVpnGateways(new VpcSdk.DescribeVpnGatewaysRequest({ regionId: REGION, vpcId: 'vpc-main', status: 'active' }));
    expect(byVpc.body?.vpnGateways?.vpnGateway?.map((g) => g.vpnGatewayId)).toEqual(['vpn-main']);
    const paged = await vpc.describeVpnGateways(new VpcSdk.DescribeVpnGatewaysRequest({ regionId: REGION, pageSize: 2, pageNumber: 2 }));
    expect([paged.body?.pageNumber, paged.body?.pageSize, paged.body?.vpnGateways?.vpnGateway?.map((g) => g.vpnGatewayId)]).toEqual([2, 2, ['vpn-starting']]);
  });

  it('is regional and per account', async () => {
    const other = await t.vpcClient(REGION, await t.account(OTHER));
    expect((await other.describeVpnGateways(new VpcSdk.DescribeVpnGatewaysRequest({ regionId: REGION }))).body?.totalCount).toBe(0);
    expect((await vpc.describeVpnGateways(new VpcSdk.DescribeVpnGatewaysRequest({ regionId: 'cn-shanghai' }))).body?.totalCount).toBe(0);
  });
});

describe('DescribeVirtualBorderRouters', () => {
  it('lists the seeded VBRs; Filter VbrId and Status narrow the list', async () => {
    const all = await vpc.describeVirtualBorderRouters(new VpcSdk.DescribeVirtualBorderRoutersRequest({ regionId: REGION }));
    expect(all.body?.virtualBorderRouterSet?.virtualBorderRouterType?.map((v) => [v.vbrId, v.status])).toEqual([
      // Creation order; seeded at the same instant here, so by id.
      ['vbr-down', 'terminated'],
      ['vbr-idc', 'active'],
    ]);
    const f = (key: string, value: string[]) => new VpcSdk.DescribeVirtualBorderRoutersRequestFilter({ key, value });
    const one = await vpc.describeVirtualBorderRouters(new VpcSdk.DescribeVirtualBorderRoutersRequest({ regionId: REGION, filter: [f('VbrId', ['vbr-idc'])] }));
    expect(one.body?.virtualBorderRouterSet?.virtualBorderRouterType).toMatchObject([{ vbrId: 'vbr-idc', name: 'idc', vlanId: 100, routeTableId: expect.stringMatching(/^vtb-/), physicalConnectionId: expect.stringMatching(/^pc-/) }]);
    const none = await vpc.describeVirtualBorderRouters(new VpcSdk.DescribeVirtualBorderRoutersRequest({ regionId: REGION, filter: [f('VbrId', ['vbr-idc']), f('Status', ['terminated'])] }));
    expect(none.body?.totalCount).toBe(0);
    expect((await failure(vpc.describeVirtualBorderRouters(new VpcSdk.DescribeVirtualBorderRoutersRequest({ regionId: REGION, filter: [f('Colour', ['red'])] }))))).toMatchObject({ code: 'InvalidParameter' });
  });
});

describe('CreateRouteEntry towards a VPN gateway', () => {
  const create = (routeTableId: string, destinationCidrBlock: string, nextHopId: string) =>
    vpc.createRouteEntry(new VpcSdk.CreateRouteEntryRequest({ regionId: REGION, routeTableId, destinationCidrBlock, nextHopType: 'VpnGateway', nextHopId }));

  it('a gateway of this VPC that is active is accepted and listed as the next hop', async () => {
    const r = await create(main.customTableId, '192.168.0.0/16', 'vpn-main');
    const entries = await vpc.describeRouteEntryList(new VpcSdk.DescribeRouteEntryListRequest({ regionId: REGION, routeTableId: main.customTableId, routeEntryId: r.body?.routeEntryId }));
    expect(entries.body?.routeEntrys?.routeEntry?.[0]?.nextHops?.nextHop?.[0]).toMatchObject({ nextHopType: 'VpnGateway', nextHopId: 'vpn-main' });
    clock.t += 2000;
  });

  it('an unknown gateway, one of another VPC, or one not active is refused', async () => {
    expect(await failure(create(main.customTableId, '172.16.0.0/16', 'vpn-nope'))).toMatchObject({ code: 'InvalidNextHopId.NotFound' });
    expect(await failure(create(main.customTableId, '172.16.0.0/16', 'vpn-second'))).toMatchObject({ code: 'InvalidNextHop.VpcMismatch' });
    expect(await failure(create(main.customTableId, '172.16.0.0/16', 'vpn-starting'))).toMatchObject({ code: 'IncorrectStatus.NextHop' });
  });
});
