/**
 * Sites (issue 12 item 1): an instance is bought, upgraded and released through BSS on its
 * account's site, declared (`accounts.<a>.site`) or detected (China first, then international on
 * `NotApplicable`, remembered for the run), against the emulator's site-aware BSS. The call log
 * proves which endpoint answered (the `ap-southeast-1` port is business.ap-southeast-1.aliyuncs.com)
 * and the emulator refuses the other site's product type, so a success proves the type too; a fake
 * BSS client checks the product types sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcrEeBilling, BSS_INTERNATIONAL_REGION, BssClient, type Site } from '../../src/cloud/bss.js';
import { realEndpoints, realHost } from '../../src/cloud/endpoints.js';
import { CloudApiError } from '../../src/cloud/errors.js';
import { CloudSession } from '../../src/cloud/session.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import type { Action } from '../../src/plan/model.js';
import { carryOut } from '../../src/apply/verbs.js';
import { instanceKind } from '../../src/kinds/instance.js';
import type { Kind } from '../../src/plan/kind.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, execContext, planFor, testClock } from '../support/exec.js';

const CN = '1111222233334444';
const INTL = '5555666677778888';

interface LoggedCall {
  action: string;
  accountUid: string;
  region: string;
  status: number;
  code: string | null;
}

describe('instance: sites against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  beforeAll(async () => {
    estate = await startEstate({ cn: CN, intl: INTL }, { emulator: { now: () => clock.now } });
    await estate.t.admin('POST', '/_emulator/accounts', { uid: INTL, site: 'international' });
  });
  afterAll(async () => {
    await estate.close();
  });

  /** A session of its own (a run): sites declared or not, nothing learned yet. */
  const session = (sites: Partial<Record<'cn' | 'intl', Site>>) =>
    new CloudSession({
      accounts: {
        cn: { ...estate.session.accounts['cn']!, ...(sites.cn ? { site: sites.cn } : {}) },
        intl: { ...estate.session.accounts['intl']!, ...(sites.intl ? { site: sites.intl } : {}) },
      },
      endpoints: estate.session.endpoints,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    });

  const doc = (alias: 'cn' | 'intl', name: string, region: string, edition: 'Basic' | 'Advanced', site?: Site): RegistryDocument => ({
    version: 1,
    accounts: { [alias]: { uid: alias === 'cn' ? CN : INTL, ...(site ? { site } : {}) } },
    instances: { r: { account: alias, region: region as Instance['region'], edition, name } },
  });

  /** BSS calls since the log was cleared: `Action@port (code)`, port `global` (China) or `ap-southeast-1` (international). */
  const bssCalls = async (): Promise<string[]> => {
    const { body } = await estate.t.admin<(LoggedCall & { product: string })[]>('GET', '/_emulator/calls');
    return body.filter((c) => c.product === 'bss').map((c) => `${c.action}@${c.region}${c.code ? ` (${c.code})` : ''}`);
  };

  /** The ProductType BSS recorded for an instance. */
  const productType = async (alias: 'cn' | 'intl', instanceId: string): Promise<string | undefined> => {
    const region = alias === 'intl' ? 'ap-southeast-1' : 'global';
    const body = await estate.t.callRpc('bss', region, 'QueryAvailableInstances', { ProductCode: 'acr', InstanceIDs: instanceId }, estate.keys[alias]!);
    return (body['Data'] as { InstanceList: { ProductType?: string }[] }).InstanceList[0]?.ProductType;
  };

  const cases: { reason: string; alias: 'cn' | 'intl'; declared?: Site; region: string; calls: { buy: string[]; upgrade: string[]; refund: string[] } }[] = [
    {
      reason: 'a China-site account, detected: China first, and it answers',
      alias: 'cn',
      region: 'cn-hangzhou',
      calls: { buy: ['CreateInstance@global'], upgrade: ['ModifyInstance@global'], refund: ['RefundInstance@global'] },
    },
    {
      reason: 'a China-site account, declared',
      alias: 'cn',
      declared: 'china',
      region: 'cn-beijing',
      calls: { buy: ['CreateInstance@global'], upgrade: ['ModifyInstance@global'], refund: ['RefundInstance@global'] },
    },
    {
      reason: 'an international-site account, detected: NotApplicable once, then the international site for the rest of the run',
      alias: 'intl',
      region: 'ap-southeast-1',
      calls: {
        buy: ['CreateInstance@global (NotApplicable)', 'CreateInstance@ap-southeast-1'],
        upgrade: ['ModifyInstance@ap-southeast-1'],
        refund: ['RefundInstance@ap-southeast-1'],
      },
    },
    {
      reason: 'an international-site account, declared: the international endpoint and type at once',
      alias: 'intl',
      declared: 'international',
      region: 'eu-central-1',
      calls: { buy: ['CreateInstance@ap-southeast-1'], upgrade: ['ModifyInstance@ap-southeast-1'], refund: ['RefundInstance@ap-southeast-1'] },
    },
  ];

  for (const c of cases) {
    it(`buys, upgrades and refunds: ${c.reason}`, async () => {
      const run = session(c.declared ? { [c.alias]: c.declared } : {});
      try {
        const name = `site-${c.alias}-${c.declared ?? 'detect'}`;
        // Buy
        await estate.t.admin('DELETE', '/_emulator/calls');
        const buy = await planFor(doc(c.alias, name, c.region, 'Basic', c.declared), run, allKinds);
        expect(buy.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[r]']);
        const bought = await applyPlan(buy, allKinds, run, { clock });
        expect(bought.result.status).toBe('complete');
        expect(await bssCalls()).toEqual(c.calls.buy);
        expect(run.siteOf(c.alias)).toBe(c.alias === 'intl' ? 'international' : 'china');
        const instanceId = bought.result.ids.get('instance[r]')?.['instanceId'] ?? '';
        expect(await productType(c.alias, instanceId)).toBe(c.alias === 'intl' ? 'acr_ee_public_intl' : 'acr_ee_public_cn');
        // Upgrade, in the same run: the site is known by now
        await estate.t.admin('DELETE', '/_emulator/calls');
        const up = await planFor(doc(c.alias, name, c.region, 'Advanced', c.declared), run, allKinds);
        expect(up.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['update instance[r]']);
        expect((await applyPlan(up, allKinds, run, { clock })).result.status).toBe('complete');
        expect(await bssCalls()).toEqual(c.calls.upgrade);
        // Refund
        await estate.t.admin('DELETE', '/_emulator/calls');
        const action: Action = {
          id: 'instance[r]',
          kind: 'instance',
          type: 'delete',
          account: c.alias,
          region: c.region,
          instance: 'r',
          key: { instance: 'r' },
          ids: { instanceId },
          before: { name, edition: 'Advanced' },
          changes: [],
          dependsOn: [],
        };
        const h = execContext({ cloud: run, clock, planId: `plan-${name}`, actionId: 'instance[r]' });
        expect(await carryOut(instanceKind as unknown as Kind, h.ctx, action)).toEqual({});
        expect(await bssCalls()).toEqual(c.calls.refund);
      } finally {
        await run.close();
      }
    });
  }

  it('a release in a new run detects the site again: NotApplicable, then the international endpoint', async () => {
    const first = session({ intl: 'international' });
    const plan = await planFor(doc('intl', 'site-intl-again', 'ap-northeast-1', 'Basic', 'international'), first, allKinds);
    const { result } = await applyPlan(plan, allKinds, first, { clock });
    await first.close();
    const instanceId = result.ids.get('instance[r]')?.['instanceId'] ?? '';
    const run = session({});
    await estate.t.admin('DELETE', '/_emulator/calls');
    await run.acrEe('intl').refundInstance({ InstanceId: instanceId, ImmediatelyRelease: '1' });
    expect(await bssCalls()).toEqual(['RefundInstance@global (NotApplicable)', 'RefundInstance@ap-southeast-1']);
    expect(run.siteOf('intl')).toBe('international');
    await run.close();
  });

  it('the Personal Edition domain switch of an international instance is read as on from its registry-intl… hosts (site not declared)', async () => {
    const run = session({});
    const config: RegistryDocument = { ...doc('intl', 'site-intl-pe', 'ap-southeast-5', 'Advanced'), instances: { r: { account: 'intl', region: 'ap-southeast-5', edition: 'Advanced', name: 'site-intl-pe', personalEditionDomain: true } } };
    const first = await planFor(config, run, allKinds);
    expect(first.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[r]', 'gate instance[r].personal-edition-domain']);
    const { result } = await applyPlan(first, allKinds, run, { clock });
    expect(result.status).toBe('gated');
    const instanceId = result.ids.get('instance[r]')?.['instanceId'] ?? '';
    await estate.t.admin('POST', `/_emulator/cr/instances/${instanceId}/allowlist`, { allowListed: true });
    await estate.t.admin('POST', `/_emulator/cr/instances/${instanceId}/switches`, { personalEditionDomain: true });
    expect((await planFor(config, run, allKinds)).actions).toEqual([]);
    await run.close();
  });

  it('a declared site that is wrong fails clearly, naming the account and the fix, and tries no other site', async () => {
    const run = session({ intl: 'china' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const plan = await planFor(doc('intl', 'site-wrong', 'ap-south-1', 'Basic', 'china'), run, allKinds);
    const { result, events } = await applyPlan(plan, allKinds, run, { clock });
    expect(result.status).toBe('failed');
    const failed = events.find((e) => e.code === 'action.failed');
    expect(failed?.message).toContain('account intl: BSS answered NotApplicable to the china site');
    expect(JSON.stringify(failed?.data ?? {})).toContain('set accounts.intl.site to international');
    expect(await bssCalls()).toEqual(['CreateInstance@global (NotApplicable)']);
    await run.close();
  });
});

describe('AcrEeBilling: product types per site', () => {
  /** A BSS client that records what it is sent and answers NotApplicable off its account's site. */
  function fakeBss(accountSite: Site, sent: string[]): (site: Site) => BssClient {
    return (site) =>
      new BssClient(async (action, params) => {
        const type = (params as { ProductType?: string }).ProductType ?? '';
        sent.push(`${action} ${type} @${site}`);
        const want = accountSite === 'china' ? 'acr_ee_public_cn' : 'acr_ee_public_intl';
        if (site !== accountSite || type !== want) {
          throw new CloudApiError({ product: 'bss', action, vendorCode: 'NotApplicable', vendorMessage: 'This API is not applicable for caller.', failure: 'fatal', httpStatus: 400, attempts: 1 } as never);
        }
        return { Success: true, Data: { InstanceId: 'cri-x' } } as never;
      }, () => 'token');
  }
  const memory = (declared?: Site) => {
    let learned: Site | undefined;
    return { declared, learned: () => learned, learn: (s: Site) => void (learned = s) };
  };

  it('detects international once, then stays there; China is never tried again in the run', async () => {
    const sent: string[] = [];
    const m = memory();
    const billing = new AcrEeBilling('a', fakeBss('international', sent), m);
    await billing.createInstance({ SubscriptionType: 'Subscription' });
    await billing.modifyInstance({ ModifyType: 'Upgrade', SubscriptionType: 'Subscription' });
    await billing.refundInstance({ InstanceId: 'cri-x' });
    expect(sent).toEqual([
      'CreateInstance acr_ee_public_cn @china',
      'CreateInstance acr_ee_public_intl @international',
      'ModifyInstance acr_ee_public_intl @international',
      'RefundInstance acr_ee_public_intl @international',
    ]);
    expect(m.learned()).toBe('international');
  });

  it('a China account is learned as China on its first answer', async () => {
    const sent: string[] = [];
    const m = memory();
    await new AcrEeBilling('a', fakeBss('china', sent), m).createInstance({ SubscriptionType: 'Subscription' });
    expect(sent).toEqual(['CreateInstance acr_ee_public_cn @china']);
    expect(m.learned()).toBe('china');
  });

  it('declared: the site\'s type at once; a NotApplicable is the declared site\'s error, not a retry', async () => {
    const sent: string[] = [];
    await new AcrEeBilling('a', fakeBss('international', sent), memory('international')).createInstance({ SubscriptionType: 'Subscription' });
    expect(sent).toEqual(['CreateInstance acr_ee_public_intl @international']);
    const wrong: string[] = [];
    await expect(new AcrEeBilling('a', fakeBss('china', wrong), memory('international')).createInstance({ SubscriptionType: 'Subscription' })).rejects.toMatchObject({
      code: 'cloud.site',
      hint: 'set accounts.a.site to china, or remove it to let acrctl detect the site',
    });
    expect(wrong).toEqual(['CreateInstance acr_ee_public_intl @international']);
  });
});

describe('real endpoints per site', () => {
  it('BSS on the international site is business.ap-southeast-1.aliyuncs.com; Personal Edition hosts are registry-intl…', async () => {
    expect(realHost('bss', 'global')).toBe('business.aliyuncs.com');
    expect(realHost('bss', BSS_INTERNATIONAL_REGION)).toBe('business.ap-southeast-1.aliyuncs.com');
    const real = realEndpoints();
    expect(await real.registry!({ kind: 'pe', region: 'ap-southeast-1', site: 'international' })).toEqual({ base: 'https://registry-intl.ap-southeast-1.aliyuncs.com' });
    expect(await real.registry!({ kind: 'pe', region: 'cn-hangzhou' })).toEqual({ base: 'https://registry.cn-hangzhou.aliyuncs.com' });
  });
});
