/**
 * A real registry client against the emulated registries: skopeo (containers/image, the library
 * image-syncer is built on) pushes OCI layouts into an EE instance and a Personal Edition registry
 * over plain http with the temporary credentials, and pulls them back byte for byte. Runs when
 * skopeo is installed (Debian package `skopeo`; .ci/run installs it), skipped otherwise.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { buyInstance, startCrEmulator, type Clock } from '../cr/setup.js';
import { createNamespace, eeLogin, listTags, makeImage, makeIndex, peLogin, registryOf, sha, type Creds, type TestImage } from './client.js';

const run = promisify(execFile);

async function which(cmd: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

const hasSkopeo = await which('skopeo');

/** Writes an OCI image layout holding `images` under their tags (and an index under its tag). */
async function writeLayout(dir: string, refs: { tag: string; blobs: Buffer[]; manifest: Buffer; mediaType: string }[]): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = [];
  for (const r of refs) {
    for (const b of [...r.blobs, r.manifest]) await writeFile(join(dir, 'blobs', 'sha256', sha(b).slice(7)), b);
    manifests.push({ mediaType: r.mediaType, digest: sha(r.manifest), size: r.manifest.length, annotations: { 'org.opencontainers.image.ref.name': r.tag } });
  }
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

function imageRef(tag: string, img: TestImage): { tag: string; blobs: Buffer[]; manifest: Buffer; mediaType: string } {
  return { tag, blobs: [img.config, ...img.layers], manifest: img.manifest, mediaType: img.mediaType };
}

function skopeo(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('skopeo', ['--insecure-policy', ...args], { timeout: 60_000 });
}

function creds(c: Creds): string {
  return `${c.username}:${c.password}`;
}

describe.skipIf(!hasSkopeo)('skopeo against the emulated registries', () => {
  const REGION = 'cn-shanghai';
  let t: TestEmulator;
  let clock: Clock;
  let keys: AccountKeys;
  let inst: string;
  let work: string;

  beforeAll(async () => {
    ({ t, clock } = await startCrEmulator());
    keys = await t.account('1212121212121212');
    inst = await buyInstance(t, clock, keys, REGION, 'skopeo-ee');
    await createNamespace(t, keys, REGION, inst, 'team-a', true);
    work = await mkdtemp(join(tmpdir(), 'acrctl-skopeo-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(work, { recursive: true, force: true });
  });

  it('pushes an image and a multi-arch OCI index into an EE instance and pulls them back byte for byte', async () => {
    const shared = [gzipSync(Buffer.alloc(40_000, 7))];
    const amd = makeImage('skopeo-amd64', { oci: true, layers: 3, layerBytes: 30_000, shared, gzip: true });
    const arm = makeImage('skopeo-arm64', { oci: true, layers: 2, shared, gzip: true });
    const index = makeIndex([amd, arm], true);
    const src = join(work, 'src');
    await writeLayout(src, [imageRef('single', amd), { tag: 'multi', blobs: [amd.config, ...amd.layers, amd.manifest, arm.config, ...arm.layers, arm.manifest], manifest: index.bytes, mediaType: index.mediaType }]);
    const host = await registryOf(t, `instance=${inst}`);
    const login = await eeLogin(t, keys, REGION, inst);
    await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', creds(login), `oci:${src}:single`, `docker://${host}/team-a/app:single`]);
    await skopeo(['copy', '--all', '--dest-tls-verify=false', '--dest-creds', creds(login), `oci:${src}:multi`, `docker://${host}/team-a/app:multi`]);

    const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', '--creds', creds(login), `docker://${host}/team-a/app:multi`]);
    expect(sha(raw.stdout)).toBe(index.digest);
    const single = await skopeo(['inspect', '--raw', '--tls-verify=false', '--creds', creds(login), `docker://${host}/team-a/app:single`]);
    expect(sha(single.stdout)).toBe(amd.digest);

    const out = join(work, 'out');
    await skopeo(['copy', '--all', '--src-tls-verify=false', '--src-creds', creds(login), `docker://${host}/team-a/app:multi`, `oci:${out}:multi`]);
    for (const b of [index.bytes, amd.manifest, arm.manifest, amd.config, ...amd.layers, ...arm.layers]) {
      expect((await readFile(join(out, 'blobs', 'sha256', sha(b).slice(7)))).equals(b)).toBe(true);
    }
    const tags = await listTags(t, keys, REGION, inst, 'team-a', 'app');
    expect(tags.map((x) => x.Tag).sort()).toEqual(['multi', 'single']);
    expect(tags.find((x) => x.Tag === 'multi')?.Digest).toBe(index.digest.slice(7));
  });

  it('pushes into the Personal Edition registry with GET /tokens credentials; the tag shows in GetRepoTags', async () => {
    await t.admin('POST', '/_emulator/crpe/estates', { uid: '1212121212121212', region: REGION, namespaces: [{ name: 'legacy', autoCreate: true }] });
    // An OCI layout lists OCI manifests; skopeo converts to Docker schema 2 on the way (--format).
    const img = makeImage('skopeo-pe', { layers: 2, oci: true, gzip: true });
    const src = join(work, 'pe');
    await writeLayout(src, [imageRef('v1', img)]);
    const host = await registryOf(t, `personal=${REGION}`);
    const login = await peLogin(t, keys, REGION);
    await skopeo(['copy', '--format', 'v2s2', '--dest-tls-verify=false', '--dest-creds', creds(login), `oci:${src}:v1`, `docker://${host}/legacy/web:v1`]);
    const tags = await t.callRoa(REGION, 'GetRepoTags', 'GET', '/repos/legacy/web/tags', keys);
    const list = (tags['data'] as { tags: { tag: string; digest: string; imageSize: number }[] }).tags;
    expect(list).toHaveLength(1);
    expect(list[0]?.tag).toBe('v1');
    const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', '--creds', creds(login), `docker://${host}/legacy/web:v1`]);
    expect(list[0]?.digest).toBe(sha(raw.stdout).slice(7));
    // Wrong credentials: skopeo reports the registry's refusal.
    await expect(skopeo(['inspect', '--raw', '--tls-verify=false', '--creds', 'cr_temp_user:wrong', `docker://${host}/legacy/web:v1`])).rejects.toThrow(/401|unauthorized|authentication/i);
  });
});
