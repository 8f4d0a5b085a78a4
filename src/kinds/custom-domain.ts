/**
 * Kind `custom-domain`: a customized (USER) domain of an instance's registry with its TLS
 * certificate (`instance[i].custom-domain[registry.example.com]`), Terraform's
 * `alicloud_cr_instance_customized_domain`.
 *
 * A domain serves one module (ModuleName): `Registry` (images, the default) or `Chart` (Helm
 * charts; `module: Chart`, which the spec then carries, as vpc-link's key does).
 *
 * Reads: there is no List action (`ListInstanceDomain` does not exist): the domains are the USER
 * domains of the internet endpoint in cr ListInstanceEndpoint, one call per module (Registry,
 * Chart) per matched RUNNING instance; the certificate id only comes from
 * GetInstanceCustomizedDomain (with the module the domain was listed under), called once per USER
 * domain (at most 8 at a time). Domains not declared are unmanaged under the instance, pruned with
 * its `prune: true`.
 * Acts: Create/Update/DeleteInstanceCustomizedDomain (the certificate updates in place; another
 * module replaces the domain: ModuleName names it in every call, so no update moves it).
 * `certificate.region` (CertRegionId) is sent, never read back, so never compared.
 * Plan outputs: the DNS record each domain needs (a CNAME to the instance's public host).
 *
 * A certificate given as a PEM bundle (`certificate.pem`, issue 14 item 6) is the kind
 * certificate-upload's object `…custom-domain[host].certificate`, which the domain requires: the
 * spec then carries the certificate's SHA-256 (`certFingerprint`) instead of an id, the live spec the
 * fingerprint of the acrctl upload its CertId names, and apply sends the CertId of that upload
 * (`ctx.ids`).
 */
import type { CrClient } from '../cloud/cr.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import { address, segment } from '../plan/address.js';
import { optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Removal, Subject } from '../plan/kind.js';
import type { FieldChange, PlanOutput } from '../plan/model.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress, instanceIdOf, knownInstanceId, prunes, runningInstances } from './instance.js';
import { instanceCalls, instanceScopes } from './permits.js';
import { existsDifferent, isNotFound, mapLimit, vendorCode } from './support.js';
import { certificateRegion, certificateUploadAddress } from './certificate-upload.js';
import { parsePemBundle } from '../config/pem.js';

/** The modules a domain may serve (API ModuleName). */
export const CUSTOM_DOMAIN_MODULES = ['Registry', 'Chart'] as const;
const DEFAULT_MODULE = 'Registry';
/** GetInstanceCustomizedDomain calls in flight at once while reading. */
const READS_IN_FLIGHT = 8;

const keyShape = struct({ instance: str, domain: str });
/** `module` is absent for the default module, Registry (so plans of Registry domains stay as they were). */
/** `certId` is absent for a PEM domain (its upload's id is known at apply); `certFingerprint` is its certificate's SHA-256 then. */
const specShape = struct({ certId: optional(str), certRegion: optional(str), module: optional(str), certFingerprint: optional(str) });
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

/** The module of a spec: `Registry` unless it says otherwise. */
const moduleOf = (spec: CustomDomainSpec): string => spec.module ?? DEFAULT_MODULE;
/** The live spec of a domain; the module only when it is not the default. */
const specOf = (certId: string, module: string): CustomDomainSpec => ({ certId, ...(module !== DEFAULT_MODULE ? { module } : {}) });

/** The live spec of a domain registered on the instance for `module`, or undefined when it is not. */
async function getDomain(cr: CrClient, instanceId: string, domain: string, module: string): Promise<CustomDomainSpec | undefined> {
  try {
    const r = await cr.getInstanceCustomizedDomain({ InstanceId: instanceId, Domain: domain, ModuleName: module });
    return specOf(r.CertId ?? '', r.ModuleName ?? module);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** A domain wherever it is registered on the instance: under the module the spec names first, then the others. */
async function findDomain(cr: CrClient, instanceId: string, domain: string, spec: CustomDomainSpec): Promise<CustomDomainSpec | undefined> {
  const first = moduleOf(spec);
  for (const module of [first, ...CUSTOM_DOMAIN_MODULES.filter((m) => m !== first)]) {
    const found = await getDomain(cr, instanceId, domain, module);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** adopt only: CertId → SHA-256 of the uploads acrctl named (`acrctl-<slug>-<16 hex>`) in the CAS region serving `region`. */
async function acrctlUploads(ctx: ReadContext, account: string, region: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const u of (await ctx.cloud.cas(account, region).allUploads()).items) {
    if (u.CertificateId !== undefined && /^acrctl-.+-[0-9a-f]{16}$/.test(u.Name ?? '') && u.Sha2 !== undefined) out.set(String(u.CertificateId), u.Sha2.toLowerCase());
  }
  return out;
}

/** The USER domains of the internet endpoint of one module (ListInstanceEndpoint). */
async function userDomains(cr: CrClient, instanceId: string, module: string): Promise<string[]> {
  const r = await cr.listInstanceEndpoint({ InstanceId: instanceId, ModuleName: module });
  const out = new Set<string>();
  for (const e of r.Endpoints ?? []) {
    if ((e.EndpointType ?? '').toLowerCase() !== 'internet') continue;
    for (const d of e.Domains ?? []) if (d.Type === 'USER' && d.Domain !== undefined) out.add(d.Domain.toLowerCase());
  }
  return [...out].sort();
}

/**
 * What differs: the certificate id updates in place; the module replaces (ModuleName names the
 * domain in every call). The certificate's region is never read back, so never compared.
 */
function changesOf(desired: CustomDomainSpec, live: CustomDomainSpec): FieldChange[] {
  const out =
    desired.certFingerprint === undefined
      ? compareSpec({ certId: desired.certId }, { certId: live.certId })
      : desired.certFingerprint === live.certFingerprint
        ? []
        : [{ path: 'certificate', before: live.certFingerprint ?? `id ${live.certId}`, after: desired.certFingerprint, impact: 'update' as const, note: 'the certificate uploaded from the PEM (by SHA-256): its CertId is sent' }];
  if (moduleOf(desired) !== moduleOf(live)) {
    out.push({ path: 'module', before: moduleOf(live), after: moduleOf(desired), impact: 'replace', note: 'a domain is registered for one module, which every call names: delete and create again' });
  }
  return out;
}

/** A PEM domain's spec with the CertId of its upload (certificate-upload, learned in this run or read by the plan). */
function resolved(ctx: ExecContext, s: Subject<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): CustomDomainSpec {
  if (s.spec.certFingerprint === undefined) return s.spec;
  const { certFingerprint: _fp, ...rest } = s.spec;
  return { ...rest, certId: ctx.ids(certificateUploadAddress(s.key.instance, s.key.domain))['certId'] ?? '' };
}

const request = (instanceId: string, domain: string, spec: CustomDomainSpec) => ({
  InstanceId: instanceId,
  Domain: domain,
  ModuleName: moduleOf(spec),
  CertId: spec.certId ?? '',
  ...(spec.certRegion !== undefined ? { CertRegionId: spec.certRegion } : {}),
});

async function create(ctx: ExecContext, s: Subject<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const cr = ctx.cloud.cr(s.account, s.region);
  await ctx.intent('CreateInstanceCustomizedDomain', { instanceId, domain: s.key.domain });
  try {
    await cr.createInstanceCustomizedDomain(request(instanceId, s.key.domain, resolved(ctx, s)));
  } catch (err) {
    // No "already exists" code is documented (the emulator's INSTANCE_DOMAIN_ALREADY_EXIST is chosen).
    if (!/ALREADY_EXIST/.test(vendorCode(err) ?? '')) throw err;
    const found = await findDomain(cr, instanceId, s.key.domain, s.spec);
    if (found === undefined) throw err; // registered on another instance: the service's error stands
    const changes = changesOf(resolved(ctx, s), found);
    if (changes.length > 0) existsDifferent(s.id, changes);
  }
  return { ids: { instanceId } };
}

async function update(ctx: ExecContext, c: Change<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, c.key.instance);
  await ctx.intent('UpdateInstanceCustomizedDomain', { instanceId, domain: c.key.domain, fields: c.changes.map((x) => x.path) });
  await ctx.cloud.cr(c.account, c.region).updateInstanceCustomizedDomain(request(instanceId, c.key.domain, resolved(ctx, c)));
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, r: Removal<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, r.key.instance);
  await ctx.intent('DeleteInstanceCustomizedDomain', { instanceId, domain: r.key.domain });
  try {
    await ctx.cloud.cr(r.account, r.region).deleteInstanceCustomizedDomain({ InstanceId: instanceId, Domain: r.key.domain, ModuleName: moduleOf(r.spec) });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return {};
}

async function observe(ctx: ExecContext, s: Subject<CustomDomainSpec, CustomDomainIds, CustomDomainKey>): Promise<Observation<CustomDomainIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  // Under the spec's module only: the delete step of a replace that moves the domain observes the
  // old module (its spec is the live one), the create step the new one.
  const found = await getDomain(ctx.cloud.cr(s.account, s.region), instanceId, s.key.domain, moduleOf(s.spec));
  if (found === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: changesOf(resolved(ctx, s), found).length === 0, ready: true, ids: { instanceId } };
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
        module: {
          description:
            'What the domain serves (API ModuleName): `Registry` (images) or `Chart` (Helm charts: the instance declares `chartNamespaces`, lint `custom-domain-chart-needs-charts`). Another module replaces the domain (delete, then create).',
          type: 'string',
          enum: [...CUSTOM_DOMAIN_MODULES],
          default: DEFAULT_MODULE,
        },
        certificate: { description: 'The TLS certificate of the domain.', $ref: '#/$defs/customDomainCertificate' },
      },
    },
    customDomainCertificate: {
      description:
        'The TLS certificate, one of: its id in Certificate Management Service (`id`, with its `region`), or a PEM bundle (`pem`: the certificate chain, leaf first, and its private key, as `${env:NAME}`) that acrctl uploads to Certificate Management Service (named `acrctl-<domain>-<SHA-256 prefix>`, found again by its SHA-256 fingerprint) and registers by the id it gets. A new PEM (a renewal) is uploaded, then the domain switches to it; the previous upload is left in Certificate Management Service (the plan shows it).',
      type: 'object',
      additionalProperties: false,
      properties: {
        id: {
          description: 'Certificate id in Certificate Management Service, e.g. `21428921`.',
          type: 'string',
          pattern: '^([0-9]{1,20}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'a certificate id is a number such as 21428921',
        },
        region: { description: 'Region of the certificate (CertRegionId), e.g. `cn-hangzhou`. Sent, never read back. With `pem`: the region whose Certificate Management Service endpoint receives the upload (default the instance\'s; regions without their own endpoint use `cas.aliyuncs.com`, cn-hangzhou).', type: 'string', minLength: 1 },
        pem: {
          description:
            'PEM bundle: the certificate chain (leaf first) and its unencrypted private key, a secret: only as `${env:NAME}` (a PEM written in the file is the error secret/in-config); never printed, saved in plans or journals (plans show its SHA-256 fingerprint, subject, names and expiry). Checked before planning: it parses, the key matches the certificate, it has not expired, and its names cover the domain.',
          type: 'string',
          examples: ['${env:REGISTRY_TLS_PEM}'],
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
      // adopt: acrctl's certificate uploads, for the note on a domain that uses one (issue 14 item 6).
      ...instanceCalls(s, ['read'], ['cas:ListUserCertificateOrder'], {}, ['adopt']),
    ];
  });
}

export const customDomainKind: Kind<CustomDomainSpec, CustomDomainIds, CustomDomainKey> = {
  name: 'custom-domain',
  readAfter: ['instance', 'certificate-upload'],
  reportsUnmanaged: true,
  address: (k) => customDomainAddress(k.instance, k.domain),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,
  references: REFERENCES,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      (inst.customDomains ?? [])
        .filter((d) => d.certificate.id !== undefined || (d.certificate.pem !== undefined && parsePemBundle(d.certificate.pem).ok)) // a bad pem is a validation error
        .map((d) => {
          const domain = d.domain.toLowerCase();
          const pem = d.certificate.pem !== undefined ? parsePemBundle(d.certificate.pem) : undefined;
          if (pem?.ok === true) {
            return {
              id: customDomainAddress(alias, domain),
              kind: 'custom-domain',
              account: inst.account,
              region: inst.region,
              instance: alias,
              key: { instance: alias, domain },
              spec: { certRegion: certificateRegion(inst.region, d.certificate.region), certFingerprint: pem.cert.fingerprint, ...((d.module ?? DEFAULT_MODULE) !== DEFAULT_MODULE ? { module: d.module! } : {}) },
              requires: [instanceAddress(alias), certificateUploadAddress(alias, domain)],
            };
          }
          return {
            id: customDomainAddress(alias, domain),
            kind: 'custom-domain',
            account: inst.account,
            region: inst.region,
            instance: alias,
            key: { instance: alias, domain },
            spec: { certId: d.certificate.id!, ...(d.certificate.region !== undefined ? { certRegion: d.certificate.region } : {}), ...((d.module ?? DEFAULT_MODULE) !== DEFAULT_MODULE ? { module: d.module! } : {}) },
            requires: [instanceAddress(alias)],
          };
        }),
    );
  },

  async read(ctx: ReadContext) {
    const per = await Promise.all(
      runningInstances(ctx).map(async (m) => {
        const cr = ctx.cloud.cr(m.account, m.region);
        const listed: { domain: string; module: string }[] = [];
        const seen = new Set<string>();
        for (const module of CUSTOM_DOMAIN_MODULES) {
          for (const domain of await userDomains(cr, m.instanceId, module)) {
            if (seen.has(domain)) continue; // a domain is registered once: the first module listing it
            seen.add(domain);
            listed.push({ domain, module });
          }
        }
        listed.sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
        const domains = listed.map((l) => l.domain);
        const found = await mapLimit(listed, READS_IN_FLIGHT, (l) => getDomain(cr, m.instanceId, l.domain, l.module));
        // The certificate of a PEM domain: the acrctl upload (certificate-upload) whose CertId the domain uses.
        const uploads = ctx.live('certificate-upload').filter((u) => u.account === m.account && u.key['domain'] !== undefined);
        // adopt (nothing declared, so certificate-upload read nothing): acrctl's uploads by their name, for its note.
        const adopted = ctx.discover === true && listed.length > 0 ? await acrctlUploads(ctx, m.account, m.region) : new Map<string, string>();
        const out: LiveObject<CustomDomainSpec, CustomDomainIds, CustomDomainKey>[] = [];
        domains.forEach((domain, i) => {
          const f = found[i];
          if (f === undefined) return; // gone between the two calls
          const upload = uploads.find((u) => u.key['domain'] === domain && u.ids['certId'] === f.certId);
          const adoptedFp = f.certId !== undefined ? adopted.get(f.certId) : undefined;
          out.push({
            id: customDomainAddress(m.alias, domain),
            kind: 'custom-domain',
            account: m.account,
            region: m.region,
            instance: m.alias,
            key: { instance: m.alias, domain },
            spec: upload !== undefined ? { ...f, certFingerprint: String(upload.spec['fingerprint']) } : adoptedFp !== undefined ? { ...f, certFingerprint: adoptedFp } : f,
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
    return { changes: changesOf(desired.spec, live.spec) };
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
          ...((d.spec as CustomDomainSpec).module === 'Chart' ? [`It serves the Helm charts of the instance (module Chart), e.g. helm pull oci://${domain}/<chart namespace>/<chart>.`] : []),
          inst.internetEndpoint?.enabled === true
            ? `Clients reach it over the internet endpoint: their public CIDRs must be in instances.${d.instance}.internetEndpoint.allow.`
            : `The domain answers on the internet endpoint: enable instances.${d.instance}.internetEndpoint (with an allow list) for clients to reach it.`,
        ],
      });
    }
    return { outputs };
  },

  /** A domain with its certificate id and, for Chart, its module (the certificate's region cannot be read back: not written). */
  toConfig(l) {
    const value = { domain: l.key.domain, ...(l.spec.module !== undefined ? { module: l.spec.module } : {}), certificate: { id: l.spec.certId } };
    // A PEM cannot be read back: a domain whose certificate acrctl uploaded is adopted by its id.
    const notes = l.spec.certFingerprint !== undefined ? [{ address: l.id, message: `its certificate was uploaded by acrctl from a PEM (SHA-256 ${l.spec.certFingerprint.slice(0, 16)}…): adopt writes its id ${l.spec.certId}; write certificate.pem: \${env:NAME} instead to keep renewing it from a PEM` }] : [];
    return { pieces: [{ item: ['instances', l.key.instance, 'customDomains'], value, order: l.key.domain }], ...(notes.length > 0 ? { notes } : {}) };
  },

  observe,
  create,
  update,
  delete: remove,
};
