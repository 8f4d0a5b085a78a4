/** The JSON Schema is the contract: it compiles strictly, documents every property, and agrees with model.ts. */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, REGIONS } from '../../src/config/model.js';
import { registrySchema, registryValidator } from '../../src/config/schema.js';

type Json = Record<string, unknown>;
const defs = registrySchema['$defs'] as Record<string, Json>;

/** Every schema node reachable from the root, with a readable pointer. */
function* walk(node: unknown, pointer: string): Generator<[string, Json]> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const n = node as Json;
  yield [pointer, n];
  for (const key of ['properties', '$defs', 'dependentSchemas']) {
    const group = n[key];
    if (group && typeof group === 'object') for (const [k, v] of Object.entries(group)) yield* walk(v, `${pointer}/${key}/${k}`);
  }
  for (const key of ['items', 'additionalProperties', 'propertyNames', 'then', 'else', 'if', 'not']) yield* walk(n[key], `${pointer}/${key}`);
  for (const key of ['allOf', 'oneOf', 'anyOf']) {
    const list = n[key];
    if (Array.isArray(list)) for (const [i, v] of list.entries()) yield* walk(v, `${pointer}/${key}/${i}`);
  }
}

describe('registry.schema.json', () => {
  it('compiles with ajv strict mode (2020-12)', () => {
    expect(registrySchema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof registryValidator()).toBe('function');
  });

  it('gives every property a description (editors show it on hover)', () => {
    const missing: string[] = [];
    for (const [pointer, node] of walk(registrySchema, '#')) {
      const props = node['properties'];
      if (!props || typeof props !== 'object') continue;
      // Conditional branches (then/else) only restate properties declared (and described) above.
      if (/\/(then|else|if|dependentSchemas)(\/|$)/.test(pointer)) continue;
      for (const [name, prop] of Object.entries(props as Record<string, Json>)) {
        if (typeof prop['description'] !== 'string' || (prop['description'] as string).length < 5) missing.push(`${pointer}/properties/${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists exactly the regions of model.ts', () => {
    expect(defs['region']?.['enum']).toEqual([...REGIONS]);
  });

  it('declares the same defaults as DEFAULTS in model.ts', () => {
    const prop = (def: string, name: string): unknown => ((defs[def]?.['properties'] as Record<string, Json>)[name] ?? {})['default'];
    expect(prop('instance', 'prune')).toBe(DEFAULTS.instance.prune);
    expect(prop('instance', 'personalEditionDomain')).toBe(DEFAULTS.instance.personalEditionDomain);
    expect(prop('instance', 'authDomainTakeover')).toBe(DEFAULTS.instance.authDomainTakeover);
    expect(prop('vpcEndpoint', 'privateZone')).toBe(DEFAULTS.vpcEndpoint.privateZone);
    expect(prop('internetEndpoint', 'enabled')).toBe(DEFAULTS.internetEndpoint.enabled);
    expect(prop('internetEndpoint', 'prune')).toBe(DEFAULTS.internetEndpoint.prune);
    expect(prop('namespace', 'autoCreateRepo')).toBe(DEFAULTS.namespace.autoCreateRepo);
    expect(prop('namespace', 'defaultRepoType')).toBe(DEFAULTS.namespace.defaultRepoType);
    expect(prop('namespace', 'prune')).toBe(DEFAULTS.namespace.prune);
    expect(prop('repository', 'tagImmutability')).toBe(DEFAULTS.repository.tagImmutability);
    expect(prop('importRule', 'latest')).toBe(DEFAULTS.import.latest);
    expect(prop('importRule', 'tagFilter')).toBe(DEFAULTS.import.tagFilter);
    expect(prop('importRule', 'overwrite')).toBe(DEFAULTS.import.overwrite);
    expect(prop('importRule', 'includeBuildConfig')).toBe(DEFAULTS.import.includeBuildConfig);
    expect(prop('replicationRule', 'level')).toBe(DEFAULTS.replication.level);
    expect(prop('replicationRule', 'tagFilter')).toBe(DEFAULTS.replication.tagFilter);
    expect(prop('replicationRule', 'trigger')).toBe(DEFAULTS.replication.trigger);
    expect(prop('backfill', 'overwrite')).toBe(DEFAULTS.backfill.overwrite);
    expect(prop('policyStatement', 'effect')).toBe(DEFAULTS.policyStatement.effect);
    expect(prop('transitRouter', 'edition')).toBe(DEFAULTS.transitRouter.edition);
    expect(prop('ramPolicy', 'name')).toBe(DEFAULTS.crossAccountRole.policyName);
    const routes = ((defs['crossRegionAccess']?.['properties'] as Record<string, Json>)['routes']?.['properties'] ?? {}) as Record<string, Json>;
    expect(routes['auth']?.['default']).toBe(DEFAULTS.routes.auth);
    expect(routes['oss']?.['default']).toBe(DEFAULTS.routes.oss);
  });

  it.each([
    { reason: 'instance names: 3-30, lowercase, digits, inner hyphens', def: 'instance', prop: 'name', good: ['abc', 'acme-hz', 'a'.repeat(30), 'a1-b2'], bad: ['ab', 'a'.repeat(31), '-abc', 'abc-', 'Abc', 'a_b'] },
    { reason: 'namespace names: 2-120, separators _ - . inside', def: 'namespaceName', prop: undefined, good: ['ab', 'team-a', 'a.b_c-d', 'a'.repeat(120)], bad: ['a', '-ab', 'ab.', 'Team', 'a'.repeat(121), 'a/b'] },
    { reason: 'CIDRs: dotted quad and a 0-32 prefix', def: 'cidr', prop: undefined, good: ['0.0.0.0/0', '10.0.0.0/8', '203.0.113.7/32'], bad: ['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.0/8', '010.0.0.0/8'] },
    { reason: 'UIDs: 16 digits or an env reference', def: 'account', prop: 'uid', good: ['1234567890123456', '${env:PROD_UID}'], bad: ['123456789012345', '12345678901234567', '${PROD_UID}', 'abcdefghijklmnop'] },
  ])('pattern: $reason', ({ def, prop, good, bad }) => {
    const node = prop === undefined ? defs[def] : ((defs[def]?.['properties'] as Record<string, Json>)[prop] as Json);
    const re = new RegExp(String(node?.['pattern']), 'u');
    for (const g of good) expect(re.test(g), g).toBe(true);
    for (const b of bad) expect(re.test(b), b).toBe(false);
  });
});
