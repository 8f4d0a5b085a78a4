/**
 * cr 2016-06-07 (Personal Edition, ROA) conformance over HTTP with openapi-core `callApi` style ROA:
 * the admin seed of an estate, every route, fields checked against cr-2016-06-07.json, paging at
 * page sizes 1, 7 and 100, ROA error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { referenceProblems } from '../cr/reference.js';
import { startCrEmulator } from '../cr/setup.js';

const UID = '6666666666666666';
const REGION = 'cn-shenzhen';
const DIGEST = (n: number): string => n.toString(16).padStart(64, 'b');
let t: TestEmulator;
let keys: AccountKeys;

const roa = (action: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, opts: { query?: Record<string, string>; body?: unknown } = {}, k: AccountKeys = keys) =>
  t.callRoa(REGION, action, method, path, k, opts);

function expectPe(action: string, body: Record<string, unknown>, mustHave: readonly string[] = []): void {
  expect(typeof body['requestId']).toBe('string');
  expect(referenceProblems('cr-2016-06-07.json', action, body, mustHave)).toEqual([]);
}

beforeAll(async () => {
  ({ t } = await startCrEmulator());
  keys = await t.account(UID);
  const seed = await t.admin<Record<string, unknown>>('POST', '/_emulator/crpe/estates', {
    uid: UID,
    region: REGION,
    namespaces: [
      {
        name: 'legacy',
        autoCreate: false,
        defaultVisibility: 'PUBLIC',
        repos: [
          {
            name: 'api',
            summary: 'API',
            repoType: 'PUBLIC',
            tags: Array.from({ length: 9 }, (_, i) => ({ tag: `v${i}`, digest: `sha256:${DIGEST(i)}`, size: 1000 + i, updatedAt: Date.UTC(2025, 0, 1 + i) })),
          },
          ...Array.from({ length: 14 }, (_, i) => ({ name: `svc-${String(i).padStart(2, '0')}`, summary: 's' })),
        ],
      },
      { name: 'tools', repos: [{ name: 'cli', summary: 'CLI', tags: [{ tag: 'latest', digest: DIGEST(99), size: 5 }] }] },
    ],
  });
  expect(seed.status).toBe(200);
  expect(seed.body).toEqual({ uid: UID, region: REGION, namespaces: 2, repositories: 16, tags: 10 });
});
afterAll(async () => {
  await t.close();
});

describe('Personal Edition', () => {
  it('refuses a seed for an unknown account or with a bad digest', async () => {
    expect((await t.admin('POST', '/_emulator/crpe/estates', { uid: '7777777777777777', region: REGION })).status).toBe(404);
    const bad = await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: 'cn-qingdao', namespaces: [{ name: 'x1', repos: [{ name: 'r1', tags: [{ tag: 'a', digest: 'nothex', size: 1 }] }] }] });
    expect(bad.status).toBe(400);
  });

  it('lists and reads namespaces', async () => {
    const list = await roa('GetNamespaceList', 'GET', '/namespace');
    expectPe('GetNamespaceList', list, ['data']);
    expect((list['data'] as { namespaces: { namespace: string }[] }).namespaces.map((n) => n.namespace)).toEqual(['legacy', 'tools']);
    const ns = await roa('GetNamespace', 'GET', '/namespace/legacy');
    expectPe('GetNamespace', ns, ['data.namespace']);
    expect(ns['data']).toEqual({ namespace: { namespace: 'legacy', authorizeType: 'ADMIN', namespaceStatus: 'NORMAL', autoCreate: false, defaultVisibility: 'PUBLIC' } });
    await expect(roa('GetNamespace', 'GET', '/namespace/absent')).rejects.toMatchObject({ code: 'NAMESPACE_NOT_EXIST', statusCode: 404 });
  });

  it('pages repositories at 1, 7 and 100, across the account and per namespace', async () => {
    for (const size of [1, 7, 100]) {
      const names: string[] = [];
      for (let page = 1; ; page++) {
        const b = await roa('GetRepoList', 'GET', '/repos', { query: { Page: String(page), PageSize: String(size) } });
        expectPe('GetRepoList', b, ['data.repos', 'data.total', 'data.page', 'data.pageSize']);
        const d = b['data'] as { repos: { repoNamespace: string; repoName: string }[]; total: number; pageSize: number };
        expect(d.total).toBe(16);
        expect(d.pageSize).toBe(size);
        names.push(...d.repos.map((r) => `${r.repoNamespace}/${r.repoName}`));
        if (d.repos.length < size) break;
      }
      expect(names).toHaveLength(16);
      expect(names[0]).toBe('legacy/api');
      expect(names[15]).toBe('tools/cli');
    }
    const byNs = await roa('GetRepoListByNamespace', 'GET', '/repos/legacy', { query: { PageSize: '100' } });
    expectPe('GetRepoListByNamespace', byNs);
    expect((byNs['data'] as { total: number }).total).toBe(15);
  });

  it('reads a repository with its domain list', async () => {
    const r = await roa('GetRepo', 'GET', '/repos/legacy/api');
    expectPe('GetRepo', r, ['data.repo']);
    expect(r['data']).toMatchObject({
      repo: { repoNamespace: 'legacy', repoName: 'api', repoType: 'PUBLIC', summary: 'API', regionId: REGION, repoDomainList: { public: `registry.${REGION}.aliyuncs.com`, vpc: `registry-vpc.${REGION}.aliyuncs.com` } },
    });
    await expect(roa('GetRepo', 'GET', '/repos/legacy/absent')).rejects.toMatchObject({ code: 'REPO_NOT_EXIST', statusCode: 404 });
  });

  it('pages tags newest first with digests, sizes and update times; reads one tag flat', async () => {
    for (const size of [1, 7, 100]) {
      const tags: { tag: string; digest: string; imageSize: number; imageUpdate: number }[] = [];
      for (let page = 1; ; page++) {
        const b = await roa('GetRepoTags', 'GET', '/repos/legacy/api/tags', { query: { Page: String(page), PageSize: String(size) } });
        expectPe('GetRepoTags', b, ['data.tags', 'data.total']);
        const d = b['data'] as { tags: typeof tags };
        tags.push(...d.tags);
        if (d.tags.length < size) break;
      }
      expect(tags.map((x) => x.tag)).toEqual(['v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1', 'v0']);
      expect(tags[0]).toMatchObject({ digest: DIGEST(8), imageSize: 1008, imageUpdate: Date.UTC(2025, 0, 9) });
    }
    const one = await roa('GetRepoTag', 'GET', '/repos/tools/cli/tags/latest');
    expectPe('GetRepoTag', one, ['tag', 'digest', 'imageSize', 'imageUpdate']);
    expect(one).toMatchObject({ tag: 'latest', digest: DIGEST(99), imageSize: 5 });
  });

  it('creates, updates and deletes namespaces, repositories and tags', async () => {
    expectPe('CreateNamespace', await roa('CreateNamespace', 'PUT', '/namespace', { body: { Namespace: { Namespace: 'fresh' } } }));
    await expect(roa('CreateNamespace', 'PUT', '/namespace', { body: { Namespace: { Namespace: 'fresh' } } })).rejects.toMatchObject({ code: 'NAMESPACE_ALREADY_EXIST' });
    await expect(roa('CreateNamespace', 'PUT', '/namespace', { body: { Namespace: { Namespace: '_bad' } } })).rejects.toMatchObject({ code: 'PARAM_INVALID', statusCode: 400 });
    expectPe('UpdateNamespace', await roa('UpdateNamespace', 'POST', '/namespace/fresh', { body: { Namespace: { AutoCreate: false, DefaultVisibility: 'PUBLIC' } } }));
    expect((await roa('GetNamespace', 'GET', '/namespace/fresh'))['data']).toMatchObject({ namespace: { autoCreate: false, defaultVisibility: 'PUBLIC' } });
    expectPe('CreateRepo', await roa('CreateRepo', 'PUT', '/repos', { body: { Repo: { RepoNamespace: 'fresh', RepoName: 'web', Summary: 'web', RepoType: 'PRIVATE' } } }));
    await expect(roa('CreateRepo', 'PUT', '/repos', { body: { Repo: { RepoNamespace: 'absent', RepoName: 'web', Summary: 'web', RepoType: 'PRIVATE' } } })).rejects.toMatchObject({ code: 'NAMESPACE_NOT_EXIST' });
    expectPe('UpdateRepo', await roa('UpdateRepo', 'POST', '/repos/fresh/web', { body: { Repo: { Summary: 'changed', RepoType: 'PUBLIC', Detail: 'd' } } }));
    expect((await roa('GetRepo', 'GET', '/repos/fresh/web'))['data']).toMatchObject({ repo: { summary: 'changed', repoType: 'PUBLIC', detail: 'd' } });
    expectPe('DeleteImage', await roa('DeleteImage', 'DELETE', '/repos/tools/cli/tags/latest'));
    await expect(roa('GetRepoTag', 'GET', '/repos/tools/cli/tags/latest')).rejects.toMatchObject({ code: 'TAG_NOT_EXIST' });
    expectPe('DeleteRepo', await roa('DeleteRepo', 'DELETE', '/repos/fresh/web'));
    await expect(roa('GetRepo', 'GET', '/repos/fresh/web')).rejects.toMatchObject({ code: 'REPO_NOT_EXIST' });
    expectPe('DeleteNamespace', await roa('DeleteNamespace', 'DELETE', '/namespace/fresh'));
    await expect(roa('GetNamespace', 'GET', '/namespace/fresh')).rejects.toMatchObject({ code: 'NAMESPACE_NOT_EXIST' });
  });

  it('answers GetAuthorizationToken and GetRegionList, and keeps estates per account and region', async () => {
    const tok = await roa('GetAuthorizationToken', 'GET', '/tokens');
    expectPe('GetAuthorizationToken', tok, ['data.authorizationToken', 'data.tempUserName', 'data.expireDate']);
    const regions = await roa('GetRegionList', 'GET', '/regions');
    expectPe('GetRegionList', regions, ['data.regions']);
    expect((regions['data'] as { regions: { regionId: string }[] }).regions.map((r) => r.regionId)).toContain(REGION);
    const stranger = await t.account('8888888888888888');
    const empty = await roa('GetNamespaceList', 'GET', '/namespace', {}, stranger);
    expect(empty['data']).toEqual({ namespaces: [] });
    const elsewhere = await t.callRoa('cn-beijing', 'GetNamespaceList', 'GET', '/namespace', keys);
    expect(elsewhere['data']).toEqual({ namespaces: [] });
  });
});
