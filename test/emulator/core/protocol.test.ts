/**
 * Wire protocol conformance of the server core: what the official runtime sends (ACS3 v3, v1
 * HMAC-SHA1 with query or form body, ROA in both signature forms) is accepted unchanged, signature
 * negatives answer the real codes, and errors make the SDK throw the same classes. Product logic is
 * replaced by fake services (fakes.ts) so only the core is under test; STS and RAM are real.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { service as ram } from '../../../src/emulator/services/ram/index.js';
import { service as sts } from '../../../src/emulator/services/sts/index.js';
import { service as vpc } from '../../../src/emulator/services/vpc/index.js';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { ClientError, ServerError, startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { fakeRoa, fakeRpc } from './fakes.js';

const UID = '1234567890123456';

async function caught(p: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await p;
  } catch (err) {
    return err as Record<string, unknown> & Error;
  }
  throw new Error('expected the call to fail');
}

/** Independent v1 signer (PROTOCOL.md §3), so the server is checked against a second implementation. */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/!/g, '%21').replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\*/g, '%2A');
}
function signV1(method: string, params: Record<string, string>, secret: string): string {
  const canon = Object.keys(params)
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k] ?? '')}`)
    .join('&');
  return createHmac('sha1', `${secret}&`).update(`${method}&${enc('/')}&${enc(canon)}`).digest('base64');
}

/**
 * Independent ACS3 signer (PROTOCOL.md §2) that signs only the `signed` header names, so a test can
 * send a header the signature does not cover.
 */
function signAcs3(headers: Record<string, string>, signed: readonly string[], query: string, body: string, secret: string, id: string): string {
  const names = [...signed].sort();
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const canonical = ['POST', '/', query, names.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join(''), names.join(';'), bodyHash].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  return `ACS3-HMAC-SHA256 Credential=${id},SignedHeaders=${names.join(';')},Signature=${createHmac('sha256', secret).update(toSign).digest('hex')}`;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function rawRequest(endpoint: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<RawResponse> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port: Number(port), method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function isoNow(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('emulator wire protocol', () => {
  let t: TestEmulator;
  let keys: AccountKeys;

  beforeAll(async () => {
    t = await startTestEmulator({ services: [fakeRpc, fakeRoa, ram, sts, vpc] });
    keys = await t.account(UID);
  });
  afterAll(() => t.close());

  describe('accepted requests', () => {
    it('accepts the default ACS3-HMAC-SHA256 request of the official STS client', async () => {
      const client = await t.stsClient(keys);
      const res = await client.getCallerIdentity();
      expect(res.statusCode).toBe(200);
      expect(res.body?.accountId).toBe(UID);
      expect(res.body?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    });

    it('accepts v1 HMAC-SHA1 (signatureAlgorithm v2) from the official STS and RAM clients', async () => {
      const client = await t.stsClient(keys, { signatureAlgorithm: 'v2' });
      expect((await client.getCallerIdentity()).body?.accountId).toBe(UID);
      const ramClient = await t.ramClient(keys, { signatureAlgorithm: 'v2' });
      const roles = await ramClient.listRoles(new (await import('@alicloud/ram20150501')).ListRolesRequest({}));
      expect(roles.statusCode).toBe(200);
    });

    it('accepts the official RAM client (ACS3) and the official VPC client on a region port', async () => {
      const ramClient = await t.ramClient(keys);
      const res = await ramClient.listRoles(new (await import('@alicloud/ram20150501')).ListRolesRequest({}));
      expect(res.body?.requestId).toBeTruthy();
      const vpcClient = await t.vpcClient('cn-beijing', keys);
      const vpcs = await vpcClient.describeVpcs(new (await import('@alicloud/vpc20160428')).DescribeVpcsRequest({ regionId: 'cn-beijing' }));
      expect(vpcs.statusCode).toBe(200);
      expect(vpcs.body?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    });

    it('merges a form body into the parameters, for v1 and ACS3 (what Terraform sends)', async () => {
      for (const signatureAlgorithm of ['v2', undefined] as const) {
        const body = await t.callRpc('cr', 'cn-hangzhou', 'Echo', { InstanceId: 'cri-x', Tag: [{ Key: 'a', Value: 'b c' }] }, keys, {
          paramsIn: 'body',
          ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
        });
        const params = body['Params'] as Record<string, string>;
        expect(params['InstanceId'], String(signatureAlgorithm)).toBe('cri-x');
        expect(params['Tag.1.Key']).toBe('a');
        expect(params['Tag.1.Value']).toBe('b c');
        expect(params['Signature'], 'protocol parameters are not handed to handlers').toBeUndefined();
      }
    });

    it('accepts a v1 request built by hand with node:http, parameters split between query and form body', async () => {
      const endpoint = await t.endpoint('cr', 'cn-hangzhou');
      const query: Record<string, string> = {
        Action: 'Echo',
        Version: '2018-12-01',
        Format: 'json',
        Timestamp: isoNow(),
        SignatureNonce: randomUUID(),
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        AccessKeyId: keys.accessKeyId,
      };
      const form: Record<string, string> = { InstanceId: 'cri-form', Summary: "it's (a) *test*!" };
      query['Signature'] = signV1('POST', { ...query, ...form }, keys.accessKeySecret);
      const qs = Object.entries(query)
        .map(([k, v]) => `${enc(k)}=${enc(v)}`)
        .join('&');
      const body = new URLSearchParams(form).toString();
      const res = await rawRequest(endpoint, 'POST', `/?${qs}`, { 'content-type': 'application/x-www-form-urlencoded', host: endpoint }, body);
      expect(res.status).toBe(200);
      const params = res.body['Params'] as Record<string, string>;
      expect(params['InstanceId']).toBe('cri-form');
      expect(params['Summary']).toBe("it's (a) *test*!");
    });

    it('serves a regional product on the region port it was asked for, and tells the handler that region', async () => {
      const a = await t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, keys);
      const b = await t.callRpc('cr', 'cn-beijing', 'Echo', {}, keys);
      expect(a['Region']).toBe('cn-hangzhou');
      expect(b['Region']).toBe('cn-beijing');
      expect(await t.endpoint('cr', 'cn-hangzhou')).not.toBe(await t.endpoint('cr', 'cn-beijing'));
      expect(await t.endpoint('cr', 'cn-hangzhou'), 'the same region keeps its port').toBe(await t.endpoint('cr', 'cn-hangzhou'));
      expect(await t.endpoint('sts', 'cn-hangzhou'), 'global products live on the main port').toBe(`127.0.0.1:${t.emu.port}`);
    });

    it('answers global products on region ports too', async () => {
      const endpoint = await t.endpoint('cr', 'cn-shanghai');
      const body = await t.callRpc('sts', 'global', 'GetCallerIdentity', {}, keys);
      expect(body['AccountId']).toBe(UID);
      const { $OpenApiUtil, OpenApiClient } = await import('../../helpers/emulator.js');
      const client = new OpenApiClient(new $OpenApiUtil.Config({ ...keys, endpoint, protocol: 'http', regionId: 'cn-shanghai' }));
      const { RuntimeOptions } = await import('@darabonba/typescript');
      const res = (await client.callApi(
        new $OpenApiUtil.Params({ action: 'GetCallerIdentity', version: '2015-04-01', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' }),
        new $OpenApiUtil.OpenApiRequest({}),
        new RuntimeOptions({}),
      )) as { body: Record<string, unknown> };
      expect(res.body['AccountId']).toBe(UID);
    });

    it('refuses a regional product on the main port with InvalidRegionId', async () => {
      const { $OpenApiUtil, OpenApiClient } = await import('../../helpers/emulator.js');
      const client = new OpenApiClient(new $OpenApiUtil.Config({ ...keys, endpoint: `127.0.0.1:${t.emu.port}`, protocol: 'http', regionId: 'cn-hangzhou' }));
      const { RuntimeOptions } = await import('@darabonba/typescript');
      const err = await caught(
        client.callApi(
          new $OpenApiUtil.Params({ action: 'Echo', version: '2018-12-01', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' }),
          new $OpenApiUtil.OpenApiRequest({}),
          new RuntimeOptions({}),
        ),
      );
      expect(err['code']).toBe('InvalidRegionId');
    });

    it('accepts GET RPC calls (cr GetArtifact*/List* style)', async () => {
      const body = await t.callRpc('cr', 'cn-hangzhou', 'Echo', { RepoId: 'crr-1' }, keys, { method: 'GET' });
      expect((body['Params'] as Record<string, string>)['RepoId']).toBe('crr-1');
    });
  });

  describe('ROA (Personal Edition)', () => {
    it('accepts ROA with ACS3 (the default) and with the v1 `acs id:sig` form, path and query parameters decoded', async () => {
      for (const signatureAlgorithm of [undefined, 'v2'] as const) {
        const body = await t.callRoa('cn-hangzhou', 'GetRepo', 'GET', `/repos/${encodeURIComponent('team-a')}/${encodeURIComponent('my.repo')}`, keys, {
          query: { Page: '2', Filter: 'a b' },
          ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
        });
        expect(body['requestId'], 'ROA answers carry a lower-case requestId').toMatch(/^[0-9A-F-]{36}$/);
        const data = body['data'] as Record<string, unknown>;
        expect(data['pathParams']).toEqual({ RepoNamespace: 'team-a', RepoName: 'my.repo' });
        expect(data['query']).toEqual({ Page: '2', Filter: 'a b' });
        expect(data['region']).toBe('cn-hangzhou');
        expect(data['uid']).toBe(UID);
      }
    });

    it('hands a JSON body to the route, for ACS3 and v1', async () => {
      for (const signatureAlgorithm of [undefined, 'v2'] as const) {
        const body = await t.callRoa('cn-hangzhou', 'CreateRepo', 'PUT', '/repos', keys, {
          body: { Repo: { RepoNamespace: 'team-a', RepoName: 'api' } },
          ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
        });
        expect((body['data'] as Record<string, unknown>)['body']).toEqual({ Repo: { RepoNamespace: 'team-a', RepoName: 'api' } });
      }
    });

    it('accepts the old Go SDK ROA form (empty lines dropped, Content-MD5 set, trailing ?)', async () => {
      const endpoint = await t.endpoint('crpe', 'cn-hangzhou');
      const date = new Date().toUTCString();
      const headers: Record<string, string> = {
        accept: 'application/json',
        'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==',
        'content-type': 'application/octet-stream',
        date,
        'x-acs-signature-method': 'HMAC-SHA1',
        'x-acs-signature-version': '1.0',
        'x-acs-version': '2016-06-07',
      };
      const acs = Object.keys(headers)
        .filter((h) => h.startsWith('x-acs-'))
        .sort()
        .map((h) => `${h}:${headers[h]}\n`)
        .join('');
      const stringToSign = `GET\napplication/json\n1B2M2Y8AsgTpgAmY7PhCfg==\napplication/octet-stream\n${date}\n${acs}/repos?Page=1&PageSize`;
      const sig = createHmac('sha1', keys.accessKeySecret).update(stringToSign).digest('base64');
      const res = await rawRequest(endpoint, 'GET', '/repos?Page=1&PageSize=', { ...headers, host: endpoint, authorization: `acs ${keys.accessKeyId}:${sig}` });
      expect(res.status).toBe(200);
      const wrong = createHmac('sha1', 'not-the-secret').update(stringToSign).digest('base64');
      const bad = await rawRequest(endpoint, 'GET', '/repos?Page=1&PageSize=', { ...headers, host: endpoint, authorization: `acs ${keys.accessKeyId}:${wrong}` });
      expect(bad.status, 'a ROA signature failure is 403').toBe(403);
      expect(bad.body['code']).toBe('SignatureDoesNotMatch');
    });

    it('renders ROA errors as {code, message, requestId} and the SDK throws ClientError with that code', async () => {
      const err = await caught(t.callRoa('cn-hangzhou', 'GetNamespace', 'GET', '/namespace/none', keys));
      expect(err).toBeInstanceOf(ClientError);
      expect(err['code']).toBe('NAMESPACE_NOT_EXIST');
      expect(err['statusCode']).toBe(404);
      const data = err['data'] as Record<string, unknown>;
      expect(Object.keys(data).sort()).toEqual(['code', 'message', 'requestId']);
    });

    it('answers an unknown ROA path with InvalidAction.NotFound', async () => {
      const err = await caught(t.callRoa('cn-hangzhou', 'Nope', 'GET', '/nothing/here', keys));
      expect(err['code']).toBe('InvalidAction.NotFound');
      expect(err['statusCode']).toBe(404);
    });
  });

  describe('signature negatives', () => {
    const variants = [
      { name: 'ACS3', opts: {} },
      { name: 'v1 HMAC-SHA1', opts: { signatureAlgorithm: 'v2' as const } },
    ];
    for (const v of variants) {
      it(`${v.name}: a wrong secret is SignatureDoesNotMatch (400, ClientError)`, async () => {
        const err = await caught(t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, { accessKeyId: keys.accessKeyId, accessKeySecret: 'wrong-secret' }, v.opts));
        expect(err).toBeInstanceOf(ClientError);
        expect(err.name).toBe('ClientError');
        expect(err['code']).toBe('SignatureDoesNotMatch');
        expect(err['statusCode']).toBe(400);
      });

      it(`${v.name}: an unknown key is InvalidAccessKeyId.NotFound (404)`, async () => {
        const err = await caught(t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, { accessKeyId: 'LTAInotakey', accessKeySecret: 'x' }, v.opts));
        expect(err).toBeInstanceOf(ClientError);
        expect(err['code']).toBe('InvalidAccessKeyId.NotFound');
        expect(err['statusCode']).toBe(404);
      });
    }

    it('ACS3: a date more than 15 minutes off is InvalidTimeStamp.Expired, 14 minutes is fine', async () => {
      const old = await caught(t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, keys, { headers: { 'x-acs-date': isoNow(-16 * 60_000) } }));
      expect(old['code']).toBe('InvalidTimeStamp.Expired');
      expect(old['statusCode']).toBe(400);
      const future = await caught(t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, keys, { headers: { 'x-acs-date': isoNow(16 * 60_000) } }));
      expect(future['code']).toBe('InvalidTimeStamp.Expired');
      const ok = await t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, keys, { headers: { 'x-acs-date': isoNow(-14 * 60_000) } });
      expect(ok['IsSuccess']).toBe(true);
    });

    it('ROA v1: a Date header more than 15 minutes off is InvalidTimeStamp.Expired', async () => {
      const err = await caught(
        t.callRoa('cn-hangzhou', 'GetRepoList', 'GET', '/repos', keys, { signatureAlgorithm: 'v2', headers: { date: new Date(Date.now() - 20 * 60_000).toUTCString() } }),
      );
      expect(err['code']).toBe('InvalidTimeStamp.Expired');
    });

    it('ACS3: a reused nonce is SignatureNonceUsed; the first use succeeds', async () => {
      const nonce = randomUUID();
      const first = await t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, keys, { headers: { 'x-acs-signature-nonce': nonce } });
      expect(first['IsSuccess']).toBe(true);
      const err = await caught(t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, keys, { headers: { 'x-acs-signature-nonce': nonce } }));
      expect(err).toBeInstanceOf(ClientError);
      expect(err['code']).toBe('SignatureNonceUsed');
      expect(err['statusCode']).toBe(400);
    });

    it('v1: a reused SignatureNonce is SignatureNonceUsed, and an old Timestamp is InvalidTimeStamp.Expired', async () => {
      const endpoint = await t.endpoint('cr', 'cn-hangzhou');
      const send = (nonce: string, ts: string): Promise<RawResponse> => {
        const q: Record<string, string> = {
          Action: 'Echo', Version: '2018-12-01', Format: 'json', Timestamp: ts, SignatureNonce: nonce,
          SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', AccessKeyId: keys.accessKeyId,
        };
        q['Signature'] = signV1('POST', q, keys.accessKeySecret);
        const qs = Object.entries(q).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
        return rawRequest(endpoint, 'POST', `/?${qs}`, { host: endpoint });
      };
      const nonce = randomUUID();
      expect((await send(nonce, isoNow())).status).toBe(200);
      const again = await send(nonce, isoNow());
      expect([again.status, again.body['Code']]).toEqual([400, 'SignatureNonceUsed']);
      const old = await send(randomUUID(), isoNow(-30 * 60_000));
      expect([old.status, old.body['Code']]).toEqual([400, 'InvalidTimeStamp.Expired']);
    });

    it('a tampered body fails the ACS3 signature (the payload hash is recomputed)', async () => {
      const endpoint = await t.endpoint('cr', 'cn-hangzhou');
      // A syntactically valid ACS3 header whose signature cannot match.
      const res = await rawRequest(endpoint, 'POST', '/', {
        host: endpoint,
        'x-acs-action': 'Echo',
        'x-acs-version': '2018-12-01',
        'x-acs-date': isoNow(),
        'x-acs-signature-nonce': randomUUID(),
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `ACS3-HMAC-SHA256 Credential=${keys.accessKeyId},SignedHeaders=host;x-acs-action;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=${'0'.repeat(64)}`,
      }, 'InstanceId=cri-evil');
      expect([res.status, res.body['Code']]).toEqual([400, 'SignatureDoesNotMatch']);
    });

    it('ACS3: an x-acs- header the signature does not cover is IncompleteSignature naming it; the same request signing it is accepted', async () => {
      const endpoint = await t.endpoint('cr', 'cn-hangzhou');
      const send = (signed: readonly string[], extra: Record<string, string> = {}) => {
        const headers: Record<string, string> = {
          host: endpoint,
          'x-acs-action': 'Echo',
          'x-acs-version': '2018-12-01',
          'x-acs-date': isoNow(),
          'x-acs-signature-nonce': randomUUID(),
          'x-acs-content-sha256': createHash('sha256').update('').digest('hex'),
          ...extra,
        };
        return rawRequest(endpoint, 'POST', '/?InstanceId=cri-1', { ...headers, authorization: signAcs3(headers, signed, 'InstanceId=cri-1', '', keys.accessKeySecret, keys.accessKeyId) });
      };
      const all = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];
      const ok = await send(all);
      expect([ok.status, (ok.body['Params'] as Record<string, string>)['InstanceId']], 'the control: every x-acs- header signed').toEqual([200, 'cri-1']);
      const cases: [readonly string[], Record<string, string>, RegExp, string][] = [
        [all.filter((h) => h !== 'x-acs-action'), {}, /x-acs-action is sent but not signed/, 'the action could be swapped without breaking the signature'],
        [all, { 'x-acs-security-token': 'CAISsmuggled' }, /x-acs-security-token is sent but not signed/, 'a header added after signing'],
        [all.filter((h) => h !== 'x-acs-date' && h !== 'x-acs-version'), {}, /headers x-acs-date, x-acs-version are sent but not signed/, 'every unsigned header is named'],
      ];
      for (const [signed, extra, message, reason] of cases) {
        const res = await send(signed, extra);
        expect([res.status, res.body['Code']], reason).toEqual([400, 'IncompleteSignature']);
        expect(String(res.body['Message']), reason).toMatch(message);
      }
    });

    it('an unsigned request is IncompleteSignature unless the action is anonymous', async () => {
      const endpoint = await t.endpoint('cr', 'cn-hangzhou');
      const res = await rawRequest(endpoint, 'POST', '/?Action=Echo&Version=2018-12-01', { host: endpoint });
      expect([res.status, res.body['Code']]).toEqual([400, 'IncompleteSignature']);
    });
  });

  describe('errors as the real services send them', () => {
    it('POP errors: status, {RequestId, HostId, Code, Message, Recommend} and extra fields; the SDK throws ClientError', async () => {
      const err = await caught(t.callRpc('cr', 'cn-hangzhou', 'Missing', {}, keys));
      expect(err).toBeInstanceOf(ClientError);
      expect(err['code']).toBe('EntityNotExist.Thing');
      expect(err['statusCode']).toBe(404);
      const data = err['data'] as Record<string, unknown>;
      expect(data['HostId']).toBe('cr.cn-hangzhou.aliyuncs.com');
      expect(data['Recommend']).toMatch(/^https:\/\/api\.aliyun\.com\/troubleshoot\?q=EntityNotExist\.Thing/);
      expect(data['RequestId']).toBe(err['requestId']);
      expect(err['accessDeniedDetail']).toEqual({ AuthAction: 'cr:Missing' });
      expect(err.message).toContain('EntityNotExist.Thing');
    });

    it('cr business errors: HTTP 200 with IsSuccess:false, so the SDK returns the body', async () => {
      const body = await t.callRpc('cr', 'cn-hangzhou', 'Business', {}, keys);
      expect(body).toMatchObject({ Code: 'INSTANCE_NOT_EXIST', IsSuccess: false });
      expect(body['RequestId']).toMatch(/^[0-9A-F-]{36}$/);
    });

    it('an unknown action is InvalidAction.NotFound (404); an unknown version is InvalidVersion', async () => {
      const err = await caught(t.callRpc('cr', 'cn-hangzhou', 'NoSuchAction', {}, keys));
      expect([err['code'], err['statusCode']]).toEqual(['InvalidAction.NotFound', 404]);
      const endpoint = await t.endpoint('cr', 'cn-hangzhou');
      const res = await rawRequest(endpoint, 'POST', '/?Action=Echo&Version=1999-01-01', { host: endpoint });
      expect(res.body['Code']).toBe('InvalidVersion');
    });

    it('a handler bug is InternalError 500 (ServerError), and the emulator keeps serving', async () => {
      const err = await caught(t.callRpc('cr', 'cn-hangzhou', 'Boom', {}, keys));
      expect(err).toBeInstanceOf(ServerError);
      expect([err['code'], err['statusCode']]).toEqual(['InternalError', 500]);
      expect((await t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, keys))['IsSuccess']).toBe(true);
    });
  });

  describe('call log', () => {
    it('records every product request, rejected ones included, but no admin call', async () => {
      await t.admin('DELETE', '/_emulator/calls');
      const before = await t.admin<{ seq: number }[]>('GET', '/_emulator/calls');
      expect(before.body).toEqual([]);
      await t.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys);
      await caught(t.callRpc('cr', 'cn-hangzhou', 'Echo', {}, { accessKeyId: keys.accessKeyId, accessKeySecret: 'bad' }));
      await t.callRpc('cr', 'cn-hangzhou', 'Business', {}, keys);
      await t.admin('GET', '/_emulator/info');
      const log = await t.admin<Record<string, unknown>[]>('GET', '/_emulator/calls');
      expect(log.body.map(({ seq: _seq, ...rest }) => rest)).toEqual([
        { product: 'cr', action: 'Bump', accountUid: UID, region: 'cn-hangzhou', mutating: true, status: 200, code: null },
        { product: 'cr', action: 'Echo', accountUid: '', region: 'cn-hangzhou', mutating: false, status: 400, code: 'SignatureDoesNotMatch' },
        { product: 'cr', action: 'Business', accountUid: UID, region: 'cn-hangzhou', mutating: false, status: 200, code: 'INSTANCE_NOT_EXIST' },
      ]);
      const first = log.body[0]?.['seq'] as number;
      const since = await t.admin<Record<string, unknown>[]>('GET', `/_emulator/calls?since=${first + 1}`);
      expect(since.body.map((e) => e['action'])).toEqual(['Business']);
    });
  });
});
