/**
 * The `$schema` reference a written registry.yaml carries for editors (`# yaml-language-server:
 * $schema=…`), relative to the directory the file is written to.
 *
 * A project that installs acrctl (`npm install --save-dev acrctl`) has the schema at
 * `node_modules/acrctl/schemas/registry.schema.json`: the first such file found from the output
 * directory upwards wins, which gives a path that holds on every clone of that project. Otherwise
 * the reference points at the schema of the acrctl that is running (inside this repository,
 * `../../schemas/registry.schema.json` from an example), which holds on this machine.
 *
 * Owns: finding the file. Reads the file system only to test for the installed copy.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCHEMA = join('schemas', 'registry.schema.json');

/** The schema file of the running acrctl: the nearest `schemas/registry.schema.json` above this module. */
export function ownSchemaFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, SCHEMA);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('schemas/registry.schema.json is missing from the acrctl package');
    dir = up;
  }
}

/** The reference to write into a registry.yaml in `dir` (POSIX separators, starting with `.`). */
export function schemaReference(dir: string, exists: (path: string) => boolean = existsSync): string {
  let at = dir;
  for (;;) {
    const installed = join(at, 'node_modules', 'acrctl', SCHEMA);
    if (exists(installed)) return relativeRef(dir, installed);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  return relativeRef(dir, ownSchemaFile());
}

function relativeRef(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

