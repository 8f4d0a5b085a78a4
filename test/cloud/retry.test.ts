import { describe, expect, it } from 'vitest';
import { CloudApiError } from '../../src/cloud/errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, withRetry, type RetryOptions } from '../../src/cloud/retry.js';

/** An error shaped like openapi-core's ThrottlingError / ServerError / ClientError. */
function apiError(code: string, statusCode: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code}: code: ${statusCode}, msg request id: R1`), { code, statusCode, requestId: 'R1', ...extra });
}
function netError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

function harness(overrides: Partial<RetryOptions> = {}) {
  const sleeps: number[] = [];
  const options: RetryOptions = {
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    call: { product: 'cr', action: 'ListNamespace', mutating: false, idempotent: true },
    ...overrides,
  };
  return { sleeps, options };
}

/** Fails with the given errors in order, then succeeds. */
function failing(errors: unknown[]): { fn: () => Promise<string>; calls: () => number } {
  let n = 0;
  return {
    fn: () => {
      const e = errors[n++];
      return e === undefined ? Promise.resolve('ok') : Promise.reject(e);
    },
    calls: () => n,
  };
}

describe('backoffDelay', () => {
  it('is full jitter over an exponential cap: random() * min(max, base * 2^(n-1))', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, p, () => 0.5))).toEqual([50, 100, 200, 400, 500, 500]);
    expect(backoffDelay(3, p, () => 0)).toBe(0);
    expect(backoffDelay(3, p, () => 0.999)).toBe(399);
  });

  it('waits at least x-acs-retry-after (in retryAfterUnitMs), capped by maxDelayMs', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 5000 };
    expect(backoffDelay(1, p, () => 0.5, 700)).toBe(700);
    expect(backoffDelay(1, { ...p, retryAfterUnitMs: 1000 }, () => 0.5, 2)).toBe(2000);
    expect(backoffDelay(1, { ...p, retryAfterUnitMs: 1000 }, () => 0.5, 60)).toBe(5000);
    // a jittered delay longer than retry-after wins
    expect(backoffDelay(5, p, () => 0.5, 10)).toBe(800);
  });
});

describe('withRetry', () => {
  it('retries throttling, 5xx and network errors with the jittered schedule, then succeeds', async () => {
    const { sleeps, options } = harness({ policy: { baseDelayMs: 100, maxDelayMs: 10_000 } });
    const f = failing([
      apiError('Throttling.User', 400),
      apiError('ServiceUnavailable', 503),
      apiError('InternalError', 500),
      netError('ECONNRESET', 'socket hang up'),
    ]);
    await expect(withRetry(f.fn, options)).resolves.toBe('ok');
    expect(f.calls()).toBe(5);
    expect(sleeps).toEqual([50, 100, 200, 400]);
  });

  it('honours x-acs-retry-after on throttling errors', async () => {
    const { sleeps, options } = harness({ policy: { baseDelayMs: 10 } });
    const f = failing([apiError('Throttling.Api', 400, { retryAfter: 1500 })]);
    await withRetry(f.fn, options);
    expect(sleeps).toEqual([1500]);
  });

  it('makes at least 10 attempts by default, then throws a typed error with the attempt count', async () => {
    const { sleeps, options } = harness();
    const f = failing(Array.from({ length: 20 }, () => apiError('Throttling', 400)));
    const err = await withRetry(f.fn, options).catch((e: unknown) => e);
    expect(f.calls()).toBe(10);
    expect(sleeps).toHaveLength(9);
    expect(err).toBeInstanceOf(CloudApiError);
    expect((err as CloudApiError).code).toBe('cloud.throttled');
    expect((err as CloudApiError).attempts).toBe(10);
    expect((err as CloudApiError).message).toContain('after 10 attempts');
  });

  it.each([
    { reason: 'parameter errors are the caller’s fault', err: apiError('InvalidParameter', 400), code: 'cloud.fatal' },
    { reason: 'permission errors do not heal', err: apiError('NoPermission', 403), code: 'cloud.fatal' },
    { reason: 'cr business not-found (HTTP 200) is final', err: Object.assign(new Error('x'), { code: 'INSTANCE_NOT_EXIST', statusCode: 200 }), code: 'cloud.not-found' },
    { reason: 'RAM not-found is final', err: apiError('EntityNotExist.Role', 404), code: 'cloud.not-found' },
  ])('fails at once on non-retryable errors: $reason', async ({ err, code }) => {
    const { sleeps, options } = harness();
    const f = failing([err]);
    const thrown = await withRetry(f.fn, options).catch((e: unknown) => e);
    expect(f.calls()).toBe(1);
    expect(sleeps).toEqual([]);
    expect((thrown as CloudApiError).code).toBe(code);
  });

  it('does not blindly retry a non-idempotent create after a dropped connection: outcome unknown', async () => {
    const { sleeps, options } = harness({ call: { product: 'cr', action: 'CreateNamespace', mutating: true, idempotent: false } });
    const f = failing([netError('ECONNRESET', 'socket hang up')]);
    const thrown = await withRetry(f.fn, options).catch((e: unknown) => e);
    expect(f.calls()).toBe(1);
    expect(sleeps).toEqual([]);
    expect(thrown).toBeInstanceOf(CloudApiError);
    expect((thrown as CloudApiError).code).toBe('cloud.outcome-unknown');
    expect((thrown as CloudApiError).hint).toMatch(/read the live state/);
  });

  it('retries a non-idempotent create when the request was never sent, or was rejected with a response', async () => {
    const { options } = harness({ call: { product: 'cr', action: 'CreateNamespace', mutating: true, idempotent: false } });
    const f = failing([netError('ECONNREFUSED'), apiError('Throttling.User', 400), apiError('ServiceUnavailable', 503)]);
    await expect(withRetry(f.fn, options)).resolves.toBe('ok');
    expect(f.calls()).toBe(4);
  });

  it('retries an idempotent write after a dropped connection', async () => {
    const { options } = harness({ call: { product: 'bss', action: 'CreateInstance', mutating: true, idempotent: true } });
    const f = failing([netError('ECONNRESET', 'socket hang up')]);
    await expect(withRetry(f.fn, options)).resolves.toBe('ok');
    expect(f.calls()).toBe(2);
  });

  it('reports each retry and each failure class', async () => {
    const failures: string[] = [];
    const retries: number[] = [];
    const { options } = harness({ onFailure: (c) => failures.push(c), onRetry: (e) => retries.push(e.attempt) });
    const f = failing([apiError('Throttling', 400), apiError('ServerError', 500)]);
    await withRetry(f.fn, options);
    expect(failures).toEqual(['throttled', 'retryable']);
    expect(retries).toEqual([1, 2]);
  });
});
