/**
 * Credential files are read without ever printing them (issue 19 item 4), and credential errors
 * say what was tried and how to go on without a cloud (issue 15 item 3). Every file here carries
 * canary secrets; no message, detail, hint or --debug output may contain one.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AcrctlError, formatError } from '../../src/errors.js';
import { NO_CLOUD_HINT, SecretSet, buildCredential, credentialsProvider, type AccountCredentials } from '../../src/cloud/credentials.js';
import { runBin, runCli } from '../support/cli.js';

const CANARY_SECRET = 'CANARYsecret7f3a9b1c';
const CANARY_TOKEN = 'CANARYtokenQ2w9xZ81';
const CANARY_ID = 'LTAIcanaryId5531';

let home: string;
const savedHome = process.env['HOME'];
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'acrctl-credfiles-'));
  // The vendor library reads the CLI file under os.homedir(), which is $HOME.
  process.env['HOME'] = home;
});
afterEach(async () => {
  if (savedHome === undefined) delete process.env['HOME'];
  else process.env['HOME'] = savedHome;
  await rm(home, { recursive: true, force: true });
});

async function cliFile(text: string): Promise<void> {
  await mkdir(join(home, '.aliyun'), { recursive: true });
  await writeFile(join(home, '.aliyun', 'config.json'), text);
}

async function iniFile(text: string): Promise<void> {
  await mkdir(join(home, '.alibabacloud'), { recursive: true });
  await writeFile(join(home, '.alibabacloud', 'credentials'), text);
}

/** An environment with no vendor variables (the test process's own are laid under it). */
const EMPTY_ENV: Record<string, string | undefined> = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: undefined,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined,
  ALIBABA_CLOUD_SECURITY_TOKEN: undefined,
  ALIBABA_CLOUD_ROLE_ARN: undefined,
  ALIBABA_CLOUD_OIDC_PROVIDER_ARN: undefined,
  ALIBABA_CLOUD_OIDC_TOKEN_FILE: undefined,
  ALIBABA_CLOUD_PROFILE: undefined,
  ALIBABA_CLOUD_CREDENTIALS_FILE: undefined,
  ALIBABA_CLOUD_CREDENTIALS_URI: undefined,
  ALIBABA_CLOUD_CLI_PROFILE_DISABLED: undefined,
  ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
};

async function failure(c: AccountCredentials, env: Record<string, string | undefined> = EMPTY_ENV): Promise<AcrctlError> {
  const err = await buildCredential(c, { secrets: new SecretSet(), home, alias: 'prod', env })
    .getCredential()
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AcrctlError);
  return err as AcrctlError;
}

function expectNoCanary(text: string): void {
  for (const c of [CANARY_SECRET, CANARY_TOKEN, CANARY_ID]) expect(text).not.toContain(c);
}

/** A CLI file whose profiles carry the canaries, pretty-printed as `aliyun configure` writes it. */
function cliText(profiles: object[] = [{ name: 'prod', mode: 'StsToken', access_key_id: CANARY_ID, access_key_secret: CANARY_SECRET, sts_token: CANARY_TOKEN }]): string {
  return JSON.stringify({ current: 'prod', profiles, meta_path: '' }, null, 2);
}

describe('the CLI file ~/.aliyun/config.json', () => {
  it('a trailing comma names the file, line, column and key, and prints nothing of the file', async () => {
    // The probe: before, the whole file (every secret) went to stderr.
    await cliFile(cliText().replace(`"sts_token": "${CANARY_TOKEN}"`, `"sts_token": "${CANARY_TOKEN}",`));
    const err = await failure({ kind: 'profile', profile: 'prod' });
    expect(err.code).toBe('credentials.file');
    expect(err.location).toEqual({ file: '~/.aliyun/config.json', line: 10, column: 5 });
    expect(err.message).toBe('~/.aliyun/config.json is not valid JSON: a key was expected here (a trailing comma?) (in profiles[0], after key "sts_token")');
    expect(err.hint?.endsWith(NO_CLOUD_HINT)).toBe(true);
    expectNoCanary(formatError(err));
    expect(err.cause).toBeUndefined();
  });

  it.each([
    { reason: 'a missing colon', edit: (t: string) => t.replace('"access_key_secret": ', '"access_key_secret" '), line: 8, want: /a ':' was expected after the key \(in profiles\[0\]\.access_key_secret/ },
    { reason: 'a missing comma', edit: (t: string) => t.replace(`"${CANARY_SECRET}",`, `"${CANARY_SECRET}"`), line: 9, want: /a comma was expected here \(in profiles\[0\]\.sts_token, after key "access_key_secret"\)/ },
    { reason: 'an unquoted value', edit: (t: string) => t.replace(`"${CANARY_SECRET}"`, CANARY_SECRET), line: 8, want: /not JSON \(unquoted text\?\)/ },
    { reason: 'a comment', edit: (t: string) => t.replace('"current"', '// mine\n  "current"'), line: 2, want: /comments are not allowed/ },
    { reason: 'a file cut short', edit: (t: string) => t.slice(0, t.indexOf(CANARY_TOKEN) + 4), line: 9, want: /a string is not closed/ },
    { reason: 'a secret pasted where a key goes', edit: (t: string) => t.replace('"mode"', `"${CANARY_SECRET}" "mode"`), line: 6, want: /after key an unrecognised key|in profiles\[0\]/ },
    { reason: 'an empty file', edit: () => '', line: 1, want: /not valid JSON/ },
  ])('$reason: reported at its line, no contents', async ({ edit, line, want }) => {
    await cliFile(edit(cliText()));
    const err = await failure({ kind: 'profile', profile: 'prod' });
    expect(err.code).toBe('credentials.file');
    expect(err.location?.file).toBe('~/.aliyun/config.json');
    expect(err.location?.line).toBe(line);
    expect(err.message).toMatch(want);
    expectNoCanary(formatError(err));
  });

  it('a profile without a key its mode needs names the profile, its line and the key', async () => {
    await cliFile(cliText([{ name: 'other', mode: 'AK', access_key_id: 'x', access_key_secret: CANARY_SECRET }, { name: 'prod', mode: 'StsToken', access_key_id: CANARY_ID, access_key_secret: CANARY_SECRET }]));
    const err = await failure({ kind: 'profile', profile: 'prod' });
    expect(err.code).toBe('credentials.file');
    expect(err.message).toBe('profile "prod" (mode StsToken) has no sts_token');
    expect(err.location).toEqual({ file: '~/.aliyun/config.json', line: 10, column: 1 });
    expectNoCanary(formatError(err));
  });

  it('a profile in neither file says where it looked', async () => {
    await cliFile(cliText());
    const err = await failure({ kind: 'profile', profile: 'nope' });
    expect(err.code).toBe('credentials.profile');
    expect(err.message).toBe('account prod: no credentials profile "nope"');
    expect(err.detail).toBe('tried ~/.aliyun/config.json: no profile "nope"; ~/.alibabacloud/credentials: not found');
    expect(err.hint).toBe(`create it with \`aliyun configure --profile nope\`, or add a [nope] section to ~/.alibabacloud/credentials; ${NO_CLOUD_HINT}`);
  });
});

describe('the INI file ~/.alibabacloud/credentials', () => {
  it('a line that is not key = value (a pasted secret) is named by its line only', async () => {
    await iniFile(`[other]\n${CANARY_TOKEN}\n[prod]\ntype = access_key\naccess_key_id = ${CANARY_ID}\n${CANARY_SECRET}\n`);
    const err = await failure({ kind: 'profile', profile: 'prod' });
    expect(err.code).toBe('credentials.file');
    expect(err.location).toEqual({ file: '~/.alibabacloud/credentials', line: 6, column: 1 });
    expect(err.message).toBe('line 6 of section [prod] is not a "key = value" line');
    expectNoCanary(formatError(err));
  });

  it('a section without the key its type needs names the key', async () => {
    await iniFile(`[prod]\ntype = access_key\naccess_key_id = ${CANARY_ID}\naccess_key_secret =\n`);
    const err = await failure({ kind: 'profile', profile: 'prod' });
    expect(err.message).toBe('section [prod] (type access_key) has no access_key_secret');
    expect(err.location?.line).toBe(1);
    expectNoCanary(formatError(err));
  });

  it('a good section gives its keys', async () => {
    await iniFile(`; mine\n[prod]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = "${CANARY_SECRET}"\n`);
    const secrets = new SecretSet();
    const c = await buildCredential({ kind: 'profile', profile: 'prod' }, { secrets, home, env: EMPTY_ENV }).getCredential();
    expect(c.accessKeyId).toBe('ini-id');
    expect([...secrets.values()]).toContain(CANARY_SECRET);
  });
});

describe('the default chain without a cloud', () => {
  it('says what it tried, step by step, and never asks the network for a host called "undefined"', async () => {
    // The vendor's own chain fetched ALIBABA_CLOUD_CREDENTIALS_URI even when unset (GET https://undefined/);
    // the test network guard would fail this test if any lookup or connection were attempted.
    const err = await failure({ kind: 'default' });
    expect(err.code).toBe('credentials.none');
    expect(err.message).toBe('account prod: no credentials found by the default credentials chain');
    expect(err.detail).toBe(
      'tried environment: ALIBABA_CLOUD_ACCESS_KEY_ID not set; OIDC (RRSA): ALIBABA_CLOUD_ROLE_ARN not set; ~/.aliyun/config.json: not found; ~/.alibabacloud/credentials: not found; ECS instance RAM role: disabled (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true); credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI not set',
    );
    expect(err.hint?.endsWith(NO_CLOUD_HINT)).toBe(true);
    expect(formatError(err)).not.toMatch(/undefined|ENOTFOUND|getaddrinfo/);
  });

  it('takes the first step that is configured (the CLI file current profile)', async () => {
    await cliFile(cliText([{ name: 'prod', mode: 'AK', access_key_id: 'cli-id', access_key_secret: CANARY_SECRET }]));
    const c = await buildCredential({ kind: 'default' }, { secrets: new SecretSet(), home, env: EMPTY_ENV }).getCredential();
    expect(c.accessKeyId).toBe('cli-id');
  });

  it('a failing provider is reported in acrctl words; the library text is only the cause', async () => {
    const err = await failure({ kind: 'default' }, { ...EMPTY_ENV, ALIBABA_CLOUD_CREDENTIALS_URI: 'http://127.0.0.1:1/credentials' });
    expect(err.detail).toMatch(/could not get credentials from the credentials URI: could not reach the service \(ECONNREFUSED\)$/);
    expect(formatError(err)).not.toContain('127.0.0.1:1');
    expect(String((err.cause as Error).message)).toMatch(/ECONNREFUSED/);
  });

  it('a missing env variable ends with the way to go on without a cloud', () => {
    let err: unknown;
    try {
      credentialsProvider({ kind: 'env', prefix: 'PROD' }, { secrets: new SecretSet(), env: {} });
    } catch (e) {
      err = e;
    }
    expect((err as AcrctlError).hint).toBe(`export PROD_ACCESS_KEY_ID and PROD_ACCESS_KEY_SECRET (and PROD_SECURITY_TOKEN for STS keys); ${NO_CLOUD_HINT}`);
  });
});

describe('through the CLI', () => {
  const config = (credentials: string) =>
    `version: 1\naccounts:\n  prod: { uid: "1234567890123456", credentials: ${credentials} }\ninstances:\n  hz: { account: prod, region: cn-hangzhou, edition: Basic, name: acme-hz }\n`;

  it('acrctl plan with a broken CLI file prints file:line:column and the key, never the file (child process)', async () => {
    await cliFile(cliText().replace(`"sts_token": "${CANARY_TOKEN}"`, `"sts_token": "${CANARY_TOKEN}",`));
    await writeFile(join(home, 'registry.yaml'), config('{ profile: prod }'));
    for (const extra of [[], ['--debug']]) {
      const r = await runBin(['plan', ...extra], { cwd: home, env: { HOME: home, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[credentials.file]: ~/.aliyun/config.json:10:5: ~/.aliyun/config.json is not valid JSON: a key was expected here (a trailing comma?)');
      expect(r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('  hint:'))[0]).toMatch(new RegExp(`${NO_CLOUD_HINT}$`));
      expectNoCanary(r.stdout + r.stderr);
    }
  });

  it('acrctl plan with the default chain and nothing configured: what was tried, the --emulator way out, no vendor text', async () => {
    await writeFile(join(home, 'registry.yaml'), config('{ defaultChain: true }'));
    const r = await runCli(['plan'], { cwd: home, env: { HOME: home } });
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('error[credentials.none]: account prod: no credentials found by the default credentials chain');
    expect(lines[1]).toMatch(/^ {2}tried environment: ALIBABA_CLOUD_ACCESS_KEY_ID not set; .*ECS instance RAM role: disabled/);
    expect(lines.at(-1)).toMatch(new RegExp(`^  hint: .*${NO_CLOUD_HINT}$`));
    expect(r.stderr).not.toMatch(/unable to get credentials|getaddrinfo|ENOTFOUND|undefined/);
  });

  it("the vendor library's own text is shown only with --debug", async () => {
    await writeFile(join(home, 'registry.yaml'), config('{ defaultChain: true }'));
    const env = { HOME: home, ALIBABA_CLOUD_CREDENTIALS_URI: 'http://127.0.0.1:1/credentials' };
    const plain = await runCli(['plan'], { cwd: home, env });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('could not get credentials from the credentials URI: could not reach the service (ECONNREFUSED)');
    expect(plain.stderr).not.toMatch(/caused by|127\.0\.0\.1:1/);
    const debug = await runCli(['plan', '--debug'], { cwd: home, env });
    expect(debug.stderr).toMatch(/caused by: .*ECONNREFUSED 127\.0\.0\.1:1/);
  });
});
