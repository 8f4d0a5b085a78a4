/**
 * Sensitive values in plans: which fields hold one, and the public form of a plan, in which they are
 * masked. The public form is the only one ever rendered (text, Markdown, JSON), saved (plan files,
 * a run's plan copy) or hashed (planId); the executor alone works on the plan as derived, with the
 * real values, and apply always derives it again from the config (a saved plan is never a source of
 * actions), so no real value ever needs to be read back from a file.
 *
 * A field is sensitive when its kind declares it so (`DesiredObject.sensitive`: write-only secrets
 * such as passwords, webhook URLs, certificates) or when its value contains one of the sensitive
 * values the config loader reports (values interpolated from secret-looking environment variables,
 * src/config/secrets.ts isSecretName), on either side of the diff. Values of declared sensitive fields
 * become sensitive values too, so a copy of one in a display field (a reason, a summary, a finding)
 * is masked as well.
 *
 * Owns: the mask text, field detection, the public form, text scrubbing. Pure: no `node:` import.
 */
import type { Action, FieldChange, Plan } from './model.js';

/** How a sensitive value is shown, saved and hashed. */
export const SENSITIVE = '(sensitive)';

/**
 * Values shorter than this are not looked for inside other text: a 2-letter "secret" would mask half
 * of every address. Such a value is still masked where a kind declares its field sensitive.
 */
export const MIN_SENSITIVE_LENGTH = 4;

/** The values worth looking for: non-trivial, distinct, longest first (so a value containing another is replaced whole). */
export function normaliseValues(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => typeof v === 'string' && v.length >= MIN_SENSITIVE_LENGTH))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/** Replaces every occurrence of every value (normalised, see {@link normaliseValues}) in `text`. */
export function scrubText(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join(SENSITIVE);
  return out;
}

/** String leaves of `value` at `path`, with what lies under it. */
export function stringsAt(value: unknown, path: string): string[] {
  const at = getAt(value, split(path));
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(at);
  return out;
}

/**
 * The sensitive field paths of an action: those declared, and every field whose value contains a
 * sensitive value. A value inside an array marks the whole array (its key): array elements have no
 * stable path between the two sides of a diff. Sorted, without duplicates or paths under another.
 */
export function sensitiveFields(action: Pick<Action, 'before' | 'after' | 'changes'>, declared: readonly string[], values: readonly string[]): string[] {
  const found = new Set(declared);
  if (values.length > 0) {
    const hit = (s: string) => values.some((v) => s.includes(v));
    const walk = (v: unknown, path: string[]): void => {
      if (typeof v === 'string') {
        if (hit(v) && path.length > 0) found.add(path.join('.'));
      } else if (Array.isArray(v)) {
        if (path.length > 0 && containsHit(v, hit)) found.add(path.join('.'));
      } else if (v !== null && typeof v === 'object') {
        for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
      }
    };
    walk(action.before, []);
    walk(action.after, []);
    for (const c of action.changes) {
      walk(c.before, split(c.path));
      walk(c.after, split(c.path));
    }
  }
  const sorted = [...found].sort();
  return sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(`${q}.`)));
}

function containsHit(v: unknown, hit: (s: string) => boolean): boolean {
  if (typeof v === 'string') return hit(v);
  if (Array.isArray(v)) return v.some((x) => containsHit(x, hit));
  if (v !== null && typeof v === 'object') return Object.values(v).some((x) => containsHit(x, hit));
  return false;
}

/** An action as shown and saved: the values of its sensitive fields replaced by {@link SENSITIVE}. Idempotent. */
export function publicAction(action: Action): Action {
  const paths = action.sensitive;
  if (paths === undefined || paths.length === 0) return action;
  let before = action.before;
  let after = action.after;
  for (const p of paths) {
    before = maskAt(before, split(p)) as typeof before;
    after = maskAt(after, split(p)) as typeof after;
  }
  const changes = action.changes.map((c) => publicChange(c, paths));
  return { ...action, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}), changes };
}

function publicChange(c: FieldChange, paths: readonly string[]): FieldChange {
  let out = c;
  for (const p of paths) {
    if (c.path === p || c.path.startsWith(`${p}.`)) {
      out = { ...out, ...(out.before !== undefined ? { before: SENSITIVE } : {}), ...(out.after !== undefined ? { after: SENSITIVE } : {}) };
    } else if (p.startsWith(`${c.path}.`)) {
      const rest = split(p.slice(c.path.length + 1));
      out = { ...out, ...(out.before !== undefined ? { before: maskAt(out.before, rest) } : {}), ...(out.after !== undefined ? { after: maskAt(out.after, rest) } : {}) };
    }
  }
  return out;
}

/** A plan as shown, saved and hashed (see the file comment). Returns the plan itself when nothing is sensitive. */
export function publicPlan<P extends Plan>(plan: P): P {
  if (!plan.actions.some((a) => a.sensitive !== undefined && a.sensitive.length > 0)) return plan;
  return { ...plan, actions: plan.actions.map(publicAction) };
}

function split(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

function getAt(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** A copy of `value` with the value at `path` replaced by {@link SENSITIVE} (unchanged when there is none). */
function maskAt(value: unknown, path: readonly string[]): unknown {
  if (value === undefined) return undefined;
  if (path.length === 0) return SENSITIVE;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const obj = value as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(obj, head) || obj[head] === undefined) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) Object.defineProperty(out, k, { value: k === head ? maskAt(v, rest) : v, enumerable: true, writable: true, configurable: true });
  return out;
}
