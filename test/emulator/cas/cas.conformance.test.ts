/**
 * Certificate Management Service (cas 2020-04-07) conformance over HTTP with generic openapi-core
 * calls, as acrctl sends them (src/cloud/cas.ts): uploads checked as PEM with a matching key, the
 * unique name, the detail with and without CertFilter, the UPLOAD listing with its paging and status
 * filter, delete, and the response fields of the SDK models (cas-20200407). Regions: the central
 * endpoint (cn-hangzhou) and a regional one keep their own certificates.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { testCertificate } from '../../support/certificates.js';

const UID = '4000000000000002';
const CENTRAL = 'cn-hangzhou';

let t: TestEmulator;
let keys: AccountKeys;

/** Field names of the SDK models (GetUserCertificateDetailResponseBody, ListUserCertificateOrderResponseBodyCertificateOrderList). */
const DETAIL_FIELDS = new Set(['Algorithm', 'BuyInAliyun', 'Cert', 'CertChain', 'CertIdentifier', 'City', 'Common', 'Country', 'EncryptCert', 'EncryptPrivateKey', 'EndDate', 'Expired', 'Fingerprint', 'Id', 'InstanceId', 'Issuer', 'Key', 'Name', 'NotAfter', 'NotBefore', 'OrderId', 'OrgName', 'Province', 'RequestId', 'ResourceGroupId', 'Sans', 'SerialNo', 'Sha2', 'SignCert', 'SignPrivateKey', 'StartDate']);
const ORDER_FIELDS = new Set(['Algorithm', 'AliyunOrderId', 'BuyDate', 'CertEndTime', 'CertStartTime', 'CertType', 'CertificateId', 'City', 'CommonName', 'Country', 'Domain', 'DomainCount', 'DomainType', 'EndDate', 'Expired', 'Fingerprint', 'InstanceId', 'Issuer', 'Name', 'OrderId', 'OrgName', 'PartnerOrderId', 'ProductCode', 'ProductName', 'Province', 'ResourceGroupId', 'RootBrand', 'Sans', 'SerialNo', 'Sha2', 'SourceType', 'StartDate', 'Status', 'TrusteeStatus', 'Upload', 'WildDomainCount']);

const cas = (action: string, params: Record<string, unknown>, region = CENTRAL) => t.callRpc('cas', region, action, params, keys);

async function fails(action: string, params: Record<string, unknown>, region = CENTRAL): Promise<{ code: string; statusCode: number; message: string }> {
  try {
    await cas(action, params, region);
  } catch (e) {
    return e as { code: string; statusCode: number; message: string };
  }
  throw new Error(`${action} was expected to fail`);
}

beforeAll(async () => {
  t = await startTestEmulator();
  keys = await t.account(UID);
});
afterAll(() => t.close());

describe('Certificate Management Service uploads', () => {
  it('uploads a certificate whose key matches, details it (CertFilter leaves the PEM out), lists it and deletes it', async () => {
    const c = testCertificate(['registry.example.com', 'charts.example.com']);
    const up = await cas('UploadUserCertificate', { Name: 'acrctl-registry-example-com-0123', Cert: c.certPem, Key: c.keyPem });
    expect(Object.keys(up).sort()).toEqual(['CertId', 'RequestId']);
    const id = up['CertId'] as number;
    expect(typeof id).toBe('number');

    const d = await cas('GetUserCertificateDetail', { CertId: id, CertFilter: true });
    for (const k of Object.keys(d)) expect(DETAIL_FIELDS.has(k), k).toBe(true);
    const x = new X509Certificate(c.certPem);
    expect(d).toMatchObject({ Id: id, Name: 'acrctl-registry-example-com-0123', Common: 'registry.example.com', Sans: 'registry.example.com,charts.example.com', Sha2: c.sha256.toUpperCase(), Fingerprint: x.fingerprint.replace(/:/g, ''), Expired: false, NotAfter: Date.parse(x.validTo) });
    expect(d['Cert']).toBeUndefined();
    expect(d['Key']).toBeUndefined();
    const full = await cas('GetUserCertificateDetail', { CertId: id });
    expect(full['Cert']).toBe(c.certPem);

    const listed = await cas('ListUserCertificateOrder', { OrderType: 'UPLOAD' });
    expect(listed).toMatchObject({ TotalCount: 1, CurrentPage: 1, ShowSize: 50 });
    const row = (listed['CertificateOrderList'] as Record<string, unknown>[])[0]!;
    for (const k of Object.keys(row)) expect(ORDER_FIELDS.has(k), k).toBe(true);
    expect(row).toMatchObject({ CertificateId: id, Name: 'acrctl-registry-example-com-0123', Sha2: c.sha256.toUpperCase(), Upload: true, CommonName: 'registry.example.com' });
    expect((await cas('ListUserCertificateOrder', { OrderType: 'UPLOAD', Keyword: 'charts.example' }))['TotalCount']).toBe(1);
    expect((await cas('ListUserCertificateOrder', { OrderType: 'UPLOAD', Keyword: 'nothing' }))['TotalCount']).toBe(0);
    expect((await cas('ListUserCertificateOrder', {}))['TotalCount']).toBe(0); // default CPACK: orders, none sold here

    await cas('DeleteUserCertificate', { CertId: id });
    expect((await fails('GetUserCertificateDetail', { CertId: id })).code).toBe('Certificate.NotFound');
    expect((await fails('DeleteUserCertificate', { CertId: id })).code).toBe('Certificate.NotFound');
  });

  it('refuses a key of another certificate, a PEM that does not parse, a missing field and a name already used', async () => {
    const a = testCertificate(['a.example.com']);
    const b = testCertificate(['b.example.com']);
    const mismatch = await fails('UploadUserCertificate', { Name: 'mismatch', Cert: a.certPem, Key: b.keyPem });
    expect(mismatch.code).toBe('CertificateKeyMismatch');
    expect(mismatch.message).not.toContain('PRIVATE KEY');
    expect((await fails('UploadUserCertificate', { Name: 'bad', Cert: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----', Key: a.keyPem })).code).toBe('InvalidCertificate');
    expect((await fails('UploadUserCertificate', { Name: 'bad', Cert: a.certPem, Key: 'no key here' })).code).toBe('InvalidPrivateKey');
    expect((await fails('UploadUserCertificate', { Cert: a.certPem, Key: a.keyPem })).code).toBe('MissingName');
    expect((await fails('UploadUserCertificate', { Name: 'x'.repeat(64), Cert: a.certPem, Key: a.keyPem })).code).toBe('InvalidParameter.Name');
    await cas('UploadUserCertificate', { Name: 'same', Cert: a.certPem, Key: a.keyPem });
    // The same certificate under the same name again: the name is unique in the account.
    expect((await fails('UploadUserCertificate', { Name: 'same', Cert: a.certPem, Key: a.keyPem })).code).toBe('NameRepeat');
    // Under another name it is accepted (guessed; SPEC.md).
    await cas('UploadUserCertificate', { Name: 'same-2', Cert: a.certPem, Key: a.keyPem });
    expect((await cas('ListUserCertificateOrder', { OrderType: 'UPLOAD', Keyword: 'same' }))['TotalCount']).toBe(2);
  });

  it('lists expired uploads only with Status EXPIRED, pages with CurrentPage/ShowSize, and keeps regions apart', async () => {
    const old = testCertificate(['old.example.org'], { from: new Date(Date.now() - 40 * 86_400_000), days: 10 });
    await cas('UploadUserCertificate', { Name: 'expired-one', Cert: old.certPem, Key: old.keyPem });
    const valid = await cas('ListUserCertificateOrder', { OrderType: 'UPLOAD', Keyword: 'old.example.org' });
    expect(valid['TotalCount']).toBe(0);
    const expired = await cas('ListUserCertificateOrder', { OrderType: 'UPLOAD', Status: 'EXPIRED' });
    expect((expired['CertificateOrderList'] as { Name: string; Expired: boolean }[]).map((r) => [r.Name, r.Expired])).toEqual([['expired-one', true]]);

    const page2 = await cas('ListUserCertificateOrder', { OrderType: 'UPLOAD', CurrentPage: 2, ShowSize: 1 });
    expect(page2).toMatchObject({ CurrentPage: 2, ShowSize: 1, TotalCount: 2 });
    expect((page2['CertificateOrderList'] as unknown[]).length).toBe(1);

    const c = testCertificate(['sg.example.com']);
    await cas('UploadUserCertificate', { Name: 'same', Cert: c.certPem, Key: c.keyPem }, 'ap-southeast-1');
    expect((await cas('ListUserCertificateOrder', { OrderType: 'UPLOAD' }, 'ap-southeast-1'))['TotalCount']).toBe(1);
  });
});
