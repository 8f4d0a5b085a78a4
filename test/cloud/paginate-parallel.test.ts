import { describe, expect, it } from 'vitest';
import { collectAll, collectByNumberParallel, pagesByNumber } from '../../src/cloud/paginate.js';

function source(n: number, opts: { stringTotal?: boolean; noTotal?: boolean } = {}) {
  const calls: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const items = Array.from({ length: n }, (_, i) => i);
  const fetch = async (pageNo: number, pageSize: number) => {
    calls.push(pageNo);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    const page = items.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    return { items: page, ...(opts.noTotal ? {} : { totalCount: opts.stringTotal ? String(n) : n }) };
  };
  return { fetch, calls, max: () => maxInFlight };
}

describe('collectByNumberParallel', () => {
  for (const pageSize of [1, 7, 100]) {
    it(`returns every item in order with the minimum number of calls at page size ${pageSize}`, async () => {
      const s = source(250, { stringTotal: true });
      const got = await collectByNumberParallel(s.fetch, { pageSize, concurrency: 4 });
      expect(got.items).toEqual(Array.from({ length: 250 }, (_, i) => i));
      expect(got.pages).toBe(Math.ceil(250 / pageSize));
      expect(s.calls.length).toBe(got.pages);
      expect(new Set(s.calls).size).toBe(s.calls.length);
    });
  }
  it('runs pages concurrently up to the limit', async () => {
    const s = source(1000);
    await collectByNumberParallel(s.fetch, { pageSize: 10, concurrency: 5 });
    expect(s.max()).toBe(5);
  });
  it('makes one call for an empty or single-page list', async () => {
    for (const n of [0, 5]) {
      const s = source(n);
      expect((await collectByNumberParallel(s.fetch, { pageSize: 10 })).pages).toBe(1);
    }
  });
  it('falls back to sequential pages without a TotalCount', async () => {
    const s = source(25, { noTotal: true });
    const got = await collectByNumberParallel(s.fetch, { pageSize: 10, concurrency: 5 });
    expect(got.items.length).toBe(25);
    expect(s.calls).toEqual([1, 2, 3]);
  });
});

describe('pages clamped by the service', () => {
  function clamped(n: number, max: number, echo: boolean) {
    const items = Array.from({ length: n }, (_, i) => i);
    const calls: number[] = [];
    const fetch = async (pageNo: number, pageSize: number) => {
      calls.push(pageNo);
      const size = Math.min(pageSize, max);
      return { items: items.slice((pageNo - 1) * size, pageNo * size), totalCount: n, ...(echo ? { pageSize: size } : {}) };
    };
    return { fetch, calls };
  }
  for (const echo of [true, false]) {
    it(`collects everything when the service clamps PageSize 100 to 50 (${echo ? 'with' : 'without'} an echoed PageSize)`, async () => {
      const s = clamped(230, 50, echo);
      const got = await collectByNumberParallel(s.fetch, { pageSize: 100 });
      expect(got.items).toEqual(Array.from({ length: 230 }, (_, i) => i));
      expect(got.pages).toBe(5);
    });
    it(`pages sequentially through clamped pages (${echo ? 'with' : 'without'} echo)`, async () => {
      const s = clamped(120, 50, echo);
      const got = await collectAll(pagesByNumber(s.fetch, { pageSize: 100 }));
      expect(got.items.length).toBe(120);
      expect(s.calls).toEqual([1, 2, 3]);
    });
  }
});

describe('CloudSession.pageSize', () => {
  it('caps every action at the session option, never above the action maximum', async () => {
    const { CloudSession } = await import('../../src/cloud/session.js');
    const s = new CloudSession({ accounts: {}, pageSize: 7 });
    expect(s.pageSize(100)).toBe(7);
    expect(s.pageSize(5)).toBe(5);
    expect(new CloudSession({ accounts: {} }).pageSize(100)).toBe(100);
  });
});
