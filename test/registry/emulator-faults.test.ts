/**
 * The copy engine under faults injected by the emulator itself (no proxy): seeded 429s, 503s and
 * dropped connections on every registry operation of both the source and the target — drops
 * after the handler on uploads and manifest PUTs, so some writes land although the copier never
 * hears of it — and the copy still ends byte for byte. Backoff sleeps are recorded, not waited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallLogEntry } from '../../src/emulator/core/calllog.js';
import { ImageCopier } from '../../src/registry/copy.js';
import { registryClients } from '../../src/registry/session.js';
import { makeImage, makeIndex } from '../emulator/registry/client.js';
import { blobsMatch, pushImage, readManifest, startEstate, type Estate } from './setup.js';

let e: Estate;
beforeAll(async () => {
  e = await startEstate();
});
afterAll(async () => e.close());

/** 20% refusals (half 429 with Retry-After, half 503) and 5% drops on every registry request. */
const FAULTS = {
  seed: 2026,
  products: { registry: { throttleRate: 0.1, unavailableRate: 0.1, dropRate: 0.05, retryAfter: 1 } },
  // Writes that are dropped after the handler ran: the blob or manifest is committed, the answer lost.
  actions: {
    'registry:PatchUpload': { dropPhase: 'after' },
    'registry:PutUpload': { dropPhase: 'after' },
    'registry:PutManifest': { dropPhase: 'after' },
  },
} as const;

describe('ImageCopier against emulator-injected registry faults', () => {
  it('copies a multi-arch index and a chunk-uploaded image byte for byte with 20% 503/429 and 5% drops', async () => {
    const src = await e.client(e.pe);
    const kids = [makeImage('ef-amd64', { oci: true, layers: 3, layerBytes: 20_000 }), makeImage('ef-arm64', { oci: true, layers: 3, layerBytes: 20_000 })];
    for (const k of kids) await pushImage(src, 'legacy/faulty', k, `k-${k.digest.slice(7, 19)}`);
    const index = makeIndex(kids, true);
    expect((await src.putManifest('legacy/faulty', 'v1', index.bytes, index.mediaType)).status).toBe(201);
    const single = makeImage('ef-single', { layers: 2, layerBytes: 50_000 });
    await pushImage(src, 'legacy/chunky', single, 'v1');

    const since = (await e.t.admin<CallLogEntry[]>('GET', '/_emulator/calls')).body.at(-1)?.seq ?? 0;
    expect((await e.t.admin('PUT', '/_emulator/faults', FAULTS)).status).toBe(200);
    const clients = registryClients(e.cloud);
    const sleeps: number[] = [];
    const copier = new ImageCopier(clients, {
      // At 25% faults per request a transfer attempt (several requests) fails often; enough attempts
      // that giving up is out of reach (the outcome must not depend on how requests interleave).
      retry: { maxAttempts: 40 },
      chunkBytes: 16_384,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    });
    let results;
    try {
      results = await Promise.all([
        copier.copy({ target: e.pe, image: { repo: 'legacy/faulty', reference: 'v1' } }, { target: e.hz, repo: 'team-a/faulty', tag: 'v1' }, { overwrite: false }),
        copier.copy({ target: e.pe, image: { repo: 'legacy/chunky', reference: 'v1' } }, { target: e.hz, repo: 'team-a/chunky', tag: 'v1' }, { overwrite: false }),
      ]);
    } finally {
      expect((await e.t.admin('DELETE', '/_emulator/faults')).status).toBe(200);
      clients.close();
    }
    expect(results.map((r) => [r.outcome, r.digest])).toEqual([
      ['copied', index.digest],
      ['copied', single.digest],
    ]);

    // The faults happened, on both registries, and the copier retried through them.
    const log = (await e.t.admin<CallLogEntry[]>('GET', `/_emulator/calls?since=${since}`)).body.filter((c) => c.product === 'registry');
    const injected = (status: number, code: string | null): number => log.filter((c) => c.status === status && c.code === code).length;
    expect(injected(429, 'TOOMANYREQUESTS')).toBeGreaterThan(0);
    expect(injected(503, 'UNAVAILABLE')).toBeGreaterThan(0);
    expect(injected(0, 'Emulator.DroppedBeforeApply')).toBeGreaterThan(0);
    // At least one upload was committed by the registry while the copier saw a broken connection.
    expect(injected(0, 'Emulator.DroppedAfterApply')).toBeGreaterThan(0);
    expect(new Set(log.filter((c) => c.status === 429 || c.status === 503 || c.status === 0).map((c) => c.registry))).toEqual(new Set([`pe:cn-hangzhou`, `ee:${(e.hz as { instanceId: string }).instanceId}`]));
    expect(clients.requests.snapshot().retries).toBeGreaterThan(0);
    expect(sleeps.some((ms) => ms >= 1000), 'a 429’s Retry-After of 1 s was honoured').toBe(true);

    // Byte for byte: the index, each child and every blob, and the chunk-uploaded image.
    const dst = await e.client(e.hz);
    const top = await readManifest(dst, 'team-a/faulty', 'v1');
    expect([top.status, top.digest, top.bytes.equals(index.bytes)]).toEqual([200, index.digest, true]);
    for (const k of kids) {
      const child = await readManifest(dst, 'team-a/faulty', k.digest);
      expect([child.status, child.bytes.equals(k.manifest)]).toEqual([200, true]);
      expect(await blobsMatch(dst, 'team-a/faulty', k)).toBe(true);
    }
    const one = await readManifest(dst, 'team-a/chunky', 'v1');
    expect([one.status, one.digest, one.bytes.equals(single.manifest)]).toEqual([200, single.digest, true]);
    expect(await blobsMatch(dst, 'team-a/chunky', single)).toBe(true);
  });
});
