/**
 * The parsed and validated `registry.yaml` document (language `version: 1`).
 *
 * Owns: the names code uses for the language's shapes (generated from the schema into
 * model.generated.ts, so they are declared once: in src/config/language.ts and the kinds' modules),
 * the defaults, and the {@link Finding} type shared by validation, reference checks and product lints.
 * Must not import: anything outside src/errors.ts and model.generated.ts (pure types).
 *
 * Contract: a value typed {@link RegistryDocument} has passed schema validation. Optional fields are
 * absent when the user did not write them; defaults are NOT filled in by the loader (each field's doc
 * comment names its default, which is also the schema's `default`). Use {@link DEFAULTS} for them.
 * `${env:NAME}` references have already been resolved. Maps keyed by alias keep the user's key order.
 */
import type { SourceLocation } from '../errors.js';

/** Severity of a finding. Only `error` makes `acrctl validate` exit 1. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * One diagnostic about the config: a schema error, a reference error or a product lint.
 * `id` is stable (used as the SARIF rule id); `path` is the JSON path of the offending node in the
 * document (keys and array indexes), `location` where it is in the file. Messages never contain secrets.
 */
export interface Finding {
  readonly id: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: SourceLocation;
  readonly path: readonly (string | number)[];
  readonly hint?: string;
}

/** Resolves a JSON path of the document to its position in the file (key position for map members). */
export type Locate = (path: readonly (string | number)[]) => SourceLocation;

/** A JSON path into the document: map keys and list indexes. */
export type DocPath = (string | number)[];
/** An object node of the plain document. */
export type DocObject = Readonly<Record<string, unknown>>;

/**
 * What a kind's reference check is given (src/config/references.ts makes it): the plain document,
 * which may be invalid elsewhere (so it is read defensively: the helpers skip what is not an object
 * or a string, leaving it to the schema), and the shared checks every kind's references use.
 * Every report is an error finding at the path given.
 */
export interface ReferenceContext {
  readonly doc: DocObject;
  /** The declared account aliases and instances (by alias). */
  readonly accounts: readonly string[];
  readonly instances: ReadonlyMap<string, DocObject>;
  report(id: string, message: string, path: DocPath, hint?: string, target?: 'key' | 'value'): void;
  /** `ref/unknown-account` unless `value` is a declared account (with a "did you mean"). */
  needAccount(value: unknown, path: DocPath, what: string): void;
  /** `ref/unknown-instance` unless `value` is a declared instance; answers the alias when it is. */
  needInstance(value: unknown, path: DocPath, what: string): string | undefined;
  /** `ref/unknown-namespace` unless `value` is a namespace declared in that instance. */
  needNamespace(instance: string, value: unknown, path: DocPath, what: string): void;
  /** The members of a map, and the items of a list, that are objects. */
  entries(v: unknown): [string, DocObject][];
  items(v: unknown): [number, DocObject][];
  str(v: unknown): string | undefined;
  /** A value as messages quote it. */
  quote(v: string): string;
}

/** One kind's reference checks (Kind.references): declared names exist, natural keys are unique. */
export type ReferenceCheck = (ref: ReferenceContext) => void;

export type {
  Account,
  AclEntry,
  Backfill,
  Credentials,
  CrossAccountRole,
  CrossRegionAccess,
  ExternalTarget,
  ImportRule,
  Instance,
  InternetEndpoint,
  Namespace,
  PolicyStatement,
  RamPolicy,
  Region,
  RegistryDocument,
  ReplicationRule,
  Repository,
  TransitRouter,
  VpcEndpoint,
} from './model.generated.js';
/** Regions that have a Container Registry endpoint (cr-2018-12-01.json `endpointRegions`). */
export { REGIONS } from './model.generated.js';
import type { ImportRule, Instance, ReplicationRule, Repository, TransitRouter } from './model.generated.js';

export type Edition = Instance['edition'];
export type RepoType = NonNullable<Repository['type']>;
/** Extra quotas bought with the instance (BSS CreateInstance parameters). */
export type Quotas = NonNullable<Instance['quotas']>;
/** Import from a Personal Edition instance. */
export type PersonalImport = Extract<ImportRule, { readonly from: 'personal' }>;
/** Import from an OSS bucket holding a copy of a registry. */
export type OssImport = Extract<ImportRule, { readonly from: 'oss' }>;
export type ReplicationLevel = NonNullable<ReplicationRule['level']>;
export type ReplicationTrigger = NonNullable<ReplicationRule['trigger']>;
export type TransitRouterEdition = NonNullable<TransitRouter['edition']>;

/** Defaults of optional fields, identical to the schema's `default` keywords (a test checks). */
export const DEFAULTS = {
  instance: { prune: false, personalEditionDomain: false, authDomainTakeover: false },
  vpcEndpoint: { privateZone: true },
  internetEndpoint: { enabled: false, prune: false },
  namespace: { autoCreateRepo: false, defaultRepoType: 'PRIVATE', prune: false },
  repository: { tagImmutability: false },
  import: { latest: 10, tagFilter: '.*', overwrite: true, includeBuildConfig: false },
  replication: { level: 'namespace', tagFilter: '.*', trigger: 'automatic' },
  backfill: { overwrite: false },
  policyStatement: { effect: 'Allow' },
  transitRouter: { edition: 'Enterprise' },
  routes: { auth: true, oss: true },
  crossAccountRole: {
    roleName: 'aliyuncontainerregistrycrossaccoutsyncrole',
    policyName: 'AcrctlCrossAccountSync',
  },
} as const;
