/**
 * Emulator modes of the cloud layer:
 * - embedded (`--emulator[=STATEFILE]`): start the emulator in-process on loopback with its state in
 *   STATEFILE (default `.acrctl/emulator.json`), create an access key for every declared account UID,
 *   and return session options with static credentials and the emulator's endpoint resolver;
 * - remote (`--endpoint URL` / `ACRCTL_ENDPOINT`): provision keys for the declared UIDs through
 *   `POST <URL>/_emulator/accounts` of an emulator that is already running.
 * Either mode provisions nothing with `provision: false` (`--emulator-credentials declared`): the
 * CLI then signs with the credentials registry.yaml declares (a RAM user's keys, a role to
 * assume), so the emulator's RAM enforcement sees them.
 *
 * Owns: wiring a session to an emulator. Never prints: the one line the CLI shows ("using the
 * embedded emulator …") is returned as `summary` and emitted as a `cloud.emulator` event. The keys
 * are emulator keys, still treated as secrets (never in `summary`, events or errors).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AcrctlError } from '../errors.js';
import type { AccountSpec, CloudSessionOptions } from './session.js';
import { emulatorEndpoints, emulatorRegistryLookup, fixedEndpoints, normaliseBaseUrl, type EndpointProduct, type FetchFn } from './endpoints.js';
import type { CloudReporter } from './pipeline.js';
import type { CloudProduct } from './errors.js';

/** Default state file of the embedded mode, relative to the working directory. */
export const DEFAULT_EMULATOR_STATE_FILE = '.acrctl/emulator.json';

/** What the embedded mode needs from the emulator (src/emulator/server.ts `startEmulator`). */
export interface EmbeddableEmulator {
  readonly url: string;
  createAccount(uid: string): Promise<{ readonly uid: string; readonly accessKeyId: string; readonly accessKeySecret: string }>;
  endpoint(product: EndpointProduct, region: string): Promise<string>;
  close(): Promise<void>;
}

/** Session options bound to an emulator, plus how to stop it. */
export interface EmulatorBinding {
  /** Accounts with static emulator keys, and the emulator endpoint resolver. */
  readonly session: Pick<CloudSessionOptions, 'accounts' | 'endpoints'>;
  /** Base URL of the emulator's main port. */
  readonly url: string;
  /** The state file (embedded mode), or undefined (remote). */
  readonly stateFile: string | undefined;
  /** One line for the CLI to show, with no secret in it. */
  readonly summary: string;
  /** Stops the embedded emulator (saving its state); a no-op for a remote one. Idempotent. */
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Declared accounts: alias → UID (their declared credentials are replaced by emulator keys). */
  readonly accounts: Readonly<Record<string, string>>;
  /**
   * `false`: provision no keys (`session.accounts` is empty); the caller signs with the credentials
   * registry.yaml declares (`--emulator-credentials declared`). Default true.
   */
  readonly provision?: boolean;
  readonly stateFile?: string;
  readonly reporter?: CloudReporter;
  /**
   * Starts the emulator (the CLI passes src/emulator/server.ts `startEmulator` on 127.0.0.1, port 0).
   * Injected: the cloud layer never imports the emulator, which sits above it.
   */
  readonly start: (options: { readonly stateFile: string; readonly port: number }) => Promise<EmbeddableEmulator>;
}

function staticAccounts(
  accounts: Readonly<Record<string, string>>,
  keys: ReadonlyMap<string, { readonly accessKeyId: string; readonly accessKeySecret: string }>,
): Record<string, AccountSpec> {
  const out: Record<string, AccountSpec> = {};
  for (const alias of Object.keys(accounts).sort()) {
    const uid = accounts[alias] ?? '';
    const k = keys.get(uid);
    if (!k) throw new AcrctlError('cloud.emulator', `no emulator key for account ${alias}`);
    out[alias] = { uid, credentials: { kind: 'static', accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret } };
  }
  return out;
}

/** Starts the embedded emulator and provisions one key per declared UID. */
export async function startEmbeddedEmulator(options: EmbeddedOptions): Promise<EmulatorBinding> {
  const stateFile = options.stateFile ?? DEFAULT_EMULATOR_STATE_FILE;
  await mkdir(dirname(stateFile), { recursive: true });
  const emu = await options.start({ stateFile, port: 0 });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await emu.close();
  };
  try {
    const keys = new Map<string, { accessKeyId: string; accessKeySecret: string }>();
    const provision = options.provision !== false;
    for (const uid of provision ? [...new Set(Object.values(options.accounts))].sort() : []) {
      const k = await emu.createAccount(uid);
      keys.set(uid, { accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret });
    }
    const count = keys.size;
    const summary = provision
      ? `using the embedded emulator at ${emu.url} (state ${stateFile}; keys provisioned for ${count} account${count === 1 ? '' : 's'})`
      : `using the embedded emulator at ${emu.url} (state ${stateFile}; with the credentials registry.yaml declares)`;
    options.reporter?.({ level: 'info', code: 'cloud.emulator', message: summary, data: { url: emu.url, stateFile, accounts: count } });
    return {
      session: {
        accounts: provision ? staticAccounts(options.accounts, keys) : {},
        endpoints: fixedEndpoints((product, region) => emu.endpoint(product, region), 'http', { registry: emulatorRegistryLookup(emu.url) }),
      },
      url: emu.url,
      stateFile,
      summary,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface RemoteOptions {
  readonly url: string;
  readonly accounts: Readonly<Record<string, string>>;
  /** As EmbeddedOptions.provision: `false` sends no `POST /_emulator/accounts`. */
  readonly provision?: boolean;
  readonly fetch?: FetchFn;
  readonly reporter?: CloudReporter;
}

/** Provisions keys for the declared UIDs on a running emulator (`POST <URL>/_emulator/accounts`). */
export async function connectRemoteEmulator(options: RemoteOptions): Promise<EmulatorBinding> {
  const base = normaliseBaseUrl(options.url);
  const fetchFn: FetchFn = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const keys = new Map<string, { accessKeyId: string; accessKeySecret: string }>();
  const provision = options.provision !== false;
  for (const uid of provision ? [...new Set(Object.values(options.accounts))].sort() : []) {
    let res: Awaited<ReturnType<FetchFn>>;
    try {
      res = await fetchFn(`${base}/_emulator/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid }),
      });
    } catch (err) {
      throw new AcrctlError('cloud.endpoint', `cannot reach the emulator at ${base}`, {
        cause: err,
        hint: 'start it with `acrctl emulator`, or use --emulator for the embedded mode',
      });
    }
    if (!res.ok) {
      throw new AcrctlError('cloud.emulator', `the emulator at ${base} refused to create keys for UID ${uid} (HTTP ${res.status})`);
    }
    const body = (await res.json()) as { accessKeyId?: unknown; accessKeySecret?: unknown };
    if (typeof body.accessKeyId !== 'string' || typeof body.accessKeySecret !== 'string') {
      throw new AcrctlError('cloud.emulator', `the emulator at ${base} answered without keys for UID ${uid}`);
    }
    keys.set(uid, { accessKeyId: body.accessKeyId, accessKeySecret: body.accessKeySecret });
  }
  const summary = provision
    ? `using the emulator at ${base} (keys provisioned for ${keys.size} account${keys.size === 1 ? '' : 's'})`
    : `using the emulator at ${base} (with the credentials registry.yaml declares)`;
  options.reporter?.({ level: 'info', code: 'cloud.emulator', message: summary, data: { url: base, accounts: keys.size } });
  return {
    session: {
      accounts: provision ? staticAccounts(options.accounts, keys) : {},
      endpoints: emulatorEndpoints(base, { fetch: fetchFn }),
    },
    url: base,
    stateFile: undefined,
    summary,
    close: () => Promise.resolve(),
  };
}
