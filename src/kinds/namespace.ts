/**
 * Kind `namespace`: a namespace of an instance (`instance[i].namespace[ns]`).
 *
 * Desired: the declared namespaces, plus DERIVED ones: a replication rule whose target instance does
 * not declare the rule's namespace gets it created there (autoCreateRepo on for a namespace-level
 * rule, which the service requires; the defaults for a repository-level rule), with a `reason`.
 * Reads: cr ListNamespace per matched RUNNING instance, paged. Live namespaces not desired are
 * unmanaged under the instance, pruned when the instance has `prune: true`.
 * Acts: Create/Update/DeleteNamespace (every field updates in place).
 */
import type { CrClient, CrNamespace } from '../cloud/cr.js';
import { DEFAULTS, type Namespace, type RegistryDocument, type RepoType } from '../config/model.js';
import type { Action } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import { aliasOf, instanceIdOf, prunes, runningInstances } from './instance.js';
import { crFor, existsDifferent, isNotFound, lastName, unsupported, vendorCode } from './support.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';
import { waitUntil } from './wait.js';

/** How long a namespace delete may take to show (Terraform polls 120 s for NAMESPACE_NOT_EXIST). */
export const NAMESPACE_DELETE_TIMEOUT_MS = 120_000;

/** A namespace acrctl wants in an instance: declared, or derived from replication rules. */
export interface EffectiveNamespace {
  readonly instance: string;
  readonly name: string;
  readonly autoCreateRepo: boolean;
  readonly defaultRepoType: RepoType;
  /** Set for declared namespaces (prune, repositories). */
  readonly declared?: Namespace;
  /** Display only: why a derived namespace exists. */
  readonly reason?: string;
}

/**
 * Every namespace of every declared instance, declared first, then derived from replication rules
 * (sorted by instance and name). Pure.
 */
export function effectiveNamespaces(config: RegistryDocument): EffectiveNamespace[] {
  const out = new Map<string, EffectiveNamespace>();
  const instances = config.instances ?? {};
  for (const [alias, inst] of Object.entries(instances)) {
    for (const [name, ns] of Object.entries(inst.namespaces ?? {})) {
      out.set(addr.namespace(alias, name), {
        instance: alias,
        name,
        autoCreateRepo: ns.autoCreateRepo ?? DEFAULTS.namespace.autoCreateRepo,
        defaultRepoType: ns.defaultRepoType ?? DEFAULTS.namespace.defaultRepoType,
        declared: ns,
      });
    }
  }
  const derived = new Map<string, { instance: string; name: string; namespaceLevel: boolean; rules: string[] }>();
  for (const [source, inst] of Object.entries(instances)) {
    for (const rule of inst.replication ?? []) {
      if (instances[rule.to] === undefined) continue; // the reference checker reports it
      const id = addr.namespace(rule.to, rule.namespace);
      if (out.has(id)) continue;
      const d = derived.get(id) ?? { instance: rule.to, name: rule.namespace, namespaceLevel: false, rules: [] };
      d.namespaceLevel ||= (rule.level ?? DEFAULTS.replication.level) === 'namespace';
      d.rules.push(`${source}/${rule.name}`);
      derived.set(id, d);
    }
  }
  for (const [id, d] of derived) {
    const rules = d.rules.sort();
    out.set(id, {
      instance: d.instance,
      name: d.name,
      autoCreateRepo: d.namespaceLevel ? true : DEFAULTS.namespace.autoCreateRepo,
      defaultRepoType: DEFAULTS.namespace.defaultRepoType,
      reason: `replication rule${rules.length > 1 ? 's' : ''} ${rules.join(', ')} ${rules.length > 1 ? 'copy' : 'copies'} into this namespace${d.namespaceLevel ? ', which needs autoCreateRepo on' : ''}`,
    });
  }
  return [...out.values()];
}

function specOf(autoCreateRepo: boolean, defaultRepoType: string): Record<string, unknown> {
  return { autoCreateRepo, defaultRepoType };
}

/** The live spec of a listed namespace, normalised like the desired one. */
export function liveNamespaceSpec(n: Pick<CrNamespace, 'AutoCreateRepo' | 'DefaultRepoConfiguration' | 'DefaultRepoType'>): Record<string, unknown> {
  return specOf(n.AutoCreateRepo ?? DEFAULTS.namespace.autoCreateRepo, n.DefaultRepoConfiguration?.RepoType ?? n.DefaultRepoType ?? DEFAULTS.namespace.defaultRepoType);
}

function nameOf(action: Action): string {
  return lastName(action.id, addr.instance(aliasOf(action)), 'namespace');
}

async function getNamespace(cr: CrClient, instanceId: string, name: string): Promise<Record<string, unknown> | undefined> {
  try {
    const r = await cr.getNamespace({ InstanceId: instanceId, NamespaceName: name });
    return { spec: liveNamespaceSpec(r), namespaceId: r.NamespaceId };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function create(ctx: ExecContext, action: Action): Promise<Outcome> {
  const alias = aliasOf(action);
  const instanceId = instanceIdOf(ctx, alias);
  const name = nameOf(action);
  const spec = action.after ?? {};
  const cr = crFor(ctx, action);
  await ctx.intent('CreateNamespace', { instanceId, namespace: name });
  try {
    await cr.createNamespace({
      InstanceId: instanceId,
      NamespaceName: name,
      AutoCreateRepo: spec['autoCreateRepo'] === true,
      DefaultRepoType: String(spec['defaultRepoType']),
      DefaultRepoConfiguration: { RepoType: String(spec['defaultRepoType']), TagImmutability: false },
    });
  } catch (err) {
    if (vendorCode(err) !== 'NAMESPACE_ALREADY_EXIST') throw err;
    const found = await getNamespace(cr, instanceId, name);
    const changes = found ? compareSpec(spec, found['spec'] as Record<string, unknown>) : [];
    if (changes.length > 0) existsDifferent(action.id, changes);
  }
  const found = await getNamespace(cr, instanceId, name);
  return { ids: { instanceId, ...(typeof found?.['namespaceId'] === 'string' ? { namespaceId: found['namespaceId'] } : {}) } };
}

async function update(ctx: ExecContext, action: Action): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const name = nameOf(action);
  const spec = action.after ?? {};
  await ctx.intent('UpdateNamespace', { instanceId, namespace: name, fields: action.changes.map((c) => c.path) });
  // DefaultRepoType (the legacy field) rather than DefaultRepoConfiguration: the latter would also
  // reset the namespace's default tag immutability, which acrctl does not manage.
  await crFor(ctx, action).updateNamespace({
    InstanceId: instanceId,
    NamespaceName: name,
    AutoCreateRepo: spec['autoCreateRepo'] === true,
    DefaultRepoType: String(spec['defaultRepoType']),
  });
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, action: Action): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const name = nameOf(action);
  const cr = crFor(ctx, action);
  await ctx.intent('DeleteNamespace', { instanceId, namespace: name });
  try {
    await cr.deleteNamespace({ InstanceId: instanceId, NamespaceName: name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  await waitUntil(ctx, async () => ((await getNamespace(cr, instanceId, name)) === undefined ? true : undefined), {
    what: `namespace ${name} to be deleted`,
    timeoutMs: NAMESPACE_DELETE_TIMEOUT_MS,
  });
  return {};
}

export const namespaceKind: Kind = {
  name: 'namespace',
  readAfter: ['instance'],
  reportsUnmanaged: true,

  desired(config: RegistryDocument): DesiredObject[] {
    return effectiveNamespaces(config).map((ns) => {
      const inst = config.instances![ns.instance]!;
      return {
        id: addr.namespace(ns.instance, ns.name),
        kind: 'namespace',
        account: inst.account,
        region: inst.region,
        instance: ns.instance,
        spec: specOf(ns.autoCreateRepo, ns.defaultRepoType),
        requires: [addr.instance(ns.instance)],
        ...(ns.reason !== undefined ? { reason: ns.reason } : {}),
      };
    });
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const { items } = await ctx.cloud.cr(m.account, m.region).allNamespaces({ InstanceId: m.instanceId });
        return items
          .filter((n) => n.NamespaceName !== undefined && (n.NamespaceStatus ?? 'NORMAL') === 'NORMAL')
          .map(
            (n): LiveObject => ({
              id: addr.namespace(m.alias, n.NamespaceName!),
              kind: 'namespace',
              account: m.account,
              region: m.region,
              instance: m.alias,
              spec: liveNamespaceSpec(n),
              ids: { instanceId: m.instanceId, ...(n.NamespaceId !== undefined ? { namespaceId: n.NamespaceId } : {}) },
              container: m.address,
              prunable: prunes(m.config),
              requires: [m.address],
            }),
          );
      }),
    );
    return per.flat();
  },

  diff(desired: DesiredObject, live: LiveObject): Diff {
    return { changes: compareSpec(desired.spec, live.spec) };
  },

  async apply(ctx: ExecContext, action: Action): Promise<Outcome> {
    switch (action.type) {
      case 'create':
        return create(ctx, action);
      case 'update':
        return update(ctx, action);
      case 'delete':
        return remove(ctx, action);
      default:
        return unsupported('namespace', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const instanceId = ctx.ids(addr.instance(aliasOf(action)))['instanceId'];
    if (instanceId === undefined) return action.type === 'delete' ? { state: 'done' } : { state: 'absent' };
    const found = await getNamespace(crFor(ctx, action), instanceId, nameOf(action));
    if (action.type === 'delete') return found === undefined ? { state: 'done' } : { state: 'absent' };
    if (found === undefined) return { state: 'absent' };
    if (compareSpec(action.after ?? {}, found['spec'] as Record<string, unknown>).length > 0) return { state: 'absent' };
    return { state: 'done', ids: { instanceId, ...(typeof found['namespaceId'] === 'string' ? { namespaceId: found['namespaceId'] } : {}) } };
  },
};
