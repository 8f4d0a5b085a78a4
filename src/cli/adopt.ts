/**
 * `acrctl adopt`: write a registry.yaml for an estate that already exists (issue #7), so that
 * `acrctl plan` on it shows no changes. Read-only: List and Get calls only (the end-to-end test
 * checks the emulator's call log).
 *
 * Why "adopt" and not "import": in registry.yaml, `imports` are image imports into an instance
 * (from Personal Edition or OSS). Adopting is taking existing cloud objects under management.
 *
 * Accounts: from the base file (`-f`, default registry.yaml when it exists), whose `accounts:`
 * section is reused as written (credentials included); `--account ALIAS` picks among them (default:
 * all). `--account ALIAS=UID` declares an account the base does not have; it uses the default
 * credentials chain (environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/…, profile, instance role),
 * so the written account has no `credentials:` (the language's default). Without a base file every
 * `--account` must carry its UID.
 */
import { open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { adoptEstate } from '../adopt/read.js';
import { renderAdopted } from '../adopt/render.js';
import { schemaReference } from './schema-ref.js';
import { DEFAULT_EMULATOR_STATE_FILE } from '../cloud/emulated.js';
import type { CloudSession } from '../cloud/session.js';
import { defaultLints } from '../config/lint-runner.js';
import { hasErrors, validateSource } from '../config/load.js';
import { REGIONS, type Account, type Region, type RegistryDocument } from '../config/model.js';
import { formatText } from '../render/findings.js';
import { AcrctlError, ExitCode } from '../errors.js';
import { allKinds } from '../kinds/index.js';
import { languageReferences } from '../kinds/language.js';
import { computePlan } from '../plan/planner.js';
import { VERSION } from '../version.js';
import { loadEstateConfig, openSession, sha256, useColor } from './estate.js';
import type { CliIo, SetExit } from './io.js';
import { referenceSecrets } from './redact.js';

interface AdoptFlags {
  readonly file?: string;
  readonly emulator?: string | boolean;
  readonly endpoint?: string;
  readonly account?: string[];
  readonly region?: string[];
  readonly instance?: string[];
  readonly out?: string;
  readonly force?: boolean;
  readonly verify?: boolean;
}

/** The base file used when -f is not given and it exists. */
const DEFAULT_BASE = 'registry.yaml';
const ALIAS = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const UID = /^[0-9]{16}$/;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Which accounts to write and which to adopt, from the base file and the `--account` flags. Pure. */
export function resolveAccounts(
  base: RegistryDocument | undefined,
  flags: readonly string[],
  baseFile: string,
): { accounts: Record<string, Account>; adopt: string[] } {
  const known: Record<string, Account> = { ...(base?.accounts ?? {}) };
  const adopt: string[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const alias = eq < 0 ? flag : flag.slice(0, eq);
    const uid = eq < 0 ? undefined : flag.slice(eq + 1);
    if (!ALIAS.test(alias)) throw new AcrctlError('adopt.bad_account', `--account ${flag}: ${JSON.stringify(alias)} is not an alias (1-63 letters, digits, '-' or '_', starting with a letter)`);
    if (uid !== undefined && !UID.test(uid)) throw new AcrctlError('adopt.bad_account', `--account ${flag}: the UID must be exactly 16 digits`);
    const declared = known[alias];
    if (uid === undefined && declared === undefined) {
      const names = Object.keys(base?.accounts ?? {});
      throw new AcrctlError('adopt.unknown_account', `unknown account alias ${alias}${base ? ` (${baseFile} declares ${names.length > 0 ? names.join(', ') : 'none'})` : ' (no base file)'}`, {
        hint: `give its UID as --account ${alias}=<16-digit UID> (credentials from the default chain), or declare it under accounts: in ${base ? baseFile : 'a base file given with -f'}`,
      });
    }
    if (uid !== undefined && declared !== undefined && declared.uid !== uid) {
      throw new AcrctlError('adopt.bad_account', `--account ${flag}: ${baseFile} declares ${alias} with UID ${declared.uid}`, { hint: `use --account ${alias}, or another alias` });
    }
    if (declared === undefined) known[alias] = { uid: uid! };
    if (!adopt.includes(alias)) adopt.push(alias);
  }
  if (flags.length === 0) {
    if (base === undefined) {
      throw new AcrctlError('adopt.no_accounts', 'adopt needs to know the accounts: give --account ALIAS=UID, or a base registry.yaml with accounts: (-f)', {
        hint: 'e.g. acrctl adopt --account prod=1234567890123456 -o registry.yaml',
      });
    }
    adopt.push(...Object.keys(base.accounts));
  }
  const accounts: Record<string, Account> = {};
  for (const alias of adopt) accounts[alias] = known[alias]!;
  return { accounts, adopt };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes the file, refusing to replace an existing one unless forced. */
async function writeOut(path: string, text: string, force: boolean, shown: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, force ? 'w' : 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AcrctlError('adopt.exists', `${shown} already exists; adopt does not overwrite it`, { hint: 'pass --force to replace it, or choose another -o file' });
    }
    throw new AcrctlError('adopt.write', `cannot write ${shown}: ${(err as Error).message}`);
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

export function registerAdopt(program: Command, io: CliIo, setExit: SetExit): void {
  const cmd = program
    .command('adopt')
    .summary('write a registry.yaml for an estate that already exists (read-only)')
    .description(
      [
        'Write a registry.yaml describing the live estate of some accounts, so that `acrctl plan` on it shows no changes. Read-only: only List and Get calls are made.',
        'Called "adopt", not "import": in registry.yaml, imports are image imports into an instance.',
        'Accounts come from the base file (-f, default registry.yaml when it exists), whose accounts: are reused as written; --account ALIAS picks among them (default: all). --account ALIAS=UID adds an account that uses the default credentials chain. Without a base file, every --account needs its UID.',
        'Defaults are left out; objects that replication rules derive (target namespaces, the cross-account RAM role, policy and attachment) are folded into the rules. What cannot be expressed is listed as warnings on stderr and in the header of the file.',
        'Writes to stdout unless -o is given; -o never replaces an existing file without --force. Exit 0 written, 1 error; with --verify, 2 when a plan of the written file is not clean. See docs/adopt.md.',
      ].join('\n\n'),
    )
    .option('--account <alias[=uid]>', 'an account to adopt (repeatable)', collect)
    .option('--region <region>', 'only this region (repeatable; default every region)', collect)
    .option('--instance <name>', 'only this instance, by cloud name or base-file alias (repeatable)', collect)
    .option('-f, --file <path>', 'base file whose accounts, instance aliases and cross-region paths are reused (default: registry.yaml when it exists)')
    .option('-o, --out <file>', 'write the registry.yaml here instead of stdout')
    .option('--force', 'let -o replace an existing file')
    .option('--verify', 'then plan the adopted file (read-only) and exit 2 unless it shows no changes and no unmanaged object')
    .option('--emulator [statefile]', `use the embedded emulator (state in ${DEFAULT_EMULATOR_STATE_FILE} unless given)`)
    .option('--endpoint <url>', 'use a running emulator at this URL (or set ACRCTL_ENDPOINT)');
  cmd.action(async (flags: AdoptFlags) => {
    const regions = flags.region ?? [];
    for (const r of regions) {
      if (!(REGIONS as readonly string[]).includes(r)) throw new AcrctlError('adopt.bad_region', `unknown region ${r}`, { hint: `regions with Container Registry: ${REGIONS.join(', ')}` });
    }
    const baseFile = flags.file ?? DEFAULT_BASE;
    let base: RegistryDocument | undefined;
    let baseSecrets: readonly string[] = [];
    if (flags.file !== undefined || (await exists(resolve(io.cwd, baseFile)))) {
      const loaded = await loadEstateConfig(baseFile, io);
      base = loaded.config;
      baseSecrets = loaded.sensitiveValues;
    }
    const { accounts, adopt } = resolveAccounts(base, flags.account ?? [], baseFile);
    if (flags.out !== undefined && !flags.force && (await exists(resolve(io.cwd, flags.out)))) {
      throw new AcrctlError('adopt.exists', `${flags.out} already exists; adopt does not overwrite it`, { hint: 'pass --force to replace it, or choose another -o file' });
    }

    const { session, close } = await openSession(flags, accounts, io);
    try {
      const adopted = await adoptEstate({
        accounts,
        adopt,
        regions: regions as Region[],
        instances: flags.instance ?? [],
        ...(base ? { base } : {}),
        kinds: allKinds,
        cloud: session,
        sha256,
      });
      // Live values that are secrets of this environment are written as references to their variables.
      const text = referenceSecrets(renderAdopted(adopted.document, adopted.notes, { accounts: adopt, regions, instances: flags.instance ?? [], version: VERSION, schema: schemaReference(flags.out === undefined ? io.cwd : dirname(resolve(io.cwd, flags.out))) }), io.env, baseSecrets);

      // The output must load clean: anything else is a bug in adopt, never a file to hand out.
      const shown = flags.out ?? 'registry.yaml (stdout)';
      // Secrets adopt cannot read back (webhook URLs) are written as `${env:…}` references with a note
      // naming the variable: that the variable is not set yet is the user's next step, not a bug. The
      // file is checked with a stand-in URL for each (never used: --verify refuses without them).
      const unset = [...new Set([...text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))].filter((n) => io.env[n] === undefined).sort();
      const standIns = Object.fromEntries(unset.map((n) => [n, 'https://unset.invalid/']));
      const check = validateSource(text, shown, { env: { ...io.env, ...standIns }, lint: defaultLints, references: languageReferences(allKinds) });
      const findings = check.findings;
      if (hasErrors(findings) || check.document === undefined) {
        io.stderr.write(formatText({ file: check.file, findings: check.findings, text: check.text }, { color: useColor(io, 'stderr') }));
        throw new AcrctlError('adopt.invalid_output', 'the adopted registry.yaml does not validate; nothing was written', { hint: 'this is a bug in acrctl adopt: report it with the findings above' });
      }
      for (const n of adopted.notes) io.stderr.write(`warning: ${n.address}: ${n.message}\n`);
      for (const f of findings) io.stderr.write(`${f.severity}[${f.id}]: ${f.message}\n`);
      if (unset.length > 0) io.stderr.write(`warning: ${shown} refers to ${unset.map((n) => `\${env:${n}}`).join(', ')}, not set here: set ${unset.length === 1 ? 'it' : 'them'} before acrctl plan\n`);
      const instances = Object.keys(adopted.document.instances ?? {}).length;
      if (flags.out === undefined) io.stdout.write(text);
      else await writeOut(resolve(io.cwd, flags.out), text, flags.force === true, flags.out);
      io.stderr.write(`adopted ${instances} instance${instances === 1 ? '' : 's'} of ${adopt.length} account${adopt.length === 1 ? '' : 's'}${flags.out !== undefined ? ` into ${flags.out}` : ''}; ${adopted.notes.length} warning${adopted.notes.length === 1 ? '' : 's'}\n`);
      if (flags.verify === true) {
        if (unset.length > 0) {
          io.stderr.write(`verify: cannot compare the adopted file: ${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set; exit 2\n`);
          setExit(ExitCode.changes);
          return;
        }
        const clean = await verify(check.document, sha256(text), shown, session, io);
        setExit(clean ? ExitCode.ok : ExitCode.changes);
        return;
      }
      setExit(ExitCode.ok);
    } finally {
      await close();
    }
  });
}

/**
 * `--verify`: plans the adopted document with every kind, as `acrctl plan` would, and says whether
 * it is clean (no action, no unmanaged object, no error finding). Read-only, like the plan.
 */
async function verify(document: RegistryDocument, digest: string, file: string, cloud: CloudSession, io: CliIo): Promise<boolean> {
  const plan = await computePlan({ config: document, configDigest: digest, configFile: file, kinds: allKinds, cloud, sha256 });
  const errors = plan.findings.filter((f) => f.severity === 'error');
  if (plan.actions.length === 0 && plan.unmanaged.length === 0 && errors.length === 0) {
    io.stderr.write('verified: a plan of the adopted file shows no changes and no unmanaged object\n');
    return true;
  }
  for (const a of plan.actions) io.stderr.write(`verify: a plan of the adopted file would ${a.type} ${a.id}\n`);
  for (const u of plan.unmanaged) io.stderr.write(`verify: ${u.id} is live but not in the adopted file (unmanaged)\n`);
  for (const f of errors) io.stderr.write(`verify: error[${f.id}]: ${f.message}\n`);
  io.stderr.write(`verify: not clean (${plan.actions.length} action${plan.actions.length === 1 ? '' : 's'}, ${plan.unmanaged.length} unmanaged, ${errors.length} error${errors.length === 1 ? '' : 's'}): see the warnings above; exit 2\n`);
  return false;
}
