/**
 * Running the acrctl CLI from tests: in-process through `main()` (fast, the default), or as a real
 * child process through bin/acrctl.js (needs `npm run build`; `npm test` builds first).
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const BIN = fileURLToPath(new URL('../../bin/acrctl.js', import.meta.url));

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs `acrctl <args>` in this process with captured, non-TTY streams. */
export async function runCli(
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; /** Extra io fields, e.g. apply's `confirm` and `stdinIsTTY`. */ io?: Record<string, unknown> },
): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const code = await main(['node', 'acrctl', ...args], {
    stdout: out.stream,
    stderr: err.stream,
    env: { NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd,
    ...opts.io,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Runs `node bin/acrctl.js <args>` as a child process. */
export function runBin(args: readonly string[], opts: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
