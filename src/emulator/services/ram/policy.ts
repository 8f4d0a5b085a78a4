/**
 * RAM policy documents: validation (what CreateRole/CreatePolicy accept) and evaluation (RAM
 * enforcement and the cross-product checks). Pure: the request context is passed in.
 *
 * Evaluation, as RAM documents it: a request is denied when some statement with `Effect: Deny`
 * matches it (an explicit deny always wins), allowed when some `Allow` statement matches, and denied
 * otherwise (implicit deny). A statement matches when its `Action` (or `NotAction`) and `Resource`
 * (or `NotResource`) match and its `Condition` holds. Patterns use `*` (any run, `/` and `:`
 * included) and `?` (one character); actions compare case-insensitively, resources
 * case-sensitively. An empty region segment in a pattern (`acs:ram::<uid>:…`) matches a request
 * evaluated with region `*` and vice versa.
 *
 * Conditions: the operators String(Not)Equals(IgnoreCase), String(Not)Like, Numeric*, Date*, Bool
 * and (Not)IpAddress over the keys acs:SourceIp, acs:SecureTransport, acs:CurrentTime,
 * acs:MFAPresent and acs:AccessId are evaluated. A condition the emulator cannot evaluate (another
 * operator or key) is never silently treated as true: it makes an Allow statement not apply and a
 * Deny statement apply, so an unknown condition can only refuse more, never grant more.
 */
import { ramErrors } from './errors.js';

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  /** Empty when the statement uses NotAction. */
  readonly Action: readonly string[];
  readonly NotAction?: readonly string[];
  /** Empty when the statement uses NotResource (or is a trust statement without Resource). */
  readonly Resource: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Principal: Readonly<Record<string, readonly string[]>>;
  readonly Condition?: ConditionBlock;
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

function conditionBlock(v: unknown): ConditionBlock {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw ramErrors.malformed('Condition must be an object of operators');
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, keys] of Object.entries(v as Record<string, unknown>)) {
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw ramErrors.malformed(`Condition.${op} must be an object of condition keys`);
    out[op] = {};
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
      const list = typeof values === 'boolean' || typeof values === 'number' ? [String(values)] : Array.isArray(values) ? values.map(String) : typeof values === 'string' ? [values] : undefined;
      if (list === undefined || list.length === 0) throw ramErrors.malformed(`Condition.${op}.${key} must be a string, number, boolean or a non-empty array`);
      (out[op] as Record<string, string[]>)[key] = list;
    }
  }
  return out;
}

/**
 * Parses and validates a policy document. `kind` is 'trust' for AssumeRolePolicyDocument (needs a
 * Principal and sts:AssumeRole-style actions, no Resource) or 'permission' (needs Resource or
 * NotResource). Throws MalformedPolicyDocument (400) on any defect.
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
    if ((st['Action'] === undefined) === (st['NotAction'] === undefined)) throw ramErrors.malformed('a Statement needs exactly one of Action and NotAction');
    const action = st['Action'] === undefined ? [] : asList(st['Action'], 'Action');
    const notAction = st['NotAction'] === undefined ? undefined : asList(st['NotAction'], 'NotAction');
    const principal: Record<string, string[]> = {};
    if (kind === 'trust') {
      const p = st['Principal'];
      if (typeof p !== 'object' || p === null || Array.isArray(p)) throw ramErrors.malformed('a trust policy Statement needs a Principal object');
      for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
        if (k !== 'RAM' && k !== 'Service' && k !== 'Federated') throw ramErrors.malformed(`unknown Principal type ${k}`);
        principal[k] = asList(v, `Principal.${k}`);
      }
      if (Object.keys(principal).length === 0) throw ramErrors.malformed('Principal must name at least one principal');
      if (!action.every((a) => /^sts:/i.test(a)) || notAction !== undefined) throw ramErrors.malformed('a trust policy may only grant sts: actions');
    }
    let resource: string[] = [];
    let notResource: string[] | undefined;
    if (kind === 'permission') {
      if ((st['Resource'] === undefined) === (st['NotResource'] === undefined)) throw ramErrors.malformed('a Statement needs exactly one of Resource and NotResource');
      if (st['Resource'] !== undefined) resource = asList(st['Resource'], 'Resource');
      else notResource = asList(st['NotResource'], 'NotResource');
    } else if (st['Resource'] !== undefined) {
      resource = asList(st['Resource'], 'Resource');
    }
    const statement: Statement = {
      Effect: effect,
      Action: action,
      Resource: resource,
      Principal: principal,
      ...(notAction !== undefined ? { NotAction: notAction } : {}),
      ...(notResource !== undefined ? { NotResource: notResource } : {}),
      ...(st['Condition'] !== undefined ? { Condition: conditionBlock(st['Condition']) } : {}),
    };
    out.push(statement);
  }
  return { Version: '1', Statement: out };
}

/** Wildcard match: `*` any run, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's').test(value);
}

/** Resource match, with an empty region segment and `*` treated alike (`acs:ram::uid:…` ~ `acs:ram:*:uid:…`). */
export function resourceMatch(pattern: string, resource: string): boolean {
  if (wildcardMatch(pattern, resource, false)) return true;
  const blank = resource.replace(/^(acs:[^:]*:)\*:/, '$1:');
  const starred = resource.replace(/^(acs:[^:]*:):/, '$1*:');
  return (blank !== resource && wildcardMatch(pattern, blank, false)) || (starred !== resource && wildcardMatch(pattern, starred, false));
}

/** What a request is evaluated with, besides its action and resource. */
export interface RequestContext {
  /** acs:SourceIp. */
  readonly sourceIp: string;
  /** acs:SecureTransport. */
  readonly secureTransport: boolean;
  /** acs:CurrentTime (epoch ms). */
  readonly currentTime: number;
  /** acs:AccessId. */
  readonly accessId: string;
}

const CONTEXT_KEYS: Readonly<Record<string, (c: RequestContext) => string>> = {
  'acs:sourceip': (c) => c.sourceIp,
  'acs:securetransport': (c) => String(c.secureTransport),
  'acs:currenttime': (c) => new Date(c.currentTime).toISOString(),
  'acs:mfapresent': () => 'false',
  'acs:accessid': (c) => c.accessId,
};

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return (((parts[0] ?? 0) << 24) >>> 0) + ((parts[1] ?? 0) << 16) + ((parts[2] ?? 0) << 8) + (parts[3] ?? 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipv4(ip);
  const b = ipv4(base ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** One operator over one value and its candidates; undefined when the operator is unknown. */
function operator(op: string, actual: string, wanted: readonly string[]): boolean | undefined {
  const any = (f: (w: string) => boolean): boolean => wanted.some(f);
  const num = (s: string): number => Number(s);
  const date = (s: string): number => (/^\d+$/.test(s) ? Number(s) * (s.length <= 10 ? 1000 : 1) : Date.parse(s));
  switch (op) {
    case 'StringEquals':
      return any((w) => w === actual);
    case 'StringNotEquals':
      return !any((w) => w === actual);
    case 'StringEqualsIgnoreCase':
      return any((w) => w.toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !any((w) => w.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
      return any((w) => wildcardMatch(w, actual, false));
    case 'StringNotLike':
      return !any((w) => wildcardMatch(w, actual, false));
    case 'NumericEquals':
      return any((w) => num(actual) === num(w));
    case 'NumericNotEquals':
      return !any((w) => num(actual) === num(w));
    case 'NumericLessThan':
      return any((w) => num(actual) < num(w));
    case 'NumericLessThanEquals':
      return any((w) => num(actual) <= num(w));
    case 'NumericGreaterThan':
      return any((w) => num(actual) > num(w));
    case 'NumericGreaterThanEquals':
      return any((w) => num(actual) >= num(w));
    case 'DateEquals':
      return any((w) => date(actual) === date(w));
    case 'DateNotEquals':
      return !any((w) => date(actual) === date(w));
    case 'DateLessThan':
      return any((w) => date(actual) < date(w));
    case 'DateLessThanEquals':
      return any((w) => date(actual) <= date(w));
    case 'DateGreaterThan':
      return any((w) => date(actual) > date(w));
    case 'DateGreaterThanEquals':
      return any((w) => date(actual) >= date(w));
    case 'Bool':
      return any((w) => w.toLowerCase() === actual.toLowerCase());
    case 'IpAddress':
      return any((w) => inCidr(actual, w));
    case 'NotIpAddress':
      return !any((w) => inCidr(actual, w));
    default:
      return undefined;
  }
}

/** true / false, or 'unknown' when some operator or key cannot be evaluated here. */
export function conditionHolds(block: ConditionBlock | undefined, ctx: RequestContext): boolean | 'unknown' {
  if (block === undefined) return true;
  let unknown = false;
  for (const [op, keys] of Object.entries(block)) {
    for (const [key, wanted] of Object.entries(keys)) {
      const get = CONTEXT_KEYS[key.toLowerCase()];
      const result = get === undefined ? undefined : operator(op, get(ctx), wanted);
      if (result === undefined) unknown = true;
      else if (!result) return false;
    }
  }
  return unknown ? 'unknown' : true;
}

/** The verdict of a set of documents on one action and resource. */
export type Verdict = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

function statementMatches(st: Statement, action: string, resource: string): boolean {
  const actionHit = st.NotAction !== undefined ? !st.NotAction.some((a) => wildcardMatch(a, action, true)) : st.Action.some((a) => wildcardMatch(a, action, true));
  if (!actionHit) return false;
  return st.NotResource !== undefined ? !st.NotResource.some((r) => resourceMatch(r, resource)) : st.Resource.some((r) => resourceMatch(r, resource));
}

/** RAM evaluation of `action` on `resource` under `docs` (explicit deny, then allow, else implicit deny). */
export function evaluate(docs: readonly PolicyDocument[], action: string, resource: string, ctx: RequestContext): Verdict {
  let allowed = false;
  for (const doc of docs) {
    for (const st of doc.Statement) {
      if (!statementMatches(st, action, resource)) continue;
      const holds = conditionHolds(st.Condition, ctx);
      if (st.Effect === 'Deny') {
        if (holds !== false) return 'ExplicitDeny';
      } else if (holds === true) {
        allowed = true;
      }
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

/** A context for checks made outside a request (the cross-account sync rule check). */
export const NO_REQUEST: RequestContext = { sourceIp: '127.0.0.1', secureTransport: false, currentTime: 0, accessId: '' };

/** Whether the statements allow `action` on `resource` (some Allow matches, no Deny matches). */
export function documentsAllow(docs: readonly PolicyDocument[], action: string, resource: string, ctx: RequestContext = NO_REQUEST): boolean {
  return evaluate(docs, action, resource, ctx) === 'Allow';
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
