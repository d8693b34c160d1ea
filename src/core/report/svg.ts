// Small static SVG charts of an encoding (hovers, Markdown reports, the CLI's HTML): pure strings, no DOM.
// Colours are mid-tone so one image reads on light and dark themes (an image cannot see theme variables).
import { t5Bucket } from '../encodings/relative';
import { scoreEnvelope } from '../kernels/reference';
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

/** Wavelength λᵢ = 2π/θᵢ per frequency pair on a log axis, with the trained (and claimed) length as lines. */
export function wavelengthChart(invFreq: readonly number[], trained: number | null, claimed: number | null, size: ChartSize = DEFAULT): string {
  const f = frame(size);
  const wl = wavelengths(invFreq).map((w) => (Number.isFinite(w) ? w : NaN));
  const finite = wl.filter((w) => Number.isFinite(w) && w > 0);
  const marks = [trained, claimed].filter((x): x is number => x !== null && x > 0);
  const lo = Math.log10(Math.min(...finite, ...marks, 1));
  const hi = Math.log10(Math.max(...finite, ...marks, 10));
  const y = (v: number): number => f.y0 - ((Math.log10(v) - lo) / (hi - lo || 1)) * (f.y0 - f.y1);
  const n = Math.max(1, wl.length - 1);
  const pts = wl.flatMap((w, i): [number, number][] => (Number.isFinite(w) ? [[f.x0 + (i / n) * (f.x1 - f.x0), y(w)]] : []));
  const body = [...axes(f, short(Math.pow(10, hi)), short(Math.pow(10, lo)), 'pair 0', `pair ${wl.length - 1}`), polyline(pts)];
  if (trained !== null && trained > 0) body.push(hline(f, y(trained), MARK, `trained ${fmtNum(trained)}`));
  if (claimed !== null && claimed > 0 && claimed !== trained) body.push(hline(f, y(claimed), MARK2, `claimed ${fmtNum(claimed)}`));
  return svg(size, 'wavelength per frequency pair (tokens, log)', body);
}

/** Relative score s(d) = mean cos(d·θᵢ) as a per-pixel min/max band over distances 0..maxDistance. */
export function scoreDecayChart(invFreq: readonly number[], maxDistance: number, attentionFactor = 1, trained: number | null = null, size: ChartSize = DEFAULT): string {
  const f = frame(size);
  const px = Math.max(8, Math.floor(f.x1 - f.x0));
  const env = scoreEnvelope(invFreq, Math.max(1, Math.floor(maxDistance)), px, attentionFactor);
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
  if (trained !== null && trained > 0 && trained < env.maxDistance) {
    const tx = f.x0 + (trained / env.maxDistance) * (f.x1 - f.x0);
    body.push(`<line x1="${r(tx)}" x2="${r(tx)}" y1="${f.y1}" y2="${f.y0}" stroke="${MARK}" stroke-dasharray="4 3"/>`, text(tx + 2, f.y1 + 8, `trained ${fmtNum(trained)}`, 'start', MARK));
  }
  return svg(size, 'relative score by distance (min/max per pixel)', body);
}

/** ALiBi: one bar per head, the slope m_h of the bias −m_h·distance. */
export function alibiSlopesChart(slopes: readonly number[], size: ChartSize = DEFAULT): string {
  const f = frame(size);
  const hi = Math.max(...slopes, 1e-9);
  const w = (f.x1 - f.x0) / Math.max(1, slopes.length);
  const bars = slopes.map((s, i) => {
    const h = (s / hi) * (f.y0 - f.y1);
    return `<rect x="${r(f.x0 + i * w + w * 0.1)}" y="${r(f.y0 - h)}" width="${r(Math.max(0.5, w * 0.8))}" height="${r(h)}" fill="${LINE}"/>`;
  });
  return svg(size, 'ALiBi slope per head', [...axes(f, short(hi), '0', 'head 1', `head ${slopes.length}`), ...bars]);
}

/** T5: the bucket each relative distance falls in (query looking back), saturating after max_distance. */
export function t5BucketChart(numBuckets: number, maxDistance: number, bidirectional: boolean, size: ChartSize = DEFAULT): string {
  const f = frame(size);
  const span = Math.max(8, Math.ceil(maxDistance * 1.5));
  const px = Math.floor(f.x1 - f.x0);
  const pts: [number, number][] = [];
  let top = 1;
  const buckets: number[] = [];
  for (let p = 0; p <= px; p++) {
    const d = Math.round((p / px) * span);
    // Distance d behind the query is relative position −d; bidirectional buckets for it start at 0.
    const b = t5Bucket(-d, numBuckets, maxDistance, bidirectional);
    buckets.push(b);
    top = Math.max(top, b);
  }
  buckets.forEach((b, p) => pts.push([f.x0 + p, f.y0 - (b / top) * (f.y0 - f.y1)]));
  const mx = f.x0 + (maxDistance / span) * (f.x1 - f.x0);
  return svg(size, 'T5 bucket by distance', [
    ...axes(f, String(top), '0', '0', `${span} tokens`),
    polyline(pts),
    `<line x1="${r(mx)}" x2="${r(mx)}" y1="${f.y1}" y2="${f.y0}" stroke="${MARK}" stroke-dasharray="4 3"/>`,
    text(mx - 2, f.y1 + 8, `max_distance ${maxDistance}`, 'end', MARK),
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
