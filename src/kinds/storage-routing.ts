/**
 * Kind `storage-routing`: the storage domain routing rule of an instance
 * (`instance[i].storage-routing`), declared as `storageRoutingRules`, the list of its routes. Each
 * route says which OSS domain serves the image layers of one instance domain and endpoint type.
 *
 * The API (Create/Update/Delete/GetStorageDomainRoutingRule) has no List: Get without RuleId answers
 * the instance's rule, so there is one rule per instance, holding every route (as Terraform's
 * alicloud_cr_storage_domain_routing_rule and ROS ALIYUN::CR::StorageDomainRoutingRule model it:
 * one resource per instance with a `routes` list). Routes are compared as a set; UpdateStorage…
 * replaces them all in place. `storageDomain` is compared without its `https://` prefix (the API
 * returns it with one; Terraform suppresses the same difference).
 *
 * The API is allow-listed by the vendor ("open to a whitelist; submit a ticket"). No error code is
 * documented for a caller that is not allow-listed, so a refused read (a code naming a whitelist or
 * allow-list, or a permission refusal) becomes an error finding of the plan naming the instance, the
 * vendor's code and message and the fix; nothing is planned for that instance and nothing crashes.
 * A new instance cannot be checked before apply buys it: an info finding says so.
 *
 * Reads: GetStorageDomainRoutingRule (no RuleId) per matched RUNNING instance. Where routes are not
 * declared a refusal says nothing (the instance simply has no rule acrctl can see) and a live rule
 * is unmanaged, or deleted under `prune: true`.
 */
import type { CrClient } from '../cloud/cr.js';
import type { CrStorageRoute, GetStorageDomainRoutingRuleResponse } from '../cloud/cr-storage-events.js';
import { errorFacts } from '../cloud/errors.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address } from '../plan/address.js';
import { deepEqual } from '../plan/compare.js';
import { list, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject, Change } from '../plan/kind.js';
import type { PlanFinding } from '../plan/model.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { customDomainAddress } from './custom-domain.js';
import { instanceChildCalls } from './permits.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';

/** Endpoint types of a route (the documented example is `Internet`; `Vpc` is a guess). */
export const ENDPOINT_TYPES = ['Internet', 'Vpc'] as const;

const routeShape = struct({ endpointType: str, instanceDomain: str, storageDomain: str });
const keyShape = struct({ instance: str });
const specShape = struct({ routes: list(routeShape) });
const idsShape = struct({ instanceId: str, ruleId: str });
export type StorageRoutingKey = Decoded<typeof keyShape>;
export type StorageRoutingSpec = Decoded<typeof specShape>;
export type StorageRoutingIds = Decoded<typeof idsShape>;
type Route = Decoded<typeof routeShape>;

/** `instance[i].storage-routing`. */
export function storageRoutingAddress(instance: string): string {
  return address(instanceAddress(instance), 'storage-routing');
}

/** A live object standing for an instance whose rule could not be read: the service refused. */
interface RefusedLive extends LiveObject<StorageRoutingSpec, StorageRoutingIds, StorageRoutingKey> {
  readonly refused: { readonly code: string; readonly message: string };
}

function refusedOf(l: LiveObject | undefined): RefusedLive['refused'] | undefined {
  return (l as Partial<RefusedLive> | undefined)?.refused;
}

/** The domain as compared: no scheme, lower case, no trailing dot or slash. */
export function bareDomain(d: string): string {
  return d.trim().replace(/^https?:\/\//i, '').replace(/[/.]+$/, '').toLowerCase();
}

function canonicalType(t: string): string {
  return ENDPOINT_TYPES.find((x) => x.toLowerCase() === t.toLowerCase()) ?? t;
}

function normalise(routes: readonly { endpointType?: string; instanceDomain?: string; storageDomain?: string }[]): Route[] {
  return routes
    .map((r) => ({ endpointType: canonicalType(r.endpointType ?? ''), instanceDomain: bareDomain(r.instanceDomain ?? ''), storageDomain: bareDomain(r.storageDomain ?? '') }))
    .sort((a, b) => (a.instanceDomain < b.instanceDomain ? -1 : a.instanceDomain > b.instanceDomain ? 1 : a.endpointType < b.endpointType ? -1 : a.endpointType > b.endpointType ? 1 : 0));
}

function liveRoutes(r: GetStorageDomainRoutingRuleResponse): Route[] {
  return normalise((r.Routes ?? []).map((x: CrStorageRoute) => ({ endpointType: x.EndpointType ?? '', instanceDomain: x.InstanceDomain ?? '', storageDomain: x.StorageDomain ?? '' })));
}

/** Routes as sent: StorageDomain with `https://`, as the API documents and returns it. */
function apiRoutes(spec: StorageRoutingSpec) {
  return spec.routes.map((r) => ({ EndpointType: r.endpointType, InstanceDomain: r.instanceDomain, StorageDomain: `https://${r.storageDomain}` }));
}

/**
 * A refusal of the allow-listed API, or undefined for any other failure. The vendor documents no
 * code, so codes naming a whitelist/allow-list and the documented permission refusals count.
 */
export function allowListRefusal(err: unknown): { code: string; message: string } | undefined {
  const code = vendorCode(err);
  if (code === undefined) return undefined;
  if (!/white_?list|allow_?list|NotAllowListed|NoPrivilege|Forbidden|NoPermission/i.test(code)) return undefined;
  return { code, message: errorFacts(err).message };
}

/** The instance's rule, absent, or the refusal. Never changes anything. */
async function getRule(cr: CrClient, instanceId: string): Promise<{ rule?: GetStorageDomainRoutingRuleResponse; refused?: { code: string; message: string } }> {
  try {
    const rule = await cr.getStorageDomainRoutingRule({ InstanceId: instanceId });
    return rule.RuleId === undefined ? {} : { rule };
  } catch (err) {
    if (isNotFound(err)) return {}; // InvalidInstanceStorageDomainRoutingRule.NotFound: no rule
    const refused = allowListRefusal(err);
    if (refused !== undefined) return { refused };
    throw err;
  }
}

async function create(ctx: ExecContext, s: Subject<StorageRoutingSpec, StorageRoutingIds, StorageRoutingKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateStorageDomainRoutingRule', { instanceId, routes: s.spec.routes.length });
  try {
    const r = await cr.createStorageDomainRoutingRule({ InstanceId: instanceId, Routes: apiRoutes(s.spec) });
    if (r.RuleId === undefined) throw new AcrctlError('apply.no_id', `CreateStorageDomainRoutingRule for ${s.id} returned no RuleId`, { address: s.id });
    return { ids: { instanceId, ruleId: r.RuleId } };
  } catch (err) {
    const refused = allowListRefusal(err);
    if (refused !== undefined) throw notAllowListed(s.id, s.key.instance, instanceId, refused, err);
    // Another rule already there (a create that was sent before a crash): the same routes are success.
    const found = (await getRule(cr, instanceId)).rule;
    if (found?.RuleId === undefined) throw err;
    if (!deepEqual(liveRoutes(found), s.spec.routes)) existsDifferent(s.id, [{ path: 'routes', before: liveRoutes(found), after: s.spec.routes, impact: 'update' }]);
    return { ids: { instanceId, ruleId: found.RuleId } };
  }
}

function notAllowListed(id: string, alias: string, instanceId: string, refused: { code: string; message: string }, cause: unknown): AcrctlError {
  return new AcrctlError('apply.not_allow_listed', `the storage domain routing API refused instance ${alias} (${instanceId}): ${refused.code}: ${refused.message}`, {
    address: id,
    hint: 'the API is allow-listed by Alibaba Cloud: open a ticket asking to allow-list the account (or instance) for storage domain routing rules, then apply again',
    cause,
  });
}

async function update(ctx: ExecContext, c: Change<StorageRoutingSpec, StorageRoutingIds, StorageRoutingKey>): Promise<Outcome> {
  const { instanceId, ruleId } = c.ids;
  await ctx.intent('UpdateStorageDomainRoutingRule', { instanceId, ruleId, routes: c.spec.routes.length });
  await ctx.cloud.cr(c.account, c.region).updateStorageDomainRoutingRule({ InstanceId: instanceId, RuleId: ruleId, Routes: apiRoutes(c.spec) });
  return { ids: c.ids };
}

async function remove(ctx: ExecContext, r: Removal<StorageRoutingSpec, StorageRoutingIds, StorageRoutingKey>): Promise<Outcome> {
  const { instanceId, ruleId } = r.ids;
  await ctx.intent('DeleteStorageDomainRoutingRule', { instanceId, ruleId });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteStorageDomainRoutingRule({ InstanceId: instanceId, RuleId: ruleId });
  } catch (err) {
    if (!isNotFound(err)) throw err; // already gone
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<StorageRoutingSpec, StorageRoutingIds, StorageRoutingKey>): Promise<Observation<StorageRoutingIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const { rule } = await getRule(ctx.cloud.cr(s.account, s.region), instanceId);
  if (rule?.RuleId === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: deepEqual(liveRoutes(rule), s.spec.routes), ready: true, ids: { instanceId, ruleId: rule.RuleId } };
}

/** The instance's own hosts for an endpoint type (the custom domains count as Internet). */
function systemDomain(name: string, region: string, type: string): string | undefined {
  if (type === 'Internet') return `${name}-registry.${region}.cr.aliyuncs.com`;
  if (type === 'Vpc') return `${name}-registry-vpc.${region}.cr.aliyuncs.com`;
  return undefined;
}

/**
 * Each (endpointType, instanceDomain) once; the instance domain is a domain of this instance (its
 * system host of that endpoint type, or a declared custom domain for Internet); the storage domain
 * is an OSS domain of the instance's region.
 */
const REFERENCES: ReferenceCheck = ({ instances, items, str: s, quote, report }) => {
  for (const [alias, inst] of instances) {
    const name = s(inst['name']);
    const region = s(inst['region']);
    const custom = new Set(items(inst['customDomains']).flatMap(([, d]) => (typeof d['domain'] === 'string' ? [bareDomain(d['domain'])] : [])));
    const seen = new Map<string, number>();
    for (const [i, route] of items(inst['storageRoutingRules'])) {
      const path = ['instances', alias, 'storageRoutingRules', i];
      const type = s(route['endpointType']);
      const domain = s(route['instanceDomain']);
      const storage = s(route['storageDomain']);
      if (type === undefined || domain === undefined) continue;
      const key = `${type}|${bareDomain(domain)}`;
      const first = seen.get(key);
      if (first !== undefined) report('ref/duplicate-key', `instance domain ${quote(domain)} (${type}) is routed twice in instance ${quote(alias)} (first at storageRoutingRules[${first}])`, [...path, 'instanceDomain'], 'a route is keyed by its endpoint type and instance domain');
      else seen.set(key, i);
      if (name !== undefined && region !== undefined && (ENDPOINT_TYPES as readonly string[]).includes(type)) {
        const own = systemDomain(name, region, type);
        const ok = bareDomain(domain) === own || (type === 'Internet' && custom.has(bareDomain(domain)));
        if (!ok) {
          report(
            'ref/storage-routing-domain',
            `route ${i} of instance ${quote(alias)} names ${quote(domain)}, which is not a ${type} domain of instance ${quote(name)}`,
            [...path, 'instanceDomain'],
            `use ${own ?? 'the instance\'s own host'}${type === 'Internet' ? ' or one of its customDomains' : ''}`,
          );
        }
        if (storage !== undefined) {
          const oss = new RegExp(`^[a-z0-9][a-z0-9.-]*\\.oss-${region.replace(/\./g, '\\.')}(-internal)?\\.aliyuncs\\.com$`);
          if (!oss.test(bareDomain(storage))) {
            report('ref/storage-routing-domain', `route ${i} of instance ${quote(alias)} sends layers to ${quote(storage)}, which is not an OSS domain of ${region}`, [...path, 'storageDomain'], `an OSS bucket domain such as <bucket>.oss-${region}.aliyuncs.com (or -internal)`);
          }
        }
      }
    }
  }
};

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      storageRoutingRules: {
        description:
          'Storage domain routing (an API Alibaba Cloud allow-lists per ticket): which OSS domain serves the image layers pulled through each instance domain. Together the routes are the instance\'s one routing rule (Terraform alicloud_cr_storage_domain_routing_rule, ROS ALIYUN::CR::StorageDomainRoutingRule). Absent: not managed (a live rule is unmanaged, or deleted under `prune: true`). A plan of an instance that is not allow-listed has an error finding.',
        type: 'array',
        minItems: 1,
        items: { $ref: '#/$defs/storageRoute' },
        examples: [[{ endpointType: 'Vpc', instanceDomain: 'acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com', storageDomain: 'cri-example-registry.oss-cn-hangzhou-internal.aliyuncs.com' }]],
      },
    },
  },
  defs: {
    storageRoute: {
      description: 'One route of the storage domain routing rule (API Routes[]: EndpointType, InstanceDomain, StorageDomain). Keyed by endpointType and instanceDomain.',
      type: 'object',
      required: ['endpointType', 'instanceDomain', 'storageDomain'],
      additionalProperties: false,
      properties: {
        endpointType: { description: 'The endpoint the route applies to: `Internet` or `Vpc` (API EndpointType; the documented example is Internet).', type: 'string', enum: [...ENDPOINT_TYPES] },
        instanceDomain: {
          description: 'A domain of this instance: `<name>-registry.<region>.cr.aliyuncs.com` or a declared custom domain for Internet, `<name>-registry-vpc.<region>.cr.aliyuncs.com` for Vpc.',
          type: 'string',
          minLength: 1,
          maxLength: 253,
          examples: ['acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com'],
        },
        storageDomain: {
          description: 'The OSS domain that serves the layers, in the instance\'s region (`https://` optional: it is compared without it).',
          type: 'string',
          minLength: 1,
          maxLength: 261,
          pattern: '^(https://)?[a-z0-9][a-z0-9.-]*\\.aliyuncs\\.com/?$',
          examples: ['cri-example-registry.oss-cn-hangzhou-internal.aliyuncs.com'],
        },
      },
    },
  },
  sections: [['storageRoute', '#/$defs/storageRoute']],
};

/**
 * The calls of the kind (issue 17): GetStorageDomainRoutingRule on every instance (read, and to
 * find the rule again after a create); Create and Update where routes are declared; Delete where
 * the instance prunes.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceChildCalls(config, {
    reads: ['cr:GetStorageDomainRoutingRule'],
    readVerbs: ['read', 'observe', 'create'],
    create: 'cr:CreateStorageDomainRoutingRule',
    update: 'cr:UpdateStorageDomainRoutingRule',
    delete: 'cr:DeleteStorageDomainRoutingRule',
    declared: (inst) => (inst.storageRoutingRules ?? []).length > 0,
    deletes: (inst) => prunes(inst),
  });
}

export const storageRoutingKind: Kind<StorageRoutingSpec, StorageRoutingIds, StorageRoutingKey> = {
  name: 'storage-routing',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => storageRoutingAddress(key.instance),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]): DesiredObject<StorageRoutingSpec, StorageRoutingKey>[] => {
      const routes = inst.storageRoutingRules ?? [];
      if (routes.length === 0) return [];
      const spec = { routes: normalise(routes) };
      // A route over a declared custom domain needs the domain first (the service checks it is the instance's).
      const custom = new Set((inst.customDomains ?? []).map((d) => bareDomain(d.domain)));
      const domains = [...new Set(spec.routes.map((r) => r.instanceDomain).filter((d) => custom.has(d)))].map((d) => customDomainAddress(alias, d));
      return [{ id: storageRoutingAddress(alias), kind: 'storage-routing', account: inst.account, region: inst.region, instance: alias, key: { instance: alias }, spec, requires: [instanceAddress(alias), ...domains] }];
    });
  },

  async read(ctx: ReadContext) {
    const wanted = new Set(ctx.desired.filter((d) => d.kind === 'storage-routing').map((d) => d.id));
    const per = await Promise.all(
      runningInstances(ctx)
        .map(async (m): Promise<LiveObject<StorageRoutingSpec, StorageRoutingIds, StorageRoutingKey>[]> => {
          const id = storageRoutingAddress(m.alias);
          const base = { id, kind: 'storage-routing', account: m.account, region: m.region, instance: m.alias, key: { instance: m.alias }, container: m.address, requires: [] };
          const { rule, refused } = await getRule(ctx.cloud.cr(m.account, m.region), m.instanceId);
          if (refused !== undefined) {
            // Only where routes are declared: the refusal is then a finding (extras), never an action.
            if (!wanted.has(id)) return [];
            const marker: RefusedLive = { ...base, spec: { routes: [] }, ids: { instanceId: m.instanceId, ruleId: '' }, prunable: false, refused };
            return [marker];
          }
          if (rule?.RuleId === undefined) return [];
          return [{ ...base, spec: { routes: liveRoutes(rule) }, ids: { instanceId: m.instanceId, ruleId: rule.RuleId }, prunable: prunes(m.config) }];
        }),
    );
    return per.flat();
  },

  diff(desired, live) {
    if (deepEqual(desired.spec.routes, live.spec.routes)) return { changes: [] };
    return { changes: [{ path: 'routes', before: live.spec.routes, after: desired.spec.routes, impact: 'update' }] };
  },

  /** A refused read plans nothing for that instance (extras reports it). */
  classify(_desired, live) {
    return refusedOf(live) !== undefined ? 'none' : undefined;
  },

  /** The refusal of a non-allow-listed instance; a note where the instance does not exist yet. */
  extras(ctx) {
    const findings: PlanFinding[] = [];
    const instances = new Set(ctx.live('instance').map((l) => l.id));
    const live = new Map(ctx.live('storage-routing').map((l) => [l.id, l] as const));
    for (const d of ctx.desired) {
      if (d.kind !== 'storage-routing' || d.instance === undefined) continue;
      const refused = refusedOf(live.get(d.id));
      const name = ctx.config.instances?.[d.instance]?.name ?? d.instance;
      if (refused !== undefined) {
        findings.push({
          id: 'storage-routing/not-allow-listed',
          severity: 'error',
          message: `instance ${d.instance} (${name}) declares storageRoutingRules, but the storage domain routing API refused it (${refused.code}: ${refused.message}). The API is allow-listed by Alibaba Cloud: open a ticket asking to allow-list this instance's account for storage domain routing rules (or, if the code is a permission refusal, grant cr:GetStorageDomainRoutingRule), then plan again; nothing is planned for its routes until then`,
          where: d.id,
          key: d.key,
        });
      } else if (!instances.has(instanceAddress(d.instance))) {
        findings.push({
          id: 'storage-routing/allow-list-unchecked',
          severity: 'info',
          message: `instance ${d.instance} (${name}) does not exist yet, so acrctl cannot check that its account is allow-listed for storage domain routing rules (an API Alibaba Cloud opens per ticket); if it is not, creating the rule fails after the instance is bought`,
          where: d.id,
          key: d.key,
        });
      }
    }
    return { findings };
  },

  toConfig(l) {
    if (refusedOf(l) !== undefined) return {};
    const bad = l.spec.routes.find((r) => !(ENDPOINT_TYPES as readonly string[]).includes(r.endpointType));
    if (bad !== undefined) return { notes: [{ address: l.id, message: `not adopted: endpoint type ${JSON.stringify(bad.endpointType)} has no form in the language` }] };
    return { pieces: [{ set: ['instances', l.key.instance], fields: { storageRoutingRules: l.spec.routes.map((r) => ({ ...r })) } }] };
  },

  observe,
  create,
  update,
  delete: remove,
};
