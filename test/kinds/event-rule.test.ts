import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import { validateSource } from '../../src/config/load.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import type { EventRule } from '../../src/config/model.generated.js';
import { EVENT_RULE_CALL, makeEventRuleKind } from '../../src/kinds/event-rule.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import type { Kind } from '../../src/plan/kind.js';
import { publicPlan } from '../../src/plan/sensitive.js';
import { cliFor, expectRoundTrip } from '../adopt/support.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const kind: Kind = makeEventRuleKind() as unknown as Kind;
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

  it('once created in the console, without a run store to compare with: sends the declared configuration as a task on every plan, saying why; a name alone plans nothing', async () => {
    await consoleCreate({ RuleName: 'scan-alerts', EventType: 'cr:Artifact:BuildCompleted' });
    await consoleCreate({ RuleName: 'by-hand', EventType: 'cr:Artifact:SigningCompleted' });
    const plan = await planFor(doc([declared]), estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['run instance[hz].event-rule[scan-alerts]']);
    expect(plan.actions[0]!.summary).toContain('compared with what acrctl last sent, never read back');
    expect(plan.actions[0]!.reason).toBe('this command reads no run store');
    expect(plan.unmanaged.filter((u) => u.kind === 'event-rule').map((u) => u.id)).toEqual(['instance[hz].event-rule[by-hand]']);
    expect(plan.findings.filter((f) => f.id.startsWith('event-rule/')).map((f) => [f.id, f.severity, f.where, f.message])).toEqual([
      [
        'event-rule/not-recorded',
        'info',
        'instance[hz].event-rule[scan-alerts]',
        'the configuration of event rule scan-alerts will be sent: the API cannot read a rule back, and this command reads no run store, so there is nothing to compare it with (sending the same configuration again changes nothing)',
      ],
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(await stored('scan-alerts')).toMatchObject({ eventType: 'cr:Artifact:ScanCompleted', eventScope: 'NAMESPACE', namespaces: ['team-a'], repoNames: [], tagFilter: 'release-.*' });
    // A config (it may hold a webhook URL or a DingTalk token) is sent but never shown.
    const secret = await planFor(doc([{ ...declared, config: '{"url":"https://hooks.example.com/s3cret"}' }]), estate.session, allKinds);
    expect(secret.actions[0]!.sensitive).toEqual(['config']);
    expect(JSON.stringify(publicPlan(secret))).not.toContain('s3cret');
    // Still planned: without a run store nothing can tell that the rule now matches.
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
      // Drift cannot see a rule's configuration: one no run records is not drift; a missing rule is an error.
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

/** Every file under `dir`, recursively, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [{ path: p, text: readFileSync(p, 'utf8') }];
  });
}

describe('event-rule: converges through the CLI (the run store records what acrctl sent)', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  let cwd: string;
  // A webhook token in `config`, given as ${env:…} under a name that is not secret-looking: only the
  // kind's own masking can keep it out of plans, journals and output.
  const TOKEN = 'Zq9hookTok3n';
  const env = { EVENT_HOOK: `{"url":"https://hooks.example.com/${TOKEN}"}` };
  const rule = (tagFilter: string): EventRule => ({ name: 'scan-alerts', eventType: 'cr:Artifact:ScanCompleted', scope: 'namespace', namespaces: ['team-a'], tagFilter, config: '${env:EVENT_HOOK}' });
  const write = (tagFilter: string) => writeFileSync(join(cwd, 'registry.yaml'), JSON.stringify(doc([rule(tagFilter)])));
  const outputs: string[] = [];
  const cli = async (args: string[]) => {
    const r = await cliFor(estate.t, cwd)(args, env);
    outputs.push(r.stdout + r.stderr);
    return r;
  };
  const updates = async () => ((await estate.t.admin<{ action: string; status: number; code: string | null }[]>('GET', '/_emulator/calls')).body).filter((c) => c.action === EVENT_RULE_CALL && c.status === 200 && c.code === null).length;
  const stored = async () => ((await estate.t.admin<{ services: { cr: { instances: Record<string, { eventRules?: { name: string; tagFilter?: string }[] }> } } }>('GET', '/_emulator/state')).body.services.cr.instances[hz]!.eventRules ?? []).find((r) => r.name === 'scan-alerts');
  const journals = () => filesUnder(cwd).filter((f) => f.path.endsWith('.jsonl'));

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateNamespace', { InstanceId: hz, NamespaceName: 'team-a', AutoCreateRepo: false }, estate.keys['prod']!);
    await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateRepository', { InstanceId: hz, RepoNamespaceName: 'team-a', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'api' }, estate.keys['prod']!);
    await estate.t.admin('POST', `/_emulator/cr/instances/${hz}/event-rules`, { RuleName: 'scan-alerts', EventType: 'cr:Artifact:BuildCompleted' });
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-events-cli-'));
  });
  afterAll(async () => {
    await estate.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('no record: the task with the reason and an info finding; apply; then no changes until the declared tagFilter changes; then clean again', async () => {
    write('release-.*');
    let plan = await cli(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(2);
    expect(plan.stdout).toContain('# (no run in .acrctl/runs records the configuration acrctl sent to this rule)');
    expect(plan.stdout).toContain('.acrctl/runs records the configuration acrctl sent to this rule, so there is nothing to compare it with');
    expect(plan.stdout).toContain('config       = (sensitive)');

    let r = await cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Verified: a new plan shows no changes.');
    expect(await updates()).toBe(1);
    plan = await cli(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout).toBe(0);
    expect((await cli(['drift'])).code).toBe(0);

    // The declared configuration changes: an update naming the run that sent the last one; drift sees it.
    write('v.*');
    plan = await cli(['plan', '--detailed-exitcode', '--out', 'changed.json']);
    expect(plan.code, plan.stdout).toBe(2);
    expect(plan.stdout).toMatch(/# \(configuration changed since run \d{8}T\d{6}Z-[0-9a-f]{6}\)/);
    expect(plan.stdout).toContain('~ configuration = "as run ');
    expect(plan.stdout).toContain('(declared configuration not applied; a change made in the console is not visible)');
    const drift = await cli(['drift']);
    expect(drift.code, drift.stdout + drift.stderr).toBe(2);
    expect(drift.stdout).toContain('instance[hz].event-rule[scan-alerts]');
    expect(drift.stdout).toContain('declared configuration not applied');

    r = await cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Verified: a new plan shows no changes.');
    expect(await updates()).toBe(2);
    expect(await stored()).toMatchObject({ tagFilter: 'v.*' });
    expect((await cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    // Going back to the first configuration is a change too: only the newest finished send counts.
    write('release-.*');
    expect((await cli(['plan', '--detailed-exitcode'])).code).toBe(2);
    write('v.*');
  });

  it('a crash mid-call (an intent without its done record) records nothing: the next plan sends the configuration again', async () => {
    // What kill -9 between the request and its `done` leaves: drop the done of every send.
    const intents = new Set<string>();
    for (const j of journals()) {
      const lines = j.text.split('\n').filter((l) => l !== '');
      for (const l of lines) {
        const rec = JSON.parse(l) as { t: string; id?: string; call?: string };
        if (rec.t === 'intent' && rec.call === EVENT_RULE_CALL) intents.add(rec.id!);
      }
      const kept = lines.filter((l) => {
        const rec = JSON.parse(l) as { t: string; id?: string };
        return !(rec.t === 'done' && intents.has(rec.id!));
      });
      writeFileSync(j.path, kept.map((l) => `${l}\n`).join(''));
    }
    expect(intents.size).toBeGreaterThan(0);
    const plan = await cli(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(2);
    expect(plan.stdout).toContain('# (no run in .acrctl/runs records the configuration acrctl sent to this rule)');
    const before = await updates();
    const r = await cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await updates()).toBe(before + 1);
    expect((await cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('the config value never appears in journals, run plans, saved plans or output; journals keep its salted digest', async () => {
    expect((await cli(['plan', '--format', 'json', '--out', 'saved.json'])).code).toBe(0);
    // The update's live side (`before`) names the run, never the digest (a live spec is saved as it is where nothing marks it sensitive).
    expect(readFileSync(join(cwd, 'changed.json'), 'utf8')).toContain('"appliedBy": "run ');
    const artefacts = filesUnder(cwd);
    expect(journals().some((f) => f.text.includes(`"call":"${EVENT_RULE_CALL}"`) && f.text.includes('"secretDigest":"scrypt:'))).toBe(true);
    for (const f of artefacts) expect(f.text.includes(TOKEN), `${f.path} holds the config`).toBe(false);
    for (const f of artefacts.filter((x) => x.path.endsWith('.json'))) expect(f.text, f.path).not.toContain('scrypt:');
    for (const o of outputs) expect(o).not.toContain(TOKEN);
  });
});
