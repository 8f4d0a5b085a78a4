/**
 * A custom domain's PEM bundle (`certificate.pem`, issue 14 item 6): the certificate chain and its
 * private key in one text, given only as `${env:NAME}`. Parsed with node:crypto (X509Certificate,
 * createPrivateKey); what is public about it (SHA-256 fingerprint, subject, names, expiry) is
 * returned for plans, the PEM never: every problem is a sentence that quotes no part of it.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';

export interface PemCertificate {
  /** The CERTIFICATE blocks, leaf first, as sent to Certificate Management Service (Cert). */
  readonly chain: string;
  /** The private key block (Key). A secret. */
  readonly key: string;
  /** SHA-256 of the leaf's DER, lower-case hex: how acrctl finds its upload again. */
  readonly fingerprint: string;
  /** The leaf's subject common name ('' when it has none). */
  readonly subject: string;
  /** The DNS names of its subjectAltName. */
  readonly sans: readonly string[];
  /** Validity, ISO 8601 (UTC). */
  readonly notBefore: string;
  readonly notAfter: string;
  /** The leaf, for host checks. */
  readonly x509: X509Certificate;
}

export type PemParse = { readonly ok: true; readonly cert: PemCertificate } | { readonly ok: false; readonly problem: string };

function blocks(text: string, label: (l: string) => boolean): string[] {
  const out: string[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) if (label(m[1]!)) out.push(m[0]);
  return out;
}

/** Parses a bundle: certificate blocks (leaf first) and exactly one private key that matches the leaf. */
export function parsePemBundle(text: string): PemParse {
  const certs = blocks(text, (l) => l === 'CERTIFICATE');
  const keys = blocks(text, (l) => l.endsWith('PRIVATE KEY'));
  if (certs.length === 0) return { ok: false, problem: 'it holds no PEM certificate (-----BEGIN CERTIFICATE-----)' };
  if (keys.length !== 1) return { ok: false, problem: keys.length === 0 ? 'it holds no private key in PEM (a PKCS#8, RSA or EC key block)' : 'it holds more than one private key' };
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certs[0]!);
  } catch {
    return { ok: false, problem: 'its first certificate does not parse as X.509' };
  }
  for (const [i, c] of certs.slice(1).entries()) {
    try {
      new X509Certificate(c);
    } catch {
      return { ok: false, problem: `certificate ${i + 2} of its chain does not parse as X.509` };
    }
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(keys[0]!));
  } catch {
    return { ok: false, problem: 'its private key does not parse (an encrypted key is not supported)' };
  }
  if (!matches) return { ok: false, problem: 'its private key does not belong to its (first) certificate' };
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x509.subject)?.[1] ?? '';
  const sans = (x509.subjectAltName ?? '').split(/,\s*/).filter((p) => p.startsWith('DNS:')).map((p) => p.slice(4).toLowerCase());
  return {
    ok: true,
    cert: {
      chain: certs.join('\n') + '\n',
      key: keys[0]! + '\n',
      fingerprint: x509.fingerprint256.replace(/:/g, '').toLowerCase(),
      subject: cn,
      sans,
      notBefore: new Date(x509.validFrom).toISOString(),
      notAfter: new Date(x509.validTo).toISOString(),
      x509,
    },
  };
}

/** True when the certificate's names cover `domain` (subjectAltName, wildcards one label deep; CN only without SANs). */
export function coversDomain(cert: PemCertificate, domain: string): boolean {
  return cert.x509.checkHost(domain, { subject: 'default' }) !== undefined;
}
