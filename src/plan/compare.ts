/**
 * Field comparison shared by the kinds' pure `diff`. Compares the desired spec's fields with the
 * live spec's (fields absent from the desired spec are not managed and never shown), and tags each
 * change with its impact.
 */
import type { FieldChange, Impact } from '../plan/model.js';

export interface CompareOptions {
  /** Fields whose change forces replacement. */
  readonly replace?: readonly string[];
  /** Per-field note shown beside the change (e.g. why it forces replacement). */
  readonly notes?: Readonly<Record<string, string>>;
  /** Per-field equality, for values the service normalises (e.g. case, trailing slashes). */
  readonly equal?: Readonly<Record<string, (desired: unknown, live: unknown) => boolean>>;
}

export function compareSpec(
  desired: Readonly<Record<string, unknown>>,
  live: Readonly<Record<string, unknown>>,
  opts: CompareOptions = {},
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const path of Object.keys(desired).sort()) {
    const after = desired[path];
    if (after === undefined) continue;
    const before = live[path];
    const same = opts.equal?.[path] ? opts.equal[path](after, before) : deepEqual(after, before);
    if (same) continue;
    const impact: Impact = opts.replace?.includes(path) ? 'replace' : 'update';
    const note = opts.notes?.[path];
    changes.push({
      path,
      ...(before !== undefined ? { before } : {}),
      after,
      impact,
      ...(note !== undefined ? { note } : {}),
    });
  }
  return changes;
}

/** Structural equality of JSON values (object key order ignored, array order significant). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
