/**
 * Every kind acrctl manages, in one list: the planner and executor receive it and never name a kind.
 * Add one line when a kind lands.
 */
import type { Kind } from './kind.js';

export const allKinds: readonly Kind[] = [
];

/** Kinds by name, as the executor looks them up. */
export function kindMap(kinds: readonly Kind[] = allKinds): ReadonlyMap<string, Kind> {
  return new Map(kinds.map((k) => [k.name, k] as const));
}
