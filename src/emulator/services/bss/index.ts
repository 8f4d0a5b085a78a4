/**
 * BssOpenApi 2017-12-14 (global): buying, upgrading and releasing Container Registry EE instances
 * (ProductCode `acr`). Behaviour: SPEC.md. The instances live in the cr model.
 */
import type { RpcService } from '../../core/contract.js';
import { INTERNATIONAL_BSS_REGION } from '../../core/sites.js';
import { bssActions } from './handlers.js';
import { initBssState } from './models.js';

export const service: RpcService = {
  product: 'bss',
  version: '2017-12-14',
  scope: 'global',
  style: 'RPC',
  hostId: (region) => (region === INTERNATIONAL_BSS_REGION ? `business.${INTERNATIONAL_BSS_REGION}.aliyuncs.com` : 'business.aliyuncs.com'),
  initState: initBssState,
  actions: bssActions,
};
