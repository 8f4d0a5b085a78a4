/**
 * The core admin API under `/_emulator/` (JSON in, JSON out; unsigned; not in the call log):
 * accounts, endpoints, state dump/seed/reset, async durations, the clock, faults and the call log.
 * Product admin routes (services' `adminRoutes`) are mounted next to these by the server.
 *
 * Owns: validation of admin bodies. Every rejected body is an {@link AdminError}, answered as
 * `{"error": "..."}` with status 400 (404 for unknown routes).
 */
import { DEFAULT_ASYNC_DURATIONS, type AccountKeys, type AccountOptions, type AsyncDurations, type EmulatorState, type EndpointProduct } from './contract.js';
import type { CallLog } from './calllog.js';
import { ENDPOINT_PRODUCTS, FaultConfigError, parseFaultConfig, type FaultConfig, type FaultInjector } from './faults.js';
import { validateState } from './persistence.js';

export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** What the admin routes need from the running emulator. */
export interface AdminHost {
  createAccount(uid: string, opts: AccountOptions): AccountKeys;
  listAccounts(): { uid: string; accessKeyIds: string[]; site: string; enforce: boolean }[];
  endpoint(product: EndpointProduct, region: string): Promise<string>;
  info(): unknown;
  state(): EmulatorState;
  replaceState(state: EmulatorState): void;
  reset(opts: { keepAccounts: boolean }): void;
  asyncDurations(): AsyncDurations;
  setAsyncDurations(d: AsyncDurations): void;
  clock(): { now: number; offsetMs: number };
  advanceClock(ms: number): void;
  readonly faults: FaultInjector;
  readonly defaultSeed: number;
  readonly calls: CallLog;
  routes(): { method: string; path: string; summary: string }[];
}

export interface CoreAdminRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly summary: string;
  /** True when the route changes persisted state (the server then schedules a save). */
  readonly mutates: boolean;
  run(query: URLSearchParams, body: unknown): unknown;
}

function obj(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminError(`${what}: the body must be a JSON object`);
  return body as Record<string, unknown>;
}

function optionalObj(body: unknown, what: string): Record<string, unknown> {
  return body === undefined ? {} : obj(body, what);
}

export function coreAdminRoutes(host: AdminHost): CoreAdminRoute[] {
  return [
    {
      method: 'POST',
      path: '/_emulator/accounts',
      summary:
        'Create an account (if new) and a new root access key: {"uid", "site"?: "china"|"international", "enforce"?: boolean} → {"uid","accessKeyId","accessKeySecret"}; site and enforce, when given, are set on an existing account too',
      mutates: true,
      run: (_q, body) => {
        const o = obj(body, 'POST /_emulator/accounts');
        const uid = o['uid'];
        if (typeof uid !== 'string' || !/^\d{16}$/.test(uid)) throw new AdminError('uid must be a 16-digit string');
        const opts: { site?: 'china' | 'international'; enforce?: boolean } = {};
        const site = o['site'];
        if (site !== undefined) {
          if (site !== 'china' && site !== 'international') throw new AdminError('site must be "china" or "international"');
          opts.site = site;
        }
        const enforce = o['enforce'];
        if (enforce !== undefined) {
          if (typeof enforce !== 'boolean') throw new AdminError('enforce must be a boolean');
          opts.enforce = enforce;
        }
        for (const k of Object.keys(o)) if (!['uid', 'site', 'enforce'].includes(k)) throw new AdminError(`unknown field ${k} (allowed: uid, site, enforce)`);
        return host.createAccount(uid, opts);
      },
    },
    {
      method: 'GET',
      path: '/_emulator/accounts',
      summary: 'List accounts with their root access key ids (never secrets), site and RAM enforcement',
      mutates: false,
      run: () => host.listAccounts(),
    },
    {
      method: 'GET',
      path: '/_emulator/endpoint',
      summary: 'The endpoint an unmodified client uses: ?product=P&region=R → {"endpoint":"127.0.0.1:PORT"} (protocol http)',
      mutates: false,
      run: async (q) => {
        const product = q.get('product') ?? '';
        const region = q.get('region') ?? '';
        if (!(ENDPOINT_PRODUCTS as readonly string[]).includes(product)) throw new AdminError(`product must be one of ${ENDPOINT_PRODUCTS.join(', ')}`);
        if (!/^(global|[a-z]{2,}(-[a-z0-9]+)+)$/.test(region)) throw new AdminError('region must be a region id such as cn-hangzhou, or global');
        return { endpoint: await host.endpoint(product as EndpointProduct, region) };
      },
    },
    {
      method: 'GET',
      path: '/_emulator/info',
      summary: 'Main URL, open region ports and served products',
      mutates: false,
      run: () => host.info(),
    },
    {
      method: 'GET',
      path: '/_emulator/routes',
      summary: 'Every admin route (core and products) with its summary',
      mutates: false,
      run: () => host.routes(),
    },
    {
      method: 'GET',
      path: '/_emulator/state',
      summary: 'Dump the whole state (accounts with their emulator-issued keys, counters, every product)',
      mutates: false,
      run: () => host.state(),
    },
    {
      method: 'PUT',
      path: '/_emulator/state',
      summary: 'Replace the whole state with a dump (seed)',
      mutates: true,
      run: (_q, body) => {
        const problem = validateState(body);
        if (problem !== undefined) throw new AdminError(problem);
        host.replaceState(body as EmulatorState);
        return {};
      },
    },
    {
      method: 'POST',
      path: '/_emulator/reset',
      summary: 'Empty state, call log, faults, clock offset and async durations; {"keepAccounts":true} keeps accounts and keys',
      mutates: true,
      run: (_q, body) => {
        const keep = optionalObj(body, 'POST /_emulator/reset')['keepAccounts'];
        if (keep !== undefined && typeof keep !== 'boolean') throw new AdminError('keepAccounts must be a boolean');
        host.reset({ keepAccounts: keep === true });
        return {};
      },
    },
    {
      method: 'GET',
      path: '/_emulator/async',
      summary: 'Durations (ms) of the asynchronous lifecycles',
      mutates: false,
      run: () => host.asyncDurations(),
    },
    {
      method: 'PUT',
      path: '/_emulator/async',
      summary: 'Change some async durations (ms): {"instancePending":1000, …} → all durations',
      mutates: true,
      run: (_q, body) => {
        const patch = obj(body, 'PUT /_emulator/async');
        const next: Record<string, number> = { ...host.asyncDurations() };
        for (const [k, v] of Object.entries(patch)) {
          if (!(k in DEFAULT_ASYNC_DURATIONS)) throw new AdminError(`unknown duration ${k} (known: ${Object.keys(DEFAULT_ASYNC_DURATIONS).join(', ')})`);
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new AdminError(`${k} must be a non-negative integer of ms`);
          next[k] = v;
        }
        host.setAsyncDurations(next as unknown as AsyncDurations);
        return host.asyncDurations();
      },
    },
    {
      method: 'GET',
      path: '/_emulator/clock',
      summary: 'The emulated clock: {"now","offsetMs"}',
      mutates: false,
      run: () => host.clock(),
    },
    {
      method: 'POST',
      path: '/_emulator/clock',
      summary: 'Move the emulated clock forward: {"advanceMs":N} → {"now","offsetMs"} (skips async waits)',
      mutates: true,
      run: (_q, body) => {
        const ms = obj(body, 'POST /_emulator/clock')['advanceMs'];
        if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0) throw new AdminError('advanceMs must be a non-negative integer');
        host.advanceClock(ms);
        return host.clock();
      },
    },
    {
      method: 'GET',
      path: '/_emulator/faults',
      summary: 'The fault configuration',
      mutates: false,
      run: () => host.faults.config,
    },
    {
      method: 'PUT',
      path: '/_emulator/faults',
      summary: 'Replace the fault configuration {seed, global, products, actions, rateLimits, accountRateLimits}; restarts the random streams',
      mutates: false,
      run: (_q, body) => {
        let cfg: FaultConfig;
        try {
          cfg = parseFaultConfig(body, host.defaultSeed);
        } catch (err) {
          if (err instanceof FaultConfigError) throw new AdminError(err.message);
          throw err;
        }
        host.faults.configure(cfg);
        return cfg;
      },
    },
    {
      method: 'DELETE',
      path: '/_emulator/faults',
      summary: 'Turn every fault off',
      mutates: false,
      run: () => {
        host.faults.configure(parseFaultConfig({}, host.defaultSeed));
        return host.faults.config;
      },
    },
    {
      method: 'GET',
      path: '/_emulator/calls',
      summary: 'The call log [{seq, product, action, accountUid, region, mutating, status, code}] (registry requests: product registry, plus registry and repository); ?since=SEQ for newer entries',
      mutates: false,
      run: (q) => {
        const since = q.get('since');
        if (since !== null && !/^\d+$/.test(since)) throw new AdminError('since must be a non-negative integer');
        return host.calls.since(since === null ? 0 : Number(since));
      },
    },
    {
      method: 'DELETE',
      path: '/_emulator/calls',
      summary: 'Clear the call log (seq keeps counting)',
      mutates: false,
      run: () => {
        host.calls.clear();
        return {};
      },
    },
  ];
}
