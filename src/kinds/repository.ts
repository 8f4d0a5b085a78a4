/**
 * Kind `repository`: a repository in a namespace (`instance[i].namespace[ns].repository[r]`).
 *
 * Desired: declared repositories (type defaults to the namespace's defaultRepoType), plus DERIVED
 * ones: a repository-level replication rule whose target does not declare the repository gets a copy
 * of the source's declaration there.
 * Reads: ONE paged cr ListRepository scan per matched RUNNING instance that has at least one desired
 * namespace (all namespaces at once: 10,000 repositories cost 100 calls at PageSize 100). Only
 * repositories in desired namespaces become live objects; those in other namespaces belong to that
 * (unmanaged) namespace and are not listed separately. ListRepository has no `Detail`: GetRepository
 * is called only for repositories whose desired spec declares `detail` (docs/kinds.md). In adopt's
 * discover mode every repository of the instance is read, each with its `detail`.
 * Acts: Create/Update/DeleteRepository (every field updates in place).
 * Requires its namespace AND its instance: the plan's refs hold the ids of required objects only,
 * and apply needs the instance id.
 */
import type { CrClient, CrRepository } from '../cloud/cr.js';
import { DEFAULTS, type RegistryDocument, type Repository } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { bool, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, runningInstances } from './instance.js';
import { effectiveNamespaces, isRepoType, namespaceAddress } from './namespace.js';
import { existsDifferent, isNotFound, mapLimit, vendorCode } from './support.js';
import { waitUntil } from './wait.js';
import { instanceCalls, instanceScope } from './permits.js';

/** GetRepository calls in flight at once while reading `detail`. */
const DETAIL_READS_IN_FLIGHT = 8;
/** How long a repository delete may take to show (Terraform polls 120 s for REPO_NOT_EXIST). */
const REPOSITORY_DELETE_TIMEOUT_MS = 120_000;

const keyShape = struct({ instance: str, namespace: str, repository: str });
const specShape = struct({ type: str, summary: str, tagImmutability: bool, detail: optional(str) });
const idsShape = struct({ instanceId: str, repoId: optional(str) });
export type RepositoryKey = Decoded<typeof keyShape>;
export type RepositorySpec = Decoded<typeof specShape>;
export type RepositoryIds = Decoded<typeof idsShape>;

/** `instance[i].namespace[ns].repository[r]`. */
export function repositoryAddress(instance: string, namespace: string, repository: string): string {
  return address(namespaceAddress(instance, namespace), segment('repository', repository));
}

/**
 * The instance and repository ids of a declared repository at apply time (learned in this run, the
 * repository may be created by it, or read at plan time), for the kinds that live in a repository.
 */
export function repositoryIdsOf(ctx: Pick<ExecContext, 'ids'>, r: { readonly instance: string; readonly namespace: string; readonly repository: string }): { instanceId: string; repoId: string } {
  const instanceId = instanceIdOf(ctx, r.instance);
  const repoId = ctx.ids(repositoryAddress(r.instance, r.namespace, r.repository))['repoId'];
  if (repoId === undefined || repoId === '') {
    throw new AcrctlError('apply.missing_id', `the id of repository ${r.namespace}/${r.repository} is not known`, {
      address: repositoryAddress(r.instance, r.namespace, r.repository),
      hint: 'the repository was neither found when planning nor created in this run: run acrctl plan again',
    });
  }
  return { instanceId, repoId };
}

function specOf(repo: Repository, nsDefaultType: string): RepositorySpec {
  return {
    type: repo.type ?? nsDefaultType,
    summary: repo.summary,
    tagImmutability: repo.tagImmutability ?? DEFAULTS.repository.tagImmutability,
    ...(repo.detail !== undefined ? { detail: repo.detail } : {}),
  };
}

/** The live spec of a listed repository (no `detail`: ListRepository does not return it). */
function listSpec(r: Pick<CrRepository, 'RepoType' | 'Summary' | 'TagImmutability'>): RepositorySpec {
  return { type: r.RepoType ?? 'PRIVATE', summary: r.Summary ?? '', tagImmutability: r.TagImmutability ?? false };
}

async function getRepository(cr: CrClient, instanceId: string, namespace: string, repository: string): Promise<{ spec: RepositorySpec; repoId: string | undefined } | undefined> {
  try {
    const r = await cr.getRepository({ InstanceId: instanceId, RepoNamespaceName: namespace, RepoName: repository });
    return { spec: { ...listSpec(r), detail: r.Detail ?? '' }, repoId: r.RepoId };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function create(ctx: ExecContext, s: Subject<RepositorySpec, RepositoryIds, RepositoryKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const { namespace, repository } = s.key;
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateRepository', { instanceId, namespace, repository });
  let repoId: string | undefined;
  try {
    const r = await cr.createRepository({
      InstanceId: instanceId,
      RepoNamespaceName: namespace,
      RepoName: repository,
      RepoType: s.spec.type,
      Summary: s.spec.summary,
      TagImmutability: s.spec.tagImmutability,
      ...(s.spec.detail !== undefined ? { Detail: s.spec.detail } : {}),
    });
    repoId = r.RepoId;
  } catch (err) {
    if (vendorCode(err) !== 'REPO_ALREADY_EXIST') throw err;
    const found = await getRepository(cr, instanceId, namespace, repository);
    const changes = found ? compareSpec(s.spec, found.spec) : [];
    if (changes.length > 0) existsDifferent(s.id, changes);
    repoId = found?.repoId;
  }
  return { ids: { instanceId, ...(repoId !== undefined ? { repoId } : {}) } };
}

async function update(ctx: ExecContext, c: Change<RepositorySpec, RepositoryIds, RepositoryKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, c.key.instance);
  const { namespace, repository } = c.key;
  await ctx.intent('UpdateRepository', { instanceId, namespace, repository, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateRepository({
    InstanceId: instanceId,
    RepoNamespaceName: namespace,
    RepoName: repository,
    RepoType: c.spec.type,
    Summary: c.spec.summary,
    TagImmutability: c.spec.tagImmutability,
    ...(c.spec.detail !== undefined ? { Detail: c.spec.detail } : {}),
  });
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, r: Removal<RepositorySpec, RepositoryIds, RepositoryKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, r.key.instance);
  const { namespace, repository } = r.key;
  const cr = ctx.cloud.cr(r.account, r.region);
  await ctx.intent('DeleteRepository', { instanceId, namespace, repository });
  try {
    await cr.deleteRepository({ InstanceId: instanceId, RepoNamespaceName: namespace, RepoName: repository });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  await waitUntil(ctx, async () => ((await getRepository(cr, instanceId, namespace, repository)) === undefined ? true : undefined), {
    what: `repository ${namespace}/${repository} to be deleted`,
    timeoutMs: REPOSITORY_DELETE_TIMEOUT_MS,
  });
  return {};
}

async function observe(ctx: ExecContext, s: Subject<RepositorySpec, RepositoryIds, RepositoryKey>): Promise<Observation<RepositoryIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const found = await getRepository(ctx.cloud.cr(s.account, s.region), instanceId, s.key.namespace, s.key.repository);
  if (found === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: compareSpec(s.spec, found.spec).length === 0, ready: true, ids: { instanceId, ...(found.repoId !== undefined ? { repoId: found.repoId } : {}) } };
}

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/namespace': {
      repositories: {
        description: 'Repositories keyed by repository name.',
        type: 'object',
        propertyNames: { $ref: '#/$defs/repositoryName' },
        additionalProperties: { $ref: '#/$defs/repository' },
      },
    },
  },
  defs: {
    repository: {
      description: 'A repository.',
      type: 'object',
      required: ['summary'],
      additionalProperties: false,
      properties: {
        type: {
          description: 'PUBLIC or PRIVATE. Default: the namespace\'s defaultRepoType.',
          type: 'string',
          enum: ['PUBLIC', 'PRIVATE'],
        },
        summary: {
          description: 'One-line summary, 1-100 characters (the API requires one).',
          type: 'string',
          minLength: 1,
          maxLength: 100,
        },
        detail: {
          description: 'Longer description in Markdown, up to 2000 characters.',
          type: 'string',
          maxLength: 2000,
        },
        tagImmutability: {
          description: 'Tags cannot be overwritten once pushed.',
          type: 'boolean',
          default: false,
        },
      },
    },
  },
  sections: [['repository', '#/$defs/repository']],
};

/**
 * The calls of the kind (issue 17): one ListRepository per instance that declares namespaces (the
 * namespace unset: every namespace of the instance), GetRepository for the repositories that declare a
 * `detail` (adopt: every one); CreateRepository on the namespace, UpdateRepository on the
 * repository; a delete of an undeclared repository (its namespace prunes) on any repository of the
 * namespace. Repositories an import fills are created the same way, in the import's namespace.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  const out: CallNeed[] = [];
  for (const [alias, inst] of Object.entries(config.instances ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const s = instanceScope(config, alias)!;
    const namespaces = Object.entries(inst.namespaces ?? {});
    out.push(...instanceCalls(s, ['read'], ['cr:ListRepository']));
    out.push(...instanceCalls(s, ['read'], ['cr:GetRepository'], {}, ['adopt']));
    for (const [ns, decl] of namespaces) {
      for (const [repo, r] of Object.entries(decl.repositories ?? {})) {
        const on = { namespace: ns, repository: repo };
        out.push(...instanceCalls(s, ['create'], ['cr:CreateRepository'], { namespace: ns }));
        out.push(...instanceCalls(s, r.detail !== undefined ? ['read', 'observe', 'create'] : ['observe', 'create'], ['cr:GetRepository'], on));
        out.push(...instanceCalls(s, ['update'], ['cr:UpdateRepository'], on));
      }
      if (decl.prune === true) out.push(...instanceCalls(s, ['delete'], ['cr:DeleteRepository', 'cr:GetRepository'], { namespace: ns }, ['apply']));
    }
    for (const imp of inst.imports ?? []) out.push(...instanceCalls(s, ['create'], ['cr:CreateRepository'], { namespace: imp.namespace }));
  }
  return out;
}

export const repositoryKind: Kind<RepositorySpec, RepositoryIds, RepositoryKey> = {
  name: 'repository',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => repositoryAddress(key.instance, key.namespace, key.repository),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired(config: RegistryDocument) {
    const instances = config.instances ?? {};
    const nss = effectiveNamespaces(config);
    const nsById = new Map(nss.map((n) => [namespaceAddress(n.instance, n.name), n] as const));
    const out = new Map<string, DesiredObject<RepositorySpec, RepositoryKey>>();
    const place = (alias: string) => {
      const inst = instances[alias]!;
      return { account: inst.account, region: inst.region, instance: alias };
    };
    for (const ns of nss) {
      for (const [name, repo] of Object.entries(ns.declared?.repositories ?? {})) {
        const id = repositoryAddress(ns.instance, ns.name, name);
        out.set(id, { id, kind: 'repository', ...place(ns.instance), key: { instance: ns.instance, namespace: ns.name, repository: name }, spec: specOf(repo, ns.defaultRepoType), requires: [namespaceAddress(ns.instance, ns.name), instanceAddress(ns.instance)] });
      }
    }
    // Repository-level rules: the target needs the same repository with the source's configuration.
    for (const [source, inst] of Object.entries(instances)) {
      for (const rule of inst.replication ?? []) {
        if ((rule.level ?? DEFAULTS.replication.level) !== 'repository' || rule.repository === undefined) continue;
        if (typeof rule.to !== 'string' || instances[rule.to] === undefined) continue; // external: its owner's
        const to = rule.to;
        const srcNs = nsById.get(namespaceAddress(source, rule.namespace));
        const srcRepo = srcNs?.declared?.repositories?.[rule.repository];
        if (srcNs === undefined || srcRepo === undefined) continue; // lint repository-rule-repository-mismatch
        const id = repositoryAddress(to, rule.namespace, rule.repository);
        const existing = out.get(id);
        if (existing !== undefined && existing.reason === undefined) continue; // declared in the target
        const reason = existing?.reason !== undefined ? `${existing.reason}; and rule ${source}/${rule.name}` : `replication rule ${source}/${rule.name} copies this repository; configuration copied from ${repositoryAddress(source, rule.namespace, rule.repository)}`;
        out.set(id, {
          id,
          kind: 'repository',
          ...place(to),
          key: { instance: to, namespace: rule.namespace, repository: rule.repository },
          spec: specOf(srcRepo, srcNs.defaultRepoType),
          requires: [namespaceAddress(to, rule.namespace), instanceAddress(to)],
          reason,
        });
      }
    }
    return [...out.values()];
  },

  async read(ctx: ReadContext) {
    const nsDesired = new Map<string, DesiredObject>();
    const repoDesired = new Map<string, DesiredObject>();
    for (const d of ctx.desired) {
      if (d.kind === 'namespace') nsDesired.set(d.id, d);
      if (d.kind === 'repository') repoDesired.set(d.id, d);
    }
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const prefix = `${m.address}.`;
        if (ctx.discover !== true && ![...nsDesired.keys()].some((id) => id.startsWith(prefix))) return [];
        const cr = ctx.cloud.cr(m.account, m.region);
        const { items } = await cr.allRepositories({ InstanceId: m.instanceId });
        const objs: LiveObject<RepositorySpec, RepositoryIds, RepositoryKey>[] = [];
        const needDetail: { index: number; namespace: string; name: string }[] = [];
        for (const r of items) {
          if (r.RepoNamespaceName === undefined || r.RepoName === undefined) continue;
          if ((r.RepoStatus ?? 'NORMAL') !== 'NORMAL') continue;
          const nsId = namespaceAddress(m.alias, r.RepoNamespaceName);
          const ns = nsDesired.get(nsId);
          if (ns === undefined && ctx.discover !== true) continue; // belongs to an unmanaged namespace
          const id = repositoryAddress(m.alias, r.RepoNamespaceName, r.RepoName);
          if (ctx.discover === true || repoDesired.get(id)?.spec['detail'] !== undefined) needDetail.push({ index: objs.length, namespace: r.RepoNamespaceName, name: r.RepoName });
          const declaredNs = ns !== undefined && ns.reason === undefined ? m.config.namespaces?.[r.RepoNamespaceName] : undefined;
          objs.push({
            id,
            kind: 'repository',
            account: m.account,
            region: m.region,
            instance: m.alias,
            key: { instance: m.alias, namespace: r.RepoNamespaceName, repository: r.RepoName },
            spec: listSpec(r),
            ids: { instanceId: m.instanceId, ...(r.RepoId !== undefined ? { repoId: r.RepoId } : {}) },
            container: nsId,
            prunable: declaredNs?.prune ?? false,
            requires: [nsId, m.address],
          });
        }
        const details = await mapLimit(needDetail, DETAIL_READS_IN_FLIGHT, (n) => getRepository(cr, m.instanceId, n.namespace, n.name));
        needDetail.forEach((n, i) => {
          const d = details[i];
          const o = objs[n.index]!;
          if (d !== undefined) objs[n.index] = { ...o, spec: { ...o.spec, detail: d.spec.detail ?? '' } };
        });
        return objs;
      }),
    );
    return per.flat();
  },


  /**
   * A repository, defaults left out (its type when it is its namespace's defaultRepoType). One
   * without a summary or with a type the language does not have is a note instead.
   */
  toConfig(l, ctx) {
    const { summary, type } = l.spec;
    if (summary === '') return { notes: [{ address: l.id, message: 'not adopted: its summary is empty, and the language requires one (1-100 characters); declare it by hand with a summary' }] };
    if (!isRepoType(type)) return { notes: [{ address: l.id, message: `not adopted: its type ${JSON.stringify(type)} is neither PUBLIC nor PRIVATE` }] };
    const nsType = ctx.live('namespace').find((n) => n.id === l.container)?.spec['defaultRepoType'];
    const defaultType = isRepoType(nsType) ? nsType : DEFAULTS.namespace.defaultRepoType;
    const detail = l.spec.detail ?? '';
    return {
      pieces: [
        {
          entry: ['instances', l.key.instance, 'namespaces', l.key.namespace, 'repositories'],
          key: l.key.repository,
          value: { ...(type !== defaultType ? { type } : {}), summary, ...(detail !== '' ? { detail } : {}), ...(l.spec.tagImmutability ? { tagImmutability: true } : {}) },
        },
      ],
    };
  },

  observe,
  create,
  update,
  delete: remove,
};
