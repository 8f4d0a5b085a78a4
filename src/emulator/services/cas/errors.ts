/**
 * Certificate Management Service 2020-04-07 errors. The vendor's API pages list no error codes for
 * these actions: every code here is guessed (SPEC.md says so); messages never quote a PEM.
 */
import { ApiError } from '../../core/contract.js';

export const casErrors = {
  notFound: (id: string) => new ApiError('Certificate.NotFound', `The certificate ${id} does not exist.`, 404),
  nameRepeat: (name: string) => new ApiError('NameRepeat', `A certificate named ${name} already exists in this account.`, 400),
  nameTooLong: () => new ApiError('InvalidParameter.Name', 'The certificate name can be up to 63 characters long.', 400),
  badCert: () => new ApiError('InvalidCertificate', 'The certificate is not a valid PEM X.509 certificate.', 400),
  badKey: () => new ApiError('InvalidPrivateKey', 'The private key is not a valid PEM private key.', 400),
  mismatch: () => new ApiError('CertificateKeyMismatch', 'The certificate and the private key do not match.', 400),
  badId: (raw: string) => new ApiError('InvalidParameter.CertId', `The parameter CertId is invalid: ${raw} is not a certificate id.`, 400),
  badOrderType: (raw: string) => new ApiError('InvalidParameter.OrderType', `The parameter OrderType is invalid: ${raw}.`, 400),
} as const;
