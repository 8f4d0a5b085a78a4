/**
 * The drift report as data: what `acrctl drift` computes from a plan (and, for replication health,
 * the tags of the live rules), renders as text, Markdown or JSON, and turns into an exit code.
 *
 * Owns: the report's shape (mirrored by schemas/drift.schema.json, formatVersion 1), what counts as
 * drift, and the exact fix command for each finding. Pure: must not import any `node:` module or
 * cloud client. Invariants of a report value:
 * - JSON-serialisable; no secrets; no timestamp of its own (the only times in it are push times read
 *   from the live estate), so two runs on the same estate give the same bytes;
 * - every list sorted by address;
 * - `status` and `exitCode` agree: clean 0, drift 2, error 1 (never mixed).
 *
 * What counts as drift (docs/drift.md says it for users):
 * - changes: objects whose fields differ (planned update or replace), declared objects that are
 *   missing (planned create), live objects apply would delete under `prune: true`, console-only
 *   switches that moved (gate), and live replication rules whose target misses tags they match;
 * - unmanaged: live objects nobody declared (kept, or pruned when their container prunes);
 * - never drift: backfill tasks (one-off copies of images that predate a rule), which apply runs
 *   and which are listed as such; but an image an import rule still has to copy is `missing`.
 */
import { assertNever } from '../errors.js';
import type { Action, FieldChange, Plan, PlanFinding, UnmanagedObject } from '../plan/model.js';
import { isImageCopy } from '../plan/model.js';

export const FAIL_ON = ['changes', 'unmanaged', 'any'] as const;
/** Which findings make the command exit 2. */
export type FailOn = (typeof FAIL_ON)[number];

/** How a declared object drifted. */
export const DRIFT_CATEGORIES = ['changed', 'missing', 'unexpected', 'switch'] as const;
export type DriftCategory = (typeof DRIFT_CATEGORIES)[number];

/** One changed field: what registry.yaml says, what the live estate has. */
export interface FieldDrift {
  readonly path: string;
  /** Absent when registry.yaml does not set the field (it is only live). */
  readonly desired?: unknown;
  /** Absent when the live object lacks the field. */
  readonly live?: unknown;
  /** How apply would put it back: in place, or by replacing the whole object. */
  readonly impact: FieldChange['impact'];
  /** Display only. */
  readonly note?: string;
}

/** Where an object lives, for the on-call engineer: account (alias and UID), region, instance. */
export interface Location {
  readonly account: string;
  /** The account's UID as declared in registry.yaml (absent for accounts it does not declare). */
  readonly accountUid?: string;
  readonly region: string;
  /** Alias of the instance in registry.yaml. */
  readonly instance?: string;
  /** The instance's name in the cloud (console). */
  readonly instanceName?: string;
}

/** One object that drifted. */
export interface DriftedObject extends Location {
  readonly address: string;
  readonly kind: string;
  readonly category: DriftCategory;
  /** One line saying what happened, e.g. "2 fields differ from registry.yaml: summary, type". */
  readonly headline: string;
  /** Changed fields (category changed or switch). */
  readonly fields: readonly FieldDrift[];
  /** What registry.yaml asks for (category missing). */
  readonly desired?: Readonly<Record<string, unknown>>;
  /** What the live object has (category unexpected). */
  readonly live?: Readonly<Record<string, unknown>>;
  /** Cloud ids of the live object (instanceId, repoId, …), to find it in the console. */
  readonly ids?: Readonly<Record<string, string>>;
  /** Display only: why a derived object exists. */
  readonly reason?: string;
  /** The command that puts the live estate back as registry.yaml says. */
  readonly fix: string;
  /** Display only: the other way out (change registry.yaml to the live value). */
  readonly alternative?: string;
}

/** A live object no one declared. */
export interface UnmanagedDrift extends Location {
  readonly address: string;
  readonly kind: string;
  /** The declared container that holds it. */
  readonly container: string;
  /** True when apply would delete it (the container has `prune: true`); it is then also listed as `unexpected`. */
  readonly pruned: boolean;
  /** What to do: declare it, or delete it. */
  readonly fix: string;
}

/** One source tag the target does not have (or has with another digest). */
export interface MissingTag {
  /** `namespace/repository:tag`. */
  readonly image: string;
  readonly digest: string;
  /** When it was pushed to the source (ISO 8601, UTC), when the service says. */
  readonly pushedAt?: string;
  /** `missing`: not in the target; `stale`: in the target with another digest. */
  readonly state: 'missing' | 'stale';
}

/** The health of one live replication rule: does the target have what the rule matches? */
export interface ReplicationHealth {
  /** The rule's address. */
  readonly address: string;
  readonly source: Location;
  readonly target: Location;
  readonly namespace: string;
  readonly repository?: string;
  readonly tagFilter: string;
  readonly trigger: 'automatic' | 'manual';
  /** Source tags matching the filter. */
  readonly sourceTags: number;
  readonly missing: number;
  readonly stale: number;
  /** Counted as drift: an automatic rule whose target misses or holds stale tags. */
  readonly healthy: boolean;
  /** Push time of the oldest tag behind (ISO 8601): the drift is at least this old. */
  readonly behindSince?: string;
  /** The newest tags behind, at most {@link MAX_EXAMPLES}. */
  readonly examples: readonly MissingTag[];
  /** How many of the tags behind the plan's backfill tasks would copy. */
  readonly backfillPlanned: number;
  /** What to do. */
  readonly fix: string;
}

/** Work apply would do that is not drift. */
export interface NotDrift {
  /** Backfill copies (one-off sync tasks of images that predate a rule). */
  readonly backfillTasks: number;
}

export interface DriftSummary {
  readonly changed: number;
  readonly missing: number;
  readonly unexpected: number;
  readonly switches: number;
  readonly unmanaged: number;
  readonly replicationBehind: number;
  readonly tagsBehind: number;
}

export type DriftStatus = 'clean' | 'drift' | 'error';

export interface DriftReport {
  readonly formatVersion: 1;
  /** Always true: drift makes no mutating call. */
  readonly readOnly: true;
  /** Display only: the config file as given. */
  readonly configFile: string;
  readonly configDigest: string;
  readonly liveFingerprint: string;
  /** Display only. */
  readonly acrctlVersion: string;
  readonly failOn: FailOn;
  /** Display only: the connection flags (`--emulator`, `--endpoint URL`) the fix commands repeat. */
  readonly connection: readonly string[];
  readonly status: DriftStatus;
  readonly exitCode: 0 | 1 | 2;
  readonly summary: DriftSummary;
  readonly objects: readonly DriftedObject[];
  readonly unmanaged: readonly UnmanagedDrift[];
  readonly replication: readonly ReplicationHealth[];
  readonly notDrift: NotDrift;
  readonly findings: readonly PlanFinding[];
}

export const MAX_EXAMPLES = 10;

/** What the CLI hands over besides the plan. */
export interface ReportInput {
  readonly plan: Plan;
  readonly failOn: FailOn;
  /** Account alias → UID, as declared. */
  readonly accountUids: Readonly<Record<string, string>>;
  /** Instance alias → cloud name, as declared. */
  readonly instanceNames: Readonly<Record<string, string>>;
  readonly replication: readonly ReplicationHealth[];
  /** How the user reached the estate (`--emulator`, `--endpoint URL`), repeated in fix commands. */
  readonly connection?: readonly string[];
}

/** Quotes a shell word when it needs it (addresses contain brackets, which shells glob). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that puts one address back as registry.yaml says: a plan limited to it (and what it
 * needs), saved, then applied exactly as shown. The saved plan is refused by apply if the estate
 * moves in between, so it never does more than the reader saw.
 */
export function fixCommand(configFile: string, addresses: readonly string[], connection: readonly string[] = []): string {
  const conn = connection.map(shellWord).join(' ');
  const c = conn ? ` ${conn}` : '';
  const targets = addresses.map((a) => `--target ${shellWord(a)}`).join(' ');
  return `acrctl plan -f ${shellWord(configFile)}${c} ${targets} --out drift-fix.plan && acrctl apply drift-fix.plan${c}`;
}

function locate(input: ReportInput, account: string, region: string, instance: string | undefined): Location {
  const uid = input.accountUids[account];
  const name = instance === undefined ? undefined : input.instanceNames[instance];
  return {
    account,
    ...(uid !== undefined ? { accountUid: uid } : {}),
    region,
    ...(instance !== undefined ? { instance } : {}),
    ...(name !== undefined ? { instanceName: name } : {}),
  };
}

/** The action types that are drift, and how. `run` (backfill tasks) is not drift. */
export function categoryOf(type: Action['type']): DriftCategory | undefined {
  switch (type) {
    case 'update':
    case 'replace':
      return 'changed';
    case 'create':
      return 'missing';
    case 'delete':
      return 'unexpected';
    case 'gate':
      return 'switch';
    case 'run':
      return undefined;
    default:
      return assertNever(type, 'action type');
  }
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function headline(a: Action, category: DriftCategory, file: string): string {
  switch (category) {
    case 'changed': {
      const paths = a.changes.map((c) => c.path);
      const how = a.type === 'replace' ? '; putting it back replaces the object' : '';
      return `${plural(paths.length, 'field differs', 'fields differ')} from ${file}: ${paths.join(', ')}${how}`;
    }
    case 'missing':
      return a.reason ? `missing: needed because ${a.reason}` : `in ${file} but missing in the live estate`;
    case 'unexpected':
      return `live but not in ${file}; its container has prune: true, so apply would delete it`;
    case 'switch':
      return `a console-only switch is not as ${file} says${a.changes.length > 0 ? ` (${a.changes.map((c) => c.path).join(', ')})` : ''}; apply stops at a gate with instructions`;
    default:
      return assertNever(category, 'drift category');
  }
}

function alternativeOf(category: DriftCategory, file: string, address: string, reason: string | undefined): string {
  switch (category) {
    case 'changed':
    case 'switch':
      return `or, if the live value is right, change ${address} in ${file} to match it`;
    case 'missing':
      return reason !== undefined ? `or change what needs it in ${file} (${reason})` : `or, if it was deleted on purpose, remove it from ${file}`;
    case 'unexpected':
      return `or declare it in ${file} to keep it`;
    default:
      return assertNever(category, 'drift category');
  }
}

/** Builds the report from a plan and the replication health. Pure and deterministic. */
export function buildDriftReport(input: ReportInput): DriftReport {
  const { plan } = input;
  const file = plan.configFile;
  const objects: DriftedObject[] = [];
  let backfillTasks = 0;
  for (const a of plan.actions) {
    // An image an import rule still has to copy is missing in the target: drift, unlike a backfill.
    const category = isImageCopy(a) ? 'missing' : categoryOf(a.type);
    if (category === undefined) {
      backfillTasks++;
      continue;
    }
    const before = { ...(a.before !== undefined ? { spec: a.before } : {}), ...(a.ids !== undefined ? { ids: a.ids } : {}) };
    const alternative = alternativeOf(category, file, a.id, a.reason);
    objects.push({
      address: a.id,
      kind: a.kind,
      category,
      ...locate(input, a.account, a.region, a.instance),
      headline: headline(a, category, file),
      fields: a.changes.map((c) => ({
        path: c.path,
        ...(c.after !== undefined ? { desired: c.after } : {}),
        ...(c.before !== undefined ? { live: c.before } : {}),
        impact: c.impact,
        ...(c.note !== undefined ? { note: c.note } : {}),
      })),
      ...(category === 'missing' && a.after !== undefined ? { desired: a.after } : {}),
      ...(category === 'unexpected' && before.spec !== undefined ? { live: before.spec } : {}),
      ...(before.ids !== undefined ? { ids: before.ids } : {}),
      ...(a.reason !== undefined && category !== 'unexpected' ? { reason: a.reason } : {}),
      fix: fixCommand(file, [a.id], input.connection),
      alternative,
    });
  }
  const pruned = new Set(objects.filter((o) => o.category === 'unexpected').map((o) => o.address));
  const unmanaged: UnmanagedDrift[] = [
    ...plan.unmanaged.map((u: UnmanagedObject) => ({
      address: u.id,
      kind: u.kind,
      ...locate(input, u.account, u.region, u.instance),
      container: u.container,
      pruned: false,
      fix: `declare it in ${file} to manage it, or delete it in the console; with prune: true on ${u.container}, acrctl apply deletes it`,
    })),
    ...objects
      .filter((o) => pruned.has(o.address))
      .map((o) => ({
        address: o.address,
        kind: o.kind,
        ...locate(input, o.account, o.region, o.instance),
        container: containerOf(plan, o.address),
        pruned: true,
        fix: o.fix,
      })),
  ].sort((a, b) => compare(a.address, b.address));
  const replication = [...input.replication].sort((a, b) => compare(a.address, b.address));
  const behind = replication.filter((r) => !r.healthy);
  const count = (c: DriftCategory) => objects.filter((o) => o.category === c).length;
  const summary: DriftSummary = {
    changed: count('changed'),
    missing: count('missing'),
    unexpected: count('unexpected'),
    switches: count('switch'),
    unmanaged: unmanaged.length,
    replicationBehind: behind.length,
    tagsBehind: behind.reduce((n, r) => n + r.missing + r.stale, 0),
  };
  // A finding a plan may go on with (its apply fixes it) can still be an error for drift.
  const findings = plan.findings.map((f) => (f.drift === 'error' && f.severity !== 'error' ? { ...f, severity: 'error' as const } : f));
  const errors = findings.some((f) => f.severity === 'error');
  const drifted = isDrift(summary, input.failOn);
  const status: DriftStatus = errors ? 'error' : drifted ? 'drift' : 'clean';
  return {
    formatVersion: 1,
    readOnly: true,
    configFile: file,
    configDigest: plan.configDigest,
    liveFingerprint: plan.liveFingerprint,
    acrctlVersion: plan.acrctlVersion,
    failOn: input.failOn,
    connection: [...(input.connection ?? [])],
    status,
    exitCode: status === 'error' ? 1 : status === 'drift' ? 2 : 0,
    summary,
    objects,
    unmanaged,
    replication,
    notDrift: { backfillTasks },
    findings,
  };
}

/** Whether the summary is drift under `--fail-on`. Pruned objects are both changes and unmanaged. */
export function isDrift(s: DriftSummary, failOn: FailOn): boolean {
  const changes = s.changed + s.missing + s.unexpected + s.switches + s.replicationBehind > 0;
  const unmanaged = s.unmanaged > 0;
  switch (failOn) {
    case 'changes':
      return changes;
    case 'unmanaged':
      return unmanaged;
    case 'any':
      return changes || unmanaged;
    default:
      return assertNever(failOn, '--fail-on value');
  }
}

function containerOf(plan: Plan, address: string): string {
  const a = plan.actions.find((x) => x.id === address);
  const reason = a?.reason ?? '';
  const m = /; (.+) has prune: true$/.exec(reason);
  // Display only either way: the planner names the container in the delete's reason; else the parent.
  return m?.[1] ?? address.slice(0, Math.max(0, address.lastIndexOf('.')));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
