/**
 * Waiting on asynchronous objects (instance purchase, VPC link, endpoint, sync task, CEN states).
 * Polls with a growing interval, fast at first (the emulator settles in a few hundred ms) and gentle
 * later (the real service takes minutes), until the check says ready or the kind's timeout passes.
 */
import { AcrctlError } from '../errors.js';
import type { ExecContext } from '../plan/kind.js';

export interface WaitOptions {
  /** What is awaited, for messages: `instance acme-hz to be RUNNING`. */
  readonly what: string;
  readonly timeoutMs: number;
  /** First poll interval (default 250 ms), doubled each time up to `maxIntervalMs` (default 5 s). */
  readonly intervalMs?: number;
  readonly maxIntervalMs?: number;
}

/**
 * Calls `check` until it returns a value other than undefined, and returns it. `check` may throw to
 * fail at once (e.g. the object reached a failed state). Reports progress on every poll.
 */
export async function waitUntil<T>(ctx: ExecContext, check: () => Promise<T | undefined>, opts: WaitOptions): Promise<T> {
  const start = ctx.now();
  let interval = opts.intervalMs ?? 250;
  const max = opts.maxIntervalMs ?? 5_000;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    const elapsed = ctx.now() - start;
    if (elapsed >= opts.timeoutMs) {
      throw new AcrctlError('apply.wait_timeout', `timed out after ${Math.round(elapsed / 1000)}s waiting for ${opts.what}`, {
        hint: 'the cloud may still finish it: run acrctl apply --resume to pick it up where it is',
      });
    }
    if (ctx.signal?.aborted) throw new AcrctlError('apply.interrupted', `interrupted while waiting for ${opts.what}`);
    ctx.progress(`waiting for ${opts.what} [${Math.round(elapsed / 1000)}s elapsed]`, { elapsedMs: elapsed });
    await ctx.sleep(Math.min(interval, Math.max(0, opts.timeoutMs - elapsed)));
    interval = Math.min(max, interval * 2);
  }
}

/** Per-kind wait timeouts (ms), as Terraform's defaults for the same objects suggest (cr-api-notes §6). */
export const TIMEOUTS = {
  instanceCreate: 20 * 60_000,
  instanceDelete: 10 * 60_000,
  vpcLink: 5 * 60_000,
  internetEndpoint: 5 * 60_000,
  aclEntry: 10 * 60_000,
  syncTask: 60 * 60_000,
  cbn: 10 * 60_000,
  vpcRoute: 5 * 60_000,
} as const;
