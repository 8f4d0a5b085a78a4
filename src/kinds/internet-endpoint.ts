/**
 * Kind `internet-endpoint`: the public endpoint of an instance (`instance[i].internet-endpoint`),
 * managed only where `internetEndpoint` is declared.
 *
 * Reads: cr GetInstanceEndpoint (EndpointType internet, ModuleName Registry) per matched RUNNING
 * instance that declares it. The compared spec is `{enabled}`; the same read also carries the ACL
 * entries and status OUTSIDE the spec (see {@link EndpointLive}) so `acl-entry` needs no call of its
 * own. The endpoint always exists on a live instance, so it is never unmanaged.
 * Acts: UpdateInstanceEndpointStatus, then waits RUNNING (on) or no status (off).
 */
import type { CrClient, GetInstanceEndpointResponse } from '../cloud/cr.js';
import { DEFAULTS, type RegistryDocument } from '../config/model.js';
import { address } from '../plan/address.js';
import { bool, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Subject } from '../plan/kind.js';
import { instanceAddress, instanceIdOf, knownInstanceId, runningInstances } from './instance.js';
import { TIMEOUTS, waitUntil } from './wait.js';
import { instanceCalls, instanceScope } from './permits.js';

export const INTERNET = { EndpointType: 'internet', ModuleName: 'Registry' } as const;

const keyShape = struct({ instance: str });
const specShape = struct({ enabled: bool });
const idsShape = struct({ instanceId: str });
export type EndpointKey = Decoded<typeof keyShape>;
export type EndpointSpec = Decoded<typeof specShape>;
export type EndpointIds = Decoded<typeof idsShape>;

/** `instance[i].internet-endpoint`. */
export function internetEndpointAddress(instance: string): string {
  return address(instanceAddress(instance), 'internet-endpoint');
}

/** One visible ACL entry of the internet endpoint. */
export interface AclView {
  readonly cidr: string;
  readonly description: string;
}

/** An internet-endpoint live object: the status and the ACL entries travel beside the spec. */
export interface EndpointLive extends LiveObject<EndpointSpec, EndpointIds, EndpointKey> {
  readonly status: string;
  readonly acl: readonly AclView[];
}

/** The ACL entries a live internet-endpoint object carries (empty for anything else). */
export function aclOf(l: LiveObject): readonly AclView[] {
  return (l as Partial<EndpointLive>).acl ?? [];
}

export async function getEndpoint(cr: CrClient, instanceId: string): Promise<GetInstanceEndpointResponse> {
  return cr.getInstanceEndpoint({ InstanceId: instanceId, ...INTERNET });
}

/** Whether the endpoint has settled in the state asked for: RUNNING when on, no status when off. */
function settled(r: GetInstanceEndpointResponse, enabled: boolean): boolean {
  return enabled ? r.Enable === true && r.Status === 'RUNNING' : r.Enable !== true;
}

/** Waits until the internet endpoint of `instanceId` is RUNNING (ACL changes are dropped before). */
export async function waitEndpointRunning(ctx: ExecContext, cr: CrClient, instanceId: string, what: string): Promise<GetInstanceEndpointResponse> {
  return waitUntil(
    ctx,
    async () => {
      const r = await getEndpoint(cr, instanceId);
      return settled(r, true) ? r : undefined;
    },
    { what, timeoutMs: TIMEOUTS.internetEndpoint },
  );
}

/** Create and update are one call: the endpoint always exists on a live instance, on or off. */
async function setEnabled(ctx: ExecContext, s: Subject<EndpointSpec, EndpointIds, EndpointKey>): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, s.key.instance);
  const enabled = s.spec.enabled;
  const cr = ctx.cloud.cr(s.account, s.region);
  const now = await getEndpoint(cr, instanceId);
  if ((now.Enable === true) !== enabled) {
    await ctx.intent('UpdateInstanceEndpointStatus', { instanceId, enable: enabled });
    await cr.updateInstanceEndpointStatus({ InstanceId: instanceId, Enable: enabled, ...INTERNET });
  }
  await waitUntil(ctx, async () => (settled(await getEndpoint(cr, instanceId), enabled) ? true : undefined), {
    what: `the internet endpoint of ${instanceId} to be ${enabled ? 'RUNNING' : 'off'}`,
    timeoutMs: TIMEOUTS.internetEndpoint,
  });
  return { ids: { instanceId } };
}

/** On or off as asked; an endpoint turned on is ready once RUNNING. */
async function observe(ctx: ExecContext, s: Subject<EndpointSpec, EndpointIds, EndpointKey>): Promise<Observation<EndpointIds>> {
  const instanceId = knownInstanceId(ctx, s.key.instance);
  if (instanceId === undefined) return { state: 'absent' };
  const r = await getEndpoint(ctx.cloud.cr(s.account, s.region), instanceId);
  const on = r.Enable === true;
  return { state: 'present', upToDate: on === s.spec.enabled, ready: settled(r, s.spec.enabled), ids: { instanceId } };
}

/** What the kind adds to the registry.yaml language (schema and reference; `npm run gen`). */
const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      internetEndpoint: {
        description: 'The public endpoint and its ACL. Absent: not managed.',
        $ref: '#/$defs/internetEndpoint',
      },
    },
  },
  defs: {
    internetEndpoint: {
      description: 'Public endpoint of the instance.',
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: {
          description: 'Whether the public endpoint is on.',
          type: 'boolean',
          default: false,
        },
        allow: {
          description: 'ACL whitelist entries (natural key: cidr).',
          type: 'array',
          items: { $ref: '#/$defs/aclEntry' },
        },
        prune: {
          description: 'Delete ACL entries found live but not declared (including the automatic `127.0.0.1/32` default entry).',
          type: 'boolean',
          default: false,
        },
      },
    },
  },
  sections: [['internetEndpoint', '#/$defs/internetEndpoint']],
};

/**
 * The calls of the kind (issue 17): GetInstanceEndpoint (Internet) for the instances that declare
 * `internetEndpoint` (adopt: every instance); UpdateInstanceEndpointStatus to turn it on or off,
 * then reads until it settles.
 */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) => {
    const s = instanceScope(config, alias)!;
    if (inst.internetEndpoint === undefined) return instanceCalls(s, ['read'], ['cr:GetInstanceEndpoint'], {}, ['adopt']);
    return [...instanceCalls(s, ['read', 'observe', 'create', 'update'], ['cr:GetInstanceEndpoint']), ...instanceCalls(s, ['create', 'update'], ['cr:UpdateInstanceEndpointStatus'])];
  });
}

export const internetEndpointKind: Kind<EndpointSpec, EndpointIds, EndpointKey> = {
  name: 'internet-endpoint',
  readAfter: ['instance'],
  reportsUnmanaged: true,
  address: (key) => internetEndpointAddress(key.instance),
  decode: { key: keyShape, spec: specShape, ids: idsShape },
  permissions: PERMISSIONS,
  language: LANGUAGE,

  desired(config: RegistryDocument) {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      inst.internetEndpoint === undefined
        ? []
        : [
            {
              id: internetEndpointAddress(alias),
              kind: 'internet-endpoint',
              account: inst.account,
              region: inst.region,
              instance: alias,
              key: { instance: alias },
              spec: { enabled: inst.internetEndpoint.enabled ?? DEFAULTS.internetEndpoint.enabled },
              requires: [instanceAddress(alias)],
            },
          ],
    );
  },

  async read(ctx: ReadContext) {
    return Promise.all(
      runningInstances(ctx)
        .filter((m) => ctx.discover === true || m.config.internetEndpoint !== undefined)
        .map(async (m) => {
          const r = await getEndpoint(ctx.cloud.cr(m.account, m.region), m.instanceId);
          const obj: EndpointLive = {
            id: internetEndpointAddress(m.alias),
            kind: 'internet-endpoint',
            account: m.account,
            region: m.region,
            instance: m.alias,
            key: { instance: m.alias },
            spec: { enabled: r.Enable === true },
            ids: { instanceId: m.instanceId },
            container: m.address,
            prunable: false,
            requires: [m.address],
            status: r.Status ?? '',
            acl: (r.AclEntries ?? []).filter((e) => e.Entry !== undefined).map((e) => ({ cidr: e.Entry!, description: e.Comment ?? '' })),
          };
          return obj;
        }),
    );
  },


  /** A new instance's endpoint is off: declaring it off on an instance to be created plans nothing. */
  classify(desired, live) {
    if (live === undefined && desired?.spec.enabled === false) return 'none';
    return undefined;
  },

  /** An endpoint that is on; one that is off is left out (its ACL entries with it, with a note). */
  toConfig(l, ctx) {
    if (l.spec.enabled) return { pieces: [{ set: ['instances', l.key.instance], fields: { internetEndpoint: { enabled: true } } }] };
    const n = ctx.live('acl-entry').filter((a) => a.instance === l.key.instance).length;
    if (n === 0) return {};
    return { notes: [{ address: l.id, message: `the endpoint is off but has ${n} ACL entr${n === 1 ? 'y' : 'ies'}; not adopted (the service drops entries of a disabled endpoint)` }] };
  },

  observe,
  create: setEnabled,
  update: setEnabled,
};
