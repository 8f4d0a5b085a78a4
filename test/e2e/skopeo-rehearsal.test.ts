/**
 * Rehearsing the cut-over offline (seed 000, issue 11): with Personal Edition domain support on for
 * an instance, the region's Personal Edition registry routes each request by namespace: a namespace
 * that exists in the instance is served by it (push and pull), any other by Personal Edition.
 * skopeo pushes through the Personal Edition host before and after the switch, and the test looks
 * where each image landed (registry protocol on both sides, and the control planes' tag lists).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';
import { eeRegistry, hasSkopeo, listTags, makeImage, peRegistry, pushArtifact, rawManifest, SKOPEO_SKIP_REASON, writeAuthFile, type Registry } from '../support/images.js';

const UID = '3333444455556666';
const REGION = 'cn-hangzhou';

describe.skipIf(!hasSkopeo)(`skopeo: the Personal Edition host before and after the domain switch${SKOPEO_SKIP_REASON}`, () => {
  let t: TestEmulator;
  let keys: AccountKeys;
  let work: string;
  let pe: Registry;
  let instanceId: string;

  beforeAll(async () => {
    t = await startTestEmulator();
    keys = await t.account(UID);
    work = mkdtempSync(join(tmpdir(), 'acrctl-e2e-rehearsal-'));
    await t.admin('POST', '/_emulator/crpe/estates', { uid: UID, region: REGION, namespaces: [{ name: 'shop', autoCreate: true }, { name: 'tools', autoCreate: true }] });
    // The instance has namespace shop (the one being migrated), not tools.
    writeFileSync(
      join(work, 'registry.yaml'),
      `version: 1
accounts:
  prod: { uid: "${UID}" }
instances:
  hz:
    account: prod
    region: ${REGION}
    edition: Advanced
    name: rehearsal-hz
    namespaces:
      shop: { autoCreateRepo: true }
`,
    );
    const r = await runCli(['apply', '--auto-approve', '--endpoint', t.url], { cwd: work });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    instanceId = ((await t.callRpc('cr', REGION, 'ListInstance', { InstanceName: 'rehearsal-hz' }, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!.InstanceId;
    // The Personal Edition public host, as a client reaches it (the door that routes by namespace).
    pe = await peRegistry(t, keys, REGION, join(work, 'pe-auth.json'), 'internet');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function eeTags(repo: string): Promise<string[]> {
    try {
      const b = (await t.callRpc('cr', REGION, 'ListRepository', { InstanceId: instanceId, RepoNamespaceName: 'shop', RepoName: repo }, keys)) as { Repositories?: { RepoId: string; RepoName: string }[] };
      const found = (b.Repositories ?? []).find((x) => x.RepoName === repo);
      if (found === undefined) return [];
      const tags = (await t.callRpc('cr', REGION, 'ListRepoTag', { InstanceId: instanceId, RepoId: found.RepoId }, keys)) as { Images?: { Tag: string }[] };
      return (tags.Images ?? []).map((i) => i.Tag).sort();
    } catch {
      return [];
    }
  }

  it('routes by namespace once the switch is on: the instance serves its namespaces, Personal Edition the others', async () => {
    const before = makeImage('rehearsal-web-v1');
    const after = makeImage('rehearsal-web-v2');
    const tool = makeImage('rehearsal-tool-v1');

    // Before the switch: the Personal Edition host is Personal Edition's.
    await pushArtifact(work, pe, 'shop/web:v1', before);
    expect(await listTags(pe, 'shop/web')).toEqual(['v1']);
    expect(await eeTags('web')).toEqual([]);

    // The vendor allow-lists the instance and a human turns the switch on.
    await t.admin('POST', `/_emulator/cr/instances/${instanceId}/allowlist`, { allowListed: true });
    await t.admin('POST', `/_emulator/cr/instances/${instanceId}/switches`, { personalEditionDomain: true });

    // After: shop exists in the instance, so the same host and the same login now reach the instance.
    await pushArtifact(work, pe, 'shop/web:v2', after);
    expect(await eeTags('web')).toEqual(['v2']);
    expect(await listTags(pe, 'shop/web')).toEqual(['v2']); // what the host shows now is the instance's
    // shop/web:v1 was never copied: through the Personal Edition host it is gone (why the data goes first).
    await expect(rawManifest(pe, 'shop/web:v1')).rejects.toThrow();
    const ee = await eeRegistry(t, keys, REGION, instanceId, join(work, 'ee-auth.json'));
    expect((await rawManifest(ee, 'shop/web:v2')).equals(after.manifest)).toBe(true);

    // tools is not a namespace of the instance: Personal Edition still serves it.
    await pushArtifact(work, pe, 'tools/cli:v1', tool);
    expect((await rawManifest(pe, 'tools/cli:v1')).equals(tool.manifest)).toBe(true);
    const estate = (await t.callRoa(REGION, 'GetRepoTags', 'GET', '/repos/tools/cli/tags', keys)) as { data?: { tags?: { tag: string }[] } };
    expect((estate.data?.tags ?? []).map((x) => x.tag)).toEqual(['v1']);

    // The instance's own login works through the Personal Edition host too (seed 000, step 3).
    const eeLoginOnPe: Registry = { host: pe.host, authfile: ee.authfile.replace('ee-auth', 'ee-on-pe-auth') };
    const token = (await t.callRpc('cr', REGION, 'GetAuthorizationToken', { InstanceId: instanceId }, keys)) as { TempUsername: string; AuthorizationToken: string };
    await writeAuthFile(eeLoginOnPe.authfile, pe.host, { username: token.TempUsername, password: token.AuthorizationToken });
    expect((await rawManifest(eeLoginOnPe, 'shop/web:v2')).equals(after.manifest)).toBe(true);
  }, 180_000);
});
