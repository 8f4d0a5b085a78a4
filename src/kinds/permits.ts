/**
 * Helpers for the kinds' call declarations (`Kind.permissions`, issue 17): the names of an
 * instance's resources as registry.yaml knows them, and a short way to list calls.
 *
 * registry.yaml names instances by their cloud name; RAM's ARNs name them by id
 * (`acs:cr:<region>:<uid>:instance/cri-…`), which exists only once the instance is bought. So an
 * instance's calls leave `instance` out (`*` in the ARN: every instance of the account in that
 * region, the narrowest the ARN grammar allows) and say why in `unknown`.
 */
import type { RamProduct } from '../cloud/ram-actions.js';
import type { RegistryDocument } from '../config/model.js';
import type { Instance } from '../config/model.generated.js';
import type { ArnNames, CallNeed, CallVerb, PolicyCommand } from '../plan/kind.js';

/** `product:Api`, as src/cloud/ram-actions.ts keys it. */
export type CallName = `${RamProduct}:${string}`;

/** Where a declared instance's calls go and what their ARNs cannot name. */
export interface InstanceScope {
  readonly alias: string;
  readonly account: string;
  readonly region: string;
  /** The ARN names: the region; the id is unknown (see the module note). */
  readonly on: ArnNames;
  readonly unknown: string;
}

/** Why an instance's ARNs say `instance/*`. */
export function unknownInstance(alias: string, name: string, region: string): string {
  return `instance ${alias} (${name}) is named by id in RAM ARNs and registry.yaml has only its name (there is no id before apply buys it): its ARNs cover every instance in ${region}`;
}

/** The scope of a declared instance, or undefined when the config does not declare it. */
export function instanceScope(config: RegistryDocument, alias: string): InstanceScope | undefined {
  const inst = config.instances?.[alias];
  if (inst === undefined) return undefined;
  return { alias, account: inst.account, region: inst.region, on: { region: inst.region }, unknown: unknownInstance(alias, inst.name, inst.region) };
}

/** Every declared instance's scope, in alias order. */
export function instanceScopes(config: RegistryDocument): InstanceScope[] {
  return Object.keys(config.instances ?? {})
    .sort()
    .flatMap((alias) => {
      const s = instanceScope(config, alias);
      return s === undefined ? [] : [s];
    });
}

/** Options of a group of calls. */
export interface CallOptions {
  readonly unknown?: string;
  readonly only?: readonly PolicyCommand[];
}

/** The calls `names` made by `verbs` for `account` on the resources `on` names. */
export function calls(verbs: readonly CallVerb[], account: string, on: ArnNames, names: readonly CallName[], options: CallOptions = {}): CallNeed[] {
  return names.map((name) => {
    const at = name.indexOf(':');
    return {
      verbs,
      product: name.slice(0, at) as RamProduct,
      api: name.slice(at + 1),
      account,
      on,
      ...(options.unknown !== undefined ? { unknown: options.unknown } : {}),
      ...(options.only !== undefined ? { only: options.only } : {}),
    };
  });
}

/** The calls on an instance's resources (`on` adds names below the instance: a namespace, a repository). */
export function instanceCalls(s: InstanceScope, verbs: readonly CallVerb[], names: readonly CallName[], on: ArnNames = {}, only?: readonly PolicyCommand[]): CallNeed[] {
  return calls(verbs, s.account, { ...s.on, ...on }, names, { unknown: s.unknown, ...(only !== undefined ? { only } : {}) });
}

/**
 * The calls of a kind whose objects are children of an instance, read with one paged List: the reads
 * on every declared instance (they also find an object again after a create); the create and update
 * where the instance declares some (`declared`); the delete where `deletes` says (a prune, or a
 * replace that deletes first), and only for apply.
 */
export interface InstanceChildCalls {
  readonly reads: readonly CallName[];
  /** The verbs the reads serve; default every one but delete. */
  readonly readVerbs?: readonly CallVerb[];
  readonly create: CallName;
  readonly update?: CallName;
  readonly delete: CallName;
  readonly declared: (inst: Instance) => boolean;
  readonly deletes: (inst: Instance, declared: boolean) => boolean;
}

/** The calls `c` describes, for every declared instance. */
export function instanceChildCalls(config: RegistryDocument, c: InstanceChildCalls): CallNeed[] {
  return instanceScopes(config).flatMap((s) => {
    const inst = config.instances![s.alias]!;
    const declared = c.declared(inst);
    return [
      ...instanceCalls(s, c.readVerbs ?? ['read', 'observe', 'create', 'update'], c.reads),
      ...(declared ? instanceCalls(s, ['create'], [c.create]) : []),
      ...(declared && c.update !== undefined ? instanceCalls(s, ['update'], [c.update]) : []),
      ...(c.deletes(inst, declared) ? instanceCalls(s, ['delete'], [c.delete], {}, ['apply']) : []),
    ];
  });
}
