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
import type { Action } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import { aliasOf, instanceIdOf, runningInstances } from './instance.js';
import { crFor, unsupported } from './support.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';
import { TIMEOUTS, waitUntil } from './wait.js';

export const INTERNET = { EndpointType: 'internet', ModuleName: 'Registry' } as const;

/** One visible ACL entry of the internet endpoint. */
export interface AclView {
  readonly cidr: string;
  readonly description: string;
}

/** An internet-endpoint live object: the status and the ACL entries travel beside the spec. */
export interface EndpointLive extends LiveObject {
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

async function setEnabled(ctx: ExecContext, action: Action): Promise<Outcome> {
  const instanceId = instanceIdOf(ctx, aliasOf(action));
  const enabled = action.after?.['enabled'] === true;
  const cr = crFor(ctx, action);
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

export const internetEndpointKind: Kind = {
  name: 'internet-endpoint',
  readAfter: ['instance'],
  reportsUnmanaged: true,

  desired(config: RegistryDocument): DesiredObject[] {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
      inst.internetEndpoint === undefined
        ? []
        : [
            {
              id: addr.internetEndpoint(alias),
              kind: 'internet-endpoint',
              account: inst.account,
              region: inst.region,
              instance: alias,
              spec: { enabled: inst.internetEndpoint.enabled ?? DEFAULTS.internetEndpoint.enabled },
              requires: [addr.instance(alias)],
            },
          ],
    );
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
    return Promise.all(
      runningInstances(ctx)
        .filter((m) => m.config.internetEndpoint !== undefined)
        .map(async (m): Promise<LiveObject> => {
          const r = await getEndpoint(ctx.cloud.cr(m.account, m.region), m.instanceId);
          const obj: EndpointLive = {
            id: addr.internetEndpoint(m.alias),
            kind: 'internet-endpoint',
            account: m.account,
            region: m.region,
            instance: m.alias,
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

  diff(desired: DesiredObject, live: LiveObject): Diff {
    return { changes: compareSpec(desired.spec, live.spec) };
  },

  /** A new instance's endpoint is off: declaring it off on an instance to be created plans nothing. */
  classify(desired, live) {
    if (live === undefined && desired?.spec['enabled'] === false) return 'none';
    return undefined;
  },

  async apply(ctx: ExecContext, action: Action): Promise<Outcome> {
    switch (action.type) {
      case 'create':
      case 'update':
        return setEnabled(ctx, action);
      default:
        return unsupported('internet-endpoint', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const instanceId = ctx.ids(addr.instance(aliasOf(action)))['instanceId'];
    if (instanceId === undefined) return { state: 'absent' };
    const enabled = action.after?.['enabled'] === true;
    const r = await getEndpoint(crFor(ctx, action), instanceId);
    if (settled(r, enabled)) return { state: 'done', ids: { instanceId } };
    return enabled && r.Enable === true ? { state: 'pending', ids: { instanceId } } : { state: 'absent' };
  },
};
