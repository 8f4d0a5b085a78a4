/**
 * The registry.yaml language, assembled: the core (src/config/language.ts) and every kind's fragment
 * (`Kind.language`), in kind order. What `npm run gen` writes to schemas/registry.schema.json, to
 * docs/language.md (with these sections) and, through the schema, to src/config/model.generated.ts;
 * tests fail when a committed file is stale.
 *
 * Contract: pure and deterministic (same kinds → same schema, key for key); never mutates the core
 * or a fragment. A kind may add keys to an object another kind (or the core) defines, named by JSON
 * pointer; keys are appended in kind order, so a container's keys read in the order kinds are listed.
 */
import { CORE_REFERENCES, CORE_SCHEMA, CORE_SECTIONS_FIRST, CORE_SECTIONS_LAST } from '../config/language.js';
import type { TypegenOptions } from '../config/typegen.js';
import type { ReferenceCheck } from '../config/model.js';
import type { JsonSchema, Kind } from '../plan/kind.js';

type Mutable = Record<string, unknown>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The object a fragment's pointer names (`#` or `#/$defs/<name>`), or a clear error. */
function target(schema: Mutable, pointer: string, kind: string): Mutable {
  if (pointer === '#') return schema;
  const m = /^#\/\$defs\/([^/]+)$/.exec(pointer);
  const def = m ? (schema['$defs'] as Record<string, Mutable>)[m[1]!] : undefined;
  if (def === undefined) throw new Error(`kind ${kind} adds keys to ${pointer}, which no kind or the core defines`);
  return def;
}

/** The whole registry.yaml schema for these kinds. */
export function languageSchema(kinds: readonly Kind[]): Readonly<Record<string, unknown>> {
  const schema = clone(CORE_SCHEMA) as Mutable;
  const defs = schema['$defs'] as Record<string, JsonSchema>;
  for (const k of kinds) {
    for (const [name, def] of Object.entries(k.language?.defs ?? {})) {
      if (name in defs) throw new Error(`kind ${k.name} defines $defs/${name}, which is defined already`);
      defs[name] = clone(def);
    }
  }
  for (const k of kinds) {
    for (const [pointer, props] of Object.entries(k.language?.properties ?? {})) {
      const obj = target(schema, pointer, k.name);
      const properties = (obj['properties'] ??= {}) as Record<string, JsonSchema>;
      for (const [key, prop] of Object.entries(props)) {
        if (key in properties) throw new Error(`kind ${k.name} adds ${pointer} key ${key}, which is there already`);
        properties[key] = clone(prop);
      }
    }
  }
  return schema;
}

/** The sections of the language reference, in reading order: the core's first and last, the kinds' between. */
export function languageSections(kinds: readonly Kind[]): readonly (readonly [string, string])[] {
  return [...CORE_SECTIONS_FIRST, ...kinds.flatMap((k) => k.language?.sections ?? []), ...CORE_SECTIONS_LAST];
}

/** The reference checks of the language: the core's, then every kind's, in kind order (validation runs them). */
export function languageReferences(kinds: readonly Kind[]): readonly ReferenceCheck[] {
  return [...CORE_REFERENCES, ...kinds.flatMap((k) => (k.references !== undefined ? [k.references] : []))];
}

/** How the config types are generated from the schema (src/config/model.generated.ts). */
export const CONFIG_TYPES: TypegenOptions = { root: 'RegistryDocument', enumConstants: { region: 'REGIONS' } };

/**
 * The schema file's text: two-space JSON and a final newline, so a regenerated file diffs cleanly.
 * Every `description` gets a `markdownDescription` beside it: the descriptions are written in
 * Markdown (`code`, links), which editors (VS Code, yaml-language-server) render only from that
 * keyword; `description` stays for every other reader.
 */
export function schemaText(schema: Readonly<Record<string, unknown>>): string {
  return `${JSON.stringify(withMarkdownDescriptions(schema), null, 2)}\n`;
}

/** Keywords whose values are data, not schemas: nothing inside them is annotated. */
const DATA_KEYWORDS = new Set(['examples', 'default', 'const', 'enum', 'required', 'dependentRequired']);

function withMarkdownDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withMarkdownDescriptions);
  if (node === null || typeof node !== 'object') return node;
  const out: Mutable = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = DATA_KEYWORDS.has(key) ? value : withMarkdownDescriptions(value);
    if (key === 'description' && typeof value === 'string') out['markdownDescription'] = value;
  }
  return out;
}
