/**
 * Loading a registry.yaml: bytes → text → YAML (positions kept) → secrets scan → `${env:NAME}` →
 * schema → references → product lints, with every finding positioned and sorted.
 *
 * Owns: the order of the stages and the {@link LoadResult} contract the planner relies on.
 * Must not import: cloud clients, src/plan, src/cli.
 *
 * Contract:
 *  - {@link validateSource} is pure (the environment, lints and reference checks come in through options).
 *  - {@link loadConfig} adds file reading: the size is checked with `stat` before the file is read, so
 *    a huge file fails fast; a missing file is an {@link AcrctlError} (there is no position to give).
 *  - All findings are reported in one pass and sorted by position. Product lints need a schema-valid,
 *    reference-clean document: when earlier stages found errors, they run on the rest of the
 *    document (every top-level entry holding an error set aside: an instance, an account, a list
 *    item), so an error in one part does not hide the lints of the others.
 *  - `document` is present exactly when there is no error finding; it is the interpolated value, with
 *    no defaults filled in.
 *  - No message contains a secret value.
 */
import { lstat as fsLstat, readFile as fsReadFile, realpath as fsRealpath, stat as fsStat } from 'node:fs/promises';
import { AcrctlError, type SourceLocation } from '../errors.js';
import { createLocator, type Locator } from './locate.js';
import type { Finding, ReferenceCheck, RegistryDocument } from './model.js';
import { DEFAULT_PARSE_LIMITS, parseYaml, type ParseLimits } from './parse.js';
import { checkReferences } from './references.js';
import { checkSchema } from './schema.js';
import { pathKey, scanSecrets } from './secrets.js';
import { DEFAULT_MAX_BYTES, decodeSource, tooLarge } from './source.js';
import { interpolateEnv } from './env.js';
import { defaultLints, type LintRunner } from './lint-runner.js';

export type { LintRunner } from './lint-runner.js';

export interface ValidateOptions {
  /** Variables for `${env:NAME}`. Default: none (every reference is reported missing). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Size limit in bytes. Default {@link DEFAULT_MAX_BYTES}. */
  readonly maxBytes?: number;
  readonly parseLimits?: ParseLimits;
  /** Product lints to run on a clean document. Default: every lint of src/config/lints; `false`: none. */
  readonly lint?: LintRunner | false;
  /**
   * The reference checks of the language's parts: each kind declares its own (src/kinds/language.ts
   * `languageReferences` gives them all; the CLI passes them). Default: none.
   */
  readonly references?: readonly ReferenceCheck[];
}

export interface LoadResult {
  /** The file name as given (used in every location). */
  readonly file: string;
  /** The validated document; present exactly when `findings` holds no error. */
  readonly document: RegistryDocument | undefined;
  /** Every finding, sorted by line, column, then severity and id. */
  readonly findings: readonly Finding[];
  /**
   * Decoded source text for code frames: only when decoding succeeded and the text reads as a
   * registry.yaml ({@link looksLikeConfig}), so a file that is not one is never quoted.
   */
  readonly text: string | undefined;
  /** Positions of document paths; undefined when the YAML could not be parsed. */
  readonly locate: Locator | undefined;
  /**
   * Values interpolated from secret-looking environment variables (src/config/secrets.ts
   * isSecretName): plans mark the fields holding them sensitive, and outputs mask them.
   */
  readonly sensitiveValues: readonly string[];
}

/** True when a result holds an error finding. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Validates the bytes (or text) of one registry.yaml. */
export function validateSource(source: Uint8Array | string, file: string, options: ValidateOptions = {}): LoadResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const decoded = decodeSource(bytes, file, maxBytes);
  if (!decoded.ok) return result(file, undefined, [decoded.finding], undefined, undefined);
  const text = decoded.text;

  // Code frames quote the file: only a file that reads as a registry.yaml is ever quoted (a token
  // or credentials file given by mistake is not echoed line by line).
  const frames = looksLikeConfig(text) ? text : undefined;
  const parsed = parseYaml(text, file, options.parseLimits ?? DEFAULT_PARSE_LIMITS);
  if (parsed.value === undefined || parsed.doc === undefined) return result(file, undefined, parsed.findings, frames, undefined);
  const locate = createLocator(parsed.doc, parsed.lineCounter, file);
  const findings: Finding[] = [...parsed.findings];

  const secrets = scanSecrets(parsed.value, locate);
  findings.push(...secrets.findings);
  const interpolated = interpolateEnv(parsed.value, options.env ?? {}, locate);
  findings.push(...interpolated.findings);
  const noEcho = new Set([...secrets.secretKeyPaths, ...interpolated.secretPaths]);
  const value = interpolated.value;

  // A value whose variable is missing still holds the literal reference: do not also call it malformed.
  const unresolved = new Set(interpolated.findings.map((f) => pathKey(f.path)));
  const schemaFindings = checkSchema(value, locate, { noEcho, secretKeyPaths: secrets.secretKeyPaths });
  findings.push(...schemaFindings.filter((f) => !unresolved.has(pathKey(f.path)) && !explainedByParse(f, parsed.findings)));
  findings.push(...checkReferences(value, locate, options.references ?? []));

  const sensitive = [...interpolated.secretValues];
  const lint = options.lint ?? defaultLints;
  if (hasErrors(findings)) {
    // One pass: an error in one part must not hide the product lints of the rest. The lints run on
    // what is left once every top-level entry holding an error is set aside, when that is clean.
    if (lint) findings.push(...lintRest(value, findings, locate, lint, options.references ?? [], { noEcho, secretKeyPaths: secrets.secretKeyPaths }));
    return result(file, undefined, findings, frames, locate, sensitive);
  }
  const document = value as RegistryDocument;
  if (lint) findings.push(...lint(document, (path) => locate(path)));
  return result(file, hasErrors(findings) ? undefined : document, findings, frames, locate, sensitive);
}

/** Top-level maps whose entries can be set aside one by one (an instance, an account), and lists whose items can. */
const SEPARABLE = new Set(['instances', 'accounts']);

/**
 * The product lints of the parts of a document without errors: each top-level entry or item that
 * holds an error finding (`instances.<alias>`, `accounts.<alias>`, `<list>[i]`) is removed, the rest
 * is checked again (schema and references, since removing an account can orphan an instance) and,
 * once clean, linted. Findings inside removed parts are never produced twice. Empty when the error
 * is at the top of the document (nothing separable to lint). Pure.
 */
function lintRest(
  value: unknown,
  errors: readonly Finding[],
  locate: Locator,
  lint: LintRunner,
  references: readonly ReferenceCheck[],
  schemaOptions: Parameters<typeof checkSchema>[2],
): Finding[] {
  let doc: unknown = value;
  let pending = errors.filter((f) => f.severity === 'error');
  for (let round = 0; round < 4 && pending.length > 0; round++) {
    const pruned = setAside(doc, pending.map((f) => f.path));
    if (pruned === undefined) return [];
    doc = pruned;
    pending = [...checkSchema(doc, locate, schemaOptions), ...checkReferences(doc, locate, references)].filter((f) => f.severity === 'error');
  }
  if (pending.length > 0) return [];
  const seen = new Set(errors.map((f) => `${f.id}\u0000${pathKey(f.path)}`));
  try {
    return lint(doc as RegistryDocument, (path) => locate(path)).filter((f) => !seen.has(`${f.id}\u0000${pathKey(f.path)}`));
  } catch {
    return []; // a lint that cannot read what is left says nothing rather than something wrong
  }
}

/** A copy of `doc` without the separable parts holding these paths; undefined when one is not separable. */
function setAside(doc: unknown, paths: readonly (readonly (string | number)[])[]): unknown {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const out: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  const drop = new Map<string, Set<string | number>>();
  for (const p of paths) {
    const [top, entry] = p;
    if (typeof top !== 'string' || entry === undefined) return undefined;
    const container = out[top];
    const separable = (SEPARABLE.has(top) && container !== null && typeof container === 'object' && !Array.isArray(container)) || Array.isArray(container);
    if (!separable) return undefined;
    let set = drop.get(top);
    if (!set) drop.set(top, (set = new Set()));
    set.add(entry);
  }
  for (const [top, entries] of drop) {
    const container = out[top];
    if (Array.isArray(container)) out[top] = container.filter((_, i) => !entries.has(i));
    else out[top] = Object.fromEntries(Object.entries(container as Record<string, unknown>).filter(([k]) => !entries.has(k)));
  }
  return out;
}

/**
 * Whether a text reads as a registry.yaml: one of its top-level keys (version, accounts,
 * instances, crossRegionAccess) starts a line. Anything else (a token, a key file, JSON credentials)
 * is never quoted in a code frame.
 */
export function looksLikeConfig(text: string): boolean {
  return /^(version|accounts|instances|crossRegionAccess)\s*:/m.test(text);
}

/** Parse findings that drop a node (bad key, bad alias, bad value). */
const DROPPING = new Set(['config/unsafe-key', 'yaml/complex-key', 'yaml/unknown-anchor', 'yaml/unsupported-value']);

/**
 * True when a schema finding only restates a node the parser already dropped and reported: an error
 * at or under the dropped node, or a missing-key / too-few-entries error on the map that lost it.
 */
function explainedByParse(f: Finding, parseFindings: readonly Finding[]): boolean {
  for (const d of parseFindings) {
    if (!DROPPING.has(d.id)) continue;
    if (startsWith(f.path, d.path)) return true;
    const container = d.id === 'yaml/complex-key' ? d.path : d.path.slice(0, -1);
    if ((f.id === 'schema/range' || f.id === 'schema/required' || f.id === 'schema/invalid') && samePath(f.path, container)) return true;
  }
  return false;
}

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

/** Where {@link loadConfig} reads files from; injected in tests. */
export interface ConfigFs {
  stat(path: string): Promise<{ size: number; isFile(): boolean }>;
  readFile(path: string): Promise<Uint8Array>;
  /** Without the link followed; with {@link realpath}, lets a link to a file that is not YAML be refused. */
  lstat?(path: string): Promise<{ isSymbolicLink(): boolean }>;
  realpath?(path: string): Promise<string>;
}

export interface LoadOptions extends ValidateOptions {
  readonly fs?: ConfigFs;
}

const nodeFs: ConfigFs = { stat: fsStat, readFile: (p) => fsReadFile(p), lstat: fsLstat, realpath: fsRealpath };

/**
 * Reads and validates a registry.yaml. `file` is used as given in every location (pass it relative to
 * the working directory for readable output). Throws {@link AcrctlError} only when the file cannot be
 * read at all; every problem inside the file is a finding.
 */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const fs = options.fs ?? nodeFs;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  await refuseLinkToNonYaml(file, fs);
  let size: number;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) {
      throw new AcrctlError('config.not-a-file', `cannot read ${file}: it is not a regular file`, { hint: 'pass the path of a registry.yaml with -f' });
    }
    size = st.size;
  } catch (err) {
    if (err instanceof AcrctlError) throw err;
    throw unreadable(file, err);
  }
  if (size > maxBytes) return result(file, undefined, [tooLarge(file, size, maxBytes)], undefined, undefined);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw unreadable(file, err);
  }
  return validateSource(bytes, file, options);
}

/**
 * A config given through a symbolic link is read only when the link leads to a .yaml or .yml file:
 * a link to a token or credentials file would otherwise have its content parsed and quoted.
 */
async function refuseLinkToNonYaml(file: string, fs: ConfigFs): Promise<void> {
  if (!fs.lstat || !fs.realpath) return;
  let link: boolean;
  try {
    link = (await fs.lstat(file)).isSymbolicLink();
  } catch {
    return; // a missing file is reported by the stat that follows
  }
  if (!link) return;
  let target: string;
  try {
    target = await fs.realpath(file);
  } catch (err) {
    throw new AcrctlError('config.unreadable', `cannot read ${file}: it is a symbolic link that leads nowhere`, { hint: 'point -f at the registry.yaml itself', cause: err });
  }
  if (!/\.ya?ml$/i.test(target)) {
    throw new AcrctlError('config.not-yaml', `cannot read ${file}: it is a symbolic link to ${target}, which is not a .yaml or .yml file, so acrctl does not read it`, {
      hint: 'pass the path of the registry.yaml itself with -f (a link to a token or credentials file would have its content quoted in error messages)',
    });
  }
}

function unreadable(file: string, err: unknown): AcrctlError {
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : 'read failed';
  return new AcrctlError('config.unreadable', `cannot read ${file}: ${reason}`, {
    ...(code === 'ENOENT' ? { hint: 'run acrctl in the directory holding registry.yaml, or pass its path with -f' } : {}),
    cause: err,
  });
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Sorts by position, then severity, then id; drops exact duplicates. Returns a new array. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.id}\u0000${f.location.line}\u0000${f.location.column}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

function result(file: string, document: RegistryDocument | undefined, findings: readonly Finding[], text: string | undefined, locate: Locator | undefined, sensitiveValues: readonly string[] = []): LoadResult {
  return { file, document, findings: sortFindings(findings), text, locate, sensitiveValues };
}
