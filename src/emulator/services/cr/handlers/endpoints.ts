/** cr 2018-12-01 endpoints: internet endpoint and its ACL, VPC links, customized domains. */
import type { AccountSite } from '../../../core/contract.js';
import { siteOf } from '../../../core/sites.js';
import type { FlatParams, RpcAction } from '../../../core/contract.js';
import { jsonParam, optionalBool, optionalString, requireString, statusAt } from '../../../core/params.js';
import { endpointDomains, internetStatus, visibleAcl, type InstanceRecord } from '../models.js';
import { crError, invalidParameter } from '../errors.js';
import { action, callInstance, ok } from './common.js';

const CIDR_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/(3[0-2]|[12]?\d))?$/;
const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** EndpointType as sent: docs use `internet`, Terraform `Internet`; compared case-insensitively. */
function endpointType(p: FlatParams): 'internet' | 'vpc' {
  const t = requireString(p, 'EndpointType').toLowerCase();
  if (t !== 'internet' && t !== 'vpc') throw invalidParameter('EndpointType', `${t} is not internet or vpc.`);
  return t;
}

function moduleName(p: FlatParams): 'Registry' | 'Chart' {
  const m = optionalString(p, 'ModuleName') ?? 'Registry';
  if (m !== 'Registry' && m !== 'Chart') throw invalidParameter('ModuleName', `${m} is not Registry or Chart.`);
  return m;
}

/** ACL entries of a create/delete call: `Entries` (a JSON list) or the single `Entry` + `Comment`. */
function aclEntries(p: FlatParams): { entry: string; comment: string }[] {
  const out: { entry: string; comment: string }[] = [];
  const list = jsonParam(p, 'Entries');
  if (list !== undefined) {
    if (!Array.isArray(list)) throw invalidParameter('Entries', 'must be a JSON array.');
    for (const e of list as unknown[]) {
      const rec = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      if (typeof rec['Entry'] !== 'string') throw invalidParameter('Entries', 'every item needs an Entry.');
      out.push({ entry: rec['Entry'], comment: typeof rec['Comment'] === 'string' ? rec['Comment'] : '' });
    }
  }
  const single = optionalString(p, 'Entry');
  if (single !== undefined) out.push({ entry: single, comment: optionalString(p, 'Comment') ?? '' });
  // Neither form sent: the POP MissingEntry error.
  if (out.length === 0) requireString(p, 'Entry');
  for (const e of out) if (!CIDR_RE.test(e.entry)) throw invalidParameter('Entry', `${e.entry} is not an IPv4 address or CIDR block.`);
  return out;
}

function endpointView(inst: InstanceRecord, type: 'internet' | 'vpc', now: number, site: AccountSite): Record<string, unknown> {
  if (type === 'internet') {
    const status = internetStatus(inst, now);
    const view: Record<string, unknown> = {
      Enable: inst.internet.enabled,
      AclEnable: inst.internet.enabled,
      AclEntries: inst.internet.enabled ? visibleAcl(inst, now).map((a) => ({ Entry: a.entry, Comment: a.comment })) : [],
      Domains: endpointDomains(inst, 'internet', site),
    };
    if (status !== undefined) view['Status'] = status;
    return view;
  }
  const enabled = inst.vpcLinks.length > 0;
  const view: Record<string, unknown> = { Enable: enabled, AclEnable: false, AclEntries: [], Domains: endpointDomains(inst, 'vpc', site) };
  if (enabled) view['Status'] = 'RUNNING';
  return view;
}

/** The domain of the call, registered on the instance for the call's ModuleName (required). */
function findDomain(inst: InstanceRecord, p: FlatParams): InstanceRecord['customizedDomains'][number] {
  const domain = requireString(p, 'Domain').toLowerCase();
  requireString(p, 'ModuleName');
  const module = moduleName(p);
  const d = inst.customizedDomains.find((x) => x.domain === domain && x.moduleName === module);
  if (d === undefined) throw crError('INSTANCE_DOMAIN_NOT_EXIST', `The domain ${domain} is not registered on ${inst.instanceId} for module ${module}.`);
  return d;
}

export const endpointActions: Readonly<Record<string, RpcAction>> = {
  ListInstanceEndpoint: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const now = ctx.now();
    if (moduleName(p) === 'Chart') {
      // The Chart module: its internet endpoint with the USER domains registered for it (chosen).
      const domains = inst.customizedDomains.filter((d) => d.moduleName === 'Chart').map((d) => ({ Domain: d.domain, Type: 'USER' }));
      return ok({ Endpoints: [{ EndpointType: 'internet', Enable: inst.internet.enabled, AclEnable: inst.internet.enabled, AclEntries: [], Domains: domains, LinkedVpcs: [] }] });
    }
    const internet = endpointView(inst, 'internet', now, siteOf(ctx.state, inst.accountUid));
    const vpc = endpointView(inst, 'vpc', now, siteOf(ctx.state, inst.accountUid));
    return ok({
      Endpoints: [
        {
          EndpointType: 'internet',
          ...internet,
          AclEntries: (internet['AclEntries'] as { Entry: string }[]).map((a) => ({ Entry: a.Entry })),
          LinkedVpcs: [],
        },
        { EndpointType: 'vpc', ...vpc, LinkedVpcs: inst.vpcLinks.map((l) => ({ VpcId: l.vpcId })) },
      ],
    });
  }),

  GetInstanceEndpoint: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    moduleName(p);
    return ok(endpointView(inst, endpointType(p), ctx.now(), siteOf(ctx.state, inst.accountUid)));
  }),

  UpdateInstanceEndpointStatus: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    if (endpointType(p) !== 'internet') throw invalidParameter('EndpointType', 'only the internet endpoint can be switched.');
    moduleName(p);
    const enable = optionalBool(p, 'Enable');
    if (enable === undefined) requireString(p, 'Enable');
    const now = ctx.now();
    if (enable === true && !inst.internet.enabled) {
      const duration = ctx.settings.async.internetEndpoint;
      inst.internet.enabled = true;
      inst.internet.lifecycle = { startedAt: now, phases: [['CREATING', duration]], final: 'RUNNING' };
      if (!inst.internet.acl.some((a) => a.entry === '127.0.0.1/32')) {
        inst.internet.acl.push({ entry: '127.0.0.1/32', comment: 'default', visibleAt: now + duration });
      }
    } else if (enable === false && inst.internet.enabled) {
      inst.internet.enabled = false;
      delete inst.internet.lifecycle;
    }
    inst.modifiedAt = now;
    return ok();
  }),

  CreateInstanceEndpointAclPolicy: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    if (endpointType(p) !== 'internet') throw invalidParameter('EndpointType', 'ACL entries exist only on the internet endpoint.');
    moduleName(p);
    const entries = aclEntries(p);
    const now = ctx.now();
    // An entry sent while the endpoint is not RUNNING is accepted and silently dropped, as the real
    // service does while the endpoint is CREATING (cr-api-notes §4).
    if (internetStatus(inst, now) !== 'RUNNING') return ok();
    for (const e of entries) {
      const existing = inst.internet.acl.find((a) => a.entry === e.entry);
      if (existing !== undefined) existing.comment = e.comment;
      else inst.internet.acl.push({ entry: e.entry, comment: e.comment, visibleAt: now + ctx.settings.async.aclEntry });
    }
    return ok();
  }),

  DeleteInstanceEndpointAclPolicy: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    if (endpointType(p) !== 'internet') throw invalidParameter('EndpointType', 'ACL entries exist only on the internet endpoint.');
    moduleName(p);
    const gone = new Set(aclEntries(p).map((e) => e.entry));
    inst.internet.acl = inst.internet.acl.filter((a) => !gone.has(a.entry));
    return ok();
  }),

  GetInstanceVpcEndpoint: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const module = moduleName(p);
    const now = ctx.now();
    const links = inst.vpcLinks.filter((l) => l.moduleName === module);
    return ok({
      Enable: links.length > 0,
      ModuleName: module,
      Domains: endpointDomains(inst, 'vpc', siteOf(ctx.state, inst.accountUid)).map((d) => d.Domain),
      LinkedVpcs: links.map((l) => ({
        VpcId: l.vpcId,
        VswitchId: l.vswitchId,
        Ip: l.ip,
        Status: statusAt(l.lifecycle, now),
        DefaultAccess: false,
        Issue: '',
      })),
    });
  }),

  CreateInstanceVpcEndpointLinkedVpc: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const vpcId = requireString(p, 'VpcId');
    const vswitchId = requireString(p, 'VswitchId');
    const module = moduleName(p);
    if (!/^vpc-[a-z0-9]+$/.test(vpcId)) throw invalidParameter('VpcId', `${vpcId} is not a VPC id.`);
    if (!/^vsw-[a-z0-9]+$/.test(vswitchId)) throw invalidParameter('VswitchId', `${vswitchId} is not a vSwitch id.`);
    if (inst.vpcLinks.some((l) => l.vpcId === vpcId && l.vswitchId === vswitchId && l.moduleName === module)) {
      throw crError('INSTANCE_ACCESS_ALREADY_EXIST', `VPC ${vpcId} / ${vswitchId} is already linked to ${inst.instanceId}.`);
    }
    if (inst.vpcLinks.length >= inst.quotas.vpc) {
      throw crError('VPC_QUOTA_EXCEED', `The VPC quota (${inst.quotas.vpc}) of instance ${inst.instanceId} is used up.`);
    }
    const n = ctx.ids.seq('cr.vpcLinkIp');
    const now = ctx.now();
    inst.vpcLinks.push({
      vpcId,
      vswitchId,
      moduleName: module,
      ip: `10.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`,
      lifecycle: { startedAt: now, phases: [['CREATING', ctx.settings.async.vpcLink]], final: 'RUNNING' },
    });
    inst.modifiedAt = now;
    return ok();
  }),

  DeleteInstanceVpcEndpointLinkedVpc: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const vpcId = requireString(p, 'VpcId');
    const vswitchId = requireString(p, 'VswitchId');
    const module = moduleName(p);
    const before = inst.vpcLinks.length;
    inst.vpcLinks = inst.vpcLinks.filter((l) => !(l.vpcId === vpcId && l.vswitchId === vswitchId && l.moduleName === module));
    if (inst.vpcLinks.length === before) {
      throw crError('INSTANCE_ACCESS_NOT_EXIST', `VPC ${vpcId} / ${vswitchId} is not linked to ${inst.instanceId}.`);
    }
    inst.modifiedAt = ctx.now();
    return ok();
  }),

  CreateInstanceCustomizedDomain: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const domain = requireString(p, 'Domain').toLowerCase();
    const certId = requireString(p, 'CertId');
    requireString(p, 'ModuleName');
    const module = moduleName(p);
    if (!HOST_RE.test(domain)) throw invalidParameter('Domain', `${domain} is not a domain name.`);
    if (Object.values(st.instances).some((i) => i.customizedDomains.some((d) => d.domain === domain))) {
      throw crError('INSTANCE_DOMAIN_ALREADY_EXIST', `The domain ${domain} is already registered.`);
    }
    const now = ctx.now();
    inst.customizedDomains.push({ domain, certId, moduleName: module, createdAt: now, modifiedAt: now });
    return ok();
  }),

  GetInstanceCustomizedDomain: action(false, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const d = findDomain(inst, p);
    return ok({
      InstanceId: inst.instanceId,
      RegionId: inst.region,
      Domain: d.domain,
      DomainType: 'USER',
      EndpointType: 'internet',
      ModuleName: d.moduleName,
      CertId: d.certId,
      CreateTime: d.createdAt,
      ModifiedTime: d.modifiedAt,
    });
  }),

  UpdateInstanceCustomizedDomain: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const d = findDomain(inst, p);
    d.certId = requireString(p, 'CertId');
    d.modifiedAt = ctx.now();
    return ok();
  }),

  DeleteInstanceCustomizedDomain: action(true, (ctx, p, st) => {
    const inst = callInstance(ctx, p, st);
    const d = findDomain(inst, p);
    inst.customizedDomains = inst.customizedDomains.filter((x) => x !== d);
    return ok();
  }),
};
