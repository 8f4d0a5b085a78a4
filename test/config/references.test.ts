/** Reference checks: each has a case that fires and one that does not. */
import { describe, expect, it } from 'vitest';
import { validateSource } from '../../src/config/load.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';

/** Every kind's reference checks, as the CLI runs them. */
const REFS = languageReferences(allKinds);

const HEAD = `version: 1
accounts:
  prod: { uid: "1234567890123456" }
  partner: { uid: "6543210987654321" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    namespaces: { team-a: { autoCreateRepo: true }, team-b: {} }
  bj:
    account: partner
    region: cn-beijing
    edition: Basic
    name: acme-bj
    namespaces: { team-a: { autoCreateRepo: true } }
`;

function refs(extra: string, mutate: (s: string) => string = (s) => s): string[] {
  const r = validateSource(mutate(HEAD) + extra, 'r.yaml', { references: REFS });
  return r.findings.filter((f) => f.id.startsWith('ref/')).map((f) => `${f.id}@${f.location.line}:${f.location.column}`);
}

describe('references', () => {
  it.each([
    { reason: 'clean baseline', extra: '', mutate: undefined, expected: [] },
    { reason: 'unknown account on an instance', extra: '', mutate: (s: string) => s.replace('account: partner', 'account: partnr'), expected: ['ref/unknown-account@13:14'] },
    { reason: 'replication to a declared instance', extra: '    replication: [{ name: r, to: hz, namespace: team-a }]\n', mutate: undefined, expected: [] },
    { reason: 'replication to an unknown instance', extra: '    replication: [{ name: r, to: sh, namespace: team-a }]\n', mutate: undefined, expected: ['ref/unknown-instance@18:34'] },
    { reason: 'replication from an undeclared namespace', extra: '    replication: [{ name: r, to: hz, namespace: team-z }]\n', mutate: undefined, expected: ['ref/unknown-namespace@18:49'] },
    { reason: 'replication to itself', extra: '    replication: [{ name: r, to: bj, namespace: team-a }]\n', mutate: undefined, expected: ['ref/replication-to-self@18:34'] },
    {
      reason: 'two-hop loop is reported once, at the rule that closes it',
      extra: '    replication: [{ name: back, to: hz, namespace: team-a }]\n',
      mutate: (s: string) => s.replace("namespaces: { team-a: { autoCreateRepo: true }, team-b: {} }", "namespaces: { team-a: { autoCreateRepo: true }, team-b: {} }\n    replication: [{ name: fwd, to: bj, namespace: team-a }]"),
      expected: ['ref/replication-cycle@19:37'],
    },
    {
      reason: 'opposite directions on different namespaces are not a loop',
      extra: '    replication: [{ name: back, to: hz, namespace: team-a }]\n',
      mutate: (s: string) => s.replace("namespaces: { team-a: { autoCreateRepo: true }, team-b: {} }", "namespaces: { team-a: { autoCreateRepo: true }, team-b: {} }\n    replication: [{ name: fwd, to: bj, namespace: team-b }]"),
      expected: [],
    },
    { reason: 'duplicate VPC endpoint', extra: '    vpcEndpoints: [{ vpc: vpc-a, vswitch: vsw-a }, { vpc: vpc-a, vswitch: vsw-a }]\n', mutate: undefined, expected: ['ref/duplicate-key@18:52'] },
    { reason: 'same VPC, other vSwitch is fine', extra: '    vpcEndpoints: [{ vpc: vpc-a, vswitch: vsw-a }, { vpc: vpc-a, vswitch: vsw-b }]\n', mutate: undefined, expected: [] },
    { reason: 'duplicate ACL entry', extra: '    internetEndpoint: { allow: [{ cidr: 10.0.0.0/8 }, { cidr: 10.0.0.0/8 }] }\n', mutate: undefined, expected: ['ref/duplicate-key@18:63'] },
    { reason: 'import into an undeclared namespace', extra: '    imports: [{ from: personal, namespace: team-q }]\n', mutate: undefined, expected: ['ref/unknown-namespace@18:44'] },
    { reason: 'the same import twice', extra: '    imports: [{ from: personal, namespace: team-a }, { from: personal, namespace: team-a }]\n', mutate: undefined, expected: ['ref/duplicate-key@18:54'] },
    { reason: 'instance name reused in the same account', extra: '  hz2: { account: prod, region: cn-shanghai, edition: Basic, name: acme-hz }\n', mutate: undefined, expected: ['ref/duplicate-instance@18:68'] },
    { reason: 'instance name reused in another account and region is allowed', extra: '  sz: { account: partner, region: cn-shenzhen, edition: Basic, name: acme-hz }\n', mutate: undefined, expected: [] },
    { reason: 'role: trusted and covered aliases exist', extra: 'crossAccountRoles:\n  partner: { trustedAccounts: [prod], instances: [bj] }\n', mutate: undefined, expected: [] },
    { reason: 'role: unknown key account, self trust, foreign instance', extra: 'crossAccountRoles:\n  partner: { trustedAccounts: [partner], instances: [hz] }\n  nobody: {}\n', mutate: undefined, expected: ['ref/self-trust@19:32', 'ref/instance-account-mismatch@19:54', 'ref/unknown-account@20:3'] },
    {
      reason: 'cross-region access: unknown source account and target instance, duplicate name',
      extra: 'crossRegionAccess:\n  - { name: a, from: { account: ghost, region: cn-shanghai, vpc: vpc-a, routeTable: vtb-a }, to: hz, cen: { id: cen-a, sourceTransitRouter: { id: tr-a }, targetTransitRouter: { id: tr-b } } }\n  - { name: a, from: { account: prod, region: cn-shanghai, vpc: vpc-a, routeTable: vtb-a }, to: hzz, cen: { id: cen-a, sourceTransitRouter: { id: tr-a }, targetTransitRouter: { id: tr-b } } }\n',
      mutate: undefined,
      expected: ['ref/unknown-account@19:33', 'ref/duplicate-key@20:13', 'ref/unknown-instance@20:97'],
    },
  ])('$reason', ({ extra, mutate, expected }) => {
    expect(refs(extra, mutate)).toEqual(expected);
  });

  it('still checks references when the schema fails elsewhere (one pass)', () => {
    const r = validateSource(HEAD.replace('edition: Basic', 'edition: Tiny').replace('account: partner', 'account: ghost'), 'r.yaml', { references: REFS });
    expect(r.findings.map((f) => f.id).sort()).toEqual(['ref/unknown-account', 'schema/enum']);
  });
});
