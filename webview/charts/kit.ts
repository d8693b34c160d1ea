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

/** Read at every render, so a theme switch (body class change) redraws in the new colours. */
export function theme(): Theme {
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

export interface Card {
  root: HTMLElement;
  body: HTMLElement;
  note: HTMLElement;
  /** Table alternative: at most `maxRows` rows shown (evenly sampled); the CSV has all. */
  setData(headers: string[], columns: ArrayLike<number>[], maxRows?: number): void;
  /** The canvas exported as PNG (drawn on the panel background with the title). */
  setCanvas(get: () => HTMLCanvasElement | null): void;
}

export function card(id: string, title: string, description: string): Card {
  const body = el('div', { className: 'chart-body' });
  const note = el('p', { className: 'muted note' });
  const tableBox = el('details', { className: 'data-table' }, el('summary', { text: 'Data table' }));
  let csv = '';
  let canvasOf: () => HTMLCanvasElement | null = () => null;
  const exportCsv = (): void => void save(`${id}.csv`, 'csv', csv);
  const exportPng = (): void => {
    const c = canvasOf();
    if (c) void save(`${id}.png`, 'png', pngOf(c, title).replace(/^data:image\/png;base64,/, ''));
  };
  const heading = el('h2', { text: title, attrs: { id: `${id}-title` } });
  const tools = el('div', { className: 'tools' }, button('PNG', exportPng, { secondary: true, title: `Export ${title} as PNG` }), button('CSV', exportCsv, { secondary: true, title: `Export ${title} data as CSV` }));
  const root = el('section', { className: 'card', attrs: { id, 'aria-labelledby': `${id}-title` } },
    el('header', {}, heading, tools), el('p', { className: 'muted', text: description }), body, note, tableBox);
  return {
    root, body, note,
    setData(headers, columns, maxRows = 64) {
      const n = columns[0]?.length ?? 0;
      const lines = [headers.join(',')];
      for (let r = 0; r < n; r++) lines.push(columns.map((c) => String(c[r])).join(','));
      csv = `${lines.join('\n')}\n`;
      const step = Math.max(1, Math.ceil(n / maxRows));
      const table = el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))));
      const tbody = el('tbody');
      for (let r = 0; r < n; r += step) tbody.append(el('tr', {}, ...columns.map((c) => el('td', { text: fmt(c[r]!) }))));
      table.append(tbody);
      tableBox.replaceChildren(el('summary', { text: `Data table (${n > maxRows ? `every ${step}th of ${n} rows; CSV has all` : `${n} rows`})` }), table);
    },
    setCanvas(get) {
      canvasOf = get;
    },
  };
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

/** Horizontal or vertical reference lines with labels, drawn after the series. */
export function refLines(lines: { axis: 'x' | 'y'; value: number; label: string }[], color: string): uPlot.Plugin {
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
        for (const l of lines) {
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

/** uPlot with the panel's axes, colours and tooltip; `y` describes the y scale. */
export function plot(container: HTMLElement, o: { width: number; xLabel: string; yLabel: string; yLog?: boolean; xLog?: boolean; series: uPlot.Series[]; data: uPlot.AlignedData; plugins?: uPlot.Plugin[]; bands?: uPlot.Band[]; yRange?: [number, number] }): uPlot {
  const t = theme();
  // Log axes get grid lines and labels at decades only; uPlot's default draws every 1–9 multiple.
  const decades = (_u: uPlot, splits: number[]): (number | null)[] => splits.map((v) => (Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? v : null));
  const axis = (label: string, log = false): uPlot.Axis => ({ label, ...(log ? { filter: decades } : {}), stroke: t.fg, font: `11px sans-serif`, labelFont: `11px sans-serif`, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 }, values: (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v))) });
  const opts: uPlot.Options = {
    width: o.width,
    height: Math.max(180, Math.round(o.width * 0.55)),
    scales: { x: { time: false, ...(o.xLog ? { distr: 3 } : {}) }, y: { ...(o.yLog ? { distr: 3 } : {}), ...(o.yRange ? { range: o.yRange } : {}) } },
    axes: [axis(o.xLabel, o.xLog), axis(o.yLabel, o.yLog)],
    series: [{ label: o.xLabel }, ...o.series],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    plugins: [tooltip(o.xLabel), ...(o.plugins ?? [])],
    ...(o.bands ? { bands: o.bands } : {}),
  };
  return new uPlot(opts, o.data, container);
}
