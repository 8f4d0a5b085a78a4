/**
 * Kind `chart-repository`: a Helm chart repository in a chart namespace
 * (`instance[i].chart-namespace[n].chart-repository[r]`), Terraform's `alicloud_cr_chart_repository`.
 *
 * Reads: ONE paged cr ListChartRepository per matched RUNNING instance that has a desired chart
 * namespace (every chart namespace at once; Terraform reads one Get per repository). Only
 * repositories in desired chart namespaces become live objects (those in other chart namespaces
 * belong to that unmanaged namespace); adopt's discover mode reads them all. ListChartRepository
 * returns every field the language has, so there is no Get.
 * Acts: Create/Update/DeleteChartRepository (type and summary update in place).
 */
import type { CrClient, CrChartRepository } from '../cloud/cr.js';
import type { RegistryDocument } from '../config/model.js';
import { address, segment } from '../plan/address.js';
import { optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import { chartNamespaceAddress, chartNamespaceSpec, CHART_NAMESPACE_DEFAULTS } from './chart-namespace.js';
import { instanceAddress, instanceIdOf, knownInstanceId, runningInstances } from './instance.js';
import { instanceChildCalls } from './permits.js';
import { isRepoType } from './namespace.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';
import { waitUntil } from './wait.js';

const DELETE_TIMEOUT_MS = 120_000;

const keyShape = struct({ instance: str, namespace: str, repository: str });
const specShape = struct({ type: str, summary: str });
const idsShape = struct({ instanceId: str, repoId: optional(str) });
export type ChartRepositoryKey = Decoded<typeof keyShape>;
export type ChartRepositorySpec = Decoded<typeof specShape>;
export type ChartRepositoryIds = Decoded<typeof idsShape>;

/** `instance[i].chart-namespace[n].chart-repository[r]`. */
export function chartRepositoryAddress(instance: string, namespace: string, repository: string): string {
  return address(chartNamespaceAddress(instance, namespace), segment('chart-repository', repository));
}

function liveSpec(r: CrChartRepository): ChartRepositorySpec {
  return { type: r.RepoType ?? CHART_NAMESPACE_DEFAULTS.defaultRepoType, summary: r.Summary ?? '' };
}

async function findRepo(cr: CrClient, instanceId: string, namespace: string, name: string): Promise<CrChartRepository | undefined> {
  const { items } = await cr.allChartRepositories({ InstanceId: instanceId, RepoNamespaceName: namespace, RepoName: name, RepoStatus: 'ALL' });
  return items.find((r) => r.RepoNamespaceName === namespace && r.RepoName === name);
}

const idsOf = (instanceId: string, repoId: string | undefined): ChartRepositoryIds => ({ instanceId, ...(repoId ? { repoId } : {}) });

async function create(ctx: ExecContext, s: Subject<ChartRepositorySpec, ChartRepositoryIds, ChartRepositoryKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const { namespace, repository } = s.key;
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateChartRepository', { instanceId, namespace, repository });
  try {
    const r = await cr.createChartRepository({ InstanceId: instanceId, RepoNamespaceName: namespace, RepoName: repository, RepoType: s.spec.type, Summary: s.spec.summary });
    return { ids: idsOf(instanceId, r.RepoId) };
  } catch (err) {
    // No "already exists" code is documented (the emulator's CHART_REPO_ALREADY_EXIST is chosen).
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    const found = await findRepo(cr, instanceId, namespace, repository);
    if (found === undefined) throw err;
    const changes = compareSpec(s.spec, liveSpec(found));
    if (changes.length > 0) existsDifferent(s.id, changes);
    return { ids: idsOf(instanceId, found.RepoId) };
  }
}

async function update(ctx: ExecContext, c: Change<ChartRepositorySpec, ChartRepositoryIds, ChartRepositoryKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, c.key.instance);
  const { namespace, repository } = c.key;
  await ctx.intent('UpdateChartRepository', { instanceId, namespace, repository, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateChartRepository({ InstanceId: instanceId, RepoNamespaceName: namespace, RepoName: repository, RepoType: c.spec.type, Summary: c.spec.summary });
  return { ids: idsOf(instanceId, c.ids.repoId) };
}

async function remove(ctx: ExecContext, r: Removal<ChartRepositorySpec, ChartRepositoryIds, ChartRepositoryKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, r.key.instance);
  const { namespace, repository } = r.key;
  const cr = ctx.cloud.cr(r.account, r.region);
  await ctx.intent('DeleteChartRepository', { instanceId, namespace, repository });
  try {
    await cr.deleteChartRepository({ InstanceId: instanceId, RepoNamespaceName: namespace, RepoName: repository });
  } catch (err) {
    // Gone already, or its chart namespace is (which deletes every repository in it).
    if (!isNotFound(err) && !['CHART_REPO_NOT_EXIST', 'CHART_NAMESPACE_NOT_EXIST'].includes(vendorCode(err) ?? '')) throw err;
  }
  await waitUntil(ctx, async () => ((await findRepo(cr, instanceId, namespace, repository)) === undefined ? true : undefined), {
    what: `chart repository ${namespace}/${repository} to be deleted`,
    timeoutMs: DELETE_TIMEOUT_MS,
  });
  return {};
}

async function observe(ctx: ExecContext, s: Subject<ChartRepositorySpec, ChartRepositoryIds, ChartRepositoryKey>): Promise<Observation<ChartRepositoryIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const found = await findRepo(ctx.cloud.cr(s.account, s.region), instanceId, s.key.namespace, s.key.repository);
  if (found === undefined) return { state: 'absent' };
  if (found.RepoStatus === 'DELETING') return { state: 'going' };
  return { state: 'present', upToDate: compareSpec(s.spec, liveSpec(found)).length === 0, ready: true, ids: idsOf(instanceId, found.RepoId) };
}

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/chartNamespace': {
      repositories: {
        description: 'Chart repositories keyed by repository name. Terraform: `alicloud_cr_chart_repository`.',
        type: 'object',
        propertyNames: { $ref: '#/$defs/repositoryName' },
        additionalProperties: { $ref: '#/$defs/chartRepository' },
        examples: [{ api: { type: 'PRIVATE', summary: 'Helm chart of the API server' } }],
      },
    },
  },
  defs: {
    chartRepository: {
      description: 'A Helm chart repository.',
      type: 'object',
      additionalProperties: false,
      properties: {
        type: {
          description: "PUBLIC or PRIVATE. Default: the chart namespace's defaultRepoType.",
          type: 'string',
          enum: ['PUBLIC', 'PRIVATE'],
        },
        summary: {
          description: 'One-line summary, up to 100 characters.',
          type: 'string',
          maxLength: 100,
          default: '',
        },
      },
    },
  },
  sections: [['chartRepository', '#/$defs/chartRepository']],
};

/**
 * The calls of the kind (issue 17): ListChartRepository on every instance (read, and to find a
 * repository again after a write); Create and Update where chart repositories are declared;
 * Delete where a chart namespace prunes.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceChildCalls(config, {
    reads: ['cr:ListChartRepository'],
    create: 'cr:CreateChartRepository',
    update: 'cr:UpdateChartRepository',
    delete: 'cr:DeleteChartRepository',
    declared: (inst) => Object.values(inst.chartNamespaces ?? {}).some((n) => Object.keys(n.repositories ?? {}).length > 0),
    deletes: (inst) => Object.values(inst.chartNamespaces ?? {}).some((n) => n.prune === true),
  });
}

export const chartRepositoryKind: Kind<ChartRepositorySpec, ChartRepositoryIds, ChartRepositoryKey> = {
  name: 'chart-repository',
  readAfter: ['instance', 'chart-namespace'],
  reportsUnmanaged: true,
  address: (key) => chartRepositoryAddress(key.instance, key.namespace, key.repository),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired(config: RegistryDocument) {
    const out: DesiredObject<ChartRepositorySpec, ChartRepositoryKey>[] = [];
    for (const [alias, inst] of Object.entries(config.instances ?? {})) {
      for (const [ns, decl] of Object.entries(inst.chartNamespaces ?? {})) {
        const nsType = chartNamespaceSpec(decl).defaultRepoType;
        for (const [name, repo] of Object.entries(decl.repositories ?? {})) {
          out.push({
            id: chartRepositoryAddress(alias, ns, name),
            kind: 'chart-repository',
            account: inst.account,
            region: inst.region,
            instance: alias,
            key: { instance: alias, namespace: ns, repository: name },
            spec: { type: repo.type ?? nsType, summary: repo.summary ?? '' },
            requires: [chartNamespaceAddress(alias, ns), instanceAddress(alias)],
          });
        }
      }
    }
    return out;
  },

  async read(ctx: ReadContext) {
    const nsDesired = new Set(ctx.desired.filter((d) => d.kind === 'chart-namespace').map((d) => d.id));
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const prefix = `${m.address}.`;
        if (ctx.discover !== true && ![...nsDesired].some((id) => id.startsWith(prefix))) return [];
        const { items } = await ctx.cloud.cr(m.account, m.region).allChartRepositories({ InstanceId: m.instanceId });
        const objs: LiveObject<ChartRepositorySpec, ChartRepositoryIds, ChartRepositoryKey>[] = [];
        for (const r of items) {
          if (r.RepoNamespaceName === undefined || r.RepoName === undefined || (r.RepoStatus ?? 'NORMAL') !== 'NORMAL') continue;
          const nsId = chartNamespaceAddress(m.alias, r.RepoNamespaceName);
          if (ctx.discover !== true && !nsDesired.has(nsId)) continue; // belongs to an unmanaged chart namespace
          objs.push({
            id: chartRepositoryAddress(m.alias, r.RepoNamespaceName, r.RepoName),
            kind: 'chart-repository',
            account: m.account,
            region: m.region,
            instance: m.alias,
            key: { instance: m.alias, namespace: r.RepoNamespaceName, repository: r.RepoName },
            spec: liveSpec(r),
            ids: idsOf(m.instanceId, r.RepoId),
            container: nsId,
            prunable: m.config.chartNamespaces?.[r.RepoNamespaceName]?.prune ?? CHART_NAMESPACE_DEFAULTS.prune,
            requires: [nsId, m.address],
          });
        }
        return objs;
      }),
    );
    return per.flat();
  },

  /** A chart repository, defaults left out (its type when it is its chart namespace's defaultRepoType). */
  toConfig(l, ctx) {
    const { type, summary } = l.spec;
    if (!isRepoType(type)) return { notes: [{ address: l.id, message: `not adopted: its type ${JSON.stringify(type)} is neither PUBLIC nor PRIVATE` }] };
    const nsType = ctx.live('chart-namespace').find((n) => n.id === l.container)?.spec['defaultRepoType'];
    const defaultType = isRepoType(nsType) ? nsType : CHART_NAMESPACE_DEFAULTS.defaultRepoType;
    return {
      pieces: [
        {
          entry: ['instances', l.key.instance, 'chartNamespaces', l.key.namespace, 'repositories'],
          key: l.key.repository,
          value: { ...(type !== defaultType ? { type } : {}), ...(summary !== '' ? { summary } : {}) },
        },
      ],
    };
  },

  observe,
  create,
  update,
  delete: remove,
};
