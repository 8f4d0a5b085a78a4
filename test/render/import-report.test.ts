import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/plan/model.js';
import { buildImportReport, renderImportReportMarkdown, renderImportReportText } from '../../src/render/import-report.js';

const RULE = 'instance[hz].import[personal:cn-hangzhou/team-a]';
const copy = (repo: string, tag: string, bytes = 2_000_000): Action => ({
  id: `${RULE}.image[team-a/${repo}:${tag}]`,
  kind: 'image-import',
  type: 'run',
  account: 'prod',
  region: 'cn-hangzhou',
  instance: 'hz',
  key: { instance: 'hz', rule: 'personal:cn-hangzhou/team-a', part: 'image', sourceRegion: 'cn-hangzhou', sourceNamespace: 'team-a', namespace: 'team-a', repository: repo, tag },
  after: { namespace: 'team-a', repository: repo, tag, copyBytes: bytes },
  changes: [],
  dependsOn: [],
});
const other: Action = { id: 'instance[hz].namespace[team-a]', kind: 'namespace', type: 'create', account: 'prod', region: 'cn-hangzhou', key: { instance: 'hz', namespace: 'team-a' }, after: {}, changes: [], dependsOn: [] };

describe('buildImportReport', () => {
  const actions = [copy('api', 'v1'), copy('api', 'v2'), copy('api', 'v3'), copy('web', 'v1'), copy('web', 'v2'), copy('web', 'v3'), other];
  const report = buildImportReport({
    plan: {
      planId: 'p'.repeat(64),
      actions,
      findings: [{ id: 'import-digest-conflict', severity: 'warning', where: `${RULE}.image[team-a/web:v9]`, key: { instance: 'hz', rule: 'personal:cn-hangzhou/team-a', part: 'image', namespace: 'team-a', repository: 'web', tag: 'v9' }, message: 'another digest; overwrite: false' }],
    },
    applyStatus: 'failed',
    statuses: new Map([
      [actions[0]!.id, { status: 'already-done' }],
      [actions[1]!.id, { status: 'done' }],
      [actions[2]!.id, { status: 'done' }],
      [actions[3]!.id, { status: 'failed', message: 'schema 1 manifest' }],
      [actions[4]!.id, { status: 'skipped', message: 'x failed' }],
      [other.id, { status: 'done' }],
    ]),
    reports: new Map([
      [actions[0]!.id, { outcome: 'copied', bytesTotal: 2_100_000, bytesMoved: 2_100_000 }],
      [actions[1]!.id, { outcome: 'overwritten', bytesTotal: 2_100_000, bytesMoved: 100_000 }],
    ]),
    runs: 2,
    thisRun: { bytesMoved: 4_000_000, elapsedMs: 2000 },
  })!;

  it('counts every image of the plan, earlier runs and plan-time conflicts included', () => {
    expect(report.images).toEqual({ total: 7, succeeded: 3, failed: 1, skipped: 1, notRun: 2 });
    expect(report.runs).toBe(2);
    expect(report.repositories).toEqual([
      { repository: 'team-a/api', images: 3, succeeded: 3, failed: 0, skipped: 0, notRun: 0 },
      { repository: 'team-a/web', images: 4, succeeded: 0, failed: 1, skipped: 1, notRun: 2 },
    ]);
  });

  it('uses what the copies reported, and the planned size where a copy left no report', () => {
    expect(report.bytes).toEqual({ imported: 2_100_000 + 2_100_000 + 2_000_000, moved: 2_200_000 });
    expect(report.rows.find((r) => r.image === 'team-a/api:v3')?.reason).toContain('found in the target');
    expect(report.thisRun.mbPerSecond).toBe(2);
  });

  it('lists every problem with its reason', () => {
    expect(report.problems.map((p) => [p.image, p.status])).toEqual([
      ['team-a/web:v1', 'failed'],
      ['team-a/web:v2', 'not-run'],
      ['team-a/web:v3', 'not-run'],
      ['team-a/web:v9', 'conflict'],
    ]);
    expect(report.problems[0]!.reason).toBe('schema 1 manifest');
    const text = renderImportReportText(report);
    expect(text).toContain('Images: 7 (3 succeeded, 1 failed, 1 skipped, 2 not run)');
    expect(text).toContain('✗ team-a/web:v1 (failed): schema 1 manifest');
    expect(renderImportReportMarkdown(report)).toContain('| `team-a/web:v9` | conflict | another digest; overwrite: false |');
  });

  it('is absent when the plan copies no image', () => {
    expect(buildImportReport({ plan: { planId: 'x', actions: [other], findings: [] }, applyStatus: 'complete', statuses: new Map(), reports: new Map(), runs: 1, thisRun: { bytesMoved: 0, elapsedMs: 0 } })).toBeUndefined();
  });
});
