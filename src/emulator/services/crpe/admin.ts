/** crpe admin route: seed a Personal Edition estate of one account in one region. */
import { ApiError, type AdminRoute } from '../../core/contract.js';
import { CR_REGIONS } from '../cr/regions.js';
import { addNamespace, addRepo, emptyEstate, PE_NAMESPACE_RE, PE_REPO_RE, type CrpeState, type PeBuildRule, type PeEstate, type Visibility } from './models.js';

function fail(why: string): never {
  throw new ApiError('InvalidBody', why, 400);
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${where} must be a JSON object.`);
  return v as Record<string, unknown>;
}

function list(v: unknown, where: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(`${where} must be an array.`);
  return v;
}

function str(o: Record<string, unknown>, name: string, where: string): string {
  const v = o[name];
  if (typeof v !== 'string' || v === '') fail(`${where}.${name} must be a non-empty string.`);
  return v;
}

function visibility(o: Record<string, unknown>, name: string, where: string): Visibility | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (v !== 'PUBLIC' && v !== 'PRIVATE') fail(`${where}.${name} must be PUBLIC or PRIVATE.`);
  return v;
}

function time(o: Record<string, unknown>, name: string, where: string, dflt: number): number {
  const v = o[name];
  if (v === undefined) return dflt;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  return fail(`${where}.${name} must be epoch milliseconds or an ISO date.`);
}

/** A repository's seeded build rules: [{pushType, pushName, imageTag, dockerfileLocation?, dockerfileName?}]. */
function buildRulesOf(raw: unknown, where: string, nextId: () => number): PeBuildRule[] {
  return list(raw, where).map((x, j) => {
    const b = obj(x, `${where}[${j}]`);
    const w = `${where}[${j}]`;
    const pushType = b['pushType'];
    if (pushType !== 'GIT_BRANCH' && pushType !== 'GIT_TAG') fail(`${w}.pushType must be GIT_BRANCH or GIT_TAG.`);
    const opt = (name: string, dflt: string): string => (b[name] === undefined ? dflt : str(b, name, w));
    return { buildRuleId: nextId(), pushType, pushName: str(b, 'pushName', w), imageTag: str(b, 'imageTag', w), dockerfileLocation: opt('dockerfileLocation', '/'), dockerfileName: opt('dockerfileName', 'Dockerfile') };
  });
}

/** Builds an estate from the seed body; throws InvalidBody on the first problem. */
function buildEstate(raw: Record<string, unknown>, now: number, nextRepoId: () => number, nextRuleId: () => number = nextRepoId): PeEstate {
  const es = emptyEstate();
  list(raw['namespaces'], 'namespaces').forEach((nsRaw, i) => {
    const w = `namespaces[${i}]`;
    const ns = obj(nsRaw, w);
    const name = str(ns, 'name', w);
    if (!PE_NAMESPACE_RE.test(name)) fail(`${w}.name ${name} breaks the Personal Edition namespace rule (2-30 of [a-z0-9_-]).`);
    const autoCreate = ns['autoCreate'];
    if (autoCreate !== undefined && typeof autoCreate !== 'boolean') fail(`${w}.autoCreate must be a boolean.`);
    try {
      addNamespace(es, { name, autoCreate: autoCreate ?? true, defaultVisibility: visibility(ns, 'defaultVisibility', w) ?? 'PRIVATE' });
    } catch (e) {
      fail(`${w}: ${(e as Error).message}`);
    }
    list(ns['repos'], `${w}.repos`).forEach((repoRaw, j) => {
      const wr = `${w}.repos[${j}]`;
      const r = obj(repoRaw, wr);
      const rname = str(r, 'name', wr);
      if (!PE_REPO_RE.test(rname)) fail(`${wr}.name ${rname} breaks the Personal Edition repository rule (2-30 of [a-z0-9_.-]).`);
      const created = time(r, 'createdAt', wr, now);
      const tags: PeEstate['repos'][string]['tags'] = {};
      let modified = time(r, 'modifiedAt', wr, created);
      list(r['tags'], `${wr}.tags`).forEach((tagRaw, k) => {
        const wt = `${wr}.tags[${k}]`;
        const t = obj(tagRaw, wt);
        const tag = str(t, 'tag', wt);
        const digest = /^(?:sha256:)?([0-9a-f]{64})$/.exec(str(t, 'digest', wt))?.[1];
        if (digest === undefined) fail(`${wt}.digest must be 64 hex digits, optionally prefixed with sha256:.`);
        const size = t['size'];
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) fail(`${wt}.size must be a non-negative integer.`);
        const updatedAt = time(t, 'updatedAt', wt, now);
        const createdAt = time(t, 'createdAt', wt, updatedAt);
        if (tags[tag] !== undefined) fail(`${wt}: tag ${tag} is given twice.`);
        tags[tag] = { tag, digest, imageId: digest, size, createdAt, updatedAt };
        modified = Math.max(modified, updatedAt);
      });
      const summary = r['summary'] ?? '';
      if (typeof summary !== 'string') fail(`${wr}.summary must be a string.`);
      const detail = r['detail'] ?? '';
      if (typeof detail !== 'string') fail(`${wr}.detail must be a string.`);
      const buildType = r['buildType'] ?? 'MANUAL';
      if (buildType !== 'AUTO_BUILD' && buildType !== 'MANUAL') fail(`${wr}.buildType must be AUTO_BUILD or MANUAL.`);
      const buildRules = buildRulesOf(r['buildRules'], `${wr}.buildRules`, nextRuleId);
      try {
        addRepo(es, {
          repoId: nextRepoId(),
          namespace: name,
          name: rname,
          summary,
          detail,
          repoType: visibility(r, 'repoType', wr) ?? 'PRIVATE',
          ...(buildType === 'AUTO_BUILD' ? { buildType } : {}),
          ...(buildRules.length > 0 ? { buildRules } : {}),
          createdAt: created,
          modifiedAt: modified,
          tags,
        });
      } catch (e) {
        fail(`${wr}: ${(e as Error).message}`);
      }
    });
  });
  return es;
}

export const crpeAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/crpe/estates',
    summary:
      'Seed (replace) the Personal Edition estate of an account in a region: {"uid","region","namespaces":[{"name","autoCreate"?,"defaultVisibility"?,"repos":[{"name","summary"?,"repoType"?,"buildType"?,"buildRules"?:[{"pushType","pushName","imageTag","dockerfileLocation"?,"dockerfileName"?}],"tags":[{"tag","digest","size","updatedAt"?}]}]}]}.',
    handle(ctx, _pp, raw) {
      const b = obj(raw, 'body');
      const uid = str(b, 'uid', 'body');
      if (ctx.state.accounts[uid] === undefined) throw new ApiError('AccountNotFound', `No account ${uid}; create it with POST /_emulator/accounts first.`, 404);
      const region = str(b, 'region', 'body');
      if (!CR_REGIONS.includes(region)) fail(`body.region ${region} is not a Container Registry region.`);
      const es = buildEstate(b, ctx.now(), () => ctx.ids.seq('crpe.repo'), () => ctx.ids.seq('crpe.buildRule'));
      const st = ctx.serviceState<CrpeState>('crpe');
      (st.estates[uid] ??= {})[region] = es;
      const tags = Object.values(es.repos).reduce((n, r) => n + Object.keys(r.tags).length, 0);
      return { uid, region, namespaces: es.namespaceOrder.length, repositories: Object.keys(es.repos).length, tags };
    },
  },
];
