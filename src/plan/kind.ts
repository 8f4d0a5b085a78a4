/**
 * The one small interface every resource kind implements (DESIGN.md principle 3, STYLE.md habit 1).
 * The planner and the executor only ever talk to kinds through it and never name a kind.
 *
 * Owns: the shapes of desired and live objects and the kind contract. Kinds reach the cloud only
 * through the session in their contexts, and get everything else they need (an image copier, a
 * settle time, …) when they are made (src/kinds/index.ts `makeKinds`).
 *
 * Object identity: every object has a natural key (`key`: the names it is matched by) and an address
 * (`id`, e.g. `instance[hz].namespace[team-a]`) that the kind builds from that key, so the same
 * object has the same address in the config and in the live estate. Nothing parses an address back.
 *
 * The engine chooses the verb (crossplane's external-client contract, STYLE.md): a kind offers
 * `observe` (read one object, never change anything), `create`, `update`, `delete` (each idempotent:
 * create accepts "already exists, same spec", delete accepts "not found") and, for gates, `check`.
 * The executor turns a `replace` into delete then create (or create then delete where the kind says
 * both can exist at once), journals each step, and decides from `observe` whether an interrupted step
 * landed. No kind looks at an action's type.
 */
import type { RamPlaceholder, RamProduct } from '../cloud/ram-actions.js';
import type { CloudSession } from '../cloud/session.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import type { Decoder } from './decode.js';
import type { ActionType, FieldChange, GateInfo, PlanFinding, PlanOutput } from './model.js';

/** A spec: the compared fields of an object, JSON values only. */
export type Spec = Readonly<Record<string, unknown>>;
/** Cloud ids (instanceId, repoId, …). */
export type Ids = Readonly<Record<string, string>>;
/** A natural key: the names an object is matched by and its address is built from. */
export type Key = Readonly<Record<string, string>>;

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
export interface DesiredObject<S extends Spec = Spec, K extends Key = Key> extends Placement {
  /** Its natural key; `id` is the kind's `address(key)`. */
  readonly key: K;
  /** The compared fields, JSON values only. */
  readonly spec: S;
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
export interface LiveObject<S extends Spec = Spec, I extends Ids = Ids, K extends Key = Key> extends Placement {
  /** Its natural key; `id` is the kind's `address(key)`. */
  readonly key: K;
  readonly spec: S;
  /** Cloud identifiers the executor needs (instanceId, repoId, syncRuleId, …). */
  readonly ids: I;
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

/** What derive and extras see: the config, every desired object and every kind's live objects. Pure. */
export interface PlanContext {
  readonly config: RegistryDocument;
  readonly desired: readonly DesiredObject[];
  live(kind: string): readonly LiveObject[];
}

/** What a kind's diff says about one desired/live pair. */
export interface Diff {
  readonly changes: readonly FieldChange[];
}

/** The result of carrying out one verb. */
export interface Outcome {
  /** Cloud ids learned (e.g. the new instance id), journalled and offered to dependants. */
  readonly ids?: Ids;
  /**
   * Report only: what the action did beyond ids (an image copy's outcome and bytes), journalled with
   * the outcome so a report after `--resume` covers earlier runs too. Never a secret; never steers apply.
   */
  readonly report?: Readonly<Record<string, string | number | boolean>>;
}

/** What the engine concludes about an interrupted step (from `observe`), or a gate's `check` finds. */
export type Reconciled =
  | { readonly state: 'done'; readonly ids?: Ids }
  /** `sentAt`: when the call that makes it was announced (epoch ms), for a create that shows late. */
  | { readonly state: 'pending'; readonly ids?: Ids; readonly sentAt?: number }
  | { readonly state: 'absent' };

/**
 * What `observe` sees of one object right now. Observe only reads; the engine turns the observation
 * into "the step landed" (done), "it is on its way" (pending) or "send it (again)" (absent).
 */
export type Observation<I extends Ids = Ids> =
  /** Not there. `ids`: what is known of it anyway (its container's), offered if a late create is pending. */
  | { readonly state: 'absent'; readonly ids?: I }
  /** On its way out (a delete in progress). */
  | { readonly state: 'going' }
  /**
   * There. `upToDate`: it has the spec asked for (the subject's); `ready`: it has settled (RUNNING,
   * Available…) rather than still being created or changed.
   */
  | { readonly state: 'present'; readonly upToDate: boolean; readonly ready: boolean; readonly ids?: I };

/** What the executor gives a kind when it acts. */
export interface ExecContext {
  readonly cloud: CloudSession;
  /** Cloud ids of another object: learned in this run, or read when the plan was made. */
  ids(address: string): Ids;
  /** A ClientToken for this verb's mutating call: stable across retries and resumes, ≤ 64 ASCII. */
  clientToken(suffix?: string): string;
  /** Records the intent of a mutating call before it is sent (journal). */
  intent(call: string, detail?: Readonly<Record<string, unknown>>): Promise<void>;
  /** Reports progress for views (never printed by the kind). */
  progress(message: string, data?: Readonly<Record<string, unknown>>): void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  /**
   * Set when an interrupted run sent this verb's call but it had not finished, as the engine judged
   * from `observe`: the verb must wait on the ids given rather than send again. Absent otherwise.
   */
  readonly reconciled?: Reconciled;
}

/** The one object a verb or `observe` is about: its place, key and (decoded) spec and ids. */
export interface Subject<S extends Spec = Spec, I extends Ids = Ids, K extends Key = Key> {
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly instance?: string;
  readonly key: K;
  /**
   * The spec the step is about: the desired spec for create, update and a gate's check; the live
   * spec (as planned) for delete. Observe compares the object with it for `upToDate`.
   */
  readonly spec: S;
  /**
   * The object's cloud ids as the plan read them: given for update and delete (the object is live);
   * absent for create (including the create half of a replace), so observe finds the object by key.
   */
  readonly ids?: I;
}

/** What update is given besides the subject: the fields that differ. */
export interface Change<S extends Spec = Spec, I extends Ids = Ids, K extends Key = Key> extends Subject<S, I, K> {
  readonly ids: I;
  readonly changes: readonly FieldChange[];
}

/** What delete is given: the live object as planned, with its ids. */
export interface Removal<S extends Spec = Spec, I extends Ids = Ids, K extends Key = Key> extends Subject<S, I, K> {
  readonly ids: I;
}

/** What a gate's check is given: the subject and the gate's machine-checked expectation. */
export interface GateSubject<S extends Spec = Spec, K extends Key = Key> extends Subject<S, Ids, K> {
  readonly gate: GateInfo;
}

/** A JSON Schema (2020-12) node, as a plain value. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * What a kind adds to the registry.yaml language: its part of schemas/registry.schema.json and of
 * docs/language.md, both generated from the core language (src/config/language.ts) and every kind's
 * fragment, in kind order (src/kinds/language.ts; `npm run gen`). The config types are generated
 * from the same schema (src/config/model.generated.ts), so a key is declared once, here.
 */
export interface LanguageFragment {
  /**
   * Keys this kind adds to objects of the language, by the JSON pointer of the object (`#` for the
   * top level, `#/$defs/instance`, `#/$defs/namespace`, …); appended in kind order.
   */
  readonly properties?: Readonly<Record<string, Readonly<Record<string, JsonSchema>>>>;
  /** Definitions it adds under `$defs` (objects other keys `$ref`). */
  readonly defs?: Readonly<Record<string, JsonSchema>>;
  /** Its sections of the language reference, in reading order: [heading, pointer into the schema]. */
  readonly sections?: readonly (readonly [string, string])[];
}

/** Something found live that an adopted document does not (fully) express. Never holds a secret. */
export interface AdoptNote {
  /** The address of the live object, e.g. `instance[hz].replication[to-bj]`. */
  readonly address: string;
  readonly message: string;
}

/** What `toConfig` sees: every live object adopt read, and the instances it adopts. Read only. */
export interface AdoptContext {
  live(kind: string): readonly LiveObject[];
  /** An instance being adopted, by alias (undefined: not adopted, so nothing inside it is written). */
  instance(alias: string): { readonly name: string; readonly status: string } | undefined;
  /** True when the adopted document declares an account of this UID (absent: none is known). */
  declaresUid?(uid: string): boolean;
}

/**
 * One piece of registry.yaml that a live object becomes (src/adopt/build.ts places them, in kind
 * order, so a container's keys come in the language's order):
 * - `entry`: a member of the map at the path (`instances`, `…namespaces`), maps sorted by key;
 *   an entry with `derivable` (the live spec) is left out when nothing else was placed inside it
 *   and the kind derives the same object, with that spec, from the rest of the document (a
 *   namespace a replication rule creates in its target);
 * - `set`: fields merged into the object at the path (`internetEndpoint`, a console switch);
 * - `item`: a member of the list at the path, lists sorted by `order` (the natural key).
 */
export type ConfigPiece =
  | { readonly entry: readonly string[]; readonly key: string; readonly value: Readonly<Record<string, unknown>>; readonly derivable?: Spec }
  | { readonly set: readonly string[]; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly item: readonly string[]; readonly value: unknown; readonly order: string };

/** What one live object becomes in an adopted document: its pieces, and notes on what it cannot say. */
export interface Adopted {
  readonly pieces?: readonly ConfigPiece[];
  readonly notes?: readonly AdoptNote[];
}

/** The typed shape of a kind's objects in plan JSON (see src/plan/decode.ts). */
export interface KindCodec<S extends Spec, I extends Ids, K extends Key> {
  readonly key: Decoder<K>;
  readonly spec: Decoder<S>;
  readonly ids: Decoder<I>;
}

/**
 * Where a kind's calls are made: its `read` (plans, drift, adopt) and each verb the engine calls.
 * A verb's calls include the reads it makes itself (a create that waits for RUNNING reads).
 */
export type CallVerb = 'read' | 'observe' | 'create' | 'update' | 'delete' | 'check';

/**
 * The names a call's RAM resource ARNs are built from: the placeholders of its rule in
 * src/cloud/ram-actions.ts (`region`, `instance`, `namespace`, `role`, `cen`, `routeTable`, …).
 * `account` is filled from the call's account; a name left out is `*` in the ARN (an instance id
 * that exists only after apply, the names of unmanaged objects a prune deletes).
 */
export type ArnNames = Readonly<Partial<Record<Exclude<RamPlaceholder, 'account'>, string>>>;

/**
 * One API call a kind can make for a config (`Kind.permissions`): `acrctl policy` turns these into
 * RAM policy documents, and a test fails when a kind makes a call it does not declare.
 */
export interface CallNeed {
  /** The verbs (or `read`) that make the call. */
  readonly verbs: readonly CallVerb[];
  /** The product client and API action, as src/cloud/ram-actions.ts keys them. */
  readonly product: RamProduct;
  readonly api: string;
  /** The account alias the call is signed for. */
  readonly account: string;
  /** The names of its resources. */
  readonly on: ArnNames;
  /** Why a name is missing (shown by `acrctl policy`), e.g. `the id of instance hz-main is known only after apply`. */
  readonly unknown?: string;
  /**
   * The commands whose policies include the call, when not every command that runs its verbs
   * does: a refund only `destroy` makes, a quota read only `adopt` makes.
   */
  readonly only?: readonly PolicyCommand[];
}

/** The commands `acrctl policy --for` derives a policy for. */
export type PolicyCommand = 'plan' | 'apply' | 'drift' | 'adopt' | 'destroy';

/** The kind contract. */
export interface Kind<S extends Spec = Spec, I extends Ids = Ids, K extends Key = Key> {
  readonly name: string;
  /** Kinds whose live objects must be read first (e.g. namespaces need instances). */
  readonly readAfter: readonly string[];
  /**
   * False for kinds whose live objects are only evidence for planning (tags already in a target),
   * never "unmanaged" and never deleted by pruning.
   */
  readonly reportsUnmanaged: boolean;
  /** The address of the object with this natural key. Pure. */
  address(key: K): string;
  /** Decoders of this kind's keys, specs and ids, applied to every action before a verb sees it. */
  readonly decode: KindCodec<S, I, K>;
  /** What the kind adds to the registry.yaml language (schema and reference), if anything. */
  readonly language?: LanguageFragment;
  /**
   * Its reference checks, run by `acrctl validate` after the schema (src/config/references.ts):
   * names it refers to are declared, its natural keys are unique. Read the document defensively.
   */
  readonly references?: ReferenceCheck;

  /**
   * Desired objects of this kind from the config. Pure. Kinds that derive objects from other parts of
   * the config (RAM roles from replication rules) do so here.
   */
  desired(config: RegistryDocument): DesiredObject<S, K>[];
  /**
   * Desired objects that can only be known after reading (one backfill copy per source tag missing in
   * the target). Called once every kind has been read; pure. May be objects of another kind (the
   * repositories an import fills are `repository` objects): each object names its kind.
   */
  derive?(ctx: PlanContext): DesiredObject[];
  /**
   * What a declared object must also wait for that only derived objects can tell (the Personal
   * Edition domain switch waits for every image copy its instance's import rules derive). Called
   * once derive is done, with every desired object, declared and derived; pure. The addresses are
   * added to the object's `requires`, and `reason` (display only) replaces its reason.
   */
  waitFor?(desired: DesiredObject<S, K>, ctx: PlanContext): { readonly requires: readonly string[]; readonly reason?: string } | undefined;
  /** Live objects under the declared containers: List calls with pagination, never a Get per object. */
  read(ctx: ReadContext): Promise<LiveObject<S, I, K>[]>;
  /**
   * Pure field comparison; each change is tagged update (in place) or replace. Optional: without it
   * the fields the desired spec declares are compared with the live ones, each change in place
   * (src/plan/compare.ts `compareSpec`; see `diffOf` in the planner).
   */
  diff?(desired: DesiredObject<S, K>, live: LiveObject<S, I, K>): Diff;
  /** Extra plan content: outputs (DNS records, hosts lines) and findings known only with live data. */
  extras?(ctx: PlanContext): { outputs?: PlanOutput[]; findings?: PlanFinding[] };
  /**
   * Overrides the action type the planner would choose (create / update / replace / delete from the
   * diff): console-only switches become `gate`, backfill copies become `run`; `none` means no action.
   */
  classify?(desired: DesiredObject<S, K> | undefined, live: LiveObject<S, I, K> | undefined, diff: Diff | undefined): ActionType | 'none' | undefined;
  /** The instructions and verification of a gate action (required when classify returns `gate`). */
  gate?(desired: DesiredObject<S, K>, live: LiveObject<S, I, K> | undefined): GateInfo;

  /**
   * How a replace runs: `delete-first` (the default: the old object goes, then the new one is made;
   * for objects whose natural key the old one still holds) or `create-first` (the new one is made,
   * then the old one goes: for objects that can exist side by side, so there is no gap).
   */
  readonly replaceOrder?: 'delete-first' | 'create-first';
  /**
   * For objects that show only some time after their create call (ACL entries): the names of those
   * calls. When an interrupted run announced one of them and the object does not show yet, the
   * engine judges the create pending (the kind waits a while before sending it again), not absent.
   */
  readonly showsLate?: { readonly calls: readonly string[] };

  /**
   * How `acrctl adopt` writes a live object (read in discover mode) back as registry.yaml, defaults
   * left out. Pure. Kinds without it are not written by adopt's generic pass.
   */
  toConfig?(live: LiveObject<S, I, K>, ctx: AdoptContext): Adopted;

  /**
   * Every API call the kind can make for this config, by verb, with the names of its resources:
   * reads for the declared containers, and writes only where apply can make them (a delete where a
   * container prunes or a replace can happen). Pure. Declared next to the calls, in the kind module;
   * test/kinds/permissions.test.ts runs the examples and fails on a call a kind makes undeclared.
   */
  permissions(config: RegistryDocument): readonly CallNeed[];

  /** Reads the one object a subject names, as it is now. Never changes anything. */
  observe?(ctx: ExecContext, subject: Subject<S, I, K>): Promise<Observation<I>>;
  /** Brings the object into being (for `run` actions: carries out the task). Idempotent. */
  create?(ctx: ExecContext, subject: Subject<S, I, K>): Promise<Outcome>;
  /** Changes the object in place to the desired spec. Idempotent. */
  update?(ctx: ExecContext, change: Change<S, I, K>): Promise<Outcome>;
  /** Deletes the object; "not found" is success. */
  delete?(ctx: ExecContext, removal: Removal<S, I, K>): Promise<Outcome>;
  /** A gate's verification by live reads: `done` when a human did what the gate asks. */
  check?(ctx: ExecContext, gate: GateSubject<S, K>): Promise<Reconciled>;
}
