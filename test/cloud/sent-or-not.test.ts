/**
 * Sent-or-not against real sockets on loopback (issue 19 item 1): the official runtime sends to a
 * small HTTP server that is slow, silent, closed or cuts the connection, and we check what the
 * client decided and how many requests reached the server. Budgets are shortened through the
 * session's options so the slow cases cost well under a second each.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import * as OpenApi from '@alicloud/openapi-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudApiError, type CloudProduct } from '../../src/cloud/errors.js';
import type { EndpointResolver } from '../../src/cloud/endpoints.js';
import { CloudSession } from '../../src/cloud/session.js';
import type { ClientConfig, OpenApiClientLike } from '../../src/cloud/rpc.js';

const REGION = 'cn-hangzhou';
const OK_BODY = JSON.stringify({ RequestId: 'rid-1', IsSuccess: true, Code: 'success', NamespaceName: 'team-a' });

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** An HTTP server on 127.0.0.1 whose answer to the n-th request (1-based) is chosen by `behave`. */
async function server(behave: (n: number, req: IncomingMessage, res: ServerResponse) => void): Promise<{ port: number; requests: () => number }> {
  let n = 0;
  const s: Server = createHttpServer((req, res) => {
    n++;
    const k = n;
    req.resume();
    req.on('end', () => behave(k, req, res));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  );
  return { port: (s.address() as AddressInfo).port, requests: () => n };
}

function answer(res: ServerResponse, delayMs = 0): void {
  const t = setTimeout(() => {
    if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(OK_BODY);
  }, delayMs);
  res.on('close', () => clearTimeout(t));
}

function endpoints(port: number, protocol: 'http' | 'https' = 'http'): EndpointResolver {
  return { emulated: true, resolve: () => Promise.resolve({ endpoint: `127.0.0.1:${port}`, protocol }) };
}

function session(port: number, opts: { protocol?: 'http' | 'https'; readTimeoutMs?: number; connectTimeoutMs?: number; clientFactory?: (p: CloudProduct, c: ClientConfig) => OpenApiClientLike } = {}): CloudSession {
  return new CloudSession({
    accounts: { prod: { uid: '1234567890123456', credentials: { kind: 'static', accessKeyId: 'AKID-test', accessKeySecret: 'secret-test-1234' } } },
    endpoints: endpoints(port, opts.protocol),
    retry: { maxAttempts: 3, baseDelayMs: 1 },
    sleep: () => Promise.resolve(),
    random: () => 0,
    ...(opts.readTimeoutMs !== undefined ? { readTimeoutMs: opts.readTimeoutMs } : {}),
    ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
    ...(opts.clientFactory ? { clientFactory: opts.clientFactory } : {}),
  });
}

const create = (s: CloudSession) => s.cr('prod', REGION).createNamespace({ InstanceId: 'cri-x', NamespaceName: 'team-a' });
const read = (s: CloudSession) => s.cr('prod', REGION).getNamespace({ InstanceId: 'cri-x', NamespaceName: 'team-a' });

describe('sent or not, decided by what the socket did', () => {
  it('a create slower than the connect budget succeeds with one request: the connect timeout stops at the connection', async () => {
    const srv = await server((_n, _req, res) => answer(res, 600));
    const s = session(srv.port, { connectTimeoutMs: 200, readTimeoutMs: 3000 });
    await expect(create(s)).resolves.toMatchObject({ IsSuccess: true });
    expect(srv.requests()).toBe(1);
  });

  it("the runtime's own ConnectTimeout after the request was written is outcome-unknown and never re-sent", async () => {
    // The configuration acrctl used to have: the runtime's connectTimeout (a socket idle timeout)
    // shorter than the answer takes. The runtime reports `RequestTimeoutError: ConnectTimeout`.
    const srv = await server((_n, _req, res) => answer(res, 600));
    const OpenApiClient = ((OpenApi as { default: unknown }).default as { default?: unknown }).default ?? (OpenApi as { default: unknown }).default;
    const factory = (_p: CloudProduct, c: ClientConfig): OpenApiClientLike => {
      const inner = new (OpenApiClient as new (config: unknown) => OpenApiClientLike)(
        new OpenApi.$OpenApiUtil.Config({ credential: c.credential, endpoint: c.endpoint, protocol: c.protocol, regionId: c.regionId, connectTimeout: 200, readTimeout: 5000 }),
      );
      // Only the client's (old) settings: this call's budgets are not passed on.
      return { callApi: (params, request) => inner.callApi(params, request, { autoretry: false } as never) };
    };
    const s = session(srv.port, { clientFactory: factory });
    const err = (await create(s).catch((e: unknown) => e)) as CloudApiError;
    expect(err).toBeInstanceOf(CloudApiError);
    expect(err.code).toBe('cloud.outcome-unknown');
    expect(err.message).toMatch(/ConnectTimeout/);
    expect(srv.requests()).toBe(1);
  });

  it('a read timeout after the request was written: a create is outcome-unknown (one request), a read is retried', async () => {
    const srv = await server((_n, _req, res) => answer(res, 800));
    const s = session(srv.port, { connectTimeoutMs: 200, readTimeoutMs: 300 });
    const err = (await create(s).catch((e: unknown) => e)) as CloudApiError;
    expect(err.code).toBe('cloud.outcome-unknown');
    expect(err.message).toMatch(/ReadTimeout/);
    expect(srv.requests()).toBe(1);
    const before = srv.requests();
    const readErr = (await read(s).catch((e: unknown) => e)) as CloudApiError;
    expect(readErr.code).toBe('cloud.retryable');
    expect(srv.requests() - before).toBe(3);
  });

  it('a connection cut after the request arrived, on a reused keep-alive socket, is outcome-unknown', async () => {
    const srv = await server((n, _req, res) => (n === 1 ? answer(res) : res.socket?.destroy()));
    const s = session(srv.port);
    await read(s);
    const err = (await create(s).catch((e: unknown) => e)) as CloudApiError;
    expect(err.code).toBe('cloud.outcome-unknown');
    expect(srv.requests()).toBe(2);
  });

  it('a refused connection was never sent: a create is retried', async () => {
    // A port that was just free: nothing listens there.
    const probe = createTcpServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const s = session(port);
    const err = (await create(s).catch((e: unknown) => e)) as CloudApiError;
    expect(err.code).toBe('cloud.retryable');
    expect(err.transport).toBe('not-sent');
    expect(err.attempts).toBe(3);
  });

  it('a TLS handshake that never completes hits the connect deadline: nothing was written, the create is retried', async () => {
    // A TCP server that accepts and stays silent: the client's TLS handshake never finishes, so no
    // HTTP byte can leave. The server sees only the TLS ClientHello (first byte 0x16).
    const firstBytes: number[] = [];
    const sockets = new Set<Socket>();
    const tcp: TcpServer = createTcpServer((sock) => {
      sockets.add(sock);
      sock.once('data', (d: Buffer) => firstBytes.push(d[0] ?? -1));
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          for (const x of sockets) x.destroy();
          tcp.close(() => r());
        }),
    );
    const s = session((tcp.address() as AddressInfo).port, { protocol: 'https', connectTimeoutMs: 150, readTimeoutMs: 5000 });
    const err = (await create(s).catch((e: unknown) => e)) as CloudApiError;
    expect(err.code).toBe('cloud.retryable');
    expect(err.transport).toBe('not-sent');
    expect(err.vendorCode).toBe('ACRCTL_CONNECT_TIMEOUT');
    expect(err.attempts).toBe(3);
    expect(sockets.size).toBe(3);
    expect(firstBytes.every((b) => b === 0x16)).toBe(true);
  });
});
