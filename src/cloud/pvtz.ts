/**
 * PrivateZone (pvtz 2018-01-01, RPC): zones, records and VPC bindings, used to publish the records a
 * client needs to reach an instance, its auth service and its OSS bucket over private addresses
 * (DOMAIN.md). Our own typed requests and responses, field names exactly as
 * shared/api/pvtz-2018-01-01.json; every response field is optional. A generated SDK can replace
 * this file alone.
 *
 * Oddities: list wrappers are XML heritage (`Zones.Zone[]`, `Records.Record[]`, `BindVpcs.Vpc[]`);
 * pages are PageNumber/PageSize with `TotalItems` (not TotalCount); RecordId is a number (long) while
 * ZoneId is a string; BindZoneVpc replaces the whole set of bound VPCs (send every VPC to keep).
 * PrivateZone is global: only bound VPCs carry a RegionId.
 *
 * Idempotence: every mutating action takes a ClientToken (generated when absent, reused on retries).
 */
import { collectAll, pagesByNumber, type Collected } from './paginate.js';
import { IDEMPOTENT_WRITE, READ, type RpcCallFn } from './pipeline.js';
import type { Item } from './cr.js';

export const PVTZ_VERSION = '2018-01-01';

/** AddZone: Call the AddZone operation to create a built-in authoritative zone. The built-in authoritative zone can be a standard zone or an accelerated zone. */
export interface AddZoneRequest {
  /** A client token that is used to ensure the idempotence of the request.; e.g. 21079fa016944979537637959d09bc */
  readonly ClientToken?: string;
  /** The location of the built-in authoritative zone. Valid values:; Default value: NORMAL_ZONE; > Starting from April 30, 2025 (UTC+8), when new users activate Alib */
  readonly DnsGroup?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** Specifies whether to enable subdomain recursive proxy. Valid values:; Default value: ZONE; values: ZONE | RECORD; e.g. ZONE */
  readonly ProxyPattern?: string;
  /** The ID of the resource group.; e.g. rg-acfmykd63gt**** */
  readonly ResourceGroupId?: string;
  /** The name of the zone to add.; e.g. example.com */
  readonly ZoneName?: string;
  /** This parameter is not available to users. You do not need to specify this parameter.; e.g. BLINK */
  readonly ZoneTag?: string;
  /** This parameter is not available to users. You do not need to specify this parameter.; e.g. CLOUD_PRODUCT_ZONE */
  readonly ZoneType?: string;
}
export interface AddZoneResponse {
  /** The unique ID of the request.; e.g. 54F10A2A-C3CF-59D4-810F-F18DDD93FE20 */
  readonly RequestId?: string;
  /** Indicates whether the request was successful.; e.g. true */
  readonly Success?: boolean;
  /** The unique ID of the zone.; e.g. 6fc186295683a131f63bb8b0cddc**** */
  readonly ZoneId?: string;
  /** The name of the zone.; e.g. example.com */
  readonly ZoneName?: string;
}

/** DescribeZones: You can call the DescribeZones operation to query a list of zones available to your account. */
export interface DescribeZonesRequest {
  /** The keyword of the zone name. The search is not case-sensitive. You can set the SearchMode parameter to switch between exact search and fuzzy search.; e.g. test */
  readonly Keyword?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The page number. Pages start from page 1. Default value: 1.; e.g. 1 */
  readonly PageNumber?: number;
  /** The number of entries to return on each page. Maximum value: 100. Default value: 20.; e.g. 20 */
  readonly PageSize?: number;
  /** The region ID of the VPC that is associated with the zone.; e.g. cn-hangzhou */
  readonly QueryRegionId?: string;
  /** The ID of the VPC that is associated with the zone.; e.g. vpc-f8zvrvr1payllgz38**** */
  readonly QueryVpcId?: string;
  /** The ID of the resource group to which the zone belongs.; e.g. rg-aekz2qj7awz**** */
  readonly ResourceGroupId?: string;
  /** The resource tags that are added to the zone. */
  readonly ResourceTag?: readonly {
    /** The key of the resource tag.; e.g. env */
    readonly Key?: string;
    /** The value of the resource tag.; e.g. daily */
    readonly Value?: string;
  }[];
  /** The search mode. This parameter takes effect only when the Keyword parameter is specified. Valid values:; Default value: LIKE; values: LIKE | EXACT; e.g. EXACT */
  readonly SearchMode?: string;
  /** The list of cloud service types.; e.g. BLINK */
  readonly ZoneTag?: readonly string[];
  /** The type of the zones to query. Valid values:; Default value: AUTH_ZONE; values: AUTH_ZONE | CLOUD_PRODUCT_ZONE; e.g. AUTH_ZONE */
  readonly ZoneType?: string;
}
export interface DescribeZonesResponse {
  /** The page number of the returned data.; e.g. 1 */
  readonly PageNumber?: number;
  /** The number of entries returned per page.; e.g. 20 */
  readonly PageSize?: number;
  /** The unique ID of the request.; e.g. 6856BCF6-11D6-4D7E-AC53-FD579933522B */
  readonly RequestId?: string;
  /** The total number of entries returned.; e.g. 1 */
  readonly TotalItems?: number;
  /** The total number of pages returned.; e.g. 1 */
  readonly TotalPages?: number;
  readonly Zones?: {
    readonly Zone?: readonly {
      readonly CreateTime?: string;
      readonly CreateTimestamp?: number;
      readonly Creator?: string;
      readonly CreatorSubType?: string;
      readonly DnsGroup?: string;
      readonly DnsGroupChanging?: boolean;
      readonly IsPtr?: boolean;
      readonly ProxyPattern?: string;
      readonly RecordCount?: number;
      readonly Remark?: string;
      readonly ResourceGroupId?: string;
      readonly ResourceTags?: {
        readonly ResourceTag?: readonly {
          readonly Key?: string;
          readonly Value?: string;
        }[];
      };
      readonly SlaveDnsStatus?: string;
      readonly UpdateTime?: string;
      readonly UpdateTimestamp?: number;
      readonly ZoneId?: string;
      readonly ZoneName?: string;
      readonly ZoneTag?: string;
      readonly ZoneType?: string;
    }[];
  };
}

/** DescribeZoneInfo: Call the DescribeZoneInfo operation to retrieve the details of a specified built-in authoritative zone. The details include the list of VPCs that are bound to t */
export interface DescribeZoneInfoRequest {
  /** The language of the response. Valid values:; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The unique ID of the zone.; e.g. df2d03865266bd9842306db586d3**** */
  readonly ZoneId: string;
}
export interface DescribeZoneInfoResponse {
  readonly BindEdgeDnsClusters?: {
    readonly EdgeDnsCluster?: readonly {
      readonly ClusterId?: string;
      readonly ClusterName?: string;
      readonly ClusterUserId?: number;
    }[];
  };
  readonly BindVpcs?: {
    readonly Vpc?: readonly {
      readonly RegionId?: string;
      readonly RegionName?: string;
      readonly VpcId?: string;
      readonly VpcName?: string;
      readonly VpcType?: string;
      readonly VpcUserId?: number;
    }[];
  };
  /** The time when the zone was created.; e.g. 2024-07-15T09:40Z */
  readonly CreateTime?: string;
  /** The timestamp that indicates when the zone was created.; e.g. 1721036404000 */
  readonly CreateTimestamp?: number;
  /** The creator of the zone.; e.g. 141339776561**** */
  readonly Creator?: string;
  /** The type of the creator.; e.g. USER */
  readonly CreatorType?: string;
  /** The DNS group. Valid values:; values: NORMAL_ZONE | FAST_ZONE; e.g. FAST_ZONE */
  readonly DnsGroup?: string;
  /** The status of switching the DNS group for the zone. You can switch a zone between the regular and fast groups. Valid values:; values: true | false; e.g. false */
  readonly DnsGroupChanging?: boolean;
  /** Indicates whether the zone is a reverse lookup zone. Valid values:; values: true | false; e.g. false */
  readonly IsPtr?: boolean;
  /** Indicates whether the recursive proxy for subdomains is enabled.; values: ZONE | RECORD; e.g. ZONE */
  readonly ProxyPattern?: string;
  /** The total number of DNS records in the zone.; e.g. 5 */
  readonly RecordCount?: number;
  /** The remarks.; e.g. test */
  readonly Remark?: string;
  /** The unique ID of the request.; e.g. F73F41A3-B6DD-42CA-A793-FFF93277835D */
  readonly RequestId?: string;
  /** The ID of the resource group to which the zone belongs.; e.g. rg-acfmykd63gt**** */
  readonly ResourceGroupId?: string;
  /** Indicates whether secondary DNS is enabled. Valid values:; values: true | false; e.g. false */
  readonly SlaveDns?: boolean;
  /** The time when the zone was last updated.; e.g. 2024-07-22T09:39Z */
  readonly UpdateTime?: string;
  /** The timestamp that indicates when the zone was last updated.; e.g. 1721641148000 */
  readonly UpdateTimestamp?: number;
  /** The unique ID of the zone.; e.g. df2d03865266bd9842306db586d3**** */
  readonly ZoneId?: string;
  /** The name of the zone.; e.g. zone-test.cn */
  readonly ZoneName?: string;
  /** The tag of the zone.; e.g. pvtz */
  readonly ZoneTag?: string;
  /** The type of the zone. Valid values:; values: AUTH_ZONE | CLOUD_PRODUCT_ZONE; e.g. AUTH_ZONE */
  readonly ZoneType?: string;
}

/** UpdateZoneRemark: Modifies the remark for a built-in authoritative domain name (zone). */
export interface UpdateZoneRemarkRequest {
  /** A client-generated token that is used to ensure the idempotence of the request. Make sure that the token is unique for each request.; e.g. 21079fa01694497953763 */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The new remark. To clear the remark, set this parameter to an empty string.; e.g. test */
  readonly Remark?: string;
  /** The IP address of the client.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
  /** The unique ID of the zone.; e.g. df2d03865266bd9842306db586d3**** */
  readonly ZoneId: string;
}
export interface UpdateZoneRemarkResponse {
  /** The unique ID of the request.; e.g. C6F1D541-E7A6-447A-A2B5-9F7A20B2A8FB */
  readonly RequestId?: string;
  /** The unique ID of the zone.; e.g. df2d03865266bd9842306db586d3**** */
  readonly ZoneId?: string;
}

/** DeleteZone: Deletes an idle zone (built-in authoritative domain name). */
export interface DeleteZoneRequest {
  /** A client token to ensure the idempotence of the request. Generate a unique value from your client for this parameter.; e.g. 21079fa016944979537637959d09bc */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The IP address of the client.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
  /** The unique ID of the zone.; e.g. 0e41496f12da01311d314f17b801**** */
  readonly ZoneId: string;
}
export interface DeleteZoneResponse {
  /** The unique ID of the request.; e.g. E246E023-F2EB-4034-83F7-B13FCF31459C */
  readonly RequestId?: string;
  /** The unique ID of the zone.; e.g. 0e41496f12da01311d314f17b801**** */
  readonly ZoneId?: string;
}

/** CheckZoneName: You can call the CheckZoneName operation to check whether a zone name is available. */
export interface CheckZoneNameRequest {
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The IP address of the user.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
  /** The name of the zone.; e.g. example.com */
  readonly ZoneName: string;
}
export interface CheckZoneNameResponse {
  /** The result of the check. Valid values:; values: true | false; e.g. true */
  readonly Check?: boolean;
  /** The unique ID of the request.; e.g. CA29B88F-A571-4123-80D5-768AC2F7F806 */
  readonly RequestId?: string;
  /** Indicates whether the request was successful.; e.g. true */
  readonly Success?: boolean;
}

/** SetProxyPattern: Sets the recursive resolution proxy for subdomains. */
export interface SetProxyPatternRequest {
  /** A client token to ensure the idempotence of the request. The token must be unique for each request.; e.g. 21079fa016944979537637959d09bc */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The proxy mode for recursive resolution of subdomains. Valid values:; values: ZONE | RECORD; e.g. ZONE */
  readonly ProxyPattern: string;
  /** The IP address of the client.; e.g. 10.61.XX.XX */
  readonly UserClientIp?: string;
  /** The unique ID of the zone.; e.g. df2d03865266bd9842306db586d3**** */
  readonly ZoneId: string;
}
export interface SetProxyPatternResponse {
  /** The unique ID of the request.; e.g. 0417DC19-11A0-5597-8717-2F705DE88925 */
  readonly RequestId?: string;
  /** The global ID of the zone.; e.g. df2d03865266bd9842306db586d3**** */
  readonly ZoneId?: string;
}

/** AddZoneRecord: Call the AddZoneRecord operation to add a DNS record to an authoritative zone. Within the effective scope of the zone, the internal DNS record for a domain name */
export interface AddZoneRecordRequest {
  /** The client token that is used to ensure the idempotence of the request. A client generates this value to ensure that it is unique among different requests.; e.g */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The source of the DNS resolution request. Valid values:; > 	- To use the default line, enter "default". For Alibaba Cloud lines and custom lines, enter the spec */
  readonly Line?: string;
  /** The priority of the MX record. A smaller value indicates a higher priority. Valid values: [1, 99].; e.g. 5 */
  readonly Priority?: number;
  /** The remarks.; e.g. en */
  readonly Remark?: string;
  /** The host record. A host record is the prefix of a domain name. Common host records include www, @, \\	- (for wildcard DNS), and mail (for mailboxes).; e.g. www */
  readonly Rr: string;
  /** The time to live (TTL). The unit is seconds (s). Valid values are 5, 30, 60, 3600 (1 hour), 43200 (12 hours), and 86400 (1 day). The default value is 60.; e.g.  */
  readonly Ttl?: number;
  /** The type of the DNS record. The following types are supported:; values: A | AAAA | CNAME | TXT | MX | PTR | SRV; e.g. A */
  readonly Type: string;
  /** The IP address of the client.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
  /** The record value. Enter a value based on the DNS record type.; e.g. 114.55.XX.XX */
  readonly Value: string;
  /** The weight. Valid values are integers from 1 to 100. The default value is 1.; e.g. 1 */
  readonly Weight?: number;
  /** The ID of the zone. This is the unique identifier of the zone.; e.g. df2d03865266bd9842306db586d3**** */
  readonly ZoneId: string;
}
export interface AddZoneRecordResponse {
  /** The ID of the DNS record.; e.g. 429570**** */
  readonly RecordId?: number;
  /** The unique ID of the request.; e.g. 0B7AD377-7E86-44A8-B9A8-53E8666E72FE */
  readonly RequestId?: string;
  /** Indicates whether the request was successful.; e.g. true */
  readonly Success?: boolean;
}

/** DescribeZoneRecords: You can call DescribeZoneRecords to query DNS records for a zone. */
export interface DescribeZoneRecordsRequest {
  /** The keyword for the hostname. The search is not case-sensitive. Use the SearchMode parameter to switch between a fuzzy search and an exact search.; e.g. test */
  readonly Keyword?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The page number. Pages start from 1. The default value is 1.; e.g. 1 */
  readonly PageNumber?: number;
  /** The number of entries to return on each page. The maximum value is 100. The default value is 20.; e.g. 20 */
  readonly PageSize?: number;
  /** The search mode. Valid values:; values: LIKE | EXACT; e.g. EXACT */
  readonly SearchMode?: string;
  /** The tag. Valid values:; values: ecs; e.g. ecs */
  readonly Tag?: string;
  /** The client IP address of the user.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
  /** The unique ID of the zone.; e.g. a96d70eb4ab8ef01503dc5486914**** */
  readonly ZoneId: string;
}
export interface DescribeZoneRecordsResponse {
  /** The page number.; e.g. 1 */
  readonly PageNumber?: number;
  /** The number of entries returned on each page.; e.g. 100 */
  readonly PageSize?: number;
  readonly Records?: {
    readonly Record?: readonly {
      readonly CreateTime?: string;
      readonly CreateTimestamp?: number;
      readonly Line?: string;
      readonly Priority?: number;
      readonly RecordId?: number;
      readonly Remark?: string;
      readonly Rr?: string;
      readonly Status?: string;
      readonly Ttl?: number;
      readonly Type?: string;
      readonly UpdateTime?: string;
      readonly UpdateTimestamp?: number;
      readonly Value?: string;
      readonly Weight?: number;
      readonly ZoneId?: string;
    }[];
  };
  /** The request ID.; e.g. 7B07FBC3-3A53-4939-A3C6-2BDFE407BAB2 */
  readonly RequestId?: string;
  /** The total number of DNS records.; e.g. 100 */
  readonly TotalItems?: number;
  /** The total number of pages.; e.g. 1 */
  readonly TotalPages?: number;
}

/** DescribeZoneRecord: Queries the details of a DNS record. */
export interface DescribeZoneRecordRequest {
  /** The ID of the DNS record.; e.g. 5808 */
  readonly RecordId: number;
}
export interface DescribeZoneRecordResponse {
  /** The time when the record was created.; e.g. 2018-01-23T03:15Z */
  readonly CreateTime?: string;
  /** The timestamp that indicates when the record was created.; e.g. 1516775741000 */
  readonly CreateTimestamp?: number;
  /** The DNS resolution line.; e.g. default */
  readonly Line?: string;
  /** The priority of the mail exchange (MX) record.; e.g. 5 */
  readonly Priority?: number;
  /** The ID of the DNS record.; e.g. 5808 */
  readonly RecordId?: number;
  /** The remarks.; e.g. test record */
  readonly Remark?: string;
  /** The request ID.; e.g. 0B7AD377-7E86-44A8-B9A8-53E8666E72FE */
  readonly RequestId?: string;
  /** The host record.; e.g. www */
  readonly Rr?: string;
  /** The status of the DNS record. Valid values:; values: ENABLE | DISABLE; e.g. ENABLE */
  readonly Status?: string;
  /** The time to live (TTL).; e.g. 60 */
  readonly Ttl?: number;
  /** The type of the DNS record.; e.g. A */
  readonly Type?: string;
  /** The time when the record was last updated.; e.g. 2018-01-24T06:35Z */
  readonly UpdateTime?: string;
  /** The timestamp that indicates when the record was last updated.; e.g. 1516775741000 */
  readonly UpdateTimestamp?: number;
  /** The record value.; e.g. 127.0.0.1 */
  readonly Value?: string;
  /** The weight of the DNS record.; e.g. 1 */
  readonly Weight?: number;
  /** The zone ID.; e.g. CAgICA1OA_58 */
  readonly ZoneId?: string;
}

/** UpdateZoneRecord: The UpdateZoneRecord operation modifies a DNS record for a zone. You can change properties such as the host record, record type, and weight. */
export interface UpdateZoneRecordRequest {
  /** A client token that is used to ensure the idempotence of the request. The client generates the value, which must be unique among different requests.; e.g. 64477 */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The DNS resolution line. The default value is default.; e.g. default */
  readonly Line?: string;
  /** The priority of the MX record. You can set different priorities for mail servers. Valid values: 1 to 99. A smaller value indicates a higher priority.; e.g. 1 */
  readonly Priority?: number;
  /** The ID of the DNS record. To obtain the ID, call the DescribeZoneRecords operation to query a list of DNS records.; e.g. 172223**** */
  readonly RecordId: number;
  /** The host record. This is the prefix of a domain name. Common examples include www, @, \\	- (for wildcard DNS), and mail (for mailboxes).; e.g. www */
  readonly Rr: string;
  /** The time to live (TTL) in seconds (s). Valid values: 5, 30, 60, 3600 (1 hour), 43200 (12 hours), and 86400 (1 day).; e.g. 60 */
  readonly Ttl?: number;
  /** The type of the DNS record. The following types are supported:; values: A | AAAA | CNAME | TXT | MX | PTR | SRV; e.g. A */
  readonly Type: string;
  /** The IP address of the client.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
  /** The record value. Enter a value that corresponds to the record type.; e.g. 192.16.XX.XX */
  readonly Value: string;
  /** The weight of the record. Valid values are integers from 1 to 100. The default value is 1.; e.g. 1 */
  readonly Weight?: number;
}
export interface UpdateZoneRecordResponse {
  /** The ID of the DNS record.; e.g. 172223**** */
  readonly RecordId?: number;
  /** The unique ID of the request.; e.g. 250E2C38-D0AD-4518-851D-1C1055805F82 */
  readonly RequestId?: string;
}

/** SetZoneRecordStatus: You can call SetZoneRecordStatus to set the status of a DNS record for a zone. This enables or pauses DNS resolution. */
export interface SetZoneRecordStatusRequest {
  /** A client token that is used to ensure the idempotence of the request. The client generates this value.; e.g. 6447728c8578e66aacf062d2df4446dc */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; The default value is en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The ID of the DNS record.; e.g. 207541**** */
  readonly RecordId: number;
  /** The status of the DNS record. Valid values:; values: ENABLE | DISABLE; e.g. ENABLE */
  readonly Status: string;
  /** The client IP address.; e.g. 127.XX.XX */
  readonly UserClientIp?: string;
}
export interface SetZoneRecordStatusResponse {
  /** The ID of the DNS record.; e.g. 207541**** */
  readonly RecordId?: number;
  /** The unique ID of the request.; e.g. 39CB16E5-4180-49F2-A060-23C0ECEB80D9 */
  readonly RequestId?: string;
  /** The status of the DNS record. Valid values:; values: ENABLE | DISABLE; e.g. ENABLE */
  readonly Status?: string;
}

/** UpdateRecordRemark: You can call the UpdateRecordRemark operation to modify the remarks of a DNS record based on its ID. */
export interface UpdateRecordRemarkRequest {
  /** A client token used to ensure the idempotence of a request. The client generates this value, which must be unique across different requests.; e.g. 6447728c8578e */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The ID of the DNS record.; e.g. 202991**** */
  readonly RecordId: number;
  /** The remarks.; e.g. test record */
  readonly Remark?: string;
}
export interface UpdateRecordRemarkResponse {
  /** The ID of the DNS record.; e.g. 202991**** */
  readonly RecordId?: number;
  /** The ID of the request.; e.g. 0B7AD377-7E86-44A8-B9A8-53E8666E72FE */
  readonly RequestId?: string;
}

/** DeleteZoneRecord: The DeleteZoneRecord operation deletes a DNS record by its ID. */
export interface DeleteZoneRecordRequest {
  /** The client token that is used to ensure the idempotence of the request. Generate a value that is unique for each request.; e.g. 6447728c8578e66aacf062d2df4446dc */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The ID of the DNS record.; e.g. 306279**** */
  readonly RecordId: number;
  /** The IP address of the client.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
}
export interface DeleteZoneRecordResponse {
  /** The ID of the DNS record.; e.g. 306279**** */
  readonly RecordId?: number;
  /** The unique ID of the request.; e.g. 0B7AD377-7E86-44A8-B9A8-53E8666E72FE */
  readonly RequestId?: string;
}

/** BindZoneVpc: Binds a Zone to, or unbinds it from, one or more VPCs to define its effective scope. */
export interface BindZoneVpcRequest {
  /** A client-generated token that is used to ensure the idempotence of the request. You can use the client to generate a unique token for the request.; e.g. 6447728 */
  readonly ClientToken?: string;
  /** The language of the response. Valid values:; Default value: `en`; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The IP address of the client.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
  /** The VPCs. */
  readonly Vpcs?: readonly {
    /** The ID of the region where the VPC is located.; e.g. cn-beijing */
    readonly RegionId?: string;
    /** The ID of the VPC.; e.g. vpc-f8zvrvr1payllgz38**** */
    readonly VpcId?: string;
    /** The type of the VPC. Valid values:; values: STANDARD | EDS; e.g. STANDARD */
    readonly VpcType?: string;
  }[];
  /** The unique ID of the zone.; e.g. 34d4031b63c527358b710a61346a**** */
  readonly ZoneId: string;
}
export interface BindZoneVpcResponse {
  /** The ID of the request.; e.g. 46973D4C-E3E4-4ABA-9190-9A9DE406C7E */
  readonly RequestId?: string;
}

/** DescribeZoneVpcTree: Call the DescribeZoneVpcTree operation to query the zones and the Virtual Private Clouds (VPCs) attached to them in your account. */
export interface DescribeZoneVpcTreeRequest {
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. en */
  readonly Lang?: string;
  /** The IP address of the client.; e.g. 127.0.XX.XX */
  readonly UserClientIp?: string;
}
export interface DescribeZoneVpcTreeResponse {
  /** The unique ID of the request.; e.g. 7B07FBC3-3A53-4939-A3C6-2BDFE407BAB2 */
  readonly RequestId?: string;
  readonly Zones?: {
    readonly Zone?: readonly {
      readonly CreateTime?: string;
      readonly CreateTimestamp?: number;
      readonly Creator?: string;
      readonly CreatorType?: string;
      readonly DnsGroup?: string;
      readonly DnsGroupChanging?: boolean;
      readonly IsPtr?: boolean;
      readonly RecordCount?: number;
      readonly Remark?: string;
      readonly UpdateTime?: string;
      readonly UpdateTimestamp?: number;
      readonly Vpcs?: {
        readonly Vpc?: readonly {
          readonly RegionId?: string;
          readonly RegionName?: string;
          readonly VpcId?: string;
          readonly VpcName?: string;
          readonly VpcType?: string;
        }[];
      };
      readonly ZoneId?: string;
      readonly ZoneName?: string;
      readonly ZoneTag?: string;
      readonly ZoneType?: string;
    }[];
  };
}

/** DescribeRegions: Call the DescribeRegions operation to query a list of available regions. You can filter the list by criteria such as the scenario and VPC type. */
export interface DescribeRegionsRequest {
  /** The supported language. Valid values:; Default value: en-US; values: zh-CN | en-US; e.g. zh-CN */
  readonly AcceptLanguage?: string;
  /** The ID of the Alibaba Cloud account to which the authorized resources belong.; e.g. 141339776561**** */
  readonly AuthorizedUserId?: number;
  /** The language of the response. Valid values:; Default value: en; values: zh | en; e.g. zh */
  readonly Lang?: string;
  /** The scenario. Valid values:; values: AUTH | FWD | RA; e.g. AUTH */
  readonly Scene?: string;
  /** The IP address of the user.; e.g. 192.0.XX.XX */
  readonly UserClientIp?: string;
  /** The type of the VPC. Valid values:; values: STANDARD | EDS; e.g. STANDARD */
  readonly VpcType?: string;
}
export interface DescribeRegionsResponse {
  readonly Regions?: {
    readonly Region?: readonly {
      readonly LocalName?: string;
      readonly RegionEndpoint?: string;
      readonly RegionId?: string;
      readonly RegionName?: string;
    }[];
  };
  /** The unique ID of the request.; e.g. 1E0F6898-F854-5133-A4CB-9C094152D05A */
  readonly RequestId?: string;
}

/** DescribeUserServiceStatus: Queries the service status of the current user, which indicates whether the service is activated or has overdue payments. */
export interface DescribeUserServiceStatusRequest {
  /** The language of the response. Valid values:; values: zh | en; e.g. en */
  readonly Lang?: string;
}
export interface DescribeUserServiceStatusResponse {
  /** The unique request ID.; e.g. 99626905-678A-4E8A-984E-6AEB09993996 */
  readonly RequestId?: string;
  /** The service status of the current user:; values: CLOSED | OPENED | IN_DEBT | IN_DEBT_OVER_DUE; e.g. OPENED */
  readonly Status?: string;
}

export type PvtzZone = Item<NonNullable<DescribeZonesResponse['Zones']>['Zone']>;
export type PvtzRecord = Item<NonNullable<DescribeZoneRecordsResponse['Records']>['Record']>;

/** Largest page size the API documents. */
export const PVTZ_PAGE_SIZE = 100;

/** Typed PrivateZone client for one account. */
export class PvtzClient {
  readonly #call: RpcCallFn;
  readonly #newClientToken: () => string;

  constructor(call: RpcCallFn, newClientToken: () => string) {
    this.#call = call;
    this.#newClientToken = newClientToken;
  }

  #token<T extends { readonly ClientToken?: string }>(req: T): T {
    return { ...req, ClientToken: req.ClientToken ?? this.#newClientToken() };
  }

  addZone(req: AddZoneRequest): Promise<AddZoneResponse> {
    return this.#call('AddZone', this.#token(req), IDEMPOTENT_WRITE);
  }
  describeZones(req: DescribeZonesRequest = {}): Promise<DescribeZonesResponse> {
    return this.#call('DescribeZones', req, READ);
  }
  describeZoneInfo(req: DescribeZoneInfoRequest): Promise<DescribeZoneInfoResponse> {
    return this.#call('DescribeZoneInfo', req, READ);
  }
  updateZoneRemark(req: UpdateZoneRemarkRequest): Promise<UpdateZoneRemarkResponse> {
    return this.#call('UpdateZoneRemark', this.#token(req), IDEMPOTENT_WRITE);
  }
  deleteZone(req: DeleteZoneRequest): Promise<DeleteZoneResponse> {
    return this.#call('DeleteZone', this.#token(req), IDEMPOTENT_WRITE);
  }
  checkZoneName(req: CheckZoneNameRequest): Promise<CheckZoneNameResponse> {
    return this.#call('CheckZoneName', req, READ);
  }
  setProxyPattern(req: SetProxyPatternRequest): Promise<SetProxyPatternResponse> {
    return this.#call('SetProxyPattern', this.#token(req), IDEMPOTENT_WRITE);
  }
  addZoneRecord(req: AddZoneRecordRequest): Promise<AddZoneRecordResponse> {
    return this.#call('AddZoneRecord', this.#token(req), IDEMPOTENT_WRITE);
  }
  describeZoneRecords(req: DescribeZoneRecordsRequest): Promise<DescribeZoneRecordsResponse> {
    return this.#call('DescribeZoneRecords', req, READ);
  }
  describeZoneRecord(req: DescribeZoneRecordRequest): Promise<DescribeZoneRecordResponse> {
    return this.#call('DescribeZoneRecord', req, READ);
  }
  updateZoneRecord(req: UpdateZoneRecordRequest): Promise<UpdateZoneRecordResponse> {
    return this.#call('UpdateZoneRecord', this.#token(req), IDEMPOTENT_WRITE);
  }
  setZoneRecordStatus(req: SetZoneRecordStatusRequest): Promise<SetZoneRecordStatusResponse> {
    return this.#call('SetZoneRecordStatus', this.#token(req), IDEMPOTENT_WRITE);
  }
  updateRecordRemark(req: UpdateRecordRemarkRequest): Promise<UpdateRecordRemarkResponse> {
    return this.#call('UpdateRecordRemark', this.#token(req), IDEMPOTENT_WRITE);
  }
  deleteZoneRecord(req: DeleteZoneRecordRequest): Promise<DeleteZoneRecordResponse> {
    return this.#call('DeleteZoneRecord', this.#token(req), IDEMPOTENT_WRITE);
  }
  /** Replaces the zone's whole set of bound VPCs with `Vpcs`. */
  bindZoneVpc(req: BindZoneVpcRequest): Promise<BindZoneVpcResponse> {
    return this.#call('BindZoneVpc', this.#token(req), IDEMPOTENT_WRITE);
  }
  /** Every zone of the account with its bound VPCs, in one call (not paged). */
  describeZoneVpcTree(req: DescribeZoneVpcTreeRequest = {}): Promise<DescribeZoneVpcTreeResponse> {
    return this.#call('DescribeZoneVpcTree', req, READ);
  }
  describeRegions(req: DescribeRegionsRequest = {}): Promise<DescribeRegionsResponse> {
    return this.#call('DescribeRegions', req, READ);
  }
  describeUserServiceStatus(req: DescribeUserServiceStatusRequest = {}): Promise<DescribeUserServiceStatusResponse> {
    return this.#call('DescribeUserServiceStatus', req, READ);
  }

  /** Every zone matching the filter (PageNumber/PageSize, TotalItems). */
  allZones(filter: Omit<DescribeZonesRequest, 'PageNumber' | 'PageSize'> = {}, pageSize = PVTZ_PAGE_SIZE): Promise<Collected<PvtzZone>> {
    return collectAll(
      pagesByNumber(async (PageNumber, PageSize) => {
        const r = await this.describeZones({ ...filter, PageNumber, PageSize });
        return { items: r.Zones?.Zone ?? [], totalCount: r.TotalItems };
      }, { pageSize }),
    );
  }

  /** Every record of a zone (PageNumber/PageSize, TotalItems). */
  allRecords(filter: Omit<DescribeZoneRecordsRequest, 'PageNumber' | 'PageSize'>, pageSize = PVTZ_PAGE_SIZE): Promise<Collected<PvtzRecord>> {
    return collectAll(
      pagesByNumber(async (PageNumber, PageSize) => {
        const r = await this.describeZoneRecords({ ...filter, PageNumber, PageSize });
        return { items: r.Records?.Record ?? [], totalCount: r.TotalItems };
      }, { pageSize }),
    );
  }
}
