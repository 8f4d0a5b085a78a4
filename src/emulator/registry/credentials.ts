/**
 * Registry login credentials issued by the control plane: cr `GetAuthorizationToken` (EE, one
 * instance) and Personal Edition `GET /tokens` (one account in one region). The emulated registries'
 * token endpoints accept them as basic auth (`cr_temp_user:<token>`).
 *
 * Owns: issuing and checking them. Tokens are random and unguessable; only their SHA-256 is kept
 * (in the product's JSON state, so a login survives a restart), with the subject and expiry.
 * Expired entries are pruned whenever a new one is issued. Never logs a token.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EpochMs } from '../core/contract.js';

/** The user name of every temporary credential (both products' samples). */
export const TEMP_USERNAME = 'cr_temp_user';

export interface CredentialRecord {
  /** EE: the instance id. Personal Edition: `<uid>@<region>`. */
  subject: string;
  expiresAt: EpochMs;
}

/** SHA-256 (hex) of a token → what it grants. */
export type CredentialTable = Record<string, CredentialRecord>;

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a token for `subject`, valid until `expiresAt`; `prefix` keeps tokens readable in tests. */
export function issueCredential(table: CredentialTable, prefix: string, subject: string, expiresAt: EpochMs, now: EpochMs): string {
  for (const [h, rec] of Object.entries(table)) if (rec.expiresAt <= now) delete table[h];
  const token = `${prefix}-${randomBytes(16).toString('hex')}`;
  table[hashOf(token)] = { subject, expiresAt };
  return token;
}

/** The record a token was issued with, if it is known and not expired at `now`. */
export function checkCredential(table: CredentialTable | undefined, token: string, now: EpochMs): CredentialRecord | undefined {
  if (table === undefined) return undefined;
  const rec = Object.hasOwn(table, hashOf(token)) ? table[hashOf(token)] : undefined;
  return rec !== undefined && rec.expiresAt > now ? rec : undefined;
}
