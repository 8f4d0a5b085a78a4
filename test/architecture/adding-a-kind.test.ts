/**
 * The worked example of docs/architecture.md, run: a kind defined here, in one module's worth of
 * code and nowhere else, is part of the language (schema, config types, reference), has its
 * references checked, is planned, applied (create, a replace as delete → create), pruned and
 * adopted, with no change to the planner, the executor, the views, the reference checker, adopt
 * or the doc generator. Its "cloud" is a plain in-memory object.
 */
import { describe, expect, it } from 'vitest';
import { generateLanguageDoc } from '../../src/config/docgen.js';
import { checkReferences } from '../../src/config/references.js';
import { generateConfigTypes } from '../../src/config/typegen.js';
import type { ReferenceCheck, RegistryDocument } from '../../src/config/model.js';
import { buildDocument } from '../../src/adopt/build.js';
import { allKinds } from '../../src/kinds/index.js';
import { instanceAddress } from '../../src/kinds/instance.js';
import { CONFIG_TYPES, languageReferences, languageSchema, languageSections } from '../../src/kinds/language.js';
import { address, segment } from '../../src/plan/address.js';
import { bool, str, struct, type Decoded } from '../../src/plan/decode.js';
import type { Kind, LanguageFragment, LiveObject } from '../../src/plan/kind.js';
import { renderText } from '../../src/render/text.js';
import { applyPlan, planFor } from '../support/exec.js';

// ---- the kind module ------------------------------------------------------------------------

const keyShape = struct({ instance: str, widget: str });
const specShape = struct({ colour: str, shiny: bool });
const idsShape = struct({ widgetId: str });
type WidgetKey = Decoded<typeof keyShape>;
type WidgetSpec = Decoded<typeof specShape>;
type WidgetIds = Decoded<typeof idsShape>;

const widgetAddress = (instance: string, widget: string) => address(instanceAddress(instance), segment('widget', widget));

const LANGUAGE: LanguageFragment = {
  properties: { '#/$defs/instance': { widgets: { description: 'Widgets (natural key: name).', type: 'array', items: { $ref: '#/$defs/widget' } } } },
  defs: {
    widget: {
      description: 'A widget.',
      type: 'object',
      required: ['name', 'colour'],
      additionalProperties: false,
      properties: {
        name: { description: 'Its name.', type: 'string' },
        colour: { description: 'Its colour; a new colour is a new widget.', type: 'string' },
        shiny: { description: 'Polished.', type: 'boolean', default: false },
        namespace: { description: 'A namespace of the instance it belongs to.', type: 'string' },
      },
    },
  },
  sections: [['widget', '#/$defs/widget']],
};

const REFERENCES: ReferenceCheck = ({ instances, items, needNamespace }) => {
  for (const [alias, inst] of instances) {
    for (const [i, w] of items(inst['widgets'])) needNamespace(alias, w['namespace'], ['instances', alias, 'widgets', i, 'namespace'], `widgets[${i}]`);
  }
};

/** The product client the kind calls: in-memory widgets by id. */
interface WidgetCloud {
  readonly widgets: Map<string, { name: string; colour: string; shiny: boolean }>;
  readonly calls: string[];
}

function widgetKind(cloud: WidgetCloud): Kind<WidgetSpec, WidgetIds, WidgetKey> {
  let next = 1;
  const byName = (name: string) => [...cloud.widgets].find(([, w]) => w.name === name);
  return {
    name: 'widget',
    readAfter: [],
    reportsUnmanaged: true,
    address: (k) => widgetAddress(k.instance, k.widget),
    decode: { key: keyShape, spec: specShape, ids: idsShape },
    language: LANGUAGE,
    references: REFERENCES,
    // The widgets live in memory here, so no call needs a RAM permission; a real kind lists its
    // API calls per verb with the names of their resources (docs/architecture.md "Adding a kind").
    permissions: () => [],
    desired(config) {
      return Object.entries(config.instances ?? {}).flatMap(([alias, inst]) =>
        ((inst as unknown as { widgets?: { name: string; colour: string; shiny?: boolean }[] }).widgets ?? []).map((w) => ({
          id: widgetAddress(alias, w.name),
          kind: 'widget',
          account: inst.account,
          region: inst.region,
          instance: alias,
          key: { instance: alias, widget: w.name },
          spec: { colour: w.colour, shiny: w.shiny ?? false },
          requires: [],
        })),
      );
    },
    async read() {
      return [...cloud.widgets].map(([id, w]): LiveObject<WidgetSpec, WidgetIds, WidgetKey> => ({
        id: widgetAddress('hz', w.name),
        kind: 'widget',
        account: 'prod',
        region: 'cn-hangzhou',
        instance: 'hz',
        key: { instance: 'hz', widget: w.name },
        spec: { colour: w.colour, shiny: w.shiny },
        ids: { widgetId: id },
        container: instanceAddress('hz'),
        prunable: true,
        requires: [],
      }));
    },
    diff(d, l) {
      return {
        changes: (['colour', 'shiny'] as const)
          .filter((f) => d.spec[f] !== l.spec[f])
          .map((f) => ({ path: f, before: l.spec[f], after: d.spec[f], impact: f === 'colour' ? 'replace' : 'update' })),
      };
    },
    async observe(_ctx, s) {
      const found = s.ids !== undefined ? cloud.widgets.get(s.ids.widgetId) : byName(s.key.widget)?.[1];
      const id = s.ids?.widgetId ?? byName(s.key.widget)?.[0];
      if (found === undefined || id === undefined) return { state: 'absent' };
      return { state: 'present', upToDate: found.colour === s.spec.colour && found.shiny === s.spec.shiny, ready: true, ids: { widgetId: id } };
    },
    async create(ctx, s) {
      await ctx.intent('CreateWidget', { name: s.key.widget });
      cloud.calls.push(`create ${s.key.widget} ${s.spec.colour} ${ctx.clientToken().slice(0, 14)}`);
      const id = `w-${next++}`;
      cloud.widgets.set(id, { name: s.key.widget, colour: s.spec.colour, shiny: s.spec.shiny });
      return { ids: { widgetId: id } };
    },
    async update(ctx, c) {
      await ctx.intent('UpdateWidget', { name: c.key.widget });
      cloud.calls.push(`update ${c.key.widget} ${c.changes.map((x) => x.path).join(',')}`);
      cloud.widgets.get(c.ids.widgetId)!.shiny = c.spec.shiny;
      return { ids: c.ids };
    },
    async delete(ctx, r) {
      await ctx.intent('DeleteWidget', { id: r.ids.widgetId });
      cloud.calls.push(`delete ${r.key.widget} ${r.ids.widgetId}`);
      cloud.widgets.delete(r.ids.widgetId);
      return {};
    },
    toConfig(l) {
      return { pieces: [{ item: ['instances', l.key.instance, 'widgets'], value: { name: l.key.widget, colour: l.spec.colour, ...(l.spec.shiny ? { shiny: true } : {}) }, order: l.key.widget }] };
    },
  };
}

// ---- the rest of the system, unchanged ---------------------------------------------------------

const config = (widgets: { name: string; colour: string; shiny?: boolean }[]): RegistryDocument =>
  ({
    version: 1,
    accounts: { prod: { uid: '1234567890123456' } },
    instances: { hz: { account: 'prod', region: 'cn-hangzhou', edition: 'Basic', name: 'acme-hz', widgets } },
  }) as unknown as RegistryDocument;

describe('adding a kind touches its own module only', () => {
  const cloud: WidgetCloud = { widgets: new Map(), calls: [] };
  const widget = widgetKind(cloud);
  const kinds = [...allKinds, widget];

  it('is part of the language: schema, config types, reference sections', () => {
    const schema = languageSchema(kinds);
    expect(Object.keys((schema['$defs'] as Record<string, { properties: object }>)['instance']!.properties).at(-1)).toBe('widgets');
    expect(generateConfigTypes(schema, CONFIG_TYPES)).toContain('export interface Widget {');
    expect(generateConfigTypes(schema, CONFIG_TYPES)).toContain('readonly widgets?: readonly Widget[];');
    expect(generateLanguageDoc(schema, languageSections(kinds))).toContain('## widget\n\nA widget.\n');
  });

  it('has its references checked with everyone else\'s', () => {
    const doc = { ...config([{ name: 'a', colour: 'red' }]), instances: { hz: { account: 'prod', namespaces: {}, widgets: [{ name: 'a', namespace: 'ghost' }] } } };
    const found = checkReferences(doc, () => ({ file: 'r.yaml', line: 1, column: 1 }), languageReferences(kinds));
    expect(found.map((f) => `${f.id} ${f.path.join('.')}`)).toEqual(['ref/unknown-namespace instances.hz.widgets.0.namespace']);
  });

  it('is planned, applied, replaced through the engine, rendered, pruned and adopted', async () => {
    const session = undefined as never;
    const first = await planFor(config([{ name: 'a', colour: 'red' }]), session, [widget]);
    expect(first.actions.map((a) => `${a.type} ${a.id} ${JSON.stringify(a.key)}`)).toEqual(['create instance[hz].widget[a] {"instance":"hz","widget":"a"}']);
    expect(renderText(first, { color: false })).toContain('+ instance[hz].widget[a]');
    expect((await applyPlan(first, [widget], session)).result.status).toBe('complete');
    expect((await planFor(config([{ name: 'a', colour: 'red' }]), session, [widget])).actions).toEqual([]);

    const repaint = await planFor(config([{ name: 'a', colour: 'blue', shiny: true }]), session, [widget]);
    expect(repaint.actions.map((a) => `${a.type} ${a.id}`)).toEqual(['replace instance[hz].widget[a]']);
    cloud.calls.length = 0;
    expect((await applyPlan(repaint, [widget], session)).result.status).toBe('complete');
    expect(cloud.calls.map((c) => c.replace(/ acrctl-\w+$/, ''))).toEqual(['delete a w-1', 'create a blue']);
    expect([...cloud.widgets.values()]).toEqual([{ name: 'a', colour: 'blue', shiny: true }]);

    const pruned = await planFor(config([]), session, [widget]);
    expect(pruned.actions.map((a) => `${a.type} ${a.id} ${JSON.stringify(a.ids)}`)).toEqual(['delete instance[hz].widget[a] {"widgetId":"w-2"}']);

    const live = await widget.read({ config: config([]), desired: [], cloud: session, live: () => [] });
    const adopted = buildDocument({
      accounts: { prod: { uid: '1234567890123456' } },
      instances: [{ alias: 'hz', account: 'prod', region: 'cn-hangzhou', name: 'acme-hz', edition: 'Basic', instanceId: 'cri-1', status: 'RUNNING' }],
      live: (k) => (k === 'widget' ? live : []),
      kinds,
    });
    expect((adopted.document.instances?.['hz'] as unknown as { widgets: unknown }).widgets).toEqual([{ name: 'a', colour: 'blue', shiny: true }]);
  });
});
