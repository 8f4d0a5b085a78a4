/**
 * Pagination helpers for the three styles the vendor's List actions use:
 * - PageNo/PageSize (cr 2018-12-01, BSS PageNum, CBN/PrivateZone/VPC PageNumber, Personal Edition
 *   Page): stop when the items seen reach TotalCount (number or the string cr sends), or on a short
 *   or empty page;
 * - NextToken/MaxResults (CBN TransitRouter* lists, cr ListRepository/ListRepoTag alternative):
 *   stop when the token is empty or absent;
 * - Marker/IsTruncated (RAM List*): stop when IsTruncated is false.
 *
 * Owns: page loops only; the fetch function does the call (with retry and rate limit).
 * Contract: every page fetched is yielded (an empty page too), so consumers can count List calls;
 * pages are fetched one after another (a page's cursor depends on the previous one);
 * a page is never fetched twice; a cursor that repeats is an error rather than an endless loop.
 */
import { AcrctlError } from '../errors.js';

/** One page of a PageNo-style list. `totalCount` may be a string: cr sends TotalCount as a string on several actions. */
export interface NumberedPage<T> {
  readonly items: readonly T[];
  readonly totalCount?: number | string | undefined;
  /**
   * The page size the service says it used. Services clamp PageSize (VPC to 50); paging must follow
   * the size they used, not the size asked for, or items are skipped.
   */
  readonly pageSize?: number | string | undefined;
}

export interface TokenPage<T> {
  readonly items: readonly T[];
  /** Empty or undefined on the last page. */
  readonly nextToken?: string | undefined;
}

export interface MarkerPage<T> {
  readonly items: readonly T[];
  readonly isTruncated?: boolean | undefined;
  readonly marker?: string | undefined;
}

/** The result of draining a paginator. */
export interface Collected<T> {
  readonly items: T[];
  /** Number of List calls made. */
  readonly pages: number;
}

/** Upper bound on pages, so a misbehaving service cannot loop us forever. */
const MAX_PAGES = 100_000;

function parseTotal(total: number | string | undefined): number | undefined {
  if (total === undefined || total === '') return undefined;
  const n = typeof total === 'number' ? total : Number(total);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Iterates the pages of a PageNo/PageSize list, starting at `firstPage` (default 1).
 * Stops after an empty page or one that brings the items seen to TotalCount; without a TotalCount,
 * after a page shorter than the page size the service used (its echoed PageSize, else the size
 * asked for). A page shorter than asked is not the end while TotalCount says more remain: the
 * service may have clamped the page size.
 */
export async function* pagesByNumber<T>(
  fetch: (pageNo: number, pageSize: number) => Promise<NumberedPage<T>>,
  options: { readonly pageSize: number; readonly firstPage?: number },
): AsyncGenerator<readonly T[], void, undefined> {
  const { pageSize } = options;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  let seen = 0;
  for (let pageNo = options.firstPage ?? 1, n = 0; n < MAX_PAGES; pageNo++, n++) {
    const page = await fetch(pageNo, pageSize);
    const total = parseTotal(page.totalCount);
    seen += page.items.length;
    yield page.items;
    if (page.items.length === 0) return;
    if (total !== undefined) {
      if (seen >= total) return;
    } else if (page.items.length < Math.min(pageSize, parseTotal(page.pageSize) ?? pageSize)) {
      return;
    }
  }
  throw new AcrctlError('cloud.pagination', `gave up after ${MAX_PAGES} pages`);
}

/** Iterates the pages of a NextToken/MaxResults list. */
export async function* pagesByToken<T>(
  fetch: (nextToken: string | undefined, maxResults: number) => Promise<TokenPage<T>>,
  options: { readonly maxResults: number },
): AsyncGenerator<readonly T[], void, undefined> {
  const seenTokens = new Set<string>();
  let token: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await fetch(token, options.maxResults);
    yield page.items;
    const next = page.nextToken;
    if (next === undefined || next === '') return;
    if (seenTokens.has(next)) throw new AcrctlError('cloud.pagination', `the service returned NextToken ${JSON.stringify(next)} twice`);
    seenTokens.add(next);
    token = next;
  }
  throw new AcrctlError('cloud.pagination', `gave up after ${MAX_PAGES} pages`);
}

/** Iterates the pages of a Marker/IsTruncated list (RAM). */
export async function* pagesByMarker<T>(
  fetch: (marker: string | undefined, maxItems: number) => Promise<MarkerPage<T>>,
  options: { readonly maxItems: number },
): AsyncGenerator<readonly T[], void, undefined> {
  const seenMarkers = new Set<string>();
  let marker: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await fetch(marker, options.maxItems);
    yield page.items;
    if (page.isTruncated !== true) return;
    const next = page.marker;
    if (next === undefined || next === '') {
      throw new AcrctlError('cloud.pagination', 'the service said IsTruncated but sent no Marker');
    }
    if (seenMarkers.has(next)) throw new AcrctlError('cloud.pagination', `the service returned Marker ${JSON.stringify(next)} twice`);
    seenMarkers.add(next);
    marker = next;
  }
  throw new AcrctlError('cloud.pagination', `gave up after ${MAX_PAGES} pages`);
}

/** Drains a page iterator into one array. `pages` is the number of List calls made (one per page, empty pages included). */
export async function collectAll<T>(pages: AsyncIterable<readonly T[]>): Promise<Collected<T>> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    count++;
    for (const item of page) items.push(item);
  }
  return { items, pages: count };
}

/**
 * Collects a PageNo/PageSize list with the pages after the first fetched concurrently: page 1 tells
 * TotalCount, so every other page number is known at once. At 50 ms a call, 100 pages take ~6
 * round trips instead of 100. Exactly the minimum number of List calls is made (no trailing empty
 * page); the product limiter still caps how many run at once. Without a TotalCount the pages are
 * fetched one after another, as {@link pagesByNumber} does.
 */
export async function collectByNumberParallel<T>(
  fetch: (pageNo: number, pageSize: number) => Promise<NumberedPage<T>>,
  options: { readonly pageSize: number; readonly concurrency?: number },
): Promise<Collected<T>> {
  const { pageSize } = options;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const first = await fetch(1, pageSize);
  const total = parseTotal(first.totalCount);
  if (total === undefined || first.items.length === 0) {
    if (first.items.length === 0 || first.items.length < Math.min(pageSize, parseTotal(first.pageSize) ?? pageSize)) return { items: [...first.items], pages: 1 };
    const rest = await collectAll(pagesByNumber(fetch, { pageSize, firstPage: 2 }));
    return { items: [...first.items, ...rest.items], pages: 1 + rest.pages };
  }
  // The size the service really used: its echo, else what page 1 held when more remain.
  const used = Math.max(1, Math.min(pageSize, parseTotal(first.pageSize) ?? (first.items.length < total ? first.items.length : pageSize)));
  const lastPage = Math.min(MAX_PAGES, Math.max(1, Math.ceil(total / used)));
  const results: (readonly T[])[] = [first.items];
  let next = 2;
  const worker = async () => {
    for (let pageNo = next++; pageNo <= lastPage; pageNo = next++) results[pageNo - 1] = (await fetch(pageNo, pageSize)).items;
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, lastPage - 1)) }, worker));
  const items: T[] = [];
  for (const page of results) if (page) for (const item of page) items.push(item);
  return { items, pages: lastPage };
}
