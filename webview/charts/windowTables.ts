// The encoding-table heatmap and the position-similarity matrix over the zoom window, drawn into cards
// that persist across renders: the canvases and the zoom bar are made once and redrawn in place.
import type { Matrix32 } from '../../src/core/onnx/jobs';
import type { PositionWindow } from '../compute/windowJob';
import { button, el } from '../ui';
import { drawHeatmap, drawSimilarity } from './heatmap';
import type { Card } from './kit';

export interface Zoom {
  /** Current level: 0 = whole 0…target, higher = narrower around the trained boundary. */
  level: number;
  levels: number;
  set(level: number): void;
}

/** The zoom of the latest render; the buttons and keys made once read it when used. */
let zoom: Zoom = { level: 0, levels: 1, set: () => undefined };
const zoomIn = (): void => zoom.set(Math.min(zoom.levels - 1, zoom.level + 1));
const zoomOut = (): void => zoom.set(Math.max(0, zoom.level - 1));

function canvasIn(c: Card, make: () => HTMLCanvasElement): HTMLCanvasElement {
  return c.body.querySelector('canvas') ?? make();
}

/** The table as a heatmap; with `zoom`, a zoom bar and +/− keys (the window tables), without (a learned table). */
export function drawTableCard(c: Card, table: Matrix32, w: PositionWindow, o: { what: string; width: number; scale: number; trained: number | null; target: number; zoom?: Zoom }): void {
  if (o.zoom) zoom = o.zoom;
  const zoomable = !!o.zoom;
  const canvas = canvasIn(c, () => {
    const cv = el('canvas', { attrs: { role: 'img', tabindex: '0' } });
    if (!zoomable) {
      c.body.replaceChildren(cv);
      return cv;
    }
    cv.addEventListener('keydown', (e) => {
      if (e.key === '+' || e.key === '=') zoomIn();
      if (e.key === '-') zoomOut();
    });
    c.body.replaceChildren(el('div', { className: 'zoom' },
      button('Zoom in', zoomIn, { secondary: true, title: 'Zoom in around the trained boundary' }),
      button('Zoom out', zoomOut, { secondary: true, title: 'Zoom out' }),
      el('span', { className: 'muted range' })), cv);
    return cv;
  });
  canvas.setAttribute('aria-label', `Encoding heatmap of ${o.what}${zoomable ? '; + and − keys zoom' : ''}`);
  const range = c.body.querySelector('.range');
  if (range) range.textContent = `positions ${w.start}…${w.start + w.stride * (w.count - 1)} (every ${w.stride})`;
  drawHeatmap(canvas, table, w, o.width, o.scale, o.trained, o.target);
  c.setCanvas(() => canvas);
  c.setData(['position', ...Array.from({ length: table.cols }, (_, k) => `dim_${k}`)], {
    rows: table.rows,
    get: () => [
      Float64Array.from({ length: table.rows }, (_, p) => w.start + w.stride * p),
      ...Array.from({ length: table.cols }, (_, k) => Float32Array.from({ length: table.rows }, (_, p) => table.data[p * table.cols + k]!)),
    ],
  }, 32);
}

export function drawSimilarityCard(c: Card, sim: Matrix32, w: PositionWindow, o: { what: string; width: number; trained: number | null }): void {
  const canvas = canvasIn(c, () => {
    const cv = el('canvas', { attrs: { role: 'img' } });
    c.body.replaceChildren(cv);
    return cv;
  });
  canvas.setAttribute('aria-label', `Position similarity matrix of ${o.what}`);
  drawSimilarity(canvas, sim, w, o.width, o.trained);
  c.setCanvas(() => canvas);
  const positions = Float64Array.from({ length: w.count }, (_, i) => w.start + w.stride * i);
  c.setData(['position', ...Array.from(positions, (p) => `p${p}`)], {
    rows: sim.rows,
    get: () => [positions, ...Array.from({ length: sim.rows }, (_, i) => sim.data.subarray(i * sim.cols, (i + 1) * sim.cols))],
  }, 16);
}
