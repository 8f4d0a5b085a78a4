/** Helpers shared by the cr 2018-12-01 handlers: success bodies, paging, the instance of a call. */
import type { CallContext, FlatParams, RpcAction, RpcRequest } from '../../../core/contract.js';
import { optionalString, paginate, paginateToken, requireString } from '../../../core/params.js';
import { crState, findInstance, settle, type CrState, type InstanceRecord } from '../models.js';

/** Every cr success body carries `Code: "success"` and `IsSuccess: true` (cr-api-notes §2). */
export function ok(body: Record<string, unknown> = {}): Record<string, unknown> {
  return { Code: 'success', IsSuccess: true, ...body };
}

/** Default PageSize of cr List actions (the SDK examples use 30). */
export const DEFAULT_PAGE_SIZE = 30;

/** An RPC action whose handler first settles deferred effects (see models.settle). */
export function action(
  mutating: boolean,
  handle: (ctx: CallContext, params: FlatParams, st: CrState) => Record<string, unknown>,
): RpcAction {
  return {
    mutating,
    handle(ctx: CallContext, req: RpcRequest) {
      settle(ctx);
      return handle(ctx, req.params, crState(ctx));
    },
  };
}

/** The `InstanceId` of the call, owned by the caller, in the port's region, RUNNING unless told otherwise. */
export function callInstance(ctx: CallContext, params: FlatParams, st: CrState, running = true): InstanceRecord {
  return findInstance(st, requireString(params, 'InstanceId'), ctx.accountUid, ctx.region, ctx.now(), { running });
}

/** PageNo/PageSize paging; echoes PageNo, PageSize and TotalCount (as a string when `stringTotal`). */
export function pageFields<T>(ctx: CallContext, items: readonly T[], params: FlatParams, stringTotal: boolean): { items: T[]; fields: Record<string, unknown> } {
  const page = paginate(items, params, { defaultSize: DEFAULT_PAGE_SIZE, max: ctx.settings.maxPageSize });
  return {
    items: page.items,
    fields: { PageNo: page.pageNo, PageSize: page.pageSize, TotalCount: stringTotal ? String(page.totalCount) : page.totalCount },
  };
}

/**
 * ListRepository / ListRepoTag paging: NextToken/MaxResults when either is sent (the response then
 * carries MaxResults and, unless on the last page, NextToken), PageNo/PageSize otherwise.
 * TotalCount is a string in both modes.
 */
export function pageOrToken<T>(ctx: CallContext, items: readonly T[], params: FlatParams): { items: T[]; fields: Record<string, unknown> } {
  if (optionalString(params, 'NextToken') !== undefined || optionalString(params, 'MaxResults') !== undefined) {
    const page = paginateToken(items, params, { defaultSize: DEFAULT_PAGE_SIZE, max: ctx.settings.maxPageSize });
    const fields: Record<string, unknown> = { MaxResults: page.maxResults, TotalCount: String(page.totalCount) };
    if (page.nextToken !== undefined) fields['NextToken'] = page.nextToken;
    return { items: page.items, fields };
  }
  return pageFields(ctx, items, params, true);
}
