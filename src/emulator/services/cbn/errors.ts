/**
 * CBN 2017-09-12 errors (shared/api/cbn-2017-09-12.json `errors`). Which code answers which
 * situation, and the guessed ones, are listed in SPEC.md.
 */
import { ApiError } from '../../core/contract.js';

export const cbnErrors = {
  dryRun: () => new ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.', 400),
  cenNotFound: (id: string) => new ApiError('ParameterCenInstanceId', `The specified CEN instance does not exist: ${id}.`, 400),
  trNotFound: (id: string) => new ApiError('ParameterInstanceId', `The specified transit router does not exist: ${id}.`, 400),
  attachmentNotFound: (id: string) => new ApiError('IllegalParam.TransitRouterAttachmentId', `The specified attachment does not exist: ${id}.`, 400),
  routeTableNotFound: (id: string) => new ApiError('IllegalParam.TransitRouterRouteTableId', `The specified route table does not exist: ${id}.`, 400),
  routeEntryNotFound: (what: string) => new ApiError('IllegalParam.TransitRouterRouteEntryId', `The specified route entry does not exist: ${what}.`, 400),
  cenStatus: (id: string, status: string) => new ApiError('InvalidOperation.CenInstanceStatus', `The CEN instance ${id} is ${status}.`, 400),
  parentBusy: (id: string, status: string) => new ApiError('Operation.Blocking', `The operation is blocked because ${id} is ${status}. Retry later.`, 400),
  status: (id: string, status: string) => new ApiError('IncorrectStatus.Status', `The resource ${id} is ${status}; the operation needs it to be stable.`, 400),
  trStatus: (id: string, status: string) => new ApiError('IncorrectStatus.TransitRouterInstance', `The transit router ${id} is ${status}.`, 400),
  childrenExist: (id: string) =>
    new ApiError('InvalidOperation.AttachedChildInstanceExist', `The instance ${id} still has attachments. Delete them first.`, 400),
  basicNotSupported: (id: string) =>
    new ApiError(
      'InstanceStatus.NotSupport',
      `The transit router ${id} is a Basic Edition transit router, which does not support this operation; attachments, route tables and cross-region connections need Enterprise Edition transit routers.`,
      400,
    ),
  trExists: (cenId: string, region: string) =>
    new ApiError('ParameterInstanceId.TransitRouterExists', `The CEN instance ${cenId} already has a transit router in ${region}.`, 400),
  vpcOrVswitch: (what: string) => new ApiError('IncorrectStatus.VpcOrVswitch', `The VPC or vSwitch is invalid: ${what}.`, 400),
  vswitchZone: (vsw: string, zone: string) => new ApiError('IncorrectStatus.VpcSwitch', `The vSwitch ${vsw} is not in zone ${zone}.`, 400),
  vpcAttached: (vpc: string) => new ApiError('IncorrectStatus.VpcResource', `The VPC ${vpc} is already attached to a transit router of this CEN.`, 400),
  vpcRoutes: (id: string) => new ApiError('IncorrectStatus.VpcRouteEntry', `VPC route entries still use attachment ${id} as their next hop.`, 400),
  trRoutes: (id: string) => new ApiError('IncorrectStatus.Attachment', `Transit router route entries still use attachment ${id} as their next hop; delete them or use Force.`, 400),
  nextHop: (id: string, why: string) => new ApiError('IncorrectStatus.Attachment', `The next hop ${id} cannot be used: ${why}.`, 400),
  duplicateRoute: (cidr: string) =>
    new ApiError('OperationFailed.CreateRouteEntryWithSameDestinationCidrBlock', `A route entry for ${cidr} already exists in this route table.`, 400),
  peerSameRegion: () => new ApiError('IllegalParam.PeerTransitRouterRegionId', 'An inter-region connection needs transit routers in two different regions.', 400),
  peerOtherCen: () => new ApiError('IllegalParam.PeerTransitRouterId', 'Both transit routers must belong to the same CEN instance.', 400),
  peerExists: (a: string, b: string) => new ApiError('IncorrectStatus.Attachment', `An inter-region connection between ${a} and ${b} already exists.`, 400),
  invalid: (name: string, message: string) => new ApiError(`IllegalParam.${name}`, message, 400),
} as const;
