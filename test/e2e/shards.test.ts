/**
 * The shard flow end to end on the emulator (issue 16 item 5), as the CI examples run it: the
 * cross-account replication example with its runs in an emulated OSS bucket, `acrctl shards`
 * giving the partner account first, a shard started too early stopping with the shard to run
 * first, then each stage's shards as parallel processes (a matrix) from their own working
 * directories, and a clean plan at the end. Children run bin/acrctl.js (build first).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN, runCli } from '../support/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/cross-account-replication/', import.meta.url));
const BUCKET = 'acme-shard-runs';
const PROD = '1234567890123456';

let t: TestEmulator | undefined;
const dirs: string[] = [];
afterAll(async () => {
  await t?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workdir(config: string): string {
  const d = mkdtempSync(join(tmpdir(), 'acrctl-shards-'));
  dirs.push(d);
  writeFileSync(join(d, 'registry.yaml'), config);
  return d;
}

function applyShard(cwd: string, shard: string, url: string): Promise<{ code: number | null; out: string }> {
  const p = spawn(process.execPath, [BIN, 'apply', '--shard', shard, '--auto-approve', '--no-verify', '--lock-timeout', '60s', '--shard-wait', '5m', '--endpoint', url], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } });
  let out = '';
  p.stdout.on('data', (c: Buffer) => (out += c.toString()));
  p.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((r) => p.on('exit', (code) => r({ code, out })));
}

describe('shards', () => {
  it('partitions the estate by account, orders the partner first, and applies stage by stage as a matrix', { timeout: 240_000 }, async () => {
    t = await startTestEmulator();
    const seedDir = workdir('');
    const seeded = await runCli(['emulator', 'seed', EXAMPLE, '--endpoint', t.url], { cwd: seedDir });
    expect(seeded.code, seeded.stderr).toBe(0);
    await t.admin('POST', '/_emulator/oss/buckets', { accountUid: PROD, region: 'cn-hangzhou', bucket: BUCKET });
    const config = readFileSync(join(EXAMPLE, 'registry.yaml'), 'utf8').replace('\ninstances:\n', `\nrunStore:\n  oss: { account: prod, region: cn-hangzhou, bucket: ${BUCKET}, prefix: shards }\n\ninstances:\n`);
    expect(config).toContain('runStore:');
    const cwd = workdir(config);

    const listed = await runCli(['shards', '--format', 'json', '--endpoint', t.url], { cwd });
    expect(listed.code, listed.stderr).toBe(0);
    const parts = JSON.parse(listed.stdout) as { by: string; shards: { id: string; actions: number; stage: number; needs: string[] }[]; stages: string[][] };
    expect(parts.by).toBe('account');
    expect(parts.stages).toEqual([['partner'], ['prod']]);
    expect(parts.shards.find((s) => s.id === 'prod')?.needs).toEqual(['partner']);
    const byRegion = await runCli(['shards', '--by', 'account,region', '--format', 'json', '--endpoint', t.url], { cwd });
    const regional = JSON.parse(byRegion.stdout) as { shards: { id: string }[] };
    expect(regional.shards.map((s) => s.id).sort()).toEqual(expect.arrayContaining(['partner.cn-beijing', 'prod.cn-hangzhou']));

    // Started too early, with nobody applying the partner: it stops and names the shard to run first.
    const early = await runCli(['apply', '--shard', 'prod', '--auto-approve', '--endpoint', t.url], { cwd });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/error\[apply\.shard-order\]: shard prod needs shard partner first: \S+ needs \S+, which no run is applying now/);
    expect(early.stderr).toContain('run acrctl apply --shard partner first');
    const plannedShard = await runCli(['plan', '--shard', 'partner', '--endpoint', t.url], { cwd });
    expect(plannedShard.code, plannedShard.stderr).toBe(0);
    expect(plannedShard.stderr).toMatch(/Targeting \d+ of \d+ actions/);

    // The matrix, stage by stage: each shard in its own process and working directory.
    for (const stage of parts.stages) {
      const results = await Promise.all(stage.map((shard) => applyShard(workdir(config), shard, t!.url)));
      for (const r of results) expect(r.code, r.out).toBe(0);
    }
    const clean = await runCli(['plan', '--detailed-exitcode', '--endpoint', t.url], { cwd: workdir(config) });
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    const nothing = await runCli(['apply', '--shard', 'prod', '--auto-approve', '--endpoint', t.url], { cwd });
    expect(nothing.stdout).toContain('Shard prod has nothing to apply.');
  });

  it('a shard waits, with progress, for the shard it needs while another run applies it', { timeout: 240_000 }, async () => {
    const tt = await startTestEmulator();
    try {
      const seedDir = workdir('');
      expect((await runCli(['emulator', 'seed', EXAMPLE, '--endpoint', tt.url], { cwd: seedDir })).code).toBe(0);
      await tt.admin('POST', '/_emulator/oss/buckets', { accountUid: PROD, region: 'cn-hangzhou', bucket: BUCKET });
      const config = readFileSync(join(EXAMPLE, 'registry.yaml'), 'utf8').replace('\ninstances:\n', `\nrunStore:\n  oss: { account: prod, region: cn-hangzhou, bucket: ${BUCKET}, prefix: waits }\n\ninstances:\n`);
      await tt.admin('PUT', '/_emulator/faults', { actions: { 'bss:CreateInstance': { latencyMs: 12_000 } } });
      // Both stages at once: prod sees partner's lock held and waits for it instead of stopping.
      const [partner, prod] = await Promise.all([applyShard(workdir(config), 'partner', tt.url), new Promise((r) => setTimeout(r, 5000)).then(() => applyShard(workdir(config), 'prod', tt.url))]);
      expect(partner.code, partner.out).toBe(0);
      expect(prod.code, prod.out).toBe(0);
      expect(prod.out).toMatch(/waiting for shard partner \(pid \d+ on \S+\) to finish/);
    } finally {
      await tt.close();
    }
  });
});
