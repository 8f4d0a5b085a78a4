/**
 * `acrctl apply` / `destroy` end to end against the emulator over HTTP: convergence, faults,
 * partial failure and resume, the lock, saved plans, approval, and secrets.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runBin, runCli } from '../support/cli.js';

interface Call {
  seq: number;
  product: string;
  action: string;
  mutating: boolean;
  status: number;
  code: string | null;
}

const ESTATE = `version: 1
accounts:
  prod: { uid: "1234567890123456" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Standard
    name: acme-hz
    QUOTAS
    vpcEndpoints:
      - { vpc: vpc-bp1a, vswitch: vsw-bp1a }
      VPC2
    internetEndpoint:
      enabled: true
      allow: [{ cidr: 203.0.113.0/24, description: office }]
    namespaces:
      team-a:
        repositories:
          api: { summary: API server }
          web: { summary: Web front end }
      team-b:
        autoCreateRepo: true
        repositories:
          job: { summary: Batch jobs }
`;

function config(opts: { vpcQuota?: number; secondVpc?: boolean } = {}): string {
  return ESTATE.replace('QUOTAS', opts.vpcQuota !== undefined ? `quotas: { vpcs: ${opts.vpcQuota} }` : '')
    .replace('VPC2', opts.secondVpc ? '- { vpc: vpc-bp1b, vswitch: vsw-bp1b }' : '');
}

let t: TestEmulator;
let cwd: string;
beforeEach(async () => {
  t = await startTestEmulator();
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-apply-'));
  writeFileSync(join(cwd, 'registry.yaml'), config());
});
afterEach(async () => {
  await t.close();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--endpoint', t.url], { cwd, env });
const calls = async () => (await t.admin<Call[]>('GET', '/_emulator/calls')).body;

describe('apply', () => {
  it('converges: a plan right after shows no changes', async () => {
    const r = await cli(['apply', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Apply complete: 9 done, 0 failed, 0 skipped.');
    expect(r.stdout).toContain('Verified: a new plan shows no changes.');
    const again = await cli(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
  });

  it('succeeds through 20% throttling, 5% server errors and 2% dropped connections', async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 7, global: { throttleRate: 0.2, unavailableRate: 0.03, internalErrorRate: 0.02, dropRate: 0.02, dropPhase: 'after', retryAfter: 1 } });
    const r = await cli(['apply', '--auto-approve', '--no-verify']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const log = await calls();
    expect(log.some((c) => c.code === 'Throttling.User')).toBe(true);
    await t.admin('DELETE', '/_emulator/faults');
    const again = await cli(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
    // Each namespace and repository was created exactly once (reconcile, not blind repeats).
    for (const action of ['CreateNamespace', 'CreateRepository']) {
      const ok = log.filter((c) => c.action === action && (c.status === 200 || c.code === 'Emulator.DroppedAfterApply') && c.code !== 'NAMESPACE_ALREADY_EXIST' && c.code !== 'REPO_ALREADY_EXIST');
      expect(ok.length, action).toBe(action === 'CreateNamespace' ? 2 : 3);
    }
  });

  it('finishes independent branches after a non-retryable failure, skips dependants, and resumes once fixed', async () => {
    // No permission to create namespaces: both fail, their repositories are skipped, the rest finishes.
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateNamespace': { errorRate: 1 } } });
    const first = await cli(['apply', '--auto-approve', '--no-verify']);
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.stdout).toContain('Apply failed: 4 done, 2 failed, 3 skipped.');
    expect(first.stdout).toContain('Forbidden.RAM');
    expect(first.stdout).toContain('Fix the cause, then continue with: acrctl apply --resume -f registry.yaml');
    const log = await calls();
    expect(log.filter((c) => c.action === 'CreateNamespace').length).toBe(2); // not retried: non-retryable
    expect(log.filter((c) => c.action === 'CreateRepository')).toEqual([]);
    expect(log.some((c) => c.action === 'CreateInstanceVpcEndpointLinkedVpc' && c.status === 200)).toBe(true);
    // The permission is granted; resume finishes the same plan without redoing what was done.
    await t.admin('DELETE', '/_emulator/faults');
    const second = await cli(['apply', '--resume', '--auto-approve']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('Apply complete: 5 done, 4 done earlier, 0 failed, 0 skipped.');
    expect(second.stdout).toContain('Verified: a new plan shows no changes.');
    expect((await calls()).filter((c) => c.action === 'CreateInstanceVpcEndpointLinkedVpc').length).toBe(1);
  });

  it('after a failure, a fixed config is planned again and completes', async () => {
    writeFileSync(join(cwd, 'registry.yaml'), config({ vpcQuota: 1, secondVpc: true }));
    const first = await cli(['apply', '--auto-approve', '--no-verify']);
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.stdout).toContain('vpc-link[vpc-bp1b/vsw-bp1b]');
    expect(first.stdout).toContain('VPC_QUOTA_EXCEED');
    writeFileSync(join(cwd, 'registry.yaml'), config({ vpcQuota: 1 }));
    const second = await cli(['apply', '--resume', '--auto-approve']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stderr).toContain('the configuration changed since run');
    const plan = await cli(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout).toBe(0);
  });

  it('refuses to run without a terminal unless --auto-approve is given, changing nothing', async () => {
    const r = await cli(['apply']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--auto-approve');
    expect((await calls()).filter((c) => c.mutating)).toEqual([]);
  });

  it('asks on a terminal: anything but yes changes nothing, yes applies', async () => {
    const asked: string[] = [];
    const answer = (reply: boolean) => ({ stdinIsTTY: true, confirm: async (q: string) => (asked.push(q), reply) });
    const no = await runCli(['apply', '--endpoint', t.url], { cwd, io: answer(false) });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('apply cancelled; nothing was changed.');
    expect(asked[0]).toContain("Do you want to perform these actions? Only 'yes' is accepted");
    expect((await calls()).filter((c) => c.mutating)).toEqual([]);
    const yes = await runCli(['apply', '--endpoint', t.url], { cwd, io: answer(true) });
    expect(yes.code, yes.stdout + yes.stderr).toBe(0);
    expect(asked).toHaveLength(2);
  });

  it('refuses a second apply while one holds the lock, naming it', async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, global: { latencyMs: 150 } });
    const slow = runBin(['apply', '--auto-approve', '--no-verify', '--endpoint', t.url], { cwd });
    const lock = join(cwd, '.acrctl', 'lock');
    for (let i = 0; i < 200 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(lock)).toBe(true);
    const second = await cli(['apply', '--auto-approve']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another acrctl is running on this estate: pid \d+ on .+, started \d{4}-/);
    const done = await slow;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('destroy removes what was declared; a plan after it shows everything to create', async () => {
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    const d = await cli(['destroy', '--auto-approve']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout).toContain('- instance[hz]');
    expect(d.stdout).toContain('Verified: nothing declared is left.');
    const p = await cli(['plan']);
    expect(p.stdout).toContain('Plan: 9 to add, 0 to change, 0 to destroy');
  });
});

describe('resume keeps to its command', () => {
  it('apply --resume never continues an interrupted destroy; destroy --resume does', async () => {
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'bss:RefundInstance': { errorRate: 1 } } });
    const destroy = await cli(['destroy', '--auto-approve']);
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(1);
    expect(destroy.stdout).toContain('Fix the cause, then continue with: acrctl destroy --resume -f registry.yaml');
    await t.admin('DELETE', '/_emulator/faults');
    const apply = await cli(['apply', '--resume', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stderr).toContain('no interrupted apply to resume');
    expect(apply.stdout).toContain('No changes.');
    const resumed = await cli(['destroy', '--resume', '--auto-approve']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Verified: nothing declared is left.');
  });
});

describe('gates', () => {
  it('stops at a console-only switch with exit 3 and instructions, then --resume verifies it and finishes', async () => {
    writeFileSync(join(cwd, 'registry.yaml'), config().replace('    name: acme-hz\n', '    name: acme-hz\n    personalEditionDomain: true\n').replace('namespaces:\n      team-a:', 'namespaces:\n      team-a:').replace('edition: Standard', 'edition: Advanced'));
    const first = await cli(['apply', '--auto-approve', '--no-verify']);
    expect(first.code, first.stdout + first.stderr).toBe(3);
    expect(first.stdout).toContain('Apply stopped at 1 gate');
    expect(first.stdout).toContain('Personal Edition domain');
    expect(first.stdout).toContain('When done, continue with: acrctl apply --resume -f registry.yaml');
    // Resuming before the switch is flipped stops at the gate again.
    expect((await cli(['apply', '--resume', '--auto-approve', '--no-verify'])).code).toBe(3);
    // The vendor allow-lists the instance and a human flips the switch in the console.
    const keys = await t.account('1234567890123456');
    const id = ((await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!.InstanceId;
    await t.admin('POST', `/_emulator/cr/instances/${id}/allowlist`, { allowListed: true });
    await t.admin('POST', `/_emulator/cr/instances/${id}/switches`, { personalEditionDomain: true });
    const resumed = await cli(['apply', '--resume', '--auto-approve']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Verified: a new plan shows no changes.');
  });
});

describe('saved plans', () => {
  it('applies a saved plan exactly, and refuses it when the live estate moved, the config changed, or the file was edited', async () => {
    expect((await cli(['plan', '--out', 'p.json'])).code).toBe(0);
    // Config changed since the plan.
    writeFileSync(join(cwd, 'registry.yaml'), config().replace('Batch jobs', 'Nightly jobs'));
    let r = await cli(['apply', 'p.json', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has changed since the plan was made');
    writeFileSync(join(cwd, 'registry.yaml'), config());
    // Edited plan file.
    const plan = JSON.parse(readFileSync(join(cwd, 'p.json'), 'utf8')) as { actions: { after?: Record<string, unknown> }[] };
    plan.actions[0]!.after = { ...plan.actions[0]!.after, edition: 'Advanced' };
    writeFileSync(join(cwd, 'tampered.json'), JSON.stringify(plan));
    r = await cli(['apply', 'tampered.json', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was modified after it was made');
    // Live estate moved: someone bought the instance meanwhile (with a smaller plan applied).
    writeFileSync(join(cwd, 'other.yaml'), 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\ninstances:\n  hz: { account: prod, region: cn-hangzhou, edition: Standard, name: acme-hz }\n');
    expect((await cli(['apply', '-f', 'other.yaml', '--auto-approve', '--no-verify'])).code).toBe(0);
    r = await cli(['apply', 'p.json', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the live estate has changed since the plan was made');
  });

  it('applies an unchanged saved plan', async () => {
    expect((await cli(['plan', '--out', 'p.json'])).code).toBe(0);
    const r = await cli(['apply', 'p.json', '--auto-approve']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const shown = await runCli(['show', 'p.json'], { cwd });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Plan: 9 to add');
  });
});

describe('secrets', () => {
  it('never prints or writes a canary secret from the environment, nor the emulator keys', async () => {
    const canary = 'CANARYsecretVALUE0123456789abcdef';
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIcanaryid0000', ALIBABA_CLOUD_ACCESS_KEY_SECRET: canary, PROD_ACCESS_KEY_SECRET: canary };
    const outputs = [await cli(['plan', '--out', 'p.json'], env), await cli(['apply', '--auto-approve'], env), await cli(['plan', '--format', 'json'], env)];
    const keys = await t.account('1234567890123456');
    const texts = outputs.flatMap((o) => [o.stdout, o.stderr]);
    const files = [join(cwd, 'p.json'), ...readdirSync(join(cwd, '.acrctl', 'runs')).map((f) => join(cwd, '.acrctl', 'runs', f))];
    for (const f of files) texts.push(readFileSync(f, 'utf8'));
    for (const text of texts) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain(keys.accessKeySecret);
    }
  });
});
