/**
 * OSS admin routes: create a bucket for an account (what a console user or a Terraform module would
 * have done before acrctl uses it) and list the buckets. Unsigned, main port only, not in the call
 * log. A bucket created here behaves exactly like one created with PutBucket.
 */
import { AdminError, type CoreAdminRoute } from '../../core/admin.js';
import type { EmulatorState, EpochMs } from '../../core/contract.js';
import { OssError } from './errors.js';
import { createBucket, ossState, type OssBucketRecord } from './models.js';

const REGION_RE = /^[a-z]{2,}(-[a-z0-9]+)+$/;

function view(b: OssBucketRecord): Record<string, unknown> {
  return { bucket: b.name, accountUid: b.ownerUid, region: b.region, acl: b.acl, objects: Object.keys(b.objects).length };
}

export function ossAdminRoutes(state: () => EmulatorState, now: () => EpochMs): CoreAdminRoute[] {
  return [
    {
      method: 'POST',
      path: '/_emulator/oss/buckets',
      summary: 'Create an OSS bucket {accountUid, region, bucket, acl?} (as PutBucket would) → {bucket, accountUid, region, acl, objects}; 409 when the name is taken',
      mutates: true,
      run: (_q, body) => {
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminError('POST /_emulator/oss/buckets: the body must be a JSON object');
        const o = body as Record<string, unknown>;
        const { accountUid, region, bucket, acl } = o;
        if (typeof accountUid !== 'string' || !/^\d{16}$/.test(accountUid)) throw new AdminError('accountUid must be a 16-digit string');
        if (state().accounts[accountUid] === undefined) throw new AdminError(`account ${accountUid} does not exist (POST /_emulator/accounts first)`, 404);
        if (typeof region !== 'string' || !REGION_RE.test(region)) throw new AdminError('region must be a region id such as cn-hangzhou');
        if (typeof bucket !== 'string') throw new AdminError('bucket must be a string');
        if (acl !== undefined && acl !== 'private' && acl !== 'public-read' && acl !== 'public-read-write') throw new AdminError('acl must be private, public-read or public-read-write');
        try {
          return view(createBucket(ossState(state()), { name: bucket, ownerUid: accountUid, region, now: now(), ...(acl !== undefined ? { acl } : {}) }));
        } catch (err) {
          if (err instanceof OssError) throw new AdminError(`${err.code}: ${err.message}`, err.status);
          throw err;
        }
      },
    },
    {
      method: 'GET',
      path: '/_emulator/oss/buckets',
      summary: 'List every OSS bucket: [{bucket, accountUid, region, acl, objects}] (objects: how many)',
      mutates: false,
      run: () =>
        Object.values(ossState(state()).buckets)
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .map(view),
    },
  ];
}
