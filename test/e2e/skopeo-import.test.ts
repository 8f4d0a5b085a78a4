/**
 * Import from Personal Edition into Enterprise Edition with real clients on both ends: skopeo pushes
 * images into the emulator's Personal Edition registry, `acrctl apply` (bin/acrctl.js, against an
 * emulator over HTTP) carries out the import rule, and skopeo pulls from the EE instance and compares
 * every manifest and blob byte for byte. Covers the tag filter and latest N, overwrite off then on
 * (copying only the difference), and a killed-and-resumed import. Skipped (with the reason in its
 * title) without skopeo.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN, runBin } from '../support/cli.js';
import {
  eeRegistry,
  hasSkopeo,
  listTags,
  makeImage,
  makeIndex,
  makeLayer,
  peRegistry,
  pullProblems,
  pushArtifact,
  SKOPEO_SKIP_REASON,
  type Artifact,
  type Registry,
} from '../support/images.js';

const UID = '2222333344445555';
const REGION = 'cn-hangzhou';

/** One instance `ee` named `name`, a namespace, and (unless `rule` is empty) an import rule. */
function config(name: string, namespace: string, rule: string): string {
  return `version: 1
accounts:
  shop: { uid: "${UID}" }
instances:
  ee:
    account: shop
    region: ${REGION}
    edition: Advanced
    name: ${name}
    vpcEndpoints:
      - { vpc: vpc-bp1${name.replace(/-/g, '')}, vswitch: vsw-bp1${name.replace(/-/g, '')} }
    internetEndpoint: { enabled: true, allow: [{ cidr: 127.0.0.1/32, description: this machine }] }
    copyRunnerAdmitted: true
    namespaces:
      ${namespace}: { autoCreateRepo: true }
${rule === '' ? '' : `    imports:\n      - { from: personal, sourceNamespace: legacy, namespace: ${namespace}, ${rule} }\n`}`;
}

interface JournalRecord {
  readonly t: string;
  readonly id?: string;
}

/** Journal records per run, oldest run first (run ids sort by start time). */
function journals(cwd: string): JournalRecord[][] {
  const dir = join(cwd, '.acrctl', 'runs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as JournalRecord];
          } catch {
            return []; // a line torn by the kill: the journal's reader ignores it too
          }
        }),
    );
}

describe.skipIf(!hasSkopeo)(`skopeo: import from Personal Edition with acrctl apply${SKOPEO_SKIP_REASON}`, () => {
  let t: TestEmulator;
  let keys: AccountKeys;
  let work: string;
  let pe: Registry;
  const base = makeLayer('import-base', 80_000);
  /** The Personal Edition estate, in push order (oldest first): legacy/api and legacy/web. */
  const source: [string, Artifact][] = [
    ['api:v1', makeImage('pe-api-v1', { shared: [base] })],
    ['api:v2', makeImage('pe-api-v2', { shared: [base], format: 'docker' })],
    ['api:rc-3', makeImage('pe-api-rc-3', { shared: [base] })],
    ['api:v3', makeIndex([makeImage('pe-api-v3-amd64', { shared: [base] }), makeImage('pe-api-v3-arm64', { shared: [base], arch: 'arm64' })])],
    ['api:v4', makeImage('pe-api-v4', { shared: [base], format: 'docker' })],
    ['web:v1', makeImage('pe-web-v1', { shared: [base], layers: 3 })],
    ['web:v2', makeIndex([makeImage('pe-web-v2-amd64', { shared: [base], format: 'docker' }), makeImage('pe-web-v2-arm64', { shared: [base], format: 'docker', arch: 'arm64' })], 'docker')],
    ['web:edge', makeImage('pe-web-edge', { shared: [base] })],
  ];
  const image = (ref: string): Artifact => {
    const found = source.find(([r]) => r === ref);
    if (found === undefined) throw new Error(`no source image ${ref}`);
    return found[1];
  };

  function folder(name: string, files: Record<string, string>): { cwd: string; acrctl: (args: string[]) => ReturnType<typeof runBin> } {
    const cwd = mkdtempSync(join(work, `${name}-`));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(cwd, file), text);
    return { cwd, acrctl: (args) => runBin([...args, '--endpoint', t.url], { cwd, timeoutMs: 180_000 }) };
  }

  async function instanceIdOf(name: string): Promise<string> {
    const body = (await t.callRpc('cr', REGION, 'ListInstance', { InstanceName: name }, keys)) as { Instances: { InstanceId: string; InstanceName: string }[] };
    const inst = body.Instances.find((i) => i.InstanceName === name);
    if (inst === undefined) throw new Error(`no instance ${name}`);
    return inst.InstanceId;
  }

  async function eeOf(name: string, cwd: string): Promise<Registry> {
    return eeRegistry(t, keys, REGION, await instanceIdOf(name), join(cwd, 'auth.json'));
  }

  beforeAll(async () => {
    t = await startTestEmulator();
    keys = await t.account(UID);
    work = mkdtempSync(join(tmpdir(), 'acrctl-e2e-skopeo-import-'));
    await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: REGION, namespaces: [{ name: 'legacy', autoCreate: true }] });
    pe = await peRegistry(t, keys, REGION, join(work, 'pe-auth.json'));
    for (const [ref, a] of source) await pushArtifact(work, pe, `legacy/${ref}`, a);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('copies the newest N tags matching the filter, byte for byte, and then plans clean', async () => {
    const { cwd, acrctl } = folder('filter', { 'registry.yaml': config('skopeo-filter', 'team-a', 'latest: 2, tagFilter: "v[0-9]+"') });
    const plan = await acrctl(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Images to copy: 4 ');
    const apply = await acrctl(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Import report:[\s\S]*Images: 4 \(4 succeeded, 0 failed, 0 skipped\)[\s\S]*MB\/s/);
    expect(apply.stdout).toContain('Verified: a new plan shows no changes.');

    const ee = await eeOf('skopeo-filter', cwd);
    // v1 and v2 are older than the newest two matching; rc-3 and edge do not match.
    expect(await listTags(ee, 'team-a/api')).toEqual(['v3', 'v4']);
    expect(await listTags(ee, 'team-a/web')).toEqual(['v1', 'v2']);
    for (const ref of ['api:v3', 'api:v4', 'web:v1', 'web:v2']) {
      expect(await pullProblems(cwd, ee, `team-a/${ref}`, image(ref)), ref).toEqual([]);
    }
    const again = await acrctl(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 240_000);

  it('with overwrite off keeps a target tag whose digest differs; turned on, copies only that one', async () => {
    const other = makeImage('ee-api-v4-pushed-by-hand', { shared: [base] });
    const { cwd, acrctl } = folder('overwrite', {
      'instance.yaml': config('skopeo-overwrite', 'team-b', ''),
      'off.yaml': config('skopeo-overwrite', 'team-b', 'latest: 2, tagFilter: "v[0-9]+", overwrite: false'),
      'on.yaml': config('skopeo-overwrite', 'team-b', 'latest: 2, tagFilter: "v[0-9]+", overwrite: true'),
    });
    const first = await acrctl(['apply', '-f', 'instance.yaml', '--auto-approve']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const ee = await eeOf('skopeo-overwrite', cwd);
    await pushArtifact(cwd, ee, 'team-b/api:v4', other); // the same tag, another image
    await pushArtifact(cwd, ee, 'team-b/api:v3', image('api:v3')); // already there, same digest

    const off = await acrctl(['plan', '-f', 'off.yaml']);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/import-digest-conflict.*team-b\/api:v4/);
    expect(off.stdout).toContain('Images to copy: 2 '); // web:v1 and web:v2
    const applyOff = await acrctl(['apply', '-f', 'off.yaml', '--auto-approve']);
    expect(applyOff.code, applyOff.stdout + applyOff.stderr).toBe(0);
    expect(await pullProblems(cwd, ee, 'team-b/api:v4', other)).toEqual([]);
    expect(await pullProblems(cwd, ee, 'team-b/api:v3', image('api:v3'))).toEqual([]);
    for (const ref of ['web:v1', 'web:v2']) expect(await pullProblems(cwd, ee, `team-b/${ref}`, image(ref)), ref).toEqual([]);

    const on = await acrctl(['plan', '-f', 'on.yaml']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain('Images to copy: 1 ');
    expect(on.stdout).toContain('image[team-b/api:v4]');
    const applyOn = await acrctl(['apply', '-f', 'on.yaml', '--auto-approve']);
    expect(applyOn.code, applyOn.stdout + applyOn.stderr).toBe(0);
    expect(await pullProblems(cwd, ee, 'team-b/api:v4', image('api:v4'))).toEqual([]);
    expect(await listTags(ee, 'team-b/api')).toEqual(['v3', 'v4']);
  }, 240_000);

  it('imports into a namespace that the same apply adds to a running instance', async () => {
    const { cwd, acrctl } = folder('new-namespace', {
      'instance.yaml': config('skopeo-new-ns', 'team-d', ''),
      'registry.yaml': config('skopeo-new-ns', 'team-d', 'latest: 1, tagFilter: "v[0-9]+"').replace('team-d: { autoCreateRepo: true }', 'team-d: { autoCreateRepo: true }\n      team-e: { autoCreateRepo: true }').replace('namespace: team-d, latest', 'namespace: team-e, latest'),
    });
    const first = await acrctl(['apply', '-f', 'instance.yaml', '--auto-approve']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const apply = await acrctl(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const ee = await eeOf('skopeo-new-ns', cwd);
    expect(await pullProblems(cwd, ee, 'team-e/api:v4', image('api:v4'))).toEqual([]);
  }, 120_000);

  it('killed mid-import, resumes without copying finished images again; every digest matches', async () => {
    // A repository of bigger images, and latency on every request, so the kill lands mid-copy.
    const batch: [string, Artifact][] = Array.from({ length: 8 }, (_, i) => [`batch:j${i + 1}`, makeImage(`pe-batch-j${i + 1}`, { shared: [base], layers: 2, layerBytes: 400_000 })]);
    for (const [ref, a] of batch) await pushArtifact(work, pe, `legacy/${ref}`, a);
    const { cwd, acrctl } = folder('resume', {
      'instance.yaml': config('skopeo-resume', 'team-c', ''),
      'registry.yaml': config('skopeo-resume', 'team-c', 'latest: 100, tagFilter: "j[0-9]+"'),
    });
    const first = await acrctl(['apply', '-f', 'instance.yaml', '--auto-approve']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    await t.admin('PUT', '/_emulator/faults', { global: { latencyMs: 40 } });

    // Run the real binary and SIGKILL it once two images have finished.
    const killed = await new Promise<{ output: string; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--parallelism', '3', '--endpoint', t.url], {
        cwd,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      const watch = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if ((output.match(/✓ \S+\.image\[[^\]]+\]: finished/g) ?? []).length >= 2) child.kill('SIGKILL');
      };
      child.stdout.on('data', watch);
      child.stderr.on('data', watch);
      child.on('error', reject);
      child.on('close', (_code, signal) => {
        clearTimeout(timer);
        resolve({ output, signal });
      });
    });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const [firstRun] = journals(cwd).filter((records) => records.some((r) => r.t === 'start' && r.id?.includes('.image[') === true));
    const finished = new Set((firstRun ?? []).filter((r) => r.t === 'done' && r.id?.includes('.image[') === true).map((r) => r.id));
    expect(finished.size).toBeGreaterThanOrEqual(2);
    expect(finished.size, 'the kill must land before the import ends').toBeLessThan(batch.length);

    // Tags written before the kill keep their push time unless copied again.
    const instanceId = await instanceIdOf('skopeo-resume');
    const repoId = ((await t.callRpc('cr', REGION, 'GetRepository', { InstanceId: instanceId, RepoNamespaceName: 'team-c', RepoName: 'batch' }, keys)) as { RepoId: string }).RepoId;
    const tagTimes = async () =>
      new Map(((await t.callRpc('cr', REGION, 'ListRepoTag', { InstanceId: instanceId, RepoId: repoId, PageSize: 100 }, keys)) as { Images: { Tag: string; ImageUpdate: string }[] }).Images.map((i) => [i.Tag, i.ImageUpdate] as const));
    const before = await tagTimes();
    await t.admin('DELETE', '/_emulator/faults');
    await t.admin('POST', '/_emulator/clock', { advanceMs: 3_600_000 });

    const resumed = await acrctl(['apply', '--resume', '--auto-approve']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const runs = journals(cwd);
    // The resume continues the killed run's journal: its records follow the last `resume` record.
    const whole = runs[runs.length - 1] ?? [];
    const last = whole.slice(whole.map((r) => r.t).lastIndexOf('resume') + 1);
    expect(whole.some((r) => r.t === 'resume'), 'the resume continued the killed run').toBe(true);
    const restarted = last.filter((r) => r.t === 'start' && r.id !== undefined && finished.has(r.id)).map((r) => r.id);
    expect(restarted, 'finished images must not run again').toEqual([]);
    const after = await tagTimes();
    for (const id of finished) {
      const tag = /:([^:\]]+)\]$/.exec(id ?? '')?.[1] ?? '';
      expect(after.get(tag), `${tag} was pushed again`).toBe(before.get(tag));
    }
    const ee = await eeOf('skopeo-resume', cwd); // a fresh login: the clock moved past the old one's expiry
    expect(await listTags(ee, 'team-c/batch')).toEqual(batch.map(([ref]) => ref.split(':')[1]).sort());
    for (const [ref, a] of batch) expect(await pullProblems(cwd, ee, `team-c/${ref}`, a), ref).toEqual([]);
  }, 300_000);
});
