/**
 * The data plane inside the estate: Personal Edition registries (shared host, namespaces owned by
 * accounts, public pulls), pushes driving sync rules whose tasks copy real manifests and blobs to
 * the target (same account and cross account), manual sync tasks, and blobs persisted across a
 * restart next to the state file.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, TestEmulator } from '../../helpers/emulator.js';
import { startEmulator } from '../../../src/emulator/server.js';
import { buyInstance, startCrEmulator, type Clock } from '../cr/setup.js';
import { createNamespace, eeLogin, listTags, makeImage, makeIndex, peLogin, pushImage, RegistryClient, registryOf, sha, type TestImage } from './client.js';

const HZ = 'cn-hangzhou';
const BJ = 'cn-beijing';
const A = '1000000000000001';
const B = '2000000000000002';
const ROLE = 'aliyuncontainerregistrycrossaccoutsyncrole';

async function expectImage(c: RegistryClient, name: string, tag: string, img: TestImage): Promise<void> {
  const m = await c.getManifest(name, tag);
  expect(m.status).toBe(200);
  expect(Buffer.from(await m.arrayBuffer()).equals(img.manifest)).toBe(true);
  for (const b of [img.config, ...img.layers]) {
    const r = await c.getBlob(name, sha(b));
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer()).equals(b)).toBe(true);
  }
}

async function errorCode(r: Response): Promise<string> {
  return ((await r.json()) as { errors: { code: string }[] }).errors[0]?.code ?? '';
}

describe('Personal Edition registry', () => {
  let t: TestEmulator;
  let ka: AccountKeys;
  let kb: AccountKeys;
  let host: string;

  beforeAll(async () => {
    t = await startTestEmulator();
    ka = await t.account(A);
    kb = await t.account(B);
    await t.admin('POST', '/_emulator/crpe/estates', {
      uid: A,
      region: HZ,
      namespaces: [
        { name: 'alpha', autoCreate: true, defaultVisibility: 'PRIVATE', repos: [{ name: 'open', repoType: 'PUBLIC' }] },
        { name: 'fixed', autoCreate: false },
      ],
    });
    await t.admin('POST', '/_emulator/crpe/estates', { uid: B, region: HZ, namespaces: [{ name: 'beta', autoCreate: true }] });
    host = await registryOf(t, `personal=${HZ}`);
  });
  afterAll(async () => t.close());

  it('takes a push with GET /tokens credentials; the tag shows in GetRepoTags with digest and size', async () => {
    const c = new RegistryClient(host, await peLogin(t, ka, HZ));
    const probe = await fetch(`http://${host}/v2/`);
    expect(probe.headers.get('www-authenticate')).toContain(`service="registry.${HZ}.aliyuncs.com"`);
    const img = makeImage('pe-api');
    await pushImage(c, 'alpha/api', img, 'v1');
    const body = await t.callRoa(HZ, 'GetRepoTags', 'GET', '/repos/alpha/api/tags', ka);
    const tags = (body['data'] as { tags: { tag: string; digest: string; imageId: string; imageSize: number }[] }).tags;
    const total = img.manifest.length + img.config.length + img.layers.reduce((n, l) => n + l.length, 0);
    expect(tags).toMatchObject([{ tag: 'v1', digest: img.digest.slice(7), imageId: sha(img.config).slice(7), imageSize: total }]);
    const repo = await t.callRoa(HZ, 'GetRepo', 'GET', '/repos/alpha/api', ka);
    expect((repo['data'] as { repo: { repoType: string } }).repo.repoType).toBe('PRIVATE');
    await expectImage(c, 'alpha/api', 'v1', img);
  });

  it('keeps namespaces to their owner: another account pulls only PUBLIC repositories and pushes nowhere', async () => {
    const owner = new RegistryClient(host, await peLogin(t, ka, HZ));
    const img = makeImage('pe-open');
    await pushImage(owner, 'alpha/open', img, 'v1');
    const other = new RegistryClient(host, await peLogin(t, kb, HZ));
    await expectImage(other, 'alpha/open', 'v1', img);
    expect((await other.getManifest('alpha/api', 'v1')).status).toBe(401);
    const push = await other.pushBlobMonolithic('alpha/open', Buffer.from('intruder'));
    expect(push.status).toBe(401);
    // B pushes into its own namespace of the same shared host.
    await pushImage(other, 'beta/tool', img, 'v1');
    expect(((await t.callRoa(HZ, 'GetRepoTags', 'GET', '/repos/beta/tool/tags', kb))['data'] as { total: number }).total).toBe(1);
    // Anonymous: public pulls only.
    const anon = new RegistryClient(host, undefined);
    await expectImage(anon, 'alpha/open', 'v1', img);
    expect((await anon.getManifest('beta/tool', 'v1')).status).toBe(401);
  });

  it('answers NAME_UNKNOWN for a namespace nobody has and for a repository its namespace will not create', async () => {
    const c = new RegistryClient(host, await peLogin(t, ka, HZ));
    const ghost = await c.pushBlobMonolithic('ghost/api', Buffer.from('x'));
    expect(ghost.status).toBe(404);
    expect(await errorCode(ghost)).toBe('NAME_UNKNOWN');
    const fixed = await c.pushBlobMonolithic('fixed/api', Buffer.from('x'));
    expect(await errorCode(fixed)).toBe('NAME_UNKNOWN');
  });

  it('does not accept a token from another region', async () => {
    const sh = await peLogin(t, ka, 'cn-shanghai');
    await expect(new RegistryClient(host, sh).request('GET', '/v2/')).rejects.toThrow(/401/);
  });
});

describe('sync rules and tasks copy real content', () => {
  let t: TestEmulator;
  let clock: Clock;
  let ka: AccountKeys;
  let kb: AccountKeys;
  let src: string;
  let same: string;
  let cross: string;

  const cr = (region: string, action: string, params: Record<string, unknown>, keys: AccountKeys = ka): Promise<Record<string, unknown>> => t.callRpc('cr', region, action, params, keys);

  beforeAll(async () => {
    ({ t, clock } = await startCrEmulator());
    ka = await t.account(A);
    kb = await t.account(B);
    src = await buyInstance(t, clock, ka, HZ, 'sync-src', 'Advanced');
    same = await buyInstance(t, clock, ka, BJ, 'sync-same', 'Basic');
    cross = await buyInstance(t, clock, kb, BJ, 'sync-cross', 'Basic');
    await createNamespace(t, ka, HZ, src, 'shared', true);
    await createNamespace(t, ka, BJ, same, 'shared', true);
    await createNamespace(t, kb, BJ, cross, 'shared', true);
    const ram = (action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> => t.callRpc('ram', 'global', action, params, kb);
    await ram('CreateRole', {
      RoleName: ROLE,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${A}@cr.aliyuncs.com`] } }] }),
    });
    await ram('CreatePolicy', {
      PolicyName: 'cr-sync',
      PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:CreateSyncRule', 'cr:CreateRepositorySync'], Resource: [`acs:cr:${BJ}:${B}:instance/${cross}`] }] }),
    });
    await ram('AttachPolicyToRole', { PolicyType: 'Custom', PolicyName: 'cr-sync', RoleName: ROLE });
    const rule = (name: string, target: string, uid: string, filter: string): Record<string, unknown> => ({
      InstanceId: src,
      SyncRuleName: name,
      SyncScope: 'NAMESPACE',
      NamespaceName: 'shared',
      TargetInstanceId: target,
      TargetRegionId: BJ,
      TargetUserId: uid,
      TagFilter: filter,
    });
    expect((await cr(HZ, 'CreateRepoSyncRule', rule('to-same', same, A, 'release-.*')))['IsSuccess']).toBe(true);
    expect((await cr(HZ, 'CreateRepoSyncRule', rule('to-cross', cross, B, '.*')))['IsSuccess']).toBe(true);
  });
  afterAll(async () => t.close());

  it('a push through the data plane starts the matching rules, and their tasks copy manifest and blobs', async () => {
    const c = new RegistryClient(await registryOf(t, `instance=${src}`), await eeLogin(t, ka, HZ, src));
    const img = makeImage('replicated', { layers: 3 });
    await pushImage(c, 'shared/app', img, 'release-1');
    const dev = makeImage('dev-only');
    await pushImage(c, 'shared/app', dev, 'dev');
    const tasks = (await cr(HZ, 'ListRepoSyncTask', { InstanceId: src }))['SyncTasks'] as { ImageFrom: { ImageTag: string }; ImageTo: { InstanceId: string } }[];
    expect(tasks.map((x) => `${x.ImageFrom.ImageTag}->${x.ImageTo.InstanceId === same ? 'same' : 'cross'}`).sort()).toEqual(['dev->cross', 'release-1->cross', 'release-1->same']);
    // Before the tasks finish the targets hold nothing.
    const crossClient = new RegistryClient(await registryOf(t, `instance=${cross}`), await eeLogin(t, kb, BJ, cross));
    expect((await crossClient.getManifest('shared/app', 'release-1')).status).toBe(404);
    clock.advance(1000);
    const statuses = ((await cr(HZ, 'ListRepoSyncTask', { InstanceId: src }))['SyncTasks'] as { TaskStatus: string }[]).map((x) => x.TaskStatus);
    expect(statuses).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);

    const sameClient = new RegistryClient(await registryOf(t, `instance=${same}`), await eeLogin(t, ka, BJ, same));
    await expectImage(sameClient, 'shared/app', 'release-1', img);
    expect((await sameClient.getManifest('shared/app', 'dev')).status).toBe(404);
    await expectImage(crossClient, 'shared/app', 'release-1', img);
    await expectImage(crossClient, 'shared/app', 'dev', dev);
    const tags = await listTags(t, kb, BJ, cross, 'shared', 'app');
    expect(tags.find((x) => x.Tag === 'release-1')?.Digest).toBe(img.digest.slice(7));
  });

  it('copies a whole index with CreateRepoSyncTask (a backfill), children included', async () => {
    const c = new RegistryClient(await registryOf(t, `instance=${src}`), await eeLogin(t, ka, HZ, src));
    const amd = makeImage('bf-amd64', { oci: true });
    const arm = makeImage('bf-arm64', { oci: true });
    for (const img of [amd, arm]) {
      for (const b of [img.config, ...img.layers]) await c.pushBlobMonolithic('shared/multi', b);
      await c.putManifest('shared/multi', img.digest, img.manifest, img.mediaType);
    }
    const index = makeIndex([amd, arm]);
    // Tag "old" matches neither rule's filter on the same-account target: only the cross rule fires.
    expect((await c.putManifest('shared/multi', 'old', index.bytes, index.mediaType)).status).toBe(201);
    const repoId = (await cr(HZ, 'GetRepository', { InstanceId: src, RepoNamespaceName: 'shared', RepoName: 'multi' }))['RepoId'];
    const task = await cr(HZ, 'CreateRepoSyncTask', {
      InstanceId: src,
      RepoId: repoId,
      Tag: 'old',
      TargetInstanceId: same,
      TargetRegionId: BJ,
      TargetNamespace: 'shared',
      TargetRepoName: 'multi',
      TargetTag: 'old',
    });
    clock.advance(1000);
    expect((await cr(HZ, 'GetRepoSyncTask', { InstanceId: src, SyncTaskId: task['SyncTaskId'] }))['TaskStatus']).toBe('SUCCESS');
    const sameClient = new RegistryClient(await registryOf(t, `instance=${same}`), await eeLogin(t, ka, BJ, same));
    const got = await sameClient.getManifest('shared/multi', 'old');
    expect(Buffer.from(await got.arrayBuffer()).equals(index.bytes)).toBe(true);
    await expectImage(sameClient, 'shared/multi', arm.digest, arm);
    await expectImage(sameClient, 'shared/multi', amd.digest, amd);
  });
});

describe('persistence', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acrctl-registry-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('keeps blobs in <state>.blobs and serves them after a restart, with the JSON state free of blob bytes', async () => {
    const stateFile = join(dir, 'emu.json');
    const clock = { now: Date.UTC(2026, 10, 22) };
    let emu = await startEmulator({ stateFile, now: () => clock.now });
    let t = new TestEmulator(emu);
    const keys = await t.account(A);
    const inst = await buyInstance(t, { now: 0, advance: (ms) => (clock.now += ms) }, keys, HZ, 'persist');
    await createNamespace(t, keys, HZ, inst, 'keep', true);
    const big = makeImage('persisted', { layers: 2, layerBytes: 300_000 });
    const c = new RegistryClient(await registryOf(t, `instance=${inst}`), await eeLogin(t, keys, HZ, inst));
    await pushImage(c, 'keep/app', big, 'v1');
    const creds = await eeLogin(t, keys, HZ, inst);
    await emu.close();

    const state = await readFile(stateFile, 'utf8');
    expect(state.length).toBeLessThan(100_000);
    expect(state).toContain(big.digest);
    const files = await readdir(join(`${stateFile}.blobs`, 'sha256'));
    expect(files).toContain(sha(big.layers[0] as Buffer).slice(7));
    expect((await stat(join(`${stateFile}.blobs`, 'sha256', sha(big.layers[0] as Buffer).slice(7)))).size).toBe(300_000);

    emu = await startEmulator({ stateFile, now: () => clock.now });
    t = new TestEmulator(emu);
    try {
      // A new port, the same content; the login issued before the restart still works.
      const again = new RegistryClient(await registryOf(t, `instance=${inst}`), creds);
      await expectImage(again, 'keep/app', 'v1', big);
      expect((await listTags(t, keys, HZ, inst, 'keep', 'app')).map((x) => x.Tag)).toEqual(['v1']);
    } finally {
      await emu.close();
    }
  });

  it('keeps blobs in memory without a state file', async () => {
    const t = await startTestEmulator();
    try {
      const keys = await t.account(A);
      await t.admin('POST', '/_emulator/crpe/estates', { uid: A, region: HZ, namespaces: [{ name: 'mem' }] });
      const c = new RegistryClient(await registryOf(t, `personal=${HZ}`), await peLogin(t, keys, HZ));
      const img = makeImage('memory');
      await pushImage(c, 'mem/app', img, 'v1');
      await expectImage(c, 'mem/app', 'v1', img);
    } finally {
      await t.close();
    }
  });
});
