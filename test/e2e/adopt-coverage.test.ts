/**
 * Adopt round trip of issue-14 kinds (Helm chart namespaces and repositories, Chart VPC links,
 * pull-through subscriptions, custom domains): each golden scenario's registry.yaml is applied to a fresh emulator, then adopted with a base file holding only the accounts. The adopted file declares what
 * was applied (defaults left out) and plans no changes, no unmanaged object, and drift exits 0.
 * Adopt makes no mutating call.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { startTestEmulator } from '../helpers/emulator.js';
import { applyWithGates, callsDuring, cliFor, expectRoundTrip, planJson } from '../adopt/support.js';
import { declaredEnv } from '../support/declared-env.js';

const golden = fileURLToPath(new URL('../golden/plan/', import.meta.url));

type AdoptedInstance = { vpcEndpoints?: unknown[]; chartNamespaces?: unknown; subscriptions?: unknown[]; customDomains?: unknown[] };

/** Per scenario: what the adopted instance must declare (besides planning clean). */
const EXPECTED: Record<string, (inst: AdoptedInstance) => void> = {
  charts: (inst) => {
    expect(inst.chartNamespaces).toEqual({
      charts: { autoCreateRepo: true, repositories: { api: { type: 'PUBLIC', summary: 'Public API server chart' }, web: { summary: 'Web front end chart' } } },
      platform: { defaultRepoType: 'PUBLIC', repositories: { ingress: {} } },
    });
    expect(inst.vpcEndpoints).toEqual([
      { vpc: 'vpc-bp1example', vswitch: 'vsw-bp1example', module: 'Chart' },
      { vpc: 'vpc-bp1example', vswitch: 'vsw-bp1example' },
    ]);
  },
  // `name` and `pullOnCreate` are not stored by the service: adopt cannot write them back.
  subscriptions: (inst) => {
    expect(inst.subscriptions).toEqual([
      { from: 'DOCKER_HUB', sourceNamespace: 'library', sourceRepository: 'nginx', tagFilter: '1\\.2[0-9]\\..*', namespace: 'mirror', tagCount: 5, platforms: ['linux/amd64', 'linux/arm64'] },
      { from: 'QUAY', sourceNamespace: 'coreos', sourceRepository: 'etcd', namespace: 'mirror', repository: 'etcd-mirror' },
    ]);
  },
  // The certificate's region is sent, never read back: adopt cannot write it.
  'custom-domains': (inst) => {
    expect(inst.customDomains).toEqual([
      { domain: 'charts.example.com', module: 'Chart', certificate: { id: '21430003' } },
      { domain: 'pull.example.com', certificate: { id: '21430002' } },
      { domain: 'registry.example.com', certificate: { id: '21430001' } },
      { domain: 'secure.example.com', certificate: { id: expect.stringMatching(/^\d+$/) } }, // issue 14 item 6: its PEM upload, adopted by id
    ]);
  },
  // Delivery chains (issue 14 item 7): routes equal to the product's template are left out.
  chains: (inst) => {
    expect((inst as { chains?: unknown[] }).chains).toEqual([
      {
        name: 'api-release',
        namespace: 'team-a',
        repository: 'api',
        description: 'Build, scan and ship the API',
        nodes: { build: {}, push: {}, scan: { deny: { severity: 'MEDIUM', count: 1, logic: 'AND', action: 'BLOCK_DELETE_TAG' } }, replicate: { enabled: false }, trigger: {} },
      },
      { name: 'everything', description: 'Every repository of the instance', nodes: { push: {}, scan: { deny: { severity: 'HIGH', count: 10, logic: 'OR', action: 'BLOCK' } }, replicate: {}, trigger: {} } },
      { name: 'team-wide', namespace: 'team-b', nodes: { push: {}, scan: { deny: { severity: 'MEDIUM', count: 5, logic: 'OR', action: 'BLOCK_RETAG' } }, snapshot: {}, snapshotTrigger: {} } },
    ]);
  },
};

it.each(Object.keys(EXPECTED))('adopts scenario %s into a file that plans clean', { timeout: 120_000 }, async (name) => {
  const scenario = join(golden, name);
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), `acrctl-adopt-${name}-`));
  try {
    writeFileSync(join(cwd, 'registry.yaml'), readFileSync(join(scenario, 'registry.yaml')));
    const cli = cliFor(t, cwd, declaredEnv(readFileSync(join(scenario, 'registry.yaml'), 'utf8'))); // issue 14 item 6: the scenario's '# export' secrets
    const applied = await applyWithGates(t, cwd, cli);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    writeFileSync(join(cwd, 'accounts.yaml'), 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\n');
    const { result: r, mutating } = await callsDuring(t, () => cli(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(mutating).toEqual([]);
    const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, AdoptedInstance> };
    EXPECTED[name]!(adopted.instances['acme-hz']!);
    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  } finally {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});

// issue 14 item 8 (storage routing): the API is allow-listed, so the account is allow-listed first
// (as the vendor does on a ticket), then the golden scenario's allow-listed instance is applied.
it('adopts storage routing rules of an allow-listed account into a file that plans clean', { timeout: 120_000 }, async () => {
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-storage-routing-'));
  try {
    const golden = parse(readFileSync(join(fileURLToPath(new URL('../golden/plan/storage-routing/', import.meta.url)), 'registry.yaml'), 'utf8')) as { instances: Record<string, unknown> };
    delete golden.instances['bj'];
    writeFileSync(join(cwd, 'registry.yaml'), JSON.stringify(golden));
    await t.admin('POST', '/_emulator/cr/api-allowlist', { feature: 'StorageDomainRouting', accountUid: '1234567890123456' });
    const cli = cliFor(t, cwd);
    const applied = await applyWithGates(t, cwd, cli);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    writeFileSync(join(cwd, 'accounts.yaml'), 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\n');
    const { result: r, mutating } = await callsDuring(t, () => cli(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(mutating).toEqual([]);
    const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { storageRoutingRules?: unknown[] }> };
    expect(adopted.instances['acme-hz']!.storageRoutingRules).toEqual([
      { endpointType: 'Vpc', instanceDomain: 'acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com', storageDomain: 'acme-layers.oss-cn-hangzhou-internal.aliyuncs.com' },
      { endpointType: 'Internet', instanceDomain: 'acme-hz-registry.cn-hangzhou.cr.aliyuncs.com', storageDomain: 'acme-layers.oss-cn-hangzhou.aliyuncs.com' },
    ]);
    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  } finally {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});

// issue 14 item 10 (event rules): the API cannot create them, so the golden scenario's live
// estate (its console-made rules) is seeded; adopt writes the rules by name only.
it('adopts event rules by name into a file that plans clean', { timeout: 120_000 }, async () => {
  const scenario = fileURLToPath(new URL('../golden/plan/event-rules/', import.meta.url));
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-event-rules-'));
  try {
    const { seedEstate } = await import('../support/seed.js'); // imported here to keep this block self-contained
    await seedEstate(t, scenario, cwd);
    const cli = cliFor(t, cwd);
    writeFileSync(join(cwd, 'accounts.yaml'), 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\n');
    const { result: r, mutating } = await callsDuring(t, () => cli(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(mutating).toEqual([]);
    const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { eventRules?: unknown[] }> };
    expect(adopted.instances['acme-hz']!.eventRules).toEqual([{ name: 'by-hand' }, { name: 'scan-alerts' }, { name: 'tracked' }]);
    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  } finally {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});

// issue 14 item 8 (instance settings): user tags and the resource group are adopted; the login
// password is write-only, so adopt never writes it (docs/adopt.md), and the round trip holds.
it('adopts instance settings: user tags and the resource group, never the login password', { timeout: 120_000 }, async () => {
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-instance-settings-'));
  const password = 'Adopt-me-n0t';
  try {
    writeFileSync(join(cwd, 'registry.yaml'), readFileSync(join(golden, 'instance-settings', 'registry.yaml')));
    const cli = cliFor(t, cwd, { ACR_LOGIN_PASSWORD: password });
    const applied = await applyWithGates(t, cwd, cli);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    writeFileSync(join(cwd, 'accounts.yaml'), 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\n');
    const { result: r, mutating } = await callsDuring(t, () => cli(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(mutating).toEqual([]);
    const text = readFileSync(join(cwd, 'adopted.yaml'), 'utf8');
    const inst = (parse(text) as { instances: Record<string, Record<string, unknown>> }).instances['acme-settings']!;
    expect([inst['tags'], inst['resourceGroup'], 'loginPassword' in inst]).toEqual([{ env: 'prod', team: 'platform' }, 'rg-platform', false]);
    expect(text + r.stdout + r.stderr).not.toContain(password);
    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  } finally {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});

// issue 14 item 9 (build rules): the scenario's sources need their code-platform accounts bound to
// the instance first (a console step; the emulator's admin route), so it runs apart from the loop.
it('adopts scenario build-rules (sources and rules, defaults left out) into a file that plans clean', { timeout: 120_000 }, async () => {
  const scenario = join(golden, 'build-rules');
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-build-rules-'));
  try {
    for (const platform of ['GITHUB', 'GITLAB']) {
      expect((await t.admin('POST', '/_emulator/cr/code-sources', { accountUid: '1234567890123456', region: 'cn-hangzhou', instanceName: 'acme-hz', platform })).status).toBe(200);
    }
    writeFileSync(join(cwd, 'registry.yaml'), readFileSync(join(scenario, 'registry.yaml')));
    const cli = cliFor(t, cwd, declaredEnv(readFileSync(join(scenario, 'registry.yaml'), 'utf8'))); // issue 14 item 6: the scenario's '# export' secrets
    const applied = await applyWithGates(t, cwd, cli);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    writeFileSync(join(cwd, 'accounts.yaml'), 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\n');
    const { result: r, mutating } = await callsDuring(t, () => cli(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(mutating).toEqual([]);
    const adopted = parse(readFileSync(join(cwd, 'adopted.yaml'), 'utf8')) as { instances: Record<string, { namespaces: Record<string, { repositories: Record<string, { build?: unknown }> }> }> };
    const repos = adopted.instances['acme-hz']!.namespaces['apps']!.repositories;
    expect(repos['web']!.build).toEqual({
      source: { platform: 'GITHUB', namespace: 'acme', repository: 'web', overseaBuild: true },
      rules: [
        { branch: 'main', imageTag: 'latest', dockerfileName: 'Dockerfile.prod' },
        { gitTag: 'release-v.*', imageTag: 'release', platforms: ['linux/amd64', 'linux/arm64'], buildArgs: ['GO_VERSION=1.22'] },
      ],
    });
    expect(repos['api']!.build).toEqual({ source: { platform: 'GITLAB', namespace: 'acme', repository: 'api' }, rules: [{ branch: 'main', imageTag: 'latest', dockerfileLocation: '/docker' }] });
    expect(repos['legacy']!.build).toBeUndefined();
    expect(repos['jobs']!.build).toEqual({ rules: [{ branch: 'main', imageTag: 'latest' }] });
    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  } finally {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});

// Webhooks (gaps item 1): adopt cannot read a URL back (the live spec holds its digest), so it writes
// `${env:ACRCTL_WEBHOOK_…}` and a warning naming the variable. Given those variables with the URLs
// applied, the adopted file plans clean; given another URL, the plan shows that trigger's URL change.
it('adopts scenario triggers: URLs as the variables its warnings name, compared by digest', { timeout: 120_000 }, async () => {
  const scenario = join(golden, 'triggers');
  const t = await startTestEmulator();
  const cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-triggers-'));
  try {
    const text = readFileSync(join(scenario, 'registry.yaml'), 'utf8');
    writeFileSync(join(cwd, 'registry.yaml'), text);
    const declared = declaredEnv(text);
    const applied = await applyWithGates(t, cwd, cliFor(t, cwd, declared));
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    writeFileSync(join(cwd, 'accounts.yaml'), 'version: 1\naccounts:\n  prod: { uid: "1234567890123456" }\n');
    const { result: r, mutating } = await callsDuring(t, () => cliFor(t, cwd)(['adopt', '-f', 'accounts.yaml', '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(mutating).toEqual([]);
    const written = readFileSync(join(cwd, 'adopted.yaml'), 'utf8');
    for (const url of Object.values(declared)) expect(written).not.toContain(url);
    const adopted = parse(written) as { instances: Record<string, { namespaces: Record<string, { repositories: Record<string, { triggers?: unknown[] }> }> }> };
    const repos = adopted.instances['acme-hz']!.namespaces['team-a']!.repositories;
    expect([repos['api']!.triggers, repos['web']!.triggers]).toEqual([
      [
        { name: 'deploy', url: '${env:ACRCTL_WEBHOOK_TEAM_A_API_DEPLOY}', tagFilter: 'release-.*' },
        { name: 'notify', url: '${env:ACRCTL_WEBHOOK_TEAM_A_API_NOTIFY}', tags: ['latest', 'stable'] },
      ],
      [{ name: 'push', url: '${env:ACRCTL_WEBHOOK_TEAM_A_WEB_PUSH}' }],
    ]);
    // What the user does with adopt's warnings: set each named variable to the hook's URL.
    const urls = { deploy: declared['DEPLOY_WEBHOOK_URL']!, notify: declared['NOTIFY_WEBHOOK_URL']!, push: declared['WEB_WEBHOOK_URL']! };
    const env = { ACRCTL_WEBHOOK_TEAM_A_API_DEPLOY: urls.deploy, ACRCTL_WEBHOOK_TEAM_A_API_NOTIFY: urls.notify, ACRCTL_WEBHOOK_TEAM_A_WEB_PUSH: urls.push };
    for (const name of Object.keys(env)) expect(r.stderr).toContain(`set ${name} to it`);
    expect(r.stderr).toContain('adopted.yaml refers to ${env:ACRCTL_WEBHOOK_TEAM_A_API_DEPLOY}, ${env:ACRCTL_WEBHOOK_TEAM_A_API_NOTIFY}, ${env:ACRCTL_WEBHOOK_TEAM_A_WEB_PUSH}, not set here');
    // --verify cannot compare URLs it is not given: it says so rather than plan a stand-in.
    const unverified = await cliFor(t, cwd)(['adopt', '-f', 'accounts.yaml', '-o', 'verify.yaml', '--verify']);
    expect([unverified.code, /verify: cannot compare the adopted file: .*ACRCTL_WEBHOOK_TEAM_A_WEB_PUSH are not set/.test(unverified.stderr)], unverified.stderr).toEqual([2, true]);
    const verified = await cliFor(t, cwd, env)(['adopt', '-f', 'accounts.yaml', '-o', 'verified.yaml', '--verify']);
    expect(verified.code, verified.stderr).toBe(0);
    await expectRoundTrip(cliFor(t, cwd, env), 'adopted.yaml', cwd, env);
    const wrong = await planJson(cliFor(t, cwd, { ...env, ACRCTL_WEBHOOK_TEAM_A_WEB_PUSH: 'https://hooks.example.com/web?token=not-the-one' }), 'adopted.yaml');
    expect(wrong.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['update instance[acme-hz].namespace[team-a].repository[web].trigger[push]']);
  } finally {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});
