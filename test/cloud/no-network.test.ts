/**
 * The suite's network guard (test/setup/no-network.ts, net-guard.mjs) refuses what would leave
 * loopback before anything leaves: no OS socket is created and no DNS query is made, here and in
 * child processes, and a test that reaches out fails. The destinations are documentation and
 * metadata addresses; with the guard missing these tests stop before trying them.
 */
import { spawn } from 'node:child_process';
import dns from 'node:dns';
import net from 'node:net';
import * as OpenApi from '@alicloud/openapi-core';
import * as credentials from '@alicloud/credentials';
import { beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../setup/net-guard.mjs';
import { takeAllViolations } from '../setup/no-network.js';

const GUARD_CODE = 'EACRCTL_NET_GUARD';

beforeAll(() => {
  // Never try an outside address unguarded.
  expect((globalThis as Record<symbol, unknown>)[Symbol.for('acrctl.test.netGuard')]).toBeDefined();
  expect(process.env['ALIBABA_CLOUD_ECS_METADATA_DISABLED']).toBe('true');
});

/** Resolves with what happened first: the guard's refusal (on the nextTick queue) or an I/O turn. */
function firstOf(start: (refused: (e: NodeJS.ErrnoException) => void) => void): Promise<{ refusedBeforeAnyIo: boolean; code: string | undefined }> {
  return new Promise((resolve) => {
    let io = false;
    setImmediate(() => (io = true));
    start((e) => resolve({ refusedBeforeAnyIo: !io, code: e.code }));
  });
}

describe('the test network guard', () => {
  it('tells loopback from everything else', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['100.100.100.200', '10.0.0.1', '192.0.2.1', '0.0.0.0', '::', '::ffff:10.0.0.1', 'fe80::1', 'localhost', 'example.com']) expect(isLoopbackAddress(a), a).toBe(false);
  });

  it('refuses a TCP connection outside loopback before a socket exists', async () => {
    const socket = net.connect({ host: '192.0.2.1', port: 9 });
    const r = await firstOf((refused) => socket.on('error', refused));
    expect(r).toEqual({ refusedBeforeAnyIo: true, code: GUARD_CODE });
    // No handle: the OS never got a socket, so no SYN could be sent.
    expect((socket as unknown as { _handle: unknown })._handle).toBeNull();
    expect(socket.bytesWritten).toBe(0);
    expect(takeAllViolations().map((v) => v.target)).toEqual(['192.0.2.1:9']);
  });

  it('refuses a host name before a DNS query, and any DNS resolver query', async () => {
    const viaConnect = await firstOf((refused) => net.connect({ host: 'cr.cn-hangzhou.aliyuncs.com', port: 443 }).on('error', refused));
    const viaLookup = await firstOf((refused) => dns.lookup('undefined', (e) => refused(e!)));
    const viaResolver = await firstOf((refused) => dns.resolve4('example.com', (e) => refused(e!)));
    for (const r of [viaConnect, viaLookup, viaResolver]) expect(r).toEqual({ refusedBeforeAnyIo: true, code: GUARD_CODE });
    expect(takeAllViolations()).toHaveLength(3);
  });

  it('lets loopback through', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    for (const host of ['127.0.0.1', 'localhost']) {
      await new Promise<void>((resolve, reject) => net.connect({ host, port }).on('connect', function (this: net.Socket) {
        this.destroy();
        resolve();
      }).on('error', reject));
    }
    await new Promise<void>((r) => server.close(() => r()));
    expect(takeAllViolations()).toEqual([]);
  });

  it('stops the official runtime and the vendor ECS metadata provider, even with the metadata switch off', async () => {
    const OpenApiClient = ((OpenApi as { default: unknown }).default as { default?: unknown }).default ?? (OpenApi as { default: unknown }).default;
    const client = new (OpenApiClient as new (c: unknown) => { callApi: (...a: unknown[]) => Promise<unknown> })(
      new OpenApi.$OpenApiUtil.Config({ accessKeyId: 'id', accessKeySecret: 'secret', endpoint: '100.100.100.200', protocol: 'http', regionId: 'cn-hangzhou' }),
    );
    const params = new OpenApi.$OpenApiUtil.Params({ action: 'GetCallerIdentity', version: '2015-04-01', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    await expect(client.callApi(params, new OpenApi.$OpenApiUtil.OpenApiRequest({}), { autoretry: false })).rejects.toMatchObject({ code: GUARD_CODE });

    const saved = process.env['ALIBABA_CLOUD_ECS_METADATA_DISABLED'];
    delete process.env['ALIBABA_CLOUD_ECS_METADATA_DISABLED'];
    try {
      const ecs = credentials.ECSRAMRoleCredentialsProvider.builder().withRoleName('any').build();
      await expect(ecs.getCredentials()).rejects.toThrow();
    } finally {
      process.env['ALIBABA_CLOUD_ECS_METADATA_DISABLED'] = saved;
    }
    const targets = takeAllViolations().map((v) => v.target);
    expect(targets[0]).toBe('100.100.100.200:80');
    expect(targets.slice(1).every((t) => t.startsWith('100.100.100.200:'))).toBe(true);
    expect(targets.length).toBeGreaterThan(1);
  });

  it('guards a child process even when the test gives it an environment of its own', async () => {
    const script = "require('net').connect(9, '192.0.2.1').on('error', (e) => console.log(e.code, process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED))";
    const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.on('close', r));
    expect(out.trim()).toBe(`${GUARD_CODE} true`);
    const v = takeAllViolations();
    expect(v.map((x) => [x.pid, x.target])).toEqual([[child.pid, '192.0.2.1:9']]);
  });

  it.fails('fails a test that reached outside loopback and did not expect it (the afterEach check)', async () => {
    await new Promise<void>((r) => net.connect(9, '192.0.2.1').on('error', () => r()));
  });
});
