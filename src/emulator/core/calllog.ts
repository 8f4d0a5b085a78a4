/**
 * The call log: one entry per signed product request (rejected ones included), in arrival order,
 * for tests and crash suites (`GET /_emulator/calls`). Admin calls are never logged.
 *
 * Owns: bounded memory (the oldest entries are dropped past `capacity`); `seq` keeps counting
 * across clears so `?since=` stays meaningful.
 */
import type { Product } from './contract.js';

export interface CallLogEntry {
  readonly seq: number;
  /** The product the version named, or `unknown` when it named none. */
  readonly product: Product | 'unknown';
  readonly action: string;
  /** The signer's account, or '' when the request was rejected before one was known. */
  readonly accountUid: string;
  readonly region: string;
  readonly mutating: boolean;
  /** HTTP status sent; 0 when the connection was dropped by a fault. */
  readonly status: number;
  /**
   * null on success; the error code otherwise (POP, business or ROA), or `Emulator.DroppedBeforeApply`
   * / `Emulator.DroppedAfterApply` for dropped connections.
   */
  readonly code: string | null;
}

export class CallLog {
  private entries: CallLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity: number = 200_000) {}

  append(entry: Omit<CallLogEntry, 'seq'>): CallLogEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  /** Entries with seq > since, oldest first. */
  since(since = 0): CallLogEntry[] {
    if (since <= 0) return [...this.entries];
    return this.entries.filter((e) => e.seq > since);
  }

  clear(): void {
    this.entries = [];
  }
}
