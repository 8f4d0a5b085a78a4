/**
 * GitHub Actions output: findings as workflow-command annotations (escaped as GitHub requires,
 * capped at GitHub's 10 per level and step, paths relative to the checkout), on validate, plan and
 * drift; nothing of the kind outside GitHub Actions or in SARIF mode; and apply's plain view folding
 * wait lines into log groups, annotating failures, and never letting text from the cloud issue a command.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configAnnotations, escapeData, escapeProperty, planAnnotations, renderAnnotations, workflowCommand, workspacePath, type Annotation } from '../../src/cli/github.js';
import { createApplyView } from '../../src/cli/views/apply-view.js';
import { runCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GITHUB = { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: ROOT };

describe('workflow command escaping', () => {
  const cases: readonly { reason: string; input: string; data: string; property: string }[] = [
    { reason: 'plain text is unchanged', input: 'tag filter ok', data: 'tag filter ok', property: 'tag filter ok' },
    { reason: 'a percent sign first, so escapes are not escaped twice', input: '100%0A', data: '100%250A', property: '100%250A' },
    { reason: 'a newline would end the command', input: 'a\nb', data: 'a%0Ab', property: 'a%0Ab' },
    { reason: 'a carriage return too', input: 'a\r\nb', data: 'a%0D%0Ab', property: 'a%0D%0Ab' },
    { reason: 'colons and commas separate properties, so only properties escape them', input: 'x:1,y', data: 'x:1,y', property: 'x%3A1%2Cy' },
    { reason: 'a message that looks like a command stays data', input: '::error::x', data: '::error::x', property: '%3A%3Aerror%3A%3Ax' },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(escapeData(c.input)).toBe(c.data);
      expect(escapeProperty(c.input)).toBe(c.property);
    });
  }

  it('writes ::name key=value,…::message, leaving out properties without a value', () => {
    expect(workflowCommand('error', { file: 'a,b.yaml', line: 3, col: undefined, title: 'acrctl: x' }, 'bad\nthing')).toBe('::error file=a%2Cb.yaml,line=3,title=acrctl%3A x::bad%0Athing');
    expect(workflowCommand('group', {}, 'waiting')).toBe('::group::waiting');
  });
});

describe('annotations', () => {
  const warning = (n: number): Annotation => ({ level: 'warning', message: `w${n}` });

  it("keeps within GitHub's 10 per level and step, and says how many more there are", () => {
    const lines = renderAnnotations([...Array.from({ length: 12 }, (_, i) => warning(i)), { level: 'error', message: 'e' }]).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::warning'))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning'))[9]).toBe('::warning title=acrctl::3 more warnings are in the log (GitHub shows 10 per step)');
    expect(lines.at(-1)).toBe('::error::e');
    expect(renderAnnotations(Array.from({ length: 10 }, (_, i) => warning(i))).trimEnd().split('\n').at(-1)).toBe('::warning::w9');
  });

  it('names files relative to the checkout, and not at all outside it', () => {
    expect(workspacePath('registry.yaml', { cwd: '/w/infra', workspace: '/w' })).toBe('infra/registry.yaml');
    expect(workspacePath('../registry.yaml', { cwd: '/w/infra', workspace: '/w' })).toBe('registry.yaml');
    expect(workspacePath('/elsewhere/registry.yaml', { cwd: '/w', workspace: '/w' })).toBeUndefined();
    expect(workspacePath('registry.yaml', { cwd: '/w' })).toBe('registry.yaml');
  });

  it('puts config findings at their position; outside the checkout the position goes into the message', () => {
    const f = { id: 'schema/type', severity: 'error' as const, message: 'bad', hint: 'quote it', location: { file: 'registry.yaml', line: 2, column: 7 }, path: [] };
    expect(configAnnotations([f], { cwd: '/w', workspace: '/w' })).toEqual([{ level: 'error', title: 'acrctl: schema/type', message: 'bad\nhint: quote it', file: 'registry.yaml', line: 2, col: 7 }]);
    expect(configAnnotations([f], { cwd: '/x', workspace: '/w' })[0]).toEqual({ level: 'error', title: 'acrctl: schema/type', message: 'registry.yaml:2:7: bad\nhint: quote it' });
  });

  it('puts plan findings from registry.yaml at their position and address-only ones without a file', () => {
    const out = planAnnotations(
      [
        { id: 'internet-acl-open-world', severity: 'warning', message: 'open', where: 'registry.yaml:14:13' },
        { id: 'backfill-digest-conflict', severity: 'info', message: 'skipped', where: 'instance[hz].replication[r].backfill[ns/api:1]' },
        { id: 'x', severity: 'error', message: 'no place' },
      ],
      { cwd: '/w', workspace: '/w' },
    );
    expect(out).toEqual([
      { level: 'warning', title: 'acrctl: internet-acl-open-world', message: 'open', file: 'registry.yaml', line: 14, col: 13 },
      { level: 'notice', title: 'acrctl: backfill-digest-conflict (instance[hz].replication[r].backfill[ns/api:1])', message: 'skipped' },
      { level: 'error', title: 'acrctl: x', message: 'no place' },
    ]);
  });
});

describe('acrctl validate on GitHub Actions', () => {
  const BAD = 'test/fixtures/bad/unknown-instance-key.yaml';

  it('annotates every finding on stderr, at its file, line and column', async () => {
    const r = await runCli(['validate', '-f', BAD], { cwd: ROOT, env: GITHUB });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`::error file=${BAD},line=10,col=5,title=acrctl%3A schema/unknown-key::unknown key "regoin" in instances.hz; did you mean "region"?\n`);
    expect(r.stdout).not.toContain('::error');
  });

  it('uses paths relative to the checkout when run from a subdirectory', async () => {
    const r = await runCli(['validate', '-f', 'unknown-instance-key.yaml', '--format', 'json'], { cwd: join(ROOT, 'test/fixtures/bad'), env: GITHUB });
    expect(r.stderr).toContain(`::error file=${BAD},line=10,col=5,`);
  });

  it('adds none outside GitHub Actions, nor in SARIF mode (code scanning annotates from the SARIF itself)', async () => {
    expect((await runCli(['validate', '-f', BAD], { cwd: ROOT, env: { GITHUB_ACTIONS: 'false' } })).stderr).toBe('');
    expect((await runCli(['validate', '-f', BAD, '--format', 'sarif'], { cwd: ROOT, env: GITHUB })).stderr).toBe('');
  });
});

describe('acrctl plan and drift on GitHub Actions', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'acrctl-annotations-'));
    mkdirSync(join(dir, 'infra'));
    copyFileSync(join(ROOT, 'test/config/fixtures/warning-only.yaml'), join(dir, 'infra/registry.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' });

  it('plan annotates its findings: the lint warning at its position in registry.yaml', async () => {
    const r = await runCli(['plan', '-f', 'infra/registry.yaml', `--emulator=${join(dir, 'emulator.json')}`], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('::warning file=infra/registry.yaml,line=14,col=13,title=acrctl%3A internet-acl-open-world::0.0.0.0/0 opens the public endpoint');
  });

  it('drift annotates each drifted object by address, with the fix command', async () => {
    const r = await runCli(['drift', '-f', 'infra/registry.yaml', `--emulator=${join(dir, 'emulator.json')}`, '--format', 'json'], { cwd: dir, env: env() });
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('::'));
    expect(lines).toContain('::warning file=infra/registry.yaml,line=14,col=13,title=acrctl%3A internet-acl-open-world::0.0.0.0/0 opens the public endpoint of hz to the whole internet. List the CIDRs of your offices and CI runners instead');
    const instance = lines.find((l) => l.startsWith('::warning title=acrctl drift%3A instance[hz]::'));
    expect(instance).toMatch(/missing in the live estate \(prod, cn-hangzhou, instance hz\)\.%0AFix: acrctl plan -f infra\/registry.yaml/);
    expect(JSON.parse(r.stdout).status).toBe('drift'); // stdout stays the report alone
  });
});

describe("apply's plain view on GitHub Actions", () => {
  function capture() {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    return { stream, text: () => text };
  }

  it('folds each run of wait lines into one group, closed before any other line', () => {
    const out = capture();
    const view = createApplyView({ stream: out.stream, tty: false, color: false, github: true });
    view.onEvent({ level: 'info', code: 'action.start', action: 'instance[hz]', message: 'creating instance[hz]' });
    view.onEvent({ level: 'info', code: 'action.progress', action: 'instance[hz]', message: 'still creating instance[hz] … [10s elapsed]' });
    view.onEvent({ level: 'info', code: 'action.progress', action: 'instance[hz]', message: 'still creating instance[hz] … [20s elapsed]' });
    view.onEvent({ level: 'info', code: 'action.start', action: 'instance[sh]', message: 'creating instance[sh]' });
    view.onEvent({ level: 'info', code: 'action.progress', action: 'instance[hz]', message: 'still creating instance[hz] … [30s elapsed]' });
    view.onEvent({ level: 'info', code: 'action.done', action: 'instance[hz]', message: 'instance[hz]: created' });
    view.onEvent({ level: 'error', code: 'action.failed', action: 'instance[sh]', message: 'instance[sh]: refused: 100% used,\n::warning::quota' });
    view.onEvent({ level: 'info', code: 'action.progress', action: 'x', message: 'waiting for x [1s elapsed]' });
    view.close();
    expect(out.text()).toBe(
      [
        'creating instance[hz]',
        '::group::still creating instance[hz] … [10s elapsed]',
        'still creating instance[hz] … [10s elapsed]',
        'still creating instance[hz] … [20s elapsed]',
        '::endgroup::',
        'creating instance[sh]',
        '::group::still creating instance[hz] … [30s elapsed]',
        'still creating instance[hz] … [30s elapsed]',
        '::endgroup::',
        '✓ instance[hz]: created',
        // Text from the cloud cannot issue a workflow command of its own.
        '✗ instance[sh]: refused: 100% used,\n ::warning::quota',
        '::error title=acrctl%3A apply failed%3A instance[sh]::instance[sh]: refused: 100%25 used,%0A::warning::quota',
        '::group::waiting for x [1s elapsed]',
        'waiting for x [1s elapsed]',
        '::endgroup::',
        '',
      ].join('\n'),
    );
  });

  it('annotates at most 10 failures, the 10th counting the rest', () => {
    const out = capture();
    const view = createApplyView({ stream: out.stream, tty: false, color: false, github: true });
    for (let i = 0; i < 13; i++) view.onEvent({ level: 'error', code: 'action.failed', action: `a${i}`, message: `a${i}: failed` });
    view.close();
    const errors = out.text().split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(10);
    expect(errors.at(-1)).toBe('::error title=acrctl::4 more errors are in the log (GitHub shows 10 per step)');
  });

  it('writes no workflow command off GitHub Actions', () => {
    const out = capture();
    const view = createApplyView({ stream: out.stream, tty: false, color: false });
    view.onEvent({ level: 'info', code: 'action.progress', action: 'a', message: 'still creating a … [10s elapsed]' });
    view.onEvent({ level: 'error', code: 'action.failed', action: 'a', message: 'a: failed' });
    view.close();
    expect(out.text()).not.toContain('::');
  });
});
