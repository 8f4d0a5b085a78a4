/**
 * OSS model: buckets (one global namespace, each owned by an account and located in a region) and
 * their objects, held in the emulator's JSON state under `services.oss` (object bytes base64: the
 * emulated OSS is for small objects such as run journals and locks).
 *
 * Invariants: a bucket name is unique across accounts; an object's `etag` is the upper-case hex
 * MD5 of its bytes (Normal objects, as OSS; Appendable ones too, a guess) and `size` its length;
 * keys are 1-1023 bytes of UTF-8. Operations here are synchronous and complete within one request,
 * so concurrent requests are serialised: of two `x-oss-forbid-overwrite` PUTs of one key exactly
 * one creates it, of two appends at one position exactly one lands.
 */
import { createHash } from 'node:crypto';
import type { EmulatorState, EpochMs } from '../../core/contract.js';
import { ossErrors } from './errors.js';

export type ObjectType = 'Normal' | 'Appendable';

export interface OssObjectRecord {
  key: string;
  /** Base64 of the bytes. */
  data: string;
  size: number;
  /** Upper-case hex MD5, unquoted. */
  etag: string;
  contentType: string;
  type: ObjectType;
  lastModified: EpochMs;
  /** `x-oss-meta-*` headers, names lower-cased without the prefix. */
  meta: Record<string, string>;
}

export interface OssBucketRecord {
  name: string;
  ownerUid: string;
  region: string;
  createdAt: EpochMs;
  acl: 'private' | 'public-read' | 'public-read-write';
  storageClass: string;
  objects: Record<string, OssObjectRecord>;
}

export interface OssState {
  buckets: Record<string, OssBucketRecord>;
}

export function initOssState(): OssState {
  return { buckets: {} };
}

/** The OSS state of the whole emulator state, created on first use. */
export function ossState(state: EmulatorState): OssState {
  const existing = state.services.oss as OssState | undefined;
  if (existing !== undefined) return existing;
  const created = initOssState();
  state.services.oss = created;
  return created;
}

/** Bucket names: 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit. */
export const BUCKET_NAME_RE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** Largest object the emulator stores (the body limit of one request). */
export const MAX_OBJECT_BYTES = 16 * 1024 * 1024;

export function checkBucketName(name: string): void {
  if (!BUCKET_NAME_RE.test(name)) throw ossErrors.invalidBucketName(name);
}

export function checkKey(key: string): void {
  if (key === '') throw ossErrors.invalidObjectName('the key is empty');
  if (Buffer.byteLength(key, 'utf8') > 1023) throw ossErrors.invalidObjectName('the key is longer than 1023 bytes');
  if (key.startsWith('/') || key.startsWith('\\')) throw ossErrors.invalidObjectName('the key starts with / or \\');
}

/** Creates a bucket; BucketAlreadyExists (409) when the name is taken, by anyone. */
export function createBucket(st: OssState, spec: { name: string; ownerUid: string; region: string; now: EpochMs; acl?: OssBucketRecord['acl']; storageClass?: string }): OssBucketRecord {
  checkBucketName(spec.name);
  if (st.buckets[spec.name] !== undefined) throw ossErrors.bucketAlreadyExists(spec.name);
  const b: OssBucketRecord = {
    name: spec.name,
    ownerUid: spec.ownerUid,
    region: spec.region,
    createdAt: spec.now,
    acl: spec.acl ?? 'private',
    storageClass: spec.storageClass ?? 'Standard',
    objects: {},
  };
  st.buckets[spec.name] = b;
  return b;
}

export function md5Hex(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex').toUpperCase();
}

/** A listing page (ListObjects / ListObjectsV2): keys in byte order, grouped by `delimiter`. */
export interface ListPage {
  readonly objects: OssObjectRecord[];
  readonly prefixes: string[];
  readonly truncated: boolean;
  /** The key or common prefix the next page starts after (undefined on the last page). */
  readonly next: string | undefined;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * One page of the bucket's keys after `after` (exclusive), under `prefix`, rolled up at `delimiter`
 * into common prefixes; each object and each common prefix counts once towards `max`.
 */
export function listPage(b: OssBucketRecord, opts: { prefix: string; delimiter: string; after: string; max: number }): ListPage {
  const keys = Object.keys(b.objects)
    .filter((k) => k.startsWith(opts.prefix))
    .sort(byteOrder);
  const objects: OssObjectRecord[] = [];
  const prefixes: string[] = [];
  let last: string | undefined;
  for (const k of keys) {
    if (opts.after !== '' && byteOrder(k, opts.after) <= 0) continue;
    let entry: { prefix: string } | { object: OssObjectRecord };
    if (opts.delimiter !== '') {
      const i = k.indexOf(opts.delimiter, opts.prefix.length);
      entry = i >= 0 ? { prefix: k.slice(0, i + opts.delimiter.length) } : { object: b.objects[k] as OssObjectRecord };
    } else {
      entry = { object: b.objects[k] as OssObjectRecord };
    }
    if ('prefix' in entry) {
      if (entry.prefix === last) continue;
      if (opts.after !== '' && byteOrder(entry.prefix, opts.after) <= 0) continue;
    }
    if (objects.length + prefixes.length >= opts.max) return { objects, prefixes, truncated: true, next: last };
    if ('prefix' in entry) {
      prefixes.push(entry.prefix);
      last = entry.prefix;
    } else {
      objects.push(entry.object);
      last = entry.object.key;
    }
  }
  return { objects, prefixes, truncated: false, next: undefined };
}
