/**
 * BssOpenApi conformance for product acr over HTTP (generic openapi-core calls): CreateInstance,
 * QueryAvailableInstances, ModifyInstance (upgrade only), RefundInstance, ClientToken idempotency;
 * response fields checked against bssopenapi-2017-12-14.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { referenceProblems, expectCrError } from '../cr/reference.js';
import { startCrEmulator, type Clock } from '../cr/setup.js';

const UID = '5555555555555555';
let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;

const bss = (action: string, params: Record<string, unknown>, opts: { paramsIn?: 'query' | 'body'; signatureAlgorithm?: 'v2' } = {}): Promise<Record<string, unknown>> =>
  t.callRpc('bss', 'global', action, params, keys, opts);

function expectBss(action: string, body: Record<string, unknown>, mustHave: readonly string[] = []): void {
  expect(body, JSON.stringify(body)).toMatchObject({ Success: true, Code: 'Success' });
  expect(typeof body['Message']).toBe('string');
  expect(referenceProblems('bssopenapi-2017-12-14.json', action, body, ['RequestId', 'Data', ...mustHave])).toEqual([]);
}

const create = (name: string, extra: Record<string, unknown> = {}, edition = 'Basic'): Record<string, unknown> => ({
  ProductCode: 'acr',
  ProductType: 'acr_ee_public_cn',
  SubscriptionType: 'Subscription',
  Period: 12,
  RenewalStatus: 'AutoRenewal',
  RenewPeriod: 12,
  Parameter: [
    { Code: 'InstanceType', Value: edition },
    { Code: 'InstanceName', Value: name },
    { Code: 'Region', Value: 'cn-shanghai' },
    { Code: 'DefaultOssBucket', Value: 'true' },
    { Code: 'RepoQuota', Value: '2000' },
    { Code: 'NamespaceQuota', Value: '15' },
    { Code: 'image_scanner', Value: 'ACR' },
  ],
  ...extra,
});

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account(UID);
});
afterAll(async () => {
  await t.close();
});

describe('BSS for acr', () => {
  it('creates an instance whose purchased quotas show in cr GetInstanceUsage', async () => {
    const body = await bss('CreateInstance', create('bss-one'));
    expectBss('CreateInstance', body, ['Data.InstanceId', 'Data.OrderId']);
    const id = (body['Data'] as { InstanceId: string }).InstanceId;
    clock.advance(1000);
    const usage = await t.callRpc('cr', 'cn-shanghai', 'GetInstanceUsage', { InstanceId: id }, keys);
    expect(usage).toMatchObject({ NamespaceQuota: '115', RepoQuota: '3000' });
  });

  it('accepts the parameters in a form body and with the v1 signature, as Terraform sends them', async () => {
    const body = await bss('CreateInstance', create('bss-form'), { paramsIn: 'body', signatureAlgorithm: 'v2' });
    expectBss('CreateInstance', body, ['Data.InstanceId']);
  });

  it('returns the first result for the same ClientToken and parameters, and IdempotentParameterMismatch for different ones', async () => {
    const first = await bss('CreateInstance', create('bss-idem', { ClientToken: 'tok-1' }));
    const again = await bss('CreateInstance', create('bss-idem', { ClientToken: 'tok-1' }));
    expect(again['Data']).toEqual(first['Data']);
    const listed = await bss('QueryAvailableInstances', { ProductCode: 'acr', Region: 'cn-shanghai' });
    const names = (listed['Data'] as { InstanceList: unknown[] }).InstanceList.length;
    await expect(bss('CreateInstance', create('bss-idem-2', { ClientToken: 'tok-1' }))).rejects.toMatchObject({ code: 'IdempotentParameterMismatch', statusCode: 400 });
    const after = await bss('QueryAvailableInstances', { ProductCode: 'acr', Region: 'cn-shanghai' });
    expect((after['Data'] as { InstanceList: unknown[] }).InstanceList.length).toBe(names);
  });

  it.each([
    { reason: 'unknown edition', params: create('bss-bad1', {}, 'Economy'), code: 'InvalidParameter' },
    { reason: 'name with upper case', params: create('Bad-Name'), code: 'InvalidParameter' },
    { reason: 'name ending with a hyphen', params: create('bad-'), code: 'InvalidParameter' },
    { reason: 'RepoQuota not a multiple of 1000', params: { ...create('bss-bad2'), Parameter: [...(create('x')['Parameter'] as object[]).slice(0, 4), { Code: 'RepoQuota', Value: '1500' }].map((p, i) => (i === 1 ? { Code: 'InstanceName', Value: 'bss-bad2' } : p)) }, code: 'InvalidParameter' },
    { reason: 'another product', params: { ...create('bss-bad3'), ProductCode: 'ecs' }, code: 'NotApplicable' },
    { reason: 'missing SubscriptionType', params: { ...create('bss-bad4'), SubscriptionType: undefined }, code: 'MissingSubscriptionType' },
  ])('refuses a bad purchase: $reason', async ({ params, code }) => {
    await expect(bss('CreateInstance', params)).rejects.toMatchObject({ code });
  });

  it('refuses a second instance of the same name in the region', async () => {
    await bss('CreateInstance', create('bss-dup'));
    await expect(bss('CreateInstance', create('bss-dup'))).rejects.toMatchObject({ code: 'InstanceNameDuplicate' });
  });

  it('lists available instances with BSS fields, filtered by InstanceIDs, paged by PageNum at 1, 7 and 100', async () => {
    const all = await bss('QueryAvailableInstances', { ProductCode: 'acr', ProductType: 'acr_ee_public_cn', PageSize: 100 });
    expectBss('QueryAvailableInstances', all, ['Data.InstanceList', 'Data.TotalCount', 'Data.PageNum', 'Data.PageSize']);
    const data = all['Data'] as { TotalCount: number; InstanceList: Record<string, unknown>[] };
    expect(data.TotalCount).toBeGreaterThanOrEqual(4);
    const first = data.InstanceList[0] as Record<string, unknown>;
    expect(first).toMatchObject({ ProductCode: 'acr', SubscriptionType: 'Subscription', RenewStatus: 'AutoRenewal', Region: 'cn-shanghai' });
    expect(first['EndTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (const size of [1, 7, 100]) {
      const ids: string[] = [];
      for (let page = 1; ; page++) {
        const b = await bss('QueryAvailableInstances', { ProductCode: 'acr', PageNum: page, PageSize: size });
        const list = (b['Data'] as { InstanceList: { InstanceID: string }[] }).InstanceList;
        ids.push(...list.map((x) => x.InstanceID));
        if (list.length < size) break;
      }
      expect(new Set(ids).size).toBe(data.TotalCount);
    }
    const one = await bss('QueryAvailableInstances', { InstanceIDs: first['InstanceID'], ProductCode: 'acr' });
    expect((one['Data'] as { InstanceList: unknown[] }).InstanceList).toHaveLength(1);
  });

  it('upgrades the edition with ModifyInstance and refuses a downgrade', async () => {
    const id = ((await bss('CreateInstance', create('bss-up')))['Data'] as { InstanceId: string }).InstanceId;
    clock.advance(1000);
    const modify = (type: string, edition: string): Promise<Record<string, unknown>> =>
      bss('ModifyInstance', { ProductCode: 'acr', ProductType: 'acr_ee_public_cn', SubscriptionType: 'Subscription', ModifyType: type, InstanceId: id, Parameter: [{ Code: 'InstanceType', Value: edition }] });
    expectBss('ModifyInstance', await modify('Upgrade', 'Advanced'), ['Data.OrderId']);
    const g = await t.callRpc('cr', 'cn-shanghai', 'GetInstance', { InstanceId: id }, keys);
    expect(g['InstanceSpecification']).toBe('Enterprise_Advanced');
    await expect(modify('Upgrade', 'Standard')).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(modify('Downgrade', 'Basic')).rejects.toMatchObject({ code: 'InvalidParameter' });
    expect((await t.callRpc('cr', 'cn-shanghai', 'GetInstance', { InstanceId: id }, keys))['InstanceSpecification']).toBe('Enterprise_Advanced');
  });

  it('refunds: DELETING, then INSTANCE_NOT_EXIST; a second refund is ResourceNotExists', async () => {
    const id = ((await bss('CreateInstance', create('bss-gone')))['Data'] as { InstanceId: string }).InstanceId;
    clock.advance(1000);
    const refund = await bss('RefundInstance', { InstanceId: id, ImmediatelyRelease: '1', ProductCode: 'acr', ProductType: 'acr_ee_public_cn', ClientToken: 'refund-1' });
    expectBss('RefundInstance', refund, ['Data.OrderId']);
    expect((await t.callRpc('cr', 'cn-shanghai', 'GetInstance', { InstanceId: id }, keys))['InstanceStatus']).toBe('DELETING');
    const replay = await bss('RefundInstance', { InstanceId: id, ImmediatelyRelease: '1', ProductCode: 'acr', ProductType: 'acr_ee_public_cn', ClientToken: 'refund-1' });
    expect(replay['Data']).toEqual(refund['Data']);
    const listed = await bss('QueryAvailableInstances', { InstanceIDs: id, ProductCode: 'acr' });
    expect((listed['Data'] as { InstanceList: unknown[] }).InstanceList).toEqual([]);
    clock.advance(1000);
    expectCrError(await t.callRpc('cr', 'cn-shanghai', 'GetInstance', { InstanceId: id }, keys), 'INSTANCE_NOT_EXIST');
    await expect(bss('RefundInstance', { InstanceId: id, ImmediatelyRelease: '1', ProductCode: 'acr' })).rejects.toMatchObject({ code: 'ResourceNotExists' });
  });
});

describe('sites: China and international accounts (POST /_emulator/accounts "site")', () => {
  const INTL = '5555555555555566';
  let intl: AccountKeys;
  const intlCreate = (name: string, type: string | undefined): Record<string, unknown> => {
    const p = create(name);
    if (type === undefined) delete p['ProductType'];
    else p['ProductType'] = type;
    return p;
  };
  /** BSS on the international endpoint (business.ap-southeast-1.aliyuncs.com: the ap-southeast-1 port). */
  const intlBss = (action: string, params: Record<string, unknown>, k: AccountKeys = intl) => t.callRpc('bss', 'ap-southeast-1', action, params, k);

  beforeAll(async () => {
    intl = (await t.admin<AccountKeys>('POST', '/_emulator/accounts', { uid: INTL, site: 'international' })).body;
  });

  it('the international BSS endpoint is its own port; the China endpoint stays the main port', async () => {
    const main = (await t.admin<{ endpoint: string }>('GET', '/_emulator/endpoint?product=bss&region=cn-hangzhou')).body.endpoint;
    const other = (await t.admin<{ endpoint: string }>('GET', '/_emulator/endpoint?product=bss&region=ap-southeast-1')).body.endpoint;
    expect(main).toBe(`127.0.0.1:${t.emu.port}`);
    expect(other).not.toBe(main);
    const accounts = (await t.admin<{ uid: string; site: string }[]>('GET', '/_emulator/accounts')).body;
    expect(accounts.filter((a) => a.uid === INTL || a.uid === UID).map((a) => [a.uid, a.site])).toEqual([
      [UID, 'china'],
      [INTL, 'international'],
    ]);
  });

  it.each([
    { reason: 'the China type on the China endpoint (what the Terraform provider tries first)', call: () => t.callRpc('bss', 'global', 'CreateInstance', intlCreate('intl-a', 'acr_ee_public_cn'), intl) },
    { reason: 'the international type on the China endpoint', call: () => t.callRpc('bss', 'global', 'CreateInstance', intlCreate('intl-b', 'acr_ee_public_intl'), intl) },
    { reason: 'the China type on the international endpoint', call: () => intlBss('CreateInstance', intlCreate('intl-c', 'acr_ee_public_cn')) },
    { reason: 'listing on the China endpoint', call: () => t.callRpc('bss', 'global', 'QueryAvailableInstances', { ProductCode: 'acr' }, intl) },
    { reason: 'a China account buying the international type', call: () => bss('CreateInstance', create('cn-intl', { ProductType: 'acr_ee_public_intl' })) },
    { reason: 'a China account on the international endpoint', call: () => intlBss('CreateInstance', create('cn-at-intl'), keys) },
  ])('NotApplicable (400, ClientError): $reason', async ({ call }) => {
    const e = (await call().catch((err: unknown) => err)) as { code?: string; statusCode?: number; name?: string; data?: Record<string, unknown> };
    expect([e.code, e.statusCode, e.name]).toEqual(['NotApplicable', 400, 'ClientError']);
    expect(String(e.data?.['Message'])).toMatch(/^This API is not applicable for caller\./);
  });

  it('an international account buys, lists, upgrades and refunds with acr_ee_public_intl on its endpoint', async () => {
    const before = await t.callRpc('cr', 'cn-shanghai', 'ListInstance', {}, intl);
    expect(before['Instances']).toEqual([]);
    const body = await intlBss('CreateInstance', intlCreate('intl-ok', 'acr_ee_public_intl'));
    expectBss('CreateInstance', body, ['Data.InstanceId', 'Data.OrderId']);
    const id = (body['Data'] as { InstanceId: string }).InstanceId;
    const detected = await intlBss('CreateInstance', intlCreate('intl-default', undefined));
    expect(detected, 'no ProductType: the site’s own type').toMatchObject({ Success: true });
    clock.advance(1000);
    const listed = await intlBss('QueryAvailableInstances', { ProductCode: 'acr', InstanceIDs: id });
    expect((listed['Data'] as { InstanceList: Record<string, unknown>[] }).InstanceList).toMatchObject([{ InstanceID: id, ProductType: 'acr_ee_public_intl' }]);
    const up = await intlBss('ModifyInstance', { ProductCode: 'acr', ProductType: 'acr_ee_public_intl', SubscriptionType: 'Subscription', ModifyType: 'Upgrade', InstanceId: id, Parameter: [{ Code: 'InstanceType', Value: 'Advanced' }] });
    expectBss('ModifyInstance', up, ['Data.OrderId']);
    await t.admin('POST', `/_emulator/cr/instances/${id}/allowlist`, {});
    await t.admin('POST', `/_emulator/cr/instances/${id}/switches`, { personalEditionDomain: true });
    const ep = await t.callRpc('cr', 'cn-shanghai', 'GetInstanceEndpoint', { InstanceId: id, EndpointType: 'internet', ModuleName: 'Registry' }, intl);
    expect((ep['Domains'] as { Domain: string }[]).map((d) => d.Domain), 'the Personal Edition domain of the international site').toContain('registry-intl.cn-shanghai.aliyuncs.com');
    expectBss('RefundInstance', await intlBss('RefundInstance', { InstanceId: id, ImmediatelyRelease: '1', ProductCode: 'acr', ProductType: 'acr_ee_public_intl' }), ['Data.OrderId']);
  });

  it('Personal Edition hosts follow the site: registry-intl… for international accounts', async () => {
    await t.admin('POST', '/_emulator/crpe/estates', { uid: INTL, region: 'cn-hangzhou', namespaces: [{ name: 'intl-ns', repos: [{ name: 'app', tags: [] }] }] });
    await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: 'cn-hangzhou', namespaces: [{ name: 'cn-ns', repos: [{ name: 'app', tags: [] }] }] });
    const domains = async (k: AccountKeys, ns: string) => ((await t.callRoa('cn-hangzhou', 'GetRepo', 'GET', `/repos/${ns}/app`, k))['data'] as { repo: { repoDomainList: unknown } }).repo.repoDomainList;
    expect(await domains(intl, 'intl-ns')).toEqual({ public: 'registry-intl.cn-hangzhou.aliyuncs.com', internal: 'registry-intl-internal.cn-hangzhou.aliyuncs.com', vpc: 'registry-intl-vpc.cn-hangzhou.aliyuncs.com' });
    expect(await domains(keys, 'cn-ns')).toEqual({ public: 'registry.cn-hangzhou.aliyuncs.com', internal: 'registry-internal.cn-hangzhou.aliyuncs.com', vpc: 'registry-vpc.cn-hangzhou.aliyuncs.com' });
  });
});
