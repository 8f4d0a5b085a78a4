/**
 * CBN 2017-09-12 (global product: one endpoint, cbn.aliyuncs.com, for every region; RegionId is a
 * request parameter): CEN instances, transit routers, attachments, route tables and route entries.
 */
import type { RpcService } from '../../core/contract.js';
import { cbnAdminRoutes } from './admin.js';
import { cbnActions } from './handlers.js';
import { initCbnState } from './models.js';

export const service: RpcService = {
  product: 'cbn',
  version: '2017-09-12',
  scope: 'global',
  style: 'RPC',
  hostId: () => 'cbn.aliyuncs.com',
  initState: initCbnState,
  actions: cbnActions,
  adminRoutes: cbnAdminRoutes,
};
