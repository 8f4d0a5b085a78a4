import { describe, expect, it } from 'vitest';
import { collectAll, pagesByMarker, pagesByNumber, pagesByToken } from '../../src/cloud/paginate.js';

const items = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}`);

/** A fake PageNo list service; `totalAs` chooses how TotalCount is sent. */
function numbered(all: string[], totalAs: 'number' | 'string' | 'absent' = 'number') {
  let calls = 0;
  const fetch = (pageNo: number, pageSize: number) => {
    calls++;
    const slice = all.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    const total = totalAs === 'number' ? all.length : totalAs === 'string' ? String(all.length) : undefined;
    return Promise.resolve({ items: slice, totalCount: total });
  };
  return { fetch, calls: () => calls };
}

describe('pagesByNumber', () => {
  it.each([
    { pageSize: 1, total: 23, pages: 23 },
    { pageSize: 7, total: 23, pages: 4 },
    { pageSize: 7, total: 21, pages: 3 },
    { pageSize: 100, total: 23, pages: 1 },
    { pageSize: 100, total: 250, pages: 3 },
    { pageSize: 7, total: 0, pages: 1 },
  ])('reads every item once at page size $pageSize of $total in $pages calls (TotalCount stops a full last page)', async ({ pageSize, total, pages }) => {
    const svc = numbered(items(total));
    const got = await collectAll(pagesByNumber(svc.fetch, { pageSize }));
    expect(got.items).toEqual(items(total));
    expect(got.pages).toBe(pages);
    expect(svc.calls()).toBe(pages);
  });

  it('accepts cr’s string TotalCount', async () => {
    const svc = numbered(items(14), 'string');
    const got = await collectAll(pagesByNumber(svc.fetch, { pageSize: 7 }));
    expect(got.items).toHaveLength(14);
    expect(svc.calls()).toBe(2);
  });

  it('without TotalCount, stops on a short or empty page', async () => {
    const a = numbered(items(15), 'absent');
    expect((await collectAll(pagesByNumber(a.fetch, { pageSize: 7 }))).pages).toBe(3);
    const b = numbered(items(14), 'absent');
    const got = await collectAll(pagesByNumber(b.fetch, { pageSize: 7 }));
    expect(got.items).toHaveLength(14);
    expect(got.pages).toBe(3); // the third page is empty: the only way to know
  });

  it('rejects a bad page size', async () => {
    await expect(collectAll(pagesByNumber(numbered([]).fetch, { pageSize: 0 }))).rejects.toThrow(RangeError);
  });
});

describe('pagesByToken', () => {
  it.each([1, 7, 100])('follows NextToken until it is empty (page size %i)', async (size) => {
    const all = items(23);
    let calls = 0;
    const got = await collectAll(
      pagesByToken((token, max) => {
        calls++;
        const start = token === undefined ? 0 : Number(token);
        const next = start + max < all.length ? String(start + max) : '';
        return Promise.resolve({ items: all.slice(start, start + max), nextToken: next });
      }, { maxResults: size }),
    );
    expect(got.items).toEqual(all);
    expect(calls).toBe(Math.ceil(23 / size));
  });

  it('refuses a token that repeats instead of looping forever', async () => {
    await expect(collectAll(pagesByToken(() => Promise.resolve({ items: ['a'], nextToken: 'same' }), { maxResults: 1 }))).rejects.toThrow(
      /twice/,
    );
  });
});

describe('pagesByMarker', () => {
  it.each([1, 7, 100])('follows Marker while IsTruncated (page size %i)', async (size) => {
    const all = items(23);
    const got = await collectAll(
      pagesByMarker((marker, max) => {
        const start = marker === undefined ? 0 : Number(marker);
        const truncated = start + max < all.length;
        return Promise.resolve({ items: all.slice(start, start + max), isTruncated: truncated, marker: truncated ? String(start + max) : undefined });
      }, { maxItems: size }),
    );
    expect(got.items).toEqual(all);
    expect(got.pages).toBe(Math.ceil(23 / size));
  });

  it('errors when IsTruncated comes without a Marker', async () => {
    await expect(collectAll(pagesByMarker(() => Promise.resolve({ items: [], isTruncated: true }), { maxItems: 5 }))).rejects.toThrow(/Marker/);
  });
});
