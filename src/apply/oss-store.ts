/**
 * The run store on an OSS bucket, shared by every machine that names it: journals, run plans,
 * reports and the lock (src/apply/oss-lock.ts), so that two CI runners never both hold the lock and
 * a run killed on one machine is resumed on another.
 *
 * Layout under the prefix: `runs/<run>.jsonl` (an Appendable object: one AppendObject per batch of
 * records), `runs/<run>.plan.json`, `runs/<run>.<report>`, `lock/<name>/<generation>.json`.
 *
 * Durability and cost (docs/ci.md "What the store costs"): an `intent` record, and the header,
 * `resume`, `inherit` and `end` records, are durable in the bucket when `append` resolves: the call
 * an intent announces is sent only after OSS answered the append. Other records (`start`, `done`,
 * `failed`, `gate`, `interrupted`) are queued and go with the next durable record, or within
 * {@link LAZY_FLUSH_MS}: losing them in a crash costs a read on resume (the action is reconciled),
 * never a duplicate, and the journal keeps its order, so an intent durable means every record
 * before it is too. Appends are one at a time (each names the position it writes at; OSS refuses a
 * stale one, so two writers can never interleave a journal); records queued while one is in flight
 * go together in the next (group commit), so parallel actions share round trips.
 */
import { hostname } from 'node:os';
import { AcrctlError } from '../errors.js';
import type { ObjectBucket } from '../cloud/oss.js';
import { journalLine, type JournalRecord, type JournalWriter, type RunHeader } from './journal.js';
import { acquireOssLock, forceUnlockOss, readLockState, type OssLockOptions } from './oss-lock.js';
import type { RunStore, StoreLock } from './runs.js';
import type { LockHolder } from './lock.js';

/** Records whose loss in a crash is harmless wait at most this long to be written. */
export const LAZY_FLUSH_MS = 1000;

const DURABLE: ReadonlySet<JournalRecord['t']> = new Set(['run', 'resume', 'inherit', 'intent', 'end']);

export interface OssStoreOptions {
  readonly bucket: ObjectBucket;
  /** Key prefix, `''` or ending in `/`. */
  readonly prefix: string;
  /** `oss://bucket/prefix` for messages. */
  readonly display: string;
  /** Holder details beyond pid, host, start and command (the CI run's URL). */
  readonly ciRunUrl?: string;
  readonly lock?: OssLockOptions;
}

/** Normalises a prefix: no leading `/`, one trailing `/` (or empty). */
export function normalisePrefix(p: string): string {
  const t = p.replace(/^\/+/, '').replace(/\/+$/, '');
  return t === '' ? '' : `${t}/`;
}

export function ossRunStore(o: OssStoreOptions): RunStore & { readonly bucket: ObjectBucket; readonly prefix: string } {
  const { bucket } = o;
  const prefix = normalisePrefix(o.prefix);
  const runsKey = `${prefix}runs/`;
  const journalKey = (runId: string) => `${runsKey}${runId}.jsonl`;
  const holderOf = (command: string): Omit<LockHolder, 'nonce'> => ({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command, ...(o.ciRunUrl ? { ciRunUrl: o.ciRunUrl } : {}) });
  return {
    where: o.display,
    bucket,
    prefix,
    async listRuns() {
      return (await bucket.list(runsKey))
        .filter((k) => k.endsWith('.jsonl') && !k.slice(runsKey.length).includes('/'))
        .map((k) => k.slice(runsKey.length, -'.jsonl'.length))
        .sort();
    },
    async readJournal(runId) {
      return (await bucket.get(journalKey(runId)))?.text;
    },
    async createJournal(header, scrub) {
      const w = new OssJournal(bucket, journalKey(header.runId), 0, scrub, `${o.display}/runs/${header.runId}.jsonl`);
      await w.append(header as RunHeader);
      return w;
    },
    async appendJournal(runId, scrub) {
      const r = await bucket.get(journalKey(runId));
      if (r === undefined) throw new AcrctlError('apply.no-such-run', `there is no journal of run ${runId} in ${o.display}`);
      const w = new OssJournal(bucket, journalKey(runId), Buffer.byteLength(r.text), scrub, `${o.display}/runs/${runId}.jsonl`);
      // A journal never ends mid-line on OSS (appends are whole), but one copied there might.
      if (r.text.length > 0 && !r.text.endsWith('\n')) await w.raw('\n');
      return w;
    },
    async readPlan(runId) {
      return (await bucket.get(`${runsKey}${runId}.plan.json`))?.text;
    },
    async writePlan(runId, text) {
      await bucket.put(`${runsKey}${runId}.plan.json`, text);
    },
    async writeArtifact(runId, name, text) {
      await bucket.put(`${runsKey}${runId}.${name}`, text);
      return `${o.display}/runs/${runId}.${name}`;
    },
    async lock(command, opts = {}) {
      const name = opts.name ?? 'estate';
      const l = await acquireOssLock(bucket, prefix, name, holderOf(command), { ...o.lock, ...(opts.onLost ? { onLost: opts.onLost } : {}) });
      return { holder: l.holder, ...(l.replaced ? { replaced: l.replaced } : {}), where: `${o.display}/lock/${name}`, release: () => l.release() } satisfies StoreLock;
    },
    async shardLocks() {
      const names = new Set<string>();
      for (const k of await bucket.list(`${prefix}lock/shard-`)) names.add(k.slice(`${prefix}lock/`.length).split('/')[0]!);
      return [...names].sort();
    },
    async holder(name = 'estate') {
      const s = await readLockState(bucket, prefix, name);
      return s.live && s.record ? s.record : undefined;
    },
    async forceUnlock(opts = {}) {
      const removed = await forceUnlockOss(bucket, prefix, opts.name ?? 'estate', holderOf('acrctl force-unlock'));
      return removed === undefined ? undefined : { pid: removed.pid, host: removed.host, startedAt: removed.startedAt, command: removed.command, ...(removed.ciRunUrl ? { ciRunUrl: removed.ciRunUrl } : {}), where: `${o.display}/${removed.key.slice(prefix.length)}`, live: removed.live };
    },
  };
}

/** Parses `oss://bucket/prefix?region=R[&account=ALIAS]`. */
export function parseStoreUrl(raw: string, from: string): { bucket: string; prefix: string; region: string; account?: string } {
  const m = /^oss:\/\/([a-z0-9][a-z0-9-]{1,61}[a-z0-9])(\/[^?]*)?(?:\?(.*))?$/.exec(raw.trim());
  if (!m) {
    throw new AcrctlError('cli.bad-option', `${from} must look like oss://BUCKET/PREFIX?region=REGION, got ${JSON.stringify(raw.slice(0, 120))}`, { hint: 'e.g. oss://acme-acrctl/prod?region=cn-hangzhou (add &account=ALIAS when registry.yaml declares several accounts)' });
  }
  const q = new URLSearchParams(m[3] ?? '');
  for (const k of q.keys()) if (k !== 'region' && k !== 'account') throw new AcrctlError('cli.bad-option', `${from}: unknown parameter ${JSON.stringify(k)}`, { hint: 'the parameters are region and account' });
  const region = q.get('region');
  if (!region) throw new AcrctlError('cli.bad-option', `${from} names no region: oss://${m[1]}${m[2] ?? ''}?region=REGION`, { hint: 'OSS is regional: give the bucket\'s region, e.g. ?region=cn-hangzhou' });
  const account = q.get('account');
  return { bucket: m[1]!, prefix: normalisePrefix(decodeURIComponent(m[2] ?? '')), region, ...(account ? { account } : {}) };
}

interface Waiter {
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/**
 * A run's journal on OSS: records appended in order, in batches (see the file comment). `append`
 * resolves when the record is durable (intents and the like) or queued (the rest).
 */
export class OssJournal implements JournalWriter {
  readonly #bucket: ObjectBucket;
  readonly #key: string;
  readonly #scrub: (text: string) => string;
  readonly #where: string;
  #position: number;
  #queue: string[] = [];
  /** Records queued so far, and written so far (counts). */
  #queued = 0;
  #written = 0;
  #waiters: Waiter[] = [];
  #running = false;
  #broken: unknown;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Appends made, records written, and how long intents waited to be durable (the store's cost). */
  readonly stats = { appends: 0, records: 0, intents: 0, intentWaitMs: 0, maxIntentWaitMs: 0 };

  constructor(bucket: ObjectBucket, key: string, position: number, scrub: (text: string) => string, where: string) {
    this.#bucket = bucket;
    this.#key = key;
    this.#position = position;
    this.#scrub = scrub;
    this.#where = where;
  }

  append(record: JournalRecord): void | Promise<void> {
    if (this.#closed) throw new Error(`journal ${this.#where} is closed`);
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    this.#queue.push(journalLine(record, this.#scrub));
    this.#queued++;
    if (record.t === 'intent') {
      const t0 = performance.now();
      return this.#flush().then(() => {
        const ms = performance.now() - t0;
        this.stats.intents++;
        this.stats.intentWaitMs += ms;
        this.stats.maxIntentWaitMs = Math.max(this.stats.maxIntentWaitMs, ms);
      });
    }
    if (DURABLE.has(record.t)) return this.#flush();
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#flush().catch(() => undefined);
    }, LAZY_FLUSH_MS);
    return undefined;
  }

  /** Writes text as is, durably (closing a torn line). */
  async raw(text: string): Promise<void> {
    this.#queue.push(text);
    this.#queued++;
    await this.#flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      if (this.#broken === undefined) await this.#flush();
    } finally {
      this.#closed = true;
    }
  }

  #flush(): Promise<void> {
    const upTo = this.#queued;
    if (this.#written >= upTo) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.#waiters.push({ upTo, resolve, reject }));
    if (!this.#running) void this.#loop();
    return p;
  }

  async #loop(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        await this.#write(batch.join(''));
        this.#written += batch.length;
        this.stats.appends++;
        this.stats.records += batch.length;
        const still: Waiter[] = [];
        for (const w of this.#waiters) (w.upTo <= this.#written ? w.resolve() : still.push(w));
        this.#waiters = still;
      }
    } catch (err) {
      this.#broken = err;
      for (const w of this.#waiters.splice(0)) w.reject(err);
    } finally {
      this.#running = false;
    }
  }

  /** One append at the journal's position, tried again when its outcome is unknown. */
  async #write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const r = await this.#bucket.append(this.#key, this.#position, text);
        if ('next' in r) {
          this.#position = r.next;
          return;
        }
        if (attempt > 0 && r.mismatch === this.#position + bytes) {
          // An earlier attempt landed and its answer was lost: the text is there if the tail is ours.
          const now = await this.#bucket.get(this.#key);
          if (now !== undefined && Buffer.from(now.text).subarray(this.#position).toString() === text) {
            this.#position = r.mismatch;
            return;
          }
        }
        throw new AcrctlError('store.journal-conflict', `the journal ${this.#where} was written by another process (expected ${this.#position} bytes, found ${r.mismatch})`, {
          hint: 'another acrctl continued this run: its lock was taken over or removed; run acrctl apply --resume once it is done',
        });
      } catch (err) {
        if (err instanceof AcrctlError && (err.code === 'store.journal-conflict' || err.code === 'store.denied' || err.code === 'store.no-bucket')) throw err;
        last = err;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
    throw last;
  }
}
