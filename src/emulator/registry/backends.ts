/**
 * The two kinds of emulated registry and how each maps onto the control-plane state:
 * - an EE instance (`ee:<instanceId>`): repositories and tags of cr 2018-12-01, pushes go through
 *   the cr model (`repoForWrite`, `writeTag`, `onTagPushed`), so sync rules fire and ListRepoTag
 *   shows them; logins are GetAuthorizationToken credentials of that instance;
 * - a region's Personal Edition registry (`pe:<region>`): one host shared by every account, each
 *   namespace resolved to the estate (account) that owns it; logins are `GET /tokens` credentials
 *   of an account in that region.
 *
 * Owns: permissions (what the token endpoint grants) and repository lookup/creation. Must not do
 * I/O. Errors are RegistryError with distribution codes.
 */
import { ApiError, type AdminContext, type EpochMs } from '../core/contract.js';
import { statusAt } from '../core/params.js';
import {
  crState,
  findRepoByName,
  instanceStatus,
  internetStatus,
  onTagPushed,
  repoForWrite,
  settle,
  writeTag,
  type InstanceRecord,
  type RepoRecord,
} from '../services/cr/models.js';
import { type CrpeState, type PeEstate, type PeRepo } from '../services/crpe/models.js';
import { checkCredential, TEMP_USERNAME } from './credentials.js';
import type { HasArtifacts, ManifestMeta } from './artifacts.js';
import type { RegistryAction } from './tokens.js';

/** A distribution API error: `{"errors":[{code,message,detail}]}` at `status`. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * Which door of a registry a client came through: `internet` (the public host: refused while the
 * instance's internet endpoint is off), `vpc` (the VPC host: refused without a RUNNING VPC link),
 * or none (the emulator operator's door, for tests and seeding, which enforces neither).
 */
export type Network = 'internet' | 'vpc';

export type RegistryTarget = { readonly kind: 'ee'; readonly instanceId: string; readonly network?: Network } | { readonly kind: 'pe'; readonly region: string; readonly network?: Network };

export function registryKey(t: RegistryTarget): string {
  return `${t.kind === 'ee' ? `ee:${t.instanceId}` : `pe:${t.region}`}${t.network !== undefined ? `:${t.network}` : ''}`;
}

/** ACR repository names: exactly `<namespace>/<repository>`, each a Docker path component. */
export const NAME_RE = /^([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)\/([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)$/;

/** A repository as the data plane sees it. */
export interface RepoHandle {
  readonly record: HasArtifacts;
  readonly isPublic: boolean;
  tagNames(): string[];
  /** `sha256:<hex>` of a tag, or undefined. */
  tagDigest(tag: string): string | undefined;
  /** Points `tag` at a stored manifest (a push): control plane first, then its side effects. */
  writeTag(tag: string, digest: string, meta: ManifestMeta, size: number): void;
  /** Removes every tag that points at `digest`. */
  untagDigest(digest: string): void;
}

export interface Backend {
  readonly key: string;
  /** The `service` of the token challenge: the host the real registry answers to. */
  readonly service: string;
  /** Why the registry cannot serve now (instance gone or not running), or undefined. */
  unavailable(): string | undefined;
  /** Account UID a basic-auth login stands for, or undefined when it is not valid here. */
  authenticate(username: string, password: string): string | undefined;
  /** Actions `uid` ('' = anonymous) may perform on repository `name`. */
  permissions(uid: string, name: string): RegistryAction[];
  /** The repository `ns/repo` for reading, from the point of view of `uid`; undefined when absent. */
  find(uid: string, ns: string, repo: string): RepoHandle | undefined;
  /** The repository for a push, created when its namespace allows it; NAME_UNKNOWN / DENIED otherwise. */
  forWrite(uid: string, ns: string, repo: string): RepoHandle;
}

function bare(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice(7) : digest;
}

function imageIdOf(digest: string, meta: ManifestMeta): string {
  return bare(meta.config ?? digest);
}

// ---- Enterprise Edition --------------------------------------------------------------------

function eeHandle(ctx: AdminContext, inst: InstanceRecord, repo: RepoRecord): RepoHandle {
  return {
    record: repo,
    isPublic: repo.repoType === 'PUBLIC',
    tagNames: () => Object.keys(repo.tags),
    tagDigest: (tag) => {
      const t = Object.hasOwn(repo.tags, tag) ? repo.tags[tag] : undefined;
      return t === undefined ? undefined : `sha256:${t.digest}`;
    },
    writeTag: (tag, digest, meta, size) => {
      let rec;
      try {
        rec = writeTag(inst, repo, { tag, digest: bare(digest), size, mediaType: meta.mediaType, imageId: imageIdOf(digest, meta) }, ctx.now());
      } catch (e) {
        if (e instanceof ApiError && e.code === 'TAG_IMMUTABLE') throw new RegistryError(403, 'DENIED', e.message);
        throw e;
      }
      onTagPushed(ctx, inst, repo, rec);
    },
    untagDigest: (digest) => {
      for (const [name, t] of Object.entries(repo.tags)) if (`sha256:${t.digest}` === digest) delete repo.tags[name];
      repo.modifiedAt = ctx.now();
    },
  };
}

/** Why an instance's door refuses a client now (internet endpoint off, no RUNNING VPC link), or undefined. */
function doorClosed(inst: InstanceRecord, network: Network | undefined, now: EpochMs): string | undefined {
  if (network === 'internet' && internetStatus(inst, now) !== 'RUNNING') {
    return `the internet endpoint of instance ${inst.instanceId} is ${inst.internet.enabled ? 'not RUNNING yet' : 'off'}: its public host refuses every client`;
  }
  if (network === 'vpc' && !inst.vpcLinks.some((l) => statusAt(l.lifecycle, now) === 'RUNNING')) {
    return `instance ${inst.instanceId} has no RUNNING VPC link: its VPC host is reachable from no VPC`;
  }
  return undefined;
}

export function eeBackend(ctx: () => AdminContext, instanceId: string, network?: Network): Backend {
  const instance = (c: AdminContext): InstanceRecord | undefined => {
    settle(c);
    const inst = crState(c).instances[instanceId];
    return inst !== undefined && instanceStatus(inst, c.now()) !== undefined ? inst : undefined;
  };
  const running = (c: AdminContext): InstanceRecord => {
    const inst = instance(c);
    if (inst === undefined) throw new RegistryError(503, 'UNAVAILABLE', `instance ${instanceId} no longer exists`);
    const status = instanceStatus(inst, c.now());
    if (status !== 'RUNNING') throw new RegistryError(503, 'UNAVAILABLE', `instance ${instanceId} is ${status ?? 'gone'}`);
    const closed = doorClosed(inst, network, c.now());
    if (closed !== undefined) throw new RegistryError(403, 'DENIED', closed);
    return inst;
  };
  const c0 = ctx();
  const inst0 = crState(c0).instances[instanceId];
  const host = network === 'vpc' ? 'registry-vpc' : 'registry';
  const service = inst0 === undefined ? `${instanceId}-${host}.cr.aliyuncs.com` : `${inst0.name}-${host}.${inst0.region}.cr.aliyuncs.com`;
  return {
    key: registryKey({ kind: 'ee', instanceId, ...(network !== undefined ? { network } : {}) }),
    service,
    unavailable() {
      try {
        running(ctx());
        return undefined;
      } catch (e) {
        // A closed door is a refusal (DENIED), not a passing outage: clients must not retry it.
        if (e instanceof RegistryError && e.status === 403) throw e;
        return (e as Error).message;
      }
    },
    authenticate(username, password) {
      const c = ctx();
      const inst = instance(c);
      if (inst === undefined || username !== TEMP_USERNAME) return undefined;
      const rec = checkCredential(crState(c).registryCredentials, password, c.now());
      return rec !== undefined && rec.subject === instanceId ? inst.accountUid : undefined;
    },
    permissions(uid, name) {
      const c = ctx();
      const inst = instance(c);
      const m = NAME_RE.exec(name);
      if (inst === undefined || m === null) return [];
      if (uid !== '' && uid === inst.accountUid) return ['pull', 'push'];
      const repo = findRepoByName(inst, m[1] as string, m[2] as string);
      return repo?.repoType === 'PUBLIC' ? ['pull'] : [];
    },
    find(_uid, ns, repoName) {
      const c = ctx();
      const inst = running(c);
      const repo = findRepoByName(inst, ns, repoName);
      return repo === undefined ? undefined : eeHandle(c, inst, repo);
    },
    forWrite(_uid, ns, repoName) {
      const c = ctx();
      const inst = running(c);
      try {
        return eeHandle(c, inst, repoForWrite(c, inst, ns, repoName));
      } catch (e) {
        if (e instanceof ApiError && e.code.endsWith('_NOT_EXIST')) throw new RegistryError(404, 'NAME_UNKNOWN', e.message);
        if (e instanceof ApiError && e.kind === 'business') throw new RegistryError(403, 'DENIED', e.message);
        throw e;
      }
    },
  };
}

// ---- Personal Edition ----------------------------------------------------------------------

function peHandle(now: () => EpochMs, repo: PeRepo): RepoHandle {
  return {
    record: repo,
    isPublic: repo.repoType === 'PUBLIC',
    tagNames: () => Object.keys(repo.tags),
    tagDigest: (tag) => {
      const t = Object.hasOwn(repo.tags, tag) ? repo.tags[tag] : undefined;
      return t === undefined ? undefined : `sha256:${t.digest}`;
    },
    writeTag: (tag, digest, meta, size) => {
      const at = now();
      const existing = Object.hasOwn(repo.tags, tag) ? repo.tags[tag] : undefined;
      repo.tags[tag] = { tag, digest: bare(digest), imageId: imageIdOf(digest, meta), size, createdAt: existing?.createdAt ?? at, updatedAt: at };
      repo.modifiedAt = at;
    },
    untagDigest: (digest) => {
      for (const [name, t] of Object.entries(repo.tags)) if (`sha256:${t.digest}` === digest) delete repo.tags[name];
      repo.modifiedAt = now();
    },
  };
}

export function peBackend(ctx: () => AdminContext, region: string, network?: Network): Backend {
  const pe = (c: AdminContext): CrpeState => c.serviceState<CrpeState>('crpe');
  /** The estate that owns namespace `ns` in this region: the caller's when it has one, else any. */
  const owner = (c: AdminContext, uid: string, ns: string): { uid: string; estate: PeEstate } | undefined => {
    const st = pe(c);
    if (uid !== '') {
      const mine = st.estates[uid]?.[region];
      if (mine?.namespaces[ns] !== undefined) return { uid, estate: mine };
    }
    for (const [u, byRegion] of Object.entries(st.estates).sort(([a], [b]) => a.localeCompare(b))) {
      const es = byRegion[region];
      if (es?.namespaces[ns] !== undefined) return { uid: u, estate: es };
    }
    return undefined;
  };
  /**
   * Personal Edition domain support (seed 000): while an instance of this region has it on, a
   * request for a namespace that instance has is served by the instance (push and pull); any other
   * namespace stays with Personal Edition. Backends are made per instance on first use.
   */
  const switchedBackends = new Map<string, Backend>();
  const routed = (c: AdminContext, ns: string): Backend | undefined => {
    // Only the client-facing doors (the public and VPC hosts) route; the operator's door (no
    // `network`: seeding, tests' own setup) always reaches Personal Edition itself.
    if (network === undefined) return undefined;
    settle(c);
    for (const inst of Object.values(crState(c).instances).sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
      if (inst.region !== region || !inst.console.personalEditionDomain || instanceStatus(inst, c.now()) !== 'RUNNING') continue;
      if (inst.namespaces[ns] === undefined) continue;
      let b = switchedBackends.get(inst.instanceId);
      if (b === undefined) switchedBackends.set(inst.instanceId, (b = eeBackend(ctx, inst.instanceId)));
      return b;
    }
    return undefined;
  };
  const switchedLogin = (c: AdminContext, username: string, password: string): string | undefined => {
    settle(c);
    for (const inst of Object.values(crState(c).instances)) {
      if (inst.region !== region || !inst.console.personalEditionDomain) continue;
      const uid = eeBackend(ctx, inst.instanceId).authenticate(username, password);
      if (uid !== undefined) return uid;
    }
    return undefined;
  };
  return {
    key: registryKey({ kind: 'pe', region, ...(network !== undefined ? { network } : {}) }),
    service: `registry${network === 'vpc' ? '-vpc' : ''}.${region}.aliyuncs.com`,
    unavailable: () => undefined,
    authenticate(username, password) {
      const c = ctx();
      if (username !== TEMP_USERNAME) return undefined;
      const rec = checkCredential(pe(c).registryCredentials, password, c.now());
      // With domain support on, a login through the Personal Edition host may be the instance's.
      if (rec === undefined) return switchedLogin(c, username, password);
      const at = rec.subject.lastIndexOf('@');
      return rec.subject.slice(at + 1) === region ? rec.subject.slice(0, at) : undefined;
    },
    permissions(uid, name) {
      const c = ctx();
      const m = NAME_RE.exec(name);
      if (m === null) return [];
      const ee = routed(c, m[1] as string);
      if (ee !== undefined) return ee.permissions(uid, name);
      const o = owner(c, uid, m[1] as string);
      // A namespace nobody owns: the push is answered NAME_UNKNOWN, not a silent denial.
      if (o === undefined) return uid === '' ? [] : ['pull', 'push'];
      if (uid !== '' && o.uid === uid) return ['pull', 'push'];
      return o.estate.repos[name]?.repoType === 'PUBLIC' ? ['pull'] : [];
    },
    find(uid, ns, repoName) {
      const c = ctx();
      const ee = routed(c, ns);
      if (ee !== undefined) return ee.find(uid, ns, repoName);
      const o = owner(c, uid, ns);
      const repo = o?.estate.repos[`${ns}/${repoName}`];
      return repo === undefined ? undefined : peHandle(c.now, repo);
    },
    forWrite(uid, ns, repoName) {
      const c = ctx();
      const ee = routed(c, ns);
      if (ee !== undefined) return ee.forWrite(uid, ns, repoName);
      const es = uid === '' ? undefined : pe(c).estates[uid]?.[region];
      const nsRec = es?.namespaces[ns];
      if (es === undefined || nsRec === undefined) throw new RegistryError(404, 'NAME_UNKNOWN', `namespace ${ns} does not exist in ${region}; create it first`);
      const key = `${ns}/${repoName}`;
      let repo = es.repos[key];
      if (repo === undefined) {
        if (!nsRec.autoCreate) throw new RegistryError(404, 'NAME_UNKNOWN', `repository ${key} does not exist and namespace ${ns} does not create repositories automatically`);
        const now = c.now();
        repo = { repoId: c.ids.seq('crpe.repo'), namespace: ns, name: repoName, summary: '', detail: '', repoType: nsRec.defaultVisibility, createdAt: now, modifiedAt: now, tags: {} };
        es.repos[key] = repo;
        nsRec.repoOrder.push(repoName);
      }
      return peHandle(c.now, repo);
    },
  };
}

/** Validates a registry target against the state (admin `GET /_emulator/registry`). */
export function targetProblem(ctx: AdminContext, t: RegistryTarget, regions: readonly string[]): string | undefined {
  if (t.kind === 'pe') return regions.includes(t.region) ? undefined : `${t.region} is not a Container Registry region`;
  settle(ctx);
  const inst = crState(ctx).instances[t.instanceId];
  return inst === undefined || instanceStatus(inst, ctx.now()) === undefined ? `instance ${t.instanceId} does not exist` : undefined;
}
