/**
 * CBN model (a global product: CEN instances belong to an account, transit routers carry their
 * RegionId). Per account: CENs, transit routers (Enterprise or Basic), VPC and peer attachments,
 * transit router route tables (one System table per Enterprise router) and static route entries.
 *
 * Every object carries a Life: it is in its starting status (Creating / Attaching) for
 * `duration` ms after creation, then stable (Active / Attached); a delete starts its ending status
 * (Deleting / Detaching) and the object is gone `endDuration` ms later. Statuses are derived from
 * the clock at read time, never advanced by timers, so they survive persistence.
 */
import type { CallContext, EmulatorState, EpochMs } from '../../core/contract.js';
import type { TokenLedger } from '../../core/idempotency.js';

export interface Life {
  startedAt: EpochMs;
  duration: number;
  endingAt?: EpochMs;
  endDuration?: number;
}

export type Phase = 'starting' | 'stable' | 'ending' | 'gone';

export function phaseAt(l: Life, now: EpochMs): Phase {
  if (l.endingAt !== undefined) return now < l.endingAt + (l.endDuration ?? 0) ? 'ending' : 'gone';
  return now < l.startedAt + l.duration ? 'starting' : 'stable';
}

export function newLife(now: EpochMs, duration: number): Life {
  return { startedAt: now, duration };
}

export function endLife(l: Life, now: EpochMs, duration: number): void {
  l.endingAt = now;
  l.endDuration = duration;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface CenRecord {
  cenId: string;
  name: string;
  description: string;
  protectionLevel: string;
  tags: Tag[];
  life: Life;
}

export type TrType = 'Enterprise' | 'Basic';

export interface TransitRouterRecord {
  transitRouterId: string;
  cenId: string;
  regionId: string;
  type: TrType;
  name: string;
  description: string;
  supportMulticast: boolean;
  tags: Tag[];
  life: Life;
}

export interface VpcAttachmentRecord {
  attachmentId: string;
  cenId: string;
  transitRouterId: string;
  regionId: string;
  vpcId: string;
  vpcOwnerId: string;
  zoneMappings: { VSwitchId: string; ZoneId: string; NetworkInterfaceId: string }[];
  name: string;
  description: string;
  autoPublishRouteEnabled: boolean;
  tags: Tag[];
  life: Life;
}

export interface PeerAttachmentRecord {
  attachmentId: string;
  cenId: string;
  transitRouterId: string;
  regionId: string;
  peerTransitRouterId: string;
  peerRegionId: string;
  bandwidth: number;
  bandwidthType: string;
  cenBandwidthPackageId: string;
  defaultLinkType: string;
  name: string;
  description: string;
  autoPublishRouteEnabled: boolean;
  tags: Tag[];
  life: Life;
}

export interface RouteTableRecord {
  routeTableId: string;
  transitRouterId: string;
  regionId: string;
  type: 'System' | 'Custom';
  name: string;
  description: string;
  life: Life;
}

export interface RouteEntryRecord {
  routeEntryId: string;
  routeTableId: string;
  destinationCidrBlock: string;
  nextHopType: 'BlackHole' | 'Attachment';
  nextHopId: string;
  name: string;
  description: string;
  life: Life;
}

export interface CbnAccount {
  cens: Record<string, CenRecord>;
  transitRouters: Record<string, TransitRouterRecord>;
  vpcAttachments: Record<string, VpcAttachmentRecord>;
  peerAttachments: Record<string, PeerAttachmentRecord>;
  routeTables: Record<string, RouteTableRecord>;
  routeEntries: Record<string, RouteEntryRecord>;
  /** `<Action>:<ClientToken>` → the id the first call returned, within the token window. */
  tokens: TokenLedger<string>;
}

export interface CbnState {
  accounts: Record<string, CbnAccount>;
}

export function initCbnState(): CbnState {
  return { accounts: {} };
}

function emptyAccount(): CbnAccount {
  return { cens: {}, transitRouters: {}, vpcAttachments: {}, peerAttachments: {}, routeTables: {}, routeEntries: {}, tokens: {} };
}

export function cbnAccount(ctx: Pick<CallContext, 'serviceState'>, accountUid: string): CbnAccount {
  const s = ctx.serviceState<CbnState>('cbn');
  return (s.accounts[accountUid] ??= emptyAccount());
}

export function peekCbnAccount(state: EmulatorState, accountUid: string): CbnAccount | undefined {
  return (state.services.cbn as CbnState | undefined)?.accounts[accountUid];
}

type Keyed = { life: Life };

/** Drops every object whose ending status has elapsed. Depends only on the clock; idempotent. */
export function sweep(a: CbnAccount, now: EpochMs): void {
  const tables: Record<string, Record<string, Keyed>> = {
    cens: a.cens,
    transitRouters: a.transitRouters,
    vpcAttachments: a.vpcAttachments,
    peerAttachments: a.peerAttachments,
    routeTables: a.routeTables,
    routeEntries: a.routeEntries,
  };
  for (const t of Object.values(tables)) for (const [id, o] of Object.entries(t)) if (phaseAt(o.life, now) === 'gone') delete t[id];
}

export const STATUS = {
  cen: { starting: 'Creating', stable: 'Active', ending: 'Deleting' },
  tr: { starting: 'Creating', stable: 'Active', ending: 'Deleting' },
  attachment: { starting: 'Attaching', stable: 'Attached', ending: 'Detaching' },
  table: { starting: 'Creating', stable: 'Active', ending: 'Deleting' },
  entry: { starting: 'Creating', stable: 'Active', ending: 'Deleting' },
} as const;

export function statusOf(kind: keyof typeof STATUS, l: Life, now: EpochMs): string {
  const p = phaseAt(l, now);
  return p === 'gone' ? 'Deleted' : STATUS[kind][p];
}

/** CBN times: ISO 8601 UTC to the minute, e.g. 2021-03-15T09:39Z. */
export function isoMinutes(ms: EpochMs): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}
