/**
 * Generic callers over the official runtime `@alicloud/openapi-core` `Client.callApi`: RPC for
 * cr 2018-12-01, BSS, CBN and PrivateZone, and ROA for Personal Edition (cr 2016-06-07), whose
 * generated SDK declares `bodyType: none` and so cannot read responses (cr-2016-06-07.json
 * `conventions.sdk_gap`). The runtime signs (ACS3-HMAC-SHA256 by default) and sends; we never patch it.
 *
 * Owns: parameter flattening (shared/api/PROTOCOL.md §1), building `Params`/`OpenApiRequest`,
 * turning cr/BSS business failures (HTTP 200 with `IsSuccess:false` / `Success:false`) into thrown
 * errors. Must not retry, rate limit or count: the session's pipeline does that around these calls.
 */
import * as openapiCore from '@alicloud/openapi-core';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, runtimeTimeouts, type CallTimeouts } from './timeouts.js';

/**
 * The SDK's base client class. The package is CommonJS: Node's ESM loader puts its default export
 * at `.default.default`, vitest's interop at `.default` (same helper as sdk.ts, inlined to avoid a cycle).
 */
const OpenApiClient: typeof openapiCore.default.default = (() => {
  const d = (openapiCore as { readonly default: unknown }).default;
  return (typeof d === 'function' ? d : (d as { readonly default: unknown }).default) as typeof openapiCore.default.default;
})();
const { $OpenApiUtil, OpenApiUtil } = openapiCore;

type CallApi = InstanceType<typeof openapiCore.default.default>['callApi'];
/** The runtime options type `callApi` takes (`@darabonba/typescript` RuntimeOptions). */
export type SdkRuntimeOptions = Parameters<CallApi>[2];
/** The `config.credential` the runtime accepts: anything with `getCredential()` (an @alicloud/credentials Credential). */
export type SdkCredential = NonNullable<ConstructorParameters<typeof $OpenApiUtil.Config>[0]>['credential'];

/** What our callers need from a runtime client; the real one is `@alicloud/openapi-core` Client. */
export interface OpenApiClientLike {
  callApi(
    params: InstanceType<typeof $OpenApiUtil.Params>,
    request: InstanceType<typeof $OpenApiUtil.OpenApiRequest>,
    runtime: SdkRuntimeOptions,
  ): Promise<Record<string, unknown>>;
}

/** Connection settings for one client (one per account, product and region). */
export interface ClientConfig {
  readonly credential: SdkCredential;
  /** Bare `host[:port]`. */
  readonly endpoint: string;
  readonly protocol: 'https' | 'http';
  readonly regionId: string;
  /**
   * The client's default budgets (timeouts.ts; a call may pass its own). Default
   * {@link DEFAULT_READ_TIMEOUT_MS} and {@link DEFAULT_CONNECT_TIMEOUT_MS}. The connect budget is
   * enforced by wire.ts around each call, not by the runtime.
   */
  readonly readTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS };

/**
 * The openapi-core `Config` for a client: endpoint/protocol override, credential, timeouts. The
 * runtime's `connectTimeout` is its socket idle timeout for the whole exchange, so it is set to
 * read + connect budget (timeouts.ts `runtimeTimeouts`), never shorter than the read budget.
 */
export function sdkConfig(config: ClientConfig): InstanceType<typeof $OpenApiUtil.Config> {
  const t = runtimeTimeouts({
    readMs: config.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
    connectMs: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });
  return new $OpenApiUtil.Config({
    credential: config.credential,
    endpoint: config.endpoint,
    protocol: config.protocol,
    regionId: config.regionId,
    readTimeout: t.readTimeout,
    connectTimeout: t.connectTimeout,
  });
}

/** Creates the official base client. */
export function createOpenApiClient(config: ClientConfig): OpenApiClientLike {
  return new OpenApiClient(sdkConfig(config)) as unknown as OpenApiClientLike;
}

/**
 * Runtime options: no SDK-level retries (ours wrap the call); with `timeouts`, this call's budgets
 * instead of the client's.
 */
export function runtimeOptions(timeouts?: CallTimeouts): SdkRuntimeOptions {
  return { autoretry: false, ...(timeouts ? runtimeTimeouts(timeouts) : {}) } as unknown as SdkRuntimeOptions;
}

/** A parameter value before flattening. */
export type ParamValue = string | number | boolean | null | undefined | readonly ParamValue[] | { readonly [k: string]: ParamValue };

/**
 * Flattens request parameters as the SDKs do (PROTOCOL.md §1): arrays become `Name.1`, `Name.2`…;
 * arrays of objects `Name.1.Field`; nested objects `Name.Field`; booleans and numbers become strings;
 * undefined and null are left out. Names in `shrink` (the SDK's "Shrink" parameters) are sent as one
 * JSON string instead. Pure.
 */
export function flattenParams(
  params: { readonly [k: string]: ParamValue },
  shrink: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (prefix: string, value: ParamValue): void => {
    if (value === undefined || value === null) return;
    if (typeof value === 'string') out[prefix] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[prefix] = String(value);
    else if (Array.isArray(value)) {
      (value as readonly ParamValue[]).forEach((item, i) => put(`${prefix}.${i + 1}`, item));
    } else {
      for (const [k, v] of Object.entries(value)) put(`${prefix}.${k}`, v);
    }
  };
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (shrink.includes(name) && typeof value !== 'string') out[name] = JSON.stringify(value);
    else put(name, value);
  }
  return out;
}

/** A business failure reported in a 2xx body (cr `IsSuccess:false`, BSS/PrivateZone `Success:false`). */
export class BusinessError extends Error {
  override readonly name = 'BusinessError';
  readonly statusCode: number;
  constructor(
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    statusCode: number,
    /** The response body (never holds credentials: it is what the service sent back). */
    readonly data: Record<string, unknown>,
  ) {
    super(message);
    this.statusCode = statusCode;
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Throws a {@link BusinessError} when a 2xx body reports failure. */
export function checkBusinessBody(body: Record<string, unknown>, statusCode: number): void {
  const failed = body['IsSuccess'] === false || body['Success'] === false;
  if (!failed) return;
  const code = typeof body['Code'] === 'string' && body['Code'] !== '' ? body['Code'] : 'BusinessError';
  const message = typeof body['Message'] === 'string' ? body['Message'] : 'the service reported a failure';
  const requestId = typeof body['RequestId'] === 'string' ? body['RequestId'] : undefined;
  throw new BusinessError(code, message, requestId, statusCode, body);
}

/** One RPC action call. */
export interface RpcCall {
  readonly action: string;
  readonly version: string;
  readonly protocol: 'https' | 'http';
  /** POST for every action we use except a few cr GET actions. */
  readonly method?: 'POST' | 'GET';
  readonly params: { readonly [k: string]: ParamValue };
  readonly shrink?: readonly string[];
  /** This call's budgets (default: the client's). */
  readonly timeouts?: CallTimeouts;
}

/** Calls an RPC action and returns its JSON body, throwing SDK errors or a {@link BusinessError}. */
export async function callRpc<T>(client: OpenApiClientLike, call: RpcCall): Promise<T> {
  const params = new $OpenApiUtil.Params({
    action: call.action,
    version: call.version,
    protocol: call.protocol.toUpperCase(),
    pathname: '/',
    method: call.method ?? 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const request = new $OpenApiUtil.OpenApiRequest({
    query: OpenApiUtil.query(flattenParams(call.params, call.shrink)),
  });
  const res = await client.callApi(params, request, runtimeOptions(call.timeouts));
  const body = asRecord(res['body']);
  checkBusinessBody(body, typeof res['statusCode'] === 'number' ? res['statusCode'] : 200);
  return body as T;
}

/** One ROA action call (Personal Edition). */
export interface RoaCall {
  readonly action: string;
  readonly version: string;
  readonly protocol: 'https' | 'http';
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path pattern with `{Name}` segments, e.g. `/repos/{RepoNamespace}/{RepoName}/tags`. */
  readonly pattern: string;
  readonly pathParams?: { readonly [k: string]: string };
  readonly query?: { readonly [k: string]: ParamValue };
  readonly body?: unknown;
  /** This call's budgets (default: the client's). */
  readonly timeouts?: CallTimeouts;
}

/** Builds a ROA path, URL-encoding each path parameter; a missing parameter is a programming error. */
export function roaPath(pattern: string, pathParams: { readonly [k: string]: string } = {}): string {
  return pattern.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = pathParams[name];
    if (v === undefined) throw new TypeError(`missing path parameter ${name} for ${pattern}`);
    return encodeURIComponent(v);
  });
}

/** Calls a ROA action with bodyType json and returns the JSON body. */
export async function callRoa<T>(client: OpenApiClientLike, call: RoaCall): Promise<T> {
  const params = new $OpenApiUtil.Params({
    action: call.action,
    version: call.version,
    protocol: call.protocol.toUpperCase(),
    pathname: roaPath(call.pattern, call.pathParams),
    method: call.method,
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const request = new $OpenApiUtil.OpenApiRequest({
    query: OpenApiUtil.query(flattenParams(call.query ?? {})),
    ...(call.body !== undefined ? { body: call.body } : {}),
  });
  const res = await client.callApi(params, request, runtimeOptions(call.timeouts));
  return asRecord(res['body']) as T;
}
