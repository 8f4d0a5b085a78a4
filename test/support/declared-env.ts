/**
 * The environment a registry.yaml asks for in its comments: every line `# export NAME=value` (the
 * value to the end of the line, optionally in single quotes). Examples and golden scenarios whose
 * secrets must come from `${env:…}` (webhook URLs) say so this way, for a user to copy and for the
 * tests that apply them to set. In a single-quoted value `\\n` is a line break (a PEM bundle on one
 * line: issue 14 item 6), as in the shell's `$'…'` quoting, which a value may use so the line can be
 * pasted into bash or zsh as it is. Pure.
 */
export function declaredEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^#\s+export ([A-Za-z_][A-Za-z0-9_]*)=(\$?'([^']*)'|\S+)\s*$/gm)) out[m[1]!] = m[3] !== undefined ? m[3].replace(/\\n/g, '\n') : m[2]!;
  return out;
}
