/**
 * An emulator with declared accounts and a real CloudSession bound to it, for kind, planner and
 * executor tests: the same wiring as `acrctl --emulator`, minus the CLI. Retries are fast so fault
 * tests stay quick.
 */
import { startEmbeddedEmulator } from '../../src/cloud/emulated.js';
import { CloudSession, type CloudSessionOptions } from '../../src/cloud/session.js';
import type { AccountKeys } from '../../src/emulator/core/contract.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

export interface Estate {
  readonly t: TestEmulator;
  readonly session: CloudSession;
  /** Keys per alias, for seeding through the emulator directly. */
  readonly keys: Readonly<Record<string, AccountKeys>>;
  close(): Promise<void>;
}

export async function startEstate(
  accounts: Readonly<Record<string, string>>,
  opts: { emulator?: EmulatorOptions; session?: Partial<CloudSessionOptions> } = {},
): Promise<Estate> {
  const t = await startTestEmulator(opts.emulator ?? {});
  const binding = await startEmbeddedEmulator({ accounts, start: async () => t.emu });
  const session = new CloudSession({
    ...binding.session,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    ...opts.session,
  });
  const keys: Record<string, AccountKeys> = {};
  for (const [alias, uid] of Object.entries(accounts)) keys[alias] = await t.account(uid);
  return {
    t,
    session,
    keys,
    async close() {
      await session.close();
      await binding.close();
    },
  };
}
