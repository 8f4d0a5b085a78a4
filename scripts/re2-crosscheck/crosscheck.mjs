#!/usr/bin/env node
// Runs acrctl's RE2 checker (src/config/lints/re2.ts, built into dist/) and Go's regexp side by side
// on the pinned corpus (test/config/lints-re2.test.ts), generated nesting and Unicode-class cases,
// and fuzzed patterns, and prints how often they agree: verdict, Go's error text, and which subjects
// match (anywhere, and as a whole string). Needs Go (any version: the figures are for the one that
// runs) and `npm run build`. Usage: node scripts/re2-crosscheck/crosscheck.mjs [FUZZ_COUNT [SEED]]
// No network: `go run` builds a module without dependencies.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const { checkRe2 } = await import(`${root}dist/src/config/lints/re2.js`);

const SUBJECTS = ['', 'a', 'A', 'ab', 'aB', 'AB', 'abc', 'a.b', 'aaa', 'ba', 'release-v1.2', 'v1.2.3', 'v1.2.3-rc1', 'latest', 'é', 'É', '\n', 'a\nb', '\r', '\u000b', '\t', ' ', '🙂', 'α', 'Ω', '[', ':', '-', '_', '0', '12', 'P', 'L', '(', '<n>', 'x{2}'];

/** The corpus: every `["pattern", {` row of the pinned Go table. */
function corpus() {
  const text = readFileSync(`${root}test/config/lints-re2.test.ts`, 'utf8');
  return [...text.matchAll(/^\s*\[("(?:[^"\\]|\\.)*"), \{ (?:error|matches):/gm)].map((m) => JSON.parse(m[1]));
}

function generated() {
  const out = [];
  for (const n of [998, 999, 1000, 1001, 1500]) out.push('('.repeat(n) + ')'.repeat(n), '(?:'.repeat(n) + 'a' + ')'.repeat(n), '(?i:'.repeat(n) + ')'.repeat(n));
  const names = ['L', 'Lu', 'N', 'Nd', 'C', 'Cc', 'Cn', 'LC', 'Co', 'Cs', 'Z', 'Any', 'Greek', 'Grek', 'Latin', 'Latn', 'Han', 'Hani', 'Cyrillic', 'Thai', 'Toto', 'Cham', 'Kawi', 'Nag_Mundari', 'Vithkuqi', 'Garay', 'Tangsa', 'Tulu_Tigalari', 'Tolong_Siki', 'Yezidi', 'Chorasmian', 'Letter', 'L&', 'Emoji', 'White_Space', 'Alphabetic', 'ASCII_Hex_Digit', 'Foo', 'greek', 'Old_Italic', 'Inherited', 'Common', 'Zzzz', 'Unknown'];
  for (const n of names) for (const form of [`\\p{${n}}`, `\\P{${n}}`, `\\p{^${n}}`, `[\\p{${n}}a]`, `[^\\P{${n}}]`]) out.push(form);
  for (const p of ['[[:]]', '[[:]a:]]', '[a[:]', '[[:]', '[[:]-a]', '[a-[:]', '(?P<n>a)(?P<n>b)(?P<n_2>c)', '(?P<n>a)[(?P<n>b)]', '(?P<a>x)|(?P<a>y)', '\\Q(?<x>\\E', '[(?<x>]', '(?i)(?<x>a)', 'a)(?<x>a)', '[z-a](?<x>a)', '(?<x>a)[z-a]', '\\p{Cn}[z-a]', '[z-a]\\p{Cn}', '(?P<n>a)(?P<n>b', '(?P<n>a)(?P<n>b)[', '(?P<n>a)(?P<n>b)\\p{'] ) out.push(p);
  return out;
}

function fuzz(count, start) {
  const alphabets = [
    Array.from('ab.*+?()|[]^$-{},0129\\dpPQExzAL:<>=!iUs \n🙂é'),
    Array.from('a(?P<n>)|[]{}\\pLNC^:alph]x-*+?,1'),
    Array.from('()?:<>=!PimsU-a|*'),
    Array.from('v0-9.[]+*?()|^$\\d\\w-rc'),
    ['\\x{', '\\x', '4', '1', 'f', '}', '\\Q', '\\E', '\\0', '\\7', '\\8', '[', ']', '^', '-', '(', ')', '?P<', '>', 'n', '(?<', ':', '[:', ':]', 'alpha', '\\p{', 'Greek', 'Cn', '\\', 'a', '*', '{2}', '{1,}', '|'],
  ];
  let seed = start >>> 0 || 0x2545f491;
  const rnd = (n) => {
    seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
    return seed % n;
  };
  const out = [];
  for (let i = 0; i < count; i++) {
    const al = alphabets[i % alphabets.length];
    let p = '';
    const len = 1 + rnd(16);
    for (let j = 0; j < len; j++) p += al[rnd(al.length)];
    out.push(p);
  }
  return out;
}

const patterns = [...new Set([...corpus(), ...generated(), ...fuzz(Number(process.argv[2] ?? 200000), Number(process.argv[3] ?? 0))])];
const input = patterns.map((p) => JSON.stringify({ p, s: SUBJECTS })).join('\n') + '\n';
const go = spawnSync('go', ['run', '.'], { cwd: here, input, maxBuffer: 1 << 30, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off' } });
if (go.status !== 0) {
  console.error(go.stderr);
  process.exit(1);
}
const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim();
const answers = go.stdout.trim().split('\n').map((l) => JSON.parse(l));

const tally = { patterns: patterns.length, accepted: 0, rejected: 0, verdictDiffers: 0, messageDiffers: 0, matchDiffers: 0, wholeDiffers: 0 };
const examples = new Map();
const note = (kind, p, detail) => {
  const list = examples.get(kind) ?? [];
  if (list.length < 5) list.push(`${JSON.stringify(p)} ${detail}`);
  examples.set(kind, list);
};
patterns.forEach((p, i) => {
  const g = answers[i];
  const r = checkRe2(p);
  if (g.ok) tally.accepted++;
  else tally.rejected++;
  if (g.ok !== r.ok) {
    tally.verdictDiffers++;
    note('verdict', p, g.ok ? `Go accepts, acrctl: ${r.message}` : `Go: ${g.err}, acrctl accepts`);
    return;
  }
  if (!g.ok) {
    if (g.err !== r.message) {
      tally.messageDiffers++;
      note('message', p, `Go: ${g.err} | acrctl: ${r.message}`);
    }
    return;
  }
  const m = SUBJECTS.map((s) => r.regexp.test(s));
  const w = SUBJECTS.map((s) => r.whole.test(s));
  if (m.some((x, k) => x !== g.m[k])) {
    tally.matchDiffers++;
    note('match', p, SUBJECTS.filter((_, k) => m[k] !== g.m[k]).map((s) => JSON.stringify(s)).join(' '));
  }
  if (w.some((x, k) => x !== g.w[k])) {
    tally.wholeDiffers++;
    note('whole', p, SUBJECTS.filter((_, k) => w[k] !== g.w[k]).map((s) => JSON.stringify(s)).join(' '));
  }
});
console.log(`${goVersion}; ${SUBJECTS.length} subjects per accepted pattern`);
console.log(tally);
for (const [kind, list] of examples) console.log(`${kind}:\n  ${list.join('\n  ')}`);
process.exit(tally.verdictDiffers + tally.messageDiffers + tally.matchDiffers + tally.wholeDiffers === 0 ? 0 : 1);
