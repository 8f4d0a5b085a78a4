/**
 * The bridge from validation to the product lints in src/config/lints/.
 *
 * Contract: {@link defaultLints} runs every product lint on a schema-valid, reference-clean document;
 * {@link lintSummaries} lists their ids and one-line summaries (for SARIF rule descriptions).
 */
import type { LintRunner } from './load.js';

/** Runs the product lints. FIXME(lints): wired to src/config/lints/index.ts once it lands. */
export const defaultLints: LintRunner = () => [];

/** Lint id → one-line summary. */
export function lintSummaries(): [string, string][] {
  return [];
}
