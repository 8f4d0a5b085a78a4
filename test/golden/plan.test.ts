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
 * - `# export NAME=value` comment lines in registry.yaml or live.yaml: the environment (secrets, such
 *   as webhook URLs, which only `${env:…}` may give) for applying live.yaml and for the plan; no view
 *   may show these values;
 * - plan.txt, plan.md, plan.json: the expected plan in each format (UPDATE_GOLDEN=1 rewrites them);
 * - exit (optional): the expected exit code of `plan --detailed-exitcode` (default: 2 when the
 *   expected plan has actions, else 0).
 * Every scenario runs against a fresh emulator over HTTP, through the CLI in-process.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { expectGolden } from '../support/golden.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { seedEstate } from '../support/seed.js';
import { declaredEnv } from '../support/declared-env.js';

const root = fileURLToPath(new URL('./plan/', import.meta.url));
const scenarios = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'registry.yaml'))).sort() : [];

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
      const secrets = Object.values({ ...declaredEnv(existsSync(join(dir, 'live.yaml')) ? readFileSync(join(dir, 'live.yaml'), 'utf8') : ''), ...declaredEnv(readFileSync(join(dir, 'registry.yaml'), 'utf8')) });
      for (const secret of secrets) expect(r.stdout, 'a secret from the environment is masked').not.toContain(secret);
      const hasActions = (JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { actions: unknown[] }).actions.length > 0;
      expect(r.code, r.stderr).toBe(expectedExit ?? (hasActions ? 2 : 0));
    });
  }
});
