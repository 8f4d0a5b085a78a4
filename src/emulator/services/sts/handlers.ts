/**
 * STS 2015-04-01 actions: GetCallerIdentity, AssumeRole and AssumeRoleWithOIDC (the RRSA path).
 * Roles and trust policies are read from RAM through its cross-product queries; STS never changes
 * RAM state.
 */
import { randomBytes } from 'node:crypto';
import type { CallContext, RpcAction, RpcRequest } from '../../core/contract.js';
import { optionalInt, optionalString, requireString } from '../../core/params.js';
import { peekRamAccount } from '../ram/models.js';
import { findRole, trustAllowsAccount, trustAllowsPrincipal, type RoleView } from '../ram/query.js';
import { stsErrors } from './errors.js';
import { assumedRoleArn, stsDate, type StsSession, type StsState } from './models.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** Default and bounds of DurationSeconds (the role's MaxSessionDuration raises the maximum). */
const MIN_DURATION = 900;
const DEFAULT_DURATION = 3600;

function parseRoleArn(arn: string): { accountUid: string; roleName: string } {
  const m = /^acs:ram::(\d{16}):role\/([A-Za-z0-9.@_-]{1,64})$/.exec(arn);
  if (!m) throw stsErrors.invalidRoleArn(arn);
  return { accountUid: m[1] ?? '', roleName: m[2] ?? '' };
}

function roleIdOf(ctx: CallContext, role: RoleView): string {
  return peekRamAccount(ctx.state, role.accountUid)?.roles[role.roleName]?.roleId ?? role.arn;
}

function maxDurationOf(ctx: CallContext, role: RoleView): number {
  return peekRamAccount(ctx.state, role.accountUid)?.roles[role.roleName]?.maxSessionDuration ?? DEFAULT_DURATION;
}

/** Validates the common AssumeRole* parameters and returns the role and duration in seconds. */
function resolveRole(ctx: CallContext, req: RpcRequest): { role: RoleView; sessionName: string; durationSeconds: number } {
  const roleArn = requireString(req.params, 'RoleArn');
  const { accountUid, roleName } = parseRoleArn(roleArn);
  const sessionName = requireString(req.params, 'RoleSessionName');
  if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(sessionName)) throw stsErrors.invalidSessionName();
  const role = findRole(ctx.state, accountUid, roleName);
  if (role === undefined) throw stsErrors.roleNotFound(roleArn);
  const max = Math.max(DEFAULT_DURATION, maxDurationOf(ctx, role));
  const durationSeconds = optionalInt(req.params, 'DurationSeconds') ?? DEFAULT_DURATION;
  if (durationSeconds < MIN_DURATION || durationSeconds > max) throw stsErrors.invalidDuration(MIN_DURATION, max);
  const policy = optionalString(req.params, 'Policy');
  if (policy !== undefined) {
    try {
      const doc = JSON.parse(policy) as unknown;
      if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as Record<string, unknown>)['Statement'])) throw new Error('no Statement');
    } catch {
      throw stsErrors.invalidPolicy();
    }
  }
  return { role, sessionName, durationSeconds };
}

/** Issues temporary credentials for the role and records them so the server accepts them. */
function issue(ctx: CallContext, role: RoleView, sessionName: string, durationSeconds: number, policy?: string): StsSession {
  const sts = ctx.serviceState<StsState>('sts');
  const now = ctx.now();
  for (const [id, s] of Object.entries(sts.sessions)) if (s.expiresAt <= now) delete sts.sessions[id];
  const session: StsSession = {
    accessKeyId: `STS.${randomAlnum(28)}`,
    accessKeySecret: randomAlnum(44),
    securityToken: `CAIS${randomBytes(96).toString('base64')}`,
    accountUid: role.accountUid,
    roleName: role.roleName,
    roleId: roleIdOf(ctx, role),
    sessionName,
    expiresAt: now + durationSeconds * 1000,
    ...(policy !== undefined ? { policy } : {}),
  };
  sts.sessions[session.accessKeyId] = session;
  return session;
}

function credentialsBody(session: StsSession): Record<string, unknown> {
  return {
    AssumedRoleUser: { Arn: assumedRoleArn(session), AssumedRoleId: `${session.roleId}:${session.sessionName}` },
    Credentials: {
      AccessKeyId: session.accessKeyId,
      AccessKeySecret: session.accessKeySecret,
      Expiration: stsDate(session.expiresAt),
      SecurityToken: session.securityToken,
    },
  };
}

const getCallerIdentity: RpcAction = {
  mutating: false,
  handle(ctx) {
    const caller = ctx.caller;
    if (caller?.type === 'RAMUser') {
      return { IdentityType: 'RAMUser', AccountId: ctx.accountUid, UserId: caller.userId ?? '', PrincipalId: caller.principalId, Arn: caller.arn };
    }
    if (caller === undefined || caller.type === 'Account') {
      return {
        IdentityType: 'Account',
        AccountId: ctx.accountUid,
        UserId: ctx.accountUid,
        PrincipalId: ctx.accountUid,
        Arn: `acs:ram::${ctx.accountUid}:root`,
      };
    }
    return {
      IdentityType: 'AssumedRoleUser',
      AccountId: ctx.accountUid,
      PrincipalId: caller.principalId,
      RoleId: caller.roleId ?? '',
      Arn: caller.arn,
    };
  },
};

const assumeRole: RpcAction = {
  mutating: true,
  handle(ctx, req) {
    const { role, sessionName, durationSeconds } = resolveRole(ctx, req);
    const trusted = ctx.caller === undefined || ctx.caller.type === 'Account' ? trustAllowsAccount(role, ctx.accountUid) : trustAllowsPrincipal(role, ctx.accountUid, ctx.caller);
    if (!trusted) throw stsErrors.notTrusted(role.arn);
    const session = issue(ctx, role, sessionName, durationSeconds, optionalString(req.params, 'Policy'));
    const body = credentialsBody(session);
    const sourceIdentity = optionalString(req.params, 'SourceIdentity');
    return sourceIdentity === undefined ? body : { ...body, SourceIdentity: sourceIdentity };
  },
};

interface OidcClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
}

/** Decodes a JWT's claims. The signature is not verified (SPEC.md: unknown provider keys). */
function decodeOidcToken(token: string): OidcClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw stsErrors.invalidOidcToken('not a JWT (three dot-separated parts)');
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw stsErrors.invalidOidcToken('the payload is not base64url JSON');
  }
  const { iss, sub, aud, exp, iat } = payload;
  if (typeof iss !== 'string' || typeof sub !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') {
    throw stsErrors.invalidOidcToken('iss, sub, exp and iat are required');
  }
  const audience = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  if (audience.length === 0) throw stsErrors.invalidOidcToken('aud is required');
  return { iss, sub, aud: audience, exp, iat };
}

/** True when an Allow statement of the trust policy names the provider ARN as Principal.Federated. */
function trustAllowsFederated(role: RoleView, providerArn: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(role.assumeRolePolicyDocument);
  } catch {
    return false;
  }
  const statements = (doc as { Statement?: unknown }).Statement;
  if (!Array.isArray(statements)) return false;
  let allowed = false;
  for (const st of statements as Record<string, unknown>[]) {
    const actions = ([] as unknown[]).concat(st['Action'] ?? []);
    if (!actions.some((a) => typeof a === 'string' && /^sts:(AssumeRole|\*)$|^\*$/i.test(a))) continue;
    const principal = st['Principal'] as Record<string, unknown> | undefined;
    const federated = ([] as unknown[]).concat(principal?.['Federated'] ?? []);
    if (!federated.includes(providerArn)) continue;
    if (st['Effect'] === 'Deny') return false;
    if (st['Effect'] === 'Allow') allowed = true;
  }
  return allowed;
}

const assumeRoleWithOidc: RpcAction = {
  mutating: true,
  anonymous: true,
  handle(ctx, req) {
    const providerArn = requireString(req.params, 'OIDCProviderArn');
    const token = requireString(req.params, 'OIDCToken');
    const pm = /^acs:ram::(\d{16}):oidc-provider\/([A-Za-z0-9._-]+)$/.exec(providerArn);
    if (!pm) throw stsErrors.invalidProviderArn(providerArn);
    const { role, sessionName, durationSeconds } = resolveRole(ctx, req);
    if (pm[1] !== role.accountUid) throw stsErrors.oidcNotTrusted(role.arn);
    const claims = decodeOidcToken(token);
    if (claims.exp * 1000 <= ctx.now()) throw stsErrors.oidcTokenExpired();
    if (!trustAllowsFederated(role, providerArn)) throw stsErrors.oidcNotTrusted(role.arn);
    const session = issue(ctx, role, sessionName, durationSeconds);
    return {
      ...credentialsBody(session),
      OIDCTokenInfo: {
        Subject: claims.sub,
        Issuer: claims.iss,
        ClientIds: claims.aud.join(','),
        ExpirationTime: stsDate(claims.exp * 1000),
        IssuanceTime: stsDate(claims.iat * 1000),
        VerificationInfo: 'Success',
      },
    };
  },
};

export const stsActions: Readonly<Record<string, RpcAction>> = {
  GetCallerIdentity: getCallerIdentity,
  AssumeRole: assumeRole,
  AssumeRoleWithOIDC: assumeRoleWithOidc,
};
