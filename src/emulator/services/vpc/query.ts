/**
 * Cross-product VPC queries for CBN (attachment checks) and PrivateZone (zone bindings).
 * Read-only; never creates state.
 */
import type { EmulatorState, EpochMs } from '../../core/contract.js';
import { entryExists, peekVpcRegion } from './models.js';

export interface VpcView {
  vpcId: string;
  vpcName: string;
  regionId: string;
  cidrBlock: string;
}

export interface VSwitchView {
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  cidrBlock: string;
}

export function findVpc(state: EmulatorState, accountUid: string, regionId: string, vpcId: string): VpcView | undefined {
  const v = peekVpcRegion(state, accountUid, regionId)?.vpcs[vpcId];
  return v === undefined ? undefined : { vpcId: v.vpcId, vpcName: v.vpcName, regionId, cidrBlock: v.cidrBlock };
}

export function findVSwitch(state: EmulatorState, accountUid: string, regionId: string, vSwitchId: string): VSwitchView | undefined {
  const s = peekVpcRegion(state, accountUid, regionId)?.vswitches[vSwitchId];
  return s === undefined ? undefined : { vSwitchId: s.vSwitchId, vpcId: s.vpcId, zoneId: s.zoneId, cidrBlock: s.cidrBlock };
}

/** How many live custom VPC route entries in the region use `nextHopId` as their next hop. */
export function routesUsingNextHop(state: EmulatorState, accountUid: string, regionId: string, nextHopId: string, now: EpochMs): number {
  const r = peekVpcRegion(state, accountUid, regionId);
  if (r === undefined) return 0;
  return Object.values(r.routeEntries).filter((e) => e.nextHopId === nextHopId && entryExists(e, now)).length;
}
