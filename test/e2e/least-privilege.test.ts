/**
 * Least privilege, proved against the emulator's RAM enforcement (issue 17). For every example:
 *
 * - every declared account is made RAM-enforced, and gets the credentials registry.yaml declares
 *   (a CLI profile or environment keys: a RAM user; `ramRoleArn`: that role, assumed with the
 *   account's root key) holding exactly the policy `acrctl policy --for <command> --format json` prints;
 * - acrctl runs with `--emulator-credentials declared`: apply (creating the estate; then, with an
 *   image pushed into every repository, once more with every repository's summary changed: the
 *   updates apply can make), then plan and drift with their own policies. Each succeeds;
 * - sufficient is not enough: each policy must be minimal. The emulator records what it authorised
 *   for each call of an enforced caller (action, resource ARNs); every statement removed, and every
 *   resource of every statement narrowed, must make one of those requests denied by RAM's own
 *   evaluation (the emulator's). A run with the smaller policy is the same run up to its first such
 *   request, which then fails. One removal is also run for real for plan (the first statement)
 *   and apply (the one allowing repository updates), and must fail with the product's permission
 *   error.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as RamSdk from '@alicloud/ram20150501';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicyDocument } from '../../src/emulator/services/ram/policy.js';
import { startTestEmulator, type ClientKeys, type TestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';
import { declaredEnv } from '../support/declared-env.js';
import { passGates } from '../support/gates.js';

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const EXAMPLES = readdirSync(examplesDir).filter((d) => existsSync(join(examplesDir, d, 'registry.yaml'))).sort();

type Command = 'apply' | 'plan' | 'drift';
interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
}
interface Doc {
  Version: string;
  Statement: Statement[];
}
interface PolicyOutput {
  accounts: { account: string; uid: string; policy: Doc; notes: string[] }[];
}
interface Config {
  accounts: Record<string, { uid: string; credentials?: { profile?: string; env?: string; ramRoleArn?: string } }>;
}
interface LogEntry {
  seq: number;
  accountUid: string;
  code: string | null;
  ram?: { action: string; resources: string[]; principal: string };
}

const CTX = { sourceIp: '127.0.0.1', secureTransport: false, currentTime: 0, accessId: '' };

/** Whether a document allows every resource of one recorded request, as the emulator judges. */
function allowed(doc: Doc, action: string, resources: readonly string[]): boolean {
  if (doc.Statement.length === 0) return false;
  const parsed = parsePolicyDocument(JSON.stringify(doc), 'permission');
  return resources.every((r) => evaluate([parsed], action, r, CTX) === 'Allow');
}

/** A narrower resource than `r`: its last wildcard made literal, or a suffix. */
function narrowed(r: string): string {
  const i = r.lastIndexOf('*');
  return i >= 0 ? `${r.slice(0, i)}narrowed${r.slice(i + 1)}` : `${r}-narrowed`;
}

/** The variants of a document that must each refuse something: one statement less, one resource narrowed. */
function smaller(doc: Doc): { what: string; doc: Doc }[] {
  const out: { what: string; doc: Doc }[] = [];
  doc.Statement.forEach((st, i) => {
    out.push({ what: `without statement ${i} (${st.Action.join(',')} on ${st.Resource.join(',')})`, doc: { ...doc, Statement: doc.Statement.filter((_, j) => j !== i) } });
    st.Resource.forEach((r, k) => {
      const narrower = { ...st, Resource: st.Resource.map((x, m) => (m === k ? narrowed(x) : x)) };
      out.push({ what: `statement ${i} with ${r} narrowed`, doc: { ...doc, Statement: doc.Statement.map((x, j) => (j === i ? narrower : x)) } });
    });
  });
  return out;
}

/** The declared credentials of every account, made real in the emulator with one command's policy. */
class Credentials {
  readonly env: Record<string, string> = {};
  readonly #profiles = new Map<string, ClientKeys>();
  readonly #roots = new Map<string, ClientKeys>();
  /** Principals made (`alias/name`), with the policy attached now ('' for none). */
  readonly #made = new Map<string, string>();
  readonly #keys = new Map<string, ClientKeys>();
  #n = 0;

  constructor(
    readonly t: TestEmulator,
    readonly config: Config,
    readonly home: string,
  ) {
    this.env['HOME'] = home;
    this.env['ALIBABA_CLOUD_ECS_METADATA_DISABLED'] = 'true';
  }

  async #root(uid: string): Promise<ClientKeys> {
    let k = this.#roots.get(uid);
    if (k === undefined) {
      k = (await this.t.admin<ClientKeys>('POST', '/_emulator/accounts', { uid, enforce: true })).body;
      this.#roots.set(uid, k);
    }
    return k;
  }

  /** Gives every account's declared principal exactly `docs[alias]` (replacing what it had). */
  async grant(command: Command, docs: ReadonlyMap<string, Doc>): Promise<void> {
    for (const [alias, a] of Object.entries(this.config.accounts).sort(([x], [y]) => (x < y ? -1 : 1))) {
      const root = await this.#root(a.uid);
      const ram = await this.t.ramClient(root);
      const c = a.credentials ?? {};
      const role = c.ramRoleArn?.replace(/^.*:role\//, '');
      const principal = role ?? `acrctl-${command}`;
      let keys: ClientKeys | undefined;
      const who = `${alias}/${principal}`;
      if (role !== undefined) {
        if (!this.#made.has(who)) {
          const trust = { Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${a.uid}:root`] } }] };
          await ram.createRole(new RamSdk.CreateRoleRequest({ roleName: role, assumeRolePolicyDocument: JSON.stringify(trust) }));
        }
        // The role is assumed with the account's root key (the default chain's environment keys).
        this.env['ALIBABA_CLOUD_ACCESS_KEY_ID'] = root.accessKeyId;
        this.env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] = root.accessKeySecret;
      } else if (!this.#made.has(who)) {
        await ram.createUser(new RamSdk.CreateUserRequest({ userName: principal }));
        const k = (await ram.createAccessKey(new RamSdk.CreateAccessKeyRequest({ userName: principal }))).body?.accessKey;
        keys = { accessKeyId: k?.accessKeyId ?? '', accessKeySecret: k?.accessKeySecret ?? '' };
        this.#keys.set(who, keys);
      } else keys = this.#keys.get(who);
      const old = this.#made.get(who);
      if (old !== undefined && old !== '') {
        if (role !== undefined) await ram.detachPolicyFromRole(new RamSdk.DetachPolicyFromRoleRequest({ roleName: role, policyName: old, policyType: 'Custom' }));
        else await ram.detachPolicyFromUser(new RamSdk.DetachPolicyFromUserRequest({ userName: principal, policyName: old, policyType: 'Custom' }));
      }
      this.#made.set(who, '');
      const doc = docs.get(alias);
      if (doc !== undefined && doc.Statement.length > 0) {
        const name = `acrctl-${command}-${++this.#n}`;
        await ram.createPolicy(new RamSdk.CreatePolicyRequest({ policyName: name, policyDocument: JSON.stringify(doc) }));
        if (role !== undefined) await ram.attachPolicyToRole(new RamSdk.AttachPolicyToRoleRequest({ roleName: role, policyName: name, policyType: 'Custom' }));
        else await ram.attachPolicyToUser(new RamSdk.AttachPolicyToUserRequest({ userName: principal, policyName: name, policyType: 'Custom' }));
        this.#made.set(who, name);
      }
      if (keys !== undefined && c.profile !== undefined) this.#profiles.set(c.profile, keys);
      if (keys !== undefined && c.env !== undefined) {
        this.env[`${c.env.toUpperCase()}_ACCESS_KEY_ID`] = keys.accessKeyId;
        this.env[`${c.env.toUpperCase()}_ACCESS_KEY_SECRET`] = keys.accessKeySecret;
      }
    }
    // The INI credentials file (the CLI's config.json is read by the vendor library from the real home).
    const ini = [...this.#profiles].map(([name, k]) => `[${name}]\ntype = access_key\naccess_key_id = ${k.accessKeyId}\naccess_key_secret = ${k.accessKeySecret}\n`).join('\n');
    mkdirSync(join(this.home, '.alibabacloud'), { recursive: true });
    writeFileSync(join(this.home, '.alibabacloud', 'credentials'), ini);
  }
}

async function policies(cwd: string, file: string, command: Command, env: Record<string, string>): Promise<Map<string, Doc>> {
  const r = await runCli(['policy', '-f', file, '--for', command, '--format', 'json'], { cwd, env });
  expect(r.code, r.stderr).toBe(0);
  const again = await runCli(['policy', '-f', file, '--for', command, '--format', 'json'], { cwd, env });
  expect(again.stdout, 'the output is deterministic').toBe(r.stdout);
  return new Map((JSON.parse(r.stdout) as PolicyOutput).accounts.map((a) => [a.account, a.policy] as const));
}

/** The authorised requests of the log since `since`, per account UID. */
async function authorised(t: TestEmulator, since: number): Promise<{ last: number; byUid: Map<string, { action: string; resources: string[] }[]> }> {
  const log = (await t.admin<LogEntry[]>('GET', `/_emulator/calls?since=${since}`)).body;
  const byUid = new Map<string, { action: string; resources: string[] }[]>();
  for (const e of log) if (e.ram !== undefined) byUid.set(e.accountUid, [...(byUid.get(e.accountUid) ?? []), e.ram]);
  return { last: log.at(-1)?.seq ?? since, byUid };
}

/** Every smaller variant of every account's policy refuses some request the run made. */
function expectMinimal(command: Command, config: Config, docs: ReadonlyMap<string, Doc>, requests: Map<string, { action: string; resources: string[] }[]>): void {
  const slack: string[] = [];
  for (const [alias, doc] of docs) {
    const made = requests.get(config.accounts[alias]!.uid) ?? [];
    for (const r of made) expect(allowed(doc, r.action, r.resources), `${command} ${alias}: ${r.action} ${r.resources.join(',')} was allowed in the run`).toBe(true);
    for (const v of smaller(doc)) if (made.every((r) => allowed(v.doc, r.action, r.resources))) slack.push(`${command} ${alias}: ${v.what} refuses nothing`);
  }
  expect(slack).toEqual([]);
}

/** A real run with one statement less fails with the product's permission error. */
async function expectRefused(run: () => Promise<{ code: number; stdout: string; stderr: string }>, grant: () => Promise<void>): Promise<void> {
  await grant();
  const r = await run();
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stdout + r.stderr).toMatch(/NoPrivilege|NoPermission|Forbidden\.RAM|NotAuthorized|not authorized to do action/);
}

/**
 * The estate in use: one image pushed into every declared repository (replication rules then copy
 * it, so the tags of targets are there to read), through the emulator's admin API.
 */
async function pushImages(t: TestEmulator, text: string): Promise<void> {
  const doc = parse(text) as Config & { instances?: Record<string, { account: string; region: string; name: string; namespaces?: Record<string, { repositories?: Record<string, unknown> }> }> };
  for (const inst of Object.values(doc.instances ?? {})) {
    const keys = await t.account(doc.accounts[inst.account]!.uid);
    const found = ((await t.callRpc('cr', inst.region, 'ListInstance', { InstanceName: inst.name }, keys)) as { Instances: { InstanceId: string }[] }).Instances[0]!;
    for (const [ns, n] of Object.entries(inst.namespaces ?? {})) {
      for (const repo of Object.keys(n.repositories ?? {})) {
        const r = await t.admin('POST', `/_emulator/cr/instances/${found.InstanceId}/images`, { namespace: ns, repository: repo, tag: 'v1.0.0', digest: `sha256:${'ab'.repeat(32)}`, size: 1000 });
        expect(r.status).toBeLessThan(300);
      }
    }
  }
}

/** Every repository's summary changed: the updates apply can make to an existing estate. */
function changedSummaries(text: string): string {
  const doc = parse(text) as { instances?: Record<string, { namespaces?: Record<string, { repositories?: Record<string, { summary?: string }> }> }> };
  for (const inst of Object.values(doc.instances ?? {})) for (const ns of Object.values(inst.namespaces ?? {})) for (const r of Object.values(ns.repositories ?? {})) r.summary = `${r.summary ?? ''} (v2)`.trim();
  return stringify(doc);
}

describe.each(EXAMPLES)('examples/%s with exactly the policies acrctl policy prints', (name) => {
  it('applies, plans and drifts with them, and each statement and resource of each is needed', async () => {
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), `acrctl-least-${name}-`));
    try {
      const dir = join(examplesDir, name);
      const text = readFileSync(join(dir, 'registry.yaml'), 'utf8');
      const config = parse(text) as Config;
      writeFileSync(join(cwd, 'registry.yaml'), text);
      const file = join(cwd, 'registry.yaml');
      const env = declaredEnv(text); // the variables its comments export (webhook URLs)
      expect((await runCli(['emulator', 'seed', dir, '--endpoint', t.url], { cwd, env })).code).toBe(0);
      const creds = new Credentials(t, config, join(cwd, 'home'));
      const cli = (args: string[]) => runCli([...args, '-f', file, '--endpoint', t.url, '--emulator-credentials', 'declared'], { cwd, env: { ...env, ...creds.env } });
      let since = (await authorised(t, 0)).last;

      // apply: create the estate, then change it.
      const apply = await policies(cwd, file, 'apply', env);
      await creds.grant('apply', apply);
      let r = await cli(['apply', '--auto-approve']);
      if (r.code === 3) {
        await passGates(t, text);
        r = await cli(['apply', '--resume', '--auto-approve']);
      }
      expect(r.code, r.stdout + r.stderr).toBe(0);
      await pushImages(t, text);
      writeFileSync(file, changedSummaries(text));
      r = await cli(['apply', '--auto-approve']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      let seen = await authorised(t, since);
      expectMinimal('apply', config, apply, seen.byUid);
      since = seen.last;

      for (const command of ['plan', 'drift'] as const) {
        const docs = await policies(cwd, file, command, env);
        await creds.grant(command, docs);
        const run = await cli(command === 'plan' ? ['plan', '--detailed-exitcode'] : ['drift']);
        expect(run.code, run.stdout + run.stderr).toBe(0);
        seen = await authorised(t, since);
        expectMinimal(command, config, docs, seen.byUid);
        since = seen.last;
        if (command === 'drift') continue; // its reads are plan's: the replay above is its proof
        // For real: the first account's first statement removed.
        const [alias, doc] = [...docs].find(([, d]) => d.Statement.length > 0)!;
        await expectRefused(() => cli([command]), () => creds.grant(command, new Map([...docs, [alias, { ...doc, Statement: doc.Statement.slice(1) }]])));
        since = (await authorised(t, since)).last;
      }

      // apply for real, with the statement that lets it update repositories removed: the update it
      // has to make (the summaries changed again) is refused.
      const needed = [...apply].find(([, d]) => d.Statement.some((st) => st.Action.includes('cr:UpdateRepository')));
      if (needed !== undefined) {
        const [alias, doc] = needed;
        writeFileSync(file, changedSummaries(changedSummaries(text)));
        await expectRefused(() => cli(['apply', '--auto-approve']), () => creds.grant('apply', new Map([...apply, [alias, { ...doc, Statement: doc.Statement.filter((st) => !st.Action.includes('cr:UpdateRepository')) }]])));
      }
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
