/** Shared set-up of the cr, crpe and BSS conformance tests: an emulator with a movable clock. */
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';

export interface Clock {
  now: number;
  /** Moves the emulator's service clock forward (async lifecycles are derived from it). */
  advance(ms: number): void;
}

export async function startCrEmulator(): Promise<{ t: TestEmulator; clock: Clock }> {
  const clock: Clock = {
    now: Date.UTC(2026, 10, 22, 12, 0, 0),
    advance(ms) {
      this.now += ms;
    },
  };
  const t = await startTestEmulator({ now: () => clock.now });
  return { t, clock };
}

export type Edition = 'Basic' | 'Standard' | 'Advanced';

/** Buys an EE instance through BSS and waits (by moving the clock) until it is RUNNING. */
export async function buyInstance(
  t: TestEmulator,
  clock: Clock,
  keys: AccountKeys,
  region: string,
  name: string,
  edition: Edition = 'Advanced',
  extra: { Code: string; Value: string }[] = [],
): Promise<string> {
  const body = await t.callRpc(
    'bss',
    'global',
    'CreateInstance',
    {
      ProductCode: 'acr',
      ProductType: 'acr_ee_public_cn',
      SubscriptionType: 'Subscription',
      Period: 1,
      Parameter: [
        { Code: 'InstanceType', Value: edition },
        { Code: 'InstanceName', Value: name },
        { Code: 'Region', Value: region },
        { Code: 'DefaultOssBucket', Value: 'true' },
        ...extra,
      ],
    },
    keys,
  );
  const id = (body['Data'] as { InstanceId: string }).InstanceId;
  clock.advance(10_000);
  return id;
}
