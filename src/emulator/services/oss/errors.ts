/**
 * OSS errors as the real service renders them: an XML `<Error>` body with `Code`, `Message`,
 * `RequestId`, `HostId`, operation-specific elements (`Key`, `BucketName`, `Condition`, …) and, where
 * the vendor's error center names one, the `EC` code with its `RecommendDoc` link. HEAD answers
 * carry no body: the same XML goes base64-encoded in `x-oss-err` (what ali-oss reads).
 *
 * Owns: codes, statuses, messages and EC codes. ECs marked "guess" in SPEC.md were not confirmed.
 */

export class OssError extends Error {
  override readonly name = 'OssError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra elements of the `<Error>` body, in order (e.g. Key, BucketName). */
    readonly fields: Readonly<Record<string, string>> = {},
    /** The vendor's error-center code, e.g. 0026-00000001. */
    readonly ec?: string,
    /** Extra response headers (e.g. x-oss-next-append-position). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const ossErrors = {
  noSuchBucket: (bucket: string) => new OssError('NoSuchBucket', 'The specified bucket does not exist.', 404, { BucketName: bucket }, '0015-00000101'),
  noSuchKey: (key: string) => new OssError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }, '0026-00000001'),
  fileAlreadyExists: (key: string) =>
    new OssError('FileAlreadyExists', 'The object you specified already exists and can not be overwritten.', 409, { Key: key }, '0026-00000002'),
  bucketAlreadyExists: (bucket: string) =>
    new OssError(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      409,
      { BucketName: bucket },
      '0015-00000104',
    ),
  bucketNotEmpty: (bucket: string) => new OssError('BucketNotEmpty', 'The bucket you tried to delete is not empty.', 409, { BucketName: bucket }, '0015-00000301'),
  invalidBucketName: (bucket: string) => new OssError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket }, '0015-00000001'),
  invalidObjectName: (why: string) => new OssError('InvalidObjectName', `The specified object is not valid: ${why}.`, 400, {}, '0016-00000001'),
  invalidArgument: (name: string, value: string, why: string) =>
    new OssError('InvalidArgument', why, 400, { ArgumentName: name, ArgumentValue: value }),
  invalidDigest: () => new OssError('InvalidDigest', 'The Content-MD5 you specified is not valid.', 400, {}, '0016-00000201'),
  entityTooLarge: (max: number) => new OssError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed object size of the emulator (${max} bytes).`, 400),
  preconditionFailed: (condition: string) =>
    new OssError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.', 412, { Condition: condition }, '0025-00000004'),
  positionNotEqualToLength: (length: number) =>
    new OssError('PositionNotEqualToLength', 'Position is not equal to file length', 409, {}, '0026-00000016', { 'x-oss-next-append-position': String(length) }),
  objectNotAppendable: (key: string) => new OssError('ObjectNotAppendable', 'The object is not appendable', 409, { Key: key }, '0026-00000015'),
  notImplemented: (what: string) => new OssError('NotImplemented', `A header you provided implies functionality that is not implemented: ${what}.`, 501),
  methodNotAllowed: (method: string, what: string) => new OssError('MethodNotAllowed', `The specified method is not allowed against this resource: ${method} ${what}.`, 405),
  accessDenied: (message: string, ec?: string) => new OssError('AccessDenied', message, 403, {}, ec),
  /** RAM refused the call (enforce.ts): the action and resource are named, as RAM denials do. */
  ramDenied: (d: { action: string; resource: string; verdict: string }) =>
    new OssError('AccessDenied', `You have no right to access this object because of RAM policy: ${d.action} on ${d.resource} (${d.verdict}).`, 403, { AuthAction: d.action, AuthResource: d.resource }, '0003-00000301'),
  wrongEndpoint: (bucket: string, region: string) =>
    new OssError(
      'AccessDenied',
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
      403,
      { Bucket: bucket, Endpoint: `oss-${region}.aliyuncs.com` },
      '0003-00001403',
    ),
  signatureMismatch: (accessKeyId: string, stringToSign: string, provided: string) =>
    new OssError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
      { OSSAccessKeyId: accessKeyId, SignatureProvided: provided, StringToSign: stringToSign },
      '0002-00000040',
    ),
  invalidAccessKeyId: (accessKeyId: string) =>
    new OssError('InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', 403, { OSSAccessKeyId: accessKeyId }, '0002-00000902'),
  malformedAuthorization: (why: string) => new OssError('InvalidArgument', `Authorization header is invalid: ${why}.`, 400, { ArgumentName: 'Authorization' }),
  timeTooSkewed: (requestTime: string, serverTime: string) =>
    new OssError(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      403,
      { RequestTime: requestTime, ServerTime: serverTime, MaxAllowedSkewMilliseconds: '900000' },
      '0002-00000504',
    ),
  missingDate: () => new OssError('AccessDenied', 'OSS authentication requires a valid Date.', 403, {}, '0002-00000503'),
  invalidSecurityToken: () => new OssError('InvalidSecurityToken', 'The security token you provided is invalid.', 403),
  securityTokenExpired: () => new OssError('SecurityTokenExpired', 'The security token you provided has expired.', 403),
  qpsLimit: () => new OssError('QpsLimitExceeded', 'Please reduce your request rate.', 429),
  totalQpsLimit: () => new OssError('TotalQpsLimitExceeded', 'Max total qps limit is exceeded', 503, {}, '0004-00000302'),
  busy: () => new OssError('ServiceUnavailable', 'Thread pool is almost full, please retry later', 503),
  internal: () => new OssError('InternalError', 'We encountered an internal error. Please try again.', 500),
} as const;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The `<Error>` XML body of an error. */
export function errorXml(e: OssError, requestId: string, hostId: string): string {
  const parts = [
    `  <Code>${escapeXml(e.code)}</Code>`,
    `  <Message>${escapeXml(e.message)}</Message>`,
    `  <RequestId>${requestId}</RequestId>`,
    `  <HostId>${escapeXml(hostId)}</HostId>`,
    ...Object.entries(e.fields).map(([k, v]) => `  <${k}>${escapeXml(v)}</${k}>`),
  ];
  if (e.ec !== undefined) parts.push(`  <EC>${e.ec}</EC>`, `  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=${e.ec}</RecommendDoc>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n${parts.join('\n')}\n</Error>\n`;
}

export { escapeXml };
