/**
 * cr 2016-06-07, Container Registry Personal Edition (ROA, regional). Behaviour: SPEC.md.
 * Served on the same regional ports as cr 2018-12-01; told apart by API version.
 */
import type { RoaService } from '../../core/contract.js';
import { crpeAdminRoutes } from './admin.js';
import { crpeRoutes } from './handlers.js';
import { initCrpeState } from './models.js';

export const service: RoaService = {
  product: 'crpe',
  version: '2016-06-07',
  scope: 'regional',
  style: 'ROA',
  hostId: (region) => `cr.${region}.aliyuncs.com`,
  initState: initCrpeState,
  routes: crpeRoutes,
  adminRoutes: crpeAdminRoutes,
};
