/**
 * Kind `instance`: an Enterprise Edition instance (`instance[alias]`), matched to live instances by
 * cloud name within the account and region of its declaration.
 *
 * Reads: cr ListInstance per declared (account, region), paged (it returns InstanceSpecification, so
 * no GetInstance is needed); GetInstanceUsage only for RUNNING instances that declare `quotas` (no
 * List returns quotas). Live instances no alias declares are unmanaged under `account[alias]` and
 * never pruned: releasing a registry is only for a destroy command.
 * Acts through BSS: CreateInstance (ClientToken), ModifyInstance (edition or quota upgrade),
 * RefundInstance (destroy). A downgrade is a plan-time error, never a silent no-op.
 *
 * Also exports what the instance's child kinds need of their container: the declared instances found
 * RUNNING, instance ids at apply time, the prune flag.
 */
import { ACR_EE_PRODUCT, type ModifyInstanceRequest } from '../cloud/bss.js';
import type { CrClient, CrInstance } from '../cloud/cr.js';
import { DEFAULTS, type Edition, type Instance, type Quotas, type RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import type { Action, FieldChange } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';
import { crFor, existsDifferent, isNotFound, unsupported, vendorCode } from './support.js';
import { TIMEOUTS, waitUntil } from './wait.js';

// ---------------------------------------------------------------------------------------------
// Shared helpers of the instance-scoped kinds

/** A declared instance matched to a live one. */
export interface MatchedInstance {
  readonly alias: string;
  readonly account: string;
  readonly region: string;
  readonly instanceId: string;
  readonly status: string;
  readonly config: Instance;
  readonly address: string;
}

/** What `instance` live objects carry besides the compared spec: the status (volatile, so not spec). */
export interface InstanceLive extends LiveObject {
  readonly status: string;
}

function statusOf(l: LiveObject): string {
  return (l as Partial<InstanceLive>).status ?? 'RUNNING';
}

/**
 * Declared instances found live and RUNNING: the only ones whose children can be read (every cr
 * action but Get/ListInstance answers INSTANCE_STATUS_NOT_SUPPORT otherwise). Children of an
 * instance that is still starting are planned as creates behind the instance's wait.
 */
export function runningInstances(ctx: Pick<ReadContext, 'config' | 'live'>): MatchedInstance[] {
  const out: MatchedInstance[] = [];
  for (const l of ctx.live('instance')) {
    const alias = l.instance;
    const config = alias === undefined ? undefined : ctx.config.instances?.[alias];
    const instanceId = l.ids['instanceId'];
    if (alias === undefined || config === undefined || instanceId === undefined || l.id !== addr.instance(alias)) continue;
    if (statusOf(l) !== 'RUNNING') continue;
    out.push({ alias, account: l.account, region: l.region, instanceId, status: statusOf(l), config, address: l.id });
  }
  return out.sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
}

/** The cri- id of a declared instance at apply time: learned in this run or read at plan time. */
export function instanceIdOf(ctx: Pick<ExecContext, 'ids'>, alias: string): string {
  const id = ctx.ids(addr.instance(alias))['instanceId'];
  if (id === undefined || id === '') {
    throw new AcrctlError('apply.missing_id', `the id of instance[${alias}] is not known`, {
      address: addr.instance(alias),
      hint: 'the instance was neither found when planning nor created in this run: run acrctl plan again',
    });
  }
  return id;
}

/** The alias of the instance an action is about (every instance-scoped action carries it). */
export function aliasOf(action: Action): string {
  if (action.instance === undefined) throw new Error(`action ${action.id} has no instance`);
  return action.instance;
}

// ---------------------------------------------------------------------------------------------
// Editions and quotas

const EDITION_RANK: Readonly<Record<Edition, number>> = { Basic: 1, Standard: 2, Advanced: 3 };

/** `Enterprise_Advanced` → `Advanced`; an unknown specification is kept as sent. */
export function editionOf(specification: string | undefined): string {
  const m = /^Enterprise_(Basic|Standard|Advanced)$/.exec(specification ?? '');
  return m?.[1] ?? specification ?? 'unknown';
}

/**
 * Base quotas the extras bought through BSS add to. The vendor's per-edition defaults are not
 * documented (cr-2018-12-01.json limits.perEditionDefaults); these are the documented example values
 * of GetInstanceUsage, which the emulator uses for every edition. `vpc_num` replaces the VPC quota.
 */
export const BASE_QUOTAS = { namespaces: 100, repositories: 1000 } as const;

type QuotaSpec = { namespaces?: number; repositories?: number; vpcs?: number };

function quotaSpec(q: Quotas | undefined): QuotaSpec | undefined {
  if (q === undefined) return undefined;
  const out: QuotaSpec = {};
  if (q.namespaces !== undefined) out.namespaces = q.namespaces;
  if (q.repositories !== undefined) out.repositories = q.repositories;
  if (q.vpcs !== undefined) out.vpcs = q.vpcs;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Declared quotas are minimums: satisfied when every declared figure is at most the live one. */
function quotasSatisfied(desired: unknown, live: unknown): boolean {
  const d = (desired ?? {}) as Record<string, number>;
  const l = (live ?? {}) as Record<string, number>;
  return Object.entries(d).every(([k, v]) => (l[k] ?? 0) >= v);
}

const num = (s: string | undefined): number => {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
};

// ---------------------------------------------------------------------------------------------
// The kind

const STARTING = new Set(['PENDING', 'STARTING']);
const GONE = new Set(['DELETING', 'DELETED']);

function desiredOf(alias: string, inst: Instance): DesiredObject {
  const quotas = quotaSpec(inst.quotas);
  return {
    id: addr.instance(alias),
    kind: 'instance',
    account: inst.account,
    region: inst.region,
    instance: alias,
    spec: { name: inst.name, edition: inst.edition, ...(quotas ? { quotas } : {}) },
    requires: [],
  };
}

/** Live instances of one (account, region), oldest first. */
async function listInstances(cr: CrClient): Promise<CrInstance[]> {
  return (await cr.allInstances()).items;
}

function bssProductType(): string {
  // The China site's product type for every region: the cr JSON ties `acr_ee_public_intl` to
  // international-site accounts (a NotApplicable answer), not to regions. See docs/kinds.md.
  return ACR_EE_PRODUCT.productType.china;
}

async function findByName(cr: CrClient, name: string): Promise<CrInstance | undefined> {
  return (await listInstances(cr)).find((i) => i.InstanceName === name && !GONE.has(i.InstanceStatus ?? ''));
}

async function waitRunning(ctx: ExecContext, cr: CrClient, instanceId: string, name: string, edition?: string): Promise<void> {
  await waitUntil(
    ctx,
    async () => {
      const r = await cr.getInstance({ InstanceId: instanceId });
      const status = r.InstanceStatus ?? '';
      if (status === 'INIT_ERROR' || GONE.has(status)) {
        throw new AcrctlError('apply.instance_failed', `instance ${name} (${instanceId}) is ${status}`, { hint: 'look at the instance in the console; the purchase may need a ticket' });
      }
      if (status !== 'RUNNING') return undefined;
      if (edition !== undefined && editionOf(r.InstanceSpecification) !== edition) return undefined;
      return true;
    },
    { what: `instance ${name} to be RUNNING${edition ? ` as ${edition}` : ''}`, timeoutMs: TIMEOUTS.instanceCreate },
  );
}

function createParameters(spec: Readonly<Record<string, unknown>>, region: string): { Code: string; Value: string }[] {
  const quotas = (spec['quotas'] ?? {}) as QuotaSpec;
  return [
    { Code: 'InstanceType', Value: String(spec['edition']) },
    { Code: 'InstanceName', Value: String(spec['name']) },
    { Code: 'Region', Value: region },
    { Code: 'DefaultOssBucket', Value: 'true' },
    ...(quotas.repositories !== undefined ? [{ Code: 'RepoQuota', Value: String(quotas.repositories) }] : []),
    ...(quotas.namespaces !== undefined ? [{ Code: 'NamespaceQuota', Value: String(quotas.namespaces) }] : []),
    ...(quotas.vpcs !== undefined ? [{ Code: 'vpc_num', Value: String(quotas.vpcs) }] : []),
  ];
}

async function create(ctx: ExecContext, action: Action): Promise<Outcome> {
  const spec = action.after ?? {};
  const name = String(spec['name']);
  const edition = String(spec['edition']);
  const cr = crFor(ctx, action);
  const pendingId = ctx.reconciled?.state === 'pending' ? ctx.reconciled.ids?.['instanceId'] : undefined;
  let instanceId = pendingId;
  if (instanceId === undefined) {
    // A purchase is the one create worth a read first: an instance of this name bought by an earlier
    // run of another plan (or in the console) is accepted when its edition matches.
    const found = await findByName(cr, name);
    if (found?.InstanceId !== undefined) {
      const liveEdition = editionOf(found.InstanceSpecification);
      if (liveEdition !== edition) existsDifferent(action.id, [{ path: 'edition', before: liveEdition, after: edition, impact: 'update' }]);
      instanceId = found.InstanceId;
    }
  }
  if (instanceId === undefined) {
    await ctx.intent('CreateInstance', { name, region: action.region, edition });
    try {
      const r = await ctx.cloud.bss(action.account).createInstance({
        ClientToken: ctx.clientToken(),
        ProductCode: ACR_EE_PRODUCT.productCode,
        ProductType: bssProductType(),
        SubscriptionType: 'Subscription',
        Period: 1,
        RenewalStatus: 'AutoRenewal',
        RenewPeriod: 1,
        Parameter: createParameters(spec, action.region),
      });
      instanceId = r.Data?.InstanceId;
    } catch (err) {
      if (vendorCode(err) !== 'InstanceNameDuplicate') throw err;
      // Already there (an earlier run with another plan, or a console purchase): accept it when its
      // edition is the one asked for.
      const found = await findByName(cr, name);
      if (found?.InstanceId === undefined) throw err;
      const liveEdition = editionOf(found.InstanceSpecification);
      if (liveEdition !== edition) existsDifferent(action.id, [{ path: 'edition', before: liveEdition, after: edition, impact: 'update' }]);
      instanceId = found.InstanceId;
    }
    if (instanceId === undefined) throw new AcrctlError('apply.no_id', `BSS CreateInstance for ${name} returned no InstanceId`, { address: action.id });
  }
  ctx.progress(`instance ${name} is ${instanceId}`, { instanceId });
  await waitRunning(ctx, cr, instanceId, name);
  return { ids: { instanceId } };
}

async function update(ctx: ExecContext, action: Action): Promise<Outcome> {
  const spec = action.after ?? {};
  const name = String(spec['name']);
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const cr = crFor(ctx, action);
  const changed = new Set(action.changes.map((c) => c.path));
  const params: { Code: string; Value: string }[] = [];
  if (changed.has('edition')) params.push({ Code: 'InstanceType', Value: String(spec['edition']) });
  if (changed.has('quotas')) {
    const q = (spec['quotas'] ?? {}) as QuotaSpec;
    if (q.namespaces !== undefined) params.push({ Code: 'NamespaceQuota', Value: String(q.namespaces) });
    if (q.repositories !== undefined) params.push({ Code: 'RepoQuota', Value: String(q.repositories) });
    if (q.vpcs !== undefined) params.push({ Code: 'vpc_num', Value: String(q.vpcs) });
  }
  if (params.length > 0 && ctx.reconciled?.state !== 'pending') {
    // A change still starting (status only) needs no call, just the wait below.
    await waitRunning(ctx, cr, instanceId, name);
    await ctx.intent('ModifyInstance', { name, instanceId, parameters: params.map((p) => p.Code) });
    const req: ModifyInstanceRequest = {
      ClientToken: ctx.clientToken('modify'),
      InstanceId: instanceId,
      ModifyType: 'Upgrade',
      ProductCode: ACR_EE_PRODUCT.productCode,
      ProductType: bssProductType(),
      SubscriptionType: 'Subscription',
      Parameter: params,
    };
    await ctx.cloud.bss(action.account).modifyInstance(req);
  }
  await waitRunning(ctx, cr, instanceId, name, changed.has('edition') ? String(spec['edition']) : undefined);
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, action: Action): Promise<Outcome> {
  const before = action.before ?? {};
  const instanceId = (before['ids'] as Record<string, string> | undefined)?.['instanceId'] ?? instanceIdOf(ctx, aliasOf(action));
  const name = String(before['name'] ?? instanceId);
  const cr = crFor(ctx, action);
  if (ctx.reconciled?.state !== 'pending') {
    await ctx.intent('RefundInstance', { name, instanceId });
    try {
      await ctx.cloud.bss(action.account).refundInstance({
        ClientToken: ctx.clientToken('refund'),
        InstanceId: instanceId,
        ImmediatelyRelease: '1',
        ProductCode: ACR_EE_PRODUCT.productCode,
        ProductType: bssProductType(),
      });
    } catch (err) {
      if (vendorCode(err) !== 'ResourceNotExists') throw err;
    }
  }
  await waitUntil(
    ctx,
    async () => {
      try {
        await cr.getInstance({ InstanceId: instanceId });
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    },
    { what: `instance ${name} to be released`, timeoutMs: TIMEOUTS.instanceDelete },
  );
  return {};
}

export const instanceKind: Kind = {
  name: 'instance',
  readAfter: [],
  reportsUnmanaged: true,

  desired(config: RegistryDocument): DesiredObject[] {
    return Object.entries(config.instances ?? {}).map(([alias, inst]) => desiredOf(alias, inst));
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
    const declared = Object.entries(ctx.config.instances ?? {});
    const scopes = new Map<string, { account: string; region: string }>();
    for (const [, inst] of declared) scopes.set(`${inst.account}\u0000${inst.region}`, { account: inst.account, region: inst.region });
    const perScope = await Promise.all(
      [...scopes.values()].map(async ({ account, region }) => {
        const cr = ctx.cloud.cr(account, region);
        const live = await listInstances(cr);
        const out: LiveObject[] = [];
        for (const i of live) {
          const name = i.InstanceName ?? '';
          const status = i.InstanceStatus ?? '';
          if (GONE.has(status) || i.InstanceId === undefined) continue;
          const match = declared.find(([, d]) => d.account === account && d.region === region && d.name === name);
          const ids = { instanceId: i.InstanceId };
          if (match === undefined) {
            out.push({
              id: addr.unmanagedInstance(account, region, name),
              kind: 'instance',
              account,
              region,
              spec: { name, edition: editionOf(i.InstanceSpecification) },
              ids,
              container: addr.account(account),
              prunable: false,
              requires: [],
            });
            continue;
          }
          const [alias, inst] = match;
          let quotas: QuotaSpec | undefined;
          const declaredQuotas = quotaSpec(inst.quotas);
          if (declaredQuotas !== undefined && status === 'RUNNING') {
            const u = await cr.getInstanceUsage({ InstanceId: i.InstanceId });
            quotas = {
              namespaces: Math.max(0, num(u.NamespaceQuota) - BASE_QUOTAS.namespaces),
              repositories: Math.max(0, num(u.RepoQuota) - BASE_QUOTAS.repositories),
              vpcs: num(u.VpcQuota),
            };
          }
          const obj: InstanceLive = {
            id: addr.instance(alias),
            kind: 'instance',
            account,
            region,
            instance: alias,
            spec: { name, edition: editionOf(i.InstanceSpecification), ...(quotas ? { quotas } : {}) },
            ids,
            container: addr.account(account),
            prunable: false,
            requires: [],
            status,
          };
          out.push(obj);
        }
        return out;
      }),
    );
    return perScope.flat();
  },

  diff(desired: DesiredObject, live: LiveObject): Diff {
    const want = desired.spec['edition'] as Edition;
    const have = live.spec['edition'] as string;
    if (have in EDITION_RANK && EDITION_RANK[have as Edition] > EDITION_RANK[want]) {
      const alias = desired.instance ?? desired.id;
      throw new AcrctlError(
        'plan.edition_downgrade',
        `instance ${alias} (${String(desired.spec['name'])}) is ${have} Edition and registry.yaml asks for ${want}: an edition cannot be downgraded`,
        {
          address: desired.id,
          hint: `set instances.${alias}.edition to ${have}; a smaller edition means a new instance (another name) and moving the images to it`,
        },
      );
    }
    const changes: FieldChange[] = compareSpec(desired.spec, live.spec, {
      equal: { quotas: quotasSatisfied },
      notes: {
        edition: 'upgrade through BSS ModifyInstance',
        quotas: 'declared quotas are minimums; extras are estimated from GetInstanceUsage (see docs/kinds.md)',
      },
    });
    const status = statusOf(live);
    if (STARTING.has(status)) {
      changes.push({ path: 'status', before: status, after: 'RUNNING', impact: 'update', note: 'still starting: apply waits for it before anything inside it' });
    } else if (status !== 'RUNNING') {
      changes.push({ path: 'status', before: status, after: 'RUNNING', impact: 'update', note: 'the instance is not running: apply fails until it is fixed in the console' });
    }
    return { changes };
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
        return unsupported('instance', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const cr = crFor(ctx, action);
    const name = String((action.after ?? action.before ?? {})['name'] ?? '');
    const all = (await listInstances(cr)).filter((i) => i.InstanceName === name);
    const found = all.find((i) => !GONE.has(i.InstanceStatus ?? ''));
    const status = found?.InstanceStatus ?? '';
    const ids = found?.InstanceId !== undefined ? { ids: { instanceId: found.InstanceId } } : {};
    switch (action.type) {
      case 'create':
        if (found === undefined) return { state: 'absent' };
        return status === 'RUNNING' ? { state: 'done', ...ids } : { state: 'pending', ...ids };
      case 'update': {
        if (found?.InstanceId === undefined || status !== 'RUNNING') return { state: 'absent' };
        if (editionOf(found.InstanceSpecification) !== String(action.after?.['edition'])) return { state: 'absent' };
        const wanted = action.after?.['quotas'];
        if (wanted !== undefined && action.changes.some((c) => c.path === 'quotas')) {
          const u = await cr.getInstanceUsage({ InstanceId: found.InstanceId });
          const live = { namespaces: num(u.NamespaceQuota) - BASE_QUOTAS.namespaces, repositories: num(u.RepoQuota) - BASE_QUOTAS.repositories, vpcs: num(u.VpcQuota) };
          if (!quotasSatisfied(wanted, live)) return { state: 'absent' };
        }
        return { state: 'done', ...ids };
      }
      case 'delete': {
        const released = (action.before?.['ids'] as Record<string, string> | undefined)?.['instanceId'];
        const same = all.find((i) => i.InstanceId === released);
        if (same === undefined) return { state: 'done' };
        return GONE.has(same.InstanceStatus ?? '') ? { state: 'pending' } : { state: 'absent' };
      }
      default:
        return unsupported('instance', action);
    }
  },
};

/** The instance's declared prune flag (children's `prunable`). */
export function prunes(inst: Instance): boolean {
  return inst.prune ?? DEFAULTS.instance.prune;
}
