/**
 * VPC 2016-04-28 (regional product): VPCs, vSwitches, route tables and route entries. VPCs,
 * vSwitches and custom route tables are seeded through admin routes; route entries through the API.
 */
import type { RpcService } from '../../core/contract.js';
import { vpcAdminRoutes } from './admin.js';
import { vpcActions } from './handlers.js';
import { initVpcState } from './models.js';

export const service: RpcService = {
  product: 'vpc',
  version: '2016-04-28',
  scope: 'regional',
  style: 'RPC',
  hostId: (region) => (region === 'cn-hangzhou' || region === 'global' ? 'vpc.aliyuncs.com' : `vpc.${region}.aliyuncs.com`),
  initState: initVpcState,
  actions: vpcActions,
  adminRoutes: vpcAdminRoutes,
};
