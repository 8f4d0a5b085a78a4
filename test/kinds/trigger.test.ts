import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { triggerKind as typed, urlDigest } from '../../src/kinds/trigger.js';
import type { Kind } from '../../src/plan/kind.js';
import { diffOf } from '../../src/plan/planner.js';
import { cliFor, planJson, type Cli } from '../adopt/support.js';
import { runCli } from '../support/cli.js';
import { startEstate, type Estate } from '../support/estate.js';
import { buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const kind: Kind = typed;
const UID = '1234567890123456';
const SECRET = 'https://hooks.example.com/deploy?token=s3cr3t-t0k3n-value';
const OTHER = 'https://hooks.example.com/deploy?token=an0ther-t0k3n';

const yaml = (triggers: string, prune = false) => `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Basic
    name: acme-hz
    prune: ${prune}
    namespaces:
      team-a:
        repositories:
          api:
            summary: api
            triggers:
${triggers}
`;

describe('trigger: desired and diff', () => {
  const config = (url: string): RegistryDocument => ({
    version: 1,
    accounts: { prod: { uid: UID } },
    instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Basic', name: 'acme-hz', namespaces: { 'team-a': { repositories: { api: { summary: 'api', triggers: [{ name: 'deploy', url, tags: ['v2', 'v1'] }] } } } } } },
  });
  it('declares the URL sensitive, sorts tags, requires the repository', () => {
    const [d] = kind.desired(config(SECRET));
    expect([d!.id, d!.spec, d!.sensitive, d!.requires]).toEqual([
      'instance[hz].namespace[team-a].repository[api].trigger[deploy]',
      { url: SECRET, type: 'tags', tags: ['v1', 'v2'], tagFilter: '' },
      ['url'],
      ['instance[hz]', 'instance[hz].namespace[team-a]', 'instance[hz].namespace[team-a].repository[api]'],
    ]);
  });
  it('compares the URL through the live digest (salted with the trigger id), every change in place', () => {
    const [d] = kind.desired(config(SECRET));
    const live = { ...d!, spec: { ...d!.spec, url: urlDigest('crw-1', SECRET) }, ids: { instanceId: 'cri-1', repoId: 'crr-1', triggerId: 'crw-1' }, container: 'x', prunable: false };
    expect(diffOf(kind, d!, live).changes).toEqual([]);
    expect(urlDigest('crw-2', SECRET)).not.toBe(urlDigest('crw-1', SECRET));
    const changed = { ...live, spec: { ...live.spec, url: urlDigest('crw-1', OTHER), type: 'tagFilter', tags: [], tagFilter: 'v.*' } };
    expect(diffOf(kind, d!, changed).changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['tagFilter:update', 'tags:update', 'type:update', 'url:update']);
  });
});

describe('trigger: against the emulator, through the CLI', () => {
  const clock = testClock();
  let estate: Estate;
  let cwd: string;
  let cli: Cli;
  let hz: string;
  let repoId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: hz, ...params }, estate.keys['prod']!);
  const live = async () => ((await cr('ListRepoTrigger', { RepoId: repoId }))['Triggers'] as Record<string, unknown>[]).map((t) => [t['TriggerName'], t['TriggerType'], t['TriggerTag'], t['TriggerUrl']]);
  const everything = () => readdirSync(join(cwd, '.acrctl'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')).join('\n');

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Basic', clock);
    await cr('CreateNamespace', { NamespaceName: 'team-a', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    repoId = (await cr('CreateRepository', { RepoNamespaceName: 'team-a', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'api' }))['RepoId'] as string;
    await cr('CreateRepoTrigger', { RepoId: repoId, TriggerName: 'by-hand', TriggerType: 'ALL', TriggerUrl: 'https://hooks.example.com/by-hand?key=handmade-key' });
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-trigger-'));
    cli = cliFor(estate.t, cwd);
  });
  afterAll(async () => {
    await estate.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('refuses a URL written in the file (a secret belongs in the environment)', async () => {
    writeFileSync(join(cwd, 'plain.yaml'), yaml(`              - { name: deploy, url: "${SECRET}" }`));
    const r = await runCli(['validate', '-f', 'plain.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('${env:NAME}');
    expect(r.stdout + r.stderr).not.toContain('s3cr3t');
    writeFileSync(join(cwd, 'both.yaml'), yaml('              - { name: deploy, url: "${env:X}", tags: [v1], tagFilter: "v.*" }'));
    const both = await runCli(['validate', '-f', 'both.yaml'], { cwd, env: { X: SECRET } });
    expect(both.code).toBe(1);
    expect(both.stdout + both.stderr).toContain('tags or tagFilter, not both');
  });

  it('plans and applies with the URL masked everywhere; the next plan is clean; the undeclared trigger is unmanaged', async () => {
    writeFileSync(join(cwd, 'registry.yaml'), yaml('              - { name: deploy, url: "${env:DEPLOY_HOOK}", tagFilter: "release-.*" }'));
    const env = { DEPLOY_HOOK: SECRET };
    for (const format of ['text', 'json', 'markdown']) {
      const plan = await cli(['plan', '-f', 'registry.yaml', '--format', format, '--detailed-exitcode'], env);
      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stdout).toContain('(sensitive)');
      expect(plan.stdout + plan.stderr).not.toContain('s3cr3t');
    }
    const json = JSON.parse((await cli(['plan', '-f', 'registry.yaml', '--format', 'json'], env)).stdout) as { actions: { id: string; type: string }[]; unmanaged: { id: string }[] };
    expect(json.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].namespace[team-a].repository[api].trigger[deploy]']);
    expect(json.unmanaged.map((u) => u.id)).toEqual(['instance[hz].namespace[team-a].repository[api].trigger[by-hand]']);
    const r = await cli(['apply', '-f', 'registry.yaml', '--auto-approve'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('s3cr3t');
    expect(everything()).not.toContain('s3cr3t');
    expect(await live()).toEqual([
      ['by-hand', 'ALL', '', 'https://hooks.example.com/by-hand?key=handmade-key'],
      ['deploy', 'TAG_REG_EXP', 'release-.*', SECRET],
    ]);
    expect((await cli(['plan', '-f', 'registry.yaml', '--detailed-exitcode'], env)).code).toBe(0);
  });

  it('a new URL is an update shown as (sensitive); prune deletes the undeclared trigger without showing its URL', async () => {
    writeFileSync(join(cwd, 'registry.yaml'), yaml('              - { name: deploy, url: "${env:DEPLOY_HOOK}", tags: [v1, v2] }', true));
    const env = { DEPLOY_HOOK: OTHER };
    const plan = await cli(['plan', '-f', 'registry.yaml'], env);
    expect(plan.stdout).toMatch(/~ instance\[hz\]\.namespace\[team-a\]\.repository\[api\]\.trigger\[deploy\]/);
    expect(plan.stdout).toMatch(/- instance\[hz\]\.namespace\[team-a\]\.repository\[api\]\.trigger\[by-hand\]/);
    expect(plan.stdout + plan.stderr).not.toMatch(/an0ther|s3cr3t|handmade-key/);
    const r = await cli(['apply', '-f', 'registry.yaml', '--auto-approve'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(everything()).not.toMatch(/an0ther|s3cr3t/);
    expect(await live()).toEqual([['deploy', 'TAG_LIST', '["v1","v2"]', OTHER]]);
    expect((await cli(['plan', '-f', 'registry.yaml', '--detailed-exitcode'], env)).code).toBe(0);
  });

  it('create reconciles by name and is idempotent; delete accepts a trigger already gone', async () => {
    const config: RegistryDocument = {
      version: 1,
      accounts: { prod: { uid: UID } },
      instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Basic', name: 'acme-hz', namespaces: { 'team-a': { repositories: { api: { summary: 'api', triggers: [{ name: 'extra', url: SECRET }] } } } } } },
    };
    const plan = await planFor(config, estate.session, allKinds);
    const action = plan.actions.find((a) => a.id.endsWith('trigger[extra]'))!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(kind, h.ctx, action);
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'done', ids: first.ids });
    expect(await carryOut(kind, h.ctx, action)).toEqual(first);
    expect(await successfulCalls(estate, 'CreateRepoTrigger')).toBe(1);
    expect(JSON.stringify(h.intents)).not.toContain('s3cr3t');
    await expect(carryOut(kind, h.ctx, { ...action, after: { ...action.after, url: OTHER } })).rejects.toMatchObject({ code: 'apply.exists_different' });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: first.ids! };
    delete (del as { after?: unknown }).after;
    await carryOut(kind, h.ctx, del);
    await carryOut(kind, h.ctx, del);
    expect(await reconcileAction(kind, h.ctx, del)).toEqual({ state: 'done' });
    expect(await successfulCalls(estate, 'DeleteRepoTrigger')).toBe(1);
  });

  it('adopts triggers with ${env:…} in place of their URLs; with the variable set, the adopted file plans no changes', async () => {
    // With the variable it names set, adopt's own check and --verify can use the real URL (docs/kinds.md).
    const r = await cli(['adopt', '--account', `prod=${UID}`, '-o', 'adopted.yaml'], { DEPLOY_HOOK: OTHER, ACRCTL_WEBHOOK_TEAM_A_API_DEPLOY: OTHER });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(cwd, 'adopted.yaml'), 'utf8');
    expect(text).not.toMatch(/an0ther|hooks\.example\.com/);
    expect(r.stderr).toContain('set ACRCTL_WEBHOOK_TEAM_A_API_DEPLOY to it');
    const doc = parse(text) as { instances: Record<string, { namespaces: Record<string, { repositories: Record<string, { triggers?: unknown[] }> }> }> };
    expect(Object.values(doc.instances)[0]!.namespaces['team-a']!.repositories['api']!.triggers).toEqual([{ name: 'deploy', url: '${env:ACRCTL_WEBHOOK_TEAM_A_API_DEPLOY}', tags: ['v1', 'v2'] }]);
    // The round trip of expectRoundTrip, with the variable set for validate too.
    const env = { ACRCTL_WEBHOOK_TEAM_A_API_DEPLOY: OTHER };
    const valid = await runCli(['validate', '-f', 'adopted.yaml'], { cwd, env });
    expect(valid.code, valid.stdout + valid.stderr).toBe(0);
    const plan = await planJson(cliFor(estate.t, cwd, env), 'adopted.yaml');
    expect(plan.code, plan.raw).toBe(0);
    expect([plan.actions, plan.unmanaged]).toEqual([[], []]);
    expect(plan.raw).not.toContain('an0ther');
    const drift = await cliFor(estate.t, cwd, env)(['drift', '-f', 'adopted.yaml']);
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
    // With another URL in the variable, the plan shows the URL changed, masked.
    const wrong = await cliFor(estate.t, cwd, { ACRCTL_WEBHOOK_TEAM_A_API_DEPLOY: SECRET })(['plan', '-f', 'adopted.yaml']);
    expect(wrong.stdout).toContain('~ url');
    expect(wrong.stdout + wrong.stderr).not.toMatch(/s3cr3t|an0ther/);
  });
});
