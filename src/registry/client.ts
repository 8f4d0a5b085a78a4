/**
 * A client of one registry's data plane (OCI Distribution API, REGISTRY.md §3-§4) over a
 * fetch-shaped transport: web `Response`s and web streams, so a blob goes from the source's
 * response body through a hashing TransformStream into the target's PUT without ever being whole
 * in memory. The default transport is `node:http` (http.ts says why not the built-in fetch).
 *
 * Owns: the Bearer token handshake (challenge from `GET /v2/`, token per scope set from the realm
 * with the temporary basic credentials, refreshed before it expires, fetched again on a 401 with
 * `insufficient_scope` or an expired token), request counting per method and operation, and the
 * mapping of answers to {@link RegistryError}s. Credentials and tokens are registered as secrets and
 * never appear in errors.
 *
 * Invariants: a request whose body is a stream is never sent twice (a stream is read once): its
 * token is obtained before it is sent, and a 401 on it throws a retryable error so the caller redoes
 * the whole transfer. Small requests are re-sent once after a fresh token.
 */
import { RegistryError, isTransientNetworkError } from './errors.js';
import type { Readable } from 'node:stream';
import { httpTransport, isStream } from './http.js';

/** Temporary docker-login credentials of a registry. Secrets: never print or log them. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
  /** Epoch ms after which they no longer work (unknown: treated as valid until refused). */
  readonly expiresAt?: number;
}

export type FetchLike = (input: string, init: RequestInit & { duplex?: 'half' }) => Promise<Response>;

/** The operations a registry request can be, for counting. */
export type RegistryOperation =
  | 'ping'
  | 'token'
  | 'manifest.get'
  | 'manifest.head'
  | 'manifest.put'
  | 'blob.head'
  | 'blob.get'
  | 'upload.start'
  | 'upload.mount'
  | 'upload.patch'
  | 'upload.put'
  | 'upload.cancel';

/** Counts every registry request sent (each attempt counts), per HTTP method and per operation. */
export class RegistryRequestCounter {
  readonly #byMethod = new Map<string, number>();
  readonly #byOperation = new Map<string, number>();
  #retries = 0;

  record(method: string, op: RegistryOperation): void {
    this.#byMethod.set(method, (this.#byMethod.get(method) ?? 0) + 1);
    this.#byOperation.set(op, (this.#byOperation.get(op) ?? 0) + 1);
  }

  recordRetry(): void {
    this.#retries++;
  }

  /** Requests per method and per operation, keys sorted; `retries` counts transfers redone. */
  snapshot(): { byMethod: Record<string, number>; byOperation: Record<string, number>; total: number; retries: number } {
    const sorted = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let total = 0;
    for (const n of this.#byMethod.values()) total += n;
    return { byMethod: sorted(this.#byMethod), byOperation: sorted(this.#byOperation), total, retries: this.#retries };
  }
}

export interface RegistryClientOptions {
  /** `http://127.0.0.1:PORT` or `https://host`: scheme and authority, no trailing slash. */
  readonly base: string;
  /** A printable name for errors (`instance acme-hz (cri-…, cn-hangzhou)`). */
  readonly name: string;
  /** A stable identity of the registry: blobs are shared (mountable) within one key. */
  readonly key: string;
  /** Fetches fresh temporary credentials (called again when they expire or are refused). */
  readonly credentials: () => Promise<RegistryCredentials>;
  readonly counter: RegistryRequestCounter;
  /** Where credentials and tokens are registered for scrubbing. */
  readonly secrets: { add(value: string | undefined): void };
  /** The transport; default a `node:http` one of its own (http.ts). */
  readonly fetch?: FetchLike;
  readonly now?: () => number;
}

/** A parsed `WWW-Authenticate` challenge. */
interface Challenge {
  readonly scheme: 'bearer' | 'basic';
  readonly realm: string | undefined;
  readonly service: string | undefined;
  readonly scope: string | undefined;
  readonly error: string | undefined;
}

/** Parses `Bearer realm="…",service="…",scope="…",error="…"` (or `Basic realm="…"`). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (header === null) return undefined;
  const m = /^\s*(Bearer|Basic)\s+(.*)$/i.exec(header);
  if (m === null) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params[(p[1] as string).toLowerCase()] = p[2] ?? p[3] ?? '';
  return {
    scheme: (m[1] as string).toLowerCase() === 'basic' ? 'basic' : 'bearer',
    realm: params['realm'],
    service: params['service'],
    scope: params['scope'],
    error: params['error'],
  };
}

/** Reads a registry's error body (`{"errors":[{code,message}]}`); tolerant of anything else. */
async function errorOf(res: Response): Promise<{ code: string | undefined; message: string | undefined }> {
  try {
    const text = await res.text();
    const body = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = body.errors?.[0];
    return {
      code: typeof first?.code === 'string' ? first.code : undefined,
      message: typeof first?.message === 'string' ? first.message.slice(0, 300) : undefined,
    };
  } catch {
    return { code: undefined, message: undefined };
  }
}

function retryAfterMs(res: Response, now: number): number | undefined {
  const h = res.headers.get('retry-after');
  if (h === null) return undefined;
  if (/^\d+$/.test(h.trim())) return Number(h.trim()) * 1000;
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** True for answers worth retrying: 429, 5xx except 501/505. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

export interface SendOptions {
  readonly op: RegistryOperation;
  /** Scopes the request needs, e.g. `repository:ns/repo:pull,push`. */
  readonly scopes: readonly string[];
  readonly headers?: Record<string, string>;
  /** A small body (re-sendable) or a stream (sent once; a node `Readable` with the default transport). */
  readonly body?: Uint8Array | string | ReadableStream<Uint8Array> | Readable;
  readonly signal?: AbortSignal;
  /** Follow redirects (blob GETs may be sent to object storage). Default false. */
  readonly follow?: boolean;
}

interface CachedToken {
  readonly token: string;
  /** Epoch ms from which the token is fetched again: its expiry less a margin. */
  readonly refreshAt: number;
}

/** What to do about the registry errors a copy meets most. */
const HINTS: Readonly<Record<string, string>> = {
  NAME_UNKNOWN: 'the repository does not exist and its namespace does not create repositories on push: create the repository, or turn on autoCreateRepo for the namespace',
  DENIED: 'the account lacks permission on this repository or instance (RAM policy for cr, or the repository belongs to another account)',
  TAG_INVALID: 'the tag is not a valid tag, or the repository keeps tags immutable',
  MANIFEST_BLOB_UNKNOWN: 'the registry does not have every blob the manifest references; copy again',
};

/** Margin before a token's or credential's expiry at which it is refreshed. */
const REFRESH_MARGIN_MS = 30_000;
/** Token lifetime when the token server gives none (the token spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;

export class RegistryClient {
  readonly base: string;
  readonly name: string;
  readonly key: string;
  readonly #options: RegistryClientOptions;
  readonly #fetch: FetchLike;
  readonly #now: () => number;
  #challenge: Promise<Challenge | undefined> | undefined;
  #credentials: Promise<RegistryCredentials> | undefined;
  readonly #tokens = new Map<string, Promise<CachedToken>>();
  /** Token requests made (tests tell a cached token from a new one). */
  tokenRequests = 0;

  constructor(options: RegistryClientOptions) {
    this.#options = options;
    this.base = options.base;
    this.name = options.name;
    this.key = options.key;
    this.#fetch = options.fetch ?? httpTransport();
    this.#now = options.now ?? Date.now;
  }

  /** An absolute URL for a path or a `Location` header (relative or absolute). */
  url(pathOrLocation: string): string {
    return new URL(pathOrLocation, `${this.base}/`).toString();
  }

  /**
   * Sends one request with the right authorization. Answers are returned as they are (any status)
   * except 401 (handled: a fresh token, or a RegistryError) and broken connections (a retryable
   * RegistryError).
   */
  async send(method: string, path: string, options: SendOptions): Promise<Response> {
    const streaming = isStream(options.body);
    let auth = await this.#authorization(options.scopes, false, options.signal);
    let res = await this.#raw(method, path, options, auth);
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate'));
    const detail = await errorOf(res);
    if (challenge === undefined) throw this.#httpError(method, path, res, detail);
    // A 401 with a token: the token expired, was revoked or lacks a scope; re-run the token step.
    const scopes = challenge.scope !== undefined && !options.scopes.includes(challenge.scope) ? [...options.scopes, challenge.scope] : options.scopes;
    this.#challenge = Promise.resolve(challenge);
    this.#tokens.delete(scopeKey(options.scopes));
    if (streaming) {
      throw new RegistryError('registry.auth', `${this.name} refused the token for ${method} ${shortPath(path)} (${challenge.error ?? 'expired'}); retrying the transfer with a new token`, {
        status: 401,
        retryable: true,
        ...(detail.code !== undefined ? { registryCode: detail.code } : {}),
      });
    }
    auth = await this.#authorization(scopes, true, options.signal);
    res = await this.#raw(method, path, options, auth);
    if (res.status === 401) {
      const again = parseChallenge(res.headers.get('www-authenticate'));
      const d = await errorOf(res);
      throw new RegistryError('registry.denied', `${this.name} refused ${method} ${shortPath(path)}${again?.error === 'insufficient_scope' ? ': the credentials lack access to this repository' : ''}`, {
        status: 401,
        ...(d.code !== undefined ? { registryCode: d.code } : {}),
        ...(d.message !== undefined ? { detail: d.message } : {}),
        hint: 'check that the account owns the repository (or that it is PUBLIC for pulls) and has cr permissions on the instance',
      });
    }
    return res;
  }

  /** An error for an unexpected answer; reads the body's registry error. */
  async fail(method: string, path: string, res: Response, what: string): Promise<RegistryError> {
    return this.#httpError(method, path, res, await errorOf(res), what);
  }

  #httpError(method: string, path: string, res: Response, d: { code: string | undefined; message: string | undefined }, what?: string): RegistryError {
    const retryable = isRetryableStatus(res.status);
    const after = retryable ? retryAfterMs(res, this.#now()) : undefined;
    const why = [d.code, d.message].filter((x) => x !== undefined).join(': ');
    const hint = d.code === undefined ? undefined : HINTS[d.code];
    return new RegistryError(retryable ? 'registry.unavailable' : 'registry.http', `${what ?? `${method} ${shortPath(path)}`} failed on ${this.name}: HTTP ${res.status}${why !== '' ? ` ${why}` : ''}`, {
      status: res.status,
      retryable,
      ...(hint !== undefined ? { hint } : {}),
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      ...(d.code !== undefined ? { registryCode: d.code } : {}),
    });
  }

  async #raw(method: string, path: string, options: SendOptions, authorization: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (authorization !== undefined) headers['authorization'] = authorization;
    const init: RequestInit & { duplex?: 'half' } = { method, headers, redirect: options.follow === true ? 'follow' : 'manual' };
    if (options.body !== undefined) {
      init.body = options.body as NonNullable<RequestInit['body']>;
      if (isStream(options.body)) init.duplex = 'half';
    }
    if (options.signal !== undefined) init.signal = options.signal;
    this.#options.counter.record(method, options.op);
    try {
      return await this.#fetch(this.url(path), init);
    } catch (err) {
      throw this.#networkError(err, `${method} ${shortPath(path)}`, options.signal);
    }
  }

  #networkError(err: unknown, what: string, signal: AbortSignal | undefined): unknown {
    if (err instanceof RegistryError) return err;
    if (signal?.aborted === true) return new RegistryError('registry.aborted', `${what} on ${this.name} was cancelled`, { cause: err });
    const transient = isTransientNetworkError(err);
    return new RegistryError('registry.network', `cannot reach ${this.name} (${this.base}) for ${what}: ${(err as Error).message ?? String(err)}`, {
      cause: err,
      retryable: transient,
    });
  }

  /** The challenge of `GET /v2/` (undefined: the registry needs no auth). Asked once. */
  #ping(signal: AbortSignal | undefined): Promise<Challenge | undefined> {
    if (this.#challenge === undefined) {
      const p = (async (): Promise<Challenge | undefined> => {
        this.#options.counter.record('GET', 'ping');
        let res: Response;
        try {
          res = await this.#fetch(this.url('/v2/'), { method: 'GET', redirect: 'manual', ...(signal !== undefined ? { signal } : {}) });
        } catch (err) {
          throw this.#networkError(err, 'GET /v2/', signal);
        }
        if (res.status === 200) {
          await res.arrayBuffer();
          return undefined;
        }
        if (res.status === 401) {
          const c = parseChallenge(res.headers.get('www-authenticate'));
          await res.arrayBuffer();
          if (c === undefined) throw new RegistryError('registry.auth', `${this.name} answered 401 on /v2/ without a Bearer or Basic challenge`);
          return c;
        }
        throw await this.fail('GET', '/v2/', res, 'the version check (GET /v2/)');
      })();
      this.#challenge = p;
      p.catch(() => {
        if (this.#challenge === p) this.#challenge = undefined;
      });
    }
    return this.#challenge;
  }

  #loadCredentials(refresh: boolean): Promise<RegistryCredentials> {
    const current = this.#credentials;
    if (current !== undefined && !refresh) {
      return current.then((c) => (c.expiresAt !== undefined && c.expiresAt - REFRESH_MARGIN_MS <= this.#now() ? this.#loadCredentials(true) : c));
    }
    const p = this.#options.credentials().then((c): RegistryCredentials => {
      this.#options.secrets.add(c.password);
      // An expiry already past when fetched is clock skew (or an emulated clock): ignore it and
      // rely on the token service refusing them, which fetches new ones.
      if (c.expiresAt !== undefined && c.expiresAt - REFRESH_MARGIN_MS <= this.#now()) return { username: c.username, password: c.password };
      return c;
    });
    this.#credentials = p;
    p.catch(() => {
      if (this.#credentials === p) this.#credentials = undefined;
    });
    return p;
  }

  /** The Authorization header for a request needing `scopes`; undefined when no auth is needed. */
  async #authorization(scopes: readonly string[], fresh: boolean, signal: AbortSignal | undefined): Promise<string | undefined> {
    const challenge = await this.#ping(signal);
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'basic') {
      const c = await this.#loadCredentials(false);
      return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
    }
    const key = scopeKey(scopes);
    if (!fresh) {
      const cached = this.#tokens.get(key);
      if (cached !== undefined) {
        const t = await cached.catch(() => undefined);
        if (t !== undefined && t.refreshAt > this.#now()) return `Bearer ${t.token}`;
        // Expired or failed: forget it, unless another request has already replaced it.
        if (this.#tokens.get(key) === cached) this.#tokens.delete(key);
      }
      const replaced = this.#tokens.get(key);
      if (replaced !== undefined) return `Bearer ${(await replaced).token}`;
    }
    const p = this.#fetchToken(challenge, scopes, signal);
    this.#tokens.set(key, p);
    p.catch(() => {
      if (this.#tokens.get(key) === p) this.#tokens.delete(key);
    });
    return `Bearer ${(await p).token}`;
  }

  async #fetchToken(challenge: Challenge, scopes: readonly string[], signal: AbortSignal | undefined): Promise<CachedToken> {
    if (challenge.realm === undefined) throw new RegistryError('registry.auth', `${this.name} sent a Bearer challenge without a realm`);
    let refreshed = false;
    for (;;) {
      const creds = await this.#loadCredentials(refreshed);
      const url = new URL(challenge.realm);
      if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      url.searchParams.set('account', creds.username);
      this.tokenRequests++;
      this.#options.counter.record('GET', 'token');
      const issuedAt = this.#now();
      let res: Response;
      try {
        res = await this.#fetch(url.toString(), {
          method: 'GET',
          headers: { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` },
          ...(signal !== undefined ? { signal } : {}),
        });
      } catch (err) {
        throw this.#networkError(err, 'the token request', signal);
      }
      if (res.status === 401 && !refreshed) {
        // The temporary credentials expired early or were revoked: fetch new ones once.
        await res.arrayBuffer();
        refreshed = true;
        continue;
      }
      if (res.status !== 200) {
        const d = await errorOf(res);
        if (res.status === 401 || res.status === 403) {
          throw new RegistryError('registry.auth', `${this.name} refused the temporary credentials (HTTP ${res.status})`, {
            status: res.status,
            hint: 'the account needs cr:GetAuthorizationToken and access to the instance; check the credentials of the account in registry.yaml',
          });
        }
        const retryable = isRetryableStatus(res.status);
        throw new RegistryError(retryable ? 'registry.unavailable' : 'registry.auth', `the token service of ${this.name} answered HTTP ${res.status}${d.code !== undefined ? ` ${d.code}` : ''}`, {
          status: res.status,
          retryable,
        });
      }
      let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
      try {
        body = (await res.json()) as typeof body;
      } catch (err) {
        throw new RegistryError('registry.auth', `the token service of ${this.name} answered something that is not JSON`, { cause: err });
      }
      const token = typeof body.token === 'string' && body.token !== '' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
      if (token === undefined || token === '') throw new RegistryError('registry.auth', `the token service of ${this.name} answered without a token`);
      this.#options.secrets.add(token);
      const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
      const lifetime = seconds * 1000;
      return { token, refreshAt: issuedAt + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 4) };
    }
  }
}

/** A path or URL for messages: the path alone (upload locations carry opaque state in their query). */
function shortPath(pathOrUrl: string): string {
  try {
    return new URL(pathOrUrl, 'http://registry.invalid').pathname;
  } catch {
    return pathOrUrl.split('?')[0] ?? pathOrUrl;
  }
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(' ');
}
