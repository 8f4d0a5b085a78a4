/**
 * Views of a running apply. The executor emits events; these turn them into what a person sees:
 * on a TTY, a live block of the actions running now (log-update) above which finished actions
 * scroll; elsewhere (CI), one plain line per event, including `still creating … [30s elapsed]`
 * (on GitHub Actions, runs of those wait lines fold into log groups).
 * Neither view ever receives a secret: events carry ids, codes and messages only.
 */
import { createLogUpdate } from 'log-update';
import type { ApplyEvent } from '../../apply/executor.js';
import { palette } from '../../render/colour.js';
import { ANNOTATIONS_PER_LEVEL, renderAnnotations, workflowCommand, type Annotation, type AnnotationLevel } from '../github.js';

export interface ApplyView {
  onEvent(e: ApplyEvent): void;
  /** A line of the CLI's own (an interrupt was received) shown above the running actions. */
  note(line: string, level?: 'info' | 'warn'): void;
  /** Stops redrawing and leaves the terminal clean. */
  close(): void;
}

export interface ViewOptions {
  readonly stream: NodeJS.WritableStream;
  readonly tty: boolean;
  readonly color: boolean;
  readonly now?: () => number;
  /**
   * On GitHub Actions (plain view only): runs of wait lines are folded into log groups, and failed
   * and gated actions also become annotations.
   */
  readonly github?: boolean;
}

const SYMBOLS: Partial<Record<ApplyEvent['code'], string>> = {
  'action.done': '✓',
  'action.failed': '✗',
  'action.skipped': '-',
  'action.gate': '!',
  'action.resumed': '↺',
  'action.reconciled': '?',
};

export function createApplyView(opts: ViewOptions): ApplyView {
  return opts.tty ? liveView(opts) : plainView(opts);
}

/** The colour of an event's line: errors red, warnings yellow, finished actions green, else none. */
function paintEvent(on: boolean, e: ApplyEvent, line: string): string {
  const c = palette(on);
  return e.level === 'error' ? c.red(line) : e.level === 'warn' ? c.yellow(line) : e.code === 'action.done' ? c.green(line) : line;
}

/**
 * Bytes image copies report in progress events (`data.bytes`, deltas) and the rate since the first
 * copy started: what the views show as `12.3 MB moved, 4.5 MB/s`. The clock starts at the first
 * `image-import` action's start, not at its first progress event, which already carries up to a
 * second of bytes (counting from there showed thousands of MB/s at the start of small imports).
 */
export function throughput(now: () => number): { add(e: ApplyEvent): boolean; text(): string } {
  let total = 0;
  let since: number | undefined;
  return {
    add(e) {
      if (e.code === 'action.start' && e.data?.['kind'] === 'image-import') {
        since ??= now();
        return false;
      }
      const b = e.code === 'action.progress' ? e.data?.['bytes'] : undefined;
      if (typeof b !== 'number') return false;
      since ??= now();
      total += b;
      return true;
    },
    text() {
      const seconds = since === undefined ? 0 : (now() - since) / 1000;
      const rate = seconds > 0 ? total / 1e6 / seconds : 0;
      return `${(total / 1e6).toFixed(1)} MB moved, ${rate.toFixed(1)} MB/s`;
    },
  };
}

function plainView(opts: ViewOptions): ApplyView {
  const meter = throughput(opts.now ?? Date.now);
  const github = opts.github === true ? githubLog(opts.stream) : undefined;
  return {
    onEvent(e) {
      const symbol = SYMBOLS[e.code];
      const copying = meter.add(e);
      const message = copying ? `${e.message} [images: ${meter.text()}]` : e.message;
      const line = symbol ? `${symbol} ${message}` : message;
      if (e.code === 'action.progress') github?.openGroup(line);
      else github?.closeGroup();
      opts.stream.write(`${paintEvent(opts.color, e, github ? github.inert(line) : line)}\n`);
      if (e.code === 'action.failed') github?.annotate('error', e, 'apply failed');
      if (e.code === 'action.gate') github?.annotate('warning', e, 'apply stopped at a gate');
    },
    note(line, level = 'info') {
      github?.closeGroup();
      const text = github ? github.inert(line) : line;
      opts.stream.write(`${level === 'warn' ? palette(opts.color).yellow(text) : text}\n`);
    },
    close() {
      github?.close();
    },
  };
}

/**
 * The GitHub Actions side of the plain view. Wait lines (`still creating …`, `waiting for …`,
 * image progress) come every few seconds for minutes; each run of them is one collapsed group
 * titled with its first line. A group ends at the next line that is not a wait line, so lines of
 * other actions never hide inside one. Annotations: the first 9 of a level as they happen; the
 * 10th (GitHub's limit per step), or a count of the rest, at the end.
 */
function githubLog(stream: NodeJS.WritableStream) {
  let open = false;
  const held = new Map<AnnotationLevel, Annotation[]>();
  const write = (line: string) => stream.write(`${line}\n`);
  return {
    /**
     * The line with no line of its own starting with `::`: messages can carry text from the cloud
     * (an API error), which must not be able to issue workflow commands.
     */
    inert(line: string): string {
      return line.replace(/(^|\n)::/g, '$1 ::');
    },
    openGroup(title: string) {
      if (open) return;
      write(workflowCommand('group', {}, title));
      open = true;
    },
    closeGroup() {
      if (!open) return;
      write('::endgroup::');
      open = false;
    },
    annotate(level: AnnotationLevel, e: ApplyEvent, what: string) {
      const a: Annotation = { level, title: `acrctl: ${what}${e.action ? `: ${e.action}` : ''}`, message: e.message };
      const list = held.get(level) ?? [];
      list.push(a);
      held.set(level, list);
      if (list.length < ANNOTATIONS_PER_LEVEL) stream.write(renderAnnotations([a]));
    },
    close() {
      this.closeGroup();
      for (const list of held.values()) {
        if (list.length < ANNOTATIONS_PER_LEVEL) continue;
        // renderAnnotations keeps the 10th as is or turns it into a count of the rest.
        stream.write(renderAnnotations(list).split('\n').slice(ANNOTATIONS_PER_LEVEL - 1).join('\n'));
      }
    },
  };
}

function liveView(opts: ViewOptions): ApplyView {
  const now = opts.now ?? Date.now;
  const log = createLogUpdate(opts.stream, { showCursor: false });
  const running = new Map<string, { since: number; message: string }>();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  let total = 0;
  let finished = 0;
  const meter = throughput(now);
  const dim = palette(opts.color).dim;
  let copying = false;
  const render = () => {
    frame = (frame + 1) % frames.length;
    const lines = [...running.entries()].slice(0, 15).map(([, r]) => `${frames[frame]} ${r.message} ${dim(`(${Math.round((now() - r.since) / 1000)}s)`)}`);
    if (running.size > 15) lines.push(dim(`… and ${running.size - 15} more running`));
    if (total > 0) lines.push(dim(`${finished}/${total} actions settled${copying ? `; images: ${meter.text()}` : ''}`));
    log(lines.join('\n'));
  };
  const timer = setInterval(render, 120);
  timer.unref?.();
  const persist = (line: string) => {
    log.clear();
    opts.stream.write(`${line}\n`);
    render();
  };
  return {
    onEvent(e) {
      switch (e.code) {
        case 'run.start':
          total = Number(e.data?.total ?? 0);
          finished = Number(e.data?.alreadyDone ?? 0);
          persist(e.message);
          break;
        case 'action.start':
          if (e.action) running.set(e.action, { since: now(), message: e.message });
          render();
          break;
        case 'action.progress':
          if (meter.add(e)) copying = true;
          if (e.action && running.has(e.action) && !e.message.startsWith('still ')) running.get(e.action)!.message = e.message;
          break;
        case 'action.done':
        case 'action.failed':
        case 'action.skipped':
        case 'action.gate':
          if (e.action) running.delete(e.action);
          finished++;
          persist(paintEvent(opts.color, e, `${SYMBOLS[e.code] ?? ''} ${e.message}`));
          break;
        default:
          persist(e.message);
      }
    },
    note(line, level = 'info') {
      persist(level === 'warn' ? palette(opts.color).yellow(line) : line);
    },
    close() {
      clearInterval(timer);
      log.clear();
      log.done();
    },
  };
}
