/** Seeding helpers for the net tests: VPCs, vSwitches and route tables through the admin API. */
import { expect } from 'vitest';
import type { TestEmulator } from '../../helpers/emulator.js';

export interface SeededVpc {
  vpcId: string;
  vRouterId: string;
  systemTableId: string;
  vswitches: string[];
  customTableId: string;
}

/** A VPC with two vSwitches (zones a and b) and a custom route table holding the first one. */
export async function seedVpc(t: TestEmulator, accountUid: string, regionId: string, cidr = '192.168.0.0/16', vpcId?: string): Promise<SeededVpc> {
  const base = cidr.split('.').slice(0, 2).join('.');
  const v = await t.admin<{ VpcId: string; VRouterId: string; RouteTableId: string }>('POST', '/_emulator/vpc/vpcs', { accountUid, regionId, cidrBlock: cidr, vpcName: 'main', ...(vpcId === undefined ? {} : { vpcId }) });
  expect(v.status).toBe(200);
  const vswitches: string[] = [];
  for (const [i, zone] of ['a', 'b'].entries()) {
    const s = await t.admin<{ VSwitchId: string }>('POST', '/_emulator/vpc/vswitches', { accountUid, regionId, vpcId: v.body.VpcId, zoneId: `${regionId}-${zone}`, cidrBlock: `${base}.${i + 1}.0/24`, vSwitchName: `vsw-${zone}` });
    expect(s.status).toBe(200);
    vswitches.push(s.body.VSwitchId);
  }
  const rt = await t.admin<{ RouteTableId: string }>('POST', '/_emulator/vpc/route-tables', { accountUid, regionId, vpcId: v.body.VpcId, routeTableName: 'custom', vSwitchIds: [vswitches[0]] });
  expect(rt.status).toBe(200);
  return { vpcId: v.body.VpcId, vRouterId: v.body.VRouterId, systemTableId: v.body.RouteTableId, vswitches, customTableId: rt.body.RouteTableId };
}
