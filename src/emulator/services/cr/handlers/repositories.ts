/** cr 2018-12-01 namespaces, repositories and tags. */
import type { CallContext, FlatParams, RpcAction } from '../../../core/contract.js';
import { jsonParam, optionalBool, optionalEnum, optionalString, requireString } from '../../../core/params.js';
import {
  createNamespace,
  createRepo,
  deleteNamespace,
  deleteRepo,
  findNamespace,
  findRepoByName,
  NAMESPACE_NAME_RE,
  onTagPushed,
  REPO_NAME_RE,
  sortedTags,
  writeTag,
  type CrState,
  type InstanceRecord,
  type NamespaceRecord,
  type RepoRecord,
  type RepoType,
  type TagRecord,
} from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields, pageOrToken } from './common.js';

const REPO_TYPES = ['PUBLIC', 'PRIVATE'] as const;

function namespaceBody(inst: InstanceRecord, ns: NamespaceRecord): Record<string, unknown> {
  return {
    InstanceId: inst.instanceId,
    NamespaceId: ns.namespaceId,
    NamespaceName: ns.name,
    NamespaceStatus: 'NORMAL',
    AutoCreateRepo: ns.autoCreateRepo,
    DefaultRepoType: ns.defaultRepoType,
    DefaultRepoConfiguration: {
      RepoType: ns.defaultRepoType,
      TagImmutability: ns.tagImmutability,
      ArtifactBuildRuleParameters: { ImageIndexOnly: ns.imageIndexOnly },
    },
    ResourceGroupId: inst.resourceGroupId,
  };
}

function repoBody(inst: InstanceRecord, r: RepoRecord): Record<string, unknown> {
  return {
    InstanceId: inst.instanceId,
    RepoId: r.repoId,
    RepoName: r.name,
    RepoNamespaceName: r.namespace,
    RepoType: r.repoType,
    RepoBuildType: 'MANUAL',
    RepoStatus: 'NORMAL',
    Summary: r.summary,
    TagImmutability: r.tagImmutability,
    ResourceGroupId: inst.resourceGroupId,
    CreateTime: r.createdAt,
    ModifiedTime: r.modifiedAt,
  };
}

/** DefaultRepoConfiguration (a JSON "Shrink" parameter) merged over DefaultRepoType. */
function defaultRepoConfig(p: FlatParams): { repoType?: RepoType; tagImmutability?: boolean; imageIndexOnly?: boolean } {
  const out: { repoType?: RepoType; tagImmutability?: boolean; imageIndexOnly?: boolean } = {};
  const legacy = optionalEnum(p, 'DefaultRepoType', REPO_TYPES);
  if (legacy !== undefined) out.repoType = legacy;
  const cfg = jsonParam(p, 'DefaultRepoConfiguration');
  if (cfg === undefined) return out;
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) throw invalidParameter('DefaultRepoConfiguration', 'must be a JSON object.');
  const c = cfg as Record<string, unknown>;
  if (c['RepoType'] !== undefined) {
    if (c['RepoType'] !== 'PUBLIC' && c['RepoType'] !== 'PRIVATE') throw invalidParameter('DefaultRepoConfiguration.RepoType', 'must be PUBLIC or PRIVATE.');
    out.repoType = c['RepoType'];
  }
  if (c['TagImmutability'] !== undefined) {
    if (typeof c['TagImmutability'] !== 'boolean') throw invalidParameter('DefaultRepoConfiguration.TagImmutability', 'must be a boolean.');
    out.tagImmutability = c['TagImmutability'];
  }
  const abr = c['ArtifactBuildRuleParameters'];
  if (abr !== undefined && typeof abr === 'object' && abr !== null) {
    const v = (abr as Record<string, unknown>)['ImageIndexOnly'];
    if (v !== undefined) {
      if (typeof v !== 'boolean') throw invalidParameter('DefaultRepoConfiguration.ArtifactBuildRuleParameters.ImageIndexOnly', 'must be a boolean.');
      out.imageIndexOnly = v;
    }
  }
  return out;
}

/** The repository of a call: by RepoId, or by RepoNamespaceName + RepoName. */
function callRepo(p: FlatParams, inst: InstanceRecord): RepoRecord {
  const id = optionalString(p, 'RepoId');
  if (id !== undefined) {
    const r = inst.repos[id];
    if (r === undefined) throw crError('REPO_NOT_EXIST', `The repository ${id} does not exist.`);
    return r;
  }
  const ns = requireString(p, 'RepoNamespaceName');
  const name = requireString(p, 'RepoName');
  const r = findRepoByName(inst, ns, name);
  if (r === undefined) throw crError('REPO_NOT_EXIST', `The repository ${ns}/${name} does not exist.`);
  return r;
}

function findTag(repo: RepoRecord, tag: string): TagRecord {
  const t = repo.tags[tag];
  if (t === undefined) throw crError('TAG_NOT_EXIST', `The tag ${tag} of ${repo.namespace}/${repo.name} does not exist.`);
  return t;
}

function requireSummary(p: FlatParams): string {
  const s = requireString(p, 'Summary');
  if (s.length > 100) throw invalidParameter('Summary', 'must be at most 100 characters.');
  return s;
}

function listRepositories(ctx: CallContext, p: FlatParams, st: CrState): Record<string, unknown> {
  const inst = callInstance(ctx, p, st);
  const nsName = optionalString(p, 'RepoNamespaceName');
  const name = optionalString(p, 'RepoName');
  const status = optionalEnum(p, 'RepoStatus', ['NORMAL', 'DELETING', 'DELETED', 'ALL'] as const);
  // Deletion is immediate here (SPEC.md), so no repository is ever DELETING or DELETED.
  let ids: readonly string[] = status === 'DELETING' || status === 'DELETED' ? [] : nsName === undefined ? inst.repoOrder : findNamespace(inst, nsName).repoOrder;
  if (name !== undefined) ids = ids.filter((id) => inst.repos[id]?.name.includes(name));
  const page = pageOrToken(ctx, ids, p);
  return ok({
    ...page.fields,
    Repositories: page.items.flatMap((id) => {
      const r = inst.repos[id];
      return r === undefined ? [] : [repoBody(inst, r)];
    }),
  });
}

export const repositoryActions: Readonly<Record<string, RpcAction>> = {
  ListNamespace: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const name = optionalString(p, 'NamespaceName');
    const status = optionalEnum(p, 'NamespaceStatus', ['NORMAL', 'DELETING', 'ALL'] as const);
    let names: readonly string[] = status === 'DELETING' ? [] : inst.namespaceOrder;
    if (name !== undefined) names = names.filter((n) => n.includes(name));
    const page = pageFields(ctx, names, p, true);
    return ok({
      ...page.fields,
      Namespaces: page.items.map((n) => namespaceBody(inst, findNamespace(inst, n))),
    });
  }),

  GetNamespace: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const id = optionalString(p, 'NamespaceId');
    let ns: NamespaceRecord | undefined;
    if (id !== undefined) {
      ns = Object.values(inst.namespaces).find((n) => n.namespaceId === id);
      if (ns === undefined) throw crError('NAMESPACE_NOT_EXIST', `The namespace ${id} does not exist.`);
    } else {
      ns = findNamespace(inst, requireString(p, 'NamespaceName'));
    }
    return ok(namespaceBody(inst, ns));
  }),

  CreateNamespace: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const name = requireString(p, 'NamespaceName');
    if (!NAMESPACE_NAME_RE.test(name)) {
      throw invalidParameter('NamespaceName', 'must be 2-120 characters of lowercase letters, digits and _ - ., not starting or ending with a separator.');
    }
    const cfg = defaultRepoConfig(p);
    createNamespace(ctx, inst, {
      name,
      autoCreateRepo: optionalBool(p, 'AutoCreateRepo') ?? false,
      defaultRepoType: cfg.repoType ?? 'PRIVATE',
      tagImmutability: cfg.tagImmutability ?? false,
      imageIndexOnly: cfg.imageIndexOnly ?? false,
    });
    return ok();
  }),

  UpdateNamespace: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const ns = findNamespace(inst, requireString(p, 'NamespaceName'));
    const auto = optionalBool(p, 'AutoCreateRepo');
    const cfg = defaultRepoConfig(p);
    if (auto !== undefined) ns.autoCreateRepo = auto;
    if (cfg.repoType !== undefined) ns.defaultRepoType = cfg.repoType;
    if (cfg.tagImmutability !== undefined) ns.tagImmutability = cfg.tagImmutability;
    if (cfg.imageIndexOnly !== undefined) ns.imageIndexOnly = cfg.imageIndexOnly;
    inst.modifiedAt = ctx.now();
    return ok();
  }),

  DeleteNamespace: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    deleteNamespace(inst, requireString(p, 'NamespaceName'));
    inst.modifiedAt = ctx.now();
    return ok();
  }),

  ListRepository: action(false, listRepositories),

  GetRepository: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const r = callRepo(p, inst);
    return ok({ ...repoBody(inst, r), Detail: r.detail });
  }),

  CreateRepository: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const ns = requireString(p, 'RepoNamespaceName');
    const name = requireString(p, 'RepoName');
    requireString(p, 'RepoType');
    const repoType = optionalEnum(p, 'RepoType', REPO_TYPES) ?? 'PRIVATE';
    if (!REPO_NAME_RE.test(name)) {
      throw invalidParameter('RepoName', 'must be 1-64 characters of lowercase letters, digits and _ - ., not starting or ending with a separator.');
    }
    const detail = optionalString(p, 'Detail') ?? '';
    if (detail.length > 2000) throw invalidParameter('Detail', 'must be at most 2000 characters.');
    const r = createRepo(ctx, inst, {
      namespace: ns,
      name,
      repoType,
      summary: requireSummary(p),
      detail,
      tagImmutability: optionalBool(p, 'TagImmutability') ?? findNamespace(inst, ns).tagImmutability,
    });
    return ok({ RepoId: r.repoId });
  }),

  UpdateRepository: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const r = callRepo(p, inst);
    requireString(p, 'RepoType');
    const repoType = optionalEnum(p, 'RepoType', REPO_TYPES);
    const summary = requireSummary(p);
    if (repoType !== undefined) r.repoType = repoType;
    r.summary = summary;
    const detail = optionalString(p, 'Detail');
    if (detail !== undefined) {
      if (detail.length > 2000) throw invalidParameter('Detail', 'must be at most 2000 characters.');
      r.detail = detail;
    }
    const imm = optionalBool(p, 'TagImmutability');
    if (imm !== undefined) r.tagImmutability = imm;
    r.modifiedAt = ctx.now();
    return ok();
  }),

  DeleteRepository: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    deleteRepo(inst, callRepo(p, inst));
    return ok();
  }),

  ListRepoTag: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const r = callRepo({ RepoId: requireString(p, 'RepoId') }, inst);
    const page = pageOrToken(ctx, sortedTags(r), p);
    return ok({
      ...page.fields,
      Images: page.items.map((t) => ({
        Tag: t.tag,
        Digest: t.digest,
        ImageId: t.imageId,
        ImageSize: t.size,
        // ListRepoTag documents ImageCreate/ImageUpdate as strings (GetRepoTag as longs).
        ImageCreate: String(t.createdAt),
        ImageUpdate: String(t.updatedAt),
        Status: 'NORMAL',
      })),
    });
  }),

  GetRepoTag: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const r = callRepo({ RepoId: requireString(p, 'RepoId') }, inst);
    const t = findTag(r, requireString(p, 'Tag'));
    return ok({
      Tag: t.tag,
      Digest: t.digest,
      ImageId: t.imageId,
      ImageSize: t.size,
      ImageCreate: t.createdAt,
      ImageUpdate: t.updatedAt,
      Status: 'NORMAL',
    });
  }),

  DeleteRepoTag: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const r = callRepo({ RepoId: requireString(p, 'RepoId') }, inst);
    const tag = requireString(p, 'Tag');
    findTag(r, tag);
    delete r.tags[tag];
    r.modifiedAt = ctx.now();
    return ok();
  }),

  CreateRepoTag: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const ns = requireString(p, 'NamespaceName');
    const name = requireString(p, 'RepoName');
    const r = findRepoByName(inst, ns, name);
    if (r === undefined) throw crError('REPO_NOT_EXIST', `The repository ${ns}/${name} does not exist.`);
    const from = findTag(r, requireString(p, 'FromTag'));
    const toTag = requireString(p, 'ToTag');
    const image: { tag: string; digest: string; size: number; imageId: string; mediaType?: string } = {
      tag: toTag,
      digest: from.digest,
      size: from.size,
      imageId: from.imageId,
    };
    if (from.mediaType !== undefined) image.mediaType = from.mediaType;
    const t = writeTag(inst, r, image, ctx.now());
    onTagPushed(ctx, inst, r, t);
    return ok();
  }),
};
