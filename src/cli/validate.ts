/** `acrctl validate`: being written (see the validate issue). */
import type { Command } from 'commander';
import type { SetExit } from './commands.js';
import type { CliIo } from './main.js';

export function registerValidate(program: Command, io: CliIo, setExit: SetExit): void {
  void program;
  void io;
  void setExit;
}
