/**
 * STS model: the temporary credentials AssumeRole / AssumeRoleWithOIDC issued. The server core
 * reads them (through {@link findSession}) to accept `STS.…` access keys with their SecurityToken.
 *
 * Invariants: a session's access key id starts with `STS.` and is unique; its account is the role's
 * account; expired sessions are pruned when new ones are issued. JSON-serialisable (persisted).
 */
import type { EmulatorState, EpochMs } from '../../core/contract.js';

export interface StsSession {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** The role's account: calls signed with this session act in it. */
  accountUid: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  expiresAt: EpochMs;
  /** The session `Policy` of AssumeRole: it narrows what the credentials may do (RAM enforcement). */
  policy?: string;
}

export interface StsState {
  sessions: Record<string, StsSession>;
}

export function initStsState(): StsState {
  return { sessions: {} };
}

/** The session of a temporary access key id, without creating anything. */
export function findSession(state: EmulatorState, accessKeyId: string): StsSession | undefined {
  const sts = state.services.sts as StsState | undefined;
  return sts?.sessions[accessKeyId];
}

/** `acs:ram::<uid>:assumed-role/<role>/<session>`. */
export function assumedRoleArn(session: Pick<StsSession, 'accountUid' | 'roleName' | 'sessionName'>): string {
  return `acs:ram::${session.accountUid}:assumed-role/${session.roleName}/${session.sessionName}`;
}

/** STS expiration times: ISO 8601 UTC to the second, e.g. 2026-11-22T12:29:01Z. */
export function stsDate(ms: EpochMs): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
