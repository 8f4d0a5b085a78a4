/**
 * cr 2018-12-01 event notification rules: UpdateEventCenterRule, DeleteEventCenterRule,
 * ListEventCenterRuleName and ListEventCenterRecord (the two List actions are HTTP GET in the SDK;
 * either method is answered). The API has no create and no get: rules are made in the console,
 * which the admin route stands for. Behaviour and guesses: SPEC.md "Event notification rules".
 */
import { ApiError, type AdminContext, type AdminRoute, type CallContext, type FlatParams, type RpcAction } from '../../../core/contract.js';
import { jsonParam, optionalEnum, optionalString, requireString } from '../../../core/params.js';
import { consoleStepKey, crState, findNamespace, findRepoByName, instanceStatus, settle, type CrState, type EventRuleRecord, type InstanceRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields } from './common.js';

export const EVENT_TYPES = ['cr:Artifact:DeliveryChainCompleted', 'cr:Artifact:SynchronizationCompleted', 'cr:Artifact:BuildCompleted', 'cr:Artifact:ScanCompleted', 'cr:Artifact:SigningCompleted'] as const;
const SCOPES = ['INSTANCE', 'NAMESPACE', 'REPO'] as const;
/** Documented: at most 10 event rules per region (the console refuses more). */
export const EVENT_RULES_PER_REGION = 10;

function rulesOf(inst: InstanceRecord): EventRuleRecord[] {
  return (inst.eventRules ??= []);
}

/**
 * The instance's rules, after the console has made those a seed announced for an instance of its
 * name (`POST /_emulator/cr/console-event-rules`): they appear the first time any call touches the
 * instance's rules, once (a rule deleted later stays deleted).
 */
function liveRules(ctx: AdminContext, st: CrState, inst: InstanceRecord): EventRuleRecord[] {
  const key = consoleStepKey(inst.accountUid, inst.region, inst.name);
  const pending = st.pendingEventRules?.[key];
  if (pending !== undefined) {
    delete st.pendingEventRules![key];
    for (const r of pending) {
      if (rulesOf(inst).some((x) => x.name === r.name)) continue;
      rulesOf(inst).push({ ruleId: ctx.ids.next('crecr-'), ...r, eventScope: 'INSTANCE', namespaces: [], repoNames: [], createdAt: ctx.now(), updatedAt: ctx.now() });
    }
  }
  return rulesOf(inst);
}

/** The instance a call names, with the rules the console has made on it by now. */
function eventInstance(ctx: CallContext, p: FlatParams, st: CrState): InstanceRecord {
  const inst = callInstance(ctx, p, st);
  liveRules(ctx, st, inst);
  return inst;
}

function findRule(inst: InstanceRecord, p: FlatParams): EventRuleRecord {
  const id = requireString(p, 'RuleId');
  const rule = rulesOf(inst).find((r) => r.ruleId === id);
  if (rule === undefined) throw crError('EVENT_CENTER_RULE_NOT_EXIST', `The event rule ${id} does not exist.`);
  return rule;
}

function names(v: unknown, name: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw invalidParameter(name, 'must be a JSON array of names.');
  return [...new Set(v as string[])];
}

/** A rule's fields, checked (scope rules as scan rules'; guess); names are unique per instance (guess). */
type RuleFields = Omit<EventRuleRecord, 'ruleId' | 'createdAt' | 'updatedAt'>;

function checked(inst: InstanceRecord, r: RuleFields, except?: string): RuleFields {
  if (r.name === '') throw invalidParameter('RuleName', 'must not be empty.');
  if (!(EVENT_TYPES as readonly string[]).includes(r.eventType)) throw invalidParameter('EventType', `must be one of ${EVENT_TYPES.join(', ')}.`);
  if (!/^[A-Z][A-Z_]*$/.test(r.eventChannel)) throw invalidParameter('EventChannel', 'must be a channel name such as EVENT_BRIDGE.');
  try {
    new RegExp(r.tagFilter);
  } catch {
    throw invalidParameter('RepoTagFilterPattern', `${r.tagFilter} is not a regular expression.`);
  }
  if (r.eventConfig !== '') {
    try {
      JSON.parse(r.eventConfig);
    } catch {
      throw invalidParameter('EventConfig', 'must be a JSON document.');
    }
  }
  if (r.eventScope === 'INSTANCE' && (r.namespaces.length > 0 || r.repoNames.length > 0)) throw invalidParameter('EventScope', 'a rule of scope INSTANCE names no namespace or repository.');
  if (r.eventScope === 'NAMESPACE' && (r.namespaces.length === 0 || r.repoNames.length > 0)) throw invalidParameter('Namespaces', 'a rule of scope NAMESPACE names at least one namespace and no repository.');
  if (r.eventScope === 'REPO' && (r.namespaces.length !== 1 || r.repoNames.length === 0)) throw invalidParameter('RepoNames', 'a rule of scope REPO names one namespace and at least one repository.');
  for (const ns of r.namespaces) findNamespace(inst, ns);
  for (const repo of r.repoNames) {
    if (findRepoByName(inst, r.namespaces[0]!, repo) === undefined) throw crError('REPO_NOT_EXIST', `The repository ${r.namespaces[0]!}/${repo} does not exist.`);
  }
  if (rulesOf(inst).some((x) => x.name === r.name && x.ruleId !== except)) {
    throw crError('EVENT_CENTER_RULE_ALREADY_EXIST', `An event rule named ${r.name} already exists.`);
  }
  return r;
}

function view(r: EventRuleRecord): Record<string, unknown> {
  return { RuleId: r.ruleId, RuleName: r.name };
}

export const eventActions: Readonly<Record<string, RpcAction>> = {
  /** Changes the fields it is sent; keeps the others (every field but RuleId is optional in the SDK). */
  UpdateEventCenterRule: action(true, (ctx, p, st) => {
    const inst = eventInstance(ctx, p, st);
    const rule = findRule(inst, p);
    const ns = jsonParam(p, 'Namespaces');
    const repos = jsonParam(p, 'RepoNames');
    const next = checked(inst, {
      name: optionalString(p, 'RuleName') ?? rule.name,
      eventType: optionalString(p, 'EventType') ?? rule.eventType,
      eventChannel: optionalString(p, 'EventChannel') ?? rule.eventChannel,
      eventScope: optionalEnum(p, 'EventScope', SCOPES) ?? rule.eventScope,
      eventConfig: optionalString(p, 'EventConfig') ?? rule.eventConfig,
      namespaces: ns === undefined ? rule.namespaces : names(ns, 'Namespaces'),
      repoNames: repos === undefined ? rule.repoNames : names(repos, 'RepoNames'),
      tagFilter: optionalString(p, 'RepoTagFilterPattern') ?? rule.tagFilter,
    }, rule.ruleId);
    Object.assign(rule, next, { updatedAt: ctx.now() });
    // Documented: Code (an integer in the SDK model, example 200), RequestId, RuleId; no IsSuccess.
    return { Code: 'success', RuleId: rule.ruleId };
  }),

  DeleteEventCenterRule: action(true, (ctx, p, st) => {
    const inst = eventInstance(ctx, p, st);
    const rule = findRule(inst, p);
    inst.eventRules = rulesOf(inst).filter((r) => r !== rule);
    return { Code: 'success' };
  }),

  ListEventCenterRuleName: action(false, (ctx, p, st) => {
    const inst = eventInstance(ctx, p, st);
    return ok({ RuleNames: rulesOf(inst).map(view) });
  }),

  /** No event is ever emitted in the emulator, so there are no records; the filters are checked. */
  ListEventCenterRecord: action(false, (ctx, p, st) => {
    const inst = eventInstance(ctx, p, st);
    optionalEnum(p, 'EventType', EVENT_TYPES);
    const ruleId = optionalString(p, 'RuleId');
    if (ruleId !== undefined) findRule(inst, p);
    const page = pageFields(ctx, [] as Record<string, unknown>[], p, false);
    return ok({ ...page.fields, Records: page.items });
  }),
};

function bodyOf(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('InvalidBody', 'The body must be a JSON object.', 400);
  return raw as Record<string, unknown>;
}

function optStr(b: Record<string, unknown>, name: string): string | undefined {
  const v = b[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ApiError('InvalidBody', `"${name}" must be a string.`, 400);
  return v;
}

export const eventAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/cr/instances/{InstanceId}/event-rules',
    summary:
      'Create an event notification rule as the console does (the API has no create): {"RuleName","EventType","EventScope"?:"INSTANCE","EventChannel"?:"EVENT_BRIDGE","EventConfig"?,"Namespaces"?:[],"RepoNames"?:[],"RepoTagFilterPattern"?:".*"} → {"RuleId"}. At most 10 rules per account and region (409).',
    handle(ctx, pp, raw) {
      settle(ctx);
      const st = crState(ctx);
      const inst = pp['InstanceId'] === undefined ? undefined : st.instances[pp['InstanceId']];
      if (inst === undefined || instanceStatus(inst, ctx.now()) === undefined) throw new ApiError('INSTANCE_NOT_EXIST', `The instance ${pp['InstanceId'] ?? ''} does not exist.`, 404);
      if (instanceStatus(inst, ctx.now()) !== 'RUNNING') throw new ApiError('INSTANCE_STATUS_NOT_SUPPORT', `The instance ${inst.instanceId} is not RUNNING.`, 409);
      liveRules(ctx, st, inst);
      const b = bodyOf(raw);
      const inRegion = Object.values(st.instances).filter((i) => i.accountUid === inst.accountUid && i.region === inst.region && instanceStatus(i, ctx.now()) !== undefined);
      if (inRegion.reduce((n, i) => n + (i.eventRules?.length ?? 0), 0) >= EVENT_RULES_PER_REGION) {
        throw new ApiError('EventRuleQuotaExceeded', `The account has ${EVENT_RULES_PER_REGION} event rules in ${inst.region} already (the documented maximum).`, 409);
      }
      const scope = optStr(b, 'EventScope') ?? 'INSTANCE';
      if (!(SCOPES as readonly string[]).includes(scope)) throw new ApiError('InvalidBody', `"EventScope" must be one of ${SCOPES.join(', ')}.`, 400);
      let fields;
      try {
        fields = checked(inst, {
          name: optStr(b, 'RuleName') ?? '',
          eventType: optStr(b, 'EventType') ?? '',
          eventChannel: optStr(b, 'EventChannel') ?? 'EVENT_BRIDGE',
          eventScope: scope as EventRuleRecord['eventScope'],
          eventConfig: optStr(b, 'EventConfig') ?? '',
          namespaces: names(b['Namespaces'], 'Namespaces'),
          repoNames: names(b['RepoNames'], 'RepoNames'),
          tagFilter: optStr(b, 'RepoTagFilterPattern') ?? '.*',
        });
      } catch (e) {
        if (e instanceof ApiError) throw new ApiError(e.code, e.message, e.code.endsWith('NOT_EXIST') ? 404 : e.code.endsWith('ALREADY_EXIST') ? 409 : 400);
        throw e;
      }
      const now = ctx.now();
      const rule: EventRuleRecord = { ruleId: ctx.ids.next('crecr-'), ...fields, createdAt: now, updatedAt: now };
      rulesOf(inst).push(rule);
      return { RuleId: rule.ruleId };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/cr/console-event-rules',
    summary:
      'Announce an instance-wide event rule the console makes on the instance of a name once it is bought (the API has no create): {"accountUid","region","instanceName","RuleName","EventType","EventChannel"?:"EVENT_BRIDGE","EventConfig"?,"RepoTagFilterPattern"?:".*"}. It appears the first time a call touches that instance\'s rules (at once when it is bought already); announcing a name twice is a no-op. Answers {"pending":N,"created":true|false}.',
    handle(ctx, _pp, raw) {
      settle(ctx);
      const b = bodyOf(raw);
      const accountUid = optStr(b, 'accountUid') ?? '';
      if (!/^\d{16}$/.test(accountUid)) throw new ApiError('InvalidBody', '"accountUid" must be 16 digits.', 400);
      const region = optStr(b, 'region') ?? '';
      const instanceName = optStr(b, 'instanceName') ?? '';
      const name = optStr(b, 'RuleName') ?? '';
      if (region === '' || instanceName === '' || name === '') throw new ApiError('InvalidBody', '"region", "instanceName" and "RuleName" are required.', 400);
      const eventType = optStr(b, 'EventType') ?? '';
      if (!(EVENT_TYPES as readonly string[]).includes(eventType)) throw new ApiError('InvalidBody', `"EventType" must be one of ${EVENT_TYPES.join(', ')}.`, 400);
      const eventConfig = optStr(b, 'EventConfig') ?? '';
      if (eventConfig !== '') {
        try {
          JSON.parse(eventConfig);
        } catch {
          throw new ApiError('InvalidBody', '"EventConfig" must be a JSON document.', 400);
        }
      }
      const st = crState(ctx);
      // Bought already: the console's rule is there, or is made now.
      const bought = Object.values(st.instances).find((i) => i.accountUid === accountUid && i.region === region && i.name === instanceName && instanceStatus(i, ctx.now()) !== undefined);
      if (bought !== undefined && liveRules(ctx, st, bought).some((r) => r.name === name)) return { pending: 0, created: false };
      const list = ((st.pendingEventRules ??= {})[consoleStepKey(accountUid, region, instanceName)] ??= []);
      if (list.some((r) => r.name === name)) return { pending: list.length, created: false };
      if (list.length >= EVENT_RULES_PER_REGION) throw new ApiError('EventRuleQuotaExceeded', `At most ${EVENT_RULES_PER_REGION} event rules per region (documented).`, 409);
      list.push({ name, eventType, eventChannel: optStr(b, 'EventChannel') ?? 'EVENT_BRIDGE', eventConfig, tagFilter: optStr(b, 'RepoTagFilterPattern') ?? '.*' });
      if (bought !== undefined) liveRules(ctx, st, bought);
      return { pending: bought === undefined ? list.length : 0, created: true };
    },
  },
];
