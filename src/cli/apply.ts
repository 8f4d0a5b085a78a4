/**
 * `acrctl apply`, `acrctl destroy` and `acrctl force-unlock`.
 *
 * The promise: kill apply at any instant, run `acrctl apply --resume`, and it finishes the same
 * plan with no duplicate, no orphan and no manual step. Each run keeps its plan and an fsynced
 * journal in `.acrctl/runs/`; one apply per estate holds `.acrctl/lock`.
 *
 * Which plan runs:
 * - `apply PLANFILE`: exactly that plan; refused if the config changed or (unless that plan was
 *   already started) the live estate moved since it was made;
 * - `apply --resume`: the plan of the last unfinished run, if the config is unchanged; otherwise a
 *   fresh plan, reconciling the actions the unfinished run left in flight;
 * - `apply`: a fresh plan; in-flight actions of an unfinished run are reconciled too, so a plain
 *   re-run after a crash never repeats a request either.
 *
 * Exit codes: 0 complete, 1 failed (or refused), 3 stopped at a gate.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { execute, type ApplyEvent, type ApplyResult } from '../apply/executor.js';
import { Journal, loadResumeState, readJournal, type ResumeState } from '../apply/journal.js';
import { acquireLock, forceUnlock } from '../apply/lock.js';
import { AcrctlError, ExitCode } from '../errors.js';
import { allKinds, kindMap } from '../kinds/index.js';
import type { Plan } from '../plan/model.js';
import { computeDestroyPlan } from '../plan/planner.js';
import { buildImportReport, isImageCopy, renderImportReportJson, renderImportReportMarkdown, renderImportReportText } from '../render/import-report.js';
import { fillIds, planIds } from '../render/placeholders.js';
import { renderText, summaryLine } from '../render/text.js';
import { ImageCopier } from '../registry/copy.js';
import { registryClients, type RegistryClients } from '../registry/session.js';
import type { SetExit } from './commands.js';
import { estateOptions, openEstate, sha256, useColor, type Estate, type EstateFlags } from './estate.js';
import { onGitHubActions } from './github.js';
import type { CliIo } from './main.js';
import { planEstate, planErrors } from './plan.js';
import { readPlanFile, writePlanFile } from './planfile.js';
import { createApplyView } from './views/apply-view.js';

/** Where runs, the lock and the embedded emulator's state live, relative to the working directory. */
export const STATE_DIR = '.acrctl';

interface ApplyFlags extends EstateFlags {
  readonly autoApprove?: boolean;
  readonly parallelism: number;
  readonly resume?: boolean;
  readonly verify: boolean;
  /** Where to write the import report (Markdown, or JSON for a `.json` name). */
  readonly report?: string;
}

export interface ApplyIo extends CliIo {
  /** Asks a yes/no question on a terminal; injected in tests. Default: readline on stdin. */
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly stdinIsTTY?: boolean;
}

export function registerApply(program: Command, io: ApplyIo, setExit: SetExit): void {
  const common = (cmd: Command) =>
    estateOptions(cmd)
      .option('--auto-approve', 'apply without asking (required without a terminal)')
      .option('--parallelism <n>', 'actions running at once', parsePositive, 10)
      .option('--no-verify', 'skip the verification plan after a complete apply');

  common(
    program
      .command('apply')
      .description('carry out the plan in dependency order; resumable after any interruption')
      .argument('[planfile]', 'a plan saved with acrctl plan --out (applied exactly as reviewed)')
      .option('--resume', 'continue the last interrupted apply of this estate')
      .option('--report <file>', 'also write the image import report to FILE (Markdown; JSON when FILE ends in .json)'),
  ).action(async (planfile: string | undefined, flags: ApplyFlags, cmd: Command) => {
    const fileGiven = cmd.getOptionValueSource('file') === 'cli';
    setExit(await runApply({ ...flags, ...(planfile ? { planfile } : {}), fileGiven, mode: 'apply' }, io));
  });

  common(
    program
      .command('destroy')
      .description('delete every object registry.yaml declares (instances are refunded); never touches unmanaged objects')
      .option('--resume', 'continue the last interrupted destroy of this estate'),
  ).action(async (flags: ApplyFlags) => {
    setExit(await runApply({ ...flags, fileGiven: true, mode: 'destroy' }, io));
  });

  program
    .command('force-unlock')
    .description('remove the apply lock of this estate, whoever holds it (when its holder is gone)')
    .action(() => {
      const path = resolve(io.cwd, STATE_DIR, 'lock');
      const holder = forceUnlock(path);
      io.stdout.write(holder ? `Removed the lock of pid ${holder.pid} on ${holder.host} (started ${holder.startedAt}).\n` : 'There was no lock.\n');
      setExit(ExitCode.ok);
    });
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new AcrctlError('cli.bad-option', `--parallelism must be a whole number from 1 to 1000, got "${value.slice(0, 20)}"`);
  return n;
}

/** An earlier run of this estate that did not complete. */
interface UnfinishedRun {
  readonly runId: string;
  readonly planId: string;
  readonly planFile: string;
}

/** Unfinished runs of one command, oldest first: `apply --resume` never continues a destroy. */
function unfinishedRuns(runsDir: string, mode: 'apply' | 'destroy'): UnfinishedRun[] {
  if (!existsSync(runsDir)) return [];
  const out: UnfinishedRun[] = [];
  for (const f of readdirSync(runsDir).filter((n) => n.endsWith('.jsonl')).sort()) {
    const { records } = readJournal(join(runsDir, f));
    const head = records[0];
    if (!head || head.t !== 'run' || (head.command ?? 'apply') !== mode) continue;
    const end = records.findLast((r) => r.t === 'end');
    if (end && end.t === 'end' && end.status === 'complete') continue;
    const planFile = join(runsDir, `${head.runId}.plan.json`);
    if (existsSync(planFile)) out.push({ runId: head.runId, planId: head.planId, planFile });
  }
  return out;
}

/** Only the in-flight part of earlier runs: what a fresh plan must reconcile before re-requesting. */
function inFlightOnly(state: ResumeState, plan: Plan): ResumeState {
  const ids = new Set(plan.actions.map((a) => a.id));
  return {
    runs: state.runs,
    done: new Map(),
    inFlight: new Set([...state.inFlight].filter((id) => ids.has(id))),
    intents: state.intents,
    failed: new Map(),
    tornLines: state.tornLines,
  };
}

function mergeInFlight(states: readonly ResumeState[]): ResumeState {
  const inFlight = new Set<string>();
  const intents = new Map<string, readonly string[]>();
  let torn = 0;
  for (const s of states) {
    for (const id of s.inFlight) inFlight.add(id);
    for (const [id, calls] of s.intents) intents.set(id, calls);
    torn += s.tornLines;
  }
  return { runs: states.flatMap((s) => s.runs), done: new Map(), inFlight, intents, failed: new Map(), tornLines: torn };
}

function newRunId(): string {
  const ts = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${ts}-${randomBytes(3).toString('hex')}`;
}

async function runApply(flags: ApplyFlags & { planfile?: string; fileGiven: boolean; mode: 'apply' | 'destroy' }, io: ApplyIo): Promise<number> {
  const stateDir = resolve(io.cwd, STATE_DIR);
  const runsDir = join(stateDir, 'runs');
  const saved = flags.planfile ? readPlanFile(resolve(io.cwd, flags.planfile)) : undefined;
  const file = saved && !flags.fileGiven ? saved.configFile : flags.file;
  const lock = acquireLock(join(stateDir, 'lock'), `acrctl ${flags.mode}`);
  if (lock.replaced) io.stderr.write(`note: removed a stale lock of pid ${lock.replaced.pid} (started ${lock.replaced.startedAt}), which is no longer running\n`);
  let estate: Estate | undefined;
  try {
    estate = await openEstate({ ...flags, file }, io);
    const { plan, resume, note } = await choosePlan(estate, saved, flags, runsDir);
    if (note) io.stderr.write(`${note}\n`);
    const color = useColor(io, 'stdout');
    io.stdout.write(renderText(plan, { color }));
    if (planErrors(plan) > 0) {
      throw new AcrctlError('apply.plan_errors', 'the plan has error findings (above); nothing was changed', { hint: 'fix them, then run apply again' });
    }
    const pending = plan.actions.filter((a) => !resume?.done.has(a.id)).length;
    if (pending === 0) {
      io.stdout.write(plan.actions.length === 0 ? '' : 'Every action of this plan finished in an earlier run.\n');
      return ExitCode.ok;
    }
    if (!flags.autoApprove) {
      const tty = io.stdinIsTTY ?? Boolean(process.stdin.isTTY);
      if (!tty && !io.confirm) {
        throw new AcrctlError('apply.needs_approval', `refusing to ${flags.mode} without confirmation: standard input is not a terminal`, { hint: 'review the plan above, then rerun with --auto-approve' });
      }
      const ask = io.confirm ?? askOnTerminal(io);
      const ok = await ask(`Do you want to ${flags.mode === 'destroy' ? 'DESTROY these objects' : 'perform these actions'}? Only 'yes' is accepted: `);
      if (!ok) {
        io.stderr.write(`${flags.mode} cancelled; nothing was changed.\n`);
        return ExitCode.error;
      }
    }
    const runId = newRunId();
    writePlanFile(join(runsDir, `${runId}.plan.json`), plan);
    const journal = Journal.create(runsDir, { runId, planId: plan.planId, startedAt: new Date().toISOString(), pid: process.pid, command: flags.mode });
    const view = createApplyView({ stream: io.stderr, tty: Boolean(io.stderr.isTTY), color: useColor(io, 'stderr'), github: onGitHubActions(io.env) });
    const abort = new AbortController();
    // One copier per run: blobs moved for one image are not moved again for another.
    let registries: RegistryClients | undefined;
    let copier: ImageCopier | undefined;
    const copierOf = () => (copier ??= new ImageCopier((registries = registryClients(estate!.session)), { signal: abort.signal }));
    const meter = importMeter(plan);
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let result: ApplyResult;
    try {
      result = await execute({
        plan,
        kinds: kindMap(allKinds),
        cloud: estate.session,
        journal,
        ...(resume ? { resume } : {}),
        parallelism: flags.parallelism,
        emit: (e) => {
          meter.onEvent(e);
          view.onEvent(e);
        },
        signal: abort.signal,
        copier: copierOf,
        ...settleFromEnv(io.env),
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      view.close();
      journal.close();
    }
    const registryRequests = registries?.requests.snapshot().byOperation;
    writeImportReport({ plan, result, resume, runsDir, runId, meter: { ...meter.totals(), ...(registryRequests ? { registryRequests } : {}) }, flags, io });
    const code = report(result, plan, flags, file, io);
    if (code === ExitCode.ok && flags.verify) await verifyConverged(estate, flags.mode, io);
    return code;
  } finally {
    await estate?.close();
    lock.release();
  }
}

async function choosePlan(
  estate: Estate,
  saved: Plan | undefined,
  flags: { resume?: boolean; mode: 'apply' | 'destroy' },
  runsDir: string,
): Promise<{ plan: Plan; resume?: ResumeState; note?: string }> {
  const fresh = () => (flags.mode === 'destroy' ? computeDestroyPlan({ config: estate.config, configDigest: estate.configDigest, configFile: estate.file, kinds: allKinds, cloud: estate.session, findings: estate.findings, sha256 }) : planEstate(estate));
  const unfinished = unfinishedRuns(runsDir, flags.mode);
  if (saved) {
    if (saved.configDigest !== estate.configDigest) {
      throw new AcrctlError('apply.stale_plan', `refusing the saved plan: ${estate.file} has changed since the plan was made`, { hint: 'run acrctl plan --out again and review the new plan' });
    }
    const started = loadResumeState(runsDir, saved.planId);
    if (started.runs.length > 0) return { plan: saved, resume: started, note: `resuming the saved plan (${started.done.size} actions finished in earlier runs)` };
    const now = await fresh();
    if (now.liveFingerprint !== saved.liveFingerprint) {
      throw new AcrctlError('apply.stale_plan', 'refusing the saved plan: the live estate has changed since the plan was made', { hint: 'run acrctl plan --out again and review the new plan' });
    }
    return { plan: saved };
  }
  const last = unfinished.at(-1);
  if (flags.resume && last) {
    const lastPlan = readPlanFile(last.planFile);
    if (lastPlan.configDigest === estate.configDigest) {
      const state = loadResumeState(runsDir, last.planId);
      return { plan: lastPlan, resume: state, note: `resuming run ${last.runId}: ${state.done.size} actions finished, ${state.inFlight.size} to reconcile` };
    }
    const plan = await fresh();
    const state = inFlightOnly(loadResumeState(runsDir, last.planId), plan);
    return { plan, resume: state, note: `the configuration changed since run ${last.runId}: planned again; reconciling ${state.inFlight.size} actions it left in flight` };
  }
  const plan = await fresh();
  if (unfinished.length === 0) return { plan, ...(flags.resume ? { note: 'no interrupted apply to resume: applying the configuration' } : {}) };
  const state = inFlightOnly(mergeInFlight(unfinished.map((u) => loadResumeState(runsDir, u.planId))), plan);
  return { plan, resume: state, ...(state.inFlight.size > 0 ? { note: `an earlier apply did not finish: reconciling ${state.inFlight.size} actions it left in flight before requesting them again` } : {}) };
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
function writeImportReport(a: {
  plan: Plan;
  result: ApplyResult;
  resume: ResumeState | undefined;
  runsDir: string;
  runId: string;
  meter: { bytesMoved: number; elapsedMs: number; registryRequests?: Record<string, number> };
  flags: ApplyFlags;
  io: CliIo;
}): void {
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
  const markdown = renderImportReportMarkdown(report);
  const json = renderImportReportJson(report);
  writeFileSync(join(a.runsDir, `${a.runId}.import.md`), markdown);
  writeFileSync(join(a.runsDir, `${a.runId}.import.json`), json);
  a.io.stdout.write(renderImportReportText(report));
  let also = '';
  if (a.flags.report !== undefined) {
    // The apply is done by now: a report file that cannot be written is a warning, not a failure.
    try {
      writeFileSync(resolve(a.io.cwd, a.flags.report), a.flags.report.endsWith('.json') ? json : markdown);
      also = ` and ${a.flags.report}`;
    } catch (err) {
      a.io.stderr.write(`warning: cannot write the import report to ${a.flags.report}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  a.io.stdout.write(`Import report kept in ${join(STATE_DIR, 'runs', `${a.runId}.import.md`)}${also}.\n`);
}

/** `ACRCTL_SETTLE_MS` overrides how long apply waits for creates an interrupted run may have sent. */
function settleFromEnv(env: NodeJS.ProcessEnv): { settleMs?: number } {
  const n = Number(env['ACRCTL_SETTLE_MS']);
  return env['ACRCTL_SETTLE_MS'] !== undefined && Number.isInteger(n) && n >= 0 ? { settleMs: n } : {};
}

function askOnTerminal(io: CliIo): (q: string) => Promise<boolean> {
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: io.stderr });
    try {
      return (await rl.question(question)).trim() === 'yes';
    } finally {
      rl.close();
    }
  };
}

function report(result: ApplyResult, plan: Plan, flags: EstateFlags & { mode: 'apply' | 'destroy' }, file: string, io: CliIo): number {
  const counts = { done: 0, failed: 0, skipped: 0, blocked: 0, gated: 0, earlier: 0 };
  for (const s of result.actions.values()) {
    if (s.status === 'already-done') counts.earlier++;
    else counts[s.status]++;
  }
  const resumeCmd = [`acrctl ${flags.mode} --resume`, `-f ${file}`, flags.emulator === true ? '--emulator' : typeof flags.emulator === 'string' ? `--emulator=${flags.emulator}` : '', flags.endpoint ? `--endpoint ${flags.endpoint}` : ''].filter(Boolean).join(' ');
  const tally = `${counts.done} done${counts.earlier ? `, ${counts.earlier} done earlier` : ''}, ${counts.failed} failed, ${counts.skipped} skipped${counts.gated ? `, ${counts.gated} at a gate, ${counts.blocked} waiting behind it` : ''}`;
  const out: string[] = [];
  switch (result.status) {
    case 'complete':
      out.push(`${flags.mode === 'destroy' ? 'Destroy' : 'Apply'} complete: ${tally}.`);
      break;
    case 'failed':
      out.push(`${flags.mode === 'destroy' ? 'Destroy' : 'Apply'} failed: ${tally}.`);
      for (const [id, s] of result.actions) if (s.status === 'failed') out.push(`  ✗ ${id}: ${s.message ?? ''}`);
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
      out.push(`${flags.mode === 'destroy' ? 'Destroy' : 'Apply'} interrupted: ${tally}.`, `Continue with: ${resumeCmd}`);
      break;
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return result.status === 'complete' ? ExitCode.ok : result.status === 'gated' ? ExitCode.gate : ExitCode.error;
}

/** After a complete apply, plans again: the live estate should now match (for destroy: be gone). */
async function verifyConverged(estate: Estate, mode: 'apply' | 'destroy', io: CliIo): Promise<void> {
  const again = mode === 'destroy' ? await computeDestroyPlan({ config: estate.config, configDigest: estate.configDigest, configFile: estate.file, kinds: allKinds, cloud: estate.session, sha256 }) : await planEstate(estate);
  if (again.actions.length === 0) {
    io.stdout.write(mode === 'destroy' ? 'Verified: nothing declared is left.\n' : 'Verified: a new plan shows no changes.\n');
  } else {
    io.stdout.write(`warning: a new plan still shows changes (${summaryLine(again.summary)}); run acrctl plan to see them\n`);
  }
}


