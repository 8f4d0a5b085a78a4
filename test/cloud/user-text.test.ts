/**
 * What acrctl tells its users speaks of the product, not of the documents we built it from
 * (issue 15 item 3: a hint said "seed 002 step 1"). Every string and template literal in src/ is
 * checked, found in the TypeScript syntax tree so that comments, which may cite them, are not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
/** Our internal sources: the vendor pages we were given (seeds), and the team's notes. */
const INTERNAL = /\bseeds? ?0\d\d\b|\bseeds\/|DOMAIN\.md|cr-api-notes|PROTOCOL\.md|REGISTRY\.md|DESIGN\.md|STYLE\.md|shared\/api/;

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

/** String and template literal texts of a TypeScript file (from its syntax tree), with their line. */
function literals(text: string): { line: number; value: string }[] {
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false);
  const out: { line: number; value: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      out.push({ line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, value: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('user-facing text in src/', () => {
  it('never cites our internal documents (seeds, DOMAIN.md, API notes)', () => {
    const hits: string[] = [];
    for (const f of files(SRC)) {
      const text = readFileSync(f, 'utf8');
      // Parse only files that mention one at all (most do in comments only, or not at all).
      if (!INTERNAL.test(text)) continue;
      for (const l of literals(text)) {
        if (INTERNAL.test(l.value)) hits.push(`${relative(SRC, f)}:${l.line}: ${l.value.slice(0, 100)}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('the check sees strings and templates but not comments', () => {
    const found = literals("// seed 002 in a comment\nconst a = 'seed 002 step 1';\nconst r = /'[}]/;\nconst b = `x ${a} seed 003 ${`in ${'DOMAIN.md'}`}`;\n/* DOMAIN.md */").map((l) => l.value);
    expect(found).toEqual(['seed 002 step 1', 'x ', ' seed 003 ', 'in ', 'DOMAIN.md', '', '']);
  });
});
