/**
 * cr 2018-12-01 repository webhook triggers: Create/Update/Delete/ListRepoTrigger. Behaviour and
 * guesses: SPEC.md "Triggers". Webhooks are never called.
 */
import type { FlatParams, RpcAction } from '../../../core/contract.js';
import { optionalEnum, optionalString, requireString } from '../../../core/params.js';
import type { InstanceRecord, RepoRecord, TriggerRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok } from './common.js';

/** TAG_LISTTAG is how UpdateRepoTrigger and ListRepoTrigger document TAG_LIST: accepted as it. */
const TYPES = ['ALL', 'TAG_LIST', 'TAG_LISTTAG', 'TAG_REG_EXP'] as const;

function repoOf(inst: InstanceRecord, p: FlatParams): RepoRecord {
  const id = requireString(p, 'RepoId');
  const repo = inst.repos[id];
  if (repo === undefined) throw crError('REPO_NOT_EXIST', `The repository ${id} does not exist.`);
  return repo;
}

function triggersOf(repo: RepoRecord): TriggerRecord[] {
  return (repo.triggers ??= []);
}

function url(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalidParameter('TriggerUrl', 'is not a URL.');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalidParameter('TriggerUrl', 'must be an http or https URL.');
  return raw;
}

/** The tag condition of a trigger type: none for ALL, a JSON array of tags (guess) or a regular expression. */
function tagOf(type: TriggerRecord['type'], tag: string | undefined): string {
  if (type === 'ALL') return '';
  if (tag === undefined) throw invalidParameter('TriggerTag', `is required with TriggerType ${type}.`);
  if (type === 'TAG_REG_EXP') {
    try {
      new RegExp(tag);
    } catch {
      throw invalidParameter('TriggerTag', `${tag} is not a regular expression.`);
    }
    return tag;
  }
  let list: unknown;
  try {
    list = JSON.parse(tag);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== 'string' || x === '')) throw invalidParameter('TriggerTag', 'must be a JSON array of tags with TriggerType TAG_LIST.');
  return tag;
}

function typeOf(p: FlatParams): TriggerRecord['type'] | undefined {
  const t = optionalEnum(p, 'TriggerType', TYPES);
  return t === 'TAG_LISTTAG' ? 'TAG_LIST' : t;
}

function unique(repo: RepoRecord, name: string, except?: string): void {
  if (triggersOf(repo).some((t) => t.triggerId !== except && t.name === name)) throw crError('TRIGGER_ALREADY_EXIST', `A trigger named ${name} already exists.`);
}

export const triggerActions: Readonly<Record<string, RpcAction>> = {
  CreateRepoTrigger: action(true, (ctx, p, st) => {
    const repo = repoOf(callInstance(ctx, p, st), p);
    const name = requireString(p, 'TriggerName');
    requireString(p, 'TriggerType');
    const type = typeOf(p)!;
    const trigger: TriggerRecord = { triggerId: ctx.ids.next('crw-'), name, url: url(requireString(p, 'TriggerUrl')), type, tag: tagOf(type, optionalString(p, 'TriggerTag')) };
    unique(repo, name);
    triggersOf(repo).push(trigger);
    return ok({ TriggerId: trigger.triggerId });
  }),

  UpdateRepoTrigger: action(true, (ctx, p, st) => {
    const repo = repoOf(callInstance(ctx, p, st), p);
    const id = requireString(p, 'TriggerId');
    const trigger = triggersOf(repo).find((t) => t.triggerId === id);
    if (trigger === undefined) throw crError('TRIGGER_NOT_EXIST', `The trigger ${id} does not exist.`);
    const name = optionalString(p, 'TriggerName') ?? trigger.name;
    const type = typeOf(p) ?? trigger.type;
    const tag = tagOf(type, optionalString(p, 'TriggerTag') ?? (type === trigger.type && trigger.tag !== '' ? trigger.tag : undefined));
    const u = optionalString(p, 'TriggerUrl');
    unique(repo, name, id);
    Object.assign(trigger, { name, type, tag, url: u === undefined ? trigger.url : url(u) });
    return ok();
  }),

  DeleteRepoTrigger: action(true, (ctx, p, st) => {
    const repo = repoOf(callInstance(ctx, p, st), p);
    const id = requireString(p, 'TriggerId');
    if (!triggersOf(repo).some((t) => t.triggerId === id)) throw crError('TRIGGER_NOT_EXIST', `The trigger ${id} does not exist.`);
    repo.triggers = triggersOf(repo).filter((t) => t.triggerId !== id);
    return ok();
  }),

  ListRepoTrigger: action(false, (ctx, p, st) => {
    const repo = repoOf(callInstance(ctx, p, st), p);
    return ok({ Triggers: triggersOf(repo).map((t) => ({ TriggerId: t.triggerId, TriggerName: t.name, TriggerUrl: t.url, TriggerType: t.type, TriggerTag: t.tag })) });
  }),
};
