/**
 * docs/cloud.md matches the schema (issue 15 item 3): it once documented `roleArn`, `source` and
 * `default`, which schemas/registry.schema.json rejects. Every key the credentials section names
 * must be a key of the schema's account or credentials object, every credentials key of the schema
 * must be documented, and the section's YAML example must validate.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasErrors, validateSource } from '../../src/config/load.js';

const doc = readFileSync(new URL('../../docs/cloud.md', import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../schemas/registry.schema.json', import.meta.url), 'utf8')) as {
  $defs: Record<string, { properties?: Record<string, unknown> }>;
};

/** The text of the section that starts with `heading`, up to the next `## `. */
function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + heading.length + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/**
 * Keys the section names for registry.yaml: every code span in the first cell of a table row
 * (`profile: NAME`, `defaultChain: true`, a bare `default`), and every `key: value` code span in
 * the prose. A span's key is what comes before its colon.
 */
function namedKeys(text: string): Set<string> {
  const keys = new Set<string>();
  const spanKey = (span: string): string => span.split(':')[0]!.trim();
  for (const line of text.split('\n')) {
    const row = /^\|([^|]*)\|/.exec(line);
    if (row && !/^\|\s*-/.test(line)) {
      for (const m of row[1]!.matchAll(/`([^`]+)`/g)) keys.add(spanKey(m[1]!));
    }
    for (const m of line.matchAll(/`([a-z][A-Za-z]*): [^`]+`/g)) keys.add(m[1]!);
  }
  return keys;
}

describe('docs/cloud.md, credentials', () => {
  const text = section('## Credentials, per account');
  const credentialKeys = Object.keys(schema.$defs['credentials']?.properties ?? {});
  const accountKeys = Object.keys(schema.$defs['account']?.properties ?? {});

  it('names only keys the schema has', () => {
    const named = namedKeys(text);
    expect(named.size).toBeGreaterThan(0);
    const unknown = [...named].filter((k) => !credentialKeys.includes(k) && !accountKeys.includes(k) && k !== 'credentials');
    expect(unknown, 'keys the docs name that schemas/registry.schema.json rejects').toEqual([]);
  });

  it('documents every credentials key of the schema', () => {
    const named = namedKeys(text);
    expect(credentialKeys.filter((k) => !named.has(k))).toEqual([]);
  });

  it("the section's YAML example is a valid accounts block", () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    expect(yaml).toBeDefined();
    const r = validateSource(`version: 1\n${yaml!}`, 'docs/cloud.md', { lint: false });
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(hasErrors(r.findings)).toBe(false);
  });

  it('would have caught the old table', () => {
    const old = '| `profile: NAME` | … |\n| `roleArn: ARN` (optionally `sessionName`, `source`) | … |\n| `default` | … |';
    expect([...namedKeys(old)].filter((k) => !credentialKeys.includes(k))).toEqual(['roleArn', 'source', 'default']);
  });
});
