/**
 * `--json` on plan, apply, destroy and drift (issue 15, item 6): standard output is one JSON
 * object per line, and every line of real output validates against schemas/events.schema.json
 * (ajv, strict); the text goes to standard error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import eventsSchema from '../../schemas/events.schema.json' with { type: 'json' };
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
const validate = ajv.compile(eventsSchema);

const UID = '1234567890123456';
const ESTATE = (summary = 'API server') => `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Standard
    name: acme-hz
    namespaces:
      team-a:
        repositories:
          api: { summary: ${summary} }
`;

let t: TestEmulator;
let cwd: string;
beforeEach(async () => {
  t = await startTestEmulator();
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-json-'));
  writeFileSync(join(cwd, 'registry.yaml'), ESTATE());
});
afterEach(async () => {
  await t.close();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd });

type Line = Record<string, unknown> & { type: string; level: string; message: string };

/** Every stdout line parsed and validated against the schema. */
function lines(stdout: string): Line[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((text, i) => {
      const value = JSON.parse(text) as Line;
      const ok = validate(value);
      expect(ok, `line ${i + 1} (${text.slice(0, 200)}): ${JSON.stringify(validate.errors)}`).toBe(true);
      return value;
    });
}

describe('--json', () => {
  it('plan: one line per action, then the summary; the text plan on standard error', async () => {
    const r = await cli(['plan', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ls = lines(r.stdout);
    expect(ls.filter((l) => l.type === 'plan_action').map((l) => (l['action'] as { id: string }).id)).toEqual(['instance[hz]', 'instance[hz].namespace[team-a]', 'instance[hz].namespace[team-a].repository[api]']);
    expect(ls.at(-1)).toMatchObject({ type: 'plan_summary', level: 'info', changes: true, summary: { add: 3, change: 0, destroy: 0 } });
    expect(r.stderr).toContain('Plan: 3 to add');
  });

  it('apply: the plan, the executor events, the summary; then drift, and destroy', async () => {
    const r = await cli(['apply', '--json', '--auto-approve']);
    expect(r.code, r.stderr).toBe(0);
    const ls = lines(r.stdout);
    const types = ls.map((l) => l.type);
    expect(types.indexOf('plan_summary')).toBeLessThan(types.indexOf('event'));
    const codes = ls.filter((l) => l.type === 'event').map((l) => l['code']);
    expect(codes[0]).toBe('run.start');
    expect(codes.filter((c) => c === 'action.done')).toHaveLength(3);
    expect(codes.at(-1)).toBe('run.end');
    expect(ls.find((l) => l.type === 'event' && l['code'] === 'run.end')).toMatchObject({ message: 'apply complete' });
    expect(ls.at(-1)).toMatchObject({ type: 'apply_summary', mode: 'apply', status: 'complete', exitCode: 0, counts: { done: 3 } });
    expect(ls.at(-1)!['resume']).toBeUndefined();
    expect(r.stderr).toContain('Apply complete: 3 done');
    expect(r.stderr).toContain('Verified: a new plan shows no changes.');

    const clean = await cli(['drift', '--json']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(lines(clean.stdout).at(-1)).toMatchObject({ type: 'drift_summary', status: 'clean', exitCode: 0 });

    writeFileSync(join(cwd, 'registry.yaml'), ESTATE('Public API'));
    const drifted = await cli(['drift', '--json']);
    expect(drifted.code).toBe(2);
    const dl = lines(drifted.stdout);
    expect(dl.filter((l) => l.type === 'drift_object').map((l) => (l['object'] as { address: string }).address)).toEqual(['instance[hz].namespace[team-a].repository[api]']);
    expect(dl.at(-1)).toMatchObject({ type: 'drift_summary', status: 'drift', exitCode: 2 });

    writeFileSync(join(cwd, 'registry.yaml'), ESTATE());
    const gone = await cli(['destroy', '--json', '--auto-approve']);
    expect(gone.code, gone.stderr).toBe(0);
    const gl = lines(gone.stdout);
    expect(gl.find((l) => l.type === 'plan_summary')).toMatchObject({ mode: 'destroy', summary: { destroy: 1 } });
    expect(gl.at(-1)).toMatchObject({ type: 'apply_summary', mode: 'destroy', status: 'complete', exitCode: 0 });
    expect(gl.find((l) => l.type === 'event' && l['code'] === 'run.end')).toMatchObject({ message: 'destroy complete' });
  });

  it('a failed apply ends with a failed summary naming the resume command', async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateNamespace': { errorRate: 1 } } });
    const r = await cli(['apply', '--json', '--auto-approve']);
    expect(r.code).toBe(1);
    const ls = lines(r.stdout);
    expect(ls.some((l) => l.type === 'event' && l['code'] === 'action.failed' && l.level === 'error')).toBe(true);
    expect(ls.at(-1)).toMatchObject({ type: 'apply_summary', status: 'failed', exitCode: 1 });
    expect(String(ls.at(-1)!['resume'])).toMatch(/^acrctl apply --resume -f registry\.yaml --endpoint /);
  });

  it('errors end the stream as an error line; --json needs --auto-approve and goes with the text format only', async () => {
    const noApprove = await cli(['apply', '--json']);
    expect(noApprove.code).toBe(1);
    expect(lines(noApprove.stdout)).toEqual([expect.objectContaining({ type: 'error', code: 'cli.bad-option' })]);
    const format = await cli(['plan', '--json', '--format', 'markdown']);
    expect(format.code).toBe(1);
    expect(lines(format.stdout)).toEqual([expect.objectContaining({ type: 'error', code: 'cli.bad-option' })]);
    writeFileSync(join(cwd, 'registry.yaml'), 'version: 1\naccounts: {}\ninstances: [\n');
    const bad = await cli(['plan', '--json']);
    expect(bad.code).toBe(1);
    const bl = lines(bad.stdout);
    // The config's findings, with file:line:column, then the error.
    expect(bl[0]).toMatchObject({ type: 'finding', level: 'error' });
    expect(String((bl[0]!['finding'] as { where?: string }).where)).toMatch(/registry\.yaml:\d+:\d+/);
    expect(bl.at(-1)).toMatchObject({ type: 'error', code: 'config.invalid' });
  });
});
