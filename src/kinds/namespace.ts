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
import { address, segment } from '../plan/address.js';
import { bool, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';
import { waitUntil } from './wait.js';
import { instanceCalls, instanceScope } from './permits.js';

/** How long a namespace delete may take to show (Terraform polls 120 s for NAMESPACE_NOT_EXIST). */
export const NAMESPACE_DELETE_TIMEOUT_MS = 120_000;

const keyShape = struct({ instance: str, namespace: str });
const specShape = struct({ autoCreateRepo: bool, defaultRepoType: str });
const idsShape = struct({ instanceId: str, namespaceId: optional(str) });
export type NamespaceKey = Decoded<typeof keyShape>;
export type NamespaceSpec = Decoded<typeof specShape>;
export type NamespaceIds = Decoded<typeof idsShape>;

/** `instance[i].namespace[ns]`. */
export function namespaceAddress(instance: string, namespace: string): string {
  return address(instanceAddress(instance), segment('namespace', namespace));
}

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
      out.set(namespaceAddress(alias, name), {
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
      // An external target's namespace is its owner's to create (the rule's plan outputs say so).
      if (typeof rule.to !== 'string' || instances[rule.to] === undefined) continue; // the reference checker reports unknown aliases
      const to = rule.to;
      const id = namespaceAddress(to, rule.namespace);
      if (out.has(id)) continue;
      const d = derived.get(id) ?? { instance: to, name: rule.namespace, namespaceLevel: false, rules: [] };
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

/** PUBLIC or PRIVATE: the repository types the language has. */
export const isRepoType = (v: unknown): v is RepoType => v === 'PUBLIC' || v === 'PRIVATE';

function specOf(autoCreateRepo: boolean, defaultRepoType: string): NamespaceSpec {
  return { autoCreateRepo, defaultRepoType };
}

/** The live spec of a listed namespace, normalised like the desired one. */
export function liveNamespaceSpec(n: Pick<CrNamespace, 'AutoCreateRepo' | 'DefaultRepoConfiguration' | 'DefaultRepoType'>): NamespaceSpec {
  return specOf(n.AutoCreateRepo ?? DEFAULTS.namespace.autoCreateRepo, n.DefaultRepoConfiguration?.RepoType ?? n.DefaultRepoType ?? DEFAULTS.namespace.defaultRepoType);
}

async function getNamespace(cr: CrClient, instanceId: string, name: string): Promise<{ spec: NamespaceSpec; namespaceId: string | undefined } | undefined> {
  try {
    const r = await cr.getNamespace({ InstanceId: instanceId, NamespaceName: name });
    return { spec: liveNamespaceSpec(r), namespaceId: r.NamespaceId };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function create(ctx: ExecContext, s: Subject<NamespaceSpec, NamespaceIds, NamespaceKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const name = s.key.namespace;
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateNamespace', { instanceId, namespace: name });
  try {
    await cr.createNamespace({
      InstanceId: instanceId,
      NamespaceName: name,
      AutoCreateRepo: s.spec.autoCreateRepo,
      DefaultRepoType: s.spec.defaultRepoType,
      DefaultRepoConfiguration: { RepoType: s.spec.defaultRepoType, TagImmutability: false },
    });
  } catch (err) {
    if (vendorCode(err) !== 'NAMESPACE_ALREADY_EXIST') throw err;
    const found = await getNamespace(cr, instanceId, name);
    const changes = found ? compareSpec(s.spec, found.spec) : [];
    if (changes.length > 0) existsDifferent(s.id, changes);
  }
  const found = await getNamespace(cr, instanceId, name);
  return { ids: { instanceId, ...(found?.namespaceId !== undefined ? { namespaceId: found.namespaceId } : {}) } };
}

async function update(ctx: ExecContext, c: Change<NamespaceSpec, NamespaceIds, NamespaceKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, c.key.instance);
  const name = c.key.namespace;
  await ctx.intent('UpdateNamespace', { instanceId, namespace: name, fields: c.changes.map((x) => x.path) });
  // DefaultRepoType (the legacy field) rather than DefaultRepoConfiguration: the latter would also
  // reset the namespace's default tag immutability, which acrctl does not manage.
  await ctx.cloud.cr(c.account, c.region).updateNamespace({
    InstanceId: instanceId,
    NamespaceName: name,
    AutoCreateRepo: c.spec.autoCreateRepo,
    DefaultRepoType: c.spec.defaultRepoType,
  });
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, r: Removal<NamespaceSpec, NamespaceIds, NamespaceKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, r.key.instance);
  const name = r.key.namespace;
  const cr = ctx.cloud.cr(r.account, r.region);
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

async function observe(ctx: ExecContext, s: Subject<NamespaceSpec, NamespaceIds, NamespaceKey>): Promise<Observation<NamespaceIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' }; // no instance yet (or any more): no namespace in it
  const found = await getNamespace(ctx.cloud.cr(s.account, s.region), instanceId, s.key.namespace);
  if (found === undefined) return { state: 'absent' };
  return {
    state: 'present',
    upToDate: compareSpec(s.spec, found.spec).length === 0,
    ready: true,
    ids: { instanceId, ...(found.namespaceId !== undefined ? { namespaceId: found.namespaceId } : {}) },
  };
}

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      namespaces: {
        description: 'Namespaces keyed by namespace name: 2-120 lowercase letters, digits and separators `_ - .`, not starting or ending with a separator.',
        type: 'object',
        propertyNames: { $ref: '#/$defs/namespaceName' },
        additionalProperties: { $ref: '#/$defs/namespace' },
      },
    },
  },
  defs: {
    namespace: {
      description: 'A namespace.',
      type: 'object',
      additionalProperties: false,
      properties: {
        autoCreateRepo: {
          description: 'Create a repository automatically on the first push to a name that does not exist. Needed on the target side of namespace-level replication.',
          type: 'boolean',
          default: false,
        },
        defaultRepoType: {
          description: 'Type of automatically created repositories.',
          type: 'string',
          enum: ['PUBLIC', 'PRIVATE'],
          default: 'PRIVATE',
        },
        prune: {
          description: 'Delete repositories found live in this namespace but not declared.',
          type: 'boolean',
          default: false,
        },
        allowReservedName: {
          description:
            'Allow a name the vendor reserves on the Personal Edition hosts (`acs`: the official ACK images) on an instance with Personal Edition domain support. Without it that is an error: the namespace would capture those pulls.',
          type: 'boolean',
          default: false,
        },
      },
    },
  },
  sections: [['namespace', '#/$defs/namespace']],
};

/**
 * The calls of the kind (issue 17): ListNamespace per declared instance; a create sends
 * CreateNamespace on the instance's repository/<id> and reads the namespace back; an update is
 * UpdateNamespace (All Resources); a delete of an undeclared namespace (the instance prunes) is
 * DeleteNamespace on any namespace of the instance, then waiting for it to go.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  const out: CallNeed[] = [];
  const byInstance = new Map<string, string[]>();
  for (const d of namespaceKind.desired(config)) byInstance.set(d.key.instance, [...(byInstance.get(d.key.instance) ?? []), d.key.namespace]);
  for (const alias of Object.keys(config.instances ?? {}).sort()) {
    const s = instanceScope(config, alias)!;
    out.push(...instanceCalls(s, ['read'], ['cr:ListNamespace']));
    for (const ns of byInstance.get(alias) ?? []) {
      out.push(...instanceCalls(s, ['create'], ['cr:CreateNamespace']));
      out.push(...instanceCalls(s, ['observe', 'create'], ['cr:GetNamespace'], { namespace: ns }));
      out.push(...instanceCalls(s, ['update'], ['cr:UpdateNamespace'], { namespace: ns }));
    }
    if (prunes(config.instances![alias]!)) out.push(...instanceCalls(s, ['delete'], ['cr:DeleteNamespace', 'cr:GetNamespace'], {}, ['apply']));
  }
  return out;
}

export const namespaceKind: Kind<NamespaceSpec, NamespaceIds, NamespaceKey> = {
  name: 'namespace',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => namespaceAddress(key.instance, key.namespace),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired(config: RegistryDocument) {
    return effectiveNamespaces(config).map((ns) => {
      const inst = config.instances![ns.instance]!;
      return {
        id: namespaceAddress(ns.instance, ns.name),
        kind: 'namespace',
        account: inst.account,
        region: inst.region,
        instance: ns.instance,
        key: { instance: ns.instance, namespace: ns.name },
        spec: specOf(ns.autoCreateRepo, ns.defaultRepoType),
        requires: [instanceAddress(ns.instance)],
        ...(ns.reason !== undefined ? { reason: ns.reason } : {}),
      };
    });
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const { items } = await ctx.cloud.cr(m.account, m.region).allNamespaces({ InstanceId: m.instanceId });
        return items
          .filter((n) => n.NamespaceName !== undefined && (n.NamespaceStatus ?? 'NORMAL') === 'NORMAL')
          .map(
            (n): LiveObject<NamespaceSpec, NamespaceIds, NamespaceKey> => ({
              id: namespaceAddress(m.alias, n.NamespaceName!),
              kind: 'namespace',
              account: m.account,
              region: m.region,
              instance: m.alias,
              key: { instance: m.alias, namespace: n.NamespaceName! },
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


  /**
   * A namespace, defaults left out. Derivable: a namespace holding no repository that a replication
   * rule of the document creates exactly so in its target is left out (the rule derives it again).
   */
  toConfig(l) {
    const liveType = l.spec.defaultRepoType;
    const defaultRepoType = isRepoType(liveType) ? liveType : DEFAULTS.namespace.defaultRepoType;
    const autoCreateRepo = l.spec.autoCreateRepo === true;
    return {
      pieces: [
        {
          entry: ['instances', l.key.instance, 'namespaces'],
          key: l.key.namespace,
          value: {
            ...(autoCreateRepo !== DEFAULTS.namespace.autoCreateRepo ? { autoCreateRepo } : {}),
            ...(defaultRepoType !== DEFAULTS.namespace.defaultRepoType ? { defaultRepoType } : {}),
          },
          derivable: { autoCreateRepo, defaultRepoType },
        },
      ],
      ...(liveType !== '' && !isRepoType(liveType)
        ? { notes: [{ address: l.id, message: `its default repository type ${JSON.stringify(liveType)} is neither PUBLIC nor PRIVATE: written as the default, ${DEFAULTS.namespace.defaultRepoType}` }] }
        : {}),
    };
  },

  observe,
  create,
  update,
  delete: remove,
};
