/**
 * The emulated OSS (Object Storage Service) over HTTP: one port per region, opened on demand
 * (`GET /_emulator/endpoint?product=oss&region=R`), speaking the REST/XML protocol the official
 * Node client `ali-oss` sends, unmodified: given `endpoint: 'http://127.0.0.1:PORT'` (an IP), ali-oss
 * keeps the URL path-free of the bucket and names the bucket in the `Host` header
 * (`<bucket>.oss-<region>.aliyuncs.com`); path-style requests (`/<bucket>/<key>`, ali-oss
 * `sldEnable`) are served too.
 *
 * Owns: request parsing, the V1/V4 signature checks, ownership, faults, rate limits, the call log
 * (product `oss`, the operation as action) and the XML rendering; the model is models.ts. Every
 * operation runs synchronously once its body has arrived, so concurrent requests never interleave
 * inside one. Must not import the server core (the core wires it with {@link OssDeps}).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyMatch } from '../../core/auth.js';
import type { CallLog } from '../../core/calllog.js';
import { ApiError, type CallerIdentity, type EmulatorState, type EpochMs } from '../../core/contract.js';
import type { FaultInjector, OssOperation } from '../../core/faults.js';
import { parseForm, sameSignature, type IncomingHeaders, type ParamPairs } from '../../core/signature.js';
import { errorXml, escapeXml, OssError, ossErrors } from './errors.js';
import { checkKey, createBucket, listPage, MAX_OBJECT_BYTES, md5Hex, ossState, type OssBucketRecord, type OssObjectRecord } from './models.js';
import {
  parseOssAuthorization,
  parseOssDate,
  v1Signature,
  v1StringsToSign,
  v4CanonicalRequests,
  v4Signature,
  type OssAuthorization,
  type OssSignedRequest,
} from './signature.js';


const MUTATING: ReadonlySet<OssOperation> = new Set(['PutBucket', 'DeleteBucket', 'PutObject', 'AppendObject', 'DeleteObject', 'DeleteMultipleObjects']);

/** A request RAM enforcement may refuse: who, which RAM action, on which resource. */
export interface OssAuthzRequest {
  readonly caller: CallerIdentity;
  readonly accountUid: string;
  readonly region: string;
  readonly operation: OssOperation;
  readonly bucket: string;
  readonly key: string;
}

/** What the OSS ports need from the emulator core. */
export interface OssDeps {
  state(): EmulatorState;
  /** The emulated clock (object times, STS expiry). */
  now(): EpochMs;
  /** The wall clock (signature time skew). */
  wallNow(): EpochMs;
  /** An access key (account, RAM user or STS); throws ApiError `InvalidAccessKeyId.NotFound`. */
  lookupKey(accessKeyId: string): KeyMatch;
  readonly faults: Pick<FaultInjector, 'decide' | 'admitCall' | 'retryAfter'>;
  readonly calls: Pick<CallLog, 'append'>;
  monotonicNow(): number;
  sleep(ms: number): Promise<void>;
  /** Schedules a save after a change. */
  changed(): void;
  /** RAM enforcement: an error to answer, or undefined when the call is allowed. */
  authorize?(req: OssAuthzRequest): OssError | undefined;
  log(line: string): void;
}

/** Every OSS port of one emulator, by region. */
export class OssPorts {
  private readonly open = new Map<string, { server: Server; port: number }>();
  private readonly opening = new Map<string, Promise<number>>();
  private closed = false;

  constructor(private readonly deps: OssDeps) {}

  /** `127.0.0.1:PORT` of the region's OSS, opening the port on first use. */
  async address(region: string): Promise<string> {
    return `127.0.0.1:${await this.ensure(region)}`;
  }

  /** Region → port of every OSS port opened so far. */
  ports(): Record<string, number> {
    return Object.fromEntries([...this.open].map(([r, o]) => [r, o.port]));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.opening.values()]);
    await Promise.all(
      [...this.open.values()].map(
        (o) =>
          new Promise<void>((resolve) => {
            o.server.close(() => resolve());
            o.server.closeAllConnections();
          }),
      ),
    );
  }

  private ensure(region: string): Promise<number> {
    const existing = this.open.get(region);
    if (existing !== undefined) return Promise.resolve(existing.port);
    if (this.closed) return Promise.reject(new Error('the emulator is closing'));
    let pending = this.opening.get(region);
    if (pending === undefined) {
      const server = createServer((req, res) => {
        new OssRequest(this.deps, region, req, res).run().catch((err: unknown) => {
          this.deps.log(`emulator oss ${region}: unexpected failure: ${(err as Error).message}`);
          if (!res.headersSent) res.writeHead(500).end();
          else res.destroy();
        });
      });
      server.keepAliveTimeout = 10_000;
      pending = new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          server.off('error', reject);
          const port = (server.address() as AddressInfo).port;
          this.open.set(region, { server, port });
          this.opening.delete(region);
          resolve(port);
        });
      });
      this.opening.set(region, pending);
    }
    return pending;
  }
}

/** `<bucket>.oss-<region>[-internal].aliyuncs.com[:port]`: the virtual-hosted form ali-oss sends. */
const VHOST_RE = /^([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.(?:oss-)?([a-z]{2,}(?:-[a-z0-9]+)+?)(?:-internal)?\.aliyuncs\.com(?::\d+)?$/;

interface Response {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** Content-Length of a HEAD answer (the object's, without sending it). */
  length?: number;
}

class OssRequest {
  private readonly method: string;
  private readonly rawPath: string;
  private readonly query: ParamPairs;
  private readonly q: URLSearchParams;
  private readonly requestId = randomBytes(12).toString('hex').toUpperCase();
  private bucket = '';
  private key = '';
  private operation: OssOperation = 'Unsupported';
  private accountUid = '';
  private hostId: string;

  constructor(
    private readonly deps: OssDeps,
    private readonly region: string,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const i = url.indexOf('?');
    this.rawPath = i < 0 ? url : url.slice(0, i);
    const rawQuery = i < 0 ? '' : url.slice(i + 1);
    this.query = parseForm(rawQuery);
    this.q = new URLSearchParams(rawQuery);
    this.hostId = `oss-${region}.aliyuncs.com`;
  }

  async run(): Promise<void> {
    let body: Buffer;
    try {
      this.route();
      body = await this.readBody();
    } catch (err) {
      return this.fail(err);
    }
    let key: KeyMatch;
    try {
      key = this.authenticate(body);
    } catch (err) {
      return this.fail(err);
    }
    this.accountUid = key.accountUid;
    const decision = this.deps.faults.decide('oss', this.operation);
    if (decision.latencyMs > 0) await this.deps.sleep(decision.latencyMs);
    const admission = this.deps.faults.admitCall('oss', this.operation, this.accountUid, this.deps.monotonicNow());
    if (admission !== 'ok') return this.fail(admission === 'Throttling.User' ? ossErrors.totalQpsLimit() : ossErrors.busy());
    const outcome = decision.outcome;
    switch (outcome.kind) {
      case 'none':
        break;
      case 'drop':
        if (outcome.phase === 'before') return this.drop('Emulator.DroppedBeforeApply');
        break;
      case 'throttle':
        return this.fail(ossErrors.qpsLimit());
      case 'unavailable':
        return this.fail(new OssError('ServiceUnavailable', 'Service is temporarily unavailable, please try again later.', 503));
      case 'internal':
        return this.fail(ossErrors.internal());
      case 'error':
        return this.fail(new OssError(outcome.code, `The request was refused (injected fault ${outcome.code}).`, outcome.status));
    }
    let response: Response | undefined;
    let failure: unknown;
    try {
      const denial = this.deps.authorize?.({ caller: key.caller, accountUid: key.accountUid, region: this.region, operation: this.operation, bucket: this.bucket, key: this.key });
      if (denial !== undefined) throw denial;
      response = this.handle(body);
    } catch (err) {
      failure = err;
    }
    if (MUTATING.has(this.operation) && failure === undefined) this.deps.changed();
    if (outcome.kind === 'drop') return this.drop('Emulator.DroppedAfterApply');
    if (failure !== undefined || response === undefined) return this.fail(failure);
    this.send(response, null);
  }

  // ---- parsing -------------------------------------------------------------------------------

  private route(): void {
    const host = (this.req.headers.host ?? '').toLowerCase();
    const vhost = VHOST_RE.exec(host);
    let path: string;
    try {
      path = decodeURIComponent(this.rawPath);
    } catch {
      throw new OssError('InvalidURI', `Couldn't parse the specified URI: ${this.rawPath}.`, 400);
    }
    if (vhost) {
      this.bucket = vhost[1] ?? '';
      this.key = path.replace(/^\//, '');
    } else {
      const rest = path.replace(/^\//, '');
      const slash = rest.indexOf('/');
      this.bucket = slash < 0 ? rest : rest.slice(0, slash);
      this.key = slash < 0 ? '' : rest.slice(slash + 1);
    }
    if (this.bucket !== '') this.hostId = `${this.bucket}.oss-${this.region}.aliyuncs.com`;
    this.operation = this.operationOf();
  }

  private has(name: string): boolean {
    return this.q.has(name);
  }

  private operationOf(): OssOperation {
    const m = this.method;
    if (this.bucket === '') return 'Unsupported';
    if (this.key === '') {
      if (m === 'PUT' && this.query.length === 0) return 'PutBucket';
      if (m === 'DELETE' && this.query.length === 0) return 'DeleteBucket';
      if (m === 'GET' && this.has('bucketInfo')) return 'GetBucketInfo';
      if (m === 'POST' && this.has('delete')) return 'DeleteMultipleObjects';
      if (m === 'GET' && this.q.get('list-type') === '2') return 'ListObjectsV2';
      if (m === 'GET' && !this.query.some(([k]) => !['prefix', 'marker', 'max-keys', 'delimiter', 'encoding-type'].includes(k))) return 'ListObjects';
      return 'Unsupported';
    }
    const sub = this.query.filter(([k]) => !k.startsWith('response-'));
    if (m === 'PUT' && sub.length === 0) return 'PutObject';
    if (m === 'POST' && this.has('append')) return 'AppendObject';
    if (m === 'GET' && sub.length === 0) return 'GetObject';
    if (m === 'HEAD' && this.has('objectMeta')) return 'GetObjectMeta';
    if (m === 'HEAD' && sub.length === 0) return 'HeadObject';
    if (m === 'DELETE' && sub.length === 0) return 'DeleteObject';
    return 'Unsupported';
  }

  private readBody(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      this.req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OBJECT_BYTES) tooLarge = true;
        else chunks.push(chunk);
      });
      this.req.on('end', () => (tooLarge ? reject(ossErrors.entityTooLarge(MAX_OBJECT_BYTES)) : resolve(Buffer.concat(chunks))));
      this.req.on('error', reject);
    });
  }

  private header(name: string): string | undefined {
    const v = this.req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  }

  // ---- authentication ------------------------------------------------------------------------

  private authenticate(body: Buffer): KeyMatch {
    const authorization = this.header('authorization');
    if (authorization === undefined) throw ossErrors.accessDenied('AccessDenied: anonymous access is not allowed to this bucket (the emulated buckets are private).', '0003-00000001');
    const auth = parseOssAuthorization(authorization);
    if (auth === undefined) throw ossErrors.malformedAuthorization('neither "OSS <id>:<signature>" nor OSS4-HMAC-SHA256');
    const date = this.header('x-oss-date') ?? this.header('date');
    if (date === undefined) throw ossErrors.missingDate();
    const t = parseOssDate(date);
    if (Number.isNaN(t)) throw ossErrors.missingDate();
    const wall = this.deps.wallNow();
    if (Math.abs(wall - t) > 15 * 60 * 1000) throw ossErrors.timeTooSkewed(date, new Date(wall).toUTCString());
    let key: KeyMatch;
    try {
      key = this.deps.lookupKey(auth.accessKeyId);
    } catch (err) {
      if (err instanceof ApiError) throw ossErrors.invalidAccessKeyId(auth.accessKeyId);
      throw err;
    }
    this.verify(auth, key.secret);
    const md5 = this.header('content-md5');
    if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) throw ossErrors.invalidDigest();
    if (key.securityToken !== undefined) {
      const token = this.header('x-oss-security-token') ?? this.q.get('security-token') ?? '';
      if (token === '' || !sameSignature(token, key.securityToken)) throw ossErrors.invalidSecurityToken();
      if (key.expiresAt !== undefined && this.deps.now() >= key.expiresAt) throw ossErrors.securityTokenExpired();
    }
    return key;
  }

  private verify(auth: OssAuthorization, secret: string): void {
    const signed: OssSignedRequest = { method: this.method, bucket: this.bucket, key: this.key, query: this.query, headers: this.req.headers as IncomingHeaders };
    if (auth.version === 'v1') {
      const candidates = v1StringsToSign(signed);
      if (candidates.some((s) => sameSignature(v1Signature(s, secret), auth.signature))) return;
      throw ossErrors.signatureMismatch(auth.accessKeyId, candidates[0] ?? '', auth.signature);
    }
    const timestamp = this.header('x-oss-date') ?? '';
    if (auth.region !== this.region) throw ossErrors.malformedAuthorization(`the credential scope names region ${auth.region}, but this endpoint is ${this.region}`);
    if (!timestamp.startsWith(auth.date)) throw ossErrors.malformedAuthorization('the credential scope date is not the date of x-oss-date');
    let first = '';
    for (const canonical of v4CanonicalRequests(signed, auth.additionalHeaders)) {
      const { stringToSign, signature } = v4Signature(canonical, secret, timestamp, auth.date, auth.region, auth.product);
      if (sameSignature(signature, auth.signature.toLowerCase())) return;
      if (first === '') first = stringToSign;
    }
    throw ossErrors.signatureMismatch(auth.accessKeyId, first, auth.signature);
  }

  // ---- operations ----------------------------------------------------------------------------

  private handle(body: Buffer): Response {
    const st = ossState(this.deps.state());
    const now = this.deps.now();
    if (this.operation === 'Unsupported') {
      if (this.bucket === '') throw ossErrors.notImplemented('service-level requests (ListBuckets) are not served');
      throw ossErrors.notImplemented(`${this.method} ${this.key === '' ? 'bucket' : 'object'} with ?${this.query.map(([k]) => k).join('&')} is not served by the emulator`);
    }
    if (this.operation === 'PutBucket') {
      const storageClass = /<StorageClass>([^<]+)<\/StorageClass>/.exec(body.toString('utf8'))?.[1];
      const acl = this.header('x-oss-acl');
      if (acl !== undefined && acl !== 'private' && acl !== 'public-read' && acl !== 'public-read-write') throw ossErrors.invalidArgument('x-oss-acl', acl, 'The ACL you provided is not valid.');
      createBucket(st, { name: this.bucket, ownerUid: this.accountUid, region: this.region, now, ...(acl !== undefined ? { acl } : {}), ...(storageClass !== undefined ? { storageClass } : {}) });
      return { status: 200, headers: { location: `/${this.bucket}` } };
    }
    const b = this.ownBucket(st.buckets[this.bucket]);
    switch (this.operation) {
      case 'DeleteBucket':
        if (Object.keys(b.objects).length > 0) throw ossErrors.bucketNotEmpty(b.name);
        delete st.buckets[b.name];
        return { status: 204, headers: {} };
      case 'GetBucketInfo':
        return xml(bucketInfoXml(b));
      case 'ListObjects':
      case 'ListObjectsV2':
        return xml(this.list(b));
      case 'PutObject':
        return this.put(b, body, now);
      case 'AppendObject':
        return this.append(b, body, now);
      case 'GetObject':
      case 'HeadObject':
        return this.get(b);
      case 'GetObjectMeta': {
        const o = this.object(b);
        return { status: 200, headers: { etag: `"${o.etag}"`, 'last-modified': new Date(o.lastModified).toUTCString(), 'x-oss-last-access-time': new Date(o.lastModified).toUTCString(), 'content-length': String(o.size) } };
      }
      case 'DeleteObject':
        checkKey(this.key);
        delete b.objects[this.key];
        return { status: 204, headers: {} };
      case 'DeleteMultipleObjects':
        return this.deleteMany(b, body);
    }
  }

  /** The bucket, if it exists, is in this region and belongs to the caller's account. */
  private ownBucket(b: OssBucketRecord | undefined): OssBucketRecord {
    if (b === undefined) throw ossErrors.noSuchBucket(this.bucket);
    if (b.ownerUid !== this.accountUid) throw ossErrors.accessDenied('You have no right to access this object because of bucket acl.', '0003-00000001');
    if (b.region !== this.region) throw ossErrors.wrongEndpoint(b.name, b.region);
    return b;
  }

  private object(b: OssBucketRecord): OssObjectRecord {
    checkKey(this.key);
    const o = b.objects[this.key];
    if (o === undefined) throw ossErrors.noSuchKey(this.key);
    return o;
  }

  private refuseConditionalWrite(): void {
    for (const h of ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']) {
      if (this.header(h) !== undefined) throw ossErrors.notImplemented(`${h} on a write (use x-oss-forbid-overwrite: true to create only; see the emulator's OSS SPEC)`);
    }
  }

  private put(b: OssBucketRecord, body: Buffer, now: EpochMs): Response {
    checkKey(this.key);
    if (this.header('x-oss-copy-source') !== undefined) throw ossErrors.notImplemented('CopyObject (x-oss-copy-source)');
    this.refuseConditionalWrite();
    if ((this.header('x-oss-forbid-overwrite') ?? '').toLowerCase() === 'true' && b.objects[this.key] !== undefined) throw ossErrors.fileAlreadyExists(this.key);
    const o = this.store(b, body, 'Normal', now);
    return { status: 200, headers: { etag: `"${o.etag}"`, 'content-md5': createHash('md5').update(body).digest('base64') } };
  }

  private append(b: OssBucketRecord, body: Buffer, now: EpochMs): Response {
    checkKey(this.key);
    this.refuseConditionalWrite();
    const raw = this.q.get('position') ?? '';
    if (!/^\d+$/.test(raw)) throw ossErrors.invalidArgument('position', raw, 'The position of the append must be a non-negative integer.');
    const position = Number(raw);
    const existing = b.objects[this.key];
    if (existing !== undefined && existing.type !== 'Appendable') throw ossErrors.objectNotAppendable(this.key);
    const length = existing?.size ?? 0;
    if (position !== length) throw ossErrors.positionNotEqualToLength(length);
    const bytes = existing === undefined ? body : Buffer.concat([Buffer.from(existing.data, 'base64'), body]);
    if (bytes.length > MAX_OBJECT_BYTES) throw ossErrors.entityTooLarge(MAX_OBJECT_BYTES);
    const o = this.store(b, bytes, 'Appendable', now, existing);
    return { status: 200, headers: { etag: `"${o.etag}"`, 'x-oss-next-append-position': String(o.size) } };
  }

  private store(b: OssBucketRecord, bytes: Buffer, type: OssObjectRecord['type'], now: EpochMs, keep?: OssObjectRecord): OssObjectRecord {
    const meta: Record<string, string> = keep?.meta ?? {};
    if (keep === undefined) {
      for (const [h, v] of Object.entries(this.req.headers)) {
        if (h.startsWith('x-oss-meta-') && v !== undefined) meta[h.slice('x-oss-meta-'.length)] = Array.isArray(v) ? v.join(',') : v;
      }
    }
    const o: OssObjectRecord = {
      key: this.key,
      data: bytes.toString('base64'),
      size: bytes.length,
      etag: md5Hex(bytes),
      contentType: keep?.contentType ?? this.header('content-type') ?? 'application/octet-stream',
      type,
      lastModified: now,
      meta,
    };
    b.objects[this.key] = o;
    return o;
  }

  private get(b: OssBucketRecord): Response {
    const o = this.object(b);
    const headers: Record<string, string> = {
      etag: `"${o.etag}"`,
      'last-modified': new Date(o.lastModified).toUTCString(),
      'content-type': o.contentType,
      'x-oss-object-type': o.type,
      'x-oss-storage-class': 'Standard',
      'accept-ranges': 'bytes',
    };
    if (o.type === 'Appendable') headers['x-oss-next-append-position'] = String(o.size);
    for (const [k, v] of Object.entries(o.meta)) headers[`x-oss-meta-${k}`] = v;
    const cond = this.conditions(o);
    if (cond !== undefined) return { status: cond, headers: { etag: headers['etag'] as string, 'last-modified': headers['last-modified'] as string } };
    let bytes = Buffer.from(o.data, 'base64');
    let status = 200;
    const range = /^bytes=(\d*)-(\d*)$/.exec(this.header('range') ?? '');
    if (range && (range[1] !== '' || range[2] !== '') && bytes.length > 0) {
      const start = range[1] === '' ? Math.max(0, bytes.length - Number(range[2])) : Number(range[1]);
      const end = range[1] === '' || range[2] === '' ? bytes.length - 1 : Math.min(Number(range[2]), bytes.length - 1);
      if (start <= end && start < bytes.length) {
        headers['content-range'] = `bytes ${start}-${end}/${bytes.length}`;
        bytes = bytes.subarray(start, end + 1);
        status = 206;
      }
    }
    for (const [k, v] of this.query) if (k.startsWith('response-')) headers[k.slice('response-'.length)] = v;
    return this.operation === 'HeadObject' ? { status, headers, length: bytes.length } : { status, headers, body: bytes };
  }

  /** 412 or 304 when a GET/HEAD precondition says so (If-Match, If-Unmodified-Since, then If-None-Match, If-Modified-Since). */
  private conditions(o: OssObjectRecord): number | undefined {
    const etag = `"${o.etag}"`;
    const matches = (list: string): boolean => list.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag || t.trim() === o.etag);
    const seconds = Math.floor(o.lastModified / 1000) * 1000;
    const ifMatch = this.header('if-match');
    if (ifMatch !== undefined && !matches(ifMatch)) throw ossErrors.preconditionFailed('If-Match');
    const ifUnmodified = this.header('if-unmodified-since');
    if (ifUnmodified !== undefined && !Number.isNaN(Date.parse(ifUnmodified)) && seconds > Date.parse(ifUnmodified)) throw ossErrors.preconditionFailed('If-Unmodified-Since');
    const ifNone = this.header('if-none-match');
    if (ifNone !== undefined) return matches(ifNone) ? 304 : undefined;
    const ifModified = this.header('if-modified-since');
    if (ifModified !== undefined && !Number.isNaN(Date.parse(ifModified)) && seconds <= Date.parse(ifModified)) return 304;
    return undefined;
  }

  private list(b: OssBucketRecord): string {
    const v2 = this.operation === 'ListObjectsV2';
    const prefix = this.q.get('prefix') ?? '';
    const delimiter = this.q.get('delimiter') ?? '';
    const rawMax = this.q.get('max-keys') ?? '100';
    if (!/^\d+$/.test(rawMax) || Number(rawMax) < 1 || Number(rawMax) > 1000) throw ossErrors.invalidArgument('max-keys', rawMax, 'Argument max-keys must be an integer between 1 and 1000.');
    const max = Number(rawMax);
    const encoding = this.q.get('encoding-type');
    if (encoding !== null && encoding !== 'url') throw ossErrors.invalidArgument('encoding-type', encoding, 'The encoding type must be url.');
    const enc = (s: string): string => escapeXml(encoding === 'url' ? encodeURIComponent(s) : s);
    let after = '';
    const token = this.q.get('continuation-token');
    if (v2 && token !== null) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (token === '' || Buffer.from(decoded, 'utf8').toString('base64url') !== token) throw ossErrors.invalidArgument('continuation-token', token, 'The continuation token provided is incorrect.');
      after = decoded;
    } else if (v2) {
      after = this.q.get('start-after') ?? '';
    } else {
      after = this.q.get('marker') ?? '';
    }
    const page = listPage(b, { prefix, delimiter, after, max });
    const fetchOwner = !v2 || this.q.get('fetch-owner') === 'true';
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<ListBucketResult>', `<Name>${escapeXml(b.name)}</Name>`, `<Prefix>${enc(prefix)}</Prefix>`];
    if (v2) {
      if (token !== null) lines.push(`<ContinuationToken>${escapeXml(token)}</ContinuationToken>`);
      const startAfter = this.q.get('start-after');
      if (startAfter !== null) lines.push(`<StartAfter>${enc(startAfter)}</StartAfter>`);
    } else {
      lines.push(`<Marker>${enc(after)}</Marker>`);
    }
    lines.push(`<MaxKeys>${max}</MaxKeys>`, `<Delimiter>${enc(delimiter)}</Delimiter>`);
    if (encoding !== null) lines.push('<EncodingType>url</EncodingType>');
    lines.push(`<IsTruncated>${page.truncated}</IsTruncated>`);
    if (page.truncated && page.next !== undefined) {
      lines.push(v2 ? `<NextContinuationToken>${Buffer.from(page.next, 'utf8').toString('base64url')}</NextContinuationToken>` : `<NextMarker>${enc(page.next)}</NextMarker>`);
    }
    if (v2) lines.push(`<KeyCount>${page.objects.length + page.prefixes.length}</KeyCount>`);
    for (const o of page.objects) {
      lines.push(
        '<Contents>',
        `<Key>${enc(o.key)}</Key>`,
        `<LastModified>${new Date(o.lastModified).toISOString()}</LastModified>`,
        `<ETag>"${o.etag}"</ETag>`,
        `<Type>${o.type}</Type>`,
        `<Size>${o.size}</Size>`,
        '<StorageClass>Standard</StorageClass>',
        ...(fetchOwner ? [`<Owner><ID>${b.ownerUid}</ID><DisplayName>${b.ownerUid}</DisplayName></Owner>`] : []),
        '</Contents>',
      );
    }
    for (const p of page.prefixes) lines.push(`<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`);
    lines.push('</ListBucketResult>');
    return lines.join('\n');
  }

  private deleteMany(b: OssBucketRecord, body: Buffer): Response {
    const text = body.toString('utf8');
    if (!/<Delete>/.test(text)) throw new OssError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.', 400);
    const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(text);
    const keys = [...text.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => unescapeXml(m[1] ?? ''));
    if (keys.length > 1000) throw new OssError('MalformedXML', 'At most 1000 objects can be deleted at once.', 400);
    for (const k of keys) {
      checkKey(k);
      delete b.objects[k];
    }
    const encoding = this.q.get('encoding-type');
    const enc = (s: string): string => escapeXml(encoding === 'url' ? encodeURIComponent(s) : s);
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<DeleteResult>'];
    if (encoding === 'url') lines.push('<EncodingType>url</EncodingType>');
    if (!quiet) for (const k of keys) lines.push(`<Deleted><Key>${enc(k)}</Key></Deleted>`);
    lines.push('</DeleteResult>');
    return xml(lines.join('\n'));
  }

  // ---- answers -------------------------------------------------------------------------------

  private fail(err: unknown): void {
    let e: OssError;
    if (err instanceof OssError) e = err;
    else {
      this.deps.log(`emulator oss: ${this.operation} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
      e = ossErrors.internal();
    }
    const text = errorXml(e, this.requestId, this.hostId);
    const headers: Record<string, string> = { 'content-type': 'application/xml', ...e.headers };
    if (e.ec !== undefined) headers['x-oss-ec'] = e.ec;
    if (this.method === 'HEAD') {
      headers['x-oss-err'] = Buffer.from(text, 'utf8').toString('base64');
      this.send({ status: e.status, headers }, e.code);
    } else {
      this.send({ status: e.status, headers, body: text }, e.code);
    }
  }

  private drop(code: string): void {
    this.log(0, code);
    this.req.socket.destroy();
  }

  private log(status: number, code: string | null): void {
    this.deps.calls.append({ product: 'oss', action: this.operation, accountUid: this.accountUid, region: this.region, mutating: MUTATING.has(this.operation), status, code });
  }

  private send(r: Response, code: string | null): void {
    const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
    const headers: Record<string, string> = {
      server: 'AliyunOSS',
      // The emulated clock, like Last-Modified: a client comparing the two (a lock's age) sees one clock.
      date: new Date(this.deps.now()).toUTCString(),
      'x-oss-request-id': this.requestId,
      ...r.headers,
    };
    if (body !== undefined) headers['content-length'] = String(body.length);
    else if (r.length !== undefined) headers['content-length'] = String(r.length);
    else if (headers['content-length'] === undefined) headers['content-length'] = '0';
    this.log(r.status, code);
    this.res.writeHead(r.status, headers);
    this.res.end(body);
  }
}

function xml(text: string): Response {
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: text };
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function bucketInfoXml(b: OssBucketRecord): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<BucketInfo>',
    '<Bucket>',
    `<CreationDate>${new Date(b.createdAt).toISOString()}</CreationDate>`,
    `<ExtranetEndpoint>oss-${b.region}.aliyuncs.com</ExtranetEndpoint>`,
    `<IntranetEndpoint>oss-${b.region}-internal.aliyuncs.com</IntranetEndpoint>`,
    `<Location>oss-${b.region}</Location>`,
    `<Name>${escapeXml(b.name)}</Name>`,
    `<StorageClass>${escapeXml(b.storageClass)}</StorageClass>`,
    '<DataRedundancyType>LRS</DataRedundancyType>',
    '<Versioning>Disabled</Versioning>',
    `<Owner><DisplayName>${b.ownerUid}</DisplayName><ID>${b.ownerUid}</ID></Owner>`,
    `<AccessControlList><Grant>${b.acl}</Grant></AccessControlList>`,
    '</Bucket>',
    '</BucketInfo>',
  ].join('\n');
}
