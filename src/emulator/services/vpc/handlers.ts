/**
 * VPC 2016-04-28 actions: the read side (VPCs, vSwitches, route tables, route entries) and custom
 * route entries (CreateRouteEntry / DeleteRouteEntry). Regional: the region is the RegionId
 * parameter when given, else the region of the port the call arrived on.
 */
import type { CallContext, FlatParams, RpcAction, RpcRequest } from '../../core/contract.js';
import { optionalBool, optionalEnum, optionalString, paginate, paginateToken, repeatList, repeatObjects, requireString } from '../../core/params.js';
import { recallToken, rememberToken } from '../../core/idempotency.js';
import { cbnVpcAttachment, vpcCenStatus } from '../cbn/query.js';
import { parseCidr, usableAddresses } from './cidr.js';
import { vpcErrors } from './errors.js';
import {
  VPC_LIMITS,
  entryExists,
  entryStatus,
  isoMinutes,
  isoSeconds,
  sweep,
  systemEntries,
  vpcRegion,
  type RouteEntryRecord,
  type RouteTableRecord,
  type VbrRecord,
  type VpcRegion,
} from './models.js';

type Handler = (ctx: CallContext, req: RpcRequest) => Record<string, unknown>;

function action(mutating: boolean, handle: Handler): RpcAction {
  return { mutating, handle };
}

function regionOf(ctx: CallContext, params: FlatParams, required: boolean): string {
  const r = optionalString(params, 'RegionId');
  if (r !== undefined) return r;
  if (required || ctx.region === 'global') throw vpcErrors.missingRegion();
  return ctx.region;
}

function data(ctx: CallContext, params: FlatParams, required = true): { region: string; r: VpcRegion } {
  const region = regionOf(ctx, params, required);
  const r = vpcRegion(ctx, ctx.accountUid, region);
  sweep(r, ctx.now());
  return { region, r };
}

const PAGE = { defaultSize: 10, max: 50, pageNoName: 'PageNumber', pageSizeName: 'PageSize' } as const;

function pageFields(p: { pageNo: number; pageSize: number; totalCount: number }): Record<string, number> {
  return { PageNumber: p.pageNo, PageSize: p.pageSize, TotalCount: p.totalCount };
}

function byCreation<T extends { createdAt: number }>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => a.createdAt - b.createdAt || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

function ownerId(ctx: CallContext): number {
  return Number(ctx.accountUid);
}

// ---- route entry views --------------------------------------------------------------------------

interface EntryView {
  id: string;
  tableId: string;
  destination: string;
  type: 'System' | 'Custom';
  nextHopType: string;
  nextHopId: string;
  name: string;
  description: string;
  status: string;
  modifiedAt: number;
}

function entryViews(ctx: CallContext, r: VpcRegion, table: RouteTableRecord): EntryView[] {
  const now = ctx.now();
  const sys: EntryView[] = systemEntries(r, table).map((s) => ({
    id: s.routeEntryId,
    tableId: s.routeTableId,
    destination: s.destinationCidrBlock,
    type: 'System',
    nextHopType: 'local',
    nextHopId: '',
    name: '',
    description: '',
    status: 'Available',
    modifiedAt: table.createdAt,
  }));
  const custom: EntryView[] = Object.values(r.routeEntries)
    .filter((e) => e.routeTableId === table.routeTableId && entryExists(e, now))
    .sort(byCreation((e) => e.routeEntryId))
    .map((e) => ({
      id: e.routeEntryId,
      tableId: e.routeTableId,
      destination: e.destinationCidrBlock,
      type: 'Custom',
      nextHopType: e.nextHopType,
      nextHopId: e.nextHopId,
      name: e.routeEntryName,
      description: e.description,
      status: entryStatus(e, now),
      modifiedAt: e.deleting?.startedAt ?? e.createdAt,
    }));
  return [...sys, ...custom];
}

function nextHops(ctx: CallContext, region: string, e: EntryView): { NextHop: Record<string, unknown>[] } {
  if (e.type === 'System') return { NextHop: [] };
  const hop: Record<string, unknown> = { NextHopType: e.nextHopType, NextHopId: e.nextHopId, Enabled: 1, Weight: 100, NextHopRegionId: region };
  if (e.nextHopType === 'Attachment') {
    const att = cbnVpcAttachment(ctx.state, ctx.accountUid, e.nextHopId, ctx.now());
    hop['NextHopRelatedInfo'] = { InstanceId: att?.transitRouterId ?? '', InstanceType: 'TransitRouter', RegionId: att?.regionId ?? region };
  }
  return { NextHop: [hop] };
}

function table(r: VpcRegion, id: string): RouteTableRecord {
  const t = r.routeTables[id];
  if (t === undefined) throw vpcErrors.routeTableNotFound(id);
  return t;
}

/** TaskConflict: the VPC already has a route task (an entry Pending or Deleting) in progress. */
function assertNoTask(ctx: CallContext, r: VpcRegion, vpcId: string): void {
  const now = ctx.now();
  const busy = Object.values(r.routeEntries).some((e) => e.vpcId === vpcId && entryExists(e, now) && entryStatus(e, now) !== 'Available');
  if (busy) throw vpcErrors.taskConflict();
}

function liveCustom(ctx: CallContext, r: VpcRegion, tableId: string): RouteEntryRecord[] {
  const now = ctx.now();
  return Object.values(r.routeEntries).filter((e) => e.routeTableId === tableId && entryExists(e, now) && e.deleting === undefined);
}

function tagsFilterUnsupported(params: FlatParams): boolean {
  return params['Tag.1.Key'] !== undefined;
}

// ---- actions ------------------------------------------------------------------------------------

export const vpcActions: Readonly<Record<string, RpcAction>> = {
  DescribeVpcs: action(false, (ctx, { params }) => {
    const { region, r } = data(ctx, params);
    const ids = (optionalString(params, 'VpcId') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const name = optionalString(params, 'VpcName');
    const isDefault = optionalBool(params, 'IsDefault');
    if (optionalBool(params, 'DryRun') === true) throw vpcErrors.dryRun();
    const vpcs = Object.values(r.vpcs)
      .filter((v) => (ids.length === 0 || ids.includes(v.vpcId)) && (name === undefined || v.vpcName === name) && (isDefault === undefined || v.isDefault === isDefault))
      .filter(() => !tagsFilterUnsupported(params))
      .sort(byCreation((v) => v.vpcId));
    const page = paginate(vpcs, params, PAGE);
    return {
      ...pageFields(page),
      Vpcs: {
        Vpc: page.items.map((v) => {
          const vsw = Object.values(r.vswitches).filter((s) => s.vpcId === v.vpcId).sort(byCreation((s) => s.vSwitchId));
          const tables = Object.values(r.routeTables).filter((t) => t.vpcId === v.vpcId).sort(byCreation((t) => t.routeTableId));
          return {
            VpcId: v.vpcId,
            VpcName: v.vpcName,
            RegionId: region,
            CidrBlock: v.cidrBlock,
            Description: v.description,
            IsDefault: v.isDefault,
            Status: 'Available',
            VRouterId: v.vRouterId,
            CreationTime: isoSeconds(v.createdAt),
            OwnerId: ownerId(ctx),
            ResourceGroupId: '',
            CenStatus: vpcCenStatus(ctx.state, ctx.accountUid, v.vpcId, ctx.now()),
            EnabledIpv6: false,
            Ipv6CidrBlock: '',
            Ipv6CidrBlocks: { Ipv6CidrBlock: [] },
            DhcpOptionsSetId: '',
            DhcpOptionsSetStatus: '',
            DnsHostnameStatus: 'DISABLED',
            NatGatewayIds: { NatGatewayIds: [] },
            RouterTableIds: { RouterTableIds: tables.map((t) => t.routeTableId) },
            SecondaryCidrBlocks: { SecondaryCidrBlock: [] },
            UserCidrs: { UserCidr: [] },
            VSwitchIds: { VSwitchId: vsw.map((s) => s.vSwitchId) },
            Tags: { Tag: [] },
          };
        }),
      },
    };
  }),

  DescribeVSwitches: action(false, (ctx, { params }) => {
    const vpcId = optionalString(params, 'VpcId');
    if (vpcId === undefined && optionalString(params, 'RegionId') === undefined && ctx.region === 'global') throw vpcErrors.missingRegion();
    const { r } = data(ctx, params, false);
    if (optionalBool(params, 'DryRun') === true) throw vpcErrors.dryRun();
    const id = optionalString(params, 'VSwitchId');
    const name = optionalString(params, 'VSwitchName');
    const zone = optionalString(params, 'ZoneId');
    const rt = optionalString(params, 'RouteTableId');
    const isDefault = optionalBool(params, 'IsDefault');
    const list = Object.values(r.vswitches)
      .filter(
        (s) =>
          (vpcId === undefined || s.vpcId === vpcId) &&
          (id === undefined || s.vSwitchId === id) &&
          (name === undefined || s.vSwitchName === name) &&
          (zone === undefined || s.zoneId === zone) &&
          (rt === undefined || s.routeTableId === rt) &&
          (isDefault === undefined || isDefault === false),
      )
      .filter(() => !tagsFilterUnsupported(params))
      .sort(byCreation((s) => s.vSwitchId));
    const page = paginate(list, params, PAGE);
    return {
      ...pageFields(page),
      VSwitches: {
        VSwitch: page.items.map((s) => {
          const t = r.routeTables[s.routeTableId];
          const c = parseCidr(s.cidrBlock);
          return {
            VSwitchId: s.vSwitchId,
            VSwitchName: s.vSwitchName,
            VpcId: s.vpcId,
            ZoneId: s.zoneId,
            CidrBlock: s.cidrBlock,
            Description: s.description,
            Status: 'Available',
            IsDefault: false,
            AvailableIpAddressCount: c === undefined ? 0 : usableAddresses(c),
            CreationTime: isoSeconds(s.createdAt),
            OwnerId: ownerId(ctx),
            ResourceGroupId: '',
            EnabledIpv6: false,
            Ipv6CidrBlock: '',
            NetworkAclId: '',
            ShareType: 'Sharing',
            RouteTable: { RouteTableId: s.routeTableId, RouteTableType: t?.type ?? 'System' },
            Tags: { Tag: [] },
          };
        }),
      },
    };
  }),

  DescribeRouteTableList: action(false, (ctx, { params }) => {
    const { r } = data(ctx, params);
    const id = optionalString(params, 'RouteTableId');
    const name = optionalString(params, 'RouteTableName');
    const type = optionalEnum(params, 'RouteTableType', ['System', 'Custom'] as const);
    const routerId = optionalString(params, 'RouterId');
    const routerType = optionalEnum(params, 'RouterType', ['VRouter', 'VBR'] as const);
    const vpcId = optionalString(params, 'VpcId');
    const list = Object.values(r.routeTables)
      .filter(
        (t) =>
          (id === undefined || t.routeTableId === id) &&
          (name === undefined || t.routeTableName === name) &&
          (type === undefined || t.type === type) &&
          (routerId === undefined || t.vRouterId === routerId) &&
          (routerType === undefined || routerType === 'VRouter') &&
          (vpcId === undefined || t.vpcId === vpcId),
      )
      .filter(() => !tagsFilterUnsupported(params))
      .sort(byCreation((t) => t.routeTableId));
    const page = paginate(list, params, PAGE);
    return {
      ...pageFields(page),
      RouterTableList: {
        RouterTableListType: page.items.map((t) => ({
          RouteTableId: t.routeTableId,
          RouteTableName: t.routeTableName,
          RouteTableType: t.type,
          RouterId: t.vRouterId,
          RouterType: 'VRouter',
          VpcId: t.vpcId,
          Description: t.description,
          AssociateType: 'VSwitch',
          CreationTime: isoSeconds(t.createdAt),
          OwnerId: ownerId(ctx),
          ResourceGroupId: '',
          RoutePropagationEnable: true,
          Status: 'Available',
          GatewayIds: { GatewayIds: [] },
          VSwitchIds: { VSwitchId: Object.values(r.vswitches).filter((s) => s.routeTableId === t.routeTableId).map((s) => s.vSwitchId) },
          Tags: { Tag: [] },
        })),
      },
    };
  }),

  DescribeRouteTables: action(false, (ctx, { params }) => {
    const { region, r } = data(ctx, params, false);
    const id = optionalString(params, 'RouteTableId');
    const name = optionalString(params, 'RouteTableName');
    const routerId = optionalString(params, 'RouterId') ?? optionalString(params, 'VRouterId');
    const entryType = optionalEnum(params, 'Type', ['Custom', 'System', 'BGP', 'CEN', 'ECR'] as const);
    const list = Object.values(r.routeTables)
      .filter((t) => (id === undefined || t.routeTableId === id) && (name === undefined || t.routeTableName === name) && (routerId === undefined || t.vRouterId === routerId))
      .sort(byCreation((t) => t.routeTableId));
    const page = paginate(list, params, PAGE);
    return {
      ...pageFields(page),
      RouteTables: {
        RouteTable: page.items.map((t) => ({
          RouteTableId: t.routeTableId,
          RouteTableType: t.type,
          VRouterId: t.vRouterId,
          CreationTime: isoSeconds(t.createdAt),
          ResourceGroupId: '',
          Status: 'Available',
          VSwitchIds: { VSwitchId: Object.values(r.vswitches).filter((s) => s.routeTableId === t.routeTableId).map((s) => s.vSwitchId) },
          RouteEntrys: {
            RouteEntry: entryViews(ctx, r, t)
              .filter((e) => entryType === undefined || e.type === entryType)
              .map((e) => ({
                RouteEntryId: e.id,
                RouteEntryName: e.name,
                RouteTableId: e.tableId,
                DestinationCidrBlock: e.destination,
                Type: e.type,
                NextHopType: e.nextHopType,
                InstanceId: e.nextHopId,
                Status: e.status,
                Description: e.description,
                NextHops: nextHops(ctx, region, e),
              })),
          },
        })),
      },
    };
  }),

  DescribeRouteEntryList: action(false, (ctx, { params }) => {
    const { region, r } = data(ctx, params);
    const t = table(r, requireString(params, 'RouteTableId'));
    const id = optionalString(params, 'RouteEntryId');
    const name = optionalString(params, 'RouteEntryName');
    const type = optionalEnum(params, 'RouteEntryType', ['Custom', 'System', 'BGP', 'CEN', 'ECR'] as const);
    const dest = optionalString(params, 'DestinationCidrBlock');
    const dests = repeatList(params, 'DestCidrBlockList');
    const hopType = optionalString(params, 'NextHopType');
    const hopId = optionalString(params, 'NextHopId');
    const ipVersion = optionalEnum(params, 'IpVersion', ['ipv4', 'ipv6'] as const);
    const list = entryViews(ctx, r, t).filter(
      (e) =>
        (id === undefined || e.id === id) &&
        (name === undefined || e.name === name) &&
        (type === undefined || e.type === type) &&
        (dest === undefined || e.destination === dest) &&
        (dests.length === 0 || dests.includes(e.destination)) &&
        (hopType === undefined || e.nextHopType === hopType) &&
        (hopId === undefined || e.nextHopId === hopId) &&
        ipVersion !== 'ipv6',
    );
    const page = paginateToken(list, params, { defaultSize: 10, max: 100, sizeName: 'MaxResult' });
    return {
      NextToken: page.nextToken ?? '',
      TotalCount: page.totalCount,
      RouteEntrys: {
        RouteEntry: page.items.map((e) => ({
          RouteEntryId: e.id,
          RouteEntryName: e.name,
          RouteTableId: e.tableId,
          DestinationCidrBlock: e.destination,
          Type: e.type,
          Status: e.status,
          Description: e.description,
          IpVersion: 'ipv4',
          Origin: e.type === 'System' ? 'SystemRoute' : 'CustomRoute',
          ServiceType: '',
          GmtModified: isoMinutes(e.modifiedAt),
          NextHops: nextHops(ctx, region, e),
        })),
      },
    };
  }),

  DescribeVpnGateways: action(false, (ctx, { params }) => {
    const { r } = data(ctx, params);
    const id = optionalString(params, 'VpnGatewayId');
    const vpcId = optionalString(params, 'VpcId');
    const status = optionalString(params, 'Status');
    const list = Object.values(r.vpnGateways ?? {})
      .filter((g) => (id === undefined || g.vpnGatewayId === id) && (vpcId === undefined || g.vpcId === vpcId) && (status === undefined || g.status === status))
      .filter(() => !tagsFilterUnsupported(params))
      .sort(byCreation((g) => g.vpnGatewayId));
    const page = paginate(list, params, PAGE);
    return {
      ...pageFields(page),
      VpnGateways: {
        VpnGateway: page.items.map((g) => ({
          VpnGatewayId: g.vpnGatewayId,
          VpcId: g.vpcId,
          VSwitchId: g.vSwitchId,
          Name: g.name,
          Description: '',
          Status: g.status,
          BusinessStatus: 'Normal',
          ChargeType: 'PrePay',
          Spec: '10M',
          InternetIp: g.internetIp,
          IpsecVpn: 'enable',
          SslVpn: 'disable',
          SslMaxConnections: 0,
          EnableBgp: false,
          AutoPropagate: false,
          NetworkType: 'public',
          VpnType: 'Normal',
          GatewayType: 'Normal',
          CreateTime: g.createdAt,
          EndTime: g.createdAt + 365 * 24 * 3600 * 1000,
          ResourceGroupId: '',
          Tag: '',
          Tags: { Tag: [] },
        })),
      },
    };
  }),

  DescribeVirtualBorderRouters: action(false, (ctx, { params }) => {
    const { r } = data(ctx, params);
    // Filter.N.Key / Filter.N.Value.M: values of one key are ORed, keys are ANDed.
    const filters = repeatObjects(params, 'Filter').map((f, i) => ({ key: f['Key'] ?? '', values: repeatList(params, `Filter.${i + 1}.Value`) }));
    const field = (v: VbrRecord, key: string): string | undefined =>
      key === 'VbrId' ? v.vbrId : key === 'Status' ? v.status : key === 'Name' ? v.name : key === 'PhysicalConnectionId' ? v.physicalConnectionId : undefined;
    for (const f of filters) if (!['VbrId', 'Status', 'Name', 'PhysicalConnectionId'].includes(f.key)) throw vpcErrors.invalid(`Unsupported filter key: ${f.key}.`);
    const list = Object.values(r.vbrs ?? {})
      .filter((v) => filters.every((f) => f.values.length === 0 || f.values.includes(field(v, f.key) ?? '')))
      .sort(byCreation((v) => v.vbrId));
    const page = paginate(list, params, PAGE);
    return {
      ...pageFields(page),
      VirtualBorderRouterSet: {
        VirtualBorderRouterType: page.items.map((v) => ({
          VbrId: v.vbrId,
          Name: v.name,
          Description: '',
          Status: v.status,
          Type: 'pconnVBR',
          CreationTime: isoSeconds(v.createdAt),
          ActivationTime: isoSeconds(v.createdAt),
          RouteTableId: v.routeTableId,
          VlanId: v.vlanId,
          VlanInterfaceId: `ri-${v.vbrId.slice(4)}`,
          LocalGatewayIp: v.localGatewayIp,
          PeerGatewayIp: v.peerGatewayIp,
          PeeringSubnetMask: '255.255.255.252',
          PhysicalConnectionId: v.physicalConnectionId,
          PhysicalConnectionStatus: 'Enabled',
          PhysicalConnectionBusinessStatus: 'Normal',
          AccessPointId: '',
          ResourceGroupId: '',
          AssociatedCens: { AssociatedCen: [] },
          AssociatedPhysicalConnections: { AssociatedPhysicalConnection: [] },
          Tags: { Tags: [] },
        })),
      },
    };
  }),

  CreateRouteEntry: action(true, (ctx, { params }) => {
    const { r } = data(ctx, params, false);
    const t = table(r, requireString(params, 'RouteTableId'));
    const token = optionalString(params, 'ClientToken');
    const tokenKey = token === undefined ? undefined : `CreateRouteEntry:${token}`;
    const earlier = tokenKey === undefined ? undefined : recallToken(r.tokens, tokenKey, ctx.now(), ctx.settings.async.clientTokenWindow);
    if (earlier !== undefined) return { RouteEntryId: earlier };
    const dest = requireString(params, 'DestinationCidrBlock');
    const cidr = parseCidr(dest);
    if (cidr === undefined) throw vpcErrors.badCidr('DestinationCidrBlock', dest);
    if (dest === '100.64.0.0/10') throw vpcErrors.reservedCidr();
    if (optionalString(params, 'NextHopList.1.NextHopId') !== undefined) throw vpcErrors.invalid('ECMP routes (NextHopList) are not supported by the emulator.');
    const hopType = optionalString(params, 'NextHopType') ?? 'Instance';
    const hopId = optionalString(params, 'NextHopId');
    if (hopId === undefined) throw vpcErrors.nextHopMissing();
    if (hopType === 'Attachment') {
      const att = cbnVpcAttachment(ctx.state, ctx.accountUid, hopId, ctx.now());
      if (att === undefined) throw vpcErrors.nextHopNotFound(hopId);
      if (att.vpcId !== t.vpcId) throw vpcErrors.nextHopOtherVpc(hopId);
      if (att.status !== 'Attached') throw vpcErrors.nextHopStatus(hopId, att.status);
    }
    if (hopType === 'VpnGateway') {
      const gw = r.vpnGateways?.[hopId];
      if (gw === undefined) throw vpcErrors.nextHopNotFound(hopId);
      if (gw.vpcId !== t.vpcId) throw vpcErrors.vpnOtherVpc(hopId);
      if (gw.status !== 'active') throw vpcErrors.vpnStatus(hopId, gw.status);
    }
    const live = liveCustom(ctx, r, t.routeTableId);
    if (live.some((e) => e.destinationCidrBlock === dest)) throw vpcErrors.duplicated(dest);
    if (Object.values(r.vswitches).some((s) => s.vpcId === t.vpcId && s.cidrBlock === dest)) throw vpcErrors.vswitchCidr(dest);
    if (live.length >= VPC_LIMITS.customEntriesPerTable) throw vpcErrors.quota(VPC_LIMITS.customEntriesPerTable);
    assertNoTask(ctx, r, t.vpcId);
    if (optionalBool(params, 'DryRun') === true) throw vpcErrors.dryRun();
    const now = ctx.now();
    const e: RouteEntryRecord = {
      routeEntryId: ctx.ids.next('rte-'),
      routeTableId: t.routeTableId,
      vpcId: t.vpcId,
      destinationCidrBlock: dest,
      nextHopType: hopType,
      nextHopId: hopId,
      routeEntryName: optionalString(params, 'RouteEntryName') ?? '',
      description: optionalString(params, 'Description') ?? '',
      createdAt: now,
      lifecycle: { startedAt: now, phases: [['Pending', ctx.settings.async.vpcRouteEntry]], final: 'Available' },
    };
    r.routeEntries[e.routeEntryId] = e;
    if (tokenKey !== undefined) rememberToken(r.tokens, tokenKey, e.routeEntryId, ctx.now(), ctx.settings.async.clientTokenWindow);
    return { RouteEntryId: e.routeEntryId };
  }),

  DeleteRouteEntry: action(true, (ctx, { params }) => {
    const { r } = data(ctx, params, false);
    const now = ctx.now();
    const id = optionalString(params, 'RouteEntryId');
    let e: RouteEntryRecord | undefined;
    if (id !== undefined) {
      e = r.routeEntries[id];
      if (e === undefined && id.startsWith('rte-sys')) throw vpcErrors.systemEntry();
    } else {
      const t = table(r, requireString(params, 'RouteTableId'));
      const dest = requireString(params, 'DestinationCidrBlock');
      const hop = optionalString(params, 'NextHopId');
      e = Object.values(r.routeEntries).find((x) => x.routeTableId === t.routeTableId && x.destinationCidrBlock === dest && entryExists(x, now) && (hop === undefined || x.nextHopId === hop));
      if (e === undefined && systemEntries(r, t).some((s) => s.destinationCidrBlock === dest)) throw vpcErrors.systemEntry();
    }
    if (e === undefined || !entryExists(e, now)) throw vpcErrors.routeEntryNotFound();
    const status = entryStatus(e, now);
    if (status !== 'Available') throw vpcErrors.entryStatus(status);
    assertNoTask(ctx, r, e.vpcId);
    if (optionalBool(params, 'DryRun') === true) throw vpcErrors.dryRun();
    e.deleting = { startedAt: now, duration: ctx.settings.async.vpcRouteEntry };
    return {};
  }),
};
