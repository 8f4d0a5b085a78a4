/**
 * The RE2 checker behind the `tag-filter-not-re2` lint. Every expectation below was produced by Go
 * 1.19's regexp package (`regexp.Compile`, then `MatchString` on SUBJECTS), so these tables pin the
 * checker to the service's dialect: the verdict, Go's own error text, and which subjects match.
 * `scripts/re2-crosscheck/` re-derives them (and checks fuzzed patterns) against the Go at hand.
 */
import { describe, expect, it } from 'vitest';
import { checkRe2 } from '../../src/config/lints/re2.js';

const SUBJECTS = ['', 'a', 'A', 'ab', 'a.b', 'release-v1.2', 'v1.2.3-rc1', 'é', '\n', 'a\nb', '\r', '\u000b', '🙂', 'α'];

type Expected = { readonly error: string } | { readonly matches: readonly string[] };

const GROUPS: readonly { readonly reason: string; readonly cases: readonly (readonly [string, Expected])[] }[] = [
  {
    reason: "constructs of JavaScript or PCRE that RE2 rejects (lookaround, backreferences, atomic groups, possessive quantifiers, \\Z, \\c, \\u, (?<name>…) before Go 1.22)",
    cases: [
      ["(?!x)", { error: "invalid or unsupported Perl syntax: `(?!`" }],
      ["(?=x)", { error: "invalid or unsupported Perl syntax: `(?=`" }],
      ["(?<=x)", { error: "invalid or unsupported Perl syntax: `(?<`" }],
      ["(?<!x)", { error: "invalid or unsupported Perl syntax: `(?<`" }],
      ["(a)\\1", { error: "invalid escape sequence: `\\1`" }],
      ["\\1", { error: "invalid escape sequence: `\\1`" }],
      ["\\8", { error: "invalid escape sequence: `\\8`" }],
      ["\\C", { error: "invalid escape sequence: `\\C`" }],
      ["\\Z", { error: "invalid escape sequence: `\\Z`" }],
      ["\\u0041", { error: "invalid escape sequence: `\\u`" }],
      ["\\cA", { error: "invalid escape sequence: `\\c`" }],
      ["\\k<a>", { error: "invalid escape sequence: `\\k`" }],
      ["(?P=n)", { error: "invalid or unsupported Perl syntax: `(?P`" }],
      ["(?<n>a)", { error: "invalid or unsupported Perl syntax: `(?<`" }],
      ["(?x)a", { error: "invalid or unsupported Perl syntax: `(?x`" }],
      ["(?#c)", { error: "invalid or unsupported Perl syntax: `(?#`" }],
      ["(?>a)", { error: "invalid or unsupported Perl syntax: `(?>`" }],
      ["a*+", { error: "invalid nested repetition operator: `*+`" }],
      ["a++", { error: "invalid nested repetition operator: `++`" }],
      ["a?+", { error: "invalid nested repetition operator: `?+`" }],
      ["a{2}+", { error: "invalid nested repetition operator: `{2}+`" }],
    ],
  },
  {
    reason: "unbalanced groups and classes, trailing backslash, missing repetition argument",
    cases: [
      ["(abc", { error: "missing closing ): `(abc`" }],
      ["abc)", { error: "unexpected ): `abc)`" }],
      ["*a", { error: "missing argument to repetition operator: `*`" }],
      ["(*)", { error: "missing argument to repetition operator: `*`" }],
      ["a|*", { error: "missing argument to repetition operator: `*`" }],
      ["[]", { error: "missing closing ]: `[]`" }],
      ["[a", { error: "missing closing ]: `[a`" }],
      ["[[:alpha:]", { error: "missing closing ]: `[[:alpha:]`" }],
      ["\\Q\\E*", { error: "missing argument to repetition operator: `*`" }],
      ["\\", { error: "trailing backslash at end of expression: ``" }],
      ["a\\", { error: "trailing backslash at end of expression: ``" }],
      ["[\\", { error: "trailing backslash at end of expression: ``" }],
    ],
  },
  {
    reason: "Go's repetition rules: no stacked operators, counts up to 1000 (also when nested), `{` that is not a count is a literal",
    cases: [
      ["a**", { error: "invalid nested repetition operator: `**`" }],
      ["a*?", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["a*??", { error: "invalid nested repetition operator: `*??`" }],
      ["a+*", { error: "invalid nested repetition operator: `+*`" }],
      ["^*", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["$+", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["a{2}{3}", { error: "invalid nested repetition operator: `{2}{3}`" }],
      ["a{2}*", { error: "invalid nested repetition operator: `{2}*`" }],
      ["a{1001}", { error: "invalid repeat count: `{1001}`" }],
      ["a{1000}", { matches: [] }],
      ["a{2,1}", { error: "invalid repeat count: `{2,1}`" }],
      ["a{,5}", { matches: [] }],
      ["a{", { matches: [] }],
      ["a{1", { matches: [] }],
      ["a{1,", { matches: [] }],
      ["a{01}", { matches: [] }],
      ["a{1,2}?", { matches: ["a", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["(a{500}){3}", { error: "invalid repeat count: `{3}`" }],
      ["(a{10}){100}", { matches: [] }],
      ["(a{10}){101}", { error: "invalid repeat count: `{101}`" }],
      ["((a{10}){10}){10}", { matches: [] }],
      ["((a{10}){10}){11}", { error: "invalid repeat count: `{11}`" }],
      ["x{2,}", { matches: [] }],
      ["x{1000,}", { matches: [] }],
      ["x{1001,}", { error: "invalid repeat count: `{1001,}`" }],
      ["a(?i)*", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["a*(?i)*", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["a{100000000}", { error: "invalid repeat count: `{100000000}`" }],
      ["a{99999999}", { error: "invalid repeat count: `{99999999}`" }],
      ["a{1,100000000}", { error: "invalid repeat count: `{1,100000000}`" }],
      ["a{1}{2}", { error: "invalid nested repetition operator: `{1}{2}`" }],
      ["^*a", { matches: ["a", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["\\b+a", { matches: ["a", "ab", "a.b", "a\nb"] }],
    ],
  },
  {
    reason: "escapes: octal, hex, \\Q…\\E literals, escaped punctuation only",
    cases: [
      ["\\12", { matches: ["\n", "a\nb"] }],
      ["\\0", { matches: [] }],
      ["\\x41", { matches: ["A"] }],
      ["\\x{41}", { matches: ["A"] }],
      ["\\x{}", { error: "invalid escape sequence: `\\x{}`" }],
      ["\\x{110000}", { error: "invalid escape sequence: `\\x{110000`" }],
      ["\\x4", { error: "invalid escape sequence: `\\x4`" }],
      ["\\xZZ", { error: "invalid escape sequence: `\\xZZ`" }],
      ["\\Q.*\\E", { matches: [] }],
      ["\\Qabc", { matches: [] }],
      ["\\Qab\\E*", { matches: ["a", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["[\\b]", { error: "invalid escape sequence: `\\b`" }],
      ["\\_", { matches: [] }],
      ["\\-", { matches: ["release-v1.2", "v1.2.3-rc1"] }],
      ["\\.", { matches: ["a.b", "release-v1.2", "v1.2.3-rc1"] }],
      ["\\é", { error: "invalid escape sequence: `\\é`" }],
      ["\\n\\t\\r\\f\\v\\a", { matches: [] }],
    ],
  },
  {
    reason: "character classes: ] first is literal, ranges in order, POSIX classes, Perl classes inside",
    cases: [
      ["[a-z]", { matches: ["a", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "a\nb"] }],
      ["[z-a]", { error: "invalid character class range: `z-a`" }],
      ["[]a]", { matches: ["a", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["[^]a]", { matches: ["A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["[\\d-z]", { matches: ["release-v1.2", "v1.2.3-rc1"] }],
      ["[a-\\d]", { error: "invalid escape sequence: `\\d`" }],
      ["[[:alpha:]]", { matches: ["a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "a\nb"] }],
      ["[[:foo:]]", { error: "invalid character class range: `[:foo:]`" }],
      ["[[:^alpha:]x]", { matches: ["a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["[[]", { matches: [] }],
      ["[^\\x00-\\x{10FFFF}]", { matches: [] }],
      ["[\\x{10FFFF}-\\x00]", { error: "invalid character class range: `\\x{10FFFF}-\\x00`" }],
      ["[a-z0-9._-]+", { matches: ["a", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "a\nb"] }],
      ["[🙂-🙃]", { matches: ["🙂"] }],
    ],
  },
  {
    reason: "Unicode classes: Go categories and scripts only (no Cn/LC, no ISO aliases such as Grek)",
    cases: [
      ["\\pL", { matches: ["a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "a\nb", "α"] }],
      ["\\p{Greek}", { matches: ["α"] }],
      ["\\p{^Greek}", { matches: ["a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂"] }],
      ["\\P{L}", { matches: ["a.b", "release-v1.2", "v1.2.3-rc1", "\n", "a\nb", "\r", "\u000b", "🙂"] }],
      ["\\p{Foo}", { error: "invalid character class range: `\\p{Foo}`" }],
      ["\\p{L", { error: "invalid character class range: `\\p{L`" }],
      ["\\p", { error: "invalid character class range: `\\p`" }],
      ["\\pZ", { matches: [] }],
      ["\\p{Any}", { matches: ["a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["[\\p{Han}a-z]", { matches: ["a", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "a\nb"] }],
      ["\\p{Cn}", { error: "invalid character class range: `\\p{Cn}`" }],
      ["\\p{LC}", { error: "invalid character class range: `\\p{LC}`" }],
      ["\\p{Grek}", { error: "invalid character class range: `\\p{Grek}`" }],
      ["\\p{Latin}", { matches: ["a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "a\nb"] }],
    ],
  },
  {
    reason: "groups and flags: (?P<name>), duplicate names allowed, flag syntax, empty alternatives",
    cases: [
      ["(?P<n>a)", { matches: ["a", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["(?P<n>a)(?P<n>b)", { matches: ["ab"] }],
      ["(?P<>a)", { error: "invalid named capture: `(?P<>`" }],
      ["(?P<n", { error: "invalid named capture: `(?P<n`" }],
      ["(?i)abc", { matches: [] }],
      ["(?i:abc)", { matches: [] }],
      ["(?-i)a", { matches: ["a", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["(?i-s:a)", { matches: ["a", "A", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["(?-)", { error: "invalid or unsupported Perl syntax: `(?-)`" }],
      ["(?i-)", { error: "invalid or unsupported Perl syntax: `(?i-)`" }],
      ["(?)", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["(?:a)", { matches: ["a", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["(?U)a*", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["((((a))))", { matches: ["a", "ab", "a.b", "release-v1.2", "a\nb"] }],
      ["a|b|", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["|", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["()", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["(|)", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["(?i)é", { matches: ["é"] }],
      ["(?s).", { matches: ["a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["(?m)^b$", { matches: ["a\nb"] }],
    ],
  },
  {
    reason: "ordinary tag filters and anchors match exactly as in Go",
    cases: [
      ["", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["abc", { matches: [] }],
      ["release-v.*", { matches: ["release-v1.2"] }],
      ["\\z", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["\\A", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["\\b", { matches: ["a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "a\nb"] }],
      ["\\d+\\.\\d+", { matches: ["release-v1.2", "v1.2.3-rc1"] }],
      ["\\s\\S\\w\\W\\D", { matches: [] }],
      [".*", { matches: ["", "a", "A", "ab", "a.b", "release-v1.2", "v1.2.3-rc1", "é", "\n", "a\nb", "\r", "\u000b", "🙂", "α"] }],
      ["v[0-9]+\\.[0-9]+\\.[0-9]+(-rc[0-9]+)?", { matches: ["v1.2.3-rc1"] }],
      ["^(?:release|hotfix)-v\\d+$", { matches: [] }],
      ["🙂+", { matches: ["🙂"] }],
      ["\\Aa\\z", { matches: ["a"] }],
    ],
  },
];

describe('checkRe2 agrees with Go regexp', () => {
  for (const group of GROUPS) {
    describe(group.reason, () => {
      for (const [pattern, expected] of group.cases) {
        it(JSON.stringify(pattern), () => {
          const result = checkRe2(pattern);
          if ('error' in expected) {
            expect(result.ok).toBe(false);
            if (!result.ok) expect(result.message).toBe(expected.error);
            return;
          }
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(SUBJECTS.filter((s) => result.regexp.test(s))).toEqual(expected.matches);
        });
      }
    });
  }
});

describe('checkRe2 details', () => {
  // Go 1.19.8's MatchString on MORE; these are the cases a JavaScript translation could not express
  // (inline flags after the start, scoped flags, ungreedy), so re2js's own matching must get them right.
  const MORE = [...SUBJECTS, 'aB', 'AB', 'Ab', 'V\n', 'v\n', 'aab'];
  const cases: readonly { reason: string; pattern: string; matches: readonly string[] }[] = [
    { reason: 'a plain tag filter', pattern: 'release-v.*', matches: ['release-v1.2'] },
    { reason: 'a leading flag group applies to the whole expression', pattern: '(?is)^v.', matches: ['v1.2.3-rc1', 'V\n', 'v\n'] },
    { reason: 'a flag group later in the pattern applies from there on', pattern: 'a(?i)b', matches: ['ab', 'aB', 'aab'] },
    { reason: 'a scoped flag group applies inside the group only', pattern: '(?i:a)b', matches: ['ab', 'Ab', 'aab'] },
    { reason: 'the ungreedy flag changes no verdict of MatchString', pattern: '(?U)a+', matches: ['a', 'ab', 'a.b', 'release-v1.2', 'a\nb', 'aB', 'aab'] },
  ];
  for (const c of cases) {
    it(`matches as Go does: ${c.reason}`, () => {
      const result = checkRe2(c.pattern);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(MORE.filter((s) => result.regexp.test(s))).toEqual(c.matches);
    });
  }

  it('whole matches the entire string only, as `^(?:filter)$` does', () => {
    const result = checkRe2('a|ab');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(['a', 'ab', 'abc', 'xa'].filter((s) => result.whole.test(s))).toEqual(['a', 'ab']);
    expect(['a', 'ab', 'abc', 'xa'].filter((s) => result.regexp.test(s))).toEqual(['a', 'ab', 'abc', 'xa']);
  });

  it('matches in linear time: a filter that makes a backtracking engine take 2^n steps answers at once', () => {
    const result = checkRe2('(a|a)*c');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.whole.test('a'.repeat(128))).toBe(false); // a tag is at most 128 characters
    expect(result.regexp.test(`${'a'.repeat(128)}c`)).toBe(true);
  });

  const hints: readonly { reason: string; pattern: string; hint: RegExp }[] = [
    { reason: 'negative lookahead, the usual way to exclude rc tags in JavaScript', pattern: '^v.*(?<!-rc)$', hint: /no lookahead or lookbehind/ },
    { reason: 'backreference', pattern: '(a)\\1', hint: /no backreferences/ },
    { reason: 'possessive quantifier', pattern: 'a++', hint: /no possessive quantifiers/ },
    { reason: 'atomic group', pattern: '(?>a)', hint: /no atomic groups/ },
    { reason: 'named group in the Go 1.22+ spelling', pattern: '(?<major>[0-9]+)', hint: /\(\?P<name>/ },
  ];
  for (const c of hints) {
    it(`hints at the RE2 way: ${c.reason}`, () => {
      const result = checkRe2(c.pattern);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.hint).toMatch(c.hint);
    });
  }

  it('an ordinary error carries no hint', () => {
    const result = checkRe2('(abc');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.hint).toBeUndefined();
  });

  it('never throws, and every accepted pattern yields working matchers, for 5000 random patterns', () => {
    const alphabet = Array.from('ab.*+?()|[]^$-{},0129\\dpPQExzAL:<>=!iUs \n🙂é');
    let seed = 0x9e3779b9;
    const rnd = (n: number): number => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed % n;
    };
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      let pattern = '';
      const length = 1 + rnd(12);
      for (let j = 0; j < length; j++) pattern += alphabet[rnd(alphabet.length)] ?? '';
      const result = checkRe2(pattern);
      if (result.ok) {
        accepted++;
        expect(typeof result.regexp.test(pattern)).toBe('boolean');
        expect(typeof result.whole.test(pattern)).toBe('boolean');
      } else {
        // re2js answered every pattern with a Go verdict, never with an internal failure.
        expect(result.code, pattern).not.toBe('internal');
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  const nesting: readonly { reason: string; pattern: string; ok: boolean }[] = [
    { reason: '999 nested capture groups pass in Go', pattern: '('.repeat(999) + ')'.repeat(999), ok: true },
    { reason: '1000 nested capture groups are too deep in Go', pattern: '('.repeat(1000) + ')'.repeat(1000), ok: false },
    { reason: '1000 nested non-capturing groups pass in Go', pattern: '(?:'.repeat(1000) + ')'.repeat(1000), ok: true },
    // Measured with Go 1.19.8 (and the parser of today's Go): a non-capturing group leaves no node in
    // the tree, so no depth of them is too deep. (This case used to expect an error; Go says otherwise.)
    { reason: '1001 nested non-capturing groups pass in Go too', pattern: '(?:'.repeat(1001) + ')'.repeat(1001), ok: true },
    { reason: '1500 nested non-capturing groups around a literal pass in Go', pattern: '(?:'.repeat(1500) + 'a' + ')'.repeat(1500), ok: true },
    { reason: '1500 nested capture groups are too deep in Go', pattern: '('.repeat(1500) + ')'.repeat(1500), ok: false },
  ];
  for (const c of nesting) {
    it(`nesting limit: ${c.reason}`, () => {
      const result = checkRe2(c.pattern);
      expect(result.ok).toBe(c.ok);
      if (!result.ok) expect(result.code).toBe('expression nests too deeply');
    });
  }
});

describe('where re2js alone would not answer as Go 1.19 does', () => {
  // Expectations from Go 1.19.8 (regexp.Compile, MatchString on the subjects given).
  const cases: readonly { reason: string; pattern: string; expected: Expected; subjects?: readonly string[] }[] = [
    { reason: 'duplicate group names are accepted (re2js would reject them)', pattern: '(?P<n>a)(?P<n>b)(?P<n_2>c)', expected: { matches: ['abc'] }, subjects: ['ab', 'abc', 'c'] },
    { reason: 'an error after a renamed group keeps its own fragment', pattern: '(?P<n>a)(?P<n>b)[', expected: { error: 'missing closing ]: `[`' } },
    { reason: '`[:]` in a class is `[` and `:` when no `:]` follows (re2js reads a class name)', pattern: '[[:]]', expected: { matches: ['[]', ':]', '[:]'] }, subjects: ['[]', ':]', 'a]', '[:]', '-]', 'x'] },
    { reason: '`[:]` then `[` as a range start', pattern: '[a[:]', expected: { matches: ['[]', ':]', 'a]', '[:]'] }, subjects: ['[]', ':]', 'a]', '[:]', '-]', 'x'] },
    { reason: '`[:]…:]` is one (unknown) POSIX class name for Go', pattern: '[[:]a:]]', expected: { error: 'invalid character class range: `[:]a:]`' } },
    { reason: 'binary properties are not Go classes', pattern: '\\p{Emoji}', expected: { error: 'invalid character class range: `\\p{Emoji}`' } },
    { reason: 'the Unknown script is not a Go class', pattern: '\\p{Unknown}', expected: { error: 'invalid character class range: `\\p{Unknown}`' } },
    { reason: 'scripts after Unicode 13 are not in Go 1.19', pattern: '\\p{Toto}', expected: { error: 'invalid character class range: `\\p{Toto}`' } },
    { reason: 'scripts of Unicode 13 are', pattern: '\\p{Yezidi}', expected: { matches: [] } },
    { reason: 'an earlier error wins over (?<', pattern: '[z-a](?<x>a)', expected: { error: 'invalid character class range: `z-a`' } },
    { reason: '(?< wins over a later error', pattern: '(?<x>a)[z-a]', expected: { error: 'invalid or unsupported Perl syntax: `(?<`' } },
    { reason: 'an unexpected ) before (?< names the whole expression', pattern: 'abc)(?<x>', expected: { error: 'unexpected ): `abc)(?<x>`' } },
    { reason: 'inside a class, an unknown class name wins over a later bad range', pattern: '[\\p{Cn}z-a]', expected: { error: 'invalid character class range: `\\p{Cn}`' } },
    { reason: 'inside a class, a bad range wins over a later unknown class name', pattern: '[z-a\\p{Cn}]', expected: { error: 'invalid character class range: `z-a`' } },
    { reason: '(?< after a broken flag group is not reached', pattern: '(?sUm(?<=:', expected: { error: 'invalid or unsupported Perl syntax: `(?sUm(`' } },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const result = checkRe2(c.pattern);
      if ('error' in c.expected) {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.message).toBe(c.expected.error);
        return;
      }
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect((c.subjects ?? SUBJECTS).filter((s) => result.regexp.test(s))).toEqual(c.expected.matches);
    });
  }
});
