/**
 * The core of the registry.yaml language: what belongs to no kind (the file's envelope, accounts and
 * their credentials, the value types several kinds share) and the reference sections around the
 * kinds' own. Each kind declares the rest in its module (`Kind.language`); src/kinds/language.ts
 * assembles schemas/registry.schema.json and docs/language.md from both (`npm run gen`).
 *
 * Owns: the core schema (plain data), its reference checks and the order of the core reference
 * sections. Pure.
 */
import type { ReferenceCheck } from './model.js';

/** The credential sources of an account, of which exactly one is given. */
const CREDENTIAL_SOURCES = ['profile', 'env', 'ramRoleArn', 'defaultChain'] as const;
const CREDENTIALS_ONE_SOURCE = 'credentials take exactly one of profile, env, ramRoleArn or defaultChain';

/** The core schema: the top level with `version` and `accounts`, and the shared definitions. */
export const CORE_SCHEMA: Readonly<Record<string, unknown>> = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://acrctl.dev/schemas/registry.schema.json',
  title: 'acrctl registry.yaml',
  description: 'Desired state of a Container Registry Enterprise Edition estate: accounts, instances, namespaces, repositories, endpoints, imports, replication, cross-account roles and cross-region access. Validate with `acrctl validate`.',
  type: 'object',
  required: ['version', 'accounts'],
  additionalProperties: false,
  properties: {
    version: { description: 'Language version of this file. Only 1 exists.', const: 1 },
    accounts: {
      description: 'Cloud accounts by alias. The alias (letters, digits, `-`, `_`, starting with a letter) is how instances, rules and roles refer to an account.',
      type: 'object',
      minProperties: 1,
      propertyNames: { $ref: '#/$defs/alias' },
      additionalProperties: { $ref: '#/$defs/account' },
    },
    runStore: { description: 'Where apply keeps its runs and its lock: an OSS bucket shared by every machine (default: .acrctl/ in the working directory).', $ref: '#/$defs/runStore' },
  },
  $defs: {
    runStore: {
      description: 'Where apply keeps its runs (journals, run plans, reports) and its lock. Without it, `.acrctl/` in the working directory. With an OSS bucket, every machine that names it shares the lock and can resume a run another machine started (docs/ci.md). `--run-store` and `ACRCTL_RUN_STORE` override it.',
      type: 'object',
      additionalProperties: false,
      required: ['oss'],
      properties: {
        oss: {
          description: 'An OSS bucket (private, versioning off) of one of the declared accounts; apply reads and writes it with that account\'s credentials.',
          type: 'object',
          additionalProperties: false,
          required: ['account', 'region', 'bucket'],
          properties: {
            account: { description: 'The account (alias) that owns the bucket.', $ref: '#/$defs/alias' },
            region: { description: 'The bucket\'s region.', $ref: '#/$defs/region' },
            bucket: {
              description: 'Bucket name: 3-63 lowercase letters, digits and `-`, not starting or ending with `-`.',
              type: 'string',
              pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$',
              patternErrorMessage: 'a bucket name is 3-63 lowercase letters, digits and -, not starting or ending with -',
            },
            prefix: {
              description: 'Key prefix for this estate\'s runs and lock (one per estate when several share a bucket), e.g. `acrctl/prod`. Default: none.',
              type: 'string',
              maxLength: 512,
              pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$',
              patternErrorMessage: 'a prefix is letters, digits, . _ - and /, starting with a letter or digit',
            },
          },
        },
      },
    },
    alias: {
      description: 'A local alias: 1-63 letters, digits, `-` or `_`, starting with a letter.',
      type: 'string',
      pattern: '^[A-Za-z][A-Za-z0-9_-]{0,62}$',
      patternErrorMessage: 'an alias is 1-63 letters, digits, \'-\' or \'_\', starting with a letter',
    },
    region: {
      description: 'Region id with a Container Registry endpoint, e.g. `cn-hangzhou`.',
      type: 'string',
      enum: ['us-west-1', 'us-southeast-1', 'us-east-1', 'na-south-1', 'me-east-1', 'me-central-1', 'eu-west-2', 'eu-west-1', 'eu-central-1', 'cn-zhongwei', 'cn-zhengzhou-jva', 'cn-zhangjiakou', 'cn-wulanchabu-gic-1', 'cn-wulanchabu', 'cn-wuhan-lr', 'cn-shenzhen-finance-1', 'cn-shenzhen', 'cn-shanghai-finance-1', 'cn-shanghai', 'cn-qingdao', 'cn-north-2-gov-1', 'cn-nanjing', 'cn-huhehaote', 'cn-hongkong', 'cn-heyuan-acdr-1', 'cn-heyuan', 'cn-hangzhou-finance', 'cn-hangzhou', 'cn-guangzhou', 'cn-fuzhou', 'cn-chengdu', 'cn-beijing-finance-1', 'cn-beijing', 'ap-southeast-8', 'ap-southeast-7', 'ap-southeast-6', 'ap-southeast-5', 'ap-southeast-3', 'ap-southeast-1', 'ap-northeast-2', 'ap-northeast-1'],
    },
    cidr: {
      description: 'IPv4 CIDR block, e.g. `203.0.113.0/24`.',
      type: 'string',
      pattern: '^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}/([0-9]|[12][0-9]|3[0-2])$',
      patternErrorMessage: 'expected an IPv4 CIDR such as 203.0.113.0/24',
    },
    tagFilter: {
      description: 'Regular expression matched against image tags, in RE2 syntax (the service is written in Go): no look-around, no backreferences. `.*` matches every tag.',
      type: 'string',
      minLength: 1,
      maxLength: 1024,
    },
    latest: {
      description: 'Number of latest images per repository, 0 to 1000 (0 = metadata only).',
      type: 'integer',
      minimum: 0,
      maximum: 1000,
    },
    account: {
      description: 'An account: its 16-digit UID and how acrctl gets credentials for it. Access keys never go in this file: use a profile, environment variables, an assumed RAM role or the default credentials chain.',
      type: 'object',
      required: ['uid'],
      additionalProperties: false,
      properties: {
        uid: {
          description: '16-digit account UID, quoted (as a YAML number it would lose precision). `${env:NAME}` is allowed.',
          type: 'string',
          pattern: '^([0-9]{16}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'an account UID is exactly 16 digits, quoted',
        },
        description: {
          description: 'Free text for humans.',
          type: 'string',
          maxLength: 1024,
        },
        site: {
          description: 'The Alibaba Cloud site of the account: `china` (aliyun.com) or `international` (alibabacloud.com). It decides the BSS endpoint and product type instances are bought with (`acr_ee_public_cn` on business.aliyuncs.com, `acr_ee_public_intl` on business.ap-southeast-1.aliyuncs.com) and the Personal Edition hosts (`registry.` or `registry-intl.`). Absent: detected on the first purchase, upgrade or release (China first, then international when BSS answers NotApplicable), as the Terraform provider does.',
          type: 'string',
          enum: ['china', 'international'],
        },
        credentials: {
          description: 'Where acrctl gets credentials for this account. Absent: the default credentials chain (environment, config file, instance role).',
          $ref: '#/$defs/credentials',
        },
      },
    },
    credentials: {
      description: 'Exactly one of `profile`, `env`, `ramRoleArn` (with an optional `sessionName`) or `defaultChain: true`.',
      type: 'object',
      additionalProperties: false,
      properties: {
        profile: {
          description: 'Name of a profile in the Alibaba Cloud CLI config (`~/.aliyun/config.json`).',
          type: 'string',
          pattern: '^([A-Za-z0-9_.-]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'a profile name is 1-64 letters, digits, \'_\', \'.\' or \'-\'',
        },
        env: {
          description: 'Prefix of environment variables holding the keys: `<PREFIX>_ACCESS_KEY_ID`, `<PREFIX>_ACCESS_KEY_SECRET` and optionally `<PREFIX>_SECURITY_TOKEN`.',
          type: 'string',
          pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
          patternErrorMessage: 'an environment prefix is letters, digits and \'_\', not starting with a digit',
        },
        ramRoleArn: {
          description: 'ARN of a RAM role to assume with the default credentials chain, `acs:ram::<uid>:role/<name>`.',
          type: 'string',
          pattern: '^(acs:ram::[0-9]{16}:role/[A-Za-z0-9.@-]{1,64}|\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\})$',
          patternErrorMessage: 'expected acs:ram::<16-digit uid>:role/<role name>',
        },
        sessionName: {
          description: 'Session name when assuming `ramRoleArn`, 2-64 characters. Default `acrctl`.',
          type: 'string',
          pattern: '^[A-Za-z0-9._@=,-]{2,64}$',
          default: 'acrctl',
          patternErrorMessage: 'a session name is 2-64 letters, digits or . _ @ = , -',
        },
        defaultChain: {
          description: 'Use the default credentials chain explicitly (the same as leaving `credentials` out).',
          const: true,
        },
      },
      dependentRequired: { sessionName: ['ramRoleArn'] },
      // "Exactly one source" in a form editors can show: at least one (`anyOf`), and each source
      // forbids the others (`dependentSchemas` with `false` properties), each carrying the message.
      // A `oneOf` of `required` says the same to a validator, but an editor then shows "Matches
      // multiple schemas when only one must validate" instead of the message.
      anyOf: CREDENTIAL_SOURCES.map((k) => ({ required: [k], errorMessage: CREDENTIALS_ONE_SOURCE })),
      dependentSchemas: Object.fromEntries(
        CREDENTIAL_SOURCES.map((k) => [
          k,
          { properties: Object.fromEntries(CREDENTIAL_SOURCES.filter((o) => o !== k).map((o) => [o, false])), errorMessage: CREDENTIALS_ONE_SOURCE },
        ]),
      ),
    },
    namespaceName: {
      description: 'Namespace name: 2-120 lowercase letters, digits and separators `_ - .`, not starting or ending with a separator.',
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9._-]{0,118}[a-z0-9]$',
      patternErrorMessage: 'a namespace name is 2-120 lowercase letters, digits and _ - . with no separator at either end',
    },
    repositoryName: {
      description: 'Repository name: 1-128 lowercase letters, digits and separators `_ - .`, not starting or ending with a separator (the vendor documents no rule; this is the Docker path-component grammar).',
      type: 'string',
      pattern: '^[a-z0-9]([a-z0-9._-]{0,126}[a-z0-9])?$',
      patternErrorMessage: 'a repository name is 1-128 lowercase letters, digits and _ - . with no separator at either end',
    },
  },
};

/** Reference sections before the kinds' own: [heading, pointer into the schema]. */
export const CORE_SECTIONS_FIRST: readonly (readonly [string, string])[] = [
  ['Top level', '#'],
  ['account', '#/$defs/account'],
  ['credentials', '#/$defs/credentials'],
  ['runStore', '#/$defs/runStore'],
];

/** Reference checks of the core: the run store's account is declared. */
export const CORE_REFERENCES: readonly ReferenceCheck[] = [
  ({ doc, needAccount }) => {
    const rs = doc['runStore'];
    const oss = rs !== null && typeof rs === 'object' && !Array.isArray(rs) ? (rs as Record<string, unknown>)['oss'] : undefined;
    if (oss !== null && typeof oss === 'object' && !Array.isArray(oss)) needAccount((oss as Record<string, unknown>)['account'], ['runStore', 'oss', 'account'], 'runStore.oss.account');
  },
];

/** Reference sections after the kinds' own: the value types. */
export const CORE_SECTIONS_LAST: readonly (readonly [string, string])[] = [
  ['alias', '#/$defs/alias'],
  ['namespaceName', '#/$defs/namespaceName'],
  ['repositoryName', '#/$defs/repositoryName'],
  ['region', '#/$defs/region'],
  ['cidr', '#/$defs/cidr'],
  ['tagFilter', '#/$defs/tagFilter'],
  ['latest', '#/$defs/latest'],
];
