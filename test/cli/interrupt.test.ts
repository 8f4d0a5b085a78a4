/** The interrupt trap (src/cli/interrupt.ts) with an injected signal source: counting, grace, races. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { graceFromEnv, Interrupted, trapInterrupts } from '../../src/cli/interrupt.js';

const source = () => {
  const e = new EventEmitter();
  return Object.assign(e, { send: (sig: 'SIGINT' | 'SIGTERM') => e.emit(sig) });
};

describe('trapInterrupts', () => {
  it('first interrupt stops, second aborts, third forces; exit code from the first signal', () => {
    const s = source();
    const seen: string[] = [];
    const i = trapInterrupts({ graceMs: 60_000, source: s as never, onStop: (sig) => seen.push(`stop ${sig}`), onAbort: (why) => seen.push(`abort ${why}`), onForce: () => seen.push('force') });
    expect(i.stop.aborted).toBe(false);
    s.send('SIGTERM');
    expect(i.stop.aborted).toBe(true);
    expect(i.abort.aborted).toBe(false);
    expect(i.exitCode()).toBe(143);
    s.send('SIGINT');
    expect(i.abort.aborted).toBe(true);
    s.send('SIGINT');
    expect(seen).toEqual(['stop SIGTERM', 'abort second', 'force']);
    i.dispose();
    expect(s.listenerCount('SIGINT') + s.listenerCount('SIGTERM')).toBe(0);
  });

  it('keeps its listeners registered while handling (signal-exit re-raises when it finds only its own)', () => {
    const s = source();
    const i = trapInterrupts({ graceMs: 60_000, source: s as never });
    s.send('SIGINT');
    expect(s.listenerCount('SIGINT')).toBe(1);
    i.dispose();
  });

  it('the grace time after the first interrupt aborts', async () => {
    const s = source();
    const whys: string[] = [];
    const i = trapInterrupts({ graceMs: 20, source: s as never, onAbort: (why) => whys.push(why) });
    s.send('SIGINT');
    await new Promise((r) => setTimeout(r, 60));
    expect(i.abort.aborted).toBe(true);
    expect(whys).toEqual(['timeout']);
    expect(i.exitCode()).toBe(130);
    i.dispose();
  });

  it('race rejects with Interrupted at the first interrupt, and passes results through otherwise', async () => {
    const s = source();
    const i = trapInterrupts({ graceMs: 60_000, source: s as never });
    await expect(i.race(Promise.resolve(7))).resolves.toBe(7);
    await expect(i.race(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const never = new Promise<number>(() => undefined);
    const raced = i.race(never);
    s.send('SIGINT');
    await expect(raced).rejects.toBeInstanceOf(Interrupted);
    await expect(i.race(Promise.resolve(1))).rejects.toBeInstanceOf(Interrupted);
    i.dispose();
  });

  it('ACRCTL_INTERRUPT_GRACE_MS sets the grace time; anything but a whole number keeps 30 s', () => {
    expect(graceFromEnv({ ACRCTL_INTERRUPT_GRACE_MS: '250' })).toBe(250);
    expect(graceFromEnv({ ACRCTL_INTERRUPT_GRACE_MS: '0' })).toBe(0);
    expect(graceFromEnv({ ACRCTL_INTERRUPT_GRACE_MS: 'soon' })).toBe(30_000);
    expect(graceFromEnv({})).toBe(30_000);
  });
});
