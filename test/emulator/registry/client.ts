/**
 * A small Distribution API client written from the spec (REGISTRY.md §3-§4) with plain fetch: the
 * Bearer challenge is parsed from `WWW-Authenticate`, a token fetched from the realm with basic
 * credentials (or none), and the request retried once. Nothing here knows the emulator's
 * internals: it only gets `host:port` and credentials. Also: estate set-up over the control plane.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import type { Clock } from '../cr/setup.js';

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export function sha(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface Creds {
  readonly username: string;
  readonly password: string;
}

/** Parses `Bearer realm="…",service="…",scope="…",error="…"`. */
export function parseChallenge(header: string | null): Record<string, string> {
  if (header === null || !/^Bearer /i.test(header)) throw new Error(`no Bearer challenge: ${header}`);
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)="([^"]*)"/g)) out[m[1] as string] = m[2] as string;
  return out;
}

export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  /** Token requests made (so tests can tell a cached token from a new one). */
  tokenRequests = 0;

  constructor(
    readonly host: string,
    private readonly creds: Creds | undefined,
  ) {}

  get base(): string {
    return `http://${this.host}`;
  }

  /** Fetches a token for `scope` from the challenge's realm; returns the raw response. */
  async fetchToken(challenge: Record<string, string>, scopes: string[]): Promise<Response> {
    const url = new URL(challenge['realm'] as string);
    if (challenge['service'] !== undefined) url.searchParams.set('service', challenge['service']);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    if (this.creds !== undefined) headers['authorization'] = `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64')}`;
    this.tokenRequests++;
    return fetch(url, { headers });
  }

  /**
   * A request with the token flow: send with the cached token for `scopeKey`; on 401 parse the
   * challenge, fetch a token for its scope (plus `extraScopes`) and retry once.
   */
  async request(method: string, path: string, init: { headers?: Record<string, string>; body?: Buffer | string; scopeKey?: string; extraScopes?: string[] } = {}): Promise<Response> {
    const key = init.scopeKey ?? 'base';
    const send = (token: string | undefined): Promise<Response> => {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
      const req: RequestInit = { method, headers, redirect: 'manual' };
      if (init.body !== undefined) req.body = init.body;
      return fetch(path.startsWith('http') ? path : `${this.base}${path}`, req);
    };
    let res = await send(this.tokens.get(key));
    if (res.status !== 401) return res;
    await res.arrayBuffer();
    const ch = parseChallenge(res.headers.get('www-authenticate'));
    const scopes = [...(ch['scope'] !== undefined ? [ch['scope']] : []), ...(init.extraScopes ?? [])];
    const tr = await this.fetchToken(ch, scopes);
    if (tr.status !== 200) throw new Error(`token endpoint answered ${tr.status}: ${await tr.text()}`);
    const body = (await tr.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token === undefined) throw new Error('no token in the token response');
    this.tokens.set(key, token);
    res = await send(token);
    return res;
  }

  async blobExists(name: string, digest: string): Promise<boolean> {
    const r = await this.request('HEAD', `/v2/${name}/blobs/${digest}`, { scopeKey: name });
    return r.status === 200;
  }

  /** Monolithic upload: POST ?digest= with the whole body. */
  async pushBlobMonolithic(name: string, bytes: Buffer, digest = sha(bytes)): Promise<Response> {
    return this.request('POST', `/v2/${name}/blobs/uploads/?digest=${encodeURIComponent(digest)}`, {
      scopeKey: name,
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
  }

  /** POST → PATCH per chunk → PUT ?digest=; returns the final response. */
  async pushBlobChunked(name: string, chunks: Buffer[], digest = sha(Buffer.concat(chunks))): Promise<Response> {
    const start = await this.request('POST', `/v2/${name}/blobs/uploads/`, { scopeKey: name });
    if (start.status !== 202) return start;
    let location = start.headers.get('location') as string;
    let offset = 0;
    for (const c of chunks) {
      const r = await this.request('PATCH', this.abs(location), {
        scopeKey: name,
        body: c,
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + c.length - 1}` },
      });
      if (r.status !== 202) return r;
      offset += c.length;
      location = r.headers.get('location') as string;
    }
    const sep = location.includes('?') ? '&' : '?';
    return this.request('PUT', this.abs(`${location}${sep}digest=${encodeURIComponent(digest)}`), { scopeKey: name });
  }

  abs(location: string): string {
    return location.startsWith('http') ? location : `${this.base}${location}`;
  }

  async putManifest(name: string, ref: string, bytes: Buffer | string, mediaType: string): Promise<Response> {
    return this.request('PUT', `/v2/${name}/manifests/${ref}`, { scopeKey: name, body: bytes, headers: { 'content-type': mediaType } });
  }

  async getManifest(name: string, ref: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Response> {
    return this.request(method, `/v2/${name}/manifests/${ref}`, {
      scopeKey: `${name}:pull`,
      headers: { accept: [MT.dockerManifest, MT.dockerList, MT.ociManifest, MT.ociIndex].join(', ') },
    });
  }

  async getBlob(name: string, digest: string): Promise<Response> {
    return this.request('GET', `/v2/${name}/blobs/${digest}`, { scopeKey: `${name}:pull` });
  }
}

/** An image built in memory: config + layers + manifest bytes. */
export interface TestImage {
  readonly config: Buffer;
  readonly layers: Buffer[];
  readonly manifest: Buffer;
  readonly digest: string;
  readonly mediaType: string;
}

/** Builds a small image whose content depends on `seed`; `shared` layers are reused verbatim. */
export function makeImage(seed: string, opts: { layers?: number; layerBytes?: number; shared?: Buffer[]; oci?: boolean; gzip?: boolean } = {}): TestImage {
  const oci = opts.oci ?? false;
  const layers = [...(opts.shared ?? [])];
  for (let i = 0; i < (opts.layers ?? 2); i++) {
    const size = opts.layerBytes ?? 1000 + i * 37;
    const buf = Buffer.alloc(size);
    let x = createHash('sha256').update(`${seed}/${i}`).digest();
    for (let off = 0; off < size; off += x.length) {
      x.copy(buf, off);
      x = createHash('sha256').update(x).digest();
    }
    // Real clients check that a layer declared tar+gzip is gzip; tests that only use this client do not need it.
    layers.push(opts.gzip === true ? gzipSync(buf) : buf);
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed, rootfs: { type: 'layers', diff_ids: layers.map((l) => sha(l)) } }));
  const mediaType = oci ? MT.ociManifest : MT.dockerManifest;
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType,
        config: { mediaType: oci ? MT.ociConfig : MT.dockerConfig, size: config.length, digest: sha(config) },
        layers: layers.map((l) => ({ mediaType: MT.layer, size: l.length, digest: sha(l) })),
      },
      null,
      3, // unusual indentation: the registry must keep the bytes exactly
    ),
  );
  return { config, layers, manifest, digest: sha(manifest), mediaType };
}

export function makeIndex(children: TestImage[], oci = true): { bytes: Buffer; digest: string; mediaType: string } {
  const mediaType = oci ? MT.ociIndex : MT.dockerList;
  const archs = ['amd64', 'arm64', 's390x', 'ppc64le'];
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: children.map((c, i) => ({ mediaType: c.mediaType, size: c.manifest.length, digest: c.digest, platform: { architecture: archs[i % archs.length], os: 'linux' } })),
    }),
  );
  return { bytes, digest: sha(bytes), mediaType };
}

/** Pushes every blob (monolithic) and the manifest under `tag`; throws on any unexpected status. */
export async function pushImage(c: RegistryClient, name: string, img: TestImage, tag: string): Promise<void> {
  for (const b of [img.config, ...img.layers]) {
    if (await c.blobExists(name, sha(b))) continue;
    const r = await c.pushBlobMonolithic(name, b);
    if (r.status !== 201) throw new Error(`blob push answered ${r.status}: ${await r.text()}`);
  }
  const r = await c.putManifest(name, tag, img.manifest, img.mediaType);
  if (r.status !== 201) throw new Error(`manifest push answered ${r.status}: ${await r.text()}`);
}

// ---- control-plane set-up ------------------------------------------------------------------

export async function registryOf(t: TestEmulator, query: string): Promise<string> {
  const r = await t.admin<{ registry: string; error?: string }>('GET', `/_emulator/registry?${query}`);
  if (r.status !== 200) throw new Error(`registry lookup answered ${r.status}: ${r.body.error ?? ''}`);
  return r.body.registry;
}

export async function eeLogin(t: TestEmulator, keys: AccountKeys, region: string, instanceId: string): Promise<Creds> {
  const b = await t.callRpc('cr', region, 'GetAuthorizationToken', { InstanceId: instanceId }, keys);
  return { username: b['TempUsername'] as string, password: b['AuthorizationToken'] as string };
}

export async function peLogin(t: TestEmulator, keys: AccountKeys, region: string): Promise<Creds> {
  const b = await t.callRoa(region, 'GetAuthorizationToken', 'GET', '/tokens', keys);
  const d = b['data'] as { tempUserName: string; authorizationToken: string };
  return { username: d.tempUserName, password: d.authorizationToken };
}

export async function createNamespace(t: TestEmulator, keys: AccountKeys, region: string, instanceId: string, name: string, autoCreate = true, type = 'PRIVATE'): Promise<void> {
  const b = await t.callRpc('cr', region, 'CreateNamespace', { InstanceId: instanceId, NamespaceName: name, AutoCreateRepo: autoCreate, DefaultRepoType: type }, keys);
  if (b['IsSuccess'] !== true) throw new Error(`CreateNamespace: ${JSON.stringify(b)}`);
}

export async function listTags(t: TestEmulator, keys: AccountKeys, region: string, instanceId: string, ns: string, repo: string): Promise<{ Tag: string; Digest: string; ImageSize: number; ImageId: string }[]> {
  const r = await t.callRpc('cr', region, 'GetRepository', { InstanceId: instanceId, RepoNamespaceName: ns, RepoName: repo }, keys);
  if (r['IsSuccess'] !== true) throw new Error(`GetRepository: ${JSON.stringify(r)}`);
  const b = await t.callRpc('cr', region, 'ListRepoTag', { InstanceId: instanceId, RepoId: r['RepoId'] as string }, keys);
  return b['Images'] as { Tag: string; Digest: string; ImageSize: number; ImageId: string }[];
}

export type { Clock };
