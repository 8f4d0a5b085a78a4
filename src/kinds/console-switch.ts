/**
 * Kinds `personal-edition-domain` and `auth-domain-takeover`: the two console-only switches of an
 * instance (`instance[i].personal-edition-domain`, `instance[i].auth-domain-takeover`), from one
 * factory. Managed only where the key is declared (true or false).
 *
 * No API turns them on or off and the instance must first be allow-listed by the vendor, so a
 * difference is a `gate`: apply stops there with the instructions, and `apply --resume` verifies
 * the switch by a live read (`reconcile`). The executor never calls `apply` for a gate.
 * Reads: cr ListInstanceEndpoint (ModuleName Registry) per matched RUNNING instance declaring the
 * key: the switch is on when the internet endpoint lists the public host AND the VPC endpoint the
 * VPC host (Personal Edition: `registry[-vpc].<region>.aliyuncs.com`; auth takeover:
 * `dockerauth[-vpc].<region>.aliyuncs.com`, the emulator's model, src/emulator/services/cr/SPEC.md).
 * `personal-edition-domain` also adds a plan output with the hosts line / PrivateZone record the
 * public Personal Edition host needs (DOMAIN.md: it is not resolved automatically).
 */
import type { CrClient } from '../cloud/cr.js';
import type { RegistryDocument } from '../config/model.js';
import { AcrctlError } from '../errors.js';
import type { Action, GateInfo, PlanOutput } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import { aliasOf, crFor, runningInstances } from './instance.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from './kind.js';

/** What differs between the two switches. */
interface SwitchDef {
  readonly kind: 'personal-edition-domain' | 'auth-domain-takeover';
  readonly key: 'personalEditionDomain' | 'authDomainTakeover';
  readonly address: (alias: string) => string;
  /** Display name in instructions. */
  readonly title: string;
  /** Console path after Instance → Overview. */
  readonly consolePath: string;
  /** Hosts the endpoints list when the switch is on: [internet host, VPC host]. */
  readonly hosts: (region: string) => readonly [string, string];
  readonly note: string;
}

const PERSONAL_EDITION: SwitchDef = {
  kind: 'personal-edition-domain',
  key: 'personalEditionDomain',
  address: addr.personalEditionDomain,
  title: 'Personal Edition domain support',
  consolePath: 'Container Registry console → Instances → {name} → Overview → Domain → Personal Edition domain → switch',
  hosts: (r) => [`registry.${r}.aliyuncs.com`, `registry-vpc.${r}.aliyuncs.com`],
  note: 'While it turns on (a few seconds) namespace and network ACL operations on the instance are unavailable: do not run another apply on it meanwhile.',
};

const AUTH_TAKEOVER: SwitchDef = {
  kind: 'auth-domain-takeover',
  key: 'authDomainTakeover',
  address: addr.authDomainTakeover,
  title: 'auth-domain takeover',
  consolePath: 'Container Registry console → Instances → {name} → Overview → Domain → auth domain takeover → switch',
  hosts: (r) => [`dockerauth.${r}.aliyuncs.com`, `dockerauth-vpc.${r}.aliyuncs.com`],
  note: 'Once on, the instance answers the auth host itself: clients reaching it across regions need no route to the auth service.',
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

function isOn(def: SwitchDef, region: string, d: { internet: string[]; vpc: string[] }): boolean {
  const [pub, vpc] = def.hosts(region);
  return d.internet.includes(pub) && d.vpc.includes(vpc);
}

/** A switch's desired object carries the instance's cloud name beside the spec, for instructions. */
interface SwitchDesired extends DesiredObject {
  readonly instanceName: string;
}

function instanceNameOf(d: DesiredObject): string {
  return (d as Partial<SwitchDesired>).instanceName ?? d.instance ?? d.id;
}

function gateInfo(def: SwitchDef, d: DesiredObject, live: LiveObject | undefined, instanceName: string): GateInfo {
  const on = d.spec['enabled'] === true;
  // Unknown until the instance exists: a placeholder the views fill in (src/render/placeholders.ts).
  const instanceId = live?.ids['instanceId'] ?? `{{${addr.instance(d.instance ?? d.id)}.instanceId}}`;
  const [pub, vpc] = def.hosts(d.region);
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

function makeSwitchKind(def: SwitchDef): Kind {
  return {
    name: def.kind,
    readAfter: ['instance'],
    reportsUnmanaged: true,

    desired(config: RegistryDocument): DesiredObject[] {
      return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) => {
        const v = inst[def.key];
        if (v === undefined) return [];
        const d: SwitchDesired = {
          id: def.address(alias),
          kind: def.kind,
          account: inst.account,
          region: inst.region,
          instance: alias,
          spec: { enabled: v },
          requires: [addr.instance(alias)],
          instanceName: inst.name,
        };
        return [d];
      });
    },

    async read(ctx: ReadContext): Promise<LiveObject[]> {
      return Promise.all(
        runningInstances(ctx)
          .filter((m) => m.config[def.key] !== undefined)
          .map(async (m): Promise<LiveObject> => {
            const d = await domains(ctx.cloud.cr(m.account, m.region), m.instanceId);
            return {
              id: def.address(m.alias),
              kind: def.kind,
              account: m.account,
              region: m.region,
              instance: m.alias,
              spec: { enabled: isOn(def, m.region, d) },
              ids: { instanceId: m.instanceId },
              container: m.address,
              prunable: false,
              requires: [m.address],
            };
          }),
      );
    },

    diff(desired: DesiredObject, live: LiveObject): Diff {
      return { changes: compareSpec(desired.spec, live.spec, { notes: { enabled: 'console-only switch: a human turns it' } }) };
    },

    /** Console-only: a difference is a gate; a new instance starts with the switch off. */
    classify(desired, live, diff) {
      if (desired === undefined) return 'none';
      if (live === undefined) return desired.spec['enabled'] === true ? 'gate' : 'none';
      return diff !== undefined && diff.changes.length > 0 ? 'gate' : 'none';
    },

    gate(desired: DesiredObject, live: LiveObject | undefined): GateInfo {
      return gateInfo(def, desired, live, instanceNameOf(desired));
    },

    extras(ctx) {
      if (def.kind !== 'personal-edition-domain') return {};
      const outputs: PlanOutput[] = [];
      for (const d of ctx.desired) {
        if (d.kind !== def.kind || d.spec['enabled'] !== true || d.instance === undefined) continue;
        const name = instanceNameOf(d);
        const [pub, vpc] = def.hosts(d.region);
        const eeHost = `${name}-registry.${d.region}.cr.aliyuncs.com`;
        const internet = ctx.desired.find((x) => x.kind === 'internet-endpoint' && x.instance === d.instance);
        outputs.push({
          id: `${d.id}.hosts`,
          title: `Resolve the public Personal Edition host ${pub} to instance ${name}`,
          lines: [
            `${vpc} resolves automatically inside VPCs linked to the instance (PrivateZone); prefer it.`,
            `For the public host, look up the instance's public address: dig +short ${eeHost}`,
            `hosts file line:    <IP of ${eeHost}> ${pub}`,
            `PrivateZone record: zone ${pub}, record @, type A, value <IP of ${eeHost}>, bound to the client VPCs`,
            internet?.spec['enabled'] === true
              ? `The client's public CIDR must be in instances.${d.instance}.internetEndpoint.allow.`
              : `The public host also needs instances.${d.instance}.internetEndpoint enabled, with the client's public CIDR in its allow list.`,
          ],
        });
      }
      return { outputs };
    },

    async apply(_ctx: ExecContext, action: Action): Promise<Outcome> {
      throw new AcrctlError('internal.gate_apply', `${action.id} is a console-only switch: acrctl cannot turn it, and the executor must verify gates instead of applying them`, {
        address: action.id,
      });
    },

    async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
      const alias = aliasOf(action);
      const instanceId = ctx.ids(addr.instance(alias))['instanceId'];
      if (instanceId === undefined) return { state: 'absent' };
      const want = action.after?.['enabled'] === true;
      const on = isOn(def, action.region, await domains(crFor(ctx, action), instanceId));
      return on === want ? { state: 'done', ids: { instanceId } } : { state: 'absent' };
    },
  };
}

export const personalEditionDomainKind: Kind = makeSwitchKind(PERSONAL_EDITION);
export const authDomainTakeoverKind: Kind = makeSwitchKind(AUTH_TAKEOVER);
