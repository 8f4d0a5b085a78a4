/** The loader: positions, one-pass reporting, env interpolation, secrets, and what `document` holds. */
import { describe, expect, it } from 'vitest';
import { parseDocument, LineCounter } from 'yaml';
import { AcrctlError } from '../../src/errors.js';
import { createLocator } from '../../src/config/locate.js';
import { loadConfig, validateSource } from '../../src/config/load.js';
import { closest, levenshtein } from '../../src/config/suggest.js';
import { decodeSource, firstInvalidUtf8 } from '../../src/config/source.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';

/** Every kind's reference checks, as the CLI runs them. */
const REFS = languageReferences(allKinds);

const VALID = `version: 1
accounts:
  prod: { uid: "1234567890123456", credentials: { profile: prod } }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    namespaces:
      team-a:
        repositories:
          api: { summary: API server }
`;

describe('createLocator', () => {
  const text = 'a:\n  b:\n    - x\n    - { c: 1, d: [2, 3] }\n  e: &anchor\n    f: 4\n  g: *anchor\n';
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const locate = createLocator(doc, lc, 'f.yaml');
  it.each([
    { reason: 'map key', path: ['a', 'b'], target: 'key' as const, at: [2, 3] },
    { reason: 'map value', path: ['a', 'b'], target: 'value' as const, at: [3, 5] },
    { reason: 'sequence item', path: ['a', 'b', 1], target: 'key' as const, at: [4, 7] },
    { reason: 'key inside a flow map in a sequence', path: ['a', 'b', 1, 'd'], target: 'key' as const, at: [4, 15] },
    { reason: 'flow sequence item', path: ['a', 'b', 1, 'd', 1], target: 'value' as const, at: [4, 22] },
    { reason: 'through an alias, the anchored node', path: ['a', 'g', 'f'], target: 'key' as const, at: [6, 5] },
    { reason: 'missing key: deepest existing ancestor', path: ['a', 'e', 'nope', 'deeper'], target: 'key' as const, at: [5, 3] },
    { reason: 'root', path: [], target: 'key' as const, at: [1, 1] },
  ])('$reason', ({ path, target, at }) => {
    const loc = locate(path, target);
    expect([loc.line, loc.column]).toEqual(at);
    expect(loc.file).toBe('f.yaml');
  });
});

describe('validateSource', () => {
  it('accepts a valid document and returns it unchanged (no defaults filled in)', () => {
    const r = validateSource(VALID, 'registry.yaml', { references: REFS });
    expect(r.findings).toEqual([]);
    expect(r.document?.instances?.['hz']?.namespaces?.['team-a']?.repositories?.['api']).toEqual({ summary: 'API server' });
    expect(r.document?.instances?.['hz']?.prune).toBeUndefined();
  });

  it('reports every problem of a file in one pass, sorted by position', () => {
    const text = VALID.replace('region: cn-hangzhou', 'regoin: cn-hangzhou').replace('edition: Advanced', 'edition: Advance').replace('account: prod', 'account: prd');
    const r = validateSource(text, 'r.yaml', { references: REFS });
    expect(r.document).toBeUndefined();
    expect(r.findings.map((f) => `${f.location.line}:${f.location.column} ${f.id}`)).toEqual([
      '5:3 schema/required',
      '6:14 ref/unknown-account',
      '7:5 schema/unknown-key',
      '8:14 schema/enum',
    ]);
    expect(r.findings[3]?.message).toContain('did you mean "Advanced"');
  });

  it('keeps columns exact on CRLF files and after a UTF-8 BOM', () => {
    const crlf = VALID.replace('edition: Advanced', 'edition: Premium').replace(/\n/g, '\r\n');
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(crlf)]);
    const r = validateSource(withBom, 'crlf.yaml', { references: REFS });
    expect(r.findings.map((f) => [f.id, f.location.line, f.location.column])).toEqual([['schema/enum', 8, 14]]);
  });

  it('counts columns in UTF-16 code units after non-ASCII text', () => {
    const text = 'version: 1\naccounts:\n  prod: { description: "ünïcödé 日本", uid: "1" }\n';
    const r = validateSource(text, 'u.yaml', { references: REFS });
    const f = r.findings.find((x) => x.id === 'schema/pattern');
    expect(f?.location).toEqual({ file: 'u.yaml', line: 3, column: text.split('\n')[2]!.indexOf('"1"') + 1 });
  });

  it('interpolates ${env:NAME} before validation, and $${...} stays literal', () => {
    const text = VALID.replace('"1234567890123456"', '"${env:PROD_UID}"').replace('summary: API server', () => 'summary: "cost $${env:NOT_A_REF}"');
    const r = validateSource(text, 'r.yaml', { env: { PROD_UID: '6543210987654321' }, references: REFS });
    expect(r.findings).toEqual([]);
    expect(r.document?.accounts['prod']?.uid).toBe('6543210987654321');
    expect(r.document?.instances?.['hz']?.namespaces?.['team-a']?.repositories?.['api']?.summary).toBe('cost ${env:NOT_A_REF}');
  });

  it('names a missing variable once, without a second complaint about the literal', () => {
    const r = validateSource(VALID.replace('"1234567890123456"', '"${env:PROD_UID}"'), 'r.yaml', { env: {}, references: REFS });
    expect(r.findings.map((f) => [f.id, f.message])).toEqual([['env/missing-variable', 'environment variable PROD_UID is not set']]);
  });

  it('never echoes a value taken from a secret-looking variable', () => {
    const r = validateSource(VALID.replace('"1234567890123456"', '"${env:MY_SECRET_TOKEN}"'), 'r.yaml', { env: { MY_SECRET_TOKEN: 'very-private-value' }, references: REFS });
    expect(r.findings.map((f) => f.id)).toEqual(['schema/pattern']);
    expect(JSON.stringify(r.findings)).not.toContain('very-private-value');
    expect(r.findings[0]?.message).toContain('(value not shown)');
  });

  it('rejects secrets anywhere without showing them, pointing to profiles and env', () => {
    const text = VALID.replace('credentials: { profile: prod }', 'credentials: { profile: prod }, AccessKeySecret: s3cr3t-v4lue');
    const r = validateSource(text, 'r.yaml', { references: REFS });
    expect(r.findings.map((f) => f.id)).toEqual(['secret/in-config']);
    expect(r.findings[0]?.hint).toMatch(/profile.*env/);
    expect(JSON.stringify(r.findings)).not.toContain('s3cr3t');
  });

  it('echoes long values shortened', () => {
    const r = validateSource(VALID.replace('name: acme-hz', `name: ${'x'.repeat(500)}`), 'r.yaml');
    expect(r.findings[0]?.message.length).toBeLessThan(250);
  });

  it('runs lints on a document without errors and on the rest of one with errors, and passes them a working locator', () => {
    const seen: string[] = [];
    const lint = (_doc: unknown, locate: (p: readonly (string | number)[]) => { line: number; column: number }) => {
      const at = locate(['instances', 'hz', 'name']);
      seen.push(`${at.line}:${at.column}`);
      return [{ id: 'demo-lint', severity: 'warning' as const, message: 'a demo warning from a lint', location: { file: 'r.yaml', ...at }, path: ['instances', 'hz', 'name'] }];
    };
    const ok = validateSource(VALID, 'r.yaml', { lint, references: REFS });
    expect(seen).toEqual(['9:5']);
    expect(ok.findings.map((f) => f.id)).toEqual(['demo-lint']);
    expect(ok.document).toBeDefined();
    const bad = validateSource(VALID.replace('edition: Advanced', 'edition: X'), 'r.yaml', { lint, references: REFS });
    // The lints ran once more, on the document with the broken instance set aside.
    expect(seen).toHaveLength(2);
    expect(bad.document).toBeUndefined();
  });
});

describe('loadConfig', () => {
  it('turns an unreadable file into an AcrctlError with a hint, not a finding', async () => {
    await expect(loadConfig('/nonexistent/dir/registry.yaml', { references: REFS })).rejects.toThrow(AcrctlError);
    await expect(loadConfig('/nonexistent/dir/registry.yaml', { references: REFS })).rejects.toMatchObject({ code: 'config.unreadable', hint: expect.stringContaining('-f') });
  });
  it('refuses a directory', async () => {
    await expect(loadConfig('test', { references: REFS })).rejects.toMatchObject({ code: 'config.not-a-file' });
  });
  it('runs the product lints by default (the planner relies on it); lint: false turns them off', async () => {
    const file = 'test/fixtures/bad/lint-two-pe-domains-one-region.yaml';
    const linted = await loadConfig(file, { references: REFS });
    expect(linted.findings.map((f) => f.id)).toContain('pe-domain-one-per-region');
    expect(linted.document).toBeUndefined();
    const unlinted = await loadConfig(file, { lint: false, references: REFS });
    expect(unlinted.findings).toEqual([]);
    expect(unlinted.document?.instances?.['hz2']?.personalEditionDomain).toBe(true);
  });
  it('validates what the injected file system returns', async () => {
    const r = await loadConfig('virtual.yaml', {
      fs: { stat: async () => ({ size: VALID.length, isFile: () => true }), readFile: async () => new TextEncoder().encode(VALID) },
    });
    expect(r.findings).toEqual([]);
    expect(r.file).toBe('virtual.yaml');
  });
});

describe('source decoding', () => {
  it('finds the first invalid UTF-8 byte', () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('plain ascii and 日本語 and 🚀'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // UTF-16 surrogate encoded in UTF-8
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xf5, 0x80, 0x80, 0x80]))).toBe(2); // above U+10FFFF
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0x80]))).toBe(0); // overlong
  });
  it('honours the size limit given', () => {
    const r = decodeSource(new Uint8Array(11), 'x.yaml', 10);
    expect(r.ok).toBe(false);
  });
});

describe('suggestions', () => {
  it.each([
    { input: 'regoin', candidates: ['region', 'name'], expected: 'region', reason: 'transposition' },
    { input: 'Region', candidates: ['region'], expected: 'region', reason: 'case' },
    { input: 'vpcEndpoint', candidates: ['vpcEndpoints', 'internetEndpoint'], expected: 'vpcEndpoints', reason: 'plural' },
    { input: 'zzzzzz', candidates: ['region', 'name'], expected: undefined, reason: 'nothing close' },
    { input: 'ab', candidates: ['xy'], expected: undefined, reason: 'short words need a close match' },
  ])('$reason', ({ input, candidates, expected }) => {
    expect(closest(input, candidates)).toBe(expected);
  });
  it('edit distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('prdo', 'prod')).toBe(1);
    expect(levenshtein('', 'abc')).toBe(3);
  });
});

describe('validate reports everything in one pass (issue 11)', () => {
  const REFS = languageReferences(allKinds);
  const text = `version: 1
accounts:
  prod: { uid: "1234567890123456" }
instances:
  broken:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: Not_A_Valid_Name
  fine:
    account: prod
    region: cn-shanghai
    edition: Advanced
    name: acme-sh
    personalEditionDomain: true
    namespaces:
      acs: {}
  orphan:
    account: nobody
    region: cn-beijing
    edition: Advanced
    name: acme-bj
`;
  it('a schema error in one instance and a reference error in another do not hide the product lints of the third', () => {
    const r = validateSource(text, 'registry.yaml', { references: REFS });
    const found = r.findings.map((f) => `${f.location.line} ${f.severity} ${f.id}`);
    expect(r.document).toBeUndefined();
    expect(found.some((f) => f.startsWith('9 error'))).toBe(true); // the schema error, at the bad name
    expect(found).toContain('19 error ref/unknown-account'); // the unknown account
    expect(found).toContain('17 error pe-domain-reserved-namespace'); // the lint of the clean instance
  });

  it('an error at the top of the document (no part to set aside) still reports the schema error alone', () => {
    const r = validateSource(text.replace('version: 1', 'version: 7'), 'registry.yaml', { references: REFS });
    expect(r.findings.map((f) => f.id)).not.toContain('pe-domain-reserved-namespace');
    expect(r.findings.some((f) => f.severity === 'error' && f.location.line === 1)).toBe(true);
  });
});
