/**
 * Crash safety: `kill -9` an apply at 20+ random points, then `apply --resume` must converge with
 * no duplicate mutating call for the same object and a journal that is always readable.
 *
 * Kill points are drawn from a seeded generator (seed printed; set ACRCTL_CRASH_SEED to replay):
 * half are random times into the run, half are "right after the k-th call was announced in the
 * journal", which lands inside the window where a request has been sent but its outcome is not yet
 * recorded (creates are slowed down on the emulator so that window is wide).
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
import { CRASH_CONFIG, CRASH_EXPECTED_CREATES, CRASH_SLOW_ACTIONS, landed } from '../../bench/crash-estate.js';

interface Call {
  action: string;
  status: number;
  code: string | null;
  mutating: boolean;
}

type KillPoint = { kind: 'time'; ms: number } | { kind: 'intent'; k: number };

function killPoints(seed: number, n: number): KillPoint[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? { kind: 'time', ms: 150 + Math.floor(rand() * 1000) } : { kind: 'intent', k: 1 + Math.floor(rand() * 12) }));
}

function intentsWritten(cwd: string): number {
  const dir = join(cwd, '.acrctl', 'runs');
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) n += readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.includes('"t":"intent"')).length;
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
      if (intentsWritten(cwd) >= point.k) {
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

  it.concurrent.each(points.map((p, i) => [i, p] as const))(`kill point %i %j converges without duplicates (seed ${seed})`, async (_i, point) => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-crash-'));
    try {
      writeFileSync(join(cwd, 'registry.yaml'), CRASH_CONFIG);
      // Slow creates down so kills land while requests are in flight.
      const slow = { latencyMs: 80 };
      await t.admin('PUT', '/_emulator/faults', { seed, actions: Object.fromEntries(CRASH_SLOW_ACTIONS.map((a) => [a, slow])) });
      await applyAndKill(t, cwd, point);
      // Every journal is readable whatever instant the kill hit (a torn last line at most).
      const runs = join(cwd, '.acrctl', 'runs');
      if (existsSync(runs)) {
        for (const f of readdirSync(runs).filter((x) => x.endsWith('.jsonl'))) expect(readJournal(join(runs, f)).tornLines).toBeLessThanOrEqual(1);
      }
      await t.admin('DELETE', '/_emulator/faults');
      // The emulator shows ACL entries 100 ms after their create: a 1 s settle is ample margin.
      const resumed = await runCli(['apply', '--resume', '--auto-approve', '--endpoint', t.url], { cwd, env: { ACRCTL_SETTLE_MS: '1000' } });
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
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
  });
});
