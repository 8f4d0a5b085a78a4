/** STS errors, with the codes and statuses the real service answers (see SPEC.md for the unsure ones). */
import { ApiError } from '../../core/contract.js';

export const stsErrors = {
  missing: (name: string) => new ApiError(`Missing${name}`, `${name} is mandatory for this action.`, 400),
  invalidRoleArn: (arn: string) => new ApiError('InvalidParameter.RoleArn', `The parameter RoleArn is wrongly formed: ${arn}.`, 400),
  invalidSessionName: () =>
    new ApiError('InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed: 2-64 characters of letters, digits and . @ - _', 400),
  invalidDuration: (min: number, max: number) =>
    new ApiError('InvalidParameter.DurationSeconds', `The Min/Max value of DurationSeconds is ${min}/${max} seconds.`, 400),
  invalidPolicy: () => new ApiError('InvalidParameter.PolicyGrammar', 'The parameter Policy has not passed grammar check.', 400),
  roleNotFound: (arn: string) => new ApiError('EntityNotExist.Role', `The role not exists: ${arn}.`, 404),
  notTrusted: (arn: string) =>
    new ApiError('NoPermission', `You are not authorized to do this action. You should be authorized by RAM. The trust policy of ${arn} does not allow the caller.`, 403),
  invalidOidcToken: (why: string) => new ApiError('InvalidParameter.OIDCToken', `The parameter OIDCToken is invalid: ${why}.`, 400),
  oidcTokenExpired: () => new ApiError('AuthenticationFail.OIDCToken.Expired', 'The OIDCToken has expired.', 400),
  oidcNotTrusted: (arn: string) =>
    new ApiError('AuthenticationFail.NoPermission', `The trust policy of ${arn} does not allow the OIDC provider.`, 403),
  invalidProviderArn: (arn: string) => new ApiError('InvalidParameter.OIDCProviderArn', `The parameter OIDCProviderArn is wrongly formed: ${arn}.`, 400),
};
