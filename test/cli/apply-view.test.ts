import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createApplyView } from '../../src/cli/views/apply-view.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('apply views', () => {
  it('plain view prints one line per event, with heartbeat lines for CI logs', () => {
    const out = capture();
    const view = createApplyView({ stream: out.stream, tty: false, color: false });
    view.onEvent({ level: 'info', code: 'action.start', action: 'instance[hz]', message: 'creating instance[hz]' });
    view.onEvent({ level: 'info', code: 'action.progress', action: 'instance[hz]', message: 'still creating instance[hz] … [30s elapsed]' });
    view.onEvent({ level: 'info', code: 'action.done', action: 'instance[hz]', message: 'instance[hz]: created' });
    view.onEvent({ level: 'error', code: 'action.failed', action: 'x', message: 'x: refused' });
    view.close();
    expect(out.text()).toBe('creating instance[hz]\nstill creating instance[hz] … [30s elapsed]\n✓ instance[hz]: created\n✗ x: refused\n');
  });

  it('live view keeps finished actions above the running block and cleans up on close', () => {
    const out = capture();
    let t = 0;
    const view = createApplyView({ stream: out.stream, tty: true, color: false, now: () => t });
    view.onEvent({ level: 'info', code: 'run.start', message: 'applying plan abc: 2 actions', data: { total: 2, alreadyDone: 0 } });
    view.onEvent({ level: 'info', code: 'action.start', action: 'a', message: 'creating a' });
    t = 5000;
    view.onEvent({ level: 'info', code: 'action.start', action: 'b', message: 'creating b' });
    view.onEvent({ level: 'info', code: 'action.done', action: 'a', message: 'a: created' });
    view.close();
    const text = out.text();
    expect(text).toContain('applying plan abc: 2 actions');
    expect(text).toContain('creating a');
    expect(text).toContain('(5s)');
    expect(text).toContain('✓ a: created');
    expect(text).toContain('1/2 actions settled');
  });
});
