/**
 * RAM 2015-05-01 through the official SDK `@alicloud/ram20150501`: the roles, policies and
 * attachments acrctl derives for cross-account replication (DOMAIN.md: the role
 * `aliyuncontainerregistrycrossaccoutsyncrole` in the target account, its trust policy, a
 * least-privilege policy and the attachment). Request and response types are the SDK's own models
 * (camelCase fields); calls go through the session pipeline (rate limit, retries, counters).
 *
 * Retry semantics: reads always; updates, deletes, detaches and SetDefaultPolicyVersion are
 * idempotent; creates and AttachPolicyToRole are sent once (a lost connection becomes
 * `cloud.outcome-unknown`; the caller reconciles by reading).
 * Pagination: ListRoles and ListPolicies use Marker/MaxItems/IsTruncated; the other lists return
 * everything in one response.
 */
import * as ramModule from '@alicloud/ram20150501';
import { collectAll, pagesByMarker, type Collected } from './paginate.js';
import { IDEMPOTENT_WRITE, ONCE_WRITE, READ, type SdkCallFn } from './pipeline.js';
import { bodyOf, cjsDefault, runtimeOptions, sdkConfig, type ClientConfig, type ModelFields } from './sdk.js';

const RamSdk = cjsDefault<typeof ramModule.default.default>(ramModule);
export type RamSdkClient = InstanceType<typeof RamSdk>;
export type RamRole = NonNullable<NonNullable<ramModule.ListRolesResponseBody['roles']>['role']>[number];
export type RamPolicy = NonNullable<NonNullable<ramModule.ListPoliciesResponseBody['policies']>['policy']>[number];

/** Creates the official RAM client for one account. */
export function createRamSdk(config: ClientConfig): RamSdkClient {
  return new RamSdk(sdkConfig(config));
}

/** RAM's largest MaxItems. */
export const RAM_MAX_ITEMS = 1000;

export class RamClient {
  /** Resolves the SDK client on first use (the endpoint lookup may be asynchronous). */
  readonly #sdk: () => Promise<RamSdkClient>;
  readonly #call: SdkCallFn;

  constructor(sdk: () => Promise<RamSdkClient>, call: SdkCallFn) {
    this.#sdk = sdk;
    this.#call = call;
  }

  createRole(req: ModelFields<ramModule.CreateRoleRequest>): Promise<ramModule.CreateRoleResponseBody> {
    return this.#call('CreateRole', ONCE_WRITE, async () =>
      bodyOf(await (await this.#sdk()).createRoleWithOptions(new ramModule.CreateRoleRequest(req), runtimeOptions()), 'CreateRole'),
    );
  }
  getRole(req: ModelFields<ramModule.GetRoleRequest>): Promise<ramModule.GetRoleResponseBody> {
    return this.#call('GetRole', READ, async () =>
      bodyOf(await (await this.#sdk()).getRoleWithOptions(new ramModule.GetRoleRequest(req), runtimeOptions()), 'GetRole'),
    );
  }
  updateRole(req: ModelFields<ramModule.UpdateRoleRequest>): Promise<ramModule.UpdateRoleResponseBody> {
    return this.#call('UpdateRole', IDEMPOTENT_WRITE, async () =>
      bodyOf(await (await this.#sdk()).updateRoleWithOptions(new ramModule.UpdateRoleRequest(req), runtimeOptions()), 'UpdateRole'),
    );
  }
  deleteRole(req: ModelFields<ramModule.DeleteRoleRequest>): Promise<ramModule.DeleteRoleResponseBody> {
    return this.#call('DeleteRole', IDEMPOTENT_WRITE, async () =>
      bodyOf(await (await this.#sdk()).deleteRoleWithOptions(new ramModule.DeleteRoleRequest(req), runtimeOptions()), 'DeleteRole'),
    );
  }
  listRoles(req: ModelFields<ramModule.ListRolesRequest>): Promise<ramModule.ListRolesResponseBody> {
    return this.#call('ListRoles', READ, async () =>
      bodyOf(await (await this.#sdk()).listRolesWithOptions(new ramModule.ListRolesRequest(req), runtimeOptions()), 'ListRoles'),
    );
  }
  createPolicy(req: ModelFields<ramModule.CreatePolicyRequest>): Promise<ramModule.CreatePolicyResponseBody> {
    return this.#call('CreatePolicy', ONCE_WRITE, async () =>
      bodyOf(await (await this.#sdk()).createPolicyWithOptions(new ramModule.CreatePolicyRequest(req), runtimeOptions()), 'CreatePolicy'),
    );
  }
  getPolicy(req: ModelFields<ramModule.GetPolicyRequest>): Promise<ramModule.GetPolicyResponseBody> {
    return this.#call('GetPolicy', READ, async () =>
      bodyOf(await (await this.#sdk()).getPolicyWithOptions(new ramModule.GetPolicyRequest(req), runtimeOptions()), 'GetPolicy'),
    );
  }
  getPolicyVersion(req: ModelFields<ramModule.GetPolicyVersionRequest>): Promise<ramModule.GetPolicyVersionResponseBody> {
    return this.#call('GetPolicyVersion', READ, async () =>
      bodyOf(await (await this.#sdk()).getPolicyVersionWithOptions(new ramModule.GetPolicyVersionRequest(req), runtimeOptions()), 'GetPolicyVersion'),
    );
  }
  createPolicyVersion(req: ModelFields<ramModule.CreatePolicyVersionRequest>): Promise<ramModule.CreatePolicyVersionResponseBody> {
    return this.#call('CreatePolicyVersion', ONCE_WRITE, async () =>
      bodyOf(await (await this.#sdk()).createPolicyVersionWithOptions(new ramModule.CreatePolicyVersionRequest(req), runtimeOptions()), 'CreatePolicyVersion'),
    );
  }
  listPolicyVersions(req: ModelFields<ramModule.ListPolicyVersionsRequest>): Promise<ramModule.ListPolicyVersionsResponseBody> {
    return this.#call('ListPolicyVersions', READ, async () =>
      bodyOf(await (await this.#sdk()).listPolicyVersionsWithOptions(new ramModule.ListPolicyVersionsRequest(req), runtimeOptions()), 'ListPolicyVersions'),
    );
  }
  deletePolicyVersion(req: ModelFields<ramModule.DeletePolicyVersionRequest>): Promise<ramModule.DeletePolicyVersionResponseBody> {
    return this.#call('DeletePolicyVersion', IDEMPOTENT_WRITE, async () =>
      bodyOf(await (await this.#sdk()).deletePolicyVersionWithOptions(new ramModule.DeletePolicyVersionRequest(req), runtimeOptions()), 'DeletePolicyVersion'),
    );
  }
  deletePolicy(req: ModelFields<ramModule.DeletePolicyRequest>): Promise<ramModule.DeletePolicyResponseBody> {
    return this.#call('DeletePolicy', IDEMPOTENT_WRITE, async () =>
      bodyOf(await (await this.#sdk()).deletePolicyWithOptions(new ramModule.DeletePolicyRequest(req), runtimeOptions()), 'DeletePolicy'),
    );
  }
  listPolicies(req: ModelFields<ramModule.ListPoliciesRequest>): Promise<ramModule.ListPoliciesResponseBody> {
    return this.#call('ListPolicies', READ, async () =>
      bodyOf(await (await this.#sdk()).listPoliciesWithOptions(new ramModule.ListPoliciesRequest(req), runtimeOptions()), 'ListPolicies'),
    );
  }
  attachPolicyToRole(req: ModelFields<ramModule.AttachPolicyToRoleRequest>): Promise<ramModule.AttachPolicyToRoleResponseBody> {
    return this.#call('AttachPolicyToRole', ONCE_WRITE, async () =>
      bodyOf(await (await this.#sdk()).attachPolicyToRoleWithOptions(new ramModule.AttachPolicyToRoleRequest(req), runtimeOptions()), 'AttachPolicyToRole'),
    );
  }
  detachPolicyFromRole(req: ModelFields<ramModule.DetachPolicyFromRoleRequest>): Promise<ramModule.DetachPolicyFromRoleResponseBody> {
    return this.#call('DetachPolicyFromRole', IDEMPOTENT_WRITE, async () =>
      bodyOf(await (await this.#sdk()).detachPolicyFromRoleWithOptions(new ramModule.DetachPolicyFromRoleRequest(req), runtimeOptions()), 'DetachPolicyFromRole'),
    );
  }
  listPoliciesForRole(req: ModelFields<ramModule.ListPoliciesForRoleRequest>): Promise<ramModule.ListPoliciesForRoleResponseBody> {
    return this.#call('ListPoliciesForRole', READ, async () =>
      bodyOf(await (await this.#sdk()).listPoliciesForRoleWithOptions(new ramModule.ListPoliciesForRoleRequest(req), runtimeOptions()), 'ListPoliciesForRole'),
    );
  }
  getAccountAlias(): Promise<ramModule.GetAccountAliasResponseBody> {
    return this.#call('GetAccountAlias', READ, async () => bodyOf(await (await this.#sdk()).getAccountAliasWithOptions(runtimeOptions()), 'GetAccountAlias'));
  }
  setDefaultPolicyVersion(req: ModelFields<ramModule.SetDefaultPolicyVersionRequest>): Promise<ramModule.SetDefaultPolicyVersionResponseBody> {
    return this.#call('SetDefaultPolicyVersion', IDEMPOTENT_WRITE, async () =>
      bodyOf(await (await this.#sdk()).setDefaultPolicyVersionWithOptions(new ramModule.SetDefaultPolicyVersionRequest(req), runtimeOptions()), 'SetDefaultPolicyVersion'),
    );
  }
  listEntitiesForPolicy(req: ModelFields<ramModule.ListEntitiesForPolicyRequest>): Promise<ramModule.ListEntitiesForPolicyResponseBody> {
    return this.#call('ListEntitiesForPolicy', READ, async () =>
      bodyOf(await (await this.#sdk()).listEntitiesForPolicyWithOptions(new ramModule.ListEntitiesForPolicyRequest(req), runtimeOptions()), 'ListEntitiesForPolicy'),
    );
  }

  /** Every role of the account (Marker/MaxItems). */
  allRoles(maxItems = RAM_MAX_ITEMS): Promise<Collected<RamRole>> {
    return collectAll(
      pagesByMarker(async (marker, MaxItems) => {
        const r = await this.listRoles({ ...(marker !== undefined ? { marker } : {}), maxItems: MaxItems });
        return { items: r.roles?.role ?? [], isTruncated: r.isTruncated, marker: r.marker };
      }, { maxItems }),
    );
  }

  /** Every policy of a type (`Custom` or `System`) (Marker/MaxItems). */
  allPolicies(policyType: 'Custom' | 'System', maxItems = RAM_MAX_ITEMS): Promise<Collected<RamPolicy>> {
    return collectAll(
      pagesByMarker(async (marker, MaxItems) => {
        const r = await this.listPolicies({ policyType, ...(marker !== undefined ? { marker } : {}), maxItems: MaxItems });
        return { items: r.policies?.policy ?? [], isTruncated: r.isTruncated, marker: r.marker };
      }, { maxItems }),
    );
  }
}
