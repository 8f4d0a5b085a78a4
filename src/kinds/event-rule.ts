/**
 * Kind `event-rule`: an event notification rule of an instance (`instance[i].event-rule[name]`),
 * matched to live rules by rule name within the instance.
 *
 * The API can update and delete event rules but not create them, and cannot read them back:
 * UpdateEventCenterRule, DeleteEventCenterRule, ListEventCenterRuleName (names and ids only) and
 * ListEventCenterRecord (past events) are all there is; no Create, no Get (cr-2018-12-01.json).
 * So, per issue 14 ("where it only updates or deletes, say so and plan them accordingly"):
 * - a declared rule that exists live, with configuration declared (type, scope, filter, channel,
 *   config), is compared with what acrctl itself last sent, since the cloud cannot tell: the intent
 *   record of UpdateEventCenterRule carries a salted digest (src/kinds/write-history.ts) of the
 *   configuration the task sends (canonical JSON of its fields; salted, since `config` may hold a
 *   token) and the rule id, and src/cli/secret-history.ts gives, per rule id, the digest of the
 *   newest finished send in the run store (local or OSS). Then:
 *   - the digest matches the declared configuration: no action;
 *   - it does not: an update ("configuration changed since run X"), which drift reports as a
 *     change ("declared configuration not applied");
 *   - nothing is recorded (a fresh run store, a rule configured in the console, a crash mid-call):
 *     a `run` task that sends it, with the reason and an info finding; not drift (nothing is known).
 *   A change made in the console after acrctl's send is invisible (nothing reads a rule back);
 * - a declared rule that does not exist plans nothing: an error finding says to create it in the
 *   console first, naming the rule and every field to enter (a warning while its instance is still
 *   to be bought); acrctl never pretends to create one;
 * - a declared rule with only a `name` is tracked for existence alone (what adopt writes);
 * - an undeclared live rule is unmanaged, deleted (DeleteEventCenterRule) under `prune: true`.
 *
 * Reads: ListEventCenterRuleName (HTTP GET, not paged) per matched RUNNING instance. A rule's
 * configuration is never returned: the live spec holds only the run that last sent it (`appliedBy`).
 * The recorded digest stays inside the kind (read keeps it by rule id for diff and classify): a live
 * spec is shown and saved as it is where no desired object marks fields sensitive (destroy, prune).
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { CrClient } from '../cloud/cr.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import type { EventRule } from '../config/model.generated.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { list, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { PlanFinding } from '../plan/model.js';
import { instanceAddress, knownInstanceId, prunes, runningInstances } from './instance.js';
import { SCOPE_RULES } from './scan-rule.js';
import { namespaceAddress } from './namespace.js';
import { instanceCalls, instanceScopes } from './permits.js';
import { repositoryAddress } from './repository.js';
import { isNotFound } from './support.js';
import { digestMatches, digestText, secretDigest, type AppliedSecret, type SecretRecords, type WriteHistoryDeps } from './write-history.js';

/** The journalled call whose intent carries the configuration's digest (resource: the rule id). */
export const EVENT_RULE_CALL = 'UpdateEventCenterRule';

/** The event-rule kind's dependencies: the write history (src/kinds/write-history.ts). */
export type EventRuleDeps = WriteHistoryDeps;

/** The documented event types, with the console's words for them. */
export const EVENT_TYPES = {
  'cr:Artifact:DeliveryChainCompleted': 'delivery chain completed',
  'cr:Artifact:SynchronizationCompleted': 'image replicated (instance synchronization)',
  'cr:Artifact:BuildCompleted': 'image built',
  'cr:Artifact:ScanCompleted': 'image scanned',
  'cr:Artifact:SigningCompleted': 'image signed',
} as const;
const SCOPE_API = { instance: 'INSTANCE', namespace: 'NAMESPACE', repository: 'REPO' } as const;
/** The configuration fields a rule may declare (everything but its name). */
const CONFIG_FIELDS = ['eventType', 'scope', 'namespaces', 'repositories', 'tagFilter', 'channel', 'config'] as const;

const keyShape = struct({ instance: str, rule: str });
const specShape = struct({
  eventType: optional(str),
  scope: optional(str),
  namespaces: optional(list(str)),
  repositories: optional(list(str)),
  tagFilter: optional(str),
  channel: optional(str),
  config: optional(str),
  /** Live only: the run whose finished send the run store records (`run <id>`). */
  appliedBy: optional(str),
});
const idsShape = struct({ instanceId: str, ruleId: str });
export type EventRuleKey = Decoded<typeof keyShape>;
export type EventRuleSpec = Decoded<typeof specShape>;
export type EventRuleIds = Decoded<typeof idsShape>;

/** `instance[i].event-rule[name]`. */
export function eventRuleAddress(instance: string, rule: string): string {
  return address(instanceAddress(instance), segment('event-rule', rule));
}

const sorted = (xs: readonly string[] | undefined): string[] => [...new Set(xs ?? [])].sort();

/** The declared configuration, in API terms where they differ (namespaces of a repository rule). */
function desiredSpec(r: EventRule): EventRuleSpec {
  const scope = r.scope;
  return {
    ...(r.eventType !== undefined ? { eventType: r.eventType } : {}),
    ...(scope !== undefined ? { scope } : {}),
    ...(scope === 'namespace' ? { namespaces: sorted(r.namespaces), repositories: [] } : {}),
    ...(scope === 'repository' && r.namespace !== undefined ? { namespaces: [r.namespace], repositories: sorted(r.repositories) } : {}),
    ...(scope === 'instance' ? { namespaces: [], repositories: [] } : {}),
    ...(r.tagFilter !== undefined ? { tagFilter: r.tagFilter } : {}),
    ...(r.channel !== undefined ? { channel: r.channel } : {}),
    ...(r.config !== undefined ? { config: r.config } : {}),
  };
}

function declaresConfig(spec: EventRuleSpec): boolean {
  return CONFIG_FIELDS.some((f) => spec[f] !== undefined);
}

function requiresOf(alias: string, spec: EventRuleSpec): string[] {
  const out = [instanceAddress(alias), ...(spec.namespaces ?? []).map((ns) => namespaceAddress(alias, ns))];
  if (spec.scope === 'repository' && spec.namespaces?.length === 1) out.push(...(spec.repositories ?? []).map((r) => repositoryAddress(alias, spec.namespaces![0]!, r)));
  return out;
}

async function liveRules(cr: CrClient, instanceId: string): Promise<{ name: string; id: string }[]> {
  const r = await cr.listEventCenterRuleName({ InstanceId: instanceId });
  return (r.RuleNames ?? []).flatMap((x) => (x.RuleId !== undefined && x.RuleName !== undefined ? [{ name: x.RuleName, id: x.RuleId }] : []));
}

/** The UpdateEventCenterRule fields of a declared configuration (only what is declared is sent). */
function apiFields(spec: EventRuleSpec) {
  return {
    ...(spec.eventType !== undefined ? { EventType: spec.eventType } : {}),
    ...(spec.scope !== undefined ? { EventScope: SCOPE_API[spec.scope as keyof typeof SCOPE_API] } : {}),
    ...(spec.namespaces !== undefined ? { Namespaces: spec.namespaces } : {}),
    ...(spec.repositories !== undefined ? { RepoNames: spec.repositories } : {}),
    ...(spec.tagFilter !== undefined ? { RepoTagFilterPattern: spec.tagFilter } : {}),
    ...(spec.channel !== undefined ? { EventChannel: spec.channel } : {}),
    ...(spec.config !== undefined ? { EventConfig: spec.config } : {}),
  };
}

/** What is digested: every field the task sends but the rule id (the record's key), as canonical JSON. */
function configText(rule: string, spec: EventRuleSpec): string {
  return digestText({ RuleName: rule, ...apiFields(spec) });
}

async function remove(ctx: ExecContext, r: Removal<EventRuleSpec, EventRuleIds, EventRuleKey>): Promise<Outcome> {
  const { instanceId, ruleId } = r.ids;
  await ctx.intent('DeleteEventCenterRule', { instanceId, ruleId });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteEventCenterRule({ InstanceId: instanceId, RuleId: ruleId });
  } catch (err) {
    if (!isNotFound(err)) throw err; // EVENT_CENTER_RULE_NOT_EXIST: already gone
  }
  return {};
}

/**
 * Present by name (or id), or absent. A rule's configuration cannot be read, so a present rule is
 * never known to be up to date: an interrupted configuration task is sent again (it is idempotent),
 * and only the finished send records its digest.
 */
async function observe(ctx: ExecContext, s: Subject<EventRuleSpec, EventRuleIds, EventRuleKey>): Promise<Observation<EventRuleIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const rules = await liveRules(ctx.cloud.cr(s.account, s.region), instanceId);
  const found = s.ids !== undefined ? rules.find((r) => r.id === s.ids!.ruleId) : rules.find((r) => r.name === s.key.rule);
  if (found === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: !declaresConfig(s.spec), ready: true, ids: { instanceId, ruleId: found.id } };
}

/** Rule names are unique per instance; the namespaces and repositories a rule names are declared. */
const REFERENCES: ReferenceCheck = ({ instances, items, entries, str: s, quote, report, needNamespace }) => {
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    const namespaces = new Map(entries(inst['namespaces']));
    for (const [i, rule] of items(inst['eventRules'])) {
      const path = ['instances', alias, 'eventRules', i];
      const name = s(rule['name']);
      const label = name === undefined ? `event rule ${i}` : `event rule ${quote(name)}`;
      if (name !== undefined) {
        const first = seen.get(name);
        if (first !== undefined) report('ref/duplicate-key', `event rule name ${quote(name)} is used twice in instance ${quote(alias)} (first at eventRules[${first}])`, [...path, 'name'], 'an event rule name is its natural key within the instance');
        else seen.set(name, i);
      }
      const config = s(rule['config']);
      if (config !== undefined && !config.includes('${')) {
        try {
          JSON.parse(config);
        } catch {
          report('ref/event-rule-config', `${label}: config must be a JSON document (API EventConfig)`, [...path, 'config'], 'give the document the console shows for the rule, as a JSON string (or ${env:NAME})');
        }
      }
      const nsList = Array.isArray(rule['namespaces']) ? (rule['namespaces'] as unknown[]) : [];
      nsList.forEach((ns, j) => needNamespace(alias, ns, [...path, 'namespaces', j], label));
      if (rule['namespace'] !== undefined) needNamespace(alias, rule['namespace'], [...path, 'namespace'], label);
      const ns = s(rule['namespace']);
      const repos = Array.isArray(rule['repositories']) ? (rule['repositories'] as unknown[]) : [];
      if (ns === undefined || !namespaces.has(ns)) continue;
      const declared = new Map(entries(namespaces.get(ns)!['repositories']));
      repos.forEach((r, j) => {
        if (typeof r === 'string' && !declared.has(r)) report('ref/unknown-repository', `${label} names repository ${quote(`${ns}/${r}`)}, which instance ${quote(alias)} does not declare`, [...path, 'repositories', j], `declare it under namespaces.${ns}.repositories`);
      });
    }
  }
};

const nameList = (what: string) => ({ description: what, type: 'array', minItems: 1, uniqueItems: true });

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      eventRules: {
        description:
          'Event notification rules (natural key: name). The API cannot create them or read them back (no Create, no Get): a declared rule must first be created in the console (the plan says how, field by field); acrctl then sends the declared configuration when it is not what acrctl last sent (the journals of the run store keep a salted digest of it, never the value; with no record it is sent, with an info finding) and deletes undeclared rules under `prune: true`. A change made in the console is not seen. A rule with only `name` is tracked for existence alone. No Terraform or ROS counterpart.',
        type: 'array',
        items: { $ref: '#/$defs/eventRule' },
        examples: [[{ name: 'scan-alerts', eventType: 'cr:Artifact:ScanCompleted', scope: 'namespace', namespaces: ['team-a'], tagFilter: 'release-.*' }]],
      },
    },
  },
  defs: {
    eventRule: {
      description: 'An event notification rule (API UpdateEventCenterRule / DeleteEventCenterRule; created only in the console). Every field but `name` is optional: only declared fields are sent.',
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { description: 'Rule name, unique within the instance (API RuleName; ListEventCenterRuleName matches it).', type: 'string', minLength: 1, maxLength: 128, examples: ['scan-alerts'] },
        eventType: { description: 'The event that notifies (API EventType).', type: 'string', enum: Object.keys(EVENT_TYPES) },
        scope: {
          description: '`instance`: every repository; `namespace`: the repositories of `namespaces`; `repository`: `repositories` of one `namespace` (API EventScope INSTANCE | NAMESPACE | REPO).',
          type: 'string',
          enum: ['instance', 'namespace', 'repository'],
        },
        namespaces: { ...nameList('Namespaces covered (declared in the instance). Required with scope namespace, not allowed otherwise.'), items: { $ref: '#/$defs/namespaceName' } },
        namespace: { description: 'The namespace of `repositories`. Required with scope repository, not allowed otherwise.', $ref: '#/$defs/namespaceName' },
        repositories: { ...nameList('Repositories of `namespace` covered (declared there). Required with scope repository.'), items: { $ref: '#/$defs/repositoryName' } },
        tagFilter: { description: 'Only tags matching this RE2 expression notify (API RepoTagFilterPattern).', $ref: '#/$defs/tagFilter' },
        channel: { description: 'Notification channel (API EventChannel), e.g. `EVENT_BRIDGE` (the documented example).', type: 'string', pattern: '^[A-Z][A-Z_]*$', examples: ['EVENT_BRIDGE'] },
        config: {
          description: 'The rule\'s event configuration, a JSON document (API EventConfig; its fields are not documented). It may hold a DingTalk token or a webhook URL: give it as `${env:NAME}`. Never shown in plans.',
          type: 'string',
          minLength: 1,
        },
      },
      allOf: [
        ...SCOPE_RULES,
        {
          if: { not: { required: ['scope'] } },
          then: {
            properties: {
              namespaces: { not: {}, errorMessage: 'namespaces needs scope: namespace' },
              namespace: { not: {}, errorMessage: 'namespace needs scope: repository' },
              repositories: { not: {}, errorMessage: 'repositories needs scope: repository' },
            },
          },
        },
      ],
    },
  },
  sections: [['eventRule', '#/$defs/eventRule']],
};

/**
 * The calls of the kind (issue 17): ListEventCenterRuleName on every instance (read, and to find a
 * rule by name when its configuration is sent or an interrupted step is observed);
 * UpdateEventCenterRule where a declared rule has configuration (the task when nothing is recorded,
 * the update when it changed since); DeleteEventCenterRule where the
 * instance prunes.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) => {
    const inst = config.instances![s.alias]!;
    const sends = (inst.eventRules ?? []).some((r) => declaresConfig(desiredSpec(r)));
    return [
      ...instanceCalls(s, ['read', 'observe', 'create', 'update'], ['cr:ListEventCenterRuleName']),
      ...(sends ? instanceCalls(s, ['create', 'update'], ['cr:UpdateEventCenterRule']) : []),
      ...(prunes(inst) ? instanceCalls(s, ['delete'], ['cr:DeleteEventCenterRule'], {}, ['apply']) : []),
    ];
  });
}

/** What to enter in the console to create a declared rule, field by field. */
function consoleSteps(name: string, spec: EventRuleSpec): string {
  const parts = [`Rule Name "${name}"`];
  if (spec.eventType !== undefined) parts.push(`Event Type "${EVENT_TYPES[spec.eventType as keyof typeof EVENT_TYPES] ?? spec.eventType}" (${spec.eventType})`);
  if (spec.scope === 'instance') parts.push('Effective Scope "Instance"');
  if (spec.scope === 'namespace') parts.push(`Effective Scope "Namespace" with ${(spec.namespaces ?? []).join(', ')}`);
  if (spec.scope === 'repository') parts.push(`Effective Scope "Repository" with ${(spec.repositories ?? []).map((r) => `${spec.namespaces?.[0] ?? ''}/${r}`).join(', ')}`);
  if (spec.tagFilter !== undefined) parts.push(`Tag matching "${spec.tagFilter}"`);
  if (spec.channel !== undefined) parts.push(`channel ${spec.channel}`);
  if (spec.config !== undefined) parts.push('the notification settings of `config`');
  return parts.join(', ');
}

/** The event-rule kind, comparing declared configurations with what `deps.secretHistory` records acrctl sent. */
export function makeEventRuleKind(deps: EventRuleDeps = {}): Kind<EventRuleSpec, EventRuleIds, EventRuleKey> {
  const salt = deps.randomBytes ?? cryptoRandomBytes;
  /** Where the last read looked (for reasons and findings); set by read, which runs before them. */
  let where: string | undefined;
  /** What the last read found recorded, by rule id (never in a live spec: see the file comment). */
  const recorded = new Map<string, AppliedSecret>();
  /** digestMatches is slow on purpose (scrypt): each pair is checked once per command. */
  const checked = new Map<string, boolean>();
  const matches = (text: string, digest: string): boolean => {
    const k = `${digest}\u0000${text}`;
    let m = checked.get(k);
    if (m === undefined) checked.set(k, (m = digestMatches(text, digest)));
    return m;
  };
  /** The recorded send a declared configuration differs from, or why nothing is compared. */
  function standing(d: DesiredObject<EventRuleSpec, EventRuleKey>, l: LiveObject<EventRuleSpec, EventRuleIds, EventRuleKey>): 'same' | 'unrecorded' | { readonly changedSince: string } {
    const last = recorded.get(l.ids.ruleId);
    if (last === undefined) return 'unrecorded';
    return matches(configText(d.key.rule, d.spec), last.digest) ? 'same' : { changedSince: `run ${last.runId}` };
  }
  const unrecordedWhy = () => (deps.secretHistory === undefined ? 'this command reads no run store' : `no run in ${where ?? 'the run store'} records the configuration acrctl sent to this rule`);

  /** The task: send the declared configuration to the rule of that name (found again by name: no ids in a run). */
  async function sendConfig(ctx: ExecContext, s: Subject<EventRuleSpec, EventRuleIds, EventRuleKey>): Promise<Outcome> {
    const instanceId = knownInstanceId(ctx, s.key.instance);
    const cr = ctx.cloud.cr(s.account, s.region);
    const found = instanceId === undefined ? undefined : (await liveRules(cr, instanceId)).find((r) => r.name === s.key.rule);
    if (instanceId === undefined || found === undefined) {
      throw new AcrctlError('apply.event_rule_missing', `event rule ${s.key.rule} does not exist on instance ${s.key.instance}, and the API cannot create event rules`, {
        address: s.id,
        hint: 'create it in the console (Instance Management → Event Notification → Create Rule), then run acrctl plan again',
      });
    }
    // The intent carries the salted digest of what is sent; once the action is done, it is "the configuration acrctl sent".
    await ctx.intent(EVENT_RULE_CALL, { instanceId, ruleId: found.id, resourceId: found.id, fields: CONFIG_FIELDS.filter((f) => s.spec[f] !== undefined), secretDigest: secretDigest(configText(s.key.rule, s.spec), salt(16)) });
    await cr.updateEventCenterRule({ InstanceId: instanceId, RuleId: found.id, RuleName: s.key.rule, ...apiFields(s.spec) });
    return { ids: { instanceId, ruleId: found.id } };
  }

  return {
    name: 'event-rule',
    readAfter: ['instance'],
    reportsUnmanaged: true,
    address: (key) => eventRuleAddress(key.instance, key.rule),
    decode: { key: keyShape, spec: specShape, ids: idsShape },
    permissions: PERMISSIONS,
    language: LANGUAGE,
    references: REFERENCES,

    desired(config: RegistryDocument) {
      return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
        (inst.eventRules ?? []).map((r): DesiredObject<EventRuleSpec, EventRuleKey> => {
          const spec = desiredSpec(r);
          return {
            id: eventRuleAddress(alias, r.name),
            kind: 'event-rule',
            account: inst.account,
            region: inst.region,
            instance: alias,
            key: { instance: alias, rule: r.name },
            spec,
            requires: requiresOf(alias, spec),
            ...(declaresConfig(spec) ? { summary: 'send the declared configuration (UpdateEventCenterRule; compared with what acrctl last sent, never read back)' } : {}),
            ...(spec.config !== undefined ? { sensitive: ['config'] } : {}),
          };
        }),
      );
    },

    /** The rules by name; for those declared with configuration, what the run store records acrctl last sent to each (by rule id). */
    async read(ctx: ReadContext) {
      const history = deps.secretHistory;
      let records: Promise<SecretRecords> | undefined;
      recorded.clear();
      const per = await Promise.all(
        runningInstances(ctx).map(async (m) => {
          const rules = await liveRules(ctx.cloud.cr(m.account, m.region), m.instanceId);
          const sends = new Set((m.config.eventRules ?? []).filter((r) => declaresConfig(desiredSpec(r))).map((r) => r.name));
          const rec = history !== undefined && rules.some((r) => sends.has(r.name)) ? await (records ??= history.read()) : undefined;
          if (rec !== undefined) where = rec.where;
          return rules.map((r): LiveObject<EventRuleSpec, EventRuleIds, EventRuleKey> => {
            const last = rec !== undefined && sends.has(r.name) ? rec.lookup(EVENT_RULE_CALL, r.id) : undefined;
            if (last !== undefined) recorded.set(r.id, last);
            return {
              id: eventRuleAddress(m.alias, r.name),
              kind: 'event-rule',
              account: m.account,
              region: m.region,
              instance: m.alias,
              key: { instance: m.alias, rule: r.name },
              spec: last !== undefined ? { appliedBy: `run ${last.runId}` } : {},
              ids: { instanceId: m.instanceId, ruleId: r.id },
              container: m.address,
              prunable: prunes(m.config),
              requires: [],
            };
          });
        }),
      );
      return per.flat();
    },

    /** Compared with the digest acrctl recorded only (the cloud returns no configuration). */
    diff(desired, live) {
      if (!declaresConfig(desired.spec)) return { changes: [] };
      const st = standing(desired, live);
      if (typeof st === 'string') return { changes: [] };
      return {
        changes: [{ path: 'configuration', before: `as ${st.changedSince} sent it`, after: 'as declared', impact: 'update', note: 'declared configuration not applied; a change made in the console is not visible' }],
      };
    },

    /**
     * Missing: nothing (extras says to create it in the console). Present with configuration: none when
     * it is what acrctl last sent, an update when it changed since, the sending task when nothing is recorded.
     */
    classify(desired, live, diff) {
      if (desired === undefined) return undefined;
      if (live === undefined || !declaresConfig(desired.spec)) return 'none';
      if (standing(desired, live) === 'unrecorded') return 'run';
      return diff !== undefined && diff.changes.length > 0 ? 'update' : 'none';
    },

    /** Not a wait: the one hook that sees the live side gives the action its reason (display only). */
    waitFor(desired, ctx) {
      if (!declaresConfig(desired.spec)) return undefined;
      const live = ctx.live('event-rule').find((l) => l.id === desired.id) as LiveObject<EventRuleSpec, EventRuleIds, EventRuleKey> | undefined;
      if (live === undefined) return undefined;
      const st = standing(desired, live);
      if (st === 'same') return undefined;
      return { requires: [], reason: st === 'unrecorded' ? unrecordedWhy() : `configuration changed since ${st.changedSince}` };
    },

    extras(ctx) {
      const findings: PlanFinding[] = [];
      const rules = ctx.live('event-rule');
      const live = new Set(rules.map((l) => l.id));
      const byId = new Map(rules.map((l) => [l.id, l as LiveObject<EventRuleSpec, EventRuleIds, EventRuleKey>] as const));
      for (const d of ctx.desired) {
        const l = byId.get(d.id);
        if (d.kind !== 'event-rule' || l === undefined || !declaresConfig(d.spec as EventRuleSpec) || standing(d as DesiredObject<EventRuleSpec, EventRuleKey>, l) !== 'unrecorded') continue;
        findings.push({
          id: 'event-rule/not-recorded',
          severity: 'info',
          message: `the configuration of event rule ${(d.key as EventRuleKey).rule} will be sent: the API cannot read a rule back, and ${unrecordedWhy()}, so there is nothing to compare it with (sending the same configuration again changes nothing)`,
          where: d.id,
          key: d.key,
        });
      }
      const instances = new Map(ctx.live('instance').map((l) => [l.id, l] as const));
      for (const d of ctx.desired) {
        if (d.kind !== 'event-rule' || d.instance === undefined || live.has(d.id)) continue;
        const key = d.key as EventRuleKey;
        const inst = instances.get(instanceAddress(d.instance));
        const name = ctx.config.instances?.[d.instance]?.name ?? d.instance;
        const place = inst === undefined ? `instance ${name} (once apply has bought it)` : `instance ${name} (${inst.ids['instanceId'] ?? ''})`;
        findings.push({
          id: 'event-rule/create-in-console',
          severity: inst === undefined ? 'warning' : 'error',
          message: `event rule ${key.rule} is declared but does not exist, and the API cannot create event rules: create it in the Container Registry console first — ${place} → Instance Management → Event Notification → Event Rules → Create Rule, with ${consoleSteps(key.rule, d.spec as EventRuleSpec)} — then run acrctl plan again. Nothing is planned for it until then`,
          where: d.id,
          key: d.key,
        });
      }
      return { findings };
    },

    /** The name only: a rule's configuration cannot be read back. */
    toConfig(l) {
      return {
        pieces: [{ item: ['instances', l.key.instance, 'eventRules'], value: { name: l.key.rule }, order: l.key.rule }],
        notes: [{ address: l.id, message: 'adopted by name only: the API returns no event rule configuration (declare eventType, scope, … to have acrctl send them)' }],
      };
    },

    observe,
    create: sendConfig,
    update: (ctx: ExecContext, c: Change<EventRuleSpec, EventRuleIds, EventRuleKey>) => sendConfig(ctx, c),
    delete: remove,
  };
}
