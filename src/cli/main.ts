/**
 * The CLI: parses arguments with commander, dispatches to commands, and maps every error to an exit
 * code in one place. Owns process streams; nothing below src/cli/ writes to stdout or stderr.
 */
import { Command, CommanderError } from 'commander';
import { AcrctlError, environmentError, ExitCode, formatError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerCommands } from './commands.js';
import { ConfigInvalid } from './estate.js';
import { errorLine, findingLine, jsonLines } from './json-lines.js';
import type { CliIo } from './io.js';
import { redactedIo } from './redact.js';

export type { CliIo } from './io.js';

/** Runs the CLI and resolves to the process exit code. Never throws for expected errors. */
export async function main(argv: readonly string[], given: CliIo = defaultIo()): Promise<number> {
  // Secret values of the environment never reach the terminal, whatever prints them.
  const io = redactedIo(given);
  let exitCode: number = ExitCode.ok;
  const program = new Command('acrctl')
    .description('Plan, apply and drift-check Container Registry Enterprise Edition estates from registry.yaml')
    .version(VERSION, '-V, --version', 'print the acrctl version')
    .option('--debug', 'print stack traces and debug details on error')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showSuggestionAfterError(true);
  registerCommands(program, io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    return handleError(err, io, argv.includes('--debug'), argv.includes('--json'));
  }
}

function handleError(err: unknown, io: CliIo, debug: boolean, json: boolean): number {
  if (err instanceof CommanderError) {
    // --help and --version exit through here with code 0; usage errors were already printed.
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.error;
  }
  const typed = err instanceof AcrctlError ? err : environmentError(err);
  if (typed) {
    io.stderr.write(`${formatError(typed)}\n`);
    // Under --json the stream ends with the error too, so a consumer of standard output alone sees why.
    if (json) {
      const line = jsonLines((t) => io.stdout.write(t));
      if (typed instanceof ConfigInvalid) for (const f of typed.findings) line(findingLine(f));
      line(errorLine(typed));
    }
    if (debug && typed.stack) io.stderr.write(`${typed.stack}\n`);
    // What a library said (a vendor credentials chain's own text, say) is kept for --debug only.
    if (debug) for (const c of causes(typed)) io.stderr.write(`caused by: ${c instanceof Error ? (c.stack ?? c.message) : String(c)}\n`);
    return typed.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`error[internal]: ${message}\n  hint: this is a bug in acrctl; rerun with --debug and report it\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return ExitCode.error;
}

/** The causes of an error, outermost first (aggregates flattened), at most 10. */
function causes(err: Error): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [err.cause];
  while (queue.length > 0 && out.length < 10) {
    const c = queue.shift();
    if (c === undefined) continue;
    out.push(c);
    if (c instanceof AggregateError) queue.push(...c.errors);
    else if (c instanceof Error) queue.push(c.cause);
  }
  return out;
}

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
