/**
 * Bearer tokens of the emulated registries (Docker Registry v2 token authentication): scopes as
 * clients send them, and the signed tokens the token endpoint hands out.
 *
 * Owns: the token format — `base64url(JSON claims).base64url(HMAC-SHA256)` under a key drawn at
 * start (tokens do not survive a restart; clients fetch a new one on the next 401). A token is
 * bound to one registry and lists, per repository, the actions granted. Expiry is on the wall
 * clock, so moving the emulated clock forward (to skip async waits) does not log clients out.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type RegistryAction = 'pull' | 'push';

/** `repository:<name>:<actions>` as parsed from a `scope` parameter. */
export interface Scope {
  readonly name: string;
  readonly actions: readonly RegistryAction[];
}

export interface Claims {
  /** Registry key (`ee:<instanceId>`, `pe:<region>`). */
  readonly reg: string;
  /** Account UID of the subject; '' when anonymous. */
  readonly sub: string;
  readonly access: readonly Scope[];
  /** Wall-clock expiry, epoch ms. */
  readonly exp: number;
}

/** Parses every `repository:` scope of a request (space-separated within one parameter too). */
export function parseScopes(values: readonly string[]): Scope[] {
  const out: Scope[] = [];
  for (const value of values) {
    for (const item of value.split(' ')) {
      if (item === '') continue;
      // The name may not contain ':' (no port-qualified names here); the actions are the last field.
      const first = item.indexOf(':');
      const last = item.lastIndexOf(':');
      if (first < 0 || last === first) continue;
      if (item.slice(0, first) !== 'repository') continue;
      const name = item.slice(first + 1, last);
      const actions = item
        .slice(last + 1)
        .split(',')
        .filter((a): a is RegistryAction => a === 'pull' || a === 'push');
      const existing = out.find((s) => s.name === name);
      if (existing !== undefined) out[out.indexOf(existing)] = { name, actions: [...new Set([...existing.actions, ...actions])] };
      else out.push({ name, actions: [...new Set(actions)] });
    }
  }
  return out;
}

/** Issues and verifies bearer tokens with one process-local key. */
export class TokenSigner {
  private readonly key = randomBytes(32);

  constructor(private readonly wallNow: () => number = Date.now) {}

  sign(claims: Omit<Claims, 'exp'>, ttlSeconds: number): string {
    const full: Claims = { ...claims, exp: this.wallNow() + ttlSeconds * 1000 };
    const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The claims of a valid, unexpired token for `registry`; undefined otherwise. */
  verify(token: string, registry: string): Claims | undefined {
    const dot = token.indexOf('.');
    if (dot < 0) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const want = Buffer.from(this.mac(payload));
    if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
    if (claims.reg !== registry || claims.exp <= this.wallNow()) return undefined;
    return claims;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/** True when the claims grant `action` on repository `name`. */
export function grants(claims: Claims, name: string, action: RegistryAction): boolean {
  return claims.access.some((s) => s.name === name && s.actions.includes(action));
}
