import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultConfigError, parseFaultConfig } from '../../../src/emulator/core/faults.js';
import { ClientError, startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());

describe('errorRate fault', () => {
  it('answers the configured non-retryable error, which the SDK throws as a ClientError', async () => {
    const keys = await t.account('1234567890123456');
    await t.admin('PUT', '/_emulator/faults', { actions: { 'sts:GetCallerIdentity': { errorRate: 1, errorCode: 'Forbidden.RAM', errorStatus: 403 } } });
    const err = await t.callRpc('sts', 'global', 'GetCallerIdentity', {}, keys).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClientError);
    expect((err as { code: string }).code).toBe('Forbidden.RAM');
    expect((err as { statusCode: number }).statusCode).toBe(403);
    const log = (await t.admin<{ action: string; code: string }[]>('GET', '/_emulator/calls')).body;
    expect(log.at(-1)).toMatchObject({ action: 'GetCallerIdentity', code: 'Forbidden.RAM' });
    await t.admin('DELETE', '/_emulator/faults');
    await expect(t.callRpc('sts', 'global', 'GetCallerIdentity', {}, keys)).resolves.toBeDefined();
  });

  it('refuses a 5xx errorStatus and a malformed code', () => {
    expect(() => parseFaultConfig({ global: { errorRate: 0.5, errorStatus: 503 } }, 1)).toThrow(FaultConfigError);
    expect(() => parseFaultConfig({ global: { errorRate: 0.5, errorCode: 'bad code!' } }, 1)).toThrow(/errorCode/);
    expect(() => parseFaultConfig({ global: { errorRate: 0.6, throttleRate: 0.6 } }, 1)).toThrow(/add up to/);
  });
});
