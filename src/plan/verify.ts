/**
 * Saved plans are evidence of review, never a source of actions: `apply PLAN` derives the plan
 * again from the config and the live state and applies it only when it is exactly the saved one.
 * This module says whether two plans are the same and, when not, names the first difference.
 *
 * Compared: every field of the public forms (src/plan/sensitive.ts) but `planId`, `serial` and
 * `signature` (which name or sign a plan rather than say what it does). Pure.
 */
import type { Action, Plan } from './model.js';
import { publicPlan } from './sensitive.js';

/** Why a saved plan is not the plan derived now, in words; undefined when they are the same. */
export function firstDifference(saved: Plan, derived: Plan): string | undefined {
  const a = publicPlan(saved);
  const b = publicPlan(derived);
  if (a.configDigest !== b.configDigest) return 'the configuration has changed since the plan was made';
  if (a.liveFingerprint !== b.liveFingerprint) return 'the live estate has changed since the plan was made';
  for (const field of ['configFile', 'acrctlVersion', 'target'] as const) {
    const d = diffValue(a[field], b[field], field);
    if (d) return d;
  }
  const savedIds = new Map(a.actions.map((x) => [x.id, x] as const));
  const derivedIds = new Map(b.actions.map((x) => [x.id, x] as const));
  for (const x of a.actions) {
    if (!derivedIds.has(x.id)) return `the saved plan would ${x.type} ${x.id}, which the configuration does not ask for`;
  }
  for (const x of b.actions) {
    if (!savedIds.has(x.id)) return `the saved plan lacks ${x.type} ${x.id}, which the configuration asks for`;
  }
  for (let i = 0; i < a.actions.length; i++) {
    if (a.actions[i]!.id !== b.actions[i]!.id) return `the saved plan lists its actions in another order (at ${a.actions[i]!.id})`;
    const d = diffAction(a.actions[i]!, b.actions[i]!);
    if (d) return d;
  }
  for (const field of ['refs', 'unmanaged', 'outputs', 'findings', 'summary'] as const) {
    const d = diffValue(a[field], b[field], field);
    if (d) return d;
  }
  // Anything else a future field adds is compared too.
  const known = new Set(['formatVersion', 'planId', 'serial', 'signature', 'configDigest', 'liveFingerprint', 'configFile', 'acrctlVersion', 'target', 'actions', 'refs', 'unmanaged', 'outputs', 'findings', 'summary']);
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (known.has(k)) continue;
    const d = diffValue((a as unknown as Record<string, unknown>)[k], (b as unknown as Record<string, unknown>)[k], k);
    if (d) return d;
  }
  return undefined;
}

function diffAction(a: Action, b: Action): string | undefined {
  const d = diffValue(a, b, '');
  return d ? `${a.id}: ${d}` : undefined;
}

/** The first path at which two JSON values differ, as a sentence; undefined when equal. */
function diffValue(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
  if (bothObjects && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const d = diffValue(a[i], b[i], `${path}[${i}]`);
        if (d) return d;
      }
      return undefined;
    }
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
      const d = diffValue(ao[k], bo[k], path === '' ? k : `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return `${path || 'the value'} is ${show(a)} in the saved plan but ${show(b)} when derived again`;
}

function show(v: unknown): string {
  if (v === undefined) return 'absent';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
