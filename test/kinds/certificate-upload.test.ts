/**
 * Kind `certificate-upload` (issue 14 item 6): a custom domain's `certificate.pem` uploaded to
 * Certificate Management Service and registered by its CertId. Against the emulator: apply (the
 * upload, then the domain with its CertId), the next plan empty, a renewal (a new PEM: uploaded,
 * the domain switched to it, the previous upload left and shown), a crash after the upload (resume
 * finds it by name and SHA-256 and uploads nothing), adopt writing the id with a note; validation
 * (a key that does not match, an expired certificate, names that do not cover the domain) and the
 * PEM absent from every artefact (public plan, journal, CLI output). Certificates are made at test
 * time (test/support/certificates.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import { validateSource } from '../../src/config/load.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { certificateUploadKind, uploadName } from '../../src/kinds/certificate-upload.js';
import { customDomainKind } from '../../src/kinds/custom-domain.js';
import { languageReferences } from '../../src/kinds/language.js';
import type { Kind, LiveObject } from '../../src/plan/kind.js';
import { publicPlan } from '../../src/plan/sensitive.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { testCertificate, type TestCertificate } from '../support/certificates.js';
import { runCli } from '../support/cli.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const UID = '1234567890123456';
const DOMAIN = 'registry.example.com';
const CERT = `instance[hz].custom-domain[${DOMAIN}].certificate`;
const ADDR = `instance[hz].custom-domain[${DOMAIN}]`;

function doc(inst: Partial<Instance>): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', ...inst } } };
}
const withPem = (c: TestCertificate) => doc({ customDomains: [{ domain: DOMAIN, certificate: { pem: c.bundle } }] });

/** The base64 body lines of the private key: what must never be written anywhere. */
const keyLines = (c: TestCertificate) => c.keyPem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function expectNoPem(text: string, c: TestCertificate, where: string): void {
  expect(text, where).not.toContain('PRIVATE KEY');
  for (const l of keyLines(c)) expect(text.includes(l), `${where} holds a line of the private key`).toBe(false);
}

describe('certificate-upload: desired objects and validation', () => {
  it('one upload per PEM domain, named by its SHA-256, the pem sensitive; the domain carries the fingerprint and requires the upload', () => {
    const c = testCertificate([DOMAIN]);
    const config = withPem(c);
    const [up] = certificateUploadKind.desired(config);
    expect(up).toMatchObject({ id: CERT, sensitive: ['pem'], spec: { fingerprint: c.sha256, subject: DOMAIN, sans: [DOMAIN], name: uploadName(DOMAIN, c.sha256), casRegion: 'cn-hangzhou' } });
    expect(up!.spec.name).toBe(`acrctl-registry-example-com-${c.sha256.slice(0, 16)}`);
    const [d] = customDomainKind.desired(config);
    expect(d).toMatchObject({ id: ADDR, spec: { certFingerprint: c.sha256, certRegion: 'cn-hangzhou' }, requires: ['instance[hz]', CERT] });
    expect(d!.spec).not.toHaveProperty('certId');
  });

  const head = `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    customDomains:
      - { domain: registry.example.com, certificate: { pem: "\${env:TLS_PEM}" } }
`;
  const findings = (pem: string) => validateSource(head, 'r.yaml', { references: languageReferences(allKinds), env: { TLS_PEM: pem } }).findings;
  const good = testCertificate([DOMAIN]);
  const other = testCertificate(['other.example.org']);
  it.each([
    { reason: 'a bundle that covers the domain', pem: good.bundle, want: [] as string[] },
    { reason: 'a wildcard one label up', pem: testCertificate(['*.example.com']).bundle, want: [] },
    { reason: 'a key of another certificate', pem: good.certPem + other.keyPem, want: ['does not belong'] },
    { reason: 'no key', pem: good.certPem, want: ['no private key in PEM'] },
    { reason: 'no certificate', pem: good.keyPem, want: ['no PEM certificate'] },
    { reason: 'names that do not cover the domain', pem: other.bundle, want: ['does not cover registry.example.com'] },
    { reason: 'an expired certificate', pem: testCertificate([DOMAIN], { from: new Date(Date.now() - 20 * 86_400_000), days: 10 }).bundle, want: ['expired on'] },
  ])('$reason', ({ pem, want }) => {
    const f = findings(pem);
    expect(f.map((x) => `${x.id}@${x.location.line}`)).toEqual(want.map(() => 'ref/custom-domain-certificate@11'));
    want.forEach((w, i) => expect(f[i]!.message).toContain(w));
    for (const x of f) expectNoPem(JSON.stringify(x), good, 'a finding');
  });
});

describe('certificate-upload: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: instanceId, ...params }, estate.keys['prod']!);
  const uploads = async () => ((await estate.t.callRpc('cas', 'cn-hangzhou', 'ListUserCertificateOrder', { OrderType: 'UPLOAD' }, estate.keys['prod']!)) as { CertificateOrderList: { CertificateId: number; Name: string; Sha2: string }[] }).CertificateOrderList;
  const certIdOfDomain = async () => (await cr('GetInstanceCustomizedDomain', { Domain: DOMAIN, ModuleName: 'Registry' }))['CertId'];
  const first = testCertificate([DOMAIN, 'pull.example.com']);
  const renewed = testCertificate([DOMAIN]);
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
  });
  afterAll(async () => {
    await estate.close();
  });

  it('uploads the certificate, then registers the domain with its CertId; the next plan is empty; no artefact holds the PEM', async () => {
    const plan = await planFor(withPem(first), estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([`create ${ADDR}`, `create ${CERT}`]);
    const pub = JSON.stringify(publicPlan(plan));
    expectNoPem(pub, first, 'the public plan');
    expect(pub).toContain(first.sha256); // the plan shows the fingerprint, subject, names and expiry
    expect(pub).toContain('pull.example.com');
    const dir = mkdtempSync(join(tmpdir(), 'acrctl-cert-apply-'));
    try {
      expect((await applyPlan(plan, allKinds, estate.session, { clock, dir })).result.status).toBe('complete');
      for (const f of filesUnder(dir)) expectNoPem(readFileSync(f, 'utf8'), first, f);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const up = await uploads();
    expect(up.map((u) => [u.Name, u.Sha2.toLowerCase()])).toEqual([[uploadName(DOMAIN, first.sha256), first.sha256]]);
    expect(await certIdOfDomain()).toBe(String(up[0]!.CertificateId));
    expect((await planFor(withPem(first), estate.session, allKinds)).actions).toEqual([]);
  });

  it('a renewal uploads the new certificate, switches the domain to it and leaves the previous upload (shown, not pruned)', async () => {
    const config = { ...withPem(renewed), instances: { hz: { ...withPem(renewed).instances!['hz']!, prune: true } } };
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id} ${a.changes.map((c) => c.path).join(',')}`)).toEqual([`update ${ADDR} certificate`, `update ${CERT} fingerprint,name,sans`]);
    expect((await applyPlan(plan, allKinds, estate.session, { clock })).result.status).toBe('complete');
    const up = await uploads();
    expect(up.map((u) => u.Name)).toEqual([uploadName(DOMAIN, first.sha256), uploadName(DOMAIN, renewed.sha256)]);
    expect(await certIdOfDomain()).toBe(String(up[1]!.CertificateId));
    const again = await planFor(config, estate.session, allKinds);
    expect(again.actions).toEqual([]);
    expect(again.unmanaged.map((u) => u.id)).toEqual([`${ADDR}.previous-certificate[${first.sha256.slice(0, 16)}]`]);
  });

  it('after a crash that lost the upload\'s answer, resume finds the upload by its name and SHA-256 and does not upload twice', async () => {
    const third = testCertificate([DOMAIN]);
    const plan = await planFor(withPem(third), estate.session, allKinds);
    const action = plan.actions.find((a) => a.id === CERT)!;
    const kind = certificateUploadKind as unknown as Kind;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'absent' });
    // The earlier run's call landed; its answer never came back.
    await estate.t.callRpc('cas', 'cn-hangzhou', 'UploadUserCertificate', { Name: uploadName(DOMAIN, third.sha256), Cert: third.certPem, Key: third.keyPem }, estate.keys['prod']!);
    const landed = (await uploads()).find((u) => u.Sha2.toLowerCase() === third.sha256)!;
    await estate.t.admin('DELETE', '/_emulator/calls');
    expect(await reconcileAction(kind, h.ctx, action)).toEqual({ state: 'done', ids: { certId: String(landed.CertificateId) } });
    expect(await carryOut(kind, h.ctx, action)).toEqual({ ids: { certId: String(landed.CertificateId) } });
    expect(await successfulCalls(estate, 'UploadUserCertificate')).toBe(0);
    expect(h.intents).toEqual([]);
  });

  it('an upload whose connection drops after it landed is reconciled by the executor: done, uploaded once, the domain gets its CertId', async () => {
    const fourth = testCertificate([DOMAIN]);
    const plan = await planFor(withPem(fourth), estate.session, allKinds);
    await estate.t.admin('PUT', '/_emulator/faults', { actions: { 'cas:UploadUserCertificate': { dropRate: 1, dropPhase: 'after' } } });
    await estate.t.admin('DELETE', '/_emulator/calls');
    try {
      const { result, events } = await applyPlan(plan, allKinds, estate.session, { clock });
      expect(result.status).toBe('complete');
      expect(events.filter((e) => e.code === 'action.reconciled').map((e) => `${e.action}: ${String(e.data?.['state'])}`)).toEqual([`${CERT}: done`]);
    } finally {
      await estate.t.admin('DELETE', '/_emulator/faults');
    }
    const { body } = await estate.t.admin<{ action: string }[]>('GET', '/_emulator/calls');
    expect(body.filter((c) => c.action === 'UploadUserCertificate').length).toBe(1);
    const landed = (await uploads()).find((u) => u.Sha2.toLowerCase() === fourth.sha256)!;
    expect(await certIdOfDomain()).toBe(String(landed.CertificateId));
    expect((await planFor(withPem(fourth), estate.session, allKinds)).actions).toEqual([]);
  });

  it('adopt writes the id of a domain whose certificate acrctl uploaded, with a note', () => {
    const live = { id: ADDR, kind: 'custom-domain', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz', domain: DOMAIN }, spec: { certId: '10000002', certFingerprint: renewed.sha256 }, ids: { instanceId }, container: 'instance[hz]', prunable: false, requires: [] } as LiveObject;
    const adopted = (customDomainKind as unknown as Kind).toConfig!(live, {} as never);
    expect(adopted.pieces).toEqual([{ item: ['instances', 'hz', 'customDomains'], value: { domain: DOMAIN, certificate: { id: '10000002' } }, order: DOMAIN }]);
    expect(adopted.notes?.[0]?.message).toContain('uploaded by acrctl from a PEM');
  });
});

describe('certificate-upload: the CLI never prints the PEM', () => {
  it('plan and apply through the CLI, in every plan format, with the bundle in the environment', { timeout: 60_000 }, async () => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-cert-cli-'));
    const c = testCertificate([DOMAIN]);
    try {
      writeFileSync(
        join(cwd, 'registry.yaml'),
        `version: 1\naccounts:\n  prod: { uid: "${UID}" }\ninstances:\n  hz:\n    account: prod\n    region: cn-hangzhou\n    edition: Advanced\n    name: acme-hz\n    customDomains:\n      - { domain: ${DOMAIN}, certificate: { pem: "\${env:TLS_PEM}" } }\n`,
      );
      const env = { TLS_PEM: c.bundle, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' };
      const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd, env });
      for (const format of ['text', 'json', 'markdown']) {
        const r = await cli(['plan', '-f', 'registry.yaml', '--format', format]);
        expect(r.code, r.stderr).toBe(0);
        expectNoPem(r.stdout + r.stderr, c, `plan --format ${format}`);
      }
      const r = await cli(['apply', '-f', 'registry.yaml', '--auto-approve']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('Verified: a new plan shows no changes.');
      expectNoPem(r.stdout + r.stderr, c, 'apply');
      for (const f of filesUnder(cwd)) if (!f.endsWith('registry.yaml')) expectNoPem(readFileSync(f, 'utf8'), c, f);
      // Every CAS call the run made is one the kind declares (permissions(config), as test/kinds/permissions.test.ts checks for the examples).
      const made = (await t.admin<{ product: string; action: string }[]>('GET', '/_emulator/calls')).body.filter((x) => x.product === 'cas').map((x) => `cas:${x.action}`);
      const config = parse(readFileSync(join(cwd, 'registry.yaml'), 'utf8')) as RegistryDocument;
      const declared = new Set(certificateUploadKind.permissions(config).map((n) => `${n.product}:${n.api}`));
      expect(made.length).toBeGreaterThan(0);
      expect(made.filter((m) => !declared.has(m))).toEqual([]);
      // adopt writes the domain's certificate id, with a note that acrctl uploaded it from a PEM.
      writeFileSync(join(cwd, 'accounts.yaml'), `version: 1\naccounts:\n  prod: { uid: "${UID}" }\n`);
      const adopt = await cli(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']);
      expect(adopt.code, adopt.stderr).toBe(0);
      const adoptedText = readFileSync(join(cwd, 'adopted.yaml'), 'utf8');
      expect(adopt.stdout + adopt.stderr + adoptedText).toContain('uploaded by acrctl from a PEM');
      const adopted = parse(adoptedText) as { instances: Record<string, { customDomains: unknown[] }> };
      expect(adopted.instances['acme-hz']!.customDomains).toEqual([{ domain: DOMAIN, certificate: { id: expect.stringMatching(/^\d+$/) } }]);
      expectNoPem(adopt.stdout + adopt.stderr + adoptedText, c, 'adopt');
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
