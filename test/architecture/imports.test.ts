/**
 * The import structure of src/, read from the TypeScript program itself (the compiler's parser, no
 * extra tool): no import circle anywhere, and no arrow from a lower layer to a higher one
 * (docs/architecture.md describes the layers). Type-only imports count: a type is a dependency too.
 *
 * Layers, bottom up; a file may import its own group and any lower layer, nothing else:
 *   base      src/errors.ts, src/version.ts, and vendor knowledge that is pure data (the RAM
 *             authorisation table, src/cloud/ram-actions.ts, which the emulator enforces too)
 *   cloud     src/cloud/**            (vendor clients)
 *   registry  src/registry/**         (registry protocol client and copier)
 *   contract  the plan model, the kind contract, addresses, canonical JSON, units, terminal colour,
 *             decoders, field comparison, the config model
 *   pure      src/config/** | src/graph/**
 *   engine    src/plan/planner.ts, src/apply/**  |  kinds  src/kinds/**   (neither imports the other)
 *   features  src/adopt/** | src/drift/**
 *   views     src/render/**            (every pure view: plans, drift reports, findings, the import report)
 *   emulator  src/emulator/**         (a product of its own: imports nothing outside itself but base)
 *   cli       src/cli/**              (the composition root)
 * Besides: the pure core (contract, config model, graph, render) imports no `node:` module, and
 * reaches the cloud and registry layers through types only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const rel = (p: string) => relative(ROOT, p).split('\\').join('/');

/** Every import, `export … from` and dynamic `import()` of one file, with whether it is type-only. */
function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly || (named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const files = sourceFiles(SRC).map(rel).sort();
const edges: Edge[] = [];
const nodeImports: { from: string; module: string }[] = [];
for (const f of files) {
  for (const i of importsOf(join(ROOT, f))) {
    if (i.specifier.startsWith('node:')) nodeImports.push({ from: f, module: i.specifier });
    if (!i.specifier.startsWith('.')) continue;
    const target = rel(resolve(dirname(join(ROOT, f)), i.specifier.replace(/\.js$/, '.ts')));
    if (!target.startsWith('src/') || !target.endsWith('.ts')) continue; // JSON schemas and the like
    edges.push({ from: f, to: target, typeOnly: i.typeOnly });
  }
}

/** The contract: the ground floor every layer above shares. */
const CONTRACT = new Set([
  'src/plan/model.ts',
  'src/plan/kind.ts',
  'src/plan/address.ts',
  'src/plan/canonical.ts',
  'src/plan/units.ts',
  'src/render/colour.ts',
  'src/plan/decode.ts',
  'src/plan/compare.ts',
  'src/config/model.ts',
  'src/config/model.generated.ts',
]);

/** The ground under everything: imports nothing but itself. */
const BASE = new Set(['src/errors.ts', 'src/version.ts', 'src/cloud/ram-actions.ts']);

/** [layer rank, group] of a file. */
function placeOf(f: string): [number, string] {
  if (BASE.has(f)) return [0, 'base'];
  if (f.startsWith('src/cloud/')) return [1, 'cloud'];
  if (f.startsWith('src/registry/')) return [2, 'registry'];
  if (CONTRACT.has(f)) return [3, 'contract'];
  if (f.startsWith('src/config/')) return [4, 'config'];
  if (f.startsWith('src/graph/')) return [4, 'graph'];
  if (f.startsWith('src/kinds/')) return [5, 'kinds'];
  if (f.startsWith('src/plan/') || f.startsWith('src/apply/')) return [5, 'engine'];
  if (f.startsWith('src/adopt/')) return [6, 'adopt'];
  if (f.startsWith('src/drift/')) return [6, 'drift'];
  if (f.startsWith('src/render/')) return [7, 'views'];
  if (f.startsWith('src/emulator/')) return [8, 'emulator'];
  if (f.startsWith('src/cli/')) return [9, 'cli'];
  throw new Error(`${f} is in no layer: add it to test/architecture/imports.test.ts and docs/architecture.md`);
}

const PURE = (f: string) => CONTRACT.has(f) || f.startsWith('src/graph/') || f.startsWith('src/render/') || f === 'src/plan/planner.ts';

/** Strongly connected components with more than one file (Tarjan). */
function circles(): string[][] {
  const adj = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) adj.get(e.from)?.push(e.to);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (adj.get(v) ?? []).includes(v)) out.push(c.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) strong(f);
  return out;
}

describe('the import graph of src/', () => {
  it('is read from every source file (the parser finds the imports)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === 'src/cli/main.ts' && e.to === 'src/cli/commands.ts')).toBe(true);
    expect(edges.some((e) => e.from === 'src/plan/planner.ts' && e.to === 'src/plan/kind.ts' && e.typeOnly)).toBe(true);
  });

  it('has no import circle', () => {
    expect(circles()).toEqual([]);
  });

  it('has no arrow from a lower layer to a higher one, and none between sibling groups', () => {
    const wrong = edges
      .filter((e) => {
        const [fromRank, fromGroup] = placeOf(e.from);
        const [toRank, toGroup] = placeOf(e.to);
        if (fromGroup === 'emulator') return toGroup !== 'emulator' && toGroup !== 'base';
        return toRank > fromRank || (toRank === fromRank && toGroup !== fromGroup);
      })
      .map((e) => `${e.from} -> ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it('lets only the CLI import the emulator', () => {
    expect(edges.filter((e) => e.to.startsWith('src/emulator/') && !e.from.startsWith('src/emulator/') && !e.from.startsWith('src/cli/')).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('keeps the pure core free of node: modules, reaching the cloud and the registry through types only', () => {
    expect(nodeImports.filter((i) => PURE(i.from)).map((i) => `${i.from} -> ${i.module}`)).toEqual([]);
    expect(edges.filter((e) => PURE(e.from) && !e.typeOnly && (e.to.startsWith('src/cloud/') || e.to.startsWith('src/registry/'))).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });
});
