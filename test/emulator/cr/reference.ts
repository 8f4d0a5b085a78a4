/**
 * Checks a response body against the action's `response` field list in ../shared/api/*.json (beside the repository):
 * every field the emulator returns must be documented (at any depth) with the documented type, and
 * the fields a test names must be present. Paths follow the JSON files: `A.B`, `A[].B`, `A[]`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** `../shared/api` next to the repository root, wherever the checkout is (CI clones it anywhere). */
const API_DIR = fileURLToPath(new URL('../../../../shared/api', import.meta.url));
const cache = new Map<string, Record<string, { response?: { name: string; type: string }[] }>>();

function actions(file: string): Record<string, { response?: { name: string; type: string }[] }> {
  let a = cache.get(file);
  if (a === undefined) {
    a = (JSON.parse(readFileSync(`${API_DIR}/${file}`, 'utf8')) as { actions: Record<string, { response?: { name: string; type: string }[] }> }).actions;
    cache.set(file, a);
  }
  return a;
}

function typeOk(type: string, v: unknown): boolean {
  if (type === 'string') return typeof v === 'string';
  if (type === 'boolean') return typeof v === 'boolean';
  if (type === 'integer' || type.startsWith('long')) return typeof v === 'number' && Number.isInteger(v);
  if (type === 'object') return typeof v === 'object' && v !== null && !Array.isArray(v);
  if (type.startsWith('array')) return Array.isArray(v);
  return true;
}

/** The problems of `body` against the reference of `action` in `file` (empty when it conforms). */
export function referenceProblems(file: string, action: string, body: unknown, mustHave: readonly string[] = []): string[] {
  const spec = actions(file)[action];
  if (spec?.response === undefined) return [`${action} is not in ${file}`];
  const types = new Map(spec.response.map((f) => [f.name, f.type]));
  const known = (p: string): boolean => types.has(p) || types.has(`${p}[]`) || [...types.keys()].some((k) => k.startsWith(`${p}.`) || k.startsWith(`${p}[]`));
  const problems: string[] = [];
  const walk = (value: unknown, prefix: string): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      if (prefix === '' && (k === 'RequestId' || k === 'requestId')) continue;
      if (!known(p)) {
        problems.push(`${p} is not documented`);
        continue;
      }
      const t = types.get(p);
      if (t !== undefined && !typeOk(t, v)) problems.push(`${p} should be ${t}, got ${JSON.stringify(v)}`);
      if (Array.isArray(v)) {
        const elType = types.get(`${p}[]`);
        for (const el of v) {
          if (elType !== undefined && elType.startsWith('array<') && elType !== 'array<object>') {
            if (!typeOk(elType.slice(6, -1), el)) problems.push(`${p}[] element should be ${elType}`);
          } else walk(el, `${p}[]`);
        }
      } else walk(v, p);
    }
  };
  walk(body, '');
  for (const m of mustHave) {
    const parts = m.split('.');
    let cur: unknown = body;
    for (const part of parts) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
    if (cur === undefined) problems.push(`${m} is missing`);
  }
  return problems;
}

/** Asserts a cr 2018-12-01 success body conforms; `Code`, `IsSuccess` and `RequestId` are always required. */
export function expectCr(action: string, body: Record<string, unknown>, mustHave: readonly string[] = []): void {
  expect(body['IsSuccess'], `${action}: ${JSON.stringify(body)}`).toBe(true);
  expect(body['Code']).toBe('success');
  expect(typeof body['RequestId']).toBe('string');
  expect(referenceProblems('cr-2018-12-01.json', action, body, mustHave)).toEqual([]);
}

/** Asserts a cr business error (HTTP 200, IsSuccess:false) with `code`. */
export function expectCrError(body: Record<string, unknown>, code: string): void {
  expect(body, JSON.stringify(body)).toMatchObject({ IsSuccess: false, Code: code });
  expect(typeof body['RequestId']).toBe('string');
  expect(typeof body['Message']).toBe('string');
}
