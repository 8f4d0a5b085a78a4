/**
 * Types of the registry data-plane client and the image copy engine.
 *
 * Area note (src/registry/): this folder owns every conversation with a registry's data plane (the
 * OCI Distribution API of EE instances and Personal Edition registries): host resolution, the
 * Bearer token handshake with the temporary credentials of the control plane, streaming blob
 * transfers, manifests, and copying images between registries. It uses src/cloud for the control
 * plane (credentials, endpoints, secrets) and must not import src/config, src/plan, src/kinds,
 * src/apply or src/render. It never prints: callers get results, progress callbacks and typed errors.
 */

/** A registry: an EE instance, or a region's Personal Edition registry of an account. */
export type RegistryTarget =
  | { readonly kind: 'ee'; readonly account: string; readonly region: string; readonly instanceId: string; readonly instanceName: string; readonly network?: RegistryNetwork }
  | { readonly kind: 'pe'; readonly account: string; readonly region: string; readonly network?: RegistryNetwork };

/**
 * Which host of a registry is used: `internet` (`<name>-registry.<region>.cr.aliyuncs.com`,
 * `registry.<region>.aliyuncs.com`) or `vpc` (`<name>-registry-vpc.…`, `registry-vpc.…`: only
 * reachable from a linked VPC). Absent: the internet host (an emulator: its operator's door).
 */
export type RegistryNetwork = 'internet' | 'vpc';

/** An image in a registry. */
export interface ImageRef {
  /** `namespace/repository`. */
  readonly repo: string;
  /** A tag, or a manifest digest `sha256:<hex>`. */
  readonly reference: string;
}

/** Progress of one copy: bytes just moved (a delta, not a running total). */
export interface CopyProgress {
  readonly bytes: number;
}

/**
 * - `copied`: the target tag did not exist and now points at the source digest;
 * - `overwritten`: the target tag pointed at another digest and `overwrite` was on;
 * - `skipped-same-digest`: the target tag already points at the source digest (nothing uploaded);
 * - `skipped-conflict`: the target tag points at another digest and `overwrite` was off (the
 *   target was not touched).
 */
export type CopyOutcome = 'copied' | 'overwritten' | 'skipped-same-digest' | 'skipped-conflict';

export interface CopyResult {
  readonly outcome: CopyOutcome;
  /** The source manifest digest (top level); the target tag points at it after a copy. */
  readonly digest: string;
  /** What the target tag held before, if anything. */
  readonly targetDigest?: string;
  /** Media type of the top-level manifest. */
  readonly mediaType: string;
  /** Sum of config and layer blob sizes over the image (children included) plus the manifests' sizes. */
  readonly bytesTotal: number;
  /** Bytes actually uploaded (blobs skipped or mounted and skipped copies move nothing). */
  readonly bytesMoved: number;
  readonly blobs: { readonly copied: number; readonly skipped: number; readonly mounted: number };
  /** Manifests written (children and top); 0 when skipped. */
  readonly manifests: number;
}

/** The four manifest media types a copy handles, and the legacy one it refuses. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** What a copy sends as `Accept` when reading manifests. */
export const MANIFEST_ACCEPT: readonly string[] = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex];

/** A short printable name of a target, with no secret in it: `ee:acme-hz (cri-…)` / `pe:cn-hangzhou`. */
export function describeTarget(target: RegistryTarget): string {
  const via = target.network === 'vpc' ? ' through its VPC host' : '';
  return target.kind === 'ee' ? `instance ${target.instanceName} (${target.instanceId}, ${target.region})${via}` : `Personal Edition registry ${target.region} of ${target.account}${via}`;
}

/** A stable cache key of a target. */
export function targetKey(target: RegistryTarget): string {
  return `${target.kind === 'ee' ? `ee|${target.account}|${target.region}|${target.instanceId}` : `pe|${target.account}|${target.region}`}${target.network !== undefined ? `|${target.network}` : ''}`;
}
