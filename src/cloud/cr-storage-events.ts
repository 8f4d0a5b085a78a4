/**
 * Typed requests and responses of two cr 2018-12-01 families (issue 14 items 8 and 10), kept apart
 * from cr.ts so the shared client gains only its methods: storage domain routing rules
 * (Create/Update/Delete/GetStorageDomainRoutingRule; the API is allow-listed by the vendor) and
 * event notification rules (Update/DeleteEventCenterRule, ListEventCenterRuleName,
 * ListEventCenterRecord; the API has no create). Field names and types follow
 * ../shared/api/cr-2018-12-01.json and the official SDK models (@alicloud/cr20181201 2.2.2).
 * Pure types: no `node:` import, no runtime code.
 */

// ---------------------------------------------------------------------------------------------
// Storage domain routing rules. `Routes` is a JSON-string parameter (SDK Shrink).

/** One route (SDK RouteItem): which OSS domain serves the blobs of one instance domain. */
export interface CrStorageRoute {
  /** instance endpoint type; e.g. Internet */
  readonly EndpointType?: string;
  /** instance domain; e.g. test-instance-registry-vpc.cn-hangzhou.cr.aliyuncs.com */
  readonly InstanceDomain?: string;
  /** OSS domain; the API returns it with `https://`; e.g. https://cri-xxx-registry.oss-cn-hangzhou.aliyuncs.com */
  readonly StorageDomain?: string;
}

/** A route as sent: every field is required. */
export interface CrStorageRouteInput {
  readonly EndpointType: string;
  readonly InstanceDomain: string;
  readonly StorageDomain: string;
}

/** CreateStorageDomainRoutingRule (allow-listed API). */
export interface CreateStorageDomainRoutingRuleRequest {
  readonly InstanceId: string;
  readonly Routes: readonly CrStorageRouteInput[];
}
export interface CreateStorageDomainRoutingRuleResponse {
  readonly Code?: string;
  readonly RequestId?: string;
  /** rule ID; e.g. crsdr-n6pbhgjx***** */
  readonly RuleId?: string;
  readonly Success?: boolean;
}

/** UpdateStorageDomainRoutingRule: replaces the rule's routes (allow-listed API). */
export interface UpdateStorageDomainRoutingRuleRequest {
  readonly InstanceId: string;
  readonly RuleId: string;
  readonly Routes: readonly CrStorageRouteInput[];
}
export interface UpdateStorageDomainRoutingRuleResponse {
  readonly Code?: string;
  readonly RequestId?: string;
  readonly Success?: boolean;
}

/** DeleteStorageDomainRoutingRule (allow-listed API). */
export interface DeleteStorageDomainRoutingRuleRequest {
  readonly InstanceId: string;
  readonly RuleId: string;
}
export interface DeleteStorageDomainRoutingRuleResponse {
  readonly Code?: string;
  readonly RequestId?: string;
  readonly Success?: boolean;
}

/**
 * GetStorageDomainRoutingRule (allow-listed API; POST). `RuleId` is optional: without it the
 * instance's rule is returned (there is no List action).
 */
export interface GetStorageDomainRoutingRuleRequest {
  readonly InstanceId: string;
  readonly RuleId?: string;
}
export interface GetStorageDomainRoutingRuleResponse {
  readonly Code?: string;
  /** creation time; epoch ms */
  readonly CreateTime?: number;
  /** modification time; epoch ms */
  readonly ModifyTime?: number;
  readonly RequestId?: string;
  readonly Routes?: readonly CrStorageRoute[];
  /** rule ID; e.g. crsdr-luq6qiegzvx**** */
  readonly RuleId?: string;
  readonly Success?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Event notification rules. There is no Create and no Get: ListEventCenterRuleName gives names
// and ids only, so a rule's configuration cannot be read back.

/** One entry of ListEventCenterRuleName `RuleNames[]`. */
export interface CrEventRuleName {
  /** e.g. crecr-n6pbhgjxtl***** */
  readonly RuleId?: string;
  /** e.g. test-chain */
  readonly RuleName?: string;
}

/** ListEventCenterRuleName (HTTP GET): every rule's name and id; not paged. */
export interface ListEventCenterRuleNameRequest {
  readonly InstanceId: string;
}
export interface ListEventCenterRuleNameResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
  readonly RuleNames?: readonly CrEventRuleName[];
}

/**
 * UpdateEventCenterRule: every field but InstanceId and RuleId is optional in the SDK model.
 * `Namespaces` and `RepoNames` are JSON-string parameters (SDK Shrink).
 */
export interface UpdateEventCenterRuleRequest {
  readonly InstanceId: string;
  readonly RuleId: string;
  /** event notification channel; e.g. EVENT_BRIDGE */
  readonly EventChannel?: string;
  /** event configuration (a JSON document; its schema is not documented) */
  readonly EventConfig?: string;
  /** values: INSTANCE | NAMESPACE | REPO (default INSTANCE) */
  readonly EventScope?: string;
  /** values: cr:Artifact:DeliveryChainCompleted | cr:Artifact:SynchronizationCompleted | cr:Artifact:BuildCompleted | cr:Artifact:ScanCompleted | cr:Artifact:SigningCompleted */
  readonly EventType?: string;
  readonly Namespaces?: readonly string[];
  readonly RepoNames?: readonly string[];
  /** regular expression for image tags; e.g. .* */
  readonly RepoTagFilterPattern?: string;
  readonly RuleName?: string;
}
export interface UpdateEventCenterRuleResponse {
  /** ODD TYPE: `integer` in the SDK model (example 200); not relied on. */
  readonly Code?: string | number;
  readonly RequestId?: string;
  readonly RuleId?: string;
}

/** DeleteEventCenterRule */
export interface DeleteEventCenterRuleRequest {
  readonly InstanceId: string;
  readonly RuleId: string;
}
export interface DeleteEventCenterRuleResponse {
  readonly Code?: string;
  readonly RequestId?: string;
}

/** One historical event (ListEventCenterRecord `Records[]`). */
export interface CrEventRecord {
  readonly CreateTime?: number;
  readonly EventChannel?: string;
  readonly EventNotifyId?: string;
  /** values: http | https | dingding */
  readonly EventNotifyMethod?: string;
  readonly EventType?: string;
  readonly InstanceId?: string;
  readonly Namespace?: string;
  readonly RecordId?: string;
  readonly RepoName?: string;
  readonly RuleId?: string;
  readonly RuleName?: string;
  readonly Tag?: string;
  readonly UpdateTime?: number;
}

/** ListEventCenterRecord (HTTP GET), paged. */
export interface ListEventCenterRecordRequest {
  readonly InstanceId: string;
  readonly EventType?: string;
  readonly RuleId?: string;
  readonly RepoName?: string;
  readonly RepoNamespaceName?: string;
  readonly PageNo?: number;
  readonly PageSize?: number;
}
export interface ListEventCenterRecordResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly Records?: readonly CrEventRecord[];
  readonly RequestId?: string;
  /** an integer */
  readonly TotalCount?: number;
}
