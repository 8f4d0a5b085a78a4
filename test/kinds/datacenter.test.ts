/**
 * Data-centre access (issue 12.3): the derivation of `datacenterAccess`, its findings and outputs
 * (pure), and the cloud-side routes planned, applied and re-planned against the emulator with the
 * estate of examples/datacenter seeded through the VPC admin API.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { validateSource } from '../../src/config/load.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { datacenterFindings, datacenterOutputs, datacenterPaths, datacenterKind } from '../../src/kinds/datacenter.js';
import { datacenterRouteKind } from '../../src/kinds/datacenter-route.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';
import type { Kind, LiveObject } from '../../src/plan/kind.js';
import type { Plan } from '../../src/plan/model.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, planFor, testClock } from '../support/exec.js';

const UID = '1234567890123456';
const HZ = 'cn-hangzhou';
const REFS = languageReferences(allKinds);

function config(access: Record<string, unknown> = {}, instance: Record<string, unknown> = {}): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: UID } },
    instances: { 'hz-main': { account: 'prod', region: HZ, edition: 'Advanced', name: 'acme-hz', vpcEndpoints: [{ vpc: 'vpc-bp1example', vswitch: 'vsw-bp1example' }], ...instance } },
    datacenterAccess: [
      {
        name: 'idc',
        to: 'hz-main',
        routeTable: 'vtb-bp1example',
        datacenter: { cidrs: ['192.168.0.0/16', '172.20.0.0/20'] },
        connection: { kind: 'vpn', id: 'vpn-bp1example' },
        addresses: { auth: '100.103.7.181', oss: '100.118.28.43' },
        ...access,
      },
    ],
  } as RegistryDocument;
}

const routes = (c: RegistryDocument) => (datacenterRouteKind as unknown as Kind).desired(c);

describe('datacenterAccess: desired objects', () => {
  it('a VPN gateway: one route per data-centre CIDR in the instance VPC table, next hop the gateway, after the instance and its VPC link', () => {
    const r = routes(config());
    expect(r.map((d) => [d.id, d.spec, d.region])).toEqual([
      ['datacenter[idc].vpc-route[192.168.0.0/16]', { routeTable: 'vtb-bp1example', destination: '192.168.0.0/16', nextHop: { type: 'VpnGateway', id: 'vpn-bp1example' } }, HZ],
      ['datacenter[idc].vpc-route[172.20.0.0/20]', { routeTable: 'vtb-bp1example', destination: '172.20.0.0/20', nextHop: { type: 'VpnGateway', id: 'vpn-bp1example' } }, HZ],
    ]);
    expect(r[0]!.requires).toEqual(['instance[hz-main]', 'instance[hz-main].vpc-link[vpc-bp1example/vsw-bp1example]']);
    expect((datacenterKind as unknown as Kind).desired(config()).map((d) => d.id)).toEqual(['datacenter[idc]']);
  });

  it('Express Connect with the VPC router interface: next hop RouterInterface; without it, or over SAG, nothing is planned (it is printed)', () => {
    expect(routes(config({ connection: { kind: 'expressConnect', id: 'vbr-x', routerInterface: 'ri-x' } }))[0]!.spec).toMatchObject({ nextHop: { type: 'RouterInterface', id: 'ri-x' } });
    expect(routes(config({ connection: { kind: 'expressConnect', id: 'vbr-x' } }))).toEqual([]);
    expect(routes(config({ connection: { kind: 'sag', id: 'sag-x' } }))).toEqual([]);
  });

  it('vpc picks the instance link the connection ends in', () => {
    const c = config({ vpc: 'vpc-two' }, { vpcEndpoints: [{ vpc: 'vpc-bp1example', vswitch: 'vsw-bp1example' }, { vpc: 'vpc-two', vswitch: 'vsw-two' }] });
    expect(datacenterPaths(c)[0]!.targetVpc).toEqual({ vpc: 'vpc-two', vswitch: 'vsw-two' });
  });
});

describe('datacenterAccess: references', () => {
  const check = (yaml: string) => validateSource(yaml, 'registry.yaml', { references: REFS }).findings.filter((f) => f.severity === 'error').map((f) => `${f.id}@${f.location.line}: ${f.message}`);
  const base = (entry: string) => `version: 1
accounts: { prod: { uid: "${UID}" } }
instances:
  hz: { account: prod, region: cn-hangzhou, edition: Basic, name: acme-hz, vpcEndpoints: [{ vpc: vpc-a, vswitch: vsw-a }] }
datacenterAccess:
${entry}`;
  const cases: { reason: string; entry: string; want: RegExp[] }[] = [
    { reason: 'a clean entry', entry: '  - { name: d, to: hz, routeTable: vtb-a, datacenter: { cidrs: [192.168.0.0/16] }, connection: { kind: vpn, id: vpn-a } }', want: [] },
    { reason: 'an unknown instance', entry: '  - { name: d, to: nope, routeTable: vtb-a, datacenter: { cidrs: [192.168.0.0/16] }, connection: { kind: vpn, id: vpn-a } }', want: [/ref\/unknown-instance@6/] },
    { reason: 'a VBR id for a VPN connection', entry: '  - { name: d, to: hz, routeTable: vtb-a, datacenter: { cidrs: [192.168.0.0/16] }, connection: { kind: vpn, id: vbr-a } }', want: [/ref\/datacenter-connection@6: .*starts with vpn-/] },
    { reason: 'a VPN connection without routeTable', entry: '  - { name: d, to: hz, datacenter: { cidrs: [192.168.0.0/16] }, connection: { kind: vpn, id: vpn-a } }', want: [/ref\/datacenter-connection@6: .*routeTable/] },
    { reason: 'routerInterface on a VPN connection', entry: '  - { name: d, to: hz, routeTable: vtb-a, datacenter: { cidrs: [192.168.0.0/16] }, connection: { kind: vpn, id: vpn-a, routerInterface: ri-a } }', want: [/ref\/datacenter-connection@6: .*routerInterface/] },
    { reason: 'a vpc that is not among the instance links', entry: '  - { name: d, to: hz, vpc: vpc-b, routeTable: vtb-a, datacenter: { cidrs: [192.168.0.0/16] }, connection: { kind: vpn, id: vpn-a } }', want: [/ref\/unknown-vpc@6: .*vpc-b/] },
    {
      reason: 'a name used twice',
      entry: '  - { name: d, to: hz, datacenter: { cidrs: [192.168.0.0/16] }, connection: { kind: sag, id: sag-a } }\n  - { name: d, to: hz, datacenter: { cidrs: [172.16.0.0/16] }, connection: { kind: sag, id: sag-b } }',
      want: [/ref\/duplicate-key@7/],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const got = check(base(c.entry));
      expect(got.length, got.join('\n')).toBe(c.want.length);
      c.want.forEach((w, i) => expect(got[i]).toMatch(w));
    });
  }
});

function evidence(spec: Record<string, unknown>): LiveObject {
  return {
    id: 'datacenter[idc]',
    kind: 'datacenter',
    account: 'prod',
    region: HZ,
    key: { access: 'idc' },
    spec: {
      vpc: { found: true, cidrs: ['10.0.0.0/16'] },
      routeTable: { found: true },
      connection: { readable: true, found: true, status: 'active', vpc: 'vpc-bp1example' },
      instance: { id: 'cri-abc', ip: '10.0.0.7' },
      ...spec,
    },
    ids: {},
    container: 'account[prod]',
    prunable: false,
    requires: [],
  };
}

describe('datacenterAccess: findings', () => {
  const path = (access: Record<string, unknown> = {}, instance: Record<string, unknown> = {}) => datacenterPaths(config(access, instance))[0]!;
  const cases: { reason: string; path: ReturnType<typeof path>; live?: LiveObject; want: { id: string; severity: string; includes?: string[] }[] }[] = [
    { reason: 'a healthy VPN path has no finding', path: path(), live: evidence({}), want: [] },
    {
      reason: 'a VPN gateway that does not exist is an error naming the key to fix',
      path: path(),
      live: evidence({ connection: { readable: true, found: false } }),
      want: [{ id: 'datacenter-connection-missing', severity: 'error', includes: ['VPN gateway vpn-bp1example', 'datacenterAccess[0].connection.id'] }],
    },
    {
      reason: 'a VBR that does not exist is an error',
      path: path({ connection: { kind: 'expressConnect', id: 'vbr-gone' } }),
      live: evidence({ connection: { readable: true, found: false } }),
      want: [{ id: 'datacenter-connection-missing', severity: 'error', includes: ['virtual border router vbr-gone'] }],
    },
    {
      reason: 'a VPN gateway of another VPC is an error; one not active is a warning',
      path: path(),
      live: evidence({ connection: { readable: true, found: true, status: 'provisioning', vpc: 'vpc-other' } }),
      want: [
        { id: 'datacenter-connection-other-vpc', severity: 'error', includes: ['vpc-other', 'vpc-bp1example'] },
        { id: 'datacenter-connection-status', severity: 'warning', includes: ['provisioning'] },
      ],
    },
    {
      reason: 'a SAG instance cannot be read: an info finding says what to check',
      path: path({ connection: { kind: 'sag', id: 'sag-x' }, routeTable: undefined }),
      live: evidence({ connection: { readable: false } }),
      want: [{ id: 'datacenter-connection-unverified', severity: 'info', includes: ['sag-x', 'CCN'] }],
    },
    {
      reason: 'unknown service addresses are warnings: the router lines fall back to 100.0.0.0/8',
      path: path({ addresses: undefined }),
      live: evidence({}),
      want: [
        { id: 'datacenter-address-unknown', severity: 'warning', includes: ['auth service', 'datacenterAccess[0].addresses.auth'] },
        { id: 'datacenter-address-unknown', severity: 'warning', includes: ['OSS bucket', '<instance id>-registry.oss-cn-hangzhou-internal.aliyuncs.com'] },
      ],
    },
    {
      reason: 'a data-centre CIDR containing the live instance address is an error; overlapping the instance VPC is an error',
      path: path({ datacenter: { cidrs: ['10.0.0.0/8'] } }),
      live: evidence({}),
      want: [
        { id: 'datacenter-vpc-cidr-overlap', severity: 'error', includes: ['10.0.0.0/8', '10.0.0.0/16'] },
        { id: 'datacenter-contains-address', severity: 'error', includes: ['10.0.0.7', 'acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com'] },
      ],
    },
    {
      reason: 'missing VPC and a route table of another VPC are errors',
      path: path(),
      live: evidence({ vpc: { found: false }, routeTable: { found: false } }),
      want: [
        { id: 'datacenter-vpc-missing', severity: 'error', includes: ['vpc-bp1example'] },
        { id: 'datacenter-route-table-missing', severity: 'error', includes: ['vtb-bp1example', 'datacenterAccess[0].routeTable'] },
      ],
    },
    {
      reason: 'no vpcEndpoints on the instance: nothing to connect to',
      path: path({}, { vpcEndpoints: undefined }),
      want: [{ id: 'datacenter-no-vpc-endpoint', severity: 'error', includes: ['vpcEndpoints'] }],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const got = datacenterFindings(c.path, c.live);
      expect(got.map((f) => `${f.id}:${f.severity}`)).toEqual(c.want.map((w) => `${w.id}:${w.severity}`));
      c.want.forEach((w, i) => {
        for (const s of w.includes ?? []) expect(got[i]!.message).toContain(s);
        expect(got[i]!.where).toBe('datacenter[idc]');
      });
    });
  }
});

describe('datacenterAccess: outputs', () => {
  const outputs = (access: Record<string, unknown> = {}, instance: Record<string, unknown> = {}, live: LiveObject | undefined = evidence({})) =>
    Object.fromEntries(datacenterOutputs(datacenterPaths(config(access, instance))[0]!, live).map((o) => [o.id.replace('datacenter[idc].', ''), o.lines]));

  it('router lines: the three addresses as /32s towards the connection; DNS records for the three names; the VPN gateway subnets', () => {
    const o = outputs({}, { ossBucket: 'acme-images' });
    expect(o['router']).toEqual([
      '10.0.0.7/32 -> VPN gateway vpn-bp1example  # acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com',
      '100.103.7.181/32 -> VPN gateway vpn-bp1example  # dockerauth-vpc.cn-hangzhou.aliyuncs.com',
      '100.118.28.43/32 -> VPN gateway vpn-bp1example  # acme-images.oss-cn-hangzhou-internal.aliyuncs.com',
    ]);
    expect(o['dns']).toEqual([
      'A 10.0.0.7 acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com',
      'A 100.103.7.181 dockerauth-vpc.cn-hangzhou.aliyuncs.com',
      'A 100.118.28.43 acme-images.oss-cn-hangzhou-internal.aliyuncs.com',
    ]);
    expect(o['cloud-side']).toEqual([
      "VPN gateway vpn-bp1example: the IPsec connection's local subnets (or the gateway's destination routes) include 10.0.0.7/32, 100.103.7.181/32, 100.118.28.43/32; its remote subnets include 192.168.0.0/16, 172.20.0.0/20",
    ]);
  });

  it('unknown service addresses: one 100.0.0.0/8 line, DNS comments; takeover drops the auth name', () => {
    const o = outputs({ addresses: { oss: '100.118.28.43' } }, { authDomainTakeover: true });
    expect(o['router']).toEqual([
      '10.0.0.7/32 -> VPN gateway vpn-bp1example  # acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com',
      '100.118.28.43/32 -> VPN gateway vpn-bp1example  # cri-abc-registry.oss-cn-hangzhou-internal.aliyuncs.com',
    ]);
    expect(o['dns']![1]).toBe('# dockerauth-vpc.cn-hangzhou.aliyuncs.com: not needed: instance hz-main answers auth itself (authDomainTakeover)');
    const u = outputs({ addresses: undefined }, {}, evidence({ instance: {} }));
    expect(u['router']).toEqual([
      '(known after apply)/32 -> VPN gateway vpn-bp1example  # acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com',
      '100.0.0.0/8 -> VPN gateway vpn-bp1example  # service addresses not set: dockerauth-vpc.cn-hangzhou.aliyuncs.com, <instance id (known after apply)>-registry.oss-cn-hangzhou-internal.aliyuncs.com',
    ]);
    expect(u['dns']![2]).toBe('# <instance id (known after apply)>-registry.oss-cn-hangzhou-internal.aliyuncs.com: address unknown: set datacenterAccess[0].addresses.oss');
  });

  it('Express Connect without routerInterface: the VPC routes and the VBR routes are printed', () => {
    const o = outputs({ connection: { kind: 'expressConnect', id: 'vbr-x' }, routeTable: undefined });
    expect(o['cloud-side']).toEqual([
      'route table <route table of vpc-bp1example>: 192.168.0.0/16 -> the router interface of vpc-bp1example to vbr-x',
      'route table <route table of vpc-bp1example>: 172.20.0.0/20 -> the router interface of vpc-bp1example to vbr-x',
      'virtual border router vbr-x, its route table: 192.168.0.0/16, 172.20.0.0/20 -> the physical connection; 10.0.0.7/32, 100.103.7.181/32, 100.118.28.43/32 -> its router interface to vpc-bp1example',
    ]);
  });
});

describe('planning examples/datacenter against the emulator', () => {
  let estate: Estate | undefined;
  afterEach(async () => {
    await estate?.close();
    estate = undefined;
  });
  const actions = (p: Plan) => p.actions.map((a) => `${a.type} ${a.id}`);
  const errors = (p: Plan) => p.findings.filter((f) => f.severity === 'error');

  async function seed(): Promise<{ clock: ReturnType<typeof testClock>; estate: Estate; cfg: (edit?: (y: string) => string) => RegistryDocument }> {
    const clock = testClock();
    const e = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    estate = e;
    const admin = async (path: string, body: unknown) => expect((await e.t.admin('POST', path, body)).status).toBe(200);
    await admin('/_emulator/vpc/vpcs', { accountUid: UID, regionId: HZ, cidrBlock: '10.0.0.0/16', vpcId: 'vpc-bp1example' });
    await admin('/_emulator/vpc/vswitches', { accountUid: UID, regionId: HZ, vpcId: 'vpc-bp1example', zoneId: `${HZ}-j`, cidrBlock: '10.0.0.0/24', vSwitchId: 'vsw-bp1example' });
    await admin('/_emulator/vpc/route-tables', { accountUid: UID, regionId: HZ, vpcId: 'vpc-bp1example', routeTableId: 'vtb-bp1example', vSwitchIds: ['vsw-bp1example'] });
    await admin('/_emulator/vpc/vpn-gateways', { accountUid: UID, regionId: HZ, vpcId: 'vpc-bp1example', vpnGatewayId: 'vpn-bp1example' });
    await admin('/_emulator/vpc/virtual-border-routers', { accountUid: UID, regionId: HZ, vbrId: 'vbr-bp1example' });
    const text = readFileSync(new URL('../../examples/datacenter/registry.yaml', import.meta.url), 'utf8');
    const cfg = (edit: (y: string) => string = (y) => y) => {
      const r = validateSource(edit(text), 'registry.yaml', { references: REFS });
      expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
      return r.document!;
    };
    return { clock, estate: e, cfg };
  }

  it('plans the VPN routes after the instance and its link, applies them, plans nothing; outputs carry the live address and the custom bucket', async () => {
    const { clock, estate, cfg } = await seed();
    const plan = await planFor(cfg(), estate.session, allKinds);
    expect(errors(plan)).toEqual([]);
    expect(actions(plan).filter((a) => a.includes('datacenter'))).toEqual(['create datacenter[idc-shanghai].vpc-route[172.20.0.0/20]', 'create datacenter[idc-shanghai].vpc-route[192.168.0.0/16]']);
    const { result } = await applyPlan(plan, allKinds, estate.session, { clock });
    expect(result.status).toBe('complete');
    const again = await planFor(cfg(), estate.session, allKinds);
    expect(actions(again)).toEqual([]);
    const entries = (await estate.session.vpc('prod', HZ).allRouteEntries({ regionId: HZ, routeTableId: 'vtb-bp1example', routeEntryType: 'Custom' })).items;
    expect(entries.map((e) => [e.destinationCidrBlock, e.nextHops?.nextHop?.[0]?.nextHopType, e.nextHops?.nextHop?.[0]?.nextHopId, e.routeEntryName]).sort()).toEqual([
      ['172.20.0.0/20', 'VpnGateway', 'vpn-bp1example', 'acrctl-dc:idc-shanghai:172.20.0.0/20'],
      ['192.168.0.0/16', 'VpnGateway', 'vpn-bp1example', 'acrctl-dc:idc-shanghai:192.168.0.0/16'],
    ]);
    const id = result.ids.get('instance[hz-main]')?.['instanceId'];
    const router = again.outputs.find((o) => o.id === 'datacenter[idc-shanghai].router')!;
    expect(router.lines[0]).toMatch(/^10\.\d+\.\d+\.\d+\/32 -> VPN gateway vpn-bp1example {2}# acme-hz-registry-vpc\.cn-hangzhou\.cr\.aliyuncs\.com$/);
    expect(router.lines[2]).toBe('100.118.28.43/32 -> VPN gateway vpn-bp1example  # acme-hz-images.oss-cn-hangzhou-internal.aliyuncs.com');
    expect(id).toMatch(/^cri-/);

    // A CIDR removed from the data centre: acrctl deletes the route it made for it, and only that one.
    const fewer = cfg((y) => y.replace('cidrs: [192.168.0.0/16, 172.20.0.0/20]', 'cidrs: [192.168.0.0/16]'));
    const shrink = await planFor(fewer, estate.session, allKinds);
    expect(actions(shrink)).toEqual(['delete datacenter[idc-shanghai].vpc-route[172.20.0.0/20]']);
    expect((await applyPlan(shrink, allKinds, estate.session, { clock })).result.status).toBe('complete');
    expect(actions(await planFor(fewer, estate.session, allKinds))).toEqual([]);
  });

  it('a VPN gateway id that does not exist, or a VBR that does not, is an error finding, which blocks apply', async () => {
    const { estate, cfg } = await seed();
    const plan = await planFor(cfg((y) => y.replace('id: vpn-bp1example', 'id: vpn-bp1missing').replace('id: vbr-bp1example', 'id: vbr-bp1missing')), estate.session, allKinds);
    expect(errors(plan).map((f) => `${f.id} ${f.where}`)).toEqual(['datacenter-connection-missing datacenter[idc-shanghai]', 'datacenter-connection-missing datacenter[idc-beijing]']);
  });
});
