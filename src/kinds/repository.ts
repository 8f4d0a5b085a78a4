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
import type { Action } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import { aliasOf, instanceIdOf, runningInstances } from './instance.js';
import { crFor, existsDifferent, isNotFound, mapLimit, unsupported, vendorCode } from './support.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';
import { effectiveNamespaces } from './namespace.js';
import { waitUntil } from './wait.js';

/** GetRepository calls in flight at once while reading `detail`. */
const DETAIL_READS_IN_FLIGHT = 8;
/** How long a repository delete may take to show (Terraform polls 120 s for REPO_NOT_EXIST). */
const REPOSITORY_DELETE_TIMEOUT_MS = 120_000;

function specOf(repo: Repository, nsDefaultType: string): Record<string, unknown> {
  return {
    type: repo.type ?? nsDefaultType,
    summary: repo.summary,
    tagImmutability: repo.tagImmutability ?? DEFAULTS.repository.tagImmutability,
    ...(repo.detail !== undefined ? { detail: repo.detail } : {}),
  };
}

/** The live spec of a listed repository (no `detail`: ListRepository does not return it). */
function listSpec(r: Pick<CrRepository, 'RepoType' | 'Summary' | 'TagImmutability'>): Record<string, unknown> {
  return { type: r.RepoType ?? 'PRIVATE', summary: r.Summary ?? '', tagImmutability: r.TagImmutability ?? false };
}

/** Namespace and repository names of an action's address. */
function namesOf(action: Action): { namespace: string; repository: string } {
  const head = `${addr.instance(aliasOf(action))}.namespace[`;
  const rest = action.id.startsWith(head) && action.id.endsWith(']') ? action.id.slice(head.length, -1) : '';
  const cut = rest.indexOf('].repository[');
  if (cut < 0) throw new Error(`address ${action.id} is not a repository`);
  const unquote = (s: string) => (s.startsWith('"') ? (JSON.parse(s) as string) : s);
  return { namespace: unquote(rest.slice(0, cut)), repository: unquote(rest.slice(cut + '].repository['.length)) };
}

async function getRepository(cr: CrClient, instanceId: string, namespace: string, repository: string) {
  try {
    const r = await cr.getRepository({ InstanceId: instanceId, RepoNamespaceName: namespace, RepoName: repository });
    return { spec: { ...listSpec(r), detail: r.Detail ?? '' }, repoId: r.RepoId };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function create(ctx: ExecContext, action: Action): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const { namespace, repository } = namesOf(action);
  const spec = action.after ?? {};
  const cr = crFor(ctx, action);
  await ctx.intent('CreateRepository', { instanceId, namespace, repository });
  let repoId: string | undefined;
  try {
    const r = await cr.createRepository({
      InstanceId: instanceId,
      RepoNamespaceName: namespace,
      RepoName: repository,
      RepoType: String(spec['type']),
      Summary: String(spec['summary']),
      TagImmutability: spec['tagImmutability'] === true,
      ...(typeof spec['detail'] === 'string' ? { Detail: spec['detail'] } : {}),
    });
    repoId = r.RepoId;
  } catch (err) {
    if (vendorCode(err) !== 'REPO_ALREADY_EXIST') throw err;
    const found = await getRepository(cr, instanceId, namespace, repository);
    const changes = found ? compareSpec(spec, found.spec) : [];
    if (changes.length > 0) existsDifferent(action.id, changes);
    repoId = found?.repoId;
  }
  return { ids: { instanceId, ...(repoId !== undefined ? { repoId } : {}) } };
}

async function update(ctx: ExecContext, action: Action): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const { namespace, repository } = namesOf(action);
  const spec = action.after ?? {};
  await ctx.intent('UpdateRepository', { instanceId, namespace, repository, fields: action.changes.map((c) => c.path) });
  await crFor(ctx, action).updateRepository({
    InstanceId: instanceId,
    RepoNamespaceName: namespace,
    RepoName: repository,
    RepoType: String(spec['type']),
    Summary: String(spec['summary']),
    TagImmutability: spec['tagImmutability'] === true,
    ...(typeof spec['detail'] === 'string' ? { Detail: spec['detail'] } : {}),
  });
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, action: Action): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const { namespace, repository } = namesOf(action);
  const cr = crFor(ctx, action);
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

export const repositoryKind: Kind = {
  name: 'repository',
  readAfter: ['instance'],
  reportsUnmanaged: true,

  desired(config: RegistryDocument): DesiredObject[] {
    const instances = config.instances ?? {};
    const nss = effectiveNamespaces(config);
    const nsById = new Map(nss.map((n) => [addr.namespace(n.instance, n.name), n] as const));
    const out = new Map<string, DesiredObject>();
    const place = (alias: string) => {
      const inst = instances[alias]!;
      return { account: inst.account, region: inst.region, instance: alias };
    };
    for (const ns of nss) {
      for (const [name, repo] of Object.entries(ns.declared?.repositories ?? {})) {
        const id = addr.repository(ns.instance, ns.name, name);
        out.set(id, { id, kind: 'repository', ...place(ns.instance), spec: specOf(repo, ns.defaultRepoType), requires: [addr.namespace(ns.instance, ns.name), addr.instance(ns.instance)] });
      }
    }
    // Repository-level rules: the target needs the same repository with the source's configuration.
    for (const [source, inst] of Object.entries(instances)) {
      for (const rule of inst.replication ?? []) {
        if ((rule.level ?? DEFAULTS.replication.level) !== 'repository' || rule.repository === undefined) continue;
        if (instances[rule.to] === undefined) continue;
        const srcNs = nsById.get(addr.namespace(source, rule.namespace));
        const srcRepo = srcNs?.declared?.repositories?.[rule.repository];
        if (srcNs === undefined || srcRepo === undefined) continue; // lint repository-rule-repository-mismatch
        const id = addr.repository(rule.to, rule.namespace, rule.repository);
        const existing = out.get(id);
        if (existing !== undefined && existing.reason === undefined) continue; // declared in the target
        const reason = existing?.reason !== undefined ? `${existing.reason}; and rule ${source}/${rule.name}` : `replication rule ${source}/${rule.name} copies this repository; configuration copied from ${addr.repository(source, rule.namespace, rule.repository)}`;
        out.set(id, {
          id,
          kind: 'repository',
          ...place(rule.to),
          spec: specOf(srcRepo, srcNs.defaultRepoType),
          requires: [addr.namespace(rule.to, rule.namespace), addr.instance(rule.to)],
          reason,
        });
      }
    }
    return [...out.values()];
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
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
        const objs: LiveObject[] = [];
        const needDetail: { index: number; namespace: string; name: string }[] = [];
        for (const r of items) {
          if (r.RepoNamespaceName === undefined || r.RepoName === undefined) continue;
          if ((r.RepoStatus ?? 'NORMAL') !== 'NORMAL') continue;
          const nsId = addr.namespace(m.alias, r.RepoNamespaceName);
          const ns = nsDesired.get(nsId);
          if (ns === undefined && ctx.discover !== true) continue; // belongs to an unmanaged namespace
          const id = addr.repository(m.alias, r.RepoNamespaceName, r.RepoName);
          if (ctx.discover === true || repoDesired.get(id)?.spec['detail'] !== undefined) needDetail.push({ index: objs.length, namespace: r.RepoNamespaceName, name: r.RepoName });
          const declaredNs = ns !== undefined && ns.reason === undefined ? m.config.namespaces?.[r.RepoNamespaceName] : undefined;
          objs.push({
            id,
            kind: 'repository',
            account: m.account,
            region: m.region,
            instance: m.alias,
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
          if (d !== undefined) objs[n.index] = { ...o, spec: { ...o.spec, detail: d.spec.detail } };
        });
        return objs;
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
        return unsupported('repository', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const instanceId = ctx.ids(addr.instance(aliasOf(action)))['instanceId'];
    if (instanceId === undefined) return action.type === 'delete' ? { state: 'done' } : { state: 'absent' };
    const { namespace, repository } = namesOf(action);
    const found = await getRepository(crFor(ctx, action), instanceId, namespace, repository);
    if (action.type === 'delete') return found === undefined ? { state: 'done' } : { state: 'absent' };
    if (found === undefined || compareSpec(action.after ?? {}, found.spec).length > 0) return { state: 'absent' };
    return { state: 'done', ids: { instanceId, ...(found.repoId !== undefined ? { repoId: found.repoId } : {}) } };
  },
};
