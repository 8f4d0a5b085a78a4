/**
 * Credentials per account, through `@alicloud/credentials`, and the identity check.
 *
 * {@link AccountCredentials} is acrctl's own description of where an account's keys come from; the
 * config module maps registry.yaml onto it:
 * - `{kind:'profile', profile}`: a named profile, looked up first in the Alibaba Cloud CLI file
 *   `~/.aliyun/config.json` (modes AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn,
 *   CloudSSO, OAuth, External: the library's CLIProfileCredentialsProvider), then in the INI file
 *   `~/.alibabacloud/credentials` or `$ALIBABA_CLOUD_CREDENTIALS_FILE` (the library's
 *   ProfileCredentialsProvider; section = profile name).
 * - `{kind:'env', prefix}`: `<PREFIX>_ACCESS_KEY_ID`, `<PREFIX>_ACCESS_KEY_SECRET` and optionally
 *   `<PREFIX>_SECURITY_TOKEN` (prefix upper-cased; `PARTNER` → `PARTNER_ACCESS_KEY_ID`).
 * - `{kind:'ramRoleArn', roleArn, sessionName?, source?}`: assume a RAM role with STS AssumeRole,
 *   signing with the `source` credentials (default: the default chain). Against real endpoints this is
 *   the library's RAMRoleARNCredentialsProvider (auto-refreshing); against an emulator (plain http,
 *   which that provider cannot use) it is an equivalent provider calling AssumeRole through our STS client.
 * - `{kind:'default'}`: the library's default chain (`new Credential()`): env
 *   `ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET`, OIDC/RRSA (`ALIBABA_CLOUD_ROLE_ARN`,
 *   `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`: CI), CLI profile, INI profile,
 *   ECS RAM role, credentials URI.
 * - `{kind:'static', accessKeyId, accessKeySecret, securityToken?}`: fixed keys (the emulator).
 *
 * Secrets: every secret this module learns (static and env keys at build time; anything a provider
 * returns, when it returns it) is added to the session's {@link SecretSet} so errors can redact it.
 * Nothing here prints or logs.
 *
 * Errors: credential files are parsed here (credential-files.ts) before the vendor library reads
 * them, so a broken file is reported by file, line and key, never by its contents. Every failure
 * is an AcrctlError that says what was tried and ends its hint with {@link NO_CLOUD_HINT}; the
 * vendor library's own text (which can hold a file's contents, an STS answer or an address such as
 * `getaddrinfo ENOTFOUND undefined`) is never in the message: it is kept as the error's `cause`,
 * which only `--debug` prints. The default chain is acrctl's own, in the vendor's order, built from
 * the library's providers, and tries a provider only when it is configured: the vendor's chain also
 * fetched the credentials URI when none was set (a request to the host "undefined").
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as credentialsModule from '@alicloud/credentials';
import { AcrctlError } from '../errors.js';
import { NO_CLOUD_HINT, checkCliProfile, checkIniSection, displayPath, parseCliConfig, parseIniSection, type CredentialFile, type IniSection } from './credential-files.js';
import { cjsDefault } from './sdk.js';

export { NO_CLOUD_HINT };

/** `hint; to try acrctl without a cloud account, add --emulator`. */
export function noCloudHint(hint?: string): string {
  return hint ? `${hint}; ${NO_CLOUD_HINT}` : NO_CLOUD_HINT;
}

/** Where an account's credentials come from. */
export type AccountCredentials =
  | { readonly kind: 'profile'; readonly profile: string }
  | { readonly kind: 'env'; readonly prefix: string }
  | {
      readonly kind: 'ramRoleArn';
      readonly roleArn: string;
      readonly sessionName?: string;
      /** Credentials that assume the role; default `{kind:'default'}`. */
      readonly source?: AccountCredentials;
      readonly externalId?: string;
      /** 900–43200; default 3600. */
      readonly durationSeconds?: number;
    }
  | { readonly kind: 'default' }
  | { readonly kind: 'static'; readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken?: string };

/** A short, secret-free description of a credentials source, for messages. */
export function describeCredentials(c: AccountCredentials): string {
  switch (c.kind) {
    case 'profile':
      return `profile ${c.profile}`;
    case 'env':
      return `environment ${envNames(c.prefix).id}`;
    case 'ramRoleArn':
      return `role ${c.roleArn}`;
    case 'default':
      return 'the default credentials chain';
    case 'static':
      return 'static keys';
  }
}

/** The set of secrets known to a session; errors are redacted against it. */
export class SecretSet {
  readonly #values = new Set<string>();
  add(value: string | undefined | null): void {
    if (typeof value === 'string' && value.length >= 4) this.#values.add(value);
  }
  values(): Iterable<string> {
    return this.#values.values();
  }
}

type CredentialsProvider = credentialsModule.CredentialsProvider;
type ProviderCredentials = Awaited<ReturnType<CredentialsProvider['getCredentials']>>;
const Credential = cjsDefault<typeof credentialsModule.default.default>(credentialsModule);
/** The `Credential` object the runtime's `Config.credential` takes. */
export type SdkCredentialObject = InstanceType<typeof Credential>;

/** Temporary credentials returned by STS AssumeRole. */
export interface AssumedCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface CredentialDeps {
  /** Environment to read `env` credentials from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly secrets: SecretSet;
  /** STS host for `ramRoleArn` with the library provider (real endpoints); default sts.aliyuncs.com. */
  readonly stsEndpoint?: string;
  /**
   * When set, `ramRoleArn` assumes roles through this function instead of the library provider
   * (used with an emulator over http). It signs with `source`.
   */
  readonly assumeRole?: (
    source: SdkCredentialObject,
    request: { readonly roleArn: string; readonly roleSessionName: string; readonly durationSeconds: number; readonly externalId?: string },
  ) => Promise<AssumedCredentials>;
  /** Clock for refreshing assumed credentials; default Date.now. */
  readonly now?: () => number;
  /** The account alias, for messages. */
  readonly alias?: string;
  /** Home directory holding `.aliyun/config.json` and `.alibabacloud/credentials`; default os.homedir(). */
  readonly home?: string;
  /** Reads a file; undefined when it does not exist. Default: node:fs. */
  readonly readFile?: (path: string) => Promise<string | undefined>;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new AcrctlError('credentials.file', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { hint: noCloudHint(`check the file's permissions`) });
  }
}

/** The vendor's files and the environment the chain reads, for one build. */
interface Locations {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cli: CredentialFile;
  readonly ini: CredentialFile;
  readonly read: (path: string) => Promise<string | undefined>;
  readonly who: string;
}

function locations(deps: CredentialDeps): Locations {
  // The vendor library reads process.env; an injected env is laid over it.
  const env = { ...process.env, ...(deps.env ?? {}) };
  // HOME as the vendor library sees it (os.homedir() reads it), unless an injected env sets another.
  const home = deps.home ?? (env['HOME'] || homedir());
  const cliPath = join(home, '.aliyun', 'config.json');
  const iniPath = env['ALIBABA_CLOUD_CREDENTIALS_FILE'] || join(home, '.alibabacloud', 'credentials');
  return {
    env,
    cli: { path: cliPath, display: displayPath(cliPath, home) },
    ini: { path: iniPath, display: displayPath(iniPath, home) },
    read: deps.readFile ?? readIfExists,
    who: deps.alias !== undefined ? `account ${deps.alias}: ` : '',
  };
}

function flag(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  return (env[name] ?? '').toLowerCase() === 'true';
}

/** Library messages that hold no file contents, answer bodies or addresses, and say something useful. */
const SAFE_LIBRARY_MESSAGES: readonly RegExp[] = [
  /^the (access key id|access key secret|security token|RoleArn) is empty$/,
  /^session duration should be in the range of 900s - max session duration$/,
  /^IMDS credentials is disabled$/,
  /^the access key secret is invalid$/,
  /^unsupported profile mode '[A-Za-z]{1,32}'$/,
  /^invalid OAuth site type, support CN or INTL$/,
];

/** A short, contents-free account of why a library provider failed. */
function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (SAFE_LIBRARY_MESSAGES.some((r) => r.test(message))) return message;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EACRCTL_NET_GUARD)$/.test(code)) return `could not reach the service (${code})`;
  if (/timeout/i.test(message) || (err instanceof Error && /Timeout/.test(err.name))) return 'no answer in time';
  return 'the credentials library reported an error (shown with --debug)';
}

/** Wraps a library provider so its failures become typed errors without the library's text. */
function guarded(inner: CredentialsProvider, what: string, loc: Locations, hint: string): CredentialsProvider {
  return {
    getProviderName: () => inner.getProviderName(),
    getCredentials: async () => {
      try {
        return await inner.getCredentials();
      } catch (err) {
        if (err instanceof AcrctlError) throw err;
        throw new AcrctlError('credentials.failed', `${loc.who}could not get credentials from ${what}: ${reasonOf(err)}`, { hint: noCloudHint(hint), cause: err });
      }
    },
  };
}

export function envNames(prefix: string): { readonly id: string; readonly secret: string; readonly token: string } {
  const p = prefix.toUpperCase().replace(/_+$/, '');
  return { id: `${p}_ACCESS_KEY_ID`, secret: `${p}_ACCESS_KEY_SECRET`, token: `${p}_SECURITY_TOKEN` };
}

function staticProvider(accessKeyId: string, accessKeySecret: string, securityToken?: string): CredentialsProvider {
  if (securityToken !== undefined && securityToken !== '') {
    return credentialsModule.StaticSTSCredentialsProvider.builder()
      .withAccessKeyId(accessKeyId)
      .withAccessKeySecret(accessKeySecret)
      .withSecurityToken(securityToken)
      .build();
  }
  return credentialsModule.StaticAKCredentialsProvider.builder().withAccessKeyId(accessKeyId).withAccessKeySecret(accessKeySecret).build();
}

/** Wraps a provider so every secret it hands out is recorded for redaction. */
function recording(inner: CredentialsProvider, secrets: SecretSet): CredentialsProvider {
  return {
    getProviderName: () => inner.getProviderName(),
    getCredentials: async () => {
      const c = await inner.getCredentials();
      secrets.add(c.accessKeySecret);
      secrets.add(c.securityToken);
      return c;
    },
  };
}

/** A provider for an INI section whose type and keys were checked (what the library's ProfileCredentialsProvider builds). */
function iniProvider(section: IniSection, type: 'access_key' | 'ecs_ram_role' | 'ram_role_arn'): CredentialsProvider {
  const v = section.values;
  switch (type) {
    case 'access_key':
      return staticProvider(v['access_key_id']!, v['access_key_secret']!);
    case 'ecs_ram_role': {
      const b = credentialsModule.ECSRAMRoleCredentialsProvider.builder();
      return (v['role_name'] ? b.withRoleName(v['role_name']) : b).build();
    }
    case 'ram_role_arn': {
      let b = credentialsModule.RAMRoleARNCredentialsProvider.builder()
        .withCredentialsProvider(staticProvider(v['access_key_id']!, v['access_key_secret']!))
        .withRoleArn(v['role_arn']!);
      if (v['role_session_name']) b = b.withRoleSessionName(v['role_session_name']);
      if (v['policy']) b = b.withPolicy(v['policy']);
      return b.build();
    }
  }
}

/** Looks `profile` up in the CLI file: a checked provider, or why not. Throws for a broken file. */
async function fromCliFile(profile: string | undefined, loc: Locations): Promise<{ provider: CredentialsProvider } | { reason: string }> {
  if (flag(loc.env, 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED')) return { reason: `${loc.cli.display}: skipped (ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true)` };
  const text = await loc.read(loc.cli.path);
  if (text === undefined) return { reason: `${loc.cli.display}: not found` };
  const config = parseCliConfig(text, loc.cli);
  const name = profile ?? config.current;
  if (name === undefined || name === '') return { reason: `${loc.cli.display}: no current profile` };
  if (checkCliProfile(config, name, loc.cli) === undefined) return { reason: `${loc.cli.display}: no profile ${JSON.stringify(name)}` };
  const inner = credentialsModule.CLIProfileCredentialsProvider.builder().withProfileName(name).build();
  return { provider: guarded(inner, `profile ${JSON.stringify(name)} of ${loc.cli.display}`, loc, `check the profile with \`aliyun configure list\``) };
}

/** Looks `section` up in the INI file: a checked provider, or why not. Throws for a broken section. */
async function fromIniFile(section: string, loc: Locations): Promise<{ provider: CredentialsProvider } | { reason: string }> {
  const text = await loc.read(loc.ini.path);
  if (text === undefined) return { reason: `${loc.ini.display}: not found` };
  const found = parseIniSection(text, section, loc.ini);
  if (found === undefined) return { reason: `${loc.ini.display}: no [${section}] section` };
  const type = checkIniSection(found, loc.ini);
  return { provider: guarded(iniProvider(found, type), `section [${section}] of ${loc.ini.display}`, loc, `check [${section}] in ${loc.ini.display}`) };
}

/** Tries the CLI profile file, then the INI credentials file, for one named profile. */
function namedProfileProvider(profile: string, loc: Locations): CredentialsProvider {
  let chosen: CredentialsProvider | undefined;
  return {
    getProviderName: () => (chosen ? chosen.getProviderName() : 'profile'),
    getCredentials: async () => {
      if (!chosen) {
        const tried: string[] = [];
        for (const source of [() => fromCliFile(profile, loc), () => fromIniFile(profile, loc)]) {
          const r = await source();
          if ('provider' in r) {
            chosen = r.provider;
            break;
          }
          tried.push(r.reason);
        }
        if (!chosen) {
          throw new AcrctlError('credentials.profile', `${loc.who}no credentials profile ${JSON.stringify(profile)}`, {
            detail: `tried ${tried.join('; ')}`,
            hint: noCloudHint(`create it with \`aliyun configure --profile ${profile}\`, or add a [${profile}] section to ${loc.ini.display}`),
          });
        }
      }
      return chosen.getCredentials();
    },
  };
}

/** One step of the default chain: a provider when it is configured, or why it was passed over. */
type ChainStep = { readonly what: string; readonly step: () => Promise<{ provider: CredentialsProvider } | { reason: string }> };

/**
 * The vendor's default chain, in its order (PROTOCOL.md §6), each provider tried only when it is
 * configured: environment keys, OIDC (RRSA), the CLI profile (ALIBABA_CLOUD_PROFILE or the file's
 * current), the INI file's section (ALIBABA_CLOUD_PROFILE or `default`), the ECS instance RAM role
 * (unless ALIBABA_CLOUD_ECS_METADATA_DISABLED=true), the credentials URI. The first that yields
 * credentials is kept. When none does, the error lists each step and why it gave nothing.
 */
function defaultChainProvider(loc: Locations): CredentialsProvider {
  const env = loc.env;
  const guardedStep = (what: string, make: () => CredentialsProvider, hint: string) => ({ provider: guarded(make(), what, loc, hint) });
  const steps: ChainStep[] = [
    {
      what: 'environment',
      step: async () => {
        const id = env['ALIBABA_CLOUD_ACCESS_KEY_ID'];
        const secret = env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'];
        if (!id) return { reason: 'environment: ALIBABA_CLOUD_ACCESS_KEY_ID not set' };
        if (!secret) return { reason: 'environment: ALIBABA_CLOUD_ACCESS_KEY_SECRET not set' };
        return { provider: staticProvider(id, secret, env['ALIBABA_CLOUD_SECURITY_TOKEN'] || undefined) };
      },
    },
    {
      what: 'OIDC',
      step: async () => {
        const names = ['ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'];
        const missing = names.filter((n) => !env[n]);
        if (missing.length === names.length) return { reason: 'OIDC (RRSA): ALIBABA_CLOUD_ROLE_ARN not set' };
        if (missing.length > 0) return { reason: `OIDC (RRSA): ${missing.join(' and ')} not set` };
        return guardedStep(
          'OIDC (RRSA)',
          () => {
            let b = credentialsModule.OIDCRoleArnCredentialsProvider.builder()
              .withRoleArn(env['ALIBABA_CLOUD_ROLE_ARN']!)
              .withOIDCProviderArn(env['ALIBABA_CLOUD_OIDC_PROVIDER_ARN']!)
              .withOIDCTokenFilePath(env['ALIBABA_CLOUD_OIDC_TOKEN_FILE']!);
            if (env['ALIBABA_CLOUD_ROLE_SESSION_NAME']) b = b.withRoleSessionName(env['ALIBABA_CLOUD_ROLE_SESSION_NAME']);
            return b.build();
          },
          'check the OIDC variables and the token file',
        );
      },
    },
    { what: 'CLI profile', step: () => fromCliFile(env['ALIBABA_CLOUD_PROFILE'] || undefined, loc) },
    { what: 'credentials file', step: () => fromIniFile(env['ALIBABA_CLOUD_PROFILE'] || 'default', loc) },
    {
      what: 'ECS instance RAM role',
      step: async () => {
        if (flag(env, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED') || flag(process.env, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED')) {
          return { reason: 'ECS instance RAM role: disabled (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)' };
        }
        const b = credentialsModule.ECSRAMRoleCredentialsProvider.builder();
        return guardedStep('the ECS instance metadata service', () => (env['ALIBABA_CLOUD_ECS_METADATA'] ? b.withRoleName(env['ALIBABA_CLOUD_ECS_METADATA']) : b).build(), 'outside ECS, set ALIBABA_CLOUD_ECS_METADATA_DISABLED=true');
      },
    },
    {
      what: 'credentials URI',
      step: async () => {
        const uri = env['ALIBABA_CLOUD_CREDENTIALS_URI'];
        if (!uri) return { reason: 'credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI not set' };
        return guardedStep('the credentials URI', () => credentialsModule.URICredentialsProvider.builder().withCredentialsURI(uri).build(), 'check ALIBABA_CLOUD_CREDENTIALS_URI');
      },
    },
  ];
  let chosen: CredentialsProvider | undefined;
  return {
    getProviderName: () => (chosen ? `default/${chosen.getProviderName()}` : 'default'),
    getCredentials: async () => {
      if (chosen) return chosen.getCredentials();
      const tried: string[] = [];
      const causes: unknown[] = [];
      for (const s of steps) {
        const r = await s.step();
        if ('reason' in r) {
          tried.push(r.reason);
          continue;
        }
        try {
          const c = await r.provider.getCredentials();
          chosen = r.provider;
          return c;
        } catch (err) {
          if (err instanceof AcrctlError && err.code === 'credentials.file') throw err;
          tried.push(err instanceof AcrctlError ? err.message.replace(loc.who, '') : `${s.what}: failed`);
          causes.push(err instanceof AcrctlError && err.cause !== undefined ? err.cause : err);
        }
      }
      throw new AcrctlError('credentials.none', `${loc.who}no credentials found by the default credentials chain`, {
        detail: `tried ${tried.join('; ')}`,
        hint: noCloudHint('give the account credentials in registry.yaml (profile, env or ramRoleArn), or export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
        ...(causes.length > 0 ? { cause: causes.length === 1 ? causes[0] : new AggregateError(causes, 'credentials chain failures') } : {}),
      });
    },
  };
}

/** Assumes a role through an injected STS call, caching until 5 minutes before expiry. */
function assumedRoleProvider(
  source: SdkCredentialObject,
  request: { readonly roleArn: string; readonly roleSessionName: string; readonly durationSeconds: number; readonly externalId?: string },
  assume: NonNullable<CredentialDeps['assumeRole']>,
  now: () => number,
): CredentialsProvider {
  let cached: AssumedCredentials | undefined;
  let inflight: Promise<AssumedCredentials> | undefined;
  return {
    getProviderName: () => 'ram_role_arn',
    getCredentials: async () => {
      if (!cached || cached.expiresAt - now() < 5 * 60_000) {
        inflight ??= assume(source, request).finally(() => {
          inflight = undefined;
        });
        cached = await inflight;
      }
      return {
        accessKeyId: cached.accessKeyId,
        accessKeySecret: cached.accessKeySecret,
        securityToken: cached.securityToken,
        providerName: 'ram_role_arn',
      } as ProviderCredentials;
    },
  };
}

/** Builds the provider for one credentials description. Throws AcrctlError for what can be checked now. */
export function credentialsProvider(c: AccountCredentials, deps: CredentialDeps): CredentialsProvider {
  const env = deps.env ?? process.env;
  const loc = locations(deps);
  switch (c.kind) {
    case 'static':
      deps.secrets.add(c.accessKeySecret);
      deps.secrets.add(c.securityToken);
      return staticProvider(c.accessKeyId, c.accessKeySecret, c.securityToken);
    case 'env': {
      const names = envNames(c.prefix);
      const id = env[names.id];
      const secret = env[names.secret];
      const token = env[names.token];
      const missing = [id ? undefined : names.id, secret ? undefined : names.secret].filter((x): x is string => x !== undefined);
      if (missing.length > 0 || id === undefined || secret === undefined) {
        throw new AcrctlError('credentials.env', `environment variable${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} not set`, {
          hint: noCloudHint(`export ${names.id} and ${names.secret} (and ${names.token} for STS keys)`),
        });
      }
      deps.secrets.add(secret);
      deps.secrets.add(token);
      return staticProvider(id, secret, token);
    }
    case 'profile':
      return recording(namedProfileProvider(c.profile, loc), deps.secrets);
    case 'default':
      return recording(defaultChainProvider(loc), deps.secrets);
    case 'ramRoleArn': {
      if (c.source?.kind === 'ramRoleArn' && c.source.source?.kind === 'ramRoleArn') {
        throw new AcrctlError('credentials.role', `${loc.who}role chain too deep for ${c.roleArn}`, { hint: noCloudHint('chain at most two roles') });
      }
      const sourceProvider = credentialsProvider(c.source ?? { kind: 'default' }, deps);
      const roleSessionName = c.sessionName ?? 'acrctl';
      const durationSeconds = c.durationSeconds ?? 3600;
      if (deps.assumeRole) {
        const sourceCredential = new Credential(null, sourceProvider);
        return recording(
          assumedRoleProvider(
            sourceCredential,
            { roleArn: c.roleArn, roleSessionName, durationSeconds, ...(c.externalId !== undefined ? { externalId: c.externalId } : {}) },
            deps.assumeRole,
            deps.now ?? Date.now,
          ),
          deps.secrets,
        );
      }
      let b = credentialsModule.RAMRoleARNCredentialsProvider.builder()
        .withCredentialsProvider(sourceProvider)
        .withRoleArn(c.roleArn)
        .withRoleSessionName(roleSessionName)
        .withDurationSeconds(durationSeconds)
        .withStsEndpoint(deps.stsEndpoint ?? 'sts.aliyuncs.com');
      if (c.externalId !== undefined) b = b.withExternalId(c.externalId);
      return recording(guarded(b.build(), `STS AssumeRole of ${c.roleArn}`, loc, 'check that the source credentials may assume the role (its trust policy)'), deps.secrets);
    }
  }
}

/** The runtime `Credential` object for one account (what `Config.credential` takes). */
export function buildCredential(c: AccountCredentials, deps: CredentialDeps): SdkCredentialObject {
  return new Credential(null, credentialsProvider(c, deps));
}
