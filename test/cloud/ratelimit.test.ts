import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter, ProductLimiters } from '../../src/cloud/ratelimit.js';

/** A fake clock whose sleep advances time instantly and records the waits. */
function fakeClock(start = 0) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
    time: () => t,
  };
}

describe('AdaptiveLimiter', () => {
  it('lets a burst through, then paces calls at the rate (token bucket)', async () => {
    const clock = fakeClock();
    const l = new AdaptiveLimiter({ initialRate: 10, maxRate: 10, burst: 3, maxConcurrency: 100 }, clock);
    for (let i = 0; i < 3; i++) (await l.acquire())();
    expect(clock.time()).toBe(0);
    for (let i = 0; i < 5; i++) (await l.acquire())();
    // 5 more calls at 10/s need 500 ms
    expect(clock.time()).toBe(500);
  });

  it('halves the rate on throttling (AIMD) and empties the bucket, at most once per cooldown', () => {
    const clock = fakeClock(10_000);
    const l = new AdaptiveLimiter({ initialRate: 40, maxRate: 40, minRate: 1, decreaseCooldownMs: 1000 }, clock);
    l.onThrottle();
    expect(l.rate).toBe(20);
    l.onThrottle(); // same burst: ignored
    expect(l.rate).toBe(20);
    clock.advance(1000);
    l.onThrottle();
    expect(l.rate).toBe(10);
    expect(l.stats.throttles).toBe(3);
    expect(l.stats.decreases).toBe(2);
  });

  it('never goes below minRate', () => {
    const clock = fakeClock();
    const l = new AdaptiveLimiter({ initialRate: 2, maxRate: 10, minRate: 0.5, decreaseCooldownMs: 0 }, clock);
    for (let i = 0; i < 10; i++) {
      clock.advance(1);
      l.onThrottle();
    }
    expect(l.rate).toBe(0.5);
  });

  it('raises the rate additively on success up to the ceiling', () => {
    const clock = fakeClock();
    const l = new AdaptiveLimiter({ initialRate: 5, maxRate: 6, increasePerSuccess: 0.25 }, clock);
    for (let i = 0; i < 4; i++) l.onSuccess();
    expect(l.rate).toBe(6);
    l.onSuccess();
    expect(l.rate).toBe(6);
  });

  it('slows calls down after throttling: the next calls wait for fresh tokens at the halved rate', async () => {
    const clock = fakeClock();
    const l = new AdaptiveLimiter({ initialRate: 10, maxRate: 10, burst: 5, maxConcurrency: 100, decreaseCooldownMs: 0 }, clock);
    l.onThrottle(); // rate 5/s, bucket empty
    for (let i = 0; i < 5; i++) (await l.acquire())();
    expect(clock.time()).toBe(1000);
  });

  it('caps concurrency: a call waits until another releases its slot', async () => {
    const clock = fakeClock();
    const l = new AdaptiveLimiter({ maxConcurrency: 2, burst: 10 }, clock);
    const r1 = await l.acquire();
    const r2 = await l.acquire();
    let third = false;
    const p3 = l.acquire().then((r) => {
      third = true;
      return r;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(third).toBe(false);
    expect(l.stats.inFlight).toBe(2);
    r1();
    r1(); // releasing twice is ignored
    const r3 = await p3;
    expect(third).toBe(true);
    expect(l.stats.inFlight).toBe(2);
    r2();
    r3();
    expect(l.stats.inFlight).toBe(0);
  });

  it('rejects nonsense settings', () => {
    const clock = fakeClock();
    expect(() => new AdaptiveLimiter({ minRate: 0 }, clock)).toThrow(RangeError);
    expect(() => new AdaptiveLimiter({ decreaseFactor: 1 }, clock)).toThrow(RangeError);
  });
});

describe('ProductLimiters', () => {
  it('shares one limiter per product across callers and applies per-product settings', () => {
    const limiters = new ProductLimiters(fakeClock(), { maxRate: 50, initialRate: 50 }, { ram: { maxRate: 5, initialRate: 5 } });
    expect(limiters.get('cr')).toBe(limiters.get('cr'));
    expect(limiters.get('cr').rate).toBe(50);
    expect(limiters.get('ram').rate).toBe(5);
    expect(Object.keys(limiters.stats()).sort()).toEqual(['cr', 'ram']);
  });
});

describe('AdaptiveLimiter decreases per generation of calls', () => {
  it('decreases again at once when a call sent after the last decrease is throttled, never for calls sent before it', async () => {
    let t = 0;
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    const l = new AdaptiveLimiter({ initialRate: 80, maxRate: 80, burst: 4, decreaseCooldownMs: 1000 }, clock);
    const early = await Promise.all([l.acquire(), l.acquire(), l.acquire()]);
    l.onThrottle(early[0]!.seq);
    expect(l.rate).toBe(40);
    l.onThrottle(early[1]!.seq); // sent at the old rate: no new information
    expect(l.rate).toBe(40);
    const later = await l.acquire();
    l.onThrottle(later.seq); // sent at 40/s and still throttled: halve again, within the cooldown
    expect(l.rate).toBe(20);
    expect(l.stats.decreases).toBe(2);
    for (const r of [...early, later]) r();
  });
});
