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
  /** Access paths from a data centre to an instance over VPN Gateway, Express Connect or Smart Access Gateway into the instance's VPC: acrctl plans the instance VPC's routes to the data centre where the VPC API allows, and prints the router lines, DNS records and cloud-side steps the rest needs. */
  readonly datacenterAccess?: readonly DatacenterAccess[];
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
  /** The Alibaba Cloud site of the account: `china` (aliyun.com) or `international` (alibabacloud.com). It decides the BSS endpoint and product type instances are bought with (`acr_ee_public_cn` on business.aliyuncs.com, `acr_ee_public_intl` on business.ap-southeast-1.aliyuncs.com) and the Personal Edition hosts (`registry.` or `registry-intl.`). Absent: detected on the first purchase, upgrade or release (China first, then international when BSS answers NotApplicable), as the Terraform provider does. */
  readonly site?: 'china' | 'international';
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
  /** Custom OSS bucket the instance stores its images in, chosen at purchase (BSS `DefaultOssBucket=false`, `InstanceStorageName`). Routes and outputs then use `<bucket>.oss-<region>-internal.aliyuncs.com` instead of `<instance id>-registry.oss-<region>-internal.aliyuncs.com`. No API reads it back: changing it plans nothing. */
  readonly ossBucket?: string;
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
  /** VPC endpoint links (natural key: vpc + vswitch + module). Imports need one of module Registry in RUNNING state. */
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
  /** How acrctl reaches the registries for the image copies of this instance's imports: `internet` (its internet endpoint, which must be declared enabled with an ACL entry admitting the machine that runs acrctl; Personal Edition source `registry.<region>.aliyuncs.com`) or `vpc` (its VPC domain `<name>-registry-vpc.<region>.cr.aliyuncs.com` and `registry-vpc.<region>.aliyuncs.com`: acrctl must run inside a linked VPC). */
  readonly copyEndpoint?: 'internet' | 'vpc';
  /** Acknowledges that the machine that runs acrctl apply is in the internet endpoint's ACL when its address is not known at plan time (otherwise pass `--copy-from-cidr CIDR` to have it checked). Only used with `copyEndpoint: internet`. */
  readonly copyRunnerAdmitted?: boolean;
  /** Replication (sync) rules whose source is this instance. */
  readonly replication?: readonly ReplicationRule[];
  /** Artifact lifecycle (retention) rules: which image tags the service deletes on a schedule. One rule per target (natural key: the instance, a namespace, or a repository). Plans show how many live tags a new or changed rule would delete at its next run. */
  readonly lifecycleRules?: readonly LifecycleRule[];
  /** Scan engine of the instance: `ACR` (Container Registry's own), `SAS` (Security Center) or `DISABLE`. Sent only when acrctl buys the instance (BSS CreateInstance `image_scanner`, as Terraform's image_scanner); no API reads or changes it later, so it is never compared. */
  readonly imageScanner?: 'ACR' | 'SAS' | 'DISABLE';
  /** Image scan rules (natural key: name): which pushed tags are scanned for vulnerabilities (VUL) or analysed for their content (SBOM). */
  readonly scanRules?: readonly ScanRule[];
  /** Helm chart namespaces keyed by name (the namespace naming rule: 2-120 lowercase letters, digits and `_ - .`). Separate from the image `namespaces`: charts are pushed with `helm push` (OCI) or the helm-acr plugin. Terraform: `alicloud_cr_chart_namespace`. */
  readonly chartNamespaces?: Readonly<Record<string, ChartNamespace>>;
  /** Pull-through subscriptions: repositories of the instance kept filled from a public registry (Docker Hub, GCR, Quay), the newest `tagCount` tags matching `tagFilter`. Natural key: from + sourceNamespace + sourceRepository + namespace + repository. Terraform: `alicloud_cr_artifact_subscription_rule`. */
  readonly subscriptions?: readonly Subscription[];
  /** Custom domains of the registry (natural key: domain), each with its TLS certificate. The plan outputs the DNS record each needs (a CNAME to the instance's public host). Terraform: `alicloud_cr_instance_customized_domain`. */
  readonly customDomains?: readonly CustomDomain[];
  /** Delivery chains (natural key: name): the pipeline each image pushed to a repository, a namespace or the instance runs through (build, push, scan, replicate, trigger). Checked as a graph before apply. */
  readonly chains?: readonly Chain[];
  /** Storage domain routing (an API Alibaba Cloud allow-lists per ticket): which OSS domain serves the image layers pulled through each instance domain. Together the routes are the instance's one routing rule (Terraform alicloud_cr_storage_domain_routing_rule, ROS ALIYUN::CR::StorageDomainRoutingRule). Absent: not managed (a live rule is unmanaged, or deleted under `prune: true`). A plan of an instance that is not allow-listed has an error finding. */
  readonly storageRoutingRules?: readonly StorageRoute[];
  /** Event notification rules (natural key: name). The API cannot create them or read them back (no Create, no Get): a declared rule must first be created in the console (the plan says how, field by field); acrctl then sends the declared configuration when it is not what acrctl last sent (the journals of the run store keep a salted digest of it, never the value; with no record it is sent, with an info finding) and deletes undeclared rules under `prune: true`. A change made in the console is not seen. A rule with only `name` is tracked for existence alone. No Terraform or ROS counterpart. */
  readonly eventRules?: readonly EventRule[];
  /** Resource tags of the instance (API TagResources; Terraform alicloud_cr_ee_instance.tags), at most 20. Authoritative, as in Terraform: once declared (even `{}`), user tags it does not list are removed on apply. Keys are 1-128 characters, values 0-128 (quote numbers), neither containing `http://` or `https://`; keys starting with `acs:` or `aliyun` are system tags, which acrctl never sets, compares or removes. Without `tags`, the instance keeps whatever tags it has. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Resource group of the instance (API ChangeResourceGroup; Terraform alicloud_cr_ee_instance.resource_group_id). A change moves the instance in place; the plan shows the group it leaves and the one it joins. Without it, the instance stays in its group. */
  readonly resourceGroup?: string;
  /** Registry login password of the instance (API ResetLoginPassword; Terraform alicloud_cr_ee_instance.password), 8-32 characters mixing two of letters, digits and symbols. A secret: only as `${env:NAME}` (anything else is the error secret/in-config). Write-only: no API reads it back, so the plan says "will be set" whenever the run store holds no record that acrctl set this very password (the journal keeps a salted hash, never the value). Adopt never writes it. */
  readonly loginPassword?: string;
}

/** A VPC endpoint link. */
export interface VpcEndpoint {
  /** VPC id, `vpc-…`. */
  readonly vpc: string;
  /** vSwitch id, `vsw-…`, in that VPC and in a zone that supports the feature you need (imports). */
  readonly vswitch: string;
  /** Create the PrivateZone records that resolve the VPC host inside the VPC. */
  readonly privateZone?: boolean;
  /** What the VPC reaches: `Registry` (images) or `Chart` (Helm charts, `chartNamespaces`). A VPC may be linked to both, as two entries. Terraform: `module_name` of `alicloud_cr_vpc_endpoint_linked_vpc`. */
  readonly module?: 'Registry' | 'Chart';
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
  /** Allow a name the vendor reserves on the Personal Edition hosts (`acs`: the official ACK images) on an instance with Personal Edition domain support. Without it that is an error: the namespace would capture those pulls. */
  readonly allowReservedName?: boolean;
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
  /** Webhooks called when an image is pushed (natural key: name). Their URLs are secrets: `${env:NAME}` only, never printed. */
  readonly triggers?: readonly Trigger[];
  /** Building images from source code (API CreateRepoSourceCodeRepo, CreateRepoBuildRule): the bound source-code repository and the build rules. The code platform's account must be bound to the instance in the console first (no API can); removing `source` does not unbind it (no API can). */
  readonly build?: RepositoryBuild;
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
  /** Also import the build configuration (not build records) of the repositories Personal Edition builds automatically: their build rules are created where the target repository declares `build.source` (no API returns the source a Personal Edition repository is bound to); the others are a gate with console steps. Only with `from: personal`. */
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

/** A replication target in an account acrctl does not operate (a partner's or another department's: its owner hands over the account UID, the region and the instance id). Its owner creates the role `aliyuncontainerregistrycrossaccoutsyncrole` with the trust policy and policy acrctl prints, and the namespace (auto-create on) or repository the rule needs. */
export interface ExternalTarget {
  /** UID of the account that owns the target instance: 16 digits, quoted. Not a declared account (name a declared account's instance by its alias). */
  readonly uid: string;
  /** Region of the target instance. */
  readonly region: Region;
  /** Id of the target instance, `cri-…`. */
  readonly instanceId: string;
  /** The target instance's name, for plans and outputs only (acrctl cannot read it). */
  readonly name?: string;
}

/** A replication (sync) rule from this instance to another one, in the same or another account or region. Copies images pushed after the rule exists; `backfill` also copies older ones. */
export interface ReplicationRule {
  /** Rule name, unique within the source instance (the natural key): 1-64 letters, digits, `_ . -`. */
  readonly name: string;
  /** The target instance: the alias of a declared instance (under `instances`), or an instance acrctl does not operate, in another account (`{uid, region, instanceId, name?}`: a partner's). For the latter acrctl reads and creates nothing in that account: it prints what the target's owner must create (role, trust policy, policy, namespaces) and plans the rule as a gate the first time. */
  readonly to: string | ExternalTarget;
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

/** One access path from a data centre to an instance. */
export interface DatacenterAccess {
  /** Unique name of this access path (its natural key). */
  readonly name: string;
  /** Alias of the target instance (under `instances`). */
  readonly to: string;
  /** The instance VPC the connection ends in: one of the instance's `vpcEndpoints` VPCs (default: the first). */
  readonly vpc?: string;
  /** Route table of the instance VPC, `vtb-…`, that receives one route per data-centre CIDR towards the connection. Required for `vpn`, and for `expressConnect` with `routerInterface`. */
  readonly routeTable?: string;
  /** The data centre. */
  readonly datacenter: {
    /** CIDRs in use in the data centre: routed to from the instance VPC, and checked against the registry's addresses. */
    readonly cidrs: readonly string[];
  };
  /** How the data centre is connected to the instance VPC. */
  readonly connection: {
    /** `vpn` (VPN Gateway), `expressConnect` (a virtual border router) or `sag` (Smart Access Gateway). */
    readonly kind: 'vpn' | 'expressConnect' | 'sag';
    /** The VPN gateway (`vpn-…`), virtual border router (`vbr-…`) or SAG instance (`sag-…`). acrctl reads VPN gateways and VBRs to verify them; SAG instances it cannot read. */
    readonly id: string;
    /** Express Connect only: the instance VPC's router interface to the VBR, `ri-…`. With it acrctl creates the VPC routes to the data centre (next hop RouterInterface); without it, it prints them. */
    readonly routerInterface?: string;
  };
  /** Which service addresses the data centre routes (and resolves). */
  readonly routes?: {
    /** The auth service address. Not needed when the instance has authDomainTakeover. */
    readonly auth?: boolean;
    /** The OSS bucket address. Set false when OSS is reached over PrivateLink with a CNAME. */
    readonly oss?: boolean;
  };
  /** Service addresses no API tells (and an override of the instance's). */
  readonly addresses?: {
    /** Address of the instance's VPC host (default: the VPC endpoint link's, read live). */
    readonly instance?: string;
    /** Address of the auth service VPC host (e.g. 100.103.7.181). */
    readonly auth?: string;
    /** Address of the OSS internal host (e.g. 100.118.28.43). */
    readonly oss?: string;
  };
}

/** An artifact lifecycle rule (API CreateArtifactLifecycleRule; Terraform alicloud_cr_artifact_lifecycle_rule, ROS ALIYUN::CR::ArtifactLifecycleRule). In each repository it covers, tags matching `keepTags` are kept, then the `retainLatest` most recently pushed of the others; the rest are deleted when the rule runs. */
export type LifecycleRule = {
  /** `instance`: every repository of the instance; `namespace`: every repository of `namespace`; `repository`: `namespace`/`repository` only (API INSTANCE | NAMESPACE | REPO). */
  readonly scope: 'instance';
  /** How many of the most recently pushed tags (not matching `keepTags`) each repository keeps (API RetentionTagCount). */
  readonly retainLatest: number;
  /** Tags whose WHOLE name matches this RE2 expression are always kept (API TagRegexp). Empty or absent: none is kept for its name. */
  readonly keepTags?: string;
  /** How often the rule runs when `auto` is true (API ScheduleTime). */
  readonly schedule?: 'DAY' | 'WEEK' | 'MONTH';
  /** Run on the schedule (true), or only when started by hand (false). */
  readonly auto?: boolean;
  /** Delete tags when the rule runs (API EnableDeleteTag). false keeps the rule but deletes nothing. */
  readonly enabled?: boolean;
} | {
  /** `instance`: every repository of the instance; `namespace`: every repository of `namespace`; `repository`: `namespace`/`repository` only (API INSTANCE | NAMESPACE | REPO). */
  readonly scope: 'namespace';
  /** Namespace of the instance (declared under its `namespaces`). Required with scope namespace and repository. */
  readonly namespace: string;
  /** How many of the most recently pushed tags (not matching `keepTags`) each repository keeps (API RetentionTagCount). */
  readonly retainLatest: number;
  /** Tags whose WHOLE name matches this RE2 expression are always kept (API TagRegexp). Empty or absent: none is kept for its name. */
  readonly keepTags?: string;
  /** How often the rule runs when `auto` is true (API ScheduleTime). */
  readonly schedule?: 'DAY' | 'WEEK' | 'MONTH';
  /** Run on the schedule (true), or only when started by hand (false). */
  readonly auto?: boolean;
  /** Delete tags when the rule runs (API EnableDeleteTag). false keeps the rule but deletes nothing. */
  readonly enabled?: boolean;
} | {
  /** `instance`: every repository of the instance; `namespace`: every repository of `namespace`; `repository`: `namespace`/`repository` only (API INSTANCE | NAMESPACE | REPO). */
  readonly scope: 'repository';
  /** Namespace of the instance (declared under its `namespaces`). Required with scope namespace and repository. */
  readonly namespace: string;
  /** Repository of that namespace (declared there). Required with scope repository. */
  readonly repository: string;
  /** How many of the most recently pushed tags (not matching `keepTags`) each repository keeps (API RetentionTagCount). */
  readonly retainLatest: number;
  /** Tags whose WHOLE name matches this RE2 expression are always kept (API TagRegexp). Empty or absent: none is kept for its name. */
  readonly keepTags?: string;
  /** How often the rule runs when `auto` is true (API ScheduleTime). */
  readonly schedule?: 'DAY' | 'WEEK' | 'MONTH';
  /** Run on the schedule (true), or only when started by hand (false). */
  readonly auto?: boolean;
  /** Delete tags when the rule runs (API EnableDeleteTag). false keeps the rule but deletes nothing. */
  readonly enabled?: boolean;
};

/** A scan rule (API CreateScanRule; Terraform alicloud_cr_scan_rule, ROS ALIYUN::CR::ScanRule). */
export type ScanRule = {
  /** `instance`: every repository; `namespace`: the repositories of `namespaces`; `repository`: `repositories` of one `namespace` (API ScanScope INSTANCE | NAMESPACE | REPO). */
  readonly scope: 'instance';
  /** Rule name, unique within the instance (API RuleName). */
  readonly name: string;
  /** Only pushed tags matching this RE2 expression are scanned (API RepoTagFilterPattern). */
  readonly tagFilter?: string;
  /** `auto`: scan on push (API TriggerType AUTO); `manual`: only when started by hand (MANUAL). */
  readonly trigger?: 'auto' | 'manual';
  /** `VUL`: vulnerability scan; `SBOM`: content analysis. Changing it replaces the rule (UpdateScanRule has no ScanType). */
  readonly scanType?: 'VUL' | 'SBOM';
} | {
  /** `instance`: every repository; `namespace`: the repositories of `namespaces`; `repository`: `repositories` of one `namespace` (API ScanScope INSTANCE | NAMESPACE | REPO). */
  readonly scope: 'namespace';
  /** Rule name, unique within the instance (API RuleName). */
  readonly name: string;
  /** Namespaces scanned (declared in the instance). Required with scope namespace, not allowed otherwise. */
  readonly namespaces: readonly string[];
  /** Only pushed tags matching this RE2 expression are scanned (API RepoTagFilterPattern). */
  readonly tagFilter?: string;
  /** `auto`: scan on push (API TriggerType AUTO); `manual`: only when started by hand (MANUAL). */
  readonly trigger?: 'auto' | 'manual';
  /** `VUL`: vulnerability scan; `SBOM`: content analysis. Changing it replaces the rule (UpdateScanRule has no ScanType). */
  readonly scanType?: 'VUL' | 'SBOM';
} | {
  /** `instance`: every repository; `namespace`: the repositories of `namespaces`; `repository`: `repositories` of one `namespace` (API ScanScope INSTANCE | NAMESPACE | REPO). */
  readonly scope: 'repository';
  /** Rule name, unique within the instance (API RuleName). */
  readonly name: string;
  /** The namespace of `repositories`. Required with scope repository, not allowed otherwise. */
  readonly namespace: string;
  /** Repositories of `namespace` scanned (declared there). Required with scope repository. */
  readonly repositories: readonly string[];
  /** Only pushed tags matching this RE2 expression are scanned (API RepoTagFilterPattern). */
  readonly tagFilter?: string;
  /** `auto`: scan on push (API TriggerType AUTO); `manual`: only when started by hand (MANUAL). */
  readonly trigger?: 'auto' | 'manual';
  /** `VUL`: vulnerability scan; `SBOM`: content analysis. Changing it replaces the rule (UpdateScanRule has no ScanType). */
  readonly scanType?: 'VUL' | 'SBOM';
};

/** A repository webhook (API CreateRepoTrigger). Fires for every tag, for the tags of `tags`, or for the tags matching `tagFilter`. The event is not settable through the API. */
export interface Trigger {
  /** Trigger name, unique within the repository (API TriggerName). */
  readonly name: string;
  /** The URL called (API TriggerUrl), http or https. A secret (URLs carry tokens): only as `${env:NAME}` (anything else is the error secret/in-config); masked in plans, never written to plan files or journals. */
  readonly url: string;
  /** Fire only for these tags (API TriggerType TAG_LIST). Not with `tagFilter`. */
  readonly tags?: readonly string[];
  /** Fire only for tags matching this RE2 expression (API TriggerType TAG_REG_EXP). Not with `tags`. */
  readonly tagFilter?: string;
}

/** A Helm chart namespace. Deleting it deletes every chart repository and chart in it. */
export interface ChartNamespace {
  /** Create a chart repository automatically on the first push to a name that does not exist. */
  readonly autoCreateRepo?: boolean;
  /** Type of automatically created chart repositories, and of declared ones that set no `type`. */
  readonly defaultRepoType?: 'PUBLIC' | 'PRIVATE';
  /** Delete chart repositories found live in this chart namespace but not declared. */
  readonly prune?: boolean;
  /** Chart repositories keyed by repository name. Terraform: `alicloud_cr_chart_repository`. */
  readonly repositories?: Readonly<Record<string, ChartRepository>>;
}

/** A Helm chart repository. */
export interface ChartRepository {
  /** PUBLIC or PRIVATE. Default: the chart namespace's defaultRepoType. */
  readonly type?: 'PUBLIC' | 'PRIVATE';
  /** One-line summary, up to 100 characters. */
  readonly summary?: string;
}

/** A pull-through subscription (an artifact subscription rule). */
export interface Subscription {
  /** A label for the subscription in plans. Not stored by the service (rules have no name), so adopt cannot write it back. */
  readonly name?: string;
  /** The public registry pulled from. */
  readonly from: 'DOCKER_HUB' | 'GCR' | 'QUAY';
  /** Namespace (organisation) in the source registry; `library` for Docker Hub official images. */
  readonly sourceNamespace: string;
  /** Repository in the source registry, e.g. `nginx`. */
  readonly sourceRepository: string;
  /** Tags to pull (RE2, whole tag). Default: every tag. */
  readonly tagFilter?: string;
  /** Namespace of this instance the images go to (declared under `namespaces`). */
  readonly namespace: string;
  /** Repository the images go to. Default: the source repository's name. */
  readonly repository?: string;
  /** How many of the newest matching tags to keep pulled. */
  readonly tagCount?: number;
  /** Overwrite a tag already in the repository when the source's differs. */
  readonly override?: boolean;
  /** Operating system/architecture of the images pulled from multi-arch sources. */
  readonly platforms?: readonly string[];
  /** Use the accelerated subscription channel (public preview). */
  readonly accelerate?: boolean;
  /** When the rule is created, pull once right away (one subscription task, a `run` action) rather than waiting for the service's next pull. */
  readonly pullOnCreate?: boolean;
}

/** A custom domain of the registry. */
export interface CustomDomain {
  /** The domain name, lowercase, e.g. `registry.example.com`. */
  readonly domain: string;
  /** What the domain serves (API ModuleName): `Registry` (images) or `Chart` (Helm charts: the instance declares `chartNamespaces`, lint `custom-domain-chart-needs-charts`). Another module replaces the domain (delete, then create). */
  readonly module?: 'Registry' | 'Chart';
  /** The TLS certificate of the domain. */
  readonly certificate: CustomDomainCertificate;
}

/** The TLS certificate, one of: its id in Certificate Management Service (`id`, with its `region`), or a PEM bundle (`pem`: the certificate chain, leaf first, and its private key, as `${env:NAME}`) that acrctl uploads to Certificate Management Service (named `acrctl-<domain>-<SHA-256 prefix>`, found again by its SHA-256 fingerprint) and registers by the id it gets. A new PEM (a renewal) is uploaded, then the domain switches to it; the previous upload is left in Certificate Management Service (the plan shows it). */
export interface CustomDomainCertificate {
  /** Certificate id in Certificate Management Service, e.g. `21428921`. */
  readonly id?: string;
  /** Region of the certificate (CertRegionId), e.g. `cn-hangzhou`. Sent, never read back. With `pem`: the region whose Certificate Management Service endpoint receives the upload (default the instance's; regions without their own endpoint use `cas.aliyuncs.com`, cn-hangzhou). */
  readonly region?: string;
  /** PEM bundle: the certificate chain (leaf first) and its unencrypted private key, a secret: only as `${env:NAME}` (a PEM written in the file is the error secret/in-config); never printed, saved in plans or journals (plans show its SHA-256 fingerprint, subject, names and expiry). Checked before planning: it parses, the key matches the certificate, it has not expired, and its names cover the domain. */
  readonly pem?: string;
}

/** A delivery chain (API CreateChain; Terraform alicloud_cr_chain, no ROS resource). Its scope is `repository` of `namespace`, every repository of `namespace`, or (neither) the whole instance; a new scope replaces the chain (UpdateChain cannot move it). */
export interface Chain {
  /** Chain name, unique within the instance (API Name): 1-64 lower-case letters, digits and the separators `_ - .`, not at either end. */
  readonly name: string;
  /** The namespace the chain runs on (declared in the instance; API RepoNamespaceName). Absent: every repository of the instance. */
  readonly namespace?: string;
  /** The one repository of `namespace` the chain runs on (declared there; API RepoName). Absent: every repository of the namespace. */
  readonly repository?: string;
  /** What the chain is for (API Description). */
  readonly description?: string;
  /** Repositories of `namespace` the chain skips (declared there; API ScopeExclude). Only for a namespace-wide chain. */
  readonly exclude?: readonly string[];
  /** The nodes of the chain by name (build, push, scan, replicate, trigger, snapshot, snapshotTrigger), each with its settings. */
  readonly nodes: ChainNodes;
  /** The order of the nodes as `from -> to` routes (API ChainConfig.Routers). Absent: the product's routes between the declared nodes. Only the product's routes are allowed: build -> push, push -> scan, scan -> replicate, replicate -> trigger, scan -> snapshot, snapshot -> snapshotTrigger. */
  readonly routes?: readonly string[];
}

/** The nodes of a delivery chain, by name (API ChainConfig.Nodes). The product's order is build → push → scan → replicate → trigger, with scan → snapshot → snapshotTrigger beside it; declare the nodes the chain holds, in any order, each with its settings. */
export interface ChainNodes {
  /** Build the image (API node DOCKER_IMAGE_BUILD). */
  readonly build?: ChainNode;
  /** Push the image (DOCKER_IMAGE_PUSH). */
  readonly push?: ChainNode;
  /** Scan the image for vulnerabilities and block delivery by its deny policy (VULNERABILITY_SCANNING). */
  readonly scan?: ChainScanNode;
  /** Start the replication (sync) rules of the repository (ACTIVATE_REPLICATION). */
  readonly replicate?: ChainNode;
  /** Call the repository's triggers when delivery completes (TRIGGER). */
  readonly trigger?: ChainNode;
  /** Take a snapshot of the image after the scan (SNAPSHOT). */
  readonly snapshot?: ChainNode;
  /** Call the triggers of the snapshot (TRIGGER_SNAPSHOT). */
  readonly snapshotTrigger?: ChainNode;
}

/** A node of a delivery chain and whether it runs. */
export interface ChainNode {
  /** Whether the node runs (API Enable). A node declared with `enabled: false` keeps its place in the chain but is skipped. */
  readonly enabled?: boolean;
}

/** The scan node of a delivery chain: whether it runs, and what blocks delivery. */
export interface ChainScanNode {
  /** Whether the node runs (API Enable). A node declared with `enabled: false` keeps its place in the chain but is skipped. */
  readonly enabled?: boolean;
  /** The deny policy (required while the scan runs). */
  readonly deny?: ChainDenyPolicy;
}

/** When the scan blocks delivery (API NodeConfig.DenyPolicy): `count` issues of `severity` or above, combined by `logic`, cause `action`. */
export interface ChainDenyPolicy {
  /** The vulnerability level that counts (API IssueLevel). */
  readonly severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'UNKNOWN';
  /** How many such vulnerabilities block (API IssueCount). */
  readonly count: number;
  /** How the level and the count combine (API Logic). */
  readonly logic: 'AND' | 'OR';
  /** `BLOCK`: stop the chain; `BLOCK_RETAG`: also refuse pushes that overwrite the tag; `BLOCK_DELETE_TAG`: also delete the tag (API Action). */
  readonly action: 'BLOCK' | 'BLOCK_RETAG' | 'BLOCK_DELETE_TAG';
}

/** One route of the storage domain routing rule (API Routes[]: EndpointType, InstanceDomain, StorageDomain). Keyed by endpointType and instanceDomain. */
export interface StorageRoute {
  /** The endpoint the route applies to: `Internet` or `Vpc` (API EndpointType; the documented example is Internet). */
  readonly endpointType: 'Internet' | 'Vpc';
  /** A domain of this instance: `<name>-registry.<region>.cr.aliyuncs.com` or a declared custom domain for Internet, `<name>-registry-vpc.<region>.cr.aliyuncs.com` for Vpc. */
  readonly instanceDomain: string;
  /** The OSS domain that serves the layers, in the instance's region (`https://` optional: it is compared without it). */
  readonly storageDomain: string;
}

/** An event notification rule (API UpdateEventCenterRule / DeleteEventCenterRule; created only in the console). Every field but `name` is optional: only declared fields are sent. */
export interface EventRule {
  /** Rule name, unique within the instance (API RuleName; ListEventCenterRuleName matches it). */
  readonly name: string;
  /** The event that notifies (API EventType). */
  readonly eventType?: 'cr:Artifact:DeliveryChainCompleted' | 'cr:Artifact:SynchronizationCompleted' | 'cr:Artifact:BuildCompleted' | 'cr:Artifact:ScanCompleted' | 'cr:Artifact:SigningCompleted';
  /** `instance`: every repository; `namespace`: the repositories of `namespaces`; `repository`: `repositories` of one `namespace` (API EventScope INSTANCE | NAMESPACE | REPO). */
  readonly scope?: 'instance' | 'namespace' | 'repository';
  /** Namespaces covered (declared in the instance). Required with scope namespace, not allowed otherwise. */
  readonly namespaces?: readonly string[];
  /** The namespace of `repositories`. Required with scope repository, not allowed otherwise. */
  readonly namespace?: string;
  /** Repositories of `namespace` covered (declared there). Required with scope repository. */
  readonly repositories?: readonly string[];
  /** Only tags matching this RE2 expression notify (API RepoTagFilterPattern). */
  readonly tagFilter?: string;
  /** Notification channel (API EventChannel), e.g. `EVENT_BRIDGE` (the documented example). */
  readonly channel?: string;
  /** The rule's event configuration, a JSON document (API EventConfig; its fields are not documented). It may hold a DingTalk token or a webhook URL: give it as `${env:NAME}`. Never shown in plans. */
  readonly config?: string;
}

/** The build configuration of a repository: its source binding (`source`) and its build rules (`rules`). */
export interface RepositoryBuild {
  /** The source-code repository it builds from; removing it does not unbind it (no API can). */
  readonly source?: BuildSource;
  /** Build rules (natural key: the push (`branch` or `gitTag`) and `imageTag`). Rules that registry.yaml does not declare are deleted under `prune: true`. */
  readonly rules?: readonly BuildRule[];
}

/** The source-code repository the image repository builds from, one per repository (API CreateRepoSourceCodeRepo; changed in place by UpdateRepoSourceCodeRepo). Needs an account of `platform` bound to the instance in the console (Repositories → Code Source): acrctl cannot check it before apply. Removing it from registry.yaml leaves the binding in place: the API has no call to unbind one. */
export interface BuildSource {
  /** Code hosting platform (API CodeRepoType). */
  readonly platform: 'GITHUB' | 'GITLAB' | 'GITEE' | 'CODE' | 'CODEUP';
  /** Owner, organisation or group of the code repository on the platform (API CodeRepoNamespaceName). */
  readonly namespace: string;
  /** Name of the code repository (API CodeRepoName). */
  readonly repository: string;
  /** Build on every push that matches a rule (API AutoBuild). Default: true. */
  readonly autoBuild?: boolean;
  /** Build without the layer cache (API DisableCacheBuild). Default: false. */
  readonly disableCache?: boolean;
  /** Build on servers outside the Chinese mainland (API OverseaBuild), for sources hosted abroad. Default: false. */
  readonly overseaBuild?: boolean;
}

/** An image build rule (API CreateRepoBuildRule): a push to `branch`, or of a Git tag matching `gitTag`, builds the image tag `imageTag`. Known by its push and `imageTag`; the Dockerfile, platforms and build arguments change in place. Builds run in the service, from the bound `build.source`. */
export interface BuildRule {
  /** Build on pushes to this branch (API PushType GIT_BRANCH, PushName). Not with `gitTag`. */
  readonly branch?: string;
  /** Build on pushes of Git tags matching this expression (API PushType GIT_TAG, PushName). Not with `branch`. */
  readonly gitTag?: string;
  /** The image tag built (API ImageTag), e.g. `latest`. A `${…}` the service should see is written `$${…}` (acrctl interpolates `${env:NAME}`). */
  readonly imageTag: string;
  /** Directory of the Dockerfile in the source repository (API DockerfileLocation). Default: `/`. */
  readonly dockerfileLocation?: string;
  /** File name of the Dockerfile (API DockerfileName). Default: `Dockerfile`. */
  readonly dockerfileName?: string;
  /** Platforms to build for (API Platforms). Default: `[linux/amd64]`. */
  readonly platforms?: readonly ('linux/amd64' | 'linux/arm64' | 'linux/386' | 'linux/arm/v7' | 'linux/arm/v6')[];
  /** Build arguments, `NAME=value`, in order (API BuildArgs). Never secrets: they are stored in the rule and shown in plans. Going from some to none replaces the rule (the API cannot clear them). */
  readonly buildArgs?: readonly string[];
}
