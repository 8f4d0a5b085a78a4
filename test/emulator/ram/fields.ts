/**
 * Checks a response body against the action's `response` field list in shared/api/<product>.json:
 * every field the emulator returns (at any depth) must be documented there with a matching JSON
 * type, and every documented top-level field must be present unless listed as optional.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

interface FieldDoc {
  name: string;
  type: string;
}

/** `../shared/api` next to the repository root, wherever the checkout is. */
const API_DIR = fileURLToPath(new URL('../../../../shared/api', import.meta.url));
const cache = new Map<string, Record<string, { response: FieldDoc[] }>>();

function actions(file: string): Record<string, { response: FieldDoc[] }> {
  let a = cache.get(file);
  if (a === undefined) {
    const doc = JSON.parse(readFileSync(`${API_DIR}/${file}`, 'utf8')) as { actions: Record<string, { response: FieldDoc[] }> };
    a = doc.actions;
    cache.set(file, a);
  }
  return a;
}

function jsonType(doc: string): 'string' | 'number' | 'boolean' | 'object' | 'array' {
  if (doc.startsWith('array')) return 'array';
  if (doc.startsWith('map') || doc === 'object') return 'object';
  if (doc === 'number' || doc === 'integer' || doc === 'long') return 'number';
  if (doc === 'boolean') return 'boolean';
  return 'string';
}

function typeOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** Asserts the body's fields against the reference; returns the list of checked paths. */
export function checkFields(file: string, action: string, body: Record<string, unknown>, optional: readonly string[] = []): string[] {
  const ref = actions(file)[action];
  if (ref === undefined) throw new Error(`${action} is not in ${file}`);
  const docs = new Map(ref.response.map((f) => [f.name, jsonType(f.type)]));
  const checked: string[] = [];
  const walk = (v: unknown, path: string, mapLike: boolean): void => {
    if (path !== '') {
      const want = docs.get(path);
      expect(want, `${action}: ${path} is not documented in ${file}`).toBeDefined();
      expect(typeOf(v), `${action}: ${path} should be ${want}`).toBe(want);
      checked.push(path);
      if (mapLike || want === undefined) return;
      if (docs.get(path) === 'object' && [...docs.keys()].every((k) => !k.startsWith(`${path}.`))) return;
    }
    if (Array.isArray(v)) {
      for (const item of v) {
        if (typeof item === 'object' && item !== null) walk2(item as Record<string, unknown>, `${path}[]`);
      }
    } else if (typeof v === 'object' && v !== null) {
      walk2(v as Record<string, unknown>, path);
    }
  };
  const walk2 = (o: Record<string, unknown>, prefix: string): void => {
    for (const [k, val] of Object.entries(o)) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      walk(val, p, false);
    }
  };
  walk2(body, '');
  for (const f of ref.response) {
    if (f.name.includes('.') || optional.includes(f.name)) continue;
    expect(body, `${action}: documented top-level field ${f.name} is missing`).toHaveProperty([f.name]);
  }
  return checked;
}
