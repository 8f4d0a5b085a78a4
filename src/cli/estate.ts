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
import type { Command } from 'commander';
import type { AccountCredentials } from '../cloud/credentials.js';
import { connectRemoteEmulator, DEFAULT_EMULATOR_STATE_FILE, startEmbeddedEmulator, type EmbeddableEmulator, type EmulatorBinding } from '../cloud/emulated.js';
import { CloudSession, type AccountSpec } from '../cloud/session.js';
import { hasErrors, loadConfig, type ConfigFs } from '../config/load.js';
import { defaultLints } from '../config/lint-runner.js';
import type { Credentials, Finding, RegistryDocument } from '../config/model.js';
import { formatText } from '../config/report.js';
import { AcrctlError, formatLocation } from '../errors.js';
import type { PlanFinding } from '../plan/model.js';
import { allKinds } from '../kinds/index.js';
import { languageReferences } from '../kinds/language.js';
import { canonical } from '../plan/canonical.js';
import { colourWanted } from '../render/colour.js';
import { annotate, configAnnotations, pathContext } from './github.js';
import type { CliIo } from './io.js';

/** Flags every cloud-facing command takes. */
export interface EstateFlags {
  readonly file: string;
  /** `--emulator` (true) or `--emulator=STATEFILE`. */
  readonly emulator?: string | boolean;
  readonly endpoint?: string;
}

/** Help of `-f/--file` where it defaults to registry.yaml (src/cli/commands.ts applies ACRCTL_CONFIG). */
export const CONFIG_FILE_HELP = 'the config file (ACRCTL_CONFIG sets another default)';

/** Adds `-f`, `--emulator[=STATE]` and `--endpoint` to a command. */
export function estateOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', CONFIG_FILE_HELP, 'registry.yaml')
    .option('--emulator [statefile]', `use the embedded emulator (state in ${DEFAULT_EMULATOR_STATE_FILE} unless given)`)
    .option('--endpoint <url>', 'use a running emulator at this URL (or set ACRCTL_ENDPOINT)');
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
    throw new AcrctlError('config.invalid', `${file} has errors; nothing was read or changed in the cloud`, { hint: `run acrctl validate -f ${file}` });
  }
  return {
    config: result.document,
    configDigest: sha256(JSON.stringify(canonical(result.document))),
    findings: result.findings.map(toPlanFinding),
    sensitiveValues: result.sensitiveValues,
  };
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
  const { session, close } = await openSession(flags, config.accounts, io);
  return { file: flags.file, config, configDigest, findings, sensitiveValues, session, close };
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
  flags: Pick<EstateFlags, 'emulator' | 'endpoint'>,
  declared: RegistryDocument['accounts'],
  io: CliIo,
): Promise<{ session: CloudSession; close: () => Promise<void> }> {
  const uids: Record<string, string> = {};
  for (const [alias, a] of Object.entries(declared)) uids[alias] = a.uid;
  const endpoint = flags.endpoint ?? io.env['ACRCTL_ENDPOINT'];
  let binding: EmulatorBinding | undefined;
  if (flags.emulator !== undefined && flags.emulator !== false) {
    const stateFile = resolve(io.cwd, typeof flags.emulator === 'string' ? flags.emulator : DEFAULT_EMULATOR_STATE_FILE);
    binding = await startEmbeddedEmulator({ accounts: uids, stateFile, start: startLocalEmulator });
  } else if (endpoint) {
    binding = await connectRemoteEmulator({ url: endpoint, accounts: uids });
  }
  let accounts: Record<string, AccountSpec>;
  if (binding) {
    io.stderr.write(`${binding.summary}\n`);
    accounts = { ...binding.session.accounts };
  } else {
    accounts = {};
    for (const [alias, a] of Object.entries(declared)) accounts[alias] = { uid: a.uid, credentials: accountCredentials(a.credentials) };
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
