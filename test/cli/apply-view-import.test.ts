import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createApplyView, throughput } from '../../src/cli/views/apply-view.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

const progress = (bytes: number) => ({ level: 'info' as const, code: 'action.progress' as const, action: 'i', message: 'copying team-a/api:v1', data: { bytes } });

describe('apply views during image imports', () => {
  it('the meter adds byte deltas and divides by the time since the first', () => {
    let t = 1000;
    const m = throughput(() => t);
    expect(m.add({ level: 'info', code: 'action.progress', action: 'x', message: 'still creating x' })).toBe(false);
    expect(m.add(progress(10_000_000))).toBe(true);
    t = 3000;
    m.add(progress(10_000_000));
    expect(m.text()).toBe('20.0 MB moved, 10.0 MB/s');
  });

  it('the meter counts from the start of the first copy, not from its first progress event', () => {
    let t = 0;
    const m = throughput(() => t);
    expect(m.add({ level: 'info', code: 'action.start', action: 'c', message: 'run c', data: { type: 'run', kind: 'image-import' } })).toBe(false);
    t = 1000;
    m.add(progress(4_000_000));
    expect(m.text()).toBe('4.0 MB moved, 4.0 MB/s');
    t = 2000;
    m.add({ level: 'info', code: 'action.start', action: 'd', message: 'run d', data: { type: 'run', kind: 'image-import' } });
    m.add(progress(4_000_000));
    expect(m.text()).toBe('8.0 MB moved, 4.0 MB/s');
  });

  it('the plain (CI) view appends bytes and MB/s to copy progress lines only', () => {
    const out = capture();
    let t = 0;
    const view = createApplyView({ stream: out.stream, tty: false, color: false, now: () => t });
    view.onEvent(progress(5_000_000));
    t = 1000;
    view.onEvent(progress(5_000_000));
    view.onEvent({ level: 'info', code: 'action.progress', action: 'n', message: 'still creating n … [10s elapsed]' });
    view.close();
    expect(out.text().split('\n')).toEqual([
      'copying team-a/api:v1 [images: 5.0 MB moved, 0.0 MB/s]',
      'copying team-a/api:v1 [images: 10.0 MB moved, 10.0 MB/s]',
      'still creating n … [10s elapsed]',
      '',
    ]);
  });

  it('the live (TTY) view shows the import throughput under the running actions', () => {
    const out = capture();
    let t = 0;
    const view = createApplyView({ stream: out.stream, tty: true, color: false, now: () => t });
    view.onEvent({ level: 'info', code: 'run.start', message: 'applying plan abc: 1 actions', data: { total: 1, alreadyDone: 0 } });
    view.onEvent({ level: 'info', code: 'action.start', action: 'i', message: 'running i' });
    view.onEvent(progress(1_000_000));
    t = 2000;
    view.onEvent(progress(3_000_000));
    view.onEvent({ level: 'info', code: 'action.done', action: 'i', message: 'i: finished' });
    view.close();
    expect(out.text()).toContain('1/1 actions settled; images: 4.0 MB moved, 2.0 MB/s');
  });
});
