/**
 * Secrets never live in registry.yaml.
 *
 * Contract: pure; reports keys that name a secret (access keys, passwords, tokens) anywhere in the
 * document, and string values shaped like an AccessKey ID, at their key position. Messages name the
 * key, never the value. The returned paths let schema validation skip its own "unknown key" error.
 */
import type { Locator } from './locate.js';
import type { Finding } from './model.js';
import { quote } from './suggest.js';

/** Normalised (lower case, no `_`/`-`) key names that hold secrets. */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  'accesskey', 'accesskeyid', 'accesskeysecret', 'secretaccesskey', 'secretkey', 'secret', 'clientsecret',
  'password', 'passwd', 'pwd', 'loginpassword', 'securitytoken', 'sessiontoken', 'ststoken', 'token',
  'authtoken', 'authorizationtoken', 'apikey', 'privatekey', 'akid', 'aksecret',
]);

/**
 * Environment variable names whose values must never be echoed: any name containing SECRET,
 * PASSWORD/PASSWD, TOKEN, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL or API_KEY, any name that is or ends
 * in KEY or PASS (`ACRCTL_PLAN_KEY`, `SIGNING_KEY`, `DB_PASS`), and names ending in `_PWD`
 * (`DB_PWD`; not `PWD` and `OLDPWD`, the shell's working directories). Case-insensitive.
 */
const SECRET_NAME = /(SECRET|PASSW(OR)?D|TOKEN|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|API_?KEY)|(^|_)(KEY|PASS)$|_PWD$/i;

/** AccessKey IDs start with LTAI (long-term) or STS. (temporary). */
const ACCESS_KEY_ID = /^(LTAI[A-Za-z0-9]{12,30}|STS\.[A-Za-z0-9]{16,})$/;

export const SECRETS_HINT =
  'keep secrets out of registry.yaml: point the account at them instead, with credentials: { profile: <aliyun CLI profile> }, ' +
  'credentials: { env: <PREFIX> } (reads <PREFIX>_ACCESS_KEY_ID and <PREFIX>_ACCESS_KEY_SECRET), ' +
  'credentials: { ramRoleArn: ... } or the default credentials chain';

/** True for key names that hold a secret, in any casing or separator style. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));
}

/** True for environment variable names whose values are secrets. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export interface SecretScan {
  readonly findings: Finding[];
  /** JSON paths (joined with NUL) of keys reported here. */
  readonly secretKeyPaths: ReadonlySet<string>;
}

/** Joins a JSON path into a stable string key. */
export function pathKey(path: readonly (string | number)[]): string {
  return path.map(String).join('\u0000');
}

/** Scans a plain value for secret keys and AccessKey-shaped values. */
export function scanSecrets(value: unknown, locate: Locator): SecretScan {
  const findings: Finding[] = [];
  const secretKeyPaths = new Set<string>();
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, i]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const p = [...path, k];
        if (isSecretKey(k) && p.length === 3 && p[0] === 'instances' && k === 'loginPassword') {
          // An instance's login password (issue 14 item 8): allowed as `${env:NAME}` only. The path
          // is kept from every schema message either way, so the value is never echoed.
          secretKeyPaths.add(pathKey(p));
          if (typeof child !== 'string' || !/^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(child)) {
            findings.push({
              id: 'secret/in-config',
              severity: 'error',
              message: 'a login password is a secret: give it as ${env:NAME} and set NAME in the environment (the value is not shown)',
              location: locate(p, 'value'),
              path: p,
            });
          }
        } else if (isSecretKey(k)) {
          secretKeyPaths.add(pathKey(p));
          findings.push({
            id: 'secret/in-config',
            severity: 'error',
            message: `${quote(k)} is a secret and must not be written in registry.yaml (its value is not shown)`,
            location: locate(p),
            path: p,
            hint: SECRETS_HINT,
          });
        } else {
          walk(child, p);
        }
      }
    } else if (typeof v === 'string' && path.length >= 3 && path.at(-3) === 'triggers' && path.at(-1) === 'url' && !/^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(v)) {
      // Webhook URLs carry tokens (issue 14): only `${env:NAME}`, checked before interpolation.
      findings.push({
        id: 'secret/in-config',
        severity: 'error',
        message: 'a webhook URL is a secret: give it as ${env:NAME} and set NAME in the environment (the value is not shown)',
        location: locate(path, 'value'),
        path,
      });
    } else if (typeof v === 'string' && path.length >= 4 && path.at(-4) === 'customDomains' && path.at(-2) === 'certificate' && path.at(-1) === 'pem') {
      // A custom domain's PEM bundle holds its private key (issue 14 item 6): only `${env:NAME}`.
      secretKeyPaths.add(pathKey(path));
      if (!/^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(v)) {
        findings.push({
          id: 'secret/in-config',
          severity: 'error',
          message: 'a certificate PEM holds its private key, a secret: give it as ${env:NAME} and set NAME in the environment (the value is not shown)',
          location: locate(path, 'value'),
          path,
        });
      }
    } else if (typeof v === 'string' && ACCESS_KEY_ID.test(v)) {
      findings.push({
        id: 'secret/in-config',
        severity: 'error',
        message: 'this value looks like an AccessKey ID; access keys must not be written in registry.yaml (the value is not shown)',
        location: locate(path, 'value'),
        path,
        hint: SECRETS_HINT,
      });
    }
  };
  walk(value, []);
  return { findings, secretKeyPaths };
}
