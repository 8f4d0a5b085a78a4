/**
 * `acrctl validate` in-process (main() with captured streams) and the three report formats; the
 * examples validate clean. The real binary is exercised in bad-corpus.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatSarif, formatText, sarifUri } from '../../src/render/findings.js';
import type { Finding } from '../../src/config/model.js';
import { declaredEnv } from '../support/declared-env.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

class Sink extends Writable {
  data = '';
  isTTY?: boolean;
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.data += chunk.toString();
    cb();
  }
}

async function cli(args: string[], env: Record<string, string> = {}, tty = false) {
  const stdout = new Sink();
  const stderr = new Sink();
  if (tty) stdout.isTTY = true;
  const code = await main(['node', 'acrctl', ...args], { stdout, stderr, env, cwd: root });
  return { code, stdout: stdout.data, stderr: stderr.data };
}

const EXAMPLES = readdirSync(`${root}examples`, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'ci')
  .map((d) => `examples/${d.name}/registry.yaml`);

describe('examples', () => {
  it('are the documented ones', () => {
    expect(EXAMPLES.sort()).toEqual([
      'examples/cross-account-replication/registry.yaml',
      'examples/cross-region-access/registry.yaml',
      'examples/datacenter/registry.yaml',
      'examples/full-estate/registry.yaml',
      'examples/international-site/registry.yaml',
      'examples/migrate-personal/registry.yaml',
      'examples/partner-replication/registry.yaml',
      'examples/quickstart/registry.yaml',
    ]);
  });
  for (const file of EXAMPLES) {
    it(`${file} validates clean (no errors, no warnings) and points editors at the schema`, async () => {
      expect(readFileSync(`${root}${file}`, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/registry.schema.json');
      // With the variables the example's comments tell a user to export (webhook URLs).
      const r = await cli(['validate', '-f', file, '--format', 'json'], declaredEnv(readFileSync(`${root}${file}`, 'utf8')));
      const report = JSON.parse(r.stdout) as { valid: boolean; counts: { errors: number; warnings: number } };
      expect(r.code).toBe(0);
      expect(report.valid).toBe(true);
      expect(report.counts).toMatchObject({ errors: 0, warnings: 0 });
    });
  }
});

const BAD = 'test/fixtures/bad/unknown-instance-key.yaml';

describe('acrctl validate', () => {
  it('text: compiler-style lines, code frame, hint, summary; exit 1', async () => {
    const r = await cli(['validate', '-f', BAD]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${BAD}:10:5: error[schema/unknown-key]: unknown key "regoin" in instances.hz; did you mean "region"?`);
    expect(r.stdout).toContain(' 10 |     regoin: cn-hangzhou\n    |     ^');
    expect(r.stdout).toMatch(/1 error, 0 warnings, 0 infos: invalid\n$/);
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stderr).toBe('');
  });

  it('colours only on a TTY and respects NO_COLOR', async () => {
    expect((await cli(['validate', '-f', BAD], {}, true)).stdout).toContain('\u001b[31m');
    expect((await cli(['validate', '-f', BAD], { NO_COLOR: '1' }, true)).stdout).not.toContain('\u001b[');
  });

  it('honours FORCE_COLOR: colour without a TTY, and FORCE_COLOR=0 turns it off on one', async () => {
    expect((await cli(['validate', '-f', BAD], { FORCE_COLOR: '1' })).stdout).toContain('\u001b[31m');
    expect((await cli(['validate', '-f', BAD], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).toContain('\u001b[31m');
    expect((await cli(['validate', '-f', BAD], { FORCE_COLOR: '0' }, true)).stdout).not.toContain('\u001b[');
    expect((await cli(['validate', '-f', BAD], { TERM: 'dumb' }, true)).stdout).not.toContain('\u001b[');
  });

  it('json: machine-readable findings with positions', async () => {
    const r = await cli(['validate', '-f', BAD, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ formatVersion: 1, file: BAD, valid: false, counts: { errors: 1, warnings: 0, infos: 0 } });
    expect(report.findings[0]).toEqual({
      id: 'schema/unknown-key', severity: 'error', message: 'unknown key "regoin" in instances.hz; did you mean "region"?',
      file: BAD, line: 10, column: 5, path: ['instances', 'hz', 'regoin'],
    });
  });

  it('sarif: 2.1.0 with rule ids = finding ids and region start line/column', async () => {
    const r = await cli(['validate', '-f', 'test/fixtures/bad/many-errors-sorted.yaml', '--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('acrctl');
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ruleIds).toContain('schema/const');
    for (const result of run.results) {
      expect(ruleIds[result.ruleIndex]).toBe(result.ruleId);
      expect(result.level).toBe('error');
      const loc = result.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toBe('test/fixtures/bad/many-errors-sorted.yaml');
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
    }
    expect(run.results[0]).toMatchObject({ ruleId: 'schema/const', locations: [{ physicalLocation: { region: { startLine: 1, startColumn: 10 } } }] });
    const rule = run.tool.driver.rules.find((x: { id: string }) => x.id === 'schema/const');
    expect(rule.shortDescription.text).toMatch(/version/);
  });

  it('exit 0 with warnings: a lint warning does not fail validation', async () => {
    const r = await cli(['validate', '-f', 'test/config/fixtures/warning-only.yaml']);
    expect(r.stdout).toMatch(/0 errors, [1-9]\d* warnings?/);
    expect(r.code).toBe(0);
  });

  it('a missing file is one clear error on stderr, exit 1, no stack', async () => {
    const r = await cli(['validate', '-f', 'no/such/registry.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error[config.unreadable]: cannot read no/such/registry.yaml: no such file\n  hint: run acrctl in the directory holding registry.yaml, or pass its path with -f\n');
  });

  it('rejects an unknown --format', async () => {
    const r = await cli(['validate', '-f', BAD, '--format', 'xml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('xml');
  });

  it('--max-bytes lowers the size limit', async () => {
    const r = await cli(['validate', '-f', 'examples/quickstart/registry.yaml', '--max-bytes', '100', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].id).toBe('file/too-large');
  });

  it('takes ${env:NAME} values from the environment', async () => {
    const file = 'test/config/fixtures/env-uid.yaml';
    expect((await cli(['validate', '-f', file], {})).code).toBe(1);
    expect((await cli(['validate', '-f', file], { ACRCTL_EXAMPLE_UID: '1234567890123456' })).code).toBe(0);
  });
});

describe('report rendering', () => {
  const secretLine: Finding = { id: 'secret/in-config', severity: 'error', message: '"password" is a secret', location: { file: 'f.yaml', line: 2, column: 3 }, path: ['password'] };
  const sameLine: Finding = { id: 'schema/unknown-key', severity: 'error', message: 'unknown key "x"', location: { file: 'f.yaml', line: 2, column: 20 }, path: ['x'] };
  it('never quotes a source line that holds a secret', () => {
    const out = formatText({ file: 'f.yaml', findings: [secretLine, sameLine], text: 'version: 1\n{ password: hunter22, x: 1 }\n' }, { color: false });
    expect(out).not.toContain('hunter22');
  });
  it('SARIF URIs are relative with forward slashes, or file:// when absolute', () => {
    expect(sarifUri('./examples/a b/registry.yaml')).toBe('examples/a%20b/registry.yaml');
    expect(sarifUri('dir\\registry.yaml')).toBe('dir/registry.yaml');
    expect(sarifUri('/abs/registry.yaml')).toBe('file:///abs/registry.yaml');
  });
  it('SARIF levels map info to note', () => {
    const info: Finding = { ...sameLine, id: 'some-info', severity: 'info' };
    const log = JSON.parse(formatSarif({ file: 'f.yaml', findings: [info] }, { toolVersion: '0', ruleSummaries: new Map() }));
    expect(log.runs[0].results[0].level).toBe('note');
    expect(log.runs[0].tool.driver.rules[0].shortDescription.text).toBe('some-info');
  });
});
