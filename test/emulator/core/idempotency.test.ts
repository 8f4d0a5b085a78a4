/**
 * ClientTokens are remembered for a bounded window (AsyncDurations.clientTokenWindow, emulated
 * clock): within it a reuse answers the first result (and, for BSS, a reuse with other parameters
 * is IdempotentParameterMismatch); after it the token is forgotten and a reuse is a new request.
 * The ledger stays bounded and treats entries from before tokens had a time as expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { recallToken, rememberToken, type TokenLedger } from '../../../src/emulator/core/idempotency.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

const WINDOW = 60_000;

describe('token ledger (unit)', () => {
  it('recalls within the window, forgets after it, prunes expired entries and ignores untimed legacy entries', () => {
    const ledger: TokenLedger<string> = {};
    rememberToken(ledger, 'CreateCen:a', 'cen-1', 1_000, WINDOW);
    expect(recallToken(ledger, 'CreateCen:a', 1_000 + WINDOW, WINDOW), 'at the edge of the window').toBe('cen-1');
    expect(recallToken(ledger, 'CreateCen:a', 1_001 + WINDOW, WINDOW), 'one ms after').toBeUndefined();
    (ledger as Record<string, unknown>)['CreateCen:legacy'] = 'cen-0';
    rememberToken(ledger, 'CreateCen:b', 'cen-2', 2_000 + WINDOW, WINDOW);
    expect(Object.keys(ledger), 'the expired and the legacy entry are pruned on the next write').toEqual(['CreateCen:b']);
    expect(recallToken(ledger, 'CreateCen:legacy', 0, WINDOW)).toBeUndefined();
  });
});

describe('ClientToken window over HTTP', () => {
  const clock = { t: Date.UTC(2026, 10, 22, 12, 0, 0) };
  let t: TestEmulator;
  let keys: AccountKeys;
  const buy = (name: string, token: string) =>
    t.callRpc(
      'bss',
      'global',
      'CreateInstance',
      {
        ProductCode: 'acr',
        ProductType: 'acr_ee_public_cn',
        SubscriptionType: 'PayAsYouGo',
        ClientToken: token,
        Parameter: [
          { Code: 'InstanceType', Value: 'Basic' },
          { Code: 'InstanceName', Value: name },
          { Code: 'Region', Value: 'cn-hangzhou' },
        ],
      },
      keys,
    );
  const idOf = (body: Record<string, unknown>): string => (body['Data'] as { InstanceId: string }).InstanceId;

  beforeAll(async () => {
    t = await startTestEmulator({ now: () => clock.t, async: { clientTokenWindow: WINDOW } });
    keys = await t.account('7000000000000001');
  });
  afterAll(() => t.close());

  it('BSS: the first purchase replays within the window; after it the same token buys a new instance', async () => {
    const first = idOf(await buy('tok-a', 'purchase-1'));
    clock.t += WINDOW - 1000;
    expect(idOf(await buy('tok-a', 'purchase-1')), 'a retry within the window').toBe(first);
    await expect(buy('tok-other', 'purchase-1'), 'other parameters within the window').rejects.toMatchObject({ code: 'IdempotentParameterMismatch' });
    await t.callRpc('bss', 'global', 'RefundInstance', { ProductCode: 'acr', InstanceId: first, ImmediatelyRelease: '1' }, keys);
    clock.t += 2000;
    const second = idOf(await buy('tok-a', 'purchase-1'));
    expect(second, 'a purchase after a refund, past the window, is not answered with the refunded instance').not.toBe(first);
    const live = await t.callRpc('bss', 'global', 'QueryAvailableInstances', { ProductCode: 'acr' }, keys);
    expect((live['Data'] as { InstanceList: { InstanceID: string }[] }).InstanceList.map((i) => i.InstanceID)).toEqual([second]);
  });

  it('CBN, VPC and PrivateZone keep tokens for the same window', async () => {
    const cen = async () => (await t.callRpc('cbn', 'global', 'CreateCen', { Name: 'c', ClientToken: 'cen-tok' }, keys))['CenId'];
    const a = await cen();
    expect(await cen(), 'CBN within the window').toBe(a);
    const zone = () => t.callRpc('pvtz', 'global', 'AddZone', { ZoneName: 'window.example', ClientToken: 'zone-tok' }, keys);
    const z = (await zone())['ZoneId'];
    expect((await zone())['ZoneId'], 'PrivateZone within the window').toBe(z);
    clock.t += WINDOW + 1;
    expect(await cen(), 'CBN after the window: a new CEN').not.toBe(a);
    await expect(zone(), 'PrivateZone after the window: a new request, refused because the zone exists').rejects.toMatchObject({ statusCode: 400 });
  });
});
