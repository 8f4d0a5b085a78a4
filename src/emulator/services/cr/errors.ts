/**
 * cr 2018-12-01 errors. Business errors (UPPER_SNAKE codes) come back as HTTP 200 with
 * `IsSuccess:false` (cr-api-notes.md §2); parameter and permission errors are POP errors.
 */
import { ApiError } from '../../core/contract.js';

/** A cr business error: HTTP 200, `{RequestId, Code, Message, IsSuccess:false}`. */
export function crError(code: string, message: string): ApiError {
  return new ApiError(code, message, 200, 'business');
}

/** A POP parameter error (HTTP 400), e.g. a name that breaks the naming rule. */
export function invalidParameter(name: string, why: string): ApiError {
  return new ApiError('InvalidParameter', `The parameter ${name} is invalid: ${why}`, 400);
}

/**
 * The permission error of a cross-account sync rule whose target account has not authorised the
 * source account (see SPEC.md): the documented `NoPrivilege` code at HTTP 403.
 */
export function noPrivilege(message: string): ApiError {
  return new ApiError('NoPrivilege', message, 403);
}
