/**
 * `acrctl apply`, `acrctl destroy` and `acrctl force-unlock`: flags, approval and rendering. What
 * runs (a new run, the continuation of an unfinished one, a saved plan checked against the plan
 * derived now) is decided by src/apply/runs.ts; the executor carries it out.
 *
 * The promise: kill apply at any instant, run `acrctl apply --resume`, and it finishes the same
 * run with no duplicate, no orphan and no manual step. Each run keeps its plan and an fsynced
 * journal in `.acrctl/runs/`; one apply per estate holds `.acrctl/lock`.
 *
 * Interrupts (src/cli/interrupt.ts): the first Ctrl-C starts nothing more and lets the actions in
 * flight finish (for `ACRCTL_INTERRUPT_GRACE_MS`, 30 s by default), the second stops them at once;
 * either way the journal ends consistent and the lock is released. Before anything is sent
 * (planning, the prompt), an interrupt cancels at once: nothing was changed.
 *
 * Exit codes: 0 complete, 1 failed (or refused), 3 stopped at a gate, 130 interrupted (143 on SIGTERM).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { writeFileAtomically } from '../apply/atomic.js';
import { execute, type ApplyEvent, type ApplyResult } from '../apply/executor.js';
import type { ResumeState } from '../apply/journal.js';
import { beginRun, closeRun, decideRun, estateIdentity, type RunContext, type RunStore, type StoreLock } from '../apply/runs.js';
import { AcrctlError, ExitCode } from '../errors.js';
import { allKinds, kindMap, makeKinds } from '../kinds/index.js';
import { isImageCopy, type Plan } from '../plan/model.js';
import { computeDestroyPlan, withPlanId } from '../plan/planner.js';
import { buildImportReport, renderImportReportJson, renderImportReportMarkdown, renderImportReportText } from '../render/import-report.js';
import { renderJson } from '../render/json.js';
import { fillIds, planIds } from '../render/placeholders.js';
import { renderText, summaryLine } from '../render/text.js';
import { ImageCopier } from '../registry/copy.js';
import { registryClients, type RegistryClients } from '../registry/session.js';
import { estateOptions, loadEstateConfig, openEstate, sha256, useColor, type Estate, type EstateFlags } from './estate.js';
import { localStore, lockWithTimeout, openOssStore, parseDuration, storeFromFlags, storeSpec } from './store.js';
import { shardLockName, shardTargets } from './shards.js';
import { OssJournal } from '../apply/oss-store.js';
import { onGitHubActions } from './github.js';
import type { CliIo, SetExit } from './io.js';
import { planEstate, planErrors } from './plan.js';
import { parsePlan, planKey, readPlanFile, signPlan, toSavedPlan, writePlanFile } from './planfile.js';
import { scrubber, secretEnvValues } from './redact.js';
import { applySummaryLine, eventLine, JSON_HELP, jsonLines, planLines } from './json-lines.js';
import { graceFromEnv, Interrupted, trapInterrupts, type Interrupts } from './interrupt.js';
import { createApplyView, type ApplyView } from './views/apply-view.js';

import { STATE_DIR } from './store.js';
export { STATE_DIR };

interface ApplyFlags extends EstateFlags {
  readonly autoApprove?: boolean;
  readonly parallelism: number;
  readonly resume?: boolean;
  /** `--run ID`: the unfinished run to resume. */
  readonly run?: string;
  /** `--replan`: resume from a plan derived again rather than the run's own. */
  readonly replan?: boolean;
  readonly target?: string[];
  readonly verify: boolean;
  /** Where to write the import report (Markdown, or JSON for a `.json` name). */
  readonly report?: string;
  /** `--json`: JSON lines on standard output (src/cli/json-lines.ts), text on standard error. */
  readonly json?: boolean;
  /** `--run-store oss://…`. */
  readonly runStore?: string;
  /** `--lock-timeout DURATION`. */
  readonly lockTimeout?: string;
  /** `--shard ID` and `--shard-wait DURATION`. */
  readonly shard?: string;
  readonly shardWait?: string;
}

export interface ApplyIo extends CliIo {
  /** Asks a yes/no question on a terminal; injected in tests. Default: readline on stdin. */
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly stdinIsTTY?: boolean;
}


export function registerApply(program: Command, io: ApplyIo, setExit: SetExit): void {
  const common = (cmd: Command, mode: 'apply' | 'destroy') =>
    estateOptions(cmd)
      .option('--auto-approve', `${mode} without asking (required without a terminal)`)
      .option('--parallelism <n>', 'actions running at once', parsePositive, 10)
      .option('--resume', `continue the unfinished ${mode} of this estate`)
      .option('--run <id>', `with --resume: the unfinished ${mode} run to continue (when there are several)`)
      .option('--replan', "with --resume: continue from a plan derived again, reconciling the journal's in-flight actions (when the run's plan is missing or unusable)")
      .option('--no-verify', 'skip the verification plan after a complete run')
      .option('--json', `${JSON_HELP}; needs --auto-approve`)
      .option('--run-store <url>', 'keep runs and the lock in OSS: oss://BUCKET/PREFIX?region=REGION[&account=ALIAS] (or ACRCTL_RUN_STORE; default: registry.yaml runStore, else .acrctl/)')
      .option('--lock-timeout <duration>', 'wait this long (30s, 10m, 1h) for a lock another run holds, instead of stopping at once');

  common(
    program
      .command('apply')
      .description('carry out the plan in dependency order; resumable after any interruption')
      .argument('[planfile]', 'a plan saved with acrctl plan --out (applied only if it is exactly what the config derives now)')
      .option('--target <address...>', 'apply only these addresses (and what they depend on)')
      .option('--shard <id>', 'apply only this shard of the estate (acrctl shards lists them), under the shard\'s lock')
      .option('--shard-wait <duration>', 'with --shard: how long to wait for a shard it needs that another run is applying (default 30m)')
      .option('--report <file>', 'also write the image import report to FILE (Markdown; JSON when FILE ends in .json)'),
    'apply',
  ).action(async (planfile: string | undefined, flags: ApplyFlags, cmd: Command) => {
    const fileGiven = cmd.getOptionValueSource('file') === 'cli';
    setExit(await runApply({ ...flags, ...(planfile ? { planfile } : {}), fileGiven, mode: 'apply' }, io));
  });

  common(program.command('destroy').description('delete every object registry.yaml declares (instances are refunded); never touches unmanaged objects'), 'destroy')
    .option('-o, --out <planfile>', 'save the destroy plan for review and `acrctl apply PLANFILE` instead of destroying now')
    .action(async (flags: ApplyFlags & { out?: string }) => {
      if (flags.out !== undefined) {
        if (flags.resume) throw new AcrctlError('cli.bad-option', '--out cannot be given with --resume', { hint: 'acrctl destroy --out PLAN saves a new destroy plan; acrctl destroy --resume continues a destroy' });
        setExit(await saveDestroyPlan(flags, flags.out, io));
        return;
      }
      setExit(await runApply({ ...flags, fileGiven: true, mode: 'destroy' }, io));
    });

  estateOptions(program.command('force-unlock'))
    .description('remove the apply lock of this estate, whoever holds it (when its holder is gone); names what it removed')
    .option('--run-store <url>', 'the run store whose lock to remove (as for apply)')
    .action(async (flags: EstateFlags & { runStore?: string }) => {
      setExit(await runForceUnlock(flags, io));
    });
}

/** `force-unlock`: the local lock needs no config; a shared store is opened with its account's credentials. */
async function runForceUnlock(flags: EstateFlags & { runStore?: string }, io: CliIo): Promise<number> {
  let spec = storeFromFlags(flags.runStore, io.env);
  let estate: Estate | undefined;
  try {
    if (spec === undefined && existsSync(resolve(io.cwd, flags.file))) {
      const { config } = await loadEstateConfig(flags.file, io);
      spec = storeSpec(undefined, io.env, config, flags.file);
    }
    let store: RunStore;
    if (spec === undefined) store = localStore(io);
    else {
      estate = await openEstate(flags, io);
      store = await openOssStore(spec, estate.config, estate.session, io.env);
    }
    const removed = await store.forceUnlock();
    if (!removed) {
      io.stdout.write(`There was no lock in ${store.where.replace(/\/runs$/, '')}.\n`);
      return ExitCode.ok;
    }
    io.stdout.write(`Removed ${removed.where ?? 'the lock'}: the lock of pid ${removed.pid} on ${removed.host} (started ${removed.startedAt}, ${removed.command}${removed.ciRunUrl ? `, ${removed.ciRunUrl}` : ''}).\n`);
    if (removed.live) io.stdout.write('Its holder was still heartbeating: that run stops at its next heartbeat, after the calls it has in flight; resume it with acrctl apply --resume.\n');
    return ExitCode.ok;
  } finally {
    await estate?.close();
  }
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new AcrctlError('cli.bad-option', `--parallelism must be a whole number from 1 to 1000, got "${value.slice(0, 20)}"`);
  return n;
}

async function runApply(flags: ApplyFlags & { planfile?: string; fileGiven: boolean; mode: 'apply' | 'destroy' }, io: ApplyIo): Promise<number> {
  if ((flags.run !== undefined || flags.replan) && !flags.resume) {
    throw new AcrctlError('cli.bad-option', `${flags.run !== undefined ? '--run' : '--replan'} only goes with --resume`, { hint: `acrctl ${flags.mode} --resume${flags.run !== undefined ? ` --run ${flags.run}` : ' --replan'}` });
  }
  if (flags.json && !flags.autoApprove) {
    throw new AcrctlError('cli.bad-option', `--json needs --auto-approve: there is no prompt in machine-readable output`, { hint: `review the plan first (acrctl ${flags.mode === 'destroy' ? 'destroy --out PLAN' : 'plan --out PLAN'}), then acrctl apply PLAN --auto-approve --json` });
  }
  if (flags.planfile && flags.resume) {
    throw new AcrctlError('cli.bad-option', 'a saved plan cannot be given with --resume', { hint: 'acrctl apply --resume continues the unfinished run; acrctl apply PLAN starts one' });
  }
  const key = planKey(io.env);
  const saved = flags.planfile ? { plan: readPlanFile(resolve(io.cwd, flags.planfile), { key }), file: flags.planfile } : undefined;
  const file = saved && !flags.fileGiven ? saved.plan.configFile : flags.file;
  // A plan saved by `destroy --out` is applied as a destroy: its run is a destroy run.
  if (saved?.plan.mode === 'destroy') flags = { ...flags, mode: 'destroy' };
  storeFromFlags(flags.runStore, io.env); // a malformed URL is refused before anything is read
  const lockTimeoutMs = flags.lockTimeout !== undefined ? parseDuration(flags.lockTimeout, '--lock-timeout') : 0;
  // A lost shared lock stops the run like an interrupt does: nothing more is started.
  const abort = new AbortController();
  let lostLock: string | undefined;
  let store: RunStore | undefined;
  let lock: StoreLock | undefined;
  const takeLock = async (s: RunStore) => {
    store = s;
    lock = await lockWithTimeout(s, `acrctl ${flags.mode}${flags.shard !== undefined ? ` --shard ${flags.shard}` : ''}`, {
      ...(flags.shard !== undefined ? { name: shardLockName(flags.shard) } : {}),
      onLost: (why) => {
        lostLock = why;
        io.stderr.write(`error: this run lost its lock: ${why}; stopping after the calls in flight\n`);
        abort.abort();
      },
    }, lockTimeoutMs, (line) => io.stderr.write(`${line}\n`));
    if (lock.replaced) io.stderr.write(`note: took over a stale lock of pid ${lock.replaced.pid} on ${lock.replaced.host} (started ${lock.replaced.startedAt}), whose holder is no longer running\n`);
  };
  const line = flags.json ? jsonLines((t) => io.stdout.write(t)) : undefined;
  // From here until the lock is released, Ctrl-C and SIGTERM are ours (see interrupt.ts).
  let view: ApplyView | undefined;
  const run = { started: new Set<string>(), running: new Set<string>(), inFlightAtStop: undefined as ReadonlySet<string> | undefined };
  const say = (text: string) => (view ? view.note(text, 'warn') : io.stderr.write(`${text}\n`));
  const graceMs = graceFromEnv(io.env);
  const interrupts = trapInterrupts({
    graceMs,
    onStop: (signal) => {
      if (!view) return; // nothing sent yet: the command is cancelled (below)
      run.inFlightAtStop = new Set(run.running);
      const again = signal === 'SIGINT' ? 'press Ctrl-C again' : 'send SIGTERM again';
      const n = run.running.size;
      say(`${signal === 'SIGINT' ? 'Interrupt' : 'SIGTERM'} received: starting nothing more${n > 0 ? `; waiting up to ${Math.round(graceMs / 1000)}s for the ${n} action${n === 1 ? '' : 's'} in flight to finish (${again} to stop ${n === 1 ? 'it' : 'them'} now)` : ''}.`);
    },
    onAbort: (why) => {
      const n = run.running.size;
      if (!view || n === 0) return;
      say(`${why === 'second' ? 'Second interrupt' : `Still running after ${Math.round(graceMs / 1000)}s`}: stopping the ${n} action${n === 1 ? '' : 's'} in flight now; acrctl ${flags.mode} --resume reconciles ${n === 1 ? 'it' : 'them'}.`);
    },
    onForce: () => {
      // A third interrupt: whatever is still unwinding is left to the journal's crash safety.
      void lock?.release();
      process.exit(interrupts.exitCode());
    },
  });
  let estate: Estate | undefined;
  const opening = openEstate({ ...flags, file }, io, {
    afterConfig: async (config) => {
      if (storeSpec(flags.runStore, io.env, config, file) === undefined) await takeLock(localStore(io));
    },
  });
  try {
    const opened = await interrupts.race(opening);
    estate = opened;
    const open = opened;
    if (store === undefined) await takeLock(await openOssStore(storeSpec(flags.runStore, io.env, open.config, file)!, open.config, open.session, io.env));
    const runStore: RunStore = store!;
    await excludeOtherLocks(runStore, flags.shard);
    let targets = flags.target;
    if (flags.shard !== undefined && !flags.resume) {
      if (flags.target) throw new AcrctlError('cli.bad-option', '--target cannot be given with --shard: a shard is its own target', { hint: `acrctl apply --shard ${flags.shard}` });
      const shardWaitMs = flags.shardWait !== undefined ? parseDuration(flags.shardWait, '--shard-wait') : 30 * 60_000;
      const st = await interrupts.race(shardTargets(open, flags.shard, { derive: () => planEstate(open), store: runStore, waitMs: shardWaitMs, say: (l) => io.stderr.write(`${l}\n`), command: 'apply' }));
      if (st.targets.length === 0) {
        io.stdout.write(`Shard ${flags.shard} has nothing to apply.\n`);
        return ExitCode.ok;
      }
      targets = st.targets;
    }
    // Journals, run plans and reports never hold a secret; nor does what is printed here.
    const scrub = scrubber([...secretEnvValues(io.env), ...open.sensitiveValues]);
    // With --json, standard output is the JSON lines' own; the text goes to standard error.
    const out = (text: string) => (flags.json ? io.stderr : io.stdout).write(scrub(text));
    const json = flags.json ? jsonLines((t) => io.stdout.write(scrub(t))) : undefined;
    const ctx: RunContext = {
      store: runStore,
      mode: flags.mode,
      estate: estateIdentity(io.cwd, open.file, Object.values(open.config.accounts).map((a) => a.uid), flags.shard),
      configDigest: open.configDigest,
      derive: (targets) => (flags.mode === 'destroy' ? destroyPlan(open) : planEstate(open, targets)),
      parsePlan: (text, where) => parsePlan(text, where, { key }),
    };
    const decision = await interrupts.race(
      decideRun(ctx, {
        ...(saved ? { saved } : {}),
        ...(flags.resume ? { resume: true } : {}),
        ...(flags.run !== undefined ? { runId: flags.run } : {}),
        ...(flags.replan ? { replan: true } : {}),
        ...(targets ? { targets } : {}),
      }),
    );
    const { plan, resume } = decision;
    for (const n of decision.notes) io.stderr.write(`${scrub(n)}\n`);
    const color = useColor(io, flags.json ? 'stderr' : 'stdout');
    if (plan.target) out(`Targeting ${plan.actions.length} of ${plan.target.of} actions (${plan.target.addresses.join(', ')}); the rest are not applied.\n\n`);
    out(renderText(plan, { color }));
    if (json) for (const l of planLines(plan)) json(l);
    if (planErrors(plan) > 0) {
      throw new AcrctlError('apply.plan_errors', 'the plan has error findings (above); nothing was changed', { hint: 'fix them, then run apply again' });
    }
    const pending = plan.actions.filter((a) => !resume?.done.has(a.id)).length;
    if (pending === 0) {
      // A continued run with nothing left is closed, so that it is no longer an unfinished run.
      if (decision.continues !== undefined) await closeRun(runStore, decision.continues, plan.planId, scrub);
      const said = plan.actions.length === 0 ? 'No changes.' : `Every action of this plan finished in an earlier run${decision.continues !== undefined ? ` (run ${decision.continues})` : ''}.`;
      if (plan.actions.length > 0) out(`${said}\n`);
      json?.(applySummaryLine({ mode: flags.mode, status: 'complete', message: said, exitCode: ExitCode.ok, ...(decision.continues !== undefined ? { runId: decision.continues } : {}) }));
      return ExitCode.ok;
    }
    if (!flags.autoApprove) {
      const tty = io.stdinIsTTY ?? Boolean(process.stdin.isTTY);
      if (!tty && !io.confirm) {
        throw new AcrctlError('apply.needs_approval', `refusing to ${flags.mode} without confirmation: standard input is not a terminal`, { hint: 'review the plan above, then rerun with --auto-approve' });
      }
      const ask = io.confirm ?? askOnTerminal(io, interrupts.stop);
      const ok = await interrupts.race(ask(`Do you want to ${flags.mode === 'destroy' ? 'DESTROY these objects' : 'perform these actions'}? Only 'yes' is accepted: `));
      if (!ok) {
        io.stderr.write(`${flags.mode} cancelled; nothing was changed.\n`);
        return ExitCode.error;
      }
    }
    if (interrupts.stop.aborted) throw new Interrupted(interrupts.received ?? 'SIGINT');
    const { runId, journal } = await beginRun(ctx, decision, { planText: scrub(renderJson(signPlan(plan, key))), scrub });
    const live = createApplyView({ stream: io.stderr, tty: Boolean(io.stderr.isTTY), color: useColor(io, 'stderr'), github: onGitHubActions(io.env) });
    view = live;
    // One copier per run: blobs moved for one image are not moved again for another.
    let registries: RegistryClients | undefined;
    let copier: ImageCopier | undefined;
    const copierOf = () => (copier ??= new ImageCopier((registries = registryClients(open.session)), { signal: interrupts.abort }));
    const meter = importMeter(plan);
    let result: ApplyResult;
    try {
      result = await execute({
        plan,
        kinds: kindMap(makeKinds({ copier: copierOf, ...settleFromEnv(io.env) })),
        cloud: open.session,
        journal,
        runId,
        ...(resume ? { resume } : {}),
        parallelism: flags.parallelism,
        emit: (e) => {
          meter.onEvent(e);
          trackRunning(run, e);
          live.onEvent({ ...e, message: scrub(e.message) });
          json?.(eventLine(e));
        },
        signal: interrupts.abort,
        // A first interrupt, or a lost shared lock: start nothing more, let the calls in flight finish.
        stop: AbortSignal.any([interrupts.stop, abort.signal]),
      });
    } finally {
      live.close();
      view = undefined;
      await journal.close();
    }
    if (journal instanceof OssJournal) {
      const s = journal.stats;
      io.stderr.write(`run store ${runStore.where}: ${s.records} records in ${s.appends} appends; ${s.intents} intents waited ${s.intents > 0 ? Math.round(s.intentWaitMs / s.intents) : 0} ms on average (at most ${Math.round(s.maxIntentWaitMs)} ms, ${Math.round(s.intentWaitMs)} ms in all)\n`);
    }
    const registryRequests = registries?.requests.snapshot().byOperation;
    await writeImportReport({ plan, result, resume, store: runStore, runId, meter: { ...meter.totals(), ...(registryRequests ? { registryRequests } : {}) }, flags, io, scrub, write: out });
    if (lostLock !== undefined) {
      throw new AcrctlError('apply.lock-lost', `the run stopped: it lost its lock (${lostLock})`, { hint: 'nothing in flight was lost: its intents are in the journal; when the other run is done, continue with acrctl apply --resume' });
    }
    let said = '';
    const reported = report(result, plan, flags, file, (text) => ((said = text), out(text)), run);
    const code = result.status === 'interrupted' ? interrupts.exitCode() : reported;
    json?.(
      applySummaryLine({
        mode: flags.mode,
        status: result.status,
        message: said.trim(),
        exitCode: code,
        counts: statusCounts(result),
        runId,
        ...(result.status === 'complete' ? {} : { resume: resumeCommand(flags, file) }),
      }),
    );
    if (result.status === 'interrupted') return code;
    if (code === ExitCode.ok && flags.verify) {
      if (interrupts.stop.aborted) {
        out('Verification skipped: interrupted.\n');
        return interrupts.exitCode();
      }
      try {
        await interrupts.race(verifyConverged(open, flags.mode, decision.targets, out));
      } catch (err) {
        if (!(err instanceof Interrupted)) throw err;
        out('Verification skipped: interrupted.\n');
        return interrupts.exitCode();
      }
    }
    return code;
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    // Only planning and the prompt are raced: nothing was sent. An estate still opening is closed once open.
    if (estate === undefined) void opening.then((e) => e.close(), () => undefined);
    io.stderr.write(`\n${flags.mode} cancelled; nothing was changed.\n`);
    line?.(applySummaryLine({ mode: flags.mode, status: 'cancelled', message: `${flags.mode} cancelled; nothing was changed.`, exitCode: interrupts.exitCode() }));
    return interrupts.exitCode();
  } finally {
    try {
      // A shared store's lock is released while the session (an embedded emulator) is still up; the
      // local lock only after the emulator saved its state.
      const shared = store !== undefined && !store.where.startsWith(STATE_DIR);
      if (shared) await releaseShared(lock, io);
      await estate?.close();
      if (!shared) await lock?.release();
    } finally {
      interrupts.dispose();
    }
  }
}

/**
 * A shard run and a run of the whole estate never overlap: a shard run (holding its shard's lock)
 * refuses while the estate's lock is held; a whole run (holding the estate's lock) refuses while any
 * shard lock of its plan's partition is held. Each checks after taking its own lock, so of two that
 * start together at least one sees the other.
 */
async function excludeOtherLocks(store: RunStore, shard: string | undefined): Promise<void> {
  const held = async (name: string, what: string) => {
    const h = await store.holder(name);
    if (h) {
      throw new AcrctlError('apply.locked', `${what} is being applied: pid ${h.pid} on ${h.host}, started ${h.startedAt} (${h.command})${h.ciRunUrl ? `, ${h.ciRunUrl}` : ''}`, {
        hint: shard !== undefined ? 'shards run after, or instead of, an apply of the whole estate: wait for it to finish' : 'an apply of the whole estate waits for the shard applies: wait for them to finish',
      });
    }
  };
  if (shard !== undefined) return held('estate', 'the whole estate');
  const names = await store.shardLocks();
  for (const n of names) await held(n, `shard ${n.slice('shard-'.length)}`);
}

/** Releases a shared lock; a failure leaves it to expire (a warning, not an error of the run). */
async function releaseShared(lock: StoreLock | undefined, io: CliIo): Promise<void> {
  try {
    await lock?.release();
  } catch (err) {
    io.stderr.write(`warning: could not release the lock (${err instanceof Error ? err.message : String(err)}); it expires on its own\n`);
  }
}

/** Which actions this run started and which run now, from the executor's events. */
function trackRunning(run: { started: Set<string>; running: Set<string> }, e: ApplyEvent): void {
  if (e.action === undefined) return;
  if (e.code === 'action.start') {
    run.started.add(e.action);
    run.running.add(e.action);
  } else if (e.code === 'action.done' || e.code === 'action.failed' || e.code === 'action.gate' || e.code === 'action.skipped') {
    run.running.delete(e.action);
  }
}

/** The destroy plan of an open estate, marked as one (`mode: destroy`), so that `apply PLAN` of it destroys. */
async function destroyPlan(estate: Estate): Promise<Plan> {
  const plan = await computeDestroyPlan({ config: estate.config, configDigest: estate.configDigest, configFile: estate.file, kinds: allKinds, cloud: estate.session, findings: estate.findings, sha256, sensitiveValues: estate.sensitiveValues });
  return withPlanId({ ...plan, mode: 'destroy' }, sha256);
}

/**
 * `destroy --out PLAN`: the destroy plan, shown and saved as `plan --out` saves a plan (read-only:
 * no lock, nothing sent). `apply PLAN` derives the destroy plan again and destroys only if it is
 * the same (src/plan/verify.ts), once.
 */
async function saveDestroyPlan(flags: EstateFlags & { json?: boolean }, out: string, io: CliIo): Promise<number> {
  const estate = await openEstate(flags, io);
  try {
    const plan = toSavedPlan(await destroyPlan(estate), planKey(io.env));
    if (flags.json) {
      io.stderr.write(renderText(plan, { color: useColor(io, 'stderr') }));
      const line = jsonLines((t) => io.stdout.write(t));
      for (const l of planLines(plan)) line(l);
    } else {
      io.stdout.write(renderText(plan, { color: useColor(io, 'stdout') }));
    }
    writePlanFile(resolve(io.cwd, out), plan);
    io.stderr.write(`Saved the destroy plan to ${out}. Destroy with: acrctl apply ${out} (applied only if the configuration and the live estate still derive exactly this plan)\n`);
    const errors = planErrors(plan);
    if (errors > 0) {
      io.stderr.write(`error: the plan has ${errors} error finding${errors === 1 ? '' : 's'} (above); fix them before destroying\n`);
      return ExitCode.error;
    }
    return ExitCode.ok;
  } finally {
    await estate.close();
  }
}

/** Measures this run's image copies: bytes uploaded, from the first copy's start to the last one's end. */
function importMeter(plan: Plan): { onEvent(e: ApplyEvent): void; totals(): { bytesMoved: number; elapsedMs: number } } {
  const copies = new Set(plan.actions.filter(isImageCopy).map((a) => a.id));
  let first: number | undefined;
  let last: number | undefined;
  let bytes = 0;
  return {
    onEvent(e) {
      if (e.action === undefined || !copies.has(e.action)) return;
      const t = Date.now();
      if (e.code === 'action.start') first ??= t;
      if (e.code === 'action.done' || e.code === 'action.failed') {
        last = t;
        const moved = (e.data?.['report'] as Record<string, unknown> | undefined)?.['bytesMoved'];
        if (typeof moved === 'number') bytes += moved;
      }
    },
    totals() {
      return { bytesMoved: bytes, elapsedMs: first !== undefined && last !== undefined ? last - first : 0 };
    },
  };
}

/**
 * After an apply whose plan copies images: the import report on standard output, kept next to the
 * journal (`<run>.import.md` and `.import.json`) and, with `--report FILE`, written there too. Covers
 * every run of the plan (earlier runs' outcomes come from their journals).
 */
async function writeImportReport(a: {
  plan: Plan;
  result: ApplyResult;
  resume: ResumeState | undefined;
  store: RunStore;
  runId: string;
  meter: { bytesMoved: number; elapsedMs: number; registryRequests?: Record<string, number> };
  flags: ApplyFlags;
  io: CliIo;
  scrub: (text: string) => string;
  /** Where the text goes (standard output, or standard error under --json). */
  write: (text: string) => void;
}): Promise<void> {
  const reports = new Map(a.resume?.reports ?? []);
  for (const [id, s] of a.result.actions) {
    const r = s.report;
    if (r !== undefined) reports.set(id, r);
  }
  const report = buildImportReport({
    plan: a.plan,
    applyStatus: a.result.status,
    statuses: a.result.actions,
    reports,
    runs: (a.resume?.runs.length ?? 0) + 1,
    thisRun: a.meter,
  });
  if (report === undefined) return;
  const markdown = a.scrub(renderImportReportMarkdown(report));
  const json = a.scrub(renderImportReportJson(report));
  const kept = await a.store.writeArtifact(a.runId, 'import.md', markdown);
  await a.store.writeArtifact(a.runId, 'import.json', json);
  a.write(renderImportReportText(report));
  let also = '';
  if (a.flags.report !== undefined) {
    // The apply is done by now: a report file that cannot be written is a warning, not a failure.
    try {
      writeFileAtomically(resolve(a.io.cwd, a.flags.report), a.flags.report.endsWith('.json') ? json : markdown, `cannot write the import report to ${a.flags.report}`, { mkdir: false });
      also = ` and ${a.flags.report}`;
    } catch (err) {
      a.io.stderr.write(`warning: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  a.write(`Import report kept in ${kept}${also}.\n`);
}

/** `ACRCTL_SETTLE_MS` overrides how long apply waits for creates an interrupted run may have sent. */
function settleFromEnv(env: NodeJS.ProcessEnv): { settleMs?: number } {
  const n = Number(env['ACRCTL_SETTLE_MS']);
  return env['ACRCTL_SETTLE_MS'] !== undefined && Number.isInteger(n) && n >= 0 ? { settleMs: n } : {};
}

/**
 * Asks on the terminal. Ctrl-C there (readline reads it as a key, not a signal) and an interrupt
 * signal (`stop`) cancel with {@link Interrupted}; end of input (Ctrl-D) is a no.
 */
function askOnTerminal(io: CliIo, stop: AbortSignal): (q: string) => Promise<boolean> {
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: io.stderr });
    try {
      return await new Promise<boolean>((resolve, reject) => {
        rl.on('SIGINT', () => reject(new Interrupted('SIGINT')));
        rl.on('close', () => resolve(false));
        rl.question(question, { signal: stop }).then(
          (answer) => resolve(answer.trim() === 'yes'),
          (err: unknown) => reject(stop.aborted ? new Interrupted('SIGINT') : err),
        );
      });
    } finally {
      rl.close();
    }
  };
}

function report(
  result: ApplyResult,
  plan: Plan,
  flags: EstateFlags & { mode: 'apply' | 'destroy' },
  file: string,
  write: (text: string) => void,
  run: { readonly started: ReadonlySet<string>; readonly inFlightAtStop: ReadonlySet<string> | undefined },
): number {
  const counts = { done: 0, failed: 0, skipped: 0, blocked: 0, gated: 0, earlier: 0, interrupted: 0 };
  for (const s of result.actions.values()) {
    if (s.status === 'already-done') counts.earlier++;
    else counts[s.status]++;
  }
  const resumeCmd = resumeCommand(flags, file);
  const tally = `${counts.done} done${counts.earlier ? `, ${counts.earlier} done earlier` : ''}, ${counts.failed} failed, ${counts.skipped} skipped${counts.interrupted ? `, ${counts.interrupted} interrupted` : ''}${counts.gated ? `, ${counts.gated} at a gate, ${counts.blocked} waiting behind it` : ''}`;
  const out: string[] = [];
  switch (result.status) {
    case 'complete':
      out.push(`${flags.mode === 'destroy' ? 'Destroy' : 'Apply'} complete: ${tally}.`);
      break;
    case 'failed':
      out.push(`${flags.mode === 'destroy' ? 'Destroy' : 'Apply'} failed: ${tally}.`);
      for (const [id, s] of result.actions) if (s.status === 'failed') out.push(`  ✗ ${id}: ${s.message ?? ''}`);
      out.push(...unreachedGates(plan, result));
      out.push(`Fix the cause, then continue with: ${resumeCmd}`);
      break;
    case 'gated': {
      out.push(`Apply stopped at ${counts.gated} gate${counts.gated === 1 ? '' : 's'}: ${tally}.`);
      // Ids this run learned (the instance it just created) replace the plan's placeholders.
      const ids = planIds(plan, result.ids);
      for (const a of plan.actions) {
        if (result.actions.get(a.id)?.status !== 'gated' || !a.gate) continue;
        out.push(`  ! ${a.id}`);
        a.gate.instructions.forEach((step, i) => out.push(`      ${i + 1}. ${fillIds(step, ids)}`));
        out.push(`      acrctl checks: ${fillIds(a.gate.verification, ids)}`);
      }
      out.push(`When done, continue with: ${resumeCmd}`);
      break;
    }
    case 'interrupted':
      out.push(`${flags.mode === 'destroy' ? 'Destroy' : 'Apply'} interrupted: ${interruptTally(result, plan, run)}. Continue with: ${resumeCmd}`);
      for (const [id, s] of result.actions) if (s.status === 'failed') out.push(`  ✗ ${id}: ${s.message ?? ''}`);
      break;
  }
  write(`${out.join('\n')}\n`);
  return result.status === 'complete' ? ExitCode.ok : result.status === 'gated' ? ExitCode.gate : ExitCode.error;
}

/** The command that continues a run of this estate. */
function resumeCommand(flags: EstateFlags & { mode: 'apply' | 'destroy' }, file: string): string {
  return [`acrctl ${flags.mode} --resume`, `-f ${file}`, flags.emulator === true ? '--emulator' : typeof flags.emulator === 'string' ? `--emulator=${flags.emulator}` : '', flags.endpoint ? `--endpoint ${flags.endpoint}` : ''].filter(Boolean).join(' ');
}

/** How many actions ended how (`already-done` for those finished in earlier runs). */
function statusCounts(result: ApplyResult): Record<string, number> {
  const c: Record<string, number> = { done: 0, failed: 0, skipped: 0, gated: 0, blocked: 0, 'already-done': 0, interrupted: 0 };
  for (const s of result.actions.values()) c[s.status] = (c[s.status] ?? 0) + 1;
  return c;
}

/**
 * `N done, M in flight finished, K not started`: done before the interrupt, in flight then and
 * finished since, never started; then, when there are any, those stopped mid-call (resume
 * reconciles them), failed ones, and those finished in earlier runs.
 */
function interruptTally(result: ApplyResult, plan: Plan, run: { readonly started: ReadonlySet<string>; readonly inFlightAtStop: ReadonlySet<string> | undefined }): string {
  const atStop = run.inFlightAtStop ?? new Set<string>();
  let done = 0;
  let finished = 0;
  let stopped = 0;
  let failed = 0;
  let earlier = 0;
  for (const [id, s] of result.actions) {
    if (s.status === 'already-done') earlier++;
    else if (s.status === 'interrupted') stopped++;
    else if (s.status === 'failed') failed++;
    else if (s.status === 'done') {
      if (atStop.has(id)) finished++;
      else done++;
    }
  }
  const notStarted = plan.actions.filter((a) => result.actions.get(a.id)?.status !== 'already-done' && !run.started.has(a.id)).length;
  const extra = [stopped > 0 ? `${stopped} stopped mid-call (resume reconciles ${stopped === 1 ? 'it' : 'them'})` : '', failed > 0 ? `${failed} failed` : '', earlier > 0 ? `${earlier} done in earlier runs` : ''].filter(Boolean);
  return [`${done} done`, `${finished} in flight finished`, ...extra, `${notStarted} not started`].join(', ');
}

/**
 * Gates a failure kept this run from reaching (the Personal Edition domain switch behind the image
 * copies), each with the unfinished actions it waits for: a human must not turn a switch whose
 * prerequisites did not land, so the report says which ones block it.
 */
function unreachedGates(plan: Plan, result: ApplyResult): string[] {
  const byId = new Map(plan.actions.map((a) => [a.id, a] as const));
  const unfinished = (id: string) => {
    const s = result.actions.get(id)?.status;
    return s === 'failed' || s === 'skipped' || s === 'interrupted';
  };
  const out: string[] = [];
  for (const a of plan.actions) {
    if (a.type !== 'gate' || result.actions.get(a.id)?.status !== 'skipped') continue;
    const blockers = a.dependsOn.filter(unfinished).sort();
    if (blockers.length === 0) continue;
    const shown = blockers.slice(0, 10).map((id) => `${id} (${result.actions.get(id)?.status ?? ''})`);
    out.push(
      `  ⊘ ${a.id} not reached: it waits for ${blockers.length} action${blockers.length === 1 ? '' : 's'} that did not finish: ${shown.join(', ')}${blockers.length > shown.length ? `, and ${blockers.length - shown.length} more` : ''}`,
      `      ${byId.get(a.id)?.reason ?? 'it comes after them'}. Do not do its console step yet.`,
    );
  }
  return out;
}

/** After a complete run, plans again (with the run's targets): the live estate should now match (for destroy: be gone). */
async function verifyConverged(estate: Estate, mode: 'apply' | 'destroy', targets: readonly string[], write: (text: string) => void): Promise<void> {
  const again = mode === 'destroy' ? await destroyPlan(estate) : await planEstate(estate, targets);
  if (again.actions.length === 0) {
    write(mode === 'destroy' ? 'Verified: nothing declared is left.\n' : `Verified: a new plan shows no changes${targets.length > 0 ? ' for the targeted addresses' : ''}.\n`);
  } else {
    write(`warning: a new plan still shows changes (${summaryLine(again.summary)}); run acrctl plan to see them\n`);
  }
}


