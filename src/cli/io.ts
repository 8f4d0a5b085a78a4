/**
 * The two things every command module receives from the CLI's entry point: the streams it writes to
 * and the way it reports its exit code. The lowest file of src/cli/: it imports nothing, so the
 * entry point (main.ts), the command list (commands.ts) and the commands can all use it without an
 * import circle.
 */

/** Streams the CLI writes to; injected so tests can capture them. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Commands report their exit code through this instead of calling process.exit. */
export type SetExit = (code: number) => void;
