/**
 * Cloud Enterprise Network (cbn 2017-09-12, RPC): CEN instances, Enterprise Edition transit routers,
 * VPC and peer attachments, route tables and route entries, as acrctl needs them for cross-region
 * access (DOMAIN.md). Our own typed requests and responses, field names exactly as
 * shared/api/cbn-2017-09-12.json; every response field is optional. `@alicloud/cbn20170912` is not
 * on the reachable registry, so this goes through the generic RPC caller. A generated SDK can
 * replace this file alone.
 *
 * Oddities: DescribeCens wraps its list XML-style (`Cens.Cen[]`) and pages with PageNumber, like
 * ListTransitRouters; the other TransitRouter* lists page with NextToken/MaxResults.
 * `Options`, `TransitRouterVPCAttachmentOptions` and `TransitRouterCidrList` are sent as one JSON
 * string each. RegionId is a request parameter: the host is cbn.aliyuncs.com for every region.
 *
 * Idempotence: creates carry a ClientToken (generated when absent, reused on retries), deletes are
 * idempotent; so every mutating call here may be retried.
 */
import { collectAll, pagesByNumber, pagesByToken, type Collected } from './paginate.js';
import { IDEMPOTENT_WRITE, READ, type RpcCallFn } from './pipeline.js';
import type { ParamValue } from './rpc.js';
import type { Item } from './cr.js';

export const CBN_VERSION = '2017-09-12';

/** CreateCen: A Cloud Enterprise Network (CEN) instance is the fundamental resource for managing an integrated network. A CEN instance manages a network that can span one or  */
export interface CreateCenRequest {
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; e.g. 02fb3da4-130e-11e9-8e44-001**** */
  readonly ClientToken?: string;
  /** description of the CEN instance; description len 1-256; no http(s):// prefix; e.g. testdesc */
  readonly Description?: string;
  /** name of the CEN instance; name len 1-128; no http(s):// prefix; e.g. testname */
  readonly Name?: string;
  /** only value REDUCED (default): CIDR blocks may overlap but not be identical; values: REDUCED; This is the default value; e.g. REDUCED */
  readonly ProtectionLevel?: string;
  /** repeat-list of objects, flattened as Tag.N.<Field>; tag information; You can specify up to 20 tags */
  readonly Tag?: readonly {
    /** tag key; len <= 64; It cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https://`; You can specify up to 20 tag keys; e.g. tagtest */
    readonly Key?: string;
    /** tag value; tag value can be empty or a string of up to 128 characters; It cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https://`; You c */
    readonly Value?: string;
  }[];
}
export interface CreateCenResponse {
  /** ID of the CEN instance; e.g. cen-dc4vwznpwbobrl**** */
  readonly CenId?: string;
  /** request ID; e.g. 0C2EE7A8-74D4-4081-8236-CEBDE3BBCF50 */
  readonly RequestId?: string;
}

/** DescribeCens: You can call the DescribeCens operation to query information about Cloud Enterprise Network (CEN) instances that belong to your Alibaba Cloud account. This info */
export interface DescribeCensRequest {
  /** repeat-list of objects, flattened as Filter.N.<Field>; filter conditions */
  readonly Filter?: readonly {
    /** filter key; values: AND; Valid values: - CenId: The ID of the CEN instance; All filter conditions must be met; e.g. CenId */
    readonly Key?: string;
    /** repeat-list: Filter.N.Value.1, Filter.N.Value.2, ...; filter value; values: OR; e.g. cen-0xyeagctz5sfg9**** */
    readonly Value?: readonly string[];
  }[];
  /** page number; values: 1; default 1; e.g. 1 */
  readonly PageNumber?: number;
  /** number of entries to return on each page. range 1-50; values: 1 | 50 | 10; range 1-50; default 10; e.g. 10 */
  readonly PageSize?: number;
  /** ID of the resource group to which the CEN instance belongs; e.g. rg-acfm3unpnuw**** */
  readonly ResourceGroupId?: string;
  /** repeat-list of objects, flattened as Tag.N.<Field>; tags; You can specify up to 20 tags */
  readonly Tag?: readonly {
    /** tag key of the resource; tag key len <= 64 and cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https://`; You can specify up to 20 tag key */
    readonly Key?: string;
    /** tag value of the resource; tag value can be an empty string or a string of up to 128 characters; It cannot start with `aliyun` or `acs:` and cannot contain `htt */
    readonly Value?: string;
  }[];
}
export interface DescribeCensResponse {
  readonly Cens?: {
    readonly Cen?: readonly {
      readonly CenBandwidthPackageIds?: {
        readonly CenBandwidthPackageId?: readonly string[];
      };
      readonly CenId?: string;
      readonly CreationTime?: string;
      readonly Description?: string;
      readonly Ipv6Level?: string;
      readonly Name?: string;
      readonly ProtectionLevel?: string;
      readonly ResourceGroupId?: string;
      /** values: Creating | Active | Deleting (from CreateCen/DeleteCen docs; model has no doc) */
      readonly Status?: string;
      readonly Tags?: {
        readonly Tag?: readonly {
          readonly Key?: string;
          readonly Value?: string;
        }[];
      };
    }[];
  };
  /** page number of the returned page; e.g. 1 */
  readonly PageNumber?: number;
  /** number of entries returned per page; e.g. 10 */
  readonly PageSize?: number;
  /** request ID; e.g. 2BFA6822-240E-4E27-B4C8-AA400EF7474D */
  readonly RequestId?: string;
  /** total number of entries returned; e.g. 1 */
  readonly TotalCount?: number;
}

/** DeleteCen: Deletes a Cloud Enterprise Network (CEN) instance. */
export interface DeleteCenRequest {
  /** CEN instance ID; e.g. cen-7qthudw0ll6jmc**** */
  readonly CenId: string;
}
export interface DeleteCenResponse {
  /** request ID; e.g. 5903EE99-D542-4E14-BC65-AAC1CB2D3D03 */
  readonly RequestId?: string;
}

/** CreateTransitRouter: Create an Enterprise Edition transit router in a region for a CEN (one TR per region per CEN). There is NO edition/Type request parameter: this action only crea */
export interface CreateTransitRouterRequest {
  /** ID of the CEN instance; e.g. cen-j3jzhw1zpau2km**** */
  readonly CenId: string;
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; token can contain only ASCII characters; e.g. 02fb3 */
  readonly ClientToken?: string;
  /** bool, default false; true = check permissions/params/status only, nothing created; a passing dry run is answered with error code DryRunOperation; values: false  */
  readonly DryRun?: boolean;
  /** ID of the region where the Enterprise Edition transit router is deployed; e.g. cn-zhangjiakou */
  readonly RegionId: string;
  /** Specifies whether to enable the multicast feature for the Enterprise Edition transit router; values: false | true; Valid values: - false (default): disables the */
  readonly SupportMulticast?: boolean;
  /** repeat-list of objects, flattened as Tag.N.<Field>; tag */
  readonly Tag?: readonly {
    /** tag key; tag key len <= 64 and cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https:// `; You can specify at most 20 tag keys; e.g. tagte */
    readonly Key?: string;
    /** tag value; tag value can be empty or a string of up to 128 characters; It cannot start with `aliyun` or `acs:` and cannot contain `http://` or `https:// `; You  */
    readonly Value?: string;
  }[];
  /** sent as ONE query parameter holding the JSON-serialised array<object> (SDK shrink style "json"); CIDR blocks of the transit router; element fields: Cidr:string, */
  readonly TransitRouterCidrList?: readonly { readonly [k: string]: ParamValue }[];
  /** description of the Enterprise Edition transit router instance; description len 1-256, no http(s):// prefix; e.g. testdesc */
  readonly TransitRouterDescription?: string;
  /** name of the Enterprise Edition transit router instance; name len 1-128, no http(s):// prefix; e.g. testname */
  readonly TransitRouterName?: string;
}
export interface CreateTransitRouterResponse {
  /** request ID; e.g. 404DA7EC-F495-44B5-B543-6EDCDF90F3D1 */
  readonly RequestId?: string;
  /** ID of the Enterprise Edition transit router instance; e.g. tr-uf6llz2286805i44g**** */
  readonly TransitRouterId?: string;
}

/** ListTransitRouters: You can call the ListTransitRouters operation to query information about transit routers in a Cloud Enterprise Network (CEN) instance, such as the instance type */
export interface ListTransitRoutersRequest {
  /** ID of the CEN instance; e.g. cen-j3jzhw1zpau2km**** */
  readonly CenId?: string;
  /** repeat-list of objects, flattened as FeatureFilter.N.<Field>; feature to be filtered */
  readonly FeatureFilter?: readonly {
    /** key of the feature to be filtered; values: Multicast; e.g. Multicast */
    readonly Key?: string;
    /** repeat-list: FeatureFilter.N.Value.1, FeatureFilter.N.Value.2, ...; list of values for the feature; values: Multicast | Enabled | Disabled; Valid values: - Enab */
    readonly Value?: readonly string[];
  }[];
  /** page number; values: 1; default 1; e.g. 1 */
  readonly PageNumber?: number;
  /** number of entries per page. range 1-50; values: 1 | 50 | 10; range 1-50; default 10; e.g. 10 */
  readonly PageSize?: number;
  /** ID of the region where the transit router is deployed; e.g. cn-hangzhou */
  readonly RegionId?: string;
  /** status of the transit router; values: Creating | Active | Modifying | Deleting | Upgrading; e.g. Active */
  readonly Status?: string;
  /** repeat-list of objects, flattened as Tag.N.<Field>; tags; You can specify up to 20 tags */
  readonly Tag?: readonly {
    /** tag key; tag key len <= 64 and cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https://`; You can specify up to 20 tag keys; e.g. TagKey */
    readonly Key?: string;
    /** tag value; tag value can be an empty string or a string of up to 128 characters; It cannot start with `aliyun` or `acs:` and cannot contain `http://` or `https: */
    readonly Value?: string;
  }[];
  /** ID of the transit router; e.g. tr-uf654ttymmljlvh2x**** */
  readonly TransitRouterId?: string;
  /** name of the transit router; name len 1-128 no http(s):// prefix; e.g. testname */
  readonly TransitRouterName?: string;
  /** edition filter: Enterprise | Basic; values: Enterprise | Basic; e.g. Enterprise */
  readonly Type?: string;
}
export interface ListTransitRoutersResponse {
  /** page number; e.g. 1 */
  readonly PageNumber?: number;
  /** number of entries per page; e.g. 10 */
  readonly PageSize?: number;
  /** request ID; e.g. 68521297-5FA6-46CB-B4EB-658F1C68C8CC */
  readonly RequestId?: string;
  /** total number of entries returned; e.g. 1 */
  readonly TotalCount?: number;
  /** list of transit routers */
  readonly TransitRouters?: readonly {
    /** ID of the Alibaba Cloud account to which the CEN instance belongs; e.g. 1210123456123456 */
    readonly AliUid?: number;
    /** ID of the CEN instance; e.g. cen-j3jzhw1zpau2km**** */
    readonly CenId?: string;
    /** time when the transit router was created; e.g. 2021-03-15T09:39Z */
    readonly CreationTime?: string;
    /** ID of the region where the transit router is deployed; e.g. cn-hangzhou */
    readonly RegionId?: string;
    /** status of the transit router; values: Creating | Active | Modifying | Deleting | Upgrading; e.g. Active */
    readonly Status?: string;
    /** Indicates whether the multicast feature is enabled for the transit router; values: true | false; e.g. false */
    readonly SupportMulticast?: boolean;
    /** list of tags */
    readonly Tags?: readonly {
      /** tag key; e.g. TagKey */
      readonly Key?: string;
      /** tag value; e.g. TagValue */
      readonly Value?: string;
    }[];
    /** list of CIDR blocks of the transit router */
    readonly TransitRouterCidrList?: readonly {
      /** CIDR block of the transit router; e.g. 192.168.1.0/24 */
      readonly Cidr?: string;
      /** description of the CIDR block; e.g. CIDRdesc */
      readonly Description?: string;
      /** name of the CIDR block; e.g. CIDRname */
      readonly Name?: string;
      /** Indicates whether the system automatically adds a route for the transit router CIDR block to the route table o; values: true | false; e.g. true */
      readonly PublishCidrRoute?: boolean;
      /** ID of the CIDR block; e.g. cidr-46p5ceg21e8152**** */
      readonly TransitRouterCidrId?: string;
    }[];
    /** description of the transit router; e.g. testdesc */
    readonly TransitRouterDescription?: string;
    /** ID of the transit router; e.g. tr-bp1su1ytdxtataupl**** */
    readonly TransitRouterId?: string;
    /** name of the transit router; e.g. testname */
    readonly TransitRouterName?: string;
    /** edition: Enterprise | Basic (Basic = legacy edition; cross-region routing needs Enterprise); values: Enterprise | Basic; e.g. Enterprise */
    readonly Type?: string;
  }[];
}

/** DeleteTransitRouter: Deletes a transit router. */
export interface DeleteTransitRouterRequest {
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; ClientToken can contain only ASCII characters; e.g. */
  readonly ClientToken?: string;
  /** bool, default false; true = check permissions/params/status only, nothing created; a passing dry run is answered with error code DryRunOperation; values: false  */
  readonly DryRun?: boolean;
  /** ID of the transit router; e.g. tr-uf654ttymmljlvh2x**** */
  readonly TransitRouterId: string;
}
export interface DeleteTransitRouterResponse {
  /** ID of the request; e.g. 6DE3EE92-39C8-4BBD-A3AD-F568D74741BB */
  readonly RequestId?: string;
}

/** CreateTransitRouterVpcAttachment: Attach a VPC to an Enterprise TR (give TransitRouterId, or CenId+RegionId to auto-create the TR). */
export interface CreateTransitRouterVpcAttachmentRequest {
  /** Specifies whether to enable the Enterprise Edition transit router to automatically advertise routes to the VPC; values: false | true; e.g. true */
  readonly AutoPublishRouteEnabled?: boolean;
  /** ID of the CEN instance; e.g. cen-j3jzhw1zpau2km**** */
  readonly CenId?: string;
  /** billing method. The default value is **POSTPAY** (pay-as-you-go); values: POSTPAY; e.g. POSTPAY */
  readonly ChargeType?: string;
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; token can contain only ASCII characters; e.g. 02fb3 */
  readonly ClientToken?: string;
  /** bool, default false; true = check permissions/params/status only, nothing created; a passing dry run is answered with error code DryRunOperation; values: false  */
  readonly DryRun?: boolean;
  /** sent as ONE query parameter holding the JSON-serialised object (SDK shrink style "json"); ; element fields: ApplianceModeSupport:string, Ipv6Support:string */
  readonly Options?: { readonly [k: string]: ParamValue };
  /** ID of the region where the VPC is located; e.g. cn-hangzhou */
  readonly RegionId?: string;
  /** repeat-list of objects, flattened as Tag.N.<Field>; tags to add to the VPC connection; You can add up to 20 tags */
  readonly Tag?: readonly {
    /** key of the tag; key len <= 64 and cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https://`; e.g. tagtest */
    readonly Key?: string;
    /** value of the tag; tag value can be an empty string or a string up to 128 characters long; It cannot start with `aliyun` or `acs:`, and cannot contain `http://`  */
    readonly Value?: string;
  }[];
  /** description of the VPC connection; description len 1-256, no http(s):// prefix; e.g. testname */
  readonly TransitRouterAttachmentDescription?: string;
  /** name of the VPC connection; name len 1-128, no http(s):// prefix; e.g. testname */
  readonly TransitRouterAttachmentName?: string;
  /** ID of the Enterprise Edition transit router; e.g. tr-bp1su1ytdxtataupl**** */
  readonly TransitRouterId?: string;
  /** sent as ONE query parameter holding the JSON-serialised map<string,string> (SDK shrink style "json"); properties of the VPC connection. This parameter is deprec */
  readonly TransitRouterVPCAttachmentOptions?: { readonly [k: string]: ParamValue };
  /** ID of the VPC; e.g. vpc-bp1kbjcre9vtsebo1**** */
  readonly VpcId: string;
  /** ID of the Alibaba Cloud account that owns the VPC. By default, this is the ID of the current Alibaba Cloud acc; > This parameter is required if you want to atta */
  readonly VpcOwnerId?: number;
  /** at least one, up to 10; each a vSwitch in a TR-supported zone; repeat-list of objects, flattened as ZoneMappings.N.<Field>; You can specify up to 10 zone mappin */
  readonly ZoneMappings: readonly {
    /** ID of the vSwitch; e.g. vsw-bp1a214sbus8z3b54**** */
    readonly VSwitchId: string;
    /** ID of the zone. The zone must be supported by the Enterprise Edition transit router; e.g. cn-hangzhou-h */
    readonly ZoneId: string;
  }[];
}
export interface CreateTransitRouterVpcAttachmentResponse {
  /** request ID; e.g. C087A369-82B9-43EF-91F4-4B63A9C6E6B6 */
  readonly RequestId?: string;
  /** ID of the VPC connection; e.g. tr-attach-ia340z7xis7t5s**** */
  readonly TransitRouterAttachmentId?: string;
}

/** ListTransitRouterVpcAttachments: Queries details about virtual private cloud (VPC) connections on an Enterprise Edition transit router, including the connection status, billing method, and zone */
export interface ListTransitRouterVpcAttachmentsRequest {
  /** ID of the CEN instance; e.g. cen-j3jzhw1zpau2km**** */
  readonly CenId?: string;
  /** number of entries to return on each page. The default value is **20**; values: 20; default value is 20; e.g. 20 */
  readonly MaxResults?: number;
  /** pagination token that is used in the next request to retrieve a new page of results; e.g. FFmyTO70tTpLG6I3FmYAXGKPd**** */
  readonly NextToken?: string;
  /** entity that pays for the network instance; values: PayByCenOwner | PayByResourceOwner; Valid values: - PayByCenOwner: The fees are paid by the account that owns */
  readonly OrderType?: string;
  /** ID of the region where the Enterprise Edition transit router is deployed; e.g. cn-hangzhou */
  readonly RegionId?: string;
  /** status of the VPC connection; values: Attaching | Attached | Detaching; Valid values: - Attaching: The VPC connection is being created; e.g. Attached */
  readonly Status?: string;
  /** repeat-list of objects, flattened as Tag.N.<Field>; tags; You can specify up to 20 tags */
  readonly Tag?: readonly {
    /** tag key; tag key len 1-64, and cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https://`; e.g. tagtest */
    readonly Key?: string;
    /** tag value; tag value len 0-128; It cannot start with `aliyun` or `acs:`, and cannot contain `http://` or `https://`; e.g. tagtest */
    readonly Value?: string;
  }[];
  /** ID of the VPC connection; e.g. tr-attach-nls9fzkfat8934**** */
  readonly TransitRouterAttachmentId?: string;
  /** ID of the Enterprise Edition transit router; e.g. tr-bp1su1ytdxtataupl**** */
  readonly TransitRouterId?: string;
  /** VPC ID; e.g. vpc-bp1kbjcre9vtsebo1**** */
  readonly VpcId?: string;
}
export interface ListTransitRouterVpcAttachmentsResponse {
  /** number of entries to return on each page; e.g. 20 */
  readonly MaxResults?: number;
  /** token to retrieve the next page of results; e.g. FFmyTO70tTpLG6I3FmYAXGKPd**** */
  readonly NextToken?: string;
  /** request ID; e.g. C97FF53F-3EF8-4883-B459-60E171924B23 */
  readonly RequestId?: string;
  /** total number of entries; e.g. 1 */
  readonly TotalCount?: number;
  /** list of VPC connections */
  readonly TransitRouterAttachments?: readonly {
    /** Specifies whether the Enterprise Edition transit router automatically advertises routes to the VPC; values: false | true; e.g. true */
    readonly AutoPublishRouteEnabled?: boolean;
    /** ID of the CEN instance; e.g. cen-j3jzhw1zpau2km**** */
    readonly CenId?: string;
    /** billing method of the VPC connection; values: POSTPAY; e.g. POSTPAY */
    readonly ChargeType?: string;
    /** time when the VPC connection was created; e.g. 2021-06-15T02:14Z */
    readonly CreationTime?: string;
    /** cloud service to which the resource belongs; e.g. SAS */
    readonly ManagedService?: string;
    /** collection of feature attributes */
    readonly Options?: {
      /** Specifies whether appliance mode is enabled; values: disable | enable; e.g. enable */
      readonly ApplianceModeSupport?: string;
      /** Specifies whether IPv6 is enabled; values: disable | enable; e.g. enable */
      readonly Ipv6Support?: string;
    };
    /** Specifies who pays for the network instance; values: PayByCenOwner | PayByResourceOwner; Valid values: - PayByCenOwner: The account that owns the CEN instance p */
    readonly OrderType?: string;
    /** type of resource to which the connection is attached; values: VPC; e.g. VPC */
    readonly ResourceType?: string;
    /** status of the VPC connection; values: Attached | Attaching | Detaching; e.g. Attached */
    readonly Status?: string;
    /** list of tags */
    readonly Tags?: readonly {
      /** tag key; e.g. test */
      readonly Key?: string;
      /** tag value; e.g. test */
      readonly Value?: string;
    }[];
    /** description of the VPC connection; e.g. testdesc */
    readonly TransitRouterAttachmentDescription?: string;
    /** ID of the VPC connection; e.g. tr-attach-nls9fzkfat8934**** */
    readonly TransitRouterAttachmentId?: string;
    /** name of the VPC connection; e.g. testname */
    readonly TransitRouterAttachmentName?: string;
    /** ID of the Enterprise Edition transit router; e.g. tr-bp1su1ytdxtataupl**** */
    readonly TransitRouterId?: string;
    /** feature attributes of the VPC connection. This parameter is deprecated. We recommend that you use the Options */
    readonly TransitRouterVPCAttachmentOptions?: Readonly<Record<string, string>>;
    /** ID of the VPC; e.g. vpc-bp1h8vbrbcgohcju5**** */
    readonly VpcId?: string;
    /** ID of the account that owns the VPC; e.g. 1250123456123456 */
    readonly VpcOwnerId?: number;
    /** ID of the region where the VPC is deployed; e.g. cn-hangzhou */
    readonly VpcRegionId?: string;
    /** zone mappings of the VPC connection. This includes the vSwitches and elastic network interfaces (ENIs) in the */
    readonly ZoneMappings?: readonly {
      /** ID of the ENI that the Enterprise Edition transit router creates in the vSwitch; e.g. eni-bp149hmyaqegerml**** */
      readonly NetworkInterfaceId?: string;
      /** ID of the vSwitch; e.g. vsw-bp1a214sbus8z3b54**** */
      readonly VSwitchId?: string;
      /** ID of the zone; e.g. cn-hangzhou-h */
      readonly ZoneId?: string;
    }[];
  }[];
}

/** DeleteTransitRouterVpcAttachment: Deletes a virtual private cloud (VPC) connection from an Enterprise Edition transit router. */
export interface DeleteTransitRouterVpcAttachmentRequest {
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; token can contain only ASCII characters; e.g. 02fb3 */
  readonly ClientToken?: string;
  /** bool, default false; true = check permissions/params/status only, nothing created; a passing dry run is answered with error code DryRunOperation; values: false  */
  readonly DryRun?: boolean;
  /** bool, default false; true deletes despite route-table associations/propagations; values: false | true; Valid values: - false (default): checks resources such as */
  readonly Force?: boolean;
  /** ID of the VPC connection; e.g. tr-attach-ia340z7xis7t5s**** */
  readonly TransitRouterAttachmentId: string;
}
export interface DeleteTransitRouterVpcAttachmentResponse {
  /** ID of the request; e.g. 7E61D334-4025-41EF-9145-FC327B35301D */
  readonly RequestId?: string;
}

/** ListTransitRouterRouteTables: Call the ListTransitRouterRouteTables operation to query the route tables associated with an Enterprise Edition transit router. */
export interface ListTransitRouterRouteTablesRequest {
  /** number of entries to return on each page. range 1-100; values: 1 | 100 | 20; range 1-100; default 20; e.g. 20 */
  readonly MaxResults?: number;
  /** token that is used for the next query; Valid values: - If this is your first query or no next query is to be sent, do not specify this parameter; e.g. dd20**** */
  readonly NextToken?: string;
  /** features of the route table */
  readonly RouteTableOptions?: {
    /** multi-region equal-cost multi-path (ECMP) routing feature; values: disable | enable; Valid values: - disable: Disables multi-region ECMP routing; e.g. disable */
    readonly MultiRegionECMP?: string;
  };
  /** repeat-list of objects, flattened as Tag.N.<Field>; tag; You can specify up to 20 tags */
  readonly Tag?: readonly {
    /** tag key; tag key len <= 64 and cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https:// `; You can specify up to 20 tag keys; e.g. test */
    readonly Key?: string;
    /** tag value; tag value can be an empty string or a string of up to 128 characters; It cannot start with `aliyun` or `acs:`, and cannot contain `http://` or `https */
    readonly Value?: string;
  }[];
  /** ID of the Enterprise Edition transit router; e.g. tr-uf654ttymmljlvh2x**** */
  readonly TransitRouterId?: string;
  /** repeat-list: TransitRouterRouteTableIds.1, TransitRouterRouteTableIds.2, ...; ID of the route table; values: 20; maximum value of N is 20; e.g. vtb-bp1l8awdb4iu */
  readonly TransitRouterRouteTableIds?: readonly string[];
  /** repeat-list: TransitRouterRouteTableNames.1, TransitRouterRouteTableNames.2, ...; name of the route table; values: 20 | TransitRouterRouteTableNames.N | Transit */
  readonly TransitRouterRouteTableNames?: readonly string[];
  /** status of the route table; values: Creating | Deleting | Active; Valid values: - Creating: The route table is being created; e.g. Active */
  readonly TransitRouterRouteTableStatus?: string;
  /** type of the route table; values: Custom | System; Valid values: - Custom: a custom route table; e.g. Custom */
  readonly TransitRouterRouteTableType?: string;
}
export interface ListTransitRouterRouteTablesResponse {
  /** number of entries returned per page; e.g. 20 */
  readonly MaxResults?: number;
  /** token that is used for the next query; Valid values: - If NextToken is empty, it indicates that no next query is to be sent; e.g. dd20**** */
  readonly NextToken?: string;
  /** request ID; e.g. 82678F4A-C9F7-4CC1-8BF0-D619A63BFC57 */
  readonly RequestId?: string;
  /** total number of entries returned; e.g. 1 */
  readonly TotalCount?: number;
  /** list of route tables */
  readonly TransitRouterRouteTables?: readonly {
    /** time when the route table was created; e.g. 2021-03-15T09:39Z */
    readonly CreateTime?: string;
    /** ID of the region where the Enterprise Edition transit router is deployed; e.g. cn-beijing */
    readonly RegionId?: string;
    /** features of the route table */
    readonly RouteTableOptions?: {
      /** multi-region ECMP routing feature; values: disable | enable; Valid values: - disable: Disables multi-region ECMP routing; e.g. disable */
      readonly MultiRegionECMP?: string;
    };
    /** list of tags */
    readonly Tags?: readonly {
      /** tag key; e.g. test */
      readonly Key?: string;
      /** tag value; e.g. test */
      readonly Value?: string;
    }[];
    /** ID of the transit router; e.g. tr-8vb8bie2koduo5awz**** */
    readonly TransitRouterId?: string;
    /** description of the route table; e.g. testdesc */
    readonly TransitRouterRouteTableDescription?: string;
    /** route table ID; e.g. vtb-bp1dudbh2d5na6b50**** */
    readonly TransitRouterRouteTableId?: string;
    /** name of the route table; e.g. testname */
    readonly TransitRouterRouteTableName?: string;
    /** status of the route table; values: Creating | Deleting | Active; e.g. Active */
    readonly TransitRouterRouteTableStatus?: string;
    /** type of the route table; values: Custom | System; e.g. System */
    readonly TransitRouterRouteTableType?: string;
  }[];
}

/** CreateTransitRouterRouteEntry: Creates a route entry in the route table of an Enterprise Edition transit router. */
export interface CreateTransitRouterRouteEntryRequest {
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; token can contain only ASCII characters; e.g. 02fb3 */
  readonly ClientToken?: string;
  /** bool, default false; true = check permissions/params/status only, nothing created; a passing dry run is answered with error code DryRunOperation; values: false  */
  readonly DryRun?: boolean;
  /** description of the route entry; description len 1-256, no http(s):// prefix; e.g. testdesc */
  readonly TransitRouterRouteEntryDescription?: string;
  /** destination CIDR block of the route entry. IPv4 and IPv6 CIDR blocks are supported; e.g. 192.168.0.0/24 */
  readonly TransitRouterRouteEntryDestinationCidrBlock: string;
  /** name of the route entry; name len 1-128, no http(s):// prefix; e.g. testname */
  readonly TransitRouterRouteEntryName?: string;
  /** ID of the network instance connection that is associated with the next hop; e.g. tr-attach-nls9fzkfat8934**** */
  readonly TransitRouterRouteEntryNextHopId?: string;
  /** BlackHole | Attachment (Attachment needs TransitRouterRouteEntryNextHopId = tr-attach-... of a VPC/VBR/VPN/peer attachment); values: BlackHole | Attachment; Val */
  readonly TransitRouterRouteEntryNextHopType: string;
  /** ID of the route table of the Enterprise Edition transit router; e.g. vtb-bp1dudbh2d5na6b50**** */
  readonly TransitRouterRouteTableId: string;
}
export interface CreateTransitRouterRouteEntryResponse {
  /** request ID; e.g. 835E7F4B-B380-4E0F-96A5-6EA572388047 */
  readonly RequestId?: string;
  /** ID of the route entry; e.g. rte-75eg4jprkvk0pw**** */
  readonly TransitRouterRouteEntryId?: string;
}

/** ListTransitRouterRouteEntries: Queries the details about routes in the route tables of an Enterprise Edition transit router. */
export interface ListTransitRouterRouteEntriesRequest {
  /** number of entries per page. range 1-100; values: 1 | 100 | 20; range 1-100; default 20; e.g. 20 */
  readonly MaxResults?: number;
  /** pagination token that is used in the next request to retrieve a new page of results; Valid values: - You do not need to specify this parameter for the first req */
  readonly NextToken?: string;
  /** prefix list ID; e.g. pl-6ehtn5kqxgeyy08fi**** */
  readonly PrefixListId?: string;
  /** repeat-list of objects, flattened as RouteFilter.N.<Field>; filter conditions */
  readonly RouteFilter?: readonly {
    /** match pattern for filtering CIDR blocks; values: PrefixExactMatchCidrs | LongestPrefixMatchCidrs | SubnetOfMatchCidrs | SupernetOfMatchCidrs | AND; Valid values */
    readonly Key?: string;
    /** repeat-list: RouteFilter.N.Value.1, RouteFilter.N.Value.2, ...; filter value */
    readonly Value?: readonly string[];
  }[];
  /** destination CIDR block of the route. **This parameter is to be deprecated. We recommend that you use the Route; e.g. 192.168.0.0/24 */
  readonly TransitRouterRouteEntryDestinationCidrBlock?: string;
  /** repeat-list: TransitRouterRouteEntryIds.1, TransitRouterRouteEntryIds.2, ...; route ID; e.g. rte-oklkgwmj97z6dn**** */
  readonly TransitRouterRouteEntryIds?: readonly string[];
  /** repeat-list: TransitRouterRouteEntryNames.1, TransitRouterRouteEntryNames.2, ...; route name; e.g. testname */
  readonly TransitRouterRouteEntryNames?: readonly string[];
  /** ID of the network instance connection that you want to specify as the next hop; e.g. tr-attach-nls9fzkfat8934**** */
  readonly TransitRouterRouteEntryNextHopId?: string;
  /** next hop ID; e.g. vpc-m5ent6du8deaq5***** */
  readonly TransitRouterRouteEntryNextHopResourceId?: string;
  /** next hop type; values: VPC | VBR | TR | VPN; Valid values: - VPC - VBR - TR - VPN; e.g. VPC */
  readonly TransitRouterRouteEntryNextHopResourceType?: string;
  /** next hop type; values: BlackHole | Attachment; Valid values: - BlackHole: routes network traffic to a black hole; e.g. Attachment */
  readonly TransitRouterRouteEntryNextHopType?: string;
  /** source instance ID; e.g. vpc-m5ent6du8deaq5***** */
  readonly TransitRouterRouteEntryOriginResourceId?: string;
  /** source instance type; values: VPC | VBR | TR | VPN; Valid values: - VPC - VBR - TR - VPN; e.g. VPC */
  readonly TransitRouterRouteEntryOriginResourceType?: string;
  /** status of the route; values: All | Active | Rejected | Prohibited | Standby | Candidate; Valid values: - All - Active (default) - Rejected - Prohibited - Standb */
  readonly TransitRouterRouteEntryStatus?: string;
  /** route type; values: Propagated | Static; Valid values: - Propagated: automatically learned by the route table; e.g. Propagated */
  readonly TransitRouterRouteEntryType?: string;
  /** ID of the route table of the Enterprise Edition transit router; e.g. vtb-bp1dudbh2d5na6b50**** */
  readonly TransitRouterRouteTableId: string;
}
export interface ListTransitRouterRouteEntriesResponse {
  /** number of entries per page; e.g. 20 */
  readonly MaxResults?: number;
  /** pagination token. It can be used in the next request to retrieve a new page of results; Valid values: - If NextToken is empty, no next page exists; e.g. fce19** */
  readonly NextToken?: string;
  /** request ID; e.g. C3835E5E-1504-4344-B1BB-98A4110F1079 */
  readonly RequestId?: string;
  /** total number of entries returned; e.g. 6 */
  readonly TotalCount?: number;
  /** list of route entries */
  readonly TransitRouterRouteEntries?: readonly {
    /** time when the route entry was created; e.g. 2021-06-15T07:01Z */
    readonly CreateTime?: string;
    /** Indicates whether the route can be managed; values: true | false; Valid values: - true: The route can be managed; e.g. false */
    readonly OperationalMode?: boolean;
    /** route attributes */
    readonly PathAttributes?: {
      /** route AS path */
      readonly AsPaths?: readonly string[];
      /** route community */
      readonly Communities?: readonly string[];
      /** source instance ID; e.g. vbr-m5ent6du8deaq5***** */
      readonly OriginInstanceId?: string;
      /** source instance type; values: VPC | VBR | TR | VPN | CCN; Valid values: - VPC - VBR - TR - VPN - CCN; e.g. VBR */
      readonly OriginInstanceType?: string;
      /** route type; values: System | Custom | static | BGP | BlackHole; Valid values: - System - Custom - static - BGP - BlackHole; e.g. BGP */
      readonly OriginRouteType?: string;
      /** route priority; e.g. 50 */
      readonly Preference?: number;
    };
    /** prefix list ID; e.g. pl-k1ainl66z3527773d**** */
    readonly PrefixListId?: string;
    /** route tag; values: PermitVbr; e.g. PermitVbr */
    readonly Tag?: string;
    /** route description; e.g. CidrRoute */
    readonly TransitRouterRouteEntryDescription?: string;
    /** destination CIDR block of the route entry. An IPv4 or IPv6 CIDR block is returned; e.g. 192.168.0.0/24 */
    readonly TransitRouterRouteEntryDestinationCidrBlock?: string;
    /** route ID; e.g. rte-oklkgwmj97z6dn**** */
    readonly TransitRouterRouteEntryId?: string;
    /** route name; e.g. testname */
    readonly TransitRouterRouteEntryName?: string;
    /** next hop ID. This parameter is not returned if the route is a blackhole route; e.g. tr-attach-vx6iwhjr1x1j78**** */
    readonly TransitRouterRouteEntryNextHopId?: string;
    /** next hop ID; e.g. vpc-m5ent6du8deaq5***** */
    readonly TransitRouterRouteEntryNextHopResourceId?: string;
    /** next hop type; values: VPC | VBR | TR | VPN; Valid values: - VPC - VBR - TR - VPN; e.g. VPC */
    readonly TransitRouterRouteEntryNextHopResourceType?: string;
    /** next hop type; values: BlackHole | Attachment; Valid values: - BlackHole: a blackhole route; e.g. BlackHole */
    readonly TransitRouterRouteEntryNextHopType?: string;
    /** source instance ID; e.g. vpc-m5ent6du8deaq5***** */
    readonly TransitRouterRouteEntryOriginResourceId?: string;
    /** source instance type; values: VPC | VBR | TR | VPN; Valid values: - VPC - VBR - TR - VPN; e.g. VPC */
    readonly TransitRouterRouteEntryOriginResourceType?: string;
    /** route status; values: Active | Rejected | Prohibited | Standby | Candidate | Creating | Deleting; Valid values: - Active - Rejected - Prohibited - Standby - Can */
    readonly TransitRouterRouteEntryStatus?: string;
    /** type of the route; values: Static | Propagated; Valid values: - Static: static routes; e.g. Static */
    readonly TransitRouterRouteEntryType?: string;
  }[];
}

/** DeleteTransitRouterRouteEntry: Delete a static route: by TransitRouterRouteEntryId, or by TransitRouterRouteTableId + DestinationCidrBlock + NextHopType (+ NextHopId unless BlackHole). */
export interface DeleteTransitRouterRouteEntryRequest {
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; token must be unique for each request and can conta */
  readonly ClientToken?: string;
  /** bool, default false; true = check permissions/params/status only, nothing created; a passing dry run is answered with error code DryRunOperation; values: false  */
  readonly DryRun?: boolean;
  /** destination CIDR block of the route; e.g. 192.168.0.0/24 */
  readonly TransitRouterRouteEntryDestinationCidrBlock?: string;
  /** ID of the route entry; e.g. rte-75eg4jprkvk0pw**** */
  readonly TransitRouterRouteEntryId?: string;
  /** ID of the network instance connection that serves as the next hop; e.g. tr-attach-nls9fzkfat8934**** */
  readonly TransitRouterRouteEntryNextHopId?: string;
  /** type of the next hop; values: BlackHole | Attachment; Valid values: - BlackHole: The route is a blackhole route; e.g. BlackHole */
  readonly TransitRouterRouteEntryNextHopType?: string;
  /** ID of the route table of the Enterprise Edition transit router; e.g. vtb-bp1dudbh2d5na6b50**** */
  readonly TransitRouterRouteTableId?: string;
}
export interface DeleteTransitRouterRouteEntryResponse {
  /** ID of the request; e.g. 2D69CCEA-42D0-48B2-8C9A-9BB207F76D6E */
  readonly RequestId?: string;
}

/** CreateTransitRouterPeerAttachment: Inter-region connection between two Enterprise TRs (cross-region connection). */
export interface CreateTransitRouterPeerAttachmentRequest {
  /** Specifies whether to enable the local Enterprise Edition transit router to automatically advertise the routes ; values: false | true; Valid values: - false (def */
  readonly AutoPublishRouteEnabled?: boolean;
  /** bandwidth value of the inter-region connection. unit Mbps; values: BandwidthPackage | DataTransfer; unit Mbps; - When BandwidthType is set to DataTransfer, this */
  readonly Bandwidth?: number;
  /** BandwidthPackage (needs CenBandwidthPackageId) | DataTransfer (pay-by-traffic, Bandwidth = cap in Mbps); values: BandwidthPackage | DataTransfer; Valid values:  */
  readonly BandwidthType?: string;
  /** ID of the bandwidth plan that you want to associate with the inter-region connection; values: DataTransfer; e.g. cenbwp-3xrxupouolw5ou**** */
  readonly CenBandwidthPackageId?: string;
  /** ID of the Cloud Enterprise Network (CEN) instance; e.g. cen-j3jzhw1zpau2km**** */
  readonly CenId?: string;
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; token can contain only ASCII characters; e.g. 02fb3 */
  readonly ClientToken?: string;
  /** Platinum | Gold (default Gold); Valid values: Platinum and Gold; default Gold; e.g. Gold */
  readonly DefaultLinkType?: string;
  /** bool, default false; true = check permissions/params/status only, nothing created; a passing dry run is answered with error code DryRunOperation; values: false  */
  readonly DryRun?: boolean;
  /** ID of the peer transit router instance; e.g. tr-m5eq27g6bndum7e88**** */
  readonly PeerTransitRouterId: string;
  /** ID of the region where the peer transit router instance is deployed; e.g. cn-qingdao */
  readonly PeerTransitRouterRegionId?: string;
  /** ID of the region where the local Enterprise Edition transit router instance is deployed; e.g. cn-hangzhou */
  readonly RegionId?: string;
  /** repeat-list of objects, flattened as Tag.N.<Field>; tag information; You can specify at most 20 tags in each call */
  readonly Tag?: readonly {
    /** key of the tag that you want to attach; tag key len <= 64 and cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https:// `; You can specify  */
    readonly Key?: string;
    /** value of the tag that you want to attach to the specified resource; tag value can be an empty string or a string of up to 128 characters in length; It cannot st */
    readonly Value?: string;
  }[];
  /** description of the inter-region connection; If you enter a description, it len 1-256, no http(s):// prefix; e.g. testdesc */
  readonly TransitRouterAttachmentDescription?: string;
  /** name of the inter-region connection; name len 1-128, no http(s):// prefix; e.g. testname */
  readonly TransitRouterAttachmentName?: string;
  /** ID of the local Enterprise Edition transit router instance; e.g. tr-bp1su1ytdxtataupl**** */
  readonly TransitRouterId?: string;
}
export interface CreateTransitRouterPeerAttachmentResponse {
  /** request ID; e.g. 59422BF5-BAAD-4CFD-9019-9557BD3ACFA3 */
  readonly RequestId?: string;
  /** ID of the inter-region connection; e.g. tr-attach-nwkiqfvw22qesz**** */
  readonly TransitRouterAttachmentId?: string;
}

/** ListTransitRouterPeerAttachments: Call the ListTransitRouterPeerAttachments operation to query details about the inter-region connections of an Enterprise Edition transit router. */
export interface ListTransitRouterPeerAttachmentsRequest {
  /** ID of the CEN instance; e.g. cen-j3jzhw1zpau2km**** */
  readonly CenId?: string;
  /** number of entries to return on each page; values: 20 | 100; default 20; max 100; e.g. 20 */
  readonly MaxResults?: number;
  /** token for the next query; Valid values: - If this is your first query or no next query is to be sent, do not specify this parameter; e.g. 1 */
  readonly NextToken?: string;
  /** ID of the region where the Enterprise Edition transit router is deployed; e.g. cn-hangzhou */
  readonly RegionId?: string;
  /** repeat-list of objects, flattened as Tag.N.<Field>; tags; You can specify up to 20 tags */
  readonly Tag?: readonly {
    /** tag key; tag key len <= 64 and cannot start with `aliyun` or `acs:`; It cannot contain `http://` or `https://`; You can specify up to 20 tag keys; e.g. tagtest */
    readonly Key?: string;
    /** tag value; tag value can be an empty string or a string of up to 128 characters; It cannot start with `aliyun` or `acs:` and cannot contain `http://` or `https: */
    readonly Value?: string;
  }[];
  /** ID of the inter-region connection; e.g. tr-attach-5u4qbayfv2io5v**** */
  readonly TransitRouterAttachmentId?: string;
  /** ID of the Enterprise Edition transit router; e.g. tr-bp1su1ytdxtataupl**** */
  readonly TransitRouterId?: string;
}
export interface ListTransitRouterPeerAttachmentsResponse {
  /** number of entries returned per page; e.g. 20 */
  readonly MaxResults?: number;
  /** token that is used for the next query; Valid values: - If this parameter is empty, no more data is returned; e.g. dd20**** */
  readonly NextToken?: string;
  /** request ID; e.g. AA97AFA3-8E48-4BD7-9F3E-A9F6176018A0 */
  readonly RequestId?: string;
  /** total number of entries returned; e.g. 1 */
  readonly TotalCount?: number;
  /** list of inter-region connections */
  readonly TransitRouterAttachments?: readonly {
    /** Indicates whether the Enterprise Edition transit router automatically advertises routes to the peer region; values: false | true; e.g. false */
    readonly AutoPublishRouteEnabled?: boolean;
    /** bandwidth of the inter-region connection. unit Mbit/s; values: BandwidthPackage | DataTransfer; unit Mbit/s; - If BandwidthType is set to DataTransfer, this par */
    readonly Bandwidth?: number;
    /** bandwidth allocation method; values: BandwidthPackage | DataTransfer; Valid values: - BandwidthPackage: Bandwidth is allocated from a bandwidth plan; e.g. Bandw */
    readonly BandwidthType?: string;
    /** ID of the bandwidth plan that is associated with the inter-region connection; e.g. cenbwp-3xrxupouolw5ou**** */
    readonly CenBandwidthPackageId?: string;
    /** ID of the CEN instance; e.g. cen-j3jzhw1zpau2km**** */
    readonly CenId?: string;
    /** time when the inter-region connection was created; e.g. 2021-06-16T02:50Z */
    readonly CreationTime?: string;
    /** default link type; values: Gold | Platinum; e.g. Gold */
    readonly DefaultLinkType?: string;
    /** connected areas of the bandwidth plan; e.g. china_china */
    readonly GeographicSpanId?: string;
    /** ID of the peer transit router; e.g. tr-m5eq27g6bndum7e88**** */
    readonly PeerTransitRouterId?: string;
    /** ID of the Alibaba Cloud account to which the peer transit router belongs; e.g. 253460731706911258 */
    readonly PeerTransitRouterOwnerId?: number;
    /** ID of the region where the peer transit router is deployed; e.g. cn-qingdao */
    readonly PeerTransitRouterRegionId?: string;
    /** ID of the region where the Enterprise Edition transit router is deployed; e.g. cn-hangzhou */
    readonly RegionId?: string;
    /** type of resource that is associated with the connection; values: VPC | CCN | VBR | TR; e.g. TR */
    readonly ResourceType?: string;
    /** status of the inter-region connection; values: Attached | Attaching | Detaching | Detached; e.g. Attached */
    readonly Status?: string;
    /** list of tags */
    readonly Tags?: readonly {
      /** tag key; e.g. tag_A1 */
      readonly Key?: string;
      /** tag value; e.g. test */
      readonly Value?: string;
    }[];
    /** description of the inter-region connection; e.g. testdesc */
    readonly TransitRouterAttachmentDescription?: string;
    /** ID of the inter-region connection; e.g. tr-attach-5u4qbayfv2io5v**** */
    readonly TransitRouterAttachmentId?: string;
    /** name of the inter-region connection; e.g. test */
    readonly TransitRouterAttachmentName?: string;
    /** ID of the Enterprise Edition transit router; e.g. tr-bp1su1ytdxtataupl**** */
    readonly TransitRouterId?: string;
  }[];
}

/** DeleteTransitRouterPeerAttachment: Call the DeleteTransitRouterPeerAttachment operation to delete an inter-region connection from an Enterprise Edition transit router. */
export interface DeleteTransitRouterPeerAttachmentRequest {
  /** idempotency token, ASCII only, unique per request; if omitted the service uses the RequestId as ClientToken; ClientToken parameter can contain only ASCII charac */
  readonly ClientToken?: string;
  /** bool, default false; true = check permissions/params/status only, nothing created; a passing dry run is answered with error code DryRunOperation; values: false  */
  readonly DryRun?: boolean;
  /** bool, default false; values: false | true; Valid values: - false (default): checks for resource dependencies, such as associated forwarding and route learning,  */
  readonly Force?: boolean;
  /** ID of the inter-region connection; e.g. tr-attach-gyjhtx9sjsxhm6**** */
  readonly TransitRouterAttachmentId: string;
}
export interface DeleteTransitRouterPeerAttachmentResponse {
  /** request ID; e.g. A01FEDD7-7D69-4EB3-996D-CF79F6F885CA */
  readonly RequestId?: string;
}

export type CbnCen = Item<NonNullable<DescribeCensResponse['Cens']>['Cen']>;
export type CbnTransitRouter = Item<ListTransitRoutersResponse['TransitRouters']>;
export type CbnVpcAttachment = Item<ListTransitRouterVpcAttachmentsResponse['TransitRouterAttachments']>;
export type CbnPeerAttachment = Item<ListTransitRouterPeerAttachmentsResponse['TransitRouterAttachments']>;
export type CbnRouteTable = Item<ListTransitRouterRouteTablesResponse['TransitRouterRouteTables']>;
export type CbnRouteEntry = Item<ListTransitRouterRouteEntriesResponse['TransitRouterRouteEntries']>;

/** Largest page sizes the API documents: 50 for PageNumber lists, 100 for MaxResults lists. */
export const CBN_PAGE_SIZE = 50;
export const CBN_MAX_RESULTS = 100;

/** Typed CBN client for one account (RegionId travels as a parameter). */
export class CbnClient {
  readonly #call: RpcCallFn;
  readonly #newClientToken: () => string;

  constructor(call: RpcCallFn, newClientToken: () => string) {
    this.#call = call;
    this.#newClientToken = newClientToken;
  }

  #token<T extends { readonly ClientToken?: string }>(req: T): T {
    return { ...req, ClientToken: req.ClientToken ?? this.#newClientToken() };
  }

  createCen(req: CreateCenRequest = {}): Promise<CreateCenResponse> {
    return this.#call('CreateCen', this.#token(req), IDEMPOTENT_WRITE);
  }
  describeCens(req: DescribeCensRequest = {}): Promise<DescribeCensResponse> {
    return this.#call('DescribeCens', req, READ);
  }
  deleteCen(req: DeleteCenRequest): Promise<DeleteCenResponse> {
    return this.#call('DeleteCen', req, IDEMPOTENT_WRITE);
  }
  /** `TransitRouterCidrList` is sent as one JSON string. */
  createTransitRouter(req: CreateTransitRouterRequest): Promise<CreateTransitRouterResponse> {
    return this.#call('CreateTransitRouter', this.#token(req), IDEMPOTENT_WRITE, { shrink: ['TransitRouterCidrList'] });
  }
  listTransitRouters(req: ListTransitRoutersRequest = {}): Promise<ListTransitRoutersResponse> {
    return this.#call('ListTransitRouters', req, READ);
  }
  deleteTransitRouter(req: DeleteTransitRouterRequest): Promise<DeleteTransitRouterResponse> {
    return this.#call('DeleteTransitRouter', this.#token(req), IDEMPOTENT_WRITE);
  }
  /** `Options` and `TransitRouterVPCAttachmentOptions` are sent as one JSON string each. */
  createTransitRouterVpcAttachment(req: CreateTransitRouterVpcAttachmentRequest): Promise<CreateTransitRouterVpcAttachmentResponse> {
    return this.#call('CreateTransitRouterVpcAttachment', this.#token(req), IDEMPOTENT_WRITE, {
      shrink: ['Options', 'TransitRouterVPCAttachmentOptions'],
    });
  }
  listTransitRouterVpcAttachments(req: ListTransitRouterVpcAttachmentsRequest = {}): Promise<ListTransitRouterVpcAttachmentsResponse> {
    return this.#call('ListTransitRouterVpcAttachments', req, READ);
  }
  deleteTransitRouterVpcAttachment(req: DeleteTransitRouterVpcAttachmentRequest): Promise<DeleteTransitRouterVpcAttachmentResponse> {
    return this.#call('DeleteTransitRouterVpcAttachment', this.#token(req), IDEMPOTENT_WRITE);
  }
  listTransitRouterRouteTables(req: ListTransitRouterRouteTablesRequest = {}): Promise<ListTransitRouterRouteTablesResponse> {
    return this.#call('ListTransitRouterRouteTables', req, READ);
  }
  createTransitRouterRouteEntry(req: CreateTransitRouterRouteEntryRequest): Promise<CreateTransitRouterRouteEntryResponse> {
    return this.#call('CreateTransitRouterRouteEntry', this.#token(req), IDEMPOTENT_WRITE);
  }
  listTransitRouterRouteEntries(req: ListTransitRouterRouteEntriesRequest): Promise<ListTransitRouterRouteEntriesResponse> {
    return this.#call('ListTransitRouterRouteEntries', req, READ);
  }
  deleteTransitRouterRouteEntry(req: DeleteTransitRouterRouteEntryRequest): Promise<DeleteTransitRouterRouteEntryResponse> {
    return this.#call('DeleteTransitRouterRouteEntry', this.#token(req), IDEMPOTENT_WRITE);
  }
  createTransitRouterPeerAttachment(req: CreateTransitRouterPeerAttachmentRequest): Promise<CreateTransitRouterPeerAttachmentResponse> {
    return this.#call('CreateTransitRouterPeerAttachment', this.#token(req), IDEMPOTENT_WRITE);
  }
  listTransitRouterPeerAttachments(req: ListTransitRouterPeerAttachmentsRequest = {}): Promise<ListTransitRouterPeerAttachmentsResponse> {
    return this.#call('ListTransitRouterPeerAttachments', req, READ);
  }
  deleteTransitRouterPeerAttachment(req: DeleteTransitRouterPeerAttachmentRequest): Promise<DeleteTransitRouterPeerAttachmentResponse> {
    return this.#call('DeleteTransitRouterPeerAttachment', this.#token(req), IDEMPOTENT_WRITE);
  }

  /** Every CEN instance (PageNumber/PageSize, `Cens.Cen[]`). */
  allCens(filter: Omit<DescribeCensRequest, 'PageNumber' | 'PageSize'> = {}, pageSize = CBN_PAGE_SIZE): Promise<Collected<CbnCen>> {
    return collectAll(
      pagesByNumber(async (PageNumber, PageSize) => {
        const r = await this.describeCens({ ...filter, PageNumber, PageSize });
        return { items: r.Cens?.Cen ?? [], totalCount: r.TotalCount };
      }, { pageSize }),
    );
  }

  /** Every transit router matching the filter (PageNumber/PageSize). */
  allTransitRouters(filter: Omit<ListTransitRoutersRequest, 'PageNumber' | 'PageSize'> = {}, pageSize = CBN_PAGE_SIZE): Promise<Collected<CbnTransitRouter>> {
    return collectAll(
      pagesByNumber(async (PageNumber, PageSize) => {
        const r = await this.listTransitRouters({ ...filter, PageNumber, PageSize });
        return { items: r.TransitRouters ?? [], totalCount: r.TotalCount };
      }, { pageSize }),
    );
  }

  /** Every VPC attachment matching the filter (NextToken/MaxResults). */
  allVpcAttachments(
    filter: Omit<ListTransitRouterVpcAttachmentsRequest, 'NextToken' | 'MaxResults'> = {},
    maxResults = CBN_MAX_RESULTS,
  ): Promise<Collected<CbnVpcAttachment>> {
    return collectAll(
      pagesByToken(async (NextToken, MaxResults) => {
        const r = await this.listTransitRouterVpcAttachments({ ...filter, ...(NextToken !== undefined ? { NextToken } : {}), MaxResults });
        return { items: r.TransitRouterAttachments ?? [], nextToken: r.NextToken };
      }, { maxResults }),
    );
  }

  /** Every peer attachment matching the filter (NextToken/MaxResults). */
  allPeerAttachments(
    filter: Omit<ListTransitRouterPeerAttachmentsRequest, 'NextToken' | 'MaxResults'> = {},
    maxResults = CBN_MAX_RESULTS,
  ): Promise<Collected<CbnPeerAttachment>> {
    return collectAll(
      pagesByToken(async (NextToken, MaxResults) => {
        const r = await this.listTransitRouterPeerAttachments({ ...filter, ...(NextToken !== undefined ? { NextToken } : {}), MaxResults });
        return { items: r.TransitRouterAttachments ?? [], nextToken: r.NextToken };
      }, { maxResults }),
    );
  }

  /** Every route table of a transit router (NextToken/MaxResults). */
  allRouteTables(
    filter: Omit<ListTransitRouterRouteTablesRequest, 'NextToken' | 'MaxResults'>,
    maxResults = CBN_MAX_RESULTS,
  ): Promise<Collected<CbnRouteTable>> {
    return collectAll(
      pagesByToken(async (NextToken, MaxResults) => {
        const r = await this.listTransitRouterRouteTables({ ...filter, ...(NextToken !== undefined ? { NextToken } : {}), MaxResults });
        return { items: r.TransitRouterRouteTables ?? [], nextToken: r.NextToken };
      }, { maxResults }),
    );
  }

  /** Every route entry of a route table (NextToken/MaxResults). */
  allRouteEntries(
    filter: Omit<ListTransitRouterRouteEntriesRequest, 'NextToken' | 'MaxResults'>,
    maxResults = CBN_MAX_RESULTS,
  ): Promise<Collected<CbnRouteEntry>> {
    return collectAll(
      pagesByToken(async (NextToken, MaxResults) => {
        const r = await this.listTransitRouterRouteEntries({ ...filter, ...(NextToken !== undefined ? { NextToken } : {}), MaxResults });
        return { items: r.TransitRouterRouteEntries ?? [], nextToken: r.NextToken };
      }, { maxResults }),
    );
  }
}
