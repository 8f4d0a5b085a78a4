/**
 * Ctrl-C and SIGTERM during apply and destroy (issue 15, item 1), end to end: bin/acrctl.js as a
 * child (needs `npm run build`), without a terminal (signals sent with kill) and in a
 * pseudo-terminal, where Ctrl-C is the byte 0x03 typed into the terminal and the line discipline
 * turns it into SIGINT (or readline reads it at the prompt). The pseudo-terminal is util-linux
 * `script` (Debian's bsdutils), not node-pty: nothing to build, and it is what a user's terminal is
 * to acrctl (stdin, stdout and stderr on a TTY, acrctl in the foreground process group).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { BIN, runCli } from '../support/cli.js';
import { landed } from '../../bench/crash-estate.js';

const UID = '1234567890123456';
const ESTATE = `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Standard
    name: acme-hz
    internetEndpoint:
      enabled: true
      allow: [{ cidr: 203.0.113.0/24, description: office }, { cidr: 198.51.100.0/24, description: lab }]
    namespaces:
      team-a:
        repositories:
          api: { summary: API server }
`;

/** Two instances: destroy has two actions (an instance's contents go with it). */
const TWO_INSTANCES = `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz: { account: prod, region: cn-hangzhou, edition: Basic, name: acme-hz, namespaces: { team-a: {} } }
  bj: { account: prod, region: cn-beijing, edition: Basic, name: acme-bj, namespaces: { team-b: {} } }
`;

interface Call {
  action: string;
  status: number;
  code: string | null;
  mutating: boolean;
}

const hasScript = spawnSync('script', ['--version']).status === 0;

let t: TestEmulator;
let cwd: string;
beforeEach(async () => {
  t = await startTestEmulator();
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-interrupt-'));
  writeFileSync(join(cwd, 'registry.yaml'), ESTATE);
});
afterEach(async () => {
  await t.close();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--endpoint', t.url], { cwd, env });
const calls = async () => (await t.admin<Call[]>('GET', '/_emulator/calls')).body;
const landedCount = async (action: string) => (await calls()).filter((c) => c.action === action && landed(c)).length;
const runsDir = () => join(cwd, '.acrctl', 'runs');
const journals = () => (existsSync(runsDir()) ? readdirSync(runsDir()).filter((f) => f.endsWith('.jsonl')).sort() : []);
const records = (file: string) =>
  readFileSync(join(runsDir(), file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const lockFile = () => join(cwd, '.acrctl', 'lock');
const announced = (call: string) => journals().some((f) => readFileSync(join(runsDir(), f), 'utf8').includes(`"call":"${call}"`));

const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' };

interface Child {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  exitedAt(): number | undefined;
}

function watch(child: ChildProcess): Child {
  let out = '';
  let at: number | undefined;
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      at = Date.now();
      resolve(code);
    }),
  );
  return { child, output: () => out, exited, exitedAt: () => at };
}

/** acrctl as a plain child: no terminal anywhere. */
function plain(args: string[], env: Record<string, string> = {}): Child {
  return watch(spawn(process.execPath, [BIN, ...args, '--endpoint', t.url], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...ENV, ...env } }));
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** acrctl on a pseudo-terminal: what is written to the child's stdin is typed on that terminal. */
function onTerminal(args: string[], env: Record<string, string> = {}): Child {
  const command = ['exec', process.execPath, BIN, ...args, '--endpoint', t.url].map(quote).join(' ').replace(/^'exec'/, 'exec');
  return watch(spawn('script', ['-qefc', command, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...ENV, TERM: 'xterm', ...env } }));
}

async function until(what: string, check: () => boolean | Promise<boolean>, c: Child, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (c.exitedAt() !== undefined) throw new Error(`exited before ${what}: ${c.output()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}: ${c.output()}`);
}

/** The journal of the one run, checked for consistency: ends with an `end` record, no action both done and interrupted after it. */
function theJournal(): Record<string, unknown>[] {
  expect(journals()).toHaveLength(1);
  return records(journals()[0]!);
}

describe('without a terminal', () => {
  it('first SIGINT: starts nothing more, lets the call in flight finish, journals it, releases the lock, exits 130 with the tally', { timeout: 60_000 }, async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateInstanceEndpointAclPolicy': { latencyMs: 1500 } } });
    const c = plain(['apply', '--auto-approve', '--parallelism', '1']);
    await until('the first ACL call', () => announced('CreateInstanceEndpointAclPolicy'), c);
    c.child.kill('SIGINT');
    const code = await c.exited;
    const out = c.output();
    expect(code, out).toBe(130);
    expect(out).toContain('Interrupt received: starting nothing more');
    expect(out).toMatch(/Apply interrupted: \d+ done, [1-9]\d* in flight finished, \d+ not started\. Continue with: acrctl apply --resume -f registry\.yaml --endpoint /);
    expect(out).not.toContain('Fix the cause');
    expect(out).not.toContain('Verified');
    const rs = theJournal();
    expect(rs.filter((r) => r['t'] === 'failed' || r['t'] === 'interrupted')).toEqual([]);
    // The ACL entry whose call was in flight finished and was journalled done.
    const aclDone = rs.filter((r) => r['t'] === 'done' && String(r['id']).includes('acl'));
    expect(aclDone.length).toBeGreaterThanOrEqual(1);
    expect(rs.at(-1)).toEqual({ t: 'end', status: 'interrupted' });
    expect(existsSync(lockFile())).toBe(false);
    await t.admin('DELETE', '/_emulator/faults');
    const resumed = await cli(['apply', '--resume', '--auto-approve']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(await landedCount('CreateInstanceEndpointAclPolicy')).toBe(2);
  });

  it('second SIGINT: exits at once, the call in flight journalled interrupted, the lock released; resume sends nothing twice', { timeout: 60_000 }, async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateInstanceEndpointAclPolicy': { latencyMs: 8000 } } });
    const c = plain(['apply', '--auto-approve', '--parallelism', '1']);
    await until('the first ACL call', () => announced('CreateInstanceEndpointAclPolicy'), c);
    c.child.kill('SIGINT');
    await until('the first interrupt is acknowledged', () => c.output().includes('Interrupt received'), c);
    const second = Date.now();
    c.child.kill('SIGINT');
    const code = await c.exited;
    const out = c.output();
    expect(code, out).toBe(130);
    expect(c.exitedAt()! - second, 'exits at once, not after the 8 s call').toBeLessThan(3000);
    expect(out).toContain('Second interrupt: stopping the');
    expect(out).toMatch(/Apply interrupted: \d+ done, 0 in flight finished, [1-9]\d* stopped mid-call \(resume reconciles (it|them)\), \d+ not started\. Continue with: acrctl apply --resume/);
    const rs = theJournal();
    expect(rs.filter((r) => r['t'] === 'failed')).toEqual([]);
    expect(rs.some((r) => r['t'] === 'interrupted' && String(r['id']).includes('acl'))).toBe(true);
    expect(rs.at(-1)).toEqual({ t: 'end', status: 'interrupted' });
    expect(existsSync(lockFile())).toBe(false);
    await t.admin('DELETE', '/_emulator/faults');
    const resumed = await cli(['apply', '--resume', '--auto-approve'], { ACRCTL_SETTLE_MS: '9000' });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(await landedCount('CreateInstanceEndpointAclPolicy')).toBe(2);
  });

  it('the grace time bounds the wait: actions still running when it ends are stopped and journalled interrupted', { timeout: 60_000 }, async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateInstanceEndpointAclPolicy': { latencyMs: 8000 } } });
    const c = plain(['apply', '--auto-approve', '--parallelism', '1'], { ACRCTL_INTERRUPT_GRACE_MS: '300' });
    await until('the first ACL call', () => announced('CreateInstanceEndpointAclPolicy'), c);
    const sent = Date.now();
    c.child.kill('SIGINT');
    const code = await c.exited;
    expect(code, c.output()).toBe(130);
    expect(c.exitedAt()! - sent).toBeLessThan(4000);
    expect(c.output()).toContain('Still running after 0s: stopping the');
    expect(theJournal().at(-1)).toEqual({ t: 'end', status: 'interrupted' });
    expect(existsSync(lockFile())).toBe(false);
  });

  it('SIGTERM is handled the same way and exits 143', { timeout: 60_000 }, async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateInstanceEndpointAclPolicy': { latencyMs: 1000 } } });
    const c = plain(['apply', '--auto-approve', '--parallelism', '1']);
    await until('the first ACL call', () => announced('CreateInstanceEndpointAclPolicy'), c);
    c.child.kill('SIGTERM');
    expect(await c.exited, c.output()).toBe(143);
    expect(c.output()).toContain('SIGTERM received: starting nothing more');
    expect(c.output()).toContain('Apply interrupted:');
    expect(existsSync(lockFile())).toBe(false);
  });

  it('destroy: the first SIGINT lets the delete in flight finish and says "Destroy interrupted"', { timeout: 60_000 }, async () => {
    writeFileSync(join(cwd, 'registry.yaml'), TWO_INSTANCES);
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'bss:RefundInstance': { latencyMs: 1500 } } });
    const c = plain(['destroy', '--auto-approve', '--parallelism', '1']);
    await until('the first refund', () => announced('RefundInstance'), c);
    c.child.kill('SIGINT');
    const code = await c.exited;
    const out = c.output();
    expect(code, out).toBe(130);
    expect(out).toMatch(/Destroy interrupted: \d+ done, [1-9]\d* in flight finished, [1-9]\d* not started\. Continue with: acrctl destroy --resume/);
    const destroyRun = journals().map(records).find((rs) => rs[0]?.['command'] === 'destroy')!;
    expect(destroyRun.at(-1)).toEqual({ t: 'end', status: 'interrupted' });
    expect(existsSync(lockFile())).toBe(false);
    await t.admin('DELETE', '/_emulator/faults');
    const resumed = await cli(['destroy', '--resume', '--auto-approve']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Verified: nothing declared is left.');
  });

  it('SIGINT while planning cancels: nothing changed, no run, the lock released', { timeout: 60_000 }, async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:ListInstance': { latencyMs: 3000 } } });
    const c = plain(['apply', '--auto-approve', '--parallelism', '1']);
    await until('the lock', () => existsSync(lockFile()), c);
    await new Promise((r) => setTimeout(r, 200));
    c.child.kill('SIGINT');
    expect(await c.exited, c.output()).toBe(130);
    expect(c.output()).toContain('apply cancelled; nothing was changed.');
    expect(c.output()).not.toContain('error[internal]');
    expect(journals()).toEqual([]);
    expect(existsSync(lockFile())).toBe(false);
    expect((await calls()).filter((x) => x.mutating)).toEqual([]);
  });
});

describe.skipIf(!hasScript)('in a pseudo-terminal', () => {
  it('Ctrl-C during apply (live view, log-update hiding the cursor) is a graceful stop, not a kill', { timeout: 60_000 }, async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateInstanceEndpointAclPolicy': { latencyMs: 1500 } } });
    const c = onTerminal(['apply', '--auto-approve', '--parallelism', '1']);
    await until('the first ACL call', () => announced('CreateInstanceEndpointAclPolicy'), c);
    c.child.stdin!.write('\x03');
    const code = await c.exited;
    const out = c.output();
    expect(code, out).toBe(130);
    expect(out).toContain('Interrupt received: starting nothing more');
    expect(out).toMatch(/Apply interrupted: \d+ done, [1-9]\d* in flight finished, \d+ not started\. Continue with: acrctl apply --resume/);
    // The cursor log-update hid is shown again.
    expect(out.lastIndexOf('\u001b[?25h')).toBeGreaterThan(out.lastIndexOf('\u001b[?25l'));
    const rs = theJournal();
    expect(rs.filter((r) => r['t'] === 'failed')).toEqual([]);
    expect(rs.at(-1)).toEqual({ t: 'end', status: 'interrupted' });
    expect(existsSync(lockFile())).toBe(false);
  });

  it('Ctrl-C twice during apply exits at once, journal consistent, lock released', { timeout: 60_000 }, async () => {
    await t.admin('PUT', '/_emulator/faults', { seed: 1, actions: { 'cr:CreateInstanceEndpointAclPolicy': { latencyMs: 8000 } } });
    const c = onTerminal(['apply', '--auto-approve', '--parallelism', '1']);
    await until('the first ACL call', () => announced('CreateInstanceEndpointAclPolicy'), c);
    c.child.stdin!.write('\x03');
    await until('the first interrupt is acknowledged', () => c.output().includes('Interrupt received'), c);
    const second = Date.now();
    c.child.stdin!.write('\x03');
    expect(await c.exited, c.output()).toBe(130);
    expect(c.exitedAt()! - second).toBeLessThan(3000);
    expect(c.output()).toContain('stopped mid-call');
    const rs = theJournal();
    expect(rs.some((r) => r['t'] === 'interrupted')).toBe(true);
    expect(rs.at(-1)).toEqual({ t: 'end', status: 'interrupted' });
    expect(existsSync(lockFile())).toBe(false);
  });

  it('Ctrl-C at the prompt cancels: "apply cancelled; nothing was changed", exit 130, no bug report', { timeout: 60_000 }, async () => {
    const c = onTerminal(['apply']);
    await until('the prompt', () => c.output().includes("Only 'yes' is accepted"), c);
    c.child.stdin!.write('\x03');
    expect(await c.exited, c.output()).toBe(130);
    expect(c.output()).toContain('apply cancelled; nothing was changed.');
    expect(c.output()).not.toContain('error[internal]');
    expect(c.output()).not.toContain('Aborted with Ctrl+C');
    expect(journals()).toEqual([]);
    expect(existsSync(lockFile())).toBe(false);
    expect((await calls()).filter((x) => x.mutating)).toEqual([]);
  });

  it('Ctrl-C at the destroy prompt cancels the same way', { timeout: 60_000 }, async () => {
    expect((await cli(['apply', '--auto-approve', '--no-verify'])).code).toBe(0);
    const before = (await calls()).filter((x) => x.mutating).length;
    const c = onTerminal(['destroy']);
    await until('the prompt', () => c.output().includes("Only 'yes' is accepted"), c);
    c.child.stdin!.write('\x03');
    expect(await c.exited, c.output()).toBe(130);
    expect(c.output()).toContain('destroy cancelled; nothing was changed.');
    expect((await calls()).filter((x) => x.mutating)).toHaveLength(before);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('yes at the prompt applies', { timeout: 60_000 }, async () => {
    const c = onTerminal(['apply', '--no-verify']);
    await until('the prompt', () => c.output().includes("Only 'yes' is accepted"), c);
    c.child.stdin!.write('yes\r');
    expect(await c.exited, c.output()).toBe(0);
    expect(c.output()).toContain('Apply complete:');
  });
});
