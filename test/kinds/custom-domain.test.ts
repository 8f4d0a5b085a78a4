/**
 * Kind `custom-domain`: desired objects and the DNS outputs; validation (a PEM only from
 * ${env:NAME}, never printed, refused when it is no usable bundle (test/kinds/certificate-upload.test.ts
 * covers PEM uploads); exactly one
 * of id and pem; a domain declared once); then against the emulator: plan (unmanaged, prune),
 * apply, the next plan empty, the certificate updated in place, create idempotent, delete twice.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestEmulator } from '../helpers/emulator.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryOut, reconcileAction } from '../../src/apply/verbs.js';
import { validateSource } from '../../src/config/load.js';
import type { Instance, RegistryDocument } from '../../src/config/model.js';
import { allKinds } from '../../src/kinds/index.js';
import { customDomainKind as typed } from '../../src/kinds/custom-domain.js';
import { languageReferences } from '../../src/kinds/language.js';
import type { Kind } from '../../src/plan/kind.js';
import { runCli } from '../support/cli.js';
import { declaredEnv } from '../support/declared-env.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, buyInstance, execContext, planFor, successfulCalls, testClock } from '../support/exec.js';

const customDomainKind: Kind = typed;
const UID = '1234567890123456';
const ADDR = 'instance[hz].custom-domain[registry.example.com]';

function doc(inst: Partial<Instance>): RegistryDocument {
  return { version: 1, accounts: { prod: { uid: UID } }, instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', ...inst } } };
}

describe('custom-domain: desired and outputs', () => {
  it('one object per domain, lowercased, with the certificate id and region', () => {
    const d = customDomainKind.desired(doc({ customDomains: [{ domain: 'registry.example.com', certificate: { id: '21428921', region: 'cn-hangzhou' } }] }));
    expect(d.map((x) => [x.id, x.spec, x.requires])).toEqual([[ADDR, { certId: '21428921', certRegion: 'cn-hangzhou' }, ['instance[hz]']]]);
  });
  it('outputs the CNAME (and the A-record fallback) to the instance public host', () => {
    const config = doc({ customDomains: [{ domain: 'registry.example.com', certificate: { id: '1' } }] });
    const { outputs } = customDomainKind.extras!({ config, desired: customDomainKind.desired(config), live: () => [] });
    expect(outputs).toEqual([
      {
        id: `${ADDR}.dns`,
        title: 'DNS record for registry.example.com',
        lines: [
          'CNAME record: registry.example.com -> acme-hz-registry.cn-hangzhou.cr.aliyuncs.com',
          'or, where a CNAME is not possible (a zone apex), an A record: registry.example.com -> <IP of acme-hz-registry.cn-hangzhou.cr.aliyuncs.com> (dig +short acme-hz-registry.cn-hangzhou.cr.aliyuncs.com; it may change)',
          'The domain answers on the internet endpoint: enable instances.hz.internetEndpoint (with an allow list) for clients to reach it.',
        ],
      },
    ]);
  });
});

describe('custom-domain: the Chart module (gaps item 3)', () => {
  const chart = doc({ chartNamespaces: { charts: {} }, customDomains: [{ domain: 'charts.example.com', module: 'Chart', certificate: { id: '7' } }, { domain: 'registry.example.com', module: 'Registry', certificate: { id: '8' } }] });
  it('carries module Chart in the spec, and nothing for Registry (plans of Registry domains unchanged)', () => {
    expect(customDomainKind.desired(chart).map((x) => [x.id, x.spec])).toEqual([
      ['instance[hz].custom-domain[charts.example.com]', { certId: '7', module: 'Chart' }],
      [ADDR, { certId: '8' }],
    ]);
  });
  it('replaces a domain whose module changes (ModuleName names it in every call); the certificate still updates in place', () => {
    const [d] = customDomainKind.desired(chart);
    const live = { ...d!, spec: { certId: '6' }, ids: { instanceId: 'cri-1' }, container: 'instance[hz]', prunable: false };
    expect(customDomainKind.diff!(d!, live).changes.map((c) => `${c.path}:${String(c.before)}->${String(c.after)}:${c.impact}`)).toEqual(['certId:6->7:update', 'module:Registry->Chart:replace']);
    expect(customDomainKind.diff!({ ...d!, spec: { certId: '6' } }, { ...live, spec: { certId: '6', module: 'Chart' } }).changes.map((c) => `${c.path}:${c.impact}`)).toEqual(['module:replace']);
  });
  it('applies the golden scenario over its live estate: the Registry domain is replaced by a Chart one, then plans clean', { timeout: 60_000 }, async () => {
    const golden = fileURLToPath(new URL('../golden/plan/custom-domains/', import.meta.url));
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-domain-chart-'));
    try {
      for (const f of ['live.yaml', 'registry.yaml']) writeFileSync(join(cwd, f), readFileSync(join(golden, f)));
      // The scenario's PEM domain takes its bundle from the '# export' line (issue 14 item 6).
      const env = declaredEnv(readFileSync(join(golden, 'registry.yaml'), 'utf8'));
      const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd, env });
      expect((await cli(['apply', '-f', 'live.yaml', '--auto-approve'])).code).toBe(0);
      const r = await cli(['apply', '-f', 'registry.yaml', '--auto-approve']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('Verified: a new plan shows no changes.');
      const keys = await t.account(UID);
      const id = ((await t.callRpc('cr', 'cn-hangzhou', 'ListInstance', {}, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!.InstanceId;
      const users = async (module: string) =>
        ((await t.callRpc('cr', 'cn-hangzhou', 'ListInstanceEndpoint', { InstanceId: id, ModuleName: module }, keys)) as { Endpoints: { Domains: { Domain: string; Type: string }[] }[] }).Endpoints.flatMap((e) => e.Domains.filter((d) => d.Type === 'USER').map((d) => d.Domain));
      expect([await users('Registry'), await users('Chart')]).toEqual([['registry.example.com', 'pull.example.com', 'secure.example.com'], ['charts.example.com']]);
      // The move (Registry's charts.example.com deleted, then created for Chart) and old.example.com under prune.
      const deletes = (await t.admin<{ action: string; status: number; code: string | null }[]>('GET', '/_emulator/calls')).body.filter((c) => c.action === 'DeleteInstanceCustomizedDomain' && c.status === 200 && c.code === null);
      expect(deletes.length).toBe(2);
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
  it('says in the DNS output that a Chart domain serves Helm charts', () => {
    const { outputs } = customDomainKind.extras!({ config: chart, desired: customDomainKind.desired(chart), live: () => [] });
    expect(outputs![0]!.lines).toContain('It serves the Helm charts of the instance (module Chart), e.g. helm pull oci://charts.example.com/<chart namespace>/<chart>.');
    expect(outputs![1]!.lines.join('\n')).not.toContain('Helm');
  });
});

describe('custom-domain: validation', () => {
  const head = `version: 1
accounts:
  prod: { uid: "1234567890123456" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    customDomains:
`;
  const ids = (items: string, env: Record<string, string> = {}): string[] =>
    validateSource(head + items, 'r.yaml', { references: languageReferences(allKinds), env }).findings.map((f) => `${f.id}@${f.location.line}`);
  it.each([
    { reason: 'an id', items: '      - { domain: registry.example.com, certificate: { id: "21428921" } }\n', want: [] as string[] },
    { reason: 'a PEM that is no certificate (issue 14 item 6: checked after interpolation)', items: '      - { domain: registry.example.com, certificate: { pem: "${env:TLS_PEM}" } }\n', want: ['ref/custom-domain-certificate@11'] },
    { reason: 'a PEM written in the file', items: '      - { domain: registry.example.com, certificate: { pem: "-----BEGIN CERTIFICATE-----" } }\n', want: ['ref/custom-domain-certificate@11', 'secret/in-config@11'] },
    { reason: 'both id and pem (lints run only on a document without reference errors)', items: '      - { domain: registry.example.com, certificate: { id: "1", pem: "${env:TLS_PEM}" } }\n', want: ['ref/custom-domain-certificate@11'] },
    { reason: 'neither', items: '      - { domain: registry.example.com, certificate: {} }\n', want: ['ref/custom-domain-certificate@11'] },
    { reason: 'an uppercase domain', items: '      - { domain: Registry.example.com, certificate: { id: "1" } }\n', want: ['schema/pattern@11'] },
    { reason: 'a domain twice', items: '      - { domain: a.example.com, certificate: { id: "1" } }\n      - { domain: a.example.com, certificate: { id: "2" } }\n', want: ['ref/duplicate-key@12'] },
  ])('$reason', ({ items, want }) => {
    expect(ids(items, { TLS_PEM: 'x' })).toEqual(want);
  });

  it('a PEM from ${env:} that is no usable bundle is refused and never printed, in any output format', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'acrctl-pem-'));
    try {
      writeFileSync(join(cwd, 'registry.yaml'), head + '      - { domain: registry.example.com, certificate: { pem: "${env:TLS_PEM}" } }\n');
      const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secret\n-----END PRIVATE KEY-----';
      for (const args of [['validate', '-f', 'registry.yaml'], ['validate', '-f', 'registry.yaml', '--format', 'json'], ['validate', '-f', 'registry.yaml', '--format', 'sarif']]) {
        const r = await runCli(args, { cwd, env: { TLS_PEM: pem, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' } });
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stdout + r.stderr).toContain('ref/custom-domain-certificate');
        expect(r.stdout + r.stderr).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secret');
        expect(r.stdout + r.stderr).not.toContain('PRIVATE KEY');
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('custom-domain: against the emulator', () => {
  const clock = testClock();
  let estate: Estate;
  let instanceId: string;
  const cr = (action: string, params: Record<string, unknown>) => estate.t.callRpc('cr', 'cn-hangzhou', action, { InstanceId: instanceId, ...params }, estate.keys['prod']!);
  beforeAll(async () => {
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    instanceId = await buyInstance(estate, 'prod', 'cn-hangzhou', 'acme-hz', 'Advanced', clock);
    await cr('CreateInstanceCustomizedDomain', { Domain: 'old.example.com', CertId: '111', ModuleName: 'Registry' });
  });
  afterAll(async () => {
    await estate.close();
  });

  it('reads every USER domain; undeclared ones are unmanaged, pruned with prune; the certificate updates in place', async () => {
    const config = doc({ customDomains: [{ domain: 'registry.example.com', certificate: { id: '222', region: 'cn-hangzhou' } }] });
    const plan = await planFor(config, estate.session, allKinds);
    expect(plan.actions.map((a) => `${a.type} ${a.id}`)).toEqual([`create ${ADDR}`]);
    expect(plan.unmanaged.map((u) => u.id)).toEqual(['instance[hz].custom-domain[old.example.com]']);
    expect(plan.outputs.map((o) => o.id)).toEqual([`${ADDR}.dns`]);
    const pruning = doc({ prune: true, customDomains: [{ domain: 'registry.example.com', certificate: { id: '222', region: 'cn-hangzhou' } }] });
    const p2 = await planFor(pruning, estate.session, allKinds);
    expect(p2.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['delete instance[hz].custom-domain[old.example.com]', `create ${ADDR}`]);
    expect((await applyPlan(p2, allKinds, estate.session, { clock })).result.status).toBe('complete');
    expect((await planFor(pruning, estate.session, allKinds)).actions).toEqual([]);
    const renewed = doc({ prune: true, customDomains: [{ domain: 'registry.example.com', certificate: { id: '333' } }] });
    const p3 = await planFor(renewed, estate.session, allKinds);
    expect(p3.actions.map((a) => `${a.type} ${a.id} ${a.changes.map((c) => `${c.path}:${String(c.before)}->${String(c.after)}`).join(',')}`)).toEqual([`update ${ADDR} certId:222->333`]);
    expect((await applyPlan(p3, allKinds, estate.session, { clock })).result.status).toBe('complete');
    expect(await cr('GetInstanceCustomizedDomain', { Domain: 'registry.example.com', ModuleName: 'Registry' })).toMatchObject({ CertId: '333' });
    expect((await planFor(renewed, estate.session, allKinds)).actions).toEqual([]);
  });

  it('create is idempotent and reconciled; another certificate is not silently accepted; delete twice succeeds', async () => {
    const config = doc({ customDomains: [{ domain: 'second.example.com', certificate: { id: '444' } }] });
    const plan = await planFor(config, estate.session, allKinds);
    const action = plan.actions.find((a) => a.type === 'create')!;
    const h = execContext({ cloud: estate.session, clock, ids: plan.refs });
    expect(await reconcileAction(customDomainKind, h.ctx, action)).toEqual({ state: 'absent' });
    await estate.t.admin('DELETE', '/_emulator/calls');
    await carryOut(customDomainKind, h.ctx, action);
    await carryOut(customDomainKind, h.ctx, action);
    expect(await successfulCalls(estate, 'CreateInstanceCustomizedDomain')).toBe(1);
    expect(await reconcileAction(customDomainKind, h.ctx, action)).toMatchObject({ state: 'done', ids: { instanceId } });
    await expect(carryOut(customDomainKind, h.ctx, { ...action, after: { certId: '555' } })).rejects.toMatchObject({ code: 'apply.exists_different' });
    const del = { ...action, type: 'delete' as const, after: undefined, before: action.after, ids: { instanceId } } as unknown as typeof action;
    await carryOut(customDomainKind, h.ctx, del);
    await carryOut(customDomainKind, h.ctx, del);
    expect(await reconcileAction(customDomainKind, h.ctx, del)).toEqual({ state: 'done' });
  });
});
