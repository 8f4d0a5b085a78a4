/**
 * Data-centre access and the address checks of issue 12 (items 3 and 4) end to end, through the CLI
 * as a user runs it: `acrctl emulator seed` on a fresh emulator, then plan and apply. The offline
 * run of examples/datacenter itself (seed, apply, clean plan, seed again) is in examples.test.ts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

interface PlanJson {
  actions: { type: string; id: string }[];
  findings: { id: string; severity: string; where?: string; message: string }[];
  outputs: { id: string; lines: string[] }[];
}

let t: TestEmulator;
let cwd: string;
beforeEach(async () => {
  t = await startTestEmulator();
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-dc-'));
});
afterEach(async () => {
  await t.close();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd });
/** A copy of an example folder, with `edit` applied to one of its files. */
function copy(example: string, file?: string, edit: (text: string) => string = (x) => x): string {
  const dir = join(cwd, example);
  cpSync(join(examples, example), dir, { recursive: true });
  if (file !== undefined) writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

describe('examples/datacenter through the CLI', () => {
  it('plans the VPN routes and prints router lines, DNS records (custom bucket) and cloud-side steps; applies; plans clean', async () => {
    const dir = copy('datacenter');
    expect((await cli(['emulator', 'seed', dir])).code).toBe(0);
    const file = join(dir, 'registry.yaml');
    const plan = await cli(['plan', '-f', file, '--format', 'json', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(2);
    const p = JSON.parse(plan.stdout) as PlanJson;
    expect(p.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(p.actions.filter((a) => a.id.startsWith('datacenter')).map((a) => `${a.type} ${a.id}`)).toEqual([
      'create datacenter[idc-shanghai].vpc-route[172.20.0.0/20]',
      'create datacenter[idc-shanghai].vpc-route[192.168.0.0/16]',
    ]);
    const out = (id: string) => p.outputs.find((o) => o.id === id)!.lines;
    expect(out('datacenter[idc-shanghai].dns')).toContain('A 100.118.28.43 acme-hz-images.oss-cn-hangzhou-internal.aliyuncs.com');
    expect(out('datacenter[idc-beijing].router')).toContain('100.103.7.181/32 -> virtual border router vbr-bp1example  # dockerauth-vpc.cn-hangzhou.aliyuncs.com');
    expect(out('datacenter[idc-beijing].cloud-side')[0]).toBe('route table <route table of vpc-bp1example>: 172.24.0.0/16 -> the router interface of vpc-bp1example to vbr-bp1example');

    const applied = await cli(['apply', '-f', file, '--auto-approve']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const text = await cli(['plan', '-f', file, '--detailed-exitcode']);
    expect(text.code, text.stdout + text.stderr).toBe(0);
    // After apply the instance's VPC address is known and leads the data centre's router lines.
    expect(text.stdout).toMatch(/^ {4}10\.\d+\.\d+\.\d+\/32 -> VPN gateway vpn-bp1example {2}# acme-hz-registry-vpc\.cn-hangzhou\.cr\.aliyuncs\.com$/m);
  });

  it('a VPN gateway that does not exist is an error finding: plan and apply exit 1 and nothing is created', async () => {
    const dir = copy('datacenter', 'registry.yaml', (y) => y.replace('id: vpn-bp1example', 'id: vpn-bp1typo'));
    expect((await cli(['emulator', 'seed', dir])).code).toBe(0);
    const file = join(dir, 'registry.yaml');
    const plan = await cli(['plan', '-f', file]);
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toContain('error[datacenter-connection-missing]: datacenter[idc-shanghai]: the VPN gateway vpn-bp1typo does not exist in cn-hangzhou');
    await t.admin('DELETE', '/_emulator/calls');
    const apply = await cli(['apply', '-f', file, '--auto-approve']);
    expect(apply.code).toBe(1);
    const { body } = await t.admin<{ mutating: boolean }[]>('GET', '/_emulator/calls');
    expect(body.filter((c) => c.mutating)).toEqual([]);
  });

  it('a data-centre CIDR in 100.0.0.0/8 fails validation at its line, naming both fixes', async () => {
    const dir = copy('datacenter', 'registry.yaml', (y) => y.replace('cidrs: [172.24.0.0/16]', 'cidrs: [172.24.0.0/16, 100.64.0.0/10]'));
    const r = await runCli(['validate', '-f', join(dir, 'registry.yaml')], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/registry\.yaml:46:30: error\[datacenter-cidr-collision\]/);
    expect(r.stdout + r.stderr).toContain('authDomainTakeover');
  });
});

describe('cross-region access: address checks (issue 12.4)', () => {
  it('a source VPC in the instance region validates with the warning to use a VPC endpoint instead', async () => {
    const dir = copy('cross-region-access', 'registry.yaml', (y) => y.replace('region: cn-shanghai', 'region: cn-hangzhou'));
    const r = await runCli(['validate', '-f', join(dir, 'registry.yaml')], { cwd });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('cross-region-same-region');
    expect(r.stdout + r.stderr).toContain('instances.hz-main.vpcEndpoints');
  });

  it('a source VPC whose CIDR contains the instance VPC address is an error finding once the address is known', async () => {
    // The emulator gives VPC endpoint links addresses in 10.0.0.0/8: a source VPC of 10.0.0.0/8 holds it.
    const dir = copy('cross-region-access', 'emulator-seed.yaml', (y) => y.replace('cidr: 10.20.0.0/16', 'cidr: 10.0.0.0/8'));
    expect((await cli(['emulator', 'seed', dir])).code).toBe(0);
    const file = join(dir, 'registry.yaml');
    await cli(['apply', '-f', file, '--auto-approve']);
    const plan = await cli(['plan', '-f', file, '--format', 'json']);
    const p = JSON.parse(plan.stdout) as PlanJson;
    const hit = p.findings.find((f) => f.id === 'cross-region-source-contains-address');
    expect(hit?.severity, plan.stdout.slice(0, 2000)).toBe('error');
    expect(hit?.message).toMatch(/the source VPC vpc-uf6example uses 10\.0\.0\.0\/8, which contains the instance's VPC address \(acme-hz-registry-vpc\.cn-hangzhou\.cr\.aliyuncs\.com\) 10\./);
    expect(plan.code).toBe(1);
  });
});
