/**
 * Finds the acrctl command lines in CI shell scripts and checks them against the real command tree
 * (the commander program src/cli/main.ts builds with registerCommands), so an example never uses a
 * command, flag or choice value that does not exist. Nothing is hard-coded: the tree is introspected.
 */
import { PassThrough } from 'node:stream';
import { Command, type Option } from 'commander';
import { registerCommands } from '../../src/cli/commands.js';

/** The program as the CLI builds it, with its global options. */
export function program(): Command {
  const p = new Command('acrctl').option('--debug', 'print stack traces').version('0.0.0', '-V, --version');
  const sink = new PassThrough();
  registerCommands(p, { stdout: sink, stderr: sink, env: {}, cwd: '/' }, () => undefined);
  return p;
}

/** Shell words of a command line: quotes removed, `$VAR` and `"$VAR"` kept as one word. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${line}`);
  if (inWord) words.push(cur);
  return words;
}

/**
 * The acrctl invocations in a shell script: `acrctl …` or `npx acrctl …`, each cut at the first
 * shell operator (`&&`, `||`, `;`, `|`, redirections, `)`), line continuations joined.
 */
export function acrctlInvocations(script: string): string[][] {
  const out: string[][] = [];
  const text = script.replace(/\\\n/g, ' ');
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const re = /(?:^|[\s;&|(])(?:npx\s+(?:--no-install\s+)?)?acrctl\s+/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      if (insideQuotes(line, m.index)) continue; // words in a message, not a command
      const rest = line.slice(m.index + m[0].length);
      const cut = splitAtOperator(rest);
      out.push(shellWords(cut));
    }
  }
  return out;
}

function insideQuotes(line: string, at: number): boolean {
  let quote: string | undefined;
  for (let i = 0; i < at; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '\\') i++;
    else if (c === '"' || c === "'") quote = c;
  }
  return quote !== undefined;
}

/** The part of a command line before the first unquoted shell operator. */
function splitAtOperator(s: string): string {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '\\') i++;
    else if (c === '"' || c === "'") quote = c;
    else if (';|&<>)'.includes(c)) return s.slice(0, i).replace(/\s\d$/, '');
  }
  return s;
}

function findOption(cmds: readonly Command[], flag: string): Option | undefined {
  for (const c of cmds) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

/** Problems with one invocation (empty when it is valid). `$…` values are not checked against choices. */
export function checkInvocation(root: Command, words: readonly string[]): string[] {
  const problems: string[] = [];
  let cmd = root;
  let i = 0;
  // Subcommands (`emulator serve`).
  while (i < words.length && cmd.commands.length > 0) {
    const name = words[i]!;
    if (name.startsWith('-')) break;
    const sub = cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!sub) {
      problems.push(`unknown command "${name}" (known: ${cmd.commands.map((c) => c.name()).join(', ')})`);
      return problems;
    }
    cmd = sub;
    i++;
  }
  if (cmd === root) return [`no command in: acrctl ${words.join(' ')}`];
  const scope = [cmd, root];
  let positionals = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w === '-') {
      positionals++;
      continue;
    }
    const eq = w.indexOf('=');
    const flag = eq > 0 ? w.slice(0, eq) : w;
    if (flag === '--help' || flag === '-h') continue;
    const opt = findOption(scope, flag);
    if (!opt) {
      problems.push(`${cmd.name()}: unknown option ${flag}`);
      continue;
    }
    const values: string[] = [];
    if (eq > 0) {
      if (!opt.required && !opt.optional) problems.push(`${cmd.name()}: ${flag} takes no value`);
      values.push(w.slice(eq + 1));
    } else if (opt.required || (opt.optional && i + 1 < words.length && !words[i + 1]!.startsWith('-'))) {
      if (i + 1 >= words.length) problems.push(`${cmd.name()}: ${flag} needs a value`);
      else values.push(words[++i]!);
      while (opt.variadic && i + 1 < words.length && !words[i + 1]!.startsWith('-')) values.push(words[++i]!);
    }
    for (const v of values) {
      if (opt.argChoices && !v.includes('$') && !opt.argChoices.includes(v)) problems.push(`${cmd.name()}: ${flag} ${v} is not one of ${opt.argChoices.join(', ')}`);
    }
  }
  const allowed = cmd.registeredArguments.length;
  if (positionals > allowed) problems.push(`${cmd.name()}: ${positionals} arguments given, it takes ${allowed}`);
  const required = cmd.registeredArguments.filter((a) => a.required).length;
  if (positionals < required) problems.push(`${cmd.name()}: ${positionals} arguments given, it needs ${required}`);
  return problems;
}
