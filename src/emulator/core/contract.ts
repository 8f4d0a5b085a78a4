/**
 * The contract between the emulator's server core (protocol, signatures, dispatch, faults, admin,
 * persistence) and its product services (`src/emulator/services/<product>/`).
 *
 * Owns: the shapes every service handler sees and returns. Must not import any service, any
 * `node:` module, or anything outside src/emulator/. Services import this file and each other's
 * model modules (for cross-product rules such as cr checking RAM roles); they never import the
 * server.
 *
 * Addressing: every product request arrives on a port. The main port serves the admin API and the
 * global products; each region gets a port of its own (opened on demand), and the port a request
 * arrived on is the region it is for. An unmodified SDK client reaches a region by being given that
 * port as its `endpoint`, exactly as it would be given `cr.<region>.aliyuncs.com`. Products are told
 * apart by API version (x-acs-version header or Version parameter), which is unique per product here.
 */

/** The RPC and ROA products the emulator serves. `crpe` is Personal Edition (cr 2016-06-07, ROA). */
export type Product = 'cr' | 'crpe' | 'bss' | 'ram' | 'sts' | 'cbn' | 'vpc' | 'pvtz' | 'cas';

/**
 * Every product a client can ask an endpoint for: the RPC/ROA products plus OSS, which speaks its
 * own REST protocol on ports of its own (src/emulator/services/oss/, not a {@link Service}).
 */
export type EndpointProduct = Product | 'oss';

/** Global products ignore the port's region; regional products are scoped by it. */
export type ProductScope = 'global' | 'regional';

/** Epoch milliseconds. The emulator's clock is injected so tests can move time. */
export type EpochMs = number;

/**
 * A product error as the real service reports it. The server core renders it:
 * - `kind: 'pop'` (default): a 4xx/5xx POP error body `{RequestId, HostId, Code, Message, Recommend}`;
 * - `kind: 'business'`: cr 2018-12-01 business errors, HTTP 200 with `{RequestId, Code, Message, IsSuccess:false}`;
 * - `kind: 'roa'`: Personal Edition errors, non-2xx with `{code, message, requestId}`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number = 400,
    readonly kind: 'pop' | 'business' | 'roa' = 'pop',
    /** Extra body fields (e.g. AccessDeniedDetail). */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** Extra response headers (e.g. x-acs-retry-after). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** Parameters of an RPC call: the query merged with any form body, still flat (`Tag.1.Key`). */
export type FlatParams = Readonly<Record<string, string>>;

/** An RPC request after signature verification. */
export interface RpcRequest {
  readonly action: string;
  readonly version: string;
  readonly params: FlatParams;
}

/** A ROA request after signature verification (Personal Edition). */
export interface RoaRequest {
  readonly action: string;
  readonly method: string;
  /** The raw path, e.g. `/repos/team-a/api/tags`. */
  readonly path: string;
  /** Path parameters, decoded, by the names in the route pattern. */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
}

/** Monotonic, deterministic id generation, persisted with the state. */
export interface IdGenerator {
  /** Returns `<prefix><16 lowercase alphanumerics>`, unique within the emulator, e.g. `cri-…`. */
  next(prefix: string): string;
  /** Returns the next integer of a named sequence (1, 2, …). */
  seq(name: string): number;
}

/** Durations (ms) of the asynchronous lifecycles. Fast by default; tests and demos may slow them. */
export interface AsyncDurations {
  /** BSS CreateInstance: time spent PENDING, then STARTING, before RUNNING. */
  readonly instancePending: number;
  readonly instanceStarting: number;
  /** VPC endpoint link CREATING → RUNNING. */
  readonly vpcLink: number;
  /** Internet endpoint CREATING → RUNNING after enabling. */
  readonly internetEndpoint: number;
  /** ACL entry appearing after CreateInstanceEndpointAclPolicy. */
  readonly aclEntry: number;
  /** Sync task PENDING, then SYNCHRONIZING, before SUCCESS/ERROR. */
  readonly syncTaskPending: number;
  readonly syncTaskRunning: number;
  /** CBN: CEN / transit router / attachment / route entry transitional states. */
  readonly cbnTransition: number;
  /** VPC route entry Pending → Available. */
  readonly vpcRouteEntry: number;
  /** Instance release after RefundInstance (DELETING before it is gone). */
  readonly instanceDeleting: number;
  /**
   * How long a ClientToken is remembered after its first successful use (BSS, CBN, VPC,
   * PrivateZone): a reuse within it answers the first result, a reuse after it is a new request.
   */
  readonly clientTokenWindow: number;
  /** A registry blob upload session idle (no request) this long is discarded: `BLOB_UPLOAD_UNKNOWN`. */
  readonly registryUploadIdle: number;
}

export const DEFAULT_ASYNC_DURATIONS: AsyncDurations = {
  instancePending: 300,
  instanceStarting: 300,
  vpcLink: 300,
  internetEndpoint: 300,
  aclEntry: 100,
  syncTaskPending: 100,
  syncTaskRunning: 200,
  cbnTransition: 200,
  vpcRouteEntry: 100,
  instanceDeleting: 200,
  clientTokenWindow: 24 * 60 * 60 * 1000,
  registryUploadIdle: 60 * 60 * 1000,
};

/** Tunables the services read. */
export interface ServiceSettings {
  readonly async: AsyncDurations;
  /** Largest PageSize a List action accepts before clamping (per product docs; 100 unless stated). */
  readonly maxPageSize: number;
}

/**
 * The whole persisted state, JSON-serialisable. `services[product]` belongs to that product's
 * service; it is created by the service's `initState()` the first time it is needed.
 */
export interface EmulatorState {
  readonly formatVersion: 1;
  /** Accounts by 16-digit UID. */
  accounts: Record<string, AccountRecord>;
  /** Id and sequence counters (owned by IdGenerator). */
  counters: Record<string, number>;
  /** Per product (RPC/ROA services and OSS). */
  services: Partial<Record<EndpointProduct, unknown>>;
}

export interface AccountRecord {
  readonly uid: string;
  /** Access keys of this account: id → secret. */
  accessKeys: Record<string, string>;
  /** The account's site: China (`aliyun.com`, the default when absent) or international. */
  site?: AccountSite;
  /**
   * RAM enforcement for the account's assumed roles (STS credentials of its roles): their calls are
   * authorised against the role's policies. RAM users are always enforced; root keys never.
   */
  enforce?: boolean;
}

/** The two Alibaba Cloud sites: BSS product types, endpoints and host names differ. */
export type AccountSite = 'china' | 'international';

/**
 * Who signed a request: the account's own key (`Account`), a RAM user's key (`RAMUser`) or
 * temporary STS credentials of an assumed role (`AssumedRoleUser`). Set by the server core; read by
 * STS GetCallerIdentity and by RAM enforcement.
 */
export interface CallerIdentity {
  readonly type: 'Account' | 'RAMUser' | 'AssumedRoleUser';
  readonly accessKeyId: string;
  /** `acs:ram::<uid>:root`, `acs:ram::<uid>:user/<name>` or `acs:ram::<uid>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** The account UID, the user's id, or `<roleId>:<sessionName>`. */
  readonly principalId: string;
  /** Only for assumed roles. */
  readonly roleId?: string;
  readonly roleName?: string;
  /** Only for RAM users. */
  readonly userId?: string;
  readonly userName?: string;
}

/** What a handler knows about the call it serves. */
export interface CallContext {
  /** UID of the account whose key signed the request. */
  readonly accountUid: string;
  /** The signer, when the server core knows it (absent in hand-built contexts and anonymous calls). */
  readonly caller?: CallerIdentity;
  /** The region of the port the request arrived on; `global` on the main port. */
  readonly region: string;
  readonly requestId: string;
  readonly now: () => EpochMs;
  readonly ids: IdGenerator;
  readonly settings: ServiceSettings;
  readonly state: EmulatorState;
  /** The state of one product, created on first use with that service's initState(). */
  serviceState<T>(product: Product): T;
}

/** One RPC action. Handlers return the response body without RequestId (the core adds it). */
export interface RpcAction {
  /** True when the action changes state (recorded in the call log; used by crash tests). */
  readonly mutating: boolean;
  /**
   * True when the real service accepts the call unsigned (authType Anonymous, e.g. STS
   * AssumeRoleWithOIDC). The handler then sees `accountUid: ''` and must authorise by itself.
   */
  readonly anonymous?: boolean;
  handle(ctx: CallContext, req: RpcRequest): Record<string, unknown>;
}

/** One ROA route, e.g. `{ method: 'GET', pattern: '/repos/{RepoNamespace}/{RepoName}/tags' }`. */
export interface RoaRoute {
  readonly action: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly pattern: string;
  readonly mutating: boolean;
  handle(ctx: CallContext, req: RoaRequest): Record<string, unknown>;
}

/**
 * A product-specific admin operation under `/_emulator/` (JSON in, JSON out), for tests and demos:
 * seeding a Personal Edition estate, pushing an image tag, allow-listing an instance, flipping a
 * console-only switch. Admin calls are not signed and not written to the call log.
 * `path` may hold `{name}` segments, e.g. `/_emulator/instances/{InstanceId}/switches`.
 */
export interface AdminRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  /** One line for the README's admin API table. */
  readonly summary: string;
  handle(ctx: AdminContext, pathParams: Readonly<Record<string, string>>, body: unknown): unknown;
}

/** What an admin handler sees: a CallContext without a signing account. */
export type AdminContext = Omit<CallContext, 'accountUid' | 'region' | 'requestId' | 'caller'>;

interface ServiceBase {
  readonly product: Product;
  readonly version: string;
  readonly scope: ProductScope;
  /** Host the real service answers on, used as HostId in error bodies. */
  hostId(region: string): string;
  initState(): unknown;
  /** Admin operations this product adds under /_emulator/. */
  readonly adminRoutes?: readonly AdminRoute[];
}

export interface RpcService extends ServiceBase {
  readonly style: 'RPC';
  readonly actions: Readonly<Record<string, RpcAction>>;
}

export interface RoaService extends ServiceBase {
  readonly style: 'ROA';
  readonly routes: readonly RoaRoute[];
}

export type Service = RpcService | RoaService;

/** Options of the programmatic emulator (src/emulator/server.ts `startEmulator`). */
export interface StartOptions {
  /** Main port; 0 (default) picks a free one. Region ports are always picked free. */
  readonly port?: number;
  /** Load state from, and save it atomically to, this file. */
  readonly stateFile?: string;
  /** Seed of the fault injector's deterministic random stream. */
  readonly seed?: number;
  /** Injected clock (tests move time); default Date.now. */
  readonly now?: () => EpochMs;
  readonly async?: Partial<AsyncDurations>;
  /** Diagnostic lines (unexpected handler failures, persistence errors); never secrets. Default: none. */
  readonly log?: (line: string) => void;
}

/** How an account is created or changed by the admin API (absent fields are left as they are). */
export interface AccountOptions {
  /** Default `china` for a new account. */
  readonly site?: AccountSite;
  /** Default false for a new account: see {@link AccountRecord.enforce}. */
  readonly enforce?: boolean;
}

/** Credentials the admin API hands out for an account. */
export interface AccountKeys {
  readonly uid: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

/** A running emulator, in-process. */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` of the main port (admin API and global products). */
  readonly url: string;
  readonly port: number;
  /**
   * Creates the account if needed and returns a new root access key for it; `opts` sets its site
   * and RAM enforcement (on an existing account too).
   */
  createAccount(uid: string, opts?: AccountOptions): Promise<AccountKeys>;
  /**
   * The bare `127.0.0.1:PORT` an unmodified SDK client puts in `endpoint` (protocol http); for
   * `oss`, the port of the region's OSS service (ali-oss: `endpoint: 'http://127.0.0.1:PORT'`).
   */
  endpoint(product: EndpointProduct, region: string): Promise<string>;
  /** Saves state (when a state file is set) and closes every port. */
  close(): Promise<void>;
}
