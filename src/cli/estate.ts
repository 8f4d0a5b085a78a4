/**
 * Opening an estate for the commands that talk to the cloud (plan, graph, apply, destroy, drift):
 * load and validate registry.yaml (every finding printed at file:line:column, nothing touched on
 * errors), then open a CloudSession on the real endpoints, the embedded emulator (`--emulator`) or a
 * running one (`--endpoint` / `ACRCTL_ENDPOINT`), and check that each account's credentials belong
 * to its declared UID.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { AccountCredentials } from '../cloud/credentials.js';
import { connectRemoteEmulator, DEFAULT_EMULATOR_STATE_FILE, startEmbeddedEmulator, type EmbeddableEmulator, type EmulatorBinding } from '../cloud/emulated.js';
import { CloudSession, type AccountSpec } from '../cloud/session.js';
import { hasErrors, loadConfig, type ConfigFs } from '../config/load.js';
import { defaultLints } from '../config/lint-runner.js';
import type { Credentials, Finding, RegistryDocument } from '../config/model.js';
import { formatText } from '../render/findings.js';
import { AcrctlError, formatLocation } from '../errors.js';
import type { PlanFinding } from '../plan/model.js';
import { parseCidr } from '../config/lints/cidr.js';
import { allKinds } from '../kinds/index.js';
import { languageReferences } from '../kinds/language.js';
import { canonical } from '../plan/canonical.js';
import { colourWanted } from '../render/colour.js';
import { annotate, configAnnotations, pathContext } from './github.js';
import type { CliIo } from './io.js';
import type { SecretHistory } from '../kinds/write-history.js';
import { storeSecretHistory } from './secret-history.js';
import { localStore, openOssStore, storeSpec } from './store.js';

/** Flags every cloud-facing command takes. */
export interface EstateFlags {
  readonly file: string;
  /** `--emulator` (true) or `--emulator=STATEFILE`. */
  readonly emulator?: string | boolean;
  readonly endpoint?: string;
  /** `--emulator-credentials`: `provisioned` (default) or `declared`. */
  readonly emulatorCredentials?: string;
  /** `--copy-from-cidr`: the runner's public address for the copy path check (image-import). */
  readonly copyFromCidr?: string;
}

/** The values of `--emulator-credentials` / `ACRCTL_EMULATOR_CREDENTIALS`. */
export const EMULATOR_CREDENTIALS = ['provisioned', 'declared'] as const;

/** Help of `-f/--file` where it defaults to registry.yaml (src/cli/commands.ts applies ACRCTL_CONFIG). */
export const CONFIG_FILE_HELP = 'the config file (ACRCTL_CONFIG sets another default)';

/** Adds `-f`, `--emulator[=STATE]` and `--endpoint` to a command. */
export function estateOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', CONFIG_FILE_HELP, 'registry.yaml')
    .option('--emulator [statefile]', `use the embedded emulator (state in ${DEFAULT_EMULATOR_STATE_FILE} unless given)`)
    .option('--endpoint <url>', 'use a running emulator at this URL (or set ACRCTL_ENDPOINT)')
    .addOption(
      new Option('--emulator-credentials <which>', 'against an emulator: provisioned root keys, or the credentials registry.yaml declares (or set ACRCTL_EMULATOR_CREDENTIALS)').choices([
        ...EMULATOR_CREDENTIALS,
      ]),
    )
    .option('--copy-from-cidr <cidr>', "public address of the machine that runs image copies, checked against the instance's ACL (or set ACRCTL_COPY_FROM_CIDR)");
}

export interface Estate {
  readonly file: string;
  readonly config: RegistryDocument;
  /** sha256 of the validated document after interpolation (canonical JSON). */
  readonly configDigest: string;
  /** Non-error findings (warnings, infos) for the plan. */
  readonly findings: readonly PlanFinding[];
  /** Values interpolated from secret-looking variables: never shown (plans mark them sensitive). */
  readonly sensitiveValues: readonly string[];
  readonly session: CloudSession;
  /** The public address image copies run from (`--copy-from-cidr`, ACRCTL_COPY_FROM_CIDR), when given. */
  readonly copyFromCidr?: string;
  /** The write-only secrets earlier runs set, from this estate's run store (issue 14 item 8). */
  readonly secretHistory?: SecretHistory;
  close(): Promise<void>;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Loads the config, printing every finding; throws (exit 1) when any is an error. */
export async function loadEstateConfig(file: string, io: CliIo): Promise<{ config: RegistryDocument; configDigest: string; findings: PlanFinding[]; sensitiveValues: readonly string[] }> {
  const fs: ConfigFs = { stat: (p) => stat(resolve(io.cwd, p)), readFile: (p) => readFile(resolve(io.cwd, p)), lstat: (p) => lstat(resolve(io.cwd, p)), realpath: (p) => realpath(resolve(io.cwd, p)) };
  const result = await loadConfig(file, { env: io.env, fs, lint: defaultLints, references: languageReferences(allKinds) });
  if (hasErrors(result.findings) || !result.document) {
    io.stderr.write(formatText({ file: result.file, findings: result.findings, text: result.text }, { color: useColor(io, 'stderr') }));
    annotate(io, () => configAnnotations(result.findings, pathContext(io)));
    throw new ConfigInvalid(file, result.findings.map(toPlanFinding));
  }
  return {
    config: result.document,
    configDigest: sha256(JSON.stringify(canonical(result.document))),
    findings: result.findings.map(toPlanFinding),
    sensitiveValues: result.sensitiveValues,
  };
}

/** A config with error findings; the findings (already printed as text) travel with it for `--json`. */
export class ConfigInvalid extends AcrctlError {
  constructor(
    file: string,
    readonly findings: readonly PlanFinding[],
  ) {
    super('config.invalid', `${file} has errors; nothing was read or changed in the cloud`, { hint: `run acrctl validate -f ${file}` });
  }
}

function toPlanFinding(f: Finding): PlanFinding {
  return { id: f.id, severity: f.severity, message: f.message, where: formatLocation(f.location) };
}

/** Maps registry.yaml credentials onto the cloud layer's. */
export function accountCredentials(c: Credentials | undefined): AccountCredentials {
  if (!c || 'defaultChain' in c) return { kind: 'default' };
  if ('profile' in c) return { kind: 'profile', profile: c.profile };
  if ('env' in c) return { kind: 'env', prefix: c.env };
  return { kind: 'ramRoleArn', roleArn: c.ramRoleArn, ...(c.sessionName !== undefined ? { sessionName: c.sessionName } : {}) };
}

/** Opens the estate: config, session, identity check. The caller must `close()` it. */
export async function openEstate(flags: EstateFlags, io: CliIo, opts: { readonly afterConfig?: (config: RegistryDocument) => Promise<void> } = {}): Promise<Estate> {
  const { config, configDigest, findings, sensitiveValues } = await loadEstateConfig(flags.file, io);
  // Between the config and the cloud: apply takes a local lock here, before an embedded emulator starts.
  await opts.afterConfig?.(config);
  const copyFromCidr = copyFromCidrOf(flags, io);
  const { session, close } = await openSession(flags, config.accounts, io);
  // The run store apply uses (--run-store, ACRCTL_RUN_STORE, runStore, else .acrctl/): read only if a kind asks.
  const runStore = (flags as { readonly runStore?: string }).runStore;
  const secretHistory = storeSecretHistory(async () => {
    const spec = storeSpec(runStore, io.env, config, flags.file);
    return spec === undefined ? localStore(io) : openOssStore(spec, config, session, io.env);
  });
  return { file: flags.file, config, configDigest, findings, sensitiveValues, session, ...(copyFromCidr !== undefined ? { copyFromCidr } : {}), secretHistory, close };
}

/** `--copy-from-cidr` or ACRCTL_COPY_FROM_CIDR, checked: an IPv4 address or CIDR block. */
function copyFromCidrOf(flags: EstateFlags, io: CliIo): string | undefined {
  const fromFlag = flags.copyFromCidr;
  const value = fromFlag ?? io.env['ACRCTL_COPY_FROM_CIDR'];
  if (value === undefined || value === '') return undefined;
  if (parseCidr(value) === undefined) {
    throw new AcrctlError('cli.bad-option', `${fromFlag !== undefined ? '--copy-from-cidr' : 'ACRCTL_COPY_FROM_CIDR'} ${value} is not an IPv4 address or CIDR block`, { hint: 'give the public address of the machine that runs acrctl, e.g. 203.0.113.7/32' });
  }
  return value.includes('/') ? value : `${value}/32`;
}

/**
 * Starts the embedded emulator on loopback: the CLI injects it into the cloud layer's embedded mode.
 * Loaded on first use, so commands against the real cloud never load the emulator.
 */
export async function startLocalEmulator(options: { readonly stateFile: string; readonly port: number }): Promise<EmbeddableEmulator> {
  const { startEmulator } = await import('../emulator/server.js');
  return startEmulator({ stateFile: options.stateFile, port: options.port });
}

/**
 * A session for the given accounts: the real endpoints (with their declared credentials), the
 * embedded emulator or a running one (keys provisioned for their UIDs); identities checked. The
 * caller must `close()` it.
 */
export async function openSession(
  flags: Pick<EstateFlags, 'emulator' | 'endpoint' | 'emulatorCredentials'>,
  declared: RegistryDocument['accounts'],
  io: CliIo,
): Promise<{ session: CloudSession; close: () => Promise<void> }> {
  const uids: Record<string, string> = {};
  for (const [alias, a] of Object.entries(declared)) uids[alias] = a.uid;
  const endpoint = flags.endpoint ?? io.env['ACRCTL_ENDPOINT'];
  const declaredKeys = emulatorCredentials(flags, io) === 'declared';
  let binding: EmulatorBinding | undefined;
  if (flags.emulator !== undefined && flags.emulator !== false) {
    const stateFile = resolve(io.cwd, typeof flags.emulator === 'string' ? flags.emulator : DEFAULT_EMULATOR_STATE_FILE);
    binding = await startEmbeddedEmulator({ accounts: uids, stateFile, start: startLocalEmulator, provision: !declaredKeys });
  } else if (endpoint) {
    binding = await connectRemoteEmulator({ url: endpoint, accounts: uids, provision: !declaredKeys });
  }
  let accounts: Record<string, AccountSpec>;
  if (binding && !declaredKeys) {
    io.stderr.write(`${binding.summary}\n`);
    accounts = { ...binding.session.accounts };
  } else {
    if (binding) io.stderr.write(`${binding.summary}\n`);
    accounts = {};
    for (const [alias, a] of Object.entries(declared)) accounts[alias] = { uid: a.uid, credentials: accountCredentials(a.credentials) };
  }
  // A declared site sends BSS to that site at once (no detection).
  for (const [alias, a] of Object.entries(declared)) {
    const spec = accounts[alias];
    if (spec !== undefined && a.site !== undefined) accounts[alias] = { ...spec, site: a.site };
  }
  const pageSize = pageSizeFromEnv(io.env);
  const readTimeoutMs = readTimeoutFromEnv(io.env);
  const session = new CloudSession({ accounts, ...(binding ? { endpoints: binding.session.endpoints } : {}), env: io.env, ...(pageSize ? { pageSize } : {}), ...(readTimeoutMs ? { readTimeoutMs } : {}) });
  const close = async () => {
    await session.close();
    await binding?.close();
  };
  try {
    await session.verifyIdentities();
  } catch (err) {
    await close();
    throw err;
  }
  return { session, close };
}

/**
 * Which keys sign calls to an emulator: `provisioned` (the default: a root key created for every
 * declared UID) or `declared` (the credentials registry.yaml declares, as against the real cloud:
 * a RAM user's keys or a role to assume, which the emulator's RAM enforcement authorises). The flag
 * wins over `ACRCTL_EMULATOR_CREDENTIALS`; without an emulator the declared credentials are used anyway.
 */
function emulatorCredentials(flags: Pick<EstateFlags, 'emulatorCredentials'>, io: CliIo): (typeof EMULATOR_CREDENTIALS)[number] {
  const raw = flags.emulatorCredentials ?? io.env['ACRCTL_EMULATOR_CREDENTIALS'];
  if (raw === undefined || raw === '') return 'provisioned';
  if (raw === 'provisioned' || raw === 'declared') return raw;
  throw new AcrctlError('cli.bad-option', `ACRCTL_EMULATOR_CREDENTIALS must be provisioned or declared, got ${JSON.stringify(raw.slice(0, 40))}`);
}

/**
 * `ACRCTL_PAGE_SIZE` caps the page size of every List call (a debugging and testing knob: plans
 * must be the same at any page size). Ignored unless a whole number from 1 to 100.
 */
function pageSizeFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env['ACRCTL_PAGE_SIZE'];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : undefined;
}

/**
 * `ACRCTL_READ_TIMEOUT_MS` replaces every call's read budget (src/cloud/timeouts.ts): how long a
 * call may take before its outcome counts as unknown, and how long a resume waits for a late-showing
 * create a killed run announced. For tests and for operators who know their service's latency.
 * Ignored unless a whole number from 1000 to 600000.
 */
function readTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env['ACRCTL_READ_TIMEOUT_MS'];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1000 && n <= 600_000 ? n : undefined;
}

/** Colour on a TTY, never with NO_COLOR, always with FORCE_COLOR (the rules: colourWanted). */
export function useColor(io: CliIo, stream: 'stdout' | 'stderr'): boolean {
  return colourWanted(io.env, Boolean(io[stream].isTTY));
}
