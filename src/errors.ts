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

/** errno codes of environment failures (the machine, not acrctl, is at fault) and how to word them. */
const ENVIRONMENT: Readonly<Record<string, { code: string; what: string; hint: string }>> = {
  EROFS: { code: 'fs.read-only', what: 'the file system is read-only', hint: 'run acrctl where it can write (its working directory keeps .acrctl/), or mount the directory read-write' },
  ENOSPC: { code: 'fs.no-space', what: 'no space is left on the device', hint: 'free some disk space, then run the command again' },
  EDQUOT: { code: 'fs.no-space', what: 'the disk quota is exhausted', hint: 'free some space within your quota, then run the command again' },
  EACCES: { code: 'fs.permission-denied', what: 'permission denied', hint: 'check the permissions of the directory and the file named' },
  EPERM: { code: 'fs.permission-denied', what: 'operation not permitted', hint: 'check the permissions of the directory and the file named' },
  EMFILE: { code: 'fs.too-many-open-files', what: 'too many files are open', hint: 'raise the open-file limit (ulimit -n) or lower --parallelism' },
  ENFILE: { code: 'fs.too-many-open-files', what: 'the system has too many files open', hint: 'try again when the machine is less busy' },
};

/**
 * The typed error for a failure of the environment (a read-only or full disk, missing permissions),
 * or undefined when `err` is not one. `doing` says what failed ("cannot write the plan file p.json").
 * Such errors are never reported as bugs in acrctl.
 */
export function environmentError(err: unknown, doing?: string): AcrctlError | undefined {
  if (err instanceof AcrctlError) return err;
  const errno = err !== null && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  const e = ENVIRONMENT[errno];
  if (e !== undefined) {
    const path = err !== null && typeof err === 'object' && 'path' in err && typeof (err as { path: unknown }).path === 'string' ? (err as { path: string }).path : undefined;
    const subject = doing ?? (path !== undefined ? `cannot write or read ${path}` : 'a file operation failed');
    return new AcrctlError(e.code, `${subject}: ${e.what}`, { hint: e.hint, cause: err });
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new AcrctlError('plan.too-deep', `${doing ?? 'the input'} is nested too deeply to process`, { hint: 'a plan or config nests values a few levels deep; this one was not made by acrctl', cause: err });
  }
  return undefined;
}
