/**
 * Every example (and the replication scenarios) applies against the emulator, then plans clean (`plan --detailed-exitcode` exits 0).
 * Seeds are the golden scenarios' (test/golden/plan/example-*). Gates (console-only switches) are
 * flipped the way a human would, through the emulator's admin API, then apply resumes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startTestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';
import { seedEstate } from '../support/seed.js';

const golden = fileURLToPath(new URL('../golden/plan/', import.meta.url));
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
        const config = parse(text) as { accounts: Record<string, { uid: string }>; instances: Record<string, { account: string; region: string; name: string; personalEditionDomain?: boolean; authDomainTakeover?: boolean }> };
        for (const inst of Object.values(config.instances)) {
          if (!inst.personalEditionDomain && !inst.authDomainTakeover) continue;
          const keys = await t.account(config.accounts[inst.account]!.uid);
          const found = ((await t.callRpc('cr', inst.region, 'ListInstance', { InstanceName: inst.name }, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!;
          await t.admin('POST', `/_emulator/cr/instances/${found.InstanceId}/allowlist`, { allowListed: true });
          await t.admin('POST', `/_emulator/cr/instances/${found.InstanceId}/switches`, { personalEditionDomain: inst.personalEditionDomain ?? false, authDomainTakeover: inst.authDomainTakeover ?? false });
        }
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
