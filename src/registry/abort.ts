/**
 * One listener on a long-lived signal (an apply run's), fanned out to short-lived ones.
 *
 * A copier runs dozens of requests at once under the run's signal. Handing that signal to each of
 * them put one `abort` listener per request in flight on it: eight blob transfers (a GET and a PUT
 * each) plus manifest reads passed Node's limit of 10 and printed `MaxListenersExceededWarning` on
 * every import, and a listener left behind by a finished request stayed there. Here the run's signal
 * carries exactly one listener while operations run (none when idle); each operation gets a signal of
 * its own, aborted with the run's reason, and dropped (with whatever listens to it) when it ends.
 * `AbortSignal.any` would do the linking too, but on Node 20 its dependants stay reachable from the
 * source until collected, which is the growth this avoids.
 */
export class AbortScope {
  readonly #parent: AbortSignal | undefined;
  readonly #children = new Set<AbortController>();
  readonly #onAbort = (): void => {
    for (const c of [...this.#children]) c.abort(this.#parent?.reason);
  };

  constructor(parent: AbortSignal | undefined) {
    this.#parent = parent;
  }

  /** True once the parent signal is aborted. */
  get aborted(): boolean {
    return this.#parent?.aborted === true;
  }

  /** Runs `fn` with a signal of its own (undefined when there is no parent), released when it settles. */
  async run<T>(fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const parent = this.#parent;
    if (parent === undefined) return fn(undefined);
    const child = new AbortController();
    if (parent.aborted) child.abort(parent.reason);
    else {
      if (this.#children.size === 0) parent.addEventListener('abort', this.#onAbort, { once: true });
      this.#children.add(child);
    }
    try {
      return await fn(child.signal);
    } finally {
      this.#children.delete(child);
      if (this.#children.size === 0) parent.removeEventListener('abort', this.#onAbort);
    }
  }
}
