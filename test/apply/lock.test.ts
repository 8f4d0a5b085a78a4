/** The lock file: take-over of stale and unreadable locks, release, and force-unlock's clean-up. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, forceUnlock, readHolder } from '../../src/apply/lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'acrctl-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lock', () => {
  it('is written whole: the lock file names its holder with a nonce, and no temporary file is left', () => {
    const path = join(dir, 'lock');
    const held = acquireLock(path, 'acrctl apply', { pid: 5, host: 'h', isAlive: () => true });
    expect(readHolder(path)).toMatchObject({ pid: 5, host: 'h', command: 'acrctl apply', nonce: held.holder.nonce });
    expect(readdirSync(dir)).toEqual(['lock']);
    held.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over an unreadable lock (an older acrctl killed while writing it) and says whose it was', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, '');
    const held = acquireLock(path, 'apply', { pid: 7, host: 'h', isAlive: () => true });
    expect(held.replaced?.host).toBe('(unreadable lock file)');
    expect(readHolder(path)?.pid).toBe(7);
    expect(readdirSync(dir)).toEqual(['lock']);
  });

  it('release leaves a lock that is no longer its own (taken over after it was judged dead)', () => {
    const path = join(dir, 'lock');
    const first = acquireLock(path, 'apply', { pid: 1, host: 'h', isAlive: () => true });
    const second = acquireLock(path, 'apply', { pid: 2, host: 'h', isAlive: (pid) => pid !== 1 });
    first.release();
    expect(readHolder(path)?.pid).toBe(2);
    second.release();
    expect(existsSync(path)).toBe(false);
  });

  it('force-unlock names the holder it removed and clears what interrupted take-overs left', () => {
    const path = join(dir, 'lock');
    acquireLock(path, 'apply', { pid: 3, host: 'elsewhere', isAlive: () => true });
    writeFileSync(`${path}.break-deadbeef`, '{}');
    writeFileSync(`${path}.tmp-99-cafe`, '{}');
    expect(forceUnlock(path)?.pid).toBe(3);
    expect(readdirSync(dir)).toEqual([]);
    expect(forceUnlock(path)).toBeUndefined();
  });
});
