/** `acrctl emulator`: being written (see the emulator issue). */
import type { Command } from 'commander';
import type { SetExit } from './commands.js';
import type { CliIo } from './main.js';

export function registerEmulator(program: Command, io: CliIo, setExit: SetExit): void {
  void program;
  void io;
  void setExit;
}
