/**
 * The EE data plane driven over HTTP by a spec-following client (client.ts): token flow, blobs
 * (monolithic, chunked, mount), manifests of the four media types, tag paging, every error code,
 * and what a push does to the control plane.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys } from '../../../src/emulator/core/contract.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { buyInstance, startCrEmulator, type Clock } from '../cr/setup.js';
import {
  createNamespace,
  eeLogin,
  listTags,
  makeImage,
  makeIndex,
  MT,
  parseChallenge,
  pushImage,
  RegistryClient,
  registryOf,
  sha,
  type Creds,
} from './client.js';

const REGION = 'cn-hangzhou';
const UID = '1111222233334444';
const OTHER = '5555666677778888';

let t: TestEmulator;
let clock: Clock;
let keys: AccountKeys;
let inst: string;
let host: string;
let creds: Creds;

beforeAll(async () => {
  ({ t, clock } = await startCrEmulator());
  keys = await t.account(UID);
  inst = await buyInstance(t, clock, keys, REGION, 'acme-hz');
  await createNamespace(t, keys, REGION, inst, 'team-a', true, 'PRIVATE');
  await createNamespace(t, keys, REGION, inst, 'manual', false, 'PRIVATE');
  await createNamespace(t, keys, REGION, inst, 'pub', true, 'PUBLIC');
  host = await registryOf(t, `instance=${inst}`);
  creds = await eeLogin(t, keys, REGION, inst);
});
afterAll(async () => t.close());

function client(c: Creds | undefined = creds): RegistryClient {
  return new RegistryClient(host, c);
}

async function errorCode(r: Response): Promise<string> {
  const body = (await r.json()) as { errors: { code: string }[] };
  return body.errors[0]?.code ?? '';
}

describe('addressing and auth', () => {
  it('gives each instance its own stable port and refuses unknown instances', async () => {
    expect(host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await registryOf(t, `instance=${inst}`)).toBe(host);
    const pe = await registryOf(t, `personal=${REGION}`);
    expect(pe).not.toBe(host);
    expect((await t.admin('GET', '/_emulator/registry?instance=cri-doesnotexist')).status).toBe(404);
    expect((await t.admin('GET', '/_emulator/registry?personal=mars-north-1')).status).toBe(404);
    expect((await t.admin('GET', '/_emulator/registry')).status).toBe(400);
  });

  it('answers /v2/ with a Bearer challenge and accepts the token it hands out', async () => {
    const r = await fetch(`http://${host}/v2/`);
    expect(r.status).toBe(401);
    expect(r.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const ch = parseChallenge(r.headers.get('www-authenticate'));
    expect(ch['realm']).toBe(`http://${host}/auth`);
    expect(ch['service']).toBe(`acme-hz-registry.${REGION}.cr.aliyuncs.com`);
    expect(await errorCode(r)).toBe('UNAUTHORIZED');
    const c = client();
    const ok = await c.request('GET', '/v2/');
    expect(ok.status).toBe(200);
  });

  it('refuses wrong credentials, and another instance’s credentials, at the token endpoint', async () => {
    const bad = new RegistryClient(host, { username: 'cr_temp_user', password: 'emu-guess' });
    await expect(bad.request('GET', '/v2/')).rejects.toThrow(/token endpoint answered 401/);
    const other = await buyInstance(t, clock, keys, REGION, 'acme-two');
    const otherCreds = await eeLogin(t, keys, REGION, other);
    await expect(new RegistryClient(host, otherCreds).request('GET', '/v2/')).rejects.toThrow(/401/);
    // The token endpoint also speaks the OAuth2 password grant (containerd tries it first).
    const form = new URLSearchParams({ grant_type: 'password', username: creds.username, password: creds.password, service: `acme-hz-registry.${REGION}.cr.aliyuncs.com`, scope: 'repository:team-a/x:pull' });
    const r = await fetch(`http://${host}/auth`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { access_token: string }).access_token).toMatch(/\./);
  });

  it('expires credentials with the emulated clock (GetAuthorizationToken ExpireTime)', async () => {
    const short = await eeLogin(t, keys, REGION, inst);
    const c = new RegistryClient(host, short);
    expect((await c.request('GET', '/v2/')).status).toBe(200);
    clock.advance(3_600_001);
    await expect(new RegistryClient(host, short).request('GET', '/v2/')).rejects.toThrow(/401/);
    creds = await eeLogin(t, keys, REGION, inst);
  });
});

describe('blobs', () => {
  it('takes a monolithic upload, then answers HEAD and GET with the exact bytes', async () => {
    const c = client();
    const blob = Buffer.from('hello blob');
    const r = await c.pushBlobMonolithic('team-a/api', blob);
    expect(r.status).toBe(201);
    expect(r.headers.get('docker-content-digest')).toBe(sha(blob));
    expect(r.headers.get('location')).toBe(`/v2/team-a/api/blobs/${sha(blob)}`);
    const head = await c.request('HEAD', `/v2/team-a/api/blobs/${sha(blob)}`, { scopeKey: 'team-a/api' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(blob.length));
    const get = await c.getBlob('team-a/api', sha(blob));
    expect(Buffer.from(await get.arrayBuffer()).equals(blob)).toBe(true);
  });

  it('takes a chunked upload (POST, PATCH…, PUT ?digest=) and checks Content-Range', async () => {
    const c = client();
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(50_000, 2), Buffer.from('tail')];
    const r = await c.pushBlobChunked('team-a/api', chunks);
    expect(r.status).toBe(201);
    const digest = sha(Buffer.concat(chunks));
    expect(r.headers.get('docker-content-digest')).toBe(digest);
    expect(Buffer.from(await (await c.getBlob('team-a/api', digest)).arrayBuffer()).equals(Buffer.concat(chunks))).toBe(true);

    const start = await c.request('POST', '/v2/team-a/api/blobs/uploads/', { scopeKey: 'team-a/api' });
    expect(start.status).toBe(202);
    expect(start.headers.get('range')).toBe('0-0');
    const loc = start.headers.get('location') as string;
    const p1 = await c.request('PATCH', c.abs(loc), { scopeKey: 'team-a/api', body: Buffer.from('abc'), headers: { 'content-range': '0-2' } });
    expect(p1.status).toBe(202);
    expect(p1.headers.get('range')).toBe('0-2');
    const status = await c.request('GET', c.abs(loc), { scopeKey: 'team-a/api' });
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-2');
    const gap = await c.request('PATCH', c.abs(loc), { scopeKey: 'team-a/api', body: Buffer.from('xyz'), headers: { 'content-range': '10-12' } });
    expect(gap.status).toBe(416);
    expect(await errorCode(gap)).toBe('BLOB_UPLOAD_INVALID');
    // The final chunk may come with the PUT.
    const fin = await c.request('PUT', c.abs(`${loc}?digest=${sha('abcdef')}`), { scopeKey: 'team-a/api', body: Buffer.from('def') });
    expect(fin.status).toBe(201);
    expect((await c.request('GET', c.abs(loc), { scopeKey: 'team-a/api' })).status).toBe(404);
  });

  it('answers DIGEST_INVALID when the bytes do not match, and keeps nothing', async () => {
    const c = client();
    const wrong = sha('something else');
    const r = await c.pushBlobMonolithic('team-a/api', Buffer.from('actual bytes'), wrong);
    expect(r.status).toBe(400);
    expect(await errorCode(r)).toBe('DIGEST_INVALID');
    expect(await c.blobExists('team-a/api', wrong)).toBe(false);
    expect(await c.blobExists('team-a/api', sha('actual bytes'))).toBe(false);
    const chunked = await c.pushBlobChunked('team-a/api', [Buffer.from('a'), Buffer.from('b')], wrong);
    expect(chunked.status).toBe(400);
    expect(await errorCode(chunked)).toBe('DIGEST_INVALID');
    const malformed = await c.request('HEAD', '/v2/team-a/api/blobs/sha256:nothex', { scopeKey: 'team-a/api' });
    expect(malformed.status).toBe(400);
  });

  it('answers BLOB_UNKNOWN for a blob the repository does not hold, even when another repository does', async () => {
    const c = client();
    const blob = Buffer.from('only in api');
    expect((await c.pushBlobMonolithic('team-a/api', blob)).status).toBe(201);
    const r = await c.getBlob('team-a/web', sha(blob));
    // team-a/web does not exist yet: NAME_UNKNOWN; create it with another blob, then BLOB_UNKNOWN.
    expect(await errorCode(r)).toBe('NAME_UNKNOWN');
    expect((await c.pushBlobMonolithic('team-a/web', Buffer.from('web'))).status).toBe(201);
    const r2 = await c.getBlob('team-a/web', sha(blob));
    expect(r2.status).toBe(404);
    expect(await errorCode(r2)).toBe('BLOB_UNKNOWN');
    const upload = await c.request('PATCH', '/v2/team-a/web/blobs/uploads/no-such-upload', { scopeKey: 'team-a/web', body: 'x' });
    expect(upload.status).toBe(404);
    expect(await errorCode(upload)).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('mounts a blob across repositories of one registry, and falls back to an upload when it cannot', async () => {
    const c = client();
    const blob = Buffer.from('mount me');
    expect((await c.pushBlobMonolithic('team-a/api', blob)).status).toBe(201);
    const d = sha(blob);
    const r = await c.request('POST', `/v2/team-a/worker/blobs/uploads/?mount=${d}&from=team-a/api`, {
      scopeKey: 'mount',
      extraScopes: ['repository:team-a/api:pull'],
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('docker-content-digest')).toBe(d);
    expect(await c.blobExists('team-a/worker', d)).toBe(true);
    // Unknown in the source: a normal upload session instead.
    const miss = await c.request('POST', `/v2/team-a/worker/blobs/uploads/?mount=${sha('never pushed')}&from=team-a/api`, {
      scopeKey: 'mount',
      extraScopes: ['repository:team-a/api:pull'],
    });
    expect(miss.status).toBe(202);
    expect(miss.headers.get('location')).toMatch(/^\/v2\/team-a\/worker\/blobs\/uploads\//);
    // Without pull on the source in the token: no mount either.
    const noPull = await client().request('POST', `/v2/team-a/other/blobs/uploads/?mount=${d}&from=team-a/api`, { scopeKey: 'nopull' });
    expect(noPull.status).toBe(202);
  });
});

describe('abandoned uploads', () => {
  it('discards an upload session idle longer than registryUploadIdle (emulated clock); a session in use stays', async () => {
    await t.admin('PUT', '/_emulator/async', { registryUploadIdle: 60_000 });
    try {
      const c = client();
      const start = async (): Promise<string> => c.abs((await c.request('POST', '/v2/team-a/api/blobs/uploads/', { scopeKey: 'team-a/api' })).headers.get('location') as string);
      const abandoned = await start();
      const kept = await start();
      expect((await c.request('PATCH', abandoned, { scopeKey: 'team-a/api', body: Buffer.from('abc') })).status).toBe(202);
      clock.advance(40_000);
      expect((await c.request('GET', kept, { scopeKey: 'team-a/api' })).status, 'a status request is activity').toBe(204);
      clock.advance(30_000);
      const gone = await c.request('PATCH', abandoned, { scopeKey: 'team-a/api', body: Buffer.from('def') });
      expect([gone.status, await errorCode(gone)], '70 s idle: abandoned').toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
      const finish = await c.request('PUT', `${kept}${kept.includes('?') ? '&' : '?'}digest=${encodeURIComponent(sha(Buffer.from('xyz')))}`, { scopeKey: 'team-a/api', body: Buffer.from('xyz') });
      expect(finish.status, '30 s idle: still usable').toBe(201);
    } finally {
      await t.admin('PUT', '/_emulator/async', { registryUploadIdle: 3_600_000 });
    }
  });
});

describe('manifests', () => {
  it('stores a Docker schema2 manifest byte for byte and tags it in the control plane', async () => {
    const c = client();
    const img = makeImage('schema2');
    await pushImage(c, 'team-a/api', img, 'v1');
    const r = await c.getManifest('team-a/api', 'v1');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(MT.dockerManifest);
    expect(r.headers.get('docker-content-digest')).toBe(img.digest);
    expect(Buffer.from(await r.arrayBuffer()).equals(img.manifest)).toBe(true);
    const byDigest = await c.getManifest('team-a/api', img.digest, 'HEAD');
    expect(byDigest.status).toBe(200);
    expect(byDigest.headers.get('content-length')).toBe(String(img.manifest.length));

    const tags = await listTags(t, keys, REGION, inst, 'team-a', 'api');
    const v1 = tags.find((x) => x.Tag === 'v1');
    expect(v1?.Digest).toBe(img.digest.slice(7));
    expect(v1?.ImageId).toBe(sha(img.config).slice(7));
    const total = img.manifest.length + img.config.length + img.layers.reduce((n, l) => n + l.length, 0);
    expect(v1?.ImageSize).toBe(total);
  });

  it('stores an OCI manifest and an OCI index, children first', async () => {
    const c = client();
    const amd = makeImage('oci-amd64', { oci: true });
    const arm = makeImage('oci-arm64', { oci: true });
    const index = makeIndex([amd, arm], true);
    // The index before its children: MANIFEST_BLOB_UNKNOWN.
    const early = await c.putManifest('team-a/multi', 'latest', index.bytes, index.mediaType);
    expect(early.status).toBe(400);
    const body = (await early.json()) as { errors: { code: string; detail: { digest: string } }[] };
    expect(body.errors[0]?.code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(body.errors[0]?.detail.digest).toBe(amd.digest);
    for (const img of [amd, arm]) {
      for (const b of [img.config, ...img.layers]) expect((await c.pushBlobMonolithic('team-a/multi', b)).status).toBe(201);
      expect((await c.putManifest('team-a/multi', img.digest, img.manifest, img.mediaType)).status).toBe(201);
    }
    const put = await c.putManifest('team-a/multi', 'latest', index.bytes, index.mediaType);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(index.digest);
    const got = await c.getManifest('team-a/multi', 'latest');
    expect(got.headers.get('content-type')).toBe(MT.ociIndex);
    expect(Buffer.from(await got.arrayBuffer()).equals(index.bytes)).toBe(true);
    const child = await c.getManifest('team-a/multi', arm.digest);
    expect(child.headers.get('content-type')).toBe(MT.ociManifest);
    const tags = await listTags(t, keys, REGION, inst, 'team-a', 'multi');
    expect(tags.map((x) => x.Tag)).toEqual(['latest']);
    expect(tags[0]?.Digest).toBe(index.digest.slice(7));
  });

  it('stores a Docker manifest list', async () => {
    const c = client();
    const a = makeImage('list-a');
    const b = makeImage('list-b');
    await pushImage(c, 'team-a/listed', a, 'a');
    await pushImage(c, 'team-a/listed', b, 'b');
    const list = makeIndex([a, b], false);
    expect((await c.putManifest('team-a/listed', 'both', list.bytes, list.mediaType)).status).toBe(201);
    const got = await c.getManifest('team-a/listed', 'both');
    expect(got.headers.get('content-type')).toBe(MT.dockerList);
    expect(got.headers.get('docker-content-digest')).toBe(list.digest);
  });

  it('answers MANIFEST_BLOB_UNKNOWN for a missing layer, DIGEST_INVALID for a wrong digest, MANIFEST_INVALID for schema 1', async () => {
    const c = client();
    const img = makeImage('missing-layer');
    expect((await c.pushBlobMonolithic('team-a/api', img.config)).status).toBe(201);
    const r = await c.putManifest('team-a/api', 'broken', img.manifest, img.mediaType);
    expect(r.status).toBe(400);
    expect(await errorCode(r)).toBe('MANIFEST_BLOB_UNKNOWN');
    for (const l of img.layers) await c.pushBlobMonolithic('team-a/api', l);
    const wrong = await c.putManifest('team-a/api', sha('not this'), img.manifest, img.mediaType);
    expect(wrong.status).toBe(400);
    expect(await errorCode(wrong)).toBe('DIGEST_INVALID');
    const v1 = await c.putManifest('team-a/api', 'old', JSON.stringify({ schemaVersion: 1, name: 'team-a/api', tag: 'old', fsLayers: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws');
    expect(v1.status).toBe(400);
    expect(await errorCode(v1)).toBe('MANIFEST_INVALID');
    const badTag = await c.putManifest('team-a/api', '-bad', img.manifest, img.mediaType);
    expect(await errorCode(badTag)).toBe('TAG_INVALID');
    const unknown = await c.getManifest('team-a/api', 'nope');
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe('MANIFEST_UNKNOWN');
  });

  it('creates repositories on push only in namespaces with autoCreateRepo', async () => {
    const c = client();
    const img = makeImage('auto');
    const refused = await c.pushBlobMonolithic('manual/api', img.config);
    expect(refused.status).toBe(404);
    expect(await errorCode(refused)).toBe('NAME_UNKNOWN');
    const noNs = await c.pushBlobMonolithic('ghost/api', img.config);
    expect(await errorCode(noNs)).toBe('NAME_UNKNOWN');
    await t.callRpc('cr', REGION, 'CreateRepository', { InstanceId: inst, RepoNamespaceName: 'manual', RepoName: 'api', RepoType: 'PRIVATE', Summary: 'made by hand' }, keys);
    await pushImage(c, 'manual/api', img, 'v1');
    expect((await listTags(t, keys, REGION, inst, 'manual', 'api')).map((x) => x.Tag)).toEqual(['v1']);
    await pushImage(c, 'team-a/brand-new', img, 'v1');
    const repo = await t.callRpc('cr', REGION, 'GetRepository', { InstanceId: inst, RepoNamespaceName: 'team-a', RepoName: 'brand-new' }, keys);
    expect(repo['RepoType']).toBe('PRIVATE');
  });

  it('refuses to move an immutable tag (DENIED) and deletes manifests by digest', async () => {
    const c = client();
    await t.callRpc('cr', REGION, 'CreateRepository', { InstanceId: inst, RepoNamespaceName: 'manual', RepoName: 'frozen', RepoType: 'PRIVATE', Summary: 'x', TagImmutability: true }, keys);
    const a = makeImage('frozen-a');
    const b = makeImage('frozen-b');
    await pushImage(c, 'manual/frozen', a, 'v1');
    await pushImage(c, 'manual/frozen', a, 'v1'); // same digest: fine
    for (const l of [b.config, ...b.layers]) await c.pushBlobMonolithic('manual/frozen', l);
    const moved = await c.putManifest('manual/frozen', 'v1', b.manifest, b.mediaType);
    expect(moved.status).toBe(403);
    expect(await errorCode(moved)).toBe('DENIED');
    const del = await c.request('DELETE', `/v2/manual/frozen/manifests/${a.digest}`, { scopeKey: 'manual/frozen' });
    expect(del.status).toBe(202);
    expect((await c.getManifest('manual/frozen', 'v1')).status).toBe(404);
  });
});

describe('tags and scopes', () => {
  it('lists tags in lexical order with n/last paging and a Link header', async () => {
    const c = client();
    const img = makeImage('paged');
    for (const tag of ['v3', 'v1', 'v10', 'v2', 'latest']) await pushImage(c, 'team-a/paged', img, tag);
    const seen: string[] = [];
    let next: string | undefined = '/v2/team-a/paged/tags/list?n=2';
    let pages = 0;
    while (next !== undefined) {
      const r = await c.request('GET', next, { scopeKey: 'team-a/paged:pull' });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { name: string; tags: string[] };
      expect(body.name).toBe('team-a/paged');
      seen.push(...body.tags);
      pages++;
      const link = r.headers.get('link');
      next = link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
    }
    expect(seen).toEqual(['latest', 'v1', 'v10', 'v2', 'v3']);
    expect(pages).toBe(3);
    const all = (await (await c.request('GET', '/v2/team-a/paged/tags/list', { scopeKey: 'team-a/paged:pull' })).json()) as { tags: string[] };
    expect(all.tags).toEqual(['latest', 'v1', 'v10', 'v2', 'v3']);
    const bad = await c.request('GET', '/v2/team-a/paged/tags/list?n=x', { scopeKey: 'team-a/paged:pull' });
    expect(await errorCode(bad)).toBe('PAGINATION_NUMBER_INVALID');
  });

  it('enforces scopes: a pull token cannot push, anonymous pulls only PUBLIC repositories', async () => {
    const c = client();
    const img = makeImage('scoped');
    await pushImage(c, 'team-a/secret', img, 'v1');
    await pushImage(c, 'pub/open', img, 'v1');

    // A token that only asked for pull on team-a/secret does not let a push through.
    const probe = await fetch(`http://${host}/v2/`);
    const ch = parseChallenge(probe.headers.get('www-authenticate'));
    const tr = await c.fetchToken(ch, ['repository:team-a/secret:pull']);
    const token = ((await tr.json()) as { token: string }).token;
    const push = await fetch(`http://${host}/v2/team-a/secret/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(push.status).toBe(401);
    const pch = parseChallenge(push.headers.get('www-authenticate'));
    expect(pch['error']).toBe('insufficient_scope');
    expect(pch['scope']).toBe('repository:team-a/secret:pull,push');
    // A token for one repository does not open another.
    const other = await fetch(`http://${host}/v2/team-a/api/manifests/v1`, { headers: { authorization: `Bearer ${token}` } });
    expect(other.status).toBe(401);
    // A forged token is no token.
    const forged = await fetch(`http://${host}/v2/team-a/secret/manifests/v1`, { headers: { authorization: `Bearer ${token.slice(0, -2)}xx` } });
    expect(parseChallenge(forged.headers.get('www-authenticate'))['error']).toBeUndefined();

    const anon = new RegistryClient(host, undefined);
    const pub = await anon.getManifest('pub/open', 'v1');
    expect(pub.status).toBe(200);
    expect(Buffer.from(await pub.arrayBuffer()).equals(img.manifest)).toBe(true);
    expect((await anon.getBlob('pub/open', sha(img.config))).status).toBe(200);
    const priv = await anon.getManifest('team-a/secret', 'v1');
    expect(priv.status).toBe(401);
    expect(await errorCode(priv)).toBe('UNAUTHORIZED');
    const anonPush = await anon.pushBlobMonolithic('pub/open', Buffer.from('nope'));
    expect(anonPush.status).toBe(401);

    // Another account's credentials cannot even log in to this instance.
    const otherKeys = await t.account(OTHER);
    const otherInst = await buyInstance(t, clock, otherKeys, REGION, 'other-hz');
    const stranger = await eeLogin(t, otherKeys, REGION, otherInst);
    await expect(new RegistryClient(host, stranger).getManifest('pub/open', 'v1')).rejects.toThrow(/401/);
  });

  it('rejects names that are not <namespace>/<repository>', async () => {
    const c = client();
    const r = await c.request('GET', '/v2/a/b/c/manifests/latest', { scopeKey: 'x' });
    expect(r.status).toBe(404);
    expect(await errorCode(r)).toBe('NAME_INVALID');
  });
});

describe('edges', () => {
  it('cancels an upload, refuses a manifest whose mediaType contradicts Content-Type, and one over 4 MiB', async () => {
    const c = client();
    const start = await c.request('POST', '/v2/team-a/edge/blobs/uploads/', { scopeKey: 'team-a/edge' });
    const loc = start.headers.get('location') as string;
    expect((await c.request('PATCH', c.abs(loc), { scopeKey: 'team-a/edge', body: 'partial' })).status).toBe(202);
    expect((await c.request('DELETE', c.abs(loc), { scopeKey: 'team-a/edge' })).status).toBe(204);
    expect((await c.request('GET', c.abs(loc), { scopeKey: 'team-a/edge' })).status).toBe(404);

    const img = makeImage('edge', { oci: true });
    for (const b of [img.config, ...img.layers]) await c.pushBlobMonolithic('team-a/edge', b);
    const contradicting = await c.putManifest('team-a/edge', 'v1', img.manifest, MT.dockerManifest);
    expect(contradicting.status).toBe(400);
    expect(await errorCode(contradicting)).toBe('MANIFEST_INVALID');
    const ok = await c.putManifest('team-a/edge', 'v1', img.manifest, MT.ociManifest);
    expect(ok.headers.get('location')).toBe(`/v2/team-a/edge/manifests/${img.digest}`);
    const huge = await c.putManifest('team-a/edge', 'big', Buffer.alloc(4 * 1024 * 1024 + 1, 32), MT.ociManifest);
    expect(huge.status).toBe(413);
    expect(await errorCode(huge)).toBe('SIZE_INVALID');
  });

  it('delays registry requests by the fault configuration’s global latency', async () => {
    const slept: number[] = [];
    const t2 = await startTestEmulator({ sleep: async (ms) => void slept.push(ms) });
    try {
      await t2.account(UID);
      const pe = await registryOf(t2, `personal=${REGION}`);
      await fetch(`http://${pe}/v2/`);
      expect(slept).toEqual([]);
      expect((await t2.admin('PUT', '/_emulator/faults', { global: { latencyMs: 20 } })).status).toBe(200);
      const r = await fetch(`http://${pe}/v2/`);
      expect(r.status).toBe(401);
      expect(slept).toEqual([20]);
    } finally {
      await t2.close();
    }
  });
});
