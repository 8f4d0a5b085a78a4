/**
 * PrivateZone 2018-01-01 (global product: zones are not regional; only bound VPCs carry a region).
 */
import type { RpcService } from '../../core/contract.js';
import { pvtzActions } from './handlers.js';
import { initPvtzState } from './models.js';

export const service: RpcService = {
  product: 'pvtz',
  version: '2018-01-01',
  scope: 'global',
  style: 'RPC',
  hostId: () => 'pvtz.aliyuncs.com',
  initState: initPvtzState,
  actions: pvtzActions,
};
