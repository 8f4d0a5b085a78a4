/**
 * A `CloudSession` is what the planner and executor use to talk to the cloud: built from the declared
 * accounts (alias → UID + credentials), an endpoint resolver, retry and rate-limit settings and a
 * reporter; it hands out typed product clients per (alias, region), counts every API request per
 * product and action, and checks identities.
 *
 * Owns: one runtime client per (account, product, region), created on first use and reused; the
 * shared per-product limiters; the call counter; the set of secrets to redact.
 * Must not print (events go to the reporter) and must not know any resource kind.
 *
 * Area note (src/cloud/): this folder owns every conversation with the vendor's APIs: typed product
 * clients (cr, crpe, bss, cbn, pvtz, cas on the generic caller; ram, sts, vpc on their official SDKs),
 * credentials, endpoints, retries, rate limits and pagination. Nothing outside it imports
 * `@alicloud/*`. It must not import src/config, src/plan, src/kinds or src/apply.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { AcrctlError } from '../errors.js';
import { AcrEeBilling, BSS_INTERNATIONAL_REGION, BSS_VERSION, BssClient, type Site } from './bss.js';
import { CBN_VERSION, CbnClient } from './cbn.js';
import { CR_VERSION, CrClient } from './cr.js';
import { CRPE_VERSION, CrpeClient } from './crpe.js';
import {
  SecretSet,
  buildCredential,
  describeCredentials,
  type AccountCredentials,
  type AssumedCredentials,
  type SdkCredentialObject,
} from './credentials.js';
import { realEndpoints, type EndpointResolver, type ResolvedEndpoint } from './endpoints.js';
import type { CloudProduct } from './errors.js';
import { openOssBucket, type ObjectBucket, type OssMeter } from './oss.js';
import { PVTZ_VERSION, PvtzClient } from './pvtz.js';
import { CAS_VERSION, CasClient, casRegionFor } from './cas.js';
import { ProductLimiters, type LimiterSettings } from './ratelimit.js';
import { createRamSdk, RamClient, type RamSdkClient } from './ram.js';
import type { RetryPolicy } from './retry.js';
import { callRoa, callRpc, createOpenApiClient, type ClientConfig, type OpenApiClientLike, type ParamValue } from './rpc.js';
import { createStsSdk, StsClient, type StsSdkClient } from './sts.js';
import { callTimeouts, productTimeouts, type CallTimeouts, type TimeoutSettings } from './timeouts.js';
import { createVpcSdk, VpcClient, type VpcSdkClient } from './vpc.js';
import {
  CallCounter,
  runCall,
  type CallSemantics,
  type CloudReporter,
  type PipelineDeps,
  type RoaCallFn,
  type RpcCallFn,
  type SdkCallFn,
} from './pipeline.js';

/** One declared account. */
export interface AccountSpec {
  /** The 16-digit account UID declared in registry.yaml. */
  readonly uid: string;
  readonly credentials: AccountCredentials;
  /** The account's site when registry.yaml declares it; absent: detected on the first BSS call. */
  readonly site?: Site;
}

export interface CloudSessionOptions {
  /** Accounts by alias. */
  readonly accounts: Readonly<Record<string, AccountSpec>>;
  /** Default: the vendor's real endpoints. */
  readonly endpoints?: EndpointResolver;
  readonly retry?: Partial<RetryPolicy>;
  /** Limiter settings for every product, then per product. */
  readonly limits?: Partial<LimiterSettings>;
  readonly limitsPerProduct?: Partial<Record<CloudProduct, Partial<LimiterSettings>>>;
  readonly reporter?: CloudReporter;
  /** Inject `sleep` and `now` together: the limiter waits by sleeping until `now` shows a token is due. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Environment for `env` credentials; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces every call's read budget (timeouts.ts; default per product and action). */
  readonly readTimeoutMs?: number;
  /** Replaces the connect budget (default: timeouts.ts). */
  readonly connectTimeoutMs?: number;
  /**
   * Largest PageSize/MaxResults acrctl asks for on any List call (default: each action's own
   * maximum). Plans must not depend on it; tests read at 1, 7 and 100 to prove that.
   */
  readonly pageSize?: number;
  /** ClientToken generator for idempotent creates; default crypto.randomUUID. */
  readonly newClientToken?: () => string;
  /** Creates the runtime client for RPC/ROA products; default the real `@alicloud/openapi-core` Client. */
  readonly clientFactory?: (product: CloudProduct, config: ClientConfig) => OpenApiClientLike;
}

/** Request parameters that size a page, across the products' paging styles. */
const PAGE_SIZE_PARAMS = ['PageSize', 'MaxResults', 'MaxItems'] as const;

/** Products served from one global host whatever the region. */
const GLOBAL_PRODUCTS: ReadonlySet<CloudProduct> = new Set(['ram', 'sts', 'bss', 'cbn', 'pvtz']);
/** Region used for global products' client config. */
const GLOBAL_REGION = 'global';
const DEFAULT_SIGNING_REGION = 'cn-hangzhou';

/**
 * The region an endpoint is resolved for: global products' one region, except BSS on the
 * international site, whose endpoint is `business.ap-southeast-1.aliyuncs.com`.
 */
function endpointRegion(product: CloudProduct, region: string): string {
  if (product === 'bss' && region === BSS_INTERNATIONAL_REGION) return region;
  return GLOBAL_PRODUCTS.has(product) ? GLOBAL_REGION : region;
}

const VERSIONS: Readonly<Record<CloudProduct, string>> = {
  cr: CR_VERSION,
  crpe: CRPE_VERSION,
  bss: BSS_VERSION,
  cbn: CBN_VERSION,
  pvtz: PVTZ_VERSION,
  cas: CAS_VERSION,
  ram: '2015-05-01',
  sts: '2015-04-01',
  vpc: '2016-04-28',
};

/** The result of checking one account's identity. */
export interface IdentityCheck {
  readonly alias: string;
  readonly uid: string;
  readonly arn: string | undefined;
  readonly identityType: string | undefined;
}

export class CloudSession {
  readonly accounts: Readonly<Record<string, AccountSpec>>;
  readonly endpoints: EndpointResolver;
  /** Requests per product and action (every attempt counts). */
  readonly calls = new CallCounter();
  readonly limiters: ProductLimiters;
  readonly secrets = new SecretSet();
  readonly #deps: PipelineDeps;
  readonly #options: CloudSessionOptions;
  readonly #newClientToken: () => string;
  readonly #credentials = new Map<string, SdkCredentialObject>();
  readonly #runtimeClients = new Map<string, Promise<unknown>>();
  readonly #productClients = new Map<string, unknown>();
  /** Sites learned from BSS in this session (run), by account alias. */
  readonly #sites = new Map<string, Site>();
  #closed = false;

  constructor(options: CloudSessionOptions) {
    this.#options = options;
    this.accounts = options.accounts;
    this.endpoints = options.endpoints ?? realEndpoints();
    const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
    const now = options.now ?? Date.now;
    this.limiters = new ProductLimiters({ now, sleep }, options.limits ?? {}, options.limitsPerProduct ?? {});
    this.#newClientToken = options.newClientToken ?? randomUUID;
    this.#deps = {
      limiters: this.limiters,
      counter: this.calls,
      retry: options.retry ?? {},
      sleep,
      random: options.random ?? Math.random,
      reporter: options.reporter ?? (() => undefined),
      secrets: () => this.secrets.values(),
      timeouts: (product, action) => this.#timeouts(product, action),
    };
  }

  /** The budgets of one call: the table's, or the session's overrides. */
  #timeouts(product: CloudProduct, action: string): CallTimeouts {
    return callTimeouts(product, action, this.#timeoutSettings());
  }

  #timeoutSettings(): TimeoutSettings {
    return {
      ...(this.#options.readTimeoutMs !== undefined ? { readMs: this.#options.readTimeoutMs } : {}),
      ...(this.#options.connectTimeoutMs !== undefined ? { connectMs: this.#options.connectTimeoutMs } : {}),
    };
  }

  /**
   * How long a call may take before its outcome counts as unknown (its read budget, timeouts.ts,
   * or the session's override): a request a killed run sent can land until then.
   */
  readBudgetMs(product: CloudProduct, action: string): number {
    return this.#timeouts(product, action).readMs;
  }

  /** The page size to ask for: the action's `preferred` maximum, capped by the session's option. */
  pageSize(preferred: number): number {
    const cap = this.#options.pageSize;
    return cap !== undefined && cap >= 1 ? Math.min(cap, preferred) : preferred;
  }

  /** The declared account for an alias; an unknown alias is a programming or config error. */
  account(alias: string): AccountSpec {
    const a = this.accounts[alias];
    if (a === undefined) {
      throw new AcrctlError('cloud.account', `unknown account ${JSON.stringify(alias)}`, {
        hint: `declared accounts: ${Object.keys(this.accounts).sort().join(', ') || '(none)'}`,
      });
    }
    return a;
  }

  /** cr 2018-12-01 (Enterprise Edition) in a region. */
  cr(alias: string, region: string): CrClient {
    return this.#product(`cr|${alias}|${region}`, () => new CrClient(this.#rpcCall('cr', alias, region)));
  }

  /** cr 2016-06-07 (Personal Edition) in a region. */
  crpe(alias: string, region: string): CrpeClient {
    return this.#product(`crpe|${alias}|${region}`, () => new CrpeClient(this.#roaCall('crpe', alias, region)));
  }

  /** BSS on a site's endpoint (default the China site's `business.aliyuncs.com`). */
  bss(alias: string, site: Site = 'china'): BssClient {
    const region = site === 'international' ? BSS_INTERNATIONAL_REGION : GLOBAL_REGION;
    return this.#product(`bss|${alias}|${site}`, () => new BssClient(this.#rpcCall('bss', alias, region), this.#newClientToken));
  }

  /**
   * BSS for the account's Enterprise Edition instances, on its site: the declared one, or the one
   * detected on the first call and remembered for the session (bss.ts AcrEeBilling).
   */
  acrEe(alias: string): AcrEeBilling {
    const declared = this.account(alias).site;
    return this.#product(`acr-ee|${alias}`, () =>
      new AcrEeBilling(alias, (site) => this.bss(alias, site), {
        declared,
        learned: () => this.#sites.get(alias),
        learn: (site) => {
          if (this.#sites.get(alias) === site) return;
          this.#sites.set(alias, site);
          this.#deps.reporter({ level: 'debug', code: 'cloud.site', message: `account ${alias} is a ${site}-site account (BSS answered on that site)`, data: { alias, site } });
        },
      }),
    );
  }

  /** An account's site: declared, else learned from BSS in this session, else undefined. */
  siteOf(alias: string): Site | undefined {
    return this.accounts[alias]?.site ?? this.#sites.get(alias);
  }

  cbn(alias: string): CbnClient {
    return this.#product(`cbn|${alias}`, () => new CbnClient(this.#rpcCall('cbn', alias, GLOBAL_REGION), this.#newClientToken));
  }

  pvtz(alias: string): PvtzClient {
    return this.#product(`pvtz|${alias}`, () => new PvtzClient(this.#rpcCall('pvtz', alias, GLOBAL_REGION), this.#newClientToken));
  }

  /**
   * Certificate Management Service for certificates used in `region`: its own endpoint where it has
   * one, else `cas.aliyuncs.com` (region cn-hangzhou); issue 14 item 6.
   */
  cas(alias: string, region: string): CasClient {
    const casRegion = casRegionFor(region);
    return this.#product(`cas|${alias}|${casRegion}`, () => new CasClient(this.#rpcCall('cas', alias, casRegion)));
  }

  ram(alias: string): RamClient {
    return this.#product(`ram|${alias}`, () => {
      const sdk = () => this.#runtime<RamSdkClient>('ram', alias, GLOBAL_REGION, (config) => createRamSdk(config));
      return new RamClient(sdk, this.#sdkCall('ram', alias, GLOBAL_REGION));
    });
  }

  sts(alias: string): StsClient {
    return this.#product(`sts|${alias}`, () => {
      const sdk = () => this.#runtime<StsSdkClient>('sts', alias, GLOBAL_REGION, (config) => createStsSdk(config));
      return new StsClient(sdk, this.#sdkCall('sts', alias, GLOBAL_REGION));
    });
  }

  vpc(alias: string, region: string): VpcClient {
    return this.#product(`vpc|${alias}|${region}`, () => {
      const sdk = () => this.#runtime<VpcSdkClient>('vpc', alias, region, (config) => createVpcSdk(config));
      return new VpcClient(sdk, this.#sdkCall('vpc', alias, region), this.#newClientToken);
    });
  }

  /**
   * A bucket of the account's, through ali-oss with the account's credentials chain (the run
   * store). The endpoint is the region's (`oss-<region>.aliyuncs.com`, or the emulator's port).
   */
  async ossBucket(alias: string, region: string, bucket: string, opts: { readonly meter?: OssMeter } = {}): Promise<ObjectBucket> {
    this.account(alias);
    const resolved = await this.endpoints.resolve('oss', region);
    const credential = this.#credential(alias);
    return openOssBucket({
      bucket,
      region,
      endpoint: { host: resolved.endpoint, protocol: resolved.protocol },
      keys: async () => {
        const c = await credential.getCredential();
        return { accessKeyId: c.accessKeyId ?? '', accessKeySecret: c.accessKeySecret ?? '', ...(c.securityToken ? { securityToken: c.securityToken } : {}) };
      },
      ...(opts.meter ? { meter: opts.meter } : {}),
    });
  }

  /**
   * Checks with STS GetCallerIdentity that each account's credentials belong to its declared UID
   * (all accounts by default, in parallel). A mismatch is an AcrctlError naming the alias and both
   * UIDs; credential problems surface as the underlying typed error. Never includes a secret.
   */
  async verifyIdentities(aliases: readonly string[] = Object.keys(this.accounts).sort()): Promise<IdentityCheck[]> {
    return Promise.all(
      aliases.map(async (alias) => {
        const declared = this.account(alias);
        const who = await this.sts(alias).getCallerIdentity();
        const actual = who.accountId;
        if (actual !== declared.uid) {
          throw new AcrctlError(
            'credentials.mismatch',
            `account ${alias}: the credentials (${describeCredentials(declared.credentials)}) belong to UID ${actual ?? '(none)'}, but registry.yaml declares UID ${declared.uid}`,
            { hint: `fix accounts.${alias}.uid or accounts.${alias}.credentials` },
          );
        }
        this.#deps.reporter({
          level: 'debug',
          code: 'cloud.identity',
          message: `account ${alias} is UID ${actual}`,
          data: { alias, uid: actual, arn: who.arn, identityType: who.identityType },
        });
        return { alias, uid: actual, arn: who.arn, identityType: who.identityType };
      }),
    );
  }

  /** Stops handing out clients; later calls fail with `cloud.closed`. Idempotent. */
  close(): Promise<void> {
    this.#closed = true;
    this.#productClients.clear();
    this.#runtimeClients.clear();
    this.#credentials.clear();
    return Promise.resolve();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #assertOpen(): void {
    if (this.#closed) throw new AcrctlError('cloud.closed', 'the cloud session is closed');
  }

  #product<T>(key: string, make: () => T): T {
    this.#assertOpen();
    let c = this.#productClients.get(key) as T | undefined;
    if (c === undefined) {
      c = make();
      this.#productClients.set(key, c);
    }
    return c;
  }

  #credential(alias: string): SdkCredentialObject {
    let c = this.#credentials.get(alias);
    if (!c) {
      const spec = this.account(alias);
      c = buildCredential(spec.credentials, {
        secrets: this.secrets,
        alias,
        ...(this.#options.env !== undefined ? { env: this.#options.env } : {}),
        ...(this.#options.now !== undefined ? { now: this.#options.now } : {}),
        ...(this.endpoints.emulated ? { assumeRole: (source, req) => this.#assumeRoleOnEmulator(alias, source, req) } : {}),
      });
      this.#credentials.set(alias, c);
    }
    return c;
  }

  async #clientConfig(product: CloudProduct, alias: string, region: string, credential?: SdkCredentialObject): Promise<ClientConfig> {
    const resolved: ResolvedEndpoint = await this.endpoints.resolve(product, endpointRegion(product, region));
    return {
      credential: credential ?? this.#credential(alias),
      endpoint: resolved.endpoint,
      protocol: resolved.protocol,
      regionId: region === GLOBAL_REGION ? DEFAULT_SIGNING_REGION : region,
      // Per product: calls through official SDK methods (ram, sts, vpc) use the client's budgets.
      readTimeoutMs: productTimeouts(product, this.#timeoutSettings()).readMs,
      connectTimeoutMs: productTimeouts(product, this.#timeoutSettings()).connectMs,
    };
  }

  /** One runtime client per (account, product, region), created once (concurrent callers share it). */
  #runtime<T>(product: CloudProduct, alias: string, region: string, make: (config: ClientConfig) => T | Promise<T>): Promise<T> {
    this.#assertOpen();
    const key = `${product}|${alias}|${region}`;
    let p = this.#runtimeClients.get(key) as Promise<T> | undefined;
    if (!p) {
      p = this.#clientConfig(product, alias, region).then(make);
      this.#runtimeClients.set(key, p);
      p.catch(() => this.#runtimeClients.delete(key));
    }
    return p;
  }

  #openApi(product: CloudProduct, alias: string, region: string): Promise<OpenApiClientLike> {
    const factory = this.#options.clientFactory ?? ((_p: CloudProduct, config: ClientConfig) => createOpenApiClient(config));
    return this.#runtime(product, alias, region, (config) => factory(product, config));
  }

  async #protocol(product: CloudProduct, region: string): Promise<'http' | 'https'> {
    return (await this.endpoints.resolve(product, endpointRegion(product, region))).protocol;
  }

  #rpcCall(product: CloudProduct, alias: string, region: string): RpcCallFn {
    return async <T>(
      action: string,
      params: object,
      semantics: CallSemantics,
      options: { readonly shrink?: readonly string[]; readonly method?: 'POST' | 'GET'; readonly address?: string } = {},
    ): Promise<T> => {
      const client = await this.#openApi(product, alias, region);
      const protocol = await this.#protocol(product, region);
      return runCall(
        this.#deps,
        { product, action, account: alias, region, ...(options.address !== undefined ? { address: options.address } : {}) },
        semantics,
        () =>
          callRpc<T>(client, {
            action,
            version: VERSIONS[product],
            protocol,
            params: this.#capPaging(params as { readonly [k: string]: ParamValue }),
            ...(options.shrink !== undefined ? { shrink: options.shrink } : {}),
            ...(options.method !== undefined ? { method: options.method } : {}),
            timeouts: this.#timeouts(product, action),
          }),
      );
    };
  }

  #roaCall(product: CloudProduct, alias: string, region: string): RoaCallFn {
    return async <T>(
      action: string,
      request: Parameters<RoaCallFn>[1],
      semantics: CallSemantics,
    ): Promise<T> => {
      const client = await this.#openApi(product, alias, region);
      const protocol = await this.#protocol(product, region);
      return runCall(this.#deps, { product, action, account: alias, region }, semantics, () =>
        callRoa<T>(client, {
          action,
          version: VERSIONS[product],
          protocol,
          method: request.method,
          pattern: request.pattern,
          ...(request.pathParams !== undefined ? { pathParams: request.pathParams } : {}),
          ...(request.query !== undefined ? { query: this.#capPaging(request.query as { readonly [k: string]: ParamValue }) } : {}),
          ...(request.body !== undefined ? { body: request.body } : {}),
          timeouts: this.#timeouts(product, action),
        }),
      );
    };
  }

  /** Applies the session's page-size cap to the paging parameters of an RPC or ROA call. */
  #capPaging(params: { readonly [k: string]: ParamValue }): { readonly [k: string]: ParamValue } {
    const cap = this.#options.pageSize;
    if (cap === undefined) return params;
    let out: { [k: string]: ParamValue } | undefined;
    for (const name of PAGE_SIZE_PARAMS) {
      const v = params[name];
      if (typeof v === 'number' && v > cap) (out ??= { ...params })[name] = cap;
    }
    return out ?? params;
  }

  #sdkCall(product: CloudProduct, alias: string, region: string): SdkCallFn {
    return async <T>(action: string, semantics: CallSemantics, send: () => Promise<T>): Promise<T> => {
      // Resolve the endpoint (cached) before the pipeline, so a bad endpoint is neither counted nor retried.
      await this.endpoints.resolve(product, endpointRegion(product, region));
      return runCall(this.#deps, { product, action, account: alias, region }, semantics, send);
    };
  }

  /** AssumeRole against an emulator (http), signed with the source credential, through the pipeline. */
  async #assumeRoleOnEmulator(
    alias: string,
    source: SdkCredentialObject,
    req: { readonly roleArn: string; readonly roleSessionName: string; readonly durationSeconds: number; readonly externalId?: string },
  ): Promise<AssumedCredentials> {
    const config = await this.#clientConfig('sts', alias, GLOBAL_REGION, source);
    const sdk = createStsSdk(config);
    const sts = new StsClient(() => Promise.resolve(sdk), this.#sdkCall('sts', alias, GLOBAL_REGION));
    const body = await sts.assumeRole({
      roleArn: req.roleArn,
      roleSessionName: req.roleSessionName,
      durationSeconds: req.durationSeconds,
      ...(req.externalId !== undefined ? { externalId: req.externalId } : {}),
    });
    const c = body.credentials;
    if (!c?.accessKeyId || !c.accessKeySecret || !c.securityToken) {
      throw new AcrctlError('credentials.role', `AssumeRole ${req.roleArn} returned no credentials`);
    }
    this.secrets.add(c.accessKeySecret);
    this.secrets.add(c.securityToken);
    const expiresAt = c.expiration ? Date.parse(c.expiration) : (this.#options.now ?? Date.now)() + req.durationSeconds * 1000;
    return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken, expiresAt };
  }
}

