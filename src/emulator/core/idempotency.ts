/**
 * ClientToken ledgers shared by the products that take one (BSS, CBN, VPC, PrivateZone): a token
 * is remembered, with what its first successful call answered, for a bounded window
 * (`AsyncDurations.clientTokenWindow`, on the emulated clock). Within the window a reuse answers
 * the first result; after it the token is forgotten and a reuse is a new request, as the real
 * services keep tokens "for a while" (the length is a guess: docs/emulator.md).
 *
 * Owns: the entry format and pruning (memory stays bounded by the window). Pure: time is passed in;
 * the ledger is a plain JSON object inside the product's persisted state. Entries written before
 * tokens had a time (a bare id, or an object without `at`) count as expired.
 */
import type { EpochMs } from './contract.js';

/** What a ledger keeps of one token. */
export interface TokenEntry<V> {
  /** What the first successful call answered (an id, or a whole response). */
  readonly value: V;
  /** When it was answered (emulated clock). */
  readonly at: EpochMs;
}

/** A product's tokens, keyed as the product scopes them (e.g. `<action>:<token>`). */
export type TokenLedger<V> = Record<string, TokenEntry<V>>;

function isEntry(e: unknown): e is TokenEntry<unknown> {
  return typeof e === 'object' && e !== null && 'value' in e && typeof (e as { at?: unknown }).at === 'number';
}

/** The first result of `key` when it was answered within the window before `now`, else undefined. */
export function recallToken<V>(ledger: TokenLedger<V>, key: string, now: EpochMs, windowMs: number): V | undefined {
  const e: unknown = ledger[key];
  if (!isEntry(e) || now - e.at > windowMs) return undefined;
  return e.value as V;
}

/** Records the first result of `key` at `now`, and forgets every token older than the window. */
export function rememberToken<V>(ledger: TokenLedger<V>, key: string, value: V, now: EpochMs, windowMs: number): void {
  for (const [k, e] of Object.entries(ledger) as [string, unknown][]) {
    if (!isEntry(e) || now - e.at > windowMs) delete ledger[k];
  }
  ledger[key] = { value, at: now };
}
