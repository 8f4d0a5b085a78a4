#!/usr/bin/env node
// The GitLab side of the acrctl CI example (.gitlab-ci.yml): Node 20, no dependencies.
//
//   node ci/acrctl-gitlab.mjs mr-note FILE              post or update ONE note on the merge request
//   node ci/acrctl-gitlab.mjs fetch-plan OUT            download the plan the merged request's last
//                                                       successful pipeline saved (job acrctl-plan)
//   node ci/acrctl-gitlab.mjs drift-issue EXIT FILE     EXIT 2: open or update ONE issue with FILE;
//                                                       EXIT 0: close it; anything else: fail, touch nothing
//   node ci/acrctl-gitlab.mjs journal-pack DIR OUT      the apply journal (.acrctl/runs) as one JSON file
//   node ci/acrctl-gitlab.mjs fetch-journal JOB DIR     unpack the journal an acrctl-apply (or acrctl-resume)
//                                                       job JOB saved, for `acrctl apply --resume`
//
// Reads GitLab's predefined variables (CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID,
// CI_COMMIT_SHA, CI_JOB_URL) and ACRCTL_GITLAB_TOKEN (a project access token, api scope). The token
// is sent in a header and never printed.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const PLAN_MARKER = '<!-- acrctl-plan -->';
const DRIFT_LABEL = 'acrctl-drift';
const PLAN_JOB = 'acrctl-plan';
const APPLY_JOBS = ['acrctl-apply', 'acrctl-resume'];
const JOURNAL_FILE = 'acrctl-journal.json';

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

function project() {
  return `${env('CI_API_V4_URL').replace(/\/$/, '')}/projects/${encodeURIComponent(env('CI_PROJECT_ID'))}`;
}

async function call(method, path, body) {
  const res = await fetch(`${project()}${path}`, {
    method,
    headers: { 'PRIVATE-TOKEN': env('ACRCTL_GITLAB_TOKEN'), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`GitLab API ${method} ${path.split('?')[0]} answered ${res.status}`);
  return res;
}

async function json(method, path, body) {
  return (await call(method, path, body)).json();
}

/** Every page of a list (GitLab's x-next-page header). */
async function all(path) {
  const out = [];
  for (let page = '1'; page; ) {
    const res = await call('GET', `${path}${path.includes('?') ? '&' : '?'}per_page=100&page=${page}`);
    out.push(...(await res.json()));
    page = res.headers.get('x-next-page') ?? '';
  }
  return out;
}

function footer(text) {
  const job = process.env.CI_JOB_URL;
  return job ? `${text}\n\n<sub>From [this job](${job}).</sub>` : text;
}

async function mrNote(file) {
  const iid = env('CI_MERGE_REQUEST_IID');
  const body = `${PLAN_MARKER}\n${footer(readFileSync(file, 'utf8'))}`;
  const mine = (await all(`/merge_requests/${iid}/notes?sort=asc`)).find((n) => typeof n.body === 'string' && n.body.startsWith(PLAN_MARKER));
  if (mine) await call('PUT', `/merge_requests/${iid}/notes/${mine.id}`, { body });
  else await call('POST', `/merge_requests/${iid}/notes`, { body });
  console.log(mine ? `updated the plan note on !${iid}` : `posted the plan note on !${iid}`);
}

async function fetchPlan(out) {
  const sha = env('CI_COMMIT_SHA');
  const mr = (await json('GET', `/repository/commits/${sha}/merge_requests`)).find((m) => m.state === 'merged');
  if (!mr) throw new Error(`commit ${sha.slice(0, 8)} did not come from a merged merge request: there is no reviewed plan to apply (nothing was applied)`);
  const pipelines = await all(`/merge_requests/${mr.iid}/pipelines`);
  for (const p of pipelines) {
    if (p.sha !== mr.sha || p.status !== 'success') continue;
    const job = (await all(`/pipelines/${p.id}/jobs?scope[]=success`)).find((j) => j.name === PLAN_JOB);
    if (!job) continue;
    const res = await call('GET', `/jobs/${job.id}/artifacts/acrctl.plan`);
    writeFileSync(out, Buffer.from(await res.arrayBuffer()));
    console.log(`downloaded the plan of !${mr.iid} (pipeline ${p.id}, job ${job.id}) to ${out}`);
    return;
  }
  throw new Error(`no successful ${PLAN_JOB} job for the head of !${mr.iid} (${String(mr.sha).slice(0, 8)}): run the merge request pipeline again; nothing was applied`);
}

/** The status line the drift Markdown ends with. */
function statusLine(text) {
  return (text ?? '').trim().split('\n').filter((l) => l.startsWith('`')).pop() ?? '';
}

async function driftIssue(exit, file) {
  if (exit !== '0' && exit !== '2') {
    console.error(`acrctl drift failed (exit ${exit}): an error, not drift; the drift issue is left as it is`);
    process.exitCode = 1;
    return;
  }
  const open = await all(`/issues?state=opened&labels=${encodeURIComponent(DRIFT_LABEL)}`);
  const issue = open[0];
  if (exit === '2') {
    const report = readFileSync(file, 'utf8');
    const description = footer(`${report}\n\nThis issue is updated on every scheduled run and closed when drift is gone.`);
    if (!issue) {
      const created = await json('POST', '/issues', { title: 'acrctl drift: the live registry estate differs from registry.yaml', description, labels: DRIFT_LABEL });
      console.log(`opened drift issue #${created.iid}`);
    } else {
      const changed = statusLine(issue.description) !== statusLine(report);
      await call('PUT', `/issues/${issue.iid}`, { description });
      // Editing the description notifies no one: say so in a note when the drift itself changed.
      if (changed) await call('POST', `/issues/${issue.iid}/notes`, { body: footer(`The drift changed: ${statusLine(report)}`) });
      console.log(`updated drift issue #${issue.iid}${changed ? ' (the drift changed)' : ''}`);
    }
  } else if (issue) {
    await call('POST', `/issues/${issue.iid}/notes`, { body: footer('Drift is gone: acrctl drift exited 0. Closing.') });
    await call('PUT', `/issues/${issue.iid}`, { state_event: 'close' });
    console.log(`closed drift issue #${issue.iid}`);
  } else {
    console.log('no drift, no open drift issue');
  }
}

/**
 * The journal directory as one JSON file, `{ formatVersion, files: { name: text } }`: a job's
 * artefact archive cannot be listed through the API, one known file can be fetched. No journal (the
 * job failed before apply started) packs as no files.
 */
function journalPack(dir, out) {
  const files = {};
  let names = [];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path, 'utf8');
  }
  writeFileSync(out, `${JSON.stringify({ formatVersion: 1, files })}\n`);
  console.log(`packed ${Object.keys(files).length} journal file(s) from ${dir} into ${out}`);
}

async function fetchJournal(jobId, dir) {
  if (!/^[0-9]+$/.test(jobId)) throw new Error(`ACRCTL_RESUME_JOB must be the id of an ${APPLY_JOBS.join(' or ')} job, got "${jobId.slice(0, 40)}"`);
  const job = await json('GET', `/jobs/${jobId}`);
  if (!APPLY_JOBS.includes(job.name)) throw new Error(`job ${jobId} is "${job.name}", not ${APPLY_JOBS.join(' or ')}: there is nothing to resume`);
  let pack;
  try {
    pack = await json('GET', `/jobs/${jobId}/artifacts/${JOURNAL_FILE}`);
  } catch (err) {
    throw new Error(`job ${jobId} kept no ${JOURNAL_FILE} (its artefacts expired, or it stopped before apply began): ${err.message}`);
  }
  mkdirSync(dir, { recursive: true });
  const names = Object.keys(pack.files ?? {});
  for (const name of names) {
    if (name !== basename(name) || name.startsWith('.')) throw new Error(`refusing a journal file name that is not a plain file name: ${JSON.stringify(name)}`);
    writeFileSync(join(dir, name), String(pack.files[name]));
  }
  if (names.length === 0) throw new Error(`job ${jobId} saved an empty journal: apply never started, so there is nothing to resume (run the apply again)`);
  console.log(`fetched ${names.length} journal file(s) of job ${jobId} (${job.name}) into ${dir}`);
}

const [command, ...args] = process.argv.slice(2);
const commands = {
  'mr-note': () => mrNote(args[0] ?? 'plan.md'),
  'fetch-plan': () => fetchPlan(args[0] ?? 'acrctl.plan'),
  'drift-issue': () => driftIssue(String(args[0] ?? ''), args[1] ?? 'drift.md'),
  'journal-pack': () => journalPack(args[0] ?? '.acrctl/runs', args[1] ?? JOURNAL_FILE),
  'fetch-journal': () => fetchJournal(String(args[0] ?? ''), args[1] ?? '.acrctl/runs'),
};
const run = commands[command ?? ''];
if (!run) {
  console.error(`usage: acrctl-gitlab.mjs ${Object.keys(commands).join(' | ')} …`);
  process.exit(1);
}
Promise.resolve()
  .then(run)
  .catch((err) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
