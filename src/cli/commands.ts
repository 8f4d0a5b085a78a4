/**
 * Registers every subcommand on the commander program. Each command lives in its own module under
 * src/cli/ and exports one `register…(program, io, setExit)` function; this file only lists them.
 */
import type { Command } from 'commander';
import type { CliIo, SetExit } from './io.js';
import { registerAdopt } from './adopt.js';
import { registerApply } from './apply.js';
import { registerCompletion } from './completion.js';
import { registerDrift } from './drift.js';
import { registerEmulator } from './emulator.js';
import { planEstate, registerPlan } from './plan.js';
import { registerPolicy } from './policy.js';
import { registerShards } from './shards.js';
import { registerValidate } from './validate.js';
import { registerVersion } from './version.js';

export type { SetExit } from './io.js';

export function registerCommands(program: Command, io: CliIo, setExit: SetExit): void {
  configFileFromEnv(program, io);
  registerValidate(program, io, setExit);
  registerPlan(program, io, setExit);
  registerApply(program, io, setExit);
  registerShards(program, io, setExit, (estate) => planEstate(estate));
  registerDrift(program, io, setExit);
  registerAdopt(program, io, setExit);
  registerEmulator(program, io, setExit);
  registerPolicy(program, io, setExit);
  registerVersion(program, io, setExit);
  // Last: it completes every command registered before it.
  registerCompletion(program, io, setExit);
}

/**
 * `ACRCTL_CONFIG` is the default of `-f/--file` wherever that option defaults to registry.yaml
 * (validate, plan, graph, apply, destroy, drift): a CI job sets it once instead of on every line.
 * An explicit `-f` wins, and the value counts as a default (source `env`), so `apply PLANFILE`
 * still takes the config file the saved plan names. Read from the injected environment.
 */
function configFileFromEnv(program: Command, io: CliIo): void {
  program.hook('preAction', (_root, action) => {
    const file = io.env['ACRCTL_CONFIG'];
    if (file && action.getOptionValueSource('file') === 'default') action.setOptionValueWithSource('file', file, 'env');
  });
}
