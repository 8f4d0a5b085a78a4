/**
 * cr 2018-12-01 artifact lifecycle (retention) rules, driven over HTTP by the official openapi-core
 * runtime: Create/Update/Delete/Get/ListArtifactLifecycleRule (List and Get as HTTP GET), response
 * fields checked against cr-2018-12-01.json, the scope rules, paging, and a run through the admin
 * route that deletes what the rule does not retain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';
const DIGEST = (n: number): string => n.toString(16).padStart(64, 'c');

let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;

const cr = (action: string, params: Record<string, unknown> = {}, method: 'GET' | 'POST' = 'POST'): Promise<Record<string, unknown>> =>
  t.callRpc('cr', REGION, action, { InstanceId: inst, ...params }, keys, { method });

async function push(repo: string, tag: string, n: number): Promise<void> {
  const r = await t.admin('POST', `/_emulator/cr/instances/${inst}/images`, { namespace: 'team', repository: repo, tag, digest: DIGEST(n), size: 10 });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  clock.advance(1000);
}

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account('1212121212121212');
  inst = await buyInstance(t, clock, keys, REGION, 'retention', 'Standard');
  await cr('CreateNamespace', { NamespaceName: 'team', AutoCreateRepo: true });
  await cr('CreateNamespace', { NamespaceName: 'other', AutoCreateRepo: true });
  await cr('CreateRepository', { RepoNamespaceName: 'team', RepoName: 'api', RepoType: 'PRIVATE', Summary: 's' });
});
afterAll(async () => {
  await t.close();
});

describe('artifact lifecycle rules', () => {
  it('creates a rule, reads it back through List and Get (HTTP GET) with documented fields, updates and deletes it', async () => {
    const created = await cr('CreateArtifactLifecycleRule', { Scope: 'NAMESPACE', NamespaceName: 'team', RetentionTagCount: 5, TagRegexp: 'release-.*', ScheduleTime: 'DAY', Auto: true, EnableDeleteTag: true });
    expectCr('CreateArtifactLifecycleRule', created, ['RuleId']);
    const id = created['RuleId'] as string;
    expect(id).toMatch(/^cralr-/);
    const listed = await cr('ListArtifactLifecycleRule', { PageSize: 10 }, 'GET');
    expectCr('ListArtifactLifecycleRule', listed, ['Rules', 'TotalCount', 'PageNo', 'PageSize']);
    expect(listed['TotalCount']).toBe(1);
    expect(listed['Rules']).toEqual([
      expect.objectContaining({ RuleId: id, Scope: 'NAMESPACE', NamespaceName: 'team', RepoName: '', RetentionTagCount: 5, TagRegexp: 'release-.*', ScheduleTime: 'DAY', Auto: true, EnableDeleteTag: true, InstanceId: inst }),
    ]);
    const got = await cr('GetArtifactLifecycleRule', { RuleId: id }, 'GET');
    expectCr('GetArtifactLifecycleRule', got, ['RuleId', 'Scope', 'RetentionTagCount', 'NextTime']);
    expect(got['NextTime']).toBe((got['ModifiedTime'] as number) + 86_400_000);

    expectCr('UpdateArtifactLifecycleRule', await cr('UpdateArtifactLifecycleRule', { RuleId: id, RetentionTagCount: 9, Auto: false }));
    const after = await cr('GetArtifactLifecycleRule', { RuleId: id }, 'GET');
    // Fields not sent keep their values.
    expect([after['RetentionTagCount'], after['Auto'], after['TagRegexp'], after['ScheduleTime'], after['NamespaceName']]).toEqual([9, false, 'release-.*', 'DAY', 'team']);

    expectCr('DeleteArtifactLifecycleRule', await cr('DeleteArtifactLifecycleRule', { RuleId: id }));
    expectCrError(await cr('DeleteArtifactLifecycleRule', { RuleId: id }), 'LIFECYCLE_RULE_NOT_EXIST');
    expectCrError(await cr('GetArtifactLifecycleRule', { RuleId: id }, 'GET'), 'LIFECYCLE_RULE_NOT_EXIST');
    expectCrError(await cr('UpdateArtifactLifecycleRule', { RuleId: id, RetentionTagCount: 1 }), 'LIFECYCLE_RULE_NOT_EXIST');
  });

  it('enforces the scope: namespace and repository must exist, one rule per target, INSTANCE names nothing', async () => {
    expectCrError(await cr('CreateArtifactLifecycleRule', { Scope: 'NAMESPACE', NamespaceName: 'ghost', RetentionTagCount: 5 }), 'NAMESPACE_NOT_EXIST');
    expectCrError(await cr('CreateArtifactLifecycleRule', { Scope: 'REPO', NamespaceName: 'team', RepoName: 'ghost', RetentionTagCount: 5 }), 'REPO_NOT_EXIST');
    await expect(cr('CreateArtifactLifecycleRule', { Scope: 'REPO', NamespaceName: 'team', RetentionTagCount: 5 })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateArtifactLifecycleRule', { Scope: 'INSTANCE', NamespaceName: 'team', RetentionTagCount: 5 })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateArtifactLifecycleRule', { Scope: 'ELSEWHERE', RetentionTagCount: 5 })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateArtifactLifecycleRule', { Scope: 'INSTANCE', RetentionTagCount: 0 })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateArtifactLifecycleRule', { Scope: 'INSTANCE', RetentionTagCount: 3, TagRegexp: '(unclosed' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateArtifactLifecycleRule', { Scope: 'INSTANCE', RetentionTagCount: 3, ScheduleTime: 'HOURLY' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    const a = await cr('CreateArtifactLifecycleRule', { Scope: 'REPO', NamespaceName: 'team', RepoName: 'api', RetentionTagCount: 5 });
    expectCr('CreateArtifactLifecycleRule', a);
    expectCrError(await cr('CreateArtifactLifecycleRule', { Scope: 'REPO', NamespaceName: 'team', RepoName: 'api', RetentionTagCount: 7 }), 'LIFECYCLE_RULE_ALREADY_EXIST');
    // Defaults of a bare rule: INSTANCE, 30 tags, WEEK, manual, deleting.
    const bare = await cr('CreateArtifactLifecycleRule', {});
    const got = await cr('GetArtifactLifecycleRule', { RuleId: bare['RuleId'] }, 'GET');
    expect([got['Scope'], got['RetentionTagCount'], got['ScheduleTime'], got['Auto'], got['EnableDeleteTag'], got['TagRegexp']]).toEqual(['INSTANCE', 30, 'WEEK', false, true, '']);
    for (const id of [a['RuleId'], bare['RuleId']]) await cr('DeleteArtifactLifecycleRule', { RuleId: id });
  });

  it('refuses an instance of another account (INSTANCE_NOT_EXIST) and pages the list at 1 and 7', async () => {
    const other = await t.account('3434343434343434');
    expectCrError(await t.callRpc('cr', REGION, 'ListArtifactLifecycleRule', { InstanceId: inst }, other, { method: 'GET' }), 'INSTANCE_NOT_EXIST');
    await cr('CreateArtifactLifecycleRule', { Scope: 'INSTANCE', RetentionTagCount: 3 });
    await cr('CreateArtifactLifecycleRule', { Scope: 'NAMESPACE', NamespaceName: 'team', RetentionTagCount: 3 });
    await cr('CreateArtifactLifecycleRule', { Scope: 'NAMESPACE', NamespaceName: 'other', RetentionTagCount: 3, EnableDeleteTag: false });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const body = await cr('ListArtifactLifecycleRule', { PageNo: page, PageSize: 1 }, 'GET');
      expectCr('ListArtifactLifecycleRule', body);
      expect(body['TotalCount']).toBe(3);
      seen.push(...(body['Rules'] as { RuleId: string }[]).map((r) => r.RuleId));
    }
    expect(new Set(seen).size).toBe(3);
    const seven = await cr('ListArtifactLifecycleRule', { PageSize: 7 }, 'GET');
    expect((seven['Rules'] as unknown[]).length).toBe(3);
    const enabledOnly = await cr('ListArtifactLifecycleRule', { EnableDeleteTag: true }, 'GET');
    expect((enabledOnly['Rules'] as unknown[]).length).toBe(2);
    for (const id of seen) await cr('DeleteArtifactLifecycleRule', { RuleId: id });
  });

  it('a run keeps tags matching TagRegexp (whole name) and the newest RetentionTagCount others, and deletes the rest', async () => {
    for (const [i, tag] of ['release-1', 'a', 'b', 'release-2', 'c', 'd', 'release-3x'].entries()) await push('api', tag, i);
    await push('web', 'only', 99);
    const rule = await cr('CreateArtifactLifecycleRule', { Scope: 'NAMESPACE', NamespaceName: 'team', RetentionTagCount: 2, TagRegexp: 'release-[0-9]+' });
    const run = await t.admin<{ deleted: string[] }>('POST', `/_emulator/cr/instances/${inst}/lifecycle-rules/${rule['RuleId'] as string}/run`);
    expect(run.status).toBe(200);
    // Newest first: release-3x (no whole match), d, c, release-2 (kept by name), b, a, release-1 (kept by name).
    expect(run.body.deleted.sort()).toEqual(['team/api:a', 'team/api:b', 'team/api:c']);
    const repo = await cr('GetRepository', { RepoNamespaceName: 'team', RepoName: 'api' });
    const tags = await cr('ListRepoTag', { RepoId: repo['RepoId'], PageSize: 100 });
    expect((tags['Images'] as { Tag: string }[]).map((x) => x.Tag).sort()).toEqual(['d', 'release-1', 'release-2', 'release-3x']);
    // A disabled rule deletes nothing.
    await cr('UpdateArtifactLifecycleRule', { RuleId: rule['RuleId'], EnableDeleteTag: false, RetentionTagCount: 1 });
    const idle = await t.admin<{ deleted: string[] }>('POST', `/_emulator/cr/instances/${inst}/lifecycle-rules/${rule['RuleId'] as string}/run`);
    expect(idle.body.deleted).toEqual([]);
  });
});
