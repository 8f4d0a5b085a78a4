/**
 * `acrctl completion bash|zsh|fish`: shell completion scripts generated from the commander
 * command tree, so every command, option and option choice the CLI has is offered, and none it
 * does not. The tree is walked once into {@link CompletionNode}s; each shell's script is a table of
 * those nodes and a small fixed function that finds the command path among the words typed.
 *
 * Load: `source <(acrctl completion bash)`, `source <(acrctl completion zsh)`,
 * `acrctl completion fish | source` (or write the script where the shell looks for completions).
 */
import { Argument, type Command } from 'commander';
import { AcrctlError, ExitCode } from '../errors.js';
import type { CliIo, SetExit } from './io.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionOption {
  /** Every spelling: `-o`, `--out`. */
  readonly flags: readonly string[];
  readonly description: string;
  /** Takes a value (`--out <planfile>`; optional values count: `--emulator[=FILE]`). */
  readonly takesValue: boolean;
  /** The values it accepts, when commander knows them. */
  readonly choices: readonly string[];
}

export interface CompletionNode {
  /** Command names from the root, `[]` for acrctl itself, `['emulator', 'serve']`. */
  readonly path: readonly string[];
  readonly description: string;
  readonly options: readonly CompletionOption[];
  readonly commands: readonly CompletionNode[];
  /** Choices of its first argument (`completion bash|zsh|fish`). */
  readonly argumentChoices: readonly string[];
}

/** The command tree as completion needs it (help and version options included, hidden commands left out). */
export function completionTree(cmd: Command, path: readonly string[] = []): CompletionNode {
  const help = cmd.createHelp();
  const options = help.visibleOptions(cmd).map(
    (o): CompletionOption => ({
      flags: [o.short, o.long].filter((f): f is string => typeof f === 'string'),
      description: firstLine(o.description),
      takesValue: o.required || o.optional,
      choices: o.argChoices ?? [],
    }),
  );
  const commands = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => completionTree(c, [...path, c.name()]));
  const first = (cmd.registeredArguments as readonly Argument[])[0];
  return { path, description: firstLine(cmd.description()), options, commands, argumentChoices: first?.argChoices ?? [] };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}

function nodes(root: CompletionNode): CompletionNode[] {
  return [root, ...root.commands.flatMap(nodes)];
}

export function completionScript(shell: Shell, root: CompletionNode): string {
  switch (shell) {
    case 'bash':
      return bashScript(root);
    case 'zsh':
      return zshScript(root);
    case 'fish':
      return fishScript(root);
  }
}

/** A word safe inside double quotes in bash and zsh (only what the tree can hold is escaped). */
function dq(text: string): string {
  return text.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/** The case tables both bash and zsh use: subcommands, options, value-taking options and choices per command path. */
function shellTables(root: CompletionNode, fn: string): string {
  const all = nodes(root);
  const key = (n: CompletionNode) => `"${dq(n.path.join(' '))}"`;
  const lines: string[] = [];
  lines.push(`${fn}_commands() {`, '  case "$1" in');
  for (const n of all) if (n.commands.length > 0) lines.push(`    ${key(n)}) echo "${dq(n.commands.map((c) => c.path.at(-1)!).join(' '))}" ;;`);
  lines.push('  esac', '}');
  lines.push(`${fn}_options() {`, '  case "$1" in');
  for (const n of all) lines.push(`    ${key(n)}) echo "${dq(n.options.flatMap((o) => o.flags).join(' '))}" ;;`);
  lines.push('  esac', '}');
  lines.push(`# The values an option (or the first argument) accepts; "-" for an option whose value is free (a file).`);
  lines.push(`${fn}_values() {`, '  case "$1|$2" in');
  for (const n of all) {
    for (const o of n.options) {
      if (!o.takesValue) continue;
      for (const f of o.flags) lines.push(`    "${dq(`${n.path.join(' ')}|${f}`)}") echo "${o.choices.length > 0 ? dq(o.choices.join(' ')) : '-'}" ;;`);
    }
    if (n.argumentChoices.length > 0) lines.push(`    "${dq(`${n.path.join(' ')}|`)}") echo "${dq(n.argumentChoices.join(' '))}" ;;`);
  }
  lines.push('  esac', '}');
  // The command path: the words before the cursor that name subcommands, options' values skipped.
  lines.push(
    `${fn}_path() {`,
    '  local path="" skip=0 w subs v',
    '  for w in "$@"; do',
    '    if [ "$skip" = 1 ]; then skip=0; continue; fi',
    '    case "$w" in',
    '      -*=*) continue ;;',
    `      -*) v="$(${fn}_values "$path" "$w")"; [ -n "$v" ] && skip=1; continue ;;`,
    '    esac',
    `    subs=" $(${fn}_commands "$path") "`,
    '    case "$subs" in *" $w "*) path="${path:+$path }$w" ;; esac',
    '  done',
    '  echo "$path"',
    '}',
  );
  return lines.join('\n');
}

function bashScript(root: CompletionNode): string {
  const fn = '_acrctl';
  return `# bash completion for acrctl (generated by acrctl completion bash from its command tree).
# Load it with: source <(acrctl completion bash)
${shellTables(root, fn)}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" path values
  [ "$COMP_CWORD" -gt 1 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  path="$(${fn}_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  COMPREPLY=()
  case "$prev" in
    -*=*) ;;
    -*)
      values="$(${fn}_values "$path" "$prev")"
      if [ "$values" = "-" ]; then COMPREPLY=($(compgen -f -- "$cur")); return 0; fi
      if [ -n "$values" ]; then COMPREPLY=($(compgen -W "$values" -- "$cur")); return 0; fi
      ;;
  esac
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$(${fn}_options "$path")" -- "$cur")); return 0 ;;
  esac
  local subs; subs="$(${fn}_commands "$path")"
  if [ -n "$subs" ]; then COMPREPLY=($(compgen -W "$subs" -- "$cur")); return 0; fi
  values="$(${fn}_values "$path" "")"
  if [ -n "$values" ]; then COMPREPLY=($(compgen -W "$values" -- "$cur")); return 0; fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o default -F ${fn} acrctl
`;
}

function zshScript(root: CompletionNode): string {
  const fn = '_acrctl';
  const all = nodes(root);
  const described = ['_acrctl_described() {', '  case "$1" in'];
  for (const n of all) {
    if (n.commands.length === 0) continue;
    described.push(`    "${dq(n.path.join(' '))}") reply=(${n.commands.map((c) => `"${dq(`${c.path.at(-1)!}:${c.description.replace(/:/g, '\\:')}`)}"`).join(' ')}) ;;`);
  }
  described.push('    *) reply=() ;;', '  esac', '}');
  return `#compdef acrctl
# zsh completion for acrctl (generated by acrctl completion zsh from its command tree).
# Load it with: source <(acrctl completion zsh), or save it as _acrctl in a directory of $fpath.
${shellTables(root, fn)}
${described.join('\n')}
${fn}() {
  local cur="\${words[CURRENT]}" prev="" path values
  local -a reply
  (( CURRENT > 2 )) && prev="\${words[CURRENT-1]}"
  path="$(${fn}_path "\${(@)words[2,CURRENT-1]}")"
  case "$prev" in
    -*=*) ;;
    -*)
      values="$(${fn}_values "$path" "$prev")"
      if [[ "$values" == "-" ]]; then _files; return; fi
      if [[ -n "$values" ]]; then compadd -- \${=values}; return; fi
      ;;
  esac
  if [[ "$cur" == -* ]]; then compadd -- \${=$(${fn}_options "$path")}; return; fi
  _acrctl_described "$path"
  if (( \${#reply} > 0 )); then _describe -t commands 'acrctl command' reply; return; fi
  values="$(${fn}_values "$path" "")"
  if [[ -n "$values" ]]; then compadd -- \${=values}; return; fi
  _files
}
compdef ${fn} acrctl
`;
}

/** A single-quoted fish string. */
function sq(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function fishScript(root: CompletionNode): string {
  const lines = [
    '# fish completion for acrctl (generated by acrctl completion fish from its command tree).',
    '# Load it with: acrctl completion fish | source, or save it as ~/.config/fish/completions/acrctl.fish',
    'complete -c acrctl -f',
    '# The command path typed so far: the words that name subcommands.',
    'function __acrctl_path',
    '    set -l tokens (commandline -opc)',
    '    set -e tokens[1]',
    '    set -l path',
    '    for w in $tokens',
    '        if string match -q -- "-*" $w',
    '            continue',
    '        end',
    '        if contains -- "$w" (__acrctl_commands (string join " " $path))',
    '            set -a path $w',
    '        end',
    '    end',
    '    string join " " $path',
    'end',
    'function __acrctl_commands',
    '    switch "$argv[1]"',
  ];
  const all = nodes(root);
  for (const n of all) {
    if (n.commands.length === 0) continue;
    lines.push(`        case ${sq(n.path.join(' '))}`, `            printf '%s\\n' ${n.commands.map((c) => sq(c.path.at(-1)!)).join(' ')}`);
  }
  lines.push('    end', 'end', 'function __acrctl_at', '    set -l p (__acrctl_path)', '    test "$p" = "$argv"', 'end');
  for (const n of all) {
    const at = `'__acrctl_at ${n.path.join(' ')}'`;
    for (const c of n.commands) lines.push(`complete -c acrctl -n ${at} -a ${sq(c.path.at(-1)!)} -d ${sq(c.description)}`);
    if (n.argumentChoices.length > 0) lines.push(`complete -c acrctl -n ${at} -a ${sq(n.argumentChoices.join(' '))}`);
    for (const o of n.options) {
      const parts = ['complete -c acrctl', `-n ${at}`];
      for (const f of o.flags) parts.push(f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
      if (o.takesValue) parts.push(o.choices.length > 0 ? `-x -a ${sq(o.choices.join(' '))}` : '-r -F');
      parts.push(`-d ${sq(o.description)}`);
      lines.push(parts.join(' '));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerCompletion(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(acrctl completion bash)')
    .addArgument(new Argument('<shell>', 'the shell').choices([...SHELLS]))
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new AcrctlError('cli.bad-option', `no completion for shell ${shell}`, { hint: `one of ${SHELLS.join(', ')}` });
      io.stdout.write(completionScript(shell as Shell, completionTree(program)));
      setExit(ExitCode.ok);
    });
}
