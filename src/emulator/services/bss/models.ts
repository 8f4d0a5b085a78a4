/**
 * BssOpenApi 2017-12-14 state for product `acr`: the subscription of each EE instance and the
 * ClientToken ledger. The instances themselves live in the cr model (../cr/models.ts).
 * JSON-serialisable; never stores secrets.
 */
import type { EpochMs, FlatParams } from '../../core/contract.js';
import type { TokenLedger } from '../../core/idempotency.js';

export type SubscriptionType = 'Subscription' | 'PayAsYouGo';
export type RenewalStatus = 'AutoRenewal' | 'ManualRenewal';

export interface SubscriptionRecord {
  instanceId: string;
  accountUid: string;
  region: string;
  productType: string;
  subscriptionType: SubscriptionType;
  /** Months, Subscription only. */
  period?: number;
  renewalStatus: RenewalStatus;
  renewPeriod?: number;
  createdAt: EpochMs;
  orderIds: string[];
}

export interface TokenRecord {
  /** The request parameters that define "the same request" (see fingerprint). */
  fingerprint: string;
  /** The first successful response body, replayed for the same token and parameters. */
  response: Record<string, unknown>;
}

export interface BssState {
  subscriptions: Record<string, SubscriptionRecord>;
  /** By `<uid>/<action>/<ClientToken>`, within the token window. */
  tokens: TokenLedger<TokenRecord>;
}

export function initBssState(): BssState {
  return { subscriptions: {}, tokens: {} };
}

/** Parameters that vary between retries of one request and so never count for idempotency. */
const TRANSPORT_PARAMS = new Set([
  'Action',
  'Version',
  'Format',
  'Timestamp',
  'SignatureNonce',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureType',
  'AccessKeyId',
  'Signature',
  'SecurityToken',
  'RegionId',
  'ClientToken',
]);

/** A stable text of the business parameters of a request (sorted keys). */
export function fingerprint(params: FlatParams): string {
  const keys = Object.keys(params).filter((k) => !TRANSPORT_PARAMS.has(k)).sort();
  return JSON.stringify(keys.map((k) => [k, params[k]]));
}

/** BSS times: `YYYY-MM-DDTHH:mm:ssZ` (UTC, no milliseconds). */
export function bssTime(ms: EpochMs): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Adds calendar months in UTC. */
export function addMonths(ms: EpochMs, months: number): EpochMs {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
}
