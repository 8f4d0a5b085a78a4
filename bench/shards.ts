/**
 * Shards in parallel against one apply: 4 accounts × `creates` creates (5 namespaces and their
 * repositories per account; default 250), 50 ms latency per call, each account limited to Q calls/s
 * per API (`accountRateLimits`, default 20), runs kept in an emulated OSS bucket with 20 ms latency.
 *
 * Scenario 0: one apply with the local store (`.acrctl/`), the baseline of the store's cost.
 * Scenario 1: one `acrctl apply` of the whole estate. Scenario 2: four `acrctl apply --shard <account>`
 * in parallel processes, from four working directories sharing only the bucket. Each on a fresh
 * emulator whose instances were made beforehand (untimed). Prints each makespan, the lower bound
 * (the busiest account's creates ÷ Q) and the ratio, and what the store cost per intent (from the
 * line apply prints after a run on a shared store).
 *
 *   npm run bench:shards [-- --creates 250 --q 20 --latency 50 --store-latency 20]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../src/emulator/server.js';

const BIN = fileURLToPath(new URL('../../bin/acrctl.js', import.meta.url));
const ACCOUNTS = ['a', 'b', 'c', 'd'];
const UIDS = ['3100000000000001', '3100000000000002', '3100000000000003', '3100000000000004'];
const BUCKET = 'bench-acrctl-runs';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

function estate(creates: number, withObjects: boolean, shared = true): string {
  const out = ['version: 1', 'accounts:', ...ACCOUNTS.map((a, i) => `  ${a}: { uid: "${UIDS[i]}" }`), ...(shared ? ['runStore:', `  oss: { account: a, region: cn-hangzhou, bucket: ${BUCKET}, prefix: bench }`] : []), 'instances:'];
  const namespaces = 5;
  const repos = creates - namespaces;
  for (const a of ACCOUNTS) {
    out.push(`  ${a}1:`, `    account: ${a}`, '    region: cn-hangzhou', '    edition: Advanced', `    name: bench-${a}`);
    if (!withObjects) continue;
    out.push('    namespaces:');
    for (let n = 0; n < namespaces; n++) {
      const count = Math.floor(repos / namespaces) + (n < repos % namespaces ? 1 : 0);
      out.push(`      ns-${n}:`, '        repositories:');
      for (let r = 0; r < count; r++) out.push(`          r-${r}: { summary: "repository ${r}" }`);
    }
  }
  return `${out.join('\n')}\n`;
}

function acrctl(args: string[], cwd: string, url: string): Promise<{ code: number | null; out: string; ms: number }> {
  const t0 = performance.now();
  const p = spawn(process.execPath, [BIN, ...args, '--endpoint', url], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } });
  let out = '';
  p.stdout.on('data', (c: Buffer) => (out += c.toString()));
  p.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((r) => p.on('exit', (code) => r({ code, out, ms: performance.now() - t0 })));
}

/** The store's cost line apply prints: intents and their average wait. */
function storeCost(out: string): { intents: number; avgMs: number; totalMs: number; records: number; appends: number } {
  const m = /(\d+) records in (\d+) appends; (\d+) intents waited (\d+) ms on average \(at most \d+ ms, (\d+) ms in all\)/.exec(out);
  return m ? { records: Number(m[1]), appends: Number(m[2]), intents: Number(m[3]), avgMs: Number(m[4]), totalMs: Number(m[5]) } : { records: 0, appends: 0, intents: 0, avgMs: 0, totalMs: 0 };
}

async function scenario(name: string, creates: number, q: number, latency: number, storeLatency: number, shards: boolean, shared = true): Promise<number> {
  const emu = await startEmulator({ port: 0 });
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'acrctl-bench-shards-'));
    dirs.push(d);
    return d;
  };
  try {
    for (const uid of UIDS) await emu.createAccount(uid);
    await fetch(`${emu.url}/_emulator/oss/buckets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountUid: UIDS[0], region: 'cn-hangzhou', bucket: BUCKET }) });
    const base = dir();
    writeFileSync(join(base, 'registry.yaml'), estate(creates, false));
    const made = await acrctl(['apply', '--auto-approve', '--no-verify'], base, emu.url);
    if (made.code !== 0) throw new Error(`making the instances failed:\n${made.out}`);
    await fetch(`${emu.url}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 1, global: { latencyMs: latency }, products: { oss: { latencyMs: storeLatency } }, accountRateLimits: { cr: q } }),
    });
    const config = estate(creates, true, shared);
    const t0 = performance.now();
    const runs = shards
      ? await Promise.all(ACCOUNTS.map((a) => {
          const d = dir();
          writeFileSync(join(d, 'registry.yaml'), config);
          return acrctl(['apply', '--shard', a, '--auto-approve', '--no-verify', '--parallelism', '10'], d, emu.url);
        }))
      : await (async () => {
          const d = dir();
          writeFileSync(join(d, 'registry.yaml'), config);
          return [await acrctl(['apply', '--auto-approve', '--no-verify', '--parallelism', '40'], d, emu.url)];
        })();
    const makespan = (performance.now() - t0) / 1000;
    for (const r of runs) if (r.code !== 0) throw new Error(`${name}: apply failed:\n${r.out.slice(-2000)}`);
    const lower = creates / q;
    const cost = runs.map((r) => storeCost(r.out));
    const intents = cost.reduce((n, c) => n + c.intents, 0);
    const waited = cost.reduce((n, c) => n + c.totalMs, 0);
    const records = cost.reduce((n, c) => n + c.records, 0);
    const appends = cost.reduce((n, c) => n + c.appends, 0);
    console.log(
      `${name.padEnd(28)} makespan ${makespan.toFixed(1)} s, lower bound ${lower.toFixed(1)} s, ratio ${(makespan / lower).toFixed(2)}; ` +
        (shared ? `store: ${intents} intents waited ${intents ? (waited / intents).toFixed(0) : 0} ms each on average (${records} records in ${appends} appends)` : 'local store (.acrctl/)'),
    );
    return makespan;
  } finally {
    await emu.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

const creates = arg('creates', 250);
const q = arg('q', 20);
const latency = arg('latency', 50);
const storeLatency = arg('store-latency', 20);
console.log(`${ACCOUNTS.length} accounts × ${creates} creates, ${latency} ms per call, Q = ${q}/s per account and API, OSS store at ${storeLatency} ms`);
const local = await scenario('one apply, local store', creates, q, latency, storeLatency, false, false);
const one = await scenario('one apply (parallelism 40)', creates, q, latency, storeLatency, false);
await scenario('4 shard applies in parallel', creates, q, latency, storeLatency, true);
console.log(`the OSS store's cost on one apply: ${(((one - local) / local) * 100).toFixed(1)}% of its makespan`);
