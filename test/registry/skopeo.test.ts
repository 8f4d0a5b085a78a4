/**
 * The copy engine between real-client pushes and pulls: skopeo pushes a multi-arch OCI index and a
 * Docker schema 2 image (real tar+gzip layers) into the emulated Personal Edition registry, acrctl's
 * ImageCopier copies them into an EE instance, and skopeo pulls them back from the instance byte for
 * byte. Runs when skopeo is installed, skipped otherwise (test/support/images.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageCopier } from '../../src/registry/copy.js';
import { registryClients } from '../../src/registry/session.js';
import { eeRegistry, hasSkopeo, makeImage, makeIndex, makeLayer, peRegistry, pullProblems, pushArtifact, SKOPEO_SKIP_REASON } from '../support/images.js';
import { startEstate, type Estate } from './setup.js';

describe.skipIf(!hasSkopeo)(`ImageCopier between skopeo pushes and pulls${SKOPEO_SKIP_REASON}`, () => {
  let e: Estate;
  let work: string;
  beforeAll(async () => {
    e = await startEstate();
    work = await mkdtemp(join(tmpdir(), 'acrctl-registry-skopeo-'));
  });
  afterAll(async () => {
    await e.close();
    await rm(work, { recursive: true, force: true });
  });

  it('copies what skopeo pushed so that skopeo pulls the same bytes from the EE instance', async () => {
    const shared = [makeLayer('copy-skopeo-shared', 60_000)];
    const amd = makeImage('copy-skopeo-amd64', { layers: 2, layerBytes: 40_000, shared });
    const arm = makeImage('copy-skopeo-arm64', { layers: 1, shared, arch: 'arm64' });
    const index = makeIndex([amd, arm]);
    const docker = makeImage('copy-skopeo-docker', { format: 'docker', layers: 2 });
    const pe = await peRegistry(e.t, e.keys, 'cn-hangzhou', join(work, 'pe-auth.json'));
    await pushArtifact(work, pe, 'legacy/app:multi', index);
    await pushArtifact(work, pe, 'legacy/app:docker', docker);

    const clients = registryClients(e.cloud);
    const copier = new ImageCopier(clients);
    const [multi, single] = await Promise.all([
      copier.copy({ target: e.pe, image: { repo: 'legacy/app', reference: 'multi' } }, { target: e.hz, repo: 'team-a/app', tag: 'multi' }, { overwrite: false }),
      copier.copy({ target: e.pe, image: { repo: 'legacy/app', reference: 'docker' } }, { target: e.hz, repo: 'team-a/app', tag: 'docker' }, { overwrite: false }),
    ]);
    expect(multi).toMatchObject({ outcome: 'copied', digest: index.digest, manifests: 3 });
    expect(single).toMatchObject({ outcome: 'copied', digest: docker.digest, manifests: 1 });

    const ee = await eeRegistry(e.t, e.keys, 'cn-hangzhou', (e.hz as { instanceId: string }).instanceId, join(work, 'ee-auth.json'));
    expect(await pullProblems(work, ee, 'team-a/app:multi', index)).toEqual([]);
    expect(await pullProblems(work, ee, 'team-a/app:docker', docker)).toEqual([]);

    // A second run finds both tags at their digests and moves nothing.
    const again = await copier.copy({ target: e.pe, image: { repo: 'legacy/app', reference: 'multi' } }, { target: e.hz, repo: 'team-a/app', tag: 'multi' }, { overwrite: false });
    expect(again).toMatchObject({ outcome: 'skipped-same-digest', bytesMoved: 0 });
  });
});
