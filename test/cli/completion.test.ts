/**
 * `acrctl completion bash|zsh|fish` (issue 15, item 6): the bash script, run in bash through
 * `compgen`, offers every command and every option of the commander tree, option choices and
 * subcommands at every level. zsh and fish are not installed here: their scripts are checked to
 * name every command and option of the tree (and zsh's to parse as bash-compatible tables).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionTree, type CompletionNode } from '../../src/cli/completion.js';
import { registerCommands } from '../../src/cli/commands.js';
import { runCli } from '../support/cli.js';

let dir: string;
let bashFile: string;
let tree: CompletionNode;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'acrctl-completion-'));
  const r = await runCli(['completion', 'bash'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  bashFile = join(dir, 'acrctl.bash');
  writeFileSync(bashFile, r.stdout);
  // The same tree main() builds.
  const program = new Command('acrctl').version('0', '-V, --version', 'print the acrctl version').option('--debug', 'debug');
  registerCommands(program, { stdout: process.stdout, stderr: process.stderr, env: {}, cwd: dir }, () => undefined);
  tree = completionTree(program);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash completes for `acrctl <words…>` with the cursor on the last word. */
function complete(...words: string[]): string[] {
  const arr = ['acrctl', ...words].map((w) => `'${w}'`).join(' ');
  const script = `source '${bashFile}'; COMP_WORDS=(${arr}); COMP_CWORD=${words.length}; _acrctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter((l) => l !== '');
}

const all = (n: CompletionNode): CompletionNode[] => [n, ...n.commands.flatMap(all)];

describe('bash completion', () => {
  it('offers every top-level command, and the new ones', () => {
    const offered = complete('');
    expect(offered.sort()).toEqual(tree.commands.map((c) => c.path[0]!).sort());
    expect(offered).toEqual(expect.arrayContaining(['plan', 'apply', 'destroy', 'drift', 'version', 'completion', 'emulator']));
    expect(complete('de')).toEqual(['destroy']);
  });

  it('offers every option of every command, at every level', () => {
    let checked = 0;
    for (const n of all(tree)) {
      const offered = new Set(complete(...n.path, '-'));
      for (const o of n.options) for (const f of o.flags) expect(offered, `${n.path.join(' ') || 'acrctl'} ${f}`).toContain(f);
      checked += n.options.length;
    }
    expect(checked).toBeGreaterThan(60);
    expect(complete('apply', '--re')).toEqual(expect.arrayContaining(['--resume', '--replan', '--report']));
  });

  it('offers subcommands below a command, option choices, argument choices, and files for free values', () => {
    expect(complete('emulator', '').sort()).toEqual(['registry', 'seed', 'serve']);
    expect(complete('emulator', 'serve', '--')).toContain('--port');
    expect(complete('plan', '--format', '')).toEqual(['text', 'markdown', 'json']);
    expect(complete('drift', '--fail-on', 'u')).toEqual(['unmanaged']);
    expect(complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    // A value after an option that takes one is not taken for a command word.
    expect(complete('-f', 'x.yaml', 'pl')).toEqual(['plan']);
    writeFileSync(join(dir, 'saved-plan.json'), '{}');
    expect(complete('apply', '--report', 'saved-')).toEqual(['saved-plan.json']);
  });
});

describe('zsh and fish completion', () => {
  it('name every command and option of the tree', async () => {
    for (const shell of ['zsh', 'fish']) {
      const r = await runCli(['completion', shell], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      for (const n of all(tree)) {
        for (const c of n.commands) expect(r.stdout, `${shell}: ${c.path.join(' ')}`).toContain(c.path.at(-1)!);
        for (const o of n.options) for (const f of o.flags) expect(r.stdout, `${shell}: ${n.path.join(' ')} ${f}`).toContain(shell === 'fish' ? (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`) : f);
      }
    }
  });

  it('an unknown shell is a usage error', async () => {
    const r = await runCli(['completion', 'tcsh'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tcsh');
  });
});

describe('acrctl version', () => {
  it('prints the version, plan format and runtime; --json as one object; -V stays', async () => {
    const text = await runCli(['version'], { cwd: dir });
    expect(text.stdout).toMatch(/^acrctl \d+\.\d+\.\d+\nplan format \d+\nnode v\d+/);
    const json = await runCli(['version', '--json'], { cwd: dir });
    const v = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(v).sort()).toEqual(['node', 'planFormatVersion', 'platform', 'version']);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
    const short = await runCli(['-V'], { cwd: dir });
    expect(short.stdout.trim()).toBe(v['version']);
  });
});
