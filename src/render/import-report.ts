/**
 * The import report: what an apply did with a plan's image copies, in the shape of the console's
 * import task detail (seed 002: total GB, MB/s, images, per-repository counts, succeeded, failed,
 * failure reasons), as data and as text, Markdown (for a change ticket) or JSON.
 *
 * Owns: building the report from a plan, the action statuses of an apply and the reports the copies
 * journalled (this run and earlier runs of the same plan, so a report after `--resume` covers the
 * whole import), and rendering it. Pure: no `node:` module, no cloud client, no clock (the caller
 * measures the run). Never holds a secret: addresses, image names, digests, sizes and messages only.
 *
 * Image copies are recognised as `run` actions carrying `after.copyBytes` (see text.ts copyTotals).
 */
import type { Action, Plan } from '../plan/model.js';
import { formatBytes } from '../plan/units.js';
import { isImageCopy } from '../plan/model.js';

/** How one image ended. */
export type ImageStatus = 'copied' | 'overwritten' | 'already-there' | 'conflict' | 'failed' | 'not-run';

export interface ImportImageRow {
  /** The action's (or the conflict finding's) address. */
  readonly address: string;
  /** `namespace/repository:tag` in the target. */
  readonly image: string;
  readonly repository: string;
  readonly status: ImageStatus;
  /** Image size (the copy's bytesTotal when it ran, else the size planned). */
  readonly sizeBytes: number;
  /** Bytes uploaded by the copy (0 when nothing moved or unknown). */
  readonly bytesMoved: number;
  /** Why it failed, was skipped or did not run. */
  readonly reason?: string;
}

export interface RepositoryCounts {
  readonly repository: string;
  readonly images: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly notRun: number;
}

export interface ImportReport {
  readonly formatVersion: 1;
  readonly planId: string;
  /** How the apply ended: complete, failed, gated or interrupted. */
  readonly applyStatus: string;
  /** Runs of this plan the report covers (1 on a first run). */
  readonly runs: number;
  readonly images: { readonly total: number; readonly succeeded: number; readonly failed: number; readonly skipped: number; readonly notRun: number };
  /** Bytes of the images now in the target (succeeded ones), and bytes uploaded over every run. */
  readonly bytes: { readonly imported: number; readonly moved: number };
  /**
   * This run only: bytes uploaded, over the time from the first copy's start to the last copy's end,
   * and the registry requests it sent per operation (`manifest.put`, `upload.put`, …).
   */
  readonly thisRun: { readonly bytesMoved: number; readonly elapsedMs: number; readonly mbPerSecond: number; readonly registryRequests?: Readonly<Record<string, number>> };
  readonly repositories: readonly RepositoryCounts[];
  /** Every image that did not succeed, with its reason; sorted by address. */
  readonly problems: readonly ImportImageRow[];
  readonly rows: readonly ImportImageRow[];
}

export interface ReportInput {
  readonly plan: Pick<Plan, 'planId' | 'actions' | 'findings'>;
  readonly applyStatus: string;
  /** Statuses from the executor (`already-done` for actions finished in earlier runs). */
  readonly statuses: ReadonlyMap<string, { readonly status: string; readonly message?: string }>;
  /** Journalled reports of finished actions, this run and earlier ones. */
  readonly reports: ReadonlyMap<string, Readonly<Record<string, string | number | boolean>>>;
  readonly runs: number;
  readonly thisRun: { readonly bytesMoved: number; readonly elapsedMs: number; readonly registryRequests?: Readonly<Record<string, number>> };
}


/** `ns/repo:tag` of a conflict finding, from the image's natural key (the finding carries it). */
function imageOf(key: Readonly<Record<string, string>> | undefined, where: string): string {
  return key?.['namespace'] !== undefined && key['repository'] !== undefined && key['tag'] !== undefined ? `${key['namespace']}/${key['repository']}:${key['tag']}` : where;
}

const repoOf = (image: string) => image.replace(/:[^:/]*$/, '');

function rowOf(a: Action, input: ReportInput): ImportImageRow {
  const image = `${String(a.after?.['namespace'])}/${String(a.after?.['repository'])}:${String(a.after?.['tag'])}`;
  const planned = Number(a.after?.['copyBytes'] ?? 0);
  const s = input.statuses.get(a.id);
  const r = input.reports.get(a.id);
  const base = { address: a.id, image, repository: repoOf(image) };
  const size = typeof r?.['bytesTotal'] === 'number' ? r['bytesTotal'] : planned;
  const moved = typeof r?.['bytesMoved'] === 'number' ? r['bytesMoved'] : 0;
  switch (s?.status) {
    case 'done':
    case 'already-done': {
      const outcome = r?.['outcome'];
      if (outcome === 'skipped-conflict') {
        return { ...base, status: 'conflict', sizeBytes: size, bytesMoved: 0, reason: `the target tag changed to another digest (${String(r?.['targetDigest'] ?? 'unknown')}) after the plan; not overwritten (overwrite: false)` };
      }
      const status: ImageStatus = outcome === 'overwritten' ? 'overwritten' : outcome === 'skipped-same-digest' ? 'already-there' : 'copied';
      return { ...base, status, sizeBytes: size, bytesMoved: moved, ...(r === undefined ? { reason: 'found in the target when an interrupted copy was checked' } : {}) };
    }
    case 'failed':
      return { ...base, status: 'failed', sizeBytes: planned, bytesMoved: 0, reason: s.message ?? 'failed' };
    case 'skipped':
    case 'blocked':
      return { ...base, status: 'not-run', sizeBytes: planned, bytesMoved: 0, reason: s.message ?? 'not run' };
    default:
      return { ...base, status: 'not-run', sizeBytes: planned, bytesMoved: 0, reason: 'not started: the apply stopped first' };
  }
}

const SUCCEEDED: ReadonlySet<ImageStatus> = new Set(['copied', 'overwritten', 'already-there']);

/** The report of a plan's image copies, or undefined when the plan copies no image and skips none. */
export function buildImportReport(input: ReportInput): ImportReport | undefined {
  const rows: ImportImageRow[] = input.plan.actions.filter(isImageCopy).map((a) => rowOf(a, input));
  for (const f of input.plan.findings) {
    if (f.id !== 'import-digest-conflict' || f.where === undefined) continue;
    const image = imageOf(f.key, f.where);
    rows.push({ address: f.where, image, repository: repoOf(image), status: 'conflict', sizeBytes: 0, bytesMoved: 0, reason: f.message });
  }
  if (rows.length === 0) return undefined;
  rows.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const byRepo = new Map<string, { images: number; succeeded: number; failed: number; skipped: number; notRun: number }>();
  const images = { total: rows.length, succeeded: 0, failed: 0, skipped: 0, notRun: 0 };
  let imported = 0;
  let moved = 0;
  for (const row of rows) {
    const c = byRepo.get(row.repository) ?? { images: 0, succeeded: 0, failed: 0, skipped: 0, notRun: 0 };
    c.images++;
    const key = SUCCEEDED.has(row.status) ? 'succeeded' : row.status === 'failed' ? 'failed' : row.status === 'conflict' ? 'skipped' : 'notRun';
    c[key]++;
    images[key]++;
    if (key === 'succeeded') imported += row.sizeBytes;
    moved += row.bytesMoved;
    byRepo.set(row.repository, c);
  }
  const seconds = input.thisRun.elapsedMs / 1000;
  return {
    formatVersion: 1,
    planId: input.plan.planId,
    applyStatus: input.applyStatus,
    runs: input.runs,
    images,
    bytes: { imported, moved },
    thisRun: {
      bytesMoved: input.thisRun.bytesMoved,
      elapsedMs: input.thisRun.elapsedMs,
      mbPerSecond: seconds > 0 ? round2(input.thisRun.bytesMoved / 1e6 / seconds) : 0,
      ...(input.thisRun.registryRequests !== undefined ? { registryRequests: input.thisRun.registryRequests } : {}),
    },
    repositories: [...byRepo].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([repository, c]) => ({ repository, ...c })),
    problems: rows.filter((r) => !SUCCEEDED.has(r.status)),
    rows,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}


function headline(r: ImportReport): string[] {
  const i = r.images;
  return [
    `Images: ${i.total} (${i.succeeded} succeeded, ${i.failed} failed, ${i.skipped} skipped${i.notRun > 0 ? `, ${i.notRun} not run` : ''})`,
    `Imported: ${formatBytes(r.bytes.imported)}; uploaded ${formatBytes(r.bytes.moved)}${r.runs > 1 ? ` over ${r.runs} runs` : ''} (blobs already in the target are not uploaded again)`,
    `This run: ${formatBytes(r.thisRun.bytesMoved)} in ${(r.thisRun.elapsedMs / 1000).toFixed(1)} s, ${r.thisRun.mbPerSecond.toFixed(2)} MB/s`,
  ];
}

/** A short text report for the terminal: totals, per repository, and every problem. */
export function renderImportReportText(r: ImportReport): string {
  const out = ['Import report:', ...headline(r).map((l) => `  ${l}`), '  Per repository (images: succeeded / failed / skipped / not run):'];
  for (const c of r.repositories) out.push(`    ${c.repository}: ${c.images} (${c.succeeded} / ${c.failed} / ${c.skipped} / ${c.notRun})`);
  if (r.problems.length > 0) {
    out.push('  Not imported:');
    for (const p of r.problems) out.push(`    ${p.status === 'failed' ? '✗' : '-'} ${p.image} (${p.status}): ${p.reason ?? ''}`);
  }
  return `${out.join('\n')}\n`;
}

function cell(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown report for a change ticket: every image with its outcome. */
export function renderImportReportMarkdown(r: ImportReport): string {
  const out = ['### acrctl import report', '', `Plan \`${r.planId.slice(0, 12)}\`, apply ${r.applyStatus}.`, '', ...headline(r).map((l) => `- ${l}`), ''];
  out.push('| repository | images | succeeded | failed | skipped | not run |', '|---|---:|---:|---:|---:|---:|');
  for (const c of r.repositories) out.push(`| \`${cell(c.repository)}\` | ${c.images} | ${c.succeeded} | ${c.failed} | ${c.skipped} | ${c.notRun} |`);
  out.push('');
  if (r.problems.length > 0) {
    out.push('#### Not imported', '', '| image | status | reason |', '|---|---|---|');
    for (const p of r.problems) out.push(`| \`${cell(p.image)}\` | ${p.status} | ${cell(p.reason ?? '')} |`);
    out.push('');
  }
  out.push('<details><summary>Every image</summary>', '', '| image | status | size | uploaded |', '|---|---|---:|---:|');
  for (const row of r.rows) out.push(`| \`${cell(row.image)}\` | ${row.status} | ${(row.sizeBytes / 1e6).toFixed(1)} MB | ${(row.bytesMoved / 1e6).toFixed(1)} MB |`);
  out.push('', '</details>', '');
  return out.join('\n');
}

export function renderImportReportJson(r: ImportReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
