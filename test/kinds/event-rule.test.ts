import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import { validateSource } from '../../src/config/load.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import type { EventRule } from '../../src/config/model.generated.js';
import { eventRuleKind as typed } from '../../src/kinds/event-rule.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import type { Kind } from '../../src/plan/kind.js';
import { publicPlan } from '../../src/plan/sensitive.js';
import { cliFor, expectRoundTrip } from '../adopt/support.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const kind: Kind = typed;
const UID = '1234567890123456';
const NAMESPACES = { 'team-a': { repositories: { api: { summary: 'api' } } } };

function doc(rules: EventRule[], over: Partial<Instance> = {}): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', namespaces: NAMESPACES, eventRules: rules, ...over } } };
}

describe('event-rule: desired and validation', () => {
  it('keeps only declared fields, in API terms; a config is a sensitive field; requires what it names', () => {
    const found = kind.desired(doc([
      { name: 'bare' },
      { name: 'repo', eventType: 'cr:Artifact:ScanCompleted', scope: 'repository', namespace: 'team-a', repositories: ['api'], tagFilter: 'v.*', config: '{"url":"https://hooks.example.com/x"}' },
    ]));
    expect(found.map((d) => [d.id, d.spec, d.requires, d.sensitive ?? [], d.summary !== undefined])).toEqual([
      ['instance[hz].event-rule[bare]', {}, ['instance[hz]'], [], false],
      [
        'instance[hz].event-rule[repo]',
        { eventType: 'cr:Artifact:ScanCompleted', scope: 'repository', namespaces: ['team-a'], repositories: ['api'], tagFilter: 'v.*', config: '{"url":"https://hooks.example.com/x"}' },
        ['instance[hz]', 'instance[hz].namespace[team-a]', 'instance[hz].namespace[team-a].repository[api]'],
        ['config'],
        true,
      ],
    ]);
  });

  const head = `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    namespaces:
      team-a: {}
    eventRules:
`;
  const ids = (items: string): string[] => validateSource(head + items, 'r.yaml', { references: languageReferences(allKinds) }).findings.map((f) => `${f.id}@${f.location.line}:${f.location.column}`);
  it.each([
    { reason: 'a name alone', items: '      - { name: a }\n', want: [] as string[] },
    { reason: 'a namespace rule', items: '      - { name: a, eventType: cr:Artifact:BuildCompleted, scope: namespace, namespaces: [team-a], channel: EVENT_BRIDGE }\n', want: [] },
    { reason: 'a name twice', items: '      - { name: a }\n      - { name: a }\n', want: ['ref/duplicate-key@14:17'] },
    { reason: 'an undeclared namespace', items: '      - { name: a, scope: namespace, namespaces: [team-z] }\n', want: ['ref/unknown-namespace@13:51'] },
    { reason: 'a config that is not JSON', items: '      - { name: a, config: "url=https://x" }\n', want: ['ref/event-rule-config@13:28'] },
    { reason: 'namespaces without a scope', items: '      - { name: a, namespaces: [team-a] }\n', want: ['schema/invalid@13:20'] },
    { reason: 'a tag filter that is not RE2 (lookahead)', items: '      - { name: a, tagFilter: "(?!dev).*" }\n', want: ['tag-pattern-not-re2@13:20'] },
    { reason: 'an unknown event type', items: '      - { name: a, eventType: cr:Artifact:Pushed }\n', want: ['schema/enum@13:31'] },
  ])('validation: $reason', ({ items, want }) => {
    expect(ids(items)).toEqual(want);
  });
});

describe('event-rule: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  const consoleCreate = (body: Record<string, unknown>) => estate.t.admin<{ RuleId: string }>('POST', `/_emulator/cr/instances/${hz}/event-rules`, body);
  const stored = async (name: string) => ((await estate.t.admin<{ services: { cr: { instances: Record<string, { eventRules?: { name: string }[] }> } } }>('GET', '/_emulator/state')).body.services.cr.instances[hz]!.eventRules ?? []).find((r) => r.name === name);
  const declared: EventRule = { name: 'scan-alerts', eventType: 'cr:Artifact:ScanCompleted', scope: 'namespace', namespaces: ['team-a'], tagFilter: 'release-.*' };

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateNamespace', { InstanceId: hz, NamespaceName: 'team-a', AutoCreateRepo: false }, estate.keys['prod']!);
    await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateRepository', { InstanceId: hz, RepoNamespaceName: 'team-a', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'api' }, estate.keys['prod']!);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('a declared rule that does not exist is an error finding with the console steps, never a create', async () => {
    const plan = await planFor(doc([declared]), estate.session, allKinds);
    expect(plan.actions).toEqual([]);
    expect(plan.findings.filter((f) => f.id.startsWith('event-rule/')).map((f) => [f.severity, f.where, f.message])).toEqual([
      [
        'error',
        'instance[hz].event-rule[scan-alerts]',
        `event rule scan-alerts is declared but does not exist, and the API cannot create event rules: create it in the Container Registry console first — instance acme-hz (${hz}) → Instance Management → Event Notification → Event Rules → Create Rule, with Rule Name "scan-alerts", Event Type "image scanned" (cr:Artifact:ScanCompleted), Effective Scope "Namespace" with team-a, Tag matching "release-.*" — then run acrctl plan again. Nothing is planned for it until then`,
      ],
    ]);
  });

  it('once created in the console: sends the declared configuration as a task on every plan (it cannot be read back); a name alone plans nothing', async () => {
    await consoleCreate({ RuleName: 'scan-alerts', EventType: 'cr:Artifact:BuildCompleted' });
    await consoleCreate({ RuleName: 'by-hand', EventType: 'cr:Artifact:SigningCompleted' });
    const plan = await planFor(doc([declared]), estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['run instance[hz].event-rule[scan-alerts]']);
    expect(plan.actions[0]!.summary).toContain('cannot tell whether it already matches');
    expect(plan.unmanaged.filter((u) => u.kind === 'event-rule').map((u) => u.id)).toEqual(['instance[hz].event-rule[by-hand]']);
    expect(plan.findings.filter((f) => f.id.startsWith('event-rule/'))).toEqual([]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(await stored('scan-alerts')).toMatchObject({ eventType: 'cr:Artifact:ScanCompleted', eventScope: 'NAMESPACE', namespaces: ['team-a'], repoNames: [], tagFilter: 'release-.*' });
    // A config (it may hold a webhook URL or a DingTalk token) is sent but never shown.
    const secret = await planFor(doc([{ ...declared, config: '{"url":"https://hooks.example.com/s3cret"}' }]), estate.session, allKinds);
    expect(secret.actions[0]!.sensitive).toEqual(['config']);
    expect(JSON.stringify(publicPlan(secret))).not.toContain('s3cret');
    // Still planned: nothing can tell that the rule now matches.
    expect((await planFor(doc([declared]), estate.session, allKinds)).actions.map((a) => a.type)).toEqual(['run']);
    expect((await planFor(doc([{ name: 'scan-alerts' }]), estate.session, allKinds)).actions).toEqual([]);
  });

  it('the task is idempotent after a crash (found again by name, sent again); delete accepts a rule already gone', async () => {
    const plan = await planFor(doc([declared]), estate.session, allKinds);
    const action = plan.actions[0]!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'absent' }); // present, never known up to date: send again
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(kind, h.ctx, action);
    expect(await carryOut(kind, h.ctx, action)).toEqual(first);
    expect(await successfulCalls(estate, 'UpdateEventCenterRule')).toBe(2);
    const del = { ...action, type: 'delete' as const, before: {}, ids: first.ids! };
    delete (del as { after?: unknown }).after;
    const other = plan.actions[0]!;
    expect(other.id).toBe('instance[hz].event-rule[scan-alerts]');
    await carryOut(kind, h.ctx, del);
    await carryOut(kind, h.ctx, del); // EVENT_CENTER_RULE_NOT_EXIST is success
    expect(await reconcileAction(kind, h.ctx, del)).toEqual({ state: 'done' });
    expect(await successfulCalls(estate, 'DeleteEventCenterRule')).toBe(1);
    await expect(carryOut(kind, h.ctx, action)).rejects.toMatchObject({ code: 'apply.event_rule_missing' });
  });

  it('adopts rules by name only, and a plan of the adopted file shows no changes; prune deletes the undeclared rule', async () => {
    await consoleCreate({ RuleName: 'scan-alerts', EventType: 'cr:Artifact:ScanCompleted' });
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-events-'));
    try {
      const cli = cliFor(estate.t, cwd);
      const r = await cli(['adopt', '--account', `prod=${UID}`, '-o', 'adopted.yaml']);
      expect(r.code, r.stderr).toBe(0);
      const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { eventRules?: unknown[] }> };
      expect(Object.values(adopted.instances)[0]!.eventRules).toEqual([{ name: 'by-hand' }, { name: 'scan-alerts' }]);
      await expectRoundTrip(cli, 'adopted.yaml', cwd);
      // Drift cannot see a rule's configuration: the configuration task is not drift; a missing rule is an error.
      writeFileSync(join(cwd, 'declared.yaml'), JSON.stringify(doc([declared, { name: 'by-hand' }])));
      const drift = await cli(['drift', '-f', 'declared.yaml']);
      expect(drift.code, drift.stdout + drift.stderr).toBe(0);
      writeFileSync(join(cwd, 'missing.yaml'), JSON.stringify(doc([declared, { name: 'by-hand' }, { name: 'gone' }])));
      const missing = await cli(['drift', '-f', 'missing.yaml']);
      expect(missing.code).toBe(1);
      expect(missing.stdout + missing.stderr).toContain('event rule gone is declared but does not exist');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    const prune = await planFor(doc([{ name: 'scan-alerts' }], { prune: true }), estate.session, allKinds);
    expect(prune.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['delete instance[hz].event-rule[by-hand]']);
    expect((await applyPlan(prune, allKinds, estate.session, { clock })).result.status).toBe('complete');
    expect(await stored('by-hand')).toBeUndefined();
  });

  it('a rule of an instance apply has yet to buy is a warning (create it once the instance exists), not an error', async () => {
    const cfg: RegistryDocument = { version: 1, accounts: { prod: { uid: UID } }, instances: { sh: { account: 'prod', region: 'cn-shanghai', edition: 'Basic', name: 'acme-sh', eventRules: [{ name: 'x', eventType: 'cr:Artifact:BuildCompleted' }] } } };
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[sh]']);
    expect(plan.findings.filter((f) => f.id.startsWith('event-rule/')).map((f) => [f.severity, f.message.split(' — ')[1]])).toEqual([['warning', 'instance acme-sh (once apply has bought it) → Instance Management → Event Notification → Event Rules → Create Rule, with Rule Name "x", Event Type "image built" (cr:Artifact:BuildCompleted)']]);
  });
});
