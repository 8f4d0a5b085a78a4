// Generated from schemas/registry.schema.json by src/config/typegen.ts: do not edit by hand.
// Run `npm run gen` after changing the language (src/config/language.ts or a kind's `language`);
// test/config/language.test.ts fails when this file is stale.

/** Desired state of a Container Registry Enterprise Edition estate: accounts, instances, namespaces, repositories, endpoints, imports, replication, cross-account roles and cross-region access. Validate with `acrctl validate`. */
export interface RegistryDocument {
  /** Language version of this file. Only 1 exists. */
  readonly version: 1;
  /** Cloud accounts by alias. The alias (letters, digits, `-`, `_`, starting with a letter) is how instances, rules and roles refer to an account. */
  readonly accounts: Readonly<Record<string, Account>>;
  /** Where apply keeps its runs and its lock: an OSS bucket shared by every machine (default: .acrctl/ in the working directory). */
  readonly runStore?: RunStore;
  /** Enterprise Edition instances by local alias. The alias is used for references inside this file; the cloud instance name is `name`. */
  readonly instances?: Readonly<Record<string, Instance>>;
  /** Explicit cross-account sync roles, keyed by the alias of the TARGET account (the account the role is created in). Normally acrctl derives the role, its trust policy and its policy from replication rules that cross accounts; declare one here to trust extra source accounts or to replace the derived policy. */
  readonly crossAccountRoles?: Readonly<Record<string, CrossAccountRole>>;
  /** Access paths from a VPC in another region to an instance, over CEN transit routers: acrctl plans the routes (auth service /32, OSS /32 and 100.0.0.0/8 on the transit routers) and prints the DNS/hosts lines the source needs. */
  readonly crossRegionAccess?: readonly CrossRegionAccess[];
}

/** Where apply keeps its runs (journals, run plans, reports) and its lock. Without it, `.acrctl/` in the working directory. With an OSS bucket, every machine that names it shares the lock and can resume a run another machine started (docs/ci.md). `--run-store` and `ACRCTL_RUN_STORE` override it. */
export interface RunStore {
  /** An OSS bucket (private, versioning off) of one of the declared accounts; apply reads and writes it with that account's credentials. */
  readonly oss: {
    /** The account (alias) that owns the bucket. */
    readonly account: string;
    /** The bucket's region. */
    readonly region: Region;
    /** Bucket name: 3-63 lowercase letters, digits and `-`, not starting or ending with `-`. */
    readonly bucket: string;
    /** Key prefix for this estate's runs and lock (one per estate when several share a bucket), e.g. `acrctl/prod`. Default: none. */
    readonly prefix?: string;
  };
}

/** Region id with a Container Registry endpoint, e.g. `cn-hangzhou`. */
export const REGIONS = ['us-west-1', 'us-southeast-1', 'us-east-1', 'na-south-1', 'me-east-1', 'me-central-1', 'eu-west-2', 'eu-west-1', 'eu-central-1', 'cn-zhongwei', 'cn-zhengzhou-jva', 'cn-zhangjiakou', 'cn-wulanchabu-gic-1', 'cn-wulanchabu', 'cn-wuhan-lr', 'cn-shenzhen-finance-1', 'cn-shenzhen', 'cn-shanghai-finance-1', 'cn-shanghai', 'cn-qingdao', 'cn-north-2-gov-1', 'cn-nanjing', 'cn-huhehaote', 'cn-hongkong', 'cn-heyuan-acdr-1', 'cn-heyuan', 'cn-hangzhou-finance', 'cn-hangzhou', 'cn-guangzhou', 'cn-fuzhou', 'cn-chengdu', 'cn-beijing-finance-1', 'cn-beijing', 'ap-southeast-8', 'ap-southeast-7', 'ap-southeast-6', 'ap-southeast-5', 'ap-southeast-3', 'ap-southeast-1', 'ap-northeast-2', 'ap-northeast-1'] as const;
/** Region id with a Container Registry endpoint, e.g. `cn-hangzhou`. */
export type Region = (typeof REGIONS)[number];

/** An account: its 16-digit UID and how acrctl gets credentials for it. Access keys never go in this file: use a profile, environment variables, an assumed RAM role or the default credentials chain. */
export interface Account {
  /** 16-digit account UID, quoted (as a YAML number it would lose precision). `${env:NAME}` is allowed. */
  readonly uid: string;
  /** Free text for humans. */
  readonly description?: string;
  /** Where acrctl gets credentials for this account. Absent: the default credentials chain (environment, config file, instance role). */
  readonly credentials?: Credentials;
}

/** Exactly one of `profile`, `env`, `ramRoleArn` (with an optional `sessionName`) or `defaultChain: true`. */
export type Credentials = {
  /** Name of a profile in the Alibaba Cloud CLI config (`~/.aliyun/config.json`). */
  readonly profile: string;
} | {
  /** Prefix of environment variables holding the keys: `<PREFIX>_ACCESS_KEY_ID`, `<PREFIX>_ACCESS_KEY_SECRET` and optionally `<PREFIX>_SECURITY_TOKEN`. */
  readonly env: string;
} | {
  /** ARN of a RAM role to assume with the default credentials chain, `acs:ram::<uid>:role/<name>`. */
  readonly ramRoleArn: string;
  /** Session name when assuming `ramRoleArn`, 2-64 characters. Default `acrctl`. */
  readonly sessionName?: string;
} | {
  /** Use the default credentials chain explicitly (the same as leaving `credentials` out). */
  readonly defaultChain: true;
};

/** An Enterprise Edition instance. */
export interface Instance {
  /** Alias of the account (under `accounts`) that owns the instance. */
  readonly account: string;
  /** Region of the instance. */
  readonly region: Region;
  /** Edition. Cross-account replication needs Advanced on the source side. */
  readonly edition: 'Basic' | 'Standard' | 'Advanced';
  /** Cloud instance name, the natural key: 3-30 lowercase letters, digits and hyphens, not starting or ending with a hyphen. Hosts are `<name>-registry.<region>.cr.aliyuncs.com` and `<name>-registry-vpc.<region>.cr.aliyuncs.com`. */
  readonly name: string;
  /** Delete unmanaged direct children found live: namespaces, VPC endpoint links, import rules and replication rules. When false, they are only reported by plan and drift. */
  readonly prune?: boolean;
  /** Extra quotas bought with the instance. */
  readonly quotas?: {
    /** Extra namespaces: a multiple of 5, 0 to 100000. */
    readonly namespaces?: number;
    /** Extra repositories: a multiple of 1000, 0 to 1000000. */
    readonly repositories?: number;
    /** VPC quota, 0 to 100. */
    readonly vpcs?: number;
  };
  /** VPC endpoint links (natural key: vpc + vswitch). Imports need one in RUNNING state. */
  readonly vpcEndpoints?: readonly VpcEndpoint[];
  /** The public endpoint and its ACL. Absent: not managed. */
  readonly internetEndpoint?: InternetEndpoint;
  /** Personal Edition domain support: the Personal Edition hosts of this region route to this instance for namespaces it has. At most one instance per region. A console-only switch behind a vendor allow-list: acrctl plans it as a verified gate. */
  readonly personalEditionDomain?: boolean;
  /** Auth-domain takeover: the instance answers the auth domain itself, so cross-region access needs no auth-service route. A console-only switch behind a vendor allow-list: acrctl plans it as a verified gate. */
  readonly authDomainTakeover?: boolean;
  /** Namespaces keyed by namespace name: 2-120 lowercase letters, digits and separators `_ - .`, not starting or ending with a separator. */
  readonly namespaces?: Readonly<Record<string, Namespace>>;
  /** Import rules into this instance, from a Personal Edition instance or an OSS bucket. */
  readonly imports?: readonly ImportRule[];
  /** Replication (sync) rules whose source is this instance. */
  readonly replication?: readonly ReplicationRule[];
}

/** A VPC endpoint link. */
export interface VpcEndpoint {
  /** VPC id, `vpc-…`. */
  readonly vpc: string;
  /** vSwitch id, `vsw-…`, in that VPC and in a zone that supports the feature you need (imports). */
  readonly vswitch: string;
  /** Create the PrivateZone records that resolve the VPC host inside the VPC. */
  readonly privateZone?: boolean;
}

/** Public endpoint of the instance. */
export interface InternetEndpoint {
  /** Whether the public endpoint is on. */
  readonly enabled?: boolean;
  /** ACL whitelist entries (natural key: cidr). */
  readonly allow?: readonly AclEntry[];
  /** Delete ACL entries found live but not declared (including the automatic `127.0.0.1/32` default entry). */
  readonly prune?: boolean;
}

/** One ACL entry. */
export interface AclEntry {
  /** Allowed IPv4 CIDR. */
  readonly cidr: string;
  /** Why this entry exists. */
  readonly description?: string;
}

/** A namespace. */
export interface Namespace {
  /** Create a repository automatically on the first push to a name that does not exist. Needed on the target side of namespace-level replication. */
  readonly autoCreateRepo?: boolean;
  /** Type of automatically created repositories. */
  readonly defaultRepoType?: 'PUBLIC' | 'PRIVATE';
  /** Delete repositories found live in this namespace but not declared. */
  readonly prune?: boolean;
  /** Repositories keyed by repository name. */
  readonly repositories?: Readonly<Record<string, Repository>>;
}

/** A repository. */
export interface Repository {
  /** PUBLIC or PRIVATE. Default: the namespace's defaultRepoType. */
  readonly type?: 'PUBLIC' | 'PRIVATE';
  /** One-line summary, 1-100 characters (the API requires one). */
  readonly summary: string;
  /** Longer description in Markdown, up to 2000 characters. */
  readonly detail?: string;
  /** Tags cannot be overwritten once pushed. */
  readonly tagImmutability?: boolean;
}

/** An import rule: from a Personal Edition instance (`from: personal`) or an OSS bucket (`from: oss`). Needs a RUNNING VPC endpoint on the instance and a region that supports imports. */
export type ImportRule = {
  /** Source kind. */
  readonly from: 'personal';
  /** Region of the source (Personal Edition instance or bucket). Default: the instance's region. */
  readonly sourceRegion?: Region;
  /** Personal Edition namespace to import (2-30 characters). Default: the same name as `namespace`. Only with `from: personal`. */
  readonly sourceNamespace?: string;
  /** Target namespace in this instance; it must be declared under `namespaces`. */
  readonly namespace: string;
  /** Latest N images per repository to import, 0 to 1000 (0 = namespace and repository metadata only). */
  readonly latest?: number;
  /** Only tags matching this regular expression (RE2 syntax) are imported. */
  readonly tagFilter?: string;
  /** Overwrite an existing tag in the instance whose digest differs. */
  readonly overwrite?: boolean;
  /** Also import build rules and bound source repositories (not build records); the source-code platform must be bound to the instance first. Only with `from: personal`. */
  readonly includeBuildConfig?: boolean;
} | {
  /** Source kind. */
  readonly from: 'oss';
  /** Region of the source (Personal Edition instance or bucket). Default: the instance's region. */
  readonly sourceRegion?: Region;
  /** OSS bucket holding the registry copy. Required with `from: oss`, not allowed otherwise. */
  readonly bucket: string;
  /** Object prefix inside the bucket. Default: the bucket root. Only with `from: oss`. */
  readonly prefix?: string;
  /** Target namespace in this instance; it must be declared under `namespaces`. */
  readonly namespace: string;
  /** Latest N images per repository to import, 0 to 1000 (0 = namespace and repository metadata only). */
  readonly latest?: number;
  /** Only tags matching this regular expression (RE2 syntax) are imported. */
  readonly tagFilter?: string;
  /** Overwrite an existing tag in the instance whose digest differs. */
  readonly overwrite?: boolean;
};

/** A replication (sync) rule from this instance to another one, in the same or another account or region. Copies images pushed after the rule exists; `backfill` also copies older ones. */
export interface ReplicationRule {
  /** Rule name, unique within the source instance (the natural key): 1-64 letters, digits, `_ . -`. */
  readonly name: string;
  /** Alias of the target instance (under `instances`). */
  readonly to: string;
  /** `namespace`: every repository of the namespace (the target namespace needs autoCreateRepo). `repository`: one repository, which must exist on both sides. */
  readonly level?: 'namespace' | 'repository';
  /** Namespace in the source instance (declared under its `namespaces`); the target namespace has the same name. */
  readonly namespace: string;
  /** Repository name. Required with `level: repository`, not allowed otherwise. */
  readonly repository?: string;
  /** Only tags matching this regular expression (RE2 syntax) are replicated. */
  readonly tagFilter?: string;
  /** `automatic`: on every push (API value PASSIVE). `manual`: only when started by hand (INITIATIVE). */
  readonly trigger?: 'automatic' | 'manual';
  /** Also copy images that predate the rule, as one sync task per tag. Above a threshold, the OSS copy and import route is recommended instead. */
  readonly backfill?: Backfill;
}

/** Backfill of existing images. */
export interface Backfill {
  /** Latest N tags per repository to copy (at least 1). */
  readonly latest: number;
  /** Tag regex (RE2) for the backfill. Default: the rule's tagFilter. */
  readonly tagFilter?: string;
  /** Overwrite target tags whose digest differs. */
  readonly overwrite?: boolean;
}

/** The cross-account sync role `aliyuncontainerregistrycrossaccoutsyncrole` in one target account: its trust policy (one `<uid>@cr.aliyuncs.com` principal per source account) and its policy. */
export interface CrossAccountRole {
  /** Aliases of source accounts allowed to assume the role, merged with those derived from replication rules. */
  readonly trustedAccounts?: readonly string[];
  /** Aliases of instances in this account that the derived policy covers. Default: the instances targeted by cross-account replication rules. */
  readonly instances?: readonly string[];
  /** Role description, up to 1024 characters. */
  readonly description?: string;
  /** A custom policy replacing the derived one (`cr:CreateSyncRule` and `cr:CreateRepositorySync` on the covered instances). */
  readonly policy?: RamPolicy;
}

/** A custom RAM policy. */
export interface RamPolicy {
  /** Policy name, 1-128 letters, digits and hyphens. */
  readonly name?: string;
  /** Policy statements. */
  readonly statements: readonly PolicyStatement[];
}

/** One statement of a RAM policy. */
export interface PolicyStatement {
  /** Allow or Deny. */
  readonly effect?: 'Allow' | 'Deny';
  /** RAM actions, e.g. `cr:CreateSyncRule`. */
  readonly actions: readonly string[];
  /** Resources: ARNs such as `acs:cr:cn-beijing:1234567890123456:instance/cri-example`, or `*`. */
  readonly resources: readonly string[];
}

/** A CEN transit router. */
export interface TransitRouter {
  /** Transit router id, `tr-…`. */
  readonly id: string;
  /** Transit router edition. Cross-region routing needs Enterprise. */
  readonly edition?: 'Enterprise' | 'Basic';
}

/** One access path from a VPC in another region to an instance. */
export interface CrossRegionAccess {
  /** Unique name of this access path (its natural key). */
  readonly name: string;
  /** The access source: a VPC in another region. */
  readonly from: {
    /** Alias of the account owning the source VPC. */
    readonly account: string;
    /** Region of the source VPC. */
    readonly region: Region;
    /** Source VPC id, `vpc-…`. */
    readonly vpc: string;
    /** Custom route table of the source VPC, `vtb-…`, that receives the auth and OSS /32 routes. */
    readonly routeTable: string;
    /** CIDRs in use at the source; checked against the 100.0.0.0/8 service addresses. */
    readonly cidrs?: readonly string[];
  };
  /** Alias of the target instance (under `instances`). */
  readonly to: string;
  /** The CEN instance and the transit routers of the two regions. */
  readonly cen: {
    /** CEN instance id, `cen-…`. */
    readonly id: string;
    /** Transit router in the source region. */
    readonly sourceTransitRouter: TransitRouter;
    /** Transit router in the instance's region. */
    readonly targetTransitRouter: TransitRouter;
  };
  /** Which service routes are created at the source. */
  readonly routes?: {
    /** A /32 route to the auth service. Set false when the instance has authDomainTakeover. */
    readonly auth?: boolean;
    /** A /32 route to the instance's OSS bucket. Set false when OSS is reached over PrivateLink with a CNAME. */
    readonly oss?: boolean;
  };
  /** Overrides for service addresses acrctl would otherwise discover. */
  readonly addresses?: {
    /** Address of the instance's VPC host. */
    readonly instance?: string;
    /** Address of the auth service VPC host (e.g. 100.103.7.181). */
    readonly auth?: string;
    /** Address of the OSS internal host (e.g. 100.118.28.43). */
    readonly oss?: string;
  };
}
