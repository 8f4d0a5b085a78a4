import { describe, expect, it } from 'vitest';
import type { ImportRule, RegistryDocument } from '../../src/config/model.js';
import { tagMatcher } from '../../src/kinds/backfill.js';
import {
  importedSummary,
  importKey,
  normaliseDigest,
  planImports,
  selectImages,
  type ImportLive,
  type SourceTag,
} from '../../src/kinds/image-import.js';
import type { DesiredObject } from '../../src/plan/kind.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const t = (tag: string, digest: string, updatedAt: number, sizeBytes = 1_000_000): SourceTag => ({ tag, digest, updatedAt, sizeBytes });

describe('selectImages', () => {
  const source = [t('v1', D('1'), 100), t('v2', D('2'), 200), t('v3', D('3'), 300), t('rc-4', D('4'), 400)];
  const cases: {
    reason: string;
    latest: number;
    filter?: string;
    overwrite?: boolean;
    source?: SourceTag[];
    target?: Record<string, string>;
    copy: string[];
    same?: string[];
    conflicts?: string[];
    overwrites?: string[];
  }[] = [
    { reason: 'newest N by update time, newest first', latest: 2, copy: ['rc-4', 'v3'] },
    { reason: 'the filter applies before latest N', latest: 2, filter: 'v[0-9]+', copy: ['v3', 'v2'] },
    { reason: 'the filter matches the whole tag, not a substring', latest: 10, filter: 'v', copy: [] },
    { reason: 'latest 0 imports metadata only', latest: 0, copy: [] },
    { reason: 'latest above the tag count takes every tag', latest: 1000, copy: ['rc-4', 'v3', 'v2', 'v1'] },
    { reason: 'an empty repository copies nothing', latest: 10, source: [], copy: [] },
    { reason: 'the same digest in the target needs nothing', latest: 10, target: { v3: D('3') }, copy: ['rc-4', 'v2', 'v1'], same: ['v3'] },
    {
      reason: 'another digest is overwritten when overwrite is on (the default)',
      latest: 10,
      overwrite: true,
      target: { v2: D('e') },
      copy: ['rc-4', 'v3', 'v2', 'v1'],
      overwrites: ['v2'],
    },
    { reason: 'another digest is skipped and reported when overwrite is off', latest: 10, overwrite: false, target: { v2: D('e') }, copy: ['rc-4', 'v3', 'v1'], conflicts: ['v2'] },
    {
      reason: 'ties on update time are broken by tag name, so latest N is deterministic',
      latest: 2,
      source: [t('b', D('b'), 100), t('c', D('c'), 100), t('a', D('a'), 100)],
      copy: ['a', 'b'],
    },
    {
      reason: 'a target tag outside the selection is irrelevant',
      latest: 1,
      target: { v1: D('e') },
      overwrite: false,
      copy: ['rc-4'],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const input = {
        latest: c.latest,
        match: tagMatcher(c.filter ?? '.*', 'test'),
        overwrite: c.overwrite ?? true,
        source: c.source ?? source,
        target: new Map(Object.entries(c.target ?? {})),
      };
      const frozen = JSON.stringify(input.source);
      const s = selectImages(input);
      expect(s.copy.map((x) => x.tag)).toEqual(c.copy);
      expect(s.same).toEqual(c.same ?? []);
      expect(s.conflicts.map((x) => x.tag)).toEqual(c.conflicts ?? []);
      expect(s.copy.filter((x) => x.targetDigest !== undefined).map((x) => x.tag)).toEqual(c.overwrites ?? []);
      expect(JSON.stringify(input.source), 'selectImages must not mutate its input').toBe(frozen);
    });
  }
});

describe('helpers', () => {
  it('normalises bare Personal Edition digests and keeps prefixed ones', () => {
    expect(normaliseDigest('a'.repeat(64))).toBe(`sha256:${'a'.repeat(64)}`);
    expect(normaliseDigest(`sha256:${'a'.repeat(64)}`)).toBe(`sha256:${'a'.repeat(64)}`);
    expect(normaliseDigest('')).toBe('');
  });

  it('keys rules by source, naming the target namespace only when it differs', () => {
    const p = (r: Partial<ImportRule>) => importKey({ from: 'personal', namespace: 'team-a', ...r } as ImportRule, 'cn-hangzhou');
    expect(p({})).toBe('personal:cn-hangzhou/team-a');
    expect(p({ sourceRegion: 'cn-beijing', sourceNamespace: 'legacy' })).toBe('personal:cn-beijing/legacy->team-a');
    expect(importKey({ from: 'oss', bucket: 'b', prefix: 'p', namespace: 'n' }, 'cn-hangzhou')).toBe('oss:cn-hangzhou/b/p->n');
  });

  it('derives a 1-100 character summary for repositories Personal Edition left without one', () => {
    expect(importedSummary('', 'cn-hangzhou', 'team-a', 'web')).toBe('Imported from Personal Edition cn-hangzhou/team-a/web');
    expect(importedSummary('  Web  ', 'cn-hangzhou', 'team-a', 'web')).toBe('Web');
    expect(importedSummary('x'.repeat(150), 'r', 'n', 'w')).toHaveLength(100);
    expect(importedSummary('', 'cn-hangzhou', 'n'.repeat(30), 'r'.repeat(80)).length).toBeLessThanOrEqual(100);
  });
});

describe('planImports', () => {
  const RULE = 'instance[hz].import[personal:cn-hangzhou/team-a]';
  const doc = (rule: Partial<ImportRule> = {}, repos: Record<string, { summary: string }> = {}): RegistryDocument => ({
    version: 1,
    accounts: { prod: { uid: '1234567890123456' } },
    instances: {
      hz: {
        account: 'prod',
        region: 'cn-hangzhou',
        edition: 'Advanced',
        name: 'acme-hz',
        namespaces: { 'team-a': { repositories: repos } },
        imports: [{ from: 'personal', namespace: 'team-a', ...rule } as ImportRule],
      },
    },
  });
  const ev = (part: ImportLive['key']['part'], spec: Record<string, unknown>, repository?: string, tag?: string): ImportLive => ({
    id: `${RULE}${part === 'rule' ? '' : `.${part}[${repository ?? ''}${tag ? `:${tag}` : ''}]`}`,
    kind: 'image-import',
    account: 'prod',
    region: 'cn-hangzhou',
    instance: 'hz',
    key: { instance: 'hz', rule: 'personal:cn-hangzhou/team-a', part, ...(repository ? { repository } : {}), ...(tag ? { tag } : {}) },
    spec,
    ids: {},
    container: RULE,
    prunable: false,
    requires: [],
  });
  const live = (found = true): ImportLive[] => [
    ev('rule', { sourceFound: found }),
    ev('source-repo', { type: 'PUBLIC', summary: '' }, 'web'),
    ev('source-repo', { type: 'PRIVATE', summary: 'API on PE' }, 'api'),
    ev('source-tag', { digest: D('1'), sizeBytes: 2_000_000, updatedAt: 100 }, 'api', 'v1'),
    ev('source-tag', { digest: D('2'), sizeBytes: 3_000_000, updatedAt: 200 }, 'api', 'v2'),
    ev('source-tag', { digest: D('a'), sizeBytes: 5_000_000, updatedAt: 100 }, 'web', 'v1'),
    ev('target-tag', { digest: D('1') }, 'api', 'v1'),
  ];

  it('derives repositories (declared ones win) and one run per image, requiring its repository', () => {
    const declared: DesiredObject[] = [
      { id: 'instance[hz].namespace[team-a].repository[api]', kind: 'repository', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', namespace: 'team-a', repository: 'api' }, spec: { summary: 'API' }, requires: [] },
    ];
    const p = planImports(doc({}, { api: { summary: 'API' } }), declared, live());
    expect(p.repositories.map((r) => r.id)).toEqual(['instance[hz].namespace[team-a].repository[web]']);
    expect(p.repositories[0]!.spec).toEqual({ type: 'PUBLIC', summary: 'Imported from Personal Edition cn-hangzhou/team-a/web', tagImmutability: false });
    expect(p.copies.map((c) => c.id)).toEqual([`${RULE}.image[team-a/api:v2]`, `${RULE}.image[team-a/web:v1]`]);
    expect(p.copies[1]!.requires).toContain('instance[hz].namespace[team-a].repository[web]');
    expect(p.copies[0]!.summary).toBe('copy team-a/api:v2 (3.0 MB)');
    const summary = p.findings.find((f) => f.id === 'import-summary');
    expect(summary?.message).toContain('2 images (8.0 MB)');
    expect(summary?.message).toContain('1 already in the target');
  });

  it('copies wait for the declared internet endpoint and its ACL entries, through which acrctl pushes', () => {
    const base = doc();
    const withEndpoint: RegistryDocument = {
      ...base,
      instances: { hz: { ...base.instances!['hz']!, internetEndpoint: { enabled: true, allow: [{ cidr: '203.0.113.0/24' }] } } },
    };
    const p = planImports(withEndpoint, [], live());
    expect(p.copies[0]!.requires).toEqual(expect.arrayContaining(['instance[hz].internet-endpoint', 'instance[hz].acl[203.0.113.0/24]']));
  });

  it('reports Personal Edition namespace settings the target namespace does not match (config wins)', () => {
    const l = live().map((x) => (x.key.part === 'rule' ? { ...x, spec: { ...x.spec, sourceAutoCreate: true, sourceDefaultVisibility: 'PRIVATE' } } : x));
    const defaulted = planImports(doc(), [], l).findings.filter((f) => f.id === 'import-namespace-metadata');
    expect(defaulted.map((f) => f.severity)).toEqual(['warning']);
    expect(defaulted[0]!.message).toContain('set autoCreateRepo: true');
    const d = doc();
    const chosen: RegistryDocument = { ...d, instances: { hz: { ...d.instances!['hz']!, namespaces: { 'team-a': { autoCreateRepo: false } } } } };
    expect(planImports(chosen, [], l).findings.filter((f) => f.id === 'import-namespace-metadata').map((f) => f.severity)).toEqual(['info']);
    const same: RegistryDocument = { ...d, instances: { hz: { ...d.instances!['hz']!, namespaces: { 'team-a': { autoCreateRepo: true } } } } };
    expect(planImports(same, [], l).findings.filter((f) => f.id === 'import-namespace-metadata')).toEqual([]);
  });

  it('latest 0 derives the repositories and no copy', () => {
    const p = planImports(doc({ latest: 0 }), [], live());
    expect(p.repositories).toHaveLength(2);
    expect(p.copies).toEqual([]);
  });

  it('a missing source namespace is an error finding, with nothing derived', () => {
    const p = planImports(doc(), [], [ev('rule', { sourceFound: false })]);
    expect(p.copies).toEqual([]);
    expect(p.findings.map((f) => [f.id, f.severity])).toEqual([['import-source-missing', 'error']]);
  });

  it('a conflict with overwrite off is reported, not copied', () => {
    const l = [...live(), ev('target-tag', { digest: D('e') }, 'api', 'v2')];
    const p = planImports(doc({ overwrite: false }), [], l);
    expect(p.copies.map((c) => c.id)).toEqual([`${RULE}.image[team-a/web:v1]`]);
    const conflict = p.findings.find((f) => f.id === 'import-digest-conflict');
    expect(conflict?.where).toBe(`${RULE}.image[team-a/api:v2]`);
    expect(conflict?.message).toContain('overwrite: false');
  });

  it('OSS rules get console instructions, never silence', () => {
    const d = doc();
    const withOss: RegistryDocument = { ...d, instances: { hz: { ...d.instances!['hz']!, imports: [...d.instances!['hz']!.imports!, { from: 'oss', bucket: 'old', namespace: 'team-a' }] } } };
    expect(planImports(withOss, [], live()).findings.map((f) => f.id)).toContain('import-oss-manual');
  });

  it('includeBuildConfig is a gate over the repositories Personal Edition builds automatically', () => {
    const l = live().map((x) => (x.key.part === 'source-repo' && x.key.repository === 'api' ? { ...x, spec: { ...x.spec, buildType: 'AUTO_BUILD' } } : x));
    const p = planImports(doc({ includeBuildConfig: true }), [], l);
    expect(p.gates.map((g) => [g.id, g.spec['repositoriesWithBuildRules']])).toEqual([[`${RULE}.build-config`, ['api']]]);
    expect(p.gates[0]!.requires).toContain('instance[hz].namespace[team-a].repository[api]');
    expect(planImports(doc({ includeBuildConfig: false }), [], l).gates).toEqual([]);
    const none = planImports(doc({ includeBuildConfig: true }), [], live());
    expect(none.gates).toEqual([]);
    expect(none.findings.map((f) => f.id)).toContain('import-build-config-none');
  });

  // issue 14 item 9: where the target repository declares build.source, Personal Edition's rules become build-rule actions.
  it('includeBuildConfig plans the Personal Edition build rules where build.source is declared; the rest stays a gate', () => {
    const rules = [
      { pushType: 'GIT_BRANCH', pushName: 'master', imageTag: 'latest', dockerfileLocation: '/', dockerfileName: 'Dockerfile' },
      { pushType: 'GIT_TAG', pushName: 'release-.*', imageTag: 'release', dockerfileLocation: '/docker', dockerfileName: 'Dockerfile.prod' },
    ];
    const l = live().map((x) => (x.key.part === 'source-repo' ? { ...x, spec: { ...x.spec, buildType: 'AUTO_BUILD', buildRules: x.key.repository === 'api' ? rules : [] } } : x));
    const source = { build: { source: { platform: 'GITHUB' as const, namespace: 'acme', repository: 'api' }, rules: [{ branch: 'master', imageTag: 'latest', dockerfileName: 'Dockerfile.ci' }] } };
    const declared: DesiredObject[] = [{ id: 'instance[hz].namespace[team-a].repository[api].build-rule[branch:master:latest]', kind: 'build-rule', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: {}, spec: {}, requires: [] }];
    const p = planImports(doc({ includeBuildConfig: true }, { api: { summary: 'API', ...source } }), declared, l);
    // The declared rule wins over Personal Edition's of the same key; web has no declared source: gated.
    expect(p.buildRules.map((b) => [b.id, b.kind, b.spec])).toEqual([
      ['instance[hz].namespace[team-a].repository[api].build-rule[tag:release-.*:release]', 'build-rule', { dockerfileLocation: '/docker', dockerfileName: 'Dockerfile.prod', platforms: ['linux/amd64'], buildArgs: [] }],
    ]);
    expect(p.buildRules[0]!.requires).toContain('instance[hz].namespace[team-a].repository[api].build-source');
    expect(p.gates.map((g) => g.spec['repositoriesWithBuildRules'])).toEqual([['web']]);
    expect(p.findings.find((f) => f.id === 'import-build-rules')?.message).toContain('its 2 build rules are planned in team-a/api');
    // Every building repository with a declared source: no gate, and no "nothing to import" either.
    const onlyApi = l.filter((x) => x.key.repository !== 'web');
    const all = planImports(doc({ includeBuildConfig: true }, { api: { summary: 'API', ...source } }), [], onlyApi);
    expect([all.gates, all.buildRules.length, all.findings.map((f) => f.id).includes('import-build-config-none')]).toEqual([[], 2, false]);
  });
});

describe('the import golden plan', () => {
  it('follows schemas/plan.schema.json', async () => {
    const { readFileSync } = await import('node:fs');
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const plan = JSON.parse(readFileSync(new URL('../golden/plan/import/plan.json', import.meta.url), 'utf8')) as { actions: { kind: string; type: string }[] };
    expect(plan.actions.filter((a) => a.kind === 'image-import').map((a) => a.type).sort()).toEqual(['gate', 'run', 'run', 'run']);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
  });
});
