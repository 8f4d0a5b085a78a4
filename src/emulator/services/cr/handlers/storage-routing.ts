/**
 * cr 2018-12-01 storage domain routing rules: Create/Update/Delete/GetStorageDomainRoutingRule (all
 * POST), behind the vendor's allow-list; and the admin route that allow-lists an account or an
 * instance, as the vendor does on a ticket. Behaviour and guesses: SPEC.md "Storage routing".
 */
import { ApiError, type AdminRoute, type FlatParams, type RpcAction } from '../../../core/contract.js';
import { jsonParam, optionalString, requireString } from '../../../core/params.js';
import { crState, instanceStatus, settle, type CrState, type InstanceRecord, type StorageRoutingRuleRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance } from './common.js';

/** The allow-list feature of these four actions (the admin route's `feature`). */
export const STORAGE_ROUTING_FEATURE = 'StorageDomainRouting';

/**
 * The refusal of a caller that is not allow-listed. **Guess**: the vendor documents that the API is
 * "open to a whitelist" but no error code; a business error (HTTP 200, IsSuccess false) like the
 * product's other refusals.
 */
export const NOT_ALLOW_LISTED = 'NOT_IN_WHITELIST';

/** The documented not-found code (Terraform, SDK docs), a POP error (its dotted form) at 404 (chosen). */
const NOT_FOUND = 'InvalidInstanceStorageDomainRoutingRule.NotFound';
/** Chosen: a second rule for an instance (Get without RuleId answers one rule per instance). */
const ALREADY_EXISTS = 'InvalidInstanceStorageDomainRoutingRule.AlreadyExist';

/** Endpoint types (guess: the documented example is `Internet`; `Vpc` names the other endpoint). */
const ENDPOINT_TYPES = ['Internet', 'Vpc'] as const;

function allowListed(st: CrState, inst: InstanceRecord): boolean {
  const list = st.apiAllowLists?.[STORAGE_ROUTING_FEATURE];
  return list !== undefined && (list.accounts.includes(inst.accountUid) || list.instances.includes(inst.instanceId));
}

/** The instance of the call, RUNNING, allow-listed for the feature. */
function routingInstance(ctx: Parameters<typeof callInstance>[0], p: FlatParams, st: CrState): InstanceRecord {
  const inst = callInstance(ctx, p, st);
  if (!allowListed(st, inst)) {
    throw crError(NOT_ALLOW_LISTED, `The instance ${inst.instanceId} is not in the whitelist of this API; submit a ticket to use storage domain routing.`);
  }
  return inst;
}

/** The domains of an instance: its system hosts and its customized domains. */
function instanceDomains(inst: InstanceRecord): Map<string, 'Internet' | 'Vpc'> {
  const out = new Map<string, 'Internet' | 'Vpc'>([
    [`${inst.name}-registry.${inst.region}.cr.aliyuncs.com`, 'Internet'],
    [`${inst.name}-registry-vpc.${inst.region}.cr.aliyuncs.com`, 'Vpc'],
  ]);
  for (const d of inst.customizedDomains) out.set(d.domain.toLowerCase(), 'Internet');
  return out;
}

const bare = (domain: string): string => domain.replace(/^https:\/\//i, '').toLowerCase();

/** `Routes`, checked: a non-empty JSON array of complete routes over this instance's domains, each domain once. */
function routesOf(inst: InstanceRecord, p: FlatParams): StorageRoutingRuleRecord['routes'] {
  requireString(p, 'Routes');
  const v = jsonParam(p, 'Routes');
  if (!Array.isArray(v) || v.length === 0) throw invalidParameter('Routes', 'must be a non-empty JSON array of routes.');
  const domains = instanceDomains(inst);
  const seen = new Set<string>();
  return v.map((r: unknown, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw invalidParameter(`Routes[${i}]`, 'must be an object.');
    const o = r as Record<string, unknown>;
    const field = (name: string): string => {
      const x = o[name];
      if (typeof x !== 'string' || x === '') throw invalidParameter(`Routes[${i}].${name}`, 'is required.');
      return x;
    };
    const endpointType = ENDPOINT_TYPES.find((t) => t.toLowerCase() === field('EndpointType').toLowerCase());
    if (endpointType === undefined) throw invalidParameter(`Routes[${i}].EndpointType`, `must be one of ${ENDPOINT_TYPES.join(', ')}.`);
    const instanceDomain = field('InstanceDomain').toLowerCase();
    if (!domains.has(instanceDomain)) throw invalidParameter(`Routes[${i}].InstanceDomain`, `${instanceDomain} is not a domain of the instance ${inst.instanceId}.`);
    const storage = bare(field('StorageDomain'));
    const oss = new RegExp(`^[a-z0-9][a-z0-9.-]*\\.oss-${inst.region.replace(/[.]/g, '\\.')}(-internal)?\\.aliyuncs\\.com$`);
    if (!oss.test(storage)) throw invalidParameter(`Routes[${i}].StorageDomain`, `${storage} is not an OSS domain of ${inst.region}.`);
    const key = `${endpointType}|${instanceDomain}`;
    if (seen.has(key)) throw invalidParameter('Routes', `${instanceDomain} (${endpointType}) is routed twice.`);
    seen.add(key);
    return { endpointType, instanceDomain, storageDomain: `https://${storage}` };
  });
}

function findRule(inst: InstanceRecord, p: FlatParams, required: boolean): StorageRoutingRuleRecord {
  const id = required ? requireString(p, 'RuleId') : optionalString(p, 'RuleId');
  const rule = inst.storageRoutingRule;
  if (rule === undefined || (id !== undefined && rule.ruleId !== id)) {
    throw new ApiError(NOT_FOUND, `The storage domain routing rule ${id ?? 'of the instance'} does not exist.`, 404);
  }
  return rule;
}

/** Success bodies document `Code` and `Success`, no `IsSuccess`. */
function done(body: Record<string, unknown> = {}): Record<string, unknown> {
  return { Code: 'success', Success: true, ...body };
}

export const storageRoutingActions: Readonly<Record<string, RpcAction>> = {
  CreateStorageDomainRoutingRule: action(true, (ctx, p, st) => {
    const inst = routingInstance(ctx, p, st);
    const routes = routesOf(inst, p);
    if (inst.storageRoutingRule !== undefined) throw new ApiError(ALREADY_EXISTS, `The instance ${inst.instanceId} has a storage domain routing rule already (${inst.storageRoutingRule.ruleId}).`, 409);
    const now = ctx.now();
    inst.storageRoutingRule = { ruleId: ctx.ids.next('crsdr-'), routes, createdAt: now, modifiedAt: now };
    return done({ RuleId: inst.storageRoutingRule.ruleId });
  }),

  UpdateStorageDomainRoutingRule: action(true, (ctx, p, st) => {
    const inst = routingInstance(ctx, p, st);
    const rule = findRule(inst, p, true);
    rule.routes = routesOf(inst, p);
    rule.modifiedAt = ctx.now();
    return done();
  }),

  DeleteStorageDomainRoutingRule: action(true, (ctx, p, st) => {
    const inst = routingInstance(ctx, p, st);
    findRule(inst, p, true);
    delete inst.storageRoutingRule;
    return done();
  }),

  GetStorageDomainRoutingRule: action(false, (ctx, p, st) => {
    const inst = routingInstance(ctx, p, st);
    const rule = findRule(inst, p, false);
    return done({
      RuleId: rule.ruleId,
      Routes: rule.routes.map((r) => ({ EndpointType: r.endpointType, InstanceDomain: r.instanceDomain, StorageDomain: r.storageDomain })),
      CreateTime: rule.createdAt,
      ModifyTime: rule.modifiedAt,
    });
  }),
};

function bodyOf(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('InvalidBody', 'The body must be a JSON object.', 400);
  return raw as Record<string, unknown>;
}

export const storageRoutingAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/cr/api-allowlist',
    summary:
      'Allow-list an account (every instance it has or buys later) or one instance for an allow-listed API feature, as the vendor does on a ticket: {"feature":"StorageDomainRouting","accountUid"?|"instanceId"?,"allowed"?:true} → the lists and whether this call changed them.',
    handle(ctx, _pp, raw) {
      settle(ctx);
      const b = bodyOf(raw);
      if (b['feature'] !== STORAGE_ROUTING_FEATURE) throw new ApiError('InvalidBody', `"feature" must be "${STORAGE_ROUTING_FEATURE}".`, 400);
      const accountUid = b['accountUid'];
      const instanceId = b['instanceId'];
      if ((accountUid === undefined) === (instanceId === undefined)) throw new ApiError('InvalidBody', 'Give exactly one of "accountUid" and "instanceId".', 400);
      if (accountUid !== undefined && (typeof accountUid !== 'string' || !/^\d{16}$/.test(accountUid))) throw new ApiError('InvalidBody', '"accountUid" must be 16 digits.', 400);
      const st = crState(ctx);
      if (instanceId !== undefined) {
        const inst = typeof instanceId === 'string' ? st.instances[instanceId] : undefined;
        if (inst === undefined || instanceStatus(inst, ctx.now()) === undefined) throw new ApiError('INSTANCE_NOT_EXIST', `The instance ${String(instanceId)} does not exist.`, 404);
      }
      const allowed = b['allowed'] ?? true;
      if (typeof allowed !== 'boolean') throw new ApiError('InvalidBody', '"allowed" must be a boolean.', 400);
      const lists = (st.apiAllowLists ??= {});
      const list = (lists[STORAGE_ROUTING_FEATURE] ??= { accounts: [], instances: [] });
      const [arr, value] = accountUid !== undefined ? [list.accounts, accountUid as string] : [list.instances, instanceId as string];
      const at = arr.indexOf(value);
      const changed = allowed ? at < 0 : at >= 0;
      if (allowed && at < 0) arr.push(value);
      if (!allowed && at >= 0) arr.splice(at, 1);
      return { feature: STORAGE_ROUTING_FEATURE, accounts: [...list.accounts], instances: [...list.instances], changed };
    },
  },
];
