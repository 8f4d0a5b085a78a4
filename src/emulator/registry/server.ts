/**
 * The emulated registries' data plane: the OCI Distribution API (Docker Registry HTTP API V2) with
 * Bearer token authentication, one loopback port per registry (an EE instance, or a region's
 * Personal Edition registry), opened on demand like the region ports.
 *
 * Why a port per registry: an unmodified docker/OCI client only controls `host:port/name`; with a
 * port per registry the repository path stays exactly `<namespace>/<repository>` as on the real
 * hosts, and no client needs a proxy, a hosts entry or a path prefix (docs/emulator.md).
 *
 * Owns: routing, the token endpoint (`/auth`, the challenge's realm on the same port), scope
 * enforcement, uploads, manifests, tag paging. Must not import the server core; reaches the state
 * through the context the core passes in and asks the core to save after each change.
 *
 * Faults: every request is one operation (`GetBlob`, `PutManifest`, … : REGISTRY_OPERATIONS in
 * core/faults.ts) and draws one number from the seeded stream of `registry:<operation>` before it is
 * handled; refusals are distribution errors (429 `TOOMANYREQUESTS` with `Retry-After`, 503, 500,
 * `DENIED`), sent after the request body is drained so keep-alive connections stay usable; a drop
 * before destroys the connection unanswered, a drop after lets the handler commit and destroys the
 * connection instead of answering. Every request is written to the call log (product `registry`)
 * once its answer is done, which costs one entry per request and nothing per byte.
 *
 * Invariants: a manifest is stored byte for byte under the sha256 of its bytes; a repository serves
 * only the blobs and manifests linked into it; every response carries
 * `Docker-Distribution-Api-Version: registry/2.0`; credentials and tokens are never logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import type { CallLog } from '../core/calllog.js';
import type { AdminContext } from '../core/contract.js';
import type { FaultInjector, RegistryOperation } from '../core/faults.js';
import { crState } from '../services/cr/models.js';
import { artifactsOf, checkReferences, DIGEST_FULL_RE, imageSize, manifestOf, ManifestProblem, parseManifest, type ManifestMeta } from './artifacts.js';
import { eeBackend, NAME_RE, peBackend, registryKey, RegistryError, type Backend, type RegistryTarget, type RepoHandle } from './backends.js';
import type { BlobStore } from './blobstore.js';
import { grants, parseScopes, TokenSigner, type Claims, type RegistryAction } from './tokens.js';

/** What the registries need from the emulator core. */
export interface RegistryDeps {
  /** A fresh model context (the current state, clock, ids). */
  context(): AdminContext;
  /** Schedules a save of the JSON state after a change. */
  changed(): void;
  readonly blobs: BlobStore;
  /** The emulator's fault injector: registry requests are its product `registry`. */
  readonly faults: Pick<FaultInjector, 'decide' | 'admit' | 'retryAfter'>;
  /** The emulator's call log. */
  readonly calls: Pick<CallLog, 'append'>;
  /** A monotonic clock in ms, for the rate limit's token bucket. */
  monotonicNow(): number;
  /** How fault latency waits. */
  sleep(ms: number): Promise<void>;
  wallNow(): number;
  log(line: string): void;
}

const API_HEADER = { 'docker-distribution-api-version': 'registry/2.0' } as const;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const TOKEN_TTL_SECONDS = 3600;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Default and largest `n` of a tag list page. */
const TAG_PAGE_DEFAULT = 100;
const TAG_PAGE_MAX = 1000;

interface Open {
  readonly server: Server;
  readonly port: number;
  readonly backend: Backend;
}

/** What the call log says of a registry: its key and its region. */
interface Where {
  readonly key: string;
  readonly region: string;
}

/** Every registry port of one emulator. */
export class Registries {
  private readonly open = new Map<string, Open>();
  private readonly opening = new Map<string, Promise<Open>>();
  private readonly signer: TokenSigner;
  private closed = false;

  constructor(private readonly deps: RegistryDeps) {
    this.signer = new TokenSigner(deps.wallNow);
  }

  /** `127.0.0.1:PORT` of a registry, opening its port on first use. The target must be valid. */
  async address(target: RegistryTarget): Promise<string> {
    return `127.0.0.1:${(await this.ensure(target)).port}`;
  }

  /** Registry key → port of every registry port opened so far. */
  ports(): Record<string, number> {
    return Object.fromEntries([...this.open].map(([k, o]) => [k, o.port]));
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
    await this.deps.blobs.close();
  }

  private ensure(target: RegistryTarget): Promise<Open> {
    const key = registryKey(target);
    const existing = this.open.get(key);
    if (existing !== undefined) return Promise.resolve(existing);
    if (this.closed) return Promise.reject(new Error('the emulator is closing'));
    let pending = this.opening.get(key);
    if (pending === undefined) {
      const ctx = (): AdminContext => this.deps.context();
      const backend = target.kind === 'ee' ? eeBackend(ctx, target.instanceId, target.network) : peBackend(ctx, target.region, target.network);
      // An instance never changes region; an unknown one (never served: ensure() is only reached
      // for valid targets) logs an empty region.
      const where: Where = { key, region: target.kind === 'pe' ? target.region : (crState(ctx()).instances[target.instanceId]?.region ?? '') };
      const server = createServer((req, res) => {
        const port = (server.address() as AddressInfo).port;
        const handler = new RequestHandler(this.deps, this.signer, backend, where, port, req, res);
        handler.run().catch((err: unknown) => {
          this.deps.log(`emulator registry ${key}: unexpected failure: ${(err as Error).message}`);
          handler.crashed();
        });
      });
      server.keepAliveTimeout = 10_000;
      pending = new Promise<Open>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          server.off('error', reject);
          const o: Open = { server, port: (server.address() as AddressInfo).port, backend };
          this.open.set(key, o);
          this.opening.delete(key);
          resolve(o);
        });
      });
      this.opening.set(key, pending);
    }
    return pending;
  }
}

/** Reads a whole (small) body; RegistryError when it exceeds `limit`. */
async function readSmall(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new RegistryError(413, 'SIZE_INVALID', `the manifest exceeds ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

type Route =
  | { kind: 'base' }
  | { kind: 'auth' }
  | { kind: 'manifest'; ns: string; repo: string; ref: string }
  | { kind: 'blob'; ns: string; repo: string; digest: string }
  | { kind: 'uploads'; ns: string; repo: string }
  | { kind: 'upload'; ns: string; repo: string; uuid: string }
  | { kind: 'tags'; ns: string; repo: string };

const REPO_PATH = /^\/v2\/([^/]+)\/([^/]+)\/(manifests\/([^/]+)|blobs\/uploads\/?([^/]*)|blobs\/([^/]+)|tags\/list)$/;

/** Operations that change the registry (the call log's `mutating`). */
const MUTATING: ReadonlySet<RegistryOperation> = new Set(['PutManifest', 'DeleteManifest', 'StartUpload', 'MountBlob', 'PatchUpload', 'PutUpload', 'DeleteUpload']);

/** The operation of a request: its fault key (`registry:<operation>`) and call-log action. */
function operationOf(r: Route | RegistryError, method: string, query: URLSearchParams): RegistryOperation {
  if (r instanceof RegistryError) return 'Unsupported';
  const read = method === 'GET' || method === 'HEAD';
  switch (r.kind) {
    case 'base':
      return read ? 'Ping' : 'Unsupported';
    case 'auth':
      return method === 'GET' || method === 'POST' ? 'GetToken' : 'Unsupported';
    case 'manifest':
      if (read) return method === 'HEAD' ? 'HeadManifest' : 'GetManifest';
      return method === 'PUT' ? 'PutManifest' : method === 'DELETE' ? 'DeleteManifest' : 'Unsupported';
    case 'blob':
      return !read ? 'Unsupported' : method === 'HEAD' ? 'HeadBlob' : 'GetBlob';
    case 'uploads':
      return method !== 'POST' ? 'Unsupported' : query.has('mount') ? 'MountBlob' : 'StartUpload';
    case 'upload':
      if (read) return 'GetUpload';
      return method === 'PATCH' ? 'PatchUpload' : method === 'PUT' ? 'PutUpload' : method === 'DELETE' ? 'DeleteUpload' : 'Unsupported';
    case 'tags':
      return read ? 'ListTags' : 'Unsupported';
    default: {
      const never: never = r;
      throw new Error(`unhandled route ${JSON.stringify(never)}`);
    }
  }
}

/** The route of a path; a RegistryError (never a throw) for a path no route serves. */
function route(path: string): Route | RegistryError {
  try {
    return routeOf(path);
  } catch (e) {
    if (e instanceof URIError) return new RegistryError(400, 'NAME_INVALID', 'the path has a malformed percent-encoding');
    throw e;
  }
}

function routeOf(path: string): Route | RegistryError {
  if (path === '/v2' || path === '/v2/') return { kind: 'base' };
  if (path === '/auth') return { kind: 'auth' };
  const m = REPO_PATH.exec(path);
  if (m === null) {
    if (path.startsWith('/v2/')) return new RegistryError(404, 'NAME_INVALID', 'repository names are exactly <namespace>/<repository> (two levels)');
    return new RegistryError(404, 'UNSUPPORTED', `no route ${path}`);
  }
  const ns = decodeURIComponent(m[1] as string);
  const repo = decodeURIComponent(m[2] as string);
  if (!NAME_RE.test(`${ns}/${repo}`)) return new RegistryError(400, 'NAME_INVALID', `invalid repository name ${ns}/${repo}`);
  if (m[4] !== undefined) return { kind: 'manifest', ns, repo, ref: decodeURIComponent(m[4]) };
  if (m[3]?.startsWith('blobs/uploads')) return m[5] === undefined || m[5] === '' ? { kind: 'uploads', ns, repo } : { kind: 'upload', ns, repo, uuid: m[5] };
  if (m[6] !== undefined) return { kind: 'blob', ns, repo, digest: decodeURIComponent(m[6]) };
  return { kind: 'tags', ns, repo };
}

/** What the call log will say of a request, filled in as it is understood. */
interface Note {
  accountUid: string;
  /** The error code answered, or the drop. */
  code: string | undefined;
  dropped: boolean;
}

class RequestHandler {
  private readonly method: string;
  private readonly head: boolean;
  private readonly url: URL;
  private readonly route: Route | RegistryError;
  private readonly operation: RegistryOperation;
  private readonly note: Note = { accountUid: '', code: undefined, dropped: false };
  /** A drop-after fault: the handler runs, then the connection is destroyed instead of answered. */
  private dropAfter = false;

  constructor(
    private readonly deps: RegistryDeps,
    private readonly signer: TokenSigner,
    private readonly backend: Backend,
    private readonly where: Where,
    private readonly port: number,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.method = req.method ?? 'GET';
    this.head = this.method === 'HEAD';
    this.url = new URL(req.url ?? '/', 'http://registry.invalid');
    this.route = route(this.url.pathname);
    this.operation = operationOf(this.route, this.method, this.url.searchParams);
  }

  async run(): Promise<void> {
    this.res.once('close', () => this.record());
    const decision = this.deps.faults.decide('registry', this.operation);
    if (decision.latencyMs > 0) await this.deps.sleep(decision.latencyMs);
    if (!this.deps.faults.admit('registry', this.deps.monotonicNow())) {
      const retryAfter = String(this.deps.faults.retryAfter('registry', this.operation));
      return this.refuse(new RegistryError(429, 'TOOMANYREQUESTS', 'too many requests: the registry rate limit (rateLimits.registry) is exceeded', undefined, { 'retry-after': retryAfter }));
    }
    const outcome = decision.outcome;
    switch (outcome.kind) {
      case 'none':
        break;
      case 'drop':
        if (outcome.phase === 'before') return this.drop('Emulator.DroppedBeforeApply');
        this.dropAfter = true;
        break;
      case 'throttle':
        return this.refuse(new RegistryError(429, 'TOOMANYREQUESTS', 'too many requests (injected fault)', undefined, { 'retry-after': String(outcome.retryAfter) }));
      case 'unavailable':
        return this.refuse(new RegistryError(503, 'UNAVAILABLE', 'the registry is temporarily unavailable (injected fault)'));
      case 'internal':
        return this.refuse(new RegistryError(500, 'UNKNOWN', 'internal registry error (injected fault)'));
      case 'error':
        return this.refuse(new RegistryError(outcome.status, outcome.code, `the request was refused (injected fault ${outcome.code})`));
      default: {
        const never: never = outcome;
        throw new Error(`unhandled fault ${JSON.stringify(never)}`);
      }
    }
    try {
      await this.dispatch();
    } catch (e) {
      if (e instanceof RegistryError) return this.refuse(e);
      if (e instanceof ManifestProblem) return this.fail(new RegistryError(400, e.code, e.message, e.detail));
      throw e;
    }
  }

  /** After an unexpected failure: a 500 when nothing was answered yet, else the connection goes. */
  crashed(): void {
    if (this.res.destroyed) return;
    if (!this.res.headersSent) this.fail(new RegistryError(500, 'UNKNOWN', 'internal emulator failure'));
    else this.res.destroy();
  }

  // ---- answers -----------------------------------------------------------------------------

  /** Answers an error after draining an unread request body (a refused upload), so keep-alive connections survive. */
  private async refuse(e: RegistryError): Promise<void> {
    if (!this.req.readableEnded) await drain(this.req).catch(() => undefined);
    this.fail(e);
  }

  /** Destroys the connection without an answer. */
  private drop(code: 'Emulator.DroppedBeforeApply' | 'Emulator.DroppedAfterApply'): void {
    this.note.code = code;
    this.note.dropped = true;
    this.req.socket.destroy();
  }

  /** Starts the answer; false when a drop-after fault destroyed the connection instead. */
  private begin(status: number, headers: Record<string, string>): boolean {
    if (this.dropAfter) {
      this.drop('Emulator.DroppedAfterApply');
      return false;
    }
    this.res.writeHead(status, { ...API_HEADER, ...headers });
    return true;
  }

  private json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    if (!this.begin(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers })) return;
    this.res.end(this.head ? undefined : text);
  }

  private fail(e: RegistryError): void {
    this.note.code = e.code;
    const error: Record<string, unknown> = { code: e.code, message: e.message };
    if (e.detail !== undefined) error['detail'] = e.detail;
    this.json(e.status, { errors: [error] }, { ...e.headers });
  }

  private empty(status: number, headers: Record<string, string>): void {
    if (!this.begin(status, { 'content-length': '0', ...headers })) return;
    this.res.end();
  }

  /** Writes the call-log entry once the answer is done (or the connection gone). */
  private record(): void {
    const n = this.note;
    const sent = this.res.headersSent ? this.res.statusCode : 0;
    let status = sent;
    let code: string | null = n.code ?? null;
    if (n.dropped) status = 0;
    else if (!this.res.writableFinished) {
      code = 'Emulator.ConnectionClosed';
    }
    const repository = this.route instanceof RegistryError || this.route.kind === 'base' || this.route.kind === 'auth' ? undefined : `${this.route.ns}/${this.route.repo}`;
    this.deps.calls.append({
      product: 'registry',
      action: this.operation,
      accountUid: n.accountUid,
      region: this.where.region,
      registry: this.where.key,
      ...(repository !== undefined ? { repository } : {}),
      mutating: MUTATING.has(this.operation),
      status,
      code,
    });
  }

  private realm(): string {
    return `http://127.0.0.1:${this.port}/auth`;
  }

  private challenge(scope: string | undefined, insufficient: boolean): RegistryError {
    let value = `Bearer realm="${this.realm()}",service="${this.backend.service}"`;
    if (scope !== undefined) value += `,scope="${scope}"`;
    if (insufficient) value += ',error="insufficient_scope"';
    const [name, actions] = scope === undefined ? [undefined, undefined] : [scope.split(':')[1], scope.split(':')[2]];
    const detail = name === undefined ? undefined : (actions ?? '').split(',').map((a) => ({ Type: 'repository', Name: name, Action: a }));
    return new RegistryError(401, 'UNAUTHORIZED', insufficient ? 'insufficient scope: the token does not grant this access' : 'authentication required', detail, { 'www-authenticate': value });
  }

  /** The claims of the request's bearer token; a 401 challenge when there is none or it is invalid. */
  private claims(scope: string | undefined): Claims {
    const auth = this.req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const claims = m === null ? undefined : this.signer.verify(m[1] as string, this.backend.key);
    if (claims === undefined) throw this.challenge(scope, false);
    this.note.accountUid = claims.sub;
    return claims;
  }

  /** Requires `action` on `name` (push implies the pull,push scope clients ask for). */
  private require(name: string, action: RegistryAction): Claims {
    const scope = `repository:${name}:${action === 'push' ? 'pull,push' : 'pull'}`;
    const claims = this.claims(scope);
    if (!grants(claims, name, action)) throw this.challenge(scope, true);
    return claims;
  }

  private available(): void {
    const why = this.backend.unavailable();
    if (why !== undefined) throw new RegistryError(503, 'UNAVAILABLE', why);
  }

  private async dispatch(): Promise<void> {
    const r = this.route;
    if (r instanceof RegistryError) throw r;
    switch (r.kind) {
      case 'auth':
        return this.token();
      case 'base':
        this.available();
        if (this.method !== 'GET' && !this.head) throw new RegistryError(405, 'UNSUPPORTED', 'use GET /v2/');
        this.claims(undefined);
        return this.json(200, {});
      case 'manifest':
        this.available();
        if (this.method === 'GET' || this.head) return this.getManifest(r.ns, r.repo, r.ref);
        if (this.method === 'PUT') return this.putManifest(r.ns, r.repo, r.ref);
        if (this.method === 'DELETE') return this.deleteManifest(r.ns, r.repo, r.ref);
        throw new RegistryError(405, 'UNSUPPORTED', `${this.method} is not supported on manifests`);
      case 'blob':
        this.available();
        if (this.method === 'GET' || this.head) return this.getBlob(r.ns, r.repo, r.digest);
        throw new RegistryError(405, 'UNSUPPORTED', `${this.method} is not supported on blobs`);
      case 'uploads':
        this.available();
        if (this.method === 'POST') return this.startUpload(r.ns, r.repo);
        throw new RegistryError(405, 'UNSUPPORTED', 'start an upload with POST');
      case 'upload':
        this.available();
        return this.upload(r.ns, r.repo, r.uuid);
      case 'tags':
        this.available();
        if (this.method === 'GET' || this.head) return this.tags(r.ns, r.repo);
        throw new RegistryError(405, 'UNSUPPORTED', 'tags are listed with GET');
      default: {
        const never: never = r;
        throw new Error(`unhandled route ${JSON.stringify(never)}`);
      }
    }
  }

  // ---- token endpoint ----------------------------------------------------------------------

  private async token(): Promise<void> {
    let username: string | undefined;
    let password: string | undefined;
    let scopes: string[];
    let service: string | null;
    let oauth = false;
    if (this.method === 'POST') {
      // OAuth2 password grant (containerd tries it first when it holds a password).
      oauth = true;
      const form = new URLSearchParams((await readSmall(this.req, 64 * 1024)).toString('utf8'));
      if (form.get('grant_type') !== 'password') {
        this.note.code = 'unsupported_grant_type';
        return this.json(400, { error: 'unsupported_grant_type' });
      }
      username = form.get('username') ?? '';
      password = form.get('password') ?? '';
      scopes = form.getAll('scope');
      service = form.get('service');
    } else if (this.method === 'GET') {
      const basic = /^Basic\s+(\S+)$/i.exec(this.req.headers.authorization ?? '');
      if (basic !== null) {
        const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        username = colon < 0 ? decoded : decoded.slice(0, colon);
        password = colon < 0 ? '' : decoded.slice(colon + 1);
      }
      scopes = this.url.searchParams.getAll('scope');
      service = this.url.searchParams.get('service');
    } else throw new RegistryError(405, 'UNSUPPORTED', 'the token endpoint answers GET and POST');
    if (service !== null && service !== this.backend.service) {
      throw new RegistryError(400, 'UNSUPPORTED', `this token endpoint issues tokens for ${this.backend.service}, not ${service}`);
    }
    let uid = '';
    if (username !== undefined) {
      const who = this.backend.authenticate(username, password ?? '');
      if (who === undefined) throw new RegistryError(401, 'UNAUTHORIZED', 'invalid username or password (use the temporary credentials of GetAuthorizationToken or GET /tokens)');
      uid = who;
      this.note.accountUid = who;
    }
    const access = parseScopes(scopes).map((s) => {
      const allowed = this.backend.permissions(uid, s.name);
      return { name: s.name, actions: s.actions.filter((a) => allowed.includes(a)) };
    });
    const token = this.signer.sign({ reg: this.backend.key, sub: uid, access }, TOKEN_TTL_SECONDS);
    const issuedAt = new Date(this.deps.wallNow()).toISOString();
    if (oauth) return this.json(200, { access_token: token, expires_in: TOKEN_TTL_SECONDS, issued_at: issuedAt, scope: scopes.join(' ') });
    this.json(200, { token, access_token: token, expires_in: TOKEN_TTL_SECONDS, issued_at: issuedAt });
  }

  // ---- manifests ---------------------------------------------------------------------------

  private existing(uid: string, ns: string, repo: string): RepoHandle {
    const h = this.backend.find(uid, ns, repo);
    if (h === undefined) throw new RegistryError(404, 'NAME_UNKNOWN', `repository ${ns}/${repo} is not known to this registry`, { name: `${ns}/${repo}` });
    return h;
  }

  private async getManifest(ns: string, repo: string, ref: string): Promise<void> {
    const claims = this.require(`${ns}/${repo}`, 'pull');
    const h = this.existing(claims.sub, ns, repo);
    const digest = ref.startsWith('sha256:') ? ref : h.tagDigest(ref);
    const meta = digest === undefined ? undefined : manifestOf(h.record, digest);
    if (digest === undefined || meta === undefined) throw new RegistryError(404, 'MANIFEST_UNKNOWN', `manifest ${ref} is unknown to ${ns}/${repo}`, { tag: ref });
    const stream = await this.deps.blobs.read(digest);
    if (stream === undefined) throw new RegistryError(404, 'MANIFEST_UNKNOWN', `the content of manifest ${digest} is missing from the blob store`);
    const bytes = await readAll(stream);
    const started = this.begin(200, {
      'content-type': meta.mediaType,
      'content-length': String(bytes.length),
      'docker-content-digest': digest,
      etag: `"${digest}"`,
    });
    if (started) this.res.end(this.head ? undefined : bytes);
  }

  private async putManifest(ns: string, repo: string, ref: string): Promise<void> {
    const name = `${ns}/${repo}`;
    const claims = this.require(name, 'push');
    const byDigest = ref.startsWith('sha256:');
    if (byDigest && !DIGEST_FULL_RE.test(ref)) throw new RegistryError(400, 'DIGEST_INVALID', `${ref} is not a sha256 digest`);
    if (!byDigest && !TAG_RE.test(ref)) throw new RegistryError(400, 'TAG_INVALID', `${ref} is not a valid tag`);
    const body = await readSmall(this.req, MAX_MANIFEST_BYTES);
    const h = this.backend.forWrite(claims.sub, ns, repo);
    const parsed = parseManifest(body.toString('utf8'), this.req.headers['content-type'] ?? '');
    checkReferences(h.record, parsed);
    const digest = await this.deps.blobs.putBytes(body);
    if (byDigest && digest !== ref) throw new RegistryError(400, 'DIGEST_INVALID', `the manifest's digest is ${digest}, not ${ref}`, { digest: ref });
    // Re-resolve after the await: the state may have been replaced or the repository deleted.
    const target = this.backend.forWrite(claims.sub, ns, repo);
    checkReferences(target.record, parsed);
    const meta: ManifestMeta = { ...parsed, size: body.length };
    artifactsOf(target.record).manifests[digest] = meta;
    if (!byDigest) target.writeTag(ref, digest, meta, imageSize(target.record, digest));
    this.deps.changed();
    this.empty(201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest });
  }

  private deleteManifest(ns: string, repo: string, ref: string): void {
    const claims = this.require(`${ns}/${repo}`, 'push');
    if (!DIGEST_FULL_RE.test(ref)) throw new RegistryError(400, 'UNSUPPORTED', 'manifests are deleted by digest (delete a tag through the control plane)');
    const h = this.existing(claims.sub, ns, repo);
    const artifacts = h.record.artifacts;
    if (artifacts?.manifests[ref] === undefined) throw new RegistryError(404, 'MANIFEST_UNKNOWN', `manifest ${ref} is unknown to ${ns}/${repo}`);
    delete artifacts.manifests[ref];
    h.untagDigest(ref);
    this.deps.changed();
    this.empty(202, {});
  }

  // ---- blobs -------------------------------------------------------------------------------

  private async getBlob(ns: string, repo: string, digest: string): Promise<void> {
    const claims = this.require(`${ns}/${repo}`, 'pull');
    if (!DIGEST_FULL_RE.test(digest)) throw new RegistryError(400, 'DIGEST_INVALID', `${digest} is not a sha256 digest`);
    const h = this.existing(claims.sub, ns, repo);
    const size = h.record.artifacts?.blobs[digest];
    const stream = size === undefined ? undefined : await this.deps.blobs.read(digest);
    if (size === undefined || stream === undefined) throw new RegistryError(404, 'BLOB_UNKNOWN', `blob ${digest} is unknown to ${ns}/${repo}`, { digest });
    const started = this.begin(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(size),
      'docker-content-digest': digest,
      etag: `"${digest}"`,
    });
    if (!started || this.head) {
      stream.destroy();
      if (started) this.res.end();
      return;
    }
    // pipeline: a read error destroys the answer, and a client gone mid-download closes the read.
    pipeline(stream, this.res, () => undefined);
  }

  private uploadHeaders(name: string, uuid: string, offset: number): Record<string, string> {
    return {
      location: `/v2/${name}/blobs/uploads/${uuid}`,
      range: `0-${Math.max(0, offset - 1)}`,
      'docker-upload-uuid': uuid,
    };
  }

  private async startUpload(ns: string, repo: string): Promise<void> {
    const name = `${ns}/${repo}`;
    const claims = this.require(name, 'push');
    const q = this.url.searchParams;
    const mount = q.get('mount');
    const from = q.get('from');
    if (mount !== null && from !== null && DIGEST_FULL_RE.test(mount) && NAME_RE.test(from) && grants(claims, from, 'pull')) {
      const [fns, frepo] = from.split('/') as [string, string];
      const source = this.backend.find(claims.sub, fns, frepo);
      const size = source?.record.artifacts?.blobs[mount];
      if (size !== undefined && (await this.deps.blobs.has(mount))) {
        await drain(this.req);
        artifactsOf(this.backend.forWrite(claims.sub, ns, repo).record).blobs[mount] = size;
        this.deps.changed();
        return this.empty(201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount });
      }
    }
    // Creates the repository (when its namespace allows) before any byte is accepted.
    this.backend.forWrite(claims.sub, ns, repo);
    this.deps.changed();
    const session = this.deps.blobs.startUpload(this.backend.key, name);
    const digest = q.get('digest');
    if (digest !== null) {
      // Monolithic upload: POST ?digest= with the whole blob.
      await this.deps.blobs.append(session.uuid, this.req);
      return this.complete(claims, ns, repo, session.uuid, digest);
    }
    await drain(this.req);
    this.empty(202, this.uploadHeaders(name, session.uuid, 0));
  }

  private async upload(ns: string, repo: string, uuid: string): Promise<void> {
    const name = `${ns}/${repo}`;
    const claims = this.require(name, this.method === 'GET' || this.head ? 'pull' : 'push');
    const session = this.deps.blobs.upload(uuid);
    if (session === undefined || session.registry !== this.backend.key || session.name !== name) {
      throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', `upload ${uuid} is unknown to ${name}`);
    }
    switch (this.method) {
      case 'GET':
      case 'HEAD':
        return this.empty(204, this.uploadHeaders(name, uuid, session.offset));
      case 'DELETE':
        await this.deps.blobs.cancel(uuid);
        return this.empty(204, {});
      case 'PATCH': {
        const range = this.req.headers['content-range'];
        if (range !== undefined) {
          const m = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(range.trim());
          if (m === null || Number(m[1]) !== session.offset) {
            throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `Content-Range ${range} does not continue the upload at ${session.offset}`, undefined, this.uploadHeaders(name, uuid, session.offset));
          }
        }
        const offset = await this.deps.blobs.append(uuid, this.req);
        return this.empty(202, this.uploadHeaders(name, uuid, offset));
      }
      case 'PUT': {
        const digest = this.url.searchParams.get('digest');
        if (digest === null) throw new RegistryError(400, 'DIGEST_INVALID', 'finish an upload with PUT ?digest=sha256:<hex>');
        await this.deps.blobs.append(uuid, this.req);
        return this.complete(claims, ns, repo, uuid, digest);
      }
      default:
        throw new RegistryError(405, 'UNSUPPORTED', `${this.method} is not supported on uploads`);
    }
  }

  /** Finishes an upload whose bytes have all arrived: verify, store, link. */
  private async complete(claims: Claims, ns: string, repo: string, uuid: string, digest: string): Promise<void> {
    if (!DIGEST_FULL_RE.test(digest)) {
      await this.deps.blobs.cancel(uuid);
      throw new RegistryError(400, 'DIGEST_INVALID', `${digest} is not a sha256 digest`, { digest });
    }
    const done = await this.deps.blobs.finish(uuid, digest);
    if ('mismatch' in done) throw new RegistryError(400, 'DIGEST_INVALID', `the uploaded content's digest is ${done.mismatch}, not ${digest}`, { digest });
    artifactsOf(this.backend.forWrite(claims.sub, ns, repo).record).blobs[digest] = done.size;
    this.deps.changed();
    this.empty(201, { location: `/v2/${ns}/${repo}/blobs/${digest}`, 'docker-content-digest': digest });
  }

  // ---- tags --------------------------------------------------------------------------------

  private tags(ns: string, repo: string): void {
    const name = `${ns}/${repo}`;
    const claims = this.require(name, 'pull');
    const h = this.existing(claims.sub, ns, repo);
    const q = this.url.searchParams;
    const nRaw = q.get('n');
    if (nRaw !== null && !/^\d+$/.test(nRaw)) throw new RegistryError(400, 'PAGINATION_NUMBER_INVALID', `n must be a non-negative integer, got ${nRaw}`);
    const n = nRaw === null ? TAG_PAGE_DEFAULT : Math.min(Number(nRaw), TAG_PAGE_MAX);
    const last = q.get('last');
    const all = h.tagNames().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const after = last === null ? all : all.filter((t) => t > last);
    const page = after.slice(0, n);
    const headers: Record<string, string> = {};
    if (after.length > page.length && page.length > 0) {
      const next = new URLSearchParams({ n: String(n), last: page[page.length - 1] as string });
      headers['link'] = `</v2/${name}/tags/list?${next.toString()}>; rel="next"`;
    }
    this.json(200, { name, tags: page }, headers);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
