/**
 * `acrctl validate [-f FILE] [--format text|json|sarif]`: loads registry.yaml and reports every
 * finding (YAML, schema, references, product lints) at its file:line:column.
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
import { languageReferences } from '../kinds/language.js';
import { HOMEPAGE, VERSION } from '../version.js';
import { CONFIG_FILE_HELP, useColor } from './estate.js';
import { annotate, configAnnotations, pathContext, workspacePath } from './github.js';
import type { CliIo, SetExit } from './io.js';

interface ValidateFlags {
  readonly file: string;
  readonly format: ReportFormat;
  readonly maxBytes: number;
}

export function registerValidate(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('validate')
    .description('check registry.yaml: YAML, schema, references and product lints, each at file:line:column')
    .option('-f, --file <path>', CONFIG_FILE_HELP, 'registry.yaml')
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('--max-bytes <n>', 'refuse files larger than this', parseMaxBytes, DEFAULT_MAX_BYTES)
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
  return hasErrors(result.findings) ? ExitCode.error : ExitCode.ok;
}
