/**
 * RAM 2015-05-01 (global product): roles with trust policies, users with access keys, groups,
 * custom policies with versions, and their attachments, per account. Cross-product queries live in
 * query.ts; the evaluation of calls against policies (RAM enforcement) in authorize.ts.
 */
import type { RpcService } from '../../core/contract.js';
import { ramActions } from './handlers.js';
import { principalActions } from './principals.js';
import { initRamState } from './models.js';

export const service: RpcService = {
  product: 'ram',
  version: '2015-05-01',
  scope: 'global',
  style: 'RPC',
  hostId: () => 'ram.aliyuncs.com',
  initState: initRamState,
  actions: { ...ramActions, ...principalActions },
};
