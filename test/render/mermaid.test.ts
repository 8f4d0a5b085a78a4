// @vitest-environment jsdom
/**
 * Every Mermaid picture acrctl ships in a golden file (graph.mmd, and the ```mermaid block of each
 * golden plan.md) is accepted by the real Mermaid parser, and renders under jsdom to an SVG with one
 * box per account and instance (plus the legend), one node per action (plus the legend's) and one
 * arrow per reduced edge. jsdom has no layout engine, so SVG text is measured at a fixed width per
 * character (getBBox and getComputedTextLength are given that much; Mermaid only sizes boxes with them).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL as NodeURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const GOLDEN = fileURLToPath(new NodeURL('../golden/', import.meta.url));

function diagrams(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.mmd')) out.push([p.slice(GOLDEN.length), readFileSync(p, 'utf8')]);
      else if (e.name.endsWith('.md')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)) out.push([p.slice(GOLDEN.length), m[1] ?? '']);
      }
    }
  };
  if (existsSync(GOLDEN)) walk(GOLDEN);
  return out.sort(([a], [b]) => (a < b ? -1 : 1));
}

type Mermaid = (typeof import('mermaid'))['default'];
let mermaid: Mermaid;

/** The few DOM names this test uses (the project compiles without the DOM library). */
interface Dom {
  SVGElement: { prototype: { getBBox?: () => Box; getComputedTextLength?: () => number } };
  DOMParser: new () => { parseFromString(text: string, type: string): { querySelectorAll(selector: string): { length: number } } };
}
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const dom = globalThis as unknown as Dom;

beforeAll(async () => {
  const proto = dom.SVGElement.prototype;
  proto.getBBox = function (this: { textContent: string | null }): Box {
    return { x: 0, y: 0, width: (this.textContent ?? '').length * 8, height: 16 };
  };
  proto.getComputedTextLength = function (this: { textContent: string | null }): number {
    return (this.textContent ?? '').length * 8;
  };
  mermaid = (await import('mermaid')).default;
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
});

const all = diagrams();

it('finds the golden pictures', () => {
  expect(all.length).toBeGreaterThanOrEqual(10);
});

describe.each(all)('%s', (_file, source) => {
  it('parses and renders with one node per action, a box per account and instance, one arrow per edge', async () => {
    await expect(mermaid.parse(source)).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
    const nodes = [...source.matchAll(/^\s+(a\d+|legend_\w+)\["/gm)].length;
    const boxes = [...source.matchAll(/^\s+subgraph /gm)].length;
    const edges = [...source.matchAll(/^\s+a\d+ --> a\d+$/gm)].length;
    const { svg } = await mermaid.render(`g${Math.random().toString(36).slice(2)}`, source);
    const doc = new dom.DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(doc.querySelectorAll('g.node').length).toBe(nodes);
    expect(doc.querySelectorAll('g.cluster').length).toBe(boxes);
    expect(doc.querySelectorAll('path.flowchart-link').length).toBe(edges);
  });
});
