/**
 * The JSON view of a plan is the plan file itself: its public form (sensitive values masked), stable
 * key order, two-space indent, final newline.
 */
import { canonical } from '../plan/canonical.js';
import type { Plan } from '../plan/model.js';
import { publicPlan } from '../plan/sensitive.js';

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(canonical(publicPlan(plan)), null, 2)}\n`;
}
