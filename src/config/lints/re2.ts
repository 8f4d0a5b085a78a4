/**
 * RE2 syntax check for tag filters.
 *
 * Owns: deciding whether a tag regex is accepted by the service's regex engine, and translating an
 * accepted expression into an equivalent JavaScript RegExp.
 * Must not import: anything with I/O; this module is pure.
 *
 * Why RE2: Container Registry is written in Go, and Go's `regexp` package implements the RE2 syntax
 * (Perl flags: `regexp.Compile`). JavaScript's RegExp dialect differs both ways: it accepts
 * lookaround and backreferences that RE2 rejects, and RE2 accepts `\Q…\E`, `(?P<name>…)`, `\x{…}`,
 * POSIX classes `[[:alpha:]]`, `\pN`, inline flags anywhere, and literal `{` that JavaScript (with
 * the `u` flag) rejects. So a JavaScript compile alone would let through patterns the service refuses
 * and refuse patterns the service takes.
 *
 * What this does: a parser that follows Go's `regexp/syntax` parse (Perl mode) step by step and fails
 * with Go's error texts (`missing closing )`, `invalid or unsupported Perl syntax`, `invalid repeat
 * count` for counts above 1000, …); while parsing it builds a JavaScript source for the same
 * expression, which is then compiled with `new RegExp(source, 'u' + flags)` as a second check. The
 * JavaScript RegExp is exact unless the pattern uses inline flags other than a leading `(?ims)` group,
 * or the `U` (ungreedy) flag; then `exact` is false (the syntax verdict is still RE2's).
 *
 * Known gaps (documented in docs/lints.md): Go's program-size limit ("expression too large") is not
 * computed; Unicode script names are checked against the JavaScript engine's script list, which also
 * accepts four-letter script aliases that Go does not; `\s` in JavaScript is wider than RE2's
 * `[\t\n\f\r ]`.
 */

/** Error texts of Go's regexp/syntax package, by the name of their Go constant. */
export const Re2ErrorCode = {
  invalidCharClass: 'invalid character class',
  invalidCharRange: 'invalid character class range',
  invalidEscape: 'invalid escape sequence',
  invalidNamedCapture: 'invalid named capture',
  invalidPerlOp: 'invalid or unsupported Perl syntax',
  invalidRepeatOp: 'invalid nested repetition operator',
  invalidRepeatSize: 'invalid repeat count',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeatArgument: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )',
  nestingDepth: 'expression nests too deeply',
} as const;
export type Re2ErrorCode = (typeof Re2ErrorCode)[keyof typeof Re2ErrorCode];

/** Go's limit on counted repetition (`{n,m}` with n or m above it is an error). */
export const RE2_MAX_REPEAT = 1000;
/**
 * Go's limit on the height of the parsed tree (`maxHeight`). Go counts tree nodes, which its
 * simplifier shapes; this checker counts groups: a capture group is a node (so 1000 nested captures
 * fail, as in Go), a non-capturing group is not (1001 nested fail, as in Go). Mixed deep nesting of
 * repetitions may pass here and fail in Go; the schema's 1024-character cap on tag filters keeps real
 * filters far below either limit.
 */
export const RE2_MAX_DEPTH = 1000;

export type Re2Result =
  | {
      readonly ok: true;
      /** JavaScript source equivalent to the RE2 expression (to be used with `flags`). */
      readonly source: string;
      /** JavaScript flags: always `u`, plus `i`, `m`, `s` from a leading RE2 flag group. */
      readonly flags: string;
      /** False when the JavaScript RegExp only approximates the RE2 meaning (see module doc). */
      readonly exact: boolean;
      readonly regexp: RegExp;
    }
  | {
      readonly ok: false;
      /** Go's error text, e.g. `missing closing )`, or `javascript` when only the second check failed. */
      readonly code: Re2ErrorCode | 'javascript';
      /** The offending fragment of the pattern, as Go reports it. */
      readonly fragment: string;
      /** One line, Go style: `missing closing ): \`(abc\``. */
      readonly message: string;
      /** A hint for constructs from other dialects (lookaround, backreferences, possessive, …), if any. */
      readonly hint?: string;
    };

class Re2SyntaxError extends Error {
  constructor(
    readonly code: Re2ErrorCode,
    readonly fragment: string,
  ) {
    super(`${code}: \`${fragment}\``);
  }
}

interface Node {
  /** JavaScript source of this node as a single quantifiable unit or a sequence. */
  readonly js: string;
  /** True when JavaScript cannot quantify the node directly (assertion, repetition, multi-unit). */
  readonly needsWrap: boolean;
  /** Counted repetition: for Go's nested repeat-size check. */
  readonly repeat?: { readonly min: number; readonly max: number };
  readonly children: readonly Node[];
}

interface Frame {
  /** JavaScript opening of the group: `(` or `(?:`; empty for the top level. */
  readonly open: string;
  readonly alternatives: Node[][];
  current: Node[];
  /** Nesting of all groups, and of capture groups only. */
  readonly depth: number;
  readonly captureDepth: number;
}

const GO_CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd',
  'Nl', 'No', 'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl',
  'Zp', 'Zs',
]);

type Range = readonly [number, number];

const POSIX_CLASSES: Readonly<Record<string, readonly Range[]>> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0x5f, 0x5f]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

const MAX_RUNE = 0x10ffff;

/** RE2's `\s`: tab, newline, form feed, carriage return, space (not \v, not Unicode spaces). */
const PERL_SPACE: readonly Range[] = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]];

/**
 * Full Unicode script names that are four letters long. Other four-letter names (`Grek`, `Latn`) are
 * ISO 15924 aliases that JavaScript accepts and Go does not.
 */
const FOUR_LETTER_SCRIPTS = new Set(['Cham', 'Lisu', 'Miao', 'Modi', 'Newa', 'Thai', 'Toto']);

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;
const rangeJs = ([lo, hi]: Range): string => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}
function isAsciiAlnum(c: string): boolean {
  return /^[0-9A-Za-z]$/.test(c);
}
function unhex(c: string | undefined): number {
  if (c === undefined || !/^[0-9A-Fa-f]$/.test(c)) return -1;
  return Number.parseInt(c, 16);
}

/** Go's `repeatIsValid`: nested counted repetitions may not multiply beyond the limit. */
function repeatIsValid(node: Node, n: number): boolean {
  let budget = n;
  if (node.repeat) {
    let m = node.repeat.max;
    if (m === 0) return true;
    if (m < 0) m = node.repeat.min;
    if (m > budget) return false;
    if (m > 0) budget = Math.trunc(budget / m);
  }
  return node.children.every((c) => repeatIsValid(c, budget));
}

function unicodeClassJs(name: string, negated: boolean): string | undefined {
  const p = negated ? 'P' : 'p';
  if (name === 'Any') return negated ? '[^\\u{0}-\\u{10ffff}]' : '[\\u{0}-\\u{10ffff}]';
  if (GO_CATEGORIES.has(name)) return `\\${p}{${name}}`;
  if (!/^[A-Z][A-Za-z_]+$/.test(name)) return undefined;
  if (/^[A-Z][a-z]{3}$/.test(name) && !FOUR_LETTER_SCRIPTS.has(name)) return undefined;
  const js = `\\${p}{Script=${name}}`;
  try {
    new RegExp(js, 'u');
    return js;
  } catch {
    return undefined;
  }
}

/** Parser state over the pattern's code points. */
class Parser {
  private readonly s: readonly string[];
  private pos = 0;
  /** RE2 flags changed somewhere other than a leading group, or `U` used: the JS RegExp is approximate. */
  approximate = false;
  /** Flags from a leading `(?flags)` group, as JavaScript flags. */
  leadingFlags = '';

  constructor(pattern: string) {
    this.s = Array.from(pattern);
  }

  private dotNl(): boolean {
    return this.leadingFlags.includes('s');
  }
  private multiLine(): boolean {
    return this.leadingFlags.includes('m');
  }

  private peek(offset = 0): string | undefined {
    return this.s[this.pos + offset];
  }
  private rest(from: number): string {
    return this.s.slice(from).join('');
  }
  private text(from: number, to: number): string {
    return this.s.slice(from, to).join('');
  }

  parse(): Node {
    const top: Frame = { open: '', alternatives: [], current: [], depth: 0, captureDepth: 0 };
    const stack: Frame[] = [top];
    let lastRepeatStart = -1; // start of the previous token when it was a repetition operator
    while (this.pos < this.s.length) {
      const frame = stack[stack.length - 1] as Frame;
      const tokenStart = this.pos;
      const c = this.s[this.pos] as string;
      let thisRepeat = -1;
      switch (c) {
        case '(': {
          if (this.peek(1) === '?') {
            const opened = this.parsePerlFlags(stack.length === 1 && tokenStart === 0);
            if (opened !== undefined) {
              const capture = opened === '(' ? 1 : 0;
              this.checkDepth(frame.depth + 1, frame.captureDepth + capture);
              stack.push({
                open: opened,
                alternatives: [],
                current: [],
                depth: frame.depth + 1,
                captureDepth: frame.captureDepth + capture,
              });
            }
            break;
          }
          this.pos++;
          this.checkDepth(frame.depth + 1, frame.captureDepth + 1);
          stack.push({
            open: '(',
            alternatives: [],
            current: [],
            depth: frame.depth + 1,
            captureDepth: frame.captureDepth + 1,
          });
          break;
        }
        case ')': {
          this.pos++;
          if (stack.length === 1) throw new Re2SyntaxError(Re2ErrorCode.unexpectedParen, this.rest(0));
          stack.pop();
          const parent = stack[stack.length - 1] as Frame;
          parent.current.push(closeGroup(frame));
          break;
        }
        case '|':
          this.pos++;
          frame.alternatives.push(frame.current);
          frame.current = [];
          break;
        case '^':
        case '$':
          this.pos++;
          frame.current.push({ js: c, needsWrap: true, children: [] });
          break;
        case '.':
          this.pos++;
          // RE2's `.` excludes only \n; JavaScript's also excludes \r, \u2028 and \u2029.
          frame.current.push({ js: this.dotNl() ? '[\\s\\S]' : '[^\\n]', needsWrap: false, children: [] });
          break;
        case '[':
          frame.current.push(this.parseClass());
          break;
        case '*':
        case '+':
        case '?': {
          this.pos++;
          this.applyRepeat(frame, c, { min: -1, max: -1 }, tokenStart, lastRepeatStart, false);
          thisRepeat = tokenStart;
          break;
        }
        case '{': {
          const rep = this.parseRepeat();
          if (rep === undefined) {
            this.pos++;
            frame.current.push({ js: hex(0x7b), needsWrap: false, children: [] });
            break;
          }
          const { min, max } = rep;
          if (min < 0 || min > RE2_MAX_REPEAT || max > RE2_MAX_REPEAT || (max >= 0 && min > max)) {
            throw new Re2SyntaxError(Re2ErrorCode.invalidRepeatSize, this.text(tokenStart, this.pos));
          }
          const op = max === min ? `{${min}}` : max < 0 ? `{${min},}` : `{${min},${max}}`;
          this.applyRepeat(frame, op, { min, max }, tokenStart, lastRepeatStart, true);
          thisRepeat = tokenStart;
          break;
        }
        case '\\':
          for (const n of this.parseTopEscape()) frame.current.push(n);
          break;
        default:
          this.pos++;
          frame.current.push({ js: hex(c.codePointAt(0) as number), needsWrap: false, children: [] });
      }
      lastRepeatStart = thisRepeat;
    }
    if (stack.length > 1) throw new Re2SyntaxError(Re2ErrorCode.missingParen, this.rest(0));
    return closeTop(top);
  }

  private checkDepth(depth: number, captureDepth: number): void {
    if (depth > RE2_MAX_DEPTH || captureDepth >= RE2_MAX_DEPTH) {
      throw new Re2SyntaxError(Re2ErrorCode.nestingDepth, this.rest(0));
    }
  }

  /** Go's `repeat`: lazy suffix, stacked operators, missing argument, nested count limit. */
  private applyRepeat(
    frame: Frame,
    op: string,
    counts: { min: number; max: number },
    tokenStart: number,
    lastRepeatStart: number,
    counted: boolean,
  ): void {
    let lazy = false;
    if (this.peek() === '?') {
      this.pos++;
      lazy = true;
    }
    if (lastRepeatStart >= 0) {
      throw new Re2SyntaxError(Re2ErrorCode.invalidRepeatOp, this.text(lastRepeatStart, this.pos));
    }
    const sub = frame.current.pop();
    if (sub === undefined) {
      throw new Re2SyntaxError(Re2ErrorCode.missingRepeatArgument, this.text(tokenStart, this.pos));
    }
    const base = sub.needsWrap ? `(?:${sub.js})` : sub.js;
    const node: Node = {
      js: `${base}${op}${lazy ? '?' : ''}`,
      needsWrap: true,
      ...(counted ? { repeat: counts } : {}),
      children: [sub],
    };
    if (counted && (counts.min >= 2 || counts.max >= 2) && !repeatIsValid(node, RE2_MAX_REPEAT)) {
      throw new Re2SyntaxError(Re2ErrorCode.invalidRepeatSize, this.text(tokenStart, this.pos));
    }
    frame.current.push(node);
  }

  /** Go's `parseInt`: no leading zeros; values of 1e8 and above become -1 (too big). */
  private parseInt(): number | undefined {
    if (!isDigit(this.peek())) return undefined;
    if (this.peek() === '0' && isDigit(this.peek(1))) return undefined;
    let n = 0;
    while (isDigit(this.peek())) {
      if (n >= 0) n = n >= 1e8 ? -1 : n * 10 + Number(this.peek());
      this.pos++;
    }
    return n;
  }

  /** Go's `parseRepeat`; on failure the position is restored and `{` is a literal. */
  private parseRepeat(): { min: number; max: number } | undefined {
    const start = this.pos;
    const fail = (): undefined => {
      this.pos = start;
      return undefined;
    };
    this.pos++; // {
    let min = this.parseInt();
    if (min === undefined) return fail();
    let max: number;
    if (this.peek() !== ',') {
      max = min;
    } else {
      this.pos++;
      if (this.peek() === '}') {
        max = -1;
      } else {
        const m = this.parseInt();
        if (m === undefined) return fail();
        max = m;
        if (max < 0) min = -1;
      }
    }
    if (this.peek() !== '}') return fail();
    this.pos++;
    return { min, max };
  }

  /**
   * Go's `parsePerlFlags` at `(?`. Returns the JavaScript group opening when a group opens, or
   * undefined for a bare flag change `(?i)`.
   */
  private parsePerlFlags(leading: boolean): string | undefined {
    const start = this.pos;
    // `(?<name>…)` is accepted by Go 1.22 and later only; older Go reports `(?<` as unsupported Perl
    // syntax. The service's Go version is unknown, so only the portable `(?P<name>…)` is accepted.
    if (this.peek(2) === 'P' && this.peek(3) === '<' && this.s.length - start > 4) {
      const nameStart = start + 4;
      let end = -1;
      for (let i = start; i < this.s.length; i++) {
        if (this.s[i] === '>') {
          end = i;
          break;
        }
      }
      if (end < 0) throw new Re2SyntaxError(Re2ErrorCode.invalidNamedCapture, this.rest(start));
      const name = this.text(nameStart, end);
      if (name === '' || !/^[A-Za-z0-9_]+$/.test(name)) {
        throw new Re2SyntaxError(Re2ErrorCode.invalidNamedCapture, this.text(start, end + 1));
      }
      this.pos = end + 1;
      return '(';
    }
    this.pos += 2; // (?
    let sign = 1;
    let sawFlag = false;
    const set = new Set<string>();
    for (;;) {
      const c = this.peek();
      if (c === undefined) break;
      this.pos++;
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        sawFlag = true;
        if (sign > 0) set.add(c);
        if (c === 'U') this.approximate = true;
        continue;
      }
      if (c === '-') {
        if (sign < 0) break;
        sign = -1;
        sawFlag = false;
        continue;
      }
      if (c === ':' || c === ')') {
        if (sign < 0 && !sawFlag) break;
        const changesFlags = set.size > 0 || sign < 0;
        if (c === ')' && leading && sign > 0) {
          // A leading `(?ims)` applies to the whole expression: JavaScript flags say the same.
          this.leadingFlags = [...set].filter((f) => f !== 'U').sort().join('');
        } else if (changesFlags) {
          this.approximate = true;
        }
        return c === ':' ? '(?:' : undefined;
      }
      break;
    }
    throw new Re2SyntaxError(Re2ErrorCode.invalidPerlOp, this.text(start, this.pos));
  }

  /** An escape outside a class: assertions, `\Q…\E`, classes, or one literal. */
  private parseTopEscape(): Node[] {
    const start = this.pos;
    const next = this.peek(1);
    switch (next) {
      case 'A':
        this.pos += 2;
        return [{ js: this.multiLine() ? '(?<![\\s\\S])' : '^', needsWrap: true, children: [] }];
      case 'z':
        this.pos += 2;
        return [{ js: this.multiLine() ? '(?![\\s\\S])' : '$', needsWrap: true, children: [] }];
      case 'b':
      case 'B':
        this.pos += 2;
        return [{ js: `\\${next}`, needsWrap: true, children: [] }];
      case 'C':
        throw new Re2SyntaxError(Re2ErrorCode.invalidEscape, this.text(start, start + 2));
      case 'Q': {
        this.pos += 2;
        const out: Node[] = [];
        while (this.pos < this.s.length) {
          if (this.peek() === '\\' && this.peek(1) === 'E') {
            this.pos += 2;
            break;
          }
          out.push({ js: hex((this.peek() as string).codePointAt(0) as number), needsWrap: false, children: [] });
          this.pos++;
        }
        return out;
      }
      default:
        break;
    }
    const uni = this.parseUnicodeClass();
    if (uni !== undefined) return [{ js: uni, needsWrap: false, children: [] }];
    const perl = this.parsePerlClassEscape(false);
    if (perl !== undefined) return [{ js: perl, needsWrap: false, children: [] }];
    const cp = this.parseEscape();
    return [{ js: hex(cp), needsWrap: false, children: [] }];
  }

  /**
   * `\d \D \s \S \w \W`, or undefined (position unchanged). RE2's `\s` is `[\t\n\f\r ]`, narrower
   * than JavaScript's, so it is spelled out; inside a class the body is returned without brackets.
   */
  private parsePerlClassEscape(inClass: boolean): string | undefined {
    const c = this.peek(1);
    if (this.peek() !== '\\' || c === undefined || !'dDsSwW'.includes(c)) return undefined;
    this.pos += 2;
    if (c === 's' || c === 'S') {
      const ranges = c === 's' ? PERL_SPACE : complement(PERL_SPACE);
      const body = ranges.map(rangeJs).join('');
      return inClass ? body : `[${body}]`;
    }
    return `\\${c}`;
  }

  /** Go's `parseUnicodeClass`: `\pL`, `\p{Greek}`, `\P{^Greek}`; undefined when not at `\p`/`\P`. */
  private parseUnicodeClass(): string | undefined {
    const start = this.pos;
    const p = this.peek(1);
    if (this.peek() !== '\\' || (p !== 'p' && p !== 'P')) return undefined;
    let negated = p === 'P';
    this.pos += 2;
    let name: string;
    let seqEnd: number;
    if (this.peek() !== '{') {
      name = this.peek() ?? '';
      if (this.peek() !== undefined) this.pos++;
      seqEnd = this.pos;
    } else {
      let end = -1;
      for (let i = this.pos; i < this.s.length; i++) {
        if (this.s[i] === '}') {
          end = i;
          break;
        }
      }
      if (end < 0) throw new Re2SyntaxError(Re2ErrorCode.invalidCharRange, this.rest(start));
      name = this.text(this.pos + 1, end);
      this.pos = end + 1;
      seqEnd = this.pos;
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const js = name === '' ? undefined : unicodeClassJs(name, negated);
    if (js === undefined) throw new Re2SyntaxError(Re2ErrorCode.invalidCharRange, this.text(start, seqEnd));
    return js;
  }

  /** Go's `parseEscape`: one code point (octal, hex, control letters, escaped punctuation). */
  private parseEscape(): number {
    const start = this.pos;
    this.pos++; // backslash
    const c = this.peek();
    if (c === undefined) throw new Re2SyntaxError(Re2ErrorCode.trailingBackslash, '');
    this.pos++;
    const bad = (): never => {
      throw new Re2SyntaxError(Re2ErrorCode.invalidEscape, this.text(start, this.pos));
    };
    if (c >= '1' && c <= '7' && !isOctal(this.peek())) return bad();
    if (c >= '0' && c <= '7') {
      let r = Number(c);
      for (let i = 1; i < 3 && isOctal(this.peek()); i++) {
        r = r * 8 + Number(this.peek());
        this.pos++;
      }
      return r;
    }
    switch (c) {
      case 'x': {
        if (this.peek() === undefined) return bad();
        if (this.peek() === '{') {
          this.pos++;
          let r = 0;
          let n = 0;
          for (;;) {
            const d = this.peek();
            if (d === undefined) return bad();
            this.pos++;
            if (d === '}') break;
            const v = unhex(d);
            if (v < 0) return bad();
            r = r * 16 + v;
            if (r > MAX_RUNE) return bad();
            n++;
          }
          if (n === 0) return bad();
          return r;
        }
        const x = unhex(this.peek());
        this.pos++;
        const y = unhex(this.peek());
        if (this.peek() !== undefined) this.pos++;
        if (x < 0 || y < 0) return bad();
        return x * 16 + y;
      }
      case 'a':
        return 0x07;
      case 'f':
        return 0x0c;
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 't':
        return 0x09;
      case 'v':
        return 0x0b;
      default: {
        const cp = c.codePointAt(0) as number;
        if (cp < 0x80 && !isAsciiAlnum(c)) return cp;
        return bad();
      }
    }
  }

  /** Go's `parseClass` at `[`. */
  private parseClass(): Node {
    const start = this.pos;
    this.pos++; // [
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const parts: string[] = [];
    let first = true;
    while (first || this.peek() !== ']') {
      if (this.peek() === undefined) throw new Re2SyntaxError(Re2ErrorCode.missingBracket, this.rest(start));
      first = false;
      if (this.peek() === '[' && this.peek(1) === ':') {
        const named = this.parseNamedClass();
        if (named !== undefined) {
          parts.push(named);
          continue;
        }
      }
      const uni = this.parseUnicodeClass();
      if (uni !== undefined) {
        parts.push(uni);
        continue;
      }
      const perl = this.parsePerlClassEscape(true);
      if (perl !== undefined) {
        parts.push(perl);
        continue;
      }
      const rangeStart = this.pos;
      const lo = this.parseClassChar(start);
      let hi = lo;
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.pos++;
        hi = this.parseClassChar(start);
        if (hi < lo) throw new Re2SyntaxError(Re2ErrorCode.invalidCharRange, this.text(rangeStart, this.pos));
      }
      parts.push(rangeJs([lo, hi]));
    }
    this.pos++; // ]
    return { js: `[${negated ? '^' : ''}${parts.join('')}]`, needsWrap: false, children: [] };
  }

  private parseClassChar(classStart: number): number {
    const c = this.peek();
    if (c === undefined) throw new Re2SyntaxError(Re2ErrorCode.missingBracket, this.rest(classStart));
    if (c === '\\') return this.parseEscape();
    this.pos++;
    return c.codePointAt(0) as number;
  }

  /** Go's `parseNamedClass` at `[:`; undefined (position unchanged) when no `:]` follows. */
  private parseNamedClass(): string | undefined {
    const start = this.pos;
    let end = -1;
    for (let i = start + 2; i + 1 < this.s.length; i++) {
      if (this.s[i] === ':' && this.s[i + 1] === ']') {
        end = i;
        break;
      }
    }
    if (end < 0) return undefined;
    const whole = this.text(start, end + 2);
    let name = this.text(start + 2, end);
    let negated = false;
    if (name.startsWith('^')) {
      negated = true;
      name = name.slice(1);
    }
    const ranges = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
    if (ranges === undefined) throw new Re2SyntaxError(Re2ErrorCode.invalidCharRange, whole);
    this.pos = end + 2;
    return (negated ? complement(ranges) : ranges).map(rangeJs).join('');
  }
}

function joinAlternatives(alternatives: readonly (readonly Node[])[]): string {
  return alternatives.map((alt) => alt.map((n) => n.js).join('')).join('|');
}

function closeGroup(frame: Frame): Node {
  const alternatives = [...frame.alternatives, frame.current];
  return {
    js: `${frame.open}${joinAlternatives(alternatives)})`,
    needsWrap: false,
    children: alternatives.flat(),
  };
}

function closeTop(frame: Frame): Node {
  const alternatives = [...frame.alternatives, frame.current];
  return { js: joinAlternatives(alternatives), needsWrap: true, children: alternatives.flat() };
}

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

/**
 * Checks `pattern` in the RE2 dialect and compiles the JavaScript equivalent.
 * Pure; never throws for any input string.
 */
export function checkRe2(pattern: string): Re2Result {
  const parser = new Parser(pattern);
  let root: Node;
  try {
    root = parser.parse();
  } catch (err) {
    if (!(err instanceof Re2SyntaxError)) throw err;
    const foreign = FOREIGN_CONSTRUCTS.find((f) => f.test.test(pattern));
    return {
      ok: false,
      code: err.code,
      fragment: err.fragment,
      message: err.message,
      ...(foreign ? { hint: foreign.hint } : {}),
    };
  }
  const flags = `${parser.leadingFlags}u`;
  try {
    const regexp = new RegExp(root.js, flags);
    return { ok: true, source: root.js, flags, exact: !parser.approximate, regexp };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, code: 'javascript', fragment: pattern, message: `does not compile: ${detail}` };
  }
}
