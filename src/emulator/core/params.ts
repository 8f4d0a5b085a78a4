/**
 * Reading RPC parameters, paging lists and deriving asynchronous statuses, shared by every product
 * service. Pure: no I/O, no clock of its own (callers pass `now`).
 */
import { ApiError, type EpochMs, type FlatParams } from './contract.js';

/** A required string parameter; a missing or empty one is the POP `MissingParameter` error. */
export function requireString(params: FlatParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw new ApiError(`Missing${name}`, `${name} is mandatory for this action.`, 400);
  }
  return value;
}

/** An optional string parameter. */
export function optionalString(params: FlatParams, name: string): string | undefined {
  const value = params[name];
  return value === undefined || value === '' ? undefined : value;
}

/** An optional integer; a non-integer is `InvalidParameter`. */
export function optionalInt(params: FlatParams, name: string): number | undefined {
  const raw = optionalString(params, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new ApiError('InvalidParameter', `The parameter ${name} is invalid: ${raw} is not an integer.`, 400);
  return Number(raw);
}

/** An optional boolean sent as `true`/`false`; anything else is `InvalidParameter`. */
export function optionalBool(params: FlatParams, name: string): boolean | undefined {
  const raw = optionalString(params, name);
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ApiError('InvalidParameter', `The parameter ${name} is invalid: ${raw} is not a boolean.`, 400);
}

/** An enum parameter; a value outside `allowed` is `InvalidParameter`. */
export function optionalEnum<T extends string>(params: FlatParams, name: string, allowed: readonly T[]): T | undefined {
  const raw = optionalString(params, name);
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ApiError('InvalidParameter', `The parameter ${name} is invalid: ${raw} is not one of ${allowed.join(', ')}.`, 400);
  }
  return raw as T;
}

/** A repeat list of scalars flattened as `Name.1`, `Name.2`, … (1-based, gaps end the list). */
export function repeatList(params: FlatParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const v = params[`${name}.${i}`];
    if (v === undefined) break;
    out.push(v);
  }
  return out;
}

/** A repeat list of objects flattened as `Name.1.Field`; returns one record per index. */
export function repeatObjects(params: FlatParams, name: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (let i = 1; ; i++) {
    const prefix = `${name}.${i}.`;
    const item: Record<string, string> = {};
    let found = false;
    for (const [k, v] of Object.entries(params)) {
      if (k.startsWith(prefix)) {
        item[k.slice(prefix.length)] = v;
        found = true;
      }
    }
    if (!found) break;
    out.push(item);
  }
  return out;
}

/** A "Shrink" parameter: one JSON-encoded string. Malformed JSON is `InvalidParameter`. */
export function jsonParam(params: FlatParams, name: string): unknown {
  const raw = optionalString(params, name);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ApiError('InvalidParameter', `The parameter ${name} is not valid JSON.`, 400);
  }
}

export interface Page<T> {
  readonly items: T[];
  readonly pageNo: number;
  readonly pageSize: number;
  readonly totalCount: number;
}

/**
 * PageNo/PageSize paging (1-based). `PageSize` defaults to `defaultSize` and is clamped to `max`.
 * Items must already be in the service's stable order.
 */
export function paginate<T>(
  items: readonly T[],
  params: FlatParams,
  opts: { defaultSize: number; max: number; pageNoName?: string; pageSizeName?: string },
): Page<T> {
  const pageNo = Math.max(1, optionalInt(params, opts.pageNoName ?? 'PageNo') ?? 1);
  const requested = optionalInt(params, opts.pageSizeName ?? 'PageSize') ?? opts.defaultSize;
  const pageSize = Math.min(Math.max(1, requested), opts.max);
  const start = (pageNo - 1) * pageSize;
  return { items: items.slice(start, start + pageSize), pageNo, pageSize, totalCount: items.length };
}

/**
 * NextToken/MaxResults paging. The token is an opaque offset; an unknown token is `InvalidParameter`.
 * `nextToken` is undefined on the last page.
 */
export function paginateToken<T>(
  items: readonly T[],
  params: FlatParams,
  opts: { defaultSize: number; max: number; tokenName?: string; sizeName?: string },
): { items: T[]; nextToken: string | undefined; maxResults: number; totalCount: number } {
  const token = optionalString(params, opts.tokenName ?? 'NextToken');
  let start = 0;
  if (token !== undefined) {
    const m = /^o(\d+)$/.exec(token);
    if (!m) throw new ApiError('InvalidParameter', `The parameter ${opts.tokenName ?? 'NextToken'} is invalid.`, 400);
    start = Number(m[1]);
  }
  const requested = optionalInt(params, opts.sizeName ?? 'MaxResults') ?? opts.defaultSize;
  const maxResults = Math.min(Math.max(1, requested), opts.max);
  const end = start + maxResults;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? `o${end}` : undefined,
    maxResults,
    totalCount: items.length,
  };
}

/**
 * An asynchronous lifecycle, stored as its start time and phases, so the status is derived from the
 * clock at read time (and survives persistence) instead of being advanced by timers.
 */
export interface Lifecycle<S extends string> {
  readonly startedAt: EpochMs;
  /** Transitional statuses in order, each held for its duration in ms. */
  readonly phases: readonly (readonly [S, number])[];
  /** The status once every phase has elapsed. */
  readonly final: S;
}

/** The status of a lifecycle at `now`. */
export function statusAt<S extends string>(lc: Lifecycle<S>, now: EpochMs): S {
  let t = lc.startedAt;
  for (const [status, duration] of lc.phases) {
    t += duration;
    if (now < t) return status;
  }
  return lc.final;
}

/** The time at which a lifecycle reaches its final status. */
export function settledAt(lc: Lifecycle<string>): EpochMs {
  return lc.phases.reduce((t, [, d]) => t + d, lc.startedAt);
}
