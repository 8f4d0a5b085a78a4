/**
 * PrivateZone 2018-01-01 errors (shared/api/pvtz-2018-01-01.json). Guessed codes are listed in
 * SPEC.md.
 */
import { ApiError } from '../../core/contract.js';

export const pvtzErrors = {
  zoneNotFound: (id: string) => new ApiError('Zone.NotExists', `The zone does not exist: ${id}.`, 404),
  zoneExists: (name: string) => new ApiError('Zone.Exists', `A zone named ${name} already exists in this account.`, 400),
  zoneName: (name: string) => new ApiError('Zone.Invalid.Name', `The zone name is invalid: ${name}.`, 400),
  zoneHasVpcs: (id: string) => new ApiError('Zone.VpcExists', `The zone ${id} is still bound to VPCs. Unbind them first (BindZoneVpc with no Vpcs).`, 400),
  vpcNotFound: (vpc: string, region: string) => new ApiError('ZoneVpc.NotExists.VpcId', `The VPC ${vpc} does not exist in ${region}.`, 400),
  recordNotFound: (id: string) => new ApiError('Record.Invalid.Id', `The record does not exist: ${id}.`, 404),
  duplicate: () => new ApiError('DomainRecordDuplicate', 'A record with the same host record, type, value and line already exists.', 400),
  conflict: (rr: string) => new ApiError('DomainRecordConflict', `A CNAME record cannot coexist with other records at host record ${rr}.`, 400),
  invalid: (name: string, message: string) => new ApiError(`InvalidParameter.${name}`, message, 400),
} as const;
