/**
 * Reading the vendor's credential files without ever printing them: the Alibaba Cloud CLI file
 * `~/.aliyun/config.json` (JSON) and the INI file `~/.alibabacloud/credentials` (or
 * `$ALIBABA_CLOUD_CREDENTIALS_FILE`).
 *
 * Owns: parsing both files with positions, and the errors for what is wrong in them. Every error
 * names the file, the line (and column) and the key, never a value or a line of the file: these
 * files hold access key secrets and STS tokens, and the vendor library's own parse error
 * (`parse aliyun cli config from '…' failed: <the whole file>`) printed all of them. Key names
 * are printed only when they are names the vendor formats use; anything else in key position (a
 * value a syntax error pushed there) is shown as "a key".
 * Must not print; pure apart from the reads the caller does.
 */
import jsonc from 'jsonc-parser';
import { AcrctlError, type SourceLocation } from '../errors.js';

/** The last words of every credentials error's hint (credentials.ts re-exports it). */
export const NO_CLOUD_HINT = 'to try acrctl without a cloud account, add --emulator';

/** Keys of the CLI file (`aliyun configure` and its modes), the only ones messages may name. */
const CLI_KEYS: ReadonlySet<string> = new Set([
  'current',
  'meta_path',
  'profiles',
  'name',
  'mode',
  'access_key_id',
  'access_key_secret',
  'sts_token',
  'sts_region',
  'sts_expiration',
  'ram_role_name',
  'ram_role_arn',
  'ram_session_name',
  'source_profile',
  'private_key',
  'key_pair_name',
  'expired_seconds',
  'verified',
  'region_id',
  'output_format',
  'language',
  'site',
  'retry_timeout',
  'connect_timeout',
  'retry_count',
  'process_command',
  'credentials_uri',
  'oidc_provider_arn',
  'oidc_token_file',
  'external_id',
  'cloud_sso_sign_in_url',
  'cloud_sso_access_config',
  'cloud_sso_account_id',
  'access_token',
  'cloud_sso_access_token_expire',
  'oauth_site_type',
  'oauth_refresh_token',
  'oauth_access_token',
  'oauth_access_token_expire',
  'endpoint',
]);

/** Keys of the INI file's sections (the library's ProfileCredentialsProvider). */
const INI_KEYS: ReadonlySet<string> = new Set([
  'type',
  'access_key_id',
  'access_key_secret',
  'role_name',
  'role_arn',
  'role_session_name',
  'policy',
  'region_id',
  'public_key_id',
  'private_key_file',
]);

/** A file of credentials, as messages name it (`~/…` under the home directory). */
export interface CredentialFile {
  readonly path: string;
  /** How messages name it. */
  readonly display: string;
}

/** `~/rest` for a path under `home`, else the path. */
export function displayPath(path: string, home: string): string {
  const h = home.replace(/\/+$/, '');
  return h !== '' && path.startsWith(`${h}/`) ? `~/${path.slice(h.length + 1)}` : path;
}

function location(file: CredentialFile, text: string, offset: number): SourceLocation {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return { file: file.display, line, column };
}

function keyName(k: string | number, known: ReadonlySet<string>): string {
  if (typeof k === 'number') return `[${k}]`;
  return known.has(k) ? k : '(a key)';
}

/** `profiles[0].access_key_secret`, with unknown keys hidden. */
function pathText(path: readonly (string | number)[], known: ReadonlySet<string>): string {
  let out = '';
  for (const seg of path) {
    const name = keyName(seg, known);
    out += typeof seg === 'number' ? name : out === '' ? name : `.${name}`;
  }
  return out;
}

const SYNTAX: Readonly<Record<string, string>> = {
  PropertyNameExpected: 'a key was expected here (a trailing comma?)',
  ValueExpected: 'a value was expected here (a trailing comma?)',
  CommaExpected: 'a comma was expected here',
  ColonExpected: "a ':' was expected after the key",
  CloseBraceExpected: "a closing '}' was expected",
  CloseBracketExpected: "a closing ']' was expected",
  EndOfFileExpected: 'unexpected text after the end of the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape sequence',
  InvalidCharacter: 'a character JSON does not allow (a control character in a string?)',
  InvalidSymbol: 'something that is not JSON (unquoted text?)',
  InvalidNumberFormat: 'an invalid number',
};

/** One profile of the CLI file, as far as acrctl needs it (never its secret values). */
export interface CliProfile {
  readonly name: string;
  readonly mode: string | undefined;
  /** Keys present with a non-empty value. */
  readonly keys: ReadonlySet<string>;
  readonly line: number;
  /** `source_profile` (a profile name, not a secret), for ChainableRamRoleArn. */
  readonly sourceProfile: string | undefined;
}

export interface CliConfig {
  readonly current: string | undefined;
  readonly profiles: readonly CliProfile[];
}

function fileError(file: CredentialFile, loc: SourceLocation | undefined, message: string, hint?: string): AcrctlError {
  return new AcrctlError('credentials.file', message, {
    ...(loc ? { location: loc } : {}),
    hint: `${hint ?? `fix ${file.display} (acrctl never prints its contents)`}; ${NO_CLOUD_HINT}`,
  });
}

/**
 * Parses the CLI file strictly (as the vendor library's JSON.parse does), or throws
 * `credentials.file` naming the file, line, column and the key where it went wrong.
 */
export function parseCliConfig(text: string, file: CredentialFile): CliConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw cliSyntaxError(text, file, err);
  }
  const root = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  if (root === undefined) throw fileError(file, { file: file.display, line: 1, column: 1 }, 'the file is not a JSON object with "profiles"');
  const tree = jsonc.parseTree(text);
  const profilesNode = tree ? jsonc.findNodeAtLocation(tree, ['profiles']) : undefined;
  const list = root['profiles'];
  if (!Array.isArray(list) || list.length === 0) {
    throw fileError(file, profilesNode ? location(file, text, profilesNode.offset) : { file: file.display, line: 1, column: 1 }, 'no profiles: key "profiles" is missing or empty');
  }
  const profiles: CliProfile[] = list.map((p, i) => {
    const node = tree ? jsonc.findNodeAtLocation(tree, ['profiles', i]) : undefined;
    const loc = node ? location(file, text, node.offset) : { file: file.display, line: 1, column: 1 };
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw fileError(file, loc, `profiles[${i}] is not an object`);
    const rec = p as Record<string, unknown>;
    const name = rec['name'];
    if (typeof name !== 'string' || name === '') throw fileError(file, loc, `profiles[${i}] has no name`);
    const keys = new Set(Object.entries(rec).filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k]) => k));
    const source = rec['source_profile'];
    return { name, mode: typeof rec['mode'] === 'string' ? rec['mode'] : undefined, keys, line: loc.line, sourceProfile: typeof source === 'string' ? source : undefined };
  });
  return { current: typeof root['current'] === 'string' ? root['current'] : undefined, profiles };
}

function cliSyntaxError(text: string, file: CredentialFile, err: unknown): AcrctlError {
  const errors: jsonc.ParseError[] = [];
  jsonc.parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  let offset: number;
  let what: string;
  if (first !== undefined) {
    offset = first.offset;
    what = SYNTAX[jsonc.printParseErrorCode(first.error)] ?? 'invalid JSON';
  } else {
    // JSON.parse refused what the position-aware parser took: use the position V8 reports, never its text.
    const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
    offset = m?.[1] !== undefined ? Number(m[1]) : 0;
    what = text.trim() === '' ? 'the file is empty' : 'invalid JSON';
  }
  const where = jsonc.getLocation(text, offset).path.filter((s) => s !== '');
  const after = lastKeyBefore(text, offset);
  const context = [
    where.length > 0 ? `in ${pathText(where, CLI_KEYS)}` : undefined,
    after !== undefined ? `after key ${JSON.stringify(keyName(after, CLI_KEYS)).replace(/^"\(a key\)"$/, 'an unrecognised key')}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return fileError(file, location(file, text, offset), `${file.display} is not valid JSON: ${what}${context.length ? ` (${context.join(', ')})` : ''}`);
}

/** The last object key that starts before `offset`. */
function lastKeyBefore(text: string, offset: number): string | undefined {
  let last: string | undefined;
  jsonc.visit(
    text,
    {
      onObjectProperty: (property, at) => {
        if (at < offset) last = property;
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return last;
}

/** The keys each CLI mode needs (the vendor library's CLIProfileCredentialsProvider). */
const CLI_MODE_KEYS: Readonly<Record<string, readonly string[]>> = {
  AK: ['access_key_id', 'access_key_secret'],
  StsToken: ['access_key_id', 'access_key_secret', 'sts_token'],
  RamRoleArn: ['access_key_id', 'access_key_secret', 'ram_role_arn'],
  EcsRamRole: [],
  OIDC: ['oidc_provider_arn', 'oidc_token_file', 'ram_role_arn'],
  ChainableRamRoleArn: ['source_profile', 'ram_role_arn'],
  CloudSSO: [],
  OAuth: [],
  External: [],
};

/**
 * Checks that profile `name` of a parsed CLI file can be used: it exists, its mode is one the
 * vendor library knows and it has the keys that mode needs. Returns the profile, or undefined
 * when the file has no such profile.
 */
export function checkCliProfile(config: CliConfig, name: string, file: CredentialFile): CliProfile | undefined {
  const p = config.profiles.find((x) => x.name === name);
  if (p === undefined) return undefined;
  const loc = { file: file.display, line: p.line, column: 1 };
  const mode = p.mode ?? 'AK';
  const needs = CLI_MODE_KEYS[mode];
  if (needs === undefined) {
    throw fileError(file, loc, `profile ${JSON.stringify(name)} has a mode acrctl's credentials library does not know`, `use one of ${Object.keys(CLI_MODE_KEYS).join(', ')} (aliyun configure --mode)`);
  }
  const missing = needs.filter((k) => !p.keys.has(k));
  if (missing.length > 0) {
    throw fileError(file, loc, `profile ${JSON.stringify(name)} (mode ${mode}) has no ${missing.join(' and no ')}`, `run aliyun configure --profile ${name} --mode ${mode}`);
  }
  if (mode === 'ChainableRamRoleArn' && !config.profiles.some((x) => x.name === p.sourceProfile)) {
    throw fileError(file, loc, `profile ${JSON.stringify(name)}: its source_profile names no profile of this file`);
  }
  return p;
}

/** One section of the INI file: its values (secret ones included: never print them) and lines. */
export interface IniSection {
  readonly name: string;
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
  readonly lines: Readonly<Record<string, number>>;
}

/**
 * Parses the INI credentials file. Only section `wanted` is checked strictly: a line in it that is
 * neither `key = value`, a comment nor blank is an error naming its line (other sections are the
 * vendor library's business, which ignores what it cannot read). Returns undefined when there is
 * no such section.
 */
export function parseIniSection(text: string, wanted: string, file: CredentialFile): IniSection | undefined {
  const lines = text.split(/\r?\n/);
  let current: string | undefined;
  let section: { name: string; line: number; values: Record<string, string>; lines: Record<string, number> } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const head = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(line);
    if (head) {
      current = head[1]!.trim();
      if (current === wanted && section === undefined) section = { name: current, line: i + 1, values: {}, lines: {} };
      continue;
    }
    if (current !== wanted || section === undefined) continue;
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw fileError(file, { file: file.display, line: i + 1, column: 1 }, `line ${i + 1} of section [${wanted}] is not a "key = value" line`);
    const key = kv[1]!.trim();
    let value = kv[2]!.trim();
    if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) value = value.slice(1, -1);
    section.values[key] = value;
    section.lines[key] = i + 1;
  }
  return section;
}

/** The keys each INI `type` needs (the vendor library's ProfileCredentialsProvider). */
const INI_TYPE_KEYS: Readonly<Record<string, readonly string[]>> = {
  access_key: ['access_key_id', 'access_key_secret'],
  ecs_ram_role: [],
  ram_role_arn: ['access_key_id', 'access_key_secret', 'role_arn'],
};

/** Checks a section's type and keys; throws `credentials.file` naming the line and key. */
export function checkIniSection(section: IniSection, file: CredentialFile): 'access_key' | 'ecs_ram_role' | 'ram_role_arn' {
  const at = (key?: string): SourceLocation => ({ file: file.display, line: (key ? section.lines[key] : undefined) ?? section.line, column: 1 });
  const type = section.values['type'];
  if (type === undefined || type === '') {
    throw fileError(file, at(), `section [${section.name}] has no type`, `add type = access_key (or ecs_ram_role, ram_role_arn) to [${section.name}] in ${file.display}`);
  }
  const needs = INI_TYPE_KEYS[type];
  if (needs === undefined) {
    throw fileError(file, at('type'), `section [${section.name}]: key type has a value acrctl's credentials library does not know`, `use type = ${Object.keys(INI_TYPE_KEYS).join(', ')}`);
  }
  const missing = needs.filter((k) => !section.values[k]);
  if (missing.length > 0) {
    throw fileError(file, at(), `section [${section.name}] (type ${type}) has no ${missing.map((k) => keyName(k, INI_KEYS)).join(' and no ')}`);
  }
  return type as 'access_key' | 'ecs_ram_role' | 'ram_role_arn';
}
