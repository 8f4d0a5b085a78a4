/**
 * `acrctl plan`, `acrctl show` and `acrctl graph`: compute a plan from registry.yaml and the live
 * estate (read-only: no mutating call is ever made), render it, optionally save it.
 *
 * Exit codes: 0 no changes (or changes without --detailed-exitcode), 2 changes with
 * --detailed-exitcode, 1 on any error, including an error finding the planner raised from live data.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { AcrctlError, ExitCode } from '../errors.js';
import { makeKinds } from '../kinds/index.js';
import type { Plan } from '../plan/model.js';
import { computePlan } from '../plan/planner.js';
import { renderDot } from '../render/dot.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderMermaid } from '../render/mermaid.js';
import { renderText } from '../render/text.js';
import { estateOptions, loadEstateConfig, openEstate, sha256, useColor, type Estate, type EstateFlags } from './estate.js';
import { annotate, pathContext, planAnnotations } from './github.js';
import type { CliIo, SetExit } from './io.js';
import { checkJsonFormat, JSON_HELP, jsonLines, planLines } from './json-lines.js';
import { planKey, readPlanFile, signPlan, toSavedPlan, writePlanFile } from './planfile.js';
import { shardTargets } from './shards.js';

export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

interface PlanFlags extends EstateFlags {
  readonly out?: string;
  readonly format: PlanFormat;
  readonly detailedExitcode?: boolean;
  readonly target?: string[];
  readonly json?: boolean;
  readonly shard?: string;
}

/** Computes the plan of an open estate. */
export async function planEstate(estate: Estate, targets: readonly string[] = []): Promise<Plan> {
  return computePlan({
    config: estate.config,
    configDigest: estate.configDigest,
    configFile: estate.file,
    kinds: makeKinds({ ...(estate.copyFromCidr !== undefined ? { copyFromCidr: estate.copyFromCidr } : {}), ...(estate.secretHistory !== undefined ? { secretHistory: estate.secretHistory } : {}) }),
    cloud: estate.session,
    findings: estate.findings,
    targets,
    sha256,
    sensitiveValues: estate.sensitiveValues,
  });
}

export function renderPlan(plan: Plan, format: PlanFormat, io: CliIo): string {
  switch (format) {
    case 'text':
      return renderText(plan, { color: useColor(io, 'stdout') });
    case 'markdown':
      return renderMarkdown(plan);
    case 'json':
      return renderJson(plan);
  }
}

/** An error finding in a plan (from live data) makes the command fail after showing it. */
export function planErrors(plan: Plan): number {
  return plan.findings.filter((f) => f.severity === 'error').length;
}

export function registerPlan(program: Command, io: CliIo, setExit: SetExit): void {
  estateOptions(
    program
      .command('plan')
      .description('read the live estate and show what apply would change (read-only)')
      .option('-o, --out <planfile>', 'save the plan for `acrctl apply PLANFILE`')
      .addOption(new Option('--format <format>', 'output format').choices([...PLAN_FORMATS]).default('text'))
      .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none')
      .option('--target <address...>', 'plan only these addresses (and what they depend on)')
      .option('--json', JSON_HELP)
      .option('--shard <id>', 'plan only this shard of the estate (acrctl shards lists them)'),
  ).action(async (flags: PlanFlags) => {
    checkJsonFormat(flags.json, flags.format);
    const estate = await openEstate(flags, io);
    try {
      const key = planKey(io.env);
      let targets = flags.target ?? [];
      if (flags.shard !== undefined) {
        if (flags.target) throw new AcrctlError('cli.bad-option', '--target cannot be given with --shard: a shard is its own target', { hint: `acrctl plan --shard ${flags.shard}` });
        targets = (await shardTargets(estate, flags.shard, { derive: () => planEstate(estate), waitMs: 0, say: (l) => io.stderr.write(`${l}\n`), command: 'plan' })).targets;
        if (targets.length === 0) {
          io.stdout.write(`Shard ${flags.shard} has nothing to apply.\n`);
          setExit(ExitCode.ok);
          return;
        }
      }
      const derived = await planEstate(estate, targets);
      // A saved plan gets a serial of its own (it is applied once) and, with ACRCTL_PLAN_KEY, a
      // signature; what is shown is what is saved.
      const plan = flags.out ? toSavedPlan(derived, key) : signPlan(derived, key);
      if (plan.target) io.stderr.write(`Targeting ${plan.actions.length} of ${plan.target.of} actions (${plan.target.addresses.join(', ')}); the rest are not planned.\n`);
      if (flags.json) {
        io.stderr.write(renderText(plan, { color: useColor(io, 'stderr') }));
        const line = jsonLines((t) => io.stdout.write(t));
        for (const l of planLines(plan)) line(l);
      } else {
        io.stdout.write(renderPlan(plan, flags.format, io));
      }
      annotate(io, () => planAnnotations(plan.findings, pathContext(io)));
      if (flags.out) {
        writePlanFile(resolve(io.cwd, flags.out), plan);
        io.stderr.write(`Saved the plan to ${flags.out}. Apply it with: acrctl apply ${flags.out} (applied only if the configuration and the live estate still derive exactly this plan)\n`);
      }
      const errors = planErrors(plan);
      if (errors > 0) {
        io.stderr.write(`error: the plan has ${errors} error finding${errors === 1 ? '' : 's'} (above); fix them before applying\n`);
        setExit(ExitCode.error);
      } else {
        setExit(flags.detailedExitcode && plan.actions.length > 0 ? ExitCode.changes : ExitCode.ok);
      }
    } finally {
      await estate.close();
    }
  });

  program
    .command('show')
    .description('render a saved plan; warns when the config changed since it was made')
    .argument('<planfile>', 'a plan saved with acrctl plan --out')
    .addOption(new Option('--format <format>', 'output format').choices([...PLAN_FORMATS]).default('text'))
    .option('-f, --file <path>', 'the config file to compare the plan with (default: the one the plan names)')
    .action(async (planfile: string, flags: { format: PlanFormat; file?: string }) => {
      const plan = readPlanFile(resolve(io.cwd, planfile), { key: planKey(io.env) });
      io.stdout.write(renderPlan(plan, flags.format, io));
      const file = flags.file ?? plan.configFile;
      try {
        const { configDigest } = await loadEstateConfig(file, io);
        if (configDigest !== plan.configDigest) io.stderr.write(`warning: ${file} has changed since this plan was made; apply would refuse it\n`);
      } catch (err) {
        if (!(err instanceof AcrctlError)) throw err;
        io.stderr.write(`warning: cannot compare with ${file}: ${err.message}\n`);
      }
      setExit(ExitCode.ok);
    });

  estateOptions(
    program
      .command('graph')
      .description('print the action graph of a plan as Mermaid or Graphviz DOT')
      .addOption(new Option('--format <format>', 'graph format').choices(['mermaid', 'dot']).default('mermaid'))
      .option('--plan <planfile>', 'draw a saved plan instead of planning now'),
  ).action(async (flags: EstateFlags & { format: 'mermaid' | 'dot'; plan?: string }) => {
    let plan: Plan;
    if (flags.plan) {
      plan = readPlanFile(resolve(io.cwd, flags.plan), { key: planKey(io.env) });
    } else {
      const estate = await openEstate(flags, io);
      try {
        plan = await planEstate(estate);
      } finally {
        await estate.close();
      }
    }
    io.stdout.write(flags.format === 'dot' ? renderDot(plan) : renderMermaid(plan));
    setExit(ExitCode.ok);
  });
}
