/**
 * Manifests as a copy sees them: which blobs an image manifest references and which child
 * manifests an index or list references. Pure: bytes in, a description out; schema 1 and unknown
 * media types are refused with errors that say what to do.
 */
import { createHash } from 'node:crypto';
import { RegistryError } from './errors.js';
import { MEDIA_TYPES } from './types.js';

export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** A content descriptor (`{mediaType, digest, size}`) of a manifest. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export type ParsedManifest =
  | { readonly kind: 'image'; readonly mediaType: string; readonly blobs: readonly Descriptor[] }
  | { readonly kind: 'index'; readonly mediaType: string; readonly children: readonly Descriptor[] };

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const IMAGE_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest]);
const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex]);
const SCHEMA1_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.dockerSchema1, MEDIA_TYPES.dockerSchema1Signed]);
/** Layers that registries do not hold (Windows base layers served from `urls`): never copied. */
const FOREIGN_LAYER_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

/** True for a Docker schema 1 manifest (by media type, or by body when the type is vague). */
export function isSchema1(mediaType: string, body: unknown): boolean {
  if (SCHEMA1_TYPES.has(mediaType)) return true;
  return typeof body === 'object' && body !== null && (body as { schemaVersion?: unknown }).schemaVersion === 1;
}

function descriptor(raw: unknown, where: string, image: string): Descriptor {
  const d = raw as { mediaType?: unknown; digest?: unknown; size?: unknown } | null;
  if (typeof d !== 'object' || d === null || typeof d.digest !== 'string' || !DIGEST_RE.test(d.digest) || typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new RegistryError('registry.manifest', `the manifest of ${image} has an invalid descriptor at ${where}`, {
      detail: 'descriptors need a sha256 digest and a non-negative integer size',
    });
  }
  return { mediaType: typeof d.mediaType === 'string' ? d.mediaType : '', digest: d.digest, size: d.size };
}

/**
 * Parses manifest bytes. `contentType` is the registry's Content-Type; the body's own `mediaType`
 * decides when the header is vague (`application/json`). `image` names the image in errors.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | null, image: string): ParsedManifest {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new RegistryError('registry.manifest', `the manifest of ${image} is not JSON`);
  }
  const header = (contentType ?? '').split(';')[0]?.trim() ?? '';
  const own = typeof body === 'object' && body !== null && typeof (body as { mediaType?: unknown }).mediaType === 'string' ? ((body as { mediaType: string }).mediaType) : undefined;
  if (isSchema1(header, body) || (own !== undefined && SCHEMA1_TYPES.has(own))) {
    throw new RegistryError('registry.schema1', `${image} is a Docker schema 1 manifest, which acrctl does not copy`, {
      detail: 'schema 1 (application/vnd.docker.distribution.manifest.v1+prettyjws) is deprecated and refused by Enterprise Edition instances',
      hint: 'rebuild and push the image with a current docker, or convert it with `skopeo copy --format v2s2`, then copy again',
    });
  }
  const known = (t: string | undefined): t is string => t !== undefined && (IMAGE_TYPES.has(t) || INDEX_TYPES.has(t));
  let mediaType = known(header) ? header : known(own) ? own : undefined;
  if (mediaType === undefined && typeof body === 'object' && body !== null) {
    // OCI allows omitting mediaType: tell an index from a manifest by its fields.
    const b = body as { manifests?: unknown; config?: unknown };
    if (Array.isArray(b.manifests)) mediaType = MEDIA_TYPES.ociIndex;
    else if (typeof b.config === 'object' && b.config !== null) mediaType = MEDIA_TYPES.ociManifest;
  }
  if (mediaType === undefined) {
    throw new RegistryError('registry.media-type', `${image} has an unsupported manifest media type ${JSON.stringify(own ?? header)}`, {
      detail: 'acrctl copies Docker schema 2 manifests and lists, and OCI manifests and indexes',
    });
  }
  const b = body as { config?: unknown; layers?: unknown; manifests?: unknown };
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(b.manifests)) throw new RegistryError('registry.manifest', `the index of ${image} has no manifests array`);
    return { kind: 'index', mediaType, children: b.manifests.map((m, i) => descriptor(m, `manifests[${i}]`, image)) };
  }
  const blobs: Descriptor[] = [descriptor(b.config, 'config', image)];
  if (b.layers !== undefined) {
    if (!Array.isArray(b.layers)) throw new RegistryError('registry.manifest', `the manifest of ${image} has a layers field that is not an array`);
    b.layers.forEach((l, i) => {
      const d = descriptor(l, `layers[${i}]`, image);
      if (!FOREIGN_LAYER_TYPES.has(d.mediaType)) blobs.push(d);
    });
  }
  return { kind: 'image', mediaType, blobs };
}
