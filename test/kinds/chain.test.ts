import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import { validateSource } from '../../src/config/load.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import type { Chain } from '../../src/config/model.generated.js';
import { chainKind as typed } from '../../src/kinds/chain.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import type { Kind } from '../../src/plan/kind.js';
import { diffOf } from '../../src/plan/planner.js';
import { cliFor, expectRoundTrip } from '../adopt/support.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const kind: Kind = typed;
const UID = '1234567890123456';
const NAMESPACES = { 'team-a': { repositories: { api: { summary: 'api' }, web: { summary: 'web' }, legacy: { summary: 'legacy' } } }, 'team-b': {} };
const DENY = { severity: 'HIGH', count: 1, logic: 'AND', action: 'BLOCK' } as const;
const MAIN = { build: {}, push: {}, scan: { deny: DENY }, replicate: {}, trigger: {} };

function doc(chains: Chain[], over: Partial<Instance> = {}): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', namespaces: NAMESPACES, chains, ...over } } };
}

describe('chain: desired and diff', () => {
  it('puts nodes in the product order, derives the template routes between them, maps the deny policy, requires its scope', () => {
    const [d] = kind.desired(doc([{ name: 'rel', namespace: 'team-a', repository: 'api', nodes: { trigger: {}, scan: { deny: DENY }, push: {}, replicate: { enabled: false }, build: {} } }]));
    expect(d!.spec).toEqual({
      namespace: 'team-a',
      repository: 'api',
      description: '',
      exclude: [],
      nodes: ['build', 'push', 'scan', 'replicate (off)', 'trigger'],
      deny: 'severity=HIGH count=1 logic=AND action=BLOCK',
      routes: ['build -> push', 'push -> scan', 'scan -> replicate', 'replicate -> trigger'],
    });
    expect(d!.requires).toEqual(['instance[hz]', 'instance[hz].namespace[team-a]', 'instance[hz].namespace[team-a].repository[api]']);
    const [all] = kind.desired(doc([{ name: 'all', nodes: { push: {}, trigger: {} }, routes: ['push->trigger'] }]));
    expect([all!.spec['namespace'], all!.spec['routes'], all!.requires]).toEqual(['', ['push -> trigger'], ['instance[hz]']]);
  });

  it('changes nodes, routes, description and exclusions in place; a new scope replaces the chain', () => {
    const [d] = kind.desired(doc([{ name: 'c', namespace: 'team-a', description: 'x', exclude: ['web'], nodes: MAIN }]));
    const live = {
      ...d!,
      spec: { ...d!.spec, namespace: 'team-b', description: 'y', exclude: [], nodes: [], deny: '', routes: [] },
      ids: { instanceId: 'cri-1', chainId: 'chi-1' },
      container: 'instance[hz]',
      prunable: false,
    };
    expect(diffOf(kind, d!, live).changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['deny:update', 'description:update', 'exclude:update', 'namespace:replace', 'nodes:update', 'routes:update']);
  });
});

describe('chain: the graph is checked before apply, with file:line', () => {
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
      team-a:
        repositories:
          api: { summary: api }
    chains:
`;
  const ids = (items: string): string[] => validateSource(head + items, 'r.yaml', { references: languageReferences(allKinds) }).findings.map((f) => `${f.id}@${f.location.line}:${f.location.column}`);
  const main = '        nodes: { build: {}, push: {}, scan: { deny: { severity: HIGH, count: 1, logic: AND, action: BLOCK } }, replicate: {}, trigger: {} }\n';
  it.each([
    { reason: 'the product main path, routes derived', items: `      - name: ok\n${main}`, want: [] as string[] },
    { reason: 'the template routes written out', items: `      - name: ok\n${main}        routes: [build -> push, push -> scan, scan -> replicate, replicate -> trigger]\n`, want: [] },
    { reason: 'the snapshot branch, off', items: `      - name: ok\n        nodes: { push: {}, scan: { enabled: false }, snapshot: { enabled: false }, snapshotTrigger: {} }\n`, want: [] },
    { reason: 'a route to a node not declared', items: `      - name: c\n${main}        routes: [build -> push, push -> scan, scan -> snapshot]\n`, want: ['ref/chain-unreachable@16:123', 'ref/chain-unreachable@16:136', 'ref/chain-route@17:47'] },
    { reason: 'a route the product does not have (skips scan)', items: `      - name: c\n        nodes: { push: {}, trigger: {} }\n        routes: [push -> trigger]\n`, want: ['ref/chain-route@17:18'] },
    { reason: 'a cycle (and the backward route is no product route)', items: `      - name: c\n        nodes: { build: {}, push: {} }\n        routes: [build -> push, push -> build]\n`, want: ['ref/chain-cycle@17:33', 'ref/chain-route@17:33'] },
    { reason: 'a route twice', items: `      - name: c\n        nodes: { build: {}, push: {} }\n        routes: [build -> push, build->push]\n`, want: ['ref/chain-route@17:33'] },
    { reason: 'a gap in the product order: trigger without replicate', items: `      - name: c\n        nodes: { push: {}, scan: { enabled: false }, trigger: {} }\n`, want: ['ref/chain-unreachable@16:63'] },
    { reason: 'an enabled scan without a deny policy', items: `      - name: c\n        nodes: { push: {}, scan: {} }\n`, want: ['ref/chain-scan-deny@16:34'] },
    { reason: 'an unknown node', items: `      - name: c\n        nodes: { deploy: {} }\n`, want: ['schema/unknown-key@16:18'] },
    { reason: 'a bad route', items: `      - name: c\n        nodes: { push: {} }\n        routes: ["push => scan"]\n`, want: ['schema/pattern@17:18'] },
    { reason: 'a deny enum', items: `      - name: c\n        nodes: { scan: { deny: { severity: CRITICAL, count: 1, logic: AND, action: BLOCK } } }\n`, want: ['schema/enum@16:44'] },
    { reason: 'the deny policy on another node', items: `      - name: c\n        nodes: { push: { deny: {} } }\n`, want: ['schema/unknown-key@16:26'] },
    { reason: 'an undeclared repository', items: `      - name: c\n        namespace: team-a\n        repository: ghost\n        nodes: { push: {} }\n`, want: ['ref/unknown-repository@17:21'] },
    { reason: 'an undeclared namespace', items: `      - name: c\n        namespace: ghost\n        nodes: { push: {} }\n`, want: ['ref/unknown-namespace@16:20'] },
    { reason: 'an excluded repository not declared', items: `      - name: c\n        namespace: team-a\n        exclude: [ghost]\n        nodes: { push: {} }\n`, want: ['ref/unknown-repository@17:19'] },
    { reason: 'exclude on a repository chain', items: `      - name: c\n        namespace: team-a\n        repository: api\n        exclude: [api]\n        nodes: { push: {} }\n`, want: ['schema/invalid@18:9'] },
    { reason: 'repository without namespace', items: `      - name: c\n        repository: api\n        nodes: { push: {} }\n`, want: ['schema/required@16:9'] },
    { reason: 'a name twice', items: `      - { name: c, nodes: { push: {} } }\n      - { name: c, nodes: { push: {} } }\n`, want: ['ref/duplicate-key@16:17'] },
    { reason: 'a bad name', items: `      - { name: Rel, nodes: { push: {} } }\n`, want: ['schema/pattern@15:17'] },
  ])('$reason', ({ items, want }) => {
    expect(ids(items)).toEqual(want);
  });
});

describe('chain: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: hz, ...params }, estate.keys['prod']!);
  const chains = async () => {
    const list = (await cr('ListChain', {}))['Chains'] as { ChainId: string; Name: string; ScopeType: string }[];
    return Promise.all(list.map(async (c) => ({ ...c, config: (await cr('GetChain', { ChainId: c.ChainId }))['ChainConfig'] as { Nodes: { NodeName: string; Enable: boolean }[]; Routers: unknown[] } })));
  };

  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await cr('CreateNamespace', { NamespaceName: 'team-a', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    await cr('CreateNamespace', { NamespaceName: 'team-b', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
    for (const r of ['api', 'web', 'legacy']) await cr('CreateRepository', { RepoNamespaceName: 'team-a', RepoName: r, RepoType: 'PRIVATE', Summary: r });
    await cr('CreateChain', { Name: 'by-hand', RepoNamespaceName: 'team-b' });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('plans and applies chains on a repository and a namespace; they read back exactly (GetChain); the undeclared chain is unmanaged', async () => {
    const cfg = doc([
      { name: 'api-release', namespace: 'team-a', repository: 'api', description: 'ship api', nodes: MAIN },
      { name: 'team-wide', namespace: 'team-a', exclude: ['legacy'], nodes: { push: {}, scan: { deny: { ...DENY, action: 'BLOCK_RETAG' } }, snapshot: { enabled: false }, snapshotTrigger: { enabled: false } } },
    ]);
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['create instance[hz].chain[api-release]', 'create instance[hz].chain[team-wide]']);
    expect(plan.unmanaged.filter((u) => u.kind === 'chain').map((u) => u.id)).toEqual(['instance[hz].chain[by-hand]']);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(cfg, estate.session, allKinds)).actions).toEqual([]);
    const live = (await chains()).filter((c) => c.Name !== 'by-hand');
    expect(live.map((c) => [c.Name, c.ScopeType, c.config.Nodes.map((n) => `${n.NodeName}:${n.Enable}`), c.config.Routers.length])).toEqual([
      ['api-release', 'REPOSITORY', ['DOCKER_IMAGE_BUILD:true', 'DOCKER_IMAGE_PUSH:true', 'VULNERABILITY_SCANNING:true', 'ACTIVATE_REPLICATION:true', 'TRIGGER:true'], 4],
      ['team-wide', 'NAMESPACE', ['DOCKER_IMAGE_PUSH:true', 'VULNERABILITY_SCANNING:true', 'SNAPSHOT:false', 'TRIGGER_SNAPSHOT:false'], 3],
    ]);
  });

  it('shows drift made by hand, updates in place (same id), replaces on a new scope (new id), and prunes the chain made by hand', async () => {
    const before = await chains();
    const id = (list: { Name: string; ChainId: string }[], name: string) => list.find((c) => c.Name === name)?.ChainId;
    // By hand: the api chain's replicate node switched off.
    const api = before.find((c) => c.Name === 'api-release')!;
    const nodes = api.config.Nodes.map((n) => (n.NodeName === 'ACTIVATE_REPLICATION' ? { ...n, Enable: false } : n));
    await cr('UpdateChain', { ChainId: api.ChainId, Name: 'api-release', Description: 'ship api', ChainConfig: JSON.stringify({ ...api.config, Nodes: nodes }) });
    const cfg = doc(
      [
        { name: 'api-release', namespace: 'team-a', repository: 'api', description: 'ship api', nodes: MAIN },
        { name: 'team-wide', namespace: 'team-b', nodes: { push: {}, scan: { deny: { ...DENY, action: 'BLOCK_RETAG' } }, snapshot: { enabled: false }, snapshotTrigger: { enabled: false } } },
      ],
      { prune: true },
    );
    // drift reports the change made by hand (exit 2), naming the chain and the node.
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-drift-chain-'));
    try {
      writeFileSync(join(cwd, 'registry.yaml'), stringify(doc([{ name: 'api-release', namespace: 'team-a', repository: 'api', description: 'ship api', nodes: MAIN }])));
      const drift = await cliFor(estate.t, cwd)(['drift', '-f', 'registry.yaml', '--format', 'json']);
      expect(drift.code, drift.stderr).toBe(2);
      const report = JSON.parse(drift.stdout) as { objects: { address: string }[] };
      expect(report.objects.map((o) => o.address)).toContain('instance[hz].chain[api-release]');
      expect(drift.stdout).toContain('replicate (off)');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    const plan = await planFor(cfg, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id} ${a.changes.map((c) => `${c.path}:${c.impact}`).join(',')}`)).toEqual([
      'update instance[hz].chain[api-release] nodes:update',
      'delete instance[hz].chain[by-hand] ',
      'replace instance[hz].chain[team-wide] exclude:update,namespace:replace',
    ]);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    expect((await planFor(cfg, estate.session, allKinds)).actions).toEqual([]);
    const after = await chains();
    expect(id(after, 'api-release')).toBe(id(before, 'api-release'));
    expect(id(after, 'team-wide')).not.toBe(id(before, 'team-wide'));
    expect(after.map((c) => c.Name).sort()).toEqual(['api-release', 'team-wide']);
    expect(after.find((c) => c.Name === 'team-wide')!.ScopeType).toBe('NAMESPACE');
  });

  it('create reconciles by name and is idempotent; delete accepts a chain already gone', async () => {
    const cfg = doc([{ name: 'extra', nodes: { push: {}, trigger: { enabled: false } }, routes: ['push -> trigger'] }]);
    const plan = await planFor(cfg, estate.session, allKinds);
    const action = plan.actions.find((a) => a.id === 'instance[hz].chain[extra]')!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    const first = await carryOut(kind, h.ctx, action);
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'done', ids: first.ids });
    expect(await carryOut(kind, h.ctx, action)).toEqual(first); // CHAIN_ALREADY_EXIST, same chain: success
    expect(await successfulCalls(estate, 'CreateChain')).toBe(1);
    await expect(carryOut(kind, h.ctx, { ...action, after: { ...action.after, description: 'other' } })).rejects.toMatchObject({ code: 'apply.exists_different' });
    const del = { ...action, type: 'delete' as const, before: action.after!, ids: first.ids! };
    delete (del as { after?: unknown }).after;
    await carryOut(kind, h.ctx, del);
    await carryOut(kind, h.ctx, del); // CHAIN_NOT_EXIST is success
    expect(await reconcileAction(kind, h.ctx, del)).toEqual({ state: 'done' });
    expect(await successfulCalls(estate, 'DeleteChain')).toBe(1);
  });

  it('adopts the chains, and a plan of the adopted file shows no changes', async () => {
    const odd = await cr('CreateChain', { Name: 'odd-routes', ChainConfig: JSON.stringify({ Nodes: [{ NodeName: 'DOCKER_IMAGE_PUSH', Enable: true }, { NodeName: 'TRIGGER', Enable: true }], Routers: [{ From: { NodeName: 'DOCKER_IMAGE_PUSH' }, To: { NodeName: 'TRIGGER' } }] }) });
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-chain-'));
    try {
      const cli = cliFor(estate.t, cwd);
      const r = await cli(['adopt', '--account', `prod=${UID}`, '-o', 'adopted.yaml']);
      expect(r.code, r.stderr).toBe(0);
      const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { chains?: unknown[] }> };
      expect(Object.values(adopted.instances)[0]!.chains).toEqual([
        { name: 'api-release', namespace: 'team-a', repository: 'api', description: 'ship api', nodes: { build: {}, push: {}, scan: { deny: DENY }, replicate: {}, trigger: {} } },
        { name: 'team-wide', namespace: 'team-b', nodes: { push: {}, scan: { deny: { ...DENY, action: 'BLOCK_RETAG' } }, snapshot: { enabled: false }, snapshotTrigger: { enabled: false } } },
      ]);
      // push -> trigger is no product route: validate would refuse it, so adopt leaves the chain out and says why.
      expect(r.stderr.replace(/\u001b\[\d+m/g, '')).toContain("chain[odd-routes]: not adopted: push -> trigger is not a route of the product's delivery chain");
      // It stays unmanaged; without it the adopted file plans clean.
      await cr('DeleteChain', { ChainId: odd['ChainId'] });
      await expectRoundTrip(cli, 'adopted.yaml', cwd);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
