/**
 * The bridge from validation to the product lints in src/config/lints/.
 *
 * Contract: {@link defaultLints} runs every product lint on a schema-valid, reference-clean document
 * (validation only calls it then); {@link lintSummaries} lists their ids and one-line summaries (for
 * SARIF rule descriptions).
 */
import { LINTS, runLints } from './lints/index.js';
import type { SourceLocation } from '../errors.js';
import type { Finding, RegistryDocument } from './model.js';

/** Runs product lints on a valid document. */
export type LintRunner = (doc: RegistryDocument, locate: (path: readonly (string | number)[]) => SourceLocation) => Finding[];

/** Runs every product lint. */
export const defaultLints: LintRunner = (doc, locate) => runLints(doc, locate);

/** Lint id → one-line summary. */
export function lintSummaries(): [string, string][] {
  return LINTS.map((l) => [l.id, l.summary]);
}
