/**
 * The adopt round trip on every example: apply the example to a fresh emulator (passing its gates),
 * adopt the estate with the example as base file (its accounts are reused), then a plan of the
 * adopted file shows no changes and no unmanaged object, and drift exits 0. Adopt makes no mutating
 * call. The adopted file is compared with a golden file (test/golden/adopt/<example>/adopted.yaml),
 * whose differences from the example are the documented normalisations (docs/adopt.md).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { expectGolden } from '../support/golden.js';
import { seedEstate } from '../support/seed.js';
import { declaredEnv } from '../support/declared-env.js';
import { applyWithGates, callsDuring, cliFor, expectRoundTrip } from '../adopt/support.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const goldenPlan = fileURLToPath(new URL('../golden/plan/', import.meta.url));
const goldenAdopt = fileURLToPath(new URL('../golden/adopt/', import.meta.url));
const EXAMPLES = readdirSync(examples).filter((d) => existsSync(join(examples, d, 'registry.yaml'))).sort();

/**
 * The Personal Edition namespaces an example imports from, when no scenario seed provides them (an
 * import from a namespace that does not exist is a plan error). Empty: the import copies nothing,
 * and adopt has nothing of it to write (import rules exist only in the console; docs/adopt.md).
 */
async function seedPersonalSources(t: TestEmulator, text: string): Promise<void> {
  const config = parse(text) as { accounts: Record<string, { uid: string }>; instances?: Record<string, { account: string; region: string; imports?: { from: string; sourceRegion?: string; sourceNamespace?: string; namespace: string }[] }> };
  for (const inst of Object.values(config.instances ?? {})) {
    for (const rule of inst.imports ?? []) {
      if (rule.from !== 'personal') continue;
      const r = await t.admin('POST', '/_emulator/crpe/estates', {
        uid: config.accounts[inst.account]!.uid,
        region: rule.sourceRegion ?? inst.region,
        namespaces: [{ name: rule.sourceNamespace ?? rule.namespace, autoCreate: true }],
      });
      if (r.status >= 400) throw new Error(`seeding Personal Edition failed: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
}

describe.each(EXAMPLES)('adopt example %s', (example) => {
  it('adopts the applied example into a file that plans no changes', { timeout: 120_000 }, async () => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), `acrctl-adopt-${example}-`));
    try {
      // The golden plan scenario of an example holds its seed (VPCs, CEN) and, where ids are only
      // known after seeding, a copy of the example reading them through ${env:…}.
      const scenario = join(goldenPlan, `example-${example}`);
      const hasScenario = existsSync(join(scenario, 'registry.yaml'));
      const text = readFileSync(join(hasScenario ? scenario : join(examples, example), 'registry.yaml'), 'utf8');
      // With the variables its comments export (webhook URLs): adopt writes the same names back.
      const env = hasScenario ? await seedEstate(t, scenario, cwd) : declaredEnv(text);
      writeFileSync(join(cwd, 'registry.yaml'), text);
      if (!existsSync(join(scenario, 'seed.json'))) await seedPersonalSources(t, text);
      const cli = cliFor(t, cwd, env);
      // Without a scenario, the example's own seed makes what it assumes (an international-site
      // account, a partner's instance and role), as a user would with `acrctl emulator seed`.
      if (!hasScenario) {
        const seeded = await cli(['emulator', 'seed', join(examples, example)]);
        expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
      }
      const applied = await applyWithGates(t, cwd, cli);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);

      const { result: adopted, mutating, calls } = await callsDuring(t, () => cli(['adopt', '-o', 'adopted.yaml']));
      expect(adopted.code, adopted.stderr).toBe(0);
      expect(calls).toBeGreaterThan(0);
      expect(mutating).toEqual([]);
      expect(adopted.stdout).toBe('');

      await expectRoundTrip(cli, 'adopted.yaml', cwd, env);

      // Ids the seed generated (CEN, transit routers) are put back as the ${env:…} names the
      // scenario uses, so the golden file does not depend on the emulator's id sequence.
      let out = readFileSync(join(cwd, 'adopted.yaml'), 'utf8');
      // The editors' line points at this checkout's schema (the test directory has no
      // node_modules/acrctl): checked here, then written machine-independently for the golden file.
      const [first, ...rest] = out.split('\n');
      const ref = /^# yaml-language-server: \$schema=(.+)$/.exec(first ?? '')?.[1];
      expect(ref, first).toBeDefined();
      expect(resolve(cwd, ref!)).toBe(fileURLToPath(new URL('../../schemas/registry.schema.json', import.meta.url)));
      out = ['# yaml-language-server: $schema=<acrctl>/schemas/registry.schema.json', ...rest].join('\n');
      for (const [name, value] of Object.entries(env).sort(([, a], [, b]) => b.length - a.length)) out = out.split(value).join(`\${env:${name}}`);
      expectGolden(join(goldenAdopt, example, 'adopted.yaml'), out);
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
