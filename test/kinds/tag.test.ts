import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kind } from '../../src/plan/kind.js';
import { carryOut } from '../../src/apply/verbs.js';
import type { RegistryDocument, ReplicationRule } from '../../src/config/model.js';
import { instanceKind as instanceKindTyped } from '../../src/kinds/instance.js';
import { tagKind as tagKindTyped, tagSpec, type TagLive } from '../../src/kinds/tag.js';
import type { Action } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { buyInstance, execContext, testClock } from '../support/exec.js';

/** The kind as the engine sees it (the tests build plain objects). */
const instanceKind: Kind = instanceKindTyped;
const tagKind: Kind = tagKindTyped;

const PROD = '1234567890123456';
const D = (c: string) => c.repeat(64);

function doc(rules: ReplicationRule[]): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: PROD } },
    instances: {
      hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', replication: rules },
      bj: { account: 'prod', region: 'cn-beijing', edition: 'Basic', name: 'acme-bj' },
    },
  };
}

describe('tag: evidence only', () => {
  it('is never desired, never reported unmanaged, never acted on', async () => {
    expect(tagKind.desired(doc([]))).toEqual([]);
    expect(tagKind.reportsUnmanaged).toBe(false);
    expect(tagKind.classify!(undefined, undefined, undefined)).toBe('none');
    const a = { id: 't', kind: 'tag', type: 'delete', account: 'prod', region: 'r', key: {}, changes: [], dependsOn: [] } as Action;
    await expect(carryOut(tagKind, execContext({ cloud: undefined as never }).ctx, a)).rejects.toMatchObject({ code: 'internal.unsupported_action' });
  });
  it('spec: digest, size and update time (ListRepoTag sends the times as strings)', () => {
    expect(tagSpec({ Tag: 'v1', Digest: D('a'), ImageSize: 12, ImageUpdate: '1700000000000', ImageCreate: '1' })).toEqual({ digest: D('a'), sizeBytes: 12, updatedAt: 1700000000000 });
  });
});

describe('tag: read scope against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let hz: string;
  let bj: string;
  const read = async (config: RegistryDocument) => {
    const instances = await instanceKind.read({ config, desired: [], cloud: estate.session, live: () => [] });
    return (await tagKind.read({ config, desired: [], cloud: estate.session, live: () => instances })) as TagLive[];
  };
  const push = (id: string, namespace: string, repository: string, tag: string, digest: string) =>
    estate.t.admin('POST', `/_emulator/cr/instances/${id}/images`, { namespace, repository, tag, digest, size: 10 });

  beforeAll(async () => {
    estate = await startEstate({ prod: PROD }, { emulator: { now: () => clock.now } });
    hz = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    bj = await buyInstance(estate, 'prod', 'cn-beijing', 'acme-bj', 'Basic', clock);
    for (const ns of ['team-a', 'team-ab', 'other']) await estate.t.callRpc('cr', 'cn-hangzhou', 'CreateNamespace', { InstanceId: hz, NamespaceName: ns, AutoCreateRepo: true }, estate.keys['prod']!);
    await estate.t.callRpc('cr', 'cn-beijing', 'CreateNamespace', { InstanceId: bj, NamespaceName: 'team-a', AutoCreateRepo: true }, estate.keys['prod']!);
    await push(hz, 'team-a', 'api', 'v1', D('1'));
    await push(hz, 'team-a', 'web', 'v1', D('2'));
    await push(hz, 'team-ab', 'api', 'v1', D('3')); // a namespace whose name contains the other's
    await push(hz, 'other', 'api', 'v1', D('4'));
    await push(bj, 'team-a', 'api', 'v1', D('1'));
    await push(bj, 'team-a', 'job', 'v1', D('5'));
  });
  afterAll(async () => {
    await estate.close();
  });

  it('without backfill nothing is read', async () => {
    expect(await read(doc([{ name: 'r', to: 'bj', namespace: 'team-a' }]))).toEqual([]);
  });

  it('namespace level: every source repository of exactly that namespace, and the same repositories in the target', async () => {
    const tags = await read(doc([{ name: 'r', to: 'bj', namespace: 'team-a', backfill: { latest: 1 } }]));
    expect(tags.map((t) => `${t.id} ${String(t.spec['digest']).slice(0, 1)}`)).toEqual([
      'instance[bj].namespace[team-a].repository[api].tag[v1] 1',
      'instance[hz].namespace[team-a].repository[api].tag[v1] 1',
      'instance[hz].namespace[team-a].repository[web].tag[v1] 2',
    ]);
    expect(tags[1]!.ids).toEqual({ instanceId: hz, repoId: expect.stringMatching(/^crr-/) });
    expect(tags[1]!.key).toEqual({ instance: 'hz', namespace: 'team-a', repository: 'api', tag: 'v1' });
    expect(tags.every((t) => !t.prunable && t.kind === 'tag')).toBe(true);
  });

  it('repository level: only that repository on each side', async () => {
    const tags = await read(doc([{ name: 'r', to: 'bj', level: 'repository', namespace: 'team-a', repository: 'web', backfill: { latest: 1 } }]));
    expect(tags.map((t) => t.id)).toEqual(['instance[hz].namespace[team-a].repository[web].tag[v1]']);
  });
});
