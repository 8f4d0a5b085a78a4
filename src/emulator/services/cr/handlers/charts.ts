/**
 * cr 2018-12-01 Helm charts: chart namespaces and chart repositories (Create/Get/List/Update/Delete
 * ChartNamespace and ChartRepository). Records only: no chart is stored (SPEC.md, "Helm charts").
 */
import type { CallContext, FlatParams, RpcAction } from '../../../core/contract.js';
import { optionalBool, optionalEnum, optionalString, requireString } from '../../../core/params.js';
import { NAMESPACE_NAME_RE, REPO_NAME_RE, type ChartNamespaceRecord, type ChartRepoRecord, type ChartState, type CrState, type InstanceRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields } from './common.js';

const REPO_TYPES = ['PUBLIC', 'PRIVATE'] as const;
const STATUSES = ['NORMAL', 'DELETING'] as const;
/** Summary length accepted (chosen: the image repositories' 100; the chart docs state none). */
const SUMMARY_MAX = 100;

/** The charts of an instance, created on first write. */
function charts(inst: InstanceRecord): ChartState {
  inst.charts ??= { namespaces: [], repos: [] };
  return inst.charts;
}

/** The charts of an instance for a read (changes nothing). */
function peek(inst: InstanceRecord): ChartState {
  return inst.charts ?? { namespaces: [], repos: [] };
}

function chartNamespace(inst: InstanceRecord, name: string): ChartNamespaceRecord {
  const ns = peek(inst).namespaces.find((n) => n.name === name);
  if (ns === undefined) throw crError('CHART_NAMESPACE_NOT_EXIST', `The chart namespace ${name} does not exist.`);
  return ns;
}

function chartRepo(inst: InstanceRecord, p: FlatParams): ChartRepoRecord {
  const namespace = requireString(p, 'RepoNamespaceName');
  const name = requireString(p, 'RepoName');
  const r = peek(inst).repos.find((x) => x.namespace === namespace && x.name === name);
  if (r === undefined) throw crError('CHART_REPO_NOT_EXIST', `The chart repository ${namespace}/${name} does not exist.`);
  return r;
}

function namespaceBody(inst: InstanceRecord, ns: ChartNamespaceRecord): Record<string, unknown> {
  return {
    InstanceId: inst.instanceId,
    NamespaceId: ns.namespaceId,
    NamespaceName: ns.name,
    NamespaceStatus: 'NORMAL',
    AutoCreateRepo: ns.autoCreateRepo,
    DefaultRepoType: ns.defaultRepoType,
    ResourceGroupId: inst.resourceGroupId,
  };
}

function repoBody(inst: InstanceRecord, r: ChartRepoRecord): Record<string, unknown> {
  return {
    InstanceId: inst.instanceId,
    RepoId: r.repoId,
    RepoName: r.name,
    RepoNamespaceName: r.namespace,
    RepoStatus: 'NORMAL',
    RepoType: r.repoType,
    Summary: r.summary,
    ResourceGroupId: inst.resourceGroupId,
    CreateTime: r.createdAt,
    ModifiedTime: r.modifiedAt,
  };
}

function summaryParam(p: FlatParams): string | undefined {
  const s = optionalString(p, 'Summary');
  if (s !== undefined && s.length > SUMMARY_MAX) throw invalidParameter('Summary', `must be at most ${SUMMARY_MAX} characters.`);
  return s;
}

function listNamespaces(ctx: CallContext, p: FlatParams, st: CrState): Record<string, unknown> {
  const inst = callInstance(ctx, p, st);
  const name = optionalString(p, 'NamespaceName');
  const status = optionalEnum(p, 'NamespaceStatus', STATUSES);
  // Deletes are immediate (chosen), so every listed namespace is NORMAL: a DELETING filter matches none.
  const all = peek(inst).namespaces.filter((n) => (name === undefined || n.name === name) && status !== 'DELETING');
  const page = pageFields(ctx, all, p, true);
  return ok({ Namespaces: page.items.map((n) => namespaceBody(inst, n)), ...page.fields });
}

function listRepos(ctx: CallContext, p: FlatParams, st: CrState): Record<string, unknown> {
  const inst = callInstance(ctx, p, st);
  const ns = optionalString(p, 'RepoNamespaceName');
  const name = optionalString(p, 'RepoName');
  const status = optionalEnum(p, 'RepoStatus', ['ALL', ...STATUSES] as const);
  const all = peek(inst).repos.filter((r) => (ns === undefined || r.namespace === ns) && (name === undefined || r.name === name) && status !== 'DELETING');
  const page = pageFields(ctx, all, p, true);
  return ok({ Repositories: page.items.map((r) => repoBody(inst, r)), ...page.fields });
}

export const chartActions: Readonly<Record<string, RpcAction>> = {
  ListChartNamespace: action(false, listNamespaces),

  GetChartNamespace: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    return ok(namespaceBody(inst, chartNamespace(inst, requireString(p, 'NamespaceName'))));
  }),

  CreateChartNamespace: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const name = requireString(p, 'NamespaceName');
    if (!NAMESPACE_NAME_RE.test(name)) throw invalidParameter('NamespaceName', `${name} breaks the naming rule (2-120 characters: lowercase letters, digits, _ - .; no separator first or last).`);
    const c = charts(inst);
    if (c.namespaces.some((n) => n.name === name)) throw crError('CHART_NAMESPACE_ALREADY_EXIST', `The chart namespace ${name} already exists.`);
    if (c.namespaces.length >= inst.quotas.chartNamespace) {
      throw crError('CHART_NAMESPACE_QUOTA_EXCEED', `The chart namespace quota (${inst.quotas.chartNamespace}) of instance ${inst.instanceId} is used up.`);
    }
    c.namespaces.push({
      namespaceId: ctx.ids.next('crcn-'),
      name,
      autoCreateRepo: optionalBool(p, 'AutoCreateRepo') ?? false,
      defaultRepoType: optionalEnum(p, 'DefaultRepoType', REPO_TYPES) ?? 'PRIVATE',
    });
    return ok();
  }),

  UpdateChartNamespace: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const ns = chartNamespace(inst, requireString(p, 'NamespaceName'));
    const auto = optionalBool(p, 'AutoCreateRepo');
    const type = optionalEnum(p, 'DefaultRepoType', REPO_TYPES);
    if (auto !== undefined) ns.autoCreateRepo = auto;
    if (type !== undefined) ns.defaultRepoType = type;
    return ok();
  }),

  /** Deletes the namespace and every chart repository in it (the API's remark). */
  DeleteChartNamespace: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const ns = chartNamespace(inst, requireString(p, 'NamespaceName'));
    const c = charts(inst);
    c.namespaces = c.namespaces.filter((n) => n !== ns);
    c.repos = c.repos.filter((r) => r.namespace !== ns.name);
    return ok();
  }),

  ListChartRepository: action(false, listRepos),

  GetChartRepository: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    return ok(repoBody(inst, chartRepo(inst, p)));
  }),

  CreateChartRepository: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const namespace = requireString(p, 'RepoNamespaceName');
    const name = requireString(p, 'RepoName');
    const ns = chartNamespace(inst, namespace);
    if (!REPO_NAME_RE.test(name)) throw invalidParameter('RepoName', `${name} breaks the naming rule (1-64 characters: lowercase letters, digits, _ - .).`);
    const type = optionalEnum(p, 'RepoType', REPO_TYPES);
    const summary = summaryParam(p);
    const c = charts(inst);
    if (c.repos.some((r) => r.namespace === namespace && r.name === name)) throw crError('CHART_REPO_ALREADY_EXIST', `The chart repository ${namespace}/${name} already exists.`);
    if (c.repos.length >= inst.quotas.chartRepo) {
      throw crError('CHART_REPO_QUOTA_EXCEED', `The chart repository quota (${inst.quotas.chartRepo}) of instance ${inst.instanceId} is used up.`);
    }
    const now = ctx.now();
    const repoId = ctx.ids.next('crcr-');
    c.repos.push({ repoId, namespace, name, repoType: type ?? ns.defaultRepoType, summary: summary ?? '', createdAt: now, modifiedAt: now });
    return ok({ RepoId: repoId });
  }),

  UpdateChartRepository: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const r = chartRepo(inst, p);
    const type = optionalEnum(p, 'RepoType', REPO_TYPES);
    const summary = summaryParam(p);
    if (type !== undefined) r.repoType = type;
    if (summary !== undefined) r.summary = summary;
    r.modifiedAt = ctx.now();
    return ok();
  }),

  DeleteChartRepository: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const r = chartRepo(inst, p);
    const c = charts(inst);
    c.repos = c.repos.filter((x) => x !== r);
    return ok();
  }),
};
