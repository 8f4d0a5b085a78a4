/**
 * The content-addressed store behind every emulated registry: one store per emulator, shared by
 * all EE instances and Personal Edition regions (repositories link into it; see artifacts.ts), so
 * a blob pushed twice, mounted or replicated is stored once.
 *
 * Owns: blob bytes and upload sessions. Two implementations:
 * - `DirBlobStore`: files `<dir>/sha256/<hex>` (written to `<dir>/uploads/<uuid>`, fsynced, then
 *   renamed, so a crash never leaves a torn blob under its digest); used next to a state file
 *   (`<state>.blobs/`), so blobs survive a restart while the JSON state stays small;
 * - `MemoryBlobStore`: buffers, when the emulator has no state file.
 *
 * Invariants: a blob is readable under a digest only if its bytes hash to it; upload sessions live
 * in memory (an upload in flight does not survive a restart); streaming never buffers a whole
 * upload in the directory store. An upload session that saw no request for longer than the idle
 * time ({@link UploadExpiry}, emulated clock) is abandoned: it is discarded (its bytes deleted) and
 * unknown from then on; one with a chunk still arriving never expires.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** An upload in progress: bytes appended so far and their running hash. */
export interface UploadSession {
  readonly uuid: string;
  /** `ee:<instanceId>` or `pe:<region>`: uploads belong to one registry. */
  readonly registry: string;
  /** `namespace/repository`. */
  readonly name: string;
  readonly offset: number;
}

export interface BlobStore {
  has(digest: string): Promise<boolean>;
  /** Size in bytes, or undefined when the blob is not stored. */
  size(digest: string): Promise<number | undefined>;
  /** A stream of the blob's bytes, or undefined when it is not stored. */
  read(digest: string): Promise<Readable | undefined>;
  /** Stores bytes already in memory (manifests); returns the digest. */
  putBytes(bytes: Buffer): Promise<string>;
  startUpload(registry: string, name: string): UploadSession;
  upload(uuid: string): UploadSession | undefined;
  /** Appends a stream to an upload; resolves to the new offset. */
  append(uuid: string, data: Readable): Promise<number>;
  /**
   * Completes an upload: when its bytes hash to `digest` they are stored under it and the size is
   * returned; otherwise the upload is discarded and `{ mismatch: actual digest }` returned.
   */
  finish(uuid: string, digest: string): Promise<{ size: number } | { mismatch: string }>;
  cancel(uuid: string): Promise<void>;
  /** Discards every upload session (close). */
  close(): Promise<void>;
}

/** When upload sessions are abandoned: the clock and idle time are read on every use (both injectable). */
export interface UploadExpiry {
  /** The emulated clock (ms). */
  readonly now: () => number;
  /** A session idle longer than this (ms) is discarded. */
  readonly idleMs: () => number;
}

const DEFAULT_EXPIRY: UploadExpiry = { now: () => Date.now(), idleMs: () => 60 * 60 * 1000 };

interface Session {
  uuid: string;
  registry: string;
  name: string;
  offset: number;
  hash: Hash;
  /** Serialises appends: a PATCH waits for the previous one to land. */
  busy: Promise<unknown>;
  /** Emulated time of the session's last request (start, lookup, end of an append). */
  lastActive: number;
  /** Appends in progress: a session receiving bytes is never abandoned. */
  appending: number;
}

/**
 * The session table both stores share: lookups that touch, expiry on lookup and a sweep at most
 * once per idle period (so abandoned sessions do not pile up even when never looked up again).
 */
class Sessions<S extends Session> {
  private readonly map = new Map<string, S>();
  private lastSweep: number;
  /** Discards of expired sessions still deleting their bytes (awaited by close). */
  private readonly discarding = new Set<Promise<void>>();

  constructor(
    private readonly expiry: UploadExpiry,
    private readonly discard: (s: S) => Promise<void>,
  ) {
    this.lastSweep = expiry.now();
  }

  add(s: S): void {
    this.sweep();
    this.map.set(s.uuid, s);
  }

  /** The live session, touched; an expired one is discarded and undefined. */
  get(uuid: string): S | undefined {
    const s = this.map.get(uuid);
    if (s === undefined) return undefined;
    const now = this.expiry.now();
    if (this.expired(s, now)) {
      this.drop(s);
      return undefined;
    }
    s.lastActive = now;
    return s;
  }

  /** The session without touching or expiring it (finish, cancel). */
  peek(uuid: string): S | undefined {
    return this.map.get(uuid);
  }

  delete(uuid: string): void {
    this.map.delete(uuid);
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  clear(): void {
    this.map.clear();
  }

  /** Marks an append as started; the returned function ends it (and touches the session). */
  appending(s: S): () => void {
    s.appending += 1;
    return () => {
      s.appending -= 1;
      s.lastActive = this.expiry.now();
    };
  }

  private expired(s: S, now: number): boolean {
    return s.appending === 0 && now - s.lastActive > this.expiry.idleMs();
  }

  private sweep(): void {
    const now = this.expiry.now();
    if (now - this.lastSweep < Math.min(this.expiry.idleMs(), 60_000)) return;
    this.lastSweep = now;
    for (const [uuid, s] of this.map) {
      if (!this.expired(s, now)) continue;
      this.drop(s);
    }
  }

  private drop(s: S): void {
    this.map.delete(s.uuid);
    const p = this.discard(s).catch(() => undefined);
    this.discarding.add(p);
    void p.finally(() => this.discarding.delete(p));
  }

  /** Waits until every expired session's bytes are deleted. */
  async settled(): Promise<void> {
    await Promise.all([...this.discarding]);
  }
}

function view(s: Session): UploadSession {
  return { uuid: s.uuid, registry: s.registry, name: s.name, offset: s.offset };
}

function hexOf(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (m === null) throw new Error(`not a sha256 digest: ${digest}`);
  return m[1] as string;
}

/** Blobs in memory. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  private readonly sessions: Sessions<Session & { chunks: Buffer[] }>;

  constructor(private readonly expiry: UploadExpiry = DEFAULT_EXPIRY) {
    this.sessions = new Sessions(expiry, async () => undefined);
  }

  async has(digest: string): Promise<boolean> {
    return this.blobs.has(digest);
  }

  async size(digest: string): Promise<number | undefined> {
    return this.blobs.get(digest)?.length;
  }

  async read(digest: string): Promise<Readable | undefined> {
    const b = this.blobs.get(digest);
    return b === undefined ? undefined : Readable.from([b]);
  }

  async putBytes(bytes: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (!this.blobs.has(digest)) this.blobs.set(digest, Buffer.from(bytes));
    return digest;
  }

  startUpload(registry: string, name: string): UploadSession {
    const s = { uuid: randomUUID(), registry, name, offset: 0, hash: createHash('sha256'), busy: Promise.resolve(), chunks: [] as Buffer[], lastActive: this.expiry.now(), appending: 0 };
    this.sessions.add(s);
    return view(s);
  }

  upload(uuid: string): UploadSession | undefined {
    const s = this.sessions.get(uuid);
    return s === undefined ? undefined : view(s);
  }

  append(uuid: string, data: Readable): Promise<number> {
    const s = this.sessions.get(uuid);
    if (s === undefined) return Promise.reject(new Error(`no upload ${uuid}`));
    const done = this.sessions.appending(s);
    const run = s.busy.then(async () => {
      try {
        for await (const chunk of data) {
          const buf = chunk as Buffer;
          s.hash.update(buf);
          s.chunks.push(buf);
          s.offset += buf.length;
        }
        return s.offset;
      } finally {
        done();
      }
    });
    s.busy = run.catch(() => undefined);
    return run;
  }

  async finish(uuid: string, digest: string): Promise<{ size: number } | { mismatch: string }> {
    const s = this.sessions.peek(uuid);
    if (s === undefined) throw new Error(`no upload ${uuid}`);
    await s.busy;
    this.sessions.delete(uuid);
    const actual = `sha256:${s.hash.digest('hex')}`;
    if (actual !== digest) return { mismatch: actual };
    if (!this.blobs.has(digest)) this.blobs.set(digest, Buffer.concat(s.chunks));
    return { size: s.offset };
  }

  async cancel(uuid: string): Promise<void> {
    this.sessions.delete(uuid);
  }

  async close(): Promise<void> {
    this.sessions.clear();
    await this.sessions.settled();
  }
}

/** Blobs as files under a directory. */
export class DirBlobStore implements BlobStore {
  private readonly sessions: Sessions<Session & { file: string; out: WriteStream | undefined }>;
  private ready: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly expiry: UploadExpiry = DEFAULT_EXPIRY,
  ) {
    this.sessions = new Sessions(expiry, async (s) => {
      await s.busy;
      await unlink(s.file).catch(() => undefined);
    });
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(join(this.dir, 'sha256'), { recursive: true, mode: 0o700 });
      await mkdir(join(this.dir, 'uploads'), { recursive: true, mode: 0o700 });
    })();
    return this.ready;
  }

  private path(digest: string): string {
    return join(this.dir, 'sha256', hexOf(digest));
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(digest))).size;
    } catch {
      return undefined;
    }
  }

  async read(digest: string): Promise<Readable | undefined> {
    const path = this.path(digest);
    try {
      await stat(path);
    } catch {
      return undefined;
    }
    return createReadStream(path);
  }

  async putBytes(bytes: Buffer): Promise<string> {
    await this.init();
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (await this.has(digest)) return digest;
    const tmp = join(this.dir, 'uploads', randomUUID());
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path(digest));
    return digest;
  }

  startUpload(registry: string, name: string): UploadSession {
    const uuid = randomUUID();
    const s = { uuid, registry, name, offset: 0, hash: createHash('sha256'), busy: this.init(), file: join(this.dir, 'uploads', uuid), out: undefined, lastActive: this.expiry.now(), appending: 0 };
    this.sessions.add(s);
    return view(s);
  }

  upload(uuid: string): UploadSession | undefined {
    const s = this.sessions.get(uuid);
    return s === undefined ? undefined : view(s);
  }

  append(uuid: string, data: Readable): Promise<number> {
    const s = this.sessions.get(uuid);
    if (s === undefined) return Promise.reject(new Error(`no upload ${uuid}`));
    const done = this.sessions.appending(s);
    const run = s.busy.then(async () => {
      try {
        const out = createWriteStream(s.file, { flags: 'a', mode: 0o600 });
        const tap = new PassThrough();
        tap.on('data', (chunk: Buffer) => {
          s.hash.update(chunk);
          s.offset += chunk.length;
        });
        await pipeline(data, tap, out);
        return s.offset;
      } finally {
        done();
      }
    });
    s.busy = run.catch(() => undefined);
    return run;
  }

  async finish(uuid: string, digest: string): Promise<{ size: number } | { mismatch: string }> {
    const s = this.sessions.peek(uuid);
    if (s === undefined) throw new Error(`no upload ${uuid}`);
    await s.busy;
    this.sessions.delete(uuid);
    const actual = `sha256:${s.hash.digest('hex')}`;
    if (actual !== digest) {
      await unlink(s.file).catch(() => undefined);
      return { mismatch: actual };
    }
    // An empty upload never created its file.
    const fh = await open(s.file, 'a', 0o600);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(s.file, this.path(digest));
    return { size: s.offset };
  }

  async cancel(uuid: string): Promise<void> {
    const s = this.sessions.peek(uuid);
    if (s === undefined) return;
    this.sessions.delete(uuid);
    await s.busy;
    await unlink(s.file).catch(() => undefined);
  }

  async close(): Promise<void> {
    const open = [...this.sessions.keys()];
    await Promise.all(open.map((u) => this.cancel(u)));
    await this.sessions.settled();
  }
}
