/**
 * The GitLab resume path end to end: acrctl-apply stops at a gate (exit 3) and its after_script
 * packs the journal; a later "Run pipeline" with ACRCTL_RESUME_JOB runs acrctl-resume in a fresh
 * checkout, which fetches that job's journal through the GitLab API (a fake on loopback) and
 * finishes the same plan with `acrctl apply --resume`, exactly the lines of .gitlab-ci.yml.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';

const HELPER = fileURLToPath(new URL('../../examples/ci/gitlab/ci/acrctl-gitlab.mjs', import.meta.url));
const TOKEN = 'glpat-resume-test';
const UID = '1234567890123456';
const CONFIG = `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    personalEditionDomain: true
`;

let t: TestEmulator;
let gitlab: Server;
let api = '';
let root = '';
/** The fake GitLab's artefacts: job id → acrctl-journal.json. */
const artefacts = new Map<number, string>();

beforeAll(async () => {
  t = await startTestEmulator();
  root = mkdtempSync(join(tmpdir(), 'acrctl-gitlab-resume-'));
  gitlab = createServer((req, res) => {
    const m = /^\/api\/v4\/projects\/42\/jobs\/(\d+)(\/artifacts\/acrctl-journal\.json)?$/.exec(req.url ?? '');
    const journal = m ? artefacts.get(Number(m[1])) : undefined;
    if (req.headers['private-token'] !== TOKEN || !m || journal === undefined) {
      res.writeHead(404).end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(m[2] ? journal : JSON.stringify({ id: Number(m[1]), name: 'acrctl-apply' }));
  });
  await new Promise<void>((r) => gitlab.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(gitlab.address() as AddressInfo).port}/api/v4`;
});
afterAll(async () => {
  await new Promise((r) => gitlab.close(r));
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

function helper(cwd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HELPER, ...args], {
      cwd,
      env: { PATH: process.env.PATH, CI_API_V4_URL: api, CI_PROJECT_ID: '42', ACRCTL_GITLAB_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** A fresh job workspace: a checkout holding registry.yaml and nothing else. */
function checkout(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(join(root, 'registry.yaml'), join(dir, 'registry.yaml'));
  return dir;
}

describe('acrctl-resume on GitLab', () => {
  it('finishes a gated apply from the journal the acrctl-apply job saved', async () => {
    writeFileSync(join(root, 'registry.yaml'), CONFIG);
    const env = { ACRCTL_CONFIG: 'registry.yaml', ACRCTL_ENDPOINT: t.url };

    // Job 71, acrctl-apply: stops at the gate; after_script packs the journal.
    const applyJob = checkout('job-71');
    const first = await runCli(['apply', '--auto-approve', '--no-verify'], { cwd: applyJob, env });
    expect(first.code, first.stdout + first.stderr).toBe(3);
    expect((await helper(applyJob, ['journal-pack', '.acrctl/runs', 'acrctl-journal.json'])).code).toBe(0);
    artefacts.set(71, readFileSync(join(applyJob, 'acrctl-journal.json'), 'utf8'));

    // Someone does the console step the log asked for.
    const keys = await t.account(UID);
    const id = ((await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!.InstanceId;
    await t.admin('POST', `/_emulator/cr/instances/${id}/allowlist`, { allowListed: true });
    await t.admin('POST', `/_emulator/cr/instances/${id}/switches`, { personalEditionDomain: true });

    // Job 72, acrctl-resume with ACRCTL_RESUME_JOB=71, on another runner.
    const resumeJob = checkout('job-72');
    const fetched = await helper(resumeJob, ['fetch-journal', '71', '.acrctl/runs']);
    expect(fetched.code, fetched.out).toBe(0);
    const resumed = await runCli(['apply', '-f', 'registry.yaml', '--resume', '--auto-approve'], { cwd: resumeJob, env });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Verified: a new plan shows no changes.');
    expect(resumed.stdout).not.toContain('no interrupted apply to resume');
  });
});
