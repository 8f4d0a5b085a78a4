/**
 * VPC model (regional): per account and region, VPCs with their vRouter and system route table,
 * vSwitches, custom route tables and custom route entries. VPCs, vSwitches and route tables are
 * seeded through the admin API (acrctl never creates them); route entries are created and deleted
 * through the API, asynchronously: Pending → Available after `async.vpcRouteEntry`, and
 * Deleting → gone after the same time. Statuses are derived from the clock at read time.
 *
 * Invariants: a vSwitch CIDR lies inside its VPC's CIDR and overlaps no other vSwitch of the VPC;
 * a custom route table belongs to one VPC; a route entry's destination is unique in its table
 * among live entries.
 */
import type { CallContext, EmulatorState, EpochMs } from '../../core/contract.js';
import type { TokenLedger } from '../../core/idempotency.js';
import { statusAt, type Lifecycle } from '../../core/params.js';
import { parseCidr } from './cidr.js';

export interface VpcRecord {
  vpcId: string;
  vpcName: string;
  cidrBlock: string;
  description: string;
  isDefault: boolean;
  vRouterId: string;
  systemRouteTableId: string;
  createdAt: EpochMs;
}

export interface VSwitchRecord {
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  cidrBlock: string;
  vSwitchName: string;
  description: string;
  /** The route table the vSwitch is associated with (the VPC's system table unless a custom one). */
  routeTableId: string;
  createdAt: EpochMs;
}

export interface RouteTableRecord {
  routeTableId: string;
  vpcId: string;
  vRouterId: string;
  type: 'System' | 'Custom';
  routeTableName: string;
  description: string;
  createdAt: EpochMs;
}

export type RouteEntryStatus = 'Pending' | 'Available' | 'Deleting';

export interface RouteEntryRecord {
  routeEntryId: string;
  routeTableId: string;
  vpcId: string;
  destinationCidrBlock: string;
  nextHopType: string;
  nextHopId: string;
  routeEntryName: string;
  description: string;
  createdAt: EpochMs;
  lifecycle: Lifecycle<RouteEntryStatus>;
  /** Set by DeleteRouteEntry: the entry is Deleting until this lifecycle settles, then gone. */
  deleting?: { startedAt: EpochMs; duration: number };
}

/** A VPN gateway (seeded; data-centre access over IPsec VPN): it belongs to one VPC. */
export interface VpnGatewayRecord {
  vpnGatewayId: string;
  vpcId: string;
  vSwitchId: string;
  name: string;
  /** `init | provisioning | active | updating | deleting` (values from the vendor docs; seeded, never changes). */
  status: string;
  internetIp: string;
  createdAt: EpochMs;
}

/** A virtual border router (seeded; Express Connect): regional, not in a VPC. */
export interface VbrRecord {
  vbrId: string;
  name: string;
  /** `unconfirmed | active | terminating | terminated | recovering | deleting` (values from Terraform's provider; seeded). */
  status: string;
  physicalConnectionId: string;
  routeTableId: string;
  vlanId: number;
  localGatewayIp: string;
  peerGatewayIp: string;
  createdAt: EpochMs;
}

export interface VpcRegion {
  vpcs: Record<string, VpcRecord>;
  vswitches: Record<string, VSwitchRecord>;
  routeTables: Record<string, RouteTableRecord>;
  routeEntries: Record<string, RouteEntryRecord>;
  /** Optional: state files written before VPN gateways and VBRs existed have neither. */
  vpnGateways?: Record<string, VpnGatewayRecord>;
  vbrs?: Record<string, VbrRecord>;
  /** ClientToken → the id the first call returned (idempotent creates), within the token window. */
  tokens: TokenLedger<string>;
}

export interface VpcState {
  /** account UID → region → data. */
  accounts: Record<string, Record<string, VpcRegion>>;
}

export function initVpcState(): VpcState {
  return { accounts: {} };
}

export const VPC_LIMITS = { customEntriesPerTable: 200 } as const;

function emptyRegion(): VpcRegion {
  return { vpcs: {}, vswitches: {}, routeTables: {}, routeEntries: {}, vpnGateways: {}, vbrs: {}, tokens: {} };
}

/** The account's data in a region, created empty on first use. */
export function vpcRegion(ctx: Pick<CallContext, 'serviceState'>, accountUid: string, region: string): VpcRegion {
  const s = ctx.serviceState<VpcState>('vpc');
  const acct = (s.accounts[accountUid] ??= {});
  return (acct[region] ??= emptyRegion());
}

/** Read-only view for other products (cbn, pvtz); never creates anything. */
export function peekVpcRegion(state: EmulatorState, accountUid: string, region: string): VpcRegion | undefined {
  return (state.services.vpc as VpcState | undefined)?.accounts[accountUid]?.[region];
}

/** Whether a route entry still exists at `now` (deleted entries vanish once Deleting ends). */
export function entryExists(e: RouteEntryRecord, now: EpochMs): boolean {
  return e.deleting === undefined || now < e.deleting.startedAt + e.deleting.duration;
}

export function entryStatus(e: RouteEntryRecord, now: EpochMs): RouteEntryStatus {
  if (e.deleting !== undefined) return 'Deleting';
  return statusAt(e.lifecycle, now);
}

/** Drops entries whose deletion has finished. Idempotent; depends only on the clock. */
export function sweep(r: VpcRegion, now: EpochMs): void {
  for (const [id, e] of Object.entries(r.routeEntries)) if (!entryExists(e, now)) delete r.routeEntries[id];
}

/** A system route entry, derived (never stored): one per vSwitch CIDR plus the reserved 100.64.0.0/10. */
export interface SystemEntry {
  routeEntryId: string;
  routeTableId: string;
  destinationCidrBlock: string;
}

export function systemEntries(r: VpcRegion, table: RouteTableRecord): SystemEntry[] {
  const tail = table.routeTableId.slice(-8);
  const out: SystemEntry[] = Object.values(r.vswitches)
    .filter((v) => v.vpcId === table.vpcId)
    .map((v) => ({ routeEntryId: `rte-sys${tail}${v.vSwitchId.slice(-8)}`, routeTableId: table.routeTableId, destinationCidrBlock: v.cidrBlock }));
  out.push({ routeEntryId: `rte-sys${tail}reserved`, routeTableId: table.routeTableId, destinationCidrBlock: '100.64.0.0/10' });
  return out;
}

/** VPC times: ISO 8601 UTC to the second. */
export function isoSeconds(ms: EpochMs): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** VPC route entry GmtModified: yyyy-MM-ddTHH:mmZ. */
export function isoMinutes(ms: EpochMs): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}
