/**
 * Adopt on a deliberately messy estate, seeded straight through the emulator's APIs (never through
 * acrctl apply): names at their maximum lengths and with digits, dots, hyphens and underscores, two
 * instances with the same name in two accounts, more repositories and namespaces than a page (and
 * ACRCTL_PAGE_SIZE=7 on top), rules across regions and accounts, a cross-account role with a custom
 * description and a custom policy, a role no rule uses, ACL entries, VPC links, quotas, and summaries and details that YAML
 * loves to misread. Adopt → plan shows no changes; the file is deterministic; filters and errors.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../src/emulator/core/contract.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';
import { buyInstance, startCrEmulator, type Clock } from '../emulator/cr/setup.js';
import { callsDuring, cliFor, expectRoundTrip, type Cli } from '../adopt/support.js';

const A = '1111222233334444';
const B = '5555666677778888';
const ROLE = 'aliyuncontainerregistrycrossaccoutsyncrole';
const SOURCE = '0messy-source-instance-name-30';
const LONG_NS = `a${'b'.repeat(118)}c`;
/** The service's limit (64) is below the language's (128): the service's is what can exist live. */
const LONG_REPO = `r${'x'.repeat(62)}z`;
const PAGE = { ACRCTL_PAGE_SIZE: '7' };

/** Summaries and details a careless YAML writer gets wrong. */
const HOSTILE: Record<string, { summary: string; detail?: string; type?: 'PUBLIC'; tagImmutability?: true }> = {
  'h-yes': { summary: 'yes' },
  'h-null': { summary: 'null' },
  'h-hash': { summary: '# not a comment' },
  'h-lead': { summary: '   leading spaces' },
  'h-trail': { summary: 'trailing space ' },
  'h-colon': { summary: 'key: value' },
  'h-quotes': { summary: `"double" and 'single' quotes` },
  'h-unicode': { summary: 'ünïcödé 日本語 ✓ 🚀' },
  'h-dash': { summary: '- dash', type: 'PUBLIC' },
  'h-flow': { summary: '[flow] {map}', tagImmutability: true },
  'h-sigils': { summary: '*alias &anchor !tag %directive @at `tick`' },
  'h-numbers': { summary: '0x1F', detail: '1e3' },
  'h-tilde': { summary: '~', detail: 'true' },
  'h-no': { summary: 'No', detail: '# Title\n\nline: two\n- item\n  indented "quoted"\n' },
  'a.b_c-d': { summary: 'dots, underscores and hyphens' },
  [LONG_REPO]: { summary: 'x'.repeat(100) },
};

let t: TestEmulator;
let clock: Clock;
let keys: { a: AccountKeys; b: AccountKeys };
let cwd: string;
let cli: Cli;
const ids: Record<string, string> = {};

async function seed(): Promise<void> {
  keys = { a: await t.account(A), b: await t.account(B) };
  ids['src'] = await buyInstance(t, clock, keys.a, 'cn-hangzhou', SOURCE, 'Advanced', [
    { Code: 'NamespaceQuota', Value: '5' },
    { Code: 'vpc_num', Value: '7' },
  ]);
  ids['twinA'] = await buyInstance(t, clock, keys.a, 'cn-shanghai', 'messy-twin', 'Basic');
  ids['twinB'] = await buyInstance(t, clock, keys.b, 'cn-beijing', 'messy-twin', 'Basic');
  ids['idle'] = await buyInstance(t, clock, keys.a, 'cn-shenzhen', 'messy-idle', 'Standard');
  clock.advance(60_000);
  const cr = (k: AccountKeys, region: string, id: string, action: string, params: Record<string, unknown>) => t.callRpc('cr', region, action, { InstanceId: id, ...params }, k);
  const src = (action: string, params: Record<string, unknown>) => cr(keys.a, 'cn-hangzhou', ids['src']!, action, params);

  // 30 namespaces (pages of 7), one at the maximum length, odd characters.
  const namespaces = [...Array.from({ length: 25 }, (_, i) => `ns-${String(i).padStart(2, '0')}`), LONG_NS, 'dots.in.name', 'under_score', '9digits0', 'team'];
  for (const n of namespaces) await src('CreateNamespace', { NamespaceName: n, AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
  await src('CreateNamespace', { NamespaceName: 'pub', AutoCreateRepo: true, DefaultRepoType: 'PUBLIC' });
  // 120 plain repositories (more than one page of 100) and the hostile ones.
  for (let i = 0; i < 120; i++) await src('CreateRepository', { RepoNamespaceName: 'team', RepoName: `r${String(i).padStart(3, '0')}`, RepoType: 'PRIVATE', Summary: `repository ${i}` });
  for (const [name, r] of Object.entries(HOSTILE)) {
    await src('CreateRepository', {
      RepoNamespaceName: name === 'a.b_c-d' ? 'dots.in.name' : 'team',
      RepoName: name,
      RepoType: r.type ?? 'PRIVATE',
      Summary: r.summary,
      ...(r.detail !== undefined ? { Detail: r.detail } : {}),
      ...(r.tagImmutability ? { TagImmutability: true } : {}),
    });
  }
  await src('CreateRepository', { RepoNamespaceName: 'pub', RepoName: 'open', RepoType: 'PUBLIC', Summary: 'public by default' });
  await src('CreateRepository', { RepoNamespaceName: 'pub', RepoName: 'closed', RepoType: 'PRIVATE', Summary: 'private in a public namespace' });

  // Network: two VPC links, the internet endpoint with ACL entries.
  await src('CreateInstanceVpcEndpointLinkedVpc', { VpcId: 'vpc-bbb2', VswitchId: 'vsw-bbb2', ModuleName: 'Registry' });
  await src('CreateInstanceVpcEndpointLinkedVpc', { VpcId: 'vpc-aaa1', VswitchId: 'vsw-aaa1', ModuleName: 'Registry' });
  await src('UpdateInstanceEndpointStatus', { Enable: true, EndpointType: 'internet', ModuleName: 'Registry' });
  clock.advance(60_000);
  for (const [cidr, comment] of [['203.0.113.0/24', 'office: HQ #1'], ['198.51.100.7/32', ''], ['192.0.2.0/28', 'yes']] as const) {
    await src('CreateInstanceEndpointAclPolicy', { EndpointType: 'internet', ModuleName: 'Registry', Entry: cidr, Comment: comment });
  }

  // Same account, other region: a manual namespace-level rule; its target namespace is what the rule derives.
  await cr(keys.a, 'cn-shanghai', ids['twinA']!, 'CreateNamespace', { NamespaceName: 'team', AutoCreateRepo: true, DefaultRepoType: 'PRIVATE' });
  await src('CreateRepoSyncRule', {
    SyncRuleName: 'to.shanghai_1',
    SyncScope: 'NAMESPACE',
    SyncTrigger: 'INITIATIVE',
    TagFilter: 'release-.*',
    NamespaceName: 'team',
    TargetInstanceId: ids['twinA'],
    TargetRegionId: 'cn-shanghai',
  });

  // Other account: the role (custom description, an extra statement acrctl leaves alone), a policy
  // with one statement more than the derived one, and a repository-level rule.
  const ram = (action: string, params: Record<string, unknown>) => t.callRpc('ram', 'global', action, params, keys.b);
  await ram('CreateRole', {
    RoleName: ROLE,
    Description: 'custom: lets "messy" replicate',
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '1',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { RAM: [`acs:ram::${B}:root`] } },
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${A}@cr.aliyuncs.com`] } },
      ],
    }),
  });
  const arn = `acs:cr:cn-beijing:${B}:instance/${ids['twinB']}`;
  await ram('CreatePolicy', {
    PolicyName: 'AcrctlCrossAccountSync',
    PolicyDocument: JSON.stringify({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: ['cr:CreateSyncRule', 'cr:CreateRepositorySync'], Resource: [arn] },
        { Effect: 'Deny', Action: ['cr:DeleteRepository'], Resource: [arn] },
      ],
    }),
  });
  await ram('AttachPolicyToRole', { RoleName: ROLE, PolicyName: 'AcrctlCrossAccountSync', PolicyType: 'Custom' });
  const twinB = (action: string, params: Record<string, unknown>) => cr(keys.b, 'cn-beijing', ids['twinB']!, action, params);
  await twinB('CreateNamespace', { NamespaceName: 'dots.in.name', AutoCreateRepo: false, DefaultRepoType: 'PRIVATE' });
  await twinB('CreateRepository', { RepoNamespaceName: 'dots.in.name', RepoName: 'a.b_c-d', RepoType: 'PRIVATE', Summary: 'dots, underscores and hyphens' });
  await src('CreateRepoSyncRule', {
    SyncRuleName: 'Cross-Acct',
    SyncScope: 'REPO',
    SyncTrigger: 'PASSIVE',
    TagFilter: '.*',
    NamespaceName: 'dots.in.name',
    RepoName: 'a.b_c-d',
    TargetInstanceId: ids['twinB'],
    TargetRegionId: 'cn-beijing',
    TargetUserId: B,
  });
  // A role left behind in account a (no rule uses it): it trusts b, and its policy names a's twin.
  const ramA = (action: string, params: Record<string, unknown>) => t.callRpc('ram', 'global', action, params, keys.a);
  await ramA('CreateRole', {
    RoleName: ROLE,
    AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: [`${B}@cr.aliyuncs.com`] } }] }),
  });
  await ramA('CreatePolicy', {
    PolicyName: 'AcrctlCrossAccountSync',
    PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['cr:CreateSyncRule', 'cr:CreateRepositorySync'], Resource: [`acs:cr:cn-shanghai:${A}:instance/${ids['twinA']}`] }] }),
  });
  await ramA('AttachPolicyToRole', { RoleName: ROLE, PolicyName: 'AcrctlCrossAccountSync', PolicyType: 'Custom' });
  clock.advance(60_000);
}

const ACCOUNTS = ['--account', `a=${A}`, '--account', `b=${B}`];

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'acrctl-adopt-messy-'));
  ({ t, clock } = await startCrEmulator());
  await seed();
  cli = cliFor(t, cwd, PAGE);
}, 120_000);

afterAll(async () => {
  await t?.close();
  rmSync(cwd, { recursive: true, force: true });
});

type Doc = {
  accounts: Record<string, { uid: string; credentials?: unknown }>;
  instances: Record<string, Record<string, unknown> & { namespaces?: Record<string, { repositories?: Record<string, Record<string, unknown>> } & Record<string, unknown>> }>;
  crossAccountRoles?: Record<string, unknown>;
};

describe('acrctl adopt: a messy estate seeded through the APIs', () => {
  it('adopts it with no mutating call into a file that plans no changes and drifts nothing', { timeout: 120_000 }, async () => {
    const { result: r, mutating } = await callsDuring(t, () => cli(['adopt', ...ACCOUNTS, '-o', 'adopted.yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(mutating).toEqual([]);
    expect(r.stderr).not.toContain('warning:');
    expect(r.stderr).toContain('adopted 4 instances of 2 accounts into adopted.yaml');

    await expectRoundTrip(cli, 'adopted.yaml', cwd);
  });

  it('writes every odd string back exactly, folds what rules derive and leaves defaults out', async () => {
    const text = readFileSync(join(cwd, 'adopted.yaml'), 'utf8');
    const doc = parse(text) as Doc;
    expect(Object.keys(doc.instances)).toEqual([`i-${SOURCE}`, 'messy-idle', 'messy-twin-cn-beijing', 'messy-twin-cn-shanghai']);
    expect(doc.accounts).toEqual({ a: { uid: A }, b: { uid: B } });
    const src = doc.instances[`i-${SOURCE}`]!;
    expect(src['quotas']).toEqual({ namespaces: 5, vpcs: 7 });
    expect(src['vpcEndpoints']).toEqual([
      { vpc: 'vpc-aaa1', vswitch: 'vsw-aaa1' },
      { vpc: 'vpc-bbb2', vswitch: 'vsw-bbb2' },
    ]);
    expect(src['internetEndpoint']).toEqual({
      enabled: true,
      allow: [{ cidr: '192.0.2.0/28', description: 'yes' }, { cidr: '198.51.100.7/32' }, { cidr: '203.0.113.0/24', description: 'office: HQ #1' }],
    });
    const ns = src.namespaces!;
    expect(Object.keys(ns)).toHaveLength(31);
    expect(ns[LONG_NS]).toEqual({});
    expect(ns['pub']).toEqual({ autoCreateRepo: true, defaultRepoType: 'PUBLIC', repositories: { closed: { type: 'PRIVATE', summary: 'private in a public namespace' }, open: { summary: 'public by default' } } });
    const team = ns['team']!.repositories!;
    expect(Object.keys(team)).toHaveLength(120 + Object.keys(HOSTILE).length - 1);
    for (const [name, r] of Object.entries(HOSTILE)) {
      const got = name === 'a.b_c-d' ? ns['dots.in.name']!.repositories![name] : team[name];
      expect(got, name).toEqual({ ...(r.type ? { type: r.type } : {}), summary: r.summary, ...(r.detail !== undefined ? { detail: r.detail } : {}), ...(r.tagImmutability ? { tagImmutability: true } : {}) });
    }
    expect(src['replication']).toEqual([
      { name: 'Cross-Acct', to: 'messy-twin-cn-beijing', level: 'repository', namespace: 'dots.in.name', repository: 'a.b_c-d' },
      { name: 'to.shanghai_1', to: 'messy-twin-cn-shanghai', namespace: 'team', tagFilter: 'release-.*', trigger: 'manual' },
    ]);
    // The namespace the same-account rule copies into is exactly what the rule derives: folded.
    expect(doc.instances['messy-twin-cn-shanghai']!.namespaces).toBeUndefined();
    // Its resource group is written too (issue 14 item 8): nothing tells the account's default group apart.
    expect(doc.instances['messy-idle']).toEqual({ account: 'a', region: 'cn-shenzhen', edition: 'Standard', name: 'messy-idle', resourceGroup: 'rg-default334444' });
    // The role, its attachment and its trust are derived; the description and the extra Deny are not.
    expect(doc.crossAccountRoles).toEqual({
      // No rule derives a's role: adopted from what it trusts and which instances its policy names.
      a: { trustedAccounts: ['b'], instances: ['messy-twin-cn-shanghai'] },
      b: {
        description: 'custom: lets "messy" replicate',
        policy: {
          statements: [
            { actions: ['cr:CreateRepositorySync', 'cr:CreateSyncRule'], resources: [`acs:cr:cn-beijing:${B}:instance/${ids['twinB']}`] },
            { effect: 'Deny', actions: ['cr:DeleteRepository'], resources: [`acs:cr:cn-beijing:${B}:instance/${ids['twinB']}`] },
          ],
        },
      },
    });
    // Strings YAML 1.1 would read as booleans or null are quoted.
    expect(text).toContain('summary: "yes"');
    expect(text).toContain('summary: "null"');
    expect(text).toContain('summary: "~"');
  });

  it('verifies its own round trip with --verify (exit 0 when clean)', { timeout: 60_000 }, async () => {
    const r = await cli(['adopt', ...ACCOUNTS, '--verify', '-o', 'verified.yaml']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('verified: a plan of the adopted file shows no changes and no unmanaged object');
    expect(readFileSync(join(cwd, 'verified.yaml'), 'utf8')).toBe(readFileSync(join(cwd, 'adopted.yaml'), 'utf8'));
  });

  it('is deterministic: a second adopt, to stdout, is byte-identical', async () => {
    const r = await cli(['adopt', ...ACCOUNTS]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(cwd, 'adopted.yaml'), 'utf8'));
    const again = await cli(['adopt', ...ACCOUNTS], { ACRCTL_PAGE_SIZE: '100' });
    expect(again.stdout).toBe(r.stdout);
  });

  it('adopts one region with --region, and says which rules it cannot express', async () => {
    const r = await cli(['adopt', '--account', `a=${A}`, '--region', 'cn-hangzhou']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(r.stdout) as Doc;
    expect(Object.keys(doc.instances)).toEqual([`i-${SOURCE}`]);
    expect(doc.instances[`i-${SOURCE}`]!['replication']).toBeUndefined();
    expect(r.stderr).toContain(`warning: instance[i-${SOURCE}].replication[Cross-Acct]: not adopted: its target instance ${ids['twinB']} (region cn-beijing`);
    expect(r.stderr).toContain(`warning: instance[i-${SOURCE}].replication[to.shanghai_1]: not adopted`);
    // The same notes are in the file's header, so nothing is dropped silently.
    expect(r.stderr).toContain(`warning: account[a].ram-role[${ROLE}]: not adopted: no adopted rule uses this cross-account role, and it trusts no other adopted account (${B}@cr.aliyuncs.com)`);
    expect(r.stdout).toContain('# Not adopted or not fully expressed (3):');
    // --verify says what a plan of that file would still see, and exits 2.
    const v = await cli(['adopt', '--account', `a=${A}`, '--region', 'cn-hangzhou', '--verify']);
    expect(v.code, v.stderr).toBe(2);
    expect(v.stdout).toBe(r.stdout);
    expect(v.stderr).toContain(`verify: instance[i-${SOURCE}].replication[Cross-Acct] is live but not in the adopted file (unmanaged)`);
    expect(v.stderr).toMatch(/verify: not clean \(0 actions, 2 unmanaged, 0 errors\)/);
  });

  it('adopts instances by name with --instance (the same name in two accounts)', async () => {
    const r = await cli(['adopt', ...ACCOUNTS, '--instance', 'messy-twin']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys((parse(r.stdout) as Doc).instances)).toEqual(['messy-twin-cn-beijing', 'messy-twin-cn-shanghai']);
  });

  it('keeps the accounts of a base file as written, credentials included', async () => {
    writeFileSync(
      join(cwd, 'base.yaml'),
      `version: 1\naccounts:\n  a: { uid: "${A}", credentials: { env: MESSY_A } }\n  b: { uid: "${B}", description: partner, credentials: { profile: partner } }\n`,
    );
    const r = await cli(['adopt', '-f', 'base.yaml', '--account', 'b']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(r.stdout) as Doc;
    expect(doc.accounts).toEqual({ b: { uid: B, description: 'partner', credentials: { profile: 'partner' } } });
    // Alone in this adoption, the instance keeps its plain name as alias.
    expect(Object.keys(doc.instances)).toEqual(['messy-twin']);
  });

  it('drops a base-file cross-region path whose routes are not live, with a warning', async () => {
    writeFileSync(
      join(cwd, 'paths.yaml'),
      [
        'version: 1',
        'accounts:',
        `  a: { uid: "${A}" }`,
        'instances:',
        '  idle: { account: a, region: cn-shenzhen, edition: Standard, name: messy-idle }',
        'crossRegionAccess:',
        '  - name: ghost-path',
        '    from: { account: a, region: cn-shanghai, vpc: vpc-nothere, routeTable: vtb-nothere }',
        '    to: idle',
        '    cen: { id: cen-nothere, sourceTransitRouter: { id: tr-nothere1 }, targetTransitRouter: { id: tr-nothere2 } }',
        '    addresses: { auth: 100.103.7.181, oss: 100.118.28.43 }',
        '',
      ].join('\n'),
    );
    const r = await cli(['adopt', '-f', 'paths.yaml', '--region', 'cn-shenzhen']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: cross-region[ghost-path]: not adopted: a plan of it against the live routes is not clean');
    const doc = parse(r.stdout) as Doc & { crossRegionAccess?: unknown };
    expect(Object.keys(doc.instances)).toEqual(['idle']); // the base file's alias
    expect(doc.crossRegionAccess).toBeUndefined();
  });

  it('refuses to overwrite an existing -o file unless --force', async () => {
    writeFileSync(join(cwd, 'taken.yaml'), 'keep me\n');
    const r = await cli(['adopt', ...ACCOUNTS, '--region', 'cn-shenzhen', '-o', 'taken.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('taken.yaml already exists; adopt does not overwrite it');
    expect(r.stderr).toContain('--force');
    expect(readFileSync(join(cwd, 'taken.yaml'), 'utf8')).toBe('keep me\n');
    const forced = await cli(['adopt', ...ACCOUNTS, '--region', 'cn-shenzhen', '-o', 'taken.yaml', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'taken.yaml'), 'utf8')).toContain('name: messy-idle');
  });

  it.each([
    { reason: 'an alias with no UID and no base file', args: ['--account', 'nope'], message: 'unknown account alias nope (no base file)' },
    { reason: 'no account at all', args: [], message: 'adopt needs to know the accounts' },
    { reason: 'a UID that is not 16 digits', args: ['--account', 'a=123'], message: 'the UID must be exactly 16 digits' },
    { reason: 'an unknown region', args: [...ACCOUNTS, '--region', 'mars-1'], message: 'unknown region mars-1' },
    { reason: 'an instance that does not exist', args: [...ACCOUNTS, '--instance', 'ghost'], message: 'no instance named ghost was found' },
    { reason: 'a base file that does not exist', args: ['-f', 'missing.yaml'], message: 'missing.yaml' },
  ])('exits 1 with a clear message for $reason', async ({ args, message }) => {
    const r = await cli(['adopt', ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says in --help why the verb is adopt, and what -o and --force do', async () => {
    const r = await runCli(['adopt', '--help'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Called "adopt", not "import": in registry.yaml, imports are image imports');
    expect(r.stdout).toMatch(/-o never replaces an existing file without\s+--force/);
  });

  it('exits 1 naming the endpoint when it cannot be reached', async () => {
    const r = await runCli(['adopt', ...ACCOUNTS, '--endpoint', 'http://127.0.0.1:9'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the emulator at http://127.0.0.1:9');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, 'registry.yaml'))).toBe(false);
  });

  it('skips regions that refuse ListInstance when scanning every region, with a warning, but never all of them', async () => {
    try {
      await t.admin('PUT', '/_emulator/faults', { seed: 7, actions: { 'cr:ListInstance': { errorRate: 0.3, errorCode: 'Forbidden.RegionNotOpen' } } });
      const some = await cli(['adopt', '--account', `a=${A}`]);
      expect(some.code, some.stderr).toBe(0);
      expect(some.stderr).toMatch(/warning: account\[a\]: \d+ regions? not scanned, ListInstance was refused: [a-z0-9-]+ \(Forbidden.RegionNotOpen\)/);
      expect(some.stdout).toContain('not scanned, ListInstance was refused'); // the header says it too
      // A region asked for by name is never skipped: its refusal is the answer.
      await t.admin('PUT', '/_emulator/faults', { seed: 7, actions: { 'cr:ListInstance': { errorRate: 1, errorCode: 'Forbidden.RegionNotOpen' } } });
      const named = await cli(['adopt', '--account', `a=${A}`, '--region', 'cn-hangzhou']);
      expect(named.code).toBe(1);
      expect(named.stderr).toContain('Forbidden.RegionNotOpen');
      expect(named.stdout).toBe('');
      // Refused everywhere: an error, not an empty file.
      const all = await cli(['adopt', '--account', `a=${A}`]);
      expect(all.code).toBe(1);
      expect(all.stderr).toContain('Forbidden.RegionNotOpen');
      expect(all.stdout).toBe('');
    } finally {
      await t.admin('DELETE', '/_emulator/faults');
    }
  });
});
