/**
 * Apply throughput: 1,000 creates (namespaces and repositories) across 2 accounts and 4 instances,
 * with 50 ms latency per call and the emulator's cr rate limit set to Q calls/s.
 *
 * For each Q it prints the makespan, the lower bound max(critical path, useful calls ÷ Q) and their
 * ratio (target ≤ 1.10), the useful calls/s (calls that were not throttled) against Q (target
 * ≥ 0.9 Q) and the share of requests throttled (target ≤ 5%); then the journal's overhead (the same
 * apply with a journal that writes nothing).
 *
 *   npm run build && node dist/bench/apply.js [--q 5,20,100] [--creates 1000] [--latency 50]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute } from '../src/apply/executor.js';
import { Journal } from '../src/apply/journal.js';
import { main } from '../src/cli/main.js';
import { connectRemoteEmulator } from '../src/cloud/emulated.js';
import { CloudSession } from '../src/cloud/session.js';
import { loadConfig } from '../src/config/load.js';
import { startEmulator } from '../src/emulator/server.js';
import { Dag } from '../src/graph/dag.js';
import { allKinds, kindMap } from '../src/kinds/index.js';
import { computePlan } from '../src/plan/planner.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** 2 accounts × 2 instances; `creates` objects spread as 5 namespaces per instance plus repositories. */
function estate(creates: number, withObjects: boolean): string {
  const out = ['version: 1', 'accounts:', '  a: { uid: "3000000000000001" }', '  b: { uid: "3000000000000002" }', 'instances:'];
  const instances = [
    ['a1', 'a', 'cn-hangzhou'],
    ['a2', 'a', 'cn-shanghai'],
    ['b1', 'b', 'cn-hangzhou'],
    ['b2', 'b', 'cn-beijing'],
  ] as const;
  const namespaces = 5;
  const reposPerNs = Math.max(0, Math.floor((creates - instances.length * namespaces) / (instances.length * namespaces)));
  let remainder = creates - instances.length * namespaces * (1 + reposPerNs);
  for (const [alias, account, region] of instances) {
    out.push(`  ${alias}:`, `    account: ${account}`, `    region: ${region}`, '    edition: Standard', `    name: bench-${alias}`);
    if (!withObjects) continue;
    out.push('    namespaces:');
    for (let n = 0; n < namespaces; n++) {
      const count = reposPerNs + (remainder-- > 0 ? 1 : 0);
      out.push(`      ns-${n}:`, '        repositories:');
      for (let r = 0; r < count; r++) out.push(`          r-${r}: { summary: "repository ${r}" }`);
    }
  }
  return `${out.join('\n')}\n`;
}

async function quiet(args: string[], cwd: string): Promise<void> {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
  const code = await main(['node', 'acrctl', ...args], { stdout: sink, stderr: sink, env: { NO_COLOR: '1' }, cwd });
  if (code !== 0) throw new Error(`acrctl ${args.join(' ')} failed (${code}):\n${text.slice(-3000)}`);
}

interface Run {
  readonly makespanMs: number;
  readonly calls: number;
  readonly throttled: number;
  readonly actions: number;
  readonly criticalPathMs: number;
}

/** Plans and applies the estate on a fresh emulator whose cr is limited to q calls/s. */
async function run(q: number, creates: number, latency: number, journalled: boolean): Promise<Run> {
  const emu = await startEmulator({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'acrctl-bench-apply-'));
  try {
    writeFileSync(join(dir, 'base.yaml'), estate(creates, false));
    await quiet(['apply', '-f', 'base.yaml', '--endpoint', emu.url, '--auto-approve', '--no-verify'], dir);
    writeFileSync(join(dir, 'registry.yaml'), estate(creates, true));
    const config = (await loadConfig(join(dir, 'registry.yaml'), { lint: false })).document!;
    const binding = await connectRemoteEmulator({ url: emu.url, accounts: { a: '3000000000000001', b: '3000000000000002' } });
    const session = new CloudSession({ ...binding.session });
    const plan = await computePlan({ config, configDigest: 'x'.repeat(64), configFile: 'registry.yaml', kinds: allKinds, cloud: session, sha256 });
    await fetch(`${emu.url}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 1, global: { latencyMs: latency }, rateLimits: { cr: q } }) });
    const before = session.calls.total;
    const throttledBefore = session.calls.throttled;
    const journal = journalled
      ? Journal.create(join(dir, 'runs'), { runId: 'bench', planId: plan.planId, startedAt: new Date().toISOString(), pid: process.pid })
      : ({ append() {}, close() {}, path: '(none)' } as unknown as Journal);
    const t0 = performance.now();
    const result = await execute({ plan, kinds: kindMap(allKinds), cloud: session, journal, runId: 'bench', emit: () => undefined, parallelism: 50 });
    const makespanMs = performance.now() - t0;
    journal.close();
    if (result.status !== 'complete') throw new Error(`apply ended ${result.status}`);
    const dag = new Dag();
    for (const a of plan.actions) {
      dag.addNode(a.id);
      for (const d of a.dependsOn) dag.addEdge(d, a.id);
    }
    // Each create is one call of `latency` ms at best.
    const criticalPathMs = dag.criticalPath(() => latency).length;
    return { makespanMs, calls: session.calls.total - before, throttled: session.calls.throttled - throttledBefore, actions: plan.actions.length, criticalPathMs };
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const qs = arg('q', '5,20,100').split(',').map(Number);
const creates = Number(arg('creates', '1000'));
const latency = Number(arg('latency', '50'));
console.log(`apply: ${creates} creates across 2 accounts and 4 instances, ${latency} ms latency, cr limited to Q calls/s, parallelism 50`);
console.log('Q     | actions | requests | useful | makespan s | lower bound s | ratio | useful/s | vs Q  | throttled');
let last: Run | undefined;
for (const q of qs) {
  const r = await run(q, creates, latency, true);
  const useful = r.calls - r.throttled;
  const bound = Math.max(r.criticalPathMs, (useful / q) * 1000);
  const rate = useful / (r.makespanMs / 1000);
  console.log(
    `${String(q).padEnd(5)} | ${String(r.actions).padStart(7)} | ${String(r.calls).padStart(8)} | ${String(useful).padStart(6)} | ${(r.makespanMs / 1000).toFixed(1).padStart(10)} | ${(bound / 1000).toFixed(1).padStart(13)} | ${(r.makespanMs / bound).toFixed(2).padStart(5)} | ${rate.toFixed(1).padStart(8)} | ${(rate / q).toFixed(2).padStart(5)} | ${((100 * r.throttled) / r.calls).toFixed(1)}%`,
  );
  last = r;
}
// Journal overhead, at the highest Q (where it matters most).
const q = qs.at(-1)!;
const without = await run(q, creates, latency, false);
const withJ = last ?? (await run(q, creates, latency, true));
console.log(`journal overhead at Q=${q}: ${(withJ.makespanMs / 1000).toFixed(2)} s with, ${(without.makespanMs / 1000).toFixed(2)} s without: ${((100 * (withJ.makespanMs - without.makespanMs)) / without.makespanMs).toFixed(1)}%`);
