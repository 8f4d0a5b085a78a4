/**
 * Decoders: the typed shape of a kind's spec, natural key and cloud ids, written once. A decoder
 * checks a JSON value from a plan (made in this process or read from a saved plan file) and returns
 * it typed; its static type is the TypeScript type of the field (`Decoded<typeof spec>`), so a kind's
 * types and its decoding are never written twice.
 *
 * Owns: the combinators. Pure; imports only the error type. A decoder never mutates its input and
 * returns values structurally equal to it (objects are rebuilt with the declared fields only; an
 * undeclared field is an error, so a spec and its decoder cannot drift apart unnoticed).
 *
 * (A small hand-written module rather than a schema library: these are a dozen lines of checks, the
 * types must honour `exactOptionalPropertyTypes`, and the engine must not need a runtime dependency
 * for them.)
 */
import { AcrctlError } from '../errors.js';

/** Checks `value` (found at `at`, a path for messages) and returns it typed, or throws plan.bad_action. */
export type Decoder<T> = (value: unknown, at: string) => T;

/** The type a decoder returns. */
export type Decoded<D> = D extends Decoder<infer T> ? T : never;

/** A field that may be absent (never `undefined` when present). */
export interface Optional<T> {
  readonly optional: Decoder<T>;
}

function fail(at: string, expected: string, value: unknown): never {
  const got = value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
  throw new AcrctlError('plan.bad_action', `${at}: expected ${expected}, found ${got}`, {
    hint: 'the plan was not made by this acrctl, or was edited: make a new one with acrctl plan',
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export const str: Decoder<string> = (v, at) => (typeof v === 'string' ? v : fail(at, 'a string', v));
export const num: Decoder<number> = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(at, 'a number', v));
export const bool: Decoder<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v));

/** Any JSON value, unchecked (documents the kind passes through as they are, such as a policy document). */
export const json: Decoder<unknown> = (v) => v;

/** One of the given strings. */
export function oneOf<const T extends readonly string[]>(...values: T): Decoder<T[number]> {
  return (v, at) => (typeof v === 'string' && values.includes(v) ? (v as T[number]) : fail(at, `one of ${values.join(', ')}`, v));
}

/** A field that may be absent. */
export function optional<T>(d: Decoder<T>): Optional<T> {
  return { optional: d };
}

type Shape = Readonly<Record<string, Decoder<unknown> | Optional<unknown>>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? K : never }[keyof S];
type Field<F> = F extends Optional<infer T> ? T : F extends Decoder<infer T> ? T : never;
type Flat<T> = { [K in keyof T]: T[K] };

/** The object a struct decoder returns: required fields, then optional ones, all read-only. */
export type StructOf<S extends Shape> = Flat<{ readonly [K in RequiredKeys<S>]: Field<S[K]> } & { readonly [K in OptionalKeys<S>]?: Field<S[K]> }>;

/** An object with exactly these fields (an undeclared field is an error). */
export function struct<const S extends Shape>(shape: S): Decoder<StructOf<S>> {
  return (v, at) => {
    if (!isObject(v)) return fail(at, 'an object', v);
    const out: Record<string, unknown> = {};
    for (const [k, d] of Object.entries(shape)) {
      const field = v[k];
      if ('optional' in d) {
        if (field !== undefined) out[k] = d.optional(field, `${at}.${k}`);
      } else {
        out[k] = d(field, `${at}.${k}`);
      }
    }
    for (const k of Object.keys(v)) if (!(k in shape) && v[k] !== undefined) fail(`${at}.${k}`, 'no such field', v[k]);
    return out as StructOf<S>;
  };
}

/** A list of values of one shape. */
export function list<T>(d: Decoder<T>): Decoder<readonly T[]> {
  return (v, at) => (Array.isArray(v) ? v.map((x, i) => d(x, `${at}[${i}]`)) : fail(at, 'a list', v));
}

/** A map from names to values of one shape. */
export function record<T>(d: Decoder<T>): Decoder<Readonly<Record<string, T>>> {
  return (v, at) => {
    if (!isObject(v)) return fail(at, 'an object', v);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = d(x, `${at}.${k}`);
    return out;
  };
}

/** The first decoder that accepts the value (for shapes told apart by their fields). */
export function either<A, B>(a: Decoder<A>, b: Decoder<B>): Decoder<A | B> {
  return (v, at) => {
    try {
      return a(v, at);
    } catch {
      return b(v, at);
    }
  };
}
