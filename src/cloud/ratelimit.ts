/**
 * An adaptive client-side rate limit per product: a token bucket whose rate follows AIMD (halved
 * when the service throttles, raised slowly on success up to a ceiling), plus a cap on concurrent
 * calls. One limiter per product is shared by every account and region of the session, because the
 * vendor's flow control is per product API, and being gentle costs less than being throttled.
 *
 * Owns: admission of calls. Must not import product clients. The clock and sleep are injected, so
 * the whole behaviour is testable with a fake clock.
 *
 * Contract:
 * - `acquire()` resolves when a concurrency slot AND a token are available, in FIFO order; the
 *   returned function releases the slot (call it exactly once; later calls are ignored).
 * - `onThrottle()`: rate = max(minRate, rate × decreaseFactor), at most once per `decreaseCooldownMs`
 *   (a burst of throttled answers to calls sent together is one signal, not ten), and the bucket is
 *   emptied so the slowdown is immediate.
 * - `onSuccess()`: rate = min(maxRate, rate + increasePerSuccess).
 */
import type { CloudProduct } from './errors.js';

export interface LimiterSettings {
  /** Starting rate, calls per second. */
  readonly initialRate: number;
  /** Ceiling of the rate, calls per second. */
  readonly maxRate: number;
  /** Floor of the rate, calls per second. */
  readonly minRate: number;
  /** Bucket size: calls that may start back-to-back after an idle period. */
  readonly burst: number;
  /** Additive increase per successful call, calls per second. */
  readonly increasePerSuccess: number;
  /** Multiplicative decrease on throttling (0 < f < 1). */
  readonly decreaseFactor: number;
  /** Minimum time between two decreases. */
  readonly decreaseCooldownMs: number;
  /** Calls of this product in flight at once. */
  readonly maxConcurrency: number;
}

/**
 * Defaults. The vendor does not publish per-API quotas for these products in the sources we have;
 * these start optimistic (AIMD backs off on the first throttling answer) and keep a modest burst.
 */
export const DEFAULT_LIMITER_SETTINGS: LimiterSettings = {
  initialRate: 100,
  maxRate: 100,
  minRate: 0.5,
  burst: 20,
  increasePerSuccess: 0.1,
  decreaseFactor: 0.5,
  decreaseCooldownMs: 1000,
  maxConcurrency: 16,
};

export interface LimiterClock {
  /** Milliseconds, monotonic enough for rate keeping. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Live figures of a limiter, for events and benchmarks. */
export interface LimiterStats {
  readonly rate: number;
  readonly inFlight: number;
  readonly waiting: number;
  readonly throttles: number;
  readonly decreases: number;
}

export class AdaptiveLimiter {
  readonly settings: LimiterSettings;
  readonly #clock: LimiterClock;
  #rate: number;
  #tokens: number;
  #lastRefill: number;
  #lastDecrease = Number.NEGATIVE_INFINITY;
  #tokenQueue: Promise<void> = Promise.resolve();
  #inFlight = 0;
  #slotWaiters: (() => void)[] = [];
  #waiting = 0;
  #throttles = 0;
  #decreases = 0;
  /** Calls handed a token so far, and that count at the last decrease. */
  #acquired = 0;
  #decreaseSeq = 0;

  constructor(settings: Partial<LimiterSettings>, clock: LimiterClock) {
    const s = { ...DEFAULT_LIMITER_SETTINGS, ...settings };
    if (!(s.minRate > 0) || s.maxRate < s.minRate || s.burst < 1 || s.maxConcurrency < 1) {
      throw new RangeError('invalid limiter settings: need 0 < minRate <= maxRate, burst >= 1, maxConcurrency >= 1');
    }
    if (!(s.decreaseFactor > 0 && s.decreaseFactor < 1)) throw new RangeError('decreaseFactor must be in (0, 1)');
    this.settings = s;
    this.#clock = clock;
    this.#rate = Math.min(s.maxRate, Math.max(s.minRate, s.initialRate));
    this.#tokens = s.burst;
    this.#lastRefill = clock.now();
  }

  /** Current rate in calls per second. */
  get rate(): number {
    return this.#rate;
  }

  get stats(): LimiterStats {
    return {
      rate: this.#rate,
      inFlight: this.#inFlight,
      waiting: this.#waiting,
      throttles: this.#throttles,
      decreases: this.#decreases,
    };
  }

  /**
   * Waits for a slot and a token; returns the slot's release function, which also carries the
   * call's sequence number for {@link onThrottle}.
   */
  async acquire(): Promise<(() => void) & { readonly seq: number }> {
    this.#waiting++;
    try {
      await this.#takeSlot();
      try {
        await this.#takeToken();
      } catch (err) {
        this.#releaseSlot();
        throw err;
      }
    } finally {
      this.#waiting--;
    }
    let released = false;
    const seq = ++this.#acquired;
    return Object.assign(
      () => {
        if (released) return;
        released = true;
        this.#releaseSlot();
      },
      { seq },
    );
  }

  /**
   * The service throttled a call of this product. Given the call's sequence number (from
   * {@link acquire}), a call sent after the last decrease that is still throttled means the lowered
   * rate is still too high: decrease again at once. Calls sent before it were sent at the old rate
   * and say nothing new; without a sequence number, at most one decrease per cooldown.
   */
  onThrottle(seq?: number): void {
    this.#throttles++;
    const now = this.#clock.now();
    if (seq !== undefined ? seq <= this.#decreaseSeq : now - this.#lastDecrease < this.settings.decreaseCooldownMs) return;
    this.#refill(now);
    this.#lastDecrease = now;
    this.#decreaseSeq = this.#acquired;
    this.#decreases++;
    this.#rate = Math.max(this.settings.minRate, this.#rate * this.settings.decreaseFactor);
    this.#tokens = 0;
  }

  /** A call of this product succeeded. */
  onSuccess(): void {
    this.#rate = Math.min(this.settings.maxRate, this.#rate + this.settings.increasePerSuccess);
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#lastRefill);
    this.#tokens = Math.min(this.settings.burst, this.#tokens + (elapsed / 1000) * this.#rate);
    this.#lastRefill = now;
  }

  #takeToken(): Promise<void> {
    const turn = this.#tokenQueue.then(async () => {
      for (;;) {
        this.#refill(this.#clock.now());
        if (this.#tokens >= 1) {
          this.#tokens -= 1;
          return;
        }
        const waitMs = Math.max(1, Math.ceil(((1 - this.#tokens) / this.#rate) * 1000));
        await this.#clock.sleep(waitMs);
      }
    });
    this.#tokenQueue = turn.catch(() => undefined);
    return turn;
  }

  #takeSlot(): Promise<void> {
    if (this.#inFlight < this.settings.maxConcurrency) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#slotWaiters.push(() => {
        this.#inFlight++;
        resolve();
      });
    });
  }

  #releaseSlot(): void {
    this.#inFlight--;
    const next = this.#slotWaiters.shift();
    if (next) next();
  }
}

/** One limiter per product, created on first use; shared by all accounts and regions of a session. */
export class ProductLimiters {
  readonly #limiters = new Map<CloudProduct, AdaptiveLimiter>();
  readonly #settings: Partial<Record<CloudProduct, Partial<LimiterSettings>>>;
  readonly #defaults: Partial<LimiterSettings>;
  readonly #clock: LimiterClock;

  constructor(
    clock: LimiterClock,
    defaults: Partial<LimiterSettings> = {},
    perProduct: Partial<Record<CloudProduct, Partial<LimiterSettings>>> = {},
  ) {
    this.#clock = clock;
    this.#defaults = defaults;
    this.#settings = perProduct;
  }

  get(product: CloudProduct): AdaptiveLimiter {
    let l = this.#limiters.get(product);
    if (!l) {
      l = new AdaptiveLimiter({ ...this.#defaults, ...this.#settings[product] }, this.#clock);
      this.#limiters.set(product, l);
    }
    return l;
  }

  /** Stats of every limiter created so far, by product. */
  stats(): Partial<Record<CloudProduct, LimiterStats>> {
    const out: Partial<Record<CloudProduct, LimiterStats>> = {};
    for (const [p, l] of this.#limiters) out[p] = l.stats;
    return out;
  }
}
