/**
 * The secrets and write-only values earlier runs set, read from a run store (local `.acrctl/runs`
 * or OSS) for the kinds that cannot read back what they write (src/kinds/write-history.ts: the login
 * password, event rule configurations): at plan time, "did acrctl already send this very value to
 * this resource?" can only be answered by the journals.
 *
 * A journal's intent record for such a call carries `secretDigest` (a salted hash, never the
 * value) and the resource it is sent to (`resourceId`, or `instanceId`); when the same action's
 * `done` record follows, that digest is what the run set. Runs are read in id order (start time),
 * so the newest finished set wins. Intents without a `done` (a crash mid-call) record nothing: the
 * next plan sets the value again, which is what a write-only idempotent call needs. Read only, and
 * only when a kind asks (every journal once per plan): a configuration without write-only values
 * never reads the store here.
 */
import { parseJournal } from '../apply/journal.js';
import type { RunStore } from '../apply/runs.js';
import { digestResource, type AppliedSecret, type SecretHistory } from '../kinds/write-history.js';

interface Scan {
  readonly where: string;
  readonly last: ReadonlyMap<string, AppliedSecret>;
}

const keyOf = (call: string, resourceId: string) => `${call}\u0000${resourceId}`;

/**
 * Every finished write-only set recorded in `store`'s journals, the newest per resource: the one
 * whose call was announced last (the intent's `at`; the run's start for records without one). Run
 * ids order runs by start time to the second only, so two runs in one second are ordered by it.
 */
export async function readAppliedSecrets(store: RunStore): Promise<Scan> {
  const last = new Map<string, AppliedSecret & { readonly at: number }>();
  for (const runId of await store.listRuns()) {
    const text = await store.readJournal(runId);
    if (text === undefined) continue;
    const pending = new Map<string, { call: string; resourceId: string; digest: string; at: number }>();
    let started = 0;
    for (const r of parseJournal(text).records) {
      if (r.t === 'run') started = Date.parse(r.startedAt) || 0;
      else if (r.t === 'start') pending.delete(r.id);
      else if (r.t === 'intent') {
        const digest = r.detail?.['secretDigest'];
        const resourceId = digestResource(r.detail);
        if (typeof digest === 'string' && typeof resourceId === 'string') pending.set(r.id, { call: r.call, resourceId, digest, at: r.at ?? started });
      } else if (r.t === 'done') {
        const p = pending.get(r.id);
        const key = p === undefined ? undefined : keyOf(p.call, p.resourceId);
        if (p !== undefined && key !== undefined && p.at >= (last.get(key)?.at ?? -Infinity)) last.set(key, { runId, digest: p.digest, at: p.at });
        pending.delete(r.id);
      }
    }
  }
  return { where: store.where, last: new Map([...last].map(([k, v]) => [k, { runId: v.runId, digest: v.digest }] as const)) };
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
