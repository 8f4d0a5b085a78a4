/**
 * Kind `acl-entry`: one entry of the internet endpoint's access list (`instance[i].acl[cidr]`).
 *
 * Desired: `internetEndpoint.allow` entries, only while the endpoint is declared enabled (the service
 * hides and drops entries of a disabled endpoint; a finding says they wait for `enabled: true`).
 * Reads: nothing of its own: the entries come with the `internet-endpoint` live objects (one
 * GetInstanceEndpoint per instance). The service's own `127.0.0.1/32` entry is never unmanaged and
 * never pruned (it is live only when declared).
 * Description changes replace the entry (the API has no update). Creates wait for the endpoint to be
 * RUNNING first (an entry sent while it is CREATING is silently dropped), then until the entry shows,
 * sending it again if the endpoint was not RUNNING when it was sent (TIMEOUTS.aclEntry).
 */
import type { CrClient } from '../cloud/cr.js';
import { DEFAULTS, type RegistryDocument } from '../config/model.js';
import type { Action, PlanFinding } from '../plan/model.js';
import { addr } from './address.js';
import { compareSpec } from './compare.js';
import { aliasOf, instanceIdOf } from './instance.js';
import { crFor, unsupported } from './support.js';
import { aclOf, getEndpoint, INTERNET, waitEndpointRunning } from './internet-endpoint.js';
import type { DesiredObject, Diff, ExecContext, Kind, LiveObject, Outcome, ReadContext, Reconciled } from '../plan/kind.js';
import { TIMEOUTS, waitUntil } from './wait.js';

/** The entry the service adds when the endpoint is enabled: service-owned. */
export const DEFAULT_ACL_ENTRY = '127.0.0.1/32';
/** After this long without the entry showing on a RUNNING endpoint, it is sent again. */
const RESEND_AFTER_MS = 60_000;

async function entryOf(cr: CrClient, instanceId: string, cidr: string): Promise<{ status: string; enabled: boolean; description: string | undefined }> {
  const r = await getEndpoint(cr, instanceId);
  const e = (r.AclEntries ?? []).find((x) => x.Entry === cidr);
  return { status: r.Status ?? '', enabled: r.Enable === true, description: e === undefined ? undefined : (e.Comment ?? '') };
}

function keyOf(action: Action): { cidr: string; description: string } {
  const spec = action.after ?? action.before ?? {};
  return { cidr: String(spec['cidr']), description: String(spec['description'] ?? '') };
}

async function send(ctx: ExecContext, cr: CrClient, instanceId: string, cidr: string, description: string): Promise<void> {
  await ctx.intent('CreateInstanceEndpointAclPolicy', { instanceId, cidr });
  await cr.createInstanceEndpointAclPolicy({ InstanceId: instanceId, ...INTERNET, Entries: [{ Entry: cidr, Comment: description }] });
}

async function create(ctx: ExecContext, action: Action, instanceId: string): Promise<Outcome> {
  const { cidr, description } = keyOf(action);
  const cr = crFor(ctx, action);
  const current = await entryOf(cr, instanceId, cidr);
  if (current.description === description) return { ids: { instanceId } };
  // An interrupted run already sent this create: entries appear some time after it, so wait that
  // long before sending it again (sending at once would be a duplicate call).
  let sentAt: number | undefined = ctx.reconciled?.state === 'pending' ? ctx.now() : undefined;
  let sends = 0;
  await waitUntil(
    ctx,
    async () => {
      const now = await entryOf(cr, instanceId, cidr);
      if (now.description === description) return true;
      const running = now.enabled && now.status === 'RUNNING';
      if (!running) {
        sentAt = undefined; // anything sent before the endpoint runs again is dropped
        return undefined;
      }
      const resendAfter = sends === 0 && ctx.reconciled?.state === 'pending' ? ctx.settleMs : RESEND_AFTER_MS;
      if (sentAt === undefined || ctx.now() - sentAt >= resendAfter) {
        sends++;
        await send(ctx, cr, instanceId, cidr, description);
        sentAt = ctx.now();
      }
      return undefined;
    },
    { what: `ACL entry ${cidr} to appear`, timeoutMs: TIMEOUTS.aclEntry },
  );
  return { ids: { instanceId } };
}

async function remove(ctx: ExecContext, action: Action, instanceId: string): Promise<void> {
  const { cidr } = keyOf(action);
  const cr = crFor(ctx, action);
  await ctx.intent('DeleteInstanceEndpointAclPolicy', { instanceId, cidr });
  await cr.deleteInstanceEndpointAclPolicy({ InstanceId: instanceId, ...INTERNET, Entries: [{ Entry: cidr }] });
  await waitUntil(ctx, async () => ((await entryOf(cr, instanceId, cidr)).description === undefined ? true : undefined), {
    what: `ACL entry ${cidr} to be removed`,
    timeoutMs: TIMEOUTS.aclEntry,
  });
}

export const aclEntryKind: Kind = {
  name: 'acl-entry',
  readAfter: ['internet-endpoint'],
  reportsUnmanaged: true,

  desired(config: RegistryDocument): DesiredObject[] {
    return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) => {
      const ep = inst.internetEndpoint;
      if (ep === undefined || (ep.enabled ?? DEFAULTS.internetEndpoint.enabled) !== true) return [];
      return (ep.allow ?? []).map((a) => ({
        id: addr.aclEntry(alias, a.cidr),
        kind: 'acl-entry',
        account: inst.account,
        region: inst.region,
        instance: alias,
        spec: { cidr: a.cidr, description: a.description ?? '' },
        requires: [addr.internetEndpoint(alias), addr.instance(alias)],
      }));
    });
  },

  async read(ctx: ReadContext): Promise<LiveObject[]> {
    const desired = new Set(ctx.desired.filter((d) => d.kind === 'acl-entry').map((d) => d.id));
    return ctx.live('internet-endpoint').flatMap((ep) => {
      const alias = ep.instance;
      const inst = alias === undefined ? undefined : ctx.config.instances?.[alias];
      if (alias === undefined || inst === undefined) return [];
      return aclOf(ep)
        .filter((e) => e.cidr !== DEFAULT_ACL_ENTRY || desired.has(addr.aclEntry(alias, e.cidr)))
        .map(
          (e): LiveObject => ({
            id: addr.aclEntry(alias, e.cidr),
            kind: 'acl-entry',
            account: ep.account,
            region: ep.region,
            instance: alias,
            spec: { cidr: e.cidr, description: e.description },
            ids: { ...ep.ids },
            container: ep.id,
            prunable: inst.internetEndpoint?.prune ?? DEFAULTS.internetEndpoint.prune,
            requires: [ep.id, ep.container],
          }),
        );
    });
  },

  diff(desired: DesiredObject, live: LiveObject): Diff {
    return {
      changes: compareSpec(desired.spec, live.spec, {
        replace: ['description'],
        notes: { description: 'the API has no update for ACL entries: deleted and created again' },
      }),
    };
  },

  extras(ctx) {
    const findings: PlanFinding[] = [];
    for (const d of ctx.desired) {
      if (d.kind !== 'internet-endpoint' || d.spec['enabled'] !== false) continue;
      // Entries of a disabled endpoint are not planned; say so rather than drop them silently.
      findings.push({
        id: 'acl-waits-for-endpoint',
        severity: 'info',
        message: `${d.id} is declared disabled: its allow entries are applied once it is enabled (the service hides and drops entries of a disabled endpoint)`,
        where: d.id,
      });
    }
    return { findings };
  },

  async apply(ctx: ExecContext, action: Action): Promise<Outcome> {
    const instanceId = instanceIdOf(ctx, aliasOf(action));
    switch (action.type) {
      case 'create':
        await waitEndpointRunning(ctx, crFor(ctx, action), instanceId, `the internet endpoint of ${instanceId} to be RUNNING`);
        return create(ctx, action, instanceId);
      case 'replace': {
        await waitEndpointRunning(ctx, crFor(ctx, action), instanceId, `the internet endpoint of ${instanceId} to be RUNNING`);
        const { cidr, description } = keyOf(action);
        const live = await entryOf(crFor(ctx, action), instanceId, cidr);
        if (live.description !== undefined && live.description !== description) await remove(ctx, action, instanceId);
        return create(ctx, action, instanceId);
      }
      case 'delete':
        await remove(ctx, action, instanceId);
        return {};
      default:
        return unsupported('acl-entry', action);
    }
  },

  async reconcile(ctx: ExecContext, action: Action): Promise<Reconciled> {
    const instanceId = ctx.ids(addr.instance(aliasOf(action)))['instanceId'];
    if (instanceId === undefined) return action.type === 'delete' ? { state: 'done' } : { state: 'absent' };
    const { cidr, description } = keyOf(action);
    const live = await entryOf(crFor(ctx, action), instanceId, cidr);
    if (action.type === 'delete') return live.description === undefined ? { state: 'done' } : { state: 'absent' };
    if (live.description === description) return { state: 'done', ids: { instanceId } };
    // Sent by the interrupted run but not visible yet: pending, so apply waits before re-sending.
    return ctx.announced?.includes('CreateInstanceEndpointAclPolicy') ? { state: 'pending', ids: { instanceId } } : { state: 'absent' };
  },
};
