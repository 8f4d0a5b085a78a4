/**
 * Kinds `build-source` and `build-rule` (issue 14 item 9): desired objects and diffs, validation,
 * and through the CLI against the emulator: the console-only code-platform account as a plan
 * finding and a typed apply error, create, update in place, replace where the API cannot clear,
 * prune of rules, a source never unbound, crash safety, adopt round trip.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { RegistryDocument, Repository } from '../../src/config/model.js';
import { buildRuleKind } from '../../src/kinds/build-rule.js';
import { buildSourceKind } from '../../src/kinds/build-source.js';
import { allKinds } from '../../src/kinds/index.js';
import type { Kind } from '../../src/plan/kind.js';
import { diffOf } from '../../src/plan/planner.js';
import { cliFor, planJson, type Cli } from '../adopt/support.js';
import { runCli } from '../support/cli.js';
import { startEstate, type Estate } from '../support/estate.js';
import { buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const rules: Kind = buildRuleKind;
const sources: Kind = buildSourceKind;
const UID = '3434343434343434';
const REPO = 'instance[hz].namespace[apps].repository[web]';

const yaml = (build: string, prune = false) => `version: 1
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
      apps:
        repositories:
          web:
            summary: web
${build}
`;

const config = (build: Readonly<Record<string, Repository>>): RegistryDocument => ({
  version: 1,
  accounts: { prod: { uid: UID } },
  instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Basic', name: 'acme-hz', namespaces: { apps: { repositories: build } } } },
});

describe('build-source and build-rule: desired and diff', () => {
  const doc = config({ web: { summary: 'web', build: { source: { platform: 'GITHUB', namespace: 'acme', repository: 'web' }, rules: [{ branch: 'main', imageTag: 'latest', platforms: ['linux/arm64', 'linux/amd64'] }, { gitTag: 'v.*', imageTag: 'stable', buildArgs: ['A=1'] }] } } });

  it('fills the defaults, keys rules by push and image tag, and orders rules after the source', () => {
    expect(sources.desired(doc).map((d) => [d.id, d.spec, d.requires])).toEqual([
      [`${REPO}.build-source`, { platform: 'GITHUB', namespace: 'acme', repository: 'web', autoBuild: true, disableCache: false, overseaBuild: false }, ['instance[hz]', 'instance[hz].namespace[apps]', REPO]],
    ]);
    expect(rules.desired(doc).map((d) => [d.id, d.key, d.spec])).toEqual([
      [`${REPO}.build-rule[branch:main:latest]`, { instance: 'hz', namespace: 'apps', repository: 'web', push: 'branch', name: 'main', imageTag: 'latest' }, { dockerfileLocation: '/', dockerfileName: 'Dockerfile', platforms: ['linux/amd64', 'linux/arm64'], buildArgs: [] }],
      [`${REPO}.build-rule[tag:v.*:stable]`, { instance: 'hz', namespace: 'apps', repository: 'web', push: 'tag', name: 'v.*', imageTag: 'stable' }, { dockerfileLocation: '/', dockerfileName: 'Dockerfile', platforms: ['linux/amd64'], buildArgs: ['A=1'] }],
    ]);
    expect(rules.desired(doc)[0]!.requires).toContain(`${REPO}.build-source`);
  });

  const [, tagRule] = rules.desired(doc);
  const live = (spec: Record<string, unknown>) => ({ ...tagRule!, spec: { ...tagRule!.spec, ...spec }, ids: { instanceId: 'cri-1', repoId: 'crr-1', buildRuleId: 'crbr-1' }, container: REPO, prunable: false });
  it.each([
    { reason: 'nothing differs', live: {}, want: [] },
    { reason: 'the Dockerfile and platforms change in place', live: { dockerfileName: 'Dockerfile.old', platforms: ['linux/amd64', 'linux/arm64'] }, want: ['dockerfileName:update', 'platforms:update'] },
    { reason: 'other build arguments are set in place', live: { buildArgs: ['A=0'] }, want: ['buildArgs:update'] },
  ])('$reason', ({ live: l, want }) => {
    expect(diffOf(rules, tagRule!, live(l)).changes.map((c) => `${c.path}:${c.impact}`)).toEqual(want);
  });
  it('build arguments that become none replace the rule (the API cannot send an empty list)', () => {
    const noArgs = rules.desired(config({ web: { summary: 'web', build: { rules: [{ gitTag: 'v.*', imageTag: 'stable' }] } } }))[0]!;
    expect(diffOf(rules, noArgs, live({})).changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['buildArgs:replace']);
  });
});

describe('build-source and build-rule: against the emulator, through the CLI', () => {
  const clock = testClock();
  let estate: Estate;
  let cwd: string;
  let cli: Cli;
  let hz: string;
  let repoId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: hz, ...params }, estate.keys['prod']!);
  const planOf = async (file: string): Promise<{ actions: { id: string; type: string }[]; unmanaged: { id: string }[]; findings: { id: string; message: string }[] }> => {
    const r = await cli(['plan', '-f', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { actions: { id: string; type: string }[]; unmanaged: { id: string }[]; findings: { id: string; message: string }[] };
  };
  const liveRules = async () => ((await cr('ListRepoBuildRule', { RepoId: repoId }))['BuildRules'] as Record<string, unknown>[]).map((b) => [b['PushType'], b['PushName'], b['ImageTag'], b['DockerfileName'], b['Platforms'], b['BuildArgs']]);
  const BUILD = `            build:
              source: { platform: GITHUB, namespace: acme, repository: web, overseaBuild: true }
              rules:
                - { branch: main, imageTag: latest }
                - { gitTag: "v.*", imageTag: stable, platforms: [linux/amd64, linux/arm64], buildArgs: ["A=1"] }`;

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Basic', clock);
    await cr('CreateNamespace', { NamespaceName: 'apps', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    repoId = (await cr('CreateRepository', { RepoNamespaceName: 'apps', RepoName: 'web', RepoType: 'PRIVATE', Summary: 'web' }))['RepoId'] as string;
    await cr('CreateRepoBuildRule', { RepoId: repoId, PushType: 'GIT_BRANCH', PushName: 'dev', ImageTag: 'dev' });
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-build-'));
    cli = cliFor(estate.t, cwd);
  });
  afterAll(async () => {
    await estate.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('refuses duplicate rules and a rule with both or neither push, at file:line:column', async () => {
    writeFileSync(join(cwd, 'bad.yaml'), yaml(`            build:
              rules:
                - { branch: main, imageTag: latest }
                - { branch: main, imageTag: latest, dockerfileName: Other }
                - { branch: main, gitTag: "v.*", imageTag: x }
                - { imageTag: y }`));
    const r = await runCli(['validate', '-f', 'bad.yaml'], { cwd });
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/bad\.yaml:19:\d+.*build rule "branch:main:latest" is declared twice/);
    expect(out).toContain('branch or gitTag, not both');
    expect(out).toContain('is missing the required key "gitTag"');
  });

  it('plans the bind with a finding naming the console-only account; apply stops with a typed error until it is bound', async () => {
    writeFileSync(join(cwd, 'registry.yaml'), yaml(BUILD));
    const plan = await planOf('registry.yaml');
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([`create ${REPO}.build-rule[branch:main:latest]`, `create ${REPO}.build-rule[tag:v.*:stable]`, `create ${REPO}.build-source`]);
    expect(plan.unmanaged.map((u) => u.id)).toEqual([`${REPO}.build-rule[branch:dev:dev]`]);
    const finding = plan.findings.find((f) => f.id === 'build-source-account');
    expect(finding?.message).toContain('needs a GitHub account bound to instance acme-hz in the console');
    const r = await cli(['apply', '-f', 'registry.yaml', '--auto-approve']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('the instance has no GitHub account bound');
    expect(r.stdout + r.stderr).toContain('Code Source');
  });

  it('applies once the account is bound; the next plan is clean and shows no finding', async () => {
    expect((await estate.t.admin('POST', '/_emulator/cr/code-sources', { accountUid: UID, region: 'cn-hangzhou', instanceName: 'acme-hz', platform: 'GITHUB' })).status).toBe(200);
    const r = await cli(['apply', '-f', 'registry.yaml', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await cr('GetRepoSourceCodeRepo', { RepoId: repoId })).toMatchObject({ CodeRepoType: 'GITHUB', CodeRepoNamespaceName: 'acme', CodeRepoName: 'web', OverseaBuild: 'true', AutoBuild: 'true' });
    expect(await liveRules()).toEqual([
      ['GIT_BRANCH', 'dev', 'dev', 'Dockerfile', ['linux/amd64'], []],
      ['GIT_BRANCH', 'main', 'latest', 'Dockerfile', ['linux/amd64'], []],
      ['GIT_TAG', 'v.*', 'stable', 'Dockerfile', ['linux/amd64', 'linux/arm64'], ['A=1']],
    ]);
    const again = await planOf('registry.yaml');
    expect(again.actions).toEqual([]);
    expect(again.findings.map((f) => f.id)).not.toContain('build-source-account');
  });

  it('updates the source and a rule in place, replaces a rule whose build arguments go, prunes the undeclared rule', async () => {
    writeFileSync(join(cwd, 'registry.yaml'), yaml(`            build:
              source: { platform: GITHUB, namespace: acme, repository: web-app }
              rules:
                - { branch: main, imageTag: latest, dockerfileName: Dockerfile.prod }
                - { gitTag: "v.*", imageTag: stable, platforms: [linux/amd64, linux/arm64] }`, true));
    const plan = await planOf('registry.yaml');
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([
      `delete ${REPO}.build-rule[branch:dev:dev]`,
      `update ${REPO}.build-rule[branch:main:latest]`,
      `replace ${REPO}.build-rule[tag:v.*:stable]`,
      `update ${REPO}.build-source`,
    ]);
    const r = await cli(['apply', '-f', 'registry.yaml', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await cr('GetRepoSourceCodeRepo', { RepoId: repoId })).toMatchObject({ CodeRepoName: 'web-app', OverseaBuild: 'false' });
    expect(await liveRules()).toEqual([
      ['GIT_BRANCH', 'main', 'latest', 'Dockerfile.prod', ['linux/amd64'], []],
      ['GIT_TAG', 'v.*', 'stable', 'Dockerfile', ['linux/amd64', 'linux/arm64'], []],
    ]);
    expect((await planOf('registry.yaml')).actions).toEqual([]);
  });

  it('removing build.source plans no delete (the API cannot unbind) and says so', async () => {
    writeFileSync(join(cwd, 'nosource.yaml'), yaml(`            build:
              rules:
                - { branch: main, imageTag: latest, dockerfileName: Dockerfile.prod }
                - { gitTag: "v.*", imageTag: stable, platforms: [linux/amd64, linux/arm64] }`, true));
    const plan = await planOf('nosource.yaml');
    expect(plan.actions).toEqual([]);
    const finding = plan.findings.find((f) => f.id === 'build-source-not-unbound');
    expect(finding?.message).toContain('the API has no call to unbind a source');
  });

  it('create is idempotent and finds a rule whose create answer was lost; delete accepts a rule already gone', async () => {
    const doc = config({ web: { summary: 'web', build: { rules: [{ branch: 'extra', imageTag: 'x' }] } } });
    const plan = await planFor(doc, estate.session, allKinds);
    const action = plan.actions.find((a) => a.id.endsWith('build-rule[branch:extra:x]'))!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(rules, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(rules, h.ctx, action);
    expect(await reconcileAction(rules, h.ctx, action)).toEqual({ state: 'done', ids: first.ids });
    expect(await carryOut(rules, h.ctx, action)).toEqual(first);
    expect(await successfulCalls(estate, 'CreateRepoBuildRule')).toBe(1);
    await expect(carryOut(rules, h.ctx, { ...action, after: { ...action.after, dockerfileName: 'Other' } })).rejects.toMatchObject({ code: 'apply.exists_different' });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: first.ids! };
    delete (del as { after?: unknown }).after;
    await carryOut(rules, h.ctx, del);
    await carryOut(rules, h.ctx, del);
    expect(await reconcileAction(rules, h.ctx, del)).toEqual({ state: 'done' });
    expect(await successfulCalls(estate, 'DeleteRepoBuildRule')).toBe(1);
  });

  it('adopts the source and the rules; the adopted file plans no changes', async () => {
    const r = await cli(['adopt', '--account', `prod=${UID}`, '-o', 'adopted.yaml']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { namespaces: Record<string, { repositories: Record<string, { build?: unknown }> }> }> };
    expect(Object.values(doc.instances)[0]!.namespaces['apps']!.repositories['web']!.build).toEqual({
      source: { platform: 'GITHUB', namespace: 'acme', repository: 'web-app' },
      rules: [
        { branch: 'main', imageTag: 'latest', dockerfileName: 'Dockerfile.prod' },
        { gitTag: 'v.*', imageTag: 'stable', platforms: ['linux/amd64', 'linux/arm64'] },
      ],
    });
    const plan = await planJson(cli, 'adopted.yaml');
    expect(plan.code, plan.raw).toBe(0);
    expect([plan.actions, plan.unmanaged]).toEqual([[], []]);
  });
});
