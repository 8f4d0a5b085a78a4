/**
 * cr admin routes under /_emulator/cr/: push an image tag (drives sync rules), allow-list an
 * instance, flip the console-only switches. Not signed, not in the call log.
 */
import { ApiError, type AdminContext, type AdminRoute } from '../../core/contract.js';
import { createInstance, crState, DIGEST_RE, INSTANCE_NAME_RE, instanceStatus, liveInstances, onTagPushed, repoForWrite, settle, writeTag, type InstanceRecord } from './models.js';

function body(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('InvalidBody', 'The body must be a JSON object.', 400);
  return raw as Record<string, unknown>;
}

function str(b: Record<string, unknown>, name: string): string {
  const v = b[name];
  if (typeof v !== 'string' || v === '') throw new ApiError('InvalidBody', `"${name}" must be a non-empty string.`, 400);
  return v;
}

function optBool(b: Record<string, unknown>, name: string): boolean | undefined {
  const v = b[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ApiError('InvalidBody', `"${name}" must be a boolean.`, 400);
  return v;
}

/** Any live instance by id (admin calls are not scoped to an account or region). */
function adminInstance(ctx: AdminContext, id: string | undefined): InstanceRecord {
  settle(ctx);
  const inst = id === undefined ? undefined : crState(ctx).instances[id];
  if (inst === undefined || instanceStatus(inst, ctx.now()) === undefined) {
    throw new ApiError('INSTANCE_NOT_EXIST', `The instance ${id ?? ''} does not exist.`, 404);
  }
  return inst;
}

function consoleView(inst: InstanceRecord): Record<string, unknown> {
  return { instanceId: inst.instanceId, ...inst.console };
}

export const crAdminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/_emulator/cr/instances',
    summary:
      'Create an EE instance under a chosen id, as if bought in the console of an account acrctl does not operate (a partner\'s, for seeding examples): {"accountUid","region","name","edition":"Basic"|"Standard"|"Advanced","instanceId":"cri-…"}. It starts PENDING like a purchase; no BSS subscription is recorded.',
    handle(ctx, _pp, raw) {
      settle(ctx);
      const b = body(raw);
      const accountUid = str(b, 'accountUid');
      if (!/^\d{16}$/.test(accountUid)) throw new ApiError('InvalidBody', '"accountUid" must be 16 digits.', 400);
      const region = str(b, 'region');
      const name = str(b, 'name');
      if (!INSTANCE_NAME_RE.test(name)) throw new ApiError('InvalidBody', `"${name}" is not a valid instance name.`, 400);
      const edition = str(b, 'edition');
      if (edition !== 'Basic' && edition !== 'Standard' && edition !== 'Advanced') throw new ApiError('InvalidBody', '"edition" must be Basic, Standard or Advanced.', 400);
      const instanceId = str(b, 'instanceId');
      if (!/^cri-[0-9a-z]+$/.test(instanceId)) throw new ApiError('InvalidBody', '"instanceId" must be cri- and lowercase letters or digits.', 400);
      if (crState(ctx).instances[instanceId] !== undefined) throw new ApiError('InstanceIdDuplicate', `An instance ${instanceId} exists already.`, 409);
      if (liveInstances(crState(ctx), accountUid, region, ctx.now()).some((i) => i.name === name)) throw new ApiError('InstanceNameDuplicate', `The account has an instance named ${name} in ${region} already.`, 409);
      const inst = createInstance(ctx, { accountUid, region, name, edition, extraNamespaceQuota: 0, extraRepoQuota: 0, instanceId });
      return { instanceId: inst.instanceId, accountUid, region, name, edition };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/cr/instances/{InstanceId}/images',
    summary:
      'Push an image tag into an EE instance: {"namespace","repository","tag","digest","size","mediaType"?,"pushedAt"?} (pushedAt: epoch ms, default now, for seeding history). The repository is auto-created when the namespace allows it; matching automatic sync rules start PASSIVE sync tasks.',
    handle(ctx, pp, raw) {
      const inst = adminInstance(ctx, pp['InstanceId']);
      if (instanceStatus(inst, ctx.now()) !== 'RUNNING') throw new ApiError('INSTANCE_STATUS_NOT_SUPPORT', `The instance ${inst.instanceId} is not RUNNING.`, 409);
      const b = body(raw);
      const digest = DIGEST_RE.exec(str(b, 'digest'))?.[1];
      if (digest === undefined) throw new ApiError('InvalidBody', '"digest" must be 64 hex digits, optionally prefixed with sha256:.', 400);
      const size = b['size'];
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw new ApiError('InvalidBody', '"size" must be a non-negative integer.', 400);
      const tag = str(b, 'tag');
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new ApiError('InvalidBody', `"${tag}" is not a valid tag.`, 400);
      const pushedAt = b['pushedAt'];
      if (pushedAt !== undefined && (typeof pushedAt !== 'number' || !Number.isInteger(pushedAt) || pushedAt < 0 || pushedAt > ctx.now())) {
        throw new ApiError('InvalidBody', '"pushedAt" must be epoch milliseconds, not in the future.', 400);
      }
      const mediaType = b['mediaType'];
      if (mediaType !== undefined && typeof mediaType !== 'string') throw new ApiError('InvalidBody', '"mediaType" must be a string.', 400);
      let repoId: string;
      let tasks: string[];
      try {
        const repo = repoForWrite(ctx, inst, str(b, 'namespace'), str(b, 'repository'));
        const image: { tag: string; digest: string; size: number; mediaType?: string } = { tag, digest, size };
        if (mediaType !== undefined) image.mediaType = mediaType;
        const t = writeTag(inst, repo, image, typeof pushedAt === 'number' ? pushedAt : ctx.now());
        repoId = repo.repoId;
        tasks = onTagPushed(ctx, inst, repo, t).map((x) => x.syncTaskId);
      } catch (e) {
        // Business errors become admin errors with a 4xx status.
        if (e instanceof ApiError && e.kind === 'business') throw new ApiError(e.code, e.message, e.code.endsWith('NOT_EXIST') ? 404 : 409);
        throw e;
      }
      return { instanceId: inst.instanceId, repoId, tag, digest, syncTaskIds: tasks };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/cr/instances/{InstanceId}/allowlist',
    summary: 'Allow-list an EE instance for the console-only features, as the vendor does on a ticket: {"allowListed"?: true}.',
    handle(ctx, pp, raw) {
      const inst = adminInstance(ctx, pp['InstanceId']);
      const allow = optBool(body(raw), 'allowListed') ?? true;
      inst.console.allowListed = allow;
      if (!allow) {
        inst.console.personalEditionDomain = false;
        inst.console.authDomainTakeover = false;
      }
      return consoleView(inst);
    },
  },
  {
    method: 'GET',
    path: '/_emulator/cr/instances/{InstanceId}/switches',
    summary: 'Read the console-only switches of an EE instance.',
    handle(ctx, pp) {
      return consoleView(adminInstance(ctx, pp['InstanceId']));
    },
  },
  {
    method: 'POST',
    path: '/_emulator/cr/instances/{InstanceId}/switches',
    summary:
      'Flip console-only switches: {"personalEditionDomain"?, "authDomainTakeover"?}. Refused (403) unless allow-listed; Personal Edition domain support is refused (409) when another instance of the account in the region has it on.',
    handle(ctx, pp, raw) {
      const inst = adminInstance(ctx, pp['InstanceId']);
      const b = body(raw);
      const ped = optBool(b, 'personalEditionDomain');
      const adt = optBool(b, 'authDomainTakeover');
      if ((ped === true || adt === true) && !inst.console.allowListed) {
        throw new ApiError('InstanceNotAllowListed', `The instance ${inst.instanceId} is not allow-listed for this feature; ask the vendor (a ticket) first.`, 403);
      }
      if (instanceStatus(inst, ctx.now()) !== 'RUNNING') throw new ApiError('INSTANCE_STATUS_NOT_SUPPORT', `The instance ${inst.instanceId} is not RUNNING.`, 409);
      if (ped === true) {
        const other = Object.values(crState(ctx).instances).find(
          (i) =>
            i.instanceId !== inst.instanceId &&
            i.accountUid === inst.accountUid &&
            i.region === inst.region &&
            i.console.personalEditionDomain &&
            instanceStatus(i, ctx.now()) !== undefined,
        );
        if (other !== undefined) {
          throw new ApiError('PersonalEditionDomainInUse', `Instance ${other.instanceId} already serves the Personal Edition domains of ${inst.region}; only one instance per region may.`, 409);
        }
        inst.console.personalEditionDomain = true;
      } else if (ped === false) inst.console.personalEditionDomain = false;
      if (adt !== undefined) inst.console.authDomainTakeover = adt;
      inst.modifiedAt = ctx.now();
      return consoleView(inst);
    },
  },
];
