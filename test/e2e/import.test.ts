/**
 * Image imports end to end, through the CLI against the emulator over HTTP: images pushed into the
 * Personal Edition registry with the test client, `acrctl apply` with an import rule, the images
 * pulled back from the EE instance and compared by digest and bytes; plan clean afterwards; a
 * changed rule copies only the difference; a conflict with overwrite off is reported and the target
 * left alone; a failing image fails only itself; a killed import resumed with `--resume` does not
 * copy finished images again.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN, runCli } from '../support/cli.js';
import { eeLogin, listTags, makeImage, makeIndex, peLogin, pushImage, RegistryClient, registryOf, sha, type TestImage } from '../emulator/registry/client.js';

const UID = '1234567890123456';
const HZ = 'cn-hangzhou';
const RULE = 'instance[hz].import[personal:cn-hangzhou/team-a]';

function config(rule: string, extra = ''): string {
  return `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: ${HZ}
    edition: Advanced
    name: acme-hz
    vpcEndpoints: [{ vpc: vpc-bp1imp, vswitch: vsw-bp1imp }]
    internetEndpoint: { enabled: true, allow: [{ cidr: 127.0.0.1/32, description: this machine }] }
    copyRunnerAdmitted: true
    namespaces:
      team-a: {}
    imports:
      - { from: personal, namespace: team-a, ${rule} }
${extra}`;
}

interface World {
  t: TestEmulator;
  keys: AccountKeys;
  cwd: string;
  pe: RegistryClient;
  images: Map<string, TestImage>;
  cli(args: string[]): ReturnType<typeof runCli>;
}

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    await w.t.close();
    rmSync(w.cwd, { recursive: true, force: true });
  }
});

/** An emulator with a VPC, a Personal Edition namespace team-a and images pushed into it, oldest first. */
async function world(tags: Record<string, string[]>, autoBuild: readonly string[] = [], buildRules: Readonly<Record<string, readonly unknown[]>> = {}): Promise<World> {
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-import-'));
  const keys = await t.account(UID);
  await t.admin('POST', '/_emulator/vpc/vpcs', { accountUid: UID, regionId: HZ, cidrBlock: '10.0.0.0/16', vpcId: 'vpc-bp1imp', vpcName: 'registry' });
  await t.admin('POST', '/_emulator/vpc/vswitches', { accountUid: UID, regionId: HZ, vpcId: 'vpc-bp1imp', zoneId: 'cn-hangzhou-j', cidrBlock: '10.0.0.0/24', vSwitchId: 'vsw-bp1imp' });
  await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: HZ, namespaces: [{ name: 'team-a', autoCreate: true, repos: autoBuild.map((name) => ({ name, buildType: 'AUTO_BUILD', ...(buildRules[name] !== undefined ? { buildRules: buildRules[name] } : {}) })) }] });
  const pe = new RegistryClient(await registryOf(t, `personal=${HZ}`), await peLogin(t, keys, HZ));
  const base = makeImage('shared-base', { layers: 1, layerBytes: 40_000 }).layers;
  const images = new Map<string, TestImage>();
  for (const [repo, list] of Object.entries(tags)) {
    for (const tag of list) {
      const img = makeImage(`${repo}:${tag}`, { shared: base, layers: 2, layerBytes: 20_000 });
      await pushImage(pe, `team-a/${repo}`, img, tag);
      images.set(`${repo}:${tag}`, img);
      await new Promise((r) => setTimeout(r, 5)); // distinct push times: latest N is by update time
    }
  }
  const w: World = { t, keys, cwd, pe, images, cli: (args) => runCli([...args, '--endpoint', t.url], { cwd }) };
  worlds.push(w);
  return w;
}

async function instanceId(w: World): Promise<string> {
  const body = (await w.t.callRpc('cr', HZ, 'ListInstance', { InstanceName: 'acme-hz' }, w.keys)) as { Instances: { InstanceId: string }[] };
  return body.Instances[0]!.InstanceId;
}

async function ee(w: World): Promise<RegistryClient> {
  const id = await instanceId(w);
  return new RegistryClient(await registryOf(w.t, `instance=${id}`), await eeLogin(w.t, w.keys, HZ, id));
}

/** The digest and bytes of a manifest pulled from the EE instance. */
async function pull(c: RegistryClient, repo: string, tag: string): Promise<{ digest: string | null; bytes: Buffer; status: number }> {
  const r = await c.getManifest(`team-a/${repo}`, tag);
  const bytes = Buffer.from(await r.arrayBuffer());
  return { digest: r.headers.get('docker-content-digest'), bytes, status: r.status };
}

function importReport(cwd: string): {
  images: { total: number; succeeded: number; failed: number; skipped: number; notRun: number };
  runs: number;
  thisRun: { registryRequests?: Record<string, number> }; problems: { image: string; status: string; reason?: string }[]; repositories: { repository: string; images: number }[] } {
  const dir = join(cwd, '.acrctl', 'runs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.import.json')).sort();
  return JSON.parse(readFileSync(join(dir, files.at(-1)!), 'utf8'));
}

async function planActions(w: World): Promise<{ id: string; type: string }[]> {
  const r = await w.cli(['plan', '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { actions: { id: string; type: string }[] }).actions;
}

describe('acrctl apply with an image import', () => {
  it('copies the selected images byte for byte, reports them, then plans clean', async () => {
    const w = await world({ api: ['v1', 'v2', 'v3', 'dev-1'], web: ['v1'] });
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 2, tagFilter: "v[0-9]+"'));
    const r = await w.cli(['apply', '--auto-approve', '--report', 'import.md']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Import report:');
    expect(r.stdout).toContain('Images: 3 (3 succeeded, 0 failed, 0 skipped)');
    expect(r.stdout).toContain('Verified: a new plan shows no changes.');
    const c = await ee(w);
    for (const [repo, tag] of [['api', 'v3'], ['api', 'v2'], ['web', 'v1']] as const) {
      const img = w.images.get(`${repo}:${tag}`)!;
      const got = await pull(c, repo, tag);
      expect(got.status).toBe(200);
      expect(got.digest).toBe(img.digest);
      expect(got.bytes.equals(img.manifest)).toBe(true);
      const blob = await c.getBlob(`team-a/${repo}`, sha(img.layers[1]!));
      expect(Buffer.from(await blob.arrayBuffer()).equals(img.layers[1]!)).toBe(true);
    }
    // Not selected: older than latest 2, or not matching the filter.
    expect((await pull(c, 'api', 'v1')).status).toBe(404);
    expect((await pull(c, 'api', 'dev-1')).status).toBe(404);
    // The repository was created from Personal Edition metadata before the copies.
    const tags = await listTags(w.t, w.keys, HZ, await instanceId(w), 'team-a', 'web');
    expect(tags.map((x) => x.Tag)).toEqual(['v1']);
    const report = importReport(w.cwd);
    expect(report.images).toEqual({ total: 3, succeeded: 3, failed: 0, skipped: 0, notRun: 0 });
    expect(report.repositories.map((x) => [x.repository, x.images])).toEqual([['team-a/api', 2], ['team-a/web', 1]]);
    // One manifest per image; the shared base layer and api's second image's blobs are not uploaded
    // again (3 images of 4 blobs each would be 12 uploads).
    const req = report.thisRun.registryRequests ?? {};
    expect(req['manifest.put']).toBe(3);
    expect((req['upload.put'] ?? 0) + (req['upload.mount'] ?? 0)).toBeLessThan(12);
    expect(readFileSync(join(w.cwd, 'import.md'), 'utf8')).toContain('### acrctl import report');
    expect(await planActions(w)).toEqual([]);
    // Imported repositories are desired (derived), so a pruning namespace keeps them.
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 2, tagFilter: "v[0-9]+"').replace('team-a: {}', 'team-a: { prune: true }'));
    expect(await planActions(w)).toEqual([]);
  }, 60_000);

  it('copies only the difference when the rule changes, and reports a conflict it must not overwrite', async () => {
    const w = await world({ api: ['v1', 'v2', 'v3'] });
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 1, overwrite: false'));
    let r = await w.cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Someone pushes another api:v2 straight into EE.
    const c = await ee(w);
    const theirs = makeImage('not-from-personal-edition');
    await pushImage(c, 'team-a/api', theirs, 'v2');

    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 3, overwrite: false'));
    const plan = await w.cli(['plan', '--format', 'json']);
    const parsed = JSON.parse(plan.stdout) as { actions: { id: string }[]; findings: { id: string; where?: string }[] };
    expect(parsed.actions.map((a) => a.id)).toEqual([`${RULE}.image[team-a/api:v1]`]);
    expect(parsed.findings.filter((f) => f.id === 'import-digest-conflict').map((f) => f.where)).toEqual([`${RULE}.image[team-a/api:v2]`]);

    // Drift: the image the rule still has to copy is missing in the target.
    const drift = await w.cli(['drift']);
    expect(drift.code, drift.stdout + drift.stderr).toBe(2);
    expect(drift.stdout).toContain(`${RULE}.image[team-a/api:v1]`);
    expect(drift.stdout).toContain('missing: needed because import rule personal:cn-hangzhou/team-a');

    r = await w.cli(['apply', '--auto-approve', '--report', 'change-1234.json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = importReport(w.cwd);
    expect(report.images).toEqual({ total: 2, succeeded: 1, failed: 0, skipped: 1, notRun: 0 });
    expect(JSON.parse(readFileSync(join(w.cwd, 'change-1234.json'), 'utf8'))).toEqual(report);
    expect(report.problems.map((p) => [p.image, p.status])).toEqual([['team-a/api:v2', 'conflict']]);
    expect((await pull(c, 'api', 'v2')).digest).toBe(theirs.digest);
    expect((await pull(c, 'api', 'v1')).digest).toBe(w.images.get('api:v1')!.digest);

    // Overwrite on: the next plan overwrites it, and says so.
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 3, overwrite: true'));
    const text = await w.cli(['plan']);
    expect(text.stdout).toContain('copy team-a/api:v2');
    expect(text.stdout).toContain('overwriting the target tag');
    r = await w.cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await pull(c, 'api', 'v2')).digest).toBe(w.images.get('api:v2')!.digest);
  }, 60_000);

  it('a failing image fails only its own action; the others are imported', async () => {
    const w = await world({ api: ['v1', 'v2'] });
    // A multi-arch image whose child manifest is then deleted from Personal Edition: the list still
    // has its tag, so it is planned, but its copy cannot read the child.
    const kids = [makeImage('multi-amd64', { oci: true }), makeImage('multi-arm64', { oci: true })];
    for (const k of kids) await pushImage(w.pe, 'team-a/multi', k, k.digest);
    const index = makeIndex(kids);
    const put = await w.pe.putManifest('team-a/multi', 'v1', index.bytes, index.mediaType);
    expect(put.status).toBe(201);
    const del = await w.pe.request('DELETE', `/v2/team-a/multi/manifests/${kids[1]!.digest}`, { scopeKey: 'team-a/multi' });
    expect([202, 200]).toContain(del.status);

    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 5'));
    const r = await w.cli(['apply', '--auto-approve', '--parallelism', '1', '--report', 'no-such-dir/report.md']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    // A report file that cannot be written is a warning; the report is still kept with the journal.
    expect(r.stderr).toContain('warning: cannot write the import report to no-such-dir/report.md');
    expect(r.stdout).toContain(`✗ ${RULE}.image[team-a/multi:v1]`);
    const report = importReport(w.cwd);
    expect(report.images).toEqual({ total: 3, succeeded: 2, failed: 1, skipped: 0, notRun: 0 });
    expect(report.problems.map((p) => [p.image, p.status])).toEqual([['team-a/multi:v1', 'failed']]);
    const c = await ee(w);
    expect((await pull(c, 'api', 'v1')).digest).toBe(w.images.get('api:v1')!.digest);
    expect((await pull(c, 'api', 'v2')).digest).toBe(w.images.get('api:v2')!.digest);
  }, 60_000);
});

describe('the cut-over order: the Personal Edition domain switch comes after the data', () => {
  it('is never reached while a copy failed; apply names the copy that blocks it, and --resume reaches it once the copy lands', async () => {
    const w = await world({ api: ['v1'] });
    // A multi-arch image whose child is gone from Personal Edition: planned, but its copy fails.
    const kids = [makeImage('cut-amd64', { oci: true }), makeImage('cut-arm64', { oci: true })];
    for (const k of kids) await pushImage(w.pe, 'team-a/multi', k, k.digest);
    const index = makeIndex(kids);
    expect((await w.pe.putManifest('team-a/multi', 'v1', index.bytes, index.mediaType)).status).toBe(201);
    expect([200, 202]).toContain((await w.pe.request('DELETE', `/v2/team-a/multi/manifests/${kids[1]!.digest}`, { scopeKey: 'team-a/multi' })).status);
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 5').replace('    namespaces:', '    personalEditionDomain: true\n    namespaces:'));

    const plan = JSON.parse((await w.cli(['plan', '--format', 'json'])).stdout) as { actions: { id: string; dependsOn: string[]; reason?: string }[] };
    const gate = plan.actions.find((a) => a.id === 'instance[hz].personal-edition-domain')!;
    expect(gate.dependsOn).toEqual(expect.arrayContaining([`${RULE}.image[team-a/api:v1]`, `${RULE}.image[team-a/multi:v1]`, 'instance[hz].namespace[team-a]']));
    expect(gate.reason).toContain('after the 2 image copies of imports personal:cn-hangzhou/team-a');

    const r = await w.cli(['apply', '--auto-approve', '--parallelism', '1']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`✗ ${RULE}.image[team-a/multi:v1]`);
    expect(r.stdout).toContain(`⊘ instance[hz].personal-edition-domain not reached: it waits for 1 action that did not finish: ${RULE}.image[team-a/multi:v1] (failed)`);
    expect(r.stdout).toContain('Do not do its console step yet.');
    // The plan shown before apply has the switch's steps; the outcome after it does not ask for them.
    expect(r.stdout.slice(r.stdout.indexOf('Apply failed'))).not.toContain('Open a ticket with Alibaba Cloud');

    // The source is repaired; resume copies it, and only then stops at the switch.
    await pushImage(w.pe, 'team-a/multi', kids[1]!, kids[1]!.digest);
    const again = await w.cli(['apply', '--resume', '--auto-approve']);
    expect(again.code, again.stdout + again.stderr).toBe(3);
    expect(again.stdout).toContain('Apply stopped at 1 gate');
    expect(again.stdout).toContain('Open a ticket with Alibaba Cloud');
    expect((await pull(await ee(w), 'multi', 'v1')).digest).toBe(index.digest);
  }, 60_000);
});

describe('the copy path (copyEndpoint)', () => {
  it('internet: the plan refuses to start without the internet endpoint or without knowing the runner is admitted', async () => {
    const w = await world({ api: ['v1'] });
    const noEndpoint = config('latest: 1').replace(/    internetEndpoint:.*\n    copyRunnerAdmitted: true\n/, '');
    writeFileSync(join(w.cwd, 'registry.yaml'), noEndpoint);
    const plan = await w.cli(['plan']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(1);
    expect(plan.stdout).toContain('error[import-copy-path]: instance[hz]: instance acme-hz copies 1 image, but they go through its internet endpoint');
    expect(plan.stderr).toContain('the plan has 1 error finding');
    const apply = await w.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect((await w.cli(['plan', '--format', 'json'])).stdout).toContain('"id": "instance[hz]"'); // nothing was created

    // --copy-from-cidr is checked against the ACL.
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 1').replace('    copyRunnerAdmitted: true\n', ''));
    const outside = await w.cli(['plan', '--copy-from-cidr', '198.51.100.7']);
    expect(outside.code).toBe(1);
    expect(outside.stdout).toContain('--copy-from-cidr 198.51.100.7/32 (the machine that runs acrctl) is in no entry of the ACL of its internet endpoint (127.0.0.1/32)');
    const inside = await w.cli(['plan', '--copy-from-cidr', '127.0.0.1']);
    expect(inside.code, inside.stdout).toBe(0);
    expect(inside.stdout).toContain('from 127.0.0.1/32, admitted by the ACL');
    expect((await w.cli(['plan', '--copy-from-cidr', 'not-an-address'])).stderr).toContain('--copy-from-cidr not-an-address is not an IPv4 address or CIDR block');

  }, 60_000);

  it('vpc: copies go through the VPC hosts after the VPC link is RUNNING, with the internet endpoint off', async () => {
    const w = await world({ api: ['v1', 'v2'] });
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 2').replace(/    internetEndpoint:.*\n    copyRunnerAdmitted: true\n/, '    copyEndpoint: vpc\n'));
    const plan = JSON.parse((await w.cli(['plan', '--format', 'json'])).stdout) as { actions: { id: string; dependsOn: string[]; after: Record<string, unknown> }[]; findings: { id: string; message: string }[] };
    const copy = plan.actions.find((a) => a.id === `${RULE}.image[team-a/api:v1]`)!;
    expect(copy.after['via']).toBe('vpc');
    expect(copy.dependsOn).toContain('instance[hz].vpc-link[vpc-bp1imp/vsw-bp1imp]');
    expect(plan.findings.find((f) => f.id === 'import-copy-path')?.message).toContain('copies go through the VPC hosts acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com and registry-vpc.cn-hangzhou.aliyuncs.com (copyEndpoint: vpc): run acrctl apply on a machine inside a linked VPC (vpc-bp1imp)');
    const r = await w.cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await pull(await ee(w), 'api', 'v2')).digest).toBe(w.images.get('api:v2')!.digest);
    // The instance's public host refused all along; its VPC host serves.
    const id = await instanceId(w);
    const pub = new RegistryClient(await registryOf(w.t, `instance=${id}&network=internet`), await eeLogin(w.t, w.keys, HZ, id));
    expect((await pub.getManifest('team-a/api', 'v1')).status).toBe(403);
    const vpc = new RegistryClient(await registryOf(w.t, `instance=${id}&network=vpc`), await eeLogin(w.t, w.keys, HZ, id));
    expect((await vpc.getManifest('team-a/api', 'v1')).headers.get('docker-content-digest')).toBe(w.images.get('api:v1')!.digest);
  }, 60_000);
});

describe('a namespace added with its import rule', () => {
  it('is planned and filled on a running instance (the target namespace does not exist yet when planning)', async () => {
    const w = await world({ api: ['v1'] });
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 0'));
    let r = await w.cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 0').replace('team-a: {}', 'team-a: {}\n      team-b: {}') + '      - { from: personal, sourceNamespace: team-a, namespace: team-b, latest: 1 }\n');
    r = await w.cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const got = await (await ee(w)).getManifest('team-b/api', 'v1');
    expect(got.headers.get('docker-content-digest')).toBe(w.images.get('api:v1')!.digest);
  }, 60_000);
});

describe('includeBuildConfig', () => {
  it('copies the images, stops at a gate, and --resume passes it once the build rules exist', async () => {
    const w = await world({ api: ['v1'], web: ['v1'] }, ['api']);
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 1, includeBuildConfig: true'));
    let r = await w.cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain(`! ${RULE}.build-config`);
    expect(r.stdout).toContain('team-a/api: in the Personal Edition console');
    expect(r.stdout).not.toContain('team-a/web: in the Personal Edition console');
    expect(r.stdout).toContain('Images: 2 (2 succeeded, 0 failed, 0 skipped)');
    const c = await ee(w);
    expect((await pull(c, 'api', 'v1')).digest).toBe(w.images.get('api:v1')!.digest);

    // Not done yet: the gate holds.
    r = await w.cli(['apply', '--resume', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(3);

    // What the human does in the console: a build rule on the repository.
    const id = await instanceId(w);
    const repo = await w.t.callRpc('cr', HZ, 'GetRepository', { InstanceId: id, RepoNamespaceName: 'team-a', RepoName: 'api' }, w.keys);
    await w.t.callRpc('cr', HZ, 'CreateRepoBuildRule', { InstanceId: id, RepoId: repo['RepoId'] as string, PushType: 'GIT_BRANCH', PushName: 'main', ImageTag: 'latest' }, w.keys);
    r = await w.cli(['apply', '--resume', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Verified: a new plan shows no changes.');
    expect(await planActions(w)).toEqual([]);
  }, 60_000);

  // issue 14 item 9: with build.source declared, Personal Edition's rules are created, not gated.
  it('creates the Personal Edition build rules in the instance where build.source is declared (no gate for it)', async () => {
    const peRules = [
      { pushType: 'GIT_BRANCH', pushName: 'master', imageTag: 'latest' },
      { pushType: 'GIT_TAG', pushName: 'release-.*', imageTag: 'release', dockerfileLocation: '/docker' },
    ];
    const w = await world({ api: ['v1'], web: ['v1'] }, ['api', 'web'], { api: peRules });
    // The console step no API makes: a GitHub account bound to the instance.
    await w.t.admin('POST', '/_emulator/cr/code-sources', { accountUid: UID, region: HZ, instanceName: 'acme-hz', platform: 'GITHUB' });
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 1, includeBuildConfig: true').replace('      team-a: {}', '      team-a:\n        repositories:\n          api:\n            summary: API\n            build: { source: { platform: GITHUB, namespace: acme, repository: api } }'));
    let r = await w.cli(['plan']);
    expect(r.stdout).toContain('instance[hz].namespace[team-a].repository[api].build-rule[tag:release-.*:release]');
    r = await w.cli(['apply', '--auto-approve']);
    // web has no declared source: its gate still stops the run; api's rules and binding are made.
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain('team-a/web: in the Personal Edition console');
    expect(r.stdout).not.toContain('team-a/api: in the Personal Edition console');
    const id = await instanceId(w);
    const repo = await w.t.callRpc('cr', HZ, 'GetRepository', { InstanceId: id, RepoNamespaceName: 'team-a', RepoName: 'api' }, w.keys);
    const listed = await w.t.callRpc('cr', HZ, 'ListRepoBuildRule', { InstanceId: id, RepoId: repo['RepoId'] as string }, w.keys);
    expect((listed['BuildRules'] as Record<string, unknown>[]).map((b) => [b['PushType'], b['PushName'], b['ImageTag'], b['DockerfileLocation']])).toEqual([
      ['GIT_BRANCH', 'master', 'latest', '/'],
      ['GIT_TAG', 'release-.*', 'release', '/docker'],
    ]);
    expect(await w.t.callRpc('cr', HZ, 'GetRepoSourceCodeRepo', { InstanceId: id, RepoId: repo['RepoId'] as string }, w.keys)).toMatchObject({ CodeRepoType: 'GITHUB', CodeRepoName: 'api' });
  }, 60_000);
});

describe('a killed import', () => {
  it('resumes without copying finished images again, and the report covers both runs', async () => {
    const tags = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'];
    const w = await world({ api: tags });
    // latest 0 imports metadata only: the instance and the repository first, so the killed run is
    // all copies.
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 0'));
    let r = await w.cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await listTags(w.t, w.keys, HZ, await instanceId(w), 'team-a', 'api')).toEqual([]);
    writeFileSync(join(w.cwd, 'registry.yaml'), config('latest: 8'));
    await w.t.admin('PUT', '/_emulator/faults', { global: { latencyMs: 60 } });

    const runs = join(w.cwd, '.acrctl', 'runs');
    const doneImages = () =>
      existsSync(runs)
        ? readdirSync(runs)
            .filter((f) => f.endsWith('.jsonl'))
            .flatMap((f) => readFileSync(join(runs, f), 'utf8').split('\n'))
            .filter((l) => l.includes('"t":"done"') && l.includes('.image['))
            .map((l) => (JSON.parse(l) as { id: string }).id)
        : [];
    const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--no-verify', '--parallelism', '2', '--endpoint', w.t.url], { cwd: w.cwd, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    while (doneImages().length < 3 && Date.now() < deadline && child.exitCode === null) await new Promise((res) => setTimeout(res, 20));
    child.kill('SIGKILL');
    await exited;
    const finished = doneImages();
    expect(finished.length, 'the kill came too late to test anything').toBeGreaterThanOrEqual(3);
    expect(finished.length, 'the kill came too late to test anything').toBeLessThan(tags.length);
    const id = await instanceId(w);
    const before = new Map((await listTags(w.t, w.keys, HZ, id, 'team-a', 'api')).map((x) => [x.Tag, x] as const));
    await w.t.admin('PUT', '/_emulator/faults', { global: { latencyMs: 0 } });

    r = await w.cli(['apply', '--resume', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // The resumed run's journal (a resume continues the run's journal: its records follow the last
    // `resume` record): finished images are not started again, let alone copied.
    const last = readdirSync(runs).filter((f) => f.endsWith('.jsonl')).sort().at(-1)!;
    const all = readFileSync(join(runs, last), 'utf8').trim().split('\n').flatMap((l) => { try { return [JSON.parse(l) as { t: string; id?: string; call?: string }]; } catch { return []; } });
    const records = all.slice(all.map((x) => x.t).lastIndexOf('resume') + 1);
    expect(all.some((x) => x.t === 'resume'), 'the resume continued the killed run').toBe(true);
    for (const f of finished) expect(records.filter((x) => x.id === f && (x.t === 'start' || x.t === 'intent'))).toEqual([]);
    const copied = records.filter((x) => x.t === 'intent' && x.call === 'CopyImage').length;
    expect(copied).toBeLessThanOrEqual(tags.length - finished.length);
    const report = importReport(w.cwd);
    expect(report.runs).toBe(2);
    // Counted by the resumed run's registry client: no manifest written for a finished image.
    expect(report.thisRun.registryRequests?.['manifest.put'] ?? 0).toBeLessThanOrEqual(tags.length - finished.length);
    expect(report.images).toEqual({ total: 8, succeeded: 8, failed: 0, skipped: 0, notRun: 0 });
    const after = await listTags(w.t, w.keys, HZ, id, 'team-a', 'api');
    for (const t of after) expect(t.Digest.replace(/^sha256:/, '')).toBe(w.images.get(`api:${t.Tag}`)!.digest.replace(/^sha256:/, ''));
    expect(after.map((x) => x.Tag).sort()).toEqual([...tags].sort());
    for (const [tag, x] of before) expect(after.find((y) => y.Tag === tag)?.Digest).toBe(x.Digest);
    expect(await planActions(w)).toEqual([]);
  }, 90_000);
});
