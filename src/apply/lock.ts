/**
 * One apply per estate at a time: an exclusive lock file holding its holder's pid, host and start
 * time.
 *
 * Why not proper-lockfile: it detects a dead holder by an mtime that stops being refreshed, so an
 * `apply --resume` right after a `kill -9` would wait out the stale period, and it cannot name the
 * holder. Here the file is created with O_EXCL (atomic on local file systems), and a holder on this
 * host whose pid no longer runs is detected at once. A holder on another host cannot be checked:
 * the lock is refused, naming it, and `acrctl force-unlock` is the way out.
 */
import { hostname } from 'node:os';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AcrctlError } from '../errors.js';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly command: string;
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
  release(): void;
}

export function acquireLock(path: string, command: string, opts: LockOptions = {}): HeldLock {
  const holder: LockHolder = {
    pid: opts.pid ?? process.pid,
    host: opts.host ?? hostname(),
    startedAt: (opts.now?.() ?? new Date()).toISOString(),
    command,
  };
  const isAlive = opts.isAlive ?? processAlive;
  mkdirSync(dirname(path), { recursive: true });
  let replaced: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
      let released = false;
      return {
        path,
        holder,
        ...(replaced ? { replaced } : {}),
        release() {
          if (released) return;
          released = true;
          // Only remove the lock if it is still ours.
          const current = readHolder(path);
          if (current && current.pid === holder.pid && current.host === holder.host && current.startedAt === holder.startedAt) {
            rmSync(path, { force: true });
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let other = readHolder(path);
    if (!other) {
      // Maybe caught between another process creating the file and writing it: look again shortly.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      other = readHolder(path);
    }
    if (other && other.host === holder.host && !isAlive(other.pid)) {
      // Dead holder on this host: the lock is stale. Remove it and try again.
      replaced = other;
      rmSync(path, { force: true });
      continue;
    }
    if (!other) {
      // Still unreadable: a holder killed between create and write. Stale.
      rmSync(path, { force: true });
      continue;
    }
    throw new AcrctlError('apply.locked', `another acrctl is running on this estate: pid ${other.pid} on ${other.host}, started ${other.startedAt} (${other.command})`, {
      hint:
        other.host === holder.host
          ? 'wait for it to finish'
          : `wait for it to finish; if that host is gone, run acrctl force-unlock (lock file ${path})`,
    });
  }
  throw new AcrctlError('apply.locked', `could not take the lock ${path}`, { hint: 'another acrctl keeps taking it; try again' });
}

/** Removes a lock whatever its holder (the `force-unlock` command). Returns who held it. */
export function forceUnlock(path: string): LockHolder | undefined {
  const holder = readHolder(path);
  rmSync(path, { force: true });
  return holder;
}

export function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
