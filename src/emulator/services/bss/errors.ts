/** BssOpenApi errors: POP error bodies `{RequestId, HostId, Code, Message, Recommend}` at HTTP 400. */
import { ApiError } from '../../core/contract.js';

export function bssInvalid(name: string, why: string): ApiError {
  return new ApiError('InvalidParameter', `The parameter ${name} is invalid: ${why}`, 400);
}

/** The instance is unknown to the caller or already released (Terraform treats it as gone). */
export function resourceNotExists(instanceId: string): ApiError {
  return new ApiError('ResourceNotExists', `The specified instance ${instanceId} does not exist or has been released.`, 400);
}

/**
 * A ClientToken reused with different parameters. The code is the one Alibaba Cloud's ECS and VPC
 * use for this case; BSS's own code was not found (see SPEC.md).
 */
export function idempotentMismatch(): ApiError {
  return new ApiError(
    'IdempotentParameterMismatch',
    'The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.',
    400,
  );
}
