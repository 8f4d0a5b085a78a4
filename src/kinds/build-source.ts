/**
 * Kind `build-source`: the source-code repository an image repository builds from
 * (`instance[i].namespace[ns].repository[r].build-source`), one per repository, declared as
 * `repositories.<r>.build.source` (issue 14 item 9). Its build rules are the kind `build-rule`.
 *
 * Reads: cr GetRepoSourceCodeRepo per live repository that is declared (every live repository in
 * adopt's discover mode). There is no List call for bindings: one Get per repository, with the
 * repository id the repository kind read. A repository that is not bound answers a *_NOT_EXIST
 * code (or no CodeRepoType): no binding.
 * Acts: CreateRepoSourceCodeRepo; UpdateRepoSourceCodeRepo changes every field in place (the
 * platform, the code repository and the build options). There is **no call that unbinds** a
 * repository (no DeleteRepoSourceCodeRepo in cr 2018-12-01): a binding that registry.yaml no
 * longer declares is never deleted, prune or not; the plan says so in a finding (the console's
 * Build page unbinds it, or deleting the repository does).
 *
 * The code-platform account (GitHub, GitLab, Gitee, Codeup, Code) is bound to the instance in the
 * console only (OAuth): no API reads or makes it. Every planned bind carries a finding naming the
 * account it needs, and a bind refused for the lack of one (guessed code SOURCE_ACCOUNT_NOT_BOUND)
 * is reported as `apply.source_account_not_bound` with the console step as its hint.
 */
import type { CrClient, GetRepoSourceCodeRepoResponse } from '../cloud/cr.js';
import type { RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address } from '../plan/address.js';
import { compareSpec } from '../plan/compare.js';
import { bool, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Subject } from '../plan/kind.js';
import type { PlanFinding } from '../plan/model.js';
import { instanceAddress, runningInstances } from './instance.js';
import { namespaceAddress } from './namespace.js';
import { instanceCalls, instanceScopes } from './permits.js';
import { repositoryAddress, repositoryIdsOf } from './repository.js';
import { existsDifferent, isNotFound, mapLimit, vendorCode } from './support.js';

/** GetRepoSourceCodeRepo calls in flight at once. */
const READS_IN_FLIGHT = 8;

/** The documented CodeRepoType values. */
export const CODE_PLATFORMS = ['GITHUB', 'GITLAB', 'GITEE', 'CODE', 'CODEUP'] as const;
/** Console names of the platforms, for findings and hints. */
const PLATFORM_NAMES: Readonly<Record<string, string>> = { GITHUB: 'GitHub', GITLAB: 'GitLab', GITEE: 'Gitee', CODE: 'Alibaba Cloud Code', CODEUP: 'Codeup' };

const keyShape = struct({ instance: str, namespace: str, repository: str });
/** `namespace`/`repository`: the code repository's owner (group) and name on the platform. */
const specShape = struct({ platform: str, namespace: str, repository: str, autoBuild: bool, disableCache: bool, overseaBuild: bool });
const idsShape = struct({ instanceId: str, repoId: str });
export type BuildSourceKey = Decoded<typeof keyShape>;
export type BuildSourceSpec = Decoded<typeof specShape>;
export type BuildSourceIds = Decoded<typeof idsShape>;

/** `instance[i].namespace[ns].repository[r].build-source`. */
export function buildSourceAddress(instance: string, namespace: string, repository: string): string {
  return address(repositoryAddress(instance, namespace, repository), 'build-source');
}

/** Defaults of a declared source's options (the emulator's and, as far as documented, the console's). */
export const BUILD_SOURCE_DEFAULTS = { autoBuild: true, disableCache: false, overseaBuild: false } as const;

const flag = (v: string | undefined, fallback: boolean): boolean => (v === 'true' ? true : v === 'false' ? false : fallback);

/** The live spec of a Get answer, or undefined when the repository is not bound. */
function liveSpec(r: GetRepoSourceCodeRepoResponse): BuildSourceSpec | undefined {
  if ((r.CodeRepoType ?? '') === '') return undefined;
  return {
    platform: r.CodeRepoType!,
    namespace: r.CodeRepoNamespaceName ?? '',
    repository: r.CodeRepoName ?? '',
    autoBuild: flag(r.AutoBuild, BUILD_SOURCE_DEFAULTS.autoBuild),
    disableCache: flag(r.DisableCacheBuild, BUILD_SOURCE_DEFAULTS.disableCache),
    overseaBuild: flag(r.OverseaBuild, BUILD_SOURCE_DEFAULTS.overseaBuild),
  };
}

/** The repository's binding now, or undefined (not bound, or the repository is gone). */
async function getBinding(cr: CrClient, instanceId: string, repoId: string): Promise<BuildSourceSpec | undefined> {
  try {
    return liveSpec(await cr.getRepoSourceCodeRepo({ InstanceId: instanceId, RepoId: repoId }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The console step a bind needs, as a hint. */
function bindHint(platform: string, instance: string): string {
  return `bind a ${PLATFORM_NAMES[platform] ?? platform} account to instance ${instance} in the console (Container Registry → Instances → the instance → Repositories → Code Source; no API can), then run acrctl apply --resume`;
}

/** A refusal for the lack of a bound code-platform account, as a typed error; anything else unchanged. */
/** `instance`: the alias (the executor's context carries no config to name the instance by). */
function notBound(err: unknown, s: { id: string; spec: BuildSourceSpec }, instance: string): unknown {
  if (!/NOT_BOUND|NOT_BIND|SOURCE_ACCOUNT/.test(vendorCode(err) ?? '')) return err;
  return new AcrctlError('apply.source_account_not_bound', `cannot bind ${s.id} to ${s.spec.platform} ${s.spec.namespace}/${s.spec.repository}: the instance has no ${PLATFORM_NAMES[s.spec.platform] ?? s.spec.platform} account bound`, {
    address: s.id,
    hint: bindHint(s.spec.platform, instance),
    cause: err,
  });
}


async function create(ctx: ExecContext, s: Subject<BuildSourceSpec, BuildSourceIds, BuildSourceKey>): Promise<Outcome> {
  const { instanceId, repoId } = repositoryIdsOf(ctx, s.key);
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateRepoSourceCodeRepo', { instanceId, repoId, platform: s.spec.platform, code: `${s.spec.namespace}/${s.spec.repository}` });
  try {
    await cr.createRepoSourceCodeRepo({
      InstanceId: instanceId,
      RepoId: repoId,
      CodeRepoType: s.spec.platform,
      CodeRepoNamespaceName: s.spec.namespace,
      CodeRepoName: s.spec.repository,
      AutoBuild: s.spec.autoBuild,
      DisableCacheBuild: s.spec.disableCache,
      OverseaBuild: s.spec.overseaBuild,
    });
  } catch (err) {
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw notBound(err, s, s.key.instance);
    const live = await getBinding(cr, instanceId, repoId);
    if (live === undefined) throw err;
    const changes = compareSpec(s.spec, live);
    if (changes.length > 0) existsDifferent(s.id, changes);
  }
  return { ids: { instanceId, repoId } };
}

async function update(ctx: ExecContext, c: Change<BuildSourceSpec, BuildSourceIds, BuildSourceKey>): Promise<Outcome> {
  const { instanceId, repoId } = c.ids;
  await ctx.intent('UpdateRepoSourceCodeRepo', { instanceId, repoId, fields: c.changes.map((x) => x.path) });
  try {
    await ctx.cloud.cr(c.account, c.region).updateRepoSourceCodeRepo({
      InstanceId: instanceId,
      RepoId: repoId,
      CodeRepoType: c.spec.platform,
      CodeRepoNamespaceName: c.spec.namespace,
      CodeRepoName: c.spec.repository,
      AutoBuild: String(c.spec.autoBuild),
      DisableCacheBuild: String(c.spec.disableCache),
      OverseaBuild: String(c.spec.overseaBuild),
    });
  } catch (err) {
    throw notBound(err, c, c.key.instance);
  }
  return { ids: c.ids };
}

async function observe(ctx: ExecContext, s: Subject<BuildSourceSpec, BuildSourceIds, BuildSourceKey>): Promise<Observation<BuildSourceIds>> {
  const instanceId = s.ids?.instanceId ?? ctx.ids(instanceAddress(s.key.instance))['instanceId'];
  const repoId = s.ids?.repoId ?? ctx.ids(repositoryAddress(s.key.instance, s.key.namespace, s.key.repository))['repoId'];
  if (instanceId === undefined || repoId === undefined || repoId === '') return { state: 'absent' };
  const live = await getBinding(ctx.cloud.cr(s.account, s.region), instanceId, repoId);
  if (live === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: compareSpec(s.spec, live).length === 0, ready: true, ids: { instanceId, repoId } };
}

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/repository': {
      build: {
        description:
          'Building images from source code (API CreateRepoSourceCodeRepo, CreateRepoBuildRule): the bound source-code repository and the build rules. The code platform\'s account must be bound to the instance in the console first (no API can); removing `source` does not unbind it (no API can).',
        $ref: '#/$defs/repositoryBuild',
      },
    },
  },
  defs: {
    repositoryBuild: {
      description: 'The build configuration of a repository: its source binding (`source`) and its build rules (`rules`).',
      type: 'object',
      additionalProperties: false,
      properties: {
        source: { description: 'The source-code repository it builds from; removing it does not unbind it (no API can).', $ref: '#/$defs/buildSource' },
        rules: {
          description: 'Build rules (natural key: the push (`branch` or `gitTag`) and `imageTag`). Rules that registry.yaml does not declare are deleted under `prune: true`.',
          type: 'array',
          items: { $ref: '#/$defs/buildRule' },
          examples: [[{ branch: 'main', imageTag: 'latest' }, { gitTag: 'release-v.*', imageTag: 'release', platforms: ['linux/amd64', 'linux/arm64'] }]],
        },
      },
      examples: [{ source: { platform: 'GITHUB', namespace: 'acme', repository: 'web' }, rules: [{ branch: 'main', imageTag: 'latest' }] }],
    },
    buildSource: {
      description:
        'The source-code repository the image repository builds from, one per repository (API CreateRepoSourceCodeRepo; changed in place by UpdateRepoSourceCodeRepo). Needs an account of `platform` bound to the instance in the console (Repositories → Code Source): acrctl cannot check it before apply. Removing it from registry.yaml leaves the binding in place: the API has no call to unbind one.',
      type: 'object',
      required: ['platform', 'namespace', 'repository'],
      additionalProperties: false,
      properties: {
        platform: { description: 'Code hosting platform (API CodeRepoType).', enum: [...CODE_PLATFORMS], examples: ['GITHUB'] },
        namespace: { description: 'Owner, organisation or group of the code repository on the platform (API CodeRepoNamespaceName).', type: 'string', minLength: 1, examples: ['acme'] },
        repository: { description: 'Name of the code repository (API CodeRepoName).', type: 'string', minLength: 1, examples: ['web'] },
        autoBuild: { description: 'Build on every push that matches a rule (API AutoBuild). Default: true.', type: 'boolean' },
        disableCache: { description: 'Build without the layer cache (API DisableCacheBuild). Default: false.', type: 'boolean' },
        overseaBuild: { description: 'Build on servers outside the Chinese mainland (API OverseaBuild), for sources hosted abroad. Default: false.', type: 'boolean' },
      },
      examples: [{ platform: 'GITHUB', namespace: 'acme', repository: 'web', overseaBuild: true }],
    },
  },
  sections: [
    ['repositoryBuild', '#/$defs/repositoryBuild'],
    ['buildSource', '#/$defs/buildSource'],
  ],
};

/** The calls: GetRepoSourceCodeRepo per declared repository; Create/Update where a source is declared. Adopt gets every repository's. */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) => {
    const inst = config.instances![s.alias]!;
    const out: CallNeed[] = [...instanceCalls(s, ['read'], ['cr:GetRepoSourceCodeRepo'], {}, ['adopt'])];
    for (const [ns, decl] of Object.entries(inst.namespaces ?? {})) {
      for (const [repo, r] of Object.entries(decl.repositories ?? {})) {
        const on = { namespace: ns, repository: repo };
        out.push(...instanceCalls(s, ['read', 'observe', 'create'], ['cr:GetRepoSourceCodeRepo'], on));
        if (r.build?.source !== undefined) out.push(...instanceCalls(s, ['create'], ['cr:CreateRepoSourceCodeRepo'], on), ...instanceCalls(s, ['update'], ['cr:UpdateRepoSourceCodeRepo'], on));
      }
    }
    return out;
  });
}

/** The spec of a declared source (defaults filled). */
export function buildSourceSpec(src: { platform: string; namespace: string; repository: string; autoBuild?: boolean; disableCache?: boolean; overseaBuild?: boolean }): BuildSourceSpec {
  return {
    platform: src.platform,
    namespace: src.namespace,
    repository: src.repository,
    autoBuild: src.autoBuild ?? BUILD_SOURCE_DEFAULTS.autoBuild,
    disableCache: src.disableCache ?? BUILD_SOURCE_DEFAULTS.disableCache,
    overseaBuild: src.overseaBuild ?? BUILD_SOURCE_DEFAULTS.overseaBuild,
  };
}

export const buildSourceKind: Kind<BuildSourceSpec, BuildSourceIds, BuildSourceKey> = {
  name: 'build-source',
  readAfter: ['instance', 'repository'],
  reportsUnmanaged: true,
  address: (k) => buildSourceAddress(k.instance, k.namespace, k.repository),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired(config: RegistryDocument) {
    const out: DesiredObject<BuildSourceSpec, BuildSourceKey>[] = [];
    for (const [alias, inst] of Object.entries(config.instances ?? {})) {
      for (const [ns, nsObj] of Object.entries(inst.namespaces ?? {})) {
        for (const [repo, repoObj] of Object.entries(nsObj.repositories ?? {})) {
          const src = repoObj.build?.source;
          if (src === undefined) continue;
          out.push({
            id: buildSourceAddress(alias, ns, repo),
            kind: 'build-source',
            account: inst.account,
            region: inst.region,
            instance: alias,
            key: { instance: alias, namespace: ns, repository: repo },
            spec: buildSourceSpec(src),
            requires: [instanceAddress(alias), namespaceAddress(alias, ns), repositoryAddress(alias, ns, repo)],
          });
        }
      }
    }
    return out;
  },

  async read(ctx: ReadContext) {
    const running = new Map(runningInstances(ctx).map((m) => [m.alias, m] as const));
    const declared = new Set(ctx.desired.filter((d) => d.kind === 'repository').map((d) => d.id));
    const repos = ctx.live('repository').filter((l) => l.instance !== undefined && running.has(l.instance) && (ctx.discover === true || declared.has(l.id)) && (l.ids['repoId'] ?? '') !== '');
    const per = await mapLimit(repos, READS_IN_FLIGHT, async (l): Promise<LiveObject<BuildSourceSpec, BuildSourceIds, BuildSourceKey>[]> => {
      const m = running.get(l.instance!)!;
      const ns = l.key['namespace'] ?? '';
      const repo = l.key['repository'] ?? '';
      const repoId = l.ids['repoId']!;
      const spec = await getBinding(ctx.cloud.cr(m.account, m.region), m.instanceId, repoId);
      if (spec === undefined) return [];
      return [
        {
          id: buildSourceAddress(m.alias, ns, repo),
          kind: 'build-source',
          account: m.account,
          region: m.region,
          instance: m.alias,
          key: { instance: m.alias, namespace: ns, repository: repo },
          spec,
          ids: { instanceId: m.instanceId, repoId },
          container: l.id,
          // Never deleted: the API cannot unbind a source (see the module note).
          prunable: false,
          requires: [l.id],
        },
      ];
    });
    return per.flat();
  },

  /** A binding is never deleted (no API); every field updates in place. */
  classify(desired) {
    return desired === undefined ? 'none' : undefined;
  },

  /**
   * Findings: every bind (a create, or an update that changes the platform) needs the platform's
   * account bound to the instance in the console; a live binding registry.yaml no longer declares
   * stays (no API unbinds it).
   */
  extras(ctx) {
    const findings: PlanFinding[] = [];
    const live = new Map(ctx.live('build-source').map((l) => [l.id, l] as const));
    const wanted = new Set<string>();
    for (const d of ctx.desired) {
      if (d.kind !== 'build-source' || d.instance === undefined) continue;
      wanted.add(d.id);
      const l = live.get(d.id);
      const platform = String(d.spec['platform']);
      if (l !== undefined && l.spec['platform'] === platform) continue;
      const name = ctx.config.instances?.[d.instance]?.name ?? d.instance;
      findings.push({
        id: 'build-source-account',
        severity: 'warning',
        message: `binds ${platform} ${String(d.spec['namespace'])}/${String(d.spec['repository'])}: it needs a ${PLATFORM_NAMES[platform] ?? platform} account bound to instance ${name} in the console (Repositories → Code Source), which no API can read or make; without it apply stops at this bind`,
        where: d.id,
        key: Object.fromEntries(Object.entries(d.key).map(([k, v]) => [k, String(v)])),
      });
    }
    for (const l of live.values()) {
      if (wanted.has(l.id)) continue;
      if (!ctx.desired.some((d) => d.kind === 'repository' && d.id === l.container)) continue;
      findings.push({
        id: 'build-source-not-unbound',
        severity: 'info',
        message: `bound to ${String(l.spec['platform'])} ${String(l.spec['namespace'])}/${String(l.spec['repository'])} and registry.yaml declares no build.source: acrctl leaves it bound, as the API has no call to unbind a source (unbind it in the console's Build page)`,
        where: l.id,
        key: Object.fromEntries(Object.entries(l.key).map(([k, v]) => [k, String(v)])),
      });
    }
    return { findings };
  },

  /** `build.source` with the defaults left out. */
  toConfig(l) {
    const s = l.spec;
    const source = {
      platform: s.platform,
      namespace: s.namespace,
      repository: s.repository,
      ...(s.autoBuild !== BUILD_SOURCE_DEFAULTS.autoBuild ? { autoBuild: s.autoBuild } : {}),
      ...(s.disableCache !== BUILD_SOURCE_DEFAULTS.disableCache ? { disableCache: s.disableCache } : {}),
      ...(s.overseaBuild !== BUILD_SOURCE_DEFAULTS.overseaBuild ? { overseaBuild: s.overseaBuild } : {}),
    };
    if (!(CODE_PLATFORMS as readonly string[]).includes(s.platform)) return { notes: [{ address: l.id, message: `not adopted: platform ${JSON.stringify(s.platform)} has no form in the language` }] };
    return { pieces: [{ set: ['instances', l.key.instance, 'namespaces', l.key.namespace, 'repositories', l.key.repository], fields: { build: { source } } }] };
  },

  observe,
  create,
  update,
};

/** Whether the live objects hold a binding of this repository (for build-rule's adopt). */
export function hasLiveSource(live: readonly LiveObject[], instance: string, namespace: string, repository: string): boolean {
  const id = buildSourceAddress(instance, namespace, repository);
  return live.some((l) => l.id === id);
}
