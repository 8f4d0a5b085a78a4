/**
 * The hostile-input corpus: every file under test/fixtures/bad/ must be rejected with exit code 1, a
 * file:line:column location, a clear message and no stack trace, quickly (vitest timeouts, no timed
 * assertions). All cases run in-process; a representative subset also runs the real CLI
 * (bin/acrctl.js, built by `npm test`) in a child process. A 20 MB file is generated at test time.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLints } from '../../src/config/lint-runner.js';
import { loadConfig, validateSource } from '../../src/config/load.js';
import { formatText } from '../../src/render/findings.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';

/** Every kind's reference checks, as the CLI runs them. */
const REFS = languageReferences(allKinds);

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const badDir = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));
const generatedDir = fileURLToPath(new URL('../fixtures/generated/', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/acrctl.js', import.meta.url));

interface Case {
  readonly file: string;
  /** Finding id that must be reported. */
  readonly id: string;
  /** Exact position of that finding, when the case is about position. */
  readonly at: { line: number; column: number } | undefined;
  /** Substring of its message. */
  readonly text: string;
  readonly reason: string;
}

const CASES: readonly Case[] = [
  { file: "accounts-as-list.yaml", id: "schema/type", at: { line: 3, column: 3 }, text: "must be a mapping", reason: "accounts written as a list instead of a map keyed by alias" },
  { file: "accounts-empty.yaml", id: "schema/range", at: { line: 2, column: 11 }, text: "at least 1 entry", reason: "an estate needs at least one account" },
  { file: "accounts-missing.yaml", id: "schema/required", at: { line: 1, column: 1 }, text: "\"accounts\"", reason: "accounts is required" },
  { file: "address-not-ipv4.yaml", id: "schema/format", at: { line: 15, column: 24 }, text: "IPv4 address", reason: "service address override must be IPv4" },
  { file: "alias-as-key.yaml", id: "yaml/complex-key", at: { line: 4, column: 3 }, text: "plain strings", reason: "an alias used as a key is refused" },
  { file: "alias-count.yaml", id: "yaml/alias-limit", at: { line: 104, column: 5 }, text: "more than 100 aliases", reason: "alias count budget" },
  { file: "bad-edition.yaml", id: "schema/enum", at: { line: 8, column: 14 }, text: "\"Premium\" is not a valid edition", reason: "edition enum lists the allowed values" },
  { file: "bad-region.yaml", id: "schema/enum", at: { line: 7, column: 13 }, text: "did you mean \"cn-hangzhou\"", reason: "region typo gets a suggestion" },
  { file: "bare-number.yaml", id: "schema/type", at: { line: 1, column: 1 }, text: "found a number", reason: "a bare scalar is not a document" },
  { file: "bare-scalar.yaml", id: "schema/type", at: { line: 1, column: 1 }, text: "found a string", reason: "a bare scalar is not a document" },
  { file: "billion-laughs.yaml", id: "yaml/alias-limit", at: undefined, text: "billion laughs", reason: "exponential alias expansion is refused" },
  { file: "binary-tag.yaml", id: "yaml/unsupported-value", at: { line: 3, column: 25 }, text: "unsupported YAML value", reason: "!!binary has no meaning here" },
  { file: "bool-as-quoted-string.yaml", id: "schema/type", at: { line: 11, column: 33 }, text: "true or false", reason: "a quoted boolean is a string" },
  { file: "broken-indent.yaml", id: "yaml/syntax", at: { line: 5, column: 1 }, text: "same column", reason: "misaligned mapping" },
  { file: "cidr-not-an-address.yaml", id: "schema/pattern", at: { line: 12, column: 19 }, text: "IPv4 CIDR", reason: "ACL entry must be a CIDR" },
  { file: "cidr-prefix-too-large.yaml", id: "schema/pattern", at: { line: 13, column: 19 }, text: "10.0.0.0/33", reason: "prefix over 32" },
  { file: "complex-key.yaml", id: "yaml/complex-key", at: { line: 3, column: 5 }, text: "plain strings", reason: "a list used as a key" },
  { file: "constructor-key.yaml", id: "config/unsafe-key", at: { line: 3, column: 3 }, text: "\"constructor\"", reason: "constructor key refused" },
  { file: "credentials-session-without-role.yaml", id: "schema/required", at: { line: 5, column: 35 }, text: "needs \"ramRoleArn\"", reason: "sessionName only with a role" },
  { file: "credentials-two-sources.yaml", id: "schema/invalid", at: { line: 5, column: 18 }, text: "exactly one of profile", reason: "two credential sources" },
  { file: "crlf-tab-indent.yaml", id: "yaml/tab-indent", at: { line: 4, column: 1 }, text: "tabs", reason: "tab indentation in a CRLF file" },
  { file: "crlf-unknown-key.yaml", id: "schema/unknown-key", at: { line: 10, column: 5 }, text: "did you mean \"region\"", reason: "CRLF line endings keep exact positions" },
  { file: "deep-nesting-block.yaml", id: "config/too-deep", at: undefined, text: "64 levels", reason: "deep block nesting is cut off" },
  { file: "deep-nesting-flow.yaml", id: "config/too-deep", at: undefined, text: "nested too deeply", reason: "deep flow nesting stops the parser cleanly" },
  { file: "duplicate-instance-alias.yaml", id: "yaml/duplicate-key", at: { line: 10, column: 3 }, text: "duplicate key \"hz\"", reason: "two instances with one alias" },
  { file: "duplicate-key-namespace.yaml", id: "yaml/duplicate-key", at: { line: 12, column: 7 }, text: "duplicate key \"team-a\"", reason: "duplicate namespace" },
  { file: "duplicate-key-top.yaml", id: "yaml/duplicate-key", at: { line: 10, column: 1 }, text: "duplicate key \"accounts\"", reason: "duplicate top-level key" },
  { file: "empty.yaml", id: "config/empty", at: { line: 1, column: 1 }, text: "empty", reason: "empty file" },
  { file: "env-bad-reference.yaml", id: "env/bad-reference", at: { line: 3, column: 16 }, text: "${env:NAME}", reason: "a ${NAME} reference is not interpolated" },
  { file: "env-missing-variable.yaml", id: "env/missing-variable", at: { line: 3, column: 16 }, text: "ACRCTL_TEST_NOT_SET_UID is not set", reason: "missing variable is named" },
  { file: "import-oss-without-bucket.yaml", id: "schema/required", at: { line: 12, column: 9 }, text: "\"bucket\"", reason: "OSS import needs a bucket" },
  { file: "import-personal-with-bucket.yaml", id: "schema/invalid", at: { line: 12, column: 46 }, text: "only used with from: oss", reason: "bucket is for OSS imports" },
  { file: "import-unknown-source.yaml", id: "schema/enum", at: { line: 12, column: 17 }, text: "\"dockerhub\"", reason: "import source kind" },
  { file: "instance-name-too-long.yaml", id: "schema/pattern", at: { line: 9, column: 11 }, text: "3-30", reason: "instance name length" },
  { file: "instance-name-trailing-hyphen.yaml", id: "schema/pattern", at: { line: 9, column: 11 }, text: "hyphen", reason: "instance name ends with a hyphen" },
  { file: "instance-name-uppercase.yaml", id: "schema/pattern", at: { line: 9, column: 11 }, text: "lowercase", reason: "instance name case" },
  { file: "instance-null.yaml", id: "schema/type", at: { line: 5, column: 6 }, text: "found nothing (null)", reason: "an instance with no body" },
  { file: "latest-fraction.yaml", id: "schema/type", at: { line: 12, column: 54 }, text: "whole number", reason: "latest must be an integer" },
  { file: "latest-negative.yaml", id: "schema/range", at: { line: 12, column: 54 }, text: "at least 0", reason: "latest below 0" },
  { file: "latest-too-large.yaml", id: "schema/range", at: { line: 13, column: 54 }, text: "at most 1000", reason: "latest above 1000" },
  { file: "lint-two-pe-domains-one-region.yaml", id: "pe-domain-one-per-region", at: { line: 16, column: 5 }, text: "personalEditionDomain", reason: "product lints run and fail validation" },
  { file: "many-errors-sorted.yaml", id: "schema/const", at: { line: 1, column: 10 }, text: "version must be 1", reason: "first of many findings, sorted by position" },
  { file: "merge-key.yaml", id: "schema/unknown-key", at: undefined, text: "\"<<\"", reason: "YAML merge keys are not part of the language" },
  { file: "multiple-documents.yaml", id: "yaml/multiple-documents", at: { line: 10, column: 1 }, text: "more than one YAML document", reason: "two documents in one file" },
  { file: "namespace-name-invalid.yaml", id: "schema/pattern", at: { line: 11, column: 7 }, text: "namespace name \"Team_A\"", reason: "namespace naming rule" },
  { file: "namespaces-as-list.yaml", id: "schema/type", at: { line: 11, column: 7 }, text: "must be a mapping", reason: "namespaces are keyed by name" },
  { file: "non-utf8-latin1.yaml", id: "file/encoding", at: { line: 5, column: 21 }, text: "0xe9", reason: "Latin-1 byte" },
  { file: "non-utf8-overlong.yaml", id: "file/encoding", at: { line: 3, column: 50 }, text: "0xc0", reason: "overlong UTF-8 encoding" },
  { file: "non-utf8-truncated.yaml", id: "file/encoding", at: { line: 4, column: 3 }, text: "0xe6", reason: "truncated multi-byte sequence at end of file" },
  { file: "nul-byte.yaml", id: "file/control-character", at: { line: 3, column: 25 }, text: "U+0000", reason: "NUL byte" },
  { file: "only-comments.yaml", id: "config/empty", at: { line: 1, column: 1 }, text: "empty", reason: "comments only" },
  { file: "proto-key-flow.yaml", id: "config/unsafe-key", at: { line: 2, column: 13 }, text: "\"__proto__\"", reason: "quoted __proto__ in a flow map" },
  { file: "proto-key-nested.yaml", id: "config/unsafe-key", at: { line: 11, column: 7 }, text: "\"__proto__\"", reason: "__proto__ as a namespace name" },
  { file: "proto-key-top.yaml", id: "config/unsafe-key", at: { line: 10, column: 1 }, text: "\"__proto__\"", reason: "__proto__ at the top level" },
  { file: "prototype-key.yaml", id: "config/unsafe-key", at: { line: 10, column: 5 }, text: "\"prototype\"", reason: "prototype key" },
  { file: "quotas-not-multiple.yaml", id: "schema/range", at: { line: 10, column: 27 }, text: "multiple of 5", reason: "namespace quota granularity" },
  { file: "ref-cross-region-unknown-instance.yaml", id: "ref/unknown-instance", at: { line: 13, column: 9 }, text: "\"hz-main\"", reason: "cross-region access to an unknown instance" },
  { file: "ref-duplicate-instance-name.yaml", id: "ref/duplicate-instance", at: { line: 10, column: 68 }, text: "\"acme-hz\"", reason: "two aliases, one cloud instance name" },
  { file: "ref-duplicate-rule-name.yaml", id: "ref/duplicate-key", at: { line: 13, column: 17 }, text: "\"r1\" is used twice", reason: "rule names are natural keys" },
  { file: "ref-replication-cycle.yaml", id: "ref/replication-cycle", at: { line: 20, column: 27 }, text: "bj/team-a → hz/team-a → bj/team-a", reason: "replication loop" },
  { file: "ref-replication-to-self.yaml", id: "ref/replication-to-self", at: { line: 12, column: 25 }, text: "to itself", reason: "replication to the same instance" },
  { file: "ref-role-unknown-account.yaml", id: "ref/unknown-account", at: { line: 11, column: 3 }, text: "\"partner\"", reason: "role for an undeclared account" },
  { file: "ref-unknown-account.yaml", id: "ref/unknown-account", at: { line: 6, column: 14 }, text: "did you mean \"prod\"", reason: "account alias typo" },
  { file: "ref-unknown-instance.yaml", id: "ref/unknown-instance", at: { line: 12, column: 25 }, text: "\"bj-main\"", reason: "replication to an undeclared instance" },
  { file: "ref-unknown-namespace.yaml", id: "ref/unknown-namespace", at: { line: 13, column: 38 }, text: "did you mean \"team-a\"", reason: "import into an undeclared namespace" },
  { file: "replication-repository-level-without-repository.yaml", id: "schema/required", at: { line: 12, column: 9 }, text: "\"repository\"", reason: "repository-level rule names its repository" },
  { file: "repo-missing-summary.yaml", id: "schema/required", at: { line: 13, column: 11 }, text: "\"summary\"", reason: "summary is required by the API" },
  { file: "repo-summary-too-long.yaml", id: "schema/range", at: { line: 13, column: 27 }, text: "at most 100", reason: "summary length" },
  { file: "repo-type-lowercase.yaml", id: "schema/enum", at: { line: 13, column: 24 }, text: "did you mean \"PRIVATE\"", reason: "enum case typo" },
  { file: "secret-access-key-secret.yaml", id: "secret/in-config", at: { line: 5, column: 5 }, text: "\"accessKeyId\" is a secret", reason: "access keys in the file" },
  { file: "secret-access-key-value.yaml", id: "secret/in-config", at: { line: 5, column: 18 }, text: "looks like an AccessKey ID", reason: "an AccessKey ID pasted as a value" },
  { file: "secret-password-nested.yaml", id: "secret/in-config", at: { line: 10, column: 5 }, text: "\"password\" is a secret", reason: "password under an instance" },
  { file: "secret-security-token.yaml", id: "secret/in-config", at: { line: 6, column: 7 }, text: "\"security_token\" is a secret", reason: "snake_case token key" },
  { file: "tab-indent.yaml", id: "yaml/tab-indent", at: { line: 3, column: 1 }, text: "tabs", reason: "tab indentation" },
  { file: "terminal-escape.yaml", id: "file/control-character", at: { line: 3, column: 50 }, text: "U+001B", reason: "ANSI escape injection" },
  { file: "top-level-list.yaml", id: "schema/type", at: { line: 1, column: 1 }, text: "found a list", reason: "a list is not a document" },
  { file: "uid-too-short.yaml", id: "schema/pattern", at: { line: 3, column: 16 }, text: "exactly 16 digits", reason: "short UID" },
  { file: "uid-unsafe-number.yaml", id: "schema/type", at: { line: 3, column: 16 }, text: "must be a string", reason: "unquoted UID beyond 2^53" },
  { file: "unclosed-flow-map.yaml", id: "yaml/syntax", at: undefined, text: "}", reason: "unterminated flow mapping" },
  { file: "unclosed-quote.yaml", id: "yaml/syntax", at: undefined, text: "quote", reason: "unterminated string" },
  { file: "unknown-anchor.yaml", id: "yaml/unknown-anchor", at: { line: 2, column: 11 }, text: "*nowhere", reason: "alias without anchor" },
  { file: "unknown-instance-key.yaml", id: "schema/unknown-key", at: { line: 10, column: 5 }, text: "did you mean \"region\"", reason: "unknown key with suggestion" },
  { file: "unknown-tag.yaml", id: "yaml/unknown-tag", at: { line: 3, column: 16 }, text: "!env", reason: "custom YAML tag" },
  { file: "unknown-top-key.yaml", id: "schema/unknown-key", at: { line: 4, column: 1 }, text: "did you mean \"instances\"", reason: "top-level typo" },
  { file: "utf16-bom.yaml", id: "file/encoding", at: { line: 1, column: 1 }, text: "UTF-16", reason: "UTF-16 file" },
  { file: "version-2.yaml", id: "schema/const", at: { line: 1, column: 10 }, text: "must be 1", reason: "unknown language version" },
  { file: "version-missing.yaml", id: "schema/required", at: { line: 1, column: 1 }, text: "\"version\"", reason: "version is required" },
  { file: "version-string.yaml", id: "schema/const", at: { line: 1, column: 10 }, text: "found \"1\"", reason: "version must be the number 1" },
  { file: "very-long-key.yaml", id: "yaml/syntax", at: { line: 11, column: 7 }, text: "1024", reason: "a 20000-character key" },
  { file: "very-long-value.yaml", id: "schema/range", at: { line: 5, column: 18 }, text: "at most 1024", reason: "a 500 kB value" },
  { file: "yaml11-yes-is-not-bool.yaml", id: "schema/type", at: { line: 11, column: 33 }, text: "true or false", reason: "YAML 1.2: yes is a string, not a boolean" },
];

/** Secret values planted in the corpus: they must never appear in any output. */
const PLANTED_SECRETS = ['SuperSecretValue0123456789abcd', 'Hunter2Hunter2!', 'CAIS-SecretTokenValue-987654', 'LTAI5tExampleKeyId0001', 'LTAI5tExampleKeyId0002'];

const STACK_FRAME = /^\s+at .+(\(|:\d+)/m;

function validateFile(file: string) {
  return validateSource(readFileSync(`${badDir}${file}`), file, { env: {}, lint: defaultLints, references: REFS });
}

describe('hostile-input corpus', () => {
  it('has at least 60 cases and a table row for every file (and a file for every row)', () => {
    const files = readdirSync(badDir).filter((f) => !f.startsWith('.')).sort();
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect(CASES.map((c) => c.file).sort()).toEqual(files);
  });

  for (const c of CASES) {
    it(`${c.file}: ${c.reason}`, { timeout: 5_000 }, () => {
      const result = validateFile(c.file);
      expect(result.document).toBeUndefined();
      const errors = result.findings.filter((f) => f.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      const hit = result.findings.find((f) => f.id === c.id && f.message.includes(c.text));
      expect(hit, `no ${c.id} finding containing ${JSON.stringify(c.text)}; got ${JSON.stringify(result.findings.map((f) => `${f.id}: ${f.message}`))}`).toBeDefined();
      if (c.at) expect({ line: hit?.location.line, column: hit?.location.column }).toEqual(c.at);
      for (const f of result.findings) {
        expect(f.location.file).toBe(c.file);
        expect(f.location.line).toBeGreaterThanOrEqual(1);
        expect(f.location.column).toBeGreaterThanOrEqual(1);
        expect(f.message.length).toBeGreaterThan(10);
        expect(f.message.length).toBeLessThan(400);
      }
      const text = formatText({ file: result.file, findings: result.findings, text: result.text }, { color: false });
      expect(text).toMatch(new RegExp(`^${c.file.replace(/[.]/g, '\\.')}:\\d+:\\d+: error\\[`, 'm'));
      expect(text).not.toMatch(STACK_FRAME);
      for (const secret of PLANTED_SECRETS) expect(text).not.toContain(secret);
      expect(text).not.toContain('\u001b');
    });
  }

  it('reports findings sorted by position', () => {
    const result = validateFile('many-errors-sorted.yaml');
    expect(result.findings.length).toBeGreaterThanOrEqual(5);
    const positions = result.findings.map((f) => f.location.line * 10_000 + f.location.column);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('does not pollute Object.prototype with __proto__ / constructor keys', () => {
    for (const file of ['proto-key-top.yaml', 'proto-key-nested.yaml', 'proto-key-flow.yaml', 'constructor-key.yaml', 'prototype-key.yaml']) validateFile(file);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });
});

describe('a 20 MB file', () => {
  const big = `${generatedDir}huge-20mb.yaml`;
  beforeAll(() => {
    mkdirSync(generatedDir, { recursive: true });
    const head = 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\ninstances:\n  hz:\n    account: prod\n    region: cn-hangzhou\n    edition: Advanced\n    name: acme-hz\n    namespaces:\n      team-a:\n        repositories:\n';
    const repo = (i: number): string => `          repo-${i}: { type: PRIVATE, summary: "repository number ${i} of a very large generated estate" }\n`;
    const parts = [head];
    let size = head.length;
    for (let i = 0; size < 20 * 1024 * 1024; i++) {
      const line = repo(i);
      parts.push(line);
      size += line.length;
    }
    writeFileSync(big, parts.join(''));
  });

  it('fails fast with a size error from stat, before reading', { timeout: 5_000 }, async () => {
    let read = false;
    const result = await loadConfig(big, {
      fs: {
        stat: async () => ({ size: 20 * 1024 * 1024 + 1, isFile: () => true }),
        readFile: async () => {
          read = true;
          return new Uint8Array();
        },
      },
    });
    expect(read).toBe(false);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ id: 'file/too-large', location: { line: 1, column: 1 } });
  });

  it('is rejected by the real loader and by bytes already in memory', { timeout: 10_000 }, async () => {
    const viaFs = await loadConfig(big, { references: REFS });
    expect(viaFs.findings.map((f) => f.id)).toEqual(['file/too-large']);
    expect(viaFs.findings[0]?.message).toMatch(/20(\.\d)? MiB, over the 4 MiB limit/);
    const inMemory = validateSource(readFileSync(big), 'huge.yaml', { references: REFS });
    expect(inMemory.findings.map((f) => f.id)).toEqual(['file/too-large']);
  });
});

/** Representative subset run through the real CLI. */
const CLI_CASES = [
  'empty.yaml', 'bare-scalar.yaml', 'broken-indent.yaml', 'tab-indent.yaml', 'crlf-unknown-key.yaml',
  'duplicate-key-top.yaml', 'billion-laughs.yaml', 'proto-key-top.yaml', 'non-utf8-latin1.yaml',
  'utf16-bom.yaml', 'secret-access-key-secret.yaml', 'env-missing-variable.yaml', 'ref-replication-cycle.yaml',
  'deep-nesting-flow.yaml', 'unknown-top-key.yaml', 'lint-two-pe-domains-one-region.yaml', 'terminal-escape.yaml',
];

describe('hostile inputs through bin/acrctl.js', () => {
  for (const file of CLI_CASES) {
    it(`${file}: exit 1, located message, no stack`, { timeout: 10_000 }, async () => {
      const c = CASES.find((x) => x.file === file) as Case;
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
      delete env['ACRCTL_TEST_NOT_SET_UID'];
      const outcome = await run(process.execPath, [bin, 'validate', '-f', `test/fixtures/bad/${file}`], { cwd: root, env }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
      expect(outcome.code).toBe(1);
      const all = outcome.stdout + outcome.stderr;
      expect(all).toMatch(new RegExp(`test/fixtures/bad/${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: error\\[${c.id.replace('/', '\\/')}\\]`));
      expect(all).toContain(c.text);
      expect(all).not.toMatch(STACK_FRAME);
      for (const secret of PLANTED_SECRETS) expect(all).not.toContain(secret);
    });
  }

  it('the 20 MB file: exit 1 with the size error', { timeout: 10_000 }, async () => {
    const outcome = await run(process.execPath, [bin, 'validate', '-f', 'test/fixtures/generated/huge-20mb.yaml', '--format', 'json'], { cwd: root }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect((outcome as { code?: number }).code).toBe(1);
    const report = JSON.parse((outcome as { stdout: string }).stdout) as { findings: { id: string; line: number; column: number }[] };
    expect(report.findings).toEqual([expect.objectContaining({ id: 'file/too-large', line: 1, column: 1 })]);
  });
});
