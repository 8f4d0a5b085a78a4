/**
 * Every kind acrctl manages, in one list: the planner and executor receive it and never name a kind.
 * Add one line when a kind lands.
 *
 * The order is the language's: a container's keys in schemas/registry.schema.json, the sections of
 * docs/language.md and the keys adopt writes come in this order (src/kinds/language.ts). Place a new
 * kind after the kinds whose objects contain it (after repository for a repository's triggers).
 *
 * Kinds are values made once per command: `makeKinds` gives each the dependencies it needs (the
 * apply run's image copier, the settle time of late-showing creates, drift's wider tag reads), so
 * the engine's contexts carry none of them.
 */
import type { Kind } from '../plan/kind.js';
import { makeAclEntryKind, type AclEntryDeps } from './acl-entry.js';
import { backfillKind } from './backfill.js';
import { chainKind } from './chain.js';
import { buildRuleKind } from './build-rule.js';
import { buildSourceKind } from './build-source.js';
import { chartNamespaceKind } from './chart-namespace.js';
import { chartRepositoryKind } from './chart-repository.js';
import { authDomainTakeoverKind, personalEditionDomainKind } from './console-switch.js';
import { crossRegionKind } from './cross-region.js';
import { datacenterKind } from './datacenter.js';
import { datacenterRouteKind } from './datacenter-route.js';
import { customDomainKind } from './custom-domain.js';
import { certificateUploadKind } from './certificate-upload.js'; // issue 14 item 6: PEM certificates of custom domains
import { makeImageImportKind, type ImageImportDeps } from './image-import.js';
import { instanceKind } from './instance.js';
import { instanceTagsKind } from './instance-tags.js';
import { resourceGroupKind } from './resource-group.js';
import { makeLoginPasswordKind, type LoginPasswordDeps } from './login-password.js';
import { internetEndpointKind } from './internet-endpoint.js';
import { lifecyclePreviewKind, lifecycleRuleKind } from './lifecycle-rule.js';
import { namespaceKind } from './namespace.js';
import { ramAttachmentKind } from './ram-attachment.js';
import { ramPolicyKind } from './ram-policy.js';
import { ramRoleKind } from './ram-role.js';
import { repositoryKind } from './repository.js';
import { scanRuleKind } from './scan-rule.js';
import { subscriptionKind, subscriptionPullKind } from './subscription.js';
import { syncRuleKind } from './sync-rule.js';
import { makeTagKind, type TagDeps } from './tag.js';
import { trRouteKind } from './tr-route.js';
import { triggerKind } from './trigger.js';
import { vpcLinkKind } from './vpc-link.js';
import { vpcRouteKind } from './vpc-route.js';
// issue 14 items 8 and 10
import { storageRoutingKind } from './storage-routing.js';
import { makeEventRuleKind, type EventRuleDeps } from './event-rule.js';

/** What the kinds may be given when they are made; every field is optional (plans need none). */
export interface KindDeps extends ImageImportDeps, AclEntryDeps, TagDeps, LoginPasswordDeps, EventRuleDeps {}

/** Every kind, made with the given dependencies. */
export function makeKinds(deps: KindDeps = {}): readonly Kind[] {
  return [
    instanceKind,
    vpcLinkKind,
    internetEndpointKind,
    makeAclEntryKind(deps),
    personalEditionDomainKind,
    authDomainTakeoverKind,
    namespaceKind,
    repositoryKind,
    makeImageImportKind(deps),
    syncRuleKind,
    backfillKind,
    makeTagKind(deps),
    ramRoleKind,
    ramPolicyKind,
    ramAttachmentKind,
    crossRegionKind,
    vpcRouteKind,
    trRouteKind,
    datacenterKind,
    datacenterRouteKind,
    // issue 14 (coverage): retention, scanning, webhooks
    lifecycleRuleKind,
    lifecyclePreviewKind,
    scanRuleKind,
    triggerKind,
    // issue 14 (Helm charts, subscriptions, custom domains)
    chartNamespaceKind,
    chartRepositoryKind,
    subscriptionKind,
    subscriptionPullKind,
    customDomainKind,
    certificateUploadKind, // issue 14 item 6
    // issue 14 item 7: delivery chains
    chainKind,
    // issue 14 items 8 and 10 (storage routing, event rules)
    storageRoutingKind,
    makeEventRuleKind(deps),
    // issue 14 item 8 (instance settings): resource tags, resource group, login password
    instanceTagsKind,
    resourceGroupKind,
    makeLoginPasswordKind(deps),
    // issue 14 item 9: build rules (after repository: a repository's source binding, then its rules)
    buildSourceKind,
    buildRuleKind,
  ];
}

/** The kinds of commands that copy no image (plan, drift, adopt, destroy). */
export const allKinds: readonly Kind[] = makeKinds();

/** Kinds by name, as the executor looks them up. */
export function kindMap(kinds: readonly Kind[] = allKinds): ReadonlyMap<string, Kind> {
  return new Map(kinds.map((k) => [k.name, k] as const));
}
