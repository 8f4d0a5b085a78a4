/**
 * ACRCTL_CONFIG is the default of -f/--file (the CI examples set it once per workflow): used when -f
 * is not given, never over an explicit -f.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('ACRCTL_CONFIG', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'acrctl-config-env-'));
    copyFileSync(join(ROOT, 'test/config/fixtures/warning-only.yaml'), join(dir, 'estate.yaml'));
    copyFileSync(join(ROOT, 'test/fixtures/bad/unknown-instance-key.yaml'), join(dir, 'registry.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the config file of validate when -f is not given', async () => {
    const r = await runCli(['validate'], { cwd: dir, env: { ACRCTL_CONFIG: 'estate.yaml' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^estate\.yaml: 0 errors, 1 warning, 0 infos: valid$/m);
  });

  it('loses to an explicit -f', async () => {
    const r = await runCli(['validate', '-f', 'registry.yaml'], { cwd: dir, env: { ACRCTL_CONFIG: 'estate.yaml' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('registry.yaml: 1 error');
  });

  it('is the config file of the cloud-facing commands (plan)', async () => {
    const r = await runCli(['plan', `--emulator=${join(dir, 'emulator.json')}`, '--format', 'json'], { cwd: dir, env: { ACRCTL_CONFIG: 'estate.yaml', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).configFile).toBe('estate.yaml');
  });

  it('without it, registry.yaml is the default as before', async () => {
    const r = await runCli(['validate'], { cwd: dir, env: {} });
    expect(r.stdout).toContain('registry.yaml: 1 error');
  });
});
