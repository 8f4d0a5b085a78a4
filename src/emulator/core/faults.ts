/**
 * Fault injection: latency, `Throttling.User`, 5xx, dropped connections and per-product rate limits,
 * seeded and deterministic.
 *
 * Owns: the fault configuration and its random streams. Every (product, action) pair has its own
 * mulberry32 stream seeded from the configured seed and the pair's name, and each call of that
 * action draws exactly one number from it, so the sequence of outcomes an action sees depends only
 * on the seed and on how many times that action was called, never on other actions running
 * concurrently. Rules resolve field by field: action rule, then product rule, then global rule.
 * Rate limits are token buckets on a monotonic clock passed in: `rateLimits` one bucket per product
 * shared by every account (`Throttling.Api`, the API's own flow control), `accountRateLimits` one
 * bucket per account and API (`Throttling.User`, the per-caller flow control the real service
 * applies to each API), so the calls of different accounts never throttle each other. No I/O.
 *
 * The registries' data plane is the pseudo-product `registry` (operations {@link REGISTRY_OPERATIONS},
 * keyed `registry:GetBlob` and so on). It takes `products.registry`, `actions["registry:…"]` and
 * `rateLimits.registry`, but of the global rule only `latencyMs`: global rates are aimed at the
 * control-plane APIs (crash and retry suites set them), and an image copy makes hundreds of
 * requests, so sharing them would silently turn every API fault test into a registry fault test.
 */
import type { EndpointProduct, Product } from './contract.js';

/** The RPC and ROA products (the services of `services/index.ts`). */
export const PRODUCTS: readonly Product[] = ['cr', 'crpe', 'bss', 'ram', 'sts', 'cbn', 'vpc', 'pvtz', 'cas'];

/** Every product an endpoint can be asked for: the RPC/ROA products and OSS (its own REST protocol). */
export const ENDPOINT_PRODUCTS: readonly EndpointProduct[] = [...PRODUCTS, 'oss'];

/** What a fault rule can be aimed at: an API product, OSS, or the registries' data plane. */
export type FaultProduct = EndpointProduct | 'registry';

/** Every fault product, for validation and messages. */
export const FAULT_PRODUCTS: readonly FaultProduct[] = [...ENDPOINT_PRODUCTS, 'registry'];

/**
 * The operations of the registry data plane, as fault keys (`registry:<operation>`) and call-log
 * actions. Stable names: tests and fault configurations refer to them. `Unsupported` is any request
 * no other operation matches (an unknown path or a method a path does not serve).
 */
export const REGISTRY_OPERATIONS = [
  'Ping',
  'GetToken',
  'GetManifest',
  'HeadManifest',
  'PutManifest',
  'DeleteManifest',
  'GetBlob',
  'HeadBlob',
  'StartUpload',
  'MountBlob',
  'PatchUpload',
  'PutUpload',
  'GetUpload',
  'DeleteUpload',
  'ListTags',
  'Unsupported',
] as const;

export type RegistryOperation = (typeof REGISTRY_OPERATIONS)[number];

/**
 * The operations of the emulated OSS (services/oss/server.ts), as fault keys (`oss:<operation>`),
 * call-log actions and the API names RAM actions are derived from. `Unsupported` is any request
 * the emulator does not serve.
 */
export const OSS_OPERATIONS = [
  'PutBucket',
  'DeleteBucket',
  'GetBucketInfo',
  'ListObjects',
  'ListObjectsV2',
  'PutObject',
  'AppendObject',
  'GetObject',
  'HeadObject',
  'GetObjectMeta',
  'DeleteObject',
  'DeleteMultipleObjects',
  'Unsupported',
] as const;

export type OssOperation = (typeof OSS_OPERATIONS)[number];

/** One set of fault knobs. Rates are probabilities in [0, 1]; their sum must not exceed 1. */
export interface FaultRule {
  /** Delay before the call is handled, in ms. */
  readonly latencyMs?: number;
  /** Probability of `Throttling.User` (HTTP 400, header x-acs-retry-after). */
  readonly throttleRate?: number;
  /** Probability of `ServiceUnavailable` (HTTP 503). */
  readonly unavailableRate?: number;
  /** Probability of `InternalError` (HTTP 500). */
  readonly internalErrorRate?: number;
  /** Probability that the connection is destroyed without a response. */
  readonly dropRate?: number;
  /**
   * `before` (default): dropped before the handler runs, nothing changes. `after`: the handler runs
   * (a mutation is applied and persisted) and then the connection is dropped: the realistic worst
   * case for crash and resume tests.
   */
  readonly dropPhase?: 'before' | 'after';
  /** Value of x-acs-retry-after (registries: Retry-After) on throttling answers (integer; default 1). */
  readonly retryAfter?: number;
  /**
   * Probability of a non-retryable error (`errorCode`, default `Forbidden.RAM`, or `DENIED` for the
   * registry, at `errorStatus`, default 403): what a missing permission or a refused request looks
   * like, for testing that a failure skips only its dependants.
   */
  readonly errorRate?: number;
  readonly errorCode?: string;
  readonly errorStatus?: number;
}

export interface FaultConfig {
  readonly seed: number;
  readonly global: FaultRule;
  readonly products: Readonly<Partial<Record<FaultProduct, FaultRule>>>;
  /** Keyed `product:Action`, e.g. `cr:ListRepository`, `registry:GetBlob`. */
  readonly actions: Readonly<Record<string, FaultRule>>;
  /**
   * Calls per second per product, all accounts together, above which `Throttling.Api` (registries:
   * 429, OSS: 503 `ServiceUnavailable`) is answered.
   */
  readonly rateLimits: Readonly<Partial<Record<FaultProduct, number>>>;
  /**
   * Calls per second per account and API, above which `Throttling.User` (OSS: 503) is answered.
   * Keyed `product` (every API of the product gets its own bucket of that rate, per account) or
   * `product:Action` (that API's rate, overriding the product's). Not for the registry data plane.
   */
  readonly accountRateLimits: Readonly<Record<string, number>>;
}

/** What the rate limiters say of one call. */
export type Admission = 'ok' | 'Throttling.User' | 'Throttling.Api';

export type FaultOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'throttle'; readonly retryAfter: number }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'internal' }
  | { readonly kind: 'error'; readonly code: string; readonly status: number }
  | { readonly kind: 'drop'; readonly phase: 'before' | 'after' };

export interface FaultDecision {
  readonly latencyMs: number;
  readonly outcome: FaultOutcome;
}

export function emptyFaultConfig(seed = 1): FaultConfig {
  return { seed, global: {}, products: {}, actions: {}, rateLimits: {}, accountRateLimits: {} };
}

/** A deterministic 32-bit PRNG (mulberry32) returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string, mixed with a seed. */
function hashSeed(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class FaultInjector {
  private cfg: FaultConfig;
  private streams = new Map<string, () => number>();
  private buckets = new Map<FaultProduct, Bucket>();
  /** Per-account buckets, keyed `<account> <product>:<action>`. */
  private accountBuckets = new Map<string, Bucket>();

  constructor(config: FaultConfig) {
    this.cfg = config;
  }

  get config(): FaultConfig {
    return this.cfg;
  }

  /** Replaces the configuration and restarts every random stream and bucket from the new seed. */
  configure(config: FaultConfig): void {
    this.cfg = config;
    this.streams.clear();
    this.buckets.clear();
    this.accountBuckets.clear();
  }

  /** Decides the fault of one call; draws exactly one number from the action's stream. */
  decide(product: FaultProduct, action: string): FaultDecision {
    const key = `${product}:${action}`;
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = mulberry32(hashSeed(this.cfg.seed, key));
      this.streams.set(key, stream);
    }
    const u = stream();
    const rule = this.resolve(product, action);
    const latencyMs = rule.latencyMs ?? 0;
    let edge = rule.dropRate ?? 0;
    if (u < edge) return { latencyMs, outcome: { kind: 'drop', phase: rule.dropPhase ?? 'before' } };
    edge += rule.throttleRate ?? 0;
    if (u < edge) return { latencyMs, outcome: { kind: 'throttle', retryAfter: rule.retryAfter ?? 1 } };
    edge += rule.unavailableRate ?? 0;
    if (u < edge) return { latencyMs, outcome: { kind: 'unavailable' } };
    edge += rule.internalErrorRate ?? 0;
    if (u < edge) return { latencyMs, outcome: { kind: 'internal' } };
    edge += rule.errorRate ?? 0;
    if (u < edge) {
      const code = rule.errorCode ?? (product === 'registry' ? 'DENIED' : product === 'oss' ? 'AccessDenied' : 'Forbidden.RAM');
      return { latencyMs, outcome: { kind: 'error', code, status: rule.errorStatus ?? 403 } };
    }
    return { latencyMs, outcome: { kind: 'none' } };
  }

  /**
   * Token bucket of a product: `rate` tokens per second, burst `max(1, rate)`. Returns true when the
   * call may proceed, false when it must be answered `Throttling.Api`. `nowMs` is monotonic.
   */
  admit(product: FaultProduct, nowMs: number): boolean {
    const rate = this.cfg.rateLimits[product];
    if (rate === undefined) return true;
    const bucket = refill(this.buckets, product, rate, nowMs);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * Both limiters for one API call: the account's bucket for this API (`accountRateLimits`), then
   * the product's shared bucket (`rateLimits`). A call takes a token from each bucket that applies
   * only when every one of them has a token, so a refused call costs nothing. `nowMs` is monotonic.
   */
  admitCall(product: FaultProduct, action: string, accountUid: string, nowMs: number): Admission {
    const perAccount = this.cfg.accountRateLimits[`${product}:${action}`] ?? this.cfg.accountRateLimits[product];
    const shared = this.cfg.rateLimits[product];
    const mine = perAccount === undefined ? undefined : refill(this.accountBuckets, `${accountUid} ${product}:${action}`, perAccount, nowMs);
    const all = shared === undefined ? undefined : refill(this.buckets, product, shared, nowMs);
    if (mine !== undefined && mine.tokens < 1) return 'Throttling.User';
    if (all !== undefined && all.tokens < 1) return 'Throttling.Api';
    if (mine !== undefined) mine.tokens -= 1;
    if (all !== undefined) all.tokens -= 1;
    return 'ok';
  }

  /** The retry-after value for a product's rate limit answers. */
  retryAfter(product: FaultProduct, action: string): number {
    return this.resolve(product, action).retryAfter ?? 1;
  }

  private resolve(product: FaultProduct, action: string): FaultRule {
    const g = this.cfg.global;
    // The registry takes only the global latency (see the module comment).
    const base: FaultRule = product === 'registry' ? (g.latencyMs === undefined ? {} : { latencyMs: g.latencyMs }) : g;
    return {
      ...base,
      ...(this.cfg.products[product] ?? {}),
      ...(this.cfg.actions[`${product}:${action}`] ?? {}),
    };
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The bucket under `key`, refilled to `nowMs` at `rate` tokens per second (burst max(1, rate)). */
function refill<K>(buckets: Map<K, Bucket>, key: K, rate: number, nowMs: number): Bucket {
  const burst = Math.max(1, rate);
  const bucket = buckets.get(key) ?? { tokens: burst, at: nowMs };
  bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) * rate) / 1000);
  bucket.at = nowMs;
  buckets.set(key, bucket);
  return bucket;
}

/** A rejected fault configuration; the admin API answers it with 400 `{error}`. */
export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';
}

const RULE_KEYS = ['latencyMs', 'throttleRate', 'unavailableRate', 'internalErrorRate', 'dropRate', 'dropPhase', 'retryAfter', 'errorRate', 'errorCode', 'errorStatus'] as const;

/** Validates an admin `PUT /_emulator/faults` body. Missing sections are empty; seed defaults to `defaultSeed`. */
export function parseFaultConfig(body: unknown, defaultSeed: number): FaultConfig {
  const obj = asObject(body, 'body');
  allowKeys(obj, ['seed', 'global', 'products', 'actions', 'rateLimits', 'accountRateLimits'], 'body');
  const seed = obj['seed'] === undefined ? defaultSeed : integer(obj['seed'], 'seed');
  const global = obj['global'] === undefined ? {} : parseRule(obj['global'], 'global');
  const products: Partial<Record<FaultProduct, FaultRule>> = {};
  if (obj['products'] !== undefined) {
    for (const [k, v] of Object.entries(asObject(obj['products'], 'products'))) {
      products[product(k, `products.${k}`)] = parseRule(v, `products.${k}`);
    }
  }
  const actions: Record<string, FaultRule> = {};
  if (obj['actions'] !== undefined) {
    for (const [k, v] of Object.entries(asObject(obj['actions'], 'actions'))) {
      const m = /^([a-z]+):([A-Za-z0-9]+)$/.exec(k);
      if (!m) throw new FaultConfigError(`actions.${k}: keys are product:Action, e.g. cr:ListRepository or registry:GetBlob`);
      const p = product(m[1] ?? '', `actions.${k}`);
      if (p === 'registry' && !(REGISTRY_OPERATIONS as readonly string[]).includes(m[2] ?? '')) {
        throw new FaultConfigError(`actions.${k}: unknown registry operation ${m[2] ?? ''} (one of ${REGISTRY_OPERATIONS.join(', ')})`);
      }
      if (p === 'oss' && !(OSS_OPERATIONS as readonly string[]).includes(m[2] ?? '')) {
        throw new FaultConfigError(`actions.${k}: unknown OSS operation ${m[2] ?? ''} (one of ${OSS_OPERATIONS.join(', ')})`);
      }
      actions[k] = parseRule(v, `actions.${k}`);
    }
  }
  const rateLimits: Partial<Record<FaultProduct, number>> = {};
  if (obj['rateLimits'] !== undefined) {
    for (const [k, v] of Object.entries(asObject(obj['rateLimits'], 'rateLimits'))) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw new FaultConfigError(`rateLimits.${k}: must be a positive number of calls per second`);
      }
      rateLimits[product(k, `rateLimits.${k}`)] = v;
    }
  }
  const accountRateLimits: Record<string, number> = {};
  if (obj['accountRateLimits'] !== undefined) {
    for (const [k, v] of Object.entries(asObject(obj['accountRateLimits'], 'accountRateLimits'))) {
      const where = `accountRateLimits.${k}`;
      const m = /^([a-z]+)(?::([A-Za-z0-9]+))?$/.exec(k);
      if (!m) throw new FaultConfigError(`${where}: keys are a product (cr) or product:Action (cr:CreateNamespace)`);
      if (product(m[1] ?? '', where) === 'registry') throw new FaultConfigError(`${where}: the registry data plane has no per-account limits (use rateLimits.registry)`);
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new FaultConfigError(`${where}: must be a positive number of calls per second`);
      accountRateLimits[k] = v;
    }
  }
  return { seed, global, products, actions, rateLimits, accountRateLimits };
}

function parseRule(value: unknown, where: string): FaultRule {
  const obj = asObject(value, where);
  allowKeys(obj, RULE_KEYS, where);
  const rule: { -readonly [K in keyof FaultRule]: FaultRule[K] } = {};
  let total = 0;
  for (const key of ['throttleRate', 'unavailableRate', 'internalErrorRate', 'dropRate', 'errorRate'] as const) {
    const v = obj[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new FaultConfigError(`${where}.${key}: must be a probability between 0 and 1`);
    rule[key] = v;
    total += v;
  }
  if (total > 1) throw new FaultConfigError(`${where}: the rates add up to ${total}, more than 1`);
  if (obj['latencyMs'] !== undefined) {
    const v = integer(obj['latencyMs'], `${where}.latencyMs`);
    if (v < 0 || v > 600_000) throw new FaultConfigError(`${where}.latencyMs: must be between 0 and 600000`);
    rule.latencyMs = v;
  }
  if (obj['retryAfter'] !== undefined) {
    const v = integer(obj['retryAfter'], `${where}.retryAfter`);
    if (v < 0) throw new FaultConfigError(`${where}.retryAfter: must not be negative`);
    rule.retryAfter = v;
  }
  if (obj['errorCode'] !== undefined) {
    const v = obj['errorCode'];
    if (typeof v !== 'string' || !/^[A-Za-z][A-Za-z0-9_.]{0,99}$/.test(v)) throw new FaultConfigError(`${where}.errorCode: must be an error code such as Forbidden.RAM`);
    rule.errorCode = v;
  }
  if (obj['errorStatus'] !== undefined) {
    const v = integer(obj['errorStatus'], `${where}.errorStatus`);
    if (v < 400 || v > 499) throw new FaultConfigError(`${where}.errorStatus: must be a 4xx status (5xx are retryable: use unavailableRate or internalErrorRate)`);
    rule.errorStatus = v;
  }
  if (obj['dropPhase'] !== undefined) {
    const v = obj['dropPhase'];
    if (v !== 'before' && v !== 'after') throw new FaultConfigError(`${where}.dropPhase: must be "before" or "after"`);
    rule.dropPhase = v;
  }
  return rule;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultConfigError(`${where}: must be an object`);
  return value as Record<string, unknown>;
}

function allowKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new FaultConfigError(`${where}: unknown field ${k} (allowed: ${allowed.join(', ')})`);
  }
}

function integer(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new FaultConfigError(`${where}: must be an integer`);
  return value;
}

function product(name: string, where: string): FaultProduct {
  if (!(FAULT_PRODUCTS as readonly string[]).includes(name)) throw new FaultConfigError(`${where}: unknown product ${name} (one of ${FAULT_PRODUCTS.join(', ')})`);
  return name as FaultProduct;
}
