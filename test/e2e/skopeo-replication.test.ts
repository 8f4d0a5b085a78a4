/**
 * Replication between two accounts with a real registry client: skopeo pushes images into the source
 * instance (account prod), `acrctl apply` (bin/acrctl.js, against an emulator over HTTP) creates the
 * cross-account role, the sync rule and the backfill tasks, and skopeo pulls from the target instance
 * (account partner) and compares every manifest and blob byte for byte. Backfill copies the newest
 * matching tags that predate the rule; the rule copies a tag pushed after it; tags outside the
 * filter, or older than the newest N, stay behind. Skipped (with the reason in its title) without skopeo.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runBin } from '../support/cli.js';
import {
  eeRegistry,
  hasSkopeo,
  listTags,
  makeImage,
  makeIndex,
  makeLayer,
  pullProblems,
  pushArtifact,
  SKOPEO_SKIP_REASON,
  type Artifact,
  type Registry,
} from '../support/images.js';

const PROD = '1111222233334444';
const PARTNER = '5555666677778888';

const INSTANCES = `version: 1
accounts:
  prod: { uid: "${PROD}" }
  partner: { uid: "${PARTNER}" }
instances:
  src:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: skopeo-src
    namespaces:
      team-a: { autoCreateRepo: true }
RULE
  dst:
    account: partner
    region: cn-beijing
    edition: Basic
    name: skopeo-dst
    namespaces:
      team-a: { autoCreateRepo: true }
`;

const RULE = `    replication:
      - name: team-a-to-partner
        to: dst
        level: namespace
        namespace: team-a
        tagFilter: "v[0-9]+"
        trigger: automatic
        backfill: { latest: 2 }`;

describe.skipIf(!hasSkopeo)(`skopeo: cross-account sync rule and backfill${SKOPEO_SKIP_REASON}`, () => {
  let t: TestEmulator;
  let cwd: string;
  let src: Registry;
  let dst: Registry;
  const base = makeLayer('replication-base', 60_000);
  const images: Record<string, Artifact> = {
    'api:v1': makeImage('api-v1', { shared: [base] }),
    'api:rc-9': makeImage('api-rc-9', { shared: [base] }),
    'api:v2': makeImage('api-v2', { shared: [base], format: 'docker' }),
    'api:v3': makeIndex([makeImage('api-v3-amd64', { shared: [base] }), makeImage('api-v3-arm64', { shared: [base], arch: 'arm64' })]),
    'web:v1': makeImage('web-v1', { shared: [base], layers: 3 }),
    'api:v4': makeImage('api-v4', { shared: [base] }),
  };
  const acrctl = (args: string[]) => runBin([...args, '--endpoint', t.url], { cwd, timeoutMs: 120_000 });

  async function instanceId(keys: AccountKeys, region: string, name: string): Promise<string> {
    const body = (await t.callRpc('cr', region, 'ListInstance', { InstanceName: name }, keys)) as { Instances: { InstanceId: string; InstanceName: string }[] };
    const found = body.Instances.find((i) => i.InstanceName === name);
    if (found === undefined) throw new Error(`no instance ${name}`);
    return found.InstanceId;
  }

  beforeAll(async () => {
    t = await startTestEmulator();
    cwd = mkdtempSync(join(tmpdir(), 'acrctl-e2e-skopeo-repl-'));
    writeFileSync(join(cwd, 'instances.yaml'), INSTANCES.replace('RULE\n', ''));
    writeFileSync(join(cwd, 'registry.yaml'), INSTANCES.replace('RULE', RULE));
    const first = await acrctl(['apply', '-f', 'instances.yaml', '--auto-approve']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const prod = await t.account(PROD);
    const partner = await t.account(PARTNER);
    src = await eeRegistry(t, prod, 'cn-hangzhou', await instanceId(prod, 'cn-hangzhou', 'skopeo-src'), join(cwd, 'auth.json'));
    dst = await eeRegistry(t, partner, 'cn-beijing', await instanceId(partner, 'cn-beijing', 'skopeo-dst'), join(cwd, 'auth.json'));
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('backfills the newest matching tags, replicates a later push, and the target serves the same bytes', async () => {
    // Pushed before the rule exists, oldest first.
    for (const ref of ['api:v1', 'api:rc-9', 'api:v2', 'api:v3', 'web:v1']) await pushArtifact(cwd, src, `team-a/${ref}`, images[ref]!);
    const plan = await acrctl(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    for (const ref of ['api:v2', 'api:v3', 'web:v1']) expect(plan.stdout).toContain(`backfill[team-a/${ref}]`);
    expect(plan.stdout).not.toContain('backfill[team-a/api:v1]');
    expect(plan.stdout).not.toContain('backfill[team-a/api:rc-9]');

    const apply = await acrctl(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Verified: a new plan shows no changes.');

    // After the rule: an automatic sync task copies it once it settles on the emulated clock.
    await pushArtifact(cwd, src, 'team-a/api:v4', images['api:v4']!);
    await t.admin('POST', '/_emulator/clock', { advanceMs: 60_000 });

    expect(await listTags(dst, 'team-a/api')).toEqual(['v2', 'v3', 'v4']);
    expect(await listTags(dst, 'team-a/web')).toEqual(['v1']);
    for (const ref of ['api:v2', 'api:v3', 'api:v4', 'web:v1']) {
      expect(await pullProblems(cwd, dst, `team-a/${ref}`, images[ref]!), ref).toEqual([]);
    }
    const again = await acrctl(['plan', '--detailed-exitcode']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 240_000);
});
