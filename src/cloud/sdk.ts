/**
 * Small shared pieces for the product clients built on official SDKs (ram, sts, vpc): the plain-object
 * shape of an SDK request model, and reading a response body.
 *
 * Owns: nothing stateful. Must not patch or wrap the SDK classes themselves: we only construct their
 * request models and call their `xxxWithOptions` methods.
 */
import { runtimeOptions, sdkConfig, type ClientConfig, type SdkRuntimeOptions } from './rpc.js';

/** The data fields of an SDK model class (its methods removed), all optional, for `new Model(fields)`. */
export type ModelFields<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]?: T[K] };

/**
 * The class a CommonJS SDK package exports as `exports.default`. Node's ESM loader exposes it at
 * `namespace.default.default`; vitest's interop at `namespace.default`. Accepts both.
 */
export function cjsDefault<T>(namespace: { readonly default: unknown }): T {
  const d = namespace.default;
  return (typeof d === 'function' ? d : (d as { readonly default: T }).default) as T;
}

/** Returns `res.body`, or throws when the SDK returned none (never expected for JSON actions). */
export function bodyOf<B>(res: { readonly body?: B }, action: string): B {
  if (res.body === undefined || res.body === null) throw new Error(`${action}: the service returned no body`);
  return res.body;
}

export { runtimeOptions, sdkConfig };
export type { ClientConfig, SdkRuntimeOptions };
