// The panel's controls: target length, methods to compare, layer variant, sequence length for dynamic and
// longrope. They edit a PanelState and call back; main.ts persists it with setState.
import { PANEL_METHODS, type PanelData, type PanelMethod } from '../src/protocol';
import { checkbox, dropdown, el, textField } from './ui';

export interface PanelState {
  target: number | null;
  methods: PanelMethod[];
  layer: string | null;
  seqLen: number | null;
  /** Heatmap/similarity window: 0 = whole 0…target, higher = narrower around the trained boundary. */
  zoom: number;
}

export const DEFAULT_STATE: PanelState = { target: null, methods: ['current', 'yarn', 'llama3'], layer: null, seqLen: null, zoom: 0 };

const METHOD_LABELS: Record<PanelMethod, string> = { current: 'current config', linear: 'linear', dynamic: 'dynamic', yarn: 'yarn', llama3: 'llama3' };

/** Accepts 131072, 128k, 1M, 1e6; null for anything else. */
export function parseLength(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([kKmM]?)$/.exec(s.replace(/[_,]/g, ''));
  if (!m) return null;
  const mult = m[2] === 'k' || m[2] === 'K' ? 1024 : m[2] === 'm' || m[2] === 'M' ? 1024 * 1024 : 1;
  const v = Math.round(Number(m[1]) * mult);
  return Number.isSafeInteger(v) && v > 0 && v <= 2 ** 31 ? v : null;
}

/** Builds the control bar for the current data; `change` gets the new state. */
export function controls(state: PanelState, data: PanelData | null, change: (s: PanelState) => void): HTMLElement {
  const target = textField('Target length', String(data?.target ?? state.target ?? ''), parseLength, (v) => change({ ...state, target: v }), 'e.g. 128k');
  const seq = textField('Seq len (dynamic/longrope)', state.seqLen === null ? '' : String(state.seqLen), (s) => (s === '' ? 0 : parseLength(s)), (v) => change({ ...state, seqLen: v === 0 ? null : v }), 'target');
  const layers = data?.layers ?? [];
  const layer = dropdown('Layer variant', layers.map((l) => ({ value: l.id ?? '', label: l.label })), data?.layer ?? state.layer ?? '', (v) => change({ ...state, layer: v || null }));
  const skipped = new Map((data?.skipped ?? []).map((s) => [s.method, s.reason]));
  const boxes = PANEL_METHODS.map((m) =>
    checkbox(METHOD_LABELS[m], state.methods.includes(m), (on) => {
      const methods = PANEL_METHODS.filter((x) => (x === m ? on : state.methods.includes(x)));
      change({ ...state, methods });
    }, skipped.has(m) ? { title: skipped.get(m)! } : {}),
  );
  // Methods and the dynamic/longrope sequence length mean something only for RoPE: other kinds get the
  // target (and the layer) alone, not five checkboxes each saying "no RoPE frequencies".
  const rope = !data || data.original !== null;
  if (!rope) return el('div', { className: 'controls' }, el('div', { className: 'row' }, target), layers.length > 1 ? layer : el('span'));
  const why = [...skipped].map(([m, r]) => el('li', { text: `${METHOD_LABELS[m]}: ${r}` }));
  return el('div', { className: 'controls' },
    el('div', { className: 'row' }, target, seq),
    layers.length > 1 ? layer : el('span'),
    el('fieldset', {}, el('legend', { text: 'Compare methods' }), el('div', { className: 'boxes' }, ...boxes)),
    why.length ? el('ul', { className: 'muted skipped' }, ...why) : el('span'));
}
