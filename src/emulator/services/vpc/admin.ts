/**
 * Admin routes that seed what the VPC API cannot create for acrctl (VPCs, vSwitches, custom route
 * tables). JSON in, JSON out; ids may be given (to match an example config) or are generated.
 * Errors are ApiErrors with the codes the real console/API would show for the same mistake.
 */
import { ApiError, type AdminContext, type AdminRoute } from '../../core/contract.js';
import { cidrContains, cidrOverlaps, parseCidr } from './cidr.js';
import { vpcRegion, type RouteTableRecord, type VSwitchRecord, type VpcRecord } from './models.js';

const VPN_STATUSES = ['init', 'provisioning', 'active', 'updating', 'deleting'] as const;
const VBR_STATUSES = ['unconfirmed', 'active', 'terminating', 'terminated', 'recovering', 'deleting'] as const;

function status(b: Record<string, unknown>, allowed: readonly string[]): string {
  const v = optStr(b, 'status') ?? 'active';
  if (!allowed.includes(v)) throw new ApiError('InvalidParameter', `status must be one of ${allowed.join(', ')}: ${v}.`, 400);
  return v;
}

function obj(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('InvalidParameter', 'The body must be a JSON object.', 400);
  return body as Record<string, unknown>;
}

function str(b: Record<string, unknown>, name: string): string {
  const v = b[name];
  if (typeof v !== 'string' || v === '') throw new ApiError(`Missing${name[0]!.toUpperCase()}${name.slice(1)}`, `${name} is required.`, 400);
  return v;
}

function optStr(b: Record<string, unknown>, name: string): string | undefined {
  const v = b[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ApiError('InvalidParameter', `${name} must be a string.`, 400);
  return v;
}

function idOrNew(ctx: AdminContext, given: string | undefined, prefix: string, taken: (id: string) => boolean): string {
  if (given === undefined) return ctx.ids.next(prefix);
  if (!given.startsWith(prefix)) throw new ApiError('InvalidParameter', `An id of this kind must start with ${prefix}: ${given}.`, 400);
  if (taken(given)) throw new ApiError('InvalidParameter.AlreadyExists', `The id is already in use: ${given}.`, 409);
  return given;
}

function scope(ctx: AdminContext, b: Record<string, unknown>) {
  const accountUid = str(b, 'accountUid');
  const regionId = str(b, 'regionId');
  if (ctx.state.accounts[accountUid] === undefined) throw new ApiError('InvalidAccount.NotFound', `No such account in the emulator: ${accountUid}.`, 404);
  return { accountUid, regionId, r: vpcRegion(ctx, accountUid, regionId) };
}

export const vpcAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/vpc/vpcs',
    summary: 'Seed a VPC {accountUid, regionId, cidrBlock, vpcName?, vpcId?, description?, isDefault?} with its vRouter and system route table',
    handle(ctx, _p, body) {
      const b = obj(body);
      const { r } = scope(ctx, b);
      const cidrBlock = str(b, 'cidrBlock');
      if (parseCidr(cidrBlock) === undefined) throw new ApiError('InvalidCidrBlock.Malformed', `Not a valid IPv4 CIDR block: ${cidrBlock}.`, 400);
      const vpcId = idOrNew(ctx, optStr(b, 'vpcId'), 'vpc-', (id) => r.vpcs[id] !== undefined);
      const now = ctx.now();
      const vRouterId = ctx.ids.next('vrt-');
      const table: RouteTableRecord = { routeTableId: ctx.ids.next('vtb-'), vpcId, vRouterId, type: 'System', routeTableName: '', description: '', createdAt: now };
      const vpc: VpcRecord = {
        vpcId,
        vpcName: optStr(b, 'vpcName') ?? '',
        cidrBlock,
        description: optStr(b, 'description') ?? '',
        isDefault: b['isDefault'] === true,
        vRouterId,
        systemRouteTableId: table.routeTableId,
        createdAt: now,
      };
      r.vpcs[vpcId] = vpc;
      r.routeTables[table.routeTableId] = table;
      return { VpcId: vpcId, VRouterId: vRouterId, RouteTableId: table.routeTableId };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/vpc/vswitches',
    summary: 'Seed a vSwitch {accountUid, regionId, vpcId, zoneId, cidrBlock, vSwitchName?, vSwitchId?} inside a seeded VPC',
    handle(ctx, _p, body) {
      const b = obj(body);
      const { regionId, r } = scope(ctx, b);
      const vpc = r.vpcs[str(b, 'vpcId')];
      if (vpc === undefined) throw new ApiError('InvalidVpcId.NotFound', `The specified VPC does not exist: ${String(b['vpcId'])}.`, 404);
      const zoneId = str(b, 'zoneId');
      if (!zoneId.startsWith(regionId)) throw new ApiError('InvalidZoneId.NotFound', `Zone ${zoneId} is not in region ${regionId}.`, 404);
      const cidrBlock = str(b, 'cidrBlock');
      const c = parseCidr(cidrBlock);
      const vc = parseCidr(vpc.cidrBlock);
      if (c === undefined || vc === undefined || !cidrContains(vc, c)) throw new ApiError('InvalidCidrBlock.Malformed', `${cidrBlock} is not a CIDR block inside the VPC's ${vpc.cidrBlock}.`, 400);
      for (const s of Object.values(r.vswitches)) {
        const sc = parseCidr(s.cidrBlock);
        if (s.vpcId === vpc.vpcId && sc !== undefined && cidrOverlaps(sc, c)) throw new ApiError('InvalidCidrBlock.Overlapped', `${cidrBlock} overlaps vSwitch ${s.vSwitchId} (${s.cidrBlock}).`, 400);
      }
      const vSwitchId = idOrNew(ctx, optStr(b, 'vSwitchId'), 'vsw-', (id) => r.vswitches[id] !== undefined);
      const vsw: VSwitchRecord = {
        vSwitchId,
        vpcId: vpc.vpcId,
        zoneId,
        cidrBlock,
        vSwitchName: optStr(b, 'vSwitchName') ?? '',
        description: optStr(b, 'description') ?? '',
        routeTableId: vpc.systemRouteTableId,
        createdAt: ctx.now(),
      };
      r.vswitches[vSwitchId] = vsw;
      return { VSwitchId: vSwitchId };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/vpc/route-tables',
    summary: 'Seed a custom route table {accountUid, regionId, vpcId, routeTableName?, routeTableId?, vSwitchIds?} and associate vSwitches with it',
    handle(ctx, _p, body) {
      const b = obj(body);
      const { r } = scope(ctx, b);
      const vpc = r.vpcs[str(b, 'vpcId')];
      if (vpc === undefined) throw new ApiError('InvalidVpcId.NotFound', `The specified VPC does not exist: ${String(b['vpcId'])}.`, 404);
      const rawIds = b['vSwitchIds'] ?? [];
      if (!Array.isArray(rawIds) || !rawIds.every((x) => typeof x === 'string')) throw new ApiError('InvalidParameter', 'vSwitchIds must be an array of strings.', 400);
      const vsws = (rawIds as string[]).map((id) => {
        const s = r.vswitches[id];
        if (s === undefined || s.vpcId !== vpc.vpcId) throw new ApiError('InvalidVSwitchId.NotFound', `The vSwitch ${id} is not in VPC ${vpc.vpcId}.`, 404);
        return s;
      });
      const routeTableId = idOrNew(ctx, optStr(b, 'routeTableId'), 'vtb-', (id) => r.routeTables[id] !== undefined);
      r.routeTables[routeTableId] = {
        routeTableId,
        vpcId: vpc.vpcId,
        vRouterId: vpc.vRouterId,
        type: 'Custom',
        routeTableName: optStr(b, 'routeTableName') ?? '',
        description: optStr(b, 'description') ?? '',
        createdAt: ctx.now(),
      };
      for (const s of vsws) s.routeTableId = routeTableId;
      return { RouteTableId: routeTableId };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/vpc/vpn-gateways',
    summary: 'Seed a VPN gateway {accountUid, regionId, vpcId, vSwitchId?, vpnGatewayId?, name?, status?} in a seeded VPC',
    handle(ctx, _p, body) {
      const b = obj(body);
      const { r } = scope(ctx, b);
      const vpc = r.vpcs[str(b, 'vpcId')];
      if (vpc === undefined) throw new ApiError('InvalidVpcId.NotFound', `The specified VPC does not exist: ${String(b['vpcId'])}.`, 404);
      const vSwitchId = optStr(b, 'vSwitchId') ?? '';
      if (vSwitchId !== '' && r.vswitches[vSwitchId]?.vpcId !== vpc.vpcId) throw new ApiError('InvalidVSwitchId.NotFound', `The vSwitch ${vSwitchId} is not in VPC ${vpc.vpcId}.`, 404);
      const gateways = (r.vpnGateways ??= {});
      const vpnGatewayId = idOrNew(ctx, optStr(b, 'vpnGatewayId'), 'vpn-', (id) => gateways[id] !== undefined);
      const n = Object.keys(gateways).length + 1;
      gateways[vpnGatewayId] = {
        vpnGatewayId,
        vpcId: vpc.vpcId,
        vSwitchId,
        name: optStr(b, 'name') ?? '',
        status: status(b, VPN_STATUSES),
        // Documentation range (RFC 5737): never a real address.
        internetIp: `198.51.100.${n % 254 || 254}`,
        createdAt: ctx.now(),
      };
      return { VpnGatewayId: vpnGatewayId };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/vpc/virtual-border-routers',
    summary: 'Seed a virtual border router {accountUid, regionId, vbrId?, name?, status?, physicalConnectionId?, vlanId?} (Express Connect)',
    handle(ctx, _p, body) {
      const b = obj(body);
      const { r } = scope(ctx, b);
      const vbrs = (r.vbrs ??= {});
      const vbrId = idOrNew(ctx, optStr(b, 'vbrId'), 'vbr-', (id) => vbrs[id] !== undefined);
      const vlan = b['vlanId'];
      if (vlan !== undefined && (typeof vlan !== 'number' || !Number.isInteger(vlan) || vlan < 0 || vlan > 2999)) throw new ApiError('InvalidParameter', 'vlanId must be an integer 0-2999.', 400);
      const n = Object.keys(vbrs).length + 1;
      vbrs[vbrId] = {
        vbrId,
        name: optStr(b, 'name') ?? '',
        status: status(b, VBR_STATUSES),
        physicalConnectionId: optStr(b, 'physicalConnectionId') ?? ctx.ids.next('pc-'),
        routeTableId: ctx.ids.next('vtb-'),
        vlanId: typeof vlan === 'number' ? vlan : n,
        localGatewayIp: `192.0.2.${(2 * n - 1) % 254 || 253}`,
        peerGatewayIp: `192.0.2.${(2 * n) % 254 || 254}`,
        createdAt: ctx.now(),
      };
      return { VbrId: vbrId, RouteTableId: vbrs[vbrId]!.routeTableId };
    },
  },
];
