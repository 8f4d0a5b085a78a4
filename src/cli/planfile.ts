/**
 * Saved plan files: written atomically, read back only if they match schemas/plan.schema.json, so a
 * tampered or truncated plan is refused before anything is applied.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import { AcrctlError } from '../errors.js';
import { assertPlanFormat, type Plan } from '../plan/model.js';
import { planIdOf } from '../plan/planner.js';
import { renderJson } from '../render/json.js';
import { sha256 } from './estate.js';

let validator: ReturnType<Ajv2020['compile']> | undefined;

export function writePlanFile(path: string, plan: Plan): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, renderJson(plan));
  renameSync(tmp, path);
}

export function readPlanFile(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AcrctlError('plan.unreadable', `cannot read the plan file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AcrctlError('plan.invalid', `${path} is not a plan file (not JSON)`, { hint: 'make one with acrctl plan --out FILE' });
  }
  assertPlanFormat(value, path);
  validator ??= new Ajv2020({ allErrors: true, strict: false }).compile(planSchema);
  if (!validator(value)) {
    const first = validator.errors?.[0];
    throw new AcrctlError('plan.invalid', `${path} is not a valid acrctl plan: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim(), { hint: 'make a new plan with acrctl plan --out FILE' });
  }
  const plan = value as Plan;
  // The plan id covers the config digest, the live fingerprint and the actions: any edit shows.
  if (planIdOf(plan, sha256) !== plan.planId) {
    throw new AcrctlError('plan.tampered', `${path} was modified after it was made (its plan id does not match its content)`, { hint: 'make a new plan with acrctl plan --out FILE' });
  }
  return plan;
}
