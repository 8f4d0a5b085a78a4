/**
 * Passing an example's gates the way the vendor and a human would: allow-list each instance whose
 * config asks for a console-only switch and flip the switches, through the emulator's admin API.
 */
import { parse } from 'yaml';
import type { TestEmulator } from '../helpers/emulator.js';

interface ExampleConfig {
  accounts: Record<string, { uid: string }>;
  instances?: Record<string, { account: string; region: string; name: string; personalEditionDomain?: boolean; authDomainTakeover?: boolean }>;
}

/** Allow-lists and flips the console switches the config (registry.yaml text) asks for. */
export async function passGates(t: TestEmulator, text: string): Promise<void> {
  const config = parse(text) as ExampleConfig;
  for (const inst of Object.values(config.instances ?? {})) {
    if (!inst.personalEditionDomain && !inst.authDomainTakeover) continue;
    const keys = await t.account(config.accounts[inst.account]!.uid);
    const found = ((await t.callRpc('cr', inst.region, 'ListInstance', { InstanceName: inst.name }, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!;
    await t.admin('POST', `/_emulator/cr/instances/${found.InstanceId}/allowlist`, { allowListed: true });
    await t.admin('POST', `/_emulator/cr/instances/${found.InstanceId}/switches`, { personalEditionDomain: inst.personalEditionDomain ?? false, authDomainTakeover: inst.authDomainTakeover ?? false });
  }
}
