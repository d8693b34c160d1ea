// Small static SVG charts of an encoding (hovers, Markdown reports, the CLI's HTML): pure strings, no DOM.
// Colours are mid-tone so one image reads on light and dark themes (an image cannot see theme variables).
import { t5Bucket } from '../encodings/relative';
import { rotatingFrequencies, scoreEnvelope } from '../kernels/reference';
import { wavelengths } from '../rope/frequencies';
import { fmtNum } from './text';

export interface ChartSize {
  width: number;
  height: number;
}

/** The size every chart gets unless told otherwise (hovers reserve it before the image decodes). */
export const CHART_SIZE: ChartSize = { width: 320, height: 140 };
const DEFAULT = CHART_SIZE;
const PAD = { left: 44, right: 8, top: 16, bottom: 22 };
const AXIS = '#8a8a8a';
const LINE = '#3d8fd6';
const MARK = '#e08a2c';
const MARK2 = '#b05cc8';

interface Frame {
  size: ChartSize;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function frame(size: ChartSize): Frame {
  return { size, x0: PAD.left, x1: size.width - PAD.right, y0: size.height - PAD.bottom, y1: PAD.top };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function text(x: number, y: number, s: string, anchor = 'start', color = AXIS): string {
  return `<text x="${r(x)}" y="${r(y)}" fill="${color}" font-size="10" font-family="sans-serif" text-anchor="${anchor}">${esc(s)}</text>`;
}

/** Axis labels short enough for the margin: 2.0e7 → "20M", 131072 → "131k", 0.0231 → "0.023". */
export function short(n: number): string {
  const a = Math.abs(n);
  if (!Number.isFinite(n)) return String(n);
  if (a >= 1e9) return `${Number((n / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((n / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((n / 1e3).toPrecision(3))}k`;
  return String(Number(n.toPrecision(a >= 1 ? 4 : 2)));
}

function r(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

function svg(size: ChartSize, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}">`,
    `<title>${esc(title)}</title>`,
    text(PAD.left, 11, title, 'start'),
    ...body,
    '</svg>',
  ].join('');
}

function axes(f: Frame, yTop: string, yBottom: string, xLeft: string, xRight: string): string[] {
  return [
    `<path d="M${f.x0} ${f.y1}V${f.y0}H${f.x1}" stroke="${AXIS}" fill="none" stroke-width="1"/>`,
    text(f.x0 - 3, f.y1 + 8, yTop, 'end'),
    text(f.x0 - 3, f.y0, yBottom, 'end'),
    text(f.x0, f.y0 + 13, xLeft, 'start'),
    text(f.x1, f.y0 + 13, xRight, 'end'),
  ];
}

function polyline(points: [number, number][], color = LINE, width = 1.5): string {
  return `<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${points.map(([x, y]) => `${r(x)},${r(y)}`).join(' ')}"/>`;
}

function hline(f: Frame, y: number, color: string, label: string): string {
  return `<line x1="${f.x0}" x2="${f.x1}" y1="${r(y)}" y2="${r(y)}" stroke="${color}" stroke-dasharray="4 3"/>${text(f.x1 - 2, y - 3, label, 'end', color)}`;
}

/** A positive finite number, or null: what a chart can place on a log axis or draw as a marker. */
function positive(v: number | null): number | null {
  return v !== null && Number.isFinite(v) && v > 0 ? v : null;
}

/** Smallest and largest of `values`, `lo` and `hi` (a loop: spreading 200k values into Math.min overflows the stack). */
function range(values: Iterable<number>, lo: number, hi: number): [number, number] {
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Plot columns of a frame: charts draw at most a few marks per column, however many values they get. */
function columns(f: Frame): number {
  return Math.max(1, Math.floor(f.x1 - f.x0));
}

/** Wavelength λᵢ = 2π/θᵢ per frequency pair on a log axis, with the trained (and claimed) length as lines. */
export function wavelengthChart(invFreq: readonly number[], trained: number | null, claimed: number | null, size: ChartSize = DEFAULT): string {
  const f = frame(size);
  const wl = wavelengths(invFreq).map((w) => (Number.isFinite(w) && w > 0 ? w : NaN));
  const [t, c] = [positive(trained), positive(claimed)];
  const marks = [t, c].filter((x): x is number => x !== null);
  const [min, max] = range([...wl.filter(Number.isFinite), ...marks], 1, 10);
  const [lo, hi] = [Math.log10(min), Math.log10(max)];
  const y = (v: number): number => f.y0 - ((Math.log10(v) - lo) / (hi - lo || 1)) * (f.y0 - f.y1);
  const n = Math.max(1, wl.length - 1);
  // One point per pair, or, past two per plot column, each column's shortest and longest wavelength in order.
  const cols = columns(f);
  const at = (i: number): [number, number] => [f.x0 + (i / n) * (f.x1 - f.x0), y(wl[i]!)];
  const pts: [number, number][] = [];
  const perColumn = wl.length > 2 * cols;
  for (let col = 0; col < (perColumn ? cols : wl.length); col++) {
    const [from, to] = perColumn ? [Math.floor((col * wl.length) / cols), Math.floor(((col + 1) * wl.length) / cols)] : [col, col + 1];
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const w = wl[i]!;
      if (!Number.isFinite(w)) continue;
      if (lo < 0 || w < wl[lo]!) lo = i;
      if (hi < 0 || w > wl[hi]!) hi = i;
    }
    if (lo >= 0) pts.push(...(lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]).map(at));
  }
  const body = [...axes(f, short(max), short(min), 'pair 0', `pair ${Math.max(0, wl.length - 1)}`), polyline(pts)];
  if (t !== null) body.push(hline(f, y(t), MARK, `trained ${fmtNum(t)}`));
  if (c !== null && c !== t) body.push(hline(f, y(c), MARK2, `claimed ${fmtNum(c)}`));
  return svg(size, 'wavelength per frequency pair (tokens, log)', body);
}

/**
 * The envelope costs (rotating pairs × distances): past this the distance shrinks, so a corrupt head_dim of
 * 65536 draws a shorter span quickly instead of freezing a hover (real heads, ≤ 128 pairs, never reach it).
 */
const SCORE_WORK = 2 ** 25;

/** Relative score s(d) = mean cos(d·θᵢ) as a per-pixel min/max band over distances 0..maxDistance. */
export function scoreDecayChart(invFreq: readonly number[], maxDistance: number, attentionFactor = 1, trained: number | null = null, size: ChartSize = DEFAULT): string {
  const f = frame(size);
  const px = Math.max(8, columns(f));
  // cos(d·θ) is unchanged by θ mod 2π at whole distances; reducing keeps d·θ finite for absurd θ (1e308).
  const freqs = invFreq.map((t) => (!Number.isFinite(t) ? 0 : Math.abs(t) < 2 * Math.PI ? t : t % (2 * Math.PI)));
  const pairs = Math.max(1, rotatingFrequencies(freqs).length);
  const want = Number.isFinite(maxDistance) ? Math.floor(maxDistance) : 1;
  const factor = Number.isFinite(attentionFactor * attentionFactor) ? attentionFactor : 1;
  const env = scoreEnvelope(freqs, Math.max(1, Math.min(want, Math.floor(SCORE_WORK / pairs))), px, factor);
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < env.pixels; p++) {
    lo = Math.min(lo, env.min[p]!);
    hi = Math.max(hi, env.max[p]!);
  }
  const y = (v: number): number => f.y0 - ((v - lo) / (hi - lo || 1)) * (f.y0 - f.y1);
  const x = (p: number): number => f.x0 + (p / Math.max(1, env.pixels - 1)) * (f.x1 - f.x0);
  // A closed band: the max curve left to right, then the min curve back.
  const top: string[] = [];
  const bottom: string[] = [];
  for (let p = 0; p < env.pixels; p++) {
    top.push(`${r(x(p))},${r(y(env.max[p]!))}`);
    bottom.unshift(`${r(x(p))},${r(y(env.min[p]!))}`);
  }
  const body = [
    ...axes(f, short(hi), short(lo), '0', `${fmtNum(env.maxDistance)} tokens`),
    `<polygon fill="${LINE}" fill-opacity="0.35" stroke="${LINE}" stroke-width="0.8" points="${top.concat(bottom).join(' ')}"/>`,
  ];
  if (lo < 0 && hi > 0) body.push(`<line x1="${f.x0}" x2="${f.x1}" y1="${r(y(0))}" y2="${r(y(0))}" stroke="${AXIS}" stroke-width="0.5"/>`);
  if (trained !== null && Number.isFinite(trained) && trained > 0 && trained < env.maxDistance) {
    const tx = f.x0 + (trained / env.maxDistance) * (f.x1 - f.x0);
    body.push(`<line x1="${r(tx)}" x2="${r(tx)}" y1="${f.y1}" y2="${f.y0}" stroke="${MARK}" stroke-dasharray="4 3"/>`, text(tx + 2, f.y1 + 8, `trained ${fmtNum(trained)}`, 'start', MARK));
  }
  return svg(size, 'relative score by distance (min/max per pixel)', body);
}

/** Bars narrower than a pixel at the default size say nothing more, and each costs ~70 bytes of SVG. */
const MAX_BARS = 256;

/** ALiBi: one bar per head, the slope m_h of the bias −m_h·distance. */
export function alibiSlopesChart(slopes: readonly number[], size: ChartSize = DEFAULT): string {
  const f = frame(size);
  // One bar per head, or per group of heads (its largest slope) past one per column or MAX_BARS.
  const values = slopes.map((s) => (Number.isFinite(s) && s > 0 ? s : 0));
  const cols = Math.min(values.length, columns(f), MAX_BARS);
  const heights = Array.from({ length: cols }, (_, c) => range(values.slice(Math.floor((c * values.length) / cols), Math.floor(((c + 1) * values.length) / cols)), 0, 0)[1]);
  const hi = range(heights, 1e-9, 1e-9)[1];
  const w = (f.x1 - f.x0) / Math.max(1, cols);
  const bars = heights.map((s, i) => {
    const h = (s / hi) * (f.y0 - f.y1);
    return `<rect x="${r(f.x0 + i * w + w * 0.1)}" y="${r(f.y0 - h)}" width="${r(Math.max(0.5, w * 0.8))}" height="${r(h)}" fill="${LINE}"/>`;
  });
  return svg(size, 'ALiBi slope per head', [...axes(f, short(hi), '0', 'head 1', `head ${slopes.length}`), ...bars]);
}

/** T5: the bucket each relative distance falls in (query looking back), saturating after max_distance. */
export function t5BucketChart(numBuckets: number, maxDistance: number, bidirectional: boolean, size: ChartSize = DEFAULT): string {
  const f = frame(size);
  // Extraction hands over validated counts; anything else draws T5's defaults rather than NaN.
  const nb = Number.isFinite(numBuckets) && numBuckets >= 1 ? Math.floor(numBuckets) : 32;
  const md = Number.isFinite(maxDistance) && maxDistance > 0 ? Math.min(maxDistance, 2 ** 40) : 128;
  const span = Math.max(8, Math.ceil(md * 1.5));
  const px = columns(f);
  const pts: [number, number][] = [];
  let top = 1;
  const buckets: number[] = [];
  for (let p = 0; p <= px; p++) {
    const d = Math.round((p / px) * span);
    // Distance d behind the query is relative position −d; bidirectional buckets for it start at 0.
    const b = t5Bucket(-d, nb, md, bidirectional);
    buckets.push(b);
    top = Math.max(top, b);
  }
  buckets.forEach((b, p) => pts.push([f.x0 + p, f.y0 - (b / top) * (f.y0 - f.y1)]));
  const mx = f.x0 + (md / span) * (f.x1 - f.x0);
  return svg(size, 'T5 bucket by distance', [
    ...axes(f, String(top), '0', '0', `${span} tokens`),
    polyline(pts),
    `<line x1="${r(mx)}" x2="${r(mx)}" y1="${f.y1}" y2="${f.y0}" stroke="${MARK}" stroke-dasharray="4 3"/>`,
    text(mx - 2, f.y1 + 8, `max_distance ${fmtNum(md)}`, 'end', MARK),
  ]);
}

/** A data: URI usable as a Markdown image target (parentheses escaped so the link syntax holds). */
export function svgDataUri(svgText: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Markdown image of a chart. */
export function svgMarkdown(svgText: string, alt: string): string {
  return `![${alt.replace(/[[\]]/g, '')}](${svgDataUri(svgText)})`;
}
