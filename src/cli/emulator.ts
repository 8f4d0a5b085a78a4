/**
 * `acrctl emulator serve`: runs the local emulator of the vendor APIs until SIGTERM or SIGINT.
 *
 * Contract: the FIRST line on stdout is `http://127.0.0.1:PORT` (scripts read it); a short human
 * summary goes to stderr. On SIGTERM/SIGINT the ports close, the state file is flushed and the
 * command exits 0. Never prints secrets.
 */
import type { Command } from 'commander';
import { AcrctlError } from '../errors.js';
import { StateFileError } from '../emulator/core/persistence.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import type { SetExit } from './commands.js';
import type { CliIo } from './main.js';

interface ServeOptions {
  readonly port: string;
  readonly state?: string;
  readonly seed?: string;
}

/** Resolves when one of the signals arrives (listeners are removed afterwards). */
export type WaitForStop = () => Promise<string>;

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

function parseIntOption(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new AcrctlError('emulator.option', `--${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
  return Number(value);
}

export function registerEmulator(program: Command, io: CliIo, setExit: SetExit, waitForStop: WaitForStop = waitForSignal): void {
  const emulator = program.command('emulator').description('run a local emulator of the Alibaba Cloud APIs acrctl uses');
  emulator
    .command('serve')
    .description('serve cr, Personal Edition, BSS, RAM, STS, CBN, VPC and PrivateZone on 127.0.0.1 until SIGTERM/SIGINT')
    .option('--port <n>', 'main port (admin API and global products); 0 picks a free one', '0')
    .option('--state <file>', 'load state from this JSON file and save it there atomically')
    .option('--seed <n>', 'seed of the deterministic fault injector', '1')
    .action(async (opts: ServeOptions) => {
      const port = parseIntOption(opts.port, 'port', 0, 65535);
      const seed = parseIntOption(opts.seed ?? '1', 'seed', 0, 2 ** 32 - 1);
      let emu: Emulator;
      try {
        emu = await startEmulator({
          port,
          seed,
          ...(opts.state === undefined ? {} : { stateFile: opts.state }),
          log: (line) => io.stderr.write(`${line}\n`),
        });
      } catch (err) {
        if (err instanceof StateFileError) {
          throw new AcrctlError('emulator.state', err.message, { hint: 'fix or remove the state file', cause: err });
        }
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') {
          throw new AcrctlError('emulator.port', `cannot listen on 127.0.0.1:${port} (${code})`, { hint: 'choose another --port, or 0 for a free one', cause: err });
        }
        throw err;
      }
      io.stdout.write(`${emu.url}\n`);
      io.stderr.write(
        [
          `acrctl emulator listening on ${emu.url} (admin API under ${emu.url}/_emulator/)`,
          `  products: ${emu.products.join(', ')}`,
          `  regional products get a port per region: GET ${emu.url}/_emulator/endpoint?product=cr&region=cn-hangzhou`,
          `  accounts: POST ${emu.url}/_emulator/accounts {"uid":"1234567890123456"}`,
          `  state: ${opts.state ?? 'in memory only (use --state FILE to keep it)'}; fault seed ${seed}`,
          '  stop with Ctrl-C or SIGTERM',
          '',
        ].join('\n'),
      );
      const signal = await waitForStop();
      await emu.close();
      io.stderr.write(`acrctl emulator stopped (${signal})${opts.state === undefined ? '' : `; state saved to ${opts.state}`}\n`);
      setExit(0);
    });
}
