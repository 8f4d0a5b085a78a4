/**
 * The engine chooses the verb: how one action becomes calls of its kind's `create`, `update`,
 * `delete` and `check`, and how an interrupted action is judged from the kind's `observe`.
 *
 * Owns: decoding an action for its kind (key, specs and ids, checked against the kind's decoders and
 * its address), the steps of each action type (a replace is delete then create, or create then
 * delete where the kind says both can exist at once), the ClientToken of each step, and the rules
 * that turn an observation into done / pending / absent. Knows no kind by name; never prints.
 *
 * Rules (per step; "the subject" is the desired spec for create and update, the live spec and ids
 * for delete):
 * - create, update: present and up to date → done (pending while not ready); otherwise absent, except
 *   that an object the kind says shows late (`showsLate`) is pending when an interrupted run
 *   announced its create call, and that a present object counts as up to date when the
 *   configuration derives nothing for the action any more (`satisfied`: the fresh plan found the
 *   live object as the configuration asks, so the call landed; the action as sent, from the run's
 *   plan copy, has its sensitive values masked and cannot be compared);
 * - delete: absent → done; going → pending; present → absent;
 * - replace (delete first): the create side decides first (done or pending: nothing left to delete);
 *   otherwise the delete side says whether the delete must still run, then the create runs;
 * - replace (create first): the create side first, then the delete side.
 */
import { AcrctlError } from '../errors.js';
import type { Change, ExecContext, GateSubject, Ids, Kind, Observation, Outcome, Reconciled, Removal, Spec, Subject } from '../plan/kind.js';
import type { Action } from '../plan/model.js';

/** The verbs a step can take. */
export type Verb = 'create' | 'update' | 'delete';

/** One step of an action, with the engine's verdict when an interrupted run left it pending. */
export interface Step {
  readonly verb: Verb;
  readonly pending?: Reconciled & { readonly state: 'pending' };
}

/** An action decoded for its kind. */
export interface Decoded {
  readonly key: Readonly<Record<string, string>>;
  readonly after?: Spec;
  readonly before?: Spec;
  readonly ids?: Ids;
}

/** What the engine knows of an earlier, interrupted run of an action. */
export interface Resumed {
  /** The calls it announced (journal intents), in order. */
  readonly announced?: readonly string[];
  /** When the last of them was announced (epoch ms), when the journal says. */
  readonly announcedAt?: number;
  /**
   * The action is kept only to be reconciled: a plan derived now has no action for it, so the live
   * object (if present) is what the configuration asks for. A present create or update landed.
   */
  readonly satisfied?: boolean;
}

/**
 * Checks an action against its kind: the key, specs and ids decode, and the key builds the action's
 * address. A plan that fails is refused before anything is sent.
 */
export function decodeAction(kind: Kind, action: Action): Decoded {
  const key = kind.decode.key(action.key, `${action.id}: key`);
  const built = kind.address(key);
  if (built !== action.id) {
    throw new AcrctlError('plan.bad_action', `${action.id}: its key names ${built}`, { address: action.id, hint: 'the plan was edited or made by another acrctl: make a new one with acrctl plan' });
  }
  return {
    key,
    ...(action.after !== undefined ? { after: kind.decode.spec(action.after, `${action.id}: after`) } : {}),
    ...(action.before !== undefined ? { before: kind.decode.spec(action.before, `${action.id}: before`) } : {}),
    ...(action.ids !== undefined ? { ids: kind.decode.ids(action.ids, `${action.id}: ids`) } : {}),
  };
}

/** The steps of an action on a first run. Gates have none: they are checked, never carried out. */
export function stepsOf(kind: Kind, action: Action): Step[] {
  switch (action.type) {
    case 'create':
    case 'run':
      return [{ verb: 'create' }];
    case 'update':
      return [{ verb: 'update' }];
    case 'delete':
      return [{ verb: 'delete' }];
    case 'replace':
      return kind.replaceOrder === 'create-first' ? [{ verb: 'create' }, { verb: 'delete' }] : [{ verb: 'delete' }, { verb: 'create' }];
    case 'gate':
      return [];
  }
}

function place(action: Action): Pick<Subject, 'id' | 'account' | 'region' | 'instance'> {
  return { id: action.id, account: action.account, region: action.region, ...(action.instance !== undefined ? { instance: action.instance } : {}) };
}

function missing(action: Action, what: string): never {
  throw new AcrctlError('apply.bad_plan', `${action.id} has no ${what}`, { address: action.id, hint: 'run acrctl plan again' });
}

/** The subject a verb (or the observation for it) is about. */
function subjectFor(action: Action, d: Decoded, verb: Verb): Subject {
  if (verb === 'delete') {
    return { ...place(action), key: d.key, spec: d.before ?? missing(action, 'live spec (before)'), ...(d.ids !== undefined ? { ids: d.ids } : {}) };
  }
  const spec = d.after ?? missing(action, 'desired spec (after)');
  // The create half of a replace finds the new object by its key: the plan's ids are the old one's.
  if (verb === 'create') return { ...place(action), key: d.key, spec };
  return { ...place(action), key: d.key, spec, ...(d.ids !== undefined ? { ids: d.ids } : {}) };
}

function unsupported(kind: Kind, action: Action, verb: string): never {
  throw new AcrctlError('internal.unsupported_action', `kind ${kind.name} cannot ${verb} (${action.id})`, { address: action.id });
}

/** The context of one step: in a replace, each step gets ClientTokens of its own. */
export function stepContext(ctx: ExecContext, action: Action, verb: Verb, pending: Reconciled | undefined): ExecContext {
  const { reconciled: _r, ...rest } = ctx;
  return {
    ...rest,
    ...(action.type === 'replace' ? { clientToken: (suffix = '') => ctx.clientToken(`${verb}${suffix}`) } : {}),
    ...(pending !== undefined ? { reconciled: pending } : {}),
  };
}

/** Carries out one step. */
export async function runStep(kind: Kind, ctx: ExecContext, action: Action, d: Decoded, verb: Verb): Promise<Outcome> {
  const subject = subjectFor(action, d, verb);
  switch (verb) {
    case 'create':
      return kind.create ? kind.create(ctx, subject) : unsupported(kind, action, action.type === 'run' ? 'run' : 'create');
    case 'update': {
      const change: Change = { ...subject, ids: d.ids ?? kind.decode.ids({}, `${action.id}: ids`), changes: action.changes };
      return kind.update ? kind.update(ctx, change) : unsupported(kind, action, 'update');
    }
    case 'delete': {
      const removal: Removal = { ...subject, ids: d.ids ?? kind.decode.ids({}, `${action.id}: ids`) };
      return kind.delete ? kind.delete(ctx, removal) : unsupported(kind, action, 'delete');
    }
  }
}

/** The engine's verdict on one step, from the kind's observation. */
export function verdict(kind: Kind, verb: Verb, obs: Observation, resumed: Resumed = {}): Reconciled {
  if (verb === 'delete') return obs.state === 'absent' ? { state: 'done' } : obs.state === 'going' ? { state: 'pending' } : { state: 'absent' };
  if (obs.state === 'present') {
    if (!obs.upToDate && resumed.satisfied !== true) return { state: 'absent' };
    const ids = obs.ids !== undefined ? { ids: obs.ids } : {};
    return obs.ready ? { state: 'done', ...ids } : { state: 'pending', ...ids };
  }
  const late = kind.showsLate?.calls;
  if (verb === 'create' && obs.state === 'absent' && late !== undefined && (resumed.announced ?? []).some((c) => late.includes(c))) {
    // Sent by the interrupted run but not visible yet: pending, so the create waits before re-sending.
    return { state: 'pending', ...(obs.ids !== undefined ? { ids: obs.ids } : {}), ...(resumed.announcedAt !== undefined ? { sentAt: resumed.announcedAt } : {}) };
  }
  return { state: 'absent' };
}

/** Observes one step's subject and judges it. */
export async function reconcileStep(kind: Kind, ctx: ExecContext, action: Action, d: Decoded, verb: Verb, resumed: Resumed = {}): Promise<Reconciled> {
  if (!kind.observe) unsupported(kind, action, 'observe');
  return verdict(kind, verb, await kind.observe(ctx, subjectFor(action, d, verb)), resumed);
}

/** A gate's verification. */
export async function checkGate(kind: Kind, ctx: ExecContext, action: Action, d: Decoded = decodeAction(kind, action)): Promise<Reconciled> {
  if (!kind.check) unsupported(kind, action, 'check a gate');
  const gate: GateSubject = { ...place(action), key: d.key, spec: d.after ?? {}, gate: action.gate ?? missing(action, 'gate') };
  return kind.check(ctx, gate);
}

/** Where an interrupted action stands (see {@link resumeAction}). */
export interface Standing {
  /** The engine's verdict on the whole action: its last step's (for a replace, the create side's). */
  readonly reconciled: Reconciled;
  /** The steps still to run, each with its pending verdict where it has one. */
  readonly steps: Step[];
  /** Ids of a create or update found done, to journal and offer to dependants. */
  readonly learned?: Ids;
}

/** Where an interrupted action stands: what landed, and what is left to run. */
export async function resumeAction(kind: Kind, ctx: ExecContext, action: Action, resumed: Resumed = {}, d: Decoded = decodeAction(kind, action)): Promise<Standing> {
  if (action.type === 'gate') return { reconciled: await checkGate(kind, ctx, action, d), steps: [] };
  const one = async (verb: Verb): Promise<Standing> => {
    const r = await reconcileStep(kind, ctx, action, d, verb, resumed);
    if (r.state === 'done') return { reconciled: r, steps: [], ...(r.ids !== undefined && verb !== 'delete' ? { learned: r.ids } : {}) };
    return { reconciled: r, steps: [r.state === 'pending' ? { verb, pending: r } : { verb }] };
  };
  if (action.type !== 'replace') return one(stepsOf(kind, action)[0]!.verb);
  const created = await one('create');
  if (kind.replaceOrder === 'create-first') {
    if (created.reconciled.state !== 'done') return { ...created, steps: [...created.steps, { verb: 'delete' }] };
    const deleted = await one('delete');
    return { ...created, steps: deleted.steps, ...(deleted.reconciled.state !== 'done' ? { reconciled: deleted.reconciled } : {}) };
  }
  // Delete first: a create side that landed (or is on its way) leaves nothing to delete.
  if (created.reconciled.state !== 'absent') return created;
  const deleted = await one('delete');
  return { reconciled: created.reconciled, steps: [...deleted.steps, { verb: 'create' }] };
}

/** The engine's verdict on an interrupted action, as `resumeAction` reaches it. */
export async function reconcileAction(kind: Kind, ctx: ExecContext, action: Action, resumed: Resumed = {}): Promise<Reconciled> {
  return (await resumeAction(kind, ctx, action, resumed)).reconciled;
}

/**
 * Carries out an action's steps (all of them, or those given) with the context given, and returns the
 * outcome of its create or update step (a delete returns nothing to learn). Gates are never carried
 * out: the executor checks them.
 */
export async function carryOut(kind: Kind, ctx: ExecContext, action: Action, steps: readonly Step[] = stepsOf(kind, action), decoded?: Decoded): Promise<Outcome> {
  if (action.type === 'gate') {
    throw new AcrctlError('internal.gate_apply', `${action.id} is a gate: acrctl cannot carry it out, and the executor must check gates instead`, { address: action.id });
  }
  // A verb the kind does not offer is refused before anything else (evidence kinds offer none).
  for (const step of steps) if (kind[step.verb] === undefined) unsupported(kind, action, action.type === 'run' ? 'run' : step.verb);
  const d = decoded ?? decodeAction(kind, action);
  let outcome: Outcome = {};
  for (const step of steps) {
    const pending = step.pending ?? (steps.length === 1 ? ctx.reconciled : undefined);
    const out = await runStep(kind, stepContext(ctx, action, step.verb, pending), action, d, step.verb);
    if (step.verb !== 'delete') outcome = out;
  }
  return outcome;
}
