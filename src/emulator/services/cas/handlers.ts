/**
 * Certificate Management Service 2020-04-07 actions the emulator serves: UploadUserCertificate,
 * GetUserCertificateDetail, ListUserCertificateOrder (OrderType UPLOAD and CERT) and
 * DeleteUserCertificate (issue 14 item 6). What the API documents is enforced: Name required and
 * unique in the account, Cert and Key in PEM, the key matching the certificate (node:crypto
 * X509Certificate.checkPrivateKey); see SPEC.md for what is guessed.
 */
import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import type { CallContext, FlatParams, RpcAction, RpcRequest } from '../../core/contract.js';
import { optionalBool, optionalString, paginate, requireString } from '../../core/params.js';
import { casErrors } from './errors.js';
import { casDate, casRegion, type CasRegion, type UploadedCertificate } from './models.js';

/** The region the certificates of a request live in: the port's (the central endpoint is cn-hangzhou). */
function regionOf(ctx: CallContext): string {
  return ctx.region === 'global' ? 'cn-hangzhou' : ctx.region;
}

type Handler = (ctx: CallContext, req: RpcRequest, r: CasRegion) => Record<string, unknown>;

function action(mutating: boolean, handle: Handler): RpcAction {
  return { mutating, handle: (ctx, req) => handle(ctx, req, casRegion(ctx, ctx.accountUid, regionOf(ctx))) };
}

/** The PEM blocks of one type, in order. */
function pemBlocks(text: string, label: RegExp): string[] {
  const out: string[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) if (label.test(m[1]!)) out.push(m[0]);
  return out;
}

function parseCertificate(pem: string): X509Certificate {
  const first = pemBlocks(pem, /^CERTIFICATE$/)[0];
  if (first === undefined) throw casErrors.badCert();
  try {
    return new X509Certificate(first);
  } catch {
    throw casErrors.badCert();
  }
}

function parseKey(pem: string): KeyObject {
  if (pemBlocks(pem, /PRIVATE KEY$/).length === 0) throw casErrors.badKey();
  try {
    return createPrivateKey(pem);
  } catch {
    throw casErrors.badKey();
  }
}

/** DNS names of a subjectAltName string (`DNS:a, DNS:b, IP Address:…`). */
function dnsNames(x: X509Certificate): string[] {
  return (x.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((p) => p.startsWith('DNS:'))
    .map((p) => p.slice(4));
}

function field(dn: string, name: string): string {
  for (const line of dn.split('\n')) if (line.startsWith(`${name}=`)) return line.slice(name.length + 1);
  return '';
}

function certId(params: FlatParams): number {
  const raw = requireString(params, 'CertId');
  if (!/^\d{1,18}$/.test(raw)) throw casErrors.badId(raw);
  return Number(raw);
}

function find(r: CasRegion, id: number): UploadedCertificate {
  const c = r.certificates[String(id)];
  if (c === undefined) throw casErrors.notFound(String(id));
  return c;
}

const hex = (buf: Buffer, algo: 'sha256' | 'sha1') => createHash(algo).update(buf).digest('hex').toUpperCase();

const upload = action(true, (ctx, req, r) => {
  const p = req.params;
  const name = requireString(p, 'Name');
  if (name.length > 63) throw casErrors.nameTooLong();
  const certPem = requireString(p, 'Cert');
  const keyPem = requireString(p, 'Key');
  const x = parseCertificate(certPem);
  const key = parseKey(keyPem);
  if (!x.checkPrivateKey(key)) throw casErrors.mismatch();
  // Documented: the name is unique within the account (the same certificate under another name is
  // accepted: guessed, nothing documents a refusal).
  if (Object.values(r.certificates).some((c) => c.name === name)) throw casErrors.nameRepeat(name);
  const id = 10_000_000 + ctx.ids.seq('cas-certificate');
  const now = ctx.now();
  r.certificates[String(id)] = {
    id,
    name,
    cert: certPem,
    key: keyPem,
    sha2: hex(x.raw, 'sha256'),
    sha1: hex(x.raw, 'sha1'),
    commonName: field(x.subject, 'CN'),
    sans: dnsNames(x),
    issuer: field(x.issuer, 'O') || field(x.issuer, 'CN'),
    serialNo: x.serialNumber.toLowerCase(),
    algorithm: (x.publicKey.asymmetricKeyType ?? '').toUpperCase(),
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
    createdAt: now,
  };
  return { CertId: id };
});

const detail = action(false, (ctx, req, r) => {
  const c = find(r, certId(req.params));
  const filter = optionalBool(req.params, 'CertFilter') ?? false;
  return {
    Id: c.id,
    Name: c.name,
    Common: c.commonName,
    Sans: c.sans.join(','),
    Fingerprint: c.sha1,
    Sha2: c.sha2,
    SerialNo: c.serialNo,
    Issuer: c.issuer,
    Algorithm: c.algorithm,
    StartDate: casDate(c.notBefore),
    EndDate: casDate(c.notAfter),
    NotBefore: c.notBefore,
    NotAfter: c.notAfter,
    Expired: c.notAfter < ctx.now(),
    BuyInAliyun: false,
    CertIdentifier: `${c.id}-${regionOf(ctx)}`,
    InstanceId: `cas-upload-${c.id.toString(36)}`,
    ...(filter ? {} : { Cert: c.cert, Key: c.key }),
  };
});

/** Status filter of uploaded certificates: empty lists the valid ones (documented). */
function statusOf(c: UploadedCertificate, now: number): 'ISSUED' | 'WILLEXPIRED' | 'EXPIRED' {
  if (c.notAfter < now) return 'EXPIRED';
  return c.notAfter - now < 30 * 86_400_000 ? 'WILLEXPIRED' : 'ISSUED';
}

const list = action(false, (ctx, req, r) => {
  const p = req.params;
  const orderType = optionalString(p, 'OrderType') ?? 'CPACK';
  if (!['CPACK', 'BUY', 'UPLOAD', 'CERT'].includes(orderType)) throw casErrors.badOrderType(orderType);
  const now = ctx.now();
  const status = optionalString(p, 'Status');
  const keyword = optionalString(p, 'Keyword')?.toLowerCase();
  // CPACK and BUY list orders: the emulator sells none (guessed: an empty list).
  const certs = orderType === 'CPACK' || orderType === 'BUY' ? [] : Object.values(r.certificates).sort((a, b) => a.id - b.id);
  const matched = certs.filter((c) => {
    const s = statusOf(c, now);
    if (status === undefined ? s === 'EXPIRED' : s !== status) return false;
    // Keyword: "the domain name that is bound or the ID of the resource", fuzzy; the name too (guessed).
    return keyword === undefined || [c.commonName, ...c.sans, c.name, String(c.id)].some((v) => v.toLowerCase().includes(keyword));
  });
  const page = paginate(matched, p, { defaultSize: 50, max: 100, pageNoName: 'CurrentPage', pageSizeName: 'ShowSize' });
  return {
    CurrentPage: page.pageNo,
    ShowSize: page.pageSize,
    TotalCount: page.totalCount,
    CertificateOrderList: page.items.map((c) => ({
      CertificateId: c.id,
      Name: c.name,
      CommonName: c.commonName,
      Sans: c.sans.join(','),
      Fingerprint: c.sha1,
      Sha2: c.sha2,
      SerialNo: c.serialNo,
      Issuer: c.issuer,
      StartDate: casDate(c.notBefore),
      EndDate: casDate(c.notAfter),
      Expired: c.notAfter < now,
      Upload: true,
      InstanceId: `cas-upload-${c.id.toString(36)}`,
    })),
  };
});

const remove = action(true, (_ctx, req, r) => {
  const c = find(r, certId(req.params));
  delete r.certificates[String(c.id)];
  return {};
});

export const casActions: Readonly<Record<string, RpcAction>> = {
  UploadUserCertificate: upload,
  GetUserCertificateDetail: detail,
  ListUserCertificateOrder: list,
  DeleteUserCertificate: remove,
};
