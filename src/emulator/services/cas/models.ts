/**
 * Certificate Management Service model (cas 2020-04-07): the uploaded certificates of an account,
 * per CAS region (the central endpoint cas.aliyuncs.com is cn-hangzhou; a few regions have their
 * own endpoint and, guessed, their own certificates).
 *
 * Invariants: a certificate's name is unique within the account and region (documented: "The name
 * must be unique within an Alibaba Cloud account"); every stored certificate parsed as X.509 and its
 * private key matched it when it was uploaded; ids are numbers from one sequence.
 */
import type { CallContext, EpochMs } from '../../core/contract.js';

export interface UploadedCertificate {
  id: number;
  name: string;
  /** The PEM as uploaded (the chain, leaf first). */
  cert: string;
  /** The private key PEM as uploaded (answered only by GetUserCertificateDetail without CertFilter). */
  key: string;
  /** SHA-256 and SHA-1 of the leaf's DER, upper-case hex without separators. */
  sha2: string;
  sha1: string;
  commonName: string;
  /** DNS names of the subjectAltName, in certificate order. */
  sans: string[];
  issuer: string;
  serialNo: string;
  algorithm: string;
  notBefore: EpochMs;
  notAfter: EpochMs;
  createdAt: EpochMs;
}

export interface CasRegion {
  certificates: Record<string, UploadedCertificate>;
}

export interface CasState {
  /** account UID → CAS region → certificates. */
  accounts: Record<string, Record<string, CasRegion>>;
}

export function initCasState(): CasState {
  return { accounts: {} };
}

export function casRegion(ctx: Pick<CallContext, 'serviceState'>, accountUid: string, region: string): CasRegion {
  const s = ctx.serviceState<CasState>('cas');
  const byRegion = (s.accounts[accountUid] ??= {});
  return (byRegion[region] ??= { certificates: {} });
}

/** CAS dates, e.g. 2023-10-25 (UTC). */
export function casDate(ms: EpochMs): string {
  return new Date(ms).toISOString().slice(0, 10);
}
