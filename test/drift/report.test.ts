/**
 * The pure half of `acrctl drift`: what counts as drift, exit codes per --fail-on, replication
 * health arithmetic, and the Markdown size contract. No emulator: plans are built by hand.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { replicationHealth, type HealthRule, type TagEvidence } from '../../src/drift/health.js';
import { buildDriftReport, fixCommand, isDrift, shellWord, type DriftSummary, type FailOn } from '../../src/drift/model.js';
import { renderDriftJson, renderDriftMarkdown, renderDriftText } from '../../src/render/drift.js';
import { summarise, type Action, type Plan, type PlanFinding } from '../../src/plan/model.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/drift.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

function action(id: string, type: Action['type'], extra: Partial<Action> = {}): Action {
  return { id, kind: 'repository', type, account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: {}, changes: [], dependsOn: [], ...extra };
}

function plan(actions: Action[], extra: Partial<Plan> = {}): Plan {
  return {
    formatVersion: 3,
    planId: 'a'.repeat(64),
    configDigest: 'b'.repeat(64),
    liveFingerprint: 'c'.repeat(64),
    configFile: 'registry.yaml',
    acrctlVersion: '0.1.0',
    actions,
    refs: {},
    unmanaged: [],
    outputs: [],
    findings: [],
    summary: summarise(actions),
    ...extra,
  };
}

const base = { accountUids: { prod: '1234567890123456' }, instanceNames: { hz: 'acme-hz' }, replication: [] };

describe('what counts as drift', () => {
  const cases: { reason: string; type: Action['type']; category: string | undefined }[] = [
    { reason: 'an update means a declared field differs live', type: 'update', category: 'changed' },
    { reason: 'a replace is a changed field apply can only fix by recreating', type: 'replace', category: 'changed' },
    { reason: 'a create means a declared object is missing', type: 'create', category: 'missing' },
    { reason: 'a delete under prune is a live object apply would remove', type: 'delete', category: 'unexpected' },
    { reason: 'a gate means a console-only switch moved', type: 'gate', category: 'switch' },
    { reason: 'a backfill task is one-off work, never drift', type: 'run', category: undefined },
  ];
  for (const c of cases) {
    it(`${c.type}: ${c.reason}`, () => {
      const r = buildDriftReport({ ...base, plan: plan([action('instance[hz].x', c.type)]), failOn: 'changes' });
      expect(r.objects.map((o) => o.category)).toEqual(c.category === undefined ? [] : [c.category]);
      expect(r.exitCode).toBe(c.category === undefined ? 0 : 2);
      expect(r.notDrift.backfillTasks).toBe(c.category === undefined ? 1 : 0);
      expect(validate(JSON.parse(renderDriftJson(r))), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  const table: { reason: string; summary: Partial<DriftSummary>; failOn: FailOn; drift: boolean }[] = [
    { reason: 'nothing at all', summary: {}, failOn: 'any', drift: false },
    { reason: 'changes are the default alarm', summary: { changed: 1 }, failOn: 'changes', drift: true },
    { reason: 'unmanaged objects alone are not drift by default', summary: { unmanaged: 3 }, failOn: 'changes', drift: false },
    { reason: '--fail-on unmanaged ignores changes', summary: { changed: 1, missing: 2 }, failOn: 'unmanaged', drift: false },
    { reason: '--fail-on unmanaged fires on unmanaged', summary: { unmanaged: 1 }, failOn: 'unmanaged', drift: true },
    { reason: 'replication behind is a change', summary: { replicationBehind: 1, tagsBehind: 4 }, failOn: 'changes', drift: true },
    { reason: 'a moved switch is a change', summary: { switches: 1 }, failOn: 'changes', drift: true },
    { reason: '--fail-on any fires on either', summary: { unmanaged: 1 }, failOn: 'any', drift: true },
  ];
  for (const c of table) {
    it(`isDrift: ${c.reason}`, () => {
      const s: DriftSummary = { changed: 0, missing: 0, unexpected: 0, switches: 0, unmanaged: 0, replicationBehind: 0, tagsBehind: 0, ...c.summary };
      expect(isDrift(s, c.failOn)).toBe(c.drift);
    });
  }

  it('an error finding makes the status error and the exit code 1, even with drift (never mixed)', () => {
    const findings: PlanFinding[] = [{ id: 'cidr-collision', severity: 'error', message: 'overlaps 100.0.0.0/8', where: 'cross-region[a]' }];
    const r = buildDriftReport({ ...base, plan: plan([action('instance[hz].x', 'update')], { findings }), failOn: 'changes' });
    expect(r).toMatchObject({ status: 'error', exitCode: 1 });
    expect(renderDriftText(r)).toContain('Result: error (exit 1)');
    expect(renderDriftMarkdown(r)).toContain('[!CAUTION]');
  });

  it('a finding a plan may go on with but drift must fail on (drift: error) is an error in the report', () => {
    const findings: PlanFinding[] = [{ id: 'pe-domain-before-data', severity: 'warning', drift: 'error', message: 'images missing behind the switch', where: 'instance[hz].personal-edition-domain' }];
    const r = buildDriftReport({ ...base, plan: plan([], { findings }), failOn: 'changes' });
    expect(r).toMatchObject({ status: 'error', exitCode: 1 });
    expect(r.findings.map((f) => f.severity)).toEqual(['error']);
    const warning = buildDriftReport({ ...base, plan: plan([], { findings: [{ id: 'pe-domain-before-data', severity: 'warning', message: 'x' }] }), failOn: 'changes' });
    expect(warning.status).toBe('clean');
  });

  it('a pruned object is both a change and an unmanaged object, with its container', () => {
    const del = action('instance[hz].namespace[a].repository[old]', 'delete', { before: { summary: 's' }, ids: { repoId: 'crr-1' }, reason: 'not in the configuration; instance[hz].namespace[a] has prune: true' });
    const r = buildDriftReport({ ...base, plan: plan([del]), failOn: 'unmanaged' });
    expect(r.exitCode).toBe(2);
    expect(r.objects[0]).toMatchObject({ category: 'unexpected', live: { summary: 's' }, ids: { repoId: 'crr-1' } });
    expect(r.unmanaged[0]).toMatchObject({ pruned: true, container: 'instance[hz].namespace[a]' });
  });
});

describe('src/drift is pure', () => {
  it('imports no node: module and no cloud client', () => {
    // Its views moved to src/render/drift.ts, which the architecture test keeps pure.
    for (const f of ['model.ts', 'health.ts']) {
      const text = readFileSync(new URL(`../../src/drift/${f}`, import.meta.url), 'utf8');
      const imports = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
      expect(imports.filter((i) => i.startsWith('node:') || i.includes('/cloud/') || i.includes('/kinds/')), f).toEqual([]);
    }
  });
});

describe('fix commands', () => {
  it('quote addresses for the shell and repeat the connection flags', () => {
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(shellWord('registry.yaml')).toBe('registry.yaml');
    expect(fixCommand('my estate.yaml', ['instance[hz]'], ['--endpoint', 'http://127.0.0.1:4000'])).toBe(
      "acrctl plan -f 'my estate.yaml' --endpoint http://127.0.0.1:4000 --target 'instance[hz]' --out drift-fix.plan && acrctl apply drift-fix.plan --endpoint http://127.0.0.1:4000",
    );
  });
});

describe('replication health', () => {
  const rule = (extra: Partial<HealthRule> = {}): HealthRule => ({
    address: 'instance[hz].replication[to-bj]',
    name: 'to-bj',
    sourceInstance: 'hz',
    targetInstance: 'bj',
    source: { account: 'prod', region: 'cn-hangzhou', instance: 'hz' },
    target: { account: 'prod', region: 'cn-beijing', instance: 'bj' },
    namespace: 'ns',
    tagFilter: 'v.*',
    match: /^(?:v.*)$/,
    trigger: 'automatic',
    backfill: false,
    ...extra,
  });
  const tag = (instance: string, repository: string, t: string, digest: string, updatedAt: number): TagEvidence => ({ instance, namespace: 'ns', repository, tag: t, digest, updatedAt });

  it('counts missing and stale tags, and asks for the backfill that would copy all of them', () => {
    const tags = [
      tag('hz', 'api', 'v1', 'd1', 1000),
      tag('hz', 'api', 'v2', 'd2', 2000),
      tag('hz', 'api', 'v3', 'd3', 3000),
      tag('hz', 'api', 'rc', 'd9', 4000),
      tag('bj', 'api', 'v3', 'd3', 3000), // copied
      tag('bj', 'api', 'v2', 'dX', 2000), // another digest: stale
    ];
    const [h] = replicationHealth({ rules: [rule()], tags, actions: [], configFile: 'registry.yaml' });
    expect(h).toMatchObject({ sourceTags: 3, missing: 1, stale: 1, healthy: false, behindSince: '1970-01-01T00:00:01.000Z' });
    expect(h!.examples).toEqual([
      { image: 'ns/api:v2', digest: 'd2', pushedAt: '1970-01-01T00:00:02.000Z', state: 'stale' },
      { image: 'ns/api:v1', digest: 'd1', pushedAt: '1970-01-01T00:00:01.000Z', state: 'missing' },
    ]);
    // v1 is the third newest matching tag: latest 3 reaches it; the stale one needs overwrite.
    expect(h!.fix).toMatch(/^set backfill: \{ latest: 3, overwrite: true \} on replication rule to-bj of instance hz in registry\.yaml, then: acrctl plan/);
  });

  it('does not count a manual rule as drift, and scopes repository-level rules to their repository', () => {
    const tags = [tag('hz', 'api', 'v1', 'd1', 1), tag('hz', 'web', 'v1', 'd1', 1)];
    const [h] = replicationHealth({ rules: [rule({ trigger: 'manual', repository: 'web' })], tags, actions: [], configFile: 'r.yaml' });
    expect(h).toMatchObject({ sourceTags: 1, missing: 1, healthy: true, repository: 'web' });
    expect(h!.fix).toMatch(/^manual rule/);
  });

  it('keeps at most 10 examples, newest first, and counts the backfill tasks already planned', () => {
    const tags = Array.from({ length: 25 }, (_, i) => tag('hz', 'api', `v${i}`, `d${i}`, 1000 * (i + 1)));
    const actions = [action('instance[hz].replication[to-bj].backfill[ns/api:v24]', 'run'), action('instance[hz].replication[other].backfill[ns/api:v1]', 'run')];
    const [h] = replicationHealth({ rules: [rule({ backfill: true })], tags, actions, configFile: 'r.yaml' });
    expect(h!.missing).toBe(25);
    expect(h!.examples).toHaveLength(10);
    expect(h!.examples[0]!.image).toBe('ns/api:v24');
    expect(h!.backfillPlanned).toBe(1);
    expect(h!.fix).toMatch(/^raise the backfill: set backfill: \{ latest: 25 \}/);
  });
});

describe('Markdown for an issue body', () => {
  const many = (n: number) =>
    buildDriftReport({
      ...base,
      plan: plan(
        Array.from({ length: n }, (_, i) =>
          action(`instance[hz${i % 7}].namespace[ns-${String(i).padStart(5, '0')}].repository[api]`, 'update', {
            instance: `hz${i % 7}`,
            changes: [{ path: 'summary', before: 'old', after: 'new', impact: 'update' }],
          }),
        ),
      ),
      failOn: 'changes',
    });

  it('renders every object in full when it fits', () => {
    const md = renderDriftMarkdown(many(5));
    expect(md).toContain('summary: desired "new", live "old"');
    expect(md).not.toContain('one line per object');
  });

  it('falls back to one line per object grouped by account and instance, under 60,000 characters', () => {
    const md = renderDriftMarkdown(many(500));
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toContain('one line per object');
    expect(md).not.toContain('summary: desired');
    expect(md).toContain('<b>prod / instance hz3 (cn-hangzhou)</b>');
    // One fix per group, targeting the whole instance rather than 57 addresses.
    expect(md).toContain("acrctl plan -f registry.yaml --target 'instance[hz3]' --out drift-fix.plan && acrctl apply drift-fix.plan");
    expect(md.match(/^! ~ instance\[hz\d\]\.namespace\[ns-\d+\]\.repository\[api\]: 1 field differs/gm)).toHaveLength(500);
  });

  it('truncates with a note, and closes its code fences and details, when even that does not fit', () => {
    const md = renderDriftMarkdown(many(3000));
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toContain('Truncated: 3000 drifted objects do not fit in one issue');
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect((md.match(/<details/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
    expect(renderDriftMarkdown(many(3000), { maxChars: 10_000 }).length).toBeLessThanOrEqual(10_000);
  });
});
