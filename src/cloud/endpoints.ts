/**
 * Where each (product, region) is served.
 *
 * - Real endpoints (default), protocol https, following the official SDKs' endpoint rules:
 *   cr and Personal Edition `cr.<region>.aliyuncs.com`; RAM `ram.aliyuncs.com`; STS `sts.aliyuncs.com`;
 *   BSS `business.aliyuncs.com` (or `business.ap-southeast-1.aliyuncs.com` on the international site);
 *   CBN `cbn.aliyuncs.com`; PrivateZone `pvtz.aliyuncs.com`; VPC `vpc.<region>.aliyuncs.com`, except
 *   the regions the VPC SDK's endpointMap sends to `vpc.aliyuncs.com` (cn-hangzhou and a few others);
 *   Certificate Management Service `cas.aliyuncs.com`, or `cas.<region>.aliyuncs.com` for the regions
 *   of CAS_REGIONAL_ENDPOINTS (the cas-20200407 SDK endpointMap; issue 14 item 6).
 * - Emulator (`--endpoint URL` / `ACRCTL_ENDPOINT`, or the embedded mode): each (product, region) is
 *   resolved once through `GET <URL>/_emulator/endpoint?product=P&region=R`, then cached; protocol http.
 *
 * Owns: endpoint resolution only. Must not import product clients.
 */
import { AcrctlError } from '../errors.js';
import type { CloudProduct } from './errors.js';

/** What an endpoint can be asked for: an API product, or OSS (the run store's object storage). */
export type EndpointProduct = CloudProduct | 'oss';

export interface ResolvedEndpoint {
  /** Bare `host[:port]`, as the SDK's `Config.endpoint` wants it (no scheme). */
  readonly endpoint: string;
  readonly protocol: 'https' | 'http';
}

export interface EndpointResolver {
  /** True when the endpoints are an emulator (plain http on loopback). */
  readonly emulated: boolean;
  resolve(product: EndpointProduct, region: string): Promise<ResolvedEndpoint>;
  /**
   * Where a registry's data plane (OCI Distribution API) listens, when this resolver knows it
   * without the control plane: an emulator answers `/_emulator/registry`; Personal Edition's real
   * host is fixed by region. Undefined for a real EE instance: its host comes from
   * `ListInstanceEndpoint`, which src/registry reads through the cr client.
   */
  registry?(target: RegistryLocator): Promise<ResolvedRegistry | undefined>;
}

/** A registry to locate: an EE instance, or a region's Personal Edition registry. */
export type RegistryLocator =
  | { readonly kind: 'ee'; readonly instanceId: string; readonly region: string; readonly network?: 'internet' | 'vpc' }
  | { readonly kind: 'pe'; readonly region: string; readonly site?: 'china' | 'international'; readonly network?: 'internet' | 'vpc' };

export interface ResolvedRegistry {
  /** Scheme and authority, no trailing slash: `http://127.0.0.1:PORT` or `https://host`. */
  readonly base: string;
}

/**
 * The Personal Edition registry's host in a region (REGISTRY.md §1): `registry.<region>…` on the
 * China site, `registry-intl.<region>…` for international-site accounts, with `-vpc` for the VPC
 * host. Pure.
 */
export function personalRegistryHost(region: string, site: 'china' | 'international' = 'china', network?: 'internet' | 'vpc'): string {
  return `${site === 'international' ? 'registry-intl' : 'registry'}${network === 'vpc' ? '-vpc' : ''}.${region}.aliyuncs.com`;
}

/**
 * The region whose BSS endpoint is the international site's, `business.ap-southeast-1.aliyuncs.com`
 * (the Terraform provider's BssOpenAPIEndpointInternational); every other region uses the China
 * site's `business.aliyuncs.com`.
 */
export const BSS_INTERNATIONAL_REGION = 'ap-southeast-1';

/** Regions the VPC SDK (`@alicloud/vpc20160428` endpointMap) serves from the central host. */
const VPC_CENTRAL_REGIONS: ReadonlySet<string> = new Set([
  'cn-hangzhou',
  'cn-shanghai-finance-1',
  'cn-shenzhen-finance-1',
  'cn-north-2-gov-1',
  'cn-beijing-gov-1',
  'cn-hangzhou-finance',
  'cn-fujian',
  'cn-wuhan',
  'cn-zhangbei',
]);

/**
 * Regions with their own CAS endpoint `cas.<region>.aliyuncs.com` (the Go SDK cas-20200407
 * endpointMap); every other region is served by `cas.aliyuncs.com`, whose region is cn-hangzhou.
 */
export const CAS_REGIONAL_ENDPOINTS: ReadonlySet<string> = new Set(['ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-south-1', 'eu-central-1', 'me-east-1']);
/** The region of the central endpoint `cas.aliyuncs.com`. */
export const CAS_CENTRAL_REGION = 'cn-hangzhou';

/** The CAS region that serves certificates for `region`: itself where it has an endpoint, else the central one. */
export function casRegionFor(region: string): string {
  return CAS_REGIONAL_ENDPOINTS.has(region) ? region : CAS_CENTRAL_REGION;
}

/** BSS on the international site (Terraform BssOpenAPIEndpointInternational). */
export type BssSite = 'china' | 'international';

/** The public host of a product in a region. Pure. */
export function realHost(product: EndpointProduct, region: string, options: { readonly bssSite?: BssSite } = {}): string {
  switch (product) {
    case 'cr':
    case 'crpe':
      return `cr.${region}.aliyuncs.com`;
    case 'ram':
      return 'ram.aliyuncs.com';
    case 'sts':
      return 'sts.aliyuncs.com';
    case 'bss':
      // The session asks for the international site's BSS by its region (bss.ts BSS_INTERNATIONAL_REGION).
      return options.bssSite === 'international' || region === BSS_INTERNATIONAL_REGION ? 'business.ap-southeast-1.aliyuncs.com' : 'business.aliyuncs.com';
    case 'cbn':
      return 'cbn.aliyuncs.com';
    case 'pvtz':
      return 'pvtz.aliyuncs.com';
    case 'cas':
      return CAS_REGIONAL_ENDPOINTS.has(region) ? `cas.${region}.aliyuncs.com` : 'cas.aliyuncs.com';
    case 'vpc':
      return VPC_CENTRAL_REGIONS.has(region) ? 'vpc.aliyuncs.com' : `vpc.${region}.aliyuncs.com`;
    case 'oss':
      return `oss-${region}.aliyuncs.com`;
  }
}

/** Resolver for the vendor's real endpoints. */
export function realEndpoints(options: { readonly bssSite?: BssSite } = {}): EndpointResolver {
  return {
    emulated: false,
    resolve: (product, region) => Promise.resolve({ endpoint: realHost(product, region, options), protocol: 'https' }),
    registry: (target) => Promise.resolve(target.kind === 'pe' ? { base: `https://${personalRegistryHost(target.region, target.site, target.network)}` } : undefined),
  };
}

export type FetchFn = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}>;

/** Normalises an emulator base URL given by the user (`http://127.0.0.1:4000/` → `http://127.0.0.1:4000`). */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AcrctlError('cloud.endpoint', `invalid endpoint URL ${JSON.stringify(raw)}`, {
      hint: 'give the emulator base URL, e.g. --endpoint http://127.0.0.1:4000',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AcrctlError('cloud.endpoint', `endpoint URL must be http or https, got ${url.protocol}`);
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Resolver for a running emulator at `baseUrl`. Each (product, region) costs one admin call, once.
 * Concurrent first requests for the same key share one call.
 */
export function emulatorEndpoints(baseUrl: string, options: { readonly fetch?: FetchFn } = {}): EndpointResolver {
  const base = normaliseBaseUrl(baseUrl);
  const fetchFn: FetchFn = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const cache = new Map<string, Promise<ResolvedEndpoint>>();
  const lookup = async (product: EndpointProduct, region: string): Promise<ResolvedEndpoint> => {
    const url = `${base}/_emulator/endpoint?product=${encodeURIComponent(product)}&region=${encodeURIComponent(region)}`;
    let res: Awaited<ReturnType<FetchFn>>;
    try {
      res = await fetchFn(url, { method: 'GET' });
    } catch (err) {
      throw new AcrctlError('cloud.endpoint', `cannot reach the emulator at ${base}`, {
        cause: err,
        hint: 'start it with `acrctl emulator` or use --emulator for the embedded mode',
      });
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new AcrctlError('cloud.endpoint', `the emulator at ${base} has no endpoint for ${product} in ${region} (HTTP ${res.status})`, {
        detail: text.slice(0, 300),
      });
    }
    const body = await res.json();
    const endpoint = extractEndpoint(body);
    if (endpoint === undefined) {
      throw new AcrctlError('cloud.endpoint', `the emulator at ${base} answered an endpoint lookup without an endpoint`);
    }
    return { endpoint, protocol: 'http' };
  };
  return {
    emulated: true,
    resolve(product, region) {
      const key = `${product}\u0000${region}`;
      let p = cache.get(key);
      if (!p) {
        p = lookup(product, region);
        cache.set(key, p);
        // A failed lookup is not cached: the next call tries again.
        p.catch(() => cache.delete(key));
      }
      return p;
    },
    registry: emulatorRegistryLookup(base, fetchFn),
  };
}

/**
 * `GET <base>/_emulator/registry?instance=ID|personal=REGION` → `{ base: 'http://127.0.0.1:PORT' }`,
 * once per registry (a failed lookup is not cached).
 */
export function emulatorRegistryLookup(baseUrl: string, fetchFn: FetchFn = (url, init) => globalThis.fetch(url, init)): (target: RegistryLocator) => Promise<ResolvedRegistry> {
  const base = normaliseBaseUrl(baseUrl);
  const cache = new Map<string, Promise<ResolvedRegistry>>();
  const lookup = async (target: RegistryLocator): Promise<ResolvedRegistry> => {
    const query = `${target.kind === 'ee' ? `instance=${encodeURIComponent(target.instanceId)}` : `personal=${encodeURIComponent(target.region)}`}${target.network !== undefined ? `&network=${target.network}` : ''}`;
    const what = target.kind === 'ee' ? `instance ${target.instanceId}` : `the Personal Edition registry of ${target.region}`;
    let res: Awaited<ReturnType<FetchFn>>;
    try {
      res = await fetchFn(`${base}/_emulator/registry?${query}`, { method: 'GET' });
    } catch (err) {
      throw new AcrctlError('cloud.endpoint', `cannot reach the emulator at ${base}`, { cause: err });
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new AcrctlError('cloud.endpoint', `the emulator at ${base} has no registry for ${what} (HTTP ${res.status})`, { detail: text.slice(0, 300) });
    }
    const body = (await res.json()) as { registry?: unknown };
    if (typeof body.registry !== 'string' || body.registry === '') {
      throw new AcrctlError('cloud.endpoint', `the emulator at ${base} answered a registry lookup without a registry`);
    }
    return { base: `http://${body.registry.replace(/^https?:\/\//, '').replace(/\/+$/, '')}` };
  };
  return (target) => {
    const key = `${target.kind === 'ee' ? `ee\u0000${target.instanceId}` : `pe\u0000${target.region}`}\u0000${target.network ?? ''}`;
    let p = cache.get(key);
    if (!p) {
      p = lookup(target);
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    return p;
  };
}

/** Accepts `{endpoint:"127.0.0.1:PORT"}`, `{host, port}` or `{url:"http://127.0.0.1:PORT"}`. */
function extractEndpoint(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b['endpoint'] === 'string' && b['endpoint'] !== '') return b['endpoint'].replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (typeof b['url'] === 'string' && b['url'] !== '') return b['url'].replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (typeof b['host'] === 'string' && (typeof b['port'] === 'number' || typeof b['port'] === 'string')) return `${b['host']}:${String(b['port'])}`;
  return undefined;
}

/** A resolver that answers fixed endpoints; for tests and for `startEmulator().endpoint`. */
export function fixedEndpoints(
  resolve: (product: EndpointProduct, region: string) => Promise<string> | string,
  protocol: 'http' | 'https' = 'http',
  options: { readonly registry?: (target: RegistryLocator) => Promise<ResolvedRegistry | undefined> } = {},
): EndpointResolver {
  const cache = new Map<string, Promise<ResolvedEndpoint>>();
  return {
    ...(options.registry !== undefined ? { registry: options.registry } : {}),
    emulated: protocol === 'http',
    resolve(product, region) {
      const key = `${product}\u0000${region}`;
      let p = cache.get(key);
      if (!p) {
        p = Promise.resolve(resolve(product, region)).then((endpoint) => ({ endpoint, protocol }));
        cache.set(key, p);
        p.catch(() => cache.delete(key));
      }
      return p;
    },
  };
}
