/**
 * What earlier runs wrote with calls nothing can read back (write-only values: the login password,
 * src/kinds/login-password.ts; event rule configurations, src/kinds/event-rule.ts), as the run
 * store's journals record it. A kind whose value cannot be compared with the cloud compares it with
 * what acrctl itself last sent: the intent record of the write call carries a salted digest of the
 * value (`secretDigest`, never the value) and the id of the resource it was sent to, and a finished
 * action (its `done` record) makes that digest the resource's "last written" value.
 * src/cli/secret-history.ts reads the journals (local or OSS) and implements {@link SecretHistory}.
 *
 * The intent detail names the resource in `resourceId` (or, the login password's form kept for
 * journals written before it existed, `instanceId`): see {@link digestResource}.
 *
 * Owns: the digest (scrypt, random salt), its check, and the history's types. Kinds and the CLI
 * import it; it imports nothing of either.
 */
import { scryptSync, timingSafeEqual } from 'node:crypto';
import { canonical } from '../plan/canonical.js';

/** One value acrctl wrote, as a run store records it. */
export interface AppliedSecret {
  /** The run whose finished action wrote it. */
  readonly runId: string;
  /** `scrypt:<N>:<salt b64>:<hash b64>` of the value (see {@link secretDigest}). */
  readonly digest: string;
}

/** What a run store records of the values earlier runs wrote, as read at one moment. */
export interface SecretRecords {
  /** Where the records were read from, for messages: `.acrctl/runs`, `oss://bucket/prefix`. */
  readonly where: string;
  /** The last finished `call` on `resourceId` that recorded a digest (newest run last), if any. */
  lookup(call: string, resourceId: string): AppliedSecret | undefined;
}

/**
 * The values earlier runs wrote (src/cli/secret-history.ts implements it over a run store). Read
 * only; each `read` reads the store afresh (a plan after an apply sees what the apply wrote).
 */
export interface SecretHistory {
  read(): Promise<SecretRecords>;
}

/** What a kind comparing with the write history is made with (`makeKinds(deps)`). */
export interface WriteHistoryDeps {
  /** Where earlier runs' digests are read at plan time; absent: none are known. */
  readonly secretHistory?: SecretHistory;
  /** Salt source (tests inject it); default node:crypto randomBytes. */
  readonly randomBytes?: (n: number) => Buffer;
}

const SCRYPT_N = 16384;

/** A salted, slow hash of a secret: what the journal keeps instead of it. */
export function secretDigest(value: string, salt: Buffer): string {
  const hash = scryptSync(value, salt, 32, { N: SCRYPT_N, r: 8, p: 1 });
  return `scrypt:${SCRYPT_N}:${salt.toString('base64')}:${hash.toString('base64')}`;
}

/** True when `value` is the secret `digest` was made from. Malformed digests match nothing. */
export function digestMatches(value: string, digest: string): boolean {
  const m = /^scrypt:(\d+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(digest);
  if (m === null || Number(m[1]) !== SCRYPT_N) return false;
  const want = Buffer.from(m[3]!, 'base64');
  const got = scryptSync(value, Buffer.from(m[2]!, 'base64'), want.length, { N: SCRYPT_N, r: 8, p: 1 });
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The text a structured value (a configuration) is digested as: its canonical JSON. */
export function digestText(value: unknown): string {
  return JSON.stringify(canonical(value));
}

/** The resource an intent's digest is about: `resourceId`, else `instanceId` (the login password's form). */
export function digestResource(detail: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const r = detail?.['resourceId'] ?? detail?.['instanceId'];
  return typeof r === 'string' ? r : undefined;
}
