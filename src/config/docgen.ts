/**
 * Generates docs/language.md, the language reference, from schemas/registry.schema.json and the
 * sections the core and the kinds declare, so the reference cannot drift from the schema (a test
 * regenerates it and compares).
 *
 * Contract: pure and deterministic (same schema and sections → same bytes). Regenerate with
 * `npm run gen`.
 */
import { VALIDATION_RULES } from './rules.js';

type Json = Record<string, unknown>;

/** Sections in reading order: [heading, pointer into the schema] (src/kinds/language.ts assembles them). */
export type Sections = readonly (readonly [string, string])[];

const PRELUDE = `# registry.yaml language reference

<!-- Generated from schemas/registry.schema.json by src/config/docgen.ts. Do not edit by hand:
     run \`npm run build && node scripts/gen-language-doc.mjs\`. A test fails when this file is stale. -->

\`registry.yaml\` describes the Container Registry Enterprise Edition estate you want. \`acrctl validate\`
checks it; \`acrctl plan\` compares it with the live estate. The JSON Schema
[\`schemas/registry.schema.json\`](../schemas/registry.schema.json) is the contract; this page is generated
from it. Put this line at the top of a file for completion, hover documentation and checks in editors
that use yaml-language-server (VS Code's YAML extension, Neovim, Helix, JetBrains). In a project that
installs acrctl (\`npm install --save-dev acrctl\`), the schema ships with the package; the path is
relative to the file:

\`\`\`yaml
# yaml-language-server: $schema=./node_modules/acrctl/schemas/registry.schema.json
\`\`\`

\`acrctl adopt\` writes this line itself (the nearest \`node_modules/acrctl\` above the file it writes,
else the schema of the acrctl that ran). The examples in this repository use
\`../../schemas/registry.schema.json\`.

Complete, validating examples: [quickstart](../examples/quickstart/registry.yaml),
[migrate-personal](../examples/migrate-personal/registry.yaml),
[cross-account-replication](../examples/cross-account-replication/registry.yaml),
[cross-region-access](../examples/cross-region-access/registry.yaml).

## Conventions

- **YAML 1.2**, one document per file, UTF-8 (a UTF-8 byte-order mark is accepted). \`yes\`/\`no\`/\`on\`/\`off\`
  are strings, not booleans: write \`true\`/\`false\`. Anchors and aliases work, within limits
  (100 aliases, 10 000 nodes expanded through them); merge keys (\`<<\`) are not part of the language.
  Files are limited to 4 MiB by default (\`--max-bytes\`).
- **Keys are camelCase.** Unknown keys are errors, with a "did you mean" suggestion.
- **Maps keyed by name**: \`accounts\` and \`instances\` are keyed by a local alias you choose (referenced
  elsewhere in the file); \`namespaces\` and \`repositories\` are keyed by their cloud names. Lists
  (\`vpcEndpoints\`, \`allow\`, \`imports\`, \`replication\`, \`crossRegionAccess\`) are matched to live objects
  by their natural key (vpc + vswitch, cidr, namespace + source, rule name, access name).
- **Defaults** are listed per key. The loader does not fill them in; the planner applies them.
- **\`prune\`** (default \`false\` everywhere): objects found live but not declared are *unmanaged*.
  \`plan\` and \`drift\` report them; they are deleted only under a container with \`prune: true\`:
  an instance (its namespaces, VPC endpoint links, import and replication rules), a namespace (its
  repositories), an \`internetEndpoint\` (its ACL entries).
- **\`\${env:NAME}\`** in any string value is replaced by the environment variable \`NAME\` before
  validation (\`$\${env:NAME}\` is the literal text). A variable that is not set is an error naming it.
  Keys are never interpolated. Values of variables whose names look secret (\`*SECRET*\`, \`*TOKEN*\`,
  \`*PASSWORD*\`, \`*ACCESS_KEY*\`…) are never echoed in messages.
- **No secrets in the file.** Keys such as \`accessKeyId\`, \`accessKeySecret\`, \`password\`,
  \`securityToken\` (any casing or \`_\`/\`-\` style), anywhere, and values shaped like an AccessKey ID are
  errors. Point an account at its credentials instead (see [credentials](#credentials)).
- **Tag filters** (\`tagFilter\`) are regular expressions in RE2 syntax, the dialect of Go's \`regexp\`,
  because the service is written in Go: no look-around, no backreferences. The product lints check
  that they compile (see docs/lints.md).
- **Console-only switches** (\`personalEditionDomain\`, \`authDomainTakeover\`) sit behind a vendor
  allow-list; the language states the desired value and later stages plan them as verified gates.
`;

/** Renders the whole reference. */
export function generateLanguageDoc(schema: Json, sections: Sections): string {
  const out: string[] = [PRELUDE];
  const typeOf = (s: Json, prop: Json) => typeIn(s, prop, sections);
  for (const [title, pointer] of sections) {
    const node = resolvePointer(schema, pointer);
    if (!node) throw new Error(`docgen: ${pointer} not found in the schema`);
    out.push(`## ${title}\n`);
    if (typeof node['description'] === 'string') out.push(`${node['description']}\n`);
    if (!node['properties'] && node['type'] !== 'object') {
      const facts: string[] = [];
      if (Array.isArray(node['enum'])) facts.push(`One of: ${(node['enum'] as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}.`);
      if (typeof node['pattern'] === 'string') facts.push(`Pattern: \`${String(node['pattern'])}\``);
      const range = limits({ ...node, pattern: undefined });
      if (range) facts.push(`Type: ${String(node['type'])}${range}.`);
      if (typeof node['patternErrorMessage'] === 'string') facts.push(`In words: ${String(node['patternErrorMessage'])}.`);
      if (facts.length) out.push(`${facts.join('\n\n')}\n`);
      continue;
    }
    const rules = conditionalRules(node);
    if (rules.length) out.push(`${rules.map((r) => `- ${r}`).join('\n')}\n`);
    const props = node['properties'] as Record<string, Json> | undefined;
    if (props) {
      const required = new Set((node['required'] as string[] | undefined) ?? []);
      out.push('| key | type | required | default | description |');
      out.push('|---|---|---|---|---|');
      for (const [key, prop] of Object.entries(props)) {
        out.push(`| \`${key}\` | ${typeOf(schema, prop)} | ${required.has(key) ? 'yes' : ''} | ${defaultOf(schema, prop)} | ${cell(String(prop['description'] ?? ''))} |`);
      }
      out.push('');
    }
  }
  out.push('## Validation findings\n');
  out.push('Besides the product lints (docs/lints.md), `acrctl validate` reports these, each at `file:line:column`:\n');
  out.push('| id | meaning |');
  out.push('|---|---|');
  for (const r of VALIDATION_RULES) out.push(`| \`${r.id}\` | ${cell(r.summary)} |`);
  out.push('');
  return `${out.join('\n')}`;
}

function resolvePointer(schema: Json, pointer: string): Json | undefined {
  let node: unknown = schema;
  for (const seg of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Json)[seg];
  }
  return node && typeof node === 'object' ? (node as Json) : undefined;
}

function anchor(ref: string, sections: Sections): string | undefined {
  const name = ref.replace('#/$defs/', '');
  const section = sections.find(([, p]) => p === ref);
  return section ? `[${name}](#${section[0].toLowerCase().replace(/[^a-z0-9]+/g, '')})` : undefined;
}

function typeIn(schema: Json, prop: Json, sections: Sections): string {
  const typeOf = (s: Json, p: Json) => typeIn(s, p, sections);
  const ref = typeof prop['$ref'] === 'string' ? prop['$ref'] : undefined;
  if (ref) {
    const link = anchor(ref, sections);
    if (link) return link;
    const target = resolvePointer(schema, ref);
    return target ? typeOf(schema, target) : ref;
  }
  if ('const' in prop) return `\`${JSON.stringify(prop['const'])}\``;
  if (Array.isArray(prop['enum'])) {
    const values = prop['enum'] as unknown[];
    return values.length > 8 ? `one of ${values.length} values (see the schema), e.g. \`${String(values[values.length - 4])}\`` : values.map((v) => `\`${String(v)}\``).join(' \\| ');
  }
  if (Array.isArray(prop['oneOf']) && prop['type'] === undefined) return (prop['oneOf'] as Json[]).map((b) => typeOf(schema, b)).join(' or ');
  const type = String(prop['type'] ?? 'any');
  if (type === 'array') {
    const items = (prop['items'] ?? {}) as Json;
    return `list of ${typeOf(schema, items)}${limits(prop)}`;
  }
  if (type === 'object') {
    const values = prop['additionalProperties'];
    if (values && typeof values === 'object') {
      const names = prop['propertyNames'] as Json | undefined;
      const key = names && typeof names['$ref'] === 'string' ? String(names['$ref']).replace('#/$defs/', '') : 'name';
      return `map of ${key} → ${typeOf(schema, values as Json)}`;
    }
    const section = sections.find(([, p]) => resolvePointer(schema, p) === prop);
    return section ? `[object](#${section[0].toLowerCase().replace(/[^a-z0-9]+/g, '')})` : 'object';
  }
  return `${type}${limits(prop)}`;
}

function limits(prop: Json): string {
  const parts: string[] = [];
  if (typeof prop['pattern'] === 'string') parts.push(`pattern \`${cell(String(prop['pattern']))}\``);
  if (typeof prop['format'] === 'string') parts.push(String(prop['format']));
  if (typeof prop['minimum'] === 'number' || typeof prop['maximum'] === 'number') parts.push(`${String(prop['minimum'] ?? '')}..${String(prop['maximum'] ?? '')}`);
  if (typeof prop['multipleOf'] === 'number') parts.push(`multiple of ${String(prop['multipleOf'])}`);
  if (typeof prop['minLength'] === 'number' || typeof prop['maxLength'] === 'number') parts.push(`length ${String(prop['minLength'] ?? 0)}..${String(prop['maxLength'] ?? '')}`);
  if (typeof prop['minItems'] === 'number') parts.push(`at least ${String(prop['minItems'])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function defaultOf(schema: Json, prop: Json): string {
  if ('default' in prop) return `\`${JSON.stringify(prop['default'])}\``;
  const ref = typeof prop['$ref'] === 'string' ? resolvePointer(schema, prop['$ref']) : undefined;
  if (ref && 'default' in ref) return `\`${JSON.stringify(ref['default'])}\``;
  return '';
}

/** Human statements of the if/then/oneOf/dependentRequired rules of an object. */
function conditionalRules(node: Json): string[] {
  const rules: string[] = [];
  // A branch's messages: those of its properties, and those of its subschemas that forbid a key
  // (`{ properties: { k: false }, errorMessage }`, the form editors can show).
  const messages = (branch: unknown): string[] => {
    if (!branch || typeof branch !== 'object') return [];
    const props = (branch as Json)['properties'] as Record<string, Json> | undefined;
    const own = props ? Object.values(props).map((p) => (p && typeof p === 'object' ? p['errorMessage'] : undefined)) : [];
    const subs = (((branch as Json)['allOf'] as Json[] | undefined) ?? []).map((sub) => sub['errorMessage']);
    return [...own, ...subs].filter((m): m is string => typeof m === 'string');
  };
  const describeIf = (cond: Json, then: unknown, els: unknown): void => {
    const props = (cond['properties'] ?? {}) as Record<string, Json>;
    const [key, value] = Object.entries(props)[0] ?? [];
    if (!key || !value) return;
    const req = then && typeof then === 'object' ? ((then as Json)['required'] as string[] | undefined) : undefined;
    if (req?.length) rules.push(`With \`${key}: ${String(value['const'])}\`, ${req.map((r) => `\`${r}\``).join(', ')} ${req.length === 1 ? 'is' : 'are'} required.`);
    for (const m of messages(then)) rules.push(`${m.charAt(0).toUpperCase()}${m.slice(1)}.`);
    for (const m of messages(els)) rules.push(`${m.charAt(0).toUpperCase()}${m.slice(1)}.`);
  };
  if (node['if'] && typeof node['if'] === 'object') describeIf(node['if'] as Json, node['then'], node['else']);
  for (const sub of (node['allOf'] as Json[] | undefined) ?? []) if (sub['if']) describeIf(sub['if'] as Json, sub['then'], sub['else']);
  const message = typeof node['errorMessage'] === 'string' ? node['errorMessage'] : sharedMessage(node['anyOf']);
  if (message !== undefined) rules.push(`${message.charAt(0).toUpperCase()}${message.slice(1)}.`);
  const dep = node['dependentRequired'] as Record<string, string[]> | undefined;
  for (const [k, v] of Object.entries(dep ?? {})) rules.push(`\`${k}\` needs ${v.map((x) => `\`${x}\``).join(', ')}.`);
  return rules;
}

/** The message every branch of an `anyOf` carries, when they all carry the same one. */
function sharedMessage(branches: unknown): string | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const first = (branches[0] as Json)?.['errorMessage'];
  return typeof first === 'string' && branches.every((b) => (b as Json)?.['errorMessage'] === first) ? first : undefined;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
