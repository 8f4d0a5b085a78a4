/**
 * Adopt round trip of the issue-14 kinds of this file's scenarios (Helm chart namespaces and
 * repositories, Chart VPC links): the golden scenario's registry.yaml is applied to a fresh
 * emulator, then adopted with a base file holding only the accounts. The adopted file declares what
 * was applied (defaults left out) and plans no changes, no unmanaged object, and drift exits 0.
 * Adopt makes no mutating call.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { startTestEmulator } from '../helpers/emulator.js';
import { applyWithGates, callsDuring, cliFor, expectRoundTrip } from '../adopt/support.js';

const scenario = fileURLToPath(new URL('../golden/plan/charts/', import.meta.url));

it('adopts chart namespaces, chart repositories and Chart VPC links into a file that plans clean', { timeout: 120_000 }, async () => {
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-charts-'));
  try {
    writeFileSync(join(cwd, 'registry.yaml'), readFileSync(join(scenario, 'registry.yaml')));
    const cli = cliFor(t, cwd);
    const applied = await applyWithGates(t, cwd, cli);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    writeFileSync(join(cwd, 'accounts.yaml'), 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\n');
    const { result: r, mutating } = await callsDuring(t, () => cli(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(mutating).toEqual([]);
    const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { vpcEndpoints?: unknown[]; chartNamespaces?: unknown }> };
    const inst = adopted.instances['acme-hz']!;
    expect(inst.chartNamespaces).toEqual({
      charts: { autoCreateRepo: true, repositories: { api: { type: 'PUBLIC', summary: 'Public API server chart' }, web: { summary: 'Web front end chart' } } },
      platform: { defaultRepoType: 'PUBLIC', repositories: { ingress: {} } },
    });
    expect(inst.vpcEndpoints).toEqual([
      { vpc: 'vpc-bp1example', vswitch: 'vsw-bp1example', module: 'Chart' },
      { vpc: 'vpc-bp1example', vswitch: 'vsw-bp1example' },
    ]);
    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  } finally {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});
