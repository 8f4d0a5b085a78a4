/**
 * Writing a file so that no reader ever sees it half-written and no temporary file stays behind:
 * a unique temporary file in the same directory, fsynced, then renamed over the target. Failures of
 * the machine (read-only or full disk) come back as typed environment errors.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AcrctlError, environmentError } from '../errors.js';

/**
 * Writes `text` to `path` atomically; `doing` names the write in errors ("cannot write the plan file
 * p.json"). Creates the directory unless `mkdir` is false (a path the user gave must exist).
 */
export function writeFileAtomically(path: string, text: string, doing: string, opts: { readonly mkdir?: boolean } = {}): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    if (opts.mkdir !== false) ensureDir(dirname(path));
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    const env = environmentError(err, doing);
    if (env) throw env;
    const code = (err as NodeJS.ErrnoException).code;
    throw new AcrctlError('fs.write-failed', `${doing}: ${code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'write failed')}`, { cause: err });
  }
}

/**
 * `mkdir -p`, failing with the real reason: a recursive mkdirSync answers ENOENT where the file
 * system is read-only or not writable; the last step is retried alone to learn its errno (EROFS,
 * EACCES).
 */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // Throws the real reason when the parent exists (EROFS, EACCES), or ENOENT again when it does not.
    mkdirSync(dir);
  }
}
