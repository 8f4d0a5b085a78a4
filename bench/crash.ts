/**
 * Crash benchmark: 100 random kill points (kill -9) during an apply, each followed by
 * `apply --resume`. Prints duplicates (creates that landed more often than there are objects),
 * orphans (live objects the config does not declare, left by a repeated create) and lost actions
 * (a plan after the resume that still has work). Targets: 0, 0 and 0.
 *
 * Then slow-create points (issue 19): one create, picked at random, slowed to 6 s or 31 s
 * (alternately), and the process killed right after that call was journalled, while the service is
 * still working on it. The resume starts at once; the figures are counted after the orphaned request
 * has landed. These run `--slow-parallel` at a time (they mostly wait).
 *
 *   npm run build && node dist/bench/crash.js [--points 100] [--slow 10] [--slow-parallel 5] [--seed N]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { mulberry32 } from '../src/emulator/core/faults.js';
import { startEmulator } from '../src/emulator/server.js';
import { CRASH_CONFIG, CRASH_CREATE_ACTIONS, CRASH_EXPECTED_CREATES, CRASH_SLOW_ACTIONS, landed } from './crash-estate.js';

const BIN = fileURLToPath(new URL('../../bin/acrctl.js', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  const code = await main(['node', 'acrctl', ...args], { stdout: sink, stderr: sink, env: { NO_COLOR: '1', ...env }, cwd });
  return { code, out };
}

function intents(cwd: string, call?: string): number {
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

interface Outcome {
  duplicates: number;
  orphans: number;
  lost: number;
  killed: boolean;
}

/** One slowed create: the kill lands right after its call was journalled. */
interface Slow {
  readonly action: string;
  readonly latencyMs: number;
}

async function point(i: number, rand: () => number, slow?: Slow): Promise<Outcome> {
  const emu = await startEmulator({ port: 0 });
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-bench-crash-'));
  try {
    writeFileSync(join(cwd, 'registry.yaml'), CRASH_CONFIG);
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${emu.url}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) }).then((r) => r.json() as Promise<unknown>);
    const actions: Record<string, { latencyMs: number }> = Object.fromEntries(CRASH_SLOW_ACTIONS.map((a) => [a, { latencyMs: 80 }]));
    if (slow) actions[slow.action] = { latencyMs: slow.latencyMs };
    await admin('PUT', '/_emulator/faults', { seed: i, actions });
    const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--no-verify', '--endpoint', emu.url], { cwd, stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    let killed = false;
    const kill = () => {
      if (child.exitCode === null && !killed) killed = child.kill('SIGKILL');
    };
    if (slow) {
      const call = slow.action.split(':')[1]!;
      let done = false;
      void exited.then(() => (done = true));
      while (!done && intents(cwd, call) < 1) await new Promise((r) => setTimeout(r, 2));
      kill();
      await exited;
    } else if (i % 2 === 0) {
      const timer = setTimeout(kill, 150 + Math.floor(rand() * 1000));
      await exited;
      clearTimeout(timer);
    } else {
      const k = 1 + Math.floor(rand() * 12);
      let done = false;
      void exited.then(() => (done = true));
      while (!done && intents(cwd) < k) await new Promise((r) => setTimeout(r, 2));
      kill();
      await exited;
    }
    const killedAt = Date.now();
    await admin('DELETE', '/_emulator/faults');
    // An entry announced but not visible gets as long as an orphaned slow create could take.
    const settleMs = slow ? slow.latencyMs + 1000 : 1000;
    await cli(['apply', '--resume', '--auto-approve', '--no-verify', '--endpoint', emu.url], cwd, { ACRCTL_SETTLE_MS: String(settleMs) });
    if (slow) {
      const wait = killedAt + slow.latencyMs + 500 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const plan = await cli(['plan', '--format', 'json', '--endpoint', emu.url], cwd);
    const parsed = JSON.parse(plan.out.slice(plan.out.indexOf('{'))) as { actions: unknown[]; unmanaged: unknown[] };
    const calls = (await admin('GET', '/_emulator/calls')) as { action: string; status: number; code: string | null }[];
    let duplicates = 0;
    for (const [action, n] of Object.entries(CRASH_EXPECTED_CREATES)) {
      duplicates += Math.max(0, calls.filter((c) => c.action === action && landed(c)).length - n);
    }
    return { duplicates, orphans: parsed.unmanaged.length, lost: parsed.actions.length, killed };
  } finally {
    await emu.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}

const points = Number(arg('points', '100'));
const slowPoints = Number(arg('slow', '10'));
const slowParallel = Math.max(1, Number(arg('slow-parallel', '5')));
const seed = Number(arg('seed', String(Date.now() % 1_000_000)));
const rand = mulberry32(seed);
console.log(`crash: ${points} kill points (seed ${seed}), half at random times, half right after the k-th journalled call`);
const total: Outcome = { duplicates: 0, orphans: 0, lost: 0, killed: false };
let kills = 0;
const started = performance.now();
for (let i = 0; i < points; i++) {
  const o = await point(i, rand);
  total.duplicates += o.duplicates;
  total.orphans += o.orphans;
  total.lost += o.lost;
  if (o.killed) kills++;
  if (o.duplicates + o.orphans + o.lost > 0) console.log(`  point ${i}: ${o.duplicates} duplicates, ${o.orphans} orphans, ${o.lost} lost`);
}
console.log(`${points} points (${kills} killed mid-apply) in ${((performance.now() - started) / 1000).toFixed(0)} s: duplicates ${total.duplicates}, orphans ${total.orphans}, lost actions ${total.lost}`);

if (slowPoints > 0) {
  const slows: Slow[] = Array.from({ length: slowPoints }, (_, j) => ({
    latencyMs: j % 2 === 0 ? 6_000 : 31_000,
    action: CRASH_CREATE_ACTIONS[Math.floor(rand() * CRASH_CREATE_ACTIONS.length)]!,
  }));
  console.log(`crash, slow creates: ${slowPoints} kill points inside a create slowed to 6 s or 31 s (${slowParallel} at a time)`);
  const slowTotal: Outcome = { duplicates: 0, orphans: 0, lost: 0, killed: false };
  let slowKills = 0;
  const slowStarted = performance.now();
  for (let j = 0; j < slows.length; j += slowParallel) {
    const batch = slows.slice(j, j + slowParallel);
    const outcomes = await Promise.all(batch.map((sl, k) => point(points + j + k, rand, sl)));
    outcomes.forEach((o, k) => {
      const sl = batch[k]!;
      slowTotal.duplicates += o.duplicates;
      slowTotal.orphans += o.orphans;
      slowTotal.lost += o.lost;
      if (o.killed) slowKills++;
      if (o.duplicates + o.orphans + o.lost > 0) console.log(`  slow point ${j + k} (${sl.action} at ${sl.latencyMs} ms): ${o.duplicates} duplicates, ${o.orphans} orphans, ${o.lost} lost`);
    });
  }
  console.log(
    `${slowPoints} slow-create points (${slowKills} killed inside the slow create) in ${((performance.now() - slowStarted) / 1000).toFixed(0)} s: duplicates ${slowTotal.duplicates}, orphans ${slowTotal.orphans}, lost actions ${slowTotal.lost}`,
  );
}
