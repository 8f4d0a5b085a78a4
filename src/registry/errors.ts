/**
 * Errors of the registry data plane. Every expected failure is a {@link RegistryError} (an
 * AcrctlError) that says which registry and what to do, and whether a retry may help. Messages and
 * details never carry credentials or tokens: only the registry's own error code and message.
 */
import { AcrctlError, type AcrctlErrorOptions } from '../errors.js';

export interface RegistryErrorOptions extends AcrctlErrorOptions {
  /** HTTP status of the answer, when there was one. */
  readonly status?: number;
  /** The registry's error code (`BLOB_UNKNOWN`, `DIGEST_INVALID`, …), when it gave one. */
  readonly registryCode?: string;
  /** True when the same request may succeed later (429, 5xx, a reset connection). */
  readonly retryable?: boolean;
  /** The server's Retry-After, in ms. */
  readonly retryAfterMs?: number;
}

export class RegistryError extends AcrctlError {
  readonly status: number | undefined;
  readonly registryCode: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: RegistryErrorOptions = {}) {
    super(code, message, options);
    this.status = options.status;
    this.registryCode = options.registryCode;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Node's fetch failures that mean "the connection broke", worth retrying. */
const TRANSIENT_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'EAI_AGAIN']);

/** True when `err` (from fetch or a body stream) is a broken connection rather than a refusal. */
export function isTransientNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_NET.has(code)) return true;
    if (e instanceof TypeError && /fetch failed|terminated|other side closed/i.test(e.message)) return true;
    if (e instanceof Error && /^(terminated|other side closed|socket hang up)$/i.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
