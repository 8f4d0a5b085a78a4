/**
 * Replay protection: remembers signature nonces for the 15-minute window in which a timestamp is
 * accepted, so a nonce seen twice inside it is `SignatureNonceUsed`.
 *
 * Owns: bounded memory. Entries older than the window are dropped lazily (oldest first, Map
 * insertion order); when more than `capacity` nonces are live, the oldest are dropped too, which
 * only weakens replay detection for very old nonces under extreme load. Pure: time is passed in.
 */

/** How long a signed request stays valid, and how long its nonce is remembered. */
export const SIGNATURE_WINDOW_MS = 15 * 60 * 1000;

export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number = SIGNATURE_WINDOW_MS,
    private readonly capacity: number = 500_000,
  ) {}

  /** Records `nonce` at `now`; false when it was already seen within the window. */
  remember(nonce: string, now: number): boolean {
    this.evict(now);
    const at = this.seen.get(nonce);
    if (at !== undefined && now - at <= this.windowMs) return false;
    if (at !== undefined) this.seen.delete(nonce);
    this.seen.set(nonce, now);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  clear(): void {
    this.seen.clear();
  }

  private evict(now: number): void {
    for (const [nonce, at] of this.seen) {
      if (now - at > this.windowMs || this.seen.size > this.capacity) this.seen.delete(nonce);
      else break;
    }
  }
}
