/**
 * `acrctl drift` end to end against the emulator: every exit code, every kind of drift, replication
 * health (tags pushed before their rule existed are never copied), zero mutating calls, the JSON
 * schema and the Markdown size limit.
 *
 * One estate is built once; each case runs drift with a different registry.yaml against it, so a
 * case changes the desired side only and nothing leaks between cases (the cases that change the live
 * side say so and run in order).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/model.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runBin, runCli, type CliResult } from '../support/cli.js';

const UID = '1234567890123456';
let t: TestEmulator;
let cwd: string;
let hzId = '';

const schema = JSON.parse(readFileSync(new URL('../../schemas/drift.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

interface Opts {
  rule?: boolean;
  backfill?: boolean;
  apiSummary?: string;
  extraRepo?: boolean;
  omitWeb?: boolean;
  prune?: boolean;
}

/** Two instances in one account; hz replicates team-a to bj when `rule` is set. */
function config(o: Opts = {}): string {
  const lines = [
    'version: 1',
    'accounts:',
    `  prod: { uid: "${UID}" }`,
    'instances:',
    '  hz:',
    '    account: prod',
    '    region: cn-hangzhou',
    '    edition: Advanced',
    '    name: acme-hz',
    '    namespaces:',
    '      team-a:',
    '        autoCreateRepo: true',
    `        prune: ${o.prune ?? false}`,
    '        repositories:',
    `          api: { summary: "${o.apiSummary ?? 'API server'}" }`,
    ...(o.omitWeb ? [] : ['          web: { summary: "Web front end" }']),
    ...(o.extraRepo ? ['          job: { summary: "Batch jobs" }'] : []),
  ];
  if (o.rule ?? true) {
    lines.push('    replication:', '      - name: to-bj', '        to: bj', '        namespace: team-a', '        tagFilter: "v[0-9]+"');
    if (o.backfill) lines.push('        backfill: { latest: 5 }');
  }
  lines.push('  bj:', '    account: prod', '    region: cn-beijing', '    edition: Standard', '    name: acme-bj', '    namespaces:', '      team-a:', '        autoCreateRepo: true', '        repositories:', '          api: { summary: "API server (replica)" }');
  return `${lines.join('\n')}\n`;
}

function write(name: string, o: Opts): string {
  writeFileSync(join(cwd, name), config(o));
  return name;
}

async function mutatingCallsDuring(run: () => Promise<CliResult>): Promise<{ r: CliResult; calls: number; mutating: unknown[] }> {
  const before = (await t.admin<unknown[]>('GET', '/_emulator/calls')).body.length;
  const r = await run();
  const calls = (await t.admin<{ mutating: boolean; action?: string }[]>('GET', '/_emulator/calls')).body.slice(before);
  return { r, calls: calls.length, mutating: calls.filter((c) => c.mutating) };
}

function drift(file: string, ...extra: string[]): Promise<CliResult> {
  return runCli(['drift', '-f', file, '--endpoint', t.url, ...extra], { cwd });
}

async function driftJson(file: string, ...extra: string[]): Promise<{ r: CliResult; report: DriftReport }> {
  const r = await drift(file, '--format', 'json', ...extra);
  const report = JSON.parse(r.stdout) as DriftReport;
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(report.exitCode).toBe(r.code);
  return { r, report };
}

async function push(tag: string, digest: string, pushedAt: number): Promise<void> {
  const r = await t.admin('POST', `/_emulator/cr/instances/${hzId}/images`, { namespace: 'team-a', repository: 'api', tag, digest: digest.repeat(64), size: 1_048_576, pushedAt });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
}

const T0 = Date.UTC(2026, 0, 5, 3, 0, 0);

beforeAll(async () => {
  t = await startTestEmulator();
  // Instant lifecycles: the estate builds fast, and a sync task started by a push is done by the
  // next call, so what the rule copies is deterministic.
  await t.admin('PUT', '/_emulator/async', Object.fromEntries(['instancePending', 'instanceStarting', 'syncTaskPending', 'syncTaskRunning'].map((k) => [k, 0])));
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-drift-'));
  // The estate without the rule first, then two tags, then the rule: those tags predate the rule.
  const r1 = await runCli(['apply', '-f', write('norule.yaml', { rule: false }), '--endpoint', t.url, '--auto-approve'], { cwd });
  expect(r1.code, r1.stdout + r1.stderr).toBe(0);
  const keys = await t.account(UID);
  const body = (await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', { InstanceName: 'acme-hz', PageSize: 100 }, keys)) as { Instances?: { InstanceName: string; InstanceId: string }[] };
  hzId = body.Instances?.find((i) => i.InstanceName === 'acme-hz')?.InstanceId ?? '';
  expect(hzId).toMatch(/^cri-/);
  await push('v1', '1', T0);
  await push('v2', '2', T0 + 60_000);
  await push('rc1', '3', T0 + 120_000); // does not match the rule's filter
  const r2 = await runCli(['apply', '-f', write('registry.yaml', {}), '--endpoint', t.url, '--auto-approve'], { cwd });
  expect(r2.code, r2.stdout + r2.stderr).toBe(0);
  // Pushed after the rule exists: copied by it.
  await push('v3', '4', T0 + 180_000);
}, 60_000);

afterAll(async () => {
  await t?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('acrctl drift: replication health (cases run in order: the last one changes the estate)', () => {
  it('reports tags pushed before the rule existed as missing in the target, exits 2, and makes no mutating call', async () => {
    const { r, calls, mutating } = await mutatingCallsDuring(() => drift('registry.yaml'));
    expect(r.code, r.stderr).toBe(2);
    expect(calls).toBeGreaterThan(0);
    expect(mutating).toEqual([]);
    expect(r.stdout).toContain('read-only: no change was made');
    expect(r.stdout).toContain('instance[hz].replication[to-bj] → instance bj (acme-bj), cn-beijing, account prod: 2 missing of 3 source tags matching "v[0-9]+" in team-a');
    expect(r.stdout).toContain('behind since 2026-01-05T03:00:00.000Z');
    expect(r.stdout).toContain('missing team-a/api:v2');
    expect(r.stdout).toContain('missing team-a/api:v1');
    expect(r.stdout).not.toContain('api:v3'); // the rule copied it
    expect(r.stdout).not.toContain('api:rc1'); // the filter does not match it
    expect(r.stdout).toContain("fix: set backfill: { latest: 3 } on replication rule to-bj of instance hz in registry.yaml, then: acrctl plan -f registry.yaml --endpoint");
    expect(r.stdout).toContain('Result: drift (exit 2)');
  });

  it('gives the same findings as JSON, valid against schemas/drift.schema.json', async () => {
    const { r, report } = await driftJson('registry.yaml');
    expect(r.code).toBe(2);
    expect(report.status).toBe('drift');
    expect(report.readOnly).toBe(true);
    expect(report.objects).toEqual([]);
    expect(report.summary).toMatchObject({ replicationBehind: 1, tagsBehind: 2 });
    const h = report.replication[0]!;
    expect(h).toMatchObject({ address: 'instance[hz].replication[to-bj]', sourceTags: 3, missing: 2, stale: 0, healthy: false, backfillPlanned: 0, behindSince: '2026-01-05T03:00:00.000Z' });
    expect(h.source).toEqual({ account: 'prod', accountUid: UID, region: 'cn-hangzhou', instance: 'hz', instanceName: 'acme-hz' });
    expect(h.examples.map((e) => e.image)).toEqual(['team-a/api:v2', 'team-a/api:v1']);
  });

  it('counts backfill tasks as not drift, but the rule stays behind until they ran', async () => {
    const { r, report } = await driftJson(write('backfill.yaml', { backfill: true }));
    expect(r.code).toBe(2);
    expect(report.notDrift.backfillTasks).toBe(2);
    expect(report.objects).toEqual([]);
    expect(report.replication[0]).toMatchObject({ backfillPlanned: 2, healthy: false });
    expect(report.replication[0]!.fix).toMatch(/^the rule's backfill copies them: acrctl plan -f backfill\.yaml --endpoint \S+ --target 'instance\[hz\]\.replication\[to-bj\]' --out drift-fix\.plan && acrctl apply drift-fix\.plan --endpoint \S+$/);
  });

  it('exits 0 once the backfill ran, in every format (changes the estate)', async () => {
    const a = await runCli(['apply', '-f', 'backfill.yaml', '--endpoint', t.url, '--auto-approve'], { cwd });
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const text = await drift('registry.yaml');
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toContain('No drift (--fail-on changes): nothing differs.');
    expect(text.stdout).toContain('ok instance[hz].replication[to-bj]');
    const { report } = await driftJson('registry.yaml');
    expect(report).toMatchObject({ status: 'clean', exitCode: 0, objects: [], unmanaged: [] });
    expect(report.replication[0]).toMatchObject({ sourceTags: 3, missing: 0, healthy: true });
    const md = await drift('registry.yaml', '--format', 'markdown');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('### acrctl drift: no drift');
    expect(md.stdout).toContain('Read-only: no change was made');
  });
});

describe('acrctl drift: declared objects and unmanaged ones', () => {
  it('shows a changed field with the desired and the live value, and the command that fixes it', async () => {
    const { r, mutating } = await mutatingCallsDuring(() => drift(write('changed.yaml', { apiSummary: 'API gateway' })));
    expect(r.code, r.stderr).toBe(2);
    expect(mutating).toEqual([]);
    expect(r.stdout).toContain('~ instance[hz].namespace[team-a].repository[api]');
    expect(r.stdout).toContain('repository in account prod (UID 1234567890123456), instance hz (acme-hz), cn-hangzhou');
    expect(r.stdout).toContain('summary: desired "API gateway", live "API server"');
    expect(r.stdout).toMatch(/cloud ids: .*repoId crr-/);
    expect(r.stdout).toContain("fix: acrctl plan -f changed.yaml --endpoint");
    expect(r.stdout).toContain("--target 'instance[hz].namespace[team-a].repository[api]' --out drift-fix.plan && acrctl apply drift-fix.plan");
    const { report } = await driftJson('changed.yaml');
    expect(report.objects).toHaveLength(1);
    expect(report.objects[0]).toMatchObject({ category: 'changed', fields: [{ path: 'summary', desired: 'API gateway', live: 'API server', impact: 'update' }] });
  });

  it('runs as a real process and its fix command really fixes the drift', async () => {
    const r = await runBin(['drift', '-f', 'changed.yaml', '--endpoint', t.url, '--format', 'json'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    const fix = (JSON.parse(r.stdout) as DriftReport).objects[0]!.fix;
    const [planCmd, applyCmd] = fix.split(' && ').map(words);
    const p = await runCli(planCmd!.slice(1), { cwd });
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy');
    const a = await runCli([...applyCmd!.slice(1), '--auto-approve'], { cwd });
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect((await drift('changed.yaml')).code).toBe(0);
    // Put it back for the other cases.
    const back = await runCli(['apply', '-f', 'registry.yaml', '--endpoint', t.url, '--auto-approve'], { cwd });
    expect(back.code, back.stdout + back.stderr).toBe(0);
  });

  it('reports a declared object that is missing live', async () => {
    const { r, report } = await driftJson(write('missing.yaml', { extraRepo: true }));
    expect(r.code).toBe(2);
    expect(report.objects).toEqual([
      expect.objectContaining({ address: 'instance[hz].namespace[team-a].repository[job]', category: 'missing', desired: expect.objectContaining({ summary: 'Batch jobs' }) }),
    ]);
    expect((await drift('missing.yaml')).stdout).toContain('+ instance[hz].namespace[team-a].repository[job]');
  });

  it('reports an unmanaged object as drift only with --fail-on unmanaged or any', async () => {
    write('unmanaged.yaml', { omitWeb: true });
    const changes = await driftJson('unmanaged.yaml');
    expect(changes.r.code).toBe(0);
    expect(changes.report.unmanaged.map((u) => u.address)).toEqual(['instance[hz].namespace[team-a].repository[web]']);
    expect(changes.report.unmanaged[0]).toMatchObject({ pruned: false, account: 'prod', accountUid: UID, instance: 'hz', instanceName: 'acme-hz', container: 'instance[hz].namespace[team-a]' });
    expect((await driftJson('unmanaged.yaml', '--fail-on', 'unmanaged')).r.code).toBe(2);
    expect((await driftJson('unmanaged.yaml', '--fail-on', 'any')).r.code).toBe(2);
    const text = await drift('unmanaged.yaml', '--fail-on', 'unmanaged');
    expect(text.stdout).toContain('? instance[hz].namespace[team-a].repository[web]');
    expect(text.stdout).toContain('Result: drift (exit 2)');
    // And the other way round: a changed field is not drift under --fail-on unmanaged.
    expect((await drift('changed.yaml', '--fail-on', 'unmanaged')).code).toBe(0);
    expect((await drift('changed.yaml', '--fail-on', 'any')).code).toBe(2);
  });

  it('reports what prune would delete as a change and as unmanaged', async () => {
    write('prune.yaml', { omitWeb: true, prune: true });
    for (const failOn of ['changes', 'unmanaged', 'any']) {
      const { r, report } = await driftJson('prune.yaml', '--fail-on', failOn);
      expect(r.code, failOn).toBe(2);
      expect(report.objects).toEqual([expect.objectContaining({ address: 'instance[hz].namespace[team-a].repository[web]', category: 'unexpected' })]);
      expect(report.unmanaged).toEqual([expect.objectContaining({ address: 'instance[hz].namespace[team-a].repository[web]', pruned: true })]);
    }
  });

  it('exits 1 on an invalid config, before reading anything, and prints no report', async () => {
    writeFileSync(join(cwd, 'bad.yaml'), 'version: 1\naccounts:\n  prod: { uid: "123" }\n');
    const { r, calls } = await mutatingCallsDuring(() => drift('bad.yaml', '--format', 'json'));
    expect(r.code).toBe(1);
    expect(calls).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/bad\.yaml:3:\d+/);
  });

  it('exits 1, not 2, when a read fails (a missing permission), even with drift present', async () => {
    await t.admin('PUT', '/_emulator/faults', { actions: { 'cr:ListRepoTag': { errorRate: 1, errorCode: 'Forbidden.RAM' } } });
    try {
      const r = await drift('changed.yaml', '--format', 'json');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Forbidden.RAM');
    } finally {
      await t.admin('DELETE', '/_emulator/faults');
    }
    expect((await drift('changed.yaml')).code).toBe(2);
  });

  it('exits 1 on a bad option value', async () => {
    const r = await drift('registry.yaml', '--fail-on', 'sometimes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("argument 'sometimes' is invalid");
  });

  it('keeps the Markdown under 60,000 characters', async () => {
    const r = await drift('prune.yaml', '--format', 'markdown', '--fail-on', 'any');
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBeLessThanOrEqual(60_000);
    expect(r.stdout).toContain('### acrctl drift: drift found');
    expect(r.stdout).toContain('<b>prod / instance hz (cn-hangzhou)</b>');
  });
});

/** Splits a fix command into words (single-quoted words as the renderer writes them). */
function words(cmd: string): string[] {
  return [...cmd.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}
