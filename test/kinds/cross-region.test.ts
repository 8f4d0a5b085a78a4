import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kind } from '../../src/plan/kind.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { accessPaths, crossRegionKind as crossRegionKindTyped, pathFindings, pathOutputs, type AccessEvidence, type AccessPath } from '../../src/kinds/cross-region.js';
import { allKinds } from '../../src/kinds/index.js';
import { trRouteKind as trRouteKindTyped } from '../../src/kinds/tr-route.js';
import { vpcRouteKind as vpcRouteKindTyped } from '../../src/kinds/vpc-route.js';
import type { Plan } from '../../src/plan/model.js';
import { computeDestroyPlan } from '../../src/plan/planner.js';
import { startEstate, type Estate } from '../support/estate.js';
import { applyPlan, planFor, testClock } from '../support/exec.js';
import { exampleConfig, HZ, SH, seedCrossRegion, UID } from './cross-region.seed.js';

/** The kind as the engine sees it (the tests build plain objects). */
const crossRegionKind: Kind = crossRegionKindTyped;
const trRouteKind: Kind = trRouteKindTyped;
const vpcRouteKind: Kind = vpcRouteKindTyped;

/** A config with one access path sh-to-hz; `patch` edits the access entry and the instance. */
function config(access: Record<string, unknown> = {}, instance: Record<string, unknown> = {}): RegistryDocument {
  return {
    version: 1,
    accounts: { prod: { uid: UID } },
    instances: {
      'hz-main': { account: 'prod', region: HZ, edition: 'Advanced', name: 'acme-hz', vpcEndpoints: [{ vpc: 'vpc-bp1example', vswitch: 'vsw-bp1example' }], ...instance },
    },
    crossRegionAccess: [
      {
        name: 'sh-to-hz',
        from: { account: 'prod', region: SH, vpc: 'vpc-uf6example', routeTable: 'vtb-uf6example' },
        to: 'hz-main',
        cen: { id: 'cen-example01', sourceTransitRouter: { id: 'tr-uf6example' }, targetTransitRouter: { id: 'tr-bp1example' } },
        addresses: { auth: '100.103.7.181', oss: '100.118.28.43' },
        ...access,
      },
    ],
  } as RegistryDocument;
}

const ids = (c: RegistryDocument) => [...crossRegionKind.desired(c), ...vpcRouteKind.desired(c), ...trRouteKind.desired(c)].map((d) => d.id).sort();

describe('desired objects of a cross-region access path', () => {
  const cases: { reason: string; config: RegistryDocument; want: string[] }[] = [
    {
      reason: 'by default both service routes and both transit-router routes are planned',
      config: config(),
      want: [
        'cross-region[sh-to-hz]',
        'cross-region[sh-to-hz].tr-route[source]',
        'cross-region[sh-to-hz].tr-route[target]',
        'cross-region[sh-to-hz].vpc-route[auth]',
        'cross-region[sh-to-hz].vpc-route[oss]',
      ],
    },
    {
      reason: 'routes.auth false: no auth route',
      config: config({ routes: { auth: false } }),
      want: ['cross-region[sh-to-hz]', 'cross-region[sh-to-hz].tr-route[source]', 'cross-region[sh-to-hz].tr-route[target]', 'cross-region[sh-to-hz].vpc-route[oss]'],
    },
    {
      reason: 'auth-domain takeover on the target instance removes the auth route',
      config: config({}, { authDomainTakeover: true }),
      want: ['cross-region[sh-to-hz]', 'cross-region[sh-to-hz].tr-route[source]', 'cross-region[sh-to-hz].tr-route[target]', 'cross-region[sh-to-hz].vpc-route[oss]'],
    },
    {
      reason: 'an unknown auth address plans no auth route (an error finding says how to find it)',
      config: config({ addresses: { oss: '100.118.28.43' } }),
      want: ['cross-region[sh-to-hz]', 'cross-region[sh-to-hz].tr-route[source]', 'cross-region[sh-to-hz].tr-route[target]', 'cross-region[sh-to-hz].vpc-route[oss]'],
    },
    {
      reason: 'with neither service route needed no transit-router route is needed either',
      config: config({ routes: { auth: false, oss: false } }),
      want: ['cross-region[sh-to-hz]'],
    },
    {
      reason: 'an instance without VPC endpoints has no VPC to route to: no target transit-router route',
      config: config({}, { vpcEndpoints: [] }),
      want: ['cross-region[sh-to-hz]', 'cross-region[sh-to-hz].tr-route[source]', 'cross-region[sh-to-hz].vpc-route[auth]', 'cross-region[sh-to-hz].vpc-route[oss]'],
    },
    {
      reason: 'one router for both ends: only the route in that router to the instance VPC',
      config: config({ cen: { id: 'cen-example01', sourceTransitRouter: { id: 'tr-one' }, targetTransitRouter: { id: 'tr-one' } } }),
      want: ['cross-region[sh-to-hz]', 'cross-region[sh-to-hz].tr-route[target]', 'cross-region[sh-to-hz].vpc-route[auth]', 'cross-region[sh-to-hz].vpc-route[oss]'],
    },
  ];
  for (const c of cases) it(c.reason, () => expect(ids(c.config)).toEqual(c.want));

  it('specs name next hops by natural key and routes come after the instance and its VPC link', () => {
    const [auth] = vpcRouteKind.desired(config());
    expect(auth!.spec).toEqual({ routeTable: 'vtb-uf6example', destination: '100.103.7.181/32', nextHop: { type: 'Attachment', transitRouter: 'tr-uf6example', vpc: 'vpc-uf6example' } });
    expect(auth!.requires).toEqual(['instance[hz-main]', 'instance[hz-main].vpc-link[vpc-bp1example/vsw-bp1example]']);
    const [source, target] = trRouteKind.desired(config());
    expect(source!.spec).toEqual({ transitRouter: 'tr-uf6example', destination: '100.0.0.0/8', nextHop: { type: 'peer', transitRouter: 'tr-bp1example' } });
    expect(source!.region).toBe(SH);
    expect(target!.spec).toEqual({ transitRouter: 'tr-bp1example', destination: '100.0.0.0/8', nextHop: { type: 'vpc', vpc: 'vpc-bp1example' } });
    expect(target!.region).toBe(HZ);
    expect(target!.requires).toEqual(auth!.requires);
  });
});

function evidence(spec: Record<string, unknown>): AccessEvidence {
  return {
    id: 'cross-region[sh-to-hz]',
    kind: 'cross-region',
    account: 'prod',
    region: SH,
    key: { access: 'sh-to-hz' },
    spec: {
      sourceVpc: { found: true, cidrs: ['10.20.0.0/16'] },
      routeTable: { found: true, type: 'Custom' },
      sourceRouter: { found: true, type: 'Enterprise', region: SH },
      targetRouter: { found: true, type: 'Enterprise', region: HZ },
      attachments: { sourceVpc: true, peer: true, targetVpc: true },
      instance: { id: 'cri-abc', ip: '10.0.0.7' },
      ...spec,
    },
    ids: {},
    container: 'cross-region[sh-to-hz]',
    prunable: false,
    requires: [],
    hops: {},
  };
}

describe('findings of a path', () => {
  const path = (access: Record<string, unknown> = {}, instance: Record<string, unknown> = {}): AccessPath => accessPaths(config(access, instance))[0]!;
  const cases: { reason: string; path: AccessPath; live?: AccessEvidence; want: { id: string; severity: string; includes?: string[] }[] }[] = [
    {
      reason: 'a healthy path only carries the CEN cost note',
      path: path(),
      live: evidence({}),
      want: [{ id: 'cross-region-cost', severity: 'info', includes: ['cost extra', 'CEN'] }],
    },
    {
      reason: 'a needed address that is unknown is an error saying how to find it and which key to set',
      path: path({ addresses: { oss: '100.118.28.43' } }),
      live: evidence({}),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-address-unknown', severity: 'error', includes: ['dockerauth-vpc.cn-hangzhou.aliyuncs.com', 'WWW-Authenticate', 'https://acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com/v2/', 'crossRegionAccess[0].addresses.auth'] },
      ],
    },
    {
      reason: 'a live source CIDR inside 100.0.0.0/8 names both fixes, each with its route',
      path: path(),
      live: evidence({ sourceVpc: { found: true, cidrs: ['100.64.0.0/10'] } }),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-live-cidr-collision', severity: 'error', includes: ['100.64.0.0/10', 'for the auth route: turn on authDomainTakeover', 'for the OSS route: reach OSS over PrivateLink with a CNAME'] },
      ],
    },
    {
      reason: 'with the auth route gone (takeover) the collision only names the OSS fix',
      path: path({}, { authDomainTakeover: true }),
      live: evidence({ sourceVpc: { found: true, cidrs: ['172.16.0.0/12', '100.100.0.0/16'] } }),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-live-cidr-collision', severity: 'error', includes: ['100.100.0.0/16', 'for the OSS route'] },
      ],
    },
    {
      reason: 'no collision when no service route is needed',
      path: path({ routes: { auth: false, oss: false } }),
      live: evidence({ sourceVpc: { found: true, cidrs: ['100.64.0.0/10'] } }),
      want: [{ id: 'cross-region-cost', severity: 'info' }],
    },
    {
      reason: 'a Basic Edition router found live is an error: Enterprise is required',
      path: path(),
      live: evidence({ sourceRouter: { found: true, type: 'Basic', region: SH }, attachments: { sourceVpc: false, peer: false, targetVpc: true } }),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-basic-transit-router', severity: 'error', includes: ['Basic Edition', 'Enterprise Edition transit router is required'] },
        { id: 'cross-region-attachment-missing', severity: 'error', includes: ['vpc-uf6example is not attached'] },
        { id: 'cross-region-attachment-missing', severity: 'error', includes: ['no inter-region connection'] },
      ],
    },
    {
      reason: 'missing VPC, router in the wrong region and an unknown router are each named',
      path: path(),
      live: evidence({ sourceVpc: { found: false }, targetRouter: { found: false }, sourceRouter: { found: true, type: 'Enterprise', region: 'cn-beijing' } }),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-source-vpc-missing', severity: 'error', includes: ['vpc-uf6example'] },
        { id: 'cross-region-transit-router-region', severity: 'error', includes: ['cn-beijing'] },
        { id: 'cross-region-transit-router-missing', severity: 'error', includes: ['tr-bp1example'] },
      ],
    },
    {
      reason: 'a source VPC whose CIDR contains the instance\'s live VPC address is an error',
      path: path(),
      live: evidence({ sourceVpc: { found: true, cidrs: ['10.0.0.0/8'] } }),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-source-contains-address', severity: 'error', includes: ['10.0.0.0/8', "the instance's VPC address", '10.0.0.7', 'acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com'] },
      ],
    },
    {
      reason: 'inside 100.0.0.0/8 the collision finding (with its fixes) stands for the auth and OSS addresses it contains',
      path: path(),
      live: evidence({ sourceVpc: { found: true, cidrs: ['100.96.0.0/11'] } }),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-live-cidr-collision', severity: 'error', includes: ['100.96.0.0/11'] },
      ],
    },
    {
      reason: 'a source VPC CIDR containing a declared service address outside 100.0.0.0/8 is an error naming the address',
      path: path({ addresses: { auth: '172.31.0.5', oss: '100.118.28.43' } }),
      live: evidence({ sourceVpc: { found: true, cidrs: ['172.16.0.0/12'] } }),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-source-contains-address', severity: 'error', includes: ['172.16.0.0/12', 'the auth service address 172.31.0.5'] },
      ],
    },
    {
      reason: 'an address that is not routed (OSS over PrivateLink) is not checked against the source CIDRs',
      path: path({ routes: { oss: false } }, { authDomainTakeover: true }),
      live: evidence({ sourceVpc: { found: true, cidrs: ['100.118.0.0/16'] } }),
      want: [{ id: 'cross-region-cost', severity: 'info' }],
    },
    {
      reason: 'a route table that is not in the source VPC is an error',
      path: path(),
      live: evidence({ routeTable: { found: false } }),
      want: [
        { id: 'cross-region-cost', severity: 'info' },
        { id: 'cross-region-route-table-missing', severity: 'error', includes: ['vtb-uf6example'] },
      ],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const got = pathFindings(c.path, c.live);
      expect(got.map((f) => `${f.id}:${f.severity}`)).toEqual(c.want.map((w) => `${w.id}:${w.severity}`));
      c.want.forEach((w, i) => {
        for (const s of w.includes ?? []) expect(got[i]!.message).toContain(s);
        expect(got[i]!.where).toBe('cross-region[sh-to-hz]');
      });
    });
  }
});

describe('outputs of a path', () => {
  const cases: { reason: string; access?: Record<string, unknown>; instance?: Record<string, unknown>; live?: AccessEvidence; hosts: string[] }[] = [
    {
      reason: 'three hosts lines from the live instance id and link address and the declared service addresses',
      live: evidence({}),
      hosts: ['10.0.0.7 acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com', '100.103.7.181 dockerauth-vpc.cn-hangzhou.aliyuncs.com', '100.118.28.43 cri-abc-registry.oss-cn-hangzhou-internal.aliyuncs.com'],
    },
    {
      reason: 'before the instance exists its address and id are known after apply',
      live: evidence({ instance: {} }),
      hosts: [
        '(known after apply) acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com',
        '100.103.7.181 dockerauth-vpc.cn-hangzhou.aliyuncs.com',
        '100.118.28.43 <instance id (known after apply)>-registry.oss-cn-hangzhou-internal.aliyuncs.com',
      ],
    },
    {
      reason: 'an instance address override wins; takeover and PrivateLink turn the other two into comments',
      access: { addresses: { instance: '10.9.9.9' }, routes: { oss: false } },
      instance: { authDomainTakeover: true },
      live: evidence({}),
      hosts: [
        '10.9.9.9 acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com',
        '# dockerauth-vpc.cn-hangzhou.aliyuncs.com: not needed: instance hz-main answers auth itself (authDomainTakeover)',
        '# cri-abc-registry.oss-cn-hangzhou-internal.aliyuncs.com: resolved through your PrivateLink CNAME (routes.oss: false)',
      ],
    },
    {
      reason: 'a custom OSS bucket names the OSS host, before and after the instance exists',
      instance: { ossBucket: 'acme-images' },
      live: evidence({ instance: {} }),
      hosts: [
        '(known after apply) acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com',
        '100.103.7.181 dockerauth-vpc.cn-hangzhou.aliyuncs.com',
        '100.118.28.43 acme-images.oss-cn-hangzhou-internal.aliyuncs.com',
      ],
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const outs = pathOutputs(accessPaths(config(c.access, c.instance))[0]!, c.live);
      expect(outs.map((o) => o.id)).toEqual(['cross-region[sh-to-hz].hosts', 'cross-region[sh-to-hz].private-zone']);
      expect(outs[0]!.lines).toEqual(c.hosts);
      expect(outs[1]!.lines).toEqual(c.hosts.map((l) => (l.startsWith('#') ? l : `A ${l}`)));
    });
  }
});

describe('planning examples/cross-region-access against the emulator', () => {
  let estate: Estate | undefined;
  afterEach(async () => {
    await estate?.close();
    estate = undefined;
  });
  const kinds = allKinds;
  const actionIds = (p: Plan) => p.actions.map((a) => `${a.type} ${a.id}`);
  const errors = (p: Plan) => p.findings.filter((f) => f.severity === 'error');

  async function start() {
    const clock = testClock();
    estate = await startEstate({ prod: UID }, { emulator: { now: () => clock.now } });
    return { clock, estate };
  }

  it('plans the four routes, applies them, and then plans nothing; outputs carry the live addresses', async () => {
    const { clock, estate } = await start();
    const seeded = await seedCrossRegion(estate, clock);
    const cfg = exampleConfig(seeded);
    const plan = await planFor(cfg, estate.session, kinds);
    expect(errors(plan)).toEqual([]);
    const routes = plan.actions.filter((a) => a.kind === 'vpc-route' || a.kind === 'tr-route');
    expect(routes.map((a) => `${a.type} ${a.id}`)).toEqual([
      'create cross-region[sh-to-hz].tr-route[source]',
      'create cross-region[sh-to-hz].tr-route[target]',
      'create cross-region[sh-to-hz].vpc-route[auth]',
      'create cross-region[sh-to-hz].vpc-route[oss]',
    ]);
    expect(plan.findings.map((f) => f.id)).toContain('cross-region-cost');
    const hosts = plan.outputs.find((o) => o.id === 'cross-region[sh-to-hz].hosts')!;
    expect(hosts.lines).toEqual([
      `${seeded.instanceIp} acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com`,
      '100.103.7.181 dockerauth-vpc.cn-hangzhou.aliyuncs.com',
      `100.118.28.43 ${seeded.instanceId}-registry.oss-cn-hangzhou-internal.aliyuncs.com`,
    ]);
    expect(plan.outputs.find((o) => o.id === 'cross-region[sh-to-hz].private-zone')!.lines[0]).toBe(`A ${seeded.instanceIp} acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com`);

    const { result, events } = await applyPlan(plan, kinds, estate.session, { clock });
    const failed = events.filter((e) => e.code === 'action.failed');
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(result).toBeDefined();

    const again = await planFor(cfg, estate.session, kinds);
    expect(actionIds(again)).toEqual([]);
    expect(errors(again)).toEqual([]);

    // acrctl destroy deletes the four routes before the instance they need.
    const destroy = await computeDestroyPlan({
      config: cfg,
      configDigest: 'd'.repeat(64),
      configFile: 'registry.yaml',
      kinds,
      cloud: estate.session,
      sha256: (s) => createHash('sha256').update(s).digest('hex'),
    });
    const routeDeletes = destroy.actions.filter((a) => a.kind === 'vpc-route' || a.kind === 'tr-route');
    expect(routeDeletes.map((a) => `${a.type} ${a.id}`)).toEqual([
      'delete cross-region[sh-to-hz].tr-route[source]',
      'delete cross-region[sh-to-hz].tr-route[target]',
      'delete cross-region[sh-to-hz].vpc-route[auth]',
      'delete cross-region[sh-to-hz].vpc-route[oss]',
    ]);
    const instanceDelete = destroy.actions.find((a) => a.id === 'instance[hz-main]')!;
    expect(instanceDelete.dependsOn).toEqual(expect.arrayContaining(routeDeletes.map((a) => a.id)));
  });

  it('a Basic Edition source router found live is an error finding', async () => {
    const { clock, estate } = await start();
    const seeded = await seedCrossRegion(estate, clock, { basicSource: true });
    const plan = await planFor(exampleConfig(seeded), estate.session, kinds);
    const basic = errors(plan).find((f) => f.id === 'cross-region-basic-transit-router');
    expect(basic?.message).toContain(seeded.shRouter);
    expect(basic?.message).toContain('Enterprise Edition transit router is required');
  });

  it('a source VPC in 100.64.0.0/10 is a collision naming the fixes', async () => {
    const { clock, estate } = await start();
    const seeded = await seedCrossRegion(estate, clock, { sourceCidr: '100.64.0.0/10' });
    // The example declares cidrs: [10.20.0.0/16]; the live VPC says otherwise, and only the planner sees it.
    const plan = await planFor(exampleConfig(seeded), estate.session, kinds);
    const collision = errors(plan).find((f) => f.id === 'cross-region-live-cidr-collision');
    expect(collision?.message).toContain('100.64.0.0/10');
    expect(collision?.message).toContain('authDomainTakeover');
    expect(collision?.message).toContain('PrivateLink with a CNAME');
  });

  it('routes.auth false plans no auth route, and the instance not bought yet leaves addresses for after apply', async () => {
    const { clock, estate } = await start();
    const seeded = await seedCrossRegion(estate, clock, { noInstance: true });
    const cfg = exampleConfig(seeded, (y) => y.replace('auth: true', 'auth: false'));
    const plan = await planFor(cfg, estate.session, kinds);
    const routeIds = plan.actions.filter((a) => a.kind === 'vpc-route').map((a) => a.id);
    expect(routeIds).toEqual(['cross-region[sh-to-hz].vpc-route[oss]']);
    const oss = plan.actions.find((a) => a.id === 'cross-region[sh-to-hz].vpc-route[oss]')!;
    expect(oss.dependsOn).toContain('instance[hz-main]');
    expect(oss.dependsOn).toContain('instance[hz-main].vpc-link[vpc-bp1example/vsw-bp1example]');
    const hosts = plan.outputs.find((o) => o.id === 'cross-region[sh-to-hz].hosts')!;
    expect(hosts.lines[0]).toBe('(known after apply) acme-hz-registry-vpc.cn-hangzhou.cr.aliyuncs.com');
    expect(hosts.lines[2]).toContain('<instance id (known after apply)>-registry.oss-cn-hangzhou-internal.aliyuncs.com');
  });
});
