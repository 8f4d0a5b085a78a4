/**
 * cr 2018-12-01 repository build rules in the emulator (CreateRepoBuildRule, ListRepoBuildRule):
 * records only, no build runs. acrctl reads them to verify the build-configuration gate of an image
 * import; a test creates them the way a human does in the console. Also: Personal Edition
 * repositories report the seeded repoBuildType.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator } from './setup.js';

const REGION = 'cn-hangzhou';
const UID = '1111111111111111';
let t: TestEmulator;
let keys: AccountKeys;
let inst: string;
let repoId: string;

const cr = (action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> => t.callRpc('cr', REGION, action, params, keys);

beforeAll(async () => {
  const started = await startCrEmulator();
  t = started.t;
  keys = await t.account(UID);
  inst = await buyInstance(t, started.clock, keys, REGION, 'build-rules');
  expectCr('CreateNamespace', await cr('CreateNamespace', { InstanceId: inst, NamespaceName: 'apps' }));
  repoId = (await cr('CreateRepository', { InstanceId: inst, RepoNamespaceName: 'apps', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'API' }))['RepoId'] as string;
});
afterAll(async () => t?.close());

describe('repository build rules', () => {
  it('lists none, then the rules created, paged with a string TotalCount', async () => {
    const empty = await cr('ListRepoBuildRule', { InstanceId: inst, RepoId: repoId });
    expectCr('ListRepoBuildRule', empty, ['BuildRules', 'TotalCount']);
    expect(empty).toMatchObject({ BuildRules: [], TotalCount: '0' });
    const a = await cr('CreateRepoBuildRule', { InstanceId: inst, RepoId: repoId, PushType: 'GIT_BRANCH', PushName: 'main', ImageTag: 'latest', 'Platforms.1': 'linux/amd64' });
    expectCr('CreateRepoBuildRule', a, ['BuildRuleId']);
    expect(a['BuildRuleId']).toMatch(/^crbr-/);
    await cr('CreateRepoBuildRule', { InstanceId: inst, RepoId: repoId, PushType: 'GIT_TAG', PushName: 'release-v.*', ImageTag: 'v1', DockerfileLocation: '/build' });
    const page = await cr('ListRepoBuildRule', { InstanceId: inst, RepoId: repoId, PageNo: 2, PageSize: 1 });
    expectCr('ListRepoBuildRule', page, ['BuildRules', 'TotalCount', 'PageNo', 'PageSize']);
    expect(page).toMatchObject({ TotalCount: '2', PageNo: 2, BuildRules: [{ PushType: 'GIT_TAG', PushName: 'release-v.*', ImageTag: 'v1', DockerfileLocation: '/build', DockerfileName: 'Dockerfile' }] });
    const first = await cr('ListRepoBuildRule', { InstanceId: inst, RepoId: repoId, PageNo: 1, PageSize: 1 });
    expect(first['BuildRules']).toMatchObject([{ BuildRuleId: a['BuildRuleId'], Platforms: ['linux/amd64'] }]);
  });

  it('refuses an unknown repository and a missing or invalid push type', async () => {
    expectCrError(await cr('ListRepoBuildRule', { InstanceId: inst, RepoId: 'crr-nope' }), 'REPO_NOT_EXIST');
    await expect(cr('CreateRepoBuildRule', { InstanceId: inst, RepoId: repoId, PushName: 'main', ImageTag: 'x' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateRepoBuildRule', { InstanceId: inst, RepoId: repoId, PushType: 'SVN', PushName: 'main', ImageTag: 'x' })).rejects.toBeDefined();
  });

  it('Personal Edition repositories report the seeded build type', async () => {
    const r = await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: REGION, namespaces: [{ name: 'legacy', repos: [{ name: 'built', buildType: 'AUTO_BUILD' }, { name: 'pushed' }] }] });
    expect(r.status).toBe(200);
    const body = (await t.callRoa(REGION, 'GetRepoListByNamespace', 'GET', '/repos/legacy', keys)) as { data: { repos: { repoName: string; repoBuildType: string }[] } };
    expect(Object.fromEntries(body.data.repos.map((x) => [x.repoName, x.repoBuildType]))).toEqual({ built: 'AUTO_BUILD', pushed: 'MANUAL' });
    expect((await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: REGION, namespaces: [{ name: 'bad', repos: [{ name: 'x1', buildType: 'NIGHTLY' }] }] })).status).toBe(400);
  });
});
