/**
 * Generates the TypeScript shape of registry.yaml (src/config/model.generated.ts) from the schema,
 * so the language is declared once (the core in src/config/language.ts, the rest in the kinds'
 * modules) and the config types cannot drift from it. A test regenerates the file and compares.
 *
 * Owns: the mapping from the JSON Schema subset the language uses to TypeScript:
 * - objects → interfaces of read-only fields, optional unless `required`; maps (`additionalProperties`
 *   with a schema) → `Readonly<Record<string, T>>`; arrays → read-only arrays; `enum` → a union of
 *   literals; `const` → the literal; `$ref` → the definition's type (named when it is an object or
 *   an enum, inlined when it is a plain string or number);
 * - `oneOf` branches that each require one key (credentials) → a union, one member per branch, with
 *   the keys that `dependentRequired` ties to that key;
 * - `allOf` branches `if: { properties: { <k>: { const: v } } }, then: …` (import rules) → a union
 *   discriminated by `<k>`, each member without the keys its branch forbids (`not: {}`) and with the
 *   keys it requires;
 * - a property that is `oneOf` whole schemas (no `type` of its own) → the union of their types;
 * - descriptions → doc comments. Other keywords (patterns, limits, `if/then/else` on optional keys)
 *   constrain values, not shapes, and are left to validation.
 * Contract: pure and deterministic.
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const lit = (v: unknown) => (typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v));

function doc(description: unknown, indent: string): string {
  if (typeof description !== 'string' || description === '') return '';
  const text = description.replace(/\*\//g, '*\\/');
  return `${indent}/** ${text} */\n`;
}

export interface TypegenOptions {
  /** The name of the root type. */
  readonly root: string;
  /** Const arrays to emit for enum definitions: definition name → constant name (`region` → `REGIONS`). */
  readonly enumConstants?: Readonly<Record<string, string>>;
}

/** The generated module's text. */
export function generateConfigTypes(schema: Json, options: TypegenOptions): string {
  const defs = (schema['$defs'] ?? {}) as Record<string, Json>;
  const named = (name: string): boolean => {
    const d = defs[name];
    return d !== undefined && (d['type'] === 'object' || Array.isArray(d['enum']));
  };

  const typeOf = (node: Json, indent: string): string => {
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      const name = ref.replace('#/$defs/', '');
      if (named(name)) return pascal(name);
      const d = defs[name];
      if (d === undefined) throw new Error(`typegen: unknown $ref ${ref}`);
      return typeOf(d, indent);
    }
    if ('const' in node) return lit(node['const']);
    if (Array.isArray(node['enum'])) return (node['enum'] as unknown[]).map(lit).join(' | ');
    // A value of one of several shapes (a replication rule's `to`: an alias or an external target).
    if (Array.isArray(node['oneOf']) && node['type'] === undefined) return (node['oneOf'] as Json[]).map((b) => typeOf(b, indent)).join(' | ');
    switch (node['type']) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array':
        return `readonly ${wrap(typeOf((node['items'] ?? {}) as Json, indent))}[]`;
      case 'object':
        return objectType(node, indent);
      default:
        return 'unknown';
    }
  };

  const wrap = (t: string) => (/[|&]/.test(t) && !t.startsWith('{') ? `(${t})` : t);

  /** The fields of an object node, minus `omit`, with `extraRequired` made required. */
  const fields = (node: Json, indent: string, omit: ReadonlySet<string> = new Set(), extraRequired: ReadonlySet<string> = new Set(), only?: ReadonlySet<string>): string => {
    const props = (node['properties'] ?? {}) as Record<string, Json>;
    const required = new Set([...((node['required'] as string[] | undefined) ?? []), ...extraRequired]);
    let out = '';
    for (const [key, prop] of Object.entries(props)) {
      if (omit.has(key) || (only !== undefined && !only.has(key))) continue;
      out += doc(prop['description'], indent);
      out += `${indent}readonly ${key}${required.has(key) ? '' : '?'}: ${typeOf(prop, indent)};\n`;
    }
    return out;
  };

  const objectType = (node: Json, indent: string): string => {
    const values = node['additionalProperties'];
    if (isObj(values) && node['properties'] === undefined) return `Readonly<Record<string, ${typeOf(values, indent)}>>`;
    const inner = `${indent}  `;
    const union = unionOf(node, inner);
    if (union !== undefined) return union;
    return `{\n${fields(node, inner)}${indent}}`;
  };

  /** A union for `oneOf` of required keys, or for `allOf` branches on a discriminator; else undefined. */
  const unionOf = (node: Json, inner: string): string | undefined => {
    const indent = inner.slice(2);
    // Exactly one key of several: `oneOf` of `required`, or `anyOf` of `required` whose keys forbid
    // each other through `dependentSchemas` (the form editors can show).
    const oneOf = node['oneOf'] ?? node['anyOf'];
    if (Array.isArray(oneOf) && oneOf.every((b) => isObj(b) && Array.isArray(b['required']) && (b['required'] as unknown[]).length === 1)) {
      const dependent = (node['dependentRequired'] ?? {}) as Record<string, string[]>;
      return oneOf
        .map((b) => {
          const key = ((b as Json)['required'] as string[])[0]!;
          const keys = new Set([key, ...Object.entries(dependent).filter(([, on]) => on.includes(key)).map(([k]) => k)]);
          return `{\n${fields(node, inner, new Set(), new Set([key]), keys)}${indent}}`;
        })
        .join(' | ');
    }
    const allOf = node['allOf'];
    const branches = Array.isArray(allOf) ? allOf.filter((b): b is Json => isObj(b) && isObj(b['if']) && isObj(b['then'])) : [];
    if (branches.length > 0 && branches.length === (allOf as unknown[]).length) {
      const discriminator = (b: Json) => Object.entries(((b['if'] as Json)['properties'] ?? {}) as Record<string, Json>).find(([, p]) => 'const' in p);
      const first = discriminator(branches[0]!);
      if (first !== undefined && branches.every((b) => discriminator(b)?.[0] === first[0])) {
        const key = first[0];
        return branches
          .map((b) => {
            const then = b['then'] as Json;
            const forbidden = new Set([
              ...Object.entries((then['properties'] ?? {}) as Record<string, Json>).filter(([, p]) => isObj(p) && isObj(p['not'])).map(([k]) => k),
              // `{ properties: { k: false } }` subschemas of the branch (the form editors can show)
              ...((then['allOf'] as Json[] | undefined) ?? []).flatMap((sub) =>
                Object.entries((sub['properties'] ?? {}) as Record<string, unknown>).filter(([, p]) => p === false).map(([k]) => k),
              ),
            ]);
            const required = new Set((then['required'] as string[] | undefined) ?? []);
            const value = discriminator(b)![1]['const'];
            const rest = fields(node, inner, new Set([...forbidden, key]), required);
            return `{\n${doc(((node['properties'] as Record<string, Json>)[key] ?? {})['description'], inner)}${inner}readonly ${key}: ${lit(value)};\n${rest}${indent}}`;
          })
          .join(' | ');
      }
    }
    return undefined;
  };

  const decl = (name: string, node: Json): string => {
    const head = doc(node['description'], '');
    if (Array.isArray(node['enum'])) {
      const constant = options.enumConstants?.[name.charAt(0).toLowerCase() + name.slice(1)];
      const values = (node['enum'] as unknown[]).map(lit);
      if (constant !== undefined) return `${head}export const ${constant} = [${values.join(', ')}] as const;\n${head}export type ${name} = (typeof ${constant})[number];\n`;
      return `${head}export type ${name} = ${values.join(' | ')};\n`;
    }
    const union = unionOf(node, '  ');
    if (union !== undefined) return `${head}export type ${name} = ${union};\n`;
    return `${head}export interface ${name} {\n${fields(node, '  ')}}\n`;
  };

  const out: string[] = [
    '// Generated from schemas/registry.schema.json by src/config/typegen.ts: do not edit by hand.',
    '// Run `npm run gen` after changing the language (src/config/language.ts or a kind\'s `language`);',
    '// test/config/language.test.ts fails when this file is stale.',
    '',
    decl(options.root, schema),
  ];
  for (const name of Object.keys(defs)) if (named(name)) out.push(decl(pascal(name), defs[name]!));
  return `${out.join('\n').trimEnd()}\n`;
}
