/**
 * RE2 syntax check and matching for tag filters.
 *
 * Owns: deciding whether a tag filter is accepted by the service's regex engine, with that engine's
 * error text, and matching tags exactly as it does.
 * Must not import: anything with I/O; this module is pure.
 *
 * Why RE2: Container Registry is written in Go, and Go's `regexp` package implements the RE2 syntax
 * (Perl flags: `regexp.Compile`). JavaScript's RegExp dialect differs both ways: it accepts
 * lookaround and backreferences that RE2 rejects, and RE2 accepts `\Q…\E`, `(?P<name>…)`, `\x{…}`,
 * POSIX classes `[[:alpha:]]`, `\pN`, inline flags anywhere, and literal `{` that JavaScript (with
 * the `u` flag) rejects. Matching differs too (RE2's `.` and `\s`, ungreedy mode, and RE2 never
 * backtracks, where a JavaScript RegExp can take exponential time on a filter RE2 runs in linear time).
 *
 * How: `re2js`, a port of Go's `regexp` (parser, error texts, linear-time matcher), does the work.
 * A small lexer in front of it (`lex`, Go's lexical rules only: escapes, `\Q…\E`, classes, group
 * openings) pins the places where re2js does not answer as the Go release our corpus was
 * verified with (Go 1.19; the service's Go version is not documented, so a filter acrctl accepts
 * must work on older Go as well as newer):
 * - `(?<name>…)` (and `(?<`, `(?<=`, `(?<!`): Go 1.22+ and re2js read a named group; Go 1.19 reports
 *   ``invalid or unsupported Perl syntax: `(?<` ``. Rejected as Go 1.19 does, with a hint. So is a
 *   final `(?P<` (Go 1.19: `(?P`; re2js: an invalid named capture).
 * - Unicode class names: re2js knows `\p{Cn}`, `\p{LC}` and scripts newer than Unicode 13 (as newer
 *   Go does) and binary properties such as `\p{Emoji}` (as no Go does). Only Go 1.19's names pass.
 * - duplicate group names `(?P<n>a)(?P<n>b)`: every Go accepts them; re2js rejects them. The later
 *   ones are renamed before compiling (names do not change what matches).
 * - `[:]` inside a class: Go looks for the closing `:]` of a POSIX class only after `[:`, re2js from
 *   the `[`, so re2js rejects `[[:]]`, which Go reads as the class of `[` and `:`. Rewritten as `\[`
 *   (or reported with Go's fragment when Go reads a longer class name).
 * `scripts/re2-crosscheck/` runs this module and Go's `regexp` side by side on the corpus and on
 * fuzzed patterns (verdict, error text, matches); docs/lints.md has the figures.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { assertNever } from '../../errors.js';

/** Error texts of Go's regexp/syntax package, by the name of their Go constant. */
export const Re2ErrorCode = {
  invalidCharClass: 'invalid character class',
  invalidCharRange: 'invalid character class range',
  invalidEscape: 'invalid escape sequence',
  invalidNamedCapture: 'invalid named capture',
  invalidPerlOp: 'invalid or unsupported Perl syntax',
  invalidRepeatOp: 'invalid nested repetition operator',
  invalidRepeatSize: 'invalid repeat count',
  invalidUtf8: 'invalid UTF-8',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeatArgument: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )',
  nestingDepth: 'expression nests too deeply',
  large: 'expression too large',
} as const;
export type Re2ErrorCode = (typeof Re2ErrorCode)[keyof typeof Re2ErrorCode];

/** Go's limit on counted repetition (`{n,m}` with n or m above it is an error). */
export const RE2_MAX_REPEAT = 1000;

/** A compiled filter. Matching is RE2's (leftmost-first, linear time), never an approximation. */
export interface Re2Matcher {
  /** True when the expression matches somewhere in `s` (Go's `MatchString`). Pure. */
  test(s: string): boolean;
}

export type Re2Result =
  | {
      readonly ok: true;
      /** Matches anywhere in the string, as Go's `MatchString`. */
      readonly regexp: Re2Matcher;
      /** Matches only the whole string (as `^(?:filter)$` would). */
      readonly whole: Re2Matcher;
    }
  | {
      readonly ok: false;
      /** Go's error text, e.g. `missing closing )`; `internal` when re2js itself failed. */
      readonly code: Re2ErrorCode | 'internal';
      /** The offending fragment of the pattern, as Go reports it. */
      readonly fragment: string;
      /** One line, Go style: `missing closing ): \`(abc\``. */
      readonly message: string;
      /** A hint for constructs from other dialects (lookaround, backreferences, possessive, …), if any. */
      readonly hint?: string;
    };

/** Errors whose fragment Go reports as the whole expression. */
const WHOLE_PATTERN_ERRORS: ReadonlySet<string> = new Set([Re2ErrorCode.missingParen, Re2ErrorCode.unexpectedParen, Re2ErrorCode.nestingDepth, Re2ErrorCode.large]);

/**
 * The Unicode class names Go 1.19 accepts in `\p{…}`: its `unicode.Categories` and `unicode.Scripts`
 * (Unicode 13.0), and `Any`. re2js also accepts the categories `Cn` and `LC` and the scripts of later
 * Unicode versions (as newer Go does), and binary properties (`Emoji`, `White_Space`, …) and `Unknown`
 * (as no Go does). Generated from Go 1.19.8 (`for k := range unicode.Scripts`).
 */
const GO_UNICODE_CATEGORIES = [
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd',
  'Nl', 'No', 'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl',
  'Zp', 'Zs',
] as const;

const GO_UNICODE_SCRIPTS = [
  'Adlam', 'Ahom', 'Anatolian_Hieroglyphs', 'Arabic', 'Armenian', 'Avestan', 'Balinese', 'Bamum',
  'Bassa_Vah', 'Batak', 'Bengali', 'Bhaiksuki', 'Bopomofo', 'Brahmi', 'Braille', 'Buginese',
  'Buhid', 'Canadian_Aboriginal', 'Carian', 'Caucasian_Albanian', 'Chakma', 'Cham', 'Cherokee',
  'Chorasmian', 'Common', 'Coptic', 'Cuneiform', 'Cypriot', 'Cyrillic', 'Deseret', 'Devanagari',
  'Dives_Akuru', 'Dogra', 'Duployan', 'Egyptian_Hieroglyphs', 'Elbasan', 'Elymaic', 'Ethiopic',
  'Georgian', 'Glagolitic', 'Gothic', 'Grantha', 'Greek', 'Gujarati', 'Gunjala_Gondi', 'Gurmukhi',
  'Han', 'Hangul', 'Hanifi_Rohingya', 'Hanunoo', 'Hatran', 'Hebrew', 'Hiragana', 'Imperial_Aramaic',
  'Inherited', 'Inscriptional_Pahlavi', 'Inscriptional_Parthian', 'Javanese', 'Kaithi', 'Kannada',
  'Katakana', 'Kayah_Li', 'Kharoshthi', 'Khitan_Small_Script', 'Khmer', 'Khojki', 'Khudawadi',
  'Lao', 'Latin', 'Lepcha', 'Limbu', 'Linear_A', 'Linear_B', 'Lisu', 'Lycian', 'Lydian', 'Mahajani',
  'Makasar', 'Malayalam', 'Mandaic', 'Manichaean', 'Marchen', 'Masaram_Gondi', 'Medefaidrin',
  'Meetei_Mayek', 'Mende_Kikakui', 'Meroitic_Cursive', 'Meroitic_Hieroglyphs', 'Miao', 'Modi',
  'Mongolian', 'Mro', 'Multani', 'Myanmar', 'Nabataean', 'Nandinagari', 'New_Tai_Lue', 'Newa',
  'Nko', 'Nushu', 'Nyiakeng_Puachue_Hmong', 'Ogham', 'Ol_Chiki', 'Old_Hungarian', 'Old_Italic',
  'Old_North_Arabian', 'Old_Permic', 'Old_Persian', 'Old_Sogdian', 'Old_South_Arabian',
  'Old_Turkic', 'Oriya', 'Osage', 'Osmanya', 'Pahawh_Hmong', 'Palmyrene', 'Pau_Cin_Hau', 'Phags_Pa',
  'Phoenician', 'Psalter_Pahlavi', 'Rejang', 'Runic', 'Samaritan', 'Saurashtra', 'Sharada',
  'Shavian', 'Siddham', 'SignWriting', 'Sinhala', 'Sogdian', 'Sora_Sompeng', 'Soyombo', 'Sundanese',
  'Syloti_Nagri', 'Syriac', 'Tagalog', 'Tagbanwa', 'Tai_Le', 'Tai_Tham', 'Tai_Viet', 'Takri',
  'Tamil', 'Tangut', 'Telugu', 'Thaana', 'Thai', 'Tibetan', 'Tifinagh', 'Tirhuta', 'Ugaritic',
  'Vai', 'Wancho', 'Warang_Citi', 'Yezidi', 'Yi', 'Zanabazar_Square',
] as const;

const GO_UNICODE_CLASSES: ReadonlySet<string> = new Set<string>(['Any', ...GO_UNICODE_CATEGORIES, ...GO_UNICODE_SCRIPTS]);

/** What the lexer found that re2js would not answer as Go 1.19 does. */
type Site =
  /** A group opening Go 1.19 rejects as Perl syntax: `(?<…`, or `(?P<` at the very end. */
  | { readonly kind: 'perl'; readonly at: number; readonly fragment: string }
  /** `(?P<name>` with a valid name; `nameAt` is where the name starts. */
  | { readonly kind: 'named'; readonly at: number; readonly nameAt: number; readonly name: string }
  /** `\p{Name}`, `\pN`, `\P…`; `name` without a leading `^`. */
  | { readonly kind: 'unicode'; readonly at: number; readonly end: number; readonly name: string }
  /** `[:]` at the start of a class item; `nameEnd` set when Go reads `[:]…:]` as a class name. */
  | { readonly kind: 'colon'; readonly at: number; readonly nameEnd: number | undefined };

const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isCaptureName = (name: string): boolean => /^[A-Za-z0-9_]+$/.test(name);

/** The sites of a pattern in order; `rejected` is the last one when Go 1.19 rejects it. */
interface Lexed {
  readonly sites: readonly Site[];
  readonly rejected?: Exclude<Site, { kind: 'named' }>;
}

/**
 * Go's lexical structure of an expression, as far as the sites above need it. Stops at anything Go
 * would reject (re2js reports that error) or at the first site Go 1.19 rejects.
 */
function lex(p: string): Lexed {
  const sites: Site[] = [];
  let rejected: Exclude<Site, { kind: 'named' }> | undefined;
  const step = (i: number): number => i + (p.codePointAt(i)! > 0xffff ? 2 : 1);
  /** After an escape outside a Unicode class (`\x{…}`, `\xHH`, octal, one character); -1 when broken. */
  const escapeEnd = (i: number): number => {
    const c = p[i + 1];
    if (c === undefined) return -1;
    if (c === 'x') {
      if (p[i + 2] === '{') {
        const close = p.indexOf('}', i + 3);
        return close < 0 ? -1 : close + 1;
      }
      return Math.min(p.length, i + 4);
    }
    if (isOctal(c)) {
      let j = i + 2;
      while (j < i + 4 && isOctal(p[j])) j++;
      return j;
    }
    return step(i + 1);
  };
  /** At `\p` or `\P`: the Unicode class site and its end, or undefined (not one, or broken). */
  const unicodeAt = (i: number): Extract<Site, { kind: 'unicode' }> | null | undefined => {
    if (p[i] !== '\\' || (p[i + 1] !== 'p' && p[i + 1] !== 'P')) return undefined;
    let name: string;
    let end: number;
    if (p[i + 2] === '{') {
      const close = p.indexOf('}', i + 3);
      if (close < 0) return null;
      name = p.slice(i + 3, close);
      end = close + 1;
    } else {
      if (i + 2 >= p.length) return null;
      end = step(i + 2);
      name = p.slice(i + 2, end);
    }
    return { kind: 'unicode', at: i, end, name: name.startsWith('^') ? name.slice(1) : name };
  };
  /** Records a site; true when Go 1.19 rejects it (lexing stops there). */
  const record = (s: Exclude<Site, { kind: 'named' }>): boolean => {
    sites.push(s);
    if (s.kind === 'perl' || (s.kind === 'unicode' && !GO_UNICODE_CLASSES.has(s.name)) || (s.kind === 'colon' && s.nameEnd !== undefined)) rejected = s;
    return rejected !== undefined;
  };
  const done = (): Lexed => (rejected === undefined ? { sites } : { sites, rejected });

  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '\\') {
      if (p[i + 1] === 'Q') {
        const close = p.indexOf('\\E', i + 2);
        if (close < 0) return done();
        i = close + 2;
        continue;
      }
      const uni = unicodeAt(i);
      if (uni === null) return done();
      if (uni !== undefined) {
        if (record(uni)) return done();
        i = uni.end;
        continue;
      }
      const end = escapeEnd(i);
      if (end < 0) return done();
      i = end;
      continue;
    }
    if (c === '(' && p[i + 1] === '?') {
      if (p[i + 2] === 'P' && p[i + 3] === '<' && p.length - i > 4) {
        const close = p.indexOf('>', i + 4);
        const name = close < 0 ? '' : p.slice(i + 4, close);
        if (!isCaptureName(name)) return done();
        sites.push({ kind: 'named', at: i, nameAt: i + 4, name });
        i = close + 1;
        continue;
      }
      if (p[i + 2] === '<' || (p[i + 2] === 'P' && p[i + 3] === '<')) {
        // Go 1.19 reads `(?<` and a final `(?P<` as flags, and `<` and `P` are none.
        record({ kind: 'perl', at: i, fragment: p[i + 2] === '<' ? '(?<' : '(?P' });
        return done();
      }
      // Flags (`(?i)`, `(?i-s:`): anything else before `:` or `)` is an error for re2js to report.
      i += 2;
      while (i < p.length && 'imsU-'.includes(p[i]!)) i++;
      if (p[i] !== ':' && p[i] !== ')') return done();
      i++;
      continue;
    }
    if (c === '[') {
      i++;
      if (p[i] === '^') i++;
      let first = true;
      for (;;) {
        if (i >= p.length) return done(); // missing closing ]
        if (p[i] === ']' && !first) break;
        first = false;
        if (p[i] === '[' && p[i + 1] === ':' && p.length - i > 2) {
          const close = p.indexOf(':]', i + 2);
          if (p[i + 2] === ']') {
            if (record({ kind: 'colon', at: i, nameEnd: close < 0 ? undefined : close + 2 })) return done();
            // Go: no class name here, so `[` is an ordinary character (no range can follow: `:` does).
            i++;
            continue;
          }
          if (close >= 0) {
            i = close + 2; // a POSIX class (re2js and Go agree on its name)
            continue;
          }
        }
        const uni = unicodeAt(i);
        if (uni === null) return done();
        if (uni !== undefined) {
          if (record(uni)) return done();
          i = uni.end;
          continue;
        }
        if (p[i] === '\\' && p[i + 1] !== undefined && 'dDsSwW'.includes(p[i + 1]!)) {
          i += 2;
          continue;
        }
        // One character, or a range lo-hi.
        const charEnd = (j: number): number => (p[j] === '\\' ? escapeEnd(j) : step(j));
        i = charEnd(i);
        if (i < 0) return done();
        if (p[i] === '-' && p[i + 1] !== undefined && p[i + 1] !== ']') {
          i = charEnd(i + 1);
          if (i < 0) return done();
        }
      }
      i++; // ]
      continue;
    }
    i = step(i);
  }
  return done();
}

/** The pattern re2js compiles, and where each index of the original pattern went. */
interface Rewritten {
  readonly text: string;
  /** Original index → index in `text` (length + 1 entries). */
  readonly map: readonly number[];
}

/** Renames later duplicates of a group name and escapes the `[` of `[:]` where Go reads no class name. */
function rewrite(p: string, sites: readonly Site[], upTo = p.length): Rewritten {
  const names = new Set(sites.flatMap((s) => (s.kind === 'named' ? [s.name] : [])));
  const seen = new Set<string>();
  const edits: { at: number; remove: number; insert: string }[] = [];
  for (const s of sites) {
    if (s.at >= upTo) break;
    if (s.kind === 'named') {
      if (seen.has(s.name)) {
        let n = 2;
        while (names.has(`${s.name}_${n}`)) n++;
        const fresh = `${s.name}_${n}`;
        names.add(fresh);
        edits.push({ at: s.nameAt, remove: s.name.length, insert: fresh });
      }
      seen.add(s.name);
    } else if (s.kind === 'colon' && s.nameEnd === undefined) {
      edits.push({ at: s.at, remove: 0, insert: '\\' });
    }
  }
  let text = '';
  const map: number[] = [];
  let from = 0;
  for (const e of edits) {
    for (let k = from; k < e.at; k++) map.push(text.length + (k - from));
    text += p.slice(from, e.at);
    for (let k = 0; k < e.remove; k++) map.push(text.length);
    text += e.insert;
    from = e.at + e.remove;
  }
  for (let k = from; k <= upTo; k++) map.push(text.length + (k - from));
  text += p.slice(from, upTo);
  return { text, map };
}

type Failure = Extract<Re2Result, { ok: false }>;

/** Constructs of other dialects that RE2 refuses, with what to write instead. */
const FOREIGN_CONSTRUCTS: readonly { readonly test: RegExp; readonly hint: string }[] = [
  {
    test: /\(\?<?[=!]/,
    hint: 'RE2 has no lookahead or lookbehind; match the wanted tags positively (e.g. `^v[0-9]+$`) instead of excluding others',
  },
  {
    test: /\\[1-9](?![0-7])|\\k<|\(\?P=/,
    hint: 'RE2 has no backreferences; spell the repeated part out',
  },
  { test: /\(\?>/, hint: 'RE2 has no atomic groups; use a plain group `(?:…)`' },
  {
    test: /\(\?<[A-Za-z0-9_]/,
    hint: 'write named groups as `(?P<name>…)`: `(?<name>…)` needs Go 1.22 or later, and the service’s Go version is not documented',
  },
  {
    test: /[*+?}]\+/,
    hint: 'RE2 has no possessive quantifiers (`*+`, `++`); use the plain quantifier (RE2 never backtracks)',
  },
];

function failure(pattern: string, code: Re2ErrorCode | 'internal', fragment: string): Failure {
  const foreign = code === 'internal' ? undefined : FOREIGN_CONSTRUCTS.find((f) => f.test.test(pattern));
  return {
    ok: false,
    code,
    fragment,
    message: code === 'internal' ? `cannot be checked: ${fragment}` : `${code}: \`${fragment}\``,
    ...(foreign ? { hint: foreign.hint } : {}),
  };
}

function isKnownCode(code: string): code is Re2ErrorCode {
  return (Object.values(Re2ErrorCode) as string[]).includes(code);
}

/**
 * Compiles `r` (the rewritten `pattern.slice(0, upTo)`) with re2js; on a syntax error, Go's code and
 * fragment in terms of the original pattern.
 */
function compile(pattern: string, r: Rewritten, upTo = pattern.length): RE2JS | Failure {
  try {
    return RE2JS.compile(r.text);
  } catch (err) {
    if (!(err instanceof RE2JSSyntaxException) || !isKnownCode(err.error)) {
      return failure(pattern, 'internal', err instanceof Error ? err.message : String(err));
    }
    if (WHOLE_PATTERN_ERRORS.has(err.error)) return failure(pattern, err.error, pattern);
    const input = err.input ?? '';
    let fragment = input;
    if (r.text !== pattern.slice(0, upTo) && r.text.endsWith(input)) {
      // A fragment that runs to the end (an unclosed class, say) may hold a rewrite: map it back.
      const at = r.map.indexOf(r.text.length - input.length);
      if (at >= 0) fragment = pattern.slice(at, upTo);
    }
    return failure(pattern, err.error, fragment);
  }
}

/** Go 1.19's error at a site it rejects. */
function siteFailure(pattern: string, s: NonNullable<Lexed['rejected']>): Failure {
  switch (s.kind) {
    case 'perl':
      return failure(pattern, Re2ErrorCode.invalidPerlOp, s.fragment);
    case 'unicode':
      return failure(pattern, Re2ErrorCode.invalidCharRange, pattern.slice(s.at, s.end));
    case 'colon':
      return failure(pattern, Re2ErrorCode.invalidCharRange, pattern.slice(s.at, s.nameEnd));
    default:
      return assertNever(s, 'RE2 site');
  }
}

/**
 * Checks `pattern` in the RE2 dialect (Go 1.19's `regexp.Compile`) and compiles its matcher.
 * Pure; never throws for any input string.
 */
export function checkRe2(pattern: string): Re2Result {
  const { sites, rejected } = lex(pattern);
  if (rejected !== undefined) {
    // Go 1.19 stops here, unless something before it is already an error (an unclosed group or
    // class before the site is not: Go reaches the site first).
    const before = compile(pattern, rewrite(pattern, sites, rejected.at), rejected.at);
    if (!(before instanceof RE2JS) && before.code !== Re2ErrorCode.missingParen && before.code !== Re2ErrorCode.missingBracket) {
      return before;
    }
    return siteFailure(pattern, rejected);
  }
  const re = compile(pattern, rewrite(pattern, sites));
  if (!(re instanceof RE2JS)) return re;
  return { ok: true, regexp: { test: (s) => re.test(s) }, whole: { test: (s) => re.testExact(s) } };
}
