/**
 * `acrctl validate [-f FILE] [--format text|json|sarif] [--policy-file FILE…]`: loads registry.yaml
 * and reports every finding (YAML, schema, references, product lints) at its file:line:column.
 * With `--policy-file`, also warns (stderr, `warning[policy.stale]`, exit code unchanged) when a
 * committed `acrctl policy --format json` file no longer allows every call its command makes for
 * this config (an unreadable file is an error).
 *
 * Exit code: 0 when there is no error finding (warnings and infos allowed), 1 otherwise. The report
 * goes to stdout in every format (so `--format sarif > results.sarif` works); nothing secret is printed.
 * On GitHub Actions the findings are also annotations on stderr (text and json formats; SARIF is
 * for code scanning, which makes its own).
 */
import { resolve } from 'node:path';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { AcrctlError, ExitCode } from '../errors.js';
import { hasErrors, loadConfig, type ConfigFs } from '../config/load.js';
import { defaultLints, lintSummaries } from '../config/lint-runner.js';
import { formatJson, formatSarif, formatText, REPORT_FORMATS, type ReportFormat } from '../render/findings.js';
import { ruleDoc } from '../config/rule-docs.js';
import { VALIDATION_RULES } from '../config/rules.js';
import { DEFAULT_MAX_BYTES } from '../config/source.js';
import { allKinds } from '../kinds/index.js';
import { derivePolicies, POLICY_COMMANDS, uncovered } from '../kinds/policy.js';
import type { PolicyCommand } from '../plan/kind.js';
import type { RegistryDocument } from '../config/model.js';
import { languageReferences } from '../kinds/language.js';
import { HOMEPAGE, VERSION } from '../version.js';
import { CONFIG_FILE_HELP, useColor } from './estate.js';
import { annotate, configAnnotations, pathContext, workspacePath } from './github.js';
import type { CliIo, SetExit } from './io.js';

interface ValidateFlags {
  readonly file: string;
  readonly format: ReportFormat;
  readonly maxBytes: number;
  /** `--policy-file`: committed `acrctl policy --format json` outputs to check against the config. */
  readonly policyFile?: string[];
}

export function registerValidate(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('validate')
    .description('check registry.yaml: YAML, schema, references and product lints, each at file:line:column')
    .option('-f, --file <path>', CONFIG_FILE_HELP, 'registry.yaml')
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('--max-bytes <n>', 'refuse files larger than this', parseMaxBytes, DEFAULT_MAX_BYTES)
    .option('--policy-file <file...>', 'warn when a committed `acrctl policy --format json` file no longer covers what the config needs')
    .action(async (flags: ValidateFlags) => {
      setExit(await runValidate(flags, io));
    });
}

function parseMaxBytes(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new AcrctlError('cli.bad-option', `--max-bytes must be a positive whole number of bytes, got "${value.slice(0, 40)}"`);
  }
  return n;
}

/** Runs validation and writes the report; resolves to the exit code. */
export async function runValidate(flags: ValidateFlags, io: CliIo): Promise<number> {
  const fs: ConfigFs = {
    stat: (p) => stat(resolve(io.cwd, p)),
    readFile: (p) => readFile(resolve(io.cwd, p)),
    lstat: (p) => lstat(resolve(io.cwd, p)),
    realpath: (p) => realpath(resolve(io.cwd, p)),
  };
  const result = await loadConfig(flags.file, { env: io.env, maxBytes: flags.maxBytes, fs, lint: defaultLints, references: languageReferences(allKinds) });
  const input = { file: result.file, findings: result.findings, text: result.text };
  let output: string;
  switch (flags.format) {
    case 'json':
      output = formatJson(input);
      break;
    case 'sarif': {
      const summaries = new Map<string, string>([...VALIDATION_RULES.map((r) => [r.id, r.summary] as const), ...lintSummaries()]);
      const paths = pathContext(io);
      output = formatSarif(input, {
        toolVersion: VERSION,
        ruleSummaries: summaries,
        ruleDocs: ruleDoc,
        informationUri: HOMEPAGE,
        sourceRootPath: (file) => workspacePath(file, paths),
      });
      break;
    }
    case 'text':
      output = formatText(input, { color: useColor(io, 'stdout') });
      break;
  }
  io.stdout.write(output);
  // SARIF goes to code scanning, which annotates the pull request from it: annotating here as well
  // would show every finding twice.
  if (flags.format !== 'sarif') annotate(io, () => configAnnotations(result.findings, pathContext(io)));
  if (hasErrors(result.findings) || result.document === undefined) return ExitCode.error;
  for (const f of flags.policyFile ?? []) io.stderr.write(policyFileWarnings(f, await readPolicyFile(f, io), result.document).map((w) => `warning[policy.stale]: ${w}\n`).join(''));
  return ExitCode.ok;
}

interface PolicyFile {
  readonly command: PolicyCommand;
  readonly accounts: ReadonlyMap<string, unknown>;
}

/** Reads a committed policy file (the json form of `acrctl policy`); a broken one is an error. */
async function readPolicyFile(file: string, io: CliIo): Promise<PolicyFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
  } catch (err) {
    throw new AcrctlError('policy.file', `--policy-file ${file}: cannot read it as JSON`, { cause: err, hint: 'write it with acrctl policy --for <command> --format json' });
  }
  const o = raw as { command?: unknown; accounts?: unknown } | null;
  const command = o?.command;
  if (typeof command !== 'string' || !(POLICY_COMMANDS as readonly string[]).includes(command) || !Array.isArray(o?.accounts)) {
    throw new AcrctlError('policy.file', `--policy-file ${file}: not the output of acrctl policy --format json (it needs "command" and "accounts")`, {
      hint: 'write it with acrctl policy --for <command> --format json',
    });
  }
  const accounts = new Map<string, unknown>();
  for (const a of o!.accounts as unknown[]) {
    const e = a as { account?: unknown; policy?: unknown } | null;
    if (typeof e?.account === 'string') accounts.set(e.account, e.policy);
  }
  return { command: command as PolicyCommand, accounts };
}

/** What a committed policy file no longer allows of what the config needs now, one line per account. */
export function policyFileWarnings(file: string, committed: PolicyFile, config: RegistryDocument): string[] {
  const out: string[] = [];
  const again = `regenerate it: acrctl policy --for ${committed.command} --format json > ${file}`;
  for (const p of derivePolicies(allKinds, config, committed.command)) {
    const doc = committed.accounts.get(p.account);
    if (doc === undefined) {
      if (p.grants.length > 0) out.push(`${file}: has no policy for account ${p.account}, which acrctl ${committed.command} needs; ${again}`);
      continue;
    }
    const missing = uncovered(doc, p.grants);
    if (missing.length === 0) continue;
    const shown = missing.slice(0, 3).map((g) => `${g.action} on ${g.resource}`);
    const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
    out.push(`${file}: the policy of account ${p.account} no longer covers what acrctl ${committed.command} needs: ${shown.join('; ')}${more}; ${again}`);
  }
  return out;
}
