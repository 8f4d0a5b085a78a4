/**
 * The path every cloud call takes: rate limit (per product) → count → call → retry on throttling,
 * 5xx and transport failures → typed error. Product clients receive a bound call function built
 * here, so none of them knows about limits, retries, counters or reporters.
 *
 * Owns: composing limiter, retry, counters and events for one call. Must not print: it emits typed
 * events to the reporter it is given.
 */
import { markSent, type CloudProduct, type FailureClass } from './errors.js';
import type { ProductLimiters } from './ratelimit.js';
import { withRetry, type RetryPolicy } from './retry.js';
import { callTimeouts, type CallTimeouts } from './timeouts.js';
import { WireWatch } from './wire.js';

/** How a call may be repeated. Reads are always safe; mutating calls say whether repeating is harmless. */
export interface CallSemantics {
  readonly mutating: boolean;
  /** True when sending the call twice has the same effect as once (update, delete, create with ClientToken). */
  readonly idempotent: boolean;
}

/** A read: always safe to retry. */
export const READ: CallSemantics = { mutating: false, idempotent: true };
/** A change that is harmless to repeat (update to a value, delete, create with a ClientToken). */
export const IDEMPOTENT_WRITE: CallSemantics = { mutating: true, idempotent: true };
/** A change that must not be blindly repeated after a lost connection (create without a token). */
export const ONCE_WRITE: CallSemantics = { mutating: true, idempotent: false };

/** A typed event for the host to render; the cloud layer never prints. */
export interface CloudEvent {
  readonly level: 'debug' | 'info' | 'warn';
  readonly code: 'cloud.call' | 'cloud.retry' | 'cloud.failed' | 'cloud.identity' | 'cloud.emulator' | 'cloud.site';
  readonly message: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type CloudReporter = (event: CloudEvent) => void;

/** Counts API requests (every attempt is one request) and retries per product and action. */
export class CallCounter {
  readonly #calls = new Map<CloudProduct, Map<string, number>>();
  #retries = 0;
  #throttled = 0;

  record(product: CloudProduct, action: string): void {
    let m = this.#calls.get(product);
    if (!m) {
      m = new Map();
      this.#calls.set(product, m);
    }
    m.set(action, (m.get(action) ?? 0) + 1);
  }

  recordRetry(failure: FailureClass): void {
    this.#retries++;
    if (failure === 'throttled') this.#throttled++;
  }

  /** Requests per product and action, keys sorted for stable output. */
  snapshot(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const p of [...this.#calls.keys()].sort()) {
      const actions = this.#calls.get(p) ?? new Map<string, number>();
      const row: Record<string, number> = {};
      for (const a of [...actions.keys()].sort()) row[a] = actions.get(a) ?? 0;
      out[p] = row;
    }
    return out;
  }

  /** Total requests sent. */
  get total(): number {
    let n = 0;
    for (const m of this.#calls.values()) for (const v of m.values()) n += v;
    return n;
  }

  get retries(): number {
    return this.#retries;
  }

  get throttled(): number {
    return this.#throttled;
  }
}

export interface PipelineDeps {
  readonly limiters: ProductLimiters;
  readonly counter: CallCounter;
  readonly retry: Partial<RetryPolicy>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly reporter: CloudReporter;
  /** Secrets known to the session, redacted from errors. */
  readonly secrets: () => Iterable<string>;
  /** The budgets of a call (timeouts.ts); default the table's. */
  readonly timeouts?: (product: CloudProduct, action: string) => CallTimeouts;
}

export interface CallTarget {
  readonly product: CloudProduct;
  readonly action: string;
  readonly account: string;
  readonly region: string;
  readonly address?: string;
}

/**
 * Runs `send` through limiter, counter and retry. `send` performs exactly one request. Each attempt
 * runs under a {@link WireWatch}: the connect deadline is enforced, and a failure carries whether
 * its request may have reached the service (errors.ts `transportFailure`), which decides between a
 * retry and `outcome-unknown` for a create.
 */
export function runCall<T>(deps: PipelineDeps, target: CallTarget, semantics: CallSemantics, send: () => Promise<T>): Promise<T> {
  const limiter = deps.limiters.get(target.product);
  const { connectMs } = (deps.timeouts ?? callTimeouts)(target.product, target.action);
  let lastSeq: number | undefined;
  return withRetry(
    async () => {
      const release = await limiter.acquire();
      lastSeq = release.seq;
      try {
        deps.counter.record(target.product, target.action);
        deps.reporter({
          level: 'debug',
          code: 'cloud.call',
          message: `${target.product} ${target.action}`,
          data: { product: target.product, action: target.action, account: target.account, region: target.region },
        });
        const watch = new WireWatch(connectMs);
        let result: T;
        try {
          result = await watch.run(send);
        } catch (err) {
          throw markSent(err, watch.verdict());
        }
        limiter.onSuccess();
        return result;
      } finally {
        release();
      }
    },
    {
      policy: deps.retry,
      sleep: deps.sleep,
      random: deps.random,
      secrets: deps.secrets,
      call: { ...target, ...semantics },
      onFailure: (failure) => {
        if (failure === 'throttled') limiter.onThrottle(lastSeq);
      },
      onRetry: (e) => {
        deps.counter.recordRetry(e.failure);
        deps.reporter({
          level: e.failure === 'throttled' ? 'info' : 'warn',
          code: 'cloud.retry',
          message: `${target.product} ${target.action}: ${e.code}, retrying in ${e.delayMs} ms (attempt ${e.attempt + 1})`,
          data: { ...target, attempt: e.attempt, delayMs: e.delayMs, failure: e.failure, vendorCode: e.code },
        });
      },
    },
  );
}

/** The call function an RPC product client receives. */
export type RpcCallFn = <T>(
  action: string,
  params: object,
  semantics: CallSemantics,
  options?: { readonly shrink?: readonly string[]; readonly method?: 'POST' | 'GET'; readonly address?: string },
) => Promise<T>;

/** The call function a ROA product client receives. */
export type RoaCallFn = <T>(
  action: string,
  request: {
    readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    readonly pattern: string;
    readonly pathParams?: { readonly [k: string]: string };
    readonly query?: object;
    readonly body?: unknown;
  },
  semantics: CallSemantics,
) => Promise<T>;

/** The call function an official-SDK product client (ram, sts, vpc) receives: wraps one SDK method call. */
export type SdkCallFn = <T>(action: string, semantics: CallSemantics, send: () => Promise<T>) => Promise<T>;
