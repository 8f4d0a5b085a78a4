/** docs/language.md is generated from the schema; it must be up to date and cover every key. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateLanguageDoc } from '../../src/config/docgen.js';
import { registrySchema } from '../../src/config/schema.js';
import { allKinds } from '../../src/kinds/index.js';
import { languageSections } from '../../src/kinds/language.js';

describe('docs/language.md', () => {
  const committed = readFileSync(new URL('../../docs/language.md', import.meta.url), 'utf8');
  it('matches what the schema generates (run `npm run build && node scripts/gen-language-doc.mjs`)', () => {
    expect(committed).toBe(generateLanguageDoc(registrySchema, languageSections(allKinds)));
  });
  it('documents every key of every object', () => {
    const keys = new Set<string>();
    const walk = (n: unknown): void => {
      if (n === null || typeof n !== 'object') return;
      if (Array.isArray(n)) return n.forEach(walk);
      const o = n as Record<string, unknown>;
      if (o['properties'] && typeof o['properties'] === 'object') for (const k of Object.keys(o['properties'])) keys.add(k);
      Object.values(o).forEach(walk);
    };
    walk(registrySchema);
    for (const key of keys) expect(committed, key).toContain(`| \`${key}\` |`);
  });
});
