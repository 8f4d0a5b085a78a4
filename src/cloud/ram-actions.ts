/**
 * The RAM authorisation table: for every API acrctl calls (and every API the emulator serves), the
 * RAM action a policy must allow and the resource ARNs it is evaluated on. Product knowledge only:
 * pure data and string templating, no `node:` import, no cloud client, no emulator import, so that
 * both the emulator (which enforces it, src/emulator/services/ram/authorize.ts) and acrctl (which
 * derives least-privilege policies from it, `acrctl policy`) can import it.
 *
 * Sources: the vendor's per-API "Authorization information" tables and the Container Registry
 * "RAM authentication rules" page (resource ARN formats), the cross-account seed (003:
 * `cr:CreateSyncRule` and `cr:CreateRepositorySync` on `instance/<id>`), and RAM's and OSS's
 * documented ARN forms. Each rule says whether it is `documented` or `guessed` (an action named
 * after the API and a resource following the product's ARN grammar); treat guesses as such.
 *
 * Resource templates hold placeholders that the caller fills from the request and what it knows:
 * {region} (the region the call is for; global products use `*`), {account} (the UID owning the
 * resource: the caller's account, the role's account for sts:AssumeRole, the bucket owner for
 * OSS), {instance} {namespace} {repository} (cr and Personal Edition names), {role} {policy}
 * {user} {group} (RAM names), {cen} (CBN CenId), {vpc} {routeTable} (VPC ids), {zone} (PrivateZone
 * ZoneId), {bucket} {object} (OSS). A placeholder without a value becomes `*`: the rule then needs a
 * policy resource that covers every value (for creates and lists whose target is not known).
 */

/** The products of the table (the emulator's product names). */
export type RamProduct = 'cr' | 'crpe' | 'bss' | 'ram' | 'sts' | 'cbn' | 'vpc' | 'pvtz' | 'oss' | 'cas';

/** The placeholders a resource template may hold. */
export type RamPlaceholder =
  | 'region'
  | 'account'
  | 'instance'
  | 'namespace'
  | 'repository'
  | 'role'
  | 'policy'
  | 'user'
  | 'group'
  | 'cen'
  | 'vpc'
  | 'routeTable'
  | 'zone'
  | 'bucket'
  | 'object';

/** What RAM evaluates for one API. */
export interface RamActionRule {
  /** The RAM action a policy statement must name (wildcards in policies match it), e.g. `cr:CreateNamespace`. */
  readonly action: string;
  /** Resource ARN templates; the call needs the action allowed on every one of them. */
  readonly resources: readonly string[];
  /** `documented` when a vendor source gives the action and resource; `guessed` otherwise. */
  readonly basis: 'documented' | 'guessed';
  /** Where it is documented, or why it is guessed as it is. */
  readonly note?: string;
}

/** `null`: the API needs no permission (STS GetCallerIdentity, anonymous AssumeRoleWithOIDC). */
export type RamTable = { readonly [P in RamProduct]: Readonly<Record<string, RamActionRule | null>> };

const ALL = '*';

function rule(action: string, resources: string | readonly string[], basis: RamActionRule['basis'] = 'guessed', note?: string): RamActionRule {
  return { action, resources: typeof resources === 'string' ? [resources] : resources, basis, ...(note !== undefined ? { note } : {}) };
}

// ---- Container Registry Enterprise Edition (cr 2018-12-01) ------------------------------------

const CR_INSTANCE = 'acs:cr:{region}:{account}:instance/{instance}';
const CR_INSTANCE_REPOS = 'acs:cr:{region}:{account}:repository/{instance}';
const CR_NAMESPACES = 'acs:cr:{region}:{account}:repository/{instance}/*';
const CR_NAMESPACE = 'acs:cr:{region}:{account}:repository/{instance}/{namespace}';
const CR_NAMESPACE_REPOS = 'acs:cr:{region}:{account}:repository/{instance}/{namespace}/*';
const CR_REPOSITORY = 'acs:cr:{region}:{account}:repository/{instance}/{namespace}/{repository}';
const API_DOC = 'the API reference "Authorization information" table';

const cr: Record<string, RamActionRule> = {
  ListInstance: rule('cr:ListInstance', ALL, 'documented', API_DOC),
  GetInstance: rule('cr:GetInstance', CR_INSTANCE),
  GetInstanceCount: rule('cr:GetInstanceCount', ALL),
  GetInstanceUsage: rule('cr:GetInstanceUsage', CR_INSTANCE),
  ListInstanceRegion: rule('cr:ListInstanceRegion', ALL),
  GetAuthorizationToken: rule('cr:GetAuthorizationToken', ALL, 'documented', 'RAM authentication rules of Container Registry'),
  ResetLoginPassword: rule('cr:ResetLoginPassword', CR_INSTANCE),
  ChangeResourceGroup: rule('cr:ChangeResourceGroup', CR_INSTANCE),
  TagResources: rule('cr:TagResources', CR_INSTANCE),
  UntagResources: rule('cr:UntagResources', CR_INSTANCE),
  ListTagResources: rule('cr:ListTagResources', ALL),
  ListNamespace: rule('cr:ListNamespace', CR_NAMESPACES),
  GetNamespace: rule('cr:GetNamespace', CR_NAMESPACE),
  CreateNamespace: rule('cr:CreateNamespace', CR_INSTANCE_REPOS, 'documented', API_DOC),
  UpdateNamespace: rule('cr:UpdateNamespace', ALL, 'documented', `${API_DOC} (All Resources)`),
  DeleteNamespace: rule('cr:DeleteNamespace', CR_NAMESPACE),
  ListRepository: rule('cr:ListRepository', CR_NAMESPACE_REPOS, 'documented', `${API_DOC}; without RepoNamespaceName the namespace is *`),
  GetRepository: rule('cr:GetRepository', CR_REPOSITORY),
  CreateRepository: rule('cr:CreateRepository', CR_NAMESPACE, 'documented', API_DOC),
  UpdateRepository: rule('cr:UpdateRepository', CR_REPOSITORY),
  DeleteRepository: rule('cr:DeleteRepository', CR_REPOSITORY),
  ListRepoTag: rule('cr:ListRepositoryTag', CR_REPOSITORY, 'guessed', 'named like cr:DeleteRepositoryTag'),
  GetRepoTag: rule('cr:GetRepositoryTag', CR_REPOSITORY, 'guessed', 'named like cr:DeleteRepositoryTag'),
  DeleteRepoTag: rule('cr:DeleteRepositoryTag', CR_REPOSITORY, 'documented', API_DOC),
  CreateRepoTag: rule('cr:CreateRepositoryTag', CR_REPOSITORY, 'guessed', 'named like cr:DeleteRepositoryTag'),
  CreateRepoBuildRule: rule('cr:CreateRepositoryBuildRule', CR_REPOSITORY),
  ListRepoBuildRule: rule('cr:ListRepositoryBuildRule', CR_REPOSITORY),
  ListInstanceEndpoint: rule('cr:ListInstanceEndpoint', CR_INSTANCE, 'guessed', 'the action is named in the vendor’s ACK policies; the resource is guessed'),
  GetInstanceEndpoint: rule('cr:GetInstanceEndpoint', CR_INSTANCE),
  UpdateInstanceEndpointStatus: rule('cr:UpdateInstanceEndpointStatus', CR_INSTANCE),
  CreateInstanceEndpointAclPolicy: rule('cr:CreateInstanceEndpointAclPolicy', CR_INSTANCE),
  DeleteInstanceEndpointAclPolicy: rule('cr:DeleteInstanceEndpointAclPolicy', CR_INSTANCE),
  GetInstanceVpcEndpoint: rule('cr:GetInstanceVpcEndpoint', CR_INSTANCE),
  CreateInstanceVpcEndpointLinkedVpc: rule('cr:CreateInstanceVpcEndpointLinkedVpc', CR_INSTANCE),
  DeleteInstanceVpcEndpointLinkedVpc: rule('cr:DeleteInstanceVpcEndpointLinkedVpc', CR_INSTANCE),
  CreateInstanceCustomizedDomain: rule('cr:CreateInstanceCustomizedDomain', CR_INSTANCE),
  GetInstanceCustomizedDomain: rule('cr:GetInstanceCustomizedDomain', CR_INSTANCE),
  UpdateInstanceCustomizedDomain: rule('cr:UpdateInstanceCustomizedDomain', CR_INSTANCE),
  DeleteInstanceCustomizedDomain: rule('cr:DeleteInstanceCustomizedDomain', CR_INSTANCE),
  // Retention, scanning and webhooks (issue 14): actions named after the APIs (guessed); rules on
  // the instance, webhooks on their repository.
  ListArtifactLifecycleRule: rule('cr:ListArtifactLifecycleRule', CR_INSTANCE),
  GetArtifactLifecycleRule: rule('cr:GetArtifactLifecycleRule', CR_INSTANCE),
  CreateArtifactLifecycleRule: rule('cr:CreateArtifactLifecycleRule', CR_INSTANCE),
  UpdateArtifactLifecycleRule: rule('cr:UpdateArtifactLifecycleRule', CR_INSTANCE),
  DeleteArtifactLifecycleRule: rule('cr:DeleteArtifactLifecycleRule', CR_INSTANCE),
  ListScanRule: rule('cr:ListScanRule', CR_INSTANCE),
  GetScanRule: rule('cr:GetScanRule', CR_INSTANCE),
  CreateScanRule: rule('cr:CreateScanRule', CR_INSTANCE),
  UpdateScanRule: rule('cr:UpdateScanRule', CR_INSTANCE),
  DeleteScanRule: rule('cr:DeleteScanRule', CR_INSTANCE),
  ListRepoTrigger: rule('cr:ListRepositoryTrigger', CR_REPOSITORY, 'guessed', 'named like cr:DeleteRepositoryTag'),
  CreateRepoTrigger: rule('cr:CreateRepositoryTrigger', CR_REPOSITORY, 'guessed', 'named like cr:DeleteRepositoryTag'),
  UpdateRepoTrigger: rule('cr:UpdateRepositoryTrigger', CR_REPOSITORY, 'guessed', 'named like cr:DeleteRepositoryTag'),
  DeleteRepoTrigger: rule('cr:DeleteRepositoryTrigger', CR_REPOSITORY, 'guessed', 'named like cr:DeleteRepositoryTag'),
  // Helm charts (issue 14): actions named after the APIs, on the instance (guessed).
  ListChartNamespace: rule('cr:ListChartNamespace', CR_INSTANCE),
  GetChartNamespace: rule('cr:GetChartNamespace', CR_INSTANCE),
  CreateChartNamespace: rule('cr:CreateChartNamespace', CR_INSTANCE),
  UpdateChartNamespace: rule('cr:UpdateChartNamespace', CR_INSTANCE),
  DeleteChartNamespace: rule('cr:DeleteChartNamespace', CR_INSTANCE),
  ListChartRepository: rule('cr:ListChartRepository', CR_INSTANCE),
  GetChartRepository: rule('cr:GetChartRepository', CR_INSTANCE),
  CreateChartRepository: rule('cr:CreateChartRepository', CR_INSTANCE),
  UpdateChartRepository: rule('cr:UpdateChartRepository', CR_INSTANCE),
  DeleteChartRepository: rule('cr:DeleteChartRepository', CR_INSTANCE),
  // Pull-through subscriptions (issue 14): actions named after the APIs, on the instance (guessed).
  ListArtifactSubscriptionRule: rule('cr:ListArtifactSubscriptionRule', CR_INSTANCE),
  GetArtifactSubscriptionRule: rule('cr:GetArtifactSubscriptionRule', CR_INSTANCE),
  CreateArtifactSubscriptionRule: rule('cr:CreateArtifactSubscriptionRule', CR_INSTANCE),
  UpdateArtifactSubscriptionRule: rule('cr:UpdateArtifactSubscriptionRule', CR_INSTANCE),
  DeleteArtifactSubscriptionRule: rule('cr:DeleteArtifactSubscriptionRule', CR_INSTANCE),
  CreateArtifactSubscriptionTask: rule('cr:CreateArtifactSubscriptionTask', CR_INSTANCE),
  GetArtifactSubscriptionTask: rule('cr:GetArtifactSubscriptionTask', CR_INSTANCE),
  ListArtifactSubscriptionTask: rule('cr:ListArtifactSubscriptionTask', CR_INSTANCE),
  GetArtifactSubscriptionTaskResult: rule('cr:GetArtifactSubscriptionTaskResult', CR_INSTANCE),
  CreateRepoSyncRule: rule('cr:CreateSyncRule', CR_INSTANCE_REPOS, 'documented', `${API_DOC}; the same action as the cross-account sync role of the vendor's cross-account replication page`),
  ListRepoSyncRule: rule('cr:ListSyncRule', CR_INSTANCE_REPOS, 'documented', API_DOC),
  DeleteRepoSyncRule: rule('cr:DeleteSyncRule', CR_INSTANCE_REPOS, 'guessed', 'named like cr:CreateSyncRule'),
  CreateRepoSyncTask: rule('cr:CreateRepositorySync', ALL, 'guessed', 'as CreateRepoSyncTaskByRule'),
  CreateRepoSyncTaskByRule: rule('cr:CreateRepositorySync', ALL, 'documented', `${API_DOC} (All Resources)`),
  ListRepoSyncTask: rule('cr:ListRepositorySync', CR_INSTANCE_REPOS, 'guessed', 'named like cr:CreateRepositorySync'),
  GetRepoSyncTask: rule('cr:GetRepositorySync', CR_INSTANCE_REPOS, 'guessed', 'named like cr:CreateRepositorySync'),
  CancelRepoSyncTask: rule('cr:CancelRepositorySync', CR_INSTANCE_REPOS, 'guessed', 'named like cr:CreateRepositorySync'),
  // Delivery chains (issue 14 item 7): CreateChain's table names repository/<instance>; the others
  // are named after their APIs on the same resource (GetChain's table shows a repository/… ARN).
  CreateChain: rule('cr:CreateChain', CR_INSTANCE_REPOS, 'documented', API_DOC),
  GetChain: rule('cr:GetChain', CR_INSTANCE_REPOS, 'guessed', 'as CreateChain; its table names a repository/… resource'),
  ListChain: rule('cr:ListChain', CR_INSTANCE_REPOS, 'guessed', 'as CreateChain'),
  UpdateChain: rule('cr:UpdateChain', CR_INSTANCE_REPOS, 'guessed', 'as CreateChain'),
  DeleteChain: rule('cr:DeleteChain', CR_INSTANCE_REPOS, 'guessed', 'as CreateChain'),
  // Storage domain routing rules and event notification rules (issue 14 items 8 and 10). The
  // routing rule's ARN is the API reference's (`…/storagedomainroutingrule/*`: no placeholder names
  // a rule id); the event rules' are named after the APIs, on the instance (guessed).
  CreateStorageDomainRoutingRule: rule('cr:CreateStorageDomainRoutingRule', `${CR_INSTANCE}/storagedomainroutingrule/*`, 'documented', API_DOC),
  GetStorageDomainRoutingRule: rule('cr:GetStorageDomainRoutingRule', `${CR_INSTANCE}/storagedomainroutingrule/*`, 'documented', `${API_DOC} (…/storagedomainroutingrule/{RuleId}; * without a RuleId)`),
  UpdateStorageDomainRoutingRule: rule('cr:UpdateStorageDomainRoutingRule', `${CR_INSTANCE}/storagedomainroutingrule/*`, 'guessed', 'as Create/GetStorageDomainRoutingRule'),
  DeleteStorageDomainRoutingRule: rule('cr:DeleteStorageDomainRoutingRule', `${CR_INSTANCE}/storagedomainroutingrule/*`, 'guessed', 'as Create/GetStorageDomainRoutingRule'),
  ListEventCenterRuleName: rule('cr:ListEventCenterRuleName', CR_INSTANCE),
  ListEventCenterRecord: rule('cr:ListEventCenterRecord', CR_INSTANCE),
  UpdateEventCenterRule: rule('cr:UpdateEventCenterRule', CR_INSTANCE),
  DeleteEventCenterRule: rule('cr:DeleteEventCenterRule', CR_INSTANCE),
  // Build rules and source-code bindings (issue 14 item 9); CreateRepoBuildRule and ListRepoBuildRule are above.
  GetRepoSourceCodeRepo: rule('cr:GetSourceRepository', ALL, 'documented', `${API_DOC} (All Resources)`),
  CreateRepoSourceCodeRepo: rule('cr:CreateSourceRepository', ALL, 'documented', `${API_DOC} (All Resources)`),
  UpdateRepoSourceCodeRepo: rule('cr:UpdateSourceRepository', ALL, 'guessed', 'named like cr:CreateSourceRepository'),
  UpdateRepoBuildRule: rule('cr:UpdateRepositoryBuildRule', CR_REPOSITORY, 'documented', API_DOC),
  DeleteRepoBuildRule: rule('cr:DeleteRepositoryBuildRule', CR_REPOSITORY, 'guessed', 'named like cr:UpdateRepositoryBuildRule'),
};

// ---- Container Registry Personal Edition (cr 2016-06-07, ROA) ---------------------------------

const PE_NAMESPACES = 'acs:cr:{region}:{account}:repository/*';
const PE_NAMESPACE = 'acs:cr:{region}:{account}:repository/{namespace}';
const PE_NAMESPACE_REPOS = 'acs:cr:{region}:{account}:repository/{namespace}/*';
const PE_REPOSITORY = 'acs:cr:{region}:{account}:repository/{namespace}/{repository}';
const PE_NOTE = 'Personal Edition ARNs have no instance (the vendor’s repository access-control page: acs:cr:*:*:repository/<namespace>/*)';

const crpe: Record<string, RamActionRule> = {
  GetRegionList: rule('cr:GetRegion', ALL),
  GetAuthorizationToken: rule('cr:GetAuthorizationToken', ALL, 'documented', 'RAM authentication rules of Container Registry'),
  GetNamespaceList: rule('cr:ListNamespace', PE_NAMESPACES, 'guessed', PE_NOTE),
  GetNamespace: rule('cr:GetNamespace', PE_NAMESPACE, 'guessed', PE_NOTE),
  CreateNamespace: rule('cr:CreateNamespace', PE_NAMESPACE, 'guessed', PE_NOTE),
  UpdateNamespace: rule('cr:UpdateNamespace', PE_NAMESPACE, 'guessed', PE_NOTE),
  DeleteNamespace: rule('cr:DeleteNamespace', PE_NAMESPACE, 'guessed', PE_NOTE),
  GetRepoList: rule('cr:ListRepository', PE_NAMESPACES, 'guessed', PE_NOTE),
  GetRepoListByNamespace: rule('cr:ListRepository', PE_NAMESPACE_REPOS, 'guessed', PE_NOTE),
  GetRepo: rule('cr:GetRepository', PE_REPOSITORY, 'guessed', PE_NOTE),
  CreateRepo: rule('cr:CreateRepository', PE_REPOSITORY, 'guessed', PE_NOTE),
  UpdateRepo: rule('cr:UpdateRepository', PE_REPOSITORY, 'guessed', PE_NOTE),
  DeleteRepo: rule('cr:DeleteRepository', PE_REPOSITORY, 'guessed', PE_NOTE),
  GetRepoTags: rule('cr:ListRepositoryTag', PE_REPOSITORY, 'guessed', PE_NOTE),
  GetRepoTag: rule('cr:GetRepositoryTag', PE_REPOSITORY, 'guessed', PE_NOTE),
  DeleteImage: rule('cr:DeleteRepositoryTag', PE_REPOSITORY, 'guessed', PE_NOTE),
  // issue 14 item 9: the build rules an import re-creates in the instance.
  GetRepoBuildRuleList: rule('cr:ListRepositoryBuildRule', PE_REPOSITORY, 'guessed', `${PE_NOTE}; named as the Enterprise Edition's ListRepoBuildRule`),
};

// ---- BssOpenApi --------------------------------------------------------------------------------

const BSS_NOTE = 'BSS has no resource-level authorisation; the action prefix bss: is a guess (the newer RAM code may be bssapi:)';
const bss: Record<string, RamActionRule> = {
  CreateInstance: rule('bss:CreateInstance', ALL, 'guessed', BSS_NOTE),
  RefundInstance: rule('bss:RefundInstance', ALL, 'guessed', BSS_NOTE),
  ModifyInstance: rule('bss:ModifyInstance', ALL, 'guessed', BSS_NOTE),
  QueryAvailableInstances: rule('bss:QueryAvailableInstances', ALL, 'guessed', BSS_NOTE),
};

// ---- RAM -----------------------------------------------------------------------------------------

const RAM_ROLE = 'acs:ram:*:{account}:role/{role}';
const RAM_ROLES = 'acs:ram:*:{account}:role/*';
const RAM_POLICY = 'acs:ram:*:{account}:policy/{policy}';
const RAM_POLICIES = 'acs:ram:*:{account}:policy/*';
const RAM_USER = 'acs:ram:*:{account}:user/{user}';
const RAM_USERS = 'acs:ram:*:{account}:user/*';
const RAM_GROUP = 'acs:ram:*:{account}:group/{group}';
const RAM_GROUPS = 'acs:ram:*:{account}:group/*';
const RAM_NOTE = 'named as the API (RAM’s convention) on RAM ARNs acs:ram:*:<uid>:role|user|group|policy/<name>; attaching needs both the principal and the policy';

const ram: Record<string, RamActionRule> = {
  CreateRole: rule('ram:CreateRole', RAM_ROLE, 'guessed', RAM_NOTE),
  GetRole: rule('ram:GetRole', RAM_ROLE, 'guessed', RAM_NOTE),
  UpdateRole: rule('ram:UpdateRole', RAM_ROLE, 'guessed', RAM_NOTE),
  DeleteRole: rule('ram:DeleteRole', RAM_ROLE, 'guessed', RAM_NOTE),
  ListRoles: rule('ram:ListRoles', RAM_ROLES, 'guessed', RAM_NOTE),
  CreatePolicy: rule('ram:CreatePolicy', RAM_POLICY, 'guessed', RAM_NOTE),
  GetPolicy: rule('ram:GetPolicy', RAM_POLICY, 'guessed', RAM_NOTE),
  GetPolicyVersion: rule('ram:GetPolicyVersion', RAM_POLICY, 'guessed', RAM_NOTE),
  CreatePolicyVersion: rule('ram:CreatePolicyVersion', RAM_POLICY, 'guessed', RAM_NOTE),
  ListPolicyVersions: rule('ram:ListPolicyVersions', RAM_POLICY, 'guessed', RAM_NOTE),
  DeletePolicyVersion: rule('ram:DeletePolicyVersion', RAM_POLICY, 'guessed', RAM_NOTE),
  SetDefaultPolicyVersion: rule('ram:SetDefaultPolicyVersion', RAM_POLICY, 'guessed', RAM_NOTE),
  DeletePolicy: rule('ram:DeletePolicy', RAM_POLICY, 'guessed', RAM_NOTE),
  ListPolicies: rule('ram:ListPolicies', RAM_POLICIES, 'guessed', RAM_NOTE),
  AttachPolicyToRole: rule('ram:AttachPolicyToRole', [RAM_ROLE, RAM_POLICY], 'guessed', RAM_NOTE),
  DetachPolicyFromRole: rule('ram:DetachPolicyFromRole', [RAM_ROLE, RAM_POLICY], 'guessed', RAM_NOTE),
  ListPoliciesForRole: rule('ram:ListPoliciesForRole', RAM_ROLE, 'guessed', RAM_NOTE),
  ListEntitiesForPolicy: rule('ram:ListEntitiesForPolicy', RAM_POLICY, 'guessed', RAM_NOTE),
  GetAccountAlias: rule('ram:GetAccountAlias', ALL, 'guessed'),
  CreateUser: rule('ram:CreateUser', RAM_USER, 'guessed', RAM_NOTE),
  GetUser: rule('ram:GetUser', RAM_USER, 'guessed', RAM_NOTE),
  UpdateUser: rule('ram:UpdateUser', RAM_USER, 'guessed', RAM_NOTE),
  DeleteUser: rule('ram:DeleteUser', RAM_USER, 'guessed', RAM_NOTE),
  ListUsers: rule('ram:ListUsers', RAM_USERS, 'guessed', RAM_NOTE),
  CreateAccessKey: rule('ram:CreateAccessKey', RAM_USER, 'guessed', RAM_NOTE),
  UpdateAccessKey: rule('ram:UpdateAccessKey', RAM_USER, 'guessed', RAM_NOTE),
  DeleteAccessKey: rule('ram:DeleteAccessKey', RAM_USER, 'guessed', RAM_NOTE),
  ListAccessKeys: rule('ram:ListAccessKeys', RAM_USER, 'guessed', RAM_NOTE),
  AttachPolicyToUser: rule('ram:AttachPolicyToUser', [RAM_USER, RAM_POLICY], 'guessed', RAM_NOTE),
  DetachPolicyFromUser: rule('ram:DetachPolicyFromUser', [RAM_USER, RAM_POLICY], 'guessed', RAM_NOTE),
  ListPoliciesForUser: rule('ram:ListPoliciesForUser', RAM_USER, 'guessed', RAM_NOTE),
  CreateGroup: rule('ram:CreateGroup', RAM_GROUP, 'guessed', RAM_NOTE),
  GetGroup: rule('ram:GetGroup', RAM_GROUP, 'guessed', RAM_NOTE),
  DeleteGroup: rule('ram:DeleteGroup', RAM_GROUP, 'guessed', RAM_NOTE),
  ListGroups: rule('ram:ListGroups', RAM_GROUPS, 'guessed', RAM_NOTE),
  AddUserToGroup: rule('ram:AddUserToGroup', [RAM_GROUP, RAM_USER], 'guessed', RAM_NOTE),
  RemoveUserFromGroup: rule('ram:RemoveUserFromGroup', [RAM_GROUP, RAM_USER], 'guessed', RAM_NOTE),
  ListGroupsForUser: rule('ram:ListGroupsForUser', RAM_USER, 'guessed', RAM_NOTE),
  ListUsersForGroup: rule('ram:ListUsersForGroup', RAM_GROUP, 'guessed', RAM_NOTE),
  AttachPolicyToGroup: rule('ram:AttachPolicyToGroup', [RAM_GROUP, RAM_POLICY], 'guessed', RAM_NOTE),
  DetachPolicyFromGroup: rule('ram:DetachPolicyFromGroup', [RAM_GROUP, RAM_POLICY], 'guessed', RAM_NOTE),
  ListPoliciesForGroup: rule('ram:ListPoliciesForGroup', RAM_GROUP, 'guessed', RAM_NOTE),
};

// ---- STS -----------------------------------------------------------------------------------------

const sts: Record<string, RamActionRule | null> = {
  GetCallerIdentity: null,
  AssumeRole: rule('sts:AssumeRole', RAM_ROLE, 'documented', 'the caller needs sts:AssumeRole on the role (AliyunSTSAssumeRoleAccess) and the role’s trust policy must name it; {account} is the role’s'),
  AssumeRoleWithOIDC: null,
};

// ---- CBN (RAM code cen) ------------------------------------------------------------------------

const CEN = 'acs:cen:*:{account}:cen/{cen}';
const CEN_NOTE = 'every CBN resource is evaluated as its CEN instance (transit routers, attachments and route tables belong to one); guessed';
const cbnActions = [
  'CreateCen',
  'DescribeCens',
  'DeleteCen',
  'CreateTransitRouter',
  'ListTransitRouters',
  'DeleteTransitRouter',
  'CreateTransitRouterVpcAttachment',
  'ListTransitRouterVpcAttachments',
  'DeleteTransitRouterVpcAttachment',
  'CreateTransitRouterPeerAttachment',
  'ListTransitRouterPeerAttachments',
  'DeleteTransitRouterPeerAttachment',
  'ListTransitRouterRouteTables',
  'CreateTransitRouterRouteEntry',
  'ListTransitRouterRouteEntries',
  'DeleteTransitRouterRouteEntry',
] as const;
const cbn: Record<string, RamActionRule> = Object.fromEntries(cbnActions.map((a) => [a, rule(`cen:${a}`, CEN, 'guessed', CEN_NOTE)]));

// ---- VPC -----------------------------------------------------------------------------------------

const VPC_DOC = 'the VPC RAM page lists vpc/, vswitch/ and routetable/ ARNs; the per-API resources are guessed';
const vpc: Record<string, RamActionRule> = {
  DescribeVpcs: rule('vpc:DescribeVpcs', 'acs:vpc:{region}:{account}:vpc/*', 'guessed', VPC_DOC),
  DescribeVSwitches: rule('vpc:DescribeVSwitches', 'acs:vpc:{region}:{account}:vswitch/*', 'guessed', VPC_DOC),
  DescribeRouteTableList: rule('vpc:DescribeRouteTableList', 'acs:vpc:{region}:{account}:routetable/*', 'guessed', VPC_DOC),
  DescribeRouteTables: rule('vpc:DescribeRouteTables', 'acs:vpc:{region}:{account}:routetable/*', 'guessed', VPC_DOC),
  DescribeRouteEntryList: rule('vpc:DescribeRouteEntryList', 'acs:vpc:{region}:{account}:routetable/{routeTable}', 'guessed', VPC_DOC),
  CreateRouteEntry: rule('vpc:CreateRouteEntry', 'acs:vpc:{region}:{account}:routetable/{routeTable}', 'guessed', VPC_DOC),
  DeleteRouteEntry: rule('vpc:DeleteRouteEntry', 'acs:vpc:{region}:{account}:routetable/{routeTable}', 'guessed', VPC_DOC),
  DescribeVpnGateways: rule('vpc:DescribeVpnGateways', 'acs:vpc:{region}:{account}:vpngateway/*', 'guessed', VPC_DOC),
  DescribeVirtualBorderRouters: rule('vpc:DescribeVirtualBorderRouters', 'acs:vpc:{region}:{account}:virtualborderrouter/*', 'guessed', VPC_DOC),
};

// ---- PrivateZone ---------------------------------------------------------------------------------

const ZONE = 'acs:pvtz:*:{account}:zone/{zone}';
const ZONES = 'acs:pvtz:*:{account}:zone/*';
const pvtz: Record<string, RamActionRule> = {
  AddZone: rule('pvtz:AddZone', ZONES),
  DescribeZones: rule('pvtz:DescribeZones', ZONES),
  DescribeZoneInfo: rule('pvtz:DescribeZoneInfo', ZONE),
  UpdateZoneRemark: rule('pvtz:UpdateZoneRemark', ZONE),
  DeleteZone: rule('pvtz:DeleteZone', ZONE),
  CheckZoneName: rule('pvtz:CheckZoneName', ALL),
  SetProxyPattern: rule('pvtz:SetProxyPattern', ZONE),
  AddZoneRecord: rule('pvtz:AddZoneRecord', ZONE),
  DescribeZoneRecords: rule('pvtz:DescribeZoneRecords', ZONE),
  DescribeZoneRecord: rule('pvtz:DescribeZoneRecord', ZONE),
  UpdateZoneRecord: rule('pvtz:UpdateZoneRecord', ZONE),
  SetZoneRecordStatus: rule('pvtz:SetZoneRecordStatus', ZONE),
  UpdateRecordRemark: rule('pvtz:UpdateRecordRemark', ZONE),
  DeleteZoneRecord: rule('pvtz:DeleteZoneRecord', ZONE),
  BindZoneVpc: rule('pvtz:BindZoneVpc', ZONE),
  DescribeZoneVpcTree: rule('pvtz:DescribeZoneVpcTree', ZONES),
  DescribeRegions: rule('pvtz:DescribeRegions', ALL),
  DescribeUserServiceStatus: rule('pvtz:DescribeUserServiceStatus', ALL),
};

// ---- OSS -----------------------------------------------------------------------------------------

const BUCKET = 'acs:oss:*:{account}:{bucket}';
const OBJECT = 'acs:oss:*:{account}:{bucket}/{object}';
const OSS_DOC = 'OSS RAM policies: acs:oss:*:<uid>:<bucket>[/<object>]';
const oss: Record<string, RamActionRule | null> = {
  PutBucket: rule('oss:PutBucket', BUCKET, 'documented', OSS_DOC),
  DeleteBucket: rule('oss:DeleteBucket', BUCKET, 'documented', OSS_DOC),
  GetBucketInfo: rule('oss:GetBucketInfo', BUCKET, 'documented', OSS_DOC),
  ListObjects: rule('oss:ListObjects', BUCKET, 'documented', OSS_DOC),
  ListObjectsV2: rule('oss:ListObjects', BUCKET, 'documented', `${OSS_DOC}; ListObjectsV2 needs oss:ListObjects`),
  PutObject: rule('oss:PutObject', OBJECT, 'documented', OSS_DOC),
  AppendObject: rule('oss:PutObject', OBJECT, 'documented', `${OSS_DOC}; AppendObject needs oss:PutObject`),
  GetObject: rule('oss:GetObject', OBJECT, 'documented', OSS_DOC),
  HeadObject: rule('oss:GetObject', OBJECT, 'documented', `${OSS_DOC}; HeadObject needs oss:GetObject`),
  GetObjectMeta: rule('oss:GetObject', OBJECT, 'guessed', 'as HeadObject'),
  DeleteObject: rule('oss:DeleteObject', OBJECT, 'documented', OSS_DOC),
  DeleteMultipleObjects: rule('oss:DeleteObject', 'acs:oss:*:{account}:{bucket}/*', 'guessed', 'the real service checks oss:DeleteObject per key; the emulator checks the whole bucket once'),
  Unsupported: null,
};

// ---- Certificate Management Service (cas 2020-04-07; RAM code yundun-cert) — issue 14 item 6 ----

const CAS_DOC = 'the CAS RAM page gives RAM code yundun-cert with OPERATION granularity (All Resources); UploadUserCertificate\'s page names yundun-cert:UploadUserCertificate on *';
const cas: Record<string, RamActionRule> = {
  UploadUserCertificate: rule('yundun-cert:UploadUserCertificate', ALL, 'documented', CAS_DOC),
  GetUserCertificateDetail: rule('yundun-cert:GetUserCertificateDetail', ALL, 'guessed', `${CAS_DOC}; the action named after the API`),
  ListUserCertificateOrder: rule('yundun-cert:ListUserCertificateOrder', ALL, 'guessed', `${CAS_DOC}; the action named after the API`),
  DeleteUserCertificate: rule('yundun-cert:DeleteUserCertificate', ALL, 'guessed', `${CAS_DOC}; the action named after the API`),
};

/** The table itself. Every API the emulator serves has an entry (a test checks it). */
export const RAM_ACTIONS: RamTable = { cr, crpe, bss, ram, sts, cbn, vpc, pvtz, oss, cas };

/**
 * The rule of one API; `null` when it needs no permission, `undefined` when the table does not
 * know the API (the emulator then refuses an enforced caller, naming `<product>:<Api>`).
 */
export function ramRule(product: RamProduct, api: string): RamActionRule | null | undefined {
  const table = RAM_ACTIONS[product];
  return Object.hasOwn(table, api) ? table[api] : undefined;
}

/** Fills a resource template; a placeholder without a value (undefined or '') becomes `*`. */
export function ramResource(template: string, values: Readonly<Partial<Record<RamPlaceholder, string | undefined>>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => {
    const v = (values as Record<string, string | undefined>)[name];
    return v === undefined || v === '' ? '*' : v;
  });
}
