/**
 * Container Registry Personal Edition (cr 2016-06-07, ROA), read side: namespaces, repositories,
 * tags and the temporary login token. Used to plan imports from Personal Edition and to flag name
 * clashes with Personal Edition domain support.
 *
 * The generated 2016 SDK declares `bodyType: none` and cannot read responses
 * (cr-2016-06-07.json `conventions.sdk_gap`), so these go through the ROA caller in rpc.ts with
 * bodyType json. Responses are `{ data: {...}, requestId }` with lower-camelCase keys, exactly as in
 * the JSON file; every field is optional. Path parameters are URL-encoded by the caller.
 * A generated SDK can replace this file alone.
 */
import { collectAll, pagesByNumber, type Collected } from './paginate.js';
import { READ, type RoaCallFn } from './pipeline.js';
import type { Item } from './cr.js';

export const CRPE_VERSION = '2016-06-07';

export interface CrpeGetNamespaceListRequest {
  /** Filter by authorization (values not documented). */
  readonly Authorize?: string;
  /** NORMAL | DELETING */
  readonly Status?: string;
}
export interface CrpeGetNamespaceListResponse {
  readonly requestId?: string;
  readonly data?: {
    readonly namespaces?: readonly {
      readonly namespace?: string;
      /** Permission of the caller on the namespace, e.g. ADMIN. */
      readonly authorizeType?: string;
      /** NORMAL | DELETING */
      readonly namespaceStatus?: string;
    }[];
  };
}

export interface CrpeGetNamespaceRequest {
  /** Path parameter. */
  readonly Namespace: string;
}
export interface CrpeGetNamespaceResponse {
  readonly requestId?: string;
  readonly data?: {
    readonly namespace?: {
      readonly namespace?: string;
      readonly authorizeType?: string;
      /** PUBLIC | PRIVATE: the type of repositories created by a push. */
      readonly defaultVisibility?: string;
      /** Whether a push creates a missing repository. */
      readonly autoCreate?: boolean;
      readonly namespaceStatus?: string;
    };
  };
}

/** A Personal Edition repository, as GetRepoList and GetRepoListByNamespace return it. */
export interface CrpeRepo {
  readonly summary?: string;
  /** A number (long) here, unlike EE's string RepoId. */
  readonly repoId?: number;
  /** Epoch milliseconds. */
  readonly gmtCreate?: number;
  /** Epoch milliseconds. */
  readonly gmtModified?: number;
  readonly repoNamespace?: string;
  readonly repoName?: string;
  /** AUTO_BUILD | MANUAL */
  readonly repoBuildType?: string;
  /** PUBLIC | PRIVATE */
  readonly repoType?: string;
  readonly repoDomainList?: {
    /** registry.<region>.aliyuncs.com */
    readonly public?: string;
    /** registry-internal.<region>.aliyuncs.com */
    readonly internal?: string;
    /** registry-vpc.<region>.aliyuncs.com */
    readonly vpc?: string;
  };
  readonly regionId?: string;
  readonly repoStatus?: string;
  readonly repoAuthorizeType?: string;
}

export interface CrpeRepoListResponse {
  readonly requestId?: string;
  readonly data?: {
    readonly repos?: readonly CrpeRepo[];
    readonly total?: number;
    readonly page?: number;
    readonly pageSize?: number;
  };
}

export interface CrpeGetRepoListRequest {
  /** 1-based page number. */
  readonly Page?: number;
  readonly PageSize?: number;
  readonly Status?: string;
}
export type CrpeGetRepoListResponse = CrpeRepoListResponse;

export interface CrpeGetRepoListByNamespaceRequest extends CrpeGetRepoListRequest {
  /** Path parameter. */
  readonly RepoNamespace: string;
}
export type CrpeGetRepoListByNamespaceResponse = CrpeRepoListResponse;

export interface CrpeGetRepoTagsRequest {
  /** Path parameter. */
  readonly RepoNamespace: string;
  /** Path parameter. */
  readonly RepoName: string;
  readonly Page?: number;
  readonly PageSize?: number;
}
export interface CrpeGetRepoTagsResponse {
  readonly requestId?: string;
  readonly data?: {
    readonly tags?: readonly {
      readonly tag?: string;
      /** 64 hex, no `sha256:` prefix in the documented samples. */
      readonly imageId?: string;
      /** 64 hex manifest digest, no `sha256:` prefix in the documented samples. */
      readonly digest?: string;
      /** Bytes. */
      readonly imageSize?: number;
      /** Epoch milliseconds. */
      readonly imageCreate?: number;
      /** Epoch milliseconds. */
      readonly imageUpdate?: number;
      readonly status?: string;
    }[];
    readonly total?: number;
    readonly page?: number;
    readonly pageSize?: number;
  };
}
/** GetRepoBuildRuleList (GET /repos/{RepoNamespace}/{RepoName}/rules; doc 142767; not paged). */
export interface CrpeGetRepoBuildRuleListRequest {
  /** Path parameter. */
  readonly RepoNamespace: string;
  /** Path parameter. */
  readonly RepoName: string;
}
export interface CrpeGetRepoBuildRuleListResponse {
  readonly requestId?: string;
  readonly data?: {
    readonly buildRules?: readonly {
      /** A Long. */
      readonly buildRuleId?: number;
      /** GIT_BRANCH | GIT_TAG */
      readonly pushType?: string;
      readonly pushName?: string;
      readonly imageTag?: string;
      readonly dockerfileLocation?: string;
      readonly dockerfileName?: string;
    }[];
  };
}
export type CrpeBuildRule = Item<NonNullable<CrpeGetRepoBuildRuleListResponse['data']>['buildRules']>;
export type CrpeTag = Item<NonNullable<CrpeGetRepoTagsResponse['data']>['tags']>;
export type CrpeNamespace = Item<NonNullable<CrpeGetNamespaceListResponse['data']>['namespaces']>;

export interface CrpeGetAuthorizationTokenResponse {
  readonly requestId?: string;
  readonly data?: {
    /** The docker-login password: a secret, never print or log it. */
    readonly authorizationToken?: string;
    readonly tempUserName?: string;
    /** Epoch milliseconds. */
    readonly expireDate?: number;
  };
}

/** Default page size of the collect-all helpers (Terraform uses 20; the documented sample shows 30). */
export const CRPE_PAGE_SIZE = 100;

/** Typed Personal Edition client for one (account, region). */
export class CrpeClient {
  readonly #call: RoaCallFn;

  constructor(call: RoaCallFn) {
    this.#call = call;
  }

  getNamespaceList(req: CrpeGetNamespaceListRequest = {}): Promise<CrpeGetNamespaceListResponse> {
    return this.#call('GetNamespaceList', { method: 'GET', pattern: '/namespace', query: req }, READ);
  }

  /** One namespace's settings (autoCreate, defaultVisibility), which GetNamespaceList does not give. */
  getNamespace(req: CrpeGetNamespaceRequest): Promise<CrpeGetNamespaceResponse> {
    return this.#call('GetNamespace', { method: 'GET', pattern: '/namespace/{Namespace}', pathParams: { Namespace: req.Namespace } }, READ);
  }

  getRepoList(req: CrpeGetRepoListRequest = {}): Promise<CrpeGetRepoListResponse> {
    return this.#call('GetRepoList', { method: 'GET', pattern: '/repos', query: req }, READ);
  }

  getRepoListByNamespace(req: CrpeGetRepoListByNamespaceRequest): Promise<CrpeGetRepoListByNamespaceResponse> {
    const { RepoNamespace, ...query } = req;
    return this.#call(
      'GetRepoListByNamespace',
      { method: 'GET', pattern: '/repos/{RepoNamespace}', pathParams: { RepoNamespace }, query },
      READ,
    );
  }

  getRepoTags(req: CrpeGetRepoTagsRequest): Promise<CrpeGetRepoTagsResponse> {
    const { RepoNamespace, RepoName, ...query } = req;
    return this.#call(
      'GetRepoTags',
      { method: 'GET', pattern: '/repos/{RepoNamespace}/{RepoName}/tags', pathParams: { RepoNamespace, RepoName }, query },
      READ,
    );
  }

  /** A repository's build rules (issue 14 item 9): push, image tag and Dockerfile; no platforms or build arguments. */
  getRepoBuildRuleList(req: CrpeGetRepoBuildRuleListRequest): Promise<CrpeGetRepoBuildRuleListResponse> {
    return this.#call(
      'GetRepoBuildRuleList',
      { method: 'GET', pattern: '/repos/{RepoNamespace}/{RepoName}/rules', pathParams: { RepoNamespace: req.RepoNamespace, RepoName: req.RepoName } },
      READ,
    );
  }

  /** Temporary docker-login credentials. The token is a secret: never print or log it. */
  getAuthorizationToken(): Promise<CrpeGetAuthorizationTokenResponse> {
    return this.#call('GetAuthorizationToken', { method: 'GET', pattern: '/tokens' }, READ);
  }

  /** Every namespace (the action is not paged). */
  async allNamespaces(req: CrpeGetNamespaceListRequest = {}): Promise<Collected<CrpeNamespace>> {
    const r = await this.getNamespaceList(req);
    return { items: [...(r.data?.namespaces ?? [])], pages: 1 };
  }

  /** Every repository of the account in this region, or of one namespace. */
  allRepos(filter: { readonly RepoNamespace?: string; readonly Status?: string } = {}, pageSize = CRPE_PAGE_SIZE): Promise<Collected<CrpeRepo>> {
    const { RepoNamespace, ...rest } = filter;
    return collectAll(
      pagesByNumber(async (Page, PageSize) => {
        const r =
          RepoNamespace === undefined
            ? await this.getRepoList({ ...rest, Page, PageSize })
            : await this.getRepoListByNamespace({ ...rest, RepoNamespace, Page, PageSize });
        return { items: r.data?.repos ?? [], totalCount: r.data?.total };
      }, { pageSize }),
    );
  }

  /** Every tag of a repository. */
  allTags(repo: { readonly RepoNamespace: string; readonly RepoName: string }, pageSize = CRPE_PAGE_SIZE): Promise<Collected<CrpeTag>> {
    return collectAll(
      pagesByNumber(async (Page, PageSize) => {
        const r = await this.getRepoTags({ ...repo, Page, PageSize });
        return { items: r.data?.tags ?? [], totalCount: r.data?.total };
      }, { pageSize }),
    );
  }
}
