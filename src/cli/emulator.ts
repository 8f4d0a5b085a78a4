/**
 * `acrctl emulator serve`: runs the local emulator of the vendor APIs until SIGTERM or SIGINT.
 * `acrctl emulator registry`: where a registry of a running emulator listens, and a temporary login
 * for it written to a containers auth file (skopeo/podman `--authfile`).
 * `acrctl emulator seed PATH`: creates what an example assumes exists (src/cli/emulator-seed.ts) in
 * the embedded emulator's state or a running emulator.
 *
 * Contract of serve: the FIRST line on stdout is `http://127.0.0.1:PORT` (scripts read it); a short human
 * summary goes to stderr. On SIGTERM/SIGINT the ports close, the state file is flushed and the
 * command exits 0. Never prints secrets.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { connectRemoteEmulator, DEFAULT_EMULATOR_STATE_FILE, startEmbeddedEmulator, type EmulatorBinding } from '../cloud/emulated.js';
import type { RegistryLocator } from '../cloud/endpoints.js';
import { CloudSession } from '../cloud/session.js';
import { registryClients, type RegistryClients } from '../registry/session.js';
import { applySeed, formatFindings, loadSeed, SEED_FILE, seedPaths } from './emulator-seed.js';
import { AcrctlError } from '../errors.js';
import { StateFileError } from '../emulator/core/persistence.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { estateOptions, loadEstateConfig, openEstate, startLocalEmulator, type EstateFlags } from './estate.js';
import type { CliIo, SetExit } from './io.js';

interface ServeOptions {
  readonly port: string;
  readonly state?: string;
  readonly seed?: string;
}

/** Resolves when one of the signals arrives (listeners are removed afterwards). */
export type WaitForStop = () => Promise<string>;

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

function parseIntOption(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new AcrctlError('emulator.option', `--${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
  return Number(value);
}

interface RegistryOptions extends EstateFlags {
  readonly personal?: string;
  readonly instance?: string;
  readonly account?: string;
  readonly authfile?: string;
}

/** A registry picked on the command line: where it is, whose login, and how to call it in messages. */
interface RegistryTarget {
  readonly locator: RegistryLocator;
  readonly alias: string;
  readonly what: string;
}

/** Which registry `--personal` / `--instance` name, resolved against registry.yaml and the live instances. */
async function registryTarget(opts: RegistryOptions, config: { readonly accounts: Readonly<Record<string, unknown>>; readonly instances?: Readonly<Record<string, { readonly account: string; readonly region: string; readonly name: string }>> }, session: CloudSession): Promise<RegistryTarget> {
  if ((opts.personal === undefined) === (opts.instance === undefined)) {
    throw new AcrctlError('emulator.option', 'name exactly one registry: --personal REGION or --instance NAME');
  }
  if (opts.personal !== undefined) {
    const aliases = Object.keys(config.accounts).sort();
    const alias = opts.account ?? (aliases.length === 1 ? aliases[0] : undefined);
    if (alias === undefined || !aliases.includes(alias)) {
      throw new AcrctlError('emulator.option', opts.account === undefined ? 'several accounts are declared: say whose Personal Edition login to get with --account ALIAS' : `unknown account ${JSON.stringify(opts.account)}`, {
        hint: `declared accounts: ${aliases.join(', ')}`,
      });
    }
    return { locator: { kind: 'pe', region: opts.personal }, alias, what: `the Personal Edition registry of ${opts.personal} (account ${alias})` };
  }
  const key = opts.instance ?? '';
  const entries = Object.entries(config.instances ?? {});
  const found = entries.find(([k]) => k === key) ?? entries.find(([, i]) => i.name === key);
  if (found === undefined) {
    throw new AcrctlError('emulator.option', `no instance ${JSON.stringify(key)} in ${opts.file}`, { hint: `declared instances: ${entries.map(([k]) => k).sort().join(', ') || '(none)'}` });
  }
  const [alias, inst] = found;
  if (opts.account !== undefined && opts.account !== inst.account) {
    throw new AcrctlError('emulator.option', `instance ${alias} belongs to account ${inst.account}, not ${opts.account}`);
  }
  const live = (await session.cr(inst.account, inst.region).allInstances()).items.find((i) => i.InstanceName === inst.name);
  if (live?.InstanceId === undefined) {
    throw new AcrctlError('emulator.option', `instance ${alias} (${inst.name}) does not exist yet in ${inst.region}`, { hint: `run acrctl apply -f ${opts.file} first` });
  }
  return { locator: { kind: 'ee', instanceId: live.InstanceId, region: inst.region }, alias: inst.account, what: `instance ${alias} (${live.InstanceId}, ${inst.region})` };
}

/** Adds or replaces the login for `host` in a containers auth file, keeping the others; mode 0600. */
async function writeAuthFile(file: string, host: string, username: string, password: string): Promise<void> {
  let doc: { auths?: Record<string, unknown> } = {};
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as typeof doc;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AcrctlError('emulator.authfile', `cannot read the auth file ${file}`, { hint: 'fix it or choose another --authfile', cause: err });
    }
  }
  const auths = { ...(doc.auths ?? {}), [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ ...doc, auths }, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

/**
 * `emulator registry`: prints the registry's `host:port` on stdout (the only line there); with
 * `--authfile`, writes a temporary login for it (cr GetAuthorizationToken, or Personal Edition
 * GET /tokens) to that file. The password never goes to stdout, stderr or an error.
 */
async function registryCommand(opts: RegistryOptions, io: CliIo): Promise<void> {
  if (opts.endpoint === undefined && io.env['ACRCTL_ENDPOINT'] === undefined) {
    throw new AcrctlError('emulator.option', 'emulator registry needs a running emulator: --endpoint URL (or ACRCTL_ENDPOINT)', {
      hint: 'start one with acrctl emulator serve; the embedded --emulator stops when each command ends, and its registries with it',
    });
  }
  const estate = await openEstate({ file: opts.file, emulatorCredentials: 'provisioned', ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }) }, io);
  try {
    const target = await registryTarget(opts, estate.config, estate.session);
    const lookup = estate.session.endpoints.registry;
    const found = lookup === undefined ? undefined : await lookup(target.locator);
    if (found === undefined) throw new AcrctlError('emulator.option', `the emulator did not say where ${target.what} listens`);
    const host = found.base.replace(/^https?:\/\//, '');
    io.stdout.write(`${host}\n`);
    if (opts.authfile === undefined) {
      io.stderr.write(`${target.what} listens on ${host} (plain http); add --authfile FILE to get a temporary login for it\n`);
      return;
    }
    let username: string | undefined;
    let password: string | undefined;
    let expires: number | undefined;
    if (target.locator.kind === 'pe') {
      const r = await estate.session.crpe(target.alias, target.locator.region).getAuthorizationToken();
      ({ tempUserName: username, authorizationToken: password, expireDate: expires } = r.data ?? {});
    } else {
      const r = await estate.session.cr(target.alias, target.locator.region).getAuthorizationToken({ InstanceId: target.locator.instanceId });
      ({ TempUsername: username, AuthorizationToken: password, ExpireTime: expires } = r);
    }
    if (username === undefined || password === undefined) throw new AcrctlError('emulator.option', `no temporary login came back for ${target.what}`);
    estate.session.secrets.add(password);
    const file = resolve(io.cwd, opts.authfile);
    await writeAuthFile(file, host, username, password);
    const until = expires === undefined ? '' : `, valid until ${new Date(expires).toISOString()}`;
    io.stderr.write(
      [
        `wrote a temporary login for ${target.what} at ${host} to ${opts.authfile} (mode 0600${until})`,
        `  e.g. skopeo list-tags --tls-verify=false --authfile ${opts.authfile} docker://${host}/NAMESPACE/REPOSITORY`,
        '',
      ].join('\n'),
    );
  } finally {
    await estate.close();
  }
}

interface SeedOptions {
  readonly file?: string;
  readonly emulator?: string | boolean;
  readonly endpoint?: string;
  readonly reset?: boolean;
}

/**
 * `emulator seed PATH`: loads registry.yaml (for the account aliases) and the seed file, checks both
 * before touching anything, then provisions keys and applies the seed to the embedded emulator's
 * state (`--emulator[=STATEFILE]`) or a running emulator (`--endpoint` / ACRCTL_ENDPOINT).
 */
async function seedCommand(path: string, opts: SeedOptions, io: CliIo): Promise<void> {
  const endpoint = opts.endpoint ?? io.env['ACRCTL_ENDPOINT'];
  const embedded = opts.emulator !== undefined && opts.emulator !== false;
  if (!embedded && !endpoint) {
    throw new AcrctlError('seed.target', 'emulator seed only seeds an emulator: add --emulator (the embedded one, state in .acrctl/emulator.json) or --endpoint URL (a running one)', {
      hint: `e.g. acrctl emulator seed ${path} --emulator`,
    });
  }
  const { seedFile, configFile } = seedPaths(path, io.cwd, opts.file);
  const { config } = await loadEstateConfig(configFile, io);
  const uids: Record<string, string> = {};
  for (const [alias, a] of Object.entries(config.accounts)) uids[alias] = a.uid;
  const loaded = seedFile === undefined ? undefined : await loadSeed(seedFile, io.cwd, new Set(Object.keys(uids)));
  if (loaded !== undefined && loaded.findings.length > 0) {
    io.stderr.write(formatFindings(loaded.findings));
    throw new AcrctlError('seed.invalid', `${seedFile} has ${loaded.findings.length} error${loaded.findings.length === 1 ? '' : 's'}; nothing was seeded`);
  }
  for (const [alias, uid] of Object.entries(loaded?.doc.accounts ?? {})) uids[alias] ??= uid;

  let binding: EmulatorBinding;
  const stateFile = embedded ? resolve(io.cwd, typeof opts.emulator === 'string' ? opts.emulator : DEFAULT_EMULATOR_STATE_FILE) : undefined;
  if (stateFile !== undefined) binding = await startEmbeddedEmulator({ accounts: uids, stateFile, start: startLocalEmulator });
  else binding = await connectRemoteEmulator({ url: endpoint ?? '', accounts: uids });
  io.stderr.write(`${binding.summary}\n`);
  const session = new CloudSession({ accounts: binding.session.accounts, ...(binding.session.endpoints ? { endpoints: binding.session.endpoints } : {}), env: io.env });
  let registries: RegistryClients | undefined;
  try {
    if (opts.reset === true) {
      const res = await fetch(`${binding.url}/_emulator/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keepAccounts: true }) });
      await res.arrayBuffer();
      if (!res.ok) throw new AcrctlError('seed.emulator', `the emulator refused to reset (HTTP ${res.status})`);
      io.stdout.write('Emptied the emulator (accounts and keys kept).\n');
    }
    const what = seedFile ?? `${path} (no ${SEED_FILE}: only the accounts)`;
    io.stdout.write(`Seeding ${what} for ${configFile}:\n`);
    const result =
      loaded === undefined
        ? { created: 0, present: 0 }
        : await applySeed(loaded.doc, loaded.locate, {
            url: binding.url,
            session,
            registries: () => (registries ??= registryClients(session)),
            uids,
            log: (line) => io.stdout.write(`${line}\n`),
          });
    const accounts = Object.keys(uids).length;
    const keys = `keys for ${accounts} account${accounts === 1 ? '' : 's'}`;
    io.stdout.write(result.created + result.present === 0 ? `Nothing to create: the example assumes only its accounts (${keys}).\n` : `Seeded: ${result.created} created, ${result.present} already there; ${keys}.\n`);
    const flag = stateFile !== undefined ? (typeof opts.emulator === 'string' ? `--emulator=${opts.emulator}` : '--emulator') : opts.endpoint !== undefined ? `--endpoint ${opts.endpoint}` : '';
    io.stdout.write(`Next: acrctl plan -f ${configFile}${flag ? ` ${flag}` : ''}\n`);
  } finally {
    registries?.close();
    await session.close();
    await binding.close();
  }
}

export function registerEmulator(program: Command, io: CliIo, setExit: SetExit, waitForStop: WaitForStop = waitForSignal): void {
  const emulator = program.command('emulator').description('run a local emulator of the Alibaba Cloud APIs acrctl uses');
  estateOptions(
    emulator
      .command('registry')
      .description("print where a running emulator's registry listens (host:port) and write a temporary login for it to an auth file")
      .option('--personal <region>', "the region's Personal Edition registry")
      .option('--instance <name>', 'an EE instance of registry.yaml (its key or its name)')
      .option('--account <alias>', 'whose login (default: the instance\'s account, or the only declared account)')
      .option('--authfile <file>', 'write the login to this containers auth file (skopeo/podman --authfile), mode 0600'),
  ).action(async (opts: RegistryOptions) => {
    await registryCommand(opts, io);
    setExit(0);
  });
  emulator
    .command('seed')
    .description(`create what an example assumes already exists (VPCs, CEN, Personal Edition estates and images) from the ${SEED_FILE} in PATH, in an emulator`)
    .argument('<path>', `an example folder (its ${SEED_FILE} and registry.yaml), or a seed file`)
    .option('-f, --file <path>', 'the registry.yaml whose account aliases the seed uses (default: the one in the folder)')
    .option('--emulator [statefile]', `seed the embedded emulator's state (${DEFAULT_EMULATOR_STATE_FILE} unless given)`)
    .option('--endpoint <url>', 'seed a running emulator at this URL (or set ACRCTL_ENDPOINT)')
    .option('--reset', 'empty the emulator first (accounts and keys are kept), so the example starts from a fresh estate')
    .action(async (path: string, opts: SeedOptions) => {
      await seedCommand(path, opts, io);
      setExit(0);
    });
  emulator
    .command('serve')
    .description('serve cr, Personal Edition, BSS, RAM, STS, CBN, VPC and PrivateZone on 127.0.0.1 until SIGTERM/SIGINT')
    .option('--port <n>', 'main port (admin API and global products); 0 picks a free one', '0')
    .option('--state <file>', 'load state from this JSON file and save it there atomically')
    .option('--seed <n>', 'seed of the deterministic fault injector', '1')
    .action(async (opts: ServeOptions) => {
      const port = parseIntOption(opts.port, 'port', 0, 65535);
      const seed = parseIntOption(opts.seed ?? '1', 'seed', 0, 2 ** 32 - 1);
      let emu: Emulator;
      try {
        emu = await startEmulator({
          port,
          seed,
          ...(opts.state === undefined ? {} : { stateFile: opts.state }),
          log: (line) => io.stderr.write(`${line}\n`),
        });
      } catch (err) {
        if (err instanceof StateFileError) {
          throw new AcrctlError('emulator.state', err.message, { hint: 'fix or remove the state file', cause: err });
        }
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') {
          throw new AcrctlError('emulator.port', `cannot listen on 127.0.0.1:${port} (${code})`, { hint: 'choose another --port, or 0 for a free one', cause: err });
        }
        throw err;
      }
      io.stdout.write(`${emu.url}\n`);
      io.stderr.write(
        [
          `acrctl emulator listening on ${emu.url} (admin API under ${emu.url}/_emulator/)`,
          `  products: ${emu.products.join(', ')}`,
          `  regional products get a port per region: GET ${emu.url}/_emulator/endpoint?product=cr&region=cn-hangzhou`,
          `  accounts: POST ${emu.url}/_emulator/accounts {"uid":"1234567890123456"}`,
          `  state: ${opts.state ?? 'in memory only (use --state FILE to keep it)'}; fault seed ${seed}`,
          '  stop with Ctrl-C or SIGTERM',
          '',
        ].join('\n'),
      );
      const signal = await waitForStop();
      await emu.close();
      io.stderr.write(`acrctl emulator stopped (${signal})${opts.state === undefined ? '' : `; state saved to ${opts.state}`}\n`);
      setExit(0);
    });
}
