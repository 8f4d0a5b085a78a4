/**
 * The OSS run store's journal and lock over an in-memory bucket with a controllable clock and
 * latency: intents durable before append resolves, batching that keeps order, a second writer
 * refused, and the lock's generations, expiry, take-over, loss and force-unlock.
 */
import { describe, expect, it } from 'vitest';
import type { ObjectBucket, ObjectRead } from '../../src/cloud/oss.js';
import { acquireOssLock, forceUnlockOss, readLockState } from '../../src/apply/oss-lock.js';
import { OssJournal, ossRunStore, parseStoreUrl } from '../../src/apply/oss-store.js';
import { parseJournal } from '../../src/apply/journal.js';

/** An in-memory bucket: create-only puts and positioned appends as OSS answers them. */
class MemoryBucket implements ObjectBucket {
  readonly where = 'oss://mem/';
  readonly objects = new Map<string, { text: string; at: number }>();
  clock = 1_000_000;
  latencyMs = 0;
  readonly log: string[] = [];
  async #wait(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
  }
  async get(key: string): Promise<ObjectRead | undefined> {
    await this.#wait();
    const o = this.objects.get(key);
    return o && { text: o.text, lastModified: new Date(o.at), serverNow: new Date(this.clock) };
  }
  async put(key: string, text: string, opts: { createOnly?: boolean } = {}): Promise<'written' | 'exists'> {
    await this.#wait();
    if (opts.createOnly && this.objects.has(key)) return 'exists';
    this.objects.set(key, { text, at: this.clock });
    this.log.push(`put ${key}`);
    return 'written';
  }
  async append(key: string, position: number, text: string): Promise<{ next: number } | { mismatch: number }> {
    await this.#wait();
    const cur = this.objects.get(key)?.text ?? '';
    const len = Buffer.byteLength(cur);
    if (len !== position) return { mismatch: len };
    this.objects.set(key, { text: cur + text, at: this.clock });
    this.log.push(`append ${key} ${text.split('\n').filter(Boolean).length}`);
    return { next: len + Buffer.byteLength(text) };
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async list(prefix: string): Promise<string[]> {
    await this.#wait();
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
  async now(): Promise<Date> {
    return new Date(this.clock);
  }
}

const HOLDER = { pid: 1, host: 'ci-1', startedAt: '2026-12-03T00:00:00Z', command: 'acrctl apply' };

describe('the journal on OSS', () => {
  it('an intent is in the bucket when append resolves; start and done records go with the next intent, in order', async () => {
    const b = new MemoryBucket();
    const j = new OssJournal(b, 'runs/r.jsonl', 0, (s) => s, 'oss://mem/runs/r.jsonl');
    await j.append({ t: 'run', runId: 'r', planId: 'p', startedAt: 'x', pid: 1 });
    j.append({ t: 'start', id: 'a' });
    expect(b.objects.get('runs/r.jsonl')!.text.split('\n').filter(Boolean)).toHaveLength(1);
    await j.append({ t: 'intent', id: 'a', call: 'CreateNamespace' });
    const recs = parseJournal(b.objects.get('runs/r.jsonl')!.text).records.map((r) => r.t);
    expect(recs).toEqual(['run', 'start', 'intent']);
    j.append({ t: 'done', id: 'a' });
    await j.close();
    expect(parseJournal(b.objects.get('runs/r.jsonl')!.text).records.map((r) => r.t)).toEqual(['run', 'start', 'intent', 'done']);
  });

  it('batches the intents of parallel actions into shared appends (group commit) and keeps every record once, in order', async () => {
    const b = new MemoryBucket();
    b.latencyMs = 20;
    const j = new OssJournal(b, 'runs/r.jsonl', 0, (s) => s, 'w');
    await j.append({ t: 'run', runId: 'r', planId: 'p', startedAt: 'x', pid: 1 });
    const ids = Array.from({ length: 30 }, (_, i) => `a${i}`);
    await Promise.all(ids.map(async (id) => {
      j.append({ t: 'start', id });
      await j.append({ t: 'intent', id, call: 'CreateRepository' });
      j.append({ t: 'done', id });
    }));
    await j.close();
    const recs = parseJournal(b.objects.get('runs/r.jsonl')!.text).records;
    expect(recs).toHaveLength(1 + 90);
    for (const id of ids) {
      const order = recs.filter((r) => 'id' in r && r.id === id).map((r) => r.t);
      expect(order).toEqual(['start', 'intent', 'done']);
    }
    expect(j.stats.appends, 'far fewer appends than records').toBeLessThan(10);
  });

  it('refuses to write when another process appended to the journal meanwhile', async () => {
    const b = new MemoryBucket();
    const j = new OssJournal(b, 'runs/r.jsonl', 0, (s) => s, 'oss://mem/runs/r.jsonl');
    await j.append({ t: 'run', runId: 'r', planId: 'p', startedAt: 'x', pid: 1 });
    await b.append('runs/r.jsonl', Buffer.byteLength(b.objects.get('runs/r.jsonl')!.text), '{"t":"resume","planId":"q","startedAt":"y","pid":2}\n');
    await expect(j.append({ t: 'intent', id: 'a', call: 'X' })).rejects.toMatchObject({ code: 'store.journal-conflict' });
    await expect(j.append({ t: 'intent', id: 'b', call: 'X' }), 'stays broken').rejects.toMatchObject({ code: 'store.journal-conflict' });
  });

  it('a journal that exists is never created again', async () => {
    const b = new MemoryBucket();
    const store = ossRunStore({ bucket: b, prefix: 'p', display: 'oss://mem/p' });
    const h = { t: 'run' as const, runId: 'r1', planId: 'p', startedAt: 'x', pid: 1 };
    await (await store.createJournal(h, (s) => s)).close();
    await expect(store.createJournal(h, (s) => s)).rejects.toMatchObject({ code: 'store.journal-conflict' });
    expect(await store.listRuns()).toEqual(['r1']);
  });

  it('parses oss:// URLs and refuses malformed ones', () => {
    expect(parseStoreUrl('oss://acme-runs/prod/estate?region=cn-hangzhou&account=prod', 'x')).toEqual({ bucket: 'acme-runs', prefix: 'prod/estate/', region: 'cn-hangzhou', account: 'prod' });
    expect(() => parseStoreUrl('oss://acme-runs/prod', '--run-store')).toThrow('--run-store names no region');
    expect(() => parseStoreUrl('s3://x/y?region=a', '--run-store')).toThrow('--run-store must look like oss://BUCKET/PREFIX?region=REGION');
    expect(() => parseStoreUrl('oss://acme/p?region=a&acl=public', 'ACRCTL_RUN_STORE')).toThrow('unknown parameter "acl"');
  });
});

describe('the lock on OSS', () => {
  it('refuses while the holder heartbeats, naming it; takes over only after the expiry, on the service clock', async () => {
    const b = new MemoryBucket();
    const first = await acquireOssLock(b, 'p/', 'estate', HOLDER, { ttlMs: 60_000, heartbeatMs: 3_600_000 });
    expect(first.generation).toBe(1);
    b.clock += 59_000;
    await expect(acquireOssLock(b, 'p/', 'estate', { ...HOLDER, pid: 2, host: 'ci-2' })).rejects.toThrow(/another acrctl holds the lock: pid 1 on ci-1, started .* \(acrctl apply\); last heartbeat 59 s ago \(lock oss:\/\/mem\/p\/lock\/estate\/000000000001\.json, generation 1\)/);
    b.clock += 2_000;
    const second = await acquireOssLock(b, 'p/', 'estate', { ...HOLDER, pid: 2, host: 'ci-2' }, { heartbeatMs: 3_600_000 });
    expect(second.generation).toBe(2);
    expect(second.replaced).toMatchObject({ pid: 1, host: 'ci-1' });
    // The first holder learns it lost the lock and never writes the lock again.
    await first.release();
    expect(JSON.parse(b.objects.get('p/lock/estate/000000000002.json')!.text)).toMatchObject({ state: 'held', pid: 2 });
    expect(JSON.parse(b.objects.get('p/lock/estate/000000000001.json')!.text)).toMatchObject({ state: 'held', pid: 1 });
    await second.release();
    expect((await readLockState(b, 'p/', 'estate')).live).toBe(false);
    const third = await acquireOssLock(b, 'p/', 'estate', HOLDER, { heartbeatMs: 3_600_000 });
    expect(third.replaced, 'a released lock is not a stale one').toBeUndefined();
    expect([...b.objects.keys()].filter((k) => k.includes('/lock/')), 'older generations are pruned').toEqual(['p/lock/estate/000000000002.json', 'p/lock/estate/000000000003.json']);
    await third.release();
  });

  it('a heartbeat keeps the lock alive past the expiry; a holder whose lock is taken over or removed stops (onLost)', async () => {
    const b = new MemoryBucket();
    let lost: string | undefined;
    const l = await acquireOssLock(b, 'p/', 'estate', HOLDER, { ttlMs: 60_000, heartbeatMs: 20, onLost: (w) => (lost = w) });
    for (let i = 0; i < 5; i++) {
      b.clock += 30_000;
      await new Promise((r) => setTimeout(r, 40));
    }
    expect((await readLockState(b, 'p/', 'estate')).live, '150 s later, still live: it heartbeats').toBe(true);
    const removed = await forceUnlockOss(b, 'p/', 'estate', { ...HOLDER, pid: 9, command: 'acrctl force-unlock' });
    expect(removed).toMatchObject({ pid: 1, host: 'ci-1', live: true, key: 'p/lock/estate/000000000001.json' });
    await new Promise((r) => setTimeout(r, 60));
    expect(lost).toContain('removed by acrctl force-unlock');
    await l.release();
    const next = await acquireOssLock(b, 'p/', 'estate', HOLDER, { heartbeatMs: 3_600_000 });
    expect(next.generation).toBe(3);
    await next.release();
  });

  it('of many concurrent takers exactly one gets the lock', async () => {
    const b = new MemoryBucket();
    b.latencyMs = 2;
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => acquireOssLock(b, 'p/', 'estate', { ...HOLDER, pid: i }, { heartbeatMs: 3_600_000 })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('apply.locked');
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireOssLock>>>).value.release();
  });

  it('the highest generation is the lock\'s state, whatever lower name a stale taker re-creates', async () => {
    const b = new MemoryBucket();
    for (let i = 0; i < 3; i++) await (await acquireOssLock(b, 'p/', 'estate', HOLDER, { heartbeatMs: 3_600_000 })).release();
    const live = await acquireOssLock(b, 'p/', 'estate', HOLDER, { heartbeatMs: 3_600_000 });
    // A stale taker read generation 1 long ago and now writes generation 2 (pruned): create-only succeeds.
    await b.put('p/lock/estate/000000000002.json', JSON.stringify({ ...HOLDER, pid: 7, generation: 2, state: 'held', ttlMs: 60_000 }), { createOnly: true });
    const state = await readLockState(b, 'p/', 'estate');
    expect(state.generation, 'the highest generation is the state').toBe(4);
    expect(state.record?.pid).toBe(1);
    await live.release();
  });
});
