/**
 * cr 2018-12-01 instance settings (issue 14 item 8), driven over HTTP by the official openapi-core
 * runtime: TagResources / UntagResources / ListTagResources with the documented limits (20 tags per
 * instance) and the Alibaba Cloud tag rules (key 1-128, value 0-128, no `acs:`/`aliyun` prefix, no
 * URL scheme; system tags are never set or removed by a caller), NextToken pages of ListTagResources;
 * ChangeResourceGroup (well-formed id, the instance's region); ResetLoginPassword (8-32 characters).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { expectCrError, referenceProblems } from './reference.js';
import { buyInstance, startCrEmulator, type Clock } from './setup.js';

const REGION = 'cn-hangzhou';

let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let a: string;
let b: string;
let c: string;

const cr = (action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> => t.callRpc('cr', REGION, action, params, keys);
const tag = (ids: string[], tags: { Key: string; Value?: string }[]) => cr('TagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: ids, Tag: tags });
const untag = (ids: string[], more: Record<string, unknown>) => cr('UntagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: ids, ...more });
const list = async (ids: string[]): Promise<Record<string, string>[]> => {
  const out: Record<string, string>[] = [];
  let token: string | undefined;
  do {
    const r = await cr('ListTagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: ids, ...(token ? { NextToken: token } : {}) });
    // Code and IsSuccess are on every cr answer (conventions), documented or not.
    expect(referenceProblems('cr-2018-12-01.json', 'ListTagResources', r).filter((p) => !/IsSuccess|Code/.test(p))).toEqual([]);
    out.push(...(((r['TagResources'] as { TagResource: Record<string, string>[] }).TagResource) ?? []));
    token = r['NextToken'] as string | undefined;
  } while (token);
  return out;
};
const keysOf = async (id: string) => (await list([id])).map((r) => `${r['TagKey']}=${r['TagValue']}`);

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account('5757575757575757');
  a = await buyInstance(t, clock, keys, REGION, 'settings-a');
  b = await buyInstance(t, clock, keys, REGION, 'settings-b');
  c = await buyInstance(t, clock, keys, REGION, 'settings-c');
});
afterAll(async () => {
  await t.close();
});

describe('instance tags', () => {
  it('binds, overwrites and removes tags; responses are documented; ListTagResources needs ResourceId or Tag', async () => {
    const r = await tag([a], [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: '' }]);
    expect(referenceProblems('cr-2018-12-01.json', 'TagResources', r).filter((p) => !/IsSuccess|Code/.test(p))).toEqual([]);
    await tag([a], [{ Key: 'env', Value: 'staging' }]);
    expect(await keysOf(a)).toEqual(['env=staging', 'team=']);
    await untag([a], { TagKey: ['team'] });
    expect(await keysOf(a)).toEqual(['env=staging']);
    await expect(cr('ListTagResources', { RegionId: REGION, ResourceType: 'Instance' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(untag([a], {})).rejects.toMatchObject({ code: 'InvalidParameter' }); // neither TagKey nor All
  });

  it('enforces the tag rules: key length and prefixes, value length, URL schemes, duplicates', async () => {
    const bad: { Key: string; Value?: string }[][] = [
      [{ Key: 'k'.repeat(129), Value: 'v' }],
      [{ Key: 'acs:owner', Value: 'v' }],
      [{ Key: 'ACS:owner', Value: 'v' }],
      [{ Key: 'aliyun-x', Value: 'v' }],
      [{ Key: 'see-https://x', Value: 'v' }],
      [{ Key: 'k', Value: 'v'.repeat(129) }],
      [{ Key: 'k', Value: 'http://x' }],
      [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }],
    ];
    for (const tags of bad) await expect(tag([b], tags), JSON.stringify(tags).slice(0, 60)).rejects.toMatchObject({ code: 'InvalidParameter' });
    await tag([b], [{ Key: 'k'.repeat(128), Value: 'v'.repeat(128) }]);
    expect((await list([b])).length).toBe(1);
    await untag([b], { All: true });
  });

  it('allows at most 20 tags per instance (nothing is bound when a request would exceed it); system tags do not count and are never removed', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ Key: `k${String(i).padStart(2, '0')}`, Value: `v${i}` }));
    await tag([c], twenty);
    expectCrError(await tag([c], [{ Key: 'one-more', Value: 'x' }]), 'TAG_QUOTA_EXCEED');
    expect((await list([c])).length).toBe(20);
    // A system tag, as the platform sets it (through the state: no caller can).
    const state = (await t.admin('GET', '/_emulator/state')).body as { services: { cr: { instances: Record<string, { tags: { key: string; value: string }[] }> } } };
    const rec = state.services.cr.instances[c]!;
    rec.tags.push({ key: 'acs:rm:rgId', value: 'rg-x' });
    expect((await t.admin('PUT', '/_emulator/state', state)).status).toBe(200);
    expect((await list([c])).length).toBe(21);
    await expect(untag([c], { TagKey: ['acs:rm:rgId'] })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await untag([c], { All: true });
    expect(await keysOf(c)).toEqual(['acs:rm:rgId=rg-x']);
  });

  it('pages ListTagResources with NextToken (pages of 50) over several instances', async () => {
    const twenty = (p: string) => Array.from({ length: 20 }, (_, i) => ({ Key: `${p}${i}`, Value: String(i) }));
    await untag([a, b], { All: true });
    await tag([a], twenty('a'));
    await tag([b], twenty('b'));
    await untag([c], { All: true });
    await tag([c], twenty('c'));
    const first = await cr('ListTagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: [a, b, c] });
    expect(((first['TagResources'] as { TagResource: unknown[] }).TagResource).length).toBe(50);
    expect(typeof first['NextToken']).toBe('string');
    const all = await list([a, b, c]);
    expect(all.length).toBe(61); // 60 user tags and c's system tag
    expect(new Set(all.map((r) => `${r['ResourceId']}/${r['TagKey']}`)).size).toBe(61);
    await expect(cr('ListTagResources', { RegionId: REGION, ResourceType: 'Instance', ResourceId: [a], NextToken: 'nonsense' })).resolves.toMatchObject({ Code: 'INVALID_NEXT_TOKEN' });
  });
});

describe('resource group and login password', () => {
  it('moves an instance to a well-formed resource group of its region, read back by ListInstance and GetInstance', async () => {
    const r = await cr('ChangeResourceGroup', { ResourceId: a, ResourceGroupId: 'rg-aekz5nlvlak', ResourceRegionId: REGION });
    expect(referenceProblems('cr-2018-12-01.json', 'ChangeResourceGroup', r).filter((p) => !/IsSuccess|Code/.test(p))).toEqual([]);
    expect((await cr('GetInstance', { InstanceId: a }))['ResourceGroupId']).toBe('rg-aekz5nlvlak');
    const listed = (await cr('ListInstance', { PageSize: 100 }))['Instances'] as { InstanceId: string; ResourceGroupId: string }[];
    expect(listed.find((i) => i.InstanceId === a)?.ResourceGroupId).toBe('rg-aekz5nlvlak');
    await expect(cr('ChangeResourceGroup', { ResourceId: a, ResourceGroupId: 'group-1', ResourceRegionId: REGION })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('ChangeResourceGroup', { ResourceId: a, ResourceGroupId: 'rg-abc', ResourceRegionId: 'cn-beijing' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(cr('ChangeResourceGroup', { ResourceId: a, ResourceGroupId: 'rg-abc' })).rejects.toMatchObject({ code: 'MissingResourceRegionId' });
  });

  it('resets the login password (8-32 characters, two classes) and never keeps it in the state', async () => {
    const r = await cr('ResetLoginPassword', { InstanceId: a, Password: 'Str0ng-enough' });
    expect(r).toMatchObject({ IsSuccess: true, Code: 'success' });
    for (const pw of ['Sh0rt!', 'x'.repeat(33), 'lettersonly']) await expect(cr('ResetLoginPassword', { InstanceId: a, Password: pw })).rejects.toMatchObject({ code: 'InvalidParameter' });
    expect(JSON.stringify((await t.admin('GET', '/_emulator/state')).body)).not.toContain('Str0ng-enough');
  });
});
