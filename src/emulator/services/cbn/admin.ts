/**
 * Admin routes for CBN: seeding a Basic Edition transit router, which no current API creates
 * (CreateTransitRouter makes Enterprise routers only), so tests and demos can show the planner and
 * the emulator refusing cross-region routing on Basic routers; and seeding a CEN instance or a
 * transit router under a given id, which the API never lets a caller choose, so an example config
 * that names `cen-example01` can be planned against the emulator (`acrctl emulator seed`).
 */
import { ApiError, type AdminContext, type AdminRoute } from '../../core/contract.js';
import { createRouter } from './handlers.js';
import { cbnAccount, newLife, phaseAt, type CbnAccount, type CenRecord } from './models.js';

/** A given id must have the kind's prefix and be free in the account; none given: a new one. */
function idOrNew(ctx: AdminContext, given: unknown, prefix: string, taken: (id: string) => boolean): string {
  if (given === undefined) return ctx.ids.next(prefix);
  if (typeof given !== 'string' || !given.startsWith(prefix) || !/^[a-z]+-[0-9a-z]+$/.test(given)) {
    throw new ApiError('InvalidParameter', `An id of this kind must start with ${prefix} followed by lowercase letters and digits: ${String(given)}.`, 400);
  }
  if (taken(given)) throw new ApiError('InvalidParameter.AlreadyExists', `The id is already in use: ${given}.`, 409);
  return given;
}

function account(ctx: AdminContext, uid: unknown): CbnAccount {
  if (typeof uid !== 'string') throw new ApiError('InvalidParameter', 'accountUid is a required string.', 400);
  if (ctx.state.accounts[uid] === undefined) throw new ApiError('InvalidAccount.NotFound', `No such account in the emulator: ${uid}.`, 404);
  return cbnAccount(ctx, uid);
}

export const cbnAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/cbn/cens',
    summary: 'Seed a CEN instance {accountUid, cenId?, name?, description?} (cenId to match an example config; CreateCen always picks the id)',
    handle(ctx, _p, body) {
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      const a = account(ctx, b['accountUid']);
      const cenId = idOrNew(ctx, b['cenId'], 'cen-', (id) => a.cens[id] !== undefined);
      const text = (name: string): string => {
        const v = b[name] ?? '';
        if (typeof v !== 'string') throw new ApiError('InvalidParameter', `${name} must be a string.`, 400);
        return v;
      };
      const c: CenRecord = { cenId, name: text('name'), description: text('description'), protectionLevel: 'REDUCED', tags: [], life: newLife(ctx.now(), ctx.settings.async.cbnTransition) };
      a.cens[cenId] = c;
      return { CenId: cenId };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/cbn/transit-routers',
    summary: 'Seed a transit router {accountUid, cenId, regionId, type: Basic|Enterprise, name?, transitRouterId?} (Basic routers cannot be created through the API, nor any router under a chosen id)',
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
      const id = idOrNew(ctx, b['transitRouterId'], 'tr-', (x) => a.transitRouters[x] !== undefined);
      const t = createRouter(ctx, a, { cenId, regionId, type, name, description: '', supportMulticast: false, tags: [] }, id);
      return { TransitRouterId: t.transitRouterId };
    },
  },
];
