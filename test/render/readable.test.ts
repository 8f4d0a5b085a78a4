/**
 * Readable pictures and pull-request plans (issue 15 item 8): reduced and grouped graphs with a
 * legend, Markdown without doubled markers or prose in code fences, and id placeholders filled in.
 */
import { describe, expect, it } from 'vitest';
import { type Action, type Plan, summarise } from '../../src/plan/model.js';
import { renderDot } from '../../src/render/dot.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderMermaid } from '../../src/render/mermaid.js';
import { fillIds, planIds } from '../../src/render/placeholders.js';
import { renderText } from '../../src/render/text.js';

const HASH = 'b'.repeat(64);

function plan(actions: Action[], extra: Partial<Plan> = {}): Plan {
  return {
    formatVersion: 3,
    planId: HASH,
    configDigest: HASH,
    liveFingerprint: HASH,
    configFile: 'registry.yaml',
    acrctlVersion: '0.0.0-test',
    actions: [...actions].sort((a, b) => (a.id < b.id ? -1 : 1)),
    refs: {},
    unmanaged: [],
    outputs: [],
    findings: [],
    summary: summarise(actions),
    ...extra,
  };
}

const create = (id: string, dependsOn: string[], more: Partial<Action> = {}): Action => ({
  id,
  kind: 'namespace',
  type: 'create',
  account: 'prod',
  region: 'cn-hangzhou',
  instance: 'hz',
  key: { id },
  after: { autoCreateRepo: true },
  changes: [],
  dependsOn,
  ...more,
});

const policyDoc = JSON.stringify({ Statement: [{ Action: ['cr:CreateSyncRule'], Effect: 'Allow', Resource: ['acs:cr:cn-beijing:2:instance/{{instance[bj].instanceId}}'] }], Version: '1' });

const estate = plan(
  [
    create('instance[hz]', [], { kind: 'instance', after: { edition: 'Advanced' } }),
    create('instance[hz].namespace[a]', ['instance[hz]']),
    create('instance[hz].namespace[a].repository[r]', ['instance[hz]', 'instance[hz].namespace[a]'], { kind: 'repository' }),
    create('instance[bj]', [], { kind: 'instance', account: 'partner', region: 'cn-beijing', instance: 'bj', after: { edition: 'Basic' } }),
    {
      id: 'account[partner].ram-policy[P]',
      kind: 'ram-policy',
      type: 'create',
      account: 'partner',
      region: 'global',
      key: { account: 'partner', policy: 'P' },
      after: { document: policyDoc },
      changes: [],
      dependsOn: ['instance[bj]'],
    },
    {
      id: 'instance[hz].replication[to-bj]',
      kind: 'sync-rule',
      type: 'create',
      account: 'prod',
      region: 'cn-hangzhou',
      instance: 'hz',
      key: { instance: 'hz', rule: 'to-bj' },
      after: { namespace: 'a' },
      changes: [],
      dependsOn: ['account[partner].ram-policy[P]', 'instance[bj]', 'instance[hz]', 'instance[hz].namespace[a]', 'instance[hz].namespace[a].repository[r]'],
    },
    {
      id: 'instance[bj].personal-edition-domain',
      kind: 'personal-edition-domain',
      type: 'gate',
      account: 'partner',
      region: 'cn-beijing',
      instance: 'bj',
      key: { instance: 'bj' },
      changes: [],
      dependsOn: ['instance[bj]'],
      gate: { instructions: ['Allow-list instance bj ({{instance[bj].instanceId}}) with a ticket', 'Flip *the* switch: Console → Domain'], verification: 'endpoints of {{instance[bj].instanceId}}', expect: {} },
    },
  ],
  { outputs: [{ id: 'o', title: 'hosts lines', lines: ['10.0.0.1 a-registry-vpc.example <b>', '# `quoted` comment'] }] },
);

describe('the action graph pictures', () => {
  it('Mermaid draws the reduced edges only, one box per account and instance, and a legend', () => {
    const mmd = renderMermaid(estate);
    // 9 dependsOn edges; the rule's edges to instance[bj], instance[hz] and namespace[a] are implied.
    expect([...mmd.matchAll(/ --> /g)]).toHaveLength(6);
    expect(mmd).toMatch(/subgraph g\d+\["account partner"\]\n\s+a\d+\["\+ ram-policy\[P\]"\]:::create\n\s+subgraph g\d+\["instance bj \(cn-beijing\)"\]/);
    expect(mmd).toContain('["instance hz (cn-hangzhou)"]');
    expect(mmd).toContain('["+ namespace[a].repository[r]"]:::create');
    expect(mmd).toContain('legend_create["+ create"]:::create');
    expect(mmd).toContain('legend_gate["! gate (a console-only step)"]:::gate');
    expect(mmd).not.toContain('legend_delete');
  });

  it('DOT keeps addresses as node ids, in a cluster per account and instance, with the same edges', () => {
    const dot = renderDot(estate);
    expect([...dot.matchAll(/ -> /g)]).toHaveLength(6);
    expect([...dot.matchAll(/subgraph "cluster_/g)]).toHaveLength(5); // 2 accounts, 2 instances, the legend
    expect(dot).toContain('"instance[hz].namespace[a].repository[r]" [label="+ namespace[a].repository[r]"');
    expect(dot).toContain('"instance[hz].namespace[a].repository[r]" -> "instance[hz].replication[to-bj]";');
    expect(dot).not.toContain('"instance[hz]" -> "instance[hz].replication[to-bj]";');
  });

  it('keeps the plan complete: only the picture is reduced', () => {
    renderMermaid(estate);
    expect(estate.actions.find((a) => a.id === 'instance[hz].replication[to-bj]')!.dependsOn).toHaveLength(5);
  });
});

describe('the Markdown plan', () => {
  const md = renderMarkdown(estate);
  const fenced = (text: string) => [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '').join('\n');

  it('writes each mark once: no doubled `+ +` or `# #`', () => {
    const diff = fenced(md);
    expect(diff).toContain('\n# instance[hz] (prod, cn-hangzhou) will be created\n+ instance[hz]\n+     edition = "Advanced"\n');
    expect(diff).not.toMatch(/^([+#!-]) +\1 /m);
    expect(diff).toContain('! instance[bj].personal-edition-domain');
  });

  it('puts gate steps and outputs in Markdown lists outside the code fences', () => {
    const diff = fenced(md);
    expect(diff).not.toContain('Allow-list instance bj');
    expect(diff).not.toContain('a-registry-vpc.example');
    expect(md).toContain('**Gate `instance[bj].personal-edition-domain`**: what to do\n\n1. Allow-list instance bj (instance id known after apply) with a ticket\n2. Flip \\*the\\* switch: Console → Domain\n\nVerified by: endpoints of (known after apply)\n');
    expect(md).toContain('**hosts lines**\n\n- `10.0.0.1 a-registry-vpc.example <b>`\n- `` # `quoted` comment ``\n');
  });

  it('has a legend of the marks the plan uses', () => {
    expect(md).toContain('Marks: `+` create · `!` gate (a console-only step).');
  });

  it('shows what the text plan shows for an id not known yet', () => {
    const text = renderText(estate, { color: false });
    expect(text).toContain('"acs:cr:cn-beijing:2:instance/(known after apply)"');
    expect(md).toContain('"acs:cr:cn-beijing:2:instance/(known after apply)"');
    expect(text).toContain('1. Allow-list instance bj (instance id known after apply) with a ticket');
    expect(`${text}${md}`).not.toContain('{{');
  });

  it('fills ids the plan knows (refs, or a live object an action changes)', () => {
    const known = plan(estate.actions.filter((a) => a.id !== 'instance[bj]').map((a) => ({ ...a, dependsOn: a.dependsOn.filter((d) => d !== 'instance[bj]') })), { refs: { 'instance[bj]': { instanceId: 'cri-bj000001' } } });
    expect(renderText(known, { color: false })).toContain('Allow-list instance bj (cri-bj000001) with a ticket');
    expect(renderMarkdown(known)).toContain('instance/cri-bj000001"');
  });
});

describe('id placeholders', () => {
  const ids = planIds(estate, new Map([['instance[hz]', { instanceId: 'cri-hz000001' }]]));
  it('uses what a run learned first, then the plan', () => {
    expect(fillIds('{{instance[hz].instanceId}}', ids)).toBe('cri-hz000001');
    expect(fillIds('id ({{instance[hz].instanceId}})', ids)).toBe('id (cri-hz000001)');
    expect(fillIds('x/{{instance[bj].instanceId}}', ids)).toBe('x/(known after apply)');
  });
  it('leaves text alone that only looks like a placeholder', () => {
    expect(fillIds('{{instance[elsewhere].instanceId}} {{.Tag}} {{ x }}', ids)).toBe('{{instance[elsewhere].instanceId}} {{.Tag}} {{ x }}');
  });
  it('reads the ids of live objects an action changes', () => {
    const p = plan([{ id: 'instance[old]', kind: 'instance', type: 'update', account: 'prod', region: 'cn-hangzhou', instance: 'old', key: { instance: 'old' }, ids: { instanceId: 'cri-old' }, before: {}, changes: [], dependsOn: [] }]);
    expect(fillIds('{{instance[old].instanceId}}', planIds(p))).toBe('cri-old');
  });
});
