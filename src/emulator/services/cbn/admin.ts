/**
 * Admin routes for CBN: seeding a Basic Edition transit router, which no current API creates
 * (CreateTransitRouter makes Enterprise routers only), so tests and demos can show the planner and
 * the emulator refusing cross-region routing on Basic routers.
 */
import { ApiError, type AdminRoute } from '../../core/contract.js';
import { createRouter } from './handlers.js';
import { cbnAccount, phaseAt } from './models.js';

export const cbnAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/cbn/transit-routers',
    summary: 'Seed a transit router {accountUid, cenId, regionId, type: Basic|Enterprise, name?} (Basic routers cannot be created through the API)',
    handle(ctx, _p, body) {
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      const uid = b['accountUid'];
      const cenId = b['cenId'];
      const regionId = b['regionId'];
      const type = b['type'] ?? 'Basic';
      if (typeof uid !== 'string' || typeof cenId !== 'string' || typeof regionId !== 'string') {
        throw new ApiError('InvalidParameter', 'accountUid, cenId and regionId are required strings.', 400);
      }
      if (type !== 'Basic' && type !== 'Enterprise') throw new ApiError('InvalidParameter', 'type must be Basic or Enterprise.', 400);
      if (ctx.state.accounts[uid] === undefined) throw new ApiError('InvalidAccount.NotFound', `No such account in the emulator: ${uid}.`, 404);
      const a = cbnAccount(ctx, uid);
      const cen = a.cens[cenId];
      if (cen === undefined || phaseAt(cen.life, ctx.now()) === 'gone') throw new ApiError('ParameterCenInstanceId', `The specified CEN instance does not exist: ${cenId}.`, 400);
      if (Object.values(a.transitRouters).some((t) => t.cenId === cenId && t.regionId === regionId && phaseAt(t.life, ctx.now()) !== 'gone')) {
        throw new ApiError('ParameterInstanceId.TransitRouterExists', `The CEN instance ${cenId} already has a transit router in ${regionId}.`, 400);
      }
      const name = typeof b['name'] === 'string' ? b['name'] : '';
      const t = createRouter(ctx, a, { cenId, regionId, type, name, description: '', supportMulticast: false, tags: [] });
      return { TransitRouterId: t.transitRouterId };
    },
  },
];
