/**
 * Plan files: written atomically (never a half-written file, no temporary file left on failure), and
 * read back only if they are of this format version, match schemas/plan.schema.json, hash to their
 * own planId and, when `ACRCTL_PLAN_KEY` is set, carry its signature. A plan file that passes is
 * evidence that acrctl made it; `apply PLAN` still derives the plan again and applies only if it
 * is exactly the saved one (src/plan/verify.ts).
 *
 * Signing: with `ACRCTL_PLAN_KEY` set, every plan acrctl writes or prints as JSON carries
 * `signature: "hmac-sha256:<hex>"`, the HMAC-SHA256 of its planId (which covers every other field)
 * under that key; reading then refuses a plan without it or with another.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import { writeFileAtomically } from '../apply/atomic.js';
import { AcrctlError, environmentError } from '../errors.js';
import { PLAN_FORMAT_VERSION, type Plan } from '../plan/model.js';
import { planIdOf, withPlanId } from '../plan/planner.js';
import { publicPlan } from '../plan/sensitive.js';
import { renderJson } from '../render/json.js';
import { sha256 } from './estate.js';

/** The environment variable holding the plan-signing key. */
export const PLAN_KEY_ENV = 'ACRCTL_PLAN_KEY';

/** Deepest nesting a plan may have: acrctl's own plans nest a dozen levels at most. */
export const MAX_PLAN_DEPTH = 100;

let validator: ReturnType<Ajv2020['compile']> | undefined;

/** The signing key, when `ACRCTL_PLAN_KEY` is set (and not empty). */
export function planKey(env: NodeJS.ProcessEnv): string | undefined {
  const k = env[PLAN_KEY_ENV];
  return k !== undefined && k !== '' ? k : undefined;
}

function hmac(key: string, planId: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(planId).digest('hex')}`;
}

/** The plan signed under `key` (unchanged without a key). */
export function signPlan(plan: Plan, key: string | undefined): Plan {
  return key === undefined ? plan : { ...plan, signature: hmac(key, plan.planId) };
}

/**
 * The plan as `plan --out` saves it: its public form with a fresh random serial (so re-planning
 * always makes a plan that was never applied), its id recomputed, signed when a key is given.
 */
export function toSavedPlan(plan: Plan, key: string | undefined): Plan {
  return signPlan(withPlanId({ ...publicPlan(plan), serial: randomBytes(16).toString('hex') }, sha256), key);
}

/** Writes a plan file atomically (temporary file, fsync, rename); the temporary file never stays behind. */
export function writePlanFile(path: string, plan: Plan): void {
  writeFileAtomically(path, renderJson(plan), `cannot write the plan file ${path}`);
}

export interface ReadPlanOptions {
  /** `ACRCTL_PLAN_KEY`: when given, the plan must carry its signature. */
  readonly key?: string | undefined;
}

export function readPlanFile(path: string, opts: ReadPlanOptions = {}): Plan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const env = environmentError(err, `cannot read the plan file ${path}`);
    if (env) throw env;
    throw new AcrctlError('plan.unreadable', `cannot read the plan file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((err as NodeJS.ErrnoException).code ?? 'error')}`, { cause: err });
  }
  return parsePlan(text, path, opts);
}

/** Parses and checks a plan file's text (see the file comment); `where` names it in messages. */
export function parsePlan(text: string, where: string, opts: ReadPlanOptions = {}): Plan {
  const depth = nesting(text);
  if (depth > MAX_PLAN_DEPTH) {
    throw new AcrctlError('plan.too-deep', `${where} nests values ${depth > 10_000 ? 'over 10,000' : depth} levels deep (a plan never nests more than ${MAX_PLAN_DEPTH}): it was not made by acrctl`, { hint: 'make a new plan with acrctl plan --out FILE' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AcrctlError('plan.invalid', `${where} is not a plan file (not JSON)`, { hint: 'make one with acrctl plan --out FILE' });
  }
  const version = value !== null && typeof value === 'object' ? (value as { formatVersion?: unknown }).formatVersion : undefined;
  if (typeof version === 'number' && version !== PLAN_FORMAT_VERSION) {
    const by = (value as { acrctlVersion?: unknown }).acrctlVersion;
    throw new AcrctlError('plan.format-version', `${where} is a plan of format ${version}${typeof by === 'string' ? ` (made by acrctl ${by.slice(0, 20)})` : ''}; this acrctl reads format ${PLAN_FORMAT_VERSION} only`, {
      hint: 'make a new plan with this acrctl: acrctl plan --out FILE',
    });
  }
  validator ??= new Ajv2020({ allErrors: true, strict: false }).compile(planSchema);
  if (!validator(value)) {
    const first = validator.errors?.[0];
    throw new AcrctlError('plan.invalid', `${where} is not a valid acrctl plan: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim(), { hint: 'make a new plan with acrctl plan --out FILE' });
  }
  const plan = value as Plan;
  // The plan id covers every field but the signature: any edit shows unless the id is recomputed.
  if (planIdOf(plan, sha256) !== plan.planId) {
    throw new AcrctlError('plan.tampered', `${where} was modified after it was made (its plan id does not match its content)`, { hint: 'make a new plan with acrctl plan --out FILE' });
  }
  if (opts.key !== undefined) {
    if (plan.signature === undefined) {
      throw new AcrctlError('plan.unsigned', `${where} is not signed, and ${PLAN_KEY_ENV} is set: only plans made with that key are accepted`, { hint: `make the plan where ${PLAN_KEY_ENV} is set to the same key` });
    }
    const want = Buffer.from(hmac(opts.key, plan.planId));
    const got = Buffer.from(plan.signature);
    if (want.length !== got.length || !timingSafeEqual(want, got)) {
      throw new AcrctlError('plan.bad-signature', `${where} is signed with another key than ${PLAN_KEY_ENV} (or its signature was edited)`, { hint: `make the plan where ${PLAN_KEY_ENV} is set to the same key` });
    }
  }
  return plan;
}

/** The deepest nesting of arrays and objects in a JSON text (strings skipped). Linear, no recursion. */
function nesting(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}
