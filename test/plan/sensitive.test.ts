/**
 * Sensitive fields (src/plan/sensitive.ts): declared by a kind (the write-only secrets of issue 14:
 * passwords, webhook URLs) or found by value, masked in the public form every renderer, plan file and
 * hash uses, while the plan value apply executes keeps the real values.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RegistryDocument } from '../../src/config/model.js';
import { json, record, str } from '../../src/plan/decode.js';
import type { DesiredObject, Kind, LiveObject } from '../../src/plan/kind.js';
import { buildPlan, planIdOf } from '../../src/plan/planner.js';
import { publicPlan, SENSITIVE, sensitiveFields } from '../../src/plan/sensitive.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const config = { version: 1, accounts: {} } as unknown as RegistryDocument;
const PASSWORD = 'hunter2-but-longer';
const HOOK = 'https://hooks.example.com/T0/abcdef123456';

const kind: Kind = {
  name: 'login',
  readAfter: [],
  permissions: () => [],
  reportsUnmanaged: true,
  address: (key) => `login[${key['name'] ?? ''}]`,
  decode: { key: record(str), spec: record(json), ids: record(str) },
  desired: () => [],
  read: async () => [],
  diff(d, l) {
    const keys = [...new Set([...Object.keys(d.spec), ...Object.keys(l.spec)])].sort();
    return { changes: keys.filter((k) => JSON.stringify(d.spec[k]) !== JSON.stringify(l.spec[k])).map((k) => ({ path: k, before: l.spec[k], after: d.spec[k], impact: 'update' as const })) };
  },
  create: async () => ({}),
  observe: async () => ({ state: 'absent' }),
};

function build(desired: DesiredObject[], live: LiveObject[] = [], sensitiveValues: string[] = []) {
  return buildPlan({ config, configDigest: 'c'.repeat(64), configFile: 'registry.yaml', kinds: new Map([['login', kind]]), desired, live: new Map([['login', live]]), sha256, sensitiveValues });
}
const login = (spec: Record<string, unknown>, extra: Partial<DesiredObject> = {}): DesiredObject => ({ id: 'login[ci]', kind: 'login', account: 'prod', region: 'global', key: { name: 'ci' }, spec, requires: [], sensitive: ['password', 'notify.webhook'], ...extra });

describe('sensitive fields', () => {
  it('a field a kind declares sensitive is masked in text, Markdown, JSON and the hash, never in the plan apply runs', () => {
    const plan = build([login({ user: 'ci', password: PASSWORD, notify: { webhook: HOOK, channel: '#ops' } }, { reason: `password ${PASSWORD} set by the vault`, summary: `notify ${HOOK}` })]);
    const a = plan.actions[0]!;
    expect(a.sensitive).toEqual(['notify.webhook', 'password']);
    expect(a.after?.['password']).toBe(PASSWORD); // the executor sends the real value
    const outputs = [renderText(plan, { color: false }), renderMarkdown(plan), renderJson(plan)];
    for (const o of outputs) {
      expect(o).not.toContain(PASSWORD);
      expect(o).not.toContain(HOOK);
    }
    expect(outputs[0]).toContain('+ password = (sensitive)');
    expect(outputs[0]).toContain('"channel": "#ops"');
    expect(outputs[0]).toContain('# (password (sensitive) set by the vault)');
    const saved = JSON.parse(outputs[2]!) as typeof plan;
    expect(saved.actions[0]!.after).toEqual({ user: 'ci', password: SENSITIVE, notify: { webhook: SENSITIVE, channel: '#ops' } });
    // The id is the hash of the public form: the saved file checks against it.
    expect(planIdOf(saved, sha256)).toBe(plan.planId);
  });

  it('a rotated secret shows as a change of a sensitive field, the old value masked too', () => {
    const live: LiveObject = { id: 'login[ci]', kind: 'login', account: 'prod', region: 'global', key: { name: 'ci' }, spec: { user: 'ci', password: 'old-password-value' }, ids: { id: 'l-1' }, container: 'account[prod]', prunable: false, requires: [] };
    const plan = build([login({ user: 'ci', password: PASSWORD })], [live]);
    const text = renderText(plan, { color: false });
    expect(text).toContain('~ password = (sensitive) -> (sensitive)');
    expect(text).not.toContain('old-password-value');
    expect(renderJson(plan)).not.toContain('old-password-value');
  });

  it('a field holding a value interpolated from a secret-looking variable is found without being declared, on either side', () => {
    const token = 'tok-live-12345';
    const plan = build([login({ user: 'ci', description: `deploy key ${token}`, tags: ['a', token] }, { sensitive: undefined as unknown as string[] })], [], [token]);
    expect(plan.actions[0]!.sensitive).toEqual(['description', 'tags']);
    expect(renderJson(plan)).not.toContain(token);
    expect(publicPlan(plan).actions[0]!.after?.['tags']).toBe(SENSITIVE);
    expect(sensitiveFields({ before: { a: { b: token } }, changes: [] }, [], [token])).toEqual(['a.b']);
  });

  it('leaves plans with nothing sensitive exactly as they were', () => {
    const plan = build([{ id: 'login[x]', kind: 'login', account: 'prod', region: 'global', key: { name: 'x' }, spec: { user: 'x' }, requires: [] }]);
    expect(plan.actions[0]!.sensitive).toBeUndefined();
    expect(publicPlan(plan)).toBe(plan);
  });
});
