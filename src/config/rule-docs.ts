/**
 * Where each finding id is documented, and a paragraph on why the rule exists: SARIF's `helpUri`
 * and `fullDescription` (code scanning shows them on every alert). Pure data.
 *
 * Product lints link to their heading in docs/lints.md (`### \`id\`` renders, on GitHub, as the
 * anchor `#id`); validation findings to the table in docs/language.md. A test checks that every id
 * has an entry and that every anchor exists in the Markdown as GitHub renders it.
 */
import { HOMEPAGE } from '../version.js';

export interface RuleDoc {
  /** Absolute URL of the rule's documentation (a page and, for lints, its heading anchor). */
  readonly helpUri: string;
  /** Why the rule exists and what to do, in a few sentences (more than the one-line summary). */
  readonly description: string;
}

const LINTS_PAGE = `${HOMEPAGE}/docs/lints.md`;
const LANGUAGE_PAGE = `${HOMEPAGE}/docs/language.md`;

/** Product lints (src/config/lints/): why each one exists, from docs/lints.md. */
const LINT_WHY: Readonly<Record<string, string>> = {
  'pe-domain-one-per-region':
    'In one region only one Enterprise Edition instance can have Personal Edition domain compatibility on; the limit is counted per account and region. Keep personalEditionDomain: true on one instance per region.',
  'pe-namespace-shadowed':
    'Once domain support is on, pushes and pulls through registry.<region>.aliyuncs.com/<ns>/… go to the Enterprise Edition instance whenever it has a namespace <ns>, so a Personal Edition namespace of the same name can no longer be reached. Rename the namespace, or import the Personal Edition namespace into it.',
  'pe-domain-reserved-namespace':
    'The namespace acs on the Personal Edition hosts serves the official Container Service for Kubernetes images; with domain support on, an Enterprise Edition namespace acs would capture and break those pulls. Rename it, or leave domain support off.',
  'cross-account-source-not-advanced':
    'Cross-account replication requires an Advanced Edition source instance. Upgrade the source to Advanced, or replicate within one account.',
  'cross-account-target-edition':
    'The target of cross-account replication must be a Basic or Advanced Edition instance, not Standard. Make the target Advanced.',
  'replication-into-restricted-cloud':
    'Public-cloud regions cannot replicate into Alibaba Finance Cloud or Gov Cloud regions (region names with -finance or -gov). Pick a target instance in a public-cloud region.',
  'namespace-rule-target-auto-create':
    'A namespace-level rule needs a namespace of the same name on both sides, and the target namespace must create repositories automatically. Set autoCreateRepo: true on the target namespace.',
  'repository-rule-repository-mismatch':
    'A repository-level rule copies an existing repository: the source repository must be declared, and a declared target repository must have the same type and tag immutability. Declare the source, or align the two.',
  'backfill-above-threshold':
    'Replication copies only images pushed after the rule exists; a backfill plans one sync task per existing tag. For very many images the vendor recommends copying the OSS bucket and importing from OSS. Lower backfill.latest, or import from OSS.',
  'import-latest-out-of-range':
    'An import takes the latest N images per repository, with N from 0 to 1000 (0 imports metadata only). Set latest within 0..1000.',
  'import-needs-vpc-endpoint':
    'Imports run over a VPC bound to the instance (in the public cloud), so an instance with import rules needs a VPC endpoint. Add vpcEndpoints.',
  'import-region-unsupported':
    'Image import is offered only in the regions of the vendor table. Import into an instance in a supported region, then replicate.',
  'tag-filter-not-re2':
    "The service is written in Go and compiles tag filters with Go's regexp package (RE2 syntax), which differs from JavaScript's RegExp both ways (no lookaround or backreferences; \\Q…\\E, (?P<name>…) and POSIX classes allowed). Rewrite the expression in RE2 syntax: match the wanted tags positively instead of excluding others.",
  'cross-region-basic-transit-router':
    'Basic Edition transit routers do not support cross-region routing; an Enterprise Edition transit router is required. Upgrade the router and set edition: Enterprise.',
  'cross-region-cidr-collision':
    'The auth service and OSS VPC addresses are in 100.0.0.0/8, which the transit-router routes send to the peer; a source already using that space collides with them. Turn on authDomainTakeover, or reach OSS over PrivateLink and set routes.oss: false.',
  'cross-region-address-collision':
    'A service address inside the source CIDRs would be routed locally and never reach the registry. Move the workload off that range, or correct the address.',
  'cross-region-prefer-replication':
    'To pull in several regions, an instance per region with replication is the documented recommendation; cross-region routing can also cost extra. Nothing is required.',
  'cross-region-same-region':
    'ECS instances in the instance\'s own region must reach it over the VPC (a VPC endpoint of the instance, configured as VPC ACL), not through CEN routes. Add the source VPC to the instance\'s vpcEndpoints and remove the crossRegionAccess entry.',
  'datacenter-cidr-collision':
    'The auth service and OSS VPC addresses are in 100.0.0.0/8 and the data centre routes them towards its connection; a data centre already using that space collides with them. Turn on authDomainTakeover, or reach OSS over PrivateLink and set routes.oss: false.',
  'datacenter-address-collision':
    'A registry address inside the data-centre CIDRs would be routed locally and never reach the registry. Renumber that range in the data centre, or correct the address.',
  'ram-policy-wildcard':
    'Every trusted source account can assume the cross-account sync role; the documented policy allows exactly cr:CreateSyncRule and cr:CreateRepositorySync on the target instances. List those, or remove policy to use the minimal one acrctl derives.',
  'internet-acl-open-world':
    '0.0.0.0/0 in the internet endpoint ACL leaves registry credentials as the only protection (the entry applies once the endpoint is enabled). List the CIDRs of your offices and CI runners.',
  'invalid-name':
    'The service rejects names that break its rules (length, character set, separators at the ends) at apply time. Rename; for a long namespace imported from Personal Edition, set sourceNamespace.',
  'duplicate-name':
    'The planner matches declared objects to live ones by natural key (instance name per region, rule name, import source, VPC endpoint, ACL block, access name), so keys must be unique. Rename or remove the second occurrence.',
  'tag-pattern-not-re2':
    "A lifecycle rule's keepTags (and the scan and webhook tag expressions) is compiled by the service with Go's regexp package (RE2 syntax), and acrctl predicts what a retention rule deletes with the same dialect. Rewrite the expression in RE2 syntax.",
  'retention-keeps-one':
    'An automatic lifecycle rule with retainLatest 1 and no keepTags deletes every tag but the newest in every repository it covers, on its schedule, so no earlier tag can be rolled back to. Keep release tags by name with keepTags, or retain more than one.',
  'custom-domain-certificate-expires-soon':
    'A custom domain whose certificate is a PEM bundle that expires within 30 days: clients refuse the domain once it expires, and acrctl uploads a new certificate only when it applies. Renew it, set the variable to the new bundle and apply.',
  'custom-domain-chart-needs-charts':
    'A custom domain of module Chart serves the Helm charts of the instance; with no chartNamespaces declared it serves none (or charts acrctl does not manage). Declare the chart namespaces, or drop module: Chart to serve images.',
  'internal-lint-failure':
    'A lint threw: a bug in acrctl, not in the file. The other lints still ran. Report it with the file that triggers it.',
};

/** Validation findings (src/config/rules.ts), by the group their id starts with. */
const GROUP_WHY: Readonly<Record<string, string>> = {
  file: 'acrctl reads registry.yaml as UTF-8 text of bounded size, without control characters, before parsing it.',
  yaml: 'registry.yaml is one plain YAML document: no duplicate keys, tabs for indentation, unknown tags, complex keys or alias bombs, so that every value has one meaning and one position.',
  config: 'Guards against files no registry.yaml needs and that could misbehave in code: empty files, extreme nesting, keys such as __proto__.',
  secret: 'Secrets never go in registry.yaml: accounts point at a CLI profile, environment variables, a RAM role or the default credentials chain instead.',
  env: '${env:NAME} interpolates environment variables, for values such as UIDs; every reference must name a variable that is set.',
  schema: 'The JSON Schema schemas/registry.schema.json is the contract of the language; docs/language.md lists every key, type and naming rule.',
  ref: 'References between aliases (accounts, instances, namespaces) must resolve and natural keys must be unique, so that the planner can match declared objects to live ones.',
};

/** The documentation of a finding id (lint, validation rule, or anything else acrctl reports). */
export function ruleDoc(id: string, summary?: string): RuleDoc {
  const lint = LINT_WHY[id];
  if (lint !== undefined) {
    return { helpUri: id === 'internal-lint-failure' ? LINTS_PAGE : `${LINTS_PAGE}#${id}`, description: summary ? `${summary}. ${lint}` : lint };
  }
  const group = GROUP_WHY[id.split('/')[0] ?? ''];
  const description = [summary ? `${summary}.` : '', group ?? ''].filter(Boolean).join(' ');
  return { helpUri: `${LANGUAGE_PAGE}#validation-findings`, description: description || id };
}

/** Ids that have their own paragraph here (for the completeness test). */
export const DOCUMENTED_LINTS: readonly string[] = Object.keys(LINT_WHY);
export const DOCUMENTED_GROUPS: readonly string[] = Object.keys(GROUP_WHY);
