/** docs/emulator.md lists every admin route the registered services and the core mount. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

describe('docs/emulator.md', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(() => t.close());

  it('has a row for every admin route (regenerate the table from GET /_emulator/routes)', async () => {
    const doc = await readFile(new URL('../../../docs/emulator.md', import.meta.url), 'utf8');
    const routes = await t.admin<{ method: string; path: string }[]>('GET', '/_emulator/routes');
    const missing = routes.body.map((r) => `\`${r.method} ${r.path}\``).filter((row) => !doc.includes(row));
    expect(missing).toEqual([]);
  });
});
