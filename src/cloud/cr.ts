/**
 * Container Registry Enterprise Edition (cr 2018-12-01, RPC): our own typed requests and responses
 * for the actions acrctl uses, and a client over the session's call pipeline. Field names are exactly
 * those of shared/api/cr-2018-12-01.json (the vendor SDK models); every response field is optional
 * because the service may omit any of them. A generated SDK can replace this file alone.
 *
 * Odd types to remember (marked "ODD TYPE" below): `TotalCount` is a STRING on ListNamespace,
 * ListRepository, ListRepoTag and ListRepoSyncTask (an integer on ListInstance and ListRepoSyncRule);
 * GetInstanceUsage returns every figure as a string; ListRepoTag `Images[].ImageCreate/ImageUpdate`
 * are strings; ListInstance `CreateTime` is a string while GetInstance's is a number.
 * Business errors (`IsSuccess:false`, HTTP 200) are thrown by the RPC caller like any other error.
 *
 * Retry semantics per action: reads are always retried; updates and deletes are idempotent; creates
 * are sent once (a lost connection becomes `cloud.outcome-unknown`, reconciled by reading).
 */
import { collectByNumberParallel, type Collected } from './paginate.js';
import { IDEMPOTENT_WRITE, ONCE_WRITE, READ, type RpcCallFn } from './pipeline.js';
import type { ParamValue } from './rpc.js';
// issue 14 items 8 and 10 (storage routing, event rules): their types live beside this file.
import type * as Sev from './cr-storage-events.js';

export const CR_VERSION = '2018-12-01';

/** The element type of an optional array field. */
export type Item<T> = NonNullable<T> extends readonly (infer U)[] ? U : never;

/** ListInstance: Queries a list of instances */
export interface ListInstanceRequest {
  /** instance name; DEPRECATED; e.g. test */
  readonly InstanceName?: string;
  /** instance status; values: PENDING | INIT_ERROR | STARTING | RUNNING | STOPPING | STOPPED | DELETING | DELETED; e.g. RUNNING */
  readonly InstanceStatus?: string;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** page size; e.g. 30 */
  readonly PageSize?: number;
  /** resource group ID; e.g. rg-acfmv36i4is**** */
  readonly ResourceGroupId?: string;
}
export interface ListInstanceResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** instance information */
  readonly Instances?: readonly {
    /** creation time; e.g. 1562849679000 */
    readonly CreateTime?: string;
    /** instance ID; e.g. cri-sgedpenzw80e**** */
    readonly InstanceId?: string;
    /** instance issue; e.g. 实例问题，取值： */
    readonly InstanceIssue?: string;
    /** instance name; e.g. test */
    readonly InstanceName?: string;
    /** Enterprise Edition specification; e.g. Enterprise_Basic */
    readonly InstanceSpecification?: string;
    /** instance status; e.g. RUNNING */
    readonly InstanceStatus?: string;
    /** last modification time; e.g. 1562849760000 */
    readonly ModifiedTime?: string;
    /** region ID; e.g. cn-shanghai */
    readonly RegionId?: string;
    /** resource group ID; e.g. rg-aek2h3aexpy**** */
    readonly ResourceGroupId?: string;
    /** tags of the instance */
    readonly Tags?: readonly {
      /** tag key; e.g. test_key */
      readonly TagKey?: string;
      /** tag value; e.g. test_value */
      readonly TagValue?: string;
    }[];
  }[];
  /** Indicates whether the operation is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** page size; e.g. 30 */
  readonly PageSize?: number;
  /** request ID; e.g. A2A9BA68-B264-4953-9154-CE61B1C03BA6 */
  readonly RequestId?: string;
  /** total number of returned results; e.g. 12121 */
  readonly TotalCount?: number;
}

/** GetInstance: Query instance information */
export interface GetInstanceRequest {
  /** ID of the Container Registry instance; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
}
export interface GetInstanceResponse {
  /** Return value; e.g. success */
  readonly Code?: string;
  /** time when the instance was created; e.g. 1571926439000 */
  readonly CreateTime?: number;
  /** ID of the Container Registry instance; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId?: string;
  /** issue occurs on the instance; e.g. 实例问题，取值： */
  readonly InstanceIssue?: string;
  /** name of the instance; e.g. shanghai-instance1 */
  readonly InstanceName?: string;
  /** edition of the instance; e.g. Enterprise_Basic */
  readonly InstanceSpecification?: string;
  /** status of the instance; values: PENDING | INIT_ERROR | STARTING | RUNNING | STOPPING | STOPPED | DELETING | DELETED; e.g. RUNNING */
  readonly InstanceStatus?: string;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** time when the instance was last modified; e.g. 1571926560000 */
  readonly ModifiedTime?: number;
  /** request ID; e.g. 6EF34B18-4228-470C-860C-D28597CF010E */
  readonly RequestId?: string;
  /** ID of the resource group to which the instance belongs; e.g. rg-acfmv36i4isx**** */
  readonly ResourceGroupId?: string;
  /** tags of the instance */
  readonly Tags?: readonly {
    /** tag key; e.g. test_key */
    readonly TagKey?: string;
    /** tag value; e.g. test_value */
    readonly TagValue?: string;
  }[];
}

/** GetInstanceUsage: Queries the quota usage of an instance */
export interface GetInstanceUsageRequest {
  /** ID of the instance; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
}
export interface GetInstanceUsageResponse {
  /** ODD TYPE: a string in the SDK model, not a number. quota of chart namespaces; e.g. 50 */
  readonly ChartNamespaceQuota?: string;
  /** ODD TYPE: a string in the SDK model, not a number. number of chart namespaces that are created in the instance; e.g. 2 */
  readonly ChartNamespaceUsage?: string;
  /** ODD TYPE: a string in the SDK model, not a number. quota of chart repositories for the instance; e.g. 5000 */
  readonly ChartRepoQuota?: string;
  /** ODD TYPE: a string in the SDK model, not a number. number of chart repositories that are created; e.g. 5 */
  readonly ChartRepoUsage?: string;
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** ODD TYPE: a string in the SDK model, not a number. quota of image namespaces for the instance; e.g. 100 */
  readonly NamespaceQuota?: string;
  /** ODD TYPE: a string in the SDK model, not a number. number of image namespaces that are created in the instance; e.g. 4 */
  readonly NamespaceUsage?: string;
  /** ODD TYPE: a string in the SDK model, not a number. quota of image repositories for the instance; e.g. 1000 */
  readonly RepoQuota?: string;
  /** ODD TYPE: a string in the SDK model, not a number. number of image repositories that are created in the instance; e.g. 2 */
  readonly RepoUsage?: string;
  /** ID of the request; e.g. A726E801-7FCF-43F9-AF1C-51B3E65D3E7A */
  readonly RequestId?: string;
  /** ODD TYPE: a string in the SDK model, not a number. VPC quota; e.g. 5 */
  readonly VpcQuota?: string;
  /** ODD TYPE: a string in the SDK model, not a number. Number of bound VPCs; e.g. 2 */
  readonly VpcUsage?: string;
}

/** ListInstanceEndpoint: Queries the endpoints of a Container Registry instance */
export interface ListInstanceEndpointRequest {
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** name of the module that you want to access; values: Registry | Chart; e.g. Registry */
  readonly ModuleName?: string;
  /** Specify whether to return endpoints in simple mode; e.g. false */
  readonly Summary?: boolean;
}
export interface ListInstanceEndpointResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** endpoints of the instance */
  readonly Endpoints?: readonly {
    /** Indicates whether the endpoint is added to an access control list (ACL); e.g. true */
    readonly AclEnable?: boolean;
    /** ACLs that are configured for the instance */
    readonly AclEntries?: readonly {
      /** information about the ACL; e.g. 127.0.0.1 */
      readonly Entry?: string;
    }[];
    /** list of domain names of the Container Registry instance */
    readonly Domains?: readonly {
      /** domain name of the Container Registry instance; e.g. t****-registry.cn-shanghai.cr.aliyuncs.com */
      readonly Domain?: string;
      /** type of the domain name; values: SYSTEM | USER; e.g. SYSTEM */
      readonly Type?: string;
    }[];
    /** Indicates whether the endpoint is added to an ACL; e.g. true */
    readonly Enable?: boolean;
    /** type of the endpoint; e.g. internet */
    readonly EndpointType?: string;
    /** VPCs associated with the instance */
    readonly LinkedVpcs?: readonly {
      /** VPC ID; e.g. vpc-bp1b1xjllp3ve5yze**** */
      readonly VpcId?: string;
    }[];
    /** status of the endpoint; e.g. RUNNING */
    readonly Status?: string;
  }[];
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. 1B21A877-66A2-4095-90EB-20A7781A4A67 */
  readonly RequestId?: string;
}

/** GetInstanceEndpoint: Queries an endpoint of an instance */
export interface GetInstanceEndpointRequest {
  /** type of the endpoint; e.g. internet */
  readonly EndpointType: string;
  /** ID of the instance; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** name of the module that you want to access; values: Registry | Chart; e.g. Registry */
  readonly ModuleName?: string;
}
export interface GetInstanceEndpointResponse {
  /** Indicates whether the access control list (ACL) feature is enabled; e.g. true */
  readonly AclEnable?: boolean;
  /** ACLs */
  readonly AclEntries?: readonly {
    /** Remarks for public IP address whitelists; e.g. 1 */
    readonly Comment?: string;
    /** public IP address whitelist; e.g. 192.168.1.0/24 */
    readonly Entry?: string;
  }[];
  /** return value; e.g. success */
  readonly Code?: string;
  /** Domain names */
  readonly Domains?: readonly {
    /** domain name that is used to access the Container Registry Enterprise Edition instance; e.g. shanghai-instance1-registry.cn-shanghai.cr.aliyuncs.com */
    readonly Domain?: string;
    /** type of the domain name; values: SYSTEM | USER; e.g. SYSTEM */
    readonly Type?: string;
  }[];
  /** Indicates whether the ACL feature is enabled; e.g. true */
  readonly Enable?: boolean;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** ID of the request; e.g. 8F3D5EC5-39D1-4C53-A198-48C54C658FA3 */
  readonly RequestId?: string;
  /** status of the instance; e.g. RUNNING */
  readonly Status?: string;
}

/** UpdateInstanceEndpointStatus: Updates the status of an instance endpoint */
export interface UpdateInstanceEndpointStatusRequest {
  /** Specifies whether to enable the instance endpoint; values: true | false; e.g. false */
  readonly Enable: boolean;
  /** type of the endpoint; e.g. internet */
  readonly EndpointType: string;
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** name of the module that you want to access; values: Registry | Chart; e.g. Chart */
  readonly ModuleName?: string;
}
export interface UpdateInstanceEndpointStatusResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** ID of the request; e.g. 2FC14396-A16A-42BA-AAE4-BB94D956DF09 */
  readonly RequestId?: string;
}

/** CreateInstanceEndpointAclPolicy: Creates a whitelist policy for an instance access endpoint (public network only) */
export interface CreateInstanceEndpointAclPolicyRequest {
  /** description; DEPRECATED; e.g. test */
  readonly Comment?: string;
  /** endpoint type; e.g. internet */
  readonly EndpointType: string;
  /** sent as one JSON-encoded string parameter */
  readonly Entries?: readonly {
    readonly Comment?: string;
    readonly Entry?: string;
  }[];
  /** IP address range that is allowed to access the instance; DEPRECATED; e.g. 192.168.1.1/32 */
  readonly Entry?: string;
  /** instance ID; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** module for which you want to set the access policy; values: Registry | Chart; e.g. Registry */
  readonly ModuleName?: string;
}
export interface CreateInstanceEndpointAclPolicyResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the call is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. D735C5EC-4206-4F48-A090-307BF56BEB99 */
  readonly RequestId?: string;
}

/** DeleteInstanceEndpointAclPolicy: Deletes a whitelist policy from the public access endpoint of an instance */
export interface DeleteInstanceEndpointAclPolicyRequest {
  /** endpoint type; e.g. internet */
  readonly EndpointType: string;
  /** sent as one JSON-encoded string parameter */
  readonly Entries?: readonly {
    readonly Comment?: string;
    readonly Entry?: string;
  }[];
  /** IP CIDR block; DEPRECATED; e.g. 127.0.0.1/32 */
  readonly Entry?: string;
  /** instance ID; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** module for which the access policy is set; values: Registry | Chart; e.g. Chart */
  readonly ModuleName?: string;
}
export interface DeleteInstanceEndpointAclPolicyResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the call is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. BDB1F145-F0FF-44E9-AADF-A678642A7C7D */
  readonly RequestId?: string;
}

/** GetInstanceVpcEndpoint: Queries the endpoints of the virtual private clouds (VPCs) in which a Container Registry instance is deployed */
export interface GetInstanceVpcEndpointRequest {
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** name of the module that you want to access; values: Registry | Chart; e.g. Chart */
  readonly ModuleName?: string;
}
export interface GetInstanceVpcEndpointResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Domain names */
  readonly Domains?: readonly string[];
  /** Indicates whether the VPC endpoint is enabled; values: true | false; e.g. true */
  readonly Enable?: boolean;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** List of linked VPCs */
  readonly LinkedVpcs?: readonly {
    /** Indicates whether the VPC is the default VPC over which the Container Registry instance is accessed; e.g. false */
    readonly DefaultAccess?: boolean;
    /** IP address; e.g. 192.168.10.11 */
    readonly Ip?: string;
    /** error message detected in the linked VPC access control; e.g. PRIVATE_ZONE_CONFLICT_AT_{private_zone_id} */
    readonly Issue?: string;
    /** status of the VPC; values: CREATING | RUNNING; e.g. CREATING */
    readonly Status?: string;
    /** VPC ID; e.g. vpc-uf6aamu2nomfr1thd**** */
    readonly VpcId?: string;
    /** ID of the vSwitch; e.g. vsw-uf62m5vmxl2e72dk7**** */
    readonly VswitchId?: string;
  }[];
  /** name of the modules that can be accessed; values: Registry | Chart; e.g. Registry */
  readonly ModuleName?: string;
  /** ID of the request; e.g. BAE9349D-A587-4F9A-B574-9DA0EF2638D1 */
  readonly RequestId?: string;
}

/** CreateInstanceVpcEndpointLinkedVpc: Associates a virtual private cloud (VPC) with a Container Registry instance */
export interface CreateInstanceVpcEndpointLinkedVpcRequest {
  /** Specifies whether to automatically create Alibaba Cloud DNS PrivateZone records; values: true | false; e.g. false */
  readonly EnableCreateDNSRecordInPvzt?: boolean;
  /** instance ID; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** name of the module that you want to access; values: Registry | Chart; e.g. Registry */
  readonly ModuleName?: string;
  /** VPC ID; e.g. vpc-uf6pa68zxnnlc48dd**** */
  readonly VpcId: string;
  /** ID of the vSwitch that is associated with the specified VPC; e.g. vsw-uf6u0kn8x2gbzxfn2**** */
  readonly VswitchId: string;
}
export interface CreateInstanceVpcEndpointLinkedVpcResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. D4978DCC-ECBD-40B0-A714-EE6959B22C77 */
  readonly RequestId?: string;
}

/** DeleteInstanceVpcEndpointLinkedVpc: Disassociates a virtual private cloud (VPC) from an instance */
export interface DeleteInstanceVpcEndpointLinkedVpcRequest {
  /** ID of the instance; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** name of the module that you want to access; values: Registry | Chart; e.g. Chart */
  readonly ModuleName?: string;
  /** ID of the VPC; e.g. vpc-uf6pa68zxnnlc48dd**** */
  readonly VpcId: string;
  /** ID of the vSwitch; e.g. vpc-uf6pa68zxnnlc48dd**** */
  readonly VswitchId: string;
}
export interface DeleteInstanceVpcEndpointLinkedVpcResponse {
  /** return value; e.g. true */
  readonly Code?: string;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** ID of the request; e.g. 20FE7A66-0044-4E23-BBEC-C434EADBD7AF */
  readonly RequestId?: string;
}

/** ListNamespace: Lists namespaces */
export interface ListNamespaceRequest {
  /** ID of the Container Registry (ACR) instance; e.g. cri-94klsruryslx**** */
  readonly InstanceId: string;
  /** name of the namespace; e.g. test-namespace */
  readonly NamespaceName?: string;
  /** status of the namespace; values: NORMAL | DELETING; e.g. NORMAL */
  readonly NamespaceStatus?: string;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** number of entries to return on each page; e.g. 30 */
  readonly PageSize?: number;
}
export interface ListNamespaceResponse {
  /** return code; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** list of namespaces */
  readonly Namespaces?: readonly {
    /** Indicates whether a repository is automatically created when an image is pushed to the namespace; e.g. true */
    readonly AutoCreateRepo?: boolean;
    readonly DefaultRepoConfiguration?: {
      readonly ArtifactBuildRuleParameters?: {
        readonly ImageIndexOnly?: boolean;
      };
      readonly RepoType?: string;
      readonly TagImmutability?: boolean;
    };
    /** default type of the repository; values: PUBLIC | PRIVATE; DEPRECATED; e.g. PUBLIC */
    readonly DefaultRepoType?: string;
    /** ID of the instance; e.g. cri-94klsruryslx**** */
    readonly InstanceId?: string;
    /** ID of the namespace; e.g. crn-tiw8t3f8i5lt**** */
    readonly NamespaceId?: string;
    /** name of the namespace; e.g. test */
    readonly NamespaceName?: string;
    /** status of the namespace; values: NORMAL | DELETING; e.g. NORMAL */
    readonly NamespaceStatus?: string;
    /** ID of the resource group; e.g. rg-acfm4n5kzyf2fbi */
    readonly ResourceGroupId?: string;
  }[];
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** number of entries returned per page; e.g. 30 */
  readonly PageSize?: number;
  /** ID of the request; e.g. B7E5FCA5-55ED-451C-9649-0BB2B93387D0 */
  readonly RequestId?: string;
  /** ODD TYPE: a string in the SDK model, not a number. total number of entries; e.g. 1 */
  readonly TotalCount?: string;
}

/** GetNamespace: Retrieves information about a namespace */
export interface GetNamespaceRequest {
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** ID of the namespace; e.g. crn-tiw8t3f8i5lta**** */
  readonly NamespaceId?: string;
  /** name of the namespace; e.g. test */
  readonly NamespaceName?: string;
}
export interface GetNamespaceResponse {
  /** Indicates whether automatic repository creation is enabled; e.g. true */
  readonly AutoCreateRepo?: boolean;
  /** response code; e.g. success */
  readonly Code?: string;
  readonly DefaultRepoConfiguration?: {
    readonly ArtifactBuildRuleParameters?: {
      readonly ImageIndexOnly?: boolean;
    };
    readonly RepoType?: string;
    readonly TagImmutability?: boolean;
  };
  /** default repository type; values: PUBLIC | PRIVATE; DEPRECATED; e.g. PUBLIC */
  readonly DefaultRepoType?: string;
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId?: string;
  /** Indicates whether the request succeeded; e.g. true */
  readonly IsSuccess?: boolean;
  /** ID of the namespace; e.g. crn-tiw8t3f8i5lt**** */
  readonly NamespaceId?: string;
  /** name of the namespace; e.g. test */
  readonly NamespaceName?: string;
  /** status of the namespace; values: NORMAL | DELETING; e.g. NORMAL */
  readonly NamespaceStatus?: string;
  /** request ID; e.g. E4BC9E21-8AA5-4582-83C1-C1209AB8196F */
  readonly RequestId?: string;
  /** ID of the resource group; e.g. rg-acfmv36i4is**** */
  readonly ResourceGroupId?: string;
}

/** CreateNamespace: Creates a repository namespace */
export interface CreateNamespaceRequest {
  /** Specifies whether a repository is automatically created when an image is pushed to a repository that does not yet exist in the namespace; e.g. true */
  readonly AutoCreateRepo?: boolean;
  /** sent as one JSON-encoded string parameter */
  readonly DefaultRepoConfiguration?: {
    readonly ArtifactBuildRuleParameters?: {
      readonly ImageIndexOnly: boolean;
    };
    readonly RepoType: string;
    readonly TagImmutability: boolean;
  };
  /** default type of automatically created repositories; values: PUBLIC | PRIVATE; DEPRECATED; e.g. PUBLIC */
  readonly DefaultRepoType?: string;
  /** instance ID; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** name of the namespace; e.g. namespace1 */
  readonly NamespaceName: string;
}
export interface CreateNamespaceResponse {
  /** response code; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request was successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. BC648259-91A7-4502-BED3-EDF64361FA83 */
  readonly RequestId?: string;
}

/** UpdateNamespace: Updates a namespace */
export interface UpdateNamespaceRequest {
  /** Whether to automatically create a repository when an image is pushed; e.g. true */
  readonly AutoCreateRepo?: boolean;
  /** default configuration for automatically created repositories; sent as one JSON-encoded string parameter */
  readonly DefaultRepoConfiguration?: {
    readonly ArtifactBuildRuleParameters?: {
      readonly ImageIndexOnly: boolean;
    };
    readonly RepoType: string;
    readonly TagImmutability: boolean;
  };
  /** default type for automatically created repositories; values: PUBLIC | PRIVATE; DEPRECATED; e.g. PRIVATE */
  readonly DefaultRepoType?: string;
  /** instance ID; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** name of the namespace; e.g. test */
  readonly NamespaceName: string;
}
export interface UpdateNamespaceResponse {
  /** response code; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request succeeded; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. 90B8475C-C066-4B92-946E-4D0DECB514E8 */
  readonly RequestId?: string;
}

/** DeleteNamespace: Deletes a namespace */
export interface DeleteNamespaceRequest {
  /** ID of the instance; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** name of the namespace; e.g. ns3 */
  readonly NamespaceName: string;
}
export interface DeleteNamespaceResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** ID of the request; e.g. BA08C185-8F76-48D7-ACB3-BA11BF2778F9 */
  readonly RequestId?: string;
}

/** ListRepository: Queries a list of image repositories */
export interface ListRepositoryRequest {
  /** instance ID; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** number of entries per page; e.g. 30 */
  readonly PageSize?: number;
  /** repository name; e.g. repo-test */
  readonly RepoName?: string;
  /** repository namespace name; e.g. repo-namespace-test */
  readonly RepoNamespaceName?: string;
  /** repository status; values: NORMAL | DELETING | DELETED | ALL; e.g. ALL */
  readonly RepoStatus?: string;
}
export interface ListRepositoryResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  readonly MaxResults?: number;
  readonly NextToken?: string;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** page size; e.g. 30 */
  readonly PageSize?: number;
  /** list of repositories */
  readonly Repositories?: readonly {
    /** creation time; e.g. 1564153576000 */
    readonly CreateTime?: number;
    /** instance ID; e.g. cri-kmsiwlxxdcv**** */
    readonly InstanceId?: string;
    /** last modification time; e.g. 1564153576000 */
    readonly ModifiedTime?: number;
    /** repository build type; values: AUTO | MANUAL; e.g. MANUAL */
    readonly RepoBuildType?: string;
    /** repository ID; e.g. crr-03cuozrsqhkw**** */
    readonly RepoId?: string;
    /** repository name; e.g. test */
    readonly RepoName?: string;
    /** repository namespace; e.g. test */
    readonly RepoNamespaceName?: string;
    /** repository status; e.g. NORMAL */
    readonly RepoStatus?: string;
    /** repository type; values: PUBLIC | PRIVATE; e.g. PRIVATE */
    readonly RepoType?: string;
    /** resource group ID; e.g. rg-acfm4n5kzyfxxxx */
    readonly ResourceGroupId?: string;
    /** summary information; e.g. test OK */
    readonly Summary?: string;
    /** image tag immutability; e.g. true */
    readonly TagImmutability?: boolean;
  }[];
  /** request ID; e.g. 5241C090-DA69-4B0F-8E3F-2F24FDE1110E */
  readonly RequestId?: string;
  /** ODD TYPE: a string in the SDK model, not a number. total number of entries; e.g. 1 */
  readonly TotalCount?: string;
}

/** GetRepository: Queries details about an image repository */
export interface GetRepositoryRequest {
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** ID of the repository; e.g. crr-03cuozrsqhkw**** */
  readonly RepoId?: string;
  /** name of the repository; e.g. test */
  readonly RepoName?: string;
  /** name of the namespace to which the repository belongs; e.g. test */
  readonly RepoNamespaceName?: string;
}
export interface GetRepositoryResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** time when the repository was created; e.g. 1570759546000 */
  readonly CreateTime?: number;
  /** details of the repository; e.g. test */
  readonly Detail?: string;
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId?: string;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** time when the repository was last modified; e.g. 1570759546100 */
  readonly ModifiedTime?: number;
  /** Indicates how the repository was created; values: MANUAL | AUTO; e.g. MANUAL */
  readonly RepoBuildType?: string;
  /** ID of the repository; e.g. crr-l5eoubonp0l**** */
  readonly RepoId?: string;
  /** name of the repository; e.g. test */
  readonly RepoName?: string;
  /** name of the namespace; e.g. test */
  readonly RepoNamespaceName?: string;
  /** status of the repository; e.g. NORMAL */
  readonly RepoStatus?: string;
  /** type of the repository; values: PUBLIC | PRIVATE; e.g. PRIVATE */
  readonly RepoType?: string;
  /** ID of the request; e.g. 915E6734-3E50-4640-8DBA-126D2D94DE29 */
  readonly RequestId?: string;
  /** ID of the resource group; e.g. rg-acfmv36i4is**** */
  readonly ResourceGroupId?: string;
  /** summary of the repository; e.g. Automatically created repository */
  readonly Summary?: string;
  /** Indicates whether the feature of image tag immutability is enabled; values: true | false; e.g. true */
  readonly TagImmutability?: boolean;
}

/** CreateRepository: Creates an image repository */
export interface CreateRepositoryRequest {
  /** description of the repository; e.g. repo1 */
  readonly Detail?: string;
  /** ID of the instance; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** name of the image repository; e.g. repo1 */
  readonly RepoName: string;
  /** name of the namespace to which the image repository belongs; e.g. namespace01 */
  readonly RepoNamespaceName: string;
  /** type of the repository; values: PUBLIC | PRIVATE; e.g. PRIVATE */
  readonly RepoType: string;
  /** summary about the repository; e.g. repo1 */
  readonly Summary: string;
  /** Specifies whether to enable the feature of image tag immutability; values: true | false; e.g. true */
  readonly TagImmutability?: boolean;
}
export interface CreateRepositoryResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** ID of the image repository; e.g. crr-xwvi3osiy4ff**** */
  readonly RepoId?: string;
  /** ID of the request; e.g. 886FB272-15C3-44FC-AA54-F4ABD5B93A28 */
  readonly RequestId?: string;
}

/** UpdateRepository: Updates repository information */
export interface UpdateRepositoryRequest {
  /** repository description; e.g. repo-for-test */
  readonly Detail?: string;
  /** instance ID; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** repository ID; e.g. crr-tquyps22md8p**** */
  readonly RepoId?: string;
  /** repository name; e.g. dsp/domain-microapp */
  readonly RepoName?: string;
  /** name of the repository namespace; e.g. ejiayou-other */
  readonly RepoNamespaceName?: string;
  /** repository type; values: PUBLIC | PRIVATE; e.g. PUBLIC */
  readonly RepoType: string;
  /** summary; e.g. test repo */
  readonly Summary: string;
  /** Specifies whether image tag immutability is enabled; values: true | false; e.g. true */
  readonly TagImmutability?: boolean;
}
export interface UpdateRepositoryResponse {
  /** return code; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. CC43EC6B-0DD4-40AE-8811-B0519617051A */
  readonly RequestId?: string;
}

/** DeleteRepository: Deletes an image repository */
export interface DeleteRepositoryRequest {
  /** ID of the instance; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** ID of the image repository; e.g. crr-l4933wbcmun2**** */
  readonly RepoId?: string;
  /** name of the repository; e.g. test-repo */
  readonly RepoName?: string;
  /** name of the namespace to which the repository belongs; e.g. test-namespace */
  readonly RepoNamespaceName?: string;
}
export interface DeleteRepositoryResponse {
  /** Return values; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. 47DD9D56-09A0-4C52-B520-C3805DBAB96B */
  readonly RequestId?: string;
}

/** ListRepoBuildRule: Lists the build rules of an image repository (paged by PageNo/PageSize). */
export interface ListRepoBuildRuleRequest {
  readonly InstanceId: string;
  readonly RepoId: string;
  readonly PageNo?: number;
  readonly PageSize?: number;
}
export interface ListRepoBuildRuleResponse {
  readonly BuildRules?: readonly {
    readonly BuildRuleId?: string;
    /** GIT_BRANCH | GIT_TAG */
    readonly PushType?: string;
    readonly PushName?: string;
    readonly ImageTag?: string;
    readonly DockerfileLocation?: string;
    readonly DockerfileName?: string;
    readonly Platforms?: readonly string[];
    readonly BuildArgs?: readonly string[];
  }[];
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RequestId?: string;
  /** ODD TYPE: a string in the SDK model. */
  readonly TotalCount?: string;
}

/** ListRepoTag: Queries the list of image versions (tags) */
export interface ListRepoTagRequest {
  /** instance ID; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** number of entries per page; e.g. 30 */
  readonly PageSize?: number;
  /** repository ID; e.g. crr-tquyps22md8p**** */
  readonly RepoId: string;
}
export interface ListRepoTagResponse {
  /** return code; e.g. success */
  readonly Code?: string;
  /** image list */
  readonly Images?: readonly {
    /** digest value; e.g. 67bfbcc12b67936ec7f867927817cbb071832b873dbcaed312a1930ba5f1**** */
    readonly Digest?: string;
    /** ODD TYPE: a string in the SDK model, not a number. time when the image was created; e.g. 1572839125000 */
    readonly ImageCreate?: string;
    /** image ID; e.g. 45023655bf39c382e26a8607d057c27871dee163c1ecf48cc1ebf2a1**** */
    readonly ImageId?: string;
    /** image size, in bytes; e.g. 27107966 */
    readonly ImageSize?: number;
    /** ODD TYPE: a string in the SDK model, not a number. time when the image was updated; e.g. 1572875608000 */
    readonly ImageUpdate?: string;
    /** status; e.g. NORMAL */
    readonly Status?: string;
    /** image tag; e.g. v0.1 */
    readonly Tag?: string;
  }[];
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  readonly MaxResults?: number;
  readonly NextToken?: string;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** number of entries per page; e.g. 30 */
  readonly PageSize?: number;
  /** request ID; e.g. 031572FA-7D8F-4C05-B790-1071E0E05DE6 */
  readonly RequestId?: string;
  /** ODD TYPE: a string in the SDK model, not a number. total number of entries; e.g. 1 */
  readonly TotalCount?: string;
}

/** ListRepoSyncRule: Returns a list of repository synchronization rules */
export interface ListRepoSyncRuleRequest {
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** name of the namespace; e.g. test-namespace */
  readonly NamespaceName?: string;
  /** number of the page to return; e.g. 1 */
  readonly PageNo?: number;
  /** number of entries to return on each page; e.g. 30 */
  readonly PageSize?: number;
  /** name of the image repository; e.g. test-repo */
  readonly RepoName?: string;
  /** ID of the target instance; e.g. cri-k77rd2eo9ztt**** */
  readonly TargetInstanceId?: string;
  /** ID of the target region; e.g. cn-shenzhen */
  readonly TargetRegionId?: string;
}
export interface ListRepoSyncRuleResponse {
  /** response code; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** number of entries per page; e.g. 30 */
  readonly PageSize?: number;
  /** request ID; e.g. 838D1602-6D8F-47FB-B60A-656645D2**** */
  readonly RequestId?: string;
  /** list of synchronization rules */
  readonly SyncRules?: readonly {
    /** time when the synchronization rule was created; e.g. 1572604642000 */
    readonly CreateTime?: number;
    /** Indicates whether images are synchronized across different Alibaba Cloud accounts; values: true | false; e.g. true */
    readonly CrossUser?: boolean;
    readonly LinkId?: string;
    /** ID of the source instance; e.g. cri-kmsiwlxxdcva**** */
    readonly LocalInstanceId?: string;
    /** name of the namespace in the source instance; e.g. test */
    readonly LocalNamespaceName?: string;
    /** region ID of the source instance; e.g. cn-shanghai */
    readonly LocalRegionId?: string;
    /** name of the repository in the source instance; e.g. test-repo-local */
    readonly LocalRepoName?: string;
    /** time when the synchronization rule was last modified; e.g. 1572604642000 */
    readonly ModifiedTime?: number;
    readonly NamespaceNameFilter?: string;
    readonly Priority?: number;
    /** regular expression that is used to filter repositories; e.g. .* */
    readonly RepoNameFilter?: string;
    /** synchronization direction; values: FROM | TO; e.g. FROM */
    readonly SyncDirection?: string;
    /** ID of the synchronization rule; e.g. crsr-7lph66uloi6h**** */
    readonly SyncRuleId?: string;
    /** name of the synchronization rule; e.g. sync-rule-1 */
    readonly SyncRuleName?: string;
    /** synchronization scope; values: NAMESPACE | REPO; e.g. NAMESPACE */
    readonly SyncScope?: string;
    /** trigger policy; values: INITIATIVE | PASSIVE; e.g. PASSIVE */
    readonly SyncTrigger?: string;
    /** regular expression that is used to filter tags; e.g. .* */
    readonly TagFilter?: string;
    /** ID of the target instance; e.g. cri-k77rd2eo9ztt**** */
    readonly TargetInstanceId?: string;
    /** name of the namespace in the target instance; e.g. test */
    readonly TargetNamespaceName?: string;
    /** region ID of the target instance; e.g. cn-shenzhen */
    readonly TargetRegionId?: string;
    /** name of the repository in the target instance; e.g. test-repo-target */
    readonly TargetRepoName?: string;
  }[];
  /** total number of entries; e.g. 1 */
  readonly TotalCount?: number;
}

/** CreateRepoSyncRule: Creates an image synchronization rule for an image repository */
export interface CreateRepoSyncRuleRequest {
  /** source instance ID; e.g. cri-hpdfkc6utbaq**** */
  readonly InstanceId: string;
  readonly LinkId?: string;
  /** namespace name of the source instance; e.g. ns1 */
  readonly NamespaceName?: string;
  /** e.g. .* */
  readonly NamespaceNameFilter?: string;
  readonly Priority?: number;
  /** name of the image repository in the source instance; e.g. repo1 */
  readonly RepoName?: string;
  /** regular expression that is used to filter repositories; e.g. .* */
  readonly RepoNameFilter?: string;
  /** name of the image synchronization rule; e.g. rule */
  readonly SyncRuleName: string;
  /** synchronization scope; values: REPO | NAMESPACE; e.g. REPO */
  readonly SyncScope: string;
  /** mode of triggering the synchronization rule; values: INITIATIVE | PASSIVE; e.g. PASSIVE */
  readonly SyncTrigger?: string;
  /** regular expression that is used to filter image tags; e.g. .* */
  readonly TagFilter: string;
  /** destination instance ID; e.g. cri-ibxs3piklys3**** */
  readonly TargetInstanceId: string;
  /** namespace name of the destination instance; e.g. ns1 */
  readonly TargetNamespaceName?: string;
  /** region ID of the destination instance; e.g. cn-shanghai */
  readonly TargetRegionId: string;
  /** name of the image repository in the destination instance; e.g. repo1 */
  readonly TargetRepoName?: string;
  /** user ID (UID) of the account to which the destination instance belongs; e.g. 12645940*** */
  readonly TargetUserId?: string;
}
export interface CreateRepoSyncRuleResponse {
  /** HTTP status code; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. 8F8A0BA6-7F06-4BAE-B147-10BD6A25**** */
  readonly RequestId?: string;
  /** ID of the synchronization rule; e.g. crsr-gk5p2ns1kzns**** */
  readonly SyncRuleId?: string;
}

/** DeleteRepoSyncRule: Deletes an image replication rule of an image repository */
export interface DeleteRepoSyncRuleRequest {
  /** ID of the instance; e.g. cri-hpdfkc6utbaq**** */
  readonly InstanceId: string;
  /** ID of the synchronization rule; e.g. crsr-gk5p2ns1kzns**** */
  readonly SyncRuleId: string;
}
export interface DeleteRepoSyncRuleResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** ID of the request; e.g. 72DD4198-1BB9-47A3-BC01-EAD1A6D5E173 */
  readonly RequestId?: string;
}

/** ListRepoSyncTask: Lists repository synchronization tasks */
export interface ListRepoSyncTaskRequest {
  /** instance ID; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** page size; e.g. 30 */
  readonly PageSize?: number;
  /** repository name; e.g. test */
  readonly RepoName?: string;
  /** name of the repository namespace; e.g. ns */
  readonly RepoNamespaceName?: string;
  /** ID of the sync task; e.g. 9d8ac4f6-8138-4c15-a2e3-60624ad3**** */
  readonly SyncRecordId?: string;
  /** image tag; e.g. nginx */
  readonly Tag?: string;
}
export interface ListRepoSyncTaskResponse {
  /** return code; e.g. success */
  readonly Code?: string;
  /** Whether the request was successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** page number; e.g. 1 */
  readonly PageNo?: number;
  /** page size; e.g. 30 */
  readonly PageSize?: number;
  /** request ID; e.g. 7640819A-FB5B-4E25-A227-97717F62**** */
  readonly RequestId?: string;
  /** A list of sync tasks */
  readonly SyncTasks?: readonly {
    /** creation time of the task; e.g. 1572839126000 */
    readonly CreateTime?: number;
    /** Whether the image is synchronized across accounts; values: true | false; e.g. true */
    readonly CrossUser?: boolean;
    /** Whether a custom sync link is used; e.g. true */
    readonly CustomLink?: boolean;
    /** source image */
    readonly ImageFrom?: {
      /** image tag; e.g. v0.1 */
      readonly ImageTag?: string;
      /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
      readonly InstanceId?: string;
      /** ID of the region; e.g. cn-shanghai */
      readonly RegionId?: string;
      /** repository name; e.g. test */
      readonly RepoName?: string;
      /** repository namespace; e.g. test */
      readonly RepoNamespaceName?: string;
    };
    /** destination image */
    readonly ImageTo?: {
      /** image tag; e.g. v0.1 */
      readonly ImageTag?: string;
      /** ID of the instance; e.g. cri-k77rd2eo9zttneqo */
      readonly InstanceId?: string;
      /** ID of the region; e.g. cn-shenzhen */
      readonly RegionId?: string;
      /** repository name; e.g. test */
      readonly RepoName?: string;
      /** repository namespace; e.g. test */
      readonly RepoNamespaceName?: string;
    };
    /** ID of the custom sync link */
    readonly LinkId?: string;
    /** This parameter is deprecated due to a typo; DEPRECATED; e.g. 1572839133000 */
    readonly ModifedTime?: number;
    /** modification time of the task */
    readonly ModifiedTime?: number;
    readonly Priority?: number;
    /** ID of the batch sync task; e.g. 9d8ac4f6-8138-4c15-a2e3-60624ad3**** */
    readonly SyncBatchTaskId?: string;
    /** ID of the sync rule; e.g. crsr-7lph66uloi6h**** */
    readonly SyncRuleId?: string;
    /** ID of the sync task; e.g. rst-4kfd7fk6pohk**** */
    readonly SyncTaskId?: string;
    /** Whether transfer acceleration is enabled for the sync task; e.g. true */
    readonly SyncTransAccelerate?: boolean;
    /** task failure information; e.g. NETWORK_ERROR */
    readonly TaskIssue?: string;
    /** task status; e.g. ERROR */
    readonly TaskStatus?: string;
    /** trigger policy; values: PASSIVE | INITIATIVE; e.g. PASSIVE */
    readonly TaskTrigger?: string;
  }[];
  /** ODD TYPE: a string in the SDK model, not a number. total number of entries; e.g. 1 */
  readonly TotalCount?: string;
}

/** GetRepoSyncTask: Queries an image synchronization task in an instance */
export interface GetRepoSyncTaskRequest {
  /** ID of the instance; e.g. cri-sgedpenzw80e**** */
  readonly InstanceId: string;
  /** ID of the synchronization task; e.g. rst-zxjkiv5oil6f**** */
  readonly SyncTaskId: string;
}
export interface GetRepoSyncTaskResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the synchronization task is performed across Alibaba Cloud accounts; e.g. true */
  readonly CrossUser?: boolean;
  /** source address of the image */
  readonly ImageFrom?: {
    /** tag of the image; e.g. master */
    readonly ImageTag?: string;
    /** ID of the instance; e.g. cri-sgedpenzw80e**** */
    readonly InstanceId?: string;
    /** region ID; e.g. cn-shanghai */
    readonly RegionId?: string;
    /** name of the image repository; e.g. test */
    readonly RepoName?: string;
    /** name of the namespace; e.g. test */
    readonly RepoNamespaceName?: string;
  };
  /** destination address of the image */
  readonly ImageTo?: {
    /** tag of the image; e.g. master */
    readonly ImageTag?: string;
    /** ID of the instance; e.g. cri-leqzomz5vijc**** */
    readonly InstanceId?: string;
    /** region ID; e.g. eu-west-1 */
    readonly RegionId?: string;
    /** name of the image repository; e.g. test */
    readonly RepoName?: string;
    /** name of the namespace; e.g. test */
    readonly RepoNamespaceName?: string;
  };
  /** Indicates whether the request is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** synchronization tasks for the image layer */
  readonly LayerTasks?: readonly {
    /** digest of the artifact; e.g. sha256:36fb85fcb5e919cb60e782397a6be04201868fe7b38ef7669fc01caec1c8fc4e */
    readonly ArtifactDigest?: string;
    /** digest of the image layer; e.g. sha256:36fb85fcb5e919cb60e782397a6be04201868fe7b38ef7669fc01caec1c8fc4e */
    readonly Digest?: string;
    /** size of synchronized image layers; e.g. 23655489 */
    readonly Size?: number;
    /** ID of the synchronization task for the image layer; e.g. rslt-074x4q20fx2d**** */
    readonly SyncLayerTaskId?: string;
    /** size of the image layer that is synchronized; e.g. 23655489 */
    readonly SyncedSize?: number;
    /** status of the synchronization task; e.g. SUCCESS */
    readonly TaskStatus?: string;
  }[];
  readonly Priority?: number;
  /** synchronization progress; values: 0 | 1; e.g. 1 */
  readonly Progress?: number;
  /** ID of the request; e.g. A6DEF8B0-5D45-46D6-867D-8C7FF0966B07 */
  readonly RequestId?: string;
  /** ID of the synchronization task in which multiple images are synchronized at a time; e.g. a9434731-95ef-4087-9cf4-369c8e90**** */
  readonly SyncBatchTaskId?: string;
  /** ID of the synchronization rule; e.g. crsr-cllro6ho3wne**** */
  readonly SyncRuleId?: string;
  /** ID of the synchronization task; e.g. rst-zxjkiv5oil6f**** */
  readonly SyncTaskId?: string;
  /** Indicates whether transfer acceleration is enabled in the synchronization process; e.g. true */
  readonly SyncTransAccelerate?: boolean;
  /** size of the image layer that is synchronized; e.g. 23655489 */
  readonly SyncedSize?: number;
  /** error message that is returned if the synchronization task fails; values: OSS_POLICY_UNAUTHORIZED | TAG_CONFLICT | UNSUPPORTED_FORMAT | INTERNAL_ERROR | NETWORK */
  readonly TaskIssue?: string;
  /** status of the task; e.g. SUCCESS */
  readonly TaskStatus?: string;
  /** policy that is used to trigger the synchronization task; e.g. null */
  readonly TaskTrigger?: string;
}

/** CreateRepoSyncTask: Manually create a sync task */
export interface CreateRepoSyncTaskRequest {
  /** Source instance ID; e.g. cri-hpdfkc6utbaq**** */
  readonly InstanceId: string;
  /** Specifies whether to overwrite an existing image; values: true | false; e.g. true */
  readonly Override?: boolean;
  readonly Priority?: number;
  /** Image repository ID in the source instance; e.g. crr-iql7jalx4g0**** */
  readonly RepoId: string;
  /** Image tag in the source instance; e.g. tag1 */
  readonly Tag: string;
  /** Target instance ID; e.g. cri-ibxs3piklys3**** */
  readonly TargetInstanceId: string;
  /** Namespace in the target instance; e.g. ns1 */
  readonly TargetNamespace: string;
  /** Region ID of the target instance; e.g. cn-hangzhou */
  readonly TargetRegionId: string;
  /** Name of the image repository in the target instance; e.g. repo1 */
  readonly TargetRepoName: string;
  /** Image tag in the target instance; e.g. tag1 */
  readonly TargetTag: string;
  /** UID of the account to which the target instance belongs; e.g. 12345*** */
  readonly TargetUserId?: string;
}
export interface CreateRepoSyncTaskResponse {
  /** Return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the invocation succeeded; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** Request ID; e.g. 8F8A0BA6-7F06-4BAE-B147-10BD6A25**** */
  readonly RequestId?: string;
  /** Sync task ID; e.g. rst-gbch330f0c**** */
  readonly SyncTaskId?: string;
}

/** CancelRepoSyncTask: Cancels a single replication task */
export interface CancelRepoSyncTaskRequest {
  /** instance ID; e.g. cri-xkx6vujuhay0**** */
  readonly InstanceId: string;
  /** ID of the replication task; e.g. rst-biu4u4pm4it5**** */
  readonly SyncTaskId: string;
}
export interface CancelRepoSyncTaskResponse {
  /** response code; e.g. success */
  readonly Code?: string;
  /** Indicates whether the CancelRepoSyncTask request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. EB9C5722-51E2-4497-A573-575B0CA5CE0C */
  readonly RequestId?: string;
}

/** CreateRepoSyncTaskByRule: Creates an image replication task based on a manual replication rule */
export interface CreateRepoSyncTaskByRuleRequest {
  /** ID of the instance; e.g. cri-hpdfkc6utbaq**** */
  readonly InstanceId: string;
  readonly Priority?: number;
  /** ID of the image repository; e.g. crr-hnoq7j93or3k**** */
  readonly RepoId: string;
  /** ID of the synchronization rule; e.g. crsr-o8n4dijbumgq**** */
  readonly SyncRuleId: string;
  /** version of the image to be synchronized; e.g. 1.24 */
  readonly Tag: string;
}
export interface CreateRepoSyncTaskByRuleResponse {
  /** return value; e.g. success */
  readonly Code?: string;
  /** Indicates whether the request is successful; values: true | false; e.g. true */
  readonly IsSuccess?: boolean;
  /** ID of the request; e.g. 17A4C658-AE8F-4A08-821F-EDCB5FC74EE8 */
  readonly RequestId?: string;
  /** ID of the synchronization task; e.g. rst-biu4u4pm4it5**** */
  readonly SyncTaskId?: string;
}

/** GetAuthorizationToken: Retrieves a temporary username and password for logging on to an instance */
export interface GetAuthorizationTokenRequest {
  /** validity period of the temporary credential in hours; e.g. 1 */
  readonly ExpiresInHours?: number;
  /** repository instance ID; e.g. cri-kmsiwlxxdcvaduwb */
  readonly InstanceId: string;
}
export interface GetAuthorizationTokenResponse {
  /** password used to log on to the registry; e.g. shaunadadakks:uuczxnjcyeyhdjadkkajsjdjadhyucb */
  readonly AuthorizationToken?: string;
  /** return code; e.g. success */
  readonly Code?: string;
  /** expiration timestamp of the temporary token, in milliseconds; e.g. 1571242083000 */
  readonly ExpireTime?: number;
  /** Indicates whether the operation is successful; e.g. true */
  readonly IsSuccess?: boolean;
  /** request ID; e.g. E069EB86-E6AD-4A98-ADDE-0E993390239A */
  readonly RequestId?: string;
  /** username used to log on to the registry; e.g. temp_user_cr */
  readonly TempUsername?: string;
}

// ---------------------------------------------------------------------------------------------
// Artifact lifecycle (retention) rules (issue 14). List and Get are HTTP GET actions.

/** Fields of a lifecycle rule as ListArtifactLifecycleRule `Rules[]` and GetArtifactLifecycleRule give them. */
export interface CrLifecycleRuleFields {
  /** Indicates whether the rule runs automatically; e.g. false */
  readonly Auto?: boolean;
  /** creation time of the rule; e.g. 1638187989000 */
  readonly CreateTime?: number;
  /** Indicates whether the rule is configured to delete tags; e.g. true */
  readonly EnableDeleteTag?: boolean;
  /** instance ID; e.g. cri-brlg4cbj2yl**** */
  readonly InstanceId?: string;
  /** last modification time of the rule; e.g. 1678341923385 */
  readonly ModifiedTime?: number;
  /** namespace name; e.g. test-ns */
  readonly NamespaceName?: string;
  /** next execution time; e.g. 1638187989000 */
  readonly NextTime?: number;
  /** repository name; e.g. test_1 */
  readonly RepoName?: string;
  /** number of image tags to retain; e.g. 30 */
  readonly RetentionTagCount?: number;
  /** rule ID; e.g. cralr-yqx1q5sir6d**** */
  readonly RuleId?: string;
  /** execution schedule; e.g. WEEK */
  readonly ScheduleTime?: string;
  /** scope of the rule; values: INSTANCE | NAMESPACE | REPO; e.g. INSTANCE */
  readonly Scope?: string;
  /** regular expression that matches image tags to retain; e.g. .*-alpine */
  readonly TagRegexp?: string;
}

/** The writable fields of Create/UpdateArtifactLifecycleRule. */
export interface ArtifactLifecycleRuleFields {
  /** Specify whether to automatically execute the lifecycle management rule; e.g. false */
  readonly Auto?: boolean;
  /** Specify whether to enable lifecycle management for the artifact; e.g. true */
  readonly EnableDeleteTag?: boolean;
  /** instance ID; e.g. cri-gbwfk7qbgrxe**** */
  readonly InstanceId: string;
  /** name of the namespace; e.g. dev-backend */
  readonly NamespaceName?: string;
  /** name of the image repository; e.g. test_1 */
  readonly RepoName?: string;
  /** number of images that you want to retain; e.g. 30 */
  readonly RetentionTagCount?: number;
  /** execution cycle of the lifecycle management rule; e.g. WEEK */
  readonly ScheduleTime?: string;
  /** deletion scope; e.g. INSTANCE */
  readonly Scope?: string;
  /** regular expression that is used to indicate which image tags are retained; e.g. release-.* */
  readonly TagRegexp?: string;
}

/** CreateArtifactLifecycleRule: Creates a lifecycle management rule for an artifact */
export type CreateArtifactLifecycleRuleRequest = ArtifactLifecycleRuleFields;
export interface CreateArtifactLifecycleRuleResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
  /** rule ID; e.g. cralr-b6thg027zmk1**** */
  readonly RuleId?: string;
}

/** UpdateArtifactLifecycleRule: Updates a lifecycle management rule of an artifact */
export interface UpdateArtifactLifecycleRuleRequest extends ArtifactLifecycleRuleFields {
  /** rule ID; e.g. cralr-luq6qiegzvx**** */
  readonly RuleId: string;
}
export interface UpdateArtifactLifecycleRuleResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}

/** DeleteArtifactLifecycleRule: Deletes an artifact lifecycle management rule */
export interface DeleteArtifactLifecycleRuleRequest {
  readonly InstanceId: string;
  /** rule ID; e.g. cralr-3v8pao9k7chb8q62 */
  readonly RuleId: string;
}
export interface DeleteArtifactLifecycleRuleResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}

/** ListArtifactLifecycleRule (HTTP GET): Lists artifact lifecycle management rules */
export interface ListArtifactLifecycleRuleRequest {
  /** Indicates whether automatic tag deletion is enabled; e.g. true */
  readonly EnableDeleteTag?: boolean;
  /** ID of the Enterprise Edition instance; e.g. cri-eztul9ucz76q**** */
  readonly InstanceId: string;
  readonly PageNo?: number;
  readonly PageSize?: number;
}
export interface ListArtifactLifecycleRuleResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RequestId?: string;
  readonly Rules?: readonly CrLifecycleRuleFields[];
  /** total number of entries (an integer here); e.g. 39 */
  readonly TotalCount?: number;
}

/** GetArtifactLifecycleRule (HTTP GET): one rule, the same fields as a List item */
export interface GetArtifactLifecycleRuleRequest {
  readonly InstanceId: string;
  readonly RuleId: string;
}
export interface GetArtifactLifecycleRuleResponse extends CrLifecycleRuleFields {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}

// ---------------------------------------------------------------------------------------------
// Scan rules (issue 14). ListScanRule is an HTTP GET action; GetScanRule is POST.

/** Fields of a scan rule as ListScanRule `ScanRules[]` gives them. */
export interface CrScanRuleFields {
  /** creation time; e.g. 1702361810000 */
  readonly CreateTime?: number;
  /** list of namespaces */
  readonly Namespaces?: readonly string[];
  /** repository names */
  readonly RepoNames?: readonly string[];
  /** tags that trigger the scan match this regular expression; e.g. .* */
  readonly RepoTagFilterPattern?: string;
  /** rule name; e.g. cicd-prod */
  readonly RuleName?: string;
  /** scan rule id; e.g. crscnr-2sdveqjhpzd**** */
  readonly ScanRuleId?: string;
  /** scan scope; values: INSTANCE | NAMESPACE | REPO; e.g. REPO */
  readonly ScanScope?: string;
  /** scan type; values: VUL | SBOM; e.g. SBOM */
  readonly ScanType?: string;
  /** trigger type; values: AUTO | MANUAL; e.g. AUTO */
  readonly TriggerType?: string;
  /** update time; e.g. 1764122725000 */
  readonly UpdateTime?: number;
}

/** CreateScanRule: Creates a scan or content analysis rule. `Namespaces` and `RepoNames` are sent as JSON strings. */
export interface CreateScanRuleRequest {
  readonly InstanceId: string;
  readonly Namespaces?: readonly string[];
  readonly RepoNames?: readonly string[];
  /** regular expression used to match tags that trigger a scan; e.g. .* */
  readonly RepoTagFilterPattern: string;
  readonly RuleName: string;
  /** scan scope; e.g. NAMESPACE */
  readonly ScanScope: string;
  /** scan type; values: VUL | SBOM; e.g. VUL */
  readonly ScanType?: string;
  /** trigger type; values: AUTO | MANUAL; e.g. AUTO */
  readonly TriggerType: string;
}
export interface CreateScanRuleResponse {
  /** ODD TYPE: `long` in the SDK model although its example is "success"; not relied on. */
  readonly Code?: string | number;
  readonly RequestId?: string;
  /** rule ID; e.g. crscnr-k3gdm5vrn2nzf5hw */
  readonly ScanRuleId?: string;
}

/** UpdateScanRule: every field but ScanType (the API has no ScanType here: a new type is a new rule). */
export interface UpdateScanRuleRequest extends Omit<CreateScanRuleRequest, 'ScanType'> {
  readonly ScanRuleId: string;
}
export interface UpdateScanRuleResponse {
  /** ODD TYPE: `long` in the SDK model, like CreateScanRule's. */
  readonly Code?: string | number;
  readonly RequestId?: string;
  readonly ScanRuleId?: string;
}

/** DeleteScanRule */
export interface DeleteScanRuleRequest {
  readonly InstanceId: string;
  readonly ScanRuleId: string;
}
export interface DeleteScanRuleResponse {
  readonly Code?: string;
  readonly RequestId?: string;
}

/** ListScanRule (HTTP GET) */
export interface ListScanRuleRequest {
  readonly InstanceId: string;
  readonly PageNo?: number;
  readonly PageSize?: number;
  /** values: VUL | SBOM */
  readonly ScanType?: string;
}
export interface ListScanRuleResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RequestId?: string;
  readonly ScanRules?: readonly CrScanRuleFields[];
  /** an integer here */
  readonly TotalCount?: number;
}

// ---------------------------------------------------------------------------------------------
// Repository webhook triggers (issue 14). TriggerUrl may carry a secret: never log a request.

/** A trigger as ListRepoTrigger `Triggers[]` gives it. */
export interface CrTrigger {
  /** event that activates the trigger; values: BUILD_SUCCESS | BUILD_Fail (read only) */
  readonly RepoEvent?: string;
  /** e.g. crw-vriyql9eq7ep**** */
  readonly TriggerId?: string;
  readonly TriggerName?: string;
  /** image tag condition: a JSON array of tags (TAG_LIST) or a regular expression (TAG_REG_EXP) */
  readonly TriggerTag?: string;
  /** values: ALL | TAG_LIST (documented as TAG_LISTTAG here) | TAG_REG_EXP */
  readonly TriggerType?: string;
  /** SECRET: may carry a token */
  readonly TriggerUrl?: string;
}
export interface CreateRepoTriggerRequest {
  readonly InstanceId: string;
  readonly RepoId: string;
  readonly TriggerName: string;
  readonly TriggerTag?: string;
  /** values: ALL | TAG_LIST | TAG_REG_EXP */
  readonly TriggerType: string;
  /** SECRET */
  readonly TriggerUrl: string;
}
export interface CreateRepoTriggerResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
  readonly TriggerId?: string;
}
export interface UpdateRepoTriggerRequest extends Partial<Omit<CreateRepoTriggerRequest, 'InstanceId' | 'RepoId'>> {
  readonly InstanceId: string;
  readonly RepoId: string;
  readonly TriggerId: string;
}
export interface DeleteRepoTriggerRequest {
  readonly InstanceId: string;
  readonly RepoId: string;
  readonly TriggerId: string;
}
export interface RepoTriggerWriteResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}
export interface ListRepoTriggerRequest {
  readonly InstanceId: string;
  readonly RepoId: string;
}
export interface ListRepoTriggerResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
  /** not paged */
  readonly Triggers?: readonly CrTrigger[];
}

// Helm charts (issue 14): chart namespaces and chart repositories.

/** ListChartNamespace: Queries the chart namespaces of a Container Registry instance */
export interface ListChartNamespaceRequest {
  /** ID of the instance; e.g. cri-kmsiwlxxdcva**** */
  readonly InstanceId: string;
  /** name of the namespace; e.g. test */
  readonly NamespaceName?: string;
  /** status of the namespace; values: NORMAL | DELETING; e.g. NORMAL */
  readonly NamespaceStatus?: string;
  /** number of the page to return; e.g. 1 */
  readonly PageNo?: number;
  /** number of entries to return on each page; e.g. 30 */
  readonly PageSize?: number;
}
export interface ListChartNamespaceResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly Namespaces?: readonly {
    /** repositories are created automatically when a chart is pushed; e.g. true */
    readonly AutoCreateRepo?: boolean;
    /** values: PUBLIC | PRIVATE; e.g. PUBLIC */
    readonly DefaultRepoType?: string;
    readonly InstanceId?: string;
    /** e.g. null */
    readonly NamespaceId?: string;
    readonly NamespaceName?: string;
    /** values: NORMAL | DELETING; e.g. NORMAL */
    readonly NamespaceStatus?: string;
    readonly ResourceGroupId?: string;
  }[];
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RequestId?: string;
  /** ODD TYPE: a string in the SDK model, not a number. e.g. 1 */
  readonly TotalCount?: string;
}

/** CreateChartNamespace: Creates a chart namespace in an instance */
export interface CreateChartNamespaceRequest {
  readonly AutoCreateRepo?: boolean;
  /** values: PUBLIC | PRIVATE */
  readonly DefaultRepoType?: string;
  readonly InstanceId: string;
  readonly NamespaceName: string;
}
export interface CreateChartNamespaceResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}

/** UpdateChartNamespace: Updates a chart namespace */
export interface UpdateChartNamespaceRequest {
  readonly AutoCreateRepo?: boolean;
  /** values: PUBLIC | PRIVATE */
  readonly DefaultRepoType?: string;
  readonly InstanceId: string;
  readonly NamespaceName: string;
}
export type UpdateChartNamespaceResponse = CreateChartNamespaceResponse;

/** DeleteChartNamespace: Deletes a chart namespace (and every chart repository and chart in it) */
export interface DeleteChartNamespaceRequest {
  readonly InstanceId: string;
  readonly NamespaceName: string;
}
export type DeleteChartNamespaceResponse = CreateChartNamespaceResponse;

/** ListChartRepository: Queries the chart repositories of a Container Registry instance */
export interface ListChartRepositoryRequest {
  readonly InstanceId: string;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RepoName?: string;
  readonly RepoNamespaceName?: string;
  /** values: ALL | NORMAL | DELETING; e.g. NORMAL */
  readonly RepoStatus?: string;
}
export interface ListChartRepositoryResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly Repositories?: readonly {
    /** epoch ms; e.g. 1571926644000 */
    readonly CreateTime?: number;
    readonly InstanceId?: string;
    readonly ModifiedTime?: number;
    /** e.g. crcr-gpsu7b8chmxk**** */
    readonly RepoId?: string;
    readonly RepoName?: string;
    readonly RepoNamespaceName?: string;
    /** values: NORMAL | DELETING */
    readonly RepoStatus?: string;
    /** values: PRIVATE | PUBLIC */
    readonly RepoType?: string;
    readonly ResourceGroupId?: string;
    readonly Summary?: string;
  }[];
  readonly RequestId?: string;
  /** ODD TYPE: a string in the SDK model, not a number. e.g. 1 */
  readonly TotalCount?: string;
}

/** CreateChartRepository: Creates a chart repository */
export interface CreateChartRepositoryRequest {
  readonly InstanceId: string;
  readonly RepoName: string;
  readonly RepoNamespaceName: string;
  /** values: PUBLIC | PRIVATE */
  readonly RepoType?: string;
  readonly Summary?: string;
}
export interface CreateChartRepositoryResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  /** e.g. crcr-2micxey5ewj4**** */
  readonly RepoId?: string;
  readonly RequestId?: string;
}

/** UpdateChartRepository: Updates a chart repository */
export interface UpdateChartRepositoryRequest {
  readonly InstanceId: string;
  readonly RepoName: string;
  readonly RepoNamespaceName: string;
  /** values: PUBLIC | PRIVATE */
  readonly RepoType?: string;
  readonly Summary?: string;
}
export type UpdateChartRepositoryResponse = CreateChartNamespaceResponse;

/** DeleteChartRepository: Deletes a chart repository */
export interface DeleteChartRepositoryRequest {
  readonly InstanceId: string;
  readonly RepoName: string;
  readonly RepoNamespaceName: string;
}
export type DeleteChartRepositoryResponse = CreateChartNamespaceResponse;

export type CrChartNamespace = Item<ListChartNamespaceResponse['Namespaces']>;
export type CrChartRepository = Item<ListChartRepositoryResponse['Repositories']>;

// Pull-through subscriptions (issue 14): artifact subscription rules and tasks.

/** A subscription rule as ListArtifactSubscriptionRule and GetArtifactSubscriptionRule return it. */
export interface CrSubscriptionRuleFields {
  /** accelerated subscription channel; e.g. true */
  readonly Accelerate?: boolean;
  /** epoch ms */
  readonly CreateTime?: number;
  readonly InstanceId?: string;
  readonly ModifiedTime?: number;
  /** destination namespace; e.g. test-ns */
  readonly NamespaceName?: string;
  /** overwrite images with the same tag in the destination; e.g. true */
  readonly Override?: boolean;
  /** operating systems and architectures */
  readonly Platform?: readonly string[];
  /** destination repository; e.g. test-repo */
  readonly RepoName?: string;
  /** e.g. crasr-mdbpung4i1rm**** */
  readonly RuleId?: string;
  readonly SourceDomain?: string;
  /** e.g. library */
  readonly SourceNamespaceName?: string;
  /** values: DOCKER_HUB | GCR | QUAY */
  readonly SourceProvider?: string;
  /** e.g. nginx */
  readonly SourceRepoName?: string;
  /** e.g. 1 */
  readonly TagCount?: number;
  /** e.g. release-v.* */
  readonly TagRegexp?: string;
}

/** ListArtifactSubscriptionRule (HTTP GET): List artifact subscription rules */
export interface ListArtifactSubscriptionRuleRequest {
  readonly InstanceId: string;
  readonly PageNo?: number;
  readonly PageSize?: number;
}
export interface ListArtifactSubscriptionRuleResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RequestId?: string;
  readonly Rules?: readonly CrSubscriptionRuleFields[];
  /** an integer here */
  readonly TotalCount?: number;
}

/** CreateArtifactSubscriptionRule: Creates an artifact subscription rule (`Platform` flattened as Platform.N) */
export interface CreateArtifactSubscriptionRuleRequest {
  readonly Accelerate?: boolean;
  readonly InstanceId: string;
  readonly NamespaceName: string;
  readonly Override?: boolean;
  readonly Platform: readonly string[];
  readonly RepoName: string;
  readonly SourceNamespaceName?: string;
  /** values: DOCKER_HUB | GCR | QUAY */
  readonly SourceProvider: string;
  readonly SourceRepoName: string;
  readonly TagCount: number;
  readonly TagRegexp: string;
}
export interface CreateArtifactSubscriptionRuleResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
  /** e.g. crasr-lxdfele7dg4**** */
  readonly RuleId?: string;
}

/** UpdateArtifactSubscriptionRule: Updates an artifact subscription rule. ODD TYPE: Accelerate and Override are STRINGS here. */
export interface UpdateArtifactSubscriptionRuleRequest {
  readonly Accelerate?: string;
  readonly InstanceId: string;
  readonly NamespaceName?: string;
  readonly Override?: string;
  readonly Platform?: readonly string[];
  readonly RepoName?: string;
  readonly RuleId: string;
  readonly SourceNamespaceName?: string;
  readonly SourceProvider?: string;
  readonly SourceRepoName?: string;
  readonly TagCount?: number;
  readonly TagRegexp?: string;
}
export interface UpdateArtifactSubscriptionRuleResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}

/** DeleteArtifactSubscriptionRule: Deletes an artifact subscription rule */
export interface DeleteArtifactSubscriptionRuleRequest {
  readonly InstanceId: string;
  readonly RuleId: string;
}
export type DeleteArtifactSubscriptionRuleResponse = UpdateArtifactSubscriptionRuleResponse;

/** CreateArtifactSubscriptionTask: Creates an artifact subscription task (one pull of a rule, now) */
export interface CreateArtifactSubscriptionTaskRequest {
  readonly InstanceId: string;
  readonly RuleId: string;
}
export interface CreateArtifactSubscriptionTaskResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
  /** e.g. crast-40le4es9yh0p**** */
  readonly TaskId?: string;
}

/** A subscription task as ListArtifactSubscriptionTask and GetArtifactSubscriptionTask return it. */
export interface CrSubscriptionTaskFields {
  readonly ArtifactType?: string;
  readonly InstanceId?: string;
  readonly Message?: string;
  readonly NamespaceName?: string;
  readonly RepoName?: string;
  readonly SourceNamespaceName?: string;
  readonly SourceProvider?: string;
  readonly SourceRepoName?: string;
  readonly SourceRepoType?: string;
  readonly TagSubscriptionCount?: number;
  readonly TagTotalCount?: number;
  readonly TaskId?: string;
  /** e.g. SUCCESS */
  readonly TaskResult?: string;
  /** e.g. RUNNING */
  readonly TaskStatus?: string;
  /** e.g. AUTO */
  readonly TaskType?: string;
}

/** GetArtifactSubscriptionTask (HTTP GET): Queries an artifact subscription task */
export interface GetArtifactSubscriptionTaskRequest {
  readonly InstanceId: string;
  readonly TaskId: string;
}
export interface GetArtifactSubscriptionTaskResponse extends CrSubscriptionTaskFields {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
  /** epoch ms (a long here) */
  readonly StartTime?: number;
  readonly EndTime?: number;
}

/** ListArtifactSubscriptionTask (HTTP GET): Lists artifact subscription tasks */
export interface ListArtifactSubscriptionTaskRequest {
  readonly InstanceId: string;
  readonly PageNo?: number;
  readonly PageSize?: number;
}
export interface ListArtifactSubscriptionTaskResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RequestId?: string;
  /** ODD TYPE: StartTime and EndTime are STRINGS here (longs in GetArtifactSubscriptionTask). */
  readonly Tasks?: readonly (CrSubscriptionTaskFields & { readonly StartTime?: string; readonly EndTime?: string })[];
  readonly TotalCount?: number;
}

export type CrSubscriptionRule = CrSubscriptionRuleFields;
export type CrSubscriptionTask = Item<ListArtifactSubscriptionTaskResponse['Tasks']>;

// Custom domains (issue 14): customized domains of an instance. No List: the domains are the
// USER domains of ListInstanceEndpoint; the certificate id comes from the Get.

/** GetInstanceCustomizedDomain: Queries a custom domain name of an instance */
export interface GetInstanceCustomizedDomainRequest {
  readonly Domain: string;
  readonly InstanceId: string;
  /** e.g. Registry */
  readonly ModuleName: string;
}
export interface GetInstanceCustomizedDomainResponse {
  /** certificate ID; e.g. 24858802 */
  readonly CertId?: string;
  readonly Code?: string;
  readonly CreateTime?: number;
  readonly Domain?: string;
  /** e.g. USER */
  readonly DomainType?: string;
  /** e.g. internet */
  readonly EndpointType?: string;
  readonly InstanceId?: string;
  readonly IsSuccess?: boolean;
  readonly ModifiedTime?: number;
  /** e.g. Chart */
  readonly ModuleName?: string;
  readonly RegionId?: string;
  readonly RequestId?: string;
}

/** CreateInstanceCustomizedDomain / UpdateInstanceCustomizedDomain: the domain and its certificate */
export interface CreateInstanceCustomizedDomainRequest {
  /** ID of the certificate in Certificate Management Service; e.g. 21428921 */
  readonly CertId: string;
  /** region of the certificate; e.g. cn-hangzhou */
  readonly CertRegionId?: string;
  readonly Domain: string;
  readonly InstanceId: string;
  /** e.g. Registry */
  readonly ModuleName: string;
}
export type UpdateInstanceCustomizedDomainRequest = CreateInstanceCustomizedDomainRequest;
export interface CreateInstanceCustomizedDomainResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}
export type UpdateInstanceCustomizedDomainResponse = CreateInstanceCustomizedDomainResponse;

/** DeleteInstanceCustomizedDomain: Deletes a custom domain name from an instance */
export interface DeleteInstanceCustomizedDomainRequest {
  readonly Domain: string;
  readonly InstanceId: string;
  readonly ModuleName: string;
}
export type DeleteInstanceCustomizedDomainResponse = CreateInstanceCustomizedDomainResponse;

// ---------------------------------------------------------------------------------------------
// Delivery chains (issue 14 item 7). ChainConfig is sent as one JSON string (the SDK's field is a
// string); GetChain returns it as an object. ScopeExclude is a repeat list (ScopeExclude.N).

/** The deny policy of a scan node (GetChain ChainConfig.Nodes[].NodeConfig.DenyPolicy). */
export interface CrChainDenyPolicy {
  /** values: BLOCK | BLOCK_RETAG | BLOCK_DELETE_TAG */
  readonly Action?: string;
  /** baseline samples to block; e.g. identification,hc_image_exploit */
  readonly BaselineList?: string;
  /** ODD TYPE: a string in the SDK model; e.g. 10 */
  readonly IssueCount?: string;
  /** e.g. HIGH */
  readonly IssueLevel?: string;
  /** CVEs to block; e.g. CVE-2020-8286,CVE-2020-8285 */
  readonly IssueList?: string;
  /** e.g. AND */
  readonly Logic?: string;
  /** malicious samples to block; e.g. mutate_cockhorse,abnormal_program */
  readonly MaliciousList?: string;
}

/** A chain's configuration: GetChain `ChainConfig`, and (JSON-encoded, read-only fields left out) Create/UpdateChain `ChainConfig`. */
export interface CrChainConfig {
  /** read only; e.g. cci-lz3ycgo69ukt**** */
  readonly ChainConfigId?: string;
  /** read only */
  readonly IsActive?: boolean;
  readonly Nodes?: readonly {
    readonly Enable?: boolean;
    readonly NodeConfig?: {
      readonly DenyPolicy?: CrChainDenyPolicy;
      /** e.g. 3 */
      readonly Retry?: number;
      /** values: SAS_SCAN_SERVICE | ACR_SCAN_SERVICE */
      readonly ScanEngine?: string;
      /** seconds; e.g. 900 */
      readonly Timeout?: number;
    };
    /** values: DOCKER_IMAGE_BUILD | DOCKER_IMAGE_PUSH | VULNERABILITY_SCANNING | ACTIVATE_REPLICATION | TRIGGER | SNAPSHOT | TRIGGER_SNAPSHOT */
    readonly NodeName?: string;
  }[];
  readonly Routers?: readonly { readonly From?: { readonly NodeName?: string }; readonly To?: { readonly NodeName?: string } }[];
  /** read only; e.g. 1 */
  readonly Version?: string;
}

/** A chain as ListChain `Chains[]` gives it (no ChainConfig: GetChain has it). */
export interface CrChainFields {
  /** e.g. chi-0ops0gsmw5x2**** */
  readonly ChainId?: string;
  readonly CreateTime?: number;
  readonly Description?: string;
  readonly InstanceId?: string;
  readonly ModifiedTime?: number;
  readonly Name?: string;
  /** repositories the chain does not apply to */
  readonly ScopeExclude?: readonly string[];
  /** e.g. crr-nyrh2oko32xb**** */
  readonly ScopeId?: string;
  /** e.g. REPOSITORY */
  readonly ScopeType?: string;
}

/** CreateChain: Creates a delivery chain */
export interface CreateChainRequest {
  /** JSON of a CrChainConfig */
  readonly ChainConfig?: string;
  readonly Description?: string;
  readonly InstanceId: string;
  readonly Name: string;
  readonly RepoName?: string;
  readonly RepoNamespaceName?: string;
  readonly ScopeExclude?: readonly string[];
}
export interface CreateChainResponse {
  /** e.g. chi-02ymhtwl3cq8**** */
  readonly ChainId?: string;
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}

/** UpdateChain: name, description, ChainConfig (required) and ScopeExclude; no scope fields. */
export interface UpdateChainRequest {
  readonly ChainConfig: string;
  readonly ChainId: string;
  readonly Description?: string;
  readonly InstanceId: string;
  readonly Name: string;
  readonly ScopeExclude?: readonly string[];
}
export interface UpdateChainResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}

/** DeleteChain */
export interface DeleteChainRequest {
  readonly ChainId: string;
  readonly InstanceId: string;
}
export type DeleteChainResponse = UpdateChainResponse;

/** GetChain */
export interface GetChainRequest {
  readonly ChainId: string;
  readonly InstanceId: string;
}
export interface GetChainResponse extends CrChainFields {
  readonly ChainConfig?: CrChainConfig;
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}

/** ListChain */
export interface ListChainRequest {
  readonly InstanceId: string;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RepoName?: string;
  readonly RepoNamespaceName?: string;
}
export interface ListChainResponse {
  readonly Chains?: readonly CrChainFields[];
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly PageNo?: number;
  readonly PageSize?: number;
  readonly RequestId?: string;
  /** an integer here */
  readonly TotalCount?: number;
}
// Build rules and source-code bindings (issue 14 item 9). Field names and types as the SDK models
// (@alicloud/cr20181201): Create takes booleans, Update takes and Get returns "true"/"false" strings.

/** CreateRepoSourceCodeRepo: Binds a source code repository to an image repository. */
export interface CreateRepoSourceCodeRepoRequest {
  readonly AutoBuild?: boolean;
  /** name of the source code repository; e.g. repo */
  readonly CodeRepoName: string;
  /** namespace (owner, group) of the source code repository; e.g. namespace */
  readonly CodeRepoNamespaceName: string;
  /** code hosting platform; values: GITHUB | GITLAB | GITEE | CODE | CODEUP */
  readonly CodeRepoType: string;
  readonly DisableCacheBuild?: boolean;
  readonly InstanceId: string;
  readonly OverseaBuild?: boolean;
  readonly RepoId: string;
}
/** UpdateRepoSourceCodeRepo: the flags are strings "true" | "false" in the SDK model. */
export interface UpdateRepoSourceCodeRepoRequest {
  readonly AutoBuild?: string;
  readonly CodeRepoId?: string;
  readonly CodeRepoName: string;
  readonly CodeRepoNamespaceName: string;
  readonly CodeRepoType: string;
  readonly DisableCacheBuild?: string;
  readonly InstanceId: string;
  readonly OverseaBuild?: string;
  readonly RepoId: string;
}
export interface RepoSourceCodeRepoWriteResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}
export interface GetRepoSourceCodeRepoRequest {
  readonly InstanceId: string;
  readonly RepoId: string;
}
/** The flags are strings "true" | "false" in the SDK model. */
export interface GetRepoSourceCodeRepoResponse {
  readonly AutoBuild?: string;
  readonly Code?: string;
  /** e.g. https://github.com */
  readonly CodeRepoDomain?: string;
  readonly CodeRepoName?: string;
  readonly CodeRepoNamespaceName?: string;
  readonly CodeRepoType?: string;
  readonly DisableCacheBuild?: string;
  readonly IsSuccess?: boolean;
  readonly OverseaBuild?: string;
  readonly RepoId?: string;
  readonly RequestId?: string;
}
/** CreateRepoBuildRule: BuildArgs and Platforms are repeat lists (BuildArgs.N, Platforms.N). */
export interface CreateRepoBuildRuleRequest {
  readonly BuildArgs?: readonly string[];
  readonly DockerfileLocation?: string;
  readonly DockerfileName?: string;
  readonly ImageTag: string;
  readonly InstanceId: string;
  /** values: linux/amd64 | linux/arm64 | linux/386 | linux/arm/v7 | linux/arm/v6 */
  readonly Platforms?: readonly string[];
  readonly PushName: string;
  /** values: GIT_TAG | GIT_BRANCH */
  readonly PushType: string;
  readonly RepoId: string;
}
export interface CreateRepoBuildRuleResponse {
  /** e.g. crbr-ly77w5i3t31f**** */
  readonly BuildRuleId?: string;
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}
export interface UpdateRepoBuildRuleRequest extends Partial<Omit<CreateRepoBuildRuleRequest, 'InstanceId' | 'RepoId'>> {
  readonly BuildRuleId: string;
  readonly InstanceId: string;
  readonly RepoId: string;
}
export type UpdateRepoBuildRuleResponse = CreateRepoBuildRuleResponse;
export interface DeleteRepoBuildRuleRequest {
  readonly BuildRuleId: string;
  readonly InstanceId: string;
  readonly RepoId: string;
}
export type DeleteRepoBuildRuleResponse = RepoSourceCodeRepoWriteResponse;

export type CrInstance = Item<ListInstanceResponse['Instances']>;
export type CrNamespace = Item<ListNamespaceResponse['Namespaces']>;
export type CrRepository = Item<ListRepositoryResponse['Repositories']>;
export type CrImage = Item<ListRepoTagResponse['Images']>;
export type CrBuildRule = Item<ListRepoBuildRuleResponse['BuildRules']>;
export type CrSyncRule = Item<ListRepoSyncRuleResponse['SyncRules']>;
export type CrSyncTask = Item<ListRepoSyncTaskResponse['SyncTasks']>;

/** Default page size of the collect-all helpers (the emulator and the docs accept up to 100). */
export const CR_PAGE_SIZE = 100;

/** Typed cr 2018-12-01 client for one (account, region). Every method is one API call (plus retries). */
export class CrClient {
  readonly #call: RpcCallFn;

  constructor(call: RpcCallFn) {
    this.#call = call;
  }

  listInstance(req: ListInstanceRequest = {}): Promise<ListInstanceResponse> {
    return this.#call('ListInstance', req, READ);
  }
  getInstance(req: GetInstanceRequest): Promise<GetInstanceResponse> {
    return this.#call('GetInstance', req, READ);
  }
  getInstanceUsage(req: GetInstanceUsageRequest): Promise<GetInstanceUsageResponse> {
    return this.#call('GetInstanceUsage', req, READ);
  }
  listInstanceEndpoint(req: ListInstanceEndpointRequest): Promise<ListInstanceEndpointResponse> {
    return this.#call('ListInstanceEndpoint', req, READ);
  }
  getInstanceEndpoint(req: GetInstanceEndpointRequest): Promise<GetInstanceEndpointResponse> {
    return this.#call('GetInstanceEndpoint', req, READ);
  }
  updateInstanceEndpointStatus(req: UpdateInstanceEndpointStatusRequest): Promise<UpdateInstanceEndpointStatusResponse> {
    return this.#call('UpdateInstanceEndpointStatus', req, IDEMPOTENT_WRITE);
  }
  /** `Entries` is sent as one JSON string (SDK Shrink parameter). */
  createInstanceEndpointAclPolicy(req: CreateInstanceEndpointAclPolicyRequest): Promise<CreateInstanceEndpointAclPolicyResponse> {
    return this.#call('CreateInstanceEndpointAclPolicy', req, ONCE_WRITE, { shrink: ['Entries'] });
  }
  /** `Entries` is sent as one JSON string (SDK Shrink parameter). */
  deleteInstanceEndpointAclPolicy(req: DeleteInstanceEndpointAclPolicyRequest): Promise<DeleteInstanceEndpointAclPolicyResponse> {
    return this.#call('DeleteInstanceEndpointAclPolicy', req, IDEMPOTENT_WRITE, { shrink: ['Entries'] });
  }
  getInstanceVpcEndpoint(req: GetInstanceVpcEndpointRequest): Promise<GetInstanceVpcEndpointResponse> {
    return this.#call('GetInstanceVpcEndpoint', req, READ);
  }
  createInstanceVpcEndpointLinkedVpc(req: CreateInstanceVpcEndpointLinkedVpcRequest): Promise<CreateInstanceVpcEndpointLinkedVpcResponse> {
    return this.#call('CreateInstanceVpcEndpointLinkedVpc', req, ONCE_WRITE);
  }
  deleteInstanceVpcEndpointLinkedVpc(req: DeleteInstanceVpcEndpointLinkedVpcRequest): Promise<DeleteInstanceVpcEndpointLinkedVpcResponse> {
    return this.#call('DeleteInstanceVpcEndpointLinkedVpc', req, IDEMPOTENT_WRITE);
  }
  listNamespace(req: ListNamespaceRequest): Promise<ListNamespaceResponse> {
    return this.#call('ListNamespace', req, READ);
  }
  getNamespace(req: GetNamespaceRequest): Promise<GetNamespaceResponse> {
    return this.#call('GetNamespace', req, READ);
  }
  /** `DefaultRepoConfiguration` is sent as one JSON string (SDK Shrink parameter). */
  createNamespace(req: CreateNamespaceRequest): Promise<CreateNamespaceResponse> {
    return this.#call('CreateNamespace', req, ONCE_WRITE, { shrink: ['DefaultRepoConfiguration'] });
  }
  /** `DefaultRepoConfiguration` is sent as one JSON string (SDK Shrink parameter). */
  updateNamespace(req: UpdateNamespaceRequest): Promise<UpdateNamespaceResponse> {
    return this.#call('UpdateNamespace', req, IDEMPOTENT_WRITE, { shrink: ['DefaultRepoConfiguration'] });
  }
  deleteNamespace(req: DeleteNamespaceRequest): Promise<DeleteNamespaceResponse> {
    return this.#call('DeleteNamespace', req, IDEMPOTENT_WRITE);
  }
  listRepository(req: ListRepositoryRequest): Promise<ListRepositoryResponse> {
    return this.#call('ListRepository', req, READ);
  }
  getRepository(req: GetRepositoryRequest): Promise<GetRepositoryResponse> {
    return this.#call('GetRepository', req, READ);
  }
  createRepository(req: CreateRepositoryRequest): Promise<CreateRepositoryResponse> {
    return this.#call('CreateRepository', req, ONCE_WRITE);
  }
  updateRepository(req: UpdateRepositoryRequest): Promise<UpdateRepositoryResponse> {
    return this.#call('UpdateRepository', req, IDEMPOTENT_WRITE);
  }
  deleteRepository(req: DeleteRepositoryRequest): Promise<DeleteRepositoryResponse> {
    return this.#call('DeleteRepository', req, IDEMPOTENT_WRITE);
  }
  listRepoTag(req: ListRepoTagRequest): Promise<ListRepoTagResponse> {
    return this.#call('ListRepoTag', req, READ);
  }
  listRepoBuildRule(req: ListRepoBuildRuleRequest): Promise<ListRepoBuildRuleResponse> {
    return this.#call('ListRepoBuildRule', req, READ);
  }
  listRepoSyncRule(req: ListRepoSyncRuleRequest): Promise<ListRepoSyncRuleResponse> {
    return this.#call('ListRepoSyncRule', req, READ);
  }
  createRepoSyncRule(req: CreateRepoSyncRuleRequest): Promise<CreateRepoSyncRuleResponse> {
    return this.#call('CreateRepoSyncRule', req, ONCE_WRITE);
  }
  deleteRepoSyncRule(req: DeleteRepoSyncRuleRequest): Promise<DeleteRepoSyncRuleResponse> {
    return this.#call('DeleteRepoSyncRule', req, IDEMPOTENT_WRITE);
  }
  listRepoSyncTask(req: ListRepoSyncTaskRequest): Promise<ListRepoSyncTaskResponse> {
    return this.#call('ListRepoSyncTask', req, READ);
  }
  getRepoSyncTask(req: GetRepoSyncTaskRequest): Promise<GetRepoSyncTaskResponse> {
    return this.#call('GetRepoSyncTask', req, READ);
  }
  createRepoSyncTask(req: CreateRepoSyncTaskRequest): Promise<CreateRepoSyncTaskResponse> {
    return this.#call('CreateRepoSyncTask', req, ONCE_WRITE);
  }
  cancelRepoSyncTask(req: CancelRepoSyncTaskRequest): Promise<CancelRepoSyncTaskResponse> {
    return this.#call('CancelRepoSyncTask', req, IDEMPOTENT_WRITE);
  }
  createRepoSyncTaskByRule(req: CreateRepoSyncTaskByRuleRequest): Promise<CreateRepoSyncTaskByRuleResponse> {
    return this.#call('CreateRepoSyncTaskByRule', req, ONCE_WRITE);
  }
  /** Temporary docker-login credentials. The token is a secret: never print or log it. */
  getAuthorizationToken(req: GetAuthorizationTokenRequest): Promise<GetAuthorizationTokenResponse> {
    return this.#call('GetAuthorizationToken', req, READ);
  }

  // Collect-all helpers: one ListX call per page, PageNo/PageSize, stopping on TotalCount or a short page.

  /** Every instance of the account in this region. */
  allInstances(filter: Omit<ListInstanceRequest, 'PageNo' | 'PageSize'> = {}, pageSize = CR_PAGE_SIZE): Promise<Collected<CrInstance>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listInstance({ ...filter, PageNo, PageSize });
        return { items: r.Instances ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  /** Every namespace of an instance. */
  allNamespaces(filter: Omit<ListNamespaceRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrNamespace>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listNamespace({ ...filter, PageNo, PageSize });
        return { items: r.Namespaces ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  /** Every repository of an instance (or of one namespace with `RepoNamespaceName`). */
  allRepositories(
    filter: Omit<ListRepositoryRequest, 'PageNo' | 'PageSize' | 'NextToken' | 'MaxResults'>,
    pageSize = CR_PAGE_SIZE,
  ): Promise<Collected<CrRepository>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listRepository({ ...filter, PageNo, PageSize });
        return { items: r.Repositories ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  /** Every build rule of a repository. */
  allRepoBuildRules(filter: Omit<ListRepoBuildRuleRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrBuildRule>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listRepoBuildRule({ ...filter, PageNo, PageSize });
        return { items: r.BuildRules ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  /** Every tag of a repository. */
  allRepoTags(filter: Omit<ListRepoTagRequest, 'PageNo' | 'PageSize' | 'NextToken' | 'MaxResults'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrImage>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listRepoTag({ ...filter, PageNo, PageSize });
        return { items: r.Images ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  /** Every sync rule of an instance (optionally filtered by namespace, repository or target). */
  allRepoSyncRules(filter: Omit<ListRepoSyncRuleRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrSyncRule>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listRepoSyncRule({ ...filter, PageNo, PageSize });
        return { items: r.SyncRules ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  /** Every sync task of an instance (optionally filtered by namespace, repository, tag). */
  allRepoSyncTasks(filter: Omit<ListRepoSyncTaskRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrSyncTask>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listRepoSyncTask({ ...filter, PageNo, PageSize });
        return { items: r.SyncTasks ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  // Artifact lifecycle (retention) rules (issue 14).

  listArtifactLifecycleRule(req: ListArtifactLifecycleRuleRequest): Promise<ListArtifactLifecycleRuleResponse> {
    return this.#call('ListArtifactLifecycleRule', req, READ, { method: 'GET' });
  }
  getArtifactLifecycleRule(req: GetArtifactLifecycleRuleRequest): Promise<GetArtifactLifecycleRuleResponse> {
    return this.#call('GetArtifactLifecycleRule', req, READ, { method: 'GET' });
  }
  createArtifactLifecycleRule(req: CreateArtifactLifecycleRuleRequest): Promise<CreateArtifactLifecycleRuleResponse> {
    return this.#call('CreateArtifactLifecycleRule', req, ONCE_WRITE);
  }
  updateArtifactLifecycleRule(req: UpdateArtifactLifecycleRuleRequest): Promise<UpdateArtifactLifecycleRuleResponse> {
    return this.#call('UpdateArtifactLifecycleRule', req, IDEMPOTENT_WRITE);
  }
  deleteArtifactLifecycleRule(req: DeleteArtifactLifecycleRuleRequest): Promise<DeleteArtifactLifecycleRuleResponse> {
    return this.#call('DeleteArtifactLifecycleRule', req, IDEMPOTENT_WRITE);
  }
  /** Every lifecycle rule of an instance. */
  allArtifactLifecycleRules(filter: Omit<ListArtifactLifecycleRuleRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrLifecycleRuleFields>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listArtifactLifecycleRule({ ...filter, PageNo, PageSize });
        return { items: r.Rules ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  // Scan rules (issue 14).

  listScanRule(req: ListScanRuleRequest): Promise<ListScanRuleResponse> {
    return this.#call('ListScanRule', req, READ, { method: 'GET' });
  }
  /** `Namespaces` and `RepoNames` are sent as JSON strings (SDK Shrink parameters). */
  createScanRule(req: CreateScanRuleRequest): Promise<CreateScanRuleResponse> {
    return this.#call('CreateScanRule', req, ONCE_WRITE, { shrink: ['Namespaces', 'RepoNames'] });
  }
  /** `Namespaces` and `RepoNames` are sent as JSON strings (SDK Shrink parameters). */
  updateScanRule(req: UpdateScanRuleRequest): Promise<UpdateScanRuleResponse> {
    return this.#call('UpdateScanRule', req, IDEMPOTENT_WRITE, { shrink: ['Namespaces', 'RepoNames'] });
  }
  deleteScanRule(req: DeleteScanRuleRequest): Promise<DeleteScanRuleResponse> {
    return this.#call('DeleteScanRule', req, IDEMPOTENT_WRITE);
  }
  /** Every scan rule of an instance. */
  allScanRules(filter: Omit<ListScanRuleRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrScanRuleFields>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listScanRule({ ...filter, PageNo, PageSize });
        return { items: r.ScanRules ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  // Repository webhook triggers (issue 14).

  listRepoTrigger(req: ListRepoTriggerRequest): Promise<ListRepoTriggerResponse> {
    return this.#call('ListRepoTrigger', req, READ);
  }
  createRepoTrigger(req: CreateRepoTriggerRequest): Promise<CreateRepoTriggerResponse> {
    return this.#call('CreateRepoTrigger', req, ONCE_WRITE);
  }
  updateRepoTrigger(req: UpdateRepoTriggerRequest): Promise<RepoTriggerWriteResponse> {
    return this.#call('UpdateRepoTrigger', req, IDEMPOTENT_WRITE);
  }
  deleteRepoTrigger(req: DeleteRepoTriggerRequest): Promise<RepoTriggerWriteResponse> {
    return this.#call('DeleteRepoTrigger', req, IDEMPOTENT_WRITE);
  }

  // Helm charts (issue 14)

  listChartNamespace(req: ListChartNamespaceRequest): Promise<ListChartNamespaceResponse> {
    return this.#call('ListChartNamespace', req, READ);
  }
  createChartNamespace(req: CreateChartNamespaceRequest): Promise<CreateChartNamespaceResponse> {
    return this.#call('CreateChartNamespace', req, ONCE_WRITE);
  }
  updateChartNamespace(req: UpdateChartNamespaceRequest): Promise<UpdateChartNamespaceResponse> {
    return this.#call('UpdateChartNamespace', req, IDEMPOTENT_WRITE);
  }
  deleteChartNamespace(req: DeleteChartNamespaceRequest): Promise<DeleteChartNamespaceResponse> {
    return this.#call('DeleteChartNamespace', req, IDEMPOTENT_WRITE);
  }
  listChartRepository(req: ListChartRepositoryRequest): Promise<ListChartRepositoryResponse> {
    return this.#call('ListChartRepository', req, READ);
  }
  createChartRepository(req: CreateChartRepositoryRequest): Promise<CreateChartRepositoryResponse> {
    return this.#call('CreateChartRepository', req, ONCE_WRITE);
  }
  updateChartRepository(req: UpdateChartRepositoryRequest): Promise<UpdateChartRepositoryResponse> {
    return this.#call('UpdateChartRepository', req, IDEMPOTENT_WRITE);
  }
  deleteChartRepository(req: DeleteChartRepositoryRequest): Promise<DeleteChartRepositoryResponse> {
    return this.#call('DeleteChartRepository', req, IDEMPOTENT_WRITE);
  }

  /** Every chart namespace of an instance (optionally one name: the filter may match loosely). */
  allChartNamespaces(filter: Omit<ListChartNamespaceRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrChartNamespace>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listChartNamespace({ ...filter, PageNo, PageSize });
        return { items: r.Namespaces ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  /** Every chart repository of an instance (or of one chart namespace with `RepoNamespaceName`). */
  allChartRepositories(filter: Omit<ListChartRepositoryRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrChartRepository>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listChartRepository({ ...filter, PageNo, PageSize });
        return { items: r.Repositories ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  // Pull-through subscriptions (issue 14). The List/Get actions are HTTP GET.

  listArtifactSubscriptionRule(req: ListArtifactSubscriptionRuleRequest): Promise<ListArtifactSubscriptionRuleResponse> {
    return this.#call('ListArtifactSubscriptionRule', req, READ, { method: 'GET' });
  }
  createArtifactSubscriptionRule(req: CreateArtifactSubscriptionRuleRequest): Promise<CreateArtifactSubscriptionRuleResponse> {
    return this.#call('CreateArtifactSubscriptionRule', req, ONCE_WRITE);
  }
  updateArtifactSubscriptionRule(req: UpdateArtifactSubscriptionRuleRequest): Promise<UpdateArtifactSubscriptionRuleResponse> {
    return this.#call('UpdateArtifactSubscriptionRule', req, IDEMPOTENT_WRITE);
  }
  deleteArtifactSubscriptionRule(req: DeleteArtifactSubscriptionRuleRequest): Promise<DeleteArtifactSubscriptionRuleResponse> {
    return this.#call('DeleteArtifactSubscriptionRule', req, IDEMPOTENT_WRITE);
  }
  createArtifactSubscriptionTask(req: CreateArtifactSubscriptionTaskRequest): Promise<CreateArtifactSubscriptionTaskResponse> {
    return this.#call('CreateArtifactSubscriptionTask', req, ONCE_WRITE);
  }
  getArtifactSubscriptionTask(req: GetArtifactSubscriptionTaskRequest): Promise<GetArtifactSubscriptionTaskResponse> {
    return this.#call('GetArtifactSubscriptionTask', req, READ, { method: 'GET' });
  }
  listArtifactSubscriptionTask(req: ListArtifactSubscriptionTaskRequest): Promise<ListArtifactSubscriptionTaskResponse> {
    return this.#call('ListArtifactSubscriptionTask', req, READ, { method: 'GET' });
  }

  /** Every artifact subscription rule of an instance. */
  allArtifactSubscriptionRules(filter: Omit<ListArtifactSubscriptionRuleRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrSubscriptionRule>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listArtifactSubscriptionRule({ ...filter, PageNo, PageSize });
        return { items: r.Rules ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  /** Every artifact subscription task of an instance. */
  allArtifactSubscriptionTasks(filter: Omit<ListArtifactSubscriptionTaskRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrSubscriptionTask>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listArtifactSubscriptionTask({ ...filter, PageNo, PageSize });
        return { items: r.Tasks ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  // Custom domains (issue 14)

  getInstanceCustomizedDomain(req: GetInstanceCustomizedDomainRequest): Promise<GetInstanceCustomizedDomainResponse> {
    return this.#call('GetInstanceCustomizedDomain', req, READ);
  }
  createInstanceCustomizedDomain(req: CreateInstanceCustomizedDomainRequest): Promise<CreateInstanceCustomizedDomainResponse> {
    return this.#call('CreateInstanceCustomizedDomain', req, ONCE_WRITE);
  }
  updateInstanceCustomizedDomain(req: UpdateInstanceCustomizedDomainRequest): Promise<UpdateInstanceCustomizedDomainResponse> {
    return this.#call('UpdateInstanceCustomizedDomain', req, IDEMPOTENT_WRITE);
  }
  deleteInstanceCustomizedDomain(req: DeleteInstanceCustomizedDomainRequest): Promise<DeleteInstanceCustomizedDomainResponse> {
    return this.#call('DeleteInstanceCustomizedDomain', req, IDEMPOTENT_WRITE);
  }

  // Delivery chains (issue 14 item 7)

  listChain(req: ListChainRequest): Promise<ListChainResponse> {
    return this.#call('ListChain', req, READ);
  }
  getChain(req: GetChainRequest): Promise<GetChainResponse> {
    return this.#call('GetChain', req, READ);
  }
  createChain(req: CreateChainRequest): Promise<CreateChainResponse> {
    return this.#call('CreateChain', req, ONCE_WRITE);
  }
  updateChain(req: UpdateChainRequest): Promise<UpdateChainResponse> {
    return this.#call('UpdateChain', req, IDEMPOTENT_WRITE);
  }
  deleteChain(req: DeleteChainRequest): Promise<DeleteChainResponse> {
    return this.#call('DeleteChain', req, IDEMPOTENT_WRITE);
  }
  /** Every delivery chain of an instance. */
  allChains(filter: Omit<ListChainRequest, 'PageNo' | 'PageSize'>, pageSize = CR_PAGE_SIZE): Promise<Collected<CrChainFields>> {
    return collectByNumberParallel(
      async (PageNo, PageSize) => {
        const r = await this.listChain({ ...filter, PageNo, PageSize });
        return { items: r.Chains ?? [], totalCount: r.TotalCount, pageSize: r.PageSize };
      },
      { pageSize },
    );
  }

  // Storage domain routing rules (issue 14 item 8; allow-listed API). Get is POST; without RuleId
  // it answers the instance's rule.

  getStorageDomainRoutingRule(req: Sev.GetStorageDomainRoutingRuleRequest): Promise<Sev.GetStorageDomainRoutingRuleResponse> {
    return this.#call('GetStorageDomainRoutingRule', req, READ);
  }
  createStorageDomainRoutingRule(req: Sev.CreateStorageDomainRoutingRuleRequest): Promise<Sev.CreateStorageDomainRoutingRuleResponse> {
    return this.#call('CreateStorageDomainRoutingRule', req, ONCE_WRITE, { shrink: ['Routes'] });
  }
  updateStorageDomainRoutingRule(req: Sev.UpdateStorageDomainRoutingRuleRequest): Promise<Sev.UpdateStorageDomainRoutingRuleResponse> {
    return this.#call('UpdateStorageDomainRoutingRule', req, IDEMPOTENT_WRITE, { shrink: ['Routes'] });
  }
  deleteStorageDomainRoutingRule(req: Sev.DeleteStorageDomainRoutingRuleRequest): Promise<Sev.DeleteStorageDomainRoutingRuleResponse> {
    return this.#call('DeleteStorageDomainRoutingRule', req, IDEMPOTENT_WRITE);
  }

  // Event notification rules (issue 14 item 10): no create, no get. The two List actions are HTTP GET.

  listEventCenterRuleName(req: Sev.ListEventCenterRuleNameRequest): Promise<Sev.ListEventCenterRuleNameResponse> {
    return this.#call('ListEventCenterRuleName', req, READ, { method: 'GET' });
  }
  listEventCenterRecord(req: Sev.ListEventCenterRecordRequest): Promise<Sev.ListEventCenterRecordResponse> {
    return this.#call('ListEventCenterRecord', req, READ, { method: 'GET' });
  }
  updateEventCenterRule(req: Sev.UpdateEventCenterRuleRequest): Promise<Sev.UpdateEventCenterRuleResponse> {
    return this.#call('UpdateEventCenterRule', req, IDEMPOTENT_WRITE, { shrink: ['Namespaces', 'RepoNames'] });
  }
  deleteEventCenterRule(req: Sev.DeleteEventCenterRuleRequest): Promise<Sev.DeleteEventCenterRuleResponse> {
    return this.#call('DeleteEventCenterRule', req, IDEMPOTENT_WRITE);
  }
  // Instance settings (issue 14 item 8): resource tags, resource group, login password

  /** `ResourceId`, `Tag` flattened as ResourceId.N, Tag.N.Key/Value. */
  tagResources(req: TagResourcesRequest): Promise<TagResourcesResponse> {
    return this.#call('TagResources', req, IDEMPOTENT_WRITE);
  }
  /** `ResourceId`, `TagKey` flattened as ResourceId.N, TagKey.N. */
  untagResources(req: UntagResourcesRequest): Promise<UntagResourcesResponse> {
    return this.#call('UntagResources', req, IDEMPOTENT_WRITE);
  }
  listTagResources(req: ListTagResourcesRequest): Promise<ListTagResourcesResponse> {
    return this.#call('ListTagResources', req, READ);
  }
  /** Every tag of these resources: NextToken pages (the only pagination ListTagResources has). */
  async allTagResources(filter: Omit<ListTagResourcesRequest, 'NextToken'>): Promise<CrTagResource[]> {
    const out: CrTagResource[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const r = await this.listTagResources({ ...filter, ...(token !== undefined ? { NextToken: token } : {}) });
      out.push(...(r.TagResources?.TagResource ?? []));
      token = r.NextToken === undefined || r.NextToken === '' ? undefined : r.NextToken;
      if (token === undefined) return out;
    }
    return out;
  }
  /** Moves a resource (an instance) to another resource group. */
  changeResourceGroup(req: ChangeResourceGroupRequest): Promise<ChangeResourceGroupResponse> {
    return this.#call('ChangeResourceGroup', req, IDEMPOTENT_WRITE);
  }
  /** The password is a secret: never print, log or journal the request. */
  resetLoginPassword(req: ResetLoginPasswordRequest): Promise<ResetLoginPasswordResponse> {
    return this.#call('ResetLoginPassword', req, IDEMPOTENT_WRITE);
  }

  // Build rules and source-code bindings (issue 14 item 9). There is no call that unbinds a source.

  getRepoSourceCodeRepo(req: GetRepoSourceCodeRepoRequest): Promise<GetRepoSourceCodeRepoResponse> {
    return this.#call('GetRepoSourceCodeRepo', req, READ);
  }
  createRepoSourceCodeRepo(req: CreateRepoSourceCodeRepoRequest): Promise<RepoSourceCodeRepoWriteResponse> {
    return this.#call('CreateRepoSourceCodeRepo', req, ONCE_WRITE);
  }
  updateRepoSourceCodeRepo(req: UpdateRepoSourceCodeRepoRequest): Promise<RepoSourceCodeRepoWriteResponse> {
    return this.#call('UpdateRepoSourceCodeRepo', req, IDEMPOTENT_WRITE);
  }
  createRepoBuildRule(req: CreateRepoBuildRuleRequest): Promise<CreateRepoBuildRuleResponse> {
    return this.#call('CreateRepoBuildRule', req, ONCE_WRITE);
  }
  updateRepoBuildRule(req: UpdateRepoBuildRuleRequest): Promise<UpdateRepoBuildRuleResponse> {
    return this.#call('UpdateRepoBuildRule', req, IDEMPOTENT_WRITE);
  }
  deleteRepoBuildRule(req: DeleteRepoBuildRuleRequest): Promise<DeleteRepoBuildRuleResponse> {
    return this.#call('DeleteRepoBuildRule', req, IDEMPOTENT_WRITE);
  }
}

// ---- Instance settings (issue 14 item 8), as the official SDK models (cr20181201 2.2.2) ----

/** TagResources: Adds tags to resources. Instance resources are supported (at most 20 tags per instance, remarks). */
export interface TagResourcesRequest {
  /** region ID of the resources; e.g. cn-hangzhou */
  readonly RegionId: string;
  /** resource IDs; flattened as ResourceId.N */
  readonly ResourceId: readonly string[];
  /** type of the resource; e.g. Instance */
  readonly ResourceType: string;
  /** tag list; flattened as Tag.N.Key, Tag.N.Value */
  readonly Tag: readonly { readonly Key?: string; readonly Value?: string }[];
}
export interface TagResourcesResponse {
  readonly RequestId?: string;
}

/** UntagResources: Removes tags from resources. Instance resources are supported. */
export interface UntagResourcesRequest {
  /** remove all tags of the resources; e.g. true */
  readonly All?: boolean;
  readonly RegionId: string;
  /** resource IDs; flattened as ResourceId.N */
  readonly ResourceId?: readonly string[];
  /** e.g. Instance */
  readonly ResourceType: string;
  /** keys removed; flattened as TagKey.N */
  readonly TagKey?: readonly string[];
}
export interface UntagResourcesResponse {
  readonly RequestId?: string;
}

/** ListTagResources: Queries the tags of resources (NextToken pagination; ResourceId.N or Tag.N needed). */
export interface ListTagResourcesRequest {
  readonly NextToken?: string;
  readonly RegionId: string;
  readonly ResourceId?: readonly string[];
  /** e.g. Instance */
  readonly ResourceType: string;
  readonly Tag?: readonly { readonly Key?: string; readonly Value?: string }[];
}
export interface ListTagResourcesResponse {
  readonly NextToken?: string;
  readonly RequestId?: string;
  readonly TagResources?: {
    readonly TagResource?: readonly CrTagResource[];
  };
}
/** One resource tag as ListTagResources gives it. */
export interface CrTagResource {
  readonly ResourceId?: string;
  readonly ResourceType?: string;
  readonly TagKey?: string;
  readonly TagValue?: string;
}

/** ChangeResourceGroup: Changes the resource group to which a resource belongs. */
export interface ChangeResourceGroupRequest {
  /** e.g. rg-aekz5nlvlaksnvi */
  readonly ResourceGroupId: string;
  /** e.g. cri-8qong6ve5p3mhlgt */
  readonly ResourceId: string;
  /** e.g. cn-shenzhen-finance-1 */
  readonly ResourceRegionId: string;
}
export interface ChangeResourceGroupResponse {
  readonly RequestId?: string;
}

/** ResetLoginPassword: Resets the logon password of a Container Registry instance. */
export interface ResetLoginPasswordRequest {
  readonly InstanceId: string;
  /** a secret: never logged */
  readonly Password: string;
}
export interface ResetLoginPasswordResponse {
  readonly Code?: string;
  readonly IsSuccess?: boolean;
  readonly RequestId?: string;
}
