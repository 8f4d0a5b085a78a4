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
 * land twice: the resume waits, for a create that shows late (ACL entries), until the call's read
 * budget counted from its intent is over (src/cloud/timeouts.ts; shortened here with
 * ACRCTL_READ_TIMEOUT_MS to 5 s above the emulator's latency, as for the killed run), so the orphaned
 * request lands first; the settle time is 1 s throughout (issue 16: a settle time alone, 10 s by
 * default, was shorter than the budget). A third point always slows the ACL entry create to 31 s.
 *
 * Two working directories (issue 16): every fifth point keeps its runs in an emulated OSS bucket
 * (`runStore` in registry.yaml) and resumes in a second directory that shares only the bucket; the
 * killed run's lock expires after 2 s (ACRCTL_LOCK_TTL) and the resume waits for it (--lock-timeout).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import OSS from 'ali-oss';
import { parseJournal, readJournal } from '../../src/apply/journal.js';
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

const BUCKET = 'acme-crash-runs';
const SHARED_STORE = `runStore:\n  oss: { account: prod, region: cn-hangzhou, bucket: ${BUCKET}, prefix: crash }\n`;

/** The journals' texts: in `.acrctl/runs`, or in the bucket. */
async function journals(cwd: string, oss: OSS | undefined): Promise<string[]> {
  if (oss) {
    const listed = await oss.listV2({ prefix: 'crash/runs/', 'max-keys': '1000' }, {});
    const keys = (listed.objects ?? []).map((o) => o.name).filter((k) => k.endsWith('.jsonl'));
    return Promise.all(keys.map(async (k) => ((await oss.get(k)).content as Buffer).toString('utf8')));
  }
  const dir = join(cwd, '.acrctl', 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((x) => x.endsWith('.jsonl')).map((f) => readFileSync(join(dir, f), 'utf8'));
}

async function intentsWritten(cwd: string, oss: OSS | undefined, call?: string): Promise<number> {
  let n = 0;
  for (const text of await journals(cwd, oss)) {
    n += text.split('\n').filter((l) => l.includes('"t":"intent"') && (call === undefined || l.includes(`"call":"${call}"`))).length;
  }
  return n;
}

/** Runs apply as a child and SIGKILLs it at the kill point (or lets it finish). */
async function applyAndKill(t: TestEmulator, cwd: string, point: KillPoint, oss: OSS | undefined, readTimeoutMs: number): Promise<{ killed: boolean }> {
  const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--no-verify', '--endpoint', t.url], { cwd, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ACRCTL_LOCK_TTL: '2s', ACRCTL_READ_TIMEOUT_MS: String(readTimeoutMs) } });
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
      if (point.kind === 'intent' ? (await intentsWritten(cwd, oss)) >= point.k : (await intentsWritten(cwd, oss, point.call)) >= 1) {
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
  const converges = async (point: KillPoint, slow?: { action: string; latencyMs: number }, shared = false) => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-crash-'));
    // With a shared store, the resume runs in a second directory that shares only the bucket.
    const resumeCwd = shared ? mkdtempSync(join(tmpdir(), 'acrctl-crash-b-')) : cwd;
    let oss: OSS | undefined;
    try {
      const config = shared ? CRASH_CONFIG.replace('instances:\n', `${SHARED_STORE}instances:\n`) : CRASH_CONFIG;
      writeFileSync(join(cwd, 'registry.yaml'), config);
      writeFileSync(join(resumeCwd, 'registry.yaml'), config);
      if (shared) {
        const keys = await t.account('1234567890123456');
        await t.admin('POST', '/_emulator/oss/buckets', { accountUid: '1234567890123456', region: 'cn-hangzhou', bucket: BUCKET });
        const endpoint = (await t.admin<{ endpoint: string }>('GET', '/_emulator/endpoint?product=oss&region=cn-hangzhou')).body.endpoint;
        oss = new OSS({ endpoint: `http://${endpoint}`, region: 'oss-cn-hangzhou', accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret, bucket: BUCKET });
      }
      // Slow creates down so kills land while requests are in flight.
      const actions: Record<string, { latencyMs: number }> = Object.fromEntries(CRASH_SLOW_ACTIONS.map((a) => [a, { latencyMs: 80 }]));
      if (slow) actions[slow.action] = { latencyMs: slow.latencyMs };
      await t.admin('PUT', '/_emulator/faults', { seed, actions });
      // The read budget (how long a call may take, and how long a resume waits for a late-showing
      // create the killed run announced) is shortened to a few seconds above the emulator's latency.
      const readTimeoutMs = (slow?.latencyMs ?? 0) + 5000;
      await applyAndKill(t, cwd, point, oss, readTimeoutMs);
      const killedAt = Date.now();
      // Every journal is readable whatever instant the kill hit (a torn last line at most; none on OSS).
      const runs = join(cwd, '.acrctl', 'runs');
      if (existsSync(runs)) {
        for (const f of readdirSync(runs).filter((x) => x.endsWith('.jsonl'))) expect(readJournal(join(runs, f)).tornLines).toBeLessThanOrEqual(1);
      }
      if (oss) {
        expect(existsSync(runs), 'nothing local with a shared store').toBe(false);
        for (const text of await journals(cwd, oss)) expect(parseJournal(text).tornLines).toBe(0);
      }
      await t.admin('DELETE', '/_emulator/faults');
      // The emulator shows ACL entries 100 ms after their create: a 1 s settle is ample margin. A slow
      // create in flight when the process died is covered by the call's read budget, not the settle.
      const resumed = await runCli(['apply', '--resume', '--auto-approve', '--lock-timeout', '30s', '--endpoint', t.url], { cwd: resumeCwd, env: { ACRCTL_SETTLE_MS: '1000', ACRCTL_READ_TIMEOUT_MS: String(readTimeoutMs) } });
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      if (slow) {
        // Let the orphaned request finish at the emulator before counting what landed.
        const wait = killedAt + slow.latencyMs + 500 - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const plan = await runCli(['plan', '--detailed-exitcode', '--endpoint', t.url], { cwd: resumeCwd });
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
      rmSync(resumeCwd, { recursive: true, force: true });
    }
  };

  // One create per latency, picked by the seed (different ones), killed while the service works on it.
  // Declared first so that they start first: their wait overlaps the ordinary points.
  const slowPoints = [
    ...[6_000, 31_000].map((latencyMs, i) => ({ latencyMs, action: CRASH_CREATE_ACTIONS[(seed + i) % CRASH_CREATE_ACTIONS.length]! })),
    // Always: the create that shows late, slower than the settle time, resumed at once.
    { latencyMs: 31_000, action: 'cr:CreateInstanceEndpointAclPolicy' },
  ];
  it.concurrent.each(slowPoints)(`a kill inside a create slowed to $latencyMs ms ($action) converges without duplicates (seed ${seed})`, async (slow) => {
    await converges({ kind: 'call', call: slow.action.split(':')[1]! }, slow);
  }, 150_000);

  it.concurrent.each(points.map((p, i) => [i, p] as const))(`kill point %i %j converges without duplicates (seed ${seed})`, async (i, point) => {
    await converges(point, undefined, i % 5 === 0);
  }, 120_000);
});
