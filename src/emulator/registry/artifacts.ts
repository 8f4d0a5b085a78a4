/**
 * What a repository holds on the data plane, as plain JSON kept on the control-plane repository
 * record (cr `RepoRecord.artifacts`, Personal Edition `PeRepo.artifacts`): the blobs linked into it
 * and the manifests pushed to it, by digest. The bytes themselves live in the content-addressed
 * blob store (`blobstore.ts`); tags stay where the control plane keeps them (`tags`), so a push is
 * one tag record, seen alike by ListRepoTag and by `GET /v2/<name>/tags/list`.
 *
 * Owns: the metadata shape, manifest parsing (which digests a manifest references) and copying a
 * manifest with everything it references from one repository to another (sync tasks). Pure: no
 * I/O, no `node:` import, so the cr model can call it inside `settle()`.
 *
 * Invariants: digests are `sha256:<64 hex>`; a manifest is recorded only once every blob and child
 * manifest it references is recorded in the same repository (MANIFEST_BLOB_UNKNOWN otherwise).
 */

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

export type ManifestMediaType = (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES];

const KNOWN_TYPES: readonly string[] = Object.values(MEDIA_TYPES);

/** One manifest stored in a repository. */
export interface ManifestMeta {
  mediaType: ManifestMediaType;
  /** Bytes of the manifest itself. */
  size: number;
  /** Blobs it references (config and layers, foreign layers excluded), in manifest order. */
  blobs: string[];
  /** Child manifests (index / manifest list), in manifest order. */
  children: string[];
  /** Config digest for image manifests: the image id. */
  config?: string;
}

export interface RepoArtifacts {
  /** Blob digest → size in bytes, for every blob linked into the repository. */
  blobs: Record<string, number>;
  manifests: Record<string, ManifestMeta>;
}

/** A repository record that can carry artifacts (cr RepoRecord and Personal Edition PeRepo do). */
export interface HasArtifacts {
  artifacts?: RepoArtifacts;
}

export const DIGEST_FULL_RE = /^sha256:[0-9a-f]{64}$/;

export function artifactsOf(repo: HasArtifacts): RepoArtifacts {
  return (repo.artifacts ??= { blobs: {}, manifests: {} });
}

export function hasBlob(repo: HasArtifacts, digest: string): boolean {
  return repo.artifacts?.blobs[digest] !== undefined;
}

export function manifestOf(repo: HasArtifacts, digest: string): ManifestMeta | undefined {
  return repo.artifacts?.manifests[digest];
}

/** Why a manifest body cannot be stored, as a distribution error code and message. */
export class ManifestProblem extends Error {
  override readonly name = 'ManifestProblem';
  constructor(
    readonly code: 'MANIFEST_INVALID' | 'MANIFEST_BLOB_UNKNOWN',
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

function descriptorDigest(d: unknown, where: string): string {
  const digest = typeof d === 'object' && d !== null ? (d as Record<string, unknown>)['digest'] : undefined;
  if (typeof digest !== 'string' || !DIGEST_FULL_RE.test(digest)) {
    throw new ManifestProblem('MANIFEST_INVALID', `${where} has no valid sha256 digest`);
  }
  return digest;
}

function isForeign(d: unknown): boolean {
  const urls = typeof d === 'object' && d !== null ? (d as Record<string, unknown>)['urls'] : undefined;
  return Array.isArray(urls) && urls.length > 0;
}

/**
 * Parses a manifest body sent with `contentType` (may be empty): its media type and references.
 * Throws ManifestProblem MANIFEST_INVALID for anything that is not a schema 2 manifest, manifest
 * list, OCI manifest or OCI index (schema 1 included).
 */
export function parseManifest(text: string, contentType: string): Omit<ManifestMeta, 'size'> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ManifestProblem('MANIFEST_INVALID', 'the manifest is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ManifestProblem('MANIFEST_INVALID', 'the manifest is not a JSON object');
  const m = body as Record<string, unknown>;
  if (m['schemaVersion'] !== 2) throw new ManifestProblem('MANIFEST_INVALID', 'only schemaVersion 2 manifests are accepted (schema 1 is not supported)');
  const header = contentType.split(';')[0]?.trim() ?? '';
  const declared = typeof m['mediaType'] === 'string' ? m['mediaType'] : undefined;
  let mediaType: string;
  if (KNOWN_TYPES.includes(header)) {
    if (declared !== undefined && declared !== header) {
      throw new ManifestProblem('MANIFEST_INVALID', `the manifest declares mediaType ${declared} but was sent as ${header}`);
    }
    mediaType = header;
  } else if (declared !== undefined) mediaType = declared;
  else mediaType = Array.isArray(m['manifests']) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
  if (!KNOWN_TYPES.includes(mediaType)) throw new ManifestProblem('MANIFEST_INVALID', `unsupported manifest media type ${mediaType}`);
  const type = mediaType as ManifestMediaType;
  if (type === MEDIA_TYPES.dockerList || type === MEDIA_TYPES.ociIndex) {
    const list = m['manifests'];
    if (!Array.isArray(list)) throw new ManifestProblem('MANIFEST_INVALID', 'an index needs a "manifests" array');
    return { mediaType: type, blobs: [], children: list.map((d, i) => descriptorDigest(d, `manifests[${i}]`)) };
  }
  const config = descriptorDigest(m['config'], 'config');
  const layers = m['layers'];
  if (!Array.isArray(layers)) throw new ManifestProblem('MANIFEST_INVALID', 'an image manifest needs a "layers" array');
  const blobs = [config];
  layers.forEach((d, i) => {
    const digest = descriptorDigest(d, `layers[${i}]`);
    if (!isForeign(d)) blobs.push(digest);
  });
  return { mediaType: type, blobs, children: [], config };
}

/** Throws MANIFEST_BLOB_UNKNOWN for the first reference the repository does not hold. */
export function checkReferences(repo: HasArtifacts, parsed: Omit<ManifestMeta, 'size'>): void {
  for (const b of parsed.blobs) {
    if (!hasBlob(repo, b)) throw new ManifestProblem('MANIFEST_BLOB_UNKNOWN', `blob ${b} is unknown to this repository`, { digest: b });
  }
  for (const c of parsed.children) {
    if (manifestOf(repo, c) === undefined) throw new ManifestProblem('MANIFEST_BLOB_UNKNOWN', `manifest ${c} is unknown to this repository: push the children of an index first`, { digest: c });
  }
}

/** Every digest a manifest needs, itself included: manifests first-seen order, then their blobs. */
export function closure(repo: HasArtifacts, digest: string): { manifests: string[]; blobs: string[] } {
  const manifests: string[] = [];
  const blobs = new Set<string>();
  const seen = new Set<string>();
  const visit = (d: string): void => {
    if (seen.has(d)) return;
    seen.add(d);
    const meta = manifestOf(repo, d);
    if (meta === undefined) return;
    for (const c of meta.children) visit(c);
    for (const b of meta.blobs) blobs.add(b);
    manifests.push(d);
  };
  visit(digest);
  return { manifests, blobs: [...blobs] };
}

/**
 * Bytes an image occupies: the manifest, its child manifests and every distinct blob they
 * reference (what a copy into an empty registry moves). 0 when the manifest is unknown.
 */
export function imageSize(repo: HasArtifacts, digest: string): number {
  const a = repo.artifacts;
  if (a === undefined) return 0;
  const c = closure(repo, digest);
  let total = 0;
  for (const m of c.manifests) total += a.manifests[m]?.size ?? 0;
  for (const b of c.blobs) total += a.blobs[b] ?? 0;
  return total;
}

/**
 * Links a manifest and everything it references from `from` into `to` (a sync copy; the blob
 * store is shared, so no bytes move). Returns false, changing nothing, when `from` lacks the
 * manifest or part of its closure (a tag seeded without data-plane content).
 */
export function copyImage(from: HasArtifacts, to: HasArtifacts, digest: string): boolean {
  const src = from.artifacts;
  if (src === undefined || src.manifests[digest] === undefined) return false;
  const c = closure(from, digest);
  if (c.blobs.some((b) => src.blobs[b] === undefined)) return false;
  for (const m of c.manifests) if (src.manifests[m] === undefined) return false;
  const dst = artifactsOf(to);
  for (const b of c.blobs) dst.blobs[b] = src.blobs[b] as number;
  for (const m of c.manifests) dst.manifests[m] = structuredCloneMeta(src.manifests[m] as ManifestMeta);
  return true;
}

function structuredCloneMeta(m: ManifestMeta): ManifestMeta {
  const out: ManifestMeta = { mediaType: m.mediaType, size: m.size, blobs: [...m.blobs], children: [...m.children] };
  if (m.config !== undefined) out.config = m.config;
  return out;
}
