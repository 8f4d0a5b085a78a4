/**
 * Throwaway TLS certificates for tests, made at test time (no key file is committed): an EC P-256
 * key from node:crypto and a self-signed X.509 v3 certificate with a subjectAltName, DER-encoded by
 * hand (node:crypto parses certificates but cannot make them). Test-only: never a real secret.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

const tlv = (tag: number, body: Buffer): Buffer => {
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
function int(raw: Buffer): Buffer {
  let n = raw;
  while (n.length > 1 && n[0] === 0 && !(n[1]! & 0x80)) n = n.subarray(1); // DER: minimal
  return tlv(0x02, n[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), n]) : n);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const v of rest) {
    const chunk: number[] = [];
    let x = v;
    do {
      chunk.unshift(x & 0x7f);
      x >>= 7;
    } while (x > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));

export interface TestCertificate {
  /** Certificate PEM then private key PEM: the bundle `certificate.pem` takes. */
  readonly bundle: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 of the certificate's DER, lower-case hex. */
  readonly sha256: string;
}

/** A self-signed certificate for `names` (the first is the subject CN), valid from `from` for `days`. */
export function testCertificate(names: readonly string[], opts: { readonly days?: number; readonly from?: Date; readonly serial?: number } = {}): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const from = opts.from ?? new Date(Date.now() - 86_400_000);
  const until = new Date(from.getTime() + (opts.days ?? 365) * 86_400_000);
  const algo = seq(oid('1.2.840.10045.4.3.2'));
  const san = seq(...names.map((n) => tlv(0x82, Buffer.from(n))));
  const ext = tlv(0xa3, seq(seq(oid('2.5.29.17'), tlv(0x04, san))));
  const serial = Buffer.alloc(8);
  serial.writeUInt32BE(opts.serial ?? 1 + Math.floor(Math.random() * 0x7ffffffe), 4);
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))),
    int(serial),
    algo,
    name(names[0]!),
    seq(time(from), time(until)),
    name(names[0]!),
    publicKey.export({ type: 'spki', format: 'der' }),
    ext,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algo, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { bundle: certPem + keyPem, certPem, keyPem, sha256: createHash('sha256').update(der).digest('hex') };
}
