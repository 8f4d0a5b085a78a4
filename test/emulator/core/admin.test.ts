/**
 * The admin API (accounts, endpoints, state dump/seed, reset, async durations, clock, routes,
 * mounted product routes, validation) and persistence across a restart.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ASYNC_DURATIONS, type AccountKeys, type EmulatorState } from '../../../src/emulator/core/contract.js';
import { StateFileError } from '../../../src/emulator/core/persistence.js';
import { startEmulator } from '../../../src/emulator/server.js';
import { service as sts } from '../../../src/emulator/services/sts/index.js';
import { ClientError, startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { fakeRpc } from './fakes.js';

const UID = '1234567890123456';
const UID2 = '6543210987654321';

describe('admin API', () => {
  let t: TestEmulator;
  let now = 1_700_000_000_000;

  beforeAll(async () => {
    t = await startTestEmulator({ services: [fakeRpc, sts], now: () => now });
  });
  afterAll(() => t.close());

  it('POST /_emulator/accounts creates an account and a working key; several keys per account; bad uid is 400', async () => {
    const res = await t.admin<AccountKeys>('POST', '/_emulator/accounts', { uid: UID });
    expect(res.status).toBe(200);
    expect(res.body.uid).toBe(UID);
    expect(res.body.accessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(res.body.accessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    const second = await t.account(UID);
    expect(second.accessKeyId).not.toBe(res.body.accessKeyId);
    for (const k of [res.body, second]) expect((await t.callRpc('sts', 'global', 'GetCallerIdentity', {}, k))['AccountId']).toBe(UID);
    const other = await t.account(UID2);
    expect((await t.callRpc('sts', 'global', 'GetCallerIdentity', {}, other))['AccountId']).toBe(UID2);
    for (const body of [{ uid: '123' }, { uid: 1234567890123456 }, {}, undefined]) {
      const bad = await t.admin<{ error: string }>('POST', '/_emulator/accounts', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error).toBeTruthy();
    }
    const list = await t.admin<{ uid: string; accessKeyIds: string[] }[]>('GET', '/_emulator/accounts');
    expect(list.body.find((a) => a.uid === UID)?.accessKeyIds).toHaveLength(2);
    expect(JSON.stringify(list.body)).not.toContain(res.body.accessKeySecret);
  });

  it('GET /_emulator/endpoint answers host:port for a region, the main port for global products, 400 otherwise', async () => {
    const cr = await t.admin<{ endpoint: string }>('GET', '/_emulator/endpoint?product=cr&region=cn-hangzhou');
    expect(cr.body.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(cr.body.endpoint).not.toBe(`127.0.0.1:${t.emu.port}`);
    const sts = await t.admin<{ endpoint: string }>('GET', '/_emulator/endpoint?product=sts&region=cn-hangzhou');
    expect(sts.body.endpoint).toBe(`127.0.0.1:${t.emu.port}`);
    expect((await t.admin('GET', '/_emulator/endpoint?product=nope&region=cn-hangzhou')).status).toBe(400);
    expect((await t.admin('GET', '/_emulator/endpoint?product=cr&region=Not A Region')).status).toBe(400);
    expect((await t.admin('GET', '/_emulator/endpoint?product=cr&region=global')).status, 'regional products need a region').toBe(400);
    expect((await t.admin('GET', '/_emulator/endpoint?product=vpc&region=cn-hangzhou')).status, 'a product this emulator does not serve').toBe(404);
    const info = await t.admin<{ regions: Record<string, number> }>('GET', '/_emulator/info');
    expect(`127.0.0.1:${info.body.regions['cn-hangzhou']}`).toBe(cr.body.endpoint);
  });

  it('the admin API answers only on the main port', async () => {
    const endpoint = await t.endpoint('cr', 'cn-hangzhou');
    const res = await fetch(`http://${endpoint}/_emulator/info`);
    expect(res.status).toBe(404);
  });

  it('state: dump, seed into a fresh emulator, and keys and product data come back', async () => {
    const keys = await t.account(UID);
    await t.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys);
    const dump = await t.admin<EmulatorState>('GET', '/_emulator/state');
    expect(dump.body.formatVersion).toBe(1);
    expect(dump.body.services.cr).toEqual({ counter: 1 });
    const other = await startTestEmulator({ services: [fakeRpc, sts] });
    try {
      expect((await other.admin('PUT', '/_emulator/state', dump.body)).status).toBe(200);
      expect((await other.callRpc('cr', 'cn-hangzhou', 'Count', {}, keys))['Counter']).toBe(1);
      const next = await other.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys);
      const here = await t.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys);
      expect(next['Id'], 'id counters travel with the state').toBe(here['Id']);
      for (const bad of [{}, { formatVersion: 2, accounts: {}, counters: {}, services: {} }, { formatVersion: 1, accounts: [], counters: {}, services: {} }, { formatVersion: 1, accounts: { [UID]: { uid: 'x', accessKeys: {} } }, counters: {}, services: {} }]) {
        const res = await other.admin<{ error: string }>('PUT', '/_emulator/state', bad);
        expect(res.status, JSON.stringify(bad)).toBe(400);
      }
      expect((await other.callRpc('cr', 'cn-hangzhou', 'Count', {}, keys))['Counter'], 'a rejected seed changes nothing').toBe(2);
    } finally {
      await other.close();
    }
  });

  it('reset empties state and the call log; keepAccounts keeps the keys working', async () => {
    const keys = await t.account(UID);
    await t.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys);
    await t.admin('PUT', '/_emulator/faults', { global: { latencyMs: 1 } });
    expect((await t.admin('POST', '/_emulator/reset', { keepAccounts: true })).status).toBe(200);
    expect((await t.callRpc('cr', 'cn-hangzhou', 'Count', {}, keys))['Counter']).toBe(0);
    expect((await t.admin<{ global: object }>('GET', '/_emulator/faults')).body.global).toEqual({});
    expect((await t.admin<unknown[]>('GET', '/_emulator/calls')).body).toHaveLength(1);
    await t.admin('POST', '/_emulator/reset');
    const err = await t.callRpc('cr', 'cn-hangzhou', 'Count', {}, keys).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as { code: string }).code).toBe('InvalidAccessKeyId.NotFound');
    expect((await t.admin('POST', '/_emulator/reset', { keepAccounts: 'yes' })).status).toBe(400);
  });

  it('async durations: defaults, partial update, validation', async () => {
    expect((await t.admin('GET', '/_emulator/async')).body).toEqual(DEFAULT_ASYNC_DURATIONS);
    const res = await t.admin<Record<string, number>>('PUT', '/_emulator/async', { instancePending: 5000, vpcLink: 0 });
    expect(res.body).toEqual({ ...DEFAULT_ASYNC_DURATIONS, instancePending: 5000, vpcLink: 0 });
    expect((await t.admin('PUT', '/_emulator/async', { nope: 1 })).status).toBe(400);
    expect((await t.admin('PUT', '/_emulator/async', { vpcLink: -1 })).status).toBe(400);
    expect((await t.admin('PUT', '/_emulator/async', { vpcLink: 1.5 })).status).toBe(400);
    await t.admin('POST', '/_emulator/reset');
    expect((await t.admin('GET', '/_emulator/async')).body, 'reset restores the defaults').toEqual(DEFAULT_ASYNC_DURATIONS);
  });

  it('clock: the injected clock plus an offset that POST /_emulator/clock advances', async () => {
    now = 1_700_000_000_000;
    expect((await t.admin('GET', '/_emulator/clock')).body).toEqual({ now, offsetMs: 0 });
    expect((await t.admin('POST', '/_emulator/clock', { advanceMs: 60_000 })).body).toEqual({ now: now + 60_000, offsetMs: 60_000 });
    now += 5;
    expect((await t.admin<{ now: number }>('GET', '/_emulator/clock')).body.now).toBe(now + 60_000);
    for (const bad of [{ advanceMs: -1 }, { advanceMs: 'x' }, {}]) expect((await t.admin('POST', '/_emulator/clock', bad)).status).toBe(400);
    await t.admin('POST', '/_emulator/reset');
  });

  it('mounts product admin routes with path parameters, validates their bodies, and lists every route', async () => {
    const res = await t.admin<{ name: string; counter: number }>('POST', '/_emulator/fake/alpha/bump', { by: 5 });
    expect(res).toEqual({ status: 200, body: { name: 'alpha', counter: 5 } });
    const bad = await t.admin<{ error: string; code: string }>('POST', '/_emulator/fake/alpha/bump', { by: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'by must be a number', code: 'InvalidBody' });
    const routes = await t.admin<{ method: string; path: string; summary: string }[]>('GET', '/_emulator/routes');
    expect(routes.body).toContainEqual({ method: 'POST', path: '/_emulator/fake/{Name}/bump', summary: 'Bump the fake counter by {"by"}' });
    expect(routes.body.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /_emulator/calls', 'PUT /_emulator/state', 'POST /_emulator/reset']));
    expect(routes.body.every((r) => r.summary.length > 0)).toBe(true);
  });

  it('answers unknown routes with 404 {error} and malformed JSON with 400 {error}', async () => {
    const nf = await t.admin<{ error: string }>('GET', '/_emulator/nothing');
    expect(nf.status).toBe(404);
    expect(nf.body.error).toMatch(/no admin route/);
    const res = await fetch(`${t.url}/_emulator/accounts`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/JSON/);
  });
});

describe('persistence', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acrctl-emu-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(async () => {
    for (const f of await readdir(dir)) await rm(join(dir, f), { force: true });
  });

  it('restores accounts, product state, counters, clock offset and async durations after a restart', async () => {
    const file = join(dir, 'state.json');
    const first = new (await import('../../helpers/emulator.js')).TestEmulator(await startEmulator({ services: [fakeRpc, sts], stateFile: file }));
    const keys = await first.account(UID);
    await first.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys);
    const bumped = await first.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys);
    await first.admin('POST', '/_emulator/clock', { advanceMs: 1234 });
    await first.admin('PUT', '/_emulator/async', { vpcLink: 9 });
    await first.close();
    const saved = JSON.parse(await readFile(file, 'utf8')) as { formatVersion: number; clockOffsetMs: number };
    expect(saved.formatVersion).toBe(1);
    expect(saved.clockOffsetMs).toBe(1234);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp')), 'no temporary file is left behind').toEqual([]);

    const second = new (await import('../../helpers/emulator.js')).TestEmulator(await startEmulator({ services: [fakeRpc, sts], stateFile: file }));
    try {
      expect((await second.callRpc('sts', 'global', 'GetCallerIdentity', {}, keys))['AccountId'], 'the old key still signs').toBe(UID);
      expect((await second.callRpc('cr', 'cn-hangzhou', 'Count', {}, keys))['Counter']).toBe(2);
      const next = await second.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys);
      expect(next['Id']).not.toBe(bumped['Id']);
      expect((await second.admin<{ offsetMs: number }>('GET', '/_emulator/clock')).body.offsetMs).toBe(1234);
      expect((await second.admin<{ vpcLink: number }>('GET', '/_emulator/async')).body.vpcLink).toBe(9);
    } finally {
      await second.close();
    }
  });

  it('saves mutating calls without waiting for close (coalesced writes), and flush() writes now', async () => {
    const file = join(dir, 'live.json');
    const emu = await startEmulator({ services: [fakeRpc, sts], stateFile: file });
    const t = new (await import('../../helpers/emulator.js')).TestEmulator(emu);
    try {
      const keys = await t.account(UID);
      await Promise.all(Array.from({ length: 20 }, () => t.callRpc('cr', 'cn-hangzhou', 'Bump', {}, keys)));
      await emu.flush();
      const saved = JSON.parse(await readFile(file, 'utf8')) as { state: EmulatorState };
      expect(saved.state.services.cr).toEqual({ counter: 20 });
    } finally {
      await t.close();
    }
  });

  it('refuses a corrupt state file instead of overwriting it', async () => {
    const file = join(dir, 'corrupt.json');
    await writeFile(file, '{"formatVersion":1,"state":');
    await expect(startEmulator({ services: [fakeRpc], stateFile: file })).rejects.toBeInstanceOf(StateFileError);
    await writeFile(file, JSON.stringify({ formatVersion: 7 }));
    await expect(startEmulator({ services: [fakeRpc], stateFile: file })).rejects.toThrow(/formatVersion/);
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify({ formatVersion: 7 }));
  });
});
