/**
 * BssOpenApi actions for product `acr`: CreateInstance, RefundInstance, ModifyInstance (edition and
 * quota upgrade) and QueryAvailableInstances. Writes are idempotent by ClientToken.
 */
import type { CallContext, FlatParams, RpcAction, RpcRequest } from '../../core/contract.js';
import { recallToken, rememberToken } from '../../core/idempotency.js';
import { optionalEnum, optionalInt, optionalString, paginate, repeatObjects, requireString } from '../../core/params.js';
import {
  BASE_QUOTAS,
  createInstance,
  crState,
  EDITIONS,
  INSTANCE_NAME_RE,
  instanceStatus,
  liveInstances,
  refundInstance,
  settle,
  type Edition,
  type InstanceRecord,
} from '../cr/models.js';
import { CR_REGIONS } from '../cr/regions.js';
import { bssInvalid, idempotentMismatch, resourceNotExists } from './errors.js';
import { addMonths, bssTime, fingerprint, type BssState, type SubscriptionRecord } from './models.js';
import { ApiError } from '../../core/contract.js';
import { ACR_EE_PRODUCT_TYPE, bssEndpointSite, INTERNATIONAL_BSS_REGION, siteOf } from '../../core/sites.js';

const PRODUCT_TYPES = ['acr_ee_public_cn', 'acr_ee_public_intl'] as const;
const SUBSCRIPTION_TYPES = ['Subscription', 'PayAsYouGo'] as const;

function bss(ctx: CallContext): BssState {
  return ctx.serviceState<BssState>('bss');
}

function success(data: Record<string, unknown>): Record<string, unknown> {
  return { Success: true, Code: 'Success', Message: 'Successful!', Data: data };
}

/** `Parameter.N.Code/Value` as a map; a repeated code is InvalidParameter. */
function parameters(p: FlatParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of repeatObjects(p, 'Parameter')) {
    const code = item['Code'];
    const value = item['Value'];
    if (code === undefined || code === '') throw bssInvalid('Parameter.N.Code', 'is required.');
    if (value === undefined) throw bssInvalid(`Parameter ${code}`, 'has no Value.');
    if (out.has(code)) throw bssInvalid(`Parameter ${code}`, 'is given twice.');
    out.set(code, value);
  }
  return out;
}

function productCode(p: FlatParams): void {
  const code = requireString(p, 'ProductCode');
  if (code !== 'acr') throw new ApiError('NotApplicable', `This API is not applicable for caller: the emulator sells only ProductCode acr, not ${code}.`, 400);
  optionalEnum(p, 'ProductType', PRODUCT_TYPES);
}

function notApplicable(why: string): ApiError {
  return new ApiError('NotApplicable', `This API is not applicable for caller. ${why}`, 400);
}

/**
 * The site rules (SPEC.md "Sites"): a call must reach its account's site's BSS endpoint, and a
 * ProductType, when given, must be the site's; both otherwise answer `NotApplicable`. Returns the
 * ProductType the call is for.
 */
function siteProductType(ctx: CallContext, p: FlatParams): string {
  const site = siteOf(ctx.state, ctx.accountUid);
  const endpoint = bssEndpointSite(ctx.region);
  if (endpoint !== site) {
    throw notApplicable(
      site === 'international'
        ? `Account ${ctx.accountUid} is an international-site account: call business.${INTERNATIONAL_BSS_REGION}.aliyuncs.com (the emulator's ${INTERNATIONAL_BSS_REGION} port).`
        : `Account ${ctx.accountUid} is a China-site account: call business.aliyuncs.com (the emulator's main port).`,
    );
  }
  const want = ACR_EE_PRODUCT_TYPE[site];
  const given = optionalString(p, 'ProductType');
  if (given !== undefined && given !== want) throw notApplicable(`ProductType ${given} is not sold to ${site === 'international' ? 'international' : 'China'}-site accounts; use ${want}.`);
  return want;
}

/** An integer Parameter within [0, max] and a multiple of `step`; undefined when absent. */
function quotaParam(params: Map<string, string>, code: string, step: number, max: number): number | undefined {
  const raw = params.get(code);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw bssInvalid(`Parameter ${code}`, `${raw} is not an integer.`);
  const n = Number(raw);
  if (n > max || n % step !== 0) throw bssInvalid(`Parameter ${code}`, `must be a multiple of ${step} between 0 and ${max}.`);
  return n;
}

function edition(params: Map<string, string>, required: boolean): Edition | undefined {
  const raw = params.get('InstanceType');
  if (raw === undefined) {
    if (required) throw bssInvalid('Parameter InstanceType', 'is required.');
    return undefined;
  }
  if (!(EDITIONS as readonly string[]).includes(raw)) throw bssInvalid('Parameter InstanceType', `${raw} is not one of ${EDITIONS.join(', ')}.`);
  return raw as Edition;
}

/** A caller's instance that BSS still sells (exists and is not being released). */
function ownInstance(ctx: CallContext, id: string): InstanceRecord {
  const inst = crState(ctx).instances[id];
  if (inst === undefined || inst.accountUid !== ctx.accountUid || inst.refundedAt !== undefined || instanceStatus(inst, ctx.now()) === undefined) {
    throw resourceNotExists(id);
  }
  return inst;
}

/**
 * A mutating BSS action with ClientToken idempotency within the token window: the same token with
 * the same parameters replays the first successful response; with different parameters it is
 * IdempotentParameterMismatch. After the window the token is forgotten: a new request.
 */
function idempotent(handle: (ctx: CallContext, p: FlatParams) => Record<string, unknown>): RpcAction {
  return {
    mutating: true,
    handle(ctx: CallContext, req: RpcRequest) {
      settle(ctx);
      const token = optionalString(req.params, 'ClientToken');
      if (token === undefined) return handle(ctx, req.params);
      if (token.length > 64) throw bssInvalid('ClientToken', 'must be at most 64 characters.');
      const st = bss(ctx);
      const key = `${ctx.accountUid}/${req.action}/${token}`;
      const fp = fingerprint(req.params);
      const windowMs = ctx.settings.async.clientTokenWindow;
      const seen = recallToken(st.tokens, key, ctx.now(), windowMs);
      if (seen !== undefined) {
        if (seen.fingerprint !== fp) throw idempotentMismatch();
        return seen.response;
      }
      const response = handle(ctx, req.params);
      rememberToken(st.tokens, key, { fingerprint: fp, response }, ctx.now(), windowMs);
      return response;
    },
  };
}

function orderId(ctx: CallContext): string {
  return String(210_000_000_000_000 + ctx.ids.seq('bss.order'));
}

export const bssActions: Readonly<Record<string, RpcAction>> = {
  CreateInstance: idempotent((ctx, p) => {
    productCode(p);
    const productType = siteProductType(ctx, p);
    requireString(p, 'SubscriptionType');
    const subscriptionType = optionalEnum(p, 'SubscriptionType', SUBSCRIPTION_TYPES) ?? 'Subscription';
    const period = optionalInt(p, 'Period');
    if (subscriptionType === 'Subscription' && (period === undefined || period < 1)) throw bssInvalid('Period', 'a Subscription needs a Period of at least 1 month.');
    const renewalStatus = optionalEnum(p, 'RenewalStatus', ['AutoRenewal', 'ManualRenewal'] as const) ?? 'ManualRenewal';
    const renewPeriod = optionalInt(p, 'RenewPeriod');
    const params = parameters(p);
    const ed = edition(params, true) as Edition;
    const name = params.get('InstanceName');
    if (name === undefined) throw bssInvalid('Parameter InstanceName', 'is required.');
    if (!INSTANCE_NAME_RE.test(name)) throw bssInvalid('Parameter InstanceName', 'must be 3-30 lowercase letters, digits and hyphens, not starting or ending with a hyphen.');
    const region = params.get('Region');
    if (region === undefined) throw bssInvalid('Parameter Region', 'is required.');
    if (!CR_REGIONS.includes(region)) throw bssInvalid('Parameter Region', `${region} is not a region of Container Registry.`);
    const ossDefault = params.get('DefaultOssBucket') ?? 'true';
    if (ossDefault !== 'true' && ossDefault !== 'false') throw bssInvalid('Parameter DefaultOssBucket', 'must be true or false.');
    if (ossDefault === 'false' && (params.get('InstanceStorageName') ?? '') === '') throw bssInvalid('Parameter InstanceStorageName', 'is required when DefaultOssBucket is false.');
    const scanner = params.get('image_scanner');
    if (scanner !== undefined && !['ACR', 'SAS', 'DISABLE'].includes(scanner)) throw bssInvalid('Parameter image_scanner', 'must be ACR, SAS or DISABLE.');
    const repoQuota = quotaParam(params, 'RepoQuota', 1000, 1_000_000) ?? 0;
    const nsQuota = quotaParam(params, 'NamespaceQuota', 5, 100_000) ?? 0;
    const vpcNum = quotaParam(params, 'vpc_num', 1, 100);
    const now = ctx.now();
    if (liveInstances(crState(ctx), ctx.accountUid, region, now).some((i) => i.name === name)) {
      throw new ApiError('InstanceNameDuplicate', `An instance named ${name} already exists in ${region}.`, 400);
    }
    const spec: Parameters<typeof createInstance>[1] = { accountUid: ctx.accountUid, region, name, edition: ed, extraNamespaceQuota: nsQuota, extraRepoQuota: repoQuota };
    if (vpcNum !== undefined) spec.vpcQuota = vpcNum;
    const inst = createInstance(ctx, spec);
    if (scanner !== undefined) inst.imageScanner = scanner as 'ACR' | 'SAS' | 'DISABLE';
    const order = orderId(ctx);
    const sub: SubscriptionRecord = {
      instanceId: inst.instanceId,
      accountUid: ctx.accountUid,
      region,
      productType,
      subscriptionType,
      renewalStatus,
      createdAt: now,
      orderIds: [order],
    };
    if (subscriptionType === 'Subscription' && period !== undefined) sub.period = period;
    if (renewPeriod !== undefined) sub.renewPeriod = renewPeriod;
    bss(ctx).subscriptions[inst.instanceId] = sub;
    return success({ InstanceId: inst.instanceId, OrderId: order });
  }),

  RefundInstance: idempotent((ctx, p) => {
    const id = requireString(p, 'InstanceId');
    productCode(p);
    siteProductType(ctx, p);
    const inst = ownInstance(ctx, id);
    refundInstance(ctx, inst);
    const order = orderId(ctx);
    bss(ctx).subscriptions[id]?.orderIds.push(order);
    return success({ HostId: inst.instanceId, OrderId: Number(order) });
  }),

  ModifyInstance: idempotent((ctx, p) => {
    productCode(p);
    siteProductType(ctx, p);
    requireString(p, 'SubscriptionType');
    optionalEnum(p, 'SubscriptionType', SUBSCRIPTION_TYPES);
    requireString(p, 'ModifyType');
    const modifyType = optionalEnum(p, 'ModifyType', ['Upgrade', 'Downgrade'] as const);
    const inst = ownInstance(ctx, requireString(p, 'InstanceId'));
    if (modifyType === 'Downgrade') throw bssInvalid('ModifyType', 'Container Registry instances cannot be downgraded.');
    if (instanceStatus(inst, ctx.now()) !== 'RUNNING') throw new ApiError('InvalidStatus', `The instance ${inst.instanceId} is not RUNNING.`, 400);
    const params = parameters(p);
    const ed = edition(params, false);
    const repoQuota = quotaParam(params, 'RepoQuota', 1000, 1_000_000);
    const nsQuota = quotaParam(params, 'NamespaceQuota', 5, 100_000);
    const vpcNum = quotaParam(params, 'vpc_num', 1, 100);
    if (ed === undefined && repoQuota === undefined && nsQuota === undefined && vpcNum === undefined) {
      throw bssInvalid('Parameter', 'an upgrade needs InstanceType, RepoQuota, NamespaceQuota or vpc_num.');
    }
    if (ed !== undefined && EDITIONS.indexOf(ed) <= EDITIONS.indexOf(inst.edition)) {
      throw bssInvalid('Parameter InstanceType', `${inst.edition} cannot be upgraded to ${ed}; only a higher edition is an upgrade.`);
    }
    // Purchased extras are totals over the base quotas; an upgrade may only raise them.
    const base = { namespace: inst.quotas.namespace, repo: inst.quotas.repo, vpc: inst.quotas.vpc };
    const nextNs = nsQuota === undefined ? base.namespace : BASE_QUOTAS.namespace + nsQuota;
    const nextRepo = repoQuota === undefined ? base.repo : BASE_QUOTAS.repo + repoQuota;
    const nextVpc = vpcNum ?? base.vpc;
    if (nextNs < base.namespace || nextRepo < base.repo || nextVpc < base.vpc) throw bssInvalid('Parameter', 'an upgrade cannot lower a quota.');
    if (ed !== undefined) inst.edition = ed;
    inst.quotas.namespace = nextNs;
    inst.quotas.repo = nextRepo;
    inst.quotas.vpc = nextVpc;
    inst.modifiedAt = ctx.now();
    const order = orderId(ctx);
    bss(ctx).subscriptions[inst.instanceId]?.orderIds.push(order);
    return success({ OrderId: order, HostId: inst.instanceId });
  }),

  QueryAvailableInstances: {
    mutating: false,
    handle(ctx: CallContext, req: RpcRequest) {
      settle(ctx);
      const p = req.params;
      siteProductType(ctx, p);
      const code = optionalString(p, 'ProductCode');
      const type = optionalString(p, 'ProductType');
      const region = optionalString(p, 'Region');
      const subType = optionalString(p, 'SubscriptionType');
      const renew = optionalString(p, 'RenewStatus');
      const idsRaw = optionalString(p, 'InstanceIDs');
      const ids = idsRaw === undefined ? undefined : new Set(idsRaw.split(',').map((s) => s.trim()).filter((s) => s !== ''));
      if (ids !== undefined && ids.size > 100) throw bssInvalid('InstanceIDs', 'at most 100 ids.');
      const now = ctx.now();
      const st = bss(ctx);
      const rows = Object.values(st.subscriptions)
        .filter((s) => s.accountUid === ctx.accountUid)
        .filter((s) => {
          const inst = crState(ctx).instances[s.instanceId];
          return inst !== undefined && inst.refundedAt === undefined && instanceStatus(inst, now) !== undefined;
        })
        .filter(
          (s) =>
            (code === undefined || code === 'acr') &&
            (type === undefined || s.productType === type) &&
            (region === undefined || s.region === region) &&
            (subType === undefined || s.subscriptionType === subType) &&
            (renew === undefined || s.renewalStatus === renew) &&
            (ids === undefined || ids.has(s.instanceId)),
        )
        .sort((a, b) => a.createdAt - b.createdAt || (a.instanceId < b.instanceId ? -1 : 1));
      const page = paginate(rows, p, { defaultSize: 20, max: 300, pageNoName: 'PageNum' });
      return success({
        PageNum: page.pageNo,
        PageSize: page.pageSize,
        TotalCount: page.totalCount,
        InstanceList: page.items.map((s) => {
          const inst = crState(ctx).instances[s.instanceId];
          const creating = inst !== undefined && instanceStatus(inst, now) !== 'RUNNING';
          return {
            InstanceID: s.instanceId,
            OwnerId: Number(s.accountUid),
            ProductCode: 'acr',
            ProductType: s.productType,
            Region: s.region,
            SubscriptionType: s.subscriptionType,
            Status: creating ? 'Creating' : 'Normal',
            SubStatus: 'Normal',
            RenewStatus: s.renewalStatus,
            RenewalDuration: s.renewPeriod ?? 0,
            RenewalDurationUnit: 'M',
            CreateTime: bssTime(s.createdAt),
            EndTime: s.subscriptionType === 'Subscription' ? bssTime(addMonths(s.createdAt, s.period ?? 1)) : '2099-12-31T15:59:59Z',
          };
        }),
      });
    },
  },
};
