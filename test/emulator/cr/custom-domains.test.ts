/**
 * cr 2018-12-01 customized domains in the emulator, as acrctl's custom-domain kind reads them
 * (official openapi-core runtime): a domain shows as a USER domain of the internet endpoint in
 * ListInstanceEndpoint (there is no List action for domains), is unique across instances, needs a
 * valid host name and a ModuleName of Registry or Chart. The Create/Get/Update/Delete round trip
 * is in conformance.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator } from './setup.js';

const REGION = 'cn-hangzhou';
let t: TestEmulator;
let keys: AccountKeys;
let a: string;
let b: string;
const cr = (action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> => t.callRpc('cr', REGION, action, params, keys);

beforeAll(async () => {
  const started = await startCrEmulator();
  t = started.t;
  keys = await t.account('1111111111111111');
  a = await buyInstance(t, started.clock, keys, REGION, 'domains-a');
  b = await buyInstance(t, started.clock, keys, REGION, 'domains-b');
});
afterAll(async () => t?.close());

describe('customized domains', () => {
  it('are listed as USER domains of the internet endpoint by ListInstanceEndpoint', async () => {
    await cr('CreateInstanceCustomizedDomain', { InstanceId: a, Domain: 'Registry.Example.com', CertId: '21428921', CertRegionId: 'cn-hangzhou', ModuleName: 'Registry' });
    const list = await cr('ListInstanceEndpoint', { InstanceId: a, ModuleName: 'Registry' });
    expectCr('ListInstanceEndpoint', list, ['Endpoints']);
    const internet = (list['Endpoints'] as { EndpointType: string; Domains: { Domain: string; Type: string }[] }[]).find((e) => e.EndpointType === 'internet')!;
    expect(internet.Domains).toEqual([
      { Domain: 'domains-a-registry.cn-hangzhou.cr.aliyuncs.com', Type: 'SYSTEM' },
      { Domain: 'registry.example.com', Type: 'USER' },
    ]);
  });

  it('keeps a Chart domain to its module: listed by ListInstanceEndpoint ModuleName Chart only, found only under ModuleName Chart', async () => {
    await cr('CreateInstanceCustomizedDomain', { InstanceId: a, Domain: 'charts.example.com', CertId: '21428922', ModuleName: 'Chart' });
    const userDomains = async (module: string) =>
      ((await cr('ListInstanceEndpoint', { InstanceId: a, ModuleName: module }))['Endpoints'] as { EndpointType: string; Domains: { Domain: string; Type: string }[] }[])
        .filter((e) => e.EndpointType === 'internet')
        .flatMap((e) => e.Domains.filter((d) => d.Type === 'USER').map((d) => d.Domain));
    expect(await userDomains('Registry')).toEqual(['registry.example.com']);
    expect(await userDomains('Chart')).toEqual(['charts.example.com']);
    const got = await cr('GetInstanceCustomizedDomain', { InstanceId: a, Domain: 'charts.example.com', ModuleName: 'Chart' });
    expectCr('GetInstanceCustomizedDomain', got, ['ModuleName', 'CertId']);
    expect([got['ModuleName'], got['CertId']]).toEqual(['Chart', '21428922']);
    expectCrError(await cr('GetInstanceCustomizedDomain', { InstanceId: a, Domain: 'charts.example.com', ModuleName: 'Registry' }), 'INSTANCE_DOMAIN_NOT_EXIST');
    expectCrError(await cr('UpdateInstanceCustomizedDomain', { InstanceId: a, Domain: 'charts.example.com', CertId: '1', ModuleName: 'Registry' }), 'INSTANCE_DOMAIN_NOT_EXIST');
    expectCrError(await cr('DeleteInstanceCustomizedDomain', { InstanceId: a, Domain: 'charts.example.com', ModuleName: 'Registry' }), 'INSTANCE_DOMAIN_NOT_EXIST');
    // The domain is unique across modules too.
    expectCrError(await cr('CreateInstanceCustomizedDomain', { InstanceId: a, Domain: 'charts.example.com', CertId: '1', ModuleName: 'Registry' }), 'INSTANCE_DOMAIN_ALREADY_EXIST');
    await cr('DeleteInstanceCustomizedDomain', { InstanceId: a, Domain: 'charts.example.com', ModuleName: 'Chart' });
    expect(await userDomains('Chart')).toEqual([]);
  });

  it('refuses the same domain on another instance, a bad host name and an unknown module', async () => {
    expectCrError(await cr('CreateInstanceCustomizedDomain', { InstanceId: b, Domain: 'registry.example.com', CertId: '1', ModuleName: 'Registry' }), 'INSTANCE_DOMAIN_ALREADY_EXIST');
    await expect(cr('CreateInstanceCustomizedDomain', { InstanceId: b, Domain: 'not a host', CertId: '1', ModuleName: 'Registry' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateInstanceCustomizedDomain', { InstanceId: b, Domain: 'b.example.com', CertId: '1', ModuleName: 'Helm' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateInstanceCustomizedDomain', { InstanceId: b, Domain: 'b.example.com', ModuleName: 'Registry' })).rejects.toMatchObject({ code: 'MissingCertId' });
    expectCrError(await cr('GetInstanceCustomizedDomain', { InstanceId: b, Domain: 'registry.example.com', ModuleName: 'Registry' }), 'INSTANCE_DOMAIN_NOT_EXIST');
  });
});
