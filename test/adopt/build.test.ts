/**
 * Adopt's pure core: live objects → document. Table cases state why; every case builds the live
 * objects the kinds would return and checks the part of the document (or the notes) it is about.
 */
import { describe, expect, it } from 'vitest';
import { buildDocument, type AdoptFacts, type FoundInstance } from '../../src/adopt/build.js';
import { aclEntryAddress } from '../../src/kinds/acl-entry.js';
import { allKinds } from '../../src/kinds/index.js';
import { authDomainTakeoverAddress, personalEditionDomainAddress } from '../../src/kinds/console-switch.js';
import { instanceAddress } from '../../src/kinds/instance.js';
import { internetEndpointAddress } from '../../src/kinds/internet-endpoint.js';
import { namespaceAddress } from '../../src/kinds/namespace.js';
import { repositoryAddress } from '../../src/kinds/repository.js';
import { syncRuleAddress } from '../../src/kinds/sync-rule.js';
import { vpcLinkAddress } from '../../src/kinds/vpc-link.js';
import type { LiveObject } from '../../src/plan/kind.js';

type Named = readonly [id: string, key: Readonly<Record<string, string>>];
/** Addresses and natural keys, as the kinds make them. */
const at = {
  instance: (i: string): Named => [instanceAddress(i), { instance: i }],
  namespace: (i: string, n: string): Named => [namespaceAddress(i, n), { instance: i, namespace: n }],
  repository: (i: string, n: string, r: string): Named => [repositoryAddress(i, n, r), { instance: i, namespace: n, repository: r }],
  syncRule: (i: string, rule: string): Named => [syncRuleAddress(i, rule), { instance: i, rule }],
  internetEndpoint: (i: string): Named => [internetEndpointAddress(i), { instance: i }],
  aclEntry: (i: string, cidr: string): Named => [aclEntryAddress(i, cidr), { instance: i, cidr }],
  vpcLink: (i: string, vpc: string, vswitch: string): Named => [vpcLinkAddress(i, vpc, vswitch), { instance: i, vpc, vswitch }],
  personalEditionDomain: (i: string): Named => [personalEditionDomainAddress(i), { instance: i }],
  authDomainTakeover: (i: string): Named => [authDomainTakeoverAddress(i), { instance: i }],
};

const HZ: FoundInstance = { alias: 'hz', account: 'prod', region: 'cn-hangzhou', name: 'acme-hz', edition: 'Advanced', instanceId: 'cri-hz', status: 'RUNNING' };
const BJ: FoundInstance = { alias: 'bj', account: 'prod', region: 'cn-beijing', name: 'acme-bj', edition: 'Basic', instanceId: 'cri-bj', status: 'RUNNING' };

function obj(kind: string, [id, key]: Named, instance: string, spec: Record<string, unknown>, container = instanceAddress(instance)): LiveObject {
  return { id, kind, account: 'prod', region: 'cn-hangzhou', instance, key, spec, ids: {}, container, prunable: false, requires: [] };
}
const ns = (i: string, name: string, autoCreateRepo = false, defaultRepoType = 'PRIVATE') => obj('namespace', at.namespace(i, name), i, { autoCreateRepo, defaultRepoType });
const repo = (i: string, n: string, name: string, spec: Record<string, unknown>) =>
  obj('repository', at.repository(i, n, name), i, { type: 'PRIVATE', summary: 'x', tagImmutability: false, ...spec }, namespaceAddress(i, n));
const rule = (i: string, name: string, spec: Record<string, unknown>) =>
  obj('sync-rule', at.syncRule(i, name), i, { targetInstance: 'bj', targetRegion: 'cn-beijing', level: 'namespace', namespace: 'team', tagFilter: '.*', trigger: 'automatic', ...spec });

function facts(live: LiveObject[], instances: FoundInstance[] = [HZ, BJ]): AdoptFacts {
  return {
    accounts: { prod: { uid: '1234567890123456' } },
    instances,
    live: (kind) => live.filter((l) => l.kind === kind),
    kinds: allKinds,
  };
}

describe('buildDocument: defaults are left out', () => {
  const cases: { reason: string; live: LiveObject[]; path: (d: ReturnType<typeof buildDocument>['document']) => unknown; want: unknown }[] = [
    {
      reason: 'a namespace with the default autoCreateRepo and defaultRepoType is an empty map',
      live: [ns('hz', 'plain')],
      path: (d) => d.instances?.['hz']?.namespaces?.['plain'],
      want: {},
    },
    {
      reason: "a repository whose type is its namespace's defaultRepoType omits type; false tagImmutability and empty detail are omitted",
      live: [ns('hz', 'pub', true, 'PUBLIC'), repo('hz', 'pub', 'a', { type: 'PUBLIC', detail: '' }), repo('hz', 'pub', 'b', { type: 'PRIVATE', tagImmutability: true, detail: 'd' })],
      path: (d) => d.instances?.['hz']?.namespaces?.['pub'],
      want: { autoCreateRepo: true, defaultRepoType: 'PUBLIC', repositories: { a: { summary: 'x' }, b: { type: 'PRIVATE', summary: 'x', detail: 'd', tagImmutability: true } } },
    },
    {
      reason: 'a rule with the default level, tag filter and trigger names only what is needed',
      live: [rule('hz', 'r1', {})],
      path: (d) => d.instances?.['hz']?.replication,
      want: [{ name: 'r1', to: 'bj', namespace: 'team' }],
    },
    {
      reason: 'a repository-level manual rule keeps level, repository, tagFilter and trigger',
      live: [rule('hz', 'r2', { level: 'repository', repository: 'api', tagFilter: 'v.*', trigger: 'manual' })],
      path: (d) => d.instances?.['hz']?.replication,
      want: [{ name: 'r2', to: 'bj', level: 'repository', namespace: 'team', repository: 'api', tagFilter: 'v.*', trigger: 'manual' }],
    },
    {
      reason: 'quotas nobody bought (0 extras, the base VPC quota) are not written',
      live: [obj('instance', at.instance('hz'), 'hz', { name: 'acme-hz', edition: 'Advanced', quotas: { namespaces: 0, repositories: 0, vpcs: 5 } })],
      path: (d) => d.instances?.['hz']?.quotas,
      want: undefined,
    },
    {
      reason: 'bought quotas are written',
      live: [obj('instance', at.instance('hz'), 'hz', { name: 'acme-hz', edition: 'Advanced', quotas: { namespaces: 10, repositories: 0, vpcs: 8 } })],
      path: (d) => d.instances?.['hz']?.quotas,
      want: { namespaces: 10, vpcs: 8 },
    },
    {
      reason: 'an internet endpoint that is off with no entries is not managed (absent)',
      live: [obj('internet-endpoint', at.internetEndpoint('hz'), 'hz', { enabled: false })],
      path: (d) => d.instances?.['hz']?.internetEndpoint,
      want: undefined,
    },
    {
      reason: 'an endpoint that is on lists its entries sorted by CIDR, without empty descriptions',
      live: [
        obj('internet-endpoint', at.internetEndpoint('hz'), 'hz', { enabled: true }),
        obj('acl-entry', at.aclEntry('hz', '203.0.113.0/24'), 'hz', { cidr: '203.0.113.0/24', description: 'office' }),
        obj('acl-entry', at.aclEntry('hz', '198.51.100.0/24'), 'hz', { cidr: '198.51.100.0/24', description: '' }),
      ],
      path: (d) => d.instances?.['hz']?.internetEndpoint,
      want: { enabled: true, allow: [{ cidr: '198.51.100.0/24' }, { cidr: '203.0.113.0/24', description: 'office' }] },
    },
    {
      reason: 'VPC links are sorted and carry no privateZone (not readable back; its default is on)',
      live: [
        obj('vpc-link', at.vpcLink('hz', 'vpc-b', 'vsw-b'), 'hz', { vpc: 'vpc-b', vswitch: 'vsw-b' }),
        obj('vpc-link', at.vpcLink('hz', 'vpc-a', 'vsw-a'), 'hz', { vpc: 'vpc-a', vswitch: 'vsw-a' }),
      ],
      path: (d) => d.instances?.['hz']?.vpcEndpoints,
      want: [{ vpc: 'vpc-a', vswitch: 'vsw-a' }, { vpc: 'vpc-b', vswitch: 'vsw-b' }],
    },
    {
      reason: 'console switches are written only when on',
      live: [obj('personal-edition-domain', at.personalEditionDomain('hz'), 'hz', { enabled: true }), obj('auth-domain-takeover', at.authDomainTakeover('hz'), 'hz', { enabled: false })],
      path: (d) => [d.instances?.['hz']?.personalEditionDomain, d.instances?.['hz']?.authDomainTakeover],
      want: [true, undefined],
    },
  ];
  it.each(cases)('$reason', ({ live, path, want }) => {
    const { document, notes } = buildDocument(facts(live));
    expect(path(document)).toEqual(want);
    expect(notes).toEqual([]);
  });
});

describe('buildDocument: namespaces a rule derives are folded into the rule', () => {
  const cases: { reason: string; live: LiveObject[]; folded: boolean }[] = [
    { reason: 'a namespace-level target with autoCreateRepo and no repository is what the rule derives', live: [rule('hz', 'r', {}), ns('bj', 'team', true)], folded: true },
    { reason: 'a repository-level target namespace with defaults and no repository is what the rule derives', live: [rule('hz', 'r', { level: 'repository', repository: 'api' }), ns('bj', 'team')], folded: true },
    { reason: 'a target namespace holding repositories must be written (they are not derived)', live: [rule('hz', 'r', {}), ns('bj', 'team', true), repo('bj', 'team', 'api', {})], folded: false },
    { reason: 'a target namespace with another defaultRepoType differs from the derived one', live: [rule('hz', 'r', {}), ns('bj', 'team', true, 'PUBLIC')], folded: false },
    { reason: 'a namespace-level target without autoCreateRepo differs from the derived one', live: [rule('hz', 'r', {}), ns('bj', 'team', false)], folded: false },
    { reason: 'a namespace no rule copies into is always written', live: [ns('bj', 'team', true)], folded: false },
  ];
  it.each(cases)('$reason', ({ live, folded }) => {
    const { document } = buildDocument(facts(live));
    expect(document.instances?.['bj']?.namespaces?.['team'] === undefined).toBe(folded);
  });
});

describe('buildDocument: a rule into an account the document does not declare', () => {
  it('is written as an external target when its UID is known', () => {
    const { document, notes } = buildDocument(facts([rule('hz', 'away', { targetInstance: 'cri-elsewhere', targetInstanceName: 'partner-bj', targetAccountUid: '6543210987654321' })]));
    expect(notes).toEqual([]);
    expect((document as unknown as { instances: Record<string, { replication?: unknown[] }> }).instances['hz']?.replication).toEqual([
      expect.objectContaining({ name: 'away', to: { uid: '6543210987654321', region: 'cn-beijing', instanceId: 'cri-elsewhere', name: 'partner-bj' } }),
    ]);
  });
});

describe('buildDocument: what cannot be expressed is a note, never dropped silently', () => {
  const cases: { reason: string; live: LiveObject[]; instances?: FoundInstance[]; address: string; message: RegExp }[] = [
    {
      reason: 'a rule whose target instance is not adopted, in a declared account',
      live: [rule('hz', 'away', { targetInstance: 'cri-elsewhere', targetAccountUid: '1234567890123456' })],
      address: 'instance[hz].replication[away]',
      message: /target instance cri-elsewhere \(region cn-beijing, account 1234567890123456\) is not part of this adoption/,
    },
    {
      reason: 'a cross-account rule whose target account is unknown (ListRepoSyncRule does not return it)',
      live: [rule('hz', 'away', { targetInstance: 'cri-elsewhere' })],
      address: 'instance[hz].replication[away]',
      message: /target instance cri-elsewhere \(region cn-beijing\) is not part of this adoption/,
    },
    {
      reason: 'a repository without summary (the language requires one)',
      live: [ns('hz', 'team'), repo('hz', 'team', 'blank', { summary: '' })],
      address: 'instance[hz].namespace[team].repository[blank]',
      message: /summary is empty/,
    },
    {
      reason: 'a repository whose type the language has no word for',
      live: [ns('hz', 'team'), repo('hz', 'team', 'odd', { type: 'INTERNAL' })],
      address: 'instance[hz].namespace[team].repository[odd]',
      message: /type "INTERNAL" is neither PUBLIC nor PRIVATE/,
    },
    {
      reason: 'ACL entries of an endpoint that is off',
      live: [obj('internet-endpoint', at.internetEndpoint('hz'), 'hz', { enabled: false }), obj('acl-entry', at.aclEntry('hz', '192.0.2.0/24'), 'hz', { cidr: '192.0.2.0/24', description: '' })],
      address: 'instance[hz].internet-endpoint',
      message: /the endpoint is off but has 1 ACL entry/,
    },
    {
      reason: 'an instance that is not RUNNING (its children cannot be read)',
      live: [],
      instances: [{ ...HZ, status: 'STARTING' }],
      address: 'instance[hz]',
      message: /is STARTING, not RUNNING/,
    },
  ];
  it.each(cases)('$reason', ({ live, instances, address, message }) => {
    const { notes } = buildDocument(facts(live, instances));
    expect(notes.map((n) => n.address)).toEqual([address]);
    expect(notes[0]!.message).toMatch(message);
  });
});

describe('buildDocument: determinism', () => {
  it('gives the same document whatever order the live objects and instances come in', () => {
    const live = [
      ns('hz', 'b'),
      ns('hz', 'a', true),
      repo('hz', 'a', 'z', {}),
      repo('hz', 'a', 'y', {}),
      rule('hz', 'r2', {}),
      rule('hz', 'r1', { namespace: 'a' }),
      obj('acl-entry', at.aclEntry('hz', '10.0.0.0/8'), 'hz', { cidr: '10.0.0.0/8', description: '' }),
      obj('internet-endpoint', at.internetEndpoint('hz'), 'hz', { enabled: true }),
    ];
    const one = buildDocument(facts(live));
    const two = buildDocument(facts([...live].reverse(), [BJ, HZ]));
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(Object.keys(one.document.instances!)).toEqual(['bj', 'hz']);
    expect(Object.keys(one.document.instances!['hz']!.namespaces!)).toEqual(['a', 'b']);
    expect(one.document.instances!['hz']!.replication!.map((r) => r.name)).toEqual(['r1', 'r2']);
  });

  it('maps names that need quoting in addresses back to the names', () => {
    const { document } = buildDocument(facts([ns('hz', 'dots.in.name'), repo('hz', 'dots.in.name', 'a.b_c-d', {}), rule('hz', 'odd.rule_1', {})]));
    expect(Object.keys(document.instances!['hz']!.namespaces!)).toEqual(['dots.in.name']);
    expect(Object.keys(document.instances!['hz']!.namespaces!['dots.in.name']!.repositories!)).toEqual(['a.b_c-d']);
    expect(document.instances!['hz']!.replication![0]!.name).toBe('odd.rule_1');
  });
});
