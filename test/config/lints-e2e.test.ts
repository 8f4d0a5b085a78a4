/**
 * Product lints end to end through the loader (`validateSource`, as `acrctl validate` runs them):
 * real YAML in, findings out at the exact line and column of the node each lint names.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateSource } from '../../src/config/load.js';
import { runLints } from '../../src/config/lints/index.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import { declaredEnv } from '../support/declared-env.js';

/** Every kind's reference checks, as the CLI runs them. */
const REFS = languageReferences(allKinds);

const lint = runLints;

const ESTATE = `version: 1
accounts:
  prod: { uid: "1111111111111111", credentials: { profile: prod } }
  partner: { uid: "2222222222222222", credentials: { profile: partner } }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Standard
    name: acme-hz
    personalEditionDomain: true
    internetEndpoint:
      enabled: true
      allow:
        - { cidr: 0.0.0.0/0, description: everyone }
    namespaces:
      acs: {}
      team-a: { autoCreateRepo: true }
    imports:
      - { from: personal, namespace: team-a, latest: 10, tagFilter: "release-(?!rc).*" }
    replication:
      - name: to-partner
        to: bj
        namespace: team-a
  hz2:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz2
    personalEditionDomain: true
  bj:
    account: partner
    region: cn-beijing
    edition: Basic
    name: partner-bj
    namespaces:
      team-a: {}
`;

describe('lints through validateSource', () => {
  const result = validateSource(ESTATE, 'registry.yaml', { lint, references: REFS });
  const found = result.findings.map((f) => `${f.location.line}:${f.location.column} ${f.severity} ${f.id}`);

  const expected: readonly { reason: string; finding: string }[] = [
    { reason: 'the second instance turning on domain support, at its key', finding: '30:5 error pe-domain-one-per-region' },
    { reason: 'the reserved namespace, at its key', finding: '17:7 error pe-domain-reserved-namespace' },
    { reason: 'a Standard source replicating across accounts, at the rule’s `to`', finding: '23:9 error cross-account-source-not-advanced' },
    { reason: 'the target namespace without autoCreateRepo, at the rule’s `namespace`', finding: '24:9 error namespace-rule-target-auto-create' },
    { reason: 'an import without a VPC endpoint, at `imports`', finding: '19:5 error import-needs-vpc-endpoint' },
    { reason: 'the lookahead in the flow mapping, at the tagFilter key', finding: '20:58 error tag-filter-not-re2' },
    { reason: 'the open ACL, at the cidr key inside the flow mapping', finding: '15:13 warning internet-acl-open-world' },
  ];
  for (const c of expected) {
    it(c.reason, () => {
      expect(found).toContain(c.finding);
    });
  }

  it('reports nothing else, and no document comes back while errors remain', () => {
    expect(found).toHaveLength(expected.length);
    expect(result.document).toBeUndefined();
  });

  it('findings carry the message and hint that say what to do', () => {
    const tag = result.findings.find((f) => f.id === 'tag-filter-not-re2');
    expect(tag?.message).toContain('invalid or unsupported Perl syntax');
    expect(tag?.hint).toContain('no lookahead');
  });
});

describe('examples', () => {
  const root = new URL('../../examples/', import.meta.url);
  // Estates are the folders with a registry.yaml (examples/ci holds CI workflows, not an estate).
  const examples = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/registry.yaml`, root)));

  it('exist (the issue asks for four)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  for (const dir of examples) {
    it(`${dir.name} raises no lint error or warning`, () => {
      const text = readFileSync(new URL(`${dir.name}/registry.yaml`, root), 'utf8');
      const result = validateSource(text, `${dir.name}/registry.yaml`, { lint, references: REFS, env: declaredEnv(text) });
      const noisy = result.findings.filter((f) => f.severity !== 'info');
      expect(noisy.map((f) => `${f.id}: ${f.message}`)).toEqual([]);
    });
  }
});
