import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AcrctlError } from '../../src/errors.js';
import { SecretSet, buildCredential, credentialsProvider, describeCredentials, envNames } from '../../src/cloud/credentials.js';
import { emulatorEndpoints, normaliseBaseUrl, realEndpoints, realHost } from '../../src/cloud/endpoints.js';

describe('credentials', () => {
  it('static keys are used as given and recorded as secrets', async () => {
    const secrets = new SecretSet();
    const c = await buildCredential({ kind: 'static', accessKeyId: 'AKID', accessKeySecret: 'static-secret' }, { secrets }).getCredential();
    expect(c.accessKeyId).toBe('AKID');
    expect([...secrets.values()]).toEqual(['static-secret']);
  });

  it('env reads <PREFIX>_ACCESS_KEY_ID/_SECRET and the optional _SECURITY_TOKEN', async () => {
    const secrets = new SecretSet();
    const env = { PARTNER_ACCESS_KEY_ID: 'id-1', PARTNER_ACCESS_KEY_SECRET: 'env-secret', PARTNER_SECURITY_TOKEN: 'env-token' };
    const c = await buildCredential({ kind: 'env', prefix: 'partner' }, { secrets, env }).getCredential();
    expect(c.accessKeyId).toBe('id-1');
    expect(c.securityToken).toBe('env-token');
    expect([...secrets.values()].sort()).toEqual(['env-secret', 'env-token']);
    expect(envNames('partner_')).toEqual({ id: 'PARTNER_ACCESS_KEY_ID', secret: 'PARTNER_ACCESS_KEY_SECRET', token: 'PARTNER_SECURITY_TOKEN' });
  });

  it('a missing env variable is a clear error naming the variable, not a value', () => {
    const err = (() => {
      try {
        credentialsProvider({ kind: 'env', prefix: 'PROD' }, { secrets: new SecretSet(), env: { PROD_ACCESS_KEY_ID: 'id-only' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AcrctlError);
    expect((err as AcrctlError).code).toBe('credentials.env');
    expect((err as AcrctlError).message).toBe('environment variable PROD_ACCESS_KEY_SECRET not set');
    expect((err as AcrctlError).message).not.toContain('id-only');
  });

  describe('named profiles', () => {
    let home: string;
    const saved = { HOME: process.env['HOME'], FILE: process.env['ALIBABA_CLOUD_CREDENTIALS_FILE'] };
    beforeEach(async () => {
      home = await mkdtemp(join(tmpdir(), 'acrctl-home-'));
      process.env['HOME'] = home;
      delete process.env['ALIBABA_CLOUD_CREDENTIALS_FILE'];
    });
    afterEach(async () => {
      if (saved.HOME === undefined) delete process.env['HOME'];
      else process.env['HOME'] = saved.HOME;
      if (saved.FILE !== undefined) process.env['ALIBABA_CLOUD_CREDENTIALS_FILE'] = saved.FILE;
      await rm(home, { recursive: true, force: true });
    });

    it('reads a profile from the CLI file ~/.aliyun/config.json', async () => {
      await mkdir(join(home, '.aliyun'));
      await writeFile(
        join(home, '.aliyun', 'config.json'),
        JSON.stringify({ current: 'other', profiles: [{ name: 'prod', mode: 'AK', access_key_id: 'cli-id', access_key_secret: 'cli-secret' }] }),
      );
      const secrets = new SecretSet();
      const c = await buildCredential({ kind: 'profile', profile: 'prod' }, { secrets }).getCredential();
      expect(c.accessKeyId).toBe('cli-id');
      expect([...secrets.values()]).toContain('cli-secret');
    });

    it('falls back to the INI file ~/.alibabacloud/credentials', async () => {
      await mkdir(join(home, '.alibabacloud'));
      await writeFile(join(home, '.alibabacloud', 'credentials'), '[prod]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = ini-secret\n');
      const c = await buildCredential({ kind: 'profile', profile: 'prod' }, { secrets: new SecretSet() }).getCredential();
      expect(c.accessKeyId).toBe('ini-id');
    });

    it('an unknown profile is a typed error with a hint', async () => {
      const err = await buildCredential({ kind: 'profile', profile: 'nope' }, { secrets: new SecretSet() })
        .getCredential()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AcrctlError);
      expect((err as AcrctlError).code).toBe('credentials.profile');
      expect((err as AcrctlError).hint).toMatch(/aliyun configure/);
    });
  });

  it('ramRoleArn uses the injected AssumeRole (emulator mode) with the source credential, and caches until near expiry', async () => {
    const secrets = new SecretSet();
    let now = 0;
    const calls: string[] = [];
    const credential = buildCredential(
      { kind: 'ramRoleArn', roleArn: 'acs:ram::1:role/x', source: { kind: 'static', accessKeyId: 'src', accessKeySecret: 'src-secret' } },
      {
        secrets,
        now: () => now,
        assumeRole: async (source, req) => {
          calls.push(`${(await source.getCredential()).accessKeyId}:${req.roleSessionName}:${req.durationSeconds}`);
          return { accessKeyId: 'STS.id', accessKeySecret: 'sts-secret', securityToken: 'sts-token', expiresAt: 3_600_000 };
        },
      },
    );
    expect((await credential.getCredential()).securityToken).toBe('sts-token');
    await credential.getCredential();
    expect(calls).toEqual(['src:acrctl:3600']);
    now = 3_600_000 - 60_000; // within 5 minutes of expiry: refresh
    await credential.getCredential();
    expect(calls).toHaveLength(2);
    expect([...secrets.values()]).toEqual(expect.arrayContaining(['src-secret', 'sts-secret', 'sts-token']));
  });

  it('describes sources without secrets', () => {
    expect(describeCredentials({ kind: 'static', accessKeyId: 'a', accessKeySecret: 'hidden' })).toBe('static keys');
    expect(describeCredentials({ kind: 'env', prefix: 'prod' })).toBe('environment PROD_ACCESS_KEY_ID');
  });
});

describe('endpoints', () => {
  it.each([
    ['cr', 'cn-shanghai', 'cr.cn-shanghai.aliyuncs.com'],
    ['crpe', 'ap-southeast-1', 'cr.ap-southeast-1.aliyuncs.com'],
    ['ram', 'cn-shanghai', 'ram.aliyuncs.com'],
    ['sts', 'cn-shanghai', 'sts.aliyuncs.com'],
    ['bss', 'cn-shanghai', 'business.aliyuncs.com'],
    ['cbn', 'cn-beijing', 'cbn.aliyuncs.com'],
    ['pvtz', 'cn-beijing', 'pvtz.aliyuncs.com'],
    ['vpc', 'cn-beijing', 'vpc.cn-beijing.aliyuncs.com'],
    ['vpc', 'cn-hangzhou', 'vpc.aliyuncs.com'],
  ] as const)('%s in %s is %s', async (product, region, host) => {
    expect(realHost(product, region)).toBe(host);
    expect(await realEndpoints().resolve(product, region)).toEqual({ endpoint: host, protocol: 'https' });
  });

  it('BSS on the international site', () => {
    expect(realHost('bss', 'ap-southeast-1', { bssSite: 'international' })).toBe('business.ap-southeast-1.aliyuncs.com');
  });

  it('resolves each (product, region) once through the emulator admin API, over http', async () => {
    const urls: string[] = [];
    const resolver = emulatorEndpoints('http://127.0.0.1:4000/', {
      fetch: (url) => {
        urls.push(url);
        return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve({ endpoint: '127.0.0.1:4001' }), text: () => Promise.resolve('') });
      },
    });
    const [a, b] = await Promise.all([resolver.resolve('cr', 'cn-hangzhou'), resolver.resolve('cr', 'cn-hangzhou')]);
    await resolver.resolve('cr', 'cn-hangzhou');
    expect(a).toEqual({ endpoint: '127.0.0.1:4001', protocol: 'http' });
    expect(b).toEqual(a);
    expect(urls).toEqual(['http://127.0.0.1:4000/_emulator/endpoint?product=cr&region=cn-hangzhou']);
    expect(resolver.emulated).toBe(true);
  });

  it('refuses a malformed endpoint URL', () => {
    expect(() => normaliseBaseUrl('not a url')).toThrow(AcrctlError);
    expect(() => normaliseBaseUrl('ftp://x')).toThrow(/http or https/);
  });
});
