/**
 * Product lints: for every lint at least one case where it fires and one where it must not, as table
 * tests whose cases each state a `reason`. Documents are plain objects typed as RegistryDocument; the
 * fake `locate` turns a path into a recognisable location so positions can be asserted.
 */
import { readFileSync } from 'node:fs';
import { testCertificate } from '../support/certificates.js';
import { describe, expect, it } from 'vitest';
import type { SourceLocation } from '../../src/errors.js';
import type {
  CrossRegionAccess,
  ImportRule,
  Instance,
  Namespace,
  RegistryDocument,
  ReplicationRule,
} from '../../src/config/model.js';
import { REGIONS } from '../../src/config/model.js';
import type { DatacenterAccess } from '../../src/config/model.generated.js';
import {
  BACKFILL_TASK_THRESHOLD,
  IMPORT_LATEST_MAX,
  IMPORT_LATEST_MIN,
  IMPORT_REGIONS,
  LINTS,
  runLints,
  type LintRule,
} from '../../src/config/lints/index.js';
import { NAME_RULES, nameProblem } from '../../src/config/lints/naming.js';

const fakeLocate = (path: readonly (string | number)[]): SourceLocation => ({
  file: 'registry.yaml',
  line: path.length + 1,
  column: path.join('.').length + 1,
});

const PROD = '1111111111111111';
const PARTNER = '2222222222222222';

function inst(over: Partial<Instance> = {}): Instance {
  return { account: 'prod', region: 'cn-hangzhou', edition: 'Advanced', name: 'acme-hz', ...over };
}

function doc(instances: Record<string, Instance>, extra: Partial<RegistryDocument> = {}): RegistryDocument {
  return {
    version: 1,
    accounts: {
      prod: { uid: PROD },
      partner: { uid: PARTNER },
      // A second alias for the prod account: same UID, so "same account".
      prodAgain: { uid: PROD },
    },
    instances,
    ...extra,
  };
}

const ns = (over: Partial<Namespace> = {}): Namespace => ({ ...over });
const repo = (over: { type?: 'PUBLIC' | 'PRIVATE'; tagImmutability?: boolean } = {}) => ({ summary: 'a repo', ...over });
const rule = (over: Partial<ReplicationRule> = {}): ReplicationRule => ({
  name: 'r1',
  to: 'target',
  namespace: 'team-a',
  ...over,
});
const personal = (over: Partial<ImportRule & { from: 'personal' }> = {}): ImportRule => ({
  from: 'personal',
  namespace: 'team-a',
  ...over,
});
const vpc = [{ vpc: 'vpc-abc', vswitch: 'vsw-abc' }] as const;

function access(over: Partial<CrossRegionAccess> = {}, from: Partial<CrossRegionAccess['from']> = {}): CrossRegionAccess {
  return {
    name: 'sh-to-hz',
    from: { account: 'prod', region: 'cn-shanghai', vpc: 'vpc-sh', routeTable: 'vtb-sh', ...from },
    to: 'hz',
    cen: {
      id: 'cen-main',
      sourceTransitRouter: { id: 'tr-sh' },
      targetTransitRouter: { id: 'tr-hz' },
    },
    ...over,
  };
}

function dc(over: Partial<DatacenterAccess> = {}, cidrs: string[] = ['192.168.0.0/16']): DatacenterAccess {
  return { name: 'idc', to: 'hz', routeTable: 'vtb-hz', datacenter: { cidrs }, connection: { kind: 'vpn', id: 'vpn-hz' }, ...over };
}

interface Case {
  readonly reason: string;
  readonly doc: RegistryDocument;
  /** Paths (joined with '.') of the findings this lint must report, in order; empty = must stay silent. */
  readonly paths: readonly string[];
  /** Substrings every reported message must contain. */
  readonly says?: readonly string[];
}

const CASES: Readonly<Record<string, readonly Case[]>> = {
  'pe-domain-one-per-region': [
    {
      reason: 'two instances of one account in one region both turn it on',
      doc: doc({
        a: inst({ personalEditionDomain: true }),
        b: inst({ name: 'acme-hz2', personalEditionDomain: true }),
      }),
      paths: ['instances.b.personalEditionDomain'],
      says: ['a, b', 'personalEditionDomain: false'],
    },
    {
      reason: 'two aliases with the same UID are one account',
      doc: doc({
        a: inst({ personalEditionDomain: true }),
        b: inst({ account: 'prodAgain', name: 'acme-hz2', personalEditionDomain: true }),
      }),
      paths: ['instances.b.personalEditionDomain'],
    },
    {
      reason: 'three instances: every one after the first is reported',
      doc: doc({
        a: inst({ personalEditionDomain: true }),
        b: inst({ name: 'acme-b', personalEditionDomain: true }),
        c: inst({ name: 'acme-c', personalEditionDomain: true }),
      }),
      paths: ['instances.b.personalEditionDomain', 'instances.c.personalEditionDomain'],
    },
    {
      reason: 'only one of the two instances in the region turns it on',
      doc: doc({ a: inst({ personalEditionDomain: true }), b: inst({ name: 'acme-hz2', personalEditionDomain: false }) }),
      paths: [],
    },
    {
      reason: 'the two instances are in different regions',
      doc: doc({
        a: inst({ personalEditionDomain: true }),
        b: inst({ name: 'acme-bj', region: 'cn-beijing', personalEditionDomain: true }),
      }),
      paths: [],
    },
    {
      reason: 'different accounts in one region: the limit is per account (docs/lints.md)',
      doc: doc({
        a: inst({ personalEditionDomain: true }),
        b: inst({ account: 'partner', name: 'partner-hz', personalEditionDomain: true }),
      }),
      paths: [],
    },
  ],

  'pe-namespace-shadowed': [
    {
      reason: 'the instance imports PE namespace team-a under another name, yet declares an EE team-a',
      doc: doc({
        a: inst({
          personalEditionDomain: true,
          vpcEndpoints: vpc,
          namespaces: { 'team-a': ns(), 'team-a-new': ns() },
          imports: [personal({ sourceNamespace: 'team-a', namespace: 'team-a-new' })],
        }),
      }),
      paths: ['instances.a.namespaces.team-a'],
      says: ['registry.cn-hangzhou.aliyuncs.com/team-a/', 'Rename'],
    },
    {
      reason: 'another instance declares the PE namespace; the domain instance shadows it in the same region',
      doc: doc({
        a: inst({ personalEditionDomain: true, namespaces: { shared: ns() } }),
        b: inst({ name: 'acme-b', vpcEndpoints: vpc, namespaces: { other: ns() }, imports: [personal({ sourceNamespace: 'shared', namespace: 'other' })] }),
      }),
      paths: ['instances.a.namespaces.shared'],
    },
    {
      reason: 'importing PE team-a into EE team-a is the migration itself, not shadowing',
      doc: doc({
        a: inst({ personalEditionDomain: true, vpcEndpoints: vpc, namespaces: { 'team-a': ns() }, imports: [personal()] }),
      }),
      paths: [],
    },
    {
      reason: 'without domain support the PE host still reaches Personal Edition',
      doc: doc({
        a: inst({
          vpcEndpoints: vpc,
          namespaces: { 'team-a': ns(), other: ns() },
          imports: [personal({ sourceNamespace: 'team-a', namespace: 'other' })],
        }),
      }),
      paths: [],
    },
    {
      reason: 'the PE namespace lives in another region, behind another host',
      doc: doc({
        a: inst({
          personalEditionDomain: true,
          vpcEndpoints: vpc,
          namespaces: { 'team-a': ns(), other: ns() },
          imports: [personal({ sourceNamespace: 'team-a', namespace: 'other', sourceRegion: 'cn-beijing' })],
        }),
      }),
      paths: [],
    },
  ],

  'pe-domain-reserved-namespace': [
    {
      reason: 'acs on an instance with domain support captures the official ACK images',
      doc: doc({ a: inst({ personalEditionDomain: true, namespaces: { acs: ns(), apps: ns() } }) }),
      paths: ['instances.a.namespaces.acs'],
      says: ['ACK', 'Rename'],
    },
    {
      reason: 'allowReservedName: true is the explicit escape',
      doc: doc({ a: inst({ personalEditionDomain: true, namespaces: { acs: { ...ns(), allowReservedName: true } } }) }),
      paths: [],
    },
    {
      reason: 'acs without domain support is only an ordinary name',
      doc: doc({ a: inst({ namespaces: { acs: ns() } }) }),
      paths: [],
    },
    {
      reason: 'ordinary names with domain support are fine',
      doc: doc({ a: inst({ personalEditionDomain: true, namespaces: { 'acs-tools': ns(), apps: ns() } }) }),
      paths: [],
    },
  ],

  'cross-account-source-not-advanced': [
    {
      reason: 'a Standard source replicating into another account',
      doc: doc({
        source: inst({ edition: 'Standard', replication: [rule()] }),
        target: inst({ account: 'partner', name: 'partner-bj', region: 'cn-beijing', edition: 'Basic' }),
      }),
      paths: ['instances.source.replication.0.to'],
      says: ['edition: Advanced'],
    },
    {
      reason: 'an Advanced source may replicate across accounts',
      doc: doc({
        source: inst({ replication: [rule()] }),
        target: inst({ account: 'partner', name: 'partner-bj', region: 'cn-beijing', edition: 'Basic' }),
      }),
      paths: [],
    },
    {
      reason: 'a Basic source within one account (two aliases, one UID) is not cross-account',
      doc: doc({
        source: inst({ edition: 'Basic', replication: [rule()] }),
        target: inst({ account: 'prodAgain', name: 'acme-bj', region: 'cn-beijing', edition: 'Basic' }),
      }),
      paths: [],
    },
    {
      reason: 'an unknown target is the reference checker’s finding, not this lint’s',
      doc: doc({ source: inst({ edition: 'Basic', replication: [rule({ to: 'nowhere' })] }) }),
      paths: [],
    },
  ],

  'cross-account-target-edition': [
    {
      reason: 'a Standard target in another account',
      doc: doc({
        source: inst({ replication: [rule()] }),
        target: inst({ account: 'partner', name: 'partner-bj', region: 'cn-beijing', edition: 'Standard' }),
      }),
      paths: ['instances.source.replication.0.to'],
    },
    {
      reason: 'a Basic target in another account is documented as fine',
      doc: doc({
        source: inst({ replication: [rule()] }),
        target: inst({ account: 'partner', name: 'partner-bj', region: 'cn-beijing', edition: 'Basic' }),
      }),
      paths: [],
    },
    {
      reason: 'a Standard target in the same account is outside this rule',
      doc: doc({
        source: inst({ replication: [rule()] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing', edition: 'Standard' }),
      }),
      paths: [],
    },
  ],

  'replication-into-restricted-cloud': [
    {
      reason: 'public cloud into a finance cloud region',
      doc: doc({
        source: inst({ replication: [rule()] }),
        target: inst({ name: 'acme-fin', region: 'cn-shanghai-finance-1' }),
      }),
      paths: ['instances.source.replication.0.to'],
    },
    {
      reason: 'public cloud into a government cloud region',
      doc: doc({
        source: inst({ replication: [rule()] }),
        target: inst({ name: 'acme-gov', region: 'cn-north-2-gov-1' }),
      }),
      paths: ['instances.source.replication.0.to'],
    },
    {
      reason: 'finance to finance stays inside the finance cloud',
      doc: doc({
        source: inst({ region: 'cn-shenzhen-finance-1', replication: [rule()] }),
        target: inst({ name: 'acme-fin', region: 'cn-shanghai-finance-1' }),
      }),
      paths: [],
    },
    {
      reason: 'public to public',
      doc: doc({ source: inst({ replication: [rule()] }), target: inst({ name: 'acme-bj', region: 'cn-beijing' }) }),
      paths: [],
    },
  ],

  'namespace-rule-target-auto-create': [
    {
      reason: 'the target namespace is declared without autoCreateRepo (default false)',
      doc: doc({
        source: inst({ namespaces: { 'team-a': ns() }, replication: [rule()] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing', namespaces: { 'team-a': ns() } }),
      }),
      paths: ['instances.source.replication.0.namespace'],
      says: ['autoCreateRepo: true at instances.target.namespaces.team-a'],
    },
    {
      reason: 'explicit level namespace with autoCreateRepo false',
      doc: doc({
        source: inst({ namespaces: { 'team-a': ns() }, replication: [rule({ level: 'namespace' })] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing', namespaces: { 'team-a': ns({ autoCreateRepo: false }) } }),
      }),
      paths: ['instances.source.replication.0.namespace'],
    },
    {
      reason: 'autoCreateRepo is on in the target namespace',
      doc: doc({
        source: inst({ namespaces: { 'team-a': ns() }, replication: [rule()] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing', namespaces: { 'team-a': ns({ autoCreateRepo: true }) } }),
      }),
      paths: [],
    },
    {
      reason: 'the target namespace is not declared: acrctl plans it with autoCreateRepo on',
      doc: doc({
        source: inst({ namespaces: { 'team-a': ns() }, replication: [rule()] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: [],
    },
    {
      reason: 'a repository-level rule does not need autoCreateRepo',
      doc: doc({
        source: inst({ namespaces: { 'team-a': ns({ repositories: { api: repo() } }) }, replication: [rule({ level: 'repository', repository: 'api' })] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing', namespaces: { 'team-a': ns() } }),
      }),
      paths: [],
    },
  ],

  'repository-rule-repository-mismatch': [
    {
      reason: 'the replicated repository is not declared on the source side',
      doc: doc({
        source: inst({ namespaces: { 'team-a': ns({ repositories: { web: repo() } }) }, replication: [rule({ level: 'repository', repository: 'api' })] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: ['instances.source.replication.0.repository'],
      says: ['instances.source.namespaces.team-a.repositories.api'],
    },
    {
      reason: 'declared on both sides with different effective types (namespace default PUBLIC vs PRIVATE)',
      doc: doc({
        source: inst({
          namespaces: { 'team-a': ns({ defaultRepoType: 'PUBLIC', repositories: { api: repo() } }) },
          replication: [rule({ level: 'repository', repository: 'api' })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing', namespaces: { 'team-a': ns({ repositories: { api: repo() } }) } }),
      }),
      paths: ['instances.source.replication.0.repository'],
      says: ['type PUBLIC vs PRIVATE'],
    },
    {
      reason: 'tag immutability differs between the two sides',
      doc: doc({
        source: inst({
          namespaces: { 'team-a': ns({ repositories: { api: repo({ tagImmutability: true }) } }) },
          replication: [rule({ level: 'repository', repository: 'api' })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing', namespaces: { 'team-a': ns({ repositories: { api: repo() } }) } }),
      }),
      paths: ['instances.source.replication.0.repository'],
      says: ['tagImmutability true vs false'],
    },
    {
      reason: 'missing on the target side only: acrctl plans the namespace and repository there',
      doc: doc({
        source: inst({ namespaces: { 'team-a': ns({ repositories: { api: repo() } }) }, replication: [rule({ level: 'repository', repository: 'api' })] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: [],
    },
    {
      reason: 'same effective configuration, written differently (explicit PRIVATE vs default)',
      doc: doc({
        source: inst({
          namespaces: { 'team-a': ns({ repositories: { api: repo({ type: 'PRIVATE' }) } }) },
          replication: [rule({ level: 'repository', repository: 'api' })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing', namespaces: { 'team-a': ns({ repositories: { api: repo({ tagImmutability: false }) } }) } }),
      }),
      paths: [],
    },
    {
      reason: 'an undeclared source namespace is the reference checker’s finding',
      doc: doc({
        source: inst({ replication: [rule({ level: 'repository', repository: 'api' })] }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: [],
    },
  ],

  'backfill-above-threshold': [
    {
      reason: 'a repository-level backfill of more tags than the threshold',
      doc: doc({
        source: inst({
          namespaces: { 'team-a': ns({ repositories: { api: repo() } }) },
          replication: [rule({ level: 'repository', repository: 'api', backfill: { latest: BACKFILL_TASK_THRESHOLD + 1 } })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: ['instances.source.replication.0.backfill.latest'],
      says: ['from: oss'],
    },
    {
      reason: 'a namespace-level backfill multiplies by the declared repositories: 300 × 4 = 1200',
      doc: doc({
        source: inst({
          namespaces: { 'team-a': ns({ repositories: { a: repo(), b: repo(), c: repo(), d: repo() } }) },
          replication: [rule({ backfill: { latest: 300 } })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: ['instances.source.replication.0.backfill.latest'],
      says: ['1200'],
    },
    {
      reason: 'exactly the threshold is still fine',
      doc: doc({
        source: inst({
          namespaces: { 'team-a': ns({ repositories: { api: repo() } }) },
          replication: [rule({ level: 'repository', repository: 'api', backfill: { latest: BACKFILL_TASK_THRESHOLD } })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: [],
    },
    {
      reason: '300 × 3 repositories = 900 stays under the threshold',
      doc: doc({
        source: inst({
          namespaces: { 'team-a': ns({ repositories: { a: repo(), b: repo(), c: repo() } }) },
          replication: [rule({ backfill: { latest: 300 } })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: [],
    },
  ],

  'import-latest-out-of-range': [
    {
      reason: 'above 1000, below 0 and fractional are all outside the documented range',
      doc: doc({
        a: inst({
          vpcEndpoints: vpc,
          imports: [personal({ latest: 1001 }), personal({ namespace: 'b', latest: -1 }), personal({ namespace: 'c', latest: 2.5 })],
        }),
      }),
      paths: ['instances.a.imports.0.latest', 'instances.a.imports.1.latest', 'instances.a.imports.2.latest'],
      says: ['0 to 1000'],
    },
    {
      reason: 'the bounds 0 and 1000 and the default are valid',
      doc: doc({
        a: inst({ vpcEndpoints: vpc, imports: [personal({ latest: 0 }), personal({ namespace: 'b', latest: 1000 }), personal({ namespace: 'c' })] }),
      }),
      paths: [],
    },
  ],

  'import-needs-vpc-endpoint': [
    {
      reason: 'imports on an instance without any VPC endpoint',
      doc: doc({ a: inst({ imports: [personal()] }) }),
      paths: ['instances.a.imports'],
      says: ['vpcEndpoints', 'TCP 443'],
    },
    {
      reason: 'an OSS import needs the VPC as well',
      doc: doc({ a: inst({ imports: [{ from: 'oss', bucket: 'my-bucket', namespace: 'team-a' }] }) }),
      paths: ['instances.a.imports'],
    },
    {
      reason: 'a VPC endpoint is declared',
      doc: doc({ a: inst({ vpcEndpoints: vpc, imports: [personal()] }) }),
      paths: [],
    },
    {
      reason: 'finance and government clouds skip the VPC step',
      doc: doc({ a: inst({ region: 'cn-shanghai-finance-1', imports: [personal()] }) }),
      paths: [],
    },
    {
      reason: 'no imports, no requirement',
      doc: doc({ a: inst() }),
      paths: [],
    },
  ],

  'import-region-unsupported': [
    {
      reason: 'cn-qingdao is not in the list of regions that support import',
      doc: doc({ a: inst({ region: 'cn-qingdao', vpcEndpoints: vpc, imports: [personal()] }) }),
      paths: ['instances.a.region'],
      says: ['cn-qingdao', 'cn-heyuan'],
    },
    {
      reason: 'cn-hangzhou supports import',
      doc: doc({ a: inst({ vpcEndpoints: vpc, imports: [personal()] }) }),
      paths: [],
    },
    {
      reason: 'finance cloud regions import without the VPC step',
      doc: doc({ a: inst({ region: 'cn-beijing-finance-1', imports: [personal()] }) }),
      paths: [],
    },
    {
      reason: 'an instance in cn-qingdao without imports is fine',
      doc: doc({ a: inst({ region: 'cn-qingdao' }) }),
      paths: [],
    },
  ],

  // issue 14 item 6: PEM certificates of custom domains (made at test time)
  'custom-domain-certificate-expires-soon': [
    {
      reason: 'a PEM certificate with 10 days left',
      doc: doc({ a: inst({ customDomains: [{ domain: 'a.example.com', certificate: { pem: testCertificate(['a.example.com'], { days: 11 }).bundle } }] }) }),
      paths: ['instances.a.customDomains.0.certificate.pem'],
      says: ['a.example.com', 'expires on', 'in 10 days'],
    },
    { reason: 'a PEM certificate with a year left, and an id', doc: doc({ a: inst({ customDomains: [{ domain: 'a.example.com', certificate: { pem: testCertificate(['a.example.com']).bundle } }, { domain: 'b.example.com', certificate: { id: '1' } }] }) }), paths: [] },
  ],
  // gaps item 3: custom domains of the Chart module
  'custom-domain-chart-needs-charts': [
    {
      reason: 'a Chart domain on an instance with no chart namespaces serves no chart',
      doc: doc({ a: inst({ customDomains: [{ domain: 'a.example.com', certificate: { id: '1' } }, { domain: 'charts.example.com', module: 'Chart', certificate: { id: '2' } }] }) }),
      paths: ['instances.a.customDomains.1.module'],
      says: ['charts.example.com', 'declares no chartNamespaces'],
    },
    { reason: 'a Chart domain beside chart namespaces, and Registry domains without them', doc: doc({ a: inst({ chartNamespaces: { charts: {} }, customDomains: [{ domain: 'charts.example.com', module: 'Chart', certificate: { id: '2' } }] }), b: inst({ name: 'acme-b', customDomains: [{ domain: 'b.example.com', module: 'Registry', certificate: { id: '3' } }] }) }), paths: [] },
  ],
  'tag-filter-not-re2': [
    {
      reason: 'lookahead (JavaScript accepts it, RE2 does not), an unclosed group, and a backreference',
      doc: doc({
        a: inst({
          vpcEndpoints: vpc,
          imports: [personal({ tagFilter: 'release-(?!rc).*' })],
          replication: [rule({ tagFilter: '(v1', backfill: { latest: 1, tagFilter: '(a)\\1' } })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: ['instances.a.imports.0.tagFilter', 'instances.a.replication.0.tagFilter', 'instances.a.replication.0.backfill.tagFilter'],
      says: ['is not a valid RE2 expression'],
    },
    {
      reason: 'RE2-only syntax that JavaScript rejects is valid: named group (?P<…>), \\Q…\\E, POSIX class',
      doc: doc({
        a: inst({
          vpcEndpoints: vpc,
          imports: [personal({ tagFilter: 'release-v.*' })],
          replication: [rule({ tagFilter: '^(?P<major>[0-9]+)\\.\\Q.x\\E[[:alpha:]]*$', backfill: { latest: 1, tagFilter: 'v{1,3}' } })],
        }),
        target: inst({ name: 'acme-bj', region: 'cn-beijing' }),
      }),
      paths: [],
    },
  ],

  'cross-region-basic-transit-router': [
    {
      reason: 'a Basic transit router on either side of a cross-region path',
      doc: doc(
        { hz: inst() },
        {
          crossRegionAccess: [
            access({
              cen: {
                id: 'cen-main',
                sourceTransitRouter: { id: 'tr-sh', edition: 'Basic' },
                targetTransitRouter: { id: 'tr-hz', edition: 'Basic' },
              },
            }),
          ],
        },
      ),
      paths: ['crossRegionAccess.0.cen.sourceTransitRouter.edition', 'crossRegionAccess.0.cen.targetTransitRouter.edition'],
      says: ['Enterprise'],
    },
    {
      reason: 'Basic routers are fine when source and instance share the region',
      doc: doc(
        { hz: inst() },
        {
          crossRegionAccess: [
            access(
              { cen: { id: 'cen-main', sourceTransitRouter: { id: 'tr-a', edition: 'Basic' }, targetTransitRouter: { id: 'tr-b', edition: 'Basic' } } },
              { region: 'cn-hangzhou' },
            ),
          ],
        },
      ),
      paths: [],
    },
    {
      reason: 'the default edition is Enterprise',
      doc: doc({ hz: inst() }, { crossRegionAccess: [access()] }),
      paths: [],
    },
  ],

  'cross-region-cidr-collision': [
    {
      reason: 'source uses 100.64.0.0/10 and both routes are needed: both fixes are named',
      doc: doc({ hz: inst() }, { crossRegionAccess: [access({}, { cidrs: ['172.16.0.0/16', '100.64.0.0/10'] })] }),
      paths: ['crossRegionAccess.0.from.cidrs.1'],
      says: ['authDomainTakeover', 'PrivateLink', 'auth service and OSS'],
    },
    {
      reason: 'auth-domain takeover removes the auth route; the OSS route still collides',
      doc: doc({ hz: inst({ authDomainTakeover: true }) }, { crossRegionAccess: [access({}, { cidrs: ['100.100.0.0/16'] })] }),
      paths: ['crossRegionAccess.0.from.cidrs.0'],
      says: ['PrivateLink', 'the OSS VPC'],
    },
    {
      reason: 'takeover and OSS over PrivateLink: no service route, no collision',
      doc: doc(
        { hz: inst({ authDomainTakeover: true }) },
        { crossRegionAccess: [access({ routes: { oss: false } }, { cidrs: ['100.100.0.0/16'] })] },
      ),
      paths: [],
    },
    {
      reason: 'source CIDRs outside 100.0.0.0/8, just below and just above it',
      doc: doc({ hz: inst() }, { crossRegionAccess: [access({}, { cidrs: ['99.255.255.255/32', '101.0.0.0/8', '10.0.0.0/8'] })] }),
      paths: [],
    },
  ],

  'cross-region-address-collision': [
    {
      reason: 'the instance address override lies inside the source VPC range',
      doc: doc(
        { hz: inst() },
        { crossRegionAccess: [access({ addresses: { instance: '10.94.205.198', auth: '100.103.7.181' } }, { cidrs: ['10.0.0.0/8'] })] },
      ),
      paths: ['crossRegionAccess.0.addresses.instance'],
    },
    {
      reason: 'the documented example addresses against the documented source VPC 172.16.0.0/16',
      doc: doc(
        { hz: inst() },
        {
          crossRegionAccess: [
            access({ addresses: { instance: '10.94.205.198', auth: '100.103.7.181', oss: '100.118.28.43' } }, { cidrs: ['172.16.0.0/16'] }),
          ],
        },
      ),
      paths: [],
    },
  ],

  'cross-region-prefer-replication': [
    {
      reason: 'pulls from cn-shanghai into an instance in cn-hangzhou',
      doc: doc({ hz: inst() }, { crossRegionAccess: [access()] }),
      paths: ['crossRegionAccess.0'],
      says: ['consider an instance in cn-shanghai', 'cost extra'],
    },
    {
      reason: 'a replica in the source region already exists: point at it',
      doc: doc(
        { hz: inst({ replication: [rule({ to: 'sh' })] }), sh: inst({ name: 'acme-sh', region: 'cn-shanghai' }) },
        { crossRegionAccess: [access()] },
      ),
      paths: ['crossRegionAccess.0'],
      says: ['instance sh in cn-shanghai already receives replication'],
    },
    {
      reason: 'same-region access is not a cross-region pull',
      doc: doc({ hz: inst() }, { crossRegionAccess: [access({}, { region: 'cn-hangzhou' })] }),
      paths: [],
    },
  ],

  'cross-region-same-region': [
    {
      reason: 'a source VPC in the instance\'s own region: use a VPC endpoint of the instance',
      doc: doc({ hz: inst() }, { crossRegionAccess: [access({}, { region: 'cn-hangzhou' })] }),
      paths: ['crossRegionAccess.0.from.region'],
      says: ['vpc-sh', 'cn-hangzhou', 'instances.hz.vpcEndpoints', 'over the VPC, not over CEN'],
    },
    {
      reason: 'a source in another region is what crossRegionAccess is for',
      doc: doc({ hz: inst() }, { crossRegionAccess: [access()] }),
      paths: [],
    },
  ],

  'datacenter-cidr-collision': [
    {
      reason: 'a data centre using 100.64.0.0/10 while both service addresses are needed: both fixes are named',
      doc: doc({ hz: inst() }, { datacenterAccess: [dc({}, ['192.168.0.0/16', '100.64.0.0/10'])] }),
      paths: ['datacenterAccess.0.datacenter.cidrs.1'],
      says: ['authDomainTakeover', 'PrivateLink', 'auth service and OSS', 'vpn-hz'],
    },
    {
      reason: 'takeover and OSS over PrivateLink: nothing in 100.0.0.0/8 is needed',
      doc: doc({ hz: inst({ authDomainTakeover: true }) }, { datacenterAccess: [dc({ routes: { oss: false } }, ['100.100.0.0/16'])] }),
      paths: [],
    },
    {
      reason: 'data-centre CIDRs outside 100.0.0.0/8',
      doc: doc({ hz: inst() }, { datacenterAccess: [dc({}, ['192.168.0.0/16', '101.0.0.0/8'])] }),
      paths: [],
    },
  ],

  'datacenter-address-collision': [
    {
      reason: 'the instance address inside a data-centre CIDR',
      doc: doc({ hz: inst() }, { datacenterAccess: [dc({ addresses: { instance: '10.94.205.198', auth: '100.103.7.181' } }, ['10.0.0.0/8'])] }),
      paths: ['datacenterAccess.0.addresses.instance'],
      says: ['10.94.205.198', '10.0.0.0/8'],
    },
    {
      reason: "the seed's example addresses against a 192.168.0.0/16 data centre",
      doc: doc({ hz: inst() }, { datacenterAccess: [dc({ addresses: { instance: '10.94.205.198', auth: '100.103.7.181', oss: '100.118.28.43' } })] }),
      paths: [],
    },
  ],

  'ram-policy-wildcard': [
    {
      reason: '`*` on `*`',
      doc: doc({}, { crossAccountRoles: { partner: { policy: { statements: [{ actions: ['*'], resources: ['*'] }] } } } }),
      paths: ['crossAccountRoles.partner.policy.statements.0.actions.0', 'crossAccountRoles.partner.policy.statements.0.resources.0'],
    },
    {
      reason: '`cr:*` on an instance, and a partial wildcard',
      doc: doc(
        {},
        {
          crossAccountRoles: {
            partner: {
              policy: {
                statements: [
                  { actions: ['cr:*'], resources: ['acs:cr:cn-beijing:2222222222222222:instance/cri-abc'] },
                  { effect: 'Allow', actions: ['cr:CreateSyncRule', 'cr:Get*'], resources: ['acs:cr:cn-beijing:2222222222222222:instance/cri-abc'] },
                ],
              },
            },
          },
        },
      ),
      paths: ['crossAccountRoles.partner.policy.statements.0.actions.0', 'crossAccountRoles.partner.policy.statements.1.actions.1'],
      says: ['cr:CreateSyncRule and cr:CreateRepositorySync'],
    },
    {
      reason: 'the documented minimal policy',
      doc: doc(
        {},
        {
          crossAccountRoles: {
            partner: {
              policy: {
                statements: [
                  {
                    actions: ['cr:CreateSyncRule', 'cr:CreateRepositorySync'],
                    resources: ['acs:cr:cn-beijing:2222222222222222:instance/cri-abc'],
                  },
                ],
              },
            },
          },
        },
      ),
      paths: [],
    },
    {
      reason: 'a Deny statement with wildcards restricts, it does not grant',
      doc: doc({}, { crossAccountRoles: { partner: { policy: { statements: [{ effect: 'Deny', actions: ['*'], resources: ['*'] }] } } } }),
      paths: [],
    },
  ],

  'internet-acl-open-world': [
    {
      reason: '0.0.0.0/0 in the ACL of an enabled endpoint',
      doc: doc({ a: inst({ internetEndpoint: { enabled: true, allow: [{ cidr: '203.0.113.0/24' }, { cidr: '0.0.0.0/0' }] } }) }),
      paths: ['instances.a.internetEndpoint.allow.1.cidr'],
      says: ['whole internet'],
    },
    {
      reason: 'still worth a warning before the endpoint is enabled',
      doc: doc({ a: inst({ internetEndpoint: { allow: [{ cidr: '0.0.0.0/0' }] } }) }),
      paths: ['instances.a.internetEndpoint.allow.0.cidr'],
      says: ['once enabled'],
    },
    {
      reason: 'office ranges only',
      doc: doc({ a: inst({ internetEndpoint: { enabled: true, allow: [{ cidr: '203.0.113.0/24', description: 'office' }] } }) }),
      paths: [],
    },
  ],

  'invalid-name': [
    {
      reason: 'uppercase instance name, separator at the start of a namespace, uppercase repository',
      doc: doc({
        a: inst({ name: 'Acme', namespaces: { '-team': ns({ repositories: { API: repo() } }) } }),
      }),
      paths: ['instances.a.name', 'instances.a.namespaces.-team', 'instances.a.namespaces.-team.repositories.API'],
      says: ['Rename'],
    },
    {
      reason: 'too short and trailing hyphen',
      doc: doc({ a: inst({ name: 'ab' }), b: inst({ name: 'acme-' }) }),
      paths: ['instances.a.name', 'instances.b.name'],
    },
    {
      reason: 'the implied Personal Edition namespace is longer than 30 characters',
      doc: doc({ a: inst({ vpcEndpoints: vpc, imports: [personal({ namespace: 'a-very-long-namespace-name-for-ee' })] }) }),
      paths: ['instances.a.imports.0.namespace'],
      says: ['implied sourceNamespace', '2 to 30'],
    },
    {
      reason: 'valid names; a long EE namespace is fine when sourceNamespace names the PE one',
      doc: doc({
        a: inst({
          name: 'acme-hz-01',
          vpcEndpoints: vpc,
          namespaces: { 'team.a_b-c': ns({ repositories: { 'api-server': repo(), x: repo() } }) },
          imports: [personal({ namespace: 'a-very-long-namespace-name-for-ee', sourceNamespace: 'team-a' })],
        }),
      }),
      paths: [],
    },
  ],

  'duplicate-name': [
    {
      reason: 'two instances named alike in one region (even across accounts: the host would collide)',
      doc: doc({ a: inst(), b: inst({ account: 'partner' }) }),
      paths: ['instances.b.name'],
      says: ['acme-hz-registry.cn-hangzhou.cr.aliyuncs.com'],
    },
    {
      reason: 'repeated rule name, VPC link, import source, ACL block (10.0.0.1/24 is 10.0.0.0/24) and access name',
      doc: doc(
        {
          a: inst({
            vpcEndpoints: [vpc[0], { vpc: 'vpc-abc', vswitch: 'vsw-abc' }],
            imports: [personal(), personal({ latest: 5 })],
            replication: [rule(), rule({ to: 'b' })],
            internetEndpoint: { allow: [{ cidr: '10.0.0.0/24' }, { cidr: '10.0.0.1/24' }] },
          }),
          b: inst({ name: 'acme-b' }),
        },
        { crossRegionAccess: [access({ to: 'a' }), access({ to: 'b' })] },
      ),
      paths: [
        'instances.a.replication.1.name',
        'instances.a.imports.1',
        'instances.a.vpcEndpoints.1',
        'instances.a.internetEndpoint.allow.1.cidr',
        'crossRegionAccess.1.name',
      ],
    },
    {
      reason: 'the same instance name in two regions has two different hosts',
      doc: doc({ a: inst(), b: inst({ region: 'cn-beijing' }) }),
      paths: [],
    },
  ],
  // issue 14 (coverage): retention, scanning, webhooks
  'tag-pattern-not-re2': [
    {
      reason: 'a lookahead in a retention rule\'s keepTags and a backreference in a scan rule\'s tagFilter (JavaScript accepts both, RE2 does not)',
      doc: doc({
        a: inst({
          namespaces: { 'team-a': ns() },
          lifecycleRules: [{ scope: 'namespace', namespace: 'team-a', retainLatest: 5, keepTags: 'release-(?!rc).*' }],
          scanRules: [{ name: 's', scope: 'instance', tagFilter: '(a)\\1' }, { name: 't', scope: 'instance', tagFilter: 'v.*' }],
        }),
      }),
      paths: ['instances.a.lifecycleRules.0.keepTags', 'instances.a.scanRules.0.tagFilter'],
      says: ['is not a valid RE2 expression'],
    },
    {
      reason: 'RE2-only syntax is valid, and an empty keepTags keeps nothing by name',
      doc: doc({ a: inst({ lifecycleRules: [{ scope: 'instance', retainLatest: 5, keepTags: '(?P<v>v[0-9]+)\\.\\Q.x\\E' }, { scope: 'instance', retainLatest: 3, keepTags: '' }] }) }),
      paths: [],
    },
  ],
  'retention-keeps-one': [
    {
      reason: 'an automatic rule keeping one tag and nothing by name',
      doc: doc({ a: inst({ lifecycleRules: [{ scope: 'instance', retainLatest: 1, auto: true }] }) }),
      paths: ['instances.a.lifecycleRules.0.retainLatest'],
      says: ['rollbacks'],
    },
    {
      reason: 'a manual rule, a rule keeping releases by name, a disabled rule, or one keeping two are fine',
      doc: doc({
        a: inst({
          namespaces: { x: ns(), y: ns(), z: ns() },
          lifecycleRules: [
            { scope: 'instance', retainLatest: 1 },
            { scope: 'namespace', namespace: 'x', retainLatest: 1, auto: true, keepTags: 'release-.*' },
            { scope: 'namespace', namespace: 'y', retainLatest: 1, auto: true, enabled: false },
            { scope: 'namespace', namespace: 'z', retainLatest: 2, auto: true },
          ],
        }),
      }),
      paths: [],
    },
  ],
};

function lintById(id: string): LintRule {
  const lint = LINTS.find((l) => l.id === id);
  if (!lint) throw new Error(`no lint ${id}`);
  return lint;
}

describe('product lints: positive and negative cases', () => {
  for (const [id, cases] of Object.entries(CASES)) {
    describe(id, () => {
      for (const c of cases) {
        it(c.reason, () => {
          const findings = runLints(c.doc, fakeLocate, [lintById(id)]);
          expect(findings.map((f) => f.path.join('.'))).toEqual(c.paths);
          for (const f of findings) {
            expect(f.id).toBe(id);
            expect(f.severity).toBe(lintById(id).severity);
            expect(f.location).toEqual(fakeLocate(f.path));
            for (const s of c.says ?? []) expect(f.message).toContain(s);
          }
        });
      }
    });
  }
});

describe('lint registry', () => {
  it('every lint has a unique kebab-case id, a summary, and a case that fires and one that does not', () => {
    const ids = LINTS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const lint of LINTS) {
      expect(lint.id, lint.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(lint.summary.length, lint.id).toBeGreaterThan(10);
      const cases = CASES[lint.id] ?? [];
      expect(cases.some((c) => c.paths.length > 0), `${lint.id} has a positive case`).toBe(true);
      expect(cases.some((c) => c.paths.length === 0), `${lint.id} has a negative case`).toBe(true);
    }
    expect(Object.keys(CASES).sort()).toEqual([...ids].sort());
  });

  it('covers every lint the foundation issue lists, with the severity it asks for', () => {
    const asked: Record<string, string> = {
      'pe-domain-one-per-region': 'error',
      'pe-namespace-shadowed': 'warning',
      'pe-domain-reserved-namespace': 'error',
      'cross-account-source-not-advanced': 'error',
      'namespace-rule-target-auto-create': 'error',
      'repository-rule-repository-mismatch': 'error',
      'import-latest-out-of-range': 'error',
      'tag-filter-not-re2': 'error',
      'import-needs-vpc-endpoint': 'error',
      'import-region-unsupported': 'error',
      'cross-region-basic-transit-router': 'error',
      'cross-region-cidr-collision': 'error',
      'cross-region-prefer-replication': 'info',
      'backfill-above-threshold': 'warning',
      'ram-policy-wildcard': 'error',
      'internet-acl-open-world': 'warning',
      'invalid-name': 'error',
    };
    for (const [id, severity] of Object.entries(asked)) expect(lintById(id).severity, id).toBe(severity);
  });

  it('docs/lints.md has a section for every lint, stating its severity', () => {
    const docs = readFileSync(new URL('../../docs/lints.md', import.meta.url), 'utf8');
    for (const lint of LINTS) {
      const section = new RegExp(`^### \`${lint.id}\`\\s*\\n+\\*\\*Severity:\\*\\* ${lint.severity}\\b`, 'm');
      expect(docs, lint.id).toMatch(section);
    }
  });
});

describe('lint constants agree with the schema and the API facts', () => {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/registry.schema.json', import.meta.url), 'utf8')) as {
    $defs: Record<string, { pattern?: string; minimum?: number; maximum?: number; properties?: Record<string, { pattern?: string }> }>;
  };
  const cases: readonly { reason: string; lint: RegExp; schema: string | undefined }[] = [
    { reason: 'instance names', lint: NAME_RULES.instance.pattern, schema: schema.$defs['instance']?.properties?.['name']?.pattern },
    { reason: 'namespace names', lint: NAME_RULES.namespace.pattern, schema: schema.$defs['namespaceName']?.pattern },
    { reason: 'repository names', lint: NAME_RULES.repository.pattern, schema: schema.$defs['repositoryName']?.pattern },
    {
      reason: 'Personal Edition namespace names',
      lint: NAME_RULES.personalNamespace.pattern,
      schema: schema.$defs['importRule']?.properties?.['sourceNamespace']?.pattern,
    },
  ];
  for (const c of cases) {
    it(`the ${c.reason} rule is the schema's pattern`, () => {
      expect(c.lint.source).toBe(c.schema);
    });
  }

  it("import latest bounds are the schema's", () => {
    expect([IMPORT_LATEST_MIN, IMPORT_LATEST_MAX]).toEqual([schema.$defs['latest']?.minimum, schema.$defs['latest']?.maximum]);
  });

  it('import regions are Container Registry regions', () => {
    for (const region of IMPORT_REGIONS) expect(REGIONS as readonly string[]).toContain(region);
  });

  const names: readonly { reason: string; rule: keyof typeof NAME_RULES; name: string; problem: RegExp | undefined }[] = [
    { reason: 'length is named first', rule: 'instance', name: 'a'.repeat(31), problem: /has 31 characters; .* 3 to 30/ },
    { reason: 'the first bad character is quoted', rule: 'namespace', name: 'team_A', problem: /contains "A"/ },
    { reason: 'a separator at an end', rule: 'namespace', name: 'team.', problem: /cannot start or end with \. _ -/ },
    { reason: 'a valid name has no problem', rule: 'repository', name: 'a', problem: undefined },
  ];
  for (const c of names) {
    it(`nameProblem: ${c.reason}`, () => {
      const problem = nameProblem(NAME_RULES[c.rule], c.name);
      if (c.problem === undefined) expect(problem).toBeUndefined();
      else expect(problem).toMatch(c.problem);
    });
  }
});

describe('runLints', () => {
  it('runs every lint, leaves a clean estate clean, and does not mutate the document', () => {
    const clean = doc({
      hz: inst({
        vpcEndpoints: vpc,
        personalEditionDomain: true,
        internetEndpoint: { enabled: true, allow: [{ cidr: '203.0.113.0/24', description: 'office' }] },
        namespaces: { 'team-a': ns({ autoCreateRepo: true, repositories: { api: repo() } }) },
        imports: [personal({ latest: 10, tagFilter: 'release-v.*' })],
        replication: [rule({ to: 'bj', backfill: { latest: 5 } })],
      }),
      bj: inst({ account: 'partner', name: 'partner-bj', region: 'cn-beijing', edition: 'Basic', namespaces: { 'team-a': ns({ autoCreateRepo: true }) } }),
    });
    const frozen = deepFreeze(structuredClone(clean));
    expect(runLints(frozen, fakeLocate)).toEqual([]);
    expect(frozen).toEqual(clean);
  });

  it('reports findings of several lints, in registry order, with hints', () => {
    const findings = runLints(
      doc({ a: inst({ name: 'Bad', region: 'cn-qingdao', imports: [personal({ latest: 2000 })] }) }),
      fakeLocate,
    );
    expect(findings.map((f) => f.id)).toEqual([
      'import-latest-out-of-range',
      'import-needs-vpc-endpoint',
      'import-region-unsupported',
      'invalid-name',
    ]);
    expect(findings.every((f) => typeof f.hint === 'string' && f.hint.length > 0)).toBe(true);
  });

  it('turns a lint that throws into an internal-lint-failure finding and keeps the others', () => {
    const broken: LintRule = {
      id: 'always-throws',
      severity: 'warning',
      summary: 'test double',
      check: () => {
        throw new Error('boom');
      },
    };
    const findings = runLints(doc({ a: inst({ name: 'Bad' }) }), fakeLocate, [broken, lintById('invalid-name')]);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['internal-lint-failure', 'error'],
      ['invalid-name', 'error'],
    ]);
    expect(findings[0]?.message).toContain('always-throws');
    expect(findings[0]?.location).toEqual(fakeLocate([]));
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
