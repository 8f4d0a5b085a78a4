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
 */
import * as credentialsModule from '@alicloud/credentials';
import { AcrctlError } from '../errors.js';
import { cjsDefault } from './sdk.js';

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

/** Tries the CLI profile file, then the INI credentials file, for one named profile. */
function namedProfileProvider(profile: string): CredentialsProvider {
  const cli = credentialsModule.CLIProfileCredentialsProvider.builder().withProfileName(profile).build();
  const ini = credentialsModule.ProfileCredentialsProvider.builder().withProfileName(profile).build();
  let chosen: CredentialsProvider | undefined;
  return {
    getProviderName: () => (chosen ? chosen.getProviderName() : 'profile'),
    getCredentials: async () => {
      if (chosen) return chosen.getCredentials();
      const failures: string[] = [];
      for (const [where, p] of [
        ['~/.aliyun/config.json', cli],
        ['~/.alibabacloud/credentials', ini],
      ] as const) {
        try {
          const c = await p.getCredentials();
          chosen = p;
          return c;
        } catch (err) {
          failures.push(`${where}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        }
      }
      throw new AcrctlError('credentials.profile', `no usable credentials profile ${JSON.stringify(profile)}`, {
        detail: failures.join('; '),
        hint: 'create it with `aliyun configure --profile NAME`, or add a [NAME] section to ~/.alibabacloud/credentials',
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
          hint: `export ${names.id} and ${names.secret} (and ${names.token} for STS keys)`,
        });
      }
      deps.secrets.add(secret);
      deps.secrets.add(token);
      return staticProvider(id, secret, token);
    }
    case 'profile':
      return recording(namedProfileProvider(c.profile), deps.secrets);
    case 'default':
      return recording(credentialsModule.DefaultCredentialsProvider.builder().build(), deps.secrets);
    case 'ramRoleArn': {
      if (c.source?.kind === 'ramRoleArn' && c.source.source?.kind === 'ramRoleArn') {
        throw new AcrctlError('credentials.role', `role chain too deep for ${c.roleArn}`, { hint: 'chain at most two roles' });
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
      return recording(b.build(), deps.secrets);
    }
  }
}

/** The runtime `Credential` object for one account (what `Config.credential` takes). */
export function buildCredential(c: AccountCredentials, deps: CredentialDeps): SdkCredentialObject {
  return new Credential(null, credentialsProvider(c, deps));
}
