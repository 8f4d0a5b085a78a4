/**
 * Cross-product CBN queries for the VPC service (route next hops of type Attachment, a VPC's
 * CenStatus). Read-only; never creates state.
 */
import type { EmulatorState, EpochMs } from '../../core/contract.js';
import { peekCbnAccount, phaseAt, statusOf } from './models.js';

export interface VpcAttachmentView {
  attachmentId: string;
  transitRouterId: string;
  regionId: string;
  vpcId: string;
  /** Attaching | Attached | Detaching. */
  status: string;
}

/** A live VPC attachment of the account, or undefined (unknown or fully detached). */
export function cbnVpcAttachment(state: EmulatorState, accountUid: string, attachmentId: string, now: EpochMs): VpcAttachmentView | undefined {
  const a = peekCbnAccount(state, accountUid)?.vpcAttachments[attachmentId];
  if (a === undefined || phaseAt(a.life, now) === 'gone') return undefined;
  return { attachmentId, transitRouterId: a.transitRouterId, regionId: a.regionId, vpcId: a.vpcId, status: statusOf('attachment', a.life, now) };
}

/** `Attached` when some live transit router VPC attachment of the account attaches the VPC. */
export function vpcCenStatus(state: EmulatorState, accountUid: string, vpcId: string, now: EpochMs): 'Attached' | 'Detached' {
  const acct = peekCbnAccount(state, accountUid);
  if (acct === undefined) return 'Detached';
  return Object.values(acct.vpcAttachments).some((a) => a.vpcId === vpcId && phaseAt(a.life, now) !== 'gone') ? 'Attached' : 'Detached';
}
