/**
 * The instance login password (issue 14 item 8): write-only, `${env:NAME}` only, compared with the
 * salted hash the journal of the run that set it keeps, never with the cloud. Driven through the
 * CLI against the emulator over HTTP, so journals, run plans, plan files, JSON lines and every
 * output are real, and each is searched for the password.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileAction } from '../../src/apply/verbs.js';
import { validateSource } from '../../src/config/load.js';
import type { Kind } from '../../src/plan/kind.js';
import { localRunStore } from '../../src/apply/runs.js';
import { readAppliedSecrets } from '../../src/cli/secret-history.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import { digestMatches, makeLoginPasswordKind, passwordProblem, secretDigest } from '../../src/kinds/login-password.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli, type CliResult } from '../support/cli.js';

const UID = '1234567890123456';
// Not secret-looking names on purpose: only the kind's own masking and scrubbing can hide them.
const FIRST = 'Fir5t-login-pw';
const SECOND = 'Sec0nd-login-pw';

const yaml = (password: string) => `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Standard
    name: acme-pw
    loginPassword: ${password}
`;

/** Every file under `dir`, recursively, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [{ path: p, text: readFileSync(p, 'utf8') }];
  });
}

describe('login password: digests and validation', () => {
  it('a salted scrypt digest matches its password only, and differs per salt', () => {
    const a = secretDigest(FIRST, Buffer.alloc(16, 1));
    const b = secretDigest(FIRST, Buffer.alloc(16, 2));
    expect(a).not.toBe(b);
    expect(a).not.toContain(FIRST);
    expect([digestMatches(FIRST, a), digestMatches(FIRST, b), digestMatches(SECOND, a), digestMatches(FIRST, 'sha256:abc')]).toEqual([true, true, false, false]);
  });

  it('is declared sensitive, never read without a history, and says "will be set"', () => {
    const kind = makeLoginPasswordKind();
    const cfg = { version: 1 as const, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou' as const, edition: 'Standard' as const, name: 'acme-pw', loginPassword: FIRST } } };
    const [d] = kind.desired(cfg);
    expect([d!.id, d!.sensitive, d!.summary]).toEqual(['instance[hz].settings[login-password]', ['password'], 'login password will be set (write-only: never read back)']);
  });

  it('takes ${env:NAME} only: a literal is secret/in-config at its line and column, a weak value an error that does not quote it', () => {
    const check = (text: string, env: Record<string, string> = {}) =>
      validateSource(text, 'registry.yaml', { env, references: languageReferences(allKinds), lint: false }).findings.filter((f) => f.severity === 'error').map((f) => `${f.id} ${f.location?.line}:${f.location?.column} ${f.message}`);
    const cases: { reason: string; text: string; env?: Record<string, string>; expect: string[] }[] = [
      { reason: 'from the environment', text: yaml('${env:ACR_PW}'), env: { ACR_PW: FIRST }, expect: [] },
      { reason: 'a literal password', text: yaml(FIRST), expect: ['secret/in-config 10:20 a login password is a secret: give it as ${env:NAME} and set NAME in the environment (the value is not shown)'] },
      { reason: 'text around the reference is a literal too', text: yaml('x${env:ACR_PW}'), env: { ACR_PW: FIRST }, expect: [expect.stringMatching(/^secret\/in-config 10:20 /) as unknown as string] },
      { reason: 'an unset variable', text: yaml('${env:ACR_PW}'), expect: [expect.stringMatching(/ACR_PW/) as unknown as string] },
      { reason: 'too short', text: yaml('${env:ACR_PW}'), env: { ACR_PW: 'Ab1' }, expect: ['schema/pattern 10:20 instances.hz.loginPassword is not a valid login password: it has 3 characters; a login password has 8 to 32 (the value is not shown)'] },
      { reason: 'one character class', text: yaml('${env:ACR_PW}'), env: { ACR_PW: 'onlyletters' }, expect: [expect.stringMatching(/at least two of letters, digits and symbols/) as unknown as string] },
    ];
    for (const c of cases) {
      const found = check(c.text, c.env);
      expect(found, c.reason).toEqual(c.expect);
      for (const f of found) expect(f).not.toContain(FIRST);
    }
    expect([passwordProblem('Passw0rd'), passwordProblem('x'.repeat(33))]).toEqual([undefined, 'it has 33 characters; a login password has 8 to 32']);
  });

  it('records only finished sets, newest run last: an intent without its done record is no record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acrctl-pw-scan-'));
    try {
      const line = (r: unknown) => `${JSON.stringify(r)}\n`;
      const head = (runId: string) => line({ t: 'run', runId, planId: 'p', startedAt: 'x', pid: 1 });
      const a = 'instance[hz].settings[login-password]';
      const set = (instanceId: string, digest: string) => line({ t: 'start', id: a }) + line({ t: 'intent', id: a, call: 'ResetLoginPassword', detail: { instanceId, secretDigest: digest } });
      const runs = join(dir, 'runs');
      mkdirSync(runs);
      writeFileSync(join(runs, '20260101T000000Z-aaaaaa.jsonl'), head('20260101T000000Z-aaaaaa') + set('cri-1', 'scrypt:1:old') + line({ t: 'done', id: a }) + set('cri-2', 'scrypt:1:two'));
      writeFileSync(join(runs, '20260102T000000Z-bbbbbb.jsonl'), head('20260102T000000Z-bbbbbb') + set('cri-1', 'scrypt:1:crashed'));
      const scan = await readAppliedSecrets(localRunStore(dir, { display: 'here' }));
      expect(scan.where).toBe('here');
      expect([...scan.last.values()]).toEqual([{ runId: '20260101T000000Z-aaaaaa', digest: 'scrypt:1:old' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('keys a record by `resourceId` when the intent names one (event rules: the rule id), and the newest is the send announced last, whatever the run ids say', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acrctl-pw-scan-'));
    try {
      const line = (r: unknown) => `${JSON.stringify(r)}\n`;
      const a = 'instance[hz].event-rule[x]';
      const send = (runId: string, at: number, digest: string) =>
        line({ t: 'run', runId, planId: 'p', startedAt: new Date(at).toISOString(), pid: 1 }) + line({ t: 'start', id: a }) + line({ t: 'intent', id: a, call: 'UpdateEventCenterRule', detail: { instanceId: 'cri-1', ruleId: 'crecr-1', resourceId: 'crecr-1', secretDigest: digest }, at }) + line({ t: 'done', id: a });
      const runs = join(dir, 'runs');
      mkdirSync(runs);
      // Two runs started in the same second: the run ids' random suffixes order them the wrong way round.
      writeFileSync(join(runs, '20260101T000000Z-ffffff.jsonl'), send('20260101T000000Z-ffffff', Date.UTC(2026, 0, 1, 0, 0, 0, 100), 'scrypt:1:first'));
      writeFileSync(join(runs, '20260101T000000Z-000000.jsonl'), send('20260101T000000Z-000000', Date.UTC(2026, 0, 1, 0, 0, 0, 900), 'scrypt:1:second'));
      const scan = await readAppliedSecrets(localRunStore(dir, { display: 'here' }));
      expect([...scan.last.entries()]).toEqual([['UpdateEventCenterRule\u0000crecr-1', { runId: '20260101T000000Z-000000', digest: 'scrypt:1:second' }]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('login password: crash safety', () => {
  it('an interrupted set is never judged done (the password cannot be read): the engine sends it again', async () => {
    const kind = makeLoginPasswordKind();
    const action = {
      id: 'instance[hz].settings[login-password]',
      kind: 'instance-login-password',
      type: 'update' as const,
      account: 'prod',
      region: 'cn-hangzhou',
      instance: 'hz',
      key: { instance: 'hz' },
      ids: { instanceId: 'cri-1' },
      before: { password: 'scrypt:16384:AA==:AA==', setBy: 'run 20260101T000000Z-aaaaaa' },
      after: { password: FIRST },
      changes: [{ path: 'password', impact: 'update' as const }],
      dependsOn: [],
      sensitive: ['password'],
    };
    const ctx = { ids: () => ({ instanceId: 'cri-1' }) } as unknown as Parameters<typeof reconcileAction>[1];
    expect(await reconcileAction(kind as unknown as Kind, ctx, action)).toEqual({ state: 'absent' });
  });
});

describe('login password through the CLI', () => {
  let t: TestEmulator;
  let cwd: string;
  const outputs: CliResult[] = [];
  const cli = async (args: string[], env: Record<string, string>, dir = cwd) => {
    const r = await runCli([...args, '--endpoint', t.url], { cwd: dir, env });
    outputs.push(r);
    return r;
  };
  const resets = async () => ((await t.admin<{ action: string; status: number; code: string | null }[]>('GET', '/_emulator/calls')).body).filter((c) => c.action === 'ResetLoginPassword' && c.status === 200 && c.code === null).length;

  beforeAll(async () => {
    t = await startTestEmulator();
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-pw-'));
    writeFileSync(join(cwd, 'registry.yaml'), yaml('${env:REGISTRY_LOGIN}'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('plans "will be set" on a fresh machine, sets it once, then plans no change; a new value is set again; nothing ever holds the password', async () => {
    const env1 = { REGISTRY_LOGIN: FIRST };
    let plan = await cli(['plan'], env1);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('+ password = (sensitive)');
    expect(plan.stdout).toContain('login password will be set (write-only: never read back)');
    expect(plan.stdout).toContain('the instance is not running yet');

    let r = await cli(['apply', '--auto-approve'], env1);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await resets()).toBe(1);
    expect(r.stdout).toContain('Verified: a new plan shows no changes.');

    plan = await cli(['plan', '--detailed-exitcode'], env1);
    expect(plan.code, plan.stdout).toBe(0);
    expect((await cli(['plan', '--format', 'json', '--out', 'saved.json'], env1)).code).toBe(0);
    expect((await cli(['drift'], env1)).code).toBe(0);

    const env2 = { REGISTRY_LOGIN: SECOND };
    plan = await cli(['plan', '--detailed-exitcode'], env2);
    expect(plan.code, plan.stdout).toBe(2);
    expect(plan.stdout, plan.stdout).toMatch(/~ password = \(sensitive\) -> \(sensitive\) \(will be set: not the password acrctl set in run \d{8}T\d{6}Z-[0-9a-f]{6}/);
    r = await cli(['apply', '--auto-approve', '--json'], env2);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await resets()).toBe(2);
    // The verifying plan after the set reads the journal again: it sees the new hash.
    expect(r.stderr).toContain('Verified: a new plan shows no changes.');
    expect((await cli(['plan', '--detailed-exitcode'], env2)).code).toBe(0);

    // The journals keep salted hashes, and the run plans and saved plans keep neither.
    const artefacts = filesUnder(cwd);
    expect(artefacts.some((f) => f.path.endsWith('.jsonl') && f.text.includes('"secretDigest":"scrypt:'))).toBe(true);
    for (const f of artefacts) for (const pw of [FIRST, SECOND]) expect(f.text.includes(pw), `${f.path} holds a password`).toBe(false);
    for (const f of artefacts.filter((x) => x.path.endsWith('.json'))) expect(f.text, f.path).not.toContain('scrypt:');
    for (const o of outputs) for (const pw of [FIRST, SECOND]) expect(o.stdout + o.stderr).not.toContain(pw);
    expect(JSON.stringify((await t.admin('GET', '/_emulator/state')).body)).not.toContain(FIRST);
  });

  it('with a shared OSS run store, another machine sees what the first one set', async () => {
    const bucket = 'shared-runs';
    await t.account(UID);
    expect((await t.admin('POST', '/_emulator/oss/buckets', { accountUid: UID, region: 'cn-hangzhou', bucket })).status).toBeLessThan(300);
    const shared = (name: string) => yaml('${env:REGISTRY_LOGIN}').replace('instances:', `runStore:\n  oss: { account: prod, region: cn-hangzhou, bucket: ${bucket}, prefix: pw }\ninstances:`).replace('acme-pw', name);
    const [a, b] = [mkdtempSync(join(tmpdir(), 'acrctl-pw-a-')), mkdtempSync(join(tmpdir(), 'acrctl-pw-b-'))];
    try {
      for (const d of [a, b]) writeFileSync(join(d, 'registry.yaml'), shared('acme-pw-oss'));
      const env = { REGISTRY_LOGIN: FIRST };
      const r = await cli(['apply', '--auto-approve'], env, a);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const plan = await cli(['plan', '--detailed-exitcode'], env, b);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      const changed = await cli(['plan', '--detailed-exitcode'], { REGISTRY_LOGIN: SECOND }, b);
      expect(changed.code).toBe(2);
      expect(changed.stdout).toContain('will be set: not the password acrctl set in run');
      expect(JSON.stringify((await t.admin('GET', '/_emulator/state')).body)).not.toContain(FIRST);
    } finally {
      for (const d of [a, b]) rmSync(d, { recursive: true, force: true });
    }
  });

  it('on another machine (no run store) plans "will be set" again and says why', async () => {
    const other = mkdtempSync(join(tmpdir(), 'acrctl-pw-other-'));
    try {
      writeFileSync(join(other, 'registry.yaml'), yaml('${env:REGISTRY_LOGIN}'));
      const plan = await cli(['plan', '--detailed-exitcode'], { REGISTRY_LOGIN: SECOND }, other);
      expect(plan.code).toBe(2);
      expect(plan.stdout).toContain('# instance[hz].settings[login-password] (prod, cn-hangzhou) will be created');
      expect(plan.stdout).toContain('.acrctl/runs records no password acrctl set on this instance, so there is nothing to compare it with');
      expect(plan.stdout + plan.stderr).not.toContain(SECOND);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
