/**
 * SARIF for code scanning: every rule carries a fullDescription and a helpUri whose anchor exists in
 * the docs as GitHub renders them, the tool an informationUri, and results relative artifact URIs
 * (uriBaseId %SRCROOT%, the checkout) or absolute file:// URIs without a base id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LINTS } from '../../src/config/lints/index.js';
import { formatSarif, sarifArtifactLocation } from '../../src/render/findings.js';
import { DOCUMENTED_GROUPS, DOCUMENTED_LINTS, ruleDoc } from '../../src/config/rule-docs.js';
import { VALIDATION_RULES } from '../../src/config/rules.js';
import { HOMEPAGE } from '../../src/version.js';
import { runCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The anchors GitHub gives a Markdown file's headings (github-slugger: the heading's text,
 * lowercased, punctuation other than `-` and `_` removed, spaces to hyphens, repeats numbered).
 */
function githubAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6} (.+?)\s*#*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text.toLowerCase().replace(/[\u0000-\u001f!-,./:-@[-^`{-\u00bf]/g, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

describe('rule documentation', () => {
  const ids = [...LINTS.map((l) => l.id), 'internal-lint-failure', ...VALIDATION_RULES.map((r) => r.id)];

  it('has a paragraph for every lint and every group of validation findings, and none for ids that do not exist', () => {
    expect([...DOCUMENTED_LINTS].sort()).toEqual([...LINTS.map((l) => l.id), 'internal-lint-failure'].sort());
    expect([...DOCUMENTED_GROUPS].sort()).toEqual([...new Set(VALIDATION_RULES.map((r) => r.id.split('/')[0]!))].sort());
  });

  for (const id of ids) {
    it(`${id}: a fullDescription longer than the summary, and a helpUri into the docs that exists on GitHub`, () => {
      const summary = [...LINTS, ...VALIDATION_RULES].find((r) => r.id === id)?.summary;
      const doc = ruleDoc(id, summary);
      expect(doc.description.length).toBeGreaterThan((summary ?? '').length + 20);
      expect(doc.helpUri.startsWith(`${HOMEPAGE}/docs/`)).toBe(true);
      const [page, anchor] = doc.helpUri.slice(`${HOMEPAGE}/`.length).split('#');
      const markdown = readFileSync(join(ROOT, page!), 'utf8');
      if (anchor !== undefined) expect([...githubAnchors(markdown)]).toContain(anchor);
    });
  }

  it('the slugger reads headings as GitHub does', () => {
    expect([...githubAnchors('# A b\n### `tag-filter-not-re2`\n## Cross-region access\n## A b\n```\n# not a heading\n```\n')]).toEqual(['a-b', 'tag-filter-not-re2', 'cross-region-access', 'a-b-1']);
  });
});

describe('SARIF', () => {
  it('validate --format sarif: informationUri, fullDescription and helpUri on every rule, relative URIs with %SRCROOT%', async () => {
    const r = await runCli(['validate', '-f', 'test/fixtures/bad/many-errors-sorted.yaml', '--format', 'sarif'], { cwd: ROOT });
    const run = JSON.parse(r.stdout).runs[0];
    expect(run.tool.driver.informationUri).toBe(HOMEPAGE);
    for (const rule of run.tool.driver.rules) {
      expect(rule.fullDescription.text.length).toBeGreaterThan(rule.shortDescription.text.length);
      expect(rule.helpUri).toMatch(new RegExp(`^${HOMEPAGE}/docs/`));
    }
    for (const result of run.results) {
      expect(result.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'test/fixtures/bad/many-errors-sorted.yaml', uriBaseId: '%SRCROOT%' });
    }
  });

  it('on GitHub Actions, URIs are relative to the checkout even from a subdirectory', async () => {
    const r = await runCli(['validate', '-f', 'many-errors-sorted.yaml', '--format', 'sarif'], { cwd: join(ROOT, 'test/fixtures/bad'), env: { GITHUB_WORKSPACE: ROOT } });
    const loc = JSON.parse(r.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    expect(loc).toEqual({ uri: 'test/fixtures/bad/many-errors-sorted.yaml', uriBaseId: '%SRCROOT%' });
  });

  it('a file outside the source root is an absolute file:// URI without a base id', () => {
    expect(sarifArtifactLocation('/elsewhere/a b.yaml', () => undefined)).toEqual({ uri: 'file:///elsewhere/a%20b.yaml' });
    expect(sarifArtifactLocation('/abs/registry.yaml')).toEqual({ uri: 'file:///abs/registry.yaml' });
    expect(sarifArtifactLocation('../up/registry.yaml')).toEqual({ uri: '../up/registry.yaml' });
    expect(sarifArtifactLocation('./dir\\registry.yaml')).toEqual({ uri: 'dir/registry.yaml', uriBaseId: '%SRCROOT%' });
  });

  it('without rule docs, rules have only the short description (the format stays usable in code)', () => {
    const log = JSON.parse(formatSarif({ file: 'f.yaml', findings: [{ id: 'x', severity: 'warning', message: 'm', location: { file: 'f.yaml', line: 1, column: 1 }, path: [] }] }, { toolVersion: '0', ruleSummaries: new Map() }));
    expect(log.runs[0].tool.driver.rules[0]).toEqual({ id: 'x', shortDescription: { text: 'x' }, defaultConfiguration: { level: 'warning' } });
  });
});
