/**
 * Renders validation findings as text (compiler style, with code frames), JSON or SARIF 2.1.0.
 *
 * Contract: pure; output is deterministic (findings are already sorted; no timestamps, no absolute
 * paths beyond what the caller passed as the file name). Code frames quote the source line, so they
 * are left out for any line that a secret finding points at.
 */
import type { Finding, Severity } from '../config/model.js';
import { palette } from './colour.js';

export type ReportFormat = 'text' | 'json' | 'sarif';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif'];

export interface ReportInput {
  readonly file: string;
  readonly findings: readonly Finding[];
  /** Source text for code frames (text format only). */
  readonly text?: string | undefined;
}

export interface Counts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface TextOptions {
  readonly color: boolean;
}

const SEVERITY_COLOUR: Record<Severity, 'red' | 'yellow' | 'cyan'> = { error: 'red', warning: 'yellow', info: 'cyan' };
const MAX_FRAME = 160;

/** Compiler-style text: `file:line:col: severity[id]: message`, a code frame, a hint, then a summary. */
export function formatText(input: ReportInput, options: TextOptions): string {
  const c = palette(options.color);
  const lines = input.text === undefined ? undefined : input.text.split(/\r?\n/);
  const secretLines = new Set(input.findings.filter((f) => f.id.startsWith('secret/')).map((f) => f.location.line));
  const out: string[] = [];
  for (const f of input.findings) {
    const where = `${f.location.file}:${f.location.line}:${f.location.column}`;
    out.push(`${c.bold(where)}: ${c[SEVERITY_COLOUR[f.severity]](`${f.severity}[${f.id}]`)}: ${f.message}`);
    const source = lines?.[f.location.line - 1];
    if (source !== undefined && !secretLines.has(f.location.line) && f.location.column - 1 <= MAX_FRAME) {
      const gutter = String(f.location.line);
      const shown = source.length > MAX_FRAME ? `${source.slice(0, MAX_FRAME)}…` : source;
      const pad = ' '.repeat(gutter.length);
      out.push(`${c.dim(` ${gutter} |`)} ${shown.replace(/\t/g, ' ')}`);
      out.push(`${c.dim(` ${pad} |`)} ${' '.repeat(Math.max(0, f.location.column - 1))}${c[SEVERITY_COLOUR[f.severity]]('^')}`);
    }
    if (f.hint) out.push(`  hint: ${f.hint}`);
  }
  const n = countFindings(input.findings);
  if (input.findings.length > 0) out.push('');
  const summary = `${input.file}: ${plural(n.errors, 'error')}, ${plural(n.warnings, 'warning')}, ${plural(n.infos, 'info')}`;
  out.push(n.errors > 0 ? `${summary}: invalid` : `${summary}: valid`);
  return `${out.join('\n')}\n`;
}

/** JSON report: `{ formatVersion, file, valid, counts, findings }`. */
export function formatJson(input: ReportInput): string {
  const counts = countFindings(input.findings);
  const report = {
    formatVersion: 1,
    file: input.file,
    valid: counts.errors === 0,
    counts,
    findings: input.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      message: f.message,
      file: f.location.file,
      line: f.location.line,
      column: f.location.column,
      path: f.path,
      ...(f.hint === undefined ? {} : { hint: f.hint }),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface SarifOptions {
  readonly toolVersion: string;
  /** One-line description per rule id (unknown ids fall back to the id). */
  readonly ruleSummaries: ReadonlyMap<string, string>;
  /** `fullDescription` and `helpUri` per rule id (see src/config/rule-docs.ts); rules without one get neither. */
  readonly ruleDocs?: (id: string, summary: string | undefined) => { readonly description: string; readonly helpUri: string } | undefined;
  /** The tool's home page (`informationUri`). */
  readonly informationUri?: string;
  /**
   * The file's path relative to the source root (the repository checkout), or undefined when it lies
   * outside; relative paths become `uri` + `uriBaseId: "%SRCROOT%"`. Default: a relative file name
   * as given is relative to the root, an absolute one is outside.
   */
  readonly sourceRootPath?: (file: string) => string | undefined;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** The base id of relative artifact URIs: the root of the checkout, as code scanning resolves it. */
export const SARIF_SOURCE_ROOT = '%SRCROOT%';

function encodeSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function isAbsolutePath(slashed: string): boolean {
  return /^[A-Za-z]:\//.test(slashed) || slashed.startsWith('/');
}

/** A SARIF-safe relative URI for a file name: forward slashes, percent-encoded segments. */
export function sarifUri(file: string): string {
  const slashed = file.replace(/\\/g, '/').replace(/^\.\//, '');
  if (isAbsolutePath(slashed)) {
    return `file://${slashed.startsWith('/') ? '' : '/'}${encodeSegments(slashed)}`;
  }
  return encodeSegments(slashed);
}

/**
 * A SARIF artifact location: relative to {@link SARIF_SOURCE_ROOT} when the file is inside the source
 * root, else an absolute `file://` URI without a base id (a base id is only allowed with a relative URI).
 */
export function sarifArtifactLocation(file: string, sourceRootPath?: (file: string) => string | undefined): { uri: string; uriBaseId?: string } {
  const slashed = file.replace(/\\/g, '/').replace(/^\.\//, '');
  const relative = sourceRootPath ? sourceRootPath(file) : isAbsolutePath(slashed) || slashed.startsWith('../') ? undefined : slashed;
  if (relative === undefined) return { uri: sarifUri(file) };
  return { uri: encodeSegments(relative.replace(/\\/g, '/').replace(/^\.\//, '')), uriBaseId: SARIF_SOURCE_ROOT };
}

/** SARIF 2.1.0: one run, rule ids = finding ids, one physical location per result (GitHub code scanning). */
export function formatSarif(input: ReportInput, options: SarifOptions): string {
  const ids = [...new Set(input.findings.map((f) => f.id))].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const severityOf = new Map<string, Severity>();
  for (const f of input.findings) if (!severityOf.has(f.id)) severityOf.set(f.id, f.severity);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'acrctl',
            version: options.toolVersion,
            ...(options.informationUri === undefined ? {} : { informationUri: options.informationUri }),
            rules: ids.map((id) => {
              const summary = options.ruleSummaries.get(id);
              const doc = options.ruleDocs?.(id, summary);
              return {
                id,
                shortDescription: { text: summary ?? id },
                ...(doc === undefined ? {} : { fullDescription: { text: doc.description }, helpUri: doc.helpUri }),
                defaultConfiguration: { level: SARIF_LEVEL[severityOf.get(id) ?? 'error'] },
              };
            }),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: input.findings.map((f) => ({
          ruleId: f.id,
          ruleIndex: index.get(f.id) ?? 0,
          level: SARIF_LEVEL[f.severity],
          message: { text: f.hint ? `${f.message}\nhint: ${f.hint}` : f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: sarifArtifactLocation(f.location.file, options.sourceRootPath),
                region: { startLine: f.location.line, startColumn: f.location.column },
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
