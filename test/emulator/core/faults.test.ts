/**
 * Fault injection: each fault kind over HTTP with the official runtime (the SDK must throw the class
 * a real fault makes it throw), determinism from the seed, per-action streams, rule precedence,
 * dropped connections before/after the mutation, the per-product rate limit, and admin validation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { FaultInjector, emptyFaultConfig, parseFaultConfig, FaultConfigError } from '../../../src/emulator/core/faults.js';
import { service as sts } from '../../../src/emulator/services/sts/index.js';
import { ServerError, ThrottlingError, startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { fakeRoa, fakeRpc } from './fakes.js';

const UID = '1234567890123456';

async function outcome(p: Promise<Record<string, unknown>>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    const e = err as { code?: unknown; name?: string };
    return typeof e.code === 'string' && e.code !== '' ? e.code : `network:${e.name ?? 'Error'}`;
  }
}

describe('fault injector (unit)', () => {
  it('gives the same outcomes for the same seed, and other actions do not shift an action’s stream', () => {
    const cfg = parseFaultConfig({ seed: 42, global: { throttleRate: 0.3, unavailableRate: 0.2, dropRate: 0.1 } }, 1);
    const a = new FaultInjector(cfg);
    const b = new FaultInjector(cfg);
    const seqA: string[] = [];
    const seqB: string[] = [];
    for (let i = 0; i < 50; i++) {
      seqA.push(a.decide('cr', 'ListRepository').outcome.kind);
      b.decide('cr', 'ListNamespace'); // interleaved calls of another action
      b.decide('ram', 'ListRoles');
      seqB.push(b.decide('cr', 'ListRepository').outcome.kind);
    }
    expect(seqB).toEqual(seqA);
    expect(new Set(seqA).size, 'the rates produce a mix of outcomes').toBeGreaterThan(2);
    const other = new FaultInjector(parseFaultConfig({ seed: 43, global: { throttleRate: 0.3, unavailableRate: 0.2, dropRate: 0.1 } }, 1));
    const seqC = Array.from({ length: 50 }, () => other.decide('cr', 'ListRepository').outcome.kind);
    expect(seqC, 'another seed gives another sequence').not.toEqual(seqA);
  });

  it('resolves knobs action over product over global', () => {
    const f = new FaultInjector(
      parseFaultConfig({ global: { latencyMs: 5, throttleRate: 1 }, products: { cr: { throttleRate: 0, unavailableRate: 1 } }, actions: { 'cr:Echo': { unavailableRate: 0, latencyMs: 9 } } }, 1),
    );
    expect(f.decide('ram', 'ListRoles')).toEqual({ latencyMs: 5, outcome: { kind: 'throttle', retryAfter: 1 } });
    expect(f.decide('cr', 'Bump')).toEqual({ latencyMs: 5, outcome: { kind: 'unavailable' } });
    expect(f.decide('cr', 'Echo')).toEqual({ latencyMs: 9, outcome: { kind: 'none' } });
  });

  it('token bucket: burst of max(1, rate), then one call per 1/rate seconds', () => {
    const f = new FaultInjector({ ...emptyFaultConfig(), rateLimits: { cr: 2 } });
    expect([f.admit('cr', 0), f.admit('cr', 0), f.admit('cr', 0)]).toEqual([true, true, false]);
    expect(f.admit('cr', 499)).toBe(false);
    expect(f.admit('cr', 500)).toBe(true);
    expect(f.admit('ram', 0), 'other products are not limited').toBe(true);
  });

  it('per-account, per-API buckets: accounts and APIs never share a token; product:Action overrides the product rate', () => {
    const f = new FaultInjector(parseFaultConfig({ accountRateLimits: { cr: 1, 'cr:Slow': 0.5 } }, 1));
    const cases: [string, string, string, number, string][] = [
      ['cr', 'Echo', 'A', 0, 'ok'],
      ['cr', 'Echo', 'A', 0, 'Throttling.User'],
      ['cr', 'Echo', 'B', 0, 'ok'],
      ['cr', 'Count', 'A', 0, 'ok'],
      ['cr', 'Slow', 'A', 0, 'ok'],
      ['cr', 'Slow', 'A', 1000, 'Throttling.User'],
      ['cr', 'Echo', 'A', 1000, 'ok'],
      ['cr', 'Slow', 'A', 2000, 'ok'],
      ['ram', 'ListRoles', 'A', 0, 'ok'],
      ['ram', 'ListRoles', 'A', 0, 'ok'],
    ];
    const reasons = ['first call', 'same account, same API, no token left', 'another account has its own bucket', 'another API has its own bucket', '0.5/s: a burst of one', 'half a token after 1 s', 'the 1/s bucket refilled', 'a whole token after 2 s', 'ram is not limited', 'still not limited'];
    cases.forEach(([product, action, account, at, want], i) => expect(f.admitCall(product as 'cr', action, account, at), reasons[i]).toBe(want));
  });

  it('the shared product bucket (rateLimits) and the account bucket apply together; a refused call costs neither a token', () => {
    const f = new FaultInjector(parseFaultConfig({ rateLimits: { cr: 2 }, accountRateLimits: { cr: 1 } }, 1));
    expect(f.admitCall('cr', 'Echo', 'A', 0), 'account bucket and shared bucket both have a token').toBe('ok');
    expect(f.admitCall('cr', 'Echo', 'A', 0), 'the account bucket is empty: the shared token is kept').toBe('Throttling.User');
    expect(f.admitCall('cr', 'Echo', 'B', 0), 'B takes the second shared token').toBe('ok');
    expect(f.admitCall('cr', 'Echo', 'C', 0), 'C has its own token, but the product has none left').toBe('Throttling.Api');
    expect(f.admitCall('cr', 'Echo', 'C', 600), 'C kept its token; the shared bucket refilled one').toBe('ok');
  });

  it('rejects malformed configurations with a message naming the field', () => {
    const bad: [unknown, RegExp][] = [
      [{ global: { throttleRate: 2 } }, /global\.throttleRate/],
      [{ global: { throttleRate: 0.6, dropRate: 0.6 } }, /add up/],
      [{ products: { nope: {} } }, /unknown product nope/],
      [{ actions: { ListRepository: {} } }, /product:Action/],
      [{ rateLimits: { cr: 0 } }, /rateLimits\.cr/],
      [{ accountRateLimits: { cr: -1 } }, /accountRateLimits\.cr: must be a positive/],
      [{ accountRateLimits: { 'cr-CreateNamespace': 1 } }, /accountRateLimits\.cr-CreateNamespace: keys are a product/],
      [{ accountRateLimits: { nope: 1 } }, /unknown product nope/],
      [{ accountRateLimits: { registry: 1 } }, /registry data plane has no per-account limits/],
      [{ global: { dropPhase: 'during' } }, /dropPhase/],
      [{ global: { latency: 5 } }, /unknown field latency/],
      [[], /must be an object/],
    ];
    for (const [body, message] of bad) expect(() => parseFaultConfig(body, 1), JSON.stringify(body)).toThrow(message);
    expect(() => parseFaultConfig({ seed: 1.5 }, 1)).toThrow(FaultConfigError);
  });
});

describe('faults over HTTP', () => {
  let t: TestEmulator;
  let keys: AccountKeys;
  const slept: number[] = [];

  beforeAll(async () => {
    t = await startTestEmulator({
      services: [fakeRpc, fakeRoa, sts],
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    keys = await t.account(UID);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.admin('DELETE', '/_emulator/faults');
  });

  const echo = (): Promise<Record<string, unknown>> => t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, keys);
  const count = async (): Promise<number> => (await t.callRpc('cr', 'cn-hangzhou', 'Count', {}, keys))['Counter'] as number;

  it('Throttling.User: HTTP 400 with x-acs-retry-after; the SDK throws ThrottlingError with retryAfter', async () => {
    await t.admin('PUT', '/_emulator/faults', { actions: { 'cr:Echo': { throttleRate: 1, retryAfter: 3 } } });
    const err = (await echo().catch((e: unknown) => e)) as InstanceType<typeof ThrottlingError>;
    expect(err).toBeInstanceOf(ThrottlingError);
    expect(err.code).toBe('Throttling.User');
    expect(err.statusCode).toBe(400);
    expect(err.retryAfter).toBe(3);
    expect((err.data as Record<string, unknown>)['Message']).toBe('Request was denied due to user flow control.');
  });

  it('ServiceUnavailable 503 and InternalError 500: the SDK throws ServerError', async () => {
    await t.admin('PUT', '/_emulator/faults', { actions: { 'cr:Echo': { unavailableRate: 1 }, 'cr:Count': { internalErrorRate: 1 } } });
    const a = (await echo().catch((e: unknown) => e)) as InstanceType<typeof ServerError>;
    expect(a).toBeInstanceOf(ServerError);
    expect([a.code, a.statusCode]).toEqual(['ServiceUnavailable', 503]);
    const b = (await count().catch((e: unknown) => e)) as InstanceType<typeof ServerError>;
    expect(b).toBeInstanceOf(ServerError);
    expect([b.code, b.statusCode]).toEqual(['InternalError', 500]);
  });

  it('dropped connection before the handler: the client sees a network error and nothing changed', async () => {
    const before = await count();
    await t.admin('PUT', '/_emulator/faults', { actions: { 'cr:Bump': { dropRate: 1 } } });
    const r = await outcome(t.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys));
    expect(r).not.toBe('ok');
    expect(await count()).toBe(before);
    const log = await t.admin<{ action: string; status: number; code: string }[]>('GET', '/_emulator/calls');
    expect(log.body.filter((e) => e.action === 'Bump').at(-1)).toMatchObject({ status: 0, code: 'Emulator.DroppedBeforeApply' });
  });

  it('dropped connection after the handler (dropPhase after): the client sees a network error but the mutation landed', async () => {
    const before = await count();
    await t.admin('PUT', '/_emulator/faults', { actions: { 'cr:Bump': { dropRate: 1, dropPhase: 'after' } } });
    const r = await outcome(t.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys));
    expect(r).not.toBe('ok');
    expect(await count()).toBe(before + 1);
    const log = await t.admin<{ action: string; status: number; code: string; mutating: boolean }[]>('GET', '/_emulator/calls');
    expect(log.body.filter((e) => e.action === 'Bump').at(-1)).toMatchObject({ status: 0, code: 'Emulator.DroppedAfterApply', mutating: true });
  });

  it('latency: every call of the action waits the configured ms before it is handled', async () => {
    await t.admin('PUT', '/_emulator/faults', { global: { latencyMs: 7 }, actions: { 'cr:Echo': { latencyMs: 250 } } });
    slept.length = 0;
    await echo();
    await count();
    expect(slept).toEqual([250, 7]);
  });

  it('per-product rate limit answers Throttling.Api above it, other products unaffected', async () => {
    await t.admin('PUT', '/_emulator/faults', { rateLimits: { cr: 0.001 } });
    expect(await outcome(echo())).toBe('ok');
    const err = (await echo().catch((e: unknown) => e)) as InstanceType<typeof ThrottlingError>;
    expect(err).toBeInstanceOf(ThrottlingError);
    expect(err.code).toBe('Throttling.Api');
    expect(err.retryAfter).toBe(1);
    expect(await outcome(t.callRpc('sts', 'global', 'GetCallerIdentity', {}, keys))).toBe('ok');
  });

  it('per-account limits answer Throttling.User to the account over its rate, never to another account', async () => {
    const other = await t.account('1234567890123457');
    await t.admin('PUT', '/_emulator/faults', { accountRateLimits: { cr: 0.001 }, products: { cr: { retryAfter: 2 } } });
    expect(await outcome(echo())).toBe('ok');
    const err = (await echo().catch((e: unknown) => e)) as InstanceType<typeof ThrottlingError>;
    expect(err).toBeInstanceOf(ThrottlingError);
    expect([err.code, err.statusCode, err.retryAfter]).toEqual(['Throttling.User', 400, 2]);
    expect(await outcome(t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, other)), 'another account').toBe('ok');
    expect(await outcome(t.callRpc('cr', 'cn-hangzhou', 'Count', {}, keys)), 'another API of the same account').toBe('ok');
    const log = await t.admin<{ action: string; accountUid: string; code: string | null }[]>('GET', '/_emulator/calls');
    expect(log.body.filter((e) => e.code === 'Throttling.User').map((e) => [e.action, e.accountUid])).toContainEqual(['Echo', UID]);
  });

  it('ROA products get faults in their own error shape', async () => {
    await t.admin('PUT', '/_emulator/faults', { products: { crpe: { throttleRate: 1 } } });
    const err = (await t.callRoa('cn-hangzhou', 'GetRepoList', 'GET', '/repos', keys).catch((e: unknown) => e)) as InstanceType<typeof ThrottlingError>;
    expect(err).toBeInstanceOf(ThrottlingError);
    expect(Object.keys(err.data as object).sort()).toEqual(['code', 'message', 'requestId']);
  });

  it('is deterministic over HTTP: the same seed replays the same outcomes, interleaved with other actions', async () => {
    const cfg = { seed: 99, actions: { 'cr:Echo': { throttleRate: 0.3, unavailableRate: 0.2 } } };
    const run = async (interleave: boolean): Promise<string[]> => {
      await t.admin('PUT', '/_emulator/faults', cfg);
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        if (interleave) await t.callRpc('sts', 'global', 'GetCallerIdentity', {}, keys);
        out.push(await outcome(echo()));
      }
      return out;
    };
    const first = await run(false);
    const second = await run(true);
    expect(second).toEqual(first);
    const expected = new FaultInjector(parseFaultConfig(cfg, 1));
    const predicted = Array.from({ length: 20 }, () => {
      const k = expected.decide('cr', 'Echo').outcome.kind;
      return k === 'none' ? 'ok' : k === 'throttle' ? 'Throttling.User' : 'ServiceUnavailable';
    });
    expect(first).toEqual(predicted);
  });

  it('admin: GET returns the configuration, PUT validates it (400 {error}), DELETE turns faults off', async () => {
    const put = await t.admin('PUT', '/_emulator/faults', { seed: 5, global: { throttleRate: 1 } });
    expect(put.status).toBe(200);
    expect((await t.admin<{ seed: number }>('GET', '/_emulator/faults')).body.seed).toBe(5);
    const bad = await t.admin<{ error: string }>('PUT', '/_emulator/faults', { global: { throttleRate: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/throttleRate/);
    expect(await outcome(echo()), 'the bad PUT left the previous config in place').toBe('Throttling.User');
    await t.admin('DELETE', '/_emulator/faults');
    expect(await outcome(echo())).toBe('ok');
  });
});
