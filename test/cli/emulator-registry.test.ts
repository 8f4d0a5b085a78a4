/**
 * `acrctl emulator registry`: the host of a running emulator's registry on stdout, a working
 * temporary login in a containers auth file (mode 0600, other hosts kept), never a password on
 * stdout or stderr, and clear errors (exit 1) for what cannot be answered.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';
import { RegistryClient, registryOf } from '../emulator/registry/client.js';

const UID = '1234567890123456';
const CONFIG = `version: 1
accounts:
  shop: { uid: "${UID}", credentials: { env: SHOP } }
instances:
  shop-hz: { account: shop, region: cn-hangzhou, edition: Basic, name: shop-hz }
  later: { account: shop, region: cn-hangzhou, edition: Basic, name: not-bought-yet }
`;

function loginsIn(file: string): Record<string, { username: string; password: string }> {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, { auth: string }> };
  const out: Record<string, { username: string; password: string }> = {};
  for (const [host, a] of Object.entries(doc.auths)) {
    const [username = '', password = ''] = Buffer.from(a.auth, 'base64').toString('utf8').split(/:(.*)/s);
    out[host] = { username, password };
  }
  return out;
}

describe('acrctl emulator registry', () => {
  let t: TestEmulator;
  let cwd: string;
  let instanceId: string;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(['emulator', 'registry', ...args], { cwd, env });

  beforeAll(async () => {
    t = await startTestEmulator();
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-emu-registry-'));
    writeFileSync(join(cwd, 'registry.yaml'), CONFIG);
    writeFileSync(join(cwd, 'bought.yaml'), CONFIG.split('\n').filter((l) => !l.includes('later:')).join('\n'));
    const keys = await t.account(UID);
    await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: 'cn-hangzhou', namespaces: [{ name: 'shop', autoCreate: true }] });
    const r = await runCli(['apply', '-f', 'bought.yaml', '--endpoint', t.url, '--auto-approve'], { cwd });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const list = (await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', { InstanceName: 'shop-hz' }, keys)) as { Instances: { InstanceId: string }[] };
    instanceId = list.Instances[0]!.InstanceId;
  });
  afterAll(async () => {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints the Personal Edition host and writes a login the registry accepts, never printing it', async () => {
    const r = await cli(['--endpoint', t.url, '--personal', 'cn-hangzhou', '--authfile', 'auth.json']);
    expect(r.code, r.stderr).toBe(0);
    const host = await registryOf(t, 'personal=cn-hangzhou');
    expect(r.stdout).toBe(`${host}\n`);
    expect(statSync(join(cwd, 'auth.json')).mode & 0o777).toBe(0o600);
    const login = loginsIn(join(cwd, 'auth.json'))[host];
    expect(login?.username).toBe('cr_temp_user');
    expect(login?.password.length).toBeGreaterThan(8);
    expect(r.stdout + r.stderr).not.toContain(login?.password);
    expect((await new RegistryClient(host, login).request('GET', '/v2/')).status).toBe(200);
    // A wrong password is refused: the check above can fail.
    await expect(new RegistryClient(host, { username: 'cr_temp_user', password: 'nope' }).request('GET', '/v2/')).rejects.toThrow(/401/);
  });

  it('finds an EE instance by its key or its name and adds its login next to the others', async () => {
    writeFileSync(join(cwd, 'both.json'), JSON.stringify({ auths: { 'example.invalid:5000': { auth: 'a2VlcDptZQ==' } } }));
    await cli(['--endpoint', t.url, '--personal', 'cn-hangzhou', '--authfile', 'both.json']);
    const byKey = await cli(['--instance', 'shop-hz', '--authfile', 'both.json'], { ACRCTL_ENDPOINT: t.url });
    expect(byKey.code, byKey.stderr).toBe(0);
    const host = await registryOf(t, `instance=${instanceId}`);
    expect(byKey.stdout).toBe(`${host}\n`);
    expect(byKey.stderr).toContain(instanceId);
    const logins = loginsIn(join(cwd, 'both.json'));
    expect(Object.keys(logins).sort()).toEqual(['example.invalid:5000', host, await registryOf(t, 'personal=cn-hangzhou')].sort());
    expect(byKey.stdout + byKey.stderr).not.toContain(logins[host]?.password);
    expect((await new RegistryClient(host, logins[host]).request('GET', '/v2/')).status).toBe(200);
    const byName = await cli(['--endpoint', t.url, '--instance', 'shop-hz']);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toBe(`${host}\n`);
    expect(byName.stderr).toContain('add --authfile FILE');
  });

  it.each([
    { reason: 'no running emulator named', args: ['--personal', 'cn-hangzhou'], message: /needs a running emulator: --endpoint URL/ },
    { reason: 'neither registry named', args: ['--endpoint', '$URL'], message: /exactly one registry/ },
    { reason: 'both registries named', args: ['--endpoint', '$URL', '--personal', 'cn-hangzhou', '--instance', 'shop-hz'], message: /exactly one registry/ },
    { reason: 'an instance not in registry.yaml', args: ['--endpoint', '$URL', '--instance', 'nope'], message: /no instance "nope" in registry.yaml/ },
    { reason: 'an instance not bought yet', args: ['--endpoint', '$URL', '--instance', 'later'], message: /instance later \(not-bought-yet\) does not exist yet/ },
    { reason: 'an account not declared', args: ['--endpoint', '$URL', '--personal', 'cn-hangzhou', '--account', 'other'], message: /unknown account "other"/ },
  ])('exits 1 with a clear message for $reason', async ({ args, message }) => {
    const r = await cli(args.map((a) => (a === '$URL' ? t.url : a)));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
