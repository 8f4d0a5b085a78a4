/**
 * The migration tutorial (examples/migrate-personal/README.md) works as written: every ```sh block
 * of it, in order, runs as one bash script (`set -euo pipefail`) from the repository root, with the
 * built acrctl, the real emulator it starts itself, `acrctl emulator seed` and skopeo. Its temporary folder lands
 * in a TMPDIR this test owns, and its process group is killed afterwards, so a failing run leaves no
 * emulator behind. Skipped (with the reason in its title) without skopeo.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasSkopeo, SKOPEO_SKIP_REASON } from '../support/images.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = join(ROOT, 'examples', 'migrate-personal', 'README.md');

/** The bodies of the ```sh fences of a Markdown text, in order. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

function runScript(script: string, tmp: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: ROOT,
      detached: true, // its own process group: the emulator it starts in the background goes with it
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmp, NO_COLOR: '1', LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, output });
    });
  });
}

describe('the migration tutorial', () => {
  it('has runnable blocks for every step: emulator, seed, plan, apply, resume, EE check, clean up', () => {
    const script = shellBlocks(readFileSync(README, 'utf8')).join('\n');
    for (const step of ['acrctl emulator serve', 'acrctl emulator seed "$REPO/examples/migrate-personal"', 'acrctl plan', 'acrctl apply --auto-approve', 'acrctl apply --resume', 'docker://$EE/shop/', 'kill "$EMULATOR_PID"']) {
      expect(script).toContain(step);
    }
  });

  it.skipIf(!hasSkopeo)(`runs as written and ends with the images in Enterprise Edition${SKOPEO_SKIP_REASON}`, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'acrctl-tutorial-'));
    try {
      const script = ['set -euo pipefail', ...shellBlocks(readFileSync(README, 'utf8'))].join('\n');
      const { code, output } = await runScript(script, tmp, 240_000);
      expect(code, output).toBe(0);
      expect(output).toContain('Images to copy: 5 ');
      expect(output).toMatch(/Import report:[\s\S]*Images: 5 \(5 succeeded, 0 failed, 0 skipped\)/);
      expect(output).toMatch(/[\d.]+ MB\/s/);
      expect(output).toContain('apply stopped with exit code 3');
      expect(output).toContain('Verified: a new plan shows no changes.');
      for (const ref of ['storefront:release-v1.0', 'storefront:release-v1.1', 'storefront:release-v1.2', 'checkout:release-v2.0', 'checkout:release-v2.1']) {
        expect(output).toMatch(new RegExp(`shop/${ref}: sha256:[0-9a-f]{64} in both`));
      }
      expect(output).not.toContain('DIFFERENT');
      // The EE listing has the release tags only.
      const listings = [...output.matchAll(/"Repository": "127\.0\.0\.1:\d+\/shop\/storefront",\s*"Tags": \[([^\]]*)\]/g)].map((m) => (m[1] ?? '').replace(/\s+/g, ''));
      expect(listings).toEqual(['"dev-20261120","release-v1.0","release-v1.1","release-v1.2"', '"release-v1.0","release-v1.1","release-v1.2"']);
      expect(output).toContain('no changes: the migration is complete');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 300_000);
});
