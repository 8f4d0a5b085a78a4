/**
 * OSS conformance: the unmodified official Node client (`ali-oss`) drives the emulated OSS over
 * HTTP on loopback, with both of its signature schemes (V1, its default, and V4), and sees the real
 * error shapes: what a run store needs (buckets, create-only PUTs that exactly one of many
 * concurrent writers wins, reads with conditions, appends, paged listings) plus faults, rate
 * limits, the call log and persistence.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OSS from 'ali-oss';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startEmulator } from '../../../src/emulator/server.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

const A = '4100000000000001';
const B = '4100000000000002';
const REGION = 'cn-hangzhou';
const BUCKET = 'acme-runs';

let t: TestEmulator;
let a: AccountKeys;
let b: AccountKeys;
let endpoint: string;

interface OssFailure {
  name: string;
  code: string;
  status: number;
  message: string;
  ecCode?: string;
  requestId?: string;
  hostId?: string;
  params?: unknown;
}

/** The response headers ali-oss hands back (its types say `{}`). */
function headersOf(res: { headers: unknown }): Record<string, string | undefined> {
  return res.headers as Record<string, string | undefined>;
}

async function failure(p: Promise<unknown>): Promise<OssFailure> {
  try {
    await p;
  } catch (e) {
    return e as OssFailure;
  }
  throw new Error('expected the OSS call to fail');
}

function client(keys: { accessKeyId: string; accessKeySecret: string; stsToken?: string }, opts: { bucket?: string; v4?: boolean; at?: string; region?: string } = {}): OSS {
  return new OSS({
    endpoint: `http://${opts.at ?? endpoint}`,
    region: `oss-${opts.region ?? REGION}`,
    accessKeyId: keys.accessKeyId,
    accessKeySecret: keys.accessKeySecret,
    ...(keys.stsToken !== undefined ? { stsToken: keys.stsToken, refreshSTSToken: async () => ({ accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret, stsToken: keys.stsToken as string }) } : {}),
    bucket: opts.bucket ?? BUCKET,
    ...(opts.v4 === true ? { authorizationV4: true } : {}),
  });
}

beforeAll(async () => {
  t = await startTestEmulator();
  a = await t.account(A);
  b = await t.account(B);
  endpoint = (await t.admin<{ endpoint: string }>('GET', `/_emulator/endpoint?product=oss&region=${REGION}`)).body.endpoint;
  const made = await t.admin<{ bucket: string; accountUid: string; region: string }>('POST', '/_emulator/oss/buckets', { accountUid: A, region: REGION, bucket: BUCKET });
  expect(made.body).toMatchObject({ bucket: BUCKET, accountUid: A, region: REGION });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.admin('DELETE', '/_emulator/faults');
});

describe('addressing and buckets', () => {
  it('gives OSS its own port per region, apart from the API ports', async () => {
    expect(endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(endpoint).not.toBe(await t.endpoint('cr', REGION));
    expect((await t.admin<{ endpoint: string }>('GET', `/_emulator/endpoint?product=oss&region=${REGION}`)).body.endpoint, 'stable').toBe(endpoint);
    expect((await t.admin('GET', '/_emulator/endpoint?product=oss&region=global')).status, 'OSS is regional').toBe(400);
  });

  it('putBucket creates a bucket in the endpoint’s region; a taken name is BucketAlreadyExists; getBucketInfo; deleteBucket', async () => {
    const c = client(a, { bucket: 'acme-made-by-client' });
    const made = await c.putBucket('acme-made-by-client');
    expect(made.bucket).toBe('acme-made-by-client');
    const info = await c.getBucketInfo('acme-made-by-client');
    expect(info.bucket).toMatchObject({ Name: 'acme-made-by-client', Location: `oss-${REGION}`, ExtranetEndpoint: `oss-${REGION}.aliyuncs.com`, Owner: { ID: A } });
    const again = await failure(client(b, { bucket: 'acme-made-by-client' }).putBucket('acme-made-by-client'));
    expect([again.code, again.status, again.name]).toEqual(['BucketAlreadyExists', 409, 'BucketAlreadyExistsError']);
    const bad = await t.admin<{ error: string }>('POST', '/_emulator/oss/buckets', { accountUid: A, region: REGION, bucket: 'Bad_Name' });
    expect([bad.status, bad.body.error], 'ali-oss checks names itself; the server does too').toEqual([400, 'InvalidBucketName: The specified bucket is not valid.']);
    await c.put('x', Buffer.from('1'));
    expect((await failure(c.deleteBucket('acme-made-by-client'))).code).toBe('BucketNotEmpty');
    await c.delete('x');
    await c.deleteBucket('acme-made-by-client');
    expect((await failure(c.getBucketInfo('acme-made-by-client'))).code).toBe('NoSuchBucket');
  });

  it('NoSuchBucket for an unknown bucket; AccessDenied for another account’s; the region’s endpoint for a bucket elsewhere', async () => {
    const none = await failure(client(a, { bucket: 'acme-nowhere' }).get('k'));
    expect([none.code, none.status]).toEqual(['NoSuchBucket', 404]);
    const other = await failure(client(b).get('k'));
    expect([other.code, other.status]).toEqual(['AccessDenied', 403]);
    const beijing = (await t.admin<{ endpoint: string }>('GET', '/_emulator/endpoint?product=oss&region=cn-beijing')).body.endpoint;
    const elsewhere = await failure(client(a, { at: beijing, region: 'cn-beijing' }).get('k'));
    expect([elsewhere.code, elsewhere.status]).toEqual(['AccessDenied', 403]);
    expect(elsewhere.message).toMatch(/must be addressed using the specified endpoint/);
  });
});

describe('objects', () => {
  it('put, get, head, getObjectMeta and delete round-trip bytes, metadata and the MD5 ETag', async () => {
    const c = client(a);
    const bytes = Buffer.from('{"holder":"ci-1"}\n');
    const put = await c.put('locks/estate.json', bytes, { mime: 'application/json', meta: { owner: 'ci-1' } as never });
    const etag = `"${(await import('node:crypto')).createHash('md5').update(bytes).digest('hex').toUpperCase()}"`;
    expect(headersOf(put.res)['etag']).toBe(etag);
    const got = await c.get('locks/estate.json');
    expect(Buffer.compare(got.content as Buffer, bytes)).toBe(0);
    expect(headersOf(got.res)['content-type']).toBe('application/json');
    const head = await c.head('locks/estate.json');
    expect(head.meta).toEqual({ owner: 'ci-1' });
    expect((head.res.headers as Record<string, string>)['etag']).toBe(etag);
    const meta = await (c as OSS & { getObjectMeta(name: string): Promise<{ res: { headers: unknown } }> }).getObjectMeta('locks/estate.json');
    expect((meta.res.headers as Record<string, string>)['content-length']).toBe(String(bytes.length));
    await c.delete('locks/estate.json');
    await c.delete('locks/estate.json');
    const gone = await failure(c.get('locks/estate.json'));
    expect([gone.code, gone.status, gone.name, gone.ecCode]).toEqual(['NoSuchKey', 404, 'NoSuchKeyError', '0026-00000001']);
    expect(gone.hostId).toBe(`${BUCKET}.oss-${REGION}.aliyuncs.com`);
    const headGone = await failure(c.head('locks/estate.json'));
    expect([headGone.code, headGone.status]).toEqual(['NoSuchKey', 404]);
  });

  it('x-oss-forbid-overwrite: true creates only: the second PUT is FileAlreadyExists (409) and the object is unchanged', async () => {
    const c = client(a);
    await c.put('gen/0001', Buffer.from('first'), { headers: { 'x-oss-forbid-overwrite': 'true' } });
    const second = await failure(c.put('gen/0001', Buffer.from('second'), { headers: { 'x-oss-forbid-overwrite': 'true' } }));
    expect([second.code, second.status, second.name, second.ecCode]).toEqual(['FileAlreadyExists', 409, 'FileAlreadyExistsError', '0026-00000002']);
    expect(second.message).toBe('The object you specified already exists and can not be overwritten.');
    expect(((await c.get('gen/0001')).content as Buffer).toString()).toBe('first');
    await c.put('gen/0001', Buffer.from('overwritten'), { headers: { 'x-oss-forbid-overwrite': 'false' } });
    expect(((await c.get('gen/0001')).content as Buffer).toString(), 'false (or absent) overwrites').toBe('overwritten');
  });

  it('of 24 concurrent create-only PUTs of one key from separate clients, exactly one wins and its bytes are stored', async () => {
    const writers = Array.from({ length: 24 }, (_, i) => ({ i, c: client(a, { v4: i % 2 === 1 }) }));
    const results = await Promise.allSettled(writers.map(({ i, c }) => c.put('race/lock', Buffer.from(`writer-${i}`), { headers: { 'x-oss-forbid-overwrite': 'true' } })));
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as OssFailure).code);
    expect(new Set(losers)).toEqual(new Set(['FileAlreadyExists']));
    expect(((await client(a).get('race/lock')).content as Buffer).toString()).toBe(`writer-${winners[0]}`);
  });

  it('of 12 concurrent appends at one position exactly one lands; the others are told the new length', async () => {
    const c0 = client(a);
    const start = await c0.append('race/journal', Buffer.from('header\n'));
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => client(a).append('race/journal', Buffer.from(`intent-${i}\n`), { position: start.nextAppendPosition })));
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as OssFailure).code);
    expect(new Set(losers)).toEqual(new Set(['PositionNotEqualToLength']));
    expect(((await c0.get('race/journal')).content as Buffer).toString()).toBe(`header\nintent-${winners[0]}\n`);
  });

  it('GET/HEAD conditions: If-None-Match on the ETag is 304, a wrong If-Match is PreconditionFailed (412)', async () => {
    const c = client(a);
    const put = await c.put('cond/o', Buffer.from('v1'));
    const etag = headersOf(put.res)['etag'] as string;
    const notModified = await c.get('cond/o', { headers: { 'If-None-Match': etag } });
    expect(notModified.res.status).toBe(304);
    expect((await c.get('cond/o', { headers: { 'If-Match': etag } })).res.status).toBe(200);
    const pre = await failure(c.get('cond/o', { headers: { 'If-Match': '"0000"' } }));
    expect([pre.code, pre.status]).toEqual(['PreconditionFailed', 412]);
    expect(pre.message).toMatch(/condition: If-Match/);
    const headPre = await failure(c.head('cond/o', { headers: { 'If-Match': '"0000"' } }));
    expect(headPre.status).toBe(412);
  });

  it('refuses conditional writes (If-Match/If-None-Match on PUT) with NotImplemented instead of ignoring them', async () => {
    const c = client(a);
    const e = await failure(c.put('cond/w', Buffer.from('x'), { headers: { 'If-None-Match': '*' } }));
    expect([e.code, e.status]).toEqual(['NotImplemented', 501]);
    expect((await failure(c.get('cond/w'))).code, 'nothing was written').toBe('NoSuchKey');
  });

  it('append: creates at position 0, continues at the length; a stale position is PositionNotEqualToLength; a Normal object is not appendable', async () => {
    const c = client(a);
    const first = await c.append('journal/run-1.jsonl', Buffer.from('{"intent":1}\n'));
    expect(first.nextAppendPosition).toBe('13');
    const second = await c.append('journal/run-1.jsonl', Buffer.from('{"done":1}\n'), { position: first.nextAppendPosition });
    expect(second.nextAppendPosition).toBe('24');
    const stale = await failure(c.append('journal/run-1.jsonl', Buffer.from('{"late":1}\n'), { position: '13' }));
    expect([stale.code, stale.status]).toEqual(['PositionNotEqualToLength', 409]);
    expect(((await c.get('journal/run-1.jsonl')).content as Buffer).toString()).toBe('{"intent":1}\n{"done":1}\n');
    expect((await c.head('journal/run-1.jsonl')).res.headers).toMatchObject({ 'x-oss-object-type': 'Appendable', 'x-oss-next-append-position': '24' });
    await c.put('journal/normal', Buffer.from('x'));
    expect((await failure(c.append('journal/normal', Buffer.from('y'), { position: '1' }))).code).toBe('ObjectNotAppendable');
  });

  it('listV2 pages with max-keys and continuation tokens, filters by prefix and rolls up at the delimiter; list (v1) pages with markers', async () => {
    const c = client(a, { bucket: 'acme-list' });
    await c.putBucket('acme-list');
    const keys = [...Array.from({ length: 23 }, (_, i) => `runs/r${String(i).padStart(2, '0')}.jsonl`), 'runs/sub/a', 'runs/sub/b', 'lock', 'zz/x'];
    for (const k of keys) await c.put(k, Buffer.from(k));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await c.listV2({ prefix: 'runs/', 'max-keys': '10', ...(token !== undefined ? { 'continuation-token': token } : {}) }, {});
      pages++;
      seen.push(...page.objects.map((o) => o.name));
      expect(page.keyCount).toBe(page.objects.length);
      token = page.isTruncated ? (page.nextContinuationToken ?? undefined) : undefined;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys.filter((k) => k.startsWith('runs/')).sort());
    const rolled = await c.listV2({ prefix: 'runs/', delimiter: '/', 'max-keys': '100' }, {});
    expect(rolled.prefixes).toEqual(['runs/sub/']);
    expect(rolled.objects).toHaveLength(23);
    const top = await c.listV2({ delimiter: '/' }, {});
    expect([top.objects.map((o) => o.name), top.prefixes]).toEqual([['lock'], ['runs/', 'zz/']]);
    const v1 = await c.list({ prefix: 'runs/', 'max-keys': 20 }, {});
    expect([v1.objects.length, v1.isTruncated]).toEqual([20, true]);
    const rest = await c.list({ prefix: 'runs/', marker: v1.nextMarker ?? '', 'max-keys': 20 }, {});
    expect(rest.objects.map((o) => o.name)).toEqual(['runs/r20.jsonl', 'runs/r21.jsonl', 'runs/r22.jsonl', 'runs/sub/a', 'runs/sub/b']);
    expect((await failure(c.listV2({ 'max-keys': '1001' }, {}))).code).toBe('InvalidArgument');
    const deleted = await c.deleteMulti(keys, { quiet: false });
    expect(deleted.deleted).toHaveLength(keys.length);
    expect((await c.listV2({}, {})).objects).toEqual([]);
  });

  it('V4 signatures (authorizationV4) work for every operation the V1 tests use', async () => {
    const c = client(a, { v4: true });
    await c.put('v4/o', Buffer.from('v4'), { headers: { 'x-oss-forbid-overwrite': 'true' } });
    expect(((await c.get('v4/o')).content as Buffer).toString()).toBe('v4');
    expect((await c.listV2({ prefix: 'v4/' }, {})).objects.map((o) => o.name)).toEqual(['v4/o']);
    expect((await failure(c.put('v4/o', Buffer.from('again'), { headers: { 'x-oss-forbid-overwrite': 'true' } }))).code).toBe('FileAlreadyExists');
    await c.append('v4/j', Buffer.from('a'));
    await c.delete('v4/o');
  });
});

describe('authentication', () => {
  it('a wrong secret is SignatureDoesNotMatch (403), for V1 and V4; an unknown key is InvalidAccessKeyId (403)', async () => {
    for (const v4 of [false, true]) {
      const wrong = await failure(client({ accessKeyId: a.accessKeyId, accessKeySecret: 'not-the-secret' }, { v4 }).get('k'));
      expect([wrong.code, wrong.status], `v4=${v4}`).toEqual(['SignatureDoesNotMatch', 403]);
    }
    const unknown = await failure(client({ accessKeyId: 'LTAInotakey', accessKeySecret: 'x' }).get('k'));
    expect([unknown.code, unknown.status]).toEqual(['InvalidAccessKeyId', 403]);
  });

  it('accepts STS credentials (x-oss-security-token) of an assumed role, acting in the role’s account', async () => {
    const ram = await t.ramClient(a);
    const RamSdk = await import('@alicloud/ram20150501');
    await ram.createRole(new RamSdk.CreateRoleRequest({ roleName: 'run-store', assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${A}:root`] } }] }) }));
    const StsSdk = await import('@alicloud/sts20150401');
    const res = await (await t.stsClient(a)).assumeRole(new StsSdk.AssumeRoleRequest({ roleArn: `acs:ram::${A}:role/run-store`, roleSessionName: 'ci' }));
    const cr = res.body?.credentials;
    const temp = { accessKeyId: cr?.accessKeyId ?? '', accessKeySecret: cr?.accessKeySecret ?? '', stsToken: cr?.securityToken ?? '' };
    await client(temp).put('sts/o', Buffer.from('via sts'));
    expect(((await client(a).get('sts/o')).content as Buffer).toString()).toBe('via sts');
    const forged = await failure(client({ ...temp, stsToken: 'CAISforged' }).get('sts/o'));
    expect([forged.code, forged.status]).toEqual(['InvalidSecurityToken', 403]);
  });
});

describe('faults, rate limits and the call log', () => {
  it('takes the product’s faults in OSS’s own shapes, per operation (oss:<Operation>)', async () => {
    const c = client(a);
    await t.admin('PUT', '/_emulator/faults', { products: { oss: { unavailableRate: 1 } }, actions: { 'oss:GetObject': { unavailableRate: 0, internalErrorRate: 1 } } });
    const busy = await failure(c.put('f/o', Buffer.from('x')));
    expect([busy.code, busy.status]).toEqual(['ServiceUnavailable', 503]);
    const boom = await failure(c.get('f/o'));
    expect([boom.code, boom.status]).toEqual(['InternalError', 500]);
    expect((await t.admin('PUT', '/_emulator/faults', { actions: { 'oss:PutObjects': { dropRate: 1 } } })).status, 'an unknown operation is refused').toBe(400);
  });

  it('dropPhase after: the PUT lands, the connection is dropped, the call log says so', async () => {
    const c = client(a);
    await t.admin('DELETE', '/_emulator/calls');
    await t.admin('PUT', '/_emulator/faults', { actions: { 'oss:PutObject': { dropRate: 1, dropPhase: 'after' } } });
    const dropped = await failure(c.put('f/dropped', Buffer.from('landed'), { headers: { 'x-oss-forbid-overwrite': 'true' } }));
    expect(dropped.status, 'a network error, not an answer').toBeLessThan(0);
    await t.admin('DELETE', '/_emulator/faults');
    expect(((await c.get('f/dropped')).content as Buffer).toString()).toBe('landed');
    const log = (await t.admin<{ product: string; action: string; accountUid: string; region: string; mutating: boolean; status: number; code: string | null }[]>('GET', '/_emulator/calls')).body;
    expect(log.filter((e) => e.product === 'oss').map((e) => [e.action, e.accountUid, e.region, e.mutating, e.status, e.code])).toEqual([
      ['PutObject', A, REGION, true, 0, 'Emulator.DroppedAfterApply'],
      ['GetObject', A, REGION, false, 200, null],
    ]);
  });

  it('accountRateLimits.oss throttles one account (503 TotalQpsLimitExceeded) and never another', async () => {
    await client(b, { bucket: 'acme-b' }).putBucket('acme-b');
    await t.admin('PUT', '/_emulator/faults', { accountRateLimits: { oss: 0.001 } });
    await client(a).put('rl/o', Buffer.from('1'));
    const throttled = await failure(client(a).put('rl/o', Buffer.from('2')));
    expect([throttled.code, throttled.status]).toEqual(['TotalQpsLimitExceeded', 503]);
    await client(b, { bucket: 'acme-b' }).put('rl/o', Buffer.from('b'));
  });
});

describe('persistence', () => {
  it('keeps buckets and objects in the state file across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acrctl-oss-'));
    try {
      const stateFile = join(dir, 'state.json');
      const first = await startEmulator({ stateFile });
      const keys = await first.createAccount(A);
      await fetch(`${first.url}/_emulator/oss/buckets`, { method: 'POST', body: JSON.stringify({ accountUid: A, region: REGION, bucket: 'acme-kept' }) });
      const at = await first.endpoint('oss', REGION);
      await client(keys, { at, bucket: 'acme-kept' }).put('kept', Buffer.from('across restarts'));
      await first.close();
      const second = await startEmulator({ stateFile });
      try {
        const again = await second.endpoint('oss', REGION);
        expect(((await client(keys, { at: again, bucket: 'acme-kept' }).get('kept')).content as Buffer).toString()).toBe('across restarts');
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
