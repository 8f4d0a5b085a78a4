/**
 * How long a cloud call may take: a connect timeout and a read timeout per product and action.
 *
 * Owns: the table of budgets and turning a budget into the runtime's settings. Pure: no I/O.
 *
 * - `connectMs`: from the start of a request until its socket is connected (DNS, TCP and, for
 *   HTTPS, the TLS handshake). Enforced by wire.ts, whose failure is known to be "not sent".
 * - `readMs`: from the connection until the whole answer has arrived. Creates of some products are
 *   slow by nature: an instance purchase (BSS CreateInstance, which places an order), and cr sync
 *   tasks (CreateRepoSyncTask, CreateRepoSyncTaskByRule), which start cross-region copies. They get
 *   a longer budget. When the budget runs out after the request was written, the outcome is unknown:
 *   acrctl reads the live state before it would send a create again.
 *
 * The runtime (`@darabonba/typescript` → `httpx`) uses its `connectTimeout` as the socket's idle
 * timeout for the whole exchange, so it must never be shorter than the read budget: the settings
 * given to it are `readTimeout = readMs` and `connectTimeout = readMs + connectMs` (which lets the
 * read timer fire first, with its own `ReadTimeout` message).
 *
 * The real service's slowest answers are not documented (UNVERIFIED): the budgets are generous
 * guesses, well above the 5 s / 30 s that made slow creates look failed.
 */
import type { CloudProduct } from './errors.js';

export interface CallTimeouts {
  readonly connectMs: number;
  readonly readMs: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_READ_TIMEOUT_MS = 60_000;
/** Read budget for creates that are slow by nature. */
export const SLOW_CREATE_READ_TIMEOUT_MS = 120_000;

/** Calls (`product:Action`, or a whole product) whose answer may take longer than the default. */
const SLOW: ReadonlySet<string> = new Set([
  // Instance purchase, refund and upgrade place orders.
  'bss',
  'cr:CreateRepoSyncTask',
  'cr:CreateRepoSyncTaskByRule',
  'cr:CreateInstanceVpcEndpointLinkedVpc',
]);

/** Overrides for a session (tests, or an operator's environment); each falls back to the table. */
export interface TimeoutSettings {
  readonly connectMs?: number;
  /** Replaces every read budget, slow creates included. */
  readonly readMs?: number;
}

/** The budgets of one call. Pure. */
export function callTimeouts(product: CloudProduct, action: string, settings: TimeoutSettings = {}): CallTimeouts {
  const slow = SLOW.has(product) || SLOW.has(`${product}:${action}`);
  return {
    connectMs: settings.connectMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    readMs: settings.readMs ?? (slow ? SLOW_CREATE_READ_TIMEOUT_MS : DEFAULT_READ_TIMEOUT_MS),
  };
}

/** The longest read budget of any action of a product (for clients configured per product). */
export function productTimeouts(product: CloudProduct, settings: TimeoutSettings = {}): CallTimeouts {
  const slow = SLOW.has(product) || [...SLOW].some((k) => k.startsWith(`${product}:`));
  return {
    connectMs: settings.connectMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    readMs: settings.readMs ?? (slow ? SLOW_CREATE_READ_TIMEOUT_MS : DEFAULT_READ_TIMEOUT_MS),
  };
}

/** The runtime's `readTimeout` / `connectTimeout` for a budget (see the module note). */
export function runtimeTimeouts(t: CallTimeouts): { readonly readTimeout: number; readonly connectTimeout: number } {
  return { readTimeout: t.readMs, connectTimeout: t.readMs + t.connectMs };
}
