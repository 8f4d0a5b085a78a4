/**
 * Lint: tag filters must compile in the service's dialect, RE2 (see ./re2.ts for why and how). Pure.
 */
import { checkRe2 } from './re2.js';
import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

interface TagFilterSite {
  readonly path: readonly (string | number)[];
  readonly pattern: string;
}

function sites(ctx: LintContext): TagFilterSite[] {
  const out: TagFilterSite[] = [];
  for (const { alias, instance } of ctx.instances) {
    (instance.imports ?? []).forEach((rule, index) => {
      if (rule.tagFilter !== undefined) {
        out.push({ path: ['instances', alias, 'imports', index, 'tagFilter'], pattern: rule.tagFilter });
      }
    });
    (instance.replication ?? []).forEach((rule, index) => {
      if (rule.tagFilter !== undefined) {
        out.push({ path: ['instances', alias, 'replication', index, 'tagFilter'], pattern: rule.tagFilter });
      }
      const backfillFilter = rule.backfill?.tagFilter;
      if (backfillFilter !== undefined) {
        out.push({ path: ['instances', alias, 'replication', index, 'backfill', 'tagFilter'], pattern: backfillFilter });
      }
    });
    (instance.subscriptions ?? []).forEach((s, index) => {
      if (s.tagFilter !== undefined) out.push({ path: ['instances', alias, 'subscriptions', index, 'tagFilter'], pattern: s.tagFilter });
    });
  }
  return out;
}

export const tagFilterNotRe2: LintRule = {
  id: 'tag-filter-not-re2',
  severity: 'error',
  summary: 'A tag filter that does not compile as an RE2 regular expression (the service is written in Go)',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const site of sites(ctx)) {
      const result = checkRe2(site.pattern);
      if (result.ok) continue;
      hits.push({
        path: site.path,
        message:
          `tag filter ${JSON.stringify(site.pattern)} is not a valid RE2 expression (${result.message}). ` +
          `Fix the expression; the service compiles tag filters with Go's regexp package`,
        hint: result.hint ?? 'RE2 syntax: https://github.com/google/re2/wiki/Syntax',
      });
    }
    return hits;
  },
};
