/** The JSON view of a plan is the plan file itself: stable key order, two-space indent, final newline. */
import { canonical } from '../plan/canonical.js';
import type { Plan } from '../plan/model.js';

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(canonical(plan), null, 2)}\n`;
}
