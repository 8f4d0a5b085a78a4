/**
 * Shared set-up of the copy engine tests: a real emulator on loopback with one account, a Personal
 * Edition estate in cn-hangzhou, two EE instances (same account, two regions), a CloudSession wired
 * to the emulator the way acrctl wires it, and helpers to push and read images with the test client.
 */
import type { AccountKeys } from '../../src/emulator/core/contract.js';
import { emulatorEndpoints } from '../../src/cloud/endpoints.js';
import { CloudSession } from '../../src/cloud/session.js';
import type { RegistryTarget } from '../../src/registry/types.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { buyInstance, startCrEmulator } from '../emulator/cr/setup.js';
import { createNamespace, eeLogin, peLogin, pushImage, RegistryClient, registryOf, sha, type TestImage } from '../emulator/registry/client.js';

export const HZ = 'cn-hangzhou';
export const BJ = 'cn-beijing';
export const UID = '1000000000000001';

export interface Estate {
  readonly t: TestEmulator;
  readonly keys: AccountKeys;
  readonly cloud: CloudSession;
  /** Personal Edition registry of cn-hangzhou (namespaces `legacy`, `old`). */
  readonly pe: RegistryTarget;
  /** EE instance `acme-hz` in cn-hangzhou (namespaces `team-a`, `team-b`, `locked` without auto-create). */
  readonly hz: RegistryTarget;
  /** EE instance `acme-bj` in cn-beijing (namespace `team-a`). */
  readonly bj: RegistryTarget;
  /** A test client logged in to a target (for pushing fixtures and reading results). */
  client(target: RegistryTarget): Promise<RegistryClient>;
  close(): Promise<void>;
}

export async function startEstate(): Promise<Estate> {
  const { t, clock } = await startCrEmulator();
  const keys = await t.account(UID);
  await t.admin('POST', '/_emulator/crpe/estates', {
    uid: UID,
    region: HZ,
    namespaces: [
      { name: 'legacy', autoCreate: true, defaultVisibility: 'PRIVATE' },
      { name: 'old', autoCreate: true, defaultVisibility: 'PRIVATE' },
    ],
  });
  const hzId = await buyInstance(t, clock, keys, HZ, 'acme-hz');
  const bjId = await buyInstance(t, clock, keys, BJ, 'acme-bj');
  await createNamespace(t, keys, HZ, hzId, 'team-a');
  await createNamespace(t, keys, HZ, hzId, 'team-b');
  await createNamespace(t, keys, HZ, hzId, 'locked', false);
  await createNamespace(t, keys, BJ, bjId, 'team-a');
  const cloud = new CloudSession({
    accounts: { prod: { uid: UID, credentials: { kind: 'static', accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret } } },
    endpoints: emulatorEndpoints(t.url),
  });
  const pe: RegistryTarget = { kind: 'pe', account: 'prod', region: HZ };
  const hz: RegistryTarget = { kind: 'ee', account: 'prod', region: HZ, instanceId: hzId, instanceName: 'acme-hz' };
  const bj: RegistryTarget = { kind: 'ee', account: 'prod', region: BJ, instanceId: bjId, instanceName: 'acme-bj' };
  const clients = new Map<string, RegistryClient>();
  return {
    t,
    keys,
    cloud,
    pe,
    hz,
    bj,
    async client(target) {
      const key = target.kind === 'ee' ? target.instanceId : `pe:${target.region}`;
      let c = clients.get(key);
      if (c === undefined) {
        c =
          target.kind === 'ee'
            ? new RegistryClient(await registryOf(t, `instance=${target.instanceId}`), await eeLogin(t, keys, target.region, target.instanceId))
            : new RegistryClient(await registryOf(t, `personal=${target.region}`), await peLogin(t, keys, target.region));
        clients.set(key, c);
      }
      return c;
    },
    async close() {
      await cloud.close();
      await t.close();
    },
  };
}

export { pushImage, sha };

/** Reads a manifest back: status, bytes and digest header. */
export async function readManifest(c: RegistryClient, name: string, ref: string): Promise<{ status: number; bytes: Buffer; digest: string | null }> {
  const r = await c.getManifest(name, ref);
  return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()), digest: r.headers.get('docker-content-digest') };
}

/** Every blob of a test image, byte for byte, in `name`. */
export async function blobsMatch(c: RegistryClient, name: string, img: TestImage): Promise<boolean> {
  for (const b of [img.config, ...img.layers]) {
    const r = await c.getBlob(name, sha(b));
    if (r.status !== 200) return false;
    if (!Buffer.from(await r.arrayBuffer()).equals(b)) return false;
  }
  return true;
}
