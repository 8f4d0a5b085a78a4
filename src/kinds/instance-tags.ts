/**
 * Kind `instance-tags`: the resource tags of an instance (`instance[i].settings[tags]`), one object
 * per instance holding the whole map. Not the `tag` kind (src/kinds/tag.ts), which is image tags.
 *
 * The declared map is authoritative, as Terraform's `alicloud_cr_ee_instance.tags`: once
 * `instances.<i>.tags` is declared (even `{}`), every user tag it does not list is removed, with or
 * without `prune` (the map is one field of the instance, not a set of children). An instance
 * without `tags` keeps whatever tags it has; acrctl neither reads nor reports them. System tags
 * (keys starting `acs:` or `aliyun`, any case, set by the platform) are never compared, removed or
 * adopted; they do not count towards the limit of 20 user tags an instance may have (unverified:
 * the cr reference gives the 20, not whether system tags count).
 *
 * Reads: cr ListTagResources (ResourceType Instance, NextToken pages) per account and region, for
 * every RUNNING declared instance that declares `tags` (every running instance for adopt), 20
 * ResourceId.N at a time (chosen: the reference gives no limit).
 * Acts: UntagResources for user keys no longer declared, then TagResources for new and changed
 * values (so a change near the limit frees room first), each at most 20 keys per call. Both are
 * idempotent; a create (an instance acrctl buys in the same run) is the same calls.
 */
import type { CrClient, CrTagResource } from '../cloud/cr.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import { address, segment } from '../plan/address.js';
import { record, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Subject } from '../plan/kind.js';
import type { FieldChange } from '../plan/model.js';
import { deepEqual } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, runningInstances } from './instance.js';
import { instanceCalls, instanceScopes } from './permits.js';

/** User tags an instance may have (TagResources remarks), and keys per Tag/Untag call (chosen). */
export const MAX_INSTANCE_TAGS = 20;
/** ResourceId.N per ListTagResources call (chosen; no documented limit). */
const IDS_PER_LIST = 20;
const RESOURCE_TYPE = 'Instance';

const keyShape = struct({ instance: str });
const specShape = struct({ tags: record(str) });
const idsShape = struct({ instanceId: str });
export type InstanceTagsKey = Decoded<typeof keyShape>;
export type InstanceTagsSpec = Decoded<typeof specShape>;
export type InstanceTagsIds = Decoded<typeof idsShape>;

/** `instance[i].settings[tags]`. */
export function instanceTagsAddress(instance: string): string {
  return address(instanceAddress(instance), segment('settings', 'tags'));
}

/** Keys the platform sets (`acs:…`, `aliyun…`): never compared, removed or adopted. */
export function isSystemTag(key: string): boolean {
  return /^(acs:|aliyun)/i.test(key);
}

function sortedMap(m: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k]!;
  return out;
}

/** The user tags of one instance from ListTagResources rows. */
function userTags(rows: readonly CrTagResource[], instanceId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.ResourceId === instanceId && r.TagKey !== undefined && !isSystemTag(r.TagKey)) out[r.TagKey] = r.TagValue ?? '';
  return sortedMap(out);
}

async function listTags(cr: CrClient, region: string, ids: readonly string[]): Promise<CrTagResource[]> {
  const out: CrTagResource[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_LIST) {
    out.push(...(await cr.allTagResources({ RegionId: region, ResourceType: RESOURCE_TYPE, ResourceId: ids.slice(i, i + IDS_PER_LIST) })));
  }
  return out;
}

/** One change per key that differs: `tags.<key>`, added (no before), changed, or removed (no after). */
function changesOf(desired: Readonly<Record<string, string>>, live: Readonly<Record<string, string>>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const k of [...new Set([...Object.keys(desired), ...Object.keys(live)])].sort()) {
    const after = desired[k];
    const before = live[k];
    if (after === before) continue;
    out.push({ path: `tags.${k}`, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}), impact: 'update', ...(after === undefined ? { note: 'not in the declared tags, which are authoritative' } : {}) });
  }
  return out;
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Brings an instance's user tags to `want`: removes, then binds. Idempotent. */
async function converge(ctx: ExecContext, s: Subject<InstanceTagsSpec, InstanceTagsIds, InstanceTagsKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const cr = ctx.cloud.cr(s.account, s.region);
  const have = userTags(await listTags(cr, s.region, [instanceId]), instanceId);
  const want = s.spec.tags;
  const remove = Object.keys(have).filter((k) => !(k in want)).sort();
  const bind = Object.keys(want).filter((k) => have[k] !== want[k]).sort();
  for (const keys of chunks(remove, MAX_INSTANCE_TAGS)) {
    await ctx.intent('UntagResources', { instanceId, keys });
    await cr.untagResources({ RegionId: s.region, ResourceType: RESOURCE_TYPE, ResourceId: [instanceId], TagKey: keys });
  }
  for (const keys of chunks(bind, MAX_INSTANCE_TAGS)) {
    await ctx.intent('TagResources', { instanceId, keys });
    await cr.tagResources({ RegionId: s.region, ResourceType: RESOURCE_TYPE, ResourceId: [instanceId], Tag: keys.map((k) => ({ Key: k, Value: want[k]! })) });
  }
  return { ids: { instanceId } };
}

async function observe(ctx: ExecContext, s: Subject<InstanceTagsSpec, InstanceTagsIds, InstanceTagsKey>): Promise<Observation<InstanceTagsIds>> {
  const instanceId = s.ids?.instanceId ?? knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined || instanceId === '') return { state: 'absent' };
  const have = userTags(await listTags(ctx.cloud.cr(s.account, s.region), s.region, [instanceId]), instanceId);
  return { state: 'present', upToDate: deepEqual(have, sortedMap(s.spec.tags)), ready: true, ids: { instanceId } };
}

/** Tag keys and values follow the Alibaba Cloud tag rules (reported at the key, file:line:column). */
const REFERENCES: ReferenceCheck = ({ instances, report, quote }) => {
  for (const [alias, inst] of instances) {
    const tags = inst['tags'];
    if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) continue;
    for (const [k, v] of Object.entries(tags as Record<string, unknown>)) {
      const path = ['instances', alias, 'tags', k];
      const why = k.length > 128 ? 'a tag key is at most 128 characters' : isSystemTag(k) ? 'keys starting with acs: or aliyun are system tags, which only the platform sets' : /https?:\/\//i.test(k) ? 'a tag key cannot contain http:// or https://' : undefined;
      if (why !== undefined) report('schema/pattern', `invalid tag key ${quote(k.slice(0, 60))} in instances.${alias}.tags: ${why}`, path, undefined, 'key');
      if (typeof v === 'string' && /https?:\/\//i.test(v)) report('schema/pattern', `invalid value of tag ${quote(k.slice(0, 60))} in instances.${alias}.tags: a tag value cannot contain http:// or https://`, path, undefined, 'value');
    }
  }
};

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      tags: {
        description:
          'Resource tags of the instance (API TagResources; Terraform alicloud_cr_ee_instance.tags), at most 20. Authoritative, as in Terraform: once declared (even `{}`), user tags it does not list are removed on apply. Keys are 1-128 characters, values 0-128 (quote numbers), neither containing `http://` or `https://`; keys starting with `acs:` or `aliyun` are system tags, which acrctl never sets, compares or removes. Without `tags`, the instance keeps whatever tags it has.',
        type: 'object',
        maxProperties: MAX_INSTANCE_TAGS,
        propertyNames: { minLength: 1 },
        additionalProperties: { type: 'string', maxLength: 128 },
        examples: [{ env: 'prod', 'cost-center': 'platform' }],
      },
    },
  },
};

/**
 * The calls of the kind (issue 17): ListTagResources where tags are declared (read, observe, and
 * before each write) and for adopt; Tag/UntagResources where they are declared.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) => {
    const declared = config.instances![s.alias]!.tags !== undefined;
    return declared
      ? [...instanceCalls(s, ['read', 'observe', 'create', 'update'], ['cr:ListTagResources']), ...instanceCalls(s, ['create', 'update'], ['cr:TagResources', 'cr:UntagResources'])]
      : instanceCalls(s, ['read'], ['cr:ListTagResources'], {}, ['adopt']);
  });
}

export const instanceTagsKind: Kind<InstanceTagsSpec, InstanceTagsIds, InstanceTagsKey> = {
  name: 'instance-tags',
  readAfter: ['instance'],
  // One field of the instance: never unmanaged, never pruned or destroyed (the instance's refund takes it).
  reportsUnmanaged: false,
  address: (k) => instanceTagsAddress(k.instance),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]): DesiredObject<InstanceTagsSpec, InstanceTagsKey>[] =>
      inst.tags === undefined
        ? []
        : [{ id: instanceTagsAddress(alias), kind: 'instance-tags', account: inst.account, region: inst.region, instance: alias, key: { instance: alias }, spec: { tags: sortedMap(inst.tags) }, requires: [instanceAddress(alias)] }],
    );
  },

  async read(ctx: ReadContext) {
    const wanted = runningInstances(ctx).filter((m) => ctx.discover === true || m.config.tags !== undefined);
    const scopes = new Map<string, typeof wanted>();
    for (const m of wanted) {
      const k = `${m.account}\u0000${m.region}`;
      scopes.set(k, [...(scopes.get(k) ?? []), m]);
    }
    const per = await Promise.all(
      [...scopes.values()].map(async (ms) => {
        const rows = await listTags(ctx.cloud.cr(ms[0]!.account, ms[0]!.region), ms[0]!.region, ms.map((m) => m.instanceId));
        return ms.map((m): LiveObject<InstanceTagsSpec, InstanceTagsIds, InstanceTagsKey> => ({
          id: instanceTagsAddress(m.alias),
          kind: 'instance-tags',
          account: m.account,
          region: m.region,
          instance: m.alias,
          key: { instance: m.alias },
          spec: { tags: userTags(rows, m.instanceId) },
          ids: { instanceId: m.instanceId },
          container: m.address,
          prunable: false,
          requires: [],
        }));
      }),
    );
    return per.flat();
  },

  diff(desired, live) {
    return { changes: changesOf(desired.spec.tags, live.spec.tags) };
  },

  /** The user tags (system tags are not the user's to declare); none: no `tags` key. */
  toConfig(l) {
    return Object.keys(l.spec.tags).length > 0 ? { pieces: [{ set: ['instances', l.key.instance], fields: { tags: l.spec.tags } }] } : {};
  },

  observe,
  create: converge,
  update: (ctx: ExecContext, c: Change<InstanceTagsSpec, InstanceTagsIds, InstanceTagsKey>) => converge(ctx, c),
};
