/**
 * Sent-or-not: what this process can know about whether a request reached the wire, and the real
 * connect timeout.
 *
 * Owns: watching the HTTP requests one cloud-call attempt makes (through Node's public
 * `diagnostics_channel` `http.client.request.start`, attributed to the attempt with an
 * AsyncLocalStorage scope), recording how far the last of them got, and failing a request whose
 * socket has not connected within the connect timeout. Must not import product clients; never
 * changes what a request sends. The SDK is not patched or wrapped: the channel is Node's own
 * observation point for every `http.request`.
 *
 * Why it exists. The official runtime (`@darabonba/typescript` → `httpx`) has no connect timeout in
 * the usual sense: its `connectTimeout` becomes Node's socket *idle* timeout, which keeps running
 * after the request was written, and fires as `RequestTimeoutError: ConnectTimeout: Connect <url>
 * failed.` whatever the phase (a create slower than 5 s raised it and was wrongly taken for "never
 * sent"). Its `readTimeout` is a deadline from the socket's connect to the end of the response body
 * (`RequestTimeoutError: ReadTimeout(N)`). From the error alone nobody can tell whether the service
 * got the request; from the socket we can:
 * - `not-sent`: the last request's socket never connected (DNS failure, refused connection, or our
 *   connect deadline hit while resolving, connecting or, for HTTPS, in the TLS handshake: HTTP bytes
 *   are written only once the socket is connected and, for TLS, secure);
 * - `maybe-sent`: it connected (or was a reused keep-alive socket): anything that fails afterwards
 *   may have reached the service.
 *
 * The connect deadline: when a new socket has not connected (TLS: not finished its handshake)
 * within `connectTimeoutMs`, the request is destroyed with a {@link ConnectTimeoutError} (code
 * `ACRCTL_CONNECT_TIMEOUT`). The runtime's own timers are then set long enough not to cut a slow
 * answer short (see timeouts.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { CONNECT_TIMEOUT_CODE, type TransportFailure } from './errors.js';


/** A request's socket did not connect within the connect timeout; nothing was written. */
export class ConnectTimeoutError extends Error {
  override readonly name = 'ConnectTimeoutError';
  readonly code = CONNECT_TIMEOUT_CODE;
  constructor(readonly timeoutMs: number) {
    super(`no connection within ${timeoutMs} ms (nothing was sent)`);
  }
}

interface RequestTrack {
  phase: 'connecting' | 'connected';
}

/**
 * Watches the HTTP requests made inside {@link WireWatch.run}. One watch per attempt of a call.
 * `verdict()` is undefined when no HTTP request was observed (nothing was sent over HTTP: a fake
 * client, or a failure before the first request).
 */
export class WireWatch {
  #last: RequestTrack | undefined;
  #requests = 0;

  constructor(readonly connectTimeoutMs: number) {}

  /** Runs `fn` with every HTTP request it starts attributed to this watch. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    subscribe();
    return storage.run(this, fn);
  }

  /** Number of HTTP requests observed. */
  get requests(): number {
    return this.#requests;
  }

  /** Whether the last request observed may have reached the service. */
  verdict(): TransportFailure | undefined {
    if (this.#last === undefined) return undefined;
    return this.#last.phase === 'connected' ? 'maybe-sent' : 'not-sent';
  }

  /** Called for each request started in this watch's scope. */
  observe(request: ClientRequest): void {
    const track: RequestTrack = { phase: 'connecting' };
    this.#last = track;
    this.#requests++;
    // Node publishes the channel when the request is finished by the caller, which may be after
    // the agent assigned its socket.
    if (request.socket) this.#watchSocket(request, request.socket, track);
    else request.once('socket', (socket: Socket) => this.#watchSocket(request, socket, track));
  }

  #watchSocket(request: ClientRequest, socket: Socket, track: RequestTrack): void {
    // A socket the agent reuses was connected (and, for TLS, secured) by an earlier request.
    if (request.reusedSocket || isReady(socket)) {
      track.phase = 'connected';
      return;
    }
    const ready = socket instanceof TLSSocket ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      if (track.phase === 'connecting') request.destroy(new ConnectTimeoutError(this.connectTimeoutMs));
    }, this.connectTimeoutMs);
    timer.unref();
    socket.once(ready, () => {
      track.phase = 'connected';
      clearTimeout(timer);
    });
    socket.once('close', () => clearTimeout(timer));
  }
}

/** True once a socket can carry the request: connected and, for TLS, past its handshake. */
function isReady(socket: Socket): boolean {
  if (socket.connecting || socket.destroyed || socket.readyState !== 'open') return false;
  // getProtocol() is null until the TLS handshake has completed.
  return socket instanceof TLSSocket ? typeof socket.getProtocol() === 'string' : true;
}

const storage = new AsyncLocalStorage<WireWatch>();
let subscribed = false;

function onRequestStart(message: unknown): void {
  const watch = storage.getStore();
  if (watch === undefined) return;
  const request = typeof message === 'object' && message !== null ? (message as { readonly request?: unknown }).request : undefined;
  if (request !== undefined && request !== null) watch.observe(request as ClientRequest);
}

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnosticsChannel.subscribe('http.client.request.start', onRequestStart);
}
