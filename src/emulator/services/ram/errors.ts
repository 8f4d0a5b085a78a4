/**
 * RAM 2015-05-01 errors, with the codes and HTTP statuses of the real service
 * (shared/api/ram-2015-05-01.json `errors`; PROTOCOL.md §7: 404 for EntityNotExist*, 409 for
 * EntityAlreadyExists*, DeleteConflict* and LimitExceeded*).
 */
import { ApiError } from '../../core/contract.js';

export const ramErrors = {
  roleNotFound: (name: string) => new ApiError('EntityNotExist.Role', `The role does not exist: ${name}.`, 404),
  roleExists: (name: string) => new ApiError('EntityAlreadyExists.Role', `The role already exists: ${name}.`, 409),
  roleLimit: (max: number) => new ApiError('LimitExceeded.Role', `The number of roles exceeds the limit of ${max}.`, 409),
  roleHasPolicies: (name: string) =>
    new ApiError('DeleteConflict.Role.Policy', `The role still has attached policies: ${name}. Detach them first.`, 409),
  policyNotFound: (name: string) => new ApiError('EntityNotExist.Policy', `The policy does not exist: ${name}.`, 404),
  policyExists: (name: string) => new ApiError('EntityAlreadyExists.Policy', `The policy already exists: ${name}.`, 409),
  policyLimit: (max: number) => new ApiError('LimitExceeded.Policy', `The number of custom policies exceeds the limit of ${max}.`, 409),
  versionNotFound: (name: string, v: string) =>
    new ApiError('EntityNotExist.Policy.Version', `The policy version does not exist: ${name}/${v}.`, 404),
  versionLimit: (name: string, max: number) =>
    new ApiError('LimitExceeded.Policy.Version', `The number of versions of policy ${name} exceeds the limit of ${max}.`, 409),
  versionIsDefault: (name: string, v: string) =>
    new ApiError('DeleteConflict.Policy.Version.Default', `The default version ${v} of policy ${name} cannot be deleted.`, 409),
  policyHasVersions: (name: string) =>
    new ApiError('DeleteConflict.Policy.Version', `The policy ${name} still has non-default versions. Delete them first.`, 409),
  policyAttachedToRole: (name: string) =>
    new ApiError('DeleteConflict.Role.Policy', `The policy ${name} is still attached to a role. Detach it first.`, 409),
  alreadyAttached: (policy: string, role: string) =>
    new ApiError('EntityAlreadyExists.Role.Policy', `The policy ${policy} is already attached to role ${role}.`, 409),
  notAttached: (policy: string, role: string) =>
    new ApiError('EntityNotExist.Role.Policy', `The policy ${policy} is not attached to role ${role}.`, 404),
  attachLimit: (role: string, max: number) =>
    new ApiError('LimitExceeded.Role.Policy', `Role ${role} already has the maximum of ${max} attached policies.`, 409),
  policyAttachedTo: (kind: 'User' | 'Group', name: string) =>
    new ApiError(`DeleteConflict.${kind}.Policy`, `The policy ${name} is still attached to a ${kind.toLowerCase()}. Detach it first.`, 409),
  userNotFound: (name: string) => new ApiError('EntityNotExist.User', `The user does not exist: ${name}.`, 404),
  userExists: (name: string) => new ApiError('EntityAlreadyExists.User', `The user already exists: ${name}.`, 409),
  userLimit: (max: number) => new ApiError('LimitExceeded.User', `The number of users exceeds the limit of ${max}.`, 409),
  userHas: (what: 'AccessKey' | 'Policy' | 'Group', name: string) =>
    new ApiError(`DeleteConflict.User.${what}`, `The user ${name} still has ${what === 'AccessKey' ? 'access keys' : what === 'Policy' ? 'attached policies' : 'group memberships'}. Remove them first.`, 409),
  accessKeyNotFound: (id: string) => new ApiError('EntityNotExist.User.AccessKey', `The access key does not exist: ${id}.`, 404),
  accessKeyLimit: (user: string, max: number) => new ApiError('LimitExceeded.User.AccessKey', `User ${user} already has the maximum of ${max} access keys.`, 409),
  groupNotFound: (name: string) => new ApiError('EntityNotExist.Group', `The group does not exist: ${name}.`, 404),
  groupExists: (name: string) => new ApiError('EntityAlreadyExists.Group', `The group already exists: ${name}.`, 409),
  groupLimit: (max: number) => new ApiError('LimitExceeded.Group', `The number of groups exceeds the limit of ${max}.`, 409),
  groupHas: (what: 'User' | 'Policy', name: string) =>
    new ApiError(`DeleteConflict.Group.${what}`, `The group ${name} still has ${what === 'User' ? 'members' : 'attached policies'}. Remove them first.`, 409),
  alreadyMember: (user: string, group: string) => new ApiError('EntityAlreadyExists.User.Group', `User ${user} is already a member of group ${group}.`, 409),
  notMember: (user: string, group: string) => new ApiError('EntityNotExist.User.Group', `User ${user} is not a member of group ${group}.`, 404),
  groupsPerUserLimit: (user: string, max: number) => new ApiError('LimitExceeded.User.Group', `User ${user} is already in the maximum of ${max} groups.`, 409),
  alreadyAttachedTo: (kind: 'User' | 'Group', policy: string, name: string) =>
    new ApiError(`EntityAlreadyExists.${kind}.Policy`, `The policy ${policy} is already attached to ${kind.toLowerCase()} ${name}.`, 409),
  notAttachedTo: (kind: 'User' | 'Group', policy: string, name: string) =>
    new ApiError(`EntityNotExist.${kind}.Policy`, `The policy ${policy} is not attached to ${kind.toLowerCase()} ${name}.`, 404),
  invalid: (code: string, message: string) => new ApiError(code, message, 400),
  malformed: (why: string) => new ApiError('MalformedPolicyDocument', `The policy document is malformed: ${why}.`, 400),
} as const;
