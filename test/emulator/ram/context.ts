/**
 * In-process harness for the net+ram services' unit tests: a hand-built CallContext over a fresh
 * EmulatorState, with a movable clock and deterministic ids. Services are looked up by product so
 * cross-product state (cbn reading vpc, pvtz reading vpc) works as on the server.
 */
import { ApiError, DEFAULT_ASYNC_DURATIONS, type CallContext, type EmulatorState, type Product, type RpcService } from '../../../src/emulator/core/contract.js';
import { service as ram } from '../../../src/emulator/services/ram/index.js';

export interface Harness {
  state: EmulatorState;
  clock: { t: number };
  ctx(accountUid: string, region?: string): CallContext;
  /** Calls an action; returns the body or throws the ApiError. */
  call(svc: RpcService, accountUid: string, action: string, params?: Record<string, string>, region?: string): Record<string, unknown>;
  /** Calls an action that must fail; returns the ApiError. */
  fail(svc: RpcService, accountUid: string, action: string, params?: Record<string, string>, region?: string): ApiError;
}

export function harness(services: readonly RpcService[] = [ram]): Harness {
  const state: EmulatorState = { formatVersion: 1, accounts: {}, counters: {}, services: {} };
  const clock = { t: Date.UTC(2026, 10, 23, 10, 0, 0) };
  let req = 0;
  const ids = {
    next(prefix: string): string {
      const n = (state.counters[`id:${prefix}`] = (state.counters[`id:${prefix}`] ?? 0) + 1);
      return `${prefix}${n.toString(36).padStart(16, '0')}`;
    },
    seq(name: string): number {
      return (state.counters[name] = (state.counters[name] ?? 0) + 1);
    },
  };
  const byProduct = new Map<Product, RpcService>(services.map((s) => [s.product, s]));
  const ctx = (accountUid: string, region = 'global'): CallContext => ({
    accountUid,
    region,
    requestId: `REQ-${++req}`,
    now: () => clock.t,
    ids,
    settings: { async: DEFAULT_ASYNC_DURATIONS, maxPageSize: 100 },
    state,
    serviceState<T>(product: Product): T {
      if (state.services[product] === undefined) {
        const svc = byProduct.get(product);
        if (svc === undefined) throw new Error(`no service ${product} in this harness`);
        state.services[product] = svc.initState();
      }
      return state.services[product] as T;
    },
  });
  const call = (svc: RpcService, uid: string, action: string, params: Record<string, string> = {}, region?: string) => {
    const a = svc.actions[action];
    if (a === undefined) throw new Error(`no action ${action}`);
    return a.handle(ctx(uid, region), { action, version: svc.version, params });
  };
  const fail = (svc: RpcService, uid: string, action: string, params: Record<string, string> = {}, region?: string): ApiError => {
    try {
      call(svc, uid, action, params, region);
    } catch (e) {
      if (e instanceof ApiError) return e;
      throw e;
    }
    throw new Error(`${action} was expected to fail`);
  };
  return { state, clock, ctx, call, fail };
}
