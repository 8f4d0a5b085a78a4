/**
 * Lints about Personal Edition domain support (DOMAIN.md "Personal Edition domain support", seed 000).
 * Pure.
 */
import { DEFAULTS } from '../model.js';
import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

/**
 * Namespace names reserved by the vendor on the Personal Edition hosts. `acs` holds the official
 * Container Service for Kubernetes (ACK) images (seed 000 names it as the example); an EE namespace of
 * that name on an instance with domain support would capture every pull of those images.
 */
export const RESERVED_NAMESPACES: readonly string[] = ['acs'];

const hasDomainSupport = (on: boolean | undefined): boolean => on ?? DEFAULTS.instance.personalEditionDomain;

export const peDomainOnePerRegion: LintRule = {
  id: 'pe-domain-one-per-region',
  severity: 'error',
  summary: 'At most one instance per account and region may turn on Personal Edition domain support',
  check(ctx: LintContext): LintHit[] {
    const groups = new Map<string, string[]>();
    for (const { alias, instance } of ctx.instances) {
      if (!hasDomainSupport(instance.personalEditionDomain)) continue;
      const key = `${ctx.accountKey(instance.account)}\u0000${instance.region}`;
      const list = groups.get(key) ?? [];
      list.push(alias);
      groups.set(key, list);
    }
    const hits: LintHit[] = [];
    for (const aliases of groups.values()) {
      if (aliases.length < 2) continue;
      const [first, ...others] = aliases;
      const region = ctx.instance(first as string)?.region ?? '';
      for (const alias of others) {
        hits.push({
          path: ['instances', alias, 'personalEditionDomain'],
          message:
            `instance ${alias} turns on personalEditionDomain, but ${first} already does in ${region} ` +
            `for the same account; only one instance per region can answer the Personal Edition host. ` +
            `Set personalEditionDomain: false on all but one of: ${aliases.join(', ')}`,
          hint: 'Container Registry lets only one Enterprise Edition instance per region and account answer the Personal Edition host (domain compatibility)',
        });
      }
    }
    return hits;
  },
};

interface DeclaredPersonalNamespace {
  readonly region: string;
  readonly name: string;
  /** The import that declares it. */
  readonly importer: string;
  readonly importIndex: number;
  /** EE namespace it is imported into. */
  readonly target: string;
}

function declaredPersonalNamespaces(ctx: LintContext): DeclaredPersonalNamespace[] {
  const out: DeclaredPersonalNamespace[] = [];
  for (const { alias, instance } of ctx.instances) {
    (instance.imports ?? []).forEach((rule, importIndex) => {
      if (rule.from !== 'personal') return;
      out.push({
        region: rule.sourceRegion ?? instance.region,
        name: rule.sourceNamespace ?? rule.namespace,
        importer: alias,
        importIndex,
        target: rule.namespace,
      });
    });
  }
  return out;
}

export const peNamespaceShadowed: LintRule = {
  id: 'pe-namespace-shadowed',
  severity: 'warning',
  summary:
    'An EE namespace on an instance with domain support has the name of a declared Personal Edition namespace it does not import',
  check(ctx: LintContext): LintHit[] {
    const personal = declaredPersonalNamespaces(ctx);
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      if (!hasDomainSupport(instance.personalEditionDomain)) continue;
      for (const name of Object.keys(instance.namespaces ?? {})) {
        const shadowed = personal.find(
          (p) =>
            p.region === instance.region &&
            p.name === name &&
            // Importing PE namespace N into this instance's namespace N is the migration itself.
            !(p.importer === alias && p.target === name),
        );
        if (!shadowed) continue;
        hits.push({
          path: ['instances', alias, 'namespaces', name],
          message:
            `namespace ${name} of ${alias} hides the Personal Edition namespace ${name} in ${instance.region} ` +
            `(imported by instances.${shadowed.importer}.imports[${shadowed.importIndex}] into ${shadowed.target}): ` +
            `with personalEditionDomain on, pulls of registry.${instance.region}.aliyuncs.com/${name}/… reach this ` +
            `namespace instead. Rename the EE namespace, or import ${name} into a namespace of the same name here`,
          hint: 'with domain compatibility on, an Enterprise Edition namespace named like a Personal Edition namespace makes the latter unreachable through the shared host',
        });
      }
    }
    return hits;
  },
};

export const peDomainReservedNamespace: LintRule = {
  id: 'pe-domain-reserved-namespace',
  severity: 'error',
  summary: 'A vendor-reserved namespace name (such as acs) on an instance with Personal Edition domain support',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      if (!hasDomainSupport(instance.personalEditionDomain)) continue;
      for (const name of Object.keys(instance.namespaces ?? {})) {
        if (!RESERVED_NAMESPACES.includes(name)) continue;
        // The explicit escape: someone who really means to take the name over.
        if (instance.namespaces?.[name]?.allowReservedName === true) continue;
        hits.push({
          path: ['instances', alias, 'namespaces', name],
          message:
            `namespace ${name} is reserved for the vendor's official images (ACK) on the Personal Edition host; ` +
            `with personalEditionDomain on, ${alias} would capture pulls of registry.${instance.region}.aliyuncs.com/${name}/… ` +
            `and break them. Rename the namespace, turn personalEditionDomain off, or set allowReservedName: true on it if that is what you mean`,
          hint: 'names the vendor uses for its official (ACK) images, such as acs, must not be Enterprise Edition namespace names while domain compatibility is on',
        });
      }
    }
    return hits;
  },
};

export const PE_DOMAIN_LINTS: readonly LintRule[] = [peDomainOnePerRegion, peNamespaceShadowed, peDomainReservedNamespace];
