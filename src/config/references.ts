/**
 * Reference checks: every alias and name a document refers to exists, and natural keys are unique.
 * Each kind declares the checks of its part of the language (`Kind.references`); this module runs
 * them over one document with the shared helpers of a {@link ReferenceContext}.
 *
 * Contract: pure; reads the plain value defensively (it runs even when schema validation found errors
 * elsewhere, so a wrong-typed part is skipped rather than trusted), so all mistakes are reported in one
 * pass. Product rules (editions, regions, regexes…) are lints, not references.
 */
import type { Locator } from './locate.js';
import type { DocObject, DocPath, Finding, ReferenceCheck, ReferenceContext } from './model.js';
import { closest, quote } from './suggest.js';

function isObj(v: unknown): v is DocObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function entries(v: unknown): [string, DocObject][] {
  return isObj(v) ? Object.entries(v).filter((e): e is [string, DocObject] => isObj(e[1])) : [];
}
function items(v: unknown): [number, DocObject][] {
  return Array.isArray(v) ? v.map((x, i) => [i, x] as [number, unknown]).filter((e): e is [number, DocObject] => isObj(e[1])) : [];
}

/** Runs the given checks (every kind's: src/kinds/language.ts `languageReferences`) over a possibly invalid plain document. */
export function checkReferences(doc: unknown, locate: Locator, checks: readonly ReferenceCheck[] = []): Finding[] {
  if (!isObj(doc)) return [];
  const findings: Finding[] = [];
  const report = (id: string, message: string, path: DocPath, hint?: string, target: 'key' | 'value' = 'value'): void => {
    findings.push({ id, severity: 'error', message, location: locate(path, target), path, ...(hint === undefined ? {} : { hint }) });
  };
  const accounts = entries(doc['accounts']).map(([k]) => k);
  const instances = new Map(entries(doc['instances']));
  const instanceAliases = [...instances.keys()];
  const ctx: ReferenceContext = {
    doc,
    accounts,
    instances,
    report,
    needAccount(value, path, what) {
      const a = str(value);
      if (a === undefined || accounts.includes(a)) return;
      const s = closest(a, accounts);
      report('ref/unknown-account', `${what} refers to unknown account ${quote(a)}${s ? `; did you mean ${quote(String(s))}?` : ''}`, path,
        s ? undefined : accounts.length ? `declared accounts: ${accounts.join(', ')}` : 'declare it under accounts');
    },
    needInstance(value, path, what) {
      const a = str(value);
      if (a === undefined) return undefined;
      if (instances.has(a)) return a;
      const s = closest(a, instanceAliases);
      report('ref/unknown-instance', `${what} refers to unknown instance ${quote(a)}${s ? `; did you mean ${quote(String(s))}?` : ''}`, path,
        s ? undefined : instanceAliases.length ? `declared instances: ${instanceAliases.join(', ')}` : 'declare it under instances');
      return undefined;
    },
    needNamespace(alias, value, path, what) {
      const ns = str(value);
      if (ns === undefined) return;
      const declared = entries(instances.get(alias)?.['namespaces']).map(([k]) => k);
      if (declared.includes(ns)) return;
      const s = closest(ns, declared);
      report('ref/unknown-namespace', `${what} refers to namespace ${quote(ns)}, which is not declared in instance ${quote(String(alias))}${s ? `; did you mean ${quote(String(s))}?` : ''}`, path,
        s ? undefined : `declare it under instances.${alias}.namespaces`);
    },
    entries,
    items,
    str,
    quote,
  };
  for (const check of checks) check(ctx);
  return findings;
}

/** A path of nodes from `start` to `goal` (excluding `start`), or undefined. Breadth-first. */
export function findPath(adjacency: ReadonlyMap<string, readonly string[]>, start: string, goal: string): string[] | undefined {
  const parent = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    if (node === goal) {
      const out: string[] = [];
      for (let n: string | null | undefined = node; n !== null && n !== undefined; n = parent.get(n)) out.unshift(n);
      return out;
    }
    for (const next of adjacency.get(node) ?? []) {
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}
