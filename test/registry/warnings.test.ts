/**
 * No stray output from the copier (issue 15 item 2): a 50-image import through `acrctl apply`
 * against the emulator emits no process warning (it used to print `MaxListenersExceededWarning:
 * Possible EventTarget memory leak detected. 11 abort listeners added to [AbortSignal]`, which on a
 * terminal also broke the live view), and a copier leaves no listener on the run's signal once its
 * copies are done, however many blobs were in flight at once.
 */
import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageCopier } from '../../src/registry/copy.js';
import { registryClients } from '../../src/registry/session.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';
import { makeImage, peLogin, pushImage, RegistryClient, registryOf } from '../emulator/registry/client.js';
import { pushImage as pushTo, startEstate, type Estate } from './setup.js';

const UID = '1234567890123456';
const HZ = 'cn-hangzhou';

/** Collects the process warnings emitted while `fn` runs. */
async function warningsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error): void => {
    seen.push(`${w.name}: ${w.message}`);
  };
  process.on('warning', onWarning);
  try {
    await fn();
    // Warnings are emitted on the next tick: let them arrive.
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

describe('a 50-image import through acrctl apply', () => {
  let t: TestEmulator;
  let cwd: string;
  beforeAll(async () => {
    t = await startTestEmulator();
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-warnings-'));
    await t.account(UID);
    await t.admin('POST', '/_emulator/vpc/vpcs', { accountUid: UID, regionId: HZ, cidrBlock: '10.0.0.0/16', vpcId: 'vpc-bp1warn', vpcName: 'registry' });
    await t.admin('POST', '/_emulator/vpc/vswitches', { accountUid: UID, regionId: HZ, vpcId: 'vpc-bp1warn', zoneId: 'cn-hangzhou-j', cidrBlock: '10.0.0.0/24', vSwitchId: 'vsw-bp1warn' });
    await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: HZ, namespaces: [{ name: 'team-a', autoCreate: true }] });
    const pe = new RegistryClient(await registryOf(t, `personal=${HZ}`), await peLogin(t, await t.account(UID), HZ));
    const base = makeImage('warn-base', { layers: 1, layerBytes: 4_000 }).layers;
    for (let r = 0; r < 5; r++) {
      for (let k = 0; k < 10; k++) await pushImage(pe, `team-a/app${r}`, makeImage(`app${r}:v${k}`, { shared: base, layers: 3, layerBytes: 2_000 }), `v${k}`);
    }
    writeFileSync(
      join(cwd, 'registry.yaml'),
      `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: ${HZ}
    edition: Advanced
    name: acme-hz
    vpcEndpoints: [{ vpc: vpc-bp1warn, vswitch: vsw-bp1warn }]
    copyEndpoint: vpc
    namespaces:
      team-a: { autoCreateRepo: true }
    imports:
      - { from: personal, namespace: team-a, latest: 100 }
`,
    );
  });
  afterAll(async () => {
    await t.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints no process warning and imports every image', async () => {
    let r: Awaited<ReturnType<typeof runCli>> | undefined;
    const warnings = await warningsDuring(async () => {
      r = await runCli(['apply', '--auto-approve', '--no-verify', '--endpoint', t.url], { cwd });
    });
    expect(r?.code, `${r?.stdout}\n${r?.stderr}`).toBe(0);
    expect(r?.stdout).toContain('Images: 50 (50 succeeded, 0 failed, 0 skipped)');
    expect(warnings).toEqual([]);
    expect(r?.stderr).not.toMatch(/Warning/);
  }, 60_000);
});

describe('the copier and the run signal', () => {
  let e: Estate;
  beforeAll(async () => {
    e = await startEstate();
  });
  afterAll(async () => e.close());

  it('adds at most one listener to the signal, and none is left once the copies are done', async () => {
    const src = await e.client(e.pe);
    const images = Array.from({ length: 12 }, (_, i) => makeImage(`listeners-${i}`, { layers: 4, layerBytes: 3_000 }));
    for (const [i, img] of images.entries()) await pushTo(src, 'legacy/listeners', img, `v${i}`);
    const abort = new AbortController();
    const clients = registryClients(e.cloud);
    const copier = new ImageCopier(clients, { signal: abort.signal, concurrency: 16 });
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, getEventListeners(abort.signal, 'abort').length)), 1);
    const warnings = await warningsDuring(async () => {
      const results = await Promise.all(
        images.map((_, i) => copier.copy({ target: e.pe, image: { repo: 'legacy/listeners', reference: `v${i}` } }, { target: e.hz, repo: 'team-a/listeners', tag: `v${i}` }, { overwrite: false })),
      );
      expect(results.map((x) => x.outcome)).toEqual(images.map(() => 'copied'));
    });
    clearInterval(watch);
    clients.close();
    expect(warnings).toEqual([]);
    expect(most).toBeLessThanOrEqual(1);
    expect(getEventListeners(abort.signal, 'abort')).toEqual([]);
  });
});
