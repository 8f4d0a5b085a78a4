/**
 * A real registry client against the emulated registries: skopeo (containers/image, the library
 * image-syncer is built on) pushes OCI layouts into an EE instance and a Personal Edition registry
 * over plain http with the temporary credentials, and pulls them back byte for byte. Runs when
 * skopeo is installed (Debian package `skopeo`; .ci/run installs it), skipped otherwise.
 * Images and skopeo plumbing: test/support/images.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import {
  eeRegistry,
  hasSkopeo,
  makeImage,
  makeIndex,
  makeLayer,
  peRegistry,
  pullProblems,
  pushArtifact,
  pushFromLayout,
  rawManifest,
  sha256,
  SKOPEO_SKIP_REASON,
  skopeo,
  writeAuthFile,
  writeLayout,
} from '../../support/images.js';
import { buyInstance, startCrEmulator, type Clock } from '../cr/setup.js';
import { createNamespace, listTags } from './client.js';

describe.skipIf(!hasSkopeo)(`skopeo against the emulated registries${SKOPEO_SKIP_REASON}`, () => {
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
    const shared = [makeLayer('skopeo-shared', 40_000)];
    const amd = makeImage('skopeo-amd64', { layers: 3, layerBytes: 30_000, shared });
    const arm = makeImage('skopeo-arm64', { layers: 2, shared, arch: 'arm64' });
    const index = makeIndex([amd, arm]);
    const src = join(work, 'src');
    await writeLayout(src, { single: amd, multi: index });
    const reg = await eeRegistry(t, keys, REGION, inst, join(work, 'auth.json'));
    await pushFromLayout(src, 'single', reg, 'team-a/app:single');
    await pushFromLayout(src, 'multi', reg, 'team-a/app:multi');

    expect(await pullProblems(work, reg, 'team-a/app:multi', index)).toEqual([]);
    expect(await pullProblems(work, reg, 'team-a/app:single', amd)).toEqual([]);
    // The comparison can fail: another image's bytes are reported, blob by blob.
    expect((await pullProblems(work, reg, 'team-a/app:single', arm)).length).toBeGreaterThan(1);
    const tags = await listTags(t, keys, REGION, inst, 'team-a', 'app');
    expect(tags.map((x) => x.Tag).sort()).toEqual(['multi', 'single']);
    expect(tags.find((x) => x.Tag === 'multi')?.Digest).toBe(index.digest.slice(7));
  });

  it('pushes a Docker schema 2 manifest list (dir: transport) and pulls it back byte for byte', async () => {
    const amd = makeImage('skopeo-docker-amd64', { format: 'docker' });
    const arm = makeImage('skopeo-docker-arm64', { format: 'docker', arch: 'arm64' });
    const list = makeIndex([amd, arm], 'docker');
    const reg = await eeRegistry(t, keys, REGION, inst, join(work, 'auth.json'));
    await pushArtifact(work, reg, 'team-a/docker:list', list);
    expect(await pullProblems(work, reg, 'team-a/docker:list', list)).toEqual([]);
    const tags = await listTags(t, keys, REGION, inst, 'team-a', 'docker');
    expect(tags.find((x) => x.Tag === 'list')?.Digest).toBe(list.digest.slice(7));
  });

  it('pushes into the Personal Edition registry with GET /tokens credentials; the tag shows in GetRepoTags', async () => {
    await t.admin('POST', '/_emulator/crpe/estates', { uid: '1212121212121212', region: REGION, namespaces: [{ name: 'legacy', autoCreate: true }] });
    const img = makeImage('skopeo-pe', { format: 'docker' });
    const reg = await peRegistry(t, keys, REGION, join(work, 'auth.json'));
    await pushArtifact(work, reg, 'legacy/web:v1', img);
    const tags = await t.callRoa(REGION, 'GetRepoTags', 'GET', '/repos/legacy/web/tags', keys);
    const list = (tags['data'] as { tags: { tag: string; digest: string; imageSize: number }[] }).tags;
    expect(list).toHaveLength(1);
    expect(list[0]?.tag).toBe('v1');
    expect(list[0]?.digest).toBe(sha256(await rawManifest(reg, 'legacy/web:v1')).slice(7));
    // Wrong credentials: skopeo reports the registry's refusal.
    const wrong = join(work, 'wrong.json');
    await writeAuthFile(wrong, reg.host, { username: 'cr_temp_user', password: 'wrong' });
    await expect(skopeo(['inspect', '--raw', '--tls-verify=false', '--authfile', wrong, `docker://${reg.host}/legacy/web:v1`])).rejects.toThrow(/401|unauthorized|authentication/i);
  });
});
