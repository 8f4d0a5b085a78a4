/**
 * The copy engine against a real emulator on loopback: Personal Edition → EE and EE → EE copies of
 * Docker schema 2, OCI and multi-arch images, the overwrite rule, and what moves (blobs already in
 * the target, mounts, shared blobs across concurrent copies), counted on the clients' request counter
 * and on a log of the requests sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEndpoints } from '../../src/cloud/endpoints.js';
import { CloudSession } from '../../src/cloud/session.js';
import { ImageCopier } from '../../src/registry/copy.js';
import { RegistryError } from '../../src/registry/errors.js';
import { registryClients, type RegistryClients } from '../../src/registry/session.js';
import type { FetchLike } from '../../src/registry/client.js';
import { httpTransport } from '../../src/registry/http.js';

/** The production transport, wrapped by the tests that watch requests. */
const transport = httpTransport();
import { makeImage, makeIndex, MT } from '../emulator/registry/client.js';
import { blobsMatch, pushImage, readManifest, sha, startEstate, UID, type Estate } from './setup.js';

let e: Estate;
beforeAll(async () => {
  e = await startEstate();
});
afterAll(async () => e.close());

/** Registry clients whose every request is logged as `METHOD path` (query included). */
function logged(): { clients: RegistryClients; log: string[] } {
  const log: string[] = [];
  const fetchFn: FetchLike = (input, init) => {
    const u = new URL(input);
    log.push(`${init.method ?? 'GET'} ${u.pathname}${u.search}`);
    return transport(input, init);
  };
  return { clients: registryClients(e.cloud, { fetch: fetchFn }), log };
}

function uploads(log: string[]): string[] {
  return log.filter((l) => /^(PUT|PATCH) \/v2\/[^/]+\/[^/]+\/blobs\/uploads\//.test(l) || /^POST .*\/blobs\/uploads\/\?digest=/.test(l));
}

describe('copying one image', () => {
  it('copies a Docker schema 2 image from Personal Edition to EE byte for byte', async () => {
    const src = await e.client(e.pe);
    const img = makeImage('schema2', { layers: 3 });
    await pushImage(src, 'legacy/api', img, 'v1');
    const { clients } = logged();
    const copier = new ImageCopier(clients);
    let progressed = 0;
    const r = await copier.copy({ target: e.pe, image: { repo: 'legacy/api', reference: 'v1' } }, { target: e.hz, repo: 'team-a/api', tag: 'v1' }, {
      overwrite: false,
      onProgress: (p) => (progressed += p.bytes),
    });
    const blobBytes = img.config.length + img.layers.reduce((n, l) => n + l.length, 0);
    expect(r).toEqual({
      outcome: 'copied',
      digest: img.digest,
      mediaType: MT.dockerManifest,
      bytesTotal: blobBytes + img.manifest.length,
      bytesMoved: blobBytes,
      blobs: { copied: 4, skipped: 0, mounted: 0 },
      manifests: 1,
    });
    expect(progressed).toBe(blobBytes);
    const dst = await e.client(e.hz);
    const back = await readManifest(dst, 'team-a/api', 'v1');
    expect(back.status).toBe(200);
    expect(back.bytes.equals(img.manifest)).toBe(true);
    expect(back.digest).toBe(img.digest);
    expect(await blobsMatch(dst, 'team-a/api', img)).toBe(true);
  });

  it('copies an OCI image and reports the same digest through inspect on both sides', async () => {
    const src = await e.client(e.pe);
    const img = makeImage('oci', { oci: true, layers: 2 });
    await pushImage(src, 'legacy/oci', img, '1.0');
    const copier = new ImageCopier(registryClients(e.cloud));
    const r = await copier.copy({ target: e.pe, image: { repo: 'legacy/oci', reference: '1.0' } }, { target: e.hz, repo: 'team-a/oci', tag: '1.0' }, { overwrite: false });
    expect(r.outcome).toBe('copied');
    expect(r.mediaType).toBe(MT.ociManifest);
    const a = await copier.inspect(e.pe, { repo: 'legacy/oci', reference: '1.0' });
    const b = await copier.inspect(e.hz, { repo: 'team-a/oci', reference: '1.0' });
    expect(a).toEqual({ digest: img.digest, mediaType: MT.ociManifest, bytesTotal: r.bytesTotal });
    expect(b).toEqual(a);
    expect(await copier.inspect(e.hz, { repo: 'team-a/oci', reference: 'nope' })).toBeUndefined();
    expect(await copier.inspect(e.hz, { repo: 'team-a/never', reference: '1.0' })).toBeUndefined();
  });

  it('copies a multi-arch index: every child (by digest) before the index, blobs before their manifest', async () => {
    const src = await e.client(e.pe);
    const shared = makeImage('base', { layers: 1 }).layers;
    const kids = [makeImage('amd', { oci: true, shared }), makeImage('arm', { oci: true, shared }), makeImage('s390', { oci: true, shared })];
    for (const k of kids) await pushImage(src, 'legacy/multi', k, `k-${k.digest.slice(7, 15)}`);
    const index = makeIndex(kids, true);
    const put = await src.putManifest('legacy/multi', 'v2', index.bytes, index.mediaType);
    expect(put.status).toBe(201);
    const { clients, log } = logged();
    const r = await new ImageCopier(clients).copy({ target: e.pe, image: { repo: 'legacy/multi', reference: 'v2' } }, { target: e.hz, repo: 'team-a/multi', tag: 'v2' }, { overwrite: false });
    expect(r.outcome).toBe('copied');
    expect(r.digest).toBe(index.digest);
    expect(r.mediaType).toBe(MT.ociIndex);
    expect(r.manifests).toBe(4);
    // The shared layer moves once although three children reference it: the other two skip it.
    const distinct = new Set(kids.flatMap((k) => [k.config, ...k.layers].map((b) => sha(b))));
    expect(r.blobs).toEqual({ copied: distinct.size, skipped: 2, mounted: 0 });
    const manifestPuts = log.filter((l) => l.startsWith('PUT /v2/team-a/multi/manifests/'));
    expect(manifestPuts).toHaveLength(4);
    expect(manifestPuts.at(-1)).toBe('PUT /v2/team-a/multi/manifests/v2');
    for (const k of kids) {
      const at = log.indexOf(`PUT /v2/team-a/multi/manifests/${k.digest}`);
      expect(at).toBeGreaterThanOrEqual(0);
      // Every blob upload of that child finished before its manifest was written.
      for (const b of [k.config, ...k.layers]) {
        const up = log.findIndex((l) => l.startsWith('PUT /v2/team-a/multi/blobs/uploads/') && l.includes(encodeURIComponent(sha(b))));
        expect(up).toBeGreaterThanOrEqual(0);
        expect(up).toBeLessThan(at);
      }
    }
    const dst = await e.client(e.hz);
    const back = await readManifest(dst, 'team-a/multi', 'v2');
    expect(back.bytes.equals(index.bytes)).toBe(true);
    for (const k of kids) expect((await readManifest(dst, 'team-a/multi', k.digest)).bytes.equals(k.manifest)).toBe(true);
    const bytesTotal = index.bytes.length + kids.reduce((n, k) => n + k.manifest.length + k.config.length + k.layers.reduce((m, l) => m + l.length, 0), 0);
    expect(r.bytesTotal).toBe(bytesTotal);
  });

  it('copies a Docker manifest list the same way', async () => {
    const src = await e.client(e.pe);
    const kids = [makeImage('list-amd'), makeImage('list-arm')];
    for (const k of kids) await pushImage(src, 'legacy/list', k, `k-${k.digest.slice(7, 15)}`);
    const list = makeIndex(kids, false);
    expect((await src.putManifest('legacy/list', 'latest', list.bytes, list.mediaType)).status).toBe(201);
    const r = await new ImageCopier(registryClients(e.cloud)).copy({ target: e.pe, image: { repo: 'legacy/list', reference: 'latest' } }, { target: e.bj, repo: 'team-a/list', tag: 'latest' }, { overwrite: false });
    expect(r).toMatchObject({ outcome: 'copied', digest: list.digest, mediaType: MT.dockerList, manifests: 3 });
    expect((await readManifest(await e.client(e.bj), 'team-a/list', 'latest')).bytes.equals(list.bytes)).toBe(true);
  });
});

describe('the overwrite rule', () => {
  it('skips a tag already at the source digest without uploading anything', async () => {
    const src = await e.client(e.pe);
    const img = makeImage('same');
    await pushImage(src, 'legacy/same', img, 'v1');
    await pushImage(await e.client(e.hz), 'team-a/same', img, 'v1');
    const { clients, log } = logged();
    const r = await new ImageCopier(clients).copy({ target: e.pe, image: { repo: 'legacy/same', reference: 'v1' } }, { target: e.hz, repo: 'team-a/same', tag: 'v1' }, { overwrite: true });
    expect(r).toMatchObject({ outcome: 'skipped-same-digest', digest: img.digest, targetDigest: img.digest, bytesMoved: 0, manifests: 0, blobs: { copied: 0, skipped: 0, mounted: 0 } });
    expect(log.filter((l) => !l.startsWith('GET') && !l.startsWith('HEAD'))).toEqual([]);
    const snap = clients.requests.snapshot();
    expect(snap.byMethod['PUT'] ?? 0).toBe(0);
    expect(snap.byMethod['POST'] ?? 0).toBe(0);
  });

  it('leaves a conflicting tag untouched when overwrite is off, and replaces it when on', async () => {
    const src = await e.client(e.pe);
    const dst = await e.client(e.hz);
    const mine = makeImage('conflict-src');
    const theirs = makeImage('conflict-dst');
    await pushImage(src, 'legacy/conflict', mine, 'v1');
    await pushImage(dst, 'team-a/conflict', theirs, 'v1');
    const off = logged();
    const r1 = await new ImageCopier(off.clients).copy({ target: e.pe, image: { repo: 'legacy/conflict', reference: 'v1' } }, { target: e.hz, repo: 'team-a/conflict', tag: 'v1' }, { overwrite: false });
    expect(r1).toMatchObject({ outcome: 'skipped-conflict', digest: mine.digest, targetDigest: theirs.digest, bytesMoved: 0, manifests: 0 });
    expect(off.log.filter((l) => !l.startsWith('GET') && !l.startsWith('HEAD'))).toEqual([]);
    expect(off.log.some((l) => l.includes('/blobs/'))).toBe(false);
    expect((await readManifest(dst, 'team-a/conflict', 'v1')).digest).toBe(theirs.digest);

    const r2 = await new ImageCopier(registryClients(e.cloud)).copy({ target: e.pe, image: { repo: 'legacy/conflict', reference: 'v1' } }, { target: e.hz, repo: 'team-a/conflict', tag: 'v1' }, { overwrite: true });
    expect(r2).toMatchObject({ outcome: 'overwritten', digest: mine.digest, targetDigest: theirs.digest, manifests: 1 });
    expect((await readManifest(dst, 'team-a/conflict', 'v1')).digest).toBe(mine.digest);
  });
});

describe('what moves', () => {
  it('never uploads blobs the target repository already has', async () => {
    const src = await e.client(e.pe);
    const dst = await e.client(e.hz);
    const v1 = makeImage('reuse-1', { layers: 3 });
    // v2 shares v1's layers and adds one: only its config and new layer may move.
    const v2 = makeImage('reuse-2', { layers: 1, shared: v1.layers });
    await pushImage(src, 'legacy/reuse', v1, 'v1');
    await pushImage(src, 'legacy/reuse', v2, 'v2');
    await pushImage(dst, 'team-a/reuse', v1, 'v1');
    const { clients, log } = logged();
    const r = await new ImageCopier(clients).copy({ target: e.pe, image: { repo: 'legacy/reuse', reference: 'v2' } }, { target: e.hz, repo: 'team-a/reuse', tag: 'v2' }, { overwrite: false });
    expect(r.blobs).toEqual({ copied: 2, skipped: 3, mounted: 0 });
    expect(r.bytesMoved).toBe(v2.config.length + (v2.layers[3]?.length ?? -1));
    expect(uploads(log)).toHaveLength(2);
    const snap = clients.requests.snapshot();
    expect(snap.byOperation['upload.put']).toBe(2);
    expect(snap.byOperation['upload.patch'] ?? 0).toBe(0);
    expect(snap.byOperation['blob.get']).toBe(2);
  });

  it('mounts blobs from another repository of the same registry instead of uploading them', async () => {
    const dst = await e.client(e.hz);
    const img = makeImage('mount-me', { layers: 2 });
    await pushImage(dst, 'team-b/origin', img, 'v1');
    const { clients, log } = logged();
    // EE → same EE: every blob is in the source repository, so all of them mount.
    const r = await new ImageCopier(clients).copy({ target: e.hz, image: { repo: 'team-b/origin', reference: 'v1' } }, { target: e.hz, repo: 'team-a/mounted', tag: 'v1' }, { overwrite: false });
    expect(r.blobs).toEqual({ copied: 0, skipped: 0, mounted: 3 });
    expect(r.bytesMoved).toBe(0);
    expect(uploads(log)).toEqual([]);
    expect(log.filter((l) => l.includes('?mount='))).toHaveLength(3);
    expect(log.some((l) => l.startsWith('GET /v2/team-b/origin/blobs/'))).toBe(false);
    expect(await blobsMatch(dst, 'team-a/mounted', img)).toBe(true);
  });

  it('moves a blob shared by concurrent copies once: uploaded to one repository, mounted into the others', async () => {
    const src = await e.client(e.pe);
    const base = makeImage('big-base', { layers: 2, layerBytes: 200_000 }).layers;
    const imgs = [0, 1, 2, 3].map((i) => makeImage(`app-${i}`, { layers: 1, shared: base }));
    for (const [i, img] of imgs.entries()) await pushImage(src, `old/app${i}`, img, 'v1');
    const { clients, log } = logged();
    const copier = new ImageCopier(clients, { concurrency: 3 });
    const results = await Promise.all(
      imgs.map((_, i) => copier.copy({ target: e.pe, image: { repo: `old/app${i}`, reference: 'v1' } }, { target: e.bj, repo: `team-a/app${i}`, tag: 'v1' }, { overwrite: false })),
    );
    for (const baseLayer of base) {
      const d = encodeURIComponent(sha(baseLayer));
      // One upload of each base layer in the whole run; the other three repositories mount it.
      expect(uploads(log).filter((l) => l.includes(d))).toHaveLength(1);
      expect(log.filter((l) => l.includes(`mount=${d}`))).toHaveLength(3);
      expect(log.filter((l) => l.startsWith('GET /v2/old/') && l.endsWith(sha(baseLayer)))).toHaveLength(1);
    }
    const totals = results.reduce((a, r) => ({ copied: a.copied + r.blobs.copied, mounted: a.mounted + r.blobs.mounted }), { copied: 0, mounted: 0 });
    expect(totals).toEqual({ copied: 2 + 4 * 2, mounted: 6 });
    const dst = await e.client(e.bj);
    for (const [i, img] of imgs.entries()) expect(await blobsMatch(dst, `team-a/app${i}`, img)).toBe(true);
  });

  it('moves a blob shared by concurrent copies into one repository once', async () => {
    const src = await e.client(e.pe);
    const base = makeImage('one-repo-base', { layers: 1, layerBytes: 100_000 }).layers;
    const imgs = [0, 1, 2].map((i) => makeImage(`one-repo-${i}`, { layers: 1, shared: base }));
    for (const [i, img] of imgs.entries()) await pushImage(src, 'old/onerepo', img, `v${i}`);
    const { clients, log } = logged();
    const copier = new ImageCopier(clients);
    const results = await Promise.all(imgs.map((_, i) => copier.copy({ target: e.pe, image: { repo: 'old/onerepo', reference: `v${i}` } }, { target: e.hz, repo: 'team-b/onerepo', tag: `v${i}` }, { overwrite: false })));
    expect(uploads(log).filter((l) => l.includes(encodeURIComponent(sha(base[0] as Buffer))))).toHaveLength(1);
    expect(results.reduce((n, r) => n + r.blobs.copied, 0)).toBe(1 + 3 * 2);
    expect(results.reduce((n, r) => n + r.blobs.skipped, 0)).toBe(2);
  });
});

describe('refusals', () => {
  it('says to create the repository (or turn on autoCreateRepo) when the target namespace does not create repositories', async () => {
    const img = makeImage('locked');
    await pushImage(await e.client(e.pe), 'legacy/locked', img, 'v1');
    const err = await new ImageCopier(registryClients(e.cloud))
      .copy({ target: e.pe, image: { repo: 'legacy/locked', reference: 'v1' } }, { target: e.hz, repo: 'locked/api', tag: 'v1' }, { overwrite: false })
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ code: 'registry.http', registryCode: 'NAME_UNKNOWN', status: 404 });
    expect((err as RegistryError).message).toMatch(/to locked\/api failed on instance acme-hz \(cri-[a-z0-9]+, cn-hangzhou\): HTTP 404 NAME_UNKNOWN/);
    expect((err as RegistryError).hint).toMatch(/autoCreateRepo/);
  });

  it('uploads instead of mounting when the other repository of a shared Personal Edition registry belongs to another account', async () => {
    const OTHER = '2000000000000002';
    const keysB = await e.t.account(OTHER);
    await e.t.admin('POST', '/_emulator/crpe/estates', { uid: OTHER, region: 'cn-hangzhou', namespaces: [{ name: 'bravo', autoCreate: true }] });
    const cloud = new CloudSession({
      accounts: {
        prod: { uid: UID, credentials: { kind: 'static', accessKeyId: e.keys.accessKeyId, accessKeySecret: e.keys.accessKeySecret } },
        other: { uid: OTHER, credentials: { kind: 'static', accessKeyId: keysB.accessKeyId, accessKeySecret: keysB.accessKeySecret } },
      },
      endpoints: emulatorEndpoints(e.t.url),
    });
    const img = makeImage('cross-account', { layers: 2 });
    await pushImage(await e.client(e.pe), 'legacy/shared', img, 'v1');
    const log: string[] = [];
    const clients = registryClients(cloud, { fetch: (input, init) => (log.push(`${init.method ?? 'GET'} ${new URL(input).pathname}${new URL(input).search}`), transport(input, init)) });
    const r = await new ImageCopier(clients).copy(
      { target: e.pe, image: { repo: 'legacy/shared', reference: 'v1' } },
      { target: { kind: 'pe', account: 'other', region: 'cn-hangzhou' }, repo: 'bravo/shared', tag: 'v1' },
      { overwrite: false },
    );
    // Same registry, so a mount is tried first; account B may not pull A's repository, so it uploads.
    expect(log.filter((l) => l.includes('?mount='))).toHaveLength(3);
    expect(r.blobs).toEqual({ copied: 3, skipped: 0, mounted: 0 });
    await cloud.close();
  });
});
