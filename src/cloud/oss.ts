/**
 * OSS buckets through the official Node client (`ali-oss`), as the run store uses them: text
 * objects read, written, written create-only (`x-oss-forbid-overwrite`), appended to, listed and
 * deleted, with the service's clock (`Date`, `Last-Modified`) handed back for lock expiry.
 *
 * Owns: building an ali-oss client from an account's credentials chain (STS keys refreshed through
 * the chain), mapping OSS errors onto typed `store.*` errors, and counting requests and their time
 * (the run store's overhead is measured from these). Knows nothing of runs or locks.
 */
import OSS from 'ali-oss';
import { AcrctlError } from '../errors.js';

/** What ali-oss gives the credentials it signs with. */
export interface OssKeys {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** An object read: its text, when it was last written, and the service's clock at the answer. */
export interface ObjectRead {
  readonly text: string;
  readonly lastModified: Date;
  readonly serverNow: Date;
}

/** The calls the run store makes on a bucket (an interface, so tests can wrap or slow it). */
export interface ObjectBucket {
  /** `oss://bucket/` for messages. */
  readonly where: string;
  get(key: string): Promise<ObjectRead | undefined>;
  /** Writes `text`; with `createOnly`, answers `exists` (and changes nothing) when the key exists. */
  put(key: string, text: string, opts?: { readonly createOnly?: boolean }): Promise<'written' | 'exists'>;
  /** Appends at `position` (0 creates); answers the next position, or `mismatch` with the real length. */
  append(key: string, position: number, text: string): Promise<{ readonly next: number } | { readonly mismatch: number }>;
  delete(key: string): Promise<void>;
  /** Every key under `prefix`, in byte order (all pages). */
  list(prefix: string): Promise<string[]>;
  /** The service's clock now. */
  now(): Promise<Date>;
}

/** Requests made and their total time (ms), per operation. */
export class OssMeter {
  readonly requests = new Map<string, { count: number; ms: number }>();
  add(op: string, ms: number): void {
    const r = this.requests.get(op) ?? { count: 0, ms: 0 };
    r.count++;
    r.ms += ms;
    this.requests.set(op, r);
  }
  total(): { count: number; ms: number } {
    let count = 0;
    let ms = 0;
    for (const r of this.requests.values()) {
      count += r.count;
      ms += r.ms;
    }
    return { count, ms };
  }
}

export interface OssBucketOptions {
  readonly bucket: string;
  readonly region: string;
  /** `host:port` (http) of an emulator, or undefined for the vendor's `oss-<region>.aliyuncs.com` over https. */
  readonly endpoint: { readonly host: string; readonly protocol: 'http' | 'https' };
  /** The account's credentials, asked again when STS keys expire. */
  readonly keys: () => Promise<OssKeys>;
  readonly meter?: OssMeter;
  /** Per-request budget (ms); default 30 s. */
  readonly timeoutMs?: number;
}

interface OssFailure {
  readonly code?: string;
  readonly status?: number;
  readonly message?: string;
  readonly requestId?: string;
  readonly headers?: Record<string, string>;
  readonly params?: Record<string, unknown>;
}

function headerOf(res: { headers?: unknown } | undefined, name: string): string | undefined {
  const h = (res?.headers ?? {}) as Record<string, string | undefined>;
  return h[name];
}

/** A bucket on OSS through ali-oss. */
export async function openOssBucket(o: OssBucketOptions): Promise<ObjectBucket> {
  const first = await o.keys();
  const client = new OSS({
    endpoint: `${o.endpoint.protocol}://${o.endpoint.host}`,
    region: `oss-${o.region}`,
    accessKeyId: first.accessKeyId,
    accessKeySecret: first.accessKeySecret,
    ...(first.securityToken !== undefined
      ? {
          stsToken: first.securityToken,
          refreshSTSToken: async () => {
            const k = await o.keys();
            return { accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret, stsToken: k.securityToken ?? '' };
          },
        }
      : {}),
    bucket: o.bucket,
    secure: o.endpoint.protocol === 'https',
    timeout: o.timeoutMs ?? 30_000,
  });
  const where = `oss://${o.bucket}/`;
  const meter = o.meter;
  const timed = async <T>(op: string, _key: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      meter?.add(op, performance.now() - t0);
    }
  };
  const fail = (op: string, key: string, err: unknown): AcrctlError => storeError(o.bucket, o.region, op, key, err as OssFailure);
  return {
    where,
    async get(key) {
      try {
        const r = await timed('GetObject', key, () => client.get(key));
        const lm = headerOf(r.res, 'last-modified');
        const date = headerOf(r.res, 'date');
        return { text: Buffer.from(r.content as Buffer).toString('utf8'), lastModified: lm ? new Date(lm) : new Date(0), serverNow: date ? new Date(date) : new Date() };
      } catch (err) {
        if ((err as OssFailure).code === 'NoSuchKey') return undefined;
        throw fail('GetObject', key, err);
      }
    },
    async put(key, text, opts = {}) {
      try {
        await timed('PutObject', key, () => client.put(key, Buffer.from(text, 'utf8'), { headers: { 'x-oss-forbid-overwrite': opts.createOnly ? 'true' : 'false', 'Content-Type': 'application/octet-stream' } }));
        return 'written';
      } catch (err) {
        if (opts.createOnly && (err as OssFailure).code === 'FileAlreadyExists') return 'exists';
        throw fail('PutObject', key, err);
      }
    },
    async append(key, position, text) {
      try {
        const r = await timed('AppendObject', key, () => client.append(key, Buffer.from(text, 'utf8'), { position: String(position) }));
        return { next: Number(r.nextAppendPosition) };
      } catch (err) {
        const e = err as OssFailure;
        if (e.code === 'PositionNotEqualToLength') {
          const at = Number(e.headers?.['x-oss-next-append-position'] ?? NaN);
          return { mismatch: Number.isFinite(at) ? at : -1 };
        }
        throw fail('AppendObject', key, err);
      }
    },
    async delete(key) {
      try {
        await timed('DeleteObject', key, () => client.delete(key));
      } catch (err) {
        throw fail('DeleteObject', key, err);
      }
    },
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        let page: OSS.ListV2ObjectResult;
        try {
          page = (await timed('ListObjectsV2', prefix, () => client.listV2({ prefix, 'max-keys': '1000', ...(token !== undefined ? { 'continuation-token': token } : {}) }, {})));
        } catch (err) {
          throw fail('ListObjectsV2', prefix, err);
        }
        for (const obj of page.objects ?? []) keys.push(obj.name);
        token = page.isTruncated ? page.nextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
    async now() {
      // Any answer carries the service's clock; a HEAD of a key that is not there is the cheapest.
      try {
        const r = await timed('HeadObject', '.clock', () => client.head('.acrctl-clock'));
        const date = headerOf(r.res, 'date');
        return date ? new Date(date) : new Date();
      } catch (err) {
        const e = err as OssFailure & { headers?: Record<string, string> };
        const date = e.headers?.['date'];
        if (e.status === 404) return date ? new Date(date) : new Date();
        throw fail('HeadObject', '.acrctl-clock', err);
      }
    },
  };
}

/** An OSS failure as acrctl reports it (never a secret: codes, status, request id). */
function storeError(bucket: string, region: string, op: string, key: string, e: OssFailure): AcrctlError {
  const code = e.code ?? 'unknown';
  const where = `oss://${bucket}/${key}`;
  const base = `the run store ${where} (${region}) answered ${op} with ${code}${e.status ? ` (HTTP ${e.status})` : ''}`;
  switch (code) {
    case 'NoSuchBucket':
      return new AcrctlError('store.no-bucket', `the run store's bucket ${bucket} does not exist in ${region}`, { hint: `create it (private) in ${region} with the account the run store names, or fix runStore.oss.bucket`, cause: e });
    case 'AccessDenied':
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'InvalidSecurityToken':
    case 'SecurityTokenExpired':
      return new AcrctlError('store.denied', base, { hint: `the run store's account needs oss:GetObject, PutObject, DeleteObject and ListObjects on ${bucket}, in region ${region}`, cause: e });
    default:
      return new AcrctlError('store.failed', `${base}${e.requestId ? `, request ${e.requestId}` : ''}`, { hint: 'try again; the run, its journal and the lock are unchanged by a failed request', cause: e });
  }
}
