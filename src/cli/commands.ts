/**
 * Registers every subcommand on the commander program. Each command lives in its own module under
 * src/cli/ and exports one `register…(program, io, setExit)` function; this file only lists them.
 */
import type { Command } from 'commander';
import type { CliIo, SetExit } from './io.js';
import { registerAdopt } from './adopt.js';
import { registerApply } from './apply.js';
import { registerDrift } from './drift.js';
import { registerEmulator } from './emulator.js';
import { registerPlan } from './plan.js';
import { registerValidate } from './validate.js';

export type { SetExit } from './io.js';

export function registerCommands(program: Command, io: CliIo, setExit: SetExit): void {
  registerValidate(program, io, setExit);
  registerPlan(program, io, setExit);
  registerApply(program, io, setExit);
  registerDrift(program, io, setExit);
  registerAdopt(program, io, setExit);
  registerEmulator(program, io, setExit);
}
