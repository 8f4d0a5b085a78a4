/**
 * Which run store a command uses, and waiting for its lock.
 *
 * The store: `--run-store oss://bucket/prefix?region=R[&account=ALIAS]`, else `ACRCTL_RUN_STORE`,
 * else registry.yaml's `runStore`, else `.acrctl/` in the working directory. An OSS store is read
 * and written with the named account's credentials chain (the only account when one is declared).
 *
 * `--lock-timeout DURATION` (`30s`, `10m`, `1h`, `0`): a lock held by another live run is waited
 * for, with a progress line every 30 s, then refused naming the holder; the default 0 refuses at once.
 */
import { resolve } from 'node:path';
import { AcrctlError } from '../errors.js';
import { localRunStore, type LockRequest, type RunStore, type StoreLock } from '../apply/runs.js';
import { ossRunStore, parseStoreUrl } from '../apply/oss-store.js';
import type { RegistryDocument } from '../config/model.js';
import type { CloudSession } from '../cloud/session.js';
import type { CliIo } from './io.js';

/** Where runs, the lock and the embedded emulator's state live, relative to the working directory. */
export const STATE_DIR = '.acrctl';

/** A shared store's location, from a flag, the environment or the config. */
export interface OssStoreSpec {
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  readonly account?: string;
  /** Where it was given, for messages: `--run-store`, `ACRCTL_RUN_STORE`, `registry.yaml runStore`. */
  readonly from: string;
}

/** The OSS store a flag or the environment names, if any (checked at once: no cloud needed). */
export function storeFromFlags(flag: string | undefined, env: NodeJS.ProcessEnv): OssStoreSpec | undefined {
  if (flag !== undefined) return { ...parseStoreUrl(flag, '--run-store'), from: '--run-store' };
  const e = env['ACRCTL_RUN_STORE'];
  if (e !== undefined && e !== '') return { ...parseStoreUrl(e, 'ACRCTL_RUN_STORE'), from: 'ACRCTL_RUN_STORE' };
  return undefined;
}

/** The OSS store of a flag, the environment or the config; undefined means the local one. */
export function storeSpec(flag: string | undefined, env: NodeJS.ProcessEnv, config: RegistryDocument | undefined, file: string): OssStoreSpec | undefined {
  const early = storeFromFlags(flag, env);
  if (early) return early;
  const rs = config?.runStore?.oss;
  return rs ? { bucket: rs.bucket, prefix: rs.prefix ?? '', region: rs.region, account: rs.account, from: `${file} runStore` } : undefined;
}

export function localStore(io: CliIo): RunStore {
  return localRunStore(resolve(io.cwd, STATE_DIR), { display: `${STATE_DIR}/runs` });
}

/** The CI run's URL, when acrctl runs in GitHub Actions or GitLab CI. */
export function ciRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env['GITHUB_ACTIONS'] === 'true' && env['GITHUB_RUN_ID'] && env['GITHUB_REPOSITORY']) {
    return `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}${env['GITHUB_RUN_ATTEMPT'] ? `/attempts/${env['GITHUB_RUN_ATTEMPT']}` : ''}`;
  }
  if (env['GITLAB_CI'] === 'true' && env['CI_JOB_URL']) return env['CI_JOB_URL'];
  return undefined;
}

/** Opens the OSS store `spec` with the session's credentials of its account. */
export async function openOssStore(spec: OssStoreSpec, config: RegistryDocument, session: CloudSession, env: NodeJS.ProcessEnv): Promise<RunStore> {
  const aliases = Object.keys(config.accounts);
  const account = spec.account ?? (aliases.length === 1 ? aliases[0]! : undefined);
  if (account === undefined) {
    throw new AcrctlError('cli.bad-option', `${spec.from} names no account and registry.yaml declares ${aliases.length}: ${aliases.join(', ')}`, { hint: `add &account=ALIAS to the run store URL, or declare runStore.oss.account` });
  }
  if (!aliases.includes(account)) {
    throw new AcrctlError('cli.bad-option', `${spec.from} names account ${JSON.stringify(account)}, which registry.yaml does not declare`, { hint: `declared accounts: ${aliases.join(', ')}` });
  }
  const bucket = await session.ossBucket(account, spec.region, spec.bucket);
  const url = ciRunUrl(env);
  const lockTtl = durationFromEnv(env, 'ACRCTL_LOCK_TTL');
  if (lockTtl !== undefined && lockTtl < 1000) throw new AcrctlError('cli.bad-option', `ACRCTL_LOCK_TTL is at least 1s, got ${env['ACRCTL_LOCK_TTL']}`, { hint: 'the lock expires this long after its last heartbeat (default 60s)' });
  return ossRunStore({
    bucket,
    prefix: spec.prefix,
    display: `oss://${spec.bucket}/${spec.prefix.replace(/\/$/, '')}`.replace(/\/$/, ''),
    ...(url ? { ciRunUrl: url } : {}),
    ...(lockTtl !== undefined ? { lock: { ttlMs: lockTtl } } : {}),
  });
}

/** `ACRCTL_LOCK_TTL` (a duration): the shared lock's expiry; tests shorten it. */
function durationFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : parseDuration(v, name);
}

/** `90s`, `10m`, `1h`, `500ms`, `0` → milliseconds. */
export function parseDuration(value: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new AcrctlError('cli.bad-option', `${what} must be a duration such as 30s, 10m or 1h, got ${JSON.stringify(value.slice(0, 40))}`);
  const n = Number(m[1]);
  const unit = m[2] ?? (n === 0 ? 's' : undefined);
  if (unit === undefined) throw new AcrctlError('cli.bad-option', `${what} needs a unit: ${value}s, ${value}m or ${value}h`);
  const ms = n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  if (ms > 24 * 3_600_000) throw new AcrctlError('cli.bad-option', `${what} is at most 24h, got ${value}`);
  return Math.round(ms);
}

/**
 * Takes a lock, waiting up to `timeoutMs` while another live run holds it (progress on `say`
 * every 30 s). Refused with the holder named when the wait is over.
 */
export async function lockWithTimeout(store: RunStore, command: string, req: LockRequest, timeoutMs: number, say: (line: string) => void, opts: { readonly pollMs?: number; readonly sleep?: (ms: number) => Promise<void> } = {}): Promise<StoreLock> {
  const started = Date.now();
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let lastSaid = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.lock(command, req);
    } catch (err) {
      if (!(err instanceof AcrctlError) || err.code !== 'apply.locked') throw err;
      const waited = Date.now() - started;
      if (waited >= timeoutMs) {
        if (timeoutMs === 0) throw err;
        throw new AcrctlError('apply.locked', `${err.message}; waited ${formatDuration(waited)} (--lock-timeout)`, { ...(err.hint ? { hint: err.hint } : {}), cause: err });
      }
      if (attempt === 0 || Date.now() - lastSaid >= 30_000) {
        lastSaid = Date.now();
        say(`waiting for the lock (${formatDuration(waited)} of ${formatDuration(timeoutMs)}): ${err.message}`);
      }
      const poll = opts.pollMs ?? Math.min(2000, 250 * 2 ** Math.min(attempt, 3));
      await sleep(Math.min(poll, Math.max(1, timeoutMs - waited)));
    }
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
