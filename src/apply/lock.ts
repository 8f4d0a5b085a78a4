/**
 * One apply per estate at a time, on local disk: a lock file naming its holder (pid, host, start
 * time, command) and a random nonce that makes every lock file unique.
 *
 * Why not proper-lockfile: it detects a dead holder by an mtime that stops being refreshed, so an
 * `apply --resume` right after a `kill -9` would wait out the stale period, and it cannot name the
 * holder. Here a holder on this host whose pid no longer runs is detected at once. A holder on
 * another host cannot be checked: the lock is refused, naming it, and `acrctl force-unlock` is the
 * way out.
 *
 * Atomicity (no interleaving of takers yields two holders):
 * - taking a free lock: the holder record is written and fsynced to a unique temporary file, then
 *   hard-linked to the lock's name (`link(2)` fails if the name exists), so the lock file is never
 *   seen empty or half-written;
 * - taking over a dead holder's lock: the taker first links the stale lock file to
 *   `<lock>.break-<its nonce>`. Only one taker can create that name, and reading it back tells the
 *   taker whether it linked the stale lock or a newer one. The one that linked the stale lock renames
 *   its own temporary lock over the lock's name (`rename(2)` replaces atomically: there is always a
 *   lock file, never a delete-then-create window). Everyone else looks again and finds a live holder.
 * - releasing: the holder unlinks the lock only if it still holds its own nonce.
 * `test/apply/lock-race.test.ts` races 4 processes over 200 stale locks and checks for one holder each.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, fstatSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AcrctlError, environmentError } from '../errors.js';
import { ensureDir } from './atomic.js';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly command: string;
  /** The CI run that holds it, when known (GitHub Actions, GitLab CI). */
  readonly ciRunUrl?: string;
  /** Random, unique per lock taken: tells one lock file from another (absent in locks of older versions). */
  readonly nonce?: string;
}

export interface LockOptions {
  readonly now?: () => Date;
  readonly pid?: number;
  readonly host?: string;
  /** Is this pid alive on this host? Injected for tests. */
  readonly isAlive?: (pid: number) => boolean;
}

export interface HeldLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** A stale lock of a dead holder that this one replaced, if any. */
  readonly replaced?: LockHolder;
  /** Removes the lock if it is still this holder's; idempotent. */
  release(): void;
}

/** How many times a taker looks again after losing a race before it gives up. */
const ATTEMPTS = 50;

export function acquireLock(path: string, command: string, opts: LockOptions = {}): HeldLock {
  try {
    return takeLock(path, command, opts);
  } catch (err) {
    throw environmentError(err, `cannot take the lock ${path}`) ?? err;
  }
}

function takeLock(path: string, command: string, opts: LockOptions): HeldLock {
  const holder: LockHolder = {
    pid: opts.pid ?? process.pid,
    host: opts.host ?? hostname(),
    startedAt: (opts.now?.() ?? new Date()).toISOString(),
    command,
    nonce: randomBytes(12).toString('hex'),
  };
  const isAlive = opts.isAlive ?? processAlive;
  ensureDir(dirname(path));
  const tmp = `${path}.tmp-${holder.pid}-${holder.nonce}`;
  writeDurably(tmp, `${JSON.stringify(holder)}\n`);
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (tryLink(tmp, path)) return held(path, holder);
      const current = readLockFile(path);
      if (current === 'gone') continue; // released between our link and our read: try again
      if (current.holder && !(current.holder.host === holder.host && !isAlive(current.holder.pid))) {
        throw lockedBy(current.holder, holder, path);
      }
      // A dead holder on this host, or an unreadable lock (an older acrctl killed while writing it).
      const identity = current.holder?.nonce ?? `ino-${current.ino}`;
      const breaker = `${path}.break-${identity}`;
      const broke = tryLink(path, breaker, { vanished: 'gone' });
      if (broke === 'gone') continue; // the stale lock was replaced meanwhile: look again
      if (!broke) {
        // Another taker is breaking this very lock: give it a moment, then look again.
        pause(2 + attempt);
        continue;
      }
      let mine = false;
      try {
        const linked = readLockFile(breaker);
        mine = linked !== 'gone' && sameLock(linked, current);
        if (mine) renameSync(tmp, path);
      } finally {
        rmSync(breaker, { force: true });
      }
      if (mine) return held(path, holder, current.holder ?? UNREADABLE);
    }
    throw new AcrctlError('apply.locked', `could not take the lock ${path}: another acrctl kept taking over the same stale lock`, {
      hint: `try again; if this repeats, a take-over was interrupted (a ${basename(path)}.break-… file is left): run acrctl force-unlock`,
    });
  } finally {
    rmSync(tmp, { force: true });
  }
}

function held(path: string, holder: LockHolder, replaced?: LockHolder): HeldLock {
  let released = false;
  return {
    path,
    holder,
    ...(replaced ? { replaced } : {}),
    release() {
      if (released) return;
      released = true;
      const current = readLockFile(path);
      if (current !== 'gone' && current.holder?.nonce === holder.nonce) rmSync(path, { force: true });
    },
  };
}

function lockedBy(other: LockHolder, me: LockHolder, path: string): AcrctlError {
  return new AcrctlError('apply.locked', `another acrctl is running on this estate: pid ${other.pid} on ${other.host}, started ${other.startedAt} (${other.command})`, {
    hint: other.host === me.host ? 'wait for it to finish' : `wait for it to finish; if that host is gone, run acrctl force-unlock (lock file ${path})`,
  });
}

/**
 * Removes a lock whatever its holder (the `force-unlock` command), with what interrupted takers left
 * (`.break-…` and `.tmp-…` files). Returns who held the lock. The lock is first renamed away, so what
 * is reported is exactly what was removed.
 */
export function forceUnlock(path: string): LockHolder | undefined {
  const dir = dirname(path);
  const base = basename(path);
  let leftovers: string[] = [];
  try {
    leftovers = readdirSync(dir).filter((f) => f.startsWith(`${base}.break-`) || f.startsWith(`${base}.tmp-`));
  } catch {
    leftovers = [];
  }
  for (const f of leftovers) rmSync(join(dir, f), { force: true });
  const aside = `${path}.removed-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const removed = readLockFile(aside);
  rmSync(aside, { force: true });
  return removed === 'gone' ? undefined : (removed.holder ?? UNREADABLE);
}

const UNREADABLE: LockHolder = { pid: 0, host: '(unreadable lock file)', startedAt: 'unknown', command: 'unknown' };

export function readHolder(path: string): LockHolder | undefined {
  const r = readLockFile(path);
  return r === 'gone' ? undefined : r.holder;
}

/** The holder a lock file names (undefined when unreadable), its inode and text; `gone` when there is none. */
interface LockRead {
  readonly holder: LockHolder | undefined;
  readonly ino: number;
  readonly text: string;
}

function readLockFile(path: string): LockRead | 'gone' {
  let ino: number;
  let text: string;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    // One open file: the inode and the text are of the same lock file even if it is replaced meanwhile.
    ino = fstatSync(fd).ino;
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return { holder: h && typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined, ino, text };
  } catch {
    return { holder: undefined, ino, text };
  }
}

/**
 * Whether two reads of lock files saw the same lock: the same nonce; for locks of older versions
 * (no nonce) or unreadable ones, the same inode and the same content.
 */
function sameLock(a: LockRead, b: LockRead): boolean {
  if (a.holder?.nonce !== undefined || b.holder?.nonce !== undefined) return a.holder?.nonce === b.holder?.nonce;
  return a.ino === b.ino && a.text === b.text;
}

/**
 * link(2): true when `to` was created, false when it already existed. With `vanished`, a `from`
 * that no longer exists (or was unlinked while being linked: Linux answers ENOENT for a file whose
 * last name went away) answers `gone` instead of throwing.
 */
function tryLink(from: string, to: string): boolean;
function tryLink(from: string, to: string, opts: { vanished: 'gone' }): boolean | 'gone';
function tryLink(from: string, to: string, opts?: { vanished: 'gone' }): boolean | 'gone' {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT' && opts) return 'gone';
    throw err;
  }
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(path);
    } catch {
      // nothing to clean up
    }
    throw err;
  }
  closeSync(fd);
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
