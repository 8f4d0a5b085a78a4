/**
 * Crash benchmark: 100 random kill points (kill -9) during an apply, each followed by
 * `apply --resume`. Prints duplicates (creates that landed more often than there are objects),
 * orphans (live objects the config does not declare, left by a repeated create) and lost actions
 * (a plan after the resume that still has work). Targets: 0, 0 and 0.
 *
 *   npm run build && node dist/bench/crash.js [--points 100] [--seed N]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { mulberry32 } from '../src/emulator/core/faults.js';
import { startEmulator } from '../src/emulator/server.js';
import { CRASH_CONFIG, CRASH_EXPECTED_CREATES, CRASH_SLOW_ACTIONS, landed } from './crash-estate.js';

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

function intents(cwd: string): number {
  const dir = join(cwd, '.acrctl', 'runs');
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) n += (readFileSync(join(dir, f), 'utf8').match(/"t":"intent"/g) ?? []).length;
  return n;
}

interface Outcome {
  duplicates: number;
  orphans: number;
  lost: number;
  killed: boolean;
}

async function point(i: number, rand: () => number): Promise<Outcome> {
  const emu = await startEmulator({ port: 0 });
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-bench-crash-'));
  try {
    writeFileSync(join(cwd, 'registry.yaml'), CRASH_CONFIG);
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${emu.url}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) }).then((r) => r.json() as Promise<unknown>);
    await admin('PUT', '/_emulator/faults', { seed: i, actions: Object.fromEntries(CRASH_SLOW_ACTIONS.map((a) => [a, { latencyMs: 80 }])) });
    const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--no-verify', '--endpoint', emu.url], { cwd, stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    let killed = false;
    const kill = () => {
      if (child.exitCode === null && !killed) killed = child.kill('SIGKILL');
    };
    if (i % 2 === 0) {
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
    await admin('DELETE', '/_emulator/faults');
    await cli(['apply', '--resume', '--auto-approve', '--no-verify', '--endpoint', emu.url], cwd, { ACRCTL_SETTLE_MS: '1000' });
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
