/**
 * Kind `custom-domain`: a customized (USER) domain of an instance's registry with its TLS
 * certificate (`instance[i].custom-domain[registry.example.com]`), Terraform's
 * `alicloud_cr_instance_customized_domain`.
 *
 * Reads: there is no List action (`ListInstanceDomain` does not exist): the domains are the USER
 * domains of the internet endpoint in cr ListInstanceEndpoint (ModuleName Registry), one call per
 * matched RUNNING instance; the certificate id only comes from GetInstanceCustomizedDomain, called
 * once per USER domain (at most 8 at a time). Domains not declared are unmanaged under the
 * instance, pruned with its `prune: true`.
 * Acts: Create/Update/DeleteInstanceCustomizedDomain (the certificate updates in place).
 * `certificate.region` (CertRegionId) is sent, never read back, so never compared.
 * Plan outputs: the DNS record each domain needs (a CNAME to the instance's public host).
 */
import type { CrClient } from '../cloud/cr.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import { address, segment } from '../plan/address.js';
import { optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { PlanOutput } from '../plan/model.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { instanceCalls, instanceScopes } from './permits.js';
import { existsDifferent, isNotFound, mapLimit, vendorCode } from './support.js';

const MODULE = 'Registry';
/** GetInstanceCustomizedDomain calls in flight at once while reading. */
const READS_IN_FLIGHT = 8;
const always = () => true;

const keyShape = struct({ instance: str, domain: str });
const specShape = struct({ certId: str, certRegion: optional(str) });
const idsShape = struct({ instanceId: str });
export type CustomDomainKey = Decoded<typeof keyShape>;
export type CustomDomainSpec = Decoded<typeof specShape>;
export type CustomDomainIds = Decoded<typeof idsShape>;

/** `instance[i].custom-domain[host]`. */
export function customDomainAddress(instance: string, domain: string): string {
  return address(instanceAddress(instance), segment('custom-domain', domain));
}

/** The instance's public registry host, which a custom domain's CNAME points at. */
export function publicRegistryHost(instanceName: string, region: string): string {
  return `${instanceName}-registry.${region}.cr.aliyuncs.com`;
}

/** The certificate of a domain registered on the instance, or undefined when it is not. */
async function getDomain(cr: CrClient, instanceId: string, domain: string): Promise<{ certId: string } | undefined> {
  try {
    const r = await cr.getInstanceCustomizedDomain({ InstanceId: instanceId, Domain: domain, ModuleName: MODULE });
    return { certId: r.CertId ?? '' };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The USER domains of the instance's internet endpoint (ListInstanceEndpoint). */
async function userDomains(cr: CrClient, instanceId: string): Promise<string[]> {
  const r = await cr.listInstanceEndpoint({ InstanceId: instanceId, ModuleName: MODULE });
  const out = new Set<string>();
  for (const e of r.Endpoints ?? []) {
    if ((e.EndpointType ?? '').toLowerCase() !== 'internet') continue;
    for (const d of e.Domains ?? []) if (d.Type === 'USER' && d.Domain !== undefined) out.add(d.Domain.toLowerCase());
  }
  return [...out].sort();
}

const request = (instanceId: string, domain: string, spec: CustomDomainSpec) => ({
  InstanceId: instanceId,
  Domain: domain,
  ModuleName: MODULE,
  CertId: spec.certId,
  ...(spec.certRegion !== undefined ? { CertRegionId: spec.certRegion } : {}),
});

async function create(ctx: ExecContext, s: Subject<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateInstanceCustomizedDomain', { instanceId, domain: s.key.domain });
  try {
    await cr.createInstanceCustomizedDomain(request(instanceId, s.key.domain, s.spec));
  } catch (err) {
    // No "already exists" code is documented (the emulator's INSTANCE_DOMAIN_ALREADY_EXIST is chosen).
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    const found = await getDomain(cr, instanceId, s.key.domain);
    if (found === undefined) throw err; // registered on another instance: the service's error stands
    const changes = compareSpec(s.spec, found, { equal: { certRegion: always } });
    if (changes.length > 0) existsDifferent(s.id, changes);
  }
  return { ids: { instanceId } };
}

async function update(ctx: ExecContext, c: Change<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, c.key.instance);
  await ctx.intent('UpdateInstanceCustomizedDomain', { instanceId, domain: c.key.domain, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateInstanceCustomizedDomain(request(instanceId, c.key.domain, c.spec));
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, r: Removal<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, r.key.instance);
  await ctx.intent('DeleteInstanceCustomizedDomain', { instanceId, domain: r.key.domain });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteInstanceCustomizedDomain({ InstanceId: instanceId, Domain: r.key.domain, ModuleName: MODULE });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): Promise<Observation<CustomDomainIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const found = await getDomain(ctx.cloud.cr(s.account, s.region), instanceId, s.key.domain);
  if (found === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: compareSpec(s.spec, found, { equal: { certRegion: always } }).length === 0, ready: true, ids: { instanceId } };
}

/**
 * A domain is declared once in the whole document (the service registers it on one instance), and
 * its certificate is given one way: `id` or `pem`.
 */
const REFERENCES: ReferenceCheck = ({ instances, items, str, report }) => {
  const seen = new Map<string, string>();
  for (const [alias, inst] of instances) {
    for (const [i, d] of items(inst['customDomains'])) {
      const cert = d['certificate'];
      if (typeof cert === 'object' && cert !== null) {
        const c = cert as Record<string, unknown>;
        if ((c['id'] === undefined) === (c['pem'] === undefined)) {
          report('ref/custom-domain-certificate', 'a custom domain certificate needs exactly one of id and pem', ['instances', alias, 'customDomains', i, 'certificate']);
        }
      }
      const domain = str(d['domain'])?.toLowerCase();
      if (domain === undefined) continue;
      const first = seen.get(domain);
      if (first !== undefined) report('ref/duplicate-key', `custom domain ${domain} is declared twice (first at ${first}); a domain belongs to one instance`, ['instances', alias, 'customDomains', i, 'domain']);
      else seen.set(domain, `instances.${alias}.customDomains[${i}]`);
    }
  }
};

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      customDomains: {
        description:
          'Custom domains of the registry (natural key: domain), each with its TLS certificate. The plan outputs the DNS record each needs (a CNAME to the instance\'s public host). Terraform: `alicloud_cr_instance_customized_domain`.',
        type: 'array',
        items: { $ref: '#/$defs/customDomain' },
        examples: [[{ domain: 'registry.example.com', certificate: { id: '21428921', region: 'cn-hangzhou' } }]],
      },
    },
  },
  defs: {
    customDomain: {
      description: 'A custom domain of the registry.',
      type: 'object',
      required: ['domain', 'certificate'],
      additionalProperties: false,
      properties: {
        domain: {
          description: 'The domain name, lowercase, e.g. `registry.example.com`.',
          type: 'string',
          pattern: '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
          patternErrorMessage: 'a domain name looks like registry.example.com (lowercase)',
        },
        certificate: { description: 'The TLS certificate of the domain.', $ref: '#/$defs/customDomainCertificate' },
      },
    },
    customDomainCertificate: {
      description:
        'The TLS certificate: its id in Certificate Management Service (`id`, with its `region`). `pem` (a PEM bundle, private key included, as `${env:NAME}`) is reserved: cr 2018-12-01 has no action that uploads a certificate, so a `pem` is a validation error (lint `custom-domain-pem-needs-upload`) until acrctl manages Certificate Management Service.',
      type: 'object',
      additionalProperties: false,
      properties: {
        id: {
          description: 'Certificate id in Certificate Management Service, e.g. `21428921`.',
          type: 'string',
          pattern: '^([0-9]{1,20}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'a certificate id is a number such as 21428921',
        },
        region: { description: 'Region of the certificate (CertRegionId), e.g. `cn-hangzhou`. Sent, never read back.', type: 'string', minLength: 1 },
        pem: {
          description: 'PEM certificate and private key, a secret: give it as `${env:NAME}`, never in the file. Not usable yet (see `certificate`); never printed (no message quotes it).',
          type: 'string',
        },
      },
    },
  },
  sections: [
    ['customDomain', '#/$defs/customDomain'],
    ['customDomainCertificate', '#/$defs/customDomainCertificate'],
  ],
};

/**
 * The calls of the kind (issue 17): the instance's USER domains from ListInstanceEndpoint, then
 * GetInstanceCustomizedDomain each (read, and after a write); Create and Update where domains are
 * declared; Delete where the instance prunes.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) => {
    const inst = config.instances![s.alias]!;
    const declared = (inst.customDomains ?? []).length > 0;
    return [
      ...instanceCalls(s, ['read', 'observe', 'create', 'update'], ['cr:ListInstanceEndpoint', 'cr:GetInstanceCustomizedDomain']),
      ...(declared ? instanceCalls(s, ['create'], ['cr:CreateInstanceCustomizedDomain']) : []),
      ...(declared ? instanceCalls(s, ['update'], ['cr:UpdateInstanceCustomizedDomain']) : []),
      ...(prunes(inst) ? instanceCalls(s, ['delete'], ['cr:DeleteInstanceCustomizedDomain'], {}, ['apply']) : []),
    ];
  });
}

export const customDomainKind: Kind<CustomDomainSpec, CustomDomainIds, CustomDomainKey> = {
  name: 'custom-domain',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (k) => customDomainAddress(k.instance, k.domain),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.customDomains ?? [])
        .filter((d) => d.certificate.id !== undefined) // a pem is a validation error (lint)
        .map((d) => {
          const domain = d.domain.toLowerCase();
          return {
            id: customDomainAddress(alias, domain),
            kind: 'custom-domain',
            account: inst.account,
            region: inst.region,
            instance: alias,
            key: { instance: alias, domain },
            spec: { certId: d.certificate.id!, ...(d.certificate.region !== undefined ? { certRegion: d.certificate.region } : {}) },
            requires: [instanceAddress(alias)],
          };
        }),
    );
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const cr = ctx.cloud.cr(m.account, m.region);
        const domains = await userDomains(cr, m.instanceId);
        const found = await mapLimit(domains, READS_IN_FLIGHT, (d) => getDomain(cr, m.instanceId, d));
        const out: LiveObject<CustomDomainSpec, CustomDomainIds, CustomDomainKey>[] = [];
        domains.forEach((domain, i) => {
          const f = found[i];
          if (f === undefined) return; // gone between the two calls
          out.push({
            id: customDomainAddress(m.alias, domain),
            kind: 'custom-domain',
            account: m.account,
            region: m.region,
            instance: m.alias,
            key: { instance: m.alias, domain },
            spec: { certId: f.certId },
            ids: { instanceId: m.instanceId },
            container: m.address,
            prunable: prunes(m.config),
            requires: [m.address],
          });
        });
        return out;
      }),
    );
    return per.flat();
  },

  diff(desired, live) {
    return { changes: compareSpec(desired.spec, live.spec, { equal: { certRegion: always } }) };
  },

  /** The DNS record each declared domain needs: a CNAME to the instance's public registry host. */
  extras(ctx) {
    const outputs: PlanOutput[] = [];
    for (const d of ctx.desired) {
      if (d.kind !== 'custom-domain' || d.instance === undefined) continue;
      const inst = ctx.config.instances?.[d.instance];
      if (inst === undefined) continue;
      const host = publicRegistryHost(inst.name, inst.region);
      const domain = String(d.key['domain']);
      outputs.push({
        id: `${d.id}.dns`,
        title: `DNS record for ${domain}`,
        lines: [
          `CNAME record: ${domain} -> ${host}`,
          `or, where a CNAME is not possible (a zone apex), an A record: ${domain} -> <IP of ${host}> (dig +short ${host}; it may change)`,
          inst.internetEndpoint?.enabled === true
            ? `Clients reach it over the internet endpoint: their public CIDRs must be in instances.${d.instance}.internetEndpoint.allow.`
            : `The domain answers on the internet endpoint: enable instances.${d.instance}.internetEndpoint (with an allow list) for clients to reach it.`,
        ],
      });
    }
    return { outputs };
  },

  /** A domain with its certificate id (the certificate's region cannot be read back: not written). */
  toConfig(l) {
    return { pieces: [{ item: ['instances', l.key.instance, 'customDomains'], value: { domain: l.key.domain, certificate: { id: l.spec.certId } }, order: l.key.domain }] };
  },

  observe,
  create,
  update,
  delete: remove,
};
