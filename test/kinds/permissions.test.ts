/**
 * Every call a kind makes is declared by the kind (`Kind.permissions`, issue 17): each example of
 * examples/ is seeded, planned, applied (passing its gates), drifted and destroyed against the
 * emulator, with every kind's `read` and verbs run under a marker of the kind and verb and given a
 * session that records each request it sends. A request whose `product:Api` the kind does not
 * declare for that verb, for that example's config, for that account, fails the test.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import type { CallVerb, Kind } from '../../src/plan/kind.js';
import type { RegistryDocument } from '../../src/config/model.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { runCli } from '../support/cli.js';
import { passGates } from '../support/gates.js';
import { declaredEnv } from '../support/declared-env.js';

interface Made {
  readonly kind: string;
  readonly verb: CallVerb;
  readonly call: string;
  readonly account: string;
}

const hoisted = vi.hoisted(() => ({ made: [] as Made[], kinds: new Map<string, unknown>() }));

vi.mock('../../src/kinds/index.js', async (importOriginal) => {
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const { CloudSession } = await import('../../src/cloud/session.js');
  const orig = await importOriginal<typeof import('../../src/kinds/index.js')>();
  const marker = new AsyncLocalStorage<{ kind: string; verb: CallVerb }>();
  const recording = new WeakMap<object, InstanceType<typeof CloudSession>>();
  const recorder = (s: InstanceType<typeof CloudSession>): InstanceType<typeof CloudSession> => {
    let r = recording.get(s);
    if (r === undefined) {
      r = new CloudSession({
        accounts: s.accounts,
        endpoints: s.endpoints,
        reporter: (e) => {
          const at = marker.getStore();
          const data = e.data as { product?: string; action?: string; account?: string } | undefined;
          if (e.code === 'cloud.call' && at !== undefined && data !== undefined) hoisted.made.push({ kind: at.kind, verb: at.verb, call: `${data.product}:${data.action}`, account: data.account ?? '' });
        },
      });
      recording.set(s, r);
    }
    return r;
  };
  type AnyKind = import('../../src/plan/kind.js').Kind;
  const wrap = (k: AnyKind): AnyKind => {
    hoisted.kinds.set(k.name, k);
    const w: Record<string, unknown> = { ...k };
    w['read'] = (ctx: { cloud: InstanceType<typeof CloudSession> }) => marker.run({ kind: k.name, verb: 'read' }, () => k.read({ ...ctx, cloud: recorder(ctx.cloud) } as never));
    for (const verb of ['observe', 'create', 'update', 'delete', 'check'] as const) {
      const f = k[verb] as ((ctx: { cloud: InstanceType<typeof CloudSession> }, s: unknown) => Promise<unknown>) | undefined;
      if (f !== undefined) w[verb] = (ctx: { cloud: InstanceType<typeof CloudSession> }, s: unknown) => marker.run({ kind: k.name, verb }, () => f.call(k, { ...ctx, cloud: recorder(ctx.cloud) }, s));
    }
    return w as unknown as AnyKind;
  };
  const allKinds = orig.allKinds.map(wrap);
  return {
    ...orig,
    allKinds,
    makeKinds: (deps?: Parameters<typeof orig.makeKinds>[0]) => orig.makeKinds(deps).map(wrap),
    kindMap: (kinds: readonly AnyKind[] = allKinds) => new Map(kinds.map((k) => [k.name, k] as const)),
  };
});

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const EXAMPLES = readdirSync(examplesDir).filter((d) => existsSync(join(examplesDir, d, 'registry.yaml'))).sort();

describe.each(EXAMPLES)('examples/%s', (name) => {
  it('makes only the calls its kinds declare, in plan, apply, drift and destroy', async () => {
    hoisted.made.length = 0;
    const t = await startTestEmulator();
    const cwd = mkdtempSync(join(tmpdir(), `acrctl-perm-${name}-`));
    try {
      const dir = join(examplesDir, name);
      const file = join(dir, 'registry.yaml');
      const env = declaredEnv(readFileSync(file, 'utf8')); // the variables its comments export (webhook URLs)
      const cli = (args: string[]) => runCli([...args, '--endpoint', t.url], { cwd, env });
      expect((await cli(['emulator', 'seed', dir])).code).toBe(0);
      expect((await cli(['plan', '-f', file])).code).toBe(0);
      let r = await cli(['apply', '-f', file, '--auto-approve']);
      if (r.code === 3) {
        await passGates(t, readFileSync(file, 'utf8'));
        r = await cli(['apply', '-f', file, '--resume', '--auto-approve']);
      }
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const d = await cli(['drift', '-f', file]);
      expect(d.code, d.stdout + d.stderr).toBe(0);
      const x = await cli(['destroy', '-f', file, '--auto-approve']);
      expect(x.code, x.stdout + x.stderr).toBe(0);
      // The config as the kinds see it (an ${env:…} reference stays as text: no declaration depends on it).
      const config = parse(readFileSync(file, 'utf8')) as RegistryDocument;
      const undeclared = new Set<string>();
      for (const m of hoisted.made) {
        const kind = hoisted.kinds.get(m.kind) as Kind;
        const ok = kind.permissions(config).some((n) => n.verbs.includes(m.verb) && `${n.product}:${n.api}` === m.call && n.account === m.account);
        if (!ok) undeclared.add(`${m.kind} ${m.verb} ${m.call} (${m.account})`);
      }
      expect([...undeclared].sort()).toEqual([]);
      expect(hoisted.made.length).toBeGreaterThan(0);
    } finally {
      await t.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
