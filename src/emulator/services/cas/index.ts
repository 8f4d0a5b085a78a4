/**
 * Certificate Management Service 2020-04-07 (regional by endpoint: cas.aliyuncs.com is the
 * cn-hangzhou port, a few regions have their own endpoint; src/cloud/endpoints.ts casRegionFor).
 */
import type { RpcService } from '../../core/contract.js';
import { casActions } from './handlers.js';
import { initCasState } from './models.js';

export const service: RpcService = {
  product: 'cas',
  version: '2020-04-07',
  scope: 'regional',
  style: 'RPC',
  hostId: (region) => (region === 'cn-hangzhou' ? 'cas.aliyuncs.com' : `cas.${region}.aliyuncs.com`),
  initState: initCasState,
  actions: casActions,
};
