/**
 * Every kind acrctl manages, in one list: the planner and executor receive it and never name a kind.
 * Add one line when a kind lands.
 */
import type { Kind } from '../plan/kind.js';
import { aclEntryKind } from './acl-entry.js';
import { authDomainTakeoverKind, personalEditionDomainKind } from './console-switch.js';
import { instanceKind } from './instance.js';
import { internetEndpointKind } from './internet-endpoint.js';
import { namespaceKind } from './namespace.js';
import { repositoryKind } from './repository.js';
import { vpcLinkKind } from './vpc-link.js';
import { syncRuleKind } from './sync-rule.js';
import { tagKind } from './tag.js';
import { backfillKind } from './backfill.js';
import { imageImportKind } from './image-import.js';
import { ramRoleKind } from './ram-role.js';
import { ramPolicyKind } from './ram-policy.js';
import { ramAttachmentKind } from './ram-attachment.js';
import { crossRegionKind } from './cross-region.js';
import { vpcRouteKind } from './vpc-route.js';
import { trRouteKind } from './tr-route.js';

export const allKinds: readonly Kind[] = [
  instanceKind,
  namespaceKind,
  repositoryKind,
  vpcLinkKind,
  internetEndpointKind,
  aclEntryKind,
  personalEditionDomainKind,
  authDomainTakeoverKind,
  syncRuleKind,
  tagKind,
  backfillKind,
  imageImportKind,
  ramRoleKind,
  ramPolicyKind,
  ramAttachmentKind,
  crossRegionKind,
  vpcRouteKind,
  trRouteKind,
];

/** Kinds by name, as the executor looks them up. */
export function kindMap(kinds: readonly Kind[] = allKinds): ReadonlyMap<string, Kind> {
  return new Map(kinds.map((k) => [k.name, k] as const));
}
