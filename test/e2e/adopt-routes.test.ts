/**
 * Cross-region access recognised from the live routes alone: the cross-region example is applied,
 * then adopted with a base file that has only the accounts. The path is rebuilt from acrctl's named
 * routes (`acrctl:<access>:<which>`) and plans clean; the source CIDRs, which no route records, are
 * the one thing the example has that the adopted file does not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { startTestEmulator } from '../helpers/emulator.js';
import { seedEstate } from '../support/seed.js';
import { applyWithGates, callsDuring, cliFor, expectRoundTrip } from '../adopt/support.js';

const scenario = fileURLToPath(new URL('../golden/plan/example-cross-region-access/', import.meta.url));

it('recognises a cross-region path from its named routes and plans it clean', { timeout: 120_000 }, async () => {
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-routes-'));
  try {
    const env = await seedEstate(t, scenario, cwd);
    writeFileSync(join(cwd, 'registry.yaml'), readFileSync(join(scenario, 'registry.yaml')));
    const cli = cliFor(t, cwd, env);
    const applied = await applyWithGates(t, cwd, cli);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);

    const example = parse(readFileSync(join(scenario, 'registry.yaml'), 'utf8')) as { accounts: Record<string, unknown> };
    writeFileSync(join(cwd, 'accounts.yaml'), `version: 1\naccounts:\n  prod: ${JSON.stringify(example.accounts['prod'])}\n`);
    const { result: r, mutating } = await callsDuring(t, () => cli(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning:');
    expect(mutating).toEqual([]);
    const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { crossRegionAccess?: unknown[] };
    expect(adopted.crossRegionAccess).toEqual([
      {
        name: 'sh-to-hz',
        from: { account: 'prod', region: 'cn-shanghai', vpc: 'vpc-uf6example', routeTable: 'vtb-uf6example' },
        to: 'acme-hz', // the base file has no instances, so the instance is called by its name
        cen: { id: env['CEN'], sourceTransitRouter: { id: env['TR_SH'] }, targetTransitRouter: { id: env['TR_HZ'] } },
        addresses: { auth: '100.103.7.181', oss: '100.118.28.43' },
      },
    ]);
    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  } finally {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});
