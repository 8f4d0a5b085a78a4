/**
 * `acrctl destroy --out PLAN` and `acrctl apply PLAN` of a destroy plan (issue 15, item 6): a
 * reviewed, saved destroy plan destroys only while the configuration and the live estate still
 * derive exactly it, once; it is checked like any saved plan (src/plan/verify.ts).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/cli/estate.js';
import type { Plan } from '../../src/plan/model.js';
import { planIdOf } from '../../src/plan/planner.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';

const UID = '1234567890123456';
const ESTATE = `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz: { account: prod, region: cn-hangzhou, edition: Basic, name: acme-hz, namespaces: { team-a: {} } }
  bj: { account: prod, region: cn-beijing, edition: Basic, name: acme-bj, namespaces: { team-b: {} } }
`;

interface Call {
  action: string;
  mutating: boolean;
}

let t: TestEmulator;
let cwd: string;
beforeEach(async () => {
  t = await startTestEmulator();
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-destroy-plan-'));
  writeFileSync(join(cwd, 'registry.yaml'), ESTATE);
});
afterEach(async () => {
  await t.close();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd });
const refunds = async () => (await t.admin<Call[]>('GET', '/_emulator/calls')).body.filter((c) => c.mutating && c.action === 'RefundInstance').length;

describe('saved destroy plans', () => {
  it('destroy --out saves a destroy plan without destroying; apply PLAN destroys it, once, as a destroy run', async () => {
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    const saved = await cli(['destroy', '--out', 'd.json']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('will be destroyed');
    expect(saved.stderr).toContain('Saved the destroy plan to d.json. Destroy with: acrctl apply d.json');
    expect(await refunds()).toBe(0);
    expect(existsSync(join(cwd, '.acrctl', 'lock'))).toBe(false);
    const plan = JSON.parse(readFileSync(join(cwd, 'd.json'), 'utf8')) as Plan;
    expect(plan.mode).toBe('destroy');
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['delete instance[bj]', 'delete instance[hz]']);
    const shown = await runCli(['show', 'd.json'], { cwd });
    expect(shown.code).toBe(0);

    const applied = await cli(['apply', 'd.json', '--auto-approve']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Destroy complete: 2 done');
    expect(applied.stdout).toContain('Verified: nothing declared is left.');
    expect(await refunds()).toBe(2);
    // The run is a destroy run: apply --resume never continues it.
    const runsDir = join(cwd, '.acrctl', 'runs');
    const headers = readdirSync(runsDir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => JSON.parse(readFileSync(join(runsDir, f), 'utf8').split('\n')[0]!) as Record<string, unknown>);
    expect(headers.find((h) => h['savedPlan'] === plan.planId)).toMatchObject({ t: 'run', command: 'destroy' });
    const twice = await cli(['apply', 'd.json', '--auto-approve']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('this plan was already applied in run');
  });

  it('a saved destroy plan is refused when the live estate moved, and when edited (even with its id recomputed)', async () => {
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    expect((await cli(['destroy', '--out', 'd.json'])).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(cwd, 'd.json'), 'utf8')) as Plan;

    // Edited: one delete dropped, id recomputed: it is not what the configuration derives now.
    const edited = { ...plan, actions: plan.actions.slice(1) };
    writeFileSync(join(cwd, 'edited.json'), JSON.stringify({ ...edited, planId: planIdOf(edited as Plan, sha256) }));
    const e = await cli(['apply', 'edited.json', '--auto-approve']);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('refusing edited.json: it is not what the configuration and the live estate derive now: the saved plan lacks delete instance[bj]');

    // A destroy plan passed off as an apply plan (mode removed, id recomputed) is refused too.
    const { mode: _mode, ...asApply } = plan;
    writeFileSync(join(cwd, 'as-apply.json'), JSON.stringify({ ...asApply, planId: planIdOf(asApply as Plan, sha256) }));
    const a = await cli(['apply', 'as-apply.json', '--auto-approve']);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('refusing as-apply.json');

    // The live estate moved: a namespace appeared.
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    writeFileSync(join(cwd, 'registry.yaml'), ESTATE.replace('team-a: {}', 'team-a: {}, team-c: {}'));
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    const stale = await cli(['apply', 'd.json', '--auto-approve']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/refusing d\.json: (registry\.yaml has changed|the live estate has changed) since the plan was made/);
    expect(await refunds()).toBe(0);
  });

  it('--out with --resume is a usage error', async () => {
    const r = await cli(['destroy', '--out', 'd.json', '--resume']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--out cannot be given with --resume');
  });
});
