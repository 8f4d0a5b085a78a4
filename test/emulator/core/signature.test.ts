/**
 * The server's signature code against the official runtime's own signing functions
 * (OpenApiUtil.getAuthorization / getRPCSignature / getStringToSign + getROASignature): for the same
 * request they must produce the same signature, including characters the encoders treat specially.
 */
import { describe, expect, it } from 'vitest';
import {
  acs3CanonicalRequest,
  acs3Signature,
  parseAcs3Authorization,
  parseForm,
  roaSignature,
  roaStringsToSign,
  rpcV1Signature,
  sha256Hex,
} from '../../../src/emulator/core/signature.js';
import { OpenApiUtil } from '../../helpers/emulator.js';

const SECRET = 'sEcReT/with+chars=';
const tricky = { Name: "a b!'()*~", 'Tag.1.Key': 'k', Json: '{"x":[1,2]}', Empty: '', Unicode: 'ü漢' };

describe('signatures match the official runtime', () => {
  it('ACS3-HMAC-SHA256: same Authorization as OpenApiUtil.getAuthorization', () => {
    const headers: Record<string, string> = {
      host: '127.0.0.1:4000',
      'x-acs-action': 'CreateRole',
      'x-acs-version': '2015-05-01',
      'x-acs-date': '2026-11-22T11:29:01Z',
      'x-acs-signature-nonce': 'abc',
      'x-acs-content-sha256': sha256Hex(''),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const sdkAuth = OpenApiUtil.getAuthorization(
      { pathname: '/', method: 'POST', query: tricky, headers } as never,
      'ACS3-HMAC-SHA256',
      sha256Hex(''),
      'LTAIid',
      SECRET,
    );
    const parsed = parseAcs3Authorization(sdkAuth);
    expect(parsed?.accessKeyId).toBe('LTAIid');
    // The server sees the query decoded from the wire.
    const wire = Object.entries(tricky).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const canonical = acs3CanonicalRequest({
      method: 'POST',
      rawPath: '/',
      query: parseForm(wire),
      headers,
      signedHeaders: parsed?.signedHeaders ?? [],
      payloadHash: sha256Hex(''),
    });
    expect(acs3Signature(canonical, SECRET)).toBe(parsed?.signature);
    expect(acs3Signature(canonical, 'other')).not.toBe(parsed?.signature);
  });

  it('v1 HMAC-SHA1: same Signature as OpenApiUtil.getRPCSignature', () => {
    const params = { Action: 'Echo', Version: '2018-12-01', Timestamp: '2026-11-22T11:29:01Z', SignatureNonce: 'n', ...tricky };
    const sdk = OpenApiUtil.getRPCSignature(params, 'POST', SECRET);
    expect(rpcV1Signature('POST', Object.entries({ ...params, Signature: 'ignored' }), SECRET)).toBe(sdk);
    expect(rpcV1Signature('GET', Object.entries(params), SECRET), 'the method is signed').not.toBe(sdk);
  });

  it('ROA v1: the tea string to sign equals OpenApiUtil.getStringToSign', () => {
    const headers = {
      date: 'Sat, 22 Nov 2026 12:00:00 GMT',
      accept: 'application/json',
      'content-type': 'application/json; charset=utf-8',
      'x-acs-signature-nonce': 'n',
      'x-acs-version': '2016-06-07',
      'x-acs-action': 'GetRepo',
      host: 'h',
    };
    const query = { Page: '1', Empty: '' };
    const sdk = OpenApiUtil.getStringToSign({ method: 'GET', pathname: '/repos/a/b', headers, query } as never);
    const ours = roaStringsToSign({ method: 'GET', rawPath: '/repos/a/b', query: Object.entries(query), headers });
    expect(ours[0]).toBe(sdk);
    expect(roaSignature(ours[0] ?? '', SECRET)).toBe(OpenApiUtil.getROASignature(sdk, SECRET));
  });
});
