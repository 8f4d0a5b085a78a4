/**
 * Kind `instance`: an Enterprise Edition instance (`instance[alias]`), matched to live instances by
 * cloud name within the account and region of its declaration.
 *
 * Reads: cr ListInstance per declared (account, region), paged (it returns InstanceSpecification, so
 * no GetInstance is needed); GetInstanceUsage only for RUNNING instances that declare `quotas` (no
 * List returns quotas), or all of them for adopt. Live instances no alias declares are unmanaged under `account[alias]` and
 * never pruned: releasing a registry is only for a destroy command.
 * Acts through BSS: CreateInstance (ClientToken), ModifyInstance (edition or quota upgrade),
 * RefundInstance (destroy), on the account's site (`accounts.<a>.site`, or detected on the first
 * call: bss.ts AcrEeBilling). A downgrade is a plan-time error, never a silent no-op.
 *
 * Also exports what the instance's child kinds need of their container: the declared instances found
 * RUNNING, instance ids at apply time, the prune flag.
 */
import type { ModifyInstanceRequest } from '../cloud/bss.js';
import type { CrClient, CrInstance } from '../cloud/cr.js';
import { DEFAULTS, type Edition, type Instance, type Quotas, type ReferenceCheck, type RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { accountAddress, segment, address } from '../plan/address.js';
import { either, num, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { Change, DesiredObject, Diff, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { FieldChange } from '../plan/model.js';
import { compareSpec } from '../plan/compare.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';
import { TIMEOUTS, waitUntil } from './wait.js';
import { calls, instanceCalls, instanceScopes } from './permits.js';
import type { CallNeed } from '../plan/kind.js';

// ---------------------------------------------------------------------------------------------
// Keys, specs, ids, addresses

const quotasShape = struct({ namespaces: optional(num), repositories: optional(num), vpcs: optional(num) });
/** `ossBucket`: the custom OSS bucket chosen at purchase; no API reads it back, so it never diffs. `imageScanner` (issue 14, declared in scan-rule.ts's language) is sent at create and never read back. */
const specShape = struct({ name: str, edition: str, quotas: optional(quotasShape), ossBucket: optional(str), imageScanner: optional(str) });
const idsShape = struct({ instanceId: str });
/** A declared instance is keyed by its alias; an undeclared one by its account, region and cloud name. */
const keyShape = either(struct({ instance: str }), struct({ account: str, region: str, name: str }));

export type InstanceSpec = Decoded<typeof specShape>;
export type InstanceIds = Decoded<typeof idsShape>;
export type InstanceKey = Decoded<typeof keyShape>;
type QuotaSpec = Decoded<typeof quotasShape>;

/** `instance[alias]`: a declared instance, the container of everything inside it. */
export function instanceAddress(alias: string): string {
  return segment('instance', alias);
}

/** `account[a].instance[region/name]`: a live instance no alias declares. */
export function unmanagedInstanceAddress(account: string, region: string, name: string): string {
  return address(accountAddress(account), segment('instance', `${region}/${name}`));
}

// ---------------------------------------------------------------------------------------------
// What the instance's child kinds need of it

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
export interface InstanceLive extends LiveObject<InstanceSpec, InstanceIds, InstanceKey> {
  readonly status: string;
  /** ListInstance's ResourceGroupId, for the resource-group kind (issue 14 item 8); not compared here. */
  readonly resourceGroupId?: string;
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
    if (alias === undefined || config === undefined || instanceId === undefined || l.id !== instanceAddress(alias)) continue;
    if (statusOf(l) !== 'RUNNING') continue;
    out.push({ alias, account: l.account, region: l.region, instanceId, status: statusOf(l), config, address: l.id });
  }
  return out.sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
}

/** The cri- id of a declared instance at apply time: learned in this run or read at plan time. */
export function instanceIdOf(ctx: Pick<ExecContext, 'ids'>, alias: string): string {
  const id = ctx.ids(instanceAddress(alias))['instanceId'];
  if (id === undefined || id === '') {
    throw new AcrctlError('apply.missing_id', `the id of instance[${alias}] is not known`, {
      address: instanceAddress(alias),
      hint: 'the instance was neither found when planning nor created in this run: run acrctl plan again',
    });
  }
  return id;
}

/** The id of a declared instance if it is known (learned in this run or read at plan time). */
export function knownInstanceId(ctx: Pick<ExecContext, 'ids'>, alias: string): string | undefined {
  return ctx.ids(instanceAddress(alias))['instanceId'];
}

/** The instance's declared prune flag (children's `prunable`). */
export function prunes(inst: Instance): boolean {
  return inst.prune ?? DEFAULTS.instance.prune;
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

function quotaSpec(q: Quotas | undefined): QuotaSpec | undefined {
  if (q === undefined) return undefined;
  const out: { namespaces?: number; repositories?: number; vpcs?: number } = {};
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

/**
 * The VPC quota an instance has without buying any. Not documented (cr-2018-12-01.json limits); the
 * emulator's base. Quotas are minimums, so omitting one never plans a change: a wrong base here only
 * loses information, it never breaks adopt's round trip.
 */
export const BASE_VPC_QUOTA = 5;

/** The quotas adopt writes: only those bought (extras above 0, a VPC quota above the base). */
function boughtQuotas(q: QuotaSpec | undefined): QuotaSpec | undefined {
  if (q === undefined) return undefined;
  const out: { namespaces?: number; repositories?: number; vpcs?: number } = {};
  if ((q.namespaces ?? 0) > 0) out.namespaces = q.namespaces!;
  if ((q.repositories ?? 0) > 0) out.repositories = q.repositories!;
  if ((q.vpcs ?? 0) > BASE_VPC_QUOTA) out.vpcs = q.vpcs!;
  return Object.keys(out).length > 0 ? out : undefined;
}

const count = (s: string | undefined): number => {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
};

// ---------------------------------------------------------------------------------------------
// The kind

const STARTING = new Set(['PENDING', 'STARTING']);
const GONE = new Set(['DELETING', 'DELETED']);

function desiredOf(alias: string, inst: Instance): DesiredObject<InstanceSpec, InstanceKey> {
  const quotas = quotaSpec(inst.quotas);
  return {
    id: instanceAddress(alias),
    kind: 'instance',
    account: inst.account,
    region: inst.region,
    instance: alias,
    key: { instance: alias },
    spec: { name: inst.name, edition: inst.edition, ...(quotas ? { quotas } : {}), ...(inst.ossBucket !== undefined ? { ossBucket: inst.ossBucket } : {}), ...(inst.imageScanner !== undefined ? { imageScanner: inst.imageScanner } : {}) },
    requires: [],
  };
}

/** Live instances of one (account, region), oldest first. */
async function listInstances(cr: CrClient): Promise<CrInstance[]> {
  return (await cr.allInstances()).items;
}

async function findByName(cr: CrClient, name: string): Promise<CrInstance | undefined> {
  return (await listInstances(cr)).find((i) => i.InstanceName === name && !GONE.has(i.InstanceStatus ?? ''));
}

async function usageQuotas(cr: CrClient, instanceId: string): Promise<QuotaSpec> {
  const u = await cr.getInstanceUsage({ InstanceId: instanceId });
  return {
    namespaces: Math.max(0, count(u.NamespaceQuota) - BASE_QUOTAS.namespaces),
    repositories: Math.max(0, count(u.RepoQuota) - BASE_QUOTAS.repositories),
    vpcs: count(u.VpcQuota),
  };
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

/** The BSS CreateInstance parameters of a purchase (exported for tests). */
export function createParameters(spec: InstanceSpec, region: string): { Code: string; Value: string }[] {
  const quotas = spec.quotas ?? {};
  return [
    { Code: 'InstanceType', Value: spec.edition },
    { Code: 'InstanceName', Value: spec.name },
    { Code: 'Region', Value: region },
    // A custom bucket as the Terraform provider sends it (custom_oss_bucket): DefaultOssBucket=false.
    ...(spec.ossBucket !== undefined
      ? [{ Code: 'DefaultOssBucket', Value: 'false' }, { Code: 'InstanceStorageName', Value: spec.ossBucket }]
      : [{ Code: 'DefaultOssBucket', Value: 'true' }]),
    ...(quotas.repositories !== undefined ? [{ Code: 'RepoQuota', Value: String(quotas.repositories) }] : []),
    ...(quotas.namespaces !== undefined ? [{ Code: 'NamespaceQuota', Value: String(quotas.namespaces) }] : []),
    ...(quotas.vpcs !== undefined ? [{ Code: 'vpc_num', Value: String(quotas.vpcs) }] : []),
    ...(spec.imageScanner !== undefined ? [{ Code: 'image_scanner', Value: spec.imageScanner }] : []),
  ];
}

/** The alias of a declared instance's key (the kind acts on declared instances only). */
function aliasOfKey(key: InstanceKey, id: string): string {
  if (!('instance' in key)) throw new AcrctlError('internal.unsupported_action', `${id} is an instance no alias declares: acrctl never acts on it`, { address: id });
  return key.instance;
}

async function create(ctx: ExecContext, s: Subject<InstanceSpec, InstanceIds, InstanceKey>): Promise<Outcome> {
  const { name, edition } = s.spec;
  const cr = ctx.cloud.cr(s.account, s.region);
  const pendingId = ctx.reconciled?.state === 'pending' ? ctx.reconciled.ids?.['instanceId'] : undefined;
  let instanceId = pendingId;
  if (instanceId === undefined) {
    // A purchase is the one create worth a read first: an instance of this name bought by an earlier
    // run of another plan (or in the console) is accepted when its edition matches.
    const found = await findByName(cr, name);
    if (found?.InstanceId !== undefined) {
      const liveEdition = editionOf(found.InstanceSpecification);
      if (liveEdition !== edition) existsDifferent(s.id, [{ path: 'edition', before: liveEdition, after: edition, impact: 'update' }]);
      instanceId = found.InstanceId;
    }
  }
  if (instanceId === undefined) {
    await ctx.intent('CreateInstance', { name, region: s.region, edition });
    try {
      // On the account's site (declared, or detected: bss.ts AcrEeBilling).
      const r = await ctx.cloud.acrEe(s.account).createInstance({
        ClientToken: ctx.clientToken(),
        SubscriptionType: 'Subscription',
        Period: 1,
        RenewalStatus: 'AutoRenewal',
        RenewPeriod: 1,
        Parameter: createParameters(s.spec, s.region),
      });
      instanceId = r.Data?.InstanceId;
    } catch (err) {
      if (vendorCode(err) !== 'InstanceNameDuplicate') throw err;
      // Already there (an earlier run with another plan, or a console purchase): accept it when its
      // edition is the one asked for.
      const found = await findByName(cr, name);
      if (found?.InstanceId === undefined) throw err;
      const liveEdition = editionOf(found.InstanceSpecification);
      if (liveEdition !== edition) existsDifferent(s.id, [{ path: 'edition', before: liveEdition, after: edition, impact: 'update' }]);
      instanceId = found.InstanceId;
    }
    if (instanceId === undefined) throw new AcrctlError('apply.no_id', `BSS CreateInstance for ${name} returned no InstanceId`, { address: s.id });
  }
  ctx.progress(`instance ${name} is ${instanceId}`, { instanceId });
  await waitRunning(ctx, cr, instanceId, name);
  return { ids: { instanceId } };
}

async function update(ctx: ExecContext, c: Change<InstanceSpec, InstanceIds, InstanceKey>): Promise<Outcome> {
  const { name } = c.spec;
  const instanceId = instanceIdOf(ctx, aliasOfKey(c.key, c.id));
  const cr = ctx.cloud.cr(c.account, c.region);
  const changed = new Set(c.changes.map((x) => x.path));
  const params: { Code: string; Value: string }[] = [];
  if (changed.has('edition')) params.push({ Code: 'InstanceType', Value: c.spec.edition });
  if (changed.has('quotas')) {
    const q = c.spec.quotas ?? {};
    if (q.namespaces !== undefined) params.push({ Code: 'NamespaceQuota', Value: String(q.namespaces) });
    if (q.repositories !== undefined) params.push({ Code: 'RepoQuota', Value: String(q.repositories) });
    if (q.vpcs !== undefined) params.push({ Code: 'vpc_num', Value: String(q.vpcs) });
  }
  if (params.length > 0 && ctx.reconciled?.state !== 'pending') {
    // A change still starting (status only) needs no call, just the wait below.
    await waitRunning(ctx, cr, instanceId, name);
    await ctx.intent('ModifyInstance', { name, instanceId, parameters: params.map((p) => p.Code) });
    const req: Omit<ModifyInstanceRequest, 'ProductCode' | 'ProductType'> = {
      ClientToken: ctx.clientToken('modify'),
      InstanceId: instanceId,
      ModifyType: 'Upgrade',
      SubscriptionType: 'Subscription',
      Parameter: params,
    };
    await ctx.cloud.acrEe(c.account).modifyInstance(req);
  }
  await waitRunning(ctx, cr, instanceId, name, changed.has('edition') ? c.spec.edition : undefined);
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, r: Removal<InstanceSpec, InstanceIds, InstanceKey>): Promise<Outcome> {
  const instanceId = r.ids.instanceId;
  const name = r.spec.name;
  const cr = ctx.cloud.cr(r.account, r.region);
  if (ctx.reconciled?.state !== 'pending') {
    await ctx.intent('RefundInstance', { name, instanceId });
    try {
      await ctx.cloud.acrEe(r.account).refundInstance({
        ClientToken: ctx.clientToken('refund'),
        InstanceId: instanceId,
        ImmediatelyRelease: '1',
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

/**
 * The instance a subject names: the one with the plan's id when it has one (update, delete: the
 * live instance; a released one is `going` until it is gone), else the one of its cloud name.
 * Quotas are read (GetInstanceUsage) only when the subject declares them and the instance runs.
 */
async function observe(ctx: ExecContext, s: Subject<InstanceSpec, InstanceIds, InstanceKey>): Promise<Observation<InstanceIds>> {
  const cr = ctx.cloud.cr(s.account, s.region);
  const all = await listInstances(cr);
  let found: CrInstance | undefined;
  if (s.ids !== undefined) {
    found = all.find((i) => i.InstanceId === s.ids!.instanceId);
    if (found !== undefined && GONE.has(found.InstanceStatus ?? '')) return { state: 'going' };
  } else {
    found = all.find((i) => i.InstanceName === s.spec.name && !GONE.has(i.InstanceStatus ?? ''));
  }
  if (found?.InstanceId === undefined) return { state: 'absent' };
  const ids = { instanceId: found.InstanceId };
  const running = found.InstanceStatus === 'RUNNING';
  let upToDate = editionOf(found.InstanceSpecification) === s.spec.edition;
  if (upToDate && running && s.spec.quotas !== undefined) upToDate = quotasSatisfied(s.spec.quotas, await usageQuotas(cr, found.InstanceId));
  return { state: 'present', upToDate, ready: running, ids };
}

/** Each instance names a declared account; two instances of one account or region never share a name. */
const REFERENCES: ReferenceCheck = ({ instances, needAccount, report, str, quote }) => {
  const byName = new Map<string, { alias: string; account: string | undefined; region: string | undefined }>();
  for (const [alias, inst] of instances) {
    needAccount(inst['account'], ['instances', alias, 'account'], `instance ${quote(String(alias))}`);
    const name = str(inst['name']);
    if (name === undefined) continue;
    const account = str(inst['account']);
    const region = str(inst['region']);
    const prev = byName.get(name);
    if (prev && (prev.account === account || prev.region === region)) {
      report('ref/duplicate-instance', `instances ${quote(String(prev.alias))} and ${quote(String(alias))} both have the name ${quote(String(name))}${prev.region === region ? ` in ${region ?? 'the same region'}` : ' in the same account'}`,
        ['instances', alias, 'name'], 'an instance name is its natural key (and part of its hostname): give each instance its own name');
    } else if (!prev) {
      byName.set(name, { alias, account, region });
    }
  }
};

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#': {
      instances: {
        description: 'Enterprise Edition instances by local alias. The alias is used for references inside this file; the cloud instance name is `name`.',
        type: 'object',
        propertyNames: { $ref: '#/$defs/alias' },
        additionalProperties: { $ref: '#/$defs/instance' },
      },
    },
  },
  defs: {
    instance: {
      description: 'An Enterprise Edition instance.',
      type: 'object',
      required: ['account', 'region', 'edition', 'name'],
      additionalProperties: false,
      properties: {
        account: {
          description: 'Alias of the account (under `accounts`) that owns the instance.',
          type: 'string',
        },
        region: { description: 'Region of the instance.', $ref: '#/$defs/region' },
        edition: {
          description: 'Edition. Cross-account replication needs Advanced on the source side.',
          type: 'string',
          enum: ['Basic', 'Standard', 'Advanced'],
        },
        name: {
          description: 'Cloud instance name, the natural key: 3-30 lowercase letters, digits and hyphens, not starting or ending with a hyphen. Hosts are `<name>-registry.<region>.cr.aliyuncs.com` and `<name>-registry-vpc.<region>.cr.aliyuncs.com`.',
          type: 'string',
          pattern: '^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$',
          patternErrorMessage: 'an instance name is 3-30 lowercase letters, digits and hyphens, not starting or ending with a hyphen',
        },
        ossBucket: {
          description: 'Custom OSS bucket the instance stores its images in, chosen at purchase (BSS `DefaultOssBucket=false`, `InstanceStorageName`). Routes and outputs then use `<bucket>.oss-<region>-internal.aliyuncs.com` instead of `<instance id>-registry.oss-<region>-internal.aliyuncs.com`. No API reads it back: changing it plans nothing.',
          type: 'string',
          pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$',
          patternErrorMessage: 'an OSS bucket name is 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit',
        },
        prune: {
          description: 'Delete unmanaged direct children found live: namespaces, VPC endpoint links, import rules and replication rules. When false, they are only reported by plan and drift.',
          type: 'boolean',
          default: false,
        },
        quotas: {
          description: 'Extra quotas bought with the instance.',
          type: 'object',
          additionalProperties: false,
          properties: {
            namespaces: {
              description: 'Extra namespaces: a multiple of 5, 0 to 100000.',
              type: 'integer',
              minimum: 0,
              maximum: 100000,
              multipleOf: 5,
            },
            repositories: {
              description: 'Extra repositories: a multiple of 1000, 0 to 1000000.',
              type: 'integer',
              minimum: 0,
              maximum: 1000000,
              multipleOf: 1000,
            },
            vpcs: {
              description: 'VPC quota, 0 to 100.',
              type: 'integer',
              minimum: 0,
              maximum: 100,
            },
          },
        },
      },
    },
  },
  sections: [['instance', '#/$defs/instance'], ['quotas', '#/$defs/instance/properties/quotas']],
};
/**
 * The calls of the kind (issue 17): reads list the instances of each declared account and region
 * (and read the quotas when declared, or for adopt); a purchase is BSS CreateInstance, an edition or
 * quota change BSS ModifyInstance, and only destroy refunds (RefundInstance).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) => {
    const inst = config.instances?.[s.alias];
    const quotas = quotaSpec(inst?.quotas) !== undefined;
    return [
      ...instanceCalls(s, ['read', 'observe', 'create'], ['cr:ListInstance']),
      ...instanceCalls(s, quotas ? ['read', 'observe'] : ['read'], ['cr:GetInstanceUsage'], {}, quotas ? undefined : ['adopt']),
      ...instanceCalls(s, ['create', 'update', 'delete'], ['cr:GetInstance']),
      ...calls(['create'], s.account, {}, ['bss:CreateInstance']),
      ...calls(['update'], s.account, {}, ['bss:ModifyInstance']),
      ...calls(['delete'], s.account, {}, ['bss:RefundInstance'], { only: ['destroy'] }),
    ];
  });
}


export const instanceKind: Kind<InstanceSpec, InstanceIds, InstanceKey> = {
  name: 'instance',
  readAfter: [],
  reportsUnmanaged: true,
  address: (key) => ('instance' in key ? instanceAddress(key.instance) : unmanagedInstanceAddress(key.account, key.region, key.name)),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).map(([alias, inst]) => desiredOf(alias, inst));
  },

  async read(ctx: ReadContext) {
    const declared = Object.entries(ctx.config.instances ?? {});
    const scopes = new Map<string, { account: string; region: string }>();
    for (const [, inst] of declared) scopes.set(`${inst.account}\u0000${inst.region}`, { account: inst.account, region: inst.region });
    const perScope = await Promise.all(
      [...scopes.values()].map(async ({ account, region }) => {
        const cr = ctx.cloud.cr(account, region);
        const live = await listInstances(cr);
        const out: LiveObject<InstanceSpec, InstanceIds, InstanceKey>[] = [];
        for (const i of live) {
          const name = i.InstanceName ?? '';
          const status = i.InstanceStatus ?? '';
          if (GONE.has(status) || i.InstanceId === undefined) continue;
          const match = declared.find(([, d]) => d.account === account && d.region === region && d.name === name);
          const ids = { instanceId: i.InstanceId };
          if (match === undefined) {
            out.push({
              id: unmanagedInstanceAddress(account, region, name),
              kind: 'instance',
              account,
              region,
              key: { account, region, name },
              spec: { name, edition: editionOf(i.InstanceSpecification) },
              ids,
              container: accountAddress(account),
              prunable: false,
              requires: [],
            });
            continue;
          }
          const [alias, inst] = match;
          // Adopt (discover) reads the quotas of every instance: it writes the ones bought.
          const quotas = (ctx.discover === true || quotaSpec(inst.quotas) !== undefined) && status === 'RUNNING' ? await usageQuotas(cr, i.InstanceId) : undefined;
          const obj: InstanceLive = {
            id: instanceAddress(alias),
            kind: 'instance',
            account,
            region,
            instance: alias,
            key: { instance: alias },
            spec: { name, edition: editionOf(i.InstanceSpecification), ...(quotas ? { quotas } : {}) },
            ids,
            container: accountAddress(account),
            prunable: false,
            requires: [],
            status,
            ...(i.ResourceGroupId !== undefined && i.ResourceGroupId !== '' ? { resourceGroupId: i.ResourceGroupId } : {}),
          };
          out.push(obj);
        }
        return out;
      }),
    );
    return perScope.flat();
  },

  diff(desired, live): Diff {
    const want = desired.spec.edition as Edition;
    const have = live.spec.edition;
    if (have in EDITION_RANK && EDITION_RANK[have as Edition] > EDITION_RANK[want]) {
      const alias = desired.instance ?? desired.id;
      throw new AcrctlError(
        'plan.edition_downgrade',
        `instance ${alias} (${desired.spec.name}) is ${have} Edition and registry.yaml asks for ${want}: an edition cannot be downgraded`,
        {
          address: desired.id,
          hint: `set instances.${alias}.edition to ${have}; a smaller edition means a new instance (another name) and moving the images to it`,
        },
      );
    }
    const changes: FieldChange[] = compareSpec(desired.spec, live.spec, {
      // No API tells an instance's bucket: a purchase-time choice, never diffed. imageScanner:
      // write-once at create, readable by no API (scan-rule.ts says so in the plan).
      equal: { quotas: quotasSatisfied, ossBucket: () => true, imageScanner: () => true },
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

  /** The quotas bought (adopt writes the instance itself from what discovery found). */
  toConfig(l) {
    const quotas = boughtQuotas(l.spec.quotas);
    return 'instance' in l.key && quotas !== undefined ? { pieces: [{ set: ['instances', l.key.instance], fields: { quotas } }] } : {};
  },

  observe,
  create,
  update,
  delete: remove,
};
