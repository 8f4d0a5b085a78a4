/**
 * The canary suite, grown to every output (issue 19 item 4): values interpolated from secret-looking
 * variables never appear in text, Markdown or JSON plans, saved plans, `show`, a run's plan copy,
 * journals, apply and drift output, adopt output (stdout and -o), or error messages, while apply
 * still sends the real value. One canary is long (the output scrubber knows it too), one short (only
 * the plan's own masking hides it). And a config that is a link to a token file is never read.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli, type CliResult } from '../support/cli.js';

const LONG = 'CANARYtok3n-0123456789abcdef';
const SHORT = 'Zq7-Wx9';
const ROTATED = 'CANARYrotated-fedcba9876543210';

const CONFIG = `version: 1
accounts:
  prod: { uid: "1234567890123456" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Basic
    name: acme-hz
    namespaces:
      team-a:
        repositories:
          api: { summary: "\${env:API_TOKEN}" }
          web: { summary: "web \${env:WEB_PASSWORD}" }
`;

let t: TestEmulator;
let cwd: string;
beforeEach(async () => {
  t = await startTestEmulator();
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-secrets-'));
  writeFileSync(join(cwd, 'registry.yaml'), CONFIG);
});
afterEach(async () => {
  await t.close();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string>) => runCli([...args, '--endpoint', t.url], { cwd, env });
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

function expectNoCanary(outputs: readonly CliResult[], extraFiles: readonly string[] = [], canaries: readonly string[] = [LONG, SHORT, ROTATED]): void {
  const texts: [string, string][] = outputs.flatMap((o, i) => [[`output ${i} stdout`, o.stdout], [`output ${i} stderr`, o.stderr]] as [string, string][]);
  for (const f of [...files(cwd).filter((f) => !f.endsWith('registry.yaml') && !f.includes('emulator')), ...extraFiles]) texts.push([f, readFileSync(f, 'utf8')]);
  for (const [where, text] of texts) for (const c of canaries) expect(text.includes(c), `${c} in ${where}`).toBe(false);
}

async function liveSummaries(): Promise<Record<string, string>> {
  const keys = await t.account('1234567890123456');
  const inst = ((await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!.InstanceId;
  const repos = (await t.callRpc('cr', 'cn-hangzhou', 'ListRepository', { InstanceId: inst, RepoNamespaceName: 'team-a' }, keys)) as { Repositories: { RepoName: string; Summary: string }[] };
  return Object.fromEntries(repos.Repositories.map((r) => [r.RepoName, r.Summary]));
}

describe('no secret anywhere', () => {
  it('masks interpolated secrets in every plan format, saved plans, show, apply, journals and drift, and still sends the real values', async () => {
    const env = { API_TOKEN: LONG, WEB_PASSWORD: SHORT };
    const outputs: CliResult[] = [];
    const text = await cli(['plan'], env);
    outputs.push(text, await cli(['plan', '--format', 'markdown'], env));
    const json = await cli(['plan', '--format', 'json'], env);
    outputs.push(json, await cli(['plan', '--out', 'p.json'], env));
    for (const format of ['text', 'markdown', 'json']) outputs.push(await runCli(['show', 'p.json', '--format', format], { cwd, env }));
    expect(text.stdout).toContain('+ summary         = (sensitive)');
    const repo = (JSON.parse(json.stdout) as { actions: { id: string; sensitive?: string[]; after?: Record<string, unknown> }[] }).actions.find((a) => a.id.endsWith('repository[web]'))!;
    expect(repo.sensitive).toEqual(['summary']);
    expect(repo.after?.['summary']).toBe('(sensitive)');

    const applied = await cli(['apply', 'p.json', '--auto-approve'], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    outputs.push(applied);
    // The executor sent the real values (taken from the config, not from the masked plan).
    expect(await liveSummaries()).toMatchObject({ api: LONG, web: `web ${SHORT}` });

    // The token is rotated: the change shows, neither value does; drift the same.
    const rotated = { API_TOKEN: ROTATED, WEB_PASSWORD: SHORT };
    const change = await cli(['plan'], rotated);
    expect(change.stdout).toContain('~ summary = (sensitive) -> (sensitive)');
    outputs.push(change);
    for (const format of ['text', 'markdown', 'json']) outputs.push(await cli(['drift', '--format', format], rotated));
    const update = await cli(['apply', '--auto-approve'], rotated);
    expect(update.code, update.stdout + update.stderr).toBe(0);
    outputs.push(update);
    expect((await liveSummaries())['api']).toBe(ROTATED);
    expectNoCanary(outputs);
  });

  it('adopt writes secret live values as references to their variables, on stdout and with -o', async () => {
    const env = { API_TOKEN: LONG, WEB_PASSWORD: SHORT };
    expect((await cli(['apply', '--auto-approve', '--no-verify'], env)).code).toBe(0);
    const out = await cli(['adopt', '--region', 'cn-hangzhou'], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('${env:API_TOKEN}');
    expect(out.stdout).toContain('web ${env:WEB_PASSWORD}');
    const file = await cli(['adopt', '--region', 'cn-hangzhou', '-o', 'adopted.yaml', '--verify'], env);
    expect(file.code, file.stderr).toBe(0);
    expectNoCanary([out, file], [join(cwd, 'adopted.yaml')]);
  });

  it('never echoes a secret in an error message', async () => {
    const r = await cli(['plan', '-f', `${LONG}.yaml`], { API_TOKEN: LONG });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(sensitive).yaml');
    const bad = await cli(['plan'], { API_TOKEN: LONG, WEB_PASSWORD: 'x'.repeat(2000) });
    expectNoCanary([r, bad]);
  });

  it('refuses a config that is a link to a file that is not YAML, and never quotes a file that is not a registry.yaml', async () => {
    writeFileSync(join(cwd, 'token'), `${LONG}\n`);
    rmSync(join(cwd, 'registry.yaml'));
    symlinkSync(join(cwd, 'token'), join(cwd, 'registry.yaml'));
    const linked = await runCli(['plan'], { cwd });
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('error[config.not-yaml]');
    expect(linked.stderr).toContain('is a symbolic link to');
    const direct = await runCli(['validate', '-f', 'token'], { cwd });
    expect(direct.code).toBe(1);
    const asYaml = await runCli(['validate', '-f', 'token.yaml'], { cwd: ((): string => (writeFileSync(join(cwd, 'token.yaml'), `${LONG}\n`), cwd))() });
    expect(asYaml.code).toBe(1);
    for (const r of [linked, direct, asYaml]) {
      expect(r.stdout + r.stderr).not.toContain(LONG);
      expect(r.stdout + r.stderr).not.toContain(' 1 |');
    }
  });
});
