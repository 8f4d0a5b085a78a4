/**
 * `${env:NAME}` interpolation in string values.
 *
 * Contract: pure (the environment is passed in); returns a new value, never mutates its input.
 * Every `${env:NAME}` in a string value is replaced by the variable's value; `$${env:NAME}` is the
 * literal text `${env:NAME}`. Keys are never interpolated. A missing variable is an error naming the
 * variable; a malformed reference is an error. Values are never echoed in findings, and the paths of
 * values taken from secret-looking variables are returned so no later message echoes them either.
 */
import type { Locator } from './locate.js';
import type { Finding } from './model.js';
import { isSecretName, pathKey } from './secrets.js';

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

export interface Interpolated {
  readonly value: unknown;
  readonly findings: Finding[];
  /** Paths (see {@link pathKey}) whose value came from an environment variable. */
  readonly fromEnv: ReadonlySet<string>;
  /** Paths whose value came from a secret-looking variable: never echo these values. */
  readonly secretPaths: ReadonlySet<string>;
  /** The values of secret-looking variables that were interpolated: masked in every output. */
  readonly secretValues: ReadonlySet<string>;
}

export function interpolateEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, locate: Locator): Interpolated {
  const findings: Finding[] = [];
  const fromEnv = new Set<string>();
  const secretPaths = new Set<string>();
  const secretValues = new Set<string>();

  const str = (s: string, path: (string | number)[]): string => {
    if (!s.includes('${')) return s;
    return s.replace(REFERENCE, (whole, escape: string, inner: string) => {
      if (escape === '$') return whole.slice(1);
      const m = ENV_REF.exec(inner);
      if (!m) {
        findings.push({
          id: 'env/bad-reference',
          severity: 'error',
          message: `"\${${inner.slice(0, 40)}}" is not a valid reference; acrctl interpolates only \${env:NAME}`,
          location: locate(path, 'value'),
          path,
          hint: 'write ${env:NAME} with NAME made of letters, digits and _, or $${...} for a literal ${...}',
        });
        return whole;
      }
      const name = m[1] ?? '';
      const v = env[name];
      if (v === undefined) {
        findings.push({
          id: 'env/missing-variable',
          severity: 'error',
          message: `environment variable ${name} is not set`,
          location: locate(path, 'value'),
          path,
          hint: `export ${name} before running acrctl, or write the value directly`,
        });
        return whole;
      }
      fromEnv.add(pathKey(path));
      if (isSecretName(name)) {
        secretPaths.add(pathKey(path));
        if (v !== '') secretValues.add(v);
      }
      return v;
    });
  };

  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') return str(v, path);
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) {
        Object.defineProperty(out, k, { value: walk(child, [...path, k]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };

  return { value: walk(value, []), findings, fromEnv, secretPaths, secretValues };
}
