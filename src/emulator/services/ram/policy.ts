/**
 * RAM policy documents: validation (what CreateRole/CreatePolicy accept) and evaluation (what the
 * cross-product checks ask). Pure.
 *
 * Evaluation model (documented in SPEC.md): a request is allowed when some Allow statement matches
 * its action and resource and no Deny statement does. Action and resource patterns use `*` and `?`
 * wildcards; actions match case-insensitively, resources case-sensitively. `Condition` blocks are
 * accepted but not evaluated (treated as satisfied).
 */
import { ramErrors } from './errors.js';

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Principal: Readonly<Record<string, readonly string[]>>;
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly Statement[];
}

function asList(v: unknown, field: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw ramErrors.malformed(`${field} must be a string or a non-empty array of strings`);
}

/**
 * Parses and validates a policy document. `kind` is 'trust' for AssumeRolePolicyDocument (needs a
 * Principal and sts:AssumeRole-style actions, no Resource) or 'permission' (needs Resource).
 * Throws MalformedPolicyDocument (400) on any defect.
 */
export function parsePolicyDocument(text: string, kind: 'trust' | 'permission'): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw ramErrors.malformed('not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw ramErrors.malformed('not a JSON object');
  const doc = raw as Record<string, unknown>;
  if (doc['Version'] !== '1') throw ramErrors.malformed('Version must be "1"');
  const stmts = doc['Statement'];
  if (!Array.isArray(stmts) || stmts.length === 0) throw ramErrors.malformed('Statement must be a non-empty array');
  const out: Statement[] = [];
  for (const s of stmts as unknown[]) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw ramErrors.malformed('each Statement must be an object');
    const st = s as Record<string, unknown>;
    const effect = st['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') throw ramErrors.malformed('Effect must be Allow or Deny');
    const action = asList(st['Action'], 'Action');
    const principal: Record<string, string[]> = {};
    if (kind === 'trust') {
      const p = st['Principal'];
      if (typeof p !== 'object' || p === null || Array.isArray(p)) throw ramErrors.malformed('a trust policy Statement needs a Principal object');
      for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
        if (k !== 'RAM' && k !== 'Service' && k !== 'Federated') throw ramErrors.malformed(`unknown Principal type ${k}`);
        principal[k] = asList(v, `Principal.${k}`);
      }
      if (Object.keys(principal).length === 0) throw ramErrors.malformed('Principal must name at least one principal');
      if (!action.every((a) => /^sts:/i.test(a))) throw ramErrors.malformed('a trust policy may only grant sts: actions');
    }
    const resource = kind === 'permission' ? asList(st['Resource'], 'Resource') : st['Resource'] === undefined ? [] : asList(st['Resource'], 'Resource');
    out.push({ Effect: effect, Action: action, Resource: resource, Principal: principal });
  }
  return { Version: '1', Statement: out };
}

/** Wildcard match: `*` any run, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's').test(value);
}

/** Whether the statements allow `action` on `resource` (some Allow matches, no Deny matches). */
export function documentsAllow(docs: readonly PolicyDocument[], action: string, resource: string): boolean {
  let allowed = false;
  for (const doc of docs) {
    for (const st of doc.Statement) {
      const actionHit = st.Action.some((a) => wildcardMatch(a, action, true));
      const resourceHit = st.Resource.some((r) => wildcardMatch(r, resource, false));
      if (!actionHit || !resourceHit) continue;
      if (st.Effect === 'Deny') return false;
      allowed = true;
    }
  }
  return allowed;
}

/**
 * Whether a trust policy lets `principalMatches` assume the role: some Allow statement for
 * sts:AssumeRole whose Principal[type] has a matching entry, and no such Deny statement.
 */
export function trustAllows(doc: PolicyDocument, type: 'RAM' | 'Service', principalMatches: (entry: string) => boolean): boolean {
  let allowed = false;
  for (const st of doc.Statement) {
    if (!st.Action.some((a) => wildcardMatch(a, 'sts:AssumeRole', true))) continue;
    const entries = st.Principal[type] ?? [];
    if (!entries.some(principalMatches)) continue;
    if (st.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
