/**
 * Ctrl-C (SIGINT) and SIGTERM while apply or destroy holds the lock. The first interrupt asks for a
 * graceful stop: nothing more is started, the actions in flight get a bounded time to finish. The
 * second (or the end of that time) stops them at once: the executor journals them `interrupted`
 * and returns, so the journal ends consistent and the lock is released before the process exits.
 *
 * Why `process.on`, never `process.once`: log-update hides the cursor through signal-exit, which
 * adds its own SIGINT listener and re-raises the signal when it finds no listener but its own. A
 * `once` listener removes itself before signal-exit's runs, so the first Ctrl-C killed apply on a
 * terminal. These listeners stay until {@link Interrupts.dispose}, after the lock is released.
 */

/** How long the first interrupt lets actions in flight finish (ms) unless `ACRCTL_INTERRUPT_GRACE_MS` says otherwise. */
export const DEFAULT_GRACE_MS = 30_000;

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

export interface Interrupts {
  /** Aborted at the first interrupt: start nothing more. */
  readonly stop: AbortSignal;
  /** Aborted at the second interrupt, or when the grace time after the first has passed: stop what runs. */
  readonly abort: AbortSignal;
  /** The first interrupt's signal, once there was one. */
  readonly received: InterruptSignal | undefined;
  /** The exit code an interrupted command ends with: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
  exitCode(): number;
  /** Rejects with {@link Interrupted} as soon as the first interrupt arrives (for read-only work: planning, the prompt). */
  race<T>(work: Promise<T>): Promise<T>;
  /** Removes the listeners. */
  dispose(): void;
}

/** Thrown by {@link Interrupts.race} when an interrupt arrives first. */
export class Interrupted extends Error {
  constructor(readonly signal: InterruptSignal) {
    super(`interrupted by ${signal}`);
  }
}

export interface TrapOptions {
  readonly graceMs: number;
  /** The first interrupt. */
  readonly onStop?: (signal: InterruptSignal) => void;
  /** The second interrupt, or the grace time has passed (`timeout`). */
  readonly onAbort?: (why: 'second' | 'timeout') => void;
  /** A third interrupt: the caller exits at once, whatever is left. */
  readonly onForce?: () => void;
  /** Where signals come from; `process` unless a test injects an emitter. */
  readonly source?: Pick<NodeJS.Process, 'on' | 'off'>;
}

const SIGNAL_NUMBER: Record<InterruptSignal, number> = { SIGINT: 2, SIGTERM: 15 };

/** Catches SIGINT and SIGTERM until disposed; see the file comment. */
export function trapInterrupts(opts: TrapOptions): Interrupts {
  const source = opts.source ?? process;
  const stop = new AbortController();
  const abort = new AbortController();
  let received: InterruptSignal | undefined;
  let count = 0;
  let grace: NodeJS.Timeout | undefined;
  const abortNow = (why: 'second' | 'timeout') => {
    if (abort.signal.aborted) return;
    if (grace) clearTimeout(grace);
    opts.onAbort?.(why);
    abort.abort(new Interrupted(received ?? 'SIGINT'));
  };
  const on = (signal: InterruptSignal) => {
    count++;
    if (count === 1) {
      received = signal;
      opts.onStop?.(signal);
      stop.abort(new Interrupted(signal));
      grace = setTimeout(() => abortNow('timeout'), opts.graceMs);
      grace.unref?.();
    } else if (count === 2) {
      abortNow('second');
    } else {
      opts.onForce?.();
    }
  };
  const onInt = () => on('SIGINT');
  const onTerm = () => on('SIGTERM');
  source.on('SIGINT', onInt);
  source.on('SIGTERM', onTerm);
  return {
    stop: stop.signal,
    abort: abort.signal,
    get received() {
      return received;
    },
    exitCode: () => 128 + SIGNAL_NUMBER[received ?? 'SIGINT'],
    race<T>(work: Promise<T>): Promise<T> {
      if (stop.signal.aborted) {
        work.catch(() => undefined);
        return Promise.reject(new Interrupted(received ?? 'SIGINT'));
      }
      return new Promise<T>((resolve, reject) => {
        const onStop = () => {
          // The work goes on in the background (it is read-only); its outcome no longer matters.
          work.catch(() => undefined);
          reject(new Interrupted(received ?? 'SIGINT'));
        };
        stop.signal.addEventListener('abort', onStop, { once: true });
        work.then(
          (v) => {
            stop.signal.removeEventListener('abort', onStop);
            resolve(v);
          },
          (err: unknown) => {
            stop.signal.removeEventListener('abort', onStop);
            reject(err);
          },
        );
      });
    },
    dispose() {
      if (grace) clearTimeout(grace);
      source.off('SIGINT', onInt);
      source.off('SIGTERM', onTerm);
    },
  };
}

/** `ACRCTL_INTERRUPT_GRACE_MS`: how long the first interrupt waits for actions in flight. */
export function graceFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env['ACRCTL_INTERRUPT_GRACE_MS'];
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(n) && n >= 0 ? n : DEFAULT_GRACE_MS;
}
