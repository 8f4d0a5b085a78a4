/**
 * Typed errors shared by every area of acrctl.
 *
 * Contract: nothing in acrctl throws a string or a bare Error for an expected failure. Every expected
 * failure is an {@link AcrctlError} with a stable `code`, a one-line `message`, and optionally a
 * `detail`, a `hint` (what to do next) and a `location` (file:line:column) or resource `address`.
 * The CLI's single top-level catch maps them to exit codes and never prints a stack trace unless
 * `--debug` is given. Messages must never contain secrets.
 */

/** Exit codes of the CLI (DESIGN.md). */
export const ExitCode = {
  /** Success, or no changes. */
  ok: 0,
  /** Any error: config, auth, API, apply failure. */
  error: 1,
  /** Changes present (`plan --detailed-exitcode`, `drift`). */
  changes: 2,
  /** Apply stopped at a gate (a console-only switch) and waits for a human. */
  gate: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A position in a source file, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface AcrctlErrorOptions {
  readonly detail?: string;
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly address?: string;
  readonly cause?: unknown;
  readonly exitCode?: ExitCode;
}

/** The one error type acrctl throws for expected failures. */
export class AcrctlError extends Error {
  override readonly name = 'AcrctlError';
  readonly code: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly address: string | undefined;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: AcrctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
    this.hint = options.hint;
    this.location = options.location;
    this.address = options.address;
    this.exitCode = options.exitCode ?? ExitCode.error;
  }
}

/** Formats a location as `file:line:column`. */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Renders an error for a human, one fact per line, no stack. */
export function formatError(err: AcrctlError): string {
  const where = err.location ? `${formatLocation(err.location)}: ` : err.address ? `${err.address}: ` : '';
  const lines = [`error[${err.code}]: ${where}${err.message}`];
  if (err.detail) lines.push(`  ${err.detail}`);
  if (err.hint) lines.push(`  hint: ${err.hint}`);
  return lines.join('\n');
}

/** Exhaustiveness guard for discriminated unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
