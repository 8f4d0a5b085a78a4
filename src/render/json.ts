/**
 * The JSON view of a plan is the plan file itself: its public form (sensitive values masked), stable
 * key order, two-space indent, final newline.
 */
import type { Plan } from '../plan/model.js';
import { publicPlan } from '../plan/sensitive.js';

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(canonical(publicPlan(plan)), null, 2)}\n`;
}

/** Deep copy with object keys sorted, so equal plans serialise to equal bytes. */
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
