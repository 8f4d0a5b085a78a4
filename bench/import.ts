/**
 * Import throughput against the strongest anchors and against the machine's limit: 200 images (about
 * 1 GB of generated layers, some shared) in the emulator's Personal Edition registry, 20 ms of latency
 * on every request (registry and control plane), copied in one run, each into an empty EE instance of
 * the same emulator:
 *
 * 1. the limit: every distinct blob and manifest streamed once from the source registry to the target
 *    with no registry logic at all (one raw `GET` piped into one monolithic `POST …/uploads/?digest=`
 *    per object, no existence checks, no hashing, tokens fetched beforehand), 8 streams at once (the
 *    copier's default concurrency), in this process on `node:http`;
 * 2. acrctl: `acrctl plan` then `acrctl apply --auto-approve --no-verify` of an import rule (the real
 *    binary, a child process);
 * 3. `skopeo copy` of every image, 8 at once (`xargs -P 8`), what a user would script;
 * 4. the vendor's image-syncer with `--proc 8`, when a binary is given (`--image-syncer PATH`, or
 *    `image-syncer` on PATH); it cannot be built from Debian's Go packages alone (README);
 * 5. one `skopeo sync --src yaml --dest docker` (one image at a time).
 *
 * Each row prints its wall time, MB/s (MB = 10^6 bytes of distinct blobs and manifests, the bytes a
 * perfect copier moves), the CPU seconds of the client and of the emulator while it ran (the emulator
 * is one Node process: near 1.0 CPU-second per second means it is the bottleneck), and the client's
 * peak RSS (/usr/bin/time, else /proc polling; for xargs the largest single skopeo). Then acrctl's
 * ratio to each anchor and its fraction of the limit, and a check of every target (every tag present,
 * sampled manifests byte for byte). The emulator runs as its own process (`acrctl emulator serve
 * --state`, blobs on disk). Generated data lives in a temporary directory, removed at the end
 * (`--keep` keeps it). `--rows` picks rows (limit,acrctl,skopeo-copy,image-syncer,skopeo-sync);
 * `--cpu-prof DIR` runs acrctl apply under `node --cpu-prof` and writes the profile to DIR;
 * `--emulator-prof DIR` does the same for the emulator (the whole run).
 *
 *   npm run bench:import [-- --images 200 --repos 20 --mb 1000 --latency 20 --parallelism 10 --copies 8 --keep]
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { delimiter, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
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
/** Streams of the limit row and copies at once of the skopeo and image-syncer rows: the copier's default concurrency. */
const COPIES = Number(arg('copies', '8'));
const KEEP = process.argv.includes('--keep');
const ROWS = new Set(arg('rows', 'limit,acrctl,skopeo-copy,image-syncer,skopeo-sync').split(','));
const CPU_PROF = arg('cpu-prof', '');
const EMULATOR_PROF = arg('emulator-prof', '');

const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The EE instances: one empty target per row, so no row can mount or skip what another copied. */
const TARGETS = { imp: 'imported', sync: 'synced', par: 'parallel', isync: 'isynced', raw: 'raw' } as const;

function config(withImport: boolean): string {
  const instance = (alias: keyof typeof TARGETS, extra = '') => `  ${alias}:
    account: bench
    region: ${REGION}
    edition: Advanced
    name: bench-${alias}
${extra}    namespaces:
      ${TARGETS[alias]}: { autoCreateRepo: true }
`;
  return `version: 1
accounts:
  bench: { uid: "${UID}" }
instances:
${instance('imp', '    vpcEndpoints:\n      - { vpc: vpc-bp1benchimport01, vswitch: vsw-bp1benchimport01 }\n')}${withImport ? '    imports:\n      - { from: personal, sourceNamespace: bench, namespace: imported, latest: 1000, tagFilter: ".*", overwrite: true }\n' : ''}${instance('sync')}${instance('par')}${instance('isync')}${instance('raw')}`;
}

/** Starts `acrctl emulator serve` and resolves with its URL (the first line on stdout). */
function startEmulator(stateFile: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const prof = EMULATOR_PROF !== '' ? ['--cpu-prof', '--cpu-prof-dir', EMULATOR_PROF] : [];
    const child = spawn(process.execPath, [...prof, BIN, 'emulator', 'serve', '--state', stateFile], { stdio: ['ignore', 'pipe', 'ignore'] });
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

// ---- measuring ----------------------------------------------------------------------------

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a live process has used so far. */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

interface Timed {
  readonly seconds: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size of the measured process, bytes (undefined if it could not be measured). */
  readonly peakRss: number | undefined;
  /** CPU seconds of the measured process and its children (undefined without /usr/bin/time). */
  readonly cpu: number | undefined;
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
 * Runs a command to completion and times it. Peak RSS and CPU come from `/usr/bin/time -f '%M %U
 * %S'` when present (the kernel's figures; for a process that waits for children, the largest child's
 * RSS and everyone's CPU); otherwise VmHWM polled every 50 ms (a lower bound) and no CPU.
 */
function timed(cmd: string, args: readonly string[], cwd: string, label: string, env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  const useTime = existsSync('/usr/bin/time');
  const rssFile = join(cwd, `${label}.rss`);
  const [file, argv] = useTime ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (!useTime) return resolve({ seconds, stdout, stderr, peakRss: polled || undefined, cpu: undefined });
      const [rss, user, sys] = (readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
      resolve({ seconds, stdout, stderr, peakRss: (rss ?? 0) * 1024, cpu: (user ?? 0) + (sys ?? 0) });
    });
  });
}

async function acrctl(args: string[], cwd: string): Promise<string> {
  const r = await execFileP(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return r.stdout;
}

/** A row of the table. */
interface Row {
  readonly label: string;
  readonly seconds: number;
  /** CPU seconds of the client (undefined when unmeasured). */
  readonly cpu: number | undefined;
  /** CPU seconds of the emulator process while the row ran. */
  readonly emulatorCpu: number;
  readonly peakRss: number | undefined;
  /** What is moved: false for rows that move nothing (the plan). */
  readonly copies: boolean;
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

// ---- the limit: raw streams -----------------------------------------------------------------

/** The login of a host in a containers auth file. */
function loginOf(reg: Registry): { username: string; password: string } {
  const doc = JSON.parse(readFileSync(reg.authfile, 'utf8')) as { auths: Record<string, { auth: string }> };
  const decoded = Buffer.from(doc.auths[reg.host]?.auth ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A bearer token for `scopes` from the registry's token service (the realm of its challenge). */
async function tokenFor(reg: Registry, scopes: readonly string[]): Promise<string> {
  const ping = await fetch(`http://${reg.host}/v2/`);
  await ping.arrayBuffer();
  const challenge = ping.headers.get('www-authenticate') ?? '';
  const realm = /realm="([^"]+)"/.exec(challenge)?.[1];
  const service = /service="([^"]+)"/.exec(challenge)?.[1];
  if (realm === undefined) throw new Error(`${reg.host} sent no Bearer challenge`);
  const url = new URL(realm);
  if (service !== undefined) url.searchParams.set('service', service);
  for (const s of scopes) url.searchParams.append('scope', s);
  const { username, password } = loginOf(reg);
  const res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || body.token === undefined) throw new Error(`token for ${reg.host}: HTTP ${res.status}`);
  return body.token;
}

/** One distinct object of the estate (a blob or a manifest), with the repository that first holds it. */
interface DistinctObject {
  readonly repo: string;
  readonly digest: string;
  readonly size: number;
  readonly manifest: boolean;
}

function distinctObjects(pushed: readonly Pushed[]): DistinctObject[] {
  const seen = new Set<string>();
  const out: DistinctObject[] = [];
  const add = (o: DistinctObject) => {
    if (seen.has(o.digest)) return;
    seen.add(o.digest);
    out.push(o);
  };
  for (const p of pushed) {
    const m = JSON.parse(p.manifest.toString('utf8')) as { config: { digest: string; size: number }; layers: { digest: string; size: number }[] };
    for (const d of [m.config, ...m.layers]) add({ repo: p.repo, digest: d.digest, size: d.size, manifest: false });
    add({ repo: p.repo, digest: p.digest, size: p.manifest.length, manifest: true });
  }
  return out;
}

/**
 * The machine's limit for this workload: every distinct object streamed once from the source
 * registry into the target with no registry logic (one GET piped into one monolithic POST upload,
 * manifests uploaded as blobs, nothing checked or hashed here), `COPIES` streams at once. Tokens
 * are fetched before the clock starts. Returns the bytes moved.
 */
async function rawStreams(pe: Registry, target: Registry, namespace: string, objects: readonly DistinctObject[]): Promise<number> {
  const repos = [...new Set(objects.map((o) => o.repo))];
  const pull = await tokenFor(pe, repos.map((r) => `repository:bench/${r}:pull`));
  const push = await tokenFor(target, repos.map((r) => `repository:${namespace}/${r}:pull,push`));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const [peHost, pePort] = pe.host.split(':') as [string, string];
  const [tHost, tPort] = target.host.split(':') as [string, string];
  let next = 0;
  let moved = 0;
  const one = async (o: DistinctObject): Promise<void> => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const path = `/v2/bench/${o.repo}/${o.manifest ? 'manifests' : 'blobs'}/${o.digest}`;
      const req = request({ host: peHost, port: Number(pePort), path, agent, headers: { authorization: `Bearer ${pull}`, accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } }, resolve);
      req.on('error', reject).end();
    });
    if (res.statusCode !== 200) throw new Error(`raw GET ${o.digest}: HTTP ${res.statusCode}`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: tHost,
          port: Number(tPort),
          method: 'POST',
          path: `/v2/${namespace}/${o.repo}/blobs/uploads/?digest=${encodeURIComponent(o.digest)}`,
          agent,
          headers: { authorization: `Bearer ${push}`, 'content-type': 'application/octet-stream', 'content-length': String(o.size) },
        },
        (answer) => {
          answer.resume();
          answer.on('end', () => resolve(answer.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      pipeline(res, req).catch(reject);
    });
    if (status !== 201) throw new Error(`raw POST ${o.digest}: HTTP ${status}`);
    moved += o.size;
  };
  const worker = async (): Promise<void> => {
    while (next < objects.length) await one(objects[next++]!);
  };
  await Promise.all(Array.from({ length: COPIES }, worker));
  agent.destroy();
  return moved;
}

/** Times an in-process step: wall, this process's CPU, the emulator's CPU. */
async function inProcess<T>(emulatorPid: number, fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpu: number; emulatorCpu: number }> {
  const w0 = process.hrtime.bigint() / 1000n;
  const e0 = cpuOf(emulatorPid);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  // The window on the monotonic clock (µs), to cut an emulator profile to this step.
  if (EMULATOR_PROF !== '') console.log(`window ${w0}–${process.hrtime.bigint() / 1000n} µs`);
  return { value, seconds, cpu: (c.user + c.system) / 1e6, emulatorCpu: cpuOf(emulatorPid) - e0 };
}

/** A client run in a child process: its timing and the emulator's CPU meanwhile. */
async function child(emulatorPid: number, fn: () => Promise<Timed>): Promise<Timed & { emulatorCpu: number }> {
  const e0 = cpuOf(emulatorPid);
  const t = await fn();
  return { ...t, emulatorCpu: cpuOf(emulatorPid) - e0 };
}

/** An executable on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir !== '' && existsSync(p)) return p;
  }
  return undefined;
}

// ---- run ----------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'acrctl-bench-import-'));
let emulator: ChildProcess | undefined;
try {
  const emu = await startEmulator(join(work, 'emulator', 'state.json'));
  emulator = emu.child;
  const emuPid = emu.child.pid ?? 0;
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
  const reg = {
    imp: await login(['--instance', 'imp']),
    sync: await login(['--instance', 'sync']),
    par: await login(['--instance', 'par']),
    isync: await login(['--instance', 'isync']),
    raw: await login(['--instance', 'raw']),
  };

  const s = sizes();
  console.log(
    `import bench: ${IMAGES} images in ${REPOS} repositories (layers: ${fmt(mb(s.global))} MB shared by all, ${fmt(mb(s.base))} MB per repository, 2 × ${fmt(mb(s.own))} MB per image), ${LATENCY} ms latency per request, ${COPIES} streams/copies at once`,
  );
  const t0 = performance.now();
  const { pushed, distinctBytes, wholeBytes } = await seed(work, pe);
  const objects = distinctObjects(pushed);
  console.log(
    `seeded Personal Edition with skopeo in ${fmt((performance.now() - t0) / 1000)} s: ${fmt(mb(distinctBytes))} MB distinct in ${objects.length} blobs and manifests (${fmt(mb(wholeBytes))} MB if every image were copied whole)`,
  );

  await admin(url, 'PUT', '/_emulator/faults', { global: { latencyMs: LATENCY } });
  const rows: Row[] = [];
  const problems: string[] = [];
  const verified: string[] = [];
  const byRepo = new Map<string, string[]>();
  for (const p of pushed) byRepo.set(p.repo, [...(byRepo.get(p.repo) ?? []), p.tag]);

  // 1. The limit.
  if (ROWS.has('limit')) {
    const r = await inProcess(emuPid, () => rawStreams(pe, reg.raw, TARGETS.raw, objects));
    if (r.value !== distinctBytes) problems.push(`raw streams moved ${r.value} bytes, expected ${distinctBytes}`);
    rows.push({ label: `limit: raw GET → POST, ${COPIES} streams`, seconds: r.seconds, cpu: r.cpu, emulatorCpu: r.emulatorCpu, peakRss: undefined, copies: true });
  }

  // 2. acrctl.
  let acrApply: Row | undefined;
  let reported: string | undefined;
  if (ROWS.has('acrctl')) {
    const plan = await child(emuPid, () => timed(process.execPath, [BIN, 'plan', '--endpoint', url], work, 'acrctl-plan'));
    const planned = /Images to copy: (\d+)/.exec(plan.stdout)?.[1];
    if (Number(planned) !== IMAGES) throw new Error(`acrctl plans ${planned ?? 'no'} images, expected ${IMAGES}:\n${plan.stdout.slice(-2000)}`);
    rows.push({ label: 'acrctl plan', seconds: plan.seconds, cpu: plan.cpu, emulatorCpu: plan.emulatorCpu, peakRss: plan.peakRss, copies: false });
    if (CPU_PROF !== '') mkdirSync(CPU_PROF, { recursive: true });
    const prof = CPU_PROF !== '' ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [];
    const applyArgs = [...prof, BIN, 'apply', '--auto-approve', '--no-verify', '--endpoint', url, ...(PARALLELISM ? ['--parallelism', PARALLELISM] : [])];
    const apply = await child(emuPid, () => timed(process.execPath, applyArgs, work, 'acrctl-apply'));
    reported = /This run: .*?([\d.]+) MB\/s/.exec(apply.stdout)?.[1];
    acrApply = { label: 'acrctl apply', seconds: apply.seconds, cpu: apply.cpu, emulatorCpu: apply.emulatorCpu, peakRss: apply.peakRss, copies: true };
    rows.push(acrApply);
    if (/Warning/.test(apply.stderr)) problems.push(`acrctl apply wrote a warning: ${apply.stderr.split('\n').find((l) => l.includes('Warning'))}`);
    verified.push(TARGETS.imp);
    if (CPU_PROF !== '') console.log(`cpu profile of acrctl apply: ${readdirSync(CPU_PROF).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(CPU_PROF, f)).join(', ')}`);
  }

  // 3. skopeo copy, COPIES at once.
  if (ROWS.has('skopeo-copy')) {
    const lines = pushed.map((p) => `docker://${pe.host}/bench/${p.repo}:${p.tag} docker://${reg.par.host}/${TARGETS.par}/${p.repo}:${p.tag}`);
    writeFileSync(join(work, 'copies.txt'), `${lines.join('\n')}\n`);
    const copyArgs = ['--insecure-policy', 'copy', '--all', '--preserve-digests', '--quiet', '--src-authfile', authfile, '--dest-authfile', authfile, '--src-tls-verify=false', '--dest-tls-verify=false'];
    const par = await child(emuPid, () => timed('xargs', ['-a', join(work, 'copies.txt'), '-P', String(COPIES), '-L', '1', 'skopeo', ...copyArgs], work, 'skopeo-copy'));
    rows.push({ label: `skopeo copy, ${COPIES} at once (xargs -P ${COPIES})`, seconds: par.seconds, cpu: par.cpu, emulatorCpu: par.emulatorCpu, peakRss: par.peakRss, copies: true });
    verified.push(TARGETS.par);
  }

  // 4. image-syncer, when there is a binary.
  const syncer = arg('image-syncer', '') || onPath('image-syncer');
  if (ROWS.has('image-syncer')) {
    if (syncer === undefined || !existsSync(syncer)) {
      console.log('image-syncer: not run (no binary: pass --image-syncer PATH; README says why it cannot be built from Debian packages alone)');
    } else {
      const auth = [pe, reg.isync].map((r) => {
        const l = loginOf(r);
        return `${r.host}:\n  username: ${JSON.stringify(l.username)}\n  password: ${JSON.stringify(l.password)}\n  insecure: true\n`;
      });
      writeFileSync(join(work, 'isync-auth.yaml'), auth.join(''), { mode: 0o600 });
      writeFileSync(join(work, 'isync-images.yaml'), [...byRepo].map(([repo, tags]) => `${pe.host}/bench/${repo}:${tags.join(',')}: ${reg.isync.host}/${TARGETS.isync}/${repo}\n`).join(''));
      const isync = await child(emuPid, () =>
        timed(syncer, ['--auth', join(work, 'isync-auth.yaml'), '--images', join(work, 'isync-images.yaml'), '--proc', String(COPIES), '--retries', '0'], work, 'image-syncer'),
      );
      rows.push({ label: `image-syncer --proc ${COPIES}`, seconds: isync.seconds, cpu: isync.cpu, emulatorCpu: isync.emulatorCpu, peakRss: isync.peakRss, copies: true });
      verified.push(TARGETS.isync);
    }
  }

  // 5. skopeo sync, one image at a time.
  if (ROWS.has('skopeo-sync')) {
    const yaml = [`${pe.host}:`, '  tls-verify: false', '  images:'];
    for (const [repo, tags] of byRepo) yaml.push(`    bench/${repo}: [${tags.map((t) => `"${t}"`).join(', ')}]`);
    writeFileSync(join(work, 'sync.yaml'), `${yaml.join('\n')}\n`);
    const sync = await child(emuPid, () =>
      timed(
        'skopeo',
        ['--insecure-policy', 'sync', '--src', 'yaml', '--dest', 'docker', '--all', '--preserve-digests', '--src-authfile', authfile, '--dest-authfile', authfile, '--dest-tls-verify=false', join(work, 'sync.yaml'), `${reg.sync.host}/${TARGETS.sync}`],
        work,
        'skopeo-sync',
      ),
    );
    rows.push({ label: 'skopeo sync (one image at a time)', seconds: sync.seconds, cpu: sync.cpu, emulatorCpu: sync.emulatorCpu, peakRss: sync.peakRss, copies: true });
    verified.push(TARGETS.sync);
  }

  await admin(url, 'DELETE', '/_emulator/faults');
  const regOf: Record<string, Registry> = { [TARGETS.imp]: reg.imp, [TARGETS.par]: reg.par, [TARGETS.isync]: reg.isync, [TARGETS.sync]: reg.sync };
  for (const ns of verified) problems.push(...(await verify(regOf[ns]!, ns, pushed)));

  const rate = (r: Row) => mb(distinctBytes) / r.seconds;
  const cell = (n: number | undefined, unit: string, digits = 1) => (n === undefined || Number.isNaN(n) ? '' : `${fmt(n, digits)}${unit}`);
  console.log('');
  console.log('| | wall | MB/s | client CPU | emulator CPU | peak RSS | acrctl apply vs it |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const vs = acrApply === undefined || r === acrApply || !r.copies ? '' : r.label.startsWith('limit') ? `${fmt((100 * r.seconds) / acrApply.seconds, 0)}% of the limit` : `${fmt(r.seconds / acrApply.seconds, 2)}×`;
    console.log(`| ${r.label} | ${fmt(r.seconds, 2)} s | ${r.copies ? fmt(rate(r)) : ''} | ${cell(r.cpu, ' s')} | ${cell(r.emulatorCpu, ' s')} (${fmt((100 * r.emulatorCpu) / r.seconds, 0)}%) | ${r.peakRss === undefined ? '' : `${fmt(mb(r.peakRss), 0)} MB`} | ${vs} |`);
  }
  console.log('');
  if (acrApply !== undefined) {
    console.log(`acrctl apply: ${fmt(rate(acrApply))} MB/s (its own report: ${reported ?? '?'} MB/s), peak RSS ${acrApply.peakRss === undefined ? 'unmeasured' : `${fmt(mb(acrApply.peakRss))} MB`} (target ≤ 200 MB)`);
    for (const r of rows) {
      if (!r.copies || r === acrApply) continue;
      if (r.label.startsWith('limit')) console.log(`acrctl apply reaches ${fmt((100 * r.seconds) / acrApply.seconds, 0)}% of the limit (target ≥ 70%)`);
      else console.log(`ratio acrctl apply / ${r.label}: ${fmt(r.seconds / acrApply.seconds, 2)}×${r.label.startsWith('skopeo copy') ? ' (target ≥ 2×)' : ''}`);
    }
  }
  console.log('emulator CPU: CPU-seconds the emulator process used while the row ran (% of the wall time; 100% = one core busy)');
  console.log(problems.length === 0 ? `verified: every tag in ${verified.join(', ')}, ${Math.ceil(IMAGES / 10)} sampled manifests byte for byte in each; the limit moved every distinct byte` : `VERIFY FAILED:\n  ${problems.join('\n  ')}`);
  if (problems.length > 0) process.exitCode = 1;
} finally {
  const c = emulator;
  if (c !== undefined && c.exitCode === null) await new Promise((resolve) => c.once('exit', resolve).kill('SIGTERM'));
  if (KEEP) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
