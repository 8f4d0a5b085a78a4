/**
 * Kind `chain`: a delivery chain of an instance (`instance[i].chain[name]`), matched to live chains
 * by name within the instance. A chain runs a fixed pipeline of nodes (build, push, scan, replicate,
 * trigger, and a snapshot branch) on every image pushed to its scope: one repository, one
 * namespace, or (no namespace) the whole instance.
 *
 * Reads: cr ListChain (paged) per matched RUNNING instance, then GetChain for each chain: ListChain
 * gives no ChainConfig (its nodes and routes) and names its scope only by ScopeType and ScopeId,
 * which are resolved to names with the namespace and repository ids those kinds read. Chains not
 * declared are unmanaged under the instance, pruned when it has `prune: true`.
 * Acts: CreateChain / UpdateChain (description, excluded repositories, nodes and routes in place) /
 * DeleteChain. UpdateChain has no RepoNamespaceName or RepoName, so a new scope replaces the chain
 * (delete, then create: the name is the key). The ChainConfig travels as one JSON string.
 *
 * The graph is checked before apply (REFERENCES below): known node names (the schema), routes only
 * between declared nodes, no route twice, only the routes of the product's template, no cycle, and
 * every declared node reachable from the first one. The template (TEMPLATE_ROUTES) comes from
 * Terraform's alicloud_cr_chain documentation, which says the routes "are all fixed" and gives them;
 * that the service refuses any other route is our reading of that sentence (a guess, SPEC.md).
 */
import type { CrChainConfig, CrChainFields, CrClient, GetChainResponse } from '../cloud/cr.js';
import type { DocPath, ReferenceCheck, RegistryDocument } from '../config/model.js';
import type { Chain, ChainDenyPolicy } from '../config/model.generated.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { compareSpec } from '../plan/compare.js';
import { list, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { PlanFinding } from '../plan/model.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { namespaceAddress } from './namespace.js';
import { instanceChildCalls } from './permits.js';
import { repositoryAddress } from './repository.js';
import { existsDifferent, isNotFound, mapLimit, vendorCode } from './support.js';

/** GetChain calls in flight at once. */
const READS_IN_FLIGHT = 8;

/** The nodes of the language, in the product's order, and their API NodeName. */
export const CHAIN_NODES = {
  build: 'DOCKER_IMAGE_BUILD',
  push: 'DOCKER_IMAGE_PUSH',
  scan: 'VULNERABILITY_SCANNING',
  replicate: 'ACTIVATE_REPLICATION',
  trigger: 'TRIGGER',
  snapshot: 'SNAPSHOT',
  snapshotTrigger: 'TRIGGER_SNAPSHOT',
} as const;
export type ChainNode = keyof typeof CHAIN_NODES;
const NODE_ORDER = Object.keys(CHAIN_NODES) as ChainNode[];
const NODE_OF_API: Readonly<Record<string, ChainNode>> = Object.fromEntries(NODE_ORDER.map((n) => [CHAIN_NODES[n], n]));

/**
 * The product's routes (Terraform alicloud_cr_chain docs, example and the note "the from and to
 * fields are all fixed"): build → push → scan → replicate → trigger, and scan → snapshot →
 * snapshotTrigger.
 */
export const TEMPLATE_ROUTES: readonly (readonly [ChainNode, ChainNode])[] = [
  ['build', 'push'],
  ['push', 'scan'],
  ['scan', 'replicate'],
  ['replicate', 'trigger'],
  ['scan', 'snapshot'],
  ['snapshot', 'snapshotTrigger'],
];
const TEMPLATE = new Set(TEMPLATE_ROUTES.map(([a, b]) => `${a} -> ${b}`));
const ROUTE_RE = /^\s*([A-Za-z]+)\s*->\s*([A-Za-z]+)\s*$/;

/** The deny policy's enums (Terraform alicloud_cr_chain validation; cr-2018-12-01.json `ChainBlockAction`). */
export const DENY_ENUMS = { severity: ['LOW', 'MEDIUM', 'HIGH', 'UNKNOWN'], logic: ['AND', 'OR'], action: ['BLOCK', 'BLOCK_RETAG', 'BLOCK_DELETE_TAG'] } as const satisfies Record<string, readonly string[]>;
const DENY_ENUM_LISTS: Readonly<Record<keyof typeof DENY_ENUMS, readonly string[]>> = DENY_ENUMS;

const keyShape = struct({ instance: str, chain: str });
/**
 * `namespace` '' is an instance-wide chain, `repository` '' a namespace-wide one; `nodes` the node
 * names in the product's order, a disabled one as `replicate (off)`; `deny` the scan node's deny
 * policy as `severity=HIGH count=1 logic=AND action=BLOCK` ('' for none); `routes` as `from -> to`
 * in the product's order; `exclude` sorted. One line per node and policy, so plans read well.
 */
const specShape = struct({ namespace: str, repository: str, description: str, exclude: list(str), nodes: list(str), deny: str, routes: list(str) });
const idsShape = struct({ instanceId: str, chainId: str });
export type ChainKey = Decoded<typeof keyShape>;
export type ChainSpec = Decoded<typeof specShape>;
export type ChainIds = Decoded<typeof idsShape>;
/** A node as the spec's `nodes` and `deny` describe it together. */
interface NodeSpec {
  readonly node: string;
  readonly enabled: boolean;
  readonly deny?: DenySpec;
}
interface DenySpec {
  readonly severity: string;
  readonly count: string;
  readonly logic: string;
  readonly action: string;
}
const OFF = ' (off)';

function denyText(d: DenySpec | undefined): string {
  return d === undefined ? '' : `severity=${d.severity} count=${d.count} logic=${d.logic} action=${d.action}`;
}

/** The nodes of a spec, the deny policy on the scan node; undefined when `deny` is not in the spec's form. */
function nodesOf(spec: ChainSpec): NodeSpec[] | undefined {
  let deny: DenySpec | undefined;
  if (spec.deny !== '') {
    const f = Object.fromEntries(spec.deny.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    if (Object.keys(f).length !== 4 || [f['severity'], f['count'], f['logic'], f['action']].some((x) => x === undefined)) return undefined;
    deny = { severity: f['severity']!, count: f['count']!, logic: f['logic']!, action: f['action']! };
  }
  return spec.nodes.map((text) => {
    const enabled = !text.endsWith(OFF);
    const node = enabled ? text : text.slice(0, -OFF.length);
    return { node, enabled, ...(node === 'scan' && deny !== undefined ? { deny } : {}) };
  });
}

function specNodes(nodes: readonly NodeSpec[]): { nodes: string[]; deny: string } {
  const sorted = [...nodes].sort((a, b) => byNode(a.node, b.node));
  return { nodes: sorted.map((n) => `${n.node}${n.enabled ? '' : OFF}`), deny: denyText(sorted.find((n) => n.node === 'scan')?.deny) };
}

/** `instance[i].chain[name]`. */
export function chainAddress(instance: string, chain: string): string {
  return address(instanceAddress(instance), segment('chain', chain));
}

const nodeRank = (n: string): number => {
  const i = NODE_ORDER.indexOf(n as ChainNode);
  return i < 0 ? NODE_ORDER.length : i;
};
const byNode = (a: string, b: string): number => nodeRank(a) - nodeRank(b) || (a < b ? -1 : a > b ? 1 : 0);
function sortRoutes(routes: Iterable<string>): string[] {
  return [...new Set(routes)].sort((x, y) => {
    const [a1 = '', b1 = ''] = x.split(' -> ');
    const [a2 = '', b2 = ''] = y.split(' -> ');
    return byNode(a1, a2) || byNode(b1, b2);
  });
}

/** The routes a chain declares, or (none declared) the template's routes between its nodes. */
export function chainRoutes(nodes: readonly string[], routes: readonly string[] | undefined): string[] {
  if (routes !== undefined) {
    return sortRoutes(routes.map((r) => {
      const m = ROUTE_RE.exec(r);
      return m === null ? r : `${m[1]} -> ${m[2]}`;
    }));
  }
  const have = new Set(nodes);
  return sortRoutes(TEMPLATE_ROUTES.filter(([a, b]) => have.has(a) && have.has(b)).map(([a, b]) => `${a} -> ${b}`));
}

function desiredSpec(c: Chain): ChainSpec {
  const declared: Readonly<Record<string, { readonly enabled?: boolean; readonly deny?: ChainDenyPolicy } | undefined>> = { ...c.nodes };
  const nodes = Object.entries(declared)
    .flatMap(([name, n]): NodeSpec[] => {
      if (n === undefined) return [];
      const deny = name === 'scan' ? n.deny : undefined;
      return [{ node: name, enabled: n.enabled ?? true, ...(deny !== undefined ? { deny: { severity: deny.severity, count: String(deny.count), logic: deny.logic, action: deny.action } } : {}) }];
    })
    .sort((a, b) => byNode(a.node, b.node));
  return {
    namespace: c.namespace ?? '',
    repository: c.repository ?? '',
    description: c.description ?? '',
    exclude: [...new Set(c.exclude ?? [])].sort(),
    ...specNodes(nodes),
    routes: chainRoutes(nodes.map((n) => n.node), c.routes),
  };
}

/** The API ChainConfig of a spec (the shape GetChain returns, without its read-only fields). */
function chainConfigOf(spec: ChainSpec): CrChainConfig {
  const api = (n: string): string => CHAIN_NODES[n as ChainNode] ?? n;
  return {
    Nodes: (nodesOf(spec) ?? []).map((n) => ({
      NodeName: api(n.node),
      Enable: n.enabled,
      NodeConfig: { DenyPolicy: n.deny === undefined ? {} : { IssueLevel: n.deny.severity, IssueCount: n.deny.count, Logic: n.deny.logic, Action: n.deny.action } },
    })),
    Routers: spec.routes.map((r) => {
      const [from = '', to = ''] = r.split(' -> ');
      return { From: { NodeName: api(from) }, To: { NodeName: api(to) } };
    }),
  };
}

/** The scope of a listed chain in names, from the namespace and repository ids already read. */
export type ScopeNames = (type: string, id: string) => { namespace: string; repository: string } | undefined;

function liveSpec(c: CrChainFields, got: GetChainResponse | undefined, scope: ScopeNames): ChainSpec {
  const type = c.ScopeType ?? '';
  const id = c.ScopeId ?? '';
  const names = scope(type, id) ?? { namespace: `(${type.toLowerCase() || 'scope'} ${id})`, repository: '' };
  const config = got?.ChainConfig;
  const node = (name: string | undefined): string => NODE_OF_API[name ?? ''] ?? name ?? '';
  // Only the scan node's deny policy is read: the language has none on the other nodes (acrctl sends them empty).
  const nodes = (config?.Nodes ?? []).map((n): NodeSpec => {
    const d = n.NodeConfig?.DenyPolicy;
    const name = node(n.NodeName);
    const hasDeny = name === 'scan' && d !== undefined && [d.IssueLevel, d.IssueCount, d.Logic, d.Action].some((x) => x !== undefined && x !== '');
    return { node: name, enabled: n.Enable ?? false, ...(hasDeny ? { deny: { severity: d.IssueLevel || '-', count: d.IssueCount || '-', logic: d.Logic || '-', action: d.Action || '-' } } : {}) };
  });
  const routes = sortRoutes((config?.Routers ?? []).map((r) => `${node(r.From?.NodeName)} -> ${node(r.To?.NodeName)}`));
  return { ...names, description: got?.Description ?? c.Description ?? '', exclude: [...new Set(got?.ScopeExclude ?? c.ScopeExclude ?? [])].sort(), ...specNodes(nodes), routes };
}

function requiresOf(alias: string, spec: ChainSpec): string[] {
  const out = [instanceAddress(alias)];
  if (spec.namespace !== '') out.push(namespaceAddress(alias, spec.namespace));
  if (spec.repository !== '') out.push(repositoryAddress(alias, spec.namespace, spec.repository));
  return out;
}

async function liveChains(cr: CrClient, instanceId: string): Promise<readonly CrChainFields[]> {
  return (await cr.allChains({ InstanceId: instanceId })).items;
}

/** The fields UpdateChain and CreateChain share. */
function writeFields(spec: ChainSpec) {
  return { ChainConfig: JSON.stringify(chainConfigOf(spec)), ...(spec.exclude.length > 0 ? { ScopeExclude: spec.exclude } : {}) };
}

/** The scope of a chain as ScopeType/ScopeId, from the ids of its namespace or repository (when known in this run). */
function expectedScope(ctx: ExecContext, key: ChainKey, spec: ChainSpec, instanceId: string): { type: string; id: string | undefined } {
  if (spec.repository !== '') return { type: 'REPOSITORY', id: ctx.ids(repositoryAddress(key.instance, spec.namespace, spec.repository))['repoId'] };
  if (spec.namespace !== '') return { type: 'NAMESPACE', id: ctx.ids(namespaceAddress(key.instance, spec.namespace))['namespaceId'] };
  return { type: 'INSTANCE', id: instanceId };
}

/** Changes between a spec and a live chain; the scope by ScopeType and (when known) ScopeId. */
function changesAgainst(ctx: ExecContext, s: Subject<ChainSpec, ChainIds, ChainKey>, instanceId: string, found: CrChainFields, got: GetChainResponse) {
  const scope = expectedScope(ctx, s.key, s.spec, instanceId);
  const same = found.ScopeType === scope.type && (scope.id === undefined || found.ScopeId === scope.id);
  const live = liveSpec(found, got, () => (same ? { namespace: s.spec.namespace, repository: s.spec.repository } : undefined));
  return compareSpec(s.spec, live);
}

async function create(ctx: ExecContext, s: Subject<ChainSpec, ChainIds, ChainKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateChain', { instanceId, chain: s.key.chain });
  try {
    const r = await cr.createChain({
      InstanceId: instanceId,
      Name: s.key.chain,
      ...(s.spec.description !== '' ? { Description: s.spec.description } : {}),
      ...(s.spec.namespace !== '' ? { RepoNamespaceName: s.spec.namespace } : {}),
      ...(s.spec.repository !== '' ? { RepoName: s.spec.repository } : {}),
      ...writeFields(s.spec),
    });
    if (r.ChainId === undefined) throw new AcrctlError('apply.no_id', `CreateChain for ${s.id} returned no ChainId`, { address: s.id });
    return { ids: { instanceId, chainId: r.ChainId } };
  } catch (err) {
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    const found = (await liveChains(cr, instanceId)).find((c) => c.Name === s.key.chain);
    if (found?.ChainId === undefined) throw err;
    const got = await cr.getChain({ InstanceId: instanceId, ChainId: found.ChainId });
    const changes = changesAgainst(ctx, s, instanceId, found, got);
    if (changes.length > 0) existsDifferent(s.id, changes);
    return { ids: { instanceId, chainId: found.ChainId } };
  }
}

async function update(ctx: ExecContext, c: Change<ChainSpec, ChainIds, ChainKey>): Promise<Outcome> {
  const { instanceId, chainId } = c.ids;
  await ctx.intent('UpdateChain', { instanceId, chainId, fields: c.changes.map((x) => x.path) });
  // UpdateChain replaces the description and the excluded repositories with what it is sent.
  await ctx.cloud.cr(c.account, c.region).updateChain({ InstanceId: instanceId, ChainId: chainId, Name: c.key.chain, Description: c.spec.description, ...writeFields(c.spec) });
  return { ids: c.ids };
}

async function remove(ctx: ExecContext, r: Removal<ChainSpec, ChainIds, ChainKey>): Promise<Outcome> {
  const { instanceId, chainId } = r.ids;
  await ctx.intent('DeleteChain', { instanceId, chainId });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteChain({ InstanceId: instanceId, ChainId: chainId });
  } catch (err) {
    if (!isNotFound(err)) throw err; // CHAIN_NOT_EXIST: already gone
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<ChainSpec, ChainIds, ChainKey>): Promise<Observation<ChainIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const cr = ctx.cloud.cr(s.account, s.region);
  const chains = await liveChains(cr, instanceId);
  const found = s.ids !== undefined ? chains.find((c) => c.ChainId === s.ids!.chainId) : chains.find((c) => c.Name === s.key.chain);
  if (found?.ChainId === undefined) return { state: 'absent' };
  let got: GetChainResponse;
  try {
    got = await cr.getChain({ InstanceId: instanceId, ChainId: found.ChainId });
  } catch (err) {
    if (isNotFound(err)) return { state: 'absent' }; // deleted between the two calls
    throw err;
  }
  const upToDate = found.Name === s.key.chain && changesAgainst(ctx, s, instanceId, found, got).length === 0;
  return { state: 'present', upToDate, ready: true, ids: { instanceId, chainId: found.ChainId } };
}

/**
 * The graph of one chain, checked before apply: every route joins two declared nodes, appears once,
 * is a route of the product's template and forms no cycle; every declared node is reachable from
 * the first declared node in the product's order (the chain's start).
 */
function checkGraph(
  nodes: readonly string[],
  routes: readonly { text: string; path: DocPath }[] | undefined,
  at: DocPath,
  label: string,
  report: (id: string, message: string, path: DocPath, hint?: string) => void,
): void {
  const declared = new Set(nodes);
  const edges: [string, string, DocPath][] = [];
  const seen = new Set<string>();
  const template = [...TEMPLATE].join(', ');
  if (routes === undefined) {
    for (const r of chainRoutes(nodes, undefined)) {
      const [a = '', b = ''] = r.split(' -> ');
      edges.push([a, b, [...at, 'nodes']]);
    }
  } else {
    for (const r of routes) {
      const m = ROUTE_RE.exec(r.text);
      if (m === null) continue; // the schema's pattern reports it
      const [from, to] = [m[1]!, m[2]!];
      const missing = [from, to].filter((n) => !declared.has(n));
      if (missing.length > 0) {
        report('ref/chain-route', `${label}: route ${r.text.trim()} names ${missing.map((n) => `node ${n}`).join(' and ')}, which the chain does not declare under nodes`, r.path, `declare ${missing.join(' and ')} under nodes (enabled: false to keep it off), or remove the route`);
        continue;
      }
      const text = `${from} -> ${to}`;
      if (seen.has(text)) {
        report('ref/chain-route', `${label}: route ${text} is listed twice`, r.path);
        continue;
      }
      seen.add(text);
      if (!TEMPLATE.has(text)) {
        report('ref/chain-route', `${label}: ${text} is not a route of the product's delivery chain; its routes are fixed: ${template}`, r.path, 'Terraform alicloud_cr_chain: "the from and to fields are all fixed"');
      }
      edges.push([from, to, r.path]);
    }
  }
  // Cycles: depth-first search in the product's order; one finding per route that closes a cycle.
  const out = new Map<string, [string, DocPath][]>();
  for (const [a, b, p] of edges) out.set(a, [...(out.get(a) ?? []), [b, p]]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const [m, p] of out.get(n) ?? []) {
      if (state.get(m) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(m)), m].join(' -> ');
        report('ref/chain-cycle', `${label}: the routes form a cycle (${cycle}); a delivery chain runs each node once, in order`, p, 'remove the route that leads back');
      } else if (state.get(m) === undefined) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  const ordered = [...declared].sort(byNode);
  for (const n of ordered) if (state.get(n) === undefined) visit(n);
  // Reachability from the start node.
  const start = ordered[0];
  if (start === undefined) return;
  const reached = new Set([start]);
  const queue = [start];
  while (queue.length > 0) for (const [m] of out.get(queue.shift()!) ?? []) if (!reached.has(m)) (reached.add(m), queue.push(m));
  for (const n of ordered) {
    if (reached.has(n)) continue;
    const before = TEMPLATE_ROUTES.find(([, b]) => b === n)?.[0];
    const hint =
      before !== undefined && !declared.has(before)
        ? `declare ${before} under nodes too (enabled: false to keep it off): the product runs ${before} -> ${n}`
        : before !== undefined
          ? `add the route ${before} -> ${n}`
          : undefined;
    report('ref/chain-unreachable', `${label}: node ${n} cannot be reached from ${start}, where the chain starts; every node runs after the one before it in the product's order`, [...at, 'nodes', n], hint);
  }
}

/**
 * Chain names are unique per instance; the namespace and repository of a chain are declared; an
 * enabled scan node has a deny policy (Terraform's documentation: "when node_name is
 * VULNERABILITY_SCANNING, the parameters in deny_policy need to be filled in"); and the graph
 * (checkGraph).
 */
const REFERENCES: ReferenceCheck = ({ instances, items, entries, str, quote, report, needNamespace }) => {
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    const namespaces = new Map(entries(inst['namespaces']));
    for (const [i, chain] of items(inst['chains'])) {
      const path = ['instances', alias, 'chains', i];
      const name = str(chain['name']);
      const label = name === undefined ? `chain ${i}` : `chain ${quote(name)}`;
      if (name !== undefined) {
        const first = seen.get(name);
        if (first !== undefined) report('ref/duplicate-key', `chain name ${quote(name)} is used twice in instance ${quote(alias)} (first at chains[${first}])`, [...path, 'name'], 'a chain name is its natural key within the instance');
        else seen.set(name, i);
      }
      if (chain['namespace'] !== undefined) needNamespace(alias, chain['namespace'], [...path, 'namespace'], label);
      const ns = str(chain['namespace']);
      if (ns !== undefined && namespaces.has(ns)) {
        const declared = new Map(entries(namespaces.get(ns)!['repositories']));
        const repo = str(chain['repository']);
        if (repo !== undefined && !declared.has(repo)) {
          report('ref/unknown-repository', `${label} runs on repository ${quote(`${ns}/${repo}`)}, which instance ${quote(alias)} does not declare`, [...path, 'repository'], `declare it under namespaces.${ns}.repositories`);
        }
        const exclude = Array.isArray(chain['exclude']) ? (chain['exclude'] as unknown[]) : [];
        exclude.forEach((r, j) => {
          if (typeof r === 'string' && !declared.has(r)) report('ref/unknown-repository', `${label} excludes repository ${quote(`${ns}/${r}`)}, which instance ${quote(alias)} does not declare`, [...path, 'exclude', j], `declare it under namespaces.${ns}.repositories`);
        });
      }
      const nodes = chain['nodes'];
      if (nodes === null || typeof nodes !== 'object' || Array.isArray(nodes)) continue;
      const names = Object.keys(nodes).filter((n) => n in CHAIN_NODES);
      const scan = (nodes as Record<string, unknown>)['scan'];
      if (scan !== null && typeof scan === 'object' && (scan as Record<string, unknown>)['enabled'] !== false && (scan as Record<string, unknown>)['deny'] === undefined) {
        report('ref/chain-scan-deny', `${label}: the scan node is enabled but has no deny policy; the product needs one (severity, count, logic, action) to decide what blocks delivery`, [...path, 'nodes', 'scan'], 'e.g. deny: { severity: HIGH, count: 1, logic: AND, action: BLOCK }, or enabled: false');
      }
      const routes = Array.isArray(chain['routes'])
        ? (chain['routes'] as unknown[]).flatMap((r, j) => (typeof r === 'string' ? [{ text: r, path: [...path, 'routes', j] as DocPath }] : []))
        : undefined;
      checkGraph(names, routes, path, label, report);
    }
  }
};

const NODE_DESCRIPTIONS: Readonly<Record<ChainNode, string>> = {
  build: 'Build the image (API node DOCKER_IMAGE_BUILD).',
  push: 'Push the image (DOCKER_IMAGE_PUSH).',
  scan: 'Scan the image for vulnerabilities and block delivery by its deny policy (VULNERABILITY_SCANNING).',
  replicate: 'Start the replication (sync) rules of the repository (ACTIVATE_REPLICATION).',
  trigger: 'Call the repository\'s triggers when delivery completes (TRIGGER).',
  snapshot: 'Take a snapshot of the image after the scan (SNAPSHOT).',
  snapshotTrigger: 'Call the triggers of the snapshot (TRIGGER_SNAPSHOT).',
};
const enabledProperty = { description: 'Whether the node runs (API Enable). A node declared with `enabled: false` keeps its place in the chain but is skipped.', type: 'boolean', default: true };

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      chains: {
        description: 'Delivery chains (natural key: name): the pipeline each image pushed to a repository, a namespace or the instance runs through (build, push, scan, replicate, trigger). Checked as a graph before apply.',
        type: 'array',
        items: { $ref: '#/$defs/chain' },
        examples: [[{ name: 'api-release', namespace: 'team-a', repository: 'api', nodes: { build: {}, push: {}, scan: { deny: { severity: 'HIGH', count: 1, logic: 'AND', action: 'BLOCK' } }, replicate: {}, trigger: {} } }]],
      },
    },
  },
  defs: {
    chain: {
      description:
        'A delivery chain (API CreateChain; Terraform alicloud_cr_chain, no ROS resource). Its scope is `repository` of `namespace`, every repository of `namespace`, or (neither) the whole instance; a new scope replaces the chain (UpdateChain cannot move it).',
      type: 'object',
      required: ['name', 'nodes'],
      examples: [
        {
          name: 'api-release',
          namespace: 'team-a',
          repository: 'api',
          nodes: { build: {}, push: {}, scan: { deny: { severity: 'HIGH', count: 1, logic: 'AND', action: 'BLOCK' } }, replicate: { enabled: false }, trigger: {} },
        },
        { name: 'team-a-scan', namespace: 'team-a', exclude: ['sandbox'], nodes: { push: {}, scan: { deny: { severity: 'MEDIUM', count: 5, logic: 'OR', action: 'BLOCK_RETAG' } } }, routes: ['push -> scan'] },
      ],
      additionalProperties: false,
      properties: {
        name: {
          description: 'Chain name, unique within the instance (API Name): 1-64 lower-case letters, digits and the separators `_ - .`, not at either end.',
          type: 'string',
          pattern: '^[a-z0-9](?:[a-z0-9_.-]{0,62}[a-z0-9])?$',
          examples: ['api-release'],
        },
        namespace: { description: 'The namespace the chain runs on (declared in the instance; API RepoNamespaceName). Absent: every repository of the instance.', $ref: '#/$defs/namespaceName' },
        repository: { description: 'The one repository of `namespace` the chain runs on (declared there; API RepoName). Absent: every repository of the namespace.', $ref: '#/$defs/repositoryName' },
        description: { description: 'What the chain is for (API Description).', type: 'string' },
        exclude: {
          description: 'Repositories of `namespace` the chain skips (declared there; API ScopeExclude). Only for a namespace-wide chain.',
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { $ref: '#/$defs/repositoryName' },
        },
        nodes: { description: 'The nodes of the chain by name (build, push, scan, replicate, trigger, snapshot, snapshotTrigger), each with its settings.', $ref: '#/$defs/chainNodes' },
        routes: {
          description:
            'The order of the nodes as `from -> to` routes (API ChainConfig.Routers). Absent: the product\'s routes between the declared nodes. Only the product\'s routes are allowed: build -> push, push -> scan, scan -> replicate, replicate -> trigger, scan -> snapshot, snapshot -> snapshotTrigger.',
          type: 'array',
          minItems: 1,
          items: {
            type: 'string',
            pattern: `^\\s*(${NODE_ORDER.join('|')})\\s*->\\s*(${NODE_ORDER.join('|')})\\s*$`,
            examples: ['build -> push'],
          },
        },
      },
      dependentRequired: { repository: ['namespace'], exclude: ['namespace'] },
      allOf: [{ if: { required: ['repository'] }, then: { properties: { exclude: { not: {}, errorMessage: 'exclude is only used by a namespace-wide chain (without repository)' } } } }],
    },
    chainNodes: {
      description:
        'The nodes of a delivery chain, by name (API ChainConfig.Nodes). The product\'s order is build → push → scan → replicate → trigger, with scan → snapshot → snapshotTrigger beside it; declare the nodes the chain holds, in any order, each with its settings.',
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: Object.fromEntries(NODE_ORDER.map((n) => [n, { description: NODE_DESCRIPTIONS[n], $ref: n === 'scan' ? '#/$defs/chainScanNode' : '#/$defs/chainNode' }])),
    },
    chainNode: {
      description: 'A node of a delivery chain and whether it runs.',
      type: 'object',
      additionalProperties: false,
      properties: { enabled: enabledProperty },
    },
    chainScanNode: {
      description: 'The scan node of a delivery chain: whether it runs, and what blocks delivery.',
      type: 'object',
      additionalProperties: false,
      properties: { enabled: enabledProperty, deny: { description: 'The deny policy (required while the scan runs).', $ref: '#/$defs/chainDenyPolicy' } },
    },
    chainDenyPolicy: {
      description: 'When the scan blocks delivery (API NodeConfig.DenyPolicy): `count` issues of `severity` or above, combined by `logic`, cause `action`.',
      type: 'object',
      required: ['severity', 'count', 'logic', 'action'],
      additionalProperties: false,
      properties: {
        severity: { description: 'The vulnerability level that counts (API IssueLevel).', type: 'string', enum: [...DENY_ENUMS.severity] },
        count: { description: 'How many such vulnerabilities block (API IssueCount).', type: 'integer', minimum: 0 },
        logic: { description: 'How the level and the count combine (API Logic).', type: 'string', enum: [...DENY_ENUMS.logic] },
        action: {
          description: '`BLOCK`: stop the chain; `BLOCK_RETAG`: also refuse pushes that overwrite the tag; `BLOCK_DELETE_TAG`: also delete the tag (API Action).',
          type: 'string',
          enum: [...DENY_ENUMS.action],
        },
      },
    },
  },
  sections: [
    ['chain', '#/$defs/chain'],
    ['chainNodes', '#/$defs/chainNodes'],
    ['chainNode', '#/$defs/chainNode'],
    ['chainScanNode', '#/$defs/chainScanNode'],
    ['chainDenyPolicy', '#/$defs/chainDenyPolicy'],
  ],
};

/**
 * The calls of the kind (issue 17): ListChain and GetChain on every instance (read, and to find a
 * chain again after a create); Create and Update where chains are declared, Delete too (a new scope
 * replaces the chain) and where the instance prunes.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceChildCalls(config, {
    reads: ['cr:ListChain', 'cr:GetChain'],
    readVerbs: ['read', 'observe', 'create'],
    create: 'cr:CreateChain',
    update: 'cr:UpdateChain',
    delete: 'cr:DeleteChain',
    declared: (inst) => (inst.chains ?? []).length > 0,
    deletes: (inst, declared) => declared || prunes(inst),
  });
}

export const chainKind: Kind<ChainSpec, ChainIds, ChainKey> = {
  name: 'chain',
  readAfter: ['instance', 'namespace', 'repository'],
  reportsUnmanaged: true,
  address: (key) => chainAddress(key.instance, key.chain),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.chains ?? []).map((c): DesiredObject<ChainSpec, ChainKey> => {
        const spec = desiredSpec(c);
        return { id: chainAddress(alias, c.name), kind: 'chain', account: inst.account, region: inst.region, instance: alias, key: { instance: alias, chain: c.name }, spec, requires: requiresOf(alias, spec) };
      }),
    );
  },

  async read(ctx: ReadContext) {
    const namespaces = ctx.live('namespace');
    const repositories = ctx.live('repository');
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const cr = ctx.cloud.cr(m.account, m.region);
        const scope: ScopeNames = (type, id) => {
          if (type === 'INSTANCE') return { namespace: '', repository: '' };
          if (type === 'NAMESPACE') {
            const ns = namespaces.find((n) => n.instance === m.alias && n.ids['namespaceId'] === id);
            return ns === undefined ? undefined : { namespace: String(ns.key['namespace']), repository: '' };
          }
          if (type === 'REPOSITORY') {
            const r = repositories.find((x) => x.instance === m.alias && x.ids['repoId'] === id);
            return r === undefined ? undefined : { namespace: String(r.key['namespace']), repository: String(r.key['repository']) };
          }
          return undefined;
        };
        const chains = await liveChains(cr, m.instanceId);
        const got = await mapLimit(chains, READS_IN_FLIGHT, async (c) => {
          try {
            return await cr.getChain({ InstanceId: m.instanceId, ChainId: c.ChainId ?? '' });
          } catch (err) {
            if (isNotFound(err)) return undefined; // deleted since the list
            throw err;
          }
        });
        return chains.flatMap((c, i): LiveObject<ChainSpec, ChainIds, ChainKey>[] => {
          if (got[i] === undefined) return [];
          const spec = liveSpec(c, got[i], scope);
          const name = c.Name ?? c.ChainId ?? '';
          return [
            {
              id: chainAddress(m.alias, name),
              kind: 'chain',
              account: m.account,
              region: m.region,
              instance: m.alias,
              key: { instance: m.alias, chain: name },
              spec,
              ids: { instanceId: m.instanceId, chainId: c.ChainId ?? '' },
              container: m.address,
              prunable: prunes(m.config),
              requires: spec.namespace.startsWith('(') ? [] : requiresOf(m.alias, spec).slice(1),
            },
          ];
        });
      }),
    );
    return per.flat();
  },

  /**
   * The API reference pages mark CreateChain's RepoNamespaceName and RepoName as required, the SDK
   * as optional: a wider chain acrctl is about to create says so (an existing one shows the API took it).
   */
  extras(ctx) {
    const findings: PlanFinding[] = [];
    const live = new Map(ctx.live('chain').map((l) => [l.id, l.spec]));
    for (const d of ctx.desired) {
      if (d.kind !== 'chain' || d.spec['repository'] !== '') continue;
      const was = live.get(d.id);
      if (was !== undefined && was['namespace'] === d.spec['namespace'] && was['repository'] === '') continue;
      const wide = d.spec['namespace'] === '' ? 'every repository of the instance' : `every repository of namespace ${String(d.spec['namespace'])}`;
      findings.push({
        id: 'chain/wide-scope-unverified',
        severity: 'info',
        message: `this chain runs on ${wide}: the API reference marks CreateChain's RepoNamespaceName and RepoName as required while the SDK makes them optional, so a chain without a repository is unverified until the service accepts it`,
        where: d.id,
        key: { instance: String(d.key['instance']), chain: String(d.key['chain']) },
      });
    }
    return { findings };
  },

  diff(desired, live) {
    const note = 'UpdateChain cannot change the scope of a chain: delete and create again';
    return { changes: compareSpec(desired.spec, live.spec, { replace: ['namespace', 'repository'], notes: { namespace: note, repository: note } }) };
  },

  toConfig(l) {
    const s = l.spec;
    if (s.namespace.startsWith('(')) return { notes: [{ address: l.id, message: `not adopted: its scope ${s.namespace} is no namespace or repository adopt read` }] };
    const parsed = nodesOf(s);
    if (parsed === undefined) return { notes: [{ address: l.id, message: `not adopted: its deny policy ${s.deny} has no form in the language` }] };
    if (parsed.length === 0) return { notes: [{ address: l.id, message: 'not adopted: a chain without nodes has no form in the language (nodes needs one)' }] };
    const unknown = parsed.filter((n) => !(n.node in CHAIN_NODES)).map((n) => n.node);
    const routeNodes = s.routes.flatMap((r) => r.split(' -> ')).filter((n) => !(n in CHAIN_NODES));
    if (unknown.length > 0 || routeNodes.length > 0) return { notes: [{ address: l.id, message: `not adopted: node ${[...unknown, ...routeNodes][0]} has no name in the language` }] };
    const badDeny = parsed.find((n) => n.deny !== undefined && (!DENY_ENUM_LISTS.severity.includes(n.deny.severity) || !DENY_ENUM_LISTS.logic.includes(n.deny.logic) || !DENY_ENUM_LISTS.action.includes(n.deny.action) || !/^\d+$/.test(n.deny.count)));
    if (badDeny !== undefined) return { notes: [{ address: l.id, message: `not adopted: the deny policy of node ${badDeny.node} has no form in the language` }] };
    const derived = chainRoutes(parsed.map((n) => n.node), undefined);
    if (s.routes.length === 0 && derived.length > 0) return { notes: [{ address: l.id, message: 'not adopted: a chain whose nodes have no routes between them has no form in the language' }] };
    // What validate would refuse is not written: the adopted file must plan.
    const problems: string[] = [];
    const label = `chain ${l.key.chain}`;
    checkGraph(parsed.map((n) => n.node), s.routes.map((text) => ({ text, path: [] })), [], label, (_id, message) => problems.push(message.slice(label.length + 2)));
    if (parsed.some((n) => n.node === 'scan' && n.enabled && n.deny === undefined)) problems.push('its scan node has no deny policy');
    if (problems.length > 0) return { notes: [{ address: l.id, message: `not adopted: ${problems[0]!}` }] };
    const nodes = Object.fromEntries(
      parsed.map((n) => [
        n.node,
        {
          ...(n.enabled ? {} : { enabled: false }),
          ...(n.deny !== undefined ? { deny: { severity: n.deny.severity, count: Number(n.deny.count), logic: n.deny.logic, action: n.deny.action } } : {}),
        },
      ]),
    );
    const value = {
      name: l.key.chain,
      ...(s.namespace !== '' ? { namespace: s.namespace } : {}),
      ...(s.repository !== '' ? { repository: s.repository } : {}),
      ...(s.description !== '' ? { description: s.description } : {}),
      ...(s.exclude.length > 0 ? { exclude: s.exclude } : {}),
      nodes,
      ...(JSON.stringify(derived) !== JSON.stringify(s.routes) ? { routes: s.routes } : {}),
    };
    return { pieces: [{ item: ['instances', l.key.instance, 'chains'], value, order: l.key.chain }] };
  },

  observe,
  create,
  update,
  delete: remove,
};
