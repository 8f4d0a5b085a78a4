/**
 * PrivateZone 2018-01-01 actions: zones, records and VPC bindings. Everything is synchronous here
 * (the real service propagates bindings within seconds; see SPEC.md).
 */
import type { CallContext, FlatParams, RpcAction, RpcRequest } from '../../core/contract.js';
import { optionalEnum, optionalInt, optionalString, paginate, repeatObjects, requireString } from '../../core/params.js';
import { recallToken, rememberToken } from '../../core/idempotency.js';
import { findVpc } from '../vpc/query.js';
import { pvtzErrors } from './errors.js';
import { RECORD_TYPES, TTLS, isoMinutes, pvtzAccount, type DnsRecord, type PvtzAccount, type RecordType, type ZoneRecord } from './models.js';

type Handler = (ctx: CallContext, req: RpcRequest, a: PvtzAccount) => Record<string, unknown>;

function action(mutating: boolean, handle: Handler): RpcAction {
  return { mutating, handle: (ctx, req) => handle(ctx, req, pvtzAccount(ctx, ctx.accountUid)) };
}

const PAGE = { defaultSize: 20, max: 100, pageNoName: 'PageNumber', pageSizeName: 'PageSize' } as const;

function pageFields(p: { pageNo: number; pageSize: number; totalCount: number }): Record<string, number> {
  return { PageNumber: p.pageNo, PageSize: p.pageSize, TotalItems: p.totalCount, TotalPages: Math.ceil(p.totalCount / p.pageSize) };
}

function zone(a: PvtzAccount, params: FlatParams): ZoneRecord {
  const id = requireString(params, 'ZoneId');
  const z = a.zones[id];
  if (z === undefined) throw pvtzErrors.zoneNotFound(id);
  return z;
}

function record(a: PvtzAccount, params: FlatParams): DnsRecord {
  const id = requireString(params, 'RecordId');
  const r = a.records[id];
  if (r === undefined) throw pvtzErrors.recordNotFound(id);
  return r;
}

function validZoneName(name: string): boolean {
  return name.length <= 253 && /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i.test(name);
}

function keywordMatch(value: string, params: FlatParams): boolean {
  const kw = optionalString(params, 'Keyword');
  if (kw === undefined) return true;
  const mode = optionalEnum(params, 'SearchMode', ['LIKE', 'EXACT'] as const) ?? 'LIKE';
  return mode === 'EXACT' ? value.toLowerCase() === kw.toLowerCase() : value.toLowerCase().includes(kw.toLowerCase());
}

function recordCount(a: PvtzAccount, zoneId: string): number {
  return Object.values(a.records).filter((r) => r.zoneId === zoneId).length;
}

function renderZone(ctx: CallContext, a: PvtzAccount, z: ZoneRecord): Record<string, unknown> {
  return {
    ZoneId: z.zoneId,
    ZoneName: z.zoneName,
    Remark: z.remark,
    ProxyPattern: z.proxyPattern,
    DnsGroup: z.dnsGroup,
    DnsGroupChanging: false,
    IsPtr: z.zoneName.endsWith('.in-addr.arpa') || z.zoneName.endsWith('.ip6.arpa'),
    RecordCount: recordCount(a, z.zoneId),
    ResourceGroupId: z.resourceGroupId,
    Creator: ctx.accountUid,
    CreateTime: isoMinutes(z.createdAt),
    CreateTimestamp: z.createdAt,
    UpdateTime: isoMinutes(z.updatedAt),
    UpdateTimestamp: z.updatedAt,
    ZoneType: 'AUTH_ZONE',
    ZoneTag: '',
  };
}

function renderVpcs(ctx: CallContext, z: ZoneRecord): Record<string, unknown>[] {
  return z.bindVpcs.map((b) => ({
    RegionId: b.regionId,
    RegionName: b.regionId,
    VpcId: b.vpcId,
    VpcName: findVpc(ctx.state, ctx.accountUid, b.regionId, b.vpcId)?.vpcName ?? '',
    VpcType: b.vpcType,
    VpcUserId: Number(ctx.accountUid),
  }));
}

function renderRecord(r: DnsRecord): Record<string, unknown> {
  return {
    RecordId: r.recordId,
    ZoneId: r.zoneId,
    Rr: r.rr,
    Type: r.type,
    Value: r.value,
    Ttl: r.ttl,
    Priority: r.priority,
    Weight: r.weight,
    Line: r.line,
    Status: r.status,
    Remark: r.remark,
    CreateTime: isoMinutes(r.createdAt),
    CreateTimestamp: r.createdAt,
    UpdateTime: isoMinutes(r.updatedAt),
    UpdateTimestamp: r.updatedAt,
  };
}

interface RecordSpec {
  rr: string;
  type: RecordType;
  value: string;
  ttl: number;
  priority: number;
  weight: number;
  line: string;
}

function recordSpec(params: FlatParams): RecordSpec {
  const rr = requireString(params, 'Rr').toLowerCase();
  if (!/^(@|\*|(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*)$/.test(rr)) throw pvtzErrors.invalid('Rr', `The host record is invalid: ${rr}.`);
  const type = requireString(params, 'Type') as RecordType;
  if (!RECORD_TYPES.includes(type)) throw pvtzErrors.invalid('Type', `Type must be one of ${RECORD_TYPES.join(', ')}.`);
  const value = requireString(params, 'Value');
  if (type === 'A' && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(value)) throw pvtzErrors.invalid('Value', `An A record needs an IPv4 address: ${value}.`);
  if (type === 'AAAA' && !value.includes(':')) throw pvtzErrors.invalid('Value', `An AAAA record needs an IPv6 address: ${value}.`);
  if (type === 'TXT' && value.length > 255) throw pvtzErrors.invalid('Value', 'A TXT value holds at most 255 characters.');
  const ttl = optionalInt(params, 'Ttl') ?? 60;
  if (!TTLS.includes(ttl)) throw pvtzErrors.invalid('Ttl', `Ttl must be one of ${TTLS.join(', ')}.`);
  const priority = optionalInt(params, 'Priority') ?? 1;
  if (type === 'MX' && (priority < 1 || priority > 99)) throw pvtzErrors.invalid('Priority', 'Priority must be between 1 and 99.');
  const weight = optionalInt(params, 'Weight') ?? 1;
  if (weight < 1 || weight > 100) throw pvtzErrors.invalid('Weight', 'Weight must be between 1 and 100.');
  return { rr, type, value, ttl, priority: type === 'MX' ? priority : 0, weight, line: optionalString(params, 'Line') ?? 'default' };
}

/** The uniqueness rules: no exact duplicate, and a CNAME stands alone at its Rr. */
function assertUnique(a: PvtzAccount, zoneId: string, spec: RecordSpec, except: number | undefined): void {
  const others = Object.values(a.records).filter((r) => r.zoneId === zoneId && r.rr === spec.rr && r.recordId !== except);
  if (others.some((r) => r.type === spec.type && r.value === spec.value && r.line === spec.line)) throw pvtzErrors.duplicate();
  if (spec.type === 'CNAME' ? others.some((r) => r.type !== 'CNAME' || r.line === spec.line) : others.some((r) => r.type === 'CNAME')) throw pvtzErrors.conflict(spec.rr);
}

/** Idempotency by ClientToken within the token window (the earlier id, or a recorder for the new one). */
function idempotent(ctx: CallContext, a: PvtzAccount, actionName: string, params: FlatParams): { earlier: string | undefined; remember(id: string): void } {
  const t = optionalString(params, 'ClientToken');
  const key = t === undefined ? undefined : `${actionName}:${t}`;
  const windowMs = ctx.settings.async.clientTokenWindow;
  return {
    earlier: key === undefined ? undefined : recallToken(a.tokens, key, ctx.now(), windowMs),
    remember: (id) => void (key !== undefined && rememberToken(a.tokens, key, id, ctx.now(), windowMs)),
  };
}

export const pvtzActions: Readonly<Record<string, RpcAction>> = {
  AddZone: action(true, (ctx, { params }, a) => {
    const tk = idempotent(ctx, a, 'AddZone', params);
    if (tk.earlier !== undefined && a.zones[tk.earlier] !== undefined) {
      const z = a.zones[tk.earlier]!;
      return { Success: true, ZoneId: z.zoneId, ZoneName: z.zoneName };
    }
    const name = requireString(params, 'ZoneName').toLowerCase().replace(/\.$/, '');
    if (!validZoneName(name)) throw pvtzErrors.zoneName(name);
    if (Object.values(a.zones).some((z) => z.zoneName === name)) throw pvtzErrors.zoneExists(name);
    const now = ctx.now();
    const z: ZoneRecord = {
      zoneId: Buffer.from(ctx.ids.next(''), 'utf8').toString('hex').slice(0, 32).padEnd(32, '0'),
      zoneName: name,
      remark: '',
      proxyPattern: optionalEnum(params, 'ProxyPattern', ['ZONE', 'RECORD'] as const) ?? 'ZONE',
      dnsGroup: optionalEnum(params, 'DnsGroup', ['NORMAL_ZONE', 'FAST_ZONE'] as const) ?? 'NORMAL_ZONE',
      resourceGroupId: optionalString(params, 'ResourceGroupId') ?? '',
      bindVpcs: [],
      createdAt: now,
      updatedAt: now,
    };
    a.zones[z.zoneId] = z;
    tk.remember(z.zoneId);
    return { Success: true, ZoneId: z.zoneId, ZoneName: z.zoneName };
  }),

  DescribeZones: action(false, (ctx, { params }, a) => {
    const vpc = optionalString(params, 'QueryVpcId');
    const region = optionalString(params, 'QueryRegionId');
    const type = optionalEnum(params, 'ZoneType', ['AUTH_ZONE', 'CLOUD_PRODUCT_ZONE'] as const) ?? 'AUTH_ZONE';
    const rg = optionalString(params, 'ResourceGroupId');
    const list = Object.values(a.zones)
      .filter(
        (z) =>
          type === 'AUTH_ZONE' &&
          keywordMatch(z.zoneName, params) &&
          (rg === undefined || z.resourceGroupId === rg) &&
          (vpc === undefined || z.bindVpcs.some((b) => b.vpcId === vpc && (region === undefined || b.regionId === region))),
      )
      .sort((x, y) => x.createdAt - y.createdAt || (x.zoneId < y.zoneId ? -1 : 1));
    const page = paginate(list, params, PAGE);
    return { ...pageFields(page), Zones: { Zone: page.items.map((z) => ({ ...renderZone(ctx, a, z), ResourceTags: { ResourceTag: [] }, SlaveDnsStatus: 'CLOSED' })) } };
  }),

  DescribeZoneInfo: action(false, (ctx, { params }, a) => {
    const z = zone(a, params);
    return {
      ...renderZone(ctx, a, z),
      CreatorType: 'USER',
      SlaveDns: false,
      BindVpcs: { Vpc: renderVpcs(ctx, z) },
      BindEdgeDnsClusters: { EdgeDnsCluster: [] },
    };
  }),

  UpdateZoneRemark: action(true, (ctx, { params }, a) => {
    const z = zone(a, params);
    const remark = params['Remark'] ?? '';
    if (remark.length > 50) throw pvtzErrors.invalid('Remark', 'A remark holds at most 50 characters.');
    z.remark = remark;
    z.updatedAt = ctx.now();
    return { ZoneId: z.zoneId };
  }),

  DeleteZone: action(true, (_ctx, { params }, a) => {
    const z = zone(a, params);
    if (z.bindVpcs.length > 0) throw pvtzErrors.zoneHasVpcs(z.zoneId);
    for (const [id, r] of Object.entries(a.records)) if (r.zoneId === z.zoneId) delete a.records[id];
    delete a.zones[z.zoneId];
    return { ZoneId: z.zoneId };
  }),

  CheckZoneName: action(false, (_ctx, { params }, a) => {
    const name = requireString(params, 'ZoneName').toLowerCase().replace(/\.$/, '');
    return { Success: true, Check: validZoneName(name) && !Object.values(a.zones).some((z) => z.zoneName === name) };
  }),

  SetProxyPattern: action(true, (ctx, { params }, a) => {
    const z = zone(a, params);
    const p = optionalEnum(params, 'ProxyPattern', ['ZONE', 'RECORD'] as const);
    if (p === undefined) requireString(params, 'ProxyPattern');
    z.proxyPattern = p ?? z.proxyPattern;
    z.updatedAt = ctx.now();
    return { ZoneId: z.zoneId };
  }),

  AddZoneRecord: action(true, (ctx, { params }, a) => {
    const z = zone(a, params);
    const tk = idempotent(ctx, a, 'AddZoneRecord', params);
    if (tk.earlier !== undefined && a.records[tk.earlier] !== undefined) return { Success: true, RecordId: Number(tk.earlier) };
    const spec = recordSpec(params);
    assertUnique(a, z.zoneId, spec, undefined);
    const now = ctx.now();
    const r: DnsRecord = { recordId: 429570000 + ctx.ids.seq('pvtz.record'), zoneId: z.zoneId, ...spec, status: 'ENABLE', remark: optionalString(params, 'Remark') ?? '', createdAt: now, updatedAt: now };
    a.records[String(r.recordId)] = r;
    z.updatedAt = now;
    tk.remember(String(r.recordId));
    return { Success: true, RecordId: r.recordId };
  }),

  DescribeZoneRecords: action(false, (_ctx, { params }, a) => {
    const z = zone(a, params);
    const list = Object.values(a.records)
      .filter((r) => r.zoneId === z.zoneId && keywordMatch(r.rr, params))
      .sort((x, y) => x.recordId - y.recordId);
    const page = paginate(list, params, PAGE);
    return { ...pageFields(page), Records: { Record: page.items.map(renderRecord) } };
  }),

  DescribeZoneRecord: action(false, (_ctx, { params }, a) => renderRecord(record(a, params))),

  UpdateZoneRecord: action(true, (ctx, { params }, a) => {
    const r = record(a, params);
    const spec = recordSpec(params);
    assertUnique(a, r.zoneId, spec, r.recordId);
    Object.assign(r, spec, { updatedAt: ctx.now() });
    return { RecordId: r.recordId };
  }),

  SetZoneRecordStatus: action(true, (ctx, { params }, a) => {
    const r = record(a, params);
    const status = optionalEnum(params, 'Status', ['ENABLE', 'DISABLE'] as const);
    if (status === undefined) requireString(params, 'Status');
    r.status = status ?? r.status;
    r.updatedAt = ctx.now();
    return { RecordId: r.recordId, Status: r.status };
  }),

  UpdateRecordRemark: action(true, (ctx, { params }, a) => {
    const r = record(a, params);
    r.remark = params['Remark'] ?? '';
    r.updatedAt = ctx.now();
    return { RecordId: r.recordId };
  }),

  DeleteZoneRecord: action(true, (_ctx, { params }, a) => {
    const r = record(a, params);
    delete a.records[String(r.recordId)];
    return { RecordId: r.recordId };
  }),

  BindZoneVpc: action(true, (ctx, { params }, a) => {
    const z = zone(a, params);
    const vpcs = repeatObjects(params, 'Vpcs').map((v) => {
      const vpcId = v['VpcId'] ?? '';
      const regionId = v['RegionId'] ?? '';
      if (vpcId === '' || regionId === '') throw pvtzErrors.invalid('Vpcs', 'Every VPC needs VpcId and RegionId.');
      const vpcType = v['VpcType'] === 'EDS' ? 'EDS' : 'STANDARD';
      if (findVpc(ctx.state, ctx.accountUid, regionId, vpcId) === undefined) throw pvtzErrors.vpcNotFound(vpcId, regionId);
      return { regionId, vpcId, vpcType } as const;
    });
    const unique = new Map(vpcs.map((v) => [`${v.regionId}/${v.vpcId}`, v]));
    z.bindVpcs = [...unique.values()];
    z.updatedAt = ctx.now();
    return {};
  }),

  DescribeZoneVpcTree: action(false, (ctx, _req, a) => ({
    Zones: {
      Zone: Object.values(a.zones)
        .sort((x, y) => x.createdAt - y.createdAt || (x.zoneId < y.zoneId ? -1 : 1))
        .map((z) => {
          const { ProxyPattern: _p, ResourceGroupId: _r, ...rest } = renderZone(ctx, a, z);
          return { ...rest, CreatorType: 'USER', Vpcs: { Vpc: renderVpcs(ctx, z).map(({ VpcUserId: _u, ...v }) => v) } };
        }),
    },
  })),

  DescribeRegions: action(false, () => ({
    Regions: {
      Region: ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'cn-zhangjiakou', 'cn-hongkong', 'ap-southeast-1', 'us-west-1', 'eu-central-1'].map((id) => ({
        RegionId: id,
        RegionName: id,
        LocalName: id,
        RegionEndpoint: 'pvtz.aliyuncs.com',
      })),
    },
  })),

  DescribeUserServiceStatus: action(false, () => ({ Status: 'OPENED' })),
};
