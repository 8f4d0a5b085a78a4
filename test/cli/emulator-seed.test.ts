/**
 * `acrctl emulator seed`: every mistake of a seed file at file:line:column before anything is
 * touched, no seeding of the real cloud, a Personal Edition estate it will not overwrite, and
 * images that are byte-stable and valid tar/gzip.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/cli/emulator-seed.js';
import { baseLayer, seedImage, sha256 } from '../../src/cli/seed-images.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';

const UID = '1234567890123456';
const CONFIG = `version: 1
accounts:
  prod: { uid: "${UID}", credentials: { profile: prod } }
`;

describe('acrctl emulator seed', () => {
  let t: TestEmulator;
  let cwd: string;
  const seed = async (text: string, ...args: string[]) => {
    writeFileSync(join(cwd, 'emulator-seed.yaml'), text);
    return runCli(['emulator', 'seed', '.', '--endpoint', t.url, ...args], { cwd });
  };
  const mutations = async () => (await t.admin<{ mutating: boolean }[]>('GET', '/_emulator/calls')).body.filter((c) => c.mutating).length;

  beforeAll(async () => {
    t = await startTestEmulator();
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-emu-seed-'));
    writeFileSync(join(cwd, 'registry.yaml'), CONFIG);
  });
  afterAll(async () => {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('names every mistake at file:line:column and seeds nothing', async () => {
    const r = await seed(`version: 1
vpcs:
  - account: staging
    region: cn-shanghai
    id: vpc-a1
    cidr: 10.20.0.0/33
    vswitches:
      - { id: vsw-a1, zone: cn-hangzhou-a, cidr: 10.20.1.0/24, colour: red }
    routeTables:
      - { id: vtb-a1, vswitches: [vsw-zz] }
cens:
  - account: prod
    id: cen-a1
    transitRouters:
      - { id: tr-a1, region: cn-shanghai, edition: Basic }
    peers: [[tr-a1, tr-b1]]
`);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error[seed.invalid]: emulator-seed.yaml:'));
    expect(lines).toEqual([
      'error[seed.invalid]: emulator-seed.yaml:6:11: vpcs[0].cidr: expected an IPv4 CIDR block, e.g. 10.0.0.0/16, got "10.20.0.0/33"',
      'error[seed.invalid]: emulator-seed.yaml:8:64: vpcs[0].vswitches[0].colour: unknown key (see schemas/emulator-seed.schema.json)',
    ]);
    expect(r.stderr).toContain('error[seed.invalid]: emulator-seed.yaml has 2 errors; nothing was seeded');
    const fixed = await seed(`version: 1
vpcs:
  - account: staging
    region: cn-shanghai
    id: vpc-a1
    cidr: 10.20.0.0/16
    vswitches:
      - { id: vsw-a1, zone: cn-hangzhou-a, cidr: 10.20.1.0/24 }
    routeTables:
      - { id: vtb-a1, vswitches: [vsw-zz] }
cens:
  - account: prod
    id: cen-a1
    transitRouters:
      - { id: tr-a1, region: cn-shanghai, edition: Basic }
    peers: [[tr-a1, tr-b1]]
`);
    expect(fixed.code).toBe(1);
    expect(fixed.stderr).toContain('emulator-seed.yaml:3:14: account "staging" is neither in the registry.yaml nor in this file\'s accounts (known: prod)');
    expect(fixed.stderr).toContain("emulator-seed.yaml:8:29: zone cn-hangzhou-a is not in the VPC's region cn-shanghai");
    expect(fixed.stderr).toContain('emulator-seed.yaml:10:35: vsw-zz is not a vSwitch of vpc-a1 in this file');
    expect(fixed.stderr).toContain('emulator-seed.yaml:16:14: tr-a1 is a Basic router: inter-region connections need Enterprise routers');
    expect(fixed.stderr).toContain('emulator-seed.yaml:16:21: tr-b1 is not a transit router of cen-a1 in this file');
    expect(fixed.stderr).not.toMatch(/^\s+at /m);
    expect(await mutations()).toBe(0);
  });

  it('refuses to run without an emulator, and without the registry.yaml it refers to', async () => {
    writeFileSync(join(cwd, 'emulator-seed.yaml'), 'version: 1\n');
    const real = await runCli(['emulator', 'seed', '.'], { cwd });
    expect(real.code).toBe(1);
    expect(real.stderr).toContain('emulator seed only seeds an emulator: add --emulator');
    const missing = await runCli(['emulator', 'seed', '.', '-f', 'nope.yaml', '--endpoint', t.url], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.yaml does not exist');
  });

  it('takes accounts the registry.yaml lacks from the seed, and will not overwrite a Personal Edition estate', async () => {
    const other = '2222222222222222';
    const text = `version: 1
accounts: { legacy: "${other}" }
personalEdition:
  - account: legacy
    region: cn-beijing
    namespaces: [{ name: old-ns, repositories: [{ name: app, summary: The old app }] }]
`;
    const first = await seed(text);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('created Personal Edition namespace old-ns with app (legacy, cn-beijing)');
    const again = await seed(text);
    expect(again.stdout).toContain('exists  Personal Edition namespace old-ns');
    const clash = await seed(text.replace('name: old-ns', 'name: new-ns'));
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/emulator-seed\.yaml:4:5: the Personal Edition estate of legacy in cn-beijing already has namespaces \(old-ns\) but not new-ns/);
    expect(clash.stderr).toContain('hint: start from a fresh emulator: add --reset');
    const reset = await seed(text.replace('name: old-ns', 'name: new-ns'), '--reset');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('Emptied the emulator (accounts and keys kept).');
    expect(reset.stdout).toContain('created Personal Edition namespace new-ns');
  });
});

describe('seed images', () => {
  it('are the same bytes every time, share the base layer, and differ per tag', () => {
    const base = baseLayer(4096);
    const a = seedImage('shop/app', 'v1', base, 1000);
    const b = seedImage('shop/app', 'v1', baseLayer(4096), 1000);
    const c = seedImage('shop/app', 'v2', base, 1000);
    expect(b.digest).toBe(a.digest);
    expect(c.digest).not.toBe(a.digest);
    expect(a.blobs[1]!.digest).toBe(c.blobs[1]!.digest);
    expect(a.digest).toBe(sha256(a.manifest));
    const manifest = JSON.parse(a.manifest.toString('utf8')) as { layers: { digest: string; size: number }[]; config: { digest: string } };
    expect(manifest.config.digest).toBe(a.blobs[0]!.digest);
    expect(manifest.layers.map((l) => l.digest)).toEqual([a.blobs[1]!.digest, a.blobs[2]!.digest]);
  });

  it('have layers that are valid ustar archives of one file, as the config says', () => {
    const img = seedImage('shop/app', 'v1', undefined, 1500);
    const layerBlob = img.blobs[1]!;
    const tar = gunzipSync(layerBlob.bytes);
    const header = tar.subarray(0, 512);
    expect(header.subarray(0, 7).toString('ascii')).toBe('srv/app');
    expect(header.subarray(257, 263).toString('ascii')).toBe('ustar\0');
    const size = parseInt(header.subarray(124, 135).toString('ascii'), 8);
    expect(size).toBe('shop/app:v1\n'.length + 1500);
    const stored = parseInt(header.subarray(148, 154).toString('ascii'), 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    expect(stored).toBe(sum);
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(512, 512 + 12).toString('utf8')).toBe('shop/app:v1\n');
    const config = JSON.parse(img.blobs[0]!.bytes.toString('utf8')) as { rootfs: { diff_ids: string[] } };
    expect(config.rootfs.diff_ids).toEqual([sha256(tar)]);
  });
});

describe('the documentation of seeding', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));

  it('shows a seed file in docs/emulator.md that is valid', async () => {
    const doc = readFileSync(join(root, 'docs', 'emulator.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### The seed file'));
    const yaml = /```yaml\n([\s\S]*?)^```$/m.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'acrctl-seed-doc-'));
    try {
      writeFileSync(join(dir, 'emulator-seed.yaml'), yaml!);
      const { findings } = await loadSeed('emulator-seed.yaml', dir, new Set(['prod', 'shop']));
      expect(findings).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives, in the README, the two commands that try each example', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const examples = readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'registry.yaml')));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const name of examples) {
      expect(readme).toContain(`\`npx acrctl emulator seed examples/${name} --emulator --reset\`<br>\`npx acrctl apply -f examples/${name}/registry.yaml --emulator\``);
    }
  });
});

describe('seed files: sites, instances of accounts acrctl does not operate, their RAM roles', () => {
  it('checks every alias they name and the shapes of their fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acrctl-seed-partner-'));
    try {
      writeFileSync(
        join(dir, 'emulator-seed.yaml'),
        [
          'version: 1',
          'accounts: { partner: "7654321098765432" }',
          'sites: { prod: international, ghost: china }',
          'instances:',
          '  - { account: partner, region: cn-beijing, id: cri-partnerexample1, name: partner-bj, namespaces: [{ name: team-a, autoCreate: true }] }',
          '  - { account: nobody, region: cn-beijing, id: not-an-id, name: x }',
          'ramRoles:',
          '  - { account: partner, name: aliyuncontainerregistrycrossaccoutsyncrole, trustPolicy: { Version: "1", Statement: [] } }',
          '  - { account: elsewhere, name: r, trustPolicy: {} }',
          '',
        ].join('\n'),
      );
      const first = await loadSeed('emulator-seed.yaml', dir, new Set(['prod']));
      expect(first.findings.every((f) => f.location.line === 6), 'both shape errors are on the instance line').toBe(true);
      expect(first.findings.map((f) => f.message).join('\n')).toContain('expected an instance id: cri- and lowercase letters or digits, got "not-an-id"');
      expect(first.findings.map((f) => f.message).join('\n')).toContain('an instance name is 3-30 lowercase letters');
      // Fix the shapes: then the aliases are checked.
      writeFileSync(join(dir, 'emulator-seed.yaml'), readFileSync(join(dir, 'emulator-seed.yaml'), 'utf8').replace('id: not-an-id, name: x', 'id: cri-other1, name: other'));
      const second = await loadSeed('emulator-seed.yaml', dir, new Set(['prod']));
      expect(second.findings.map((f) => `${f.location.line}: ${f.message}`)).toEqual([
        '3: account "ghost" is neither in the registry.yaml nor in this file\'s accounts (known: partner, prod)',
        '6: account "nobody" is neither in the registry.yaml nor in this file\'s accounts (known: partner, prod)',
        '9: account "elsewhere" is neither in the registry.yaml nor in this file\'s accounts (known: partner, prod)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
