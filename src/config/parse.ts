/**
 * YAML text to a plain value, keeping positions.
 *
 * Contract: pure. Parses with YAML 1.2 core schema (so `no` stays a string), unique keys, one document.
 * The plain value is built here, not by `yaml`'s toJS, so that hostile input is bounded:
 *  - aliases: at most {@link ParseLimits.maxAliases} alias nodes and {@link ParseLimits.maxAliasNodes}
 *    nodes copied through them (defeats "billion laughs");
 *  - nesting deeper than {@link ParseLimits.maxDepth} is cut off with an error;
 *  - keys `__proto__`, `constructor` and `prototype` are reported and never assigned (no prototype
 *    pollution); complex keys (maps or lists as keys) are reported.
 * Every problem is a Finding with a position; syntax errors stop before the value is built.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import type { SourceLocation } from '../errors.js';
import { keyString } from './locate.js';
import type { Finding } from './model.js';
import { quote } from './suggest.js';

export interface ParseLimits {
  readonly maxAliases: number;
  readonly maxAliasNodes: number;
  readonly maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxAliases: 100, maxAliasNodes: 10_000, maxDepth: 64 };

export interface Parsed {
  readonly doc: Document | undefined;
  readonly lineCounter: LineCounter;
  /** The plain value; `undefined` when syntax errors prevented building it. */
  readonly value: unknown;
  readonly findings: Finding[];
}

/** Keys that would reach an object's prototype machinery when assigned. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses YAML text into a plain value and findings. */
export function parseYaml(text: string, file: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Parsed {
  const lineCounter = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  let doc: Document;
  try {
    doc = parseDocument(text, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
      version: '1.2',
      schema: 'core',
      merge: false,
    });
  } catch (err) {
    // The parser itself gave up (for example on nesting deep enough to exhaust the stack).
    const reason = err instanceof RangeError ? 'the document is nested too deeply to parse' : 'the YAML parser failed';
    return {
      doc: undefined,
      lineCounter,
      value: undefined,
      findings: [{ id: 'yaml/syntax', severity: 'error', message: reason, location: { file, line: 1, column: 1 }, path: [] }],
    };
  }

  const findings: Finding[] = [];
  for (const e of doc.errors) findings.push(yamlFinding(e, 'error', at, text));
  for (const w of doc.warnings) {
    findings.push(yamlFinding(w, w.code === 'TAG_RESOLVE_FAILED' ? 'error' : 'warning', at, text));
  }
  if (findings.some((f) => f.severity === 'error')) return { doc, lineCounter, value: undefined, findings };

  if (doc.contents === null) {
    findings.push({
      id: 'config/empty',
      severity: 'error',
      message: 'the file is empty: a registry.yaml needs at least `version: 1` and `accounts`',
      location: { file, line: 1, column: 1 },
      path: [],
      hint: 'start from examples/quickstart/registry.yaml',
    });
    return { doc, lineCounter, value: undefined, findings };
  }

  const budget = { aliases: 0, aliasNodes: 0, aliasReported: false };
  const here = (node: unknown): SourceLocation => {
    const range = node && typeof node === 'object' && 'range' in node ? (node as { range?: number[] | null }).range : undefined;
    return at(range?.[0] ?? 0);
  };

  const convert = (node: unknown, path: (string | number)[], depth: number, viaAlias: boolean): unknown => {
    if (depth > limits.maxDepth) {
      findings.push({
        id: 'config/too-deep',
        severity: 'error',
        message: `nesting deeper than ${limits.maxDepth} levels; no registry.yaml needs that`,
        location: here(node),
        path: [...path],
      });
      throw new StopConversion();
    }
    if (viaAlias) {
      budget.aliasNodes++;
      if (budget.aliasNodes > limits.maxAliasNodes) {
        aliasLimit(node, path, `aliases expand to more than ${limits.maxAliasNodes} nodes`);
        throw new StopConversion();
      }
    }
    if (isAlias(node)) {
      budget.aliases++;
      if (budget.aliases > limits.maxAliases) {
        aliasLimit(node, path, `more than ${limits.maxAliases} aliases`);
        throw new StopConversion();
      }
      const target = node.resolve(doc);
      if (target === undefined) {
        findings.push({
          id: 'yaml/unknown-anchor',
          severity: 'error',
          message: `alias *${node.source} refers to an anchor that is not defined before it`,
          location: here(node),
          path: [...path],
        });
        return null;
      }
      return convert(target, path, depth + 1, true);
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = keyString(pair.key);
        if (key === undefined || isAlias(pair.key)) {
          findings.push({
            id: 'yaml/complex-key',
            severity: 'error',
            message: 'keys must be plain strings, not lists, maps or aliases',
            location: here(pair.key),
            path: [...path],
          });
          continue;
        }
        if (UNSAFE_KEYS.has(key)) {
          findings.push({
            id: 'config/unsafe-key',
            severity: 'error',
            message: `key ${JSON.stringify(key)} is not allowed`,
            location: here(pair.key),
            path: [...path, key],
            hint: `"${key}" is reserved by JavaScript object machinery and is never a registry.yaml key; remove it`,
          });
          continue;
        }
        const value = convert(pair.value, [...path, key], depth + 1, viaAlias);
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => convert(item, [...path, i], depth + 1, viaAlias));
    }
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      findings.push({
        id: 'yaml/unsupported-value',
        severity: 'error',
        message: 'unsupported YAML value (only strings, numbers, booleans and null are used)',
        location: here(node),
        path: [...path],
      });
      return null;
    }
    if (node === null || node === undefined) return null;
    return null;
  };

  const aliasLimit = (node: unknown, path: (string | number)[], what: string): void => {
    if (budget.aliasReported) return;
    budget.aliasReported = true;
    findings.push({
      id: 'yaml/alias-limit',
      severity: 'error',
      message: `${what}: refusing to expand (this is how "billion laughs" attacks work)`,
      location: here(node),
      path: [...path],
      hint: 'write the repeated parts out, or use fewer anchors and aliases',
    });
  };

  let value: unknown;
  try {
    value = convert(doc.contents, [], 0, false);
  } catch (err) {
    if (!(err instanceof StopConversion)) throw err;
    return { doc, lineCounter, value: undefined, findings };
  }
  return { doc, lineCounter, value, findings };
}

class StopConversion extends Error {}

const YAML_IDS: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'yaml/duplicate-key',
  TAB_AS_INDENT: 'yaml/tab-indent',
  MULTIPLE_DOCS: 'yaml/multiple-documents',
  TAG_RESOLVE_FAILED: 'yaml/unknown-tag',
};

const YAML_HINTS: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'each key may appear once per mapping; merge the two entries',
  TAB_AS_INDENT: 'YAML indentation must use spaces, not tabs',
  MULTIPLE_DOCS: 'a registry.yaml holds one document; remove the extra `---` separator',
  TAG_RESOLVE_FAILED: 'acrctl understands plain YAML only; for environment values write ${env:NAME}',
};

function yamlFinding(e: YAMLError, severity: 'error' | 'warning', at: (offset: number) => SourceLocation, text: string): Finding {
  if (/call stack/i.test(e.message)) {
    return {
      id: 'config/too-deep',
      severity: 'error',
      message: 'the document is nested too deeply to parse; no registry.yaml needs that',
      location: at(e.pos[0]),
      path: [],
    };
  }
  // Only the first line: later lines of a pretty error quote the source, which may hold anything.
  const first = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '');
  const hint = YAML_HINTS[e.code];
  let message = lowerFirst(first);
  if (e.code === 'DUPLICATE_KEY') {
    const rest = text.slice(e.pos[0], e.pos[0] + 200);
    const key = (/^(.*?)\s*:(?:\s|$)/.exec(rest)?.[1] ?? '').replace(/^(["'])(.*)\1$/, '$2');
    message = key ? `duplicate key ${quote(key)}` : 'duplicate key';
  } else if (e.code === 'MULTIPLE_DOCS') {
    message = 'the file holds more than one YAML document';
  }
  return {
    id: YAML_IDS[e.code] ?? 'yaml/syntax',
    severity,
    message,
    location: at(e.pos[0]),
    path: [],
    ...(hint === undefined ? {} : { hint }),
  };
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
