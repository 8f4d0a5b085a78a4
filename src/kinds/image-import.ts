/**
 * Kind `image-import`: the import rules of an instance (`imports:` in registry.yaml) as planned,
 * reviewable, resumable copies of images from Personal Edition into the instance
 * (`instance[hz].import[personal:cn-hangzhou/team-a].image[team-a/api:v1]`).
 *
 * The vendor's import rule exists only in the console, so acrctl does what the vendor's migration
 * tools do: it reads the Personal Edition estate through its API (cr 2016-06-07) and copies the
 * selected images over the registry protocol (src/registry), one `run` action per image.
 *
 * Reads (observe only; List calls, paged): per Personal Edition rule, GetNamespaceList of the source
 * (account, region) once, GetRepoListByNamespace of the source namespace, GetRepoTags per source
 * repository; on the target (RUNNING instances only) one ListRepository filtered by the namespace
 * and ListRepoTag per repository of a name the source has. The results are evidence objects under
 * the rule's address (`…import[k]`, `…import[k].source[repo]`, `…import[k].source[repo:tag]`,
 * `…import[k].target[repo:tag]`): never desired, never unmanaged, but part of the live fingerprint,
 * so a saved plan is refused when either side moved.
 *
 * Derives (after reading):
 * - the target repositories the import fills (kind `repository`, so the repository kind creates
 *   them before any copy), with the Personal Edition type and summary; an empty summary becomes
 *   `Imported from Personal Edition <region>/<namespace>/<repo>` (EE requires 1-100 characters).
 *   A repository the configuration declares keeps its declaration (config wins). Being desired,
 *   imported repositories are never pruned by a namespace with `prune: true`;
 * - one copy per selected image ({@link selectImages}): per repository, tags matching the rule's
 *   RE2 `tagFilter` (whole tag), the newest `latest` by update time (ties: tag name); a target tag
 *   with the same digest needs nothing; with another digest it is overwritten when `overwrite`
 *   (default true), else skipped and reported (finding `import-digest-conflict`).
 *   Each copy requires its target repository and instance (their ids reach apply through refs), and
 *   the instance's internet endpoint and ACL entries where declared (acrctl pushes through them).
 * - with `includeBuildConfig`, for the repositories Personal Edition builds automatically
 *   (repoBuildType AUTO_BUILD; issue 14 item 9): Personal Edition's build rules are read
 *   (GetRepoBuildRuleList) and, where registry.yaml declares the target repository's
 *   `build.source`, planned as `build-rule` objects in the instance ({@link importedBuildRules}).
 *   The source binding itself cannot be read (the Personal Edition API returns no repository's
 *   bound source repository), so the other repositories keep a gate (`…import[k].build-config`):
 *   a human binds the source and re-creates the rules in the console from the gate's steps (or
 *   declares `build.source`), and `apply --resume` verifies that each of those repositories has at
 *   least one build rule in the instance (cr ListRepoBuildRule).
 * Findings: per rule a summary (`import-summary`: images and bytes to move); a missing source
 * namespace is an error (`import-source-missing`); OSS rules have no public API to carry them out
 * and get console instructions (`import-oss-manual`) instead of being ignored.
 *
 * Apply: the run's one image copier (given to makeImageImportKind) copies the reviewed digest from the
 * source's Personal Edition registry (the instance's account, `sourceRegion`) to `ns/repo:tag` in
 * the instance. Progress reaches views as `{ bytes }` deltas; the action's report (outcome, bytes)
 * is journalled for the import report. Never twice: reconcile reads the target tag (source digest
 * there = done), and a second plan finds the image in the target and derives nothing for it.
 */
import type { CrClient, CrRepository } from '../cloud/cr.js';
import type { CrpeClient, CrpeRepo, CrpeTag } from '../cloud/crpe.js';
import { parseCidr } from '../config/lints/cidr.js';
import type { Re2Matcher } from '../config/lints/re2.js';
import { DEFAULTS, type ImportRule, type Instance, type ReferenceCheck, type RegistryDocument } from '../config/model.js';
import { AcrctlError, assertNever } from '../errors.js';
import type { GateInfo, PlanFinding } from '../plan/model.js';
import { formatBytes, shortDigest } from '../plan/units.js';
import { tagMatcher } from './backfill.js';
import { address, segment } from '../plan/address.js';
import { bool, either, list, num, oneOf, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, ExecContext, GateSubject, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Reconciled, Spec, Subject } from '../plan/kind.js';
import type { ImageCopier } from '../registry/copy.js';
import { aclEntryAddress } from './acl-entry.js';
import { buildRuleObject } from './build-rule.js';
import { instanceAddress, instanceIdOf, knownInstanceId, runningInstances } from './instance.js';
import { internetEndpointAddress } from './internet-endpoint.js';
import { vpcLinkAddress } from './vpc-link.js';
import { namespaceAddress } from './namespace.js';
import { repositoryAddress } from './repository.js';
import { isNotFound, mapLimit } from './support.js';
import { repoTags } from './tag.js';
import { calls, instanceCalls, instanceScope } from './permits.js';

/** Tag listings in flight at once per rule while reading. */
const TAG_READS_IN_FLIGHT = 8;
/** Minimum time between two progress events of one copy (the CI view prints each). */
const PROGRESS_EVERY_MS = 1_000;
/** EE repository summaries are 1-100 characters. */
const SUMMARY_MAX = 100;

const PARTS = ['rule', 'source-repo', 'source-tag', 'target-tag', 'build-config', 'image'] as const;
/**
 * Every object of the kind is keyed by its rule (instance and import key) and which part of the rule
 * it is: the rule's own evidence, a source repository or tag, a target tag, the build-configuration
 * gate, or an image to copy (which also names its Personal Edition source, so the copy needs no
 * parsing of its rule key).
 */
const keyShape = struct({
  instance: str,
  rule: str,
  part: oneOf(...PARTS),
  sourceRegion: optional(str),
  sourceNamespace: optional(str),
  namespace: optional(str),
  repository: optional(str),
  tag: optional(str),
});
const copySpec = struct({
  source: str,
  digest: str,
  copyBytes: num,
  instanceName: str,
  namespace: str,
  repository: str,
  tag: str,
  overwrite: bool,
  targetDigest: optional(str),
  /** `vpc` when the copy goes through the VPC hosts (copyEndpoint: vpc); absent: the internet hosts. */
  via: optional(oneOf('internet', 'vpc')),
});
const gateSpec = struct({ source: str, instanceName: str, namespace: str, repositoriesWithBuildRules: list(str) });
/**
 * Actions are copies (runs) and build-configuration gates; the specs of evidence objects (the rule,
 * source repositories and tags, target tags) never reach apply, so the kind's spec type is the
 * generic one and its decoder accepts the two action shapes only.
 */
const specShape = either(copySpec, gateSpec);
const idsShape = struct({ instanceId: optional(str) });
export type ImportKey = Decoded<typeof keyShape>;
export type ImportIds = Decoded<typeof idsShape>;
type CopySpec = Decoded<typeof copySpec>;
type Part = ImportKey['part'];

/** `instance[i].import[key]`: an import rule, keyed by its source (see {@link importKey}). */
export function importRuleAddress(instance: string, key: string): string {
  return address(instanceAddress(instance), segment('import', key));
}

/** One image an import rule copies, named as it lands in the target (`….image[team-a/api:v1]`). */
export function importImageAddress(instance: string, key: string, namespace: string, repository: string, tag: string): string {
  return address(importRuleAddress(instance, key), segment('image', `${namespace}/${repository}:${tag}`));
}

/** The address of any object of the kind, from its key. */
function importAddress(k: ImportKey): string {
  const rule = importRuleAddress(k.instance, k.rule);
  const name = k.tag === undefined ? (k.repository ?? '') : `${k.repository ?? ''}:${k.tag}`;
  switch (k.part) {
    case 'rule':
      return rule;
    case 'build-config':
      return address(rule, 'build-config');
    case 'source-repo':
    case 'source-tag':
      return address(rule, segment('source', name));
    case 'target-tag':
      return address(rule, segment('target', name));
    case 'image':
      return importImageAddress(k.instance, k.rule, k.namespace ?? '', k.repository ?? '', k.tag ?? '');
  }
}

/** The key of one image a rule copies. */
function imageKey(r: ResolvedImport, repository: string, tag: string): ImportKey {
  return { instance: r.instance, rule: r.key, part: 'image', sourceRegion: r.sourceRegion, sourceNamespace: r.sourceNamespace, namespace: r.namespace, repository, tag };
}

export interface ImageImportDeps {
  /**
   * The image copier of this apply run, created on first use: one per run, so a blob moved for one
   * image is not moved again for another. Absent where the command copies no images (plan, destroy).
   */
  readonly copier?: () => Pick<ImageCopier, 'copy'>;
  /**
   * The public address (CIDR) of the machine that runs the copies (`--copy-from-cidr`,
   * ACRCTL_COPY_FROM_CIDR), checked against the ACL of each instance that copies through its
   * internet endpoint. Absent: the instance must acknowledge it (`copyRunnerAdmitted: true`).
   */
  readonly copyFromCidr?: string;
}

// ---- rules and addresses --------------------------------------------------------------------

/** An import rule with its defaults filled in, and where it lives. */
export interface ResolvedImport {
  readonly instance: string;
  readonly account: string;
  readonly region: string;
  readonly instanceName: string;
  /** Address of the rule (`instance[i].import[key]`). */
  readonly address: string;
  readonly key: string;
  readonly from: ImportRule['from'];
  readonly namespace: string;
  readonly sourceRegion: string;
  /** Personal Edition namespace (OSS rules: the bucket). */
  readonly sourceNamespace: string;
  readonly latest: number;
  readonly tagFilter: string;
  readonly overwrite: boolean;
  readonly includeBuildConfig: boolean;
  /** OSS rules only. */
  readonly bucket?: string;
  readonly prefix?: string;
}

/**
 * The stable key of a rule in addresses: `personal:<region>/<ns>` (`…/<ns>->`target when the
 * target namespace has another name), `oss:<region>/<bucket>[/<prefix>]->target`. Unique per
 * instance: the validator refuses two rules with the same source and target.
 */
export function importKey(rule: ImportRule, instanceRegion: string): string {
  const region = rule.sourceRegion ?? instanceRegion;
  if (rule.from === 'personal') {
    const src = rule.sourceNamespace ?? rule.namespace;
    return `personal:${region}/${src}${src === rule.namespace ? '' : `->${rule.namespace}`}`;
  }
  return `oss:${region}/${rule.bucket}${rule.prefix ? `/${rule.prefix}` : ''}->${rule.namespace}`;
}

export function resolveImports(config: RegistryDocument): ResolvedImport[] {
  const out: ResolvedImport[] = [];
  for (const [alias, inst] of Object.entries(config.instances ?? {})) {
    for (const rule of inst.imports ?? []) out.push(resolveImport(alias, inst, rule));
  }
  return out;
}

function resolveImport(alias: string, inst: Instance, rule: ImportRule): ResolvedImport {
  const key = importKey(rule, inst.region);
  const base = {
    instance: alias,
    account: inst.account,
    region: inst.region,
    instanceName: inst.name,
    address: importRuleAddress(alias, key),
    key,
    from: rule.from,
    namespace: rule.namespace,
    sourceRegion: rule.sourceRegion ?? inst.region,
    latest: rule.latest ?? DEFAULTS.import.latest,
    tagFilter: rule.tagFilter ?? DEFAULTS.import.tagFilter,
    overwrite: rule.overwrite ?? DEFAULTS.import.overwrite,
  };
  if (rule.from === 'personal') {
    return { ...base, sourceNamespace: rule.sourceNamespace ?? rule.namespace, includeBuildConfig: rule.includeBuildConfig ?? DEFAULTS.import.includeBuildConfig };
  }
  return { ...base, sourceNamespace: rule.bucket, includeBuildConfig: false, bucket: rule.bucket, ...(rule.prefix !== undefined ? { prefix: rule.prefix } : {}) };
}

// ---- selection (pure) -----------------------------------------------------------------------

/** `sha256:<hex>`: Personal Edition lists bare hex digests. Other values are kept as given. */
export function normaliseDigest(digest: string): string {
  return /^[0-9a-f]{64}$/.test(digest) ? `sha256:${digest}` : digest;
}

export interface SourceTag {
  readonly tag: string;
  /** Normalised (`sha256:…`). */
  readonly digest: string;
  readonly sizeBytes: number;
  /** Epoch ms of the last push (Personal Edition imageUpdate). */
  readonly updatedAt: number;
}

export interface SelectInput {
  /** Newest N per repository; 0 imports metadata only. */
  readonly latest: number;
  /** Whole-tag matcher ({@link tagMatcher}). */
  readonly match: Re2Matcher;
  readonly overwrite: boolean;
  readonly source: readonly SourceTag[];
  /** Target tag → its digest (normalised). */
  readonly target: ReadonlyMap<string, string>;
}

export interface Selection {
  /** Tags to copy, newest first; `targetDigest` set when the copy overwrites the target tag. */
  readonly copy: readonly (SourceTag & { readonly targetDigest?: string })[];
  /** Selected tags the target already holds with the same digest. */
  readonly same: readonly string[];
  /** Selected tags the target holds with another digest, not overwritten (overwrite off). */
  readonly conflicts: readonly { readonly tag: string; readonly sourceDigest: string; readonly targetDigest: string; readonly sizeBytes: number }[];
}

/**
 * Which tags of one repository an import copies. Filter first, then the newest `latest` by update
 * time (ties broken by tag name, ascending), then compare with the target. Pure; never mutates.
 */
export function selectImages(input: SelectInput): Selection {
  const chosen = input.source
    .filter((t) => input.match.test(t.tag))
    .sort((a, b) => b.updatedAt - a.updatedAt || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .slice(0, Math.max(0, input.latest));
  const copy: (SourceTag & { targetDigest?: string })[] = [];
  const same: string[] = [];
  const conflicts: { tag: string; sourceDigest: string; targetDigest: string; sizeBytes: number }[] = [];
  for (const t of chosen) {
    const there = input.target.get(t.tag);
    if (there === undefined) copy.push(t);
    else if (there === t.digest) same.push(t.tag);
    else if (input.overwrite) copy.push({ ...t, targetDigest: there });
    else conflicts.push({ tag: t.tag, sourceDigest: t.digest, targetDigest: there, sizeBytes: t.sizeBytes });
  }
  return { copy, same, conflicts };
}

// ---- evidence (read) ------------------------------------------------------------------------

/** A live evidence object: its key says which rule and which part of it, so no one parses addresses. */
export type ImportLive = LiveObject<Spec, ImportIds, ImportKey>;

function evidence(r: ResolvedImport, part: Part, spec: Record<string, unknown>, repository?: string, tag?: string): ImportLive {
  const key: ImportKey = { instance: r.instance, rule: r.key, part, ...(repository !== undefined ? { repository } : {}), ...(tag !== undefined ? { tag } : {}) };
  return {
    id: importAddress(key),
    kind: 'image-import',
    account: r.account,
    region: r.region,
    instance: r.instance,
    key,
    spec,
    ids: {},
    container: r.address,
    prunable: false,
    requires: [],
  };
}

/** The address of a rule's build-configuration gate. */
export function buildConfigAddress(r: Pick<ResolvedImport, 'instance' | 'key'>): string {
  return importAddress({ instance: r.instance, rule: r.key, part: 'build-config' });
}

/** Names of the given repositories of a namespace holding at least one build rule (List calls). */
async function withBuildRules(cr: CrClient, instanceId: string, inNamespace: readonly CrRepository[], names: readonly string[]): Promise<string[]> {
  const wanted = inNamespace.filter((x) => x.RepoName !== undefined && x.RepoId !== undefined && names.includes(x.RepoName));
  const counts = await mapLimit(wanted, TAG_READS_IN_FLIGHT, async (x) => (await cr.allRepoBuildRules({ InstanceId: instanceId, RepoId: x.RepoId! })).items.length);
  return wanted.filter((_, i) => counts[i]! > 0).map((x) => x.RepoName!).sort();
}

function ruleSpec(r: ResolvedImport, sourceFound: boolean | undefined): Record<string, unknown> {
  return {
    from: r.from,
    sourceRegion: r.sourceRegion,
    sourceNamespace: r.sourceNamespace,
    namespace: r.namespace,
    latest: r.latest,
    tagFilter: r.tagFilter,
    overwrite: r.overwrite,
    includeBuildConfig: r.includeBuildConfig,
    ...(sourceFound !== undefined ? { sourceFound } : {}),
  };
}

function sourceTagSpec(t: CrpeTag): Record<string, unknown> {
  return { digest: normaliseDigest(t.digest ?? ''), sizeBytes: t.imageSize ?? 0, updatedAt: t.imageUpdate ?? t.imageCreate ?? 0 };
}

async function readRule(ctx: ReadContext, r: ResolvedImport, peNamespaces: (account: string, region: string) => Promise<Set<string>>, target: CrTarget | undefined): Promise<ImportLive[]> {
  if (r.from !== 'personal') return [evidence(r, 'rule', ruleSpec(r, undefined))];
  const found = (await peNamespaces(r.account, r.sourceRegion)).has(r.sourceNamespace);
  if (!found) return [evidence(r, 'rule', ruleSpec(r, found))];
  const crpe = ctx.cloud.crpe(r.account, r.sourceRegion);
  // The namespace's settings are only in GetNamespace (one call per rule: no List returns them).
  const meta = (await crpe.getNamespace({ Namespace: r.sourceNamespace })).data?.namespace;
  const out: ImportLive[] = [
    evidence(r, 'rule', { ...ruleSpec(r, found), sourceAutoCreate: meta?.autoCreate ?? null, sourceDefaultVisibility: meta?.defaultVisibility ?? null }),
  ];
  const repos = (await crpe.allRepos({ RepoNamespace: r.sourceNamespace })).items
    .filter((x): x is CrpeRepo & { repoName: string } => x.repoNamespace === r.sourceNamespace && typeof x.repoName === 'string' && x.repoStatus !== 'DELETING')
    .sort((a, b) => (a.repoName < b.repoName ? -1 : a.repoName > b.repoName ? 1 : 0));
  const peRules = r.includeBuildConfig ? await personalBuildRules(crpe, r.sourceNamespace, repos.filter((x) => x.repoBuildType === 'AUTO_BUILD').map((x) => x.repoName)) : new Map<string, PersonalBuildRule[]>();
  for (const repo of repos) out.push(evidence(r, 'source-repo', { type: repo.repoType ?? 'PRIVATE', summary: repo.summary ?? '', buildType: repo.repoBuildType ?? 'MANUAL', ...(peRules.has(repo.repoName) ? { buildRules: peRules.get(repo.repoName)! } : {}) }, repo.repoName));
  const tags = await mapLimit(repos, TAG_READS_IN_FLIGHT, (repo) => crpe.allTags({ RepoNamespace: r.sourceNamespace, RepoName: repo.repoName }));
  repos.forEach((repo, i) => {
    for (const t of tags[i]!.items) if (typeof t.tag === 'string' && t.tag !== '') out.push(evidence(r, 'source-tag', sourceTagSpec(t), repo.repoName, t.tag));
  });
  if (target !== undefined) {
    const names = new Set(repos.map((x) => x.repoName));
    const inTarget = (await target.repos(r.namespace)).filter((x) => x.RepoName !== undefined && names.has(x.RepoName) && x.RepoId !== undefined);
    if (r.includeBuildConfig) {
      const building = repos.filter((x) => x.repoBuildType === 'AUTO_BUILD').map((x) => x.repoName);
      if (building.length > 0) out.push(evidence(r, 'build-config', { source: `${r.sourceRegion}/${r.sourceNamespace}`, instanceName: r.instanceName, namespace: r.namespace, repositoriesWithBuildRules: await withBuildRules(target.cr, target.instanceId, inTarget, building) }));
    }
    const images = await mapLimit(inTarget, TAG_READS_IN_FLIGHT, (x) => repoTags(target.cr, target.instanceId, x.RepoId!));
    inTarget.forEach((x, i) => {
      for (const img of images[i]!) {
        if (img.Tag === undefined) continue;
        out.push(evidence(r, 'target-tag', { digest: normaliseDigest(img.Digest ?? '') }, x.RepoName!, img.Tag));
      }
    });
  }
  return out;
}

interface CrTarget {
  readonly cr: CrClient;
  readonly instanceId: string;
  /** Exact-namespace repositories (one filtered, paged ListRepository per namespace, shared). */
  repos(namespace: string): Promise<CrRepository[]>;
}

// ---- derive ---------------------------------------------------------------------------------

/** One rule's view of the evidence. */
interface RuleEvidence {
  readonly rule: ImportLive;
  readonly repos: Map<string, { type: string; summary: string; buildType: string; buildRules?: readonly PersonalBuildRule[] }>;
  readonly source: Map<string, SourceTag[]>;
  readonly target: Map<string, Map<string, string>>;
}

function group(live: readonly LiveObject[]): Map<string, RuleEvidence> {
  const out = new Map<string, RuleEvidence>();
  const of = (rule: string) => out.get(rule);
  const items = live as readonly ImportLive[];
  const ruleOf = (l: ImportLive) => importRuleAddress(l.key.instance, l.key.rule);
  for (const l of items) if (l.key.part === 'rule') out.set(ruleOf(l), { rule: l, repos: new Map(), source: new Map(), target: new Map() });
  for (const l of items) {
    const e = of(ruleOf(l));
    if (e === undefined || l.key.repository === undefined) continue;
    const repo = l.key.repository;
    switch (l.key.part) {
      case 'source-repo':
        e.repos.set(repo, { type: String(l.spec['type']), summary: String(l.spec['summary']), buildType: String(l.spec['buildType'] ?? 'MANUAL'), ...(Array.isArray(l.spec['buildRules']) ? { buildRules: l.spec['buildRules'] as PersonalBuildRule[] } : {}) });
        break;
      case 'source-tag': {
        const list = e.source.get(repo) ?? [];
        list.push({ tag: l.key.tag ?? '', digest: String(l.spec['digest']), sizeBytes: Number(l.spec['sizeBytes'] ?? 0), updatedAt: Number(l.spec['updatedAt'] ?? 0) });
        e.source.set(repo, list);
        break;
      }
      case 'target-tag': {
        const m = e.target.get(repo) ?? new Map<string, string>();
        m.set(l.key.tag ?? '', String(l.spec['digest']));
        e.target.set(repo, m);
        break;
      }
      case 'rule':
      case 'build-config':
      case 'image':
        break;
      default:
        assertNever(l.key.part, 'import evidence part');
    }
  }
  return out;
}

/** The summary an imported repository gets: Personal Edition's, or a derived one when empty. */
export function importedSummary(summary: string, sourceRegion: string, sourceNamespace: string, repo: string): string {
  const s = summary.trim();
  if (s !== '') return s.length > SUMMARY_MAX ? `${s.slice(0, SUMMARY_MAX - 1)}…` : s;
  return `Imported from Personal Edition ${sourceRegion}/${sourceNamespace}/${repo}`.slice(0, SUMMARY_MAX);
}


/**
 * Personal Edition namespace settings registry.yaml's target namespace does not match. The target
 * namespace is declared (config wins), so they are not copied: a warning when registry.yaml only
 * took acrctl's default, a note when it chose the value.
 */
function namespaceMetadata(config: RegistryDocument, r: ResolvedImport, spec: Readonly<Record<string, unknown>>): PlanFinding[] {
  const declared = config.instances?.[r.instance]?.namespaces?.[r.namespace] ?? {};
  const out: PlanFinding[] = [];
  const check = (field: 'autoCreateRepo' | 'defaultRepoType', source: unknown, pe: string) => {
    if (source === null || source === undefined) return;
    const set = declared[field];
    const ours = set ?? DEFAULTS.namespace[field];
    if (ours === source) return;
    out.push({
      id: 'import-namespace-metadata',
      severity: set === undefined ? 'warning' : 'info',
      where: r.address,
      message:
        `Personal Edition namespace ${r.sourceRegion}/${r.sourceNamespace} has ${pe} ${JSON.stringify(source)}, but namespace ${r.namespace} of instance ${r.instance} ` +
        (set === undefined ? `takes the default ${field}: ${JSON.stringify(ours)}; set ${field}: ${JSON.stringify(source)} on it to keep the Personal Edition behaviour` : `sets ${field}: ${JSON.stringify(ours)} (kept: registry.yaml wins)`),
    });
  };
  check('autoCreateRepo', spec['sourceAutoCreate'], 'autoCreate');
  check('defaultRepoType', spec['sourceDefaultVisibility'], 'defaultVisibility');
  return out;
}

export interface ImportPlan {
  readonly repositories: DesiredObject[];
  readonly copies: DesiredObject[];
  /** Build-configuration gates (includeBuildConfig), one per rule with automatically built repositories whose source is not declared. */
  readonly gates: DesiredObject[];
  /** Personal Edition build rules re-created in the instance (includeBuildConfig, `build.source` declared): `build-rule` objects. */
  readonly buildRules: DesiredObject[];
  readonly findings: PlanFinding[];
}

/**
 * Everything the import rules ask for given the evidence: repositories, copies and findings. Pure
 * and deterministic (repositories by name, tags newest first).
 */
export function planImports(config: RegistryDocument, desired: readonly DesiredObject[], live: readonly LiveObject[]): ImportPlan {
  const taken = new Set(desired.map((d) => d.id));
  const evidenceByRule = group(live);
  const repositories: DesiredObject[] = [];
  const copies: DesiredObject[] = [];
  const gates: DesiredObject[] = [];
  const buildRules: DesiredObject[] = [];
  const findings: PlanFinding[] = [];
  for (const r of resolveImports(config)) {
    if (r.from === 'oss') {
      findings.push({
        id: 'import-oss-manual',
        severity: 'warning',
        where: r.address,
        message:
          `no public API imports from OSS, so acrctl does not carry out this rule: in the Container Registry console open instance ${r.instanceName} → Repositories → Import → ` +
          `Import from OSS, choose bucket ${r.bucket ?? ''}${r.prefix ? ` prefix ${r.prefix}` : ''} in ${r.sourceRegion}, target namespace ${r.namespace}, latest ${r.latest}, tag filter ${r.tagFilter}, ` +
          `overwrite ${r.overwrite ? 'on' : 'off'}; then run acrctl plan to check the repositories it created`,
      });
      continue;
    }
    const e = evidenceByRule.get(r.address);
    if (e === undefined) continue; // not read (should not happen: read emits every rule)
    if (e.rule.spec['sourceFound'] === false) {
      findings.push({
        id: 'import-source-missing',
        severity: 'error',
        where: r.address,
        message: `Personal Edition namespace ${r.sourceNamespace} does not exist in ${r.sourceRegion} for account ${r.account}: nothing to import. Check sourceNamespace and sourceRegion of this rule`,
      });
      continue;
    }
    findings.push(...namespaceMetadata(config, r, e.rule.spec));
    const match = tagMatcher(r.tagFilter, r.address);
    const targetNs = namespaceAddress(r.instance, r.namespace);
    // acrctl copies from where it runs: through the instance's internet endpoint (copies wait for
    // the endpoint and its ACL entries) or, with copyEndpoint: vpc, its VPC links (copies wait for
    // them to be RUNNING). Unknown addresses are ignored; the path itself is checked by extras.
    const inst = config.instances?.[r.instance];
    const via = copyEndpointOf(inst);
    const reach =
      via === 'vpc'
        ? (inst?.vpcEndpoints ?? []).map((v) => vpcLinkAddress(r.instance, v.vpc, v.vswitch))
        : [internetEndpointAddress(r.instance), ...(inst?.internetEndpoint?.allow ?? []).map((a) => aclEntryAddress(r.instance, a.cidr))];
    let images = 0;
    let bytes = 0;
    let same = 0;
    let overwrites = 0;
    for (const [repo, meta] of [...e.repos].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const repoId = repositoryAddress(r.instance, r.namespace, repo);
      if (!taken.has(repoId)) {
        taken.add(repoId);
        repositories.push({
          id: repoId,
          kind: 'repository',
          account: r.account,
          region: r.region,
          instance: r.instance,
          key: { instance: r.instance, namespace: r.namespace, repository: repo },
          spec: { type: meta.type, summary: importedSummary(meta.summary, r.sourceRegion, r.sourceNamespace, repo), tagImmutability: DEFAULTS.repository.tagImmutability },
          requires: [targetNs, instanceAddress(r.instance)],
          reason: `imported from Personal Edition ${r.sourceRegion}/${r.sourceNamespace}/${repo} (${r.address})`,
        });
      }
      const sel = selectImages({ latest: r.latest, match, overwrite: r.overwrite, source: e.source.get(repo) ?? [], target: e.target.get(repo) ?? new Map() });
      same += sel.same.length;
      for (const c of sel.conflicts) {
        findings.push({
          id: 'import-digest-conflict',
          severity: 'warning',
          where: importImageAddress(r.instance, r.key, r.namespace, repo, c.tag),
          key: imageKey(r, repo, c.tag),
          message: `instance[${r.instance}] already has ${r.namespace}/${repo}:${c.tag} with another digest (${shortDigest(c.targetDigest)}, Personal Edition ${shortDigest(c.sourceDigest)}); not copied because the rule sets overwrite: false`,
        });
      }
      for (const t of sel.copy) {
        const image = `${r.namespace}/${repo}:${t.tag}`;
        images++;
        bytes += t.sizeBytes;
        if (t.targetDigest !== undefined) overwrites++;
        copies.push({
          id: importImageAddress(r.instance, r.key, r.namespace, repo, t.tag),
          kind: 'image-import',
          account: r.account,
          region: r.region,
          instance: r.instance,
          key: imageKey(r, repo, t.tag),
          spec: {
            source: `${r.sourceRegion}/${r.sourceNamespace}/${repo}:${t.tag}`,
            digest: t.digest,
            copyBytes: t.sizeBytes,
            instanceName: r.instanceName,
            namespace: r.namespace,
            repository: repo,
            tag: t.tag,
            overwrite: r.overwrite,
            ...(t.targetDigest !== undefined ? { targetDigest: t.targetDigest } : {}),
            ...(via === 'vpc' ? { via } : {}),
          },
          requires: [repoId, instanceAddress(r.instance), ...reach],
          reason: `import rule ${r.key}`,
          summary: `copy ${image} (${formatBytes(t.sizeBytes)})${t.targetDigest !== undefined ? `, overwriting the target tag (was ${shortDigest(t.targetDigest)})` : ''}`,
        });
      }
    }
    const conflicts = findings.filter((f) => f.id === 'import-digest-conflict' && f.where?.startsWith(`${r.address}.`)).length;
    findings.push({
      id: 'import-summary',
      severity: 'info',
      where: r.address,
      message:
        `${images} image${images === 1 ? '' : 's'} (${formatBytes(bytes)}) to copy from Personal Edition ${r.sourceRegion}/${r.sourceNamespace} into namespace ${r.namespace} ` +
        `(${e.repos.size} repositor${e.repos.size === 1 ? 'y' : 'ies'}; latest ${r.latest}, tags matching ${r.tagFilter})` +
        `${overwrites > 0 ? `; ${overwrites} overwrite a target tag` : ''}${same > 0 ? `; ${same} already in the target` : ''}${conflicts > 0 ? `; ${conflicts} skipped: different digest in the target and overwrite is off` : ''}`,
    });
    if (r.includeBuildConfig) {
      const imported = importedBuildRules(config, r, e.repos, taken);
      buildRules.push(...imported.rules);
      findings.push(...imported.findings);
      // The repositories left to a human: those whose source registry.yaml does not declare.
      const building = imported.gated;
      if (building.length > 0) {
        gates.push({
          id: buildConfigAddress(r),
          kind: 'image-import',
          account: r.account,
          region: r.region,
          instance: r.instance,
          key: { instance: r.instance, rule: r.key, part: 'build-config' },
          spec: { source: `${r.sourceRegion}/${r.sourceNamespace}`, instanceName: r.instanceName, namespace: r.namespace, repositoriesWithBuildRules: building },
          requires: [...building.map((n) => repositoryAddress(r.instance, r.namespace, n)), instanceAddress(r.instance)],
          reason: `includeBuildConfig of import rule ${r.key}`,
          summary: `re-create the build rules of ${building.length} repositor${building.length === 1 ? 'y' : 'ies'} in the console`,
        });
      } else if (imported.planned === 0) {
        findings.push({
          id: 'import-build-config-none',
          severity: 'info',
          where: r.address,
          message: `includeBuildConfig: no repository of Personal Edition ${r.sourceRegion}/${r.sourceNamespace} builds automatically (repoBuildType AUTO_BUILD), so there is no build configuration to import`,
        });
      }
    }
  }
  return { repositories, copies, gates, buildRules, findings };
}

// ---- copy path (pure) ------------------------------------------------------------------------

/** How acrctl reaches an instance's registry for its copies (`copyEndpoint`, default internet). */
export function copyEndpointOf(inst: Pick<Instance, 'copyEndpoint'> | undefined): 'internet' | 'vpc' {
  return inst?.copyEndpoint ?? 'internet';
}

/**
 * Whether the machine that copies can reach each instance with copies in this plan, from what
 * registry.yaml declares (the live state follows it: copies wait for the endpoint, ACL entries or
 * VPC links). Errors stop the plan before anything is applied; an info says which path is used.
 * `copyFromCidr`: the runner's public address, when given. Pure.
 */
export function copyPathFindings(config: RegistryDocument, copies: readonly DesiredObject[], copyFromCidr: string | undefined): PlanFinding[] {
  const count = new Map<string, number>();
  for (const c of copies) if (c.kind === 'image-import' && c.key['part'] === 'image' && c.instance !== undefined) count.set(c.instance, (count.get(c.instance) ?? 0) + 1);
  const out: PlanFinding[] = [];
  for (const [alias, n] of [...count].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const inst = config.instances?.[alias];
    if (inst === undefined) continue;
    const where = instanceAddress(alias);
    const images = `${n} image${n === 1 ? '' : 's'}`;
    const eeHost = (vpc: boolean) => `${inst.name}-registry${vpc ? '-vpc' : ''}.${inst.region}.cr.aliyuncs.com`;
    const peHost = (vpc: boolean) => `registry${vpc ? '-vpc' : ''}.${inst.region}.aliyuncs.com`;
    const error = (message: string) => out.push({ id: 'import-copy-path', severity: 'error', where, message: `instance ${inst.name} copies ${images}, but ${message}` });
    if (copyEndpointOf(inst) === 'vpc') {
      const links = inst.vpcEndpoints ?? [];
      if (links.length === 0) {
        error(`copyEndpoint: vpc needs a VPC link to run from, and vpcEndpoints declares none. Fix: declare the VPC acrctl runs in under instances.${alias}.vpcEndpoints, or set copyEndpoint: internet`);
        continue;
      }
      out.push({
        id: 'import-copy-path',
        severity: 'info',
        where,
        message:
          `copies go through the VPC hosts ${eeHost(true)} and ${peHost(true)} (copyEndpoint: vpc): run acrctl apply on a machine inside a linked VPC (${links.map((l) => l.vpc).join(', ')}); ` +
          `the copies wait for the VPC link to be RUNNING`,
      });
      continue;
    }
    const ie = inst.internetEndpoint;
    if (ie?.enabled !== true) {
      error(
        `they go through its internet endpoint (copyEndpoint: internet, the default), which registry.yaml does not declare enabled: acrctl could not reach ${eeHost(false)}. ` +
          `Fix: set instances.${alias}.internetEndpoint: { enabled: true, allow: [{ cidr: <public address of the machine that runs acrctl>/32 }] }, or copyEndpoint: vpc and run acrctl inside a VPC linked to the instance`,
      );
      continue;
    }
    const allow = ie.allow ?? [];
    if (allow.length === 0) {
      error(`the ACL of its internet endpoint has no entry, so it admits no machine. Fix: add { cidr: <public address of the machine that runs acrctl>/32 } to instances.${alias}.internetEndpoint.allow`);
      continue;
    }
    const cidrs = allow.map((a) => a.cidr).join(', ');
    if (copyFromCidr !== undefined) {
      const runner = parseCidr(copyFromCidr);
      const admitted = runner !== undefined && allow.some((a) => {
        const b = parseCidr(a.cidr);
        return b !== undefined && b.start <= runner.start && runner.end <= b.end;
      });
      if (!admitted) {
        error(`--copy-from-cidr ${copyFromCidr} (the machine that runs acrctl) is in no entry of the ACL of its internet endpoint (${cidrs}). Fix: add { cidr: ${copyFromCidr} } to instances.${alias}.internetEndpoint.allow`);
        continue;
      }
    } else if (inst.copyRunnerAdmitted !== true) {
      error(
        `acrctl cannot tell whether the machine that runs apply is admitted by the ACL of its internet endpoint (${cidrs}). ` +
          `Fix: pass --copy-from-cidr <its public address>/32 (or set ACRCTL_COPY_FROM_CIDR), or acknowledge it with instances.${alias}.copyRunnerAdmitted: true`,
      );
      continue;
    }
    out.push({
      id: 'import-copy-path',
      severity: 'info',
      where,
      message: `copies go through the internet hosts ${eeHost(false)} and ${peHost(false)} (copyEndpoint: internet), from ${copyFromCidr !== undefined ? `${copyFromCidr}, admitted by the ACL` : `a machine acknowledged to be in the ACL (${cidrs})`}; they wait for the endpoint and its ACL entries`,
    });
  }
  return out;
}

// ---- apply ----------------------------------------------------------------------------------

interface Copy {
  readonly sourceRegion: string;
  readonly sourceRepo: string;
  readonly digest: string;
  readonly instanceName: string;
  readonly namespace: string;
  readonly repository: string;
  readonly tag: string;
  readonly overwrite: boolean;
  readonly sizeBytes: number;
  readonly via: 'internet' | 'vpc';
}

/** A copy, from its key (where it comes from and goes to) and spec (what was reviewed). */
function copyOf(s: Subject<Spec, ImportIds, ImportKey>): Copy {
  const spec = s.spec as CopySpec;
  const { sourceRegion, sourceNamespace } = s.key;
  if (s.key.part !== 'image' || sourceRegion === undefined || sourceNamespace === undefined || !('copyBytes' in spec)) {
    throw new AcrctlError('apply.bad_plan', `${s.id} is not an image copy`, { address: s.id, hint: 'run acrctl plan again' });
  }
  return {
    sourceRegion,
    sourceRepo: `${sourceNamespace}/${spec.repository}`,
    digest: spec.digest,
    instanceName: spec.instanceName,
    namespace: spec.namespace,
    repository: spec.repository,
    tag: spec.tag,
    overwrite: spec.overwrite,
    sizeBytes: spec.copyBytes,
    via: spec.via ?? 'internet',
  };
}

/** A namespace's repositories (exact name); none when the namespace does not exist. */
async function namespaceRepos(cr: CrClient, instanceId: string, ns: string): Promise<CrRepository[]> {
  try {
    return (await cr.allRepositories({ InstanceId: instanceId, RepoNamespaceName: ns })).items.filter((x) => x.RepoNamespaceName === ns);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** The digest the target tag holds now, if any (List calls: filtered ListRepository, ListRepoTag). */
async function targetDigest(cr: CrClient, instanceId: string, c: Copy): Promise<string | undefined> {
  const repos = await namespaceRepos(cr, instanceId, c.namespace);
  const repo = repos.find((r) => r.RepoNamespaceName === c.namespace && r.RepoName === c.repository);
  if (repo?.RepoId === undefined) return undefined;
  const img = (await repoTags(cr, instanceId, repo.RepoId)).find((i) => i.Tag === c.tag);
  return img?.Digest === undefined ? undefined : normaliseDigest(img.Digest);
}

async function run(ctx: ExecContext, s: Subject<Spec, ImportIds, ImportKey>, deps: ImageImportDeps): Promise<Outcome> {
  const c = copyOf(s);
  const copier = deps.copier?.();
  if (copier === undefined) {
    throw new AcrctlError('apply.no_registry', `${s.id} copies an image, but this command has no registry client`, { address: s.id, hint: 'run acrctl apply' });
  }
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const image = `${c.namespace}/${c.repository}:${c.tag}`;
  await ctx.intent('CopyImage', { source: `${c.sourceRegion}/${c.sourceRepo}@${c.digest}`, target: `${instanceId}/${image}` });
  const started = ctx.now();
  let moved = 0;
  let pending = 0;
  let last = started;
  // Through the hosts the plan checked: the internet ones, or the VPC ones (copyEndpoint: vpc).
  const network = c.via;
  const result = await copier.copy(
    // By the reviewed digest; by tag only when Personal Edition listed no usable digest.
    { target: { kind: 'pe', account: s.account, region: c.sourceRegion, network }, image: { repo: c.sourceRepo, reference: /^sha256:[0-9a-f]{64}$/.test(c.digest) ? c.digest : c.tag } },
    { target: { kind: 'ee', account: s.account, region: s.region, instanceId, instanceName: c.instanceName, network }, repo: `${c.namespace}/${c.repository}`, tag: c.tag },
    {
      overwrite: c.overwrite,
      onProgress: (p) => {
        moved += p.bytes;
        pending += p.bytes;
        const t = ctx.now();
        if (t - last < PROGRESS_EVERY_MS) return;
        last = t;
        ctx.progress(`copying ${image}: ${formatBytes(moved)} of ${formatBytes(c.sizeBytes)}`, { bytes: pending, image });
        pending = 0;
      },
    },
  );
  if (pending > 0) ctx.progress(`copying ${image}: ${formatBytes(moved)} moved`, { bytes: pending, image });
  return {
    ids: { instanceId },
    report: {
      outcome: result.outcome,
      digest: result.digest,
      bytesTotal: result.bytesTotal,
      bytesMoved: result.bytesMoved,
      elapsedMs: ctx.now() - started,
      ...(result.targetDigest !== undefined ? { targetDigest: result.targetDigest } : {}),
    },
  };
}

/** A copy landed when the target tag holds the source digest (the copy's effect). */
async function observe(ctx: ExecContext, s: Subject<Spec, ImportIds, ImportKey>): Promise<Observation<ImportIds>> {
  const c = copyOf(s);
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  return (await targetDigest(ctx.cloud.cr(s.account, s.region), instanceId, c)) === c.digest ? { state: 'present', upToDate: true, ready: true, ids: { instanceId } } : { state: 'absent' };
}

// ---- build configuration (gate) -------------------------------------------------------------

/** A Personal Edition build rule as the import keeps it (GetRepoBuildRuleList's documented fields). */
interface PersonalBuildRule {
  readonly pushType: string;
  readonly pushName: string;
  readonly imageTag: string;
  readonly dockerfileLocation: string;
  readonly dockerfileName: string;
}

/** The build rules of the given Personal Edition repositories (one GetRepoBuildRuleList each; not paged). */
async function personalBuildRules(crpe: CrpeClient, namespace: string, names: readonly string[]): Promise<Map<string, PersonalBuildRule[]>> {
  const per = await mapLimit(names, TAG_READS_IN_FLIGHT, async (name) => (await crpe.getRepoBuildRuleList({ RepoNamespace: namespace, RepoName: name })).data?.buildRules ?? []);
  return new Map(
    names.map((name, i) => [
      name,
      per[i]!.filter((b) => (b.pushType === 'GIT_BRANCH' || b.pushType === 'GIT_TAG') && (b.pushName ?? '') !== '' && (b.imageTag ?? '') !== '').map((b) => ({
        pushType: b.pushType!,
        pushName: b.pushName!,
        imageTag: b.imageTag!,
        dockerfileLocation: b.dockerfileLocation || '/',
        dockerfileName: b.dockerfileName || 'Dockerfile',
      })),
    ]),
  );
}

/**
 * What includeBuildConfig plans for the automatically built repositories of a rule (issue 14 item
 * 9). Where registry.yaml declares the target repository's `build.source` (which the Personal
 * Edition API cannot return), each Personal Edition build rule becomes a `build-rule` of that
 * repository (Personal Edition rules have no platforms or build arguments: the defaults), unless
 * registry.yaml declares a rule with the same key (config wins). The other repositories are
 * `gated`: the human steps of the build-configuration gate. Pure.
 */
function importedBuildRules(config: RegistryDocument, r: ResolvedImport, repos: RuleEvidence['repos'], taken: ReadonlySet<string>): { rules: DesiredObject[]; gated: string[]; planned: number; findings: PlanFinding[] } {
  const rules: DesiredObject[] = [];
  const gated: string[] = [];
  const findings: PlanFinding[] = [];
  let planned = 0;
  const declared = config.instances?.[r.instance]?.namespaces?.[r.namespace]?.repositories ?? {};
  for (const [name, m] of [...repos].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (m.buildType !== 'AUTO_BUILD') continue;
    if (declared[name]?.build?.source === undefined) {
      gated.push(name);
      continue;
    }
    planned++;
    const list = m.buildRules ?? [];
    for (const b of list) {
      const o = buildRuleObject({ account: r.account, region: r.region, instance: r.instance }, r.namespace, name, {
        push: b.pushType === 'GIT_BRANCH' ? 'branch' : 'tag',
        name: b.pushName,
        imageTag: b.imageTag,
        spec: { dockerfileLocation: b.dockerfileLocation, dockerfileName: b.dockerfileName, platforms: ['linux/amd64'], buildArgs: [] },
      }, { reason: `import rule ${r.key}: build rule of Personal Edition ${r.sourceRegion}/${r.sourceNamespace}/${name}` });
      if (!taken.has(o.id) && !rules.some((x) => x.id === o.id)) rules.push(o);
    }
    findings.push({
      id: 'import-build-rules',
      severity: 'info',
      where: r.address,
      message:
        list.length === 0
          ? `includeBuildConfig: ${name} builds automatically in Personal Edition but has no build rule there: only the build.source registry.yaml declares is bound`
          : `includeBuildConfig: ${name} builds automatically in Personal Edition; its ${list.length} build rule${list.length === 1 ? '' : 's'} ${list.length === 1 ? 'is' : 'are'} planned in ${r.namespace}/${name} (linux/amd64, no build arguments: Personal Edition rules have neither), from the build.source registry.yaml declares (the Personal Edition API does not return a repository's bound source)`,
    });
  }
  return { rules, gated: gated.sort(), planned, findings };
}

function buildRepos(spec: Readonly<Record<string, unknown>> | undefined): string[] {
  const v = spec?.['repositoriesWithBuildRules'];
  return Array.isArray(v) ? v.map(String) : [];
}

function buildConfigGate(desired: DesiredObject): GateInfo {
  const repos = buildRepos(desired.spec);
  const ns = String(desired.spec['namespace'] ?? '');
  const source = String(desired.spec['source'] ?? '');
  const where = `instance ${String(desired.spec['instanceName'] ?? desired.instance ?? '')} (${desired.region})`;
  return {
    instructions: [
      `Bind the source-code platform your Personal Edition builds use (GitHub, GitLab, Bitbucket, Codeup…) to ${where}: Container Registry console → Instances → the instance → Repositories → Code Source.`,
      ...repos.map(
        (repo) =>
          `${ns}/${repo}: in the Personal Edition console (${source.replace('/', ', namespace ')}: Repositories → ${repo} → Build) note the bound source repository, the build rules (branch or tag, Dockerfile location and name, image tag, build arguments) and the build options; then in the Enterprise Edition console (the instance → Repositories → ${ns}/${repo} → Build) bind the same source repository and create the same rules. Build records are not imported.`,
      ),
      `Then run acrctl apply --resume: it checks that each of these repositories has a build rule, then carries on.`,
    ],
    verification: `${repos.map((r) => `${ns}/${r}`).join(', ')} ${repos.length === 1 ? 'has' : 'each have'} at least one build rule in the instance (cr ListRepoBuildRule). acrctl cannot bind the source itself: the Personal Edition API (cr 2016-06-07) does not return a repository's bound source repository. Declare build.source on a repository instead and acrctl creates its Personal Edition build rules`,
    expect: { namespace: ns, repositoriesWithBuildRules: repos },
  };
}

/** The build-configuration gate: `done` when every repository it names has a build rule. */
async function verifyBuildConfig(ctx: ExecContext, g: GateSubject<Spec, ImportKey>): Promise<Reconciled> {
  const expect = g.gate.expect;
  const repos = buildRepos(expect);
  const ns = String(expect['namespace'] ?? '');
  const instanceId = knownInstanceId(ctx, g.key.instance);
  if (instanceId === undefined || ns === '') return { state: 'absent' };
  const cr = ctx.cloud.cr(g.account, g.region);
  const inNamespace = await namespaceRepos(cr, instanceId, ns);
  const have = await withBuildRules(cr, instanceId, inNamespace, repos);
  return repos.every((r) => have.includes(r)) ? { state: 'done' } : { state: 'absent' };
}

// ---- the kind -------------------------------------------------------------------------------

/** A rule imports into a declared namespace, and the same source and target are declared once. */
const REFERENCES: ReferenceCheck = ({ instances, items, needNamespace, report }) => {
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    for (const [i, rule] of items(inst['imports'])) {
      const path = ['instances', alias, 'imports', i];
      needNamespace(alias, rule['namespace'], [...path, 'namespace'], `imports[${i}]`);
      const key = [rule['from'], rule['namespace'], rule['sourceRegion'], rule['sourceNamespace'], rule['bucket'], rule['prefix']].map((x) => String(x ?? '')).join('|');
      const first = seen.get(key);
      if (first !== undefined) report('ref/duplicate-key', `this import repeats imports[${first}] (same source and target namespace)`, path);
      else seen.set(key, i);
    }
  }
};

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      imports: {
        description: 'Import rules into this instance, from a Personal Edition instance or an OSS bucket.',
        type: 'array',
        items: { $ref: '#/$defs/importRule' },
      },
      copyEndpoint: {
        description:
          'How acrctl reaches the registries for the image copies of this instance\'s imports: `internet` (its internet endpoint, which must be declared enabled with an ACL entry admitting the machine that runs acrctl; Personal Edition source `registry.<region>.aliyuncs.com`) or `vpc` (its VPC domain `<name>-registry-vpc.<region>.cr.aliyuncs.com` and `registry-vpc.<region>.aliyuncs.com`: acrctl must run inside a linked VPC).',
        type: 'string',
        enum: ['internet', 'vpc'],
        default: 'internet',
      },
      copyRunnerAdmitted: {
        description:
          'Acknowledges that the machine that runs acrctl apply is in the internet endpoint\'s ACL when its address is not known at plan time (otherwise pass `--copy-from-cidr CIDR` to have it checked). Only used with `copyEndpoint: internet`.',
        type: 'boolean',
        default: false,
      },
    },
  },
  defs: {
    importRule: {
      description: 'An import rule: from a Personal Edition instance (`from: personal`) or an OSS bucket (`from: oss`). Needs a RUNNING VPC endpoint on the instance and a region that supports imports.',
      type: 'object',
      required: ['from', 'namespace'],
      additionalProperties: false,
      properties: {
        from: { description: 'Source kind.', type: 'string', enum: ['personal', 'oss'] },
        sourceRegion: {
          description: 'Region of the source (Personal Edition instance or bucket). Default: the instance\'s region.',
          $ref: '#/$defs/region',
        },
        sourceNamespace: {
          description: 'Personal Edition namespace to import (2-30 characters). Default: the same name as `namespace`. Only with `from: personal`.',
          type: 'string',
          pattern: '^[a-z0-9][a-z0-9._-]{0,28}[a-z0-9]$',
          patternErrorMessage: 'a Personal Edition namespace name is 2-30 lowercase letters, digits and _ - . with no separator at either end',
        },
        bucket: {
          description: 'OSS bucket holding the registry copy. Required with `from: oss`, not allowed otherwise.',
          type: 'string',
          pattern: '^([a-z0-9][a-z0-9-]{1,61}[a-z0-9]|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'an OSS bucket name is 3-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen',
        },
        prefix: {
          description: 'Object prefix inside the bucket. Default: the bucket root. Only with `from: oss`.',
          type: 'string',
          maxLength: 1023,
        },
        namespace: {
          description: 'Target namespace in this instance; it must be declared under `namespaces`.',
          type: 'string',
        },
        latest: {
          description: 'Latest N images per repository to import, 0 to 1000 (0 = namespace and repository metadata only).',
          $ref: '#/$defs/latest',
          default: 10,
        },
        tagFilter: {
          description: 'Only tags matching this regular expression (RE2 syntax) are imported.',
          $ref: '#/$defs/tagFilter',
          default: '.*',
        },
        overwrite: {
          description: 'Overwrite an existing tag in the instance whose digest differs.',
          type: 'boolean',
          default: true,
        },
        includeBuildConfig: {
          description: 'Also import the build configuration (not build records) of the repositories Personal Edition builds automatically: their build rules are created where the target repository declares `build.source` (no API returns the source a Personal Edition repository is bound to); the others are a gate with console steps. Only with `from: personal`.',
          type: 'boolean',
          default: false,
        },
      },
      // A key that only one source takes is a `false` property, each in its own subschema carrying
      // its message: editors show the message on the key ("Matches a schema that is not allowed"
      // is all they say of a `not`), and acrctl's own checker reads the same message.
      allOf: [
        {
          if: { required: ['from'], properties: { from: { const: 'personal' } } },
          then: {
            allOf: [
              { properties: { bucket: false }, errorMessage: 'bucket is only used with from: oss' },
              { properties: { prefix: false }, errorMessage: 'prefix is only used with from: oss' },
            ],
          },
        },
        {
          if: { required: ['from'], properties: { from: { const: 'oss' } } },
          then: {
            required: ['bucket'],
            allOf: [
              { properties: { sourceNamespace: false }, errorMessage: 'sourceNamespace is only used with from: personal' },
              { properties: { includeBuildConfig: false }, errorMessage: 'includeBuildConfig is only used with from: personal' },
            ],
          },
        },
      ],
    },
  },
  sections: [['importRule', '#/$defs/importRule']],
};

/**
 * The calls of the kind (issue 17), per `from: personal` rule: the source is read in Personal
 * Edition in `sourceRegion` (GetNamespaceList, GetNamespace, GetRepoListByNamespace, GetRepoTags),
 * the target namespace's repositories and tags in the instance (and their build rules with
 * `includeBuildConfig`); a copy logs in to both registries (GetAuthorizationToken in Personal
 * Edition and in the instance, which ListInstanceEndpoint finds) and is judged by the target tag.
 * OSS rules are evidence only (no call).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return resolveImports(config)
    .filter((r) => r.from === 'personal')
    .flatMap((r) => {
      const s = instanceScope(config, r.instance)!;
      const pe = { region: r.sourceRegion, namespace: r.sourceNamespace };
      const ns = { namespace: r.namespace };
      return [
        ...calls(['read'], r.account, { region: r.sourceRegion }, ['crpe:GetNamespaceList']),
        ...calls(['read'], r.account, pe, ['crpe:GetNamespace', 'crpe:GetRepoListByNamespace', 'crpe:GetRepoTags']),
        ...calls(['create'], r.account, { region: r.sourceRegion }, ['crpe:GetAuthorizationToken']),
        ...instanceCalls(s, ['read', 'observe', 'check'], ['cr:ListRepository', 'cr:ListRepoTag'], ns),
        ...(r.includeBuildConfig ? instanceCalls(s, ['read', 'check'], ['cr:ListRepoBuildRule'], ns) : []),
        ...(r.includeBuildConfig ? calls(['read'], r.account, pe, ['crpe:GetRepoBuildRuleList']) : []),
        ...instanceCalls(s, ['create'], ['cr:ListInstanceEndpoint', 'cr:GetAuthorizationToken']),
      ];
    });
}

/** The kind, with the run's image copier (absent: copies fail with apply.no_registry). */
export function makeImageImportKind(deps: ImageImportDeps = {}): Kind<Spec, ImportIds, ImportKey> {
  return {
    name: 'image-import',
    // Namespaces: the target is only listed when its namespace exists (a namespace the same plan
    // creates has no repositories yet, and ListRepository would refuse it with NAMESPACE_NOT_EXIST).
    readAfter: ['instance', 'namespace'],
    reportsUnmanaged: false,
    address: importAddress,
    decode: { key: keyShape, spec: specShape, ids: idsShape },
    permissions: PERMISSIONS,
    language: LANGUAGE,
    references: REFERENCES,

    desired() {
      return [];
    },

    derive(ctx) {
      const p = planImports(ctx.config, ctx.desired, ctx.live('image-import'));
      return [...p.repositories, ...p.copies, ...p.gates, ...p.buildRules];
    },

    extras(ctx) {
      const p = planImports(ctx.config, ctx.desired, ctx.live('image-import'));
      return { findings: [...p.findings, ...copyPathFindings(ctx.config, ctx.desired, deps.copyFromCidr)] };
    },

    async read(ctx: ReadContext) {
      const rules = resolveImports(ctx.config);
      if (rules.length === 0) return [];
      const running = new Map(runningInstances(ctx).map((m) => [m.alias, m] as const));
      const nsCache = new Map<string, Promise<Set<string>>>();
      const peNamespaces = (account: string, region: string) => {
        const k = `${account}\u0000${region}`;
        let p = nsCache.get(k);
        if (!p) {
          p = ctx.cloud
            .crpe(account, region)
            .allNamespaces()
            .then((r) => new Set(r.items.map((n) => n.namespace ?? '').filter((n) => n !== '')));
          nsCache.set(k, p);
        }
        return p;
      };
      const namespaces = new Set(ctx.live('namespace').map((l) => l.id));
      const targets = new Map<string, CrTarget>();
      for (const m of running.values()) {
        const cr = ctx.cloud.cr(m.account, m.region);
        const listed = new Map<string, Promise<CrRepository[]>>();
        targets.set(m.alias, {
          cr,
          instanceId: m.instanceId,
          repos(ns) {
            if (!namespaces.has(namespaceAddress(m.alias, ns))) return Promise.resolve([]);
            let p = listed.get(ns);
            if (!p) {
              p = cr.allRepositories({ InstanceId: m.instanceId, RepoNamespaceName: ns }).then((r) => r.items.filter((x) => x.RepoNamespaceName === ns));
              listed.set(ns, p);
            }
            return p;
          },
        });
      }
      const per = await Promise.all(rules.map((r) => readRule(ctx, r, peNamespaces, targets.get(r.instance))));
      return per.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },


    classify(desired, live, diff) {
      if (desired === undefined) return 'none';
      if (desired.key.part !== 'build-config') return 'run';
      return live !== undefined && diff !== undefined && diff.changes.length === 0 ? 'none' : 'gate';
    },

    gate(desired): GateInfo {
      return buildConfigGate(desired);
    },

    observe,
    /** A run: the image copy. */
    create: (ctx, s) => run(ctx, s, deps),
    check: verifyBuildConfig,
  };
}
