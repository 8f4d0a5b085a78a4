/**
 * `acrctl drift`: compare registry.yaml with the live estate and say what drifted, for alarms on a
 * schedule. Read-only: it computes a plan with the kinds' List calls and never applies it; no
 * mutating call is made (the end-to-end test checks the emulator's call log).
 *
 * Beyond the plan, it checks the replication health of every declared rule that exists live: the
 * tags of the repositories in the rule's scope are read on both sides (the tag kind's reads, widened
 * from rules with `backfill` to every live rule) and compared in src/drift/health.ts.
 *
 * Exit codes, never mixed: 0 no drift, 2 drift (as `--fail-on` defines it), 1 any error, including
 * an error finding of the plan (the report is still printed, with status `error`).
 */
import { Option, type Command } from 'commander';
import { DEFAULTS, type RegistryDocument } from '../config/model.js';
import { buildDriftReport, FAIL_ON, type FailOn, type Location } from '../drift/model.js';
import { replicationHealth, type HealthRule, type TagEvidence } from '../drift/health.js';
import { DRIFT_FORMATS, renderDriftJson, renderDriftMarkdown, renderDriftText, type DriftFormat } from '../render/drift.js';
import { assertNever, ExitCode } from '../errors.js';
import { tagMatcher } from '../kinds/backfill.js';
import { runningInstances } from '../kinds/instance.js';
import { makeKinds } from '../kinds/index.js';
import type { SecretHistory } from '../kinds/write-history.js';
import { replicationRules, type RuleRef } from '../kinds/replication.js';
import { syncRuleAddress } from '../kinds/sync-rule.js';
import type { TagLive } from '../kinds/tag.js';
import type { Kind, LiveObject } from '../plan/kind.js';
import { computePlan } from '../plan/planner.js';
import { publicPlan } from '../plan/sensitive.js';
import { estateOptions, openEstate, sha256, type EstateFlags } from './estate.js';
import { annotate, driftAnnotations, pathContext } from './github.js';
import type { CliIo, SetExit } from './io.js';
import { checkJsonFormat, driftLines, JSON_HELP, jsonLines } from './json-lines.js';

interface DriftFlags extends EstateFlags {
  readonly format: DriftFormat;
  readonly failOn: FailOn;
  readonly json?: boolean;
}

/**
 * The kinds of a drift run: the usual ones, each read recorded, made to read the tags of every live
 * rule (not only of rules with backfill). Backfill planning is unchanged by the extra evidence: it
 * only looks at the repositories of its own rules.
 */
function driftKinds(live: Map<string, readonly LiveObject[]>, copyFromCidr: string | undefined, secretHistory?: SecretHistory): Kind[] {
  return makeKinds({ everyLiveRule: true, ...(copyFromCidr !== undefined ? { copyFromCidr } : {}), ...(secretHistory !== undefined ? { secretHistory } : {}) }).map(
    (k): Kind => ({
      ...k,
      read: async (ctx) => {
        const objs = await k.read(ctx);
        live.set(k.name, objs);
        return objs;
      },
    }),
  );
}

function locationOf(config: RegistryDocument, alias: string): Location {
  const inst = config.instances?.[alias];
  const uid = inst ? config.accounts[inst.account]?.uid : undefined;
  return {
    account: inst?.account ?? '',
    ...(uid !== undefined ? { accountUid: uid } : {}),
    region: inst?.region ?? '',
    instance: alias,
    ...(inst?.name !== undefined ? { instanceName: inst.name } : {}),
  };
}

/** The declared rules that exist live, with both instances RUNNING (others cannot be read). */
function healthRules(config: RegistryDocument, live: Map<string, readonly LiveObject[]>): HealthRule[] {
  const existing = new Set((live.get('sync-rule') ?? []).map((l) => l.id));
  const running = new Set(runningInstances({ config, live: (k) => live.get(k) ?? [] }).map((m) => m.alias));
  return replicationRules(config)
    .filter((r) => existing.has(syncRuleAddress(r.source, r.rule.name)) && running.has(r.source) && running.has(r.target))
    .map((r: RuleRef): HealthRule => {
      const address = syncRuleAddress(r.source, r.rule.name);
      const level = r.rule.level ?? DEFAULTS.replication.level;
      const tagFilter = r.rule.tagFilter ?? DEFAULTS.replication.tagFilter;
      return {
        address,
        name: r.rule.name,
        sourceInstance: r.source,
        targetInstance: r.target,
        source: locationOf(config, r.source),
        target: locationOf(config, r.target),
        namespace: r.rule.namespace,
        ...(level === 'repository' && r.rule.repository !== undefined ? { repository: r.rule.repository } : {}),
        tagFilter,
        match: tagMatcher(tagFilter, address),
        trigger: r.rule.trigger ?? DEFAULTS.replication.trigger,
        backfill: r.rule.backfill !== undefined,
      };
    });
}

function tagEvidence(live: Map<string, readonly LiveObject[]>): TagEvidence[] {
  return (live.get('tag') ?? []).map((l) => {
    const t = l as TagLive;
    return { ...t.key, digest: t.spec.digest, updatedAt: t.spec.updatedAt };
  });
}

/** The flags that reach the same estate again, for the fix commands. Never a secret. */
function connectionFlags(flags: DriftFlags): string[] {
  if (flags.emulator !== undefined && flags.emulator !== false) return [typeof flags.emulator === 'string' ? `--emulator=${flags.emulator}` : '--emulator'];
  if (flags.endpoint !== undefined) return ['--endpoint', flags.endpoint];
  return [];
}

export function registerDrift(program: Command, io: CliIo, setExit: SetExit): void {
  estateOptions(
    program
      .command('drift')
      .description('compare registry.yaml with the live estate (read-only); exit 0 no drift, 2 drift, 1 error')
      .addOption(new Option('--format <format>', 'output format').choices([...DRIFT_FORMATS]).default('text'))
      .addOption(
        new Option('--fail-on <what>', 'what makes the exit code 2: changes (declared objects and replication), unmanaged (undeclared live objects), or any')
          .choices([...FAIL_ON])
          .default('changes'),
      )
      .option('--json', JSON_HELP),
  ).action(async (flags: DriftFlags) => {
    checkJsonFormat(flags.json, flags.format);
    const estate = await openEstate(flags, io);
    try {
      const live = new Map<string, readonly LiveObject[]>();
      const plan = await computePlan({
        config: estate.config,
        configDigest: estate.configDigest,
        configFile: estate.file,
        kinds: driftKinds(live, estate.copyFromCidr, estate.secretHistory),
        cloud: estate.session,
        findings: estate.findings,
        sha256,
        sensitiveValues: estate.sensitiveValues,
      });
      const connection = connectionFlags(flags);
      const replication = replicationHealth({
        rules: healthRules(estate.config, live),
        tags: tagEvidence(live),
        actions: plan.actions,
        configFile: estate.file,
        connection,
      });
      const accountUids = Object.fromEntries(Object.entries(estate.config.accounts).map(([alias, a]) => [alias, a.uid]));
      const instanceNames = Object.fromEntries(Object.entries(estate.config.instances ?? {}).map(([alias, i]) => [alias, i.name]));
      // The report shows values: only those of the plan's public form (sensitive ones masked).
      const report = buildDriftReport({ plan: publicPlan(plan), failOn: flags.failOn, accountUids, instanceNames, replication, connection });
      if (flags.json) {
        io.stderr.write(renderDriftText(report));
        const line = jsonLines((t) => io.stdout.write(t));
        for (const l of driftLines(report)) line(l);
      } else {
        switch (flags.format) {
          case 'text':
            io.stdout.write(renderDriftText(report));
            break;
          case 'markdown':
            io.stdout.write(renderDriftMarkdown(report));
            break;
          case 'json':
            io.stdout.write(renderDriftJson(report));
            break;
          default:
            assertNever(flags.format, 'drift format');
        }
      }
      annotate(io, () => driftAnnotations(report, pathContext(io)));
      if (report.status === 'error') {
        const n = plan.findings.filter((f) => f.severity === 'error').length;
        io.stderr.write(`error: the plan has ${n} error finding${n === 1 ? '' : 's'} (above); drift cannot be judged until they are fixed\n`);
      }
      setExit(report.exitCode === 2 ? ExitCode.changes : report.exitCode === 1 ? ExitCode.error : ExitCode.ok);
    } finally {
      await estate.close();
    }
  });
}
