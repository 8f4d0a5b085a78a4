/**
 * Pull-through subscriptions: kind `subscription` (artifact subscription rules) and kind
 * `subscription-pull` (a task run once after a rule is created): desired objects, diff, references,
 * then against the emulator: plan (unmanaged, prune), apply with the pull, the next plan empty,
 * updates in place, create idempotent, a pull reconciled after a crash, never sent twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffOf } from '../../src/plan/planner.js';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { validateSource } from '../../src/config/load.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { subscriptionKind as subTyped, subscriptionPullKind as pullTyped } from '../../src/kinds/subscription.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const subscriptionKind: Kind = subTyped;
const subscriptionPullKind: Kind = pullTyped;
const UID = '1234567890123456';
const NGINX = 'instance[hz].subscription[DOCKER_HUB:library/nginx>mirror/nginx]';

function doc(inst: Partial<Instance>): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', namespaces: { mirror: { autoCreateRepo: true } }, ...inst } } };
}

describe('subscription: desired and diff', () => {
  it('keys by source and target (repository defaulting to the source name), fills defaults, sorts platforms', () => {
    const d = subscriptionKind.desired(doc({ subscriptions: [{ name: 'nginx', from: 'DOCKER_HUB', sourceNamespace: 'library', sourceRepository: 'nginx', namespace: 'mirror' }, { from: 'QUAY', sourceNamespace: 'coreos', sourceRepository: 'etcd', namespace: 'mirror', repository: 'etcd-mirror', tagCount: 3, platforms: ['linux/arm64', 'linux/amd64'] }] }));
    expect(d.map((x) => [x.id, x.spec, x.requires, x.summary])).toEqual([
      [NGINX, { tagFilter: '.*', tagCount: 1, override: false, platforms: ['linux/amd64'], accelerate: false }, ['instance[hz].namespace[mirror]', 'instance[hz]'], 'subscription nginx'],
      ['instance[hz].subscription[QUAY:coreos/etcd>mirror/etcd-mirror]', { tagFilter: '.*', tagCount: 3, override: false, platforms: ['linux/amd64', 'linux/arm64'], accelerate: false }, ['instance[hz].namespace[mirror]', 'instance[hz]'], undefined],
    ]);
  });
  it('every compared field updates in place', () => {
    const d: DesiredObject = { id: NGINX, kind: 'subscription', account: 'prod', region: 'cn-hangzhou', key: {}, spec: { tagFilter: 'v.*', tagCount: 2, override: true, platforms: ['linux/arm64'], accelerate: true }, requires: [] };
    const l: LiveObject = { ...d, spec: { tagFilter: '.*', tagCount: 1, override: false, platforms: ['linux/amd64'], accelerate: false }, ids: {}, container: 'instance[hz]', prunable: false };
    const changes = diffOf(subscriptionKind, d, l).changes;
    expect(changes.map((c) => `${c.path} ${c.impact}`).sort()).toEqual(['accelerate update', 'override update', 'platforms update', 'tagCount update', 'tagFilter update']);
  });
});

describe('subscription: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: instanceId, ...params }, estate.keys['prod']!);
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await cr('CreateNamespace', { NamespaceName: 'mirror', AutoCreateRepo: true, DefaultRepoType: 'PRIVATE' });
    await cr('CreateArtifactSubscriptionRule', { SourceProvider: 'GCR', SourceNamespaceName: 'distroless', SourceRepoName: 'static', NamespaceName: 'mirror', RepoName: 'static', TagRegexp: '.*', TagCount: 1, Platform: ['linux/amd64'] });
  });
  afterAll(async () => {
    await estate.close();
  });

  const STATIC = 'instance[hz].subscription[GCR:distroless/static>mirror/static]';
  const nginx = { from: 'DOCKER_HUB' as const, sourceNamespace: 'library', sourceRepository: 'nginx', namespace: 'mirror', pullOnCreate: true };

  it('reads every rule of the instance; undeclared ones are unmanaged, pruned with prune; pullOnCreate adds a run', async () => {
    const plan = await planFor(doc({ subscriptions: [nginx] }), estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([`create ${NGINX}`, `run ${NGINX}.pull`]);
    expect(plan.unmanaged.map((u) => u.id)).toEqual([STATIC]);
    const pruning = await planFor(doc({ prune: true, subscriptions: [nginx] }), estate.session, allKinds);
    expect(pruning.actions.map((a) => `${a.type} ${a.id}`)).toEqual([`create ${NGINX}`, `run ${NGINX}.pull`, `delete ${STATIC}`]);
  });

  it('creates, pulls once and prunes; the next plan is empty (no second pull); updates in place', async () => {
    const config = doc({ prune: true, subscriptions: [nginx] });
    const plan = await planFor(config, estate.session, allKinds);
    await estate.t.admin('DELETE', '/_emulator/calls');
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect(result.ids.get(NGINX)).toMatchObject({ instanceId, ruleId: expect.stringMatching(/^crasr-/) });
    expect(result.ids.get(`${NGINX}.pull`)).toMatchObject({ taskId: expect.stringMatching(/^crast-/) });
    expect(await successfulCalls(estate, 'CreateArtifactSubscriptionTask')).toBe(1);
    expect((await planFor(config, estate.session, allKinds)).actions).toEqual([]);
    const changed = doc({ prune: true, subscriptions: [{ ...nginx, tagFilter: '1\\.2[0-9]\\..*', tagCount: 5, platforms: ['linux/arm64', 'linux/amd64'], override: true }] });
    const p2 = await planFor(changed, estate.session, allKinds);
    expect(p2.actions.map((a) => `${a.type} ${a.id}`)).toEqual([`update ${NGINX}`]);
    expect((await applyPlan(p2, allKinds, estate.session, { clock })).result.status).toBe('complete');
    expect((await planFor(changed, estate.session, allKinds)).actions).toEqual([]);
    const rules = (await cr('ListArtifactSubscriptionRule', {}))['Rules'] as { TagCount: number; Override: boolean; Platform: string[] }[];
    expect(rules).toMatchObject([{ TagCount: 5, Override: true, Platform: ['linux/amd64', 'linux/arm64'] }]);
  });

  it('create is idempotent (same spec) and refuses another spec; delete twice succeeds', async () => {
    const config = doc({ subscriptions: [{ from: 'QUAY', sourceNamespace: 'coreos', sourceRepository: 'etcd', namespace: 'mirror', tagCount: 2 }] });
    const plan = await planFor(config, estate.session, allKinds);
    const action = plan.actions.find((a) => a.type === 'create' && a.id.includes('QUAY'))!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(subscriptionKind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    await carryOut(subscriptionKind, h.ctx, action);
    await carryOut(subscriptionKind, h.ctx, action);
    expect(await successfulCalls(estate, 'CreateArtifactSubscriptionRule')).toBe(1);
    expect(await reconcileAction(subscriptionKind, h.ctx, action)).toMatchObject({ state: 'done', ids: { instanceId, ruleId: expect.stringMatching(/^crasr-/) } });
    await expect(carryOut(subscriptionKind, h.ctx, { ...action, after: { ...action.after!, tagCount: 9 } })).rejects.toMatchObject({ code: 'apply.exists_different' });
    const del = { ...action, type: 'delete' as const, after: undefined, before: action.after, ids: { instanceId } } as unknown as typeof action;
    await carryOut(subscriptionKind, h.ctx, del);
    await carryOut(subscriptionKind, h.ctx, del);
    expect(await reconcileAction(subscriptionKind, h.ctx, del)).toEqual({ state: 'done' });
  });

  it('a pull whose task was created before a crash is pending, then done, and not sent again', async () => {
    const config = doc({ subscriptions: [{ from: 'DOCKER_HUB', sourceNamespace: 'library', sourceRepository: 'redis', namespace: 'mirror', pullOnCreate: true }] });
    const plan = await planFor(config, estate.session, allKinds);
    const rule = plan.actions.find((a) => a.type === 'create')!;
    const pull = plan.actions.find((a) => a.type === 'run')!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    const created = await carryOut(subscriptionKind, h.ctx, rule);
    const withRule = execContext({ cloud: estate.session, clock, ids: { ...plan.refs, [rule.id]: created.ids! } });
    expect(await reconcileAction(subscriptionPullKind, withRule.ctx, pull)).toEqual({ state: 'absent' });
    await cr('CreateArtifactSubscriptionTask', { RuleId: created.ids!['ruleId'] }); // sent before the crash
    const r = await reconcileAction(subscriptionPullKind, withRule.ctx, pull);
    expect(r).toMatchObject({ state: 'pending', ids: { taskId: expect.stringMatching(/^crast-/) } });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const resumed = execContext({ cloud: estate.session, clock, ids: { ...plan.refs, [rule.id]: created.ids! }, reconciled: r });
    await carryOut(subscriptionPullKind, resumed.ctx, pull);
    expect(resumed.intents).toEqual([]);
    expect(await successfulCalls(estate, 'CreateArtifactSubscriptionTask')).toBe(0);
    expect(await reconcileAction(subscriptionPullKind, withRule.ctx, pull)).toMatchObject({ state: 'done' });
  });
});

describe('subscription: validation', () => {
  const head = `version: 1
accounts:
  prod: { uid: "1234567890123456" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    namespaces: { mirror: {} }
    subscriptions:
`;
  const ids = (items: string): string[] =>
    validateSource(head + items, 'r.yaml', { references: languageReferences(allKinds) }).findings.map((f) => `${f.id}@${f.location.line}:${f.location.column}`);
  it.each([
    { reason: 'a valid subscription', items: '      - { from: DOCKER_HUB, sourceNamespace: library, sourceRepository: nginx, namespace: mirror }\n', want: [] as string[] },
    { reason: 'into an undeclared namespace', items: '      - { from: DOCKER_HUB, sourceNamespace: library, sourceRepository: nginx, namespace: other }\n', want: ['ref/unknown-namespace@12:91'] },
    {
      reason: 'the same source into the same repository twice (repository defaults to the source name)',
      items: '      - { from: GCR, sourceNamespace: a, sourceRepository: b, namespace: mirror }\n      - { from: GCR, sourceNamespace: a, sourceRepository: x, namespace: mirror, repository: b }\n      - { from: GCR, sourceNamespace: a, sourceRepository: b, namespace: mirror, repository: b }\n',
      want: ['ref/duplicate-key@14:9'],
    },
    { reason: 'an unknown registry', items: '      - { from: GHCR, sourceNamespace: a, sourceRepository: b, namespace: mirror }\n', want: ['schema/enum@12:17'] },
  ])('$reason', ({ items, want }) => {
    const got = ids(items);
    if (want.length === 0) expect(got).toEqual([]);
    else expect(got).toEqual(want);
  });
});
