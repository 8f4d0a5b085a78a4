/**
 * Kind `trigger`: a webhook of a repository (`instance[i].namespace[ns].repository[r].trigger[name]`),
 * matched to live triggers by name within the repository.
 *
 * The URL is a secret (webhook URLs carry tokens): registry.yaml may only give it as `${env:NAME}`,
 * the desired spec declares it sensitive (masked in every plan view, plan file and journal), and the
 * live spec never holds it: it holds `sha256:<hex>` of the trigger id and the URL, so a changed URL
 * shows as a change without showing either value. Adopt writes `${env:…}` references, never URLs.
 *
 * Reads: cr ListRepoTrigger (one call, not paged) per live repository that is declared (every live
 * repository in adopt's discover mode), with the repository ids the repository kind read.
 * Triggers not declared are unmanaged under their repository, pruned when the instance has
 * `prune: true`.
 * Acts: CreateRepoTrigger / UpdateRepoTrigger (every field in place) / DeleteRepoTrigger. The API has
 * no event field to set: ListRepoTrigger's RepoEvent (BUILD_SUCCESS | BUILD_Fail) is read only.
 */
import { createHash } from 'node:crypto';
import type { CrClient, CrTrigger } from '../cloud/cr.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { list, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { FieldChange } from '../plan/model.js';
import { deepEqual } from '../plan/compare.js';
import { instanceAddress, prunes, runningInstances } from './instance.js';
import { instanceCalls, instanceScopes } from './permits.js';
import { namespaceAddress } from './namespace.js';
import { repositoryAddress, repositoryIdsOf } from './repository.js';
import { existsDifferent, isNotFound, mapLimit, vendorCode } from './support.js';

/** ListRepoTrigger calls in flight at once. */
const READS_IN_FLIGHT = 8;

const keyShape = struct({ instance: str, namespace: str, repository: str, trigger: str });
/** `tags`: the TAG_LIST tags (sorted); `tagFilter`: the TAG_REG_EXP expression; neither: ALL. */
const specShape = struct({ url: str, type: str, tags: list(str), tagFilter: str });
const idsShape = struct({ instanceId: str, repoId: str, triggerId: str });
export type TriggerKey = Decoded<typeof keyShape>;
export type TriggerSpec = Decoded<typeof specShape>;
export type TriggerIds = Decoded<typeof idsShape>;

/** `instance[i].namespace[ns].repository[r].trigger[name]`. */
export function triggerAddress(instance: string, namespace: string, repository: string, trigger: string): string {
  return address(repositoryAddress(instance, namespace, repository), segment('trigger', trigger));
}

/** What the live spec holds instead of the URL: salted with the trigger id, never reversible to a shown value. */
export function urlDigest(triggerId: string, url: string): string {
  return `sha256:${createHash('sha256').update(`${triggerId}\u0000${url}`).digest('hex')}`;
}

/** The API's TriggerType and TriggerTag of a spec. */
function apiTag(spec: TriggerSpec): { TriggerType: string; TriggerTag?: string } {
  if (spec.type === 'tags') return { TriggerType: 'TAG_LIST', TriggerTag: JSON.stringify(spec.tags) };
  if (spec.type === 'tagFilter') return { TriggerType: 'TAG_REG_EXP', TriggerTag: spec.tagFilter };
  return { TriggerType: 'ALL' };
}

/** The live spec of a trigger (the URL as its digest). A TriggerTag that is no JSON list keeps its raw text. */
function liveSpec(t: CrTrigger): TriggerSpec {
  const url = urlDigest(t.TriggerId ?? '', t.TriggerUrl ?? '');
  if (t.TriggerType === 'TAG_LIST' || t.TriggerType === 'TAG_LISTTAG') {
    let tags: unknown;
    try {
      tags = JSON.parse(t.TriggerTag ?? '');
    } catch {
      tags = undefined;
    }
    const ok = Array.isArray(tags) && tags.every((x) => typeof x === 'string');
    return { url, type: 'tags', tags: ok ? [...(tags as string[])].sort() : [t.TriggerTag ?? ''], tagFilter: '' };
  }
  if (t.TriggerType === 'TAG_REG_EXP') return { url, type: 'tagFilter', tags: [], tagFilter: t.TriggerTag ?? '' };
  return { url, type: t.TriggerType === 'ALL' ? 'all' : (t.TriggerType ?? ''), tags: [], tagFilter: '' };
}

/** Compares a desired spec (with the URL) with a live trigger's spec (with its digest). */
function changesOf(desired: TriggerSpec, live: TriggerSpec, triggerId: string): FieldChange[] {
  const out: FieldChange[] = [];
  for (const path of ['tagFilter', 'tags', 'type', 'url'] as const) {
    const same = path === 'url' ? urlDigest(triggerId, desired.url) === live.url : deepEqual(desired[path], live[path]);
    if (!same) out.push({ path, before: live[path], after: desired[path], impact: 'update' });
  }
  return out;
}

async function repoTriggers(cr: CrClient, instanceId: string, repoId: string): Promise<readonly CrTrigger[]> {
  return (await cr.listRepoTrigger({ InstanceId: instanceId, RepoId: repoId })).Triggers ?? [];
}

async function create(ctx: ExecContext, s: Subject<TriggerSpec, TriggerIds, TriggerKey>): Promise<Outcome> {
  const { instanceId, repoId } = repositoryIdsOf(ctx, s.key);
  const cr = ctx.cloud.cr(s.account, s.region);
  // The intent names the trigger, never its URL.
  await ctx.intent('CreateRepoTrigger', { instanceId, repoId, trigger: s.key.trigger });
  try {
    const r = await cr.createRepoTrigger({ InstanceId: instanceId, RepoId: repoId, TriggerName: s.key.trigger, TriggerUrl: s.spec.url, ...apiTag(s.spec) });
    if (r.TriggerId === undefined) throw new AcrctlError('apply.no_id', `CreateRepoTrigger for ${s.id} returned no TriggerId`, { address: s.id });
    return { ids: { instanceId, repoId, triggerId: r.TriggerId } };
  } catch (err) {
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    const found = (await repoTriggers(cr, instanceId, repoId)).find((t) => t.TriggerName === s.key.trigger);
    if (found?.TriggerId === undefined) throw err;
    const changes = changesOf(s.spec, liveSpec(found), found.TriggerId);
    if (changes.length > 0) existsDifferent(s.id, changes);
    return { ids: { instanceId, repoId, triggerId: found.TriggerId } };
  }
}

async function update(ctx: ExecContext, c: Change<TriggerSpec, TriggerIds, TriggerKey>): Promise<Outcome> {
  const { instanceId, repoId, triggerId } = c.ids;
  await ctx.intent('UpdateRepoTrigger', { instanceId, repoId, triggerId, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateRepoTrigger({ InstanceId: instanceId, RepoId: repoId, TriggerId: triggerId, TriggerName: c.key.trigger, TriggerUrl: c.spec.url, ...apiTag(c.spec) });
  return { ids: c.ids };
}

async function remove(ctx: ExecContext, r: Removal<TriggerSpec, TriggerIds, TriggerKey>): Promise<Outcome> {
  const { instanceId, repoId, triggerId } = r.ids;
  await ctx.intent('DeleteRepoTrigger', { instanceId, repoId, triggerId });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteRepoTrigger({ InstanceId: instanceId, RepoId: repoId, TriggerId: triggerId });
  } catch (err) {
    if (!isNotFound(err)) throw err; // TRIGGER_NOT_EXIST, REPO_NOT_EXIST: already gone
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<TriggerSpec, TriggerIds, TriggerKey>): Promise<Observation<TriggerIds>> {
  const instanceId = ctx.ids(instanceAddress(s.key.instance))['instanceId'];
  const repoId = s.ids?.repoId ?? ctx.ids(repositoryAddress(s.key.instance, s.key.namespace, s.key.repository))['repoId'];
  if (instanceId === undefined || repoId === undefined || repoId === '') return { state: 'absent' };
  let triggers: readonly CrTrigger[];
  try {
    triggers = await repoTriggers(ctx.cloud.cr(s.account, s.region), instanceId, repoId);
  } catch (err) {
    if (isNotFound(err)) return { state: 'absent' };
    throw err;
  }
  const found = s.ids !== undefined ? triggers.find((t) => t.TriggerId === s.ids!.triggerId) : triggers.find((t) => t.TriggerName === s.key.trigger);
  if (found?.TriggerId === undefined) return { state: 'absent' };
  const upToDate = found.TriggerName === s.key.trigger && changesOf(s.spec, liveSpec(found), found.TriggerId).length === 0;
  return { state: 'present', upToDate, ready: true, ids: { instanceId, repoId, triggerId: found.TriggerId } };
}

/** Trigger names are unique per repository. */
const REFERENCES: ReferenceCheck = ({ instances, entries, items, str, quote, report }) => {
  for (const [alias, inst] of instances) {
    for (const [ns, nsObj] of entries(inst['namespaces'])) {
      for (const [repo, repoObj] of entries(nsObj['repositories'])) {
        const seen = new Map<string, number>();
        for (const [i, t] of items(repoObj['triggers'])) {
          const name = str(t['name']);
          if (name === undefined) continue;
          const first = seen.get(name);
          if (first !== undefined) {
            report('ref/duplicate-key', `trigger name ${quote(name)} is used twice in repository ${quote(`${ns}/${repo}`)} (first at triggers[${first}])`, ['instances', alias, 'namespaces', ns, 'repositories', repo, 'triggers', i, 'name'], 'a trigger name is its natural key within the repository');
          } else seen.set(name, i);
        }
      }
    }
  }
};

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/repository': {
      triggers: {
        description: 'Webhooks called when an image is pushed (natural key: name). Their URLs are secrets: `${env:NAME}` only, never printed.',
        type: 'array',
        items: { $ref: '#/$defs/trigger' },
        examples: [[{ name: 'deploy', url: '${env:DEPLOY_WEBHOOK_URL}', tagFilter: 'release-.*' }]],
      },
    },
  },
  defs: {
    trigger: {
      description:
        'A repository webhook (API CreateRepoTrigger). Fires for every tag, for the tags of `tags`, or for the tags matching `tagFilter`. The event is not settable through the API.',
      type: 'object',
      required: ['name', 'url'],
      additionalProperties: false,
      properties: {
        name: { description: 'Trigger name, unique within the repository (API TriggerName).', type: 'string', minLength: 1, maxLength: 128, examples: ['deploy'] },
        url: {
          description: 'The URL called (API TriggerUrl), http or https. A secret (URLs carry tokens): only as `${env:NAME}` (anything else is the error secret/in-config); masked in plans, never written to plan files or journals.',
          type: 'string',
          minLength: 1,
          examples: ['${env:DEPLOY_WEBHOOK_URL}'],
        },
        tags: {
          description: 'Fire only for these tags (API TriggerType TAG_LIST). Not with `tagFilter`.',
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', minLength: 1, maxLength: 128 },
        },
        tagFilter: { description: 'Fire only for tags matching this RE2 expression (API TriggerType TAG_REG_EXP). Not with `tags`.', $ref: '#/$defs/tagFilter' },
      },
      allOf: [{ if: { required: ['tags'] }, then: { properties: { tagFilter: { not: {}, errorMessage: 'a trigger has tags or tagFilter, not both' } } } }],
    },
  },
  sections: [['trigger', '#/$defs/trigger']],
};

/** The env variable adopt writes for a trigger's URL. */
export function triggerEnvName(namespace: string, repository: string, trigger: string): string {
  return `ACRCTL_WEBHOOK_${[namespace, repository, trigger].join('_').toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/**
 * The calls of the kind (issue 17), per declared repository: ListRepoTrigger (read, and to find a
 * trigger again after a create); Create and Update where triggers are declared; Delete where the
 * instance prunes. Adopt lists the triggers of every repository.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) => {
    const inst = config.instances![s.alias]!;
    const out: CallNeed[] = [...instanceCalls(s, ['read'], ['cr:ListRepoTrigger'], {}, ['adopt'])];
    for (const [ns, decl] of Object.entries(inst.namespaces ?? {})) {
      for (const [repo, r] of Object.entries(decl.repositories ?? {})) {
        const on = { namespace: ns, repository: repo };
        const declared = (r.triggers ?? []).length > 0;
        out.push(...instanceCalls(s, ['read', 'observe', 'create'], ['cr:ListRepoTrigger'], on));
        if (declared) out.push(...instanceCalls(s, ['create'], ['cr:CreateRepoTrigger'], on), ...instanceCalls(s, ['update'], ['cr:UpdateRepoTrigger'], on));
        if (prunes(inst)) out.push(...instanceCalls(s, ['delete'], ['cr:DeleteRepoTrigger'], on, ['apply']));
      }
    }
    return out;
  });
}

export const triggerKind: Kind<TriggerSpec, TriggerIds, TriggerKey> = {
  name: 'trigger',
  readAfter: ['instance', 'repository'],
  reportsUnmanaged: true,
  address: (k) => triggerAddress(k.instance, k.namespace, k.repository, k.trigger),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    const out: DesiredObject<TriggerSpec, TriggerKey>[] = [];
    for (const [alias, inst] of Object.entries(config.instances ?? {})) {
      for (const [ns, nsObj] of Object.entries(inst.namespaces ?? {})) {
        for (const [repo, repoObj] of Object.entries(nsObj.repositories ?? {})) {
          for (const t of repoObj.triggers ?? []) {
            const type = t.tags !== undefined ? 'tags' : t.tagFilter !== undefined ? 'tagFilter' : 'all';
            out.push({
              id: triggerAddress(alias, ns, repo, t.name),
              kind: 'trigger',
              account: inst.account,
              region: inst.region,
              instance: alias,
              key: { instance: alias, namespace: ns, repository: repo, trigger: t.name },
              spec: { url: t.url, type, tags: [...new Set(t.tags ?? [])].sort(), tagFilter: t.tagFilter ?? '' },
              requires: [instanceAddress(alias), namespaceAddress(alias, ns), repositoryAddress(alias, ns, repo)],
              sensitive: ['url'],
            });
          }
        }
      }
    }
    return out;
  },

  async read(ctx: ReadContext) {
    const running = new Map(runningInstances(ctx).map((m) => [m.alias, m] as const));
    const declared = new Set(ctx.desired.filter((d) => d.kind === 'repository').map((d) => d.id));
    const repos = ctx.live('repository').filter((l) => l.instance !== undefined && running.has(l.instance) && (ctx.discover === true || declared.has(l.id)) && (l.ids['repoId'] ?? '') !== '');
    const per = await mapLimit(repos, READS_IN_FLIGHT, async (l) => {
      const m = running.get(l.instance!)!;
      const ns = l.key['namespace'] ?? '';
      const repo = l.key['repository'] ?? '';
      const repoId = l.ids['repoId']!;
      return (await repoTriggers(ctx.cloud.cr(m.account, m.region), m.instanceId, repoId)).map((t): LiveObject<TriggerSpec, TriggerIds, TriggerKey> => {
        const name = t.TriggerName ?? t.TriggerId ?? '';
        return {
          id: triggerAddress(m.alias, ns, repo, name),
          kind: 'trigger',
          account: m.account,
          region: m.region,
          instance: m.alias,
          key: { instance: m.alias, namespace: ns, repository: repo, trigger: name },
          spec: liveSpec(t),
          ids: { instanceId: m.instanceId, repoId, triggerId: t.TriggerId ?? '' },
          container: l.id,
          prunable: prunes(m.config),
          requires: [l.id],
        };
      });
    });
    return per.flat();
  },

  /** Every field changes in place; the URL is compared through its digest. */
  diff(desired, live) {
    return { changes: changesOf(desired.spec, live.spec, live.ids.triggerId) };
  },

  /** The URL is never adopted: an `${env:…}` reference takes its place, and a note says which. */
  toConfig(l) {
    const { namespace, repository, trigger } = l.key;
    const s = l.spec;
    if (s.type !== 'all' && s.type !== 'tags' && s.type !== 'tagFilter') return { notes: [{ address: l.id, message: `not adopted: trigger type ${JSON.stringify(s.type)} has no form in the language` }] };
    const env = triggerEnvName(namespace, repository, trigger);
    const value = { name: trigger, url: `\${env:${env}}`, ...(s.type === 'tags' ? { tags: s.tags } : {}), ...(s.type === 'tagFilter' ? { tagFilter: s.tagFilter } : {}) };
    return {
      pieces: [{ item: ['instances', l.key.instance, 'namespaces', namespace, 'repositories', repository, 'triggers'], value, order: trigger }],
      notes: [{ address: l.id, message: `its URL is a secret and is not written: set ${env} to it (acrctl compares it by digest, so a plan shows whether it matches)` }],
    };
  },

  observe,
  create,
  update,
  delete: remove,
};
