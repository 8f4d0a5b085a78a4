/**
 * Crash safety: `kill -9` an apply at 20+ random points, then `apply --resume` must converge with
 * no duplicate mutating call for the same object and a journal that is always readable.
 *
 * Kill points are drawn from a seeded generator (seed printed; set ACRCTL_CRASH_SEED to replay):
 * half are random times into the run, half are "right after the k-th call was announced in the
 * journal", which lands inside the window where a request has been sent but its outcome is not yet
 * recorded (creates are slowed down on the emulator so that window is wide).
 *
 * Slow creates (issue 19): two more points slow one create (picked by the seed) to 6 s and 31 s and
 * kill right after its call was journalled, so the service is still working on it when the process
 * dies; the resume starts at once and the orphaned request lands while or after it runs. Nothing may
 * land twice, and the resume's settle time covers the slow create (objects that show only after their
 * create, ACL entries, are not sent again before an orphaned create could have landed).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal.js';
import { mulberry32 } from '../../src/emulator/core/faults.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN, runCli } from '../support/cli.js';
import { CRASH_CONFIG, CRASH_CREATE_ACTIONS, CRASH_EXPECTED_CREATES, CRASH_SLOW_ACTIONS, landed } from '../../bench/crash-estate.js';

interface Call {
  action: string;
  status: number;
  code: string | null;
  mutating: boolean;
}

type KillPoint = { kind: 'time'; ms: number } | { kind: 'intent'; k: number } | { kind: 'call'; call: string };

function killPoints(seed: number, n: number): KillPoint[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? { kind: 'time', ms: 150 + Math.floor(rand() * 1000) } : { kind: 'intent', k: 1 + Math.floor(rand() * 12) }));
}

function intentsWritten(cwd: string, call?: string): number {
  const dir = join(cwd, '.acrctl', 'runs');
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    n += readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"t":"intent"') && (call === undefined || l.includes(`"call":"${call}"`))).length;
  }
  return n;
}

/** Runs apply as a child and SIGKILLs it at the kill point (or lets it finish). */
async function applyAndKill(t: TestEmulator, cwd: string, point: KillPoint): Promise<{ killed: boolean }> {
  const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--no-verify', '--endpoint', t.url], { cwd, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let killed = false;
  const kill = () => {
    if (child.exitCode === null && !killed) {
      killed = child.kill('SIGKILL');
    }
  };
  if (point.kind === 'time') {
    const timer = setTimeout(kill, point.ms);
    await exited;
    clearTimeout(timer);
  } else {
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      if (point.kind === 'intent' ? intentsWritten(cwd) >= point.k : intentsWritten(cwd, point.call) >= 1) {
        kill();
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await exited;
  }
  return { killed };
}

describe('kill -9 during apply, then --resume', () => {
  const seed = Number(process.env.ACRCTL_CRASH_SEED ?? Date.now() % 1_000_000);
  const points = killPoints(seed, 20);
  // Printed so a failure can be replayed with ACRCTL_CRASH_SEED.
  console.log(`crash test seed ${seed} (replay: ACRCTL_CRASH_SEED=${seed})`);

  /**
   * Applies with the kill point, then resumes and checks convergence. `slow` slows one create to
   * `latencyMs` (the other mutating calls keep their 80 ms); the kill then lands inside it.
   */
  const converges = async (point: KillPoint, slow?: { action: string; latencyMs: number }) => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-crash-'));
    try {
      writeFileSync(join(cwd, 'registry.yaml'), CRASH_CONFIG);
      // Slow creates down so kills land while requests are in flight.
      const actions: Record<string, { latencyMs: number }> = Object.fromEntries(CRASH_SLOW_ACTIONS.map((a) => [a, { latencyMs: 80 }]));
      if (slow) actions[slow.action] = { latencyMs: slow.latencyMs };
      await t.admin('PUT', '/_emulator/faults', { seed, actions });
      await applyAndKill(t, cwd, point);
      const killedAt = Date.now();
      // Every journal is readable whatever instant the kill hit (a torn last line at most).
      const runs = join(cwd, '.acrctl', 'runs');
      if (existsSync(runs)) {
        for (const f of readdirSync(runs).filter((x) => x.endsWith('.jsonl'))) expect(readJournal(join(runs, f)).tornLines).toBeLessThanOrEqual(1);
      }
      await t.admin('DELETE', '/_emulator/faults');
      // The emulator shows ACL entries 100 ms after their create: a 1 s settle is ample margin. With
      // a slow create in flight when the process died, the service may apply it up to its latency
      // later: an entry announced but not yet visible is given that long before it is sent again.
      const settleMs = slow ? slow.latencyMs + 1000 : 1000;
      const resumed = await runCli(['apply', '--resume', '--auto-approve', '--endpoint', t.url], { cwd, env: { ACRCTL_SETTLE_MS: String(settleMs) } });
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      if (slow) {
        // Let the orphaned request finish at the emulator before counting what landed.
        const wait = killedAt + slow.latencyMs + 500 - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const plan = await runCli(['plan', '--detailed-exitcode', '--endpoint', t.url], { cwd });
      expect(plan.code, plan.stdout).toBe(0);
      const log = (await t.admin<Call[]>('GET', '/_emulator/calls')).body;
      for (const [action, n] of Object.entries(CRASH_EXPECTED_CREATES)) {
        const count = log.filter((c) => c.action === action && landed(c)).length;
        expect(count, `${action} landed ${count} times for ${n} objects`).toBe(n);
      }
      const instances = (await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, await t.account('1234567890123456'))) as { Instances?: unknown[] };
      expect(instances.Instances?.length).toBe(1);
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  };

  // One create per latency, picked by the seed (different ones), killed while the service works on it.
  // Declared first so that they start first: their wait overlaps the ordinary points.
  const slowPoints = [6_000, 31_000].map((latencyMs, i) => ({ latencyMs, action: CRASH_CREATE_ACTIONS[(seed + i) % CRASH_CREATE_ACTIONS.length]! }));
  it.concurrent.each(slowPoints)(`a kill inside a create slowed to $latencyMs ms ($action) converges without duplicates (seed ${seed})`, async (slow) => {
    await converges({ kind: 'call', call: slow.action.split(':')[1]! }, slow);
  }, 90_000);

  it.concurrent.each(points.map((p, i) => [i, p] as const))(`kill point %i %j converges without duplicates (seed ${seed})`, async (_i, point) => {
    await converges(point);
  });
});
