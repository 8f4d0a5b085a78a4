/**
 * Lints about names: the service's naming rules, and natural keys that must be unique (DESIGN.md
 * principle 1: the planner matches desired to live objects by natural key). Pure.
 *
 * The single-name rules repeat the schema's patterns with a message that names the broken rule; the
 * schema catches them first when the document goes through `acrctl validate`, and a test keeps both in
 * step. The implied Personal Edition namespace and the uniqueness rules are beyond a JSON Schema.
 */
import type { ImportRule } from '../model.js';
import { parseCidr } from './cidr.js';
import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

/** A naming rule of the service: allowed characters, length, characters not allowed at either end. */
export interface NameRule {
  readonly what: string;
  readonly min: number;
  readonly max: number;
  /** Allowed characters, as a character-class body. */
  readonly chars: string;
  readonly charsText: string;
  /** Characters allowed inside but not first or last. */
  readonly notAtEnds: string;
  /** Equivalent single regular expression (kept equal to the schema's pattern by a test). */
  readonly pattern: RegExp;
  readonly source: string;
}

export const NAME_RULES = {
  instance: {
    what: 'instance name',
    min: 3,
    max: 30,
    chars: 'a-z0-9-',
    charsText: 'lowercase letters, digits and hyphens',
    notAtEnds: '-',
    pattern: /^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$/,
    source: 'cr-2018-12-01.json naming.instance (BSS CreateInstance)',
  },
  namespace: {
    what: 'namespace name',
    min: 2,
    max: 120,
    chars: 'a-z0-9._-',
    charsText: 'lowercase letters, digits and the separators _ - .',
    notAtEnds: '._-',
    pattern: /^[a-z0-9][a-z0-9._-]{0,118}[a-z0-9]$/,
    source: 'cr-2018-12-01.json naming.namespace (CreateNamespace)',
  },
  repository: {
    what: 'repository name',
    min: 1,
    max: 128,
    chars: 'a-z0-9._-',
    charsText: 'lowercase letters, digits and the separators _ - .',
    notAtEnds: '._-',
    pattern: /^[a-z0-9]([a-z0-9._-]{0,126}[a-z0-9])?$/,
    source: 'schemas/registry.schema.json repositoryName (the API documents no rule; this is the schema\'s)',
  },
  personalNamespace: {
    what: 'Personal Edition namespace name',
    min: 2,
    max: 30,
    chars: 'a-z0-9._-',
    charsText: 'lowercase letters, digits and the separators _ - .',
    notAtEnds: '._-',
    pattern: /^[a-z0-9][a-z0-9._-]{0,28}[a-z0-9]$/,
    source: 'cr-2018-12-01.json naming.personalEditionNamespace (2-30 characters)',
  },
} as const satisfies Record<string, NameRule>;

/** Why `name` breaks `rule`, or undefined when it follows it. */
export function nameProblem(rule: NameRule, name: string): string | undefined {
  if (rule.pattern.test(name)) return undefined;
  const chars = Array.from(name);
  if (chars.length < rule.min || chars.length > rule.max) {
    return `has ${chars.length} characters; a ${rule.what} has ${rule.min} to ${rule.max}`;
  }
  const allowed = new RegExp(`^[${rule.chars}]$`);
  const bad = chars.find((c) => !allowed.test(c));
  if (bad !== undefined) {
    return `contains ${JSON.stringify(bad)}; a ${rule.what} uses only ${rule.charsText}`;
  }
  return `starts or ends with a separator; a ${rule.what} cannot start or end with ${rule.notAtEnds.split('').join(' ')}`;
}

export const invalidName: LintRule = {
  id: 'invalid-name',
  severity: 'error',
  summary: 'An instance, namespace, repository or Personal Edition namespace name breaks the service naming rules',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    const push = (rule: NameRule, name: string, path: (string | number)[], extra = ''): void => {
      const problem = nameProblem(rule, name);
      if (problem === undefined) return;
      hits.push({
        path,
        message: `${rule.what} ${JSON.stringify(name)}${extra} ${problem}. Rename it`,
        hint: `rule from ${rule.source}`,
      });
    };
    for (const { alias, instance } of ctx.instances) {
      push(NAME_RULES.instance, instance.name, ['instances', alias, 'name']);
      for (const [nsName, ns] of Object.entries(instance.namespaces ?? {})) {
        push(NAME_RULES.namespace, nsName, ['instances', alias, 'namespaces', nsName]);
        for (const repoName of Object.keys(ns.repositories ?? {})) {
          push(NAME_RULES.repository, repoName, ['instances', alias, 'namespaces', nsName, 'repositories', repoName]);
        }
      }
      (instance.imports ?? []).forEach((rule, index) => {
        if (rule.from !== 'personal') return;
        if (rule.sourceNamespace !== undefined) {
          push(NAME_RULES.personalNamespace, rule.sourceNamespace, ['instances', alias, 'imports', index, 'sourceNamespace']);
        } else {
          // The source defaults to the target's name, which may be too long for Personal Edition.
          push(
            NAME_RULES.personalNamespace,
            rule.namespace,
            ['instances', alias, 'imports', index, 'namespace'],
            ' (the implied sourceNamespace; set sourceNamespace to the real Personal Edition name)',
          );
        }
      });
    }
    return hits;
  },
};

function importKey(rule: ImportRule): string {
  return rule.from === 'personal'
    ? `personal ${rule.sourceRegion ?? ''} ${rule.sourceNamespace ?? rule.namespace} → ${rule.namespace}`
    : `oss ${rule.sourceRegion ?? ''} ${rule.bucket}/${rule.prefix ?? ''} → ${rule.namespace}`;
}

export const duplicateName: LintRule = {
  id: 'duplicate-name',
  severity: 'error',
  summary:
    'Two objects share a natural key: instance name in a region, rule name in an instance, access name, VPC link, ACL CIDR, import source',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    /** Reports every occurrence after the first of each key. */
    const unique = <T>(
      items: readonly T[],
      key: (item: T) => string | undefined,
      report: (item: T, firstIndex: number, index: number) => LintHit,
    ): void => {
      const seen = new Map<string, number>();
      items.forEach((item, index) => {
        const k = key(item);
        if (k === undefined) return;
        const first = seen.get(k);
        if (first === undefined) seen.set(k, index);
        else hits.push(report(item, first, index));
      });
    };

    unique(
      ctx.instances,
      (e) => `${e.instance.region} ${e.instance.name}`,
      (e, first) => ({
        path: ['instances', e.alias, 'name'],
        message:
          `instances ${ctx.instances[first]?.alias ?? ''} and ${e.alias} both use the name ${e.instance.name} in ` +
          `${e.instance.region}; the name is the instance's key and its host ${e.instance.name}-registry.` +
          `${e.instance.region}.cr.aliyuncs.com. Give each instance its own name`,
      }),
    );
    for (const { alias, instance } of ctx.instances) {
      const rules = instance.replication ?? [];
      unique(rules, (r) => r.name, (r, first, index) => ({
        path: ['instances', alias, 'replication', index, 'name'],
        message: `replication rule name ${r.name} is already used by replication[${first}] of ${alias}; rule names are unique per source instance. Rename one`,
      }));
      const imports = instance.imports ?? [];
      unique(imports, importKey, (r, first, index) => ({
        path: ['instances', alias, 'imports', index],
        message: `imports[${index}] of ${alias} repeats imports[${first}] (same source into namespace ${r.namespace}). Merge them into one rule`,
      }));
      const links = instance.vpcEndpoints ?? [];
      unique(links, (l) => `${l.vpc} ${l.vswitch} ${l.module ?? 'Registry'}`, (l, first, index) => ({
        path: ['instances', alias, 'vpcEndpoints', index],
        message: `VPC endpoint ${l.vpc}/${l.vswitch} of ${alias} is declared twice (also vpcEndpoints[${first}]). Remove one`,
      }));
      const acl = instance.internetEndpoint?.allow ?? [];
      unique(
        acl,
        (a) => {
          const block = parseCidr(a.cidr);
          return block === undefined ? a.cidr : `${block.start}/${block.prefix}`;
        },
        (a, first, index) => ({
          path: ['instances', alias, 'internetEndpoint', 'allow', index, 'cidr'],
          message: `ACL entry ${a.cidr} of ${alias} covers the same block as allow[${first}] (${acl[first]?.cidr ?? ''}). Remove one`,
        }),
      );
    }
    unique(ctx.doc.crossRegionAccess ?? [], (a) => a.name, (a, first, index) => ({
      path: ['crossRegionAccess', index, 'name'],
      message: `cross-region access name ${a.name} is already used by crossRegionAccess[${first}]. Rename one`,
    }));
    return hits;
  },
};

export const NAMING_LINTS: readonly LintRule[] = [invalidName, duplicateName];
