/**
 * Seeding an emulator for a scenario folder (registry.yaml, optional live.yaml and seed.json): see
 * test/golden/plan.test.ts for the format. Shared by the golden plan tests and the examples tests.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Product } from '../../src/emulator/core/contract.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runCli } from './cli.js';
import { declaredEnv } from './declared-env.js';

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

/**
 * Seeds the scenario of `dir` and returns the environment its plan needs: the `# export NAME=value`
 * lines of its registry.yaml and live.yaml (see declared-env.ts; live.yaml is applied with them),
 * then the seed's saved values.
 */
export async function seedEstate(t: TestEmulator, dir: string, cwd: string): Promise<Record<string, string>> {
  const configText = readFileSync(join(dir, 'registry.yaml'), 'utf8');
  const liveText = existsSync(join(dir, 'live.yaml')) ? readFileSync(join(dir, 'live.yaml'), 'utf8') : undefined;
  const config = parse(configText) as Config;
  const live = liveText !== undefined ? (parse(liveText) as Config) : undefined;
  const declared = { ...declaredEnv(liveText ?? ''), ...declaredEnv(configText) };
  const keys: Record<string, Awaited<ReturnType<TestEmulator['account']>>> = {};
  for (const [alias, a] of Object.entries({ ...config.accounts, ...live?.accounts })) keys[alias] = await t.account(a.uid);
  if (live) {
    writeFileSync(join(cwd, 'live.yaml'), readFileSync(join(dir, 'live.yaml')));
    const r = await runCli(['apply', '-f', 'live.yaml', '--endpoint', t.url, '--auto-approve', '--parallelism', '1', '--no-verify'], { cwd, env: declaredEnv(liveText ?? '') });
    if (r.code !== 0) throw new Error(`applying live.yaml failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  const seedFile = join(dir, 'seed.json');
  const vars: Record<string, string> = {};
  if (!existsSync(seedFile)) return declared;
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
  return { ...declared, ...Object.fromEntries(Object.entries(vars).filter(([k]) => /^[A-Z_][A-Z0-9_]*$/.test(k))) };
}
