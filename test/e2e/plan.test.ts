/**
 * `acrctl plan` end to end: the real CLI process against the emulator over HTTP, and plans that do
 * not depend on the page size the List calls use.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runBin, runCli } from '../support/cli.js';

let t: TestEmulator;
let cwd: string;

/** A config with `n` namespaces of three repositories each. */
function estate(n: number, opts: { summary?: string; prune?: boolean } = {}): string {
  const lines = ['version: 1', 'accounts:', '  prod: { uid: "1234567890123456" }', 'instances:', '  hz:', '    account: prod', '    region: cn-hangzhou', '    edition: Standard', '    name: acme-hz', `    prune: ${opts.prune ?? false}`, '    namespaces:'];
  for (let i = 0; i < n; i++) {
    lines.push(`      ns-${String(i).padStart(2, '0')}:`, '        repositories:');
    for (const r of ['api', 'web', 'job']) lines.push(`          ${r}: { summary: "${opts.summary ?? 'v1'} ${r}" }`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  t = await startTestEmulator();
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-plan-'));
  writeFileSync(join(cwd, 'live.yaml'), estate(23));
  const r = await runCli(['apply', '-f', 'live.yaml', '--endpoint', t.url, '--auto-approve', '--no-verify'], { cwd });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  // The desired estate: 2 fewer namespaces (unmanaged), changed summaries everywhere else.
  writeFileSync(join(cwd, 'registry.yaml'), estate(21, { summary: 'v2' }));
});
afterAll(async () => {
  await t?.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('acrctl plan against the emulator', () => {
  it('runs as a real process over HTTP, exits 2 with --detailed-exitcode and changes nothing', async () => {
    const before = (await t.admin<{ seq: number; mutating: boolean }[]>('GET', '/_emulator/calls')).body.length;
    const r = await runBin(['plan', '-f', 'registry.yaml', '--endpoint', t.url, '--detailed-exitcode'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain('Plan: 0 to add, 63 to change, 0 to destroy, 0 tasks, 0 gates.');
    expect(r.stdout).toContain('? instance[hz].namespace[ns-22]');
    expect(r.stdout).not.toContain('at ');
    const calls = (await t.admin<{ seq: number; mutating: boolean }[]>('GET', '/_emulator/calls')).body.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.mutating)).toEqual([]);
  });

  it('plans the same at page sizes 1, 7 and 100, with fewer calls at bigger pages', async () => {
    const plans: string[] = [];
    const counts: number[] = [];
    for (const size of ['1', '7', '100']) {
      const before = (await t.admin<unknown[]>('GET', '/_emulator/calls')).body.length;
      const r = await runCli(['plan', '-f', 'registry.yaml', '--endpoint', t.url, '--format', 'json'], { cwd, env: { ACRCTL_PAGE_SIZE: size } });
      expect(r.code, r.stderr).toBe(0);
      plans.push(r.stdout);
      counts.push((await t.admin<unknown[]>('GET', '/_emulator/calls')).body.length - before);
    }
    expect(plans[1]).toBe(plans[0]);
    expect(plans[2]).toBe(plans[0]);
    expect(counts[0]).toBeGreaterThan(counts[1]!);
    expect(counts[1]).toBeGreaterThan(counts[2]!);
  });

  it('refuses a config with errors before reading anything from the cloud', async () => {
    writeFileSync(join(cwd, 'bad.yaml'), 'version: 1\naccounts:\n  prod: { uid: "123" }\n');
    const before = (await t.admin<unknown[]>('GET', '/_emulator/calls')).body.length;
    const r = await runCli(['plan', '-f', 'bad.yaml', '--endpoint', t.url], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:3:\d+/);
    expect((await t.admin<unknown[]>('GET', '/_emulator/calls')).body.length).toBe(before);
  });
});
