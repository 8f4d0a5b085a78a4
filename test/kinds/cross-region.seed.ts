/**
 * The estate of examples/cross-region-access, seeded into an emulator for the cross-region kinds'
 * tests: a Shanghai source VPC with a custom route table, the instance's Hangzhou VPC, a CEN with two
 * Enterprise transit routers (or a Basic one), both VPCs attached and an inter-region connection,
 * and the instance acme-hz RUNNING with its VPC endpoint link. VPCs through the VPC admin API (acrctl
 * never creates them), everything else through the product APIs with the real CloudSession.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { validateSource } from '../../src/config/load.js';
import type { RegistryDocument } from '../../src/config/model.js';
import type { Estate } from '../support/estate.js';
import { buyInstance, type TestClock } from '../support/exec.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageReferences } from '../../src/kinds/language.js';

/** Every kind's reference checks, as the CLI runs them. */
const REFS = languageReferences(allKinds);

export const UID = '1234567890123456';
export const SH = 'cn-shanghai';
export const HZ = 'cn-hangzhou';

export interface SeedOptions {
  /** CIDR of the Shanghai source VPC (default 10.20.0.0/16, as the example's `cidrs`). */
  readonly sourceCidr?: string;
  /** Seed the Shanghai router as a Basic Edition router (admin route; then it has no attachments). */
  readonly basicSource?: boolean;
  /** Skip the instance purchase and its VPC link. */
  readonly noInstance?: boolean;
}

export interface Seeded {
  readonly cenId: string;
  readonly shRouter: string;
  readonly hzRouter: string;
  readonly shAttachment?: string;
  readonly hzAttachment?: string;
  readonly peerAttachment?: string;
  readonly instanceId?: string;
  readonly instanceIp?: string;
}

async function admin(estate: Estate, path: string, body: unknown): Promise<Record<string, string>> {
  const r = await estate.t.admin<Record<string, string>>('POST', path, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function seedCrossRegion(estate: Estate, clock: TestClock, opts: SeedOptions = {}): Promise<Seeded> {
  const settle = () => clock.advance(10_000);
  const sourceCidr = opts.sourceCidr ?? '10.20.0.0/16';
  const base = sourceCidr.split('.').slice(0, 2).join('.');
  await admin(estate, '/_emulator/vpc/vpcs', { accountUid: UID, regionId: SH, cidrBlock: sourceCidr, vpcId: 'vpc-uf6example', vpcName: 'source' });
  await admin(estate, '/_emulator/vpc/vswitches', { accountUid: UID, regionId: SH, vpcId: 'vpc-uf6example', zoneId: `${SH}-a`, cidrBlock: `${base}.1.0/24`, vSwitchId: 'vsw-uf6example' });
  await admin(estate, '/_emulator/vpc/route-tables', { accountUid: UID, regionId: SH, vpcId: 'vpc-uf6example', routeTableId: 'vtb-uf6example', routeTableName: 'custom', vSwitchIds: ['vsw-uf6example'] });
  await admin(estate, '/_emulator/vpc/vpcs', { accountUid: UID, regionId: HZ, cidrBlock: '10.0.0.0/16', vpcId: 'vpc-bp1example', vpcName: 'registry' });
  await admin(estate, '/_emulator/vpc/vswitches', { accountUid: UID, regionId: HZ, vpcId: 'vpc-bp1example', zoneId: `${HZ}-j`, cidrBlock: '10.0.0.0/24', vSwitchId: 'vsw-bp1example' });

  const cbn = estate.session.cbn('prod');
  const cenId = (await cbn.createCen({ Name: 'main' })).CenId!;
  settle();
  let shRouter: string;
  if (opts.basicSource) {
    shRouter = (await admin(estate, '/_emulator/cbn/transit-routers', { accountUid: UID, cenId, regionId: SH, type: 'Basic' }))['TransitRouterId']!;
  } else {
    shRouter = (await cbn.createTransitRouter({ CenId: cenId, RegionId: SH })).TransitRouterId!;
  }
  const hzRouter = (await cbn.createTransitRouter({ CenId: cenId, RegionId: HZ })).TransitRouterId!;
  settle();
  const out: { -readonly [K in keyof Seeded]: Seeded[K] } = { cenId, shRouter, hzRouter };
  out.hzAttachment = (
    await cbn.createTransitRouterVpcAttachment({ TransitRouterId: hzRouter, VpcId: 'vpc-bp1example', ZoneMappings: [{ VSwitchId: 'vsw-bp1example', ZoneId: `${HZ}-j` }] })
  ).TransitRouterAttachmentId!;
  if (!opts.basicSource) {
    out.shAttachment = (
      await cbn.createTransitRouterVpcAttachment({ TransitRouterId: shRouter, VpcId: 'vpc-uf6example', ZoneMappings: [{ VSwitchId: 'vsw-uf6example', ZoneId: `${SH}-a` }] })
    ).TransitRouterAttachmentId!;
    settle();
    out.peerAttachment = (await cbn.createTransitRouterPeerAttachment({ TransitRouterId: shRouter, PeerTransitRouterId: hzRouter, PeerTransitRouterRegionId: HZ, CenId: cenId }))
      .TransitRouterAttachmentId!;
  }
  settle();

  if (!opts.noInstance) {
    out.instanceId = await buyInstance(estate, 'prod', HZ, 'acme-hz', 'Advanced', clock);
    settle();
    await estate.t.callRpc('cr', HZ, 'CreateInstanceVpcEndpointLinkedVpc', { InstanceId: out.instanceId, VpcId: 'vpc-bp1example', VswitchId: 'vsw-bp1example', ModuleName: 'Registry' }, estate.keys['prod']!);
    settle();
    const ep = await estate.t.callRpc('cr', HZ, 'GetInstanceVpcEndpoint', { InstanceId: out.instanceId, ModuleName: 'Registry' }, estate.keys['prod']!);
    out.instanceIp = (ep['LinkedVpcs'] as { Ip: string }[])[0]!.Ip;
  }
  return out;
}

/**
 * The example config with the generated CEN and router ids put in, after `edit` of the YAML text.
 * Fails the test on any error finding (lints included).
 */
export function exampleConfig(seeded: Pick<Seeded, 'cenId' | 'shRouter' | 'hzRouter'>, edit: (yaml: string) => string = (y) => y): RegistryDocument {
  const text = edit(
    readFileSync(new URL('../../examples/cross-region-access/registry.yaml', import.meta.url), 'utf8')
      .replace('cen-example01', seeded.cenId)
      .replace('tr-uf6example', seeded.shRouter)
      .replace('tr-bp1example', seeded.hzRouter),
  );
  const r = validateSource(text, 'registry.yaml', { references: REFS });
  const errors = r.findings.filter((f) => f.severity === 'error');
  expect(errors, JSON.stringify(errors)).toEqual([]);
  return r.document!;
}
