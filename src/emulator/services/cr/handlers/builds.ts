/**
 * cr 2018-12-01 repository builds (issue 14 item 9): the source-code binding of a repository
 * (Create/Update/GetRepoSourceCodeRepo; there is no call that unbinds one) and its build rules
 * (Create/Update/Delete/ListRepoBuildRule). Only records: no build ever runs, no code platform is
 * ever called. Behaviour and guesses: SPEC.md "Build rules and source bindings".
 *
 * The code-platform account (OAuth) an instance builds from is bound in the console only: the admin
 * route `POST /_emulator/cr/code-sources` stands for that console step, keyed by account, region and
 * instance name so that a seed can bind it before the instance is bought.
 */
import { ApiError, type AdminRoute, type FlatParams, type RpcAction } from '../../../core/contract.js';
import { optionalBool, optionalEnum, optionalString, repeatList, requireString } from '../../../core/params.js';
import { consoleStepKey, crState, settle, type BuildRuleRecord, type CrState, type InstanceRecord, type RepoRecord, type SourceCodeRepoRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields } from './common.js';

/** The documented CodeRepoType values (CreateRepoSourceCodeRepo reference). */
export const CODE_REPO_TYPES = ['GITHUB', 'GITLAB', 'GITEE', 'CODE', 'CODEUP'] as const;
const PUSH_TYPES = ['GIT_BRANCH', 'GIT_TAG'] as const;
/** The documented Platforms values (the reference spells one `inux/arm/v6`: a typo, not accepted). */
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/386', 'linux/arm/v7', 'linux/arm/v6'] as const;
/** Platforms of a rule created without any (guess: the console's default). */
const DEFAULT_PLATFORMS = ['linux/amd64'];

/** Guessed business code of a bind to a platform whose account the instance has not bound (no source documents one). */
export const SOURCE_ACCOUNT_NOT_BOUND = 'SOURCE_ACCOUNT_NOT_BOUND';

const DOMAINS: Readonly<Record<string, string>> = {
  GITHUB: 'https://github.com',
  GITLAB: 'https://gitlab.com',
  GITEE: 'https://gitee.com',
  CODE: 'https://code.aliyun.com',
  CODEUP: 'https://codeup.aliyun.com',
};

function repoOf(inst: InstanceRecord, p: FlatParams): RepoRecord {
  const id = requireString(p, 'RepoId');
  const repo = inst.repos[id];
  if (repo === undefined) throw crError('REPO_NOT_EXIST', `The repository ${id} does not exist.`);
  return repo;
}

function boundPlatforms(st: CrState, inst: InstanceRecord): readonly string[] {
  return st.codeSources?.[consoleStepKey(inst.accountUid, inst.region, inst.name)] ?? [];
}

/** The code-platform account must be bound to the instance (console only) before a repository binds to it. */
function requireBound(st: CrState, inst: InstanceRecord, type: string): void {
  if (!boundPlatforms(st, inst).includes(type)) {
    throw crError(SOURCE_ACCOUNT_NOT_BOUND, `No ${type} account is bound to the instance ${inst.instanceId}: bind one in the console (Code Source) first.`);
  }
}

function platformsOf(p: FlatParams): string[] {
  const list = repeatList(p, 'Platforms');
  for (const x of list) if (!(PLATFORMS as readonly string[]).includes(x)) throw invalidParameter('Platforms', `${x} is not one of ${PLATFORMS.join(', ')}.`);
  return [...new Set(list)];
}

function ruleOf(repo: RepoRecord, p: FlatParams): BuildRuleRecord {
  const id = requireString(p, 'BuildRuleId');
  const rule = (repo.buildRules ?? []).find((b) => b.buildRuleId === id);
  if (rule === undefined) throw crError('BUILD_RULE_NOT_EXIST', `The build rule ${id} does not exist.`);
  return rule;
}

function sourceBody(repo: RepoRecord, s: SourceCodeRepoRecord): Record<string, unknown> {
  return {
    RepoId: repo.repoId,
    CodeRepoType: s.type,
    CodeRepoNamespaceName: s.namespace,
    CodeRepoName: s.name,
    CodeRepoDomain: DOMAINS[s.type] ?? '',
    AutoBuild: String(s.autoBuild),
    DisableCacheBuild: String(s.disableCacheBuild),
    OverseaBuild: String(s.overseaBuild),
  };
}

export const buildActions: Readonly<Record<string, RpcAction>> = {
  CreateRepoSourceCodeRepo: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const repo = repoOf(inst, p);
    requireString(p, 'CodeRepoType');
    const type = optionalEnum(p, 'CodeRepoType', CODE_REPO_TYPES)!;
    const namespace = requireString(p, 'CodeRepoNamespaceName');
    const name = requireString(p, 'CodeRepoName');
    requireBound(st, inst, type);
    if (repo.sourceCodeRepo !== undefined) throw crError('SOURCE_CODE_REPO_ALREADY_EXIST', `The repository ${repo.repoId} is bound to a source code repository already: update it instead.`);
    repo.sourceCodeRepo = {
      codeRepoId: ctx.ids.next('crcr-'),
      type,
      namespace,
      name,
      autoBuild: optionalBool(p, 'AutoBuild') ?? true,
      disableCacheBuild: optionalBool(p, 'DisableCacheBuild') ?? false,
      overseaBuild: optionalBool(p, 'OverseaBuild') ?? false,
    };
    repo.modifiedAt = ctx.now();
    return ok();
  }),

  UpdateRepoSourceCodeRepo: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const repo = repoOf(inst, p);
    const current = repo.sourceCodeRepo;
    if (current === undefined) throw crError('SOURCE_CODE_REPO_NOT_EXIST', `The repository ${repo.repoId} is not bound to a source code repository.`);
    const codeRepoId = optionalString(p, 'CodeRepoId');
    if (codeRepoId !== undefined && codeRepoId !== current.codeRepoId) throw crError('SOURCE_CODE_REPO_NOT_EXIST', `The source code repository ${codeRepoId} does not exist.`);
    requireString(p, 'CodeRepoType');
    const type = optionalEnum(p, 'CodeRepoType', CODE_REPO_TYPES)!;
    const namespace = requireString(p, 'CodeRepoNamespaceName');
    const name = requireString(p, 'CodeRepoName');
    requireBound(st, inst, type);
    repo.sourceCodeRepo = {
      ...current,
      type,
      namespace,
      name,
      autoBuild: optionalBool(p, 'AutoBuild') ?? current.autoBuild,
      disableCacheBuild: optionalBool(p, 'DisableCacheBuild') ?? current.disableCacheBuild,
      overseaBuild: optionalBool(p, 'OverseaBuild') ?? current.overseaBuild,
    };
    repo.modifiedAt = ctx.now();
    return ok();
  }),

  GetRepoSourceCodeRepo: action(false, (ctx, p, st) => {
    const repo = repoOf(callInstance(ctx, p, st), p);
    if (repo.sourceCodeRepo === undefined) throw crError('SOURCE_CODE_REPO_NOT_EXIST', `The repository ${repo.repoId} is not bound to a source code repository.`);
    return ok(sourceBody(repo, repo.sourceCodeRepo));
  }),

  CreateRepoBuildRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const r = repoOf(inst, p);
    const pushType = optionalEnum(p, 'PushType', PUSH_TYPES);
    if (pushType === undefined) throw invalidParameter('PushType', 'it is required: GIT_BRANCH or GIT_TAG.');
    const platforms = platformsOf(p);
    const rule: BuildRuleRecord = {
      buildRuleId: ctx.ids.next('crbr-'),
      pushType,
      pushName: requireString(p, 'PushName'),
      imageTag: requireString(p, 'ImageTag'),
      dockerfileLocation: optionalString(p, 'DockerfileLocation') ?? '/',
      dockerfileName: optionalString(p, 'DockerfileName') ?? 'Dockerfile',
      platforms: platforms.length > 0 ? platforms : [...DEFAULT_PLATFORMS],
      buildArgs: repeatList(p, 'BuildArgs'),
    };
    (r.buildRules ??= []).push(rule);
    r.modifiedAt = ctx.now();
    return ok({ BuildRuleId: rule.buildRuleId });
  }),

  /** Only the fields sent change; a repeat list sent replaces the old one (an empty one cannot be sent). */
  UpdateRepoBuildRule: action(true, (ctx, p, st) => {
    const r = repoOf(callInstance(ctx, p, st), p);
    const rule = ruleOf(r, p);
    const pushType = optionalEnum(p, 'PushType', PUSH_TYPES);
    const platforms = platformsOf(p);
    const buildArgs = repeatList(p, 'BuildArgs');
    Object.assign(rule, {
      pushType: pushType ?? rule.pushType,
      pushName: optionalString(p, 'PushName') ?? rule.pushName,
      imageTag: optionalString(p, 'ImageTag') ?? rule.imageTag,
      dockerfileLocation: optionalString(p, 'DockerfileLocation') ?? rule.dockerfileLocation,
      dockerfileName: optionalString(p, 'DockerfileName') ?? rule.dockerfileName,
      platforms: platforms.length > 0 ? platforms : rule.platforms,
      buildArgs: buildArgs.length > 0 ? buildArgs : rule.buildArgs,
    });
    r.modifiedAt = ctx.now();
    return ok({ BuildRuleId: rule.buildRuleId });
  }),

  DeleteRepoBuildRule: action(true, (ctx, p, st) => {
    const r = repoOf(callInstance(ctx, p, st), p);
    const rule = ruleOf(r, p);
    r.buildRules = (r.buildRules ?? []).filter((b) => b !== rule);
    r.modifiedAt = ctx.now();
    return ok();
  }),

  ListRepoBuildRule: action(false, (ctx, p, st) => {
    const r = repoOf(callInstance(ctx, p, st), p);
    const page = pageFields(ctx, r.buildRules ?? [], p, true);
    return ok({
      ...page.fields,
      BuildRules: page.items.map((b) => ({
        BuildRuleId: b.buildRuleId,
        PushType: b.pushType,
        PushName: b.pushName,
        ImageTag: b.imageTag,
        DockerfileLocation: b.dockerfileLocation,
        DockerfileName: b.dockerfileName,
        Platforms: b.platforms,
        BuildArgs: b.buildArgs,
      })),
    });
  }),
};

function bodyOf(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('InvalidBody', 'The body must be a JSON object.', 400);
  return raw as Record<string, unknown>;
}

function text(b: Record<string, unknown>, name: string): string {
  const v = b[name];
  if (typeof v !== 'string' || v === '') throw new ApiError('InvalidBody', `"${name}" must be a non-empty string.`, 400);
  return v;
}

export const buildAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/cr/code-sources',
    summary:
      'Bind a code-platform account to an instance, as the console\'s Code Source page does (OAuth; no API): {"accountUid","region","instanceName","platform":"GITHUB"|"GITLAB"|"GITEE"|"CODE"|"CODEUP"}. Keyed by instance name, so it may come before the instance is bought; binding twice is a no-op. Answers {"platforms":[…],"created":true|false}.',
    handle(ctx, _pp, raw) {
      settle(ctx);
      const b = bodyOf(raw);
      const accountUid = text(b, 'accountUid');
      if (!/^\d{16}$/.test(accountUid)) throw new ApiError('InvalidBody', '"accountUid" must be 16 digits.', 400);
      const platform = text(b, 'platform');
      if (!(CODE_REPO_TYPES as readonly string[]).includes(platform)) throw new ApiError('InvalidBody', `"platform" must be one of ${CODE_REPO_TYPES.join(', ')}.`, 400);
      const st = crState(ctx);
      const key = consoleStepKey(accountUid, text(b, 'region'), text(b, 'instanceName'));
      const list = ((st.codeSources ??= {})[key] ??= []);
      const created = !list.includes(platform);
      if (created) list.push(platform);
      return { platforms: [...list], created };
    },
  },
];
