/**
 * The net+ram state survives a restart from the state file: RAM roles and policy versions, seeded
 * VPCs, CBN objects, and lifecycles, whose statuses keep being derived from the clock afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestEmulator } from '../../helpers/emulator.js';
import { seedVpc } from '../vpc/seed.js';

const dir = mkdtempSync(join(tmpdir(), 'acrctl-net-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('net+ram persistence across a restart', () => {
  it('restores RAM, VPC, CBN and PrivateZone state; a Creating CEN becomes Active after the restart', async () => {
    const stateFile = join(dir, 'state.json');
    const clock = { t: Date.now() };
    const opts = { stateFile, now: () => clock.t, async: { cbnTransition: 1000 } };
    const UID = '5000000000000001';
    const first = await startTestEmulator(opts);
    const keys = await first.account(UID);
    await first.callRpc('ram', 'global', 'CreateRole', { RoleName: 'kept', AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { RAM: [`acs:ram::${UID}:root`] } }] }) }, keys);
    await first.callRpc('ram', 'global', 'CreatePolicy', { PolicyName: 'kept-p', PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:*', Resource: '*' }] }) }, keys);
    await first.callRpc('ram', 'global', 'CreatePolicyVersion', { PolicyName: 'kept-p', PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:Get*', Resource: '*' }] }) }, keys);
    const vpc = await seedVpc(first, UID, 'cn-hangzhou');
    const cenId = (await first.callRpc('cbn', 'global', 'CreateCen', { Name: 'kept' }, keys))['CenId'];
    const zoneId = (await first.callRpc('pvtz', 'global', 'AddZone', { ZoneName: 'kept.example.com' }, keys))['ZoneId'];
    await first.close();

    const second = await startTestEmulator(opts);
    try {
      const role = await second.callRpc('ram', 'global', 'GetRole', { RoleName: 'kept' }, keys);
      expect((role['Role'] as { RoleName: string }).RoleName).toBe('kept');
      const versions = await second.callRpc('ram', 'global', 'ListPolicyVersions', { PolicyName: 'kept-p', PolicyType: 'Custom' }, keys);
      expect((versions['PolicyVersions'] as { PolicyVersion: { VersionId: string }[] }).PolicyVersion.map((v) => v.VersionId)).toEqual(['v1', 'v2']);
      // version ids stay monotonic after the restart
      const v3 = await second.callRpc('ram', 'global', 'CreatePolicyVersion', { PolicyName: 'kept-p', PolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'cr:List*', Resource: '*' }] }) }, keys);
      expect((v3['PolicyVersion'] as { VersionId: string }).VersionId).toBe('v3');
      const vpcs = await second.callRpc('vpc', 'cn-hangzhou', 'DescribeVpcs', { RegionId: 'cn-hangzhou' }, keys);
      expect((vpcs['Vpcs'] as { Vpc: { VpcId: string }[] }).Vpc.map((v) => v.VpcId)).toEqual([vpc.vpcId]);
      const cens = async () => (await second.callRpc('cbn', 'global', 'DescribeCens', {}, keys))['Cens'] as { Cen: { CenId: string; Status: string }[] };
      expect((await cens()).Cen).toEqual([expect.objectContaining({ CenId: cenId, Status: 'Creating' })]);
      clock.t += 1000;
      expect((await cens()).Cen).toEqual([expect.objectContaining({ CenId: cenId, Status: 'Active' })]);
      const zone = await second.callRpc('pvtz', 'global', 'DescribeZoneInfo', { ZoneId: zoneId }, keys);
      expect(zone['ZoneName']).toBe('kept.example.com');
    } finally {
      await second.close();
    }
  });
});
