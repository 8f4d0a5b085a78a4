/**
 * The values of the resource placeholders of src/cloud/ram-actions.ts for one emulated request:
 * what the request names (InstanceId, NamespaceName, RoleName, CenId, …) and what the products'
 * state says of the objects it names only by id (a cr RepoId is a namespace and a repository, a
 * CBN transit router belongs to a CEN, a VPC route entry to a route table, a PrivateZone record to
 * a zone). Read-only: never creates or changes state. An unknown id leaves its placeholder empty
 * (`*` in the ARN); the handler answers it as not found.
 */
import type { CallContext, FlatParams, Product } from '../../core/contract.js';
import type { RamPlaceholder } from '../../../cloud/ram-actions.js';
import { peekCbnAccount } from '../cbn/models.js';
import type { CrState } from '../cr/models.js';
import type { PvtzState } from '../pvtz/models.js';
import { peekVpcRegion } from '../vpc/models.js';

export type PlaceholderValues = Partial<Record<RamPlaceholder, string | undefined>>;

function p(params: FlatParams, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = params[n];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function cr(ctx: CallContext, params: FlatParams): PlaceholderValues {
  const instance = p(params, 'InstanceId', 'ResourceId.1', 'ResourceId');
  const values: PlaceholderValues = {
    region: ctx.region,
    account: ctx.accountUid,
    instance,
    namespace: p(params, 'NamespaceName', 'RepoNamespaceName'),
    repository: p(params, 'RepoName'),
  };
  const repoId = p(params, 'RepoId');
  if (instance !== undefined && repoId !== undefined) {
    const repo = (ctx.state.services.cr as CrState | undefined)?.instances[instance]?.repos[repoId];
    if (repo !== undefined) {
      values.namespace = repo.namespace;
      values.repository = repo.name;
    }
  }
  return values;
}

function cbn(ctx: CallContext, params: FlatParams): PlaceholderValues {
  const a = peekCbnAccount(ctx.state, ctx.accountUid);
  let cen = p(params, 'CenId');
  const tr = p(params, 'TransitRouterId');
  const attachment = p(params, 'TransitRouterAttachmentId');
  const table = p(params, 'TransitRouterRouteTableId');
  const entry = p(params, 'TransitRouterRouteEntryId');
  if (cen === undefined && a !== undefined) {
    const trOf = (id: string | undefined): string | undefined => (id === undefined ? undefined : a.transitRouters[id]?.cenId);
    const tableTr = (id: string | undefined): string | undefined => (id === undefined ? undefined : a.routeTables[id]?.transitRouterId);
    cen =
      trOf(tr) ??
      (attachment === undefined ? undefined : (a.vpcAttachments[attachment]?.cenId ?? a.peerAttachments[attachment]?.cenId)) ??
      trOf(tableTr(table)) ??
      trOf(tableTr(entry === undefined ? undefined : a.routeEntries[entry]?.routeTableId));
  }
  return { region: '*', account: ctx.accountUid, cen };
}

function vpc(ctx: CallContext, params: FlatParams): PlaceholderValues {
  const region = p(params, 'RegionId') ?? ctx.region;
  let routeTable = p(params, 'RouteTableId');
  const entry = p(params, 'RouteEntryId');
  if (routeTable === undefined && entry !== undefined) routeTable = peekVpcRegion(ctx.state, ctx.accountUid, region)?.routeEntries[entry]?.routeTableId;
  return { region, account: ctx.accountUid, vpc: p(params, 'VpcId'), routeTable };
}

function pvtz(ctx: CallContext, params: FlatParams): PlaceholderValues {
  let zone = p(params, 'ZoneId');
  const record = p(params, 'RecordId');
  if (zone === undefined && record !== undefined) zone = (ctx.state.services.pvtz as PvtzState | undefined)?.accounts[ctx.accountUid]?.records[record]?.zoneId;
  return { region: '*', account: ctx.accountUid, zone };
}

function ram(ctx: CallContext, params: FlatParams): PlaceholderValues {
  const self = ctx.caller?.type === 'RAMUser' ? ctx.caller.userName : undefined;
  return {
    region: '*',
    account: ctx.accountUid,
    role: p(params, 'RoleName'),
    policy: p(params, 'PolicyName'),
    user: p(params, 'UserName') ?? self,
    group: p(params, 'GroupName'),
  };
}

function sts(ctx: CallContext, params: FlatParams): PlaceholderValues {
  const m = /^acs:ram::(\d{16}):role\/(.+)$/.exec(p(params, 'RoleArn') ?? '');
  return { region: '*', account: m?.[1] ?? ctx.accountUid, role: m?.[2] };
}

/**
 * The placeholder values of a request to `product`. `params` are the RPC parameters, or for
 * Personal Edition (ROA) the path parameters with the fields of the JSON body's entity merged in.
 */
export function placeholderValues(ctx: CallContext, product: Product, params: FlatParams): PlaceholderValues {
  switch (product) {
    case 'cr':
      return cr(ctx, params);
    case 'crpe':
      return { region: ctx.region, account: ctx.accountUid, namespace: p(params, 'RepoNamespace', 'Namespace'), repository: p(params, 'RepoName') };
    case 'bss':
      return { region: '*', account: ctx.accountUid };
    case 'ram':
      return ram(ctx, params);
    case 'sts':
      return sts(ctx, params);
    case 'cbn':
      return cbn(ctx, params);
    case 'vpc':
      return vpc(ctx, params);
    case 'pvtz':
      return pvtz(ctx, params);
    case 'cas':
      return { region: '*', account: ctx.accountUid };
  }
}
