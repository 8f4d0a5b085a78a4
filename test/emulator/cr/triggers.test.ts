/**
 * cr 2018-12-01 repository webhook triggers, driven over HTTP by the official openapi-core runtime:
 * Create/Update/Delete/ListRepoTrigger, response fields checked against cr-2018-12-01.json, the
 * trigger types and their tag conditions, unique names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';
let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;
let repo: string;

const cr = (action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> => t.callRpc('cr', REGION, action, { InstanceId: inst, ...params }, keys);

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account('7878787878787878');
  inst = await buyInstance(t, clock, keys, REGION, 'triggers', 'Basic');
  await cr('CreateNamespace', { NamespaceName: 'team', AutoCreateRepo: false });
  repo = (await cr('CreateRepository', { RepoNamespaceName: 'team', RepoName: 'api', RepoType: 'PRIVATE', Summary: 's' }))['RepoId'] as string;
});
afterAll(async () => {
  await t.close();
});

describe('repository triggers', () => {
  it('creates, lists, updates and deletes triggers of each type', async () => {
    const all = await cr('CreateRepoTrigger', { RepoId: repo, TriggerName: 'all', TriggerType: 'ALL', TriggerUrl: 'https://hooks.example.com/a?token=x' });
    expectCr('CreateRepoTrigger', all, ['TriggerId']);
    expect(all['TriggerId']).toMatch(/^crw-/);
    const list = await cr('CreateRepoTrigger', { RepoId: repo, TriggerName: 'list', TriggerType: 'TAG_LIST', TriggerTag: '["v1","v2"]', TriggerUrl: 'http://hooks.example.com/b' });
    const re = await cr('CreateRepoTrigger', { RepoId: repo, TriggerName: 're', TriggerType: 'TAG_REG_EXP', TriggerTag: 'release-.*', TriggerUrl: 'https://hooks.example.com/c' });
    const listed = await cr('ListRepoTrigger', { RepoId: repo });
    expectCr('ListRepoTrigger', listed, ['Triggers']);
    expect((listed['Triggers'] as Record<string, unknown>[]).map((x) => [x['TriggerName'], x['TriggerType'], x['TriggerTag'], x['TriggerUrl']])).toEqual([
      ['all', 'ALL', '', 'https://hooks.example.com/a?token=x'],
      ['list', 'TAG_LIST', '["v1","v2"]', 'http://hooks.example.com/b'],
      ['re', 'TAG_REG_EXP', 'release-.*', 'https://hooks.example.com/c'],
    ]);
    // TAG_LISTTAG, as Update documents it, is TAG_LIST; fields not sent stay.
    expectCr('UpdateRepoTrigger', await cr('UpdateRepoTrigger', { RepoId: repo, TriggerId: all['TriggerId'], TriggerType: 'TAG_LISTTAG', TriggerTag: '["v3"]' }));
    const after = ((await cr('ListRepoTrigger', { RepoId: repo }))['Triggers'] as Record<string, unknown>[])[0]!;
    expect([after['TriggerName'], after['TriggerType'], after['TriggerTag'], after['TriggerUrl']]).toEqual(['all', 'TAG_LIST', '["v3"]', 'https://hooks.example.com/a?token=x']);
    for (const x of [all, list, re]) expectCr('DeleteRepoTrigger', await cr('DeleteRepoTrigger', { RepoId: repo, TriggerId: x['TriggerId'] }));
    expectCrError(await cr('DeleteRepoTrigger', { RepoId: repo, TriggerId: all['TriggerId'] }), 'TRIGGER_NOT_EXIST');
    expectCrError(await cr('UpdateRepoTrigger', { RepoId: repo, TriggerId: all['TriggerId'], TriggerName: 'x' }), 'TRIGGER_NOT_EXIST');
  });

  it('checks the repository, the URL, the type and its tag condition, and unique names', async () => {
    const base = { RepoId: repo, TriggerName: 'x', TriggerType: 'ALL', TriggerUrl: 'https://h.example.com/' };
    expectCrError(await cr('CreateRepoTrigger', { ...base, RepoId: 'crr-ghost' }), 'REPO_NOT_EXIST');
    expectCrError(await cr('ListRepoTrigger', { RepoId: 'crr-ghost' }), 'REPO_NOT_EXIST');
    for (const bad of [
      { TriggerUrl: 'ftp://h.example.com/' },
      { TriggerUrl: 'not a url' },
      { TriggerType: 'SOMETIMES' },
      { TriggerType: 'TAG_LIST' },
      { TriggerType: 'TAG_LIST', TriggerTag: 'v1' },
      { TriggerType: 'TAG_LIST', TriggerTag: '[]' },
      { TriggerType: 'TAG_REG_EXP', TriggerTag: '(open' },
    ]) {
      await expect(cr('CreateRepoTrigger', { ...base, ...bad }), JSON.stringify(bad)).rejects.toMatchObject({ code: 'InvalidParameter' });
    }
    await expect(cr('CreateRepoTrigger', { RepoId: repo, TriggerName: 'x', TriggerType: 'ALL' })).rejects.toMatchObject({ code: 'MissingTriggerUrl' });
    const first = await cr('CreateRepoTrigger', base);
    expectCr('CreateRepoTrigger', first);
    expectCrError(await cr('CreateRepoTrigger', base), 'TRIGGER_ALREADY_EXIST');
    await cr('DeleteRepoTrigger', { RepoId: repo, TriggerId: first['TriggerId'] });
  });
});
