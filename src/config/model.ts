/**
 * The parsed and validated `registry.yaml` document (language `version: 1`).
 *
 * Owns: the TypeScript shape of the language, mirroring `schemas/registry.schema.json` 1:1, and the
 * {@link Finding} type shared by validation, reference checks and product lints.
 * Must not import: anything outside src/errors.ts (pure types).
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

/** Regions that have a Container Registry endpoint (cr-2018-12-01.json `endpointRegions`). */
export const REGIONS = [
  'us-west-1', 'us-southeast-1', 'us-east-1', 'na-south-1', 'me-east-1', 'me-central-1', 'eu-west-2',
  'eu-west-1', 'eu-central-1', 'cn-zhongwei', 'cn-zhengzhou-jva', 'cn-zhangjiakou', 'cn-wulanchabu-gic-1',
  'cn-wulanchabu', 'cn-wuhan-lr', 'cn-shenzhen-finance-1', 'cn-shenzhen', 'cn-shanghai-finance-1',
  'cn-shanghai', 'cn-qingdao', 'cn-north-2-gov-1', 'cn-nanjing', 'cn-huhehaote', 'cn-hongkong',
  'cn-heyuan-acdr-1', 'cn-heyuan', 'cn-hangzhou-finance', 'cn-hangzhou', 'cn-guangzhou', 'cn-fuzhou',
  'cn-chengdu', 'cn-beijing-finance-1', 'cn-beijing', 'ap-southeast-8', 'ap-southeast-7', 'ap-southeast-6',
  'ap-southeast-5', 'ap-southeast-3', 'ap-southeast-1', 'ap-northeast-2', 'ap-northeast-1',
] as const;
export type Region = (typeof REGIONS)[number];

export type Edition = 'Basic' | 'Standard' | 'Advanced';
export type RepoType = 'PUBLIC' | 'PRIVATE';

/** The whole file. */
export interface RegistryDocument {
  /** Language version; always 1. */
  readonly version: 1;
  /** Cloud accounts by alias. Aliases are referenced by instances, rules and roles. */
  readonly accounts: Readonly<Record<string, Account>>;
  /** Enterprise Edition instances by local alias (the cloud name is `name`). */
  readonly instances?: Readonly<Record<string, Instance>>;
  /**
   * Explicit cross-account sync roles, keyed by the alias of the TARGET account (the role lives there).
   * Normally derived from replication rules; declare one to add trusted accounts or a custom policy.
   */
  readonly crossAccountRoles?: Readonly<Record<string, CrossAccountRole>>;
  /** Access to instances from a VPC in another region, over CEN transit routers. */
  readonly crossRegionAccess?: readonly CrossRegionAccess[];
}

/** An account: its 16-digit UID and how acrctl obtains credentials for it. */
export interface Account {
  /** 16-digit account UID (a string: as a YAML number it would lose precision). */
  readonly uid: string;
  /** Free text for humans. */
  readonly description?: string;
  /** Where credentials come from; absent = the default credentials chain. */
  readonly credentials?: Credentials;
}

/** Exactly one source of credentials. Secrets themselves never appear in the file. */
export type Credentials =
  | { readonly profile: string }
  | { readonly env: string }
  | { readonly ramRoleArn: string; readonly sessionName?: string }
  | { readonly defaultChain: true };

/** Extra quotas bought with the instance (BSS CreateInstance parameters). */
export interface Quotas {
  /** Extra namespaces, multiple of 5, 0..100000. */
  readonly namespaces?: number;
  /** Extra repositories, multiple of 1000, 0..1000000. */
  readonly repositories?: number;
  /** VPC quota, 0..100. */
  readonly vpcs?: number;
}

/** An Enterprise Edition instance. */
export interface Instance {
  /** Alias of the owning account. */
  readonly account: string;
  readonly region: Region;
  readonly edition: Edition;
  /** Cloud instance name (natural key): 3-30 lowercase letters, digits, hyphens; no hyphen at either end. */
  readonly name: string;
  /**
   * Delete unmanaged direct children found live (namespaces, VPC endpoint links, import rules,
   * replication rules). Default false: unmanaged objects are only reported.
   */
  readonly prune?: boolean;
  readonly quotas?: Quotas;
  /** VPC endpoint links (natural key vpc + vswitch). Needed for imports and VPC access. */
  readonly vpcEndpoints?: readonly VpcEndpoint[];
  /** Public endpoint and its ACL. Absent = not managed. */
  readonly internetEndpoint?: InternetEndpoint;
  /** Personal Edition domain support (console-only switch, vendor allow-list). Default false. */
  readonly personalEditionDomain?: boolean;
  /** Auth-domain takeover (console-only switch, vendor allow-list). Default false. */
  readonly authDomainTakeover?: boolean;
  /** Namespaces keyed by namespace name. */
  readonly namespaces?: Readonly<Record<string, Namespace>>;
  /** Import rules (from Personal Edition or OSS) into this instance. */
  readonly imports?: readonly ImportRule[];
  /** Replication (sync) rules whose source is this instance. */
  readonly replication?: readonly ReplicationRule[];
}

export interface VpcEndpoint {
  /** VPC id, `vpc-…`. */
  readonly vpc: string;
  /** vSwitch id, `vsw-…`, in that VPC. */
  readonly vswitch: string;
  /** Create PrivateZone DNS records for the VPC host. Default true. */
  readonly privateZone?: boolean;
}

export interface InternetEndpoint {
  /** Whether the public endpoint is on. Default false. */
  readonly enabled?: boolean;
  /** ACL entries (natural key: cidr). */
  readonly allow?: readonly AclEntry[];
  /** Delete ACL entries found live but not declared. Default false. */
  readonly prune?: boolean;
}

export interface AclEntry {
  /** IPv4 CIDR, e.g. `203.0.113.0/24`. */
  readonly cidr: string;
  readonly description?: string;
}

export interface Namespace {
  /** Create a repository on first push to a name that does not exist. Default false. */
  readonly autoCreateRepo?: boolean;
  /** Type of automatically created repositories. Default PRIVATE. */
  readonly defaultRepoType?: RepoType;
  /** Delete repositories found live but not declared. Default false. */
  readonly prune?: boolean;
  /** Repositories keyed by repository name. */
  readonly repositories?: Readonly<Record<string, Repository>>;
}

export interface Repository {
  /** Default: the namespace's `defaultRepoType` (itself PRIVATE by default). */
  readonly type?: RepoType;
  /** One-line summary, 1-100 characters (required by the API). */
  readonly summary: string;
  /** Longer Markdown description, up to 2000 characters. */
  readonly detail?: string;
  /** Tags cannot be overwritten once pushed. Default false. */
  readonly tagImmutability?: boolean;
}

/** Import from a Personal Edition instance. */
export interface PersonalImport {
  readonly from: 'personal';
  /** Region of the Personal Edition instance. Default: the target instance's region. */
  readonly sourceRegion?: Region;
  /** Personal Edition namespace to import. Default: the same name as `namespace`. */
  readonly sourceNamespace?: string;
  /** Target namespace in this instance (declared under `namespaces`). */
  readonly namespace: string;
  /** Latest N images per repository, 0..1000 (0 = metadata only). Default 10. */
  readonly latest?: number;
  /** Tag regex (RE2 syntax, the service is written in Go). Default `.*`. */
  readonly tagFilter?: string;
  /** Overwrite an EE tag whose digest differs. Default true. */
  readonly overwrite?: boolean;
  /** Also import build rules and bound source repositories. Default false. */
  readonly includeBuildConfig?: boolean;
}

/** Import from an OSS bucket holding a copy of a registry. */
export interface OssImport {
  readonly from: 'oss';
  /** OSS bucket name. */
  readonly bucket: string;
  /** Object prefix inside the bucket. Default: the bucket root. */
  readonly prefix?: string;
  /** Region of the bucket. Default: the target instance's region. */
  readonly sourceRegion?: Region;
  readonly namespace: string;
  readonly latest?: number;
  readonly tagFilter?: string;
  readonly overwrite?: boolean;
}

export type ImportRule = PersonalImport | OssImport;

export type ReplicationLevel = 'namespace' | 'repository';
export type ReplicationTrigger = 'automatic' | 'manual';

export interface ReplicationRule {
  /** Rule name, unique within the source instance (natural key). */
  readonly name: string;
  /** Alias of the target instance (same or other account, same or other region). */
  readonly to: string;
  /** Default namespace. */
  readonly level?: ReplicationLevel;
  /** Namespace in the source instance; the target namespace has the same name. */
  readonly namespace: string;
  /** Repository name; required when level is repository, not allowed otherwise. */
  readonly repository?: string;
  /** Tag regex (RE2 syntax). Default `.*`. */
  readonly tagFilter?: string;
  /** automatic = on every push (PASSIVE); manual = INITIATIVE. Default automatic. */
  readonly trigger?: ReplicationTrigger;
  /** Also copy images that predate the rule, as one sync task per tag. */
  readonly backfill?: Backfill;
}

export interface Backfill {
  /** Latest N tags per repository to copy, >= 1. */
  readonly latest: number;
  /** Tag regex for the backfill. Default: the rule's tagFilter. */
  readonly tagFilter?: string;
  /** Overwrite target tags with a different digest. Default false. */
  readonly overwrite?: boolean;
}

/** The cross-account sync role in one target account. */
export interface CrossAccountRole {
  /** Aliases of source accounts trusted to assume the role (merged with derived ones). */
  readonly trustedAccounts?: readonly string[];
  /** Aliases of instances in this account the policy covers. Default: those targeted by replication. */
  readonly instances?: readonly string[];
  readonly description?: string;
  /** Custom policy; absent = the minimal derived policy. */
  readonly policy?: RamPolicy;
}

export interface RamPolicy {
  /** Custom policy name, 1-128 letters, digits, hyphens. */
  readonly name?: string;
  readonly statements: readonly PolicyStatement[];
}

export interface PolicyStatement {
  /** Default Allow. */
  readonly effect?: 'Allow' | 'Deny';
  /** RAM actions such as `cr:CreateSyncRule`. */
  readonly actions: readonly string[];
  /** Resources (ARNs such as `acs:cr:cn-beijing:1234567890123456:instance/*`, or `*`). */
  readonly resources: readonly string[];
}

export type TransitRouterEdition = 'Enterprise' | 'Basic';

export interface TransitRouter {
  /** Transit router id, `tr-…`. */
  readonly id: string;
  /** Edition. Default Enterprise (cross-region routing needs it). */
  readonly edition?: TransitRouterEdition;
}

export interface CrossRegionAccess {
  /** Unique name (natural key of this access path). */
  readonly name: string;
  /** The access source. */
  readonly from: {
    readonly account: string;
    readonly region: Region;
    readonly vpc: string;
    /** Custom route table of the source VPC, `vtb-…`. */
    readonly routeTable: string;
    /** CIDRs used at the source (checked against 100.0.0.0/8 service addresses). */
    readonly cidrs?: readonly string[];
  };
  /** Alias of the target instance. */
  readonly to: string;
  readonly cen: {
    /** CEN instance id, `cen-…`. */
    readonly id: string;
    readonly sourceTransitRouter: TransitRouter;
    readonly targetTransitRouter: TransitRouter;
  };
  /** Which service routes to create at the source. */
  readonly routes?: {
    /** Route to the auth service (not needed with authDomainTakeover). Default true. */
    readonly auth?: boolean;
    /** Route to the OSS bucket (not needed with OSS over PrivateLink). Default true. */
    readonly oss?: boolean;
  };
  /** Override discovered service addresses (IPv4). */
  readonly addresses?: {
    readonly instance?: string;
    readonly auth?: string;
    readonly oss?: string;
  };
}

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
