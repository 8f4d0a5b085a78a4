/**
 * Adopt's pure core: live objects (as the kinds read them) in, a registry.yaml document out.
 *
 * Owns: placing what each kind's `toConfig` makes of its live objects (src/plan/kind.ts
 * `ConfigPiece`) into one document, in kind order, so keys come in the language's order; sorting
 * maps by key and lists by natural key; leaving out entries the rest of the document derives again;
 * collecting the notes. What a live object becomes (defaults left out, what cannot be said) is its
 * kind's business. Must not import `node:` modules or cloud clients; reading is src/adopt/read.ts.
 *
 * Contract: the same facts give the same document, whatever order they arrive in (every map is built
 * sorted by key, every list sorted by its natural key). Nothing is dropped silently: an object left
 * out is named in a note (a piece whose container is not in the document, such as the ACL entries
 * of an endpoint that is off, is left out by its kind's own note).
 */
import type { Account, CrossAccountRole, Edition, Region, RegistryDocument } from '../config/model.js';
import { instanceAddress } from '../kinds/instance.js';
import { compareSpec } from '../plan/compare.js';
import type { AdoptNote, ConfigPiece, Kind, LiveObject, Spec } from '../plan/kind.js';

export type { AdoptNote } from '../plan/kind.js';

/** One Enterprise Edition instance found live by discovery, with the alias adopt gives it. */
export interface FoundInstance {
  readonly alias: string;
  readonly account: string;
  readonly region: Region;
  readonly name: string;
  readonly edition: Edition;
  readonly instanceId: string;
  /** Only RUNNING instances have readable children. */
  readonly status: string;
}

export interface AdoptFacts {
  /** Accounts to write (alias → declaration, credentials as the user gave them). */
  readonly accounts: Readonly<Record<string, Account>>;
  readonly instances: readonly FoundInstance[];
  /** Live objects of the instance-scoped kinds, read in discover mode. */
  readonly live: (kind: string) => readonly LiveObject[];
  /** The kinds whose `toConfig` write the document, in kind order. */
  readonly kinds: readonly Kind[];
}

/** Sorts by code unit, like every sorted list acrctl writes (locale-independent). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => compare(a, b))) out[k] = v;
  return out;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The object at `path` below `root`, or undefined when a segment is missing. */
function at(root: Node, path: readonly string[]): Node | undefined {
  let node: unknown = root;
  for (const seg of path) {
    if (!isNode(node)) return undefined;
    node = node[seg];
  }
  return isNode(node) ? node : undefined;
}

/** An entry that may be left out, with what re-deriving it must give. */
interface Derivable {
  readonly kind: Kind;
  readonly id: string;
  /** The map, and where it sits (a map a left-out entry empties goes too). */
  readonly map: Node;
  readonly parent: Node;
  readonly name: string;
  readonly key: string;
  readonly spec: Spec;
  /** The fields the entry had when placed: anything added under it since keeps it. */
  readonly fields: number;
}

/**
 * Places one piece. The piece's container (the last path segment) is created when missing, inside
 * a parent that must be there already: a piece whose parent is not in the document is not placed.
 */
function place(doc: Node, piece: ConfigPiece, maps: Set<Node>, lists: Map<unknown[], string[]>): { map: Node; parent: Node; name: string } | undefined {
  const path = 'entry' in piece ? piece.entry : 'set' in piece ? piece.set : piece.item;
  if ('set' in piece) {
    const target = at(doc, path);
    if (target !== undefined) Object.assign(target, piece.fields);
    return undefined;
  }
  const parent = at(doc, path.slice(0, -1));
  const name = path[path.length - 1]!;
  if (parent === undefined) return undefined;
  if ('entry' in piece) {
    const map = (parent[name] ??= {}) as Node;
    maps.add(map);
    map[piece.key] = { ...piece.value };
    return { map, parent, name };
  }
  const list = (parent[name] ??= []) as unknown[];
  const orders = lists.get(list) ?? [];
  lists.set(list, orders);
  list.push(piece.value);
  orders.push(piece.order);
  return undefined;
}

/**
 * The document for the facts, plus notes: every kind's pieces placed in kind order (each kind's live
 * objects by address), maps sorted by key, lists by natural key, and `derivable` entries left out
 * when nothing was placed inside them and their kind derives them again, with the same spec, from the
 * rest of the document (a namespace a replication rule creates in its target: docs/adopt.md).
 * Cross-account RAM objects and cross-region paths are folded separately (src/adopt/roles.ts,
 * src/adopt/routes.ts).
 */
export function buildDocument(facts: AdoptFacts): { document: RegistryDocument; notes: AdoptNote[] } {
  const notes: AdoptNote[] = [];
  const byAlias = new Map(facts.instances.map((i) => [i.alias, i] as const));
  const uids = new Set(Object.values(facts.accounts).map((a) => a.uid));
  const ctx = { live: facts.live, instance: (alias: string) => byAlias.get(alias), declaresUid: (uid: string) => uids.has(uid) };
  const doc: Node = { version: 1, accounts: sortedRecord(Object.entries(facts.accounts)) };
  // The instances discovery found: what they are comes from discovery, what is inside from the kinds.
  if (facts.instances.length > 0) {
    doc['instances'] = sortedRecord(facts.instances.map((i) => [i.alias, { account: i.account, region: i.region, edition: i.edition, name: i.name }] as const));
  }
  for (const i of facts.instances) {
    if (i.status !== 'RUNNING') notes.push({ address: instanceAddress(i.alias), message: `instance ${i.name} is ${i.status}, not RUNNING: its namespaces, endpoints and rules cannot be read, so only the instance is adopted` });
  }
  const maps = new Set<Node>();
  const lists = new Map<unknown[], string[]>();
  const derivable: Derivable[] = [];
  for (const kind of facts.kinds) {
    if (kind.toConfig === undefined) continue;
    for (const l of [...facts.live(kind.name)].sort((a, b) => compare(a.id, b.id))) {
      const out = kind.toConfig(l, ctx);
      notes.push(...(out.notes ?? []));
      for (const piece of out.pieces ?? []) {
        const placed = place(doc, piece, maps, lists);
        if (placed !== undefined && 'entry' in piece && piece.derivable !== undefined) {
          derivable.push({ kind, id: l.id, ...placed, key: piece.key, spec: piece.derivable, fields: Object.keys(piece.value).length });
        }
      }
    }
  }
  for (const map of maps) {
    const sorted = sortedRecord(Object.entries(map));
    for (const k of Object.keys(map)) delete map[k];
    Object.assign(map, sorted);
  }
  for (const [list, orders] of lists) {
    const sorted = list.map((v, i) => [orders[i]!, v] as const).sort(([a], [b]) => compare(a, b));
    sorted.forEach(([, v], i) => (list[i] = v));
  }
  for (const d of derivable) {
    const entry = d.map[d.key];
    if (!isNode(entry) || Object.keys(entry).length !== d.fields) continue; // something was placed inside it
    const rest = sortedRecord(Object.entries(d.map).filter(([k]) => k !== d.key));
    const emptied = Object.keys(rest).length === 0;
    if (emptied) delete d.parent[d.name];
    else delete d.map[d.key];
    const again = d.kind.desired(doc as unknown as RegistryDocument).find((x) => x.id === d.id);
    if (again !== undefined && compareSpec(again.spec, d.spec).length === 0) continue; // the document derives it again
    if (emptied) d.parent[d.name] = d.map;
    else d.map[d.key] = entry;
    for (const k of Object.keys(d.map)) delete d.map[k];
    Object.assign(d.map, sortedRecord(Object.entries({ ...rest, [d.key]: entry })));
  }
  return { document: doc as unknown as RegistryDocument, notes: notes.sort((a, b) => compare(a.address, b.address) || compare(a.message, b.message)) };
}

/** Adds explicit cross-account roles (already folded) to a document. Pure. */
export function withRoles(document: RegistryDocument, roles: Readonly<Record<string, CrossAccountRole>>): RegistryDocument {
  if (Object.keys(roles).length === 0) return document;
  return { ...document, crossAccountRoles: sortedRecord(Object.entries(roles)) };
}
