// Shared chart plumbing: theme colours from --vscode-* variables, a card with title, export buttons and a
// data-table alternative, and uPlot defaults (axes, tooltip, reference lines) used by every chart.
import uPlot from 'uplot';
import { request, log } from '../api';
import { button, el } from '../ui';

export interface Theme {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  series: string[];
  font: string;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

let cached: Theme | null = null;

/** Forgets the colours read so far; main.ts calls it when VS Code switches the theme (body class change). */
export function invalidateTheme(): void {
  cached = null;
}

/** The theme's colours, read once per theme (each read is ten computed-style lookups). */
export function theme(): Theme {
  cached ??= readTheme();
  return cached;
}

function readTheme(): Theme {
  return {
    fg: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    grid: cssVar('--vscode-editorWidget-border', '#80808040'),
    bg: cssVar('--vscode-sideBar-background', cssVar('--vscode-editor-background', '#1e1e1e')),
    series: ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow']
      .map((v, i) => cssVar(v, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'][i]!)),
    font: `${cssVar('--vscode-font-size', '12px')} ${cssVar('--vscode-font-family', 'sans-serif')}`,
  };
}

export const fmt = (n: number): string => (Math.abs(n) >= 1e4 ? new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 }).format(n) : String(Number(n.toPrecision(4))));

export type Columns = ArrayLike<number>[] | { rows: number; get: () => ArrayLike<number>[] };
const resolve = (c: Columns): ArrayLike<number>[] => (Array.isArray(c) ? c : (c as { get: () => ArrayLike<number>[] }).get());
const rowCount = (c: Columns): number => (Array.isArray(c) ? (c[0]?.length ?? 0) : (c as { rows: number }).rows);

export interface Card {
  root: HTMLElement;
  body: HTMLElement;
  note: HTMLElement;
  /** Table alternative: at most `maxRows` rows shown (evenly sampled); the CSV has all. Big tables pass
   *  `{ rows, get }` so their columns are assembled only on export or when the table is opened. */
  setData(headers: string[], columns: Columns, maxRows?: number): void;
  /** The canvas exported as PNG (drawn on the panel background with the title). */
  setCanvas(get: () => HTMLCanvasElement | null): void;
  /** Replaces the line under the title (it may name the target, which changes between renders). */
  setDescription(text: string): void;
}

export function card(id: string, title: string, description: string): Card {
  const body = el('div', { className: 'chart-body' });
  const note = el('p', { className: 'muted note' });
  const tableBox = el('details', { className: 'data-table' }, el('summary', { text: 'Data table' }));
  // The CSV text and the table are built only when asked for (export, opening the table): formatting
  // every value of a 1024×128 table on each render cost more than drawing it.
  let columnsOf: { headers: string[]; columns: Columns; maxRows: number } | null = null;
  let canvasOf: () => HTMLCanvasElement | null = () => null;
  const exportCsv = (): void => {
    if (columnsOf) void save(`${id}.csv`, 'csv', csvOf(columnsOf.headers, resolve(columnsOf.columns)));
  };
  const exportPng = (): void => {
    const c = canvasOf();
    if (c) void save(`${id}.png`, 'png', pngOf(c, title).replace(/^data:image\/png;base64,/, ''));
  };
  const fillTable = (): void => {
    if (!columnsOf || !tableBox.open || tableBox.querySelector('table')) return;
    const { headers, maxRows } = columnsOf;
    const columns = resolve(columnsOf.columns);
    const n = columns[0]?.length ?? 0;
    const step = Math.max(1, Math.ceil(n / maxRows));
    const table = el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))));
    const tbody = el('tbody');
    for (let r = 0; r < n; r += step) tbody.append(el('tr', {}, ...columns.map((c) => el('td', { text: fmt(c[r]!) }))));
    table.append(tbody);
    tableBox.append(table);
  };
  tableBox.addEventListener('toggle', fillTable);
  const heading = el('h2', { text: title, attrs: { id: `${id}-title` } });
  const tools = el('div', { className: 'tools' }, button('PNG', exportPng, { secondary: true, title: `Export ${title} as PNG` }), button('CSV', exportCsv, { secondary: true, title: `Export ${title} data as CSV` }));
  const about = el('p', { className: 'muted', text: description });
  const root = el('section', { className: 'card', attrs: { id, 'aria-labelledby': `${id}-title` } },
    el('header', {}, heading, tools), about, body, note, tableBox);
  return {
    root, body, note,
    setData(headers, columns, maxRows = 64) {
      columnsOf = { headers, columns, maxRows };
      const n = rowCount(columns);
      const step = Math.max(1, Math.ceil(n / maxRows));
      tableBox.replaceChildren(el('summary', { text: `Data table (${n > maxRows ? `every ${step}th of ${n} rows; CSV has all` : `${n} rows`})` }));
      fillTable();
    },
    setCanvas(get) {
      canvasOf = get;
    },
    setDescription(text) {
      if (about.textContent !== text) about.textContent = text;
    },
  };
}

function csvOf(headers: string[], columns: ArrayLike<number>[]): string {
  const n = columns[0]?.length ?? 0;
  const lines = [headers.join(',')];
  for (let r = 0; r < n; r++) lines.push(columns.map((c) => String(c[r])).join(','));
  return `${lines.join('\n')}\n`;
}

function pngOf(source: HTMLCanvasElement, title: string): string {
  const t = theme();
  const pad = Math.round(28 * devicePixelRatio);
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height + pad;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = t.bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = t.fg;
  ctx.font = `${Math.round(13 * devicePixelRatio)}px sans-serif`;
  ctx.fillText(title, 8 * devicePixelRatio, pad * 0.7);
  ctx.drawImage(source, 0, pad);
  return out.toDataURL('image/png');
}

async function save(fileName: string, kind: 'png' | 'csv', data: string): Promise<void> {
  try {
    await request('export', { fileName, kind, data });
  } catch (e) {
    log('error', `export ${fileName}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface RefLine {
  axis: 'x' | 'y';
  value: number;
  label: string;
}

/** Horizontal or vertical reference lines with labels, drawn after the series; read at every draw, so a
 *  reused plot shows the lines of its latest data. */
function refLines(lines: () => RefLine[], color: string): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = color;
        ctx.fillStyle = color;
        ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
        const { left, top, width, height } = u.bbox;
        for (const l of lines()) {
          const pos = Math.round(u.valToPos(l.value, l.axis === 'x' ? 'x' : 'y', true));
          ctx.beginPath();
          if (l.axis === 'y') {
            if (pos < top || pos > top + height) continue;
            ctx.moveTo(left, pos);
            ctx.lineTo(left + width, pos);
            ctx.stroke();
            // Labels at the right end, clear of the y-axis tick labels.
            ctx.textAlign = 'right';
            ctx.fillText(l.label, left + width - 4, pos - 4);
            ctx.textAlign = 'left';
          } else {
            if (pos < left || pos > left + width) continue;
            ctx.moveTo(pos, top);
            ctx.lineTo(pos, top + height);
            ctx.stroke();
            ctx.fillText(l.label, pos + 3, top + 12 * devicePixelRatio);
          }
        }
        ctx.restore();
      },
    },
  };
}

/** A tooltip following the cursor with x and every visible series' value at that index. */
export function tooltip(xLabel: string): uPlot.Plugin {
  const tip = el('div', { className: 'tooltip', attrs: { role: 'tooltip' } });
  return {
    hooks: {
      init: (u) => void u.over.append(tip),
      setCursor: (u) => {
        const i = u.cursor.idx;
        if (i === null || i === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
          tip.hidden = true;
          return;
        }
        const rows = [`${xLabel}: ${fmt(u.data[0]![i]!)}`];
        u.series.forEach((s, k) => {
          const v = u.data[k]?.[i];
          if (k > 0 && s.show && v !== null && v !== undefined) rows.push(`${String(s.label)}: ${fmt(v)}`);
        });
        tip.textContent = rows.join('\n');
        tip.hidden = false;
        const left = u.cursor.left;
        tip.style.left = `${left + 140 > u.over.clientWidth ? left - 140 : left + 10}px`;
        tip.style.top = `${(u.cursor.top ?? 0) + 10}px`;
      },
    },
  };
}

export interface PlotSpec {
  width: number;
  xLabel: string;
  yLabel: string;
  yLog?: boolean;
  xLog?: boolean;
  series: uPlot.Series[];
  data: uPlot.AlignedData;
  bands?: uPlot.Band[];
  yRange?: [number, number];
  /** Dashed reference lines (trained length, target, …) in the foreground colour. */
  lines?: RefLine[];
}

interface Mounted {
  u: uPlot;
  signature: string;
  lines: RefLine[];
}
const mounted = new WeakMap<HTMLElement, Mounted>();

/** Everything but the data and the lines: when it is unchanged, the plot is updated in place. */
function signatureOf(o: PlotSpec, t: Theme): string {
  const series = o.series.map((s) => [s.label, s.stroke, s.width, s.dash, s.fill]);
  return JSON.stringify([o.width, o.xLabel, o.yLabel, o.yLog, o.xLog, o.yRange, series, o.bands, t.fg, t.grid]);
}

/**
 * uPlot with the panel's axes, colours and tooltip, mounted in `container`. A container that already holds
 * a plot of the same shape (axes, series, theme, width) gets the new data and lines through setData:
 * building a uPlot costs more than redrawing it, and the panel redraws on every target change.
 */
export function plot(container: HTMLElement, o: PlotSpec): uPlot {
  const t = theme();
  const signature = signatureOf(o, t);
  const m = mounted.get(container);
  if (m && m.signature === signature && m.u.root.isConnected && container.contains(m.u.root)) {
    m.lines = o.lines ?? [];
    m.u.setData(o.data);
    return m.u;
  }
  unmountPlot(container);
  // Log axes get grid lines and labels at decades only; uPlot's default draws every 1–9 multiple.
  const decades = (_u: uPlot, splits: number[]): (number | null)[] => splits.map((v) => (Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? v : null));
  const axis = (label: string, log = false): uPlot.Axis => ({ label, ...(log ? { filter: decades } : {}), stroke: t.fg, font: `11px sans-serif`, labelFont: `11px sans-serif`, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 }, values: (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v))) });
  // The y axis grows with its widest tick label (uPlot's fixed 50 px lets "0.0001" run into the title).
  const yAxis: uPlot.Axis = { ...axis(o.yLabel, o.yLog), size: (u, values) => tickSpace(u, values) };
  const next: Mounted = { u: null as unknown as uPlot, signature, lines: o.lines ?? [] };
  const opts: uPlot.Options = {
    width: o.width,
    height: Math.max(180, Math.round(o.width * 0.55)),
    scales: { x: { time: false, ...(o.xLog ? { distr: 3 } : {}) }, y: { ...(o.yLog ? { distr: 3 } : {}), ...(o.yRange ? { range: o.yRange } : {}) } },
    axes: [axis(o.xLabel, o.xLog), yAxis],
    series: [{ label: o.xLabel }, ...o.series],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    plugins: [tooltip(o.xLabel), refLines(() => next.lines, t.fg)],
    ...(o.bands ? { bands: o.bands } : {}),
  };
  next.u = new uPlot(opts, o.data, container);
  mounted.set(container, next);
  return next.u;
}

/** CSS pixels for the tick labels plus the tick and gap, at the axis font. */
function tickSpace(u: uPlot, values: string[] | null): number {
  const ctx = u.ctx;
  ctx.save();
  ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
  const widest = Math.max(0, ...(values ?? []).map((v) => ctx.measureText(v).width)) / devicePixelRatio;
  ctx.restore();
  return Math.max(40, Math.ceil(widest) + 16);
}

/** Destroys the plot mounted in `container`, if any. */
export function unmountPlot(container: HTMLElement): void {
  const m = mounted.get(container);
  if (!m) return;
  mounted.delete(container);
  m.u.destroy();
}
