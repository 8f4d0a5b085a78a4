/**
 * Kind `build-rule`: one image build rule of a repository
 * (`instance[i].namespace[ns].repository[r].build-rule[<push>:<name>:<imageTag>]`), declared in
 * `repositories.<r>.build.rules` (issue 14 item 9).
 *
 * Natural key: the push that triggers the rule (`branch` or `gitTag`, API PushType GIT_BRANCH |
 * GIT_TAG, and its name or pattern, API PushName) and the tag it builds (API ImageTag). Build rules
 * have no name and their ids (`crbr-…`) are the service's, so what a rule builds from what is the
 * only identity a person and a Personal Edition export share; two rules that build the same tag from
 * the same push would race each other. Git branch names and image tags cannot hold `:`, so the
 * address is unambiguous. Changing any key field is therefore a different rule (a delete and a
 * create), although UpdateRepoBuildRule could change it; the Dockerfile, platforms and build
 * arguments change in place. Build arguments that become none cannot be updated in place (the API
 * takes a repeat list and an empty one cannot be sent): that change replaces the rule.
 *
 * Reads: cr ListRepoBuildRule (paged) per live repository that is declared (every live repository
 * in adopt's discover mode). Live rules with a key seen already in the repository (the service keeps
 * duplicates) are addressed with their id appended, as unmanaged rules that `prune: true` deletes.
 * Acts: CreateRepoBuildRule / UpdateRepoBuildRule / DeleteRepoBuildRule. No build ever runs.
 */
import type { CrBuildRule, CrClient } from '../cloud/cr.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { deepEqual } from '../plan/compare.js';
import { list, oneOf, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, ConfigPiece, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { FieldChange, PlanFinding } from '../plan/model.js';
import { buildSourceAddress, hasLiveSource } from './build-source.js';
import { instanceAddress, prunes, runningInstances } from './instance.js';
import { namespaceAddress } from './namespace.js';
import { instanceCalls, instanceScopes } from './permits.js';
import { repositoryAddress, repositoryIdsOf } from './repository.js';
import { existsDifferent, isNotFound, mapLimit } from './support.js';

/** ListRepoBuildRule reads in flight at once. */
const READS_IN_FLIGHT = 8;

/** The documented build platforms. */
export const BUILD_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/386', 'linux/arm/v7', 'linux/arm/v6'] as const;
/** Defaults of a declared rule (the API's, as documented or, for platforms, as the console shows). */
export const BUILD_RULE_DEFAULTS = { dockerfileLocation: '/', dockerfileName: 'Dockerfile', platforms: ['linux/amd64'] } as const;

const PUSH = { branch: 'GIT_BRANCH', tag: 'GIT_TAG' } as const;
type Push = keyof typeof PUSH;

const keyShape = struct({ instance: str, namespace: str, repository: str, push: oneOf('branch', 'tag'), name: str, imageTag: str });
/** `platforms` sorted; `buildArgs` in their order (a later argument of the same name wins). */
const specShape = struct({ dockerfileLocation: str, dockerfileName: str, platforms: list(str), buildArgs: list(str) });
const idsShape = struct({ instanceId: str, repoId: str, buildRuleId: str });
export type BuildRuleKey = Decoded<typeof keyShape>;
export type BuildRuleSpec = Decoded<typeof specShape>;
export type BuildRuleIds = Decoded<typeof idsShape>;

/** The address segment name of a rule: `<branch|tag>:<name>:<imageTag>`. */
export function buildRuleName(push: Push, name: string, imageTag: string): string {
  return `${push}:${name}:${imageTag}`;
}

/** `instance[i].namespace[ns].repository[r].build-rule[<push>:<name>:<imageTag>]`. */
export function buildRuleAddress(instance: string, namespace: string, repository: string, push: Push, name: string, imageTag: string): string {
  return address(repositoryAddress(instance, namespace, repository), segment('build-rule', buildRuleName(push, name, imageTag)));
}

/** A declared rule as registry.yaml writes it. */
export interface DeclaredBuildRule {
  readonly branch?: string;
  readonly gitTag?: string;
  readonly imageTag: string;
  readonly dockerfileLocation?: string;
  readonly dockerfileName?: string;
  readonly platforms?: readonly string[];
  readonly buildArgs?: readonly string[];
}

/** The key fields and the spec of a declared rule (defaults filled). */
export function declaredRule(r: DeclaredBuildRule): { push: Push; name: string; imageTag: string; spec: BuildRuleSpec } {
  const push: Push = r.branch !== undefined ? 'branch' : 'tag';
  return {
    push,
    name: r.branch ?? r.gitTag ?? '',
    imageTag: r.imageTag,
    spec: {
      dockerfileLocation: r.dockerfileLocation ?? BUILD_RULE_DEFAULTS.dockerfileLocation,
      dockerfileName: r.dockerfileName ?? BUILD_RULE_DEFAULTS.dockerfileName,
      platforms: [...new Set(r.platforms ?? BUILD_RULE_DEFAULTS.platforms)].sort(),
      buildArgs: [...(r.buildArgs ?? [])],
    },
  };
}

function liveSpec(b: CrBuildRule): BuildRuleSpec {
  return {
    dockerfileLocation: b.DockerfileLocation ?? BUILD_RULE_DEFAULTS.dockerfileLocation,
    dockerfileName: b.DockerfileName ?? BUILD_RULE_DEFAULTS.dockerfileName,
    platforms: [...new Set(b.Platforms ?? [])].sort(),
    buildArgs: [...(b.BuildArgs ?? [])],
  };
}

const pushOf = (pushType: string | undefined): Push | undefined => (pushType === 'GIT_BRANCH' ? 'branch' : pushType === 'GIT_TAG' ? 'tag' : undefined);

/** The changes from live to desired; build arguments that become none replace the rule (see the module note). */
function changesOf(desired: BuildRuleSpec, live: BuildRuleSpec): FieldChange[] {
  const out: FieldChange[] = [];
  for (const path of ['buildArgs', 'dockerfileLocation', 'dockerfileName', 'platforms'] as const) {
    if (deepEqual(desired[path], live[path])) continue;
    const cleared = path === 'buildArgs' && desired.buildArgs.length === 0;
    out.push({ path, before: live[path], after: desired[path], impact: cleared ? 'replace' : 'update' });
  }
  return out;
}

async function repoRules(cr: CrClient, instanceId: string, repoId: string): Promise<readonly CrBuildRule[]> {
  return (await cr.allRepoBuildRules({ InstanceId: instanceId, RepoId: repoId })).items;
}

const matches = (b: CrBuildRule, k: BuildRuleKey): boolean => pushOf(b.PushType) === k.push && b.PushName === k.name && b.ImageTag === k.imageTag;

/** Creates the rule; one with its key found already (a create whose answer was lost) is accepted when it has the spec. */
async function create(ctx: ExecContext, s: Subject<BuildRuleSpec, BuildRuleIds, BuildRuleKey>): Promise<Outcome> {
  const { instanceId, repoId } = repositoryIdsOf(ctx, s.key);
  const cr = ctx.cloud.cr(s.account, s.region);
  // Rules have no name and no unique key in the service: look before creating, so a resent create makes no twin.
  const found = (await repoRules(cr, instanceId, repoId)).find((b) => matches(b, s.key));
  if (found?.BuildRuleId !== undefined) {
    const changes = changesOf(s.spec, liveSpec(found));
    if (changes.length > 0) existsDifferent(s.id, changes);
    return { ids: { instanceId, repoId, buildRuleId: found.BuildRuleId } };
  }
  await ctx.intent('CreateRepoBuildRule', { instanceId, repoId, rule: buildRuleName(s.key.push, s.key.name, s.key.imageTag) });
  const r = await cr.createRepoBuildRule({ InstanceId: instanceId, RepoId: repoId, ...fields(s.key, s.spec) });
  if (r.BuildRuleId === undefined) throw new AcrctlError('apply.no_id', `CreateRepoBuildRule for ${s.id} returned no BuildRuleId`, { address: s.id });
  return { ids: { instanceId, repoId, buildRuleId: r.BuildRuleId } };
}

function fields(k: BuildRuleKey, s: BuildRuleSpec) {
  return {
    PushType: PUSH[k.push],
    PushName: k.name,
    ImageTag: k.imageTag,
    DockerfileLocation: s.dockerfileLocation,
    DockerfileName: s.dockerfileName,
    Platforms: s.platforms,
    ...(s.buildArgs.length > 0 ? { BuildArgs: s.buildArgs } : {}),
  };
}

async function update(ctx: ExecContext, c: Change<BuildRuleSpec, BuildRuleIds, BuildRuleKey>): Promise<Outcome> {
  const { instanceId, repoId, buildRuleId } = c.ids;
  await ctx.intent('UpdateRepoBuildRule', { instanceId, repoId, buildRuleId, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateRepoBuildRule({ InstanceId: instanceId, RepoId: repoId, BuildRuleId: buildRuleId, ...fields(c.key, c.spec) });
  return { ids: c.ids };
}

async function remove(ctx: ExecContext, r: Removal<BuildRuleSpec, BuildRuleIds, BuildRuleKey>): Promise<Outcome> {
  const { instanceId, repoId, buildRuleId } = r.ids;
  await ctx.intent('DeleteRepoBuildRule', { instanceId, repoId, buildRuleId });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteRepoBuildRule({ InstanceId: instanceId, RepoId: repoId, BuildRuleId: buildRuleId });
  } catch (err) {
    if (!isNotFound(err)) throw err; // BUILD_RULE_NOT_EXIST, REPO_NOT_EXIST: already gone
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<BuildRuleSpec, BuildRuleIds, BuildRuleKey>): Promise<Observation<BuildRuleIds>> {
  const instanceId = s.ids?.instanceId ?? ctx.ids(instanceAddress(s.key.instance))['instanceId'];
  const repoId = s.ids?.repoId ?? ctx.ids(repositoryAddress(s.key.instance, s.key.namespace, s.key.repository))['repoId'];
  if (instanceId === undefined || repoId === undefined || repoId === '') return { state: 'absent' };
  let rules: readonly CrBuildRule[];
  try {
    rules = await repoRules(ctx.cloud.cr(s.account, s.region), instanceId, repoId);
  } catch (err) {
    if (isNotFound(err)) return { state: 'absent' };
    throw err;
  }
  const found = s.ids !== undefined ? rules.find((b) => b.BuildRuleId === s.ids!.buildRuleId) : rules.find((b) => matches(b, s.key));
  if (found?.BuildRuleId === undefined) return { state: 'absent' };
  const upToDate = matches(found, s.key) && changesOf(s.spec, liveSpec(found)).length === 0;
  return { state: 'present', upToDate, ready: true, ids: { instanceId, repoId, buildRuleId: found.BuildRuleId } };
}

/** A rule's key (push and image tag) is unique within its repository. */
const REFERENCES: ReferenceCheck = ({ instances, entries, items, str, quote, report }) => {
  for (const [alias, inst] of instances) {
    for (const [ns, nsObj] of entries(inst['namespaces'])) {
      for (const [repo, repoObj] of entries(nsObj['repositories'])) {
        const build = repoObj['build'];
        if (build === null || typeof build !== 'object' || Array.isArray(build)) continue;
        const seen = new Map<string, number>();
        for (const [i, r] of items((build as Record<string, unknown>)['rules'])) {
          const imageTag = str(r['imageTag']);
          const branch = str(r['branch']);
          const tag = str(r['gitTag']);
          if (imageTag === undefined || (branch === undefined && tag === undefined)) continue;
          const name = buildRuleName(branch !== undefined ? 'branch' : 'tag', branch ?? tag ?? '', imageTag);
          const first = seen.get(name);
          if (first !== undefined) {
            report('ref/duplicate-key', `build rule ${quote(name)} is declared twice in repository ${quote(`${ns}/${repo}`)} (first at rules[${first}])`, ['instances', alias, 'namespaces', ns, 'repositories', repo, 'build', 'rules', i, 'imageTag'], 'a build rule is known by its push (branch or gitTag) and its imageTag within the repository');
          } else seen.set(name, i);
        }
      }
    }
  }
};

const LANGUAGE: LanguageFragment = {
  properties: {},
  defs: {
    buildRule: {
      description:
        'An image build rule (API CreateRepoBuildRule): a push to `branch`, or of a Git tag matching `gitTag`, builds the image tag `imageTag`. Known by its push and `imageTag`; the Dockerfile, platforms and build arguments change in place. Builds run in the service, from the bound `build.source`.',
      type: 'object',
      required: ['imageTag'],
      additionalProperties: false,
      properties: {
        branch: { description: 'Build on pushes to this branch (API PushType GIT_BRANCH, PushName). Not with `gitTag`.', type: 'string', minLength: 1, pattern: '^[^:]+$', examples: ['main'] },
        gitTag: {
          description: 'Build on pushes of Git tags matching this expression (API PushType GIT_TAG, PushName). Not with `branch`.',
          type: 'string',
          minLength: 1,
          examples: ['release-v.*'],
        },
        imageTag: { description: 'The image tag built (API ImageTag), e.g. `latest`. A `${…}` the service should see is written `$${…}` (acrctl interpolates `${env:NAME}`).', type: 'string', minLength: 1, maxLength: 128, pattern: '^[^:]+$', examples: ['latest'] },
        dockerfileLocation: { description: 'Directory of the Dockerfile in the source repository (API DockerfileLocation). Default: `/`.', type: 'string', minLength: 1, examples: ['/docker'] },
        dockerfileName: { description: 'File name of the Dockerfile (API DockerfileName). Default: `Dockerfile`.', type: 'string', minLength: 1, examples: ['Dockerfile.prod'] },
        platforms: {
          description: 'Platforms to build for (API Platforms). Default: `[linux/amd64]`.',
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { enum: [...BUILD_PLATFORMS] },
          examples: [['linux/amd64', 'linux/arm64']],
        },
        buildArgs: {
          description: 'Build arguments, `NAME=value`, in order (API BuildArgs). Never secrets: they are stored in the rule and shown in plans. Going from some to none replaces the rule (the API cannot clear them).',
          type: 'array',
          items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*=', minLength: 2 },
          examples: [['GO_VERSION=1.22']],
        },
      },
      allOf: [
        { if: { required: ['branch'] }, then: { properties: { gitTag: { not: {}, errorMessage: 'a build rule has branch or gitTag, not both' } } } },
        { if: { not: { required: ['branch'] } }, then: { required: ['gitTag'] } },
      ],
    },
  },
  sections: [['buildRule', '#/$defs/buildRule']],
};

/** The calls, per declared repository: ListRepoBuildRule (read and before a create); writes where rules are declared; Delete where the instance prunes or a replace can happen. */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) => {
    const inst = config.instances![s.alias]!;
    const out: CallNeed[] = [...instanceCalls(s, ['read'], ['cr:ListRepoBuildRule'], {}, ['adopt'])];
    for (const [ns, decl] of Object.entries(inst.namespaces ?? {})) {
      for (const [repo, r] of Object.entries(decl.repositories ?? {})) {
        const on = { namespace: ns, repository: repo };
        const declared = (r.build?.rules ?? []).length > 0;
        out.push(...instanceCalls(s, ['read', 'observe', 'create'], ['cr:ListRepoBuildRule'], on));
        if (declared) out.push(...instanceCalls(s, ['create', 'update'], ['cr:CreateRepoBuildRule', 'cr:UpdateRepoBuildRule'], on), ...instanceCalls(s, ['delete'], ['cr:DeleteRepoBuildRule'], on, ['apply']));
        else if (prunes(inst)) out.push(...instanceCalls(s, ['delete'], ['cr:DeleteRepoBuildRule'], on, ['apply']));
      }
    }
    return out;
  });
}

/** The desired object of one rule of a repository (also what an import plans for a Personal Edition rule). */
export function buildRuleObject(
  place: { account: string; region: string; instance: string },
  namespace: string,
  repository: string,
  rule: { push: Push; name: string; imageTag: string; spec: BuildRuleSpec },
  extra: { reason?: string; requires?: readonly string[] } = {},
): DesiredObject<BuildRuleSpec, BuildRuleKey> {
  const { instance } = place;
  return {
    id: buildRuleAddress(instance, namespace, repository, rule.push, rule.name, rule.imageTag),
    kind: 'build-rule',
    ...place,
    key: { instance, namespace, repository, push: rule.push, name: rule.name, imageTag: rule.imageTag },
    spec: rule.spec,
    // After the source binding (when one is declared: unknown addresses are ignored).
    requires: [instanceAddress(instance), namespaceAddress(instance, namespace), repositoryAddress(instance, namespace, repository), buildSourceAddress(instance, namespace, repository), ...(extra.requires ?? [])],
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
  };
}

export const buildRuleKind: Kind<BuildRuleSpec, BuildRuleIds, BuildRuleKey> = {
  name: 'build-rule',
  readAfter: ['instance', 'repository'],
  reportsUnmanaged: true,
  address: (k) => buildRuleAddress(k.instance, k.namespace, k.repository, k.push, k.name, k.imageTag),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    const out: DesiredObject<BuildRuleSpec, BuildRuleKey>[] = [];
    for (const [alias, inst] of Object.entries(config.instances ?? {})) {
      for (const [ns, nsObj] of Object.entries(inst.namespaces ?? {})) {
        for (const [repo, repoObj] of Object.entries(nsObj.repositories ?? {})) {
          for (const r of repoObj.build?.rules ?? []) out.push(buildRuleObject({ account: inst.account, region: inst.region, instance: alias }, ns, repo, declaredRule(r)));
        }
      }
    }
    return out;
  },

  async read(ctx: ReadContext) {
    const running = new Map(runningInstances(ctx).map((m) => [m.alias, m] as const));
    const declared = new Set(ctx.desired.filter((d) => d.kind === 'repository').map((d) => d.id));
    const repos = ctx.live('repository').filter((l) => l.instance !== undefined && running.has(l.instance) && (ctx.discover === true || declared.has(l.id)) && (l.ids['repoId'] ?? '') !== '');
    const per = await mapLimit(repos, READS_IN_FLIGHT, async (l) => {
      const m = running.get(l.instance!)!;
      const ns = l.key['namespace'] ?? '';
      const repo = l.key['repository'] ?? '';
      const repoId = l.ids['repoId']!;
      const seen = new Set<string>();
      const out: LiveObject<BuildRuleSpec, BuildRuleIds, BuildRuleKey>[] = [];
      for (const b of await repoRules(ctx.cloud.cr(m.account, m.region), m.instanceId, repoId)) {
        const push = pushOf(b.PushType);
        if (push === undefined || b.BuildRuleId === undefined) continue;
        const name = buildRuleName(push, b.PushName ?? '', b.ImageTag ?? '');
        // A second rule with the same key: addressed by its id too (see the module note).
        const imageTag = seen.has(name) ? `${b.ImageTag ?? ''}#${b.BuildRuleId}` : (b.ImageTag ?? '');
        seen.add(name);
        const key = { instance: m.alias, namespace: ns, repository: repo, push, name: b.PushName ?? '', imageTag };
        out.push({
          id: buildRuleAddress(m.alias, ns, repo, push, key.name, imageTag),
          kind: 'build-rule',
          account: m.account,
          region: m.region,
          instance: m.alias,
          key,
          spec: liveSpec(b),
          ids: { instanceId: m.instanceId, repoId, buildRuleId: b.BuildRuleId },
          container: l.id,
          prunable: prunes(m.config),
          requires: [l.id],
        });
      }
      return out;
    });
    return per.flat();
  },

  diff(desired, live) {
    return { changes: changesOf(desired.spec, live.spec) };
  },

  /** An info per repository with rules and no source binding, declared or live: its rules build nothing until one is bound. */
  extras(ctx) {
    const bound = new Set([...ctx.desired.filter((d) => d.kind === 'build-source').map((d) => d.id), ...ctx.live('build-source').map((l) => l.id)]);
    const findings: PlanFinding[] = [];
    const seen = new Set<string>();
    for (const d of ctx.desired) {
      if (d.kind !== 'build-rule') continue;
      const { instance, namespace, repository } = d.key as Record<string, string>;
      const source = buildSourceAddress(instance!, namespace!, repository!);
      if (bound.has(source) || seen.has(source)) continue;
      seen.add(source);
      findings.push({
        id: 'build-rule-no-source',
        severity: 'info',
        where: repositoryAddress(instance!, namespace!, repository!),
        message: `repository ${namespace}/${repository} has build rules but no source repository bound (declared as build.source or found live): its rules build nothing until one is bound`,
      });
    }
    return { findings };
  },

  /** A rule with the defaults left out; a duplicate (its id in the key) is not adopted. */
  toConfig(l, ctx) {
    const { instance, namespace, repository, push, name, imageTag } = l.key;
    if (imageTag.includes('#')) return { notes: [{ address: l.id, message: 'not adopted: a second rule with the same push and image tag (delete it, or let prune: true do so)' }] };
    const s = l.spec;
    const value = {
      [push === 'branch' ? 'branch' : 'gitTag']: name,
      imageTag,
      ...(s.dockerfileLocation !== BUILD_RULE_DEFAULTS.dockerfileLocation ? { dockerfileLocation: s.dockerfileLocation } : {}),
      ...(s.dockerfileName !== BUILD_RULE_DEFAULTS.dockerfileName ? { dockerfileName: s.dockerfileName } : {}),
      ...(!deepEqual(s.platforms, BUILD_RULE_DEFAULTS.platforms) && s.platforms.length > 0 ? { platforms: s.platforms } : {}),
      ...(s.buildArgs.length > 0 ? { buildArgs: s.buildArgs } : {}),
    };
    const repoPath = ['instances', instance, 'namespaces', namespace, 'repositories', repository];
    const pieces: ConfigPiece[] = [];
    // `build` exists when the repository's source was adopted; otherwise the repository's first rule (adopt places by address) makes it.
    const first = ctx
      .live('build-rule')
      .filter((x) => x.container === l.container && !String(x.key['imageTag']).includes('#'))
      .map((x) => x.id)
      .sort()[0];
    if (!hasLiveSource(ctx.live('build-source'), instance, namespace, repository) && first === l.id) pieces.push({ set: repoPath, fields: { build: {} } });
    pieces.push({ item: [...repoPath, 'build', 'rules'], value, order: buildRuleName(push, name, imageTag) });
    return { pieces };
  },

  observe,
  create,
  update,
  delete: remove,
};
