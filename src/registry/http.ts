/**
 * The registry transport: a fetch-shaped function (web `Response` out, streams in both directions)
 * on `node:http` / `node:https` with keep-alive agents.
 *
 * Why not the built-in fetch: on Node 20 its undici keeps the chunks of a streamed request body
 * reachable until the request completes. It does pace the producer (the gap between bytes pulled
 * and bytes received stayed near 5 MB), but a 200 MB upload still grew ArrayBuffers by the whole
 * 200 MB even with a forced GC every 5 ms, which breaks the streaming rule. `node:http` with
 * `stream.pipeline` lets each chunk go once written (under 2 MB for the same upload; see
 * bench/registry-copy.ts for the copy figures). Downloads are handed out as web streams
 * (`Readable.toWeb`, made on the first read), which pause the socket while the consumer is behind.
 * Blobs take a shorter way: a request body may be a node `Readable`, and {@link nodeBody} hands out
 * a response's `IncomingMessage` itself when nothing has read its web body, so a blob goes socket →
 * hash → socket in node streams (piping 2 GB through web-stream adapters took 0.7–1.4 s more CPU and
 * about 30% more wall time here, on two cores the client shares with the registry).
 *
 * Contract: resolves when the answer's headers arrive (any status); rejects on a broken
 * connection, an abort (`signal`), or — for a streamed body — with the body stream's own error
 * (so a digest mismatch found while streaming surfaces as itself, and the request is destroyed
 * before it completes). `redirect: 'follow'` follows up to 5 redirects of bodiless requests and
 * drops `Authorization` when the origin changes (blobs may be served from object storage).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FetchLike } from './client.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export interface HttpTransportOptions {
  /** Sockets per origin (default 32: above the copier's default concurrency plus manifest traffic). */
  readonly maxSockets?: number;
  /**
   * A connection silent this long (no byte either way, answer or body) is destroyed with an
   * `ETIMEDOUT` error, which the copier retries. Default 60 s.
   */
  readonly idleTimeoutMs?: number;
}

export type HttpTransport = FetchLike & {
  /** Closes the idle keep-alive sockets (idle sockets never keep the process alive anyway). */
  close(): void;
};

/** A transport with its own keep-alive agents. */
export function httpTransport(opts: HttpTransportOptions = {}): HttpTransport {
  const maxSockets = opts.maxSockets ?? 32;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets }), https: new HttpsAgent({ keepAlive: true, maxSockets }) };
  const once = (url: URL, init: Parameters<FetchLike>[1]): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const https = url.protocol === 'https:';
      if (!https && url.protocol !== 'http:') {
        reject(new TypeError(`unsupported protocol ${url.protocol}`));
        return;
      }
      const headers: Record<string, string> = { ...((init.headers as Record<string, string> | undefined) ?? {}) };
      const body = init.body as Uint8Array | string | ReadableStream<Uint8Array> | Readable | null | undefined;
      const method = (init.method ?? 'GET').toUpperCase();
      if ((typeof body === 'string' || body instanceof Uint8Array) && headers['content-length'] === undefined) {
        headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      }
      const options = {
        method,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers,
        agent: https ? agents.https : agents.http,
      };
      // The signal is watched here rather than handed to node:http, whose listener outlives some
      // requests (a HEAD's stayed until the socket's next request): one listener per request, removed
      // when the request closes (its answer read or abandoned, or the connection gone).
      const signal = init.signal ?? undefined;
      if (signal?.aborted === true) {
        reject(abortError(signal));
        return;
      }
      let bodyError: unknown;
      let settled = false;
      let answer: IncomingMessage | undefined;
      const req = (https ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
        settled = true;
        answer = res;
        resolve(toResponse(res, method));
      });
      if (signal !== undefined) {
        const onAbort = (): void => {
          const err = abortError(signal);
          bodyError ??= err;
          answer?.destroy(err);
          req.destroy(err);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.setTimeout(idleTimeoutMs, () => {
        req.destroy(Object.assign(new Error(`no data for ${idleTimeoutMs} ms from ${url.host}`), { code: 'ETIMEDOUT' }));
      });
      req.on('error', (err) => {
        if (settled) return;
        settled = true;
        reject(bodyError ?? err);
      });
      if (body instanceof ReadableStream || body instanceof Readable) {
        const source = body instanceof Readable ? body : Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
        pipeline(source, req).catch((err: unknown) => {
          bodyError ??= err;
          req.destroy(err instanceof Error ? err : new Error(String(err)));
          if (!settled) {
            settled = true;
            reject(bodyError);
          }
        });
      } else if (body !== undefined && body !== null) {
        req.end(body);
      } else {
        req.end();
      }
    });

  const transport: FetchLike = async (input, init) => {
    let url = new URL(input);
    let current = init;
    for (let hop = 0; ; hop++) {
      const res = await once(url, current);
      const location = res.headers.get('location');
      if (init.redirect !== 'follow' || !REDIRECTS.has(res.status) || location === null || isStream(current.body) || hop >= MAX_REDIRECTS) return res;
      await res.arrayBuffer().catch(() => undefined);
      const next = new URL(location, url);
      const headers = { ...((current.headers as Record<string, string> | undefined) ?? {}) };
      if (next.origin !== url.origin) delete headers['authorization'];
      const method = res.status === 303 || ((res.status === 301 || res.status === 302) && current.method === 'POST') ? 'GET' : (current.method ?? 'GET');
      const { body: _drop, ...rest } = current;
      current = { ...rest, method, headers, ...(method === current.method && current.body !== undefined ? { body: current.body } : {}) };
      url = next;
    }
  };
  return Object.assign(transport, {
    close(): void {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}

/** What an aborted request rejects with (the name fetch uses, so callers can tell it apart). */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('the request was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

function toResponse(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else headers.set(k, v);
  }
  const status = res.statusCode ?? 502;
  const bodiless = method === 'HEAD' || status === 204 || status === 304 || status < 200;
  if (bodiless) {
    res.resume();
    return new Response(null, { status: status < 200 ? 502 : status, headers });
  }
  // The web body is made on its first read (highWaterMark 0: nothing is pulled before), so that
  // nodeBody can still take the IncomingMessage whole. Until someone reads, a broken connection is
  // kept in `res.errored` (the reader gets it) rather than thrown as an unhandled 'error'.
  res.on('error', () => undefined);
  let web: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        web ??= (Readable.toWeb(res) as ReadableStream<Uint8Array>).getReader();
        const r = await web.read();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      async cancel(reason) {
        if (web !== undefined) await web.cancel(reason);
        else res.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
  const response = new Response(body, { status, headers });
  raw.set(response, res);
  return response;
}

/** The IncomingMessage behind each streamed Response of a transport. */
const raw = new WeakMap<Response, IncomingMessage>();

/** True for a request body that is a stream (sent once, never re-sent or redirected). */
export function isStream(body: unknown): body is ReadableStream<Uint8Array> | Readable {
  return body instanceof ReadableStream || body instanceof Readable;
}

/**
 * A response's body as a node stream: the IncomingMessage itself when the Response came from this
 * transport and nothing has read it (its web body is locked, so nothing can), else an adapter over
 * the web body (any other fetch).
 */
export function nodeBody(res: Response): Readable {
  const msg = raw.get(res);
  if (res.body === null) return Readable.from([]);
  if (msg !== undefined && !res.bodyUsed && !res.body.locked) {
    raw.delete(res);
    res.body.getReader(); // locked: the web side can never read it now
    return msg;
  }
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
}
