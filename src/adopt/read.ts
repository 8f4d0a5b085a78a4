/**
 * Adopt's I/O: discover the instances of the adopted accounts and regions, read everything under
 * them through the kinds' own `read` (discover mode), and fold the RAM objects and cross-region
 * routes. Read-only: only List/Get calls, through the kinds and the cr client's ListInstance.
 *
 * Owns: discovery (ListInstance per account and region, paged), the aliases adopted instances get,
 * and the synthetic "scan" document that makes the kinds read every child. The document itself is
 * built by the pure src/adopt/build.ts and src/adopt/roles.ts.
 */
import type { CloudSession } from '../cloud/session.js';
import { DEFAULTS, REGIONS, type Account, type CrossRegionAccess, type TransitRouter, type Edition, type Instance, type Region, type RegistryDocument } from '../config/model.js';
import { CloudApiError } from '../cloud/errors.js';
import { AcrctlError } from '../errors.js';
import { crossRegionAddress } from '../kinds/cross-region.js';
import { datacenterAddress } from '../kinds/datacenter.js';
import { instanceAddress } from '../kinds/instance.js';
import { accountAddress } from '../plan/address.js';
import { editionOf } from '../kinds/instance.js';
import { mapLimit } from '../kinds/support.js';
import type { DesiredObject, Kind, LiveObject } from '../plan/kind.js';
import { crossAccountTargets } from '../kinds/ram-role.js';
import { computePlan, diffOf, readLive } from '../plan/planner.js';
import { buildDocument, compare, withRoles, type AdoptNote, type FoundInstance } from './build.js';
import { discoverRoles, foldRoles, mergeRoles } from './roles.js';
import { recogniseAccess } from './routes.js';

/**
 * The kinds read under the discovered instances (discover mode) and written by their `toConfig`:
 * every kind that has one, with the kinds they read after. Other kinds are never read by adopt's
 * generic pass (the RAM and route kinds are folded below).
 */
export function scanKinds(kinds: readonly Kind[]): Kind[] {
  const wanted = new Set(kinds.filter((k) => k.toConfig !== undefined).map((k) => k.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const k of kinds) if (wanted.has(k.name)) for (const r of k.readAfter) if (!wanted.has(r)) grew = wanted.add(r).size > 0;
  }
  return kinds.filter((k) => wanted.has(k.name));
}
/** Kinds of the cross-account role a cross-account rule derives. */
export const ROLE_KINDS = ['ram-role', 'ram-policy', 'ram-attachment'] as const;
/** Kinds of a cross-region access path. */
export const ROUTE_KINDS = ['instance', 'cross-region', 'vpc-route', 'tr-route'] as const;
/** The kinds a data-centre path of the base file is planned with before adopt keeps it. */
const DATACENTER_KINDS = ['instance', 'datacenter', 'datacenter-route'] as const;

/** ListInstance scans in flight at once during discovery (the session also rate-limits per product). */
const DISCOVERY_IN_FLIGHT = 8;
const EDITIONS: readonly string[] = ['Basic', 'Standard', 'Advanced'] satisfies Edition[];
const GONE = new Set(['DELETING', 'DELETED']);

export interface AdoptRequest {
  /** Accounts written to the document (alias → declaration). */
  readonly accounts: Readonly<Record<string, Account>>;
  /** Aliases of the accounts whose instances are adopted (a subset of `accounts`). */
  readonly adopt: readonly string[];
  /** Regions to scan; empty = every region with a Container Registry endpoint. */
  readonly regions: readonly Region[];
  /** Cloud instance names (or base aliases) to keep; empty = all. */
  readonly instances: readonly string[];
  /** The base document: its instance aliases and cross-region access paths are reused. */
  readonly base?: RegistryDocument;
  readonly kinds: readonly Kind[];
  readonly cloud: CloudSession;
  /** Hex sha256 (the planner's fingerprint; injected so this module needs no node:crypto). */
  readonly sha256: (text: string) => string;
}

export interface Adopted {
  readonly document: RegistryDocument;
  readonly notes: readonly AdoptNote[];
}

interface Listed {
  readonly account: string;
  readonly region: Region;
  readonly name: string;
  readonly instanceId: string;
  readonly specification: string | undefined;
  readonly status: string;
}

/** The alias an instance gets: the base file's alias for it, else its name (made unique). Pure. */
export function assignAliases(found: readonly Listed[], base: RegistryDocument | undefined): Map<Listed, string> {
  const out = new Map<Listed, string>();
  const taken = new Set(Object.keys(base?.instances ?? {}));
  const rest: Listed[] = [];
  for (const f of found) {
    const match = Object.entries(base?.instances ?? {}).find(([, i]) => i.account === f.account && i.region === f.region && i.name === f.name);
    if (match) out.set(f, match[0]);
    else rest.push(f);
  }
  const plain = (f: Listed) => (/^[a-z]/.test(f.name) ? f.name : `i-${f.name}`);
  const count = new Map<string, number>();
  for (const f of rest) count.set(plain(f), (count.get(plain(f)) ?? 0) + 1);
  for (const f of [...rest].sort((a, b) => compare(`${a.account}/${a.region}/${a.name}`, `${b.account}/${b.region}/${b.name}`))) {
    const candidates = [plain(f), `${plain(f)}-${f.region}`, `${f.account}-${plain(f)}-${f.region}`];
    let alias = candidates.find((c, i) => (i > 0 || count.get(c) === 1) && !taken.has(c));
    for (let n = 2; alias === undefined; n++) if (!taken.has(`${candidates[2]}-${n}`)) alias = `${candidates[2]}-${n}`;
    taken.add(alias);
    out.set(f, alias);
  }
  return out;
}

/**
 * The instances of the adopted accounts in the regions asked for. Scanning every region (no
 * `--region`), a region whose ListInstance is refused (a non-retryable API error: a region the
 * account may not use) is skipped with a note per account; an account refused in every region, a
 * region asked for by name, and transient errors (after the session's retries) fail the adoption.
 */
async function discover(req: AdoptRequest, notes: AdoptNote[]): Promise<Listed[]> {
  const everyRegion = req.regions.length === 0;
  const regions: readonly Region[] = everyRegion ? REGIONS : req.regions;
  const scopes = req.adopt.flatMap((account) => regions.map((region) => ({ account, region })));
  const refused = new Map<string, { region: string; code: string; err: unknown }[]>();
  const per = await mapLimit(scopes, DISCOVERY_IN_FLIGHT, async ({ account, region }) => {
    let items;
    try {
      items = (await req.cloud.cr(account, region).allInstances()).items;
    } catch (err) {
      if (!everyRegion || !(err instanceof CloudApiError) || (err.failure !== 'fatal' && err.failure !== 'not-found')) throw err;
      refused.set(account, [...(refused.get(account) ?? []), { region, code: err.vendorCode, err }]);
      return [];
    }
    return items
      .filter((i) => i.InstanceId !== undefined && i.InstanceName !== undefined && !GONE.has(i.InstanceStatus ?? ''))
      .map((i): Listed => ({ account, region, name: i.InstanceName!, instanceId: i.InstanceId!, specification: i.InstanceSpecification, status: i.InstanceStatus ?? '' }));
  });
  for (const [account, failures] of [...refused].sort(([a], [b]) => compare(a, b))) {
    if (failures.length === regions.length) throw failures[0]!.err;
    const sorted = [...failures].sort((a, b) => compare(a.region, b.region));
    notes.push({
      address: accountAddress(account),
      message: `${sorted.length} region${sorted.length === 1 ? '' : 's'} not scanned, ListInstance was refused: ${sorted.map((f) => `${f.region} (${f.code})`).join(', ')}; instances there, if any, are not adopted (pass --region to scan only the regions you use)`,
    });
  }
  return per.flat();
}

function pick(kinds: readonly Kind[], names: readonly string[]): Kind[] {
  return kinds.filter((k) => names.includes(k.name));
}

/**
 * The scan document: every found instance declared, nothing inside it. In discover mode the kinds
 * read every child of a declared instance, declared or not (ReadContext.discover).
 */
function scanDocument(req: AdoptRequest, found: readonly FoundInstance[]): RegistryDocument {
  const instances: Record<string, Instance> = {};
  for (const f of found) {
    // The base file's rules into external targets (`to: {uid, …}`): ListRepoSyncRule does not say
    // which account a target belongs to, so only these let a live rule be written as one.
    const external = (req.base?.instances?.[f.alias]?.replication ?? []).filter((r) => typeof r.to !== 'string');
    instances[f.alias] = { account: f.account, region: f.region, edition: f.edition, name: f.name, ...(external.length > 0 ? { replication: external } : {}) };
  }
  return { version: 1, accounts: req.accounts, instances };
}

/** Reads the adopted estate and builds its document. Makes no mutating call. */
export async function adoptEstate(req: AdoptRequest): Promise<Adopted> {
  const notes: AdoptNote[] = [];
  let listed = await discover(req, notes);
  if (req.instances.length > 0) {
    const aliases = assignAliases(listed, req.base);
    const wanted = new Set(req.instances);
    const missing = req.instances.filter((n) => !listed.some((l) => l.name === n || aliases.get(l) === n));
    if (missing.length > 0) {
      throw new AcrctlError('adopt.unknown_instance', `no instance named ${missing.join(', ')} was found in account${req.adopt.length === 1 ? '' : 's'} ${req.adopt.join(', ')}${req.regions.length > 0 ? ` (regions ${req.regions.join(', ')})` : ''}`, {
        hint: 'give the cloud instance name (or its alias in the base file); check --account and --region',
      });
    }
    listed = listed.filter((l) => wanted.has(l.name) || wanted.has(aliases.get(l) ?? ''));
  }
  const aliases = assignAliases(listed, req.base);
  const found: FoundInstance[] = [];
  for (const l of listed) {
    const edition = editionOf(l.specification);
    const alias = aliases.get(l)!;
    if (!EDITIONS.includes(edition)) {
      notes.push({ address: instanceAddress(alias), message: `not adopted: instance ${l.name} (${l.instanceId}) has specification ${JSON.stringify(l.specification ?? '')}, which is not an Enterprise Edition edition` });
      continue;
    }
    found.push({ alias, account: l.account, region: l.region, name: l.name, edition: edition as Edition, instanceId: l.instanceId, status: l.status });
  }

  const scan = scanDocument(req, found);
  const scanned = scanKinds(req.kinds);
  const live = await readLive(scanned, scan, [], req.cloud, { discover: true });
  const liveOf = (kind: string): readonly LiveObject[] => live.get(kind) ?? [];
  const built = buildDocument({ accounts: req.accounts, instances: found, live: liveOf, kinds: scanned });
  notes.push(...built.notes);

  // Cross-account roles: what the adopted rules derive, compared with what is live. Accounts whose
  // role no rule derives are probed too (a role left behind or made by hand): the probe declares
  // each as trusting itself, only so that the RAM kinds read its role, policy and attachment.
  const roleKinds = pick(req.kinds, ROLE_KINDS);
  const derivedIn = new Set(crossAccountTargets(built.document).map((t) => t.account));
  const probed = req.adopt.filter((a) => !derivedIn.has(a));
  const probe: RegistryDocument = {
    ...built.document,
    ...(probed.length > 0 ? { crossAccountRoles: Object.fromEntries(probed.map((a) => [a, { trustedAccounts: [a] }])) } : {}),
  };
  const ramLive = await readLive(roleKinds, probe, [], req.cloud);
  const allRam = [...ramLive.values()].flat();
  const discovered = discoverRoles({ accounts: req.accounts, probed, live: allRam, instances: found });
  notes.push(...discovered.notes);
  const withDiscovered = withRoles(built.document, discovered.roles);
  const targets = new Set(crossAccountTargets(withDiscovered).map((t) => t.account));
  const declared: DesiredObject[] = roleKinds.flatMap((k) => k.desired(withDiscovered));
  const both = (kind: string) => ramLive.get(kind) ?? liveOf(kind);
  const derived = roleKinds.flatMap((k) => k.derive?.({ config: withDiscovered, desired: declared, live: both }) ?? []);
  const kindOf = new Map(roleKinds.map((k) => [k.name, k] as const));
  const folded = foldRoles({
    accounts: req.accounts,
    desired: [...declared, ...derived],
    live: allRam.filter((l) => targets.has(l.account)),
    diff: (d, l) => diffOf(kindOf.get(d.kind)!, d, l).changes,
  });
  notes.push(...folded.notes);
  let document = withRoles(built.document, mergeRoles(discovered.roles, folded.roles));

  // Cross-region access: the base file's paths to adopted instances, and the paths acrctl's named
  // routes describe; each kept only when the cross-region kinds plan it clean against live routes.
  const recognised = await recogniseAccess(req.cloud, req.adopt, document);
  const fromBase = crossRegionCandidates(req.base, document);
  const baseNames = new Set(fromBase.map((p) => p.name));
  const baseAddresses = new Set(fromBase.map((p) => crossRegionAddress(p.name)));
  notes.push(...recognised.notes.filter((n) => !baseAddresses.has(n.address)));
  const paths = [...fromBase, ...recognised.paths.filter((p) => !baseNames.has(p.name))];
  if (paths.length > 0) {
    const withPaths: RegistryDocument = { ...document, crossRegionAccess: paths };
    const plan = await computePlan({
      config: withPaths,
      configDigest: '',
      configFile: 'adopted',
      kinds: pick(req.kinds, ROUTE_KINDS),
      cloud: req.cloud,
      sha256: req.sha256,
    });
    const kept = paths.filter((p) => {
      const prefix = crossRegionAddress(p.name);
      const pending = plan.actions.filter((a) => a.id === prefix || a.id.startsWith(`${prefix}.`));
      const errors = plan.findings.filter((f) => f.severity === 'error' && f.where === prefix);
      if (pending.length === 0 && errors.length === 0) return true;
      const why = [...pending.map((a) => `${a.type} ${a.id}`), ...errors.map((f) => `error ${f.id}: ${f.message}`)];
      notes.push({ address: prefix, message: `not adopted: a plan of it against the live routes is not clean (${why.join('; ')})` });
      return false;
    });
    if (kept.length > 0) document = { ...document, crossRegionAccess: [...kept].sort((a, b) => compare(a.name, b.name)) };
  }
  // A custom OSS bucket is chosen at purchase and no API reads it back: the base file's is kept for
  // the instance of the same name (it names the OSS host in the route outputs).
  for (const [alias, inst] of Object.entries(document.instances ?? {})) {
    const bucket = req.base?.instances?.[alias]?.ossBucket;
    if (bucket === undefined || req.base?.instances?.[alias]?.name !== inst.name || inst.ossBucket !== undefined) continue;
    const entries = Object.entries(inst);
    const at = entries.findIndex(([k]) => k === 'name') + 1;
    entries.splice(at, 0, ['ossBucket', bucket]);
    document = { ...document, instances: { ...document.instances, [alias]: Object.fromEntries(entries) as Instance } };
  }

  // Data-centre access: the base file's paths to adopted instances (no API names a data centre),
  // each kept only when the data-centre kinds plan it clean against the live routes.
  const dcBase = (req.base?.datacenterAccess ?? []).filter((p) => document.instances?.[p.to] !== undefined);
  if (dcBase.length > 0) {
    const withDc: RegistryDocument = { ...document, datacenterAccess: dcBase };
    const plan = await computePlan({ config: withDc, configDigest: '', configFile: 'adopted', kinds: pick(req.kinds, DATACENTER_KINDS), cloud: req.cloud, sha256: req.sha256 });
    const kept = dcBase.filter((p) => {
      const prefix = datacenterAddress(p.name);
      const pending = plan.actions.filter((a) => a.id === prefix || a.id.startsWith(`${prefix}.`));
      const errors = plan.findings.filter((f) => f.severity === 'error' && f.where === prefix);
      if (pending.length === 0 && errors.length === 0) return true;
      const why = [...pending.map((a) => `${a.type} ${a.id}`), ...errors.map((f) => `error ${f.id}: ${f.message}`)];
      notes.push({ address: prefix, message: `not adopted: a plan of it against the live routes is not clean (${why.join('; ')})` });
      return false;
    });
    if (kept.length > 0) document = { ...document, datacenterAccess: [...kept].sort((a, b) => compare(a.name, b.name)) };
  }
  return { document, notes: [...notes].sort((a, b) => compare(a.address, b.address) || compare(a.message, b.message)) };
}

/**
 * The base file's cross-region paths whose source account and target instance are in the document,
 * with their defaults left out (the transit routers' edition, routes that are on).
 */
function crossRegionCandidates(base: RegistryDocument | undefined, document: RegistryDocument): CrossRegionAccess[] {
  return (base?.crossRegionAccess ?? [])
    .filter((p) => document.accounts[p.from.account] !== undefined && document.instances?.[p.to] !== undefined)
    .map((p) => withoutDefaults(p));
}

function withoutDefaults(p: CrossRegionAccess): CrossRegionAccess {
  const router = (r: TransitRouter): TransitRouter => (r.edition === DEFAULTS.transitRouter.edition ? { id: r.id } : r);
  const routes = {
    ...(p.routes?.auth !== undefined && p.routes.auth !== DEFAULTS.routes.auth ? { auth: p.routes.auth } : {}),
    ...(p.routes?.oss !== undefined && p.routes.oss !== DEFAULTS.routes.oss ? { oss: p.routes.oss } : {}),
  };
  return {
    name: p.name,
    from: p.from,
    to: p.to,
    cen: { id: p.cen.id, sourceTransitRouter: router(p.cen.sourceTransitRouter), targetTransitRouter: router(p.cen.targetTransitRouter) },
    ...(Object.keys(routes).length > 0 ? { routes } : {}),
    ...(p.addresses !== undefined ? { addresses: p.addresses } : {}),
  };
}
