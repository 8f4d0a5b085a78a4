/**
 * STS conformance with the official @alicloud/sts20150401 client: caller identity per account,
 * AssumeRole against RAM trust policies (created with the official RAM client), temporary keys that
 * the server then accepts with their SecurityToken (acting in the role's account), their expiry on
 * the emulated clock, and AssumeRoleWithOIDC (anonymous, the RRSA path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Ram from '@alicloud/ram20150501';
import * as Sts from '@alicloud/sts20150401';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { service as ram } from '../../../src/emulator/services/ram/index.js';
import { service as sts } from '../../../src/emulator/services/sts/index.js';
import { ClientError, startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

const A = '1111111111111111';
const B = '2222222222222222';

function trust(principal: Record<string, string[]>): string {
  return JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal }] });
}

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

async function caught(p: Promise<unknown>): Promise<{ code: string; statusCode: number } & Error> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; statusCode: number } & Error;
  }
  throw new Error('expected the call to fail');
}

describe('STS', () => {
  let t: TestEmulator;
  let a: AccountKeys;
  let b: AccountKeys;
  const roleArn = `acs:ram::${B}:role/deployer`;

  beforeAll(async () => {
    t = await startTestEmulator({ services: [ram, sts] });
    a = await t.account(A);
    b = await t.account(B);
    const ramB = await t.ramClient(b);
    await ramB.createRole(new Ram.CreateRoleRequest({ roleName: 'deployer', assumeRolePolicyDocument: trust({ RAM: [`acs:ram::${A}:root`] }), maxSessionDuration: 7200 }));
    await ramB.createRole(new Ram.CreateRoleRequest({ roleName: 'private', assumeRolePolicyDocument: trust({ RAM: [`acs:ram::${B}:root`] }) }));
    await ramB.createRole(
      new Ram.CreateRoleRequest({ roleName: 'pod', assumeRolePolicyDocument: trust({ Federated: [`acs:ram::${B}:oidc-provider/ack-rrsa`] }) }),
    );
  });
  afterAll(() => t.close());

  it('GetCallerIdentity answers the signing account as an Account identity', async () => {
    for (const [keys, uid] of [[a, A], [b, B]] as const) {
      const res = await (await t.stsClient(keys)).getCallerIdentity();
      expect(res.body?.toMap()).toMatchObject({ AccountId: uid, UserId: uid, PrincipalId: uid, IdentityType: 'Account', Arn: `acs:ram::${uid}:root` });
      expect(res.body?.roleId).toBeUndefined();
    }
  });

  it('AssumeRole issues STS keys that sign calls in the role’s account, seen as AssumedRoleUser', async () => {
    const client = await t.stsClient(a);
    const res = await client.assumeRole(new Sts.AssumeRoleRequest({ roleArn, roleSessionName: 'ci-run', durationSeconds: 3600 }));
    const creds = res.body?.credentials;
    expect(creds?.accessKeyId).toMatch(/^STS\./);
    expect(creds?.securityToken).toBeTruthy();
    expect(creds?.expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(res.body?.assumedRoleUser?.arn).toBe(`acs:ram::${B}:assumed-role/deployer/ci-run`);
    const temp = { accessKeyId: creds?.accessKeyId ?? '', accessKeySecret: creds?.accessKeySecret ?? '', securityToken: creds?.securityToken ?? '' };
    for (const opts of [{}, { signatureAlgorithm: 'v2' as const }]) {
      const who = await (await t.stsClient(temp, opts)).getCallerIdentity();
      expect(who.body?.toMap()).toMatchObject({
        AccountId: B,
        IdentityType: 'AssumedRoleUser',
        Arn: `acs:ram::${B}:assumed-role/deployer/ci-run`,
        PrincipalId: `${res.body?.assumedRoleUser?.assumedRoleId ?? ''}`,
      });
      expect(who.body?.roleId).toBeTruthy();
      expect(who.body?.userId, 'UserId is only for accounts and RAM users').toBeUndefined();
    }
    const roles = await (await t.ramClient(temp)).listRoles(new Ram.ListRolesRequest({}));
    expect(roles.body?.roles?.role?.map((r) => r.roleName).sort(), 'RAM sees account B').toEqual(['deployer', 'pod', 'private']);
  });

  it('refuses temporary keys without their token, with another token, and after they expire on the emulated clock', async () => {
    const res = await (await t.stsClient(a)).assumeRole(new Sts.AssumeRoleRequest({ roleArn, roleSessionName: 'short', durationSeconds: 900 }));
    const c = res.body?.credentials;
    const id = c?.accessKeyId ?? '';
    const secret = c?.accessKeySecret ?? '';
    const noToken = await caught((await t.stsClient({ accessKeyId: id, accessKeySecret: secret })).getCallerIdentity());
    expect(noToken.code).toBe('MissingSecurityToken');
    const wrong = await caught((await t.stsClient({ accessKeyId: id, accessKeySecret: secret, securityToken: 'CAISforged' })).getCallerIdentity());
    expect(wrong.code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
    const good = { accessKeyId: id, accessKeySecret: secret, securityToken: c?.securityToken ?? '' };
    expect((await (await t.stsClient(good)).getCallerIdentity()).body?.accountId).toBe(B);
    await t.admin('POST', '/_emulator/clock', { advanceMs: 901_000 });
    const expired = await caught((await t.stsClient(good)).getCallerIdentity());
    expect(expired).toBeInstanceOf(ClientError);
    expect(expired.code).toBe('InvalidSecurityToken.Expired');
  });

  it('refuses AssumeRole when the trust policy does not name the caller, the role is missing, or parameters are wrong', async () => {
    const client = await t.stsClient(a);
    const untrusted = await caught(client.assumeRole(new Sts.AssumeRoleRequest({ roleArn: `acs:ram::${B}:role/private`, roleSessionName: 's1' })));
    expect([untrusted.code, untrusted.statusCode]).toEqual(['NoPermission', 403]);
    const missing = await caught(client.assumeRole(new Sts.AssumeRoleRequest({ roleArn: `acs:ram::${B}:role/nope`, roleSessionName: 's1' })));
    expect([missing.code, missing.statusCode]).toEqual(['EntityNotExist.Role', 404]);
    const badArn = await caught(client.assumeRole(new Sts.AssumeRoleRequest({ roleArn: 'arn:aws:iam::1:role/x', roleSessionName: 's1' })));
    expect(badArn.code).toBe('InvalidParameter.RoleArn');
    const noSession = await caught(client.assumeRole(new Sts.AssumeRoleRequest({ roleArn })));
    expect(noSession.code).toBe('MissingRoleSessionName');
    const tooLong = await caught(client.assumeRole(new Sts.AssumeRoleRequest({ roleArn, roleSessionName: 's1', durationSeconds: 7201 })));
    expect(tooLong.code).toBe('InvalidParameter.DurationSeconds');
    const withinMax = await client.assumeRole(new Sts.AssumeRoleRequest({ roleArn, roleSessionName: 's1', durationSeconds: 7200 }));
    expect(withinMax.body?.credentials?.accessKeyId).toMatch(/^STS\./);
    const badPolicy = await caught(client.assumeRole(new Sts.AssumeRoleRequest({ roleArn, roleSessionName: 's1', policy: '{nope' })));
    expect(badPolicy.code).toBe('InvalidParameter.PolicyGrammar');
  });

  it('AssumeRoleWithOIDC (anonymous) issues keys for a role trusting the OIDC provider', async () => {
    const { $OpenApiUtil } = await import('../../helpers/emulator.js');
    const StsClient = (Sts as unknown as { default: unknown }).default;
    const Ctor = (typeof StsClient === 'function' ? StsClient : (StsClient as { default: unknown }).default) as new (c: unknown) => InstanceType<typeof Sts.default.default>;
    const anonymous = new Ctor(new $OpenApiUtil.Config({ endpoint: await t.endpoint('sts', 'global'), protocol: 'http', regionId: 'cn-hangzhou' }));
    const nowS = Math.floor((await t.admin<{ now: number }>('GET', '/_emulator/clock')).body.now / 1000);
    const token = jwt({ iss: 'https://oidc-ack.example', sub: 'system:serviceaccount:ci:acrctl', aud: 'sts.aliyuncs.com', iat: nowS, exp: nowS + 600 });
    const req = (roleName: string, oidcToken: string): InstanceType<typeof Sts.AssumeRoleWithOIDCRequest> =>
      new Sts.AssumeRoleWithOIDCRequest({ roleArn: `acs:ram::${B}:role/${roleName}`, OIDCProviderArn: `acs:ram::${B}:oidc-provider/ack-rrsa`, OIDCToken: oidcToken, roleSessionName: 'pod-1' });
    const res = await anonymous.assumeRoleWithOIDC(req('pod', token));
    expect(res.body?.OIDCTokenInfo?.subject).toBe('system:serviceaccount:ci:acrctl');
    expect(res.body?.OIDCTokenInfo?.clientIds).toBe('sts.aliyuncs.com');
    const c = res.body?.credentials;
    const who = await (await t.stsClient({ accessKeyId: c?.accessKeyId ?? '', accessKeySecret: c?.accessKeySecret ?? '', securityToken: c?.securityToken ?? '' })).getCallerIdentity();
    expect(who.body?.arn).toBe(`acs:ram::${B}:assumed-role/pod/pod-1`);
    const notTrusted = await caught(anonymous.assumeRoleWithOIDC(req('deployer', token)));
    expect(notTrusted.code).toBe('AuthenticationFail.NoPermission');
    const expiredToken = jwt({ iss: 'https://oidc-ack.example', sub: 's', aud: 'a', iat: nowS - 7200, exp: nowS - 3600 });
    expect((await caught(anonymous.assumeRoleWithOIDC(req('pod', expiredToken)))).code).toBe('AuthenticationFail.OIDCToken.Expired');
    expect((await caught(anonymous.assumeRoleWithOIDC(req('pod', 'not-a-jwt')))).code).toBe('InvalidParameter.OIDCToken');
  });

  it('logs STS calls with the acting account', async () => {
    const log = await t.admin<{ action: string; accountUid: string; product: string }[]>('GET', '/_emulator/calls');
    const oidc = log.body.filter((e) => e.action === 'AssumeRoleWithOIDC');
    expect(oidc.length).toBeGreaterThan(0);
    expect(oidc.every((e) => e.accountUid === '' && e.product === 'sts'), 'anonymous calls have no signing account').toBe(true);
  });
});
