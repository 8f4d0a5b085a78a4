/** Partitioning a plan into shards: by account or account and region, ordered, cycles merged. */
import { describe, expect, it } from 'vitest';
import { crossShardNeeds, partition, shardByOf } from '../../src/plan/shards.js';

const a = (id: string, account: string, region: string, dependsOn: string[] = []) => ({ id, account, region, dependsOn });

describe('shards', () => {
  const plan = {
    actions: [
      a('role', 'partner', 'global'),
      a('inst-b', 'partner', 'cn-beijing'),
      a('inst-a', 'prod', 'cn-hangzhou'),
      a('rule', 'prod', 'cn-hangzhou', ['inst-a', 'inst-b', 'role']),
      a('other', 'ops', 'cn-shanghai'),
    ],
  } as never;

  it('by account: a shard needing another comes in a later stage', () => {
    const p = partition(plan, 'account');
    expect(p.stages).toEqual([['ops', 'partner'], ['prod']]);
    expect(p.shards.find((s) => s.id === 'prod')).toMatchObject({ actions: ['inst-a', 'rule'], needs: ['partner'], stage: 1 });
    expect(crossShardNeeds(plan, p, 'prod')).toEqual([{ action: 'rule', needs: 'inst-b', shard: 'partner' }, { action: 'rule', needs: 'role', shard: 'partner' }]);
    expect(crossShardNeeds(plan, p, 'partner')).toEqual([]);
  });

  it('by account and region: global actions are their own shard; ids say how they were made', () => {
    const p = partition(plan, 'account,region');
    expect(p.stages).toEqual([['ops.cn-shanghai', 'partner.cn-beijing', 'partner.global'], ['prod.cn-hangzhou']]);
    expect(p.shards.find((s) => s.id === 'prod.cn-hangzhou')?.needs).toEqual(['partner.cn-beijing', 'partner.global']);
    expect(shardByOf('prod.cn-hangzhou')).toBe('account,region');
    expect(shardByOf('prod')).toBe('account');
  });

  it('merges shards that need each other both ways', () => {
    const cyc = { actions: [a('x1', 'x', 'r'), a('y1', 'y', 'r', ['x1']), a('x2', 'x', 'r', ['y1']), a('z', 'z', 'r', ['x2'])] } as never;
    const p = partition(cyc, 'account');
    expect(p.stages).toEqual([['x+y'], ['z']]);
    expect(p.shards[0]).toMatchObject({ id: 'x+y', accounts: ['x', 'y'], actions: ['x1', 'y1', 'x2'] });
  });
});
