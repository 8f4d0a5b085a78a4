/**
 * Replication health: for each live replication rule, the source tags its filter matches that the
 * target does not have (or has with another digest). A rule only copies what is pushed after it
 * exists (DOMAIN.md 003), and a sync task can fail: either way the target is behind and nothing in
 * the rule's own fields shows it.
 *
 * Owns: the comparison and the advice. Pure: the CLI reads the tags (with the tag kind's List calls,
 * for the repositories in scope only) and hands them in as plain data; must not import `node:`
 * modules or cloud clients.
 */
import type { Re2Matcher } from '../config/lints/re2.js';
import type { Action } from '../plan/model.js';
import { compare, fixCommand, MAX_EXAMPLES, type Location, type MissingTag, type ReplicationHealth } from './model.js';

/** One live rule to check, both ends resolved. */
export interface HealthRule {
  readonly address: string;
  /** The rule's name in registry.yaml. */
  readonly name: string;
  /** Instance aliases. */
  readonly sourceInstance: string;
  readonly targetInstance: string;
  readonly source: Location;
  readonly target: Location;
  readonly namespace: string;
  /** Set for repository-level rules. */
  readonly repository?: string;
  readonly tagFilter: string;
  /** The RE2 filter's matcher of the whole tag (the backfill kind's tagMatcher). */
  readonly match: Re2Matcher;
  readonly trigger: 'automatic' | 'manual';
  /** Whether the rule declares a backfill (then apply copies what predates it). */
  readonly backfill: boolean;
}

/** One live tag, as the tag kind reads it. */
export interface TagEvidence {
  readonly instance: string;
  readonly namespace: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  /** Push time, ms since the epoch; 0 when unknown. */
  readonly updatedAt: number;
}

export interface HealthInput {
  readonly rules: readonly HealthRule[];
  readonly tags: readonly TagEvidence[];
  /** The plan's actions: backfill tasks under a rule's address are counted, not drift. */
  readonly actions: readonly Action[];
  readonly configFile: string;
  readonly connection?: readonly string[];
}

function iso(ms: number): string | undefined {
  return ms > 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Checks every rule. Pure and deterministic; rules sorted by address. */
export function replicationHealth(input: HealthInput): ReplicationHealth[] {
  const byRepo = new Map<string, Map<string, TagEvidence>>();
  const key = (instance: string, ns: string, repo: string) => `${instance}\u0000${ns}\u0000${repo}`;
  for (const t of input.tags) {
    const k = key(t.instance, t.namespace, t.repository);
    let m = byRepo.get(k);
    if (!m) byRepo.set(k, (m = new Map()));
    m.set(t.tag, t);
  }
  const out: ReplicationHealth[] = [];
  for (const r of input.rules) {
    const prefix = key(r.sourceInstance, r.namespace, '');
    const repos = [...byRepo.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .filter((repo) => r.repository === undefined || repo === r.repository)
      .sort(compare);
    let sourceTags = 0;
    const behind: (MissingTag & { updatedAt: number })[] = [];
    // The `backfill.latest` that would copy every tag behind: per repository, the rank (newest
    // first, as the backfill counts) of the oldest tag behind.
    let latestNeeded = 0;
    for (const repo of repos) {
      const matching = [...byRepo.get(key(r.sourceInstance, r.namespace, repo))!.values()]
        .filter((t) => r.match.test(t.tag))
        .sort((a, b) => b.updatedAt - a.updatedAt || compare(a.tag, b.tag));
      sourceTags += matching.length;
      const inTarget = byRepo.get(key(r.targetInstance, r.namespace, repo));
      matching.forEach((t, rank) => {
        const there = inTarget?.get(t.tag);
        if (there !== undefined && there.digest === t.digest) return;
        latestNeeded = Math.max(latestNeeded, rank + 1);
        const pushedAt = iso(t.updatedAt);
        behind.push({
          image: `${r.namespace}/${repo}:${t.tag}`,
          digest: t.digest,
          ...(pushedAt !== undefined ? { pushedAt } : {}),
          state: there === undefined ? 'missing' : 'stale',
          updatedAt: t.updatedAt,
        });
      });
    }
    behind.sort((a, b) => b.updatedAt - a.updatedAt || compare(a.image, b.image));
    const missing = behind.filter((b) => b.state === 'missing').length;
    const stale = behind.length - missing;
    const oldest = behind.reduce<number | undefined>((m, b) => (b.updatedAt > 0 && (m === undefined || b.updatedAt < m) ? b.updatedAt : m), undefined);
    const behindSince = oldest === undefined ? undefined : iso(oldest);
    const backfillPrefix = `${r.address}.backfill[`;
    const backfillPlanned = input.actions.filter((a) => a.type === 'run' && a.id.startsWith(backfillPrefix)).length;
    out.push({
      address: r.address,
      source: r.source,
      target: r.target,
      namespace: r.namespace,
      ...(r.repository !== undefined ? { repository: r.repository } : {}),
      tagFilter: r.tagFilter,
      trigger: r.trigger,
      sourceTags,
      missing,
      stale,
      // A manual rule copies only when someone starts a sync: tags behind are expected, not drift.
      healthy: behind.length === 0 || r.trigger === 'manual',
      ...(behindSince !== undefined ? { behindSince } : {}),
      examples: behind.slice(0, MAX_EXAMPLES).map(({ updatedAt: _, ...m }) => m),
      backfillPlanned,
      fix: adviceFor(r, input, { behind: behind.length, stale, backfillPlanned, latestNeeded }),
    });
  }
  return out.sort((a, b) => compare(a.address, b.address));
}

function adviceFor(r: HealthRule, input: HealthInput, n: { behind: number; stale: number; backfillPlanned: number; latestNeeded: number }): string {
  const apply = fixCommand(input.configFile, [r.address], input.connection);
  if (n.behind === 0) return 'nothing to do';
  if (r.trigger === 'manual') return `manual rule: tags are copied when a sync is started (console: Instance → Repositories → Synchronize), or backfill them: ${apply}`;
  if (n.backfillPlanned >= n.behind) return `the rule's backfill copies them: ${apply}`;
  const overwrite = n.stale > 0 ? ', overwrite: true' : '';
  const what = `set backfill: { latest: ${n.latestNeeded}${overwrite} } on replication rule ${r.name} of instance ${r.sourceInstance} in ${input.configFile}`;
  return `${r.backfill ? 'raise the backfill: ' : ''}${what}, then: ${apply}`;
}
