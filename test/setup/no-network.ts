/**
 * Vitest setup (every test file): the suite never reaches an address outside loopback.
 *
 * - `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`: the vendor's default credentials chain would
 *   otherwise probe the ECS metadata address 100.100.100.200.
 * - net-guard.mjs is installed in this process (sockets, DNS, UDP to anything but 127.0.0.0/8 and
 *   ::1 are refused before any packet leaves), and every child process a test starts loads it too:
 *   `NODE_OPTIONS=--import <guard>` and the variables above are added to its environment, also when
 *   the test passes an environment of its own (spawn, execFile, fork and their sync forms).
 * - After each test, any refusal (in this process, or appended by a child to the shared log file)
 *   fails that test, naming what was refused.
 */
import childProcess, { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach } from 'vitest';
import { takeViolations, type NetGuardViolation } from './net-guard.mjs';

/** The guard module's file URL (under a jsdom environment import.meta.url is not a file URL: use the project root). */
const GUARD_URL = (() => {
  const here = new URL('./net-guard.mjs', import.meta.url);
  return here.protocol === 'file:' ? here.href : pathToFileURL(resolve(process.cwd(), 'test/setup/net-guard.mjs')).href;
})();
const IMPORT = `--import=${GUARD_URL}`;
/** Per process (a worker may run several test files): the children's log and how far it was read. */
const STATE_KEY = Symbol.for('acrctl.test.noNetwork');
const state = ((globalThis as Record<symbol, unknown>)[STATE_KEY] ??= (() => {
  const s = { log: join(tmpdir(), `acrctl-net-guard-${process.pid}.jsonl`), offset: 0 };
  rmSync(s.log, { force: true });
  process.once('exit', () => rmSync(s.log, { force: true }));
  return s;
})()) as { log: string; offset: number };
const LOG = state.log;

/** What every child process must have in its environment. */
function guardedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const opts = env['NODE_OPTIONS'] ?? '';
  return {
    ...env,
    NODE_OPTIONS: opts.includes(GUARD_URL) ? opts : `${opts} ${IMPORT}`.trim(),
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    ACRCTL_NET_GUARD_LOG: LOG,
  };
}

Object.assign(process.env, guardedEnv(process.env));

// Async spawns (spawn, execFile, exec, fork) all pass through ChildProcess#spawn with the final
// environment as `envPairs`.
const GUARDED = Symbol.for('acrctl.test.childGuard');
const proto = ChildProcess.prototype as unknown as Record<symbol, unknown> & { spawn: (options: { envPairs?: string[] }) => unknown };
if (proto[GUARDED] === undefined) {
  proto[GUARDED] = true;
  const spawn = proto.spawn;
  proto.spawn = function guardedSpawn(this: unknown, options: { envPairs?: string[] }) {
    if (options && Array.isArray(options.envPairs)) {
      const env: Record<string, string> = {};
      for (const pair of options.envPairs) {
        const i = pair.indexOf('=');
        if (i > 0) env[pair.slice(0, i)] = pair.slice(i + 1);
      }
      options.envPairs = Object.entries(guardedEnv(env)).map(([k, v]) => `${k}=${v ?? ''}`);
    }
    return spawn.call(this, options);
  };
  // The sync forms do not use ChildProcess: give their own `env` option the same variables.
  const cp = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['spawnSync', 'execFileSync', 'execSync'] as const) {
    const inner = cp[name]!;
    cp[name] = function guardedSync(...args: unknown[]) {
      for (const a of args) {
        if (a !== null && typeof a === 'object' && !Array.isArray(a) && (a as { env?: unknown }).env !== undefined) {
          (a as { env: Record<string, string | undefined> }).env = guardedEnv((a as { env: Record<string, string | undefined> }).env);
        }
      }
      return inner.apply(this, args);
    };
  }
  syncBuiltinESMExports();
}

function childViolations(): NetGuardViolation[] {
  if (!existsSync(LOG)) return [];
  const text = readFileSync(LOG, 'utf8');
  const fresh = text.slice(state.offset);
  state.offset = text.length;
  return (
    fresh
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as NetGuardViolation)
      // This process's own refusals are also in memory.
      .filter((v) => v.pid !== process.pid)
  );
}

/** Returns and forgets every refusal so far, this process's and its children's (for the guard's own tests). */
export function takeAllViolations(): NetGuardViolation[] {
  return [...takeViolations(), ...childViolations()];
}

afterEach(() => {
  const v = takeAllViolations();
  if (v.length > 0) {
    throw new Error(`the test reached for the network outside loopback (refused by test/setup/net-guard.mjs):\n${v.map((x) => `  pid ${x.pid}: ${x.what} ${x.target}`).join('\n')}`);
  }
});
