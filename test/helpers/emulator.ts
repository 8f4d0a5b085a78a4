/**
 * Test conveniences around the emulator: start it on port 0, create accounts, and drive it with the
 * official client runtime exactly as acrctl will (openapi-core `callApi`, product SDK clients), over
 * HTTP on loopback. Never patches or wraps the SDKs: clients only get `endpoint` and `protocol`.
 *
 * Usage:
 *   const t = await startTestEmulator();            // afterAll(() => t.close())
 *   const keys = await t.account('1234567890123456');
 *   const body = await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', { PageSize: 7 }, keys);
 *   const sts = await t.stsClient(keys);            // official @alicloud/sts20150401 client
 */
import * as OpenApi from '@alicloud/openapi-core';
import type * as StsSdk from '@alicloud/sts20150401';
import type * as RamSdk from '@alicloud/ram20150501';
import type * as VpcSdk from '@alicloud/vpc20160428';
import { RuntimeOptions } from '@darabonba/typescript';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import type { AccountKeys, Product } from '../../src/emulator/core/contract.js';

/** API version of every product the emulator serves. */
export const PRODUCT_VERSIONS: Readonly<Record<Product, string>> = {
  cr: '2018-12-01',
  crpe: '2016-06-07',
  bss: '2017-12-14',
  ram: '2015-05-01',
  sts: '2015-04-01',
  cbn: '2017-09-12',
  vpc: '2016-04-28',
  pvtz: '2018-01-01',
  cas: '2020-04-07',
};

/** Credentials as a client is configured with them (permanent or STS). */
export interface ClientKeys {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface ClientOptions {
  /** `v2` selects the v1 HMAC-SHA1 path (doRPCRequest / doROARequest); default ACS3. */
  readonly signatureAlgorithm?: 'v2';
  /** Sent as globalParameters.headers (e.g. a fixed x-acs-date or x-acs-signature-nonce). */
  readonly headers?: Record<string, string>;
  /** The regionId of the client config (default the region asked for, or cn-hangzhou). */
  readonly regionId?: string;
}

export interface RpcCallOptions extends ClientOptions {
  /** Where the parameters go: the query (what the SDKs do, default) or a form body (what Terraform does). */
  readonly paramsIn?: 'query' | 'body';
  /** HTTP method (default POST). */
  readonly method?: 'GET' | 'POST';
}

export interface RoaCallOptions extends ClientOptions {
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}

/** The openapi-core Client class (the package is CommonJS with `exports.default`). */
/**
 * The class a CommonJS SDK package exports as `exports.default`. Node's ESM loader puts it at
 * `.default.default`; vitest's interop at `.default`: accept both.
 */
function cjsDefault<T>(mod: { default: { default: T } }): T {
  const d = mod.default as unknown;
  return (typeof d === 'function' ? d : (d as { default: T }).default) as T;
}

export const OpenApiClient = cjsDefault<typeof OpenApi.default.default>(OpenApi);
export type OpenApiClient = InstanceType<typeof OpenApiClient>;
export const { $OpenApiUtil, OpenApiUtil, ClientError, ServerError, ThrottlingError } = OpenApi;

/** Builds an openapi-core Config for an emulator endpoint. */
export function clientConfig(endpoint: string, keys: ClientKeys, opts: ClientOptions = {}): OpenApi.$OpenApiUtil.Config {
  const config = new $OpenApiUtil.Config({
    accessKeyId: keys.accessKeyId,
    accessKeySecret: keys.accessKeySecret,
    endpoint,
    protocol: 'http',
    regionId: opts.regionId ?? 'cn-hangzhou',
  });
  if (keys.securityToken !== undefined) config.securityToken = keys.securityToken;
  if (opts.signatureAlgorithm !== undefined) config.signatureAlgorithm = opts.signatureAlgorithm;
  if (opts.headers !== undefined) config.globalParameters = new $OpenApiUtil.GlobalParameters({ headers: opts.headers });
  return config;
}

export class TestEmulator {
  constructor(readonly emu: Emulator) {}

  get url(): string {
    return this.emu.url;
  }

  /** Creates the account (if new) and returns a fresh access key for it. */
  account(uid: string): Promise<AccountKeys> {
    return this.emu.createAccount(uid);
  }

  endpoint(product: Product, region: string): Promise<string> {
    return this.emu.endpoint(product, region);
  }

  /** An admin call; resolves to the status and parsed JSON body (never throws on 4xx). */
  async admin<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await fetch(`${this.emu.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }

  /** An openapi-core client on the product's endpoint for `region` (`global` for global products). */
  async client(product: Product, region: string, keys: ClientKeys, opts: ClientOptions = {}): Promise<OpenApiClient> {
    const endpoint = await this.emu.endpoint(product, region);
    return new OpenApiClient(clientConfig(endpoint, keys, { regionId: region === 'global' ? 'cn-hangzhou' : region, ...opts }));
  }

  /**
   * A generic RPC call through openapi-core `callApi`, as PROTOCOL.md §4 describes: Params
   * {action, version, protocol:'HTTP', pathname:'/', method:'POST', authType:'AK', style:'RPC',
   * reqBodyType:'formData', bodyType:'json'}, the parameters flattened with OpenApiUtil.query.
   * Resolves to the response body; SDK errors (ClientError, ThrottlingError, ServerError) propagate.
   */
  async callRpc(
    product: Product,
    region: string,
    action: string,
    params: Record<string, unknown>,
    keys: ClientKeys,
    opts: RpcCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const client = await this.client(product, region, keys, opts);
    const flat = OpenApiUtil.query(params);
    const request = new $OpenApiUtil.OpenApiRequest(opts.paramsIn === 'body' ? { body: flat } : { query: flat });
    const apiParams = new $OpenApiUtil.Params({
      action,
      version: PRODUCT_VERSIONS[product],
      protocol: 'HTTP',
      pathname: '/',
      method: opts.method ?? 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    const res = (await client.callApi(apiParams, request, new RuntimeOptions({}))) as { body: Record<string, unknown> };
    return res.body;
  }

  /**
   * A Personal Edition (cr 2016-06-07) ROA call through openapi-core `callApi` with style ROA,
   * reqBodyType json, bodyType json. `pathname` must already hold encoded path parameters.
   */
  async callRoa(
    region: string,
    action: string,
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    pathname: string,
    keys: ClientKeys,
    opts: RoaCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const client = await this.client('crpe', region, keys, opts);
    const init: { query?: Record<string, string>; body?: unknown } = {};
    if (opts.query !== undefined) init.query = opts.query;
    if (opts.body !== undefined) init.body = opts.body;
    const request = new $OpenApiUtil.OpenApiRequest(init);
    const apiParams = new $OpenApiUtil.Params({
      action,
      version: PRODUCT_VERSIONS.crpe,
      protocol: 'HTTP',
      pathname,
      method,
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      bodyType: 'json',
    });
    const res = (await client.callApi(apiParams, request, new RuntimeOptions({}))) as { body: Record<string, unknown> };
    return res.body;
  }

  /** The official STS client (global product: the main port). */
  async stsClient(keys: ClientKeys, opts: ClientOptions = {}): Promise<InstanceType<typeof StsSdk.default.default>> {
    const mod = await import('@alicloud/sts20150401');
    const Sts = cjsDefault<typeof mod.default.default>(mod);
    return new Sts(clientConfig(await this.emu.endpoint('sts', 'global'), keys, opts));
  }

  /** The official RAM client (global product: the main port). */
  async ramClient(keys: ClientKeys, opts: ClientOptions = {}): Promise<InstanceType<typeof RamSdk.default.default>> {
    const mod = await import('@alicloud/ram20150501');
    const Ram = cjsDefault<typeof mod.default.default>(mod);
    return new Ram(clientConfig(await this.emu.endpoint('ram', 'global'), keys, opts));
  }

  /** The official VPC client on the region's port. */
  async vpcClient(region: string, keys: ClientKeys, opts: ClientOptions = {}): Promise<InstanceType<typeof VpcSdk.default.default>> {
    const mod = await import('@alicloud/vpc20160428');
    const Vpc = cjsDefault<typeof mod.default.default>(mod);
    return new Vpc(clientConfig(await this.emu.endpoint('vpc', region), keys, { regionId: region, ...opts }));
  }

  close(): Promise<void> {
    return this.emu.close();
  }
}

/** Starts an emulator on a free port of 127.0.0.1 (stop it with `close()` in afterAll/afterEach). */
export async function startTestEmulator(opts: EmulatorOptions = {}): Promise<TestEmulator> {
  return new TestEmulator(await startEmulator({ port: 0, ...opts }));
}
