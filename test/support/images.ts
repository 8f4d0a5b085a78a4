/**
 * Small, deterministic container images for the real-client tests and the import benchmark, and the
 * skopeo plumbing around them.
 *
 * Images: every layer is a real tar archive (one file of pseudo-random bytes drawn from a seed),
 * gzip-compressed (byte-stable: no name, no mtime); the config lists the layers' diff ids; manifests
 * are OCI or Docker schema 2, indexes OCI image indexes or Docker manifest lists. The same seed always
 * gives the same bytes, so digests can be compared across a push, an import and a pull. Layers passed
 * in `shared` are reused verbatim, so several images can hold the same blob.
 *
 * skopeo: images are written as an OCI image layout (`oci:DIR:TAG`) and pushed with `skopeo copy
 * --preserve-digests` (so skopeo fails rather than silently converting a manifest); logins come from
 * the control-plane APIs (cr GetAuthorizationToken, Personal Edition GET /tokens) and are handed to
 * skopeo through an auth file (mode 0600), never on its command line. `pullProblems` pulls with skopeo
 * and lists every byte that differs, so a test asserts an empty list and reads a useful failure.
 */
import { execFile } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { AccountKeys } from '../../src/emulator/core/contract.js';

/**
 * What the login helpers need of an emulator handle: test/helpers/emulator.ts's TestEmulator. Kept
 * structural so bench/ can import this file without pulling the test helpers into the build.
 */
export interface EmulatorHandle {
  admin<T = unknown>(method: 'GET', path: string): Promise<{ status: number; body: T }>;
  callRpc(product: 'cr', region: string, action: string, params: Record<string, unknown>, keys: AccountKeys): Promise<Record<string, unknown>>;
  callRoa(region: string, action: string, method: 'GET', pathname: string, keys: AccountKeys): Promise<Record<string, unknown>>;
}

const run = promisify(execFile);

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export type ImageFormat = 'oci' | 'docker';

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A gzip-compressed tar layer: `digest` names the blob, `diffId` the uncompressed tar. */
export interface Layer {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly diffId: string;
}

/** `size` pseudo-random bytes drawn from `seed` (AES-128-CTR over zeros: fast and deterministic). */
export function seededBytes(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(`acrctl-test-image/${seed}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** One ustar header block for a regular file (owner 0:0, mode 0644, mtime 0). */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => h.write(text, offset, length, 'ascii');
  const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put('        ', 148, 8); // the checksum field counts as spaces while summing
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** A tar archive holding one file, `name`, with `content`. */
export function tarOf(name: string, content: Buffer): Buffer {
  const pad = (512 - (content.length % 512)) % 512;
  return Buffer.concat([tarHeader(name, content.length), content, Buffer.alloc(pad), Buffer.alloc(1024)]);
}

/**
 * A layer whose one file holds `size` seeded bytes. `level` is the gzip level (default 6; the
 * benchmark uses 1 for speed: seeded bytes do not compress, so the blob is about `size` bytes).
 */
export function makeLayer(seed: string, size: number, opts: { level?: number } = {}): Layer {
  const tar = tarOf(`data/${seed.replace(/[^A-Za-z0-9._-]/g, '_')}.bin`, seededBytes(seed, size));
  const bytes = gzipSync(tar, { level: opts.level ?? 6 });
  return { bytes, digest: sha256(bytes), diffId: sha256(tar) };
}

export interface Image {
  readonly kind: 'image';
  readonly format: ImageFormat;
  readonly config: Buffer;
  readonly layers: readonly Layer[];
  readonly manifest: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly arch: string;
}

export interface Index {
  readonly kind: 'index';
  readonly format: ImageFormat;
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly children: readonly Image[];
}

/** What a tag points at. */
export type Artifact = Image | Index;

export interface ImageOptions {
  readonly format?: ImageFormat;
  /** Layers of this image only (default 2), `layerBytes` each (default 4096, the last ones a little larger). */
  readonly layers?: number;
  readonly layerBytes?: number;
  /** Layers put first, verbatim: blobs shared with other images. */
  readonly shared?: readonly Layer[];
  readonly arch?: string;
  readonly level?: number;
}

/** An image whose bytes depend only on `seed` and the options. */
export function makeImage(seed: string, opts: ImageOptions = {}): Image {
  const format = opts.format ?? 'oci';
  const arch = opts.arch ?? 'amd64';
  const own = Array.from({ length: opts.layers ?? 2 }, (_, i) => makeLayer(`${seed}/${i}`, (opts.layerBytes ?? 4096) + i * 101, opts.level === undefined ? {} : { level: opts.level }));
  const layers = [...(opts.shared ?? []), ...own];
  const config = Buffer.from(
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      config: { Labels: { 'org.example.seed': seed } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const mediaType = format === 'oci' ? MEDIA.ociManifest : MEDIA.dockerManifest;
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType,
        config: { mediaType: format === 'oci' ? MEDIA.ociConfig : MEDIA.dockerConfig, size: config.length, digest: sha256(config) },
        layers: layers.map((l) => ({ mediaType: format === 'oci' ? MEDIA.ociLayer : MEDIA.dockerLayer, size: l.bytes.length, digest: l.digest })),
      },
      null,
      3, // unusual indentation: every hop must keep the bytes exactly
    ),
  );
  return { kind: 'image', format, config, layers, manifest, digest: sha256(manifest), mediaType, arch };
}

/** A multi-arch index over `children` (each child's `arch` becomes its platform). */
export function makeIndex(children: readonly Image[], format: ImageFormat = 'oci'): Index {
  const mediaType = format === 'oci' ? MEDIA.ociIndex : MEDIA.dockerList;
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: children.map((c) => ({ mediaType: c.mediaType, size: c.manifest.length, digest: c.digest, platform: { architecture: c.arch, os: 'linux' } })),
    }),
  );
  return { kind: 'index', format, bytes, digest: sha256(bytes), mediaType, children };
}

/** The manifest bytes a tag serves. */
export function manifestOf(a: Artifact): Buffer {
  return a.kind === 'image' ? a.manifest : a.bytes;
}

/** Every blob and manifest an artifact consists of (children first, duplicates removed), keyed by digest. */
export function contentOf(a: Artifact): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const image = (i: Image) => {
    out.set(sha256(i.config), i.config);
    for (const l of i.layers) out.set(l.digest, l.bytes);
    out.set(i.digest, i.manifest);
  };
  if (a.kind === 'image') image(a);
  else {
    for (const c of a.children) image(c);
    out.set(a.digest, a.bytes);
  }
  return out;
}

/** Bytes of the distinct blobs (configs and layers, not manifests) of some artifacts. */
export function blobBytes(artifacts: readonly Artifact[]): number {
  const seen = new Map<string, number>();
  for (const a of artifacts) {
    const images = a.kind === 'image' ? [a] : a.children;
    for (const i of images) {
      seen.set(sha256(i.config), i.config.length);
      for (const l of i.layers) seen.set(l.digest, l.bytes.length);
    }
  }
  let total = 0;
  for (const n of seen.values()) total += n;
  return total;
}

/**
 * An OCI image layout on disk, written incrementally (blobs already present are not rewritten), so
 * large sets can be generated one image at a time. `close()` writes index.json.
 */
export class OciLayout {
  private readonly refs: { mediaType: string; digest: string; size: number; annotations: Record<string, string> }[] = [];

  private constructor(readonly dir: string) {}

  static async create(dir: string): Promise<OciLayout> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    return new OciLayout(dir);
  }

  /** Adds `artifact` under `tag` (a tag may be added once). OCI artifacts only: skopeo's oci transport finds no other. */
  async add(tag: string, artifact: Artifact): Promise<void> {
    if (artifact.format !== 'oci') throw new Error(`an OCI layout cannot name a Docker ${artifact.kind} (tag ${tag}): use writeDir`);
    if (this.refs.some((r) => r.annotations['org.opencontainers.image.ref.name'] === tag)) throw new Error(`layout ${this.dir} already has tag ${tag}`);
    for (const [digest, bytes] of contentOf(artifact)) {
      const file = join(this.dir, 'blobs', 'sha256', digest.slice(7));
      if (!existsSync(file)) await writeFile(file, bytes);
    }
    const m = manifestOf(artifact);
    this.refs.push({ mediaType: artifact.mediaType, digest: artifact.digest, size: m.length, annotations: { 'org.opencontainers.image.ref.name': tag } });
  }

  async close(): Promise<void> {
    await writeFile(join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: this.refs }));
  }
}

/** Writes a layout holding `tags` (tag → artifact) in one go. */
export async function writeLayout(dir: string, tags: Readonly<Record<string, Artifact>>): Promise<void> {
  const layout = await OciLayout.create(dir);
  for (const [tag, a] of Object.entries(tags)) await layout.add(tag, a);
  await layout.close();
}

/**
 * Writes `artifact` in skopeo's `dir:` transport format (any media type: Docker schema 2 included):
 * `manifest.json`, one `<hex>.manifest.json` per child of an index, blobs named by their hex digest.
 */
export async function writeDir(dir: string, artifact: Artifact): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'version'), 'Directory Transport Version: 1.1\n');
  const images = artifact.kind === 'image' ? [artifact] : artifact.children;
  for (const i of images) {
    await writeFile(join(dir, sha256(i.config).slice(7)), i.config);
    for (const l of i.layers) await writeFile(join(dir, l.digest.slice(7)), l.bytes);
    if (artifact.kind === 'index') await writeFile(join(dir, `${i.digest.slice(7)}.manifest.json`), i.manifest);
  }
  await writeFile(join(dir, 'manifest.json'), manifestOf(artifact));
}

// ---- skopeo --------------------------------------------------------------------------------

async function found(cmd: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

/** Whether skopeo is on PATH (tests `describe.skipIf(!hasSkopeo)` with a reason in their title). */
export const hasSkopeo = await found('skopeo');

/** Why the skopeo tests skip, for their titles. */
export const SKOPEO_SKIP_REASON = hasSkopeo ? '' : ' [SKIPPED: skopeo is not installed; apt-get install skopeo, or run .ci/run as root]';

/** Runs `skopeo --insecure-policy ARGS`; stdout as bytes (raw manifests must not be re-encoded). */
export async function skopeo(args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<{ stdout: Buffer; stderr: string }> {
  try {
    const r = await run('skopeo', ['--insecure-policy', ...args], { timeout: opts.timeoutMs ?? 120_000, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    return { stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    // Arguments never hold secrets (logins travel in auth files), so they can be shown.
    throw new Error(`skopeo ${args.join(' ')} failed: ${e.stderr?.toString('utf8').trim() || e.message}`);
  }
}

/** A registry as skopeo addresses it: `host:port` and an auth file with a login for it. */
export interface Registry {
  readonly host: string;
  readonly authfile: string;
}

export interface Login {
  readonly username: string;
  readonly password: string;
}

/** Adds (or replaces) the login for `host` in a containers auth file (`{"auths":{host:{auth}}}`), mode 0600. */
export async function writeAuthFile(file: string, host: string, login: Login): Promise<void> {
  let doc: { auths: Record<string, { auth: string }> } = { auths: {} };
  if (existsSync(file)) doc = JSON.parse(await readFile(file, 'utf8')) as typeof doc;
  doc.auths[host] = { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') };
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

async function registryHost(t: EmulatorHandle, query: string): Promise<string> {
  const r = await t.admin<{ registry: string; error?: string }>('GET', `/_emulator/registry?${query}`);
  if (r.status !== 200) throw new Error(`registry lookup ${query} answered ${r.status}: ${r.body.error ?? ''}`);
  return r.body.registry;
}

/** A region's Personal Edition registry, with a login from `GET /tokens` of the account `keys`. */
export async function peRegistry(t: EmulatorHandle, keys: AccountKeys, region: string, authfile: string, network?: 'internet' | 'vpc'): Promise<Registry> {
  const host = await registryHost(t, `personal=${region}${network !== undefined ? `&network=${network}` : ''}`);
  const b = await t.callRoa(region, 'GetAuthorizationToken', 'GET', '/tokens', keys);
  const d = b['data'] as { tempUserName: string; authorizationToken: string };
  await writeAuthFile(authfile, host, { username: d.tempUserName, password: d.authorizationToken });
  return { host, authfile };
}

/** An EE instance's registry, with a login from cr GetAuthorizationToken. */
export async function eeRegistry(t: EmulatorHandle, keys: AccountKeys, region: string, instanceId: string, authfile: string): Promise<Registry> {
  const host = await registryHost(t, `instance=${instanceId}`);
  const b = await t.callRpc('cr', region, 'GetAuthorizationToken', { InstanceId: instanceId }, keys);
  await writeAuthFile(authfile, host, { username: b['TempUsername'] as string, password: b['AuthorizationToken'] as string });
  return { host, authfile };
}

/** Pushes `oci:LAYOUT:TAG` to `REGISTRY/ref` (`ns/repo:tag`), all children of an index included, digests preserved. */
export async function pushFromLayout(layoutDir: string, tag: string, reg: Registry, ref: string): Promise<void> {
  await skopeo(['copy', '--all', '--preserve-digests', '--quiet', '--dest-tls-verify=false', '--dest-authfile', reg.authfile, `oci:${layoutDir}:${tag}`, `docker://${reg.host}/${ref}`]);
}

/** Writes `artifact` (OCI or Docker) to a fresh `dir:` image under `work` and pushes it to `REGISTRY/ref`, digests preserved. */
export async function pushArtifact(work: string, reg: Registry, ref: string, artifact: Artifact): Promise<void> {
  const dir = await mkdtemp(join(work, 'push-'));
  try {
    await writeDir(dir, artifact);
    await skopeo(['copy', '--all', '--preserve-digests', '--quiet', '--dest-tls-verify=false', '--dest-authfile', reg.authfile, `dir:${dir}`, `docker://${reg.host}/${ref}`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Tags of `REGISTRY/repo` through the registry protocol (skopeo list-tags). */
export async function listTags(reg: Registry, repo: string): Promise<string[]> {
  const r = await skopeo(['list-tags', '--tls-verify=false', '--authfile', reg.authfile, `docker://${reg.host}/${repo}`]);
  return ((JSON.parse(r.stdout.toString('utf8')) as { Tags: string[] | null }).Tags ?? []).sort();
}

/** The raw manifest `REGISTRY/ref` serves (skopeo inspect --raw), byte for byte. */
export async function rawManifest(reg: Registry, ref: string): Promise<Buffer> {
  return (await skopeo(['inspect', '--raw', '--tls-verify=false', '--authfile', reg.authfile, `docker://${reg.host}/${ref}`])).stdout;
}

/**
 * Pulls `REGISTRY/ref` with skopeo (`copy --all` into a `dir:` image, which takes any media type
 * unchanged) and lists every difference from `expected`: the manifest served under the tag, and each
 * child manifest and blob pulled, byte for byte. An empty list means the registry serves exactly the
 * expected image.
 */
export async function pullProblems(work: string, reg: Registry, ref: string, expected: Artifact): Promise<string[]> {
  const problems: string[] = [];
  const raw = await rawManifest(reg, ref);
  if (!raw.equals(manifestOf(expected))) problems.push(`${ref}: manifest is ${sha256(raw)}, expected ${expected.digest}`);
  const dir = await mkdtemp(join(work, 'pull-'));
  try {
    await skopeo(['copy', '--all', '--preserve-digests', '--quiet', '--src-tls-verify=false', '--src-authfile', reg.authfile, `docker://${reg.host}/${ref}`, `dir:${dir}`]);
    const children = new Set(expected.kind === 'index' ? expected.children.map((c) => c.digest) : []);
    for (const [digest, bytes] of contentOf(expected)) {
      const name = digest === expected.digest ? 'manifest.json' : children.has(digest) ? `${digest.slice(7)}.manifest.json` : digest.slice(7);
      const file = join(dir, name);
      if (!existsSync(file)) problems.push(`${ref}: ${digest} was not pulled`);
      else if (!(await readFile(file)).equals(bytes)) problems.push(`${ref}: ${digest} pulled with different bytes`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return problems;
}
