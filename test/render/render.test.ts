import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Action, type Plan, summarise, targetMatches } from '../../src/plan/model.js';
import { address, segment } from '../../src/plan/address.js';
import { renderDot } from '../../src/render/dot.js';
import { canonical } from '../../src/plan/canonical.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderMermaid } from '../../src/render/mermaid.js';
import { renderText, summaryLine } from '../../src/render/text.js';
import { expectGolden } from '../support/golden.js';

const golden = (name: string) => fileURLToPath(new URL(`../golden/render/mixed/${name}`, import.meta.url));
const HASH = 'a'.repeat(64);

function plan(actions: Action[], extra: Partial<Plan> = {}): Plan {
  return {
    formatVersion: 3,
    planId: HASH,
    configDigest: HASH,
    liveFingerprint: HASH,
    configFile: 'registry.yaml',
    acrctlVersion: '0.0.0-test',
    actions,
    refs: {},
    unmanaged: [],
    outputs: [],
    findings: [],
    summary: summarise(actions),
    ...extra,
  };
}

const trustBefore = JSON.stringify({ Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['1111111111111111@cr.aliyuncs.com'] } }], Version: '1' });
const trustAfter = JSON.stringify({ Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['1111111111111111@cr.aliyuncs.com', '2222222222222222@cr.aliyuncs.com'] } }], Version: '1' });

const mixed: Action[] = [
  { id: 'instance[hz]', kind: 'instance', type: 'create', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz' }, after: { edition: 'Advanced', name: 'acme-hz' }, changes: [], dependsOn: [] },
  { id: 'instance[hz].namespace[team-a]', kind: 'namespace', type: 'update', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', namespace: 'team-a' }, changes: [{ path: 'autoCreateRepo', before: false, after: true, impact: 'update' }], dependsOn: ['instance[hz]'] },
  { id: 'instance[hz].replication[to-bj]', kind: 'sync-rule', type: 'replace', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', rule: 'to-bj' }, changes: [{ path: 'tagFilter', before: '.*', after: 'release-.*', impact: 'replace', note: 'sync rules have no update API' }], dependsOn: ['instance[hz].namespace[team-a]'] },
  { id: 'instance[hz].acl[0.0.0.0/0]', kind: 'acl-entry', type: 'delete', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', cidr: '0.0.0.0/0' }, before: { cidr: '0.0.0.0/0', description: 'anyone <script>' }, changes: [], dependsOn: [] },
  { id: 'account[partner].ram-role[aliyuncontainerregistrycrossaccoutsyncrole]', kind: 'ram-role', type: 'update', account: 'partner', region: 'global', key: { account: 'partner', role: 'aliyuncontainerregistrycrossaccoutsyncrole' }, changes: [{ path: 'trustPolicy', before: trustBefore, after: trustAfter, impact: 'update' }], dependsOn: [], reason: 'replication rule to-bj crosses accounts' },
  { id: 'instance[hz].replication[to-bj].backfill[team-a/api:v1]', kind: 'sync-task', type: 'run', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', rule: 'to-bj', namespace: 'team-a', repository: 'api', tag: 'v1' }, after: { tag: 'v1' }, changes: [], dependsOn: ['instance[hz].replication[to-bj]'], summary: 'copy team-a/api:v1' },
  { id: 'instance[hz].personal-edition-domain', kind: 'domain-support', type: 'gate', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz' }, changes: [], dependsOn: ['instance[hz]'], gate: { instructions: ['Open a ticket to allow-list the instance', 'Console → Instance → Personal Edition domain → On'], verification: 'endpoint domains list registry.cn-hangzhou.aliyuncs.com', expect: { domains: ['registry.cn-hangzhou.aliyuncs.com'] } } },
].sort((a, b) => (a.id < b.id ? -1 : 1)) as Action[];

const mixedPlan = plan(mixed, {
  unmanaged: [{ id: 'instance[hz].namespace[legacy]', kind: 'namespace', account: 'prod', region: 'cn-hangzhou', instance: 'hz', container: 'instance[hz]' }],
  findings: [{ id: 'internet-acl-open', severity: 'warning', message: 'ACL 0.0.0.0/0 | opens the registry', where: 'registry.yaml:12:9' }],
  outputs: [{ id: 'hosts', title: 'hosts lines for the source VPC', lines: ['10.0.0.1 acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com'] }],
});

describe('renderers on a plan with every action type', () => {
  it('text (no colour) matches the golden file', () => expectGolden(golden('plan.txt'), renderText(mixedPlan, { color: false })));
  it('markdown matches the golden file', () => expectGolden(golden('plan.md'), renderMarkdown(mixedPlan)));
  it('json matches the golden file', () => expectGolden(golden('plan.json'), renderJson(mixedPlan)));
  it('mermaid matches the golden file', () => expectGolden(golden('graph.mmd'), renderMermaid(mixedPlan)));
  it('dot matches the golden file', () => expectGolden(golden('graph.dot'), renderDot(mixedPlan)));
});

describe('text view', () => {
  it('ends with the summary line, counting a replacement as one add and one destroy', () => {
    const text = renderText(mixedPlan, { color: false });
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 2 to add, 2 to change, 2 to destroy, 1 task, 1 gate.');
  });
  it('colours only when asked', () => {
    expect(renderText(mixedPlan, { color: false })).not.toContain('\u001b[');
    expect(renderText(mixedPlan, { color: true })).toContain('\u001b[32m');
  });
  it('says no changes on an empty plan', () => {
    expect(renderText(plan([]), { color: false })).toContain('No changes.');
    expect(summaryLine(summarise([]))).toBe('Plan: 0 to add, 0 to change, 0 to destroy, 0 tasks, 0 gates.');
  });
  it('diffs policy documents line by line', () => {
    const text = renderText(mixedPlan, { color: false });
    expect(text).toContain('+           "2222222222222222@cr.aliyuncs.com"');
    expect(text).toContain('-           "1111111111111111@cr.aliyuncs.com"');
  });
});

describe('markdown view', () => {
  function big(n: number): Plan {
    const actions: Action[] = [];
    for (let i = 0; i < n; i++) {
      actions.push({ id: `instance[hz].namespace[ns-${String(i).padStart(5, '0')}]`, kind: 'namespace', type: 'create', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', namespace: `ns-${String(i).padStart(5, '0')}` }, after: { autoCreateRepo: true, defaultRepoType: 'PRIVATE', name: `ns-${i}` }, changes: [], dependsOn: [] });
    }
    return plan(actions);
  }
  it('falls back to one line per action when the full view is too big', () => {
    const md = renderMarkdown(big(400));
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toContain('one line per action');
    expect(md).toContain('+ instance[hz].namespace[ns-00399]');
  });
  it('truncates with a note and never exceeds the limit', () => {
    const md = renderMarkdown(big(5000));
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toContain('Truncated: the plan has 5000 actions');
    expect(md.trimEnd().endsWith('`Plan: 5000 to add, 0 to change, 0 to destroy, 0 tasks, 0 gates.`')).toBe(true);
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
  });
  it('escapes HTML and table pipes from values', () => {
    const md = renderMarkdown(mixedPlan);
    expect(md).toContain('ACL 0.0.0.0/0 \\| opens');
  });
});

describe('addresses', () => {
  it('quotes names that would break parsing', () => {
    expect(segment('replication', 'a]b')).toBe('replication["a]b"]');
    expect(address(segment('instance', 'hz'), segment('acl', '10.0.0.0/8'))).toBe('instance[hz].acl[10.0.0.0/8]');
  });
  it('matches targets at segment boundaries only', () => {
    expect(targetMatches('instance[hz]', 'instance[hz].namespace[a]')).toBe(true);
    expect(targetMatches('instance[hz]', 'instance[hz]')).toBe(true);
    expect(targetMatches('instance[h', 'instance[hz]')).toBe(false);
  });
  it('canonical JSON sorts keys and drops undefined', () => {
    expect(JSON.stringify(canonical({ b: 1, a: { d: undefined, c: 2 } }))).toBe('{"a":{"c":2},"b":1}');
  });
});

describe('plan schema', () => {
  it('accepts the rendered JSON plan and rejects a plan with an unknown action type', async () => {
    const { readFileSync } = await import('node:fs');
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(validate(JSON.parse(renderJson(mixedPlan)))).toBe(true);
    const bad = JSON.parse(renderJson(mixedPlan)) as { actions: { type: string }[] };
    bad.actions[0]!.type = 'explode';
    expect(validate(bad)).toBe(false);
  });
});
