/**
 * `acrctl shards` and the `--shard ID` of plan and apply: one slice of the estate's action graph
 * per CI job (src/plan/shards.ts partitions it).
 *
 * `--shard ID` plans the whole estate, takes the shard's actions and plans them alone (targets: the
 * shard's actions; the run's journal header keeps them, so `--resume --shard ID` continues that
 * run). When an action of the shard needs an action of another shard that has not finished: if that
 * shard is being applied now (its lock is held), apply waits for it, at most `--shard-wait` (default
 * 30m), with a progress line every 30 s, then plans again; otherwise it stops naming the shard to
 * run first.
 */
import { Option, type Command } from 'commander';
import { AcrctlError, ExitCode } from '../errors.js';
import type { Plan } from '../plan/model.js';
import { crossShardNeeds, partition, shardByOf, type ShardBy, type ShardPartition } from '../plan/shards.js';
import type { RunStore } from '../apply/runs.js';
import { estateOptions, openEstate, type Estate, type EstateFlags } from './estate.js';
import type { CliIo, SetExit } from './io.js';
import { formatDuration } from './store.js';

export const SHARD_BY: readonly ShardBy[] = ['account', 'account,region'];

/** The name of a shard's lock in the run store. */
export function shardLockName(id: string): string {
  return `shard-${id.replace(/[^A-Za-z0-9._+-]/g, '_')}`;
}

/** `planEstate` comes in from the caller (src/cli/plan.ts imports this module). */
export function registerShards(program: Command, io: CliIo, setExit: SetExit, planEstate: (estate: Estate) => Promise<Plan>): void {
  estateOptions(
    program
      .command('shards')
      .description('partition the plan into shards (per account, or account and region) and print the order between them, for a CI matrix')
      .addOption(new Option('--by <key>', 'what a shard is').choices([...SHARD_BY]).default('account'))
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text')),
  ).action(async (flags: EstateFlags & { by: ShardBy; format: 'text' | 'json' }) => {
    const estate = await openEstate(flags, io);
    try {
      const plan = await planEstate(estate);
      const parts = partition(plan, flags.by);
      io.stdout.write(flags.format === 'json' ? `${JSON.stringify(shardsJson(parts), null, 2)}\n` : shardsText(parts));
      setExit(ExitCode.ok);
    } finally {
      await estate.close();
    }
  });
}

/** The JSON `shards --format json` prints: a CI matrix reads `stages[i]`. */
export function shardsJson(parts: ShardPartition): Record<string, unknown> {
  return {
    by: parts.by,
    shards: parts.shards.map((s) => ({ id: s.id, accounts: s.accounts, ...(s.regions ? { regions: s.regions } : {}), actions: s.actions.length, stage: s.stage, needs: s.needs })),
    stages: parts.stages,
  };
}

function shardsText(parts: ShardPartition): string {
  if (parts.shards.length === 0) return 'No changes: no shard has anything to apply.\n';
  const lines: string[] = [];
  parts.stages.forEach((ids, i) => {
    lines.push(`stage ${i}:`);
    for (const id of ids) {
      const s = parts.shards.find((x) => x.id === id)!;
      lines.push(`  ${id}: ${s.actions.length} action${s.actions.length === 1 ? '' : 's'}${s.needs.length > 0 ? ` (after ${s.needs.join(', ')})` : ''}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** What `--shard ID` plans: the shard's actions, once no other shard it needs is unfinished. */
export async function shardTargets(
  estate: Estate,
  shard: string,
  opts: { readonly derive: () => Promise<Plan>; readonly store?: RunStore; readonly waitMs: number; readonly say: (line: string) => void; readonly command: 'plan' | 'apply'; readonly sleep?: (ms: number) => Promise<void> },
): Promise<{ targets: string[]; plan: Plan; parts: ShardPartition }> {
  const by = shardByOf(shard);
  const started = Date.now();
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let lastSaid = 0;
  for (;;) {
    const plan = await opts.derive();
    const parts = partition(plan, by);
    const mine = parts.shards.find((s) => s.id === shard);
    if (mine === undefined) {
      if (!validShardId(estate, shard, by)) {
        throw new AcrctlError('cli.bad-option', `there is no shard ${shard} in this estate`, { hint: `acrctl shards${by === 'account' ? '' : ' --by account,region'} lists them; ids are account aliases${by === 'account' ? '' : ' and regions (alias.region)'}` });
      }
      return { targets: [], plan, parts };
    }
    const needs = crossShardNeeds(plan, parts, shard);
    if (needs.length === 0 || opts.command === 'plan') {
      if (needs.length > 0) {
        opts.say(`note: shard ${shard} needs ${[...new Set(needs.map((n) => n.shard))].join(', ')} to be applied first (${needs[0]!.action} needs ${needs[0]!.needs}); this plan shows the whole shard`);
      }
      return { targets: [...mine.actions], plan, parts };
    }
    const other = [...new Set(needs.map((n) => n.shard))];
    const running: string[] = [];
    for (const o of other) {
      const h = opts.store ? await opts.store.holder(shardLockName(o)) : undefined;
      if (h) running.push(`${o} (pid ${h.pid} on ${h.host}${h.ciRunUrl ? `, ${h.ciRunUrl}` : ''})`);
    }
    const waited = Date.now() - started;
    if (running.length === 0 || waited >= opts.waitMs) {
      const first = needs[0]!;
      throw new AcrctlError('apply.shard-order', `shard ${shard} needs shard${other.length === 1 ? '' : 's'} ${other.join(', ')} first: ${first.action} needs ${first.needs}${running.length > 0 ? `; waited ${formatDuration(waited)} for ${running.join(', ')}` : ', which no run is applying now'}`, {
        hint: `run acrctl apply --shard ${other[0]} first (acrctl shards shows the order)${running.length > 0 ? ', or give --shard-wait a longer duration' : ''}`,
      });
    }
    if (lastSaid === 0 || Date.now() - lastSaid >= 30_000) {
      lastSaid = Date.now();
      opts.say(`waiting for shard${running.length === 1 ? '' : 's'} ${running.join(', ')} to finish: ${first3(needs)} (${formatDuration(waited)} of ${formatDuration(opts.waitMs)})`);
    }
    await sleep(Math.min(2000, Math.max(1, opts.waitMs - waited)));
  }
}

function first3(needs: readonly { action: string; needs: string }[]): string {
  const shown = needs.slice(0, 3).map((n) => `${n.action} needs ${n.needs}`);
  return `${shown.join('; ')}${needs.length > 3 ? `; and ${needs.length - 3} more` : ''}`;
}

/** A shard id that names declared accounts (and regions): valid even when it has nothing to do. */
function validShardId(estate: Estate, id: string, by: ShardBy): boolean {
  const aliases = new Set(Object.keys(estate.config.accounts));
  return id.split('+').every((p) => aliases.has(by === 'account' ? p : p.slice(0, p.indexOf('.'))));
}
