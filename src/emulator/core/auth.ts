/**
 * Authentication of product requests: finds which signature scheme a request uses (ACS3 v3, v1
 * HMAC-SHA1 RPC, ROA v1 `acs id:sig`, or none for anonymous actions), checks its timestamp and
 * nonce, finds the key (an account's permanent key or an STS session), and verifies the signature
 * by recomputing it from what was received.
 *
 * Owns: the access key index (a cache over `state.accounts`, rebuilt on a miss so replaced state is
 * always honoured) and the nonce cache. Timestamps are checked against the wall clock passed in
 * (clients sign with real time even when the emulated clock was moved); STS expiry against the
 * emulated clock that issued it. Errors are POP ApiErrors with the real codes (PROTOCOL.md §5).
 */
import { ApiError, type CallerIdentity, type EmulatorState, type EpochMs } from './contract.js';
import { NonceCache, SIGNATURE_WINDOW_MS } from './nonces.js';
import {
  acs3CanonicalRequest,
  acs3Signature,
  parseAcs3Authorization,
  parseRoaAuthorization,
  roaSignature,
  roaStringsToSign,
  rpcV1Signature,
  sameSignature,
  sha256Hex,
  type IncomingHeaders,
  type ParamPairs,
} from './signature.js';
import { findUserKey, userArn } from '../services/ram/models.js';
import { assumedRoleArn, findSession } from '../services/sts/models.js';

/** A received request, as the authenticator needs it. */
export interface RequestView {
  readonly method: string;
  /** Path as sent, still percent-encoded. */
  readonly rawPath: string;
  /** Decoded query pairs. */
  readonly query: ParamPairs;
  /** Decoded form-body pairs (empty unless the body is form-urlencoded). */
  readonly form: ParamPairs;
  readonly headers: IncomingHeaders;
  readonly body: Buffer;
}

export type AuthResult =
  | { readonly kind: 'signed'; readonly accountUid: string; readonly caller: CallerIdentity }
  | { readonly kind: 'anonymous' };

export const authErrors = {
  incomplete: (why: string) => new ApiError('IncompleteSignature', `The request signature does not conform to Aliyun standards: ${why}.`, 400),
  keyNotFound: () => new ApiError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404),
  keyInactive: () => new ApiError('InvalidAccessKeyId.Inactive', 'Specified access key is disabled.', 400),
  mismatch: (status: number) => new ApiError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.', status),
  expired: () => new ApiError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.', 400),
  timestampFormat: (value: string) => new ApiError('InvalidTimeStamp.Format', `Specified time stamp or date value is not well formatted: ${value}.`, 400),
  missingTimestamp: () => new ApiError('MissingTimestamp', 'Timestamp is mandatory for this action.', 400),
  missingNonce: () => new ApiError('MissingSignatureNonce', 'SignatureNonce is mandatory for this action.', 400),
  nonceUsed: () => new ApiError('SignatureNonceUsed', 'Specified signature nonce was used already.', 400),
  missingToken: () => new ApiError('MissingSecurityToken', 'SecurityToken is mandatory for temporary access keys.', 400),
  tokenMismatch: () => new ApiError('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.', 400),
  tokenExpired: () => new ApiError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.', 400),
  unsupportedMethod: (m: string) => new ApiError('InvalidSignatureMethod', `Specified signature method is not supported: ${m}.`, 400),
};

/** An access key found in the state: whose it is, its secret, and the token an STS key needs. */
export interface KeyMatch {
  readonly accountUid: string;
  readonly secret: string;
  readonly caller: CallerIdentity;
  /** The SecurityToken an STS key must come with. */
  readonly securityToken?: string;
  readonly expiresAt?: EpochMs;
}

export interface AuthenticatorOptions {
  readonly state: () => EmulatorState;
  /** Wall clock for timestamp skew and nonce windows. */
  readonly wallNow: () => EpochMs;
  /** Emulated clock for STS session expiry. */
  readonly now: () => EpochMs;
}

export class Authenticator {
  private readonly index = new Map<string, string>();
  readonly nonces = new NonceCache();

  constructor(private readonly opts: AuthenticatorOptions) {}

  /** Forgets cached key lookups and nonces (after state replacement or reset). */
  reset(): void {
    this.index.clear();
    this.nonces.clear();
  }

  /**
   * Authenticates a request. `style` only changes the status of a ROA signature mismatch (403).
   * Throws the POP ApiError the real service answers.
   */
  authenticate(req: RequestView, style: 'RPC' | 'ROA', allowAnonymous: boolean): AuthResult {
    const authorization = headerOf(req.headers, 'authorization');
    if (authorization !== undefined && /^ACS3-/.test(authorization.trim())) return this.acs3(req, authorization);
    if (authorization !== undefined && /^acs\s/.test(authorization.trim())) return this.roaV1(req, authorization, style);
    const params = [...req.query, ...req.form];
    const has = (k: string): boolean => params.some(([n]) => n === k);
    if (has('Signature') || has('AccessKeyId')) return this.rpcV1(req, params);
    if (allowAnonymous) {
      const ts = paramOf(params, 'Timestamp');
      if (ts !== undefined) this.checkTime(ts);
      const nonce = paramOf(params, 'SignatureNonce');
      if (nonce !== undefined && !this.nonces.remember(`anon:${nonce}`, this.opts.wallNow())) throw authErrors.nonceUsed();
      return { kind: 'anonymous' };
    }
    throw authErrors.incomplete('no Authorization header and no Signature parameter');
  }

  private acs3(req: RequestView, authorization: string): AuthResult {
    const auth = parseAcs3Authorization(authorization);
    if (auth === undefined) throw authErrors.incomplete('malformed ACS3 Authorization header');
    if (auth.algorithm !== 'ACS3-HMAC-SHA256') throw authErrors.unsupportedMethod(auth.algorithm);
    const date = headerOf(req.headers, 'x-acs-date');
    if (date === undefined) throw authErrors.missingTimestamp();
    this.checkTime(date);
    const nonce = headerOf(req.headers, 'x-acs-signature-nonce');
    if (nonce === undefined) throw authErrors.missingNonce();
    const key = this.findKey(auth.accessKeyId);
    const canonical = acs3CanonicalRequest({
      method: req.method,
      rawPath: req.rawPath,
      query: req.query,
      headers: req.headers,
      signedHeaders: auth.signedHeaders,
      payloadHash: sha256Hex(req.body),
    });
    if (!sameSignature(acs3Signature(canonical, key.secret), auth.signature.toLowerCase())) throw authErrors.mismatch(400);
    // The ACS3 scheme signs every x-acs- header the client sends (OpenApiUtil.getAuthorization):
    // one outside SignedHeaders was added or changed by someone else (SPEC: a guess of the live check).
    const signed = new Set(auth.signedHeaders.map((h) => h.toLowerCase()));
    const unsigned = Object.keys(req.headers)
      .map((h) => h.toLowerCase())
      .filter((h) => h.startsWith('x-acs-') && !signed.has(h))
      .sort();
    if (unsigned.length > 0) throw authErrors.incomplete(`the header${unsigned.length > 1 ? 's' : ''} ${unsigned.join(', ')} ${unsigned.length > 1 ? 'are' : 'is'} sent but not signed (SignedHeaders must list every x-acs- header)`);
    this.checkNonce(auth.accessKeyId, nonce);
    this.checkToken(key, headerOf(req.headers, 'x-acs-security-token'));
    return { kind: 'signed', accountUid: key.accountUid, caller: key.caller };
  }

  private rpcV1(req: RequestView, params: ParamPairs): AuthResult {
    const accessKeyId = paramOf(params, 'AccessKeyId');
    const signature = paramOf(params, 'Signature');
    if (accessKeyId === undefined || signature === undefined) throw authErrors.incomplete('AccessKeyId and Signature are both required');
    const method = paramOf(params, 'SignatureMethod');
    if (method !== undefined && method !== 'HMAC-SHA1') throw authErrors.unsupportedMethod(method);
    const ts = paramOf(params, 'Timestamp');
    if (ts === undefined) throw authErrors.missingTimestamp();
    this.checkTime(ts);
    const nonce = paramOf(params, 'SignatureNonce');
    if (nonce === undefined) throw authErrors.missingNonce();
    const key = this.findKey(accessKeyId);
    if (!sameSignature(rpcV1Signature(req.method, params, key.secret), signature)) throw authErrors.mismatch(400);
    this.checkNonce(accessKeyId, nonce);
    this.checkToken(key, paramOf(params, 'SecurityToken'));
    return { kind: 'signed', accountUid: key.accountUid, caller: key.caller };
  }

  private roaV1(req: RequestView, authorization: string, style: 'RPC' | 'ROA'): AuthResult {
    const auth = parseRoaAuthorization(authorization);
    if (auth === undefined) throw authErrors.incomplete('malformed acs Authorization header');
    const date = headerOf(req.headers, 'date');
    if (date === undefined) throw authErrors.missingTimestamp();
    this.checkTime(date);
    const key = this.findKey(auth.accessKeyId);
    const candidates = roaStringsToSign({ method: req.method, rawPath: req.rawPath, query: req.query, headers: req.headers });
    if (!candidates.some((s) => sameSignature(roaSignature(s, key.secret), auth.signature))) {
      throw authErrors.mismatch(style === 'ROA' ? 403 : 400);
    }
    const nonce = headerOf(req.headers, 'x-acs-signature-nonce');
    if (nonce !== undefined) this.checkNonce(auth.accessKeyId, nonce);
    this.checkToken(key, headerOf(req.headers, 'x-acs-security-token'));
    return { kind: 'signed', accountUid: key.accountUid, caller: key.caller };
  }

  private checkTime(value: string): void {
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw authErrors.timestampFormat(value);
    if (Math.abs(this.opts.wallNow() - t) > SIGNATURE_WINDOW_MS) throw authErrors.expired();
  }

  private checkNonce(accessKeyId: string, nonce: string): void {
    if (!this.nonces.remember(`${accessKeyId}:${nonce}`, this.opts.wallNow())) throw authErrors.nonceUsed();
  }

  private checkToken(key: KeyMatch, token: string | undefined): void {
    if (key.securityToken === undefined) return;
    if (token === undefined || token === '') throw authErrors.missingToken();
    if (!sameSignature(token, key.securityToken)) throw authErrors.tokenMismatch();
    if (key.expiresAt !== undefined && this.opts.now() >= key.expiresAt) throw authErrors.tokenExpired();
  }

  /**
   * The key `accessKeyId` (an account's, a RAM user's or an STS session's), for protocols that
   * verify their own signatures (OSS). Throws `InvalidAccessKeyId.NotFound` like the RPC checks.
   */
  lookupKey(accessKeyId: string): KeyMatch {
    return this.findKey(accessKeyId);
  }

  private findKey(accessKeyId: string): KeyMatch {
    const state = this.opts.state();
    if (accessKeyId.startsWith('STS.')) {
      const s = findSession(state, accessKeyId);
      if (s === undefined) throw authErrors.keyNotFound();
      return {
        accountUid: s.accountUid,
        secret: s.accessKeySecret,
        securityToken: s.securityToken,
        expiresAt: s.expiresAt,
        caller: {
          type: 'AssumedRoleUser',
          accessKeyId,
          arn: assumedRoleArn(s),
          principalId: `${s.roleId}:${s.sessionName}`,
          roleId: s.roleId,
          roleName: s.roleName,
        },
      };
    }
    let uid = this.index.get(accessKeyId);
    let secret = uid === undefined ? undefined : state.accounts[uid]?.accessKeys[accessKeyId];
    if (secret === undefined) {
      this.rebuild(state);
      uid = this.index.get(accessKeyId);
      secret = uid === undefined ? undefined : state.accounts[uid]?.accessKeys[accessKeyId];
    }
    if (uid === undefined || secret === undefined) {
      const found = findUserKey(state, accessKeyId);
      if (found === undefined) throw authErrors.keyNotFound();
      if (found.key.status !== 'Active') throw authErrors.keyInactive();
      return {
        accountUid: found.accountUid,
        secret: found.key.accessKeySecret,
        caller: {
          type: 'RAMUser',
          accessKeyId,
          arn: userArn(found.accountUid, found.user.userName),
          principalId: found.user.userId,
          userId: found.user.userId,
          userName: found.user.userName,
        },
      };
    }
    return { accountUid: uid, secret, caller: { type: 'Account', accessKeyId, arn: `acs:ram::${uid}:root`, principalId: uid } };
  }

  private rebuild(state: EmulatorState): void {
    this.index.clear();
    for (const account of Object.values(state.accounts)) {
      for (const id of Object.keys(account.accessKeys)) this.index.set(id, account.uid);
    }
  }
}

function headerOf(headers: IncomingHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function paramOf(params: ParamPairs, name: string): string | undefined {
  for (const [k, v] of params) if (k === name) return v;
  return undefined;
}
