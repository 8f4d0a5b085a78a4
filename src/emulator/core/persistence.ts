/**
 * Persistence of the emulator state in one JSON file.
 *
 * Owns: the file format and atomic, coalesced saving. A save writes a temporary file in the same
 * directory, fsyncs it, renames it over the target and fsyncs the directory, so a crash leaves
 * either the old or the new file, never a torn one. Saves requested while one runs are coalesced
 * into one more save; `flush()` waits until everything requested so far is on disk. All disk I/O
 * is asynchronous (never on the request path). The file holds emulator-issued access key secrets
 * (needed to restore accounts), so it is created with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_ASYNC_DURATIONS, type AsyncDurations, type EmulatorState } from './contract.js';

/** What the state file holds. */
export interface PersistedEmulator {
  readonly formatVersion: 1;
  readonly state: EmulatorState;
  /** Offset of the emulated clock from the injected base clock (POST /_emulator/clock). */
  readonly clockOffsetMs: number;
  readonly async: AsyncDurations;
}

/** A state file that cannot be used; the CLI reports it instead of overwriting the file. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** Reads a state file; undefined when it does not exist. Throws StateFileError when malformed. */
export async function loadStateFile(path: string): Promise<PersistedEmulator | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read state file ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new StateFileError(`state file ${path} is not valid JSON`);
  }
  const obj = data as Partial<PersistedEmulator> | null;
  if (typeof obj !== 'object' || obj === null || obj.formatVersion !== 1) {
    throw new StateFileError(`state file ${path} has an unknown format (formatVersion 1 expected)`);
  }
  const problem = validateState(obj.state);
  if (problem !== undefined) throw new StateFileError(`state file ${path}: ${problem}`);
  return {
    formatVersion: 1,
    state: obj.state as EmulatorState,
    clockOffsetMs: typeof obj.clockOffsetMs === 'number' ? obj.clockOffsetMs : 0,
    async: { ...DEFAULT_ASYNC_DURATIONS, ...(obj.async ?? {}) },
  };
}

/** Why a value is not an EmulatorState, or undefined when it is one (shape check, not deep). */
export function validateState(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'state must be an object';
  const s = value as Record<string, unknown>;
  if (s['formatVersion'] !== 1) return 'state.formatVersion must be 1';
  for (const key of ['accounts', 'counters', 'services'] as const) {
    const v = s[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `state.${key} must be an object`;
  }
  for (const [uid, acct] of Object.entries(s['accounts'] as Record<string, unknown>)) {
    const a = acct as { uid?: unknown; accessKeys?: unknown } | null;
    if (typeof a !== 'object' || a === null || a.uid !== uid || typeof a.accessKeys !== 'object' || a.accessKeys === null) {
      return `state.accounts.${uid} must be {uid, accessKeys}`;
    }
  }
  for (const [k, v] of Object.entries(s['counters'] as Record<string, unknown>)) {
    if (typeof v !== 'number' || !Number.isInteger(v)) return `state.counters.${k} must be an integer`;
  }
  return undefined;
}

/** Writes `text` to `path` atomically (temp file in the same directory, fsync, rename, fsync dir). */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  try {
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  }
}

/**
 * Coalescing saver: `schedule()` after each mutation; at most one write runs at a time, and the
 * snapshot is taken when the write starts, so the last write always holds the latest state.
 */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private failures = 0;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => PersistedEmulator,
    private readonly log: (line: string) => void,
    private readonly delayMs = 25,
  ) {}

  /** Requests a save soon; many requests within the delay become one write. */
  schedule(): void {
    this.dirty = true;
    if (this.timer !== undefined || this.running !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Saves now if anything is pending and waits for every write to finish. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.running !== undefined || this.dirty) {
      if (this.running !== undefined) await this.running;
      else await this.run();
    }
  }

  /** Number of failed writes so far (reported by the log callback too). */
  get failedWrites(): number {
    return this.failures;
  }

  private run(): Promise<void> {
    if (this.running !== undefined) return this.running;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.dirty = false;
    const text = JSON.stringify(this.snapshot());
    this.running = writeAtomic(this.path, text)
      .catch((err: unknown) => {
        this.failures++;
        this.log(`emulator: cannot save state to ${this.path}: ${(err as Error).message}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.dirty && this.timer === undefined) this.schedule();
      });
    return this.running;
  }
}
