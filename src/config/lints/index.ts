/**
 * Product lints of `registry.yaml`: the rules of Container Registry that the service would only
 * enforce at apply time, or not at all (DOMAIN.md). Reference: docs/lints.md.
 *
 * Owns: the registry table {@link LINTS} (ids, severities, summaries, checks) and {@link runLints}.
 * Must not import: `node:` modules, cloud clients, the CLI. Everything here is pure.
 */
import type { Finding, RegistryDocument } from '../model.js';
import type { SourceLocation } from '../../errors.js';
import { LintContext } from './context.js';
import { COVERAGE_LINTS } from './coverage.js';
import { CROSS_REGION_LINTS } from './cross-region.js';
import { DATACENTER_LINTS } from './datacenter.js';
import { customDomainCertificateExpiresSoon, customDomainChartNeedsCharts } from './custom-domain.js';
import { IMPORT_LINTS } from './imports.js';
import { NAMING_LINTS } from './naming.js';
import { PE_DOMAIN_LINTS } from './pe-domain.js';
import { REPLICATION_LINTS } from './replication.js';
import { SECURITY_LINTS } from './security.js';
import { tagFilterNotRe2 } from './tag-filter.js';
import type { LintHit, LintRule } from './types.js';

export type { LintHit, LintRule } from './types.js';
export { BACKFILL_TASK_THRESHOLD } from './replication.js';
export { IMPORT_REGIONS, IMPORT_LATEST_MAX, IMPORT_LATEST_MIN } from './imports.js';
export { RESERVED_NAMESPACES } from './pe-domain.js';
export { checkRe2, type Re2Result } from './re2.js';

/** Every lint, in reporting order. Ids are unique and stable (a test checks uniqueness). */
export const LINTS: readonly LintRule[] = [
  ...PE_DOMAIN_LINTS,
  ...REPLICATION_LINTS,
  ...IMPORT_LINTS,
  tagFilterNotRe2,
  ...CROSS_REGION_LINTS,
  ...DATACENTER_LINTS,
  ...SECURITY_LINTS,
  ...NAMING_LINTS,
  ...COVERAGE_LINTS,
  customDomainChartNeedsCharts, // gaps item 3: custom domains of the Chart module
  customDomainCertificateExpiresSoon, // issue 14 item 6: PEM certificates of custom domains
];

/**
 * Runs every lint (or the given `rules`, for tests and tools) over a schema-valid document and
 * returns the findings, located with `locate`.
 *
 * Pure: no I/O, does not mutate `doc`; deterministic order (by lint, then document order). A lint that
 * throws is a bug in acrctl, not in the user's file: it becomes an `internal-lint-failure` error
 * finding at the document root, so the other findings are still reported.
 */
export function runLints(
  doc: RegistryDocument,
  locate: (path: readonly (string | number)[]) => SourceLocation,
  rules: readonly LintRule[] = LINTS,
): Finding[] {
  const ctx = new LintContext(doc);
  const findings: Finding[] = [];
  for (const lint of rules) {
    let hits: readonly LintHit[];
    try {
      hits = lint.check(ctx);
    } catch (err) {
      findings.push({
        id: 'internal-lint-failure',
        severity: 'error',
        message: `lint ${lint.id} failed on this document (${err instanceof Error ? err.message : 'unknown error'}); this is a bug in acrctl, please report it`,
        location: locate([]),
        path: [],
      });
      continue;
    }
    for (const hit of hits) {
      findings.push({
        id: lint.id,
        severity: lint.severity,
        message: hit.message,
        location: locate(hit.path),
        path: hit.path,
        ...(hit.hint === undefined ? {} : { hint: hit.hint }),
      });
    }
  }
  return findings;
}
