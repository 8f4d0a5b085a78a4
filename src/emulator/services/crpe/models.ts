/**
 * cr 2016-06-07 (Personal Edition) state: per account and region, namespaces, repositories and
 * tags with digests, sizes and times. JSON-serialisable; listing order is kept in order arrays.
 */
import { ApiError, type EpochMs } from '../../core/contract.js';
import type { RepoArtifacts } from '../../registry/artifacts.js';
import type { CredentialTable } from '../../registry/credentials.js';

export type Visibility = 'PUBLIC' | 'PRIVATE';

export interface PeTag {
  tag: string;
  /** Bare 64-hex digest (the Personal Edition samples show no `sha256:` prefix). */
  digest: string;
  imageId: string;
  size: number;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface PeRepo {
  repoId: number;
  namespace: string;
  name: string;
  summary: string;
  detail: string;
  repoType: Visibility;
  /** AUTO_BUILD when the repository builds from a bound source repository; seeded, default MANUAL. */
  buildType?: 'AUTO_BUILD' | 'MANUAL';
  /** Build rules (GET …/rules, issue 14 item 9); seeded only: no route creates them. Absent: none. */
  buildRules?: PeBuildRule[];
  createdAt: EpochMs;
  modifiedAt: EpochMs;
  tags: Record<string, PeTag>;
  /** Data-plane content (blobs and manifests pushed to the region's registry), when any. */
  artifacts?: RepoArtifacts;
}

/** A Personal Edition build rule as GetRepoBuildRuleList documents it (no platforms, no build arguments). */
export interface PeBuildRule {
  buildRuleId: number;
  pushType: 'GIT_BRANCH' | 'GIT_TAG';
  pushName: string;
  imageTag: string;
  dockerfileLocation: string;
  dockerfileName: string;
}

export interface PeNamespace {
  name: string;
  autoCreate: boolean;
  defaultVisibility: Visibility;
  /** Repository names in creation order. */
  repoOrder: string[];
}

export interface PeEstate {
  namespaces: Record<string, PeNamespace>;
  namespaceOrder: string[];
  /** Repositories by `<namespace>/<name>`. */
  repos: Record<string, PeRepo>;
}

export interface CrpeState {
  /** Estates by account UID, then region. */
  estates: Record<string, Record<string, PeEstate>>;
  /** Registry logins issued by `GET /tokens` (hashed), see src/emulator/registry/credentials.ts. */
  registryCredentials?: CredentialTable;
}

export function initCrpeState(): CrpeState {
  return { estates: {} };
}

export function emptyEstate(): PeEstate {
  return { namespaces: {}, namespaceOrder: [], repos: {} };
}

/** The estate of an account in a region, created empty on first use. */
export function estate(st: CrpeState, uid: string, region: string): PeEstate {
  const byRegion = (st.estates[uid] ??= {});
  return (byRegion[region] ??= emptyEstate());
}

/** Personal Edition errors: non-2xx ROA bodies `{code, message, requestId}`. */
export function peError(code: string, message: string, status: number): ApiError {
  return new ApiError(code, message, status, 'roa');
}

/** Namespace rule (cr-2016-06-07.json limits): 2-30 chars of [a-z0-9_-], not starting with - or _. */
export const PE_NAMESPACE_RE = /^[a-z0-9][a-z0-9_-]{1,29}$/;
/** Repository rule: 2-30 chars (Terraform) of [a-z0-9_.-], starting with a letter or digit. */
export const PE_REPO_RE = /^[a-z0-9][a-z0-9_.-]{1,29}$/;

export function findNamespace(es: PeEstate, name: string): PeNamespace {
  const ns = es.namespaces[name];
  if (ns === undefined) throw peError('NAMESPACE_NOT_EXIST', `The namespace ${name} does not exist.`, 404);
  return ns;
}

export function findRepo(es: PeEstate, namespace: string, name: string): PeRepo {
  const r = es.repos[`${namespace}/${name}`];
  if (r === undefined) throw peError('REPO_NOT_EXIST', `The repository ${namespace}/${name} does not exist.`, 404);
  return r;
}

export function addNamespace(es: PeEstate, ns: Omit<PeNamespace, 'repoOrder'>): PeNamespace {
  if (es.namespaces[ns.name] !== undefined) throw peError('NAMESPACE_ALREADY_EXIST', `The namespace ${ns.name} already exists.`, 409);
  const rec: PeNamespace = { ...ns, repoOrder: [] };
  es.namespaces[ns.name] = rec;
  es.namespaceOrder.push(ns.name);
  return rec;
}

export function addRepo(es: PeEstate, repo: PeRepo): PeRepo {
  const ns = findNamespace(es, repo.namespace);
  const key = `${repo.namespace}/${repo.name}`;
  if (es.repos[key] !== undefined) throw peError('REPO_ALREADY_EXIST', `The repository ${key} already exists.`, 409);
  es.repos[key] = repo;
  ns.repoOrder.push(repo.name);
  return repo;
}

export function removeRepo(es: PeEstate, namespace: string, name: string): void {
  findRepo(es, namespace, name);
  delete es.repos[`${namespace}/${name}`];
  const ns = es.namespaces[namespace];
  if (ns !== undefined) ns.repoOrder = ns.repoOrder.filter((n) => n !== name);
}

export function removeNamespace(es: PeEstate, name: string): void {
  const ns = findNamespace(es, name);
  for (const r of ns.repoOrder) delete es.repos[`${name}/${r}`];
  delete es.namespaces[name];
  es.namespaceOrder = es.namespaceOrder.filter((n) => n !== name);
}

/** Every repository of the estate: namespaces in creation order, then repositories in creation order. */
export function allRepos(es: PeEstate): PeRepo[] {
  const out: PeRepo[] = [];
  for (const n of es.namespaceOrder) {
    for (const r of es.namespaces[n]?.repoOrder ?? []) {
      const repo = es.repos[`${n}/${r}`];
      if (repo !== undefined) out.push(repo);
    }
  }
  return out;
}

/** Tags most recently updated first (ties by name). */
export function sortedTags(repo: PeRepo): PeTag[] {
  return Object.values(repo.tags).sort((a, b) => b.updatedAt - a.updatedAt || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}
