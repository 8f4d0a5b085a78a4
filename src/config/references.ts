/**
 * Reference checks: every alias and name a document refers to exists, natural keys are unique, and
 * replication neither targets its own instance nor loops.
 *
 * Contract: pure; reads the plain value defensively (it runs even when schema validation found errors
 * elsewhere, so a wrong-typed part is skipped rather than trusted), so all mistakes are reported in one
 * pass. Product rules (editions, regions, regexes…) are lints, not references.
 */
import type { Locator } from './locate.js';
import type { Finding } from './model.js';
import { closest, quote } from './suggest.js';

type Path = (string | number)[];
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function entries(v: unknown): [string, Obj][] {
  return isObj(v) ? Object.entries(v).filter((e): e is [string, Obj] => isObj(e[1])) : [];
}
function items(v: unknown): [number, Obj][] {
  return Array.isArray(v) ? v.map((x, i) => [i, x] as [number, unknown]).filter((e): e is [number, Obj] => isObj(e[1])) : [];
}

/** Checks references of a (possibly partly invalid) plain document. */
export function checkReferences(doc: unknown, locate: Locator): Finding[] {
  if (!isObj(doc)) return [];
  const findings: Finding[] = [];
  const push = (id: string, message: string, path: Path, hint?: string, target: 'key' | 'value' = 'value'): void => {
    findings.push({ id, severity: 'error', message, location: locate(path, target), path, ...(hint === undefined ? {} : { hint }) });
  };
  const accounts = entries(doc['accounts']).map(([k]) => k);
  const instances = new Map(entries(doc['instances']));
  const instanceAliases = [...instances.keys()];

  const needAccount = (value: unknown, path: Path, what: string): void => {
    const a = str(value);
    if (a === undefined || accounts.includes(a)) return;
    const s = closest(a, accounts);
    push('ref/unknown-account', `${what} refers to unknown account ${quote(a)}${s ? `; did you mean ${quote(String(s))}?` : ''}`, path,
      s ? undefined : accounts.length ? `declared accounts: ${accounts.join(', ')}` : 'declare it under accounts');
  };
  const needInstance = (value: unknown, path: Path, what: string): string | undefined => {
    const a = str(value);
    if (a === undefined) return undefined;
    if (instances.has(a)) return a;
    const s = closest(a, instanceAliases);
    push('ref/unknown-instance', `${what} refers to unknown instance ${quote(a)}${s ? `; did you mean ${quote(String(s))}?` : ''}`, path,
      s ? undefined : instanceAliases.length ? `declared instances: ${instanceAliases.join(', ')}` : 'declare it under instances');
    return undefined;
  };
  const namespacesOf = (alias: string): string[] => entries(instances.get(alias)?.['namespaces']).map(([k]) => k);
  const needNamespace = (alias: string, value: unknown, path: Path, what: string): void => {
    const ns = str(value);
    if (ns === undefined) return;
    const declared = namespacesOf(alias);
    if (declared.includes(ns)) return;
    const s = closest(ns, declared);
    push('ref/unknown-namespace', `${what} refers to namespace ${quote(ns)}, which is not declared in instance ${quote(String(alias))}${s ? `; did you mean ${quote(String(s))}?` : ''}`, path,
      s ? undefined : `declare it under instances.${alias}.namespaces`);
  };

  // Instances: account, natural key (name) collisions.
  const byName = new Map<string, { alias: string; account: string | undefined; region: string | undefined }>();
  for (const [alias, inst] of instances) {
    needAccount(inst['account'], ['instances', alias, 'account'], `instance ${quote(String(alias))}`);
    const name = str(inst['name']);
    if (name === undefined) continue;
    const account = str(inst['account']);
    const region = str(inst['region']);
    const prev = byName.get(name);
    if (prev && (prev.account === account || prev.region === region)) {
      push('ref/duplicate-instance', `instances ${quote(String(prev.alias))} and ${quote(String(alias))} both have the name ${quote(String(name))}${prev.region === region ? ` in ${region ?? 'the same region'}` : ' in the same account'}`,
        ['instances', alias, 'name'], 'an instance name is its natural key (and part of its hostname): give each instance its own name');
    } else if (!prev) {
      byName.set(name, { alias, account, region });
    }
  }

  // Per-instance lists.
  const edges: { from: string; to: string; path: Path }[] = [];
  for (const [alias, inst] of instances) {
    const base: Path = ['instances', alias];
    const seenEndpoints = new Map<string, number>();
    for (const [i, ep] of items(inst['vpcEndpoints'])) {
      const key = `${str(ep['vpc']) ?? ''}/${str(ep['vswitch']) ?? ''}`;
      const first = seenEndpoints.get(key);
      if (first !== undefined) push('ref/duplicate-key', `VPC endpoint ${key} is declared twice (first at vpcEndpoints[${first}])`, [...base, 'vpcEndpoints', i]);
      else seenEndpoints.set(key, i);
    }
    const ie = inst['internetEndpoint'];
    if (isObj(ie)) {
      const seenCidrs = new Map<string, number>();
      for (const [i, entry] of items(ie['allow'])) {
        const cidr = str(entry['cidr']);
        if (cidr === undefined) continue;
        const first = seenCidrs.get(cidr);
        if (first !== undefined) push('ref/duplicate-key', `ACL entry ${cidr} is declared twice (first at allow[${first}])`, [...base, 'internetEndpoint', 'allow', i, 'cidr']);
        else seenCidrs.set(cidr, i);
      }
    }
    const seenImports = new Map<string, number>();
    for (const [i, rule] of items(inst['imports'])) {
      const path: Path = [...base, 'imports', i];
      needNamespace(alias, rule['namespace'], [...path, 'namespace'], `imports[${i}]`);
      const key = [rule['from'], rule['namespace'], rule['sourceRegion'], rule['sourceNamespace'], rule['bucket'], rule['prefix']].map((x) => String(x ?? '')).join('|');
      const first = seenImports.get(key);
      if (first !== undefined) push('ref/duplicate-key', `this import repeats imports[${first}] (same source and target namespace)`, path);
      else seenImports.set(key, i);
    }
    const seenRules = new Map<string, number>();
    for (const [i, rule] of items(inst['replication'])) {
      const path: Path = [...base, 'replication', i];
      const name = str(rule['name']);
      const label = name === undefined ? `replication rule ${i}` : `replication rule ${quote(String(name))}`;
      if (name !== undefined) {
        const first = seenRules.get(name);
        if (first !== undefined) push('ref/duplicate-key', `replication rule name ${quote(String(name))} is used twice in instance ${quote(String(alias))} (first at replication[${first}])`, [...path, 'name'], 'a rule name is its natural key within the source instance');
        else seenRules.set(name, i);
      }
      needNamespace(alias, rule['namespace'], [...path, 'namespace'], label);
      const to = needInstance(rule['to'], [...path, 'to'], label);
      if (to === undefined) continue;
      if (to === alias) {
        push('ref/replication-to-self', `${label} replicates instance ${quote(String(alias))} to itself`, [...path, 'to'], 'set `to` to another instance');
        continue;
      }
      const ns = str(rule['namespace']);
      if (ns !== undefined) edges.push({ from: `${alias}/${ns}`, to: `${to}/${ns}`, path: [...path, 'to'] });
    }
  }

  // Replication loops, over (instance, namespace) nodes, reported at the rule that closes the loop.
  const adjacency = new Map<string, string[]>();
  for (const edge of edges) {
    const loop = findPath(adjacency, edge.to, edge.from);
    if (loop) {
      const cycle = [edge.from, ...loop].join(' → ');
      push('ref/replication-cycle', `replication loop: ${cycle}`, edge.path, 'images would be copied round the loop; remove one of the rules or narrow their tagFilters to disjoint sets and split them across namespaces');
    }
    const list = adjacency.get(edge.from) ?? [];
    list.push(edge.to);
    adjacency.set(edge.from, list);
  }

  // Cross-account roles.
  for (const [account, role] of entries(doc['crossAccountRoles'])) {
    const base: Path = ['crossAccountRoles', account];
    if (!accounts.includes(account)) {
      const s = closest(account, accounts);
      push('ref/unknown-account', `cross-account role for unknown account ${quote(account)}${s ? `; did you mean ${quote(String(s))}?` : ''}`, base, undefined, 'key');
    }
    const trusted = role['trustedAccounts'];
    if (Array.isArray(trusted)) {
      trusted.forEach((t, i) => {
        needAccount(t, [...base, 'trustedAccounts', i], `trustedAccounts of ${quote(String(account))}`);
        if (t === account) push('ref/self-trust', `account ${quote(String(account))} trusts itself; the sync role is only for other accounts`, [...base, 'trustedAccounts', i]);
      });
    }
    const covered = role['instances'];
    if (Array.isArray(covered)) {
      covered.forEach((x, i) => {
        const alias = needInstance(x, [...base, 'instances', i], `cross-account role ${quote(String(account))}`);
        if (alias === undefined) return;
        const owner = str(instances.get(alias)?.['account']);
        if (owner !== undefined && owner !== account) {
          push('ref/instance-account-mismatch', `instance ${quote(String(alias))} belongs to account ${quote(String(owner))}, not ${quote(String(account))}; the role can only cover instances of its own account`, [...base, 'instances', i]);
        }
      });
    }
  }

  // Cross-region access.
  const seenAccess = new Map<string, number>();
  for (const [i, access] of items(doc['crossRegionAccess'])) {
    const base: Path = ['crossRegionAccess', i];
    const name = str(access['name']);
    if (name !== undefined) {
      const first = seenAccess.get(name);
      if (first !== undefined) push('ref/duplicate-key', `cross-region access name ${quote(String(name))} is used twice (first at crossRegionAccess[${first}])`, [...base, 'name']);
      else seenAccess.set(name, i);
    }
    const from = access['from'];
    if (isObj(from)) needAccount(from['account'], [...base, 'from', 'account'], `cross-region access ${quote(String(name ?? i))}`);
    needInstance(access['to'], [...base, 'to'], `cross-region access ${quote(String(name ?? i))}`);
  }
  return findings;
}

/** A path of nodes from `start` to `goal` (excluding `start`), or undefined. Breadth-first. */
function findPath(adjacency: ReadonlyMap<string, readonly string[]>, start: string, goal: string): string[] | undefined {
  const parent = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    if (node === goal) {
      const out: string[] = [];
      for (let n: string | null | undefined = node; n !== null && n !== undefined; n = parent.get(n)) out.unshift(n);
      return out;
    }
    for (const next of adjacency.get(node) ?? []) {
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}
