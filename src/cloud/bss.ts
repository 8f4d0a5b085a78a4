/**
 * BssOpenApi 2017-12-14 (RPC): buying, upgrading and releasing Enterprise Edition instances (cr has
 * no CreateInstance/DeleteInstance; BSS handles both). Our own typed requests and responses, field
 * names exactly as shared/api/bssopenapi-2017-12-14.json; every response field is optional. A
 * generated SDK can replace this file alone.
 *
 * Idempotence: every mutating action here takes a `ClientToken`. When the caller gives none, the
 * client makes one (injected generator) and reuses it on every retry of that call, so a retried
 * CreateInstance after a lost connection cannot buy a second instance. Failures reported in a 200
 * body (`Success:false`) are thrown like any other error.
 * `Parameter` is a repeat list sent as `Parameter.1.Code`, `Parameter.1.Value`, ….
 * Pagination of QueryAvailableInstances is PageNum/PageSize with `Data.TotalCount`.
 */
import { AcrctlError } from '../errors.js';
import { CloudApiError } from './errors.js';
import { collectAll, pagesByNumber, type Collected } from './paginate.js';
import { IDEMPOTENT_WRITE, READ, type RpcCallFn } from './pipeline.js';
import type { Item } from './cr.js';

export const BSS_VERSION = '2017-12-14';

/** CreateInstance: Creates an instance. If you call this operation, an order for a new instance is created and the order is automatically paid for. You cannot create Elastic Compu */
export interface CreateInstanceRequest {
  /** The client token that is used to ensure the idempotence of the request. The server checks whether a request that uses the same client token has been received.;  */
  readonly ClientToken?: string;
  /** The logistics address of this order. This parameter is generally valid for physical orders.; e.g. {"cityCode":"330100","cityName":"Hangzhou","contactName":"Test */
  readonly Logistics?: string;
  readonly OwnerId?: number;
  /** The details of the modules. */
  readonly Parameter?: readonly {
    /** The code property of the Nth module. Value of N: 1 to 100. If multiple module property parameters are involved, concatenate multiple parameters based on the val */
    readonly Code: string;
    /** The value property of the Nth module. Value of N: 1 to 100.; e.g. disk */
    readonly Value: string;
  }[];
  /** The subscription duration. Unit: month. The value must be an integral multiple of 12.; e.g. 12 */
  readonly Period?: number;
  /** The cycle type of the prepaid period; - Default value: PricingCycle=2; e.g. 2 */
  readonly PricingCycle?: number;
  /** The code of the service to which the instance belongs. You can query the service code by calling the QueryProductList*	- operation or viewing Codes of Alibaba C */
  readonly ProductCode: string;
  /** The type of the service.; e.g. rds */
  readonly ProductType?: string;
  /** The auto-renewal period. Unit: month.; e.g. 12 */
  readonly RenewPeriod?: number;
  /** The renewal method. Valid values:; Default value: ManualRenewal; values: AutoRenewal | ManualRenewal; e.g. ManualRenewal */
  readonly RenewalStatus?: string;
  /** The billing method. Valid values:; values: Subscription | PayAsYouGo; e.g. Subscription */
  readonly SubscriptionType: string;
}
export interface CreateInstanceResponse {
  /** The status code.; e.g. Success */
  readonly Code?: string;
  /** The data returned. */
  readonly Data?: {
    /** The ID of the instance for which the order was created.; e.g. OSSBAG-cn-v1hxxxxx23 */
    readonly InstanceId?: string;
    /** The ID of the order that was created.; e.g. 20240xxxx21 */
    readonly OrderId?: string;
  };
  /** The error message returned.; e.g. Successful！ */
  readonly Message?: string;
  /** The ID of the request.; e.g. C880B065-A781-4F19-B6DD-3E0E3B715C64 */
  readonly RequestId?: string;
  /** Indicates whether the request was successful.; e.g. true */
  readonly Success?: boolean;
}

/** RefundInstance: Unsubscribes from an instance that is no longer needed. */
export interface RefundInstanceRequest {
  /** This parameter is required for scenarios that need idempotence. The UUID that is used to ensure the idempotence of the request.; e.g. 793F021C-B589-1225-82A9-99 */
  readonly ClientToken?: string;
  /** This parameter is required for unsubscription scenarios. Valid values: 1 and 0. A value of 1 specifies that the instance is immediately released.; e.g. 1 */
  readonly ImmediatelyRelease?: string;
  /** The ID of the instance. This parameter is required for unsubscription scenarios. Do not specify a custom name for this parameter.; e.g. i-bp1etb69sqxgl4******* */
  readonly InstanceId?: string;
  /** The code of the service. This parameter is required for unsubscription scenarios.; e.g. ecs */
  readonly ProductCode?: string;
  /** The type of the service. This parameter is required for unsubscription scenarios. Unless otherwise specified, set this parameter to an empty string.; e.g. ”“ */
  readonly ProductType?: string;
}
export interface RefundInstanceResponse {
  /** The HTTP status code.; e.g. ResourceNotExists */
  readonly Code?: string;
  /** The returned data. */
  readonly Data?: {
    /** The site of the execution host.; e.g. cn */
    readonly HostId?: string;
    /** The ID of the refund order that is returned only if the instance is unsubscribed from.; e.g. 2100000000*** */
    readonly OrderId?: number;
  };
  /** The description of the execution result.; e.g. success */
  readonly Message?: string;
  /** The ID of the request.; e.g. UUID */
  readonly RequestId?: string;
  /** Indicates whether the request was successful. Valid values: true and false.; e.g. false */
  readonly Success?: boolean;
}

/** QueryAvailableInstances: Queries available instances. */
export interface QueryAvailableInstancesRequest {
  /** The end time when the specified instance is created. Specify the time in the ISO 8601 standard in the yyyy-MM-ddTHH:mm:ssZ format. The time must be in UTC.; e.g */
  readonly CreateTimeEnd?: string;
  /** The start time when the specified instance is created. Specify the time in the ISO 8601 standard in the yyyy-MM-ddTHH:mm:ssZ format. The time must be in UTC.; e */
  readonly CreateTimeStart?: string;
  /** The end of the time range to query. Specify the time in the ISO 8601 standard in the yyyy-MM-ddTHH:mm:ssZ format. The time must be in UTC. Example: 2016-05-23T1 */
  readonly EndTimeEnd?: string;
  /** The beginning of the time range to query. Specify the time in the ISO 8601 standard in the yyyy-MM-ddTHH:mm:ssZ format. The time must be in UTC.; e.g. 2016-05-2 */
  readonly EndTimeStart?: string;
  /** The ID of the instance. Separate multiple IDs with commas (,). You can specify a maximum of 100 IDs.; e.g. rm-xxxxxxxxxxxx */
  readonly InstanceIDs?: string;
  readonly OwnerId?: number;
  /** The number of the page to return.; e.g. 1 */
  readonly PageNum?: number;
  /** The number of entries to return on each page.; e.g. 20 */
  readonly PageSize?: number;
  /** The code of the service. You can query the service code by calling the QueryProductList*	- operation or viewing Codes of Alibaba Cloud services.; e.g. rds */
  readonly ProductCode?: string;
  /** The type of the service.; e.g. rds */
  readonly ProductType?: string;
  /** The ID of the region in which the instance resides.; e.g. cn-hangzhou */
  readonly Region?: string;
  /** The renewal status of the specified instance. Valid values:; values: AutoRenewal | ManualRenewal | NotRenewal; e.g. AutoRenewal */
  readonly RenewStatus?: string;
  /** The billing method. Valid values:; values: Subscription | PayAsYouGo; e.g. Subscription */
  readonly SubscriptionType?: string;
}
export interface QueryAvailableInstancesResponse {
  /** The status code returned.; e.g. Success */
  readonly Code?: string;
  /** The data returned. */
  readonly Data?: {
    /** The instances returned. */
    readonly InstanceList?: readonly {
      /** The time when the specified instance was created.; e.g. 2019-09-08T16:00:00Z */
      readonly CreateTime?: string;
      /** The time when the instance was expired.; e.g. 2019-09-08T16:00:00Z */
      readonly EndTime?: string;
      /** The time when the specified instance was expected to be released.; e.g. 2019-09-08T16:00:00Z */
      readonly ExpectedReleaseTime?: string;
      /** The ID of the instance.; e.g. 1049056 */
      readonly InstanceID?: string;
      /** The ID of the instance owner.; e.g. 325352345 */
      readonly OwnerId?: number;
      /** The code of the service.; e.g. rds */
      readonly ProductCode?: string;
      /** The type of the service.; e.g. rds */
      readonly ProductType?: string;
      /** The ID of the region in which the instance resides.; e.g. cn-hangzhou */
      readonly Region?: string;
      /** The time when the instance was released.; e.g. 2019-09-08T16:00:00Z */
      readonly ReleaseTime?: string;
      /** The renewal status of the specified instance. Valid values:; values: AutoRenewal | ManualRenewal | NotRenewal; e.g. ManualRenewal */
      readonly RenewStatus?: string;
      /** The number of auto-renewal cycles.; e.g. 1 */
      readonly RenewalDuration?: number;
      /** The unit of the auto-renewal cycle. Valid values:; values: M | Y; e.g. M */
      readonly RenewalDurationUnit?: string;
      /** The seller.; e.g. 123123123 */
      readonly Seller?: string;
      /** The ID of the seller.; e.g. 123123123 */
      readonly SellerId?: number;
      /** The status of the instance.; e.g. Creating: The instance is being created. WaitForExpire: The instance is about to expire. Normal: The instance can properly run */
      readonly Status?: string;
      /** The time when the specified instance was suspended.; e.g. 2019-09-08T16:00:00Z */
      readonly StopTime?: string;
      /** The sub-status of the specified instance.; e.g. Normal: The pay-as-you-go module can properly run. WaitForLimit: The pay-as-you-go module is about to be limited */
      readonly SubStatus?: string;
      /** The billing method. Valid values:; values: Subscription | PayAsYouGo; e.g. Subscription */
      readonly SubscriptionType?: string;
    }[];
    /** The page number of the returned page.; e.g. 1 */
    readonly PageNum?: number;
    /** The number of entries returned per page.; e.g. 10 */
    readonly PageSize?: number;
    /** The total number of returned entries.; e.g. 11 */
    readonly TotalCount?: number;
  };
  /** The message returned.; e.g. Successful! */
  readonly Message?: string;
  /** The ID of the request.; e.g. C7C15585-8349-4C62-BEE4-5A391841B9BE */
  readonly RequestId?: string;
  /** Indicates whether the request is successful.; e.g. true */
  readonly Success?: boolean;
}

/** ModifyInstance: Modifies the configurations of an instance. When you call this operation, the system generates a modification order and automatically completes the payment. You */
export interface ModifyInstanceRequest {
  /** The client token that is used to ensure the idempotence of the request.; e.g. JAKSJFHFAKJSF */
  readonly ClientToken?: string;
  /** The ID of the instance for which you want to modify the configurations.; e.g. rm-akjhkdsjhfskjfhd */
  readonly InstanceId?: string;
  /** The type of configuration modifications. Valid values:; values: Upgrade | Downgrade; e.g. Upgrade */
  readonly ModifyType: string;
  readonly OwnerId?: number;
  /** The details about the parameters. */
  readonly Parameter?: readonly {
    /** The code of the parameter n. Valid values of n: 1 to 100. Multiple parameters are concatenated in the order of n.; e.g. test */
    readonly Code: string;
    /** The value of the parameter n. Valid values of n: 1 to 100.; e.g. test */
    readonly Value: string;
  }[];
  /** The code of the service to which the instance belongs.; e.g. rds */
  readonly ProductCode: string;
  /** The type of the service to which the instance belongs.; e.g. rds */
  readonly ProductType?: string;
  /** The billing method. Valid values:; values: Subscription | PayAsYouGo; e.g. Subscription */
  readonly SubscriptionType: string;
}
export interface ModifyInstanceResponse {
  /** The status code.; e.g. Success */
  readonly Code?: string;
  /** The data returned. */
  readonly Data?: {
    /** The ID of the host.; e.g. testId */
    readonly HostId?: string;
    /** The ID of the order that was created.; e.g. 202653252354351 */
    readonly OrderId?: string;
  };
  /** The error message returned.; e.g. Successful！ */
  readonly Message?: string;
  /** The ID of the request.; e.g. 6000EE23-274B-4E07-A697-FF2E999520A4 */
  readonly RequestId?: string;
  /** Indicates whether the request was successful.; e.g. true */
  readonly Success?: boolean;
}

export type BssInstance = Item<NonNullable<QueryAvailableInstancesResponse['Data']>['InstanceList']>;

/** An Alibaba Cloud site: `china` (aliyun.com) or `international` (alibabacloud.com). */
export type Site = 'china' | 'international';

export { BSS_INTERNATIONAL_REGION } from './endpoints.js';

/** ProductCode and ProductType of an ACR Enterprise Edition instance on each site. */
export const ACR_EE_PRODUCT = {
  productCode: 'acr',
  productType: { china: 'acr_ee_public_cn', international: 'acr_ee_public_intl' },
} as const;

/** Typed BSS client for one account. */
export class BssClient {
  readonly #call: RpcCallFn;
  readonly #newClientToken: () => string;

  constructor(call: RpcCallFn, newClientToken: () => string) {
    this.#call = call;
    this.#newClientToken = newClientToken;
  }

  /** Buys an instance. Idempotent through ClientToken (generated when absent, reused across retries). */
  createInstance(req: CreateInstanceRequest): Promise<CreateInstanceResponse> {
    return this.#call('CreateInstance', { ...req, ClientToken: req.ClientToken ?? this.#newClientToken() }, IDEMPOTENT_WRITE);
  }
  /** Releases an instance (`ImmediatelyRelease: "1"`). `ResourceNotExists` means it is already gone. */
  refundInstance(req: RefundInstanceRequest): Promise<RefundInstanceResponse> {
    return this.#call('RefundInstance', { ...req, ClientToken: req.ClientToken ?? this.#newClientToken() }, IDEMPOTENT_WRITE);
  }
  queryAvailableInstances(req: QueryAvailableInstancesRequest = {}): Promise<QueryAvailableInstancesResponse> {
    return this.#call('QueryAvailableInstances', req, READ);
  }
  /** Upgrades (or downgrades) an instance, e.g. ModifyType=Upgrade with Parameter InstanceType. */
  modifyInstance(req: ModifyInstanceRequest): Promise<ModifyInstanceResponse> {
    return this.#call('ModifyInstance', { ...req, ClientToken: req.ClientToken ?? this.#newClientToken() }, IDEMPOTENT_WRITE);
  }

  /** Every subscription instance matching the filter (PageNum/PageSize). */
  allAvailableInstances(
    filter: Omit<QueryAvailableInstancesRequest, 'PageNum' | 'PageSize'> = {},
    pageSize = 100,
  ): Promise<Collected<BssInstance>> {
    return collectAll(
      pagesByNumber(async (PageNum, PageSize) => {
        const r = await this.queryAvailableInstances({ ...filter, PageNum, PageSize });
        return { items: r.Data?.InstanceList ?? [], totalCount: r.Data?.TotalCount };
      }, { pageSize }),
    );
  }
}

/** What the run knows of an account's site: declared in registry.yaml, or learned from BSS. */
export interface SiteMemory {
  /** The declared site, if any: then BSS is called on it at once and never on the other. */
  readonly declared: Site | undefined;
  /** The site BSS answered on earlier in this run (detection), if any. */
  learned(): Site | undefined;
  learn(site: Site): void;
}

/** The ACR EE calls of BSS, without the product fields (AcrEeBilling adds them for the site). */
type AcrRequest<R> = Omit<R, 'ProductCode' | 'ProductType'>;

/**
 * BSS for the Enterprise Edition instances of one account, on the account's site. With the site
 * declared, every call goes to that site's endpoint with its product type. Otherwise the first call
 * tries the China site (`acr_ee_public_cn` on `business.aliyuncs.com`) and, when BSS answers
 * `NotApplicable`, the international one (`acr_ee_public_intl` on
 * `business.ap-southeast-1.aliyuncs.com`), as the Terraform provider's `alicloud_cr_ee_instance`
 * does; the site that answered is remembered for the rest of the run. The retry reuses the
 * request's ClientToken: a `NotApplicable` call bought nothing.
 */
export class AcrEeBilling {
  readonly #clientFor: (site: Site) => BssClient;
  readonly #memory: SiteMemory;
  readonly #account: string;

  constructor(account: string, clientFor: (site: Site) => BssClient, memory: SiteMemory) {
    this.#account = account;
    this.#clientFor = clientFor;
    this.#memory = memory;
  }

  /** The site calls go to now: declared, else learned, else undefined (China first, then detect). */
  get site(): Site | undefined {
    return this.#memory.declared ?? this.#memory.learned();
  }

  createInstance(req: AcrRequest<CreateInstanceRequest>): Promise<CreateInstanceResponse> {
    return this.#onSite((bss, ProductType) => bss.createInstance({ ...req, ProductCode: ACR_EE_PRODUCT.productCode, ProductType }));
  }
  modifyInstance(req: AcrRequest<ModifyInstanceRequest>): Promise<ModifyInstanceResponse> {
    return this.#onSite((bss, ProductType) => bss.modifyInstance({ ...req, ProductCode: ACR_EE_PRODUCT.productCode, ProductType }));
  }
  refundInstance(req: AcrRequest<RefundInstanceRequest>): Promise<RefundInstanceResponse> {
    return this.#onSite((bss, ProductType) => bss.refundInstance({ ...req, ProductCode: ACR_EE_PRODUCT.productCode, ProductType }));
  }

  async #onSite<T>(call: (bss: BssClient, productType: string) => Promise<T>): Promise<T> {
    const known = this.site;
    const first: Site = known ?? 'china';
    try {
      const out = await call(this.#clientFor(first), ACR_EE_PRODUCT.productType[first]);
      if (known === undefined) this.#memory.learn(first);
      return out;
    } catch (err) {
      if (!isNotApplicable(err)) throw err;
      if (this.#memory.declared !== undefined) throw wrongSite(this.#account, this.#memory.declared, err);
      if (known !== undefined) throw err;
    }
    const out = await call(this.#clientFor('international'), ACR_EE_PRODUCT.productType.international);
    this.#memory.learn('international');
    return out;
  }
}

function isNotApplicable(err: unknown): boolean {
  return err instanceof CloudApiError && err.vendorCode === 'NotApplicable';
}

function wrongSite(account: string, declared: Site, cause: unknown): AcrctlError {
  const other: Site = declared === 'china' ? 'international' : 'china';
  return new AcrctlError('cloud.site', `account ${account}: BSS answered NotApplicable to the ${declared} site's product type (${ACR_EE_PRODUCT.productType[declared]}): the account does not look like a ${declared}-site account`, {
    cause,
    hint: `set accounts.${account}.site to ${other}, or remove it to let acrctl detect the site`,
  });
}
