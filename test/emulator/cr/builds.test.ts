/**
 * cr 2018-12-01 repository builds (issue 14 item 9), driven over HTTP by the official openapi-core
 * runtime: the source-code binding (Create/Update/GetRepoSourceCodeRepo, refused while the instance
 * has no account of that platform bound in the console) and build rules (Create/Update/Delete/
 * ListRepoBuildRule), response fields checked against cr-2018-12-01.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';
const UID = '6262626262626262';
const NAME = 'builds';
let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;
let repo: string;

const cr = (action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> => t.callRpc('cr', REGION, action, { InstanceId: inst, ...params }, keys);
const bind = (platform: string, instanceName = NAME): Promise<{ status: number; body: unknown }> => t.admin('POST', '/_emulator/cr/code-sources', { accountUid: UID, region: REGION, instanceName, platform });

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account(UID);
  inst = await buyInstance(t, clock, keys, REGION, NAME, 'Basic');
  await cr('CreateNamespace', { NamespaceName: 'apps', AutoCreateRepo: false });
  repo = (await cr('CreateRepository', { RepoNamespaceName: 'apps', RepoName: 'web', RepoType: 'PRIVATE', Summary: 's' }))['RepoId'] as string;
});
afterAll(async () => {
  await t.close();
});

describe('source-code binding', () => {
  it('refuses to bind while no account of the platform is bound to the instance, then binds', async () => {
    const source = { RepoId: repo, CodeRepoType: 'GITHUB', CodeRepoNamespaceName: 'acme', CodeRepoName: 'web' };
    expectCrError(await cr('CreateRepoSourceCodeRepo', source), 'SOURCE_ACCOUNT_NOT_BOUND');
    expectCrError(await cr('GetRepoSourceCodeRepo', { RepoId: repo }), 'SOURCE_CODE_REPO_NOT_EXIST');
    // Another instance's binding does not count.
    expect((await bind('GITHUB', 'elsewhere')).status).toBe(200);
    expectCrError(await cr('CreateRepoSourceCodeRepo', source), 'SOURCE_ACCOUNT_NOT_BOUND');
    const bound = await bind('GITHUB');
    expect(bound).toMatchObject({ status: 200, body: { platforms: ['GITHUB'], created: true } });
    expect((await bind('GITHUB')).body).toEqual({ platforms: ['GITHUB'], created: false });
    expectCr('CreateRepoSourceCodeRepo', await cr('CreateRepoSourceCodeRepo', { ...source, AutoBuild: true, OverseaBuild: true }));
    const got = await cr('GetRepoSourceCodeRepo', { RepoId: repo });
    expectCr('GetRepoSourceCodeRepo', got, ['CodeRepoType', 'CodeRepoNamespaceName', 'CodeRepoName', 'CodeRepoDomain', 'AutoBuild', 'DisableCacheBuild', 'OverseaBuild', 'RepoId']);
    expect(got).toMatchObject({ CodeRepoType: 'GITHUB', CodeRepoNamespaceName: 'acme', CodeRepoName: 'web', CodeRepoDomain: 'https://github.com', AutoBuild: 'true', DisableCacheBuild: 'false', OverseaBuild: 'true', RepoId: repo });
    expectCrError(await cr('CreateRepoSourceCodeRepo', source), 'SOURCE_CODE_REPO_ALREADY_EXIST');
  });

  it('updates in place (flags as strings, kept when not sent), and only to a bound platform', async () => {
    expectCr('UpdateRepoSourceCodeRepo', await cr('UpdateRepoSourceCodeRepo', { RepoId: repo, CodeRepoType: 'GITHUB', CodeRepoNamespaceName: 'acme', CodeRepoName: 'web2', DisableCacheBuild: 'true' }));
    expect(await cr('GetRepoSourceCodeRepo', { RepoId: repo })).toMatchObject({ CodeRepoName: 'web2', DisableCacheBuild: 'true', OverseaBuild: 'true', AutoBuild: 'true' });
    expectCrError(await cr('UpdateRepoSourceCodeRepo', { RepoId: repo, CodeRepoType: 'GITLAB', CodeRepoNamespaceName: 'acme', CodeRepoName: 'web' }), 'SOURCE_ACCOUNT_NOT_BOUND');
    await expect(cr('UpdateRepoSourceCodeRepo', { RepoId: repo, CodeRepoType: 'SVN', CodeRepoNamespaceName: 'acme', CodeRepoName: 'web' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('UpdateRepoSourceCodeRepo', { RepoId: repo, CodeRepoType: 'GITHUB', CodeRepoNamespaceName: 'acme', CodeRepoName: 'web', AutoBuild: 'yes' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    const other = (await cr('CreateRepository', { RepoNamespaceName: 'apps', RepoName: 'unbound', RepoType: 'PRIVATE', Summary: 's' }))['RepoId'] as string;
    expectCrError(await cr('UpdateRepoSourceCodeRepo', { RepoId: other, CodeRepoType: 'GITHUB', CodeRepoNamespaceName: 'acme', CodeRepoName: 'web' }), 'SOURCE_CODE_REPO_NOT_EXIST');
    expectCrError(await cr('GetRepoSourceCodeRepo', { RepoId: 'crr-nope' }), 'REPO_NOT_EXIST');
  });

  it('serves no call that unbinds a source', async () => {
    await expect(cr('DeleteRepoSourceCodeRepo', { RepoId: repo })).rejects.toBeDefined();
    expect(await cr('GetRepoSourceCodeRepo', { RepoId: repo })).toMatchObject({ CodeRepoName: 'web2' });
  });
});

describe('build rules', () => {
  it('creates, updates in place (only the fields sent) and deletes rules', async () => {
    const a = await cr('CreateRepoBuildRule', { RepoId: repo, PushType: 'GIT_BRANCH', PushName: 'main', ImageTag: 'latest', 'BuildArgs.1': 'A=1', 'BuildArgs.2': 'B=2' });
    expectCr('CreateRepoBuildRule', a, ['BuildRuleId']);
    const id = a['BuildRuleId'] as string;
    let listed = await cr('ListRepoBuildRule', { RepoId: repo });
    expectCr('ListRepoBuildRule', listed, ['BuildRules', 'TotalCount']);
    expect(listed['BuildRules']).toEqual([{ BuildRuleId: id, PushType: 'GIT_BRANCH', PushName: 'main', ImageTag: 'latest', DockerfileLocation: '/', DockerfileName: 'Dockerfile', Platforms: ['linux/amd64'], BuildArgs: ['A=1', 'B=2'] }]);
    const u = await cr('UpdateRepoBuildRule', { RepoId: repo, BuildRuleId: id, DockerfileLocation: '/web', 'Platforms.1': 'linux/amd64', 'Platforms.2': 'linux/arm64' });
    expectCr('UpdateRepoBuildRule', u, ['BuildRuleId']);
    listed = await cr('ListRepoBuildRule', { RepoId: repo });
    expect(listed['BuildRules']).toMatchObject([{ BuildRuleId: id, PushName: 'main', DockerfileLocation: '/web', Platforms: ['linux/amd64', 'linux/arm64'], BuildArgs: ['A=1', 'B=2'] }]);
    expectCr('DeleteRepoBuildRule', await cr('DeleteRepoBuildRule', { RepoId: repo, BuildRuleId: id }));
    expect(await cr('ListRepoBuildRule', { RepoId: repo })).toMatchObject({ BuildRules: [], TotalCount: '0' });
  });

  it('refuses unknown rules, unknown platforms and push types', async () => {
    expectCrError(await cr('DeleteRepoBuildRule', { RepoId: repo, BuildRuleId: 'crbr-nope' }), 'BUILD_RULE_NOT_EXIST');
    expectCrError(await cr('UpdateRepoBuildRule', { RepoId: repo, BuildRuleId: 'crbr-nope', ImageTag: 'x' }), 'BUILD_RULE_NOT_EXIST');
    await expect(cr('CreateRepoBuildRule', { RepoId: repo, PushType: 'GIT_TAG', PushName: 'v.*', ImageTag: 'x', 'Platforms.1': 'windows/amd64' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateRepoBuildRule', { RepoId: repo, PushType: 'SVN', PushName: 'main', ImageTag: 'x' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    const id = (await cr('CreateRepoBuildRule', { RepoId: repo, PushType: 'GIT_TAG', PushName: 'v.*', ImageTag: 'x' }))['BuildRuleId'] as string;
    await expect(cr('UpdateRepoBuildRule', { RepoId: repo, BuildRuleId: id, PushType: 'HG' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    expectCrError(await cr('ListRepoBuildRule', { RepoId: 'crr-nope' }), 'REPO_NOT_EXIST');
  });
});

describe('Personal Edition build rules (GetRepoBuildRuleList)', () => {
  it('lists the seeded rules of a repository as documented, and none for another', async () => {
    const seeded = await t.admin('POST', '/_emulator/crpe/estates', {
      uid: UID,
      region: REGION,
      namespaces: [{ name: 'legacy', repos: [{ name: 'built', buildType: 'AUTO_BUILD', buildRules: [{ pushType: 'GIT_BRANCH', pushName: 'master', imageTag: 'latest' }, { pushType: 'GIT_TAG', pushName: 'release-.*', imageTag: 'release', dockerfileLocation: '/docker', dockerfileName: 'Dockerfile.prod' }] }, { name: 'pushed' }] }],
    });
    expect(seeded.status).toBe(200);
    const body = (await t.callRoa(REGION, 'GetRepoBuildRuleList', 'GET', '/repos/legacy/built/rules', keys)) as { data: { buildRules: Record<string, unknown>[] } };
    expect(body.data.buildRules).toEqual([
      { buildRuleId: expect.any(Number), pushType: 'GIT_BRANCH', pushName: 'master', imageTag: 'latest', dockerfileLocation: '/', dockerfileName: 'Dockerfile' },
      { buildRuleId: expect.any(Number), pushType: 'GIT_TAG', pushName: 'release-.*', imageTag: 'release', dockerfileLocation: '/docker', dockerfileName: 'Dockerfile.prod' },
    ]);
    expect(((await t.callRoa(REGION, 'GetRepoBuildRuleList', 'GET', '/repos/legacy/pushed/rules', keys)) as { data: { buildRules: unknown[] } }).data.buildRules).toEqual([]);
    await expect(t.callRoa(REGION, 'GetRepoBuildRuleList', 'GET', '/repos/legacy/nope/rules', keys)).rejects.toBeDefined();
    const bad = await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: REGION, namespaces: [{ name: 'x', repos: [{ name: 'y1', buildRules: [{ pushType: 'SVN', pushName: 'a', imageTag: 'b' }] }] }] });
    expect(bad.status).toBe(400);
  });
});
