/**
 * `acrctl policy`: per account, the policy a command needs, derived from the kinds' declarations;
 * reads for plan, writes only where apply can make them, unknown instance ids said so; stable output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows } from '../../src/kinds/policy.js';
import { runCli } from '../support/cli.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const quickstart = join(examples, 'quickstart', 'registry.yaml');

interface Out {
  command: string;
  accounts: { account: string; uid: string; policy: { Version: string; Statement: { Effect: string; Action: string[]; Resource: string[] }[] }; notes: string[] }[];
}

describe('acrctl policy', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-policy-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const json = async (...args: string[]): Promise<Out> => {
    const r = await runCli(['policy', '--format', 'json', ...args], { cwd });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Out;
  };
  const actions = (o: Out) => o.accounts.flatMap((a) => a.policy.Statement.flatMap((s) => s.Action));

  it('gives plan only reads and apply the writes, scoped to the account and region, and says why an id is *', async () => {
    const plan = await json('-f', quickstart, '--for', 'plan');
    expect(plan.command).toBe('plan');
    expect(actions(plan).every((a) => /^cr:(List|Get)/.test(a)), actions(plan).join(' ')).toBe(true);
    const apply = await json('-f', quickstart, '--for', 'apply');
    expect(actions(apply)).toEqual(expect.arrayContaining(['bss:CreateInstance', 'cr:CreateNamespace', 'cr:CreateRepository', 'cr:UpdateRepository']));
    // No prune in the quick start: apply deletes nothing, and only destroy refunds.
    expect(actions(apply).filter((a) => /Delete|Refund/.test(a))).toEqual([]);
    expect(actions(await json('-f', quickstart, '--for', 'destroy'))).toContain('bss:RefundInstance');
    const [prod] = apply.accounts;
    expect(prod!.policy.Version).toBe('1');
    expect(allows(prod!.policy, 'cr:GetRepository', 'acs:cr:cn-hangzhou:1234567890123456:repository/cri-abc/team-a/api')).toBe(true);
    expect(allows(prod!.policy, 'cr:GetRepository', 'acs:cr:cn-shanghai:1234567890123456:repository/cri-abc/team-a/api')).toBe(false);
    expect(allows(prod!.policy, 'cr:DeleteRepository', 'acs:cr:cn-hangzhou:1234567890123456:repository/cri-abc/team-a/api')).toBe(false);
    expect(prod!.notes.join('\n')).toMatch(/instance hz-main \(acme-hz\) is named by id .* every instance in cn-hangzhou/);
  });

  it('is sorted and the same every time, and prints one account with --account', async () => {
    const file = join(examples, 'cross-account-replication', 'registry.yaml');
    const a = await runCli(['policy', '-f', file, '--for', 'apply'], { cwd });
    const b = await runCli(['policy', '-f', file, '--for', 'apply'], { cwd });
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^# account partner \(UID 6543210987654321\): the RAM policy acrctl apply needs$/m);
    expect(a.stdout).toMatch(/# note: this is the policy of the role acs:ram::6543210987654321:role\/acrctl-deployer/);
    const all = await json('-f', file, '--for', 'apply');
    expect(all.accounts.map((x) => x.account)).toEqual(['partner', 'prod']);
    for (const acct of all.accounts) {
      for (const s of acct.policy.Statement) {
        expect([...s.Action].sort()).toEqual(s.Action);
        expect([...s.Resource].sort()).toEqual(s.Resource);
      }
    }
    const partner = all.accounts[0]!.policy.Statement.flatMap((s) => s.Resource);
    expect(partner).toContain('acs:ram:*:6543210987654321:role/aliyuncontainerregistrycrossaccoutsyncrole');
    expect((await json('-f', file, '--account', 'prod')).accounts.map((x) => x.account)).toEqual(['prod']);
  });

  it('names CBN and VPC resources for cross-region access', async () => {
    const out = await json('-f', join(examples, 'cross-region-access', 'registry.yaml'), '--for', 'apply');
    const resources = out.accounts.flatMap((x) => x.policy.Statement.flatMap((s) => s.Resource));
    expect(resources).toContain('acs:cen:*:1234567890123456:cen/cen-example01');
    expect(resources).toContain('acs:vpc:cn-shanghai:1234567890123456:routetable/vtb-uf6example');
  });

  it('lets validate --policy-file warn when a committed policy no longer covers the config', async () => {
    const text = readFileSync(quickstart, 'utf8');
    writeFileSync(join(cwd, 'registry.yaml'), text);
    const out = await runCli(['policy', '--for', 'apply', '--format', 'json'], { cwd });
    writeFileSync(join(cwd, 'apply.json'), out.stdout);
    const same = await runCli(['validate', '--policy-file', 'apply.json'], { cwd });
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).not.toContain('policy.stale');
    writeFileSync(join(cwd, 'registry.yaml'), text.replace('          api: { type: PRIVATE, summary: API server }', '          api: { type: PRIVATE, summary: API server }\n          billing: { type: PRIVATE, summary: Billing }'));
    const stale = await runCli(['validate', '--policy-file', 'apply.json'], { cwd });
    expect(stale.code, 'a warning, not an error').toBe(0);
    expect(stale.stderr).toMatch(/^warning\[policy.stale\]: apply.json: the policy of account prod no longer covers what acrctl apply needs: cr:GetRepository on acs:cr:cn-hangzhou:1234567890123456:repository\/\*\/team-a\/billing; .*regenerate it: acrctl policy --for apply --format json > apply.json$/m);
    writeFileSync(join(cwd, 'broken.json'), '{"Version":"1"}');
    const broken = await runCli(['validate', '--policy-file', 'broken.json'], { cwd });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('not the output of acrctl policy --format json');
  });

  it('refuses an unknown account and a broken config, exit 1', async () => {
    const r = await runCli(['policy', '-f', quickstart, '--account', 'nope'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--account nope: no such account');
    writeFileSync(join(cwd, 'bad.yaml'), 'version: 1\naccounts: {}\ninstances:\n  x: { account: ghost }\n');
    const bad = await runCli(['policy', '-f', 'bad.yaml'], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:\d+:\d+/);
  });
});
