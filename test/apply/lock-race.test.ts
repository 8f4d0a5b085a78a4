/**
 * The lock under real races: 4 processes take over the same stale lock (its holder is dead), 200
 * times. Each round starts at a file-system barrier so the four really race; winners keep their
 * lock (their process stays alive), so a second winner in a round would be a second holder at the
 * same time. Needs the build (`npm test` builds first): the children load dist/src/apply/lock.js.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const LOCK_JS = fileURLToPath(new URL('../../dist/src/apply/lock.js', import.meta.url));
const PROCESSES = 4;
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 200);

/** One racer: for each round, wait at the barrier, then try to take that round's lock. */
const CHILD = `
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [lockUrl, base, me, n, rounds] = process.argv.slice(1);
const nap = new Int32Array(new SharedArrayBuffer(4));
const { acquireLock } = await import(lockUrl);
for (let r = 0; r < Number(rounds); r++) {
  const dir = join(base, String(r));
  writeFileSync(join(dir, 'ready-' + me), '');
  for (;;) {
    let all = true;
    for (let i = 0; i < Number(n); i++) if (!existsSync(join(dir, 'ready-' + i))) { all = false; break; }
    if (all) break;
    Atomics.wait(nap, 0, 0, 1);
  }
  try {
    acquireLock(join(dir, 'lock'), 'race');
    writeFileSync(join(dir, 'won-' + me), '');
  } catch (err) {
    if (err.code !== 'apply.locked') { console.error(err); process.exit(2); }
  }
}
// Stay alive (holding every lock won) until all racers are done: a dead winner's lock is stale.
writeFileSync(join(base, 'finished-' + me), '');
for (;;) {
  let all = true;
  for (let i = 0; i < Number(n); i++) if (!existsSync(join(base, 'finished-' + i))) { all = false; break; }
  if (all) break;
}
`;

const base = mkdtempSync(join(tmpdir(), 'acrctl-lock-race-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A pid that ran on this host and has exited: its lock is stale. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('lock take-over', () => {
  it(`gives a dead holder's lock to exactly one of ${PROCESSES} racing processes, ${ROUNDS} times`, { timeout: 120_000 }, async () => {
    expect(existsSync(LOCK_JS), 'run npm run build first').toBe(true);
    const pid = deadPid();
    for (let r = 0; r < ROUNDS; r++) {
      const dir = join(base, String(r));
      mkdirSync(dir);
      // Alternate a lock of this version (with a nonce) and one of an older version (without).
      const stale = { pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'acrctl apply', ...(r % 2 === 0 ? { nonce: `stale${r}` } : {}) };
      writeFileSync(join(dir, 'lock'), `${JSON.stringify(stale)}\n`);
    }
    const children = Array.from({ length: PROCESSES }, (_, i) =>
      spawn(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(LOCK_JS).href, base, String(i), String(PROCESSES), String(ROUNDS)], { stdio: ['ignore', 'ignore', 'pipe'] }),
    );
    const codes = await Promise.all(
      children.map(
        (c) =>
          new Promise<{ code: number | null; err: string }>((resolve) => {
            let err = '';
            c.stderr.on('data', (d: Buffer) => (err += d.toString()));
            c.on('close', (code) => resolve({ code, err }));
          }),
      ),
    );
    for (const c of codes) expect(c.code, c.err).toBe(0);
    const winners = Array.from({ length: ROUNDS }, (_, r) => readdirSync(join(base, String(r))).filter((f) => f.startsWith('won-')).length);
    const doubles = winners.map((w, r) => [r, w] as const).filter(([, w]) => w !== 1);
    expect(doubles, 'rounds whose stale lock did not go to exactly one process').toEqual([]);
    // Nothing is left behind but the lock itself and the barrier files.
    const stray = Array.from({ length: ROUNDS }, (_, r) => readdirSync(join(base, String(r))).filter((f) => f.startsWith('lock.'))).flat();
    expect(stray).toEqual([]);
  });
});
