/**
 * The one small interface every resource kind implements (DESIGN.md principle 3, STYLE.md habit 1).
 * The planner and the executor only ever talk to kinds through it and never name a kind.
 *
 * Owns: the shapes of desired and live objects and the kind contract. Kinds reach the cloud only through
 * the session in their contexts or the CLI.
 *
 * Object identity: every object has an address (`id`, e.g. `instance[hz].namespace[team-a]`) built
 * from natural keys, so the same object has the same address in the config and in the live estate.
 */
import type { CloudSession } from '../cloud/session.js';
import type { RegistryDocument } from '../config/model.js';
import type { Action, ActionType, FieldChange, GateInfo, PlanFinding, PlanOutput } from '../plan/model.js';
import type { ImageCopier } from '../registry/copy.js';

/** Where an object lives: grouping for rendering and scoping. */
export interface Placement {
  readonly id: string;
  readonly kind: string;
  readonly account: string;
  /** Region id, or `global` for account-wide objects (RAM). */
  readonly region: string;
  /** Alias of the instance holding it, when there is one. */
  readonly instance?: string;
}

/** An object registry.yaml asks for (declared or derived), flattened out of the config tree. */
export interface DesiredObject extends Placement {
  /** The compared fields, JSON values only. */
  readonly spec: Readonly<Record<string, unknown>>;
  /**
   * Addresses of objects that must exist (and be up to date) before this one is created or changed,
   * and that may only be deleted after it. Unknown addresses are ignored by the planner.
   * This is also how cloud ids reach apply: the plan's `refs` carry the ids of the live objects
   * named here, so list every object whose id apply needs (e.g. the instance of a repository).
   */
  readonly requires: readonly string[];
  /** Display only: why a derived object exists (e.g. `replication rule to-bj crosses accounts`). */
  readonly reason?: string;
  /** Display only: a one-line summary of the action, e.g. `copy team-a/api:v1 (12 MB)`. */
  readonly summary?: string;
  /**
   * Dotted paths of `spec` fields that hold secrets (write-only passwords, webhook URLs, certificate
   * keys): never shown, saved or hashed, only sent (src/plan/sensitive.ts). Fields whose value came
   * from a secret-looking environment variable are found without being declared.
   */
  readonly sensitive?: readonly string[];
}

/** An object found live. */
export interface LiveObject extends Placement {
  readonly spec: Readonly<Record<string, unknown>>;
  /** Cloud identifiers the executor needs (instanceId, repoId, syncRuleId, …). */
  readonly ids: Readonly<Record<string, string>>;
  /** Address of the declared container whose `prune: true` allows deleting it. */
  readonly container: string;
  /** Whether that container prunes. Objects outside any declared container are never read. */
  readonly prunable: boolean;
  /** Objects this one needs (see DesiredObject.requires), so deletes are ordered. */
  readonly requires: readonly string[];
}

/** What the planner gives a kind when it reads. */
export interface ReadContext {
  readonly config: RegistryDocument;
  /** Desired objects of every kind (derived ones included). */
  readonly desired: readonly DesiredObject[];
  /** Live objects of the kinds read before this one (see `readAfter`). */
  live(kind: string): readonly LiveObject[];
  /** Typed product clients; the cloud layer's session. */
  readonly cloud: CloudSession;
  /**
   * Set by `acrctl adopt` only (plans never set it): there are no declarations yet, so kinds that
   * read children only under declared containers read every child of the instances being read, with
   * every field the desired side could declare (e.g. repositories of all namespaces, with `detail`).
   */
  readonly discover?: boolean;
}

/** What a kind's diff says about one desired/live pair. */
export interface Diff {
  readonly changes: readonly FieldChange[];
}

/** The result of carrying out one action. */
export interface Outcome {
  /** Cloud ids learned (e.g. the new instance id), journalled and offered to dependants. */
  readonly ids?: Readonly<Record<string, string>>;
  /**
   * Report only: what the action did beyond ids (an image copy's outcome and bytes), journalled with
   * the outcome so a report after `--resume` covers earlier runs too. Never a secret; never steers apply.
   */
  readonly report?: Readonly<Record<string, string | number | boolean>>;
}

/** What a kind's reconcile step finds for an action whose outcome was not recorded. */
export type Reconciled =
  | { readonly state: 'done'; readonly ids?: Readonly<Record<string, string>> }
  | { readonly state: 'pending'; readonly ids?: Readonly<Record<string, string>> }
  | { readonly state: 'absent' };

/** What the executor gives a kind when it acts. */
export interface ExecContext {
  readonly cloud: CloudSession;
  /** Cloud ids of another object: learned in this run, or read when the plan was made. */
  ids(address: string): Readonly<Record<string, string>>;
  /** A ClientToken for this action's create call: stable across retries and resumes, ≤ 64 ASCII. */
  clientToken(suffix?: string): string;
  /** Records the intent of a mutating call before it is sent (journal). */
  intent(call: string, detail?: Readonly<Record<string, unknown>>): Promise<void>;
  /** Reports progress for views (never printed by the kind). */
  progress(message: string, data?: Readonly<Record<string, unknown>>): void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  /**
   * Set when an earlier run announced calls for this action but never recorded the outcome, and
   * reconcile found it `pending` (requested, not finished): apply must wait on the ids given rather
   * than request again. Absent on a first run.
   */
  readonly reconciled?: Reconciled;
  /**
   * The calls an earlier, interrupted run announced for this action (journal intents, in order),
   * whatever their outcome. For objects that become visible only some time after their create
   * (ACL entries), a call announced but not yet visible is `pending`, not `absent`: re-sending it
   * at once would be a duplicate. Absent on a first run.
   */
  readonly announced?: readonly string[];
  /**
   * How long an object an interrupted run may have created can take to become visible, before it
   * is requested again (for objects whose creation shows only after a delay, such as ACL entries).
   */
  readonly settleMs: number;
  /**
   * The image copier of this apply run, created on first use: one per run, so a blob moved for one
   * image is not moved again for another. Absent where the command copies no images (destroy).
   */
  readonly copier?: () => Pick<ImageCopier, 'copy'>;
}

/** The kind contract. */
export interface Kind {
  readonly name: string;
  /** Kinds whose live objects must be read first (e.g. namespaces need instances). */
  readonly readAfter: readonly string[];
  /**
   * Desired objects of this kind from the config. Pure. Kinds that derive objects from other parts of
   * the config (RAM roles from replication rules) do so here.
   */
  desired(config: RegistryDocument): DesiredObject[];
  /**
   * Desired objects that can only be known after reading (one backfill copy per source tag missing in
   * the target). Called once every kind has been read; pure.
   */
  derive?(ctx: { config: RegistryDocument; desired: readonly DesiredObject[]; live: (kind: string) => readonly LiveObject[] }): DesiredObject[];
  /** Live objects under the declared containers: List calls with pagination, never a Get per object. */
  read(ctx: ReadContext): Promise<LiveObject[]>;
  /** Pure field comparison; each change is tagged update (in place) or replace. */
  diff(desired: DesiredObject, live: LiveObject): Diff;
  /** Extra plan content: outputs (DNS records, hosts lines) and findings known only with live data. */
  extras?(ctx: { config: RegistryDocument; desired: readonly DesiredObject[]; live: (kind: string) => readonly LiveObject[] }): {
    outputs?: PlanOutput[];
    findings?: PlanFinding[];
  };
  /**
   * Overrides the action type the planner would choose (create / update / replace / delete from the
   * diff): console-only switches become `gate`, backfill copies become `run`; `none` means no action.
   */
  classify?(desired: DesiredObject | undefined, live: LiveObject | undefined, diff: Diff | undefined): ActionType | 'none' | undefined;
  /** The instructions and verification of a gate action (required when classify returns `gate`). */
  gate?(desired: DesiredObject, live: LiveObject | undefined): GateInfo;
  /**
   * False for kinds whose live objects are only evidence for planning (tags already in a target),
   * never "unmanaged" and never deleted by pruning.
   */
  readonly reportsUnmanaged: boolean;
  /** Carries out an action of this kind; idempotent (create accepts "already exists, same spec"). */
  apply(ctx: ExecContext, action: Action): Promise<Outcome>;
  /** After a crash between intent and outcome: did the action land? Reads live state only. */
  reconcile(ctx: ExecContext, action: Action): Promise<Reconciled>;
}
