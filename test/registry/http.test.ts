/**
 * The registry transport (src/registry/http.ts) against small loopback servers: backpressure on a
 * streamed request body, the body stream's own error as the rejection, redirects (Authorization
 * kept on the same origin, dropped on another), bodiless answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getEventListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransientNetworkError } from '../../src/registry/errors.js';
import { httpTransport } from '../../src/registry/http.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.close(() => r()), s.closeAllConnections()))));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const MiB = 1024 * 1024;

function counting(total: number, chunk = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const block = new Uint8Array(chunk).fill(7);
  return {
    pulled: () => sent,
    stream: new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= total) return c.close();
        sent += block.byteLength;
        c.enqueue(block.slice());
      },
    }),
  };
}

describe('httpTransport', () => {
  it('pulls a streamed body only as fast as the receiver reads it', async () => {
    let received = 0;
    let held = false;
    let reqRef: IncomingMessage | undefined;
    const base = await serve((req, res) => {
      reqRef = req;
      req.on('data', (c: Buffer) => {
        received += c.length;
        // Read 1 MiB, then stop reading until the test resumes.
        if (!held && received >= MiB) {
          held = true;
          req.pause();
        }
      });
      req.on('end', () => res.writeHead(201).end());
    });
    const body = counting(256 * MiB);
    const t = httpTransport();
    const done = t(`${base}/upload`, { method: 'PUT', headers: { 'content-length': String(256 * MiB) }, body: body.stream });
    // Wait until the receiver holds, then until the producer stops being pulled (the socket and
    // stream buffers are full): three samples in a row without change.
    for (let i = 0; i < 400 && !held; i++) await new Promise((r) => setTimeout(r, 25));
    expect(held).toBe(true);
    let last = -1;
    for (let i = 0, same = 0; i < 400 && same < 3; i++) {
      same = body.pulled() === last ? same + 1 : 0;
      last = body.pulled();
      await new Promise((r) => setTimeout(r, 50));
    }
    // Loopback socket and stream buffers hold a few MB: the producer is paced by the receiver.
    expect(body.pulled()).toBeLessThan(64 * MiB);
    reqRef?.resume();
    const res = await done;
    expect(res.status).toBe(201);
    expect(received).toBe(256 * MiB);
    t.close();
  });

  it('rejects with the body stream own error and never completes the request', async () => {
    let ended = false;
    const base = await serve((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        ended = true;
        res.writeHead(201).end();
      });
    });
    const boom = new Error('digest mismatch found while streaming');
    let n = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (++n > 3) return c.error(boom);
        c.enqueue(new Uint8Array(1000));
      },
    });
    const t = httpTransport();
    await expect(t(`${base}/upload`, { method: 'PUT', headers: { 'content-length': '10000' }, body: stream })).rejects.toBe(boom);
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe(false);
    t.close();
  });

  it('follows redirects, keeping Authorization on the same origin and dropping it on another', async () => {
    const seen: { path: string; auth: string | undefined }[] = [];
    const storage = await serve((req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('blob-bytes');
    });
    const registry = await serve((req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      if (req.url === '/v2/ns/repo/blobs/a') return res.writeHead(307, { location: '/v2/ns/repo/blobs/b' }).end();
      return res.writeHead(307, { location: `${storage}/bucket/b?sig=1` }).end();
    });
    const t = httpTransport();
    const res = await t(`${registry}/v2/ns/repo/blobs/a`, { method: 'GET', headers: { authorization: 'Bearer tok' }, redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('blob-bytes');
    expect(seen).toEqual([
      { path: '/v2/ns/repo/blobs/a', auth: 'Bearer tok' },
      { path: '/v2/ns/repo/blobs/b', auth: 'Bearer tok' },
      { path: '/bucket/b?sig=1', auth: undefined },
    ]);
    const manual = await t(`${registry}/v2/ns/repo/blobs/a`, { method: 'GET', redirect: 'manual' });
    expect(manual.status).toBe(307);
    t.close();
  });

  it('answers HEAD and 204 without a body, with their headers', async () => {
    const base = await serve((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(200, { 'docker-content-digest': 'sha256:abc', 'content-length': '42' }).end();
      return res.writeHead(204, { range: '0-9' }).end();
    });
    const t = httpTransport();
    const head = await t(`${base}/x`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe('sha256:abc');
    expect(head.body).toBeNull();
    const empty = await t(`${base}/y`, { method: 'GET' });
    expect(empty.status).toBe(204);
    expect(empty.headers.get('range')).toBe('0-9');
    t.close();
  });

  it('rejects a connection refused as a network error', async () => {
    const t = httpTransport();
    await expect(t('http://127.0.0.1:1/v2/', { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    t.close();
  });

  it('gives up on a silent connection, before the answer or in the middle of the body, with a retryable error', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/never') return; // no answer at all
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(100)); // then silence
    });
    const t = httpTransport({ idleTimeoutMs: 150 });
    const never = await t(`${base}/never`, { method: 'GET' }).catch((x: unknown) => x);
    expect(never).toMatchObject({ code: 'ETIMEDOUT' });
    expect(isTransientNetworkError(never)).toBe(true);
    const res = await t(`${base}/stall`, { method: 'GET' });
    expect(res.status).toBe(200);
    const cut = await res.arrayBuffer().catch((x: unknown) => x);
    expect(cut).toBeInstanceOf(Error);
    expect(isTransientNetworkError(cut)).toBe(true);
    t.close();
  });

  it('leaves no abort listener on the signal once a request is done, and an abort cuts a body in flight', async () => {
    const base = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/slow') {
          res.writeHead(200, { 'content-length': '1000' });
          res.write(Buffer.alloc(100)); // the rest never comes
          return;
        }
        res.writeHead(200, { 'content-length': '5' });
        res.end(req.method === 'HEAD' ? undefined : 'hello');
      });
    });
    const t = httpTransport();
    const ac = new AbortController();
    for (const method of ['HEAD', 'GET', 'PUT', 'HEAD', 'POST']) {
      const res = await t(`${base}/x`, { method, signal: ac.signal, ...(method === 'PUT' ? { body: counting(256 * 1024).stream, duplex: 'half' as const } : {}) });
      await res.arrayBuffer();
      await new Promise((r) => setImmediate(r));
      expect(getEventListeners(ac.signal, 'abort'), method).toHaveLength(0);
    }
    const res = await t(`${base}/slow`, { method: 'GET', signal: ac.signal });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    const reading = res.arrayBuffer().catch((x: unknown) => x);
    ac.abort();
    expect(await reading).toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setImmediate(r));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    await expect(t(`${base}/x`, { method: 'GET', signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    t.close();
  });
});
