/**
 * Plan at scale: a no-change `acrctl plan` of estates with 100, 1,000 and 10,000 repositories in
 * 50 namespaces on one instance, plus 100 sync rules into 20 instances of 20 other accounts (so 20
 * cross-account RAM roles), against the emulator with 50 ms of latency on every call.
 *
 * For each size it prints API calls, wall seconds and peak RSS of the plan (run in a child process,
 * so the RSS is acrctl's alone), then the same live read done Terraform's way, one Get per object at
 * parallelism 10, and the ratio. Then diff + graph + render of 100,000 objects with no I/O.
 *
 *   npm run build && node dist/bench/plan-scale.js [--sizes 100,1000,10000] [--latency 50]
 *
 * Prints figures; asserts nothing (machines here are noisy).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { connectRemoteEmulator } from '../src/cloud/emulated.js';
import { CloudSession } from '../src/cloud/session.js';
import { loadConfig } from '../src/config/load.js';
import { startEmulator } from '../src/emulator/server.js';
import { Dag } from '../src/graph/dag.js';
import { allKinds } from '../src/kinds/index.js';
import { json as anyJson, record, str } from '../src/plan/decode.js';
import type { DesiredObject, Kind, LiveObject } from '../src/plan/kind.js';
import { buildPlan, collectDesired, computePlan, readLive } from '../src/plan/planner.js';
import { renderJson } from '../src/render/json.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';

const NAMESPACES = 50;
const TARGETS = 20;
const RULES_PER_TARGET = 5;
const SOURCE_UID = '1000000000000001';
const targetUid = (i: number) => `2000000000000${String(i).padStart(3, '0')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** The estate as registry.yaml; `repos` false leaves repositories out (for the first seeding step). */
function estateYaml(repos: number, withRepos: boolean, withRules: boolean): string {
  const out = ['version: 1', 'accounts:', `  src: { uid: "${SOURCE_UID}" }`];
  for (let t = 0; t < TARGETS; t++) out.push(`  t${t}: { uid: "${targetUid(t)}" }`);
  out.push('instances:', '  src:', '    account: src', '    region: cn-hangzhou', '    edition: Advanced', '    name: bench-src');
  // Beyond the base quota of 1,000 repositories, buy more, as a real estate of this size would.
  const extra = Math.ceil(Math.max(0, repos - 1000) / 1000) * 1000;
  if (extra > 0) out.push(`    quotas: { repositories: ${extra} }`);
  out.push('    namespaces:');
  const perNs = Math.ceil(repos / NAMESPACES);
  for (let n = 0; n < NAMESPACES; n++) {
    const names: string[] = [];
    if (withRepos) for (let r = n * perNs; r < Math.min(repos, (n + 1) * perNs); r++) names.push(`          repo-${String(r).padStart(5, '0')}: { summary: "repository ${r}" }`);
    out.push(`      ns-${String(n).padStart(2, '0')}:${names.length > 0 ? '' : ' {}'}`);
    if (names.length > 0) out.push('        repositories:', ...names);
  }
  if (withRules) {
    out.push('    replication:');
    for (let t = 0; t < TARGETS; t++) for (let j = 0; j < RULES_PER_TARGET; j++) out.push(`      - { name: r-${t}-${j}, to: t${t}, namespace: ns-${String(j).padStart(2, '0')} }`);
  }
  for (let t = 0; t < TARGETS; t++) {
    out.push(`  t${t}:`, `    account: t${t}`, '    region: cn-beijing', '    edition: Basic', `    name: bench-t${String(t).padStart(2, '0')}`, '    namespaces:');
    for (let j = 0; j < RULES_PER_TARGET; j++) out.push(`      ns-${String(j).padStart(2, '0')}: { autoCreateRepo: true }`);
  }
  return `${out.join('\n')}\n`;
}

/** CLI streams that keep the output, shown only when a seeding step fails. */
function quietIo(cwd: string) {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
  return { io: { stdout: sink, stderr: sink, env: { NO_COLOR: '1' }, cwd }, text: () => text.slice(-4000) };
}

async function acrctl(args: string[], cwd: string, what: string): Promise<void> {
  const q = quietIo(cwd);
  const code = await main(['node', 'acrctl', ...args], q.io);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}):\n${q.text()}`);
}

async function seed(url: string, dir: string, repos: number): Promise<void> {
  // 1. Instances and namespaces with acrctl itself.
  writeFileSync(join(dir, 'base.yaml'), estateYaml(repos, false, false));
  await acrctl(['apply', '-f', 'base.yaml', '--endpoint', url, '--auto-approve', '--parallelism', '32', '--no-verify'], dir, 'seeding instances');
  // 2. Repositories in bulk through the API.
  const config = await loadConfig(join(dir, 'base.yaml'), { lint: false });
  const binding = await connectRemoteEmulator({ url, accounts: { src: SOURCE_UID } });
  const session = new CloudSession({ ...binding.session });
  const cr = session.cr('src', 'cn-hangzhou');
  const inst = (await cr.listInstance({ InstanceName: 'bench-src' })).Instances?.[0];
  if (!inst?.InstanceId || !config.document) throw new Error('seeded source instance not found');
  const perNs = Math.ceil(repos / NAMESPACES);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let r = next++; r < repos; r = next++) {
        await cr.createRepository({ InstanceId: inst.InstanceId!, RepoNamespaceName: `ns-${String(Math.floor(r / perNs)).padStart(2, '0')}`, RepoName: `repo-${String(r).padStart(5, '0')}`, RepoType: 'PRIVATE', Summary: `repository ${r}` });
      }
    }),
  );
  await session.close();
  // 3. The full estate: RAM roles, policies, attachments and sync rules come from the real kinds.
  writeFileSync(join(dir, 'registry.yaml'), estateYaml(repos, true, true));
  await acrctl(['apply', '-f', 'registry.yaml', '--endpoint', url, '--auto-approve', '--parallelism', '32', '--no-verify'], dir, 'seeding rules');
}

interface ChildResult {
  readonly mode: 'list' | 'get';
  readonly calls: number;
  readonly wallMs: number;
  readonly maxRssMb: number;
  readonly actions: number;
  readonly perAction?: Record<string, Record<string, number>>;
}

/** Child: plan the estate (list mode) or read it one Get per object (get mode), print figures. */
async function child(url: string, dir: string, mode: 'list' | 'get'): Promise<void> {
  const loaded = await loadConfig(join(dir, 'registry.yaml'), { lint: false });
  if (!loaded.document) throw new Error('config invalid');
  const accounts = Object.fromEntries(Object.entries(loaded.document.accounts).map(([a, v]) => [a, v.uid]));
  const binding = await connectRemoteEmulator({ url, accounts });
  const session = new CloudSession({ ...binding.session });
  const start = performance.now();
  let actions = 0;
  if (mode === 'list') {
    await session.verifyIdentities();
    const plan = await computePlan({ config: loaded.document, configDigest: 'x'.repeat(64), configFile: 'registry.yaml', kinds: allKinds, cloud: session, sha256 });
    actions = plan.actions.length;
  } else {
    // Terraform's refresh: one Get per object it manages, at parallelism 10.
    const desired = collectDesired(allKinds, loaded.document);
    const live = await readLive(allKinds, loaded.document, desired, session);
    const before = session.calls.total;
    const t0 = performance.now();
    await getPerObject(session, live);
    const result: ChildResult = { mode, calls: session.calls.total - before, wallMs: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, actions: 0 };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const result: ChildResult = { mode, calls: session.calls.total, wallMs: performance.now() - start, maxRssMb: process.resourceUsage().maxRSS / 1024, actions, perAction: session.calls.snapshot() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function getPerObject(session: CloudSession, live: ReadonlyMap<string, readonly LiveObject[]>): Promise<void> {
  const jobs: (() => Promise<unknown>)[] = [];
  const instanceIds = new Map((live.get('instance') ?? []).map((i) => [i.instance, i.ids['instanceId'] ?? ''] as const));
  for (const [kind, objs] of live) {
    for (const o of objs) {
      const cr = () => session.cr(o.account, o.region);
      const id = o.ids['instanceId'] ?? instanceIds.get(o.instance) ?? '';
      switch (kind) {
        case 'instance':
          jobs.push(() => cr().getInstance({ InstanceId: id }));
          break;
        case 'namespace':
          jobs.push(() => cr().getNamespace({ InstanceId: id, NamespaceName: String(o.id.match(/namespace\[([^\]]+)\]/)?.[1]) }));
          break;
        case 'repository':
          jobs.push(() => cr().getRepository({ InstanceId: id, RepoId: o.ids['repoId'] ?? '' }));
          break;
        case 'sync-rule':
          jobs.push(() => cr().listRepoSyncRule({ InstanceId: id, NamespaceName: String(o.spec['namespace']), PageSize: 50 }));
          break;
        case 'ram-role':
          jobs.push(() => session.ram(o.account).getRole({ roleName: 'aliyuncontainerregistrycrossaccoutsyncrole' }));
          break;
        case 'ram-policy':
          jobs.push(() => session.ram(o.account).getPolicy({ policyName: String(o.id.match(/ram-policy\[([^\]]+)\]/)?.[1]), policyType: 'Custom' }));
          break;
        case 'ram-attachment':
          jobs.push(() => session.ram(o.account).listPoliciesForRole({ roleName: 'aliyuncontainerregistrycrossaccoutsyncrole' }));
          break;
        default:
          break;
      }
    }
  }
  let next = 0;
  await Promise.all(Array.from({ length: 10 }, async () => {
    for (let i = next++; i < jobs.length; i = next++) await jobs[i]!();
  }));
}

function runChild(url: string, dir: string, mode: 'list' | 'get'): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, '--url', url, '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult) : reject(new Error(`child ${mode} exited ${code}`))));
  });
}

/**
 * The fewest calls that can read this estate: one identity check per account, then one page of 100
 * per collection that must be read: per instance its namespaces, repositories, sync rules and VPC
 * endpoint links, and the instance list of each account; per target account the sync role, its
 * policy and its attachments.
 */
function minCalls(repos: number): number {
  const accounts = 1 + TARGETS;
  const instances = 1 + TARGETS;
  const perInstance = 4; // ListNamespace, ListRepoSyncRule, GetInstanceVpcEndpoint, ListRepository (first page)
  const extraRepoPages = Math.max(0, Math.ceil(repos / 100) - 1);
  return accounts /* GetCallerIdentity */ + accounts /* ListInstance */ + instances * perInstance + extraRepoPages + TARGETS * 3;
}

async function scale(sizes: number[], latency: number): Promise<void> {
  console.log(`plan-scale: ${NAMESPACES} namespaces, ${TARGETS * RULES_PER_TARGET} sync rules into ${TARGETS} accounts (${TARGETS} RAM roles), ${latency} ms latency per call`);
  console.log('repos   | plan calls | minimum calls | wall s | peak RSS MB | Get-per-object calls | wall s | ratio');
  for (const repos of sizes) {
    const emu = await startEmulator({ port: 0 });
    const dir = mkdtempSync(join(tmpdir(), `acrctl-bench-${repos}-`));
    try {
      await seed(emu.url, dir, repos);
      await fetch(`${emu.url}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 1, global: { latencyMs: latency } }) });
      const list = await runChild(emu.url, dir, 'list');
      const get = await runChild(emu.url, dir, 'get');
      if (list.actions !== 0) console.log(`  note: the plan was not empty (${list.actions} actions): the seeding does not match the config`);
      console.log(
        `${String(repos).padEnd(7)} | ${String(list.calls).padStart(10)} | ${String(minCalls(repos)).padStart(13)} | ${(list.wallMs / 1000).toFixed(2).padStart(6)} | ${list.maxRssMb.toFixed(0).padStart(11)} | ${String(get.calls).padStart(20)} | ${(get.wallMs / 1000).toFixed(2).padStart(6)} | ${(get.wallMs / list.wallMs).toFixed(1)}×`,
      );
      if (process.argv.includes('--verbose')) console.log(JSON.stringify(list.perAction));
    } finally {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** diff + graph + render of 100,000 objects with fake kinds: no I/O at all. */
function pure(n: number): void {
  const kind = (name: string): Kind => ({
    name,
    readAfter: [],
    permissions: () => [],
    reportsUnmanaged: true,
    address: (key) => key['id'] ?? '',
    decode: { key: record(str), spec: record(anyJson), ids: record(str) },
    desired: () => [],
    read: async () => [],
    diff: (d, l) => ({ changes: d.spec['summary'] === l.spec['summary'] ? [] : [{ path: 'summary', before: l.spec['summary'], after: d.spec['summary'], impact: 'update' }] }),
  });
  const kinds = new Map([['namespace', kind('namespace')], ['repository', kind('repository')]]);
  const desired: DesiredObject[] = [];
  const live: LiveObject[] = [];
  for (let i = 0; i < n; i++) {
    const ns = `instance[i].namespace[ns-${i % 500}]`;
    if (i < 500) desired.push({ id: ns, kind: 'namespace', account: 'a', region: 'r', instance: 'i', key: { id: ns }, spec: { summary: 'x' }, requires: [] });
    const id = `${ns}.repository[r-${i}]`;
    desired.push({ id, kind: 'repository', account: 'a', region: 'r', instance: 'i', key: { id }, spec: { summary: i % 3 === 0 ? 'changed' : 'same' }, requires: [ns] });
    if (i % 2 === 0) live.push({ id, kind: 'repository', account: 'a', region: 'r', instance: 'i', key: { id }, spec: { summary: 'same' }, ids: { repoId: `crr-${i}` }, container: ns, prunable: false, requires: [ns] });
  }
  const t0 = performance.now();
  const plan = buildPlan({ config: { version: 1, accounts: {} }, configDigest: 'x'.repeat(64), configFile: 'r.yaml', kinds, desired, live: new Map([['repository', live]]), sha256 });
  const t1 = performance.now();
  const dag = new Dag();
  for (const a of plan.actions) {
    dag.addNode(a.id);
    for (const d of a.dependsOn) dag.addEdge(d, a.id);
  }
  dag.topologicalOrder();
  const t2 = performance.now();
  const text = renderText(plan, { color: false });
  const md = renderMarkdown(plan);
  const json = renderJson(plan);
  const t3 = performance.now();
  console.log(`diff+graph+render of ${n.toLocaleString('en')} objects (${plan.actions.length.toLocaleString('en')} actions): diff ${((t1 - t0) / 1000).toFixed(2)} s, graph ${((t2 - t1) / 1000).toFixed(2)} s, render ${((t3 - t2) / 1000).toFixed(2)} s, total ${((t3 - t0) / 1000).toFixed(2)} s (text ${(text.length / 1e6).toFixed(1)} MB, markdown ${(md.length / 1e3).toFixed(0)} kB, json ${(json.length / 1e6).toFixed(1)} MB)`);
}

if (process.argv.includes('--pure-only')) {
  pure(Number(arg('objects', '100000')));
} else if (process.argv.includes('--child')) {
  await child(arg('url', ''), arg('dir', ''), arg('child', 'list') as 'list' | 'get');
} else {
  const sizes = arg('sizes', '100,1000,10000').split(',').map(Number);
  await scale(sizes, Number(arg('latency', '50')));
  pure(100_000);
}
