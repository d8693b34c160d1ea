// The side panel's webview: handshake with the host, ask it for the spec data of the followed config,
// compute the heavy tables with ORT (WebGPU or WASM) and draw the charts. State survives hiding the view.
import './main.css';
import type uPlot from 'uplot';
import { similarityJob } from '../src/core/onnx/jobs';
import type { BackendSetting, PanelData } from '../src/protocol';
import { getState, log, onHostMessage, post, request, setState } from './api';
import { card, invalidateTheme, unmountPlot, type Card } from './charts/kit';
import { relativeChart } from './charts/relative';
import { coverageChart, wavelengthChart } from './charts/rope';
import { drawVision } from './charts/vision';
import { drawLearned, heldLearned, learnedGrid } from './charts/learned';
import { drawSimilarityCard, drawTableCard } from './charts/windowTables';
import { mergeReports, scoreChart, type ComputeReport } from './charts/score';
import { OrtRunner, type RunOutcome } from './compute/ortRunner';
import { sinusoidalWindow, windowOf, windowTableJob } from './compute/windowJob';
import { controls, DEFAULT_STATE, type PanelState } from './controls';
import { el, initUi } from './ui';

const app = document.getElementById('app')!;
const ortBase = document.body.dataset['ortBase'] ?? '';
let state: PanelState = { ...DEFAULT_STATE, ...getState<PanelState>() };
let backend: BackendSetting = 'auto';
let runner: Promise<OrtRunner> | null = null;
let data: PanelData | null = null;
/** Bumped by every render; an older render stops at its next await instead of drawing stale charts. */
let generation = 0;
/** Chart cards by id, kept across renders: their plots and canvases are updated in place, not rebuilt. */
const cards = new Map<string, { card: Card; title: string }>();
let used = new Set<string>();
/** The control bar and what it was built for; a render with the same shape only updates the target. */
let controlsKey = '';
/** Milliseconds per phase of the current render, reported with `rendered` (log and benchmark). */
let phases: Record<string, number> = {};
let lapStart = 0;
function lap(name: string): void {
  const now = performance.now();
  phases[name] = (phases[name] ?? 0) + now - lapStart;
  lapStart = now;
}

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

function dropCard(id: string): void {
  const c = cards.get(id);
  if (!c) return;
  unmountPlot(c.card.body);
  c.card.root.remove();
  cards.delete(id);
}

function showError(message: string): void {
  for (const id of [...cards.keys()]) dropCard(id);
  charts.replaceChildren(el('p', { className: 'error', text: message, attrs: { role: 'alert' } }));
}

/** The card `id` for this render, in render order (an existing one is moved, not rebuilt). */
function cardFor(id: string, title: string, description: string): Card {
  let c = cards.get(id);
  if (c && c.title !== title) {
    dropCard(id);
    c = undefined;
  }
  if (!c) {
    c = { card: card(id, title, description), title };
    cards.set(id, c);
  }
  c.card.setDescription(description);
  used.add(id);
  charts.append(c.card.root);
  return c.card;
}

/** Rebuilds the controls only when their shape changed; otherwise shows the resolved target in place. */
function updateControls(d: PanelData): void {
  const key = JSON.stringify([d.layers, d.layer, d.skipped, d.original !== null, state.methods, state.seqLen]);
  if (key === controlsKey && controlBox.firstChild) {
    const field = controlBox.querySelector<HTMLElement & { value: string }>('[data-control="Target length"]');
    if (field && field.value !== String(d.target)) field.value = String(d.target);
    return;
  }
  controlsKey = key;
  // Keyboard focus goes back to the control that had it.
  const focused = (document.activeElement as HTMLElement | null)?.dataset['control'];
  controlBox.replaceChildren(controls(state, d, setStateAndRender));
  if (focused) (document.querySelector(`[data-control="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
}

function chartWidth(): number {
  return Math.max(240, Math.min(900, app.clientWidth - 24));
}

async function render(): Promise<void> {
  const gen = ++generation;
  const t0 = performance.now();
  phases = {};
  lapStart = t0;
  try {
    const d = await request('analyze', { target: state.target, methods: state.methods, layer: state.layer, seqLen: state.seqLen, haveLearned: heldLearned() });
    if (gen !== generation) return;
    lap('request');
    data = d;
    await draw(d, gen, t0);
  } catch (e) {
    if (gen !== generation) return;
    showError(e instanceof Error ? e.message : String(e));
  }
}

/** Draws every chart for `d`; reports timings and the backend to the host once done. */
async function draw(d: PanelData, gen: number, t0: number): Promise<void> {
  updateControls(d);
  lap('controls');
  (header.firstChild as HTMLElement).textContent = `${d.document.name} · ${d.kind}${d.trainedContext ? ` · trained ${d.trainedContext}` : ''}`;
  summary.textContent = d.summary;
  const before = new Set(charts.children);
  used = new Set();
  const width = chartWidth();
  const add = cardFor;
  const keep = (c: Card, p: uPlot | null): void => {
    if (!p) {
      unmountPlot(c.body);
      c.root.remove();
      return;
    }
    c.setCanvas(() => p.ctx.canvas);
  };
  const outcomes: RunOutcome<unknown>[] = [];
  if (d.original && d.series.length > 0) {
    const wl = add('wavelength', 'Wavelength per dimension', 'λᵢ = 2π/θᵢ in tokens, original vs scaled; dashed lines: trained and target lengths.');
    keep(wl, wavelengthChart(wl, d, width));
    lap('wavelength');
    const sc = add('score', 'Relative score vs distance', `s(d) = (a²/H)·Σ cos(d·θᵢ) for d = 0…${d.target}: min–max band per pixel over every integer distance (ORT); outlined: the config as written.`);
    const r = await scoreChart(sc, d, width, await getRunner());
    if (gen !== generation) return;
    outcomes.push(...r.runs);
    keep(sc, r.plot);
    lap('score');
    const cov = add('coverage', 'Rotation coverage per dimension', 'Angle range (rad, capped at 2π) seen in training vs reached at the target.');
    keep(cov, coverageChart(cov, d, width));
    lap('coverage');
  }
  outcomes.push(...(await drawTables(d, gen, width)));
  if (gen !== generation) return;
  outcomes.push(...(await drawLearned(d, { width, add, runner: getRunner, stale: () => gen !== generation, rerender: () => void render() })));
  if (gen !== generation) return;
  lap('learned');
  if (d.alibi || d.t5) {
    const rel = add('relative', d.alibi ? 'ALiBi bias per head' : 'T5 relative-position buckets', d.alibi ? 'Bias −mₕ·|d| added to the logit (tokens of distance d); slopes mₕ per head.' : 'Bucket index per relative position (tokens).');
    keep(rel, relativeChart(rel, d, width));
  }
  drawVision(d, width, add, keep, learnedGrid(d));
  // Cards of the previous render that this one did not draw, and old messages, go; fresh elements stay.
  for (const [id] of cards) if (!used.has(id)) dropCard(id);
  for (const n of before) if (n.isConnected && ![...cards.values()].some((c) => c.card.root === n)) n.remove();
  if (charts.childElementCount === 0) charts.append(el('p', { className: 'muted', text: `No charts for ${d.kind} encodings.` }));
  const report = outcomes.length ? mergeReports(outcomes) : null;
  showBadge(report);
  lap('other');
  // Until the frame with the new charts is on screen (what a user waits for), not just until our code returns;
  // a hidden view gets no animation frames, hence the bound.
  await new Promise<void>((resolve) => {
    const done = (): void => {
      lap('raf');
      setTimeout(resolve, 0);
    };
    requestAnimationFrame(done);
    setTimeout(resolve, 250);
  });
  if (gen !== generation) return;
  lap('paint');
  post({ type: 'rendered', backend: report?.backend ?? 'none', ms: performance.now() - t0, computeMs: report?.ms ?? 0, fallbackReason: report?.fallbackReason ?? null, phases });
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
  lap('tables-compute');
  const what = first ? first.label : 'sinusoidal';
  const z = { level: zoom, levels: spans.length, set: (level: number) => setStateAndRender({ ...state, zoom: level }) };
  const hc = cardFor('heatmap', 'Encoding table', `${what}: cos (top half) and sin (bottom half) per dimension × position; blue −1, red +1.`);
  drawTableCard(hc, table, heat, { what, width, scale: first?.attentionFactor ?? 1, trained, target: d.target, zoom: z });
  lap('heatmap');
  const sc = cardFor('similarity', 'Position similarity', `Cosine similarity between ${simW.count} positions of the window (${what}).`);
  drawSimilarityCard(sc, sim.result, simW, { what, width, trained });
  lap('similarity');
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
  invalidateTheme();
  if (!data) return;
  phases = {};
  lapStart = performance.now();
  void draw(data, ++generation, lapStart);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('error', (e) => log('error', `${e.message} at ${e.filename}:${e.lineno}`));
window.addEventListener('unhandledrejection', (e) => log('error', `unhandled: ${String(e.reason)}`));

initUi();
app.replaceChildren(header, controlBox, summary, charts);
post({ type: 'ready' });
