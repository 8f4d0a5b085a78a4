/**
 * Runs have identity, saved plans cannot lie, resume never skips reconciliation (issue 19, items 2,
 * 3 and 5, and the engine part of 6): each probe of the issue, end to end against the emulator.
 * Kill and signal tests run bin/acrctl.js (`npm test` builds first); the rest run in-process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/cli/estate.js';
import type { Plan } from '../../src/plan/model.js';
import { planIdOf } from '../../src/plan/planner.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN, runCli } from '../support/cli.js';
import { seedEstate } from '../support/seed.js';
import { landed } from '../../bench/crash-estate.js';

interface Call {
  action: string;
  status: number;
  code: string | null;
  mutating: boolean;
}

const UID = '1234567890123456';
const OTHER_UID = '6543210987654321';

const ESTATE = `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Standard
    name: acme-hz
    internetEndpoint:
      enabled: true
      allow: [{ cidr: 203.0.113.0/24, description: office }, { cidr: 198.51.100.0/24, description: lab }]
    namespaces:
      team-a:
        repositories:
          api: { summary: API server }
`;

/** Another estate: another account, another instance, another file. */
const OTHER = `version: 1
accounts:
  partner: { uid: "${OTHER_UID}" }
instances:
  bj: { account: partner, region: cn-beijing, edition: Basic, name: partner-bj, namespaces: { team-b: {} } }
`;

let t: TestEmulator;
let cwd: string;
beforeEach(async () => {
  t = await startTestEmulator();
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-runs-'));
  writeFileSync(join(cwd, 'registry.yaml'), ESTATE);
});
afterEach(async () => {
  await t.close();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--endpoint', t.url], { cwd, env });
const calls = async () => (await t.admin<Call[]>('GET', '/_emulator/calls')).body;
const landedCount = async (action: string) => (await calls()).filter((c) => c.action === action && landed(c)).length;
const runsDir = () => join(cwd, '.acrctl', 'runs');
const journals = () => (existsSync(runsDir()) ? readdirSync(runsDir()).filter((f) => f.endsWith('.jsonl')).sort() : []);
const records = (file: string) =>
  readFileSync(join(runsDir(), file), 'utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
const runOf = (configFile: string) => journals().find((f) => (records(f)[0]?.['estate'] as { configFile?: string } | undefined)?.configFile === configFile)!.replace(/\.jsonl$/, '');

/** Runs apply as a child and SIGKILLs (or SIGINTs) it once `call` has been announced in a journal. */
async function stopAfterIntent(call: string, signal: 'SIGKILL' | 'SIGINT', args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--no-verify', '--endpoint', t.url, ...args], { cwd, stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env } });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 30_000;
  while (!done && Date.now() < deadline) {
    if (journals().some((f) => readFileSync(join(runsDir(), f), 'utf8').includes(`"call":"${call}"`))) {
      child.kill(signal);
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { code: await exited, stdout };
}

describe('runs have identity', () => {
  it('apply → destroy → apply creates everything again (a new run: new ClientTokens, no refunded instance)', async () => {
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    expect((await cli(['destroy', '--auto-approve'])).code).toBe(0);
    const again = await cli(['apply', '--auto-approve']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('Verified: a new plan shows no changes.');
    const instances = (await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, await t.account(UID))) as { Instances?: { InstanceStatus: string }[] };
    expect(instances.Instances?.filter((i) => i.InstanceStatus === 'RUNNING')).toHaveLength(1);
    expect(journals()).toHaveLength(3);
  });

  it('applies a saved plan once: a second apply of it is refused naming the run, a new plan applies', async () => {
    expect((await cli(['plan', '--out', 'p.json'])).code).toBe(0);
    expect((await cli(['apply', 'p.json', '--auto-approve', '--no-verify'])).code).toBe(0);
    const first = runOf('registry.yaml');
    expect((await cli(['destroy', '--auto-approve'])).code).toBe(0);
    const twice = await cli(['apply', 'p.json', '--auto-approve']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`this plan was already applied in run ${first}`);
    expect((await calls()).filter((c) => c.mutating && c.action === 'CreateInstance')).toHaveLength(1);
    expect((await cli(['plan', '--out', 'q.json'])).code).toBe(0);
    const fresh = await cli(['apply', 'q.json', '--auto-approve']);
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain('Verified: a new plan shows no changes.');
  });

  it('resume continues the run of this estate, never a newer unfinished run of another estate', async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateNamespace': { errorRate: 1 } } });
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(1);
    writeFileSync(join(cwd, 'other.yaml'), OTHER);
    expect((await cli(['apply', '-f', 'other.yaml', '--auto-approve', '--no-verify'])).code).toBe(1);
    const mine = runOf('registry.yaml');
    const theirs = runOf('other.yaml');
    expect(theirs > mine, 'the other estate has the newer run').toBe(true);
    await t.admin('DELETE', '/_emulator/faults');
    const resumed = await cli(['apply', '--resume', '--auto-approve']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming run ${mine}`);
    expect(resumed.stderr).not.toContain(theirs);
    // Naming the other estate's run is refused, saying why.
    const wrong = await cli(['apply', '--resume', '--run', theirs, '--auto-approve']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`run ${theirs} belongs to another estate (other.yaml, account ${OTHER_UID})`);
    // And a completed run is never continued.
    const complete = await cli(['apply', '--resume', '--run', mine, '--auto-approve']);
    expect(complete.code).toBe(1);
    expect(complete.stderr).toContain(`run ${mine} completed: there is nothing to resume`);
  });

  it('with several unfinished runs of the estate, --resume lists them and --run chooses one', async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateNamespace': { errorRate: 1 } } });
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(1);
    const a = runOf('registry.yaml');
    // A second copy of the run (a CI cache restored next to the runner's own).
    const b = `${a.slice(0, -6)}ffffff`;
    writeFileSync(join(runsDir(), `${b}.jsonl`), readFileSync(join(runsDir(), `${a}.jsonl`), 'utf8').split(a).join(b));
    writeFileSync(join(runsDir(), `${b}.plan.json`), readFileSync(join(runsDir(), `${a}.plan.json`)));
    await t.admin('DELETE', '/_emulator/faults');
    const ambiguous = await cli(['apply', '--resume', '--auto-approve']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('2 unfinished apply runs of this estate');
    expect(ambiguous.stderr).toContain(a);
    expect(ambiguous.stderr).toContain(b);
    expect(ambiguous.stderr).toContain('acrctl apply --resume --run ID');
    expect((await calls()).filter((c) => c.mutating && c.action === 'CreateNamespace')).toHaveLength(1);
    const chosen = await cli(['apply', '--resume', '--run', a, '--auto-approve']);
    expect(chosen.code, chosen.stdout + chosen.stderr).toBe(0);
    expect(chosen.stderr).toContain(`resuming run ${a}`);
  });
});

describe('saved plans cannot lie', () => {
  /** Reads p.json, edits it, writes it back (with the plan id recomputed, as an editor can). */
  const edit = (from: string, to: string, change: (p: { -readonly [K in keyof Plan]: Plan[K] }) => void, recompute: boolean) => {
    const p = JSON.parse(readFileSync(join(cwd, from), 'utf8')) as { -readonly [K in keyof Plan]: Plan[K] };
    change(p);
    if (recompute) p.planId = planIdOf(p, sha256);
    writeFileSync(join(cwd, to), JSON.stringify(p));
  };

  it('refuses a plan edited to refund an undeclared instance, with or without its id recomputed', async () => {
    writeFileSync(join(cwd, 'other.yaml'), `version: 1\naccounts:\n  prod: { uid: "${UID}" }\ninstances:\n  old: { account: prod, region: cn-hangzhou, edition: Basic, name: legacy }\n`);
    expect((await cli(['apply', '-f', 'other.yaml', '--auto-approve', '--no-verify'])).code).toBe(0);
    const legacy = ((await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, await t.account(UID))) as { Instances: { InstanceId: string; InstanceName: string }[] }).Instances.find((i) => i.InstanceName === 'legacy')!.InstanceId;
    expect((await cli(['plan', '--out', 'p.json'])).code).toBe(0);
    for (const recompute of [true, false]) {
      edit('p.json', 'evil.json', (p) => {
        const refund = { id: 'instance[old]', kind: 'instance', type: 'delete' as const, account: 'prod', region: 'cn-hangzhou', instance: 'old', key: { instance: 'old' }, ids: { instanceId: legacy }, before: { edition: 'Basic', name: 'legacy' }, changes: [], dependsOn: [] };
        p.actions = [...p.actions, refund].sort((x, y) => (x.id < y.id ? -1 : 1));
      }, recompute);
      const r = await cli(['apply', 'evil.json', '--auto-approve']);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain(recompute ? 'the saved plan would delete instance[old], which the configuration does not ask for' : 'was modified after it was made');
    }
    expect((await calls()).filter((c) => c.action === 'RefundInstance')).toEqual([]);
  });

  it('refuses a plan whose refs were edited to send creates into another instance', async () => {
    writeFileSync(join(cwd, 'registry.yaml'), ESTATE.replace(/ {4}namespaces:[\s\S]*$/, ''));
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    writeFileSync(join(cwd, 'other.yaml'), `version: 1\naccounts:\n  prod: { uid: "${UID}" }\ninstances:\n  old: { account: prod, region: cn-hangzhou, edition: Basic, name: legacy }\n`);
    expect((await cli(['apply', '-f', 'other.yaml', '--auto-approve', '--no-verify'])).code).toBe(0);
    const legacy = ((await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, await t.account(UID))) as { Instances: { InstanceId: string; InstanceName: string }[] }).Instances.find((i) => i.InstanceName === 'legacy')!.InstanceId;
    writeFileSync(join(cwd, 'registry.yaml'), ESTATE);
    expect((await cli(['plan', '--out', 'p.json'])).code).toBe(0);
    for (const recompute of [false, true]) {
      edit('p.json', 'evil.json', (p) => {
        p.refs = { ...p.refs, 'instance[hz]': { instanceId: legacy } };
      }, recompute);
      const r = await cli(['apply', 'evil.json', '--auto-approve']);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain(recompute ? `refs.instance[hz].instanceId is "${legacy}" in the saved plan` : 'was modified after it was made');
    }
    expect((await calls()).filter((c) => c.mutating && c.action === 'CreateNamespace')).toEqual([]);
  });

  it('refuses a plan whose error findings were deleted', async () => {
    const env = await seedEstate(t, join(import.meta.dirname, '..', 'golden', 'plan', 'cross-region-collision'), cwd);
    writeFileSync(join(cwd, 'registry.yaml'), readFileSync(join(import.meta.dirname, '..', 'golden', 'plan', 'cross-region-collision', 'registry.yaml')));
    const planned = await cli(['plan', '--out', 'p.json'], env);
    expect(planned.code).toBe(1);
    const seeded = (await calls()).length;
    for (const recompute of [false, true]) {
      edit('p.json', 'evil.json', (p) => {
        p.findings = p.findings.filter((f) => f.severity !== 'error');
      }, recompute);
      const r = await cli(['apply', 'evil.json', '--auto-approve'], env);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain(recompute ? 'it is not what the configuration and the live estate derive now: findings' : 'was modified after it was made');
    }
    expect((await calls()).slice(seeded).filter((c) => c.mutating)).toEqual([]);
  });

  it('with ACRCTL_PLAN_KEY set, refuses unsigned plans and plans signed with another key', async () => {
    expect((await cli(['plan', '--out', 'unsigned.json'])).code).toBe(0);
    expect((await cli(['plan', '--out', 'other-key.json'], { ACRCTL_PLAN_KEY: 'another-key-1234' })).code).toBe(0);
    const key = { ACRCTL_PLAN_KEY: 'the-ci-key-5678' };
    let r = await cli(['apply', 'unsigned.json', '--auto-approve'], key);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[plan.unsigned]');
    r = await cli(['apply', 'other-key.json', '--auto-approve'], key);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[plan.bad-signature]');
    expect((await calls()).filter((c) => c.mutating)).toEqual([]);
    expect((await cli(['plan', '--out', 'signed.json'], key)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'signed.json'), 'utf8')).signature).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    r = await cli(['apply', 'signed.json', '--auto-approve', '--no-verify'], key);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // The run's own plan copy is signed too: resuming with the key checks it.
    const run = runOf('registry.yaml');
    expect(JSON.parse(readFileSync(join(runsDir(), `${run}.plan.json`), 'utf8')).signature).toMatch(/^hmac-sha256:/);
  });

  it('refuses a plan of format 1 with a message saying so', async () => {
    expect((await cli(['plan', '--out', 'p.json'])).code).toBe(0);
    const p = JSON.parse(readFileSync(join(cwd, 'p.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(cwd, 'old.json'), JSON.stringify({ ...p, formatVersion: 1 }));
    const r = await cli(['apply', 'old.json', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[plan.format-version]');
    expect(r.stderr).toContain('is a plan of format 1 (made by acrctl 0.1.0); this acrctl reads format 3 only');
  });
});

describe('resume never skips reconciliation', () => {
  // Resumes shorten the read budget to 5 s (ACRCTL_READ_TIMEOUT_MS): an ACL create the killed run
  // announced is not sent again before the budget, counted from its intent, is over.
  const slowAcl = () => t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateInstanceEndpointAclPolicy': { latencyMs: 400 } } });

  it('reports a run whose plan file is missing, and --replan reconciles its in-flight creates instead of repeating them', { timeout: 60_000 }, async () => {
    await slowAcl();
    await stopAfterIntent('CreateInstanceEndpointAclPolicy', 'SIGKILL');
    const run = journals()[0]!.replace(/\.jsonl$/, '');
    rmSync(join(runsDir(), `${run}.plan.json`));
    await t.admin('DELETE', '/_emulator/faults');
    const refused = await cli(['apply', '--resume', '--auto-approve'], { ACRCTL_SETTLE_MS: '1000', ACRCTL_READ_TIMEOUT_MS: '5000' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the plan of run ${run} is missing: run \`acrctl apply --resume --replan\` to reconcile from the journal's intents`);
    const replanned = await cli(['apply', '--resume', '--replan', '--auto-approve'], { ACRCTL_SETTLE_MS: '1000', ACRCTL_READ_TIMEOUT_MS: '5000' });
    expect(replanned.code, replanned.stdout + replanned.stderr).toBe(0);
    expect(replanned.stderr).toContain(`continuing run ${run} from a plan derived again (--replan)`);
    expect(await landedCount('CreateInstanceEndpointAclPolicy')).toBe(2);
  });

  it('a plain apply after a kill takes over the in-flight creates of the unfinished run, even without its plan file', { timeout: 60_000 }, async () => {
    await slowAcl();
    await stopAfterIntent('CreateInstanceEndpointAclPolicy', 'SIGKILL');
    const run = journals()[0]!.replace(/\.jsonl$/, '');
    rmSync(join(runsDir(), `${run}.plan.json`));
    await t.admin('DELETE', '/_emulator/faults');
    const again = await cli(['apply', '--auto-approve'], { ACRCTL_SETTLE_MS: '1000', ACRCTL_READ_TIMEOUT_MS: '5000' });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stderr).toMatch(/an earlier apply did not finish: reconciling \d+ actions? it left in flight/);
    expect(await landedCount('CreateInstanceEndpointAclPolicy')).toBe(2);
    // The new run took the old one over: it is no longer a run to resume.
    const next = journals().find((f) => f !== `${run}.jsonl`)!;
    expect(records(next)[0]?.['supersedes']).toEqual([run]);
    expect((await cli(['apply', '--resume', '--auto-approve'])).stderr).toContain('no interrupted apply to resume');
  });

  it('reports damaged journal records with their line, and a run whose header is damaged stops applies until resumed by id', { timeout: 60_000 }, async () => {
    await slowAcl();
    await stopAfterIntent('CreateInstanceEndpointAclPolicy', 'SIGKILL');
    const file = journals()[0]!;
    const run = file.replace(/\.jsonl$/, '');
    await t.admin('DELETE', '/_emulator/faults');
    const lines = readFileSync(join(runsDir(), file), 'utf8').split('\n');
    // Damage the header and one record in the middle.
    lines[0] = lines[0]!.slice(0, 20);
    lines.splice(3, 0, '{"t":"start","id":');
    writeFileSync(join(runsDir(), file), lines.join('\n'));
    const blocked = await cli(['apply', '--auto-approve']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`the header of run ${run} (line 1 of .acrctl/runs/${file}) is damaged`);
    expect(blocked.stderr).toContain(`acrctl apply --resume --run ${run}`);
    const resumed = await cli(['apply', '--resume', '--run', run, '--auto-approve'], { ACRCTL_SETTLE_MS: '1000', ACRCTL_READ_TIMEOUT_MS: '5000' });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`.acrctl/runs/${file} line 1 is damaged`);
    expect(resumed.stderr).toContain(`.acrctl/runs/${file} line 4 is damaged`);
    expect(await landedCount('CreateInstanceEndpointAclPolicy')).toBe(2);
  });
});

describe('smaller items', () => {
  it('journals SIGINT as interrupted, not failed, and resume reconciles what was interrupted', { timeout: 60_000 }, async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateInstanceEndpointAclPolicy': { latencyMs: 1500 } } });
    // No grace: the calls in flight are stopped at once (test/e2e/interrupt.test.ts covers the graceful stop).
    const stopped = await stopAfterIntent('CreateInstanceEndpointAclPolicy', 'SIGINT', [], { ACRCTL_INTERRUPT_GRACE_MS: '0' });
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toContain('Apply interrupted:');
    const rs = records(journals()[0]!);
    expect(rs.filter((r) => r['t'] === 'failed')).toEqual([]);
    expect(rs.some((r) => r['t'] === 'interrupted')).toBe(true);
    expect(rs.at(-1)).toEqual({ t: 'end', status: 'interrupted' });
    await t.admin('DELETE', '/_emulator/faults');
    const resumed = await cli(['apply', '--resume', '--auto-approve'], { ACRCTL_SETTLE_MS: '2000', ACRCTL_READ_TIMEOUT_MS: '5000' });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(await landedCount('CreateInstanceEndpointAclPolicy')).toBe(2);
  });

  it('destroy --resume speaks of destroy', async () => {
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    const r = await cli(['destroy', '--resume', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain('no interrupted destroy to resume');
    expect(r.stderr).not.toContain('interrupted apply');
  });

  it('a --target that matches nothing is an error for plan and apply, even with --detailed-exitcode', async () => {
    const plan = await cli(['plan', '--target', 'instance[hz].namespace[tema-a]', '--detailed-exitcode']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('error[plan.target-unknown]');
    expect(plan.stderr).toContain('did you mean instance[hz].namespace[team-a]?');
    const apply = await cli(['apply', '--target', 'instance[hz].namespace[tema-a]', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('error[plan.target-unknown]');
    expect((await calls()).filter((c) => c.mutating)).toEqual([]);
  });

  it('apply --target applies only the targeted addresses and what they need, and says so', async () => {
    const r = await cli(['apply', '--target', 'instance[hz].namespace[team-a]', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // The namespace, what is inside it (its repository) and what it needs (the instance).
    expect(r.stdout).toContain('Targeting 3 of 6 actions (instance[hz].namespace[team-a]); the rest are not applied.');
    expect(r.stdout).toContain('Verified: a new plan shows no changes for the targeted addresses.');
    expect((await calls()).filter((c) => c.mutating && c.action === 'CreateInstanceEndpointAclPolicy')).toEqual([]);
    const rest = await cli(['plan']);
    expect(rest.stdout).toContain('Plan: 2 to add, 1 to change');
  });

  it('a plan nested 200,000 levels deep is an input error, not a bug', async () => {
    writeFileSync(join(cwd, 'deep.json'), `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    for (const args of [['apply', 'deep.json', '--auto-approve'], ['show', 'deep.json']]) {
      const r = await runCli(args, { cwd });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[plan.too-deep]');
      expect(r.stderr).not.toContain('bug');
    }
  });
});
