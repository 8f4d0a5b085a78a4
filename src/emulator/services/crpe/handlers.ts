/**
 * cr 2016-06-07 (Personal Edition, ROA) routes. Bodies are `{data:{...}}` in lower camel case (the
 * core adds `requestId`); GetRepoTag is flat. Create/update bodies wrap PascalCase fields in an
 * entity key: `{"Namespace":{...}}`, `{"Repo":{...}}`.
 */
import type { CallContext, RoaRequest, RoaRoute } from '../../core/contract.js';
import { paginate } from '../../core/params.js';
import { personalRegistryLabel, siteOf } from '../../core/sites.js';
import { CR_REGIONS } from '../cr/regions.js';
import { issueCredential, TEMP_USERNAME } from '../../registry/credentials.js';
import {
  addNamespace,
  addRepo,
  allRepos,
  estate,
  findNamespace,
  findRepo,
  PE_NAMESPACE_RE,
  PE_REPO_RE,
  peError,
  removeNamespace,
  removeRepo,
  sortedTags,
  type CrpeState,
  type PeEstate,
  type PeRepo,
  type Visibility,
} from './models.js';

function callEstate(ctx: CallContext): PeEstate {
  return estate(ctx.serviceState<CrpeState>('crpe'), ctx.accountUid, ctx.region);
}

function path(req: RoaRequest, name: string): string {
  const v = req.pathParams[name];
  if (v === undefined || v === '') throw peError('PARAM_INVALID', `${name} is required.`, 400);
  return v;
}

/** The entity object of a create/update body, e.g. `body.Repo`. */
function entity(req: RoaRequest, key: string): Record<string, unknown> {
  const b = req.body;
  const inner = typeof b === 'object' && b !== null ? (b as Record<string, unknown>)[key] : undefined;
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw peError('PARAM_INVALID', `The body must be a JSON object {"${key}":{...}}.`, 400);
  }
  return inner as Record<string, unknown>;
}

function optText(e: Record<string, unknown>, name: string, max: number, min = 0): string | undefined {
  const v = e[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length < min || v.length > max) throw peError('PARAM_INVALID', `${name} must be a string of ${min}-${max} characters.`, 400);
  return v;
}

function optVisibility(e: Record<string, unknown>, name: string): Visibility | undefined {
  const v = e[name];
  if (v === undefined) return undefined;
  if (v !== 'PUBLIC' && v !== 'PRIVATE') throw peError('PARAM_INVALID', `${name} must be PUBLIC or PRIVATE.`, 400);
  return v;
}

function optBool(e: Record<string, unknown>, name: string): boolean | undefined {
  const v = e[name];
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw peError('PARAM_INVALID', `${name} must be a boolean.`, 400);
}

function page<T>(ctx: CallContext, items: readonly T[], req: RoaRequest): { items: T[]; total: number; page: number; pageSize: number } {
  const q = req.query;
  for (const k of ['Page', 'PageSize']) {
    const v = q[k];
    if (v !== undefined && !/^\d+$/.test(v)) throw peError('PARAM_INVALID', `${k} must be a positive integer.`, 400);
  }
  const p = paginate(items, q, { defaultSize: 30, max: ctx.settings.maxPageSize, pageNoName: 'Page', pageSizeName: 'PageSize' });
  return { items: p.items, total: p.totalCount, page: p.pageNo, pageSize: p.pageSize };
}

function repoView(ctx: CallContext, r: PeRepo): Record<string, unknown> {
  const region = ctx.region;
  const host = personalRegistryLabel(siteOf(ctx.state, ctx.accountUid));
  return {
    repoId: r.repoId,
    repoNamespace: r.namespace,
    repoName: r.name,
    summary: r.summary,
    repoType: r.repoType,
    repoBuildType: r.buildType ?? 'MANUAL',
    repoStatus: 'NORMAL',
    repoAuthorizeType: 'ADMIN',
    regionId: region,
    gmtCreate: r.createdAt,
    gmtModified: r.modifiedAt,
    repoDomainList: {
      public: `${host}.${region}.aliyuncs.com`,
      internal: `${host}-internal.${region}.aliyuncs.com`,
      vpc: `${host}-vpc.${region}.aliyuncs.com`,
    },
  };
}

function statusFilter(req: RoaRequest): boolean {
  const s = req.query['Status'];
  // Deletion is immediate (SPEC.md): every repository is NORMAL.
  return s === undefined || s === '' || s === 'NORMAL' || s === 'ALL';
}

function route(
  action: string,
  method: RoaRoute['method'],
  pattern: string,
  mutating: boolean,
  handle: (ctx: CallContext, req: RoaRequest) => Record<string, unknown>,
): RoaRoute {
  return { action, method, pattern, mutating, handle };
}

export const crpeRoutes: readonly RoaRoute[] = [
  route('GetRegionList', 'GET', '/regions', false, () => ({ data: { regions: CR_REGIONS.map((regionId) => ({ regionId })) } })),

  route('GetAuthorizationToken', 'GET', '/tokens', false, (ctx) => {
    const n = ctx.ids.seq('crpe.authToken');
    const expires = ctx.now() + 3_600_000;
    const st = ctx.serviceState<CrpeState>('crpe');
    // Recorded (hashed) so the region's emulated registry accepts it as basic auth for this account.
    const token = issueCredential((st.registryCredentials ??= {}), `emu-pe-${ctx.region}-${n.toString(36)}`, `${ctx.accountUid}@${ctx.region}`, expires, ctx.now());
    return { data: { tempUserName: TEMP_USERNAME, authorizationToken: token, expireDate: expires } };
  }),

  route('GetNamespaceList', 'GET', '/namespace', false, (ctx) => {
    const es = callEstate(ctx);
    return {
      data: {
        namespaces: es.namespaceOrder.map((n) => ({ namespace: n, authorizeType: 'ADMIN', namespaceStatus: 'NORMAL' })),
      },
    };
  }),

  route('GetNamespace', 'GET', '/namespace/{Namespace}', false, (ctx, req) => {
    const ns = findNamespace(callEstate(ctx), path(req, 'Namespace'));
    return {
      data: {
        namespace: {
          namespace: ns.name,
          authorizeType: 'ADMIN',
          namespaceStatus: 'NORMAL',
          autoCreate: ns.autoCreate,
          defaultVisibility: ns.defaultVisibility,
        },
      },
    };
  }),

  route('CreateNamespace', 'PUT', '/namespace', true, (ctx, req) => {
    const e = entity(req, 'Namespace');
    const name = e['Namespace'];
    if (typeof name !== 'string' || !PE_NAMESPACE_RE.test(name)) {
      throw peError('PARAM_INVALID', 'Namespace must be 2-30 lowercase letters, digits, - and _, not starting with - or _.', 400);
    }
    addNamespace(callEstate(ctx), { name, autoCreate: optBool(e, 'AutoCreate') ?? true, defaultVisibility: optVisibility(e, 'DefaultVisibility') ?? 'PRIVATE' });
    return { data: {} };
  }),

  route('UpdateNamespace', 'POST', '/namespace/{Namespace}', true, (ctx, req) => {
    const ns = findNamespace(callEstate(ctx), path(req, 'Namespace'));
    const e = entity(req, 'Namespace');
    const auto = optBool(e, 'AutoCreate');
    const vis = optVisibility(e, 'DefaultVisibility');
    if (auto !== undefined) ns.autoCreate = auto;
    if (vis !== undefined) ns.defaultVisibility = vis;
    return { data: {} };
  }),

  route('DeleteNamespace', 'DELETE', '/namespace/{Namespace}', true, (ctx, req) => {
    removeNamespace(callEstate(ctx), path(req, 'Namespace'));
    return { data: {} };
  }),

  route('GetRepoList', 'GET', '/repos', false, (ctx, req) => {
    const repos = statusFilter(req) ? allRepos(callEstate(ctx)) : [];
    const p = page(ctx, repos, req);
    return { data: { repos: p.items.map((r) => repoView(ctx, r)), total: p.total, page: p.page, pageSize: p.pageSize } };
  }),

  route('GetRepoListByNamespace', 'GET', '/repos/{RepoNamespace}', false, (ctx, req) => {
    const es = callEstate(ctx);
    const ns = findNamespace(es, path(req, 'RepoNamespace'));
    const repos = statusFilter(req) ? ns.repoOrder.map((n) => findRepo(es, ns.name, n)) : [];
    const p = page(ctx, repos, req);
    return { data: { repos: p.items.map((r) => repoView(ctx, r)), total: p.total, page: p.page, pageSize: p.pageSize } };
  }),

  route('GetRepo', 'GET', '/repos/{RepoNamespace}/{RepoName}', false, (ctx, req) => {
    const r = findRepo(callEstate(ctx), path(req, 'RepoNamespace'), path(req, 'RepoName'));
    return { data: { repo: { ...repoView(ctx, r), detail: r.detail } } };
  }),

  route('CreateRepo', 'PUT', '/repos', true, (ctx, req) => {
    const e = entity(req, 'Repo');
    const ns = e['RepoNamespace'];
    const name = e['RepoName'];
    if (typeof ns !== 'string' || ns === '') throw peError('PARAM_INVALID', 'RepoNamespace is required.', 400);
    if (typeof name !== 'string' || !PE_REPO_RE.test(name)) throw peError('PARAM_INVALID', 'RepoName must be 2-30 lowercase letters, digits, _ . and -.', 400);
    const summary = optText(e, 'Summary', 100, 1);
    if (summary === undefined) throw peError('PARAM_INVALID', 'Summary is required.', 400);
    const repoType = optVisibility(e, 'RepoType');
    if (repoType === undefined) throw peError('PARAM_INVALID', 'RepoType is required.', 400);
    const now = ctx.now();
    addRepo(callEstate(ctx), {
      repoId: ctx.ids.seq('crpe.repo'),
      namespace: ns,
      name,
      summary,
      detail: optText(e, 'Detail', 2000) ?? '',
      repoType,
      createdAt: now,
      modifiedAt: now,
      tags: {},
    });
    return { data: {} };
  }),

  route('UpdateRepo', 'POST', '/repos/{RepoNamespace}/{RepoName}', true, (ctx, req) => {
    const r = findRepo(callEstate(ctx), path(req, 'RepoNamespace'), path(req, 'RepoName'));
    const e = entity(req, 'Repo');
    const summary = optText(e, 'Summary', 100, 1);
    const detail = optText(e, 'Detail', 2000);
    const repoType = optVisibility(e, 'RepoType');
    if (summary !== undefined) r.summary = summary;
    if (detail !== undefined) r.detail = detail;
    if (repoType !== undefined) r.repoType = repoType;
    r.modifiedAt = ctx.now();
    return { data: {} };
  }),

  route('DeleteRepo', 'DELETE', '/repos/{RepoNamespace}/{RepoName}', true, (ctx, req) => {
    removeRepo(callEstate(ctx), path(req, 'RepoNamespace'), path(req, 'RepoName'));
    return { data: {} };
  }),

  route('GetRepoTags', 'GET', '/repos/{RepoNamespace}/{RepoName}/tags', false, (ctx, req) => {
    const r = findRepo(callEstate(ctx), path(req, 'RepoNamespace'), path(req, 'RepoName'));
    const p = page(ctx, sortedTags(r), req);
    return {
      data: {
        tags: p.items.map((t) => ({
          tag: t.tag,
          imageId: t.imageId,
          digest: t.digest,
          imageSize: t.size,
          imageCreate: t.createdAt,
          imageUpdate: t.updatedAt,
          status: 'NORMAL',
        })),
        total: p.total,
        page: p.page,
        pageSize: p.pageSize,
      },
    };
  }),

  // Build rules (issue 14 item 9): documented (doc 142767) as data.buildRules[] with a Long id; not paged.
  route('GetRepoBuildRuleList', 'GET', '/repos/{RepoNamespace}/{RepoName}/rules', false, (ctx, req) => {
    const r = findRepo(callEstate(ctx), path(req, 'RepoNamespace'), path(req, 'RepoName'));
    return {
      data: {
        buildRules: (r.buildRules ?? []).map((b) => ({ buildRuleId: b.buildRuleId, pushType: b.pushType, pushName: b.pushName, imageTag: b.imageTag, dockerfileLocation: b.dockerfileLocation, dockerfileName: b.dockerfileName })),
      },
    };
  }),

  route('GetRepoTag', 'GET', '/repos/{RepoNamespace}/{RepoName}/tags/{Tag}', false, (ctx, req) => {
    const r = findRepo(callEstate(ctx), path(req, 'RepoNamespace'), path(req, 'RepoName'));
    const t = r.tags[path(req, 'Tag')];
    if (t === undefined) throw peError('TAG_NOT_EXIST', `The tag ${path(req, 'Tag')} of ${r.namespace}/${r.name} does not exist.`, 404);
    return { tag: t.tag, imageId: t.imageId, digest: t.digest, imageSize: t.size, imageCreate: t.createdAt, imageUpdate: t.updatedAt, status: 'NORMAL' };
  }),

  route('DeleteImage', 'DELETE', '/repos/{RepoNamespace}/{RepoName}/tags/{Tag}', true, (ctx, req) => {
    const r = findRepo(callEstate(ctx), path(req, 'RepoNamespace'), path(req, 'RepoName'));
    const tag = path(req, 'Tag');
    if (r.tags[tag] === undefined) throw peError('TAG_NOT_EXIST', `The tag ${tag} of ${r.namespace}/${r.name} does not exist.`, 404);
    delete r.tags[tag];
    r.modifiedAt = ctx.now();
    return { data: {} };
  }),
];
