/**
 * Request signatures of the Alibaba Cloud APIs, recomputed on the server side exactly as the official
 * runtime computes them (shared/api/PROTOCOL.md §2-§3, cr-2016-06-07.json `signature`).
 *
 * Owns: canonicalisation and HMAC only. Pure: no I/O, no clock, no state; the caller finds the
 * secret and decides what a mismatch means. Must not import any service.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Header values as node:http delivers them (lower-case names). */
export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A decoded query or form parameter list, in arrival order. */
export type ParamPairs = readonly (readonly [string, string])[];

/** `encodeURIComponent` plus `! ' ( ) *` (PROTOCOL.md §2 step 2). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');
}

/** Decodes `application/x-www-form-urlencoded` (and URL query) text into pairs; `+` is a space. */
export function parseForm(text: string): [string, string][] {
  const out: [string, string][] = [];
  if (text === '') return out;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    out.push([safeDecode(rawKey), safeDecode(rawValue)]);
  }
  return out;
}

function safeDecode(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Constant-time comparison of two signature strings. */
export function sameSignature(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function headerValue(headers: IncomingHeaders, name: string): string {
  const v = headers[name];
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(',') : v;
}

/** The parts of an `ACS3-HMAC-SHA256` Authorization header; undefined when it is not that form. */
export interface Acs3Authorization {
  readonly algorithm: string;
  readonly accessKeyId: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`. */
export function parseAcs3Authorization(value: string): Acs3Authorization | undefined {
  const m = /^(ACS3-[A-Z0-9-]+)\s+(.*)$/.exec(value.trim());
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of (m[2] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (accessKeyId === undefined || signedHeaders === undefined || signature === undefined) return undefined;
  return {
    algorithm: m[1] ?? '',
    accessKeyId,
    signedHeaders: signedHeaders.split(';').filter((h) => h !== ''),
    signature,
  };
}

/** What the ACS3 canonical request is computed from, as received. */
export interface Acs3Input {
  readonly method: string;
  /** The raw (still percent-encoded) path of the request URL. */
  readonly rawPath: string;
  /** Decoded query pairs. */
  readonly query: ParamPairs;
  readonly headers: IncomingHeaders;
  readonly signedHeaders: readonly string[];
  /** Hex sha256 of the received body. */
  readonly payloadHash: string;
}

/** The ACS3 canonical request (PROTOCOL.md §2 step 4). */
export function acs3CanonicalRequest(input: Acs3Input): string {
  const uri = input.rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const sorted = [...input.query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const query = sorted.map(([k, v]) => `${k}=${percentEncode(v)}`).join('&');
  const names = [...input.signedHeaders].map((h) => h.toLowerCase()).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headerValue(input.headers, n).trim()}\n`).join('');
  return [input.method, uri, query, canonicalHeaders, names.join(';'), input.payloadHash].join('\n');
}

/** Hex HMAC-SHA256 signature of an ACS3 canonical request with the secret as-is. */
export function acs3Signature(canonicalRequest: string, secret: string): string {
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

/** v1 RPC signature: base64 HMAC-SHA1 with key `secret&` over every parameter except Signature (§3). */
export function rpcV1Signature(method: string, params: ParamPairs, secret: string): string {
  const pairs = params.filter(([k]) => k !== 'Signature');
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const canonical = pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

/** Parses `acs <AccessKeyId>:<Signature>` (ROA v1). */
export function parseRoaAuthorization(value: string): { accessKeyId: string; signature: string } | undefined {
  const m = /^acs\s+([^:\s]+):(\S+)$/.exec(value.trim());
  if (!m) return undefined;
  return { accessKeyId: m[1] ?? '', signature: m[2] ?? '' };
}

/** What the ROA v1 string to sign is computed from. */
export interface RoaInput {
  readonly method: string;
  /** The raw path as sent (path parameters still encoded). */
  readonly rawPath: string;
  readonly query: ParamPairs;
  readonly headers: IncomingHeaders;
}

/**
 * The ROA v1 strings to sign a legitimate client may have used: the tea form (five header lines
 * always present, resource without `?` when there is no query) and the old Go SDK form (empty header
 * lines dropped, `?` always appended). A request is genuine when any of them matches.
 */
export function roaStringsToSign(input: RoaInput): string[] {
  const heads = ['accept', 'content-md5', 'content-type', 'date'].map((h) => headerValue(input.headers, h));
  const acsNames = Object.keys(input.headers)
    .map((h) => h.toLowerCase())
    .filter((h) => h.startsWith('x-acs-'))
    .sort();
  const canonicalHeaders = acsNames
    .map((n) => `${n}:${headerValue(input.headers, n).replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
  const sorted = [...input.query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const teaQuery = sorted.map(([k, v]) => `${k}=${v}`).join('&');
  const goQuery = sorted.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&');
  const teaResource = teaQuery === '' ? input.rawPath : `${input.rawPath}?${teaQuery}`;
  const goResource = `${input.rawPath}?${goQuery}`;
  const tea = `${input.method}\n${heads.join('\n')}\n${canonicalHeaders}${teaResource}`;
  const goHeads = heads.filter((h) => h !== '');
  const go = `${input.method}\n${goHeads.map((h) => `${h}\n`).join('')}${canonicalHeaders}${goResource}`;
  return tea === go ? [tea] : [tea, go];
}

/** ROA v1 signature: base64 HMAC-SHA1 with the secret as-is (no `&`). */
export function roaSignature(stringToSign: string, secret: string): string {
  return createHmac('sha1', secret).update(Buffer.from(stringToSign, 'utf8')).digest('base64');
}
