/**
 * The image copy engine: copies one tagged image (a manifest, or an index/list with its children)
 * from a registry to another, or within one, over the Distribution API.
 *
 * Contract of {@link ImageCopier.copy} (issue #6):
 * - the target tag already at the source digest → `skipped-same-digest`, nothing uploaded;
 * - the target tag at another digest → `overwritten` when `overwrite`, else `skipped-conflict` and the
 *   target is not touched at all (no blob, no manifest);
 * - children of an index are written (by digest) before the index, blobs before their manifest;
 *   a child manifest already in the target repository is not copied again;
 * - a blob already in the target repository (HEAD) is never uploaded; a blob that another
 *   repository of the same registry holds (the source repository, or one this copier put it in)
 *   is cross-repository mounted, with a fall back to an upload when the registry declines;
 * - a blob wanted by several copies running through one copier at once moves once (in-flight
 *   de-duplication per registry + repository + digest; per registry + digest where a mount follows);
 * - blobs stream GET → PUT through a sha256 check: bytes whose digest is not the descriptor's abort
 *   the upload before it is committed; nothing is buffered whole except manifests;
 * - at most `concurrency` blob transfers run at once across every copy of one copier;
 * - 429, 5xx, reset connections and expired tokens redo the whole blob transfer (or manifest
 *   request) with exponential backoff and jitter, up to `retry.maxAttempts`.
 * Manifests are pushed byte for byte, so digests are preserved.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { backoffDelay, type RetryPolicy } from '../cloud/retry.js';
import { AbortScope } from './abort.js';
import type { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { nodeBody } from './http.js';
import { DIGEST_RE, parseManifest, sha256, type Descriptor, type ParsedManifest } from './manifest.js';
import type { RegistryClients } from './session.js';
import { MANIFEST_ACCEPT, type CopyOutcome, type CopyProgress, type CopyResult, type ImageRef, type RegistryTarget } from './types.js';

export interface CopierRetryPolicy {
  /** Attempts per blob transfer or manifest request, the first included; default 5. */
  readonly maxAttempts: number;
  /** Base of the exponential backoff; default 250 ms. */
  readonly baseDelayMs: number;
  /** Cap of one delay (a server's Retry-After included); default 15 s. */
  readonly maxDelayMs: number;
}

export interface ImageCopierOptions {
  /** Blob transfers in flight across every copy of this copier; default 8. */
  readonly concurrency?: number;
  readonly retry?: Partial<CopierRetryPolicy>;
  readonly signal?: AbortSignal;
  /**
   * Blobs larger than this go up in PATCH chunks of this size (then `PUT ?digest=`); smaller ones in
   * one streamed `PUT ?digest=`. Default 64 MiB.
   */
  readonly chunkBytes?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface CopyOptions {
  readonly overwrite: boolean;
  /** Bytes as they stream (every attempt's bytes: a retried blob reports its bytes again). */
  readonly onProgress?: (p: CopyProgress) => void;
}

const DEFAULT_RETRY: CopierRetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 15_000 };
const DEFAULT_CHUNK = 64 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A counting semaphore; waiters are served in order. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = Math.max(1, Math.floor(size));
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#free++;
    }
  }
}

/** A manifest read from a registry, verified against its digest. */
interface FetchedManifest {
  readonly bytes: Uint8Array;
  readonly digest: string;
  readonly parsed: ParsedManifest;
}

/** A manifest and its children (for an index), read from the source. */
interface ManifestTree {
  readonly manifest: FetchedManifest;
  readonly children: readonly ManifestTree[];
}

type BlobOutcome = 'copied' | 'skipped' | 'mounted';

interface Tally {
  bytesMoved: number;
  copied: number;
  skipped: number;
  mounted: number;
  manifests: number;
}

/** Copies images between registries; one copier shares its concurrency and de-duplication. */
export class ImageCopier {
  readonly #clients: RegistryClients;
  /** Blob transfers moving bytes (`concurrency`). */
  readonly #slots: Slots;
  /** Upload sessions open, waiting for a slot or moving bytes (2 × `concurrency`). */
  readonly #sessions: Slots;
  readonly #retry: CopierRetryPolicy;
  /** The run's signal, fanned out: one signal per operation (abort.ts says why). */
  readonly #scope: AbortScope;
  readonly #chunkBytes: number;
  readonly #sleep: ((ms: number) => Promise<void>) | undefined;
  readonly #random: () => number;
  /** registry|repo|digest → the transfer putting that blob there (kept once done: known present). */
  readonly #blobs = new Map<string, Promise<BlobOutcome>>();
  /** registry|digest → the repositories of that registry known to hold the blob, or about to. */
  readonly #holders = new Map<string, Map<string, Promise<BlobOutcome>>>();

  constructor(clients: RegistryClients, opts: ImageCopierOptions = {}) {
    this.#clients = clients;
    this.#slots = new Slots(opts.concurrency ?? 8);
    this.#sessions = new Slots(2 * (opts.concurrency ?? 8));
    this.#retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.#scope = new AbortScope(opts.signal);
    this.#chunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK);
    this.#sleep = opts.sleep;
    this.#random = opts.random ?? Math.random;
  }

  /** Copies `from` to `to.repo:to.tag` following the contract above. */
  async copy(
    from: { readonly target: RegistryTarget; readonly image: ImageRef },
    to: { readonly target: RegistryTarget; readonly repo: string; readonly tag: string },
    opts: CopyOptions,
  ): Promise<CopyResult> {
    const src = await this.#clients.for(from.target);
    const dst = await this.#clients.for(to.target);
    const what = `${from.image.repo}:${from.image.reference}`;
    const tree = await this.#readTree(src, from.image.repo, from.image.reference, what);
    const top = tree.manifest;
    const bytesTotal = treeBytes(tree);
    const existing = await this.#retrying((signal) => headManifestDigest(dst, to.repo, to.tag, signal));
    const base = { digest: top.digest, mediaType: top.parsed.mediaType, bytesTotal, ...(existing !== undefined ? { targetDigest: existing } : {}) };
    const tally: Tally = { bytesMoved: 0, copied: 0, skipped: 0, mounted: 0, manifests: 0 };
    const result = (outcome: CopyOutcome): CopyResult => ({
      outcome,
      ...base,
      bytesMoved: tally.bytesMoved,
      blobs: { copied: tally.copied, skipped: tally.skipped, mounted: tally.mounted },
      manifests: tally.manifests,
    });
    if (existing === top.digest) return result('skipped-same-digest');
    if (existing !== undefined && !opts.overwrite) return result('skipped-conflict');
    const ctx: CopyContext = { src, srcRepo: from.image.repo, dst, dstRepo: to.repo, tally, onProgress: opts.onProgress };
    await Promise.all(tree.children.map((child) => this.#copyTree(ctx, child)));
    await this.#copyManifestContent(ctx, top);
    await this.#putManifest(ctx, top, to.tag);
    return result(existing === undefined ? 'copied' : 'overwritten');
  }

  /** The digest, media type and total size of an image; undefined when the tag or repository is unknown. */
  async inspect(target: RegistryTarget, image: ImageRef): Promise<{ digest: string; mediaType: string; bytesTotal: number } | undefined> {
    const client = await this.#clients.for(target);
    const what = `${image.repo}:${image.reference}`;
    try {
      const tree = await this.#readTree(client, image.repo, image.reference, what);
      return { digest: tree.manifest.digest, mediaType: tree.manifest.parsed.mediaType, bytesTotal: treeBytes(tree) };
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'registry.not-found') return undefined;
      throw err;
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  async #readTree(client: RegistryClient, repo: string, reference: string, what: string): Promise<ManifestTree> {
    const manifest = await this.#retrying((signal) => getManifest(client, repo, reference, what, signal));
    if (manifest.parsed.kind === 'image') return { manifest, children: [] };
    // Nested indexes are legal OCI: they are read, and later written, the same way (deepest first).
    const children = await Promise.all(
      manifest.parsed.children.map((d) =>
        this.#readTree(client, repo, d.digest, `${repo}@${d.digest}`).catch((err: unknown) => {
          if (!(err instanceof RegistryError && err.code === 'registry.not-found')) throw err;
          throw new RegistryError('registry.manifest', `the index ${what} lists ${d.digest}, which ${client.name} does not have`, {
            hint: 'the source image is incomplete: push the missing platform again, or copy another tag',
          });
        }),
      ),
    );
    return { manifest, children };
  }

  // ---- writing ------------------------------------------------------------------------------

  /** Copies a child manifest (and its own children) by digest, unless the target already has it. */
  async #copyTree(ctx: CopyContext, tree: ManifestTree): Promise<void> {
    const have = await this.#retrying((signal) => headManifestDigest(ctx.dst, ctx.dstRepo, tree.manifest.digest, signal));
    if (have === tree.manifest.digest) return;
    await Promise.all(tree.children.map((c) => this.#copyTree(ctx, c)));
    await this.#copyManifestContent(ctx, tree.manifest);
    await this.#putManifest(ctx, tree.manifest, tree.manifest.digest);
  }

  /** Makes every blob of an image manifest present in the target repository. */
  async #copyManifestContent(ctx: CopyContext, m: FetchedManifest): Promise<void> {
    if (m.parsed.kind !== 'image') return;
    const seen = new Set<string>();
    const blobs = m.parsed.blobs.filter((d) => (seen.has(d.digest) ? false : (seen.add(d.digest), true)));
    const outcomes = await Promise.all(blobs.map((d) => this.#ensureBlob(ctx, d)));
    outcomes.forEach((o, i) => {
      ctx.tally[o]++;
      if (o === 'copied') ctx.tally.bytesMoved += blobs[i]?.size ?? 0;
    });
  }

  async #putManifest(ctx: CopyContext, m: FetchedManifest, reference: string): Promise<void> {
    await this.#retrying(async (signal) => {
      const path = `/v2/${ctx.dstRepo}/manifests/${reference}`;
      const res = await ctx.dst.send('PUT', path, {
        op: 'manifest.put',
        scopes: [pushScope(ctx.dstRepo)],
        headers: { 'content-type': m.parsed.mediaType },
        body: m.bytes,
        ...signalOpt(signal),
      });
      if (res.status !== 201 && res.status !== 200 && res.status !== 202) throw await ctx.dst.fail('PUT', path, res, `writing manifest ${reference} of ${ctx.dstRepo}`);
      await res.arrayBuffer();
      const said = res.headers.get('docker-content-digest');
      if (said !== null && said !== m.digest) {
        throw new RegistryError('registry.digest', `${ctx.dst.name} stored manifest ${reference} of ${ctx.dstRepo} as ${said}, not ${m.digest}`, {
          detail: 'the registry changed the manifest bytes; the image would not keep its digest',
        });
      }
    });
    ctx.tally.manifests++;
  }

  /** One blob into the target repository: de-duplicated, bounded, retried. */
  async #ensureBlob(ctx: CopyContext, d: Descriptor): Promise<BlobOutcome> {
    const key = `${ctx.dst.key}|${ctx.dstRepo}|${d.digest}`;
    const running = this.#blobs.get(key);
    if (running !== undefined) {
      // Another copy put (or is putting) this blob in this repository: it moves once.
      const ok = await running.then(
        () => true,
        () => false,
      );
      if (ok) return 'skipped';
    }
    const holdersKey = `${ctx.dst.key}|${d.digest}`;
    let holders = this.#holders.get(holdersKey);
    if (holders === undefined) {
      holders = new Map();
      this.#holders.set(holdersKey, holders);
    }
    // A transfer of the same blob into another repository of this registry: wait for it (outside any
    // slot, so waiting never holds one), then mount from there.
    const others = [...holders].filter(([repo]) => repo !== ctx.dstRepo);
    const mine = (async (): Promise<BlobOutcome> => {
      let from: string | undefined;
      for (const [repo, p] of others) {
        if (await p.then(() => true, () => false)) {
          from = repo;
          break;
        }
      }
      if (from === undefined && ctx.src.key === ctx.dst.key && ctx.srcRepo !== ctx.dstRepo) from = ctx.srcRepo;
      return this.#retrying((signal) => this.#transferOnce(ctx, d, from, signal));
    })();
    this.#blobs.set(key, mine);
    holders.set(ctx.dstRepo, mine);
    mine.catch(() => {
      if (this.#blobs.get(key) === mine) this.#blobs.delete(key);
      if (holders.get(ctx.dstRepo) === mine) holders.delete(ctx.dstRepo);
    });
    return mine;
  }

  /**
   * One attempt: HEAD, then mount, then a streamed upload. Throws retryable errors to be redone whole.
   * Only the source GET and the upload hold one of the `concurrency` slots (the bytes are what the
   * bound is for): the existence check, the mount and opening the upload session are small requests,
   * like manifests, made before the slot is taken, and a backoff between attempts holds no slot
   * either. So a slot waits one round trip (the GET) before its bytes flow, not three.
   */
  async #transferOnce(ctx: CopyContext, d: Descriptor, mountFrom: string | undefined, signal: AbortSignal | undefined): Promise<BlobOutcome> {
    const { dst, dstRepo } = ctx;
    const blobPath = `/v2/${dstRepo}/blobs/${d.digest}`;
    const head = await dst.send('HEAD', blobPath, { op: 'blob.head', scopes: [pushScope(dstRepo)], ...signalOpt(signal) });
    await head.arrayBuffer();
    if (head.status === 200) return 'skipped';
    if (head.status !== 404) throw await dst.fail('HEAD', blobPath, head, `checking blob ${d.digest} in ${dstRepo}`);

    let location: string | undefined;
    const uploads = `/v2/${dstRepo}/blobs/uploads/`;
    if (mountFrom !== undefined) {
      const path = `${uploads}?mount=${encodeURIComponent(d.digest)}&from=${encodeURIComponent(mountFrom)}`;
      let res: Response | undefined;
      try {
        res = await dst.send('POST', path, { op: 'upload.mount', scopes: [pushScope(dstRepo), pullScope(mountFrom)], ...signalOpt(signal) });
      } catch (err) {
        // No pull right on the other repository (another account's, on a shared Personal Edition
        // registry): not an error, the blob is uploaded instead.
        if (!(err instanceof RegistryError && err.status === 401)) throw err;
      }
      if (res !== undefined) {
        await res.arrayBuffer();
        if (res.status === 201) return 'mounted';
        if (res.status === 202) location = res.headers.get('location') ?? undefined;
        else if (res.status !== 403 && res.status !== 404) throw await dst.fail('POST', path, res, `mounting blob ${d.digest} into ${dstRepo}`);
      }
    }
    // An open upload session waits for a byte slot: at most twice `concurrency` are open at once, so
    // the next transfers are ready when a slot frees, and no registry sees hundreds of idle sessions.
    const opened = location;
    return this.#sessions.run(async () => {
      const session = opened ?? (await this.#startUpload(ctx, d, signal));
      try {
        await this.#slots.run(async () => this.#upload(ctx, d, session, await this.#download(ctx, d, signal), signal));
      } catch (err) {
        await cancelUpload(dst, dstRepo, session);
        throw err;
      }
      return 'copied' as const;
    });
  }

  /** Opens an upload session in the target repository; its Location. */
  async #startUpload(ctx: CopyContext, d: Descriptor, signal: AbortSignal | undefined): Promise<string> {
    const { dst, dstRepo } = ctx;
    const uploads = `/v2/${dstRepo}/blobs/uploads/`;
    const res = await dst.send('POST', uploads, { op: 'upload.start', scopes: [pushScope(dstRepo)], ...signalOpt(signal) });
    if (res.status !== 202) throw await dst.fail('POST', uploads, res, `starting an upload of ${d.digest} to ${dstRepo}`);
    await res.arrayBuffer();
    const location = res.headers.get('location') ?? undefined;
    if (location === undefined) throw new RegistryError('registry.protocol', `${dst.name} started an upload without a Location header`);
    return location;
  }

  /** The source blob's body, not yet read, as a node stream (http.ts's nodeBody). */
  async #download(ctx: CopyContext, d: Descriptor, signal: AbortSignal | undefined): Promise<Readable> {
    const { src, srcRepo } = ctx;
    const getPath = `/v2/${srcRepo}/blobs/${d.digest}`;
    const res = await src.send('GET', getPath, { op: 'blob.get', scopes: [pullScope(srcRepo)], follow: true, ...signalOpt(signal) });
    if (res.status !== 200) throw await src.fail('GET', getPath, res, `reading blob ${d.digest} of ${srcRepo}`);
    if (res.body === null) throw new RegistryError('registry.protocol', `${src.name} answered blob ${d.digest} without a body`);
    return nodeBody(res);
  }

  /** Streams the source blob's body into the upload session at `location`, verifying its digest. */
  async #upload(ctx: CopyContext, d: Descriptor, location: string, body: Readable, signal: AbortSignal | undefined): Promise<void> {
    const { src, srcRepo, dst, dstRepo } = ctx;
    const verified = new Verifier(d, `${srcRepo}@${d.digest} on ${src.name}`, ctx.onProgress);
    // Errors travel both ways: a cut download fails the upload, a failed upload closes the download.
    pipeline(body, verified, () => undefined);
    try {
      await this.#send(ctx, d, location, verified, signal);
    } finally {
      verified.destroy();
    }
  }

  async #send(ctx: CopyContext, d: Descriptor, location: string, verified: Readable, signal: AbortSignal | undefined): Promise<void> {
    const { dst, dstRepo } = ctx;
    if (d.size <= this.#chunkBytes) {
      const url = withDigest(dst.url(location), d.digest);
      const put = await dst.send('PUT', url, {
        op: 'upload.put',
        scopes: [pushScope(dstRepo)],
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(d.size) },
        body: verified,
        ...signalOpt(signal),
      }).catch((err: unknown) => {
        throw verifyFailure(err) ?? err;
      });
      if (put.status !== 201 && put.status !== 204) throw await uploadFailure(dst, 'PUT', url, put, `uploading blob ${d.digest} to ${dstRepo}`);
      await put.arrayBuffer();
      return;
    }
    // Chunked: PATCH slices of the one verified stream, then PUT ?digest= with no body.
    const slicer = new Slicer(verified);
    let offset = 0;
    let loc = location;
    while (offset < d.size) {
      const n = Math.min(this.#chunkBytes, d.size - offset);
      const url = dst.url(loc);
      const patch = await dst
        .send('PATCH', url, {
          op: 'upload.patch',
          scopes: [pushScope(dstRepo)],
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(n), 'content-range': `${offset}-${offset + n - 1}` },
          body: slicer.take(n),
          ...signalOpt(signal),
        })
        .catch((err: unknown) => {
          throw verifyFailure(err) ?? err;
        });
      if (patch.status !== 202 && patch.status !== 204) throw await uploadFailure(dst, 'PATCH', url, patch, `uploading blob ${d.digest} to ${dstRepo}`);
      await patch.arrayBuffer();
      loc = patch.headers.get('location') ?? loc;
      offset += n;
    }
    // The digest check runs when the source stream ends: read to the end before committing.
    await slicer.finish();
    const url = withDigest(dst.url(loc), d.digest);
    const put = await dst.send('PUT', url, { op: 'upload.put', scopes: [pushScope(dstRepo)], headers: { 'content-length': '0' }, ...signalOpt(signal) });
    if (put.status !== 201 && put.status !== 204) throw await uploadFailure(dst, 'PUT', url, put, `finishing the upload of ${d.digest} to ${dstRepo}`);
    await put.arrayBuffer();
  }

  // ---- retries ------------------------------------------------------------------------------

  /** Runs `fn` with retries, under a signal of its own that the run's signal aborts. */
  #retrying<T>(fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const policy: RetryPolicy = { maxAttempts: this.#retry.maxAttempts, baseDelayMs: this.#retry.baseDelayMs, maxDelayMs: this.#retry.maxDelayMs, retryAfterUnitMs: 1 };
    return this.#scope.run(async (signal) => {
      for (let attempt = 1; ; attempt++) {
        if (this.#scope.aborted) throw new RegistryError('registry.aborted', 'the copy was cancelled');
        try {
          return await fn(signal);
        } catch (err) {
          // Once cancelled, every failure is the cancellation (whatever the request met on its way out).
          if (this.#scope.aborted) throw err instanceof RegistryError && err.code === 'registry.aborted' ? err : new RegistryError('registry.aborted', 'the copy was cancelled', { cause: err });
          const retryable = err instanceof RegistryError && err.retryable;
          if (!retryable || attempt >= Math.max(1, this.#retry.maxAttempts)) throw err;
          this.#clients.requests.recordRetry();
          const wait = backoffDelay(attempt, policy, this.#random, err.retryAfterMs);
          if (wait > 0) {
            const sleeping = this.#sleep !== undefined ? this.#sleep(wait) : delay(wait, undefined, signalOpt(signal)).then(() => undefined);
            await sleeping.catch((cause: unknown) => {
              throw this.#scope.aborted ? new RegistryError('registry.aborted', 'the copy was cancelled', { cause }) : cause;
            });
          }
        }
      }
    });
  }
}

interface CopyContext {
  readonly src: RegistryClient;
  readonly srcRepo: string;
  readonly dst: RegistryClient;
  readonly dstRepo: string;
  readonly tally: Tally;
  readonly onProgress: ((p: CopyProgress) => void) | undefined;
}

function signalOpt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal !== undefined ? { signal } : {};
}

function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}
function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}

function withDigest(url: string, digest: string): string {
  const u = new URL(url);
  u.searchParams.set('digest', digest);
  return u.toString();
}

function treeBytes(tree: ManifestTree): number {
  const m = tree.manifest;
  let total = m.bytes.length;
  if (m.parsed.kind === 'image') {
    const seen = new Set<string>();
    for (const b of m.parsed.blobs) {
      if (seen.has(b.digest)) continue;
      seen.add(b.digest);
      total += b.size;
    }
  }
  for (const c of tree.children) total += treeBytes(c);
  return total;
}

/** The digest the target tag points at (HEAD, GET when the registry omits the header); undefined when absent. */
async function headManifestDigest(client: RegistryClient, repo: string, reference: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  const path = `/v2/${repo}/manifests/${reference}`;
  const res = await client.send('HEAD', path, { op: 'manifest.head', scopes: [pushScope(repo)], headers: { accept: MANIFEST_ACCEPT.join(', ') }, ...(signal !== undefined ? { signal } : {}) });
  await res.arrayBuffer();
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw await client.fail('HEAD', path, res, `checking ${repo}:${reference}`);
  const said = res.headers.get('docker-content-digest');
  if (said !== null && DIGEST_RE.test(said)) return said;
  const got = await client.send('GET', path, { op: 'manifest.get', scopes: [pushScope(repo)], headers: { accept: MANIFEST_ACCEPT.join(', ') }, ...(signal !== undefined ? { signal } : {}) });
  if (got.status === 404) return undefined;
  if (got.status !== 200) throw await client.fail('GET', path, got, `reading ${repo}:${reference}`);
  return sha256(new Uint8Array(await got.arrayBuffer()));
}

/** Reads and verifies a manifest; RegistryError `registry.not-found` when the repository or reference is unknown. */
async function getManifest(client: RegistryClient, repo: string, reference: string, what: string, signal: AbortSignal | undefined): Promise<FetchedManifest> {
  const path = `/v2/${repo}/manifests/${reference}`;
  const res = await client.send('GET', path, { op: 'manifest.get', scopes: [pullScope(repo)], headers: { accept: MANIFEST_ACCEPT.join(', ') }, ...(signal !== undefined ? { signal } : {}) });
  if (res.status === 404) {
    await res.arrayBuffer();
    throw new RegistryError('registry.not-found', `${what} does not exist in ${client.name}`, { status: 404 });
  }
  if (res.status !== 200) throw await client.fail('GET', path, res, `reading manifest ${what}`);
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > MAX_MANIFEST_BYTES) throw new RegistryError('registry.manifest', `the manifest of ${what} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const digest = sha256(bytes);
  const said = res.headers.get('docker-content-digest');
  if (reference.startsWith('sha256:') && digest !== reference) {
    throw new RegistryError('registry.digest', `manifest ${what} read from ${client.name} has digest ${digest}, not ${reference}`, { retryable: true });
  }
  if (said !== null && DIGEST_RE.test(said) && said !== digest) {
    throw new RegistryError('registry.digest', `manifest ${what} read from ${client.name} has digest ${digest}, but the registry says ${said}`, { retryable: true });
  }
  return { bytes, digest, parsed: parseManifest(bytes, res.headers.get('content-type'), what) };
}

/**
 * The error for a refused upload request. An upload session the registry no longer knows
 * (`BLOB_UPLOAD_UNKNOWN`: it expired, say, while the transfer waited for a slot) makes the whole
 * transfer worth redoing with a new session: retryable.
 */
async function uploadFailure(client: RegistryClient, method: string, url: string, res: Response, what: string): Promise<RegistryError> {
  const err = await client.fail(method, url, res, what);
  if (res.status !== 404 || err.registryCode !== 'BLOB_UPLOAD_UNKNOWN') return err;
  return new RegistryError(err.code, `${err.message} (the upload session is gone; the transfer is redone with a new one)`, { status: 404, retryable: true, registryCode: 'BLOB_UPLOAD_UNKNOWN', cause: err });
}

async function cancelUpload(client: RegistryClient, repo: string, location: string): Promise<void> {
  try {
    const res = await client.send('DELETE', client.url(location), { op: 'upload.cancel', scopes: [pushScope(repo)] });
    await res.arrayBuffer();
  } catch {
    // Best effort: an abandoned upload session expires on the registry; nothing was committed.
  }
}

/** A digest mismatch found while streaming; carried through fetch's own error wrapping. */
class DigestMismatch extends RegistryError {}

function verifyFailure(err: unknown): RegistryError | undefined {
  for (let e: unknown = err, i = 0; e !== undefined && e !== null && i < 6; i++) {
    if (e instanceof DigestMismatch) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A pass-through stream that hashes and counts the bytes. It holds the latest chunk back until the
 * next one arrives, and releases the last only once the whole content matched the descriptor's
 * digest and size: on a mismatch the stream errors with the final bytes unsent, so the upload
 * carrying it can never be complete, let alone committed. (A node Transform: the blob path is node
 * streams end to end, see http.ts.)
 */
class Verifier extends Transform {
  readonly #hash = createHash('sha256');
  #size = 0;
  #held: Buffer | undefined;

  constructor(
    private readonly d: Descriptor,
    private readonly what: string,
    private readonly onProgress: ((p: CopyProgress) => void) | undefined,
  ) {
    super();
  }

  #release(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    this.push(held);
    this.onProgress?.({ bytes: held.byteLength });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (chunk.byteLength === 0) return cb();
    this.#size += chunk.byteLength;
    if (this.#size > this.d.size) return cb(new DigestMismatch('registry.digest', `blob ${this.what} is longer than its descriptor's ${this.d.size} bytes`, { retryable: true }));
    this.#hash.update(chunk);
    this.#release();
    this.#held = chunk;
    cb();
  }

  override _flush(cb: TransformCallback): void {
    const got = `sha256:${this.#hash.digest('hex')}`;
    if (this.#size !== this.d.size || got !== this.d.digest) {
      return cb(
        new DigestMismatch('registry.digest', `blob ${this.what} does not match its digest: read ${this.#size} of ${this.d.size} bytes, hashing to ${got}`, {
          retryable: true,
          detail: 'the source served corrupt or truncated content; the upload was abandoned before it was committed',
        }),
      );
    }
    this.#release();
    cb();
  }
}

/** Cuts one stream into consecutive bodies of given sizes (for PATCH chunks). */
class Slicer {
  #rest: Buffer | undefined;
  readonly #chunks: AsyncIterator<Buffer>;

  constructor(source: Readable) {
    this.#chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  take(n: number): Readable {
    const next = async (): Promise<Buffer | undefined> => {
      const rest = this.#rest;
      this.#rest = undefined;
      if (rest !== undefined) return rest;
      const r = await this.#chunks.next();
      return r.done === true ? undefined : r.value;
    };
    const keep = (b: Buffer): void => {
      this.#rest = b;
    };
    return Readable.from(
      (async function* (): AsyncGenerator<Buffer> {
        let left = n;
        while (left > 0) {
          let chunk = await next();
          if (chunk === undefined) throw new DigestMismatch('registry.digest', "the source blob ended before its descriptor's size", { retryable: true });
          if (chunk.byteLength > left) {
            keep(chunk.subarray(left));
            chunk = chunk.subarray(0, left);
          }
          left -= chunk.byteLength;
          yield chunk;
        }
      })(),
      { objectMode: false },
    );
  }

  /** Reads to the end (running the digest check); throws the mismatch, if any. */
  async finish(): Promise<void> {
    if (this.#rest !== undefined && this.#rest.byteLength > 0) throw new DigestMismatch('registry.digest', 'the source blob is longer than its descriptor', { retryable: true });
    const r = await this.#chunks.next();
    if (r.done !== true) throw new DigestMismatch('registry.digest', 'the source blob is longer than its descriptor', { retryable: true });
  }
}
