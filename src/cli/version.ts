/**
 * `acrctl version [--json]`: the acrctl version and what it reads and writes (the plan format), the
 * Node.js runtime and the platform; `-V/--version` on the program prints the version alone.
 */
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { PLAN_FORMAT_VERSION } from '../plan/model.js';
import { VERSION } from '../version.js';
import type { CliIo, SetExit } from './io.js';

export interface VersionInfo {
  readonly version: string;
  /** The plan format this acrctl writes and the only one it reads (`formatVersion` of a saved plan). */
  readonly planFormatVersion: number;
  readonly node: string;
  /** `linux/x64`, as process.platform/process.arch say. */
  readonly platform: string;
}

export function versionInfo(): VersionInfo {
  return { version: VERSION, planFormatVersion: PLAN_FORMAT_VERSION, node: process.version, platform: `${process.platform}/${process.arch}` };
}

export function registerVersion(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('version')
    .description('print the acrctl version, its plan format, Node.js and the platform')
    .option('--json', 'as one JSON object')
    .action((flags: { json?: boolean }) => {
      const v = versionInfo();
      io.stdout.write(flags.json ? `${JSON.stringify(v)}\n` : `acrctl ${v.version}\nplan format ${v.planFormatVersion}\nnode ${v.node} on ${v.platform}\n`);
      setExit(ExitCode.ok);
    });
}
