/**
 * `acrctl emulator seed PATH`: creates in an emulator what an example's registry.yaml assumes
 * already exists, from the declarative `emulator-seed.yaml` beside it (schema:
 * schemas/emulator-seed.schema.json; docs/emulator.md "Seeding an example").
 *
 * What it creates, and how:
 * - accounts: keys for every account of the registry.yaml (and the seed's own `accounts`);
 * - VPCs, vSwitches, custom route tables, VPN gateways and virtual border routers: the emulator's
 *   admin API (the VPC API acrctl uses has no create call), under the ids the config names;
 * - CEN instances and transit routers: the admin API (the CBN API never lets a caller pick an id);
 *   their VPC attachments and inter-region connections: the CBN API itself, waiting until each is
 *   Active / Attached, as a user would in the console;
 * - sites: the admin API (`POST /_emulator/accounts {uid, site}`);
 * - allow-lists of allow-listed API features (storage domain routing): the admin API
 *   (`POST /_emulator/cr/api-allowlist`), per account;
 * - instances of accounts acrctl does not operate (a partner's), under the id the config names: the
 *   admin API (BSS never lets a caller pick an id), then their namespaces and repositories through
 *   the cr API with the owner's keys;
 * - RAM roles and policies an owner makes (a partner's cross-account sync role): the RAM API with
 *   that account's keys;
 * - Personal Edition namespaces and repositories: the admin API (into an account and region that
 *   has none yet); images: generated and pushed over the registry protocol with acrctl's registry
 *   client, oldest first;
 * - code-platform accounts bound to instances (`codeSources`, console-only in the cloud): the admin
 *   API, by instance name (it answers whether it bound one); event rules the console makes on an
 *   instance (`consoleEventRules`, no create API) likewise.
 * Everything is looked up first through the vendor APIs and created only when missing, so seeding
 * twice changes nothing and says so. It refuses to run against the real cloud.
 *
 * Owns: reading the seed file (every mistake at file:line:column) and applying it. Prints progress
 * through `log`, one line per object; never prints a secret.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import seedSchema from '../../schemas/emulator-seed.schema.json' with { type: 'json' };
import type { CloudSession } from '../cloud/session.js';
import { createLocator, type Locator } from '../config/locate.js';
import { parseYaml } from '../config/parse.js';
import { describePath } from '../config/schema.js';
import { AcrctlError, formatLocation, type SourceLocation } from '../errors.js';
import type { RegistryClients } from '../registry/session.js';
import { baseLayer, pushImage, seedImage } from './seed-images.js';

/** The seed file's name inside an example folder. */
export const SEED_FILE = 'emulator-seed.yaml';

export interface VpcSeed {
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly name?: string;
  readonly cidr: string;
  readonly vswitches?: readonly { readonly id: string; readonly zone: string; readonly cidr: string; readonly name?: string }[];
  readonly routeTables?: readonly { readonly id: string; readonly name?: string; readonly vswitches?: readonly string[] }[];
  readonly vpnGateways?: readonly { readonly id: string; readonly name?: string; readonly vswitch?: string }[];
}

export interface VbrSeed {
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly name?: string;
  readonly vlanId?: number;
}

export interface CenSeed {
  readonly account: string;
  readonly id: string;
  readonly name?: string;
  readonly transitRouters?: readonly { readonly id: string; readonly region: string; readonly edition?: 'Enterprise' | 'Basic'; readonly attach?: readonly string[] }[];
  readonly peers?: readonly (readonly [string, string])[];
}

export interface PersonalEditionSeed {
  readonly account: string;
  readonly region: string;
  readonly namespaces?: readonly {
    readonly name: string;
    readonly autoCreate?: boolean;
    readonly defaultVisibility?: 'PUBLIC' | 'PRIVATE';
    readonly repositories?: readonly { readonly name: string; readonly summary?: string; readonly visibility?: 'PUBLIC' | 'PRIVATE' }[];
  }[];
  readonly images?: { readonly sharedLayerBytes?: number; readonly ownLayerBytes?: number; readonly push: readonly string[] };
}

/** An instance of an account acrctl does not operate (a replication partner's), under a chosen id. */
export interface ForeignInstanceSeed {
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly name: string;
  readonly edition?: 'Basic' | 'Standard' | 'Advanced';
  readonly namespaces?: readonly {
    readonly name: string;
    readonly autoCreate?: boolean;
    readonly defaultVisibility?: 'PUBLIC' | 'PRIVATE';
    readonly repositories?: readonly { readonly name: string; readonly summary?: string; readonly visibility?: 'PUBLIC' | 'PRIVATE' }[];
  }[];
}

/** A RAM role an account's owner creates (the partner's cross-account sync role), with its policies. */
export interface RamRoleSeed {
  readonly account: string;
  readonly name: string;
  readonly trustPolicy: Readonly<Record<string, unknown>>;
  readonly policies?: readonly { readonly name: string; readonly document: Readonly<Record<string, unknown>> }[];
}

export interface SeedDocument {
  readonly version: 1;
  readonly accounts?: Readonly<Record<string, string>>;
  readonly sites?: Readonly<Record<string, 'china' | 'international'>>;
  readonly instances?: readonly ForeignInstanceSeed[];
  readonly ramRoles?: readonly RamRoleSeed[];
  readonly vpcs?: readonly VpcSeed[];
  readonly virtualBorderRouters?: readonly VbrSeed[];
  readonly cens?: readonly CenSeed[];
  readonly personalEdition?: readonly PersonalEditionSeed[];
  /** issue 14 item 8: accounts the vendor has allow-listed for an allow-listed API feature. */
  readonly apiAllowLists?: readonly { readonly account: string; readonly feature: 'StorageDomainRouting' }[];
  /** Code-platform accounts bound to instances in the console (issue 14 item 9). */
  readonly codeSources?: readonly CodeSourceSeed[];
  /** Event rules made in the console on instances (by name) once bought (issue 14 item 10). */
  readonly consoleEventRules?: readonly ConsoleEventRuleSeed[];
}

/** An instance-wide event rule the console makes on the instance of a name: what `eventRules` needs. */
export interface ConsoleEventRuleSeed {
  readonly account: string;
  readonly region: string;
  readonly instance: string;
  readonly name: string;
  readonly eventType: string;
  readonly channel?: string;
  readonly tagFilter?: string;
}

/** A code-platform account bound to an instance (by name) in the console: what `build.source` needs. */
export interface CodeSourceSeed {
  readonly account: string;
  readonly region: string;
  readonly instance: string;
  readonly platform: 'GITHUB' | 'GITLAB' | 'GITEE' | 'CODE' | 'CODEUP';
}

export interface LoadedSeed {
  /** The seed file as given (relative to the working directory), or undefined when there is none. */
  readonly seedFile: string | undefined;
  /** The registry.yaml whose accounts the seed refers to (relative to the working directory). */
  readonly configFile: string;
  readonly doc: SeedDocument;
  readonly locate: Locator;
}

/** Where the seed file and the registry.yaml are for PATH (a folder, or a seed file). */
export function seedPaths(path: string, cwd: string, configFlag: string | undefined): { seedFile: string | undefined; configFile: string } {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new AcrctlError('seed.path', `${path} does not exist`, { hint: `name an example folder, e.g. acrctl emulator seed examples/cross-region-access` });
  const dir = statSync(abs).isDirectory() ? abs : dirname(abs);
  const seed = statSync(abs).isDirectory() ? join(abs, SEED_FILE) : abs;
  const rel = (p: string) => relative(cwd, p) || '.';
  const configFile = configFlag ?? rel(join(dir, 'registry.yaml'));
  if (!existsSync(resolve(cwd, configFile))) {
    throw new AcrctlError('seed.path', `${configFile} does not exist: the seed names accounts by their alias in it`, { hint: 'give the registry.yaml with -f FILE' });
  }
  return { seedFile: existsSync(seed) ? rel(seed) : undefined, configFile };
}

let validator: ReturnType<Ajv2020['compile']> | undefined;

function validate(value: unknown): readonly ErrorObject[] {
  if (validator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, verbose: true });
    ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
    validator = ajv.compile(seedSchema);
  }
  return validator(value) ? [] : (validator.errors ?? []);
}

/** A seed error at a position of the file. */
export interface SeedFinding {
  readonly location: SourceLocation;
  readonly message: string;
}

/** Reads and checks a seed file against the accounts it may use. Every finding, then one error. */
export async function loadSeed(seedFile: string, cwd: string, accounts: ReadonlySet<string>): Promise<{ doc: SeedDocument; locate: Locator; findings: SeedFinding[] }> {
  const text = await readFile(resolve(cwd, seedFile), 'utf8');
  const parsed = parseYaml(text, seedFile);
  const findings: SeedFinding[] = parsed.findings.filter((f) => f.severity === 'error').map((f) => ({ location: f.location, message: f.message }));
  const doc = parsed.doc;
  if (doc === undefined || findings.length > 0) return { doc: { version: 1 }, locate: () => ({ file: seedFile, line: 1, column: 1 }), findings };
  const locate = createLocator(doc, parsed.lineCounter, seedFile);
  for (const e of validate(parsed.value)) findings.push(schemaFinding(e, locate));
  if (findings.length > 0) return { doc: { version: 1 }, locate, findings };
  const seed = parsed.value as SeedDocument;
  findings.push(...semanticFindings(seed, locate, new Set([...accounts, ...Object.keys(seed.accounts ?? {})])));
  return { doc: seed, locate, findings };
}

function pointer(p: string): (string | number)[] {
  return p === '' ? [] : p.slice(1).split('/').map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
}

function schemaFinding(e: ErrorObject, locate: Locator): SeedFinding {
  const path = pointer(e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    const key = String(params['additionalProperty']);
    return { location: locate([...path, key]), message: `${describePath([...path, key])}: unknown key (see schemas/emulator-seed.schema.json)` };
  }
  if (e.keyword === 'required') return { location: locate(path), message: `${describePath(path)}: ${String(params['missingProperty'])} is required` };
  if (e.keyword === 'enum') return { location: locate(path, 'value'), message: `${describePath(path)} must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  const readable = e.keyword === 'pattern' ? (e.parentSchema as { patternErrorMessage?: string } | undefined)?.patternErrorMessage : undefined;
  if (readable !== undefined) return { location: locate(path, 'value'), message: `${describePath(path)}: ${readable}, got ${JSON.stringify(e.data)}` };
  return { location: locate(path, 'value'), message: `${describePath(path)} ${e.message ?? 'is invalid'}` };
}

/** References the schema cannot check: account aliases, vSwitches of the VPC, routers of the CEN, namespaces of the estate. */
function semanticFindings(seed: SeedDocument, locate: Locator, accounts: ReadonlySet<string>): SeedFinding[] {
  const out: SeedFinding[] = [];
  const known = [...accounts].sort().join(', ');
  const alias = (a: string, path: (string | number)[]) => {
    if (!accounts.has(a)) out.push({ location: locate(path, 'value'), message: `account ${JSON.stringify(a)} is neither in the registry.yaml nor in this file's accounts (known: ${known || 'none'})` });
  };
  (seed.vpcs ?? []).forEach((v, i) => {
    alias(v.account, ['vpcs', i, 'account']);
    const mine = new Set((v.vswitches ?? []).map((s) => s.id));
    (v.vswitches ?? []).forEach((s, j) => {
      if (!s.zone.startsWith(`${v.region}-`)) out.push({ location: locate(['vpcs', i, 'vswitches', j, 'zone'], 'value'), message: `zone ${s.zone} is not in the VPC's region ${v.region}` });
    });
    (v.routeTables ?? []).forEach((t, j) =>
      (t.vswitches ?? []).forEach((s, k) => {
        if (!mine.has(s)) out.push({ location: locate(['vpcs', i, 'routeTables', j, 'vswitches', k], 'value'), message: `${s} is not a vSwitch of ${v.id} in this file` });
      }),
    );
    (v.vpnGateways ?? []).forEach((g, j) => {
      if (g.vswitch !== undefined && !mine.has(g.vswitch)) out.push({ location: locate(['vpcs', i, 'vpnGateways', j, 'vswitch'], 'value'), message: `${g.vswitch} is not a vSwitch of ${v.id} in this file` });
    });
  });
  (seed.virtualBorderRouters ?? []).forEach((b, i) => alias(b.account, ['virtualBorderRouters', i, 'account']));
  (seed.cens ?? []).forEach((c, i) => {
    alias(c.account, ['cens', i, 'account']);
    const routers = new Map((c.transitRouters ?? []).map((t) => [t.id, t] as const));
    (c.transitRouters ?? []).forEach((t, j) => {
      if ((t.edition ?? 'Enterprise') === 'Basic' && (t.attach ?? []).length > 0) out.push({ location: locate(['cens', i, 'transitRouters', j, 'attach']), message: `${t.id} is a Basic router: Basic routers cannot have VPC attachments` });
      const regions = (c.transitRouters ?? []).filter((x) => x.region === t.region);
      if (regions.length > 1 && regions[0] !== t) out.push({ location: locate(['cens', i, 'transitRouters', j, 'region'], 'value'), message: `${c.id} has a router in ${t.region} already: one transit router per region` });
    });
    (c.peers ?? []).forEach((pair, j) =>
      pair.forEach((id, k) => {
        const r = routers.get(id);
        if (r === undefined) out.push({ location: locate(['cens', i, 'peers', j, k], 'value'), message: `${id} is not a transit router of ${c.id} in this file` });
        else if ((r.edition ?? 'Enterprise') === 'Basic') out.push({ location: locate(['cens', i, 'peers', j, k], 'value'), message: `${id} is a Basic router: inter-region connections need Enterprise routers` });
      }),
    );
  });
  for (const a of Object.keys(seed.sites ?? {})) alias(a, ['sites', a]);
  (seed.instances ?? []).forEach((x, i) => alias(x.account, ['instances', i, 'account']));
  (seed.ramRoles ?? []).forEach((r, i) => alias(r.account, ['ramRoles', i, 'account']));
  (seed.apiAllowLists ?? []).forEach((x, i) => alias(x.account, ['apiAllowLists', i, 'account']));
  (seed.codeSources ?? []).forEach((c, i) => alias(c.account, ['codeSources', i, 'account']));
  (seed.consoleEventRules ?? []).forEach((c, i) => alias(c.account, ['consoleEventRules', i, 'account']));
  (seed.personalEdition ?? []).forEach((p, i) => {
    alias(p.account, ['personalEdition', i, 'account']);
    const namespaces = new Set((p.namespaces ?? []).map((n) => n.name));
    (p.images?.push ?? []).forEach((ref, j) => {
      const ns = ref.split('/')[0] ?? '';
      if (!namespaces.has(ns)) out.push({ location: locate(['personalEdition', i, 'images', 'push', j], 'value'), message: `${ref}: namespace ${ns} is not among this estate's namespaces` });
    });
  });
  return out;
}

/** What applying a seed needs: the emulator's admin API, a session on it, its registries. */
export interface SeedTarget {
  /** Base URL of the emulator's main port. */
  readonly url: string;
  readonly session: CloudSession;
  readonly registries: () => RegistryClients;
  /** UID of each account alias. */
  readonly uids: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
  /** How long to wait for an object to become Active / Attached (default 120 s). */
  readonly waitMs?: number;
  /** Injected edges; defaults: the global fetch, Date.now, a timer. */
  readonly fetch?: typeof globalThis.fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface SeedResult {
  readonly created: number;
  readonly present: number;
}

/** Applies a checked seed document. */
export async function applySeed(seed: SeedDocument, locate: Locator, t: SeedTarget): Promise<SeedResult> {
  const tally = { created: 0, present: 0 };
  const note = (created: boolean, what: string) => {
    tally[created ? 'created' : 'present']++;
    t.log(`  ${created ? 'created' : 'exists '} ${what}`);
  };
  const uid = (alias: string) => t.uids[alias] ?? seed.accounts?.[alias] ?? '';
  const admin = async (path: string, body: unknown, where: (string | number)[], what: string): Promise<Record<string, unknown>> => {
    const res = await (t.fetch ?? globalThis.fetch)(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status >= 400) {
      const why = String(answer['error'] ?? answer['Message'] ?? answer['message'] ?? `HTTP ${res.status}`);
      throw new AcrctlError('seed.emulator', `the emulator refused ${what}: ${why}`, { location: locate(where) });
    }
    return answer;
  };
  const now = t.now ?? Date.now;
  const sleep = t.sleep ?? ((ms: number) => delay(ms));
  const wait = async (what: string, where: (string | number)[], ready: () => Promise<boolean>): Promise<void> => {
    const until = now() + (t.waitMs ?? 120_000);
    while (!(await ready())) {
      if (now() > until) throw new AcrctlError('seed.timeout', `${what} did not become ready within ${Math.round((t.waitMs ?? 120_000) / 1000)} s`, { location: locate(where), hint: 'check the emulator\'s async durations (GET /_emulator/async)' });
      await sleep(100);
    }
  };

  // Sites first: they decide what the accounts' BSS and Personal Edition hosts answer.
  if (seed.sites !== undefined) {
    const res = await (t.fetch ?? globalThis.fetch)(`${t.url}/_emulator/accounts`, { method: 'GET' });
    const listed = (await res.json().catch(() => [])) as { uid: string; site: string }[];
    for (const [a, site] of Object.entries(seed.sites)) {
      if (listed.find((x) => x.uid === uid(a))?.site === site) note(false, `site ${site} of account ${a}`);
      else {
        await admin('/_emulator/accounts', { uid: uid(a), site }, ['sites', a], `the site of account ${a}`);
        note(true, `site ${site} of account ${a}`);
      }
    }
  }

  // issue 14 item 8: allow-lists, as the vendor grants them on a ticket (before any instance exists).
  for (const [i, x] of (seed.apiAllowLists ?? []).entries()) {
    const r = await admin('/_emulator/cr/api-allowlist', { feature: x.feature, accountUid: uid(x.account) }, ['apiAllowLists', i], `the ${x.feature} allow-list of account ${x.account}`);
    note(r['changed'] === true, `${x.feature} allow-list of account ${x.account}`);
  }

  for (const [i, v] of (seed.vpcs ?? []).entries()) {
    const vpc = t.session.vpc(v.account, v.region);
    const where = `(${v.account}, ${v.region})`;
    const found = await vpc.describeVpcs({ regionId: v.region, vpcId: v.id });
    if ((found.vpcs?.vpc ?? []).some((x) => x.vpcId === v.id)) note(false, `VPC ${v.id} ${where}`);
    else {
      await admin('/_emulator/vpc/vpcs', { accountUid: uid(v.account), regionId: v.region, vpcId: v.id, cidrBlock: v.cidr, ...(v.name !== undefined ? { vpcName: v.name } : {}) }, ['vpcs', i], `VPC ${v.id}`);
      note(true, `VPC ${v.id} ${v.cidr} ${where}`);
    }
    for (const [j, s] of (v.vswitches ?? []).entries()) {
      const got = await vpc.describeVSwitches({ regionId: v.region, vSwitchId: s.id });
      if ((got.vSwitches?.vSwitch ?? []).some((x) => x.vSwitchId === s.id)) note(false, `vSwitch ${s.id} of ${v.id}`);
      else {
        await admin('/_emulator/vpc/vswitches', { accountUid: uid(v.account), regionId: v.region, vpcId: v.id, zoneId: s.zone, cidrBlock: s.cidr, vSwitchId: s.id, ...(s.name !== undefined ? { vSwitchName: s.name } : {}) }, ['vpcs', i, 'vswitches', j], `vSwitch ${s.id}`);
        note(true, `vSwitch ${s.id} ${s.cidr} in ${s.zone} of ${v.id}`);
      }
    }
    for (const [j, rt] of (v.routeTables ?? []).entries()) {
      const got = await vpc.describeRouteTableList({ regionId: v.region, vpcId: v.id, routeTableId: rt.id });
      if ((got.routerTableList?.routerTableListType ?? []).some((x) => x.routeTableId === rt.id)) note(false, `route table ${rt.id} of ${v.id}`);
      else {
        await admin('/_emulator/vpc/route-tables', { accountUid: uid(v.account), regionId: v.region, vpcId: v.id, routeTableId: rt.id, ...(rt.name !== undefined ? { routeTableName: rt.name } : {}), vSwitchIds: [...(rt.vswitches ?? [])] }, ['vpcs', i, 'routeTables', j], `route table ${rt.id}`);
        note(true, `route table ${rt.id} of ${v.id}${(rt.vswitches ?? []).length > 0 ? ` (for ${(rt.vswitches ?? []).join(', ')})` : ''}`);
      }
    }
    for (const [j, g] of (v.vpnGateways ?? []).entries()) {
      const got = await vpc.allVpnGateways({ regionId: v.region, vpnGatewayId: g.id });
      if (got.items.some((x) => x.vpnGatewayId === g.id)) note(false, `VPN gateway ${g.id} of ${v.id}`);
      else {
        await admin('/_emulator/vpc/vpn-gateways', { accountUid: uid(v.account), regionId: v.region, vpcId: v.id, vpnGatewayId: g.id, ...(g.name !== undefined ? { name: g.name } : {}), ...(g.vswitch !== undefined ? { vSwitchId: g.vswitch } : {}) }, ['vpcs', i, 'vpnGateways', j], `VPN gateway ${g.id}`);
        note(true, `VPN gateway ${g.id} in ${v.id}`);
      }
    }
  }

  for (const [i, b] of (seed.virtualBorderRouters ?? []).entries()) {
    const vpc = t.session.vpc(b.account, b.region);
    const got = await vpc.allVirtualBorderRouters({ regionId: b.region, filter: [{ key: 'VbrId', value: [b.id] }] });
    if (got.items.some((x) => x.vbrId === b.id)) note(false, `virtual border router ${b.id} (${b.account}, ${b.region})`);
    else {
      await admin('/_emulator/vpc/virtual-border-routers', { accountUid: uid(b.account), regionId: b.region, vbrId: b.id, ...(b.name !== undefined ? { name: b.name } : {}), ...(b.vlanId !== undefined ? { vlanId: b.vlanId } : {}) }, ['virtualBorderRouters', i], `virtual border router ${b.id}`);
      note(true, `virtual border router ${b.id} (${b.account}, ${b.region})`);
    }
  }

  for (const [i, c] of (seed.cens ?? []).entries()) {
    const cbn = t.session.cbn(c.account);
    const cenStatus = async () => (await cbn.describeCens({ Filter: [{ Key: 'CenId', Value: [c.id] }] })).Cens?.Cen?.find((x) => x.CenId === c.id)?.Status;
    if ((await cenStatus()) !== undefined) note(false, `CEN ${c.id} (${c.account})`);
    else {
      await admin('/_emulator/cbn/cens', { accountUid: uid(c.account), cenId: c.id, ...(c.name !== undefined ? { name: c.name } : {}) }, ['cens', i], `CEN ${c.id}`);
      note(true, `CEN ${c.id} (${c.account})`);
    }
    await wait(`CEN ${c.id}`, ['cens', i], async () => (await cenStatus()) === 'Active');
    const routerStatus = async (id: string) => (await cbn.listTransitRouters({ TransitRouterId: id })).TransitRouters?.find((x) => x.TransitRouterId === id)?.Status;
    for (const [j, r] of (c.transitRouters ?? []).entries()) {
      const edition = r.edition ?? 'Enterprise';
      if ((await routerStatus(r.id)) !== undefined) note(false, `transit router ${r.id} (${r.region})`);
      else {
        await admin('/_emulator/cbn/transit-routers', { accountUid: uid(c.account), cenId: c.id, regionId: r.region, type: edition, transitRouterId: r.id }, ['cens', i, 'transitRouters', j], `transit router ${r.id}`);
        note(true, `transit router ${r.id} (${edition}, ${r.region}) in ${c.id}`);
      }
      await wait(`transit router ${r.id}`, ['cens', i, 'transitRouters', j], async () => (await routerStatus(r.id)) === 'Active');
    }
    for (const [j, r] of (c.transitRouters ?? []).entries()) {
      for (const [k, vpcId] of (r.attach ?? []).entries()) {
        const where: (string | number)[] = ['cens', i, 'transitRouters', j, 'attach', k];
        const attachment = async () => (await cbn.allVpcAttachments({ TransitRouterId: r.id, VpcId: vpcId })).items.find((x) => x.VpcId === vpcId && x.Status !== 'Detaching');
        if ((await attachment()) !== undefined) note(false, `attachment of ${vpcId} to ${r.id}`);
        else {
          const vsws = (await t.session.vpc(c.account, r.region).describeVSwitches({ regionId: r.region, vpcId, pageSize: 50 })).vSwitches?.vSwitch ?? [];
          const zones = new Map<string, string>();
          for (const s of [...vsws].sort((a, b) => ((a.vSwitchId ?? '') < (b.vSwitchId ?? '') ? -1 : 1))) if (s.zoneId && s.vSwitchId && !zones.has(s.zoneId)) zones.set(s.zoneId, s.vSwitchId);
          if (zones.size === 0) throw new AcrctlError('seed.reference', `${vpcId} has no vSwitch in ${r.region} (account ${c.account}) to attach to ${r.id}`, { location: locate(where, 'value'), hint: 'seed the VPC and a vSwitch under vpcs: first' });
          await cbn.createTransitRouterVpcAttachment({ TransitRouterId: r.id, CenId: c.id, VpcId: vpcId, ZoneMappings: [...zones].sort().map(([ZoneId, VSwitchId]) => ({ ZoneId, VSwitchId })) });
          note(true, `attachment of ${vpcId} to ${r.id}`);
        }
        await wait(`the attachment of ${vpcId} to ${r.id}`, where, async () => (await attachment())?.Status === 'Attached');
      }
    }
    for (const [j, [a, b]] of (c.peers ?? []).entries()) {
      const routers = new Map((c.transitRouters ?? []).map((r) => [r.id, r] as const));
      const peer = async () => {
        const all = [...(await cbn.allPeerAttachments({ TransitRouterId: a })).items, ...(await cbn.allPeerAttachments({ TransitRouterId: b })).items];
        return all.find((x) => ((x.TransitRouterId === a && x.PeerTransitRouterId === b) || (x.TransitRouterId === b && x.PeerTransitRouterId === a)) && x.Status !== 'Detaching');
      };
      if ((await peer()) !== undefined) note(false, `connection ${a} ↔ ${b}`);
      else {
        await cbn.createTransitRouterPeerAttachment({ TransitRouterId: a, PeerTransitRouterId: b, PeerTransitRouterRegionId: routers.get(b)?.region ?? '', CenId: c.id });
        note(true, `inter-region connection ${a} (${routers.get(a)?.region ?? '?'}) ↔ ${b} (${routers.get(b)?.region ?? '?'})`);
      }
      await wait(`the connection ${a} ↔ ${b}`, ['cens', i, 'peers', j], async () => (await peer())?.Status === 'Attached');
    }
  }

  for (const [i, x] of (seed.instances ?? []).entries()) {
    const cr = t.session.cr(x.account, x.region);
    const where = `(${x.account}, ${x.region})`;
    const status = async () => (await cr.allInstances()).items.find((y) => y.InstanceId === x.id)?.InstanceStatus;
    if ((await status()) !== undefined) note(false, `instance ${x.name} ${x.id} ${where}`);
    else {
      await admin('/_emulator/cr/instances', { accountUid: uid(x.account), region: x.region, name: x.name, edition: x.edition ?? 'Basic', instanceId: x.id }, ['instances', i], `instance ${x.id}`);
      note(true, `instance ${x.name} ${x.id} (${x.edition ?? 'Basic'}) ${where}`);
    }
    await wait(`instance ${x.id}`, ['instances', i], async () => (await status()) === 'RUNNING');
    for (const [j, n] of (x.namespaces ?? []).entries()) {
      const have = (await cr.allNamespaces({ InstanceId: x.id })).items.some((y) => y.NamespaceName === n.name);
      if (have) note(false, `namespace ${n.name} of ${x.id}`);
      else {
        await cr.createNamespace({ InstanceId: x.id, NamespaceName: n.name, AutoCreateRepo: n.autoCreate ?? false, DefaultRepoType: n.defaultVisibility ?? 'PRIVATE' });
        note(true, `namespace ${n.name} of ${x.id}${n.autoCreate === true ? ' (automatic repository creation on)' : ''}`);
      }
      for (const [k, r] of (n.repositories ?? []).entries()) {
        const got = (await cr.allRepositories({ InstanceId: x.id, RepoNamespaceName: n.name })).items.some((y) => y.RepoName === r.name);
        if (got) note(false, `repository ${n.name}/${r.name} of ${x.id}`);
        else {
          try {
            await cr.createRepository({ InstanceId: x.id, RepoNamespaceName: n.name, RepoName: r.name, RepoType: r.visibility ?? n.defaultVisibility ?? 'PRIVATE', Summary: r.summary ?? r.name });
          } catch (err) {
            throw new AcrctlError('seed.emulator', `the emulator refused repository ${n.name}/${r.name}: ${err instanceof Error ? err.message : String(err)}`, { location: locate(['instances', i, 'namespaces', j, 'repositories', k]) });
          }
          note(true, `repository ${n.name}/${r.name} of ${x.id}`);
        }
      }
    }
  }

  for (const [i, r] of (seed.ramRoles ?? []).entries()) {
    const ram = t.session.ram(r.account);
    const roles = (await ram.allRoles()).items;
    if (roles.some((x) => x.roleName === r.name)) note(false, `RAM role ${r.name} (${r.account})`);
    else {
      await ram.createRole({ roleName: r.name, assumeRolePolicyDocument: JSON.stringify(r.trustPolicy) });
      note(true, `RAM role ${r.name} (${r.account}), created by its owner through the RAM API`);
    }
    for (const p of r.policies ?? []) {
      const custom = (await ram.allPolicies('Custom')).items;
      if (custom.some((x) => x.policyName === p.name)) note(false, `RAM policy ${p.name} (${r.account})`);
      else {
        await ram.createPolicy({ policyName: p.name, policyDocument: JSON.stringify(p.document) });
        note(true, `RAM policy ${p.name} (${r.account})`);
      }
      const attached = ((await ram.listPoliciesForRole({ roleName: r.name })).policies?.policy ?? []).some((x) => x.policyName === p.name);
      if (attached) note(false, `attachment of ${p.name} to ${r.name}`);
      else {
        await ram.attachPolicyToRole({ policyType: 'Custom', policyName: p.name, roleName: r.name });
        note(true, `attachment of ${p.name} to ${r.name}`);
      }
    }
  }

  for (const [i, p] of (seed.personalEdition ?? []).entries()) {
    const crpe = t.session.crpe(p.account, p.region);
    const have = new Set(((await crpe.getNamespaceList()).data?.namespaces ?? []).map((n) => n.namespace ?? ''));
    const wanted = p.namespaces ?? [];
    const missing = wanted.filter((n) => !have.has(n.name));
    if (missing.length === 0) {
      for (const n of wanted) note(false, `Personal Edition namespace ${n.name} (${p.account}, ${p.region})`);
    } else if (have.size > 0) {
      throw new AcrctlError('seed.estate', `the Personal Edition estate of ${p.account} in ${p.region} already has namespaces (${[...have].sort().join(', ')}) but not ${missing.map((n) => n.name).join(', ')}; the emulator seeds an estate whole`, {
        location: locate(['personalEdition', i]),
        hint: 'start from a fresh emulator: add --reset',
      });
    } else {
      await admin(
        '/_emulator/crpe/estates',
        {
          uid: uid(p.account),
          region: p.region,
          namespaces: wanted.map((n) => ({
            name: n.name,
            autoCreate: n.autoCreate ?? true,
            defaultVisibility: n.defaultVisibility ?? 'PRIVATE',
            repos: (n.repositories ?? []).map((r) => ({ name: r.name, ...(r.summary !== undefined ? { summary: r.summary } : {}), repoType: r.visibility ?? n.defaultVisibility ?? 'PRIVATE' })),
          })),
        },
        ['personalEdition', i],
        `the Personal Edition estate of ${p.account} in ${p.region}`,
      );
      for (const n of wanted) note(true, `Personal Edition namespace ${n.name}${(n.repositories ?? []).length > 0 ? ` with ${(n.repositories ?? []).map((r) => r.name).join(', ')}` : ''} (${p.account}, ${p.region})`);
    }
    if (p.images !== undefined && p.images.push.length > 0) {
      const client = await t.registries().for({ kind: 'pe', account: p.account, region: p.region });
      const base = baseLayer(p.images.sharedLayerBytes ?? 0);
      for (const ref of p.images.push) {
        const [repo = '', tag = ''] = ref.split(':');
        const image = seedImage(repo, tag, base, p.images.ownLayerBytes ?? 300_000);
        const outcome = await pushImage(client, image);
        note(outcome === 'pushed', `image ${ref} ${image.digest.slice(0, 19)}… (${p.account}, Personal Edition ${p.region})`);
      }
    }
  }
  // Code-platform accounts (console only): the admin route says whether it bound one.
  for (const [i, c] of (seed.codeSources ?? []).entries()) {
    const what = `${c.platform} account bound to instance ${c.instance} (${c.account}, ${c.region})`;
    const answer = await admin('/_emulator/cr/code-sources', { accountUid: uid(c.account), region: c.region, instanceName: c.instance, platform: c.platform }, ['codeSources', i], `the ${what}`);
    note(answer['created'] === true, what);
  }
  // Event rules the console makes (no create API): announced by instance name, made once it exists.
  for (const [i, r] of (seed.consoleEventRules ?? []).entries()) {
    const what = `event rule ${r.name} made in the console on instance ${r.instance} (${r.account}, ${r.region})`;
    const answer = await admin('/_emulator/cr/console-event-rules', { accountUid: uid(r.account), region: r.region, instanceName: r.instance, RuleName: r.name, EventType: r.eventType, ...(r.channel !== undefined ? { EventChannel: r.channel } : {}), ...(r.tagFilter !== undefined ? { RepoTagFilterPattern: r.tagFilter } : {}) }, ['consoleEventRules', i], `the ${what}`);
    note(answer['created'] === true, what);
  }
  return tally;
}

/** `file:line:col: message` lines for findings. */
export function formatFindings(findings: readonly SeedFinding[]): string {
  return findings.map((f) => `error[seed.invalid]: ${formatLocation(f.location)}: ${f.message}\n`).join('');
}
