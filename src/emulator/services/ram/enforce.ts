/**
 * RAM enforcement at the emulator's front door: for an enforced caller (authorize.ts
 * `isEnforced`), looks up the API's rule in the shared table (src/cloud/ram-actions.ts), fills its
 * resource ARNs from the request (resources.ts), evaluates the caller's policies and, when they
 * refuse, answers the product's own permission error naming the action and the resource:
 *
 * | product | code | HTTP |
 * |---|---|---|
 * | cr (2018-12-01) | `NoPrivilege` ("Access denied for this user.") | 403 |
 * | crpe (Personal Edition, ROA body) | `NoPermission` | 403 |
 * | bss | `NotAuthorized` | 400 |
 * | ram, sts | `NoPermission` ("You are not authorized to do this action. You should be authorized by RAM.") | 403 |
 * | cbn, vpc, pvtz | `Forbidden.RAM` ("User not authorized to operate on the specified resource, or this API doesn't support RAM.") | 403 |
 * | oss | `AccessDenied` (XML) | 403 |
 *
 * POP errors carry `AccessDeniedDetail`. An API the table does not know is refused to an enforced
 * caller with the action `<product>:<Api>` on `*`: no API passes unchecked.
 */
import { ramResource, ramRule, type RamProduct } from '../../../cloud/ram-actions.js';
import { ApiError, type CallContext, type CallerIdentity, type EmulatorState, type FlatParams, type Product } from '../../core/contract.js';
import { accessDeniedDetail, authorize, denialSentence, isEnforced, type Denial } from './authorize.js';
import type { RequestContext } from './policy.js';
import { placeholderValues, type PlaceholderValues } from './resources.js';

/** The denial of one call, or undefined when it is allowed or not enforced. */
export function denialOf(
  state: EmulatorState,
  accountUid: string,
  caller: CallerIdentity | undefined,
  product: RamProduct,
  api: string,
  values: () => PlaceholderValues,
  ctx: RequestContext,
): Denial | undefined {
  if (caller === undefined || !isEnforced(state, accountUid, caller)) return undefined;
  const rule = ramRule(product, api);
  if (rule === null) return undefined;
  if (rule === undefined) return { verdict: 'ImplicitDeny', action: `${product}:${api}`, resource: '*', caller, accountUid };
  const v = values();
  return authorize(state, accountUid, caller, rule.action, rule.resources.map((r) => ramResource(r, v)), ctx);
}

/** The product's permission error for a denial. */
export function denialError(product: Product, d: Denial): ApiError {
  const detail = { AccessDeniedDetail: accessDeniedDetail(d) };
  const sentence = denialSentence(d);
  switch (product) {
    case 'cr':
      return new ApiError('NoPrivilege', `Access denied for this user. ${sentence}`, 403, 'pop', detail);
    case 'crpe':
      return new ApiError('NoPermission', `You are not authorized to do this action. ${sentence}`, 403, 'roa', detail);
    case 'bss':
      return new ApiError('NotAuthorized', `This API is not authorized for caller. ${sentence}`, 400, 'pop', detail);
    case 'ram':
    case 'sts':
      return new ApiError('NoPermission', `You are not authorized to do this action. You should be authorized by RAM. ${sentence}`, 403, 'pop', detail);
    case 'cbn':
    case 'vpc':
    case 'pvtz':
    case 'cas': // guessed: CAS documents no RAM error code
      return new ApiError('Forbidden.RAM', `User not authorized to operate on the specified resource, or this API doesn't support RAM. ${sentence}`, 403, 'pop', detail);
  }
}

/**
 * What RAM evaluates for one call of an enforced caller: the action, the resource ARNs and the
 * caller's ARN (recorded in the call log); undefined for a caller not enforced or an API that needs
 * no permission.
 */
export function checkedRequest(ctx: CallContext, product: Product, api: string, params: FlatParams): { action: string; resources: string[]; principal: string } | undefined {
  const caller = ctx.caller;
  if (caller === undefined || !isEnforced(ctx.state, ctx.accountUid, caller)) return undefined;
  const rule = ramRule(product, api);
  if (rule === null) return undefined;
  if (rule === undefined) return { action: `${product}:${api}`, resources: ['*'], principal: caller.arn };
  const v = placeholderValues(ctx, product, params);
  return { action: rule.action, resources: rule.resources.map((r) => ramResource(r, v)), principal: caller.arn };
}

/** The RPC/ROA check the server core runs before a handler; an ApiError to answer, or undefined. */
export function checkCall(ctx: CallContext, product: Product, api: string, params: FlatParams, request: RequestContext): ApiError | undefined {
  const d = denialOf(ctx.state, ctx.accountUid, ctx.caller, product, api, () => placeholderValues(ctx, product, params), request);
  return d === undefined ? undefined : denialError(product, d);
}
