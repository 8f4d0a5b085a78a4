/** cr 2018-12-01 instance actions (instances themselves are bought and released through BSS). */
import type { RpcAction } from '../../../core/contract.js';
import { optionalInt, optionalString, repeatList, repeatObjects, requireString } from '../../../core/params.js';
import { instanceStatus, liveInstances, SPECIFICATION, type InstanceRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields } from './common.js';
import { CR_REGIONS } from '../regions.js';
import { issueCredential, TEMP_USERNAME } from '../../../registry/credentials.js';

const INSTANCE_STATUSES = ['PENDING', 'INIT_ERROR', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'DELETING', 'DELETED'];

/** At most 20 tags per instance (TagResources remarks); the request limit is taken to be the same (chosen). */
const MAX_TAGS = 20;

/** System tags (`acs:`, `aliyun` prefixes, any case) are set by the platform, never by a caller. */
function isSystemTag(key: string): boolean {
  return /^(acs:|aliyun)/i.test(key);
}

/** Alibaba Cloud tag rules (Resource Management): key 1-128 characters, no system prefix, no URL scheme. */
function checkTagKey(key: string): void {
  if (key.length > 128) throw invalidParameter('Tag.N.Key', 'is at most 128 characters.');
  if (isSystemTag(key)) throw invalidParameter('Tag.N.Key', `${key} starts with acs: or aliyun, which are reserved for system tags.`);
  if (/https?:\/\//i.test(key)) throw invalidParameter('Tag.N.Key', 'cannot contain http:// or https://.');
}

/** Tag values: 0-128 characters, no URL scheme. */
function checkTagValue(value: string): void {
  if (value.length > 128) throw invalidParameter('Tag.N.Value', 'is at most 128 characters.');
  if (/https?:\/\//i.test(value)) throw invalidParameter('Tag.N.Value', 'cannot contain http:// or https://.');
}

function tagsOf(inst: InstanceRecord): { TagKey: string; TagValue: string }[] {
  return inst.tags.map((t) => ({ TagKey: t.key, TagValue: t.value }));
}

export const instanceActions: Readonly<Record<string, RpcAction>> = {
  ListInstance: action(false, (ctx, p, st) => {
    const now = ctx.now();
    const name = optionalString(p, 'InstanceName');
    const status = optionalString(p, 'InstanceStatus');
    if (status !== undefined && !INSTANCE_STATUSES.includes(status)) throw invalidParameter('InstanceStatus', `${status} is not a known status.`);
    const rg = optionalString(p, 'ResourceGroupId');
    const all = liveInstances(st, ctx.accountUid, ctx.region, now).filter(
      (i) =>
        (name === undefined || i.name.includes(name)) &&
        (status === undefined || instanceStatus(i, now) === status) &&
        (rg === undefined || i.resourceGroupId === rg),
    );
    const page = pageFields(ctx, all, p, false);
    return ok({
      ...page.fields,
      Instances: page.items.map((i) => ({
        // ListInstance documents its times as strings (unlike GetInstance).
        CreateTime: String(i.createdAt),
        ModifiedTime: String(i.modifiedAt),
        InstanceId: i.instanceId,
        InstanceName: i.name,
        InstanceSpecification: SPECIFICATION[i.edition],
        InstanceStatus: instanceStatus(i, now),
        InstanceIssue: '',
        RegionId: i.region,
        ResourceGroupId: i.resourceGroupId,
        Tags: tagsOf(i),
      })),
    });
  }),

  GetInstance: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st, false);
    return ok({
      InstanceId: inst.instanceId,
      InstanceName: inst.name,
      InstanceSpecification: SPECIFICATION[inst.edition],
      InstanceStatus: instanceStatus(inst, ctx.now()),
      InstanceIssue: '',
      CreateTime: inst.createdAt,
      ModifiedTime: inst.modifiedAt,
      ResourceGroupId: inst.resourceGroupId,
      Tags: tagsOf(inst),
    });
  }),

  GetInstanceCount: action(false, (ctx, _p, st) => ok({ Count: liveInstances(st, ctx.accountUid, ctx.region, ctx.now()).length })),

  GetInstanceUsage: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    return ok({
      NamespaceQuota: String(inst.quotas.namespace),
      NamespaceUsage: String(inst.namespaceOrder.length),
      RepoQuota: String(inst.quotas.repo),
      RepoUsage: String(inst.repoOrder.length),
      ChartNamespaceQuota: String(inst.quotas.chartNamespace),
      ChartNamespaceUsage: String(inst.charts?.namespaces.length ?? 0),
      ChartRepoQuota: String(inst.quotas.chartRepo),
      ChartRepoUsage: String(inst.charts?.repos.length ?? 0),
      VpcQuota: String(inst.quotas.vpc),
      VpcUsage: String(inst.vpcLinks.length),
    });
  }),

  ListInstanceRegion: action(false, () => ok({ Regions: CR_REGIONS.map((r) => ({ RegionId: r, LocalName: r })) })),

  GetAuthorizationToken: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const hours = optionalInt(p, 'ExpiresInHours') ?? 1;
    if (hours < 1 || hours > 24) throw invalidParameter('ExpiresInHours', 'must be between 1 and 24.');
    const n = ctx.ids.seq('cr.authToken');
    const expires = ctx.now() + hours * 3_600_000;
    // Recorded (hashed) so the instance's emulated registry accepts it as basic auth.
    const token = issueCredential((st.registryCredentials ??= {}), `emu-${inst.instanceId}-${n.toString(36)}`, inst.instanceId, expires, ctx.now());
    return ok({ TempUsername: TEMP_USERNAME, AuthorizationToken: token, ExpireTime: expires });
  }),

  ResetLoginPassword: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const pw = requireString(p, 'Password');
    const classes = [/[a-zA-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(pw)).length;
    if (pw.length < 8 || pw.length > 32 || classes < 2) {
      throw invalidParameter('Password', 'must be 8-32 characters with at least two of letters, digits and symbols.');
    }
    // The password itself is never stored (state files are output).
    inst.modifiedAt = ctx.now();
    return ok();
  }),

  ChangeResourceGroup: action(true, (ctx, p, st) => {
    const rg = requireString(p, 'ResourceGroupId');
    const id = requireString(p, 'ResourceId');
    const region = requireString(p, 'ResourceRegionId');
    // Resource Manager is not emulated: any well-formed id names a group (chosen).
    if (!/^rg-[a-z0-9]{1,60}$/.test(rg)) throw invalidParameter('ResourceGroupId', `${rg} is not a resource group id.`);
    if (region !== ctx.region) throw invalidParameter('ResourceRegionId', `the instance is in ${ctx.region}.`);
    const inst = callInstance(ctx, { ...p, InstanceId: id }, st, false);
    inst.resourceGroupId = rg;
    inst.modifiedAt = ctx.now();
    return ok();
  }),

  TagResources: action(true, (ctx, p, st) => {
    if (requireString(p, 'ResourceType') !== 'Instance') throw invalidParameter('ResourceType', 'only Instance is supported.');
    const tags = repeatObjects(p, 'Tag');
    if (tags.length === 0) throw invalidParameter('Tag', 'at least one tag is required.');
    if (tags.length > MAX_TAGS) throw invalidParameter('Tag', `at most ${MAX_TAGS} tags per request.`);
    const ids = repeatList(p, 'ResourceId');
    if (ids.length === 0) throw invalidParameter('ResourceId', 'at least one resource is required.');
    const seen = new Set<string>();
    for (const t of tags) {
      const key = t['Key'];
      if (key === undefined || key === '') throw invalidParameter('Tag.N.Key', 'is required.');
      checkTagKey(key);
      checkTagValue(t['Value'] ?? '');
      if (seen.has(key)) throw invalidParameter('Tag.N.Key', `${key} is given twice.`);
      seen.add(key);
    }
    const insts = ids.map((id) => callInstance(ctx, { InstanceId: id }, st, false));
    for (const inst of insts) {
      const user = new Set(inst.tags.filter((t) => !isSystemTag(t.key)).map((t) => t.key));
      for (const k of seen) user.add(k);
      // The documented limit: at most 20 tags per instance, checked before anything is bound.
      if (user.size > MAX_TAGS) throw crError('TAG_QUOTA_EXCEED', `An instance can have at most ${MAX_TAGS} tags; ${inst.instanceId} would have ${user.size}.`);
    }
    for (const inst of insts) {
      for (const t of tags) {
        const key = t['Key']!;
        const value = t['Value'] ?? '';
        const existing = inst.tags.find((x) => x.key === key);
        if (existing !== undefined) existing.value = value;
        else inst.tags.push({ key, value });
      }
    }
    return ok();
  }),

  UntagResources: action(true, (ctx, p, st) => {
    if (requireString(p, 'ResourceType') !== 'Instance') throw invalidParameter('ResourceType', 'only Instance is supported.');
    const keys = repeatList(p, 'TagKey');
    const all = optionalString(p, 'All') === 'true';
    const ids = repeatList(p, 'ResourceId');
    if (ids.length === 0) throw invalidParameter('ResourceId', 'at least one resource is required.');
    if (!all && keys.length === 0) throw invalidParameter('TagKey', 'give the keys to remove, or All=true.');
    if (keys.length > MAX_TAGS) throw invalidParameter('TagKey', `at most ${MAX_TAGS} keys per request.`);
    for (const k of keys) if (isSystemTag(k)) throw invalidParameter('TagKey', `${k} is a system tag and cannot be removed.`);
    const insts = ids.map((id) => callInstance(ctx, { InstanceId: id }, st, false));
    // All=true removes every user tag; system tags (acs:, aliyun) stay (chosen, as the console does).
    for (const inst of insts) inst.tags = inst.tags.filter((t) => (all ? isSystemTag(t.key) : !keys.includes(t.key)));
    return ok();
  }),

  ListTagResources: action(false, (ctx, p, st) => {
    if (requireString(p, 'ResourceType') !== 'Instance') throw invalidParameter('ResourceType', 'only Instance is supported.');
    const ids = repeatList(p, 'ResourceId');
    const filter = repeatObjects(p, 'Tag');
    // Documented: ResourceId.N or Tag.N (at least one) names what is listed.
    if (ids.length === 0 && filter.length === 0) throw invalidParameter('ResourceId', 'give ResourceId.N or Tag.N.');
    const insts = ids.length > 0 ? ids.map((id) => callInstance(ctx, { InstanceId: id }, st, false)) : liveInstances(st, ctx.accountUid, ctx.region, ctx.now());
    const rows: Record<string, string>[] = [];
    for (const inst of insts) {
      for (const t of inst.tags) {
        if (filter.length > 0 && !filter.some((f) => f['Key'] === t.key && (f['Value'] === undefined || f['Value'] === t.value))) continue;
        rows.push({ ResourceId: inst.instanceId, ResourceType: 'Instance', TagKey: t.key, TagValue: t.value });
      }
    }
    const token = optionalString(p, 'NextToken');
    const start = token === undefined ? 0 : Number(/^o(\d+)$/.exec(token)?.[1] ?? NaN);
    if (Number.isNaN(start)) throw crError('INVALID_NEXT_TOKEN', 'The NextToken is invalid.');
    const size = 50;
    const body: Record<string, unknown> = { TagResources: { TagResource: rows.slice(start, start + size) } };
    if (start + size < rows.length) body['NextToken'] = `o${start + size}`;
    return ok(body);
  }),
};
