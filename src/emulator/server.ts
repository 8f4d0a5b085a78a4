/**
 * The emulator's server core: HTTP on 127.0.0.1, one port per region plus the main port, product
 * dispatch by API version, signature verification, error rendering, faults, the call log, the admin
 * API and persistence. Products plug in through `src/emulator/services/index.ts`.
 *
 * Addressing: the port a request arrives on is its region (`global` on the main port). Global
 * products answer on every port; regional products only on region ports, because an unmodified
 * client controls nothing but `endpoint` (host:port), exactly as it would be given
 * `cr.<region>.aliyuncs.com`. Region ports open on demand (`endpoint()`, admin `GET
 * /_emulator/endpoint`).
 *
 * Invariants: every product response carries a RequestId (requestId for ROA); every signed or
 * rejected product request is written to the call log, and so is every registry request (product
 * `registry`, src/emulator/registry/server.ts); admin calls are not. No synchronous disk
 * I/O on the request path: state is saved asynchronously, coalesced, and flushed on close.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { AdminError, coreAdminRoutes, type AdminHost, type CoreAdminRoute } from './core/admin.js';
import { Authenticator, type RequestView } from './core/auth.js';
import { CallLog } from './core/calllog.js';
import {
  ApiError,
  DEFAULT_ASYNC_DURATIONS,
  type AccountKeys,
  type AccountOptions,
  type AdminContext,
  type AdminRoute,
  type AsyncDurations,
  type CallContext,
  type CallerIdentity,
  type EmulatorState,
  type EndpointProduct,
  type EpochMs,
  type IdGenerator,
  type Product,
  type RoaRoute,
  type RpcAction,
  type RunningEmulator,
  type Service,
  type ServiceSettings,
  type StartOptions,
} from './core/contract.js';
import { FaultInjector, emptyFaultConfig, type FaultOutcome } from './core/faults.js';
import { createIdGenerator } from './core/ids.js';
import { loadStateFile, StateSaver, type PersistedEmulator } from './core/persistence.js';
import { compilePattern, matchPattern, sortPatterns, type CompiledPattern } from './core/routing.js';
import { parseForm, type IncomingHeaders } from './core/signature.js';
import { INTERNATIONAL_BSS_REGION } from './core/sites.js';
import { checkCall, checkedRequest, denialOf } from './services/ram/enforce.js';
import { ossErrors } from './services/oss/errors.js';
import { ossState } from './services/oss/models.js';
import { services as registeredServices } from './services/index.js';
import { registryAdminRoutes } from './registry/admin.js';
import { ossAdminRoutes } from './services/oss/admin.js';
import { OssPorts } from './services/oss/server.js';
import type { RegistryTarget } from './registry/backends.js';
import { DirBlobStore, MemoryBlobStore, type BlobStore } from './registry/blobstore.js';
import { Registries } from './registry/server.js';
import { targetProblem } from './registry/backends.js';
import { CR_REGIONS } from './services/cr/regions.js';

function targetProblemOf(ctx: AdminContext, target: RegistryTarget): string | undefined {
  return targetProblem(ctx, target, CR_REGIONS);
}

/** Options of {@link startEmulator}: the contract's StartOptions plus test seams. */
export interface EmulatorOptions extends StartOptions {
  /** Services to serve; default the registry list (`services/index.ts`). */
  readonly services?: readonly Service[];
  /** How fault latency waits; tests pass a recorder. Default: a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Wall clock for signature timestamps and nonces; default Date.now. */
  readonly wallNow?: () => EpochMs;
  /**
   * Directory of the registries' content-addressed blob store. Default: `<stateFile>.blobs` next
   * to the state file, or memory when there is no state file (docs/emulator.md, "Registries").
   */
  readonly blobDir?: string;
}

/** A running emulator with a few extras for tests and the CLI. */
export interface Emulator extends RunningEmulator {
  /** Region → port of every region port opened so far. */
  regionPorts(): Record<string, number>;
  /** Writes the state file now (when one is set) and waits for it. */
  flush(): Promise<void>;
  /** The products served, in registry order. */
  readonly products: readonly Product[];
}

/** What {@link startEmulator} resolves to: an Emulator with the registries' data plane. */
export interface RegistryEmulator extends Emulator {
  /**
   * `127.0.0.1:PORT` of a registry's data plane (an EE instance, or a region's Personal Edition
   * registry), opening its port on first use. Rejects when the instance does not exist.
   */
  registry(target: RegistryTarget): Promise<string>;
  /** Registry key (`ee:<id>`, `pe:<region>`) → port of every registry port opened so far. */
  registryPorts(): Record<string, number>;
  /** Region → port of every OSS port opened so far. */
  ossPorts(): Record<string, number>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const REGION_RE = /^[a-z]{2,}(-[a-z0-9]+)+$/;
/** v1 RPC common parameters that are protocol, not API, parameters; handlers never see them. */
const PROTOCOL_PARAMS = new Set(['Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'SignatureType', 'AccessKeyId', 'SecurityToken', 'Timestamp', 'Format']);

export function freshState(): EmulatorState {
  return { formatVersion: 1, accounts: {}, counters: {}, services: {} };
}

/** Starts the emulator on 127.0.0.1 and resolves once the main port listens. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RegistryEmulator> {
  const loaded = opts.stateFile === undefined ? undefined : await loadStateFile(opts.stateFile);
  const core = new EmulatorCore(opts, loaded);
  await core.listenMain(opts.port ?? 0);
  return core.handle();
}

interface RpcTarget {
  readonly style: 'RPC';
  readonly service: Service;
  readonly name: string;
  readonly action: RpcAction;
}
interface RoaTarget {
  readonly style: 'ROA';
  readonly service: Service;
  readonly name: string;
  readonly route: RoaRoute;
  readonly pathParams: Record<string, string>;
}

/** What the call log records of a request, filled in as the request is understood. */
interface CallNote {
  product: Product | 'unknown';
  action: string;
  accountUid: string;
  mutating: boolean;
  ram?: { action: string; resources: readonly string[]; principal: string };
}

type AdminEntry =
  | { readonly kind: 'core'; readonly route: CoreAdminRoute }
  | { readonly kind: 'service'; readonly route: AdminRoute };

class EmulatorCore implements AdminHost {
  private current: EmulatorState;
  private ids: IdGenerator;
  private asyncDurationsValue: AsyncDurations;
  private settings: ServiceSettings;
  private clockOffsetMs: number;
  private readonly baseNow: () => EpochMs;
  private readonly wallNow: () => EpochMs;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (line: string) => void;
  private readonly services = new Map<Product, Service>();
  private readonly byVersion = new Map<string, Service>();
  private readonly roaRoutes = new Map<Product, CompiledPattern<RoaRoute>[]>();
  private readonly adminPatterns: CompiledPattern<AdminEntry>[];
  private readonly auth: Authenticator;
  private readonly saver: StateSaver | undefined;
  readonly faults: FaultInjector;
  readonly defaultSeed: number;
  readonly calls = new CallLog();
  private mainServer: Server | undefined;
  private mainPort = 0;
  private readonly regionServers = new Map<string, { server: Server; port: number }>();
  private readonly opening = new Map<string, Promise<number>>();
  private closing: Promise<void> | undefined;
  private readonly registries: Registries;
  private readonly oss: OssPorts;

  constructor(
    private readonly opts: EmulatorOptions,
    loaded: PersistedEmulator | undefined,
  ) {
    this.current = loaded?.state ?? freshState();
    this.ids = createIdGenerator(this.current);
    this.clockOffsetMs = loaded?.clockOffsetMs ?? 0;
    this.asyncDurationsValue = loaded?.async ?? { ...DEFAULT_ASYNC_DURATIONS, ...(opts.async ?? {}) };
    this.settings = { async: this.asyncDurationsValue, maxPageSize: 100 };
    this.baseNow = opts.now ?? Date.now;
    this.wallNow = opts.wallNow ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => delay(ms));
    this.log = opts.log ?? (() => undefined);
    this.defaultSeed = opts.seed ?? 1;
    this.faults = new FaultInjector(emptyFaultConfig(this.defaultSeed));
    for (const svc of opts.services ?? registeredServices) {
      if (this.services.has(svc.product)) throw new Error(`emulator: product ${svc.product} registered twice`);
      this.services.set(svc.product, svc);
      this.byVersion.set(svc.version, svc);
      if (svc.style === 'ROA') {
        this.roaRoutes.set(svc.product, sortPatterns(svc.routes.map((r) => compilePattern(r.method, r.pattern, r))));
      }
    }
    const expiry = { now: this.now, idleMs: () => this.asyncDurationsValue.registryUploadIdle };
    const blobs: BlobStore =
      opts.blobDir !== undefined
        ? new DirBlobStore(opts.blobDir, expiry)
        : opts.stateFile !== undefined
          ? new DirBlobStore(`${opts.stateFile}.blobs`, expiry)
          : new MemoryBlobStore(expiry);
    this.registries = new Registries({
      context: () => this.adminContext(),
      changed: () => this.saver?.schedule(),
      blobs,
      faults: this.faults,
      calls: this.calls,
      monotonicNow: () => performance.now(),
      sleep: (ms) => this.sleep(ms),
      wallNow: () => this.wallNow(),
      log: (line) => this.log(line),
    });
    const admin: CompiledPattern<AdminEntry>[] = [
      ...coreAdminRoutes(this),
      ...registryAdminRoutes(this.registries, () => this.adminContext()),
      ...ossAdminRoutes(() => this.current, this.now),
    ].map((r) =>
      compilePattern(r.method, r.path, { kind: 'core', route: r }),
    );
    for (const svc of this.services.values()) {
      for (const r of svc.adminRoutes ?? []) admin.push(compilePattern(r.method, r.path, { kind: 'service', route: r }));
    }
    this.adminPatterns = sortPatterns(admin);
    this.auth = new Authenticator({ state: () => this.current, wallNow: this.wallNow, now: this.now });
    this.oss = new OssPorts({
      state: () => this.current,
      now: this.now,
      wallNow: () => this.wallNow(),
      lookupKey: (id) => this.auth.lookupKey(id),
      faults: this.faults,
      calls: this.calls,
      monotonicNow: () => performance.now(),
      sleep: (ms) => this.sleep(ms),
      changed: () => this.saver?.schedule(),
      authorize: (r) => {
        const owner = ossState(this.current).buckets[r.bucket]?.ownerUid ?? r.accountUid;
        const d = denialOf(this.current, r.accountUid, r.caller, 'oss', r.operation, () => ({ region: r.region, account: owner, bucket: r.bucket, object: r.key }), {
          sourceIp: '127.0.0.1',
          secureTransport: false,
          currentTime: this.now(),
          accessId: r.caller.accessKeyId,
        });
        return d === undefined ? undefined : ossErrors.ramDenied(d);
      },
      log: (line) => this.log(line),
    });
    this.saver = opts.stateFile === undefined ? undefined : new StateSaver(opts.stateFile, () => this.snapshot(), this.log);
  }

  /** The emulated clock. */
  readonly now = (): EpochMs => this.baseNow() + this.clockOffsetMs;

  handle(): RegistryEmulator {
    const url = `http://127.0.0.1:${this.mainPort}`;
    return {
      url,
      port: this.mainPort,
      products: [...this.services.keys()],
      ossPorts: () => this.oss.ports(),
      createAccount: async (uid, opts = {}) => {
        if (!/^\d{16}$/.test(uid)) throw new Error(`emulator: account uid must be 16 digits, got ${uid}`);
        const keys = this.createAccount(uid, opts);
        this.saver?.schedule();
        return keys;
      },
      endpoint: (product, region) => this.endpoint(product, region),
      regionPorts: () => Object.fromEntries([...this.regionServers].map(([r, s]) => [r, s.port])),
      registry: async (target) => {
        const problem = targetProblemOf(this.adminContext(), target);
        if (problem !== undefined) throw new AdminError(problem, 404);
        return this.registries.address(target);
      },
      registryPorts: () => this.registries.ports(),
      flush: async () => {
        if (this.saver === undefined) return;
        this.saver.schedule();
        await this.saver.flush();
      },
      close: () => this.close(),
    };
  }

  // ---- listening -------------------------------------------------------------------------

  async listenMain(port: number): Promise<void> {
    const server = this.newServer('global');
    this.mainPort = await listen(server, port);
    this.mainServer = server;
  }

  private newServer(region: string): Server {
    const server = createServer((req, res) => {
      this.onRequest(req, res, region).catch((err: unknown) => {
        this.log(`emulator: unexpected failure: ${(err as Error).message}`);
        if (!res.headersSent) send(res, 500, { error: 'internal emulator failure' });
        else res.destroy();
      });
    });
    server.keepAliveTimeout = 10_000;
    return server;
  }

  async endpoint(product: EndpointProduct, region: string): Promise<string> {
    if (product === 'oss') {
      if (!REGION_RE.test(region)) throw new AdminError(`oss is a regional product: ask for a region such as cn-hangzhou, got ${region}`);
      return this.oss.address(region);
    }
    const svc = this.services.get(product);
    if (svc === undefined) throw new AdminError(`product ${product} is not served by this emulator (served: ${[...this.services.keys()].join(', ')})`, 404);
    if (region === 'global') {
      if (svc.scope === 'regional') throw new AdminError(`${product} is a regional product: ask for a region such as cn-hangzhou`);
      return `127.0.0.1:${this.mainPort}`;
    }
    if (!REGION_RE.test(region)) throw new AdminError(`region must be a region id such as cn-hangzhou, got ${region}`);
    // BSS has a second endpoint, the international site's (business.ap-southeast-1.aliyuncs.com):
    // the ap-southeast-1 region port, so the request's region says which endpoint was called.
    if (svc.scope === 'global' && !(product === 'bss' && region === INTERNATIONAL_BSS_REGION)) return `127.0.0.1:${this.mainPort}`;
    return `127.0.0.1:${await this.openRegion(region)}`;
  }

  private openRegion(region: string): Promise<number> {
    const open = this.regionServers.get(region);
    if (open !== undefined) return Promise.resolve(open.port);
    if (this.closing !== undefined) return Promise.reject(new AdminError('the emulator is closing', 503));
    let pending = this.opening.get(region);
    if (pending === undefined) {
      const server = this.newServer(region);
      pending = listen(server, 0).then((port) => {
        this.regionServers.set(region, { server, port });
        this.opening.delete(region);
        return port;
      });
      this.opening.set(region, pending);
    }
    return pending;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.opening.values()]);
      const servers = [this.mainServer, ...[...this.regionServers.values()].map((r) => r.server)].filter((s): s is Server => s !== undefined);
      await this.registries.close();
      await this.oss.close();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      if (this.saver !== undefined) {
        this.saver.schedule();
        await this.saver.flush();
      }
    })();
    return this.closing;
  }

  // ---- requests --------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse, region: string): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    if (rawPath === '/_emulator' || rawPath.startsWith('/_emulator/')) {
      const body = await readBody(req);
      if (body === undefined) return void send(res, 413, { error: 'body too large' });
      if (region !== 'global') return void send(res, 404, { error: 'the admin API is served on the main port only' });
      return this.onAdmin(req.method ?? 'GET', rawPath, rawQuery, body, res);
    }
    const body = await readBody(req);
    const requestId = randomUUID().toUpperCase();
    const note: CallNote = { product: 'unknown', action: '', accountUid: '', mutating: false };
    if (body === undefined) {
      return this.finish(res, note, region, requestId, undefined, new ApiError('RequestEntityTooLarge', 'The request body is too large.', 413));
    }
    const contentType = headerOf(req.headers, 'content-type') ?? '';
    const view: RequestView = {
      method: req.method ?? 'GET',
      rawPath,
      query: parseForm(rawQuery),
      form: contentType.startsWith('application/x-www-form-urlencoded') ? parseForm(body.toString('utf8')) : [],
      headers: req.headers,
      body,
    };
    const params: Record<string, string> = {};
    for (const [k, v] of view.query) params[k] = v;
    for (const [k, v] of view.form) params[k] = v;

    const version = headerOf(req.headers, 'x-acs-version') ?? params['Version'];
    const service = version === undefined ? undefined : this.byVersion.get(version);
    const actionName = headerOf(req.headers, 'x-acs-action') ?? params['Action'] ?? '';
    note.action = actionName;
    if (service === undefined) {
      const err =
        version === undefined
          ? new ApiError('MissingVersion', 'Version is mandatory for this action.', 400)
          : new ApiError('InvalidVersion', `Specified parameter Version is not valid: ${version}.`, 404);
      return this.finish(res, note, region, requestId, undefined, err);
    }
    note.product = service.product;

    let target: RpcTarget | RoaTarget;
    try {
      target = this.resolveTarget(service, actionName, view);
    } catch (err) {
      return this.finish(res, note, region, requestId, service, err);
    }
    note.action = target.name;
    note.mutating = target.style === 'RPC' ? target.action.mutating : target.route.mutating;

    if (service.scope === 'regional' && region === 'global') {
      const err = new ApiError(
        'InvalidRegionId',
        `${service.product} is a regional product: call it on a region port (GET /_emulator/endpoint?product=${service.product}&region=<region>).`,
        400,
      );
      return this.finish(res, note, region, requestId, service, err);
    }

    let accountUid = '';
    let caller: CallerIdentity | undefined;
    try {
      const anonymous = target.style === 'RPC' && target.action.anonymous === true;
      const result = this.auth.authenticate(view, target.style, anonymous);
      if (result.kind === 'signed') {
        accountUid = result.accountUid;
        caller = result.caller;
      }
    } catch (err) {
      return this.finish(res, note, region, requestId, service, err);
    }
    note.accountUid = accountUid;

    const decision = this.faults.decide(service.product, target.name);
    if (decision.latencyMs > 0) await this.sleep(decision.latencyMs);
    const admission = this.faults.admitCall(service.product, target.name, accountUid, performance.now());
    if (admission !== 'ok') {
      const retryAfter = { 'x-acs-retry-after': String(this.faults.retryAfter(service.product, target.name)) };
      const err =
        admission === 'Throttling.User'
          ? new ApiError('Throttling.User', 'Request was denied due to user flow control.', 400, 'pop', {}, retryAfter)
          : new ApiError('Throttling.Api', 'Request was denied due to api flow control.', 400, 'pop', {}, retryAfter);
      return this.finish(res, note, region, requestId, service, err);
    }
    const outcome: FaultOutcome = decision.outcome;
    switch (outcome.kind) {
      case 'none':
        break;
      case 'drop':
        if (outcome.phase === 'before') return this.drop(req, note, region, 'Emulator.DroppedBeforeApply');
        break;
      case 'throttle':
        return this.finish(
          res,
          note,
          region,
          requestId,
          service,
          new ApiError('Throttling.User', 'Request was denied due to user flow control.', 400, 'pop', {}, { 'x-acs-retry-after': String(outcome.retryAfter) }),
        );
      case 'unavailable':
        return this.finish(res, note, region, requestId, service, new ApiError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503));
      case 'internal':
        return this.finish(
          res,
          note,
          region,
          requestId,
          service,
          new ApiError('InternalError', 'The request processing has failed due to some unknown error, exception or failure.', 500),
        );
      case 'error':
        return this.finish(res, note, region, requestId, service, new ApiError(outcome.code, `The request was refused (injected fault ${outcome.code}).`, outcome.status));
    }

    const ctx = this.callContext(accountUid, caller, region, requestId);
    let result: Record<string, unknown> | undefined;
    let failure: unknown;
    try {
      const request = { sourceIp: loopbackOf(req), secureTransport: false, currentTime: this.now(), accessId: caller?.accessKeyId ?? '' };
      if (target.style === 'RPC') {
        const handlerParams: Record<string, string> = {};
        for (const [k, v] of Object.entries(params)) if (!PROTOCOL_PARAMS.has(k)) handlerParams[k] = v;
        const checked = checkedRequest(ctx, service.product, target.name, handlerParams);
        if (checked !== undefined) note.ram = checked;
        const denied = checkCall(ctx, service.product, target.name, handlerParams, request);
        if (denied !== undefined) throw denied;
        result = target.action.handle(ctx, { action: target.name, version: service.version, params: handlerParams });
      } else {
        const roa = {
          action: target.name,
          method: view.method,
          path: rawPath,
          pathParams: target.pathParams,
          query: Object.fromEntries(view.query),
          body: parseJsonBody(body, contentType),
        };
        const checked = checkedRequest(ctx, service.product, target.name, roaParams(roa.pathParams, roa.query, roa.body));
        if (checked !== undefined) note.ram = checked;
        const denied = checkCall(ctx, service.product, target.name, roaParams(roa.pathParams, roa.query, roa.body), request);
        if (denied !== undefined) throw denied;
        result = target.route.handle(ctx, roa);
      }
    } catch (err) {
      failure = err;
    }
    if (note.mutating) this.saver?.schedule();
    if (outcome.kind === 'drop') return this.drop(req, note, region, 'Emulator.DroppedAfterApply');
    if (failure !== undefined) return this.finish(res, note, region, requestId, service, failure);
    const payload = service.style === 'ROA' ? { requestId, ...result } : { RequestId: requestId, ...result };
    this.calls.append({ ...note, region, status: 200, code: null });
    send(res, 200, payload, { 'x-acs-request-id': requestId });
  }

  private resolveTarget(service: Service, actionName: string, view: RequestView): RpcTarget | RoaTarget {
    if (service.style === 'RPC') {
      if (actionName === '') throw new ApiError('MissingAction', 'Action is mandatory for this request.', 400);
      const action = Object.hasOwn(service.actions, actionName) ? service.actions[actionName] : undefined;
      if (action === undefined) {
        throw new ApiError('InvalidAction.NotFound', `Specified api is not found, please check your url and method: ${actionName}.`, 404);
      }
      return { style: 'RPC', service, name: actionName, action };
    }
    const found = matchPattern(this.roaRoutes.get(service.product) ?? [], view.method, view.rawPath);
    if (found === undefined) {
      throw new ApiError('InvalidAction.NotFound', `Specified api is not found, please check your url and method: ${view.method} ${view.rawPath}.`, 404, 'roa');
    }
    return { style: 'ROA', service, name: found.match.value.action, route: found.match.value, pathParams: found.params };
  }

  private drop(req: IncomingMessage, note: CallNote, region: string, code: string): void {
    this.calls.append({ ...note, region, status: 0, code });
    req.socket.destroy();
  }

  /** Renders an error as the real service would, logs the call and sends it. */
  private finish(res: ServerResponse, note: CallNote, region: string, requestId: string, service: Service | undefined, err: unknown): void {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else {
      this.log(`emulator: ${note.product}:${note.action} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
      e = new ApiError('InternalError', 'The request processing has failed due to some unknown error, exception or failure.', 500);
    }
    const headers: Record<string, string> = { 'x-acs-request-id': requestId, ...e.headers };
    let status: number;
    let body: Record<string, unknown>;
    if (e.kind === 'business') {
      status = 200;
      body = { RequestId: requestId, Code: e.code, Message: e.message, IsSuccess: false, ...e.extra };
    } else if (e.kind === 'roa' || service?.style === 'ROA') {
      status = e.httpStatus;
      body = { code: e.code, message: e.message, requestId, ...e.extra };
    } else {
      status = e.httpStatus;
      const product = service?.product ?? 'unknown';
      body = {
        RequestId: requestId,
        HostId: service?.hostId(region) ?? 'unknown',
        Code: e.code,
        Message: e.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(e.code)}&product=${product}&requestId=${requestId}`,
        ...e.extra,
      };
    }
    this.calls.append({ ...note, region, status, code: e.code });
    send(res, status, body, headers);
  }

  private callContext(accountUid: string, caller: CallerIdentity | undefined, region: string, requestId: string): CallContext {
    const base = {
      accountUid,
      region,
      requestId,
      now: this.now,
      ids: this.ids,
      settings: this.settings,
      state: this.current,
      serviceState: <T>(p: Product): T => this.serviceState<T>(p),
    };
    return caller === undefined ? base : { ...base, caller };
  }

  private adminContext(): AdminContext {
    return {
      now: this.now,
      ids: this.ids,
      settings: this.settings,
      state: this.current,
      serviceState: <T>(p: Product): T => this.serviceState<T>(p),
    };
  }

  private serviceState<T>(product: Product): T {
    const existing = this.current.services[product];
    if (existing !== undefined) return existing as T;
    const svc = this.services.get(product);
    if (svc === undefined) throw new Error(`emulator: product ${product} is not served, it has no state`);
    const created = svc.initState();
    this.current.services[product] = created;
    return created as T;
  }

  // ---- admin -----------------------------------------------------------------------------

  private async onAdmin(method: string, rawPath: string, rawQuery: string, body: Buffer, res: ServerResponse): Promise<void> {
    const found = matchPattern(this.adminPatterns, method, rawPath);
    if (found === undefined) return void send(res, 404, { error: `no admin route ${method} ${rawPath} (GET /_emulator/routes lists them)` });
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return void send(res, 400, { error: 'the body is not valid JSON' });
      }
    }
    const entry = found.match.value;
    try {
      let out: unknown;
      if (entry.kind === 'core') {
        out = await entry.route.run(new URLSearchParams(rawQuery), parsed);
        if (entry.route.mutates) this.saver?.schedule();
      } else {
        out = entry.route.handle(this.adminContext(), found.params, parsed);
        if (method !== 'GET') this.saver?.schedule();
      }
      send(res, 200, out ?? {});
    } catch (err) {
      if (err instanceof AdminError) return void send(res, err.status, { error: err.message });
      if (err instanceof ApiError) return void send(res, err.httpStatus >= 400 && err.httpStatus < 600 ? err.httpStatus : 400, { error: err.message, code: err.code });
      this.log(`emulator: admin ${method} ${rawPath} failed unexpectedly: ${(err as Error).message}`);
      send(res, 500, { error: `internal emulator failure: ${(err as Error).message}` });
    }
  }

  createAccount(uid: string, opts: AccountOptions = {}): AccountKeys {
    const account = (this.current.accounts[uid] ??= { uid, accessKeys: {} });
    if (opts.site !== undefined) account.site = opts.site;
    if (opts.enforce !== undefined) account.enforce = opts.enforce;
    const accessKeyId = `LTAI${randomAlnum(20)}`;
    const accessKeySecret = randomAlnum(30);
    account.accessKeys[accessKeyId] = accessKeySecret;
    return { uid, accessKeyId, accessKeySecret };
  }

  listAccounts(): { uid: string; accessKeyIds: string[]; site: string; enforce: boolean }[] {
    return Object.values(this.current.accounts)
      .map((a) => ({ uid: a.uid, accessKeyIds: Object.keys(a.accessKeys), site: a.site ?? 'china', enforce: a.enforce === true }))
      .sort((a, b) => a.uid.localeCompare(b.uid));
  }

  info(): unknown {
    return {
      url: `http://127.0.0.1:${this.mainPort}`,
      port: this.mainPort,
      regions: Object.fromEntries([...this.regionServers].map(([r, s]) => [r, s.port])),
      registries: this.registries.ports(),
      oss: this.oss.ports(),
      products: [...this.services.values()].map((s) => ({ product: s.product, version: s.version, scope: s.scope, style: s.style })),
      stateFile: this.opts.stateFile ?? null,
    };
  }

  state(): EmulatorState {
    return this.current;
  }

  replaceState(state: EmulatorState): void {
    this.current = state;
    this.ids = createIdGenerator(state);
    this.auth.reset();
  }

  reset(opts: { keepAccounts: boolean }): void {
    const accounts = opts.keepAccounts ? this.current.accounts : {};
    this.replaceState({ ...freshState(), accounts });
    this.calls.clear();
    this.faults.configure(emptyFaultConfig(this.defaultSeed));
    this.clockOffsetMs = 0;
    this.setAsyncDurations({ ...DEFAULT_ASYNC_DURATIONS, ...(this.opts.async ?? {}) });
  }

  asyncDurations(): AsyncDurations {
    return this.asyncDurationsValue;
  }

  setAsyncDurations(d: AsyncDurations): void {
    this.asyncDurationsValue = d;
    this.settings = { async: d, maxPageSize: 100 };
  }

  clock(): { now: number; offsetMs: number } {
    return { now: this.now(), offsetMs: this.clockOffsetMs };
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  routes(): { method: string; path: string; summary: string }[] {
    return this.adminPatterns
      .map((p) => ({ method: p.method, path: p.pattern, summary: p.value.route.summary }))
      .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }

  private snapshot(): PersistedEmulator {
    return { formatVersion: 1, state: this.current, clockOffsetMs: this.clockOffsetMs, async: this.asyncDurationsValue };
  }
}

// ---- helpers -----------------------------------------------------------------------------

/** The client address for RAM's acs:SourceIp (always loopback here; IPv4-mapped forms unwrapped). */
function loopbackOf(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

/** A ROA request's names for RAM resources: path parameters, query, and the body entity's string fields. */
function roaParams(path: Readonly<Record<string, string>>, query: Readonly<Record<string, string>>, body: unknown): Record<string, string> {
  const out: Record<string, string> = { ...query, ...path };
  if (typeof body === 'object' && body !== null) {
    for (const entity of Object.values(body as Record<string, unknown>)) {
      if (typeof entity !== 'object' || entity === null) continue;
      for (const [k, v] of Object.entries(entity as Record<string, unknown>)) if (typeof v === 'string' && out[k] === undefined) out[k] = v;
    }
  }
  return out;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(length: number): string {
  let out = '';
  for (const b of randomBytes(length)) out += ALNUM[b % ALNUM.length];
  return out;
}

function headerOf(headers: IncomingHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Reads the whole body; undefined when it exceeds the limit. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonBody(body: Buffer, contentType: string): unknown {
  if (body.length === 0) return undefined;
  if (!contentType.includes('json')) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError('InvalidParameter', 'The request body is not valid JSON.', 400, 'roa');
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
