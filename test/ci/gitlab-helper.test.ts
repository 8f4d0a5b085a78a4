/**
 * examples/ci/gitlab/ci/acrctl-gitlab.mjs against a small fake of the GitLab REST API on loopback:
 * ONE merge-request note kept up to date (found across pages), the reviewed plan downloaded from the
 * right pipeline, ONE drift issue opened, updated, and closed, with errors left alone, and the apply
 * journal packed by one job and fetched by the resume job. The script runs as a real Node process
 * with GitLab's predefined variables.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../examples/ci/gitlab/ci/acrctl-gitlab.mjs', import.meta.url));
const TOKEN = 'glpat-test-token-never-printed';
const PREFIX = '/api/v4/projects/42';

interface Note { id: number; body: string }
interface Issue { iid: number; description: string; state: 'opened' | 'closed'; labels: string[]; notes: string[] }

/** The fake's state; reset before each test. */
let notes: Note[];
let issues: Issue[];
let calls: string[];
/** Jobs by id: their name and the acrctl-journal.json artefact, if any. */
let jobs: Map<number, { name: string; journal?: string }>;
const PLAN_BYTES = '{"formatVersion":1,"planId":"reviewed"}\n';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function page<T>(res: ServerResponse, url: URL, items: T[]): void {
  const per = Number(url.searchParams.get('per_page') ?? 20);
  const p = Number(url.searchParams.get('page') ?? 1);
  const next = p * per < items.length ? String(p + 1) : '';
  send(res, 200, items.slice((p - 1) * per, p * per), { 'x-next-page': next });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  let raw = '';
  for await (const c of req) raw += String(c);
  const body = raw ? (JSON.parse(raw) as Record<string, string>) : {};
  calls.push(`${req.method} ${url.pathname}`);
  if (req.headers['private-token'] !== TOKEN) return send(res, 401, { message: '401 Unauthorized' });
  const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : '';
  let m: RegExpExecArray | null;
  if (req.method === 'GET' && path === '/merge_requests/7/notes') return page(res, url, notes);
  if (req.method === 'POST' && path === '/merge_requests/7/notes') {
    notes.push({ id: 1000 + notes.length, body: body['body']! });
    return send(res, 201, notes.at(-1));
  }
  if (req.method === 'PUT' && (m = /^\/merge_requests\/7\/notes\/(\d+)$/.exec(path))) {
    const n = notes.find((x) => x.id === Number(m![1]));
    if (!n) return send(res, 404, {});
    n.body = body['body']!;
    return send(res, 200, n);
  }
  if (req.method === 'GET' && path === '/repository/commits/merge-sha/merge_requests') return send(res, 200, [{ iid: 9, state: 'merged', sha: 'head-sha' }]);
  if (req.method === 'GET' && path === '/repository/commits/direct-push/merge_requests') return send(res, 200, []);
  if (req.method === 'GET' && path === '/merge_requests/9/pipelines') {
    return page(res, url, [
      { id: 3, sha: 'head-sha', status: 'failed' },
      { id: 2, sha: 'head-sha', status: 'success' },
      { id: 1, sha: 'older-sha', status: 'success' },
    ]);
  }
  if (req.method === 'GET' && (m = /^\/pipelines\/(\d+)\/jobs$/.exec(path))) return page(res, url, [{ id: Number(m[1]) * 10, name: 'acrctl-plan' }]);
  if (req.method === 'GET' && path === '/jobs/20/artifacts/acrctl.plan') return send(res, 200, PLAN_BYTES);
  if (req.method === 'GET' && (m = /^\/jobs\/(\d+)$/.exec(path))) {
    const job = jobs.get(Number(m[1]));
    return job ? send(res, 200, { id: Number(m[1]), name: job.name }) : send(res, 404, { message: '404 Not found' });
  }
  if (req.method === 'GET' && (m = /^\/jobs\/(\d+)\/artifacts\/acrctl-journal\.json$/.exec(path))) {
    const journal = jobs.get(Number(m[1]))?.journal;
    return journal === undefined ? send(res, 404, { message: '404 File Not Found' }) : send(res, 200, journal);
  }
  if (req.method === 'GET' && path === '/issues') {
    const label = url.searchParams.get('labels') ?? '';
    return page(res, url, issues.filter((i) => i.state === url.searchParams.get('state') && i.labels.includes(label)));
  }
  if (req.method === 'POST' && path === '/issues') {
    issues.push({ iid: issues.length + 1, description: body['description']!, state: 'opened', labels: String(body['labels']).split(','), notes: [] });
    return send(res, 201, issues.at(-1));
  }
  if ((m = /^\/issues\/(\d+)(\/notes)?$/.exec(path))) {
    const issue = issues.find((i) => i.iid === Number(m![1]));
    if (!issue) return send(res, 404, {});
    if (req.method === 'POST' && m[2]) {
      issue.notes.push(body['body']!);
      return send(res, 201, {});
    }
    if (req.method === 'PUT' && !m[2]) {
      if (body['description'] !== undefined) issue.description = body['description'];
      if (body['state_event'] === 'close') issue.state = 'closed';
      return send(res, 200, issue);
    }
  }
  send(res, 404, { message: `no route ${req.method} ${url.pathname}` });
}

let server: Server;
let api = '';
let cwd = '';

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res).catch((e: unknown) => send(res, 500, { message: String(e) })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-gitlab-'));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(cwd, { recursive: true, force: true });
});
beforeEach(() => {
  notes = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, body: `review comment ${i}` }));
  issues = [];
  calls = [];
  jobs = new Map([[20, { name: 'acrctl-plan' }]]);
});

function run(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      cwd,
      env: { PATH: process.env.PATH, CI_API_V4_URL: api, CI_PROJECT_ID: '42', ACRCTL_GITLAB_TOKEN: TOKEN, CI_JOB_URL: 'http://gitlab.invalid/job/1', ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      expect(out).not.toContain(TOKEN);
      resolve({ code: code ?? 1, out });
    });
  });
}

function drift(status: string): string {
  writeFileSync(join(cwd, 'drift.md'), `### acrctl drift: drift found\n\n\`\`\`diff\n! ~ x\n\`\`\`\n\n\`${status}\`\n`);
  return 'drift.md';
}

describe('mr-note', () => {
  it('posts one note, then updates that same note (found on the second page) on every run', async () => {
    writeFileSync(join(cwd, 'plan.md'), '### acrctl plan\n\nfirst');
    expect((await run(['mr-note', 'plan.md'], { CI_MERGE_REQUEST_IID: '7' })).code).toBe(0);
    writeFileSync(join(cwd, 'plan.md'), '### acrctl plan\n\nsecond');
    const r = await run(['mr-note', 'plan.md'], { CI_MERGE_REQUEST_IID: '7' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('updated the plan note on !7');
    const mine = notes.filter((n) => n.body.startsWith('<!-- acrctl-plan -->'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain('second');
    expect(mine[0]!.body).not.toContain('first');
  });
});

describe('fetch-plan', () => {
  it('downloads the plan of the last successful pipeline for the merged head commit', async () => {
    const r = await run(['fetch-plan', 'acrctl.plan'], { CI_COMMIT_SHA: 'merge-sha' });
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(join(cwd, 'acrctl.plan'), 'utf8')).toBe(PLAN_BYTES);
    expect(calls).toContain('GET /api/v4/projects/42/jobs/20/artifacts/acrctl.plan');
  });

  it('refuses a commit that did not come from a merge request: there is no reviewed plan', async () => {
    const r = await run(['fetch-plan', 'none.plan'], { CI_COMMIT_SHA: 'direct-push' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('did not come from a merged merge request');
  });
});

describe('drift-issue', () => {
  it('opens ONE issue on exit 2, updates it quietly while the drift is the same, notes a change, and closes it on exit 0', async () => {
    expect((await run(['drift-issue', '2', drift('DRIFT (--fail-on changes): 1 changed.')])).code).toBe(0);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ state: 'opened', labels: ['acrctl-drift'] });
    expect((await run(['drift-issue', '2', drift('DRIFT (--fail-on changes): 1 changed.')])).code).toBe(0);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.notes).toEqual([]);
    expect((await run(['drift-issue', '2', drift('DRIFT (--fail-on changes): 2 changed.')])).code).toBe(0);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.notes).toHaveLength(1);
    expect(issues[0]!.notes[0]).toContain('The drift changed: `DRIFT (--fail-on changes): 2 changed.`');
    expect(issues[0]!.description).toContain('2 changed');
    const r = await run(['drift-issue', '0', 'drift.md']);
    expect(r.code, r.out).toBe(0);
    expect(issues[0]!.state).toBe('closed');
    expect(issues[0]!.notes.at(-1)).toContain('Drift is gone');
    // A later drift opens a new issue rather than reopening history.
    expect((await run(['drift-issue', '2', drift('DRIFT (--fail-on changes): 1 missing.')])).code).toBe(0);
    expect(issues.filter((i) => i.state === 'opened')).toHaveLength(1);
  });

  it('fails on an error exit and touches nothing (an error is not "drift is gone")', async () => {
    issues.push({ iid: 1, description: 'x', state: 'opened', labels: ['acrctl-drift'], notes: [] });
    const r = await run(['drift-issue', '1', 'drift.md']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('an error, not drift');
    expect(calls).toEqual([]);
    expect(issues[0]!.state).toBe('opened');
  });

  it('does nothing without drift and without an open issue', async () => {
    const r = await run(['drift-issue', '0', 'drift.md']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('no drift, no open drift issue');
    expect(calls.filter((c) => !c.startsWith('GET'))).toEqual([]);
  });
});

describe('journal-pack and fetch-journal', () => {
  it('packs the journal directory into one file, and the resume job unpacks it from that job', async () => {
    mkdirSync(join(cwd, 'apply-job/.acrctl/runs'), { recursive: true });
    writeFileSync(join(cwd, 'apply-job/.acrctl/runs/r1.jsonl'), '{"seq":1}\n{"seq":2}\n');
    writeFileSync(join(cwd, 'apply-job/.acrctl/runs/r1.plan.json'), '{"planId":"p"}\n');
    const packed = await run(['journal-pack', 'apply-job/.acrctl/runs', 'apply-job/acrctl-journal.json']);
    expect(packed.code, packed.out).toBe(0);
    expect(packed.out).toContain('packed 2 journal file(s)');
    jobs.set(55, { name: 'acrctl-apply', journal: readFileSync(join(cwd, 'apply-job/acrctl-journal.json'), 'utf8') });
    const r = await run(['fetch-journal', '55', 'resume-job/.acrctl/runs']);
    expect(r.code, r.out).toBe(0);
    expect(readdirSync(join(cwd, 'resume-job/.acrctl/runs')).sort()).toEqual(['r1.jsonl', 'r1.plan.json']);
    expect(readFileSync(join(cwd, 'resume-job/.acrctl/runs/r1.jsonl'), 'utf8')).toBe('{"seq":1}\n{"seq":2}\n');
  });

  it('packs a missing journal as no files (apply never started), and fetching that says so', async () => {
    expect((await run(['journal-pack', 'no/such/dir', 'empty.json'])).code).toBe(0);
    jobs.set(56, { name: 'acrctl-apply', journal: readFileSync(join(cwd, 'empty.json'), 'utf8') });
    const r = await run(['fetch-journal', '56', 'x/runs']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('apply never started');
  });

  it('refuses a job that is not an apply, a job without a journal, a bad id, and file names that leave the directory', async () => {
    let r = await run(['fetch-journal', '20', 'x/runs']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('job 20 is "acrctl-plan", not acrctl-apply or acrctl-resume');
    jobs.set(57, { name: 'acrctl-resume' });
    r = await run(['fetch-journal', '57', 'x/runs']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('job 57 kept no acrctl-journal.json');
    r = await run(['fetch-journal', '$ACRCTL_RESUME_JOB', 'x/runs']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('must be the id of an acrctl-apply or acrctl-resume job');
    jobs.set(58, { name: 'acrctl-apply', journal: JSON.stringify({ formatVersion: 1, files: { '../escape.jsonl': 'x' } }) });
    r = await run(['fetch-journal', '58', 'x/runs']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('not a plain file name');
  });
});
