// Canvas charts too dense for uPlot: the encoding table (positions × dimensions) and the position
// similarity matrix, both over a zoomable window around the trained boundary. Drawn at device pixels.
import type { Matrix32 } from '../../src/core/onnx/jobs';
import type { PositionWindow } from '../compute/windowJob';
import { fmt, theme } from './kit';

/** RdBu-like diverging map for values in [−1, 1]; readable on dark and light themes alike. */
function colour(x: number): [number, number, number] {
  const lo: [number, number, number] = [33, 102, 172];
  const mid: [number, number, number] = [240, 240, 240];
  const hi: [number, number, number] = [178, 24, 43];
  const [a, b, t] = x < 0 ? [mid, lo, -x] : [mid, hi, x];
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * t)) as [number, number, number];
}

/** The map sampled at 1024 levels as packed RGBA: one lookup per pixel instead of three small arrays. */
const LEVELS = 1024;
const LUT = (() => {
  const out = new Uint32Array(LEVELS);
  const bytes = new Uint8Array(out.buffer);
  for (let i = 0; i < LEVELS; i++) {
    const [r, g, b] = colour((2 * i) / (LEVELS - 1) - 1);
    bytes.set([r, g, b, 255], 4 * i);
  }
  return out;
})();

function level(v: number): number {
  const x = Number.isNaN(v) ? 0 : v < -1 ? -1 : v > 1 ? 1 : v; // NaN shows as 0 (neutral), never as a colour
  return Math.round(((x + 1) * (LEVELS - 1)) / 2);
}

/** Sizes the canvas backing store for HiDPI and returns a context scaled to CSS pixels. */
export function hidpi(canvas: HTMLCanvasElement, cssW: number, cssH: number): CanvasRenderingContext2D {
  const dpr = devicePixelRatio || 1;
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  canvas.style.width = `${cssW}px`;
  canvas.style.height = `${cssH}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** An image of `rows × cols` values, value(r, c), placed in the rectangle (x, y, w, h). */
export function blit(ctx: CanvasRenderingContext2D, rows: number, cols: number, value: (r: number, c: number) => number, x: number, y: number, w: number, h: number): void {
  const img = new ImageData(cols, rows);
  const px = new Uint32Array(img.data.buffer);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) px[r * cols + c] = LUT[level(value(r, c))]!;
  }
  const tmp = document.createElement('canvas');
  tmp.width = cols;
  tmp.height = rows;
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, x, y, w, h);
}

const LEFT = 40;
const BOTTOM = 30;
const TOP = 6;

function marker(ctx: CanvasRenderingContext2D, w: PositionWindow, pos: number, x0: number, width: number, y0: number, height: number, label: string, vertical: boolean): void {
  const end = w.start + w.stride * w.count;
  if (pos < w.start || pos > end) return;
  const f = (pos - w.start) / (end - w.start);
  ctx.save();
  ctx.strokeStyle = theme().fg;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  if (vertical) {
    ctx.moveTo(x0 + f * width, y0);
    ctx.lineTo(x0 + f * width, y0 + height);
  } else {
    ctx.moveTo(x0, y0 + f * height);
    ctx.lineTo(x0 + width, y0 + f * height);
  }
  ctx.stroke();
  ctx.fillStyle = theme().fg;
  if (vertical) ctx.fillText(label, Math.min(x0 + f * width + 3, x0 + width - 40), y0 + 12);
  ctx.restore();
}

function axisText(ctx: CanvasRenderingContext2D, w: PositionWindow, x0: number, width: number, y: number): void {
  const end = w.start + w.stride * (w.count - 1);
  ctx.fillStyle = theme().fg;
  ctx.font = '10px sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(fmt(w.start), x0, y);
  ctx.textAlign = 'right';
  ctx.fillText(fmt(end), x0 + width, y);
  ctx.textAlign = 'center';
  ctx.fillText('position (tokens)', x0 + width / 2, y);
  ctx.textAlign = 'left';
}

/** Positions along x, dimensions (cos block, then sin block) along y. */
export function drawHeatmap(canvas: HTMLCanvasElement, table: Matrix32, w: PositionWindow, cssW: number, scale: number, trained: number | null, target: number): void {
  const cssH = Math.max(160, Math.min(320, table.cols * 2 + BOTTOM + TOP));
  const ctx = hidpi(canvas, cssW, cssH);
  ctx.fillStyle = theme().bg;
  ctx.fillRect(0, 0, cssW, cssH);
  const pw = cssW - LEFT - 4;
  const ph = cssH - BOTTOM - TOP;
  blit(ctx, table.cols, table.rows, (r, c) => table.data[c * table.cols + r]! / scale, LEFT, TOP, pw, ph);
  ctx.fillStyle = theme().fg;
  ctx.font = '10px sans-serif';
  ctx.fillText('dim 0', 2, TOP + 10);
  ctx.fillText(String(table.cols - 1), 2, TOP + ph);
  axisText(ctx, w, LEFT, pw, cssH - 8);
  if (trained !== null) marker(ctx, w, trained, LEFT, pw, TOP, ph, 'trained', true);
  marker(ctx, w, target, LEFT, pw, TOP, ph, 'target', true);
}

/** Symmetric N×N cosine similarity; the trained boundary is marked on both axes. */
export function drawSimilarity(canvas: HTMLCanvasElement, sim: Matrix32, w: PositionWindow, cssW: number, trained: number | null): void {
  const side = Math.min(cssW - LEFT - 4, 360);
  const cssH = side + BOTTOM + TOP;
  const ctx = hidpi(canvas, side + LEFT + 4, cssH);
  ctx.fillStyle = theme().bg;
  ctx.fillRect(0, 0, side + LEFT + 4, cssH);
  blit(ctx, sim.rows, sim.cols, (r, c) => sim.data[r * sim.cols + c]!, LEFT, TOP, side, side);
  axisText(ctx, w, LEFT, side, cssH - 8);
  if (trained !== null) {
    marker(ctx, w, trained, LEFT, side, TOP, side, 'trained', true);
    marker(ctx, w, trained, LEFT, side, TOP, side, '', false);
  }
}
