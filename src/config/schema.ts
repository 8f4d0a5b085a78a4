/**
 * Schema validation of the plain document against `schemas/registry.schema.json`, with every ajv error
 * turned into a positioned, human Finding.
 *
 * Contract: the validator is compiled once per process (an immutable cache) with ajv's 2020-12 dialect,
 * `allErrors` and ajv-formats. {@link checkSchema} is pure apart from that cache. Messages echo a value
 * only when it is short and not secret (the caller passes the paths that must not be echoed).
 * Unknown keys get a "did you mean" suggestion; enum values too.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schemaJson from '../../schemas/registry.schema.json' with { type: 'json' };
import type { Finding } from './model.js';
import type { Locator } from './locate.js';
import { pathKey } from './secrets.js';
import { closest, quote } from './suggest.js';

/** The registry.yaml JSON Schema, as loaded. */
export const registrySchema: Readonly<Record<string, unknown>> = schemaJson;

type AddFormats = (ajv: Ajv2020) => unknown;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  (addFormatsModule as unknown as AddFormats));

let compiled: ValidateFunction | undefined;

/** The compiled validator (compiled on first use, then reused). */
export function registryValidator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, verbose: true });
  addFormats(ajv);
  // Editor-facing annotations (VS Code / yaml-language-server read them); acrctl reads them too.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'markdownDescription', schemaType: 'string' });
  compiled = ajv.compile(schemaJson);
  return compiled;
}

export interface SchemaCheckOptions {
  /** Paths whose values must never be echoed (secret keys, values from secret-looking variables). */
  readonly noEcho: ReadonlySet<string>;
  /** Paths of secret keys, already reported: their "unknown key" errors are dropped. */
  readonly secretKeyPaths: ReadonlySet<string>;
}

/** Validates a plain value; answers positioned findings (empty when valid). */
export function checkSchema(value: unknown, locate: Locator, options: SchemaCheckOptions): Finding[] {
  const validate = registryValidator();
  if (validate(value)) return [];
  const errors = pruneErrors(validate.errors ?? []);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const f = toFinding(e, value, locate, options);
    if (!f) continue;
    // Two forms of one rule can report the same thing twice (each credential source forbids the
    // other: both keys of `{ profile, env }` fail, and both become the one finding on the mapping).
    const key = `${f.id}\0${pathKey(f.path)}\0${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  return findings;
}

/** Drops errors that only explain another one (branches of oneOf/anyOf, `if` wrappers, propertyNames internals). */
function pruneErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const wrappers = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'propertyNames');
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    // Errors inside a propertyNames schema carry the offending name; the propertyNames error reports it.
    if (e.keyword !== 'propertyNames' && e.propertyName !== undefined) return false;
    for (const w of wrappers) {
      if (w === e) continue;
      if (e.schemaPath.startsWith(`${w.schemaPath}/`) && e.instancePath.startsWith(w.instancePath)) return false;
    }
    return true;
  });
}

/** JSON pointer to path segments (array indexes become numbers when the data holds an array). */
function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(seg)) {
      const i = Number(seg);
      out.push(i);
      node = node[i];
    } else {
      out.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/** Renders a path for messages: `instances.hz-main.namespaces["a.b"].repositories`. */
export function describePath(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the document';
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]{0,59}$/.test(seg)) s += s === '' ? seg : `.${seg}`;
    else s += `[${quote(seg)}]`;
  }
  return s;
}

function kindOf(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : 'a decimal number';
  if (typeof v === 'boolean') return 'a boolean';
  return `a ${typeof v}`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function echo(v: unknown, path: readonly (string | number)[], options: SchemaCheckOptions): string {
  if (options.noEcho.has(pathKey(path))) return '(value not shown)';
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    return s.length <= 66 ? s : `${s.slice(0, 60)}…"`;
  }
  return JSON.stringify(v) ?? String(v);
}

function lastKey(path: readonly (string | number)[]): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : 'value';
}

function toFinding(e: ErrorObject, root: unknown, locate: Locator, options: SchemaCheckOptions): Finding | undefined {
  const path = pointerToPath(e.instancePath, root);
  const where = describePath(path);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const custom = typeof parent['errorMessage'] === 'string' ? parent['errorMessage'] : undefined;
  const base = (id: string, message: string, at: (string | number)[], target: 'key' | 'value', hint?: string): Finding => ({
    id,
    severity: 'error',
    message,
    location: locate(at, target),
    path: at,
    ...(hint === undefined ? {} : { hint }),
  });
  const params = e.params as Record<string, unknown>;

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const at = [...path, key];
      if (options.secretKeyPaths.has(pathKey(at))) return undefined;
      const props = parent['properties'];
      const allowed = props && typeof props === 'object' ? Object.keys(props) : [];
      const suggestion = closest(key, allowed);
      const message = `unknown key ${quote(key)} in ${where}${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
      return base('schema/unknown-key', message, at, 'key', suggestion ? undefined : allowed.length ? `allowed keys here: ${allowed.join(', ')}` : undefined);
    }
    case 'required': {
      const missing = String(params['missingProperty']);
      return base('schema/required', `${where} is missing the required key "${missing}"`, path, 'key');
    }
    case 'dependentRequired': {
      const prop = String(params['property']);
      const missing = String(params['missingProperty']);
      return base('schema/required', `${quote(prop)} in ${where} needs "${missing}" too`, [...path, prop], 'key');
    }
    case 'type': {
      const expected = String(params['type']);
      const actual = e.data;
      const want = TYPE_NAMES[expected] ?? expected;
      let hint: string | undefined;
      if (expected === 'string' && (typeof actual === 'number' || typeof actual === 'boolean')) {
        hint = typeof actual === 'number' && !Number.isSafeInteger(actual)
          ? 'quote the value: this number is too large to be read exactly, which is why IDs and UIDs are strings'
          : `quote the value to make it a string: "${String(actual)}"`;
      } else if (actual === null) {
        hint = 'the value is empty; write one or remove the key';
      } else if (expected === 'object' && Array.isArray(actual)) {
        hint = 'this is keyed by name: write `name:` entries instead of `- name` list items';
      } else if (expected === 'array' && actual !== null && typeof actual === 'object') {
        hint = 'write the entries as a list, each starting with `- `';
      }
      return base('schema/type', `${where} must be ${want}, found ${kindOf(actual)}`, path, 'value', hint);
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[] | undefined) ?? [];
      const actual = e.data;
      const suggestion = typeof actual === 'string' ? closest(actual, allowed.map(String)) : undefined;
      const list = allowed.length <= 8 ? `; expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}` : '';
      const message = `${echo(actual, path, options)} is not a valid ${lastKey(path)}${suggestion ? `; did you mean "${suggestion}"?` : list}`;
      return base('schema/enum', message, path, 'value', suggestion && list ? `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}` : undefined);
    }
    case 'const': {
      if (custom) return base('schema/invalid', custom, path, 'value');
      const allowed = params['allowedValue'];
      return base('schema/const', `${where} must be ${JSON.stringify(allowed)}, found ${echo(e.data, path, options)}`, path, 'value');
    }
    case 'pattern': {
      const why = typeof parent['patternErrorMessage'] === 'string' ? parent['patternErrorMessage'] : `it must match ${String(params['pattern'])}`;
      return base('schema/pattern', `invalid ${lastKey(path)} ${echo(e.data, path, options)}: ${why}`, path, 'value');
    }
    case 'format': {
      return base('schema/format', `invalid ${lastKey(path)} ${echo(e.data, path, options)}: expected an ${params['format'] === 'ipv4' ? 'IPv4' : String(params['format'])} address`, path, 'value');
    }
    case 'propertyNames': {
      const name = String(params['propertyName']);
      const names = parent['propertyNames'] as Record<string, unknown> | undefined;
      const refTarget = typeof names?.['$ref'] === 'string' ? names['$ref'] : '';
      const def = resolveLocalRef(refTarget);
      const why = typeof def?.['patternErrorMessage'] === 'string' ? def['patternErrorMessage'] : 'invalid name';
      const what = lastKey(path) === 'namespaces' ? 'namespace name' : lastKey(path) === 'repositories' ? 'repository name' : 'alias';
      return base('schema/pattern', `invalid ${what} ${quote(name)} in ${where}: ${why}`, [...path, name], 'key');
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const limit = params['limit'];
      const cmp = String(params['comparison']);
      const words: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than' };
      return base('schema/range', `${lastKey(path)} must be ${words[cmp] ?? cmp} ${String(limit)}, found ${echo(e.data, path, options)}`, path, 'value');
    }
    case 'multipleOf':
      return base('schema/range', `${lastKey(path)} must be a multiple of ${String(params['multipleOf'])}, found ${echo(e.data, path, options)}`, path, 'value');
    case 'minLength':
      return base('schema/range', `${lastKey(path)} must have at least ${String(params['limit'])} character(s)`, path, 'value');
    case 'maxLength':
      return base('schema/range', `${lastKey(path)} must have at most ${String(params['limit'])} characters`, path, 'value');
    case 'minItems':
      return base('schema/range', `${where} must have at least ${String(params['limit'])} item(s)`, path, 'value');
    case 'minProperties':
      return base('schema/range', `${where} must have at least ${String(params['limit'])} entr${params['limit'] === 1 ? 'y' : 'ies'}`, path, 'value');
    case 'uniqueItems':
      return base('schema/duplicate', `${where} lists the same item twice (items ${String(params['j'])} and ${String(params['i'])})`, [...path, Number(params['i'])], 'value');
    case 'oneOf':
    case 'anyOf':
    case 'not':
      return base('schema/invalid', custom ?? sharedMessage(parent[e.keyword]) ?? `${where} is not valid here`, path, e.keyword === 'not' ? 'key' : 'value');
    case 'false schema': {
      // A forbidden key: `{ properties: { k: false }, errorMessage }`. Under `dependentSchemas` the
      // rule is about the mapping (keys that exclude each other), so it is reported there.
      const branch = forbiddingBranch(e.schemaPath);
      const message = typeof branch?.schema['errorMessage'] === 'string' ? branch.schema['errorMessage'] : undefined;
      if (message !== undefined && branch?.dependent) return base('schema/invalid', message, path.slice(0, -1), 'value');
      return base('schema/invalid', message ?? `${where} is not allowed here`, path, 'key');
    }
    default:
      return base('schema/invalid', `${where} ${e.message ?? 'is invalid'}`, path, 'value');
  }
}

/** The message every branch of an `anyOf`/`oneOf` carries, when they all carry the same one. */
function sharedMessage(branches: unknown): string | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const first = (branches[0] as Record<string, unknown> | undefined)?.['errorMessage'];
  return typeof first === 'string' && branches.every((b) => (b as Record<string, unknown> | undefined)?.['errorMessage'] === first) ? first : undefined;
}

/**
 * The subschema whose `properties` forbid a key, from the schema path of a `false schema` error
 * (`#/…/properties/<key>/false schema`), and whether it sits under `dependentSchemas`. ajv gives
 * schema paths relative to the definition a `$ref` entered, so the path is resolved from the root
 * and from each definition; the subschemas it reaches must agree on the message.
 */
function forbiddingBranch(schemaPath: string): { schema: Record<string, unknown>; dependent: boolean } | undefined {
  const segs = schemaPath.replace(/^#\/?/, '').split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (segs.length < 3 || segs[segs.length - 1] !== 'false schema' || segs[segs.length - 3] !== 'properties') return undefined;
  const container = segs.slice(0, -3);
  const key = segs[segs.length - 2]!;
  const roots = [schemaJson as unknown, ...Object.values((schemaJson as { $defs?: Record<string, unknown> }).$defs ?? {})];
  const found: Record<string, unknown>[] = [];
  for (const root of roots) {
    let node: unknown = root;
    for (const seg of container) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    if (node === null || typeof node !== 'object') continue;
    const props = (node as Record<string, unknown>)['properties'];
    if (props && typeof props === 'object' && (props as Record<string, unknown>)[key] === false) found.push(node as Record<string, unknown>);
  }
  const first = found[0];
  if (first === undefined || !found.every((f) => f['errorMessage'] === first['errorMessage'])) return undefined;
  return { schema: first, dependent: container[container.length - 2] === 'dependentSchemas' };
}

function resolveLocalRef(ref: string): Record<string, unknown> | undefined {
  if (!ref.startsWith('#/$defs/')) return undefined;
  const defs = (schemaJson as { $defs?: Record<string, unknown> }).$defs ?? {};
  const def = defs[ref.slice('#/$defs/'.length)];
  return def && typeof def === 'object' ? (def as Record<string, unknown>) : undefined;
}
