/**
 * Read-only helpers over a {@link RegistryDocument} shared by the lint rules.
 *
 * Contract: built once per `runLints` call; never mutates the document; answers `undefined` for
 * aliases that do not resolve (the reference checker reports those).
 */
import type { Account, Instance, Namespace, RegistryDocument } from '../model.js';

/** Regions of the finance and government clouds (names carry `-finance` or `-gov`). */
export function isRestrictedCloudRegion(region: string): boolean {
  return /-finance(-|$)|-gov(-|$)/.test(region);
}

export interface InstanceEntry {
  readonly alias: string;
  readonly instance: Instance;
}

export class LintContext {
  readonly doc: RegistryDocument;
  /** Declared instances in document order. */
  readonly instances: readonly InstanceEntry[];

  constructor(doc: RegistryDocument) {
    this.doc = doc;
    this.instances = Object.entries(doc.instances ?? {}).map(([alias, instance]) => ({ alias, instance }));
  }

  instance(alias: string): Instance | undefined {
    const instances = this.doc.instances;
    return instances && Object.hasOwn(instances, alias) ? instances[alias] : undefined;
  }

  account(alias: string): Account | undefined {
    return Object.hasOwn(this.doc.accounts, alias) ? this.doc.accounts[alias] : undefined;
  }

  /**
   * The identity of an account for "same account?" questions: its UID when declared (two aliases may
   * name one UID), else the alias itself.
   */
  accountKey(alias: string): string {
    return this.account(alias)?.uid ?? `alias:${alias}`;
  }

  namespace(instance: Instance, name: string): Namespace | undefined {
    const namespaces = instance.namespaces;
    return namespaces && Object.hasOwn(namespaces, name) ? namespaces[name] : undefined;
  }
}
