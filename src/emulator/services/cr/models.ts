/**
 * cr 2018-12-01 (Enterprise Edition) state: instances with their namespaces, repositories, tags,
 * endpoints, ACL entries, VPC links and console switches; sync rules and sync tasks.
 *
 * Owns: the JSON-serialisable shape of `state.services.cr` and the operations other products need
 * (BSS creates, refunds and upgrades instances through `createInstance`, `refundInstance`,
 * `upgradeInstance`). Must not import the server core; imports only the contract, params helpers
 * and the RAM query module.
 *
 * Invariants:
 * - every record is plain JSON (persisted by the core as-is);
 * - lookups are by id or name through records, listing order is kept in explicit order arrays
 *   (names such as "12" would otherwise be reordered by JS object key rules);
 * - asynchronous statuses are derived from the clock (`Lifecycle`), never advanced by timers; the
 *   only deferred side effect (a sync task copying a tag) is applied by `settle()` at the start of
 *   every call, in time order, so a read never sees a SUCCESS task without its copied tag.
 */
import type { AccountSite, CallContext, EmulatorState, EpochMs, IdGenerator, ServiceSettings } from '../../core/contract.js';
import { personalRegistryLabel } from '../../core/sites.js';
import { statusAt, settledAt, type Lifecycle } from '../../core/params.js';
import { crError } from './errors.js';
import { copyImage, type RepoArtifacts } from '../../registry/artifacts.js';
import type { CredentialTable } from '../../registry/credentials.js';

export const EDITIONS = ['Basic', 'Standard', 'Advanced'] as const;
export type Edition = (typeof EDITIONS)[number];

export type InstanceStatus = 'PENDING' | 'STARTING' | 'RUNNING' | 'DELETING';
export type EndpointStatus = 'CREATING' | 'RUNNING';
export type TaskStatus = 'PENDING' | 'SYNCHRONIZING' | 'SUCCESS' | 'ERROR' | 'CANCELED';
export type RepoType = 'PUBLIC' | 'PRIVATE';

/**
 * Base quotas of a new instance, before purchased extras. The vendor's per-edition defaults were
 * not found in any source; these are the example values of GetInstanceUsage (see SPEC.md).
 */
export const BASE_QUOTAS = { namespace: 100, repo: 1000, chartNamespace: 50, chartRepo: 5000, vpc: 5 } as const;

export interface Quotas {
  namespace: number;
  repo: number;
  chartNamespace: number;
  chartRepo: number;
  vpc: number;
}

export interface TagRecord {
  tag: string;
  /** Bare 64-hex digest, as the API shows it. */
  digest: string;
  imageId: string;
  size: number;
  /** Optional manifest media type, kept for the later data-plane issue. */
  mediaType?: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** A repository build rule: which source push builds which image tag. Builds themselves are not emulated. */
export interface BuildRuleRecord {
  buildRuleId: string;
  pushType: 'GIT_BRANCH' | 'GIT_TAG';
  pushName: string;
  imageTag: string;
  dockerfileLocation: string;
  dockerfileName: string;
  platforms: string[];
  buildArgs: string[];
}

export interface RepoRecord {
  repoId: string;
  namespace: string;
  name: string;
  repoType: RepoType;
  summary: string;
  detail: string;
  tagImmutability: boolean;
  createdAt: EpochMs;
  modifiedAt: EpochMs;
  /** Tags by name. */
  tags: Record<string, TagRecord>;
  /** Build rules (CreateRepoBuildRule), in creation order. Absent: none. */
  buildRules?: BuildRuleRecord[];
  /** Data-plane content (blobs and manifests pushed to the instance's registry), when any. */
  artifacts?: RepoArtifacts;
  /** Webhook triggers, in creation order (handlers/triggers.ts). */
  triggers?: TriggerRecord[];
  /** The bound source-code repository (CreateRepoSourceCodeRepo; handlers/builds.ts). Never unbound: no API does. */
  sourceCodeRepo?: SourceCodeRepoRecord;
}

/** A repository's source-code binding (issue 14 item 9; SPEC.md "Build rules and source bindings"). */
export interface SourceCodeRepoRecord {
  codeRepoId: string;
  /** GITHUB | GITLAB | GITEE | CODE | CODEUP */
  type: string;
  namespace: string;
  name: string;
  autoBuild: boolean;
  disableCacheBuild: boolean;
  overseaBuild: boolean;
}

/** A repository webhook trigger (handlers/triggers.ts, SPEC.md "Triggers"). */
export interface TriggerRecord {
  triggerId: string;
  name: string;
  url: string;
  type: 'ALL' | 'TAG_LIST' | 'TAG_REG_EXP';
  tag: string;
}

export interface NamespaceRecord {
  namespaceId: string;
  name: string;
  autoCreateRepo: boolean;
  defaultRepoType: RepoType;
  tagImmutability: boolean;
  imageIndexOnly: boolean;
  /** Repository ids of this namespace in creation order. */
  repoOrder: string[];
  /** Repository id by repository name. */
  repoByName: Record<string, string>;
}

export interface AclRecord {
  entry: string;
  comment: string;
  /** The entry shows in GetInstanceEndpoint from this time on. */
  visibleAt: EpochMs;
}

export interface VpcLinkRecord {
  vpcId: string;
  vswitchId: string;
  ip: string;
  moduleName: string;
  lifecycle: Lifecycle<EndpointStatus>;
}

export interface CustomizedDomainRecord {
  domain: string;
  moduleName: string;
  certId: string;
  createdAt: EpochMs;
  modifiedAt: EpochMs;
}

/** A chart namespace (CreateChartNamespace). */
export interface ChartNamespaceRecord {
  namespaceId: string;
  name: string;
  autoCreateRepo: boolean;
  defaultRepoType: RepoType;
}

/** A chart repository (CreateChartRepository). */
export interface ChartRepoRecord {
  repoId: string;
  namespace: string;
  name: string;
  repoType: RepoType;
  summary: string;
  createdAt: EpochMs;
  modifiedAt: EpochMs;
}

/** The charts of an instance, each list in creation order. */
export interface ChartState {
  namespaces: ChartNamespaceRecord[];
  repos: ChartRepoRecord[];
}

/** An artifact subscription rule (CreateArtifactSubscriptionRule). */
export interface SubscriptionRuleRecord {
  ruleId: string;
  sourceProvider: 'DOCKER_HUB' | 'GCR' | 'QUAY';
  sourceNamespace: string;
  sourceRepo: string;
  namespace: string;
  repo: string;
  tagRegexp: string;
  tagCount: number;
  override: boolean;
  accelerate: boolean;
  platforms: string[];
  createdAt: EpochMs;
  modifiedAt: EpochMs;
}

/** An artifact subscription task: a pull of a rule (CreateArtifactSubscriptionTask, or the service's own). */
export interface SubscriptionTaskRecord {
  taskId: string;
  ruleId: string;
  /** MANUAL for CreateArtifactSubscriptionTask (chosen), AUTO for the service's scheduled pulls. */
  taskType: 'MANUAL' | 'AUTO';
  /** What the rule said when the task started. */
  source: { provider: string; namespace: string; repo: string };
  target: { namespace: string; repo: string };
  lifecycle: Lifecycle<'RUNNING' | 'COMPLETED'>;
  createdAt: EpochMs;
}

export interface SubscriptionState {
  rules: SubscriptionRuleRecord[];
  tasks: SubscriptionTaskRecord[];
}

export interface InstanceRecord {
  instanceId: string;
  accountUid: string;
  region: string;
  name: string;
  edition: Edition;
  resourceGroupId: string;
  createdAt: EpochMs;
  modifiedAt: EpochMs;
  lifecycle: Lifecycle<InstanceStatus>;
  /** Set by BSS RefundInstance: DELETING from then, gone after `deletingFor` ms. */
  refundedAt?: EpochMs;
  deletingFor?: number;
  quotas: Quotas;
  tags: { key: string; value: string }[];
  namespaces: Record<string, NamespaceRecord>;
  namespaceOrder: string[];
  repos: Record<string, RepoRecord>;
  /** Every repository id of the instance in creation order. */
  repoOrder: string[];
  internet: { enabled: boolean; lifecycle?: Lifecycle<EndpointStatus>; acl: AclRecord[] };
  vpcLinks: VpcLinkRecord[];
  customizedDomains: CustomizedDomainRecord[];
  /** Helm chart namespaces and repositories (handlers/charts.ts). Absent: none yet. */
  charts?: ChartState;
  /** Pull-through subscription rules and their tasks (handlers/subscriptions.ts). Absent: none yet. */
  subscriptions?: SubscriptionState;
  /** Console-only switches (no API): the vendor's allow-list and the two domain features. */
  console: { allowListed: boolean; personalEditionDomain: boolean; authDomainTakeover: boolean };
  /** Artifact lifecycle (retention) rules, in creation order (handlers/retention.ts). */
  lifecycleRules?: LifecycleRuleRecord[];
  /** Scan rules, in creation order (handlers/scanning.ts). */
  scanRules?: ScanRuleRecord[];
  /** What BSS CreateInstance was given as `image_scanner` (no API reads it back). */
  imageScanner?: 'ACR' | 'SAS' | 'DISABLE';
  /** Delivery chains, in creation order (handlers/chains.ts; issue 14 item 7). Absent: none yet. */
  chains?: ChainRecord[];
  // issue 14 items 8 and 10 (handlers/storage-routing.ts, handlers/events.ts)
  /** The instance's storage domain routing rule (at most one, SPEC.md "Storage routing"). */
  storageRoutingRule?: StorageRoutingRuleRecord;
  /** Event notification rules, made in the console (admin route), in creation order. */
  eventRules?: EventRuleRecord[];
}

/** A storage domain routing rule (handlers/storage-routing.ts). */
export interface StorageRoutingRuleRecord {
  ruleId: string;
  routes: { endpointType: string; instanceDomain: string; storageDomain: string }[];
  createdAt: EpochMs;
  modifiedAt: EpochMs;
}

/** An event notification rule (handlers/events.ts); `eventConfig` is kept as sent. */
export interface EventRuleRecord {
  ruleId: string;
  name: string;
  eventChannel: string;
  eventType: string;
  eventScope: 'INSTANCE' | 'NAMESPACE' | 'REPO';
  eventConfig: string;
  namespaces: string[];
  repoNames: string[];
  tagFilter: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** A delivery chain (handlers/chains.ts, SPEC.md "Delivery chains"; issue 14 item 7). */
export interface ChainRecord {
  chainId: string;
  name: string;
  description: string;
  /** INSTANCE (no namespace sent; a guess), NAMESPACE (guess) or REPOSITORY (the documented example). */
  scopeType: 'INSTANCE' | 'NAMESPACE' | 'REPOSITORY';
  /** The instance id, the namespace id or the repository id. */
  scopeId: string;
  scopeExclude: string[];
  /** The ChainConfig as it was checked, with its read-only fields (ChainConfigId, IsActive, Version). */
  config: { chainConfigId: string; version: number; nodes: ChainNodeRecord[]; routers: { from: string; to: string }[] };
  createdAt: EpochMs;
  modifiedAt: EpochMs;
}

/** One node of a chain's ChainConfig. */
export interface ChainNodeRecord {
  nodeName: string;
  enable: boolean;
  denyPolicy: { IssueLevel?: string; IssueCount?: string; Logic?: string; Action?: string };
}

/** A scan rule (handlers/scanning.ts, SPEC.md "Scan rules"). */
export interface ScanRuleRecord {
  scanRuleId: string;
  name: string;
  scope: 'INSTANCE' | 'NAMESPACE' | 'REPO';
  namespaces: string[];
  repoNames: string[];
  tagFilter: string;
  scanType: 'VUL' | 'SBOM';
  triggerType: 'AUTO' | 'MANUAL';
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** An artifact lifecycle (retention) rule (handlers/retention.ts, SPEC.md "Retention"). */
export interface LifecycleRuleRecord {
  ruleId: string;
  scope: 'INSTANCE' | 'NAMESPACE' | 'REPO';
  namespace?: string;
  repo?: string;
  retentionTagCount: number;
  tagRegexp: string;
  scheduleTime: string;
  auto: boolean;
  enableDeleteTag: boolean;
  createdAt: EpochMs;
  modifiedAt: EpochMs;
}

export interface SyncRuleRecord {
  syncRuleId: string;
  name: string;
  sourceInstanceId: string;
  sourceRegion: string;
  sourceUid: string;
  namespace: string;
  repo?: string;
  targetInstanceId: string;
  targetRegion: string;
  targetUid: string;
  targetNamespace: string;
  targetRepo?: string;
  scope: 'REPO' | 'NAMESPACE';
  trigger: 'PASSIVE' | 'INITIATIVE';
  tagFilter: string;
  namespaceNameFilter?: string;
  repoNameFilter?: string;
  priority: number;
  createdAt: EpochMs;
}

export interface ImageRef {
  instanceId: string;
  region: string;
  namespace: string;
  repo: string;
  tag: string;
}

export interface SyncTaskRecord {
  syncTaskId: string;
  syncRuleId?: string;
  batchTaskId: string;
  trigger: 'PASSIVE' | 'INITIATIVE';
  crossUser: boolean;
  from: ImageRef;
  to: ImageRef;
  /** The image copied, captured when the task is created. */
  image: { digest: string; imageId: string; size: number; mediaType?: string };
  override: boolean;
  priority: number;
  createdAt: EpochMs;
  lifecycle: Lifecycle<'PENDING' | 'SYNCHRONIZING'>;
  /** Set once the task has been settled (copy applied or failed) or cancelled. */
  outcome?: { status: 'SUCCESS' | 'ERROR' | 'CANCELED'; issue: string; at: EpochMs };
}

export interface CrState {
  instances: Record<string, InstanceRecord>;
  syncRules: Record<string, SyncRuleRecord>;
  syncTasks: Record<string, SyncTaskRecord>;
  /** Task ids whose effect is still to be applied, in creation order. */
  unsettledTasks: string[];
  /** Registry logins issued by GetAuthorizationToken (hashed), see src/emulator/registry/credentials.ts. */
  registryCredentials?: CredentialTable;
  /** issue 14 item 8: the vendor's allow-lists of API features, by feature (handlers/storage-routing.ts). */
  apiAllowLists?: Record<string, { accounts: string[]; instances: string[] }>;
  /**
   * Code-platform accounts bound in the console (OAuth; no API): platforms by `consoleStepKey`
   * (account, region, instance name), so a seed can bind them before acrctl buys the instance.
   */
  codeSources?: Record<string, string[]>;
  /**
   * Event rules made in the console once the instance of that name is bought (the API cannot make
   * them), by `consoleStepKey`: moved into the instance's `eventRules` the first time its rules are
   * touched (handlers/events.ts), so a seed can stand for the console step before acrctl buys it.
   */
  pendingEventRules?: Record<string, PendingEventRule[]>;
}

/** An instance-wide event rule the console will make on the instance of a name (handlers/events.ts). */
export interface PendingEventRule {
  name: string;
  eventType: string;
  eventChannel: string;
  eventConfig: string;
  tagFilter: string;
}

/**
 * The key of console steps kept by instance name, so a seed can stand for them before acrctl buys the
 * instance: its bound code-platform accounts (`CrState.codeSources`) and the event rules the console
 * makes on it (`CrState.pendingEventRules`).
 */
export function consoleStepKey(accountUid: string, region: string, instanceName: string): string {
  return `${accountUid}/${region}/${instanceName}`;
}

export function initCrState(): CrState {
  return { instances: {}, syncRules: {}, syncTasks: {}, unsettledTasks: [] };
}

/** What the cr model needs from a call or admin context. */
export interface ModelContext {
  readonly now: () => EpochMs;
  readonly ids: IdGenerator;
  readonly settings: ServiceSettings;
  readonly state: EmulatorState;
  serviceState<T>(product: 'cr'): T;
}

export function crState(ctx: Pick<CallContext, 'serviceState'>): CrState {
  return ctx.serviceState<CrState>('cr');
}

// ---------------------------------------------------------------------------------------------
// Instances

/** Status of an instance at `now`, or undefined once it is gone after a refund. */
export function instanceStatus(inst: InstanceRecord, now: EpochMs): InstanceStatus | undefined {
  if (inst.refundedAt !== undefined) {
    return now < inst.refundedAt + (inst.deletingFor ?? 0) ? 'DELETING' : undefined;
  }
  return statusAt(inst.lifecycle, now);
}

export const SPECIFICATION: Readonly<Record<Edition, string>> = {
  Basic: 'Enterprise_Basic',
  Standard: 'Enterprise_Standard',
  Advanced: 'Enterprise_Advanced',
};

/** Instance naming rule (cr JSON `naming.instance`): 3-30 chars, [a-z0-9-], no hyphen at either end. */
export const INSTANCE_NAME_RE = /^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$/;
/** Namespace naming rule (cr JSON `naming.namespace`): 2-120 chars, [a-z0-9_.-], no separator at either end. */
export const NAMESPACE_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,118}[a-z0-9]$/;
/**
 * Repository naming rule: the vendor states none; we use the Docker path-component rule, 1-64
 * chars (see SPEC.md).
 */
export const REPO_NAME_RE = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export interface NewInstance {
  accountUid: string;
  region: string;
  name: string;
  edition: Edition;
  extraNamespaceQuota: number;
  extraRepoQuota: number;
  vpcQuota?: number;
  /** A chosen id (admin seeding only: BSS always picks it). */
  instanceId?: string;
}

/** Creates an instance in PENDING (BSS CreateInstance). Name uniqueness is checked by the caller. */
export function createInstance(ctx: ModelContext, spec: NewInstance): InstanceRecord {
  const now = ctx.now();
  const a = ctx.settings.async;
  const inst: InstanceRecord = {
    instanceId: spec.instanceId ?? ctx.ids.next('cri-'),
    accountUid: spec.accountUid,
    region: spec.region,
    name: spec.name,
    edition: spec.edition,
    resourceGroupId: `rg-default${spec.accountUid.slice(-6)}`,
    createdAt: now,
    modifiedAt: now,
    lifecycle: { startedAt: now, phases: [['PENDING', a.instancePending], ['STARTING', a.instanceStarting]], final: 'RUNNING' },
    quotas: {
      namespace: BASE_QUOTAS.namespace + spec.extraNamespaceQuota,
      repo: BASE_QUOTAS.repo + spec.extraRepoQuota,
      chartNamespace: BASE_QUOTAS.chartNamespace,
      chartRepo: BASE_QUOTAS.chartRepo,
      vpc: spec.vpcQuota ?? BASE_QUOTAS.vpc,
    },
    tags: [],
    namespaces: {},
    namespaceOrder: [],
    repos: {},
    repoOrder: [],
    internet: { enabled: false, acl: [] },
    vpcLinks: [],
    customizedDomains: [],
    console: { allowListed: false, personalEditionDomain: false, authDomainTakeover: false },
  };
  crState(ctx).instances[inst.instanceId] = inst;
  return inst;
}

/** Instances of an account in a region that still exist at `now`, oldest first. */
export function liveInstances(st: CrState, accountUid: string, region: string | undefined, now: EpochMs): InstanceRecord[] {
  return Object.values(st.instances)
    .filter((i) => i.accountUid === accountUid && (region === undefined || i.region === region) && instanceStatus(i, now) !== undefined)
    .sort((x, y) => x.createdAt - y.createdAt || (x.instanceId < y.instanceId ? -1 : 1));
}

/** Starts the release of an instance (BSS RefundInstance). */
export function refundInstance(ctx: ModelContext, inst: InstanceRecord): void {
  inst.refundedAt = ctx.now();
  inst.deletingFor = ctx.settings.async.instanceDeleting;
  inst.modifiedAt = inst.refundedAt;
}

/** Purges instances whose release has finished, and the sync rules that name them. */
export function purgeGone(st: CrState, now: EpochMs): void {
  for (const inst of Object.values(st.instances)) {
    if (inst.refundedAt !== undefined && instanceStatus(inst, now) === undefined) {
      delete st.instances[inst.instanceId];
      for (const rule of Object.values(st.syncRules)) {
        if (rule.sourceInstanceId === inst.instanceId || rule.targetInstanceId === inst.instanceId) delete st.syncRules[rule.syncRuleId];
      }
    }
  }
}

/**
 * The instance `instanceId` as seen by `accountUid` on `region`: INSTANCE_NOT_EXIST when it does
 * not exist, is gone, belongs to another account or lives in another region. With `running`, an
 * instance that is not RUNNING is INSTANCE_STATUS_NOT_SUPPORT.
 */
export function findInstance(
  st: CrState,
  instanceId: string,
  accountUid: string,
  region: string,
  now: EpochMs,
  opts: { running: boolean } = { running: true },
): InstanceRecord {
  const inst = st.instances[instanceId];
  const status = inst === undefined ? undefined : instanceStatus(inst, now);
  if (inst === undefined || status === undefined || inst.accountUid !== accountUid || inst.region !== region) {
    throw crError('INSTANCE_NOT_EXIST', `The instance ${instanceId} does not exist.`);
  }
  if (opts.running && status !== 'RUNNING') {
    throw crError('INSTANCE_STATUS_NOT_SUPPORT', `The instance ${instanceId} is ${status}; the operation needs it RUNNING.`);
  }
  return inst;
}

// ---------------------------------------------------------------------------------------------
// Namespaces and repositories

export function findNamespace(inst: InstanceRecord, name: string): NamespaceRecord {
  const ns = inst.namespaces[name];
  if (ns === undefined) throw crError('NAMESPACE_NOT_EXIST', `The namespace ${name} does not exist.`);
  return ns;
}

export function createNamespace(
  ctx: ModelContext,
  inst: InstanceRecord,
  spec: { name: string; autoCreateRepo: boolean; defaultRepoType: RepoType; tagImmutability: boolean; imageIndexOnly: boolean },
): NamespaceRecord {
  if (inst.namespaces[spec.name] !== undefined) {
    throw crError('NAMESPACE_ALREADY_EXIST', `The namespace ${spec.name} already exists.`);
  }
  if (inst.namespaceOrder.length >= inst.quotas.namespace) {
    throw crError('NAMESPACE_QUOTA_EXCEED', `The namespace quota (${inst.quotas.namespace}) of instance ${inst.instanceId} is used up.`);
  }
  const ns: NamespaceRecord = {
    namespaceId: String(ctx.ids.seq('cr.namespace')),
    name: spec.name,
    autoCreateRepo: spec.autoCreateRepo,
    defaultRepoType: spec.defaultRepoType,
    tagImmutability: spec.tagImmutability,
    imageIndexOnly: spec.imageIndexOnly,
    repoOrder: [],
    repoByName: {},
  };
  inst.namespaces[spec.name] = ns;
  inst.namespaceOrder.push(spec.name);
  inst.modifiedAt = ctx.now();
  return ns;
}

/** Deletes a namespace and every repository in it. */
export function deleteNamespace(inst: InstanceRecord, name: string): void {
  const ns = findNamespace(inst, name);
  const gone = new Set(ns.repoOrder);
  for (const id of ns.repoOrder) delete inst.repos[id];
  inst.repoOrder = inst.repoOrder.filter((id) => !gone.has(id));
  delete inst.namespaces[name];
  inst.namespaceOrder = inst.namespaceOrder.filter((n) => n !== name);
}

export function findRepoByName(inst: InstanceRecord, namespace: string, name: string): RepoRecord | undefined {
  const id = inst.namespaces[namespace]?.repoByName[name];
  return id === undefined ? undefined : inst.repos[id];
}

export function createRepo(
  ctx: ModelContext,
  inst: InstanceRecord,
  spec: { namespace: string; name: string; repoType: RepoType; summary: string; detail: string; tagImmutability: boolean },
): RepoRecord {
  const ns = findNamespace(inst, spec.namespace);
  if (ns.repoByName[spec.name] !== undefined) {
    throw crError('REPO_ALREADY_EXIST', `The repository ${spec.namespace}/${spec.name} already exists.`);
  }
  if (inst.repoOrder.length >= inst.quotas.repo) {
    throw crError('REPO_QUOTA_EXCEED', `The repository quota (${inst.quotas.repo}) of instance ${inst.instanceId} is used up.`);
  }
  const now = ctx.now();
  const repo: RepoRecord = {
    repoId: ctx.ids.next('crr-'),
    namespace: spec.namespace,
    name: spec.name,
    repoType: spec.repoType,
    summary: spec.summary,
    detail: spec.detail,
    tagImmutability: spec.tagImmutability,
    createdAt: now,
    modifiedAt: now,
    tags: {},
  };
  inst.repos[repo.repoId] = repo;
  inst.repoOrder.push(repo.repoId);
  ns.repoOrder.push(repo.repoId);
  ns.repoByName[spec.name] = repo.repoId;
  return repo;
}

export function deleteRepo(inst: InstanceRecord, repo: RepoRecord): void {
  const ns = inst.namespaces[repo.namespace];
  if (ns !== undefined) {
    ns.repoOrder = ns.repoOrder.filter((id) => id !== repo.repoId);
    delete ns.repoByName[repo.name];
  }
  inst.repoOrder = inst.repoOrder.filter((id) => id !== repo.repoId);
  delete inst.repos[repo.repoId];
}

/** Tags of a repository, most recently updated first (ties by name). */
export function sortedTags(repo: RepoRecord): TagRecord[] {
  return Object.values(repo.tags).sort((a, b) => b.updatedAt - a.updatedAt || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

export const DIGEST_RE = /^(?:sha256:)?([0-9a-f]{64})$/;

/**
 * Writes a tag into a repository (a push, a retag or a sync copy). An existing tag with another
 * digest is overwritten unless the repository has tag immutability, which is TAG_IMMUTABLE.
 */
export function writeTag(
  inst: InstanceRecord,
  repo: RepoRecord,
  image: { tag: string; digest: string; size: number; mediaType?: string; imageId?: string },
  now: EpochMs,
): TagRecord {
  const existing = repo.tags[image.tag];
  if (existing !== undefined && existing.digest !== image.digest && repo.tagImmutability) {
    throw crError('TAG_IMMUTABLE', `The tag ${image.tag} of ${repo.namespace}/${repo.name} is immutable.`);
  }
  const rec: TagRecord = {
    tag: image.tag,
    digest: image.digest,
    imageId: image.imageId ?? image.digest,
    size: image.size,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  if (image.mediaType !== undefined) rec.mediaType = image.mediaType;
  repo.tags[image.tag] = rec;
  repo.modifiedAt = now;
  void inst;
  return rec;
}

/**
 * The repository an image lands in: the existing one, or one auto-created when the namespace has
 * autoCreateRepo (with the namespace's default type). NAMESPACE_NOT_EXIST / REPO_NOT_EXIST otherwise.
 */
export function repoForWrite(ctx: ModelContext, inst: InstanceRecord, namespace: string, repoName: string): RepoRecord {
  const ns = findNamespace(inst, namespace);
  const existing = findRepoByName(inst, namespace, repoName);
  if (existing !== undefined) return existing;
  if (!ns.autoCreateRepo) {
    throw crError('REPO_NOT_EXIST', `The repository ${namespace}/${repoName} does not exist and namespace ${namespace} does not create repositories automatically.`);
  }
  return createRepo(ctx, inst, {
    namespace,
    name: repoName,
    repoType: ns.defaultRepoType,
    summary: '',
    detail: '',
    tagImmutability: ns.tagImmutability,
  });
}

// ---------------------------------------------------------------------------------------------
// Endpoints

export function internetStatus(inst: InstanceRecord, now: EpochMs): EndpointStatus | undefined {
  if (!inst.internet.enabled || inst.internet.lifecycle === undefined) return undefined;
  return statusAt(inst.internet.lifecycle, now);
}

/** ACL entries visible at `now`. */
export function visibleAcl(inst: InstanceRecord, now: EpochMs): AclRecord[] {
  return inst.internet.acl.filter((a) => a.visibleAt <= now);
}

/**
 * The hosts an endpoint answers to, including those the console switches add (see SPEC.md); the
 * Personal Edition hosts follow the owner's site (`registry-intl…` on the international site).
 */
export function endpointDomains(inst: InstanceRecord, type: 'internet' | 'vpc', site: AccountSite = 'china'): { Domain: string; Type: 'SYSTEM' | 'USER' }[] {
  const r = inst.region;
  const pe = personalRegistryLabel(site);
  const out: { Domain: string; Type: 'SYSTEM' | 'USER' }[] = [];
  if (type === 'internet') {
    out.push({ Domain: `${inst.name}-registry.${r}.cr.aliyuncs.com`, Type: 'SYSTEM' });
    if (inst.console.personalEditionDomain) out.push({ Domain: `${pe}.${r}.aliyuncs.com`, Type: 'SYSTEM' });
    if (inst.console.authDomainTakeover) out.push({ Domain: `dockerauth.${r}.aliyuncs.com`, Type: 'SYSTEM' });
    for (const d of inst.customizedDomains) if (d.moduleName === 'Registry') out.push({ Domain: d.domain, Type: 'USER' }); // Chart ones: ListInstanceEndpoint ModuleName Chart
  } else {
    out.push({ Domain: `${inst.name}-registry-vpc.${r}.cr.aliyuncs.com`, Type: 'SYSTEM' });
    if (inst.console.personalEditionDomain) out.push({ Domain: `${pe}-vpc.${r}.aliyuncs.com`, Type: 'SYSTEM' });
    if (inst.console.authDomainTakeover) out.push({ Domain: `dockerauth-vpc.${r}.aliyuncs.com`, Type: 'SYSTEM' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sync tasks

export function taskStatus(task: SyncTaskRecord, now: EpochMs): TaskStatus {
  if (task.outcome !== undefined) return task.outcome.status;
  const s = statusAt(task.lifecycle as Lifecycle<TaskStatus>, now);
  return s;
}

/** Creates a sync task copying `image` from `from` to `to`; its effect is applied by settle(). */
export function createSyncTask(
  ctx: ModelContext,
  spec: Omit<SyncTaskRecord, 'syncTaskId' | 'batchTaskId' | 'createdAt' | 'lifecycle' | 'outcome'>,
): SyncTaskRecord {
  const st = crState(ctx);
  const now = ctx.now();
  const a = ctx.settings.async;
  const task: SyncTaskRecord = {
    ...spec,
    syncTaskId: ctx.ids.next('rst-'),
    batchTaskId: ctx.ids.next('rstb-'),
    createdAt: now,
    // `final` is never read: settle() records the outcome once both phases have elapsed.
    lifecycle: { startedAt: now, phases: [['PENDING', a.syncTaskPending], ['SYNCHRONIZING', a.syncTaskRunning]], final: 'SYNCHRONIZING' },
  };
  st.syncTasks[task.syncTaskId] = task;
  st.unsettledTasks.push(task.syncTaskId);
  return task;
}

/** Applies the copy of one finished task to its target, or records why it failed. */
function applyTask(ctx: ModelContext, st: CrState, task: SyncTaskRecord, at: EpochMs): void {
  const fail = (issue: string): void => {
    task.outcome = { status: 'ERROR', issue, at };
  };
  const target = st.instances[task.to.instanceId];
  if (target === undefined || instanceStatus(target, at) !== 'RUNNING') return fail('TARGET_INSTANCE_NOT_AVAILABLE');
  if (target.namespaces[task.to.namespace] === undefined) return fail('TARGET_NAMESPACE_NOT_EXIST');
  let repo: RepoRecord;
  try {
    const atCtx: ModelContext = { now: () => at, ids: ctx.ids, settings: ctx.settings, state: ctx.state, serviceState: <T>(p: 'cr') => ctx.serviceState<T>(p) };
    repo = repoForWrite(atCtx, target, task.to.namespace, task.to.repo);
  } catch (e) {
    return fail(e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : 'SYSTEM_ERROR');
  }
  const existing = repo.tags[task.to.tag];
  if (existing !== undefined && existing.digest !== task.image.digest && !task.override) return fail('TAG_ALREADY_EXIST');
  try {
    writeTag(target, repo, { tag: task.to.tag, ...task.image }, at);
  } catch (e) {
    return fail(e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : 'SYSTEM_ERROR');
  }
  // The data plane: the manifest and everything it references, when the source holds them (a tag
  // pushed through the admin API has no content; the copy is then the tag alone).
  const source = st.instances[task.from.instanceId];
  const sourceRepo = source === undefined ? undefined : findRepoByName(source, task.from.namespace, task.from.repo);
  if (sourceRepo !== undefined) copyImage(sourceRepo, repo, `sha256:${task.image.digest}`);
  task.outcome = { status: 'SUCCESS', issue: '', at };
}

/**
 * Brings deferred effects up to `now`: applies every sync task whose phases have elapsed (in time
 * order) and purges released instances. Cheap when nothing is pending. Idempotent.
 */
export function settle(ctx: ModelContext): void {
  const st = crState(ctx);
  const now = ctx.now();
  if (st.unsettledTasks.length > 0) {
    const due: SyncTaskRecord[] = [];
    const keep: string[] = [];
    for (const id of st.unsettledTasks) {
      const task = st.syncTasks[id];
      if (task === undefined || task.outcome !== undefined) continue;
      if (settledAt(task.lifecycle) <= now) due.push(task);
      else keep.push(id);
    }
    if (due.length > 0) {
      st.unsettledTasks = keep;
      due.sort((a, b) => settledAt(a.lifecycle) - settledAt(b.lifecycle));
      for (const task of due) applyTask(ctx, st, task, settledAt(task.lifecycle));
    }
  }
  purgeGone(st, now);
}

/** Full-match of a rule filter (a Java/JS-style regular expression); an invalid one matches nothing. */
export function filterMatches(filter: string | undefined, value: string): boolean {
  if (filter === undefined || filter === '') return true;
  try {
    return new RegExp(`^(?:${filter})$`).test(value);
  } catch {
    return false;
  }
}

/**
 * Records a new tag in an instance (admin push or CreateRepoTag) and starts one PASSIVE sync task
 * per matching automatic rule whose source is this instance. Returns the tasks created.
 */
export function onTagPushed(ctx: ModelContext, inst: InstanceRecord, repo: RepoRecord, tag: TagRecord): SyncTaskRecord[] {
  const st = crState(ctx);
  const out: SyncTaskRecord[] = [];
  for (const rule of Object.values(st.syncRules).sort((a, b) => a.createdAt - b.createdAt)) {
    if (rule.sourceInstanceId !== inst.instanceId || rule.trigger !== 'PASSIVE') continue;
    if (rule.namespace !== repo.namespace) continue;
    if (rule.scope === 'REPO' && rule.repo !== repo.name) continue;
    if (rule.scope === 'NAMESPACE' && !filterMatches(rule.repoNameFilter, repo.name)) continue;
    if (!filterMatches(rule.tagFilter, tag.tag)) continue;
    out.push(createSyncTask(ctx, taskSpecForRule(rule, repo, tag)));
  }
  return out;
}

export function taskSpecForRule(
  rule: SyncRuleRecord,
  repo: RepoRecord,
  tag: TagRecord,
  trigger: 'PASSIVE' | 'INITIATIVE' = 'PASSIVE',
): Omit<SyncTaskRecord, 'syncTaskId' | 'batchTaskId' | 'createdAt' | 'lifecycle' | 'outcome'> {
  const image: SyncTaskRecord['image'] = { digest: tag.digest, imageId: tag.imageId, size: tag.size };
  if (tag.mediaType !== undefined) image.mediaType = tag.mediaType;
  return {
    syncRuleId: rule.syncRuleId,
    trigger,
    crossUser: rule.sourceUid !== rule.targetUid,
    from: { instanceId: rule.sourceInstanceId, region: rule.sourceRegion, namespace: repo.namespace, repo: repo.name, tag: tag.tag },
    to: {
      instanceId: rule.targetInstanceId,
      region: rule.targetRegion,
      namespace: rule.targetNamespace,
      repo: rule.scope === 'REPO' ? rule.targetRepo ?? repo.name : repo.name,
      tag: tag.tag,
    },
    image,
    override: true,
    priority: rule.priority,
  };
}
