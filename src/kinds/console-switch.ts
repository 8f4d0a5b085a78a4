/**
 * Kinds `personal-edition-domain` and `auth-domain-takeover`: the two console-only switches of an
 * instance (`instance[i].personal-edition-domain`, `instance[i].auth-domain-takeover`), from one
 * factory. Managed only where the key is declared (true or false).
 *
 * No API turns them on or off and the instance must first be allow-listed by the vendor, so a
 * difference is a `gate`: apply stops there with the instructions, and `apply --resume` verifies
 * the switch by a live read (`check`). No verb turns it: the executor only checks gates.
 * Reads: cr ListInstanceEndpoint (ModuleName Registry) per matched RUNNING instance declaring the
 * key: the switch is on when the internet endpoint lists the public host AND the VPC endpoint the
 * VPC host (Personal Edition: `registry[-vpc].<region>.aliyuncs.com`; auth takeover:
 * `dockerauth[-vpc].<region>.aliyuncs.com`, the emulator's model, src/emulator/services/cr/SPEC.md).
 * `personal-edition-domain` also adds a plan output with the hosts line / PrivateZone record the
 * public Personal Edition host needs (DOMAIN.md: it is not resolved automatically).
 */
import type { Site } from '../cloud/bss.js';
import type { CrClient } from '../cloud/cr.js';
import type { RegistryDocument } from '../config/model.js';
import { address } from '../plan/address.js';
import { bool, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, DesiredObject, Diff, ExecContext, GateSubject, JsonSchema, Kind, LiveObject, ReadContext, Reconciled } from '../plan/kind.js';
import type { GateInfo, PlanFinding, PlanOutput } from '../plan/model.js';
import { compareSpec } from '../plan/compare.js';
import { resolveImports } from './image-import.js';
import { instanceAddress, knownInstanceId, runningInstances } from './instance.js';
import { calls, instanceCalls, instanceScope } from './permits.js';
import { namespaceAddress } from './namespace.js';

const keyShape = struct({ instance: str });
const specShape = struct({ enabled: bool });
const idsShape = struct({ instanceId: str });
export type SwitchKey = Decoded<typeof keyShape>;
export type SwitchSpec = Decoded<typeof specShape>;
export type SwitchIds = Decoded<typeof idsShape>;

/** `instance[i].personal-edition-domain`. */
export function personalEditionDomainAddress(instance: string): string {
  return address(instanceAddress(instance), 'personal-edition-domain');
}

/** `instance[i].auth-domain-takeover`. */
export function authDomainTakeoverAddress(instance: string): string {
  return address(instanceAddress(instance), 'auth-domain-takeover');
}

/** What differs between the two switches. */
interface SwitchDef {
  readonly kind: 'personal-edition-domain' | 'auth-domain-takeover';
  readonly key: 'personalEditionDomain' | 'authDomainTakeover';
  readonly address: (alias: string) => string;
  /** Display name in instructions. */
  readonly title: string;
  /** Console path after Instance → Overview. */
  readonly consolePath: string;
  /**
   * Hosts the endpoints list when the switch is on: [internet host, VPC host], on the site of the
   * instance's account (Personal Edition hosts are `registry-intl…` on the international site).
   */
  readonly hosts: (region: string, site: Site) => readonly [string, string];
  readonly note: string;
  /** The instance key's schema (registry.yaml `instances.<i>.<key>`). */
  readonly schema: JsonSchema;
}

const PERSONAL_EDITION: SwitchDef = {
  kind: 'personal-edition-domain',
  key: 'personalEditionDomain',
  address: personalEditionDomainAddress,
  title: 'Personal Edition domain support',
  consolePath: 'Container Registry console → Instances → {name} → Overview → Domain → Personal Edition domain → switch',
  hosts: (r, site) => {
    const label = site === 'international' ? 'registry-intl' : 'registry';
    return [`${label}.${r}.aliyuncs.com`, `${label}-vpc.${r}.aliyuncs.com`];
  },
  note: 'While it turns on (a few seconds) namespace and network ACL operations on the instance are unavailable: do not run another apply on it meanwhile.',
  schema: {
    description: 'Personal Edition domain support: the Personal Edition hosts of this region route to this instance for namespaces it has. At most one instance per region. A console-only switch behind a vendor allow-list: acrctl plans it as a verified gate.',
    type: 'boolean',
    default: false,
  },
};

const AUTH_TAKEOVER: SwitchDef = {
  kind: 'auth-domain-takeover',
  key: 'authDomainTakeover',
  address: authDomainTakeoverAddress,
  title: 'auth-domain takeover',
  consolePath: 'Container Registry console → Instances → {name} → Overview → Domain → auth domain takeover → switch',
  hosts: (r) => [`dockerauth.${r}.aliyuncs.com`, `dockerauth-vpc.${r}.aliyuncs.com`],
  note: 'Once on, the instance answers the auth host itself: clients reaching it across regions need no route to the auth service.',
  schema: {
    description: 'Auth-domain takeover: the instance answers the auth domain itself, so cross-region access needs no auth-service route. A console-only switch behind a vendor allow-list: acrctl plans it as a verified gate.',
    type: 'boolean',
    default: false,
  },
};

/** The internet and VPC domains of an instance's Registry endpoints. */
async function domains(cr: CrClient, instanceId: string): Promise<{ internet: string[]; vpc: string[] }> {
  const r = await cr.listInstanceEndpoint({ InstanceId: instanceId, ModuleName: 'Registry' });
  const of = (type: string) =>
    (r.Endpoints ?? [])
      .filter((e) => e.EndpointType === type)
      .flatMap((e) => (e.Domains ?? []).map((d) => d.Domain ?? ''))
      .filter((d) => d !== '');
  return { internet: of('internet'), vpc: of('vpc') };
}

/** On when both hosts of either site are listed (an account's site may be undeclared: an instance lists only its own site's). */
function isOn(def: SwitchDef, region: string, d: { internet: string[]; vpc: string[] }): boolean {
  return SITES.some((site) => {
    const [pub, vpc] = def.hosts(region, site);
    return d.internet.includes(pub) && d.vpc.includes(vpc);
  });
}

const SITES: readonly Site[] = ['china', 'international'];

/** A switch's desired object carries the instance's cloud name beside the spec, for instructions. */
interface SwitchDesired extends DesiredObject<SwitchSpec, SwitchKey> {
  readonly instanceName: string;
  /** The declared site of the instance's account (default china: hosts shown for it). */
  readonly site: Site;
}

function siteOfDesired(d: DesiredObject): Site {
  return (d as Partial<SwitchDesired>).site ?? 'china';
}

function instanceNameOf(d: DesiredObject): string {
  return (d as Partial<SwitchDesired>).instanceName ?? d.instance ?? d.id;
}

function gateInfo(def: SwitchDef, d: DesiredObject, live: LiveObject | undefined, instanceName: string): GateInfo {
  const on = d.spec['enabled'] === true;
  // Unknown until the instance exists: a placeholder the views fill in (src/render/placeholders.ts).
  const instanceId = live?.ids['instanceId'] ?? `{{${instanceAddress(d.instance ?? d.id)}.instanceId}}`;
  const [pub, vpc] = def.hosts(d.region, siteOfDesired(d));
  const where = `instance ${instanceName} (${instanceId}) in ${d.region}`;
  const instructions = on
    ? [
        `Open a ticket with Alibaba Cloud asking to allow-list ${where} for ${def.title} (skip if it is already allow-listed).`,
        `When it is allow-listed, turn it on: ${def.consolePath.replace('{name}', instanceName)}.`,
        def.note,
        `Then run acrctl apply --resume: it checks the switch and carries on with what waited behind it.`,
      ]
    : [
        `Turn ${def.title} off for ${where}: ${def.consolePath.replace('{name}', instanceName)}.`,
        `Then run acrctl apply --resume: it checks the switch and carries on with what waited behind it.`,
      ];
  return {
    instructions,
    verification: on
      ? `the instance's endpoints list ${pub} (internet) and ${vpc} (VPC) (cr ListInstanceEndpoint)`
      : `the instance's endpoints no longer list ${pub} and ${vpc} (cr ListInstanceEndpoint)`,
    expect: { enabled: on, hosts: [pub, vpc] },
  };
}

/**
 * The calls of a switch kind (issue 17): ListInstanceEndpoint (its domains say whether the switch
 * is on) for the instances that declare it (adopt: every instance), and again when a gate's check
 * verifies what a human did. Nothing is written: the switch is console-only.
 */
function switchPermissions(key: SwitchDef['key']) {
  return (config: RegistryDocument): CallNeed[] =>
    Object.entries(config.instances ?? {}).flatMap(([alias, inst]) => [
      ...instanceCalls(instanceScope(config, alias)!, ['read', 'observe', 'check'], ['cr:ListInstanceEndpoint'], {}, inst[key] === undefined ? ['adopt'] : undefined),
      // Live conflicts of turning it on (issue 11): the Personal Edition namespaces of the region a
      // declared namespace would shadow, and their repositories.
      ...(inst[key] === true && Object.keys(inst.namespaces ?? {}).length > 0
        ? [
            ...calls(['read'], inst.account, { region: inst.region }, ['crpe:GetNamespaceList']),
            ...Object.keys(inst.namespaces ?? {}).flatMap((ns) => calls(['read'], inst.account, { region: inst.region, namespace: ns }, ['crpe:GetRepoListByNamespace'])),
          ]
        : []),
    ]);
}

/** A Personal Edition host of a region, public or VPC, China or international site. */
function isPersonalHost(domain: string, region: string): boolean {
  return new RegExp(`^registry(-intl)?(-vpc)?\\.${region.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.aliyuncs\\.com$`).test(domain);
}

/**
 * What the live estate says against turning the switch on for `m` (observe only, List calls):
 * - `otherInstancesOn`: other instances of the account in the region whose endpoints list a
 *   Personal Edition host (the vendor allows one per region: the console would refuse);
 * - `shadowed`: declared namespaces of `m` named like a live Personal Edition namespace of the region
 *   that no import rule of `m` moves into the namespace of that name, with that namespace's
 *   repositories (unreachable through the Personal Edition hosts once the switch is on).
 * Fields are present only when non-empty.
 */
async function liveConflicts(ctx: ReadContext, m: ReturnType<typeof runningInstances>[number]): Promise<{ otherInstancesOn?: string[]; shadowed?: Record<string, string[]> }> {
  const out: { otherInstancesOn?: string[]; shadowed?: Record<string, string[]> } = {};
  const cr = ctx.cloud.cr(m.account, m.region);
  const others = ctx.live('instance').filter((l) => l.account === m.account && l.region === m.region && l.ids['instanceId'] !== undefined && l.ids['instanceId'] !== m.instanceId);
  const on: string[] = [];
  for (const l of others) {
    const id = l.ids['instanceId']!;
    let d: { internet: string[]; vpc: string[] };
    try {
      d = await domains(cr, id);
    } catch {
      continue; // not RUNNING (being created or released): it answers no host
    }
    if ([...d.internet, ...d.vpc].some((x) => isPersonalHost(x, m.region))) on.push(`${String(l.spec['name'] ?? l.key['name'] ?? id)} (${id})`);
  }
  if (on.length > 0) out.otherInstancesOn = on.sort();
  const declared = Object.keys(m.config.namespaces ?? {});
  if (declared.length === 0) return out;
  const intoSame = new Set(resolveImports(ctx.config).filter((r) => r.instance === m.alias && r.from === 'personal' && r.sourceRegion === m.region && r.sourceNamespace === r.namespace).map((r) => r.namespace));
  const crpe = ctx.cloud.crpe(m.account, m.region);
  const peNamespaces = new Set((await crpe.allNamespaces()).items.map((n) => n.namespace ?? ''));
  const shadowed: Record<string, string[]> = {};
  for (const ns of declared.sort()) {
    if (!peNamespaces.has(ns) || intoSame.has(ns)) continue;
    shadowed[ns] = (await crpe.allRepos({ RepoNamespace: ns })).items.filter((r) => r.repoNamespace === ns && typeof r.repoName === 'string').map((r) => r.repoName!).sort();
  }
  if (Object.keys(shadowed).length > 0) out.shadowed = shadowed;
  return out;
}

function makeSwitchKind(def: SwitchDef): Kind<SwitchSpec, SwitchIds, SwitchKey> {
  return {
    name: def.kind,
    readAfter: ['instance'],
    reportsUnmanaged: true,
    address: (key) => def.address(key.instance),
    decode: { key: keyShape, spec: specShape, ids: idsShape },
    permissions: switchPermissions(def.key),
    language: { properties: { '#/$defs/instance': { [def.key]: def.schema } } },

    desired(config: RegistryDocument) {
      return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) => {
        const v = inst[def.key];
        if (v === undefined) return [];
        const d: SwitchDesired = {
          id: def.address(alias),
          kind: def.kind,
          account: inst.account,
          region: inst.region,
          instance: alias,
          key: { instance: alias },
          spec: { enabled: v },
          requires: [instanceAddress(alias)],
          instanceName: inst.name,
          site: config.accounts[inst.account]?.site ?? 'china',
        };
        return [d];
      });
    },

    async read(ctx: ReadContext) {
      return Promise.all(
        runningInstances(ctx)
          .filter((m) => ctx.discover === true || m.config[def.key] !== undefined)
          .map(async (m): Promise<LiveObject<SwitchSpec, SwitchIds, SwitchKey>> => {
            const d = await domains(ctx.cloud.cr(m.account, m.region), m.instanceId);
            const conflicts = def.kind === 'personal-edition-domain' && m.config.personalEditionDomain === true ? await liveConflicts(ctx, m) : {};
            return {
              id: def.address(m.alias),
              kind: def.kind,
              account: m.account,
              region: m.region,
              instance: m.alias,
              key: { instance: m.alias },
              spec: { enabled: isOn(def, m.region, d), ...conflicts },
              ids: { instanceId: m.instanceId },
              container: m.address,
              prunable: false,
              requires: [m.address],
            };
          }),
      );
    },

    diff(desired, live): Diff {
      return { changes: compareSpec(desired.spec, live.spec, { notes: { enabled: 'console-only switch: a human turns it' } }) };
    },

    /** Console-only: a difference is a gate; a new instance starts with the switch off. */
    classify(desired, live, diff) {
      if (desired === undefined) return 'none';
      if (live === undefined) return desired.spec.enabled === true ? 'gate' : 'none';
      return diff !== undefined && diff.changes.length > 0 ? 'gate' : 'none';
    },

    /**
     * Turning the switch on sends pulls of the Personal Edition hosts (or its logins, for the auth
     * takeover) to the instance, so it waits for the data first (seed 000's prerequisite): every
     * image copy of the instance's Personal Edition import rules and the namespaces and
     * repositories they fill. A copy that fails skips the switch; apply names the blocking copies.
     */
    waitFor(desired, ctx) {
      if (desired.spec.enabled !== true) return undefined;
      const alias = desired.key.instance;
      const rules = resolveImports(ctx.config).filter((r) => r.instance === alias && r.from === 'personal');
      if (rules.length === 0) return undefined;
      const namespaces = new Set(rules.map((r) => r.namespace));
      const copies = ctx.desired.filter((d) => d.kind === 'image-import' && d.key['part'] === 'image' && d.key['instance'] === alias).map((d) => d.id);
      const repositories = ctx.desired.filter((d) => d.kind === 'repository' && d.key['instance'] === alias && namespaces.has(d.key['namespace'] ?? '')).map((d) => d.id);
      const keys = rules.map((r) => r.key).join(', ');
      const copied = copies.length === 0 ? `after the imports ${keys} (no image left to copy)` : `after the ${copies.length} image cop${copies.length === 1 ? 'y' : 'ies'} of imports ${keys}`;
      return {
        requires: [...[...namespaces].sort().map((ns) => namespaceAddress(alias, ns)), ...repositories, ...copies],
        reason:
          `last: ${copied} and the namespaces and repositories they fill; ` +
          `once on, ${def.kind === 'personal-edition-domain' ? 'pulls through the Personal Edition hosts of these namespaces are served by this instance' : 'logins through the auth domain are answered by this instance'}, which must hold the images first`,
      };
    },

    gate(desired, live): GateInfo {
      return gateInfo(def, desired, live, instanceNameOf(desired));
    },

    extras(ctx) {
      if (def.kind !== 'personal-edition-domain') return {};
      const outputs: PlanOutput[] = [];
      const findings: PlanFinding[] = [];
      for (const l of ctx.live(def.kind)) {
        if (l.spec['enabled'] !== true || l.instance === undefined) continue;
        const missing = ctx.desired.filter((d) => d.kind === 'image-import' && d.key['part'] === 'image' && d.key['instance'] === l.instance);
        if (missing.length === 0) continue;
        const images = missing.map((d) => `${d.key['namespace'] ?? ''}/${d.key['repository'] ?? ''}:${d.key['tag'] ?? ''}`).sort();
        const shown = images.slice(0, 5).join(', ') + (images.length > 5 ? `, and ${images.length - 5} more` : '');
        findings.push({
          id: 'pe-domain-before-data',
          severity: 'warning',
          drift: 'error',
          where: l.id,
          key: l.key,
          message:
            `${def.title} is on for instance[${l.instance}] (${l.ids['instanceId'] ?? ''}), but ${images.length} image${images.length === 1 ? '' : 's'} its import rules select ${images.length === 1 ? 'is' : 'are'} not in it yet (${shown}): ` +
            `pulls of ${def.hosts(l.region, siteOfDesired(ctx.desired.find((x) => x.id === l.id) ?? l))[0]}/<namespace>/… for ${images.length === 1 ? 'it' : 'them'} reach the instance and fail. Run acrctl apply to copy them now, or turn the switch off until they are there`,
        });
      }
      for (const d of ctx.desired) {
        if (d.kind !== def.kind || d.spec['enabled'] !== true || d.instance === undefined) continue;
        const name = instanceNameOf(d);
        const r = d.region;
        // All four hosts are listed whatever the account's site; the RAM note names its own.
        const [pub, vpc] = def.hosts(r, 'china');
        const [sitePub] = def.hosts(r, siteOfDesired(d));
        const intl = `registry-intl.${r}.aliyuncs.com`;
        const intlVpc = `registry-intl-vpc.${r}.aliyuncs.com`;
        const eeHost = `${name}-registry.${r}.cr.aliyuncs.com`;
        const eeVpcHost = `${name}-registry-vpc.${r}.cr.aliyuncs.com`;
        const internet = ctx.desired.find((x) => x.kind === 'internet-endpoint' && x.instance === d.instance);
        const acl =
          internet?.spec['enabled'] === true
            ? `the client's public CIDR in instances.${d.instance}.internetEndpoint.allow`
            : `instances.${d.instance}.internetEndpoint enabled, with the client's public CIDR in its allow list`;
        outputs.push({
          id: `${d.id}.hosts`,
          title: `The four Personal Edition hosts of ${r} and what each needs to reach instance ${name}`,
          lines: [
            `${vpc} (VPC, China site): resolves automatically inside VPCs linked to the instance (PrivateZone); prefer it.`,
            `${intlVpc} (VPC, international site): resolves automatically the same way when the account is on the international site; otherwise a manual PrivateZone record: zone ${intlVpc}, record @, type A, value <IP of ${eeVpcHost}>, bound to the client VPCs.`,
            `${pub} (public, China site) and ${intl} (public, international site): never automatic. Look up the instance's public address: dig +short ${eeHost}`,
            `  in the cloud, a PrivateZone record: zone ${pub} (or ${intl}), record @, type A, value <IP of ${eeHost}>, bound to the client VPCs`,
            `  on premises, a hosts file line:    <IP of ${eeHost}> ${pub} ${intl}`,
            `  and, for both, ${acl}.`,
          ],
        });
        // Seed 000: RAM users logging in through the Personal Edition domain reach the instance.
        const instanceId = ctx.live(def.kind).find((l) => l.id === d.id)?.ids['instanceId'] ?? `{{${instanceAddress(d.instance)}.instanceId}}`;
        outputs.push({
          id: `${d.id}.ram-users`,
          title: `RAM users who log in through ${sitePub} now log in to instance ${name}`,
          lines: [
            `docker login ${sitePub} with a RAM user's name logs in to instance ${name} (${instanceId}), not to Personal Edition: set that user's access credentials on the instance (Container Registry console → Instances → ${name} → Instance → Access Credentials).`,
            `Grant each such RAM user a policy for the instance's resources (acs:cr:${r}:<account uid>:instance/${instanceId} and its repositories: cr:GetAuthorizationToken, cr:PullRepository, cr:PushRepository as needed), or its pulls and pushes are denied.`,
          ],
        });
      }
      for (const l of ctx.live(def.kind)) {
        const d = ctx.desired.find((x) => x.id === l.id);
        if (d?.spec['enabled'] !== true || l.instance === undefined) continue;
        const name = instanceNameOf(d);
        const others = Array.isArray(l.spec['otherInstancesOn']) ? (l.spec['otherInstancesOn'] as unknown[]).map(String) : [];
        if (others.length > 0 && l.spec['enabled'] !== true) {
          findings.push({
            id: 'pe-domain-other-instance',
            severity: 'error',
            where: l.id,
            key: l.key,
            message:
              `${def.title} is already on for ${others.join(', ')} of account ${l.account} in ${l.region}; only one instance per region may have it, so the console would refuse it for ${name} (${l.ids['instanceId'] ?? ''}). ` +
              `Fix: turn it off on ${others.join(', ')} first (console → the instance → Overview → Domain), or set personalEditionDomain: false on instance ${l.instance}`,
          });
        }
        const shadowed = (l.spec['shadowed'] ?? {}) as Record<string, unknown>;
        for (const [ns, repos] of Object.entries(shadowed).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const list = Array.isArray(repos) ? repos.map(String) : [];
          findings.push({
            id: 'pe-namespace-shadowed-live',
            severity: 'warning',
            where: namespaceAddress(l.instance, ns),
            message:
              `namespace ${ns} of instance ${name} (${l.ids['instanceId'] ?? ''}) has the name of a live Personal Edition namespace in ${l.region} that no import rule moves into it: with ${def.title} on, pulls of ${def.hosts(l.region, siteOfDesired(d))[0]}/${ns}/… reach the instance, ` +
              `so ${list.length === 0 ? 'that namespace' : `its ${list.length} repositor${list.length === 1 ? 'y' : 'ies'} (${list.join(', ')})`} become${list.length === 1 ? 's' : ''} unreachable through the Personal Edition hosts. ` +
              `Fix: import it (imports: [{ from: personal, namespace: ${ns} }]), or rename the Enterprise Edition namespace`,
          });
        }
      }
      return { outputs, findings };
    },

    /** A switch that is on (off is the default). */
    toConfig(l) {
      return l.spec.enabled ? { pieces: [{ set: ['instances', l.key.instance], fields: { [def.key]: true } }] } : {};
    },

    /** The switch is as declared when both of its hosts are listed (or neither, for off). */
    async check(ctx: ExecContext, g: GateSubject<SwitchSpec, SwitchKey>): Promise<Reconciled> {
      const instanceId = knownInstanceId(ctx, g.key.instance);
      if (instanceId === undefined) return { state: 'absent' };
      const on = isOn(def, g.region, await domains(ctx.cloud.cr(g.account, g.region), instanceId));
      return on === g.spec.enabled ? { state: 'done', ids: { instanceId } } : { state: 'absent' };
    },
  };
}

export const personalEditionDomainKind = makeSwitchKind(PERSONAL_EDITION);
export const authDomainTakeoverKind = makeSwitchKind(AUTH_TAKEOVER);
