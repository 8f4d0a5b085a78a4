/**
 * A fault-injecting HTTP proxy in front of one emulated registry, on 127.0.0.1 and a free port: each
 * request is passed through unless a rule picks a fault for it — an error status (with headers and
 * a registry error body), a connection reset before the answer, a reset in the middle of an upload
 * body or of a blob download, a download that goes silent, a corrupted byte in a blob download, or
 * a canned answer (schema 1).
 * Every request is logged as `METHOD path?query`. Tests reach it through the `resolve` option of
 * `registryClients`.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly code?: string }
  | { readonly kind: 'reset' }
  | { readonly kind: 'reset-request-body'; readonly afterBytes: number }
  | { readonly kind: 'reset-response-body'; readonly afterBytes: number }
  | { readonly kind: 'corrupt-response-body' }
  | { readonly kind: 'stall-response-body'; readonly afterBytes: number }
  | { readonly kind: 'answer'; readonly status: number; readonly headers: Record<string, string>; readonly body: string };

/** Picks a fault for the n-th request (1-based, over all requests) or undefined to pass it. */
export type FaultRule = (req: { readonly method: string; readonly path: string; readonly n: number }) => Fault | undefined;

export interface FaultProxy {
  readonly base: string;
  readonly log: string[];
  /** Faults answered so far. */
  readonly injected: string[];
  rule: FaultRule;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string, rule: FaultRule = () => undefined): Promise<FaultProxy> {
  const [host, portText] = upstream.replace(/^https?:\/\//, '').split(':') as [string, string];
  const port = Number(portText);
  const log: string[] = [];
  const injected: string[] = [];
  let n = 0;
  const state = { rule };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    n++;
    log.push(`${method} ${path}`);
    const fault = state.rule({ method, path, n });
    if (fault !== undefined) injected.push(`${fault.kind} ${method} ${path}`);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      req.resume();
      req.on('end', () => {
        const body = JSON.stringify({ errors: [{ code: fault.code ?? 'UNAVAILABLE', message: 'injected by the test proxy' }] });
        res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(fault.headers ?? {}) });
        res.end(method === 'HEAD' ? undefined : body);
      });
      return;
    }
    if (fault?.kind === 'answer') {
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-length': String(Buffer.byteLength(fault.body)), ...fault.headers });
        res.end(method === 'HEAD' ? undefined : fault.body);
      });
      return;
    }
    const up = httpRequest({ host, port, method, path, headers: { ...req.headers, host: `${host}:${port}` } }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      if (fault?.kind === 'stall-response-body') {
        // Send the first bytes, then nothing more; the connection stays open until the client gives up.
        let seen = 0;
        upRes.on('data', (chunk: Buffer) => {
          if (seen >= fault.afterBytes) return;
          res.write(chunk.subarray(0, Math.max(0, fault.afterBytes - seen)));
          seen += chunk.length;
        });
        return;
      }
      if (fault?.kind === 'reset-response-body' || fault?.kind === 'corrupt-response-body') {
        let seen = 0;
        let flipped = false;
        upRes.on('data', (chunk: Buffer) => {
          if (fault.kind === 'reset-response-body' && seen + chunk.length > fault.afterBytes) {
            res.write(chunk.subarray(0, Math.max(0, fault.afterBytes - seen)));
            upRes.destroy();
            res.socket?.destroy();
            return;
          }
          if (fault.kind === 'corrupt-response-body' && !flipped && chunk.length > 0) {
            const copy = Buffer.from(chunk);
            copy[0] = (copy[0] ?? 0) ^ 0xff;
            flipped = true;
            chunk = copy;
          }
          seen += chunk.length;
          res.write(chunk);
        });
        upRes.on('end', () => res.end());
        return;
      }
      upRes.pipe(res);
    });
    up.on('error', () => res.socket?.destroy());
    if (fault?.kind === 'reset-request-body') {
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > fault.afterBytes) {
          up.destroy();
          req.socket.destroy();
          return;
        }
        up.write(chunk);
      });
      req.on('end', () => up.end());
      return;
    }
    req.pipe(up);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    log,
    injected,
    get rule() {
      return state.rule;
    },
    set rule(r: FaultRule) {
      state.rule = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
