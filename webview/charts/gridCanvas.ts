// Canvas drawings of patch grids: similarity maps (one grid of values per patch), the ViT paper's mosaic
// (every patch's map at its own place), and the bicubic stencil of one resized patch over the trained grid.
// Each returns a hit test from canvas CSS pixels to a grid cell, for click and keyboard selection.
import { cubicTaps, sourceCoordinate, sourceScale, type ResizeRule } from '../../src/core/vision/gridInterpolation';
import { blit, hidpi } from './heatmap';
import { theme } from './kit';

export interface Cell {
  r: number;
  c: number;
}
export type HitTest = (x: number, y: number) => Cell | null;

const TITLE = 16;

function outline(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, colour: string, width = 1.5): void {
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  ctx.restore();
}

/** [lo, hi] of some values; a flat map gets a unit range so it shows as one colour, not as NaN. */
export function rangeOf(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      lo = Math.min(lo, a[i]!);
      hi = Math.max(hi, a[i]!);
    }
  }
  return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
}

/** Similarities of position tables often all lie in [0.5, 1]: stretch [lo, hi] over the whole blue–red map. */
const stretch = ([lo, hi]: [number, number]) => (v: number): number => (2 * (v - lo)) / (hi - lo) - 1;

export interface GridMap {
  title: string;
  side: number;
  /** side² values, row-major. */
  values: Float32Array;
  mark: Cell | null;
}

/**
 * Square maps side by side (wrapping when narrow), each titled, on one colour scale: `range` blue to red.
 * The hit test answers for the first map.
 */
export function drawMaps(canvas: HTMLCanvasElement, maps: GridMap[], cssW: number, range: [number, number]): HitTest {
  const s = stretch(range);
  const gap = 12;
  const perRow = Math.max(1, Math.min(maps.length, Math.floor((cssW + gap) / (140 + gap))));
  const size = Math.min(220, Math.floor((cssW - gap * (perRow - 1)) / perRow));
  const rows = Math.ceil(maps.length / perRow);
  const cssH = rows * (size + TITLE + gap);
  const ctx = hidpi(canvas, cssW, cssH);
  const t = theme();
  ctx.fillStyle = t.bg;
  ctx.fillRect(0, 0, cssW, cssH);
  ctx.font = '11px sans-serif';
  maps.forEach((m, i) => {
    const x = (i % perRow) * (size + gap);
    const y = Math.floor(i / perRow) * (size + TITLE + gap) + TITLE;
    ctx.fillStyle = t.fg;
    ctx.fillText(m.title, x, y - 4, size);
    blit(ctx, m.side, m.side, (r, c) => s(m.values[r * m.side + c]!), x, y, size, size);
    if (m.mark) outline(ctx, x + (m.mark.c * size) / m.side, y + (m.mark.r * size) / m.side, size / m.side, size / m.side, t.fg);
  });
  const first = maps[0];
  return (px, py) => {
    if (!first || px < 0 || px >= size || py < TITLE || py >= TITLE + size) return null;
    return { r: Math.floor(((py - TITLE) * first.side) / size), c: Math.floor((px * first.side) / size) };
  };
}

/**
 * The ViT paper's picture: thumbnail (r, c) is patch (r, c)'s similarity to every patch (`sim` is n²×n²),
 * each thumbnail stretched from its own least (blue) to most (red) similar patch.
 */
export function drawMosaic(canvas: HTMLCanvasElement, sim: Float32Array, n: number, cssW: number, selected: Cell): HitTest {
  const side = Math.min(cssW, 480);
  const ctx = hidpi(canvas, side, side);
  const t = theme();
  ctx.fillStyle = t.bg;
  ctx.fillRect(0, 0, side, side);
  const cell = side / n;
  const gap = cell > 12 ? 1 : 0;
  const m = n * n;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const row = sim.subarray((r * n + c) * m, (r * n + c + 1) * m);
      const st = stretch(rangeOf(row));
      blit(ctx, n, n, (y, x) => st(row[y * n + x]!), c * cell + gap, r * cell + gap, cell - 2 * gap, cell - 2 * gap);
    }
  }
  outline(ctx, selected.c * cell, selected.r * cell, cell, cell, t.fg, 2);
  return (px, py) => (px >= 0 && py >= 0 && px < side && py < side ? { r: Math.floor(py / cell), c: Math.floor(px / cell) } : null);
}

/**
 * The trained N×N grid as cells, every new patch's centre as a dot at the source coordinate it samples,
 * and the 4×4 bicubic weights of `target` (a new-grid cell) shaded on the cells they read (red positive,
 * blue negative lobes). Taps past the border pile onto the edge cells, as torch reads them.
 */
export function drawStencil(canvas: HTMLCanvasElement, n: number, m: number, rule: ResizeRule, target: Cell, cssW: number): HitTest {
  const side = Math.min(cssW, 420);
  const pad = 24;
  const ctx = hidpi(canvas, side, side);
  const t = theme();
  ctx.fillStyle = t.bg;
  ctx.fillRect(0, 0, side, side);
  const inner = side - 2 * pad;
  const cell = inner / n;
  const weights = new Float64Array(n * n);
  const rowTaps = cubicTaps(n, m, target.r, rule);
  const colTaps = cubicTaps(n, m, target.c, rule);
  for (const a of rowTaps) for (const b of colTaps) weights[a.index * n + b.index]! += a.weight * b.weight;
  const max = Math.max(...weights.map(Math.abs));
  blit(ctx, n, n, (r, c) => weights[r * n + c]! / (max || 1), pad, pad, inner, inner);
  ctx.save();
  ctx.strokeStyle = t.grid;
  ctx.lineWidth = 1;
  for (let i = 0; i <= n; i++) {
    ctx.beginPath();
    ctx.moveTo(pad + i * cell, pad);
    ctx.lineTo(pad + i * cell, pad + inner);
    ctx.moveTo(pad, pad + i * cell);
    ctx.lineTo(pad + inner, pad + i * cell);
    ctx.stroke();
  }
  // Source coordinate s of a new patch sits at pixel pad + (s + ½)·cell (cell centres are at integer s).
  const scale = [sourceScale(n, m, rule), sourceScale(n, m, rule)] as const;
  const at = (i: number, k: 0 | 1): number => pad + (sourceCoordinate(i, scale[k]) + 0.5) * cell;
  ctx.fillStyle = t.muted;
  const dot = Math.max(1, Math.min(2.5, cell / 6));
  for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) ctx.fillRect(at(x, 1) - dot / 2, at(y, 0) - dot / 2, dot, dot);
  ctx.fillStyle = t.fg;
  ctx.strokeStyle = t.bg;
  ctx.beginPath();
  ctx.arc(at(target.c, 1), at(target.r, 0), 4, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
  ctx.font = '10px sans-serif';
  ctx.fillText(`trained ${n}×${n}`, pad, pad - 8);
  ctx.textAlign = 'right';
  ctx.fillText(`dots: ${m}×${m} new patches`, side - pad, side - 8);
  ctx.restore();
  if (cell >= 26) {
    ctx.font = '9px sans-serif';
    ctx.textAlign = 'center';
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const w = weights[r * n + c]!;
        // Dark text on the pale cells, light on the saturated ones (the map is the same in both themes).
        ctx.fillStyle = Math.abs(w) / max > 0.55 ? '#fff' : '#000';
        if (Math.abs(w) >= 0.005) ctx.fillText(w.toFixed(2), pad + (c + 0.5) * cell, pad + (r + 0.5) * cell + 3);
      }
    }
    ctx.textAlign = 'left';
  }
  return (px, py) => {
    if (px < pad || py < pad || px >= pad + inner || py >= pad + inner) return null;
    return { r: Math.floor((py - pad) / cell), c: Math.floor((px - pad) / cell) };
  };
}
