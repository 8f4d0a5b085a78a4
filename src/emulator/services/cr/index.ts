/**
 * cr 2018-12-01, Container Registry Enterprise Edition (RPC, regional). Behaviour: SPEC.md.
 * Instances are bought and released through BSS (../bss), which calls this product's model.
 */
import type { RpcService } from '../../core/contract.js';
import { crAdminRoutes } from './admin.js';
import { chartActions } from './handlers/charts.js';
import { endpointActions } from './handlers/endpoints.js';
import { instanceActions } from './handlers/instances.js';
import { repositoryActions } from './handlers/repositories.js';
import { retentionActions, retentionAdminRoutes } from './handlers/retention.js';
import { scanningActions } from './handlers/scanning.js';
import { triggerActions } from './handlers/triggers.js';
import { buildActions, buildAdminRoutes } from './handlers/builds.js';
import { subscriptionActions } from './handlers/subscriptions.js';
import { syncActions } from './handlers/sync.js';
import { initCrState } from './models.js';
// issue 14 item 7: delivery chains
import { chainActions } from './handlers/chains.js';
// issue 14 items 8 and 10
import { storageRoutingActions, storageRoutingAdminRoutes } from './handlers/storage-routing.js';
import { eventActions, eventAdminRoutes } from './handlers/events.js';

export const service: RpcService = {
  product: 'cr',
  version: '2018-12-01',
  scope: 'regional',
  style: 'RPC',
  hostId: (region) => `cr.${region}.aliyuncs.com`,
  initState: initCrState,
  actions: { ...instanceActions, ...repositoryActions, ...endpointActions, ...syncActions, ...retentionActions, ...scanningActions, ...triggerActions, ...chartActions, ...subscriptionActions, ...chainActions, ...storageRoutingActions, ...eventActions, ...buildActions },
  adminRoutes: [...crAdminRoutes, ...retentionAdminRoutes, ...storageRoutingAdminRoutes, ...eventAdminRoutes, ...buildAdminRoutes],
};
