/**
 * Failures of the machine are reported as such, with their own codes and no "bug in acrctl"
 * wording, and leave no temporary file behind. A read-only and a full file system are made with
 * tmpfs mounts in a private user and mount namespace (`unshare -rm`); where that is not allowed
 * the tests are skipped. Runs bin/acrctl.js (`npm test` builds first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN } from '../support/cli.js';

const CONFIG = 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\ninstances:\n  hz: { account: prod, region: cn-hangzhou, edition: Basic, name: acme-hz }\n';

const canUnshare = spawnSync('unshare', ['-rm', 'true']).status === 0;

let t: TestEmulator;
let dir: string;
beforeAll(async () => {
  t = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), 'acrctl-env-'));
  writeFileSync(join(dir, 'registry.yaml'), CONFIG);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a shell script as root of a private mount namespace; acrctl is `$ACRCTL`. Asynchronous: the emulator runs in this process. */
function inNamespace(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-rm', 'sh', '-ec', script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ACRCTL: `${process.execPath} ${BIN}`, D: dir, URL: t.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!canUnshare)('environment errors', () => {
  it('a read-only working directory is fs.read-only, not a bug', async () => {
    const r = await inNamespace(`mkdir -p "$D/ro" && mount -t tmpfs tmpfs "$D/ro" && cp "$D/registry.yaml" "$D/ro/" && mount -o remount,ro "$D/ro" && cd "$D/ro" && exec $ACRCTL apply --auto-approve --endpoint "$URL"`);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain('error[fs.read-only]');
    expect(r.stderr).toContain('the file system is read-only');
    expect(r.stderr).not.toMatch(/bug|internal/);
  });

  it('a full disk is fs.no-space, and the plan file leaves no temporary file behind', async () => {
    const r = await inNamespace(
      `mkdir -p "$D/full" && mount -t tmpfs -o size=16k tmpfs "$D/full" && (dd if=/dev/zero of="$D/full/fill" bs=4k count=64 2>/dev/null || true) && cd "$D" && set +e && $ACRCTL plan --out "$D/full/p.json" --endpoint "$URL"; code=$?; ls -A "$D/full" >&2; exit $code`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain('error[fs.no-space]');
    expect(r.stderr).toContain('no space is left on the device');
    expect(r.stderr).not.toMatch(/bug|internal/);
    // Only the file that filled the disk is there: no p.json, no p.json.tmp-….
    expect(r.stderr.trim().split('\n').at(-1)).toBe('fill');
  });
});
