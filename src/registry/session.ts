/**
 * Registry clients for the targets of a cloud session: where each registry listens, its temporary
 * credentials, and one {@link RegistryClient} per target, cached.
 *
 * Hosts: the session's endpoint resolver first (an emulator answers `/_emulator/registry` in both
 * the embedded and the `--endpoint` modes; Personal Edition's real host is
 * `registry.<region>.aliyuncs.com`); for a real EE instance, the SYSTEM domain of its internet
 * endpoint from `ListInstanceEndpoint`, over https.
 * Credentials: EE `GetAuthorizationToken` (cr 2018-12-01), Personal Edition `GET /tokens`
 * (cr 2016-06-07), fetched through the session (so they count as API calls and follow its retries),
 * registered as secrets, fetched again when they expire.
 * Registry requests are counted on {@link RegistryClients.requests}, never in the API call counter:
 * the registry is not an API product and has no API rate limit.
 */
import type { CloudSession } from '../cloud/session.js';
import type { RegistryLocator } from '../cloud/endpoints.js';
import { RegistryClient, RegistryRequestCounter, type FetchLike, type RegistryCredentials } from './client.js';
import { httpTransport } from './http.js';
import { RegistryError } from './errors.js';
import { describeTarget, targetKey, type RegistryTarget } from './types.js';

export interface RegistryClientsOptions {
  /** Overrides host resolution (tests put a fault-injecting proxy in front of a registry). */
  readonly resolve?: (target: RegistryTarget) => Promise<{ readonly base: string }>;
  /** Overrides how temporary credentials are fetched. */
  readonly credentials?: (target: RegistryTarget) => Promise<RegistryCredentials>;
  /** Validity asked of EE temporary credentials, in hours (GetAuthorizationToken ExpiresInHours). */
  readonly expiresInHours?: number;
  /** The transport of every client; default one `node:http` transport shared by these clients (http.ts). */
  readonly fetch?: FetchLike;
  /** Idle timeout of the default transport's connections (default 60 s). */
  readonly idleTimeoutMs?: number;
  readonly now?: () => number;
}

export interface RegistryClients {
  /** The client of a target, created once (concurrent callers share it); handles credentials. */
  for(target: RegistryTarget): Promise<RegistryClient>;
  /** Every registry request sent through these clients, per method and operation. */
  readonly requests: RegistryRequestCounter;
  /** Closes idle connections of the default transport. Idempotent; clients stay usable. */
  close(): void;
}

/** The registry clients of a cloud session. */
export function registryClients(cloud: CloudSession, opts: RegistryClientsOptions = {}): RegistryClients {
  const requests = new RegistryRequestCounter();
  const cache = new Map<string, Promise<RegistryClient>>();
  const resolve = opts.resolve ?? ((target: RegistryTarget) => resolveRegistry(cloud, target));
  const credentials = opts.credentials ?? ((target: RegistryTarget) => fetchCredentials(cloud, target, opts.expiresInHours));
  const own = opts.fetch === undefined ? httpTransport(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}) : undefined;
  const transport: FetchLike = opts.fetch ?? (own as FetchLike);
  const make = async (target: RegistryTarget): Promise<RegistryClient> => {
    const { base } = await resolve(target);
    return new RegistryClient({
      base: base.replace(/\/+$/, ''),
      name: describeTarget(target),
      // Blobs are shared (mountable) within one registry: its base URL identifies it.
      key: base.replace(/\/+$/, ''),
      credentials: () => credentials(target),
      counter: requests,
      secrets: cloud.secrets,
      fetch: transport,
      ...(opts.now !== undefined ? { now: opts.now } : {}),
    });
  };
  return {
    requests,
    close() {
      own?.close();
    },
    for(target) {
      const key = targetKey(target);
      let p = cache.get(key);
      if (p === undefined) {
        p = make(target);
        cache.set(key, p);
        const mine = p;
        p.catch(() => {
          if (cache.get(key) === mine) cache.delete(key);
        });
      }
      return p;
    },
  };
}

/** The declared or detected site of an account, as a locator field (Personal Edition hosts follow it). */
function siteOf(cloud: CloudSession, account: string): { site?: 'china' | 'international' } {
  const site = cloud.siteOf(account);
  return site === undefined ? {} : { site };
}

/** Where a target's registry listens: `{ base: 'http://127.0.0.1:PORT' | 'https://host' }`. */
export async function resolveRegistry(cloud: CloudSession, target: RegistryTarget): Promise<{ base: string }> {
  const network = target.network !== undefined ? { network: target.network } : {};
  const locator: RegistryLocator = target.kind === 'ee' ? { kind: 'ee', instanceId: target.instanceId, region: target.region, ...network } : { kind: 'pe', region: target.region, ...siteOf(cloud, target.account), ...network };
  const known = await cloud.endpoints.registry?.(locator);
  if (known !== undefined) return known;
  if (cloud.endpoints.emulated || target.kind === 'pe') {
    throw new RegistryError('registry.endpoint', `cannot locate the data plane of ${describeTarget(target)}: the endpoint resolver does not know registries`, {
      hint: 'use --emulator or --endpoint URL with an emulator that serves /_emulator/registry',
    });
  }
  const r = await cloud.cr(target.account, target.region).listInstanceEndpoint({ InstanceId: target.instanceId, ModuleName: 'Registry' });
  if (target.network === 'vpc') {
    // The VPC host resolves (PrivateZone) only inside a VPC linked to the instance.
    const vpc = (r.Endpoints ?? []).find((e) => (e.EndpointType ?? '').toLowerCase() === 'vpc');
    const host = vpc?.Domains?.find((d) => d.Type === 'SYSTEM')?.Domain ?? `${target.instanceName}-registry-vpc.${target.region}.cr.aliyuncs.com`;
    return { base: `https://${host}` };
  }
  const internet = (r.Endpoints ?? []).find((e) => (e.EndpointType ?? '').toLowerCase() === 'internet');
  const domain = internet?.Domains?.find((d) => d.Type === 'SYSTEM')?.Domain ?? internet?.Domains?.[0]?.Domain;
  if (internet === undefined || internet.Enable !== true || domain === undefined) {
    throw new RegistryError('registry.endpoint', `the internet endpoint of ${describeTarget(target)} is off, so acrctl cannot reach its registry`, {
      address: `instance.${target.instanceName}`,
      hint: 'enable it (internetEndpoint: { enabled: true } with an ACL entry for this machine), or run acrctl from a VPC linked to the instance',
    });
  }
  return { base: `https://${domain}` };
}

/** Temporary credentials of a target through the control plane. */
export async function fetchCredentials(cloud: CloudSession, target: RegistryTarget, expiresInHours?: number): Promise<RegistryCredentials> {
  if (target.kind === 'ee') {
    const r = await cloud.cr(target.account, target.region).getAuthorizationToken({
      InstanceId: target.instanceId,
      ...(expiresInHours !== undefined ? { ExpiresInHours: expiresInHours } : {}),
    });
    cloud.secrets.add(r.AuthorizationToken);
    if (r.TempUsername === undefined || r.AuthorizationToken === undefined || r.AuthorizationToken === '') {
      throw new RegistryError('registry.credentials', `GetAuthorizationToken returned no credentials for ${describeTarget(target)}`);
    }
    return { username: r.TempUsername, password: r.AuthorizationToken, ...(typeof r.ExpireTime === 'number' ? { expiresAt: r.ExpireTime } : {}) };
  }
  const r = await cloud.crpe(target.account, target.region).getAuthorizationToken();
  const d = r.data;
  cloud.secrets.add(d?.authorizationToken);
  if (d?.tempUserName === undefined || d.authorizationToken === undefined || d.authorizationToken === '') {
    throw new RegistryError('registry.credentials', `GET /tokens returned no credentials for ${describeTarget(target)}`);
  }
  return { username: d.tempUserName, password: d.authorizationToken, ...(typeof d.expireDate === 'number' ? { expiresAt: d.expireDate } : {}) };
}
