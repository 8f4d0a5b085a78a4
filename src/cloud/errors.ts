/**
 * Classification of cloud-call failures and their conversion to {@link AcrctlError}.
 *
 * Owns: deciding, from an error thrown by the official runtime (`@alicloud/openapi-core` error
 * classes, tea `ResponseError`, Node/httpx transport errors) or by our own business-error check
 * (cr `IsSuccess:false`, BSS `Success:false`), whether a call may be retried, was throttled, may
 * have landed without us knowing (outcome unknown), means "not found", or is fatal.
 * Must not import any product client, the session, or anything that performs I/O.
 *
 * Secrets: messages built here never contain an access key secret, a security token or a password.
 * Every text that came from outside passes through {@link redactSecrets} with the session's known
 * secrets plus generic patterns (`AccessKeySecret=…`, `SecurityToken=…`, `"accessKeySecret":"…"`).
 */
import { AcrctlError } from '../errors.js';

/** Products the cloud layer talks to (`crpe` = Personal Edition, cr 2016-06-07 ROA). */
export type CloudProduct = 'cr' | 'crpe' | 'bss' | 'ram' | 'sts' | 'cbn' | 'vpc' | 'pvtz' | 'cas';

/**
 * What a failure means for the caller:
 * - `throttled`: the service refused the call for rate reasons; it did not run; retry later, slower.
 * - `retryable`: transient (5xx with a response, or a transport failure before or around a call that
 *   is safe to repeat); retry.
 * - `outcome-unknown`: a mutating, non-idempotent call lost its connection after it may have been
 *   sent; repeating it could create twice. The executor must reconcile by reading live state.
 * - `not-found`: the object addressed does not exist (`*_NOT_EXIST`, `EntityNotExist.*`, …).
 * - `fatal`: anything else (parameters, permissions, conflicts): fail at once.
 */
export type FailureClass = 'throttled' | 'retryable' | 'outcome-unknown' | 'not-found' | 'fatal';

/** How a transport failure relates to the request having been sent (see wire.ts). */
export type TransportFailure = 'not-sent' | 'maybe-sent';

/** The code of wire.ts's error for a socket that did not connect in time: nothing was written. */
export const CONNECT_TIMEOUT_CODE = 'ACRCTL_CONNECT_TIMEOUT';

/** Codes (exact) that mean the service is briefly unable to serve: safe to retry, the call was rejected. */
const SERVER_RETRY_CODES: ReadonlySet<string> = new Set([
  'ServiceUnavailable',
  'ServerError',
  'InternalError',
  'InternalError.System',
  'SystemError',
  'System.Busy',
  'SLB_SERVICE_ERROR',
  'Operation.Blocking',
  'IncorrectStatus.Status',
  'TaskConflict',
]);

/**
 * Codes that can only arise before a socket is connected, so before anything was written: DNS
 * failures, a refused connection, wire.ts's connect deadline. Used when no observation of the
 * socket is recorded on the error (see {@link sentVerdict}).
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', CONNECT_TIMEOUT_CODE]);
/** Transport failures that may come after the request was written. */
const MAYBE_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const VERDICT = Symbol.for('acrctl.cloud.sentOrNot');

/**
 * Records on a thrown error what wire.ts saw of its request (non-enumerable, never printed) and
 * returns the same error. Anything that is not an extensible object is returned unchanged.
 */
export function markSent<E>(err: E, verdict: TransportFailure | undefined): E {
  if (verdict !== undefined && typeof err === 'object' && err !== null && Object.isExtensible(err)) {
    Object.defineProperty(err, VERDICT, { value: verdict, enumerable: false, configurable: true });
  }
  return err;
}

/** What {@link markSent} recorded on an error, if anything. */
export function sentVerdict(err: unknown): TransportFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const v = (err as { readonly [VERDICT]?: unknown })[VERDICT];
  return v === 'not-sent' || v === 'maybe-sent' ? v : undefined;
}

/** True for any code the vendor uses for throttling: /Throttling/ (incl. Throttling.User, .Api) and Rejected.Throttling. */
export function isThrottlingCode(code: string): boolean {
  return code.includes('Throttling');
}

/** True for vendor codes meaning "no such object" across the products we call. */
export function isNotFoundCode(code: string): boolean {
  return (
    /_NOT_EXIST$/.test(code) ||
    /^EntityNotExist/.test(code) ||
    /NotFound$/.test(code) ||
    /\.NotFound\b/.test(code) ||
    code === 'ResourceNotExists' ||
    code === 'InvalidZoneId.NotExists' ||
    code === 'Zone.NotExists' ||
    code === 'Record.NotExists'
  ) && !/^InvalidAction\.NotFound$|^InvalidAccessKeyId\.NotFound$|^InvalidVersion/.test(code);
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value !== 'undefined' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** True when `err` looks like a failure of the connection rather than an answer of the service. */
function isTransportError(err: object): boolean {
  const code = str(field(err, 'code')) ?? '';
  const name = str(field(err, 'name')) ?? '';
  const message = str(field(err, 'message')) ?? '';
  if (NOT_SENT_CODES.has(code) || MAYBE_SENT_CODES.has(code)) return true;
  if (name === 'RequestTimeoutError' || name === 'ConnectTimeoutError' || /ReadTimeout|ConnectTimeout/.test(message)) return true;
  if (/socket hang up|ECONNRESET|EPIPE|ETIMEDOUT|other side closed/i.test(message)) return true;
  // A truncated body (connection dropped mid-response) surfaces as a JSON parse error.
  return err instanceof SyntaxError && /JSON/.test(message);
}

/**
 * If `err` is a transport-level failure, says whether the request may have been sent.
 *
 * Decided by what the client could know. When wire.ts watched the call, its observation of the
 * socket is recorded on the error and decides: `not-sent` only if the last request's socket never
 * connected. Without that record (an error from elsewhere), only codes that cannot occur after
 * connecting (DNS, refused, our connect deadline) are `not-sent`; everything else, including the
 * runtime's `RequestTimeoutError: ConnectTimeout` (an idle timeout that keeps running after the
 * request was written), is `maybe-sent`.
 */
export function transportFailure(err: unknown): TransportFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  // An API error always carries an HTTP status; it is never a transport failure.
  if (num(field(err, 'statusCode')) !== undefined) return undefined;
  if (!isTransportError(err)) return undefined;
  const observed = sentVerdict(err);
  if (observed !== undefined) return observed;
  return NOT_SENT_CODES.has(str(field(err, 'code')) ?? '') ? 'not-sent' : 'maybe-sent';
}

/** Facts extracted from whatever the runtime threw. */
export interface ErrorFacts {
  /** Vendor code (e.g. `Throttling.User`, `INSTANCE_NOT_EXIST`), or a transport code. */
  readonly code: string;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  /** The vendor's message, without the runtime's `code: 400, … request id: …` decoration. */
  readonly message: string;
  /** `x-acs-retry-after` as parsed by the runtime (ThrottlingError.retryAfter); unit: see retry.ts. */
  readonly retryAfter: number | undefined;
  readonly transport: TransportFailure | undefined;
}

/** Reads code, status, request id and message from an SDK error, a business error or a transport error. */
export function errorFacts(err: unknown): ErrorFacts {
  if (err instanceof CloudApiError) {
    return {
      code: err.vendorCode,
      httpStatus: err.httpStatus,
      requestId: err.requestId,
      message: err.vendorMessage,
      retryAfter: err.retryAfter,
      transport: err.transport,
    };
  }
  const transport = transportFailure(err);
  const data = field(err, 'data');
  const code =
    str(field(err, 'code')) ?? str(field(data, 'Code')) ?? str(field(data, 'code')) ?? str(field(err, 'name')) ?? 'UnknownError';
  const httpStatus = num(field(err, 'statusCode')) ?? num(field(data, 'statusCode'));
  const requestId =
    str(field(err, 'requestId')) ?? str(field(data, 'RequestId')) ?? str(field(data, 'requestId'));
  const vendorMessage = str(field(data, 'Message')) ?? str(field(data, 'message'));
  let message = vendorMessage ?? str(field(err, 'message')) ?? String(err);
  if (vendorMessage === undefined) {
    // openapi-core formats `code: <status>, <Message> request id: <id>`; keep only the Message.
    const m = /^(?:[^:]*: )?code: \d+, (.*?)(?: request id: \S*)?$/s.exec(message);
    if (m?.[1] !== undefined) message = m[1];
  }
  const retryAfter = num(field(err, 'retryAfter'));
  return { code, httpStatus, requestId, message, retryAfter, transport };
}

/**
 * Classifies a failure. `mutating` and `idempotent` describe the call: reads are always safe to
 * repeat; a mutating call is safe to repeat when it is idempotent (update, delete, or a create with a
 * ClientToken); a transport failure that may have reached the service on a non-idempotent mutating
 * call is `outcome-unknown`. Throttling and 5xx answers are safe in every case: the service answered,
 * so it rejected the request.
 */
export function classifyFailure(err: unknown, call: { readonly mutating: boolean; readonly idempotent: boolean }): FailureClass {
  if (err instanceof CloudApiError && err.failure === 'outcome-unknown') return 'outcome-unknown';
  const facts = errorFacts(err);
  if (facts.transport !== undefined) {
    if (facts.transport === 'not-sent' || !call.mutating || call.idempotent) return 'retryable';
    return 'outcome-unknown';
  }
  if (isThrottlingCode(facts.code)) return 'throttled';
  if (SERVER_RETRY_CODES.has(facts.code)) return 'retryable';
  if (facts.httpStatus !== undefined && facts.httpStatus >= 500 && facts.httpStatus <= 599) return 'retryable';
  if (isNotFoundCode(facts.code)) return 'not-found';
  return 'fatal';
}

/** Patterns of secret-bearing text removed from anything we print, whatever the session knows. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /((?:AccessKeySecret|access_key_secret|accessKeySecret|SecurityToken|security_token|securityToken|sts_token|Password|password|AuthorizationToken|authorizationToken|BearerToken)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/g,
  /(x-acs-security-token:\s*)\S+/gi,
  /(Signature=)[^&\s]+/g,
];

/** Removes known secrets and secret-looking assignments from `text`. Secrets shorter than 4 chars are ignored. */
export function redactSecrets(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('***');
  }
  for (const p of SECRET_PATTERNS) out = out.replace(p, '$1***');
  return out;
}

export interface CloudCallRef {
  readonly product: CloudProduct;
  readonly action: string;
  /** Account alias the call was made for (never a key). */
  readonly account?: string;
  readonly region?: string;
}

export interface CloudApiErrorInit extends CloudCallRef {
  readonly vendorCode: string;
  readonly vendorMessage: string;
  readonly failure: FailureClass;
  readonly httpStatus?: number | undefined;
  readonly requestId?: string | undefined;
  readonly retryAfter?: number | undefined;
  readonly transport?: TransportFailure | undefined;
  /** Attempts made before giving up (1 = no retry). */
  readonly attempts?: number;
  readonly cause?: unknown;
  readonly address?: string;
}

/**
 * A failed cloud call as acrctl reports it. `code` is `cloud.<class>` (stable across vendor codes,
 * e.g. `cloud.not-found`, `cloud.throttled`, `cloud.outcome-unknown`), `vendorCode` the service's own
 * code. The message names the product, action, vendor code and request id; it never holds a secret.
 */
export class CloudApiError extends AcrctlError {
  readonly product: CloudProduct;
  readonly action: string;
  readonly account: string | undefined;
  readonly region: string | undefined;
  readonly vendorCode: string;
  readonly vendorMessage: string;
  readonly failure: FailureClass;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfter: number | undefined;
  readonly transport: TransportFailure | undefined;
  readonly attempts: number;

  constructor(init: CloudApiErrorInit) {
    const where = [init.account, init.region].filter((x) => x !== undefined).join('/');
    const head = `${init.product} ${init.action}${where ? ` (${where})` : ''} failed: ${init.vendorCode}: ${init.vendorMessage}`;
    const tail = [
      init.requestId ? `request id ${init.requestId}` : undefined,
      init.attempts !== undefined && init.attempts > 1 ? `after ${init.attempts} attempts` : undefined,
    ].filter((x): x is string => x !== undefined);
    super(`cloud.${init.failure}`, tail.length ? `${head} (${tail.join(', ')})` : head, {
      ...(init.cause !== undefined ? { cause: init.cause } : {}),
      ...(init.address !== undefined ? { address: init.address } : {}),
      ...(init.failure === 'outcome-unknown'
        ? { hint: 'the call may or may not have taken effect; read the live state before trying again (acrctl apply --resume does this)' }
        : init.failure === 'throttled'
          ? { hint: 'the service kept throttling; lower --parallelism or try again later' }
          : {}),
    });
    this.product = init.product;
    this.action = init.action;
    this.account = init.account;
    this.region = init.region;
    this.vendorCode = init.vendorCode;
    this.vendorMessage = init.vendorMessage;
    this.failure = init.failure;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
    this.transport = init.transport;
    this.attempts = init.attempts ?? 1;
  }
}

/**
 * Converts anything thrown by a cloud call into a {@link CloudApiError}, redacting secrets from the
 * vendor message. The original error is kept as `cause` only after its message was checked: when the
 * raw message contains a known secret, the cause is dropped rather than risk printing it with --debug.
 */
export function toCloudApiError(
  err: unknown,
  ref: CloudCallRef & { readonly mutating: boolean; readonly idempotent: boolean; readonly attempts?: number; readonly address?: string },
  secrets: Iterable<string> = [],
): CloudApiError {
  if (err instanceof CloudApiError && err.attempts === (ref.attempts ?? err.attempts)) return err;
  const facts = errorFacts(err);
  const failure = classifyFailure(err, ref);
  const secretList = [...secrets];
  const vendorMessage = redactSecrets(facts.message, secretList);
  const rawMessage = typeof err === 'object' && err !== null ? String(field(err, 'message') ?? '') : String(err);
  const causeIsClean = redactSecrets(rawMessage, secretList) === rawMessage;
  return new CloudApiError({
    product: ref.product,
    action: ref.action,
    ...(ref.account !== undefined ? { account: ref.account } : {}),
    ...(ref.region !== undefined ? { region: ref.region } : {}),
    ...(ref.address !== undefined ? { address: ref.address } : {}),
    vendorCode: redactSecrets(facts.code, secretList),
    vendorMessage: failure === 'outcome-unknown' ? `the request was sent, but no complete answer came back (${vendorMessage})` : vendorMessage,
    failure,
    httpStatus: facts.httpStatus,
    requestId: facts.requestId,
    retryAfter: facts.retryAfter,
    transport: facts.transport,
    ...(ref.attempts !== undefined ? { attempts: ref.attempts } : {}),
    ...(causeIsClean ? { cause: err } : {}),
  });
}
