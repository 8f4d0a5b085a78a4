/**
 * cr 2018-12-01 scan rules: Create/Update/Delete/GetScanRule and ListScanRule (HTTP GET in the SDK).
 * Behaviour and guesses: SPEC.md "Scan rules". Scans themselves are not modelled.
 */
import type { FlatParams, RpcAction } from '../../../core/contract.js';
import { jsonParam, optionalEnum, requireString } from '../../../core/params.js';
import { findNamespace, findRepoByName, type InstanceRecord, type ScanRuleRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok, pageFields } from './common.js';

const SCOPES = ['INSTANCE', 'NAMESPACE', 'REPO'] as const;
const TRIGGERS = ['AUTO', 'MANUAL'] as const;
const TYPES = ['VUL', 'SBOM'] as const;

function rulesOf(inst: InstanceRecord): ScanRuleRecord[] {
  return (inst.scanRules ??= []);
}

function findRule(inst: InstanceRecord, p: FlatParams): ScanRuleRecord {
  const id = requireString(p, 'ScanRuleId');
  const rule = rulesOf(inst).find((r) => r.scanRuleId === id);
  if (rule === undefined) throw crError('SCAN_RULE_NOT_EXIST', `The scan rule ${id} does not exist.`);
  return rule;
}

/** A JSON array-of-strings parameter (SDK Shrink), absent = empty. */
function names(p: FlatParams, name: string): string[] {
  const v = jsonParam(p, name);
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw invalidParameter(name, 'must be a JSON array of names.');
  return [...new Set(v as string[])];
}

/** The writable fields of Create/UpdateScanRule, checked (Terraform's documented scope rules). */
function fields(inst: InstanceRecord, p: FlatParams): Omit<ScanRuleRecord, 'scanRuleId' | 'scanType' | 'createdAt' | 'updatedAt'> {
  const name = requireString(p, 'RuleName');
  requireString(p, 'ScanScope');
  requireString(p, 'TriggerType');
  const scope = optionalEnum(p, 'ScanScope', SCOPES)!;
  const triggerType = optionalEnum(p, 'TriggerType', TRIGGERS)!;
  const tagFilter = requireString(p, 'RepoTagFilterPattern');
  try {
    new RegExp(tagFilter);
  } catch {
    throw invalidParameter('RepoTagFilterPattern', `${tagFilter} is not a regular expression.`);
  }
  const namespaces = names(p, 'Namespaces');
  const repoNames = names(p, 'RepoNames');
  if (scope === 'INSTANCE' && (namespaces.length > 0 || repoNames.length > 0)) throw invalidParameter('ScanScope', 'a rule of scope INSTANCE names no namespace or repository.');
  if (scope === 'NAMESPACE') {
    if (namespaces.length === 0) throw invalidParameter('Namespaces', 'must not be empty when the scan scope is NAMESPACE.');
    if (repoNames.length > 0) throw invalidParameter('RepoNames', 'must be empty when the scan scope is NAMESPACE.');
  }
  if (scope === 'REPO') {
    if (namespaces.length !== 1) throw invalidParameter('Namespaces', 'must contain exactly one namespace when the scan scope is REPO.');
    if (repoNames.length === 0) throw invalidParameter('RepoNames', 'must not be empty when the scan scope is REPO.');
  }
  for (const ns of namespaces) findNamespace(inst, ns);
  for (const repo of repoNames) {
    if (findRepoByName(inst, namespaces[0]!, repo) === undefined) throw crError('REPO_NOT_EXIST', `The repository ${namespaces[0]!}/${repo} does not exist.`);
  }
  return { name, scope, namespaces, repoNames, tagFilter, triggerType };
}

function unique(inst: InstanceRecord, name: string, except?: string): void {
  if (rulesOf(inst).some((r) => r.scanRuleId !== except && r.name === name)) throw crError('SCAN_RULE_ALREADY_EXIST', `A scan rule named ${name} already exists.`);
}

function view(r: ScanRuleRecord): Record<string, unknown> {
  return {
    ScanRuleId: r.scanRuleId,
    RuleName: r.name,
    ScanScope: r.scope,
    Namespaces: r.namespaces,
    RepoNames: r.repoNames,
    RepoTagFilterPattern: r.tagFilter,
    ScanType: r.scanType,
    TriggerType: r.triggerType,
    CreateTime: r.createdAt,
    UpdateTime: r.updatedAt,
  };
}

/** Create/Update/DeleteScanRule document no IsSuccess in their success bodies. */
function plain(body: Record<string, unknown> = {}): Record<string, unknown> {
  return { Code: 'success', ...body };
}

export const scanningActions: Readonly<Record<string, RpcAction>> = {
  CreateScanRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const f = fields(inst, p);
    unique(inst, f.name);
    const now = ctx.now();
    const rule: ScanRuleRecord = { scanRuleId: ctx.ids.next('crscnr-'), ...f, scanType: optionalEnum(p, 'ScanType', TYPES) ?? 'VUL', createdAt: now, updatedAt: now };
    rulesOf(inst).push(rule);
    return plain({ ScanRuleId: rule.scanRuleId });
  }),

  UpdateScanRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const rule = findRule(inst, p);
    const f = fields(inst, p);
    unique(inst, f.name, rule.scanRuleId);
    Object.assign(rule, f, { updatedAt: ctx.now() });
    return plain({ ScanRuleId: rule.scanRuleId });
  }),

  DeleteScanRule: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const rule = findRule(inst, p);
    inst.scanRules = rulesOf(inst).filter((r) => r !== rule);
    return plain();
  }),

  GetScanRule: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    return ok({ ScanRule: { ...view(findRule(inst, p)), InstanceId: inst.instanceId } });
  }),

  ListScanRule: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const type = optionalEnum(p, 'ScanType', TYPES);
    const page = pageFields(ctx, rulesOf(inst).filter((r) => type === undefined || r.scanType === type), p, false);
    return ok({ ...page.fields, ScanRules: page.items.map(view) });
  }),
};

