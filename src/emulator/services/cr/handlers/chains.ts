/**
 * cr 2018-12-01 delivery chains (issue 14 item 7): Create/Update/Delete/GetChain and ListChain.
 * Behaviour and guesses: SPEC.md "Delivery chains". Chains never run (ListChainInstance is not
 * modelled).
 */
import type { FlatParams, RpcAction } from '../../../core/contract.js';
import { optionalString, repeatList, requireString } from '../../../core/params.js';
import { findNamespace, findRepoByName, type ChainNodeRecord, type ChainRecord, type InstanceRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields } from './common.js';

/** ChainNodeName (cr-2018-12-01.json `enums`, from Terraform's validation). */
const NODE_NAMES = ['DOCKER_IMAGE_BUILD', 'DOCKER_IMAGE_PUSH', 'VULNERABILITY_SCANNING', 'ACTIVATE_REPLICATION', 'TRIGGER', 'SNAPSHOT', 'TRIGGER_SNAPSHOT'] as const;
/** ChainBlockAction and the deny policy's level and logic (cr-2018-12-01.json `enums`). */
const DENY_ENUMS = { IssueLevel: ['LOW', 'MEDIUM', 'HIGH', 'UNKNOWN'], Logic: ['AND', 'OR'], Action: ['BLOCK', 'BLOCK_RETAG', 'BLOCK_DELETE_TAG'] } as const;
/** The naming rule of Terraform's alicloud_cr_chain documentation (chain_name). */
const CHAIN_NAME_RE = /^[a-z0-9](?:[a-z0-9_.-]{0,62}[a-z0-9])?$/;

function chainsOf(inst: InstanceRecord): ChainRecord[] {
  return (inst.chains ??= []);
}

function findChain(inst: InstanceRecord, p: FlatParams): ChainRecord {
  const id = requireString(p, 'ChainId');
  const chain = chainsOf(inst).find((c) => c.chainId === id);
  if (chain === undefined) throw crError('CHAIN_NOT_EXIST', `The chain ${id} does not exist.`);
  return chain;
}

function chainName(inst: InstanceRecord, p: FlatParams, except?: string): string {
  const name = requireString(p, 'Name');
  if (!CHAIN_NAME_RE.test(name)) throw invalidParameter('Name', `${name} must be 1-64 lower-case letters, digits and the separators _ - . (not at either end).`);
  if (chainsOf(inst).some((c) => c.chainId !== except && c.name === name)) throw crError('CHAIN_ALREADY_EXIST', `A chain named ${name} already exists.`);
  return name;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The ChainConfig parameter (a JSON object of Nodes and Routers), checked; absent: no nodes, no routes. */
function parseConfig(p: FlatParams): { nodes: ChainNodeRecord[]; routers: { from: string; to: string }[] } {
  const raw = optionalString(p, 'ChainConfig');
  if (raw === undefined) return { nodes: [], routers: [] };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw invalidParameter('ChainConfig', 'must be a JSON object.');
  }
  if (!isObject(v)) throw invalidParameter('ChainConfig', 'must be a JSON object.');
  const nodesIn = v['Nodes'] ?? [];
  const routersIn = v['Routers'] ?? [];
  if (!Array.isArray(nodesIn) || !Array.isArray(routersIn)) throw invalidParameter('ChainConfig', 'Nodes and Routers must be arrays.');
  const nodes: ChainNodeRecord[] = nodesIn.map((n, i) => {
    if (!isObject(n)) throw invalidParameter('ChainConfig', `Nodes[${i}] must be an object.`);
    const nodeName = n['NodeName'];
    if (typeof nodeName !== 'string' || !(NODE_NAMES as readonly string[]).includes(nodeName)) throw invalidParameter('ChainConfig', `Nodes[${i}].NodeName must be one of ${NODE_NAMES.join(', ')}.`);
    const enable = n['Enable'] ?? false;
    if (typeof enable !== 'boolean') throw invalidParameter('ChainConfig', `Nodes[${i}].Enable must be true or false.`);
    const config = n['NodeConfig'] ?? {};
    if (!isObject(config)) throw invalidParameter('ChainConfig', `Nodes[${i}].NodeConfig must be an object.`);
    const deny = config['DenyPolicy'] ?? {};
    if (!isObject(deny)) throw invalidParameter('ChainConfig', `Nodes[${i}].NodeConfig.DenyPolicy must be an object.`);
    const denyPolicy: ChainNodeRecord['denyPolicy'] = {};
    for (const field of ['IssueLevel', 'Logic', 'Action'] as const) {
      const x = deny[field];
      if (x === undefined || x === '') continue;
      if (typeof x !== 'string' || !(DENY_ENUMS[field] as readonly string[]).includes(x)) throw invalidParameter('ChainConfig', `Nodes[${i}].NodeConfig.DenyPolicy.${field} must be one of ${DENY_ENUMS[field].join(', ')}.`);
      denyPolicy[field] = x;
    }
    const count = deny['IssueCount'];
    if (count !== undefined && count !== '') {
      if (!/^\d+$/.test(String(count))) throw invalidParameter('ChainConfig', `Nodes[${i}].NodeConfig.DenyPolicy.IssueCount must be a whole number.`);
      denyPolicy.IssueCount = String(count);
    }
    return { nodeName, enable, denyPolicy };
  });
  const names = nodes.map((n) => n.nodeName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw invalidParameter('ChainConfig', `node ${twice} is listed twice.`);
  const seen = new Set<string>();
  const routers = routersIn.map((r, i) => {
    const from = isObject(r) && isObject(r['From']) ? r['From']['NodeName'] : undefined;
    const to = isObject(r) && isObject(r['To']) ? r['To']['NodeName'] : undefined;
    if (typeof from !== 'string' || typeof to !== 'string') throw invalidParameter('ChainConfig', `Routers[${i}] must have From.NodeName and To.NodeName.`);
    for (const end of [from, to]) if (!names.includes(end)) throw invalidParameter('ChainConfig', `Routers[${i}] names ${end}, which is not among the Nodes.`);
    if (from === to || seen.has(`${from}>${to}`)) throw invalidParameter('ChainConfig', `Routers[${i}] (${from} to ${to}) joins a node to itself or repeats a route.`);
    seen.add(`${from}>${to}`);
    return { from, to };
  });
  return { nodes, routers };
}

function view(inst: InstanceRecord, c: ChainRecord): Record<string, unknown> {
  return {
    ChainId: c.chainId,
    Name: c.name,
    Description: c.description,
    InstanceId: inst.instanceId,
    ScopeType: c.scopeType,
    ScopeId: c.scopeId,
    ScopeExclude: [...c.scopeExclude],
    CreateTime: c.createdAt,
    ModifiedTime: c.modifiedAt,
  };
}

function configView(c: ChainRecord): Record<string, unknown> {
  return {
    ChainConfigId: c.config.chainConfigId,
    IsActive: true,
    Version: String(c.config.version),
    Nodes: c.config.nodes.map((n) => ({ NodeName: n.nodeName, Enable: n.enable, NodeConfig: { DenyPolicy: { ...n.denyPolicy } } })),
    Routers: c.config.routers.map((r) => ({ From: { NodeName: r.from }, To: { NodeName: r.to } })),
  };
}

export const chainActions: Readonly<Record<string, RpcAction>> = {
  CreateChain: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const name = chainName(inst, p);
    const namespace = optionalString(p, 'RepoNamespaceName');
    const repoName = optionalString(p, 'RepoName');
    if (repoName !== undefined && namespace === undefined) throw invalidParameter('RepoNamespaceName', 'is required with RepoName.');
    let scopeType: ChainRecord['scopeType'] = 'INSTANCE';
    let scopeId = inst.instanceId;
    if (namespace !== undefined) {
      const ns = findNamespace(inst, namespace);
      scopeType = 'NAMESPACE';
      scopeId = ns.namespaceId;
      if (repoName !== undefined) {
        const repo = findRepoByName(inst, namespace, repoName);
        if (repo === undefined) throw crError('REPO_NOT_EXIST', `The repository ${namespace}/${repoName} does not exist.`);
        scopeType = 'REPOSITORY';
        scopeId = repo.repoId;
      }
    }
    const scopeExclude = [...new Set(repeatList(p, 'ScopeExclude'))];
    if (scopeType === 'REPOSITORY' && scopeExclude.length > 0) throw invalidParameter('ScopeExclude', 'a chain of one repository excludes none.');
    if (scopeType === 'NAMESPACE') {
      for (const r of scopeExclude) if (findRepoByName(inst, namespace!, r) === undefined) throw crError('REPO_NOT_EXIST', `The repository ${namespace!}/${r} does not exist.`);
    }
    const config = parseConfig(p);
    const now = ctx.now();
    const chain: ChainRecord = {
      chainId: ctx.ids.next('chi-'),
      name,
      description: optionalString(p, 'Description') ?? '',
      scopeType,
      scopeId,
      scopeExclude,
      config: { chainConfigId: ctx.ids.next('cci-'), version: 1, ...config },
      createdAt: now,
      modifiedAt: now,
    };
    chainsOf(inst).push(chain);
    return ok({ ChainId: chain.chainId });
  }),

  UpdateChain: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const chain = findChain(inst, p);
    const name = chainName(inst, p, chain.chainId);
    requireString(p, 'ChainConfig');
    const config = parseConfig(p);
    const scopeExclude = [...new Set(repeatList(p, 'ScopeExclude'))];
    if (chain.scopeType === 'REPOSITORY' && scopeExclude.length > 0) throw invalidParameter('ScopeExclude', 'a chain of one repository excludes none.');
    if (chain.scopeType === 'NAMESPACE') {
      const ns = Object.values(inst.namespaces).find((n) => n.namespaceId === chain.scopeId);
      for (const r of scopeExclude) if (ns === undefined || findRepoByName(inst, ns.name, r) === undefined) throw crError('REPO_NOT_EXIST', `The repository ${ns?.name ?? '?'}/${r} does not exist.`);
    }
    // A full replacement: what is not sent (Description, ScopeExclude) is cleared (guess, SPEC.md).
    Object.assign(chain, { name, description: optionalString(p, 'Description') ?? '', scopeExclude, modifiedAt: ctx.now() });
    chain.config = { chainConfigId: chain.config.chainConfigId, version: chain.config.version + 1, ...config };
    return ok();
  }),

  DeleteChain: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const chain = findChain(inst, p);
    inst.chains = chainsOf(inst).filter((c) => c !== chain);
    return ok();
  }),

  GetChain: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const chain = findChain(inst, p);
    return ok({ ...view(inst, chain), ChainConfig: configView(chain) });
  }),

  ListChain: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const namespace = optionalString(p, 'RepoNamespaceName');
    const repoName = optionalString(p, 'RepoName');
    const ns = namespace === undefined ? undefined : inst.namespaces[namespace];
    const repo = namespace === undefined || repoName === undefined ? undefined : findRepoByName(inst, namespace, repoName);
    const chains = chainsOf(inst).filter((c) => {
      if (namespace === undefined) return true;
      if (repoName !== undefined) return repo !== undefined && c.scopeType === 'REPOSITORY' && c.scopeId === repo.repoId;
      if (ns === undefined) return false;
      return (c.scopeType === 'NAMESPACE' && c.scopeId === ns.namespaceId) || (c.scopeType === 'REPOSITORY' && ns.repoOrder.includes(c.scopeId));
    });
    const page = pageFields(ctx, chains, p, false);
    return ok({ ...page.fields, Chains: page.items.map((c) => view(inst, c)) });
  }),
};
