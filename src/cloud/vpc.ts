/**
 * VPC 2016-04-28 through the official SDK `@alicloud/vpc20160428`: VPCs, vSwitches, route tables and
 * route entries, for the /32 routes of cross-region access (DOMAIN.md); VPN gateways and virtual
 * border routers, read to verify a data centre's connection (DescribeVpnGateways,
 * DescribeVirtualBorderRouters: not in shared/api; fields are the SDK 7.3.2 models'). Request and response types
 * are the SDK's own models (camelCase fields); calls go through the session pipeline.
 *
 * Oddities: list wrappers are XML heritage (`Vpcs.Vpc[]`, `RouterTableList.RouterTableListType[]`,
 * `RouteEntrys.RouteEntry[]`); DescribeRouteEntryList pages with NextToken and `MaxResult` (singular);
 * the Describe* lists page with PageNumber/PageSize (max 50).
 * Retry semantics: CreateRouteEntry carries a ClientToken, DeleteRouteEntry is idempotent.
 */
import type * as vpcModule from '@alicloud/vpc20160428';
import { collectAll, pagesByNumber, pagesByToken, type Collected } from './paginate.js';
import { IDEMPOTENT_WRITE, READ, type SdkCallFn } from './pipeline.js';
import { bodyOf, cjsDefault, runtimeOptions, sdkConfig, type ClientConfig, type ModelFields } from './sdk.js';

type VpcLib = typeof vpcModule;
export type VpcSdkClient = InstanceType<typeof vpcModule.default.default>;

let vpcLibrary: Promise<VpcLib> | undefined;
/**
 * The SDK module, loaded on first use: it weighs about 45 MB of memory on top of the runtime, and
 * only estates with cross-region access ever call VPC (an image import must stay small).
 */
function vpcLib(): Promise<VpcLib> {
  return (vpcLibrary ??= import('@alicloud/vpc20160428'));
}
export type VpcVpc = NonNullable<NonNullable<vpcModule.DescribeVpcsResponseBody['vpcs']>['vpc']>[number];
export type VpcRouteTable = NonNullable<NonNullable<vpcModule.DescribeRouteTableListResponseBody['routerTableList']>['routerTableListType']>[number];
export type VpcRouteEntry = NonNullable<NonNullable<vpcModule.DescribeRouteEntryListResponseBody['routeEntrys']>['routeEntry']>[number];
export type VpcVpnGateway = NonNullable<NonNullable<vpcModule.DescribeVpnGatewaysResponseBody['vpnGateways']>['vpnGateway']>[number];
export type VpcVirtualBorderRouter = NonNullable<
  NonNullable<vpcModule.DescribeVirtualBorderRoutersResponseBody['virtualBorderRouterSet']>['virtualBorderRouterType']
>[number];

/** Creates the official VPC client for one (account, region). */
export async function createVpcSdk(config: ClientConfig): Promise<VpcSdkClient> {
  const VpcSdk = cjsDefault<typeof vpcModule.default.default>(await vpcLib());
  return new VpcSdk(sdkConfig(config));
}

/** Largest page sizes the API documents. */
export const VPC_PAGE_SIZE = 50;
export const VPC_MAX_RESULT = 100;

export class VpcClient {
  /** Resolves the SDK client on first use (the endpoint lookup may be asynchronous). */
  readonly #sdk: () => Promise<VpcSdkClient>;
  readonly #call: SdkCallFn;
  readonly #newClientToken: () => string;

  constructor(sdk: () => Promise<VpcSdkClient>, call: SdkCallFn, newClientToken: () => string) {
    this.#sdk = sdk;
    this.#call = call;
    this.#newClientToken = newClientToken;
  }

  describeVpcs(req: ModelFields<vpcModule.DescribeVpcsRequest>): Promise<vpcModule.DescribeVpcsResponseBody> {
    return this.#call('DescribeVpcs', READ, async () => {
      const model = new (await vpcLib()).DescribeVpcsRequest(req);
      return bodyOf(await (await this.#sdk()).describeVpcsWithOptions(model, runtimeOptions()), 'DescribeVpcs');
    });
  }
  describeVSwitches(req: ModelFields<vpcModule.DescribeVSwitchesRequest>): Promise<vpcModule.DescribeVSwitchesResponseBody> {
    return this.#call('DescribeVSwitches', READ, async () => {
      const model = new (await vpcLib()).DescribeVSwitchesRequest(req);
      return bodyOf(await (await this.#sdk()).describeVSwitchesWithOptions(model, runtimeOptions()), 'DescribeVSwitches');
    });
  }
  describeRouteTableList(req: ModelFields<vpcModule.DescribeRouteTableListRequest>): Promise<vpcModule.DescribeRouteTableListResponseBody> {
    return this.#call('DescribeRouteTableList', READ, async () => {
      const model = new (await vpcLib()).DescribeRouteTableListRequest(req);
      return bodyOf(await (await this.#sdk()).describeRouteTableListWithOptions(model, runtimeOptions()), 'DescribeRouteTableList');
    });
  }
  describeRouteEntryList(req: ModelFields<vpcModule.DescribeRouteEntryListRequest>): Promise<vpcModule.DescribeRouteEntryListResponseBody> {
    return this.#call('DescribeRouteEntryList', READ, async () => {
      const model = new (await vpcLib()).DescribeRouteEntryListRequest(req);
      return bodyOf(await (await this.#sdk()).describeRouteEntryListWithOptions(model, runtimeOptions()), 'DescribeRouteEntryList');
    });
  }
  /** Idempotent through ClientToken (generated when absent, reused on retries). */
  createRouteEntry(req: ModelFields<vpcModule.CreateRouteEntryRequest>): Promise<vpcModule.CreateRouteEntryResponseBody> {
    const clientToken = req.clientToken ?? this.#newClientToken();
    return this.#call('CreateRouteEntry', IDEMPOTENT_WRITE, async () => {
      const model = new (await vpcLib()).CreateRouteEntryRequest({ ...req, clientToken });
      return bodyOf(await (await this.#sdk()).createRouteEntryWithOptions(model, runtimeOptions()), 'CreateRouteEntry');
    });
  }
  deleteRouteEntry(req: ModelFields<vpcModule.DeleteRouteEntryRequest>): Promise<vpcModule.DeleteRouteEntryResponseBody> {
    return this.#call('DeleteRouteEntry', IDEMPOTENT_WRITE, async () => {
      const model = new (await vpcLib()).DeleteRouteEntryRequest(req);
      return bodyOf(await (await this.#sdk()).deleteRouteEntryWithOptions(model, runtimeOptions()), 'DeleteRouteEntry');
    });
  }
  describeRouteTables(req: ModelFields<vpcModule.DescribeRouteTablesRequest>): Promise<vpcModule.DescribeRouteTablesResponseBody> {
    return this.#call('DescribeRouteTables', READ, async () => {
      const model = new (await vpcLib()).DescribeRouteTablesRequest(req);
      return bodyOf(await (await this.#sdk()).describeRouteTablesWithOptions(model, runtimeOptions()), 'DescribeRouteTables');
    });
  }

  /** VPN gateways of a region (data-centre access over VPN: the gateway must exist, in the instance's VPC). */
  describeVpnGateways(req: ModelFields<vpcModule.DescribeVpnGatewaysRequest>): Promise<vpcModule.DescribeVpnGatewaysResponseBody> {
    return this.#call('DescribeVpnGateways', READ, async () => {
      const model = new (await vpcLib()).DescribeVpnGatewaysRequest(req);
      return bodyOf(await (await this.#sdk()).describeVpnGatewaysWithOptions(model, runtimeOptions()), 'DescribeVpnGateways');
    });
  }
  /** Virtual border routers of a region (Express Connect); `Filter.N.Key=VbrId` narrows to ids. */
  describeVirtualBorderRouters(req: ModelFields<vpcModule.DescribeVirtualBorderRoutersRequest>): Promise<vpcModule.DescribeVirtualBorderRoutersResponseBody> {
    return this.#call('DescribeVirtualBorderRouters', READ, async () => {
      const model = new (await vpcLib()).DescribeVirtualBorderRoutersRequest(req);
      return bodyOf(await (await this.#sdk()).describeVirtualBorderRoutersWithOptions(model, runtimeOptions()), 'DescribeVirtualBorderRouters');
    });
  }

  /** Every VPN gateway matching the filter (PageNumber/PageSize). */
  allVpnGateways(filter: Omit<ModelFields<vpcModule.DescribeVpnGatewaysRequest>, 'pageNumber' | 'pageSize'>, pageSize = VPC_PAGE_SIZE): Promise<Collected<VpcVpnGateway>> {
    return collectAll(
      pagesByNumber(async (pageNumber, size) => {
        const r = await this.describeVpnGateways({ ...filter, pageNumber, pageSize: size });
        return { items: r.vpnGateways?.vpnGateway ?? [], totalCount: r.totalCount };
      }, { pageSize }),
    );
  }

  /** Every virtual border router matching the filter (PageNumber/PageSize). */
  allVirtualBorderRouters(
    filter: Omit<ModelFields<vpcModule.DescribeVirtualBorderRoutersRequest>, 'pageNumber' | 'pageSize'>,
    pageSize = VPC_PAGE_SIZE,
  ): Promise<Collected<VpcVirtualBorderRouter>> {
    return collectAll(
      pagesByNumber(async (pageNumber, size) => {
        const r = await this.describeVirtualBorderRouters({ ...filter, pageNumber, pageSize: size });
        return { items: r.virtualBorderRouterSet?.virtualBorderRouterType ?? [], totalCount: r.totalCount };
      }, { pageSize }),
    );
  }

  /** Every VPC matching the filter (PageNumber/PageSize). */
  allVpcs(filter: Omit<ModelFields<vpcModule.DescribeVpcsRequest>, 'pageNumber' | 'pageSize'>, pageSize = VPC_PAGE_SIZE): Promise<Collected<VpcVpc>> {
    return collectAll(
      pagesByNumber(async (pageNumber, size) => {
        const r = await this.describeVpcs({ ...filter, pageNumber, pageSize: size });
        return { items: r.vpcs?.vpc ?? [], totalCount: r.totalCount };
      }, { pageSize }),
    );
  }

  /** Every route table matching the filter (PageNumber/PageSize). */
  allRouteTables(
    filter: Omit<ModelFields<vpcModule.DescribeRouteTableListRequest>, 'pageNumber' | 'pageSize'>,
    pageSize = VPC_PAGE_SIZE,
  ): Promise<Collected<VpcRouteTable>> {
    return collectAll(
      pagesByNumber(async (pageNumber, size) => {
        const r = await this.describeRouteTableList({ ...filter, pageNumber, pageSize: size });
        return { items: r.routerTableList?.routerTableListType ?? [], totalCount: r.totalCount };
      }, { pageSize }),
    );
  }

  /** Every entry of a route table (NextToken/MaxResult). */
  allRouteEntries(
    filter: Omit<ModelFields<vpcModule.DescribeRouteEntryListRequest>, 'nextToken' | 'maxResult'>,
    maxResult = VPC_MAX_RESULT,
  ): Promise<Collected<VpcRouteEntry>> {
    return collectAll(
      pagesByToken(async (nextToken, max) => {
        const r = await this.describeRouteEntryList({ ...filter, ...(nextToken !== undefined ? { nextToken } : {}), maxResult: max });
        return { items: r.routeEntrys?.routeEntry ?? [], nextToken: r.nextToken };
      }, { maxResults: maxResult }),
    );
  }
}
