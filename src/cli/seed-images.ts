/**
 * Small container images for `acrctl emulator seed`, generated rather than downloaded, and pushed
 * over the registry protocol with acrctl's own registry client.
 *
 * An image is an OCI image manifest, an OCI config naming its layers' diff ids, and one or two gzip
 * tar layers, each holding one file of pseudo-random bytes (AES-CTR keystream of a seed, so gzip
 * cannot shrink it): an optional shared base layer (the same blob in every image) and a layer of its
 * own that also names the repository and tag. The same inputs always give the same bytes (fixed tar
 * headers, gzip without name or time), so digests are stable across runs and machines, and pushing
 * an image that is already there is a no-op.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AcrctlError } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';

const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Blob {
  readonly digest: string;
  readonly bytes: Buffer;
}

export interface SeedImage {
  readonly repo: string;
  readonly tag: string;
  /** Config and layers. */
  readonly blobs: readonly Blob[];
  readonly manifest: Buffer;
  readonly digest: string;
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** `n` pseudo-random bytes from `seed`: the AES-128-CTR keystream under a key derived from it. */
function noise(seed: string, n: number): Buffer {
  const key = createHash('sha256').update(`acrctl seed image ${seed}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return Buffer.concat([cipher.update(Buffer.alloc(n)), cipher.final()]);
}

/** A ustar archive of one regular file (mode 0644, owner 0:0, mtime 0). */
function tar(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => header.write(text.slice(0, len), at, len, 'ascii');
  const octal = (n: number, len: number) => `${n.toString(8).padStart(len - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(content.length, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const b of header) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

interface Layer extends Blob {
  readonly diffId: string;
}

function layer(name: string, content: Buffer): Layer {
  const archive = tar(name, content);
  const bytes = gzipSync(archive, { level: 6 });
  return { bytes, digest: sha256(bytes), diffId: sha256(archive) };
}

/** The shared base layer of a set of images (`undefined` for 0 bytes). */
export function baseLayer(bytes: number): Layer | undefined {
  return bytes > 0 ? layer('usr/lib/libbase.so', noise('base', bytes)) : undefined;
}

/** One image of `repo:tag`: the shared base (if any) and an own layer of `ownBytes`. */
export function seedImage(repo: string, tag: string, base: Layer | undefined, ownBytes: number): SeedImage {
  const own = layer('srv/app', Buffer.concat([Buffer.from(`${repo}:${tag}\n`), noise(`${repo}:${tag}`, ownBytes)]));
  const layers = base === undefined ? [own] : [base, own];
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.example.repository': repo, 'org.example.tag': tag } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const configBlob = { bytes: config, digest: sha256(config) };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, digest: configBlob.digest, size: config.length },
      layers: layers.map((l) => ({ mediaType: MEDIA.layer, digest: l.digest, size: l.bytes.length })),
    }),
  );
  return { repo, tag, blobs: [configBlob, ...layers], manifest, digest: sha256(manifest) };
}

/**
 * Pushes an image unless its tag already points at it: blobs the repository lacks (POST then PUT
 * with the digest), then the manifest under the tag. Answers whether anything was pushed.
 */
export async function pushImage(client: RegistryClient, image: SeedImage): Promise<'pushed' | 'present'> {
  const scopes = [`repository:${image.repo}:pull,push`];
  const manifestPath = `/v2/${image.repo}/manifests/${image.tag}`;
  const head = await client.send('HEAD', manifestPath, { op: 'manifest.head', scopes, headers: { accept: MEDIA.manifest } });
  await drain(head);
  if (head.status === 200 && head.headers.get('docker-content-digest') === image.digest) return 'present';
  for (const blob of image.blobs) {
    const blobPath = `/v2/${image.repo}/blobs/${blob.digest}`;
    const there = await client.send('HEAD', blobPath, { op: 'blob.head', scopes });
    await drain(there);
    if (there.status === 200) continue;
    const uploads = `/v2/${image.repo}/blobs/uploads/`;
    const start = await client.send('POST', uploads, { op: 'upload.start', scopes });
    const location = start.headers.get('location');
    if (start.status !== 202 || location === null) throw await client.fail('POST', uploads, start, `starting the upload of ${blob.digest}`);
    await drain(start);
    const url = new URL(client.url(location));
    url.searchParams.set('digest', blob.digest);
    const put = await client.send('PUT', `${url.pathname}${url.search}`, {
      op: 'upload.put',
      scopes,
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(blob.bytes),
    });
    if (put.status !== 201) throw await client.fail('PUT', url.pathname, put, `uploading ${blob.digest}`);
    await drain(put);
  }
  const res = await client.send('PUT', manifestPath, { op: 'manifest.put', scopes, headers: { 'content-type': MEDIA.manifest }, body: new Uint8Array(image.manifest) });
  if (res.status !== 201) throw await client.fail('PUT', manifestPath, res, `pushing ${image.repo}:${image.tag}`);
  await drain(res);
  const stored = res.headers.get('docker-content-digest');
  if (stored !== image.digest) throw new AcrctlError('seed.image', `the registry stored ${image.repo}:${image.tag} under ${stored ?? 'no digest'}, not ${image.digest}`);
  return 'pushed';
}

/** Reads an answer's body to its end, so the connection can be reused. */
async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}
