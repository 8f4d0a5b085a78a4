/**
 * The secrets earlier runs set, read from a run store (local `.acrctl/runs` or OSS) for the
 * write-only kinds (src/kinds/login-password.ts): at plan time, "did acrctl already set this very
 * password on this instance?" can only be answered by the journals.
 *
 * A journal's intent record for a write-only call carries `secretDigest` (a salted hash, never the
 * value) and the `instanceId` it is set on; when the same action's `done` record follows, that
 * digest is what the run set. Runs are read in id order (start time), so the newest finished set
 * wins. Intents without a `done` (a crash mid-call) record nothing: the next plan sets the value
 * again, which is what a write-only idempotent call needs. Read only, and only when a kind asks
 * (every journal once per plan): a configuration without write-only secrets
 * never reads the store here.
 */
import { parseJournal } from '../apply/journal.js';
import type { RunStore } from '../apply/runs.js';
import type { AppliedSecret, SecretHistory } from '../kinds/login-password.js';

interface Scan {
  readonly where: string;
  readonly last: ReadonlyMap<string, AppliedSecret>;
}

const keyOf = (call: string, resourceId: string) => `${call}\u0000${resourceId}`;

/** Every finished write-only set recorded in `store`'s journals, newest run last. */
export async function readAppliedSecrets(store: RunStore): Promise<Scan> {
  const last = new Map<string, AppliedSecret>();
  for (const runId of await store.listRuns()) {
    const text = await store.readJournal(runId);
    if (text === undefined) continue;
    const pending = new Map<string, { call: string; resourceId: string; digest: string }>();
    for (const r of parseJournal(text).records) {
      if (r.t === 'start') pending.delete(r.id);
      else if (r.t === 'intent') {
        const digest = r.detail?.['secretDigest'];
        const resourceId = r.detail?.['instanceId'];
        if (typeof digest === 'string' && typeof resourceId === 'string') pending.set(r.id, { call: r.call, resourceId, digest });
      } else if (r.t === 'done') {
        const p = pending.get(r.id);
        if (p !== undefined) last.set(keyOf(p.call, p.resourceId), { runId, digest: p.digest });
        pending.delete(r.id);
      }
    }
  }
  return { where: store.where, last };
}

/** A {@link SecretHistory} over the store `open` gives (opened on the first read, read afresh each time). */
export function storeSecretHistory(open: () => Promise<RunStore>): SecretHistory {
  let store: Promise<RunStore> | undefined;
  return {
    read: async () => {
      const scan = await readAppliedSecrets(await (store ??= open()));
      return { where: scan.where, lookup: (call, resourceId) => scan.last.get(keyOf(call, resourceId)) };
    },
  };
}
