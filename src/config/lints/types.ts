/**
 * The shape of a product lint.
 *
 * Owns: the {@link LintRule} record every lint module exports, and the read-only {@link LintContext}
 * the rules share. Must not import: anything with I/O.
 *
 * Contract: a rule's `check` is pure and total: it must not mutate the document, must not throw for
 * any schema-valid document (references to unknown aliases are the reference checker's business: a
 * rule skips what it cannot resolve), and returns its hits in document order. The rule's `severity`
 * applies to every hit.
 */
import type { Severity } from '../model.js';
import type { LintContext } from './context.js';

export type { LintContext } from './context.js';

/** One problem found by a rule, before it is located in the file. */
export interface LintHit {
  /** JSON path of the node the finding is about (where a reviewer should look first). */
  readonly path: readonly (string | number)[];
  /** What is wrong and what to do about it; never contains secrets. */
  readonly message: string;
  /** Optional second line: the alternative fix, or the document the rule comes from. */
  readonly hint?: string;
}

/** A product lint: stable id, severity, one-line summary (used in docs and SARIF), and the check. */
export interface LintRule {
  /** Stable kebab-case id; never reused for a different rule. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule checks. */
  readonly summary: string;
  readonly check: (ctx: LintContext) => readonly LintHit[];
}
