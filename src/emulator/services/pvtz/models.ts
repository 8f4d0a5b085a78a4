/**
 * PrivateZone model (a global product: zones belong to an account; only bound VPCs carry a
 * region). Per account: zones with their VPC bindings, and DNS records.
 *
 * Invariants: zone names are unique per account (see SPEC.md); records of a zone are unique by
 * (Rr, Type, Value, Line); a CNAME never shares its Rr with another record; every binding names
 * a VPC that existed (in the VPC service) when it was bound.
 */
import type { CallContext, EpochMs } from '../../core/contract.js';
import type { TokenLedger } from '../../core/idempotency.js';

export interface VpcBinding {
  regionId: string;
  vpcId: string;
  vpcType: 'STANDARD' | 'EDS';
}

export interface ZoneRecord {
  zoneId: string;
  zoneName: string;
  remark: string;
  proxyPattern: 'ZONE' | 'RECORD';
  dnsGroup: 'NORMAL_ZONE' | 'FAST_ZONE';
  resourceGroupId: string;
  bindVpcs: VpcBinding[];
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX' | 'PTR' | 'SRV';

export interface DnsRecord {
  recordId: number;
  zoneId: string;
  rr: string;
  type: RecordType;
  value: string;
  ttl: number;
  priority: number;
  weight: number;
  line: string;
  status: 'ENABLE' | 'DISABLE';
  remark: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface PvtzAccount {
  zones: Record<string, ZoneRecord>;
  records: Record<string, DnsRecord>;
  /** `<Action>:<ClientToken>` → the result id of the first call, within the token window. */
  tokens: TokenLedger<string>;
}

export interface PvtzState {
  accounts: Record<string, PvtzAccount>;
}

export function initPvtzState(): PvtzState {
  return { accounts: {} };
}

export function pvtzAccount(ctx: Pick<CallContext, 'serviceState'>, accountUid: string): PvtzAccount {
  const s = ctx.serviceState<PvtzState>('pvtz');
  return (s.accounts[accountUid] ??= { zones: {}, records: {}, tokens: {} });
}

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'PTR', 'SRV'];
export const TTLS: readonly number[] = [5, 30, 60, 3600, 43200, 86400];

/** PrivateZone minute-precision times, e.g. 2018-01-23T03:15Z. */
export function isoMinutes(ms: EpochMs): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}
