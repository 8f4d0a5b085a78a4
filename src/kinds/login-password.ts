/**
 * Kind `instance-login-password`: the registry login password of an instance
 * (`instance[i].settings[login-password]`; Terraform `alicloud_cr_ee_instance.password`), set with
 * cr ResetLoginPassword.
 *
 * Write-only: no API reads a login password back, so acrctl never compares it with the cloud. It
 * compares it with what acrctl itself last set: ResetLoginPassword's intent record in the run's
 * journal carries a salted hash of the password (scrypt, random salt; `secretDigest`), never the
 * password, and a finished action (its `done` record) makes that hash the instance's "last set"
 * value (src/kinds/write-history.ts; src/cli/secret-history.ts reads it from the run store, local or OSS, at plan time). So:
 * - no record for the instance (a fresh machine, a new run store, a password never set by acrctl):
 *   the plan creates the object, "will be set", and an info finding says why; setting the same
 *   password again is harmless (ResetLoginPassword is idempotent);
 * - a record whose hash the declared password matches: no change;
 * - a record it does not match: an update, "will be set", naming the run that set the last one.
 * The plan shows the field as `(sensitive)` and holds neither the password nor its hash; the
 * `before` side names only the run (`setBy`). A password changed in the console is not seen.
 *
 * registry.yaml gives it only as `${env:NAME}` (src/config/secrets.ts: anything else is the error
 * secret/in-config). Adopt never writes it (there is no `toConfig`: nothing can be read back).
 * Crash safety: observe cannot read the password, so an interrupted ResetLoginPassword is always
 * sent again (idempotent), and only a finished one is recorded.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { ReferenceCheck, RegistryDocument } from '../config/model.js';
import { address, segment } from '../plan/address.js';
import { optional, str, struct, type Decoded } from '../plan/decode.js';
import type { CallNeed, Change, DesiredObject, ExecContext, Kind, LanguageFragment, LiveObject, Observation, Outcome, ReadContext, Subject } from '../plan/kind.js';
import type { PlanFinding } from '../plan/model.js';
import { instanceAddress, instanceIdOf, knownInstanceId, runningInstances } from './instance.js';
import { instanceCalls, instanceScopes } from './permits.js';
import { digestMatches, secretDigest, type WriteHistoryDeps } from './write-history.js';

/** The journalled call whose intent carries the hash. */
export const LOGIN_PASSWORD_CALL = 'ResetLoginPassword';

/** Where the digest functions used to live; they are src/kinds/write-history.ts's now. */
export { digestMatches, secretDigest } from './write-history.js';

/** The login-password kind's dependencies: the write history (src/kinds/write-history.ts). */
export type LoginPasswordDeps = WriteHistoryDeps;

const keyShape = struct({ instance: str });
/** Desired: the password (sensitive). Live: the recorded digest (masked too) and the run that set it. */
const specShape = struct({ password: str, setBy: optional(str) });
const idsShape = struct({ instanceId: str });
export type LoginPasswordKey = Decoded<typeof keyShape>;
export type LoginPasswordSpec = Decoded<typeof specShape>;
export type LoginPasswordIds = Decoded<typeof idsShape>;

/** `instance[i].settings[login-password]`. */
export function loginPasswordAddress(instance: string): string {
  return address(instanceAddress(instance), segment('settings', 'login-password'));
}

/** The documented length (8-32) and, as the emulator enforces, two of letters, digits and symbols (unverified). */
export function passwordProblem(pw: string): string | undefined {
  if (pw.length < 8 || pw.length > 32) return `it has ${pw.length} characters; a login password has 8 to 32`;
  const classes = [/[a-zA-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(pw)).length;
  return classes < 2 ? 'a login password mixes at least two of letters, digits and symbols' : undefined;
}

/** The value is checked after `${env:}` interpolation; messages never quote it. */
const REFERENCES: ReferenceCheck = ({ instances, report }) => {
  for (const [alias, inst] of instances) {
    const pw = inst['loginPassword'];
    if (typeof pw !== 'string' || /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(pw)) continue; // unset variable: reported by the loader
    const why = passwordProblem(pw);
    if (why !== undefined) report('schema/pattern', `instances.${alias}.loginPassword is not a valid login password: ${why} (the value is not shown)`, ['instances', alias, 'loginPassword'], 'set the variable it names to another password', 'value');
  }
};

const LANGUAGE: LanguageFragment = {
  properties: {
    '#/$defs/instance': {
      loginPassword: {
        description:
          'Registry login password of the instance (API ResetLoginPassword; Terraform alicloud_cr_ee_instance.password), 8-32 characters mixing two of letters, digits and symbols. A secret: only as `${env:NAME}` (anything else is the error secret/in-config). Write-only: no API reads it back, so the plan says "will be set" whenever the run store holds no record that acrctl set this very password (the journal keeps a salted hash, never the value). Adopt never writes it.',
        type: 'string',
        examples: ['${env:ACR_LOGIN_PASSWORD}'],
      },
    },
  },
};

/** The calls of the kind (issue 17): ResetLoginPassword where a password is declared; no read. */
function PERMISSIONS(config: RegistryDocument): CallNeed[] {
  return instanceScopes(config).flatMap((s) => (config.instances![s.alias]!.loginPassword === undefined ? [] : instanceCalls(s, ['create', 'update'], ['cr:ResetLoginPassword'])));
}

/** The login-password kind, reading earlier runs' hashes from `deps.secretHistory`. */
export function makeLoginPasswordKind(deps: LoginPasswordDeps = {}): Kind<LoginPasswordSpec, LoginPasswordIds, LoginPasswordKey> {
  const salt = deps.randomBytes ?? cryptoRandomBytes;
  /** Where the last read looked (for the finding); set by read, which runs before extras. */
  let where: string | undefined;

  async function set(ctx: ExecContext, s: Subject<LoginPasswordSpec, LoginPasswordIds, LoginPasswordKey>): Promise<Outcome> {
    const instanceId = instanceIdOf(ctx, s.key.instance);
    // The intent carries the salted hash; once the action is done, it is "the password acrctl set".
    await ctx.intent(LOGIN_PASSWORD_CALL, { instanceId, secretDigest: secretDigest(s.spec.password, salt(16)) });
    await ctx.cloud.cr(s.account, s.region).resetLoginPassword({ InstanceId: instanceId, Password: s.spec.password });
    return { ids: { instanceId } };
  }

  /** Nothing can read the password: present (the instance is), never up to date, so an interrupted set is sent again. */
  async function observe(ctx: ExecContext, s: Subject<LoginPasswordSpec, LoginPasswordIds, LoginPasswordKey>): Promise<Observation<LoginPasswordIds>> {
    const instanceId = s.ids?.instanceId ?? knownInstanceId(ctx, s.key.instance);
    if (instanceId === undefined || instanceId === '') return { state: 'absent' };
    return { state: 'present', upToDate: false, ready: true, ids: { instanceId } };
  }

  return {
    name: 'instance-login-password',
    readAfter: ['instance'],
    // One field of the instance: never unmanaged, never pruned or destroyed.
    reportsUnmanaged: false,
    address: (k) => loginPasswordAddress(k.instance),
    decode: { key: keyShape, spec: specShape, ids: idsShape },
    permissions: PERMISSIONS,
    language: LANGUAGE,
    references: REFERENCES,

    desired(config: RegistryDocument) {
      return Object.entries(config.instances ?? {}).flatMap(([alias, inst]): DesiredObject<LoginPasswordSpec, LoginPasswordKey>[] =>
        inst.loginPassword === undefined
          ? []
          : [{ id: loginPasswordAddress(alias), kind: 'instance-login-password', account: inst.account, region: inst.region, instance: alias, key: { instance: alias }, spec: { password: inst.loginPassword }, requires: [instanceAddress(alias)], sensitive: ['password'], summary: 'login password will be set (write-only: never read back)' }],
      );
    },

    /** The last password acrctl set on each running instance that declares one, as the run store records it. */
    async read(ctx: ReadContext) {
      const history = deps.secretHistory;
      const declared = runningInstances(ctx).filter((x) => x.config.loginPassword !== undefined);
      if (history === undefined || declared.length === 0) return [];
      const records = await history.read();
      where = records.where;
      const out: LiveObject<LoginPasswordSpec, LoginPasswordIds, LoginPasswordKey>[] = [];
      for (const m of declared) {
        const last = records.lookup(LOGIN_PASSWORD_CALL, m.instanceId);
        if (last === undefined) continue;
        out.push({ id: loginPasswordAddress(m.alias), kind: 'instance-login-password', account: m.account, region: m.region, instance: m.alias, key: { instance: m.alias }, spec: { password: last.digest, setBy: `run ${last.runId}` }, ids: { instanceId: m.instanceId }, container: m.address, prunable: false, requires: [] });
      }
      return out;
    },

    /** Compared with the recorded hash only; the password is never compared with the cloud. */
    diff(desired, live) {
      if (digestMatches(desired.spec.password, live.spec.password)) return { changes: [] };
      return { changes: [{ path: 'password', before: live.spec.password, after: desired.spec.password, impact: 'update', note: `will be set: not the password acrctl set in ${live.spec.setBy ?? 'an earlier run'}` }] };
    },

    /** Why a password is planned without any record to compare with (a fresh machine, a new run store). */
    extras(ctx) {
      const live = new Set(ctx.live('instance-login-password').map((l) => l.id));
      const findings: PlanFinding[] = [];
      for (const d of ctx.desired) {
        if (d.kind !== 'instance-login-password' || live.has(d.id)) continue;
        const alias = d.key['instance'] ?? '';
        findings.push({
          id: 'secret/write-only',
          severity: 'info',
          message: `the login password of instance ${alias} will be set: no API reads it back, and ${deps.secretHistory === undefined ? 'this command reads no run store' : where === undefined ? 'the instance is not running yet' : `${where} records no password acrctl set on this instance`}, so there is nothing to compare it with (setting the same password again changes nothing)`,
          where: d.id,
          key: d.key,
        });
      }
      return { findings };
    },

    observe,
    create: set,
    update: (ctx: ExecContext, c: Change<LoginPasswordSpec, LoginPasswordIds, LoginPasswordKey>) => set(ctx, c),
  };
}
