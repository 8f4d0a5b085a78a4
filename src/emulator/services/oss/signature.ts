/**
 * OSS request signatures, recomputed on the server side exactly as the official Node client
 * (`ali-oss` 6.x, lib/common/signUtils.js) computes them:
 * - V1 (the ali-oss default): `Authorization: OSS <AccessKeyId>:<base64 HMAC-SHA1>` over
 *   `VERB\nContent-MD5\nContent-Type\nDate\n<x-oss- headers>\n<resource>`, the resource being
 *   `/<bucket>/<object>` plus the sorted signed sub-resources; ali-oss puts its `x-oss-date` in the
 *   Date line, other clients the `Date` header: both are tried.
 * - V4 (`authorizationV4: true`): `OSS4-HMAC-SHA256 Credential=<id>/<yyyymmdd>/<region>/oss/aliyun_v4_request,
 *   [AdditionalHeaders=a;b,]Signature=<hex>` with the `aliyun_v4` key derivation.
 *
 * Owns: canonicalisation and HMAC only. Pure: no clock, no state; the caller finds the secret.
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHeaders, ParamPairs } from '../../core/signature.js';

/**
 * The query keys OSS signs as sub-resources in V1 (every other query parameter, such as `prefix`
 * or `max-keys`, is outside the signature).
 */
export const SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'acl', 'append', 'bucketInfo', 'callback', 'callback-var', 'cname', 'comp', 'continuation-token', 'cors', 'delete', 'encryption',
  'endTime', 'img', 'inventory', 'inventoryId', 'lifecycle', 'live', 'location', 'logging', 'objectMeta', 'partNumber', 'policy',
  'position', 'qos', 'referer', 'replication', 'replicationLocation', 'replicationProgress', 'requestPayment', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding', 'response-content-language', 'response-content-type', 'response-expires',
  'restore', 'security-token', 'sequential', 'startTime', 'stat', 'status', 'style', 'styleName', 'symlink', 'tagging',
  'transferAcceleration', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'vod', 'website', 'worm', 'wormExtend', 'wormId',
  'x-oss-ac-forward-allow', 'x-oss-ac-source-ip', 'x-oss-ac-subnet-mask', 'x-oss-ac-vpc-id', 'x-oss-async-process', 'x-oss-process',
  'x-oss-request-payer', 'x-oss-traffic-limit',
]);

function header(headers: IncomingHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

/** The parsed `Authorization` of an OSS request. */
export type OssAuthorization =
  | { readonly version: 'v1'; readonly accessKeyId: string; readonly signature: string }
  | {
      readonly version: 'v4';
      readonly accessKeyId: string;
      readonly date: string;
      readonly region: string;
      readonly product: string;
      readonly additionalHeaders: readonly string[];
      readonly signature: string;
    };

/** Parses either form; undefined when the header is neither. */
export function parseOssAuthorization(value: string): OssAuthorization | undefined {
  const v = value.trim();
  const v1 = /^OSS ([^:\s]+):(\S+)$/.exec(v);
  if (v1) return { version: 'v1', accessKeyId: v1[1] ?? '', signature: v1[2] ?? '' };
  const v4 = /^OSS4-HMAC-SHA256\s+(.*)$/.exec(v);
  if (!v4) return undefined;
  const fields = new Map<string, string>();
  for (const part of (v4[1] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const cred = fields.get('Credential')?.split('/');
  const signature = fields.get('Signature');
  if (cred === undefined || cred.length !== 5 || cred[4] !== 'aliyun_v4_request' || signature === undefined) return undefined;
  return {
    version: 'v4',
    accessKeyId: cred[0] ?? '',
    date: cred[1] ?? '',
    region: cred[2] ?? '',
    product: cred[3] ?? '',
    additionalHeaders: (fields.get('AdditionalHeaders') ?? '').split(';').filter((h) => h !== ''),
    signature,
  };
}

/** What a signature is computed over, as received (names decoded, headers lower-case). */
export interface OssSignedRequest {
  readonly method: string;
  /** `''` for a service-level request. */
  readonly bucket: string;
  /** `''` for a bucket-level request. */
  readonly key: string;
  readonly query: ParamPairs;
  readonly headers: IncomingHeaders;
}

/** The V1 canonicalized resource: `/<bucket>/<key>` plus the sorted signed sub-resources. */
export function v1Resource(req: OssSignedRequest): string {
  const path = req.bucket === '' ? '/' : `/${req.bucket}/${req.key}`;
  const subs = req.query
    .filter(([k]) => SIGNED_SUBRESOURCES.has(k))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .sort();
  return subs.length === 0 ? path : `${path}?${subs.join('&')}`;
}

/** The V1 strings to sign a genuine client may have used (x-oss-date or Date in the date line). */
export function v1StringsToSign(req: OssSignedRequest): string[] {
  const ossHeaders = Object.keys(req.headers)
    .map((h) => h.toLowerCase())
    .filter((h) => h.startsWith('x-oss-'))
    .sort()
    .map((h) => `${h}:${(header(req.headers, h) ?? '').trim()}`);
  const dates = [...new Set([header(req.headers, 'x-oss-date'), header(req.headers, 'date')].filter((d): d is string => d !== undefined))];
  const resource = v1Resource(req);
  return dates.map((date) => [req.method.toUpperCase(), header(req.headers, 'content-md5') ?? '', header(req.headers, 'content-type') ?? '', date, ...ossHeaders, resource].join('\n'));
}

/** V1 signature: base64 HMAC-SHA1 with the secret as-is. */
export function v1Signature(stringToSign: string, secret: string): string {
  return createHmac('sha1', secret).update(Buffer.from(stringToSign, 'utf8')).digest('base64');
}

/** encodeURIComponent plus `! ' ( ) *` (ali-oss encodeString). */
function encodeString(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The V4 canonical requests a genuine client may have sent: an empty query value is signed as the
 * bare key (a sub-resource) or as `key=` (an empty parameter), which the URL cannot tell apart.
 */
export function v4CanonicalRequests(req: OssSignedRequest, additionalHeaders: readonly string[]): string[] {
  const uri = encodeString(req.bucket === '' ? '/' : `/${req.bucket}/${req.key}`).replace(/%2F/g, '/');
  const sorted = [...req.query].sort((a, b) => a[0].localeCompare(b[0]));
  const queryOf = (bareEmpty: boolean): string =>
    sorted.map(([k, v]) => (v === '' && bareEmpty ? encodeString(k) : `${encodeString(k)}=${encodeString(v)}`)).join('&');
  const names = new Set(additionalHeaders.map((h) => h.toLowerCase()));
  for (const h of Object.keys(req.headers)) {
    const l = h.toLowerCase();
    if (l === 'content-type' || l === 'content-md5' || l.startsWith('x-oss-')) names.add(l);
  }
  const canonicalHeaders = [...names]
    .sort()
    .map((n) => `${n}:${(header(req.headers, n) ?? '').trim()}\n`)
    .join('');
  const payload = header(req.headers, 'x-oss-content-sha256') ?? 'UNSIGNED-PAYLOAD';
  const queries = [...new Set([queryOf(true), queryOf(false)])];
  return queries.map((q) => [req.method.toUpperCase(), uri, q, canonicalHeaders, [...additionalHeaders].map((h) => h.toLowerCase()).sort().join(';'), payload].join('\n'));
}

/** V4 signature of a canonical request. */
export function v4Signature(canonicalRequest: string, secret: string, timestamp: string, date: string, region: string, product: string): { stringToSign: string; signature: string } {
  const scope = `${date}/${region}/${product}/aliyun_v4_request`;
  const stringToSign = ['OSS4-HMAC-SHA256', timestamp, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const kDate = createHmac('sha256', `aliyun_v4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kProduct = createHmac('sha256', kRegion).update(product).digest();
  const kSigning = createHmac('sha256', kProduct).update('aliyun_v4_request').digest();
  return { stringToSign, signature: createHmac('sha256', kSigning).update(stringToSign).digest('hex') };
}

/** Parses an x-oss-date / Date value: RFC 1123 (V1) or `yyyymmddTHHMMssZ` (V4); NaN when neither. */
export function parseOssDate(value: string): number {
  const iso = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (iso) return Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4]), Number(iso[5]), Number(iso[6]));
  return Date.parse(value);
}
