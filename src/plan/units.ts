/**
 * Units shown to people, in one place so plans, progress lines, reports and drift agree. Pure; imports
 * nothing.
 */

/** Bytes in decimal units: GB from 1 GB up (the console's unit for imports), MB below. */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The first 12 hex digits of a digest, without its `sha256:` prefix. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
