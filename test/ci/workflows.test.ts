/**
 * The CI examples under examples/ci/: every workflow file parses as YAML, the GitHub ones also with
 * GitHub's own workflow parser, every acrctl command line in their shell scripts uses commands,
 * flags and choice values that exist (checked against the commander program itself), credentials
 * come from OIDC role assumption and never from long-lived keys, and each integration does what
 * docs/ci.md promises (one comment, one issue, the saved plan, SARIF to code scanning, resume).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildDriftReport, fixCommand } from '../../src/drift/model.js';
import { acrctlInvocations, checkInvocation, program, shellWords } from './acrctl-lines.js';
import { workflowErrors } from './workflow-parser.js';

const ROOT = fileURLToPath(new URL('../../examples/ci/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const workflowFiles = files(ROOT).filter((f) => /\.ya?ml$/.test(f));
const docs = new Map(workflowFiles.map((f) => [relative(ROOT, f), parse(readFileSync(f, 'utf8')) as unknown] as const));

/**
 * Shell scripts of a workflow: GitHub steps' `run`, GitLab jobs' `script`/`before_script`/
 * `after_script`; not the JavaScript of a GitHub action's `with: script:`.
 */
function scripts(doc: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string | undefined): void => {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x === 'string' && (key === 'script' || key === 'before_script' || key === 'after_script')) out.push(x);
        else walk(x, undefined);
      }
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (k !== 'with') walk(x, k);
    } else if (typeof v === 'string' && (key === 'run' || key === 'script' || key === 'before_script' || key === 'after_script')) {
      out.push(v);
    }
  };
  walk(doc, undefined);
  return out;
}

const root = program();

describe('the roles of the CI examples', () => {
  it('give plan, apply and drift a role each, holding the policy acrctl policy derives for it (docs/ci.md)', () => {
    const text = (f: string) => readFileSync(join(ROOT, f), 'utf8');
    expect(text('github/acrctl-plan.yml')).toContain('ALIBABA_CLOUD_ROLE_ARN: ${{ vars.ACRCTL_PLAN_ROLE_ARN }}');
    expect(text('github/acrctl-apply.yml')).toContain('ALIBABA_CLOUD_ROLE_ARN: ${{ vars.ACRCTL_APPLY_ROLE_ARN }}');
    expect(text('github/acrctl-drift.yml')).toContain('ALIBABA_CLOUD_ROLE_ARN: ${{ vars.ACRCTL_DRIFT_ROLE_ARN }}');
    const gitlab = text('gitlab/.gitlab-ci.yml');
    expect(gitlab.slice(gitlab.indexOf('acrctl-drift:'))).toContain('ALIBABA_CLOUD_ROLE_ARN: $ACRCTL_DRIFT_ROLE_ARN');
    expect(readFileSync(fileURLToPath(new URL('../../docs/ci.md', import.meta.url)), 'utf8')).toContain('acrctl policy --for drift --format json > policies/drift.json');
  });
});

describe('the command-line checker', () => {
  const cases: { reason: string; line: string; ok: boolean }[] = [
    { reason: 'a valid plan line', line: 'npx acrctl plan -f "$ACRCTL_CONFIG" --out acrctl.plan --detailed-exitcode > plan.txt', ok: true },
    { reason: 'a variadic target and an optional-value flag', line: "acrctl plan --emulator --target 'instance[a]' 'instance[b]' --format json", ok: true },
    { reason: '--flag=value form', line: 'acrctl drift --format=markdown --fail-on=any', ok: true },
    { reason: 'a nested command', line: 'acrctl emulator serve --port 4000', ok: true },
    { reason: 'a misspelt command', line: 'acrctl dirft -f registry.yaml', ok: false },
    { reason: 'an unknown flag', line: 'acrctl apply --yes', ok: false },
    { reason: 'a choice that does not exist', line: 'acrctl drift --format yaml', ok: false },
    { reason: 'a --fail-on value that does not exist', line: 'acrctl drift --fail-on sometimes', ok: false },
    { reason: 'a flag of another command', line: 'acrctl validate --detailed-exitcode', ok: false },
    { reason: 'too many arguments', line: 'acrctl apply one.plan two.plan', ok: false },
    { reason: 'a missing required argument', line: 'acrctl show --format markdown', ok: false },
  ];
  for (const c of cases) {
    it(`${c.ok ? 'accepts' : 'rejects'} ${c.reason}`, () => {
      const found = acrctlInvocations(c.line);
      expect(found).toHaveLength(1);
      expect(checkInvocation(root, found[0]!).length === 0, checkInvocation(root, found[0]!).join('; ')).toBe(c.ok);
    });
  }

  it('ignores acrctl inside quoted messages and comments, and splits at shell operators', () => {
    expect(acrctlInvocations('echo "no successful acrctl plan run for x"\n# acrctl nonsense here\nacrctl validate && acrctl plan -o p 2>err.txt')).toEqual([['validate'], ['plan', '-o', 'p']]);
    expect(shellWords(`a "b c" 'd "e"' "$X"`)).toEqual(['a', 'b c', 'd "e"', '$X']);
  });
});

describe('examples/ci workflows', () => {
  it('has the GitHub workflows and the GitLab pipeline', () => {
    expect([...docs.keys()].sort()).toEqual(['github/acrctl-apply.yml', 'github/acrctl-drift.yml', 'github/acrctl-plan.yml', 'github/acrctl-shards.yml', 'gitlab/.gitlab-ci.yml', 'gitlab/shards.gitlab-ci.yml']);
  });

  it('GitHub: applies the shards as a matrix, stage by stage, each stage after the one before', () => {
    type Job = { needs?: string | string[]; if?: string; strategy?: { matrix?: { shard?: string } }; outputs?: Record<string, string> };
    const gh = (docs.get('github/acrctl-shards.yml') as { jobs: Record<string, Job> }).jobs;
    expect(commands('github/acrctl-shards.yml')).toEqual([
      'shards -f $ACRCTL_CONFIG --by account --format json',
      ...[0, 1, 2].map(() => 'apply -f $ACRCTL_CONFIG --shard $SHARD $RESUME --auto-approve --lock-timeout 10m --shard-wait 30m'),
    ]);
    expect(Object.keys(gh['shards']!.outputs ?? {})).toEqual(['stage0', 'stage1', 'stage2']);
    for (const i of [0, 1, 2]) expect(gh[`stage${i}`]!.strategy?.matrix?.shard).toBe(`\${{ fromJSON(needs.shards.outputs.stage${i}) }}`);
    expect(gh['stage1']!.needs).toEqual(['shards', 'stage0']);
    expect(gh['stage2']!.needs).toEqual(['shards', 'stage1']);
  });

  it('GitLab: parallel:matrix per shard stage, checked against acrctl shards', () => {
    type Job = { stage?: string; parallel?: { matrix?: { SHARD?: string[] }[] }; script?: string[]; resource_group?: string };
    const gl = docs.get('gitlab/shards.gitlab-ci.yml') as Record<string, Job> & { stages: string[]; variables: Record<string, string> };
    expect(gl.stages).toEqual(['shards', 'shard-stage-0', 'shard-stage-1']);
    const stages = JSON.parse(gl.variables['ACRCTL_STAGES']!) as string[][];
    stages.forEach((ids, i) => {
      const job = gl[`acrctl-shard-${i}`]!;
      expect(job.stage).toBe(`shard-stage-${i}`);
      expect(job.parallel?.matrix?.[0]?.SHARD).toEqual(ids);
      expect(job.resource_group).toBe('acrctl-shard-$SHARD');
    });
    expect(commands('gitlab/shards.gitlab-ci.yml')).toContain('shards -f $ACRCTL_CONFIG --by account --format json');
  });

  for (const [name, doc] of docs) {
    describe(name, () => {
      const lines = scripts(doc).flatMap(acrctlInvocations);

      it('uses only acrctl commands, flags and values that exist', () => {
        expect(lines.length).toBeGreaterThan(0);
        for (const words of lines) expect(checkInvocation(root, words), `acrctl ${words.join(' ')}`).toEqual([]);
      });

      it('gets credentials from OIDC role assumption, never from long-lived keys', () => {
        const text = readFileSync(join(ROOT, name), 'utf8');
        expect(text).toContain('ALIBABA_CLOUD_ROLE_ARN');
        expect(text).toContain('ALIBABA_CLOUD_OIDC_PROVIDER_ARN');
        expect(text).toContain('ALIBABA_CLOUD_OIDC_TOKEN_FILE');
        expect(text).not.toMatch(/ACCESS_KEY_(ID|SECRET)|AccessKey|secrets\.ALIBABA/i);
      });

      if (name.startsWith('github/')) {
        it("passes GitHub's own workflow parser (schema, keys, expressions)", async () => {
          expect(await workflowErrors(name, readFileSync(join(ROOT, name), 'utf8'))).toEqual([]);
        });
      }

      it('names no package registry host', () => {
        const text = readFileSync(join(ROOT, name), 'utf8');
        expect(text).not.toMatch(/registry\.(npmjs|yarnpkg)|npmmirror|docker\.io|registry-1\.|quay\.io|ghcr\.io|--registry/i);
      });
    });
  }

  const commands = (name: string) => scripts(docs.get(name)).flatMap(acrctlInvocations).map((w) => w.join(' '));

  it('GitHub: plans a pull request, saves the plan and keeps ONE comment up to date', () => {
    const plan = docs.get('github/acrctl-plan.yml') as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: { plan: { steps: { uses?: string; with?: Record<string, unknown> }[] } } };
    expect(Object.keys(plan.on)).toEqual(['pull_request']);
    expect(plan.permissions['id-token']).toBe('write');
    expect(commands('github/acrctl-plan.yml')).toEqual(expect.arrayContaining([expect.stringMatching(/^plan .*--out acrctl\.plan/), 'show acrctl.plan --format markdown']));
    const steps = plan.jobs.plan.steps;
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with?.['path']).toBe('acrctl.plan');
    const comment = String(steps.at(-1)?.with?.['script']);
    expect(comment).toContain('updateComment');
    expect(comment).toContain('createComment');
    expect(comment).toContain("'<!-- acrctl-plan -->'");
  });

  it("the parser check is GitHub's: it rejects a misspelt key, a bad permission and a broken expression", async () => {
    const errors = await workflowErrors('bad.yml', 'on: push\npermissions:\n  security-event: write\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n    steps:\n      - run: echo ${{ foo( }}\n');
    expect(errors).toEqual([
      "bad.yml (Line: 3, Col: 3): Unexpected value 'security-event'",
      "bad.yml (Line: 7, Col: 5): Unexpected value 'stepz'",
      "bad.yml (Line: 9, Col: 14): Unexpected end of expression: '('",
    ]);
  });

  it('GitHub: the plan workflow validates to SARIF and uploads it to code scanning, whatever the plan does', () => {
    const plan = docs.get('github/acrctl-plan.yml') as { permissions: Record<string, string>; jobs: { plan: { steps: { name?: string; run?: string; uses?: string; if?: string; 'continue-on-error'?: boolean; with?: Record<string, unknown> }[] } } };
    expect(plan.permissions['security-events']).toBe('write');
    expect(commands('github/acrctl-plan.yml')).toContain('validate -f $ACRCTL_CONFIG --format sarif --policy-file policies/plan.json policies/apply.json policies/drift.json');
    const steps = plan.jobs.plan.steps;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.['sarif_file']).toBe('acrctl.sarif');
    expect(upload?.if).toContain('always()');
    expect(upload?.['continue-on-error']).toBe(true);
    const validate = steps.findIndex((s) => s.run?.includes('--format sarif') === true && s.run.includes('> acrctl.sarif'));
    expect(validate).toBeGreaterThanOrEqual(0);
    expect(validate).toBeLessThan(steps.indexOf(upload!));
    // Error findings (exit 1) do not stop the job before the upload: the plan step fails on them.
    expect(steps[validate]!.run).toContain('if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]');
  });

  it('GitHub: applies the saved plan on merge, never a fresh one', () => {
    const apply = docs.get('github/acrctl-apply.yml') as { on: { pull_request: { types: string[] } }; jobs: { apply: { if: string; steps: { uses?: string; with?: Record<string, unknown> }[] } } };
    expect(apply.on.pull_request.types).toEqual(['closed']);
    expect(apply.jobs.apply.if).toContain('merged == true');
    expect(apply.jobs.apply.steps.some((s) => s.uses?.startsWith('actions/download-artifact') && s.with?.['name'] === 'acrctl-plan-${{ github.event.pull_request.head.sha }}')).toBe(true);
    expect(commands('github/acrctl-apply.yml')).toEqual(['apply acrctl.plan --auto-approve', 'apply -f $ACRCTL_CONFIG --resume --auto-approve']);
  });

  it('GitHub: drift on a schedule opens or updates ONE issue on exit 2, closes it on 0, and leaves it alone on errors', () => {
    const drift = docs.get('github/acrctl-drift.yml') as { on: Record<string, unknown>; jobs: { drift: { steps: { run?: string; with?: Record<string, unknown> }[] } } };
    expect(Object.keys(drift.on)).toContain('schedule');
    expect(commands('github/acrctl-drift.yml')).toEqual(['drift -f $ACRCTL_CONFIG --format markdown --fail-on changes']);
    const run = drift.jobs.drift.steps.find((s) => s.run?.includes('acrctl drift'))!.run!;
    expect(run).toContain('if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]');
    const script = String(drift.jobs.drift.steps.at(-1)?.with?.['script']);
    expect(script).toContain("process.env.DRIFT_EXIT === '2'");
    expect(script).toContain("state: 'closed'");
    expect(script).toContain('issues.create(');
    expect(script).toContain('issues.update(');
  });

  it('GitLab: the same three jobs', () => {
    const gl = docs.get('gitlab/.gitlab-ci.yml') as Record<string, { script?: string[]; id_tokens?: unknown }>;
    expect(Object.keys(gl)).toEqual(expect.arrayContaining(['acrctl-plan', 'acrctl-apply', 'acrctl-drift']));
    expect(gl['.acrctl']?.id_tokens).toBeDefined();
    expect(commands('gitlab/.gitlab-ci.yml')).toEqual([
      'validate -f $ACRCTL_CONFIG --policy-file policies/plan.json policies/apply.json policies/drift.json',
      'plan -f $ACRCTL_CONFIG --out acrctl.plan',
      'show acrctl.plan --format markdown',
      'apply acrctl.plan --auto-approve',
      'apply -f $ACRCTL_CONFIG --resume --auto-approve',
      'drift -f $ACRCTL_CONFIG --format markdown --fail-on changes',
    ]);
  });

  it('GitLab: a resume job, started by hand with the id of the apply job, that fetches its journal', () => {
    type Job = { script?: string[]; after_script?: string[]; rules?: { if?: string }[]; resource_group?: string; environment?: string; artifacts?: { when?: string; paths?: string[] }; variables?: Record<string, string> };
    const gl = docs.get('gitlab/.gitlab-ci.yml') as Record<string, Job>;
    const apply = gl['acrctl-apply']!;
    const resume = gl['acrctl-resume']!;
    expect(resume.rules?.map((r) => r.if)).toEqual(['$CI_PIPELINE_SOURCE == "web" && $ACRCTL_RESUME_JOB && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH']);
    expect(resume.resource_group).toBe(apply.resource_group);
    expect(resume.environment).toBe('production');
    expect(resume.variables?.['ALIBABA_CLOUD_ROLE_ARN']).toBe('$ACRCTL_APPLY_ROLE_ARN');
    expect(resume.script).toEqual(['node ci/acrctl-gitlab.mjs fetch-journal "$ACRCTL_RESUME_JOB" .acrctl/runs', 'npx acrctl apply -f "$ACRCTL_CONFIG" --resume --auto-approve']);
    // Both jobs pack their journal whatever happens, so a resume can follow either.
    for (const job of [apply, resume]) {
      expect(job.after_script).toEqual(['node ci/acrctl-gitlab.mjs journal-pack .acrctl/runs acrctl-journal.json']);
      expect(job.artifacts).toMatchObject({ when: 'always', paths: expect.arrayContaining(['acrctl-journal.json']) });
    }
  });
});

describe('the fix commands acrctl drift prints', () => {
  it('use commands and flags that exist, with and without connection flags', () => {
    for (const connection of [[], ['--emulator'], ['--emulator=.acrctl/e.json'], ['--endpoint', 'http://127.0.0.1:4000']]) {
      const cmd = fixCommand('my registry.yaml', ["instance[hz].namespace[it's]", 'account[prod].ram-role[r]'], connection);
      const found = acrctlInvocations(cmd);
      expect(found).toHaveLength(2);
      for (const words of found) expect(checkInvocation(root, words), words.join(' ')).toEqual([]);
    }
    const report = buildDriftReport({
      plan: {
        formatVersion: 3, planId: '0'.repeat(64), configDigest: '0'.repeat(64), liveFingerprint: '0'.repeat(64), configFile: 'registry.yaml', acrctlVersion: '0', refs: {}, unmanaged: [], outputs: [], findings: [],
        actions: [{ id: 'instance[hz]', kind: 'instance', type: 'update', account: 'prod', region: 'cn-hangzhou', instance: 'hz', key: { instance: 'hz' }, changes: [], dependsOn: [] }],
        summary: { add: 0, change: 1, destroy: 0, tasks: 0, gates: 0 },
      },
      failOn: 'changes', accountUids: {}, instanceNames: {}, replication: [],
    });
    for (const words of acrctlInvocations(report.objects[0]!.fix)) expect(checkInvocation(root, words)).toEqual([]);
  });
});
