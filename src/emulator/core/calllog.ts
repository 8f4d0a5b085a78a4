/**
 * The call log: one entry per signed product request (rejected ones included), in arrival order,
 * and one per registry data-plane request (product `registry`, logged when its answer is done), for
 * tests and crash suites (`GET /_emulator/calls`). Admin calls are never logged.
 *
 * Owns: bounded memory (the oldest entries are dropped past `capacity`); `seq` keeps counting
 * across clears so `?since=` stays meaningful.
 */
import type { EndpointProduct } from './contract.js';

export interface CallLogEntry {
  readonly seq: number;
  /** The product the version named, or `unknown` when it named none; `oss`; `registry` for the data plane. */
  readonly product: EndpointProduct | 'registry' | 'unknown';
  /** The API action, the OSS operation, or the registry operation (`GetBlob`, `PutManifest`, …: faults.ts lists them). */
  readonly action: string;
  /**
   * The signer's account, or '' when the request was rejected before one was known; for a registry
   * request the token's (or the token request's) account, '' when anonymous.
   */
  readonly accountUid: string;
  readonly region: string;
  /** Registry requests only: the registry key (`ee:<instanceId>`, `pe:<region>`). */
  readonly registry?: string;
  /** Registry requests only, when the path names one: `<namespace>/<repository>`. */
  readonly repository?: string;
  readonly mutating: boolean;
  /** HTTP status sent; 0 when the connection was dropped by a fault (or closed before an answer). */
  readonly status: number;
  /**
   * null on success; the error code otherwise (POP, business, ROA or distribution), or
   * `Emulator.DroppedBeforeApply` / `Emulator.DroppedAfterApply` for dropped connections, or (registry)
   * `Emulator.ConnectionClosed` when the client went away before the answer was complete.
   */
  readonly code: string | null;
  /**
   * Calls of a RAM-enforced caller (a RAM user, an enforced role): what was authorised, the RAM
   * action and every resource ARN its policies were evaluated on, and the caller's ARN. Lets a test
   * replay the run's authorisations against another policy (test/e2e/least-privilege.test.ts).
   */
  readonly ram?: { readonly action: string; readonly resources: readonly string[]; readonly principal: string };
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
