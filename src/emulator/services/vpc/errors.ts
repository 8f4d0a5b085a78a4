/**
 * VPC 2016-04-28 errors (shared/api/vpc-2016-04-28.json `errors`). Codes marked "guessed" in
 * SPEC.md are the most plausible names where the vendor documents none.
 */
import { ApiError } from '../../core/contract.js';

export const vpcErrors = {
  missingRegion: () => new ApiError('MissingRegionId', 'RegionId is mandatory for this action.', 400),
  vpcNotFound: (id: string) => new ApiError('InvalidVpcId.NotFound', `The specified VPC does not exist: ${id}.`, 404),
  vswitchNotFound: (id: string) => new ApiError('InvalidVSwitchId.NotFound', `The specified vSwitch does not exist: ${id}.`, 404),
  routeTableNotFound: (id: string) => new ApiError('InvalidRouteTableId.NotFound', `The specified route table does not exist: ${id}.`, 404),
  routeEntryNotFound: () => new ApiError('InvalidRouteEntry.NotFound', 'The specified route entry does not exist.', 404),
  badCidr: (name: string, v: string) => new ApiError(`InvalidParameter.${name}`, `The parameter ${name} is not a valid IPv4 CIDR block: ${v}.`, 400),
  reservedCidr: () => new ApiError('InvalidDestinationCidrBlock.Reserved', 'The destination CIDR block must not be 100.64.0.0/10, which is reserved by the system.', 400),
  duplicated: (cidr: string) => new ApiError('RouterEntryConflict.Duplicated', `A route entry with destination ${cidr} already exists in the route table.`, 400),
  vswitchCidr: (cidr: string) => new ApiError('InvalidCIDRBlock.Duplicate', `The destination ${cidr} is the CIDR block of a vSwitch of the VPC.`, 400),
  taskConflict: () => new ApiError('TaskConflict', 'The operation conflicts with another route task in progress in this VPC. Retry later.', 400),
  entryStatus: (status: string) => new ApiError('IncorrectRouteEntryStatus', `The route entry is ${status}; only Available route entries can be changed.`, 400),
  systemEntry: () => new ApiError('OperationUnsupported.SystemRouteEntry', 'System route entries cannot be deleted.', 400),
  nextHopMissing: () => new ApiError('MissingNextHopId', 'NextHopId is mandatory for this NextHopType.', 400),
  nextHopNotFound: (id: string) => new ApiError('InvalidNextHopId.NotFound', `The specified next hop does not exist: ${id}.`, 404),
  nextHopStatus: (id: string, status: string) => new ApiError('IncorrectStatus.NextHop', `The next hop ${id} is ${status}; it must be Attached.`, 400),
  nextHopOtherVpc: (id: string) => new ApiError('InvalidNextHop.VpcMismatch', `The transit router attachment ${id} does not attach this VPC.`, 400),
  vpnOtherVpc: (id: string) => new ApiError('InvalidNextHop.VpcMismatch', `The VPN gateway ${id} does not belong to the VPC of this route table.`, 400),
  vpnStatus: (id: string, status: string) => new ApiError('IncorrectStatus.NextHop', `The VPN gateway ${id} is ${status}; it must be active.`, 400),
  quota: (max: number) => new ApiError('QuotaExceeded.RouteEntry', `A route table holds at most ${max} custom route entries.`, 400),
  dryRun: () => new ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.', 400),
  invalid: (message: string) => new ApiError('InvalidParameter', message, 400),
} as const;
