/**
 * Upload session expiry in both blob stores, with an injected clock: an idle session is discarded
 * on lookup and by the sweep (its partial bytes deleted from disk); one with a chunk still arriving
 * never expires; finished blobs are never touched.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DirBlobStore, MemoryBlobStore, type BlobStore } from '../../../src/emulator/registry/blobstore.js';

const IDLE = 60_000;
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function stores(clock: { now: number }): Promise<[string, BlobStore, string | undefined][]> {
  const dir = await mkdtemp(join(tmpdir(), 'acrctl-blobstore-'));
  dirs.push(dir);
  const expiry = { now: () => clock.now, idleMs: () => IDLE };
  return [
    ['memory', new MemoryBlobStore(expiry), undefined],
    ['directory', new DirBlobStore(dir, expiry), dir],
  ];
}

describe('upload expiry', () => {
  it('an idle session is unknown after the idle time; activity keeps one alive', async () => {
    const clock = { now: 1_000_000 };
    for (const [name, store] of await stores(clock)) {
      const idle = store.startUpload('ee:cri-1', 'ns/repo');
      const busy = store.startUpload('ee:cri-1', 'ns/repo');
      await store.append(idle.uuid, Readable.from([Buffer.from('abc')]));
      clock.now += IDLE - 1;
      expect(store.upload(busy.uuid), `${name}: a lookup just inside the window`).toBeDefined();
      clock.now += 2;
      expect(store.upload(idle.uuid), `${name}: idle for IDLE + 1 ms`).toBeUndefined();
      expect(store.upload(busy.uuid), `${name}: looked up 2 ms ago`).toBeDefined();
      clock.now += IDLE + 1;
      expect(store.upload(busy.uuid), `${name}: now idle too`).toBeUndefined();
    }
  });

  it('the sweep discards sessions nobody looks up again, and deletes their bytes on disk', async () => {
    const clock = { now: 5_000_000 };
    const [, [, store, dir]] = (await stores(clock)) as [unknown, [string, BlobStore, string]];
    const s = store.startUpload('ee:cri-1', 'ns/repo');
    await store.append(s.uuid, Readable.from([Buffer.from('partial bytes')]));
    expect(await readdir(join(dir, 'uploads'))).toEqual([s.uuid]);
    clock.now += IDLE + 1;
    const next = store.startUpload('ee:cri-1', 'ns/repo');
    // The sweep (run by startUpload) deletes the file in the background: wait for it, boundedly.
    for (let i = 0; i < 400 && (await readdir(join(dir, 'uploads'))).length > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await readdir(join(dir, 'uploads')), 'the swept session’s bytes are gone before anyone looked it up again').toEqual([]);
    expect(store.upload(next.uuid), 'the new session is live').toBeDefined();
    await store.close();
  });

  it('a session receiving a chunk never expires, however long the chunk takes', async () => {
    const clock = { now: 9_000_000 };
    for (const [name, store] of await stores(clock)) {
      const s = store.startUpload('pe:cn-hangzhou', 'ns/repo');
      const body = new PassThrough();
      const appending = store.append(s.uuid, body);
      body.write(Buffer.from('slow'));
      clock.now += 10 * IDLE;
      expect(store.upload(s.uuid), `${name}: mid-chunk`).toBeDefined();
      body.end(Buffer.from(' chunk'));
      expect(await appending).toBe(10);
      expect(await store.finish(s.uuid, 'sha256:0000000000000000000000000000000000000000000000000000000000000000')).toHaveProperty('mismatch');
    }
  });
});
