/**
 * Kind `certificate-upload`: the certificate a custom domain declares as a PEM bundle
 * (`certificate.pem: ${env:NAME}`), uploaded to Certificate Management Service (cas 2020-04-07) so
 * that cr can register the domain with its CertId (issue 14 item 6). Address
 * `instance[i].custom-domain[host].certificate`; the custom domain requires it and reads its CertId
 * at apply (`ctx.ids`).
 *
 * Identity without storing the PEM: the upload is named `acrctl-<domain slug>-<16 hex of the SHA-256
 * fingerprint>` and carries the certificate's SHA-256 (CAS `Sha2`), so a plan finds it again from
 * the bundle alone. The bundle is a secret: the spec declares `pem` sensitive (masked in every
 * plan view, plan file and journal); the session redacts it from errors; no message quotes it.
 *
 * Reads: ListUserCertificateOrder (OrderType UPLOAD, paged) once per account and CAS region that a
 * declared PEM domain uses. The upload named for a domain with the declared fingerprint is the live
 * object; earlier uploads named for the domain (a renewal's previous certificate) are shown as
 * unmanaged `…previous-certificate[<fp>]` objects, never deleted: CAS certificates may also be
 * deployed to other products (CDN, SLB, WAF) that acrctl cannot see, so "nothing else uses it"
 * cannot be known; delete them in the console once nothing uses them (an upload costs nothing).
 * Acts: UploadUserCertificate, for a create and for a renewal (a new fingerprint: an update that
 * uploads the new certificate; the domain then switches to it). Before every upload the kind lists
 * the uploads again and takes the one with this name and SHA-256, so a crash after the upload
 * never uploads twice (the API has no ClientToken).
 */
import type { CasCertificateOrder } from '../cloud/cas.js';
import { casRegionFor } from '../cloud/cas.js';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import { coversDomain, parsePemBundle } from '../config/pem.js';
import { createHash } from 'node:crypto';
import { address, segment } from '../plan/address.js';
import { list, optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, ExecContext, Kind, LiveObject, Observation, Outcome, ReadContext, Subject } from '../plan/kind.js';
import type { FieldChange } from '../plan/model.js';
import { compareSpec } from '../plan/compare.js';
import { instanceAddress } from './instance.js';
import { calls } from './permits.js';
import { vendorCode } from './support.js';

const keyShape = struct({ instance: str, domain: str, previous: str });
/** `pem` only on the desired side (sensitive); the rest is public and shown by plans. */
const specShape = struct({ fingerprint: str, subject: str, sans: list(str), notAfter: str, name: str, casRegion: str, pem: optional(str) });
const idsShape = struct({ certId: str });
export type CertificateUploadKey = Decoded<typeof keyShape>;
export type CertificateUploadSpec = Decoded<typeof specShape>;
export type CertificateUploadIds = Decoded<typeof idsShape>;

/** `instance[i].custom-domain[host]` (custom-domain.ts customDomainAddress, which imports this module). */
const customDomainAddress = (instance: string, domain: string): string => address(instanceAddress(instance), segment('custom-domain', domain));

/** `instance[i].custom-domain[host].certificate`: the upload a PEM domain uses. */
export function certificateUploadAddress(instance: string, domain: string): string {
  return address(customDomainAddress(instance, domain), 'certificate');
}

function addressOf(k: CertificateUploadKey): string {
  return k.previous === '' ? certificateUploadAddress(k.instance, k.domain) : address(customDomainAddress(k.instance, k.domain), segment('previous-certificate', k.previous));
}

/** CAS names are at most 63 characters: `acrctl-` + slug + `-` + 16 hex. */
function slug(domain: string): string {
  const s = domain.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return s.length <= 39 ? s : `${s.slice(0, 30)}-${createHash('sha256').update(domain).digest('hex').slice(0, 8)}`;
}

/** The CAS certificate name of a domain's upload with this fingerprint. */
export function uploadName(domain: string, fingerprint: string): string {
  return `acrctl-${slug(domain)}-${fingerprint.slice(0, 16)}`;
}

/** Whether a CAS name is one acrctl gives uploads of `domain`. */
function namedFor(name: string | undefined, domain: string): boolean {
  return name !== undefined && name.startsWith(`acrctl-${slug(domain)}-`) && /^[0-9a-f]{16}$/.test(name.slice(`acrctl-${slug(domain)}-`.length));
}

/** The CAS region a PEM domain's certificate lives in: its declared region's, else its instance's. */
export function certificateRegion(instanceRegion: string, declared: string | undefined): string {
  return casRegionFor(declared ?? instanceRegion);
}

function liveSpec(o: CasCertificateOrder, casRegion: string): CertificateUploadSpec {
  return {
    fingerprint: (o.Sha2 ?? '').toLowerCase(),
    subject: o.CommonName ?? '',
    sans: (o.Sans ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''),
    notAfter: o.EndDate ?? '',
    name: o.Name ?? '',
    casRegion,
  };
}

/** The upload of this name and SHA-256 among `uploads`. */
function findUpload(uploads: readonly CasCertificateOrder[], spec: CertificateUploadSpec): CasCertificateOrder | undefined {
  return uploads.find((u) => u.Name === spec.name && (u.Sha2 ?? '').toLowerCase() === spec.fingerprint && u.CertificateId !== undefined);
}

/**
 * What differs: the fingerprint (a renewal: the new certificate is uploaded, the domain switches to
 * it); subject, names and expiry come with it and are shown. `notAfter` is compared by day: CAS
 * answers a date (EndDate).
 */
function changesOf(desired: CertificateUploadSpec, live: CertificateUploadSpec): FieldChange[] {
  if (desired.fingerprint === live.fingerprint) return [];
  const note = 'a new certificate: uploaded first, then the custom domain switches to it; the previous upload is left in Certificate Management Service (shown as previous-certificate)';
  return compareSpec(
    { fingerprint: desired.fingerprint, subject: desired.subject, sans: desired.sans, notAfter: desired.notAfter.slice(0, 10), name: desired.name },
    { fingerprint: live.fingerprint, subject: live.subject, sans: live.sans, notAfter: live.notAfter.slice(0, 10), name: live.name },
  ).map((c) => (c.path === 'fingerprint' ? { ...c, note } : c));
}

/** Uploads the certificate unless an upload of this name and SHA-256 is there already (a crash after the call). */
async function upload(ctx: ExecContext, s: Subject<CertificateUploadSpec, CertificateUploadIds, CertificateUploadKey>): Promise<Outcome> {
  const cas = ctx.cloud.cas(s.account, s.spec.casRegion);
  const uploads = async () => (await cas.allUploads()).items;
  const found = findUpload(await uploads(), s.spec);
  if (found !== undefined) return { ids: { certId: String(found.CertificateId) } };
  const parsed = parsePemBundle(s.spec.pem ?? '');
  if (!parsed.ok) throw new Error(`the certificate of custom domain ${s.key.domain} cannot be uploaded: ${parsed.problem}`);
  ctx.cloud.secrets.add(s.spec.pem);
  ctx.cloud.secrets.add(parsed.cert.key);
  await ctx.intent('UploadUserCertificate', { domain: s.key.domain, name: s.spec.name, fingerprint: s.spec.fingerprint });
  try {
    const r = await cas.uploadUserCertificate({ Name: s.spec.name, Cert: parsed.cert.chain, Key: parsed.cert.key });
    return { ids: { certId: String(r.CertId ?? '') } };
  } catch (err) {
    // The name is unique in the account (documented; the code is guessed): an upload that landed
    // while its answer was lost. Take it when it is this certificate.
    if (!/NameRepeat|Name.*(Exist|Repeat|Duplicat)/i.test(vendorCode(err) ?? '')) throw err;
    const again = findUpload(await uploads(), s.spec);
    if (again === undefined) throw err;
    return { ids: { certId: String(again.CertificateId) } };
  }
}

async function observe(ctx: ExecContext, s: Subject<CertificateUploadSpec, CertificateUploadIds, CertificateUploadKey>): Promise<Observation<CertificateUploadIds>> {
  const found = findUpload((await ctx.cloud.cas(s.account, s.spec.casRegion).allUploads()).items, s.spec);
  if (found === undefined) return { state: 'absent' };
  return { state: 'present', upToDate: true, ready: true, ids: { certId: String(found.CertificateId) } };
}

/**
 * After `${env:}` interpolation (messages never quote the PEM): a bundle that parses, with one
 * private key that matches its certificate, not expired, whose names cover the domain.
 */
const REFERENCES: ReferenceCheck = ({ instances, items, str, report }) => {
  for (const [alias, inst] of instances) {
    for (const [i, d] of items(inst['customDomains'])) {
      const cert = d['certificate'];
      if (typeof cert !== 'object' || cert === null) continue;
      const pem = (cert as Record<string, unknown>)['pem'];
      if ((cert as Record<string, unknown>)['id'] !== undefined) continue; // both: ref/custom-domain-certificate already
      if (typeof pem !== 'string' || /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(pem)) continue; // unset variable: the loader reports it
      const path = ['instances', alias, 'customDomains', i, 'certificate', 'pem'];
      const domain = str(d['domain'])?.toLowerCase() ?? '';
      const parsed = parsePemBundle(pem);
      if (!parsed.ok) {
        report('ref/custom-domain-certificate', `the certificate of custom domain ${domain} is not a usable PEM bundle: ${parsed.problem} (the value is not shown)`, path, 'give the certificate chain (leaf first) and its unencrypted private key, both in PEM, in the variable', 'value');
        continue;
      }
      if (Date.parse(parsed.cert.notAfter) <= Date.now()) {
        report('ref/custom-domain-certificate', `the certificate of custom domain ${domain} (SHA-256 ${parsed.cert.fingerprint.slice(0, 16)}…) expired on ${parsed.cert.notAfter}`, path, 'renew it and set the variable to the new bundle', 'value');
      }
      if (domain !== '' && !coversDomain(parsed.cert, domain)) {
        report('ref/custom-domain-certificate', `the certificate of custom domain ${domain} (subject ${parsed.cert.subject || '(none)'}, names ${parsed.cert.sans.join(', ') || '(none)'}) does not cover ${domain}`, path, 'use a certificate whose subjectAltName names the domain (or a wildcard one label above it)', 'value');
      }
    }
  }
};

/** The desired uploads: one per custom domain whose certificate is a PEM that parses. */
function desiredUploads(config: RegistryDocument): DesiredObject<CertificateUploadSpec, CertificateUploadKey>[] {
  return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
    (inst.customDomains ?? []).flatMap((d) => {
      const pem = d.certificate.pem;
      if (pem === undefined) return [];
      const parsed = parsePemBundle(pem);
      if (!parsed.ok) return []; // a validation error (REFERENCES)
      const domain = d.domain.toLowerCase();
      const c = parsed.cert;
      return [
        {
          id: certificateUploadAddress(alias, domain),
          kind: 'certificate-upload',
          account: inst.account,
          region: inst.region,
          instance: alias,
          key: { instance: alias, domain, previous: '' },
          spec: { fingerprint: c.fingerprint, subject: c.subject, sans: [...c.sans], notAfter: c.notAfter, name: uploadName(domain, c.fingerprint), casRegion: certificateRegion(inst.region, d.certificate.region), pem },
          sensitive: ['pem'],
          requires: [],
          summary: `upload the certificate of ${domain} (SHA-256 ${c.fingerprint.slice(0, 16)}…, ${c.subject || 'no subject'}, expires ${c.notAfter.slice(0, 10)})`,
        },
      ];
    }),
  );
}

/**
 * The uploads listed, and uploaded, for the accounts of instances with a PEM domain (whatever the
 * PEM holds: policies are derived from files whose `${env:}` may not be set).
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  const accounts = [...new Set(Object.values(config.instances ?? {}).filter((i) => (i.customDomains ?? []).some((d) => d.certificate.pem !== undefined)).map((i) => i.account))].sort();
  return accounts.flatMap((account) => [
    ...calls(['read', 'observe', 'create', 'update'], account, {}, ['cas:ListUserCertificateOrder']),
    ...calls(['create', 'update'], account, {}, ['cas:UploadUserCertificate'], { only: ['apply'] }),
  ]);
}

export const certificateUploadKind: Kind<CertificateUploadSpec, CertificateUploadIds, CertificateUploadKey> = {
  name: 'certificate-upload',
  readAfter: [],
  reportsUnmanaged: true,
  address: addressOf,
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  references: REFERENCES,

  desired: desiredUploads,

  async read(ctx: ReadContext) {
    const wanted = ctx.desired.filter((d) => d.kind === 'certificate-upload') as DesiredObject<CertificateUploadSpec, CertificateUploadKey>[];
    const lists = new Map<string, Promise<readonly CasCertificateOrder[]>>();
    const uploadsOf = (account: string, casRegion: string) => {
      const k = `${account}|${casRegion}`;
      let p = lists.get(k);
      if (p === undefined) lists.set(k, (p = ctx.cloud.cas(account, casRegion).allUploads().then((c) => c.items)));
      return p;
    };
    const out: LiveObject<CertificateUploadSpec, CertificateUploadIds, CertificateUploadKey>[] = [];
    for (const d of wanted) {
      const cas: readonly CasCertificateOrder[] = await uploadsOf(d.account, d.spec.casRegion);
      const mine = cas.filter((u) => namedFor(u.Name, d.key.domain) && u.CertificateId !== undefined).sort((a, b) => (b.CertificateId ?? 0) - (a.CertificateId ?? 0));
      if (mine.length === 0) continue;
      const current = findUpload(mine, d.spec) ?? mine[0]!;
      for (const u of mine) {
        const previous = u === current ? '' : (u.Sha2 ?? '').toLowerCase().slice(0, 16);
        out.push({
          id: addressOf({ ...d.key, previous }),
          kind: 'certificate-upload',
          account: d.account,
          region: d.region,
          instance: d.key.instance,
          key: { ...d.key, previous },
          spec: liveSpec(u, d.spec.casRegion),
          ids: { certId: String(u.CertificateId) },
          container: customDomainAddress(d.key.instance, d.key.domain),
          prunable: false,
          requires: [],
        });
      }
    }
    return out;
  },

  diff(desired, live) {
    return { changes: changesOf(desired.spec, live.spec) };
  },

  observe,
  create: upload,
  update: (ctx, c) => upload(ctx, c),
};
