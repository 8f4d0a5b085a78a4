/**
 * `acrctl policy [-f FILE] [--for plan|apply|drift|adopt|destroy] [--account ALIAS] [--format json|text]`:
 * the least-privilege RAM policy each declared account needs for one command on this registry.yaml
 * (issue 17), from the kinds' call declarations (src/kinds/policy.ts). Reads no cloud.
 *
 * text: per account a header, `#` lines with what the policy cannot say exactly (an instance's id
 * unknown before apply) or what else the credentials need, then the policy document.
 * json: `{formatVersion, command, accounts: [{account, uid, policy, notes}]}`, the form
 * `acrctl validate --policy-file` reads back. Both are sorted and deterministic: commit them.
 */
import { Option, type Command } from 'commander';
import { AcrctlError, ExitCode } from '../errors.js';
import { allKinds } from '../kinds/index.js';
import { derivePolicies, POLICY_COMMANDS, type AccountPolicy } from '../kinds/policy.js';
import type { PolicyCommand } from '../plan/kind.js';
import { CONFIG_FILE_HELP, loadEstateConfig } from './estate.js';
import type { CliIo, SetExit } from './io.js';

export const POLICY_FORMATS = ['text', 'json'] as const;
/** formatVersion of the json output (and of committed policy files). */
export const POLICY_FILE_VERSION = 1;

interface PolicyFlags {
  readonly file: string;
  readonly for: PolicyCommand;
  readonly account?: string;
  readonly format: (typeof POLICY_FORMATS)[number];
}

/** The json form of a command's policies. */
export function policyJson(command: PolicyCommand, policies: readonly AccountPolicy[]): string {
  const body = {
    formatVersion: POLICY_FILE_VERSION,
    command,
    accounts: policies.map((p) => ({ account: p.account, uid: p.uid, policy: p.document, notes: p.notes })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function policyText(command: PolicyCommand, policies: readonly AccountPolicy[]): string {
  return policies
    .map((p) => {
      const head = `# account ${p.account} (UID ${p.uid}): the RAM policy acrctl ${command} needs`;
      const notes = p.notes.map((n) => `# note: ${n}`);
      const empty = p.document.Statement.length === 0 ? [`# acrctl ${command} makes no call that needs a permission in this account`] : [];
      return [head, ...notes, ...empty, JSON.stringify(p.document, null, 2)].join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

export function registerPolicy(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('policy')
    .description('print the least-privilege RAM policy each account needs for a command on this config (reads no cloud)')
    .option('-f, --file <path>', CONFIG_FILE_HELP, 'registry.yaml')
    .addOption(new Option('--for <command>', 'the command the policy is for').choices([...POLICY_COMMANDS]).default('apply'))
    .option('--account <alias>', 'only this declared account')
    .addOption(new Option('--format <format>', 'output format').choices([...POLICY_FORMATS]).default('text'))
    .action(async (flags: PolicyFlags) => {
      const { config } = await loadEstateConfig(flags.file, io);
      if (flags.account !== undefined && config.accounts[flags.account] === undefined) {
        throw new AcrctlError('cli.bad-option', `--account ${flags.account}: no such account in ${flags.file}`, { hint: `declared accounts: ${Object.keys(config.accounts).sort().join(', ')}` });
      }
      const policies = derivePolicies(allKinds, config, flags.for, flags.account !== undefined ? [flags.account] : undefined);
      io.stdout.write(flags.format === 'json' ? policyJson(flags.for, policies) : policyText(flags.for, policies));
      setExit(ExitCode.ok);
    });
}
