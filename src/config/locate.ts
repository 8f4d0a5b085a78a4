/**
 * Positions of document nodes: from a JSON path (keys and array indexes) to `file:line:column`.
 *
 * Contract: pure (reads the parsed `yaml` Document, never mutates it); never throws for a path that
 * does not exist, it answers the position of the deepest existing ancestor instead (so a finding about
 * a missing key points at the object that lacks it). Aliases are followed. Lines and columns are
 * 1-based; columns count UTF-16 code units, as SARIF's default `columnKind` does.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { SourceLocation } from '../errors.js';

/** Which end of a map member to point at: its key (where it is named) or its value. */
export type LocateTarget = 'key' | 'value';

export interface Locator {
  /** Position of the node at `path`; for map members, of the key (default) or the value. */
  (path: readonly (string | number)[], target?: LocateTarget): SourceLocation;
}

/** The string a map key stands for: plain scalars keep their source text (`010` stays `010`). */
export function keyString(key: unknown): string | undefined {
  if (isScalar(key)) {
    const v = key.value;
    if (typeof v === 'string') return v;
    if (typeof key.source === 'string' && key.type === 'PLAIN') return key.source;
    if (v === null) return typeof key.source === 'string' ? key.source : '';
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    return undefined;
  }
  return undefined;
}

/** Builds a locator over one parsed document. */
export function createLocator(doc: Document, lineCounter: LineCounter, file: string): Locator {
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const start: SourceLocation = { file, line: 1, column: 1 };
  const nodeStart = (node: unknown): SourceLocation | undefined => {
    if (node && typeof node === 'object' && 'range' in node) {
      const range = (node as { range?: readonly number[] | null }).range;
      const offset = range?.[0];
      if (typeof offset === 'number') return at(offset);
    }
    return undefined;
  };

  return (path, target = 'key') => {
    let node: unknown = doc.contents;
    let best: SourceLocation = nodeStart(node) ?? start;
    for (let i = 0; i < path.length; i++) {
      node = deref(doc, node);
      const step = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = findPair(node.items, String(step));
        if (!pair) return best;
        const keyLoc = nodeStart(pair.key);
        const valueLoc = nodeStart(deref(doc, pair.value)) ?? nodeStart(pair.value);
        if (last) return (target === 'key' ? keyLoc ?? valueLoc : valueLoc ?? keyLoc) ?? best;
        best = keyLoc ?? best;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        const item: unknown = node.items[step];
        if (item === undefined) return best;
        const loc = nodeStart(item);
        if (last) return loc ?? best;
        best = loc ?? best;
        node = item;
      } else {
        return best;
      }
    }
    return nodeStart(deref(doc, node)) ?? best;
  };
}

function deref(doc: Document, node: unknown): unknown {
  let current = node;
  for (let hops = 0; hops < 32 && isAlias(current); hops++) {
    current = current.resolve(doc);
  }
  return current;
}

function findPair(items: readonly Pair<unknown, unknown>[], key: string): Pair<unknown, unknown> | undefined {
  for (const item of items) {
    if (isPair(item) && keyString(item.key) === key) return item;
  }
  return undefined;
}

/** Start offset of a node, if it has a range. */
export function nodeOffset(node: Node | null | undefined): number | undefined {
  return node?.range?.[0];
}
