/**
 * Golden plan scenarios. Each folder under test/golden/plan/<scenario>/ holds:
 * - registry.yaml: the configuration planned;
 * - live.yaml (optional): applied first with acrctl itself (parallelism 1, so emulator ids are
 *   deterministic) to make the live estate;
 * - seed.json (optional): then these steps, in order: `{"admin": {method, path, body}}` calls to the
 *   emulator's admin API, or `{"rpc": {account, product, region, action, params, save?}}` API calls
 *   signed with that account's keys; `save` maps names to response fields; `${name}` in later steps
 *   is replaced by a saved value, `${instance:NAME}` by the id of the instance named NAME; saved
 *   values are also given to the plan as environment variables, so registry.yaml can refer to ids
 *   the seed generated (a CEN id, say) as `${env:NAME}`;
 * - plan.txt, plan.md, plan.json: the expected plan in each format (UPDATE_GOLDEN=1 rewrites them);
 * - exit (optional): the expected exit code of `plan --detailed-exitcode` (default: 2 when the
 *   expected plan has actions, else 0).
 * Every scenario runs against a fresh emulator over HTTP, through the CLI in-process.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { expectGolden } from '../support/golden.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import type { Product } from '../../src/emulator/core/contract.js';

const root = fileURLToPath(new URL('./plan/', import.meta.url));
const scenarios = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'registry.yaml'))).sort() : [];

type Step =
  | { admin: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; body?: unknown } }
  | { rpc: { account: string; product: Product; region: string; action: string; params: Record<string, unknown>; save?: Record<string, string> } };

interface Config {
  accounts: Record<string, { uid: string }>;
  instances?: Record<string, { account: string; region: string; name: string }>;
}

/** Replaces `${…}` placeholders in every string of a JSON value. */
function substitute(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (m, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`seed placeholder ${m} has no value`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

function field(body: unknown, path: string): string {
  let at: unknown = body;
  for (const seg of path.split('.')) at = (at as Record<string, unknown> | undefined)?.[seg];
  if (typeof at !== 'string' && typeof at !== 'number') throw new Error(`seed: response has no ${path}: ${JSON.stringify(body).slice(0, 300)}`);
  return String(at);
}

export async function seedEstate(t: TestEmulator, dir: string, cwd: string): Promise<Record<string, string>> {
  const config = parse(readFileSync(join(dir, 'registry.yaml'), 'utf8')) as Config;
  const live = existsSync(join(dir, 'live.yaml')) ? (parse(readFileSync(join(dir, 'live.yaml'), 'utf8')) as Config) : undefined;
  const keys: Record<string, Awaited<ReturnType<TestEmulator['account']>>> = {};
  for (const [alias, a] of Object.entries({ ...config.accounts, ...live?.accounts })) keys[alias] = await t.account(a.uid);
  if (live) {
    writeFileSync(join(cwd, 'live.yaml'), readFileSync(join(dir, 'live.yaml')));
    const r = await runCli(['apply', '-f', 'live.yaml', '--endpoint', t.url, '--auto-approve', '--parallelism', '1', '--no-verify'], { cwd });
    if (r.code !== 0) throw new Error(`applying live.yaml failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  const seedFile = join(dir, 'seed.json');
  const vars: Record<string, string> = {};
  if (!existsSync(seedFile)) return vars;
  const instances = { ...config.instances, ...live?.instances };
  const lookupInstances = async () => {
    for (const inst of Object.values(instances)) {
      const body = (await t.callRpc('cr', inst.region, 'ListInstance', { InstanceName: inst.name, PageSize: 100 }, keys[inst.account]!)) as { Instances?: { InstanceName: string; InstanceId: string }[] };
      const found = body.Instances?.find((i) => i.InstanceName === inst.name);
      if (found) vars[`instance:${inst.name}`] = found.InstanceId;
    }
  };
  await lookupInstances();
  for (const raw of JSON.parse(readFileSync(seedFile, 'utf8')) as Step[]) {
    const step = substitute(raw, vars) as Step;
    if ('admin' in step) {
      const r = await t.admin(step.admin.method, step.admin.path, step.admin.body);
      if (r.status >= 400) throw new Error(`seed admin ${step.admin.method} ${step.admin.path} → ${r.status} ${JSON.stringify(r.body)}`);
    } else {
      const key = keys[step.rpc.account];
      if (!key) throw new Error(`seed rpc: unknown account ${step.rpc.account}`);
      const body = await t.callRpc(step.rpc.product, step.rpc.region, step.rpc.action, step.rpc.params as Record<string, string>, key);
      for (const [name, path] of Object.entries(step.rpc.save ?? {})) vars[name] = field(body, path);
      if (step.rpc.action === 'CreateInstance') await lookupInstances();
    }
  }
  return Object.fromEntries(Object.entries(vars).filter(([k]) => /^[A-Z_][A-Z0-9_]*$/.test(k)));
}

describe.each(scenarios)('plan scenario %s', (scenario) => {
  const dir = join(root, scenario);
  let t: TestEmulator;
  let cwd: string;
  let env: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestEmulator();
    cwd = mkdtempSync(join(tmpdir(), `acrctl-golden-${scenario}-`));
    env = await seedEstate(t, dir, cwd);
    writeFileSync(join(cwd, 'registry.yaml'), readFileSync(join(dir, 'registry.yaml')));
  });
  afterAll(async () => {
    await t?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  for (const [format, file] of [
    ['json', 'plan.json'],
    ['text', 'plan.txt'],
    ['markdown', 'plan.md'],
  ] as const) {
    it(`renders ${file}`, async () => {
      const r = await runCli(['plan', '-f', 'registry.yaml', '--endpoint', t.url, '--format', format, '--detailed-exitcode'], { cwd, env });
      const expectedExit = existsSync(join(dir, 'exit')) ? Number(readFileSync(join(dir, 'exit'), 'utf8').trim()) : undefined;
      expectGolden(join(dir, file), r.stdout);
      const hasActions = (JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { actions: unknown[] }).actions.length > 0;
      expect(r.code, r.stderr).toBe(expectedExit ?? (hasActions ? 2 : 0));
    });
  }
});
