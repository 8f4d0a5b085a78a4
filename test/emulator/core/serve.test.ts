/**
 * `acrctl emulator serve` as a child process (needs `npm run build` first; `npm test` builds):
 * the first stdout line is the URL, the server answers, SIGTERM exits 0 with the state file written,
 * and a restart on the same file restores it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { TestEmulator } from '../../helpers/emulator.js';

const bin = fileURLToPath(new URL('../../../bin/acrctl.js', import.meta.url));
const UID = '1234567890123456';

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'emulator', 'serve', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve exited ${String(code)}: ${err}`)));
  });
  return { child, url, stderr: () => err, exit };
}

async function admin<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return (await res.json()) as T;
}

describe('acrctl emulator serve', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acrctl-serve-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the URL first, serves, exits 0 on SIGTERM with the state saved, and restores it on restart', async () => {
    const stateFile = join(dir, 'emulator.json');
    const first = await serve(['--port', '0', '--state', stateFile, '--seed', '7']);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const keys = await admin<AccountKeys>(first.url, 'POST', '/_emulator/accounts', { uid: UID });
    const endpoint = await admin<{ endpoint: string }>(first.url, 'GET', '/_emulator/endpoint?product=sts&region=global');
    expect(endpoint.endpoint).toBe(first.url.replace('http://', ''));
    expect((await admin<{ seed: number }>(first.url, 'GET', '/_emulator/faults')).seed).toBe(7);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(first.stderr()).toContain('listening on');
    expect(first.stderr(), 'secrets are never printed').not.toContain(keys.accessKeySecret);
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { state: { accounts: Record<string, unknown> } };
    expect(Object.keys(saved.state.accounts)).toEqual([UID]);

    const second = await serve(['--state', stateFile]);
    try {
      const port = Number(new URL(second.url).port);
      const t = new TestEmulator({
        url: second.url,
        port,
        products: [],
        createAccount: () => Promise.reject(new Error('unused')),
        endpoint: async (product, region) => (await admin<{ endpoint: string }>(second.url, 'GET', `/_emulator/endpoint?product=${product}&region=${region}`)).endpoint,
        regionPorts: () => ({}),
        flush: () => Promise.resolve(),
        close: () => Promise.resolve(),
      });
      const who = await t.callRpc('sts', 'global', 'GetCallerIdentity', {}, keys);
      expect(who['AccountId'], 'the key saved before the restart still signs').toBe(UID);
    } finally {
      second.child.kill('SIGINT');
      expect(await second.exit).toBe(0);
    }
  });

  it('fails with exit 1 and a clear message when the port is taken', async () => {
    const first = await serve(['--port', '0']);
    try {
      const port = new URL(first.url).port;
      const child = spawn(process.execPath, [bin, 'emulator', 'serve', '--port', port]);
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString('utf8');
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(err).toContain('emulator.port');
    } finally {
      first.child.kill('SIGTERM');
      await first.exit;
    }
  });
});
