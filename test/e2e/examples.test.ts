/**
 * Every example (and the replication scenarios) applies against the emulator, then plans clean (`plan --detailed-exitcode` exits 0).
 * Two ways in: the golden scenarios with their own seeds (test/golden/plan/example-*), and every
 * folder of examples/ as a user runs it, seeded by `acrctl emulator seed` from its
 * emulator-seed.yaml on a fresh emulator (and once through the embedded emulator's state file).
 * Gates (console-only switches) are flipped the way a human would, through the emulator's admin
 * API, then apply resumes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startTestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';
import { seedEstate } from '../support/seed.js';
import { declaredEnv } from '../support/declared-env.js';

const golden = fileURLToPath(new URL('../golden/plan/', import.meta.url));
const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const USER_EXAMPLES = readdirSync(examplesDir).filter((d) => existsSync(join(examplesDir, d, 'registry.yaml'))).sort();

interface ExampleConfig {
  accounts: Record<string, { uid: string }>;
  instances: Record<string, { account: string; region: string; name: string; personalEditionDomain?: boolean; authDomainTakeover?: boolean }>;
}

/** Allow-lists and flips the console switches the config asks for, as the vendor and a human would. */
async function passGates(t: Awaited<ReturnType<typeof startTestEmulator>>, text: string): Promise<void> {
  const config = parse(text) as ExampleConfig;
  for (const inst of Object.values(config.instances)) {
    if (!inst.personalEditionDomain && !inst.authDomainTakeover) continue;
    const keys = await t.account(config.accounts[inst.account]!.uid);
    const found = ((await t.callRpc('cr', inst.region, 'ListInstance', { InstanceName: inst.name }, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!;
    await t.admin('POST', `/_emulator/cr/instances/${found.InstanceId}/allowlist`, { allowListed: true });
    await t.admin('POST', `/_emulator/cr/instances/${found.InstanceId}/switches`, { personalEditionDomain: inst.personalEditionDomain ?? false, authDomainTakeover: inst.authDomainTakeover ?? false });
  }
}

/** The error findings of a JSON plan. */
function errorFindings(json: string): unknown[] {
  return (JSON.parse(json) as { findings: { severity: string }[] }).findings.filter((f) => f.severity === 'error');
}
const EXAMPLES = ['empty-estate', 'example-cross-account-replication', 'example-migrate-personal', 'example-cross-region-access', 'cross-account-merged-trust', 'backfill'];

describe.each(EXAMPLES)('example %s', (scenario) => {
  it('applies, passing its gates, and then plans no changes', async () => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), `acrctl-example-${scenario}-`));
    try {
      const dir = join(golden, scenario);
      const env = await seedEstate(t, dir, cwd);
      const text = readFileSync(join(dir, 'registry.yaml'), 'utf8');
      writeFileSync(join(cwd, 'registry.yaml'), text);
      const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd, env });
      // A slow trust-policy update: a rule created before it lands would be refused (NoPrivilege),
      // so this proves the rule waits for the role, not only for its target namespace.
      if (scenario === 'cross-account-merged-trust') await t.admin('PUT', '/_emulator/faults', { actions: { 'ram:UpdateRole': { latencyMs: 1500 } } });
      let r = await cli(['apply', '--auto-approve']);
      if (r.code === 3) {
        // A gate: allow-list and flip the console switches the config asks for, then resume.
        await passGates(t, text);
        r = await cli(['apply', '--resume', '--auto-approve']);
      }
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('Verified: a new plan shows no changes.');
      const plan = await cli(['plan', '--detailed-exitcode']);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe.each(USER_EXAMPLES)('examples/%s, offline after acrctl emulator seed', (name) => {
  it('seeds, plans with no error finding, applies (passing its gates), plans clean, and seeds again as a no-op', async () => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), `acrctl-example-${name}-`));
    try {
      const dir = join(examplesDir, name);
      const file = join(dir, 'registry.yaml');
      expect(existsSync(join(dir, 'emulator-seed.yaml')), 'every example has an emulator-seed.yaml').toBe(true);
      // The variables its comments tell a user to export (webhook URLs: secrets, `${env:}` only).
      const env = declaredEnv(readFileSync(file, 'utf8'));
      const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd, env });
      const seeded = await cli(['emulator', 'seed', dir]);
      expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
      const plan = await cli(['plan', '-f', file, '--format', 'json', '--detailed-exitcode']);
      expect(plan.code, plan.stderr).toBe(2);
      expect(errorFindings(plan.stdout)).toEqual([]);
      let r = await cli(['apply', '-f', file, '--auto-approve']);
      if (r.code === 3) {
        // The gate's steps name the instance apply has just created, not a placeholder.
        expect(r.stdout).toMatch(/allow-list instance \S+ \(cri-[0-9a-z]+\)/);
        await passGates(t, readFileSync(file, 'utf8'));
        r = await cli(['apply', '-f', file, '--resume', '--auto-approve']);
      }
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('Verified: a new plan shows no changes.');
      const again = await cli(['plan', '-f', file, '--detailed-exitcode']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const reseeded = await cli(['emulator', 'seed', dir]);
      expect(reseeded.code, reseeded.stderr).toBe(0);
      expect(reseeded.stdout).toMatch(/^(Seeded: 0 created, \d+ already there|Nothing to create)/m);
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('examples/migrate-personal without its internet endpoint', () => {
  it('fails at plan time with a finding naming the instance and the fix, before anything is applied', async () => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-example-no-endpoint-'));
    try {
      const dir = join(examplesDir, 'migrate-personal');
      const text = readFileSync(join(dir, 'registry.yaml'), 'utf8');
      const without = text.replace(/    internetEndpoint:.*\n(      .*\n|        .*\n)*/, '');
      expect(without).not.toContain('internetEndpoint:');
      writeFileSync(join(cwd, 'registry.yaml'), without);
      const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd });
      expect((await cli(['emulator', 'seed', dir])).code).toBe(0);
      const plan = await cli(['plan']);
      expect(plan.code, plan.stdout + plan.stderr).toBe(1);
      expect(plan.stdout).toContain('error[import-copy-path]: instance[shop-hz]: instance shop-hz copies 5 images, but they go through its internet endpoint (copyEndpoint: internet, the default), which registry.yaml does not declare enabled');
      expect(plan.stdout).toContain('Fix: set instances.shop-hz.internetEndpoint: { enabled: true');
      const apply = await cli(['apply', '--auto-approve']);
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain('nothing was changed');
      const keys = await t.account('1234567890123456');
      expect(((await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, keys)) as { Instances: unknown[] }).Instances).toEqual([]);
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('examples/cross-region-access with the embedded emulator', () => {
  it('plans and applies offline from the state file its seed wrote', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-example-embedded-'));
    try {
      const dir = join(examplesDir, 'cross-region-access');
      const file = join(dir, 'registry.yaml');
      const seeded = await runCli(['emulator', 'seed', dir, '--emulator'], { cwd });
      expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
      expect(seeded.stdout).toContain('created CEN cen-example01');
      expect(existsSync(join(cwd, '.acrctl', 'emulator.json'))).toBe(true);
      const plan = await runCli(['plan', '-f', file, '--emulator', '--format', 'json', '--detailed-exitcode'], { cwd });
      expect(plan.code, plan.stderr).toBe(2);
      expect(errorFindings(plan.stdout)).toEqual([]);
      const r = await runCli(['apply', '-f', file, '--emulator', '--auto-approve'], { cwd });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('Verified: a new plan shows no changes.');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('examples/partner-replication, two parties: the partner creates its role itself', () => {
  it('without the role apply stops at the gates with the partner\'s instructions; once the partner creates it through the RAM API, apply --resume creates the rules', async () => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-example-partner-'));
    try {
      const dir = join(examplesDir, 'partner-replication');
      const file = join(dir, 'registry.yaml');
      // The example's seed without its ramRoles: the partner has not done its part yet.
      const seed = parse(readFileSync(join(dir, 'emulator-seed.yaml'), 'utf8')) as Record<string, unknown> & { ramRoles: { trustPolicy: unknown; policies: { name: string; document: unknown }[] }[] };
      const partnerSide = seed.ramRoles[0]!;
      delete (seed as Record<string, unknown>)['ramRoles'];
      writeFileSync(join(cwd, 'emulator-seed.yaml'), JSON.stringify(seed));
      const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd });
      const seeded = await cli(['emulator', 'seed', join(cwd, 'emulator-seed.yaml'), '-f', file]);
      expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
      await t.admin('DELETE', '/_emulator/calls');

      const first = await cli(['apply', '-f', file, '--auto-approve']);
      expect(first.code, first.stdout + first.stderr).toBe(3);
      expect(first.stdout).toContain("The target's owner has created the role: ask the owner of account 7654321098765432");
      // The refusal is said as the missing role, in the run's progress (the view's stream), not as an API error.
      expect(first.stdout + first.stderr).toContain("account 7654321098765432 has not authorised account 2345678901234567 to replicate into cri-partnerexample1: the target's owner has not created the role aliyuncontainerregistrycrossaccoutsyncrole");
      expect(first.stdout + first.stderr).not.toContain('NoPrivilege:');
      expect(first.stdout).toContain('"Principal":{"Service":["2345678901234567@cr.aliyuncs.com"]}');
      const { body: calls } = await t.admin<{ accountUid: string }[]>('GET', '/_emulator/calls');
      expect(calls.filter((c) => c.accountUid === '7654321098765432'), 'acrctl never calls the partner account').toEqual([]);

      // The partner, with its own keys, in its RAM console (the official RAM SDK).
      const ram = await t.ramClient(await t.account('7654321098765432'));
      const RamSdk = await import('@alicloud/ram20150501');
      await ram.createRole(new RamSdk.CreateRoleRequest({ roleName: 'aliyuncontainerregistrycrossaccoutsyncrole', assumeRolePolicyDocument: JSON.stringify(partnerSide.trustPolicy) }));
      const policy = partnerSide.policies[0]!;
      await ram.createPolicy(new RamSdk.CreatePolicyRequest({ policyName: policy.name, policyDocument: JSON.stringify(policy.document) }));
      await ram.attachPolicyToRole(new RamSdk.AttachPolicyToRoleRequest({ policyType: 'Custom', policyName: policy.name, roleName: 'aliyuncontainerregistrycrossaccoutsyncrole' }));

      const second = await cli(['apply', '-f', file, '--resume', '--auto-approve']);
      expect(second.code, second.stdout + second.stderr).toBe(0);
      expect(second.stdout + second.stderr).toContain('instance[hz-main].replication[team-a-to-partner]: gate verified');
      const plan = await cli(['plan', '-f', file, '--detailed-exitcode']);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);

      // adopt writes the live rules into the undeclared partner account as external targets (the UID
      // from the base file: ListRepoSyncRule does not return it) ...
      const adopted = await cli(['adopt', '-f', file, '--account', 'prod']);
      expect(adopted.code, adopted.stdout + adopted.stderr).toBe(0);
      const written = parse(adopted.stdout) as { accounts: Record<string, unknown>; instances: Record<string, { replication?: unknown[] }> };
      expect(Object.keys(written.accounts)).toEqual(['prod']);
      expect(written.instances['hz-main']?.replication).toEqual([
        { name: 'base-to-partner', to: { uid: '7654321098765432', region: 'cn-beijing', instanceId: 'cri-partnerexample1', name: 'partner-bj' }, level: 'repository', namespace: 'shared', repository: 'base' },
        { name: 'team-a-to-partner', to: { uid: '7654321098765432', region: 'cn-beijing', instanceId: 'cri-partnerexample1', name: 'partner-bj' }, namespace: 'team-a', tagFilter: 'v[0-9]+\\.[0-9]+\\.[0-9]+' },
      ]);
      // ... and without a base file that names the partner, it says why it cannot.
      const bare = await cli(['adopt', '--account', 'prod=2345678901234567']);
      expect(bare.code, bare.stdout + bare.stderr).toBe(0);
      expect(bare.stdout + bare.stderr).toContain('its target instance cri-partnerexample1 (region cn-beijing)');
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
