/**
 * The run store on OSS (issue 16 items 1-3), end to end against the emulator: two working
 * directories that share only the store. The second apply is refused naming the first (or waits
 * with --lock-timeout); a run killed in one directory is resumed in the other with no duplicate
 * create in the call log; force-unlock names what it removes. Child processes run bin/acrctl.js
 * (build first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OSS from 'ali-oss';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN, runCli } from '../support/cli.js';
import { landed } from '../../bench/crash-estate.js';

const UID = '1234567890123456';
const BUCKET = 'acme-acrctl-runs';
const REGION = 'cn-hangzhou';

const ESTATE = (prefix: string) => `version: 1
accounts:
  prod: { uid: "${UID}" }
runStore:
  oss: { account: prod, region: ${REGION}, bucket: ${BUCKET}, prefix: ${prefix} }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Standard
    name: acme-${prefix.split('/')[0]}
    namespaces:
      team-a:
        repositories:
          api: { summary: API server }
          web: { summary: Web front end }
          job: { summary: Batch jobs }
      team-b:
        repositories:
          cron: { summary: Cron jobs }
`;

interface Call {
  action: string;
  status: number;
  code: string | null;
}

let t: TestEmulator;
let oss: OSS;
const dirs: string[] = [];

function workdir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), 'acrctl-store-'));
  dirs.push(d);
  writeFileSync(join(d, 'registry.yaml'), ESTATE(prefix));
  return d;
}

beforeAll(async () => {
  t = await startTestEmulator();
  await t.account(UID);
  expect((await t.admin('POST', '/_emulator/oss/buckets', { accountUid: UID, region: REGION, bucket: BUCKET })).status).toBeLessThan(300);
  const keys = await t.account(UID);
  const endpoint = (await t.admin<{ endpoint: string }>('GET', `/_emulator/endpoint?product=oss&region=${REGION}`)).body.endpoint;
  oss = new OSS({ endpoint: `http://${endpoint}`, region: `oss-${REGION}`, accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret, bucket: BUCKET });
});
afterAll(async () => {
  await t.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  await t.admin('DELETE', '/_emulator/faults');
});

async function keys(prefix: string): Promise<string[]> {
  const r = await oss.listV2({ prefix, 'max-keys': '1000' }, {});
  return (r.objects ?? []).map((o) => o.name);
}

function child(cwd: string, args: string[], env: Record<string, string> = {}) {
  const p = spawn(process.execPath, [BIN, ...args, '--endpoint', t.url], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env } });
  let out = '';
  p.stdout.on('data', (c: Buffer) => (out += c.toString()));
  p.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  return { p, exited, output: () => out };
}

async function until(cond: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the run store on OSS', () => {
  it('keeps the journal, the plan and the lock in the bucket, not in .acrctl/', async () => {
    const a = workdir('t1/prod');
    const r = await runCli(['apply', '--auto-approve', '--endpoint', t.url], { cwd: a });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const stored = await keys('t1/prod/');
    expect(stored.filter((k) => k.endsWith('.jsonl'))).toHaveLength(1);
    expect(stored.filter((k) => k.endsWith('.plan.json'))).toHaveLength(1);
    expect(stored.filter((k) => k.startsWith('t1/prod/lock/estate/'))).toHaveLength(1);
    const lock = JSON.parse(((await oss.get(stored.find((k) => k.includes('/lock/'))!)).content as Buffer).toString()) as Record<string, unknown>;
    expect(lock).toMatchObject({ state: 'released', generation: 1, command: 'acrctl apply' });
    expect(existsSync(join(a, '.acrctl', 'runs')), 'nothing local').toBe(false);
    const journal = ((await oss.get(stored.find((k) => k.endsWith('.jsonl'))!)).content as Buffer).toString();
    expect(journal).toContain('"t":"intent"');
    expect(journal.trim().split('\n').at(-1)).toContain('"t":"end","status":"complete"');
  });

  it('refuses a second apply in another directory naming the first; --lock-timeout waits for it', async () => {
    await t.admin('PUT', '/_emulator/faults', { actions: { 'cr:CreateRepository': { latencyMs: 400 } } });
    const a = workdir('t2/prod');
    const b = workdir('t2/prod');
    const first = child(a, ['apply', '--auto-approve', '--no-verify']);
    await until(async () => (await keys('t2/prod/runs/')).some((k) => k.endsWith('.jsonl')));
    const refused = await runCli(['apply', '--auto-approve', '--endpoint', t.url], { cwd: b });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`error\\[apply\\.locked\\]: another acrctl holds the lock: pid ${first.p.pid} on \\S+, started \\S+ \\(acrctl apply\\); last heartbeat \\d+ s ago \\(lock oss://${BUCKET}/t2/prod/lock/estate/000000000001\\.json, generation 1\\)`));
    const waited = await runCli(['apply', '--auto-approve', '--no-verify', '--lock-timeout', '60s', '--endpoint', t.url], { cwd: b });
    expect(await first.exited, first.output()).toBe(0);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toContain('waiting for the lock');
    expect(waited.stdout).toContain('No changes');
  }, 60_000);

  it('resumes in another directory a run killed in the first: finished, zero duplicate creates', async () => {
    await t.admin('PUT', '/_emulator/faults', { actions: { 'cr:CreateRepository': { latencyMs: 300 }, 'cr:CreateNamespace': { latencyMs: 300 } } });
    const a = workdir('t3/prod');
    const b = workdir('t3/prod');
    const before = (await t.admin<Call[]>('GET', '/_emulator/calls')).body.length;
    const first = child(a, ['apply', '--auto-approve', '--no-verify']);
    // Kill -9 right after the second repository's create was announced.
    await until(async () => {
      const j = (await keys('t3/prod/runs/')).find((k) => k.endsWith('.jsonl'));
      if (!j) return false;
      const text = ((await oss.get(j)).content as Buffer).toString();
      return text.split('"call":"CreateRepository"').length - 1 >= 2;
    });
    first.p.kill('SIGKILL');
    await first.exited;
    await t.admin('DELETE', '/_emulator/faults');
    // The lock of the dead runner: refused until it expires (here: aged by the emulator's clock).
    const refused = await runCli(['apply', '--resume', '--auto-approve', '--endpoint', t.url], { cwd: b });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('another acrctl holds the lock');
    await t.admin('POST', '/_emulator/clock', { advanceMs: 61_000 });
    const resumed = await runCli(['apply', '--resume', '--auto-approve', '--endpoint', t.url], { cwd: b });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('took over a stale lock');
    expect(resumed.stdout).toContain('Verified: a new plan shows no changes');
    const calls = (await t.admin<Call[]>('GET', '/_emulator/calls')).body.slice(before);
    for (const [action, n] of Object.entries({ CreateNamespace: 2, CreateRepository: 4 })) {
      expect(calls.filter((c) => c.action === action && landed(c)).length, action).toBe(n);
    }
    expect(existsSync(join(b, '.acrctl', 'runs'))).toBe(false);
  }, 60_000);

  it('force-unlock names the lock object and holder it removes', async () => {
    const a = workdir('t4/prod');
    await t.admin('PUT', '/_emulator/faults', { actions: { 'cr:CreateRepository': { latencyMs: 2000 } } });
    const first = child(a, ['apply', '--auto-approve', '--no-verify']);
    await until(async () => (await keys('t4/prod/runs/')).some((k) => k.endsWith('.jsonl')));
    const b = workdir('t4/prod');
    const r = await runCli(['force-unlock', '--endpoint', t.url], { cwd: b });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Removed oss://${BUCKET}/t4/prod/lock/estate/000000000001.json: the lock of pid ${first.p.pid}`);
    expect(r.stdout).toContain('still heartbeating');
    first.p.kill('SIGKILL');
    await first.exited;
    const again = await runCli(['force-unlock', '--endpoint', t.url], { cwd: b });
    expect(again.stdout).toContain('There was no lock');
  }, 60_000);
});
