/**
 * Output scrubbing, the last line of defence for secrets: every occurrence of a known secret value in
 * what the CLI writes (standard output and error, journals) is replaced by `(sensitive)`. Plans mask
 * their sensitive fields themselves (src/plan/sensitive.ts); this catches what no structure marks:
 * an error message that echoes a value, a live value adopt would write back.
 *
 * Known secret values: those of secret-looking environment variables (src/config/secrets.ts
 * isSecretName) at least {@link MIN_ENV_SECRET_LENGTH} characters long, and the values the config
 * loader interpolated from such variables.
 */
import { isSecretName } from '../config/secrets.js';
import { MIN_SENSITIVE_LENGTH, normaliseValues, SENSITIVE } from '../plan/sensitive.js';
import type { CliIo } from './io.js';

/** Shorter values of secret-looking variables (`1`, `true`) are flags, not secrets: masking them would garble output. */
export const MIN_ENV_SECRET_LENGTH = 8;

/** Values of the secret-looking variables of an environment. */
export function secretEnvValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, v]) => v !== undefined && v.length >= MIN_ENV_SECRET_LENGTH && isSecretName(name))
    .map(([, v]) => v!);
}

/**
 * A function replacing every given value in a text, as written and as it appears inside JSON
 * strings (escaped). Identity when there is nothing to hide.
 */
export function scrubber(values: Iterable<string>): (text: string) => string {
  const forms = normaliseValues([...values].flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]));
  if (forms.length === 0) return (s) => s;
  return (text) => {
    let out = text;
    for (const v of forms) if (out.includes(v)) out = out.split(v).join(SENSITIVE);
    return out;
  };
}

/** The streams of `io`, scrubbed of the secret values of its environment (unchanged when there are none). */
export function redactedIo<T extends CliIo>(io: T): T {
  const values = secretEnvValues(io.env);
  if (values.length === 0) return io;
  const scrub = scrubber(values);
  return { ...io, stdout: redactStream(io.stdout, scrub), stderr: redactStream(io.stderr, scrub) };
}

function redactStream<S extends NodeJS.WritableStream>(stream: S, scrub: (text: string) => string): S {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' || chunk instanceof Uint8Array ? scrub(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')) : chunk, ...rest);
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * `text` (a registry.yaml adopt writes) with every value of a secret-looking variable replaced by a
 * `${env:NAME}` reference to that variable: the file loads to the same values where the variable is
 * set, and never holds the secret itself. `known` are values the base file interpolated from such
 * variables (looked for even when shorter than {@link MIN_ENV_SECRET_LENGTH}).
 */
export function referenceSecrets(text: string, env: Readonly<Record<string, string | undefined>>, known: readonly string[] = []): string {
  const named = Object.entries(env)
    .filter(([name, v]) => v !== undefined && (v.length >= MIN_ENV_SECRET_LENGTH || (v.length >= MIN_SENSITIVE_LENGTH && known.includes(v))) && isSecretName(name) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    .sort(([a, x], [b, y]) => y!.length - x!.length || (a < b ? -1 : 1));
  let out = text;
  for (const [name, v] of named) if (out.includes(v!)) out = out.split(v!).join(`\${env:${name}}`);
  return out;
}
