/**
 * Fake product services for testing the server core in isolation from the real products: they use
 * the real product names and versions (so the official runtime addresses them normally) but their
 * handlers only echo, count and fail on demand.
 */
import { ApiError, type RoaService, type RpcService } from '../../../src/emulator/core/contract.js';

interface FakeState {
  counter: number;
}

/** A regional RPC service answering as cr 2018-12-01. */
export const fakeRpc: RpcService = {
  product: 'cr',
  version: '2018-12-01',
  scope: 'regional',
  style: 'RPC',
  hostId: (region) => `cr.${region}.aliyuncs.com`,
  initState: (): FakeState => ({ counter: 0 }),
  actions: {
    Echo: {
      mutating: false,
      handle: (ctx, req) => ({ Params: req.params, Region: ctx.region, AccountUid: ctx.accountUid, Code: 'success', IsSuccess: true }),
    },
    Bump: {
      mutating: true,
      handle: (ctx) => {
        const s = ctx.serviceState<FakeState>('cr');
        s.counter++;
        return { Counter: s.counter, Id: ctx.ids.next('cri-') };
      },
    },
    Count: {
      mutating: false,
      handle: (ctx) => ({ Counter: ctx.serviceState<FakeState>('cr').counter }),
    },
    Business: {
      mutating: false,
      handle: () => {
        throw new ApiError('INSTANCE_NOT_EXIST', 'The instance does not exist.', 200, 'business');
      },
    },
    Missing: {
      mutating: false,
      handle: () => {
        throw new ApiError('EntityNotExist.Thing', 'The thing does not exist.', 404, 'pop', { AccessDeniedDetail: { AuthAction: 'cr:Missing' } });
      },
    },
    Boom: {
      mutating: false,
      handle: () => {
        throw new Error('handler bug');
      },
    },
  },
  adminRoutes: [
    {
      method: 'POST',
      path: '/_emulator/fake/{Name}/bump',
      summary: 'Bump the fake counter by {"by"}',
      handle: (ctx, params, body) => {
        const by = (body as { by?: unknown } | undefined)?.by;
        if (typeof by !== 'number') throw new ApiError('InvalidBody', 'by must be a number', 400);
        const s = ctx.serviceState<FakeState>('cr');
        s.counter += by;
        return { name: params['Name'], counter: s.counter };
      },
    },
  ],
};

/** A regional ROA service answering as cr 2016-06-07 (Personal Edition). */
export const fakeRoa: RoaService = {
  product: 'crpe',
  version: '2016-06-07',
  scope: 'regional',
  style: 'ROA',
  hostId: (region) => `cr.${region}.aliyuncs.com`,
  initState: () => ({}),
  routes: [
    {
      action: 'GetRepo',
      method: 'GET',
      pattern: '/repos/{RepoNamespace}/{RepoName}',
      mutating: false,
      handle: (ctx, req) => ({ data: { pathParams: req.pathParams, query: req.query, region: ctx.region, uid: ctx.accountUid } }),
    },
    {
      action: 'GetRepoList',
      method: 'GET',
      pattern: '/repos',
      mutating: false,
      handle: (_ctx, req) => ({ data: { query: req.query } }),
    },
    {
      action: 'CreateRepo',
      method: 'PUT',
      pattern: '/repos',
      mutating: true,
      handle: (_ctx, req) => ({ data: { body: req.body } }),
    },
    {
      action: 'GetNamespace',
      method: 'GET',
      pattern: '/namespace/{Namespace}',
      mutating: false,
      handle: () => {
        throw new ApiError('NAMESPACE_NOT_EXIST', 'namespace not exist', 404, 'roa');
      },
    },
  ],
};
