/**
 * Canonical JSON: the one serialisation that makes equal values equal bytes (plan files, plan ids,
 * live fingerprints, config digests). Pure; imports nothing.
 */

/** Deep copy with object keys sorted and undefined members dropped, so equal values serialise to equal bytes. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}
