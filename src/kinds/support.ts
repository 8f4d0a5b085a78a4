/**
 * Helpers every kind module may use, whatever its product: vendor error codes, bounded parallel
 * maps, the "exists with another spec" failure. Pure helpers with no knowledge of any one kind; a
 * kind's own helpers stay in its module, and what a child needs of its container (the instance's
 * running instances and ids) is exported by the container's kind.
 */
import { CloudApiError } from '../cloud/errors.js';
import { AcrctlError } from '../errors.js';
import type { FieldChange } from '../plan/model.js';

/** The vendor code of a failed cloud call (`NAMESPACE_NOT_EXIST`, `InstanceNameDuplicate`, …). */
export function vendorCode(err: unknown): string | undefined {
  return err instanceof CloudApiError ? err.vendorCode : undefined;
}

/** True when a cloud call failed because the object it names does not exist. */
export function isNotFound(err: unknown): boolean {
  return err instanceof CloudApiError && err.failure === 'not-found';
}

/** Maps with at most `limit` calls in flight (the session also rate-limits per product). Order kept. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Throws when an object found during create exists with another spec than the one asked for. */
export function existsDifferent(id: string, changes: readonly FieldChange[]): never {
  throw new AcrctlError('apply.exists_different', `${id} already exists with a different configuration (${changes.map((c) => c.path).join(', ')})`, {
    address: id,
    hint: 'something else created it since the plan was made: run acrctl plan again to see the update it needs',
  });
}
