/**
 * cr 2018-12-01 pull-through subscriptions in the emulator, driven by the official openapi-core
 * runtime (the List/Get actions over HTTP GET, as the SDK sends them): rules created, listed with an
 * integer TotalCount, updated (Accelerate/Override as strings), deleted; tasks RUNNING then
 * COMPLETED with TaskResult SUCCESS, listed newest first with string times; the validations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCr, expectCrError } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';
const UID = '1111111111111111';
let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;

// The GetArtifact… and ListArtifact… actions are HTTP GET (cr-api-notes §1): sent as the SDK sends them.
const cr = (action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> =>
  t.callRpc('cr', REGION, action, { InstanceId: inst, ...params }, keys, /^(Get|List)Artifact/.test(action) ? { method: 'GET' } : {});
const RULE = { SourceProvider: 'DOCKER_HUB', SourceNamespaceName: 'library', SourceRepoName: 'nginx', NamespaceName: 'mirror', RepoName: 'nginx', TagRegexp: '1\\..*', TagCount: 3, Platform: ['linux/amd64'] };

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account(UID);
  inst = await buyInstance(t, clock, keys, REGION, 'subs-conf');
  await cr('CreateNamespace', { NamespaceName: 'mirror', AutoCreateRepo: true });
});
afterAll(async () => t?.close());

describe('artifact subscription rules', () => {
  let ruleId: string;
  it('creates, gets, lists, updates and deletes a rule', async () => {
    const created = await cr('CreateArtifactSubscriptionRule', { ...RULE, Override: true });
    expectCr('CreateArtifactSubscriptionRule', created, ['RuleId']);
    ruleId = created['RuleId'] as string;
    expect(ruleId).toMatch(/^crasr-/);
    const got = await cr('GetArtifactSubscriptionRule', { RuleId: ruleId });
    expectCr('GetArtifactSubscriptionRule', got, ['RuleId', 'SourceProvider', 'SourceNamespaceName', 'SourceRepoName', 'NamespaceName', 'RepoName', 'TagRegexp', 'TagCount', 'Override', 'Platform', 'Accelerate', 'CreateTime']);
    expect(got).toMatchObject({ SourceProvider: 'DOCKER_HUB', TagCount: 3, Override: true, Accelerate: false, Platform: ['linux/amd64'], SourceDomain: 'docker.io' });
    expectCr('UpdateArtifactSubscriptionRule', await cr('UpdateArtifactSubscriptionRule', { RuleId: ruleId, Override: 'false', Accelerate: 'true', TagCount: 5, Platform: ['linux/arm64'] }));
    const list = await cr('ListArtifactSubscriptionRule', { PageNo: 1, PageSize: 10 });
    expectCr('ListArtifactSubscriptionRule', list, ['Rules', 'TotalCount', 'PageNo', 'PageSize']);
    expect(list['TotalCount']).toBe(1);
    expect(list['Rules']).toMatchObject([{ RuleId: ruleId, Override: false, Accelerate: true, TagCount: 5, Platform: ['linux/arm64'] }]);
  });

  it('refuses a bad provider, a missing platform, a bad tag count, an unknown namespace, a second rule into one repository', async () => {
    await expect(cr('CreateArtifactSubscriptionRule', { ...RULE, RepoName: 'x', SourceProvider: 'GHCR' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateArtifactSubscriptionRule', { ...RULE, RepoName: 'x', Platform: [] })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateArtifactSubscriptionRule', { ...RULE, RepoName: 'x', TagCount: 0 })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('CreateArtifactSubscriptionRule', { ...RULE, RepoName: 'x', TagRegexp: '(' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    expectCrError(await cr('CreateArtifactSubscriptionRule', { ...RULE, NamespaceName: 'nope' }), 'NAMESPACE_NOT_EXIST');
    expectCrError(await cr('CreateArtifactSubscriptionRule', RULE), 'ARTIFACT_SUBSCRIPTION_RULE_ALREADY_EXIST');
    expectCrError(await cr('GetArtifactSubscriptionRule', { RuleId: 'crasr-nope' }), 'ARTIFACT_SUBSCRIPTION_RULE_NOT_EXIST');
  });

  it('runs a task RUNNING → COMPLETED (SUCCESS), listed newest first with string times; results are empty', async () => {
    const task = await cr('CreateArtifactSubscriptionTask', { RuleId: ruleId });
    expectCr('CreateArtifactSubscriptionTask', task, ['TaskId']);
    const taskId = task['TaskId'] as string;
    const running = await cr('GetArtifactSubscriptionTask', { TaskId: taskId });
    expectCr('GetArtifactSubscriptionTask', running, ['TaskId', 'TaskStatus', 'TaskType', 'SourceProvider', 'NamespaceName', 'RepoName', 'StartTime']);
    expect(running).toMatchObject({ TaskStatus: 'RUNNING', TaskType: 'MANUAL', NamespaceName: 'mirror', RepoName: 'nginx' });
    expect(typeof running['StartTime']).toBe('number');
    clock.advance(60_000);
    expect(await cr('GetArtifactSubscriptionTask', { TaskId: taskId })).toMatchObject({ TaskStatus: 'COMPLETED', TaskResult: 'SUCCESS' });
    await cr('CreateArtifactSubscriptionTask', { RuleId: ruleId });
    const list = await cr('ListArtifactSubscriptionTask', {});
    expectCr('ListArtifactSubscriptionTask', list, ['Tasks', 'TotalCount']);
    const tasks = list['Tasks'] as { TaskId: string; StartTime: unknown }[];
    expect(tasks.length).toBe(2);
    expect(tasks[1]!.TaskId).toBe(taskId);
    expect(typeof tasks[0]!.StartTime).toBe('string');
    const results = await cr('GetArtifactSubscriptionTaskResult', { TaskId: taskId });
    expectCr('GetArtifactSubscriptionTaskResult', results, ['TaskResults', 'TotalCount']);
    expect(results).toMatchObject({ TaskResults: [], TotalCount: 0 });
    expectCr('DeleteArtifactSubscriptionRule', await cr('DeleteArtifactSubscriptionRule', { RuleId: ruleId }));
    expectCrError(await cr('CreateArtifactSubscriptionTask', { RuleId: ruleId }), 'ARTIFACT_SUBSCRIPTION_RULE_NOT_EXIST');
  });
});
