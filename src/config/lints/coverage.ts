/**
 * Lints of the issue-14 kinds (retention, scanning, webhooks): their tag expressions must compile in
 * the service's dialect, RE2 (see ./re2.ts), and a retention rule that keeps almost nothing is worth
 * a second look. Pure.
 */
import { checkRe2 } from './re2.js';
import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

interface PatternSite {
  readonly path: readonly (string | number)[];
  readonly pattern: string;
  readonly what: string;
}

function sites(ctx: LintContext): PatternSite[] {
  const out: PatternSite[] = [];
  for (const { alias, instance } of ctx.instances) {
    (instance.lifecycleRules ?? []).forEach((rule, index) => {
      if (rule.keepTags !== undefined && rule.keepTags !== '') out.push({ path: ['instances', alias, 'lifecycleRules', index, 'keepTags'], pattern: rule.keepTags, what: 'keepTags' });
    });
    (instance.scanRules ?? []).forEach((rule, index) => {
      if (rule.tagFilter !== undefined) out.push({ path: ['instances', alias, 'scanRules', index, 'tagFilter'], pattern: rule.tagFilter, what: 'scan rule tagFilter' });
    });
    // issue 14 item 10: event rules (API RepoTagFilterPattern)
    (instance.eventRules ?? []).forEach((rule, index) => {
      if (rule.tagFilter !== undefined) out.push({ path: ['instances', alias, 'eventRules', index, 'tagFilter'], pattern: rule.tagFilter, what: 'event rule tagFilter' });
    });
  }
  return out;
}

export const coveragePatternNotRe2: LintRule = {
  id: 'tag-pattern-not-re2',
  severity: 'error',
  summary: 'A retention, scan or webhook tag expression that does not compile as an RE2 regular expression',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const site of sites(ctx)) {
      const result = checkRe2(site.pattern);
      if (result.ok) continue;
      hits.push({
        path: site.path,
        message: `${site.what} ${JSON.stringify(site.pattern)} is not a valid RE2 expression (${result.message}); the service compiles it with Go's regexp package`,
        hint: result.hint ?? 'RE2 syntax: https://github.com/google/re2/wiki/Syntax',
      });
    }
    return hits;
  },
};

/** A lifecycle rule that runs by itself and keeps a single tag per repository (and none by name). */
export const retentionKeepsOne: LintRule = {
  id: 'retention-keeps-one',
  severity: 'warning',
  summary: 'An automatic lifecycle rule that keeps only the latest tag of every repository it covers',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      (instance.lifecycleRules ?? []).forEach((rule, index) => {
        if (rule.auto !== true || rule.enabled === false || rule.retainLatest !== 1 || (rule.keepTags ?? '') !== '') return;
        hits.push({
          path: ['instances', alias, 'lifecycleRules', index, 'retainLatest'],
          message: 'this rule runs by itself and keeps only the most recent tag of each repository: rollbacks to an earlier tag become impossible',
          hint: 'keep release tags by name (keepTags), or retain more than one',
        });
      });
    }
    return hits;
  },
};

export const COVERAGE_LINTS: readonly LintRule[] = [coveragePatternNotRe2, retentionKeepsOne];
