/**
 * Adopt at scale: `acrctl adopt` of one instance holding 100, 1,000 and 5,000 repositories in 20
 * namespaces, against the emulator with a fixed latency on every call. Prints, per size, the wall
 * time, the API calls by action, and the size of the written file; then the cost of discovering
 * instances in every region (no --region) for one account.
 *
 * Repositories are the dominant cost: ListRepository is paged (100 a call), but `detail` is only in
 * GetRepository, so adopt makes one GetRepository per repository (8 in flight).
 *
 *   npm run build && node dist/bench/adopt.js [--sizes 100,1000,5000] [--latency 20]
 *
 * Prints figures; asserts nothing (machines here are noisy).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { connectRemoteEmulator } from '../src/cloud/emulated.js';
import { CloudSession } from '../src/cloud/session.js';
import { startEmulator } from '../src/emulator/server.js';

const UID = '1000000000000001';
const NAMESPACES = 20;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Runs the CLI in this process; resolves to its exit code and output. */
async function acrctl(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(['node', 'acrctl', ...args], {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: { NO_COLOR: '1' },
    cwd,
  });
  return { code, stdout, stderr };
}

async function seed(url: string, dir: string, repos: number): Promise<void> {
  const extra = Math.ceil(Math.max(0, repos - 1000) / 1000) * 1000;
  const lines = ['version: 1', 'accounts:', `  src: { uid: "${UID}" }`, 'instances:', '  src:', '    account: src', '    region: cn-hangzhou', '    edition: Advanced', '    name: bench-adopt'];
  if (extra > 0) lines.push(`    quotas: { repositories: ${extra} }`);
  lines.push('    namespaces:');
  for (let n = 0; n < NAMESPACES; n++) lines.push(`      ns-${String(n).padStart(2, '0')}: {}`);
  writeFileSync(join(dir, 'seed.yaml'), `${lines.join('\n')}\n`);
  const r = await acrctl(['apply', '-f', 'seed.yaml', '--endpoint', url, '--auto-approve', '--parallelism', '32', '--no-verify'], dir);
  if (r.code !== 0) throw new Error(`seeding failed (${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  const binding = await connectRemoteEmulator({ url, accounts: { src: UID } });
  const session = new CloudSession({ ...binding.session });
  const cr = session.cr('src', 'cn-hangzhou');
  const id = (await cr.listInstance({ InstanceName: 'bench-adopt' })).Instances?.[0]?.InstanceId;
  if (id === undefined) throw new Error('seeded instance not found');
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < repos; i = next++) {
        await cr.createRepository({
          InstanceId: id,
          RepoNamespaceName: `ns-${String(i % NAMESPACES).padStart(2, '0')}`,
          RepoName: `repo-${String(i).padStart(5, '0')}`,
          RepoType: i % 7 === 0 ? 'PUBLIC' : 'PRIVATE',
          Summary: `repository ${i}`,
          ...(i % 3 === 0 ? { Detail: `# repo ${i}\n\nDetails.` } : {}),
        });
      }
    }),
  );
  await session.close();
}

async function calls(url: string): Promise<{ action?: string; mutating: boolean }[]> {
  return (await (await fetch(`${url}/_emulator/calls`)).json()) as { action?: string; mutating: boolean }[];
}

async function measure(url: string, dir: string, args: string[]): Promise<{ ms: number; byAction: Record<string, number>; total: number; mutating: number; bytes: number; code: number }> {
  const before = (await calls(url)).length;
  const t0 = performance.now();
  const r = await acrctl(['adopt', '--account', `src=${UID}`, ...args, '--endpoint', url], dir);
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(`adopt failed (${r.code}):\n${r.stderr.slice(-2000)}`);
  const made = (await calls(url)).slice(before);
  const byAction: Record<string, number> = {};
  for (const c of made) byAction[c.action ?? '?'] = (byAction[c.action ?? '?'] ?? 0) + 1;
  return { ms, byAction, total: made.length, mutating: made.filter((c) => c.mutating).length, bytes: Buffer.byteLength(r.stdout), code: r.code };
}

async function run(): Promise<void> {
  const sizes = arg('sizes', '100,1000,5000').split(',').map(Number);
  const latency = Number(arg('latency', '20'));
  console.log(`adopt: one instance, ${NAMESPACES} namespaces, ${latency} ms latency per call`);
  for (const repos of sizes) {
    const emu = await startEmulator({ port: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'acrctl-bench-adopt-'));
    try {
      await seed(emu.url, dir, repos);
      await fetch(`${emu.url}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 1, global: { latencyMs: latency } }) });
      const m = await measure(emu.url, dir, ['--region', 'cn-hangzhou']);
      const top = Object.entries(m.byAction)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 5)
        .map(([a, n]) => `${a} ${n}`)
        .join(', ');
      console.log(`  ${String(repos).padStart(5)} repositories: ${(m.ms / 1000).toFixed(2)} s, ${m.total} calls (${m.mutating} mutating; ${top}), ${(m.bytes / 1024).toFixed(1)} KiB of YAML`);
      if (repos === sizes[0]) {
        const all = await measure(emu.url, dir, []);
        console.log(`  every region (no --region): ${(all.ms / 1000).toFixed(2)} s, ${all.byAction['ListInstance'] ?? 0} ListInstance calls, ${all.total} calls in all`);
      }
    } finally {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
