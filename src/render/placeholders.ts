/**
 * Cloud ids in display text. Kinds write an id they cannot know yet as a placeholder
 * `{{ADDRESS.FIELD}}` (`{{instance[partner-bj].instanceId}}`: the id of an instance this plan
 * creates), in values (a RAM policy's resources) and in gate instructions; apply fills values in
 * with the ids it learns. Every view fills them the same way:
 * - an id the plan already knows (its `refs`, or the `ids` of a live object an action changes), or
 *   one apply has learned, is shown as itself;
 * - an id of an object this plan creates is `(known after apply)`, as Terraform says it; one
 *   already in parentheses says which id, without a second pair: `(instance id known after apply)`;
 * - anything else that merely looks like a placeholder is left as written.
 *
 * Owns: that substitution. Pure. The plan file keeps its placeholders: they are data apply acts on.
 */
import type { Plan } from '../plan/model.js';

export const KNOWN_AFTER_APPLY = '(known after apply)';

/**
 * The id for a placeholder: the id when known, `null` when the object is created by the plan (so
 * known after apply), `undefined` when the address is none of the plan's.
 */
export type IdLookup = (address: string, field: string) => string | null | undefined;

/** `{{ADDRESS.FIELD}}`, optionally wrapped in parentheses. ADDRESS is `kind[name]` segments joined by dots. */
const PLACEHOLDER = /(\()?\{\{((?:[a-z][a-z0-9-]*(?:\[[^[\]{}]*\])?\.)*[a-z][a-z0-9-]*(?:\[[^[\]{}]*\])?)\.([A-Za-z][A-Za-z0-9]*)\}\}(\))?/g;

/** Replaces the placeholders of `text` (see the module doc). */
export function fillIds(text: string, ids: IdLookup): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (whole, open: string | undefined, address: string, field: string, close: string | undefined) => {
    const id = ids(address, field);
    if (id === undefined) return whole;
    if (id !== null) return `${open ?? ''}${id}${close ?? ''}`;
    if (open !== undefined && close !== undefined) return `(${words(field)} known after apply)`;
    return `${open ?? ''}${KNOWN_AFTER_APPLY}${close ?? ''}`;
  });
}

/** `instanceId` → `instance id`. */
function words(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * The ids a plan knows: `refs` (live objects it refers to), then the `before.ids` of the live
 * objects its actions change; `learned` (ids apply has learned in a run) wins over both. An address
 * of an action without a known id is one this plan creates: `null`.
 */
export function planIds(plan: Pick<Plan, 'actions' | 'refs'>, learned?: ReadonlyMap<string, Readonly<Record<string, string>>>): IdLookup {
  // Built on the first placeholder met: most plans have none, and big plans render many lines.
  let actions: Map<string, Plan['actions'][number]> | undefined;
  return (address, field) => {
    const fromRun = learned?.get(address)?.[field];
    if (fromRun !== undefined) return fromRun;
    const ref = plan.refs[address]?.[field];
    if (ref !== undefined) return ref;
    actions ??= new Map(plan.actions.map((a) => [a.id, a] as const));
    const action = actions.get(address);
    if (action === undefined) return undefined;
    const ids = action.before?.['ids'];
    const live = ids !== null && typeof ids === 'object' ? (ids as Record<string, unknown>)[field] : undefined;
    return typeof live === 'string' ? live : null;
  };
}
