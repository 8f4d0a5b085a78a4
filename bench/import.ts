/**
 * Import throughput against a real registry client: 200 images (about 1 GB of generated layers,
 * some shared) in the emulator's Personal Edition registry, 20 ms of latency on every request
 * (registry and control plane), copied into Enterprise Edition twice in the same run:
 *
 * 1. by acrctl: `acrctl plan` then `acrctl apply --auto-approve --no-verify` of an import rule (the
 *    real binary, a child process, its peak RSS measured with /usr/bin/time, else /proc polling);
 * 2. by `skopeo sync --src yaml --dest docker` (one invocation, every repository and tag listed)
 *    from the same Personal Edition registry into a second, empty instance of the same emulator.
 *
 * It prints both rates in MB/s (MB = 10^6 bytes of distinct blobs and manifests, the bytes a
 * perfect copier moves), their ratio (target: acrctl ≥ 1.5× skopeo) and acrctl's peak RSS (target
 * ≤ 200 MB), then checks both targets: every tag present, and sampled manifests byte for byte.
 * The emulator runs as its own process (`acrctl emulator serve --state`, blobs on disk) so neither
 * client shares an event loop with it. Generated data lives in a temporary directory, removed at
 * the end (`--keep` keeps it).
 *
 *   npm run bench:import [-- --images 200 --repos 20 --mb 1000 --latency 20 --parallelism 10 --keep]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { blobBytes, makeImage, makeLayer, manifestOf, OciLayout, pushFromLayout, sha256, skopeo, type Artifact, type Registry } from '../test/support/images.js';

const execFileP = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/acrctl.js', import.meta.url));
const UID = '4000000000000001';
const REGION = 'cn-hangzhou';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const IMAGES = Number(arg('images', '200'));
const REPOS = Number(arg('repos', '20'));
const TOTAL_MB = Number(arg('mb', '1000'));
const LATENCY = Number(arg('latency', '20'));
const PARALLELISM = arg('parallelism', '');
const KEEP = process.argv.includes('--keep');

const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function config(withImport: boolean): string {
  return `version: 1
accounts:
  bench: { uid: "${UID}" }
instances:
  imp:
    account: bench
    region: ${REGION}
    edition: Advanced
    name: bench-import
    vpcEndpoints:
      - { vpc: vpc-bp1benchimport01, vswitch: vsw-bp1benchimport01 }
    namespaces:
      imported: { autoCreateRepo: true }
${withImport ? '    imports:\n      - { from: personal, sourceNamespace: bench, namespace: imported, latest: 1000, tagFilter: ".*", overwrite: true }\n' : ''}  sync:
    account: bench
    region: ${REGION}
    edition: Advanced
    name: bench-skopeo
    namespaces:
      synced: { autoCreateRepo: true }
`;
}

/** Starts `acrctl emulator serve` and resolves with its URL (the first line on stdout). */
function startEmulator(stateFile: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'emulator', 'serve', '--state', stateFile], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ url: line.trim(), child });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`emulator exited (${code}) before printing its URL`)));
  });
}

async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

interface Timed {
  readonly seconds: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size of the measured process, bytes (undefined if it could not be measured). */
  readonly peakRss: number | undefined;
}

/** VmHWM of a live process, bytes. */
function vmHwm(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a command to completion and times it. Peak RSS comes from `/usr/bin/time -f %M` when present
 * (the kernel's maximum, exact); otherwise VmHWM polled every 50 ms (a lower bound).
 */
function timed(cmd: string, args: readonly string[], cwd: string, label: string): Promise<Timed> {
  const useTime = existsSync('/usr/bin/time');
  const rssFile = join(cwd, `${label}.rss`);
  const [file, argv] = useTime ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let polled = 0;
    const poll = useTime ? undefined : setInterval(() => (polled = Math.max(polled, vmHwm(child.pid ?? 0) ?? 0)), 50);
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (poll) clearInterval(poll);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) return reject(new Error(`${label} exited ${code}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      const peakRss = useTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) * 1024 : polled || undefined;
      resolve({ seconds, stdout, stderr, peakRss });
    });
  });
}

async function acrctl(args: string[], cwd: string): Promise<string> {
  const r = await execFileP(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return r.stdout;
}

// ---- the estate ---------------------------------------------------------------------------

/** Image sizes: 2% of the bytes in one layer every image shares, 18% in one base layer per repository, 80% in two layers of each image's own. */
function sizes(): { global: number; base: number; own: number } {
  const total = TOTAL_MB * 1e6;
  return { global: Math.round(total * 0.02), base: Math.round((total * 0.18) / REPOS), own: Math.round((total * 0.8) / IMAGES / 2) };
}

interface Pushed {
  readonly repo: string;
  readonly tag: string;
  readonly digest: string;
  readonly manifest: Buffer;
}

/** Generates the images repository by repository and pushes them into Personal Edition with skopeo. */
async function seed(work: string, pe: Registry): Promise<{ pushed: Pushed[]; distinctBytes: number; wholeBytes: number }> {
  const s = sizes();
  const global = makeLayer('bench/global', s.global, { level: 0 });
  const layout = await OciLayout.create(join(work, 'layout'));
  const pushed: Pushed[] = [];
  let distinct = global.bytes.length;
  let whole = 0;
  for (let r = 0; r < REPOS; r++) {
    const repo = `r${String(r).padStart(2, '0')}`;
    const base = makeLayer(`bench/${repo}/base`, s.base, { level: 0 });
    distinct += base.bytes.length;
    const count = Math.floor(IMAGES / REPOS) + (r < IMAGES % REPOS ? 1 : 0);
    for (let k = 0; k < count; k++) {
      const tag = `v${String(k).padStart(3, '0')}`;
      const img: Artifact = makeImage(`bench/${repo}/${tag}`, { shared: [global, base], layers: 2, layerBytes: s.own, level: 0 });
      distinct += blobBytes([img]) - global.bytes.length - base.bytes.length + manifestOf(img).length;
      whole += blobBytes([img]) + manifestOf(img).length;
      await layout.add(`${repo}-${tag}`, img);
      await layout.close(); // index.json names every tag so far
      await pushFromLayout(layout.dir, `${repo}-${tag}`, pe, `bench/${repo}:${tag}`);
      pushed.push({ repo, tag, digest: img.digest, manifest: manifestOf(img) });
    }
    process.stderr.write(`  seeded ${pushed.length}/${IMAGES} images\r`);
  }
  process.stderr.write('\n');
  rmSync(join(work, 'layout'), { recursive: true, force: true });
  return { pushed, distinctBytes: distinct, wholeBytes: whole };
}

/** Every tag listed in the target, and every 10th manifest compared byte for byte. */
async function verify(reg: Registry, namespace: string, pushed: readonly Pushed[]): Promise<string[]> {
  const problems: string[] = [];
  const byRepo = new Map<string, string[]>();
  for (const p of pushed) byRepo.set(p.repo, [...(byRepo.get(p.repo) ?? []), p.tag]);
  for (const [repo, tags] of byRepo) {
    const r = await skopeo(['list-tags', '--tls-verify=false', '--authfile', reg.authfile, `docker://${reg.host}/${namespace}/${repo}`]);
    const have = new Set((JSON.parse(r.stdout.toString('utf8')) as { Tags: string[] | null }).Tags ?? []);
    const missing = tags.filter((t) => !have.has(t));
    if (missing.length > 0) problems.push(`${namespace}/${repo}: missing ${missing.join(', ')}`);
  }
  for (const p of pushed.filter((_, i) => i % 10 === 0)) {
    const raw = (await skopeo(['inspect', '--raw', '--tls-verify=false', '--authfile', reg.authfile, `docker://${reg.host}/${namespace}/${p.repo}:${p.tag}`])).stdout;
    if (!raw.equals(p.manifest)) problems.push(`${namespace}/${p.repo}:${p.tag}: manifest ${sha256(raw)}, expected ${p.digest}`);
  }
  return problems;
}

// ---- run ----------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'acrctl-bench-import-'));
let emulator: ChildProcess | undefined;
try {
  const emu = await startEmulator(join(work, 'emulator', 'state.json'));
  emulator = emu.child;
  const url = emu.url;
  writeFileSync(join(work, 'setup.yaml'), config(false));
  writeFileSync(join(work, 'registry.yaml'), config(true));
  await admin(url, 'POST', '/_emulator/accounts', { uid: UID });
  await admin(url, 'POST', '/_emulator/crpe/estates', { uid: UID, region: REGION, namespaces: [{ name: 'bench', autoCreate: true }] });
  await acrctl(['apply', '-f', 'setup.yaml', '--auto-approve', '--no-verify', '--endpoint', url], work);
  const authfile = join(work, 'auth.json');
  const login = async (which: string[]): Promise<Registry> => ({
    host: (await acrctl(['emulator', 'registry', '-f', 'setup.yaml', '--endpoint', url, ...which, '--authfile', authfile], work)).trim(),
    authfile,
  });
  const pe = await login(['--personal', REGION]);
  const imported = await login(['--instance', 'imp']);
  const synced = await login(['--instance', 'sync']);

  const s = sizes();
  console.log(
    `import bench: ${IMAGES} images in ${REPOS} repositories (layers: ${fmt(mb(s.global))} MB shared by all, ${fmt(mb(s.base))} MB per repository, 2 × ${fmt(mb(s.own))} MB per image), ${LATENCY} ms latency per request`,
  );
  const t0 = performance.now();
  const { pushed, distinctBytes, wholeBytes } = await seed(work, pe);
  console.log(`seeded Personal Edition with skopeo in ${fmt((performance.now() - t0) / 1000)} s: ${fmt(mb(distinctBytes))} MB distinct (${fmt(mb(wholeBytes))} MB if every image were copied whole)`);

  await admin(url, 'PUT', '/_emulator/faults', { global: { latencyMs: LATENCY } });

  const plan = await timed(process.execPath, [BIN, 'plan', '--endpoint', url], work, 'acrctl-plan');
  const planned = /Images to copy: (\d+)/.exec(plan.stdout)?.[1];
  if (Number(planned) !== IMAGES) throw new Error(`acrctl plans ${planned ?? 'no'} images, expected ${IMAGES}:\n${plan.stdout.slice(-2000)}`);
  const applyArgs = [BIN, 'apply', '--auto-approve', '--no-verify', '--endpoint', url, ...(PARALLELISM ? ['--parallelism', PARALLELISM] : [])];
  const apply = await timed(process.execPath, applyArgs, work, 'acrctl-apply');
  const reported = /This run: .*?([\d.]+) MB\/s/.exec(apply.stdout)?.[1];

  const yaml = [`${pe.host}:`, '  tls-verify: false', '  images:'];
  const byRepo = new Map<string, string[]>();
  for (const p of pushed) byRepo.set(p.repo, [...(byRepo.get(p.repo) ?? []), p.tag]);
  for (const [repo, tags] of byRepo) yaml.push(`    bench/${repo}: [${tags.map((t) => `"${t}"`).join(', ')}]`);
  writeFileSync(join(work, 'sync.yaml'), `${yaml.join('\n')}\n`);
  const sync = await timed(
    'skopeo',
    ['--insecure-policy', 'sync', '--src', 'yaml', '--dest', 'docker', '--all', '--preserve-digests', '--src-authfile', authfile, '--dest-authfile', authfile, '--dest-tls-verify=false', join(work, 'sync.yaml'), `${synced.host}/synced`],
    work,
    'skopeo-sync',
  );

  await admin(url, 'DELETE', '/_emulator/faults');
  const problems = [...(await verify(imported, 'imported', pushed)), ...(await verify(synced, 'synced', pushed))];

  const acrRate = mb(distinctBytes) / apply.seconds;
  const skopeoRate = mb(distinctBytes) / sync.seconds;
  const rss = apply.peakRss === undefined ? 'unmeasured' : `${fmt(mb(apply.peakRss))} MB`;
  console.log(`acrctl plan:  ${fmt(plan.seconds, 2)} s (${IMAGES} images planned); peak RSS ${plan.peakRss === undefined ? 'unmeasured' : `${fmt(mb(plan.peakRss))} MB`}`);
  console.log(`acrctl apply: ${fmt(apply.seconds, 2)} s, ${fmt(acrRate)} MB/s (its own report: ${reported ?? '?'} MB/s); peak RSS ${rss} (target ≤ 200 MB)`);
  console.log(`acrctl plan + apply: ${fmt(plan.seconds + apply.seconds, 2)} s, ${fmt(mb(distinctBytes) / (plan.seconds + apply.seconds))} MB/s`);
  console.log(`skopeo sync:  ${fmt(sync.seconds, 2)} s, ${fmt(skopeoRate)} MB/s; peak RSS ${sync.peakRss === undefined ? 'unmeasured' : `${fmt(mb(sync.peakRss))} MB`}`);
  console.log(`ratio acrctl apply / skopeo sync: ${fmt(acrRate / skopeoRate, 2)}× (target ≥ 1.5×); with acrctl's plan counted: ${fmt(mb(distinctBytes) / (plan.seconds + apply.seconds) / skopeoRate, 2)}×`);
  console.log(problems.length === 0 ? `verified: every tag in both targets, ${Math.ceil(IMAGES / 10)} sampled manifests byte for byte in each` : `VERIFY FAILED:\n  ${problems.join('\n  ')}`);
  if (problems.length > 0) process.exitCode = 1;
} finally {
  const child = emulator;
  if (child !== undefined && child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'));
  if (KEEP) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
