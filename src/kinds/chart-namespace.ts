/**
 * Kind `chart-namespace`: a Helm chart namespace of an instance (`instance[i].chart-namespace[n]`),
 * Terraform's `alicloud_cr_chart_namespace`.
 *
 * Reads: cr ListChartNamespace per matched RUNNING instance, paged (Terraform reads one Get per
 * namespace). Namespaces in DELETING are on their way out and not listed as live. Live chart
 * namespaces not declared are unmanaged under the instance, pruned when it has `prune: true`.
 * Acts: Create/Update/DeleteChartNamespace (both fields update in place). A delete also deletes
 * every chart repository and chart in the namespace (the API's remark): the plan lists those
 * repositories as deletes too when they are live, and the namespace goes after them.
 */
import type { CrClient, CrChartNamespace } from '../cloud/cr.js';
import type { Instance, RegistryDocument } from '../config/model.js';
import { address, segment } from '../plan/address.js';
import { bool, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { instanceChildCalls } from './permits.js';
import { isRepoType } from './namespace.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';
import { waitUntil } from './wait.js';

/** Defaults of a declared chart namespace (the schema's `default`s). */
export const CHART_NAMESPACE_DEFAULTS = { autoCreateRepo: false, defaultRepoType: 'PRIVATE', prune: false } as const;
/** How long a chart namespace delete may take to show (as image namespaces: 120 s). */
const DELETE_TIMEOUT_MS = 120_000;

const keyShape = struct({ instance: str, namespace: str });
const specShape = struct({ autoCreateRepo: bool, defaultRepoType: str });
const idsShape = struct({ instanceId: str, namespaceId: optional(str) });
export type ChartNamespaceKey = Decoded<typeof keyShape>;
export type ChartNamespaceSpec = Decoded<typeof specShape>;
export type ChartNamespaceIds = Decoded<typeof idsShape>;

/** A declared chart namespace, as the generated config types have it. */
export type ChartNamespaceConfig = NonNullable<Instance['chartNamespaces']>[string];

/** `instance[i].chart-namespace[n]`. */
export function chartNamespaceAddress(instance: string, namespace: string): string {
  return address(instanceAddress(instance), segment('chart-namespace', namespace));
}

/** The spec of a declared chart namespace, defaults filled in. */
export function chartNamespaceSpec(ns: ChartNamespaceConfig): ChartNamespaceSpec {
  return { autoCreateRepo: ns.autoCreateRepo ?? CHART_NAMESPACE_DEFAULTS.autoCreateRepo, defaultRepoType: ns.defaultRepoType ?? CHART_NAMESPACE_DEFAULTS.defaultRepoType };
}

function liveSpec(n: CrChartNamespace): ChartNamespaceSpec {
  return { autoCreateRepo: n.AutoCreateRepo ?? CHART_NAMESPACE_DEFAULTS.autoCreateRepo, defaultRepoType: n.DefaultRepoType ?? CHART_NAMESPACE_DEFAULTS.defaultRepoType };
}

/** The chart namespace of that name, in any status (the List filter is matched exactly here). */
async function findNamespace(cr: CrClient, instanceId: string, name: string): Promise<CrChartNamespace | undefined> {
  const { items } = await cr.allChartNamespaces({ InstanceId: instanceId, NamespaceName: name });
  return items.find((n) => n.NamespaceName === name);
}

const idsOf = (instanceId: string, n: CrChartNamespace | undefined): ChartNamespaceIds => ({ instanceId, ...(n?.NamespaceId ? { namespaceId: n.NamespaceId } : {}) });

async function create(ctx: ExecContext, s: Subject<ChartNamespaceSpec, ChartNamespaceIds, ChartNamespaceKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const name = s.key.namespace;
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateChartNamespace', { instanceId, namespace: name });
  try {
    await cr.createChartNamespace({ InstanceId: instanceId, NamespaceName: name, AutoCreateRepo: s.spec.autoCreateRepo, DefaultRepoType: s.spec.defaultRepoType });
  } catch (err) {
    // The "already exists" code is not documented (the emulator's CHART_NAMESPACE_ALREADY_EXIST is
    // chosen): any *ALREADY_EXIST* business error is checked against what is there.
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    const found = await findNamespace(cr, instanceId, name);
    if (found === undefined) throw err;
    const changes = compareSpec(s.spec, liveSpec(found));
    if (changes.length > 0) existsDifferent(s.id, changes);
  }
  return { ids: idsOf(instanceId, await findNamespace(cr, instanceId, name)) };
}

async function update(ctx: ExecContext, c: Change<ChartNamespaceSpec, ChartNamespaceIds, ChartNamespaceKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, c.key.instance);
  const name = c.key.namespace;
  await ctx.intent('UpdateChartNamespace', { instanceId, namespace: name, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateChartNamespace({ InstanceId: instanceId, NamespaceName: name, AutoCreateRepo: c.spec.autoCreateRepo, DefaultRepoType: c.spec.defaultRepoType });
  return { ids: { instanceId, ...(c.ids.namespaceId !== undefined ? { namespaceId: c.ids.namespaceId } : {}) } };
}

async function remove(ctx: ExecContext, r: Removal<ChartNamespaceSpec, ChartNamespaceIds, ChartNamespaceKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, r.key.instance);
  const name = r.key.namespace;
  const cr = ctx.cloud.cr(r.account, r.region);
  await ctx.intent('DeleteChartNamespace', { instanceId, namespace: name });
  try {
    await cr.deleteChartNamespace({ InstanceId: instanceId, NamespaceName: name });
  } catch (err) {
    if (!isNotFound(err) && vendorCode(err) !== 'CHART_NAMESPACE_NOT_EXIST') throw err;
  }
  await waitUntil(ctx, async () => ((await findNamespace(cr, instanceId, name)) === undefined ? true : undefined), {
    what: `chart namespace ${name} to be deleted`,
    timeoutMs: DELETE_TIMEOUT_MS,
  });
  return {};
}

async function observe(ctx: ExecContext, s: Subject<ChartNamespaceSpec, ChartNamespaceIds, ChartNamespaceKey>): Promise<Observation<ChartNamespaceIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const found = await findNamespace(ctx.cloud.cr(s.account, s.region), instanceId, s.key.namespace);
  if (found === undefined) return { state: 'absent' };
  if (found.NamespaceStatus === 'DELETING') return { state: 'going' };
  return { state: 'present', upToDate: compareSpec(s.spec, liveSpec(found)).length === 0, ready: true, ids: idsOf(instanceId, found) };
}

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      chartNamespaces: {
        description:
          'Helm chart namespaces keyed by name (the namespace naming rule: 2-120 lowercase letters, digits and `_ - .`). Separate from the image `namespaces`: charts are pushed with `helm push` (OCI) or the helm-acr plugin. Terraform: `alicloud_cr_chart_namespace`.',
        type: 'object',
        propertyNames: { $ref: '#/$defs/namespaceName' },
        additionalProperties: { $ref: '#/$defs/chartNamespace' },
        examples: [{ charts: { autoCreateRepo: true, repositories: { api: { summary: 'Helm chart of the API server' } } } }],
      },
    },
  },
  defs: {
    chartNamespace: {
      description: 'A Helm chart namespace. Deleting it deletes every chart repository and chart in it.',
      type: 'object',
      additionalProperties: false,
      properties: {
        autoCreateRepo: {
          description: 'Create a chart repository automatically on the first push to a name that does not exist.',
          type: 'boolean',
          default: CHART_NAMESPACE_DEFAULTS.autoCreateRepo,
        },
        defaultRepoType: {
          description: 'Type of automatically created chart repositories, and of declared ones that set no `type`.',
          type: 'string',
          enum: ['PUBLIC', 'PRIVATE'],
          default: CHART_NAMESPACE_DEFAULTS.defaultRepoType,
        },
        prune: {
          description: 'Delete chart repositories found live in this chart namespace but not declared.',
          type: 'boolean',
          default: CHART_NAMESPACE_DEFAULTS.prune,
        },
      },
    },
  },
  sections: [['chartNamespace', '#/$defs/chartNamespace']],
};

/**
 * The calls of the kind (issue 17): ListChartNamespace on every instance (read, and to find a
 * namespace again after a write); Create and Update where chart namespaces are declared; Delete
 * where the instance prunes.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceChildCalls(config, {
    reads: ['cr:ListChartNamespace'],
    create: 'cr:CreateChartNamespace',
    update: 'cr:UpdateChartNamespace',
    delete: 'cr:DeleteChartNamespace',
    declared: (inst) => Object.keys(inst.chartNamespaces ?? {}).length > 0,
    deletes: (inst) => prunes(inst),
  });
}

export const chartNamespaceKind: Kind<ChartNamespaceSpec, ChartNamespaceIds, ChartNamespaceKey> = {
  name: 'chart-namespace',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => chartNamespaceAddress(key.instance, key.namespace),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      Object.entries(inst.chartNamespaces ?? {}).map(([name, ns]) => ({
        id: chartNamespaceAddress(alias, name),
        kind: 'chart-namespace',
        account: inst.account,
        region: inst.region,
        instance: alias,
        key: { instance: alias, namespace: name },
        spec: chartNamespaceSpec(ns),
        requires: [instanceAddress(alias)],
      })),
    );
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const { items } = await ctx.cloud.cr(m.account, m.region).allChartNamespaces({ InstanceId: m.instanceId });
        return items
          .filter((n) => n.NamespaceName !== undefined && (n.NamespaceStatus ?? 'NORMAL') === 'NORMAL')
          .map(
            (n): LiveObject<ChartNamespaceSpec, ChartNamespaceIds, ChartNamespaceKey> => ({
              id: chartNamespaceAddress(m.alias, n.NamespaceName!),
              kind: 'chart-namespace',
              account: m.account,
              region: m.region,
              instance: m.alias,
              key: { instance: m.alias, namespace: n.NamespaceName! },
              spec: liveSpec(n),
              ids: idsOf(m.instanceId, n),
              container: m.address,
              prunable: prunes(m.config),
              requires: [m.address],
            }),
          );
      }),
    );
    return per.flat();
  },

  /** A chart namespace, defaults left out; a type the language does not have is written as the default, with a note. */
  toConfig(l) {
    const liveType = l.spec.defaultRepoType;
    const defaultRepoType = isRepoType(liveType) ? liveType : CHART_NAMESPACE_DEFAULTS.defaultRepoType;
    return {
      pieces: [
        {
          entry: ['instances', l.key.instance, 'chartNamespaces'],
          key: l.key.namespace,
          value: {
            ...(l.spec.autoCreateRepo !== CHART_NAMESPACE_DEFAULTS.autoCreateRepo ? { autoCreateRepo: l.spec.autoCreateRepo } : {}),
            ...(defaultRepoType !== CHART_NAMESPACE_DEFAULTS.defaultRepoType ? { defaultRepoType } : {}),
          },
        },
      ],
      ...(!isRepoType(liveType)
        ? { notes: [{ address: l.id, message: `its default repository type ${JSON.stringify(liveType)} is neither PUBLIC nor PRIVATE: written as the default, ${CHART_NAMESPACE_DEFAULTS.defaultRepoType}` }] }
        : {}),
    };
  },

  observe,
  create,
  update,
  delete: remove,
};
