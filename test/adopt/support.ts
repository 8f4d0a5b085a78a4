/**
 * Helpers of the adopt end-to-end tests: apply a config to an emulator passing its gates (console
 * switches flipped through the admin API, as a human would), count calls, and run the CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect } from 'vitest';
import type { TestEmulator } from '../helpers/emulator.js';
import { runCli, type CliResult } from '../support/cli.js';

export type Cli = (args: string[], env?: Record<string, string>) => Promise<CliResult>;

/** A CLI runner bound to an emulator and a working directory. */
export function cliFor(t: TestEmulator, cwd: string, env: Record<string, string> = {}): Cli {
  return (args, extra = {}) => runCli([...args, '--endpoint', t.url], { cwd, env: { ...env, ...extra } });
}

/** Applies `file` (in cwd), flipping the console switches it asks for when apply stops at a gate. */
export async function applyWithGates(t: TestEmulator, cwd: string, cli: Cli, file = 'registry.yaml'): Promise<CliResult> {
  let r = await cli(['apply', '-f', file, '--auto-approve']);
  if (r.code !== 3) return r;
  const config = parse(readFileSync(join(cwd, file), 'utf8')) as {
    accounts: Record<string, { uid: string }>;
    instances: Record<string, { account: string; region: string; name: string; personalEditionDomain?: boolean; authDomainTakeover?: boolean }>;
  };
  for (const inst of Object.values(config.instances)) {
    if (!inst.personalEditionDomain && !inst.authDomainTakeover) continue;
    const id = await instanceId(t, config.accounts[inst.account]!.uid, inst.region, inst.name);
    await t.admin('POST', `/_emulator/cr/instances/${id}/allowlist`, { allowListed: true });
    await t.admin('POST', `/_emulator/cr/instances/${id}/switches`, { personalEditionDomain: inst.personalEditionDomain ?? false, authDomainTakeover: inst.authDomainTakeover ?? false });
  }
  r = await cli(['apply', '-f', file, '--resume', '--auto-approve']);
  return r;
}

/** The cri- id of an instance by cloud name. */
export async function instanceId(t: TestEmulator, uid: string, region: string, name: string): Promise<string> {
  const keys = await t.account(uid);
  const body = (await t.callRpc('cr', region, 'ListInstance', { InstanceName: name, PageSize: 100 }, keys)) as { Instances?: { InstanceName: string; InstanceId: string }[] };
  const found = body.Instances?.find((i) => i.InstanceName === name);
  if (!found) throw new Error(`no instance ${name} in ${uid}/${region}`);
  return found.InstanceId;
}

/** Runs `fn` and returns the emulator calls it made, and which of them mutate. */
export async function callsDuring<T>(t: TestEmulator, fn: () => Promise<T>): Promise<{ result: T; calls: number; mutating: { action?: string }[] }> {
  const before = (await t.admin<unknown[]>('GET', '/_emulator/calls')).body.length;
  const result = await fn();
  const calls = (await t.admin<{ mutating: boolean; action?: string }[]>('GET', '/_emulator/calls')).body.slice(before);
  return { result, calls: calls.length, mutating: calls.filter((c) => c.mutating) };
}

/** The plan of `file` as JSON (exit code kept), for asserting no actions and no unmanaged objects. */
export async function planJson(cli: Cli, file: string): Promise<{ code: number; actions: { id: string; type: string }[]; unmanaged: { id: string }[]; raw: string }> {
  const r = await cli(['plan', '-f', file, '--format', 'json', '--detailed-exitcode']);
  if (r.code === 1) return { code: 1, actions: [], unmanaged: [], raw: r.stdout + r.stderr };
  const plan = JSON.parse(r.stdout) as { actions: { id: string; type: string }[]; unmanaged: { id: string }[] };
  return { code: r.code, actions: plan.actions, unmanaged: plan.unmanaged, raw: r.stdout + r.stderr };
}

/** The round trip: `file` validates clean (with `env`, the variables its `${env:}` references need), a plan of it has no action and no unmanaged object, and drift exits 0. */
export async function expectRoundTrip(cli: Cli, file: string, cwd: string, env: Record<string, string> = {}): Promise<void> {
  const valid = await runCli(['validate', '-f', file], { cwd, env });
  expect(valid.code, valid.stdout + valid.stderr).toBe(0);
  expect(valid.stdout + valid.stderr).not.toMatch(/error\[/);
  const plan = await planJson(cli, file);
  expect(plan.code, plan.raw).toBe(0);
  expect(plan.actions).toEqual([]);
  expect(plan.unmanaged).toEqual([]);
  const drift = await cli(['drift', '-f', file]);
  expect(drift.code, drift.stdout + drift.stderr).toBe(0);
}
