/**
 * A lock two machines cannot both hold, on an OSS bucket: generation-numbered lock objects written
 * create-only (`x-oss-forbid-overwrite: true`), with a heartbeat and an expiry measured on the
 * service's clock.
 *
 * Layout: `<prefix>lock/<name>/<generation, 12 digits>.json`, each object a {@link LockRecord}. The
 * lock's state is the object of the highest generation: `held` and heartbeating (its Last-Modified
 * within `ttlMs` of the service's `Date`), or free (`released`, or its heartbeat stopped: expired).
 *
 * Taking it (no interleaving of takers yields two holders):
 * 1. list the generations; read the highest, G. A live holder there: refused (or wait, `--lock-timeout`).
 * 2. create G+1 create-only. Of any number of takers that read G, exactly one creates G+1: the
 *    others get `FileAlreadyExists`, look again and find a live holder.
 * 3. list again: if a generation above G+1 exists (a taker that read the lock long ago re-created a
 *    pruned, lower name), G+1 is not the lock's state: it is given up and the taker looks again.
 * Only the holder of a generation ever writes that generation's object again: its heartbeat (every
 * `ttlMs / 4`) overwrites it, which moves its Last-Modified. Before each heartbeat the holder lists
 * the generations: one above its own means its lock was taken over (its heartbeat stalled past the
 * expiry, or `force-unlock`), and it stops at once (`onLost`). So a lock is taken over only after
 * its holder failed to heartbeat for `ttlMs`, never from a holder that is alive and heartbeating.
 * Expiry compares two readings of the service's clock (Last-Modified and Date of one answer): the
 * machines' own clocks never matter. Releasing writes `released` into the holder's own generation.
 * `force-unlock` creates the next generation as `released`, naming what it removed; the holder it
 * removed sees it at its next heartbeat and stops. The new holder deletes generations below the
 * previous one (step 3 makes re-created low names harmless).
 */
import { randomBytes } from 'node:crypto';
import { AcrctlError } from '../errors.js';
import type { ObjectBucket } from '../cloud/oss.js';
import type { LockHolder } from './lock.js';

/** One generation of a lock. */
export interface LockRecord extends LockHolder {
  readonly generation: number;
  readonly state: 'held' | 'released';
  /** The holder's heartbeat stops counting after this long. */
  readonly ttlMs: number;
  /** Heartbeats written so far. */
  readonly beats?: number;
  /** force-unlock: whose lock this generation removed. */
  readonly removed?: LockHolder & { readonly generation: number };
}

export interface OssLockOptions {
  /** Default 60 s. */
  readonly ttlMs?: number;
  /** Default ttlMs / 4. */
  readonly heartbeatMs?: number;
  /** Called once when the lock turns out to be lost (taken over after an expiry, or force-unlocked). */
  readonly onLost?: (why: string) => void;
}

/** A lock held on OSS. */
export interface OssHeldLock {
  readonly holder: LockHolder;
  readonly replaced?: LockHolder;
  readonly key: string;
  readonly generation: number;
  /** Why the lock was lost, once it was. */
  lost(): string | undefined;
  release(): Promise<void>;
}

const DIGITS = 12;
const ATTEMPTS = 20;

export function lockPrefix(prefix: string, name: string): string {
  return `${prefix}lock/${name}/`;
}

function genKey(prefix: string, name: string, gen: number): string {
  return `${lockPrefix(prefix, name)}${String(gen).padStart(DIGITS, '0')}.json`;
}

function genOf(key: string): number | undefined {
  const m = /\/(\d{12})\.json$/.exec(key);
  return m ? Number(m[1]) : undefined;
}

async function generations(bucket: ObjectBucket, prefix: string, name: string): Promise<number[]> {
  return (await bucket.list(lockPrefix(prefix, name))).map(genOf).filter((g): g is number => g !== undefined).sort((a, b) => a - b);
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const r = JSON.parse(text) as LockRecord;
    return r && typeof r.generation === 'number' && typeof r.pid === 'number' && (r.state === 'held' || r.state === 'released') ? r : undefined;
  } catch {
    return undefined;
  }
}

/** The lock's current state: the highest generation and whether its holder is live. */
export interface LockState {
  readonly generation: number;
  readonly record: LockRecord | undefined;
  readonly key: string | undefined;
  /** Held and heartbeating. */
  readonly live: boolean;
  /** Since the holder's last heartbeat (service clock). */
  readonly sinceBeatMs?: number;
}

export async function readLockState(bucket: ObjectBucket, prefix: string, name: string): Promise<LockState> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const gens = await generations(bucket, prefix, name);
    const top = gens.at(-1);
    if (top === undefined) return { generation: 0, record: undefined, key: undefined, live: false };
    const key = genKey(prefix, name, top);
    const r = await bucket.get(key);
    if (r === undefined) continue; // pruned or removed meanwhile: look again
    const record = parseRecord(r.text);
    const sinceBeatMs = r.serverNow.getTime() - r.lastModified.getTime();
    // An unreadable generation counts as held until it expires (60 s): a write of another version, or damage.
    const ttl = record?.ttlMs ?? 60_000;
    const live = record?.state !== 'released' && sinceBeatMs <= ttl;
    return { generation: top, record, key, live, sinceBeatMs };
  }
  throw new AcrctlError('store.lock-busy', `the lock ${lockPrefix(prefix, name)} kept changing while it was read`, { hint: 'try again' });
}

/** Takes lock `name`, or throws `apply.locked` naming the live holder. */
export async function acquireOssLock(bucket: ObjectBucket, prefix: string, name: string, holder: Omit<LockHolder, 'nonce'>, opts: OssLockOptions = {}): Promise<OssHeldLock> {
  const ttlMs = opts.ttlMs ?? 60_000;
  const nonce = randomBytes(12).toString('hex');
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const state = await readLockState(bucket, prefix, name);
    if (state.live) throw lockedBy(bucket, state, holder);
    const gen = state.generation + 1;
    const mine: LockRecord = { ...holder, nonce, generation: gen, state: 'held', ttlMs, beats: 0 };
    const key = genKey(prefix, name, gen);
    if ((await bucket.put(key, `${JSON.stringify(mine)}\n`, { createOnly: true })) === 'exists') continue;
    const after = await generations(bucket, prefix, name);
    if ((after.at(-1) ?? 0) > gen) {
      // A re-created low name (see the file comment): not the lock's state. Give it up.
      await bucket.put(key, `${JSON.stringify({ ...mine, state: 'released' })}\n`);
      continue;
    }
    // Keep the previous generation (it says whose lock was replaced); older ones go.
    for (const g of after) if (g < state.generation) await bucket.delete(genKey(prefix, name, g)).catch(() => undefined);
    const replaced = state.record && state.record.state === 'held' ? state.record : undefined;
    return held(bucket, prefix, name, mine, key, replaced, opts);
  }
  throw new AcrctlError('apply.locked', `could not take the lock ${bucket.where}${lockPrefix(prefix, name)}: other takers kept winning it`, { hint: 'try again' });
}

function held(bucket: ObjectBucket, prefix: string, name: string, mine: LockRecord, key: string, replaced: LockRecord | undefined, opts: OssLockOptions): OssHeldLock {
  const ttlMs = mine.ttlMs;
  const heartbeatMs = opts.heartbeatMs ?? Math.max(1, Math.floor(ttlMs / 4));
  let lost: string | undefined;
  let released = false;
  let beats = 0;
  let beating: Promise<void> = Promise.resolve();
  const loseWith = (why: string) => {
    if (lost !== undefined) return;
    lost = why;
    clearInterval(timer);
    opts.onLost?.(why);
  };
  const beat = async () => {
    if (released || lost !== undefined) return;
    try {
      const gens = await generations(bucket, prefix, name);
      const above = gens.filter((g) => g > mine.generation);
      if (above.length > 0) {
        const top = await bucket.get(genKey(prefix, name, above.at(-1)!));
        const rec = top ? parseRecord(top.text) : undefined;
        loseWith(rec?.removed ? `the lock was removed by acrctl force-unlock (pid ${rec.pid} on ${rec.host})` : `the lock was taken over by pid ${rec?.pid ?? '?'} on ${rec?.host ?? '?'} (this run's heartbeat had stopped for longer than ${ttlMs / 1000} s)`);
        return;
      }
      beats++;
      await bucket.put(key, `${JSON.stringify({ ...mine, beats })}\n`);
    } catch {
      // A failed heartbeat is tried again at the next one; the expiry leaves three more chances.
    }
  };
  const timer = setInterval(() => {
    beating = beating.then(beat);
  }, heartbeatMs);
  timer.unref?.();
  const { generation: _g, state: _s, ttlMs: _t, beats: _b, removed: _r, ...holder } = mine;
  return {
    holder,
    ...(replaced ? { replaced } : {}),
    key,
    generation: mine.generation,
    lost: () => lost,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await beating;
      if (lost !== undefined) return;
      const gens = await generations(bucket, prefix, name);
      if ((gens.at(-1) ?? 0) > mine.generation) return; // not ours any more: never touch another's
      await bucket.put(key, `${JSON.stringify({ ...mine, beats, state: 'released' })}\n`);
    },
  };
}

function lockedBy(bucket: ObjectBucket, state: LockState, me: Omit<LockHolder, 'nonce'>): AcrctlError {
  const r = state.record;
  const since = Math.round((state.sinceBeatMs ?? 0) / 1000);
  const ttl = Math.round((r?.ttlMs ?? 60_000) / 1000);
  const who = r ? `pid ${r.pid} on ${r.host}, started ${r.startedAt} (${r.command})${r.ciRunUrl ? `, ${r.ciRunUrl}` : ''}` : 'an unreadable lock object';
  return new AcrctlError('apply.locked', `another acrctl holds the lock: ${who}; last heartbeat ${since} s ago (lock ${bucket.where}${state.key ?? ''}, generation ${state.generation})`, {
    hint: `wait for it to finish (--lock-timeout DURATION waits); a holder whose machine is gone stops heartbeating and its lock can be taken ${Math.max(0, ttl - since)} s from now; acrctl force-unlock removes it at once${r && r.host === me.host ? '' : ' (only when that run is really gone)'}`,
  });
}

/**
 * Removes lock `name` whoever holds it: creates the next generation as `released`, naming the
 * holder it removed (who stops at its next heartbeat). Returns what was removed.
 */
export async function forceUnlockOss(bucket: ObjectBucket, prefix: string, name: string, me: Omit<LockHolder, 'nonce'>): Promise<(LockRecord & { readonly live: boolean; readonly key: string }) | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const state = await readLockState(bucket, prefix, name);
    if (state.record === undefined && state.generation === 0) return undefined;
    if (state.record?.state === 'released') return undefined;
    const gen = state.generation + 1;
    const removed = state.record ? { pid: state.record.pid, host: state.record.host, startedAt: state.record.startedAt, command: state.record.command, generation: state.generation } : { pid: 0, host: '(unreadable lock)', startedAt: 'unknown', command: 'unknown', generation: state.generation };
    const rec: LockRecord = { ...me, nonce: randomBytes(12).toString('hex'), generation: gen, state: 'released', ttlMs: 0, removed };
    if ((await bucket.put(genKey(prefix, name, gen), `${JSON.stringify(rec)}\n`, { createOnly: true })) === 'exists') continue;
    return { ...(state.record ?? { ...removed, state: 'held', ttlMs: 0 }), live: state.live, key: state.key ?? genKey(prefix, name, state.generation) };
  }
  throw new AcrctlError('store.lock-busy', `the lock ${lockPrefix(prefix, name)} kept changing while it was removed`, { hint: 'try again' });
}
