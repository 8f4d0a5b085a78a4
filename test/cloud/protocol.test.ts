import * as openapiCore from '@alicloud/openapi-core';
import { describe, expect, it } from 'vitest';
import { CONNECT_TIMEOUT_CODE, classifyFailure, isNotFoundCode, markSent, redactSecrets, toCloudApiError, transportFailure } from '../../src/cloud/errors.js';
import { BusinessError, callRpc, checkBusinessBody, flattenParams, roaPath, type OpenApiClientLike } from '../../src/cloud/rpc.js';

describe('flattenParams', () => {
  it('flattens as the SDK runtime does (PROTOCOL.md §1), checked against OpenApiUtil.query', () => {
    const input = {
      InstanceId: 'cri-1',
      PageNo: 2,
      DryRun: false,
      Tag: [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '2' },
      ],
      Platforms: ['linux/amd64', 'linux/arm64'],
      RouteTableOptions: { MultiRegionECMP: 'disable' },
      Skipped: undefined,
    };
    const ours = flattenParams(input);
    expect(ours).toEqual({
      InstanceId: 'cri-1',
      PageNo: '2',
      DryRun: 'false',
      'Tag.1.Key': 'a',
      'Tag.1.Value': '1',
      'Tag.2.Key': 'b',
      'Tag.2.Value': '2',
      'Platforms.1': 'linux/amd64',
      'Platforms.2': 'linux/arm64',
      'RouteTableOptions.MultiRegionECMP': 'disable',
    });
    const { Skipped: _skipped, ...defined } = input;
    expect(openapiCore.OpenApiUtil.query(defined)).toEqual(ours);
  });

  it('sends Shrink parameters as one JSON string', () => {
    const flat = flattenParams(
      { InstanceId: 'cri-1', Entries: [{ Entry: '10.0.0.0/8', Comment: 'office' }], DefaultRepoConfiguration: { RepoType: 'PRIVATE' } },
      ['Entries', 'DefaultRepoConfiguration'],
    );
    expect(flat).toEqual({
      InstanceId: 'cri-1',
      Entries: '[{"Entry":"10.0.0.0/8","Comment":"office"}]',
      DefaultRepoConfiguration: '{"RepoType":"PRIVATE"}',
    });
  });

  it('encodes ROA path parameters', () => {
    expect(roaPath('/repos/{RepoNamespace}/{RepoName}/tags', { RepoNamespace: 'team a', RepoName: 'x/y' })).toBe('/repos/team%20a/x%2Fy/tags');
    expect(() => roaPath('/repos/{RepoNamespace}', {})).toThrow(/missing path parameter/);
  });
});

describe('business errors in a 200 body', () => {
  it.each([
    { reason: 'cr IsSuccess:false', body: { Code: 'NAMESPACE_NOT_EXIST', Message: 'no', IsSuccess: false, RequestId: 'r' }, code: 'NAMESPACE_NOT_EXIST' },
    { reason: 'BSS Success:false', body: { Code: 'NotApplicable', Message: 'site', Success: false }, code: 'NotApplicable' },
  ])('throws for $reason', ({ body, code }) => {
    const err = (() => {
      try {
        checkBusinessBody(body, 200);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(BusinessError);
    expect((err as BusinessError).code).toBe(code);
  });

  it('passes success bodies through', () => {
    expect(() => checkBusinessBody({ Code: 'success', IsSuccess: true }, 200)).not.toThrow();
    expect(() => checkBusinessBody({ RequestId: 'x' }, 200)).not.toThrow();
  });

  it('callRpc builds RPC Params and a flattened query, and throws business failures', async () => {
    const seen: { params: Record<string, unknown>; query: unknown }[] = [];
    const client: OpenApiClientLike = {
      callApi: (params, request) => {
        seen.push({ params: { ...params }, query: request.query });
        return Promise.resolve({ statusCode: 200, body: { Code: 'INSTANCE_NOT_EXIST', IsSuccess: false, RequestId: 'rid' } });
      },
    };
    const err = await callRpc(client, { action: 'GetInstance', version: '2018-12-01', protocol: 'http', params: { InstanceId: 'cri-x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessError);
    expect(classifyFailure(err, { mutating: false, idempotent: true })).toBe('not-found');
    expect(seen[0]?.params).toMatchObject({
      action: 'GetInstance',
      version: '2018-12-01',
      protocol: 'HTTP',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    expect(seen[0]?.query).toEqual({ InstanceId: 'cri-x' });
  });
});

describe('classification', () => {
  const read = { mutating: false, idempotent: true };
  const create = { mutating: true, idempotent: false };
  it.each([
    { reason: 'any code containing Throttling', err: { code: 'Throttling.User', statusCode: 400 }, call: read, want: 'throttled' },
    { reason: 'Rejected.Throttling', err: { code: 'Rejected.Throttling', statusCode: 400 }, call: create, want: 'throttled' },
    { reason: '503 ServiceUnavailable', err: { code: 'ServiceUnavailable', statusCode: 503 }, call: create, want: 'retryable' },
    { reason: 'any 5xx', err: { code: 'Whatever', statusCode: 502 }, call: read, want: 'retryable' },
    { reason: 'socket hang up on a read', err: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), call: read, want: 'retryable' },
    { reason: 'socket hang up on a create', err: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), call: create, want: 'outcome-unknown' },
    { reason: 'read timeout on a create', err: Object.assign(new Error('ReadTimeout(30000). POST http://x failed.'), { name: 'RequestTimeoutError' }), call: create, want: 'outcome-unknown' },
    // The runtime's "ConnectTimeout" is a socket idle timeout that keeps running after the request was
    // written (issue 19: a 6 s create was re-sent 10 times). Without an observation of the socket it
    // may have been sent.
    { reason: "the runtime's ConnectTimeout on a create, socket not observed: may have been sent", err: Object.assign(new Error('ConnectTimeout: Connect http://x failed.'), { name: 'RequestTimeoutError' }), call: create, want: 'outcome-unknown' },
    { reason: "the runtime's ConnectTimeout after the socket connected", err: markSent(Object.assign(new Error('ConnectTimeout: Connect http://x failed.'), { name: 'RequestTimeoutError' }), 'maybe-sent'), call: create, want: 'outcome-unknown' },
    { reason: "the runtime's ConnectTimeout before the socket connected is never sent", err: markSent(Object.assign(new Error('ConnectTimeout: Connect http://x failed.'), { name: 'RequestTimeoutError' }), 'not-sent'), call: create, want: 'retryable' },
    { reason: 'our connect deadline fires only before the socket connected', err: Object.assign(new Error('no connection within 10000 ms'), { name: 'ConnectTimeoutError', code: CONNECT_TIMEOUT_CODE }), call: create, want: 'retryable' },
    { reason: 'a reset after the socket connected, observed', err: markSent(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'maybe-sent'), call: create, want: 'outcome-unknown' },
    { reason: 'DNS failure never sent', err: Object.assign(new Error('getaddrinfo ENOTFOUND cr.example'), { code: 'ENOTFOUND' }), call: create, want: 'retryable' },
    { reason: 'host unreachable, socket not observed: may come after connecting', err: Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }), call: create, want: 'outcome-unknown' },
    { reason: 'host unreachable while connecting, observed', err: markSent(Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }), 'not-sent'), call: create, want: 'retryable' },
    { reason: 'a plain bug is no transport failure, whatever was observed', err: markSent(new TypeError('x is undefined'), 'not-sent'), call: create, want: 'fatal' },
    { reason: 'connection refused never sent', err: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), call: create, want: 'retryable' },
    { reason: 'EPIPE', err: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), call: read, want: 'retryable' },
    { reason: 'RAM EntityNotExist', err: { code: 'EntityNotExist.Role', statusCode: 404 }, call: read, want: 'not-found' },
    { reason: 'unknown action is a bug, not absence', err: { code: 'InvalidAction.NotFound', statusCode: 404 }, call: read, want: 'fatal' },
    { reason: 'bad key is fatal', err: { code: 'InvalidAccessKeyId.NotFound', statusCode: 404 }, call: read, want: 'fatal' },
    { reason: 'signature mismatch', err: { code: 'SignatureDoesNotMatch', statusCode: 400 }, call: read, want: 'fatal' },
  ])('$reason → $want', ({ err, call, want }) => {
    expect(classifyFailure(err, call)).toBe(want);
  });

  it('recognises not-found codes across products', () => {
    for (const c of ['INSTANCE_NOT_EXIST', 'REPO_NOT_EXIST', 'EntityNotExist.Policy', 'ResourceNotExists', 'InvalidZoneId.NotExists']) {
      expect(isNotFoundCode(c), c).toBe(true);
    }
    expect(isNotFoundCode('InvalidParameter')).toBe(false);
  });

  it('an API error is never taken for a transport failure', () => {
    expect(transportFailure({ code: 'ECONNRESET', statusCode: 500 })).toBeUndefined();
  });
});

describe('secrets', () => {
  const canary = 'CANARY-secret-7f3a9b';
  it('redacts known secrets and secret-looking assignments', () => {
    expect(redactSecrets(`key ${canary} here`, [canary])).toBe('key *** here');
    expect(redactSecrets('AccessKeySecret=abcd1234&x=1')).toBe('AccessKeySecret=***&x=1');
    expect(redactSecrets('{"accessKeySecret":"abcd1234"}')).toBe('{"accessKeySecret":"***"}');
    expect(redactSecrets('SecurityToken: tok123456')).toBe('SecurityToken: ***');
  });

  it('converts SDK errors to a typed error with code, request id and no secret; drops a tainted cause', () => {
    const raw = Object.assign(new Error(`InvalidParameter: code: 400, bad value ${canary} request id: RID-1`), {
      code: 'InvalidParameter',
      statusCode: 400,
      requestId: 'RID-1',
      data: { Code: 'InvalidParameter', Message: `bad value ${canary}`, RequestId: 'RID-1' },
    });
    const err = toCloudApiError(raw, { product: 'cr', action: 'CreateNamespace', account: 'prod', region: 'cn-hangzhou', mutating: true, idempotent: false }, [canary]);
    expect(err.code).toBe('cloud.fatal');
    expect(err.vendorCode).toBe('InvalidParameter');
    expect(err.requestId).toBe('RID-1');
    expect(err.message).toBe('cr CreateNamespace (prod/cn-hangzhou) failed: InvalidParameter: bad value *** (request id RID-1)');
    expect(err.message).not.toContain(canary);
    expect(err.cause).toBeUndefined();
  });
});
