/**
 * The plan as data: what `acrctl plan` computes, `--out` saves, renderers read and `apply` executes.
 *
 * Owns: the plan's shape (mirrored by schemas/plan.schema.json, {@link PLAN_FORMAT_VERSION}) and pure
 * helpers on it. Must not import any `node:` module or cloud client. Invariants of a plan value:
 * - JSON-serialisable; no timestamps or absolute paths anywhere in it;
 * - sensitive values (see `Action.sensitive`) may be held in memory for apply, but a plan is only
 *   ever shown, saved or hashed in its public form (src/plan/sensitive.ts), where they are masked;
 * - actions sorted by `id`; every `dependsOn` names an action of the same plan; the graph is acyclic;
 * - fields documented "display only" never steer apply.
 */

/**
 * The version of the plan format this acrctl reads and writes. 2: sensitive fields, `--target`,
 * serials and signatures. 3: actions carry their natural key (`key`) and the cloud ids of the live
 * object (`ids`) as fields of their own, no longer inside `before`.
 */
export const PLAN_FORMAT_VERSION = 3;

/** The closed set of things an action can do (STYLE.md habit 3). */
export const ACTION_TYPES = ['create', 'update', 'replace', 'delete', 'run', 'gate'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** How a field change is carried out: in place, or by replacing the object. */
export type Impact = 'update' | 'replace';

/** One changed field of an object. `path` is dotted within the object (`internetEndpoint.enabled`). */
export interface FieldChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly impact: Impact;
  /** Display only: a word on why this impact (e.g. "the API has no update for sync rules"). */
  readonly note?: string;
}

/** What a human must do for a gate, and how acrctl checks that it was done. */
export interface GateInfo {
  /** Display only: the ordered steps (ticket, console path). */
  readonly instructions: readonly string[];
  /** Display only: how `apply --resume` verifies it (e.g. the endpoint domains it expects). */
  readonly verification: string;
  /** Machine-checked expectation the kind's verify step compares with live reads. */
  readonly expect: Readonly<Record<string, unknown>>;
}

/** A planned unit of work. */
export interface Action {
  /** Stable address, unique in the plan, e.g. `instance[hz-main].namespace[team-a]`. */
  readonly id: string;
  /** The kind module that carries it out (src/kinds/<kind>.ts). */
  readonly kind: string;
  readonly type: ActionType;
  /** Grouping for renderers and scoping: account alias, region, instance alias (when inside one). */
  readonly account: string;
  readonly region: string;
  readonly instance?: string;
  /**
   * The object's natural key: the names its address is built from (`{ instance: 'hz', namespace:
   * 'team-a' }`), as the kind declares it. Kinds act on the key; nothing parses addresses.
   */
  readonly key: Readonly<Record<string, string>>;
  /**
   * Cloud ids of the live object acted on (instanceId, repoId, syncRuleId, …), as read when the plan
   * was made; absent when the object was not found live (creates, most runs and gates).
   */
  readonly ids?: Readonly<Record<string, string>>;
  /** The live object's current spec; absent for creates. */
  readonly before?: Readonly<Record<string, unknown>>;
  /** Desired values; absent for deletes. */
  readonly after?: Readonly<Record<string, unknown>>;
  readonly changes: readonly FieldChange[];
  /** Ids of actions that must finish first, sorted. */
  readonly dependsOn: readonly string[];
  /** Display only: why this action exists when it is derived (e.g. `replication rule to-partner`). */
  readonly reason?: string;
  readonly gate?: GateInfo;
  /** Display only: one-line summary, e.g. "copy 12 tags (340 MB)". */
  readonly summary?: string;
  /**
   * Dotted field paths (within `before`, `after` and `changes`) whose values are sensitive: shown,
   * saved and hashed as "(sensitive)"; only apply, which re-derives the plan from the config, ever
   * holds the real values. Sorted; absent when none.
   */
  readonly sensitive?: readonly string[];
}

/** An object found live under a declared container but not declared. */
export interface UnmanagedObject {
  readonly id: string;
  readonly kind: string;
  readonly account: string;
  readonly region: string;
  readonly instance?: string;
  /** Display only: the container whose `prune: true` would delete it. */
  readonly container: string;
}

/** Something a user needs after apply that acrctl cannot do for them (DNS records, hosts lines). */
export interface PlanOutput {
  readonly id: string;
  /** Display only. */
  readonly title: string;
  readonly lines: readonly string[];
}

/** A lint or planner finding carried into the plan for reviewers. */
export interface PlanFinding {
  readonly id: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** `file:line:column` or a resource address. */
  readonly where?: string;
  /** The natural key of the object `where` names, when it names one (so views need not parse addresses). */
  readonly key?: Readonly<Record<string, string>>;
  /**
   * How `acrctl drift` judges it when that differs from `severity`: `error` for what a plan may go
   * on with because its apply fixes it (images still to copy behind a switch already on), but a
   * scheduled check must fail on.
   */
  readonly drift?: 'error';
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly tasks: number;
  readonly gates: number;
}

export interface Plan {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  /**
   * sha256 of every other field of the plan's public form but `signature` (src/plan/planner.ts
   * planIdOf): any edit of a saved plan shows. Names the plan in run journals.
   */
  readonly planId: string;
  /** sha256 of the config file's bytes after variable interpolation. */
  readonly configDigest: string;
  /** sha256 over the canonical live state that was read. `apply` refuses when it has moved. */
  readonly liveFingerprint: string;
  /** Display only: the config file as given on the command line (relative). */
  readonly configFile: string;
  /** Display only: the acrctl version that made the plan. */
  readonly acrctlVersion: string;
  readonly actions: readonly Action[];
  /**
   * Cloud ids of live objects the actions refer to but do not change (the instance a new namespace
   * goes into), by address. The executor resolves an address from what this run learned first, then
   * from here.
   */
  readonly refs: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly unmanaged: readonly UnmanagedObject[];
  readonly outputs: readonly PlanOutput[];
  readonly findings: readonly PlanFinding[];
  readonly summary: PlanSummary;
  /** Set when the plan was made with `--target`: apply re-derives it with the same addresses. */
  readonly target?: PlanTarget;
  /** `destroy`: made by `acrctl destroy --out`; `apply PLAN` then destroys (absent on plans of `plan`). */
  readonly mode?: 'destroy';
  /**
   * A random id given when the plan is saved with `plan --out`, so that a saved plan is applied
   * once: re-planning makes a new one even when nothing else differs. Absent on plans shown only.
   */
  readonly serial?: string;
  /** `hmac-sha256:<hex>` of `planId` under `ACRCTL_PLAN_KEY`, when that key was set. */
  readonly signature?: string;
}

/** What `--target` selected. */
export interface PlanTarget {
  /** The `--target` addresses, sorted. */
  readonly addresses: readonly string[];
  /** How many actions the plan would have had without `--target`. */
  readonly of: number;
}

/** Counts actions the way the final text line does. Replacements count as one add and one destroy. */
export function summarise(actions: readonly Action[]): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let tasks = 0;
  let gates = 0;
  for (const a of actions) {
    switch (a.type) {
      case 'create':
        add++;
        break;
      case 'update':
        change++;
        break;
      case 'replace':
        add++;
        destroy++;
        break;
      case 'delete':
        destroy++;
        break;
      case 'run':
        tasks++;
        break;
      case 'gate':
        gates++;
        break;
    }
  }
  return { add, change, destroy, tasks, gates };
}

/** True when the plan would change nothing (no actions at all). */
export function isEmpty(plan: Pick<Plan, 'actions'>): boolean {
  return plan.actions.length === 0;
}

/**
 * True when `target` (a `--target` value) selects the action `id`: equal, or a prefix ending at a
 * segment boundary (`instance[hz]` selects `instance[hz].namespace[a]`).
 */
export function targetMatches(target: string, id: string): boolean {
  return id === target || (id.startsWith(target) && id[target.length] === '.');
}

/**
 * True for an image copy: the `run` action of an image import that moves one image's bytes (its
 * spec carries `copyBytes`). Drift, the import report and apply's summary tell copies apart by it.
 */
export function isImageCopy(a: Action): boolean {
  return a.type === 'run' && typeof a.after?.['copyBytes'] === 'number';
}
