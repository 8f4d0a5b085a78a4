/**
 * Kind `tag`: evidence only. The image tags of the repositories a backfill may copy, on the source
 * and on the target of each replication rule with `backfill` (`…repository[r].tag[t]`). Never
 * desired, never reported as unmanaged, never deleted: the backfill kind reads them to decide which
 * tags still need a copy.
 *
 * Reads, for rules with `backfill` only (never for the whole estate): cr ListRepository per
 * (instance, namespace) in scope, filtered by namespace (paged), then ListRepoTag per repository in
 * scope (paged). Namespace-level rules: every repository of the source namespace (pushed ones too,
 * not only declared ones) and, in the target, only the repositories of the same names; repository-
 * level rules: that one repository on each side. Instances not RUNNING are not read.
 * Spec: `{digest, sizeBytes, updatedAt}`. `updatedAt` (ListRepoTag ImageUpdate, ms) is stable for a
 * given tag and digest, so it may feed the live fingerprint; a push changes it, as it should.
 */
import type { CrClient, CrImage, CrRepository } from '../cloud/cr.js';
import { DEFAULTS, type RegistryDocument } from '../config/model.js';
import { address, segment } from '../plan/address.js';
import { num, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Kind, LiveObject, ReadContext } from '../plan/kind.js';
import { runningInstances, type MatchedInstance } from './instance.js';
import { replicationRules, type RuleRef } from './replication.js';
import { repositoryAddress } from './repository.js';
import { syncRuleAddress } from './sync-rule.js';
import { instanceCalls, instanceScope } from './permits.js';

const keyShape = struct({ instance: str, namespace: str, repository: str, tag: str });
const specShape = struct({ digest: str, sizeBytes: num, updatedAt: num });
const idsShape = struct({ instanceId: str, repoId: str });
export type TagKey = Decoded<typeof keyShape>;
export type TagSpec = Decoded<typeof specShape>;
export type TagIds = Decoded<typeof idsShape>;

/** A live tag: its key says where it is, so no one has to parse its address. */
export type TagLive = LiveObject<TagSpec, TagIds, TagKey>;

/** `instance[i].namespace[ns].repository[r].tag[t]`. */
export function tagAddress(instance: string, namespace: string, repository: string, tag: string): string {
  return address(repositoryAddress(instance, namespace, repository), segment('tag', tag));
}

export interface TagDeps {
  /**
   * Read the tags of every declared rule that exists live, not only of rules with `backfill`
   * (`acrctl drift` checks the replication health of every rule). Then the kind reads after the
   * sync rules.
   */
  readonly everyLiveRule?: boolean;
}

/** Which repositories of which instance the backfills need: alias → namespace → repo names (undefined = all). */
type Scope = Map<string, Map<string, Set<string> | undefined>>;

function widen(scope: Scope, alias: string, ns: string, repo: string | undefined): void {
  let byNs = scope.get(alias);
  if (!byNs) scope.set(alias, (byNs = new Map()));
  if (repo === undefined) {
    byNs.set(ns, undefined);
    return;
  }
  if (byNs.has(ns) && byNs.get(ns) === undefined) return;
  const names = byNs.get(ns) ?? new Set<string>();
  names.add(repo);
  byNs.set(ns, names);
}

/** Exact-namespace repositories (the service's namespace filter matches substrings). */
async function namespaceRepos(cr: CrClient, instanceId: string, ns: string): Promise<CrRepository[]> {
  return (await cr.allRepositories({ InstanceId: instanceId, RepoNamespaceName: ns })).items.filter((r) => r.RepoNamespaceName === ns);
}

/** Every tag of a repository (paged). */
export async function repoTags(cr: CrClient, instanceId: string, repoId: string): Promise<CrImage[]> {
  return (await cr.allRepoTags({ InstanceId: instanceId, RepoId: repoId })).items;
}

/** The compared fields of a tag as ListRepoTag gives it. */
export function tagSpec(image: CrImage): TagSpec {
  const updated = Number(image.ImageUpdate ?? image.ImageCreate ?? 0);
  return { digest: image.Digest ?? '', sizeBytes: image.ImageSize ?? 0, updatedAt: Number.isFinite(updated) ? updated : 0 };
}

function tagObject(m: MatchedInstance, repo: CrRepository, image: CrImage): TagLive {
  const ns = repo.RepoNamespaceName ?? '';
  const name = repo.RepoName ?? '';
  const tag = image.Tag ?? '';
  return {
    id: tagAddress(m.alias, ns, name, tag),
    kind: 'tag',
    account: m.account,
    region: m.region,
    instance: m.alias,
    key: { instance: m.alias, namespace: ns, repository: name, tag },
    spec: tagSpec(image),
    ids: { instanceId: m.instanceId, repoId: repo.RepoId ?? '' },
    container: repositoryAddress(m.alias, ns, name),
    prunable: false,
    requires: [],
  };
}

/**
 * The tags of the repositories the given rules copy, on both sides (the scope rules in the file
 * comment): every repository of the source namespace (or the rule's one repository) and, in the
 * target, only the repositories of the same names. Observe only (List calls). Also used by
 * `acrctl drift` to check the replication health of every live rule.
 */
export async function readRuleTags(ctx: Pick<ReadContext, 'config' | 'live' | 'cloud'>, rules: readonly RuleRef[]): Promise<TagLive[]> {
  const running = new Map(runningInstances(ctx).map((m) => [m.alias, m] as const));
  // One filtered ListRepository per (instance, namespace), shared by every rule that needs it.
  const listed = new Map<string, Promise<CrRepository[]>>();
  const repos = (alias: string, ns: string): Promise<CrRepository[]> => {
    const m = running.get(alias);
    if (m === undefined) return Promise.resolve([]); // not there yet: no tags to compare with
    const k = `${alias}\u0000${ns}`;
    let p = listed.get(k);
    if (!p) listed.set(k, (p = namespaceRepos(ctx.cloud.cr(m.account, m.region), m.instanceId, ns)));
    return p;
  };
  // Sources first: the target is only read for the repository names the source has.
  const scope: Scope = new Map();
  await Promise.all(
    rules.map(async (r) => {
      const ns = r.rule.namespace;
      const only = (r.rule.level ?? DEFAULTS.replication.level) === 'repository' ? r.rule.repository : undefined;
      widen(scope, r.source, ns, only);
      const names = (await repos(r.source, ns)).map((x) => x.RepoName ?? '').filter((n) => only === undefined || n === only);
      for (const n of names) widen(scope, r.target, ns, n);
    }),
  );
  const out: TagLive[] = [];
  await Promise.all(
    [...scope].flatMap(([alias, byNs]) => {
      const m = running.get(alias);
      if (m === undefined) return [];
      const cr = ctx.cloud.cr(m.account, m.region);
      return [...byNs].map(async ([ns, names]) => {
        const inScope = (await repos(alias, ns)).filter((r) => names === undefined || names.has(r.RepoName ?? ''));
        await Promise.all(
          inScope.map(async (repo) => {
            if (repo.RepoId === undefined) return;
            for (const image of await repoTags(cr, m.instanceId, repo.RepoId)) out.push(tagObject(m, repo, image));
          }),
        );
      });
    }),
  );
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The kind. Evidence only: it has no verbs, so the engine refuses any action on a tag (and the
 * planner never makes one: `classify` says none).
 */
/**
 * The calls of the kind (issue 17): for each replication rule with `backfill` (drift: every rule,
 * for its health), ListRepository of the rule's namespace and ListRepoTag of its repositories, in
 * the source instance and in the target.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return replicationRules(config).flatMap((r) => {
    const repo = (r.rule.level ?? DEFAULTS.replication.level) === 'repository' ? r.rule.repository : undefined;
    const only = r.rule.backfill !== undefined ? undefined : (['drift'] as const);
    return [r.source, r.target].flatMap((alias) => {
      const s = instanceScope(config, alias)!;
      return [
        ...instanceCalls(s, ['read'], ['cr:ListRepository'], { namespace: r.rule.namespace }, only),
        ...instanceCalls(s, ['read'], ['cr:ListRepoTag'], { namespace: r.rule.namespace, ...(repo !== undefined ? { repository: repo } : {}) }, only),
      ];
    });
  });
}

export function makeTagKind(deps: TagDeps = {}): Kind<TagSpec, TagIds, TagKey> {
  return {
    name: 'tag',
    readAfter: deps.everyLiveRule === true ? ['instance', 'sync-rule'] : ['instance'],
    reportsUnmanaged: false,
    address: (key) => tagAddress(key.instance, key.namespace, key.repository, key.tag),
    decode: { key: keyShape, spec: specShape, ids: idsShape },
    permissions: PERMISSIONS,

    desired() {
      return [];
    },

    async read(ctx: ReadContext) {
      const existing = deps.everyLiveRule === true ? new Set(ctx.live('sync-rule').map((l) => l.id)) : new Set<string>();
      const rules = replicationRules(ctx.config).filter((r) => r.rule.backfill !== undefined || existing.has(syncRuleAddress(r.source, r.rule.name)));
      return readRuleTags(ctx, rules);
    },


    classify(): 'none' {
      return 'none';
    },
  };
}

/** The tag kind of plans: tags of the rules with `backfill`. */
export const tagKind = makeTagKind();
