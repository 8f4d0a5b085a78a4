/**
 * STS 2015-04-01 (global product): caller identity and temporary credentials for RAM roles. The
 * server core accepts the `STS.…` keys it issues (with their SecurityToken) through models.ts.
 */
import type { RpcService } from '../../core/contract.js';
import { stsActions } from './handlers.js';
import { initStsState } from './models.js';

export const service: RpcService = {
  product: 'sts',
  version: '2015-04-01',
  scope: 'global',
  style: 'RPC',
  hostId: (region) => (region === 'global' ? 'sts.aliyuncs.com' : `sts.${region}.aliyuncs.com`),
  initState: initStsState,
  actions: stsActions,
};
