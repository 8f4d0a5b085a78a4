import { describe, expect, it } from 'vitest';
import type { ExecContext } from '../../src/plan/kind.js';
import { waitUntil } from '../../src/kinds/wait.js';

function ctx() {
  let t = 0;
  const sleeps: number[] = [];
  const progress: string[] = [];
  const c = {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    progress: (m: string) => progress.push(m),
  } as unknown as ExecContext;
  return { c, sleeps, progress };
}

describe('waitUntil', () => {
  it('polls with a doubling interval up to the cap and returns the ready value', async () => {
    const { c, sleeps } = ctx();
    let n = 0;
    const v = await waitUntil(c, async () => (++n === 6 ? 'RUNNING' : undefined), { what: 'x', timeoutMs: 60_000, maxIntervalMs: 2_000 });
    expect(v).toBe('RUNNING');
    expect(sleeps).toEqual([250, 500, 1000, 2000, 2000]);
  });
  it('times out with a hint to resume', async () => {
    const { c } = ctx();
    await expect(waitUntil(c, async () => undefined, { what: 'instance acme to be RUNNING', timeoutMs: 1_000 })).rejects.toThrow(/timed out after 1s waiting for instance acme to be RUNNING/);
  });
});
