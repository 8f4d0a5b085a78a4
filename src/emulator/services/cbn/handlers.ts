/**
 * CBN 2017-09-12 actions: CEN instances, transit routers, VPC and inter-region (peer) attachments,
 * route tables and static route entries. Mutations are asynchronous (see models.ts); busy objects
 * refuse changes; DryRun=true answers DryRunOperation after every check; ClientToken makes creates
 * idempotent (same token → the first result).
 */
import type { CallContext, FlatParams, RpcAction, RpcRequest } from '../../core/contract.js';
import { jsonParam, optionalBool, optionalEnum, optionalInt, optionalString, paginate, paginateToken, repeatList, repeatObjects, requireString } from '../../core/params.js';
import { recallToken, rememberToken } from '../../core/idempotency.js';
import { findVSwitch, findVpc, routesUsingNextHop } from '../vpc/query.js';
import { parseCidr } from '../vpc/cidr.js';
import { cbnErrors } from './errors.js';
import {
  cbnAccount,
  endLife,
  isoMinutes,
  newLife,
  phaseAt,
  statusOf,
  sweep,
  type CbnAccount,
  type CenRecord,
  type Life,
  type PeerAttachmentRecord,
  type RouteEntryRecord,
  type RouteTableRecord,
  type Tag,
  type TransitRouterRecord,
  type VpcAttachmentRecord,
} from './models.js';

type Handler = (ctx: CallContext, req: RpcRequest, a: CbnAccount) => Record<string, unknown>;

function action(mutating: boolean, handle: Handler): RpcAction {
  return {
    mutating,
    handle(ctx, req) {
      const a = cbnAccount(ctx, ctx.accountUid);
      sweep(a, ctx.now());
      return handle(ctx, req, a);
    },
  };
}

// ---- helpers ------------------------------------------------------------------------------------

function dryRun(params: FlatParams): void {
  if (optionalBool(params, 'DryRun') === true) throw cbnErrors.dryRun();
}

function tags(params: FlatParams): Tag[] {
  return repeatObjects(params, 'Tag').map((t) => ({ Key: t['Key'] ?? '', Value: t['Value'] ?? '' }));
}

function tagsMatch(have: readonly Tag[], params: FlatParams): boolean {
  return tags(params).every((w) => have.some((h) => h.Key === w.Key && (w.Value === '' || h.Value === w.Value)));
}

/**
 * Idempotency by ClientToken within the token window: returns the earlier id, or undefined and a
 * function to record the new one.
 */
function token(ctx: CallContext, a: CbnAccount, actionName: string, params: FlatParams): { earlier: string | undefined; remember(id: string): void } {
  const t = optionalString(params, 'ClientToken');
  const key = t === undefined ? undefined : `${actionName}:${t}`;
  const windowMs = ctx.settings.async.clientTokenWindow;
  return {
    earlier: key === undefined ? undefined : recallToken(a.tokens, key, ctx.now(), windowMs),
    remember(id: string) {
      if (key !== undefined) rememberToken(a.tokens, key, id, ctx.now(), windowMs);
    },
  };
}

function nameParam(params: FlatParams, name: string, max: number): string {
  const v = optionalString(params, name) ?? '';
  if (v.length > max || /^https?:\/\//.test(v)) throw cbnErrors.invalid(name, `${name} must be 1-${max} characters and must not start with http:// or https://.`);
  return v;
}

function live<T extends { life: Life }>(o: T | undefined, now: number): T | undefined {
  return o === undefined || phaseAt(o.life, now) === 'gone' ? undefined : o;
}

function cen(ctx: CallContext, a: CbnAccount, id: string): CenRecord {
  const c = live(a.cens[id], ctx.now());
  if (c === undefined) throw cbnErrors.cenNotFound(id);
  return c;
}

function tr(ctx: CallContext, a: CbnAccount, id: string): TransitRouterRecord {
  const t = live(a.transitRouters[id], ctx.now());
  if (t === undefined) throw cbnErrors.trNotFound(id);
  return t;
}

/** The router of an attachment-level call must be an Active Enterprise router in an Active CEN. */
function usableEnterpriseTr(ctx: CallContext, a: CbnAccount, t: TransitRouterRecord): void {
  const now = ctx.now();
  if (t.type === 'Basic') throw cbnErrors.basicNotSupported(t.transitRouterId);
  const c = a.cens[t.cenId];
  if (c !== undefined && phaseAt(c.life, now) !== 'stable') throw cbnErrors.parentBusy(c.cenId, statusOf('cen', c.life, now));
  if (phaseAt(t.life, now) !== 'stable') throw cbnErrors.status(t.transitRouterId, statusOf('tr', t.life, now));
}

function resolveTr(ctx: CallContext, a: CbnAccount, params: FlatParams): TransitRouterRecord {
  const id = optionalString(params, 'TransitRouterId');
  if (id !== undefined) return tr(ctx, a, id);
  const cenId = optionalString(params, 'CenId');
  const region = optionalString(params, 'RegionId');
  if (cenId === undefined || region === undefined) throw cbnErrors.invalid('TransitRouterId', 'Specify TransitRouterId, or CenId and RegionId.');
  cen(ctx, a, cenId);
  const t = Object.values(a.transitRouters).find((x) => x.cenId === cenId && x.regionId === region && live(x, ctx.now()) !== undefined);
  if (t === undefined) throw cbnErrors.trNotFound(`${cenId}/${region}`);
  return t;
}

function attachmentsOf(a: CbnAccount, trId: string, now: number): (VpcAttachmentRecord | PeerAttachmentRecord)[] {
  return [
    ...Object.values(a.vpcAttachments).filter((x) => x.transitRouterId === trId),
    ...Object.values(a.peerAttachments).filter((x) => x.transitRouterId === trId || x.peerTransitRouterId === trId),
  ].filter((x) => live(x, now) !== undefined);
}

function renderTags(t: readonly Tag[]): Tag[] {
  return t.map((x) => ({ Key: x.Key, Value: x.Value }));
}

function byStart<T extends { life: Life }>(key: (t: T) => string): (x: T, y: T) => number {
  return (x, y) => x.life.startedAt - y.life.startedAt || (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0);
}

const PAGE_NUMBER = { defaultSize: 10, max: 50, pageNoName: 'PageNumber', pageSizeName: 'PageSize' } as const;
const TOKEN = { defaultSize: 20, max: 100 } as const;

/**
 * The end of deleting an attachment: refused while transit-router routes use it as next hop unless
 * `Force` is set, then those routes and the attachment start deleting together.
 */
function detach(ctx: CallContext, a: CbnAccount, params: FlatParams, x: { life: Parameters<typeof endLife>[0] }, id: string, now: number): void {
  const force = optionalBool(params, 'Force') ?? false;
  const trRoutes = Object.values(a.routeEntries).filter((e) => e.nextHopId === id && e.life.endingAt === undefined);
  if (trRoutes.length > 0 && !force) throw cbnErrors.trRoutes(id);
  dryRun(params);
  const d = ctx.settings.async.cbnTransition;
  for (const e of trRoutes) endLife(e.life, now, d);
  endLife(x.life, now, d);
}

function tokenFields(p: { nextToken: string | undefined; maxResults: number; totalCount: number }): Record<string, unknown> {
  return { ...(p.nextToken === undefined ? {} : { NextToken: p.nextToken }), MaxResults: p.maxResults, TotalCount: p.totalCount };
}

// ---- actions ------------------------------------------------------------------------------------

export const cbnActions: Readonly<Record<string, RpcAction>> = {
  CreateCen: action(true, (ctx, { params }, a) => {
    const tk = token(ctx, a, 'CreateCen', params);
    if (tk.earlier !== undefined) return { CenId: tk.earlier };
    const level = optionalEnum(params, 'ProtectionLevel', ['REDUCED'] as const) ?? 'REDUCED';
    const c: CenRecord = {
      cenId: ctx.ids.next('cen-'),
      name: nameParam(params, 'Name', 128),
      description: nameParam(params, 'Description', 256),
      protectionLevel: level,
      tags: tags(params),
      life: newLife(ctx.now(), ctx.settings.async.cbnTransition),
    };
    a.cens[c.cenId] = c;
    tk.remember(c.cenId);
    return { CenId: c.cenId };
  }),

  DescribeCens: action(false, (ctx, { params }, a) => {
    const now = ctx.now();
    const filters = repeatObjects(params, 'Filter').map((f, i) => ({ key: f['Key'] ?? '', values: repeatList(params, `Filter.${i + 1}.Value`) }));
    const list = Object.values(a.cens)
      .filter((c) => filters.every((f) => f.key !== 'CenId' || f.values.includes(c.cenId)) && filters.every((f) => f.key !== 'Name' || f.values.includes(c.name)))
      .filter((c) => tagsMatch(c.tags, params))
      .sort(byStart((c) => c.cenId));
    const page = paginate(list, params, PAGE_NUMBER);
    return {
      PageNumber: page.pageNo,
      PageSize: page.pageSize,
      TotalCount: page.totalCount,
      Cens: {
        Cen: page.items.map((c) => ({
          CenId: c.cenId,
          Name: c.name,
          Description: c.description,
          ProtectionLevel: c.protectionLevel,
          Status: statusOf('cen', c.life, now),
          CreationTime: isoMinutes(c.life.startedAt),
          Ipv6Level: 'DISABLED',
          ResourceGroupId: '',
          CenBandwidthPackageIds: { CenBandwidthPackageId: [] },
          Tags: { Tag: renderTags(c.tags) },
        })),
      },
    };
  }),

  DeleteCen: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const c = cen(ctx, a, requireString(params, 'CenId'));
    if (phaseAt(c.life, now) !== 'stable') throw cbnErrors.cenStatus(c.cenId, statusOf('cen', c.life, now));
    const routers = Object.values(a.transitRouters).filter((t) => t.cenId === c.cenId && live(t, now) !== undefined);
    for (const t of routers) {
      if (attachmentsOf(a, t.transitRouterId, now).length > 0) throw cbnErrors.childrenExist(c.cenId);
      if (Object.values(a.routeTables).some((rt) => rt.transitRouterId === t.transitRouterId && rt.type === 'Custom' && live(rt, now) !== undefined)) throw cbnErrors.childrenExist(c.cenId);
      if (phaseAt(t.life, now) === 'starting') throw cbnErrors.parentBusy(t.transitRouterId, statusOf('tr', t.life, now));
    }
    const d = ctx.settings.async.cbnTransition;
    endLife(c.life, now, d);
    for (const t of routers) {
      if (t.life.endingAt === undefined) endLife(t.life, now, d);
      for (const rt of Object.values(a.routeTables)) if (rt.transitRouterId === t.transitRouterId && rt.life.endingAt === undefined) endLife(rt.life, now, d);
      for (const e of Object.values(a.routeEntries)) if (a.routeTables[e.routeTableId]?.transitRouterId === t.transitRouterId && e.life.endingAt === undefined) endLife(e.life, now, d);
    }
    return {};
  }),

  CreateTransitRouter: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const tk = token(ctx, a, 'CreateTransitRouter', params);
    if (tk.earlier !== undefined) return { TransitRouterId: tk.earlier };
    const c = cen(ctx, a, requireString(params, 'CenId'));
    const region = requireString(params, 'RegionId');
    if (phaseAt(c.life, now) !== 'stable') throw cbnErrors.parentBusy(c.cenId, statusOf('cen', c.life, now));
    if (Object.values(a.transitRouters).some((t) => t.cenId === c.cenId && t.regionId === region && live(t, now) !== undefined)) throw cbnErrors.trExists(c.cenId, region);
    const cidrs = jsonParam(params, 'TransitRouterCidrList');
    if (cidrs !== undefined && (!Array.isArray(cidrs) || cidrs.length > 0)) throw cbnErrors.invalid('TransitRouterCidrList', 'Transit router CIDR blocks are not supported by the emulator.');
    const name = nameParam(params, 'TransitRouterName', 128);
    const description = nameParam(params, 'TransitRouterDescription', 256);
    const multicast = optionalBool(params, 'SupportMulticast') ?? false;
    dryRun(params);
    const t = createRouter(ctx, a, { cenId: c.cenId, regionId: region, type: 'Enterprise', name, description, supportMulticast: multicast, tags: tags(params) });
    tk.remember(t.transitRouterId);
    return { TransitRouterId: t.transitRouterId };
  }),

  ListTransitRouters: action(false, (ctx, { params }, a) => {
    const now = ctx.now();
    const cenId = optionalString(params, 'CenId');
    const region = optionalString(params, 'RegionId');
    const id = optionalString(params, 'TransitRouterId');
    const name = optionalString(params, 'TransitRouterName');
    const status = optionalEnum(params, 'Status', ['Creating', 'Active', 'Modifying', 'Deleting', 'Upgrading'] as const);
    const type = optionalEnum(params, 'Type', ['Enterprise', 'Basic'] as const);
    const list = Object.values(a.transitRouters)
      .filter(
        (t) =>
          (cenId === undefined || t.cenId === cenId) &&
          (region === undefined || t.regionId === region) &&
          (id === undefined || t.transitRouterId === id) &&
          (name === undefined || t.name === name) &&
          (type === undefined || t.type === type) &&
          (status === undefined || statusOf('tr', t.life, now) === status) &&
          tagsMatch(t.tags, params),
      )
      .sort(byStart((t) => t.transitRouterId));
    const page = paginate(list, params, PAGE_NUMBER);
    return {
      PageNumber: page.pageNo,
      PageSize: page.pageSize,
      TotalCount: page.totalCount,
      TransitRouters: page.items.map((t) => ({
        TransitRouterId: t.transitRouterId,
        TransitRouterName: t.name,
        TransitRouterDescription: t.description,
        CenId: t.cenId,
        RegionId: t.regionId,
        Type: t.type,
        Status: statusOf('tr', t.life, now),
        SupportMulticast: t.supportMulticast,
        AliUid: Number(ctx.accountUid),
        CreationTime: isoMinutes(t.life.startedAt),
        TransitRouterCidrList: [],
        Tags: renderTags(t.tags),
      })),
    };
  }),

  DeleteTransitRouter: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const tk = token(ctx, a, 'DeleteTransitRouter', params);
    if (tk.earlier !== undefined) return {};
    const t = tr(ctx, a, requireString(params, 'TransitRouterId'));
    const c = a.cens[t.cenId];
    if (c !== undefined && phaseAt(c.life, now) !== 'stable') throw cbnErrors.parentBusy(c.cenId, statusOf('cen', c.life, now));
    if (phaseAt(t.life, now) !== 'stable') throw cbnErrors.trStatus(t.transitRouterId, statusOf('tr', t.life, now));
    if (attachmentsOf(a, t.transitRouterId, now).length > 0) throw cbnErrors.childrenExist(t.transitRouterId);
    if (Object.values(a.routeTables).some((rt) => rt.transitRouterId === t.transitRouterId && rt.type === 'Custom' && live(rt, now) !== undefined)) throw cbnErrors.childrenExist(t.transitRouterId);
    dryRun(params);
    const d = ctx.settings.async.cbnTransition;
    endLife(t.life, now, d);
    for (const rt of Object.values(a.routeTables)) {
      if (rt.transitRouterId !== t.transitRouterId) continue;
      endLife(rt.life, now, d);
      for (const e of Object.values(a.routeEntries)) if (e.routeTableId === rt.routeTableId && e.life.endingAt === undefined) endLife(e.life, now, d);
    }
    tk.remember('done');
    return {};
  }),

  CreateTransitRouterVpcAttachment: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const tk = token(ctx, a, 'CreateTransitRouterVpcAttachment', params);
    if (tk.earlier !== undefined) return { TransitRouterAttachmentId: tk.earlier };
    const t = resolveTr(ctx, a, params);
    usableEnterpriseTr(ctx, a, t);
    const region = optionalString(params, 'RegionId') ?? t.regionId;
    if (region !== t.regionId) throw cbnErrors.invalid('RegionId', `The VPC must be in the transit router's region ${t.regionId}.`);
    const vpcId = requireString(params, 'VpcId');
    const owner = optionalString(params, 'VpcOwnerId') ?? ctx.accountUid;
    const vpc = findVpc(ctx.state, owner, region, vpcId);
    if (vpc === undefined) throw cbnErrors.vpcOrVswitch(`VPC ${vpcId} not found in ${region}`);
    const mappings = repeatObjects(params, 'ZoneMappings');
    if (mappings.length === 0) throw cbnErrors.invalid('ZoneMappings', 'At least one zone mapping (ZoneMappings.N.VSwitchId and ZoneId) is required.');
    if (mappings.length > 10) throw cbnErrors.invalid('ZoneMappings', 'At most 10 zone mappings are allowed.');
    const zoneMappings = mappings.map((m) => {
      const vswId = m['VSwitchId'] ?? '';
      const zone = m['ZoneId'] ?? '';
      if (vswId === '' || zone === '') throw cbnErrors.invalid('ZoneMappings', 'Every zone mapping needs VSwitchId and ZoneId.');
      const vsw = findVSwitch(ctx.state, owner, region, vswId);
      if (vsw === undefined || vsw.vpcId !== vpcId) throw cbnErrors.vpcOrVswitch(`vSwitch ${vswId} is not in VPC ${vpcId}`);
      if (vsw.zoneId !== zone) throw cbnErrors.vswitchZone(vswId, zone);
      return { VSwitchId: vswId, ZoneId: zone, NetworkInterfaceId: '' };
    });
    const sameCen = Object.values(a.vpcAttachments).some((x) => x.vpcId === vpcId && x.cenId === t.cenId && live(x, now) !== undefined);
    if (sameCen) throw cbnErrors.vpcAttached(vpcId);
    const name = nameParam(params, 'TransitRouterAttachmentName', 128);
    const description = nameParam(params, 'TransitRouterAttachmentDescription', 256);
    const autoPublish = optionalBool(params, 'AutoPublishRouteEnabled') ?? false;
    dryRun(params);
    const att: VpcAttachmentRecord = {
      attachmentId: ctx.ids.next('tr-attach-'),
      cenId: t.cenId,
      transitRouterId: t.transitRouterId,
      regionId: t.regionId,
      vpcId,
      vpcOwnerId: owner,
      zoneMappings: zoneMappings.map((z) => ({ ...z, NetworkInterfaceId: ctx.ids.next('eni-') })),
      name,
      description,
      autoPublishRouteEnabled: autoPublish,
      tags: tags(params),
      life: newLife(now, ctx.settings.async.cbnTransition),
    };
    a.vpcAttachments[att.attachmentId] = att;
    tk.remember(att.attachmentId);
    return { TransitRouterAttachmentId: att.attachmentId };
  }),

  ListTransitRouterVpcAttachments: action(false, (ctx, { params }, a) => {
    const now = ctx.now();
    const f = {
      cenId: optionalString(params, 'CenId'),
      region: optionalString(params, 'RegionId'),
      tr: optionalString(params, 'TransitRouterId'),
      id: optionalString(params, 'TransitRouterAttachmentId'),
      vpc: optionalString(params, 'VpcId'),
      status: optionalEnum(params, 'Status', ['Attaching', 'Attached', 'Detaching'] as const),
    };
    const list = Object.values(a.vpcAttachments)
      .filter(
        (x) =>
          (f.cenId === undefined || x.cenId === f.cenId) &&
          (f.region === undefined || x.regionId === f.region) &&
          (f.tr === undefined || x.transitRouterId === f.tr) &&
          (f.id === undefined || x.attachmentId === f.id) &&
          (f.vpc === undefined || x.vpcId === f.vpc) &&
          (f.status === undefined || statusOf('attachment', x.life, now) === f.status) &&
          tagsMatch(x.tags, params),
      )
      .sort(byStart((x) => x.attachmentId));
    const page = paginateToken(list, params, TOKEN);
    return {
      ...tokenFields(page),
      TransitRouterAttachments: page.items.map((x) => ({
        TransitRouterAttachmentId: x.attachmentId,
        TransitRouterAttachmentName: x.name,
        TransitRouterAttachmentDescription: x.description,
        TransitRouterId: x.transitRouterId,
        CenId: x.cenId,
        VpcId: x.vpcId,
        VpcOwnerId: Number(x.vpcOwnerId),
        VpcRegionId: x.regionId,
        ResourceType: 'VPC',
        Status: statusOf('attachment', x.life, now),
        AutoPublishRouteEnabled: x.autoPublishRouteEnabled,
        ChargeType: 'POSTPAY',
        OrderType: 'PayByCenOwner',
        CreationTime: isoMinutes(x.life.startedAt),
        ManagedService: '',
        Options: { ApplianceModeSupport: 'disable', Ipv6Support: 'disable' },
        TransitRouterVPCAttachmentOptions: {},
        ZoneMappings: x.zoneMappings.map((z) => ({ VSwitchId: z.VSwitchId, ZoneId: z.ZoneId, NetworkInterfaceId: z.NetworkInterfaceId })),
        Tags: renderTags(x.tags),
      })),
    };
  }),

  DeleteTransitRouterVpcAttachment: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const tk = token(ctx, a, 'DeleteTransitRouterVpcAttachment', params);
    if (tk.earlier !== undefined) return {};
    const id = requireString(params, 'TransitRouterAttachmentId');
    const x = live(a.vpcAttachments[id], now);
    if (x === undefined) throw cbnErrors.attachmentNotFound(id);
    const t = a.transitRouters[x.transitRouterId];
    if (t !== undefined && phaseAt(t.life, now) !== 'stable') throw cbnErrors.parentBusy(t.transitRouterId, statusOf('tr', t.life, now));
    if (phaseAt(x.life, now) !== 'stable') throw cbnErrors.status(id, statusOf('attachment', x.life, now));
    if (routesUsingNextHop(ctx.state, x.vpcOwnerId, x.regionId, id, now) > 0) throw cbnErrors.vpcRoutes(id);
    detach(ctx, a, params, x, id, now);
    tk.remember('done');
    return {};
  }),

  CreateTransitRouterPeerAttachment: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const tk = token(ctx, a, 'CreateTransitRouterPeerAttachment', params);
    if (tk.earlier !== undefined) return { TransitRouterAttachmentId: tk.earlier };
    const local = resolveTr(ctx, a, params);
    const peer = tr(ctx, a, requireString(params, 'PeerTransitRouterId'));
    if (local.type === 'Basic') throw cbnErrors.basicNotSupported(local.transitRouterId);
    if (peer.type === 'Basic') throw cbnErrors.basicNotSupported(peer.transitRouterId);
    const peerRegion = optionalString(params, 'PeerTransitRouterRegionId');
    if (peerRegion !== undefined && peerRegion !== peer.regionId) throw cbnErrors.invalid('PeerTransitRouterRegionId', `The peer transit router is in ${peer.regionId}, not ${peerRegion}.`);
    const cenId = optionalString(params, 'CenId');
    if (peer.cenId !== local.cenId || (cenId !== undefined && cenId !== local.cenId)) throw cbnErrors.peerOtherCen();
    if (peer.regionId === local.regionId) throw cbnErrors.peerSameRegion();
    usableEnterpriseTr(ctx, a, local);
    usableEnterpriseTr(ctx, a, peer);
    const pair = [local.transitRouterId, peer.transitRouterId].sort().join();
    const dup = Object.values(a.peerAttachments).some((x) => [x.transitRouterId, x.peerTransitRouterId].sort().join() === pair && live(x, now) !== undefined);
    if (dup) throw cbnErrors.peerExists(local.transitRouterId, peer.transitRouterId);
    const bandwidthType = optionalEnum(params, 'BandwidthType', ['BandwidthPackage', 'DataTransfer'] as const) ?? 'DataTransfer';
    const bandwidthPackage = optionalString(params, 'CenBandwidthPackageId') ?? '';
    if (bandwidthType === 'BandwidthPackage' && bandwidthPackage === '') throw cbnErrors.invalid('CenBandwidthPackageId', 'BandwidthType BandwidthPackage needs CenBandwidthPackageId.');
    const name = nameParam(params, 'TransitRouterAttachmentName', 128);
    const description = nameParam(params, 'TransitRouterAttachmentDescription', 256);
    const bandwidth = optionalInt(params, 'Bandwidth') ?? 0;
    const linkType = optionalEnum(params, 'DefaultLinkType', ['Platinum', 'Gold'] as const) ?? 'Gold';
    const autoPublish = optionalBool(params, 'AutoPublishRouteEnabled') ?? false;
    dryRun(params);
    const x: PeerAttachmentRecord = {
      attachmentId: ctx.ids.next('tr-attach-'),
      cenId: local.cenId,
      transitRouterId: local.transitRouterId,
      regionId: local.regionId,
      peerTransitRouterId: peer.transitRouterId,
      peerRegionId: peer.regionId,
      bandwidth,
      bandwidthType,
      cenBandwidthPackageId: bandwidthPackage,
      defaultLinkType: linkType,
      name,
      description,
      autoPublishRouteEnabled: autoPublish,
      tags: tags(params),
      life: newLife(now, ctx.settings.async.cbnTransition),
    };
    a.peerAttachments[x.attachmentId] = x;
    tk.remember(x.attachmentId);
    return { TransitRouterAttachmentId: x.attachmentId };
  }),

  ListTransitRouterPeerAttachments: action(false, (ctx, { params }, a) => {
    const now = ctx.now();
    const cenId = optionalString(params, 'CenId');
    const region = optionalString(params, 'RegionId');
    const trId = optionalString(params, 'TransitRouterId');
    const id = optionalString(params, 'TransitRouterAttachmentId');
    const list = Object.values(a.peerAttachments)
      .filter(
        (x) =>
          (cenId === undefined || x.cenId === cenId) &&
          (region === undefined || x.regionId === region) &&
          (trId === undefined || x.transitRouterId === trId) &&
          (id === undefined || x.attachmentId === id) &&
          tagsMatch(x.tags, params),
      )
      .sort(byStart((x) => x.attachmentId));
    const page = paginateToken(list, params, TOKEN);
    return {
      ...tokenFields(page),
      TransitRouterAttachments: page.items.map((x) => ({
        TransitRouterAttachmentId: x.attachmentId,
        TransitRouterAttachmentName: x.name,
        TransitRouterAttachmentDescription: x.description,
        TransitRouterId: x.transitRouterId,
        RegionId: x.regionId,
        CenId: x.cenId,
        PeerTransitRouterId: x.peerTransitRouterId,
        PeerTransitRouterRegionId: x.peerRegionId,
        PeerTransitRouterOwnerId: Number(ctx.accountUid),
        ResourceType: 'TR',
        Status: statusOf('attachment', x.life, now),
        AutoPublishRouteEnabled: x.autoPublishRouteEnabled,
        Bandwidth: x.bandwidth,
        BandwidthType: x.bandwidthType,
        CenBandwidthPackageId: x.cenBandwidthPackageId,
        DefaultLinkType: x.defaultLinkType,
        GeographicSpanId: 'china_china',
        CreationTime: isoMinutes(x.life.startedAt),
        Tags: renderTags(x.tags),
      })),
    };
  }),

  DeleteTransitRouterPeerAttachment: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const tk = token(ctx, a, 'DeleteTransitRouterPeerAttachment', params);
    if (tk.earlier !== undefined) return {};
    const id = requireString(params, 'TransitRouterAttachmentId');
    const x = live(a.peerAttachments[id], now);
    if (x === undefined) throw cbnErrors.attachmentNotFound(id);
    if (phaseAt(x.life, now) !== 'stable') throw cbnErrors.status(id, statusOf('attachment', x.life, now));
    detach(ctx, a, params, x, id, now);
    tk.remember('done');
    return {};
  }),

  ListTransitRouterRouteTables: action(false, (ctx, { params }, a) => {
    const now = ctx.now();
    const trId = optionalString(params, 'TransitRouterId');
    const ids = repeatList(params, 'TransitRouterRouteTableIds');
    const names = repeatList(params, 'TransitRouterRouteTableNames');
    const status = optionalEnum(params, 'TransitRouterRouteTableStatus', ['Creating', 'Deleting', 'Active'] as const);
    const type = optionalEnum(params, 'TransitRouterRouteTableType', ['Custom', 'System'] as const);
    const list = Object.values(a.routeTables)
      .filter(
        (t) =>
          (trId === undefined || t.transitRouterId === trId) &&
          (ids.length === 0 || ids.includes(t.routeTableId)) &&
          (names.length === 0 || names.includes(t.name)) &&
          (type === undefined || t.type === type) &&
          (status === undefined || statusOf('table', t.life, now) === status),
      )
      .filter(() => params['Tag.1.Key'] === undefined)
      .sort(byStart((t) => t.routeTableId));
    const page = paginateToken(list, params, TOKEN);
    return {
      ...tokenFields(page),
      TransitRouterRouteTables: page.items.map((t) => ({
        TransitRouterRouteTableId: t.routeTableId,
        TransitRouterRouteTableName: t.name,
        TransitRouterRouteTableDescription: t.description,
        TransitRouterRouteTableType: t.type,
        TransitRouterRouteTableStatus: statusOf('table', t.life, now),
        TransitRouterId: t.transitRouterId,
        RegionId: t.regionId,
        CreateTime: isoMinutes(t.life.startedAt),
        RouteTableOptions: { MultiRegionECMP: 'disable' },
        Tags: [],
      })),
    };
  }),

  CreateTransitRouterRouteEntry: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const tk = token(ctx, a, 'CreateTransitRouterRouteEntry', params);
    if (tk.earlier !== undefined) return { TransitRouterRouteEntryId: tk.earlier };
    const tableId = requireString(params, 'TransitRouterRouteTableId');
    const table = live(a.routeTables[tableId], now);
    if (table === undefined) throw cbnErrors.routeTableNotFound(tableId);
    const t = tr(ctx, a, table.transitRouterId);
    usableEnterpriseTr(ctx, a, t);
    if (phaseAt(table.life, now) !== 'stable') throw cbnErrors.status(tableId, statusOf('table', table.life, now));
    const dest = requireString(params, 'TransitRouterRouteEntryDestinationCidrBlock');
    if (parseCidr(dest) === undefined) throw cbnErrors.invalid('TransitRouterRouteEntryDestinationCidrBlock', `Not a valid IPv4 CIDR block: ${dest}.`);
    const hopType = optionalEnum(params, 'TransitRouterRouteEntryNextHopType', ['BlackHole', 'Attachment'] as const);
    if (hopType === undefined) throw cbnErrors.invalid('TransitRouterRouteEntryNextHopType', 'TransitRouterRouteEntryNextHopType is mandatory: BlackHole or Attachment.');
    const hopId = optionalString(params, 'TransitRouterRouteEntryNextHopId') ?? '';
    if (hopType === 'Attachment') {
      if (hopId === '') throw cbnErrors.invalid('TransitRouterRouteEntryNextHopId', 'An Attachment next hop needs TransitRouterRouteEntryNextHopId.');
      const att = live(a.vpcAttachments[hopId], now) ?? live(a.peerAttachments[hopId], now);
      if (att === undefined) throw cbnErrors.attachmentNotFound(hopId);
      const onThisTr = att.transitRouterId === t.transitRouterId || ('peerTransitRouterId' in att && att.peerTransitRouterId === t.transitRouterId);
      if (!onThisTr) throw cbnErrors.nextHop(hopId, `it is not an attachment of ${t.transitRouterId}`);
      if (phaseAt(att.life, now) !== 'stable') throw cbnErrors.nextHop(hopId, `it is ${statusOf('attachment', att.life, now)}`);
    } else if (hopId !== '') {
      throw cbnErrors.invalid('TransitRouterRouteEntryNextHopId', 'A BlackHole route takes no next hop id.');
    }
    if (Object.values(a.routeEntries).some((e) => e.routeTableId === tableId && e.destinationCidrBlock === dest && e.life.endingAt === undefined)) throw cbnErrors.duplicateRoute(dest);
    const name = nameParam(params, 'TransitRouterRouteEntryName', 128);
    const description = nameParam(params, 'TransitRouterRouteEntryDescription', 256);
    dryRun(params);
    const e: RouteEntryRecord = {
      routeEntryId: ctx.ids.next('rte-'),
      routeTableId: tableId,
      destinationCidrBlock: dest,
      nextHopType: hopType,
      nextHopId: hopId,
      name,
      description,
      life: newLife(now, ctx.settings.async.cbnTransition),
    };
    a.routeEntries[e.routeEntryId] = e;
    tk.remember(e.routeEntryId);
    return { TransitRouterRouteEntryId: e.routeEntryId };
  }),

  ListTransitRouterRouteEntries: action(false, (ctx, { params }, a) => {
    const now = ctx.now();
    const tableId = requireString(params, 'TransitRouterRouteTableId');
    const table = live(a.routeTables[tableId], now);
    if (table === undefined) throw cbnErrors.routeTableNotFound(tableId);
    const ids = repeatList(params, 'TransitRouterRouteEntryIds');
    const names = repeatList(params, 'TransitRouterRouteEntryNames');
    const dest = optionalString(params, 'TransitRouterRouteEntryDestinationCidrBlock');
    const hopId = optionalString(params, 'TransitRouterRouteEntryNextHopId');
    const hopType = optionalEnum(params, 'TransitRouterRouteEntryNextHopType', ['BlackHole', 'Attachment'] as const);
    const entryType = optionalEnum(params, 'TransitRouterRouteEntryType', ['Propagated', 'Static'] as const);
    const status = optionalEnum(params, 'TransitRouterRouteEntryStatus', ['All', 'Active', 'Rejected', 'Prohibited', 'Standby', 'Candidate', 'Creating', 'Deleting'] as const) ?? 'Active';
    const list = Object.values(a.routeEntries)
      .filter(
        (e) =>
          e.routeTableId === tableId &&
          (ids.length === 0 || ids.includes(e.routeEntryId)) &&
          (names.length === 0 || names.includes(e.name)) &&
          (dest === undefined || e.destinationCidrBlock === dest) &&
          (hopId === undefined || e.nextHopId === hopId) &&
          (hopType === undefined || e.nextHopType === hopType) &&
          (entryType === undefined || entryType === 'Static') &&
          (status === 'All' || statusOf('entry', e.life, now) === status),
      )
      .sort(byStart((e) => e.routeEntryId));
    const page = paginateToken(list, params, TOKEN);
    return {
      ...tokenFields(page),
      TransitRouterRouteEntries: page.items.map((e) => {
        const vpcAtt = a.vpcAttachments[e.nextHopId];
        const peerAtt = a.peerAttachments[e.nextHopId];
        const hopResource = vpcAtt !== undefined ? { id: vpcAtt.vpcId, type: 'VPC' } : peerAtt !== undefined ? { id: peerAtt.transitRouterId === table.transitRouterId ? peerAtt.peerTransitRouterId : peerAtt.transitRouterId, type: 'TR' } : undefined;
        return {
          TransitRouterRouteEntryId: e.routeEntryId,
          TransitRouterRouteEntryName: e.name,
          TransitRouterRouteEntryDescription: e.description,
          TransitRouterRouteEntryDestinationCidrBlock: e.destinationCidrBlock,
          TransitRouterRouteEntryType: 'Static',
          TransitRouterRouteEntryStatus: statusOf('entry', e.life, now),
          TransitRouterRouteEntryNextHopType: e.nextHopType,
          ...(e.nextHopType === 'Attachment' ? { TransitRouterRouteEntryNextHopId: e.nextHopId } : {}),
          ...(hopResource === undefined ? {} : { TransitRouterRouteEntryNextHopResourceId: hopResource.id, TransitRouterRouteEntryNextHopResourceType: hopResource.type }),
          OperationalMode: true,
          CreateTime: isoMinutes(e.life.startedAt),
          PathAttributes: { AsPaths: [], Communities: [], OriginInstanceId: '', OriginInstanceType: 'TR', OriginRouteType: 'static', Preference: 50 },
        };
      }),
    };
  }),

  DeleteTransitRouterRouteEntry: action(true, (ctx, { params }, a) => {
    const now = ctx.now();
    const tk = token(ctx, a, 'DeleteTransitRouterRouteEntry', params);
    if (tk.earlier !== undefined) return {};
    const id = optionalString(params, 'TransitRouterRouteEntryId');
    let e: RouteEntryRecord | undefined;
    if (id !== undefined) {
      e = live(a.routeEntries[id], now);
      if (e === undefined) throw cbnErrors.routeEntryNotFound(id);
    } else {
      const tableId = requireString(params, 'TransitRouterRouteTableId');
      const dest = requireString(params, 'TransitRouterRouteEntryDestinationCidrBlock');
      const hopType = requireString(params, 'TransitRouterRouteEntryNextHopType');
      const hopId = optionalString(params, 'TransitRouterRouteEntryNextHopId') ?? '';
      e = Object.values(a.routeEntries).find((x) => x.routeTableId === tableId && x.destinationCidrBlock === dest && x.nextHopType === hopType && (hopType === 'BlackHole' || x.nextHopId === hopId) && live(x, now) !== undefined);
      if (e === undefined) throw cbnErrors.routeEntryNotFound(`${tableId} ${dest}`);
    }
    const table = a.routeTables[e.routeTableId];
    const t = table === undefined ? undefined : a.transitRouters[table.transitRouterId];
    if (t !== undefined) usableEnterpriseTr(ctx, a, t);
    if (phaseAt(e.life, now) !== 'stable') throw cbnErrors.status(e.routeEntryId, statusOf('entry', e.life, now));
    dryRun(params);
    endLife(e.life, now, ctx.settings.async.cbnTransition);
    tk.remember('done');
    return {};
  }),
};

/** Creates a router (and, for Enterprise, its System route table). Shared with the admin seed route. */
export function createRouter(
  ctx: Pick<CallContext, 'ids' | 'now' | 'settings'>,
  a: CbnAccount,
  spec: { cenId: string; regionId: string; type: 'Enterprise' | 'Basic'; name: string; description: string; supportMulticast: boolean; tags: Tag[] },
  /** A given id (admin seeding, to match an example config); default a new one. */
  transitRouterId: string = ctx.ids.next('tr-'),
): TransitRouterRecord {
  const now = ctx.now();
  const t: TransitRouterRecord = { transitRouterId, ...spec, life: newLife(now, ctx.settings.async.cbnTransition) };
  a.transitRouters[t.transitRouterId] = t;
  if (spec.type === 'Enterprise') {
    const rt: RouteTableRecord = {
      routeTableId: ctx.ids.next('vtb-'),
      transitRouterId: t.transitRouterId,
      regionId: t.regionId,
      type: 'System',
      name: '',
      description: '',
      life: newLife(now, ctx.settings.async.cbnTransition),
    };
    a.routeTables[rt.routeTableId] = rt;
  }
  return t;
}
