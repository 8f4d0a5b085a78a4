/**
 * Adopt's pure core: live objects (as the kinds read them) in, a registry.yaml document out.
 *
 * Owns: mapping live specs back to the language, omitting defaults (DEFAULTS of the config model),
 * folding derived objects back into the rules that derive them, and the notes about everything that
 * cannot be expressed. Must not import `node:` modules or cloud clients; reading is src/adopt/read.ts.
 *
 * Contract: the same facts give the same document, whatever order they arrive in (every map is built
 * sorted by key, every list sorted by its natural key). Nothing is dropped silently: an object left
 * out is named in a note.
 */
import {
  DEFAULTS,
  type Account,
  type AclEntry,
  type CrossAccountRole,
  type Edition,
  type Instance,
  type InternetEndpoint,
  type Namespace,
  type Quotas,
  type Region,
  type RegistryDocument,
  type ReplicationRule,
  type RepoType,
  type Repository,
  type VpcEndpoint,
} from '../config/model.js';
import { instanceAddress } from '../kinds/instance.js';
import { internetEndpointAddress } from '../kinds/internet-endpoint.js';
import type { LiveObject } from '../plan/kind.js';

/** One Enterprise Edition instance found live by discovery, with the alias adopt gives it. */
export interface FoundInstance {
  readonly alias: string;
  readonly account: string;
  readonly region: Region;
  readonly name: string;
  readonly edition: Edition;
  readonly instanceId: string;
  /** Only RUNNING instances have readable children. */
  readonly status: string;
}

/** Something found live that the document does not (fully) express. Never holds a secret. */
export interface AdoptNote {
  /** The address of the live object, e.g. `instance[hz].replication[to-bj]`. */
  readonly address: string;
  readonly message: string;
}

export interface AdoptFacts {
  /** Accounts to write (alias → declaration, credentials as the user gave them). */
  readonly accounts: Readonly<Record<string, Account>>;
  readonly instances: readonly FoundInstance[];
  /** Live objects of the instance-scoped kinds, read in discover mode. */
  readonly live: (kind: string) => readonly LiveObject[];
}

/**
 * The VPC quota an instance has without buying any. Not documented (cr-2018-12-01.json limits); the
 * emulator's base. Quotas are minimums, so omitting one never plans a change: a wrong base here only
 * loses information, it never breaks the round trip.
 */
export const BASE_VPC_QUOTA = 5;

/** Sorts by code unit, like every sorted list acrctl writes (locale-independent). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => compare(a, b))) out[k] = v;
  return out;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isRepoType = (v: string): v is RepoType => v === 'PUBLIC' || v === 'PRIVATE';

/** The repositories of one namespace (its live repositories given), by name. */
function repositoriesOf(live: readonly LiveObject[], defaultType: string, notes: AdoptNote[]): Record<string, Repository> {
  const out: [string, Repository][] = [];
  for (const l of live) {
    const summary = str(l.spec['summary']);
    if (summary === '') {
      notes.push({ address: l.id, message: 'not adopted: its summary is empty, and the language requires one (1-100 characters); declare it by hand with a summary' });
      continue;
    }
    const type = str(l.spec['type']);
    if (!isRepoType(type)) {
      notes.push({ address: l.id, message: `not adopted: its type ${JSON.stringify(type)} is neither PUBLIC nor PRIVATE` });
      continue;
    }
    const detail = str(l.spec['detail']);
    const repo: Repository = {
      ...(type !== defaultType ? { type } : {}),
      summary,
      ...(detail !== '' ? { detail } : {}),
      ...(l.spec['tagImmutability'] === true ? { tagImmutability: true } : {}),
    };
    out.push([String(l.key['repository']), repo]);
  }
  return sortedRecord(out);
}

/** What the namespace kind derives in a rule's target when the target does not declare it. */
function derivedNamespaceSpec(rules: readonly { rule: ReplicationRule }[]): { autoCreateRepo: boolean; defaultRepoType: string } {
  const namespaceLevel = rules.some((r) => (r.rule.level ?? DEFAULTS.replication.level) === 'namespace');
  return { autoCreateRepo: namespaceLevel ? true : DEFAULTS.namespace.autoCreateRepo, defaultRepoType: DEFAULTS.namespace.defaultRepoType };
}

/** Maps a live rule back to the language; undefined (with a note) when it cannot be expressed. */
function ruleOf(l: LiveObject, source: string, byAlias: ReadonlyMap<string, FoundInstance>, notes: AdoptNote[]): ReplicationRule | undefined {
  const name = String(l.key['rule']);
  const target = str(l.spec['targetInstance']);
  const level = str(l.spec['level']);
  const trigger = str(l.spec['trigger']);
  if (!byAlias.has(target)) {
    const uid = str(l.spec['targetAccountUid']);
    notes.push({
      address: l.id,
      message:
        `not adopted: its target instance ${target} (region ${str(l.spec['targetRegion'])}${uid !== '' ? `, account ${uid}` : ''}) is not part of this adoption` +
        `; adopt the target's account and region too (--account, --region) so the rule can name it`,
    });
    return undefined;
  }
  if ((level !== 'namespace' && level !== 'repository') || (trigger !== 'automatic' && trigger !== 'manual')) {
    notes.push({ address: l.id, message: `not adopted: level ${JSON.stringify(level)} / trigger ${JSON.stringify(trigger)} has no form in the language` });
    return undefined;
  }
  const tagFilter = str(l.spec['tagFilter']);
  const repository = str(l.spec['repository']);
  return {
    name,
    to: target,
    ...(level !== DEFAULTS.replication.level ? { level } : {}),
    namespace: str(l.spec['namespace']),
    ...(level === 'repository' && repository !== '' ? { repository } : {}),
    ...(tagFilter !== DEFAULTS.replication.tagFilter ? { tagFilter } : {}),
    ...(trigger !== DEFAULTS.replication.trigger ? { trigger } : {}),
  };
}

function quotasOf(l: LiveObject | undefined): Quotas | undefined {
  const q = l?.spec['quotas'] as { namespaces?: number; repositories?: number; vpcs?: number } | undefined;
  if (q === undefined) return undefined;
  const out: { namespaces?: number; repositories?: number; vpcs?: number } = {};
  if ((q.namespaces ?? 0) > 0) out.namespaces = q.namespaces!;
  if ((q.repositories ?? 0) > 0) out.repositories = q.repositories!;
  if ((q.vpcs ?? 0) > BASE_VPC_QUOTA) out.vpcs = q.vpcs!;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The document for the facts, plus notes. Folding and omissions:
 * - fields equal to their default (DEFAULTS) are left out; a repository's `type` is left out when it
 *   equals its namespace's `defaultRepoType` (the language's default for it);
 * - a namespace in a rule's target that holds no repository and is exactly what the rule derives is
 *   left out: the rule derives it again (docs/adopt.md);
 * - cross-account RAM objects are not written here at all (see src/adopt/roles.ts);
 * - a rule whose target is not adopted, a repository without summary and an instance not RUNNING
 *   (children unreadable) are notes.
 */
export function buildDocument(facts: AdoptFacts): { document: RegistryDocument; notes: AdoptNote[] } {
  const notes: AdoptNote[] = [];
  const byAlias = new Map(facts.instances.map((i) => [i.alias, i] as const));
  const instanceLive = new Map(facts.live('instance').map((l) => [l.id, l] as const));
  const of = (kind: string, alias: string) => facts.live(kind).filter((l) => l.instance === alias);

  // Rules first: folding target namespaces needs them.
  const rulesBySource = new Map<string, ReplicationRule[]>();
  const rulesIntoNamespace = new Map<string, { rule: ReplicationRule }[]>();
  for (const l of [...facts.live('sync-rule')].sort((a, b) => compare(a.id, b.id))) {
    const source = l.instance;
    if (source === undefined || !byAlias.has(source)) continue;
    const rule = ruleOf(l, source, byAlias, notes);
    if (rule === undefined) continue;
    rulesBySource.set(source, [...(rulesBySource.get(source) ?? []), rule]);
    const key = `${rule.to}\u0000${rule.namespace}`;
    rulesIntoNamespace.set(key, [...(rulesIntoNamespace.get(key) ?? []), { rule }]);
  }

  const instances: [string, Instance][] = [];
  for (const inst of [...facts.instances].sort((a, b) => compare(a.alias, b.alias))) {
    const address = instanceAddress(inst.alias);
    const quotas = quotasOf(instanceLive.get(address));
    if (inst.status !== 'RUNNING') {
      notes.push({ address, message: `instance ${inst.name} is ${inst.status}, not RUNNING: its namespaces, endpoints and rules cannot be read, so only the instance is adopted` });
    }

    const vpcEndpoints: VpcEndpoint[] = of('vpc-link', inst.alias)
      .map((l) => ({ vpc: str(l.spec['vpc']), vswitch: str(l.spec['vswitch']) }))
      .sort((a, b) => compare(`${a.vpc}/${a.vswitch}`, `${b.vpc}/${b.vswitch}`));

    let internetEndpoint: InternetEndpoint | undefined;
    const ep = of('internet-endpoint', inst.alias)[0];
    const acl: AclEntry[] = of('acl-entry', inst.alias)
      .map((l) => ({ cidr: str(l.spec['cidr']), description: str(l.spec['description']) }))
      .sort((a, b) => compare(a.cidr, b.cidr))
      .map((e) => (e.description !== '' ? e : { cidr: e.cidr }));
    if (ep?.spec['enabled'] === true) internetEndpoint = { enabled: true, ...(acl.length > 0 ? { allow: acl } : {}) };
    else if (acl.length > 0) {
      notes.push({ address: internetEndpointAddress(inst.alias), message: `the endpoint is off but has ${acl.length} ACL entr${acl.length === 1 ? 'y' : 'ies'}; not adopted (the service drops entries of a disabled endpoint)` });
    }

    const switchOn = (kind: string) => of(kind, inst.alias)[0]?.spec['enabled'] === true;

    const namespaces: [string, Namespace][] = [];
    // Repositories by namespace address (a repository's container), grouped once per instance.
    const repos = new Map<string, LiveObject[]>();
    for (const r of of('repository', inst.alias)) {
      const list = repos.get(r.container);
      if (list) list.push(r);
      else repos.set(r.container, [r]);
    }
    for (const l of of('namespace', inst.alias).sort((a, b) => compare(a.id, b.id))) {
      const name = String(l.key['namespace']);
      const autoCreateRepo = l.spec['autoCreateRepo'] === true;
      const liveType = str(l.spec['defaultRepoType']);
      const defaultRepoType: RepoType = isRepoType(liveType) ? liveType : DEFAULTS.namespace.defaultRepoType;
      if (liveType !== '' && !isRepoType(liveType)) notes.push({ address: l.id, message: `its default repository type ${JSON.stringify(liveType)} is neither PUBLIC nor PRIVATE: written as the default, ${DEFAULTS.namespace.defaultRepoType}` });
      const repositories = repositoriesOf(repos.get(l.id) ?? [], defaultRepoType, notes);
      const into = rulesIntoNamespace.get(`${inst.alias}\u0000${name}`);
      if (into !== undefined && Object.keys(repositories).length === 0) {
        const derived = derivedNamespaceSpec(into);
        if (derived.autoCreateRepo === autoCreateRepo && derived.defaultRepoType === defaultRepoType) continue; // the rule derives it again
      }
      namespaces.push([
        name,
        {
          ...(autoCreateRepo !== DEFAULTS.namespace.autoCreateRepo ? { autoCreateRepo } : {}),
          ...(defaultRepoType !== DEFAULTS.namespace.defaultRepoType ? { defaultRepoType } : {}),
          ...(Object.keys(repositories).length > 0 ? { repositories } : {}),
        },
      ]);
    }

    const replication = (rulesBySource.get(inst.alias) ?? []).sort((a, b) => compare(a.name, b.name));
    const out: Instance = {
      account: inst.account,
      region: inst.region,
      edition: inst.edition,
      name: inst.name,
      ...(quotas !== undefined ? { quotas } : {}),
      ...(vpcEndpoints.length > 0 ? { vpcEndpoints } : {}),
      ...(internetEndpoint !== undefined ? { internetEndpoint } : {}),
      ...(switchOn('personal-edition-domain') ? { personalEditionDomain: true } : {}),
      ...(switchOn('auth-domain-takeover') ? { authDomainTakeover: true } : {}),
      ...(namespaces.length > 0 ? { namespaces: sortedRecord(namespaces) } : {}),
      ...(replication.length > 0 ? { replication } : {}),
    };
    instances.push([inst.alias, out]);
  }

  const document: RegistryDocument = {
    version: 1,
    accounts: sortedRecord(Object.entries(facts.accounts)),
    ...(instances.length > 0 ? { instances: sortedRecord(instances) } : {}),
  };
  return { document, notes: notes.sort((a, b) => compare(a.address, b.address) || compare(a.message, b.message)) };
}

/** Adds explicit cross-account roles (already folded) to a document. Pure. */
export function withRoles(document: RegistryDocument, roles: Readonly<Record<string, CrossAccountRole>>): RegistryDocument {
  if (Object.keys(roles).length === 0) return document;
  return { ...document, crossAccountRoles: sortedRecord(Object.entries(roles)) };
}
