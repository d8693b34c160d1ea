// The side panel's webview: handshake with the host, ask it for the spec data of the followed config,
// compute the heavy tables with ORT (WebGPU or WASM) and draw the charts. State survives hiding the view.
import './main.css';
import type uPlot from 'uplot';
import { similarityJob } from '../src/core/onnx/jobs';
import type { BackendSetting, PanelData } from '../src/protocol';
import { getState, log, onHostMessage, post, request, setState } from './api';
import { drawHeatmap, drawSimilarity } from './charts/heatmap';
import { card } from './charts/kit';
import { relativeChart } from './charts/relative';
import { coverageChart, wavelengthChart } from './charts/rope';
import { mergeReports, scoreChart, type ComputeReport } from './charts/score';
import { OrtRunner, type RunOutcome } from './compute/ortRunner';
import { sinusoidalWindow, windowOf, windowTableJob } from './compute/windowJob';
import { controls, DEFAULT_STATE, type PanelState } from './controls';
import { button, el, initUi } from './ui';

const app = document.getElementById('app')!;
const ortBase = document.body.dataset['ortBase'] ?? '';
let state: PanelState = { ...DEFAULT_STATE, ...getState<PanelState>() };
let backend: BackendSetting = 'auto';
let runner: Promise<OrtRunner> | null = null;
let data: PanelData | null = null;
/** Bumped by every render; an older render stops at its next await instead of drawing stale charts. */
let generation = 0;
const plots: uPlot[] = [];

const badge = el('div', { className: 'badge', attrs: { role: 'status', 'aria-live': 'polite', id: 'backend-badge' } });
const header = el('div', { className: 'header' }, el('span', { className: 'doc muted' }), badge);
const controlBox = el('div');
const summary = el('p', { className: 'summary' });
const charts = el('div', { className: 'charts' });

function getRunner(): Promise<OrtRunner> {
  runner ??= OrtRunner.create({ wasmBase: ortBase, backend });
  return runner;
}

function setStateAndRender(s: PanelState): void {
  state = s;
  setState(state);
  void render();
}

function showBadge(r: ComputeReport | null): void {
  if (!r) {
    badge.textContent = '';
    return;
  }
  const name = r.backend === 'webgpu' ? 'WebGPU' : 'WASM';
  badge.textContent = `${name} · ${r.ms.toFixed(0)} ms${r.fallbackReason ? ` — fell back from WebGPU: ${r.fallbackReason}` : ''}`;
  badge.dataset['backend'] = r.backend;
  badge.classList.toggle('warn', !!r.fallbackReason);
}

function showError(message: string): void {
  for (const p of plots.splice(0)) p.destroy();
  charts.replaceChildren(el('p', { className: 'error', text: message, attrs: { role: 'alert' } }));
}

function chartWidth(): number {
  return Math.max(240, Math.min(900, app.clientWidth - 24));
}

async function render(): Promise<void> {
  const gen = ++generation;
  const t0 = performance.now();
  try {
    const d = await request('analyze', { target: state.target, methods: state.methods, layer: state.layer, seqLen: state.seqLen });
    if (gen !== generation) return;
    data = d;
    await draw(d, gen, t0);
  } catch (e) {
    if (gen !== generation) return;
    showError(e instanceof Error ? e.message : String(e));
  }
}

/** Draws every chart for `d`; reports timings and the backend to the host once done. */
async function draw(d: PanelData, gen: number, t0: number): Promise<void> {
  // Controls are rebuilt per render; keyboard focus goes back to the control that had it.
  const focused = (document.activeElement as HTMLElement | null)?.dataset['control'];
  controlBox.replaceChildren(controls(state, d, setStateAndRender));
  if (focused) (document.querySelector(`[data-control="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
  (header.firstChild as HTMLElement).textContent = `${d.document.name} · ${d.kind}${d.trainedContext ? ` · trained ${d.trainedContext}` : ''}`;
  summary.textContent = d.summary;
  for (const p of plots.splice(0)) p.destroy();
  charts.replaceChildren();
  const width = chartWidth();
  const add = (id: string, title: string, description: string): ReturnType<typeof card> => {
    const c = card(id, title, description);
    charts.append(c.root);
    return c;
  };
  const keep = (c: ReturnType<typeof card>, p: uPlot | null): void => {
    if (!p) return c.root.remove();
    plots.push(p);
    c.setCanvas(() => p.ctx.canvas);
  };
  const outcomes: RunOutcome<unknown>[] = [];
  if (d.original && d.series.length > 0) {
    const wl = add('wavelength', 'Wavelength per dimension', 'λᵢ = 2π/θᵢ in tokens, original vs scaled; dashed lines: trained and target lengths.');
    keep(wl, wavelengthChart(wl, d, width));
    const sc = add('score', 'Relative score vs distance', `s(d) = (a²/H)·Σ cos(d·θᵢ) for d = 0…${d.target}: min–max band per pixel over every integer distance (ORT).`);
    const r = await scoreChart(sc, d, width, await getRunner());
    if (gen !== generation) return;
    outcomes.push(...r.runs);
    keep(sc, r.plot);
    const cov = add('coverage', 'Rotation coverage per dimension', 'Angle range (rad, capped at 2π) seen in training vs reached at the target.');
    keep(cov, coverageChart(cov, d, width));
  }
  outcomes.push(...(await drawTables(d, gen, width)));
  if (gen !== generation) return;
  if (d.alibi || d.t5) {
    const rel = add('relative', d.alibi ? 'ALiBi bias per head' : 'T5 relative-position buckets', d.alibi ? 'Bias −mₕ·|d| added to the logit (tokens of distance d); slopes mₕ per head.' : 'Bucket index per relative position (tokens).');
    keep(rel, relativeChart(rel, d, width));
  }
  if (charts.childElementCount === 0) charts.append(el('p', { className: 'muted', text: `No charts for ${d.kind} encodings.` }));
  const report = outcomes.length ? mergeReports(outcomes) : null;
  showBadge(report);
  post({ type: 'rendered', backend: report?.backend ?? 'none', ms: performance.now() - t0, computeMs: report?.ms ?? 0, fallbackReason: report?.fallbackReason ?? null });
}

/** Heatmap and similarity over the zoom window (RoPE via ORT, sinusoidal in JS). */
async function drawTables(d: PanelData, gen: number, width: number): Promise<RunOutcome<unknown>[]> {
  const first = d.series[0];
  if (!first && !d.sinusoidal) return [];
  const trained = d.trainedContext;
  const spans = [d.target, ...(trained ? [4, 1, 1 / 4, 1 / 16].map((f) => Math.max(64, Math.round(trained * f))) : [])];
  const zoom = Math.min(state.zoom, spans.length - 1);
  const span = spans[zoom]!;
  const lo = zoom === 0 || !trained ? 0 : Math.max(0, trained - span / 2);
  const heat = windowOf(lo, lo + span, Math.min(1024, Math.round(width * devicePixelRatio)));
  const simW = windowOf(lo, lo + span, 256);
  const outcomes: RunOutcome<unknown>[] = [];
  const r = await getRunner();
  let table;
  let simTable;
  if (first) {
    const t = await r.run(windowTableJob(first.invFreq, heat, first.attentionFactor));
    const s = await r.run(windowTableJob(first.invFreq, simW, first.attentionFactor));
    outcomes.push(t, s);
    table = t.result;
    simTable = s.result;
  } else {
    table = sinusoidalWindow(heat, d.sinusoidal!.dim, d.sinusoidal!.base);
    simTable = sinusoidalWindow(simW, d.sinusoidal!.dim, d.sinusoidal!.base);
  }
  const sim = await r.run(similarityJob(simTable));
  outcomes.push(sim);
  if (gen !== generation) return outcomes;
  const what = first ? first.label : 'sinusoidal';
  const zoomBar = (): HTMLElement => el('div', { className: 'zoom' },
    button('Zoom in', () => setStateAndRender({ ...state, zoom: Math.min(spans.length - 1, zoom + 1) }), { secondary: true, title: 'Zoom in around the trained boundary' }),
    button('Zoom out', () => setStateAndRender({ ...state, zoom: Math.max(0, zoom - 1) }), { secondary: true, title: 'Zoom out' }),
    el('span', { className: 'muted', text: `positions ${heat.start}…${heat.start + heat.stride * (heat.count - 1)} (every ${heat.stride})` }));

  const hc = card('heatmap', 'Encoding table', `${what}: cos (top half) and sin (bottom half) per dimension × position; blue −1, red +1.`);
  const hCanvas = el('canvas', { attrs: { role: 'img', tabindex: '0', 'aria-label': `Encoding heatmap of ${what}; + and − keys zoom` } });
  hc.body.append(zoomBar(), hCanvas);
  drawHeatmap(hCanvas, table, heat, width, first?.attentionFactor ?? 1, trained, d.target);
  hc.setCanvas(() => hCanvas);
  const cols = Array.from({ length: table.cols }, (_, c) => Float32Array.from({ length: table.rows }, (_, p) => table.data[p * table.cols + c]!));
  hc.setData(['position', ...cols.map((_, c) => `dim_${c}`)], [Float64Array.from({ length: table.rows }, (_, p) => heat.start + heat.stride * p), ...cols], 32);
  hCanvas.addEventListener('keydown', (e) => {
    if (e.key === '+' || e.key === '=') setStateAndRender({ ...state, zoom: Math.min(spans.length - 1, zoom + 1) });
    if (e.key === '-') setStateAndRender({ ...state, zoom: Math.max(0, zoom - 1) });
  });

  const sc = card('similarity', 'Position similarity', `Cosine similarity between ${simW.count} positions of the window (${what}).`);
  const sCanvas = el('canvas', { attrs: { role: 'img', 'aria-label': `Position similarity matrix of ${what}` } });
  sc.body.append(sCanvas);
  drawSimilarity(sCanvas, sim.result, simW, width, trained);
  sc.setCanvas(() => sCanvas);
  const simRows = Array.from({ length: sim.result.rows }, (_, i) => sim.result.data.subarray(i * sim.result.cols, (i + 1) * sim.result.cols));
  sc.setData(['position', ...simRows.map((_, i) => `p${simW.start + simW.stride * i}`)], [Float64Array.from({ length: simW.count }, (_, i) => simW.start + simW.stride * i), ...simRows], 16);
  charts.append(hc.root, sc.root);
  return outcomes;
}

onHostMessage((m) => {
  switch (m.type) {
    case 'init':
    case 'settings':
      if (m.backend !== backend || !runner) {
        backend = m.backend;
        const old = runner;
        runner = null;
        void old?.then((r) => r.dispose());
      }
      if (m.type === 'settings' || m.document) void render();
      else showError('Open a model config (config.json) to see its position encoding.');
      return;
    case 'documentChanged':
      if (m.document) void render();
      else showError('Open a model config (config.json) to see its position encoding.');
      return;
    case 'response':
      return;
  }
});

// Redraw in the new colours when the theme changes (VS Code swaps body classes and CSS variables).
new MutationObserver(() => {
  if (data) void draw(data, ++generation, performance.now());
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('error', (e) => log('error', `${e.message} at ${e.filename}:${e.lineno}`));
window.addEventListener('unhandledrejection', (e) => log('error', `unhandled: ${String(e.reason)}`));

initUi();
app.replaceChildren(header, controlBox, summary, charts);
post({ type: 'ready' });
