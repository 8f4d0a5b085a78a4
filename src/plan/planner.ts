/**
 * The planner: desired objects (from the config, through the kinds) and live objects (read through
 * the kinds) in, a Plan value out. It knows no kind by name.
 *
 * Owns: matching by address, classifying actions, unmanaged objects and pruning, dependency edges,
 * `--target` selection, the live fingerprint and the plan id. Must not import `node:` modules or
 * cloud clients: hashing is injected and all I/O happens inside the kinds' `read`.
 *
 * Edge rules (generic, from each object's `requires`):
 * - create/update/replace/run/gate of X waits for every non-delete action on an object X requires;
 * - delete of X waits for the delete of every object that requires X (children and rules go first,
 *   so a sync rule is deleted before the namespace it copies into);
 * - nothing else is ordered, so independent branches run in parallel.
 */
import { AcrctlError } from '../errors.js';
import { Dag } from '../graph/dag.js';
import { compareSpec } from './compare.js';
import type { DesiredObject, Diff, Kind, LiveObject } from './kind.js';
import type { CloudSession } from '../cloud/session.js';
import type { RegistryDocument } from '../config/model.js';
import { closest } from '../config/suggest.js';
import { canonical } from './canonical.js';
import { VERSION } from '../version.js';
import {
  type Action,
  type ActionType,
  type Plan,
  type PlanFinding,
  type PlanOutput,
  type UnmanagedObject,
  PLAN_FORMAT_VERSION,
  summarise,
  targetMatches,
} from './model.js';
import { normaliseValues, publicPlan, scrubText, sensitiveFields, stringsAt } from './sensitive.js';

export interface PlanInput {
  readonly config: RegistryDocument;
  /** sha256 of the config bytes after interpolation. */
  readonly configDigest: string;
  /** Display only: the config file as given. */
  readonly configFile: string;
  readonly kinds: readonly Kind[];
  /** Passed through to the kinds' read. */
  readonly cloud: CloudSession;
  /** Findings from validation and lints, carried into the plan for reviewers. */
  readonly findings?: readonly PlanFinding[];
  /** `--target` addresses; empty or absent = everything. */
  readonly targets?: readonly string[];
  /** Hex sha256 of a string (node:crypto in the CLI; injected so this module stays pure). */
  readonly sha256: (text: string) => string;
  /**
   * Values that must never be shown (the config loader's: values interpolated from secret-looking
   * environment variables). Fields holding one are marked sensitive (src/plan/sensitive.ts).
   */
  readonly sensitiveValues?: readonly string[];
}

/** Computes the plan. Reads live state through the kinds; changes nothing. */
export async function computePlan(input: PlanInput): Promise<Plan> {
  const kinds = new Map(input.kinds.map((k) => [k.name, k] as const));
  const declared = collectDesired(input.kinds, input.config);
  const live = await readLive(input.kinds, input.config, declared, input.cloud);
  const derived = input.kinds.flatMap((k) => k.derive?.({ config: input.config, desired: declared, live: (name) => live.get(name) ?? [] }) ?? []);
  const ids = new Set(declared.map((d) => d.id));
  for (const d of derived) {
    if (ids.has(d.id)) throw new AcrctlError('plan.duplicate_address', `a derived object has the address ${d.id} of another object`, { address: d.id });
    ids.add(d.id);
  }
  const desired = waitForDerived(kinds, input.config, [...declared, ...derived], live);
  return buildPlan({ ...input, kinds, desired, live });
}

/**
 * The plan of `acrctl destroy`: delete every declared (or derived) object found live, and nothing
 * else. Gates and evidence kinds are never deleted; an object whose container is itself deleted is
 * left to go with it (a refunded instance takes its namespaces, repositories and rules along), so the
 * plan names each thing that is really destroyed once. Unmanaged objects are never touched, but
 * those inside a destroyed container are reported, since they go with it.
 */
export async function computeDestroyPlan(input: PlanInput): Promise<Plan> {
  const kinds = new Map(input.kinds.map((k) => [k.name, k] as const));
  const declared = collectDesired(input.kinds, input.config);
  const live = await readLive(input.kinds, input.config, declared, input.cloud);
  const derived = input.kinds.flatMap((k) => k.derive?.({ config: input.config, desired: declared, live: (name) => live.get(name) ?? [] }) ?? []);
  const wanted = new Set([...declared, ...derived].map((d) => d.id));
  const liveById = new Map<string, LiveObject>();
  for (const objs of live.values()) for (const l of objs) liveById.set(l.id, l);
  const destroyable = (l: LiveObject) => {
    const kind = kinds.get(l.kind)!;
    return wanted.has(l.id) && kind.reportsUnmanaged && !kind.gate;
  };
  const doomed = new Set([...liveById.values()].filter(destroyable).map((l) => l.id));
  const goesWithContainer = (l: LiveObject): boolean => {
    // Guarded against container cycles (a kind naming an object as its own container): a bug
    // there must not hang destroy.
    const seen = new Set<string>([l.id]);
    for (let c: string | undefined = l.container; c && !seen.has(c); c = liveById.get(c)?.container) {
      if (doomed.has(c)) return true;
      seen.add(c);
    }
    return false;
  };
  // Re-express the destroy as a plan where nothing is desired and every doomed object prunes.
  const asPruned = new Map<string, LiveObject[]>();
  const alongside: UnmanagedObject[] = [];
  for (const [kind, objs] of live) {
    const kept: LiveObject[] = [];
    for (const l of objs) {
      if (doomed.has(l.id) && !goesWithContainer(l)) kept.push({ ...l, prunable: true });
      else if (!doomed.has(l.id) && goesWithContainer(l) && kinds.get(kind)!.reportsUnmanaged && !wanted.has(l.id)) {
        alongside.push({ id: l.id, kind: l.kind, account: l.account, region: l.region, ...(l.instance !== undefined ? { instance: l.instance } : {}), container: l.container });
      }
    }
    asPruned.set(kind, kept);
  }
  const plan = buildPlan({ ...input, kinds, desired: [], live: asPruned });
  const reasoned = plan.actions.map((a) => ({ ...a, reason: 'acrctl destroy' }));
  // The plan id covers every field: compute it again for the plan as it is returned.
  return withPlanId({ ...plan, actions: reasoned, unmanaged: alongside.sort((a, b) => compare(a.id, b.id)) }, input.sha256);
}

/**
 * Declared objects with what their kind's `waitFor` adds once derive is done (extra `requires`, a
 * reason saying why). Objects of kinds without it are returned as they are. Pure.
 */
function waitForDerived(kinds: ReadonlyMap<string, Kind>, config: RegistryDocument, desired: readonly DesiredObject[], live: ReadonlyMap<string, readonly LiveObject[]>): DesiredObject[] {
  const ctx = { config, desired, live: (k: string) => live.get(k) ?? [] };
  return desired.map((d) => {
    const extra = kinds.get(d.kind)?.waitFor?.(d, ctx);
    if (extra === undefined || (extra.requires.length === 0 && extra.reason === undefined)) return d;
    return { ...d, requires: [...d.requires, ...extra.requires], ...(extra.reason !== undefined ? { reason: extra.reason } : {}) };
  });
}

/**
 * A plan's id: the hash of the canonical JSON of its public form (sensitive values masked), every
 * field but `planId` and `signature` included. The one definition used to make plans and to check
 * saved ones, so an edit of any field apply or show reads (actions, refs, summary, findings,
 * configFile, target, serial) shows.
 */
export function planIdOf(plan: Plan, sha256: (text: string) => string): string {
  const { planId: _id, signature: _sig, ...rest } = publicPlan(plan);
  return sha256(JSON.stringify(canonical(rest)));
}

/** The plan with its id computed (see {@link planIdOf}); any signature is dropped, since it signed another id. */
export function withPlanId(plan: Plan, sha256: (text: string) => string): Plan {
  const { signature: _sig, ...rest } = plan;
  return { ...rest, planId: planIdOf(rest as Plan, sha256) };
}

/**
 * A kind's comparison of a desired/live pair: its own `diff`, or by default the fields the desired
 * spec declares compared with the live ones, every change in place. Pure.
 */
export function diffOf(kind: Kind, desired: DesiredObject, live: LiveObject): Diff {
  return kind.diff ? kind.diff(desired, live) : { changes: compareSpec(desired.spec, live.spec) };
}

/** Desired objects of every kind, checked for duplicate addresses. */
export function collectDesired(kinds: readonly Kind[], config: RegistryDocument): DesiredObject[] {
  const out: DesiredObject[] = [];
  const seen = new Set<string>();
  for (const kind of kinds) {
    for (const d of kind.desired(config)) {
      if (seen.has(d.id)) {
        throw new AcrctlError('plan.duplicate_address', `two objects in the configuration have the address ${d.id}`, {
          address: d.id,
          hint: 'rename one of them: addresses come from names, which must be unique in their container',
        });
      }
      seen.add(d.id);
      out.push(d);
    }
  }
  return out;
}

/**
 * Reads live objects kind by kind, in `readAfter` order, running independent kinds in parallel.
 * `discover` is adopt's read mode (see ReadContext.discover); plans never set it.
 */
export async function readLive(
  kinds: readonly Kind[],
  config: RegistryDocument,
  desired: readonly DesiredObject[],
  cloud: CloudSession,
  options: { readonly discover?: boolean } = {},
): Promise<Map<string, LiveObject[]>> {
  const order = new Dag();
  for (const k of kinds) {
    order.addNode(k.name);
    for (const before of k.readAfter) if (kinds.some((x) => x.name === before)) order.addEdge(before, k.name);
  }
  const byName = new Map(kinds.map((k) => [k.name, k] as const));
  const done = new Map<string, Promise<LiveObject[]>>();
  const results = new Map<string, LiveObject[]>();
  const start = (name: string): Promise<LiveObject[]> => {
    let p = done.get(name);
    if (!p) {
      const kind = byName.get(name)!;
      p = Promise.all(order.dependencies(name).map(start)).then(() =>
        kind.read({
          config,
          desired,
          cloud,
          ...(options.discover === true ? { discover: true } : {}),
          live: (k) => {
            const r = results.get(k);
            if (!r) throw new Error(`kind ${name} read ${k} without declaring it in readAfter`);
            return r;
          },
        }),
      );
      p = p.then((objs) => {
        results.set(name, objs);
        return objs;
      });
      done.set(name, p);
    }
    return p;
  };
  await Promise.all(order.topologicalOrder().map(start));
  return results;
}

interface BuildInput extends Omit<PlanInput, 'kinds' | 'cloud'> {
  readonly kinds: ReadonlyMap<string, Kind>;
  readonly desired: readonly DesiredObject[];
  readonly live: ReadonlyMap<string, readonly LiveObject[]>;
}

/** Pure: desired + live → plan. Exported for table tests that need no cloud at all. */
export function buildPlan(input: BuildInput): Plan {
  const liveById = new Map<string, LiveObject>();
  for (const objs of input.live.values()) for (const l of objs) liveById.set(l.id, l);
  const desiredById = new Map(input.desired.map((d) => [d.id, d] as const));

  const actions = new Map<string, Action>();
  const requiresOf = new Map<string, readonly string[]>();
  const unmanaged: UnmanagedObject[] = [];

  // Sensitive values: the loader's, and those of fields kinds declare sensitive (src/plan/sensitive.ts).
  const secretValues = normaliseValues([...(input.sensitiveValues ?? []), ...input.desired.flatMap((d) => (d.sensitive ?? []).flatMap((p) => stringsAt(d.spec, p)))]);
  const scrub = (text: string) => (secretValues.length > 0 ? scrubText(text, secretValues) : text);

  for (const d of input.desired) {
    const kind = input.kinds.get(d.kind)!;
    const l = liveById.get(d.id);
    const diff = l ? diffOf(kind, d, l) : undefined;
    const type = classify(kind, d, l, diff);
    requiresOf.set(d.id, d.requires);
    if (type === 'none') continue;
    const body = {
      ...(l ? { before: l.spec } : {}),
      after: d.spec,
      changes: diff?.changes ?? [],
    };
    const sensitive = d.sensitive !== undefined || secretValues.length > 0 ? sensitiveFields(body, d.sensitive ?? [], secretValues) : [];
    const gate = type === 'gate' ? gateOf(kind, d, l) : undefined;
    actions.set(d.id, {
      id: d.id,
      kind: d.kind,
      type,
      account: d.account,
      region: d.region,
      ...(d.instance !== undefined ? { instance: d.instance } : {}),
      key: d.key,
      ...(l && Object.keys(l.ids).length > 0 ? { ids: l.ids } : {}),
      ...body,
      dependsOn: [],
      ...(d.reason !== undefined ? { reason: scrub(d.reason) } : {}),
      ...(d.summary !== undefined ? { summary: scrub(d.summary) } : {}),
      ...(gate ? { gate: { ...gate, instructions: gate.instructions.map(scrub), verification: scrub(gate.verification) } } : {}),
      ...(sensitive.length > 0 ? { sensitive } : {}),
    });
  }

  for (const l of liveById.values()) {
    if (desiredById.has(l.id)) continue;
    const kind = input.kinds.get(l.kind)!;
    if (!kind.reportsUnmanaged) continue;
    requiresOf.set(l.id, l.requires);
    if (l.prunable) {
      const before = l.spec;
      const sensitive = secretValues.length > 0 ? sensitiveFields({ before, changes: [] }, [], secretValues) : [];
      actions.set(l.id, {
        id: l.id,
        kind: l.kind,
        type: 'delete',
        account: l.account,
        region: l.region,
        ...(l.instance !== undefined ? { instance: l.instance } : {}),
        key: l.key,
        ...(Object.keys(l.ids).length > 0 ? { ids: l.ids } : {}),
        before,
        changes: [],
        dependsOn: [],
        reason: `not in the configuration; ${l.container} has prune: true`,
        ...(sensitive.length > 0 ? { sensitive } : {}),
      });
    } else {
      unmanaged.push({
        id: l.id,
        kind: l.kind,
        account: l.account,
        region: l.region,
        ...(l.instance !== undefined ? { instance: l.instance } : {}),
        container: l.container,
      });
    }
  }

  const deps = dependencyEdges(actions, requiresOf);
  let selected = [...actions.keys()];
  const targets = [...new Set(input.targets ?? [])].sort(compare);
  if (targets.length > 0) {
    checkTargets(targets, [...desiredById.keys(), ...liveById.keys()]);
    selected = selectTargets(targets, actions, deps);
  }

  const selectedSet = new Set(selected);
  // The actions were built here and nothing else holds them: fill in their edges in place rather
  // than copy 100,000 objects.
  const finalActions: Action[] = selected.sort(compare).map((id) => {
    const a = actions.get(id)! as { -readonly [K in keyof Action]: Action[K] };
    const d = deps.get(id);
    a.dependsOn = d ? [...d].filter((x) => selectedSet.has(x)).sort(compare) : [];
    return a;
  });
  // The graph must be acyclic: fail here, naming the cycle, rather than deadlock in apply.
  const dag = new Dag();
  for (const a of finalActions) {
    dag.addNode(a.id);
    for (const d of a.dependsOn) dag.addEdge(d, a.id);
  }
  if (!dag.isAcyclic()) dag.topologicalOrder(); // throws graph.cycle, naming the cycle

  const refs: Record<string, Record<string, string>> = {};
  for (const a of finalActions) {
    for (const r of requiresOf.get(a.id) ?? []) {
      const l = liveById.get(r);
      if (l && Object.keys(l.ids).length > 0) refs[r] = { ...l.ids };
    }
  }

  const { outputs, findings } = collectExtras(input.kinds, input.config, input.desired, input.live);
  const liveFingerprint = input.sha256(
    JSON.stringify(canonical([...liveById.values()].sort((a, b) => compare(a.id, b.id)).map((l) => ({ id: l.id, spec: l.spec, ids: l.ids })))),
  );
  const sortedUnmanaged = unmanaged.sort((a, b) => compare(a.id, b.id));
  return withPlanId(
    {
      formatVersion: PLAN_FORMAT_VERSION,
      planId: '',
      configDigest: input.configDigest,
      liveFingerprint,
      configFile: input.configFile,
      acrctlVersion: VERSION,
      actions: finalActions,
      refs: sortKeys(refs),
      unmanaged: sortedUnmanaged,
      outputs: [...outputs].sort((a, b) => compare(a.id, b.id)).map((o) => ({ ...o, title: scrub(o.title), lines: o.lines.map(scrub) })),
      findings: [...(input.findings ?? []), ...findings].map((f) => ({ ...f, message: scrub(f.message) })),
      summary: summarise(finalActions),
      ...(targets.length > 0 ? { target: { addresses: targets, of: actions.size } } : {}),
    },
    input.sha256,
  );
}

/**
 * Every `--target` must name an object of the configuration or of the live estate (or a container
 * of one): a typo must not read as "No changes".
 */
function checkTargets(targets: readonly string[], known: readonly string[]): void {
  for (const t of targets) {
    if (known.some((id) => targetMatches(t, id))) continue;
    // closest() allows at most 3 edits: only addresses of about the same length can be that close.
    const near = closest(t, known.filter((id) => Math.abs(id.length - t.length) <= 3));
    throw new AcrctlError('plan.target-unknown', `--target ${t} matches no object of the configuration or the live estate`, {
      address: t,
      hint: near ? `did you mean ${near}? (acrctl plan lists the addresses)` : 'acrctl plan lists the addresses of what the configuration declares',
    });
  }
}

function classify(kind: Kind, d: DesiredObject, l: LiveObject | undefined, diff: Diff | undefined): ActionType | 'none' {
  const override = kind.classify?.(d, l, diff);
  if (override !== undefined) return override;
  if (!l) return 'create';
  if (!diff || diff.changes.length === 0) return 'none';
  return diff.changes.some((c) => c.impact === 'replace') ? 'replace' : 'update';
}

function gateOf(kind: Kind, d: DesiredObject, l: LiveObject | undefined): NonNullable<Action['gate']> {
  if (!kind.gate) throw new Error(`kind ${kind.name} classified ${d.id} as a gate but has no gate()`);
  return kind.gate(d, l);
}

/** Edges by the rules in the file comment: action id → ids it depends on. */
function dependencyEdges(actions: ReadonlyMap<string, Action>, requiresOf: ReadonlyMap<string, readonly string[]>): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  const add = (from: string, to: string) => {
    if (from === to) return;
    let s = deps.get(to);
    if (!s) deps.set(to, (s = new Set()));
    s.add(from);
  };
  for (const a of actions.values()) {
    for (const r of requiresOf.get(a.id) ?? []) {
      const b = actions.get(r);
      if (!b) continue;
      if (a.type === 'delete' && b.type === 'delete') {
        add(a.id, b.id); // the dependant goes first, then what it needed
      } else if (a.type !== 'delete' && b.type !== 'delete') {
        add(b.id, a.id);
      } else if (a.type !== 'delete' && b.type === 'delete') {
        // A needs an object that is being deleted: impossible to satisfy; say so rather than guess.
        throw new AcrctlError('plan.requires_deleted', `${a.id} needs ${b.id}, which this plan deletes`, {
          address: a.id,
          hint: `declare ${b.id} in the configuration, or remove ${a.id}`,
        });
      }
      // a deletes while b changes: independent.
    }
  }
  return deps;
}

/** Targets plus everything they transitively depend on (Terraform's -target semantics). */
function selectTargets(targets: readonly string[], actions: ReadonlyMap<string, Action>, deps: ReadonlyMap<string, Set<string>>): string[] {
  const keep = new Set<string>();
  const stack = [...actions.keys()].filter((id) => targets.some((t) => targetMatches(t, id)));
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    for (const d of deps.get(id) ?? []) stack.push(d);
  }
  return [...keep];
}

function collectExtras(
  kinds: ReadonlyMap<string, Kind>,
  config: RegistryDocument,
  desired: readonly DesiredObject[],
  live: ReadonlyMap<string, readonly LiveObject[]>,
): { outputs: PlanOutput[]; findings: PlanFinding[] } {
  const outputs: PlanOutput[] = [];
  const findings: PlanFinding[] = [];
  for (const kind of [...kinds.values()].sort((a, b) => compare(a.name, b.name))) {
    const extra = kind.extras?.({ config, desired, live: (k) => live.get(k) ?? [] });
    outputs.push(...(extra?.outputs ?? []));
    findings.push(...(extra?.findings ?? []));
  }
  return { outputs, findings };
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(obj).sort(compare)) out[k] = obj[k]!;
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
