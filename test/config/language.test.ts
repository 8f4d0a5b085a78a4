/**
 * The registry.yaml language is declared once: the core in src/config/language.ts, the rest in each
 * kind's module (`Kind.language`). The schema file, the config types and the reference are generated
 * from those (`npm run gen`); these tests fail when a committed file is stale.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateConfigTypes } from '../../src/config/typegen.js';
import { allKinds } from '../../src/kinds/index.js';
import { CONFIG_TYPES, languageSchema, languageSections, schemaText } from '../../src/kinds/language.js';
import type { Kind } from '../../src/plan/kind.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the generated language', () => {
  const schema = languageSchema(allKinds);
  it('schemas/registry.schema.json is the core and the kinds\' fragments (run `npm run gen`)', () => {
    expect(read('schemas/registry.schema.json')).toBe(schemaText(schema));
  });
  it('src/config/model.generated.ts is the schema as TypeScript (run `npm run gen`)', () => {
    expect(read('src/config/model.generated.ts')).toBe(generateConfigTypes(schema, CONFIG_TYPES));
  });
  it('every section of the reference names a part of the schema', () => {
    for (const [, pointer] of languageSections(allKinds)) {
      let node: unknown = schema;
      for (const seg of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[seg];
      expect(node, pointer).toBeTypeOf('object');
    }
  });
  it('a kind cannot add a key that is there already, nor to an object nobody defines', () => {
    const clash: Kind = { ...allKinds[1]!, name: 'clash', language: { properties: { '#/$defs/instance': { name: { type: 'string' } } } } };
    expect(() => languageSchema([...allKinds, clash])).toThrow(/adds #\/\$defs\/instance key name, which is there already/);
    const lost: Kind = { ...allKinds[1]!, name: 'lost', language: { properties: { '#/$defs/nowhere': { x: { type: 'string' } } } } };
    expect(() => languageSchema([...allKinds, lost])).toThrow(/which no kind or the core defines/);
  });
});

describe('config types from the schema', () => {
  it('turns a required-key oneOf into a union, with the keys tied to each branch', () => {
    const s = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'integer' } }, dependentRequired: { c: ['b'] }, oneOf: [{ required: ['a'] }, { required: ['b'] }] };
    expect(generateConfigTypes(s, { root: 'Root' })).toContain('export type Root = {\n  readonly a: string;\n} | {\n  readonly b: string;\n  readonly c?: number;\n};');
  });
  it('turns allOf branches on a discriminator into a discriminated union, without the keys a branch forbids', () => {
    const s = {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: ['x', 'y'] }, onlyX: { type: 'boolean' }, onlyY: { type: 'string' } },
      allOf: [
        { if: { properties: { kind: { const: 'x' } } }, then: { properties: { onlyY: { not: {} } } } },
        { if: { properties: { kind: { const: 'y' } } }, then: { required: ['onlyY'], properties: { onlyX: { not: {} } } } },
      ],
    };
    expect(generateConfigTypes(s, { root: 'Root' })).toContain("export type Root = {\n  readonly kind: 'x';\n  readonly onlyX?: boolean;\n} | {\n  readonly kind: 'y';\n  readonly onlyY: string;\n};");
  });
});
