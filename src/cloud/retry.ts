/**
 * Retries of one cloud call: exponential backoff with full jitter, honouring `x-acs-retry-after`.
 *
 * Owns: the retry loop and its schedule. Must not import product clients or perform I/O itself:
 * sleep and randomness are injected, and the classification comes from errors.ts.
 *
 * Contract:
 * - At most `maxAttempts` attempts (default 10, never fewer than 1).
 * - Retried: `throttled` and `retryable` failures (see errors.ts `classifyFailure`). Everything else
 *   (`fatal`, `not-found`, `outcome-unknown`) is thrown at once, after one attempt.
 * - Delay before attempt n+1 (n ≥ 1): full jitter, `random() * min(maxDelayMs, baseDelayMs * 2^(n-1))`.
 *   When the service sent `x-acs-retry-after`, the delay is at least that long (capped by maxDelayMs).
 * - Unit of `x-acs-retry-after`: UNVERIFIED against the real service. We assume milliseconds, as the
 *   runtime's own retry policy does (`@darabonba/typescript` `getBackoffDelay` returns
 *   `min(retryAfter, maxDelay)` and sleeps that many ms). `retryAfterUnitMs` changes it (1000 = seconds).
 * - The last error is rethrown as a {@link CloudApiError} carrying the attempt count.
 */
import { AcrctlError } from '../errors.js';
import { CloudApiError, classifyFailure, errorFacts, toCloudApiError, type CloudCallRef, type FailureClass } from './errors.js';

export interface RetryPolicy {
  /** Total attempts including the first; default 10. */
  readonly maxAttempts: number;
  /** Base of the exponential backoff; default 200 ms. */
  readonly baseDelayMs: number;
  /** Cap of any single delay; default 20 s. */
  readonly maxDelayMs: number;
  /** Milliseconds per unit of `x-acs-retry-after`; default 1 (milliseconds, unverified). */
  readonly retryAfterUnitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 200,
  maxDelayMs: 20_000,
  retryAfterUnitMs: 1,
};

/** A retry is about to happen (emitted before the sleep). */
export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  readonly failure: FailureClass;
  readonly code: string;
}

export interface RetryOptions {
  readonly policy?: Partial<RetryPolicy>;
  /** Sleep for `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** The call: reads are safe to repeat; mutating calls say whether they are idempotent. */
  readonly call: CloudCallRef & { readonly mutating: boolean; readonly idempotent: boolean; readonly address?: string };
  /** Known secrets, redacted from the final error. */
  readonly secrets?: () => Iterable<string>;
  /** Called after each failed attempt that will be retried. */
  readonly onRetry?: (event: RetryEvent) => void;
  /** Called with every failure classification (the rate limiter listens for `throttled`). */
  readonly onFailure?: (failure: FailureClass) => void;
}

/** The backoff delay before attempt `attempt + 1`, given that `attempt` attempts failed. Pure. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number, retryAfter?: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * exp);
  if (retryAfter !== undefined && retryAfter > 0) {
    return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfter * policy.retryAfterUnitMs));
  }
  return jittered;
}

/** Runs `fn` until it succeeds, a failure is not retryable, or the attempts are used up. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      // Our own typed errors (bad endpoint, missing credentials) are already final and clear.
      if (err instanceof AcrctlError && !(err instanceof CloudApiError)) throw err;
      const failure = classifyFailure(err, options.call);
      options.onFailure?.(failure);
      const retry = (failure === 'throttled' || failure === 'retryable') && attempt < maxAttempts;
      if (!retry) {
        throw toCloudApiError(err, { ...options.call, attempts: attempt }, options.secrets?.() ?? []);
      }
      const retryAfter = err instanceof CloudApiError ? err.retryAfter : numberField(err, 'retryAfter');
      const delayMs = backoffDelay(attempt, policy, options.random, retryAfter);
      options.onRetry?.({ attempt, delayMs, failure, code: errorFacts(err).code });
      if (delayMs > 0) await options.sleep(delayMs);
    }
  }
}

function numberField(err: unknown, name: string): number | undefined {
  const v = typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

