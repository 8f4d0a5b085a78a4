/**
 * Kind `scan-rule`: a vulnerability (VUL) or content-analysis (SBOM) scan rule of an instance
 * (`instance[i].scan-rule[name]`), matched to live rules by rule name within the instance.
 *
 * Reads: cr ListScanRule (HTTP GET, paged) per matched RUNNING instance; it returns every field, so
 * no GetScanRule (Terraform reads each rule with it). Rules not declared are unmanaged under the
 * instance, pruned when it has `prune: true`.
 * Acts: CreateScanRule / UpdateScanRule (name, scope, namespaces, repositories, tag filter and trigger
 * in place) / DeleteScanRule. UpdateScanRule has no ScanType, so a new scan type replaces the rule
 * (delete, then create: the name is the key). `Namespaces` and `RepoNames` travel as JSON strings.
 *
 * Also the instance's `imageScanner` (ACR | SAS | DISABLE): part of this kind's language, sent by the
 * instance kind as the BSS CreateInstance parameter `image_scanner` when it buys the instance. No
 * API reads it or changes it afterwards (Terraform's update ignores it too), so it is never
 * compared; `extras` says so in the plan of an instance that already exists.
 */
import type { CrClient, CrScanRuleFields } from '../cloud/cr.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import type { ScanRule } from '../config/model.generated.js';
import { AcrctlError } from '../errors.js';
import { address, segment } from '../plan/address.js';
import { list, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { PlanFinding } from '../plan/model.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { instanceChildCalls } from './permits.js';
import { namespaceAddress } from './namespace.js';
import { repositoryAddress } from './repository.js';
import { existsDifferent, isNotFound, vendorCode } from './support.js';

export const SCAN_DEFAULTS = { tagFilter: '.*', trigger: 'auto', scanType: 'VUL' } as const;
const SCOPE_API = { instance: 'INSTANCE', namespace: 'NAMESPACE', repository: 'REPO' } as const;
const TRIGGER_API = { auto: 'AUTO', manual: 'MANUAL' } as const;

const keyShape = struct({ instance: str, rule: str });
const specShape = struct({ scope: str, namespaces: list(str), repositories: list(str), tagFilter: str, trigger: str, scanType: str });
const idsShape = struct({ instanceId: str, scanRuleId: str });
export type ScanRuleKey = Decoded<typeof keyShape>;
export type ScanRuleSpec = Decoded<typeof specShape>;
export type ScanRuleIds = Decoded<typeof idsShape>;

/** `instance[i].scan-rule[name]`. */
export function scanRuleAddress(instance: string, rule: string): string {
  return address(instanceAddress(instance), segment('scan-rule', rule));
}

const sorted = (xs: readonly string[] | undefined): string[] => [...new Set(xs ?? [])].sort();

function desiredSpec(r: ScanRule): ScanRuleSpec {
  return {
    scope: r.scope,
    namespaces: r.scope === 'namespace' ? sorted(r.namespaces) : r.scope === 'repository' ? [r.namespace] : [],
    repositories: r.scope === 'repository' ? sorted(r.repositories) : [],
    tagFilter: r.tagFilter ?? SCAN_DEFAULTS.tagFilter,
    trigger: r.trigger ?? SCAN_DEFAULTS.trigger,
    scanType: r.scanType ?? SCAN_DEFAULTS.scanType,
  };
}

function liveSpec(r: CrScanRuleFields): ScanRuleSpec {
  const scope = r.ScanScope === 'INSTANCE' ? 'instance' : r.ScanScope === 'NAMESPACE' ? 'namespace' : r.ScanScope === 'REPO' ? 'repository' : (r.ScanScope ?? '');
  const trigger = r.TriggerType === 'AUTO' ? 'auto' : r.TriggerType === 'MANUAL' ? 'manual' : (r.TriggerType ?? '');
  return { scope, namespaces: sorted(r.Namespaces), repositories: sorted(r.RepoNames), tagFilter: r.RepoTagFilterPattern ?? '', trigger, scanType: r.ScanType ?? '' };
}

function requiresOf(alias: string, spec: ScanRuleSpec): string[] {
  const out = [instanceAddress(alias), ...spec.namespaces.map((ns) => namespaceAddress(alias, ns))];
  if (spec.scope === 'repository' && spec.namespaces.length === 1) out.push(...spec.repositories.map((r) => repositoryAddress(alias, spec.namespaces[0]!, r)));
  return out;
}

async function liveRules(cr: CrClient, instanceId: string): Promise<CrScanRuleFields[]> {
  return (await cr.allScanRules({ InstanceId: instanceId })).items;
}

function apiFields(instanceId: string, name: string, spec: ScanRuleSpec) {
  return {
    InstanceId: instanceId,
    RuleName: name,
    ScanScope: SCOPE_API[spec.scope as keyof typeof SCOPE_API],
    ...(spec.namespaces.length > 0 ? { Namespaces: spec.namespaces } : {}),
    ...(spec.repositories.length > 0 ? { RepoNames: spec.repositories } : {}),
    RepoTagFilterPattern: spec.tagFilter,
    TriggerType: TRIGGER_API[spec.trigger as keyof typeof TRIGGER_API],
  };
}

async function create(ctx: ExecContext, s: Subject<ScanRuleSpec, ScanRuleIds, ScanRuleKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateScanRule', { instanceId, rule: s.key.rule });
  try {
    const r = await cr.createScanRule({ ...apiFields(instanceId, s.key.rule, s.spec), ScanType: s.spec.scanType });
    if (r.ScanRuleId === undefined) throw new AcrctlError('apply.no_id', `CreateScanRule for ${s.id} returned no ScanRuleId`, { address: s.id });
    return { ids: { instanceId, scanRuleId: r.ScanRuleId } };
  } catch (err) {
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    const found = (await liveRules(cr, instanceId)).find((r) => r.RuleName === s.key.rule);
    if (found?.ScanRuleId === undefined) throw err;
    const changes = compareSpec(s.spec, liveSpec(found));
    if (changes.length > 0) existsDifferent(s.id, changes);
    return { ids: { instanceId, scanRuleId: found.ScanRuleId } };
  }
}

async function update(ctx: ExecContext, c: Change<ScanRuleSpec, ScanRuleIds, ScanRuleKey>): Promise<Outcome> {
  const { instanceId, scanRuleId } = c.ids;
  await ctx.intent('UpdateScanRule', { instanceId, scanRuleId, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateScanRule({ ...apiFields(instanceId, c.key.rule, c.spec), ScanRuleId: scanRuleId });
  return { ids: c.ids };
}

async function remove(ctx: ExecContext, r: Removal<ScanRuleSpec, ScanRuleIds, ScanRuleKey>): Promise<Outcome> {
  const { instanceId, scanRuleId } = r.ids;
  await ctx.intent('DeleteScanRule', { instanceId, scanRuleId });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteScanRule({ InstanceId: instanceId, ScanRuleId: scanRuleId });
  } catch (err) {
    if (!isNotFound(err)) throw err; // SCAN_RULE_NOT_EXIST: already gone
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<ScanRuleSpec, ScanRuleIds, ScanRuleKey>): Promise<Observation<ScanRuleIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const rules = await liveRules(ctx.cloud.cr(s.account, s.region), instanceId);
  const found = s.ids !== undefined ? rules.find((r) => r.ScanRuleId === s.ids!.scanRuleId) : rules.find((r) => r.RuleName === s.key.rule);
  if (found?.ScanRuleId === undefined) return { state: 'absent' };
  const upToDate = found.RuleName === s.key.rule && compareSpec(s.spec, liveSpec(found)).length === 0;
  return { state: 'present', upToDate, ready: true, ids: { instanceId, scanRuleId: found.ScanRuleId } };
}

/** Rule names are unique per instance; the namespaces and repositories a rule names are declared. */
const REFERENCES: ReferenceCheck = ({ instances, items, entries, str, quote, report, needNamespace }) => {
  for (const [alias, inst] of instances) {
    const seen = new Map<string, number>();
    const namespaces = new Map(entries(inst['namespaces']));
    for (const [i, rule] of items(inst['scanRules'])) {
      const path = ['instances', alias, 'scanRules', i];
      const name = str(rule['name']);
      const label = name === undefined ? `scan rule ${i}` : `scan rule ${quote(name)}`;
      if (name !== undefined) {
        const first = seen.get(name);
        if (first !== undefined) report('ref/duplicate-key', `scan rule name ${quote(name)} is used twice in instance ${quote(alias)} (first at scanRules[${first}])`, [...path, 'name'], 'a scan rule name is its natural key within the instance');
        else seen.set(name, i);
      }
      const list = Array.isArray(rule['namespaces']) ? (rule['namespaces'] as unknown[]) : [];
      list.forEach((ns, j) => needNamespace(alias, ns, [...path, 'namespaces', j], label));
      if (rule['namespace'] !== undefined) needNamespace(alias, rule['namespace'], [...path, 'namespace'], label);
      const ns = str(rule['namespace']);
      const repos = Array.isArray(rule['repositories']) ? (rule['repositories'] as unknown[]) : [];
      if (ns === undefined || !namespaces.has(ns)) continue;
      const declared = new Map(entries(namespaces.get(ns)!['repositories']));
      repos.forEach((r, j) => {
        if (typeof r === 'string' && !declared.has(r)) {
          report('ref/unknown-repository', `${label} names repository ${quote(`${ns}/${r}`)}, which instance ${quote(alias)} does not declare`, [...path, 'repositories', j], `declare it under namespaces.${ns}.repositories`);
        }
      });
    }
  }
};

const nameList = (what: string) => ({ description: what, type: 'array', minItems: 1, uniqueItems: true });

/**
 * The scope rules of a rule with `scope` instance | namespace | repository (scan rules; event rules
 * add theirs): which of `namespaces`, `namespace` and `repositories` each scope takes, in the
 * schema, so editors show the message.
 */
export const SCOPE_RULES: readonly Record<string, unknown>[] = [
  {
    if: { required: ['scope'], properties: { scope: { const: 'instance' } } },
    then: {
      properties: {
        namespaces: { not: {}, errorMessage: 'namespaces is only used with scope: namespace' },
        namespace: { not: {}, errorMessage: 'namespace is only used with scope: repository' },
        repositories: { not: {}, errorMessage: 'repositories is only used with scope: repository' },
      },
    },
  },
  {
    if: { required: ['scope'], properties: { scope: { const: 'namespace' } } },
    then: {
      required: ['namespaces'],
      properties: {
        namespace: { not: {}, errorMessage: 'namespace is only used with scope: repository (use namespaces)' },
        repositories: { not: {}, errorMessage: 'repositories is only used with scope: repository' },
      },
    },
  },
  {
    if: { required: ['scope'], properties: { scope: { const: 'repository' } } },
    then: {
      required: ['namespace', 'repositories'],
      properties: { namespaces: { not: {}, errorMessage: 'namespaces is only used with scope: namespace (use namespace)' } },
    },
  },
];

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      imageScanner: {
        description:
          'Scan engine of the instance: `ACR` (Container Registry\'s own), `SAS` (Security Center) or `DISABLE`. Sent only when acrctl buys the instance (BSS CreateInstance `image_scanner`, as Terraform\'s image_scanner); no API reads or changes it later, so it is never compared.',
        type: 'string',
        enum: ['ACR', 'SAS', 'DISABLE'],
      },
      scanRules: {
        description: 'Image scan rules (natural key: name): which pushed tags are scanned for vulnerabilities (VUL) or analysed for their content (SBOM).',
        type: 'array',
        items: { $ref: '#/$defs/scanRule' },
        examples: [[{ name: 'prod-images', scope: 'namespace', namespaces: ['team-a'], tagFilter: 'release-.*', trigger: 'auto' }]],
      },
    },
  },
  defs: {
    scanRule: {
      description: 'A scan rule (API CreateScanRule; Terraform alicloud_cr_scan_rule, ROS ALIYUN::CR::ScanRule).',
      type: 'object',
      required: ['name', 'scope'],
      additionalProperties: false,
      properties: {
        name: { description: 'Rule name, unique within the instance (API RuleName).', type: 'string', minLength: 1, maxLength: 128, examples: ['prod-images'] },
        scope: {
          description: '`instance`: every repository; `namespace`: the repositories of `namespaces`; `repository`: `repositories` of one `namespace` (API ScanScope INSTANCE | NAMESPACE | REPO).',
          type: 'string',
          enum: ['instance', 'namespace', 'repository'],
        },
        namespaces: { ...nameList('Namespaces scanned (declared in the instance). Required with scope namespace, not allowed otherwise.'), items: { $ref: '#/$defs/namespaceName' } },
        namespace: { description: 'The namespace of `repositories`. Required with scope repository, not allowed otherwise.', $ref: '#/$defs/namespaceName' },
        repositories: { ...nameList('Repositories of `namespace` scanned (declared there). Required with scope repository.'), items: { $ref: '#/$defs/repositoryName' } },
        tagFilter: { description: 'Only pushed tags matching this RE2 expression are scanned (API RepoTagFilterPattern).', $ref: '#/$defs/tagFilter', default: SCAN_DEFAULTS.tagFilter },
        trigger: { description: '`auto`: scan on push (API TriggerType AUTO); `manual`: only when started by hand (MANUAL).', type: 'string', enum: ['auto', 'manual'], default: SCAN_DEFAULTS.trigger },
        scanType: { description: '`VUL`: vulnerability scan; `SBOM`: content analysis. Changing it replaces the rule (UpdateScanRule has no ScanType).', type: 'string', enum: ['VUL', 'SBOM'], default: SCAN_DEFAULTS.scanType },
      },
      allOf: SCOPE_RULES,
    },
  },
  sections: [['scanRule', '#/$defs/scanRule']],
};

/**
 * The calls of the kind (issue 17): ListScanRule on every instance (read, and to find a rule again
 * after a create); Create and Update where rules are declared, Delete too (a new scan type replaces
 * the rule) and where the instance prunes.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceChildCalls(config, {
    reads: ['cr:ListScanRule'],
    readVerbs: ['read', 'observe', 'create'],
    create: 'cr:CreateScanRule',
    update: 'cr:UpdateScanRule',
    delete: 'cr:DeleteScanRule',
    declared: (inst) => (inst.scanRules ?? []).length > 0,
    deletes: (inst, declared) => declared || prunes(inst),
  });
}

export const scanRuleKind: Kind<ScanRuleSpec, ScanRuleIds, ScanRuleKey> = {
  name: 'scan-rule',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => scanRuleAddress(key.instance, key.rule),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.scanRules ?? []).map((r): DesiredObject<ScanRuleSpec, ScanRuleKey> => {
        const spec = desiredSpec(r);
        return { id: scanRuleAddress(alias, r.name), kind: 'scan-rule', account: inst.account, region: inst.region, instance: alias, key: { instance: alias, rule: r.name }, spec, requires: requiresOf(alias, spec) };
      }),
    );
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) =>
        (await liveRules(ctx.cloud.cr(m.account, m.region), m.instanceId)).map((r): LiveObject<ScanRuleSpec, ScanRuleIds, ScanRuleKey> => {
          const spec = liveSpec(r);
          const name = r.RuleName ?? r.ScanRuleId ?? '';
          return {
            id: scanRuleAddress(m.alias, name),
            kind: 'scan-rule',
            account: m.account,
            region: m.region,
            instance: m.alias,
            key: { instance: m.alias, rule: name },
            spec,
            ids: { instanceId: m.instanceId, scanRuleId: r.ScanRuleId ?? '' },
            container: m.address,
            prunable: prunes(m.config),
            requires: requiresOf(m.alias, spec).slice(1),
          };
        }),
      ),
    );
    return per.flat();
  },

  diff(desired, live) {
    return { changes: compareSpec(desired.spec, live.spec, { replace: ['scanType'], notes: { scanType: 'UpdateScanRule cannot change the scan type: delete and create again' } }) };
  },

  /** imageScanner is write-once: say so where the instance already exists (nothing can check it). */
  extras(ctx) {
    const findings: PlanFinding[] = [];
    const live = new Set(ctx.live('instance').map((l) => l.id));
    for (const [alias, inst] of Object.entries(ctx.config.instances ?? {})) {
      if (inst.imageScanner === undefined || !live.has(instanceAddress(alias))) continue;
      findings.push({
        id: 'scanning/image-scanner-unverified',
        severity: 'info',
        message: `imageScanner ${inst.imageScanner} is only sent when acrctl buys an instance; no API reads or changes it on this existing one, so acrctl neither compares nor applies it (check it in the console)`,
        where: instanceAddress(alias),
        key: { instance: alias },
      });
    }
    return { findings };
  },

  toConfig(l) {
    const s = l.spec;
    if (!(s.scope in SCOPE_API) || !(s.trigger in TRIGGER_API) || (s.scanType !== 'VUL' && s.scanType !== 'SBOM')) {
      return { notes: [{ address: l.id, message: `not adopted: scope ${JSON.stringify(s.scope)}, trigger ${JSON.stringify(s.trigger)} or scan type ${JSON.stringify(s.scanType)} has no form in the language` }] };
    }
    const where =
      s.scope === 'namespace' ? { namespaces: s.namespaces } : s.scope === 'repository' && s.namespaces.length === 1 ? { namespace: s.namespaces[0]!, repositories: s.repositories } : s.scope === 'instance' ? {} : undefined;
    if (where === undefined) return { notes: [{ address: l.id, message: `not adopted: a repository scan rule over ${s.namespaces.length} namespaces has no form in the language` }] };
    const value = {
      name: l.key.rule,
      scope: s.scope,
      ...where,
      ...(s.tagFilter !== SCAN_DEFAULTS.tagFilter ? { tagFilter: s.tagFilter } : {}),
      ...(s.trigger !== SCAN_DEFAULTS.trigger ? { trigger: s.trigger } : {}),
      ...(s.scanType !== SCAN_DEFAULTS.scanType ? { scanType: s.scanType } : {}),
    };
    return { pieces: [{ item: ['instances', l.key.instance, 'scanRules'], value, order: l.key.rule }] };
  },

  observe,
  create,
  update,
  delete: remove,
};
